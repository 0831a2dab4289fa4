// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration files are the users' contract: an existing tinc
 * network directory must load with the same meaning, and every mistake
 * must be reported with its file and line. Fixtures live in
 * selftests/unit/data/config/; cases that need odd files (NUL bytes,
 * huge files, missing permissions) build them in a temporary directory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/meshvpn.h>

#include "lib/array.h"
#include "lib/file.h"
#include "config/config.h"
#include "config/lexer.h"

#include "test.h"

/* ---- helpers ---- */

/* snprintf() that refuses to truncate: a cut path would test nothing. */
static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		abort();
}

static const char *data_dir(void)
{
	static char dir[PATH_MAX];
	const char *top = getenv("TOP");
	struct stat st;
	char *slash;

	if (dir[0])
		return dir;
	if (top) {
		fmt(dir, sizeof(dir), "%s/selftests/unit/data/config",
			 top);
		if (!stat(dir, &st))
			return dir;
	}
	/* __FILE__ is the path the compiler was given, usually from TOP. */
	fmt(dir, sizeof(dir), "%s", __FILE__);
	slash = strrchr(dir, '/');
	if (slash)
		fmt(slash + 1, sizeof(dir) - (size_t)(slash + 1 - dir),
			 "data/config");
	else
		fmt(dir, sizeof(dir), "data/config");
	if (stat(dir, &st)) {
		fprintf(stderr, "fixtures not found; set TOP\n");
		exit(2);
	}
	return dir;
}

static const char *fx(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];

	fmt(b, PATH_MAX, "%s/%s", data_dir(), rel);
	return b;
}

static bool has_warning(const struct mv_diag *d, const char *want)
{
	size_t i;

	for (i = 0; i < d->n_warnings; i++)
		if (strstr(d->warnings[i], want))
			return true;
	fprintf(stderr, "  no warning containing \"%s\"; got:\n", want);
	for (i = 0; i < d->n_warnings; i++)
		fprintf(stderr, "    %s\n", d->warnings[i]);
	return false;
}

static void dump_warnings(const struct mv_diag *d)
{
	size_t i;

	for (i = 0; i < d->n_warnings; i++)
		fprintf(stderr, "    warning: %s\n", d->warnings[i]);
	if (d->error)
		fprintf(stderr, "    error: %s\n", d->error);
}

static int parse_srv(const char *text, struct mv_config *c,
		     struct mv_diag *d)
{
	mv_diag_init(d);
	return mv_config_parse_server_buffer(text, strlen(text), "test.conf",
					     c, d);
}

static int parse_host(const char *text, struct mv_host_config *h,
		      struct mv_diag *d)
{
	mv_diag_init(d);
	return mv_config_parse_host_buffer(text, strlen(text), "hosts/n1",
					   "n1", h, d);
}

/* The server text fails with @ret and an error containing @want. */
static bool srv_fails(const char *text, int ret, const char *want)
{
	struct mv_config c;
	struct mv_diag d;
	int r = parse_srv(text, &c, &d);
	bool ok = r == ret && d.error && strstr(d.error, want) &&
		  !c.name && !c.n_connect_to;

	if (!ok)
		fprintf(stderr, "  server \"%s\": %d \"%s\", want %d \"%s\"\n",
			text, r, d.error ? d.error : "(none)", ret, want);
	mv_config_free(&c);
	mv_diag_free(&d);
	return ok;
}

static bool host_fails(const char *text, const char *want)
{
	struct mv_host_config h;
	struct mv_diag d;
	int r = parse_host(text, &h, &d);
	bool ok = r == -EINVAL && d.error && strstr(d.error, want) &&
		  !h.n_subnets && !h.n_addresses && !h.name;

	if (!ok)
		fprintf(stderr, "  host \"%s\": %d \"%s\", want \"%s\"\n",
			text, r, d.error ? d.error : "(none)", want);
	mv_host_config_free(&h);
	mv_diag_free(&d);
	return ok;
}

static bool lex_fails(const char *buf, size_t len, const char *want)
{
	struct mv_config_file f;
	struct mv_diag d;
	int r;
	bool ok;

	mv_diag_init(&d);
	r = mv_config_lex(buf, len, NULL, &f, &d);
	ok = r == -EINVAL && d.error && !strcmp(d.error, want) &&
	     !f.n_entries && !f.path;
	if (!ok)
		fprintf(stderr, "  lex: %d \"%s\", want \"%s\"\n", r,
			d.error ? d.error : "(none)", want);
	mv_config_file_free(&f);
	mv_diag_free(&d);
	return ok;
}

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/meshvpn-test-config.XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static void write_file(const char *dir, const char *rel, const void *data,
		       size_t len, mode_t mode)
{
	char path[PATH_MAX], *slash;
	int fd;

	fmt(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	if (slash && slash > path + strlen(dir)) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
}

static void write_text(const char *dir, const char *rel, const char *text)
{
	write_file(dir, rel, text, strlen(text), 0644);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

/* The PEM block of a fixture file: from "-----BEGIN" to the end. */
static char *pem_of(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "-----BEGIN");
}

/* ---- lexer ---- */

TEST(lex_three_assignment_forms)
{
	static const char text[] =
		"Name = alpha\n"
		"ConnectTo beta\n"
		"Port=7000\n"
		"\t Interface\t=\ttun0  \n"
		"AddressFamily    ipv4\n"
		"Device= /dev/net/tun\n";
	struct mv_config_file f;
	struct mv_diag d;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_lex(text, strlen(text), "x.conf", &f, &d), 0);
	EXPECT_EQ(f.n_entries, 6);
	if (f.n_entries == 6) {
		EXPECT_STREQ(f.entries[0].variable, "Name");
		EXPECT_STREQ(f.entries[0].value, "alpha");
		EXPECT_STREQ(f.entries[1].variable, "ConnectTo");
		EXPECT_STREQ(f.entries[1].value, "beta");
		EXPECT_STREQ(f.entries[2].variable, "Port");
		EXPECT_STREQ(f.entries[2].value, "7000");
		EXPECT_STREQ(f.entries[3].variable, "Interface");
		EXPECT_STREQ(f.entries[3].value, "tun0");
		EXPECT_EQ(f.entries[3].line, 4);
		EXPECT_STREQ(f.entries[4].value, "ipv4");
		EXPECT_STREQ(f.entries[5].value, "/dev/net/tun");
	}
	EXPECT_STREQ(f.path, "x.conf");
	EXPECT_EQ(d.n_warnings, 0);
	mv_config_file_free(&f);
	mv_diag_free(&d);
}

TEST(lex_comments_blank_lines_and_weights)
{
	static const char text[] =
		"# a comment\n"
		"\n"
		"   \t\n"
		"   # an indented comment\n"
		"Name = alpha   # a trailing comment\n"
		"Subnet = 10.0.0.0/8#5\n"
		"Device = /dev/odd#name\n"
		"Port = 655\t# tab before the comment\n"
		"Interface = tun0 #\n"
		"Subnet = 10.0.0.0/8 #5\n"
		"Device = a #b # c\n";
	struct mv_config_file f;

	EXPECT_EQ(mv_config_lex(text, strlen(text), NULL, &f, NULL), 0);
	EXPECT_EQ(f.n_entries, 7);
	if (f.n_entries == 7) {
		EXPECT_STREQ(f.entries[0].value, "alpha");
		EXPECT_EQ(f.entries[0].line, 5);
		/* '#' right after a value is part of it: Subnet weights. */
		EXPECT_STREQ(f.entries[1].value, "10.0.0.0/8#5");
		EXPECT_STREQ(f.entries[2].value, "/dev/odd#name");
		EXPECT_STREQ(f.entries[3].value, "655");
		EXPECT_STREQ(f.entries[4].value, "tun0");
		/* Not a comment: the typo must reach the Subnet parser. */
		EXPECT_STREQ(f.entries[5].value, "10.0.0.0/8 #5");
		EXPECT_STREQ(f.entries[6].value, "a #b");
	}
	EXPECT_STREQ(f.path, "<buffer>");
	mv_config_file_free(&f);
}

TEST(lex_crlf_and_missing_final_newline)
{
	static const char text[] = "Name = alpha\r\nPort = 1\r\n\r\nSubnet = ::1";
	struct mv_config_file f;

	EXPECT_EQ(mv_config_lex(text, strlen(text), NULL, &f, NULL), 0);
	EXPECT_EQ(f.n_entries, 3);
	if (f.n_entries == 3) {
		EXPECT_STREQ(f.entries[0].value, "alpha");
		EXPECT_STREQ(f.entries[1].value, "1");
		EXPECT_STREQ(f.entries[2].value, "::1");
		EXPECT_EQ(f.entries[2].line, 4);
	}
	mv_config_file_free(&f);

	EXPECT_EQ(mv_config_lex("", 0, NULL, &f, NULL), 0);
	EXPECT_EQ(f.n_entries, 0);
	EXPECT_EQ(f.n_pem_blocks, 0);
	mv_config_file_free(&f);
}

TEST(lex_key_blocks_kept_verbatim)
{
	static const char text[] =
		"Address = 192.0.2.1\n"
		"\n"
		"-----BEGIN RSA PUBLIC KEY-----\n"
		"MIIBCgKCAQEAtL8yjJYofDTdcvGg\n"
		"  /kAzZlHkuilIK41U+IepzZaBiT5v  \r\n"
		"# not a comment inside a key\n"
		"-----END RSA PUBLIC KEY-----\n"
		"Subnet = 10.0.0.1\n"
		"    -----BEGIN ED25519 PUBLIC KEY-----\n"
		"    AAAA\n"
		"    -----END ED25519 PUBLIC KEY-----\n";
	struct mv_config_file f;

	EXPECT_EQ(mv_config_lex(text, strlen(text), NULL, &f, NULL), 0);
	EXPECT_EQ(f.n_entries, 2);
	EXPECT_EQ(f.n_pem_blocks, 2);
	if (f.n_pem_blocks == 2) {
		EXPECT_STREQ(f.pem_blocks[0],
			     "-----BEGIN RSA PUBLIC KEY-----\n"
			     "MIIBCgKCAQEAtL8yjJYofDTdcvGg\n"
			     "/kAzZlHkuilIK41U+IepzZaBiT5v\n"
			     "# not a comment inside a key\n"
			     "-----END RSA PUBLIC KEY-----\n");
		EXPECT_EQ(f.pem_lines[0], 3);
		EXPECT_STREQ(f.pem_blocks[1],
			     "-----BEGIN ED25519 PUBLIC KEY-----\n"
			     "AAAA\n"
			     "-----END ED25519 PUBLIC KEY-----\n");
		EXPECT_EQ(f.pem_lines[1], 9);
	}
	if (f.n_entries == 2) {
		EXPECT_STREQ(f.entries[1].variable, "Subnet");
		EXPECT_EQ(f.entries[1].line, 8);
	}
	mv_config_file_free(&f);
}

TEST(lex_errors_carry_file_and_line)
{
	static const char nul[] = "Name = a\nPo\0rt = 1\n";
	char long_line[MV_CONFIG_MAX_LINE + 16];

	EXPECT(lex_fails("= foo\n", 6, "<buffer>:1: missing variable name"));
	EXPECT(lex_fails("Name = a\nConnectTo\n", 19,
			 "<buffer>:2: no value for variable ConnectTo"));
	EXPECT(lex_fails("ConnectTo =  \n", 14,
			 "<buffer>:1: no value for variable ConnectTo"));
	EXPECT(lex_fails("\n\nPort = # nothing\n", 19,
			 "<buffer>:3: no value for variable Port"));
	EXPECT(lex_fails("Port\t#\n", 7,
			 "<buffer>:1: no value for variable Port"));
	EXPECT(lex_fails(nul, sizeof(nul) - 1, "<buffer>:2: NUL byte in line"));
	EXPECT(lex_fails("Name = a\0", 9, "<buffer>:1: NUL byte in line"));

	EXPECT(lex_fails("Subnet = 10.0.0.1\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n",
			 53,
			 "<buffer>:2: unterminated key block (no \"-----END RSA PUBLIC KEY-----\" line)"));
	EXPECT(lex_fails("-----BEGIN A-----\nx\n-----BEGIN A-----\n", 38,
			 "<buffer>:3: key block starts inside the key block of line 1"));
	EXPECT(lex_fails("-----BEGIN A-----\nx\n-----END B-----\n", 36,
			 "<buffer>:3: key block end does not match \"-----BEGIN A-----\" of line 1"));
	EXPECT(lex_fails("-----BEGIN A-----\nx\n-----END A\n", 31,
			 "<buffer>:3: key block end does not match \"-----BEGIN A-----\" of line 1"));
	EXPECT(lex_fails("Name = a\n-----END A-----\n", 25,
			 "<buffer>:2: key block end without a \"-----BEGIN\" line"));
	EXPECT(lex_fails("-----BEGIN RSA PUBLIC KEY\n", 26,
			 "<buffer>:1: malformed key block start (expected \"-----BEGIN LABEL-----\")"));
	EXPECT(lex_fails("-----BEGIN -----\n", 17,
			 "<buffer>:1: malformed key block start (expected \"-----BEGIN LABEL-----\")"));

	/* Exactly the limit is fine, with or without a CR; one more is not. */
	memset(long_line, 'x', sizeof(long_line));
	memcpy(long_line, "Device=", 7);
	long_line[MV_CONFIG_MAX_LINE] = '\r';
	long_line[MV_CONFIG_MAX_LINE + 1] = '\n';
	{
		struct mv_config_file f;

		EXPECT_EQ(mv_config_lex(long_line, MV_CONFIG_MAX_LINE + 2,
					NULL, &f, NULL), 0);
		EXPECT_EQ(f.n_entries, 1);
		if (f.n_entries == 1)
			EXPECT_EQ(strlen(f.entries[0].value),
				  MV_CONFIG_MAX_LINE - 7);
		mv_config_file_free(&f);
		EXPECT_EQ(mv_config_lex(long_line, MV_CONFIG_MAX_LINE + 1,
					NULL, &f, NULL), 0);
		mv_config_file_free(&f);
		EXPECT_EQ(mv_config_lex(long_line, MV_CONFIG_MAX_LINE,
					NULL, &f, NULL), 0);
		mv_config_file_free(&f);
	}
	long_line[MV_CONFIG_MAX_LINE] = 'x';
	EXPECT(lex_fails(long_line, MV_CONFIG_MAX_LINE + 1,
			 "<buffer>:1: line too long (more than 4096 characters)"));
	EXPECT(lex_fails(long_line, MV_CONFIG_MAX_LINE + 2,
			 "<buffer>:1: line too long (more than 4096 characters)"));
	memmove(long_line + 9, long_line, MV_CONFIG_MAX_LINE + 2);
	memcpy(long_line, "Name = a\n", 9);
	EXPECT(lex_fails(long_line, MV_CONFIG_MAX_LINE + 11,
			 "<buffer>:2: line too long (more than 4096 characters)"));
}

/* ---- server variables ---- */

TEST(server_defaults)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = node1\n", &c, &d), 0);
	EXPECT_STREQ(c.name, "node1");
	EXPECT_EQ(c.n_connect_to, 0);
	EXPECT_EQ(c.address_family, MV_AF_ANY);
	EXPECT(!c.interface);
	EXPECT(!c.device);
	EXPECT_EQ(c.n_bind_to, 0);
	EXPECT_EQ(c.mode, MV_MODE_ROUTER);
	EXPECT_EQ(c.port, 655);
	EXPECT_EQ(c.ping_interval, 60);
	EXPECT_EQ(c.ping_timeout, 5);
	EXPECT(!c.strict_subnets);
	EXPECT(!c.strict_keys);
	EXPECT_EQ(c.data_plane, MV_DATA_PLANE_AUTO);
	EXPECT_EQ(c.cipher, MV_CIPHER_CHACHA20_POLY1305);
	EXPECT_EQ(c.log_level, -1);
	/* No confdir: the default key file names stay relative. */
	EXPECT_STREQ(c.private_key_file, "rsa_key.priv");
	EXPECT_STREQ(c.ed25519_private_key_file, "ed25519_key.priv");
	EXPECT(!c.confdir);
	EXPECT_EQ(c.n_files, 1);
	EXPECT_STREQ(c.files[0], "test.conf");
	EXPECT_STREQ(c.self.name, "node1");
	EXPECT_EQ(c.self.port, 655);
	EXPECT(!c.self_host_found);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT(!d.error);
	mv_config_free(&c);
	mv_diag_free(&d);

	mv_config_init(&c);
	EXPECT_EQ(c.port, 655);
	EXPECT_EQ(c.ping_interval, MV_CONFIG_DEFAULT_PING_INTERVAL);
	mv_config_free(&c);
	mv_config_free(NULL);
}

TEST(server_every_variable)
{
	static const char text[] =
		"Name = alpha\n"
		"ConnectTo = beta\n"
		"ConnectTo = gamma\n"
		"AddressFamily = ipv6\n"
		"Interface = mv0\n"
		"Device = /dev/net/tun\n"
		"Port = 7655\n"
		"BindToAddress = *\n"
		"BindToAddress = 192.0.2.1 7656\n"
		"BindToAddress = fe80::1%eth0 0\n"
		"Mode = router\n"
		"PingInterval = 30\n"
		"PingTimeout = 10\n"
		"StrictSubnets = yes\n"
		"StrictKeys = yes\n"
		"DataPlane = kernel\n"
		"Cipher = none\n"
		"PrivateKeyFile = /etc/keys/rsa\n"
		"Ed25519PrivateKeyFile = ed.priv\n"
		"LogLevel = 5\n";
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv(text, &c, &d), 0);
	dump_warnings(&d);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT_STREQ(c.name, "alpha");
	EXPECT_EQ(c.n_connect_to, 2);
	if (c.n_connect_to == 2) {
		EXPECT_STREQ(c.connect_to[0], "beta");
		EXPECT_STREQ(c.connect_to[1], "gamma");
	}
	EXPECT_EQ(c.address_family, MV_AF_IPV6);
	EXPECT_STREQ(c.interface, "mv0");
	EXPECT_STREQ(c.device, "/dev/net/tun");
	EXPECT_EQ(c.port, 7655);
	EXPECT_EQ(c.n_bind_to, 3);
	if (c.n_bind_to == 3) {
		EXPECT(!c.bind_to[0].host);
		EXPECT_EQ(c.bind_to[0].port, 7655);
		EXPECT(!c.bind_to[0].port_given);
		EXPECT_STREQ(c.bind_to[1].host, "192.0.2.1");
		EXPECT_EQ(c.bind_to[1].port, 7656);
		EXPECT(c.bind_to[1].port_given);
		EXPECT_STREQ(c.bind_to[2].host, "fe80::1%eth0");
		EXPECT_EQ(c.bind_to[2].port, 0);
		EXPECT(c.bind_to[2].port_given);
	}
	EXPECT_EQ(c.mode, MV_MODE_ROUTER);
	EXPECT_EQ(c.ping_interval, 30);
	EXPECT_EQ(c.ping_timeout, 10);
	EXPECT(c.strict_subnets);
	EXPECT(c.strict_keys);
	EXPECT_EQ(c.data_plane, MV_DATA_PLANE_KERNEL);
	EXPECT_EQ(c.cipher, MV_CIPHER_NONE);
	EXPECT_EQ(c.self.cipher, MV_CIPHER_NONE);
	EXPECT(c.self.cipher_set);
	EXPECT_STREQ(c.private_key_file, "/etc/keys/rsa");
	EXPECT_STREQ(c.ed25519_private_key_file, "ed.priv");
	EXPECT_EQ(c.log_level, 5);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_variable_names_are_case_insensitive)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("nAmE = x\nCONNECTTO = y\nport 1\n"
			    "pinginterval=9\nstrictsubnets = YES\n", &c, &d), 0);
	EXPECT_STREQ(c.name, "x");
	EXPECT_EQ(c.n_connect_to, 1);
	EXPECT_EQ(c.port, 1);
	EXPECT_EQ(c.ping_interval, 9);
	EXPECT(c.strict_subnets);
	EXPECT_EQ(d.n_warnings, 0);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_enum_values)
{
	static const struct {
		const char *text;
		int field, want;
	} cases[] = {
		{ "AddressFamily = ipv4", 0, MV_AF_IPV4 },
		{ "AddressFamily = IPv6", 0, MV_AF_IPV6 },
		{ "AddressFamily = any", 0, MV_AF_ANY },
		{ "DataPlane = auto", 1, MV_DATA_PLANE_AUTO },
		{ "DataPlane = kernel", 1, MV_DATA_PLANE_KERNEL },
		{ "DataPlane = BPF", 1, MV_DATA_PLANE_BPF },
		{ "DataPlane = userspace", 1, MV_DATA_PLANE_USERSPACE },
		{ "Cipher = chacha20-poly1305", 2, MV_CIPHER_CHACHA20_POLY1305 },
		{ "Cipher = AES-256-GCM", 2, MV_CIPHER_AES_256_GCM },
		{ "Cipher = none", 2, MV_CIPHER_NONE },
		{ "Mode = Router", 3, MV_MODE_ROUTER },
		{ "StrictKeys = no", 4, 0 },
		{ "StrictKeys = Yes", 4, 1 },
		{ "StrictKeys = true", 4, 1 },
		{ "StrictKeys = off", 4, 0 },
		{ "StrictKeys = ON", 4, 1 },
		{ "StrictKeys = false", 4, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mv_config c;
		struct mv_diag d;
		char text[128];
		int got = -1;

		fmt(text, sizeof(text), "Name = n\n%s\n", cases[i].text);
		EXPECT_EQ(parse_srv(text, &c, &d), 0);
		switch (cases[i].field) {
		case 0:
			got = c.address_family;
			break;
		case 1:
			got = c.data_plane;
			break;
		case 2:
			got = c.cipher;
			break;
		case 3:
			got = c.mode;
			break;
		case 4:
			got = c.strict_keys;
			break;
		}
		if (got != cases[i].want)
			fprintf(stderr, "  %s gave %d\n", cases[i].text, got);
		EXPECT_EQ(got, cases[i].want);
		mv_config_free(&c);
		mv_diag_free(&d);
	}
	EXPECT_STREQ(mv_address_family_name(MV_AF_IPV6), "ipv6");
	EXPECT_STREQ(mv_address_family_name(MV_AF_ANY), "any");
	EXPECT_STREQ(mv_mode_name(MV_MODE_HUB), "hub");
	EXPECT_STREQ(mv_mode_name(MV_MODE_ROUTER), "router");
	EXPECT_STREQ(mv_data_plane_name(MV_DATA_PLANE_BPF), "bpf");
	EXPECT_STREQ(mv_data_plane_name(MV_DATA_PLANE_USERSPACE), "userspace");
	EXPECT_STREQ(mv_cipher_name(MV_CIPHER_AES_256_GCM), "aes-256-gcm");
	EXPECT_STREQ(mv_cipher_name(MV_CIPHER_CHACHA20_POLY1305),
		     "chacha20-poly1305");
	EXPECT_STREQ(mv_cipher_name(MV_CIPHER_NONE), "none");
	/* meshvpn.ko numbers the same ciphers in another order. */
	EXPECT_EQ(mv_cipher_alg(MV_CIPHER_CHACHA20_POLY1305),
		  MESHVPN_CIPHER_ALG_CHACHA20_POLY1305);
	EXPECT_EQ(mv_cipher_alg(MV_CIPHER_AES_256_GCM),
		  MESHVPN_CIPHER_ALG_AES_256_GCM);
	EXPECT_EQ(mv_cipher_alg(MV_CIPHER_NONE), MESHVPN_CIPHER_ALG_NONE);
}

TEST(server_mode_switch_and_hub_not_supported_yet)
{
	EXPECT(srv_fails("Name = n\nMode = switch\n", -ENOTSUP,
			 "test.conf:2: Mode = switch is not supported yet: meshvpn implements only Mode = router"));
	EXPECT(srv_fails("Name = n\nMode = HUB\n", -ENOTSUP,
			 "test.conf:2: Mode = hub is not supported yet"));
	EXPECT(srv_fails("Name = n\nMode = bridge\n", -EINVAL,
			 "test.conf:2: invalid Mode \"bridge\": expected router, switch or hub"));
}

TEST(server_invalid_values)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "Port = abc", "test.conf:2: invalid Port \"abc\": expected a port number from 0 to 65535" },
		{ "Port = 65536", "invalid Port \"65536\"" },
		{ "Port = -1", "invalid Port \"-1\"" },
		{ "Port = 6 55", "invalid Port \"6 55\"" },
		{ "Port = 0x20", "invalid Port" },
		{ "Port = 99999999999999999999999", "invalid Port" },
		{ "StrictSubnets = maybe", "test.conf:2: invalid StrictSubnets \"maybe\": expected yes or no" },
		{ "StrictKeys = 1", "invalid StrictKeys \"1\": expected yes or no" },
		{ "AddressFamily = ipv5", "test.conf:2: invalid AddressFamily \"ipv5\": expected ipv4, ipv6 or any" },
		{ "DataPlane = dpdk", "invalid DataPlane \"dpdk\": expected auto, kernel, bpf or userspace" },
		{ "Cipher = rot13", "invalid Cipher \"rot13\": expected chacha20-poly1305, aes-256-gcm or none" },
		{ "PingInterval = soon", "invalid PingInterval \"soon\": expected a number of seconds" },
		{ "PingInterval = -5", "invalid PingInterval \"-5\"" },
		{ "PingInterval = 2147483648", "invalid PingInterval" },
		{ "PingTimeout = 1.5", "invalid PingTimeout \"1.5\"" },
		{ "LogLevel = high", "invalid LogLevel \"high\"" },
		{ "Interface = a_very_long_ifname", "invalid Interface \"a_very_long_ifname\"" },
		{ "Interface = tun/0", "invalid Interface" },
		{ "Interface = tun:0", "invalid Interface" },
		{ "Interface = ..", "invalid Interface" },
		{ "BindToAddress = 192.0.2.1 70000", "test.conf:2: invalid port \"70000\" in BindToAddress: expected a number from 0 to 65535" },
		{ "BindToAddress = 192.0.2.1 655 tcp", "invalid BindToAddress \"192.0.2.1 655 tcp\": expected \"ADDRESS [PORT]\"" },
		{ "BindToAddress = 300.1.1.1", "invalid address \"300.1.1.1\" in BindToAddress: invalid IPv4 address" },
		{ "ConnectTo = bad-name", "test.conf:2: invalid node name \"bad-name\" in ConnectTo" },
		{ "ConnectTo = ../../etc", "invalid node name" },
		{ "TunnelServer = perhaps", "invalid TunnelServer \"perhaps\"" },
		{ "Subnet = 10.1.2.3/8", "test.conf:2: invalid Subnet \"10.1.2.3/8\": network address and prefix length do not match" },
		{ "Subnet = 10.0.0.0/8 #5", "test.conf:2: invalid Subnet \"10.0.0.0/8 #5\": invalid prefix length \"8 \"" },
		{ "Port = 655 #default", "invalid Port \"655 #default\"" },
		{ "Address = 1.2.3", "invalid address \"1.2.3\" in Address: invalid IPv4 address" },
		{ "Weight = -1", "invalid Weight \"-1\"" },
		{ "Compression = 13", "invalid Compression \"13\": expected a compression level from 0 to 12" },
		{ "IndirectData = sometimes", "invalid IndirectData" },
		{ "TCPOnly = 2", "invalid TCPOnly" },
		{ "Ed25519PublicKey = abc", "invalid Ed25519PublicKey \"abc\": expected a 32-byte key in base64 (43 characters)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char text[256];

		fmt(text, sizeof(text), "Name = n\n%s\n", cases[i].text);
		EXPECT(srv_fails(text, -EINVAL, cases[i].want));
	}
}

TEST(server_name_rules)
{
	EXPECT(srv_fails("Port = 1\n", -EINVAL,
			 "test.conf: Name is not set: every node needs a Name"));
	EXPECT(srv_fails("Name =\n", -EINVAL,
			 "test.conf:1: no value for variable Name"));
	EXPECT(srv_fails("# x\nName = my-node\n", -EINVAL,
			 "test.conf:2: invalid Name \"my-node\": only letters, digits and '_' are allowed in node names"));
	EXPECT(srv_fails("Name = a.b\n", -EINVAL, "invalid Name \"a.b\""));
	EXPECT(srv_fails("Name = caf\xc3\xa9\n", -EINVAL, "invalid Name"));
	EXPECT(srv_fails("Name = $\n", -EINVAL,
			 "test.conf:1: invalid Name \"$\": \"$\" must be followed by a variable name"));
	unsetenv("MESHVPN_TEST_UNSET");
	EXPECT(srv_fails("Name = $MESHVPN_TEST_UNSET\n", -EINVAL,
			 "test.conf:1: invalid Name \"$MESHVPN_TEST_UNSET\": environment variable MESHVPN_TEST_UNSET is not set"));
	setenv("MESHVPN_TEST_EMPTY", "", 1);
	EXPECT(srv_fails("Name = $MESHVPN_TEST_EMPTY\n", -EINVAL,
			 "$MESHVPN_TEST_EMPTY expands to an empty name"));
	unsetenv("MESHVPN_TEST_EMPTY");
}

TEST(server_name_from_environment)
{
	struct mv_config c;
	struct mv_diag d;

	setenv("MESHVPN_TEST_NAME", "node 7.lab", 1);
	EXPECT_EQ(parse_srv("Name = $MESHVPN_TEST_NAME\n", &c, &d), 0);
	EXPECT_STREQ(c.name, "node_7_lab");
	EXPECT_STREQ(c.self.name, "node_7_lab");
	mv_config_free(&c);
	mv_diag_free(&d);
	unsetenv("MESHVPN_TEST_NAME");
}

TEST(server_name_from_host)
{
	struct mv_config c;
	struct mv_diag d;
	const char *old = getenv("HOST");
	char *saved = old ? strdup(old) : NULL;
	char host[256] = "", want[256];
	size_t i;

	/* $HOST prefers the environment variable, as tinc does. */
	setenv("HOST", "web-01.example.com", 1);
	EXPECT_EQ(parse_srv("Name = $HOST\n", &c, &d), 0);
	EXPECT_STREQ(c.name, "web_01_example_com");
	mv_config_free(&c);
	mv_diag_free(&d);

	/* ... and falls back to gethostname(). */
	unsetenv("HOST");
	EXPECT_EQ(gethostname(host, sizeof(host) - 1), 0);
	for (i = 0; host[i]; i++) {
		char ch = host[i];

		want[i] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9')) ? ch : '_';
	}
	want[i] = '\0';
	EXPECT_EQ(parse_srv("Name = $HOST\n", &c, &d), 0);
	EXPECT_STREQ(c.name, want);
	mv_config_free(&c);
	mv_diag_free(&d);

	if (saved)
		setenv("HOST", saved, 1);
	free(saved);
}

TEST(expand_name_directly)
{
	char err[128] = "", *out = NULL;

	EXPECT_EQ(mv_config_expand_name("plain_1", &out, err, sizeof(err)), 0);
	EXPECT_STREQ(out, "plain_1");
	free(out);
	/* Literal names are checked, not rewritten. */
	EXPECT_EQ(mv_config_expand_name("a-b", &out, err, sizeof(err)),
		  -EINVAL);
	EXPECT(!out);
	setenv("MESHVPN_TEST_X", "--", 1);
	EXPECT_EQ(mv_config_expand_name("$MESHVPN_TEST_X", &out, err,
					sizeof(err)), 0);
	EXPECT_STREQ(out, "__");
	free(out);
	unsetenv("MESHVPN_TEST_X");

	EXPECT(mv_config_valid_name("Node_1"));
	EXPECT(!mv_config_valid_name(""));
	EXPECT(!mv_config_valid_name(NULL));
	EXPECT(!mv_config_valid_name("a b"));
	EXPECT(!mv_config_valid_name("a-b"));
	EXPECT(!mv_config_valid_name("a/b"));
}

TEST(server_ping_semantics)
{
	struct mv_config c;
	struct mv_diag d;

	/* tinc: an interval of 0 means a day; a timeout of 0 means the
	 * interval; the timeout never exceeds the interval.
	 */
	EXPECT_EQ(parse_srv("Name = n\nPingInterval = 0\n", &c, &d), 0);
	EXPECT_EQ(c.ping_interval, 86400);
	EXPECT_EQ(c.ping_timeout, 5);
	mv_config_free(&c);
	mv_diag_free(&d);

	EXPECT_EQ(parse_srv("Name = n\nPingInterval = 20\nPingTimeout = 0\n",
			    &c, &d), 0);
	EXPECT_EQ(c.ping_timeout, 20);
	EXPECT_EQ(d.n_warnings, 0);
	mv_config_free(&c);
	mv_diag_free(&d);

	EXPECT_EQ(parse_srv("Name = n\nPingTimeout = 90\n", &c, &d), 0);
	EXPECT_EQ(c.ping_interval, 60);
	EXPECT_EQ(c.ping_timeout, 60);
	EXPECT(has_warning(&d, "test.conf:2: PingTimeout 90 is longer than PingInterval 60, using 60"));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_first_value_wins)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = first\nPort = 1\nName = second\n"
			    "port = 2\nMode = switch\nMode = router\n", &c, &d),
		  -ENOTSUP);
	mv_config_free(&c);
	mv_diag_free(&d);

	EXPECT_EQ(parse_srv("Name = first\nPort = 1\nName = second\n"
			    "port = 2\n", &c, &d), 0);
	EXPECT_STREQ(c.name, "first");
	EXPECT_EQ(c.port, 1);
	EXPECT(has_warning(&d, "test.conf:3: Name already set in test.conf line 1, this value is ignored"));
	EXPECT(has_warning(&d, "test.conf:4: Port already set in test.conf line 2, this value is ignored"));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_connect_to_list)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("ConnectTo = b\nName = me\nConnectTo = c\n"
			    "ConnectTo = me\nConnectTo = b\nConnectTo = a\n",
			    &c, &d), 0);
	EXPECT_EQ(c.n_connect_to, 3);
	if (c.n_connect_to == 3) {
		EXPECT_STREQ(c.connect_to[0], "b");
		EXPECT_STREQ(c.connect_to[1], "c");
		EXPECT_STREQ(c.connect_to[2], "a");
	}
	EXPECT(has_warning(&d, "test.conf:5: duplicate ConnectTo b, ignored"));
	EXPECT(has_warning(&d, "test.conf:4: ConnectTo me names this node itself, ignored"));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_unknown_and_tinc_only_variables_warn)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = n\nFooBar = 1\nGraphDumpFile = /tmp/g\n"
			    "DeviceType = tap\nBroadcast = mst\n"
			    "PrivateKey = abc\nDigest = sha1\n"
			    "LocalDiscovery = yes\nKeyExpire = 10\n", &c, &d), 0);
	EXPECT_EQ(d.n_warnings, 8);
	EXPECT(has_warning(&d, "test.conf:2: unknown or obsolete variable FooBar, ignored"));
	EXPECT(has_warning(&d, "test.conf:3: unknown or obsolete variable GraphDumpFile, ignored (a tinc variable meshvpn does not implement)"));
	EXPECT(has_warning(&d, "test.conf:4: unknown or obsolete variable DeviceType"));
	EXPECT(has_warning(&d, "test.conf:7: unknown or obsolete variable Digest"));
	EXPECT(has_warning(&d, "test.conf:9: unknown or obsolete variable KeyExpire"));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_tunnel_server_maps_to_strict_modes)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = n\nTunnelServer = yes\n", &c, &d), 0);
	EXPECT(c.strict_subnets);
	EXPECT(c.strict_keys);
	EXPECT(has_warning(&d, "test.conf:2: TunnelServer is not supported by meshvpn: enabling StrictSubnets and StrictKeys instead"));
	mv_config_free(&c);
	mv_diag_free(&d);

	/* An explicit setting wins over the implication. */
	EXPECT_EQ(parse_srv("Name = n\nStrictKeys = no\nTunnelServer = yes\n",
			    &c, &d), 0);
	EXPECT(c.strict_subnets);
	EXPECT(!c.strict_keys);
	mv_config_free(&c);
	mv_diag_free(&d);

	EXPECT_EQ(parse_srv("Name = n\nTunnelServer = no\n", &c, &d), 0);
	EXPECT(!c.strict_subnets);
	EXPECT(!c.strict_keys);
	EXPECT_EQ(d.n_warnings, 0);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_host_variables_describe_this_node)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = n\nSubnet = 10.0.0.0/24\nPort = 7000\n"
			    "Cipher = aes-256-gcm\nIndirectData = yes\n"
			    "Address = n.example.net\n"
			    "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
			    "-----END RSA PRIVATE KEY-----\n", &c, &d), 0);
	EXPECT_EQ(c.self.n_subnets, 1);
	EXPECT_EQ(c.port, 7000);
	EXPECT_EQ(c.self.port, 7000);
	EXPECT_EQ(c.cipher, MV_CIPHER_AES_256_GCM);
	EXPECT(c.self.indirect_data);
	EXPECT_EQ(c.self.n_addresses, 1);
	if (c.self.n_addresses)
		EXPECT_EQ(c.self.addresses[0].port, 7000);
	/* Key blocks in server files are never kept. */
	EXPECT_EQ(c.self.keys.n_pem_keys, 0);
	EXPECT(has_warning(&d, "test.conf:7: key block in a server configuration file ignored"));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_tinc_legacy_cipher_is_a_warning)
{
	struct mv_config c;
	struct mv_diag d;

	EXPECT_EQ(parse_srv("Name = n\nCipher = aes-256-cbc\n", &c, &d), 0);
	EXPECT_EQ(c.cipher, MV_CIPHER_CHACHA20_POLY1305);
	EXPECT(!c.self.cipher_set);
	EXPECT(has_warning(&d, "test.conf:2: Cipher aes-256-cbc is a tinc legacy cipher meshvpn does not have, ignored"));
	mv_config_free(&c);
	mv_diag_free(&d);

	EXPECT_EQ(parse_srv("Name = n\nCipher = blowfish\n", &c, &d), 0);
	EXPECT_EQ(d.n_warnings, 1);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(server_parse_without_diag)
{
	struct mv_config c;

	EXPECT_EQ(mv_config_parse_server_buffer("Name = a\nFoo = 1\n", 17,
						NULL, &c, NULL), 0);
	EXPECT_STREQ(c.files[0], "<buffer>");
	mv_config_free(&c);
	EXPECT_EQ(mv_config_parse_server_buffer("Port = x\n", 9, NULL, &c,
						NULL), -EINVAL);
	mv_config_free(&c);
}

TEST(large_lists_stay_fast)
{
	const int n = 50000;
	size_t cap = (size_t)n * 64 + 128, len = 0;
	char *text = malloc(cap);
	struct mv_host_config h;
	struct mv_config c;
	struct mv_diag d;
	int i;

	/* 50,000 subnets and ConnectTos, one duplicate of each at the end:
	 * duplicate detection must not be quadratic.
	 */
	len += (size_t)sprintf(text + len, "Name = me\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(text + len,
				       "Subnet = 10.%d.%d.0/24\nConnectTo = n%d\n",
				       i >> 8, i & 255, i);
	len += (size_t)sprintf(text + len,
			       "Subnet = 10.0.7.0/24\nConnectTo = n7\n");
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_parse_server_buffer(text, len, "big", &c, &d), 0);
	EXPECT_EQ(c.n_connect_to, n);
	EXPECT_EQ(c.self.n_subnets, n);
	if (c.n_connect_to == (size_t)n)
		EXPECT_STREQ(c.connect_to[n - 1], "n49999");
	EXPECT(has_warning(&d, "big:100003: duplicate ConnectTo n7, ignored"));
	EXPECT(has_warning(&d, "big:100002: duplicate Subnet 10.0.7.0/24, ignored"));
	mv_config_free(&c);
	mv_diag_free(&d);

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_parse_host_buffer(text, len, "big", "x", &h, &d),
		  0);
	EXPECT_EQ(h.n_subnets, n);
	mv_host_config_free(&h);
	mv_diag_free(&d);
	free(text);
}

/* ---- host files ---- */

TEST(host_every_variable)
{
	static const char text[] =
		"Address = 192.0.2.7\n"
		"Address = host-1.example.net 7000\n"
		"Address = 2001:db8::7 7001\n"
		"Address = _srv.example\n"
		"Port = 8000\n"
		"Subnet = 10.1.0.0/16\n"
		"Subnet = 10.2.0.0/16#5\n"
		"Subnet = 2001:db8:1::/48\n"
		"Subnet = 02:00:00:00:00:01#3\n"
		"Cipher = aes-256-gcm\n"
		"IndirectData = no\n"
		"Weight = 50\n"
		"TCPOnly = no\n"
		"Compression = 0\n"
		"Ed25519PublicKey = sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31M\n"
		"-----BEGIN RSA PUBLIC KEY-----\n"
		"MIIBCgKCAQEAtL8yjJYofDTdcvGg\n"
		"-----END RSA PUBLIC KEY-----\n";
	struct mv_host_config h;
	struct mv_diag d;
	char buf[MV_SUBNET_STRLEN];

	EXPECT_EQ(parse_host(text, &h, &d), 0);
	dump_warnings(&d);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT_STREQ(h.name, "n1");
	EXPECT_STREQ(h.path, "hosts/n1");
	EXPECT_EQ(h.n_addresses, 4);
	if (h.n_addresses == 4) {
		EXPECT_STREQ(h.addresses[0].host, "192.0.2.7");
		EXPECT_EQ(h.addresses[0].port, 8000);
		EXPECT(!h.addresses[0].port_given);
		EXPECT_STREQ(h.addresses[1].host, "host-1.example.net");
		EXPECT_EQ(h.addresses[1].port, 7000);
		EXPECT(h.addresses[1].port_given);
		EXPECT_STREQ(h.addresses[2].host, "2001:db8::7");
		EXPECT_EQ(h.addresses[2].port, 7001);
		EXPECT_STREQ(h.addresses[3].host, "_srv.example");
	}
	EXPECT_EQ(h.port, 8000);
	EXPECT(h.port_set);
	EXPECT_EQ(h.n_subnets, 4);
	if (h.n_subnets == 4) {
		mv_subnet_format(&h.subnets[1], buf, sizeof(buf), 0);
		EXPECT_STREQ(buf, "10.2.0.0/16#5");
		mv_subnet_format(&h.subnets[3], buf, sizeof(buf), 0);
		EXPECT_STREQ(buf, "02:00:00:00:00:01#3");
	}
	EXPECT_EQ(h.cipher, MV_CIPHER_AES_256_GCM);
	EXPECT(h.cipher_set);
	EXPECT(!h.indirect_data);
	EXPECT(!h.tcp_only);
	EXPECT_EQ(h.weight, 50);
	EXPECT(h.weight_set);
	EXPECT_EQ(h.compression, 0);
	EXPECT_STREQ(h.keys.ed25519_public_key,
		     "sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31M");
	EXPECT_EQ(h.keys.n_pem_keys, 1);
	if (h.keys.n_pem_keys)
		EXPECT_STREQ(h.keys.pem_keys[0],
			     "-----BEGIN RSA PUBLIC KEY-----\n"
			     "MIIBCgKCAQEAtL8yjJYofDTdcvGg\n"
			     "-----END RSA PUBLIC KEY-----\n");
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(host_defaults_and_tcponly)
{
	struct mv_host_config h;
	struct mv_diag d;

	EXPECT_EQ(parse_host("TCPOnly = yes\nAddress = 192.0.2.1\n", &h, &d),
		  0);
	/* tinc: TCPOnly implies IndirectData. */
	EXPECT(h.tcp_only);
	EXPECT(h.indirect_data);
	EXPECT_EQ(h.port, 655);
	EXPECT(!h.port_set);
	EXPECT(!h.cipher_set);
	EXPECT(!h.weight_set);
	EXPECT_EQ(h.addresses[0].port, 655);
	EXPECT(!h.keys.ed25519_public_key);
	mv_host_config_free(&h);
	mv_diag_free(&d);

	EXPECT_EQ(mv_config_parse_host_buffer("", 0, NULL, NULL, &h, NULL),
		  0);
	EXPECT(!h.name);
	EXPECT_STREQ(h.path, "<buffer>");
	mv_host_config_free(&h);
	mv_host_config_init(&h);
	EXPECT_EQ(h.port, 655);
	mv_host_config_free(&h);
	mv_host_config_free(NULL);
}

TEST(host_warnings)
{
	struct mv_host_config h;
	struct mv_diag d;

	EXPECT_EQ(parse_host("Name = other\nConnectTo = x\nCompression = 9\n"
			     "Subnet = 10.0.0.0/8\nSubnet = 10.0.0.0/8#10\n"
			     "Subnet = 10.0.0.0/8#11\nPMTU = 1400\n"
			     "PublicKeyFile = /x\nWeight = 1\nWeight = 2\n",
			     &h, &d), 0);
	EXPECT(has_warning(&d, "hosts/n1:1: server variable Name has no effect in a host file, ignored"));
	EXPECT(has_warning(&d, "hosts/n1:2: server variable ConnectTo has no effect in a host file, ignored"));
	EXPECT(has_warning(&d, "hosts/n1:3: Compression is not supported by meshvpn, ignored"));
	EXPECT(has_warning(&d, "hosts/n1:5: duplicate Subnet 10.0.0.0/8#10, ignored"));
	EXPECT(has_warning(&d, "hosts/n1:7: unknown or obsolete variable PMTU, ignored (a tinc variable"));
	EXPECT(has_warning(&d, "hosts/n1:8: unknown or obsolete variable PublicKeyFile"));
	EXPECT(has_warning(&d, "hosts/n1:10: Weight already set in hosts/n1 line 9"));
	EXPECT_EQ(d.n_warnings, 7);
	EXPECT_EQ(h.n_subnets, 2);
	EXPECT_EQ(h.compression, 9);
	EXPECT_EQ(h.weight, 1);
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(host_addresses)
{
	static const char *const good[] = {
		"Address = 1.2.3.4 655", "Address = ::1", "Address = fe80::1%eth0 655",
		"Address = vpn.example.com", "Address = a 1", "Address = a\t65535",
		"Address = xn--bcher-kva.example", "Address = example.com.",
	};
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "Address = 1.2.3.4 0", "hosts/n1:1: invalid port \"0\" in Address: expected a number from 1 to 65535" },
		{ "Address = 1.2.3.4 http", "invalid port \"http\" in Address" },
		{ "Address = 1.2.3.4 655 udp", "invalid Address \"1.2.3.4 655 udp\": expected \"ADDRESS [PORT]\"" },
		{ "Address = *", "invalid address \"*\" in Address: not an IP address or a valid host name" },
		{ "Address = host..example", "invalid address \"host..example\" in Address" },
		{ "Address = host/path", "not an IP address or a valid host name" },
		{ "Address = 1:::2", "invalid IPv6 address" },
		{ "Address = [::1]", "invalid IPv6 address" },
		{ "Address = fe80::1%", "invalid IPv6 address" },
		{ "Address = 999.0.0.1", "invalid IPv4 address" },
		{ "Address = 10.0.0.1.", "invalid IPv4 address" },
		{ "Address = .", "invalid address \".\" in Address" },
		{ "Address = a234567890123456789012345678901234567890123456789012345678901234.example", "not an IP address" },
		{ "Port = 65536", "hosts/n1:1: invalid Port \"65536\"" },
		{ "Subnet = 10.0.0.1/33", "hosts/n1:1: invalid Subnet \"10.0.0.1/33\": prefix length 33 is too long for IPv4 (maximum 32)" },
		{ "Subnet = 10.1.2.3/8", "did you mean 10.0.0.0/8?" },
		{ "Subnet = 02:00:00:00:00:01/48", "a MAC address subnet cannot have a prefix length" },
		{ "Ed25519PublicKey = sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31M=", "invalid Ed25519PublicKey" },
		{ "Ed25519PublicKey = sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra3!M", "invalid Ed25519PublicKey" },
		{ "Cipher = rot13", "hosts/n1:1: invalid Cipher \"rot13\"" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		struct mv_host_config h;
		struct mv_diag d;

		EXPECT_EQ(parse_host(good[i], &h, &d), 0);
		if (d.error)
			fprintf(stderr, "  %s: %s\n", good[i], d.error);
		EXPECT_EQ(h.n_addresses, 1);
		mv_host_config_free(&h);
		mv_diag_free(&d);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT(host_fails(bad[i].text, bad[i].want));
}

/* ---- directories ---- */

TEST(load_tinc_1_0_network)
{
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX];
	const char *dir = fx("tinc/private");
	char *pem;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	dump_warnings(&d);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT_STREQ(c.confdir, dir);
	EXPECT_STREQ(c.name, "hawking");
	EXPECT_EQ(c.address_family, MV_AF_IPV4);
	EXPECT_STREQ(c.interface, "tun0");
	EXPECT_EQ(c.n_connect_to, 2);
	if (c.n_connect_to == 2) {
		EXPECT_STREQ(c.connect_to[0], "einstein");
		EXPECT_STREQ(c.connect_to[1], "newton");
	}
	EXPECT_EQ(c.port, 655);
	EXPECT(c.self_host_found);
	EXPECT_EQ(c.n_files, 2);
	fmt(want, sizeof(want), "%s/tinc.conf", dir);
	EXPECT_STREQ(c.files[0], want);
	fmt(want, sizeof(want), "%s/hosts/hawking", dir);
	EXPECT_STREQ(c.files[1], want);
	EXPECT_STREQ(c.self.path, want);
	EXPECT_EQ(c.self.n_subnets, 1);
	EXPECT_EQ(c.self.keys.n_pem_keys, 1);
	pem = pem_of(want);
	if (c.self.keys.n_pem_keys && pem)
		EXPECT_STREQ(c.self.keys.pem_keys[0], pem);
	fmt(want, sizeof(want), "%s/rsa_key.priv", dir);
	EXPECT_STREQ(c.private_key_file, want);
	fmt(want, sizeof(want), "%s/ed25519_key.priv", dir);
	EXPECT_STREQ(c.ed25519_private_key_file, want);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(load_tinc_1_0_hosts)
{
	struct mv_host_config h;
	struct mv_diag d;
	char path[PATH_MAX];
	char buf[MV_SUBNET_STRLEN];
	char *pem;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "einstein", &h, &d),
		  0);
	EXPECT_STREQ(h.name, "einstein");
	EXPECT_EQ(h.n_addresses, 1);
	if (h.n_addresses) {
		EXPECT_STREQ(h.addresses[0].host, "203.0.113.1");
		EXPECT_EQ(h.addresses[0].port, 655);
	}
	EXPECT_EQ(h.n_subnets, 1);
	if (h.n_subnets) {
		mv_subnet_format(&h.subnets[0], buf, sizeof(buf), 0);
		EXPECT_STREQ(buf, "172.16.50.1");
	}
	fmt(path, sizeof(path), "%s/hosts/einstein", fx("tinc/private"));
	EXPECT_STREQ(h.path, path);
	pem = pem_of(path);
	EXPECT_EQ(h.keys.n_pem_keys, 1);
	if (h.keys.n_pem_keys && pem) {
		EXPECT_STREQ(h.keys.pem_keys[0], pem);
		EXPECT(strstr(pem, "-----END RSA PUBLIC KEY-----\n"));
	}
	mv_host_config_free(&h);

	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "newton", &h, &d), 0);
	EXPECT_EQ(h.keys.n_pem_keys, 0);
	if (h.n_addresses) {
		EXPECT_STREQ(h.addresses[0].host, "newton.example.org");
		EXPECT_EQ(h.addresses[0].port, 655);
		EXPECT(h.addresses[0].port_given);
	}
	mv_host_config_free(&h);
	EXPECT_EQ(d.n_warnings, 0);
	mv_diag_free(&d);
}

TEST(load_via_netname)
{
	struct mv_config c;
	struct mv_diag d;
	char *dir = NULL;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_resolve_dir(fx("tinc"), NULL, "private", NULL, &dir, &d),
		  0);
	EXPECT_STREQ(dir, fx("tinc/private"));
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	EXPECT_STREQ(c.name, "hawking");
	mv_config_free(&c);
	free(dir);
	mv_diag_free(&d);
}

TEST(load_meshvpn_network)
{
	const char *dir = fx("meshvpn/office");
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX], msg[PATH_MAX + 128];

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	EXPECT_STREQ(c.name, "alpha");
	EXPECT_EQ(c.n_connect_to, 3);
	if (c.n_connect_to == 3) {
		EXPECT_STREQ(c.connect_to[0], "beta");
		EXPECT_STREQ(c.connect_to[1], "gamma");
		EXPECT_STREQ(c.connect_to[2], "delta");
	}
	EXPECT_EQ(c.address_family, MV_AF_IPV6);
	EXPECT_STREQ(c.interface, "mv-office");
	EXPECT_STREQ(c.device, "/dev/net/tun");
	/* meshvpn.conf is read before hosts/alpha: its Port wins. */
	EXPECT_EQ(c.port, 7655);
	EXPECT_EQ(c.n_bind_to, 3);
	if (c.n_bind_to == 3) {
		EXPECT(!c.bind_to[0].host);
		EXPECT_EQ(c.bind_to[0].port, 7655);
		EXPECT_EQ(c.bind_to[1].port, 7656);
		EXPECT_STREQ(c.bind_to[2].host, "2001:db8::1");
		EXPECT_EQ(c.bind_to[2].port, 7655);
	}
	EXPECT_EQ(c.mode, MV_MODE_ROUTER);
	EXPECT_EQ(c.ping_interval, 30);
	EXPECT_EQ(c.ping_timeout, 10);
	EXPECT(c.strict_subnets);
	EXPECT(c.strict_keys);
	EXPECT_EQ(c.data_plane, MV_DATA_PLANE_BPF);
	EXPECT_EQ(c.cipher, MV_CIPHER_AES_256_GCM);
	EXPECT_STREQ(c.private_key_file, "/var/lib/meshvpn/rsa_key.priv");
	fmt(want, sizeof(want), "%s/keys/ed25519_key.priv", dir);
	EXPECT_STREQ(c.ed25519_private_key_file, want);
	EXPECT_EQ(c.log_level, 3);

	EXPECT(c.self_host_found);
	EXPECT_EQ(c.self.n_subnets, 2);
	EXPECT_EQ(c.self.n_addresses, 1);
	if (c.self.n_addresses)
		EXPECT_EQ(c.self.addresses[0].port, 7655);
	EXPECT_STREQ(c.self.keys.ed25519_public_key,
		     "sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31M");

	/* meshvpn.conf, two conf.d files (not README), hosts/alpha. */
	EXPECT_EQ(c.n_files, 4);
	if (c.n_files == 4) {
		fmt(want, sizeof(want), "%s/conf.d/10-peers.conf", dir);
		EXPECT_STREQ(c.files[1], want);
		fmt(want, sizeof(want), "%s/conf.d/20-extra.conf", dir);
		EXPECT_STREQ(c.files[2], want);
	}
	fmt(msg, sizeof(msg),
		 "%s/conf.d/20-extra.conf:1: duplicate ConnectTo beta, ignored",
		 dir);
	EXPECT(has_warning(&d, msg));
	fmt(msg, sizeof(msg),
		 "%s/conf.d/20-extra.conf:2: LogLevel already set in %s/meshvpn.conf line 22, this value is ignored",
		 dir, dir);
	EXPECT(has_warning(&d, msg));
	fmt(msg, sizeof(msg),
		 "%s/hosts/alpha:2: Port already set in %s/meshvpn.conf line 9",
		 dir, dir);
	EXPECT(has_warning(&d, msg));
	EXPECT_EQ(d.n_warnings, 3);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(load_meshvpn_hosts)
{
	const char *dir = fx("meshvpn/office");
	struct mv_host_config h;
	struct mv_diag d;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_host(dir, "beta", &h, &d), 0);
	EXPECT_EQ(h.n_addresses, 2);
	if (h.n_addresses == 2) {
		EXPECT_STREQ(h.addresses[0].host, "beta.example.net");
		EXPECT_EQ(h.addresses[0].port, 7000);
		EXPECT_STREQ(h.addresses[1].host, "192.0.2.7");
		EXPECT_EQ(h.addresses[1].port, 7001);
	}
	EXPECT_EQ(h.n_subnets, 2);
	EXPECT(h.indirect_data);
	EXPECT(!h.tcp_only);
	EXPECT_EQ(h.weight, 50);
	EXPECT_EQ(h.cipher, MV_CIPHER_NONE);
	EXPECT_STREQ(h.keys.ed25519_public_key,
		     "U3iyEySItKxBDLM4btIUwTEsEIkRHio9VuNcBOvYgWc");
	mv_host_config_free(&h);

	EXPECT_EQ(mv_config_load_host(dir, "gamma", &h, &d), 0);
	EXPECT(h.tcp_only);
	EXPECT(h.indirect_data);
	EXPECT_EQ(h.n_subnets, 1);
	if (h.n_subnets)
		EXPECT_EQ(h.subnets[0].type, MV_SUBNET_MAC);
	mv_host_config_free(&h);
	EXPECT_EQ(d.n_warnings, 0);
	mv_diag_free(&d);
}

TEST(load_host_errors)
{
	struct mv_host_config h;
	struct mv_diag d;
	char want[PATH_MAX + 64];

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "nobody", &h, &d),
		  -ENOENT);
	fmt(want, sizeof(want),
		 "%s/hosts/nobody: cannot open: No such file or directory",
		 fx("tinc/private"));
	EXPECT_STREQ(d.error, want);
	mv_host_config_free(&h);
	mv_diag_free(&d);

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "../tinc.conf", &h,
				      &d), -EINVAL);
	EXPECT_STREQ(d.error,
		     "invalid node name \"../tinc.conf\": only letters, digits and '_' are allowed");
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "", &h, NULL),
		  -EINVAL);
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), NULL, &h, NULL),
		  -EINVAL);
	EXPECT_EQ(mv_config_load_host(fx("tinc/private"), "einstein-up", &h,
				      NULL), -EINVAL);
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(list_hosts)
{
	char **names;
	size_t n;

	EXPECT_EQ(mv_config_list_hosts(fx("tinc/private"), &names, &n, NULL),
		  0);
	EXPECT_EQ(n, 3);
	if (n == 3) {
		EXPECT_STREQ(names[0], "einstein");
		EXPECT_STREQ(names[1], "hawking");
		EXPECT_STREQ(names[2], "newton");
	}
	mv_config_free_names(names, n);

	EXPECT_EQ(mv_config_list_hosts(fx("meshvpn/office"), &names, &n, NULL),
		  0);
	EXPECT_EQ(n, 4);
	if (n == 4) {
		EXPECT_STREQ(names[0], "alpha");
		EXPECT_STREQ(names[3], "gamma");
	}
	mv_config_free_names(names, n);

	/* No hosts directory at all: an empty list. */
	EXPECT_EQ(mv_config_list_hosts(fx("broken/no-name"), &names, &n, NULL),
		  0);
	EXPECT_EQ(n, 0);
	EXPECT(!names);
}

TEST(meshvpn_conf_preferred_over_tinc_conf)
{
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX + 128];

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(fx("both"), &c, &d), 0);
	EXPECT_STREQ(c.name, "from_meshvpn_conf");
	fmt(want, sizeof(want),
		 "%s: both meshvpn.conf and tinc.conf exist: using meshvpn.conf, tinc.conf is ignored",
		 fx("both"));
	EXPECT(has_warning(&d, want));
	EXPECT(c.self_host_found);
	EXPECT_EQ(c.self.n_subnets, 1);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(load_missing_configuration)
{
	char *dir = make_tmpdir();
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX + 64];

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), -ENOENT);
	fmt(want, sizeof(want),
		 "%s: no meshvpn.conf or tinc.conf in this directory", dir);
	EXPECT_STREQ(d.error, want);
	EXPECT(!c.name);
	mv_config_free(&c);
	mv_diag_free(&d);

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server("/nonexistent/meshvpn", &c, &d),
		  -ENOENT);
	mv_config_free(&c);
	mv_diag_free(&d);

	/* Before "meshvpnd -K" there is no hosts/NAME: not an error. */
	write_text(dir, "tinc.conf", "Name = fresh\n");
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	EXPECT(!c.self_host_found);
	EXPECT(!c.self.path);
	EXPECT_STREQ(c.self.name, "fresh");
	EXPECT_EQ(c.n_files, 1);
	mv_config_free(&c);
	mv_diag_free(&d);
	rm_rf(dir);
}

/* A ConnectTo that can never connect names the host file it lacks. */
TEST(connect_to_without_host_file)
{
	char *dir = make_tmpdir();
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX + 64];

	write_text(dir, "tinc.conf",
		   "Name = alpha\nConnectTo = beta\nConnectTo = gamma\n");
	write_text(dir, "hosts/beta", "Address = 192.0.2.1\n");
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	EXPECT_EQ(c.n_connect_to, 2);
	EXPECT_EQ(d.n_warnings, 1);
	fmt(want, sizeof(want),
	    "tinc.conf:3: ConnectTo gamma: no host file %s/hosts/gamma", dir);
	EXPECT(has_warning(&d, want));
	mv_config_free(&c);
	mv_diag_free(&d);
	rm_rf(dir);
}

TEST(own_host_file_may_hold_server_variables)
{
	char *dir = make_tmpdir();
	struct mv_host_config h;
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX + 128];

	/* tinc reads hosts/NAME into the server configuration. */
	write_text(dir, "tinc.conf", "Name = me\nConnectTo = a\n");
	write_text(dir, "hosts/me",
		   "ConnectTo = b\nStrictSubnets = yes\nName = other\n"
		   "Subnet = 10.0.0.0/24\n");
	write_text(dir, "hosts/a", "Address = 192.0.2.1\n");
	write_text(dir, "hosts/b", "Address = 192.0.2.2\n");
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
	EXPECT_STREQ(c.name, "me");
	EXPECT_EQ(c.n_connect_to, 2);
	EXPECT(c.strict_subnets);
	EXPECT_EQ(c.self.n_subnets, 1);
	fmt(want, sizeof(want),
	    "%s/hosts/me:3: Name already set in %s/tinc.conf line 1", dir, dir);
	EXPECT(has_warning(&d, want));
	EXPECT_EQ(d.n_warnings, 1);
	mv_config_free(&c);
	mv_diag_free(&d);

	/* Read as a peer's host file, the same lines are out of place. */
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_host(dir, "me", &h, &d), 0);
	EXPECT_EQ(h.n_subnets, 1);
	EXPECT_EQ(d.n_warnings, 3);
	fmt(want, sizeof(want),
	    "%s/hosts/me:2: server variable StrictSubnets has no effect in a host file, ignored",
	    dir);
	EXPECT(has_warning(&d, want));
	mv_host_config_free(&h);
	mv_diag_free(&d);
	rm_rf(dir);
}

static void expect_broken(bool *unit_failed, const char *net, int ret,
			  const char *file, unsigned int line,
			  const char *msg)
{
	struct mv_config c;
	struct mv_diag d;
	char want[PATH_MAX + 256];
	const char *dir = fx(net);

	if (line)
		fmt(want, sizeof(want), "%s/%s:%u: %s", dir, file, line,
			 msg);
	else
		fmt(want, sizeof(want), "%s/%s: %s", dir, file, msg);
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), ret);
	if (!d.error || strncmp(d.error, want, strlen(want))) {
		fprintf(stderr, "  %s: \"%s\"\n  want \"%s...\"\n", net,
			d.error ? d.error : "(none)", want);
		*unit_failed = true;
	}
	EXPECT(!c.name);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(load_broken_networks)
{
	expect_broken(unit_failed, "broken/mode-switch", -ENOTSUP, "tinc.conf",
		      2, "Mode = switch is not supported yet");
	expect_broken(unit_failed, "broken/no-name", -EINVAL, "tinc.conf", 0,
		      "Name is not set");
	expect_broken(unit_failed, "broken/bad-host-port", -EINVAL,
		      "hosts/node1", 2,
		      "invalid Port \"65536\": expected a port number from 0 to 65535");
	expect_broken(unit_failed, "broken/unterminated-key", -EINVAL,
		      "hosts/node1", 2,
		      "unterminated key block (no \"-----END RSA PUBLIC KEY-----\" line)");
	expect_broken(unit_failed, "broken/bad-confd", -EINVAL,
		      "conf.d/50-strict.conf", 3,
		      "invalid StrictSubnets \"maybe\": expected yes or no");
	expect_broken(unit_failed, "broken/bad-subnet", -EINVAL, "hosts/node1",
		      2,
		      "invalid Subnet \"10.1.2.3/8\": network address and prefix length do not match: host bits are set beyond /8 (did you mean 10.0.0.0/8?)");
}

TEST(load_odd_files)
{
	char *dir = make_tmpdir();
	struct mv_config c;
	struct mv_diag d;
	char path[PATH_MAX], want[PATH_MAX + 64];
	static const char nul[] = "Name = n\nInterface = tun\0\n";
	char *big;
	int fd;

	/* NUL byte in the middle of the file. */
	write_file(dir, "tinc.conf", nul, sizeof(nul) - 1, 0644);
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), -EINVAL);
	fmt(want, sizeof(want), "%s/tinc.conf:2: NUL byte in line", dir);
	EXPECT_STREQ(d.error, want);
	mv_config_free(&c);
	mv_diag_free(&d);

	/* A line over the limit. */
	big = malloc(MV_CONFIG_MAX_LINE + 32);
	memset(big, 'a', MV_CONFIG_MAX_LINE + 32);
	memcpy(big, "Name = n\nDevice = ", 18);
	write_file(dir, "tinc.conf", big, MV_CONFIG_MAX_LINE + 32, 0644);
	free(big);
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), -EINVAL);
	fmt(want, sizeof(want),
		 "%s/tinc.conf:2: line too long (more than 4096 characters)",
		 dir);
	EXPECT_STREQ(d.error, want);
	mv_config_free(&c);
	mv_diag_free(&d);

	/* A huge file is refused before it is read. */
	fmt(path, sizeof(path), "%s/tinc.conf", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	EXPECT(fd >= 0 && !ftruncate(fd, MV_FILE_MAX_CONFIG + 1));
	close(fd);
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), -EFBIG);
	EXPECT(d.error && strstr(d.error, "file too large"));
	mv_config_free(&c);
	mv_diag_free(&d);
	unlink(path);

	/* meshvpn.conf that is a directory. */
	fmt(path, sizeof(path), "%s/meshvpn.conf", dir);
	mkdir(path, 0755);
	mv_diag_init(&d);
	EXPECT_EQ(mv_config_load_server(dir, &c, &d), -EINVAL);
	fmt(want, sizeof(want), "%s/meshvpn.conf: not a regular file",
		 dir);
	EXPECT_STREQ(d.error, want);
	mv_config_free(&c);
	mv_diag_free(&d);
	rmdir(path);

	/* An unreadable host file of the local node (not as root). */
	write_text(dir, "meshvpn.conf", "Name = n\n");
	write_file(dir, "hosts/n", "Port = 1\n", 9, 0000);
	mv_diag_init(&d);
	if (geteuid()) {
		EXPECT_EQ(mv_config_load_server(dir, &c, &d), -EACCES);
		EXPECT(d.error && strstr(d.error, "hosts/n: cannot open"));
	} else {
		EXPECT_EQ(mv_config_load_server(dir, &c, &d), 0);
		EXPECT_EQ(c.port, 1);
	}
	mv_config_free(&c);
	mv_diag_free(&d);
	rm_rf(dir);
}

/* ---- paths and scripts ---- */

TEST(resolve_dir)
{
	struct mv_diag d;
	char *out;

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, "private", NULL, &out, &d), 0);
	EXPECT_STREQ(out, MV_CONFIG_BASEDIR "/private");
	free(out);
	EXPECT_EQ(mv_config_resolve_dir("/tmp/base/", NULL, "net1", NULL, &out, &d),
		  0);
	EXPECT_STREQ(out, "/tmp/base/net1");
	free(out);
	EXPECT_EQ(mv_config_resolve_dir("/tmp/base", NULL, NULL, NULL, &out, &d), 0);
	EXPECT_STREQ(out, "/tmp/base");
	free(out);
	EXPECT_EQ(mv_config_resolve_dir("/tmp/base", NULL, ".", NULL, &out, &d), 0);
	EXPECT_STREQ(out, "/tmp/base");
	free(out);
	EXPECT_EQ(mv_config_resolve_dir("/tmp/base", NULL, "", NULL, &out, &d), 0);
	EXPECT_STREQ(out, "/tmp/base");
	free(out);
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, NULL, "/srv/vpn", &out, &d), 0);
	EXPECT_STREQ(out, "/srv/vpn");
	free(out);
	EXPECT_EQ(d.n_warnings, 0);

	/* -c wins over -n, with a warning (tinc does the same). */
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, "private", "/srv/vpn", &out, &d),
		  0);
	EXPECT_STREQ(out, "/srv/vpn");
	free(out);
	EXPECT(has_warning(&d, "both a network name (private) and a configuration directory (/srv/vpn) given, using the directory"));

	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, "../etc", NULL, &out, &d),
		  -EINVAL);
	EXPECT(!out);
	EXPECT_STREQ(d.error,
		     "invalid network name \"../etc\": it must not contain '/' or '\\' or start with '.'");
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, "a/b", NULL, &out, NULL),
		  -EINVAL);
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, "a\\b", NULL, &out, NULL),
		  -EINVAL);
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, ".hidden", NULL, &out, NULL),
		  -EINVAL);
	EXPECT_EQ(mv_config_resolve_dir(NULL, NULL, NULL, "", &out, NULL), -EINVAL);
	mv_diag_free(&d);
}

/* -n NET falls back to an existing tinc network, and says so. */
TEST(resolve_dir_tinc_fallback)
{
	char *base = make_tmpdir(), meshvpn[PATH_MAX], tinc[PATH_MAX];
	char path[PATH_MAX], want[PATH_MAX];
	struct mv_diag d;
	char *out;

	fmt(meshvpn, sizeof(meshvpn), "%s/meshvpn", base);
	fmt(tinc, sizeof(tinc), "%s/tinc", base);
	EXPECT_EQ(mkdir(meshvpn, 0700), 0);
	EXPECT_EQ(mkdir(tinc, 0700), 0);
	fmt(path, sizeof(path), "%s/old", tinc);
	EXPECT_EQ(mkdir(path, 0700), 0);
	fmt(path, sizeof(path), "%s/both", tinc);
	EXPECT_EQ(mkdir(path, 0700), 0);
	fmt(path, sizeof(path), "%s/both", meshvpn);
	EXPECT_EQ(mkdir(path, 0700), 0);

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_resolve_dir(meshvpn, tinc, "old", NULL, &out, &d),
		  0);
	fmt(want, sizeof(want), "%s/old", tinc);
	EXPECT_STREQ(out, want);
	free(out);
	EXPECT_EQ(d.n_warnings, 1);
	fmt(want, sizeof(want),
	    "no network old in %s/old, using the tinc network in %s/old",
	    meshvpn, tinc);
	EXPECT(has_warning(&d, want));

	/* A meshvpn network of that name wins, silently. */
	EXPECT_EQ(mv_config_resolve_dir(meshvpn, tinc, "both", NULL, &out, &d),
		  0);
	EXPECT_STREQ(out, path);
	free(out);
	/* Neither: the meshvpn path, for the loader to report missing. */
	EXPECT_EQ(mv_config_resolve_dir(meshvpn, tinc, "none", NULL, &out, &d),
		  0);
	fmt(want, sizeof(want), "%s/none", meshvpn);
	EXPECT_STREQ(out, want);
	free(out);
	EXPECT_EQ(d.n_warnings, 1);
	mv_diag_free(&d);
	rm_rf(base);
}

static bool script_is(const char *dir, const char *script, int ret,
		      const char *want_name, struct mv_diag *d)
{
	char *path = NULL, want[PATH_MAX];
	int r = mv_config_find_script(dir, script, &path, d);
	bool ok;

	if (want_name) {
		fmt(want, sizeof(want), "%s/%s", dir, want_name);
		ok = r == ret && path && !strcmp(path, want);
	} else {
		ok = r == ret && !path;
	}
	if (!ok)
		fprintf(stderr, "  script %s in %s: %d %s, want %d %s\n",
			script, dir, r, path ? path : "(none)", ret,
			want_name ? want_name : "(none)");
	free(path);
	return ok;
}

TEST(scripts_meshvpn_and_tinc_names)
{
	struct mv_diag d;
	char want[PATH_MAX + 128];

	mv_diag_init(&d);
	EXPECT(script_is(fx("meshvpn/office"), "up", 1, "meshvpn-up", &d));
	EXPECT(script_is(fx("meshvpn/office"), "down", 1, "meshvpn-down", &d));
	EXPECT(script_is(fx("tinc/private"), "up", 1, "tinc-up", &d));
	EXPECT(script_is(fx("tinc/private"), "down", 1, "tinc-down", &d));
	EXPECT_EQ(d.n_warnings, 0);

	EXPECT(script_is(fx("both"), "up", 1, "meshvpn-up", &d));
	fmt(want, sizeof(want),
		 "%s: both meshvpn-up and tinc-up exist: running meshvpn-up, tinc-up is ignored",
		 fx("both"));
	EXPECT(has_warning(&d, want));
	EXPECT(script_is(fx("both"), "down", 1, "tinc-down", &d));

	/* Other scripts have one name only. */
	EXPECT(script_is(fx("tinc/private"), "hosts/einstein-up", 1,
			 "hosts/einstein-up", &d));
	EXPECT(script_is(fx("tinc/private"), "host-up", 0, NULL, &d));
	EXPECT(script_is(fx("tinc/private"), "subnet-down", 0, NULL, &d));
	EXPECT(script_is(fx("broken/no-name"), "up", 0, NULL, &d));
	EXPECT(script_is("/nonexistent", "up", 0, NULL, &d));
	EXPECT_EQ(d.n_warnings, 1);

	EXPECT(script_is(fx("tinc/private"), "../tinc-up", -EINVAL, NULL, &d));
	EXPECT_STREQ(d.error, "invalid script name \"../tinc-up\"");
	EXPECT(script_is(fx("tinc/private"), "/bin/sh", -EINVAL, NULL, NULL));
	EXPECT(script_is(fx("tinc/private"), "", -EINVAL, NULL, NULL));
	EXPECT(script_is(fx("tinc/private"), NULL, -EINVAL, NULL, NULL));
	mv_diag_free(&d);
}

TEST(scripts_odd_files)
{
	char *dir = make_tmpdir();
	struct mv_diag d;
	char path[PATH_MAX], want[PATH_MAX + 64];

	/* A directory named meshvpn-up is skipped in favour of tinc-up. */
	fmt(path, sizeof(path), "%s/meshvpn-up", dir);
	mkdir(path, 0755);
	write_file(dir, "tinc-up", "#!/bin/sh\n", 10, 0755);
	mv_diag_init(&d);
	EXPECT(script_is(dir, "up", 1, "tinc-up", &d));
	fmt(want, sizeof(want), "%s/meshvpn-up: not a regular file, not run",
		 dir);
	EXPECT(has_warning(&d, want));
	mv_diag_free(&d);

	/* Not executable: still returned, with a warning. */
	write_file(dir, "meshvpn-down", "#!/bin/sh\n", 10, 0644);
	mv_diag_init(&d);
	EXPECT(script_is(dir, "down", 1, "meshvpn-down", &d));
	fmt(want, sizeof(want), "%s/meshvpn-down: script is not executable",
		 dir);
	EXPECT(has_warning(&d, want));
	mv_diag_free(&d);
	rm_rf(dir);
}

TEST_MAIN()
