// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn generic netlink family for meshvpnd and the meshvpn tool;
 * see meshvpn_nl.h. The attribute types and lengths follow the spec,
 * which kmod/netlink-gen.c is generated from.
 */
#include <sys/socket.h>

#include "lib/array.h"
#include "netlink/meshvpn_nl.h"

/* ---- reply policies ---- */

const struct mv_nla_policy mv_meshvpn_top_pol[MESHVPN_A_MAX + 1] = {
	[MESHVPN_A_IFINDEX] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEV] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_NODE] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_KEYCONF] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_ROUTE] = { MV_NLA_NESTED, 0 },
	[MESHVPN_A_MSG] = { MV_NLA_BYTES, MESHVPN_MSG_LEN_MIN },
	[MESHVPN_A_PACKET] = { MV_NLA_BYTES, MESHVPN_PACKET_LEN_MIN },
};

const struct mv_nla_policy mv_meshvpn_dev_pol[MESHVPN_A_DEVICE_MAX + 1] = {
	[MESHVPN_A_DEVICE_LOCAL_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_DEVICE_PORT] = { MV_NLA_U16, 0 },
	[MESHVPN_A_DEVICE_NODE_COUNT] = { MV_NLA_U32, 0 },
	[MESHVPN_A_DEVICE_ROUTE_COUNT] = { MV_NLA_U32, 0 },
};

const struct mv_nla_policy mv_meshvpn_node_pol[MESHVPN_A_NODE_MAX + 1] = {
	[MESHVPN_A_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_NODE_REMOTE_IPV4] = { MV_NLA_BINARY, 4 },
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
};

const struct mv_nla_policy mv_meshvpn_keyconf_pol[MESHVPN_A_KEYCONF_MAX + 1] = {
	[MESHVPN_A_KEYCONF_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_KEYCONF_SLOT] = { MV_NLA_U32, 0 },
	[MESHVPN_A_KEYCONF_CIPHER_ALG] = { MV_NLA_U32, 0 },
	[MESHVPN_A_KEYCONF_PHASE] = { MV_NLA_U8, 0 },
	[MESHVPN_A_KEYCONF_REKEY_REASON] = { MV_NLA_U32, 0 },
};

const struct mv_nla_policy mv_meshvpn_route_pol[MESHVPN_A_ROUTE_MAX + 1] = {
	[MESHVPN_A_ROUTE_NODE_ID] = { MV_NLA_U64, 0 },
	[MESHVPN_A_ROUTE_IPV4] = { MV_NLA_BINARY, 4 },
	[MESHVPN_A_ROUTE_IPV6] = { MV_NLA_BINARY, 16 },
	[MESHVPN_A_ROUTE_PREFIX_LEN] = { MV_NLA_U8, 0 },
};

/* ---- requests ---- */

struct nlmsghdr *mv_meshvpn_msg(struct mv_nl *nl, uint8_t cmd, uint16_t flags,
				uint32_t ifindex)
{
	struct nlmsghdr *nlh = mv_genl_msg(nl, cmd, flags);

	mnl_attr_put_u32(nlh, MESHVPN_A_IFINDEX, ifindex);
	return nlh;
}

void mv_meshvpn_put_dev(struct nlmsghdr *nlh, uint64_t local_id, int socket_fd)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);

	if (local_id)
		mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_LOCAL_NODE_ID, local_id);
	if (socket_fd >= 0)
		mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_SOCKET, (uint32_t)socket_fd);
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_node_id(struct nlmsghdr *nlh, uint64_t id)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);

	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, id);
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_endpoint(struct nlmsghdr *nlh, int family, const void *addr,
			     uint16_t port, uint32_t scope_id)
{
	if (family == AF_INET) {
		mnl_attr_put(nlh, MESHVPN_A_NODE_REMOTE_IPV4, 4, addr);
	} else {
		mnl_attr_put(nlh, MESHVPN_A_NODE_REMOTE_IPV6, 16, addr);
		if (scope_id)
			mnl_attr_put_u32(nlh, MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID,
					 scope_id);
	}
	mnl_attr_put_u16(nlh, MESHVPN_A_NODE_REMOTE_PORT, port);
}

static void put_keydir(struct nlmsghdr *nlh, uint16_t type, const uint8_t *key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, MESHVPN_A_KEYDIR_CIPHER_KEY, MESHVPN_KEY_LEN, key);
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_key(struct nlmsghdr *nlh, uint64_t node, uint32_t slot,
			uint32_t cipher_alg, uint8_t phase,
			const uint8_t *tx_key, const uint8_t *rx_key)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);

	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID, node);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, slot);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_CIPHER_ALG, cipher_alg);
	mnl_attr_put_u8(nlh, MESHVPN_A_KEYCONF_PHASE, phase);
	if (cipher_alg != MESHVPN_CIPHER_ALG_NONE) {
		put_keydir(nlh, MESHVPN_A_KEYCONF_ENCRYPT_DIR, tx_key);
		put_keydir(nlh, MESHVPN_A_KEYCONF_DECRYPT_DIR, rx_key);
	}
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_key_slot(struct nlmsghdr *nlh, uint64_t node, int slot)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);

	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID, node);
	if (slot >= 0)
		mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, (uint32_t)slot);
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_route(struct nlmsghdr *nlh, uint64_t node, int family,
			  const void *addr, uint8_t prefix_len)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_ROUTE);

	if (node)
		mnl_attr_put_u64(nlh, MESHVPN_A_ROUTE_NODE_ID, node);
	if (family == AF_INET)
		mnl_attr_put(nlh, MESHVPN_A_ROUTE_IPV4, 4, addr);
	else
		mnl_attr_put(nlh, MESHVPN_A_ROUTE_IPV6, 16, addr);
	mnl_attr_put_u8(nlh, MESHVPN_A_ROUTE_PREFIX_LEN, prefix_len);
	mnl_attr_nest_end(nlh, nest);
}

/* ---- names ---- */

static const char *const cipher_alg_names[] = {
	[MESHVPN_CIPHER_ALG_NONE] = "none",
	[MESHVPN_CIPHER_ALG_CHACHA20_POLY1305] = "chacha20-poly1305",
	[MESHVPN_CIPHER_ALG_AES_256_GCM] = "aes-256-gcm",
};

const char *mv_cipher_alg_name(uint32_t alg)
{
	return alg < ARRAY_SIZE(cipher_alg_names) ? cipher_alg_names[alg] : NULL;
}
