// SPDX-License-Identifier: GPL-2.0
/*
 * What a restart in place hands across exec (daemon/instance.c): the new
 * image takes the lock only when MESHVPND_RESTART names exactly this
 * network's pid file, locked, with our pid in it, and a socket; anything
 * else is refused whole, and the variable never reaches the scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/instance.h"

#include "test.h"

struct fixture {
	char dir[64];
	char pidfile[96];
	int lock_fd;
	int sock[2];
};

static void setup(struct fixture *fx)
{
	pid_t holder;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_instance.XXXXXX");
	if (!mkdtemp(fx->dir))
		abort();
	snprintf(fx->pidfile, sizeof(fx->pidfile), "%s/net.pid", fx->dir);
	fx->lock_fd = mv_instance_claim(fx->pidfile, &holder);
	if (fx->lock_fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, fx->sock))
		abort();
}

static void teardown(struct fixture *fx)
{
	mv_instance_release(fx->lock_fd, fx->pidfile);
	close(fx->sock[0]);
	close(fx->sock[1]);
	rmdir(fx->dir);
	unsetenv(MV_RESTART_ENV);
}

/* Inherit with MESHVPND_RESTART set to @value; the result of inherit. */
static int inherit_with(struct fixture *fx, const char *value,
			struct mv_restart *r)
{
	setenv(MV_RESTART_ENV, value, 1);
	return mv_instance_inherit(fx->pidfile, r);
}

TEST(hand_over_then_inherit_takes_every_descriptor)
{
	int udp = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct fixture fx;
	struct mv_restart out, in;

	setup(&fx);
	out = (struct mv_restart){ .lock_fd = fx.lock_fd, .client_fd = fx.sock[0],
				   .udp_fd = udp };
	EXPECT_EQ(mv_instance_hand_over(&out), 0);
	EXPECT_EQ(fcntl(fx.lock_fd, F_GETFD) & FD_CLOEXEC, 0);
	EXPECT_EQ(fcntl(udp, F_GETFD) & FD_CLOEXEC, 0);
	EXPECT_EQ(mv_instance_inherit(fx.pidfile, &in), 1);
	EXPECT_EQ(in.lock_fd, fx.lock_fd);
	EXPECT_EQ(in.client_fd, fx.sock[0]);
	EXPECT_EQ(in.udp_fd, udp);
	/* Close-on-exec again: scripts must not hold the lock. */
	EXPECT(fcntl(fx.lock_fd, F_GETFD) & FD_CLOEXEC);
	EXPECT(fcntl(fx.sock[0], F_GETFD) & FD_CLOEXEC);
	EXPECT(fcntl(udp, F_GETFD) & FD_CLOEXEC);
	EXPECT(getenv(MV_RESTART_ENV) == NULL);
	close(udp);
	teardown(&fx);
}

/* An image from before the UDP socket was handed over: it binds its own. */
TEST(hand_over_without_a_udp_socket)
{
	struct fixture fx;
	struct mv_restart in;
	char value[64];

	setup(&fx);
	snprintf(value, sizeof(value), "lock=%d client=-1", fx.lock_fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), 1);
	EXPECT_EQ(in.udp_fd, -1);
	teardown(&fx);
}

TEST(no_variable_is_no_restart)
{
	struct fixture fx;
	struct mv_restart in;

	setup(&fx);
	unsetenv(MV_RESTART_ENV);
	EXPECT_EQ(mv_instance_inherit(fx.pidfile, &in), 0);
	EXPECT_EQ(in.lock_fd, -1);
	EXPECT_EQ(in.client_fd, -1);
	teardown(&fx);
}

TEST(malformed_variables_are_refused)
{
	static const char *const bad[] = {
		"", "lock=", "lock=%d", "lock=%d client=", "lock=%d client=x",
		"lock=+%d client=-1", "lock= %d client=-1", "lock=%d  client=-1",
		"lock=%d client=-1 ", "lock=%d client=-2", "client=-1 lock=%d",
		"lock=%d client=-1\n", "lock=99999999999 client=-1",
	};
	struct fixture fx;
	struct mv_restart in;
	char value[64];
	size_t i;

	setup(&fx);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(value, sizeof(value), bad[i], fx.lock_fd);
		EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
		EXPECT_EQ(in.lock_fd, -1);
		EXPECT(getenv(MV_RESTART_ENV) == NULL);
	}
	teardown(&fx);
}

TEST(descriptors_that_are_not_ours_are_refused)
{
	struct fixture fx;
	struct mv_restart in;
	char value[64], other[128];
	int fd;

	setup(&fx);
	/* Not the pid file. */
	snprintf(other, sizeof(other), "%s/other", fx.dir);
	fd = open(other, O_RDWR | O_CREAT, 0600);
	snprintf(value, sizeof(value), "lock=%d client=-1", fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	close(fd);
	unlink(other);
	/* The pid file, but a descriptor without the lock. */
	fd = open(fx.pidfile, O_RDONLY);
	snprintf(value, sizeof(value), "lock=%d client=-1", fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	close(fd);
	/* The data path's socket is not a datagram socket. */
	snprintf(value, sizeof(value), "lock=%d client=-1 udp=%d", fx.lock_fd,
		 fx.sock[0]);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	/* The client is not a socket. */
	snprintf(value, sizeof(value), "lock=%d client=%d", fx.lock_fd, fx.lock_fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	/* Standard descriptors are never taken. */
	snprintf(value, sizeof(value), "lock=%d client=0", fx.lock_fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	/* A closed descriptor. */
	EXPECT_EQ(inherit_with(&fx, "lock=1000 client=-1", &in), -EINVAL);
	/* Somebody else's pid in the file. */
	EXPECT_EQ(pwrite(fx.lock_fd, "1\n\n\n\n\n\n", 7, 0), 7);
	snprintf(value, sizeof(value), "lock=%d client=-1", fx.lock_fd);
	EXPECT_EQ(inherit_with(&fx, value, &in), -EINVAL);
	EXPECT_EQ(mv_instance_write_pid(fx.lock_fd), 0);
	EXPECT_EQ(inherit_with(&fx, value, &in), 1);
	teardown(&fx);
}

TEST_MAIN()
