/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meshvpn.yaml */
/* YNL-GEN kernel header */
/* To regenerate run: scripts/ynl-gen.py */

#ifndef _MESHVPN_NETLINK_GEN_H
#define _MESHVPN_NETLINK_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/meshvpn.h>

#include "compat.h"

/*
 * Policies of the nested attributes of requests. The genetlink core has already
 * validated a request against them (strictly: attributes an operation does not
 * accept are rejected); handlers use them again with nla_parse_nested(). Every
 * array has room for the whole attribute set, so tb[] arrays are sized with the
 * set's _MAX.
 */
extern const struct nla_policy meshvpn_device_set_input_nl_policy[MESHVPN_A_DEVICE_MAX + 1];
extern const struct nla_policy meshvpn_keyconf_del_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1];
extern const struct nla_policy meshvpn_keyconf_get_nl_policy[MESHVPN_A_KEYCONF_MAX + 1];
extern const struct nla_policy meshvpn_keyconf_new_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1];
extern const struct nla_policy meshvpn_keyconf_swap_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1];
extern const struct nla_policy meshvpn_keydir_nl_policy[MESHVPN_A_KEYDIR_MAX + 1];
extern const struct nla_policy meshvpn_node_nl_policy[MESHVPN_A_NODE_MAX + 1];
extern const struct nla_policy meshvpn_node_del_input_nl_policy[MESHVPN_A_NODE_MAX + 1];
extern const struct nla_policy meshvpn_node_get_input_nl_policy[MESHVPN_A_NODE_MAX + 1];
extern const struct nla_policy meshvpn_node_new_input_nl_policy[MESHVPN_A_NODE_MAX + 1];
extern const struct nla_policy meshvpn_node_set_input_nl_policy[MESHVPN_A_NODE_MAX + 1];
extern const struct nla_policy meshvpn_route_del_input_nl_policy[MESHVPN_A_ROUTE_MAX + 1];
extern const struct nla_policy meshvpn_route_new_input_nl_policy[MESHVPN_A_ROUTE_MAX + 1];

/*
 * Hooks around do handlers (the spec's "pre" and "post"). Linux 6.1 calls
 * pre_doit and post_doit only for the whole family: set the family's .pre_doit
 * = meshvpn_nl_pre_doit and .post_doit = meshvpn_nl_post_doit, which run the
 * hooks of the op (named by its internal_flags). Before Linux 6.2 the op is a
 * struct genl_ops, which compat.h calls genl_split_ops there.
 */
int meshvpn_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);
void meshvpn_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			  struct genl_info *info);

/**
 * meshvpn_nl_lock_dev() - pre_doit of dev-get, dev-set, node-new, node-set,
 * node-get, node-del, key-new, key-get, key-swap, key-del, route-new, route-del
 * @ops: the operation
 * @skb: the request
 * @info: the request; state for the handler and meshvpn_nl_unlock_dev() goes in
 *	@info->user_ptr
 *
 * Return: 0 to run the handler and then meshvpn_nl_unlock_dev(), or a negative
 * errno with an extack message.
 */
int meshvpn_nl_lock_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);

/**
 * meshvpn_nl_unlock_dev() - post_doit undoing meshvpn_nl_lock_dev()
 * @ops: the operation
 * @skb: the request
 * @info: the request, as meshvpn_nl_lock_dev() left it
 */
void meshvpn_nl_unlock_dev(const struct genl_split_ops *ops,
			   struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_hold_dev() - pre_doit of msg-inject, packet-send
 * @ops: the operation
 * @skb: the request
 * @info: the request; state for the handler and meshvpn_nl_put_dev() goes in
 *	@info->user_ptr
 *
 * Return: 0 to run the handler and then meshvpn_nl_put_dev(), or a negative
 * errno with an extack message.
 */
int meshvpn_nl_hold_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);

/**
 * meshvpn_nl_put_dev() - post_doit undoing meshvpn_nl_hold_dev()
 * @ops: the operation
 * @skb: the request
 * @info: the request, as meshvpn_nl_hold_dev() left it
 */
void meshvpn_nl_put_dev(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info);

/**
 * meshvpn_nl_dev_get_doit() - MESHVPN_CMD_DEV_GET do: Get the device: local
 * node id, bound port, node and route counts, upcall-rate and what each of the
 * device's limits refused.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_DEV_GET
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_dev_set_doit() - MESHVPN_CMD_DEV_SET do: Configure the device: the
 * local node id, the UDP socket (passed by file descriptor) and the
 * upcall-rate. Attributes left out are unchanged.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_DEV_SET
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_node_new_doit() - MESHVPN_CMD_NODE_NEW do: Add a remote node. The
 * id is required and must not exist yet; a node without endpoint can only be
 * reached through a next hop.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_NODE_NEW
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_node_new_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_node_set_doit() - MESHVPN_CMD_NODE_SET do: Change an existing node
 * (endpoint, next hop, keepalive). Attributes left out are unchanged.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_NODE_SET
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_node_set_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_node_get_doit() - MESHVPN_CMD_NODE_GET do: Get one node (do, by
 * id) or all nodes (dump, one node per message) with endpoint, next hop and
 * counters. A dump that raced with a change is flagged NLM_F_DUMP_INTR.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_NODE_GET
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_node_get_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_node_get_dumpit() - MESHVPN_CMD_NODE_GET dump: Get one node (do,
 * by id) or all nodes (dump, one node per message) with endpoint, next hop and
 * counters. A dump that raced with a change is flagged NLM_F_DUMP_INTR.
 * @skb: the reply being filled
 * @cb: dump state; request attributes in genl_dumpit_info(@cb)->attrs
 *
 * Return: skb->len while there is more, 0 when done, or a negative errno.
 */
int meshvpn_nl_node_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/**
 * meshvpn_nl_node_del_doit() - MESHVPN_CMD_NODE_DEL do: Delete a node together
 * with its keys, its queued packets and the routes pointing at it. Refused
 * (EBUSY) while another node uses it as its next hop: re-point those nodes
 * first.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_NODE_DEL
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_node_del_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_key_new_doit() - MESHVPN_CMD_KEY_NEW do: Install a session key of
 * a node into a slot, replacing the key in it. Both directions are required
 * (without cipher-key for cipher-alg none).
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_KEY_NEW
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_key_get_doit() - MESHVPN_CMD_KEY_GET do: Get the non-secret data
 * of a node's key slot (cipher, phase). Key material is never returned.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_KEY_GET
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_key_get_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_key_swap_doit() - MESHVPN_CMD_KEY_SWAP do: Make a node's next key
 * the current one. The old current key moves to the next slot, so messages
 * still in flight under it decrypt; the daemon deletes or replaces it later.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_KEY_SWAP
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_key_del_doit() - MESHVPN_CMD_KEY_DEL do: Destroy the key in one
 * slot of a node.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_KEY_DEL
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_route_new_doit() - MESHVPN_CMD_ROUTE_NEW do: Route an inner IPv4
 * or IPv6 prefix to a node, replacing an existing route for the same prefix.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_ROUTE_NEW
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_route_new_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_route_del_doit() - MESHVPN_CMD_ROUTE_DEL do: Delete the route for
 * a prefix. If node-id is given, the route is only deleted when it points at
 * that node.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_ROUTE_DEL
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_route_del_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_route_get_dumpit() - MESHVPN_CMD_ROUTE_GET dump: Dump all routes,
 * one per message. A dump that raced with a change is flagged NLM_F_DUMP_INTR.
 * @skb: the reply being filled
 * @cb: dump state; request attributes in genl_dumpit_info(@cb)->attrs
 *
 * Return: skb->len while there is more, 0 when done, or a negative errno.
 */
int meshvpn_nl_route_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/**
 * meshvpn_nl_msg_inject_doit() - MESHVPN_CMD_MSG_INJECT do: A message the
 * daemon received over a meta connection, for the kernel to take as if it had
 * arrived on the UDP socket from a known node: DATA for this node is decrypted,
 * checked and delivered. It never moves an endpoint, and messages for other
 * nodes are refused (the daemon relays those itself).
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_MSG_INJECT
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_msg_inject_doit(struct sk_buff *skb, struct genl_info *info);

/**
 * meshvpn_nl_packet_send_doit() - MESHVPN_CMD_PACKET_SEND do: Encrypt an inner
 * packet for a node and send it there, like a packet routed to the node:
 * through its next hop, or staged until it has a key. The packet must be a
 * plausible IPv4 or IPv6 packet no longer than the link's MTU.
 * @skb: the request
 * @info: request attributes in @info->attrs, validated against the policy of
 *	MESHVPN_CMD_PACKET_SEND
 *
 * Return: 0 or a negative errno, with an extack message.
 */
int meshvpn_nl_packet_send_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	MESHVPN_NLGRP_EVENTS,
	MESHVPN_NLGRP_PACKETS,
};

#define MESHVPN_NL_N_OPS		15
#define MESHVPN_NL_N_MCGRPS	2

/*
 * For the family: .ops = meshvpn_nl_ops, .n_ops = ARRAY_SIZE(meshvpn_nl_ops),
 * .mcgrps = meshvpn_nl_mcgrps, .n_mcgrps = ARRAY_SIZE(meshvpn_nl_mcgrps),
 * .pre_doit = meshvpn_nl_pre_doit, .post_doit = meshvpn_nl_post_doit. Leave
 * .policy unset: every op has its own policy and maxattr.
 */
extern const struct genl_ops meshvpn_nl_ops[MESHVPN_NL_N_OPS];
extern const struct genl_multicast_group meshvpn_nl_mcgrps[MESHVPN_NL_N_MCGRPS];

/**
 * meshvpn_nla_put_uint() - put a "uint" attribute
 * @skb: message
 * @attrtype: attribute type
 * @value: value, sent as 4 bytes when it fits, else as 8
 *
 * Same encoding as nla_put_uint(), which only exists since Linux 6.7.
 *
 * Return: 0 or -EMSGSIZE.
 */
static inline int meshvpn_nla_put_uint(struct sk_buff *skb, int attrtype, u64 value)
{
	u32 value32 = value;

	if (value32 == value)
		return nla_put_u32(skb, attrtype, value32);
	return nla_put(skb, attrtype, sizeof(value), &value);
}

#endif /* _MESHVPN_NETLINK_GEN_H */
