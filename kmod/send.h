/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_SEND_H
#define _MESHVPN_SEND_H

#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/udp.h>

#include <meshvpn/wire.h>

/* Room in front of an inner packet for the encapsulation and the link. */
#define MESHVPN_TX_HEADROOM	(LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr) + MESHVPN_HDR_LEN)

struct meshvpn_device;
struct meshvpn_node;

int meshvpn_send_init(struct meshvpn_device *mv);
netdev_tx_t meshvpn_xmit(struct sk_buff *skb, struct net_device *dev);
void meshvpn_send_staged(struct meshvpn_node *node);
void meshvpn_send_keepalive(struct meshvpn_node *node);
void meshvpn_send_packet(struct meshvpn_node *node, struct sk_buff *skb);

#endif /* _MESHVPN_SEND_H */
