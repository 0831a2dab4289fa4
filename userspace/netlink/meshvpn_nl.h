/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The meshvpn generic netlink family (Documentation/netlink/specs/meshvpn.yaml)
 * on top of nl.h, for both of its users, meshvpnd's kernel data plane
 * (kernel.c) and the meshvpn tool (tools/): the builders of the requests'
 * attributes, one typed decoder per object the kernel reports (device,
 * node, key, route), and the names of the cipher-alg values. The policies
 * every reply and notification is checked against are generated from the
 * spec (meshvpn_nl-gen.h).
 */
#ifndef MESHVPN_MESHVPN_NL_H
#define MESHVPN_MESHVPN_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/meshvpn.h>

#include "netlink/meshvpn_nl-gen.h"
#include "netlink/nl.h"

/* ---- requests ---- */

/*
 * Start a request of command @cmd on nl->req: ifindex, which every
 * request needs, is its first attribute.
 */
struct nlmsghdr *mv_meshvpn_msg(struct mv_nl *nl, uint8_t cmd, uint16_t flags,
				uint32_t ifindex);
/*
 * The dev nest of dev-set. A @local_id of 0 (never a valid id) or a
 * negative @socket_fd leaves that attribute out, unchanged in the kernel.
 */
void mv_meshvpn_put_dev(struct nlmsghdr *nlh, uint64_t local_id, int socket_fd);
/* The same, and the device's upcall-rate unless @upcall_rate is 0. */
void mv_meshvpn_put_dev_upcall(struct nlmsghdr *nlh, uint64_t local_id,
			       int socket_fd, uint32_t upcall_rate);
/* A node nest naming a node and nothing else: node-get, node-del. */
void mv_meshvpn_put_node_id(struct nlmsghdr *nlh, uint64_t id);
/*
 * A node's UDP endpoint, inside the node nest of node-new or node-set:
 * @addr is 4 (AF_INET) or 16 (AF_INET6) bytes, @port in network byte
 * order, @scope_id 0 for none.
 */
void mv_meshvpn_put_endpoint(struct nlmsghdr *nlh, int family, const void *addr,
			     uint16_t port, uint32_t scope_id);
/*
 * The keyconf nest of key-new. @tx_key and @rx_key are MESHVPN_KEY_LEN
 * bytes; cipher none has no key material, and the kernel refuses even
 * empty encrypt-dir and decrypt-dir nests for it, so they are left out.
 * The request holds the keys until nl->req is wiped.
 */
void mv_meshvpn_put_key(struct nlmsghdr *nlh, uint64_t node, uint32_t slot,
			uint32_t cipher_alg, uint8_t phase,
			const uint8_t *tx_key, const uint8_t *rx_key);
/*
 * A keyconf nest naming a node's key slot: key-get, key-del; a negative
 * @slot leaves it out (key-swap).
 */
void mv_meshvpn_put_key_slot(struct nlmsghdr *nlh, uint64_t node, int slot);
/*
 * The route nest of route-new and route-del: @addr is 4 (AF_INET) or 16
 * (AF_INET6) bytes. A @node of 0 leaves it out (route-del of any node).
 */
void mv_meshvpn_put_route(struct nlmsghdr *nlh, uint64_t node, int family,
			  const void *addr, uint8_t prefix_len);

/* ---- replies and notifications, decoded ----
 *
 * Each decoder checks what the policies cannot (required attributes, node
 * ids in range, one address family) and fills its struct completely:
 * absent optional attributes read as 0 and false. They return 0, or
 * -EBADMSG with "malformed reply from the kernel: ..." in nl->msg.
 */

/* A node's UDP endpoint, as node-new and node-set take it. */
struct mv_meshvpn_endpoint {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 uses the first 4 */
	uint16_t port;		/* host byte order, 1..65535 */
	uint32_t scope_id;	/* IPv6 interface index, 0 for none */
};

/* An inner prefix, as route-new and route-del take it. */
struct mv_meshvpn_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order, host bits zero */
	unsigned int len;	/* 0..32 or 0..128 */
};

/* The device's limits, in the order of their refused counters. */
#define MV_MESHVPN_LIMITS \
	(MESHVPN_A_DEVICE_ROUTES_REFUSED - MESHVPN_A_DEVICE_UPCALL_REFUSED + 1)

/* The device attributes of dev-get. */
struct mv_meshvpn_dev {
	bool has_local_id;	/* false: not set yet */
	uint64_t local_id;
	bool has_port;		/* false: no socket */
	uint16_t port;		/* host byte order */
	bool has_node_count, has_route_count;
	uint32_t node_count, route_count;
	uint32_t upcall_rate;	/* 0: a module without the attribute */
	uint64_t refused[MV_MESHVPN_LIMITS];	/* by limit, see below */
};

/*
 * Limit @i (below MV_MESHVPN_LIMITS) of device @dev as `meshvpn dump stats`
 * shows it: its name (the configuration variable the daemon sets it from,
 * or "kernel.WHAT" for a constant of the module), its value and what it
 * refused.
 */
void mv_meshvpn_dev_limit(const struct mv_meshvpn_dev *dev, unsigned int i,
			  const char **name, uint64_t *value, uint64_t *refused);

/* A node of node-get, endpoint-moved-ntf or packet-ntf. */
struct mv_meshvpn_node {
	uint64_t id;
	bool has_endpoint;
	struct mv_meshvpn_endpoint endpoint;
	uint64_t next_hop;	/* 0: none sent */
	bool has_keepalive;
	uint32_t keepalive;	/* seconds, 0: off */
	bool has_last_rx;
	uint64_t last_rx;	/* CLOCK_BOOTTIME seconds, 0: never */
	uint64_t rx_bytes, rx_packets, tx_bytes, tx_packets;
	uint64_t rx_decrypt_errors, rx_replay_drops, rx_rpf_drops;
	uint64_t tx_no_key_drops, relay_packets, relay_bytes;
	uint64_t daemon_packets, daemon_drops;
};

/*
 * A key slot of key-get, key-needed-ntf or rekey-due-ntf: the kernel
 * never returns key material. A slot without cipher holds no key.
 */
struct mv_meshvpn_key {
	uint64_t node_id;
	bool has_slot, has_cipher, has_phase, has_rekey_reason;
	uint32_t slot;		/* enum meshvpn_key_slot */
	uint32_t cipher_alg;	/* enum meshvpn_cipher_alg */
	uint8_t phase;		/* 0 or 1 */
	uint32_t rekey_reason;	/* enum meshvpn_rekey_reason */
};

/* A route of route-get. */
struct mv_meshvpn_route {
	uint64_t node_id;
	struct mv_meshvpn_prefix prefix;
};

/*
 * Check that @nlh is a meshvpn message of command @cmd about device
 * @ifindex (any device when 0) and parse its top level attributes.
 */
int mv_meshvpn_parse(struct mv_nl *nl, const struct nlmsghdr *nlh, uint8_t cmd,
		     uint32_t ifindex, const struct nlattr *tb[MESHVPN_A_MAX + 1]);

/*
 * Decode the nest of a node or a key, e.g. tb[MESHVPN_A_NODE] of a
 * notification. (Devices and routes only come in replies.)
 */
int mv_meshvpn_decode_node(struct mv_nl *nl, const struct nlattr *nest,
			   struct mv_meshvpn_node *node);
int mv_meshvpn_decode_key(struct mv_nl *nl, const struct nlattr *nest,
			  struct mv_meshvpn_key *key);

/*
 * Decode a reply (or dump message) of dev-get, node-get, key-get or
 * route-get about device @ifindex (any device when 0): mv_meshvpn_parse(),
 * then the one object it must carry.
 */
int mv_meshvpn_dev_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			 uint32_t ifindex, struct mv_meshvpn_dev *dev);
int mv_meshvpn_node_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			  uint32_t ifindex, struct mv_meshvpn_node *node);
int mv_meshvpn_key_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			 uint32_t ifindex, struct mv_meshvpn_key *key);
int mv_meshvpn_route_reply(struct mv_nl *nl, const struct nlmsghdr *nlh,
			   uint32_t ifindex, struct mv_meshvpn_route *route);

/* ---- names ---- */

/*
 * The name of cipher @alg (enum meshvpn_cipher_alg) as the spec spells
 * it, which is also how Cipher in a host file and the tool's cipher
 * argument spell it; NULL for a value it does not know. The values are
 * dense: the first without a name ends them.
 */
const char *mv_cipher_alg_name(uint32_t alg);

#endif /* MESHVPN_MESHVPN_NL_H */
