// SPDX-License-Identifier: GPL-2.0
/*
 * Scripts run while the daemon keeps forwarding: check that they get
 * exactly tinc's environment and a clean process state, that scripts of
 * one key never overlap or reorder while other keys run alongside, that
 * failures reach the log, that a synchronous script past its timeout dies
 * with everything it started, and that no child is ever left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/log.h"
#include "daemon/script.h"

#include "test.h"

/* Generous: only reached when something hangs. */
#define WAIT_MS		20000

static char tmpdir[64];

__attribute__((format(printf, 1, 2)))
static char *tmp_path(const char *fmt, ...)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 8];
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
	return buf;
}

static void write_mode(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
}

/* An executable /bin/sh script in the temporary folder; returns its path. */
static const char *script(const char *name, const char *body)
{
	char text[4096];
	const char *path = tmp_path("%s", name);

	snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
	write_mode(path, text, 0755);
	return path;
}

/* The whole file, or "" when it does not exist; static buffer. */
static const char *slurp(const char *path)
{
	static char buf[65536];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every child was reaped: none running, no zombie. */
static bool no_children(void)
{
	int status;

	if (waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD)
		return true;
	fprintf(stderr, "  a child is left behind\n");
	return false;
}

/* The log of the calls between log_to_file() and log_contents(). */
static void log_to_file(void)
{
	unlink(tmp_path("log"));
	if (mv_log_open("test", MV_LOG_FILE, tmp_path("log")))
		abort();
	mv_log_set_level(MV_LOG_STATUS);
}

static const char *log_contents(void)
{
	mv_log_close();
	mv_log_set_level(0);
	return slurp(tmp_path("log"));
}

/* Index of line @line in @text, or -1. */
static int line_index(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p;
	int i;

	for (p = text, i = 0; *p; i++) {
		if (!strncmp(p, line, len) && p[len] == '\n')
			return i;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return -1;
}

TEST(environment_is_exactly_the_given_one)
{
	const char *s = script("env", "/usr/bin/tr '\\0' '\\n' </proc/$$/environ >\"$OUT\"");
	char out[PATH_MAX + 8], want[2 * PATH_MAX];
	const char *env[] = { out, "NODE=alice", "REMOTEADDRESS=192.0.2.1",
			      "SUBNET=10.0.0.0/8", "EMPTY=", "SPACES=a  b\tc",
			      NULL };
	const char *env_path[] = { out, "PATH=/nowhere", NULL };
	struct mv_scripts *sc = mv_scripts_new();

	setenv("MESHVPN_TEST_LEAK", "daemon only", 1);
	snprintf(out, sizeof(out), "OUT=%s", tmp_path("env.out"));
	snprintf(want, sizeof(want),
		 "%s\nNODE=alice\nREMOTEADDRESS=192.0.2.1\nSUBNET=10.0.0.0/8\n"
		 "EMPTY=\nSPACES=a  b\tc\nPATH=%s\n", out, MV_SCRIPT_PATH);
	EXPECT_EQ(mv_scripts_run_sync(s, env, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("env.out")), want);

	/* The same through the asynchronous path. */
	unlink(tmp_path("env.out"));
	EXPECT_EQ(mv_scripts_run(sc, s, env, NULL), 0);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("env.out")), want);

	/* A PATH of the caller replaces the default one. */
	snprintf(want, sizeof(want), "%s\nPATH=/nowhere\n", out);
	EXPECT_EQ(mv_scripts_run_sync(s, env_path, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("env.out")), want);

	/* No environment at all: PATH alone. */
	EXPECT_EQ(mv_scripts_run_sync(script("env_none",
		  "/usr/bin/tr '\\0' '\\n' </proc/$$/environ >\"$0.out\""),
		  NULL, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("env_none.out")),
		     "PATH=" MV_SCRIPT_PATH "\n");
	unsetenv("MESHVPN_TEST_LEAK");
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(bad_environment_refused)
{
	const char *s = script("true", "exit 0");
	const char *no_eq[] = { "NODE", NULL };
	const char *no_key[] = { "=x", NULL };
	struct mv_scripts *sc = mv_scripts_new();

	EXPECT_EQ(mv_scripts_run(sc, s, no_eq, NULL), -EINVAL);
	EXPECT_EQ(mv_scripts_run(sc, s, no_key, "k"), -EINVAL);
	EXPECT_EQ(mv_scripts_run_sync(s, no_eq, WAIT_MS), -EINVAL);
	EXPECT_EQ(mv_scripts_pending(sc), 0);
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(clean_process_state)
{
	/*
	 * The signal state is read with builtins first: dash blocks every
	 * signal while it forks a command, which that command could see.
	 */
	const char *s = script("state",
		"{ while read -r key value; do"
		"    case $key in SigBlk:|SigIgn:) echo \"$key $value\";; esac;"
		"  done </proc/$$/status;"
		"  /usr/bin/readlink /proc/$$/fd/0;"
		"  [ -e /proc/$$/fd/$LEAK ] && echo leaked || echo closed;"
		"  read -r _ _ _ _ pgid _ </proc/$$/stat;"
		"  [ \"$pgid\" -eq $$ ] && echo leader;"
		"} >\"$0.out\"");
	char leak[32];
	const char *env[] = { leak, NULL };
	unsigned long long blocked = 1, ignored = 1;
	int fd = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	sigset_t block, old;
	const char *out;
	int rest = 0;

	/* What meshvpnd does: signals blocked for its signalfd, SIGPIPE
	 * ignored. Scripts must see none of it.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGPIPE, SIG_IGN);
	snprintf(leak, sizeof(leak), "LEAK=%d", fd);
	EXPECT_EQ(mv_scripts_run_sync(s, env, WAIT_MS), 0);
	out = slurp(tmp_path("state.out"));
	EXPECT_EQ(sscanf(out, "SigBlk: %llx SigIgn: %llx %n", &blocked,
			 &ignored, &rest), 2);
	/*
	 * Signals 32 and 33 belong to glibc (threads), which will not let
	 * anyone change them: whatever our parent left there is not ours.
	 */
	ignored &= ~(3ULL << 31);
	blocked &= ~(3ULL << 31);
	EXPECT_EQ(blocked, 0);
	EXPECT_EQ(ignored, 0);
	EXPECT_STREQ(out + rest, "/dev/null\nclosed\nleader\n");
	if (*unit_failed)
		fprintf(stderr, "%s", out);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	EXPECT(no_children());
}

/*
 * Scripts that end only once the test opens the gate ($0.go exists) and,
 * given AFTER, once script AFTER has started: whether scripts run at the
 * same time shows in the order of the lines they write, whatever the
 * machine's load. A script that waits in vain gives up after about ten
 * seconds and writes "end TAG late".
 */
#define GATED_SCRIPT							\
	"echo \"start $TAG\" >>\"$0.out\"; late=; i=0;"			\
	"until [ -e \"$0.go\" ] && { [ -z \"$AFTER\" ] ||"		\
	"      /usr/bin/grep -qx \"start $AFTER\" \"$0.out\"; }; do"	\
	"  i=$((i + 1)); [ $i -gt 1000 ] && { late=' late'; break; };"	\
	"  /usr/bin/sleep 0.01;"					\
	"done; echo \"end $TAG$late\" >>\"$0.out\""

TEST(same_key_in_order_other_keys_alongside)
{
	const char *s = script("order", GATED_SCRIPT);
	/* Submission order; a1 can only end while c runs, and so on. */
	static const char *const jobs[][3] = {
		{ "TAG=a1", "AFTER=c", "a" },	{ "TAG=b1", "AFTER=a1", "b" },
		{ "TAG=a2", "AFTER=b2", "a" },	{ "TAG=c", "AFTER=", NULL },
		{ "TAG=a3", "AFTER=", "a" },	{ "TAG=b2", "AFTER=", "b" },
	};
	static const char *const lines[] = {
		"start a1", "end a1", "start a2", "end a2", "start a3",
		"end a3", "start b1", "end b1", "start b2", "end b2",
		"start c", "end c",
	};
	struct mv_scripts *sc = mv_scripts_new();
	const char *out;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(jobs); i++) {
		const char *env[] = { jobs[i][0], jobs[i][1], NULL };

		EXPECT_EQ(mv_scripts_run(sc, s, env, jobs[i][2]), 0);
	}
	/* Submitting waited for no script: none can have ended yet. */
	EXPECT(!strstr(slurp(tmp_path("order.out")), "end"));
	EXPECT_EQ(mv_scripts_pending(sc), 6);
	write_mode(tmp_path("order.go"), "", 0644);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	EXPECT_EQ(mv_scripts_pending(sc), 0);
	out = slurp(tmp_path("order.out"));

	/* Every script ran once, and none waited in vain. */
	for (i = 0, n = 0; out[i]; i++)
		n += out[i] == '\n';
	EXPECT_EQ(n, 12);
	for (i = 0; i < ARRAY_SIZE(lines); i++)
		EXPECT(line_index(out, lines[i]) >= 0);
	/* Each key strictly in order, one at a time. */
	EXPECT(line_index(out, "end a1") < line_index(out, "start a2"));
	EXPECT(line_index(out, "end a2") < line_index(out, "start a3"));
	EXPECT(line_index(out, "end b1") < line_index(out, "start b2"));
	if (*unit_failed)
		fprintf(stderr, "%s", out);
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(running_scripts_are_capped)
{
	const char *s = script("cap",
		"echo + >>\"$0.out\"; /usr/bin/sleep 0.3; echo - >>\"$0.out\"");
	struct mv_scripts *sc = mv_scripts_new();
	int i, running = 0, most = 0, starts = 0;
	const char *p;

	for (i = 0; i < MV_SCRIPTS_MAX_RUNNING + 8; i++)
		EXPECT_EQ(mv_scripts_run(sc, s, NULL, NULL), 0);
	EXPECT_EQ(mv_scripts_pending(sc), MV_SCRIPTS_MAX_RUNNING + 8);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	for (p = slurp(tmp_path("cap.out")); *p; p += 2) {
		running += *p == '+' ? 1 : -1;
		starts += *p == '+';
		if (running > most)
			most = running;
	}
	EXPECT_EQ(starts, MV_SCRIPTS_MAX_RUNNING + 8);
	EXPECT(most <= MV_SCRIPTS_MAX_RUNNING);
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(failures_are_logged)
{
	const char *fails = script("fails", "exit 3");
	const char *dies = script("dies", "kill -TERM $$");
	const char *log;
	char want[PATH_MAX + 64];
	struct mv_scripts *sc = mv_scripts_new();

	log_to_file();
	EXPECT_EQ(mv_scripts_run(sc, fails, NULL, NULL), 0);
	EXPECT_EQ(mv_scripts_run(sc, dies, NULL, NULL), 0);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	EXPECT_EQ(mv_scripts_run_sync(fails, NULL, WAIT_MS), 3);
	EXPECT_EQ(mv_scripts_run_sync(dies, NULL, WAIT_MS), 128 + SIGTERM);
	log = log_contents();

	snprintf(want, sizeof(want), "test[%d]: Executing script %s\n",
		 (int)getpid(), fails);
	EXPECT(strstr(log, want));
	snprintf(want, sizeof(want),
		 "test[%d]: Script %s exited with non-zero status 3\n",
		 (int)getpid(), fails);
	EXPECT(strstr(log, want));
	snprintf(want, sizeof(want),
		 "Script %s was killed by signal %d (Terminated)\n",
		 dies, SIGTERM);
	EXPECT(strstr(log, want));
	if (*unit_failed)
		fprintf(stderr, "%s", log);
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(missing_or_unusable_script)
{
	const char *missing = tmp_path("no-such-script");
	const char *plain = tmp_path("not-executable");
	const char *log;
	struct mv_scripts *sc = mv_scripts_new();

	write_mode(plain, "#!/bin/sh\nexit 0\n", 0644);
	log_to_file();
	EXPECT_EQ(mv_scripts_run(sc, missing, NULL, NULL), -ENOENT);
	EXPECT_EQ(mv_scripts_run(sc, plain, NULL, "k"), -EACCES);
	EXPECT_EQ(mv_scripts_run_sync(missing, NULL, WAIT_MS), -ENOENT);
	EXPECT_EQ(mv_scripts_pending(sc), 0);
	log = log_contents();
	EXPECT(strstr(log, "Error executing script"));
	EXPECT(strstr(log, "No such file or directory"));
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(queued_script_that_cannot_start_is_skipped)
{
	const char *slow = script("slow", "/usr/bin/sleep 0.2");
	const char *after = script("after", "echo ran >\"$0.out\"");
	struct mv_scripts *sc = mv_scripts_new();

	log_to_file();
	EXPECT_EQ(mv_scripts_run(sc, slow, NULL, "k"), 0);
	/* Queued behind "slow": the error shows when its turn comes. */
	EXPECT_EQ(mv_scripts_run(sc, tmp_path("gone"), NULL, "k"), 0);
	EXPECT_EQ(mv_scripts_run(sc, after, NULL, "k"), 0);
	EXPECT_EQ(mv_scripts_pending(sc), 3);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	EXPECT(strstr(log_contents(), "Error executing script"));
	EXPECT_STREQ(slurp(tmp_path("after.out")), "ran\n");
	mv_scripts_free(sc);
	EXPECT(no_children());
}

TEST(script_without_interpreter_line)
{
	const char *path = tmp_path("nohashbang");
	char want[PATH_MAX + 2];

	write_mode(path, "echo \"$0\" >\"$0.out\"\n", 0755);
	snprintf(want, sizeof(want), "%s\n", path);
	EXPECT_EQ(mv_scripts_run_sync(path, NULL, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("nohashbang.out")), want);
	EXPECT(no_children());
}

/* /proc/PID/stat state, or 0 once the process is gone. */
static char proc_state(int pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : 0;
}

TEST(sync_timeout_kills_the_script_and_its_children)
{
	const char *s = script("hang",
		"/usr/bin/sleep 60 & echo \"$$ $!\" >\"$0.out\"; wait");
	int shell = 0, sleeper = 0, i;
	double t0 = now(), took;
	char st = 'R';

	log_to_file();
	EXPECT_EQ(mv_scripts_run_sync(s, NULL, 500), -ETIMEDOUT);
	took = now() - t0;
	EXPECT(strstr(log_contents(), "did not finish within 500 ms: killed"));
	EXPECT(took >= 0.45 && took < 5);
	EXPECT_EQ(sscanf(slurp(tmp_path("hang.out")), "%d %d", &shell,
			 &sleeper), 2);
	/* The script was reaped by us; its child goes to init. */
	EXPECT(shell > 0 && proc_state(shell) == 0);
	for (i = 0; i < 200; i++) {
		st = proc_state(sleeper);
		if (st == 0 || st == 'Z')
			break;
		usleep(10000);
	}
	EXPECT(sleeper > 0 && (st == 0 || st == 'Z'));
	EXPECT(no_children());

	/* Without a timeout, and within one, the status comes back. */
	log_to_file();
	EXPECT_EQ(mv_scripts_run_sync(script("quick", "exit 7"), NULL, 0), 7);
	log_contents();
	EXPECT_EQ(mv_scripts_run_sync(script("quick", "exit 0"), NULL,
				      WAIT_MS), 0);
	EXPECT(no_children());
}

TEST(wait_times_out_and_free_stops_tracking)
{
	const char *s = script("sleepy", "/usr/bin/sleep 0.3");
	struct mv_scripts *sc = mv_scripts_new();
	int status;

	EXPECT_EQ(mv_scripts_run(sc, s, NULL, "k"), 0);
	EXPECT_EQ(mv_scripts_run(sc, s, NULL, "k"), 0);
	EXPECT_EQ(mv_scripts_wait(sc, 50), -ETIMEDOUT);
	EXPECT_EQ(mv_scripts_pending(sc), 2);
	/* The queued one is dropped, the running one left alone. */
	mv_scripts_free(sc);
	mv_scripts_free(NULL);
	EXPECT(waitpid(-1, &status, 0) > 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(no_children());
}

/*
 * A peer flapping its subnets: while a script of its key runs, a queued
 * subnet-up and a later subnet-down of the same subnet cancel out, as do
 * host-down and host-up; other subnets and a running script are kept.
 */
TEST(queued_up_and_down_pairs_merge)
{
	const char *gate = script("gate", "until [ -e \"$0.go\" ]; do /usr/bin/sleep 0.01; done");
	const char *up = script("subnet-up", "echo \"up $SUBNET\" >>\"$0.out\"");
	const char *down = script("subnet-down", "echo \"down $SUBNET\" >>\"$0.out\"");
	const char *hup = script("host-up", "echo \"host up\" >>\"$0.out\"");
	const char *hdown = script("host-down", "echo \"host down\" >>\"$0.out\"");
	const char *a[] = { "SUBNET=10.0.0.1/32", NULL };
	const char *b[] = { "SUBNET=10.0.0.2/32", NULL };
	struct mv_scripts *sc = mv_scripts_new();
	const char *out;
	int i;

	EXPECT_EQ(mv_scripts_run(sc, gate, NULL, "n"), 0);
	for (i = 0; i < 10; i++) {
		EXPECT_EQ(mv_scripts_run(sc, up, a, "n"), 0);
		EXPECT_EQ(mv_scripts_run(sc, down, a, "n"), 0);
	}
	EXPECT_EQ(mv_scripts_run(sc, up, b, "n"), 0);
	EXPECT_EQ(mv_scripts_run(sc, hdown, NULL, "n"), 0);
	EXPECT_EQ(mv_scripts_run(sc, hup, NULL, "n"), 0);
	/* Another key's pair is its own business. */
	EXPECT_EQ(mv_scripts_run(sc, up, a, "m"), 0);
	EXPECT_EQ(mv_scripts_stats(sc)->merged, 11);
	EXPECT_EQ(mv_scripts_pending(sc), 3);
	write_mode(tmp_path("gate.go"), "", 0644);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	out = slurp(tmp_path("subnet-up.out"));
	/* b's up for n, a's for m, in either order; nothing else. */
	EXPECT(strstr(out, "up 10.0.0.2/32\n") && strstr(out, "up 10.0.0.1/32\n"));
	EXPECT_EQ(strlen(out), 2 * strlen("up 10.0.0.x/32\n"));
	EXPECT_STREQ(slurp(tmp_path("subnet-down.out")), "");
	EXPECT_STREQ(slurp(tmp_path("host-up.out")), "");
	EXPECT_STREQ(slurp(tmp_path("host-down.out")), "");
	EXPECT_EQ(mv_scripts_stats(sc)->dropped, 0);
	mv_scripts_free(sc);
	EXPECT(no_children());
}

/* Past the queue limit of a key, new scripts are dropped, counted, logged. */
TEST(queue_per_key_is_bounded)
{
	const char *gate = script("gate2", "until [ -e \"$0.go\" ]; do /usr/bin/sleep 0.01; done");
	const char *up = script("b-subnet-up", "echo \"$SUBNET\" >>\"$0.out\"");
	struct mv_scripts *sc = mv_scripts_new();
	char subnet[8][32];
	int i;

	mv_scripts_set_queue_limit(sc, 3);
	log_to_file();
	EXPECT_EQ(mv_scripts_run(sc, gate, NULL, "n"), 0);
	for (i = 0; i < 8; i++) {
		const char *env[] = { subnet[i], NULL };

		snprintf(subnet[i], sizeof(subnet[i]), "SUBNET=10.0.0.%d/32", i);
		EXPECT_EQ(mv_scripts_run(sc, up, env, "n"), i < 3 ? 0 : -ENOBUFS);
	}
	/* Other keys have their own room. */
	EXPECT_EQ(mv_scripts_run(sc, up, NULL, "m"), 0);
	EXPECT_EQ(mv_scripts_stats(sc)->dropped, 5);
	EXPECT(strstr(log_contents(),
		      "Script queue of n is full (ScriptQueueLimit 3): dropped "));
	write_mode(tmp_path("gate2.go"), "", 0644);
	EXPECT_EQ(mv_scripts_wait(sc, WAIT_MS), 0);
	EXPECT_STREQ(slurp(tmp_path("b-subnet-up.out")),
		     "\n10.0.0.0/32\n10.0.0.1/32\n10.0.0.2/32\n");
	mv_scripts_free(sc);
	EXPECT(no_children());
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

__attribute__((constructor(101))) static void make_tmpdir(void)
{
	/*
	 * Nothing may sit in stdout's buffer when a script is forked: under
	 * valgrind, a child that fails to exec flushes it at _exit().
	 */
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/meshvpn-test-script.XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
}

__attribute__((destructor)) static void remove_tmpdir(void)
{
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TEST_MAIN()
