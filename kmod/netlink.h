/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_NETLINK_H
#define _MESHVPN_NETLINK_H

int meshvpn_netlink_init(void);
void meshvpn_netlink_uninit(void);

#endif /* _MESHVPN_NETLINK_H */
