// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: every message on the attached socket passes through
 * meshvpn_udp_encap_recv() first. Messages for other nodes are relayed
 * without decryption, DATA for this node is verified, decrypted and
 * delivered, and everything else goes to the daemon untouched
 * (Documentation/protocol.md, sections 3, 6 and 7).
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/gro_cells.h>
#include <net/ip.h>
#include <net/udp.h>

#include <meshvpn/wire.h>

#include "compat.h"
#include "daemon_channel.h"
#include "device.h"
#include "netlink.h"
#include "node.h"
#include "parallel.h"
#include "ratelimit.h"
#include "receive.h"
#include "route.h"
#include "socket.h"

#define MESHVPN_RX_HDR_LEN (sizeof(struct udphdr) + MESHVPN_HDR_LEN)

static struct meshvpn_hdr *meshvpn_rx_hdr(struct sk_buff *skb)
{
	return (struct meshvpn_hdr *)(skb_transport_header(skb) +
				      sizeof(struct udphdr));
}

/*
 * Section 2 of the protocol: a header with an unknown type, unknown flags
 * or a non-zero reserved byte is dropped, by a relay as by the receiver,
 * so that no relay carries messages the protocol does not define.
 */
static bool meshvpn_hdr_valid(const struct meshvpn_hdr *hdr)
{
	return hdr->type >= MESHVPN_MSG_DATA &&
	       hdr->type <= MESHVPN_MSG_SESSION &&
	       !(hdr->flags & ~MESHVPN_FLAGS_KNOWN) && !hdr->reserved;
}

/**
 * meshvpn_inner_packet_ok() - check an inner packet and set its protocol
 * @skb: the packet, at its IP header
 *
 * The packet must be plausible IPv4 or IPv6, its own length must fit what
 * there is, and anything past it is trimmed.
 *
 * Return: true if it is fit to be delivered or sent.
 */
bool meshvpn_inner_packet_ok(struct sk_buff *skb)
{
	unsigned int len;

	if (!pskb_may_pull(skb, 1))
		return false;
	skb_reset_network_header(skb);
	switch (skb->data[0] >> 4) {
	case 4:
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			return false;
		len = ntohs(ip_hdr(skb)->tot_len);
		if (len < sizeof(struct iphdr) || len > skb->len)
			return false;
		skb->protocol = htons(ETH_P_IP);
		break;
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return false;
		len = sizeof(struct ipv6hdr) +
		      ntohs(ipv6_hdr(skb)->payload_len);
		if (len > skb->len)
			return false;
		skb->protocol = htons(ETH_P_IPV6);
		break;
	default:
		return false;
	}
	return !pskb_trim(skb, len);
}

/* Move an endpoint only on an authenticated message that came directly. */
static void meshvpn_maybe_moved(struct meshvpn_node *node,
				struct meshvpn_key *key, u8 ttl,
				const struct meshvpn_endpoint *from)
{
	struct meshvpn_endpoint cur;

	/* From the daemon (a meta connection): no endpoint to learn. */
	if (from->addr.sa.sa_family == AF_UNSPEC)
		return;
	if (key->alg == MESHVPN_CIPHER_ALG_NONE || ttl != MESHVPN_DEFAULT_TTL ||
	    READ_ONCE(node->next_hop) != node->id)
		return;
	spin_lock_bh(&node->endpoint_lock);
	cur = node->endpoint;
	spin_unlock_bh(&node->endpoint_lock);
	if (meshvpn_endpoint_eq(&cur, from))
		return;

	/* Without memory the move waits for the next message. */
	if (!meshvpn_node_set_endpoint(node, from, GFP_ATOMIC))
		meshvpn_nl_notify_endpoint_moved(node);
}

static void meshvpn_deliver(struct meshvpn_device *mv,
			    struct meshvpn_node *node, struct sk_buff *skb,
			    bool authenticated, bool xnet)
{
	struct net_device *dev = mv->dev;
	unsigned int len;

	skb_scrub_packet(skb, xnet);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);
	/* The tag covered the whole inner packet; without a cipher nothing
	 * vouches for it, so its checksums are checked as usual.
	 */
	skb->ip_summed = authenticated ? CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	skb->csum_level = authenticated ? ~0 : 0;

	len = skb->len;
	if (likely(gro_cells_receive(&mv->gro_cells, skb) == NET_RX_SUCCESS)) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_PACKETS, 1);
		meshvpn_node_count(node, MESHVPN_STAT_RX_BYTES, len);
		dev_sw_netstats_rx_add(dev, len);
	} else {
		DEV_STATS_INC(dev, rx_dropped);
	}
}

/*
 * The message came from where its sender's messages come: the sender's own
 * endpoint, or that of the relay it is reached through. Caller holds RCU.
 */
static bool meshvpn_from_path(struct meshvpn_node *node,
			      const struct meshvpn_endpoint *from)
{
	u64 next_hop = READ_ONCE(node->next_hop);
	struct meshvpn_endpoint_entry *entry;
	struct meshvpn_node *via = node;

	if (next_hop != node->id) {
		via = meshvpn_node_lookup(node->mv, next_hop);
		if (!via)
			return false;
	}
	entry = rcu_dereference(via->ep_entry);
	return entry && meshvpn_endpoint_eq(&entry->ep, from);
}

/*
 * A message from off its sender's path costs a decryption before anything
 * is known about it, and anyone can send one with a (public) source id.
 * Such messages get only a small share of the node's and of the device's
 * decryption jobs, so that a flood of forgeries cannot push out the
 * messages that come from the path. A sender that really moved is off path
 * only until its first message verifies and moves its endpoint. The shares
 * are MESHVPN_OFF_PATH_JOBS_PER_NODE and MESHVPN_OFF_PATH_JOBS.
 */
static bool meshvpn_off_path_get(struct meshvpn_device *mv,
				 struct meshvpn_node *node)
{
	if (atomic_inc_return(&node->rx_off_path) >
	    MESHVPN_OFF_PATH_JOBS_PER_NODE) {
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_OFF_PATH_NODE);
		goto node_full;
	}
	if (atomic_inc_return(&mv->rx_off_path) > MESHVPN_OFF_PATH_JOBS) {
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_OFF_PATH);
		goto device_full;
	}
	return true;

device_full:
	atomic_dec(&mv->rx_off_path);
node_full:
	atomic_dec(&node->rx_off_path);
	return false;
}

static void meshvpn_off_path_put(struct meshvpn_device *mv,
				 struct meshvpn_node *node, bool off_path)
{
	if (!off_path)
		return;
	atomic_dec(&node->rx_off_path);
	atomic_dec(&mv->rx_off_path);
}

/* In arrival order, bottom halves disabled: check and deliver. */
static void meshvpn_rx_finish(struct meshvpn_crypt_job *job)
{
	struct meshvpn_node *node = job->node, *owner;
	struct meshvpn_device *mv = node->mv;
	struct sk_buff *skb = job->skb;
	bool broadcast, rpf_ok;

	if (unlikely(atomic_read(&job->state) == MESHVPN_JOB_DEAD))
		goto drop;
	if (unlikely(job->err)) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_DECRYPT_ERRORS, 1);
		goto drop;
	}
	/* Only an authentic message may move the window. */
	if (unlikely(!meshvpn_replay_accept(&job->key->replay, job->counter))) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_REPLAY_DROPS, 1);
		goto drop;
	}

	WRITE_ONCE(node->last_rx, ktime_get_boottime_seconds());
	meshvpn_maybe_moved(node, job->key, job->ttl, &job->from);
	__skb_pull(skb, MESHVPN_HDR_LEN);

	if (!skb->len) {
		/* A keepalive: it kept the path open, nothing to deliver. */
		consume_skb(skb);
		goto out;
	}
	if (unlikely(!meshvpn_inner_packet_ok(skb))) {
		DEV_STATS_INC(mv->dev, rx_errors);
		goto drop;
	}
	/*
	 * A broadcast comes along the spanning tree: its source must belong
	 * to a node whose broadcasts come through the tree neighbour that
	 * sent it, so that no member floods one in another member's name.
	 */
	broadcast = meshvpn_inner_is_broadcast(skb);
	rcu_read_lock_bh();
	owner = meshvpn_routes_lookup_src(&mv->routes, skb);
	rpf_ok = broadcast ?
		 owner && READ_ONCE(owner->broadcast_via) == node->id :
		 owner == node;
	rcu_read_unlock_bh();
	if (unlikely(!rpf_ok)) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_RPF_DROPS, 1);
		goto drop;
	}
	/* Delivered here, and sent on by the daemon. */
	if (unlikely(broadcast))
		meshvpn_nl_packet_to_daemon(mv, node, skb);
	meshvpn_deliver(mv, node, skb,
			job->key->alg != MESHVPN_CIPHER_ALG_NONE, job->xnet);
	goto out;

drop:
	DEV_STATS_INC(mv->dev, rx_dropped);
	kfree_skb(skb);
out:
	meshvpn_off_path_put(mv, node, job->off_path);
	meshvpn_crypt_job_free(job);
}

/* On any CPU. */
static void meshvpn_rx_crypt(struct meshvpn_crypt_job *job)
{
	job->err = meshvpn_key_decrypt(job->key, job->skb, job->counter);
}

/**
 * meshvpn_receive_init() - set up a device's decryption on every CPU
 * @mv: the device
 *
 * Return: 0 or -ENOMEM.
 */
int meshvpn_receive_init(struct meshvpn_device *mv)
{
	return meshvpn_crypt_ring_init(&mv->rx_ring, meshvpn_rx_crypt,
				       meshvpn_rx_finish);
}

/*
 * A DATA message for this node: cheap checks, then queue it for decryption.
 * @from is the outer source, or NULL for a message the daemon received over
 * a meta connection (authenticated there, and no endpoint to learn).
 *
 * Return: 0, or -ENOENT when no node has the message's source id.
 */
static int meshvpn_receive_data(struct meshvpn_device *mv,
				struct sk_buff *skb,
				const struct meshvpn_endpoint *from, bool xnet)
{
	struct meshvpn_crypt_job *job;
	struct meshvpn_node *node;
	struct meshvpn_key *key;
	struct meshvpn_hdr *hdr;
	bool off_path;
	u64 counter;
	u8 ttl;

	hdr = meshvpn_rx_hdr(skb);
	if (unlikely((hdr->flags & ~MESHVPN_FLAGS_KNOWN) || hdr->reserved))
		goto drop_error;
	node = meshvpn_node_lookup(mv, meshvpn_node_id_get(hdr->src));
	if (unlikely(!node)) {
		DEV_STATS_INC(mv->dev, rx_errors);
		kfree_skb(skb);
		return -ENOENT;
	}

	key = meshvpn_keys_get_phase(&node->keys,
				     hdr->flags & MESHVPN_FLAG_KEY_PHASE);
	if (unlikely(!key)) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_DECRYPT_ERRORS, 1);
		goto drop;
	}
	/*
	 * A key past REJECT_AFTER_SECONDS decrypts nothing, as it encrypts
	 * nothing (protocol.md, section 5): an old "next" key must not
	 * stay usable forever.
	 */
	if (unlikely(meshvpn_key_expired(key))) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_DECRYPT_ERRORS, 1);
		goto drop_key;
	}
	off_path = from && !meshvpn_from_path(node, from);
	/*
	 * Cipher none authenticates nothing, so its messages are taken only
	 * from the sender's path, and never move an endpoint or, before this
	 * check, the replay window (Documentation/protocol.md, section 4).
	 */
	if (key->alg == MESHVPN_CIPHER_ALG_NONE && off_path) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_DECRYPT_ERRORS, 1);
		goto drop_key;
	}
	counter = get_unaligned_be64(&hdr->counter);
	if (unlikely(meshvpn_replay_too_old(&key->replay, counter))) {
		meshvpn_node_count(node, MESHVPN_STAT_RX_REPLAY_DROPS, 1);
		goto drop_key;
	}
	if (off_path && !meshvpn_off_path_get(mv, node))
		goto drop_key;

	/* From here on the message is ours to change: drop the UDP header
	 * and take the TTL out of the associated data.
	 */
	__skb_pull(skb, sizeof(struct udphdr));
	if (skb_ensure_writable(skb, MESHVPN_HDR_LEN))
		goto drop_key;
	ttl = skb->data[MESHVPN_HDR_TTL_OFFSET];
	skb->data[MESHVPN_HDR_TTL_OFFSET] = 0;

	job = meshvpn_crypt_job_new(node, key, skb, counter);
	if (unlikely(!job))
		goto drop_off_path;
	job->ttl = ttl;
	job->xnet = xnet;
	job->off_path = off_path;
	if (from)
		job->from = *from;
	if (unlikely(meshvpn_crypt_job_submit(&mv->rx_ring, &node->rx_jobs,
					      job))) {
		meshvpn_limit_refused(mv, MESHVPN_LIMIT_RX_JOBS);
		meshvpn_off_path_put(mv, node, off_path);
		meshvpn_crypt_job_free(job);
		goto drop;
	}
	return 0;

drop_off_path:
	meshvpn_off_path_put(mv, node, off_path);
drop_key:
	meshvpn_key_put(key);
drop:
	DEV_STATS_INC(mv->dev, rx_dropped);
	kfree_skb(skb);
	return 0;
drop_error:
	DEV_STATS_INC(mv->dev, rx_errors);
	kfree_skb(skb);
	return 0;
}

/**
 * meshvpn_receive_from_daemon() - take a DATA message from a meta connection
 * @mv: the device
 * @skb: the message for this node, at a UDP header as the socket passes it;
 *	consumed
 *
 * The daemon received it over TCP (the fallback, or a TCPOnly node). It is
 * decrypted, checked and delivered like one from the socket, in process
 * context here instead of softirq.
 *
 * Return: 0 (queued, or dropped and counted), or -ENOENT when no node has
 * its source id.
 */
int meshvpn_receive_from_daemon(struct meshvpn_device *mv, struct sk_buff *skb)
{
	int ret;

	local_bh_disable();
	rcu_read_lock();
	ret = meshvpn_receive_data(mv, skb, NULL, false);
	rcu_read_unlock();
	local_bh_enable();
	return ret;
}

/*
 * Forward a message for another node, unchanged but for its TTL, to that
 * node's next hop. Only members of the mesh may use a relay: a message from
 * an address that is no known node's endpoint is dropped, so the relay can
 * never be made to reflect traffic at someone.
 */
static void meshvpn_relay(struct meshvpn_device *mv, struct sk_buff *skb,
			  u64 dst_id)
{
	struct meshvpn_node *from, *dst, *via = NULL;
	struct meshvpn_hdr *hdr = meshvpn_rx_hdr(skb);
	u64 src_id = meshvpn_node_id_get(hdr->src);
	u8 ttl = hdr->ttl;
	bool to_daemon;

	from = meshvpn_node_lookup_endpoint(mv, skb);
	if (!from)
		goto drop;
	dst = meshvpn_node_lookup(mv, dst_id);
	if (!dst || src_id == mv->local_node_id || src_id == dst_id ||
	    ttl <= 1)
		goto drop;
	to_daemon = meshvpn_node_via_daemon(dst);
	if (!to_daemon) {
		via = READ_ONCE(dst->next_hop) == dst->id ?
		      dst : meshvpn_node_lookup(mv, READ_ONCE(dst->next_hop));
		if (!via || via == from)
			goto drop;
	}

	__skb_pull(skb, sizeof(struct udphdr));
	if (skb_ensure_writable(skb, MESHVPN_HDR_LEN))
		goto drop;
	skb->data[MESHVPN_HDR_TTL_OFFSET] = ttl - 1;
	nf_reset_ct(skb);

	meshvpn_node_count(dst, MESHVPN_STAT_RELAY_PACKETS, 1);
	meshvpn_node_count(dst, MESHVPN_STAT_RELAY_BYTES, skb->len);
	if (to_daemon)
		meshvpn_nl_send_to_daemon(dst, skb);
	else if (meshvpn_socket_send(mv, via, skb))
		DEV_STATS_INC(mv->dev, tx_errors);
	return;

drop:
	DEV_STATS_INC(mv->dev, rx_dropped);
	kfree_skb(skb);
}

/**
 * meshvpn_udp_encap_recv() - first look at every message on the socket
 * @sk: the attached UDP socket
 * @skb: the message, at its UDP header
 *
 * Everything but DATA for this node and messages to relay goes up to the
 * daemon, at most upcall-rate messages per second per source (ratelimit.c).
 *
 * Return: 0 when the kernel took the message, 1 to pass it to userspace.
 */
int meshvpn_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct meshvpn_socket *ms = rcu_dereference_sk_user_data(sk);
	struct meshvpn_endpoint from;
	struct meshvpn_device *mv;
	struct meshvpn_hdr *hdr;
	u64 local_id, dst_id;

	if (unlikely(!ms))
		return 1;
	mv = ms->mv;
	local_id = READ_ONCE(mv->local_node_id);
	/* No identity yet: the daemon decides. */
	if (!local_id)
		return 1;
	/* Too short to be ours: the daemon decides, within its budget. */
	if (!pskb_may_pull(skb, MESHVPN_RX_HDR_LEN))
		return meshvpn_upcall_allowed(mv, skb);

	skb_reset_transport_header(skb);
	hdr = meshvpn_rx_hdr(skb);
	dst_id = meshvpn_node_id_get(hdr->dst);
	if (dst_id != local_id) {
		if (unlikely(!meshvpn_hdr_valid(hdr))) {
			DEV_STATS_INC(mv->dev, rx_errors);
			kfree_skb(skb);
			return 0;
		}
		meshvpn_relay(mv, skb, dst_id);
		return 0;
	}
	if (hdr->type != MESHVPN_MSG_DATA)
		return meshvpn_upcall_allowed(mv, skb);
	if (!meshvpn_endpoint_from_skb(&from, skb)) {
		DEV_STATS_INC(mv->dev, rx_errors);
		kfree_skb(skb);
		return 0;
	}
	meshvpn_receive_data(mv, skb, &from,
			     !net_eq(sock_net(sk), dev_net(mv->dev)));
	return 0;
}
