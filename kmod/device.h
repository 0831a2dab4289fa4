/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_DEVICE_H
#define _MESHVPN_DEVICE_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/types.h>

/**
 * struct meshvpn_device - private state of one meshvpn link
 * @dev: the net_device this state belongs to
 * @update_lock: serialises configuration changes from netlink
 * @local_node_id: this node's 48-bit id, 0 until userspace sets it
 */
struct meshvpn_device {
	struct net_device *dev;
	struct mutex update_lock; /* see kernel-doc */
	u64 local_node_id;
};

extern struct rtnl_link_ops meshvpn_link_ops;

int meshvpn_device_init(void);
void meshvpn_device_uninit(void);

static inline bool meshvpn_dev_is_meshvpn(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &meshvpn_link_ops;
}

#endif /* _MESHVPN_DEVICE_H */
