// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's command table (daemon/control.c), without a socket:
 * which words name which command, what each answers, and that anything
 * else is refused with one reason, before anything is done.
 */
#include <errno.h>
#include <stdlib.h>

#include "daemon/control.h"
#include "daemon/daemon.h"
#include "lib/log.h"

#include "test.h"

struct ctl_fixture {
	struct mv_daemon d;
	char *out;
	size_t out_len;
	char err[128];
};

/* The parts of a node the dumps read, as the daemon makes them. */
static int node_init(void *ctx, struct mv_node *n)
{
	struct mv_daemon *d = ctx;

	return mv_session_init(&d->proto, n) ?: mv_state_node_init(n);
}

static void node_release(void *ctx, struct mv_node *n)
{
	(void)ctx;
	mv_session_free(n);
	mv_state_node_free(n);
}

static const struct mv_node_ops node_ops = {
	.init = node_init,
	.release = node_release,
};

static void keys_changed(void *ctx)
{
	(void)ctx;
}

static const struct mv_proto_ops proto_ops = {
	.keys_changed = keys_changed,
};

static void fixture_init(struct ctl_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->d.loop = mv_loop_new();
	fx->d.conf.name = "alice";
	mv_nodes_init(&fx->d.nodes, &fx->d.conf, &node_ops, &fx->d);
	fx->d.proto.loop = fx->d.loop;
	fx->d.proto.ops = &proto_ops;
	fx->d.nodes.self = mv_node_get(&fx->d.nodes, "alice");
	fx->d.nodes.self->reachable = true;
	mv_topology_init(&fx->d.topo, &fx->d.nodes, NULL, NULL);
	fx->d.proto.meta.tcp_fd = -1;
	fx->d.dp.udp_fd = fx->d.dp.tun_fd = fx->d.ctl_fd = -1;
}

static void fixture_free(struct ctl_fixture *fx)
{
	mv_topology_free(&fx->d.topo);
	mv_nodes_free(&fx->d.nodes);
	mv_loop_free(fx->d.loop);
	free(fx->out);
}

/* Run @request; its answer lands in fx->out, a refusal in fx->err. */
static int run(struct ctl_fixture *fx, const char *request)
{
	char *line = strdup(request);
	FILE *f;
	int rc;

	free(fx->out);
	fx->out = NULL;
	fx->err[0] = 0;
	f = open_memstream(&fx->out, &fx->out_len);
	rc = mv_control_execute(&fx->d, line, f, fx->err, sizeof(fx->err));
	fclose(f);
	free(line);
	return rc;
}

TEST(unknown_requests_are_refused)
{
	static const char *const bad[] = {
		"", "dump", "dump bogus", "stop now", "info", "debug",
		"dump nodes extra", "a b c d e", "json", "retry json json",
		"DUMP nodes",
	};
	struct ctl_fixture fx;
	size_t i;

	fixture_init(&fx);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(run(&fx, bad[i]), -EINVAL);
		EXPECT_STREQ(fx.err, "unknown request");
		EXPECT_EQ(fx.out_len, 0);
	}
	fixture_free(&fx);
}

TEST(debug_answers_the_old_level)
{
	struct ctl_fixture fx;
	int old = mv_log_get_level();

	fixture_init(&fx);
	EXPECT_EQ(run(&fx, "debug 5"), 0);
	EXPECT_EQ(atoi(fx.out), old);
	EXPECT_EQ(mv_log_get_level(), 5);
	EXPECT_EQ(run(&fx, "debug 2"), 0);
	EXPECT_STREQ(fx.out, "5\n");
	EXPECT_EQ(run(&fx, "debug 11"), -EINVAL);
	EXPECT_STREQ(fx.err, "debug level must be 0 to 10");
	EXPECT_EQ(run(&fx, "debug x"), -EINVAL);
	EXPECT_EQ(mv_log_get_level(), 2);
	mv_log_set_level(old);
	fixture_free(&fx);
}

TEST(stats_show_the_state_flood_and_its_limit)
{
	struct ctl_fixture fx;

	fixture_init(&fx);
	fx.d.conf.state_flood_rate = 90;
	fx.d.proto.own.stats.originated = 3;
	fx.d.proto.own.stats.received = 41;
	fx.d.proto.own.stats.rate_refused = 5;
	EXPECT_EQ(run(&fx, "dump stats"), 0);
	EXPECT(fx.out && strstr(fx.out, "state originated 3\n"));
	EXPECT(fx.out && strstr(fx.out, "state received 41\n"));
	EXPECT(fx.out && strstr(fx.out, "limit StateFloodRate 90 refused 5\n"));
	EXPECT_EQ(run(&fx, "dump stats json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"originated\": 3"));
	EXPECT(fx.out && strstr(fx.out, "\"limits\": {"));
	EXPECT(fx.out && strstr(fx.out, "\"StateFloodRate\": {"));
	EXPECT(fx.out && strstr(fx.out, "\"value\": 90"));
	EXPECT(fx.out && strstr(fx.out, "\"refused\": 5"));
	fixture_free(&fx);
}

TEST(dumps_in_text_and_json)
{
	struct ctl_fixture fx;

	fixture_init(&fx);
	fx.d.dp.udp_stats.malformed = 7;
	EXPECT_EQ(run(&fx, "dump stats"), 0);
	EXPECT(fx.out && strstr(fx.out, "udp malformed 7\n"));
	EXPECT_EQ(run(&fx, "dump stats json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"malformed\": 7"));
	EXPECT_EQ(run(&fx, "dump nodes json"), 0);
	EXPECT(fx.out && fx.out[0] == '[' && strstr(fx.out, "\"name\": \"alice\""));
	EXPECT_EQ(run(&fx, "dump nodes"), 0);
	EXPECT(fx.out && strstr(fx.out, "alice"));
	EXPECT_EQ(run(&fx, "dump edges"), 0);
	EXPECT_EQ(run(&fx, "dump subnets json"), 0);
	EXPECT(fx.out && fx.out[0] == '[');
	EXPECT_EQ(run(&fx, "dump connections"), 0);
	EXPECT_EQ(fx.out_len, 0);
	fixture_free(&fx);
}

TEST(info_names_a_node)
{
	struct ctl_fixture fx;

	fixture_init(&fx);
	EXPECT_EQ(run(&fx, "info alice"), 0);
	EXPECT(fx.out && strstr(fx.out, "alice"));
	EXPECT(run(&fx, "info nobody") < 0);
	EXPECT(fx.err[0] != 0);
	fixture_free(&fx);
}

TEST_MAIN()
