// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: an inner packet leaving the meshvpn link is matched to the node
 * that owns its destination prefix, encrypted with that node's current key
 * under a fresh counter, and sent to the endpoint of the node's next hop:
 * the node itself, or a relay that forwards the ciphertext unchanged.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>

#include <meshvpn/wire.h>

#include "compat.h"
#include "daemon_channel.h"
#include "device.h"
#include "netlink.h"
#include "node.h"
#include "parallel.h"
#include "route.h"
#include "send.h"
#include "socket.h"

/* Which inner protocol a packet is, from its own header; 0 if neither. */
static __be16 meshvpn_inner_protocol(struct sk_buff *skb)
{
	if (skb_network_header(skb) < skb->head ||
	    skb_network_header(skb) + sizeof(struct iphdr) > skb_tail_pointer(skb))
		return 0;
	if (ip_hdr(skb)->version == 4 && pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return htons(ETH_P_IP);
	if (ip_hdr(skb)->version == 6 &&
	    pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		return htons(ETH_P_IPV6);
	return 0;
}

static void meshvpn_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
}

/* The node a message for @node is sent to: itself, or its relay. */
static struct meshvpn_node *meshvpn_next_hop(struct meshvpn_node *node)
{
	u64 next_hop = READ_ONCE(node->next_hop);

	if (next_hop == node->id)
		return node;
	return meshvpn_node_lookup(node->mv, next_hop);
}

/* Drop every message of a job that will not be sent. */
static void meshvpn_tx_drop(struct meshvpn_device *mv, struct sk_buff *list)
{
	struct sk_buff *skb, *next;

	skb_list_walk_safe(list, skb, next) {
		skb_mark_not_on_list(skb);
		DEV_STATS_INC(mv->dev, tx_dropped);
		kfree_skb(skb);
	}
}

/* In submission order, bottom halves disabled: send what was encrypted. */
static void meshvpn_tx_finish(struct meshvpn_crypt_job *job)
{
	unsigned int tag_len = meshvpn_key_tag_len(job->key);
	struct meshvpn_node *node = job->node, *via;
	struct meshvpn_device *mv = node->mv;
	unsigned int inner_len, packets = 0, bytes = 0;
	struct sk_buff *skb, *next;
	u32 rekey_reason;
	bool to_daemon;
	int err;

	if (unlikely(atomic_read(&job->state) == MESHVPN_JOB_DEAD)) {
		meshvpn_tx_drop(mv, job->skb);
		goto out;
	}
	if (unlikely(job->err))
		DEV_STATS_ADD(mv->dev, tx_dropped, job->err);
	if (unlikely(meshvpn_key_rekey_due(job->key, job->counter,
					   &rekey_reason)))
		meshvpn_nl_notify_rekey_due(node, MESHVPN_KEY_SLOT_CURRENT,
					    rekey_reason);

	rcu_read_lock_bh();
	to_daemon = meshvpn_node_via_daemon(node);
	via = to_daemon ? NULL : meshvpn_next_hop(node);
	if (unlikely(!via && !to_daemon)) {
		rcu_read_unlock_bh();
		meshvpn_tx_drop(mv, job->skb);
		goto out;
	}
	skb_list_walk_safe(job->skb, skb, next) {
		skb_mark_not_on_list(skb);
		inner_len = skb->len - MESHVPN_HDR_LEN - tag_len;
		/* The TTL is not authenticated, so that relays can
		 * decrement it; it goes in after encryption.
		 */
		skb->data[MESHVPN_HDR_TTL_OFFSET] = MESHVPN_DEFAULT_TTL;
		if (unlikely(to_daemon))
			err = meshvpn_nl_send_to_daemon(node, skb);
		else
			err = meshvpn_socket_send(mv, via, skb);
		if (err) {
			DEV_STATS_INC(mv->dev, tx_errors);
			continue;
		}
		if (inner_len) {
			packets++;
			bytes += inner_len;
		}
	}
	rcu_read_unlock_bh();

	WRITE_ONCE(node->last_tx, jiffies);
	if (packets) {
		meshvpn_node_count(node, MESHVPN_STAT_TX_PACKETS, packets);
		meshvpn_node_count(node, MESHVPN_STAT_TX_BYTES, bytes);
		dev_sw_netstats_tx_add(mv->dev, packets, bytes);
	}
out:
	job->skb = NULL;
	meshvpn_crypt_job_free(job);
}

/* On any CPU. Packets that fail are dropped and counted. */
static void meshvpn_tx_crypt(struct meshvpn_crypt_job *job)
{
	struct sk_buff *skb, *next, *head = NULL, **tail = &head;
	struct meshvpn_hdr *hdr;

	skb_list_walk_safe(job->skb, skb, next) {
		hdr = (struct meshvpn_hdr *)skb->data;
		/*
		 * The inner checksum is finished here rather than when the
		 * packet is framed: it is a pass over the whole payload, and
		 * here it runs on every CPU, next to the cipher's own.
		 */
		if (unlikely((skb->ip_summed == CHECKSUM_PARTIAL &&
			      skb_checksum_help(skb)) ||
			     meshvpn_key_encrypt(job->key, skb,
						 get_unaligned_be64(&hdr->counter)))) {
			kfree_skb(skb);
			job->err++;
			continue;
		}
		*tail = skb;
		tail = &skb->next;
	}
	*tail = NULL;
	job->skb = head;
}

/**
 * meshvpn_send_init() - set up a device's encryption on every CPU
 * @mv: the device
 *
 * Return: 0 or -ENOMEM.
 */
int meshvpn_send_init(struct meshvpn_device *mv)
{
	return meshvpn_crypt_ring_init(&mv->tx_ring, meshvpn_tx_crypt,
				       meshvpn_tx_finish);
}

/* Put the header in front of one packet, under a fresh counter. */
static int meshvpn_frame(struct meshvpn_node *node, struct meshvpn_key *key,
			 struct sk_buff *skb, u64 *counter)
{
	struct meshvpn_hdr *hdr;

	if (skb_cow_head(skb, MESHVPN_HDR_LEN))
		return -ENOMEM;

	/* A counter is never used twice: past the limit the key is dead. */
	*counter = atomic64_inc_return(&key->tx_counter) - 1;
	if (unlikely(*counter >= MESHVPN_REJECT_AFTER_MESSAGES))
		return -EKEYEXPIRED;

	hdr = skb_push(skb, MESHVPN_HDR_LEN);
	memset(hdr, 0, MESHVPN_HDR_LEN);
	hdr->type = MESHVPN_MSG_DATA;
	hdr->flags = key->phase ? MESHVPN_FLAG_KEY_PHASE : 0;
	meshvpn_node_id_put(hdr->dst, node->id);
	meshvpn_node_id_put(hdr->src, READ_ONCE(node->mv->local_node_id));
	put_unaligned_be64(*counter, &hdr->counter);
	return 0;
}

/*
 * Frame the packets of @list (one, or the segments of a GSO packet, chained
 * by skb->next) and queue them for encryption as one job: the per-job cost
 * is paid once per GSO packet, not once per segment. Consumes @list; the
 * caller's reference on @key moves into the job.
 */
static void meshvpn_send_data(struct meshvpn_node *node,
			      struct meshvpn_key *key, struct sk_buff *list)
{
	struct sk_buff *skb, *next, *head = NULL, **tail = &head;
	struct meshvpn_device *mv = node->mv;
	struct meshvpn_crypt_job *job;
	u64 counter = 0;

	skb_list_walk_safe(list, skb, next) {
		skb_mark_not_on_list(skb);
		if (unlikely(meshvpn_frame(node, key, skb, &counter))) {
			DEV_STATS_INC(mv->dev, tx_dropped);
			kfree_skb(skb);
			continue;
		}
		*tail = skb;
		tail = &skb->next;
	}
	if (unlikely(!head))
		goto drop_key;

	job = meshvpn_crypt_job_new(node, key, head, counter);
	if (unlikely(!job))
		goto drop_list;
	if (unlikely(meshvpn_crypt_job_submit(&mv->tx_ring, &node->tx_jobs,
					      job))) {
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_TX_JOBS);
		job->skb = NULL;
		meshvpn_crypt_job_free(job);
		key = NULL;
		goto drop_list;
	}
	return;

drop_list:
	meshvpn_tx_drop(mv, head);
drop_key:
	meshvpn_key_put(key);
}

/* Hold a packet until a key arrives, and ask userspace for one. */
static void meshvpn_stage(struct meshvpn_node *node, struct sk_buff *skb)
{
	struct sk_buff *old = NULL;

	/* Waiting packets must not pin their socket's send buffer. */
	skb_orphan(skb);
	spin_lock_bh(&node->staged.lock);
	if (READ_ONCE(node->dead)) {
		spin_unlock_bh(&node->staged.lock);
		kfree_skb(skb);
		return;
	}
	__skb_queue_tail(&node->staged, skb);
	if (skb_queue_len(&node->staged) > MESHVPN_STAGED_PER_NODE)
		old = __skb_dequeue(&node->staged);
	if (!timer_pending(&node->staged_timer))
		mod_timer(&node->staged_timer, jiffies + MESHVPN_STAGED_TIMEOUT);
	spin_unlock_bh(&node->staged.lock);

	if (old) {
		meshvpn_limit_refused(node->mv, MESHVPN_LIMIT_STAGED);
		meshvpn_node_count(node, MESHVPN_STAT_TX_NO_KEY_DROPS, 1);
		kfree_skb(old);
	}
	meshvpn_nl_notify_key_needed(node);
}

/* Send packets (chained by skb->next) to @node, or stage them while there
 * is no key.
 */
static void meshvpn_send_list(struct meshvpn_node *node, struct sk_buff *list)
{
	struct meshvpn_key *key;
	struct sk_buff *skb, *next;

	key = meshvpn_keys_get(&node->keys, MESHVPN_KEY_SLOT_CURRENT);
	if (unlikely(!key || meshvpn_key_expired(key))) {
		meshvpn_key_put(key);
		skb_list_walk_safe(list, skb, next) {
			skb_mark_not_on_list(skb);
			meshvpn_stage(node, skb);
		}
		return;
	}
	meshvpn_send_data(node, key, list);
}

/**
 * meshvpn_send_staged() - send what waited for a key, now that one exists
 * @node: the node a key was just installed for
 */
void meshvpn_send_staged(struct meshvpn_node *node)
{
	struct sk_buff_head queue;
	struct sk_buff *skb;

	__skb_queue_head_init(&queue);
	spin_lock_bh(&node->staged.lock);
	skb_queue_splice_init(&node->staged, &queue);
	spin_unlock_bh(&node->staged.lock);
	timer_delete(&node->staged_timer);

	local_bh_disable();
	while ((skb = __skb_dequeue(&queue)))
		meshvpn_send_list(node, skb);
	local_bh_enable();
}

/**
 * meshvpn_send_keepalive() - send an empty DATA message to keep paths open
 * @node: the node
 */
void meshvpn_send_keepalive(struct meshvpn_node *node)
{
	struct meshvpn_key *key;
	struct sk_buff *skb;

	key = meshvpn_keys_get(&node->keys, MESHVPN_KEY_SLOT_CURRENT);
	if (!key)
		return;
	if (meshvpn_key_expired(key))
		goto out;
	skb = alloc_skb(MESHVPN_TX_HEADROOM + MESHVPN_AEAD_TAG_LEN, GFP_ATOMIC);
	if (!skb)
		goto out;
	skb_reserve(skb, MESHVPN_TX_HEADROOM);
	local_bh_disable();
	meshvpn_send_data(node, key, skb);
	local_bh_enable();
	return;
out:
	meshvpn_key_put(key);
}

/**
 * meshvpn_send_packet() - encrypt one inner packet for a node and send it
 * @node: the node
 * @skb: the packet, its protocol set; consumed
 *
 * For packets that no route chose: the broadcasts the daemon sends on
 * along the spanning tree (packet-send).
 */
void meshvpn_send_packet(struct meshvpn_node *node, struct sk_buff *skb)
{
	local_bh_disable();
	meshvpn_send_list(node, skb);
	local_bh_enable();
}

/*
 * A broadcast or multicast packet that no route claims: the daemon sends
 * it along the mesh's spanning tree (packet-ntf, then packet-send for each
 * tree neighbour). It gets the packets as they are, checksums complete.
 */
static void meshvpn_send_broadcast(struct meshvpn_device *mv,
				   struct sk_buff *skb)
{
	struct sk_buff *segs, *next;
	unsigned int len;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			DEV_STATS_INC(mv->dev, tx_dropped);
			kfree_skb(skb);
			return;
		}
		consume_skb(skb);
		skb = segs;
	}
	skb_list_walk_safe(skb, skb, next) {
		skb_mark_not_on_list(skb);
		len = skb->len;
		/*
		 * MLD reports of a link without an IPv6 address come from ::,
		 * which no node owns: every receiver would drop them.
		 */
		if ((skb->protocol == htons(ETH_P_IPV6) &&
		     ipv6_addr_any(&ipv6_hdr(skb)->saddr)) ||
		    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) ||
		    meshvpn_nl_packet_to_daemon(mv, NULL, skb)) {
			DEV_STATS_INC(mv->dev, tx_dropped);
			kfree_skb(skb);
			continue;
		}
		dev_sw_netstats_tx_add(mv->dev, 1, len);
		consume_skb(skb);
	}
}

/**
 * meshvpn_xmit() - ndo_start_xmit of the meshvpn link
 * @skb: an inner IPv4 or IPv6 packet
 * @dev: the link
 *
 * Return: NETDEV_TX_OK; the packet is always consumed.
 */
netdev_tx_t meshvpn_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct meshvpn_device *mv = netdev_priv(dev);
	struct meshvpn_node *node;
	struct sk_buff *segs;

	skb->protocol = meshvpn_inner_protocol(skb);
	if (unlikely(!skb->protocol))
		goto drop;

	rcu_read_lock_bh();
	node = meshvpn_node_get(meshvpn_routes_lookup_dst(&mv->routes, skb));
	rcu_read_unlock_bh();
	if (unlikely(!node)) {
		if (meshvpn_inner_is_broadcast(skb)) {
			meshvpn_send_broadcast(mv, skb);
			return NETDEV_TX_OK;
		}
		meshvpn_unreachable(skb);
		goto drop;
	}

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			meshvpn_node_put(node);
			goto drop;
		}
		consume_skb(skb);
		skb = segs;
	}
	meshvpn_send_list(node, skb);
	meshvpn_node_put(node);
	return NETDEV_TX_OK;

drop:
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}
