/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tinc-compatible configuration: network directories, meshvpn.conf /
 * tinc.conf, hosts/NAME files, up/down scripts. This header is what the
 * rest of meshvpnd includes; the parts are
 *   config/lexer.h   a file as "Variable = Value" entries and key blocks
 *   config/vars.h    the variable table, its value types and spellings
 *   config/name.h    node names, Name = $HOST
 *   config/script.h  meshvpn-up or tinc-up
 *   lib/diag.h       how all of them report problems
 * and this file's own part: the typed configuration and its loading.
 *
 * Errors carry "FILE:LINE: message" in a struct mv_diag. All functions
 * return 0 or a negative errno: -ENOENT (file missing), -EINVAL (bad
 * syntax or value), -ENOTSUP (recognised but unimplemented, e.g. Mode =
 * switch), -ENOMEM, -EFBIG (file larger than MV_FILE_MAX_CONFIG of
 * lib/file.h), or the error from reading a file.
 */
#ifndef MESHVPN_CONFIG_H
#define MESHVPN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/name.h"
#include "config/script.h"
#include "config/vars.h"
#include "crypto/cipher.h"
#include "crypto/identity.h"
#include "lib/diag.h"
#include "lib/subnet.h"

/* Where "-n NET" looks; override at build time with -DMV_CONFIG_BASEDIR=
 * or at run time through the basedir argument of mv_config_resolve_dir().
 */
#ifndef MV_CONFIG_BASEDIR
#define MV_CONFIG_BASEDIR	"/etc/meshvpn"
#endif
/* Where "-n NET" looks when MV_CONFIG_BASEDIR/NET does not exist. */
#ifndef MV_CONFIG_TINC_BASEDIR
#define MV_CONFIG_TINC_BASEDIR	"/etc/tinc"
#endif

#define MV_CONFIG_DEFAULT_PORT		655
#define MV_CONFIG_DEFAULT_PING_INTERVAL	60
#define MV_CONFIG_DEFAULT_STATE_FLOOD_RATE	120	/* per origin per minute */
#define MV_CONFIG_DEFAULT_PING_TIMEOUT	5
/* Limits on what others can make this node do (Documentation/security.md). */
#define MV_CONFIG_DEFAULT_MAX_CONNECTION_BURST		10
#define MV_CONFIG_DEFAULT_MAX_PREAUTH_CONNECTIONS	64
#define MV_CONFIG_DEFAULT_SCRIPT_QUEUE_LIMIT		1024
#define MV_CONFIG_DEFAULT_SESSION_INIT_RATE	4	/* per second */
#define MV_CONFIG_DEFAULT_SESSION_COOKIE_LOAD	50	/* per second */
#define MV_CONFIG_DEFAULT_NOKEY_HANDSHAKE_INTERVAL	10	/* seconds */
#define MV_CONFIG_DEFAULT_MAX_CLOCK_SKEW	600	/* s */
#define MV_CONFIG_DEFAULT_VOUCH_QUOTA	4096	/* nodes per neighbour */
#define MV_CONFIG_DEFAULT_VOUCH_RATE	20	/* new keys per second */
/* meshvpn.ko's upcalls per source per second (burst as many); its maximum. */
#define MV_CONFIG_DEFAULT_KERNEL_UPCALL_RATE	50
#define MV_CONFIG_MAX_KERNEL_UPCALL_RATE	100000

/* ---- typed configuration ---- */

/* An Address or BindToAddress line: "host [port]". */
struct mv_host_address {
	char *host;		/* NULL: any address ("BindToAddress = *") */
	uint16_t port;		/* the given port, else the node's Port */
	bool port_given;
};

/* A hosts/NAME file, or the host variables of the local node. */
struct mv_host_config {
	char *name;		/* NULL when parsed from a nameless buffer */
	char *path;		/* file read, NULL when parsed from a buffer */
	struct mv_host_address *addresses;
	size_t n_addresses;
	uint16_t port;		/* MV_CONFIG_DEFAULT_PORT unless port_set */
	bool port_set;
	struct mv_subnet *subnets;
	size_t n_subnets;
	enum mv_cipher cipher;	/* only meaningful if cipher_set */
	bool cipher_set;
	bool indirect_data;	/* also set by tcp_only, as in tinc */
	bool tcp_only;
	int weight;		/* only meaningful if weight_set */
	bool weight_set;
	int compression;	/* parsed for tinc files; meshvpn ignores it */
	struct mv_host_keys keys;	/* Ed25519PublicKey and key blocks */
};

/*
 * What a session handshake (protocol.md section 10) may cost this node,
 * whoever asks.
 */
struct mv_session_limits {
	/* SessionInitRate: INITs of one peer checked per second (burst 2x) */
	unsigned int init_rate;
	/* SessionCookieLoad: handshakes per second before cookies are required */
	unsigned int cookie_load;
	/* NoKeyHandshakeInterval: s between handshakes DATA without key asks for */
	unsigned int nokey_interval;
};

/*
 * How far the network's word is taken (protocol.md 9.4): what a neighbour
 * may make this node learn, and how far a STATE's seq may be off our clock.
 */
struct mv_trust_config {
	unsigned int max_clock_skew;	/* MaxClockSkew, seconds */
	unsigned int vouch_quota;	/* VouchQuota: vouched nodes per neighbour */
	unsigned int vouch_rate;	/* VouchRate: new vouched keys per second */
	bool vouch_from_vouched;	/* VouchFromVouched */
};

/* meshvpn.conf (or tinc.conf), the conf.d files and the own hosts/NAME. */
struct mv_config {
	char *confdir;		/* NULL when parsed from a buffer */
	char **files;		/* every file read, in order */
	size_t n_files;
	char *name;		/* after $HOST / $VAR expansion */
	char **connect_to;	/* duplicates and the own name removed */
	size_t n_connect_to;
	enum mv_address_family address_family;
	char *interface;	/* NULL: the daemon's default (the netname) */
	char *device;		/* NULL: the daemon's default */
	struct mv_host_address *bind_to;
	size_t n_bind_to;
	enum mv_mode mode;
	unsigned int ping_interval;	/* seconds */
	unsigned int ping_timeout;	/* seconds, <= ping_interval */
	/* incoming connections from one address: burst, then 1 per second */
	unsigned int max_connection_burst;
	/* incoming connections not yet authenticated; the oldest goes */
	unsigned int max_preauth_connections;
	/* scripts of one node waiting to run; more are dropped */
	unsigned int script_queue_limit;
	unsigned int state_flood_rate;	/* STATE records per origin per minute */
	unsigned int kernel_upcall_rate; /* KernelUpcallRate, messages/s/source */
	bool strict_subnets;
	bool strict_keys;	/* accept only keys from local host files */
	struct mv_session_limits session;
	struct mv_trust_config trust;
	bool tunnel_server;	/* as written: the strict_* above are its effect */
	enum mv_data_plane data_plane;
	enum mv_cipher cipher;	/* own Cipher, default chacha20-poly1305 */
	uint16_t port;		/* listening port (own Port, default 655) */
	/*
	 * Key files: the configured path, relative ones resolved against
	 * confdir; defaults confdir/rsa_key.priv and confdir/ed25519_key.priv.
	 */
	char *private_key_file;
	char *ed25519_private_key_file;
	int log_level;		/* -1 when not set */
	/*
	 * Host variables of the local node, from the server files and from
	 * hosts/NAME (server files first), as tinc merges them. Its port
	 * and cipher equal the effective values above.
	 */
	struct mv_host_config self;
	bool self_host_found;	/* hosts/NAME existed (not so before -K) */
};

/* Fill in the defaults, with no name and no lists (free-safe). */
void mv_config_init(struct mv_config *c);
void mv_host_config_init(struct mv_host_config *h);

/*
 * Read the configuration in @confdir: meshvpn.conf, or tinc.conf if
 * there is no meshvpn.conf (a warning says so when both exist), then the
 * files ending in ".conf" in conf.d/ in name order (tinc >= 1.0.24), then
 * hosts/NAME of the local node if it exists (tinc reads it into the server
 * configuration too). On error *@out is left empty; either way free it
 * with mv_config_free().
 */
int mv_config_load_server(const char *confdir, struct mv_config *out,
			  struct mv_diag *diag);

/*
 * The same with @options first: "Variable = Value" lines from the command
 * line ("meshvpnd -o"), which win over the files as in tinc. Host
 * variables of the local node may be given this way too.
 */
int mv_config_load_server_opts(const char *confdir, const char *options,
			       size_t options_len, struct mv_config *out,
			       struct mv_diag *diag);

/* The same from one buffer, for tests and fuzzing: no files are read,
 * and the key file names stay relative.
 */
int mv_config_parse_server_buffer(const char *buf, size_t len,
				  const char *path, struct mv_config *out,
				  struct mv_diag *diag);
void mv_config_free(struct mv_config *c);

/*
 * The identity key of a host file (mv_identity_from_host_keys() of its
 * keys, with its path in the messages).
 */
int mv_identity_from_host(const struct mv_host_config *host,
			  struct mv_identity **out, struct mv_diag *diag);

/* Read @confdir/hosts/@name; @name must be a valid node name. */
int mv_config_load_host(const char *confdir, const char *name,
			struct mv_host_config *out, struct mv_diag *diag);
int mv_config_parse_host_buffer(const char *buf, size_t len,
				const char *path, const char *name,
				struct mv_host_config *out,
				struct mv_diag *diag);
void mv_host_config_free(struct mv_host_config *h);

/*
 * The node names that have a file in @confdir/hosts, sorted; files whose
 * names are not node names (scripts such as NAME-up) are skipped.
 * Free with mv_config_free_names().
 */
int mv_config_list_hosts(const char *confdir, char ***names, size_t *n,
			 struct mv_diag *diag);
void mv_config_free_names(char **names, size_t n);

/* ---- directories ---- */

/*
 * The configuration directory of "-n NET" / "-c DIR", as tinc: @confdir
 * (-c) wins, with a warning if @netname is given too; otherwise
 * @basedir/@netname, or @basedir itself for an empty netname or ".".
 * When @basedir/@netname is not a directory but @tinc_basedir/@netname
 * is, that tinc network is used, with a warning saying so.
 * @basedir NULL means MV_CONFIG_BASEDIR, @tinc_basedir NULL
 * MV_CONFIG_TINC_BASEDIR. A netname containing '/' or '\'
 * or starting with '.' is rejected. tinc 1.1 takes the netname from the
 * NETNAME environment variable when -n is missing: callers wanting that
 * pass getenv("NETNAME"). *@out is malloc()ed.
 */
int mv_config_resolve_dir(const char *basedir, const char *tinc_basedir,
			  const char *netname, const char *confdir,
			  char **out, struct mv_diag *diag);

#endif /* MESHVPN_CONFIG_H */
