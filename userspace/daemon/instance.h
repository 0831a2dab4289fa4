/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One meshvpnd per network: the pid file is locked (flock) for as long as
 * its daemon lives, so a second daemon finds it taken, and a file left by
 * a daemon that crashed is unlocked and simply taken over. The kernel
 * drops the lock with the last descriptor, whatever way the daemon ends.
 */
#ifndef MESHVPN_INSTANCE_H
#define MESHVPN_INSTANCE_H

#include <sys/types.h>

/*
 * Lock @pidfile (created if missing) and write our pid into it: the
 * locked descriptor (close-on-exec, so scripts do not hold the lock), or
 * -EEXIST with the running daemon's pid in @holder (0 if it has not
 * written one yet), or another -errno.
 */
int mv_instance_claim(const char *pidfile, pid_t *holder);
/* Write our pid again (after daemon() forked): 0 or -errno. */
int mv_instance_write_pid(int fd);
/* Remove the pid file and drop the lock; the daemon's last act. */
void mv_instance_release(int fd, const char *pidfile);
/*
 * The pid of the daemon holding @pidfile's lock; -ESRCH when the file is
 * there but nobody holds it (a crash left it), -EAGAIN while its daemon
 * has not written its pid yet, -ENOENT without a file.
 */
pid_t mv_instance_running(const char *pidfile);

#endif /* MESHVPN_INSTANCE_H */
