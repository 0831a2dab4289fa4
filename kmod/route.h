/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The route table: inner IPv4 and IPv6 prefixes to the node that owns them,
 * longest prefix match. Lookups run under rcu_read_lock() without taking any
 * lock; every change is made under one mutex the caller owns and passes in.
 */
#ifndef _MESHVPN_ROUTE_H
#define _MESHVPN_ROUTE_H

#include <linux/bitops.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <linux/types.h>

#include <linux/meshvpn.h>

struct meshvpn_node;
struct meshvpn_route_table;

/* A device holds at most this many routes, IPv4 and IPv6 together. */
#define MESHVPN_MAX_ROUTES		MESHVPN_ROUTES_MAX

/* Longest prefix of either family; the bitmaps below cover 0..this. */
#define MESHVPN_ROUTE_MAX_PREFIX	128

/**
 * struct meshvpn_route_family - the routes of one address family
 * @table: hash table of every route of the family, keyed by prefix length
 *	and masked address; NULL until the first route
 * @used: bit n is set while at least one route has prefix length n, so a
 *	lookup probes only the lengths in use, longest first
 * @per_len: number of routes of each prefix length, to maintain @used
 * @count: number of routes of the family
 * @resize_state: RCU grace-period cookie taken when @table was installed;
 *	the next resize waits for it (see meshvpn_route_resize())
 */
struct meshvpn_route_family {
	struct meshvpn_route_table __rcu *table;
	unsigned long used[BITS_TO_LONGS(MESHVPN_ROUTE_MAX_PREFIX + 1)];
	u32 per_len[MESHVPN_ROUTE_MAX_PREFIX + 1];
	u32 count;
	unsigned long resize_state;
};

/**
 * struct meshvpn_routes - the route table of one device
 * @v4: IPv4 routes
 * @v6: IPv6 routes
 * @by_node: every route ordered by (node, route), so that all routes of a
 *	node are found without scanning the table; writers only
 * @count: number of routes of both families
 * @generation: changes with every insert, re-point and removal; never 0,
 *	so it can serve as netlink_callback.seq for NLM_F_DUMP_INTR
 *
 * Embed it in the device, initialise it with meshvpn_routes_init() and
 * release it with meshvpn_routes_free().
 */
struct meshvpn_routes {
	struct meshvpn_route_family v4;
	struct meshvpn_route_family v6;
	struct rb_root by_node;
	u32 count;
	u32 generation;
};

/**
 * struct meshvpn_route_info - one route, as meshvpn_routes_next() reports it
 * @node: the node the prefix routes to
 * @addr: the prefix, host bits zero; @addr.ip4 for AF_INET, @addr.ip6 for
 *	AF_INET6
 * @addr.ip4: IPv4 prefix
 * @addr.ip6: IPv6 prefix
 * @family: AF_INET or AF_INET6
 * @prefix_len: prefix length
 */
struct meshvpn_route_info {
	struct meshvpn_node *node;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} addr;
	u16 family;
	u8 prefix_len;
};

void meshvpn_routes_init(struct meshvpn_routes *routes);
void meshvpn_routes_free(struct meshvpn_routes *routes, struct mutex *lock);

int meshvpn_routes_insert(struct meshvpn_routes *routes, int family,
			  const void *addr, u8 prefix_len,
			  struct meshvpn_node *node, struct mutex *lock);
int meshvpn_routes_remove(struct meshvpn_routes *routes, int family,
			  const void *addr, u8 prefix_len,
			  struct meshvpn_node *only_if_node, struct mutex *lock);
void
meshvpn_routes_remove_by_node(struct meshvpn_routes *routes,
			      struct meshvpn_node *node, struct mutex *lock);

struct meshvpn_node *meshvpn_routes_lookup(struct meshvpn_routes *routes,
					   int family, const void *addr);
struct meshvpn_node *meshvpn_routes_lookup_dst(struct meshvpn_routes *routes,
					       const struct sk_buff *skb);
struct meshvpn_node *meshvpn_routes_lookup_src(struct meshvpn_routes *routes,
					       const struct sk_buff *skb);
bool meshvpn_inner_is_broadcast(const struct sk_buff *skb);

bool meshvpn_routes_next(struct meshvpn_routes *routes, u64 *pos,
			 struct meshvpn_route_info *info, struct mutex *lock);

/**
 * meshvpn_routes_count() - number of routes of both families
 * @routes: the table
 *
 * Return: the count; without the lock it may be stale by the time it is used.
 */
static inline u32 meshvpn_routes_count(const struct meshvpn_routes *routes)
{
	return READ_ONCE(routes->count);
}

/**
 * meshvpn_routes_generation() - the table's change generation
 * @routes: the table
 *
 * A dump stores this in netlink_callback.seq before each message and calls
 * nl_dump_check_consistent(), which sets NLM_F_DUMP_INTR when the table
 * changed since the previous message.
 *
 * Return: the generation, never 0.
 */
static inline u32 meshvpn_routes_generation(const struct meshvpn_routes *routes)
{
	return READ_ONCE(routes->generation);
}

#endif /* _MESHVPN_ROUTE_H */
