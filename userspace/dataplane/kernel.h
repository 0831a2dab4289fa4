/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn.ko as meshvpnd's data plane: the daemon creates (or takes over)
 * a meshvpn link, hands it its UDP socket, and keeps the kernel's nodes,
 * next hops, keys and routes in step with its graph and sessions; the
 * kernel's notifications (key needed, endpoint moved, rekey due) come
 * back into the event loop. Documentation/meshvpnd.md, "Data planes".
 */
#ifndef MESHVPN_KERNEL_H
#define MESHVPN_KERNEL_H

#include <stdbool.h>

#include "netlink/meshvpn_nl.h"

struct mv_dataplane;

/* Is the generic netlink family there (meshvpn.ko loaded)? */
bool mv_kernel_available(void);

/*
 * Read the link's device attributes, with its limits and what they refused
 * (mv_meshvpn_dev_limit()): 0, -ENOENT when meshvpn.ko is not the data
 * plane, or another -errno.
 */
int mv_kernel_device(struct mv_dataplane *dp, struct mv_meshvpn_dev *dev);

/* The backend itself is mv_kernel_backend (dataplane/dataplane.h). */

#endif /* MESHVPN_KERNEL_H */
