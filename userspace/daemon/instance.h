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

/*
 * A restart in place (meshvpn restart) re-executes the daemon in the same
 * process: the pid stays, and with it the pid file, systemd's MainPID and
 * the lock, whose descriptor crosses the exec. So does the control client
 * that asked, which the new image answers once it is ready, and the data
 * path's UDP socket, so that not one message finds the port closed or a
 * second socket bound to it (meshvpn.ko keeps forwarding through it). The
 * numbers travel in this environment variable, "lock=FD client=FD udp=FD"
 * ("udp=" may be missing: an image from before it was handed over).
 */
#define MV_RESTART_ENV		"MESHVPND_RESTART"

struct mv_restart {
	int lock_fd;		/* the pid file, locked */
	int client_fd;		/* the control client waiting for us, or -1 */
	int udp_fd;		/* the data path's UDP socket, or -1 */
};

/*
 * Before exec: let @r's descriptors cross it and name them in the
 * environment. 0 or -errno.
 */
int mv_instance_hand_over(const struct mv_restart *r);
/*
 * After exec: take what the previous image of this process handed over
 * for @pidfile, and remove the variable so scripts do not see it. 1 with
 * @r filled (descriptors close-on-exec again), 0 when there is nothing
 * (not a restart), -EINVAL when the variable is malformed or names
 * descriptors that are not @pidfile locked with our pid in it, a socket
 * and a datagram socket; nothing is taken then.
 */
int mv_instance_inherit(const char *pidfile, struct mv_restart *r);

#endif /* MESHVPN_INSTANCE_H */
