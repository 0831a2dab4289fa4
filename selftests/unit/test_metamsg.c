// SPDX-License-Identifier: GPL-2.0
/*
 * The meta protocol codec is what two nodes must agree on byte for byte,
 * and its decoders face whatever a peer sends: pin the wire format with
 * vectors written out from protocol.md, round-trip every message, and
 * check that truncated, padded and invalid input is refused with a reason
 * and without touching a byte past the input (each decode runs on an
 * exact-size heap copy, so ASan and valgrind see any overread).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "lib/array.h"
#include "proto/metamsg.h"

#include "test.h"

/* ---- helpers ---- */

static struct mv_wire_addr A4(const char *s, uint16_t port)
{
	struct mv_wire_addr a = { .family = 4, .port = port };

	if (inet_pton(AF_INET, s, a.addr) != 1)
		abort();
	return a;
}

static struct mv_wire_addr A6(const char *s, uint16_t port)
{
	struct mv_wire_addr a = { .family = 6, .port = port };

	if (inet_pton(AF_INET6, s, a.addr) != 1)
		abort();
	return a;
}

static bool addr_eq(const struct mv_wire_addr *a, const struct mv_wire_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* Every decoder behind one signature, decoding and freeing. */
typedef int (*decode_fn)(const uint8_t *p, size_t n, char *err);

static int dec_hello(const uint8_t *p, size_t n, char *err)
{
	struct mv_meta_hello h;

	return mv_meta_hello_decode(p, n, &h, err);
}

static int dec_auth(const uint8_t *p, size_t n, char *err)
{
	struct mv_meta_auth a;

	return mv_meta_auth_decode(p, n, &a, err);
}

static int dec_ping(const uint8_t *p, size_t n, char *err)
{
	uint64_t token;

	return mv_meta_ping_decode(p, n, &token, err);
}

/* A failed decode leaves the structure zeroed: free is then a no-op. */
static int dec_state(const uint8_t *p, size_t n, char *err)
{
	static const struct mv_meta_state zero;
	struct mv_meta_state s;
	size_t off, len;
	int ret;

	ret = mv_meta_state_decode(p, n, &s, &off, &len, err);
	if (ret && (memcmp(&s, &zero, sizeof(s)) || off || len))
		abort();
	mv_meta_state_free(&s);
	return ret;
}

static int dec_session(const uint8_t *p, size_t n, char *err)
{
	struct mv_meta_session s;

	return mv_meta_session_decode(p, n, &s, err);
}

static int dec_udp(const uint8_t *p, size_t n, char *err)
{
	const uint8_t *msg;
	size_t len;

	return mv_meta_udp_decode(p, n, &msg, &len, err);
}

static int dec_handshake(const uint8_t *p, size_t n, char *err)
{
	struct mv_handshake h;

	return mv_handshake_decode(p, n, &h, err);
}

/* Decode from a heap copy of exactly @n bytes. */
static int run_exact(decode_fn fn, const uint8_t *p, size_t n, char *err)
{
	uint8_t *copy = malloc(n ? n : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, p, n);
	ret = fn(copy, n, err);
	free(copy);
	return ret;
}

/* The decode fails with -EBADMSG and an error containing @want. */
static bool fails(decode_fn fn, const uint8_t *p, size_t n, const char *want)
{
	char err[MV_META_ERRLEN];
	int ret;

	memset(err, 'x', sizeof(err));
	ret = run_exact(fn, p, n, err);
	if (ret != -EBADMSG || !memchr(err, '\0', sizeof(err)) || !err[0] ||
	    (want && !strstr(err, want))) {
		fprintf(stderr, "  decode of %zu bytes: %d, \"%.*s\", want \"%s\"\n",
			n, ret, MV_META_ERRLEN, err, want ? want : "");
		return false;
	}
	return true;
}

static bool decodes(decode_fn fn, const uint8_t *p, size_t n)
{
	char err[MV_META_ERRLEN] = "";
	int ret = run_exact(fn, p, n, err);

	if (ret)
		fprintf(stderr, "  decode of %zu bytes: %d, \"%s\"\n", n, ret,
			err);
	return !ret;
}

/* @p with the byte at @off replaced, decoded. */
static bool patched_fails(decode_fn fn, const uint8_t *p, size_t n,
			  size_t off, uint8_t v, const char *want)
{
	uint8_t copy[512];

	if (n > sizeof(copy) || off >= n)
		abort();
	memcpy(copy, p, n);
	copy[off] = v;
	if (fails(fn, copy, n, want))
		return true;
	fprintf(stderr, "  (byte %zu set to 0x%02x)\n", off, v);
	return false;
}

/* Every strict prefix fails, and so does every one-byte extension. */
static bool strict_length(decode_fn fn, const uint8_t *p, size_t n)
{
	uint8_t *longer = malloc(n + 1);
	bool ok = decodes(fn, p, n);
	size_t i;
	int v;

	if (!longer)
		abort();
	for (i = 0; i < n; i++)
		ok &= fails(fn, p, i, NULL);
	memcpy(longer, p, n);
	for (v = 0; v < 256; v++) {
		longer[n] = (uint8_t)v;
		ok &= fails(fn, longer, n + 1, NULL);
	}
	free(longer);
	return ok;
}

static bool buf_is(const struct mv_buf *b, const uint8_t *p, size_t n)
{
	size_t i;

	if (b->len == n && !memcmp(b->data, p, n))
		return true;
	fprintf(stderr, "  encoded %zu bytes, want %zu\n", b->len, n);
	for (i = 0; i < b->len && i < n; i++)
		if (b->data[i] != p[i]) {
			fprintf(stderr, "  first difference at %zu: 0x%02x, want 0x%02x\n",
				i, b->data[i], p[i]);
			break;
		}
	return false;
}

/* ---- buffer and reader ---- */

TEST(buf_integers_are_big_endian)
{
	static const uint8_t want[] = {
		0xab,
		0x12, 0x34,
		0x12, 0x34, 0x56, 0x78,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0x02, 'h', 'i',
		0x00, 0x03, 1, 2, 3,
	};
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_buf_put_u8(&b, 0xab), 0);
	EXPECT_EQ(mv_buf_put_u16(&b, 0x1234), 0);
	EXPECT_EQ(mv_buf_put_u32(&b, 0x12345678), 0);
	EXPECT_EQ(mv_buf_put_u64(&b, 0x0123456789abcdefULL), 0);
	EXPECT_EQ(mv_buf_put_str(&b, "hi"), 0);
	EXPECT_EQ(mv_buf_put_blob(&b, "\1\2\3", 3), 0);
	EXPECT(buf_is(&b, want, sizeof(want)));
	mv_buf_reset(&b);
	EXPECT_EQ(b.len, 0);
	EXPECT(b.cap >= sizeof(want));
	mv_buf_free(&b);
	EXPECT(!b.data && !b.len && !b.cap);
}

TEST(buf_grows_and_refuses_overflow)
{
	uint8_t chunk[1000];
	struct mv_buf b;
	size_t i;

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (uint8_t)i;
	mv_buf_init(&b);
	for (i = 0; i < 100; i++)
		EXPECT_EQ(mv_buf_put(&b, chunk, sizeof(chunk)), 0);
	EXPECT_EQ(b.len, 100000);
	EXPECT(b.cap >= b.len);
	EXPECT(!memcmp(b.data + 99000, chunk, sizeof(chunk)));
	/* Sizes that wrap around are refused before anything is read. */
	EXPECT_EQ(mv_buf_put(&b, chunk, SIZE_MAX), -ENOMEM);
	EXPECT_EQ(mv_buf_put(&b, chunk, SIZE_MAX - b.len + 1), -ENOMEM);
	EXPECT_EQ(b.len, 100000);
	/* Nothing to put: fine, even from NULL. */
	EXPECT_EQ(mv_buf_put(&b, NULL, 0), 0);
	mv_buf_free(&b);
}

TEST(buf_str_and_blob_limits)
{
	char s[257];
	struct mv_buf b;

	mv_buf_init(&b);
	memset(s, 'a', sizeof(s));
	s[256] = '\0';
	EXPECT_EQ(mv_buf_put_str(&b, s), -EINVAL);
	s[255] = '\0';
	EXPECT_EQ(mv_buf_put_str(&b, s), 0);
	EXPECT_EQ(b.len, 256);
	EXPECT_EQ(b.data[0], 255);
	EXPECT_EQ(mv_buf_put_blob(&b, NULL, 65536), -EINVAL);
	EXPECT_EQ(mv_buf_put_blob(&b, NULL, 0), 0);
	EXPECT_EQ(b.len, 258);
	mv_buf_free(&b);
}

TEST(reader_failure_is_sticky)
{
	static const uint8_t in[] = {
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11,
	};
	uint8_t out[4] = { 1, 2, 3, 4 };
	struct mv_reader r;
	size_t len = 99;

	mv_reader_init(&r, in, sizeof(in));
	EXPECT_EQ(mv_read_u16(&r), 0x1234);
	EXPECT_EQ(mv_read_u32(&r), 0x56789abc);
	EXPECT(!r.failed);
	EXPECT_EQ(mv_read_u32(&r), 0);	/* 3 bytes left */
	EXPECT(r.failed);
	EXPECT_EQ(r.left, 3);
	/* Bytes are left, but nothing is read after a failure. */
	EXPECT_EQ(mv_read_u8(&r), 0);
	mv_read_bytes(&r, out, sizeof(out));
	EXPECT(!out[0] && !out[3]);
	EXPECT(!mv_read_blob(&r, &len));
	EXPECT_EQ(len, 0);
	EXPECT(r.failed);

	mv_reader_init(&r, in, sizeof(in));
	EXPECT_EQ(mv_read_u64(&r), 0x123456789abcdef0ULL);
	EXPECT_EQ(mv_read_u8(&r), 0x11);
	EXPECT(!r.failed && !r.left);
	EXPECT_EQ(mv_read_u8(&r), 0);
	EXPECT(r.failed);

	/* A blob longer than the input. */
	mv_reader_init(&r, "\x00\x05" "abcd", 6);
	EXPECT(!mv_read_blob(&r, &len));
	EXPECT(r.failed);
	/* An empty blob is not a failure. */
	mv_reader_init(&r, "\x00\x00", 2);
	EXPECT(mv_read_blob(&r, &len));
	EXPECT(!r.failed && !len && !r.left);
	/* Nothing at all to read from. */
	mv_reader_init(&r, NULL, 0);
	EXPECT_EQ(mv_read_u16(&r), 0);
	EXPECT(r.failed);
}

static bool name_reads(const char *in, size_t n, const char *want)
{
	char out[MV_META_MAX_NAME + 1];
	struct mv_reader r;
	bool ok;

	memset(out, 'x', sizeof(out));
	mv_reader_init(&r, in, n);
	ok = mv_read_name(&r, out);
	if (ok != !r.failed)
		return false;
	if (!want)
		return !ok && !out[0];
	return ok && !strcmp(out, want) && !r.left;
}

TEST(read_name_rules)
{
	char long_name[1 + 65];

	EXPECT(name_reads("\x05" "alpha", 6, "alpha"));
	EXPECT(name_reads("\x07" "node_2X", 8, "node_2X"));
	EXPECT(name_reads("\x00", 1, NULL));		/* empty */
	EXPECT(name_reads("\x05" "al-ha", 6, NULL));	/* '-' */
	EXPECT(name_reads("\x05" "al ha", 6, NULL));
	EXPECT(name_reads("\x05" "al\0ha", 6, NULL));	/* embedded NUL */
	EXPECT(name_reads("\x05" "alph", 5, NULL));	/* truncated */
	EXPECT(name_reads("", 0, NULL));
	long_name[0] = 64;
	memset(long_name + 1, 'n', 65);
	EXPECT(name_reads(long_name, 65, "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
				       "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"));
	long_name[0] = 65;
	EXPECT(name_reads(long_name, 66, NULL));
}

TEST(addr_rules)
{
	struct mv_wire_addr a = A4("192.0.2.1", 655), b;
	struct mv_reader r;
	struct mv_buf buf;

	mv_buf_init(&buf);
	EXPECT_EQ(mv_buf_put_addr(&buf, &a), 0);
	EXPECT_EQ(buf.len, 19);
	EXPECT_EQ(buf.data[0], 4);
	EXPECT_EQ(buf.data[1], 192);
	EXPECT_EQ(buf.data[5], 0);
	EXPECT_EQ(buf.data[17], 0x02);
	EXPECT_EQ(buf.data[18], 0x8f);
	mv_reader_init(&r, buf.data, buf.len);
	EXPECT(mv_read_addr(&r, &b));
	EXPECT(addr_eq(&a, &b));

	a = A6("2001:db8::1", 1);
	mv_buf_reset(&buf);
	EXPECT_EQ(mv_buf_put_addr(&buf, &a), 0);
	mv_reader_init(&r, buf.data, buf.len);
	EXPECT(mv_read_addr(&r, &b));
	EXPECT(addr_eq(&a, &b));

	/* An IPv4 address has one encoding: padding must be zero. */
	mv_buf_reset(&buf);
	a = A4("192.0.2.1", 655);
	a.addr[15] = 1;
	EXPECT_EQ(mv_buf_put_addr(&buf, &a), -EINVAL);
	a.addr[15] = 0;
	a.family = 5;
	EXPECT_EQ(mv_buf_put_addr(&buf, &a), -EINVAL);
	EXPECT_EQ(buf.len, 0);

	mv_reader_init(&r, "\x04" "\xc0\x00\x02\x01" "\0\0\0\0\0\0\0\0\0\0\0\1"
			   "\x02\x8f", 19);
	EXPECT(!mv_read_addr(&r, &b));
	EXPECT(r.failed);
	mv_reader_init(&r, "\x00" "\xc0\x00\x02\x01" "\0\0\0\0\0\0\0\0\0\0\0\0"
			   "\x02\x8f", 19);
	EXPECT(!mv_read_addr(&r, &b));
	mv_reader_init(&r, "\x04" "\xc0\x00\x02\x01" "\0\0\0\0\0\0\0\0\0\0\0\0"
			   "\x02", 18);
	EXPECT(!mv_read_addr(&r, &b));
	mv_buf_free(&buf);
}

/* ---- HELLO ---- */

/* protocol.md 9.2, written out by hand. */
static const uint8_t hello_vector[] = {
	'M', 'V', 'P', 'N',			/* magic */
	0x01, 0x00,				/* version 1.0 */
	0x05, 'a', 'l', 'p', 'h', 'a',		/* name "alpha" */
	/* ephemeral key: 0x00 .. 0x1f */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	/* random: 0xe0 .. 0xff */
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
	0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

static struct mv_meta_hello hello_fixture(void)
{
	struct mv_meta_hello h = { .major = 1, .minor = 0, .name = "alpha" };
	int i;

	for (i = 0; i < 32; i++) {
		h.ephemeral[i] = (uint8_t)i;
		h.random[i] = (uint8_t)(0xe0 + i);
	}
	return h;
}

TEST(hello_vector)
{
	struct mv_meta_hello h = hello_fixture(), d;
	char err[MV_META_ERRLEN];
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_hello_encode(&b, &h), 0);
	EXPECT(buf_is(&b, hello_vector, sizeof(hello_vector)));
	EXPECT_EQ(mv_meta_hello_decode(hello_vector, sizeof(hello_vector), &d,
				       err), 0);
	EXPECT_STREQ(err, "");
	EXPECT(!memcmp(&h, &d, sizeof(h)));
	EXPECT(strict_length(dec_hello, hello_vector, sizeof(hello_vector)));
	mv_buf_free(&b);
}

/* REFUSE: "MVRF" and a known code, five bytes, nothing else. */
TEST(refuse_vector_and_invalid)
{
	static const uint8_t vector[] = { 'M', 'V', 'R', 'F', 2 };
	uint8_t v[sizeof(vector) + 1];
	enum mv_meta_refusal code = 0;
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_refuse_encode(&b, MV_REFUSE_BAD_KEY), 0);
	EXPECT(buf_is(&b, vector, sizeof(vector)));
	EXPECT_EQ(mv_meta_refuse_encode(&b, 0), -EINVAL);
	EXPECT_EQ(mv_meta_refuse_encode(&b, MV_REFUSE_BUSY + 1), -EINVAL);
	EXPECT_EQ(b.len, sizeof(vector));
	mv_buf_free(&b);
	EXPECT_EQ(mv_meta_refuse_decode(vector, sizeof(vector), &code), 0);
	EXPECT_EQ(code, MV_REFUSE_BAD_KEY);
	EXPECT_STREQ(mv_meta_refusal_text(code),
		     "our key is not the one it holds for us");
	EXPECT_STREQ(mv_meta_refusal_text(99), "no reason given");

	memcpy(v, vector, sizeof(vector));
	v[5] = 0;
	EXPECT_EQ(mv_meta_refuse_decode(v, sizeof(v), &code), -EBADMSG);
	EXPECT_EQ(mv_meta_refuse_decode(v, 4, &code), -EBADMSG);
	v[4] = 0;
	EXPECT_EQ(mv_meta_refuse_decode(v, 5, &code), -EBADMSG);
	v[4] = MV_REFUSE_BUSY + 1;
	EXPECT_EQ(mv_meta_refuse_decode(v, 5, &code), -EBADMSG);
	v[4] = 1;
	v[0] = 'm';
	EXPECT_EQ(mv_meta_refuse_decode(v, 5, &code), -EBADMSG);
}

TEST(hello_invalid)
{
	const uint8_t *v = hello_vector;
	size_t n = sizeof(hello_vector);
	struct mv_meta_hello h = hello_fixture();
	struct mv_buf b;

	EXPECT(patched_fails(dec_hello, v, n, 0, 'm', "HELLO: bad magic"));
	EXPECT(patched_fails(dec_hello, v, n, 4, 2,
			     "HELLO: major version 2, want 1"));
	EXPECT(patched_fails(dec_hello, v, n, 4, 0, "major version 0"));
	EXPECT(patched_fails(dec_hello, v, n, 6, 0,
			     "HELLO: name is not a valid name"));
	EXPECT(patched_fails(dec_hello, v, n, 6, 65, "name is not a valid"));
	EXPECT(patched_fails(dec_hello, v, n, 8, '.', "name is not a valid"));
	EXPECT(fails(dec_hello, v, 3, "HELLO: header truncated"));
	EXPECT(fails(dec_hello, v, 10, "HELLO: name truncated"));
	EXPECT(fails(dec_hello, v, n - 1, "HELLO: keys truncated"));
	/* A newer minor version is fine: both sides use the smaller. */
	{
		uint8_t copy[sizeof(hello_vector)];

		memcpy(copy, v, n);
		copy[5] = 7;
		EXPECT(decodes(dec_hello, copy, n));
	}

	mv_buf_init(&b);
	strcpy(h.name, "bad-name");
	EXPECT_EQ(mv_meta_hello_encode(&b, &h), -EINVAL);
	h = hello_fixture();
	h.name[0] = '\0';
	EXPECT_EQ(mv_meta_hello_encode(&b, &h), -EINVAL);
	h = hello_fixture();
	memset(h.name, 'a', sizeof(h.name));	/* not terminated */
	EXPECT_EQ(mv_meta_hello_encode(&b, &h), -EINVAL);
	h = hello_fixture();
	h.major = 2;
	EXPECT_EQ(mv_meta_hello_encode(&b, &h), -EINVAL);
	EXPECT_EQ(b.len, 0);
	mv_buf_free(&b);
}

/* ---- STATE ---- */

/*
 * protocol.md 9.3, written out by hand. The offsets of the fields the
 * invalid-field tests change are given in the comments.
 */
static const uint8_t state_vector[] = {
	0x04,					/* 0: type STATE */
	0x05, 'a', 'l', 'p', 'h', 'a',		/* 1: origin "alpha" */
	0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00,	/* 7: seq 1.7e12 */
	0x00, 0x00, 0x01, 0x2c,			/* 15: lifetime 300 */
	0x01,					/* 19: flags IndirectData */
	0x01,					/* 20: cipher chacha20 */
	0x02, 0x8f,				/* 21: port 655 */
	0x01,					/* 23: key type Ed25519 */
	0x00, 0x20,				/* 24: key length 32 */
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,	/* 26: key */
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x00, 0x02,				/* 58: 2 edges */
	0x04, 'b', 'e', 't', 'a',		/* 60: edge 0 peer "beta" */
	0x00, 0x00, 0x00, 0x0c,			/* 65: weight 12 */
	0x04,					/* 69: family 4 */
	0xc0, 0x00, 0x02, 0x01,			/* 70: 192.0.2.1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* 74: padding */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x8f,				/* 86: port 655 */
	0x05, 'g', 'a', 'm', 'm', 'a',		/* 88: edge 1 peer "gamma" */
	0x00, 0x00, 0x00, 0x28,			/* 94: weight 40 */
	0x06,					/* 98: family 6 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,	/* 99: 2001:db8::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x02, 0x8f,				/* 115: port 655 */
	0x00, 0x02,				/* 117: 2 subnets */
	0x0d, '1', '0', '.', '1', '.', '0', '.', '0',	/* 119: subnet 0 */
	'/', '1', '6', '#', '5',
	0x0b, 'f', 'd', '0', '0', ':', '1', ':', ':',	/* 133: subnet 1 */
	'/', '6', '4',
	0x00, 0x03,				/* 145: 3 candidates */
	0x01,					/* 147: reflexive */
	0x04, 0xc6, 0x33, 0x64, 0x07,		/* 148: 198.51.100.7 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x9c, 0x40,				/* port 40000 */
	0x02,					/* 167: local */
	0x04, 0x0a, 0x00, 0x00, 0x05,		/* 168: 10.0.0.5 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x8f,				/* port 655 */
	0x03,					/* 187: configured */
	0x06,					/* 188: 2001:db8::5 */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	0x02, 0x8f,				/* port 655 */
	0x00, 0x04,				/* 207: signature length 4 */
	0xde, 0xad, 0xbe, 0xef,			/* 209: signature */
};

#define STATE_SIGNED_LEN	206	/* bytes 1 .. 206 */

/* A STATE with storage for everything it points to. */
struct state_fixture {
	struct mv_meta_state s;
	uint8_t key[32];
	struct mv_state_edge edges[2];
	char subnet_text[2][16];
	char *subnets[2];
	struct mv_state_candidate candidates[3];
};

/* The contents of state_vector. */
static void state_fixture(struct state_fixture *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	strcpy(f->s.origin, "alpha");
	f->s.seq = 1700000000000ULL;
	f->s.lifetime = 300;
	f->s.flags = MV_STATE_F_INDIRECT;
	f->s.cipher = 1;
	f->s.port = 655;
	f->s.key_type = 1;
	for (i = 0; i < 32; i++)
		f->key[i] = (uint8_t)(0x20 + i);
	f->s.key = f->key;
	f->s.key_len = sizeof(f->key);
	strcpy(f->edges[0].peer, "beta");
	f->edges[0].weight = 12;
	f->edges[0].address = A4("192.0.2.1", 655);
	strcpy(f->edges[1].peer, "gamma");
	f->edges[1].weight = 40;
	f->edges[1].address = A6("2001:db8::1", 655);
	f->s.edges = f->edges;
	f->s.n_edges = 2;
	strcpy(f->subnet_text[0], "10.1.0.0/16#5");
	strcpy(f->subnet_text[1], "fd00:1::/64");
	f->subnets[0] = f->subnet_text[0];
	f->subnets[1] = f->subnet_text[1];
	f->s.subnets = f->subnets;
	f->s.n_subnets = 2;
	f->candidates[0].kind = MV_CAND_REFLEXIVE;
	f->candidates[0].address = A4("198.51.100.7", 40000);
	f->candidates[1].kind = MV_CAND_LOCAL;
	f->candidates[1].address = A4("10.0.0.5", 655);
	f->candidates[2].kind = MV_CAND_CONFIGURED;
	f->candidates[2].address = A6("2001:db8::5", 655);
	f->s.candidates = f->candidates;
	f->s.n_candidates = 3;
}

static bool state_eq(const struct mv_meta_state *a,
		     const struct mv_meta_state *b)
{
	size_t i;

	if (strcmp(a->origin, b->origin) || a->seq != b->seq ||
	    a->lifetime != b->lifetime || a->flags != b->flags ||
	    a->cipher != b->cipher || a->port != b->port ||
	    a->key_type != b->key_type || a->key_len != b->key_len ||
	    memcmp(a->key, b->key, a->key_len) || a->n_edges != b->n_edges ||
	    a->n_subnets != b->n_subnets ||
	    a->n_candidates != b->n_candidates)
		return false;
	for (i = 0; i < a->n_edges; i++)
		if (strcmp(a->edges[i].peer, b->edges[i].peer) ||
		    a->edges[i].weight != b->edges[i].weight ||
		    !addr_eq(&a->edges[i].address, &b->edges[i].address))
			return false;
	for (i = 0; i < a->n_subnets; i++)
		if (strcmp(a->subnets[i], b->subnets[i]))
			return false;
	for (i = 0; i < a->n_candidates; i++)
		if (a->candidates[i].kind != b->candidates[i].kind ||
		    !addr_eq(&a->candidates[i].address,
			     &b->candidates[i].address))
			return false;
	return true;
}

static const uint8_t vector_sig[] = { 0xde, 0xad, 0xbe, 0xef };

TEST(state_vector)
{
	struct state_fixture f;
	struct mv_meta_state d;
	char err[MV_META_ERRLEN];
	size_t off, len;
	struct mv_buf b;

	state_fixture(&f);
	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_state_encode_body(&b, &f.s), 0);
	EXPECT_EQ(b.len, 1 + STATE_SIGNED_LEN);
	EXPECT_EQ(mv_meta_state_encode_sig(&b, vector_sig, sizeof(vector_sig)),
		  0);
	EXPECT(buf_is(&b, state_vector, sizeof(state_vector)));

	EXPECT_EQ(mv_meta_state_decode(state_vector, sizeof(state_vector), &d,
				       &off, &len, err), 0);
	EXPECT_STREQ(err, "");
	EXPECT(state_eq(&f.s, &d));
	EXPECT_EQ(off, 1);
	EXPECT_EQ(len, STATE_SIGNED_LEN);
	EXPECT_EQ(d.sig_len, sizeof(vector_sig));
	EXPECT(d.sig && !memcmp(d.sig, vector_sig, sizeof(vector_sig)));
	EXPECT_EQ(d.subnets[0][13], '\0');
	mv_meta_state_free(&d);
	EXPECT(!d.key && !d.edges && !d.subnets && !d.sig && !d.n_edges);
	mv_buf_free(&b);
}

/*
 * A busier STATE: every flag, RSA key, IPv4 and IPv6 edges, every
 * candidate kind, a real-size signature.
 */
TEST(state_round_trip)
{
	static const char *const subnet_text[] = {
		"10.1.0.0/16#5", "192.168.7.1", "fd00:1::/64",
		"2001:db8:1::/48#20", "00:16:3e:00:00:01",
	};
	struct mv_state_edge edges[4] = {
		{ "beta", 1, A4("192.0.2.1", 655) },
		{ "gamma_2", 4000000000u, A6("2001:db8::1", 655) },
		{ "Delta", 17, A6("fe80::1:2", 1) },
		{ "e", 3, A4("203.0.113.255", 65535) },
	};
	struct mv_state_candidate cands[4] = {
		{ MV_CAND_REFLEXIVE, A4("198.51.100.7", 40000) },
		{ MV_CAND_LOCAL, A4("10.0.0.5", 655) },
		{ MV_CAND_LOCAL, A6("fd00::5", 655) },
		{ MV_CAND_CONFIGURED, A6("2001:db8::5", 655) },
	};
	char text[ARRAY_SIZE(subnet_text)][32];
	char *subnets[ARRAY_SIZE(subnet_text)];
	struct mv_meta_state s = {
		.origin = "node_A1", .seq = 0xfedcba9876543210ULL,
		.lifetime = 0xffffffff, .flags = MV_STATE_F_KNOWN,
		.cipher = 2, .port = 65000, .key_type = 2,
		.edges = edges, .n_edges = ARRAY_SIZE(edges),
		.subnets = subnets, .n_subnets = ARRAY_SIZE(subnets),
		.candidates = cands, .n_candidates = ARRAY_SIZE(cands),
	};
	uint8_t key[270], sig[256];
	struct mv_meta_state d;
	char err[MV_META_ERRLEN];
	size_t i, off, len, body_len;
	struct mv_buf b;

	for (i = 0; i < ARRAY_SIZE(subnet_text); i++) {
		strcpy(text[i], subnet_text[i]);
		subnets[i] = text[i];
	}
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)~i;
	s.key = key;
	s.key_len = sizeof(key);

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_state_encode_body(&b, &s), 0);
	body_len = b.len;
	EXPECT_EQ(mv_meta_state_encode_sig(&b, sig, sizeof(sig)), 0);
	EXPECT_EQ(b.len, body_len + 2 + sizeof(sig));
	EXPECT_EQ(mv_meta_type(b.data, b.len), MV_META_STATE);
	EXPECT_EQ(mv_meta_state_decode(b.data, b.len, &d, &off, &len, err), 0);
	EXPECT(state_eq(&s, &d));
	EXPECT_EQ(d.sig_len, sizeof(sig));
	EXPECT(!memcmp(d.sig, sig, sizeof(sig)));
	/* What the decoder says is signed is what the encoder produced. */
	EXPECT_EQ(off, 1);
	EXPECT_EQ(len, body_len - 1);
	EXPECT(strict_length(dec_state, b.data, b.len));
	mv_meta_state_free(&d);

	/* Empty lists and an empty signature. */
	s.n_edges = 0;
	s.n_subnets = 0;
	s.n_candidates = 0;
	s.flags = MV_STATE_F_GONE;
	mv_buf_reset(&b);
	EXPECT_EQ(mv_meta_state_encode_body(&b, &s), 0);
	EXPECT_EQ(mv_meta_state_encode_sig(&b, NULL, 0), 0);
	EXPECT_EQ(mv_meta_state_decode(b.data, b.len, &d, &off, &len, err), 0);
	EXPECT(state_eq(&s, &d));
	EXPECT(!d.edges && !d.subnets && !d.candidates && !d.sig);
	EXPECT_EQ(len, b.len - 3);
	EXPECT(strict_length(dec_state, b.data, b.len));
	mv_meta_state_free(&d);
	mv_buf_free(&b);
}

TEST(state_signed_part)
{
	struct state_fixture f;
	struct mv_buf body, a, b;
	struct mv_meta_state d;
	size_t off, len;

	state_fixture(&f);
	mv_buf_init(&body);
	mv_buf_init(&a);
	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_state_encode_body(&body, &f.s), 0);
	EXPECT_EQ(mv_meta_state_signed_part(&a, body.data + 1, body.len - 1),
		  0);
	EXPECT_EQ(a.len, 16 + body.len - 1);
	EXPECT(!memcmp(a.data, "meshvpn state v1", 16));
	EXPECT(!memcmp(a.data + 16, body.data + 1, body.len - 1));

	EXPECT_EQ(mv_meta_state_decode(state_vector, sizeof(state_vector), &d,
				       &off, &len, NULL), 0);
	EXPECT_EQ(mv_meta_state_signed_part(&b, state_vector + off, len), 0);
	EXPECT(buf_is(&b, a.data, a.len));
	mv_meta_state_free(&d);
	mv_buf_free(&body);
	mv_buf_free(&a);
	mv_buf_free(&b);
}

/* state_vector with the big-endian u16 at @off replaced. */
static bool state_u16_fails(size_t off, uint16_t v, const char *want)
{
	uint8_t copy[sizeof(state_vector)];

	memcpy(copy, state_vector, sizeof(copy));
	copy[off] = (uint8_t)(v >> 8);
	copy[off + 1] = (uint8_t)v;
	return fails(dec_state, copy, sizeof(copy), want);
}

TEST(state_invalid_fields)
{
	static const struct {
		size_t off;
		uint8_t v;
		const char *want;
	} cases[] = {
		{ 0, MV_META_SESSION, "STATE: wrong message type 5" },
		{ 1, 0, "STATE: origin is not a valid name" },
		{ 1, 65, "STATE: origin is not a valid name" },
		{ 2, '-', "STATE: origin is not a valid name" },
		{ 2, 0, "STATE: origin is not a valid name" },
		{ 19, 0x08, "STATE: unknown flags 0x08" },
		{ 19, 0x81, "STATE: unknown flags 0x81" },
		{ 20, 3, "STATE: unknown cipher 3" },
		{ 23, 0, "STATE: unknown key type 0" },
		{ 23, 3, "STATE: unknown key type 3" },
		{ 25, 31, "STATE: Ed25519 key of 31 bytes" },
		{ 60, 0, "STATE: edge 0: peer is not a valid name" },
		{ 61, '.', "STATE: edge 0: peer is not a valid name" },
		{ 61, 0, "STATE: edge 0: peer is not a valid name" },
		{ 68, 0, "STATE: edge 0: weight 0" },
		{ 69, 5, "STATE: edge 0: address family 5 unknown" },
		{ 69, 0, "STATE: edge 0: address family 0 unknown" },
		{ 80, 1, "STATE: edge 0: address: IPv4 padding not zero" },
		{ 98, 4, "STATE: edge 1: address: IPv4 padding not zero" },
		{ 89, '!', "STATE: edge 1: peer is not a valid name" },
		{ 119, 0, "STATE: subnet 0: empty" },
		{ 120, ' ', "STATE: subnet 0: not printable text" },
		{ 120, 0, "STATE: subnet 0: not printable text" },
		{ 134, 0x7f, "STATE: subnet 1: not printable text" },
		{ 134, 0xc3, "STATE: subnet 1: not printable text" },
		{ 147, 0, "STATE: candidate 0: unknown kind 0" },
		{ 147, 4, "STATE: candidate 0: unknown kind 4" },
		{ 168, 7, "STATE: candidate 1: address family 7 unknown" },
		{ 188, 4, "STATE: candidate 2: address: IPv4 padding not zero" },
		{ 208, 5, "STATE: signature truncated" },
		{ 208, 3, "STATE: trailing data (1 bytes)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT(patched_fails(dec_state, state_vector,
				     sizeof(state_vector), cases[i].off,
				     cases[i].v, cases[i].want));
	/* Counts above the limits, and counts the input cannot hold. */
	EXPECT(state_u16_fails(58, 4097, "STATE: 4097 edges, at most 4096"));
	EXPECT(state_u16_fails(58, 0xffff, "STATE: 65535 edges, at most"));
	EXPECT(state_u16_fails(58, 7, "STATE: 7 edges do not fit in 153 bytes"));
	EXPECT(state_u16_fails(117, 4097,
			       "STATE: 4097 subnets, at most 4096"));
	EXPECT(state_u16_fails(145, 33, "STATE: 33 candidates, at most 32"));
	EXPECT(state_u16_fails(24, 33, "STATE: Ed25519 key of 33 bytes"));
	EXPECT(state_u16_fails(24, 0x1000, "STATE: key truncated"));
	/* Truncated inside a list item: the item is named. */
	EXPECT(fails(dec_state, state_vector, 112, "STATE: edge 1 truncated"));
	EXPECT(fails(dec_state, state_vector, 140, "STATE: subnet 1 truncated"));
	/* Candidates have a fixed size: a short list does not fit at all. */
	EXPECT(fails(dec_state, state_vector, 200,
		     "STATE: 3 candidates do not fit in 53 bytes"));
	EXPECT(fails(dec_state, state_vector, 16, "STATE: header truncated"));
	EXPECT(fails(dec_state, state_vector, 4, "STATE: origin truncated"));
	EXPECT(fails(dec_state, state_vector, 0, "STATE: empty"));
	EXPECT(fails(dec_state, state_vector, 118,
		     "STATE: count of subnets truncated"));
	/* RSA keys may have any non-empty length. */
	{
		uint8_t copy[sizeof(state_vector)];

		memcpy(copy, state_vector, sizeof(copy));
		copy[23] = 2;
		EXPECT(decodes(dec_state, copy, sizeof(copy)));
	}
	/* A valid STATE is still refused by the other decoders. */
	EXPECT(fails(dec_session, state_vector, sizeof(state_vector),
		     "SESSION: wrong message type 4"));
	EXPECT(fails(dec_ping, state_vector, sizeof(state_vector),
		     "PING: wrong message type 4"));
}

/* Every value the decoder would refuse is refused by the encoder too. */
TEST(state_encode_refuses_invalid)
{
	struct state_fixture f;
	struct mv_buf b;

	mv_buf_init(&b);
#define REFUSED(change)							\
	do {								\
		state_fixture(&f);					\
		change;							\
		EXPECT_EQ(mv_meta_state_encode_body(&b, &f.s), -EINVAL); \
		EXPECT_EQ(b.len, 0);					\
	} while (0)
	REFUSED(strcpy(f.s.origin, "a.b"));
	REFUSED(f.s.origin[0] = '\0');
	REFUSED(f.s.flags = 0x08);
	REFUSED(f.s.cipher = 3);
	REFUSED(f.s.key_type = 0);
	REFUSED(f.s.key_type = 3);
	REFUSED(f.s.key_len = 31);
	REFUSED((f.s.key_type = 2, f.s.key_len = 0));
	REFUSED(f.edges[1].weight = 0);
	REFUSED(strcpy(f.edges[1].peer, "-"));
	REFUSED(f.edges[0].address.family = 0);
	REFUSED(f.edges[0].address.addr[4] = 1);
	REFUSED(f.subnets[1] = NULL);
	REFUSED(f.subnet_text[0][0] = '\0');
	REFUSED(f.subnet_text[0][3] = ' ');
	REFUSED(f.subnet_text[0][3] = '\n');
	REFUSED(f.candidates[0].kind = 0);
	REFUSED(f.candidates[2].kind = 4);
	REFUSED(f.candidates[2].address.family = 5);
	REFUSED(f.s.n_candidates = MV_META_MAX_CANDIDATES + 1);
#undef REFUSED

	/* The signed range starts at b->data: the buffer must be empty. */
	state_fixture(&f);
	EXPECT_EQ(mv_buf_put_u8(&b, 0), 0);
	EXPECT_EQ(mv_meta_state_encode_body(&b, &f.s), -EINVAL);
	EXPECT_EQ(b.len, 1);
	/* A signature goes only after a STATE body. */
	EXPECT_EQ(mv_meta_state_encode_sig(&b, vector_sig, 4), -EINVAL);
	mv_buf_reset(&b);
	EXPECT_EQ(mv_meta_state_encode_sig(&b, vector_sig, 4), -EINVAL);
	mv_buf_free(&b);
}

/* A STATE with @n edges "n0000", "n0001", ... */
static int encode_edges(struct mv_buf *b, size_t n, size_t sig_len)
{
	static const uint8_t sig[MV_META_MAX_PLAINTEXT];
	struct state_fixture f;
	struct mv_state_edge *edges = calloc(n, sizeof(*edges));
	size_t i;
	int ret;

	if (!edges)
		abort();
	for (i = 0; i < n; i++) {
		snprintf(edges[i].peer, sizeof(edges[i].peer), "n%04zu", i);
		edges[i].weight = 1;
		edges[i].address = A4("192.0.2.1", 655);
	}
	state_fixture(&f);
	f.s.edges = edges;
	f.s.n_edges = n;
	f.s.n_subnets = 0;
	f.s.n_candidates = 0;
	mv_buf_reset(b);
	ret = mv_meta_state_encode_body(b, &f.s);
	if (!ret)
		ret = mv_meta_state_encode_sig(b, sig, sig_len);
	free(edges);
	return ret;
}

TEST(state_limits)
{
	struct mv_buf b;

	mv_buf_init(&b);
	/* Above the count limit: the format's limit, whatever the size. */
	EXPECT_EQ(encode_edges(&b, MV_META_MAX_EDGES + 1, 64), -EINVAL);
	EXPECT_EQ(b.len, 0);
	/* At the limit, but far more than a record holds. */
	EXPECT_EQ(encode_edges(&b, MV_META_MAX_EDGES, 64), -EMSGSIZE);
	EXPECT_EQ(b.len, 0);
	/*
	 * 64 bytes of fixed fields (type, origin "alpha", header, 32-byte
	 * key, three counts), 29 per edge, 2 + 64 of signature:
	 * 560 edges make 16370 bytes, 561 make 16399.
	 */
	EXPECT_EQ(encode_edges(&b, 560, 64), 0);
	EXPECT_EQ(b.len, 16370);
	EXPECT(decodes(dec_state, b.data, b.len));
	EXPECT_EQ(encode_edges(&b, 560, 78), 0);
	EXPECT_EQ(b.len, MV_META_MAX_PLAINTEXT);
	EXPECT(decodes(dec_state, b.data, b.len));
	EXPECT(b.len == MV_META_MAX_PLAINTEXT &&
	       !mv_buf_put_u8(&b, 0) &&
	       fails(dec_state, b.data, b.len,
		     "STATE: 16385 bytes, at most 16384"));
	EXPECT_EQ(encode_edges(&b, 560, 79), -EMSGSIZE);
	/* The body is kept: a smaller signature may still fit. */
	EXPECT_EQ(b.len, 16304);
	EXPECT_EQ(mv_meta_state_encode_sig(&b, NULL, 0), 0);
	EXPECT_EQ(encode_edges(&b, 561, 64), -EMSGSIZE);
	/* 562 edges leave room for an empty signature, 563 do not. */
	EXPECT_EQ(encode_edges(&b, 562, 0), 0);
	EXPECT_EQ(encode_edges(&b, 563, 0), -EMSGSIZE);
	EXPECT_EQ(b.len, 0);
	mv_buf_free(&b);
}

/* ---- AUTH, PING, PONG ---- */

TEST(auth_round_trip)
{
	/* type AUTH, key type Ed25519, 64-byte signature */
	uint8_t sig[64], want[1 + 1 + 2 + 64] = { 0x01, 0x01, 0x00, 0x40 };
	struct mv_meta_auth a;
	char err[MV_META_ERRLEN];
	struct mv_buf b;
	size_t i;

	for (i = 0; i < sizeof(sig); i++)
		sig[i] = (uint8_t)(0x80 + i);
	memcpy(want + 4, sig, sizeof(sig));
	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_auth_encode(&b, 1, sig, sizeof(sig)), 0);
	EXPECT(buf_is(&b, want, sizeof(want)));
	EXPECT_EQ(mv_meta_auth_decode(b.data, b.len, &a, err), 0);
	EXPECT_EQ(a.key_type, 1);
	EXPECT_EQ(a.sig_len, 64);
	EXPECT(a.sig == b.data + 4);
	EXPECT(strict_length(dec_auth, b.data, b.len));

	EXPECT(patched_fails(dec_auth, want, sizeof(want), 1, 0,
			     "AUTH: unknown key type 0"));
	EXPECT(patched_fails(dec_auth, want, sizeof(want), 1, 3,
			     "AUTH: unknown key type 3"));
	EXPECT(patched_fails(dec_auth, want, sizeof(want), 3, 0x41,
			     "AUTH: signature truncated"));
	EXPECT(fails(dec_auth, want, 1, "AUTH: key type truncated"));
	EXPECT(patched_fails(dec_auth, want, sizeof(want), 0, MV_META_PING,
			     "AUTH: wrong message type 2"));

	mv_buf_reset(&b);
	EXPECT_EQ(mv_meta_auth_encode(&b, 0, sig, sizeof(sig)), -EINVAL);
	EXPECT_EQ(mv_meta_auth_encode(&b, 3, sig, sizeof(sig)), -EINVAL);
	EXPECT_EQ(mv_meta_auth_encode(&b, 2, NULL, MV_META_MAX_PLAINTEXT - 3),
		  -EMSGSIZE);
	EXPECT_EQ(b.len, 0);
	EXPECT_EQ(mv_meta_auth_encode(&b, 2, NULL, 0), 0);
	EXPECT_EQ(mv_meta_auth_decode(b.data, b.len, &a, err), 0);
	EXPECT_EQ(a.key_type, 2);
	EXPECT_EQ(a.sig_len, 0);
	mv_buf_free(&b);
}

TEST(ping_pong_round_trip)
{
	static const uint8_t ping[] = {
		0x02, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	static const uint8_t pong[] = {
		0x03, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
	};
	char err[MV_META_ERRLEN];
	uint64_t token = 0;
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_ping_encode(&b, MV_META_PING, 0x0102030405060708ULL),
		  0);
	EXPECT(buf_is(&b, ping, sizeof(ping)));
	EXPECT_EQ(mv_meta_ping_decode(ping, sizeof(ping), &token, err), 0);
	EXPECT(token == 0x0102030405060708ULL);
	EXPECT_EQ(mv_meta_type(ping, sizeof(ping)), MV_META_PING);
	mv_buf_reset(&b);
	EXPECT_EQ(mv_meta_ping_encode(&b, MV_META_PONG, 0xffeeddccbbaa9988ULL),
		  0);
	EXPECT(buf_is(&b, pong, sizeof(pong)));
	EXPECT_EQ(mv_meta_ping_decode(pong, sizeof(pong), &token, err), 0);
	EXPECT(token == 0xffeeddccbbaa9988ULL);
	EXPECT_EQ(mv_meta_type(pong, sizeof(pong)), MV_META_PONG);
	EXPECT(strict_length(dec_ping, ping, sizeof(ping)));
	EXPECT(strict_length(dec_ping, pong, sizeof(pong)));

	EXPECT(fails(dec_ping, pong, 5, "PONG: token truncated"));
	EXPECT(fails(dec_ping, ping, 5, "PING: token truncated"));
	EXPECT(patched_fails(dec_ping, ping, sizeof(ping), 0, MV_META_AUTH,
			     "PING: wrong message type 1"));
	EXPECT_EQ(mv_meta_ping_encode(&b, MV_META_STATE, 1), -EINVAL);
	EXPECT_EQ(b.len, sizeof(pong));
	mv_buf_free(&b);
}

TEST(meta_type)
{
	uint8_t t;

	EXPECT_EQ(mv_meta_type(NULL, 0), -EBADMSG);
	for (t = 0; t < 10; t++)
		EXPECT_EQ(mv_meta_type(&t, 1),
			  t >= 1 && t <= 6 ? t : -EBADMSG);
	t = 0xff;
	EXPECT_EQ(mv_meta_type(&t, 1), -EBADMSG);
}

/* ---- SESSION and UDP ---- */

TEST(session_round_trip)
{
	static const uint8_t want[] = {
		0x05,					/* type SESSION */
		0x05, 'a', 'l', 'p', 'h', 'a',		/* from */
		0x04, 'b', 'e', 't', 'a',		/* to */
		0x10,					/* ttl 16 */
		0x00, 0x03, 0xaa, 0xbb, 0xcc,		/* handshake */
	};
	struct mv_meta_session s = {
		.from = "alpha", .to = "beta", .ttl = 16,
		.handshake = (const uint8_t *)"\xaa\xbb\xcc",
		.handshake_len = 3,
	}, d;
	char err[MV_META_ERRLEN];
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_session_encode(&b, &s), 0);
	EXPECT(buf_is(&b, want, sizeof(want)));
	EXPECT_EQ(mv_meta_session_decode(want, sizeof(want), &d, err), 0);
	EXPECT_STREQ(d.from, "alpha");
	EXPECT_STREQ(d.to, "beta");
	EXPECT_EQ(d.ttl, 16);
	EXPECT_EQ(d.handshake_len, 3);
	EXPECT(d.handshake == want + 15);
	EXPECT(strict_length(dec_session, want, sizeof(want)));

	EXPECT(patched_fails(dec_session, want, sizeof(want), 1, 0,
			     "SESSION: from is not a valid name"));
	EXPECT(patched_fails(dec_session, want, sizeof(want), 9, '/',
			     "SESSION: to is not a valid name"));
	EXPECT(patched_fails(dec_session, want, sizeof(want), 14, 4,
			     "SESSION: handshake truncated"));
	EXPECT(fails(dec_session, want, 12, "SESSION: ttl truncated"));
	EXPECT(fails(dec_session, want, 9, "SESSION: to truncated"));

	mv_buf_reset(&b);
	strcpy(s.to, "be ta");
	EXPECT_EQ(mv_meta_session_encode(&b, &s), -EINVAL);
	strcpy(s.to, "beta");
	s.handshake_len = MV_META_MAX_PLAINTEXT - 14;
	EXPECT_EQ(mv_meta_session_encode(&b, &s), -EMSGSIZE);
	EXPECT_EQ(b.len, 0);
	mv_buf_free(&b);
}

TEST(udp_round_trip)
{
	static const uint8_t want[] = {
		0x06,				/* type UDP */
		0x00, 0x1a,			/* 26 bytes: */
		0x01, 0x00,			/* DATA, flags */
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66,	/* dst */
		0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/* src */
		0x10, 0x00,			/* ttl, reserved */
		0, 0, 0, 0, 0, 0, 0, 0x2a,	/* counter */
		0xab, 0xcd,			/* payload */
	};
	const uint8_t *msg;
	uint8_t *big;
	char err[MV_META_ERRLEN];
	struct mv_buf b;
	size_t len;

	mv_buf_init(&b);
	EXPECT_EQ(mv_meta_udp_encode(&b, want + 3, 26), 0);
	EXPECT(buf_is(&b, want, sizeof(want)));
	EXPECT_EQ(mv_meta_udp_decode(want, sizeof(want), &msg, &len, err), 0);
	EXPECT(msg == want + 3);
	EXPECT_EQ(len, 26);
	EXPECT(strict_length(dec_udp, want, sizeof(want)));
	EXPECT(fails(dec_udp, want, 2, "UDP: message truncated"));

	/* The largest plaintext, and one byte more. */
	big = calloc(1, MV_META_MAX_PLAINTEXT + 1);
	if (!big)
		abort();
	mv_buf_reset(&b);
	EXPECT_EQ(mv_meta_udp_encode(&b, big, MV_META_MAX_PLAINTEXT - 2),
		  -EMSGSIZE);
	EXPECT_EQ(mv_meta_udp_encode(&b, big, MV_META_MAX_PLAINTEXT - 3), 0);
	EXPECT_EQ(b.len, MV_META_MAX_PLAINTEXT);
	EXPECT(decodes(dec_udp, b.data, b.len));
	big[0] = MV_META_UDP;
	big[1] = (MV_META_MAX_PLAINTEXT - 2) >> 8;
	big[2] = (MV_META_MAX_PLAINTEXT - 2) & 0xff;
	EXPECT(fails(dec_udp, big, MV_META_MAX_PLAINTEXT + 1,
		     "UDP: 16385 bytes, at most 16384"));
	free(big);
	mv_buf_free(&b);
}

/* ---- handshake blobs ---- */

static const uint8_t init_vector[] = {
	0x01,					/* kind INIT */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* initiator id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* responder id */
	0x00, 0x00, 0x00, 0x07,			/* 17: generation 7 */
	0x01,					/* 21: cipher chacha20 */
	/* 22: ephemeral: 0x40 .. 0x5f */
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
	0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	/* 54: timestamp: 2^62 + 0x01020304 s, 0x05060708 ns */
	0x40, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08,
	0x00, 0x02, 0x5a, 0xa5,			/* 66: signature */
};

static struct mv_handshake init_fixture(void)
{
	struct mv_handshake h = {
		.kind = MV_HANDSHAKE_INIT,
		.initiator_id = 0x0102030405060708ULL,
		.generation = 7, .cipher = 1,
	};
	int i;

	for (i = 0; i < 32; i++)
		h.ephemeral[i] = (uint8_t)(0x40 + i);
	memcpy(h.timestamp, "\x40\0\0\0\x01\x02\x03\x04\x05\x06\x07\x08", 12);
	return h;
}

TEST(handshake_init_and_resp)
{
	struct mv_handshake h = init_fixture(), d;
	char err[MV_META_ERRLEN];
	uint8_t sig[64] = { 0 };
	struct mv_buf b;

	mv_buf_init(&b);
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), 0);
	EXPECT_EQ(b.len, 66);
	EXPECT_EQ(mv_buf_put_blob(&b, "\x5a\xa5", 2), 0);
	EXPECT(buf_is(&b, init_vector, sizeof(init_vector)));
	EXPECT_EQ(mv_handshake_decode(init_vector, sizeof(init_vector), &d,
				      err), 0);
	EXPECT_EQ(d.kind, MV_HANDSHAKE_INIT);
	EXPECT(d.initiator_id == h.initiator_id && !d.responder_id);
	EXPECT_EQ(d.generation, 7);
	EXPECT_EQ(d.cipher, 1);
	EXPECT(!memcmp(d.ephemeral, h.ephemeral, 32));
	EXPECT(!memcmp(d.timestamp, h.timestamp, 12));
	EXPECT_EQ(d.unsigned_len, 66);
	EXPECT(d.sig == init_vector + 68);
	EXPECT_EQ(d.sig_len, 2);
	EXPECT(strict_length(dec_handshake, init_vector, sizeof(init_vector)));

	/* The RESP: echoed initiator id, fresh responder id, agreed values. */
	h.kind = MV_HANDSHAKE_RESP;
	h.responder_id = 0xa1b2c3d4e5f60718ULL;
	h.generation = 0xfffffffe;
	h.cipher = 0;
	mv_buf_reset(&b);
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), 0);
	EXPECT_EQ(mv_buf_put_blob(&b, sig, sizeof(sig)), 0);
	EXPECT_EQ(mv_handshake_decode(b.data, b.len, &d, err), 0);
	EXPECT_EQ(d.kind, MV_HANDSHAKE_RESP);
	EXPECT(d.responder_id == h.responder_id);
	EXPECT_EQ(d.generation, 0xfffffffe);
	EXPECT_EQ(d.cipher, 0);
	EXPECT_EQ(d.sig_len, 64);
	EXPECT_EQ(d.unsigned_len + 2 + d.sig_len, b.len);
	EXPECT(strict_length(dec_handshake, b.data, b.len));

	/* The CONFIRM: both ids echoed, the confirmation in the last field. */
	h.kind = MV_HANDSHAKE_CONFIRM;
	mv_buf_reset(&b);
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), 0);
	EXPECT_EQ(mv_buf_put_blob(&b, sig, 32), 0);
	EXPECT_EQ(mv_handshake_decode(b.data, b.len, &d, err), 0);
	EXPECT_EQ(d.kind, MV_HANDSHAKE_CONFIRM);
	EXPECT(d.initiator_id == h.initiator_id && d.responder_id == h.responder_id);
	EXPECT_EQ(d.sig_len, 32);
	mv_buf_free(&b);
}

TEST(handshake_invalid)
{
	const uint8_t *v = init_vector;
	size_t n = sizeof(init_vector);
	struct mv_handshake h = init_fixture();
	struct mv_buf b;

	EXPECT(patched_fails(dec_handshake, v, n, 0, 0,
			     "handshake: unknown kind 0"));
	EXPECT(patched_fails(dec_handshake, v, n, 0, 4,
			     "handshake: unknown kind 4"));
	EXPECT(patched_fails(dec_handshake, v, n, 16, 1,
			     "handshake: INIT with a responder id"));
	EXPECT(patched_fails(dec_handshake, v, n, 21, 3,
			     "handshake: unknown cipher 3"));
	EXPECT(patched_fails(dec_handshake, v, n, 67, 3,
			     "handshake: signature truncated"));
	EXPECT(fails(dec_handshake, v, 65, "handshake: body truncated"));
	EXPECT(patched_fails(dec_handshake, v, n, 67, 1,
			     "handshake: trailing data (1 bytes)"));

	mv_buf_init(&b);
	h.responder_id = 1;
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), -EINVAL);
	h = init_fixture();
	h.kind = 4;
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), -EINVAL);
	h = init_fixture();
	h.cipher = 3;
	EXPECT_EQ(mv_handshake_encode_body(&b, &h), -EINVAL);
	EXPECT_EQ(b.len, 0);
	mv_buf_free(&b);
}

TEST(handshake_init_signed_part)
{
	static const char want[] = "meshvpn session init v1"
				   "\x05" "alpha" "\x04" "beta";
	struct mv_handshake d;
	struct mv_buf b;

	EXPECT_EQ(mv_handshake_decode(init_vector, sizeof(init_vector), &d,
				      NULL), 0);
	mv_buf_init(&b);
	EXPECT_EQ(mv_handshake_init_signed_part(&b, "alpha", "beta",
						init_vector, d.unsigned_len),
		  0);
	EXPECT_EQ(b.len, sizeof(want) - 1 + 66);
	EXPECT(b.len > 66 && !memcmp(b.data, want, sizeof(want) - 1));
	EXPECT(!memcmp(b.data + sizeof(want) - 1, init_vector, 66));
	EXPECT_EQ(mv_handshake_init_signed_part(&b, "alpha", "", init_vector,
						66), -EINVAL);
	EXPECT_EQ(b.len, sizeof(want) - 1 + 66);
	mv_buf_free(&b);
}

TEST_MAIN()
