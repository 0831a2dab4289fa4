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

/* Is the generic netlink family there (meshvpn.ko loaded)? */
bool mv_kernel_available(void);

/* The backend itself is mv_kernel_backend (dataplane/dataplane.h). */

#endif /* MESHVPN_KERNEL_H */
