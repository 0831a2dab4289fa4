// SPDX-License-Identifier: GPL-2.0
/*
 * The logger: line formats of each target, debug levels, errno kept,
 * long and hostile messages, log rotation, and above all that a stuck
 * log reader never blocks the daemon. Syslog is checked as root in a
 * private mount namespace with our own /dev/log.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"

#include "test.h"

static char tmpdir[64];
static char logfile[128];

static const char *slurp(const char *path)
{
	static char buf[16384];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* "YYYY-MM-DD HH:MM:SS.mmm " at @s, as mv_log() writes it. */
static bool is_timestamp(const char *s)
{
	static const char pattern[] = "dddd-dd-dd dd:dd:dd.ddd ";
	size_t i;

	for (i = 0; pattern[i]; i++) {
		if (pattern[i] == 'd' ? s[i] < '0' || s[i] > '9' :
					s[i] != pattern[i])
			return false;
	}
	return true;
}

static void open_logfile(void)
{
	unlink(logfile);
	if (mv_log_open("meshvpnd.test", MV_LOG_FILE, logfile))
		abort();
}

/* Redirect stderr to @fd; returns the saved stderr for restore_stderr(). */
static int redirect_stderr(int fd)
{
	int saved = dup(STDERR_FILENO);

	dup2(fd, STDERR_FILENO);
	return saved;
}

static void restore_stderr(int saved)
{
	dup2(saved, STDERR_FILENO);
	close(saved);
}

TEST(file_format)
{
	char want[128];
	const char *text;

	open_logfile();
	mv_err("hello %d", 42);
	mv_log_close();
	text = slurp(logfile);
	EXPECT(is_timestamp(text));
	snprintf(want, sizeof(want), "meshvpnd.test[%d]: hello 42\n",
		 (int)getpid());
	EXPECT_STREQ(text + 24, want);
}

TEST(stderr_format)
{
	int p[2], saved;
	char buf[256] = "";
	ssize_t n;

	EXPECT_EQ(pipe(p), 0);
	saved = redirect_stderr(p[1]);
	mv_warn("before any open");
	EXPECT_EQ(mv_log_open("meshvpnd", MV_LOG_STDERR, NULL), 0);
	mv_notice("after open");
	mv_log_close();
	restore_stderr(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	EXPECT_EQ(n, 2 * 24 + 16 + 11);
	EXPECT(is_timestamp(buf));
	EXPECT(!strncmp(buf + 24, "before any open\n", 16));
	EXPECT(is_timestamp(buf + 40));
	EXPECT(!strncmp(buf + 64, "after open\n", 11));
}

TEST(levels)
{
	const char *text;

	open_logfile();
	EXPECT_EQ(mv_log_get_level(), 0);
	mv_info(1, "hidden at level 0");
	mv_log_set_level(MV_LOG_STATUS);
	EXPECT_EQ(mv_log_get_level(), 2);
	mv_info(MV_LOG_STATUS, "status");
	mv_debug(MV_LOG_PROTOCOL, "protocol hidden");
	mv_log_set_level(MV_LOG_TRAFFIC);
	mv_debug(MV_LOG_TRAFFIC, "traffic");
	mv_log_set_level(0);
	mv_err("error");
	mv_log_close();
	text = slurp(logfile);
	EXPECT(!strstr(text, "hidden"));
	EXPECT(strstr(text, ": status\n"));
	EXPECT(strstr(text, ": traffic\n"));
	EXPECT(strstr(text, ": error\n"));
}

TEST(errno_preserved)
{
	char want[64];

	open_logfile();
	errno = EAGAIN;
	mv_err("failed: %m");
	EXPECT_EQ(errno, EAGAIN);
	errno = ENOENT;
	mv_info(3, "filtered");
	EXPECT_EQ(errno, ENOENT);
	mv_log_close();
	snprintf(want, sizeof(want), ": failed: %s\n", strerror(EAGAIN));
	EXPECT(strstr(slurp(logfile), want));
}

TEST(long_and_hostile_messages)
{
	static char big[3 * MV_LOG_LINE_MAX];
	const char *text;

	memset(big, 'x', sizeof(big) - 1);
	open_logfile();
	mv_err("%s", big);
	mv_err("forged\n2025-01-01 00:00:00.000 line\r\x1b[2J\tend");
	mv_log_close();
	text = slurp(logfile);
	EXPECT_EQ(strchr(text, '\n') - text + 1, MV_LOG_LINE_MAX);
	EXPECT(!strncmp(strchr(text, '\n') - 4, "x...\n", 5));
	EXPECT(strstr(text, ": forged?2025-01-01 00:00:00.000 line??[2J\tend\n"));
}

TEST(reopen_after_rotation)
{
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", logfile);
	open_logfile();
	mv_err("first");
	EXPECT_EQ(rename(logfile, rotated), 0);
	mv_err("second");
	EXPECT_EQ(mv_log_reopen(), 0);
	mv_err("third");
	mv_log_close();
	EXPECT(strstr(slurp(rotated), ": first\n"));
	EXPECT(strstr(slurp(rotated), ": second\n"));
	EXPECT(!strstr(slurp(rotated), "third"));
	EXPECT(strstr(slurp(logfile), ": third\n"));
	EXPECT(!strstr(slurp(logfile), "second"));

	/* Without a file target there is nothing to reopen. */
	EXPECT_EQ(mv_log_reopen(), 0);
}

TEST(open_errors)
{
	int p[2], saved;
	char buf[256] = "";

	EXPECT_EQ(mv_log_open("x", MV_LOG_FILE, NULL), -EINVAL);
	EXPECT_EQ(mv_log_open(NULL, MV_LOG_STDERR, NULL), -EINVAL);
	EXPECT_EQ(mv_log_open("x", MV_LOG_FILE, "/nonexistent/dir/log"),
		  -ENOENT);
	/* The failed open kept stderr. */
	EXPECT_EQ(pipe(p), 0);
	saved = redirect_stderr(p[1]);
	mv_err("still here");
	restore_stderr(saved);
	close(p[1]);
	EXPECT(read(p[0], buf, sizeof(buf) - 1) > 0);
	close(p[0]);
	EXPECT(strstr(buf, " still here\n"));
}

static void alarm_handler(int sig)
{
	static const char msg[] = "  mv_log() blocked\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

/* Fill @fd (made non-blocking meanwhile) until it takes no more. */
static void fill(int fd)
{
	static const char junk[4096];
	int flags = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (write(fd, junk, sizeof(junk)) > 0 ||
	       write(fd, junk, 1) > 0)
		;
	fcntl(fd, F_SETFL, flags);
}

TEST(stuck_reader_never_blocks)
{
	int p[2], sv[2], saved, i;

	signal(SIGALRM, alarm_handler);
	alarm(10);

	/* A pipe nobody reads (a blocking one: the shell's, say). */
	EXPECT_EQ(pipe(p), 0);
	fill(p[1]);
	saved = redirect_stderr(p[1]);
	for (i = 0; i < 100; i++)
		mv_err("lost %d", i);
	restore_stderr(saved);
	close(p[0]);
	close(p[1]);

	/* A stream socket nobody reads (the journal's stdout). */
	EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fill(sv[1]);
	saved = redirect_stderr(sv[1]);
	for (i = 0; i < 100; i++)
		mv_err("lost %d", i);
	restore_stderr(saved);
	close(sv[0]);
	close(sv[1]);

	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/*
 * Syslog, in a child with a private /dev: our own /dev/log, a stuck
 * one, and none at all (stderr then).
 */
static void syslog_child(bool *unit_failed)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX,
				    .sun_path = "/dev/log" };
	char buf[512] = "", want[128];
	int fd, i, p[2], saved;
	ssize_t n;

	EXPECT_EQ(mount("none", "/dev", "tmpfs", 0, NULL), 0);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	EXPECT_EQ(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);

	EXPECT_EQ(mv_log_open("meshvpnd.net", MV_LOG_SYSLOG, NULL), 0);
	mv_warn("to syslog %d", 1);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	EXPECT(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	/* "<28>Mmm dd hh:mm:ss ident[pid]: message", LOG_DAEMON|LOG_WARNING */
	EXPECT(!strncmp(buf, "<28>", 4));
	EXPECT(buf[7] == ' ' && buf[10] == ' ' && buf[13] == ':' &&
	       buf[16] == ':' && buf[19] == ' ');
	snprintf(want, sizeof(want), "meshvpnd.net[%d]: to syslog 1",
		 (int)getpid());
	EXPECT_STREQ(buf + 20, want);

	/* A syslog daemon that stopped reading loses lines, at once. */
	alarm(10);
	for (i = 0; i < 10000; i++)
		mv_err("flood %d", i);
	alarm(0);

	/* None at all: stderr. */
	close(fd);
	unlink("/dev/log");
	EXPECT_EQ(pipe(p), 0);
	saved = redirect_stderr(p[1]);
	mv_err("no syslogd");
	restore_stderr(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(p[0]);
	EXPECT(is_timestamp(buf));
	EXPECT_STREQ(buf + 24, "no syslogd\n");
	mv_log_close();
}

TEST(syslog)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "  skipped: needs root for a private /dev\n");
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL))
			_exit(77);
		signal(SIGALRM, alarm_handler);
		syslog_child(unit_failed);
		fflush(NULL);
		_exit(*unit_failed ? 1 : 0);
	}
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		fprintf(stderr, "  skipped: no mount namespace\n");
		return;
	}
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

__attribute__((constructor(101))) static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/meshvpn-test-log.XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(logfile, sizeof(logfile), "%s/log", tmpdir);
}

__attribute__((destructor)) static void remove_tmpdir(void)
{
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", logfile);
	unlink(rotated);
	unlink(logfile);
	rmdir(tmpdir);
}

TEST_MAIN()
