/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mesh graph and its algorithms, free of I/O so that unit tests can run
 * them on fixed topologies.
 *
 * Vertices are nodes, identified by a small integer the caller gets from
 * mv_graph_add_node() (stable until the node is removed) and by a name used
 * only to break ties, so that every node of a mesh computes the same paths
 * and the same spanning tree from the same edges, whatever the indices.
 * Names must therefore be unique; the caller's node table ensures that.
 *
 * Edges are directed and weighted, as each node announces its own edges
 * (link state). An edge A-B is used only when both A->B and B->A exist
 * (tinc's rule: an edge counts when both ends confirm it); its weight is the
 * larger of the two announced weights, so both directions agree.
 *
 * Results (mv_graph_compute) for a source node S and every node X:
 *   reachable	a path S..X exists;
 *   distance	sum of weights along the shortest path;
 *   hops	number of edges on it;
 *   nexthop	the first node after S on it (X itself for a neighbour, S
 *		for S);
 *   prev	the node before X on it (S for a neighbour, -1 for S);
 *   via	the last node on the path, counting from S, that X's packets
 *		may be sent to directly: walking back from X, skip nodes that
 *		have the "indirect" flag (IndirectData/TCPOnly: nobody sends
 *		to them directly), as tinc's "via". For a reachable X without
 *		the flag, via == X (unlike tinc, which also skips the nodes
 *		behind an indirect one). S when every node after S is
 *		indirect: then, as in tinc, send to nexthop. S's own flag
 *		does not matter.
 * Ties between equal-distance paths go to the path with fewer hops, then to
 * the one whose predecessor's name sorts first (bytewise).
 *
 * The minimum spanning tree (for broadcasts) is computed over the usable
 * undirected edges of S's connected component with Kruskal's algorithm,
 * ties broken by (weight, smaller name, larger name); every node of the
 * component gets the same tree.
 *
 * Complexity: compute is O((V + E) log V); add/remove node O(1) amortised
 * plus its edges; set_edges O(n) for n edges of that node.
 */
#ifndef MESHVPN_GRAPH_H
#define MESHVPN_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mv_graph;

struct mv_graph_edge {
	int to;			/* vertex */
	uint32_t weight;	/* >= 1 */
};

struct mv_graph_path {
	bool reachable;
	uint64_t distance;
	unsigned int hops;
	int nexthop;		/* -1 when unreachable */
	int prev;		/* -1 when unreachable or the source */
	int via;		/* -1 when unreachable */
};

struct mv_graph *mv_graph_new(void);
void mv_graph_free(struct mv_graph *g);

/*
 * Add a vertex; @name is copied. Returns its index (>= 0) or -ENOMEM. A
 * removed vertex's index is reused by a later add before any new one.
 */
int mv_graph_add_node(struct mv_graph *g, const char *name);
/* Remove a vertex, its out-edges and every edge to it; no-op if unused. */
void mv_graph_remove_node(struct mv_graph *g, int v);
/* NULL when @v is not in use. */
const char *mv_graph_name(const struct mv_graph *g, int v);
/*
 * One past the largest index handed out so far: the size for per-vertex
 * arrays. It never shrinks, but as indices are reused it is the largest
 * number of vertices there ever were at once.
 */
int mv_graph_capacity(const struct mv_graph *g);
void mv_graph_set_indirect(struct mv_graph *g, int v, bool indirect);

/*
 * Replace all out-edges of @from with @edges (a node's announcement).
 * An unknown @from, edges to @from itself, to unknown vertices, of weight
 * 0, or repeated targets are -EINVAL and change nothing; -ENOMEM likewise.
 */
int mv_graph_set_edges(struct mv_graph *g, int from,
		       const struct mv_graph_edge *edges, size_t n);
/* Is the undirected edge a-b usable (announced by both)? */
bool mv_graph_has_edge(const struct mv_graph *g, int a, int b);
/* Its effective weight, 0 when unusable. */
uint32_t mv_graph_edge_weight(const struct mv_graph *g, int a, int b);

/*
 * Shortest paths from @source into @paths, which has
 * mv_graph_capacity() entries; entries of unused indices are unreachable
 * (distance and hops 0). Returns 0, -EINVAL for an unknown @source, or
 * -ENOMEM.
 */
int mv_graph_compute(const struct mv_graph *g, int source,
		     struct mv_graph_path *paths);

/*
 * The spanning tree of @source's component: on return *@pairs holds *@n
 * edges as pairs of vertices (smaller name first), sorted by the order
 * Kruskal took them; malloc()ed, free() it (NULL when *@n is 0). Returns 0,
 * -EINVAL for an unknown @source, or -ENOMEM (*@pairs NULL, *@n 0).
 */
int mv_graph_mst(const struct mv_graph *g, int source, int (**pairs)[2],
		 size_t *n);
/* Is the undirected edge a-b in the tree returned by mv_graph_mst()? */
bool mv_graph_mst_contains(int (*pairs)[2], size_t n, int a, int b);

#endif /* MESHVPN_GRAPH_H */
