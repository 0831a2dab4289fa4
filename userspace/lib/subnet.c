// SPDX-License-Identifier: GPL-2.0
/*
 * tinc-compatible Subnet parsing, formatting, ordering, and the
 * longest-prefix-match table used to route packets to owners.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/crypto.h>

#include "lib/subnet.h"

/* Longer input cannot be valid; the bound keeps parsing on the stack. */
#define SUBNET_MAX_INPUT	127

size_t mv_subnet_addr_len(enum mv_subnet_type type)
{
	switch (type) {
	case MV_SUBNET_MAC:
		return 6;
	case MV_SUBNET_IPV4:
		return 4;
	case MV_SUBNET_IPV6:
		return 16;
	}
	return 0;
}

unsigned int mv_subnet_max_prefix(enum mv_subnet_type type)
{
	return mv_subnet_addr_len(type) * 8;
}

static const char *type_name(enum mv_subnet_type type)
{
	switch (type) {
	case MV_SUBNET_MAC:
		return "MAC";
	case MV_SUBNET_IPV4:
		return "IPv4";
	case MV_SUBNET_IPV6:
		return "IPv6";
	}
	return "?";
}

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Copy the first @plen bits of @src; everything after them is zeroed. */
static void mask_addr(uint8_t dst[16], const void *src, size_t alen,
		      unsigned int plen)
{
	size_t full = plen / 8;

	memset(dst, 0, 16);
	memcpy(dst, src, alen);
	if (full < 16) {
		dst[full] &= (uint8_t)(0xff00u >> (plen % 8));
		memset(dst + full + 1, 0, 16 - full - 1);
	}
}

static bool subnet_valid(const struct mv_subnet *s)
{
	size_t alen = mv_subnet_addr_len(s->type);
	uint8_t masked[16];

	if (!alen)
		return false;
	if (s->type == MV_SUBNET_MAC ? s->prefixlen != 48
				     : s->prefixlen > alen * 8)
		return false;
	mask_addr(masked, s->addr, alen, s->prefixlen);
	return !memcmp(masked, s->addr, sizeof(masked));
}

/* Strict decimal: digits only (optionally one leading '-'), no spaces. */
static bool parse_decimal(const char *s, bool allow_neg, long long min,
			  long long max, long long *out)
{
	bool neg = false;
	long long v = 0;

	if (allow_neg && *s == '-') {
		neg = true;
		s++;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		/* Every accepted range fits far below this bound. */
		if (v > (1LL << 40))
			return false;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/*
 * Six groups of one or two hex digits. Six groups without "::" can never
 * be IPv6, so trying MAC first is unambiguous.
 */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	for (i = 0; i < 6; i++) {
		int hi = OPENSSL_hexchar2int((unsigned char)s[0]), lo;

		if (hi < 0)
			return false;
		lo = OPENSSL_hexchar2int((unsigned char)s[1]);
		if (lo >= 0) {
			mac[i] = (uint8_t)(hi << 4 | lo);
			s += 2;
		} else {
			mac[i] = (uint8_t)hi;
			s += 1;
		}
		if (i < 5 && *s++ != ':')
			return false;
	}
	return *s == '\0';
}

int mv_subnet_parse(const char *str, struct mv_subnet *out,
		    char *err, size_t errlen)
{
	char buf[SUBNET_MAX_INPUT + 1];
	char *hash, *slash;
	struct mv_subnet s = { .weight = MV_SUBNET_DEFAULT_WEIGHT };
	long long v;
	bool have_prefix = false;
	size_t len;
	unsigned int max;
	uint8_t masked[16];
	char hint[MV_SUBNET_STRLEN];

	if (!str || !*str) {
		set_err(err, errlen, "empty subnet");
		return -EINVAL;
	}
	len = strnlen(str, sizeof(buf));
	if (len > SUBNET_MAX_INPUT) {
		set_err(err, errlen, "subnet too long");
		return -EINVAL;
	}
	memcpy(buf, str, len + 1);

	hash = strchr(buf, '#');
	if (hash) {
		*hash = '\0';
		if (!parse_decimal(hash + 1, true, INT_MIN, INT_MAX, &v)) {
			set_err(err, errlen,
				"invalid weight \"%s\" (expected an integer)",
				hash + 1);
			return -EINVAL;
		}
		s.weight = (int)v;
	}

	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (strlen(slash + 1) > 3 ||
		    !parse_decimal(slash + 1, false, 0, 999, &v)) {
			set_err(err, errlen,
				"invalid prefix length \"%s\"", slash + 1);
			return -EINVAL;
		}
		s.prefixlen = (unsigned int)v;
		have_prefix = true;
	}

	if (!buf[0]) {
		set_err(err, errlen, "missing address");
		return -EINVAL;
	}

	if (parse_mac(buf, s.addr)) {
		if (have_prefix) {
			set_err(err, errlen,
				"a MAC address subnet cannot have a prefix length");
			return -EINVAL;
		}
		s.type = MV_SUBNET_MAC;
		s.prefixlen = 48;
	} else if (strchr(buf, ':')) {
		if (inet_pton(AF_INET6, buf, s.addr) != 1) {
			set_err(err, errlen, "invalid IPv6 address \"%s\"", buf);
			return -EINVAL;
		}
		s.type = MV_SUBNET_IPV6;
	} else {
		if (inet_pton(AF_INET, buf, s.addr) != 1) {
			set_err(err, errlen,
				"invalid address \"%s\" (not IPv4, IPv6 or MAC)",
				buf);
			return -EINVAL;
		}
		s.type = MV_SUBNET_IPV4;
	}

	max = mv_subnet_max_prefix(s.type);
	if (!have_prefix)
		s.prefixlen = max;
	if (s.prefixlen > max) {
		set_err(err, errlen,
			"prefix length %u is too long for %s (maximum %u)",
			s.prefixlen, type_name(s.type), max);
		return -EINVAL;
	}

	mask_addr(masked, s.addr, mv_subnet_addr_len(s.type), s.prefixlen);
	if (memcmp(masked, s.addr, sizeof(masked))) {
		struct mv_subnet fixed = s;

		memcpy(fixed.addr, masked, sizeof(masked));
		mv_subnet_format(&fixed, hint, sizeof(hint),
				 MV_SUBNET_FMT_NO_WEIGHT);
		set_err(err, errlen,
			"network address and prefix length do not match: host bits are set beyond /%u (did you mean %s?)",
			s.prefixlen, hint);
		return -EINVAL;
	}

	*out = s;
	return 0;
}

int mv_subnet_init(struct mv_subnet *out, enum mv_subnet_type type,
		   const void *addr, unsigned int prefixlen, int weight)
{
	struct mv_subnet s = {
		.type = type,
		.prefixlen = prefixlen,
		.weight = weight,
	};
	size_t alen = mv_subnet_addr_len(type);

	if (!alen || !addr)
		return -EINVAL;
	memcpy(s.addr, addr, alen);
	if (!subnet_valid(&s))
		return -EINVAL;
	*out = s;
	return 0;
}

int mv_subnet_format(const struct mv_subnet *s, char *buf, size_t len,
		     unsigned int flags)
{
	char addr[INET6_ADDRSTRLEN];
	char plen[8] = "", weight[16] = "";
	bool full = flags & MV_SUBNET_FMT_FULL;

	if (!subnet_valid(s))
		return -EINVAL;

	switch (s->type) {
	case MV_SUBNET_MAC:
		snprintf(addr, sizeof(addr),
			 "%02x:%02x:%02x:%02x:%02x:%02x",
			 s->addr[0], s->addr[1], s->addr[2],
			 s->addr[3], s->addr[4], s->addr[5]);
		break;
	case MV_SUBNET_IPV4:
		inet_ntop(AF_INET, s->addr, addr, sizeof(addr));
		break;
	case MV_SUBNET_IPV6:
		inet_ntop(AF_INET6, s->addr, addr, sizeof(addr));
		break;
	}

	if (s->type != MV_SUBNET_MAC &&
	    (full || s->prefixlen != mv_subnet_max_prefix(s->type)))
		snprintf(plen, sizeof(plen), "/%u", s->prefixlen);
	if (!(flags & MV_SUBNET_FMT_NO_WEIGHT) &&
	    (full || s->weight != MV_SUBNET_DEFAULT_WEIGHT))
		snprintf(weight, sizeof(weight), "#%d", s->weight);

	return snprintf(buf, len, "%s%s%s", addr, plen, weight);
}

int mv_subnet_cmp(const struct mv_subnet *a, const struct mv_subnet *b)
{
	int r;

	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen > b->prefixlen ? -1 : 1;
	r = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (r)
		return r < 0 ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	return 0;
}

bool mv_subnet_contains(const struct mv_subnet *s, enum mv_subnet_type type,
			const void *addr)
{
	size_t alen = mv_subnet_addr_len(type);
	uint8_t masked[16];

	if (!alen || s->type != type)
		return false;
	mask_addr(masked, addr, alen, s->prefixlen);
	return !memcmp(masked, s->addr, sizeof(masked));
}

/* ---- longest-prefix-match table ---- */

struct subnet_node {
	struct subnet_node *next;
	struct mv_subnet_route route;
	/* Insertion order, the last tie-breaker. */
	uint64_t seq;
};

struct mv_subnet_table {
	struct subnet_node **buckets;
	size_t nbuckets;		/* a power of two */
	size_t count;
	uint64_t seq;
	uint64_t seed;
	/* Entries per (type, prefix length): which lengths lookup tries. */
	size_t plen_count[3][129];
};

#define TABLE_MIN_BUCKETS	16

static size_t type_index(enum mv_subnet_type type)
{
	return (size_t)type - MV_SUBNET_MAC;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* @net must already be masked to @plen. */
static size_t bucket_of(const struct mv_subnet_table *t,
			enum mv_subnet_type type, unsigned int plen,
			const uint8_t net[16])
{
	uint64_t a, b, h;

	memcpy(&a, net, 8);
	memcpy(&b, net + 8, 8);
	h = mix64(t->seed ^ a);
	h = mix64(h ^ b);
	h = mix64(h ^ ((uint64_t)type << 16 | plen));
	return (size_t)h & (t->nbuckets - 1);
}

static size_t bucket_of_subnet(const struct mv_subnet_table *t,
			       const struct mv_subnet *s)
{
	return bucket_of(t, s->type, s->prefixlen, s->addr);
}

static bool same_network(const struct mv_subnet *s, enum mv_subnet_type type,
			 unsigned int plen, const uint8_t net[16])
{
	return s->type == type && s->prefixlen == plen &&
	       !memcmp(s->addr, net, 16);
}

static uint64_t table_seed(const void *t)
{
	uint64_t seed;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	/* Early boot without entropy: degrade to a guessable seed rather
	 * than failing; collisions only cost speed, never correctness.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return mix64((uint64_t)(uintptr_t)t ^ (uint64_t)ts.tv_nsec ^
		     ((uint64_t)ts.tv_sec << 32));
}

struct mv_subnet_table *mv_subnet_table_new(void)
{
	struct mv_subnet_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = TABLE_MIN_BUCKETS;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return NULL;
	}
	t->seed = table_seed(t);
	return t;
}

void mv_subnet_table_free(struct mv_subnet_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nbuckets; i++) {
		struct subnet_node *n = t->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(t->buckets);
	free(t);
}

/* Double the bucket array; on allocation failure keep the old one, which
 * still works, only with longer chains.
 */
static void table_grow(struct mv_subnet_table *t)
{
	size_t newn = t->nbuckets * 2, i;
	struct subnet_node **nb, **old = t->buckets;
	size_t oldn = t->nbuckets;

	nb = calloc(newn, sizeof(*nb));
	if (!nb)
		return;
	t->buckets = nb;
	t->nbuckets = newn;
	for (i = 0; i < oldn; i++) {
		struct subnet_node *n = old[i], *next;

		for (; n; n = next) {
			size_t b = bucket_of_subnet(t, &n->route.subnet);

			next = n->next;
			n->next = nb[b];
			nb[b] = n;
		}
	}
	free(old);
}

static struct subnet_node **find_exact(const struct mv_subnet_table *t,
				       const struct mv_subnet *s,
				       const void *owner)
{
	struct subnet_node **pp = &t->buckets[bucket_of_subnet(t, s)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->route.owner == owner &&
		    !mv_subnet_cmp(&(*pp)->route.subnet, s))
			return pp;
	return NULL;
}

void *mv_subnet_table_other_owner(const struct mv_subnet_table *t,
				  const struct mv_subnet *s,
				  const void *owner)
{
	const struct subnet_node *n = t->buckets[bucket_of_subnet(t, s)];

	for (; n; n = n->next)
		if (n->route.owner != owner &&
		    same_network(&n->route.subnet, s->type, s->prefixlen,
				 s->addr))
			return n->route.owner;
	return NULL;
}

int mv_subnet_table_add(struct mv_subnet_table *t, const struct mv_subnet *s,
			void *owner)
{
	struct subnet_node *n;
	size_t b;

	if (!subnet_valid(s))
		return -EINVAL;
	if (find_exact(t, s, owner))
		return -EEXIST;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->route.subnet = *s;
	n->route.owner = owner;
	n->seq = t->seq++;
	b = bucket_of_subnet(t, s);
	n->next = t->buckets[b];
	t->buckets[b] = n;
	t->count++;
	t->plen_count[type_index(s->type)][s->prefixlen]++;
	if (t->count > t->nbuckets)
		table_grow(t);
	return 0;
}

static void unlink_node(struct mv_subnet_table *t, struct subnet_node **pp)
{
	struct subnet_node *n = *pp;
	const struct mv_subnet *s = &n->route.subnet;

	*pp = n->next;
	t->count--;
	t->plen_count[type_index(s->type)][s->prefixlen]--;
	free(n);
}

int mv_subnet_table_del(struct mv_subnet_table *t, const struct mv_subnet *s,
			void *owner)
{
	struct subnet_node **pp;

	if (!subnet_valid(s))
		return -ENOENT;
	pp = find_exact(t, s, owner);
	if (!pp)
		return -ENOENT;
	unlink_node(t, pp);
	return 0;
}

size_t mv_subnet_table_del_owner(struct mv_subnet_table *t, const void *owner)
{
	size_t i, removed = 0;

	for (i = 0; i < t->nbuckets; i++) {
		struct subnet_node **pp = &t->buckets[i];

		while (*pp) {
			if ((*pp)->route.owner == owner) {
				unlink_node(t, pp);
				removed++;
			} else {
				pp = &(*pp)->next;
			}
		}
	}
	return removed;
}

bool mv_subnet_table_has(const struct mv_subnet_table *t,
			 const struct mv_subnet *s, const void *owner)
{
	return subnet_valid(s) && find_exact(t, s, owner);
}

size_t mv_subnet_table_count(const struct mv_subnet_table *t)
{
	return t->count;
}

static bool better(const struct subnet_node *a, const struct subnet_node *b)
{
	if (!b)
		return true;
	if (a->route.subnet.weight != b->route.subnet.weight)
		return a->route.subnet.weight < b->route.subnet.weight;
	return a->seq < b->seq;
}

const struct mv_subnet_route *
mv_subnet_table_lookup(const struct mv_subnet_table *t,
		       enum mv_subnet_type type, const void *addr,
		       bool (*usable)(void *owner, void *ctx), void *ctx)
{
	size_t alen = mv_subnet_addr_len(type);
	const size_t *counts;
	unsigned int plen;
	uint8_t net[16];

	if (!alen || !addr)
		return NULL;
	counts = t->plen_count[type_index(type)];
	for (plen = alen * 8 + 1; plen-- > 0;) {
		const struct subnet_node *n, *best = NULL;

		if (!counts[plen])
			continue;
		mask_addr(net, addr, alen, plen);
		n = t->buckets[bucket_of(t, type, plen, net)];
		for (; n; n = n->next) {
			if (!same_network(&n->route.subnet, type, plen, net))
				continue;
			if (!better(n, best))
				continue;
			if (usable && !usable(n->route.owner, ctx))
				continue;
			best = n;
		}
		if (best)
			return &best->route;
	}
	return NULL;
}

static int node_cmp(const void *pa, const void *pb)
{
	const struct subnet_node *a = *(const struct subnet_node *const *)pa;
	const struct subnet_node *b = *(const struct subnet_node *const *)pb;
	int r = mv_subnet_cmp(&a->route.subnet, &b->route.subnet);

	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int mv_subnet_table_foreach(const struct mv_subnet_table *t,
			    int (*fn)(const struct mv_subnet_route *r,
				      void *ctx),
			    void *ctx)
{
	const struct subnet_node **all;
	size_t i, k = 0;
	int ret = 0;

	if (!t->count)
		return 0;
	all = malloc(t->count * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < t->nbuckets; i++) {
		const struct subnet_node *n;

		for (n = t->buckets[i]; n; n = n->next)
			all[k++] = n;
	}
	qsort(all, k, sizeof(*all), node_cmp);
	for (i = 0; i < k && !ret; i++)
		ret = fn(&all[i]->route, ctx);
	free(all);
	return ret;
}
