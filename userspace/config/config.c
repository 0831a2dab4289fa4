// SPDX-License-Identifier: GPL-2.0
/*
 * tinc-compatible configuration files. Two layers: a lexer that turns a
 * buffer into (variable, value, line) entries and PEM blocks, and an
 * interpreter that applies entries to typed server and host structs.
 * Loading a directory is the lexer and interpreter run over the files in
 * tinc's order, followed by a final pass for defaults that depend on
 * several variables (ping timeout capping, ports of addresses).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>


#include "lib/array.h"
#include "lib/file.h"
#include "config/config.h"
#include "crypto/pem.h"

/* ---- small helpers ---- */

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ASCII only: locale must not change what a valid name is. */
static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* 0 if @path exists, -ENOENT if not, another -errno if we cannot tell. */
static int path_exists(const char *path)
{
	struct stat st;

	if (!stat(path, &st))
		return 0;
	return -errno;
}

/* ---- lexer ---- */

void mv_config_file_free(struct mv_config_file *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_entries; i++) {
		free(f->entries[i].variable);
		free(f->entries[i].value);
	}
	free(f->entries);
	for (i = 0; i < f->n_pem_blocks; i++)
		free(f->pem_blocks[i]);
	free(f->pem_blocks);
	free(f->pem_lines);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

struct strbuf {
	char *s;
	size_t len, cap;
};

static int strbuf_add(struct strbuf *b, const char *s, size_t len)
{
	if (b->len + len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap < b->len + len + 2)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len++] = '\n';
	b->s[b->len] = '\0';
	return 0;
}

static int push_entry(struct mv_config_file *f, const char *var,
		      size_t varlen, const char *val, size_t vallen,
		      unsigned int line)
{
	struct mv_config_entry *e;

	e = mv_array_grow(f->entries, f->n_entries, sizeof(*e));
	if (!e)
		return -ENOMEM;
	f->entries = e;
	e = &f->entries[f->n_entries];
	e->variable = strndup(var, varlen);
	e->value = strndup(val, vallen);
	e->line = line;
	if (!e->variable || !e->value) {
		free(e->variable);
		free(e->value);
		return -ENOMEM;
	}
	f->n_entries++;
	return 0;
}

static int push_pem(struct mv_config_file *f, struct strbuf *b,
		    unsigned int line)
{
	char **blocks;
	unsigned int *lines;

	blocks = mv_array_grow(f->pem_blocks, f->n_pem_blocks, sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;
	f->pem_blocks = blocks;
	lines = mv_array_grow(f->pem_lines, f->n_pem_blocks, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	f->pem_lines = lines;
	f->pem_blocks[f->n_pem_blocks] = b->s;
	f->pem_lines[f->n_pem_blocks] = line;
	f->n_pem_blocks++;
	memset(b, 0, sizeof(*b));
	return 0;
}

/* One "Variable [=] Value" line, already trimmed and non-empty. */
static int lex_assignment(struct mv_config_file *f, const char *s,
			  const char *e, unsigned int lineno,
			  struct mv_diag *diag)
{
	const char *var = s, *val, *c;
	size_t varlen;

	while (s < e && !is_blank(*s) && *s != '=')
		s++;
	varlen = (size_t)(s - var);
	if (!varlen) {
		mv_diag_error(diag, f->path, lineno, "missing variable name");
		return -EINVAL;
	}
	while (s < e && is_blank(*s))
		s++;
	if (s < e && *s == '=')
		s++;
	while (s < e && is_blank(*s))
		s++;
	val = s;

	/*
	 * A trailing comment is a '#' with whitespace on both sides (or the
	 * line end after it): "10.0.0.0/8#5" keeps its weight, and the typo
	 * "10.0.0.0/8 #5" stays an error instead of silently losing it.
	 * c[-1] is always inside the line, as the variable precedes val.
	 */
	for (c = val; c < e; c++) {
		if (*c == '#' && is_blank(c[-1]) &&
		    (c + 1 == e || is_blank(c[1]))) {
			e = c;
			break;
		}
	}
	while (e > val && is_blank(e[-1]))
		e--;
	if (e == val) {
		mv_diag_error(diag, f->path, lineno,
			      "no value for variable %.*s",
			      (int)varlen, var);
		return -EINVAL;
	}
	return push_entry(f, var, varlen, val, (size_t)(e - val), lineno);
}

int mv_config_parse_buffer(const char *buf, size_t len, const char *path,
			   struct mv_config_file *out, struct mv_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct mv_pem_scanner pem_scan;
	struct strbuf pem = { 0 };
	enum mv_pem_line what;
	unsigned int lineno = 0, pem_line = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->path = strdup(path ? path : "<buffer>");
	if (!out->path)
		return -ENOMEM;
	mv_pem_scanner_init(&pem_scan);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;
		size_t ll = (size_t)(le - p);

		lineno++;
		p = nl ? nl + 1 : end;

		if (memchr(s, '\0', ll)) {
			mv_diag_error(diag, out->path, lineno,
				      "NUL byte in line");
			ret = -EINVAL;
			goto fail;
		}
		if (ll && s[ll - 1] == '\r')
			ll--;
		if (ll > MV_CONFIG_MAX_LINE) {
			mv_diag_error(diag, out->path, lineno,
				      "line too long (more than %u characters)",
				      MV_CONFIG_MAX_LINE);
			ret = -EINVAL;
			goto fail;
		}
		while (s < e && is_blank(*s))
			s++;
		while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
			e--;
		ll = (size_t)(e - s);

		/* Inside a key block, blank and '#' lines are the key's. */
		if (!pem_scan.label && (!ll || *s == '#'))
			continue;

		what = mv_pem_scan_line(&pem_scan, s, ll, lineno);
		switch (what) {
		case MV_PEM_TEXT:
			ret = lex_assignment(out, s, e, lineno, diag);
			break;
		case MV_PEM_BEGIN:
			pem_line = lineno;
			ret = strbuf_add(&pem, s, ll);
			break;
		case MV_PEM_BODY:
			ret = strbuf_add(&pem, s, ll);
			break;
		case MV_PEM_END:
			ret = strbuf_add(&pem, s, ll);
			if (!ret)
				ret = push_pem(out, &pem, pem_line);
			break;
		default:
			mv_pem_report(&pem_scan, what, out->path, lineno, diag);
			ret = -EINVAL;
			break;
		}
		if (ret)
			goto fail;
	}

	what = mv_pem_scan_end(&pem_scan);
	if (what != MV_PEM_TEXT) {
		mv_pem_report(&pem_scan, what, out->path, lineno, diag);
		ret = -EINVAL;
		goto fail;
	}
	return 0;

fail:
	free(pem.s);
	mv_config_file_free(out);
	return ret;
}

/* ---- names ---- */

bool mv_config_valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (; *name; name++)
		if (!is_alnum((unsigned char)*name) && *name != '_')
			return false;
	return true;
}

int mv_config_expand_name(const char *value, char **out, char *err,
			  size_t errlen)
{
	char host[256];
	const char *src = value;
	char *name, *c;

	*out = NULL;
	if (value[0] == '$') {
		const char *var = value + 1;

		if (!*var) {
			snprintf(err, errlen,
				 "\"$\" must be followed by a variable name");
			return -EINVAL;
		}
		src = getenv(var);
		if (!src && !strcmp(var, "HOST")) {
			if (gethostname(host, sizeof(host))) {
				snprintf(err, errlen,
					 "cannot get the host name: %s",
					 strerror(errno));
				return -EINVAL;
			}
			host[sizeof(host) - 1] = '\0';
			src = host;
		}
		if (!src) {
			snprintf(err, errlen,
				 "environment variable %s is not set", var);
			return -EINVAL;
		}
	}

	name = strdup(src);
	if (!name)
		return -ENOMEM;
	/* tinc's rule: environment values are made into names, not refused. */
	if (src != value)
		for (c = name; *c; c++)
			if (!is_alnum((unsigned char)*c))
				*c = '_';
	if (!*name) {
		snprintf(err, errlen, "%s expands to an empty name", value);
		free(name);
		return -EINVAL;
	}
	if (!mv_config_valid_name(name)) {
		snprintf(err, errlen,
			 "only letters, digits and '_' are allowed in node names");
		free(name);
		return -EINVAL;
	}
	*out = name;
	return 0;
}

/* ---- value parsers ---- */

static bool parse_ullong(const char *s, unsigned long long max,
			 unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned long long)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*out = v;
	return true;
}

static bool parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long long v;

	if (!parse_ullong(s, max, &v))
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool parse_port(const char *s, unsigned int min, uint16_t *out)
{
	unsigned int v;

	if (!parse_uint(s, 65535, &v) || v < min)
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on" };
	static const char *const no[] = { "no", "false", "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* Linux's rule for interface names (dev_valid_name). */
static bool valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= 16 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || *s == '\t' ||
		    (unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool valid_dns_name(const char *s)
{
	size_t total = strlen(s), label = 0;

	if (!total || total > 253)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (!label)
				return false;
			label = 0;
		} else if (is_alnum((unsigned char)*s) || *s == '-' ||
			   *s == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static bool only_digits_and_dots(const char *s)
{
	for (; *s; s++)
		if (*s != '.' && (*s < '0' || *s > '9'))
			return false;
	return true;
}

/* An IP literal (IPv6 with an optional %scope) or a DNS name. */
static bool valid_host(const char *s, const char **why)
{
	unsigned char addr[16];
	const char *pct;

	if (strchr(s, ':')) {
		char tmp[64];
		size_t len;

		pct = strchr(s, '%');
		len = pct ? (size_t)(pct - s) : strlen(s);
		if (len >= sizeof(tmp) || (pct && !valid_ifname(pct + 1))) {
			*why = "invalid IPv6 address";
			return false;
		}
		memcpy(tmp, s, len);
		tmp[len] = '\0';
		if (inet_pton(AF_INET6, tmp, addr) != 1) {
			*why = "invalid IPv6 address";
			return false;
		}
		return true;
	}
	if (only_digits_and_dots(s)) {
		if (inet_pton(AF_INET, s, addr) != 1) {
			*why = "invalid IPv4 address";
			return false;
		}
		return true;
	}
	if (!valid_dns_name(s)) {
		*why = "not an IP address or a valid host name";
		return false;
	}
	return true;
}

/* ---- typed layer ---- */

enum var_id {
	V_NAME,
	V_CONNECT_TO,
	V_ADDRESS_FAMILY,
	V_INTERFACE,
	V_DEVICE,
	V_BIND_TO_ADDRESS,
	V_MODE,
	V_PING_INTERVAL,
	V_PING_TIMEOUT,
	V_STRICT_SUBNETS,
	V_STRICT_KEYS,
	V_TUNNEL_SERVER,
	V_DATA_PLANE,
	V_PRIVATE_KEY_FILE,
	V_ED25519_PRIVATE_KEY_FILE,
	V_LOG_LEVEL,
	V_ADDRESS,
	V_PORT,
	V_SUBNET,
	V_CIPHER,
	V_INDIRECT_DATA,
	V_WEIGHT,
	V_TCP_ONLY,
	V_COMPRESSION,
	V_ED25519_PUBLIC_KEY,
	V_COUNT
};

#define SCOPE_SERVER	0x1
#define SCOPE_HOST	0x2

struct var_def {
	const char *name;
	enum var_id id;
	unsigned int scope;
	bool multi;
};

static const struct var_def var_defs[] = {
	{ "Name", V_NAME, SCOPE_SERVER, false },
	{ "ConnectTo", V_CONNECT_TO, SCOPE_SERVER, true },
	{ "AddressFamily", V_ADDRESS_FAMILY, SCOPE_SERVER, false },
	{ "Interface", V_INTERFACE, SCOPE_SERVER, false },
	{ "Device", V_DEVICE, SCOPE_SERVER, false },
	{ "BindToAddress", V_BIND_TO_ADDRESS, SCOPE_SERVER, true },
	{ "Mode", V_MODE, SCOPE_SERVER, false },
	{ "PingInterval", V_PING_INTERVAL, SCOPE_SERVER, false },
	{ "PingTimeout", V_PING_TIMEOUT, SCOPE_SERVER, false },
	{ "StrictSubnets", V_STRICT_SUBNETS, SCOPE_SERVER, false },
	{ "StrictKeys", V_STRICT_KEYS, SCOPE_SERVER, false },
	{ "TunnelServer", V_TUNNEL_SERVER, SCOPE_SERVER, false },
	{ "DataPlane", V_DATA_PLANE, SCOPE_SERVER, false },
	{ "PrivateKeyFile", V_PRIVATE_KEY_FILE, SCOPE_SERVER, false },
	{ "Ed25519PrivateKeyFile", V_ED25519_PRIVATE_KEY_FILE, SCOPE_SERVER,
	  false },
	{ "LogLevel", V_LOG_LEVEL, SCOPE_SERVER, false },
	{ "Address", V_ADDRESS, SCOPE_HOST, true },
	{ "Port", V_PORT, SCOPE_HOST, false },
	{ "Subnet", V_SUBNET, SCOPE_HOST, true },
	{ "Cipher", V_CIPHER, SCOPE_HOST, false },
	{ "IndirectData", V_INDIRECT_DATA, SCOPE_HOST, false },
	{ "Weight", V_WEIGHT, SCOPE_HOST, false },
	{ "TCPOnly", V_TCP_ONLY, SCOPE_HOST, false },
	{ "Compression", V_COMPRESSION, SCOPE_HOST, false },
	{ "Ed25519PublicKey", V_ED25519_PUBLIC_KEY, SCOPE_HOST, false },
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
	"MaxConnectionBurst", "MaxOutputBufferSize", "MaxTimeout",
	"MinTimeout", "MTUInfoInterval", "PMTU", "PMTUDiscovery",
	"PriorityInheritance", "PrivateKey", "ProcessPriority", "Proxy",
	"PublicKey", "PublicKeyFile", "ReplayWindow", "Sandbox",
	"ScriptsExtension", "ScriptsInterpreter", "UDPDiscovery",
	"UDPDiscoveryInterval", "UDPDiscoveryKeepaliveInterval",
	"UDPDiscoveryTimeout", "UDPInfoInterval", "UDPRcvBuf", "UDPSndBuf",
	"UPnP", "UPnPDiscoverWait", "UPnPRefreshPeriod", "VDEGroup",
	"VDEPort",
};

/*
 * OpenSSL cipher families tinc's legacy protocol used: such a Cipher is
 * a working tinc setting, so it is ignored with a warning, not refused.
 */
static const char *const tinc_cipher_prefixes[] = {
	"aes", "aria", "bf", "blowfish", "camellia", "cast", "des", "idea",
	"rc2", "rc4", "rc5", "seed", "sm4",
};

static const struct var_def *find_var(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(var_defs); i++)
		if (!strcasecmp(var_defs[i].name, name))
			return &var_defs[i];
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

const char *mv_address_family_name(enum mv_address_family af)
{
	switch (af) {
	case MV_AF_IPV4:
		return "ipv4";
	case MV_AF_IPV6:
		return "ipv6";
	case MV_AF_ANY:
		break;
	}
	return "any";
}

const char *mv_mode_name(enum mv_mode mode)
{
	switch (mode) {
	case MV_MODE_SWITCH:
		return "switch";
	case MV_MODE_HUB:
		return "hub";
	case MV_MODE_ROUTER:
		break;
	}
	return "router";
}

const char *mv_data_plane_name(enum mv_data_plane dp)
{
	switch (dp) {
	case MV_DATA_PLANE_KERNEL:
		return "kernel";
	case MV_DATA_PLANE_BPF:
		return "bpf";
	case MV_DATA_PLANE_USERSPACE:
		return "userspace";
	case MV_DATA_PLANE_AUTO:
		break;
	}
	return "auto";
}

/* Case-insensitive lookup of @s among @n names; index or -1. */
static int pick(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(s, names[i]))
			return i;
	return -1;
}

enum file_kind {
	KIND_SERVER,	/* meshvpn.conf, tinc.conf, conf.d */
	KIND_OWN_HOST,	/* hosts/NAME of the local node */
	KIND_HOST,	/* any hosts/NAME read on its own */
};

struct where {
	const char *file;	/* owned by the config being built */
	unsigned int line;
};

struct apply_ctx {
	struct mv_config *srv;		/* NULL for KIND_HOST */
	struct mv_host_config *host;	/* the node the host variables set */
	struct mv_diag *diag;
	struct where first[V_COUNT];	/* where each variable was first set */
	char *raw_name;			/* Name before expansion */
	bool tunnel_server;
	/* Duplicate detection that stays fast for huge files. */
	struct where *connect_to_where;	/* parallel to srv->connect_to */
	struct mv_subnet_table *seen_subnets;
};

static void host_init(struct mv_host_config *h)
{
	memset(h, 0, sizeof(*h));
	h->port = MV_CONFIG_DEFAULT_PORT;
	h->cipher = MV_CIPHER_CHACHA20_POLY1305;
}

void mv_host_config_init(struct mv_host_config *h)
{
	host_init(h);
}

void mv_config_init(struct mv_config *c)
{
	memset(c, 0, sizeof(*c));
	c->address_family = MV_AF_ANY;
	c->mode = MV_MODE_ROUTER;
	c->ping_interval = MV_CONFIG_DEFAULT_PING_INTERVAL;
	c->ping_timeout = MV_CONFIG_DEFAULT_PING_TIMEOUT;
	c->data_plane = MV_DATA_PLANE_AUTO;
	c->cipher = MV_CIPHER_CHACHA20_POLY1305;
	c->port = MV_CONFIG_DEFAULT_PORT;
	c->log_level = -1;
	host_init(&c->self);
}

static void free_endpoints(struct mv_endpoint *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].host);
	free(e);
}

void mv_host_config_free(struct mv_host_config *h)
{
	size_t i;

	if (!h)
		return;
	free(h->name);
	free(h->path);
	free_endpoints(h->addresses, h->n_addresses);
	free(h->subnets);
	for (i = 0; i < h->keys.n_pem_keys; i++)
		free(h->keys.pem_keys[i]);
	free(h->keys.pem_keys);
	free(h->keys.ed25519_public_key);
	host_init(h);
}

void mv_config_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void mv_config_free(struct mv_config *c)
{
	if (!c)
		return;
	free(c->confdir);
	mv_config_free_names(c->files, c->n_files);
	free(c->name);
	mv_config_free_names(c->connect_to, c->n_connect_to);
	free(c->interface);
	free(c->device);
	free_endpoints(c->bind_to, c->n_bind_to);
	free(c->private_key_file);
	free(c->ed25519_private_key_file);
	mv_host_config_free(&c->self);
	mv_config_init(c);
}

static int push_string(char ***arr, size_t *n, const char *s)
{
	char **a = mv_array_grow(*arr, *n, sizeof(**arr));
	char *copy;

	if (!a)
		return -ENOMEM;
	*arr = a;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	a[(*n)++] = copy;
	return 0;
}

static int set_string(char **dst, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		return -ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

/*
 * "host [port]". A port of 0 is accepted only where it means "pick one"
 * (BindToAddress); "*" only where it means "any address".
 */
static int parse_endpoint(struct apply_ctx *ctx, const struct where *w,
			  const char *var, const char *value, bool listen,
			  struct mv_endpoint *out)
{
	char *copy = strdup(value), *host, *port, *extra, *save = NULL;
	const char *why = NULL;
	int ret = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (!copy)
		return -ENOMEM;
	host = strtok_r(copy, " \t", &save);
	port = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!host || extra) {
		mv_diag_error(ctx->diag, w->file, w->line,
			      "invalid %s \"%s\": expected \"ADDRESS [PORT]\"",
			      var, value);
		goto out;
	}
	if (port) {
		if (!parse_port(port, listen ? 0 : 1, &out->port)) {
			mv_diag_error(ctx->diag, w->file, w->line,
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
	if (!valid_host(host, &why)) {
		mv_diag_error(ctx->diag, w->file, w->line,
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

static int push_endpoint(struct mv_endpoint **arr, size_t *n,
			 struct mv_endpoint *ep)
{
	struct mv_endpoint *a = mv_array_grow(*arr, *n, sizeof(**arr));

	if (!a) {
		free(ep->host);
		return -ENOMEM;
	}
	*arr = a;
	a[(*n)++] = *ep;
	return 0;
}

static int bad_value(struct apply_ctx *ctx, const struct where *w,
		     const char *var, const char *value, const char *expected)
{
	mv_diag_error(ctx->diag, w->file, w->line,
		      "invalid %s \"%s\": expected %s", var, value, expected);
	return -EINVAL;
}

static int apply_bool(struct apply_ctx *ctx, const struct where *w,
		      const char *var, const char *value, bool *out)
{
	if (!parse_bool(value, out))
		return bad_value(ctx, w, var, value, "yes or no");
	return 0;
}

static int apply_cipher(struct apply_ctx *ctx, const struct where *w,
			const char *value)
{
	size_t k;

	if (mv_cipher_from_name(value, &ctx->host->cipher)) {
		ctx->host->cipher_set = true;
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(tinc_cipher_prefixes); k++) {
		const char *p = tinc_cipher_prefixes[k];

		if (!strncasecmp(value, p, strlen(p))) {
			mv_diag_warn(ctx->diag, w->file, w->line,
				     "Cipher %s is a tinc legacy cipher meshvpn does not have, ignored (meshvpn uses chacha20-poly1305, aes-256-gcm or none)",
				     value);
			return 0;
		}
	}
	return bad_value(ctx, w, "Cipher", value,
			 "chacha20-poly1305, aes-256-gcm or none");
}

static bool valid_ed25519_b64(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!is_alnum((unsigned char)*s) && *s != '+' && *s != '/' &&
		    *s != '-' && *s != '_')
			return false;
	/* 32 bytes in base64 without padding, as tinc 1.1 writes them. */
	return n == 43;
}

static int apply_subnet(struct apply_ctx *ctx, const struct where *w,
			const char *value)
{
	struct mv_host_config *h = ctx->host;
	char err[MV_SUBNET_ERRLEN];
	struct mv_subnet s, *arr;
	int ret;

	if (mv_subnet_parse(value, &s, err, sizeof(err))) {
		mv_diag_error(ctx->diag, w->file, w->line,
			      "invalid Subnet \"%s\": %s", value, err);
		return -EINVAL;
	}
	if (!ctx->seen_subnets) {
		ctx->seen_subnets = mv_subnet_table_new();
		if (!ctx->seen_subnets)
			return -ENOMEM;
	}
	ret = mv_subnet_table_add(ctx->seen_subnets, &s, NULL);
	if (ret == -EEXIST) {
		mv_diag_warn(ctx->diag, w->file, w->line,
			     "duplicate Subnet %s, ignored", value);
		return 0;
	}
	if (ret)
		return ret;
	arr = mv_array_grow(h->subnets, h->n_subnets, sizeof(*arr));
	if (!arr)
		return -ENOMEM;
	h->subnets = arr;
	arr[h->n_subnets++] = s;
	return 0;
}

static int apply_server_var(struct apply_ctx *ctx, const struct var_def *def,
			    const struct where *w, const char *value)
{
	static const char *const families[] = {
		[MV_AF_ANY] = "any", [MV_AF_IPV4] = "ipv4",
		[MV_AF_IPV6] = "ipv6",
	};
	static const char *const modes[] = {
		[MV_MODE_ROUTER] = "router", [MV_MODE_SWITCH] = "switch",
		[MV_MODE_HUB] = "hub",
	};
	static const char *const planes[] = {
		[MV_DATA_PLANE_AUTO] = "auto",
		[MV_DATA_PLANE_KERNEL] = "kernel",
		[MV_DATA_PLANE_BPF] = "bpf",
		[MV_DATA_PLANE_USERSPACE] = "userspace",
	};
	struct mv_config *c = ctx->srv;
	struct mv_endpoint ep;
	struct where *wh;
	unsigned int u;
	int k, ret;
	bool b;

	switch (def->id) {
	case V_NAME:
		return set_string(&ctx->raw_name, value);
	case V_CONNECT_TO:
		if (!mv_config_valid_name(value)) {
			mv_diag_error(ctx->diag, w->file, w->line,
				      "invalid node name \"%s\" in ConnectTo: only letters, digits and '_' are allowed",
				      value);
			return -EINVAL;
		}
		wh = mv_array_grow(ctx->connect_to_where, c->n_connect_to,
			      sizeof(*wh));
		if (!wh)
			return -ENOMEM;
		ctx->connect_to_where = wh;
		wh[c->n_connect_to] = *w;
		return push_string(&c->connect_to, &c->n_connect_to, value);
	case V_ADDRESS_FAMILY:
		k = pick(value, families, (int)ARRAY_SIZE(families));
		if (k < 0)
			return bad_value(ctx, w, def->name, value,
					 "ipv4, ipv6 or any");
		c->address_family = (enum mv_address_family)k;
		return 0;
	case V_INTERFACE:
		if (!valid_ifname(value))
			return bad_value(ctx, w, def->name, value,
					 "an interface name of at most 15 characters without '/', ':' or spaces");
		return set_string(&c->interface, value);
	case V_DEVICE:
		return set_string(&c->device, value);
	case V_BIND_TO_ADDRESS:
		ret = parse_endpoint(ctx, w, def->name, value, true, &ep);
		if (ret)
			return ret;
		return push_endpoint(&c->bind_to, &c->n_bind_to, &ep);
	case V_MODE:
		k = pick(value, modes, (int)ARRAY_SIZE(modes));
		if (k < 0)
			return bad_value(ctx, w, def->name, value,
					 "router, switch or hub");
		if (k != MV_MODE_ROUTER) {
			mv_diag_error(ctx->diag, w->file, w->line,
				      "Mode = %s is not supported yet: meshvpn implements only Mode = router",
				      modes[k]);
			return -ENOTSUP;
		}
		c->mode = MV_MODE_ROUTER;
		return 0;
	case V_PING_INTERVAL:
		if (!parse_uint(value, INT_MAX, &u))
			return bad_value(ctx, w, def->name, value,
					 "a number of seconds");
		/* tinc's meaning of 0: practically never. */
		c->ping_interval = u ? u : 86400;
		return 0;
	case V_PING_TIMEOUT:
		if (!parse_uint(value, INT_MAX, &u))
			return bad_value(ctx, w, def->name, value,
					 "a number of seconds");
		c->ping_timeout = u;
		return 0;
	case V_STRICT_SUBNETS:
		return apply_bool(ctx, w, def->name, value,
				  &c->strict_subnets);
	case V_STRICT_KEYS:
		return apply_bool(ctx, w, def->name, value, &c->strict_keys);
	case V_TUNNEL_SERVER:
		ret = apply_bool(ctx, w, def->name, value, &b);
		if (ret)
			return ret;
		if (b)
			mv_diag_warn(ctx->diag, w->file, w->line,
				     "TunnelServer is not supported by meshvpn: enabling StrictSubnets and StrictKeys instead (meta information is still forwarded between nodes)");
		ctx->tunnel_server = b;
		return 0;
	case V_DATA_PLANE:
		k = pick(value, planes, (int)ARRAY_SIZE(planes));
		if (k < 0)
			return bad_value(ctx, w, def->name, value,
					 "auto, kernel, bpf or userspace");
		c->data_plane = (enum mv_data_plane)k;
		return 0;
	case V_PRIVATE_KEY_FILE:
		return set_string(&c->private_key_file, value);
	case V_ED25519_PRIVATE_KEY_FILE:
		return set_string(&c->ed25519_private_key_file, value);
	case V_LOG_LEVEL:
		if (!parse_uint(value, INT_MAX, &u))
			return bad_value(ctx, w, def->name, value,
					 "a debug level (0 or more)");
		c->log_level = (int)u;
		return 0;
	default:
		break;
	}
	return 0;
}

static int apply_host_var(struct apply_ctx *ctx, const struct var_def *def,
			  const struct where *w, const char *value)
{
	struct mv_host_config *h = ctx->host;
	struct mv_endpoint ep;
	unsigned int u;
	int ret;

	switch (def->id) {
	case V_ADDRESS:
		ret = parse_endpoint(ctx, w, def->name, value, false, &ep);
		if (ret)
			return ret;
		return push_endpoint(&h->addresses, &h->n_addresses, &ep);
	case V_PORT:
		if (!parse_port(value, 0, &h->port))
			return bad_value(ctx, w, def->name, value,
					 "a port number from 0 to 65535");
		h->port_set = true;
		return 0;
	case V_SUBNET:
		return apply_subnet(ctx, w, value);
	case V_CIPHER:
		return apply_cipher(ctx, w, value);
	case V_INDIRECT_DATA:
		return apply_bool(ctx, w, def->name, value, &h->indirect_data);
	case V_WEIGHT:
		if (!parse_uint(value, INT_MAX, &u))
			return bad_value(ctx, w, def->name, value,
					 "a non-negative integer");
		h->weight = (int)u;
		h->weight_set = true;
		return 0;
	case V_TCP_ONLY:
		return apply_bool(ctx, w, def->name, value, &h->tcp_only);
	case V_COMPRESSION:
		/* 0-12 are tinc's levels (zlib, LZO, LZ4). */
		if (!parse_uint(value, 12, &u))
			return bad_value(ctx, w, def->name, value,
					 "a compression level from 0 to 12");
		h->compression = (int)u;
		if (u)
			mv_diag_warn(ctx->diag, w->file, w->line,
				     "Compression is not supported by meshvpn, ignored");
		return 0;
	case V_ED25519_PUBLIC_KEY:
		if (!valid_ed25519_b64(value))
			return bad_value(ctx, w, def->name, value,
					 "a 32-byte key in base64 (43 characters)");
		return set_string(&h->keys.ed25519_public_key, value);
	default:
		break;
	}
	return 0;
}

static int apply_entry(struct apply_ctx *ctx, enum file_kind kind,
		       const char *file, const struct mv_config_entry *e)
{
	const struct var_def *def = find_var(e->variable);
	struct where w = { file, e->line };
	struct where *first;

	if (!def) {
		if (is_tinc_only_var(e->variable))
			mv_diag_warn(ctx->diag, file, e->line,
				     "unknown or obsolete variable %s, ignored (a tinc variable meshvpn does not implement)",
				     e->variable);
		else
			mv_diag_warn(ctx->diag, file, e->line,
				     "unknown or obsolete variable %s, ignored",
				     e->variable);
		return 0;
	}
	if ((def->scope & SCOPE_SERVER) && kind == KIND_HOST) {
		mv_diag_warn(ctx->diag, file, e->line,
			     "server variable %s has no effect in a host file, ignored",
			     def->name);
		return 0;
	}
	first = &ctx->first[def->id];
	if (first->file && !def->multi) {
		mv_diag_warn(ctx->diag, file, e->line,
			     "%s already set in %s line %u, this value is ignored",
			     def->name, first->file, first->line);
		return 0;
	}
	if (!first->file)
		*first = w;
	if (def->scope & SCOPE_SERVER)
		return apply_server_var(ctx, def, &w, e->value);
	return apply_host_var(ctx, def, &w, e->value);
}

/* Apply a lexed file whose path is already owned by the config. */
static int apply_file(struct apply_ctx *ctx, enum file_kind kind,
		      const char *file, const struct mv_config_file *f)
{
	size_t i;
	int ret;

	for (i = 0; i < f->n_pem_blocks; i++) {
		if (kind == KIND_SERVER) {
			mv_diag_warn(ctx->diag, file, f->pem_lines[i],
				     "key block in a server configuration file ignored (public keys belong in hosts/NAME)");
			continue;
		}
		ret = push_string(&ctx->host->keys.pem_keys,
				  &ctx->host->keys.n_pem_keys, f->pem_blocks[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < f->n_entries; i++) {
		ret = apply_entry(ctx, kind, file, &f->entries[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int apply_buffer(struct apply_ctx *ctx, enum file_kind kind,
			const char *buf, size_t len, const char *file)
{
	struct mv_config_file f;
	int ret;

	ret = mv_config_parse_buffer(buf, len, file, &f, ctx->diag);
	if (ret)
		return ret;
	ret = apply_file(ctx, kind, file, &f);
	mv_config_file_free(&f);
	return ret;
}

/*
 * A configuration or host file. Anything but a regular file, directories
 * included, is -EINVAL here, as config.h promises.
 */
static int read_config_file(const char *path, char **buf, size_t *len,
			    struct mv_diag *diag)
{
	int ret = mv_file_read(path, MV_FILE_MAX_CONFIG, buf, len, NULL, diag);

	return ret == -EISDIR ? -EINVAL : ret;
}

/* Read and apply @path; its name is kept in @owned (files list). */
static int apply_path(struct apply_ctx *ctx, enum file_kind kind,
		      const char *path, char ***owned, size_t *n_owned)
{
	char *buf;
	size_t len;
	int ret;

	ret = push_string(owned, n_owned, path);
	if (ret)
		return ret;
	ret = read_config_file(path, &buf, &len, ctx->diag);
	if (ret)
		return ret;
	ret = apply_buffer(ctx, kind, buf, len, (*owned)[*n_owned - 1]);
	free(buf);
	return ret;
}

/* The server files are read: the name can be expanded. */
static int finish_name(struct apply_ctx *ctx, const char *main_file)
{
	struct mv_config *c = ctx->srv;
	struct where *w = &ctx->first[V_NAME];
	char err[256];
	int ret;

	if (!ctx->raw_name) {
		mv_diag_error(ctx->diag, main_file, 0,
			      "Name is not set: every node needs a Name");
		return -EINVAL;
	}
	ret = mv_config_expand_name(ctx->raw_name, &c->name, err,
				    sizeof(err));
	if (ret == -EINVAL)
		mv_diag_error(ctx->diag, w->file, w->line,
			      "invalid Name \"%s\": %s", ctx->raw_name, err);
	return ret;
}

static void finish_host(struct mv_host_config *h)
{
	size_t i;

	if (h->tcp_only)
		h->indirect_data = true;
	for (i = 0; i < h->n_addresses; i++)
		if (!h->addresses[i].port_given)
			h->addresses[i].port = h->port;
}

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
	p = join_path(confdir, *file);
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
 * Drop repeated ConnectTo names and the node's own name, keeping file
 * order. Sorting a copy keeps this O(n log n) however long the list.
 */
static int finish_connect_to(struct apply_ctx *ctx)
{
	struct mv_config *c = ctx->srv;
	size_t n = c->n_connect_to, i, k;
	struct name_ref *refs;
	bool *drop;

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
		const struct where *w = &ctx->connect_to_where[i];

		if (drop[i]) {
			mv_diag_warn(ctx->diag, w->file, w->line,
				     "duplicate ConnectTo %s, ignored",
				     c->connect_to[i]);
		} else if (!strcmp(c->connect_to[i], c->name)) {
			mv_diag_warn(ctx->diag, w->file, w->line,
				     "ConnectTo %s names this node itself, ignored",
				     c->name);
			drop[i] = true;
		}
		if (drop[i])
			free(c->connect_to[i]);
		else
			c->connect_to[k++] = c->connect_to[i];
	}
	c->n_connect_to = k;
	free(drop);
	return 0;
}

static int finish_server(struct apply_ctx *ctx)
{
	struct mv_config *c = ctx->srv;
	struct where *pt = &ctx->first[V_PING_TIMEOUT];
	size_t i;
	int ret;

	/* tinc: 0 means "as long as the interval", and it never exceeds it. */
	if (!c->ping_timeout) {
		c->ping_timeout = c->ping_interval;
	} else if (c->ping_timeout > c->ping_interval) {
		mv_diag_warn(ctx->diag, pt->file, pt->line,
			     "PingTimeout %u is longer than PingInterval %u, using %u",
			     c->ping_timeout, c->ping_interval,
			     c->ping_interval);
		c->ping_timeout = c->ping_interval;
	}

	if (ctx->tunnel_server) {
		if (!ctx->first[V_STRICT_SUBNETS].file)
			c->strict_subnets = true;
		if (!ctx->first[V_STRICT_KEYS].file)
			c->strict_keys = true;
	}

	ret = finish_connect_to(ctx);
	if (ret)
		return ret;

	finish_host(&c->self);
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

static void ctx_free(struct apply_ctx *ctx)
{
	free(ctx->raw_name);
	free(ctx->connect_to_where);
	mv_subnet_table_free(ctx->seen_subnets);
}

static void ctx_init(struct apply_ctx *ctx, struct mv_config *srv,
		     struct mv_host_config *host, struct mv_diag *diag)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->srv = srv;
	ctx->host = host;
	ctx->diag = diag;
}

int mv_config_parse_server_buffer(const char *buf, size_t len,
				  const char *path, struct mv_config *out,
				  struct mv_diag *diag)
{
	struct apply_ctx ctx;
	int ret;

	mv_config_init(out);
	ctx_init(&ctx, out, &out->self, diag);
	ret = push_string(&out->files, &out->n_files,
			  path ? path : "<buffer>");
	if (!ret)
		ret = apply_buffer(&ctx, KIND_SERVER, buf, len,
				   out->files[0]);
	if (!ret)
		ret = finish_name(&ctx, out->files[0]);
	if (!ret)
		ret = finish_server(&ctx);
	ctx_free(&ctx);
	if (ret)
		mv_config_free(out);
	return ret;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Names in @dir (non-recursive) accepted by @keep, sorted. A missing
 * directory is an empty list.
 */
static int list_dir(const char *dir, bool (*keep)(const char *name),
		    char ***names, size_t *n, struct mv_diag *diag)
{
	DIR *d;
	struct dirent *de;
	int ret = 0;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		mv_diag_error(diag, dir, 0, "cannot open directory: %s",
			      strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		if (!keep(de->d_name))
			continue;
		ret = push_string(names, n, de->d_name);
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		mv_config_free_names(*names, *n);
		*names = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_strp);
	return 0;
}

static bool is_conf_d_name(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".conf");
}

static int apply_conf_d(struct apply_ctx *ctx)
{
	struct mv_config *c = ctx->srv;
	char *dir = join_path(c->confdir, "conf.d");
	char **names = NULL;
	size_t n = 0, i;
	int ret;

	if (!dir)
		return -ENOMEM;
	ret = list_dir(dir, is_conf_d_name, &names, &n, ctx->diag);
	for (i = 0; !ret && i < n; i++) {
		char *path = join_path(dir, names[i]);

		if (!path) {
			ret = -ENOMEM;
			break;
		}
		ret = apply_path(ctx, KIND_SERVER, path, &c->files,
				 &c->n_files);
		free(path);
	}
	mv_config_free_names(names, n);
	free(dir);
	return ret;
}

int mv_config_load_server(const char *confdir, struct mv_config *out,
			  struct mv_diag *diag)
{
	return mv_config_load_server_opts(confdir, NULL, 0, out, diag);
}

int mv_config_load_server_opts(const char *confdir, const char *options,
			       size_t options_len, struct mv_config *out,
			       struct mv_diag *diag)
{
	struct apply_ctx ctx;
	char *mconf = NULL, *tconf = NULL, *hostdir = NULL, *hpath = NULL;
	const char *main_file;
	int ret, m, t;

	mv_config_init(out);
	ctx_init(&ctx, out, &out->self, diag);
	out->confdir = strdup(confdir);
	mconf = join_path(confdir, "meshvpn.conf");
	tconf = join_path(confdir, "tinc.conf");
	if (!out->confdir || !mconf || !tconf) {
		ret = -ENOMEM;
		goto out;
	}

	m = path_exists(mconf);
	t = path_exists(tconf);
	if (m == -ENOENT && t == -ENOENT) {
		mv_diag_error(diag, confdir, 0,
			      "no meshvpn.conf or tinc.conf in this directory");
		ret = -ENOENT;
		goto out;
	}
	if (m != -ENOENT && t != -ENOENT)
		mv_diag_warn(diag, confdir, 0,
			     "both meshvpn.conf and tinc.conf exist: using meshvpn.conf, tinc.conf is ignored");
	main_file = m != -ENOENT ? mconf : tconf;

	/* First value wins: "-o" options go before every file. */
	ret = 0;
	if (options)
		ret = apply_buffer(&ctx, KIND_SERVER, options, options_len,
				   "command line");
	if (!ret)
		ret = apply_path(&ctx, KIND_SERVER, main_file, &out->files,
				 &out->n_files);
	if (!ret)
		ret = apply_conf_d(&ctx);
	if (!ret)
		ret = finish_name(&ctx, out->files[0]);
	if (ret)
		goto out;

	hostdir = join_path(confdir, "hosts");
	hpath = hostdir ? join_path(hostdir, out->name) : NULL;
	if (!hpath) {
		ret = -ENOMEM;
		goto out;
	}
	if (path_exists(hpath) != -ENOENT) {
		out->self_host_found = true;
		out->self.path = strdup(hpath);
		if (!out->self.path) {
			ret = -ENOMEM;
			goto out;
		}
		ret = apply_path(&ctx, KIND_OWN_HOST, hpath, &out->files,
				 &out->n_files);
		if (ret)
			goto out;
	}
	ret = finish_server(&ctx);
out:
	ctx_free(&ctx);
	free(mconf);
	free(tconf);
	free(hostdir);
	free(hpath);
	if (ret)
		mv_config_free(out);
	return ret;
}

int mv_config_parse_host_buffer(const char *buf, size_t len,
				const char *path, const char *name,
				struct mv_host_config *out,
				struct mv_diag *diag)
{
	struct apply_ctx ctx;
	int ret = 0;

	host_init(out);
	ctx_init(&ctx, NULL, out, diag);
	if (name) {
		out->name = strdup(name);
		if (!out->name)
			ret = -ENOMEM;
	}
	if (!ret) {
		out->path = strdup(path ? path : "<buffer>");
		if (!out->path)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = apply_buffer(&ctx, KIND_HOST, buf, len, out->path);
	if (!ret)
		finish_host(out);
	ctx_free(&ctx);
	if (ret)
		mv_host_config_free(out);
	return ret;
}

int mv_identity_from_host(const struct mv_host_config *host,
			  struct mv_identity **out, struct mv_diag *diag)
{
	return mv_identity_from_host_keys(&host->keys, host->path, out, diag);
}

int mv_config_load_host(const char *confdir, const char *name,
			struct mv_host_config *out, struct mv_diag *diag)
{
	char *hostdir = NULL, *path = NULL, *buf = NULL;
	size_t len;
	int ret;

	host_init(out);
	if (!mv_config_valid_name(name)) {
		mv_diag_error(diag, NULL, 0,
			      "invalid node name \"%s\": only letters, digits and '_' are allowed",
			      name ? name : "");
		return -EINVAL;
	}
	hostdir = join_path(confdir, "hosts");
	path = hostdir ? join_path(hostdir, name) : NULL;
	if (!path) {
		ret = -ENOMEM;
		goto out;
	}
	ret = read_config_file(path, &buf, &len, diag);
	if (!ret)
		ret = mv_config_parse_host_buffer(buf, len, path, name, out,
						  diag);
out:
	free(buf);
	free(path);
	free(hostdir);
	return ret;
}

int mv_config_list_hosts(const char *confdir, char ***names, size_t *n,
			 struct mv_diag *diag)
{
	char *dir = join_path(confdir, "hosts");
	size_t i, k = 0;
	int ret;

	*names = NULL;
	*n = 0;
	if (!dir)
		return -ENOMEM;
	ret = list_dir(dir, mv_config_valid_name, names, n, diag);
	if (ret)
		goto out;
	/* Only regular files (or links to them) are host files. */
	for (i = 0; i < *n; i++) {
		char *p = join_path(dir, (*names)[i]);
		struct stat st;

		if (!p) {
			ret = -ENOMEM;
			mv_config_free_names(*names, *n);
			*names = NULL;
			*n = 0;
			goto out;
		}
		if (!stat(p, &st) && S_ISREG(st.st_mode))
			(*names)[k++] = (*names)[i];
		else
			free((*names)[i]);
		free(p);
	}
	*n = k;
out:
	free(dir);
	return ret;
}

/* ---- directories and scripts ---- */

int mv_config_resolve_dir(const char *basedir, const char *netname,
			  const char *confdir, char **out,
			  struct mv_diag *diag)
{
	*out = NULL;
	if (!basedir)
		basedir = MV_CONFIG_BASEDIR;
	if (confdir) {
		if (!*confdir) {
			mv_diag_error(diag, NULL, 0,
				      "empty configuration directory");
			return -EINVAL;
		}
		if (netname && *netname)
			mv_diag_warn(diag, NULL, 0,
				     "both a network name (%s) and a configuration directory (%s) given, using the directory",
				     netname, confdir);
		*out = strdup(confdir);
		return *out ? 0 : -ENOMEM;
	}
	if (!netname || !*netname || !strcmp(netname, ".")) {
		*out = strdup(basedir);
		return *out ? 0 : -ENOMEM;
	}
	if (strpbrk(netname, "/\\") || netname[0] == '.') {
		mv_diag_error(diag, NULL, 0,
			      "invalid network name \"%s\": it must not contain '/' or '\\' or start with '.'",
			      netname);
		return -EINVAL;
	}
	*out = join_path(basedir, netname);
	return *out ? 0 : -ENOMEM;
}

/* 1 for a regular file, 0 for nothing there, warning for anything else. */
static int script_present(const char *path, struct mv_diag *diag)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	if (!S_ISREG(st.st_mode)) {
		mv_diag_warn(diag, path, 0, "not a regular file, not run");
		return 0;
	}
	return 1;
}

int mv_config_find_script(const char *confdir, const char *script,
			  char **path, struct mv_diag *diag)
{
	char names[2][32];
	char *cand[2] = { NULL, NULL };
	int found[2] = { 0, 0 };
	int n = 1, i, ret = 0;

	*path = NULL;
	if (!script || !*script || script[0] == '/' || strstr(script, "..")) {
		mv_diag_error(diag, NULL, 0, "invalid script name \"%s\"",
			      script ? script : "");
		return -EINVAL;
	}
	if (!strcmp(script, "up") || !strcmp(script, "down")) {
		snprintf(names[0], sizeof(names[0]), "meshvpn-%s", script);
		snprintf(names[1], sizeof(names[1]), "tinc-%s", script);
		n = 2;
	}
	for (i = 0; i < n; i++) {
		cand[i] = join_path(confdir, n == 2 ? names[i] : script);
		if (!cand[i]) {
			ret = -ENOMEM;
			goto out;
		}
		found[i] = script_present(cand[i], diag);
		if (found[i] < 0) {
			ret = found[i];
			mv_diag_error(diag, cand[i], 0, "cannot check: %s",
				      strerror(-ret));
			goto out;
		}
	}
	if (found[0] && n == 2 && found[1])
		mv_diag_warn(diag, confdir, 0,
			     "both %s and %s exist: running %s, %s is ignored",
			     names[0], names[1], names[0], names[1]);
	for (i = 0; i < n; i++) {
		if (!found[i])
			continue;
		if (access(cand[i], X_OK))
			mv_diag_warn(diag, cand[i], 0,
				     "script is not executable");
		*path = cand[i];
		cand[i] = NULL;
		ret = 1;
		break;
	}
out:
	free(cand[0]);
	free(cand[1]);
	return ret;
}
