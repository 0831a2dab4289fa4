// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn generic netlink family for meshvpnd and the meshvpn tool;
 * see meshvpn_nl.h.
 */
#include <sys/socket.h>

#include "lib/array.h"
#include "netlink/meshvpn_nl.h"

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
