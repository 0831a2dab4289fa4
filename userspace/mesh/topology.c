// SPDX-License-Identifier: GPL-2.0
/*
 * The topology: announced links into the graph, the graph into paths,
 * reachability and subnet ownership (protocol.md 9.4), with every change
 * reported to the layers above through struct mv_topology_ops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "mesh/topology.h"

int mv_topology_init(struct mv_topology *t, struct mv_nodes *nodes,
		     const struct mv_topology_ops *ops, void *ops_ctx)
{
	memset(t, 0, sizeof(*t));
	t->nodes = nodes;
	t->ops = ops;
	t->ops_ctx = ops_ctx;
	t->graph = mv_graph_new();
	t->subnets = mv_subnet_table_new();
	if (!t->graph || !t->subnets) {
		mv_topology_free(t);
		return -ENOMEM;
	}
	return 0;
}

void mv_topology_free(struct mv_topology *t)
{
	mv_graph_free(t->graph);
	mv_subnet_table_free(t->subnets);
	free(t->by_vertex);
	free(t->mst);
	memset(t, 0, sizeof(*t));
}

void mv_topology_changed(struct mv_topology *t)
{
	t->dirty = true;
}

struct mv_node *mv_topology_node(const struct mv_topology *t, int vertex)
{
	return vertex >= 0 && vertex < t->n_by_vertex ? t->by_vertex[vertex] : NULL;
}

static int set_vertex(struct mv_topology *t, struct mv_node *n)
{
	int v;

	if (n->vertex >= 0)
		return 0;
	v = mv_graph_add_node(t->graph, n->name);
	if (v < 0)
		return v;
	if (v >= t->n_by_vertex) {
		int cap = v + 64;
		struct mv_node **grown = realloc(t->by_vertex, cap * sizeof(*grown));

		if (!grown) {
			mv_graph_remove_node(t->graph, v);
			return -ENOMEM;
		}
		memset(grown + t->n_by_vertex, 0,
		       (cap - t->n_by_vertex) * sizeof(*grown));
		t->by_vertex = grown;
		t->n_by_vertex = cap;
	}
	t->by_vertex[v] = n;
	n->vertex = v;
	return 0;
}

void mv_topology_set_links(struct mv_topology *t, struct mv_node *n,
			   const struct mv_topology_link *links, size_t count,
			   bool indirect)
{
	struct mv_graph_edge *edges;
	size_t i, k = 0;

	if (set_vertex(t, n))
		return;
	edges = calloc(count + 1, sizeof(*edges));
	if (!edges)
		return;
	for (i = 0; i < count; i++) {
		struct mv_node *peer = links[i].peer;

		if (!peer || peer == n || set_vertex(t, peer))
			continue;
		edges[k].to = peer->vertex;
		edges[k].weight = links[i].weight ? links[i].weight : 1;
		k++;
	}
	if (mv_graph_set_edges(t->graph, n->vertex, edges, k))
		mv_warn("Ignoring the edges of %s: repeated or invalid", n->name);
	mv_graph_set_indirect(t->graph, n->vertex, indirect);
	free(edges);
	t->dirty = true;
}

void mv_topology_remove(struct mv_topology *t, struct mv_node *n)
{
	if (n->vertex >= 0) {
		mv_graph_remove_node(t->graph, n->vertex);
		t->by_vertex[n->vertex] = NULL;
		n->vertex = -1;
	}
	t->dirty = true;
}

bool mv_topology_confirmed(const struct mv_topology *t,
			   const struct mv_node *a, const struct mv_node *b)
{
	return a->vertex >= 0 && b->vertex >= 0 &&
	       mv_graph_has_edge(t->graph, a->vertex, b->vertex);
}

/* ---- subnets ---- */

static bool has_subnet(const struct mv_subnet *v, size_t n,
		       const struct mv_subnet *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!mv_subnet_cmp(&v[i], s))
			return true;
	return false;
}

static bool held(const struct mv_topology *t, const struct mv_node *n)
{
	return t->ops && t->ops->held && t->ops->held(t->ops_ctx, n);
}

bool mv_topology_subnet_allowed(const struct mv_topology *t,
				const struct mv_node *n,
				const struct mv_subnet *sn)
{
	if (!t->nodes->conf->strict_subnets || n == t->nodes->self)
		return true;
	return n->host && has_subnet(n->host->subnets, n->host->n_subnets, sn);
}

/* The subnets @n should have in the table now. */
static size_t wanted_subnets(struct mv_topology *t, struct mv_node *n,
			     struct mv_subnet **out)
{
	const struct mv_host_config *self = &t->nodes->conf->self;
	struct mv_subnet *v;
	size_t i, k = 0;

	*out = NULL;
	if (n == t->nodes->self) {
		if (!self->n_subnets)
			return 0;
		v = malloc(self->n_subnets * sizeof(*v));
		if (!v)
			return 0;
		memcpy(v, self->subnets, self->n_subnets * sizeof(*v));
		*out = v;
		return self->n_subnets;
	}
	/*
	 * Subnets come up with the node (after host-up), and stay while only
	 * a direct path is left of it.
	 */
	if (!(n->reachable || (held(t, n) && n->n_subnets)) ||
	    !n->have_state || !n->n_claimed || n->gone)
		return 0;
	v = calloc(n->n_claimed, sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < n->n_claimed; i++)
		if (mv_topology_subnet_allowed(t, n, &n->claimed[i]))
			v[k++] = n->claimed[i];
	*out = v;
	return k;
}

static void update_subnets(struct mv_topology *t, struct mv_node *n)
{
	const struct mv_topology_ops *ops = t->ops;
	struct mv_subnet *want;
	size_t n_want = wanted_subnets(t, n, &want), i;

	for (i = 0; i < n->n_subnets; i++) {
		if (has_subnet(want, n_want, &n->subnets[i]))
			continue;
		mv_subnet_table_del(t->subnets, &n->subnets[i], n);
		if (ops && ops->subnet_down)
			ops->subnet_down(t->ops_ctx, n, &n->subnets[i]);
	}
	for (i = 0; i < n_want; i++) {
		struct mv_node *other;

		if (has_subnet(n->subnets, n->n_subnets, &want[i]))
			continue;
		other = mv_subnet_table_other_owner(t->subnets, &want[i], n);
		if (mv_subnet_table_add(t->subnets, &want[i], n) == -ENOMEM)
			continue;
		/* Once, when the second claim arrives; routing picks by weight. */
		if (other) {
			char text[MV_SUBNET_STRLEN];

			mv_subnet_format(&want[i], text, sizeof(text), 0);
			mv_warn("Subnet conflict: %s is claimed by both %s and %s",
				text, other->name, n->name);
		}
		if (ops && ops->subnet_up)
			ops->subnet_up(t->ops_ctx, n, &want[i]);
	}
	free(n->subnets);
	n->subnets = want;
	n->n_subnets = n_want;
}

/* ---- recomputation ---- */

static void reachability_changed(struct mv_topology *t, struct mv_node *n,
				 uint64_t now)
{
	const struct mv_topology_ops *ops = t->ops;

	if (n->reachable) {
		mv_info(1, "Node %s became reachable", n->name);
		n->unreachable_since = 0;
		if (ops && ops->node_up)
			ops->node_up(t->ops_ctx, n);
	} else if (held(t, n) && !(n->have_state && n->gone)) {
		/*
		 * A working direct path needs no graph: traffic goes on
		 * until the path itself fails.
		 */
		mv_info(1, "Node %s became unreachable in the graph; "
			"keeping the direct path", n->name);
		n->unreachable_since = now;
	} else {
		mv_info(1, "Node %s became unreachable", n->name);
		n->unreachable_since = now;
		if (ops && ops->node_down)
			ops->node_down(t->ops_ctx, n);
	}
}

void mv_topology_path_lost(struct mv_topology *t, struct mv_node *n)
{
	if (n->reachable)
		return;
	mv_info(1, "Node %s became unreachable", n->name);
	if (t->ops && t->ops->node_down)
		t->ops->node_down(t->ops_ctx, n);
	t->dirty = true;
}

void mv_topology_recompute(struct mv_topology *t, uint64_t now)
{
	struct mv_node *self = t->nodes->self;
	int cap = mv_graph_capacity(t->graph);
	struct mv_graph_path *paths = calloc(cap + 1, sizeof(*paths));
	struct mv_node *n;

	if (!paths)
		return;
	if (self->vertex >= 0 && mv_graph_compute(t->graph, self->vertex, paths)) {
		free(paths);
		return;
	}
	t->dirty = false;
	free(t->mst);
	t->mst = NULL;
	t->n_mst = 0;
	if (self->vertex >= 0)
		mv_graph_mst(t->graph, self->vertex, &t->mst, &t->n_mst);
	if (t->ops && t->ops->recomputed)
		t->ops->recomputed(t->ops_ctx);
	for (n = t->nodes->all; n; n = n->next) {
		bool was = n->reachable;

		if (n == self)
			continue;
		if (n->vertex >= 0 && paths[n->vertex].reachable) {
			n->path = paths[n->vertex];
			n->nexthop = mv_topology_node(t, n->path.nexthop);
			n->via = mv_topology_node(t, n->path.via);
			n->reachable = n->nexthop != NULL;
		} else {
			memset(&n->path, 0, sizeof(n->path));
			n->nexthop = n->via = NULL;
			n->reachable = false;
		}
		if (n->reachable != was)
			reachability_changed(t, n, now);
	}
	for (n = t->nodes->all; n; n = n->next)
		update_subnets(t, n);
	free(paths);
}
