/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration variables: one table row per variable, as tinc's
 * variable table, but typed: the row names the field of struct mv_config
 * (server variables) or struct mv_host_config (host variables) that the
 * value goes to and the parser that checks and converts it. Applying a
 * lexed file (config/lexer.h) is looking each entry up and running its
 * row; the loader (config/config.c) applies the files in tinc's order,
 * then the finishing steps for what depends on several variables.
 *
 * A variable that may appear only once keeps its first value, as tinc
 * does; repeats are reported as warnings. ConnectTo, BindToAddress,
 * Address and Subnet accumulate in file order. Unknown variables are
 * warnings, so that tinc files with variables meshvpn lacks still load.
 * Bad values are errors with the file and line.
 *
 * The values of the enumerated variables are defined here too, with
 * their spelling in the files.
 */
#ifndef MESHVPN_CONFIG_VARS_H
#define MESHVPN_CONFIG_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

struct mv_config;
struct mv_config_file;
struct mv_host_config;
struct mv_subnet_table;

enum mv_address_family {
	MV_AF_ANY,
	MV_AF_IPV4,
	MV_AF_IPV6,
};

enum mv_mode {
	MV_MODE_ROUTER,
	/* Parsed so the error can say "not supported yet", never returned. */
	MV_MODE_SWITCH,
	MV_MODE_HUB,
};

enum mv_data_plane {
	MV_DATA_PLANE_AUTO,
	MV_DATA_PLANE_KERNEL,
	MV_DATA_PLANE_BPF,
	MV_DATA_PLANE_USERSPACE,
};

/* Canonical spelling of each value, as accepted in the files. */
const char *mv_address_family_name(enum mv_address_family af);
const char *mv_mode_name(enum mv_mode mode);
const char *mv_data_plane_name(enum mv_data_plane dp);

/* ---- the table ---- */

enum mv_config_scope {
	MV_SCOPE_SERVER,	/* struct mv_config: meshvpn.conf, conf.d */
	MV_SCOPE_HOST,		/* struct mv_host_config: hosts/NAME */
};

/* One variable line being applied, for its row's parser. */
struct mv_config_setting;

struct mv_config_var {
	const char *name;		/* as tinc spells it */
	enum mv_config_scope scope;
	bool repeats;			/* a list: every value counts */
	/* 0, 1 when the value is ignored with a warning, or -errno. */
	int (*parse)(const struct mv_config_setting *s);
	size_t field;			/* offset in the scope's struct */
	size_t count;			/* lists: offset of their length */
	/* A bool that taking a value sets (port_set, cipher_set...). */
	bool has_set_flag;
	size_t set_flag;		/* its offset */
	unsigned int max;		/* numbers: the largest value */
	/* What a value looks like: "invalid NAME "VALUE": expected ..." */
	const char *expected;
	const char *const *choices;	/* enums: spelling of each value */
	unsigned int n_choices;
};

#define MV_CONFIG_N_VARS	37

/* Every variable meshvpn knows. */
extern const struct mv_config_var mv_config_vars[MV_CONFIG_N_VARS];

/* ---- applying files ---- */

enum mv_config_file_kind {
	MV_CONFIG_SERVER_FILE,		/* meshvpn.conf, tinc.conf, conf.d */
	MV_CONFIG_OWN_HOST_FILE,	/* hosts/NAME of the local node */
	MV_CONFIG_HOST_FILE,		/* any hosts/NAME read on its own */
};

struct mv_config_where {
	const char *file;	/* owned by the config being built */
	unsigned int line;
};

/* The state of applying files to one configuration. */
struct mv_config_apply {
	struct mv_config *srv;		/* NULL for a host file on its own */
	struct mv_host_config *host;	/* the node host variables describe */
	struct mv_diag *diag;
	/* Where each variable was first set, by row of mv_config_vars. */
	struct mv_config_where first[MV_CONFIG_N_VARS];
	/* Duplicate detection that stays fast for huge files: */
	struct mv_config_where *connect_to_where; /* by srv->connect_to */
	struct mv_subnet_table *seen_subnets;
};

/* @srv NULL: only host variables apply, to @host. */
void mv_config_apply_init(struct mv_config_apply *a, struct mv_config *srv,
			  struct mv_host_config *host, struct mv_diag *diag);
void mv_config_apply_free(struct mv_config_apply *a);

/*
 * Apply the entries and key blocks of @lexed, read from @file (a string
 * the configuration owns: messages point to it later).
 */
int mv_config_apply_file(struct mv_config_apply *a,
			 enum mv_config_file_kind kind, const char *file,
			 const struct mv_config_file *lexed);

/*
 * After the server files: expand Name ($HOST, $VAR), which hosts/NAME
 * needs. An error names @main_file when there is no Name at all.
 */
int mv_config_apply_finish_name(struct mv_config_apply *a,
				const char *main_file);
/*
 * After every file of a server configuration: what depends on several
 * variables (PingTimeout capped by PingInterval, TunnelServer, ConnectTo
 * without duplicates, ports of addresses, key file paths).
 */
int mv_config_apply_finish_server(struct mv_config_apply *a);
/* The same for a host: TCPOnly implies IndirectData, address ports. */
void mv_config_finish_host(struct mv_host_config *h);

#endif /* MESHVPN_CONFIG_VARS_H */
