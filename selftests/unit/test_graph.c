// SPDX-License-Identifier: GPL-2.0
/*
 * Every node of a mesh routes by its own copy of the graph, so paths and
 * the broadcast tree must be right and must not depend on the order in
 * which a node learned the edges: check fixed topologies by name, random
 * ones against simple O(V^2) references, and the same topology built in
 * different orders (with indices shifted by removed vertices) against
 * itself.
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/array.h"
#include "mesh/graph.h"

#include "test.h"

/* An undirected pair as its two ends announce it; weight 0: not at all. */
struct tedge {
	int a, b;
	uint32_t wab, wba;
};

/* A topology in logical indices, independent of the graph's. */
struct topo {
	int nv, ne;
	const char *const *names;
	const struct tedge *e;
	const bool *indirect;	/* NULL: none */
};

static uint64_t rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rnd_below(uint64_t *state, int n)
{
	return rnd(state) % n;
}

static int *permutation(int n, uint64_t *state)
{
	int *p = malloc((n ? n : 1) * sizeof(*p));
	int i;

	if (!p)
		abort();
	for (i = 0; i < n; i++)
		p[i] = i;
	for (i = n - 1; state && i > 0; i--) {
		int j = rnd_below(state, i + 1), t = p[i];

		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

/*
 * Build @t into a new graph; map[logical] receives each vertex's index.
 * @seed 0 adds vertices and edges in the listed order; any other seed
 * shuffles both and interleaves vertices that are removed again, so that
 * indices differ and have holes.
 */
static struct mv_graph *build(const struct topo *t, uint64_t seed, int *map)
{
	uint64_t st = seed;
	uint64_t *state = seed ? &st : NULL;
	struct mv_graph *g = mv_graph_new();
	int *order = permutation(t->nv, state);
	int *eorder = permutation(t->ne, state);
	struct mv_graph_edge *out = malloc((t->ne ? t->ne : 1) * sizeof(*out));
	int *dummies = malloc((t->nv ? t->nv : 1) * sizeof(*dummies));
	int i, j, n, nd = 0;

	if (!g || !out || !dummies)
		abort();
	for (i = 0; i < t->nv; i++) {
		if (state && rnd_below(state, 3) == 0)
			dummies[nd++] = mv_graph_add_node(g, "dummy");
		map[order[i]] = mv_graph_add_node(g, t->names[order[i]]);
		if (map[order[i]] < 0)
			abort();
		if (t->indirect && t->indirect[order[i]])
			mv_graph_set_indirect(g, map[order[i]], true);
	}
	for (i = 0; i < nd; i++)
		mv_graph_remove_node(g, dummies[i]);
	for (i = 0; i < t->nv; i++) {
		int v = order[i];

		n = 0;
		for (j = 0; j < t->ne; j++) {
			const struct tedge *e = &t->e[eorder[j]];

			if (e->a == v && e->wab)
				out[n++] = (struct mv_graph_edge){
					map[e->b], e->wab };
			if (e->b == v && e->wba)
				out[n++] = (struct mv_graph_edge){
					map[e->a], e->wba };
		}
		if (mv_graph_set_edges(g, map[v], out, n))
			abort();
	}
	free(dummies);
	free(out);
	free(eorder);
	free(order);
	return g;
}

static struct mv_graph_path *compute(const struct mv_graph *g, int source)
{
	int cap = mv_graph_capacity(g);
	struct mv_graph_path *p = malloc(cap * sizeof(*p));

	if (!p)
		abort();
	/* Garbage, so that every entry must be written. */
	memset(p, 0x5a, cap * sizeof(*p));
	if (mv_graph_compute(g, source, p))
		abort();
	return p;
}

static const char *name(const struct mv_graph *g, int v)
{
	return v < 0 ? "-" : mv_graph_name(g, v);
}

/* The seed mesh: einstein and newton are hubs, penrose a leaf. */
enum { EINSTEIN, NEWTON, HAWKING, PENROSE };

static const char *const seed_names[] = {
	"einstein", "newton", "hawking", "penrose",
};

static const struct tedge seed_edges[] = {
	{ EINSTEIN, NEWTON, 1, 1 },
	{ EINSTEIN, HAWKING, 1, 1 },
	{ NEWTON, HAWKING, 1, 1 },
	{ EINSTEIN, PENROSE, 1, 1 },
};

static const struct topo seed_mesh = {
	ARRAY_SIZE(seed_names), ARRAY_SIZE(seed_edges), seed_names, seed_edges,
};

/* Fixed topologies must give their answers whatever the build order. */
static const uint64_t seeds[] = { 0, 1, 2, 3 };

TEST(seed_mesh_paths)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[4];
		struct mv_graph *g = build(&seed_mesh, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[HAWKING]);
		struct mv_graph_path *q = &p[m[PENROSE]];

		EXPECT(q->reachable);
		EXPECT_EQ(q->distance, 2);
		EXPECT_EQ(q->hops, 2);
		EXPECT_STREQ(name(g, q->nexthop), "einstein");
		EXPECT_STREQ(name(g, q->prev), "einstein");
		EXPECT_STREQ(name(g, q->via), "penrose");

		q = &p[m[EINSTEIN]];
		EXPECT(q->reachable);
		EXPECT_EQ(q->hops, 1);
		EXPECT_STREQ(name(g, q->nexthop), "einstein");
		EXPECT_STREQ(name(g, q->prev), "hawking");
		EXPECT_STREQ(name(g, q->via), "einstein");

		/* The source itself. */
		q = &p[m[HAWKING]];
		EXPECT(q->reachable);
		EXPECT_EQ(q->distance, 0);
		EXPECT_EQ(q->hops, 0);
		EXPECT_STREQ(name(g, q->nexthop), "hawking");
		EXPECT_EQ(q->prev, -1);
		EXPECT_STREQ(name(g, q->via), "hawking");
		free(p);

		p = compute(g, m[PENROSE]);
		q = &p[m[NEWTON]];
		EXPECT_EQ(q->hops, 2);
		EXPECT_STREQ(name(g, q->nexthop), "einstein");
		EXPECT_STREQ(name(g, q->prev), "einstein");
		free(p);
		mv_graph_free(g);
	}
}

TEST(seed_mesh_tree)
{
	size_t k, n;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[4], (*t)[2];
		struct mv_graph *g = build(&seed_mesh, seeds[k], m);

		/* All weights 1: by names, hawking-newton comes last. */
		EXPECT_EQ(mv_graph_mst(g, m[PENROSE], &t, &n), 0);
		EXPECT_EQ(n, 3);
		if (n == 3) {
			EXPECT_STREQ(name(g, t[0][0]), "einstein");
			EXPECT_STREQ(name(g, t[0][1]), "hawking");
			EXPECT_STREQ(name(g, t[1][0]), "einstein");
			EXPECT_STREQ(name(g, t[1][1]), "newton");
			EXPECT_STREQ(name(g, t[2][0]), "einstein");
			EXPECT_STREQ(name(g, t[2][1]), "penrose");
		}
		EXPECT(mv_graph_mst_contains(t, n, m[PENROSE], m[EINSTEIN]));
		EXPECT(mv_graph_mst_contains(t, n, m[EINSTEIN], m[PENROSE]));
		EXPECT(!mv_graph_mst_contains(t, n, m[HAWKING], m[NEWTON]));
		free(t);
		mv_graph_free(g);
	}
}

TEST(one_directional_edge_unusable)
{
	static const char *const names[] = { "a", "b" };
	static const struct tedge e[] = { { 0, 1, 3, 0 } };
	static const struct topo t = { 2, 1, names, e };
	struct mv_graph_edge back = { 0, 5 };
	struct mv_graph_path *p;
	struct mv_graph *g;
	int m[2], (*tree)[2];
	size_t n;

	g = build(&t, 0, m);
	EXPECT(!mv_graph_has_edge(g, m[0], m[1]));
	EXPECT(!mv_graph_has_edge(g, m[1], m[0]));
	EXPECT_EQ(mv_graph_edge_weight(g, m[0], m[1]), 0);
	p = compute(g, m[0]);
	EXPECT(!p[m[1]].reachable);
	EXPECT_EQ(p[m[1]].nexthop, -1);
	EXPECT_EQ(p[m[1]].prev, -1);
	EXPECT_EQ(p[m[1]].via, -1);
	free(p);
	p = compute(g, m[1]);
	EXPECT(!p[m[0]].reachable);
	free(p);
	EXPECT_EQ(mv_graph_mst(g, m[0], &tree, &n), 0);
	EXPECT_EQ(n, 0);
	EXPECT(!tree);

	/* Confirmed: usable, at the larger weight, both ways. */
	back.to = m[0];
	EXPECT_EQ(mv_graph_set_edges(g, m[1], &back, 1), 0);
	EXPECT(mv_graph_has_edge(g, m[0], m[1]));
	EXPECT_EQ(mv_graph_edge_weight(g, m[0], m[1]), 5);
	EXPECT_EQ(mv_graph_edge_weight(g, m[1], m[0]), 5);
	p = compute(g, m[0]);
	EXPECT(p[m[1]].reachable);
	EXPECT_EQ(p[m[1]].distance, 5);
	free(p);

	/* Withdrawn by a: unusable again. */
	EXPECT_EQ(mv_graph_set_edges(g, m[0], NULL, 0), 0);
	EXPECT(!mv_graph_has_edge(g, m[1], m[0]));
	p = compute(g, m[1]);
	EXPECT(!p[m[0]].reachable);
	free(p);
	mv_graph_free(g);
}

TEST(remove_node)
{
	struct mv_graph_path *p;
	struct mv_graph *g;
	int m[4], v;

	g = build(&seed_mesh, 0, m);
	mv_graph_remove_node(g, m[EINSTEIN]);
	EXPECT(!mv_graph_name(g, m[EINSTEIN]));
	EXPECT(!mv_graph_has_edge(g, m[HAWKING], m[EINSTEIN]));
	p = compute(g, m[HAWKING]);
	EXPECT(!p[m[EINSTEIN]].reachable);
	EXPECT(!p[m[PENROSE]].reachable);
	EXPECT_EQ(p[m[PENROSE]].nexthop, -1);
	EXPECT(p[m[NEWTON]].reachable);
	EXPECT_EQ(p[m[NEWTON]].hops, 1);
	free(p);

	/*
	 * The index comes back, but the edges the others announced to the
	 * old vertex went with it: the newcomer has none until announced.
	 */
	v = mv_graph_add_node(g, "dirac");
	EXPECT_EQ(v, m[EINSTEIN]);
	EXPECT_STREQ(mv_graph_name(g, v), "dirac");
	EXPECT(!mv_graph_has_edge(g, v, m[NEWTON]));
	EXPECT(!mv_graph_has_edge(g, v, m[PENROSE]));
	{
		struct mv_graph_edge e = { m[NEWTON], 1 };

		EXPECT_EQ(mv_graph_set_edges(g, v, &e, 1), 0);
	}
	EXPECT(!mv_graph_has_edge(g, v, m[NEWTON]));
	p = compute(g, v);
	EXPECT(!p[m[NEWTON]].reachable);
	free(p);

	/* Removing an unused index is harmless. */
	mv_graph_remove_node(g, m[EINSTEIN] + 100);
	mv_graph_remove_node(g, -1);
	mv_graph_free(g);
}

TEST(equal_cost_ties)
{
	/*
	 * zeta reaches omega through alpha or beta at equal cost: alpha
	 * sorts first, whichever is added or announced first.
	 */
	static const char *const names[] = { "zeta", "beta", "alpha",
					     "omega" };
	static const struct tedge e[] = {
		{ 0, 1, 1, 1 }, { 0, 2, 1, 1 },
		{ 1, 3, 1, 1 }, { 2, 3, 1, 1 },
	};
	static const struct topo t = { 4, 4, names, e };
	/* Equal distance: the direct edge wins on hops. */
	static const char *const hnames[] = { "s", "a", "x" };
	static const struct tedge he[] = {
		{ 0, 1, 1, 1 }, { 1, 2, 1, 1 }, { 0, 2, 2, 2 },
	};
	static const struct topo ht = { 3, 3, hnames, he };
	/*
	 * Equal distance again, but the path with fewer hops (through z) is
	 * offered last, and the other one's predecessor b sorts first.
	 */
	static const char *const lnames[] = { "s", "a", "b", "z", "x" };
	static const struct tedge le[] = {
		{ 0, 1, 1, 1 }, { 1, 2, 1, 1 }, { 2, 4, 10, 10 },
		{ 0, 3, 11, 11 }, { 3, 4, 1, 1 },
	};
	static const struct topo lt = { 5, 5, lnames, le };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[5];
		struct mv_graph *g = build(&t, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[0]);

		EXPECT_EQ(p[m[3]].distance, 2);
		EXPECT_STREQ(name(g, p[m[3]].prev), "alpha");
		EXPECT_STREQ(name(g, p[m[3]].nexthop), "alpha");
		free(p);
		/* And back: omega's path to zeta also picks alpha. */
		p = compute(g, m[3]);
		EXPECT_STREQ(name(g, p[m[0]].prev), "alpha");
		free(p);
		mv_graph_free(g);

		g = build(&ht, seeds[k], m);
		p = compute(g, m[0]);
		EXPECT_EQ(p[m[2]].distance, 2);
		EXPECT_EQ(p[m[2]].hops, 1);
		EXPECT_STREQ(name(g, p[m[2]].prev), "s");
		EXPECT_STREQ(name(g, p[m[2]].nexthop), "x");
		free(p);
		mv_graph_free(g);

		g = build(&lt, seeds[k], m);
		p = compute(g, m[0]);
		EXPECT_EQ(p[m[4]].distance, 12);
		EXPECT_EQ(p[m[4]].hops, 2);
		EXPECT_STREQ(name(g, p[m[4]].prev), "z");
		EXPECT_STREQ(name(g, p[m[4]].nexthop), "z");
		free(p);
		mv_graph_free(g);
	}
}

TEST(weights)
{
	/* a-b is heavy; a-c-b is cheaper. b-c's weights disagree. */
	static const char *const names[] = { "a", "b", "c" };
	static const struct tedge e[] = {
		{ 0, 1, 10, 10 }, { 0, 2, 1, 1 }, { 2, 1, 2, 1 },
	};
	static const struct topo t = { 3, 3, names, e };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[3];
		struct mv_graph *g = build(&t, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[0]);

		EXPECT_EQ(mv_graph_edge_weight(g, m[1], m[2]), 2);
		EXPECT_EQ(mv_graph_edge_weight(g, m[2], m[1]), 2);
		EXPECT_EQ(p[m[1]].distance, 3);
		EXPECT_EQ(p[m[1]].hops, 2);
		EXPECT_STREQ(name(g, p[m[1]].prev), "c");
		EXPECT_STREQ(name(g, p[m[1]].nexthop), "c");
		free(p);
		/* Both directions use the larger weight. */
		p = compute(g, m[1]);
		EXPECT_EQ(p[m[0]].distance, 3);
		free(p);
		mv_graph_free(g);
	}
}

TEST(indirect_via)
{
	/* a - b - c - d, and c - e: c is indirect. */
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	static const struct tedge e[] = {
		{ 0, 1, 1, 1 }, { 1, 2, 1, 1 }, { 2, 3, 1, 1 }, { 2, 4, 1, 1 },
	};
	static const bool ind[] = { false, false, true, false, true };
	static const struct topo t = { 5, 4, names, e, ind };
	size_t k;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[5];
		struct mv_graph *g = build(&t, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[0]);

		EXPECT_STREQ(name(g, p[m[2]].via), "b");
		EXPECT_STREQ(name(g, p[m[2]].nexthop), "b");
		/* Behind an indirect node, but not indirect itself. */
		EXPECT_STREQ(name(g, p[m[3]].via), "d");
		/* Walks back over c, which is indirect too, to b. */
		EXPECT_STREQ(name(g, p[m[4]].via), "b");
		free(p);

		/* Every node after the source indirect: via the source. */
		mv_graph_set_indirect(g, m[1], true);
		p = compute(g, m[0]);
		EXPECT_STREQ(name(g, p[m[2]].via), "a");
		EXPECT_STREQ(name(g, p[m[2]].nexthop), "b");
		free(p);

		/* The source's own flag does not matter. */
		p = compute(g, m[2]);
		EXPECT_STREQ(name(g, p[m[2]].via), "c");
		EXPECT_STREQ(name(g, p[m[4]].via), "c");
		EXPECT_STREQ(name(g, p[m[3]].via), "d");
		EXPECT_STREQ(name(g, p[m[0]].via), "a");
		free(p);

		mv_graph_set_indirect(g, m[1], false);
		mv_graph_set_indirect(g, m[2], false);
		p = compute(g, m[0]);
		EXPECT_STREQ(name(g, p[m[2]].via), "c");
		free(p);
		mv_graph_free(g);
	}
}

TEST(chain)
{
	static const char *const names[] = { "sakharov", "curie", "einstein",
					     "hawking" };
	static const struct tedge e[] = {
		{ 0, 1, 1, 1 }, { 1, 2, 2, 2 }, { 2, 3, 3, 3 },
	};
	static const struct topo t = { 4, 3, names, e };
	size_t k, n;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[4], (*tree)[2];
		struct mv_graph *g = build(&t, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[0]);

		EXPECT_EQ(p[m[3]].distance, 6);
		EXPECT_EQ(p[m[3]].hops, 3);
		EXPECT_STREQ(name(g, p[m[3]].nexthop), "curie");
		EXPECT_STREQ(name(g, p[m[3]].prev), "einstein");
		EXPECT_STREQ(name(g, p[m[3]].via), "hawking");
		EXPECT_STREQ(name(g, p[m[2]].prev), "curie");
		free(p);

		p = compute(g, m[3]);
		EXPECT_EQ(p[m[0]].hops, 3);
		EXPECT_STREQ(name(g, p[m[0]].nexthop), "einstein");
		EXPECT_STREQ(name(g, p[m[0]].prev), "curie");
		free(p);

		EXPECT_EQ(mv_graph_mst(g, m[2], &tree, &n), 0);
		EXPECT_EQ(n, 3);
		if (n == 3) {
			EXPECT_STREQ(name(g, tree[0][0]), "curie");
			EXPECT_STREQ(name(g, tree[0][1]), "sakharov");
			EXPECT_STREQ(name(g, tree[1][0]), "curie");
			EXPECT_STREQ(name(g, tree[1][1]), "einstein");
			EXPECT_STREQ(name(g, tree[2][0]), "einstein");
			EXPECT_STREQ(name(g, tree[2][1]), "hawking");
		}
		free(tree);
		mv_graph_free(g);
	}
}

TEST(disconnected)
{
	/* a-b-c and x-y, plus a lone z. */
	static const char *const names[] = { "a", "b", "c", "x", "y", "z" };
	static const struct tedge e[] = {
		{ 0, 1, 1, 1 }, { 1, 2, 1, 1 }, { 3, 4, 1, 1 },
	};
	static const struct topo t = { 6, 3, names, e };
	size_t k, n;

	for (k = 0; k < ARRAY_SIZE(seeds); k++) {
		int m[6], (*tree)[2], i;
		struct mv_graph *g = build(&t, seeds[k], m);
		struct mv_graph_path *p = compute(g, m[0]);

		for (i = 0; i < 3; i++)
			EXPECT(p[m[i]].reachable);
		for (i = 3; i < 6; i++) {
			EXPECT(!p[m[i]].reachable);
			EXPECT_EQ(p[m[i]].nexthop, -1);
			EXPECT_EQ(p[m[i]].prev, -1);
			EXPECT_EQ(p[m[i]].via, -1);
		}
		/* Indices not in use are unreachable too. */
		for (i = 0; i < mv_graph_capacity(g); i++)
			if (!mv_graph_name(g, i))
				EXPECT(!p[i].reachable);
		free(p);

		EXPECT_EQ(mv_graph_mst(g, m[4], &tree, &n), 0);
		EXPECT_EQ(n, 1);
		EXPECT(mv_graph_mst_contains(tree, n, m[3], m[4]));
		free(tree);
		EXPECT_EQ(mv_graph_mst(g, m[1], &tree, &n), 0);
		EXPECT_EQ(n, 2);
		free(tree);
		EXPECT_EQ(mv_graph_mst(g, m[5], &tree, &n), 0);
		EXPECT_EQ(n, 0);
		EXPECT(!tree);
		mv_graph_free(g);
	}
}

TEST(capacity_and_index_reuse)
{
	struct mv_graph *g = mv_graph_new();
	struct mv_graph_path *p;
	char buf[8] = "alpha";
	int a, b, c, d, e;

	EXPECT_EQ(mv_graph_capacity(g), 0);
	a = mv_graph_add_node(g, buf);
	/* The name is copied. */
	strcpy(buf, "XXXX");
	EXPECT_STREQ(mv_graph_name(g, a), "alpha");
	b = mv_graph_add_node(g, "beta");
	c = mv_graph_add_node(g, "gamma");
	EXPECT_EQ(a, 0);
	EXPECT_EQ(b, 1);
	EXPECT_EQ(c, 2);
	EXPECT_EQ(mv_graph_capacity(g), 3);

	mv_graph_remove_node(g, b);
	EXPECT_EQ(mv_graph_capacity(g), 3);
	EXPECT(!mv_graph_name(g, b));
	EXPECT(!mv_graph_name(g, 3));
	EXPECT(!mv_graph_name(g, -1));
	p = compute(g, a);
	EXPECT(!p[b].reachable);
	free(p);

	d = mv_graph_add_node(g, "delta");
	EXPECT_EQ(d, b);
	EXPECT_EQ(mv_graph_capacity(g), 3);
	e = mv_graph_add_node(g, "epsilon");
	EXPECT_EQ(e, 3);
	EXPECT_EQ(mv_graph_capacity(g), 4);

	/* Many adds and removes keep the capacity at the peak. */
	for (a = 0; a < 1000; a++) {
		int v = mv_graph_add_node(g, "x");

		EXPECT(v >= 0 && v < 5);
		mv_graph_remove_node(g, v);
	}
	EXPECT_EQ(mv_graph_capacity(g), 5);
	mv_graph_free(g);
	mv_graph_free(NULL);
}

TEST(set_edges_rejects)
{
	struct mv_graph *g = mv_graph_new();
	struct mv_graph_edge ok[2], bad[3];
	struct mv_graph_path *p;
	int a, b, c, gone;

	a = mv_graph_add_node(g, "a");
	b = mv_graph_add_node(g, "b");
	c = mv_graph_add_node(g, "c");
	gone = mv_graph_add_node(g, "gone");
	mv_graph_remove_node(g, gone);
	ok[0] = (struct mv_graph_edge){ b, 4 };
	ok[1] = (struct mv_graph_edge){ c, 7 };
	EXPECT_EQ(mv_graph_set_edges(g, a, ok, 2), 0);
	ok[0] = (struct mv_graph_edge){ a, 4 };
	EXPECT_EQ(mv_graph_set_edges(g, b, ok, 1), 0);
	ok[0] = (struct mv_graph_edge){ a, 7 };
	EXPECT_EQ(mv_graph_set_edges(g, c, ok, 1), 0);

	bad[0] = (struct mv_graph_edge){ c, 1 };
	bad[1] = (struct mv_graph_edge){ a, 1 };	/* self */
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 2), -EINVAL);
	bad[1] = (struct mv_graph_edge){ gone, 1 };
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 2), -EINVAL);
	bad[1] = (struct mv_graph_edge){ 99, 1 };
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 2), -EINVAL);
	bad[1] = (struct mv_graph_edge){ -1, 1 };
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 2), -EINVAL);
	bad[1] = (struct mv_graph_edge){ b, 0 };
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 2), -EINVAL);
	bad[1] = (struct mv_graph_edge){ b, 2 };
	bad[2] = (struct mv_graph_edge){ c, 3 };	/* repeated */
	EXPECT_EQ(mv_graph_set_edges(g, a, bad, 3), -EINVAL);
	EXPECT_EQ(mv_graph_set_edges(g, gone, ok, 1), -EINVAL);
	EXPECT_EQ(mv_graph_set_edges(g, 99, ok, 1), -EINVAL);

	/* Nothing changed, and a valid announcement still works. */
	EXPECT_EQ(mv_graph_edge_weight(g, a, b), 4);
	EXPECT_EQ(mv_graph_edge_weight(g, a, c), 7);
	EXPECT_EQ(mv_graph_set_edges(g, a, bad + 1, 2), 0);
	EXPECT_EQ(mv_graph_edge_weight(g, a, b), 4);
	EXPECT_EQ(mv_graph_edge_weight(g, a, c), 7);
	bad[1] = (struct mv_graph_edge){ b, 9 };
	EXPECT_EQ(mv_graph_set_edges(g, a, bad + 1, 1), 0);
	EXPECT_EQ(mv_graph_edge_weight(g, b, a), 9);
	EXPECT(!mv_graph_has_edge(g, a, c));

	/* Unknown vertices have no edges and take no flags. */
	EXPECT(!mv_graph_has_edge(g, a, gone));
	EXPECT(!mv_graph_has_edge(g, 99, a));
	EXPECT_EQ(mv_graph_edge_weight(g, -1, a), 0);
	mv_graph_set_indirect(g, gone, true);
	mv_graph_set_indirect(g, 99, true);
	EXPECT_EQ(mv_graph_compute(g, gone, NULL), -EINVAL);
	EXPECT_EQ(mv_graph_compute(g, -1, NULL), -EINVAL);
	{
		int (*t)[2] = (void *)1;
		size_t n = 5;

		EXPECT_EQ(mv_graph_mst(g, 99, &t, &n), -EINVAL);
		EXPECT(!t);
		EXPECT_EQ(n, 0);
	}
	p = compute(g, c);
	EXPECT(!p[a].reachable);
	free(p);
	mv_graph_free(g);
}

/* A random topology, its names and edges allocated; free with topo_free. */
struct rtopo {
	struct topo t;
	char **names;
	struct tedge *e;
	bool *indirect;
};

/*
 * @nv vertices, @ne distinct pairs with weights 1..@maxw; a tenth of the
 * pairs announced by one end only, and a tenth of the vertices indirect.
 */
static void random_topo(struct rtopo *r, int nv, int ne, uint32_t maxw,
			uint64_t seed)
{
	bool *used = calloc((size_t)nv * nv, sizeof(*used));
	uint64_t st = seed;
	int i;

	r->names = calloc(nv, sizeof(*r->names));
	r->e = calloc(ne, sizeof(*r->e));
	r->indirect = calloc(nv, sizeof(*r->indirect));
	if (!used || !r->names || !r->e || !r->indirect)
		abort();
	for (i = 0; i < nv; i++) {
		/* Varying lengths make the name order differ from indices. */
		if (asprintf(&r->names[i], "%c%d", 'a' + rnd_below(&st, 26),
			     i) < 0)
			abort();
		r->indirect[i] = rnd_below(&st, 10) == 0;
	}
	for (i = 0; i < ne; i++) {
		int a, b;

		do {
			a = rnd_below(&st, nv);
			b = rnd_below(&st, nv);
		} while (a == b || used[a * nv + b]);
		used[a * nv + b] = true;
		used[b * nv + a] = true;
		r->e[i] = (struct tedge){ a, b, 1 + rnd_below(&st, maxw),
					  1 + rnd_below(&st, maxw) };
		if (rnd_below(&st, 10) == 0)
			r->e[i].wba = 0;
	}
	free(used);
	r->t = (struct topo){ nv, ne, (const char *const *)r->names, r->e,
			      r->indirect };
}

static void topo_free(struct rtopo *r)
{
	int i;

	for (i = 0; i < r->t.nv; i++)
		free(r->names[i]);
	free(r->names);
	free(r->e);
	free(r->indirect);
}

/* Usable weights as a matrix in logical indices, 0: no usable edge. */
static uint32_t *weight_matrix(const struct topo *t, const bool *removed)
{
	uint32_t *w = calloc((size_t)t->nv * t->nv, sizeof(*w));
	int i;

	if (!w)
		abort();
	for (i = 0; i < t->ne; i++) {
		const struct tedge *e = &t->e[i];
		uint32_t x = e->wab > e->wba ? e->wab : e->wba;

		if (!e->wab || !e->wba ||
		    (removed && (removed[e->a] || removed[e->b])))
			continue;
		w[e->a * t->nv + e->b] = x;
		w[e->b * t->nv + e->a] = x;
	}
	return w;
}

/*
 * The textbook O(V^2) Dijkstra, with the header's tie-breaking written
 * out as a lexicographic key (distance, hops, predecessor's name).
 */
static void reference_paths(const struct topo *t, const uint32_t *w,
			    int s, struct mv_graph_path *p)
{
	bool *done = calloc(t->nv, sizeof(*done));
	int i, k, u;

	if (!done)
		abort();
	for (i = 0; i < t->nv; i++)
		p[i] = (struct mv_graph_path){ .nexthop = -1, .prev = -1,
					       .via = -1 };
	p[s].reachable = true;
	for (k = 0; k < t->nv; k++) {
		for (u = -1, i = 0; i < t->nv; i++)
			if (!done[i] && p[i].reachable &&
			    (u < 0 || p[i].distance < p[u].distance ||
			     (p[i].distance == p[u].distance &&
			      p[i].hops < p[u].hops)))
				u = i;
		if (u < 0)
			break;
		done[u] = true;
		if (u == s) {
			p[u].nexthop = u;
			p[u].via = u;
		} else {
			p[u].nexthop = p[u].prev == s ? u :
				       p[p[u].prev].nexthop;
			p[u].via = t->indirect[u] ? p[p[u].prev].via : u;
		}
		for (i = 0; i < t->nv; i++) {
			uint64_t d = p[u].distance + w[u * t->nv + i];
			unsigned int h = p[u].hops + 1;

			if (!w[u * t->nv + i] || done[i])
				continue;
			if (!p[i].reachable || d < p[i].distance ||
			    (d == p[i].distance && (h < p[i].hops ||
			     (h == p[i].hops &&
			      strcmp(t->names[u], t->names[p[i].prev]) < 0)))) {
				p[i].reachable = true;
				p[i].distance = d;
				p[i].hops = h;
				p[i].prev = u;
			}
		}
	}
	free(done);
}

/* Count the sources where the graph differs from the reference. */
static int compare_paths(const struct mv_graph *g, const int *map,
			 const struct topo *t, const struct mv_graph_path *r,
			 const struct mv_graph_path *p)
{
	int i, bad = 0;

	for (i = 0; i < t->nv; i++) {
		const struct mv_graph_path *a = &p[map[i]], *b = &r[i];

		if (a->reachable != b->reachable ||
		    a->distance != b->distance || a->hops != b->hops ||
		    (a->nexthop < 0) != (b->nexthop < 0) ||
		    (a->prev < 0) != (b->prev < 0) ||
		    (a->via < 0) != (b->via < 0) ||
		    (a->nexthop >= 0 && a->nexthop != map[b->nexthop]) ||
		    (a->prev >= 0 && a->prev != map[b->prev]) ||
		    (a->via >= 0 && a->via != map[b->via])) {
			if (!bad)
				fprintf(stderr, "  path to %s differs\n",
					mv_graph_name(g, map[i]));
			bad++;
		}
	}
	return bad;
}

TEST(random_large_against_reference)
{
	struct rtopo r;
	int nv = 2000, ne = 10000, *map = malloc(nv * sizeof(*map));
	bool *removed = calloc(nv, sizeof(*removed));
	struct mv_graph_path *ref = malloc(nv * sizeof(*ref));
	struct mv_graph_edge *out = malloc(ne * sizeof(*out));
	uint64_t st = 42;
	struct mv_graph *g;
	uint32_t *w;
	int i, j, k, bad = 0, reached = 0;

	if (!map || !removed || !ref || !out)
		abort();
	/* Weights 1..4 so that ties are everywhere. */
	random_topo(&r, nv, ne, 4, 1);
	g = build(&r.t, 5, map);

	/*
	 * Churn: some vertices leave, others withdraw and re-announce their
	 * edges in another order, moving entries around the edge lists.
	 */
	for (i = 0; i < 100; i++) {
		k = rnd_below(&st, nv);
		if (removed[k])
			continue;
		removed[k] = true;
		mv_graph_remove_node(g, map[k]);
	}
	for (i = 0; i < 200; i++) {
		int n = 0;

		k = rnd_below(&st, nv);
		if (removed[k])
			continue;
		for (j = ne - 1; j >= 0; j--) {
			const struct tedge *e = &r.e[j];

			if (e->a == k && e->wab && !removed[e->b])
				out[n++] = (struct mv_graph_edge){
					map[e->b], e->wab };
			if (e->b == k && e->wba && !removed[e->a])
				out[n++] = (struct mv_graph_edge){
					map[e->a], e->wba };
		}
		EXPECT_EQ(mv_graph_set_edges(g, map[k], NULL, 0), 0);
		EXPECT_EQ(mv_graph_set_edges(g, map[k], out, n), 0);
	}

	w = weight_matrix(&r.t, removed);
	for (i = 0; i < 8; i++) {
		struct mv_graph_path *p;

		do
			k = rnd_below(&st, nv);
		while (removed[k]);
		p = compute(g, map[k]);
		reference_paths(&r.t, w, k, ref);
		bad += compare_paths(g, map, &r.t, ref, p);
		for (j = 0; j < nv; j++)
			reached += ref[j].reachable;
		free(p);
	}
	EXPECT_EQ(bad, 0);
	/* The graph is mostly connected, so this compared real paths. */
	EXPECT(reached > 8 * nv / 2);
	free(w);
	mv_graph_free(g);
	topo_free(&r);
	free(out);
	free(ref);
	free(removed);
	free(map);
}

/* Prim's O(V^2) minimum spanning tree weight of @s's component. */
static uint64_t reference_tree_weight(const struct topo *t, const uint32_t *w,
				      int s, int *size)
{
	uint64_t *best = malloc(t->nv * sizeof(*best)), total = 0;
	bool *in = calloc(t->nv, sizeof(*in));
	int i, u;

	if (!best || !in)
		abort();
	for (i = 0; i < t->nv; i++)
		best[i] = UINT64_MAX;
	best[s] = 0;
	*size = 0;
	for (;;) {
		for (u = -1, i = 0; i < t->nv; i++)
			if (!in[i] && best[i] != UINT64_MAX &&
			    (u < 0 || best[i] < best[u]))
				u = i;
		if (u < 0)
			break;
		in[u] = true;
		total += best[u];
		++*size;
		for (i = 0; i < t->nv; i++)
			if (w[u * t->nv + i] && !in[i] &&
			    w[u * t->nv + i] < best[i])
				best[i] = w[u * t->nv + i];
	}
	free(in);
	free(best);
	return total;
}

static int uf_root(int *parent, int v)
{
	while (parent[v] != v)
		v = parent[v];
	return v;
}

TEST(tree_against_prim)
{
	int iter, bad = 0;

	for (iter = 0; iter < 20; iter++) {
		struct rtopo r;
		/* From sparse (several components) to dense. */
		int nv = 150, ne = 100 + iter * 60, m[150], size, i, s;
		struct mv_graph *g;
		struct mv_graph_path *p;
		int (*tree)[2], *parent;
		uint64_t total = 0, want;
		size_t n;
		uint32_t *w;

		random_topo(&r, nv, ne, 1 + iter % 6, 100 + iter);
		g = build(&r.t, iter, m);
		parent = malloc(mv_graph_capacity(g) * sizeof(*parent));
		if (!parent)
			abort();
		w = weight_matrix(&r.t, NULL);
		s = iter % nv;
		want = reference_tree_weight(&r.t, w, s, &size);
		EXPECT_EQ(mv_graph_mst(g, m[s], &tree, &n), 0);
		EXPECT_EQ(n, size - 1);

		/* A tree of usable edges inside the component. */
		p = compute(g, m[s]);
		for (i = 0; i < mv_graph_capacity(g); i++)
			parent[i] = i;
		for (i = 0; i < (int)n; i++) {
			int a = tree[i][0], b = tree[i][1];
			uint32_t x = mv_graph_edge_weight(g, a, b);

			if (!x || !p[a].reachable ||
			    strcmp(name(g, a), name(g, b)) >= 0 ||
			    uf_root(parent, a) == uf_root(parent, b))
				bad++;
			else
				parent[uf_root(parent, a)] = uf_root(parent, b);
			/* In the order Kruskal took them. */
			if (i && x < mv_graph_edge_weight(g, tree[i - 1][0],
							  tree[i - 1][1]))
				bad++;
			total += x;
		}
		EXPECT_EQ(total, want);
		free(p);
		free(tree);
		free(w);
		free(parent);
		mv_graph_free(g);
		topo_free(&r);
	}
	EXPECT_EQ(bad, 0);
}

/*
 * The same topology built in different orders gives the same tree and the
 * same paths, compared by names.
 */
TEST(order_independence)
{
	enum { NV = 120, NBUILD = 4 };
	struct rtopo r;
	struct mv_graph *g[NBUILD];
	int m[NBUILD][NV], b, s, i, bad = 0, moved = 0;

	/* Weights 1..2 on a sparse graph: many equal-cost paths. */
	random_topo(&r, NV, 300, 2, 7);
	for (b = 0; b < NBUILD; b++)
		g[b] = build(&r.t, b * 1000 + 3, m[b]);
	/* Different indices, or the test would prove little. */
	for (i = 0; i < NV; i++)
		moved += m[0][i] != m[1][i];
	EXPECT(moved > NV / 2);

	for (s = 0; s < NV; s++) {
		struct mv_graph_path *p0 = compute(g[0], m[0][s]);
		int (*t0)[2];
		size_t n0;

		EXPECT_EQ(mv_graph_mst(g[0], m[0][s], &t0, &n0), 0);
		for (b = 1; b < NBUILD; b++) {
			struct mv_graph_path *p = compute(g[b], m[b][s]);
			int (*t)[2];
			size_t n, k;

			for (i = 0; i < NV; i++) {
				const struct mv_graph_path *x = &p0[m[0][i]];
				const struct mv_graph_path *y = &p[m[b][i]];

				if (x->reachable != y->reachable ||
				    x->distance != y->distance ||
				    x->hops != y->hops ||
				    strcmp(name(g[0], x->nexthop),
					   name(g[b], y->nexthop)) ||
				    strcmp(name(g[0], x->prev),
					   name(g[b], y->prev)) ||
				    strcmp(name(g[0], x->via),
					   name(g[b], y->via)))
					bad++;
			}
			EXPECT_EQ(mv_graph_mst(g[b], m[b][s], &t, &n), 0);
			EXPECT_EQ(n, n0);
			for (k = 0; k < n && k < n0; k++)
				if (strcmp(name(g[0], t0[k][0]),
					   name(g[b], t[k][0])) ||
				    strcmp(name(g[0], t0[k][1]),
					   name(g[b], t[k][1])))
					bad++;
			free(t);
			free(p);
		}
		free(t0);
		free(p0);
	}
	EXPECT_EQ(bad, 0);
	for (b = 0; b < NBUILD; b++)
		mv_graph_free(g[b]);
	topo_free(&r);
}

TEST_MAIN()
