/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_CRYPTO_H
#define _MESHVPN_CRYPTO_H

#include <linux/kref.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <linux/meshvpn.h>

#include "replay.h"

struct crypto_aead;

/**
 * struct meshvpn_key - one session key of a node, both directions
 * @refcount: held by the slot it sits in and by packets using it
 * @free_work: frees the key after an RCU grace period, in process context
 * @alg: enum meshvpn_cipher_alg
 * @phase: the key-phase bit this key sends with and answers to
 * @installed: boot time in seconds when the key was installed
 * @tx_counter: next counter to send with
 * @rekey_notified: a rekey-due notification went out for this key
 * @replay: the receive window
 * @tx_key: send key material (the AEAD keys of ChaCha20-Poly1305; for
 *	AES-256-GCM only to recognise the key when it is installed again)
 * @rx_key: receive key material, as @tx_key
 * @tx_aead: AES-256-GCM send transform
 * @rx_aead: AES-256-GCM receive transform
 */
struct meshvpn_key {
	struct kref refcount;
	struct rcu_work free_work;
	u32 alg;
	u8 phase;
	u64 installed;
	atomic64_t tx_counter;
	atomic_t rekey_notified;
	struct meshvpn_replay replay;
	u8 tx_key[MESHVPN_KEY_LEN];
	u8 rx_key[MESHVPN_KEY_LEN];
	struct crypto_aead *tx_aead;
	struct crypto_aead *rx_aead;
};

/**
 * struct meshvpn_keys - the two key slots of a node
 * @lock: serialises slot changes (readers use RCU)
 * @slot: indexed by enum meshvpn_key_slot
 */
struct meshvpn_keys {
	spinlock_t lock; /* see kernel-doc */
	struct meshvpn_key __rcu *slot[2];
};

void meshvpn_keys_init(struct meshvpn_keys *keys);
void meshvpn_keys_clear(struct meshvpn_keys *keys);
struct meshvpn_key *meshvpn_key_create(u32 alg, u8 phase, const u8 *tx_key,
				       const u8 *rx_key,
				       struct netlink_ext_ack *extack);
int meshvpn_keys_install(struct meshvpn_keys *keys, u32 slot,
			 struct meshvpn_key *key, struct netlink_ext_ack *extack);
int meshvpn_keys_swap(struct meshvpn_keys *keys);
int meshvpn_keys_delete(struct meshvpn_keys *keys, u32 slot);
struct meshvpn_key *meshvpn_keys_get(struct meshvpn_keys *keys, u32 slot);
struct meshvpn_key *meshvpn_keys_get_phase(struct meshvpn_keys *keys,
					   u8 phase);
void meshvpn_key_put(struct meshvpn_key *key);

unsigned int meshvpn_key_tag_len(const struct meshvpn_key *key);
bool meshvpn_key_expired(const struct meshvpn_key *key);
bool meshvpn_key_rekey_due(struct meshvpn_key *key, u64 counter,
			   u32 *reason);
int meshvpn_key_encrypt(struct meshvpn_key *key, struct sk_buff *skb,
			u64 counter);
int meshvpn_key_decrypt(struct meshvpn_key *key, struct sk_buff *skb,
			u64 counter);

#endif /* _MESHVPN_CRYPTO_H */
