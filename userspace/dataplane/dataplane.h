/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data plane: the UDP socket every path shares (data, probes, session
 * handshakes and hole punching on one port), and the backend that moves
 * data packets: the userspace one (a TUN device, dataplane/udp.c) or
 * meshvpn.ko (dataplane/kernel.c), which then owns the same socket.
 *
 * It sits above the protocol: it encrypts with the sessions' keys, follows
 * the topology's paths and hands the protocol what it receives for it.
 */
#ifndef MESHVPN_DATAPLANE_H
#define MESHVPN_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "proto/proto.h"

#define MV_QUEUE_MAX		32	/* packets waiting for a session, per node */
#define MV_QUEUE_TIMEOUT	5000	/* ms */
#define MV_PKT_MAX		65536

struct mv_kernel;
struct mv_udp_batch;

/* UDP messages dropped before they reached a node (`meshvpn dump stats`). */
struct mv_udp_stats {
	uint64_t malformed;	/* bad header */
	uint64_t unknown_src;	/* no such node, or no key */
	uint64_t relay_refused;	/* relay rules of section 7 */
	uint64_t no_route;	/* from the TUN: no subnet */
	uint64_t probe_errors;	/* unauthenticated probes */
};

struct mv_dataplane {
	struct mv_loop *loop;
	const struct mv_config *conf;
	const char *netname;		/* "" without -n */
	struct mv_nodes *nodes;
	struct mv_topology *topo;
	struct mv_proto *proto;

	int udp_fd;
	struct mv_io udp_io;
	char ifname[32];

	/* the userspace backend (udp.c) */
	int tun_fd;
	struct mv_io tun_io;
	uint8_t *pkt;			/* MV_PKT_MAX + headroom */
	uint8_t *pkt2;
	struct mv_udp_batch *tx, *rx;	/* sendmmsg/recvmmsg */
	struct mv_udp_stats udp_stats;

	/* meshvpn.ko, when it is the backend (kernel.c) */
	struct mv_kernel *kernel;
	bool kernel_dirty;		/* nodes or keys changed: sync */
	bool keep_state;		/* --keep-state: leave the kernel as is */
};

#endif /* MESHVPN_DATAPLANE_H */
