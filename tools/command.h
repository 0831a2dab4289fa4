/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command of the meshvpn tool shares, whether it talks to
 * meshvpn.ko (kernel_cmd.h) or to meshvpnd (ctl.h): the options given
 * before it, usage tables and usage errors, and --json.
 *
 * Each command gets the words after its name and returns the exit status:
 * 0 success, 1 failure (reported on stderr), 2 usage error. main() in
 * tools/meshvpn.c dispatches.
 */
#ifndef MESHVPN_TOOL_COMMAND_H
#define MESHVPN_TOOL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Options given before the command. */
struct mv_opts {
	bool json;		/* -j, --json */
	/*
	 * The meshvpnd that ctl.c commands talk to (control.md); NULL when
	 * not given.
	 */
	const char *netname;	/* -n, --net */
	const char *confdir;	/* -c, --config: the socket does not use it */
	const char *pidfile;	/* --pidfile */
	const char *control;	/* --control: the socket itself */
};

/*
 * The usage of a command: one or more lines, each ending in '\n'. A line
 * starting with a space continues the one before, under the command.
 */
struct mv_usage {
	const char *cmd;
	const char *lines;
};

/* The entry of @cmd in @table of @n entries, or NULL. */
const struct mv_usage *mv_find_usage(const struct mv_usage *table, size_t n,
				     const char *cmd);
/*
 * Print the usage of @cmd in @table: its first line after @first, the
 * others after @rest (as long as @first). Nothing if @cmd is not there.
 */
void mv_print_usage(FILE *f, const struct mv_usage *table, size_t n,
		    const char *cmd, const char *first, const char *rest);
/* Print the usage of every command in @table, each line after @prefix. */
void mv_print_usages(FILE *f, const struct mv_usage *table, size_t n,
		     const char *prefix);
/*
 * Report a usage error of a command: "meshvpn: WHAT: MESSAGE" on stderr,
 * then the usage of command @cmd, printed by @usage. Returns 2, the exit
 * status of a usage error.
 */
__attribute__((format(printf, 4, 5)))
int mv_usage_error(void (*usage)(FILE *f, const char *cmd), const char *cmd,
		   const char *what, const char *fmt, ...);
/*
 * Take "--json" and "-j" out of the words of a command, which may have
 * them anywhere, setting *@json if there was one.
 */
void mv_strip_json(bool *json, int *argc, char **argv);

/*
 * The network directory @opts select for the commands that edit files
 * (init, get, set, add, del): -c DIR, else MV_CONFIG_BASEDIR/NET for -n
 * NET or $NETNAME, else MV_CONFIG_BASEDIR. malloc()ed; NULL for an
 * invalid netname or without memory.
 */
char *mv_network_dir(const struct mv_opts *opts);

#endif /* MESHVPN_TOOL_COMMAND_H */
