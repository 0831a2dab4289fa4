// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn: command-line tool for meshvpn.ko, in the spirit of `wg` and
 * `ip`, and for a running meshvpnd, in the spirit of tinc 1.1's `tinc`.
 * This file only reads the global options and dispatches; the kernel
 * commands live in link.c, node.c, key.c, route.c and monitor.c (what
 * they share in kernel_cmd.c, the netlink layer in userspace/netlink/),
 * the daemon commands in ctl.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "confvar.h"
#include "ctl.h"
#include "init.h"
#include "kernel_cmd.h"
#include "key.h"
#include "lib/array.h"
#include "link.h"
#include "monitor.h"
#include "node.h"
#include "route.h"

#ifndef MESHVPN_VERSION
#define MESHVPN_VERSION "0.1.0"
#endif

static int cmd_get(const struct mv_opts *opts, int argc, char **argv)
{
	return mv_cmd_confvar(opts, "get", argc, argv);
}

static int cmd_set(const struct mv_opts *opts, int argc, char **argv)
{
	return mv_cmd_confvar(opts, "set", argc, argv);
}

static int cmd_add(const struct mv_opts *opts, int argc, char **argv)
{
	return mv_cmd_confvar(opts, "add", argc, argv);
}

static int cmd_del(const struct mv_opts *opts, int argc, char **argv)
{
	return mv_cmd_confvar(opts, "del", argc, argv);
}

static const struct {
	const char *name;
	int (*fn)(const struct mv_opts *opts, int argc, char **argv);
} commands[] = {
	{ "link", mv_cmd_link },
	{ "node", mv_cmd_node },
	{ "key", mv_cmd_key },
	{ "route", mv_cmd_route },
	{ "monitor", mv_cmd_monitor },
	{ "init", mv_cmd_init },
	{ "get", cmd_get },
	{ "set", cmd_set },
	{ "add", cmd_add },
	{ "del", cmd_del },
	{ "status", mv_cmd_status },
	{ "dump", mv_cmd_dump },
	{ "info", mv_cmd_info },
	{ "debug", mv_cmd_debug },
	{ "reload", mv_cmd_reload },
	{ "restart", mv_cmd_restart },
	{ "retry", mv_cmd_retry },
	{ "purge", mv_cmd_purge },
	{ "stop", mv_cmd_stop },
};

/*
 * The usage of one command, or of all: the daemon's commands first (what
 * most users run), then the module's.
 */
static void usage(FILE *f, const char *cmd)
{
	if (cmd) {
		if (mv_ctl_is_command(cmd))
			mv_ctl_usage(f, cmd);
		else if (mv_init_is_command(cmd))
			mv_init_usage(f, cmd);
		else if (mv_confvar_is_command(cmd))
			mv_confvar_usage(f, cmd);
		else
			mv_kcmd_usage(f, cmd);
		return;
	}
	fputs("Usage: meshvpn [OPTIONS] [--json] COMMAND [ARGS]\n", f);
	mv_init_usage(f, NULL);
	mv_confvar_usage(f, NULL);
	mv_ctl_usage(f, NULL);
	mv_kcmd_usage(f, NULL);
	fputs("\n       meshvpn help [COMMAND]\n"
	      "       meshvpn --version\n\nSee meshvpn(8).\n", f);
}

/* Edit distance of two short words (a command's name and a typo of it). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[16], i, j;

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

/* One line for a command we do not have, with the likely one if any. */
static int unknown_command(const char *word)
{
	const char *best = NULL;
	size_t i, d, best_d = 3;	/* two typos at most */

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		d = distance(word, commands[i].name);
		if (d < best_d) {
			best_d = d;
			best = commands[i].name;
		}
	}
	if (best)
		fprintf(stderr, "meshvpn: unknown command \"%.64s\"; did you mean \"%s\"? "
			"(meshvpn help lists them)\n", word, best);
	else
		fprintf(stderr, "meshvpn: unknown command \"%.64s\" (meshvpn help lists them)\n",
			word);
	return 2;
}

static int help(int argc, char **argv)
{
	if (argc == 0) {
		usage(stdout, NULL);
		return 0;
	}
	if (argc == 1 && (mv_kcmd_is_command(argv[0]) ||
			  mv_ctl_is_command(argv[0]) ||
			  mv_init_is_command(argv[0]) ||
			  mv_confvar_is_command(argv[0]))) {
		usage(stdout, argv[0]);
		return 0;
	}
	fprintf(stderr, "meshvpn: help: unknown command \"%s\"\n", argv[0]);
	usage(stderr, NULL);
	return 2;
}

/* Output that never arrived is a failure, e.g. `meshvpn link show >/dev/full`. */
static int finish(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror("meshvpn: writing output");
		return 1;
	}
	return status;
}

/*
 * An option with a value: "-n NET", "--net NET" or "--net=NET" at
 * argv[*a] (@shopt NULL for long-only options). Returns 1 with *@value
 * set and *@a on the last word used, 0 if argv[*a] is another option, -1
 * (reported) if the value is missing.
 */
static int option_value(int argc, char **argv, int *a, const char *shopt,
			const char *lopt, const char **value)
{
	const char *arg = argv[*a];
	size_t n = strlen(lopt);

	if (!strncmp(arg, lopt, n) && arg[n] == '=') {
		*value = arg + n + 1;
		return 1;
	}
	/* "-nNET", as getopt takes it. */
	if (shopt && !strncmp(arg, shopt, 2) && arg[2]) {
		*value = arg + 2;
		return 1;
	}
	if (strcmp(arg, lopt) && (!shopt || strcmp(arg, shopt)))
		return 0;
	if (*a + 1 >= argc) {
		fprintf(stderr, "meshvpn: option \"%s\" needs a value\n", arg);
		return -1;
	}
	*value = argv[++*a];
	return 1;
}

int main(int argc, char **argv)
{
	struct mv_opts opts = { 0 };
	const struct {
		const char *shopt, *lopt;
		const char **value;
	} valued[] = {
		{ "-n", "--net", &opts.netname },
		{ "-c", "--config", &opts.confdir },
		{ NULL, "--pidfile", &opts.pidfile },
		{ NULL, "--control", &opts.control },
	};
	size_t i;
	int a, b, n, r;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			opts.json = true;
			continue;
		}
		for (i = 0, r = 0; i < ARRAY_SIZE(valued) && !r; i++)
			r = option_value(argc, argv, &a, valued[i].shopt,
					 valued[i].lopt, valued[i].value);
		if (r < 0) {
			usage(stderr, NULL);
			return 2;
		}
		if (r)
			continue;
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help"))
			return finish(help(0, NULL));
		if (!strcmp(argv[a], "-V") || !strcmp(argv[a], "--version")) {
			printf("meshvpn %s (generic netlink family %s, version %d)\n",
			       MESHVPN_VERSION, MESHVPN_FAMILY_NAME,
			       MESHVPN_FAMILY_VERSION);
			return finish(0);
		}
		fprintf(stderr, "meshvpn: unknown option \"%s\"\n", argv[a]);
		usage(stderr, NULL);
		return 2;
	}
	if (a == argc) {
		usage(stderr, NULL);
		return 2;
	}
	/*
	 * The options that select a network or a daemon may follow the
	 * command too ("meshvpn dump nodes -n office"), as tinc 1.1 takes
	 * them: they are taken out of the command's words.
	 */
	for (b = a + 1, n = a + 1; b < argc; b++) {
		for (i = 0, r = 0; i < ARRAY_SIZE(valued) && !r; i++)
			r = option_value(argc, argv, &b, valued[i].shopt,
					 valued[i].lopt, valued[i].value);
		if (r < 0) {
			usage(stderr, NULL);
			return 2;
		}
		if (!r)
			argv[n++] = argv[b];
	}
	argc = n;
	if (!strcmp(argv[a], "help"))
		return finish(help(argc - a - 1, argv + a + 1));
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[a], commands[i].name))
			return finish(commands[i].fn(&opts, argc - a - 1, argv + a + 1));
	return unknown_command(argv[a]);
}
