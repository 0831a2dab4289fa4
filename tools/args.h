/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command line side of the meshvpn tool: parsers and formatters for the
 * values its commands take (node ids, endpoints, prefixes, ciphers, key
 * files), the entry points of the commands, and the usage handling they
 * share.
 *
 * Every parser returns 0, or -EINVAL with a one-line reason in @err (when
 * @err is not NULL) and leaves its output untouched. The reasons quote
 * the input, except for key material, which is never repeated anywhere.
 */
#ifndef MESHVPN_TOOL_ARGS_H
#define MESHVPN_TOOL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/meshvpn.h>

/* Enough for every reason a parser writes. */
#define MV_ARG_ERRLEN		160
/* Twelve hex digits and the NUL. */
#define MV_NODE_ID_STRLEN	13
/* "[" IPv6 "%" interface or scope number "]:" port, and the NUL. */
#define MV_ENDPOINT_STRLEN	80
/* IPv6 "/128" and the NUL. */
#define MV_PREFIX_STRLEN	52

/*
 * A node's endpoint as meshvpn.ko takes it (mv_meshvpn_put_endpoint()):
 * a numeric address and port, parsed from the command line. Not to be
 * confused with the configuration's struct mv_host_address, an Address
 * line whose host may be a name still to resolve.
 */
struct mv_endpoint {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order; IPv4 uses the first 4 */
	uint16_t port;		/* host byte order, 1..65535 */
	uint32_t scope_id;	/* IPv6 interface index, 0 for none */
};

struct mv_prefix {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network byte order, host bits zero */
	unsigned int len;	/* 0..32 or 0..128 */
};

/*
 * Node ids are always hexadecimal, as printed (twelve digits), with an
 * optional "0x": "123", "0x123" and "000000000123" are the same node.
 * 0 and ffffffffffff are reserved (include/meshvpn/wire.h).
 */
int mv_parse_node_id(const char *s, uint64_t *out, char *err, size_t errlen);
void mv_format_node_id(uint64_t id, char buf[MV_NODE_ID_STRLEN]);

/* A decimal number 0..@max: digits only, no sign, no spaces. */
int mv_parse_uint(const char *s, uint64_t max, uint64_t *out,
		  char *err, size_t errlen);

/*
 * "A.B.C.D:PORT" or "[IPV6]:PORT" or "[IPV6%SCOPE]:PORT", SCOPE an interface
 * name or index. Addresses only: names are not resolved.
 */
int mv_parse_endpoint(const char *s, struct mv_endpoint *out,
		      char *err, size_t errlen);
/* Returns the length of the text like snprintf(), or -EINVAL. */
int mv_format_endpoint(const struct mv_endpoint *ep, char *buf, size_t len);

/*
 * "ADDR/LEN" or "ADDR" (a host route). Host bits past LEN must be zero:
 * "10.1.2.3/8" is refused as the typo it almost always is.
 */
int mv_parse_prefix(const char *s, struct mv_prefix *out,
		    char *err, size_t errlen);
int mv_format_prefix(const struct mv_prefix *p, char *buf, size_t len);

/*
 * Names as in Documentation/protocol.md; NULL for an unknown value. The
 * cipher names are mv_cipher_alg_name()'s (meshvpn_nl.h), shared with
 * meshvpnd's configuration.
 */
int mv_parse_cipher(const char *s, uint32_t *alg, char *err, size_t errlen);
int mv_parse_slot(const char *s, uint32_t *slot, char *err, size_t errlen);
const char *mv_slot_name(uint32_t slot);
const char *mv_rekey_reason_name(uint32_t reason);

/*
 * A session key as text: exactly 2 * MESHVPN_KEY_LEN hex digits, optionally
 * surrounded by white space (a trailing newline). @text need not be
 * NUL-terminated.
 */
int mv_parse_key_hex(const char *text, size_t len,
		     uint8_t key[MESHVPN_KEY_LEN], char *err, size_t errlen);
/* Read a key in that form from file @path, or from stdin for "-". */
int mv_read_key_file(const char *path, uint8_t key[MESHVPN_KEY_LEN],
		     char *err, size_t errlen);

/*
 * ---- commands (tools/link.c on meshvpn.ko, tools/ctl.c on meshvpnd),
 * dispatched by main() in tools/meshvpn.c ----
 */

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
 * Each command gets the words after its name and returns the exit status:
 * 0 success, 1 failure (reported on stderr), 2 usage error.
 */
int mv_cmd_link(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_node(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_key(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_route(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_monitor(const struct mv_opts *opts, int argc, char **argv);
/* Requests to meshvpnd over its control socket (Documentation/control.md). */
int mv_cmd_dump(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_info(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_debug(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_reload(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_retry(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_purge(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_stop(const struct mv_opts *opts, int argc, char **argv);

/* Usage of command @cmd, or of all commands when @cmd is NULL. */
void mv_usage(FILE *f, const char *cmd);
/* Whether @cmd names a command mv_usage() knows. */
bool mv_is_command(const char *cmd);
/* The same for the meshvpnd commands; NULL prints them as a section. */
void mv_ctl_usage(FILE *f, const char *cmd);
bool mv_ctl_is_command(const char *cmd);

/*
 * ---- what the two families of commands share: usage tables, usage
 * errors and --json ----
 */

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

#endif /* MESHVPN_TOOL_ARGS_H */
