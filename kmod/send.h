/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_SEND_H
#define _MESHVPN_SEND_H

#include <linux/netdevice.h>

struct meshvpn_device;
struct meshvpn_node;

int meshvpn_send_init(struct meshvpn_device *mv);
netdev_tx_t meshvpn_xmit(struct sk_buff *skb, struct net_device *dev);
void meshvpn_send_staged(struct meshvpn_node *node);
void meshvpn_send_keepalive(struct meshvpn_node *node);

#endif /* _MESHVPN_SEND_H */
