// SPDX-License-Identifier: GPL-2.0
/*
 * The packet channel between meshvpn.ko and meshvpnd, over the "packets"
 * multicast group of the generic netlink family. Some packets need what
 * only the daemon has, its meta connections and the mesh's spanning tree:
 *
 * - msg-ntf: a message for a node whose next hop is this node's own id,
 *   encrypted as usual, which the daemon carries over a meta connection;
 *   msg-inject: the DATA messages it receives that way, handed back to the
 *   receive path;
 * - packet-ntf: a broadcast or multicast sent on the link, or received from
 *   a node, in the clear; packet-send: the daemon's copy of it for one
 *   spanning-tree neighbour, encrypted and sent like any packet routed
 *   there.
 *
 * The two requests run between meshvpn_nl_hold_dev() and
 * meshvpn_nl_put_dev() (netlink.c): they hold the device but not its
 * update_lock, so the daemon's packets never wait for configuration.
 */

#include <linux/netdevice.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/meshvpn.h>
#include <meshvpn/wire.h>

#include "daemon_channel.h"
#include "device.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "node.h"
#include "receive.h"
#include "send.h"

/*
 * Copy @skb into a notification @cmd, as attribute @attr, with the id of
 * node @from if given, for every listener of the "packets" group.
 */
static int meshvpn_nl_to_daemon(struct net_device *dev, u8 cmd, int attr,
				const struct sk_buff *skb,
				const struct meshvpn_node *from)
{
	struct nlattr *data, *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)) + nla_total_size(skb->len) +
			  nla_total_size(nla_total_size_64bit(sizeof(u64))),
			  GFP_ATOMIC);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &meshvpn_nl_family, 0, cmd);
	if (!hdr || nla_put_u32(msg, MESHVPN_A_IFINDEX, dev->ifindex))
		goto free;
	if (from) {
		nest = nla_nest_start(msg, MESHVPN_A_NODE);
		if (!nest || meshvpn_nl_put_node_id(msg, MESHVPN_A_NODE_ID,
						    from->id, MESHVPN_A_NODE_PAD))
			goto free;
		nla_nest_end(msg, nest);
	}
	data = nla_reserve(msg, attr, skb->len);
	if (!data || skb_copy_bits(skb, 0, nla_data(data), skb->len))
		goto free;
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&meshvpn_nl_family, dev_net(dev), msg, 0,
				       MESHVPN_NLGRP_PACKETS, GFP_ATOMIC);
free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * meshvpn_nl_send_to_daemon() - hand a message to the daemon (msg-ntf)
 * @node: the node the message is for, counted on
 * @skb: the whole message, header first; consumed
 *
 * Every listener of the "packets" group gets a copy; the daemon of the
 * device sends it over the meta connection towards @node.
 *
 * Return: 0, or a negative errno when no daemon took it (counted).
 */
int meshvpn_nl_send_to_daemon(struct meshvpn_node *node, struct sk_buff *skb)
{
	int ret = meshvpn_nl_to_daemon(node->mv->dev, MESHVPN_CMD_MSG_NTF,
				       MESHVPN_A_MSG, skb, NULL);

	if (ret) {
		meshvpn_node_count(node, MESHVPN_STAT_DAEMON_DROPS, 1);
		kfree_skb(skb);
		return ret;
	}
	meshvpn_node_count(node, MESHVPN_STAT_DAEMON_PACKETS, 1);
	consume_skb(skb);
	return 0;
}

/**
 * meshvpn_nl_packet_to_daemon() - hand a broadcast to the daemon (packet-ntf)
 * @mv: the device
 * @from: the node it came from, or NULL when this host sent it
 * @skb: the inner packet, complete (no partial checksum); not consumed
 *
 * The daemon sends it on along the spanning tree with packet-send.
 *
 * Return: 0, or a negative errno when no daemon took it.
 */
int meshvpn_nl_packet_to_daemon(struct meshvpn_device *mv,
				struct meshvpn_node *from,
				const struct sk_buff *skb)
{
	return meshvpn_nl_to_daemon(mv->dev, MESHVPN_CMD_PACKET_NTF,
				    MESHVPN_A_PACKET, skb, from);
}

int meshvpn_nl_packet_send_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	struct meshvpn_device *mv = info->user_ptr[0];
	struct meshvpn_node *node;
	struct sk_buff *packet;
	struct nlattr *attr;
	int ret;

	if (MESHVPN_NL_REQUIRE(info->extack, NULL, info->attrs, MESHVPN_A_PACKET,
			       "packet"))
		return -EINVAL;
	ret = meshvpn_nl_parse_nest(info, MESHVPN_A_NODE, MESHVPN_A_NODE_MAX,
				    meshvpn_node_get_input_nl_policy, tb);
	if (ret)
		return ret;
	if (MESHVPN_NL_REQUIRE(info->extack, info->attrs[MESHVPN_A_NODE], tb,
			       MESHVPN_A_NODE_ID, "node id"))
		return -EINVAL;
	attr = info->attrs[MESHVPN_A_PACKET];
	if (nla_len(attr) > READ_ONCE(mv->dev->mtu)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "packet is larger than the link's MTU");
		return -EMSGSIZE;
	}
	packet = alloc_skb(MESHVPN_TX_HEADROOM + nla_len(attr) +
			   MESHVPN_AEAD_TAG_LEN, GFP_KERNEL);
	if (!packet)
		return -ENOMEM;
	skb_reserve(packet, MESHVPN_TX_HEADROOM);
	skb_put_data(packet, nla_data(attr), nla_len(attr));
	skb_reset_network_header(packet);
	packet->dev = mv->dev;
	if (!meshvpn_inner_packet_ok(packet)) {
		kfree_skb(packet);
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "not an IPv4 or IPv6 packet of its own length");
		return -EINVAL;
	}
	/* No update_lock here: hold the node against a concurrent node-del. */
	rcu_read_lock();
	node = meshvpn_node_get(meshvpn_node_lookup(mv,
						    nla_get_u64(tb[MESHVPN_A_NODE_ID])));
	rcu_read_unlock();
	if (!node) {
		kfree_skb(packet);
		NL_SET_ERR_MSG_ATTR(info->extack, tb[MESHVPN_A_NODE_ID],
				    "no node with this id");
		return -ENOENT;
	}
	meshvpn_send_packet(node, packet);
	meshvpn_node_put(node);
	return 0;
}

int meshvpn_nl_msg_inject_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct meshvpn_device *mv = info->user_ptr[0];
	const struct meshvpn_hdr *hdr;
	struct sk_buff *msg;
	struct nlattr *attr;
	int ret;

	if (MESHVPN_NL_REQUIRE(info->extack, NULL, info->attrs, MESHVPN_A_MSG,
			       "message"))
		return -EINVAL;
	attr = info->attrs[MESHVPN_A_MSG];
	hdr = nla_data(attr);
	if (hdr->type != MESHVPN_MSG_DATA) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "only DATA messages are taken, the daemon handles the rest");
		return -EOPNOTSUPP;
	}
	if (!READ_ONCE(mv->local_node_id) ||
	    meshvpn_node_id_get(hdr->dst) != READ_ONCE(mv->local_node_id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "message is not for this node: the daemon relays it");
		return -EINVAL;
	}
	/*
	 * Built as the socket would pass it, at a UDP header, which the
	 * receive path skips.
	 */
	msg = alloc_skb(NET_SKB_PAD + sizeof(struct udphdr) + nla_len(attr),
			GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	skb_reserve(msg, NET_SKB_PAD);
	skb_reset_transport_header(msg);
	skb_put_zero(msg, sizeof(struct udphdr));
	skb_put_data(msg, nla_data(attr), nla_len(attr));
	ret = meshvpn_receive_from_daemon(mv, msg);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no node has the message's source id");
	return ret;
}
