/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_NETLINK_H
#define _MESHVPN_NETLINK_H

#include <linux/types.h>

struct meshvpn_device;
struct meshvpn_node;
struct sk_buff;

int meshvpn_netlink_init(void);
void meshvpn_netlink_uninit(void);

void meshvpn_nl_notify_key_needed(struct meshvpn_node *node);
void meshvpn_nl_notify_endpoint_moved(struct meshvpn_node *node);
void meshvpn_nl_notify_rekey_due(struct meshvpn_node *node, u32 slot,
				 u32 reason);
int meshvpn_nl_send_to_daemon(struct meshvpn_node *node, struct sk_buff *skb);
int meshvpn_nl_packet_to_daemon(struct meshvpn_device *mv,
				struct meshvpn_node *from,
				const struct sk_buff *skb);

#endif /* _MESHVPN_NETLINK_H */
