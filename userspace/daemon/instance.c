// SPDX-License-Identifier: GPL-2.0
/*
 * The pid file as the lock of one daemon per network (instance.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/instance.h"

/* Longest pid file we read: a pid and a newline, with room to spare. */
#define PIDFILE_MAX	32

static pid_t read_pid_fd(int fd)
{
	char buf[PIDFILE_MAX];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *end;
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = 0;
	pid = strtol(buf, &end, 10);
	return pid > 0 && pid <= INT32_MAX && (*end == '\n' || !*end) ? pid : 0;
}

int mv_instance_write_pid(int fd)
{
	char buf[PIDFILE_MAX];
	int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, len, 0) != len)
		return -errno;
	return 0;
}

/*
 * True when @fd is still the file at @path: a daemon that was exiting
 * while we waited for its lock may have unlinked the file we hold.
 */
static bool still_linked(int fd, const char *path)
{
	struct stat held, named;

	return !fstat(fd, &held) && !stat(path, &named) &&
	       held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

int mv_instance_claim(const char *pidfile, pid_t *holder)
{
	int attempts, fd, err;

	*holder = 0;
	/* Each retry follows a daemon that unlinked the file as we locked it. */
	for (attempts = 0; attempts < 3; attempts++) {
		fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			err = errno == EWOULDBLOCK ? -EEXIST : -errno;
			if (err == -EEXIST)
				*holder = read_pid_fd(fd);
			close(fd);
			return err;
		}
		if (still_linked(fd, pidfile))
			break;
		close(fd);
		fd = -EAGAIN;
	}
	if (fd < 0)
		return fd;
	err = mv_instance_write_pid(fd);
	if (err) {
		mv_instance_release(fd, pidfile);
		return err;
	}
	return fd;
}

void mv_instance_release(int fd, const char *pidfile)
{
	if (fd < 0)
		return;
	/* Unlink while holding the lock: no second daemon's file is removed. */
	unlink(pidfile);
	close(fd);
}

pid_t mv_instance_running(const char *pidfile)
{
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	pid_t pid;

	if (fd < 0)
		return -errno;
	if (!flock(fd, LOCK_SH | LOCK_NB)) {
		close(fd);
		return -ESRCH;
	}
	pid = read_pid_fd(fd);
	close(fd);
	/* Locked but no pid yet: a daemon between its lock and its write. */
	return pid > 0 ? pid : -EAGAIN;
}

static int set_cloexec(int fd, bool on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		return -errno;
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	return fcntl(fd, F_SETFD, flags) < 0 ? -errno : 0;
}

int mv_instance_hand_over(const struct mv_restart *r)
{
	char value[64];
	int err;

	err = set_cloexec(r->lock_fd, false);
	if (!err && r->client_fd >= 0)
		err = set_cloexec(r->client_fd, false);
	if (!err && r->udp_fd >= 0)
		err = set_cloexec(r->udp_fd, false);
	if (err)
		return err;
	snprintf(value, sizeof(value), "lock=%d client=%d udp=%d", r->lock_fd,
		 r->client_fd, r->udp_fd);
	return setenv(MV_RESTART_ENV, value, 1) ? -errno : 0;
}

/* "NAME=FD" at *@s, FD a decimal number (-1 allowed); moves *@s past it. */
static int parse_fd(const char **s, const char *name, int *fd)
{
	size_t n = strlen(name);
	const char *p;
	char *end;
	long v;

	if (strncmp(*s, name, n) || (*s)[n] != '=')
		return -EINVAL;
	p = *s + n + 1;
	if (!(*p >= '0' && *p <= '9') && strncmp(p, "-1", 2))
		return -EINVAL;
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || v < -1 || v > INT32_MAX)
		return -EINVAL;
	*fd = v;
	*s = end;
	return 0;
}

/* The lock of @pidfile, held through @fd, with our pid in the file. */
static bool holds_our_lock(int fd, const char *pidfile)
{
	return fd > STDERR_FILENO && still_linked(fd, pidfile) &&
	       !flock(fd, LOCK_EX | LOCK_NB) && read_pid_fd(fd) == getpid();
}

static bool is_socket(int fd)
{
	struct stat st;

	return fd > STDERR_FILENO && !fstat(fd, &st) && S_ISSOCK(st.st_mode);
}

static bool is_datagram_socket(int fd)
{
	socklen_t len = sizeof(int);
	int type;

	return is_socket(fd) &&
	       !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) &&
	       type == SOCK_DGRAM;
}

int mv_instance_inherit(const char *pidfile, struct mv_restart *r)
{
	const char *s = getenv(MV_RESTART_ENV);
	struct mv_restart got;
	int err;

	r->lock_fd = r->client_fd = r->udp_fd = -1;
	if (!s)
		return 0;
	got.udp_fd = -1;
	err = parse_fd(&s, "lock", &got.lock_fd);
	if (!err && *s++ != ' ')
		err = -EINVAL;
	err = err ?: parse_fd(&s, "client", &got.client_fd);
	if (!err && *s == ' ') {
		s++;
		err = parse_fd(&s, "udp", &got.udp_fd);
	}
	if (!err && (*s || !holds_our_lock(got.lock_fd, pidfile) ||
		     (got.client_fd != -1 && !is_socket(got.client_fd)) ||
		     (got.udp_fd != -1 && !is_datagram_socket(got.udp_fd))))
		err = -EINVAL;
	unsetenv(MV_RESTART_ENV);
	if (err)
		return err;
	set_cloexec(got.lock_fd, true);
	if (got.client_fd >= 0)
		set_cloexec(got.client_fd, true);
	if (got.udp_fd >= 0)
		set_cloexec(got.udp_fd, true);
	*r = got;
	return 1;
}
