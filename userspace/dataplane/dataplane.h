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
#include "lib/subnet.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "proto/proto.h"

#define MV_QUEUE_MAX		32	/* packets waiting for a session, per node */
#define MV_QUEUE_TIMEOUT	5000	/* ms */
#define MV_PKT_MAX		65536

struct mv_dataplane;
struct mv_kernel;
struct mv_udp_batch;

/*
 * A backend: what moves the data packets, chosen at start (DataPlane) and
 * driven only through this table. The userspace backend (udp.c) moves them
 * itself and leaves most entries NULL; meshvpn.ko's (kernel.c) keeps the
 * module's nodes, keys and routes in step. The BPF path will be a third.
 */
struct mv_backend {
	const char *name;		/* "userspace", "kernel": logs and dumps */
	/* Make the interface and start: 0 or -errno, logged. */
	int (*open)(struct mv_dataplane *dp);
	/* Stop; @keep leaves what forwards without the daemon (--keep-state). */
	void (*close)(struct mv_dataplane *dp, bool keep);
	/* Bring the backend's nodes, next hops and keys in line with ours. */
	void (*sync)(struct mv_dataplane *dp);
	/* A subnet of @n came (@add) or went. */
	int (*route)(struct mv_dataplane *dp, struct mv_node *n,
		     const struct mv_subnet *s, bool add);
	/* Encrypt inner packet @pkt for @n and send it on its path. */
	void (*send_packet)(struct mv_dataplane *dp, struct mv_node *n,
			    const uint8_t *pkt, size_t len);
	/* DATA for this node that came over a meta connection. */
	void (*deliver)(struct mv_dataplane *dp, const uint8_t *msg, size_t len);
	/* Add what the backend counted for @n to @out. */
	int (*stats)(struct mv_dataplane *dp, struct mv_node *n,
		     struct mv_counters *out);
	/* Still forwarding for @n with keys of an earlier run (restart). */
	bool (*holds)(const struct mv_node *n);
};

extern const struct mv_backend mv_userspace_backend;
extern const struct mv_backend mv_kernel_backend;

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

	const struct mv_backend *backend;	/* NULL until one is open */
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
	bool kernel_dirty;		/* nodes or keys changed: sync the backend */
	bool keep_state;		/* --keep-state: leave the kernel as is */
};

/* Start @b: 0, or -errno with no backend open. */
int mv_dataplane_open(struct mv_dataplane *dp, const struct mv_backend *b);
void mv_dataplane_close(struct mv_dataplane *dp, bool keep);
/* What the backend's name, or "none" before one is open. */
const char *mv_dataplane_name(const struct mv_dataplane *dp);
void mv_dataplane_sync(struct mv_dataplane *dp);
int mv_dataplane_route(struct mv_dataplane *dp, struct mv_node *n,
		       const struct mv_subnet *s, bool add);
/* @n's counters: the daemon's, plus what the backend counted itself. */
void mv_dataplane_stats(struct mv_dataplane *dp, struct mv_node *n,
			struct mv_counters *out);
/* Is @n reached without the graph: a direct path, or a backend's keys? */
bool mv_dataplane_holds(const struct mv_dataplane *dp, const struct mv_node *n);

#endif /* MESHVPN_DATAPLANE_H */
