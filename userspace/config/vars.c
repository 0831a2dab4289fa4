// SPDX-License-Identifier: GPL-2.0
/*
 * The variable table and the parsers of its rows. A row's parser gets the
 * setting (variable, value, file and line) and the field to fill; the
 * row's columns (largest number, spellings of an enum, what a value looks
 * like) make one parser serve several variables.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/lexer.h"
#include "config/value.h"
#include "config/vars.h"
#include "lib/array.h"
#include "lib/file.h"

/* One variable line being applied. */
struct mv_config_setting {
	struct mv_config_apply *apply;
	const struct mv_config_var *var;
	const char *value;
	struct mv_config_where where;
	void *target;	/* the struct mv_config or mv_host_config */
};

/* The value is ignored, with a warning: a parser's positive return. */
#define IGNORED		1

/* ---- spellings ---- */

static const char *const address_families[] = {
	[MV_AF_ANY] = "any",
	[MV_AF_IPV4] = "ipv4",
	[MV_AF_IPV6] = "ipv6",
};

static const char *const modes[] = {
	[MV_MODE_ROUTER] = "router",
	[MV_MODE_SWITCH] = "switch",
	[MV_MODE_HUB] = "hub",
};

static const char *const data_planes[] = {
	[MV_DATA_PLANE_AUTO] = "auto",
	[MV_DATA_PLANE_KERNEL] = "kernel",
	[MV_DATA_PLANE_BPF] = "bpf",
	[MV_DATA_PLANE_USERSPACE] = "userspace",
};

/* Anything else has the name of the default, the enum's zero. */
static const char *spelling(const char *const *names, size_t n,
			    unsigned int value)
{
	return names[value < n ? value : 0];
}

const char *mv_address_family_name(enum mv_address_family af)
{
	return spelling(address_families, ARRAY_SIZE(address_families), af);
}

const char *mv_mode_name(enum mv_mode mode)
{
	return spelling(modes, ARRAY_SIZE(modes), mode);
}

const char *mv_data_plane_name(enum mv_data_plane dp)
{
	return spelling(data_planes, ARRAY_SIZE(data_planes), dp);
}

/*
 * The enum parser stores its values through an unsigned int: every enum
 * of the table has non-negative values only, which makes unsigned int
 * its compatible type for GCC and clang.
 */
_Static_assert(sizeof(enum mv_address_family) == sizeof(unsigned int) &&
	       sizeof(enum mv_mode) == sizeof(unsigned int) &&
	       sizeof(enum mv_data_plane) == sizeof(unsigned int),
	       "enums stored as unsigned int");

/* ---- parsers of the rows ---- */

static void *field(const struct mv_config_setting *s)
{
	return (char *)s->target + s->var->field;
}

static size_t *list_length(const struct mv_config_setting *s)
{
	return (void *)((char *)s->target + s->var->count);
}

static int bad_value(const struct mv_config_setting *s)
{
	mv_diag_error(s->apply->diag, s->where.file, s->where.line,
		      "invalid %s \"%s\": expected %s", s->var->name, s->value,
		      s->var->expected);
	return -EINVAL;
}

static int set_string(char **dst, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

static int parse_string(const struct mv_config_setting *s)
{
	return set_string(field(s), s->value);
}

static int parse_interface(const struct mv_config_setting *s)
{
	if (!mv_config_valid_ifname(s->value))
		return bad_value(s);
	return set_string(field(s), s->value);
}

static int parse_flag(const struct mv_config_setting *s)
{
	if (!mv_config_parse_bool(s->value, field(s)))
		return bad_value(s);
	return 0;
}

/* Index of @s->value among the row's spellings, in any case; or -1. */
static int choice(const struct mv_config_setting *s)
{
	unsigned int i;

	for (i = 0; i < s->var->n_choices; i++)
		if (!strcasecmp(s->value, s->var->choices[i]))
			return (int)i;
	return -1;
}

static int parse_enum(const struct mv_config_setting *s)
{
	int k = choice(s);
	unsigned int *dst = field(s);

	if (k < 0)
		return bad_value(s);
	*dst = (unsigned int)k;
	return 0;
}

static int parse_mode(const struct mv_config_setting *s)
{
	int k = choice(s);
	enum mv_mode *dst = field(s);

	if (k < 0)
		return bad_value(s);
	if (k != MV_MODE_ROUTER) {
		mv_diag_error(s->apply->diag, s->where.file, s->where.line,
			      "Mode = %s is not supported yet: meshvpn implements only Mode = router",
			      s->var->choices[k]);
		return -ENOTSUP;
	}
	*dst = MV_MODE_ROUTER;
	return 0;
}

static int parse_unsigned(const struct mv_config_setting *s)
{
	if (!mv_config_parse_uint(s->value, s->var->max, field(s)))
		return bad_value(s);
	return 0;
}

/* Limits: 0 would refuse everything, which no one means. */
static int parse_positive(const struct mv_config_setting *s)
{
	unsigned int *dst = field(s);
	int ret = parse_unsigned(s);

	if (!ret && !*dst)
		return bad_value(s);
	return ret;
}

/* Non-negative numbers kept in an int field: max is at most INT_MAX. */
static int parse_int(const struct mv_config_setting *s)
{
	unsigned int u, max = s->var->max < INT_MAX ? s->var->max : INT_MAX;
	int *dst = field(s);

	if (!mv_config_parse_uint(s->value, max, &u))
		return bad_value(s);
	*dst = (int)u;
	return 0;
}

static int parse_ping_interval(const struct mv_config_setting *s)
{
	unsigned int *dst = field(s);
	int ret = parse_unsigned(s);

	/* tinc's meaning of 0: practically never. */
	if (!ret && !*dst)
		*dst = 86400;
	return ret;
}

static int parse_compression(const struct mv_config_setting *s)
{
	int *dst = field(s);
	int ret = parse_int(s);

	if (!ret && *dst)
		mv_diag_warn(s->apply->diag, s->where.file, s->where.line,
			     "Compression is not supported by meshvpn, ignored");
	return ret;
}

static int parse_tunnel_server(const struct mv_config_setting *s)
{
	bool *dst = field(s);
	int ret = parse_flag(s);

	if (!ret && *dst)
		mv_diag_warn(s->apply->diag, s->where.file, s->where.line,
			     "TunnelServer is not supported by meshvpn: enabling StrictSubnets and StrictKeys instead (meta information is still forwarded between nodes)");
	return ret;
}

static int parse_port_number(const struct mv_config_setting *s)
{
	if (!mv_config_parse_port(s->value, 0, field(s)))
		return bad_value(s);
	return 0;
}

static int parse_connect_to(const struct mv_config_setting *s)
{
	struct mv_config_apply *a = s->apply;
	struct mv_config_where *where;
	size_t *n = list_length(s);

	if (!mv_config_valid_name(s->value)) {
		mv_diag_error(a->diag, s->where.file, s->where.line,
			      "invalid node name \"%s\" in ConnectTo: only letters, digits and '_' are allowed",
			      s->value);
		return -EINVAL;
	}
	where = mv_array_grow(a->connect_to_where, *n, sizeof(*where));
	if (!where)
		return -ENOMEM;
	a->connect_to_where = where;
	where[*n] = s->where;
	return mv_array_push_string(field(s), n, s->value);
}

/*
 * "host [port]" of Address and BindToAddress. A port of 0 is accepted
 * only where it means "pick one" (BindToAddress); "*" only where it means
 * "any address".
 */
static int parse_host_address(const struct mv_config_setting *s,
			      bool listen, struct mv_host_address *out)
{
	const struct mv_config_where *w = &s->where;
	const char *var = s->var->name, *value = s->value;
	char *copy = strdup(value), *host, *port, *extra, *save = NULL;
	struct mv_diag *diag = s->apply->diag;
	const char *why = NULL;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return -ENOMEM;
	host = strtok_r(copy, " \t", &save);
	port = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!host || extra) {
		mv_diag_error(diag, w->file, w->line,
			      "invalid %s \"%s\": expected \"ADDRESS [PORT]\"",
			      var, value);
		goto out;
	}
	if (port) {
		if (!mv_config_parse_port(port, listen ? 0 : 1, &out->port)) {
			mv_diag_error(diag, w->file, w->line,
				      "invalid port \"%s\" in %s: expected a number from %u to 65535",
				      port, var, listen ? 0 : 1);
			goto out;
		}
		out->port_given = true;
	}
	if (listen && !strcmp(host, "*")) {
		ret = 0;
		goto out;
	}
	if (!mv_config_valid_host(host, &why)) {
		mv_diag_error(diag, w->file, w->line,
			      "invalid address \"%s\" in %s: %s", host, var,
			      why);
		goto out;
	}
	out->host = strdup(host);
	ret = out->host ? 0 : -ENOMEM;
out:
	free(copy);
	return ret;
}

static int push_host_address(const struct mv_config_setting *s, bool listen)
{
	struct mv_host_address addr, **list = field(s);
	size_t *n = list_length(s);
	struct mv_host_address *grown;
	int ret = parse_host_address(s, listen, &addr);

	if (ret)
		return ret;
	grown = mv_array_grow(*list, *n, sizeof(**list));
	if (!grown) {
		free(addr.host);
		return -ENOMEM;
	}
	*list = grown;
	grown[(*n)++] = addr;
	return 0;
}

static int parse_address(const struct mv_config_setting *s)
{
	return push_host_address(s, false);
}

static int parse_bind_address(const struct mv_config_setting *s)
{
	return push_host_address(s, true);
}

static int parse_subnet(const struct mv_config_setting *s)
{
	struct mv_config_apply *a = s->apply;
	struct mv_subnet subnet, **list = field(s), *grown;
	char err[MV_SUBNET_ERRLEN];
	size_t *n = list_length(s);
	int ret;

	if (mv_subnet_parse(s->value, &subnet, err, sizeof(err))) {
		mv_diag_error(a->diag, s->where.file, s->where.line,
			      "invalid Subnet \"%s\": %s", s->value, err);
		return -EINVAL;
	}
	if (!a->seen_subnets) {
		a->seen_subnets = mv_subnet_table_new();
		if (!a->seen_subnets)
			return -ENOMEM;
	}
	ret = mv_subnet_table_add(a->seen_subnets, &subnet, NULL);
	if (ret == -EEXIST) {
		mv_diag_warn(a->diag, s->where.file, s->where.line,
			     "duplicate Subnet %s, ignored", s->value);
		return IGNORED;
	}
	if (ret)
		return ret;
	grown = mv_array_grow(*list, *n, sizeof(**list));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[(*n)++] = subnet;
	return 0;
}

/*
 * OpenSSL cipher families tinc's legacy protocol used: such a Cipher is
 * a working tinc setting, so it is ignored with a warning, not refused.
 */
static const char *const tinc_cipher_prefixes[] = {
	"aes", "aria", "bf", "blowfish", "camellia", "cast", "des", "idea",
	"rc2", "rc4", "rc5", "seed", "sm4",
};

static int parse_cipher(const struct mv_config_setting *s)
{
	size_t k;

	if (mv_cipher_from_name(s->value, field(s)))
		return 0;
	for (k = 0; k < ARRAY_SIZE(tinc_cipher_prefixes); k++) {
		const char *p = tinc_cipher_prefixes[k];

		if (!strncasecmp(s->value, p, strlen(p))) {
			mv_diag_warn(s->apply->diag, s->where.file,
				     s->where.line,
				     "Cipher %s is a tinc legacy cipher meshvpn does not have, ignored (meshvpn uses chacha20-poly1305, aes-256-gcm or none)",
				     s->value);
			return IGNORED;
		}
	}
	return bad_value(s);
}

static int parse_ed25519_key(const struct mv_config_setting *s)
{
	if (!mv_config_valid_ed25519_key(s->value))
		return bad_value(s);
	return set_string(field(s), s->value);
}

/* ---- the table ---- */

/*
 * The offset of @member in @type, which must be of type @ctype: comparing
 * pointers of two types is a compile error (-Werror) unless they agree,
 * so a row cannot hand a parser a field of the wrong type.
 */
#define FIELD(type, member, ctype)					\
	(offsetof(type, member) +					\
	 0 * sizeof(&((type *)0)->member == (ctype *)0))

#define SERVER(member, ctype)						\
	.scope = MV_SCOPE_SERVER,					\
	.field = FIELD(struct mv_config, member, ctype)
#define HOST(member, ctype)						\
	.scope = MV_SCOPE_HOST,						\
	.field = FIELD(struct mv_host_config, member, ctype)
#define SERVER_LIST(member, length, ctype)				\
	.repeats = true, SERVER(member, ctype *),			\
	.count = FIELD(struct mv_config, length, size_t)
#define HOST_LIST(member, length, ctype)				\
	.repeats = true, HOST(member, ctype *),				\
	.count = FIELD(struct mv_host_config, length, size_t)
#define HOST_SET_FLAG(member)						\
	.has_set_flag = true,						\
	.set_flag = FIELD(struct mv_host_config, member, bool)
#define CHOICES(names)							\
	.choices = (names), .n_choices = ARRAY_SIZE(names)

#define YES_OR_NO	"yes or no"

/* Rows that finishing steps look at. */
enum {
	VAR_NAME,
	VAR_PING_TIMEOUT,
	VAR_STRICT_SUBNETS,
	VAR_STRICT_KEYS,
};

const struct mv_config_var mv_config_vars[MV_CONFIG_N_VARS] = {
	[VAR_NAME] = { "Name", SERVER(name, char *), .parse = parse_string },
	[VAR_PING_TIMEOUT] = {
		"PingTimeout", SERVER(ping_timeout, unsigned int),
		.parse = parse_unsigned, .max = INT_MAX,
		.expected = "a number of seconds" },
	[VAR_STRICT_SUBNETS] = {
		"StrictSubnets", SERVER(strict_subnets, bool),
		.parse = parse_flag, .expected = YES_OR_NO },
	[VAR_STRICT_KEYS] = {
		"StrictKeys", SERVER(strict_keys, bool), .parse = parse_flag,
		.expected = YES_OR_NO },
	{ "ConnectTo", SERVER_LIST(connect_to, n_connect_to, char *),
	  .parse = parse_connect_to },
	{ "AddressFamily", SERVER(address_family, enum mv_address_family),
	  .parse = parse_enum, CHOICES(address_families),
	  .expected = "ipv4, ipv6 or any" },
	{ "Interface", SERVER(interface, char *), .parse = parse_interface,
	  .expected = "an interface name of at most 15 characters without '/', ':' or spaces" },
	{ "Device", SERVER(device, char *), .parse = parse_string },
	{ "BindToAddress",
	  SERVER_LIST(bind_to, n_bind_to, struct mv_host_address),
	  .parse = parse_bind_address },
	{ "Mode", SERVER(mode, enum mv_mode), .parse = parse_mode,
	  CHOICES(modes), .expected = "router, switch or hub" },
	{ "PingInterval", SERVER(ping_interval, unsigned int),
	  .parse = parse_ping_interval, .max = INT_MAX,
	  .expected = "a number of seconds" },
	{ "MaxConnectionBurst", SERVER(max_connection_burst, unsigned int),
	  .parse = parse_positive, .max = 1000000,
	  .expected = "a number of connections from 1 to 1000000" },
	{ "MaxPreAuthConnections", SERVER(max_preauth_connections, unsigned int),
	  .parse = parse_positive, .max = 1000000,
	  .expected = "a number of connections from 1 to 1000000" },
	{ "ScriptQueueLimit", SERVER(script_queue_limit, unsigned int),
	  .parse = parse_positive, .max = 1000000,
	  .expected = "a number of scripts from 1 to 1000000" },
	{ "MaxClockSkew", SERVER(trust.max_clock_skew, unsigned int),
	  .parse = parse_unsigned, .max = 86400,
	  .expected = "a number of seconds, at most 86400" },
	{ "VouchQuota", SERVER(trust.vouch_quota, unsigned int),
	  .parse = parse_unsigned, .max = 1000000,
	  .expected = "a number of nodes, at most 1000000" },
	{ "VouchRate", SERVER(trust.vouch_rate, unsigned int),
	  .parse = parse_unsigned, .max = 100000,
	  .expected = "a number of keys per second, at most 100000" },
	{ "VouchFromVouched", SERVER(trust.vouch_from_vouched, bool),
	  .parse = parse_flag, .expected = YES_OR_NO },
	{ "StateFloodRate", SERVER(state_flood_rate, unsigned int),
	  .parse = parse_positive, .max = 60000,
	  .expected = "a number of STATE records per minute from 1 to 60000" },
	{ "TunnelServer", SERVER(tunnel_server, bool),
	  .parse = parse_tunnel_server, .expected = YES_OR_NO },
	{ "DataPlane", SERVER(data_plane, enum mv_data_plane),
	  .parse = parse_enum, CHOICES(data_planes),
	  .expected = "auto, kernel, bpf or userspace" },
	{ "PrivateKeyFile", SERVER(private_key_file, char *),
	  .parse = parse_string },
	{ "Ed25519PrivateKeyFile", SERVER(ed25519_private_key_file, char *),
	  .parse = parse_string },
	{ "LogLevel", SERVER(log_level, int), .parse = parse_int,
	  .max = INT_MAX, .expected = "a debug level (0 or more)" },
	{ "SessionInitRate", SERVER(session.init_rate, unsigned int),
	  .parse = parse_positive, .max = 1000000,
	  .expected = "a number of handshakes per second from 1 to 1000000" },
	{ "SessionCookieLoad", SERVER(session.cookie_load, unsigned int),
	  .parse = parse_positive, .max = 1000000,
	  .expected = "a number of handshakes per second from 1 to 1000000" },
	{ "NoKeyHandshakeInterval", SERVER(session.nokey_interval, unsigned int),
	  .parse = parse_positive, .max = 86400,
	  .expected = "a number of seconds from 1 to 86400" },
	{ "KernelUpcallRate", SERVER(kernel_upcall_rate, unsigned int),
	  .parse = parse_positive, .max = MV_CONFIG_MAX_KERNEL_UPCALL_RATE,
	  .expected = "a number of messages per second from 1 to 100000" },
	{ "Address", HOST_LIST(addresses, n_addresses, struct mv_host_address),
	  .parse = parse_address },
	{ "Port", HOST(port, uint16_t), HOST_SET_FLAG(port_set),
	  .parse = parse_port_number,
	  .expected = "a port number from 0 to 65535" },
	{ "Subnet", HOST_LIST(subnets, n_subnets, struct mv_subnet),
	  .parse = parse_subnet },
	{ "Cipher", HOST(cipher, enum mv_cipher), HOST_SET_FLAG(cipher_set),
	  .parse = parse_cipher,
	  .expected = "chacha20-poly1305, aes-256-gcm or none" },
	{ "IndirectData", HOST(indirect_data, bool), .parse = parse_flag,
	  .expected = YES_OR_NO },
	{ "Weight", HOST(weight, int), HOST_SET_FLAG(weight_set),
	  .parse = parse_int, .max = INT_MAX,
	  .expected = "a non-negative integer" },
	{ "TCPOnly", HOST(tcp_only, bool), .parse = parse_flag,
	  .expected = YES_OR_NO },
	/* 0-12 are tinc's levels (zlib, LZO, LZ4). */
	{ "Compression", HOST(compression, int), .parse = parse_compression,
	  .max = 12, .expected = "a compression level from 0 to 12" },
	{ "Ed25519PublicKey", HOST(keys.ed25519_public_key, char *),
	  .parse = parse_ed25519_key,
	  .expected = "a 32-byte key in base64 (43 characters)" },
};

/*
 * tinc 1.0 / 1.1 variables meshvpn does not implement: named as such in
 * the warning, so a tinc user knows the line is understood but unused.
 */
static const char *const tinc_only_vars[] = {
	"AutoConnect", "BindToInterface", "Broadcast", "BroadcastSubnet",
	"ClampMSS", "DecrementTTL", "DeviceStandby", "DeviceType", "Digest",
	"DirectOnly", "DisableBuggyPeers", "Ed25519PublicKeyFile",
	"ExperimentalProtocol", "Forwarding", "FWMark", "GraphDumpFile",
	"Hostnames", "IffOneQueue", "InvitationExpire", "KeyExpire",
	"ListenAddress", "LocalDiscovery", "MACExpire", "MACLength",
	"MaxOutputBufferSize", "MaxTimeout",
	"MinTimeout", "MTUInfoInterval", "PMTU", "PMTUDiscovery",
	"PriorityInheritance", "PrivateKey", "ProcessPriority", "Proxy",
	"PublicKey", "PublicKeyFile", "ReplayWindow", "Sandbox",
	"ScriptsExtension", "ScriptsInterpreter", "UDPDiscovery",
	"UDPDiscoveryInterval", "UDPDiscoveryKeepaliveInterval",
	"UDPDiscoveryTimeout", "UDPInfoInterval", "UDPRcvBuf", "UDPSndBuf",
	"UPnP", "UPnPDiscoverWait", "UPnPRefreshPeriod", "VDEGroup",
	"VDEPort",
};

static const struct mv_config_var *find_var(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mv_config_vars); i++)
		if (!strcasecmp(mv_config_vars[i].name, name))
			return &mv_config_vars[i];
	return NULL;
}

static bool is_tinc_only_var(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tinc_only_vars); i++)
		if (!strcasecmp(tinc_only_vars[i], name))
			return true;
	return false;
}

/* ---- applying files ---- */

void mv_config_apply_init(struct mv_config_apply *a, struct mv_config *srv,
			  struct mv_host_config *host, struct mv_diag *diag)
{
	memset(a, 0, sizeof(*a));
	a->srv = srv;
	a->host = host;
	a->diag = diag;
}

void mv_config_apply_free(struct mv_config_apply *a)
{
	free(a->connect_to_where);
	mv_subnet_table_free(a->seen_subnets);
}

static int apply_entry(struct mv_config_apply *a,
		       enum mv_config_file_kind kind, const char *file,
		       const struct mv_config_entry *e)
{
	const struct mv_config_var *var = find_var(e->variable);
	struct mv_config_setting s;
	struct mv_config_where *first;
	int ret;

	if (!var) {
		if (is_tinc_only_var(e->variable))
			mv_diag_warn(a->diag, file, e->line,
				     "unknown or obsolete variable %s, ignored (a tinc variable meshvpn does not implement)",
				     e->variable);
		else
			mv_diag_warn(a->diag, file, e->line,
				     "unknown or obsolete variable %s, ignored",
				     e->variable);
		return 0;
	}
	if (var->scope == MV_SCOPE_SERVER && kind == MV_CONFIG_HOST_FILE) {
		mv_diag_warn(a->diag, file, e->line,
			     "server variable %s has no effect in a host file, ignored",
			     var->name);
		return 0;
	}
	first = &a->first[var - mv_config_vars];
	if (first->file && !var->repeats) {
		mv_diag_warn(a->diag, file, e->line,
			     "%s already set in %s line %u, this value is ignored",
			     var->name, first->file, first->line);
		return 0;
	}
	s = (struct mv_config_setting){
		.apply = a,
		.var = var,
		.value = e->value,
		.where = { file, e->line },
		.target = var->scope == MV_SCOPE_SERVER ? (void *)a->srv :
							  (void *)a->host,
	};
	if (!first->file)
		*first = s.where;
	ret = var->parse(&s);
	if (!ret && var->has_set_flag)
		*(bool *)((char *)s.target + var->set_flag) = true;
	return ret < 0 ? ret : 0;
}

int mv_config_apply_file(struct mv_config_apply *a,
			 enum mv_config_file_kind kind, const char *file,
			 const struct mv_config_file *lexed)
{
	size_t i;
	int ret;

	for (i = 0; i < lexed->n_pem_blocks; i++) {
		if (kind == MV_CONFIG_SERVER_FILE) {
			mv_diag_warn(a->diag, file, lexed->pem_lines[i],
				     "key block in a server configuration file ignored (public keys belong in hosts/NAME)");
			continue;
		}
		ret = mv_array_push_string(&a->host->keys.pem_keys,
					   &a->host->keys.n_pem_keys,
					   lexed->pem_blocks[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < lexed->n_entries; i++) {
		ret = apply_entry(a, kind, file, &lexed->entries[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- finishing ---- */

int mv_config_apply_finish_name(struct mv_config_apply *a,
				const char *main_file)
{
	const struct mv_config_where *w = &a->first[VAR_NAME];
	struct mv_config *c = a->srv;
	char err[256], *raw = c->name;
	int ret;

	/* Until now, the name as written. */
	if (!raw) {
		mv_diag_error(a->diag, main_file, 0,
			      "Name is not set: every node needs a Name");
		return -EINVAL;
	}
	c->name = NULL;
	ret = mv_config_expand_name(raw, &c->name, err, sizeof(err));
	if (ret == -EINVAL)
		mv_diag_error(a->diag, w->file, w->line,
			      "invalid Name \"%s\": %s", raw, err);
	free(raw);
	return ret;
}

void mv_config_finish_host(struct mv_host_config *h)
{
	size_t i;

	if (h->tcp_only)
		h->indirect_data = true;
	for (i = 0; i < h->n_addresses; i++)
		if (!h->addresses[i].port_given)
			h->addresses[i].port = h->port;
}

/* Relative key file names are relative to the configuration directory. */
static int resolve_key_file(const char *confdir, char **file,
			    const char *dflt)
{
	char *p;

	if (!*file) {
		*file = strdup(dflt);
		if (!*file)
			return -ENOMEM;
	}
	if (!confdir || (*file)[0] == '/')
		return 0;
	p = mv_path_join(confdir, *file);
	if (!p)
		return -ENOMEM;
	free(*file);
	*file = p;
	return 0;
}

struct name_ref {
	const char *name;
	size_t index;
};

static int cmp_name_ref(const void *pa, const void *pb)
{
	const struct name_ref *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * A ConnectTo without hosts/NAME can never connect (no address, no key):
 * name the file that is missing, so that is what gets fixed.
 */
static int check_connect_to_host(struct mv_config_apply *a, const char *name,
				 const struct mv_config_where *w)
{
	char *hostdir, *path;
	struct stat st;

	hostdir = mv_path_join(a->srv->confdir, "hosts");
	path = hostdir ? mv_path_join(hostdir, name) : NULL;
	free(hostdir);
	if (!path)
		return -ENOMEM;
	if (stat(path, &st) && errno == ENOENT)
		mv_diag_warn(a->diag, w->file, w->line,
			     "ConnectTo %s: no host file %s", name, path);
	free(path);
	return 0;
}

/*
 * Drop repeated ConnectTo names and the node's own name, keeping file
 * order. Sorting a copy keeps this O(n log n) however long the list.
 */
static int finish_connect_to(struct mv_config_apply *a)
{
	struct mv_config *c = a->srv;
	size_t n = c->n_connect_to, i, k;
	struct name_ref *refs;
	bool *drop;
	int ret = 0;

	if (!n)
		return 0;
	refs = malloc(n * sizeof(*refs));
	drop = calloc(n, sizeof(*drop));
	if (!refs || !drop) {
		free(refs);
		free(drop);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		refs[i] = (struct name_ref){ c->connect_to[i], i };
	qsort(refs, n, sizeof(*refs), cmp_name_ref);
	for (i = 1; i < n; i++)
		if (!strcmp(refs[i].name, refs[i - 1].name))
			drop[refs[i].index] = true;
	free(refs);

	for (i = 0, k = 0; i < n; i++) {
		const struct mv_config_where *w = &a->connect_to_where[i];

		if (drop[i]) {
			mv_diag_warn(a->diag, w->file, w->line,
				     "duplicate ConnectTo %s, ignored",
				     c->connect_to[i]);
		} else if (!strcmp(c->connect_to[i], c->name)) {
			mv_diag_warn(a->diag, w->file, w->line,
				     "ConnectTo %s names this node itself, ignored",
				     c->name);
			drop[i] = true;
		}
		if (drop[i]) {
			free(c->connect_to[i]);
			continue;
		}
		c->connect_to[k++] = c->connect_to[i];
		if (c->confdir && !ret)
			ret = check_connect_to_host(a, c->connect_to[i], w);
	}
	c->n_connect_to = k;
	free(drop);
	return ret;
}

int mv_config_apply_finish_server(struct mv_config_apply *a)
{
	const struct mv_config_where *pt = &a->first[VAR_PING_TIMEOUT];
	struct mv_config *c = a->srv;
	size_t i;
	int ret;

	/* tinc: 0 means "as long as the interval", and it never exceeds it. */
	if (!c->ping_timeout) {
		c->ping_timeout = c->ping_interval;
	} else if (c->ping_timeout > c->ping_interval) {
		mv_diag_warn(a->diag, pt->file, pt->line,
			     "PingTimeout %u is longer than PingInterval %u, using %u",
			     c->ping_timeout, c->ping_interval,
			     c->ping_interval);
		c->ping_timeout = c->ping_interval;
	}

	/* Explicit settings win over what TunnelServer implies. */
	if (c->tunnel_server) {
		if (!a->first[VAR_STRICT_SUBNETS].file)
			c->strict_subnets = true;
		if (!a->first[VAR_STRICT_KEYS].file)
			c->strict_keys = true;
	}

	ret = finish_connect_to(a);
	if (ret)
		return ret;

	mv_config_finish_host(&c->self);
	if (!c->self.name) {
		c->self.name = strdup(c->name);
		if (!c->self.name)
			return -ENOMEM;
	}
	c->port = c->self.port;
	if (c->self.cipher_set)
		c->cipher = c->self.cipher;
	else
		c->self.cipher = c->cipher;
	for (i = 0; i < c->n_bind_to; i++)
		if (!c->bind_to[i].port_given)
			c->bind_to[i].port = c->port;

	ret = resolve_key_file(c->confdir, &c->private_key_file,
			       "rsa_key.priv");
	if (!ret)
		ret = resolve_key_file(c->confdir,
				       &c->ed25519_private_key_file,
				       "ed25519_key.priv");
	return ret;
}
