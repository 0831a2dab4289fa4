// SPDX-License-Identifier: GPL-2.0
/*
 * The mesh graph: vertices with directed, weighted out-edges as their nodes
 * announce them, shortest paths (Dijkstra on a binary heap) and the
 * broadcast tree (Kruskal with union-find).
 *
 * Every directed edge is stored twice: in its source's out-list, and as a
 * back-reference in its target's in-list, each recording its position in
 * the other list. That makes removing a vertex (which must drop every edge
 * to it) cost only its own edges, and lets the algorithms find the reverse
 * direction of an edge without a search: before scanning a vertex's
 * out-edges, its in-list marks which neighbours announced an edge back.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mesh/graph.h"

struct out_edge {
	int to;
	uint32_t weight;
	int in_pos;		/* index of its back-reference in to's in */
};

struct in_edge {
	int from;
	int out_pos;		/* index of the edge in from's out-list */
};

struct vertex {
	char *name;		/* NULL while the index is free */
	bool indirect;
	bool seen;		/* duplicate check in mv_graph_set_edges() */
	int next_free;		/* free-list link while name is NULL */
	struct out_edge *out;
	int nout, out_cap;
	struct in_edge *in;
	int nin, in_cap;
};

struct mv_graph {
	struct vertex *v;
	int cap;		/* indices handed out so far */
	int alloc;		/* entries allocated in v */
	int free_head;		/* most recently freed index, or -1 */
};

/*
 * Scratch state of one vertex in mv_graph_compute() and mv_graph_mst():
 * @owner/@back_weight record that @owner's in-list holds an edge from this
 * vertex, of that weight.
 */
struct scratch {
	int owner;
	uint32_t back_weight;
	int heap_pos;		/* position while in the heap */
};

/*
 * Grow an array to hold at least @need elements, doubling so that repeated
 * appends cost O(1) amortised. Returns the new array, or NULL (the old one
 * is left alone) when out of memory.
 */
static void *grow(void *arr, int *cap, int need, size_t size)
{
	size_t ncap = *cap ? (size_t)*cap : 4;
	void *p;

	while (ncap < (size_t)need)
		ncap *= 2;
	if (ncap > INT_MAX)
		ncap = need;
	p = reallocarray(arr, ncap, size);
	if (p)
		*cap = ncap;
	return p;
}

static bool valid(const struct mv_graph *g, int v)
{
	return v >= 0 && v < g->cap && g->v[v].name;
}

struct mv_graph *mv_graph_new(void)
{
	struct mv_graph *g = calloc(1, sizeof(*g));

	if (g)
		g->free_head = -1;
	return g;
}

void mv_graph_free(struct mv_graph *g)
{
	int i;

	if (!g)
		return;
	for (i = 0; i < g->cap; i++) {
		free(g->v[i].name);
		free(g->v[i].out);
		free(g->v[i].in);
	}
	free(g->v);
	free(g);
}

int mv_graph_add_node(struct mv_graph *g, const char *name)
{
	struct vertex *p;
	char *copy;
	int i;

	if (g->free_head < 0 && g->cap == INT_MAX)
		return -ENOMEM;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	if (g->free_head >= 0) {
		i = g->free_head;
		g->free_head = g->v[i].next_free;
	} else {
		if (g->cap == g->alloc) {
			p = grow(g->v, &g->alloc, g->cap + 1, sizeof(*p));
			if (!p) {
				free(copy);
				return -ENOMEM;
			}
			g->v = p;
		}
		i = g->cap++;
	}
	g->v[i] = (struct vertex){ .name = copy, .next_free = -1 };
	return i;
}

/* Drop the back-reference at @pos of @to's in-list. */
static void unlink_in(struct mv_graph *g, int to, int pos)
{
	struct vertex *t = &g->v[to];
	struct in_edge *moved;

	if (pos != --t->nin) {
		moved = &t->in[pos];
		*moved = t->in[t->nin];
		g->v[moved->from].out[moved->out_pos].in_pos = pos;
	}
}

/* Drop the edge at @pos of @from's out-list, and its back-reference. */
static void unlink_out(struct mv_graph *g, int from, int pos)
{
	struct vertex *f = &g->v[from];
	struct out_edge *moved;

	unlink_in(g, f->out[pos].to, f->out[pos].in_pos);
	if (pos != --f->nout) {
		moved = &f->out[pos];
		*moved = f->out[f->nout];
		g->v[moved->to].in[moved->in_pos].out_pos = pos;
	}
}

void mv_graph_remove_node(struct mv_graph *g, int v)
{
	struct vertex *p;

	if (!valid(g, v))
		return;
	p = &g->v[v];
	while (p->nout)
		unlink_out(g, v, p->nout - 1);
	while (p->nin)
		unlink_out(g, p->in[p->nin - 1].from,
			   p->in[p->nin - 1].out_pos);
	free(p->name);
	free(p->out);
	free(p->in);
	*p = (struct vertex){ .next_free = g->free_head };
	g->free_head = v;
}

const char *mv_graph_name(const struct mv_graph *g, int v)
{
	return valid(g, v) ? g->v[v].name : NULL;
}

int mv_graph_capacity(const struct mv_graph *g)
{
	return g->cap;
}

void mv_graph_set_indirect(struct mv_graph *g, int v, bool indirect)
{
	if (valid(g, v))
		g->v[v].indirect = indirect;
}

/* Check an announcement against the rules of mv_graph_set_edges(). */
static int check_edges(struct mv_graph *g, int from,
		       const struct mv_graph_edge *edges, size_t n)
{
	size_t i, j;
	int ret = 0;

	for (i = 0; i < n; i++) {
		int to = edges[i].to;

		if (!valid(g, to) || to == from || !edges[i].weight ||
		    g->v[to].seen) {
			ret = -EINVAL;
			break;
		}
		g->v[to].seen = true;
	}
	for (j = 0; j < i; j++)
		g->v[edges[j].to].seen = false;
	return ret;
}

int mv_graph_set_edges(struct mv_graph *g, int from,
		       const struct mv_graph_edge *edges, size_t n)
{
	struct vertex *f, *t;
	size_t i;
	int ret;

	if (!valid(g, from))
		return -EINVAL;
	ret = check_edges(g, from, edges, n);
	if (ret)
		return ret;
	/*
	 * Without duplicates n < cap, so it fits an int. Allocate everything
	 * before touching any list, so that failing changes nothing.
	 */
	f = &g->v[from];
	if ((int)n > f->out_cap) {
		struct out_edge *p = grow(f->out, &f->out_cap, n, sizeof(*p));

		if (!p)
			return -ENOMEM;
		f->out = p;
	}
	for (i = 0; i < n; i++) {
		t = &g->v[edges[i].to];
		if (t->nin == t->in_cap) {
			struct in_edge *p = grow(t->in, &t->in_cap,
						 t->nin + 1, sizeof(*p));

			if (!p)
				return -ENOMEM;
			t->in = p;
		}
	}

	while (f->nout)
		unlink_out(g, from, f->nout - 1);
	for (i = 0; i < n; i++) {
		t = &g->v[edges[i].to];
		t->in[t->nin] = (struct in_edge){ from, i };
		f->out[i] = (struct out_edge){ edges[i].to, edges[i].weight,
					       t->nin++ };
	}
	f->nout = n;
	return 0;
}

/* The weight @a announced for its edge to @b, 0 when there is none. */
static uint32_t announced(const struct mv_graph *g, int a, int b)
{
	const struct vertex *p = &g->v[a];
	int i;

	for (i = 0; i < p->nout; i++)
		if (p->out[i].to == b)
			return p->out[i].weight;
	return 0;
}

uint32_t mv_graph_edge_weight(const struct mv_graph *g, int a, int b)
{
	uint32_t ab, ba;

	if (!valid(g, a) || !valid(g, b))
		return 0;
	ab = announced(g, a, b);
	ba = ab ? announced(g, b, a) : 0;
	if (!ba)
		return 0;
	return ab > ba ? ab : ba;
}

bool mv_graph_has_edge(const struct mv_graph *g, int a, int b)
{
	return mv_graph_edge_weight(g, a, b);
}

/* Mark the vertices that announced an edge to @u, with its weight. */
static void mark_back_edges(const struct mv_graph *g, int u,
			    struct scratch *s)
{
	const struct vertex *p = &g->v[u];
	int i;

	for (i = 0; i < p->nin; i++) {
		const struct in_edge *in = &p->in[i];

		s[in->from].owner = u;
		s[in->from].back_weight =
			g->v[in->from].out[in->out_pos].weight;
	}
}

/*
 * The usable weight of @u's out-edge @e after mark_back_edges(g, u, s),
 * 0 when the other end did not confirm it.
 */
static uint32_t usable_weight(const struct out_edge *e, int u,
			      const struct scratch *s)
{
	if (s[e->to].owner != u)
		return 0;
	return e->weight > s[e->to].back_weight ? e->weight :
						   s[e->to].back_weight;
}

static struct scratch *scratch_new(const struct mv_graph *g)
{
	struct scratch *s = calloc(g->cap, sizeof(*s));
	int i;

	if (s)
		for (i = 0; i < g->cap; i++)
			s[i].owner = -1;
	return s;
}

/*
 * A min-heap of vertices keyed by the distance of their tentative paths.
 * Hops and names need not take part: a predecessor on a shortest path is
 * strictly closer (weights are >= 1), so every candidate predecessor of a
 * vertex has offered its path before the vertex leaves the heap, whatever
 * the order among equal distances.
 */
struct heap {
	int *v;
	int n;
	struct scratch *s;
	const struct mv_graph_path *paths;
};

static bool heap_less(const struct heap *h, int a, int b)
{
	return h->paths[a].distance < h->paths[b].distance;
}

static void heap_set(struct heap *h, int i, int v)
{
	h->v[i] = v;
	h->s[v].heap_pos = i;
}

static void heap_up(struct heap *h, int i)
{
	int v = h->v[i];

	while (i > 0 && heap_less(h, v, h->v[(i - 1) / 2])) {
		heap_set(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(h, i, v);
}

static void heap_down(struct heap *h, int i)
{
	int v = h->v[i], c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && heap_less(h, h->v[c + 1], h->v[c]))
			c++;
		if (!heap_less(h, h->v[c], v))
			break;
		heap_set(h, i, h->v[c]);
		i = c;
	}
	heap_set(h, i, v);
}

static int heap_pop(struct heap *h)
{
	int top = h->v[0];

	if (--h->n) {
		h->v[0] = h->v[h->n];
		heap_down(h, 0);
	}
	return top;
}

/* Is the path through @u, @d away and @hops long, better than @px? */
static bool better(const struct mv_graph *g, const struct mv_graph_path *px,
		   int u, uint64_t d, unsigned int hops)
{
	if (!px->reachable)
		return true;
	if (d != px->distance)
		return d < px->distance;
	if (hops != px->hops)
		return hops < px->hops;
	/*
	 * x is still in the heap: a final vertex is at most as far as u,
	 * so never d away. Its prev is therefore a vertex, not the source's
	 * -1.
	 */
	return strcmp(g->v[u].name, g->v[px->prev].name) < 0;
}

/* Offer @x the path through @u, whose edge to @x weighs @w. */
static void relax(const struct mv_graph *g, struct heap *h,
		  struct mv_graph_path *paths, int u, int x, uint32_t w)
{
	struct mv_graph_path *px = &paths[x];
	uint64_t d = paths[u].distance + w;
	unsigned int hops = paths[u].hops + 1;

	if (!better(g, px, u, d, hops))
		return;
	px->prev = u;
	px->hops = hops;
	if (px->reachable && d == px->distance)
		return;
	px->distance = d;
	if (!px->reachable) {
		px->reachable = true;
		heap_set(h, h->n++, x);
	}
	heap_up(h, h->s[x].heap_pos);
}

int mv_graph_compute(const struct mv_graph *g, int source,
		     struct mv_graph_path *paths)
{
	struct heap h = { .paths = paths };
	int i, u;

	if (!valid(g, source))
		return -EINVAL;
	h.s = scratch_new(g);
	h.v = malloc(g->cap * sizeof(*h.v));
	if (!h.s || !h.v) {
		free(h.s);
		free(h.v);
		return -ENOMEM;
	}
	for (i = 0; i < g->cap; i++)
		paths[i] = (struct mv_graph_path){ .nexthop = -1, .prev = -1,
						   .via = -1 };
	paths[source].reachable = true;
	heap_set(&h, h.n++, source);

	while (h.n) {
		struct mv_graph_path *pu;
		const struct vertex *vu;

		u = heap_pop(&h);
		pu = &paths[u];
		vu = &g->v[u];
		/* u is final, and so is its predecessor's path. */
		if (u == source) {
			pu->nexthop = u;
			pu->via = u;
		} else {
			pu->nexthop = pu->prev == source ? u :
				      paths[pu->prev].nexthop;
			pu->via = vu->indirect ? paths[pu->prev].via : u;
		}
		mark_back_edges(g, u, h.s);
		for (i = 0; i < vu->nout; i++) {
			uint32_t w = usable_weight(&vu->out[i], u, h.s);

			if (w)
				relax(g, &h, paths, u, vu->out[i].to, w);
		}
	}
	free(h.s);
	free(h.v);
	return 0;
}

/* An undirected edge of the broadcast tree's candidates. */
struct tree_edge {
	uint32_t weight;
	int lo, hi;		/* lo's name sorts first */
};

/* The header's order: (weight, smaller name, larger name). */
static int tree_edge_cmp(const void *pa, const void *pb, void *arg)
{
	const struct tree_edge *a = pa, *b = pb;
	const struct mv_graph *g = arg;
	int c;

	if (a->weight != b->weight)
		return a->weight < b->weight ? -1 : 1;
	c = strcmp(g->v[a->lo].name, g->v[b->lo].name);
	return c ? c : strcmp(g->v[a->hi].name, g->v[b->hi].name);
}

/* Candidate edges, growing as the walk finds them. */
struct tree_edges {
	struct tree_edge *e;
	int n, cap;
};

static int add_tree_edge(const struct mv_graph *g, struct tree_edges *t,
			 int a, int b, uint32_t weight)
{
	bool a_first = strcmp(g->v[a].name, g->v[b].name) < 0;

	if (t->n == t->cap) {
		struct tree_edge *p = grow(t->e, &t->cap, t->n + 1,
					   sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->e = p;
	}
	t->e[t->n++] = (struct tree_edge){ weight, a_first ? a : b,
					   a_first ? b : a };
	return 0;
}

/*
 * Collect the usable edges of @source's component, each once, with a
 * breadth-first walk that sets parent[v] = v on exactly the component (the
 * initial state of the union-find; the others stay -1). Returns the
 * component's size or -ENOMEM.
 */
static int component_edges(const struct mv_graph *g, int source,
			   struct scratch *s, int *parent, int *queue,
			   struct tree_edges *t)
{
	int nq = 0, qi, i;

	parent[source] = source;
	queue[nq++] = source;
	for (qi = 0; qi < nq; qi++) {
		int u = queue[qi];
		const struct vertex *vu = &g->v[u];

		mark_back_edges(g, u, s);
		for (i = 0; i < vu->nout; i++) {
			uint32_t w = usable_weight(&vu->out[i], u, s);
			int x = vu->out[i].to;

			if (!w)
				continue;
			if (parent[x] < 0) {
				parent[x] = x;
				queue[nq++] = x;
			}
			/* Both ends see the edge: take it from one. */
			if (u < x && add_tree_edge(g, t, u, x, w))
				return -ENOMEM;
		}
	}
	return nq;
}

/*
 * Union-find root, halving the path on the way. Without union by rank this
 * is O(log V) amortised, which the sort of the edges dominates anyway.
 */
static int uf_find(int *parent, int v)
{
	while (parent[v] != v) {
		parent[v] = parent[parent[v]];
		v = parent[v];
	}
	return v;
}

int mv_graph_mst(const struct mv_graph *g, int source, int (**pairs)[2],
		 size_t *n)
{
	struct tree_edges t = { 0 };
	int (*tree)[2] = NULL;
	int *parent, *queue;
	struct scratch *s;
	int nv, k = 0, i, ret = -ENOMEM;

	*pairs = NULL;
	*n = 0;
	if (!valid(g, source))
		return -EINVAL;
	s = scratch_new(g);
	parent = malloc(g->cap * sizeof(*parent));
	queue = malloc(g->cap * sizeof(*queue));
	if (!s || !parent || !queue)
		goto out;
	for (i = 0; i < g->cap; i++)
		parent[i] = -1;
	nv = component_edges(g, source, s, parent, queue, &t);
	if (nv < 0)
		goto out;
	if (nv > 1) {
		tree = malloc((nv - 1) * sizeof(*tree));
		if (!tree)
			goto out;
		qsort_r(t.e, t.n, sizeof(*t.e), tree_edge_cmp, (void *)g);
	}
	for (i = 0; i < t.n && k < nv - 1; i++) {
		int a = uf_find(parent, t.e[i].lo);
		int b = uf_find(parent, t.e[i].hi);

		if (a == b)
			continue;
		parent[a] = b;
		tree[k][0] = t.e[i].lo;
		tree[k][1] = t.e[i].hi;
		k++;
	}
	*pairs = tree;
	*n = k;
	ret = 0;
out:
	free(t.e);
	free(queue);
	free(parent);
	free(s);
	return ret;
}

bool mv_graph_mst_contains(int (*pairs)[2], size_t n, int a, int b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((pairs[i][0] == a && pairs[i][1] == b) ||
		    (pairs[i][0] == b && pairs[i][1] == a))
			return true;
	return false;
}
