/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The meshvpn generic netlink family (Documentation/netlink/specs/meshvpn.yaml)
 * on top of nl.h, for both of its users, meshvpnd's kernel data plane
 * (kernel.c) and the meshvpn tool (tools/link.c): the builders of the
 * requests' attributes and the names of the cipher-alg values. The
 * policies every reply and notification is checked against are generated
 * from the spec (meshvpn_nl-gen.h).
 */
#ifndef MESHVPN_MESHVPN_NL_H
#define MESHVPN_MESHVPN_NL_H

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

/*
 * The name of cipher @alg (enum meshvpn_cipher_alg) as the spec spells
 * it, which is also how Cipher in a host file and the tool's cipher
 * argument spell it; NULL for a value it does not know. The values are
 * dense: the first without a name ends them.
 */
const char *mv_cipher_alg_name(uint32_t alg);

#endif /* MESHVPN_MESHVPN_NL_H */
