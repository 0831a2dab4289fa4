// SPDX-License-Identifier: GPL-2.0
/*
 * The logger; see log.h for the contract.
 *
 * Syslog is spoken directly (RFC 3164 datagrams to /dev/log) rather than
 * through syslog(3), because glibc's syslog() blocks when the syslog
 * daemon stops reading, and a VPN daemon that hangs in its logger drops
 * the whole network. The socket is not connected: a datagram sent with
 * sendto() reaches a restarted syslog daemon without any reconnection.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

#define SYSLOG_PATH	"/dev/log"

_Static_assert(MV_LOG_LINE_MAX < PIPE_BUF, "a line must be one atomic write");

static struct {
	enum mv_log_target target;
	/* The log file, or the syslog socket; -1 for stderr. */
	int fd;
	char ident[MV_LOG_IDENT_MAX];
	char path[PATH_MAX];
	/* Atomic so that another thread may change it; relaxed is enough. */
	atomic_int level;
} logger = { .target = MV_LOG_STDERR, .fd = -1 };

static int open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		      O_NOCTTY, 0640);

	return fd < 0 ? -errno : fd;
}

static int open_syslog(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	return fd < 0 ? -errno : fd;
}

int mv_log_open(const char *ident, enum mv_log_target target,
		const char *logfile)
{
	int fd = -1, old;

	if (!ident || (target == MV_LOG_FILE && !logfile))
		return -EINVAL;
	if (target == MV_LOG_FILE) {
		if (strlen(logfile) >= sizeof(logger.path))
			return -ENAMETOOLONG;
		fd = open_file(logfile);
	} else if (target == MV_LOG_SYSLOG) {
		fd = open_syslog();
	} else if (target != MV_LOG_STDERR) {
		return -EINVAL;
	}
	if (target != MV_LOG_STDERR && fd < 0)
		return fd;
	/* Load the time zone now, before a chroot or sandbox hides it. */
	tzset();
	old = logger.fd;
	logger.fd = fd;
	logger.target = target;
	snprintf(logger.ident, sizeof(logger.ident), "%s", ident);
	if (target == MV_LOG_FILE)
		strcpy(logger.path, logfile);
	if (old >= 0)
		close(old);
	return 0;
}

int mv_log_reopen(void)
{
	int fd, ret = 0;

	if (logger.target != MV_LOG_FILE)
		return 0;
	fd = open_file(logger.path);
	if (fd < 0) {
		mv_err("Cannot reopen log file %s: %s", logger.path,
		       strerror(-fd));
		return fd;
	}
	/*
	 * dup3() swaps the file under the same descriptor in one step, so a
	 * line written meanwhile (by another thread) lands in one of the two
	 * files and never on a closed descriptor.
	 */
	if (dup3(fd, logger.fd, O_CLOEXEC) < 0) {
		ret = -errno;
		mv_err("Cannot reopen log file %s: %s", logger.path,
		       strerror(errno));
	}
	close(fd);
	return ret;
}

void mv_log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
	logger.target = MV_LOG_STDERR;
	logger.ident[0] = '\0';
	logger.path[0] = '\0';
}

void mv_log_set_level(int level)
{
	atomic_store_explicit(&logger.level, level, memory_order_relaxed);
}

int mv_log_get_level(void)
{
	return atomic_load_explicit(&logger.level, memory_order_relaxed);
}

/* A line that cannot be written is lost: there is nowhere to report it. */
static void write_line(int fd, const char *line, size_t len)
{
	if (write(fd, line, len) < 0)
		return;
}

/*
 * Write a line to stderr without ever waiting for it. A socket (the
 * journal's stdout stream) takes MSG_DONTWAIT. For anything else, poll()
 * first: a pipe that reports POLLOUT has a free page, which takes a line
 * below PIPE_BUF whole; a terminal on hold (^S) does not report it.
 * Setting O_NONBLOCK instead would change the file description shared
 * with the shell that started us.
 */
static void write_stderr(const char *line, size_t len)
{
	struct pollfd pfd = { .fd = STDERR_FILENO, .events = POLLOUT };

	if (send(STDERR_FILENO, line, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0 ||
	    errno != ENOTSOCK)
		return;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT))
		write_line(STDERR_FILENO, line, len);
}

static bool send_syslog(const char *line, size_t len)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX,
				    .sun_path = SYSLOG_PATH };

	if (sendto(logger.fd, line, len, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&addr, sizeof(addr)) >= 0)
		return true;
	/* A full queue loses the line; no syslog daemon at all does not. */
	return errno == EAGAIN || errno == ENOBUFS;
}

/* Control characters would let a peer's string forge log lines. */
static void sanitize(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			s[i] = '?';
}

/*
 * Print the message after @prefix bytes of @buf (MV_LOG_LINE_MAX bytes);
 * returns the length of the line so far, leaving room for a '\n'.
 */
static size_t format_message(char *buf, size_t prefix, int saved_errno,
			     const char *fmt, va_list ap)
{
	size_t room = MV_LOG_LINE_MAX - prefix;
	int n;

	errno = saved_errno;	/* for "%m" */
	n = vsnprintf(buf + prefix, room, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room) {
		n = (int)room - 1;
		memcpy(buf + prefix + n - 3, "...", 3);
	}
	sanitize(buf + prefix, (size_t)n);
	return prefix + (size_t)n;
}

/* "<PRI>Mmm dd hh:mm:ss ident[pid]: ", months in English whatever the
 * locale, as syslog daemons parse them.
 */
static size_t syslog_prefix(char *buf, int priority, const struct tm *tm)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};

	return (size_t)snprintf(buf, MV_LOG_LINE_MAX,
				"<%d>%s %2d %02d:%02d:%02d %s[%d]: ",
				LOG_DAEMON | (priority & LOG_PRIMASK),
				months[tm->tm_mon], tm->tm_mday, tm->tm_hour,
				tm->tm_min, tm->tm_sec, logger.ident,
				(int)getpid());
}

/* "YYYY-MM-DD HH:MM:SS.mmm " and, for the log file, "ident[pid]: ". */
static size_t local_prefix(char *buf, const struct tm *tm, long nsec,
			   bool with_ident)
{
	size_t n = strftime(buf, MV_LOG_LINE_MAX, "%Y-%m-%d %H:%M:%S", tm);

	n += (size_t)snprintf(buf + n, MV_LOG_LINE_MAX - n, ".%03ld ",
			      nsec / 1000000);
	if (with_ident)
		n += (size_t)snprintf(buf + n, MV_LOG_LINE_MAX - n,
				      "%s[%d]: ", logger.ident,
				      (int)getpid());
	return n;
}

void mv_log(int level, int priority, const char *fmt, ...)
{
	int saved_errno = errno;
	enum mv_log_target target = logger.target;
	char buf[MV_LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	size_t len;
	va_list ap;

	if (level > mv_log_get_level())
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);

	if (target == MV_LOG_SYSLOG) {
		va_start(ap, fmt);
		len = format_message(buf, syslog_prefix(buf, priority, &tm),
				     saved_errno, fmt, ap);
		va_end(ap);
		if (send_syslog(buf, len))
			goto out;
		/* No syslog daemon: stderr is better than nothing. */
	}

	va_start(ap, fmt);
	len = format_message(buf, local_prefix(buf, &tm, ts.tv_nsec,
					       target == MV_LOG_FILE),
			     saved_errno, fmt, ap);
	va_end(ap);
	buf[len++] = '\n';
	if (target == MV_LOG_FILE)
		write_line(logger.fd, buf, len);
	else
		write_stderr(buf, len);
out:
	errno = saved_errno;
}
