// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls: everything on the socket that is not DATA for this node
 * (probes, handshakes, and whatever junk anyone sends) goes up to the
 * daemon's socket, where it costs a place in the receive queue and, for a
 * SESSION message, a signature check. A flood from any address would fill
 * that queue and push out the probes and handshakes of real peers before
 * the daemon's own limits (SessionInitRate) ever see them. So the module
 * passes up at most upcall-rate messages per second (the burst as large)
 * per source and drops the rest, counted.
 *
 * A source that is the endpoint (address and port) of a known node spends
 * the budget of that node, kept in the node and MESHVPN_UPCALL_NODE_FACTOR
 * times as large (a relay passes on the handshakes of the nodes behind
 * it): no flood from other addresses, forged or not, can use it up, so a
 * peer whose address the attacker does not forge keeps its probes and
 * handshakes. Any other source spends a
 * budget per IPv4 address or IPv6 /64 (ports and the low half of a v6
 * address are the sender's to choose), kept in a table of at most
 * MESHVPN_UPCALL_SOURCES entries, and all of them together spend a budget
 * of MESHVPN_UPCALL_STRANGERS_FACTOR times the rate: a forged flood from
 * many addresses cannot fill the socket either, whatever it costs the
 * daemon to look at each message. When that budget is spent or the table
 * is full, messages of unknown sources are dropped: a forged flood from
 * many addresses can delay a node that is not known yet (it retries), but
 * never one that is. An entry expires once its bucket is full again, that
 * is one second after its last message. This is WireGuard's ratelimiter
 * idea: a small hash of token buckets with garbage collection.
 */

#include <linux/ipv6.h>
#include <linux/ktime.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include <linux/meshvpn.h>

#include "device.h"
#include "node.h"
#include "ratelimit.h"

#define MESHVPN_UPCALL_GC_INTERVAL	HZ

/**
 * struct meshvpn_ratelimit_entry - the upcall budget of one source
 * @hnode: entry in the table's chain
 * @src: IPv4-mapped address, or IPv6 /64 prefix with the rest zero
 * @bucket: its budget
 * @rcu: deferred free, lookups hold only RCU
 */
struct meshvpn_ratelimit_entry {
	struct hlist_node hnode;
	struct in6_addr src;
	struct meshvpn_bucket bucket;
	struct rcu_head rcu;
};

/**
 * meshvpn_bucket_init() - a full bucket
 * @bucket: the bucket
 */
void meshvpn_bucket_init(struct meshvpn_bucket *bucket)
{
	spin_lock_init(&bucket->lock);
	bucket->last = ktime_get_coarse_boottime_ns();
	bucket->tokens = NSEC_PER_SEC;
}

/**
 * meshvpn_bucket_take() - spend one message of a bucket's budget
 * @bucket: the bucket
 * @rate: messages per second it refills with, at least 1
 *
 * Return: true if there was budget left.
 */
bool meshvpn_bucket_take(struct meshvpn_bucket *bucket, u32 rate)
{
	u64 cost = NSEC_PER_SEC / rate;
	u64 now;
	bool ok;

	spin_lock_bh(&bucket->lock);
	/* Read under the lock: an older time than @last would refill it all. */
	now = ktime_get_coarse_boottime_ns();
	bucket->tokens = min_t(u64, bucket->tokens + now - bucket->last,
			       NSEC_PER_SEC);
	WRITE_ONCE(bucket->last, now);
	ok = bucket->tokens >= cost;
	if (ok)
		bucket->tokens -= cost;
	spin_unlock_bh(&bucket->lock);
	return ok;
}

/* Drop the entries whose bucket is full again: they hold nothing. */
static void meshvpn_ratelimit_gc(struct work_struct *work)
{
	struct meshvpn_ratelimit *rl = container_of(to_delayed_work(work),
						    struct meshvpn_ratelimit,
						    gc);
	u64 now = ktime_get_coarse_boottime_ns();
	struct meshvpn_ratelimit_entry *entry;
	struct hlist_node *tmp;
	unsigned int bkt;
	bool more;

	spin_lock_bh(&rl->lock);
	hash_for_each_safe(rl->table, bkt, tmp, entry, hnode) {
		/* Not now - last: a CPU may have refilled it since @now. */
		if (READ_ONCE(entry->bucket.last) + NSEC_PER_SEC > now)
			continue;
		hash_del_rcu(&entry->hnode);
		rl->count--;
		kfree_rcu(entry, rcu);
	}
	more = rl->count;
	spin_unlock_bh(&rl->lock);
	if (more)
		queue_delayed_work(system_power_efficient_wq, &rl->gc,
				   MESHVPN_UPCALL_GC_INTERVAL);
}

/**
 * meshvpn_ratelimit_init() - an empty table
 * @rl: the table
 */
void meshvpn_ratelimit_init(struct meshvpn_ratelimit *rl)
{
	hash_init(rl->table);
	spin_lock_init(&rl->lock);
	rl->count = 0;
	get_random_bytes(&rl->key, sizeof(rl->key));
	INIT_DELAYED_WORK(&rl->gc, meshvpn_ratelimit_gc);
	meshvpn_bucket_init(&rl->strangers);
}

/**
 * meshvpn_ratelimit_free() - free a table nobody looks into any more
 * @rl: the table
 */
void meshvpn_ratelimit_free(struct meshvpn_ratelimit *rl)
{
	struct meshvpn_ratelimit_entry *entry;
	struct hlist_node *tmp;
	unsigned int bkt;

	cancel_delayed_work_sync(&rl->gc);
	hash_for_each_safe(rl->table, bkt, tmp, entry, hnode) {
		hash_del(&entry->hnode);
		kfree(entry);
	}
	rl->count = 0;
}

static void meshvpn_upcall_source(struct in6_addr *src,
				  const struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 4) {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, src);
		return;
	}
	*src = ipv6_hdr(skb)->saddr;
	if (!ipv6_addr_v4mapped(src)) {
		src->s6_addr32[2] = 0;
		src->s6_addr32[3] = 0;
	}
}

static struct meshvpn_ratelimit_entry *
meshvpn_ratelimit_find(struct hlist_head *chain, const struct in6_addr *src)
{
	struct meshvpn_ratelimit_entry *entry;

	hlist_for_each_entry_rcu(entry, chain, hnode) {
		if (ipv6_addr_equal(&entry->src, src))
			return entry;
	}
	return NULL;
}

/*
 * Spend one message of @src's budget, making its entry when it has none.
 * Return: 0, -EBUSY over budget, -ENOSPC when the table is full.
 */
static int meshvpn_ratelimit_source(struct meshvpn_ratelimit *rl,
				    const struct in6_addr *src, u32 rate)
{
	struct meshvpn_ratelimit_entry *entry;
	struct hlist_head *chain;
	int ret = 0;

	chain = &rl->table[hash_min(siphash(src, sizeof(*src), &rl->key),
				    MESHVPN_UPCALL_HASH_BITS)];
	rcu_read_lock();
	entry = meshvpn_ratelimit_find(chain, src);
	if (entry) {
		ret = meshvpn_bucket_take(&entry->bucket, rate) ? 0 : -EBUSY;
		rcu_read_unlock();
		return ret;
	}
	rcu_read_unlock();

	spin_lock_bh(&rl->lock);
	/* Another CPU may have added it meanwhile. */
	entry = meshvpn_ratelimit_find(chain, src);
	if (entry) {
		ret = meshvpn_bucket_take(&entry->bucket, rate) ? 0 : -EBUSY;
		goto out;
	}
	if (rl->count >= MESHVPN_UPCALL_SOURCES) {
		ret = -ENOSPC;
		goto out;
	}
	entry = kmalloc(sizeof(*entry), GFP_ATOMIC);
	if (!entry) {
		ret = -ENOSPC;
		goto out;
	}
	entry->src = *src;
	meshvpn_bucket_init(&entry->bucket);
	entry->bucket.tokens -= NSEC_PER_SEC / rate;
	hlist_add_head_rcu(&entry->hnode, chain);
	rl->count++;
	queue_delayed_work(system_power_efficient_wq, &rl->gc,
			   MESHVPN_UPCALL_GC_INTERVAL);
out:
	spin_unlock_bh(&rl->lock);
	return ret;
}

/*
 * Spend one message of @src's budget and of all strangers' together.
 * Return: 0, -EBUSY over @src's budget, -ENOSPC when the table is full,
 * -EAGAIN over the strangers' budget.
 */
static int meshvpn_ratelimit_take(struct meshvpn_ratelimit *rl,
				  const struct in6_addr *src, u32 rate)
{
	int ret = meshvpn_ratelimit_source(rl, src, rate);

	if (ret)
		return ret;
	if (!meshvpn_bucket_take(&rl->strangers,
				 rate * MESHVPN_UPCALL_STRANGERS_FACTOR))
		return -EAGAIN;
	return 0;
}

/**
 * meshvpn_upcall_allowed() - may a message go up to the socket's owner
 * @mv: the device
 * @skb: the message, at its UDP header; freed when refused
 *
 * Caller holds RCU (the socket's receive path).
 *
 * Return: 1 to pass it up, 0 when it was over its source's budget, then
 * dropped and counted.
 */
int meshvpn_upcall_allowed(struct meshvpn_device *mv, struct sk_buff *skb)
{
	u32 rate = READ_ONCE(mv->upcall_rate);
	struct meshvpn_node *node;
	struct in6_addr src;
	int ret;

	node = meshvpn_node_lookup_endpoint(mv, skb);
	if (node) {
		ret = meshvpn_bucket_take(&node->upcall,
					  rate * MESHVPN_UPCALL_NODE_FACTOR) ?
		      0 : -EBUSY;
	} else {
		meshvpn_upcall_source(&src, skb);
		ret = meshvpn_ratelimit_take(&mv->upcall, &src, rate);
	}
	if (likely(!ret))
		return 1;
	switch (ret) {
	case -EBUSY:
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_UPCALL_RATE);
		break;
	case -ENOSPC:
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_UPCALL_SOURCES);
		break;
	default:
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_UPCALL_STRANGERS);
		break;
	}
	kfree_skb(skb);
	return 0;
}
