// SPDX-License-Identifier: GPL-2.0
/*
 * Scripts; see script.h for the contract.
 *
 * Asynchronous scripts are kept in one list in submission order, running
 * ones and queued ones alike. A queued script is "blocked" while an
 * earlier script with the same order key exists; when a script ends, the
 * next one with its key is unblocked, and every unblocked script is
 * started from the front of the list while slots are free. That keeps
 * each key in order and the whole set fair, with work linear in the list
 * per reap.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "daemon/script.h"

/* Sleeps while polling for an exit grow up to this; see poll_sleep(). */
#define POLL_MAX_NS	(16 * 1000 * 1000L)

struct job {
	struct job *next;
	char *path;
	char **envp;		/* the complete environment */
	char *key;		/* NULL: unordered */
	/* "X-up" and "X-down" of one SUBNET: "X\nSUBNET"; NULL for others */
	char *event;
	bool up;		/* the event's direction */
	pid_t pid;		/* 0 while queued */
	bool blocked;		/* an earlier job has the same key */
};

struct mv_scripts {
	struct job *head;
	struct job **tail;
	size_t n_jobs;
	size_t n_running;
	unsigned int queue_limit;	/* queued jobs per key */
	struct mv_scripts_stats stats;
	long long drop_logged;		/* ns: last drop logged */
	unsigned long long drops_unlogged;
};

const char *const mv_script_vars[MV_SCRIPT_N_VARS] = {
	[MV_SCRIPT_VAR_NETNAME] = "NETNAME",
	[MV_SCRIPT_VAR_NAME] = "NAME",
	[MV_SCRIPT_VAR_INTERFACE] = "INTERFACE",
	[MV_SCRIPT_VAR_DEVICE] = "DEVICE",
	[MV_SCRIPT_VAR_NODE] = "NODE",
	[MV_SCRIPT_VAR_REMOTEADDRESS] = "REMOTEADDRESS",
	[MV_SCRIPT_VAR_REMOTEPORT] = "REMOTEPORT",
	[MV_SCRIPT_VAR_SUBNET] = "SUBNET",
	[MV_SCRIPT_VAR_WEIGHT] = "WEIGHT",
	[MV_SCRIPT_VAR_PATH] = "PATH",
};

/* Does "KEY=VALUE" @entry set @var? */
static bool sets_var(const char *entry, enum mv_script_var var)
{
	size_t len = strlen(mv_script_vars[var]);

	return !strncmp(entry, mv_script_vars[var], len) && entry[len] == '=';
}

static void free_env(char **envp)
{
	char **e;

	if (!envp)
		return;
	for (e = envp; *e; e++)
		free(*e);
	free(envp);
}

/* @env as given, plus PATH unless it has one; NULL with errno set. */
static char **build_env(const char *const *env)
{
	bool has_path = false;
	size_t n = 0, i;
	char **envp;

	for (; env && env[n]; n++) {
		if (env[n][0] == '=' || !strchr(env[n], '=')) {
			errno = EINVAL;
			return NULL;
		}
		if (sets_var(env[n], MV_SCRIPT_VAR_PATH))
			has_path = true;
	}
	envp = calloc(n + 2, sizeof(*envp));
	if (!envp)
		return NULL;
	for (i = 0; i < n; i++) {
		envp[i] = strdup(env[i]);
		if (!envp[i])
			goto nomem;
	}
	if (!has_path &&
	    asprintf(&envp[n], "%s=%s", mv_script_vars[MV_SCRIPT_VAR_PATH],
		     MV_SCRIPT_PATH) < 0) {
		envp[n] = NULL;
		goto nomem;
	}
	return envp;
nomem:
	free_env(envp);
	errno = ENOMEM;
	return NULL;
}

/*
 * The child between fork() and exec: async-signal-safe calls only, since
 * another thread of the parent may have held a lock at fork() time.
 * Signals arrive blocked (see spawn()), so no handler of the daemon can
 * run here; they are unblocked only once every handler is reset. An exec
 * failure goes back through @err_fd, which exec closes on success.
 */
__attribute__((noreturn))
static void child(char *const *argv, char *const *sh_argv, char **envp,
		  int err_fd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int sig, fd, err;

	/* Fails for SIGKILL, SIGSTOP and libc's internal signals: fine. */
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);

	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		goto fail;
	if (fd != STDIN_FILENO) {
		if (dup2(fd, STDIN_FILENO) < 0)
			goto fail;
		close(fd);
	}
	/*
	 * Descriptors someone forgot to make close-on-exec stay ours. On a
	 * kernel without close_range() they are left alone.
	 */
	if (err_fd > STDERR_FILENO + 1)
		close_range(STDERR_FILENO + 1, (unsigned int)err_fd - 1, 0);
	close_range((unsigned int)err_fd + 1, ~0U, 0);

	execve(argv[0], argv, envp);
	/* No "#!" line: what execvp() and tinc's system() do. */
	if (errno == ENOEXEC)
		execve(sh_argv[0], sh_argv, envp);
fail:
	err = errno;
	while (write(err_fd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/*
 * Start @path; 0 with *@pid set, or -errno (*@pid untouched), exec
 * failures included: the child reports them through a close-on-exec
 * pipe, which reads empty once exec succeeded. (posix_spawn() reports
 * them too, but not under valgrind, which cannot share the memory of its
 * vfork()ed child; and it cannot reset every signal of the child.)
 */
static int spawn(const char *path, char **envp, pid_t *pid)
{
	char *argv[] = { (char *)path, NULL };
	char *sh_argv[] = { "/bin/sh", (char *)path, NULL };
	sigset_t all, old;
	int p[2], err = 0;
	ssize_t n;
	pid_t child_pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	child_pid = fork();
	if (child_pid == 0)
		child(argv, sh_argv, envp, p[1]);
	if (child_pid < 0)
		err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(p[1]);
	if (child_pid > 0) {
		do
			n = read(p[0], &err, sizeof(err));
		while (n < 0 && errno == EINTR);
		/* The child exits at once after reporting: reap it. */
		if (n == sizeof(err))
			while (waitpid(child_pid, NULL, 0) < 0 &&
			       errno == EINTR)
				;
		else
			err = 0;
	}
	close(p[0]);
	if (!err)
		*pid = child_pid;
	return -err;
}

/* Start @path and log it; 0 with *@pid set, or -errno (logged). */
static int start(const char *path, char **envp, pid_t *pid)
{
	int ret;

	mv_info(MV_LOG_STATUS, "Executing script %s", path);
	ret = spawn(path, envp, pid);
	if (ret)
		mv_err("Error executing script %s: %s", path, strerror(-ret));
	return ret;
}

/* Log how a script ended; returns its exit status as script.h says. */
static int report_status(const char *path, int status)
{
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status))
			mv_err("Script %s exited with non-zero status %d",
			       path, WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}
	mv_err("Script %s was killed by signal %d (%s)", path,
	       WTERMSIG(status), strsignal(WTERMSIG(status)));
	return 128 + WTERMSIG(status);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Sleep a little before polling again: 1 ms, doubling up to
 * POLL_MAX_NS, never past @deadline (0: none). Polling keeps waiting
 * independent of how the caller handles SIGCHLD; the cost is at most
 * POLL_MAX_NS of extra latency on the blocking paths that use it.
 */
static void poll_sleep(long *delay, long long deadline)
{
	struct timespec ts = { 0, *delay };
	long long left;

	if (deadline) {
		left = deadline - now_ns();
		if (left <= 0)
			return;
		if (left < ts.tv_nsec)
			ts.tv_nsec = (long)left;
	}
	nanosleep(&ts, NULL);
	if (*delay < POLL_MAX_NS)
		*delay *= 2;
}

static long long deadline_of(unsigned int timeout_ms)
{
	return timeout_ms ? now_ns() + timeout_ms * 1000000LL : 0;
}

/* ---- asynchronous scripts ---- */

struct mv_scripts *mv_scripts_new(void)
{
	struct mv_scripts *s = calloc(1, sizeof(*s));

	if (s) {
		s->tail = &s->head;
		s->queue_limit = MV_SCRIPTS_QUEUE_LIMIT;
	}
	return s;
}

void mv_scripts_set_queue_limit(struct mv_scripts *s, unsigned int limit)
{
	s->queue_limit = limit ? limit : 1;
}

const struct mv_scripts_stats *mv_scripts_stats(const struct mv_scripts *s)
{
	return &s->stats;
}

static void free_job(struct job *j)
{
	free(j->path);
	free_env(j->envp);
	free(j->key);
	free(j->event);
	free(j);
}

void mv_scripts_free(struct mv_scripts *s)
{
	struct job *j, *next;

	if (!s)
		return;
	for (j = s->head; j; j = next) {
		next = j->next;
		free_job(j);
	}
	free(s);
}

size_t mv_scripts_pending(const struct mv_scripts *s)
{
	return s->n_jobs;
}

static bool same_key(const struct job *a, const struct job *b)
{
	return a->key && b->key && !strcmp(a->key, b->key);
}

/*
 * Take *@link (a job that is over, or a queued one cancelled) out of the
 * list; the next with its key waits for what @j waited for: nothing
 * when @j ran.
 */
static void remove_job(struct mv_scripts *s, struct job **link)
{
	struct job *j = *link, *k;

	for (k = j->next; k; k = k->next) {
		if (same_key(j, k)) {
			k->blocked = j->blocked;
			break;
		}
	}
	*link = j->next;
	if (s->tail == &j->next)
		s->tail = link;
	if (j->pid)
		s->n_running--;
	s->n_jobs--;
	free_job(j);
}

/* Start queued jobs that may run, oldest first, while slots are free. */
static void start_ready(struct mv_scripts *s)
{
	struct job **link = &s->head, *j;

	while ((j = *link) && s->n_running < MV_SCRIPTS_MAX_RUNNING) {
		if (j->pid || j->blocked) {
			link = &j->next;
			continue;
		}
		if (start(j->path, j->envp, &j->pid)) {
			remove_job(s, link);
			continue;
		}
		s->n_running++;
		link = &j->next;
	}
}

/*
 * What @j does to the state its scripts track: "X-up" or "X-down" (X the
 * path without the suffix) of one SUBNET; false for other scripts.
 */
static bool job_event(struct job *j, const char *const *env)
{
	size_t len = strlen(j->path), stem;
	const char *subnet = "";

	if (len > 3 && !strcmp(j->path + len - 3, "-up")) {
		stem = len - 3;
		j->up = true;
	} else if (len > 5 && !strcmp(j->path + len - 5, "-down")) {
		stem = len - 5;
	} else {
		return true;
	}
	for (; env && *env; env++)
		if (!strncmp(*env, "SUBNET=", 7))
			subnet = *env + 7;
	if (asprintf(&j->event, "%.*s\n%s", (int)stem, j->path, subnet) < 0) {
		j->event = NULL;
		return false;
	}
	return true;
}

/* The last job of @j's key with @j's event, and how many of the key wait. */
static struct job **last_of_event(struct mv_scripts *s, const struct job *j,
				  size_t *queued)
{
	struct job **link, **last = NULL;

	*queued = 0;
	for (link = &s->head; *link; link = &(*link)->next) {
		if (!same_key(j, *link))
			continue;
		*queued += !(*link)->pid;
		if (j->event && (*link)->event && !strcmp(j->event, (*link)->event))
			last = link;
	}
	return last;
}

static void log_drop(struct mv_scripts *s, const struct job *j)
{
	long long now = now_ns();

	if (s->drop_logged && now - s->drop_logged < 1000000000LL) {
		s->drops_unlogged++;
		return;
	}
	mv_warn("Script queue of %s is full (ScriptQueueLimit %u): dropped %s%s",
		j->key, s->queue_limit, j->path,
		s->drops_unlogged ? " (and others since the last such line)" : "");
	s->drop_logged = now;
	s->drops_unlogged = 0;
}

int mv_scripts_run(struct mv_scripts *s, const char *path,
		   const char *const *env, const char *order_key)
{
	struct job *j, *k, **last;
	size_t queued = 0;
	int ret;

	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->path = strdup(path);
	j->key = order_key ? strdup(order_key) : NULL;
	j->envp = build_env(env);
	if (!j->envp) {
		ret = -errno;
		free_job(j);
		return ret;
	}
	if (!j->path || (order_key && !j->key) || !job_event(j, env)) {
		free_job(j);
		return -ENOMEM;
	}
	if (j->key) {
		last = last_of_event(s, j, &queued);
		if (last && !(*last)->pid && (*last)->up != j->up) {
			remove_job(s, last);
			free_job(j);
			s->stats.merged++;
			return 0;
		}
		if (queued >= s->queue_limit) {
			s->stats.dropped++;
			log_drop(s, j);
			free_job(j);
			return -ENOBUFS;
		}
	}
	for (k = s->head; k && !j->blocked; k = k->next)
		j->blocked = same_key(j, k);
	if (!j->blocked && s->n_running < MV_SCRIPTS_MAX_RUNNING) {
		ret = start(j->path, j->envp, &j->pid);
		if (ret) {
			free_job(j);
			return ret;
		}
		s->n_running++;
	}
	*s->tail = j;
	s->tail = &j->next;
	s->n_jobs++;
	return 0;
}

void mv_scripts_reap(struct mv_scripts *s)
{
	struct job **link = &s->head, *j;
	int status;
	pid_t r;

	while ((j = *link)) {
		if (!j->pid) {
			link = &j->next;
			continue;
		}
		r = waitpid(j->pid, &status, WNOHANG);
		if (r == 0 || (r < 0 && errno != ECHILD)) {
			link = &j->next;
			continue;
		}
		if (r < 0)
			mv_err("Script %s: exit status lost (SIGCHLD ignored?)",
			       j->path);
		else
			report_status(j->path, status);
		remove_job(s, link);
	}
	start_ready(s);
}

int mv_scripts_wait(struct mv_scripts *s, unsigned int timeout_ms)
{
	long long deadline = deadline_of(timeout_ms);
	long delay = 1000000;

	for (;;) {
		mv_scripts_reap(s);
		if (!s->n_jobs)
			return 0;
		if (deadline && now_ns() >= deadline)
			return -ETIMEDOUT;
		poll_sleep(&delay, deadline);
	}
}

/* ---- synchronous scripts ---- */

/*
 * Wait for @pid until @deadline; past it, kill its process group and
 * reap it. Returns 0 with *@status, -ETIMEDOUT, or -errno.
 */
static int wait_exit(pid_t pid, long long deadline, int *status)
{
	long delay = 1000000;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (deadline && now_ns() >= deadline)
			break;
		poll_sleep(&delay, deadline);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}

int mv_scripts_run_sync(const char *path, const char *const *env,
			unsigned int timeout_ms)
{
	long long deadline = deadline_of(timeout_ms);
	char **envp = build_env(env);
	int status, ret;
	pid_t pid;

	if (!envp)
		return -errno;
	ret = start(path, envp, &pid);
	free_env(envp);
	if (ret)
		return ret;
	ret = wait_exit(pid, deadline, &status);
	if (ret == -ETIMEDOUT)
		mv_err("Script %s did not finish within %u ms: killed", path,
		       timeout_ms);
	else if (ret == -ECHILD)
		mv_err("Script %s: exit status lost (SIGCHLD ignored?)", path);
	else if (!ret)
		ret = report_status(path, status);
	return ret;
}
