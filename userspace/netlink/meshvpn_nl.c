// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn generic netlink family for meshvpnd and the meshvpn tool;
 * see meshvpn_nl.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
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

void mv_meshvpn_put_dev_upcall(struct nlmsghdr *nlh, uint64_t local_id,
			       int socket_fd, uint32_t upcall_rate)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_DEV);

	if (local_id)
		mnl_attr_put_u64(nlh, MESHVPN_A_DEVICE_LOCAL_NODE_ID, local_id);
	if (socket_fd >= 0)
		mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_SOCKET, (uint32_t)socket_fd);
	if (upcall_rate)
		mnl_attr_put_u32(nlh, MESHVPN_A_DEVICE_UPCALL_RATE, upcall_rate);
	mnl_attr_nest_end(nlh, nest);
}

void mv_meshvpn_put_dev(struct nlmsghdr *nlh, uint64_t local_id, int socket_fd)
{
	mv_meshvpn_put_dev_upcall(nlh, local_id, socket_fd, 0);
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

/* ---- replies and notifications ---- */

static bool valid_id(uint64_t id)
{
	return id >= 1 && id <= MESHVPN_NODE_ID_MAX;
}

int mv_meshvpn_parse(struct mv_nl *nl, const struct nlmsghdr *nlh, uint8_t cmd,
		     uint32_t ifindex, const struct nlattr *tb[MESHVPN_A_MAX + 1])
{
	int ret = mv_genl_parse(nl, nlh, cmd, mv_meshvpn_top_pol, MESHVPN_A_MAX, tb);

	if (ret)
		return ret;
	if (!tb[MESHVPN_A_IFINDEX])
		return mv_nl_malformed(nl, "no ifindex");
	if (ifindex && mnl_attr_get_u32(tb[MESHVPN_A_IFINDEX]) != ifindex)
		return mv_nl_malformed(nl, "reply for ifindex %u, asked for %u",
				       mnl_attr_get_u32(tb[MESHVPN_A_IFINDEX]),
				       ifindex);
	return 0;
}

static int decode_dev(struct mv_nl *nl, const struct nlattr *nest,
		      struct mv_meshvpn_dev *dev)
{
	const struct nlattr *tb[MESHVPN_A_DEVICE_MAX + 1];
	unsigned int i;
	int ret;

	memset(dev, 0, sizeof(*dev));
	ret = mv_nla_parse_nested(nl, nest, mv_meshvpn_device_pol,
				  MESHVPN_A_DEVICE_MAX, tb);
	if (ret)
		return ret;
	if (tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]) {
		dev->local_id = mnl_attr_get_u64(tb[MESHVPN_A_DEVICE_LOCAL_NODE_ID]);
		/* 0 is how an unset id would read; anything else invalid is a bug. */
		if (dev->local_id && !valid_id(dev->local_id))
			return mv_nl_malformed(nl, "invalid local node id");
		dev->has_local_id = dev->local_id != 0;
	}
	if (tb[MESHVPN_A_DEVICE_PORT]) {
		dev->port = ntohs(mnl_attr_get_u16(tb[MESHVPN_A_DEVICE_PORT]));
		dev->has_port = dev->port != 0;
	}
	if (tb[MESHVPN_A_DEVICE_NODE_COUNT]) {
		dev->has_node_count = true;
		dev->node_count = mnl_attr_get_u32(tb[MESHVPN_A_DEVICE_NODE_COUNT]);
	}
	if (tb[MESHVPN_A_DEVICE_ROUTE_COUNT]) {
		dev->has_route_count = true;
		dev->route_count = mnl_attr_get_u32(tb[MESHVPN_A_DEVICE_ROUTE_COUNT]);
	}
	if (tb[MESHVPN_A_DEVICE_UPCALL_RATE])
		dev->upcall_rate = mnl_attr_get_u32(tb[MESHVPN_A_DEVICE_UPCALL_RATE]);
	for (i = 0; i < MV_MESHVPN_LIMITS; i++)
		if (tb[MESHVPN_A_DEVICE_UPCALL_REFUSED + i])
			dev->refused[i] =
				mv_nla_get_uint(tb[MESHVPN_A_DEVICE_UPCALL_REFUSED + i]);
	return 0;
}

/*
 * The module's limits are constants of its uapi header, but the daemon's
 * KernelUpcallRate and the budget of all strangers together, which is a
 * multiple of it.
 */
static const struct {
	const char *name;
	uint64_t value;
} dev_limits[MV_MESHVPN_LIMITS] = {
	{ "KernelUpcallRate", 0 },
	{ "kernel.upcall_sources", MESHVPN_UPCALL_SOURCES },
	{ "kernel.upcall_strangers", 0 },
	{ "kernel.rx_off_path_per_node", MESHVPN_OFF_PATH_JOBS_PER_NODE },
	{ "kernel.rx_off_path", MESHVPN_OFF_PATH_JOBS },
	{ "kernel.rx_queue_per_node", MESHVPN_JOBS_PER_NODE },
	{ "kernel.tx_queue_per_node", MESHVPN_JOBS_PER_NODE },
	{ "kernel.crypto_ring", MESHVPN_RING_SIZE },
	{ "kernel.staged_per_node", MESHVPN_STAGED_PER_NODE },
	{ "kernel.nodes", MESHVPN_NODES_MAX },
	{ "kernel.routes", MESHVPN_ROUTES_MAX },
};

void mv_meshvpn_dev_limit(const struct mv_meshvpn_dev *dev, unsigned int i,
			  const char **name, uint64_t *value, uint64_t *refused)
{
	*name = dev_limits[i].name;
	switch (i) {
	case 0:
		*value = dev->upcall_rate;
		break;
	case 2:
		*value = (uint64_t)dev->upcall_rate * MESHVPN_UPCALL_STRANGERS_FACTOR;
		break;
	default:
		*value = dev_limits[i].value;
	}
	*refused = dev->refused[i];
}

/* The endpoint in node attributes @tb, if there is one. */
static int decode_endpoint(struct mv_nl *nl, const struct nlattr **tb,
			   struct mv_meshvpn_node *node)
{
	const struct nlattr *v4 = tb[MESHVPN_A_NODE_REMOTE_IPV4];
	const struct nlattr *v6 = tb[MESHVPN_A_NODE_REMOTE_IPV6];
	struct mv_meshvpn_endpoint *ep = &node->endpoint;

	if (!v4 && !v6)
		return 0;
	if (v4 && v6)
		return mv_nl_malformed(nl, "node with both an IPv4 and an IPv6 endpoint");
	if (!tb[MESHVPN_A_NODE_REMOTE_PORT])
		return mv_nl_malformed(nl, "endpoint without port");
	ep->family = v4 ? AF_INET : AF_INET6;
	memcpy(ep->addr, mnl_attr_get_payload(v4 ? v4 : v6), v4 ? 4 : 16);
	ep->port = ntohs(mnl_attr_get_u16(tb[MESHVPN_A_NODE_REMOTE_PORT]));
	if (v6 && tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID])
		ep->scope_id = mnl_attr_get_u32(tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID]);
	node->has_endpoint = true;
	return 0;
}

/* A counter ("uint", 4 or 8 bytes); absent reads as 0. */
static uint64_t counter(const struct nlattr *attr)
{
	return attr ? mv_nla_get_uint(attr) : 0;
}

int mv_meshvpn_decode_node(struct mv_nl *nl, const struct nlattr *nest,
			   struct mv_meshvpn_node *node)
{
	const struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	int ret;

	memset(node, 0, sizeof(*node));
	ret = mv_nla_parse_nested(nl, nest, mv_meshvpn_node_pol,
				  MESHVPN_A_NODE_MAX, tb);
	if (ret)
		return ret;
	if (!tb[MESHVPN_A_NODE_ID] || !valid_id(mnl_attr_get_u64(tb[MESHVPN_A_NODE_ID])))
		return mv_nl_malformed(nl, "node without a valid id");
	node->id = mnl_attr_get_u64(tb[MESHVPN_A_NODE_ID]);
	ret = decode_endpoint(nl, tb, node);
	if (ret)
		return ret;
	if (tb[MESHVPN_A_NODE_NEXT_HOP]) {
		node->next_hop = mnl_attr_get_u64(tb[MESHVPN_A_NODE_NEXT_HOP]);
		if (!valid_id(node->next_hop))
			return mv_nl_malformed(nl, "invalid next hop");
	}
	if (tb[MESHVPN_A_NODE_KEEPALIVE]) {
		node->has_keepalive = true;
		node->keepalive = mnl_attr_get_u32(tb[MESHVPN_A_NODE_KEEPALIVE]);
	}
	if (tb[MESHVPN_A_NODE_LAST_RX]) {
		node->has_last_rx = true;
		node->last_rx = mnl_attr_get_u64(tb[MESHVPN_A_NODE_LAST_RX]);
	}
	node->rx_bytes = counter(tb[MESHVPN_A_NODE_RX_BYTES]);
	node->rx_packets = counter(tb[MESHVPN_A_NODE_RX_PACKETS]);
	node->tx_bytes = counter(tb[MESHVPN_A_NODE_TX_BYTES]);
	node->tx_packets = counter(tb[MESHVPN_A_NODE_TX_PACKETS]);
	node->rx_decrypt_errors = counter(tb[MESHVPN_A_NODE_RX_DECRYPT_ERRORS]);
	node->rx_replay_drops = counter(tb[MESHVPN_A_NODE_RX_REPLAY_DROPS]);
	node->rx_rpf_drops = counter(tb[MESHVPN_A_NODE_RX_RPF_DROPS]);
	node->tx_no_key_drops = counter(tb[MESHVPN_A_NODE_TX_NO_KEY_DROPS]);
	node->relay_packets = counter(tb[MESHVPN_A_NODE_RELAY_PACKETS]);
	node->relay_bytes = counter(tb[MESHVPN_A_NODE_RELAY_BYTES]);
	node->daemon_packets = counter(tb[MESHVPN_A_NODE_DAEMON_PACKETS]);
	node->daemon_drops = counter(tb[MESHVPN_A_NODE_DAEMON_DROPS]);
	return 0;
}

int mv_meshvpn_decode_key(struct mv_nl *nl, const struct nlattr *nest,
			  struct mv_meshvpn_key *key)
{
	const struct nlattr *tb[MESHVPN_A_KEYCONF_MAX + 1];
	int ret;

	memset(key, 0, sizeof(*key));
	ret = mv_nla_parse_nested(nl, nest, mv_meshvpn_keyconf_pol,
				  MESHVPN_A_KEYCONF_MAX, tb);
	if (ret)
		return ret;
	if (!tb[MESHVPN_A_KEYCONF_NODE_ID] ||
	    !valid_id(mnl_attr_get_u64(tb[MESHVPN_A_KEYCONF_NODE_ID])))
		return mv_nl_malformed(nl, "key without a valid node id");
	key->node_id = mnl_attr_get_u64(tb[MESHVPN_A_KEYCONF_NODE_ID]);
	if (tb[MESHVPN_A_KEYCONF_SLOT]) {
		key->has_slot = true;
		key->slot = mnl_attr_get_u32(tb[MESHVPN_A_KEYCONF_SLOT]);
	}
	if (tb[MESHVPN_A_KEYCONF_CIPHER_ALG]) {
		key->has_cipher = true;
		key->cipher_alg = mnl_attr_get_u32(tb[MESHVPN_A_KEYCONF_CIPHER_ALG]);
	}
	if (tb[MESHVPN_A_KEYCONF_PHASE]) {
		key->has_phase = true;
		/* The key-phase bit of the header: no other bit means anything. */
		key->phase = mnl_attr_get_u8(tb[MESHVPN_A_KEYCONF_PHASE]) & 1;
	}
	if (tb[MESHVPN_A_KEYCONF_REKEY_REASON]) {
		key->has_rekey_reason = true;
		key->rekey_reason = mnl_attr_get_u32(tb[MESHVPN_A_KEYCONF_REKEY_REASON]);
	}
	return 0;
}

static int decode_route(struct mv_nl *nl, const struct nlattr *nest,
			struct mv_meshvpn_route *route)
{
	const struct nlattr *tb[MESHVPN_A_ROUTE_MAX + 1];
	const struct nlattr *v4, *v6;
	int ret;

	memset(route, 0, sizeof(*route));
	ret = mv_nla_parse_nested(nl, nest, mv_meshvpn_route_pol,
				  MESHVPN_A_ROUTE_MAX, tb);
	if (ret)
		return ret;
	v4 = tb[MESHVPN_A_ROUTE_IPV4];
	v6 = tb[MESHVPN_A_ROUTE_IPV6];
	if (!v4 == !v6)
		return mv_nl_malformed(nl, "route needs exactly one of ipv4 and ipv6");
	if (!tb[MESHVPN_A_ROUTE_NODE_ID] || !tb[MESHVPN_A_ROUTE_PREFIX_LEN])
		return mv_nl_malformed(nl, "route without node id or prefix length");
	route->node_id = mnl_attr_get_u64(tb[MESHVPN_A_ROUTE_NODE_ID]);
	route->prefix.family = v4 ? AF_INET : AF_INET6;
	route->prefix.len = mnl_attr_get_u8(tb[MESHVPN_A_ROUTE_PREFIX_LEN]);
	memcpy(route->prefix.addr, mnl_attr_get_payload(v4 ? v4 : v6), v4 ? 4 : 16);
	if (!valid_id(route->node_id) || route->prefix.len > (v4 ? 32u : 128u))
		return mv_nl_malformed(nl, "route with an invalid node id or prefix length");
	return 0;
}

/*
 * The nest @type of a reply of command @cmd, named @what in messages;
 * NULL if the reply is malformed (-EBADMSG, the reason in nl->msg).
 */
static const struct nlattr *reply_nest(struct mv_nl *nl,
				       const struct nlmsghdr *nlh, uint8_t cmd,
				       uint32_t ifindex, uint16_t type,
				       const char *what)
{
	const struct nlattr *tb[MESHVPN_A_MAX + 1];

	if (mv_meshvpn_parse(nl, nlh, cmd, ifindex, tb))
		return NULL;
	if (!tb[type])
		mv_nl_malformed(nl, "reply without %s", what);
	return tb[type];
}

int mv_meshvpn_dev_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			 uint32_t ifindex, struct mv_meshvpn_dev *dev)
{
	const struct nlattr *nest = reply_nest(nl, nlh, MESHVPN_CMD_DEV_GET, ifindex,
					       MESHVPN_A_DEV, "device attributes");

	return nest ? decode_dev(nl, nest, dev) : -EBADMSG;
}

int mv_meshvpn_node_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			  uint32_t ifindex, struct mv_meshvpn_node *node)
{
	const struct nlattr *nest = reply_nest(nl, nlh, MESHVPN_CMD_NODE_GET, ifindex,
					       MESHVPN_A_NODE, "a node");

	return nest ? mv_meshvpn_decode_node(nl, nest, node) : -EBADMSG;
}

int mv_meshvpn_key_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			 uint32_t ifindex, struct mv_meshvpn_key *key)
{
	const struct nlattr *nest = reply_nest(nl, nlh, MESHVPN_CMD_KEY_GET, ifindex,
					       MESHVPN_A_KEYCONF, "keyconf");

	return nest ? mv_meshvpn_decode_key(nl, nest, key) : -EBADMSG;
}

int mv_meshvpn_route_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			   uint32_t ifindex, struct mv_meshvpn_route *route)
{
	const struct nlattr *nest = reply_nest(nl, nlh, MESHVPN_CMD_ROUTE_GET, ifindex,
					       MESHVPN_A_ROUTE, "a route");

	return nest ? decode_route(nl, nest, route) : -EBADMSG;
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
