// SPDX-License-Identifier: GPL-2.0
/*
 * Value syntax. Numbers are decimal digits only: no sign, no spaces, no
 * "0x", and never beyond their maximum, however many digits.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "config/value.h"

/* ASCII only: locale must not change what a valid value is. */
static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

bool mv_config_parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0, digit;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		digit = (unsigned int)(*s - '0');
		/* v * 10 + digit <= max, without overflowing on the way. */
		if (digit > max || v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

bool mv_config_parse_port(const char *s, unsigned int min, uint16_t *out)
{
	unsigned int v;

	if (!mv_config_parse_uint(s, 65535, &v) || v < min)
		return false;
	*out = (uint16_t)v;
	return true;
}

bool mv_config_parse_bool(const char *s, bool *out)
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

bool mv_config_valid_ifname(const char *s)
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

bool mv_config_valid_host(const char *s, const char **why)
{
	unsigned char addr[16];
	const char *pct;

	if (strchr(s, ':')) {
		char tmp[64];
		size_t len;

		pct = strchr(s, '%');
		len = pct ? (size_t)(pct - s) : strlen(s);
		if (len >= sizeof(tmp) || (pct && !mv_config_valid_ifname(pct + 1))) {
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

bool mv_config_valid_ed25519_key(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!is_alnum((unsigned char)*s) && *s != '+' && *s != '/' &&
		    *s != '-' && *s != '_')
			return false;
	/* 32 bytes in base64 without padding, as tinc 1.1 writes them. */
	return n == 43;
}
