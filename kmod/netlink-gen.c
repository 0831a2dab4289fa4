// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meshvpn.yaml */
/* YNL-GEN kernel source */
/* To regenerate run: scripts/ynl-gen.py */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

/* internal_flags of an op: the hooks around its doit */
enum {
	MESHVPN_NL_HOOKS_NONE,
	MESHVPN_NL_HOOKS_LOCK_DEV,
	MESHVPN_NL_HOOKS_HOLD_DEV,
};

/*
 * Integer value ranges. Not const: in Linux 6.1 nla_policy.range is a
 * pointer to non-const.
 */
static struct netlink_range_validation meshvpn_a_device_local_node_id_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

static struct netlink_range_validation meshvpn_a_device_upcall_rate_range = {
	.min	= 1ULL,
	.max	= MESHVPN_UPCALL_RATE_MAX,
};

static struct netlink_range_validation meshvpn_a_keyconf_node_id_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

static struct netlink_range_validation meshvpn_a_node_broadcast_via_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

static struct netlink_range_validation meshvpn_a_node_id_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

static struct netlink_range_validation meshvpn_a_node_next_hop_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

static struct netlink_range_validation meshvpn_a_route_node_id_range = {
	.min	= 1ULL,
	.max	= MESHVPN_NODE_ID_MAX,
};

/* Nested attribute policies */
const struct nla_policy meshvpn_device_set_input_nl_policy[MESHVPN_A_DEVICE_MAX + 1] = {
	[MESHVPN_A_DEVICE_LOCAL_NODE_ID] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_device_local_node_id_range),
	[MESHVPN_A_DEVICE_SOCKET] = { .type = NLA_U32, },
	[MESHVPN_A_DEVICE_UPCALL_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &meshvpn_a_device_upcall_rate_range),
};

const struct nla_policy meshvpn_keyconf_del_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_keyconf_node_id_range),
	[MESHVPN_A_KEYCONF_SLOT] = NLA_POLICY_MAX(NLA_U32, 1),
};

const struct nla_policy meshvpn_keyconf_get_nl_policy[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_keyconf_node_id_range),
	[MESHVPN_A_KEYCONF_SLOT] = NLA_POLICY_MAX(NLA_U32, 1),
	[MESHVPN_A_KEYCONF_CIPHER_ALG] = NLA_POLICY_MAX(NLA_U32, 2),
	[MESHVPN_A_KEYCONF_PHASE] = NLA_POLICY_MAX(NLA_U8, 1),
};

const struct nla_policy meshvpn_keyconf_new_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_keyconf_node_id_range),
	[MESHVPN_A_KEYCONF_SLOT] = NLA_POLICY_MAX(NLA_U32, 1),
	[MESHVPN_A_KEYCONF_CIPHER_ALG] = NLA_POLICY_MAX(NLA_U32, 2),
	[MESHVPN_A_KEYCONF_PHASE] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHVPN_A_KEYCONF_ENCRYPT_DIR] = NLA_POLICY_NESTED(meshvpn_keydir_nl_policy),
	[MESHVPN_A_KEYCONF_DECRYPT_DIR] = NLA_POLICY_NESTED(meshvpn_keydir_nl_policy),
};

const struct nla_policy meshvpn_keyconf_swap_input_nl_policy[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_keyconf_node_id_range),
};

const struct nla_policy meshvpn_keydir_nl_policy[MESHVPN_A_KEYDIR_MAX + 1] = {
	[MESHVPN_A_KEYDIR_CIPHER_KEY] = NLA_POLICY_EXACT_LEN(MESHVPN_KEY_LEN),
};

const struct nla_policy meshvpn_node_nl_policy[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_id_range),
	[MESHVPN_A_NODE_REMOTE_IPV4] = { .type = NLA_BE32, },
	[MESHVPN_A_NODE_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID] = { .type = NLA_U32, },
	[MESHVPN_A_NODE_REMOTE_PORT] = NLA_POLICY_MIN(NLA_BE16, 1),
	[MESHVPN_A_NODE_NEXT_HOP] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_next_hop_range),
	[MESHVPN_A_NODE_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32, 3600),
	[MESHVPN_A_NODE_RX_BYTES] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RX_PACKETS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_TX_BYTES] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_TX_PACKETS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RX_DECRYPT_ERRORS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RX_REPLAY_DROPS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RX_RPF_DROPS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_TX_NO_KEY_DROPS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RELAY_PACKETS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_RELAY_BYTES] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_LAST_RX] = { .type = NLA_U64, },
	[MESHVPN_A_NODE_DAEMON_PACKETS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_DAEMON_DROPS] = { .type = NLA_REJECT, },
	[MESHVPN_A_NODE_BROADCAST_VIA] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_broadcast_via_range),
};

const struct nla_policy meshvpn_node_del_input_nl_policy[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_id_range),
};

const struct nla_policy meshvpn_node_get_input_nl_policy[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_id_range),
};

const struct nla_policy meshvpn_node_new_input_nl_policy[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_id_range),
	[MESHVPN_A_NODE_REMOTE_IPV4] = { .type = NLA_BE32, },
	[MESHVPN_A_NODE_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID] = { .type = NLA_U32, },
	[MESHVPN_A_NODE_REMOTE_PORT] = NLA_POLICY_MIN(NLA_BE16, 1),
	[MESHVPN_A_NODE_NEXT_HOP] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_next_hop_range),
	[MESHVPN_A_NODE_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32, 3600),
	[MESHVPN_A_NODE_BROADCAST_VIA] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_broadcast_via_range),
};

const struct nla_policy meshvpn_node_set_input_nl_policy[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_id_range),
	[MESHVPN_A_NODE_REMOTE_IPV4] = { .type = NLA_BE32, },
	[MESHVPN_A_NODE_REMOTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID] = { .type = NLA_U32, },
	[MESHVPN_A_NODE_REMOTE_PORT] = NLA_POLICY_MIN(NLA_BE16, 1),
	[MESHVPN_A_NODE_NEXT_HOP] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_next_hop_range),
	[MESHVPN_A_NODE_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32, 3600),
	[MESHVPN_A_NODE_BROADCAST_VIA] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_node_broadcast_via_range),
};

const struct nla_policy meshvpn_route_del_input_nl_policy[MESHVPN_A_ROUTE_MAX + 1] = {
	[MESHVPN_A_ROUTE_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_route_node_id_range),
	[MESHVPN_A_ROUTE_IPV4] = { .type = NLA_BE32, },
	[MESHVPN_A_ROUTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[MESHVPN_A_ROUTE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy meshvpn_route_new_input_nl_policy[MESHVPN_A_ROUTE_MAX + 1] = {
	[MESHVPN_A_ROUTE_NODE_ID] = NLA_POLICY_FULL_RANGE(NLA_U64, &meshvpn_a_route_node_id_range),
	[MESHVPN_A_ROUTE_IPV4] = { .type = NLA_BE32, },
	[MESHVPN_A_ROUTE_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[MESHVPN_A_ROUTE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

/* MESHVPN_CMD_DEV_GET - do */
static const struct nla_policy meshvpn_dev_get_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
};

/* MESHVPN_CMD_DEV_SET - do */
static const struct nla_policy meshvpn_dev_set_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_DEV] = NLA_POLICY_NESTED(meshvpn_device_set_input_nl_policy),
};

/* MESHVPN_CMD_NODE_NEW - do */
static const struct nla_policy meshvpn_node_new_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_NODE] = NLA_POLICY_NESTED(meshvpn_node_new_input_nl_policy),
};

/* MESHVPN_CMD_NODE_SET - do */
static const struct nla_policy meshvpn_node_set_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_NODE] = NLA_POLICY_NESTED(meshvpn_node_set_input_nl_policy),
};

/* MESHVPN_CMD_NODE_GET - do + dump */
static const struct nla_policy meshvpn_node_get_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_NODE] = NLA_POLICY_NESTED(meshvpn_node_nl_policy),
};

/* MESHVPN_CMD_NODE_DEL - do */
static const struct nla_policy meshvpn_node_del_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_NODE] = NLA_POLICY_NESTED(meshvpn_node_del_input_nl_policy),
};

/* MESHVPN_CMD_KEY_NEW - do */
static const struct nla_policy meshvpn_key_new_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_KEYCONF] = NLA_POLICY_NESTED(meshvpn_keyconf_new_input_nl_policy),
};

/* MESHVPN_CMD_KEY_GET - do */
static const struct nla_policy meshvpn_key_get_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_KEYCONF] = NLA_POLICY_NESTED(meshvpn_keyconf_get_nl_policy),
};

/* MESHVPN_CMD_KEY_SWAP - do */
static const struct nla_policy meshvpn_key_swap_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_KEYCONF] = NLA_POLICY_NESTED(meshvpn_keyconf_swap_input_nl_policy),
};

/* MESHVPN_CMD_KEY_DEL - do */
static const struct nla_policy meshvpn_key_del_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_KEYCONF] = NLA_POLICY_NESTED(meshvpn_keyconf_del_input_nl_policy),
};

/* MESHVPN_CMD_ROUTE_NEW - do */
static const struct nla_policy meshvpn_route_new_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_ROUTE] = NLA_POLICY_NESTED(meshvpn_route_new_input_nl_policy),
};

/* MESHVPN_CMD_ROUTE_DEL - do */
static const struct nla_policy meshvpn_route_del_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_ROUTE] = NLA_POLICY_NESTED(meshvpn_route_del_input_nl_policy),
};

/* MESHVPN_CMD_ROUTE_GET - dump */
static const struct nla_policy meshvpn_route_get_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
};

/* MESHVPN_CMD_MSG_INJECT - do */
static const struct nla_policy meshvpn_msg_inject_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_MSG] = NLA_POLICY_MIN_LEN(MESHVPN_MSG_LEN_MIN),
};

/* MESHVPN_CMD_PACKET_SEND - do */
static const struct nla_policy meshvpn_packet_send_nl_policy[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { .type = NLA_U32, },
	[MESHVPN_A_NODE] = NLA_POLICY_NESTED(meshvpn_node_get_input_nl_policy),
	[MESHVPN_A_PACKET] = NLA_POLICY_MIN_LEN(MESHVPN_PACKET_LEN_MIN),
};

/* Ops table for meshvpn */
const struct genl_ops meshvpn_nl_ops[MESHVPN_NL_N_OPS] = {
	{
		.cmd		= MESHVPN_CMD_DEV_GET,
		.doit		= meshvpn_nl_dev_get_doit,
		.policy		= meshvpn_dev_get_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_DEV_SET,
		.doit		= meshvpn_nl_dev_set_doit,
		.policy		= meshvpn_dev_set_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_NODE_NEW,
		.doit		= meshvpn_nl_node_new_doit,
		.policy		= meshvpn_node_new_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_NODE_SET,
		.doit		= meshvpn_nl_node_set_doit,
		.policy		= meshvpn_node_set_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_NODE_GET,
		.doit		= meshvpn_nl_node_get_doit,
		.dumpit		= meshvpn_nl_node_get_dumpit,
		.policy		= meshvpn_node_get_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_NODE_DEL,
		.doit		= meshvpn_nl_node_del_doit,
		.policy		= meshvpn_node_del_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_KEY_NEW,
		.doit		= meshvpn_nl_key_new_doit,
		.policy		= meshvpn_key_new_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_KEY_GET,
		.doit		= meshvpn_nl_key_get_doit,
		.policy		= meshvpn_key_get_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_KEY_SWAP,
		.doit		= meshvpn_nl_key_swap_doit,
		.policy		= meshvpn_key_swap_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_KEY_DEL,
		.doit		= meshvpn_nl_key_del_doit,
		.policy		= meshvpn_key_del_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_ROUTE_NEW,
		.doit		= meshvpn_nl_route_new_doit,
		.policy		= meshvpn_route_new_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_ROUTE_DEL,
		.doit		= meshvpn_nl_route_del_doit,
		.policy		= meshvpn_route_del_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_LOCK_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_ROUTE_GET,
		.dumpit		= meshvpn_nl_route_get_dumpit,
		.policy		= meshvpn_route_get_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_MSG_INJECT,
		.doit		= meshvpn_nl_msg_inject_doit,
		.policy		= meshvpn_msg_inject_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_HOLD_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
	{
		.cmd		= MESHVPN_CMD_PACKET_SEND,
		.doit		= meshvpn_nl_packet_send_doit,
		.policy		= meshvpn_packet_send_nl_policy,
		.maxattr	= MESHVPN_A_MAX,
		.internal_flags	= MESHVPN_NL_HOOKS_HOLD_DEV,
		.flags		= GENL_ADMIN_PERM,
	},
};

/*
 * Joining an admin-perm group needs CAP_NET_ADMIN: GENL_MCAST_CAP_NET_ADMIN
 * since Linux 6.7, GENL_UNS_ADMIN_PERM before (honoured by 6.1.y stable).
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define MESHVPN_NL_MCGRP_ADMIN_PERM	GENL_MCAST_CAP_NET_ADMIN
#else
#define MESHVPN_NL_MCGRP_ADMIN_PERM	GENL_UNS_ADMIN_PERM
#endif

const struct genl_multicast_group meshvpn_nl_mcgrps[MESHVPN_NL_N_MCGRPS] = {
	[MESHVPN_NLGRP_EVENTS] = {
		.name	= MESHVPN_MCGRP_EVENTS,
		.flags	= MESHVPN_NL_MCGRP_ADMIN_PERM,
	},
	[MESHVPN_NLGRP_PACKETS] = {
		.name	= MESHVPN_MCGRP_PACKETS,
		.flags	= MESHVPN_NL_MCGRP_ADMIN_PERM,
	},
};

/* The family's pre_doit: the op's pre hook, if it has one */
int meshvpn_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			struct genl_info *info)
{
	switch (ops->internal_flags) {
	case MESHVPN_NL_HOOKS_LOCK_DEV:
		return meshvpn_nl_lock_dev(ops, skb, info);
	case MESHVPN_NL_HOOKS_HOLD_DEV:
		return meshvpn_nl_hold_dev(ops, skb, info);
	}
	return 0;
}

/* The family's post_doit: the op's post hook, if it has one */
void meshvpn_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	switch (ops->internal_flags) {
	case MESHVPN_NL_HOOKS_LOCK_DEV:
		meshvpn_nl_unlock_dev(ops, skb, info);
		break;
	case MESHVPN_NL_HOOKS_HOLD_DEV:
		meshvpn_nl_put_dev(ops, skb, info);
		break;
	}
}
