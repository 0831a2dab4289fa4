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
