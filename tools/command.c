// SPDX-License-Identifier: GPL-2.0
/*
 * Usage tables, usage errors and --json for every command of the meshvpn
 * tool; see command.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "config/config.h"
#include "lib/file.h"

const struct mv_usage *mv_find_usage(const struct mv_usage *table, size_t n,
				     const char *cmd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(table[i].cmd, cmd))
			return &table[i];
	return NULL;
}

static void print_lines(FILE *f, const char *first, const char *rest,
			const char *lines)
{
	const char *p, *end;

	for (p = lines; *p; p = end + 1) {
		end = strchr(p, '\n');
		if (*p == ' ')
			fprintf(f, "%*s", (int)strlen(rest), "");
		else
			fputs(p == lines ? first : rest, f);
		fprintf(f, "%.*s\n", (int)(end - p), p);
	}
}

void mv_print_usage(FILE *f, const struct mv_usage *table, size_t n,
		    const char *cmd, const char *first, const char *rest)
{
	const struct mv_usage *u = mv_find_usage(table, n, cmd);

	if (u)
		print_lines(f, first, rest, u->lines);
}

void mv_print_usages(FILE *f, const struct mv_usage *table, size_t n,
		     const char *prefix)
{
	size_t i;

	for (i = 0; i < n; i++)
		print_lines(f, prefix, prefix, table[i].lines);
}

int mv_usage_error(void (*usage)(FILE *f, const char *cmd), const char *cmd,
		   const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "meshvpn: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr, cmd);
	return 2;
}

void mv_strip_json(bool *json, int *argc, char **argv)
{
	int i, n = 0;

	for (i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			*json = true;
		else
			argv[n++] = argv[i];
	}
	*argc = n;
}

char *mv_network_dir(const struct mv_opts *opts)
{
	const char *net = opts->netname ? opts->netname : getenv("NETNAME");

	if (opts->confdir)
		return strdup(opts->confdir);
	if (!net || !*net || !strcmp(net, "."))
		return strdup(MV_CONFIG_BASEDIR);
	if (strpbrk(net, "/\\") || net[0] == '.')
		return NULL;
	return mv_path_join(MV_CONFIG_BASEDIR, net);
}
