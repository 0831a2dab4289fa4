// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn tool's commands on a running meshvpnd: dump, info, stop,
 * reload, restart, retry, debug and purge, sent over the daemon's control socket
 * as one line of text each (Documentation/control.md). The daemon formats
 * the answer; the tool checks the request, finds the socket, and copies
 * the answer to the terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "args.h"
#include "ctl.h"
#include "lib/array.h"

/* Where the default pid file, and so the socket, lives. */
#ifndef MV_RUNSTATEDIR
#define MV_RUNSTATEDIR		"/run"
#endif

/* Longest request line, its '\n' included (control.md). */
#define MV_CTL_REQUEST_MAX	1024
/* Longest first line of an answer, "OK" or "ERROR message". */
#define MV_CTL_STATUS_MAX	4096
/* The daemon answers at once; a silent one is stuck, not busy. */
#define MV_CTL_TIMEOUT_S	30
/*
 * A restart answers once the new daemon is ready: after the old one's
 * scripts (up to 30 s) and the new one's up script (as long again).
 */
#define MV_CTL_RESTART_TIMEOUT_S	90
/* tinc's debug levels go up to 10 (everything, keys included). */
#define MV_CTL_DEBUG_MAX	10

/* ---- usage ---- */

static const struct mv_usage usages[] = {
	{ "dump", "dump nodes|edges|subnets|connections|stats [--json]\n" },
	{ "info", "info NODE [--json]\n" },
	{ "debug", "debug LEVEL\n" },
	{ "reload", "reload\n" },
	{ "restart", "restart\n" },
	{ "retry", "retry\n" },
	{ "purge", "purge\n" },
	{ "stop", "stop\n" },
};

#define CTL_OPTIONS "[-n NET | -c DIR] [--pidfile FILE] [--control PATH] "

bool mv_ctl_is_command(const char *cmd)
{
	return mv_find_usage(usages, ARRAY_SIZE(usages), cmd) != NULL;
}

void mv_ctl_usage(FILE *f, const char *cmd)
{
	if (cmd) {
		mv_print_usage(f, usages, ARRAY_SIZE(usages), cmd,
			       "Usage: meshvpn " CTL_OPTIONS,
			       "       meshvpn " CTL_OPTIONS);
		return;
	}
	fputs("\nCommands to a running meshvpnd, over its control socket:\n\n", f);
	mv_print_usages(f, usages, ARRAY_SIZE(usages), "       meshvpn [OPTIONS] ");
	fputs("\nOPTIONS select the daemon. Its socket is --control PATH, or its pid\n"
	      "file with .pid replaced by .socket: --pidfile FILE, or "
	      MV_RUNSTATEDIR "/meshvpn.NET.pid\n"
	      "for -n NET (or $NETNAME), or " MV_RUNSTATEDIR "/meshvpn.pid. "
	      "-c DIR does not change it.\n", f);
}

/* ---- requests ---- */

struct ctl {
	const char *name;	/* the command, in messages */
	bool json;
	unsigned int timeout_s;	/* for the answer; 0: MV_CTL_TIMEOUT_S */
	char request[MV_CTL_REQUEST_MAX];
	size_t len;		/* without the '\n' */
};

/* Report a usage error of command @c (a struct ctl); returns 2. */
#define usage_error(c, ...) \
	mv_usage_error(mv_ctl_usage, (c)->name, (c)->name, __VA_ARGS__)

/* Append a word; false if the line would be too long. */
static bool add_word(struct ctl *c, const char *word)
{
	size_t n = strlen(word), sep = c->len ? 1 : 0;

	/* Room must remain for the '\n'. */
	if (c->len + sep + n + 1 > sizeof(c->request))
		return false;
	if (c->len)
		c->request[c->len++] = ' ';
	memcpy(c->request + c->len, word, n);
	c->len += n;
	return true;
}

/* tinc's rule for node names, which meshvpnd shares. */
static bool valid_node_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* ---- the socket ---- */

/*
 * The control socket of the daemon @opts select (control.md): --control,
 * else the pid file (--pidfile, else from the netname) with ".pid"
 * replaced by ".socket", as tinc 1.1 derives its socket. Returns 0, or 2
 * after a usage message.
 */
static int socket_path(const struct ctl *c, const struct mv_opts *opts,
		       char *buf, size_t len)
{
	const char *net = opts->netname ? opts->netname : getenv("NETNAME");
	size_t n;

	if (opts->control) {
		snprintf(buf, len, "%s", opts->control);
		return 0;
	}
	/* As tinc: an empty netname or "." is none. */
	if (net && (!*net || !strcmp(net, ".")))
		net = NULL;
	if (net && (strpbrk(net, "/\\") || net[0] == '.'))
		return usage_error(c, "invalid netname \"%.64s\"", net);
	if (opts->pidfile)
		n = (size_t)snprintf(buf, len, "%s", opts->pidfile);
	else if (net)
		n = (size_t)snprintf(buf, len, MV_RUNSTATEDIR "/meshvpn.%s.pid",
				     net);
	else
		n = (size_t)snprintf(buf, len, MV_RUNSTATEDIR "/meshvpn.pid");
	if (n > 4 && n < len && !strcmp(buf + n - 4, ".pid"))
		n -= 4;
	if (n < len)
		snprintf(buf + n, len - n, ".socket");
	return 0;
}

/* Report a failed exchange with the daemon; returns 1. */
static int io_error(const char *path, int err, unsigned int timeout_s)
{
	if (err == EAGAIN)
		fprintf(stderr, "meshvpn: meshvpnd at %s did not answer within %u s\n",
			path, timeout_s);
	else
		fprintf(stderr, "meshvpn: talking to meshvpnd at %s: %s\n",
			path, strerror(err));
	return 1;
}

static int connect_daemon(const char *path)
{
	struct timeval tv = { .tv_sec = MV_CTL_TIMEOUT_S };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "meshvpn: control socket path too long: %s\n",
			path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("meshvpn: socket");
		return -1;
	}
	/* The send timeout also bounds connect() to a full backlog. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == ENOENT || err == ECONNREFUSED)
		fprintf(stderr, "meshvpn: cannot reach meshvpnd at %s: %s (is it running?)\n",
			path, strerror(err));
	else if (err == EACCES)
		fprintf(stderr, "meshvpn: cannot reach meshvpnd at %s: %s (needs root?)\n",
			path, strerror(err));
	else if (err == EAGAIN)
		io_error(path, err, MV_CTL_TIMEOUT_S);
	else
		fprintf(stderr, "meshvpn: cannot reach meshvpnd at %s: %s\n",
			path, strerror(err));
	return -1;
}

static ssize_t read_some(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Read the status line, then copy the body as it comes: to stdout after
 * "OK", to stderr after "ERROR message". Returns the exit status.
 */
static int read_answer(int fd, const char *path, unsigned int timeout_s)
{
	char buf[MV_CTL_STATUS_MAX];
	size_t len = 0, line;
	bool ok;
	FILE *out;
	char *nl;
	ssize_t n;

	for (;;) {
		nl = memchr(buf, '\n', len);
		if (nl)
			break;
		if (len == sizeof(buf)) {
			fprintf(stderr, "meshvpn: meshvpnd at %s sent a malformed answer\n",
				path);
			return 1;
		}
		n = read_some(fd, buf + len, sizeof(buf) - len);
		if (n < 0)
			return io_error(path, errno, timeout_s);
		if (n == 0) {
			fprintf(stderr, "meshvpn: meshvpnd at %s closed the connection without %s answer\n",
				path, len ? "a complete" : "an");
			return 1;
		}
		len += (size_t)n;
	}
	*nl = '\0';
	line = (size_t)(nl - buf) + 1;
	ok = !strcmp(buf, "OK");
	if (ok) {
		out = stdout;
	} else if (!strcmp(buf, "ERROR") || !strncmp(buf, "ERROR ", 6)) {
		fprintf(stderr, "meshvpn: %s\n",
			buf[5] ? buf + 6 : "meshvpnd reported an error");
		out = stderr;
	} else {
		fprintf(stderr, "meshvpn: meshvpnd at %s sent a malformed answer: \"%.80s\"\n",
			path, buf);
		return 1;
	}
	fwrite(buf + line, 1, len - line, out);
	while ((n = read_some(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	if (n < 0)
		return io_error(path, errno, timeout_s);
	return ok ? 0 : 1;
}

/* Send the request of @c and print the answer; returns the exit status. */
static int send_request(struct ctl *c, const struct mv_opts *opts)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 64];
	size_t off = 0;
	ssize_t n;
	int fd, ret;

	if (c->json && !add_word(c, "json"))
		return usage_error(c, "request too long");
	c->request[c->len++] = '\n';
	ret = socket_path(c, opts, path, sizeof(path));
	if (ret)
		return ret;
	fd = connect_daemon(path);
	if (fd < 0)
		return 1;
	/*
	 * One line, then only reading: no shutdown(SHUT_WR), which a daemon
	 * could take for the client going away before it answered.
	 */
	while (off < c->len) {
		n = send(fd, c->request + off, c->len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = io_error(path, errno, MV_CTL_TIMEOUT_S);
			close(fd);
			return ret;
		}
		off += (size_t)n;
	}
	if (c->timeout_s)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO,
			   &(struct timeval){ .tv_sec = c->timeout_s },
			   sizeof(struct timeval));
	ret = read_answer(fd, path, c->timeout_s ? c->timeout_s : MV_CTL_TIMEOUT_S);
	close(fd);
	return ret;
}

/* ---- commands ---- */

/* A command of fixed words only: stop, reload, retry, purge. */
static int simple(const struct mv_opts *opts, const char *name, int argc,
		  char **argv)
{
	struct ctl c = { .name = name, .json = opts->json };

	mv_strip_json(&c.json, &argc, argv);
	if (argc)
		return usage_error(&c, "unexpected argument \"%.64s\"", argv[0]);
	add_word(&c, name);
	return send_request(&c, opts);
}

int mv_cmd_dump(const struct mv_opts *opts, int argc, char **argv)
{
	static const char *const what[] = {
		"nodes", "edges", "subnets", "connections", "stats",
	};
	struct ctl c = { .name = "dump", .json = opts->json };
	size_t i;

	mv_strip_json(&c.json, &argc, argv);
	if (argc != 1)
		return usage_error(&c, argc ? "too many arguments" :
				   "what to dump?");
	for (i = 0; i < ARRAY_SIZE(what); i++)
		if (!strcmp(argv[0], what[i]))
			break;
	if (i == ARRAY_SIZE(what))
		return usage_error(&c, "cannot dump \"%.64s\"", argv[0]);
	add_word(&c, "dump");
	add_word(&c, what[i]);
	return send_request(&c, opts);
}

int mv_cmd_info(const struct mv_opts *opts, int argc, char **argv)
{
	struct ctl c = { .name = "info", .json = opts->json };

	mv_strip_json(&c.json, &argc, argv);
	if (argc != 1)
		return usage_error(&c, argc ? "too many arguments" :
				   "missing NODE");
	if (!valid_node_name(argv[0]))
		return usage_error(&c, "invalid node name \"%.64s\": letters, digits and '_' only",
				   argv[0]);
	if (!add_word(&c, "info") || !add_word(&c, argv[0]))
		return usage_error(&c, "node name too long");
	return send_request(&c, opts);
}

int mv_cmd_debug(const struct mv_opts *opts, int argc, char **argv)
{
	struct ctl c = { .name = "debug", .json = opts->json };
	char err[MV_ARG_ERRLEN], word[8];
	uint64_t level;

	mv_strip_json(&c.json, &argc, argv);
	if (argc != 1)
		return usage_error(&c, argc ? "too many arguments" :
				   "missing LEVEL");
	if (mv_parse_uint(argv[0], MV_CTL_DEBUG_MAX, &level, err, sizeof(err)))
		return usage_error(&c, "invalid level: %s", err);
	/* The number as the daemon parses it: "007" goes out as "7". */
	snprintf(word, sizeof(word), "%u", (unsigned int)level);
	add_word(&c, "debug");
	add_word(&c, word);
	return send_request(&c, opts);
}

int mv_cmd_stop(const struct mv_opts *opts, int argc, char **argv)
{
	return simple(opts, "stop", argc, argv);
}

int mv_cmd_reload(const struct mv_opts *opts, int argc, char **argv)
{
	return simple(opts, "reload", argc, argv);
}

/*
 * The daemon runs itself again in place; the answer comes from the new
 * one once it is ready, or the connection closes without one.
 */
int mv_cmd_restart(const struct mv_opts *opts, int argc, char **argv)
{
	struct ctl c = {
		.name = "restart", .json = opts->json,
		.timeout_s = MV_CTL_RESTART_TIMEOUT_S,
	};

	mv_strip_json(&c.json, &argc, argv);
	if (argc)
		return usage_error(&c, "unexpected argument \"%.64s\"", argv[0]);
	add_word(&c, "restart");
	return send_request(&c, opts);
}

int mv_cmd_retry(const struct mv_opts *opts, int argc, char **argv)
{
	return simple(opts, "retry", argc, argv);
}

int mv_cmd_purge(const struct mv_opts *opts, int argc, char **argv)
{
	return simple(opts, "purge", argc, argv);
}
