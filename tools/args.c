// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers and formatters for the meshvpn tool's arguments. They are strict
 * on purpose: a value that reaches the kernel must mean exactly what the
 * user typed, so nothing is silently truncated, widened or guessed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <meshvpn/wire.h>

#include "args.h"
#include "lib/array.h"
#include "netlink/meshvpn_nl.h"

/* Longest key file accepted: the hex digits plus generous white space. */
#define MV_KEY_FILE_MAX		256

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int mv_parse_node_id(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *p = s;
	uint64_t v = 0;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p)
		return fail(err, errlen, "invalid node id \"%.64s\": want 1 to 12 hex digits", s);
	for (; *p; p++) {
		d = OPENSSL_hexchar2int((unsigned char)*p);
		if (d < 0)
			return fail(err, errlen,
				    "invalid node id \"%.64s\": not a hex number", s);
		v = (v << 4) | (uint64_t)d;
		/* Checked per digit, so leading zeros are fine and nothing wraps. */
		if (v > MESHVPN_NODE_ID_RESERVED)
			return fail(err, errlen,
				    "invalid node id \"%.64s\": node ids have 48 bits", s);
	}
	if (v == MESHVPN_NODE_ID_NONE || v == MESHVPN_NODE_ID_RESERVED)
		return fail(err, errlen,
			    "invalid node id \"%.64s\": reserved, valid ids are 1..%012llx",
			    s, (unsigned long long)MESHVPN_NODE_ID_MAX);
	*out = v;
	return 0;
}

void mv_format_node_id(uint64_t id, char buf[MV_NODE_ID_STRLEN])
{
	snprintf(buf, MV_NODE_ID_STRLEN, "%012llx",
		 (unsigned long long)(id & MESHVPN_NODE_ID_RESERVED));
}

int mv_parse_uint(const char *s, uint64_t max, uint64_t *out,
		  char *err, size_t errlen)
{
	const char *p;
	uint64_t v = 0, d;

	if (!*s)
		return fail(err, errlen, "empty number");
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(err, errlen, "\"%.64s\" is not a decimal number", s);
		d = (uint64_t)(*p - '0');
		/* v * 10 + d <= max, without overflowing on the way. */
		if (d > max || v > (max - d) / 10)
			return fail(err, errlen, "%.64s is out of range (0..%llu)",
				    s, (unsigned long long)max);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The scope of a link-local address: an interface name or index. */
static int parse_scope(const char *s, uint32_t *scope, char *err, size_t errlen)
{
	uint64_t v;
	unsigned int idx;

	if (!*s)
		return fail(err, errlen, "empty scope after '%%'");
	if (s[0] >= '0' && s[0] <= '9') {
		if (mv_parse_uint(s, UINT32_MAX, &v, NULL, 0) || !v)
			return fail(err, errlen, "invalid scope \"%.32s\"", s);
		*scope = (uint32_t)v;
		return 0;
	}
	if (strlen(s) >= IF_NAMESIZE)
		return fail(err, errlen, "invalid scope \"%.32s\": interface name too long", s);
	idx = if_nametoindex(s);
	if (!idx)
		return fail(err, errlen, "invalid scope \"%.32s\": no such interface", s);
	*scope = idx;
	return 0;
}

int mv_parse_endpoint(const char *s, struct mv_meshvpn_endpoint *out,
		      char *err, size_t errlen)
{
	struct mv_meshvpn_endpoint ep = { 0 };
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	bool bracketed = s[0] == '[';
	const char *port, *end;
	char *pct;
	uint64_t v;
	size_t n;

	if (bracketed) {
		end = strchr(s, ']');
		if (!end)
			return fail(err, errlen,
				    "invalid endpoint \"%.80s\": missing ']'", s);
		if (end[1] != ':')
			return fail(err, errlen,
				    "invalid endpoint \"%.80s\": want [ADDRESS]:PORT", s);
		port = end + 2;
		s++;
		n = (size_t)(end - s);
	} else {
		end = strrchr(s, ':');
		if (!end)
			return fail(err, errlen,
				    "invalid endpoint \"%.80s\": want ADDRESS:PORT", s);
		if (memchr(s, ':', (size_t)(end - s)))
			return fail(err, errlen,
				    "invalid endpoint \"%.80s\": IPv6 addresses go in brackets, [ADDRESS]:PORT",
				    s);
		port = end + 1;
		n = (size_t)(end - s);
	}
	if (n == 0 || n >= sizeof(host))
		return fail(err, errlen, "invalid endpoint: bad address \"%.*s\"",
			    (int)(n < 64 ? n : 64), s);
	memcpy(host, s, n);
	host[n] = '\0';

	if (mv_parse_uint(port, 65535, &v, NULL, 0) || v == 0)
		return fail(err, errlen,
			    "invalid endpoint port \"%.16s\": want 1..65535", port);
	ep.port = (uint16_t)v;

	if (bracketed) {
		pct = strchr(host, '%');
		if (pct) {
			*pct = '\0';
			if (parse_scope(pct + 1, &ep.scope_id, err, errlen))
				return -EINVAL;
		}
		if (inet_pton(AF_INET6, host, ep.addr) != 1)
			return fail(err, errlen,
				    "invalid endpoint: \"%s\" is not an IPv6 address", host);
		ep.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, host, ep.addr) != 1)
			return fail(err, errlen,
				    "invalid endpoint: \"%s\" is not an IPv4 address", host);
		ep.family = AF_INET;
	}
	*out = ep;
	return 0;
}

int mv_format_endpoint(const struct mv_meshvpn_endpoint *ep, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 12] = "";
	char ifname[IF_NAMESIZE];

	if (ep->family == AF_INET) {
		if (!inet_ntop(AF_INET, ep->addr, addr, sizeof(addr)))
			return -EINVAL;
		return snprintf(buf, len, "%s:%u", addr, ep->port);
	}
	if (ep->family != AF_INET6 ||
	    !inet_ntop(AF_INET6, ep->addr, addr, sizeof(addr)))
		return -EINVAL;
	if (ep->scope_id) {
		/* A name reads better, but only the number survives a rename. */
		if (if_indextoname(ep->scope_id, ifname))
			snprintf(scope, sizeof(scope), "%%%s", ifname);
		else
			snprintf(scope, sizeof(scope), "%%%u", ep->scope_id);
	}
	return snprintf(buf, len, "[%s%s]:%u", addr, scope, ep->port);
}

int mv_parse_prefix(const char *s, struct mv_meshvpn_prefix *out,
		    char *err, size_t errlen)
{
	struct mv_meshvpn_prefix p = { 0 };
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max, i, bits;
	uint64_t v;

	if (n == 0 || n >= sizeof(host))
		return fail(err, errlen, "invalid prefix \"%.64s\"", s);
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, p.addr) == 1) {
		p.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, p.addr) == 1) {
		p.family = AF_INET6;
		max = 128;
	} else {
		return fail(err, errlen,
			    "invalid prefix \"%.64s\": \"%s\" is not an IP address", s, host);
	}
	p.len = max;
	if (slash) {
		if (mv_parse_uint(slash + 1, max, &v, NULL, 0))
			return fail(err, errlen,
				    "invalid prefix \"%.64s\": length must be 0..%u", s, max);
		p.len = (unsigned int)v;
	}
	for (i = p.len; i < max; i++) {
		bits = p.addr[i / 8] & (0x80u >> (i % 8));
		if (bits) {
			struct mv_meshvpn_prefix masked = p;
			char fixed[MV_PREFIX_STRLEN];

			for (i = p.len; i < max; i++)
				masked.addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
			mv_format_prefix(&masked, fixed, sizeof(fixed));
			return fail(err, errlen,
				    "invalid prefix \"%.64s\": host bits set (did you mean %s?)",
				    s, fixed);
		}
	}
	*out = p;
	return 0;
}

int mv_format_prefix(const struct mv_meshvpn_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if ((p->family != AF_INET && p->family != AF_INET6) ||
	    p->len > (p->family == AF_INET ? 32u : 128u) ||
	    !inet_ntop(p->family, p->addr, addr, sizeof(addr)))
		return -EINVAL;
	return snprintf(buf, len, "%s/%u", addr, p->len);
}

static const char *const slot_names[] = {
	[MESHVPN_KEY_SLOT_CURRENT] = "current",
	[MESHVPN_KEY_SLOT_NEXT] = "next",
};

static const char *const reason_names[] = {
	[MESHVPN_REKEY_REASON_MESSAGES] = "messages",
	[MESHVPN_REKEY_REASON_TIME] = "time",
};

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

int mv_parse_cipher(const char *s, uint32_t *alg, char *err, size_t errlen)
{
	const char *name;
	uint32_t i;

	for (i = 0; (name = mv_cipher_alg_name(i)); i++) {
		if (!strcmp(name, s)) {
			*alg = i;
			return 0;
		}
	}
	return fail(err, errlen,
		    "unknown cipher \"%.32s\": want chacha20-poly1305, aes-256-gcm or none",
		    s);
}

int mv_parse_slot(const char *s, uint32_t *slot, char *err, size_t errlen)
{
	int i = lookup(slot_names, ARRAY_SIZE(slot_names), s);

	if (i < 0)
		return fail(err, errlen,
			    "unknown key slot \"%.32s\": want current or next", s);
	*slot = (uint32_t)i;
	return 0;
}

const char *mv_slot_name(uint32_t slot)
{
	return slot < ARRAY_SIZE(slot_names) ? slot_names[slot] : NULL;
}

const char *mv_rekey_reason_name(uint32_t reason)
{
	return reason < ARRAY_SIZE(reason_names) ? reason_names[reason] : NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int mv_parse_key_hex(const char *text, size_t len,
		     uint8_t key[MESHVPN_KEY_LEN], char *err, size_t errlen)
{
	uint8_t tmp[MESHVPN_KEY_LEN];
	size_t i;
	int hi, lo;

	while (len && is_space(text[0])) {
		text++;
		len--;
	}
	while (len && is_space(text[len - 1]))
		len--;
	/* Reasons say what is wrong without echoing any of the key. */
	if (len != 2 * MESHVPN_KEY_LEN)
		return fail(err, errlen, "key must be %d hex digits, got %zu characters",
			    2 * MESHVPN_KEY_LEN, len);
	for (i = 0; i < MESHVPN_KEY_LEN; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)text[2 * i]);
		lo = OPENSSL_hexchar2int((unsigned char)text[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(tmp, sizeof(tmp));
			return fail(err, errlen, "key is not hexadecimal (character %zu)",
				    2 * i + (hi < 0 ? 1 : 2));
		}
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(key, tmp, MESHVPN_KEY_LEN);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return 0;
}

int mv_read_key_file(const char *path, uint8_t key[MESHVPN_KEY_LEN],
		     char *err, size_t errlen)
{
	/*
	 * read(2) into a buffer we wipe, not stdio: a FILE keeps its own
	 * buffer, which would hold a copy of the key we cannot clear.
	 */
	char buf[MV_KEY_FILE_MAX + 1];
	bool is_stdin = !strcmp(path, "-");
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(err, errlen, "%.128s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf))
			break;
	}
	ret = n < 0 ? -errno : 0;
	if (!is_stdin)
		close(fd);
	if (ret)
		ret = fail(err, errlen, "%.128s: %s", is_stdin ? "stdin" : path,
			   strerror(-ret));
	else if (len > MV_KEY_FILE_MAX)
		ret = fail(err, errlen, "%.128s: too long for a key",
			   is_stdin ? "stdin" : path);
	else if (mv_parse_key_hex(buf, len, key, err, errlen))
		ret = -EINVAL;
	OPENSSL_cleanse(buf, sizeof(buf));
	return ret;
}

const char *mv_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		buf[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}
