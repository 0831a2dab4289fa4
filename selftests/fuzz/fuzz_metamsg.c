// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the meta protocol codec: the same bytes go through
 * every decoder. Besides memory errors it checks what callers rely on: a
 * refusal always carries a reason and leaves nothing to free, only the
 * decoder of the input's type can accept it, pointers into the input stay
 * inside it, and whatever decodes encodes back to exactly the input. The
 * last makes encodings canonical: a STATE re-encoded by any node still
 * matches its origin's signature, and no two byte strings mean the same.
 *
 * clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Iinclude/uapi \
 *	-Iuserspace selftests/fuzz/fuzz_metamsg.c userspace/proto/metamsg.c \
 *	userspace/config/config.c userspace/lib/subnet.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/metamsg.h"

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

/* 0 with no reason, or an error with a NUL-terminated one. */
static void check_result(int ret, const char *err)
{
	CHECK(ret == 0 || ret == -EBADMSG || ret == -ENOMEM);
	CHECK(memchr(err, '\0', MV_META_ERRLEN));
	CHECK(ret ? err[0] != '\0' : err[0] == '\0');
}

static void check_inside(const uint8_t *p, size_t len, const uint8_t *data,
			 size_t size)
{
	CHECK(p >= data && len <= size && p - data <= (ptrdiff_t)(size - len));
}

/* A plaintext decoder accepts only its own message type. */
static void check_type(int ret, const uint8_t *data, size_t size,
		       enum mv_meta_type type)
{
	if (!ret)
		CHECK(mv_meta_type(data, size) == (int)type);
}

static void check_same(const struct mv_buf *b, const uint8_t *data,
		       size_t size)
{
	CHECK(b->len == size && !memcmp(b->data, data, size));
}

static void fuzz_hello(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_hello h;
	int ret;

	ret = mv_meta_hello_decode(data, size, &h, err);
	check_result(ret, err);
	if (ret)
		return;
	mv_buf_reset(b);
	CHECK(!mv_meta_hello_encode(b, &h));
	check_same(b, data, size);
}

static void fuzz_auth(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_auth a;
	int ret;

	ret = mv_meta_auth_decode(data, size, &a, err);
	check_result(ret, err);
	check_type(ret, data, size, MV_META_AUTH);
	if (ret)
		return;
	check_inside(a.sig, a.sig_len, data, size);
	mv_buf_reset(b);
	CHECK(!mv_meta_auth_encode(b, a.key_type, a.sig, a.sig_len));
	check_same(b, data, size);
}

static void fuzz_ping(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	uint64_t token;
	int ret;

	ret = mv_meta_ping_decode(data, size, &token, err);
	check_result(ret, err);
	if (ret)
		return;
	CHECK(data[0] == MV_META_PING || data[0] == MV_META_PONG);
	mv_buf_reset(b);
	CHECK(!mv_meta_ping_encode(b, data[0], token));
	check_same(b, data, size);
}

static void fuzz_state(struct mv_buf *b, const uint8_t *data, size_t size)
{
	static const struct mv_meta_state zero;
	char err[MV_META_ERRLEN];
	struct mv_meta_state s;
	size_t off, len;
	int ret;

	ret = mv_meta_state_decode(data, size, &s, &off, &len, err);
	check_result(ret, err);
	check_type(ret, data, size, MV_META_STATE);
	if (ret) {
		/* Nothing is left to free, but freeing is safe. */
		CHECK(!memcmp(&s, &zero, sizeof(s)) && !off && !len);
	} else {
		/* The signed range is exactly what the encoder signs. */
		mv_buf_reset(b);
		CHECK(!mv_meta_state_encode_body(b, &s));
		CHECK(off == 1 && len == b->len - 1);
		CHECK(!mv_meta_state_encode_sig(b, s.sig, s.sig_len));
		check_same(b, data, size);
	}
	mv_meta_state_free(&s);
}

static void fuzz_session(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_session s;
	int ret;

	ret = mv_meta_session_decode(data, size, &s, err);
	check_result(ret, err);
	check_type(ret, data, size, MV_META_SESSION);
	if (ret)
		return;
	check_inside(s.handshake, s.handshake_len, data, size);
	mv_buf_reset(b);
	CHECK(!mv_meta_session_encode(b, &s));
	check_same(b, data, size);
}

static void fuzz_udp(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	const uint8_t *msg;
	size_t len;
	int ret;

	ret = mv_meta_udp_decode(data, size, &msg, &len, err);
	check_result(ret, err);
	check_type(ret, data, size, MV_META_UDP);
	if (ret)
		return;
	check_inside(msg, len, data, size);
	mv_buf_reset(b);
	CHECK(!mv_meta_udp_encode(b, msg, len));
	check_same(b, data, size);
}

static void fuzz_handshake(struct mv_buf *b, const uint8_t *data, size_t size)
{
	char err[MV_META_ERRLEN];
	struct mv_handshake h;
	int ret;

	ret = mv_handshake_decode(data, size, &h, err);
	check_result(ret, err);
	if (ret)
		return;
	check_inside(h.sig, h.sig_len, data, size);
	CHECK(h.unsigned_len + 2 + h.sig_len == size);
	mv_buf_reset(b);
	CHECK(!mv_handshake_encode_body(b, &h));
	CHECK(b->len == h.unsigned_len);
	CHECK(!mv_buf_put_blob(b, h.sig, h.sig_len));
	check_same(b, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_buf b;

	mv_buf_init(&b);
	fuzz_hello(&b, data, size);
	fuzz_auth(&b, data, size);
	fuzz_ping(&b, data, size);
	fuzz_state(&b, data, size);
	fuzz_session(&b, data, size);
	fuzz_udp(&b, data, size);
	fuzz_handshake(&b, data, size);
	mv_buf_free(&b);
	return 0;
}
