// SPDX-License-Identifier: GPL-2.0
/*
 * Session keys: two slots per node, ChaCha20-Poly1305 from the kernel's
 * library, AES-256-GCM from the crypto API, or no cipher at all. A DATA
 * message is encrypted in place: the header stays in clear as associated
 * data, the tag goes behind the payload (Documentation/protocol.md, 4).
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/chacha20poly1305.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include "compat.h"

#include <meshvpn/wire.h>

#include "crypto.h"

/* Worst case of scatterlist entries for one skb after skb_cow_data(). */
#define MESHVPN_MAX_SG (MAX_SKB_FRAGS + 8)

static void meshvpn_key_free_work(struct work_struct *work)
{
	struct meshvpn_key *key = container_of(to_rcu_work(work),
					       struct meshvpn_key, free_work);

	crypto_free_aead(key->tx_aead);
	crypto_free_aead(key->rx_aead);
	kfree_sensitive(key);
}

static void meshvpn_key_release(struct kref *ref)
{
	struct meshvpn_key *key = container_of(ref, struct meshvpn_key,
					       refcount);

	/* Readers may still hold the pointer under RCU; the AEAD transforms
	 * may only be freed where sleeping is allowed.
	 */
	INIT_RCU_WORK(&key->free_work, meshvpn_key_free_work);
	queue_rcu_work(system_wq, &key->free_work);
}

void meshvpn_key_put(struct meshvpn_key *key)
{
	if (key)
		kref_put(&key->refcount, meshvpn_key_release);
}

static struct crypto_aead *meshvpn_gcm_alloc(const u8 *raw,
					     struct netlink_ext_ack *extack)
{
	struct crypto_aead *tfm;
	int ret;

	/* Masking out ASYNC gives a transform that completes in the caller,
	 * which the in-place, in-softirq data path relies on.
	 */
	tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		NL_SET_ERR_MSG_MOD(extack, "gcm(aes) is not available");
		return tfm;
	}
	ret = crypto_aead_setkey(tfm, raw, MESHVPN_KEY_LEN);
	if (!ret)
		ret = crypto_aead_setauthsize(tfm, MESHVPN_AEAD_TAG_LEN);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "gcm(aes) refused the key");
		crypto_free_aead(tfm);
		return ERR_PTR(ret);
	}
	return tfm;
}

/**
 * meshvpn_key_create() - build a key from its raw material
 * @alg: enum meshvpn_cipher_alg
 * @phase: key-phase bit
 * @tx_key: MESHVPN_KEY_LEN bytes to send with, unused for none
 * @rx_key: MESHVPN_KEY_LEN bytes to receive with, unused for none
 * @extack: why it failed
 *
 * Return: a key with one reference, or an ERR_PTR.
 */
struct meshvpn_key *meshvpn_key_create(u32 alg, u8 phase, const u8 *tx_key,
				       const u8 *rx_key,
				       struct netlink_ext_ack *extack)
{
	struct meshvpn_key *key;
	int ret;

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	kref_init(&key->refcount);
	key->alg = alg;
	key->phase = phase;
	key->installed = ktime_get_boottime_seconds();
	meshvpn_replay_init(&key->replay);

	switch (alg) {
	case MESHVPN_CIPHER_ALG_NONE:
		break;
	case MESHVPN_CIPHER_ALG_CHACHA20_POLY1305:
		memcpy(key->tx_key, tx_key, MESHVPN_KEY_LEN);
		memcpy(key->rx_key, rx_key, MESHVPN_KEY_LEN);
		break;
	case MESHVPN_CIPHER_ALG_AES_256_GCM:
		/* Kept only to recognise a second install of this key. */
		memcpy(key->tx_key, tx_key, MESHVPN_KEY_LEN);
		memcpy(key->rx_key, rx_key, MESHVPN_KEY_LEN);
		key->tx_aead = meshvpn_gcm_alloc(tx_key, extack);
		if (IS_ERR(key->tx_aead)) {
			ret = PTR_ERR(key->tx_aead);
			key->tx_aead = NULL;
			goto err;
		}
		key->rx_aead = meshvpn_gcm_alloc(rx_key, extack);
		if (IS_ERR(key->rx_aead)) {
			ret = PTR_ERR(key->rx_aead);
			key->rx_aead = NULL;
			goto err;
		}
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "unknown cipher");
		ret = -EINVAL;
		goto err;
	}
	return key;

err:
	crypto_free_aead(key->tx_aead);
	kfree_sensitive(key);
	return ERR_PTR(ret);
}

void meshvpn_keys_init(struct meshvpn_keys *keys)
{
	spin_lock_init(&keys->lock);
	RCU_INIT_POINTER(keys->slot[MESHVPN_KEY_SLOT_CURRENT], NULL);
	RCU_INIT_POINTER(keys->slot[MESHVPN_KEY_SLOT_NEXT], NULL);
}

static struct meshvpn_key *meshvpn_keys_replace(struct meshvpn_keys *keys,
						u32 slot,
						struct meshvpn_key *key)
{
	struct meshvpn_key *old;

	old = rcu_replace_pointer(keys->slot[slot], key,
				  lockdep_is_held(&keys->lock));
	return old;
}

/* Both keys send with the same key material (cipher none has none). */
static bool meshvpn_key_same_material(const struct meshvpn_key *a,
				      const struct meshvpn_key *b)
{
	return a->alg != MESHVPN_CIPHER_ALG_NONE && a->alg == b->alg &&
	       !crypto_memneq(a->tx_key, b->tx_key, MESHVPN_KEY_LEN) &&
	       !crypto_memneq(a->rx_key, b->rx_key, MESHVPN_KEY_LEN);
}

/**
 * meshvpn_keys_install() - put a key into a slot, replacing what was there
 * @keys: the node's slots
 * @slot: enum meshvpn_key_slot
 * @key: the key; its reference moves to the slot, or is dropped when the
 *	slot holds this key already
 * @extack: why it was refused
 *
 * A new key starts sending at counter 0. Installing again a key that is
 * installed already (a retried request whose acknowledgment was lost)
 * would therefore send a second time with nonces already used under that
 * key: the key in place is kept instead, with its counter and its replay
 * window, and the same key material anywhere else is refused.
 *
 * Return: 0, or -EEXIST when this key material is installed in the other
 * slot or with another phase.
 */
int meshvpn_keys_install(struct meshvpn_keys *keys, u32 slot,
			 struct meshvpn_key *key, struct netlink_ext_ack *extack)
{
	struct meshvpn_key *old, *cur;
	int i;

	spin_lock_bh(&keys->lock);
	for (i = MESHVPN_KEY_SLOT_CURRENT; i <= MESHVPN_KEY_SLOT_NEXT; i++) {
		cur = rcu_dereference_protected(keys->slot[i],
						lockdep_is_held(&keys->lock));
		if (!cur || !meshvpn_key_same_material(cur, key))
			continue;
		spin_unlock_bh(&keys->lock);
		meshvpn_key_put(key);
		if (i == slot && cur->phase == key->phase)
			return 0;
		NL_SET_ERR_MSG_MOD(extack,
				   "key material installed already: a second install would reuse its nonces");
		return -EEXIST;
	}
	old = meshvpn_keys_replace(keys, slot, key);
	spin_unlock_bh(&keys->lock);
	meshvpn_key_put(old);
	return 0;
}

/**
 * meshvpn_keys_swap() - make the next key the current one
 * @keys: the node's slots
 *
 * The old current key stays in the next slot, so that packets still in
 * flight under it decrypt until the daemon deletes it or replaces it.
 *
 * Return: 0, or -ENOENT when there is no next key.
 */
int meshvpn_keys_swap(struct meshvpn_keys *keys)
{
	struct meshvpn_key *next, *cur;

	spin_lock_bh(&keys->lock);
	next = rcu_dereference_protected(keys->slot[MESHVPN_KEY_SLOT_NEXT],
					 lockdep_is_held(&keys->lock));
	if (!next) {
		spin_unlock_bh(&keys->lock);
		return -ENOENT;
	}
	cur = meshvpn_keys_replace(keys, MESHVPN_KEY_SLOT_CURRENT, next);
	meshvpn_keys_replace(keys, MESHVPN_KEY_SLOT_NEXT, cur);
	spin_unlock_bh(&keys->lock);
	return 0;
}

int meshvpn_keys_delete(struct meshvpn_keys *keys, u32 slot)
{
	struct meshvpn_key *old;

	spin_lock_bh(&keys->lock);
	old = meshvpn_keys_replace(keys, slot, NULL);
	spin_unlock_bh(&keys->lock);
	if (!old)
		return -ENOENT;
	meshvpn_key_put(old);
	return 0;
}

void meshvpn_keys_clear(struct meshvpn_keys *keys)
{
	meshvpn_keys_delete(keys, MESHVPN_KEY_SLOT_CURRENT);
	meshvpn_keys_delete(keys, MESHVPN_KEY_SLOT_NEXT);
}

/**
 * meshvpn_keys_get() - take a reference on the key in a slot
 * @keys: the node's slots
 * @slot: enum meshvpn_key_slot
 *
 * Return: the key (release with meshvpn_key_put()), or NULL.
 */
struct meshvpn_key *meshvpn_keys_get(struct meshvpn_keys *keys, u32 slot)
{
	struct meshvpn_key *key;

	rcu_read_lock_bh();
	key = rcu_dereference_bh(keys->slot[slot]);
	if (key && !kref_get_unless_zero(&key->refcount))
		key = NULL;
	rcu_read_unlock_bh();
	return key;
}

/**
 * meshvpn_keys_get_phase() - the key that answers to a key-phase bit
 * @keys: the node's slots
 * @phase: the bit from a received header
 *
 * Return: the key with a reference held, or NULL.
 */
struct meshvpn_key *meshvpn_keys_get_phase(struct meshvpn_keys *keys,
					   u8 phase)
{
	struct meshvpn_key *key;
	int i;

	rcu_read_lock_bh();
	for (i = MESHVPN_KEY_SLOT_CURRENT; i <= MESHVPN_KEY_SLOT_NEXT; i++) {
		key = rcu_dereference_bh(keys->slot[i]);
		if (key && key->phase == phase &&
		    kref_get_unless_zero(&key->refcount))
			goto out;
	}
	key = NULL;
out:
	rcu_read_unlock_bh();
	return key;
}

unsigned int meshvpn_key_tag_len(const struct meshvpn_key *key)
{
	return key->alg == MESHVPN_CIPHER_ALG_NONE ? 0 : MESHVPN_AEAD_TAG_LEN;
}

bool meshvpn_key_expired(const struct meshvpn_key *key)
{
	return ktime_get_boottime_seconds() - key->installed >=
	       MESHVPN_REJECT_AFTER_SECONDS;
}

/**
 * meshvpn_key_rekey_due() - whether the daemon should be told to rekey
 * @key: the key just used to send
 * @counter: the counter just used
 * @reason: set to the enum meshvpn_rekey_reason when due
 *
 * Return: true once per key, the first time a limit is reached.
 */
bool meshvpn_key_rekey_due(struct meshvpn_key *key, u64 counter,
			   u32 *reason)
{
	if (counter >= MESHVPN_REKEY_AFTER_MESSAGES)
		*reason = MESHVPN_REKEY_REASON_MESSAGES;
	else if (ktime_get_boottime_seconds() - key->installed >=
		 MESHVPN_REKEY_AFTER_SECONDS)
		*reason = MESHVPN_REKEY_REASON_TIME;
	else
		return false;
	return !atomic_xchg(&key->rekey_notified, 1);
}

static void meshvpn_nonce(u8 iv[MESHVPN_AEAD_NONCE_LEN], u64 counter)
{
	memset(iv, 0, 4);
	put_unaligned_le64(counter, iv + 4);
}

static int meshvpn_gcm_crypt(struct crypto_aead *tfm, struct scatterlist *sg,
			     unsigned int cryptlen, u64 counter, bool encrypt)
{
	u8 iv[MESHVPN_AEAD_NONCE_LEN];
	struct aead_request *req;
	int ret;

	req = aead_request_alloc(tfm, GFP_ATOMIC);
	if (!req)
		return -ENOMEM;
	meshvpn_nonce(iv, counter);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, MESHVPN_HDR_LEN);
	aead_request_set_crypt(req, sg, sg, cryptlen, iv);
	ret = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	aead_request_free(req);
	return ret;
}

/**
 * meshvpn_key_encrypt() - encrypt a DATA message in place
 * @key: the key to send with
 * @skb: header (with ttl zero) followed by the payload, at skb->data
 * @counter: the message's counter, already in the header
 *
 * Appends the tag. Return: 0 or a negative errno.
 */
int meshvpn_key_encrypt(struct meshvpn_key *key, struct sk_buff *skb,
			u64 counter)
{
	unsigned int tag_len = meshvpn_key_tag_len(key);
	unsigned int payload_len = skb->len - MESHVPN_HDR_LEN;
	struct scatterlist sg[MESHVPN_MAX_SG];
	struct sk_buff *trailer;
	int nsg, ret;

	if (key->alg == MESHVPN_CIPHER_ALG_NONE)
		return 0;

	nsg = skb_cow_data(skb, tag_len, &trailer);
	if (unlikely(nsg < 0 || nsg > MESHVPN_MAX_SG))
		return nsg < 0 ? nsg : -EMSGSIZE;
	pskb_put(skb, trailer, tag_len);
	sg_init_table(sg, nsg);

	if (key->alg == MESHVPN_CIPHER_ALG_CHACHA20_POLY1305) {
		ret = skb_to_sgvec(skb, sg, MESHVPN_HDR_LEN,
				   payload_len + tag_len);
		if (unlikely(ret < 0))
			return ret;
		return chacha20poly1305_encrypt_sg_inplace(sg, payload_len,
							   skb->data,
							   MESHVPN_HDR_LEN,
							   counter,
							   key->tx_key) ?
		       0 : -ENOMEM;
	}

	ret = skb_to_sgvec(skb, sg, 0, skb->len);
	if (unlikely(ret < 0))
		return ret;
	return meshvpn_gcm_crypt(key->tx_aead, sg, payload_len, counter, true);
}

/**
 * meshvpn_key_decrypt() - verify and decrypt a DATA message in place
 * @key: the key its phase bit selects
 * @skb: header (with ttl zero) followed by ciphertext and tag
 * @counter: the counter from the header
 *
 * Removes the tag. Return: 0, or -EBADMSG when the message is not authentic.
 */
int meshvpn_key_decrypt(struct meshvpn_key *key, struct sk_buff *skb,
			u64 counter)
{
	unsigned int tag_len = meshvpn_key_tag_len(key);
	struct scatterlist sg[MESHVPN_MAX_SG];
	struct sk_buff *trailer;
	unsigned int len;
	int nsg, ret;

	if (key->alg == MESHVPN_CIPHER_ALG_NONE)
		return 0;
	if (unlikely(skb->len < MESHVPN_HDR_LEN + tag_len))
		return -EBADMSG;
	len = skb->len - MESHVPN_HDR_LEN;

	nsg = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nsg < 0 || nsg > MESHVPN_MAX_SG))
		return nsg < 0 ? nsg : -EMSGSIZE;
	sg_init_table(sg, nsg);

	if (key->alg == MESHVPN_CIPHER_ALG_CHACHA20_POLY1305) {
		ret = skb_to_sgvec(skb, sg, MESHVPN_HDR_LEN, len);
		if (unlikely(ret < 0))
			return ret;
		if (!chacha20poly1305_decrypt_sg_inplace(sg, len, skb->data,
							 MESHVPN_HDR_LEN,
							 counter, key->rx_key))
			return -EBADMSG;
	} else {
		ret = skb_to_sgvec(skb, sg, 0, skb->len);
		if (unlikely(ret < 0))
			return ret;
		ret = meshvpn_gcm_crypt(key->rx_aead, sg, len, counter, false);
		if (ret)
			return ret == -EBADMSG ? ret : -EBADMSG;
	}
	return pskb_trim(skb, skb->len - tag_len);
}
