/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_SOCKET_H
#define _MESHVPN_SOCKET_H

#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>

struct meshvpn_device;
struct meshvpn_node;

/**
 * struct meshvpn_socket - the UDP socket userspace attached to a device
 * @sock: the socket; the device holds a reference on its file
 * @mv: the device it feeds
 * @rcu: deferred free
 */
struct meshvpn_socket {
	struct socket *sock;
	struct meshvpn_device *mv;
	struct rcu_head rcu;
};

int meshvpn_socket_attach(struct meshvpn_device *mv, int fd,
			  struct netlink_ext_ack *extack);
void meshvpn_socket_detach(struct meshvpn_device *mv);
__be16 meshvpn_socket_port(struct meshvpn_device *mv);
int meshvpn_socket_send(struct meshvpn_device *mv, struct meshvpn_node *via,
			struct sk_buff *skb);

#endif /* _MESHVPN_SOCKET_H */
