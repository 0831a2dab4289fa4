/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_DEVICE_H
#define _MESHVPN_DEVICE_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/gro_cells.h>

#include "parallel.h"
#include "ratelimit.h"
#include "route.h"

struct meshvpn_socket;

#define MESHVPN_NODE_HASH_BITS 12

/*
 * What the device's limits refused, in the order of their netlink
 * attributes (MESHVPN_A_DEVICE_UPCALL_REFUSED and on); the limits are the
 * constants of include/uapi/linux/meshvpn.h, but for upcall_rate.
 */
enum meshvpn_limit {
	MESHVPN_LIMIT_UPCALL_RATE,	/* a source over its upcall budget */
	MESHVPN_LIMIT_UPCALL_SOURCES,	/* no room for a further source */
	MESHVPN_LIMIT_UPCALL_STRANGERS,	/* unknown sources all together */
	MESHVPN_LIMIT_OFF_PATH_NODE,	/* off-path decryptions of a node */
	MESHVPN_LIMIT_OFF_PATH,		/* ... of the device */
	MESHVPN_LIMIT_RX_JOBS,		/* decryptions of a node */
	MESHVPN_LIMIT_TX_JOBS,		/* encryptions of a node */
	MESHVPN_LIMIT_RING_FULL,	/* a crypto ring */
	MESHVPN_LIMIT_STAGED,		/* packets waiting for a key */
	MESHVPN_LIMIT_NODES,		/* nodes of the device */
	MESHVPN_LIMIT_ROUTES,		/* routes of the device */
	MESHVPN_LIMIT_COUNT
};

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
 * @upcall_rate: messages per second per source passed up to the daemon
 * @upcall: upcall budgets of sources that are no node's endpoint
 * @limit_refused: what each limit refused, by enum meshvpn_limit
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
	u32 upcall_rate;
	struct meshvpn_ratelimit upcall;
	atomic64_t limit_refused[MESHVPN_LIMIT_COUNT];
};

static inline void meshvpn_limit_refused(struct meshvpn_device *mv,
					 enum meshvpn_limit limit)
{
	atomic64_inc(&mv->limit_refused[limit]);
}

extern struct rtnl_link_ops meshvpn_link_ops;

int meshvpn_device_init(void);
void meshvpn_device_uninit(void);

static inline bool meshvpn_dev_is_meshvpn(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &meshvpn_link_ops;
}

#endif /* _MESHVPN_DEVICE_H */
