/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scripts (meshvpn-up / tinc-up, host-up, hosts/NAME-up, subnet-up, ...),
 * run with tinc's environment but, unlike tinc, without stopping the
 * daemon: tinc runs every script through system() and forwards no packet
 * until it returns.
 *
 * A script is executed directly (fork() and execve(), no shell and no
 * command line; a script without "#!" is run by /bin/sh, as execvp()
 * would) with:
 *  - argv[0] the path and no other argument, as tinc;
 *  - exactly the given "KEY=VALUE" environment, plus a PATH of the system
 *    directories unless the caller passes PATH itself; nothing of the
 *    daemon's own environment leaks in;
 *  - stdin from /dev/null, stdout and stderr inherited; every other
 *    descriptor closed (the daemon's are close-on-exec anyway);
 *  - default signal dispositions and an empty signal mask, whatever the
 *    daemon blocks for its signalfd or ignores (SIGPIPE);
 *  - its own process group, so that a timeout kills what it started too.
 *
 * Failures (non-zero exit, death by a signal, exec errors) are logged
 * with mv_log() at level 0, starts at level 2 (MV_LOG_STATUS), with
 * tinc's messages.
 *
 * The daemon must not ignore SIGCHLD (blocking it for a signalfd is
 * right): ignored, children are reaped by the kernel and their exit
 * status is lost. It must keep descriptors 0, 1 and 2 open (to /dev/null
 * once detached), or the child's plumbing would overwrite its own.
 */
#ifndef MESHVPN_SCRIPT_H
#define MESHVPN_SCRIPT_H

#include <stddef.h>

/*
 * Every environment variable a script can get, tinc's names: run_script()
 * and mv_run_sync_script() set them from this table, and the man page is
 * checked against it (selftests/unit/test_man_names.c).
 */
enum mv_script_var {
	MV_SCRIPT_VAR_NETNAME,
	MV_SCRIPT_VAR_NAME,
	MV_SCRIPT_VAR_INTERFACE,
	MV_SCRIPT_VAR_DEVICE,
	MV_SCRIPT_VAR_NODE,
	MV_SCRIPT_VAR_REMOTEADDRESS,
	MV_SCRIPT_VAR_REMOTEPORT,
	MV_SCRIPT_VAR_SUBNET,
	MV_SCRIPT_VAR_WEIGHT,
	MV_SCRIPT_VAR_PATH,
	MV_SCRIPT_N_VARS
};

extern const char *const mv_script_vars[MV_SCRIPT_N_VARS];

/* PATH given to scripts whose caller passes none. */
#define MV_SCRIPT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/*
 * Scripts running at once; later ones wait for a slot, in submission
 * order. A thousand nodes coming up must not fork a thousand shells.
 */
#define MV_SCRIPTS_MAX_RUNNING	32
/* Queued scripts per order key until mv_scripts_set_queue_limit(). */
#define MV_SCRIPTS_QUEUE_LIMIT	1024

/* What the queue spared and refused, since mv_scripts_new(). */
struct mv_scripts_stats {
	unsigned long long merged;	/* up/down pairs that cancelled out */
	unsigned long long dropped;	/* refused: queue of the key full */
};

/* Asynchronous scripts of one daemon: running ones and queued ones. */
struct mv_scripts;

struct mv_scripts *mv_scripts_new(void);
/*
 * Stop tracking: queued scripts are dropped, running ones are neither
 * killed nor waited for (they finish on their own, and are reaped by
 * init once the daemon has exited). Call mv_scripts_wait() first to let
 * them finish. NULL is allowed.
 */
void mv_scripts_free(struct mv_scripts *s);

/*
 * Run script @path asynchronously with environment @env ("KEY=VALUE"
 * strings, NULL-terminated; NULL for none). Scripts with the same
 * @order_key run one after another in submission order (e.g. "NODE" for
 * host-up and host-down of one node); NULL means no ordering. A script
 * that cannot start at once (its key is busy, or MV_SCRIPTS_MAX_RUNNING
 * are running) is queued with copies of its arguments.
 *
 * A peer that flaps must not queue work without bound, so per key:
 *  - a script named "X-up" cancels the last queued script of its key if
 *    that is "X-down" for the same SUBNET value (or no SUBNET in both),
 *    and "X-down" cancels a queued "X-up" likewise: the pair had no net
 *    effect; neither runs, and the pair is counted as merged;
 *  - past the queue limit (mv_scripts_set_queue_limit()) of queued
 *    scripts, a new one is dropped, counted and logged (a line a second
 *    at most), and -ENOBUFS returned.
 *
 * Returns 0 (started, queued or merged away), -ENOBUFS, -EINVAL for an
 * @env entry without '=', -ENOMEM, or the error of starting it now
 * (-ENOENT, -EACCES, ...). A queued script that fails to start later is
 * logged and skipped.
 */
int mv_scripts_run(struct mv_scripts *s, const char *path,
		   const char *const *env, const char *order_key);

/*
 * Call when SIGCHLD arrived (and whenever else convenient): collects the
 * scripts that ended, with waitpid(WNOHANG) on their own pids only, so
 * other children of the daemon are left alone; logs failures; starts the
 * scripts that were waiting for them. Never blocks.
 */
void mv_scripts_reap(struct mv_scripts *s);

/* At most @limit (at least 1) scripts queued per order key. */
void mv_scripts_set_queue_limit(struct mv_scripts *s, unsigned int limit);
const struct mv_scripts_stats *mv_scripts_stats(const struct mv_scripts *s);

/* Scripts submitted and not yet reaped: running plus queued. */
size_t mv_scripts_pending(const struct mv_scripts *s);

/*
 * Block until every script, queued ones included, has ended, for at most
 * @timeout_ms (0: no limit); for shutdown, after the last host-down and
 * subnet-down. Returns 0, or -ETIMEDOUT with the rest still pending.
 */
int mv_scripts_wait(struct mv_scripts *s, unsigned int timeout_ms);

/*
 * Run @path and wait for it, for scripts that must finish before the
 * daemon goes on (up and down). After @timeout_ms (0: no limit) the
 * script's process group is killed with SIGKILL and reaped. Returns the
 * exit status (0..255), 128 + the signal number if it was killed by a
 * signal (as shells report it), -ETIMEDOUT, or -errno if it could not be
 * started (-ENOENT, -EACCES, -EINVAL for a bad @env, ...).
 */
int mv_scripts_run_sync(const char *path, const char *const *env,
			unsigned int timeout_ms);

#endif /* MESHVPN_SCRIPT_H */
