// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for control requests (daemon/control.c), from the
 * socket on: alice serves her real control socket, a client writes the
 * input and closes its side, and the event loop reads the request,
 * splits it into words, runs the command (every dump, info, debug,
 * reload, retry, purge, stop) and writes the answer.
 *
 * Input: one byte of options (bit 0: bob is connected and he and carol
 * have sent their STATEs, so the dumps have nodes, edges, subnets and a
 * connection to show), then the bytes the client sends.
 *
 * Checked besides memory errors and leaks: every client gets exactly one
 * answer, whose first line is "OK" or "ERROR " and a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/control.h"
#include "harness.h"
#include "lib/log.h"

#define ANSWER_MAX	(1 << 20)
#define TURNS_MAX	8

static void feed_state(struct fuzz_mesh *m, enum fuzz_peer who,
		       enum fuzz_peer peer, const char *subnet)
{
	struct mv_buf b;

	mv_buf_init(&b);
	CHECK(!fuzz_mesh_state(&b, who, 1, &peer, 1, &subnet, 1));
	mv_state_receive(m->bob_conn, b.data, b.len);
	fuzz_mesh_after_events(m);
	mv_buf_free(&b);
}

static int client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0);
	strcpy(sa.sun_path, path);
	CHECK(!connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
	return fd;
}

static void check_answer(const char *a, size_t len)
{
	const char *nl = memchr(a, '\n', len);

	CHECK(nl);
	CHECK((nl - a == 2 && !memcmp(a, "OK", 2)) ||
	      (nl - a > 6 && !memcmp(a, "ERROR ", 6)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char answer[ANSWER_MAX];
	struct fuzz_mesh m;
	size_t got = 0;
	ssize_t n;
	int fd, i;

	fuzz_setup();
	if (!size)
		return 0;
	CHECK(!fuzz_mesh_init(&m, false, data[0] & 1));
	if (data[0] & 1) {
		feed_state(&m, FUZZ_BOB, FUZZ_ALICE, "10.0.1.0/24");
		feed_state(&m, FUZZ_CAROL, FUZZ_BOB, "10.0.2.0/24");
	}
	CHECK(asprintf(&m.d.ctlpath, "%s/control", m.d.confdir) > 0);
	CHECK(!mv_control_open(&m.d));
	fd = client(m.d.ctlpath);
	fuzz_mesh_turn(&m);	/* accepted */
	n = send(fd, data + 1, size - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)n;
	shutdown(fd, SHUT_WR);
	for (i = 0; i < TURNS_MAX; i++) {
		fuzz_mesh_turn(&m);
		while ((n = recv(fd, answer + got, sizeof(answer) - got,
				 MSG_DONTWAIT)) > 0)
			got += n;
		if (!n)
			break;	/* answered and closed */
	}
	CHECK(!n);
	check_answer(answer, got);
	close(fd);
	fuzz_mesh_free(&m);
	return 0;
}
