/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux tun device of the userspace data plane (DeviceType = tun):
 * layer 3 packets without a packet information header, as tinc's router
 * mode uses them.
 */
#ifndef MESHVPN_TUN_H
#define MESHVPN_TUN_H

#include <stdbool.h>
#include <net/if.h>

#include "config/config.h"

#define MV_TUN_DEFAULT_DEVICE	"/dev/net/tun"

/*
 * Open a tun interface: @device (NULL: MV_TUN_DEFAULT_DEVICE) in mode
 * IFF_TUN | IFF_NO_PI, named @ifname (NULL: the kernel picks "tunN";
 * "%d" in a name is numbered by the kernel), with MTU @mtu (0 keeps the
 * kernel's default of 1500). The interface is left down: the up script
 * configures and raises it, as in tinc. It exists as long as the
 * returned descriptor is open.
 *
 * Returns a non-blocking, close-on-exec descriptor with the interface's
 * name in @out_ifname, or -errno with the reason in @diag (-ENOENT: no
 * tun driver, -EPERM: no CAP_NET_ADMIN, -EBUSY: the interface is in use,
 * -EINVAL: a bad name or MTU, or an interface of another type).
 */
int mv_tun_open(const char *device, const char *ifname, unsigned int mtu,
		char out_ifname[IFNAMSIZ], struct mv_diag *diag);

/* Set or clear IFF_UP of interface @ifname. Returns 0 or -errno. */
int mv_tun_set_up(const char *ifname, bool up);

#endif /* MESHVPN_TUN_H */
