// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for control requests (daemon/control.c): the bytes a
 * client sends, as the socket reader holds them, go through
 * mv_control_take_line() and, when it takes the line, through
 * mv_control_execute() against a small daemon (its own node only). Besides
 * memory errors it checks what the rest relies on: a line that was taken
 * holds no control character and ends where the client's newline was, and
 * a refusal carries a reason.
 *
 * "reload" is not executed: it reads a configuration directory, which the
 * fuzzed daemon has not got; its words are parsed like any other's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/control.h"
#include "daemon/daemon.h"
#include "lib/log.h"

#define REQUEST_MAX	1024	/* as control.c reads them */

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

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

static struct mv_daemon *daemon_once(void)
{
	static struct mv_daemon d;
	static bool ready;

	if (ready)
		return &d;
	mv_log_open("fuzz_control", MV_LOG_FILE, "/dev/null");
	d.loop = mv_loop_new();
	d.conf.name = "alice";
	mv_nodes_init(&d.nodes, &d.conf, &node_ops, &d);
	d.proto.loop = d.loop;
	d.proto.ops = &proto_ops;
	d.proto.conf = &d.conf;
	d.nodes.self = mv_node_get(&d.nodes, "alice");
	CHECK(d.loop && d.nodes.self);
	d.nodes.self->reachable = true;
	mv_topology_init(&d.topo, &d.nodes, NULL, NULL);
	d.proto.meta.tcp_fd = -1;
	d.dp.udp_fd = d.dp.tun_fd = d.ctl_fd = -1;
	ready = true;
	return &d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_daemon *d = daemon_once();
	char line[REQUEST_MAX + 1], err[160];
	const char *newline, *word;
	char *out = NULL;
	size_t out_len = 0, i;
	FILE *f;
	int rc;

	/* What client_io() holds when it finds the newline. */
	if (size > REQUEST_MAX)
		size = REQUEST_MAX;
	memcpy(line, data, size);
	line[size] = 0;
	newline = memchr(line, '\n', size);
	if (!newline)
		return 0;
	err[0] = 0;
	rc = mv_control_take_line(line, size, err, sizeof(err));
	if (rc) {
		CHECK(rc == -EINVAL && err[0] && memchr(err, 0, sizeof(err)));
		return 0;
	}
	CHECK(strlen(line) <= (size_t)(newline - line));
	for (i = 0; line[i]; i++)
		CHECK((unsigned char)line[i] >= 0x20 && line[i] != 0x7f);
	word = line + strspn(line, " ");
	if (!strncmp(word, "reload", 6) && (word[6] == ' ' || !word[6]))
		return 0;
	f = open_memstream(&out, &out_len);
	CHECK(f);
	err[0] = 0;
	rc = mv_control_execute(d, line, f, err, sizeof(err));
	fclose(f);
	CHECK(rc <= 0 && memchr(err, 0, sizeof(err)));
	CHECK(!rc || err[0] || rc == -ENOMEM);
	free(out);
	return 0;
}
