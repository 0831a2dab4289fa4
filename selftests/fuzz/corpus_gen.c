// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the fuzzers' seed corpora (selftests/fuzz/corpus/NAME/) from the
 * product's own encoders and keys made by the harness's fixed random
 * stream, so that the seeds are real messages and the same on every run:
 *
 *	make fuzz-corpus	(build/fuzz/corpus_gen selftests/fuzz/corpus)
 *
 * Each seed is in its fuzzer's input format (see the head of each
 * fuzz_NAME.c); the file name says what it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/meshvpn.h>

#include "crypto/handshake.h"
#include "harness.h"

static const char *out_dir;

/* A seed: an options byte, then records or raw bytes. */
struct seed {
	struct mv_buf b;
};

static void seed_start(struct seed *s, uint8_t opts)
{
	mv_buf_init(&s->b);
	CHECK(!mv_buf_put_u8(&s->b, opts));
}

static void seed_record(struct seed *s, uint8_t flags, const void *p, size_t len)
{
	CHECK(!mv_buf_put_u8(&s->b, flags));
	CHECK(!mv_buf_put_u16(&s->b, len));
	CHECK(!mv_buf_put(&s->b, p, len));
}

static void seed_raw(struct seed *s, const void *p, size_t len)
{
	CHECK(!mv_buf_put(&s->b, p, len));
}

static void write_seed(const char *fuzzer, const char *name, const void *p,
		       size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, fuzzer);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, fuzzer, name);
	f = fopen(path, "w");
	CHECK(f);
	CHECK(fwrite(p, 1, len, f) == len || !len);
	CHECK(!fclose(f));
}

static void seed_done(struct seed *s, const char *fuzzer, const char *name)
{
	write_seed(fuzzer, name, s->b.data, s->b.len);
	mv_buf_free(&s->b);
}

/* ---- STATE ---- */

static void state_of(struct mv_buf *b, enum fuzz_peer who, uint64_t seq,
		     enum fuzz_peer peer, const char *subnet)
{
	mv_buf_init(b);
	CHECK(!fuzz_mesh_state(b, who, seq, &peer, 1, &subnet, subnet ? 1 : 0));
}

static void gen_state(void)
{
	struct mv_buf bob, bob2, carol, dave, alice;
	struct seed s;

	state_of(&bob, FUZZ_BOB, 1, FUZZ_ALICE, "10.0.1.0/24");
	state_of(&bob2, FUZZ_BOB, 2, FUZZ_CAROL, "10.0.1.0/25");
	state_of(&carol, FUZZ_CAROL, 1, FUZZ_BOB, "10.0.2.0/24");
	state_of(&dave, FUZZ_DAVE, 7, FUZZ_CAROL, "fd00:d::/64");
	state_of(&alice, FUZZ_ALICE, UINT64_MAX - 1, FUZZ_BOB, NULL);

	seed_start(&s, 0);
	seed_record(&s, 0, bob.data, bob.len);
	seed_record(&s, 0, carol.data, carol.len);
	seed_record(&s, 1, bob2.data, bob2.len);
	seed_done(&s, "fuzz_state", "bob-carol-update");

	seed_start(&s, 0);
	seed_record(&s, 1, dave.data, dave.len);
	seed_record(&s, 1, carol.data, carol.len);
	seed_done(&s, "fuzz_state", "vouched-dave");

	seed_start(&s, 1);
	seed_record(&s, 1, dave.data, dave.len);
	seed_record(&s, 0, bob.data, bob.len);
	seed_done(&s, "fuzz_state", "strictkeys-dave");

	seed_start(&s, 0);
	seed_record(&s, 0, alice.data, alice.len);
	seed_record(&s, 0, bob.data, bob.len);
	seed_done(&s, "fuzz_state", "own-origin");

	mv_buf_free(&bob);
	mv_buf_free(&bob2);
	mv_buf_free(&carol);
	mv_buf_free(&dave);
	mv_buf_free(&alice);
}

/* ---- SESSION ---- */

/* A SESSION of @from for @to carrying a signed INIT (or unsigned RESP). */
static void session_msg(struct mv_buf *out, enum fuzz_peer from,
			enum fuzz_peer to, uint8_t kind, uint32_t gen)
{
	struct mv_handshake h = {
		.kind = kind,
		.initiator_id = 0x1122334455667788ull,
		.responder_id = kind == MV_HANDSHAKE_RESP ? 0x99 : 0,
		.generation = gen,
		.cipher = MESHVPN_CIPHER_ALG_CHACHA20_POLY1305,
	};
	struct mv_meta_session m = { .ttl = MESHVPN_DEFAULT_TTL };
	struct mv_buf blob, msg;
	struct mv_x25519 eph;
	uint8_t *sig;
	size_t sig_len;

	CHECK(!mv_x25519_generate(&eph));
	memcpy(h.ephemeral, eph.pub, sizeof(h.ephemeral));
	strcpy(m.from, fuzz_peer_names[from]);
	strcpy(m.to, fuzz_peer_names[to]);
	mv_buf_init(&blob);
	mv_buf_init(&msg);
	CHECK(!mv_handshake_encode_body(&blob, &h));
	CHECK(!mv_handshake_init_signed_part(&msg, m.from, m.to, blob.data,
					     blob.len));
	CHECK(!mv_identity_sign(fuzz_key_of(m.from), msg.data, msg.len, &sig,
				&sig_len));
	CHECK(!mv_buf_put_blob(&blob, sig, sig_len));
	free(sig);
	m.handshake = blob.data;
	m.handshake_len = blob.len;
	mv_buf_init(out);
	CHECK(!mv_meta_session_encode(out, &m));
	mv_buf_free(&blob);
	mv_buf_free(&msg);
}

static void gen_session(void)
{
	struct mv_buf init, init2, resp, fwd, dave;
	struct seed s;

	session_msg(&init, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_INIT, 1);
	session_msg(&init2, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_INIT, 2);
	session_msg(&resp, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_RESP, 1);
	session_msg(&fwd, FUZZ_CAROL, FUZZ_BOB, MV_HANDSHAKE_INIT, 1);
	session_msg(&dave, FUZZ_DAVE, FUZZ_ALICE, MV_HANDSHAKE_INIT, 1);

	seed_start(&s, 4);
	seed_record(&s, 0, init.data, init.len);
	seed_record(&s, 0, init2.data, init2.len);
	seed_record(&s, 0, init.data, init.len);
	seed_done(&s, "fuzz_session", "init-rekey-replay");

	seed_start(&s, 6);
	seed_record(&s, 1, resp.data, resp.len);
	seed_done(&s, "fuzz_session", "pending-resp");

	seed_start(&s, 6);
	seed_record(&s, 1, init.data, init.len);
	seed_record(&s, 1, resp.data, resp.len);
	seed_done(&s, "fuzz_session", "crossing");

	seed_start(&s, 4);
	seed_record(&s, 0, fwd.data, fwd.len);
	seed_record(&s, 1, dave.data, dave.len);
	seed_done(&s, "fuzz_session", "forward-unknown");

	mv_buf_free(&init);
	mv_buf_free(&init2);
	mv_buf_free(&resp);
	mv_buf_free(&fwd);
	mv_buf_free(&dave);
}

/* ---- UDP ---- */

static size_t udp_header(uint8_t *msg, uint8_t type, uint8_t phase,
			 enum fuzz_peer dst, enum fuzz_peer src, uint64_t counter)
{
	struct meshvpn_hdr *h = (struct meshvpn_hdr *)msg;

	memset(h, 0, sizeof(*h));
	h->type = type;
	h->flags = phase;
	meshvpn_node_id_put(h->dst, mv_node_id_of(fuzz_peer_names[dst]));
	meshvpn_node_id_put(h->src, mv_node_id_of(fuzz_peer_names[src]));
	h->ttl = MESHVPN_DEFAULT_TTL;
	h->counter = htobe64(counter);
	return MESHVPN_HDR_LEN;
}

/* An IPv4 ping from @src_ip to @dst_ip after the header. */
static size_t ipv4_ping(uint8_t *p, uint8_t src_net, uint8_t dst_net)
{
	static const uint8_t ping[28] = {
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0,
		10, 0, 1, 5, 10, 0, 0, 1,
		8, 0, 0xf7, 0xfe, 0, 1, 0, 0,
	};

	memcpy(p, ping, sizeof(ping));
	p[14] = src_net;
	p[18] = dst_net;
	return sizeof(ping);
}

static void gen_udp(void)
{
	uint8_t msg[256];
	struct mv_buf sess;
	struct seed s;
	size_t n;

	seed_start(&s, 0x1f);
	n = udp_header(msg, MESHVPN_MSG_DATA, 1, FUZZ_ALICE, FUZZ_BOB, 1);
	n += ipv4_ping(msg + n, 1, 0);
	seed_record(&s, 2, msg, n);
	n = udp_header(msg, MESHVPN_MSG_DATA, 1, FUZZ_ALICE, FUZZ_BOB, 2);
	seed_record(&s, 2, msg, n);	/* keepalive */
	n = udp_header(msg, MESHVPN_MSG_DATA, 1, FUZZ_CAROL, FUZZ_BOB, 3);
	n += ipv4_ping(msg + n, 1, 2);
	seed_record(&s, 0, msg, n);	/* relayed */
	seed_done(&s, "fuzz_udp", "data-keepalive-relay");

	seed_start(&s, 0x0b);
	n = udp_header(msg, MESHVPN_MSG_PROBE, 0, FUZZ_ALICE, FUZZ_BOB, 1);
	memset(msg + n, 0, 17);
	msg[n] = 1;
	seed_record(&s, 2, msg, n + 17);
	n = udp_header(msg, MESHVPN_MSG_PROBE_REPLY, 0, FUZZ_ALICE, FUZZ_BOB, 2);
	memset(msg + n, 0, 36);
	msg[n + 17] = 6;
	msg[n + 19] = 99;
	msg[n + 35] = 1;
	seed_record(&s, 2, msg, n + 36);
	seed_done(&s, "fuzz_udp", "probe-reply");

	seed_start(&s, 0x03);
	session_msg(&sess, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_INIT, 1);
	n = udp_header(msg, MESHVPN_MSG_SESSION, 0, FUZZ_ALICE, FUZZ_BOB, 0);
	CHECK(n + sess.len <= sizeof(msg));
	memcpy(msg + n, sess.data, sess.len);
	seed_record(&s, 0, msg, n + sess.len);
	n = udp_header(msg, MESHVPN_MSG_DATA, 1, FUZZ_ALICE, FUZZ_BOB, 5);
	n += ipv4_ping(msg + n, 1, 0);
	seed_record(&s, 3, msg, n);	/* over the meta connection */
	seed_done(&s, "fuzz_udp", "session-and-tcp");
	mv_buf_free(&sess);

	/* Carol is behind bob: relaying bob's message must not bounce it. */
	seed_start(&s, 0x0b);
	n = udp_header(msg, MESHVPN_MSG_DATA, 1, FUZZ_CAROL, FUZZ_BOB, 3);
	n += ipv4_ping(msg + n, 1, 2);
	seed_record(&s, 0, msg, n);
	seed_done(&s, "fuzz_udp", "relay-back-to-source");

	seed_start(&s, 0x19);
	n = udp_header(msg, MESHVPN_MSG_DATA, 0, FUZZ_ALICE, FUZZ_BOB, 9);
	n += ipv4_ping(msg + n, 1, 0);
	memset(msg + n - 28 + 16, 255, 4);	/* broadcast */
	seed_record(&s, 2, msg, n);
	seed_done(&s, "fuzz_udp", "broadcast-nokey");
}

/* ---- meta connections ---- */

static void gen_meta(void)
{
	struct mv_meta_hello h = {
		.major = MV_META_VERSION_MAJOR,
		.minor = MV_META_VERSION_MINOR,
	};
	struct mv_buf b, state, sess;
	struct seed s;

	mv_buf_init(&b);
	strcpy(h.name, "bob");
	memset(h.ephemeral, 9, sizeof(h.ephemeral));
	CHECK(!mv_buf_put_u16(&b, 0));
	CHECK(!mv_meta_hello_encode(&b, &h));
	b.data[0] = (b.len - 2) >> 8;
	b.data[1] = (b.len - 2) & 0xff;
	seed_start(&s, 0);
	seed_raw(&s, b.data, b.len);
	seed_raw(&s, "\x00\x20", 2);	/* a record that fails authentication */
	seed_raw(&s, b.data + 2, 32);
	seed_done(&s, "fuzz_meta", "hello-then-garbage");

	seed_start(&s, 2);
	seed_raw(&s, "\xff\xff", 2);
	seed_done(&s, "fuzz_meta", "auth-bad-length");

	mv_buf_reset(&b);
	state_of(&state, FUZZ_BOB, 1, FUZZ_ALICE, "10.0.1.0/24");
	session_msg(&sess, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_INIT, 1);
	seed_start(&s, 1);
	CHECK(!mv_meta_ping_encode(&b, MV_META_PING, 42));
	seed_record(&s, 0, b.data, b.len);
	seed_record(&s, 0, state.data, state.len);
	seed_record(&s, 0, sess.data, sess.len);
	mv_buf_reset(&b);
	CHECK(!mv_meta_udp_encode(&b, "\x01\x00\x00\x00", 4));
	seed_record(&s, 0, b.data, b.len);
	mv_buf_reset(&b);
	CHECK(!mv_meta_ping_encode(&b, MV_META_PONG, 42));
	seed_record(&s, 0, b.data, b.len);
	seed_done(&s, "fuzz_meta", "active-every-type");
	mv_buf_free(&b);
	mv_buf_free(&state);
	mv_buf_free(&sess);
}

/* ---- control requests ---- */

static void gen_control(void)
{
	static const char *const requests[] = {
		"dump nodes", "dump nodes json", "dump edges", "dump edges json",
		"dump subnets json", "dump connections", "dump stats json",
		"info bob", "info carol json", "debug 3", "reload", "retry",
		"purge", "stop", "help",
	};
	char name[64], line[64];
	size_t i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		line[0] = i & 1;	/* the options byte: a mesh to show */
		snprintf(line + 1, sizeof(line) - 1, "%s\n", requests[i]);
		snprintf(name, sizeof(name), "%s", requests[i]);
		for (char *p = name; *p; p++)
			if (*p == ' ')
				*p = '-';
		write_seed("fuzz_control", name, line, 1 + strlen(line + 1));
	}
	write_seed("fuzz_control", "nul-before-newline", "\x01\x00\n", 3);
}

/* ---- the older fuzzers: metamsg, identity ---- */

static void gen_metamsg(void)
{
	struct mv_buf state, sess, b;

	state_of(&state, FUZZ_BOB, 3, FUZZ_ALICE, "10.0.1.0/24");
	session_msg(&sess, FUZZ_BOB, FUZZ_ALICE, MV_HANDSHAKE_INIT, 1);
	write_seed("fuzz_metamsg", "state", state.data, state.len);
	write_seed("fuzz_metamsg", "session", sess.data, sess.len);
	mv_buf_init(&b);
	CHECK(!mv_meta_ping_encode(&b, MV_META_PING, 7));
	write_seed("fuzz_metamsg", "ping", b.data, b.len);
	mv_buf_free(&state);
	mv_buf_free(&sess);
	mv_buf_free(&b);
}

static void gen_identity(void)
{
	struct mv_identity *rsa;
	char path[256], *text;
	uint8_t *wire;
	size_t len;

	/* Private keys as meshvpnd -K writes them, and the public halves. */
	snprintf(path, sizeof(path), "%s/fuzz_identity", out_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_identity/ed25519-private", out_dir);
	CHECK(!mv_identity_save_private(fuzz_key_of("bob"), path, NULL));
	CHECK(!mv_identity_generate(MV_KEY_RSA, 2048, &rsa));
	snprintf(path, sizeof(path), "%s/fuzz_identity/rsa-private", out_dir);
	CHECK(!mv_identity_save_private(rsa, path, NULL));
	CHECK(!mv_identity_public_text(fuzz_key_of("bob"), &text));
	write_seed("fuzz_identity", "ed25519-host", text, strlen(text));
	free(text);
	CHECK(!mv_identity_public_text(rsa, &text));
	write_seed("fuzz_identity", "rsa-host", text, strlen(text));
	free(text);
	/* The wire forms: 32 raw bytes, PKCS#1 DER. */
	CHECK(!mv_identity_public_encode(fuzz_key_of("bob"), &wire, &len));
	write_seed("fuzz_identity", "ed25519-wire", wire, len);
	free(wire);
	CHECK(!mv_identity_public_encode(rsa, &wire, &len));
	write_seed("fuzz_identity", "rsa-der", wire, len);
	free(wire);
	mv_identity_free(rsa);
}

/* ---- configuration files and subnets ---- */

static void gen_config(void)
{
	static const char server[] =
		"Name = alice\nPort = 655\nConnectTo = bob\nAddressFamily = any\n"
		"DataPlane = userspace\nCipher = aes-256-gcm\nPingInterval = 30\n"
		"StrictSubnets = yes\nBindToAddress = 0.0.0.0 655\n";
	char *key, *text;

	/* A host file as meshvpnd -K leaves it, after the user's lines. */
	CHECK(!mv_identity_public_text(fuzz_key_of("bob"), &key));
	CHECK(asprintf(&text, "Address = 192.0.2.1 655\nSubnet = 10.0.1.0/24#5\n"
		       "Subnet = fd00:1::/64\nSubnet = 00:11:22:33:44:55\n"
		       "IndirectData = yes\n%s", key) > 0);
	write_seed("fuzz_config", "server", server, strlen(server));
	write_seed("fuzz_config", "host", text, strlen(text));
	free(text);
	free(key);
}

static void gen_subnet(void)
{
	static const char *const subnets[] = {
		"10.0.0.0/8", "10.1.2.3", "fd00::/64#10", "::ffff:1.2.3.4/128",
		"00:11:22:33:44:55", "192.168.0.0/16#0",
	};
	/* A table program: add two nested prefixes, look up inside both. */
	static const uint8_t program[] = {
		1,
		0, 8 << 2, 10, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 24 << 2, 5, 2, 10, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 32 << 2, 0, 0, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 24 << 2, 5, 2, 10, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	char name[32], line[64];
	size_t i;

	for (i = 0; i < sizeof(subnets) / sizeof(subnets[0]); i++) {
		line[0] = 0;	/* even: a Subnet string */
		snprintf(line + 1, sizeof(line) - 1, "%s", subnets[i]);
		snprintf(name, sizeof(name), "string-%zu", i);
		write_seed("fuzz_subnet", name, line, 1 + strlen(line + 1));
	}
	write_seed("fuzz_subnet", "table", program, sizeof(program));
}

/* ---- what meshvpn.ko sends (fuzz_netlink) ---- */

#define NL_FAMILY	0x42	/* the family id fuzz_netlink's fake gives out */
#define NL_IFINDEX	1	/* lo, the fixture's Interface */
#define NL_FOR(cmd)	((cmd) << 3)	/* record flags: answers this command */

/* A meshvpn message of @cmd about the fixture's link, in @buf. */
static struct nlmsghdr *nl_msg(void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = NL_FAMILY;
	nlh->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = MESHVPN_FAMILY_VERSION;
	mnl_attr_put_u32(nlh, MESHVPN_A_IFINDEX, NL_IFINDEX);
	return nlh;
}

static void nl_node(struct nlmsghdr *nlh, enum fuzz_peer who, bool counters)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);
	static const uint8_t v4[4] = { 192, 0, 2, 7 };

	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, mv_node_id_of(fuzz_peer_names[who]));
	mnl_attr_put(nlh, MESHVPN_A_NODE_REMOTE_IPV4, 4, v4);
	mnl_attr_put_u16(nlh, MESHVPN_A_NODE_REMOTE_PORT, htons(655));
	if (counters) {
		mnl_attr_put_u64(nlh, MESHVPN_A_NODE_RX_BYTES, 1000);
		mnl_attr_put_u32(nlh, MESHVPN_A_NODE_RX_PACKETS, 10);
		mnl_attr_put_u64(nlh, MESHVPN_A_NODE_LAST_RX, 12345);
		mnl_attr_put_u32(nlh, MESHVPN_A_NODE_KEEPALIVE, 25);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void nl_keyconf(struct nlmsghdr *nlh, enum fuzz_peer who, uint8_t phase)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, MESHVPN_A_KEYCONF);

	mnl_attr_put_u64(nlh, MESHVPN_A_KEYCONF_NODE_ID,
			 mv_node_id_of(fuzz_peer_names[who]));
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_SLOT, MESHVPN_KEY_SLOT_CURRENT);
	mnl_attr_put_u32(nlh, MESHVPN_A_KEYCONF_CIPHER_ALG,
			 MESHVPN_CIPHER_ALG_CHACHA20_POLY1305);
	mnl_attr_put_u8(nlh, MESHVPN_A_KEYCONF_PHASE, phase);
	mnl_attr_nest_end(nlh, nest);
}

static void gen_netlink(void)
{
	static uint8_t buf[8192] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct seed s;
	uint8_t udp[64] = { 0 };
	size_t n;

	/* The link existed: a dump of two nodes, then bob's current key. */
	seed_start(&s, 1);
	nlh = nl_msg(buf, MESHVPN_CMD_NODE_GET, NLM_F_MULTI);
	nl_node(nlh, FUZZ_BOB, true);
	n = nlh->nlmsg_len;
	nlh = nl_msg(buf + n, MESHVPN_CMD_NODE_GET, NLM_F_MULTI);
	nl_node(nlh, FUZZ_CAROL, false);
	seed_record(&s, NL_FOR(MESHVPN_CMD_NODE_GET), buf, n + nlh->nlmsg_len);
	nlh = nl_msg(buf, MESHVPN_CMD_KEY_GET, 0);
	nl_keyconf(nlh, FUZZ_BOB, 1);
	seed_record(&s, NL_FOR(MESHVPN_CMD_KEY_GET), buf, nlh->nlmsg_len);
	seed_done(&s, "fuzz_netlink", "adopt-dump");

	/* dev-set refused with an extended ack. */
	seed_start(&s, 0);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EINVAL;
	e->msg.nlmsg_len = sizeof(e->msg);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "meshvpn: socket is not UDP");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
	seed_record(&s, NL_FOR(MESHVPN_CMD_DEV_SET), buf, nlh->nlmsg_len);
	seed_done(&s, "fuzz_netlink", "extack-refusal");

	/* Notifications: endpoint moved, key needed, rekey due, messages. */
	seed_start(&s, 0);
	nlh = nl_msg(buf, MESHVPN_CMD_ENDPOINT_MOVED_NTF, 0);
	nl_node(nlh, FUZZ_BOB, false);
	seed_record(&s, 1, buf, nlh->nlmsg_len);
	nlh = nl_msg(buf, MESHVPN_CMD_KEY_NEEDED_NTF, 0);
	nl_keyconf(nlh, FUZZ_CAROL, 0);
	seed_record(&s, 1, buf, nlh->nlmsg_len);
	nlh = nl_msg(buf, MESHVPN_CMD_REKEY_DUE_NTF, 0);
	nl_keyconf(nlh, FUZZ_BOB, 0);
	seed_record(&s, 1, buf, nlh->nlmsg_len);
	n = udp_header(udp, MESHVPN_MSG_DATA, 0, FUZZ_CAROL, FUZZ_ALICE, 1);
	nlh = nl_msg(buf, MESHVPN_CMD_MSG_NTF, 0);
	mnl_attr_put(nlh, MESHVPN_A_MSG, n + 16, udp);
	seed_record(&s, 2, buf, nlh->nlmsg_len);
	n = ipv4_ping(udp, 0, 0);
	memset(udp + 16, 255, 4);
	nlh = nl_msg(buf, MESHVPN_CMD_PACKET_NTF, 0);
	mnl_attr_put(nlh, MESHVPN_A_PACKET, n, udp);
	nl_node(nlh, FUZZ_BOB, false);
	seed_record(&s, 2, buf, nlh->nlmsg_len);
	/* node-get for bob's counters. */
	nlh = nl_msg(buf, MESHVPN_CMD_NODE_GET, 0);
	nl_node(nlh, FUZZ_BOB, true);
	seed_record(&s, NL_FOR(MESHVPN_CMD_NODE_GET), buf, nlh->nlmsg_len);
	seed_done(&s, "fuzz_netlink", "notifications");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	mkdir(out_dir, 0755);
	fuzz_setup();
	gen_state();
	gen_session();
	gen_udp();
	gen_meta();
	gen_control();
	gen_metamsg();
	gen_identity();
	gen_config();
	gen_subnet();
	gen_netlink();
	return 0;
}
