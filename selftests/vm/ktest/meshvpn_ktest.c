// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel unit tests of meshvpn's route table and replay window. The units
 * are compiled in from kmod/ unchanged, so this tests the exact code that
 * goes into meshvpn.ko, without being part of it.
 *
 * All tests run at module load and print, one line each,
 * "meshvpn_ktest: ok NAME" or "meshvpn_ktest: not ok NAME" (the failing
 * checks before it, as "meshvpn_ktest: # ..."), then
 * "meshvpn_ktest: N passed, N failed". Loading succeeds either way and
 * leaves nothing behind; selftests/vm/tests/ktest_units.sh reads the lines.
 *
 * Parameter seed=N repeats a run's random tests (the seed is printed).
 */
#define pr_fmt(fmt) "meshvpn_ktest: " fmt

#include <linux/bitmap.h>
#include <linux/bsearch.h>
#include <linux/inet.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "../../../kmod/route.c"
#include "../../../kmod/replay.c"

/* Nodes are opaque to the route table; here they are just distinct ids. */
struct meshvpn_node {
	unsigned int id;
};

#define KT_NODES	10000
static struct meshvpn_node kt_nodes[KT_NODES];

static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the random tests (0: pick one)");

static struct rnd_state kt_rnd;
static struct meshvpn_routes kt_routes;
static DEFINE_MUTEX(kt_lock);

static unsigned int kt_passed, kt_failed;
static bool kt_ok;
/* Failed checks reported per test; a broken random test would flood. */
static unsigned int kt_reported;
#define KT_MAX_REPORTS	10

static void kt_fail(const char *func, int line, const char *what)
{
	kt_ok = false;
	if (kt_reported++ < KT_MAX_REPORTS)
		pr_info("# %s:%d: %s\n", func, line, what);
}

#define CHECK(cond)							\
	({								\
		bool __c = (cond);					\
		if (!__c)						\
			kt_fail(__func__, __LINE__, "check failed: " #cond); \
		__c;							\
	})

#define CHECK_EQ(a, b)							\
	({								\
		long long __a = (long long)(a), __b = (long long)(b);	\
		if (__a != __b) {					\
			kt_ok = false;					\
			if (kt_reported++ < KT_MAX_REPORTS)		\
				pr_info("# %s:%d: %s == %lld, expected %s == %lld\n", \
					__func__, __LINE__, #a, __a, #b, __b); \
		}							\
		__a == __b;						\
	})

static void kt_run(const char *name, void (*test)(void))
{
	kt_ok = true;
	kt_reported = 0;
	test();
	if (kt_ok) {
		kt_passed++;
		pr_info("ok %s\n", name);
	} else {
		kt_failed++;
		pr_info("not ok %s\n", name);
	}
}

static u32 kt_rand(void)
{
	return prandom_u32_state(&kt_rnd);
}

static struct meshvpn_node *nd(unsigned int i)
{
	return &kt_nodes[i];
}

/* Route helpers: parse the address, take the lock around the change. */

static __be32 ip4(const char *s)
{
	__be32 a = 0;

	if (!in4_pton(s, -1, (u8 *)&a, -1, NULL))
		kt_fail(__func__, __LINE__, s);
	return a;
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a = {};

	if (!in6_pton(s, -1, a.s6_addr, -1, NULL))
		kt_fail(__func__, __LINE__, s);
	return a;
}

static int ins(int family, const void *addr, u8 len, struct meshvpn_node *n)
{
	int ret;

	mutex_lock(&kt_lock);
	ret = meshvpn_routes_insert(&kt_routes, family, addr, len, n, &kt_lock);
	mutex_unlock(&kt_lock);
	return ret;
}

static int rem(int family, const void *addr, u8 len, struct meshvpn_node *n)
{
	int ret;

	mutex_lock(&kt_lock);
	ret = meshvpn_routes_remove(&kt_routes, family, addr, len, n, &kt_lock);
	mutex_unlock(&kt_lock);
	return ret;
}

static int ins4(const char *s, u8 len, struct meshvpn_node *n)
{
	__be32 a = ip4(s);

	return ins(AF_INET, &a, len, n);
}

static int ins6(const char *s, u8 len, struct meshvpn_node *n)
{
	struct in6_addr a = ip6(s);

	return ins(AF_INET6, &a, len, n);
}

static int rem4(const char *s, u8 len, struct meshvpn_node *n)
{
	__be32 a = ip4(s);

	return rem(AF_INET, &a, len, n);
}

static int rem6(const char *s, u8 len, struct meshvpn_node *n)
{
	struct in6_addr a = ip6(s);

	return rem(AF_INET6, &a, len, n);
}

static struct meshvpn_node *look(int family, const void *addr)
{
	struct meshvpn_node *n;

	rcu_read_lock();
	n = meshvpn_routes_lookup(&kt_routes, family, addr);
	rcu_read_unlock();
	return n;
}

static struct meshvpn_node *look4(const char *s)
{
	__be32 a = ip4(s);

	return look(AF_INET, &a);
}

static struct meshvpn_node *look6(const char *s)
{
	struct in6_addr a = ip6(s);

	return look(AF_INET6, &a);
}

static void remove_node(struct meshvpn_node *n)
{
	mutex_lock(&kt_lock);
	meshvpn_routes_remove_by_node(&kt_routes, n, &kt_lock);
	mutex_unlock(&kt_lock);
}

static void routes_reset(void)
{
	mutex_lock(&kt_lock);
	meshvpn_routes_free(&kt_routes, &kt_lock);
	mutex_unlock(&kt_lock);
}

/* Checks the bookkeeping of an empty table as well as its behaviour. */
static void check_empty(void)
{
	struct meshvpn_route_info info;
	unsigned int i;
	u64 pos = 0;

	CHECK_EQ(meshvpn_routes_count(&kt_routes), 0);
	CHECK(RB_EMPTY_ROOT(&kt_routes.by_node));
	CHECK_EQ(kt_routes.v4.count, 0);
	CHECK_EQ(kt_routes.v6.count, 0);
	for (i = 0; i < ARRAY_SIZE(kt_routes.v4.used); i++) {
		CHECK_EQ(kt_routes.v4.used[i], 0);
		CHECK_EQ(kt_routes.v6.used[i], 0);
	}
	mutex_lock(&kt_lock);
	CHECK(!meshvpn_routes_next(&kt_routes, &pos, &info, &kt_lock));
	mutex_unlock(&kt_lock);
	CHECK(!look4("10.0.0.1"));
	CHECK(!look6("2001:db8::1"));
}

static void test_route_empty(void)
{
	check_empty();
	CHECK(!look4("0.0.0.0"));
	CHECK(!look6("::"));
	CHECK_EQ(rem4("10.0.0.0", 8, NULL), -ENOENT);
	CHECK_EQ(rem6("::", 0, NULL), -ENOENT);
	CHECK(meshvpn_routes_generation(&kt_routes) != 0);
}

static void test_route_invalid(void)
{
	__be32 a = ip4("10.0.0.0");
	struct in6_addr a6 = ip6("2001:db8::");
	u32 gen = meshvpn_routes_generation(&kt_routes);

	CHECK_EQ(ins(AF_UNSPEC, &a, 8, nd(1)), -EAFNOSUPPORT);
	CHECK_EQ(ins(AF_PACKET, &a, 8, nd(1)), -EAFNOSUPPORT);
	CHECK_EQ(ins(AF_INET, &a, 33, nd(1)), -EINVAL);
	CHECK_EQ(ins(AF_INET, &a, 255, nd(1)), -EINVAL);
	CHECK_EQ(ins(AF_INET6, &a6, 129, nd(1)), -EINVAL);
	CHECK_EQ(ins(AF_INET, &a, 8, NULL), -EINVAL);
	CHECK_EQ(rem(AF_UNSPEC, &a, 8, NULL), -EAFNOSUPPORT);
	CHECK_EQ(rem(AF_INET, &a, 33, NULL), -EINVAL);
	CHECK(!look(AF_UNSPEC, &a));
	CHECK_EQ(meshvpn_routes_generation(&kt_routes), gen);
	check_empty();
}

static void test_route_lpm_v4(void)
{
	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins4("10.1.0.0", 16, nd(2)), 0);
	CHECK_EQ(ins4("10.1.2.0", 24, nd(3)), 0);
	CHECK_EQ(ins4("10.1.2.3", 32, nd(4)), 0);
	CHECK_EQ(ins4("10.1.2.128", 25, nd(5)), 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 5);

	CHECK(look4("10.1.2.3") == nd(4));
	CHECK(look4("10.1.2.2") == nd(3));
	CHECK(look4("10.1.2.4") == nd(3));
	CHECK(look4("10.1.2.127") == nd(3));
	CHECK(look4("10.1.2.128") == nd(5));
	CHECK(look4("10.1.2.255") == nd(5));
	CHECK(look4("10.1.3.0") == nd(2));
	CHECK(look4("10.1.255.255") == nd(2));
	CHECK(look4("10.2.0.0") == nd(1));
	CHECK(look4("10.255.255.255") == nd(1));
	CHECK(!look4("11.0.0.0"));
	CHECK(!look4("9.255.255.255"));
	/* An IPv4 route says nothing about IPv6, even ::a01:203. */
	CHECK(!look6("::a01:203"));
	CHECK(!look6("::ffff:10.1.2.3"));
	routes_reset();
	check_empty();
}

static void test_route_lpm_v6(void)
{
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(2)), 0);
	CHECK_EQ(ins6("2001:db8:1:2::", 64, nd(3)), 0);
	/* Prefixes that end inside, and just past, a 32/64-bit word. */
	CHECK_EQ(ins6("2001:db8:1:2:8000::", 65, nd(4)), 0);
	CHECK_EQ(ins6("2001:db8:1:2:c000::", 66, nd(5)), 0);
	CHECK_EQ(ins6("2001:db8:1:2::5", 128, nd(6)), 0);
	CHECK_EQ(ins6("2001:db8:1:2::4", 127, nd(7)), 0);
	CHECK_EQ(ins6("2001:db8:8000::", 33, nd(8)), 0);
	CHECK_EQ(ins6("2000::", 3, nd(9)), 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 9);

	CHECK(look6("2001:db8:1:2::5") == nd(6));
	CHECK(look6("2001:db8:1:2::4") == nd(7));
	CHECK(look6("2001:db8:1:2::6") == nd(3));
	CHECK(look6("2001:db8:1:2::3") == nd(3));
	CHECK(look6("2001:db8:1:2:7fff:ffff:ffff:ffff") == nd(3));
	CHECK(look6("2001:db8:1:2:8000::1") == nd(4));
	CHECK(look6("2001:db8:1:2:bfff::") == nd(4));
	CHECK(look6("2001:db8:1:2:c000::") == nd(5));
	CHECK(look6("2001:db8:1:2:ffff:ffff:ffff:ffff") == nd(5));
	CHECK(look6("2001:db8:1:3::") == nd(2));
	CHECK(look6("2001:db8:2::") == nd(1));
	CHECK(look6("2001:db8:7fff::") == nd(1));
	CHECK(look6("2001:db8:8000::") == nd(8));
	CHECK(look6("2001:db8:ffff:ffff::") == nd(8));
	CHECK(look6("2001:db9::") == nd(9));
	CHECK(look6("3fff:ffff::") == nd(9));
	CHECK(!look6("4000::"));
	CHECK(!look6("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	CHECK(!look4("32.1.13.184"));
	routes_reset();
	check_empty();
}

static void test_route_default(void)
{
	CHECK_EQ(ins4("0.0.0.0", 0, nd(1)), 0);
	CHECK(look4("0.0.0.0") == nd(1));
	CHECK(look4("255.255.255.255") == nd(1));
	CHECK(look4("10.1.2.3") == nd(1));
	/* The IPv4 default route does not cover IPv6. */
	CHECK(!look6("::"));
	CHECK(!look6("2001:db8::1"));

	CHECK_EQ(ins6("::", 0, nd(2)), 0);
	CHECK(look6("::") == nd(2));
	CHECK(look6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == nd(2));
	CHECK(look6("2001:db8::1") == nd(2));
	CHECK(look4("10.1.2.3") == nd(1));

	/* More specific routes still win over the defaults. */
	CHECK_EQ(ins4("10.0.0.0", 8, nd(3)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(4)), 0);
	CHECK(look4("10.1.2.3") == nd(3));
	CHECK(look4("11.1.2.3") == nd(1));
	CHECK(look6("2001:db8::1") == nd(4));
	CHECK(look6("2001:db9::1") == nd(2));

	CHECK_EQ(rem4("0.0.0.0", 0, NULL), 0);
	CHECK(!look4("11.1.2.3"));
	CHECK(look4("10.1.2.3") == nd(3));
	CHECK(look6("2001:db9::1") == nd(2));
	CHECK_EQ(rem6("::", 0, nd(2)), 0);
	CHECK(!look6("2001:db9::1"));
	CHECK(look6("2001:db8::1") == nd(4));
	routes_reset();
	check_empty();
}

static void test_route_host(void)
{
	CHECK_EQ(ins4("192.0.2.1", 32, nd(1)), 0);
	CHECK_EQ(ins4("192.0.2.2", 32, nd(2)), 0);
	CHECK_EQ(ins4("255.255.255.255", 32, nd(3)), 0);
	CHECK_EQ(ins4("0.0.0.0", 32, nd(4)), 0);
	CHECK_EQ(ins6("2001:db8::1", 128, nd(5)), 0);
	CHECK_EQ(ins6("::", 128, nd(6)), 0);
	CHECK_EQ(ins6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, nd(7)), 0);
	CHECK(look4("192.0.2.1") == nd(1));
	CHECK(look4("192.0.2.2") == nd(2));
	CHECK(!look4("192.0.2.0"));
	CHECK(!look4("192.0.2.3"));
	CHECK(!look4("193.0.2.1"));
	CHECK(look4("255.255.255.255") == nd(3));
	CHECK(!look4("255.255.255.254"));
	CHECK(look4("0.0.0.0") == nd(4));
	CHECK(!look4("0.0.0.1"));
	CHECK(look6("2001:db8::1") == nd(5));
	CHECK(!look6("2001:db8::"));
	CHECK(!look6("2001:db8::2"));
	CHECK(!look6("2001:db8:0:0:8000::1"));
	CHECK(look6("::") == nd(6));
	CHECK(!look6("::1"));
	CHECK(look6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == nd(7));
	CHECK(!look6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
	CHECK(!look6("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	routes_reset();
	check_empty();
}

static void test_route_repoint(void)
{
	u32 gen;

	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	gen = meshvpn_routes_generation(&kt_routes);
	/* The same route again: no change at all. */
	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(meshvpn_routes_generation(&kt_routes), gen);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 2);

	CHECK_EQ(ins4("10.0.0.0", 8, nd(2)), 0);
	CHECK(meshvpn_routes_generation(&kt_routes) != gen);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 2);
	CHECK(look4("10.9.9.9") == nd(2));
	CHECK_EQ(ins6("2001:db8::", 32, nd(3)), 0);
	CHECK(look6("2001:db8::9") == nd(3));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 2);

	/* The by-node index followed the move. */
	remove_node(nd(1));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 2);
	CHECK(look4("10.9.9.9") == nd(2));
	remove_node(nd(2));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 1);
	CHECK(!look4("10.9.9.9"));
	CHECK(look6("2001:db8::9") == nd(3));
	remove_node(nd(3));
	check_empty();
	routes_reset();
}

static bool walk_one(struct meshvpn_route_info *info)
{
	u64 pos = 0;
	bool found;

	mutex_lock(&kt_lock);
	found = meshvpn_routes_next(&kt_routes, &pos, info, &kt_lock);
	mutex_unlock(&kt_lock);
	return found;
}

static void test_route_masking(void)
{
	struct meshvpn_route_info info;
	struct in6_addr want6 = ip6("2001:db8:0:1::");

	CHECK_EQ(ins4("10.1.2.3", 24, nd(1)), 0);
	CHECK(look4("10.1.2.200") == nd(1));
	CHECK(look4("10.1.2.0") == nd(1));
	CHECK(!look4("10.1.3.3"));
	if (CHECK(walk_one(&info))) {
		CHECK_EQ(info.family, AF_INET);
		CHECK_EQ(info.prefix_len, 24);
		CHECK_EQ(ntohl(info.addr.ip4), 0x0a010200);
		CHECK(info.node == nd(1));
	}
	/* The same prefix with other host bits is the same route. */
	CHECK_EQ(ins4("10.1.2.99", 24, nd(2)), 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 1);
	CHECK(look4("10.1.2.3") == nd(2));
	CHECK_EQ(rem4("10.1.2.77", 24, NULL), 0);
	check_empty();

	CHECK_EQ(ins6("2001:db8:0:1:ffff::1", 64, nd(3)), 0);
	if (CHECK(walk_one(&info))) {
		CHECK_EQ(info.family, AF_INET6);
		CHECK_EQ(info.prefix_len, 64);
		CHECK(ipv6_addr_equal(&info.addr.ip6, &want6));
	}
	CHECK(look6("2001:db8:0:1::42") == nd(3));
	CHECK_EQ(ins6("2001:db8:0:1:ffff::1", 67, nd(4)), 0);
	CHECK(look6("2001:db8:0:1:e000::") == nd(4));
	CHECK(look6("2001:db8:0:1:dfff::") == nd(3));
	CHECK_EQ(rem6("2001:db8:0:1:1::", 64, nd(3)), 0);
	CHECK_EQ(rem6("2001:db8:0:1:ffff:ffff::", 67, NULL), 0);
	check_empty();

	/* /0 ignores every bit. */
	CHECK_EQ(ins4("1.2.3.4", 0, nd(5)), 0);
	CHECK(look4("200.0.0.1") == nd(5));
	CHECK_EQ(rem4("4.3.2.1", 0, NULL), 0);
	check_empty();
	routes_reset();
}

static void test_route_remove(void)
{
	u32 gen;

	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins4("10.1.0.0", 16, nd(2)), 0);
	CHECK_EQ(ins4("10.1.2.0", 24, nd(3)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(2)), 0);

	/* Absent prefixes, including ones that only overlap a route. */
	gen = meshvpn_routes_generation(&kt_routes);
	CHECK_EQ(rem4("10.1.0.0", 17, NULL), -ENOENT);
	CHECK_EQ(rem4("10.1.0.0", 15, NULL), -ENOENT);
	CHECK_EQ(rem4("10.2.0.0", 16, NULL), -ENOENT);
	CHECK_EQ(rem6("2001:db8:1::", 47, NULL), -ENOENT);
	/* Owned by another node: refused, and the route stays. */
	CHECK_EQ(rem4("10.1.0.0", 16, nd(3)), -ENOENT);
	CHECK_EQ(rem6("2001:db8:1::", 48, nd(1)), -ENOENT);
	CHECK_EQ(meshvpn_routes_generation(&kt_routes), gen);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 5);
	CHECK(look4("10.1.9.9") == nd(2));

	CHECK_EQ(rem4("10.1.0.0", 16, nd(2)), 0);
	CHECK(meshvpn_routes_generation(&kt_routes) != gen);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 4);
	CHECK(look4("10.1.9.9") == nd(1));
	CHECK(look4("10.1.2.9") == nd(3));
	CHECK_EQ(rem4("10.1.0.0", 16, NULL), -ENOENT);

	CHECK_EQ(rem4("10.1.2.0", 24, NULL), 0);
	CHECK(look4("10.1.2.9") == nd(1));
	/* The /16 and /24 lengths are unused again. */
	CHECK_EQ(kt_routes.v4.used[0], BIT(8));
	CHECK_EQ(rem6("2001:db8:1::", 48, NULL), 0);
	CHECK(look6("2001:db8:1::1") == nd(1));
	CHECK_EQ(rem4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(rem6("2001:db8::", 32, nd(1)), 0);
	check_empty();
	routes_reset();
}

static void test_route_remove_by_node(void)
{
	u32 gen;

	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins4("10.1.0.0", 16, nd(2)), 0);
	CHECK_EQ(ins4("10.2.0.0", 16, nd(2)), 0);
	CHECK_EQ(ins4("10.1.2.0", 24, nd(3)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(2)), 0);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(3)), 0);
	CHECK_EQ(ins6("::", 0, nd(2)), 0);

	gen = meshvpn_routes_generation(&kt_routes);
	remove_node(nd(4));
	CHECK_EQ(meshvpn_routes_generation(&kt_routes), gen);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 7);

	remove_node(nd(2));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 3);
	CHECK(look4("10.1.9.9") == nd(1));
	CHECK(look4("10.2.9.9") == nd(1));
	CHECK(look4("10.1.2.9") == nd(3));
	CHECK(!look6("2001:db8::1"));
	CHECK(look6("2001:db8:1::1") == nd(3));
	CHECK(!look6("::1"));
	remove_node(nd(2));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 3);
	remove_node(nd(1));
	remove_node(nd(3));
	check_empty();
	routes_reset();
}

static struct sk_buff *make_skb(int family, const char *src, const char *dst)
{
	struct sk_buff *skb = alloc_skb(256, GFP_KERNEL);
	struct ipv6hdr *ip6h;
	struct iphdr *iph;

	if (!skb)
		return NULL;
	skb_reserve(skb, 64);
	skb_reset_network_header(skb);
	if (family == AF_INET) {
		iph = skb_put_zero(skb, sizeof(*iph));
		iph->version = 4;
		iph->ihl = 5;
		iph->saddr = ip4(src);
		iph->daddr = ip4(dst);
		skb->protocol = htons(ETH_P_IP);
	} else {
		ip6h = skb_put_zero(skb, sizeof(*ip6h));
		ip6h->version = 6;
		ip6h->saddr = ip6(src);
		ip6h->daddr = ip6(dst);
		skb->protocol = htons(ETH_P_IPV6);
	}
	return skb;
}

static void test_route_skb(void)
{
	struct sk_buff *skb4, *skb6;

	CHECK_EQ(ins4("10.1.0.0", 16, nd(1)), 0);
	CHECK_EQ(ins4("10.2.0.0", 16, nd(2)), 0);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(3)), 0);
	CHECK_EQ(ins6("2001:db8:2::", 48, nd(4)), 0);

	skb4 = make_skb(AF_INET, "10.1.0.5", "10.2.0.7");
	skb6 = make_skb(AF_INET6, "2001:db8:1::5", "2001:db8:2::7");
	if (CHECK(skb4 && skb6)) {
		rcu_read_lock();
		CHECK(meshvpn_routes_lookup_dst(&kt_routes, skb4) == nd(2));
		CHECK(meshvpn_routes_lookup_src(&kt_routes, skb4) == nd(1));
		CHECK(meshvpn_routes_lookup_dst(&kt_routes, skb6) == nd(4));
		CHECK(meshvpn_routes_lookup_src(&kt_routes, skb6) == nd(3));
		/* Anything but IPv4 and IPv6 routes nowhere. */
		skb4->protocol = htons(ETH_P_ARP);
		CHECK(!meshvpn_routes_lookup_dst(&kt_routes, skb4));
		CHECK(!meshvpn_routes_lookup_src(&kt_routes, skb4));
		rcu_read_unlock();
	}
	kfree_skb(skb4);
	kfree_skb(skb6);

	skb4 = make_skb(AF_INET, "10.3.0.5", "10.2.0.7");
	if (CHECK(skb4)) {
		rcu_read_lock();
		CHECK(!meshvpn_routes_lookup_src(&kt_routes, skb4));
		CHECK(meshvpn_routes_lookup_dst(&kt_routes, skb4) == nd(2));
		rcu_read_unlock();
	}
	kfree_skb(skb4);
	routes_reset();
}

/* The table never goes beyond MESHVPN_MAX_ROUTES; re-pointing still works. */
static void test_route_limit(void)
{
	u32 real;

	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	/*
	 * A million routes would take minutes under emulation: pretend the
	 * table holds all but one of them.
	 */
	mutex_lock(&kt_lock);
	real = kt_routes.count;
	kt_routes.count = MESHVPN_MAX_ROUTES - 1;
	mutex_unlock(&kt_lock);

	CHECK_EQ(ins4("10.1.0.0", 16, nd(2)), 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), MESHVPN_MAX_ROUTES);
	CHECK_EQ(ins4("10.2.0.0", 16, nd(2)), -ENOSPC);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(2)), -ENOSPC);
	CHECK(look4("10.2.0.1") == nd(1));
	CHECK_EQ(ins4("10.1.0.0", 16, nd(3)), 0);
	CHECK_EQ(ins4("10.0.0.0", 8, nd(3)), 0);
	CHECK(look4("10.1.0.1") == nd(3));
	CHECK_EQ(rem6("2001:db8::", 32, NULL), 0);
	CHECK_EQ(ins6("2001:db8:1::", 48, nd(2)), 0);
	CHECK_EQ(ins4("10.2.0.0", 16, nd(2)), -ENOSPC);

	mutex_lock(&kt_lock);
	kt_routes.count -= MESHVPN_MAX_ROUTES - 1 - real;
	mutex_unlock(&kt_lock);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 3);
	routes_reset();
	check_empty();
}

static void test_route_free(void)
{
	__be32 a;
	unsigned int i;

	/* Freeing an empty table is fine. */
	routes_reset();
	check_empty();

	for (i = 0; i < 1000; i++) {
		a = htonl(0x0a000000 | i << 8);
		CHECK_EQ(ins(AF_INET, &a, 24, nd(i % 7)), 0);
	}
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 1001);
	routes_reset();
	check_empty();
	CHECK_EQ(kt_routes.v4.per_len[24], 0);
	CHECK(!rcu_access_pointer(kt_routes.v4.table));
	CHECK(!look4("10.0.5.1"));

	/* The table is usable again. */
	CHECK_EQ(ins4("10.0.0.0", 8, nd(2)), 0);
	CHECK(look4("10.0.5.1") == nd(2));
	routes_reset();
	check_empty();
}

/* Grow under load, then shrink back once most routes are gone. */
static void test_route_resize(void)
{
	struct meshvpn_route_table *tbl;
	unsigned int i, bad = 0;
	__be32 a;

	for (i = 0; i < 5000; i++) {
		a = htonl(0xac100000 + i);
		if (ins(AF_INET, &a, 32, nd(i % 100)))
			bad++;
		if (i % 256 == 0)
			cond_resched();
	}
	CHECK_EQ(bad, 0);
	tbl = rcu_dereference_protected(kt_routes.v4.table, 1);
	CHECK(tbl && tbl->mask + 1 >= 5000 && tbl->mask + 1 <= 2 * 8192);
	for (i = 0; i < 5000; i++) {
		a = htonl(0xac100000 + i);
		if (look(AF_INET, &a) != nd(i % 100))
			bad++;
	}
	CHECK_EQ(bad, 0);
	for (i = 0; i < 5000; i += 2) {
		a = htonl(0xac100000 + i);
		if (rem(AF_INET, &a, 32, nd(i % 100)))
			bad++;
	}
	CHECK_EQ(bad, 0);
	for (i = 10; i < 100; i++)
		remove_node(nd(i));
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 250);
	tbl = rcu_dereference_protected(kt_routes.v4.table, 1);
	CHECK(tbl && tbl->mask + 1 <= 1024);
	for (i = 0; i < 5000; i++) {
		a = htonl(0xac100000 + i);
		if (look(AF_INET, &a) != (i % 2 && i % 100 < 10 ? nd(i % 100) : NULL))
			bad++;
	}
	CHECK_EQ(bad, 0);
	routes_reset();
	check_empty();
}

/* Route walk: every route exactly once, across resumes. */
#define KT_WALK_ROUTES	3000

union kt_addr {
	__be32 ip4;
	struct in6_addr ip6;
};

/* Route number i of the walk test, which routes to node i. */
static void kt_walk_route(unsigned int i, int *family, union kt_addr *addr,
			  u8 *len)
{
	memset(addr, 0, sizeof(*addr));
	if (i % 3) {
		*family = AF_INET;
		addr->ip4 = htonl(0x0a000000 | i << 8);
		*len = 24;
	} else {
		*family = AF_INET6;
		addr->ip6.s6_addr32[0] = htonl(0x20010db8);
		addr->ip6.s6_addr32[1] = htonl(i);
		*len = 64;
	}
}

/*
 * Walk at most @max routes from @pos, checking each against the routes
 * inserted; @seen catches repeats, NULL when repeats are allowed.
 */
static unsigned int kt_walk(unsigned long *seen, u64 *pos, unsigned int max)
{
	union kt_addr want;
	struct meshvpn_route_info info;
	unsigned int n = 0, id;
	int family;
	u8 len;

	mutex_lock(&kt_lock);
	for (; meshvpn_routes_next(&kt_routes, pos, &info, &kt_lock); (*pos)++) {
		if (n == max)
			break;
		n++;
		id = info.node - kt_nodes;
		if (!CHECK(id < KT_WALK_ROUTES))
			continue;
		if (seen)
			CHECK(!__test_and_set_bit(id, seen));
		kt_walk_route(id, &family, &want, &len);
		CHECK_EQ(info.family, family);
		CHECK_EQ(info.prefix_len, len);
		CHECK(family == AF_INET ? info.addr.ip4 == want.ip4 :
		      ipv6_addr_equal(&info.addr.ip6, &want.ip6));
	}
	mutex_unlock(&kt_lock);
	return n;
}

static void test_route_walk(void)
{
	union kt_addr addr;
	unsigned long *seen;
	unsigned int i, total = 0, n, msgs = 0, bad = 0;
	u32 gen;
	u64 pos;
	int family;
	u8 len;

	seen = bitmap_zalloc(KT_WALK_ROUTES, GFP_KERNEL);
	if (!CHECK(seen))
		return;
	for (i = 0; i < KT_WALK_ROUTES; i++) {
		kt_walk_route(i, &family, &addr, &len);
		if (ins(family, &addr, len, nd(i)))
			bad++;
	}
	CHECK_EQ(bad, 0);

	/* Seven routes per "message", the position kept in between. */
	gen = meshvpn_routes_generation(&kt_routes);
	pos = 0;
	do {
		n = kt_walk(seen, &pos, 7);
		total += n;
		msgs++;
	} while (n == 7);
	CHECK_EQ(total, KT_WALK_ROUTES);
	CHECK_EQ(bitmap_weight(seen, KT_WALK_ROUTES), KT_WALK_ROUTES);
	CHECK_EQ(msgs, KT_WALK_ROUTES / 7 + 1);
	CHECK_EQ(meshvpn_routes_generation(&kt_routes), gen);
	/* At the end it stays at the end. */
	CHECK_EQ(kt_walk(seen, &pos, 7), 0);

	/* A change mid-walk shows in the generation... */
	bitmap_zero(seen, KT_WALK_ROUTES);
	pos = 0;
	kt_walk(seen, &pos, 100);
	CHECK_EQ(rem4("10.0.1.0", 24, NULL), 0);
	CHECK(meshvpn_routes_generation(&kt_routes) != gen);
	/* ...and a stale position after a shrink still ends the walk. */
	for (i = 0; i < KT_WALK_ROUTES; i += 2)
		remove_node(nd(i));
	kt_walk(NULL, &pos, UINT_MAX);
	bitmap_zero(seen, KT_WALK_ROUTES);
	pos = 0;
	CHECK_EQ(kt_walk(seen, &pos, UINT_MAX), KT_WALK_ROUTES / 2 - 1);
	bitmap_free(seen);
	routes_reset();
	check_empty();
}

/*
 * Random routes against a brute-force reference. Addresses come from a
 * small space (10.0.0.0/12 and 2001:db8::/36 mostly) so that prefixes nest.
 */
#define KT_RANDOM_ROUTES	10000
#define KT_RANDOM_LOOKUPS	4000
#define KT_RANDOM_NODES		64

struct kt_ref {
	__be32 addr[4];
	u16 family;
	u8 len;
	bool dead;
	unsigned int order;
	struct meshvpn_node *node;
};

static void kt_mask(__be32 *addr, int family, u8 len)
{
	unsigned int i, words = family == AF_INET ? 1 : 4;

	for (i = 0; i < words; i++)
		addr[i] &= meshvpn_route_word_mask(len, i);
}

static void kt_random_addr(__be32 *addr, int family)
{
	unsigned int i;

	memset(addr, 0, 16);
	if (family == AF_INET) {
		/* Mostly 10.0.0.0/12, sometimes anywhere. */
		addr[0] = htonl(kt_rand() % 8 ? 0x0a000000 | (kt_rand() & 0xfffff) :
				kt_rand());
		return;
	}
	for (i = 0; i < 4; i++)
		addr[i] = (__force __be32)kt_rand();
	if (kt_rand() % 8) {
		addr[0] = htonl(0x20010db8);
		addr[1] &= htonl(0x0fffffff);
	}
}

/* Order of prefixes: by family, length, then address. */
static int kt_ref_key_cmp(const void *a, const void *b)
{
	const struct kt_ref *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

/* Order for sort(): by prefix, then insertion order. */
static int kt_ref_cmp(const void *a, const void *b)
{
	const struct kt_ref *x = a, *y = b;
	int c = kt_ref_key_cmp(a, b);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static bool kt_ref_same(const struct kt_ref *x, const struct kt_ref *y)
{
	return !kt_ref_key_cmp(x, y);
}

static bool kt_ref_matches(const struct kt_ref *r, int family,
			   const __be32 *addr)
{
	__be32 m[4];

	if (r->dead || r->family != family)
		return false;
	memcpy(m, addr, sizeof(m));
	kt_mask(m, family, r->len);
	return !memcmp(m, r->addr, family == AF_INET ? 4 : 16);
}

static struct meshvpn_node *kt_ref_lookup(const struct kt_ref *ref,
					  unsigned int n, int family,
					  const __be32 *addr)
{
	const struct kt_ref *best = NULL;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (kt_ref_matches(&ref[i], family, addr) &&
		    (!best || ref[i].len > best->len))
			best = &ref[i];
	return best ? best->node : NULL;
}

/* Compare KT_RANDOM_LOOKUPS random lookups; returns the mismatches. */
static unsigned int kt_compare(const struct kt_ref *ref, unsigned int n)
{
	unsigned int i, w, bad = 0, hits = 0;
	struct meshvpn_node *want, *got;
	const struct kt_ref *r;
	__be32 addr[4];
	int family;

	for (i = 0; i < KT_RANDOM_LOOKUPS; i++) {
		family = i % 2 ? AF_INET6 : AF_INET;
		kt_random_addr(addr, family);
		if (i % 4 < 2) {
			/* Inside a random route, so that most lookups hit. */
			r = &ref[kt_rand() % n];
			family = r->family;
			for (w = 0; w < (family == AF_INET ? 1 : 4); w++)
				addr[w] = r->addr[w] |
					  (addr[w] &
					   ~meshvpn_route_word_mask(r->len, w));
		}
		want = kt_ref_lookup(ref, n, family, addr);
		got = look(family, addr);
		if (want)
			hits++;
		if (got != want && bad++ < 5) {
			if (family == AF_INET)
				pr_info("# lookup %pI4: node %d, expected %d\n",
					addr, got ? (int)got->id : -1,
					want ? (int)want->id : -1);
			else
				pr_info("# lookup %pI6c: node %d, expected %d\n",
					addr, got ? (int)got->id : -1,
					want ? (int)want->id : -1);
		}
		if (i % 64 == 0)
			cond_resched();
	}
	/* Not a vacuous comparison of misses. */
	CHECK(hits > KT_RANDOM_LOOKUPS / 8);
	return bad;
}

/* Every route the walk reports is in the reference, once. */
static void kt_check_walk(struct kt_ref *ref, unsigned int n, unsigned int live)
{
	struct meshvpn_route_info info;
	unsigned int count = 0, bad = 0;
	struct kt_ref key, *found;
	u64 pos;

	mutex_lock(&kt_lock);
	for (pos = 0; meshvpn_routes_next(&kt_routes, &pos, &info, &kt_lock);
	     pos++) {
		memset(&key, 0, sizeof(key));
		key.family = info.family;
		key.len = info.prefix_len;
		memcpy(key.addr, &info.addr, info.family == AF_INET ? 4 : 16);
		/* The reference holds each prefix once, sorted. */
		found = bsearch(&key, ref, n, sizeof(*ref), kt_ref_key_cmp);
		if (!found || found->dead || found->node != info.node)
			bad++;
		count++;
	}
	mutex_unlock(&kt_lock);
	CHECK_EQ(bad, 0);
	CHECK_EQ(count, live);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), live);
}

static void test_route_random(void)
{
	unsigned int i, n, live, bad = 0, inserted = 0;
	struct kt_ref *ref;
	int ret;

	ref = kvcalloc(KT_RANDOM_ROUTES, sizeof(*ref), GFP_KERNEL);
	if (!CHECK(ref))
		return;

	for (i = 0; i < KT_RANDOM_ROUTES; i++) {
		struct kt_ref *r = &ref[i];
		int max;

		r->family = kt_rand() % 2 ? AF_INET6 : AF_INET;
		max = r->family == AF_INET ? 32 : 128;
		/* Favour long prefixes, which a mesh has most of. */
		r->len = kt_rand() % 4 ? max - kt_rand() % (max / 4 + 1) :
			 kt_rand() % (max + 1);
		kt_random_addr(r->addr, r->family);
		r->node = nd(kt_rand() % KT_RANDOM_NODES);
		r->order = i;
		/* The table masks; so must the reference. */
		ret = ins(r->family, r->addr, r->len, r->node);
		kt_mask(r->addr, r->family, r->len);
		if (ret)
			bad++;
		else
			inserted++;
		if (i % 256 == 0)
			cond_resched();
	}
	CHECK_EQ(bad, 0);

	/* Keep the last insertion of each prefix: it decides the node. */
	sort(ref, KT_RANDOM_ROUTES, sizeof(*ref), kt_ref_cmp, NULL);
	for (i = 0, n = 0; i < KT_RANDOM_ROUTES; i++) {
		if (i + 1 < KT_RANDOM_ROUTES && kt_ref_same(&ref[i], &ref[i + 1]))
			continue;
		ref[n++] = ref[i];
	}
	pr_info("# %u random routes, %u distinct prefixes\n", inserted, n);
	live = n;
	CHECK_EQ(meshvpn_routes_count(&kt_routes), live);
	CHECK_EQ(kt_compare(ref, n), 0);
	kt_check_walk(ref, n, live);

	/* Drop a few nodes. */
	for (i = 0; i < KT_RANDOM_NODES; i += 8) {
		unsigned int j;

		remove_node(nd(i));
		for (j = 0; j < n; j++) {
			if (ref[j].node == nd(i) && !ref[j].dead) {
				ref[j].dead = true;
				live--;
			}
		}
	}
	CHECK_EQ(meshvpn_routes_count(&kt_routes), live);
	CHECK_EQ(kt_compare(ref, n), 0);

	/* Remove about half of the rest one by one, some with a wrong owner. */
	bad = 0;
	for (i = 0; i < n; i++) {
		struct kt_ref *r = &ref[i];
		struct meshvpn_node *other = nd((r->node->id + 1) % KT_RANDOM_NODES);

		if (r->dead || kt_rand() % 2)
			continue;
		if (kt_rand() % 4 == 0 &&
		    rem(r->family, r->addr, r->len, other) != -ENOENT)
			bad++;
		if (rem(r->family, r->addr, r->len, kt_rand() % 2 ? r->node : NULL))
			bad++;
		r->dead = true;
		live--;
		if (i % 256 == 0)
			cond_resched();
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(meshvpn_routes_count(&kt_routes), live);
	CHECK_EQ(kt_compare(ref, n), 0);
	kt_check_walk(ref, n, live);

	/* What is left goes node by node. */
	for (i = 0; i < KT_RANDOM_NODES; i++)
		remove_node(nd(i));
	check_empty();
	routes_reset();
	kvfree(ref);
}

/*
 * Lookups on other CPUs while the table grows, shrinks and changes. The
 * covering routes never go away, so there is always an answer: anything in
 * 10.0.0.0/8 routes to node 1, 2, 3 or 4, nothing in 11.0.0.0/8 routes
 * anywhere, and likewise for IPv6.
 */
struct kt_reader {
	struct task_struct *task;
	struct rnd_state rnd;
	unsigned long lookups;
	unsigned long errors;
};

static bool kt_reader_ok(struct meshvpn_node *n)
{
	return n == nd(1) || n == nd(2) || n == nd(3) || n == nd(4);
}

static int kt_reader_fn(void *arg)
{
	struct kt_reader *rd = arg;
	struct meshvpn_node *n;
	struct in6_addr a6;
	unsigned int i;
	__be32 a;

	while (!kthread_should_stop()) {
		for (i = 0; i < 256; i++) {
			u32 r = prandom_u32_state(&rd->rnd);

			rcu_read_lock();
			a = htonl(0x0a000000 | (r & 0xffffff));
			n = meshvpn_routes_lookup(&kt_routes, AF_INET, &a);
			if (!kt_reader_ok(n))
				rd->errors++;
			a = htonl(0x0b000000 | (r & 0xffffff));
			if (meshvpn_routes_lookup(&kt_routes, AF_INET, &a))
				rd->errors++;
			memset(&a6, 0, sizeof(a6));
			a6.s6_addr32[0] = htonl(0x20010db8);
			a6.s6_addr32[1] = htonl(r);
			a6.s6_addr32[3] = htonl(r);
			n = meshvpn_routes_lookup(&kt_routes, AF_INET6, &a6);
			if (!kt_reader_ok(n))
				rd->errors++;
			a6.s6_addr32[0] = htonl(0x20010db9);
			if (meshvpn_routes_lookup(&kt_routes, AF_INET6, &a6))
				rd->errors++;
			rcu_read_unlock();
			rd->lookups += 4;
		}
		cond_resched();
	}
	return 0;
}

static void test_route_concurrent(void)
{
	struct kt_reader rd[2] = {};
	unsigned int round, i, bad = 0;
	struct in6_addr a6 = {};
	__be32 a;

	CHECK_EQ(ins4("10.0.0.0", 8, nd(1)), 0);
	CHECK_EQ(ins6("2001:db8::", 32, nd(1)), 0);
	for (i = 0; i < ARRAY_SIZE(rd); i++) {
		prandom_seed_state(&rd[i].rnd, seed + i + 1);
		rd[i].task = kthread_run(kt_reader_fn, &rd[i], "mvktest-rd%u", i);
		if (IS_ERR(rd[i].task)) {
			CHECK(!IS_ERR(rd[i].task));
			rd[i].task = NULL;
		}
	}

	for (round = 0; round < 12; round++) {
		for (i = 0; i < 1500; i++) {
			a = htonl(0x0a000000 | (kt_rand() & 0xffff00));
			if (ins(AF_INET, &a, 24 + kt_rand() % 9, nd(2 + i % 2)))
				bad++;
			a6.s6_addr32[0] = htonl(0x20010db8);
			a6.s6_addr32[1] = (__force __be32)kt_rand();
			if (ins(AF_INET6, &a6, 64 + kt_rand() % 65, nd(2 + i % 2)))
				bad++;
		}
		/* Re-point the covering routes too. */
		CHECK_EQ(ins4("10.0.0.0", 8, nd(round % 2 ? 1 : 4)), 0);
		CHECK_EQ(ins6("2001:db8::", 32, nd(round % 2 ? 4 : 1)), 0);
		remove_node(nd(2));
		remove_node(nd(3));
		cond_resched();
	}
	CHECK_EQ(bad, 0);

	for (i = 0; i < ARRAY_SIZE(rd); i++) {
		if (!rd[i].task)
			continue;
		kthread_stop(rd[i].task);
		pr_info("# reader %u: %lu lookups, %lu wrong\n", i,
			rd[i].lookups, rd[i].errors);
		CHECK(rd[i].lookups > 0);
		CHECK_EQ(rd[i].errors, 0);
	}
	CHECK_EQ(meshvpn_routes_count(&kt_routes), 2);
	remove_node(nd(1));
	remove_node(nd(4));
	check_empty();
	routes_reset();
}

/* Replay window. */

static struct meshvpn_replay kt_replay;

#define KT_W	MESHVPN_REPLAY_WINDOW

static void test_replay_zero(void)
{
	meshvpn_replay_init(&kt_replay);
	CHECK(!meshvpn_replay_too_old(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, 0));
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
	CHECK(!meshvpn_replay_too_old(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
	CHECK(!meshvpn_replay_accept(&kt_replay, 1));

	/* 0 after a later counter is still within the window. */
	meshvpn_replay_init(&kt_replay);
	CHECK(meshvpn_replay_accept(&kt_replay, 5));
	CHECK(!meshvpn_replay_too_old(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, 0));
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
}

static void test_replay_in_order(void)
{
	unsigned int bad = 0;
	u64 c;

	meshvpn_replay_init(&kt_replay);
	for (c = 0; c < 20000; c++) {
		if (meshvpn_replay_too_old(&kt_replay, c) ||
		    !meshvpn_replay_accept(&kt_replay, c))
			bad++;
		/* Each counter twice in a row: the second is a replay. */
		if (meshvpn_replay_accept(&kt_replay, c))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(kt_replay.next, 20000);
	/* All of them again, later. */
	for (c = 0; c < 20000; c++)
		if (meshvpn_replay_accept(&kt_replay, c))
			bad++;
	CHECK_EQ(bad, 0);
}

static void test_replay_out_of_order(void)
{
	unsigned int bad = 0;
	u64 c, top = 5000;

	meshvpn_replay_init(&kt_replay);
	CHECK(meshvpn_replay_accept(&kt_replay, top));
	/* Everything down to the bottom of the window, backwards. */
	for (c = top - 1; c >= top - KT_W; c--) {
		if (meshvpn_replay_too_old(&kt_replay, c) ||
		    !meshvpn_replay_accept(&kt_replay, c))
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK(meshvpn_replay_too_old(&kt_replay, top - KT_W - 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, top - KT_W - 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
	for (c = top - KT_W; c <= top; c++)
		if (meshvpn_replay_accept(&kt_replay, c))
			bad++;
	CHECK_EQ(bad, 0);

	/*
	 * Interleaved: the even counters first, then the odd ones; those
	 * more than the window below the highest even one are refused.
	 */
	meshvpn_replay_init(&kt_replay);
	top = 100000 + 2 * KT_W - 2;
	for (c = 100000; c <= top; c += 2)
		if (!meshvpn_replay_accept(&kt_replay, c))
			bad++;
	for (c = 100001; c < top; c += 2)
		if (meshvpn_replay_accept(&kt_replay, c) != (c + KT_W >= top))
			bad++;
	CHECK_EQ(bad, 0);
}

static void test_replay_window_edge(void)
{
	u64 top = 10000;

	meshvpn_replay_init(&kt_replay);
	CHECK(meshvpn_replay_accept(&kt_replay, top));
	/* The window is the KT_W counters below the highest. */
	CHECK(!meshvpn_replay_too_old(&kt_replay, top - KT_W));
	CHECK(meshvpn_replay_too_old(&kt_replay, top - KT_W - 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, top - KT_W - 1));
	CHECK(meshvpn_replay_accept(&kt_replay, top - KT_W));
	CHECK(!meshvpn_replay_accept(&kt_replay, top - KT_W));
	/* One step up pushes top - KT_W out. */
	CHECK(meshvpn_replay_accept(&kt_replay, top + 1));
	CHECK(meshvpn_replay_too_old(&kt_replay, top - KT_W));
	CHECK(!meshvpn_replay_accept(&kt_replay, top + 1 - KT_W - 1));
	CHECK(meshvpn_replay_accept(&kt_replay, top + 1 - KT_W));

	/* Right after the first counter the window reaches below 0. */
	meshvpn_replay_init(&kt_replay);
	CHECK(meshvpn_replay_accept(&kt_replay, KT_W - 1));
	CHECK(meshvpn_replay_accept(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, KT_W));
	CHECK(meshvpn_replay_too_old(&kt_replay, 0) == false);
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, KT_W + 1));
	CHECK(meshvpn_replay_too_old(&kt_replay, 0));
}

/* Jumps of every interesting size, from every interesting bit position. */
static void test_replay_jumps(void)
{
	static const u64 starts[] = { 0, 1, 63, 64, 65, 127, 4095, 4096, 4097,
				      1000000 };
	static const u64 jumps[] = { 1, 2, 63, 64, 65, 127, 128, KT_W - 1, KT_W,
				     KT_W + 1, KT_W + 63, KT_W + 64, 2 * KT_W - 1, 2 * KT_W,
				     2 * KT_W + 1, 2 * KT_W + 64, 3 * KT_W + 5,
				     1000000, 1ULL << 40 };
	unsigned int s, j, bad = 0;
	u64 a, b, c;

	for (s = 0; s < ARRAY_SIZE(starts); s++) {
		for (j = 0; j < ARRAY_SIZE(jumps); j++) {
			a = starts[s];
			b = a + jumps[j];
			meshvpn_replay_init(&kt_replay);
			/* Fill the window below a completely. */
			for (c = a > KT_W ? a - KT_W : 0; c <= a; c++)
				meshvpn_replay_accept(&kt_replay, c);
			if (!meshvpn_replay_accept(&kt_replay, b))
				bad++;
			/*
			 * Every counter of the new window that was not
			 * accepted before must be fresh, including those
			 * sharing a ring slot with the old ones.
			 */
			for (c = b > KT_W ? b - KT_W : 0; c < b; c++) {
				bool old = c <= a;

				if (meshvpn_replay_accept(&kt_replay, c) == old) {
					if (bad++ < 3)
						pr_info("# start %llu jump %llu counter %llu\n",
							a, jumps[j], c);
				}
				if (meshvpn_replay_accept(&kt_replay, c))
					bad++;
			}
			if (b >= KT_W + 1 && !meshvpn_replay_too_old(&kt_replay, b - KT_W - 1))
				bad++;
			if (b >= KT_W + 1 && meshvpn_replay_accept(&kt_replay, b - KT_W - 1))
				bad++;
		}
		cond_resched();
	}
	CHECK_EQ(bad, 0);
}

/* A long stream with reordering, loss and duplicates vs. a model. */
#define KT_STREAM	300000
/* Counters the stream may reach; it stops early if it gets there. */
#define KT_STREAM_SPACE	BIT(23)

static void test_replay_random(void)
{
	unsigned int i, bad = 0, accepted = 0, rejected = 0;
	unsigned long *seen;
	u64 c, top = 0, sent = 0;
	bool any = false, want;

	seen = vzalloc(BITS_TO_LONGS(KT_STREAM_SPACE) * sizeof(long));
	if (!CHECK(seen))
		return;
	meshvpn_replay_init(&kt_replay);
	for (i = 0; i < KT_STREAM; i++) {
		u32 r = kt_rand();

		/* Mostly the next counter, sometimes a late or a repeated one. */
		switch (r % 16) {
		case 0 ... 9:
			c = sent++;
			break;
		case 10 ... 12:
			c = sent - min_t(u64, sent, (r >> 4) % (KT_W + KT_W / 2));
			break;
		case 13:
			c = sent - min_t(u64, sent, (r >> 4) % 8);
			break;
		case 14:
			/* Loss; now and then a lot of it. */
			sent += (r >> 4) % 64 ? (r >> 10) % 8 :
				(r >> 10) % (3 * KT_W);
			c = sent++;
			break;
		default:
			c = sent - min_t(u64, sent, KT_W - 2 + (r >> 4) % 5);
			break;
		}
		if (c >= KT_STREAM_SPACE)
			break;
		want = !test_bit(c, seen) && (!any || c + KT_W >= top);
		if (meshvpn_replay_too_old(&kt_replay, c) !=
		    (any && c + KT_W < top))
			bad++;
		if (meshvpn_replay_accept(&kt_replay, c) != want) {
			if (bad++ < 3)
				pr_info("# counter %llu top %llu: expected %d\n",
					c, top, want);
		}
		if (want) {
			__set_bit(c, seen);
			if (!any || c > top)
				top = c;
			any = true;
			accepted++;
		} else {
			rejected++;
		}
		if (i % 4096 == 0)
			cond_resched();
	}
	pr_info("# replay stream: %u accepted, %u rejected\n", accepted,
		rejected);
	CHECK_EQ(bad, 0);
	CHECK(accepted > KT_STREAM / 2 && rejected > KT_STREAM / 20);
	vfree(seen);
}

static void test_replay_reject_limit(void)
{
	const u64 lim = MESHVPN_REJECT_AFTER_MESSAGES;

	meshvpn_replay_init(&kt_replay);
	CHECK(meshvpn_replay_too_old(&kt_replay, lim));
	CHECK(meshvpn_replay_too_old(&kt_replay, U64_MAX));
	CHECK(!meshvpn_replay_accept(&kt_replay, lim));
	CHECK(!meshvpn_replay_accept(&kt_replay, U64_MAX));
	CHECK(!meshvpn_replay_accept(&kt_replay, U64_MAX - 1));
	CHECK_EQ(kt_replay.next, 0);
	/* Refusals did not move the window. */
	CHECK(meshvpn_replay_accept(&kt_replay, 0));

	CHECK(!meshvpn_replay_too_old(&kt_replay, lim - 1));
	CHECK(meshvpn_replay_accept(&kt_replay, lim - 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, lim - 1));
	CHECK(!meshvpn_replay_accept(&kt_replay, lim));
	CHECK(meshvpn_replay_too_old(&kt_replay, 0));
	CHECK(!meshvpn_replay_accept(&kt_replay, 0));
	CHECK(meshvpn_replay_accept(&kt_replay, lim - 1 - KT_W));
	CHECK(!meshvpn_replay_accept(&kt_replay, lim - 2 - KT_W));
	CHECK(meshvpn_replay_accept(&kt_replay, lim - 2));
	CHECK(!meshvpn_replay_accept(&kt_replay, U64_MAX));
}

static int __init meshvpn_ktest_init(void)
{
	unsigned int i;

	for (i = 0; i < KT_NODES; i++)
		kt_nodes[i].id = i;
	if (!seed)
		seed = get_random_u64() ?: 1;
	prandom_seed_state(&kt_rnd, seed);
	pr_info("# seed %llu\n", seed);
	pr_info("# sizes: route %zu, routes %zu, replay %zu bytes\n",
		sizeof(struct meshvpn_route), sizeof(struct meshvpn_routes),
		sizeof(struct meshvpn_replay));
	meshvpn_routes_init(&kt_routes);

	kt_run("route_empty", test_route_empty);
	kt_run("route_invalid", test_route_invalid);
	kt_run("route_lpm_v4", test_route_lpm_v4);
	kt_run("route_lpm_v6", test_route_lpm_v6);
	kt_run("route_default", test_route_default);
	kt_run("route_host", test_route_host);
	kt_run("route_repoint", test_route_repoint);
	kt_run("route_masking", test_route_masking);
	kt_run("route_remove", test_route_remove);
	kt_run("route_remove_by_node", test_route_remove_by_node);
	kt_run("route_skb", test_route_skb);
	kt_run("route_limit", test_route_limit);
	kt_run("route_free", test_route_free);
	kt_run("route_resize", test_route_resize);
	kt_run("route_walk", test_route_walk);
	kt_run("route_random", test_route_random);
	kt_run("route_concurrent", test_route_concurrent);

	kt_run("replay_zero", test_replay_zero);
	kt_run("replay_in_order", test_replay_in_order);
	kt_run("replay_out_of_order", test_replay_out_of_order);
	kt_run("replay_window_edge", test_replay_window_edge);
	kt_run("replay_jumps", test_replay_jumps);
	kt_run("replay_random", test_replay_random);
	kt_run("replay_reject_limit", test_replay_reject_limit);

	routes_reset();
	pr_info("%u passed, %u failed\n", kt_passed, kt_failed);
	return 0;
}

static void __exit meshvpn_ktest_exit(void)
{
	/*
	 * Nothing to do: the tests freed everything, the reader threads are
	 * stopped, and the frees still waiting for RCU run no module code.
	 */
}

module_init(meshvpn_ktest_init);
module_exit(meshvpn_ktest_exit);
MODULE_DESCRIPTION("meshvpn route table and replay window unit tests");
MODULE_LICENSE("GPL");
