/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpnd's core state, shared by its modules:
 *
 *   node.c     the node table (by name and by id), host files, keys
 *   meta.c     meta connections: TCP, handshake, records, ping, retries
 *   state.c    STATE announcements, flooding, ageing, graph, reachability
 *   session.c  end-to-end session handshakes and key slots
 *   udp.c      the UDP socket, probes, NAT traversal, the userspace data
 *              path (TUN), relaying and the TCP fallback
 *   control.c  the control socket and dumps
 *   daemon.c   configuration, start-up, signals, scripts, reload, shutdown
 *   meshvpnd.c the command line: options, -K, -k, the pidfile
 *
 * Everything runs on one event loop (event.h); no module keeps globals.
 */
#ifndef MESHVPN_DAEMON_H
#define MESHVPN_DAEMON_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include <meshvpn/wire.h>

#include "config/config.h"
#include "crypto/crypto.h"
#include "lib/event.h"
#include "mesh/graph.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "crypto/identity.h"
#include "proto/proto.h"
#include "crypto/replay.h"
#include "daemon/script.h"
#include "lib/sockaddr.h"
#include "lib/subnet.h"

#define MV_QUEUE_MAX		32	/* packets waiting for a session, per node */
#define MV_QUEUE_TIMEOUT	5000	/* ms */
#define MV_PKT_MAX		65536

struct mv_daemon;
struct mv_node;
struct mv_ctl_client;

/* ---- the daemon ---- */

struct mv_daemon {
	struct mv_loop *loop;
	struct mv_config conf;
	char *confdir;
	char *netname;			/* "" without -n */
	struct mv_identity *key;
	struct mv_nodes nodes;

	struct mv_topology topo;

	struct mv_proto proto;

	/* meshvpn.ko, when it is the data plane (kernel.c) */
	struct mv_kernel *kernel;
	bool kernel_dirty;		/* nodes or keys changed: sync */
	bool keep_state;		/* --keep-state: leave the kernel as is */

	/* UDP and the TUN data path */
	int udp_fd;
	struct mv_io udp_io;
	int tun_fd;
	struct mv_io tun_io;
	char ifname[32];
	uint8_t *pkt;			/* MV_PKT_MAX + headroom */
	uint8_t *pkt2;
	struct mv_udp_batch *tx, *rx;	/* sendmmsg/recvmmsg (udp.c) */
	struct {
		uint64_t malformed;	/* bad header */
		uint64_t unknown_src;	/* no such node, or no key */
		uint64_t relay_refused;	/* relay rules of section 7 */
		uint64_t no_route;	/* from the TUN: no subnet */
		uint64_t probe_errors;	/* unauthenticated probes */
	} udp_stats;

	struct mv_scripts *scripts;

	int ctl_fd;
	struct mv_io ctl_io;
	struct mv_ctl_client *ctl_clients;	/* control.c */
	unsigned int n_ctl_clients;
	char *pidfile, *ctlpath;

	char *overrides;		/* "-o" lines, for reloads */
	size_t overrides_len;
	int sig_fd;
	struct mv_io sig_io;

	int exit_status;
};

/* udp.c */
int mv_udp_open(struct mv_daemon *d);
int mv_tun_start(struct mv_daemon *d);
void mv_udp_session_ready(struct mv_node *n);	/* start probing, flush */
void mv_udp_node_down(struct mv_node *n);
void mv_udp_flush_queue(struct mv_node *n);
/* A SESSION meta message in a UDP SESSION message, straight to @to. */
int mv_udp_send_session(struct mv_daemon *d, struct mv_node *to,
			const void *pt, size_t len);
/* Send what the data path batched; free the batches at exit. */
void mv_udp_flush(struct mv_daemon *d);
void mv_udp_free(struct mv_daemon *d);
/* An authenticated message came straight from @from. */
void mv_udp_set_direct(struct mv_node *n, const struct sockaddr_in6 *from);
void mv_udp_from_meta(struct mv_daemon *d, struct mv_conn *c,
		      const uint8_t *msg, size_t len);
/*
 * A message meshvpn.ko handed over because its next hop is this daemon:
 * carry it towards its destination (over the meta connections).
 */
void mv_udp_from_kernel(struct mv_daemon *d, const uint8_t *msg, size_t len);
/*
 * A broadcast meshvpn.ko handed over, sent here (@from NULL) or received
 * from @from: send it on along the spanning tree.
 */
void mv_udp_broadcast_from_kernel(struct mv_daemon *d, const uint8_t *pkt,
				  size_t len, const struct mv_node *from);

/* control.c */
int mv_control_open(struct mv_daemon *d);
void mv_control_close(struct mv_daemon *d);
void mv_dump_log(struct mv_daemon *d, bool nodes);
/*
 * Execute one control request (@line, without its newline; split in
 * place): 0 with the answer written to @f, or -errno with the reason in
 * @err.
 */
int mv_control_execute(struct mv_daemon *d, char *line, FILE *f, char *err,
		       size_t errlen);

/* The daemon a node belongs to. */
static inline struct mv_daemon *mv_node_daemon(const struct mv_node *n)
{
	return (struct mv_daemon *)((char *)n->table -
				    offsetof(struct mv_daemon, nodes));
}

/* daemon.c */
/* meshvpn.conf with the "-o" options in d->overrides; warnings logged. */
int mv_daemon_load_config(struct mv_daemon *d, struct mv_config *conf);
int mv_daemon_start(struct mv_daemon *d);
void mv_daemon_after_events(void *ctx);	/* the event loop's hook */
void mv_daemon_reload(struct mv_daemon *d);
void mv_daemon_stop(struct mv_daemon *d);
void mv_daemon_shutdown(struct mv_daemon *d);
void mv_daemon_free(struct mv_daemon *d);
/* Start @script asynchronously with tinc's environment (per-node order). */
void mv_run_script(struct mv_daemon *d, const char *script, struct mv_node *n,
		   const struct mv_subnet *subnet);
/* Run meshvpn-up/-down (or tinc-up/-down) and wait for it. */
int mv_run_sync_script(struct mv_daemon *d, const char *script);

#endif /* MESHVPN_DAEMON_H */
