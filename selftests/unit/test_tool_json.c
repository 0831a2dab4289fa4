// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn tool's JSON writer and argument parsers. Scripts consume the
 * JSON, so it must be valid whatever bytes an interface name holds; the
 * parsers decide what reaches the kernel, so each must refuse anything
 * that does not mean exactly one value.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <unistd.h>

#include "args.h"
#include "lib/json.h"
#include "netlink/meshvpn_nl.h"

#include "test.h"

/* ---- JSON ---- */

/* A writer on a memory stream; out() closes it and returns the text. */
struct buf {
	char *data;
	size_t len;
	FILE *f;
	struct mv_json j;
};

static void buf_open(struct buf *b, bool pretty)
{
	b->data = NULL;
	b->len = 0;
	b->f = open_memstream(&b->data, &b->len);
	if (!b->f)
		abort();
	mv_json_init(&b->j, b->f, pretty);
}

/* Finish the document; returns the text (freed by the next buf_open's owner). */
static const char *buf_finish(struct buf *b, int *ret)
{
	*ret = mv_json_finish(&b->j);
	fclose(b->f);
	return b->data;
}

static const char *json_str(struct buf *b, const char *s, size_t len)
{
	int ret;

	buf_open(b, false);
	mv_json_string_len(&b->j, s, len);
	return buf_finish(b, &ret);
}

TEST(json_compact_nested)
{
	struct buf b;
	int ret;

	buf_open(&b, false);
	mv_json_begin_object(&b.j);
	mv_json_kv_string(&b.j, "ifname", "mv0");
	mv_json_kv_u64(&b.j, "max", UINT64_MAX);
	mv_json_key(&b.j, "neg");
	mv_json_i64(&b.j, INT64_MIN);
	mv_json_kv_bool(&b.j, "t", true);
	mv_json_key(&b.j, "n");
	mv_json_null(&b.j);
	mv_json_key(&b.j, "a");
	mv_json_begin_array(&b.j);
	mv_json_u64(&b.j, 1);
	mv_json_begin_object(&b.j);
	mv_json_end_object(&b.j);
	mv_json_begin_array(&b.j);
	mv_json_end_array(&b.j);
	mv_json_bool(&b.j, false);
	mv_json_end_array(&b.j);
	mv_json_end_object(&b.j);
	EXPECT_STREQ(buf_finish(&b, &ret),
		     "{\"ifname\":\"mv0\",\"max\":18446744073709551615,"
		     "\"neg\":-9223372036854775808,\"t\":true,\"n\":null,"
		     "\"a\":[1,{},[],false]}\n");
	EXPECT_EQ(ret, 0);
	free(b.data);
}

TEST(json_pretty)
{
	struct buf b;
	int ret;

	buf_open(&b, true);
	mv_json_begin_array(&b.j);
	mv_json_begin_object(&b.j);
	mv_json_kv_u64(&b.j, "a", 1);
	mv_json_key(&b.j, "b");
	mv_json_begin_array(&b.j);
	mv_json_string(&b.j, "x");
	mv_json_end_array(&b.j);
	mv_json_key(&b.j, "c");
	mv_json_begin_object(&b.j);
	mv_json_end_object(&b.j);
	mv_json_end_object(&b.j);
	mv_json_end_array(&b.j);
	EXPECT_STREQ(buf_finish(&b, &ret),
		     "[\n"
		     "  {\n"
		     "    \"a\": 1,\n"
		     "    \"b\": [\n"
		     "      \"x\"\n"
		     "    ],\n"
		     "    \"c\": {}\n"
		     "  }\n"
		     "]\n");
	EXPECT_EQ(ret, 0);
	free(b.data);
}

TEST(json_empty_array_document)
{
	struct buf b;
	int ret;

	buf_open(&b, true);
	mv_json_begin_array(&b.j);
	mv_json_end_array(&b.j);
	EXPECT_STREQ(buf_finish(&b, &ret), "[]\n");
	EXPECT_EQ(ret, 0);
	free(b.data);
}

TEST(json_escapes)
{
	struct buf b;

	EXPECT_STREQ(json_str(&b, "a\"b\\c/d", 7), "\"a\\\"b\\\\c/d\"\n");
	free(b.data);
	EXPECT_STREQ(json_str(&b, "\b\f\n\r\t", 5), "\"\\b\\f\\n\\r\\t\"\n");
	free(b.data);
	/* Other control characters, NUL inside a counted string, and DEL. */
	EXPECT_STREQ(json_str(&b, "\x01\x1f\x00\x7f", 4),
		     "\"\\u0001\\u001f\\u0000\\u007f\"\n");
	free(b.data);
	EXPECT_STREQ(json_str(&b, "", 0), "\"\"\n");
	free(b.data);
}

TEST(json_keys_are_escaped)
{
	struct buf b;
	int ret;

	buf_open(&b, false);
	mv_json_begin_object(&b.j);
	mv_json_kv_string(&b.j, "k\"\n", "v");
	mv_json_end_object(&b.j);
	EXPECT_STREQ(buf_finish(&b, &ret), "{\"k\\\"\\n\":\"v\"}\n");
	EXPECT_EQ(ret, 0);
	free(b.data);
}

TEST(json_utf8_valid_passes)
{
	struct buf b;
	/* é (2 bytes), € (3), U+10FFFF (4), U+FFFD itself */
	const char s[] = "\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf\xef\xbf\xbd";

	EXPECT_STREQ(json_str(&b, s, sizeof(s) - 1),
		     "\"\xc3\xa9\xe2\x82\xac\xf4\x8f\xbf\xbf\xef\xbf\xbd\"\n");
	free(b.data);
}

TEST(json_utf8_invalid_replaced)
{
	struct buf b;

	/* A lone continuation byte and a byte never valid in UTF-8. */
	EXPECT_STREQ(json_str(&b, "a\x80z\xff", 4), "\"a\\ufffdz\\ufffd\"\n");
	free(b.data);
	/* Overlong '/' (C0 AF, E0 80 AF): each byte replaced. */
	EXPECT_STREQ(json_str(&b, "\xc0\xaf", 2), "\"\\ufffd\\ufffd\"\n");
	free(b.data);
	EXPECT_STREQ(json_str(&b, "\xe0\x80\xaf", 3), "\"\\ufffd\\ufffd\\ufffd\"\n");
	free(b.data);
	/* A UTF-16 surrogate (U+D800) and a code point above U+10FFFF. */
	EXPECT_STREQ(json_str(&b, "\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"\n");
	free(b.data);
	EXPECT_STREQ(json_str(&b, "\xf4\x90\x80\x80", 4),
		     "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n");
	free(b.data);
	/* Truncated at the end of the string: no read past it. */
	EXPECT_STREQ(json_str(&b, "x\xe2\x82", 3), "\"x\\ufffd\\ufffd\"\n");
	free(b.data);
}

TEST(json_misuse_is_reported)
{
	struct buf b;
	int ret;

	/* A value without a key inside an object. */
	buf_open(&b, false);
	mv_json_begin_object(&b.j);
	mv_json_u64(&b.j, 1);
	mv_json_end_object(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	/* A key inside an array. */
	buf_open(&b, false);
	mv_json_begin_array(&b.j);
	mv_json_key(&b.j, "k");
	mv_json_end_array(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	/* A key without its value. */
	buf_open(&b, false);
	mv_json_begin_object(&b.j);
	mv_json_key(&b.j, "k");
	mv_json_end_object(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	/* Mismatched and unbalanced ends. */
	buf_open(&b, false);
	mv_json_begin_array(&b.j);
	mv_json_end_object(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	buf_open(&b, false);
	mv_json_begin_array(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	buf_open(&b, false);
	mv_json_end_array(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	/* Two top-level values, and none at all. */
	buf_open(&b, false);
	mv_json_u64(&b.j, 1);
	mv_json_u64(&b.j, 2);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	buf_open(&b, false);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);
}

TEST(json_depth_limit)
{
	struct buf b;
	int i, ret;

	buf_open(&b, false);
	for (i = 0; i < MV_JSON_MAX_DEPTH + 1; i++)
		mv_json_begin_array(&b.j);
	for (i = 0; i < MV_JSON_MAX_DEPTH + 1; i++)
		mv_json_end_array(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, -EINVAL);
	free(b.data);

	buf_open(&b, false);
	for (i = 0; i < MV_JSON_MAX_DEPTH; i++)
		mv_json_begin_array(&b.j);
	for (i = 0; i < MV_JSON_MAX_DEPTH; i++)
		mv_json_end_array(&b.j);
	buf_finish(&b, &ret);
	EXPECT_EQ(ret, 0);
	free(b.data);
}

TEST(json_write_error)
{
	struct mv_json j;
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		fprintf(stderr, "  no /dev/full, skipped\n");
		return;
	}
	mv_json_init(&j, f, false);
	mv_json_string(&j, "lost");
	EXPECT_EQ(mv_json_finish(&j), -EIO);
	fclose(f);
}

/* ---- node ids ---- */

static uint64_t id_ok(const char *s)
{
	char err[MV_ARG_ERRLEN] = "";
	uint64_t id = 0;

	if (mv_parse_node_id(s, &id, err, sizeof(err))) {
		fprintf(stderr, "  node id \"%s\": %s\n", s, err);
		return 0;
	}
	return id;
}

/* Parsing fails, leaves the output alone, and the reason has @want. */
static bool id_fails(const char *s, const char *want)
{
	char err[MV_ARG_ERRLEN] = "";
	uint64_t id = 42;
	int ret = mv_parse_node_id(s, &id, err, sizeof(err));

	if (ret != -EINVAL || id != 42 || !strstr(err, want)) {
		fprintf(stderr, "  node id \"%s\": %d \"%s\", want \"%s\"\n",
			s, ret, err, want);
		return false;
	}
	return true;
}

TEST(node_id_parse)
{
	EXPECT_EQ(id_ok("1"), 1);
	EXPECT_EQ(id_ok("0x123"), 0x123);
	EXPECT_EQ(id_ok("0X123"), 0x123);
	EXPECT_EQ(id_ok("000000000123"), 0x123);
	EXPECT_EQ(id_ok("123"), 0x123);	/* hex, as printed */
	EXPECT_EQ(id_ok("AbCdEf012345"), 0xabcdef012345ULL);
	EXPECT_EQ(id_ok("fffffffffffe"), 0xfffffffffffeULL);
	/* Leading zeros beyond 12 digits do not change the value. */
	EXPECT_EQ(id_ok("0000000000000001"), 1);
}

TEST(node_id_reject)
{
	EXPECT(id_fails("0", "reserved"));
	EXPECT(id_fails("0x0", "reserved"));
	EXPECT(id_fails("000000000000", "reserved"));
	EXPECT(id_fails("ffffffffffff", "reserved"));
	EXPECT(id_fails("0xffffffffffff", "reserved"));
	EXPECT(id_fails("1000000000000", "48 bits"));
	EXPECT(id_fails("ffffffffffffffffffff", "48 bits"));
	EXPECT(id_fails("", "hex digits"));
	EXPECT(id_fails("0x", "hex digits"));
	EXPECT(id_fails("-1", "not a hex number"));
	EXPECT(id_fails("+1", "not a hex number"));
	EXPECT(id_fails(" 1", "not a hex number"));
	EXPECT(id_fails("1 ", "not a hex number"));
	EXPECT(id_fails("12g", "not a hex number"));
	EXPECT(id_fails("0x0x1", "not a hex number"));
}

TEST(node_id_format)
{
	char buf[MV_NODE_ID_STRLEN];

	mv_format_node_id(0x123, buf);
	EXPECT_STREQ(buf, "000000000123");
	mv_format_node_id(0xfffffffffffeULL, buf);
	EXPECT_STREQ(buf, "fffffffffffe");
	/* The printed form parses back to the same id. */
	EXPECT_EQ(id_ok(buf), 0xfffffffffffeULL);
}

/* ---- numbers ---- */

TEST(uint_parse)
{
	char err[MV_ARG_ERRLEN];
	uint64_t v = 7;

	EXPECT_EQ(mv_parse_uint("0", 10, &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(mv_parse_uint("3600", 3600, &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, 3600);
	EXPECT_EQ(mv_parse_uint("18446744073709551615", UINT64_MAX, &v, err,
				sizeof(err)), 0);
	EXPECT(v == UINT64_MAX);
	v = 7;
	EXPECT_EQ(mv_parse_uint("3601", 3600, &v, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "out of range") != NULL);
	EXPECT_EQ(mv_parse_uint("18446744073709551616", UINT64_MAX, &v, err,
				sizeof(err)), -EINVAL);
	/* A digit above a tiny maximum must not wrap the bound check. */
	EXPECT_EQ(mv_parse_uint("5", 0, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint("2", 1, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint("", 10, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint("-1", 10, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint("0x1", 10, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint(" 1", 10, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_uint("1 ", 10, &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(v, 7);
	/* err may be NULL. */
	EXPECT_EQ(mv_parse_uint("x", 10, &v, NULL, 0), -EINVAL);
}

/* ---- endpoints ---- */

static bool ep_roundtrip(const char *s, const char *want)
{
	char err[MV_ARG_ERRLEN] = "", out[MV_ENDPOINT_STRLEN];
	struct mv_meshvpn_endpoint ep;

	if (mv_parse_endpoint(s, &ep, err, sizeof(err))) {
		fprintf(stderr, "  endpoint \"%s\": %s\n", s, err);
		return false;
	}
	if (mv_format_endpoint(&ep, out, sizeof(out)) < 0 || strcmp(out, want)) {
		fprintf(stderr, "  endpoint \"%s\" formats as \"%s\", want \"%s\"\n",
			s, out, want);
		return false;
	}
	return true;
}

static bool ep_fails(const char *s, const char *want)
{
	char err[MV_ARG_ERRLEN] = "";
	struct mv_meshvpn_endpoint ep = { .port = 4242 };
	int ret = mv_parse_endpoint(s, &ep, err, sizeof(err));

	if (ret != -EINVAL || ep.port != 4242 || !strstr(err, want)) {
		fprintf(stderr, "  endpoint \"%s\": %d \"%s\", want \"%s\"\n",
			s, ret, err, want);
		return false;
	}
	return true;
}

TEST(endpoint_parse)
{
	char err[MV_ARG_ERRLEN];
	struct mv_meshvpn_endpoint ep;

	EXPECT_EQ(mv_parse_endpoint("192.0.2.1:655", &ep, err, sizeof(err)), 0);
	EXPECT_EQ(ep.family, AF_INET);
	EXPECT_EQ(ep.port, 655);
	EXPECT_EQ(ep.addr[0], 192);
	EXPECT_EQ(ep.addr[3], 1);
	EXPECT_EQ(ep.scope_id, 0);

	EXPECT_EQ(mv_parse_endpoint("[2001:db8::1]:65535", &ep, err, sizeof(err)), 0);
	EXPECT_EQ(ep.family, AF_INET6);
	EXPECT_EQ(ep.port, 65535);
	EXPECT_EQ(ep.addr[0], 0x20);
	EXPECT_EQ(ep.addr[15], 1);

	EXPECT_EQ(mv_parse_endpoint("[fe80::1%7]:1", &ep, err, sizeof(err)), 0);
	EXPECT_EQ(ep.scope_id, 7);
	EXPECT_EQ(ep.port, 1);
}

TEST(endpoint_scope_by_name)
{
	char err[MV_ARG_ERRLEN] = "";
	struct mv_meshvpn_endpoint ep;
	unsigned int lo = if_nametoindex("lo");

	if (!lo) {
		fprintf(stderr, "  no lo interface, skipped\n");
		return;
	}
	EXPECT_EQ(mv_parse_endpoint("[fe80::1%lo]:655", &ep, err, sizeof(err)), 0);
	EXPECT_EQ(ep.scope_id, lo);
	EXPECT(ep_roundtrip("[fe80::1%lo]:655", "[fe80::1%lo]:655"));
}

TEST(endpoint_roundtrip)
{
	EXPECT(ep_roundtrip("10.0.0.1:655", "10.0.0.1:655"));
	EXPECT(ep_roundtrip("[2001:DB8:0:0::1]:655", "[2001:db8::1]:655"));
	EXPECT(ep_roundtrip("[::ffff:192.0.2.1]:9", "[::ffff:192.0.2.1]:9"));
	/* An index no interface has is kept as a number. */
	EXPECT(ep_roundtrip("[fe80::1%4000000000]:655", "[fe80::1%4000000000]:655"));
}

TEST(endpoint_reject)
{
	EXPECT(ep_fails("192.0.2.1", "ADDRESS:PORT"));
	EXPECT(ep_fails("192.0.2.1:", "port"));
	EXPECT(ep_fails("192.0.2.1:0", "1..65535"));
	EXPECT(ep_fails("192.0.2.1:65536", "1..65535"));
	EXPECT(ep_fails("192.0.2.1:+5", "1..65535"));
	EXPECT(ep_fails("192.0.2.1:655x", "1..65535"));
	EXPECT(ep_fails("192.0.2.256:655", "not an IPv4 address"));
	EXPECT(ep_fails("example.com:655", "not an IPv4 address"));
	EXPECT(ep_fails(":655", "bad address"));
	EXPECT(ep_fails("2001:db8::1:655", "brackets"));
	EXPECT(ep_fails("[2001:db8::1]", "[ADDRESS]:PORT"));
	EXPECT(ep_fails("[2001:db8::1]655", "[ADDRESS]:PORT"));
	EXPECT(ep_fails("[2001:db8::1:655", "missing ']'"));
	EXPECT(ep_fails("[]:655", "bad address"));
	EXPECT(ep_fails("[192.0.2.1]:655", "not an IPv6 address"));
	EXPECT(ep_fails("[fe80::1%]:655", "empty scope"));
	EXPECT(ep_fails("[fe80::1%0]:655", "invalid scope"));
	EXPECT(ep_fails("[fe80::1%nosuchif0]:655", "no such interface"));
	EXPECT(ep_fails("[fe80::1%waytoolonginterfacename]:655", "too long"));
	EXPECT(ep_fails("[aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa:aaaa]:1",
			"bad address"));
}

/* ---- prefixes ---- */

static bool prefix_roundtrip(const char *s, const char *want)
{
	char err[MV_ARG_ERRLEN] = "", out[MV_PREFIX_STRLEN];
	struct mv_meshvpn_prefix p;

	if (mv_parse_prefix(s, &p, err, sizeof(err))) {
		fprintf(stderr, "  prefix \"%s\": %s\n", s, err);
		return false;
	}
	if (mv_format_prefix(&p, out, sizeof(out)) < 0 || strcmp(out, want)) {
		fprintf(stderr, "  prefix \"%s\" formats as \"%s\", want \"%s\"\n",
			s, out, want);
		return false;
	}
	return true;
}

static bool prefix_fails(const char *s, const char *want)
{
	char err[MV_ARG_ERRLEN] = "";
	struct mv_meshvpn_prefix p = { .len = 99 };
	int ret = mv_parse_prefix(s, &p, err, sizeof(err));

	if (ret != -EINVAL || p.len != 99 || !strstr(err, want)) {
		fprintf(stderr, "  prefix \"%s\": %d \"%s\", want \"%s\"\n",
			s, ret, err, want);
		return false;
	}
	return true;
}

TEST(prefix_parse)
{
	char err[MV_ARG_ERRLEN];
	struct mv_meshvpn_prefix p;

	EXPECT_EQ(mv_parse_prefix("10.1.0.0/16", &p, err, sizeof(err)), 0);
	EXPECT_EQ(p.family, AF_INET);
	EXPECT_EQ(p.len, 16);
	EXPECT_EQ(p.addr[0], 10);
	EXPECT_EQ(p.addr[1], 1);
	EXPECT(prefix_roundtrip("10.1.0.0/16", "10.1.0.0/16"));
	EXPECT(prefix_roundtrip("10.1.2.3", "10.1.2.3/32"));
	EXPECT(prefix_roundtrip("0.0.0.0/0", "0.0.0.0/0"));
	EXPECT(prefix_roundtrip("fd00:1::/64", "fd00:1::/64"));
	EXPECT(prefix_roundtrip("::/0", "::/0"));
	EXPECT(prefix_roundtrip("2001:db8::1", "2001:db8::1/128"));
	EXPECT(prefix_roundtrip("10.128.0.0/9", "10.128.0.0/9"));
}

TEST(prefix_reject)
{
	EXPECT(prefix_fails("10.1.2.3/8", "did you mean 10.0.0.0/8?"));
	EXPECT(prefix_fails("fd00::1/64", "did you mean fd00::/64?"));
	EXPECT(prefix_fails("10.0.0.0/33", "0..32"));
	EXPECT(prefix_fails("fd00::/129", "0..128"));
	EXPECT(prefix_fails("10.0.0.0/", "length"));
	EXPECT(prefix_fails("10.0.0.0/-1", "length"));
	EXPECT(prefix_fails("10.0.0.0/8/8", "length"));
	EXPECT(prefix_fails("10.0.0/8", "not an IP address"));
	EXPECT(prefix_fails("/8", "invalid prefix"));
	EXPECT(prefix_fails("", "invalid prefix"));
	/* tinc's weights and MAC subnets are not routes. */
	EXPECT(prefix_fails("10.0.0.0/8#5", "length"));
	EXPECT(prefix_fails("00:11:22:33:44:55", "not an IP address"));
}

/* ---- names ---- */

TEST(cipher_and_slot_names)
{
	char err[MV_ARG_ERRLEN];
	uint32_t v = 99;

	EXPECT_EQ(mv_parse_cipher("chacha20-poly1305", &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, MESHVPN_CIPHER_ALG_CHACHA20_POLY1305);
	EXPECT_EQ(mv_parse_cipher("aes-256-gcm", &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, MESHVPN_CIPHER_ALG_AES_256_GCM);
	EXPECT_EQ(mv_parse_cipher("none", &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, MESHVPN_CIPHER_ALG_NONE);
	EXPECT_EQ(mv_parse_cipher("AES-256-GCM", &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_cipher("aes", &v, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_cipher("", &v, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "chacha20-poly1305") != NULL);
	EXPECT_EQ(v, MESHVPN_CIPHER_ALG_NONE);
	EXPECT_STREQ(mv_cipher_alg_name(MESHVPN_CIPHER_ALG_AES_256_GCM), "aes-256-gcm");
	EXPECT(mv_cipher_alg_name(3) == NULL);
	EXPECT(mv_cipher_alg_name(UINT32_MAX) == NULL);

	EXPECT_EQ(mv_parse_slot("current", &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, MESHVPN_KEY_SLOT_CURRENT);
	EXPECT_EQ(mv_parse_slot("next", &v, err, sizeof(err)), 0);
	EXPECT_EQ(v, MESHVPN_KEY_SLOT_NEXT);
	EXPECT_EQ(mv_parse_slot("1", &v, err, sizeof(err)), -EINVAL);
	EXPECT_STREQ(mv_slot_name(MESHVPN_KEY_SLOT_NEXT), "next");
	EXPECT(mv_slot_name(2) == NULL);
	EXPECT_STREQ(mv_rekey_reason_name(MESHVPN_REKEY_REASON_TIME), "time");
	EXPECT(mv_rekey_reason_name(2) == NULL);
}

/* ---- keys ---- */

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static bool key_is_sequence(const uint8_t *key)
{
	int i;

	for (i = 0; i < MESHVPN_KEY_LEN; i++)
		if (key[i] != i)
			return false;
	return true;
}

TEST(key_hex_parse)
{
	char err[MV_ARG_ERRLEN];
	uint8_t key[MESHVPN_KEY_LEN];
	const char *s = KEY_HEX;

	memset(key, 0xaa, sizeof(key));
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), 0);
	EXPECT(key_is_sequence(key));

	memset(key, 0xaa, sizeof(key));
	s = "  " KEY_HEX "\r\n";
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), 0);
	EXPECT(key_is_sequence(key));

	s = "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F";
	memset(key, 0xaa, sizeof(key));
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), 0);
	EXPECT(key_is_sequence(key));
}

TEST(key_hex_reject)
{
	char err[MV_ARG_ERRLEN] = "";
	uint8_t key[MESHVPN_KEY_LEN], untouched[MESHVPN_KEY_LEN];
	const char *s;

	memset(key, 0x5a, sizeof(key));
	memcpy(untouched, key, sizeof(key));
	s = KEY_HEX "0";
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "65 characters") != NULL);
	EXPECT_EQ(mv_parse_key_hex(s, 63, key, err, sizeof(err)), -EINVAL);
	EXPECT_EQ(mv_parse_key_hex("", 0, key, err, sizeof(err)), -EINVAL);
	s = "0001020304050607 8090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), -EINVAL);
	s = "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	EXPECT_EQ(mv_parse_key_hex(s, strlen(s), key, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "not hexadecimal") != NULL);
	/* A reason never repeats key material. */
	EXPECT(strstr(err, "0102") == NULL);
	/* A NUL inside the counted text is not white space. */
	EXPECT_EQ(mv_parse_key_hex(KEY_HEX "\0", 65, key, err, sizeof(err)), -EINVAL);
	EXPECT(!memcmp(key, untouched, sizeof(key)));
}

static char *write_temp(const char *content, size_t len)
{
	char *path = strdup("/tmp/mv-test-key-XXXXXX");
	int fd;

	if (!path)
		abort();
	fd = mkstemp(path);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		abort();
	close(fd);
	return path;
}

TEST(key_file_read)
{
	char err[MV_ARG_ERRLEN] = "";
	uint8_t key[MESHVPN_KEY_LEN];
	char *path;
	char big[600];

	path = write_temp(KEY_HEX "\n", strlen(KEY_HEX) + 1);
	memset(key, 0, sizeof(key));
	EXPECT_EQ(mv_read_key_file(path, key, err, sizeof(err)), 0);
	EXPECT(key_is_sequence(key));
	unlink(path);
	free(path);

	/* Larger than any key file: refused without parsing. */
	memset(big, '0', sizeof(big));
	path = write_temp(big, sizeof(big));
	EXPECT_EQ(mv_read_key_file(path, key, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "too long") != NULL);
	unlink(path);
	free(path);

	path = write_temp("not a key\n", 10);
	EXPECT_EQ(mv_read_key_file(path, key, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "not a key") == NULL);
	unlink(path);
	free(path);

	EXPECT_EQ(mv_read_key_file("/nonexistent/key", key, err, sizeof(err)), -EINVAL);
	EXPECT(strstr(err, "No such file") != NULL);
	EXPECT(key_is_sequence(key));
}

TEST(key_file_stdin)
{
	char err[MV_ARG_ERRLEN] = "";
	uint8_t key[MESHVPN_KEY_LEN];
	int pfd[2], saved;

	if (pipe(pfd))
		abort();
	if (write(pfd[1], KEY_HEX "\n", strlen(KEY_HEX) + 1) < 0)
		abort();
	close(pfd[1]);
	saved = dup(STDIN_FILENO);
	dup2(pfd[0], STDIN_FILENO);
	close(pfd[0]);
	memset(key, 0, sizeof(key));
	EXPECT_EQ(mv_read_key_file("-", key, err, sizeof(err)), 0);
	EXPECT(key_is_sequence(key));
	/* stdin stays open: only files the parser opened are closed. */
	EXPECT(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

TEST_MAIN()
