// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meshvpn.yaml */
/* YNL-GEN userspace source */
/* To regenerate run: scripts/ynl-gen.py */

#include "netlink/meshvpn_nl-gen.h"

/*
 * "meshvpn": dev-get reply, node-get reply, key-get reply, route-get reply,
 * key-needed-ntf, endpoint-moved-ntf, rekey-due-ntf, msg-ntf, packet-ntf
 */
const struct mv_nla_policy mv_meshvpn_top_pol[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEV] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_NODE] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_KEYCONF] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_ROUTE] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_MSG] = { MV_NLA_BYTES, MESHVPN_MSG_LEN_MIN },
	[MESHVPN_A_PACKET] = { MV_NLA_BYTES, MESHVPN_PACKET_LEN_MIN },
};

/* "device": dev-get reply */
const struct mv_nla_policy mv_meshvpn_device_pol[MESHVPN_A_DEVICE_MAX + 1] = {
	[MESHVPN_A_DEVICE_LOCAL_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_DEVICE_PORT] = { MV_NLA_U16, 0 },
	[MESHVPN_A_DEVICE_NODE_COUNT] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEVICE_ROUTE_COUNT] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEVICE_UPCALL_RATE] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEVICE_UPCALL_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_UPCALL_SOURCES_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_UPCALL_STRANGERS_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_OFF_PATH_NODE_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_OFF_PATH_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_RX_JOBS_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_TX_JOBS_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_RING_FULL_DROPS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_STAGED_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_NODES_REFUSED] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_DEVICE_ROUTES_REFUSED] = { MV_NLA_UINT, 0 },
};

/* "node": node-get reply, endpoint-moved-ntf, packet-ntf */
const struct mv_nla_policy mv_meshvpn_node_pol[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_NODE_REMOTE_IPV4] = { MV_NLA_U32, 0 },
	[MESHVPN_A_NODE_REMOTE_IPV6] = { MV_NLA_BINARY, 16 },
	[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID] = { MV_NLA_U32, 0 },
	[MESHVPN_A_NODE_REMOTE_PORT] = { MV_NLA_U16, 0 },
	[MESHVPN_A_NODE_NEXT_HOP] = { MV_NLA_U64, 0 },
	[MESHVPN_A_NODE_KEEPALIVE] = { MV_NLA_U32, 0 },
	[MESHVPN_A_NODE_RX_BYTES] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RX_PACKETS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_TX_BYTES] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_TX_PACKETS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RX_DECRYPT_ERRORS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RX_REPLAY_DROPS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RX_RPF_DROPS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_TX_NO_KEY_DROPS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RELAY_PACKETS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_RELAY_BYTES] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_LAST_RX] = { MV_NLA_U64, 0 },
	[MESHVPN_A_NODE_DAEMON_PACKETS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_DAEMON_DROPS] = { MV_NLA_UINT, 0 },
	[MESHVPN_A_NODE_BROADCAST_VIA] = { MV_NLA_U64, 0 },
};

/* "keyconf": key-get reply, key-needed-ntf, rekey-due-ntf */
const struct mv_nla_policy mv_meshvpn_keyconf_pol[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_KEYCONF_SLOT] = { MV_NLA_U32, 0 },
	[MESHVPN_A_KEYCONF_CIPHER_ALG] = { MV_NLA_U32, 0 },
	[MESHVPN_A_KEYCONF_PHASE] = { MV_NLA_U8, 0 },
	[MESHVPN_A_KEYCONF_REKEY_REASON] = { MV_NLA_U32, 0 },
};

/* "route": route-get reply */
const struct mv_nla_policy mv_meshvpn_route_pol[MESHVPN_A_ROUTE_MAX + 1] = {
	[MESHVPN_A_ROUTE_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_ROUTE_IPV4] = { MV_NLA_U32, 0 },
	[MESHVPN_A_ROUTE_IPV6] = { MV_NLA_BINARY, 16 },
	[MESHVPN_A_ROUTE_PREFIX_LEN] = { MV_NLA_U8, 0 },
};
