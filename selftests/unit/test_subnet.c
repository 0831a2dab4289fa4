// SPDX-License-Identifier: GPL-2.0
/*
 * Subnet values are a contract with tinc configurations and with every
 * other node's announcements, and the table decides where each packet
 * goes: check the syntax, the order, and longest-prefix match against a
 * brute-force reference.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "lib/array.h"
#include "lib/subnet.h"

#include "test.h"

static struct mv_subnet P(const char *s)
{
	struct mv_subnet sn;
	char err[MV_SUBNET_ERRLEN] = "";

	memset(&sn, 0xa5, sizeof(sn));
	if (mv_subnet_parse(s, &sn, err, sizeof(err))) {
		fprintf(stderr, "  cannot parse %s: %s\n", s, err);
		abort();
	}
	return sn;
}

static const char *F(const struct mv_subnet *s, unsigned int flags)
{
	static char buf[MV_SUBNET_STRLEN];

	if (mv_subnet_format(s, buf, sizeof(buf), flags) < 0)
		return "(format error)";
	return buf;
}

/* Parse fails, and the reason contains @want. */
static bool parse_fails(const char *s, const char *want)
{
	struct mv_subnet sn = { .weight = 12345 };
	char err[MV_SUBNET_ERRLEN] = "";
	int ret = mv_subnet_parse(s, &sn, err, sizeof(err));

	if (ret != -EINVAL || sn.weight != 12345 || !strstr(err, want)) {
		fprintf(stderr, "  parse(\"%s\") = %d, \"%s\", want \"%s\"\n",
			s, ret, err, want);
		return false;
	}
	return true;
}

static void v4(const char *s, uint8_t out[4])
{
	if (inet_pton(AF_INET, s, out) != 1)
		abort();
}

static void v6(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		abort();
}

TEST(parse_ipv4_defaults)
{
	struct mv_subnet s = P("192.168.1.7");

	EXPECT_EQ(s.type, MV_SUBNET_IPV4);
	EXPECT_EQ(s.prefixlen, 32);
	EXPECT_EQ(s.weight, MV_SUBNET_DEFAULT_WEIGHT);
	EXPECT_EQ(s.addr[0], 192);
	EXPECT_EQ(s.addr[3], 7);
	/* Unused bytes are zero so whole-array compare and hash work. */
	EXPECT_EQ(s.addr[4], 0);
	EXPECT_EQ(s.addr[15], 0);
}

TEST(parse_ipv4_prefix_and_weight)
{
	struct mv_subnet s = P("10.0.0.0/8#5");

	EXPECT_EQ(s.type, MV_SUBNET_IPV4);
	EXPECT_EQ(s.prefixlen, 8);
	EXPECT_EQ(s.weight, 5);
	EXPECT_EQ(s.addr[0], 10);

	s = P("0.0.0.0/0");
	EXPECT_EQ(s.prefixlen, 0);
	s = P("172.16.50.31/32#0");
	EXPECT_EQ(s.weight, 0);
	s = P("10.1.0.0/16#-3");
	EXPECT_EQ(s.weight, -3);
	s = P("10.1.0.0/16#2147483647");
	EXPECT_EQ(s.weight, 2147483647);
	s = P("10.1.0.0/16#-2147483648");
	EXPECT_EQ(s.weight, -2147483647 - 1);
	/* A weight without a prefix is allowed. */
	s = P("10.1.2.3#7");
	EXPECT_EQ(s.prefixlen, 32);
	EXPECT_EQ(s.weight, 7);
}

TEST(parse_ipv6)
{
	struct mv_subnet s = P("2001:db8::/32");
	uint8_t want[16];

	EXPECT_EQ(s.type, MV_SUBNET_IPV6);
	EXPECT_EQ(s.prefixlen, 32);
	v6("2001:db8::", want);
	EXPECT(!memcmp(s.addr, want, 16));

	s = P("fe80::1");
	EXPECT_EQ(s.prefixlen, 128);
	s = P("::/0#3");
	EXPECT_EQ(s.prefixlen, 0);
	EXPECT_EQ(s.weight, 3);
	s = P("::ffff:10.0.0.1");
	EXPECT_EQ(s.type, MV_SUBNET_IPV6);
	EXPECT_EQ(s.addr[12], 10);
	EXPECT_EQ(s.addr[15], 1);
	s = P("2001:0DB8:0000:0000:0000:0000:0000:0001/128");
	EXPECT_EQ(s.addr[15], 1);
}

TEST(parse_mac)
{
	struct mv_subnet s = P("02:00:5e:10:AB:cd");

	EXPECT_EQ(s.type, MV_SUBNET_MAC);
	EXPECT_EQ(s.prefixlen, 48);
	EXPECT_EQ(s.weight, 10);
	EXPECT_EQ(s.addr[0], 0x02);
	EXPECT_EQ(s.addr[4], 0xab);
	EXPECT_EQ(s.addr[5], 0xcd);
	EXPECT_EQ(s.addr[6], 0);

	/* Single hex digits per group, as tinc's sscanf accepted. */
	s = P("2:0:5e:1:a:b#4");
	EXPECT_EQ(s.type, MV_SUBNET_MAC);
	EXPECT_EQ(s.addr[0], 2);
	EXPECT_EQ(s.addr[5], 0xb);
	EXPECT_EQ(s.weight, 4);

	/* Seven groups are neither a MAC nor (without "::") IPv6. */
	EXPECT(parse_fails("1:2:3:4:5:6:7", "invalid IPv6"));
	/* Six groups with a three-digit group: not a MAC, not IPv6. */
	EXPECT(parse_fails("1:2:3:4:5:666", "invalid IPv6"));
}

TEST(parse_errors)
{
	EXPECT(parse_fails("", "empty"));
	EXPECT(parse_fails(NULL, "empty"));
	EXPECT(parse_fails("/8", "missing address"));
	EXPECT(parse_fails("#5", "missing address"));
	EXPECT(parse_fails("1.2.3.4/", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/x", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/-1", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/+8", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/ 8", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/0032", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/8/8", "invalid prefix length"));
	EXPECT(parse_fails("1.2.3.4/33", "too long for IPv4 (maximum 32)"));
	EXPECT(parse_fails("::/129", "too long for IPv6 (maximum 128)"));
	EXPECT(parse_fails("1.2.3.4#", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#x", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#1#2", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#+1", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#2147483648", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#-2147483649", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#99999999999999999999", "invalid weight"));
	EXPECT(parse_fails("1.2.3.4#5/8", "invalid weight"));
	EXPECT(parse_fails("02:00:00:00:00:01/48", "MAC address subnet cannot"));
	EXPECT(parse_fails("1.2.3", "invalid address"));
	EXPECT(parse_fails("256.1.1.1", "invalid address"));
	EXPECT(parse_fails("1.2.3.4.5", "invalid address"));
	EXPECT(parse_fails("01.2.3.4", "invalid address"));
	EXPECT(parse_fails(" 1.2.3.4", "invalid address"));
	EXPECT(parse_fails("1.2.3.4 ", "invalid address"));
	EXPECT(parse_fails("example.com", "invalid address"));
	EXPECT(parse_fails("1:::2", "invalid IPv6"));
	EXPECT(parse_fails("fe80::1%eth0", "invalid IPv6"));
	EXPECT(parse_fails("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
			   "too long"));
}

TEST(parse_rejects_host_bits)
{
	EXPECT(parse_fails("10.1.2.3/8",
			   "network address and prefix length do not match"));
	EXPECT(parse_fails("10.1.2.3/8", "did you mean 10.0.0.0/8?"));
	EXPECT(parse_fails("192.168.1.1/24#5", "did you mean 192.168.1.0/24?"));
	EXPECT(parse_fails("10.0.0.129/25#5", "host bits are set beyond /25"));
	EXPECT(parse_fails("10.0.0.129/25#5", "did you mean 10.0.0.128/25?"));
	EXPECT(parse_fails("0.0.0.1/0", "did you mean 0.0.0.0/0?"));
	EXPECT(parse_fails("2001:db8::1/64", "did you mean 2001:db8::/64?"));
	EXPECT(parse_fails("2001:db8:c000::/33",
			   "did you mean 2001:db8:8000::/33?"));
	/* Exactly on the boundary is fine. */
	EXPECT_EQ(P("10.0.0.128/25").prefixlen, 25);
	EXPECT_EQ(P("2001:db8:8000::/33").type + 0, MV_SUBNET_IPV6 + 0);
}

TEST(parse_null_err_buffer)
{
	struct mv_subnet s;

	EXPECT_EQ(mv_subnet_parse("10.1.2.3/8", &s, NULL, 0), -EINVAL);
	EXPECT_EQ(mv_subnet_parse("x", &s, NULL, 0), -EINVAL);
	EXPECT_EQ(mv_subnet_parse("10.0.0.0/8", &s, NULL, 0), 0);
}

TEST(format_round_trip)
{
	static const char *const canon[] = {
		"10.0.0.0/8", "10.0.0.0/8#5", "172.16.50.31", "0.0.0.0/0",
		"255.255.255.255", "10.1.2.3#-7", "2001:db8::/32",
		"2001:db8::1", "::/0#0", "fe80::/10", "::ffff:10.0.0.1",
		"02:00:5e:10:ab:cd", "ff:ff:ff:ff:ff:ff#1",
		"10.0.0.128/25#2147483647",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(canon); i++) {
		struct mv_subnet s = P(canon[i]), again;

		EXPECT_STREQ(F(&s, 0), canon[i]);
		again = P(F(&s, MV_SUBNET_FMT_FULL));
		EXPECT_EQ(mv_subnet_cmp(&s, &again), 0);
	}
}

TEST(format_normalises)
{
	struct mv_subnet s = P("2001:0DB8:0000::/32#10");

	EXPECT_STREQ(F(&s, 0), "2001:db8::/32");
	s = P("192.168.1.1/32#10");
	EXPECT_STREQ(F(&s, 0), "192.168.1.1");
	s = P("2:0:5e:1:a:b");
	EXPECT_STREQ(F(&s, 0), "02:00:5e:01:0a:0b");
}

TEST(format_flags)
{
	struct mv_subnet s = P("192.168.1.1");

	EXPECT_STREQ(F(&s, MV_SUBNET_FMT_FULL), "192.168.1.1/32#10");
	s = P("10.0.0.0/8#5");
	EXPECT_STREQ(F(&s, MV_SUBNET_FMT_NO_WEIGHT), "10.0.0.0/8");
	EXPECT_STREQ(F(&s, MV_SUBNET_FMT_FULL | MV_SUBNET_FMT_NO_WEIGHT),
		     "10.0.0.0/8");
	s = P("::1");
	EXPECT_STREQ(F(&s, MV_SUBNET_FMT_FULL), "::1/128#10");
	/* A MAC subnet never shows a prefix. */
	s = P("02:00:00:00:00:01");
	EXPECT_STREQ(F(&s, MV_SUBNET_FMT_FULL), "02:00:00:00:00:01#10");
}

TEST(format_truncates_like_snprintf)
{
	struct mv_subnet s = P("10.0.0.0/8#5");
	char small[6];
	char big[MV_SUBNET_STRLEN];
	int longest;

	EXPECT_EQ(mv_subnet_format(&s, small, sizeof(small), 0), 12);
	EXPECT_STREQ(small, "10.0.");
	s = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127#-2147483648");
	longest = mv_subnet_format(&s, big, sizeof(big), MV_SUBNET_FMT_FULL);
	EXPECT(longest > 0 && longest < MV_SUBNET_STRLEN);
	s.prefixlen = 200;
	EXPECT_EQ(mv_subnet_format(&s, big, sizeof(big), 0), -EINVAL);
}

TEST(init_checks_like_parse)
{
	struct mv_subnet s, p;
	uint8_t a[16] = { 10, 1, 0, 0 };

	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_IPV4, a, 16, 3), 0);
	p = P("10.1.0.0/16#3");
	EXPECT_EQ(mv_subnet_cmp(&s, &p), 0);
	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_IPV4, a, 8, 3), -EINVAL);
	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_IPV4, a, 33, 3), -EINVAL);
	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_MAC, a, 40, 3), -EINVAL);
	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_MAC, a, 48, 3), 0);
	EXPECT_EQ(mv_subnet_init(&s, (enum mv_subnet_type)9, a, 8, 3),
		  -EINVAL);
	EXPECT_EQ(mv_subnet_init(&s, MV_SUBNET_IPV6, NULL, 8, 3), -EINVAL);
	EXPECT_EQ(mv_subnet_addr_len(MV_SUBNET_IPV6), 16);
	EXPECT_EQ(mv_subnet_max_prefix(MV_SUBNET_IPV4), 32);
	EXPECT_EQ(mv_subnet_max_prefix(MV_SUBNET_MAC), 48);
}

static int cmp_qsort(const void *a, const void *b)
{
	return mv_subnet_cmp(a, b);
}

TEST(compare_order)
{
	/* Already in the documented order. */
	static const char *const sorted[] = {
		"00:00:00:00:00:01", "02:00:00:00:00:01#1",
		"02:00:00:00:00:01#5", "10.1.2.3", "10.1.2.4", "10.1.2.0/24",
		"10.1.0.0/16#3", "10.1.0.0/16", "10.2.0.0/16", "10.0.0.0/8",
		"11.0.0.0/8", "0.0.0.0/0#-1", "0.0.0.0/0", "::1", "fe80::1",
		"2001:db8::/32#1", "2001:db8::/32#2", "::/0",
	};
	const size_t n = ARRAY_SIZE(sorted);
	struct mv_subnet arr[ARRAY_SIZE(sorted)];
	size_t i;

	for (i = 0; i < n; i++)
		arr[i] = P(sorted[n - 1 - i]);
	qsort(arr, n, sizeof(arr[0]), cmp_qsort);
	for (i = 0; i < n; i++)
		EXPECT_STREQ(F(&arr[i], 0), sorted[i]);
	for (i = 0; i + 1 < n; i++) {
		EXPECT(mv_subnet_cmp(&arr[i], &arr[i + 1]) < 0);
		EXPECT(mv_subnet_cmp(&arr[i + 1], &arr[i]) > 0);
		EXPECT_EQ(mv_subnet_cmp(&arr[i], &arr[i]), 0);
	}
}

TEST(contains)
{
	struct mv_subnet s = P("10.1.2.0/24");
	uint8_t a[16];

	v4("10.1.2.0", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	v4("10.1.2.255", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	v4("10.1.3.0", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	v4("10.1.1.255", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV6, a));

	s = P("0.0.0.0/0");
	v4("203.0.113.9", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	s = P("203.0.113.9");
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	v4("203.0.113.8", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	s = P("10.0.0.128/25");
	v4("10.0.0.127", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	v4("10.0.0.129", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV4, a));

	s = P("2001:db8::/127");
	v6("2001:db8::1", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV6, a));
	v6("2001:db8::2", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV6, a));
	s = P("::/0");
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV6, a));
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV4, a));
	s = P("2001:db8:8000::/33");
	v6("2001:db8:7fff::", a);
	EXPECT(!mv_subnet_contains(&s, MV_SUBNET_IPV6, a));
	v6("2001:db8:ffff::1", a);
	EXPECT(mv_subnet_contains(&s, MV_SUBNET_IPV6, a));

	s = P("02:00:00:00:00:01");
	{
		uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

		EXPECT(mv_subnet_contains(&s, MV_SUBNET_MAC, mac));
		mac[5] = 2;
		EXPECT(!mv_subnet_contains(&s, MV_SUBNET_MAC, mac));
	}
	EXPECT(!mv_subnet_contains(&s, (enum mv_subnet_type)0, a));
}

/* ---- table ---- */

static int owner_a, owner_b, owner_c;
#define A ((void *)&owner_a)
#define B ((void *)&owner_b)
#define C ((void *)&owner_c)

static void *lookup4(struct mv_subnet_table *t, const char *addr)
{
	const struct mv_subnet_route *r;
	uint8_t a[4];

	v4(addr, a);
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, NULL, NULL);
	return r ? r->owner : NULL;
}

static void *lookup6(struct mv_subnet_table *t, const char *addr)
{
	const struct mv_subnet_route *r;
	uint8_t a[16];

	v6(addr, a);
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV6, a, NULL, NULL);
	return r ? r->owner : NULL;
}

static int add(struct mv_subnet_table *t, const char *s, void *owner)
{
	struct mv_subnet sn = P(s);

	return mv_subnet_table_add(t, &sn, owner);
}

static int del(struct mv_subnet_table *t, const char *s, void *owner)
{
	struct mv_subnet sn = P(s);

	return mv_subnet_table_del(t, &sn, owner);
}

TEST(table_empty)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	uint8_t a[16] = { 0 };

	EXPECT(t);
	EXPECT_EQ(mv_subnet_table_count(t), 0);
	EXPECT(!lookup4(t, "10.0.0.1"));
	EXPECT(!mv_subnet_table_lookup(t, MV_SUBNET_IPV6, a, NULL, NULL));
	EXPECT(!mv_subnet_table_lookup(t, (enum mv_subnet_type)7, a, NULL,
				       NULL));
	EXPECT(!mv_subnet_table_lookup(t, MV_SUBNET_IPV4, NULL, NULL, NULL));
	EXPECT_EQ(del(t, "10.0.0.0/8", A), -ENOENT);
	EXPECT_EQ(mv_subnet_table_del_owner(t, A), 0);
	mv_subnet_table_free(t);
	mv_subnet_table_free(NULL);
}

TEST(table_longest_prefix_wins)
{
	struct mv_subnet_table *t = mv_subnet_table_new();

	EXPECT_EQ(add(t, "0.0.0.0/0", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", B), 0);
	EXPECT_EQ(add(t, "10.1.0.0/16", C), 0);
	EXPECT_EQ(add(t, "10.1.2.0/24", A), 0);
	EXPECT_EQ(add(t, "10.1.2.3", B), 0);
	EXPECT_EQ(add(t, "10.1.2.128/25", C), 0);
	EXPECT_EQ(mv_subnet_table_count(t), 6);

	EXPECT(lookup4(t, "10.1.2.3") == B);
	EXPECT(lookup4(t, "10.1.2.4") == A);
	EXPECT(lookup4(t, "10.1.2.200") == C);
	EXPECT(lookup4(t, "10.1.3.1") == C);
	EXPECT(lookup4(t, "10.2.0.1") == B);
	EXPECT(lookup4(t, "192.0.2.1") == A);

	/* Removing the most specific route falls back to the next one. */
	EXPECT_EQ(del(t, "10.1.2.3", B), 0);
	EXPECT(lookup4(t, "10.1.2.3") == A);
	EXPECT_EQ(del(t, "10.1.2.0/24", A), 0);
	EXPECT(lookup4(t, "10.1.2.3") == C);
	EXPECT_EQ(del(t, "0.0.0.0/0", A), 0);
	EXPECT(!lookup4(t, "192.0.2.1"));
	EXPECT_EQ(mv_subnet_table_count(t), 3);
	mv_subnet_table_free(t);
}

TEST(table_weight_breaks_ties)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	const struct mv_subnet_route *r;
	uint8_t a[4];

	EXPECT_EQ(add(t, "10.0.0.0/8#20", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8#5", B), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8#10", C), 0);
	EXPECT(lookup4(t, "10.9.9.9") == B);
	v4("10.9.9.9", a);
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, NULL, NULL);
	EXPECT(r && r->subnet.weight == 5 && r->subnet.prefixlen == 8);

	/* Prefix length beats weight. */
	EXPECT_EQ(add(t, "10.9.0.0/16#1000", A), 0);
	EXPECT(lookup4(t, "10.9.9.9") == A);
	EXPECT(lookup4(t, "10.8.9.9") == B);

	EXPECT_EQ(del(t, "10.0.0.0/8#5", B), 0);
	EXPECT(lookup4(t, "10.8.9.9") == C);
	/* The weight is part of the identity of an entry. */
	EXPECT_EQ(del(t, "10.0.0.0/8", A), -ENOENT);
	EXPECT_EQ(del(t, "10.0.0.0/8#20", A), 0);
	EXPECT(lookup4(t, "10.8.9.9") == C);
	mv_subnet_table_free(t);
}

TEST(table_equal_weight_first_added_wins)
{
	struct mv_subnet_table *t = mv_subnet_table_new();

	EXPECT_EQ(add(t, "192.168.0.0/16", B), 0);
	EXPECT_EQ(add(t, "192.168.0.0/16", A), 0);
	EXPECT_EQ(add(t, "192.168.0.0/16", C), 0);
	EXPECT(lookup4(t, "192.168.1.1") == B);
	EXPECT_EQ(del(t, "192.168.0.0/16", B), 0);
	EXPECT(lookup4(t, "192.168.1.1") == A);
	/* Re-adding puts B behind the others. */
	EXPECT_EQ(add(t, "192.168.0.0/16", B), 0);
	EXPECT(lookup4(t, "192.168.1.1") == A);
	mv_subnet_table_free(t);
}

TEST(table_duplicates_and_invalid)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	struct mv_subnet bad = P("10.0.0.0/8");

	EXPECT_EQ(add(t, "10.0.0.0/8", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", A), -EEXIST);
	/* Another weight or owner is another entry. */
	EXPECT_EQ(add(t, "10.0.0.0/8#3", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", B), 0);
	EXPECT_EQ(mv_subnet_table_count(t), 3);

	bad.addr[3] = 1;	/* host bits */
	EXPECT_EQ(mv_subnet_table_add(t, &bad, A), -EINVAL);
	EXPECT_EQ(mv_subnet_table_del(t, &bad, A), -ENOENT);
	EXPECT(!mv_subnet_table_has(t, &bad, A));
	bad = P("10.0.0.0/8");
	bad.prefixlen = 40;
	EXPECT_EQ(mv_subnet_table_add(t, &bad, A), -EINVAL);
	bad = P("10.0.0.0/8");
	bad.type = (enum mv_subnet_type)0;
	EXPECT_EQ(mv_subnet_table_add(t, &bad, A), -EINVAL);
	EXPECT_EQ(mv_subnet_table_count(t), 3);
	mv_subnet_table_free(t);
}

TEST(table_has_and_del_owner)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	struct mv_subnet s = P("10.0.0.0/8");

	EXPECT_EQ(add(t, "10.0.0.0/8", A), 0);
	EXPECT_EQ(add(t, "10.1.0.0/16", A), 0);
	EXPECT_EQ(add(t, "2001:db8::/32", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8#20", B), 0);
	EXPECT(mv_subnet_table_has(t, &s, A));
	EXPECT(!mv_subnet_table_has(t, &s, B));
	s.weight = 20;
	EXPECT(mv_subnet_table_has(t, &s, B));

	EXPECT(lookup4(t, "10.1.1.1") == A);
	EXPECT_EQ(mv_subnet_table_del_owner(t, A), 3);
	EXPECT_EQ(mv_subnet_table_count(t), 1);
	EXPECT(lookup4(t, "10.1.1.1") == B);
	EXPECT(!lookup6(t, "2001:db8::1"));
	EXPECT_EQ(mv_subnet_table_del_owner(t, A), 0);
	mv_subnet_table_free(t);
}

static bool not_a(void *owner, void *ctx)
{
	(*(int *)ctx)++;
	return owner != A;
}

TEST(table_usable_filter_fails_over)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	const struct mv_subnet_route *r;
	uint8_t a[4];
	int calls = 0;

	EXPECT_EQ(add(t, "10.1.0.0/16#1", A), 0);
	EXPECT_EQ(add(t, "10.1.0.0/16#9", B), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", C), 0);
	EXPECT_EQ(add(t, "10.2.0.0/16", A), 0);

	v4("10.1.5.5", a);
	/* A is unreachable: the backup with the same prefix takes over. */
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, not_a, &calls);
	EXPECT(r && r->owner == B);
	EXPECT(calls > 0);
	/* ... and a shorter prefix when no owner of the longer is usable. */
	v4("10.2.5.5", a);
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, not_a, &calls);
	EXPECT(r && r->owner == C);
	/* Without a filter the unreachable owner is reported. */
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, NULL, NULL);
	EXPECT(r && r->owner == A);
	/* Nothing usable at all. */
	EXPECT_EQ(del(t, "10.0.0.0/8", C), 0);
	r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, not_a, &calls);
	EXPECT(!r);
	mv_subnet_table_free(t);
}

TEST(table_ipv6_and_mac)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	const struct mv_subnet_route *r;

	EXPECT_EQ(add(t, "::/0", A), 0);
	EXPECT_EQ(add(t, "2001:db8::/32", B), 0);
	EXPECT_EQ(add(t, "2001:db8:8000::/33", C), 0);
	EXPECT_EQ(add(t, "2001:db8::1", A), 0);
	EXPECT_EQ(add(t, "2001:db8::/127#3", C), 0);
	EXPECT_EQ(add(t, "02:00:00:00:00:01", B), 0);
	/* An IPv4 default route must not catch IPv6 or MAC lookups. */
	EXPECT_EQ(add(t, "0.0.0.0/0", C), 0);

	EXPECT(lookup6(t, "2001:db8::1") == A);
	EXPECT(lookup6(t, "2001:db8::") == C);
	EXPECT(lookup6(t, "2001:db8::2") == B);
	EXPECT(lookup6(t, "2001:db8:8000::5") == C);
	EXPECT(lookup6(t, "2001:db9::") == A);
	EXPECT(lookup6(t, "::ffff:10.0.0.1") == A);

	r = mv_subnet_table_lookup(t, MV_SUBNET_MAC, mac, NULL, NULL);
	EXPECT(r && r->owner == B);
	mac[5] = 2;
	EXPECT(!mv_subnet_table_lookup(t, MV_SUBNET_MAC, mac, NULL, NULL));
	mv_subnet_table_free(t);
}

struct collect {
	char out[16][MV_SUBNET_STRLEN];
	void *owner[16];
	int n, stop_at;
};

static int collect_fn(const struct mv_subnet_route *r, void *ctx)
{
	struct collect *c = ctx;

	mv_subnet_format(&r->subnet, c->out[c->n], MV_SUBNET_STRLEN, 0);
	c->owner[c->n] = r->owner;
	c->n++;
	return c->n == c->stop_at ? 42 : 0;
}

TEST(table_foreach_sorted)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	struct collect c = { .stop_at = -1 };

	EXPECT_EQ(mv_subnet_table_foreach(t, collect_fn, &c), 0);
	EXPECT_EQ(c.n, 0);
	EXPECT_EQ(add(t, "::/0", A), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", B), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8", A), 0);
	EXPECT_EQ(add(t, "10.1.0.0/16#3", C), 0);
	EXPECT_EQ(add(t, "02:00:00:00:00:01", C), 0);
	EXPECT_EQ(add(t, "10.0.0.0/8#1", C), 0);

	EXPECT_EQ(mv_subnet_table_foreach(t, collect_fn, &c), 0);
	EXPECT_EQ(c.n, 6);
	EXPECT_STREQ(c.out[0], "02:00:00:00:00:01");
	EXPECT_STREQ(c.out[1], "10.1.0.0/16#3");
	EXPECT_STREQ(c.out[2], "10.0.0.0/8#1");
	EXPECT_STREQ(c.out[3], "10.0.0.0/8");
	EXPECT(c.owner[3] == B);	/* insertion order among equals */
	EXPECT_STREQ(c.out[4], "10.0.0.0/8");
	EXPECT(c.owner[4] == A);
	EXPECT_STREQ(c.out[5], "::/0");

	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	EXPECT_EQ(mv_subnet_table_foreach(t, collect_fn, &c), 42);
	EXPECT_EQ(c.n, 2);
	mv_subnet_table_free(t);
}

/* ---- randomised comparison with a brute-force reference ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct ref_entry {
	struct mv_subnet s;
	void *owner;
	unsigned long seq;
	bool live;
};

static bool odd_owner_usable(void *owner, void *ctx)
{
	(void)ctx;
	return ((uintptr_t)owner >> 4) & 1;
}

/* tinc's semantics spelled out: scan everything, keep the best. */
static const struct ref_entry *ref_lookup(const struct ref_entry *e, size_t n,
					  enum mv_subnet_type type,
					  const uint8_t *addr, bool filter)
{
	const struct ref_entry *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!e[i].live || !mv_subnet_contains(&e[i].s, type, addr))
			continue;
		if (filter && !odd_owner_usable(e[i].owner, NULL))
			continue;
		if (best && (best->s.prefixlen > e[i].s.prefixlen ||
			     (best->s.prefixlen == e[i].s.prefixlen &&
			      (best->s.weight < e[i].s.weight ||
			       (best->s.weight == e[i].s.weight &&
				best->seq < e[i].seq)))))
			continue;
		best = &e[i];
	}
	return best;
}

/* Random subnets clustered in a small space so that they overlap. */
static void random_subnet(struct mv_subnet *s, enum mv_subnet_type type)
{
	uint8_t a[16] = { 0 };
	unsigned int max = type == MV_SUBNET_IPV4 ? 32 : 128, plen;
	size_t alen = type == MV_SUBNET_IPV4 ? 4 : 16, i;

	for (i = 0; i < alen; i++)
		a[i] = (uint8_t)rnd();
	a[0] = 10;
	a[1] &= 3;
	plen = (unsigned int)(rnd() % (max + 1));
	if (plen < 8 && rnd() % 4)
		plen += 8;
	for (i = 0; i < alen; i++) {
		unsigned int keep = plen > i * 8 ? plen - i * 8 : 0;

		if (keep < 8)
			a[i] &= (uint8_t)(0xff00u >> keep);
	}
	if (mv_subnet_init(s, type, a, plen, (int)(rnd() % 4) * 5))
		abort();
}

static void random_addr(uint8_t *a, enum mv_subnet_type type)
{
	size_t alen = type == MV_SUBNET_IPV4 ? 4 : 16, i;

	for (i = 0; i < alen; i++)
		a[i] = (uint8_t)rnd();
	a[0] = 10;
	a[1] &= 3;
	/* Often zero the tail so that host routes and short nets match. */
	if (rnd() % 2)
		for (i = 2 + rnd() % (alen - 2); i < alen; i++)
			a[i] = 0;
}

static void randomised(bool *unit_failed, enum mv_subnet_type type,
		       size_t n_ops)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	struct ref_entry *ref = calloc(n_ops, sizeof(*ref));
	static int owners[8];
	size_t n = 0, live = 0, i, k, errors = 0, mismatches = 0, lookups = 0;
	unsigned long seq = 0;

	for (i = 0; i < n_ops; i++) {
		uint64_t op = rnd() % 10;

		if (op < 6 || !live) {
			struct ref_entry *e = &ref[n];
			bool dup = false;

			random_subnet(&e->s, type);
			e->owner = &owners[rnd() % 8];
			for (k = 0; k < n; k++)
				if (ref[k].live && ref[k].owner == e->owner &&
				    !mv_subnet_cmp(&ref[k].s, &e->s))
					dup = true;
			if (mv_subnet_table_add(t, &e->s, e->owner) !=
			    (dup ? -EEXIST : 0))
				errors++;
			if (!dup) {
				e->live = true;
				e->seq = seq++;
				n++;
				live++;
			}
		} else if (op < 8) {
			struct ref_entry *e = &ref[rnd() % n], *twin = NULL;

			/* At most one live entry has this subnet and owner. */
			for (k = 0; k < n; k++)
				if (ref[k].live && ref[k].owner == e->owner &&
				    !mv_subnet_cmp(&ref[k].s, &e->s))
					twin = &ref[k];
			if (mv_subnet_table_del(t, &e->s, e->owner) !=
			    (twin ? 0 : -ENOENT))
				errors++;
			if (twin) {
				twin->live = false;
				live--;
			}
		} else {
			uint8_t a[16];
			int f;

			random_addr(a, type);
			for (f = 0; f < 2; f++) {
				const struct ref_entry *want;
				const struct mv_subnet_route *got;

				want = ref_lookup(ref, n, type, a, f);
				got = mv_subnet_table_lookup(t, type, a,
					f ? odd_owner_usable : NULL, NULL);
				lookups += !!want;
				if (!want != !got ||
				    (want && (want->owner != got->owner ||
					      mv_subnet_cmp(&want->s,
							    &got->subnet))))
					mismatches++;
			}
		}
		if (mv_subnet_table_count(t) != live)
			errors++;
	}
	EXPECT_EQ(errors, 0);
	EXPECT_EQ(mismatches, 0);
	/* The test is only meaningful if most lookups find something. */
	EXPECT(lookups > n_ops / 10);
	free(ref);
	mv_subnet_table_free(t);
}

TEST(table_matches_reference_ipv4)
{
	randomised(unit_failed, MV_SUBNET_IPV4, 6000);
}

TEST(table_matches_reference_ipv6)
{
	randomised(unit_failed, MV_SUBNET_IPV6, 6000);
}

TEST(table_many_host_routes)
{
	struct mv_subnet_table *t = mv_subnet_table_new();
	const size_t n = 100000;
	size_t i, bad = 0;
	uint8_t a[4];
	struct mv_subnet s;

	/* 100,000 nodes with a /32 each, plus one covering /8. */
	for (i = 0; i < n; i++) {
		uint32_t ip = htonl(0x0a000000u | (uint32_t)(i * 7 + 1));

		memcpy(a, &ip, 4);
		if (mv_subnet_init(&s, MV_SUBNET_IPV4, a, 32, 10) ||
		    mv_subnet_table_add(t, &s, (void *)(uintptr_t)(i + 1)))
			bad++;
	}
	EXPECT_EQ(add(t, "10.0.0.0/8", A), 0);
	EXPECT_EQ(mv_subnet_table_count(t), n + 1);
	for (i = 0; i < n; i++) {
		uint32_t ip = htonl(0x0a000000u | (uint32_t)(i * 7 + 1));
		const struct mv_subnet_route *r;

		memcpy(a, &ip, 4);
		r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, NULL, NULL);
		if (!r || r->owner != (void *)(uintptr_t)(i + 1))
			bad++;
		ip = htonl(0x0a000000u | (uint32_t)(i * 7 + 2));
		memcpy(a, &ip, 4);
		r = mv_subnet_table_lookup(t, MV_SUBNET_IPV4, a, NULL, NULL);
		if (!r || r->owner != A)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	mv_subnet_table_free(t);
}

TEST_MAIN()
