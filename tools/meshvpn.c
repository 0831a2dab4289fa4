// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn: command-line tool for meshvpn.ko, in the spirit of `wg` and
 * `ip`. This file only reads the global options and dispatches; the
 * commands live in link.c, the netlink layer in nl.c.
 */
#include <stdio.h>
#include <string.h>

#include "args.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef MESHVPN_VERSION
#define MESHVPN_VERSION "0.1.0"
#endif

static const struct {
	const char *name;
	int (*fn)(const struct mv_opts *opts, int argc, char **argv);
} commands[] = {
	{ "link", mv_cmd_link },
	{ "node", mv_cmd_node },
	{ "key", mv_cmd_key },
	{ "route", mv_cmd_route },
	{ "monitor", mv_cmd_monitor },
};

static int help(int argc, char **argv)
{
	if (argc == 0) {
		mv_usage(stdout, NULL);
		return 0;
	}
	if (argc == 1 && mv_is_command(argv[0])) {
		mv_usage(stdout, argv[0]);
		return 0;
	}
	fprintf(stderr, "meshvpn: help: unknown command \"%s\"\n", argv[0]);
	mv_usage(stderr, NULL);
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

int main(int argc, char **argv)
{
	struct mv_opts opts = { 0 };
	size_t i;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-j") || !strcmp(argv[a], "--json")) {
			opts.json = true;
			continue;
		}
		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help"))
			return finish(help(0, NULL));
		if (!strcmp(argv[a], "-V") || !strcmp(argv[a], "--version")) {
			printf("meshvpn %s (generic netlink family %s, version %d)\n",
			       MESHVPN_VERSION, MESHVPN_FAMILY_NAME,
			       MESHVPN_FAMILY_VERSION);
			return finish(0);
		}
		fprintf(stderr, "meshvpn: unknown option \"%s\"\n", argv[a]);
		mv_usage(stderr, NULL);
		return 2;
	}
	if (a == argc) {
		mv_usage(stderr, NULL);
		return 2;
	}
	if (!strcmp(argv[a], "help"))
		return finish(help(argc - a - 1, argv + a + 1));
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[a], commands[i].name))
			return finish(commands[i].fn(&opts, argc - a - 1, argv + a + 1));
	fprintf(stderr, "meshvpn: unknown command \"%s\"\n", argv[a]);
	mv_usage(stderr, NULL);
	return 2;
}
