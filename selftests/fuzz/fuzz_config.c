// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the configuration: the same bytes go through the
 * lexer (config/lexer.c, with the PEM scanner), then as a server file and
 * as a host file through the variable table (config/vars.c), and once
 * more with each line's variable swapped for a known one, so that every
 * row's parser sees arbitrary values, not only the rare inputs that spell
 * a variable name. Besides memory errors it checks what callers rely on:
 * values are never empty and never span lines, key blocks are whole, a
 * parsed name is a valid node name, enums hold one of their values, and
 * parsed subnets survive a format/parse round trip.
 *
 * clang -fsanitize=fuzzer,address,undefined -Iinclude/uapi -Iinclude \
 *	-Iuserspace selftests/fuzz/fuzz_config.c userspace/[a-z]*\/[a-z]*.c \
 *	-lssl -lcrypto -lmnl	(as `make fuzzers` builds it)
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/lexer.h"
#include "lib/array.h"

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
	for (i = 0; i < h->n_addresses; i++) {
		CHECK(h->addresses[i].host && *h->addresses[i].host);
		CHECK(h->addresses[i].port || h->port == 0);
	}
	for (i = 0; i < h->keys.n_pem_keys; i++)
		CHECK(!strncmp(h->keys.pem_keys[i], "-----BEGIN ", 11));
	if (h->tcp_only)
		CHECK(h->indirect_data);
	CHECK(h->cipher <= MV_CIPHER_NONE);
	CHECK(h->compression >= 0 && h->compression <= 12);
	CHECK(h->weight >= 0);
}

static void check_diag(const struct mv_diag *d, int ret)
{
	CHECK(!ret || d->error || ret == -ENOMEM);
	CHECK(d->n_warnings <= MV_DIAG_MAX_WARNINGS);
}

static void check_lexed(const struct mv_config_file *f)
{
	size_t i, len;

	for (i = 0; i < f->n_entries; i++) {
		CHECK(*f->entries[i].variable && *f->entries[i].value);
		CHECK(!strchr(f->entries[i].value, '\n'));
		CHECK(strlen(f->entries[i].value) <= MV_CONFIG_MAX_LINE);
		CHECK(!strpbrk(f->entries[i].variable, " \t="));
		CHECK(!i || f->entries[i].line > f->entries[i - 1].line);
	}
	for (i = 0; i < f->n_pem_blocks; i++) {
		len = strlen(f->pem_blocks[i]);
		CHECK(!strncmp(f->pem_blocks[i], "-----BEGIN ", 11));
		CHECK(len >= 6 && !strcmp(f->pem_blocks[i] + len - 6,
					  "-----\n"));
		CHECK(strstr(f->pem_blocks[i], "\n-----END "));
		CHECK(!i || f->pem_lines[i] > f->pem_lines[i - 1]);
	}
}

static void check_server(const char *buf, size_t size)
{
	struct mv_config c;
	struct mv_diag d;
	size_t i;
	int ret;

	mv_diag_init(&d);
	ret = mv_config_parse_server_buffer(buf, size, "fuzz", &c, &d);
	check_diag(&d, ret);
	if (!ret) {
		CHECK(mv_config_valid_name(c.name));
		CHECK(c.ping_timeout && c.ping_timeout <= c.ping_interval);
		CHECK(c.mode == MV_MODE_ROUTER);
		CHECK(c.address_family <= MV_AF_IPV6);
		CHECK(c.data_plane <= MV_DATA_PLANE_USERSPACE);
		CHECK(c.port == c.self.port && c.cipher == c.self.cipher);
		CHECK(c.private_key_file && c.ed25519_private_key_file);
		for (i = 0; i < c.n_connect_to; i++) {
			CHECK(mv_config_valid_name(c.connect_to[i]));
			CHECK(strcmp(c.connect_to[i], c.name));
		}
		for (i = 0; i < c.n_bind_to; i++)
			CHECK(!c.bind_to[i].host || *c.bind_to[i].host);
		check_host(&c.self);
	} else {
		CHECK(!c.name);
	}
	mv_config_free(&c);
	mv_diag_free(&d);
}

static void check_host_file(const char *buf, size_t size)
{
	struct mv_host_config h;
	struct mv_diag d;
	int ret;

	mv_diag_init(&d);
	ret = mv_config_parse_host_buffer(buf, size, "fuzz", "n", &h, &d);
	check_diag(&d, ret);
	if (!ret)
		check_host(&h);
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

/*
 * The input's lines with their first byte replaced by the name of a
 * variable of the table (that byte picks which): "xyz" becomes
 * "Port = yz". Blank lines stay, so line numbers stay too.
 */
static char *with_known_variables(const char *buf, size_t size,
				  size_t *out_len)
{
	size_t cap = size * 24 + 1, n = 0, i = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (i < size) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - buf) : size;

		if (end > i) {
			const struct mv_config_var *v = &mv_config_vars[
				(unsigned char)buf[i] % ARRAY_SIZE(mv_config_vars)];
			size_t nlen = strlen(v->name);

			memcpy(out + n, v->name, nlen);
			n += nlen;
			memcpy(out + n, " = ", 3);
			n += 3;
			memcpy(out + n, buf + i + 1, end - i - 1);
			n += end - i - 1;
		}
		if (nl)
			out[n++] = '\n';
		i = end + (nl ? 1 : 0);
	}
	*out_len = n;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct mv_config_file f;
	struct mv_diag d;
	size_t known_len;
	char *known;
	int ret;

	mv_diag_init(&d);
	ret = mv_config_lex(buf, size, "fuzz", &f, &d);
	check_diag(&d, ret);
	if (!ret)
		check_lexed(&f);
	mv_config_file_free(&f);
	mv_diag_free(&d);

	check_server(buf, size);
	check_host_file(buf, size);

	known = with_known_variables(buf, size, &known_len);
	if (known) {
		check_server(known, known_len);
		check_host_file(known, known_len);
		free(known);
	}
	return 0;
}
