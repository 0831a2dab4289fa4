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
#include <sys/socket.h>

#include <meshvpn/wire.h>

#include "config/config.h"
#include "crypto/crypto.h"
#include "lib/event.h"
#include "mesh/graph.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "crypto/identity.h"
#include "proto/metamsg.h"
#include "crypto/replay.h"
#include "daemon/script.h"
#include "lib/sockaddr.h"
#include "lib/subnet.h"

#define MV_STATE_LIFETIME	300	/* seconds */
#define MV_UNREACHABLE_FORGET	60	/* seconds before an absent node's state goes */
#define MV_AUTH_TIMEOUT		10	/* seconds */
#define MV_MAX_RETRY		900	/* seconds: tinc's MaxTimeout */
#define MV_QUEUE_MAX		32	/* packets waiting for a session, per node */
#define MV_QUEUE_TIMEOUT	5000	/* ms */
#define MV_HANDSHAKE_RETRY	2000	/* ms */
#define MV_RESPONDER_SWITCH	5000	/* ms */
#define MV_PKT_MAX		65536

struct mv_daemon;
struct mv_node;
struct mv_ctl_client;

/* ---- sessions (session.c) ---- */

struct mv_keyslot {
	bool valid;
	/* kept for the kernel data plane, which takes the raw keys */
	uint8_t tx_key[MV_KEY_LEN], rx_key[MV_KEY_LEN];
	uint32_t generation;
	enum mv_cipher cipher;
	uint64_t created;		/* monotonic ms */
	struct mv_aead *tx, *rx;
	struct mv_aead *probe_tx, *probe_rx;
	uint64_t tx_counter, probe_tx_counter;
	struct mv_replay replay, probe_replay;
};

struct mv_session {
	struct mv_keyslot slot[2];	/* indexed by phase */
	int tx_phase;			/* -1: nothing to send with */
	bool initiator;			/* of the newest generation */
	uint32_t last_generation;
	/* a handshake in flight (we sent INIT) */
	bool pending;
	uint64_t pending_id;
	uint32_t pending_generation;
	struct mv_x25519 eph;
	struct mv_buf init_blob;
	uint64_t pending_since;
	unsigned int tries;
	struct mv_timer retry;		/* resend INIT */
	struct mv_timer rekey;		/* start the next generation */
	struct mv_timer switch_tx;	/* responder: use the new keys */
	int switch_phase;
};

/* ---- meta connections (meta.c) ---- */

enum mv_conn_state {
	MV_CONN_CONNECTING,
	MV_CONN_HELLO,		/* our HELLO sent, waiting for theirs */
	MV_CONN_AUTH,		/* keys derived, waiting for AUTH */
	MV_CONN_ACTIVE,
	MV_CONN_CLOSED,
};

struct mv_outgoing {
	struct mv_daemon *d;
	struct mv_outgoing *next;
	char name[MV_NAME_MAX + 1];
	unsigned int timeout;		/* backoff, seconds */
	struct mv_timer retry;
	struct mv_conn *conn;
	/* addresses to try, resolved when an attempt starts */
	struct sockaddr_in6 *addrs;
	size_t n_addrs, next_addr;
};

struct mv_conn {
	struct mv_daemon *d;
	struct mv_conn *next;
	enum mv_conn_state state;
	int fd;
	struct mv_io io;
	struct sockaddr_in6 addr;	/* peer's TCP address */
	struct mv_outgoing *outgoing;	/* NULL for accepted ones */
	char name[MV_NAME_MAX + 1];	/* expected or announced */
	struct mv_node *node;		/* once authenticated */

	struct mv_x25519 eph;
	struct mv_buf hello_ours, hello_theirs;
	uint8_t th[MV_HASH_LEN];
	struct mv_aead *tx, *rx;
	uint64_t tx_counter, rx_counter;

	uint8_t *in;			/* partial record */
	size_t in_len;
	struct mv_buf out;		/* bytes not yet written */
	size_t out_off;

	uint64_t hello_sent;		/* ms, for the first RTT */
	uint32_t rtt_ms;
	uint64_t ping_token;
	uint64_t ping_sent;		/* 0: no ping outstanding */
	uint64_t last_rx;
	struct mv_timer timer;		/* auth timeout, then pings */
};

/* ---- the daemon ---- */

struct mv_daemon {
	struct mv_loop *loop;
	struct mv_config conf;
	char *confdir;
	char *netname;			/* "" without -n */
	struct mv_identity *key;
	struct mv_nodes nodes;

	struct mv_topology topo;

	struct mv_conn *conns;
	struct mv_outgoing *outgoing;
	int tcp_fd;
	struct mv_io tcp_io;

	/* own STATE */
	uint64_t state_seq;
	bool state_dirty;
	uint64_t state_sent;		/* ms */
	struct mv_timer state_timer;	/* refresh and rate limit */
	struct mv_timer age_timer;
	struct mv_wire_addr reflexive[4];
	size_t n_reflexive;

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

	bool stopping;
	int exit_status;
};

/* meta.c */
int mv_meta_listen(struct mv_daemon *d);
void mv_meta_start_outgoing(struct mv_daemon *d);
void mv_meta_retry_now(struct mv_daemon *d);
int mv_meta_send(struct mv_conn *c, const void *plaintext, size_t len);
void mv_meta_close(struct mv_conn *c, const char *why);
void mv_meta_close_all(struct mv_daemon *d);
void mv_meta_reap(struct mv_daemon *d);
/* Send to every active connection but @except. */
void mv_meta_broadcast(struct mv_daemon *d, const void *pt, size_t len,
		       struct mv_conn *except);
/* A socket of @type bound to Port and BindToAddress, non-blocking. */
int mv_meta_bind_socket(struct mv_daemon *d, int type, int *out);

/* state.c */
void mv_state_init(struct mv_daemon *d);
void mv_state_changed(struct mv_daemon *d);	/* own state: re-announce */
void mv_state_receive(struct mv_conn *c, const uint8_t *pt, size_t len);
void mv_state_sync(struct mv_conn *c);		/* send everything we hold */
void mv_state_announce_gone(struct mv_daemon *d);
void mv_state_after_events(struct mv_daemon *d);	/* batched work */
void mv_state_forget(struct mv_node *n);
/* Room for a node's STATE: made with the node, freed with it. */
int mv_state_node_init(struct mv_node *n);
void mv_state_node_free(struct mv_node *n);

/* session.c */
/* A node's session: made with the node, freed with it. */
int mv_session_init(struct mv_node *n);
void mv_session_free(struct mv_node *n);
void mv_session_clear(struct mv_node *n);
void mv_session_start(struct mv_node *n);
void mv_session_receive(struct mv_daemon *d, const uint8_t *pt, size_t len);
/* The slot to send with, or NULL. */
struct mv_keyslot *mv_session_tx(struct mv_node *n);
void mv_session_rx_phase(struct mv_node *n, int phase);
/* Forward a SESSION or UDP meta message towards @to; false if no route. */
bool mv_route_meta(struct mv_daemon *d, struct mv_node *to,
		   const void *pt, size_t len);

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
