/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The node table: every node the daemon knows of, from host files and from
 * the graph, found by name or by wire id; the trust in their keys; what the
 * graph and the UDP path say about each; and the choice of the path a
 * packet for a node takes.
 *
 * The table is the bottom of the daemon's per-node state. The layers above
 * keep their own per-node parts (the meta connection, the session, the
 * STATE last received) behind pointers they allocate and free themselves,
 * through struct mv_node_ops, much as a net_device carries its protocols'
 * parts (ip_ptr, ip6_ptr) without knowing them: the table never calls up.
 */
#ifndef MESHVPN_NODE_H
#define MESHVPN_NODE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "lib/buf.h"
#include "lib/event.h"
#include "lib/subnet.h"
#include "mesh/graph.h"

#define MV_NAME_MAX		64	/* protocol.md 9.3: a u8-length name */

struct mv_conn;
struct mv_dataplane;
struct mv_identity;
struct mv_meta_state;
struct mv_node;
struct mv_session;

enum mv_path_kind {
	MV_PATH_NONE,		/* unreachable */
	MV_PATH_SELF,
	MV_PATH_DIRECT,		/* UDP to its endpoint */
	MV_PATH_RELAY,		/* UDP to a relay's endpoint */
	MV_PATH_TCP,		/* over meta connections */
};

struct mv_counters {
	uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes;
	uint64_t relayed_packets, relayed_bytes;
	uint64_t decrypt_errors, replay_drops, rpf_drops, nokey_drops;
	uint64_t tcp_packets;
};

/*
 * What a kernel-side data plane (meshvpn.ko) holds for a node, as the
 * daemon last programmed it: the shared data-plane model of ARCHITECTURE.md
 * (node, endpoint, next hop, two key slots).
 */
#define MV_KGEN_UNKNOWN		UINT32_MAX	/* a key left by an earlier run */

struct mv_kstate {
	bool exists;
	bool has_endpoint;
	struct sockaddr_in6 endpoint;
	uint64_t next_hop;
	uint64_t broadcast_via;	/* 0: not set yet */
	bool key[2];		/* current, next */
	uint32_t gen[2];
};

/* A packet waiting for a session to @n. */
struct mv_queued {
	struct mv_queued *next;
	uint64_t since;
	size_t len;
	uint8_t data[];
};

/* The node's UDP path, kept by the data plane and read by path choice. */
struct mv_node_udp {
	struct mv_dataplane *dp;	/* set by the data plane's node init */
	struct sockaddr_in6 endpoint;	/* confirmed UDP endpoint */
	bool direct;			/* endpoint answered recently */
	uint64_t direct_since;
	uint64_t last_direct_rx;	/* monotonic ms */
	uint32_t rtt_us;		/* of the last probe */
	unsigned int probes_unanswered;
	uint64_t probed_digest;		/* of the candidates last probed */
	uint64_t probe_tx_seen;		/* tx_packets at the last keepalive */
	bool keepalive_idle;		/* its timer runs on the idle interval */
	uint64_t probe_rx_seen;		/* rx_packets (any data path) then */
	struct mv_timer probe_timer;
	unsigned int probe_interval;	/* ms, backs off */
	struct mv_queued *queue, **queue_tail;
	size_t queue_len;
};

struct mv_node {
	struct mv_nodes *table;
	char name[MV_NAME_MAX + 1];
	uint64_t id;
	struct mv_node *next_by_name, *next_by_id;	/* hash chains */
	struct mv_node *next_by_endpoint;		/* once it had one */
	bool endpoint_indexed;
	struct sockaddr_in6 indexed_endpoint;	/* its key in by_endpoint */
	struct mv_node *next, *prev;			/* all nodes */

	/* trust */
	struct mv_identity *host_key;	/* from hosts/NAME */
	struct mv_identity *vouched_key; /* from a STATE via a neighbour */
	struct mv_host_config *host;	/* hosts/NAME, NULL if none */
	bool in_hosts;			/* seen by the last host reload */
	bool id_lost;			/* its id went to a host file's node */
	uint64_t vouched_by;		/* id of the neighbour that vouched */
	unsigned int n_vouched;		/* nodes this one vouched for */

	/* the node's own announcement (proto/state.c) */
	struct mv_meta_state *state;	/* the newest STATE, if have_state */
	bool have_state;
	bool tcp_only;			/* its STATE says TCPOnly */
	bool gone;			/* its STATE says it is leaving */
	struct mv_subnet *claimed;	/* the subnets its STATE claims */
	size_t n_claimed;
	struct mv_buf state_raw;	/* its plaintext, for floods */
	uint64_t state_expires;		/* monotonic ms */
	/* Edges of its STATE to nodes that did not exist yet. */
	unsigned int unknown_peers;
	/* The newest seq taken, kept when the STATE is forgotten. */
	uint64_t seq_floor;
	uint64_t forgotten;		/* monotonic ms, 0 while it has a STATE */
	/* StrictSubnets: which refusals were logged last (a digest). */
	uint64_t refused_digest;
	/* StateFloodRate's bucket (GCRA): when its next STATE is due, ms */
	uint64_t state_flood_tat;
	bool state_flood_refusing;	/* its refusals were logged */

	/* graph */
	int vertex;			/* -1 when not in the graph */
	uint64_t unreachable_since;
	bool reachable;
	struct mv_graph_path path;
	struct mv_node *nexthop, *via;
	struct mv_subnet *subnets;	/* in the subnet table, while reachable */
	size_t n_subnets;

	/* the layers above */
	struct mv_conn *conn;		/* meta connection, when a neighbour */
	struct mv_session *session;	/* end-to-end session (proto/session.c) */

	struct mv_node_udp udp;
	struct mv_counters stats;
	struct mv_kstate kstate;
};

/*
 * Per-node parts of the layers above: @init right after a node is made
 * (it may fail with -ENOMEM, and the node is not made), @release before it
 * is freed, @untrusted when the key that authenticated its meta connection
 * is withdrawn by a host-file reload.
 */
struct mv_node_ops {
	int (*init)(void *ctx, struct mv_node *n);
	void (*release)(void *ctx, struct mv_node *n);
	void (*untrusted)(void *ctx, struct mv_node *n, const char *why);
};

struct mv_nodes {
	const struct mv_config *conf;	/* StrictKeys, own TCPOnly */
	struct mv_node *self;
	struct mv_node *all;
	struct mv_node **by_name, **by_id, **by_endpoint;
	size_t n_buckets, n_nodes;
	/* Vouched keys a reloaded host file overruled (squatters evicted). */
	uint64_t evicted_vouched;
	/* Ids taken from a vouched holder by a host file, and names refused. */
	uint64_t evicted_id_squatters, id_collisions;
	const struct mv_node_ops *ops;
	void *ops_ctx;
};

void mv_nodes_init(struct mv_nodes *t, const struct mv_config *conf,
		   const struct mv_node_ops *ops, void *ops_ctx);
void mv_nodes_free(struct mv_nodes *t);
uint64_t mv_node_id_of(const char *name);
struct mv_node *mv_node_find(const struct mv_nodes *t, const char *name);
struct mv_node *mv_node_find_id(const struct mv_nodes *t, uint64_t id);
/*
 * The node whose working direct path (udp.direct) has the endpoint @sa,
 * or NULL: one hash lookup, for every packet that asks to be relayed.
 */
struct mv_node *mv_node_find_endpoint(const struct mv_nodes *t,
				      const struct sockaddr_in6 *sa);
/* @n's udp.endpoint changed: index it for mv_node_find_endpoint(). */
void mv_node_endpoint_moved(struct mv_nodes *t, struct mv_node *n);
/* Find or create; NULL (logged) on an id collision or no memory. */
struct mv_node *mv_node_get(struct mv_nodes *t, const char *name);
/*
 * Release and free @n, which no one refers to any more (no connection,
 * no graph vertex, no path, no subnet, no pending timer): the caller
 * checks. Its name and id are free again.
 */
void mv_node_free(struct mv_nodes *t, struct mv_node *n);
/* The key that authenticates @n, or NULL (protocol.md 9.4). */
struct mv_identity *mv_node_trusted_key(const struct mv_node *n);
/* (Re)load every hosts/NAME in @confdir. */
int mv_nodes_load_hosts(struct mv_nodes *t, const char *confdir);

const char *mv_path_name(enum mv_path_kind kind);
/* How a packet for @n leaves this node now. */
enum mv_path_kind mv_node_path(const struct mv_node *n);
/* TCPOnly at either end: packets for @n go over meta connections only. */
bool mv_node_tcp_only(const struct mv_node *n);

#endif /* MESHVPN_NODE_H */
