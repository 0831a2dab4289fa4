// SPDX-License-Identifier: GPL-2.0
/*
 * Nodes: the remote members of the mesh that this device knows. Each has an
 * id, an endpoint if it is reached directly, a next hop (itself or a relay),
 * two key slots, a small queue for packets waiting for a key, and counters.
 * Readers find nodes under RCU; changes come from netlink under the device's
 * update_lock, except endpoint moves, which the receive path makes.
 */

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>

#include "compat.h"
#include "device.h"
#include "node.h"
#include "parallel.h"
#include "send.h"

static u32 meshvpn_id_hash(u64 id)
{
	return hash_64(id, MESHVPN_NODE_HASH_BITS);
}

static u32 meshvpn_endpoint_hash(const struct meshvpn_endpoint *ep)
{
	if (ep->addr.sa.sa_family == AF_INET)
		return jhash_2words((__force u32)ep->addr.sin.sin_addr.s_addr,
				    (__force u32)ep->addr.sin.sin_port, 0);
	return jhash2((const u32 *)&ep->addr.sin6.sin6_addr, 4,
		      (__force u32)ep->addr.sin6.sin6_port);
}

bool meshvpn_endpoint_eq(const struct meshvpn_endpoint *a,
			 const struct meshvpn_endpoint *b)
{
	if (a->addr.sa.sa_family != b->addr.sa.sa_family)
		return false;
	if (a->addr.sa.sa_family == AF_INET)
		return a->addr.sin.sin_addr.s_addr == b->addr.sin.sin_addr.s_addr &&
		       a->addr.sin.sin_port == b->addr.sin.sin_port;
	if (a->addr.sa.sa_family == AF_INET6)
		return ipv6_addr_equal(&a->addr.sin6.sin6_addr,
				       &b->addr.sin6.sin6_addr) &&
		       a->addr.sin6.sin6_port == b->addr.sin6.sin6_port;
	return false;
}

/**
 * meshvpn_endpoint_from_skb() - the outer source of a received message
 * @ep: filled with the source address and port
 * @skb: a UDP packet with its network and transport headers set
 *
 * An IPv4-mapped IPv6 source (dual-stack socket) is stored as IPv4, so it
 * compares equal to an endpoint configured as IPv4.
 *
 * Return: false when the packet is neither IPv4 nor IPv6.
 */
bool meshvpn_endpoint_from_skb(struct meshvpn_endpoint *ep,
			       const struct sk_buff *skb)
{
	const struct udphdr *uh = udp_hdr(skb);

	memset(ep, 0, sizeof(*ep));
	if (ip_hdr(skb)->version == 4) {
		ep->addr.sin.sin_family = AF_INET;
		ep->addr.sin.sin_addr.s_addr = ip_hdr(skb)->saddr;
		ep->addr.sin.sin_port = uh->source;
		return true;
	}
	if (ip_hdr(skb)->version == 6) {
		const struct in6_addr *saddr = &ipv6_hdr(skb)->saddr;

		if (ipv6_addr_v4mapped(saddr)) {
			ep->addr.sin.sin_family = AF_INET;
			ep->addr.sin.sin_addr.s_addr = saddr->s6_addr32[3];
			ep->addr.sin.sin_port = uh->source;
			return true;
		}
		ep->addr.sin6.sin6_family = AF_INET6;
		ep->addr.sin6.sin6_addr = *saddr;
		ep->addr.sin6.sin6_port = uh->source;
		if (ipv6_addr_type(saddr) & IPV6_ADDR_LINKLOCAL)
			ep->addr.sin6.sin6_scope_id = inet6_iif(skb);
		return true;
	}
	return false;
}

static void meshvpn_node_free_rcu(struct rcu_head *rcu)
{
	struct meshvpn_node *node = container_of(rcu, struct meshvpn_node, rcu);

	dst_cache_destroy(&node->dst_cache);
	free_percpu(node->stats);
	kfree(node);
}

static void meshvpn_node_release(struct kref *ref)
{
	struct meshvpn_node *node = container_of(ref, struct meshvpn_node,
						 refcount);

	call_rcu(&node->rcu, meshvpn_node_free_rcu);
}

struct meshvpn_node *meshvpn_node_get(struct meshvpn_node *node)
{
	if (node && kref_get_unless_zero(&node->refcount))
		return node;
	return NULL;
}

void meshvpn_node_put(struct meshvpn_node *node)
{
	if (node)
		kref_put(&node->refcount, meshvpn_node_release);
}

/* Packets waited too long for a key: drop them and count. */
static void meshvpn_node_staged_expire(struct timer_list *t)
{
	struct meshvpn_node *node = from_timer(node, t, staged_timer);
	u32 dropped = skb_queue_len(&node->staged);

	skb_queue_purge(&node->staged);
	if (dropped)
		meshvpn_node_count(node, MESHVPN_STAT_TX_NO_KEY_DROPS, dropped);
}

static void meshvpn_node_keepalive_fire(struct timer_list *t)
{
	struct meshvpn_node *node = from_timer(node, t, keepalive_timer);
	u32 interval = READ_ONCE(node->keepalive);

	if (!interval || READ_ONCE(node->dead))
		return;
	if (time_after_eq(jiffies, READ_ONCE(node->last_tx) + interval * HZ))
		meshvpn_send_keepalive(node);
	mod_timer(&node->keepalive_timer, jiffies + interval * HZ);
}

/**
 * meshvpn_node_create() - add a node to a device
 * @mv: the device, update_lock held
 * @id: the new node's id; the caller checked it is not in use
 *
 * Return: the node (owned by the device), or an ERR_PTR.
 */
struct meshvpn_node *meshvpn_node_create(struct meshvpn_device *mv, u64 id)
{
	struct meshvpn_node *node;
	int ret;

	lockdep_assert_held(&mv->update_lock);
	if (mv->node_count >= MESHVPN_NODES_MAX) {
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_NODES);
		return ERR_PTR(-ENOSPC);
	}

	node = kzalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return ERR_PTR(-ENOMEM);
	node->stats = netdev_alloc_pcpu_stats(struct meshvpn_node_stats);
	if (!node->stats) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = dst_cache_init(&node->dst_cache, GFP_KERNEL);
	if (ret)
		goto err_stats;

	node->mv = mv;
	node->id = id;
	node->next_hop = id;
	node->broadcast_via = id;
	/*
	 * A new node may notify at once. Zero would not do: jiffies start
	 * near the wrap, so on 32-bit "0 + interval" can lie in the future.
	 */
	node->key_needed_at = jiffies - MESHVPN_NOTIFY_INTERVAL - 1;
	node->moved_at = node->key_needed_at;
	kref_init(&node->refcount);
	spin_lock_init(&node->endpoint_lock);
	meshvpn_bucket_init(&node->upcall);
	meshvpn_keys_init(&node->keys);
	skb_queue_head_init(&node->staged);
	meshvpn_job_queue_init(&node->tx_jobs);
	meshvpn_job_queue_init(&node->rx_jobs);
	timer_setup(&node->staged_timer, meshvpn_node_staged_expire, 0);
	timer_setup(&node->keepalive_timer, meshvpn_node_keepalive_fire, 0);

	hash_add_rcu(mv->nodes_by_id, &node->id_hnode, meshvpn_id_hash(id));
	list_add_tail(&node->list, &mv->nodes);
	mv->node_count++;
	mv->generation++;
	return node;

err_stats:
	free_percpu(node->stats);
err_free:
	kfree(node);
	return ERR_PTR(ret);
}

/**
 * meshvpn_node_remove() - unlink a node and drop the device's reference
 * @node: the node; the device's update_lock is held
 *
 * Its routes, keys, queued packets and timers go with it. Packets in flight
 * keep the memory alive until they finish.
 */
void meshvpn_node_remove(struct meshvpn_node *node)
{
	struct meshvpn_endpoint_entry *entry;
	struct meshvpn_device *mv = node->mv;

	lockdep_assert_held(&mv->update_lock);
	WRITE_ONCE(node->dead, true);
	meshvpn_routes_remove_by_node(&mv->routes, node, &mv->update_lock);
	hash_del_rcu(&node->id_hnode);
	spin_lock_bh(&mv->endpoint_lock);
	entry = rcu_replace_pointer(node->ep_entry, NULL,
				    lockdep_is_held(&mv->endpoint_lock));
	if (entry) {
		hash_del_rcu(&entry->hnode);
		kfree_rcu(entry, rcu);
	}
	spin_unlock_bh(&mv->endpoint_lock);
	list_del(&node->list);
	mv->node_count--;
	mv->generation++;

	timer_shutdown_sync(&node->staged_timer);
	timer_shutdown_sync(&node->keepalive_timer);
	skb_queue_purge(&node->staged);
	meshvpn_keys_clear(&node->keys);
	meshvpn_node_put(node);
}

void meshvpn_node_remove_all(struct meshvpn_device *mv)
{
	struct meshvpn_node *node, *tmp;

	lockdep_assert_held(&mv->update_lock);
	list_for_each_entry_safe(node, tmp, &mv->nodes, list)
		meshvpn_node_remove(node);
}

/**
 * meshvpn_node_lookup() - find a node by id
 * @mv: the device
 * @id: the node id
 *
 * Caller holds rcu_read_lock() or the update_lock.
 *
 * Return: the node or NULL.
 */
struct meshvpn_node *meshvpn_node_lookup(struct meshvpn_device *mv, u64 id)
{
	struct meshvpn_node *node;

	hash_for_each_possible_rcu(mv->nodes_by_id, node, id_hnode,
				   meshvpn_id_hash(id),
				   lockdep_is_held(&mv->update_lock)) {
		if (node->id == id)
			return node;
	}
	return NULL;
}

/**
 * meshvpn_node_lookup_endpoint() - the node whose endpoint a message came from
 * @mv: the device
 * @skb: the received UDP packet
 *
 * Caller holds rcu_read_lock().
 *
 * Return: the node or NULL.
 */
struct meshvpn_node *meshvpn_node_lookup_endpoint(struct meshvpn_device *mv,
						  const struct sk_buff *skb)
{
	struct meshvpn_endpoint_entry *entry;
	struct meshvpn_endpoint ep;

	if (!meshvpn_endpoint_from_skb(&ep, skb))
		return NULL;
	hash_for_each_possible_rcu(mv->nodes_by_endpoint, entry, hnode,
				   meshvpn_endpoint_hash(&ep)) {
		if (meshvpn_endpoint_eq(&entry->ep, &ep))
			return entry->node;
	}
	return NULL;
}

/**
 * meshvpn_node_set_endpoint() - change where a node is reached
 * @node: the node
 * @ep: the new endpoint; family AF_UNSPEC clears it
 * @gfp: GFP_ATOMIC from the receive path (softirq), else GFP_KERNEL
 *
 * Readers walk the table by endpoint under RCU only. An entry that moved to
 * another bucket in place would lead a reader standing on it into the
 * wrong chain, where it misses the nodes behind it, and an endpoint
 * changed in place could be read half written. So a move links a new
 * entry and frees the old one after a grace period.
 *
 * Return: 0, or -ENOMEM (then nothing changed).
 */
int meshvpn_node_set_endpoint(struct meshvpn_node *node,
			      const struct meshvpn_endpoint *ep, gfp_t gfp)
{
	struct meshvpn_endpoint_entry *entry = NULL, *old;
	struct meshvpn_device *mv = node->mv;

	if (ep->addr.sa.sa_family != AF_UNSPEC) {
		entry = kmalloc(sizeof(*entry), gfp);
		if (!entry)
			return -ENOMEM;
		entry->ep = *ep;
		entry->node = node;
	}

	spin_lock_bh(&mv->endpoint_lock);
	if (READ_ONCE(node->dead)) {
		spin_unlock_bh(&mv->endpoint_lock);
		kfree(entry);
		return 0;
	}
	if (entry)
		hash_add_rcu(mv->nodes_by_endpoint, &entry->hnode,
			     meshvpn_endpoint_hash(ep));
	old = rcu_replace_pointer(node->ep_entry, entry,
				  lockdep_is_held(&mv->endpoint_lock));
	if (old) {
		hash_del_rcu(&old->hnode);
		kfree_rcu(old, rcu);
	}
	spin_lock(&node->endpoint_lock);
	node->endpoint = *ep;
	dst_cache_reset(&node->dst_cache);
	spin_unlock(&node->endpoint_lock);
	spin_unlock_bh(&mv->endpoint_lock);
	return 0;
}

void meshvpn_node_set_keepalive(struct meshvpn_node *node, u32 seconds)
{
	WRITE_ONCE(node->keepalive, seconds);
	if (seconds)
		mod_timer(&node->keepalive_timer, jiffies + seconds * HZ);
	else
		timer_delete(&node->keepalive_timer);
}

void meshvpn_node_stats_read(struct meshvpn_node *node,
			     u64 sum[MESHVPN_STAT_COUNT])
{
	u64 v[MESHVPN_STAT_COUNT];
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(u64) * MESHVPN_STAT_COUNT);
	for_each_possible_cpu(cpu) {
		const struct meshvpn_node_stats *s = per_cpu_ptr(node->stats,
								 cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < MESHVPN_STAT_COUNT; i++)
				v[i] = u64_stats_read(&s->v[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < MESHVPN_STAT_COUNT; i++)
			sum[i] += v[i];
	}
}

/**
 * meshvpn_node_via_daemon() - messages for @node go through the daemon
 * @node: the node
 *
 * A next hop of this node's own id hands the node's messages to the daemon,
 * which carries them over a meta connection (TCP fallback, TCPOnly nodes).
 *
 * Return: true if they do.
 */
bool meshvpn_node_via_daemon(const struct meshvpn_node *node)
{
	return READ_ONCE(node->next_hop) == READ_ONCE(node->mv->local_node_id);
}
