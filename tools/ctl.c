// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn tool's commands on a running meshvpnd: dump, info, stop,
 * reload, restart, retry, debug and purge, sent over the daemon's control socket
 * as one line of text each (Documentation/control.md). The daemon formats
 * the answer; the tool checks the request, finds the socket, and copies
 * the answer to the terminal.
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "args.h"
#include "config/name.h"
#include "ctl.h"
#include "lib/array.h"
#include "lib/subnet.h"

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
	{ "dump", "dump nodes|edges|subnets|connections|stats [--json]\n"
		  "dump graph\n" },
	{ "status", "status [--json]\n" },
	{ "info", "info NODE|ADDRESS|SUBNET [--json]\n" },
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
	const char *new_level;	/* debug: the level asked for */
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
/*
 * `debug N` answers the previous level: say both, as "debug level OLD ->
 * NEW" (an answer without a body, from an older daemon: the new one only).
 */
static void print_levels(const char *body, size_t len, const char *new_level)
{
	while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
		len--;
	if (len)
		printf("debug level %.*s -> %s\n", (int)len, body, new_level);
	else
		printf("debug level %s\n", new_level);
}

static int read_answer(int fd, const char *path, unsigned int timeout_s,
		       const char *new_level)
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
	if (ok && new_level) {
		/* A level and a newline: it fits in what is left of buf. */
		memmove(buf, buf + line, len - line);
		len -= line;
		while (len < sizeof(buf) &&
		       (n = read_some(fd, buf + len, sizeof(buf) - len)) > 0)
			len += (size_t)n;
		print_levels(buf, len, new_level);
		return 0;
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
	ret = read_answer(fd, path, c->timeout_s ? c->timeout_s : MV_CTL_TIMEOUT_S,
			  c->new_level);
	close(fd);
	return ret;
}

/* ---- what the other commands ask of every daemon ---- */

/* Short: a daemon that does not answer at once is skipped, not waited for. */
#define MV_CTL_PROBE_TIMEOUT_MS	1000

/* @request's answer body from the daemon at @path; false if none. */
static bool query_quietly(const char *path, const char *request, char *body,
			  size_t len)
{
	struct timeval tv = { .tv_usec = MV_CTL_PROBE_TIMEOUT_MS * 1000 };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t got = 0;
	ssize_t n;
	char *nl;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path) || len < 2)
		return false;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    send(fd, request, strlen(request), MSG_NOSIGNAL) < 0) {
		close(fd);
		return false;
	}
	while (got < len - 1 && (n = read_some(fd, body + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	body[got] = '\0';
	if (strncmp(body, "OK\n", 3))
		return false;
	memmove(body, body + 3, got - 2);
	nl = strchr(body, '\n');
	if (nl)
		*nl = '\0';
	return true;
}

void mv_ctl_each_daemon(void (*fn)(void *ctx, const char *socket,
				   const char *dataplane, const char *ifname),
			void *ctx)
{
	char body[128], *sp;
	glob_t g;
	size_t i;

	if (glob(MV_RUNSTATEDIR "/meshvpn*.socket", 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		if (!query_quietly(g.gl_pathv[i], "dataplane\n", body, sizeof(body)))
			continue;
		sp = strchr(body, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		fn(ctx, g.gl_pathv[i], body, sp + 1);
	}
	globfree(&g);
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
		"nodes", "edges", "subnets", "connections", "stats", "graph",
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
	if (c.json && !strcmp(what[i], "graph"))
		return usage_error(&c, "the graph is DOT, not JSON");
	add_word(&c, "dump");
	add_word(&c, what[i]);
	return send_request(&c, opts);
}

int mv_cmd_status(const struct mv_opts *opts, int argc, char **argv)
{
	struct ctl c = { .name = "status", .json = opts->json };

	mv_strip_json(&c.json, &argc, argv);
	if (argc)
		return usage_error(&c, "too many arguments");
	add_word(&c, "status");
	return send_request(&c, opts);
}

int mv_cmd_info(const struct mv_opts *opts, int argc, char **argv)
{
	struct ctl c = { .name = "info", .json = opts->json };
	struct mv_subnet subnet;

	mv_strip_json(&c.json, &argc, argv);
	if (argc != 1)
		return usage_error(&c, argc ? "too many arguments" :
				   "missing NODE");
	if (!mv_config_valid_name(argv[0]) &&
	    mv_subnet_parse(argv[0], &subnet, NULL, 0))
		return usage_error(&c, "\"%.64s\" is neither a node name (letters, "
				   "digits and '_') nor an address or subnet", argv[0]);
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
	c.new_level = word;
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
