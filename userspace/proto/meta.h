/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Meta connections (protocol.md section 9): TCP to the neighbours,
 * authenticated with the identity keys and encrypted, carrying STATE
 * floods, session handshakes and, as a last resort, data; pings measure
 * each link's latency. Outgoing connections (ConnectTo) retry with backoff.
 */
#ifndef MESHVPN_META_H
#define MESHVPN_META_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "lib/buf.h"
#include "lib/event.h"
#include "mesh/node.h"

#define MV_AUTH_TIMEOUT		10	/* seconds */
#define MV_MAX_RETRY		900	/* seconds: tinc's MaxTimeout */
#define MV_REFUSED_RETRY	5	/* seconds: first wait after a REFUSE */

struct mv_proto;

enum mv_conn_state {
	MV_CONN_CONNECTING,
	MV_CONN_HELLO,		/* our HELLO sent, waiting for theirs */
	MV_CONN_AUTH,		/* keys derived, waiting for AUTH */
	MV_CONN_ACTIVE,
	MV_CONN_CLOSED,
};

/* A ConnectTo: the connection it keeps, or the timer of its next try. */
struct mv_outgoing {
	struct mv_proto *p;
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
	struct mv_proto *p;
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
	bool refused;			/* the peer sent REFUSE: back off */
};

/*
 * Recent incoming connections from one address (IPv4) or /64 (IPv6), as a
 * leaky bucket: each adds a second to @busy_until, which drains in real
 * time; MaxConnectionBurst seconds in the bucket refuse the next one.
 */
struct mv_conn_burst {
	struct in6_addr prefix;
	uint64_t busy_until;		/* ms; at or before now: empty */
};

#define MV_CONN_BURST_SLOTS	64	/* addresses remembered */

/* One kind of refusal in the log: a line a second at most. */
struct mv_refusal_log {
	uint64_t logged_at;		/* ms */
	uint64_t unlogged;		/* refusals since that line */
};

/* What the listener refused, and the work strangers made us do. */
struct mv_meta_stats {
	uint64_t burst_refused;		/* over MaxConnectionBurst */
	uint64_t preauth_dropped;	/* over MaxPreAuthConnections */
	uint64_t accept_paused;		/* out of descriptors: listener paused */
	uint64_t auth_signed;		/* AUTH signatures we made */
	uint64_t refused_by_peer;	/* REFUSEs received (handshake) */
};

/* The meta connections of this node and its listening socket. */
struct mv_meta {
	struct mv_conn *conns;
	struct mv_outgoing *outgoing;
	int tcp_fd;
	struct mv_io tcp_io;
	struct mv_timer accept_resume;	/* after accept() ran out of fds */
	struct mv_conn_burst bursts[MV_CONN_BURST_SLOTS];
	struct mv_refusal_log burst_log, preauth_log;
	struct mv_meta_stats stats;
};

int mv_meta_listen(struct mv_proto *p);
/* Start, keep or drop the ConnectTo connections the configuration names. */
void mv_meta_start_outgoing(struct mv_proto *p);
void mv_meta_retry_now(struct mv_proto *p);
int mv_meta_send(struct mv_conn *c, const void *plaintext, size_t len);
void mv_meta_close(struct mv_conn *c, const char *why);
/*
 * Is the neighbour at the other end still there? A PING now, unless one
 * is out already; no PONG within PingTimeout closes the connection. For
 * the data path, whose keepalives noticed the neighbour go silent first.
 */
void mv_meta_check_alive(struct mv_conn *c);
void mv_meta_close_all(struct mv_proto *p);
/* Free the connections that were closed. */
void mv_meta_reap(struct mv_proto *p);
/* Send to every active connection but @except. */
void mv_meta_broadcast(struct mv_proto *p, const void *pt, size_t len,
		       struct mv_conn *except);
/*
 * The decrypted plaintext @pt of a record on active connection @c, handed
 * to the handler of its message type; an unknown or misplaced type closes
 * the connection.
 */
void mv_meta_dispatch(struct mv_conn *c, const uint8_t *pt, size_t len);
/* A socket of @type bound to Port and BindToAddress, non-blocking. */
int mv_meta_bind_socket(struct mv_proto *p, int type, int *out);

#endif /* MESHVPN_META_H */
