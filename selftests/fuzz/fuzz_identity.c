// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for identity keys, as they come from outside:
 *  - the PEM scanner (crypto/pem.c) over the bytes: every block it finds
 *    lies within them, in order, with its label in its BEGIN line;
 *  - the bytes as a private key file (PEM: PKCS#8, tinc's PKCS#1 RSA,
 *    tinc 1.1's Ed25519), read through a memfd so that the real file
 *    reader is used too; a key that loads must sign what it verifies;
 *  - the bytes as a host file (Ed25519PublicKey in tinc's base64, RSA
 *    PUBLIC KEY, PUBLIC KEY and ED25519 PUBLIC KEY blocks);
 *  - the bytes as a peer's wire key (32 raw bytes, or PKCS#1 DER): a key
 *    that decodes must encode to exactly the same bytes.
 * Any key that loads must round-trip through its wire form.
 *
 * Built by `make fuzzers` like every selftests/fuzz/fuzz_*.c.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/err.h>

#include "config/config.h"
#include "crypto/identity.h"
#include "crypto/pem.h"

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

static void check_pem_blocks(const char *buf, size_t size)
{
	const char *prev_end = buf;
	unsigned int line = 0, prev_line = 0;
	struct mv_pem_block b;
	size_t pos = 0;
	int ret;

	while ((ret = mv_pem_next(buf, size, &pos, &line, &b)) == 1) {
		CHECK(b.text >= prev_end && b.text + b.text_len <= buf + size);
		CHECK(b.body >= b.text &&
		      b.body + b.body_len <= b.text + b.text_len);
		CHECK(b.label > b.text && b.label + b.label_len < b.body);
		CHECK(b.label_len && b.line > prev_line && b.line <= line);
		CHECK(b.text + b.text_len == buf + pos);
		prev_end = b.text + b.text_len;
		prev_line = line;
	}
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK(ret == 0 || (b.error != MV_PEM_TEXT && b.line));
}

/* A key from outside: its wire form decodes to the same key. */
static void check_round_trip(const struct mv_identity *id)
{
	struct mv_identity *again = NULL;
	size_t len;
	uint8_t *wire;
	char fp[17];

	CHECK(!mv_identity_public_encode(id, &wire, &len));
	CHECK(!mv_identity_public_decode(mv_identity_type(id), wire, len,
					 &again));
	CHECK(mv_identity_equal(id, again));
	mv_identity_fingerprint(id, fp);
	CHECK(strlen(fp) == 16 && !strchr(fp, '?'));
	mv_identity_free(again);
	free(wire);
}

static void check_private(const uint8_t *data, size_t size)
{
	static const char msg[] = "fuzz";
	struct mv_identity *id = NULL;
	char path[64];
	size_t sig_len;
	uint8_t *sig;
	int fd, ret;

	fd = memfd_create("fuzz_identity", MFD_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = mv_identity_load_private(path, &id, NULL);
	close(fd);
	CHECK(ret == 0 || ret == -EINVAL || ret == -ENOTSUP ||
	      ret == -ENOMEM || ret == -EIO || ret == -EFBIG);
	if (ret)
		return;
	CHECK(mv_identity_has_private(id));
	check_round_trip(id);
	/* RSA signing is slow, and as good as Ed25519's for this purpose. */
	if (mv_identity_type(id) == MV_KEY_ED25519) {
		CHECK(!mv_identity_sign(id, msg, sizeof(msg), &sig, &sig_len));
		CHECK(!mv_identity_verify(id, msg, sizeof(msg), sig, sig_len));
		free(sig);
	}
	mv_identity_free(id);
}

static void check_host_keys(const char *buf, size_t size)
{
	struct mv_identity *id = NULL;
	struct mv_host_config h;

	if (mv_config_parse_host_buffer(buf, size, "hosts/fuzz", "fuzz", &h,
					NULL))
		return;
	if (!mv_identity_from_host(&h, &id, NULL)) {
		CHECK(!mv_identity_has_private(id));
		check_round_trip(id);
		mv_identity_free(id);
	}
	mv_host_config_free(&h);
}

static void check_wire(const uint8_t *data, size_t size)
{
	static const enum mv_key_type types[] = { MV_KEY_ED25519, MV_KEY_RSA };
	struct mv_identity *id;
	size_t i, len;
	uint8_t *wire;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		id = NULL;
		if (mv_identity_public_decode(types[i], data, size, &id))
			continue;
		CHECK(!mv_identity_public_encode(id, &wire, &len));
		CHECK(len == size && !memcmp(wire, data, size));
		free(wire);
		mv_identity_free(id);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_pem_blocks((const char *)data, size);
	check_private(data, size);
	check_host_keys((const char *)data, size);
	check_wire(data, size);
	/* Failures may leave OpenSSL errors queued: not for the next input. */
	ERR_clear_error();
	return 0;
}
