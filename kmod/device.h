/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_DEVICE_H
#define _MESHVPN_DEVICE_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/gro_cells.h>

#include "parallel.h"
#include "route.h"

struct meshvpn_socket;

#define MESHVPN_NODE_HASH_BITS 12

/**
 * struct meshvpn_device - private state of one meshvpn link
 * @dev: the net_device this state belongs to
 * @update_lock: serialises configuration changes from netlink
 * @local_node_id: this node's 48-bit id, 0 until userspace sets it
 * @sock: the attached UDP socket, NULL until userspace attaches one
 * @nodes_by_id: nodes hashed by id (RCU readers)
 * @nodes_by_endpoint: nodes with an endpoint, hashed by it (RCU readers)
 * @endpoint_lock: protects @nodes_by_endpoint changes, which the receive
 *	path makes when a node moves
 * @nodes: every node, in creation order, for dumps and teardown
 * @node_count: number of entries in @nodes
 * @generation: bumped on every node change, to flag inconsistent dumps
 * @routes: inner prefixes to nodes
 * @gro_cells: GRO for decrypted packets
 * @tx_ring: encryption jobs, for every CPU
 * @rx_ring: decryption jobs, for every CPU
 * @rx_off_path: decryption jobs in flight of messages that did not come
 *	from their sender's path (see receive.c)
 */
struct meshvpn_device {
	struct net_device *dev;
	struct mutex update_lock; /* see kernel-doc */
	u64 local_node_id;
	struct meshvpn_socket __rcu *sock;
	DECLARE_HASHTABLE(nodes_by_id, MESHVPN_NODE_HASH_BITS);
	DECLARE_HASHTABLE(nodes_by_endpoint, MESHVPN_NODE_HASH_BITS);
	spinlock_t endpoint_lock; /* see kernel-doc */
	struct list_head nodes;
	u32 node_count;
	u32 generation;
	struct meshvpn_routes routes;
	struct gro_cells gro_cells;
	struct meshvpn_crypt_ring tx_ring;
	struct meshvpn_crypt_ring rx_ring;
	atomic_t rx_off_path;
};

extern struct rtnl_link_ops meshvpn_link_ops;

int meshvpn_device_init(void);
void meshvpn_device_uninit(void);

static inline bool meshvpn_dev_is_meshvpn(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &meshvpn_link_ops;
}

#endif /* _MESHVPN_DEVICE_H */
