/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_RECEIVE_H
#define _MESHVPN_RECEIVE_H

#include <linux/types.h>

struct meshvpn_device;
struct sock;
struct sk_buff;

int meshvpn_receive_init(struct meshvpn_device *mv);
int meshvpn_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
int meshvpn_receive_from_daemon(struct meshvpn_device *mv, struct sk_buff *skb);
bool meshvpn_inner_packet_ok(struct sk_buff *skb);

#endif /* _MESHVPN_RECEIVE_H */
