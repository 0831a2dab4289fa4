// SPDX-License-Identifier: GPL-2.0
/*
 * The node table, path choice and the topology, without a daemon: what the
 * layers above see through struct mv_node_ops and struct mv_topology_ops
 * (nodes made and released, reachability, scripts' events, subnet
 * ownership) when links and claimed subnets change.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <meshvpn/wire.h>

#include "config/config.h"
#include "lib/log.h"
#include "lib/subnet.h"
#include "mesh/node.h"
#include "mesh/topology.h"

#include "test.h"

/* Everything the ops were told, in order, as one string. */
struct recorder {
	char log[4096];
	int inits, releases;
	int fail_init;		/* fail the init of the next node */
	bool held;		/* what the data plane says of every node */
};

static void record(struct recorder *r, const char *what, const char *name,
		   const struct mv_subnet *s)
{
	char text[MV_SUBNET_STRLEN] = "";
	size_t len = strlen(r->log);

	if (s)
		mv_subnet_format(s, text, sizeof(text), 0);
	snprintf(r->log + len, sizeof(r->log) - len, "%s%s %s%s%s",
		 len ? "; " : "", what, name, s ? " " : "", text);
}

static int rec_init(void *ctx, struct mv_node *n)
{
	struct recorder *r = ctx;

	(void)n;
	if (r->fail_init) {
		r->fail_init = 0;
		return -ENOMEM;
	}
	r->inits++;
	return 0;
}

static void rec_release(void *ctx, struct mv_node *n)
{
	struct recorder *r = ctx;

	(void)n;
	r->releases++;
}

static void rec_untrusted(void *ctx, struct mv_node *n, const char *why)
{
	record(ctx, why, n->name, NULL);
}

static const struct mv_node_ops node_ops = {
	.init = rec_init,
	.release = rec_release,
	.untrusted = rec_untrusted,
};

static bool rec_held(void *ctx, const struct mv_node *n)
{
	struct recorder *r = ctx;

	return r->held || n->udp.direct;
}

static void rec_up(void *ctx, struct mv_node *n)
{
	record(ctx, "up", n->name, NULL);
}

static void rec_down(void *ctx, struct mv_node *n)
{
	record(ctx, "down", n->name, NULL);
}

static void rec_subnet_up(void *ctx, struct mv_node *n,
			  const struct mv_subnet *s)
{
	record(ctx, "subnet-up", n->name, s);
}

static void rec_subnet_down(void *ctx, struct mv_node *n,
			    const struct mv_subnet *s)
{
	record(ctx, "subnet-down", n->name, s);
}

static const struct mv_topology_ops topo_ops = {
	.held = rec_held,
	.node_up = rec_up,
	.node_down = rec_down,
	.subnet_up = rec_subnet_up,
	.subnet_down = rec_subnet_down,
};

struct mesh {
	struct mv_config conf;
	struct mv_nodes nodes;
	struct mv_topology topo;
	struct recorder rec;
};

static void mesh_init(struct mesh *m, const char *self)
{
	memset(m, 0, sizeof(*m));
	mv_nodes_init(&m->nodes, &m->conf, &node_ops, &m->rec);
	m->nodes.self = mv_node_get(&m->nodes, self);
	m->nodes.self->reachable = true;
	mv_topology_init(&m->topo, &m->nodes, &topo_ops, &m->rec);
}

static void mesh_free(struct mesh *m)
{
	mv_topology_free(&m->topo);
	mv_nodes_free(&m->nodes);
}

/* @a announces links to each of @peers (NULL-terminated), weight 10. */
static void links(struct mesh *m, const char *a, const char *const *peers)
{
	struct mv_topology_link l[8];
	struct mv_node *n = mv_node_get(&m->nodes, a);
	size_t k = 0;

	n->have_state = true;
	for (; *peers && k < 8; peers++, k++) {
		l[k].peer = mv_node_get(&m->nodes, *peers);
		l[k].weight = 10;
	}
	mv_topology_set_links(&m->topo, n, l, k, n->tcp_only);
}

static void claim(struct mesh *m, const char *a, const char *subnet)
{
	struct mv_node *n = mv_node_get(&m->nodes, a);

	n->claimed = realloc(n->claimed, (n->n_claimed + 1) * sizeof(*n->claimed));
	mv_subnet_parse(subnet, &n->claimed[n->n_claimed++], NULL, 0);
	mv_topology_changed(&m->topo);
}

static struct mv_node *node(struct mesh *m, const char *name)
{
	return mv_node_find(&m->nodes, name);
}

TEST(table_find_by_name_and_id)
{
	struct mesh m;
	struct mv_node *a, *b;
	int i;

	mesh_init(&m, "alice");
	a = mv_node_get(&m.nodes, "bob");
	EXPECT(a != NULL);
	EXPECT(mv_node_get(&m.nodes, "bob") == a);
	EXPECT(mv_node_find(&m.nodes, "bob") == a);
	EXPECT(mv_node_find_id(&m.nodes, a->id) == a);
	EXPECT_EQ(a->id, mv_node_id_of("bob"));
	EXPECT(mv_node_find(&m.nodes, "carol") == NULL);
	/* Past the first bucket array: the table regrows and still finds all. */
	for (i = 0; i < 1000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		EXPECT(mv_node_get(&m.nodes, name) != NULL);
	}
	EXPECT_EQ(m.nodes.n_nodes, 1002);
	b = mv_node_find(&m.nodes, "n777");
	EXPECT(b && mv_node_find_id(&m.nodes, b->id) == b);
	EXPECT(mv_node_find(&m.nodes, "bob") == a);
	EXPECT_EQ(m.rec.inits, 1002);
	mesh_free(&m);
	EXPECT_EQ(m.rec.releases, 1002);
}

TEST(table_frees_a_node)
{
	struct mesh m;
	struct mv_node *a, *b, *c;
	uint64_t id;

	mesh_init(&m, "alice");
	a = mv_node_get(&m.nodes, "bob");
	b = mv_node_get(&m.nodes, "carol");
	c = mv_node_get(&m.nodes, "dave");
	id = b->id;
	mv_node_free(&m.nodes, b);
	EXPECT_EQ(m.rec.releases, 1);
	EXPECT_EQ(m.nodes.n_nodes, 3);
	EXPECT(mv_node_find(&m.nodes, "carol") == NULL);
	EXPECT(mv_node_find_id(&m.nodes, id) == NULL);
	EXPECT(mv_node_find(&m.nodes, "bob") == a);
	EXPECT(mv_node_find(&m.nodes, "dave") == c);
	/* The list of all nodes skips it; the name can be taken again. */
	EXPECT(m.nodes.all == c && c->next == a && a->prev == c);
	mv_node_free(&m.nodes, c);
	EXPECT(m.nodes.all == a && !a->prev);
	b = mv_node_get(&m.nodes, "carol");
	EXPECT(b && b->id == id && mv_node_find_id(&m.nodes, id) == b);
	mesh_free(&m);
	EXPECT_EQ(m.rec.releases, 5);
}

static struct sockaddr_in6 endpoint(uint8_t last, uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port) };

	sa.sin6_addr.s6_addr[15] = last;
	return sa;
}

TEST(table_finds_nodes_by_endpoint)
{
	struct sockaddr_in6 e1 = endpoint(1, 655), e2 = endpoint(2, 655);
	struct sockaddr_in6 e1b = endpoint(1, 656);
	struct mesh m;
	struct mv_node *a, *b;
	int i;

	mesh_init(&m, "alice");
	a = mv_node_get(&m.nodes, "bob");
	b = mv_node_get(&m.nodes, "carol");
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == NULL);
	a->udp.endpoint = e1;
	mv_node_endpoint_moved(&m.nodes, a);
	/* Only a working direct path counts. */
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == NULL);
	a->udp.direct = b->udp.direct = true;
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == a);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1b) == NULL);
	/* A move leaves nothing behind at the old endpoint. */
	a->udp.endpoint = e2;
	mv_node_endpoint_moved(&m.nodes, a);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == NULL);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e2) == a);
	b->udp.endpoint = e1;
	mv_node_endpoint_moved(&m.nodes, b);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == b);
	/* The table regrows and still finds them. */
	for (i = 0; i < 1000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		mv_node_get(&m.nodes, name);
	}
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == b);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e2) == a);
	mv_node_free(&m.nodes, b);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e1) == NULL);
	EXPECT(mv_node_find_endpoint(&m.nodes, &e2) == a);
	mesh_free(&m);
}

TEST(table_refuses_bad_names_and_failed_init)
{
	struct mesh m;

	mesh_init(&m, "alice");
	EXPECT(mv_node_get(&m.nodes, "has space") == NULL);
	EXPECT(mv_node_get(&m.nodes, "") == NULL);
	m.rec.fail_init = 1;
	EXPECT(mv_node_get(&m.nodes, "bob") == NULL);
	EXPECT(mv_node_find(&m.nodes, "bob") == NULL);
	EXPECT(mv_node_get(&m.nodes, "bob") != NULL);
	mesh_free(&m);
}

/* A host file for @name in a fresh configuration folder @dir. */
static bool write_host(char *dir, size_t len, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(dir, len, "/tmp/meshvpn-test-mesh.XXXXXX");
	if (!mkdtemp(dir))
		return false;
	snprintf(path, sizeof(path), "%s/hosts", dir);
	if (mkdir(path, 0700))
		return false;
	snprintf(path, sizeof(path), "%s/hosts/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return false;
	fputs("Subnet = 10.9.0.1/32\n", f);
	return !fclose(f);
}

static void remove_host(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/hosts/%s", dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/hosts", dir);
	rmdir(path);
	rmdir(dir);
}

/*
 * squat5312967 and squat30966812 share the node id d9c0cd279761. The one
 * a host file names takes the id from the one only known from the network.
 */
TEST(host_file_takes_a_squatted_id)
{
	struct mv_node *squatter, *owner;
	char dir[64], name[16];
	struct mesh m;
	uint64_t id;

	mesh_init(&m, "alice");
	squatter = mv_node_get(&m.nodes, "squat5312967");
	EXPECT(squatter != NULL);
	id = squatter->id;
	EXPECT_EQ(id, 0xd9c0cd279761ull);
	/* Without a host file, the second name is refused. */
	EXPECT(mv_node_get(&m.nodes, "squat30966812") == NULL);
	EXPECT_EQ(m.nodes.id_collisions, 1);

	EXPECT(write_host(dir, sizeof(dir), "squat30966812"));
	EXPECT_EQ(mv_nodes_load_hosts(&m.nodes, dir), 0);
	owner = mv_node_find(&m.nodes, "squat30966812");
	EXPECT(owner && owner->id == id && owner->host);
	EXPECT(mv_node_find_id(&m.nodes, id) == owner);
	EXPECT(squatter->id_lost);
	EXPECT(mv_node_find(&m.nodes, "squat5312967") == squatter);
	EXPECT(strstr(m.rec.log, "its node id belongs to a node known from a "
		       "host file squat5312967") != NULL);
	EXPECT_EQ(m.nodes.evicted_id_squatters, 1);

	/* A regrown table does not give the id back to the squatter. */
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		EXPECT(mv_node_get(&m.nodes, name) != NULL);
	}
	EXPECT(mv_node_find_id(&m.nodes, id) == owner);
	/* Freeing the squatter leaves the owner's id alone. */
	mv_node_free(&m.nodes, squatter);
	EXPECT(mv_node_find_id(&m.nodes, id) == owner);
	remove_host(dir, "squat30966812");
	mesh_free(&m);
}

TEST(trusted_key_follows_strict_keys)
{
	struct mesh m;
	struct mv_node *b;

	mesh_init(&m, "alice");
	b = mv_node_get(&m.nodes, "bob");
	b->vouched_key = (struct mv_identity *)&m;	/* only compared */
	EXPECT(mv_node_trusted_key(b) == (struct mv_identity *)&m);
	m.conf.strict_keys = true;
	EXPECT(mv_node_trusted_key(b) == NULL);
	b->vouched_key = NULL;
	mesh_free(&m);
}

TEST(path_choice)
{
	struct mesh m;
	struct mv_node *b, *c;

	mesh_init(&m, "alice");
	b = mv_node_get(&m.nodes, "bob");
	c = mv_node_get(&m.nodes, "carol");
	EXPECT_EQ(mv_node_path(m.nodes.self), MV_PATH_SELF);
	EXPECT_EQ(mv_node_path(b), MV_PATH_NONE);
	/* Reachable through bob, who has no UDP path: over TCP. */
	b->reachable = c->reachable = true;
	b->nexthop = b;
	c->nexthop = b;
	EXPECT_EQ(mv_node_path(c), MV_PATH_TCP);
	b->udp.direct = true;
	EXPECT_EQ(mv_node_path(b), MV_PATH_DIRECT);
	EXPECT_EQ(mv_node_path(c), MV_PATH_RELAY);
	c->udp.direct = true;
	EXPECT_EQ(mv_node_path(c), MV_PATH_DIRECT);
	/* TCPOnly at either end wins over every UDP path. */
	c->have_state = c->tcp_only = true;
	EXPECT(mv_node_tcp_only(c));
	EXPECT_EQ(mv_node_path(c), MV_PATH_TCP);
	c->tcp_only = false;
	m.conf.self.tcp_only = true;
	EXPECT_EQ(mv_node_path(c), MV_PATH_TCP);
	m.conf.self.tcp_only = false;
	/* A relay that is TCPOnly relays nothing over UDP. */
	c->udp.direct = false;
	b->tcp_only = b->have_state = true;
	EXPECT_EQ(mv_node_path(c), MV_PATH_TCP);
	/* Unreachable in the graph, but the direct path still answers. */
	c->reachable = false;
	c->udp.direct = true;
	EXPECT_EQ(mv_node_path(c), MV_PATH_DIRECT);
	EXPECT_STREQ(mv_path_name(MV_PATH_RELAY), "relay");
	EXPECT_STREQ(mv_path_name(MV_PATH_NONE), "unreachable");
	mesh_free(&m);
}

TEST(topology_reachability_and_next_hops)
{
	static const char *const alice[] = { "bob", NULL };
	static const char *const bob[] = { "alice", "carol", NULL };
	static const char *const carol[] = { "bob", NULL };
	static const char *const none[] = { NULL };
	struct mesh m;

	mesh_init(&m, "alice");
	links(&m, "alice", alice);
	links(&m, "bob", bob);
	links(&m, "carol", carol);
	EXPECT(m.topo.dirty);
	mv_topology_recompute(&m.topo, 1000);
	EXPECT(!m.topo.dirty);
	/* Newest nodes first: the table's order, the same at every node. */
	EXPECT_STREQ(m.rec.log, "up carol; up bob");
	EXPECT(node(&m, "carol")->reachable);
	EXPECT(node(&m, "carol")->nexthop == node(&m, "bob"));
	EXPECT_EQ(node(&m, "carol")->path.hops, 2);
	EXPECT_EQ(m.topo.n_mst, 2);
	EXPECT(mv_topology_node(&m.topo, node(&m, "carol")->vertex) ==
	       node(&m, "carol"));
	/* Bob drops carol: she goes down, with the time noted. */
	m.rec.log[0] = 0;
	links(&m, "bob", (const char *const[]){ "alice", NULL });
	mv_topology_recompute(&m.topo, 2000);
	EXPECT_STREQ(m.rec.log, "down carol");
	EXPECT(!node(&m, "carol")->reachable);
	EXPECT(node(&m, "carol")->nexthop == NULL);
	EXPECT_EQ(node(&m, "carol")->unreachable_since, 2000);
	/* Bob leaves the graph altogether. */
	m.rec.log[0] = 0;
	mv_topology_remove(&m.topo, node(&m, "bob"));
	links(&m, "alice", none);
	mv_topology_recompute(&m.topo, 3000);
	EXPECT_STREQ(m.rec.log, "down bob");
	EXPECT_EQ(node(&m, "bob")->vertex, -1);
	mesh_free(&m);
}

TEST(topology_keeps_a_held_direct_path)
{
	static const char *const alice[] = { "bob", NULL };
	static const char *const bob[] = { "alice", NULL };
	struct mesh m;
	struct mv_node *b;

	mesh_init(&m, "alice");
	links(&m, "alice", alice);
	links(&m, "bob", bob);
	claim(&m, "bob", "10.0.2.0/24");
	mv_topology_recompute(&m.topo, 1000);
	EXPECT_STREQ(m.rec.log, "up bob; subnet-up bob 10.0.2.0/24");
	b = node(&m, "bob");
	/* A node the graph still reaches does not go down with a path. */
	m.rec.log[0] = 0;
	mv_topology_path_lost(&m.topo, b);
	EXPECT_STREQ(m.rec.log, "");
	/* The graph loses bob while his direct path works: nothing goes down. */
	m.rec.log[0] = 0;
	b->udp.direct = true;
	links(&m, "alice", (const char *const[]){ NULL });
	mv_topology_recompute(&m.topo, 2000);
	EXPECT_STREQ(m.rec.log, "");
	EXPECT(!b->reachable);
	EXPECT_EQ(b->unreachable_since, 2000);
	EXPECT_EQ(b->n_subnets, 1);
	/* Losing the direct path that kept him takes him down at once. */
	b->udp.direct = false;
	mv_topology_path_lost(&m.topo, b);
	EXPECT_STREQ(m.rec.log, "down bob");
	m.rec.log[0] = 0;
	b->udp.direct = true;
	/* ... unless he said he is leaving. */
	b->gone = true;
	mv_topology_changed(&m.topo);
	mv_topology_recompute(&m.topo, 3000);
	EXPECT_STREQ(m.rec.log, "subnet-down bob 10.0.2.0/24");
	EXPECT_EQ(b->n_subnets, 0);
	mesh_free(&m);
}

TEST(topology_confirmed_edges)
{
	static const char *const alice[] = { "bob", "carol", NULL };
	static const char *const bob[] = { "alice", NULL };
	static const char *const carol[] = { "bob", NULL };
	struct mesh m;

	mesh_init(&m, "alice");
	links(&m, "alice", alice);
	links(&m, "bob", bob);
	links(&m, "carol", carol);
	EXPECT(mv_topology_confirmed(&m.topo, node(&m, "alice"), node(&m, "bob")));
	EXPECT(mv_topology_confirmed(&m.topo, node(&m, "bob"), node(&m, "alice")));
	/* Announced by one end only. */
	EXPECT(!mv_topology_confirmed(&m.topo, node(&m, "alice"), node(&m, "carol")));
	EXPECT(!mv_topology_confirmed(&m.topo, node(&m, "carol"), node(&m, "bob")));
	mesh_free(&m);
}

TEST(topology_subnets_and_strict_subnets)
{
	static const char *const alice[] = { "bob", NULL };
	static const char *const bob[] = { "alice", NULL };
	struct mv_host_config host = { 0 };
	struct mv_subnet allowed, looked_up;
	const struct mv_subnet_route *r;
	struct mesh m;
	struct mv_node *b;
	uint8_t addr[4] = { 10, 0, 2, 7 }, refused[4] = { 10, 99, 0, 1 };

	mesh_init(&m, "alice");
	EXPECT(!mv_subnet_parse("10.0.1.0/24", &looked_up, NULL, 0));
	m.conf.self.subnets = &looked_up;
	m.conf.self.n_subnets = 1;
	links(&m, "alice", alice);
	links(&m, "bob", bob);
	claim(&m, "bob", "10.0.2.0/24");
	claim(&m, "bob", "10.99.0.0/24");
	m.conf.strict_subnets = true;
	b = node(&m, "bob");
	EXPECT(!mv_subnet_parse("10.0.2.0/24", &allowed, NULL, 0));
	host.subnets = &allowed;
	host.n_subnets = 1;
	b->host = &host;
	mv_topology_recompute(&m.topo, 1000);
	EXPECT_STREQ(m.rec.log, "up bob; subnet-up bob 10.0.2.0/24; "
		     "subnet-up alice 10.0.1.0/24");
	EXPECT(!mv_topology_subnet_allowed(&m.topo, b, &b->claimed[1]));
	EXPECT(mv_topology_subnet_allowed(&m.topo, b, &b->claimed[0]));
	r = mv_subnet_table_lookup(m.topo.subnets, MV_SUBNET_IPV4, addr,
				   NULL, NULL);
	EXPECT(r && r->owner == b);
	EXPECT(!mv_subnet_table_lookup(m.topo.subnets, MV_SUBNET_IPV4, refused,
				       NULL, NULL));
	/* A host file edited on reload counts at the next recomputation. */
	host.n_subnets = 0;
	mv_topology_changed(&m.topo);
	mv_topology_recompute(&m.topo, 2000);
	EXPECT(!mv_subnet_table_lookup(m.topo.subnets, MV_SUBNET_IPV4, addr,
				       NULL, NULL));
	b->host = NULL;
	m.conf.self.subnets = NULL;
	m.conf.self.n_subnets = 0;
	mesh_free(&m);
}

/* The log lines containing @what, counted; @line gets the last one. */
static int log_lines(const char *path, const char *what, char *line,
		     size_t len)
{
	char buf[8192], *p, *end;
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (p = buf; *p; p = end + (*end != '\0')) {
		end = strchrnul(p, '\n');
		if (!memmem(p, end - p, what, strlen(what)))
			continue;
		found++;
		snprintf(line, len, "%.*s", (int)(end - p), p);
	}
	return found;
}

/* Two nodes claiming one subnet: one warning naming both, not one a round. */
TEST(topology_logs_a_subnet_conflict_once)
{
	static const char *const alice[] = { "bob", "carol", NULL };
	static const char *const peer[] = { "alice", NULL };
	char logfile[] = "/tmp/meshvpn-test-mesh.XXXXXX", line[512] = "";
	struct mesh m;
	int fd = mkstemp(logfile);

	EXPECT(fd >= 0);
	close(fd);
	EXPECT_EQ(mv_log_open("meshvpnd.test", MV_LOG_FILE, logfile), 0);
	mesh_init(&m, "alice");
	links(&m, "alice", alice);
	links(&m, "bob", peer);
	links(&m, "carol", peer);
	claim(&m, "bob", "10.0.5.0/24");
	claim(&m, "carol", "10.0.6.0/24");
	mv_topology_recompute(&m.topo, 1000);
	EXPECT_EQ(log_lines(logfile, "Subnet conflict", line, sizeof(line)),
		  0);
	claim(&m, "carol", "10.0.5.0/24");
	mv_topology_recompute(&m.topo, 2000);
	mv_topology_changed(&m.topo);
	mv_topology_recompute(&m.topo, 3000);
	EXPECT_EQ(log_lines(logfile, "Subnet conflict", line, sizeof(line)),
		  1);
	EXPECT(strstr(line, "Subnet conflict: 10.0.5.0/24 is claimed by both bob and carol"));
	mesh_free(&m);
	mv_log_close();
	unlink(logfile);
}

TEST_MAIN()
