// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the configuration parser: the same bytes go
 * through the lexer, the server interpreter and the host interpreter.
 * Besides memory errors it checks what callers rely on: values are never
 * empty and never span lines, a parsed name is a valid node name, and
 * parsed subnets survive a format/parse round trip.
 *
 * clang -fsanitize=fuzzer,address,undefined -Iuserspace \
 *	selftests/fuzz/fuzz_config.c userspace/config/config.c userspace/lib/subnet.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/lexer.h"

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

static void check_subnets(const struct mv_subnet *s, size_t n)
{
	char buf[MV_SUBNET_STRLEN];
	struct mv_subnet again;
	size_t i;

	for (i = 0; i < n; i++) {
		int len = mv_subnet_format(&s[i], buf, sizeof(buf), 0);

		CHECK(len > 0 && len < MV_SUBNET_STRLEN);
		CHECK(!mv_subnet_parse(buf, &again, NULL, 0));
		CHECK(!mv_subnet_cmp(&s[i], &again));
	}
}

static void check_host(const struct mv_host_config *h)
{
	size_t i;

	check_subnets(h->subnets, h->n_subnets);
	for (i = 0; i < h->n_addresses; i++)
		CHECK(h->addresses[i].host && *h->addresses[i].host);
	for (i = 0; i < h->keys.n_pem_keys; i++)
		CHECK(!strncmp(h->keys.pem_keys[i], "-----BEGIN ", 11));
	if (h->tcp_only)
		CHECK(h->indirect_data);
}

static void check_diag(const struct mv_diag *d, int ret)
{
	CHECK(!ret || d->error || ret == -ENOMEM);
	CHECK(d->n_warnings <= MV_DIAG_MAX_WARNINGS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct mv_config_file f;
	struct mv_host_config h;
	struct mv_config c;
	struct mv_diag d;
	size_t i;
	int ret;

	mv_diag_init(&d);
	ret = mv_config_lex(buf, size, "fuzz", &f, &d);
	check_diag(&d, ret);
	for (i = 0; !ret && i < f.n_entries; i++) {
		CHECK(*f.entries[i].variable && *f.entries[i].value);
		CHECK(!strchr(f.entries[i].value, '\n'));
		CHECK(strlen(f.entries[i].value) <= MV_CONFIG_MAX_LINE);
	}
	mv_config_file_free(&f);
	mv_diag_free(&d);

	mv_diag_init(&d);
	ret = mv_config_parse_server_buffer(buf, size, "fuzz", &c, &d);
	check_diag(&d, ret);
	if (!ret) {
		CHECK(mv_config_valid_name(c.name));
		CHECK(c.ping_timeout && c.ping_timeout <= c.ping_interval);
		CHECK(c.mode == MV_MODE_ROUTER);
		for (i = 0; i < c.n_connect_to; i++) {
			CHECK(mv_config_valid_name(c.connect_to[i]));
			CHECK(strcmp(c.connect_to[i], c.name));
		}
		check_host(&c.self);
	} else {
		CHECK(!c.name);
	}
	mv_config_free(&c);
	mv_diag_free(&d);

	mv_diag_init(&d);
	ret = mv_config_parse_host_buffer(buf, size, "fuzz", "n", &h, &d);
	check_diag(&d, ret);
	if (!ret)
		check_host(&h);
	mv_host_config_free(&h);
	mv_diag_free(&d);
	return 0;
}
