// SPDX-License-Identifier: GPL-2.0
/*
 * The variable table (config/vars.c), row by row: every variable takes a
 * good value into its field, in server files and host files as its scope
 * says, refuses a bad one with "FILE:LINE: ..." and, unless it is a list,
 * keeps its first value. A row added without a case here fails the test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "config/config.h"
#include "lib/array.h"

#include "test.h"

/* A good value of each variable, and one that must be refused. */
static const struct sample {
	const char *name;
	const char *good;
	const char *bad;	/* NULL: every value is taken */
	int bad_ret;
} samples[] = {
	{ "Name", "alpha", "my-node", -EINVAL },
	{ "ConnectTo", "beta", "be-ta", -EINVAL },
	{ "AddressFamily", "ipv6", "ipv5", -EINVAL },
	{ "Interface", "mv7", "a_very_long_ifname", -EINVAL },
	{ "Device", "/dev/net/tun7", NULL, 0 },
	{ "BindToAddress", "192.0.2.9 7009", "192.0.2.9 70000", -EINVAL },
	{ "Mode", "router", "switch", -ENOTSUP },
	{ "PingInterval", "33", "soon", -EINVAL },
	{ "PingTimeout", "3", "-3", -EINVAL },
	{ "MaxConnectionBurst", "3", "0", -EINVAL },
	{ "MaxPreAuthConnections", "5", "1000001", -EINVAL },
	{ "ScriptQueueLimit", "7", "many", -EINVAL },
	{ "StateFloodRate", "30", "0", -EINVAL },
	{ "StrictSubnets", "yes", "maybe", -EINVAL },
	{ "StrictKeys", "on", "1", -EINVAL },
	{ "MaxClockSkew", "120", "86401", -EINVAL },
	{ "VouchQuota", "100", "many", -EINVAL },
	{ "VouchRate", "7", "-7", -EINVAL },
	{ "VouchFromVouched", "yes", "sometimes", -EINVAL },
	{ "TunnelServer", "no", "perhaps", -EINVAL },
	{ "DataPlane", "userspace", "dpdk", -EINVAL },
	{ "PrivateKeyFile", "/k/rsa", NULL, 0 },
	{ "Ed25519PrivateKeyFile", "/k/ed", NULL, 0 },
	{ "LogLevel", "4", "2147483648", -EINVAL },
	{ "SessionInitRate", "9", "0", -EINVAL },
	{ "SessionCookieLoad", "77", "1000001", -EINVAL },
	{ "NoKeyHandshakeInterval", "3", "-1", -EINVAL },
	{ "KernelUpcallRate", "75", "100001", -EINVAL },
	{ "Address", "192.0.2.8 7008", "192.0.2.8 0", -EINVAL },
	{ "Port", "7000", "65536", -EINVAL },
	{ "Subnet", "10.7.0.0/16", "10.7.0.1/16", -EINVAL },
	{ "Cipher", "aes-256-gcm", "rot13", -EINVAL },
	{ "IndirectData", "yes", "sometimes", -EINVAL },
	{ "Weight", "77", "-1", -EINVAL },
	{ "TCPOnly", "true", "2", -EINVAL },
	{ "Compression", "0", "13", -EINVAL },
	{ "Ed25519PublicKey", "sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31M",
	  "sep+elnPSESb51B5nOkenPY5XQUpcV6m9qKOz3Ra31", -EINVAL },
};

static const struct sample *sample_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(samples); i++)
		if (!strcmp(samples[i].name, name))
			return &samples[i];
	fprintf(stderr, "  no sample for variable %s\n", name);
	return NULL;
}

/* Whether @name's good sample reached its field of @c or of @h. */
static bool took_good_value(const char *name, const struct mv_config *c,
			    const struct mv_host_config *h)
{
	if (!strcmp(name, "Name"))
		return !strcmp(c->name, "alpha");
	if (!strcmp(name, "ConnectTo"))
		return c->n_connect_to == 1 &&
		       !strcmp(c->connect_to[0], "beta");
	if (!strcmp(name, "AddressFamily"))
		return c->address_family == MV_AF_IPV6;
	if (!strcmp(name, "Interface"))
		return !strcmp(c->interface, "mv7");
	if (!strcmp(name, "Device"))
		return !strcmp(c->device, "/dev/net/tun7");
	if (!strcmp(name, "BindToAddress"))
		return c->n_bind_to == 1 &&
		       !strcmp(c->bind_to[0].host, "192.0.2.9") &&
		       c->bind_to[0].port == 7009;
	if (!strcmp(name, "Mode"))
		return c->mode == MV_MODE_ROUTER;
	if (!strcmp(name, "SessionInitRate"))
		return c->session.init_rate == 9;
	if (!strcmp(name, "SessionCookieLoad"))
		return c->session.cookie_load == 77;
	if (!strcmp(name, "NoKeyHandshakeInterval"))
		return c->session.nokey_interval == 3;
	if (!strcmp(name, "KernelUpcallRate"))
		return c->kernel_upcall_rate == 75;
	if (!strcmp(name, "PingInterval"))
		return c->ping_interval == 33;
	if (!strcmp(name, "PingTimeout"))
		return c->ping_timeout == 3;
	if (!strcmp(name, "MaxConnectionBurst"))
		return c->max_connection_burst == 3;
	if (!strcmp(name, "MaxPreAuthConnections"))
		return c->max_preauth_connections == 5;
	if (!strcmp(name, "ScriptQueueLimit"))
		return c->script_queue_limit == 7;
	if (!strcmp(name, "StateFloodRate"))
		return c->state_flood_rate == 30;
	if (!strcmp(name, "StrictSubnets"))
		return c->strict_subnets;
	if (!strcmp(name, "StrictKeys"))
		return c->strict_keys;
	if (!strcmp(name, "MaxClockSkew"))
		return c->trust.max_clock_skew == 120;
	if (!strcmp(name, "VouchQuota"))
		return c->trust.vouch_quota == 100;
	if (!strcmp(name, "VouchRate"))
		return c->trust.vouch_rate == 7;
	if (!strcmp(name, "VouchFromVouched"))
		return c->trust.vouch_from_vouched;
	if (!strcmp(name, "TunnelServer"))
		return !c->tunnel_server && !c->strict_keys;
	if (!strcmp(name, "DataPlane"))
		return c->data_plane == MV_DATA_PLANE_USERSPACE;
	if (!strcmp(name, "PrivateKeyFile"))
		return !strcmp(c->private_key_file, "/k/rsa");
	if (!strcmp(name, "Ed25519PrivateKeyFile"))
		return !strcmp(c->ed25519_private_key_file, "/k/ed");
	if (!strcmp(name, "LogLevel"))
		return c->log_level == 4;
	if (!strcmp(name, "Address"))
		return h->n_addresses == 1 &&
		       !strcmp(h->addresses[0].host, "192.0.2.8") &&
		       h->addresses[0].port == 7008 &&
		       h->addresses[0].port_given;
	if (!strcmp(name, "Port"))
		return h->port == 7000 && h->port_set;
	if (!strcmp(name, "Subnet"))
		return h->n_subnets == 1 && h->subnets[0].prefixlen == 16;
	if (!strcmp(name, "Cipher"))
		return h->cipher == MV_CIPHER_AES_256_GCM && h->cipher_set;
	if (!strcmp(name, "IndirectData"))
		return h->indirect_data;
	if (!strcmp(name, "Weight"))
		return h->weight == 77 && h->weight_set;
	if (!strcmp(name, "TCPOnly"))
		return h->tcp_only;
	if (!strcmp(name, "Compression"))
		return h->compression == 0;
	if (!strcmp(name, "Ed25519PublicKey"))
		return h->keys.ed25519_public_key &&
		       !strcmp(h->keys.ed25519_public_key,
			       sample_of(name)->good);
	fprintf(stderr, "  no check for variable %s\n", name);
	return false;
}

/* A server file: Name (unless @var is Name), then @var = @value. */
static int parse_server(const char *var, const char *value,
			struct mv_config *c, struct mv_diag *d)
{
	char text[256];

	snprintf(text, sizeof(text), "%s%s = %s\n",
		 strcasecmp(var, "Name") ? "Name = alpha\n" : "", var, value);
	mv_diag_init(d);
	return mv_config_parse_server_buffer(text, strlen(text), "s.conf", c,
					     d);
}

static int parse_host(const char *var, const char *value,
		      struct mv_host_config *h, struct mv_diag *d)
{
	char text[256];

	snprintf(text, sizeof(text), "%s = %s\n", var, value);
	mv_diag_init(d);
	return mv_config_parse_host_buffer(text, strlen(text), "hosts/x", "x",
					   h, d);
}

TEST(table_rows_are_complete)
{
	size_t i, j;

	EXPECT_EQ(ARRAY_SIZE(mv_config_vars), ARRAY_SIZE(samples));
	for (i = 0; i < ARRAY_SIZE(mv_config_vars); i++) {
		const struct mv_config_var *v = &mv_config_vars[i];

		EXPECT(v->name && v->parse);
		if (!v->name)
			continue;
		EXPECT(sample_of(v->name));
		/* Lists have a length, choices a spelling per value. */
		EXPECT(!v->repeats || v->count);
		EXPECT(!v->choices || v->n_choices);
		for (j = 0; j < i; j++)
			EXPECT(strcasecmp(v->name, mv_config_vars[j].name));
	}
}

/* A check of one row against its sample. */
typedef void row_check(bool *unit_failed, const struct mv_config_var *v,
		       const struct sample *s);

static void for_each_row(bool *unit_failed, row_check *check)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mv_config_vars); i++) {
		const struct mv_config_var *v = &mv_config_vars[i];
		const struct sample *s = sample_of(v->name);

		if (s)
			check(unit_failed, v, s);
	}
}

static void takes_good_value(bool *unit_failed, const struct mv_config_var *v,
			     const struct sample *s)
{
	struct mv_host_config h;
	struct mv_config c;
	struct mv_diag d;
	bool ok;

	/* In a server file, host variables describe this node. */
	EXPECT_EQ(parse_server(v->name, s->good, &c, &d), 0);
	ok = !d.error && !d.n_warnings &&
	     took_good_value(v->name, &c, &c.self);
	if (!ok)
		fprintf(stderr, "  %s = %s: %s\n", v->name, s->good,
			d.error ? d.error : "not taken or warned");
	EXPECT(ok);
	mv_config_free(&c);
	mv_diag_free(&d);
	if (v->scope != MV_SCOPE_HOST)
		return;
	EXPECT_EQ(parse_host(v->name, s->good, &h, &d), 0);
	EXPECT(!d.error && !d.n_warnings);
	EXPECT(took_good_value(v->name, NULL, &h));
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(every_variable_takes_a_good_value)
{
	for_each_row(unit_failed, takes_good_value);
}

static void name_in_capitals(bool *unit_failed, const struct mv_config_var *v,
			     const struct sample *s)
{
	char upper[64];
	struct mv_config c;
	struct mv_diag d;
	size_t k;

	for (k = 0; v->name[k] && k + 1 < sizeof(upper); k++)
		upper[k] = (char)toupper((unsigned char)v->name[k]);
	upper[k] = '\0';
	EXPECT_EQ(parse_server(upper, s->good, &c, &d), 0);
	EXPECT(!d.n_warnings && took_good_value(v->name, &c, &c.self));
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(names_are_case_insensitive)
{
	for_each_row(unit_failed, name_in_capitals);
}

static void out_of_scope(bool *unit_failed, const struct mv_config_var *v,
			 const struct sample *s)
{
	struct mv_host_config h, plain;
	struct mv_diag d;
	char want[128];

	if (v->scope != MV_SCOPE_SERVER)
		return;
	snprintf(want, sizeof(want),
		 "hosts/x:1: server variable %s has no effect in a host file, ignored",
		 v->name);
	/* Even a bad value: it is not looked at. */
	EXPECT_EQ(parse_host(v->name, s->bad ? s->bad : s->good, &h, &d), 0);
	EXPECT(!d.error && d.n_warnings == 1 && !strcmp(d.warnings[0], want));
	/* And the host is as if the line were not there. */
	EXPECT_EQ(mv_config_parse_host_buffer("", 0, "hosts/x", "x", &plain,
					      NULL), 0);
	EXPECT(h.port == plain.port && !h.n_addresses && !h.n_subnets &&
	       !h.keys.ed25519_public_key);
	mv_host_config_free(&plain);
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(server_variables_are_out_of_scope_in_host_files)
{
	for_each_row(unit_failed, out_of_scope);
}

static void refuses_bad_value(bool *unit_failed, const struct mv_config_var *v,
			      const struct sample *s)
{
	/* Name is line 1 unless it is the variable. */
	unsigned int line = strcmp(v->name, "Name") ? 2 : 1;
	struct mv_host_config h;
	struct mv_config c;
	struct mv_diag d;
	char want[512];

	if (!s->bad)
		return;
	EXPECT_EQ(parse_server(v->name, s->bad, &c, &d), s->bad_ret);
	snprintf(want, sizeof(want), "s.conf:%u: ", line);
	EXPECT(d.error && !strncmp(d.error, want, strlen(want)) &&
	       strstr(d.error, v->name));
	/* A row that says what it expects says it in these words. */
	if (v->expected && s->bad_ret == -EINVAL) {
		snprintf(want, sizeof(want),
			 "s.conf:%u: invalid %s \"%s\": expected %s", line,
			 v->name, s->bad, v->expected);
		EXPECT_STREQ(d.error, want);
	}
	EXPECT(!c.name);
	mv_config_free(&c);
	mv_diag_free(&d);
	if (v->scope != MV_SCOPE_HOST)
		return;
	EXPECT_EQ(parse_host(v->name, s->bad, &h, &d), -EINVAL);
	EXPECT(d.error && !strncmp(d.error, "hosts/x:1: ", 11));
	mv_host_config_free(&h);
	mv_diag_free(&d);
}

TEST(bad_values_are_errors_with_file_and_line)
{
	for_each_row(unit_failed, refuses_bad_value);
}

static void keeps_first_value(bool *unit_failed, const struct mv_config_var *v,
			      const struct sample *s)
{
	struct mv_config c;
	struct mv_diag d;
	char text[512], want[128];
	int ret;

	/* The good value, then the bad one: never looked at. */
	snprintf(text, sizeof(text), "%s%s = %s\n%s = %s\n",
		 strcmp(v->name, "Name") ? "Name = alpha\n" : "", v->name,
		 s->good, v->name, s->bad && !v->repeats ? s->bad : s->good);
	mv_diag_init(&d);
	ret = mv_config_parse_server_buffer(text, strlen(text), "s.conf", &c,
					    &d);
	EXPECT_EQ(ret, 0);
	if (v->repeats) {
		/*
		 * Both values count: addresses twice, while ConnectTo and
		 * Subnet name their duplicate.
		 */
		bool dedup = !strcmp(v->name, "ConnectTo") ||
			     !strcmp(v->name, "Subnet");

		EXPECT(dedup ? d.n_warnings == 1 &&
			       strstr(d.warnings[0], "duplicate") :
			       !d.n_warnings);
		EXPECT(dedup || c.n_bind_to == 2 || c.self.n_addresses == 2);
	} else {
		snprintf(want, sizeof(want),
			 "%s already set in s.conf line %u, this value is ignored",
			 v->name, strcmp(v->name, "Name") ? 2 : 1);
		EXPECT(d.n_warnings == 1 && strstr(d.warnings[0], want));
		EXPECT(took_good_value(v->name, &c, &c.self));
	}
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(first_value_wins_unless_a_list)
{
	for_each_row(unit_failed, keeps_first_value);
}

TEST(lists_keep_every_value_in_order)
{
	struct mv_config c;
	struct mv_diag d;
	static const char text[] =
		"Name = me\n"
		"ConnectTo = a\nConnectTo = b\n"
		"BindToAddress = 192.0.2.1\nBindToAddress = *\n"
		"Address = a.example\nAddress = 192.0.2.2 1\n"
		"Subnet = 10.1.0.0/16\nSubnet = 10.2.0.0/16\n";

	mv_diag_init(&d);
	EXPECT_EQ(mv_config_parse_server_buffer(text, strlen(text), "s.conf",
						&c, &d), 0);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT(c.n_connect_to == 2 && !strcmp(c.connect_to[1], "b"));
	EXPECT(c.n_bind_to == 2 && !c.bind_to[1].host);
	EXPECT(c.self.n_addresses == 2 && c.self.addresses[1].port == 1);
	EXPECT(c.self.n_subnets == 2 && c.self.subnets[1].addr[1] == 2);
	mv_config_free(&c);
	mv_diag_free(&d);
}

TEST(enum_spellings)
{
	EXPECT_STREQ(mv_address_family_name(MV_AF_IPV4), "ipv4");
	EXPECT_STREQ(mv_mode_name(MV_MODE_SWITCH), "switch");
	EXPECT_STREQ(mv_data_plane_name(MV_DATA_PLANE_KERNEL), "kernel");
	EXPECT_STREQ(mv_data_plane_name(MV_DATA_PLANE_AUTO), "auto");
}

TEST_MAIN()
