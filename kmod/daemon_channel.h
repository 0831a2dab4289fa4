/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_DAEMON_CHANNEL_H
#define _MESHVPN_DAEMON_CHANNEL_H

struct meshvpn_device;
struct meshvpn_node;
struct sk_buff;

int meshvpn_nl_send_to_daemon(struct meshvpn_node *node, struct sk_buff *skb);
int meshvpn_nl_packet_to_daemon(struct meshvpn_device *mv,
				struct meshvpn_node *from,
				const struct sk_buff *skb);

#endif /* _MESHVPN_DAEMON_CHANNEL_H */
