/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_NODE_H
#define _MESHVPN_NODE_H

#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <net/dst_cache.h>

#include "crypto.h"
#include "ratelimit.h"

struct meshvpn_device;
struct meshvpn_node;

/**
 * struct meshvpn_endpoint - the outer address a node is reached at
 * @addr: IPv4 or IPv6 socket address; family AF_UNSPEC when unknown
 * @addr.sa: generic view of the address
 * @addr.sin: IPv4 address and port
 * @addr.sin6: IPv6 address, port and scope id
 */
struct meshvpn_endpoint {
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} addr;
};

/**
 * struct meshvpn_endpoint_entry - a node in the device's table by endpoint
 * @hnode: entry in the device's nodes_by_endpoint
 * @ep: the endpoint; never changes, so readers compare it without a lock
 * @node: the node reached at @ep
 * @rcu: deferred free: an endpoint move adds a new entry and frees the old
 *	one only after every reader that may stand on it has left
 */
struct meshvpn_endpoint_entry {
	struct hlist_node hnode;
	struct meshvpn_endpoint ep;
	struct meshvpn_node *node;
	struct rcu_head rcu;
};

/*
 * Per-node counters, in the order of their netlink attributes (the daemon's
 * two came later and follow the node's pad attribute).
 */
enum meshvpn_node_stat {
	MESHVPN_STAT_RX_BYTES,		/* inner bytes received */
	MESHVPN_STAT_RX_PACKETS,	/* inner packets received */
	MESHVPN_STAT_TX_BYTES,		/* inner bytes sent */
	MESHVPN_STAT_TX_PACKETS,	/* inner packets sent */
	MESHVPN_STAT_RX_DECRYPT_ERRORS,	/* tag did not verify, or no key */
	MESHVPN_STAT_RX_REPLAY_DROPS,	/* counter already seen or too old */
	MESHVPN_STAT_RX_RPF_DROPS,	/* inner source not routed to the node */
	MESHVPN_STAT_TX_NO_KEY_DROPS,	/* no key came in time */
	MESHVPN_STAT_RELAY_PACKETS,	/* messages relayed towards the node */
	MESHVPN_STAT_RELAY_BYTES,	/* bytes relayed towards the node */
	MESHVPN_STAT_DAEMON_PACKETS,	/* messages handed to the daemon */
	MESHVPN_STAT_DAEMON_DROPS,	/* ... that it could not take */
	MESHVPN_STAT_COUNT
};

/**
 * struct meshvpn_node_stats - per-CPU counters of one node
 * @syncp: consistent 64-bit reads on 32-bit machines
 * @v: the counters, indexed by enum meshvpn_node_stat
 */
struct meshvpn_node_stats {
	struct u64_stats_sync syncp;
	u64_stats_t v[MESHVPN_STAT_COUNT];
};

/**
 * struct meshvpn_job_queue - a node's crypto jobs of one direction
 * @lock: protects @jobs and @len
 * @jobs: the jobs, in submission order (struct meshvpn_crypt_job)
 * @len: number of entries in @jobs
 * @flags: bit 0 is held by the one CPU handing finished jobs on
 *
 * See parallel.c.
 */
struct meshvpn_job_queue {
	spinlock_t lock; /* see kernel-doc */
	struct list_head jobs;
	unsigned int len;
	unsigned long flags;
};

/**
 * struct meshvpn_node - a remote node of the mesh
 * @mv: the device the node belongs to
 * @id: the node's 48-bit id
 * @id_hnode: entry in the device's table by id
 * @ep_entry: entry in the device's table by endpoint, while it has one;
 *	changed under the device's endpoint_lock, read under RCU
 * @list: entry in the device's list of nodes (dumps, teardown)
 * @refcount: references from packets in flight and timers
 * @rcu: deferred free
 * @endpoint_lock: protects @endpoint and @dst_cache
 * @endpoint: where the node's messages go when it is its own next hop
 * @dst_cache: route to @endpoint
 * @next_hop: id of the node messages for this node are sent to
 * @broadcast_via: id of the node this node's broadcasts arrive from, the
 *	neighbour on the spanning tree towards it (its own id by default)
 * @keepalive: seconds of silence after which a keepalive is sent, 0 = never
 * @keys: the current and next key slots
 * @staged: packets waiting for a key
 * @staged_timer: drops @staged when no key comes in time
 * @last_rx: boot time (seconds) of the last authenticated message
 * @last_tx: jiffies of the last message sent, for keepalives
 * @keepalive_timer: sends keepalives
 * @key_needed_at: jiffies of the last key-needed notification
 * @moved_at: jiffies of the last endpoint-moved notification
 * @stats: per-CPU counters
 * @tx_jobs: encryption jobs in flight, in order
 * @rx_jobs: decryption jobs in flight, in order
 * @rx_off_path: those of @rx_jobs that did not come from the node's path
 * @upcall: budget of the messages from the node's endpoint passed up to the
 *	daemon (ratelimit.c)
 * @dead: unlinked from the device, no new work may start
 */
struct meshvpn_node {
	struct meshvpn_device *mv;
	u64 id;
	struct hlist_node id_hnode;
	struct meshvpn_endpoint_entry __rcu *ep_entry;
	struct list_head list;
	struct kref refcount;
	struct rcu_head rcu;
	spinlock_t endpoint_lock; /* see kernel-doc */
	struct meshvpn_endpoint endpoint;
	struct dst_cache dst_cache;
	u64 next_hop;
	u64 broadcast_via;
	u32 keepalive;
	struct meshvpn_keys keys;
	struct sk_buff_head staged;
	struct timer_list staged_timer;
	u64 last_rx;
	unsigned long last_tx;
	struct timer_list keepalive_timer;
	unsigned long key_needed_at;
	unsigned long moved_at;
	struct meshvpn_node_stats __percpu *stats;
	struct meshvpn_job_queue tx_jobs;
	struct meshvpn_job_queue rx_jobs;
	atomic_t rx_off_path;
	struct meshvpn_bucket upcall;
	bool dead;
};

/* How long packets without a key wait (MESHVPN_STAGED_PER_NODE of them). */
#define MESHVPN_STAGED_TIMEOUT		(5 * HZ)
/* At most one notification of a kind per node in this interval. */
#define MESHVPN_NOTIFY_INTERVAL		HZ

struct meshvpn_node *meshvpn_node_create(struct meshvpn_device *mv, u64 id);
void meshvpn_node_remove(struct meshvpn_node *node);
void meshvpn_node_remove_all(struct meshvpn_device *mv);
struct meshvpn_node *meshvpn_node_lookup(struct meshvpn_device *mv, u64 id);
struct meshvpn_node *meshvpn_node_lookup_endpoint(struct meshvpn_device *mv,
						  const struct sk_buff *skb);
struct meshvpn_node *meshvpn_node_get(struct meshvpn_node *node);
void meshvpn_node_put(struct meshvpn_node *node);

int meshvpn_node_set_endpoint(struct meshvpn_node *node,
			      const struct meshvpn_endpoint *ep, gfp_t gfp);
bool meshvpn_endpoint_from_skb(struct meshvpn_endpoint *ep,
			       const struct sk_buff *skb);
bool meshvpn_endpoint_eq(const struct meshvpn_endpoint *a,
			 const struct meshvpn_endpoint *b);
void meshvpn_node_set_keepalive(struct meshvpn_node *node, u32 seconds);
bool meshvpn_node_via_daemon(const struct meshvpn_node *node);

void meshvpn_node_stats_read(struct meshvpn_node *node,
			     u64 sum[MESHVPN_STAT_COUNT]);

static inline void meshvpn_node_count(struct meshvpn_node *node,
				      enum meshvpn_node_stat stat, u64 n)
{
	struct meshvpn_node_stats *s = get_cpu_ptr(node->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->v[stat], n);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(node->stats);
}

#endif /* _MESHVPN_NODE_H */
