/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mesh's topology as this node sees it: the graph of the links every
 * node announced, the shortest paths and the spanning tree computed from
 * it, each node's reachability, next hop and relay, and which node owns
 * which subnet.
 *
 * The layers above feed it (links and claimed subnets from STATE records)
 * and are told what changed through struct mv_topology_ops: a node came up
 * or went down, a subnet appeared or went away. Recomputation is batched:
 * changes only mark the topology dirty, and mv_topology_recompute() does
 * the work once per event-loop iteration.
 */
#ifndef MESHVPN_TOPOLOGY_H
#define MESHVPN_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/subnet.h"
#include "mesh/graph.h"
#include "mesh/node.h"

struct mv_topology_ops {
	/*
	 * The data plane still reaches @n over a working direct path: its
	 * subnets stay while the graph has no path to it.
	 */
	bool (*held)(void *ctx, const struct mv_node *n);
	void (*node_up)(void *ctx, struct mv_node *n);
	/* Unreachable, and no direct path is left either. */
	void (*node_down)(void *ctx, struct mv_node *n);
	void (*subnet_up)(void *ctx, struct mv_node *n, const struct mv_subnet *s);
	void (*subnet_down)(void *ctx, struct mv_node *n, const struct mv_subnet *s);
	/* Paths were recomputed: next hops may have moved. */
	void (*recomputed)(void *ctx);
};

struct mv_topology {
	struct mv_nodes *nodes;
	struct mv_graph *graph;
	struct mv_node **by_vertex;	/* graph vertex -> node */
	int n_by_vertex;
	int (*mst)[2];			/* spanning tree, for broadcasts */
	size_t n_mst;
	struct mv_subnet_table *subnets;	/* subnet -> owning node */
	bool dirty;
	const struct mv_topology_ops *ops;
	void *ops_ctx;
};

/* One link a node announces: to @peer, at @weight (>= 1). */
struct mv_topology_link {
	struct mv_node *peer;
	uint32_t weight;
};

int mv_topology_init(struct mv_topology *t, struct mv_nodes *nodes,
		     const struct mv_topology_ops *ops, void *ops_ctx);
void mv_topology_free(struct mv_topology *t);

/*
 * @n's links as it announced them, and whether packets may be sent to it
 * directly (not with IndirectData or TCPOnly). Links to @n itself are
 * skipped.
 */
void mv_topology_set_links(struct mv_topology *t, struct mv_node *n,
			   const struct mv_topology_link *links, size_t count,
			   bool indirect);
/* @n's announcement is gone: it leaves the graph. */
void mv_topology_remove(struct mv_topology *t, struct mv_node *n);
/*
 * The direct path that kept @n, unreachable in the graph, is lost: @n goes
 * down now (node_down), without waiting for a recomputation.
 */
void mv_topology_path_lost(struct mv_topology *t, struct mv_node *n);
/*
 * Both @a and @b announce their edge to each other: only such an edge
 * (its addresses) is worth acting on.
 */
bool mv_topology_confirmed(const struct mv_topology *t,
			   const struct mv_node *a, const struct mv_node *b);
/*
 * StrictSubnets: may @n own @sn (is it in our hosts/NAME of @n)? A check
 * of that host file alone, so that a reload takes effect at once.
 */
bool mv_topology_subnet_allowed(const struct mv_topology *t,
				const struct mv_node *n,
				const struct mv_subnet *sn);
/* Something that the next recomputation must see changed. */
void mv_topology_changed(struct mv_topology *t);
/*
 * Shortest paths, reachability, next hops, the spanning tree and subnet
 * ownership, with the ops called for every change. @now is in ms.
 */
void mv_topology_recompute(struct mv_topology *t, uint64_t now);
/* The node of a graph vertex, or NULL. */
struct mv_node *mv_topology_node(const struct mv_topology *t, int vertex);

#endif /* MESHVPN_TOPOLOGY_H */
