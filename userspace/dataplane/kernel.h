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
#include <stddef.h>
#include <stdint.h>

struct mv_dataplane;
struct mv_node;
struct mv_subnet;
struct mv_counters;

/* Is the generic netlink family there (meshvpn.ko loaded)? */
bool mv_kernel_available(void);
bool mv_kernel_holds(const struct mv_node *n);

/*
 * Create the link @ifname, or take over an existing one left by an
 * earlier meshvpnd (restart without loss), attach dp->udp_fd and set the
 * local node id. 0 or -errno (logged).
 */
int mv_kernel_open(struct mv_dataplane *dp, const char *ifname);
/* Adopt the nodes an earlier meshvpnd left in the kernel (mv_kernel_open). */
void mv_kernel_adopt(struct mv_dataplane *dp);
/* Remove the link and all its state, unless @keep (meshvpnd --keep-state). */
void mv_kernel_close(struct mv_dataplane *dp, bool keep);

/* Bring every node's kernel entry (endpoint, next hop, keys) in line. */
void mv_kernel_sync(struct mv_dataplane *dp);
/* Forget what was programmed for @n (it was deleted from the kernel). */
void mv_kernel_forget(struct mv_node *n);
int mv_kernel_route(struct mv_dataplane *dp, struct mv_node *n,
		    const struct mv_subnet *s, bool add);
/*
 * Hand the kernel a DATA message for this node that came over a meta
 * connection (msg-inject); it decrypts and delivers it.
 */
void mv_kernel_inject(struct mv_dataplane *dp, const uint8_t *msg, size_t len);
/* Have the kernel encrypt inner packet @pkt for @n and send it (a broadcast). */
void mv_kernel_send_packet(struct mv_dataplane *dp, struct mv_node *n,
			   const uint8_t *pkt, size_t len);
/* The kernel's counters of @n, for dumps. */
int mv_kernel_stats(struct mv_dataplane *dp, struct mv_node *n,
		    struct mv_counters *out);

#endif /* MESHVPN_KERNEL_H */
