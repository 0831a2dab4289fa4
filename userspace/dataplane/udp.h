/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP socket and the userspace data path: probes and NAT traversal,
 * the TUN device, encryption with the sessions' keys, relaying and the
 * TCP fallback. With meshvpn.ko as the backend, the socket's data messages
 * are the kernel's and the rest still comes here.
 */
#ifndef MESHVPN_UDP_H
#define MESHVPN_UDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/dataplane.h"

int mv_udp_open(struct mv_dataplane *dp);
void mv_udp_session_ready(struct mv_node *n);	/* start probing, flush */
void mv_udp_node_down(struct mv_node *n);
/* The graph changed: check at once the direct paths that now hold a node. */
void mv_udp_check_held(struct mv_dataplane *dp);
/* A SESSION meta message in a UDP SESSION message, straight to @to. */
int mv_udp_send_session(struct mv_dataplane *dp, struct mv_node *to,
			const void *pt, size_t len);
void mv_udp_free(struct mv_dataplane *dp);
/* An authenticated message came straight from @from. */
void mv_udp_set_direct(struct mv_node *n, const struct sockaddr_in6 *from);
void mv_udp_from_meta(struct mv_dataplane *dp, struct mv_conn *c,
		      const uint8_t *msg, size_t len);
/*
 * A message meshvpn.ko handed over because its next hop is this daemon:
 * carry it towards its destination (over the meta connections).
 */
void mv_udp_from_kernel(struct mv_dataplane *dp, const uint8_t *msg, size_t len);
/*
 * A broadcast meshvpn.ko handed over, sent here (@from NULL) or received
 * from @from: send it on along the spanning tree.
 */
void mv_udp_broadcast_from_kernel(struct mv_dataplane *dp, const uint8_t *pkt,
				  size_t len, const struct mv_node *from);
/*
 * For every graph vertex, the vertex of this node's spanning tree neighbour
 * that vertex's broadcasts come through (-1 for none and for this node):
 * malloc()ed, topo->n_by_vertex entries, or NULL without memory.
 */
int *mv_udp_tree_via(const struct mv_dataplane *dp);

#endif /* MESHVPN_UDP_H */
