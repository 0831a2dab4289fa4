/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_RATELIMIT_H
#define _MESHVPN_RATELIMIT_H

#include <linux/hashtable.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct sk_buff;

/* Messages per second a source may have passed up unless the daemon says. */
#define MESHVPN_UPCALL_RATE_DEFAULT	50

/**
 * struct meshvpn_bucket - a token bucket of one second's worth of messages
 * @lock: protects @last and @tokens
 * @last: ktime (ns) of the last refill
 * @tokens: nanoseconds of budget left, at most NSEC_PER_SEC; a message
 *	costs NSEC_PER_SEC / rate of them, so the burst equals the rate
 */
struct meshvpn_bucket {
	spinlock_t lock; /* see kernel-doc */
	u64 last;
	u64 tokens;
};

#define MESHVPN_UPCALL_HASH_BITS	10

/**
 * struct meshvpn_ratelimit - upcall budgets of sources that are no node's
 *	endpoint
 * @table: entries hashed by source (struct meshvpn_ratelimit_entry)
 * @lock: serialises adding and removing entries; lookups use RCU
 * @count: entries in @table, at most MESHVPN_UPCALL_SOURCES
 * @key: siphash key of @table, so that senders cannot aim at one chain
 * @gc: drops entries whose bucket is full again
 * @strangers: the budget of all of them together
 */
struct meshvpn_ratelimit {
	DECLARE_HASHTABLE(table, MESHVPN_UPCALL_HASH_BITS);
	spinlock_t lock; /* see kernel-doc */
	unsigned int count;
	siphash_key_t key;
	struct delayed_work gc;
	struct meshvpn_bucket strangers;
};

void meshvpn_bucket_init(struct meshvpn_bucket *bucket);
bool meshvpn_bucket_take(struct meshvpn_bucket *bucket, u32 rate);

void meshvpn_ratelimit_init(struct meshvpn_ratelimit *rl);
void meshvpn_ratelimit_free(struct meshvpn_ratelimit *rl);

struct meshvpn_device;
int meshvpn_upcall_allowed(struct meshvpn_device *mv, struct sk_buff *skb);

#endif /* _MESHVPN_RATELIMIT_H */
