// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's command table (daemon/control.c), without a socket:
 * which words name which command, what each answers, and that anything
 * else is refused with one reason, before anything is done.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "crypto/identity.h"
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
	mv_identity_generate(MV_KEY_ED25519, 0, &fx->d.key);
	mv_topology_init(&fx->d.topo, &fx->d.nodes, NULL, NULL);
	fx->d.proto.meta.tcp_fd = -1;
	fx->d.dp.udp_fd = fx->d.dp.tun_fd = fx->d.ctl_fd = -1;
}

static void fixture_free(struct ctl_fixture *fx)
{
	mv_topology_free(&fx->d.topo);
	mv_nodes_free(&fx->d.nodes);
	mv_identity_free(fx->d.key);
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
	/* Each limit: its configured value and what it refused. */
	fx.d.conf.trust.vouch_rate = 20;
	fx.d.proto.own.refused.rate = 3;
	fx.d.proto.own.refused.forged_own = 2;
	EXPECT_EQ(run(&fx, "dump stats"), 0);
	EXPECT(fx.out && strstr(fx.out, "limit VouchRate 20 refused 3\n"));
	EXPECT(fx.out && strstr(fx.out, "state forged_own 2\n"));
	EXPECT_EQ(run(&fx, "dump stats json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"malformed\": 7"));
	/* Each limit: its variable, its value, what it refused. */
	fx.d.conf.max_connection_burst = 10;
	fx.d.proto.meta.stats.burst_refused = 3;
	fx.d.proto.meta.stats.auth_signed = 5;
	EXPECT_EQ(run(&fx, "dump stats"), 0);
	EXPECT(fx.out && strstr(fx.out, "limit MaxConnectionBurst 10 refused 3\n"));
	EXPECT(fx.out && strstr(fx.out, "limit ScriptQueueLimit 0 refused 0\n"));
	EXPECT(fx.out && strstr(fx.out, "meta auth_signed 5\n"));
	EXPECT_EQ(run(&fx, "dump stats json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"limits\": {"));
	EXPECT(fx.out && strstr(fx.out, "\"MaxConnectionBurst\": {"));
	EXPECT(fx.out && strstr(fx.out, "\"refused\": 3"));
	EXPECT(fx.out && strstr(fx.out, "\"auth_signed\": 5"));
	EXPECT(fx.out && strstr(fx.out, "\"VouchRate\": {"));
	EXPECT(fx.out && strstr(fx.out, "\"refused\": 3"));
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
	/* Our own key's fingerprint, as `meshvpnd -K` prints it. */
	EXPECT(fx.out && strstr(fx.out, "key ed25519 ") && strstr(fx.out, " (ours)\n"));
	EXPECT_EQ(run(&fx, "info alice json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"key_fingerprint\": \""));
	EXPECT(run(&fx, "info nobody") < 0);
	EXPECT(fx.err[0] != 0);
	fixture_free(&fx);
}

TEST(status_is_one_screen)
{
	struct ctl_fixture fx;
	struct mv_node *bob;

	fixture_init(&fx);
	bob = mv_node_get(&fx.d.nodes, "bob");
	bob->have_state = true;
	EXPECT_EQ(run(&fx, "status"), 0);
	EXPECT(fx.out && !strncmp(fx.out, "node alice (id ", 15));
	EXPECT(fx.out && strstr(fx.out, "seen by peers at - (no peer told us yet)\n"));
	EXPECT(fx.out && strstr(fx.out, "nodes: 1 known, 0 reachable\n"));
	EXPECT(fx.out && strstr(fx.out, "  bob              unreachable\n"));
	EXPECT_EQ(run(&fx, "status json"), 0);
	EXPECT(fx.out && strstr(fx.out, "\"name\": \"alice\"") &&
	       strstr(fx.out, "\"reachable\": 0"));
	bob->have_state = false;
	fixture_free(&fx);
}

/* What `meshvpn link show` asks of each daemon. */
TEST(dataplane_names_the_path_and_interface)
{
	struct ctl_fixture fx;

	fixture_init(&fx);
	EXPECT_EQ(run(&fx, "dataplane"), 0);
	EXPECT_STREQ(fx.out, "none -\n");
	strcpy(fx.d.dp.ifname, "tun7");
	fx.d.dp.backend = &mv_userspace_backend;
	EXPECT_EQ(run(&fx, "dataplane"), 0);
	EXPECT_STREQ(fx.out, "userspace tun7\n");
	fx.d.dp.backend = NULL;
	fixture_free(&fx);
}

/* tinc's `info ADDRESS`: the subnets that contain it, with their owners. */
TEST(info_finds_the_subnets_of_an_address)
{
	struct mv_subnet wide, narrow;
	struct ctl_fixture fx;
	struct mv_node *bob;

	fixture_init(&fx);
	bob = mv_node_get(&fx.d.nodes, "bob");
	EXPECT(!mv_subnet_parse("10.10.0.0/16", &wide, NULL, 0));
	EXPECT(!mv_subnet_parse("10.10.0.2", &narrow, NULL, 0));
	EXPECT(!mv_subnet_table_add(fx.d.topo.subnets, &wide, fx.d.nodes.self));
	EXPECT(!mv_subnet_table_add(fx.d.topo.subnets, &narrow, bob));
	EXPECT_EQ(run(&fx, "info 10.10.0.2"), 0);
	EXPECT(fx.out && strstr(fx.out, "10.10.0.2 owner bob\n") &&
	       strstr(fx.out, "10.10.0.0/16 owner alice\n"));
	EXPECT_EQ(run(&fx, "info 10.10.0.9"), 0);
	EXPECT(fx.out && !strstr(fx.out, "bob") &&
	       strstr(fx.out, "10.10.0.0/16 owner alice\n"));
	/* A subnet: those that cover all of it. */
	EXPECT_EQ(run(&fx, "info 10.10.0.0/24 json"), 0);
	EXPECT(fx.out && fx.out[0] == '[' && !strstr(fx.out, "bob") &&
	       strstr(fx.out, "\"owner\": \"alice\""));
	EXPECT_EQ(run(&fx, "info 192.0.2.1"), -ENOENT);
	EXPECT_STREQ(fx.err, "no known subnet contains 192.0.2.1");
	fixture_free(&fx);
}

static void stop_loop(void *ctx)
{
	mv_loop_stop(ctx);
}

/*
 * Send @len bytes of @request to fx's control socket, run the loop for a
 * while and return the status line of the answer (static buffer).
 */
static const char *over_socket(struct ctl_fixture *fx, const void *request,
			       size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char answer[256];
	struct mv_timer stop;
	ssize_t n;
	int fd;

	answer[0] = 0;
	strcpy(sa.sun_path, fx->d.ctlpath);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(fd, request, len, 0) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return answer;
	}
	mv_timer_init(&stop, stop_loop, fx->d.loop);
	mv_timer_arm(fx->d.loop, &stop, 200);
	mv_loop_run(fx->d.loop);
	mv_timer_cancel(fx->d.loop, &stop);
	n = recv(fd, answer, sizeof(answer) - 1, MSG_DONTWAIT);
	answer[n > 0 ? n : 0] = 0;
	close(fd);
	return answer;
}

/*
 * Bytes a client may send that are no request: each is refused with one
 * line, and the daemon serves the next client.
 */
#define BYTES(literal)	literal, sizeof(literal) - 1

TEST(request_bytes_are_checked_before_use)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *answer;
	} cases[] = {
		{ BYTES("\0\n"), "ERROR request contains control character 0x00\n" },
		{ BYTES("dump\0stats\n"), "ERROR request contains control character 0x00\n" },
		{ BYTES("dump\tstats\n"), "ERROR request contains control character 0x09\n" },
		{ BYTES("info \x1b[2Jalice\n"), "ERROR request contains control character 0x1b\n" },
		{ BYTES("retry\r\n"), "OK\n" },
		{ BYTES("dump stats\n\0"), "OK\n" },
	};
	char dir[] = "/tmp/test_control.XXXXXX", path[64];
	struct ctl_fixture fx;
	size_t i;

	fixture_init(&fx);
	EXPECT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/ctl.socket", dir);
	fx.d.ctlpath = path;
	EXPECT_EQ(mv_control_open(&fx.d), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = over_socket(&fx, cases[i].bytes, cases[i].len);

		EXPECT_EQ(strncmp(got, cases[i].answer, strlen(cases[i].answer)), 0);
	}
	mv_control_close(&fx.d);
	rmdir(dir);
	fixture_free(&fx);
}

TEST_MAIN()
