// SPDX-License-Identifier: GPL-2.0
/*
 * The protocol fuzzers' node (harness.h): the daemon's layers, put
 * together by the daemon's own mv_daemon_assemble(), without scripts.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <linux/meshvpn.h>

#include "crypto/handshake.h"
#include "daemon/control.h"
#include "harness.h"
#include "lib/log.h"

const char *const fuzz_peer_names[FUZZ_PEERS] = {
	"alice", "bob", "carol", "dave",
};

static struct {
	struct mv_identity *key[FUZZ_PEERS];
	char dir[64];
	int devnull;
	uint64_t rand_counter;
} fuzz;

/*
 * Each input builds and frees a whole node, megabytes of buffers: a
 * smaller quarantine and fill keep that from dominating the run time, and
 * still catch a use after free within one input.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16:max_malloc_fill_size=512";
}

/* ---- a fixed random stream ---- */

/* SHA-256 of a counter: as good as any stream here, and reproducible. */
static int fixed_bytes(unsigned char *buf, int num)
{
	uint8_t block[SHA256_DIGEST_LENGTH];
	int n;

	while (num > 0) {
		SHA256((const uint8_t *)&fuzz.rand_counter,
		       sizeof(fuzz.rand_counter), block);
		fuzz.rand_counter++;
		n = num < (int)sizeof(block) ? num : (int)sizeof(block);
		memcpy(buf, block, n);
		buf += n;
		num -= n;
	}
	return 1;
}

static int fixed_status(void)
{
	return 1;
}

static const RAND_METHOD fixed_rand = {
	.bytes = fixed_bytes,
	.pseudorand = fixed_bytes,
	.status = fixed_status,
};

void fuzz_rand_reset(void)
{
	fuzz.rand_counter = 0;
}

/* ---- the configuration folder ---- */

static void write_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fuzz.dir, name);
	f = fopen(path, "w");
	CHECK(f);
	fputs(text, f);
	CHECK(!fclose(f));
}

static void write_host(enum fuzz_peer who, const char *vars)
{
	char name[64], path[128];

	snprintf(name, sizeof(name), "hosts/%s", fuzz_peer_names[who]);
	write_file(name, vars);
	snprintf(path, sizeof(path), "%s/%s", fuzz.dir, name);
	CHECK(!mv_identity_append_public(fuzz.key[who], path, NULL));
}

static void remove_dir(void)
{
	static const char *const files[] = {
		"hosts/alice", "hosts/bob", "hosts/carol", "hosts",
		"meshvpn.conf", "control",
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz.dir, files[i]);
		remove(path);
	}
	rmdir(fuzz.dir);
}

void fuzz_setup(void)
{
	char hosts[80];
	size_t i;

	if (fuzz.devnull)
		return;
	/* The legacy method is the one hook OpenSSL 3 still offers for this. */
	CHECK(RAND_set_rand_method(&fixed_rand));
	fuzz_rand_reset();
	for (i = 0; i < FUZZ_PEERS; i++)
		CHECK(!mv_identity_generate(MV_KEY_ED25519, 0, &fuzz.key[i]));
	fuzz.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	CHECK(fuzz.devnull > 0);
	/* Every line is formatted, as at -d5, and goes nowhere. */
	CHECK(!mv_log_open("fuzz", MV_LOG_FILE, "/dev/null"));
	strcpy(fuzz.dir, "/tmp/meshvpn-fuzz.XXXXXX");
	CHECK(mkdtemp(fuzz.dir));
	atexit(remove_dir);
	snprintf(hosts, sizeof(hosts), "%s/hosts", fuzz.dir);
	CHECK(!mkdir(hosts, 0700));
	/* Interface: an existing link, for the kernel backend's fake. */
	write_file("meshvpn.conf", "Name = alice\nPort = 0\nInterface = lo\n");
	write_host(FUZZ_ALICE, "Subnet = 10.0.0.1/32\nSubnet = fd00::1/128\n");
	write_host(FUZZ_BOB, "Subnet = 10.0.1.0/24\n");
	write_host(FUZZ_CAROL, "Subnet = 10.0.2.0/24\nSubnet = 10.0.2.0/24\n");
}

const struct mv_identity *fuzz_key_of(const char *name)
{
	size_t i;

	for (i = 0; i < FUZZ_PEERS; i++)
		if (!strcmp(name, fuzz_peer_names[i]))
			return fuzz.key[i];
	return NULL;
}

/* ---- input ---- */

bool fuzz_take_u8(struct fuzz_input *in, uint8_t *out)
{
	if (!in->left)
		return false;
	*out = *in->p++;
	in->left--;
	return true;
}

bool fuzz_take_record(struct fuzz_input *in, uint8_t *flags,
		      const uint8_t **data, size_t *len)
{
	size_t n;

	if (in->left < 3)
		return false;
	*flags = in->p[0];
	n = (size_t)in->p[1] << 8 | in->p[2];
	in->p += 3;
	in->left -= 3;
	if (n > in->left)
		n = in->left;
	*data = in->p;
	*len = n;
	in->p += n;
	in->left -= n;
	return true;
}

/* A ping timer of the fixture's connection that fires sends nothing. */
static void conn_timer_idle(void *ctx)
{
	(void)ctx;
}

static int connect_bob(struct fuzz_mesh *m)
{
	static const uint8_t meta_key[MV_KEY_LEN] = { 0x6d, 0x65, 0x74, 0x61 };
	struct mv_proto *p = &m->d.proto;
	struct mv_node *bob = m->peer[FUZZ_BOB];
	struct mv_conn *c;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return -errno;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	c->p = p;
	c->fd = sv[0];
	m->bob_fd = sv[1];
	c->state = MV_CONN_ACTIVE;
	c->addr.sin6_family = AF_INET6;
	c->addr.sin6_addr = in6addr_loopback;
	c->addr.sin6_port = htons(655);
	strcpy(c->name, bob->name);
	c->node = bob;
	c->rtt_ms = 1;
	mv_buf_init(&c->out);
	mv_buf_init(&c->hello_ours);
	mv_buf_init(&c->hello_theirs);
	mv_timer_init(&c->timer, conn_timer_idle, c);
	c->tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, meta_key);
	c->next = p->meta.conns;
	p->meta.conns = c;
	bob->conn = c;
	m->bob_conn = c;
	if (!c->tx)
		return -ENOMEM;
	/* What activate() does: our STATE now names the link to bob. */
	mv_state_changed(p);
	return 0;
}

static int open_sink(struct fuzz_mesh *m)
{
	socklen_t len = sizeof(m->sink_addr);

	m->sink_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (m->sink_fd < 0)
		return -errno;
	m->sink_addr.sin6_family = AF_INET6;
	m->sink_addr.sin6_addr = in6addr_loopback;
	if (bind(m->sink_fd, (struct sockaddr *)&m->sink_addr, len) ||
	    getsockname(m->sink_fd, (struct sockaddr *)&m->sink_addr, &len))
		return -errno;
	return 0;
}

static void stop_turn(void *ctx)
{
	mv_loop_stop(ctx);
}

static void kick_read(void *ctx, uint32_t events)
{
	struct fuzz_mesh *m = ctx;
	eventfd_t v;

	(void)events;
	eventfd_read(m->kick_fd, &v);
}

int fuzz_mesh_init(struct fuzz_mesh *m, bool strict_keys, bool bob_connected)
{
	struct mv_daemon *d = &m->d;
	struct mv_proto *p = &d->proto;
	struct mv_dataplane *dp = &d->dp;
	size_t i;
	int err;

	memset(m, 0, sizeof(*m));
	m->bob_fd = m->sink_fd = m->kick_fd = -1;
	d->ctl_fd = d->sig_fd = dp->udp_fd = dp->tun_fd = p->meta.tcp_fd = -1;
	fuzz_rand_reset();
	mv_log_set_level(5);
	ERR_clear_error();
	d->loop = mv_loop_new();
	d->confdir = strdup(fuzz.dir);
	d->netname = strdup("");
	if (!d->loop || !d->confdir || !d->netname)
		return -ENOMEM;
	err = mv_daemon_load_config(d, &d->conf);
	if (err)
		return err;
	d->conf.strict_keys = strict_keys;
	/* The harness's key: not freed with the node. */
	d->key = fuzz.key[FUZZ_ALICE];
	mv_loop_set_hook(d->loop, mv_daemon_after_events, d);
	/* Wired as meshvpnd is, without scripts (d->scripts stays NULL). */
	err = mv_daemon_assemble(d);
	err = err ?: mv_nodes_load_hosts(&d->nodes, d->confdir);
	if (err)
		return err;
	for (i = 0; i < FUZZ_PEERS; i++)
		m->peer[i] = mv_node_find(&d->nodes, fuzz_peer_names[i]);
	err = mv_udp_open(dp);
	if (err)
		return err;
	/* The userspace backend, with /dev/null for its TUN device. */
	dp->backend = &mv_userspace_backend;
	strcpy(dp->ifname, "fuzz0");
	dp->tun_fd = fuzz.devnull;
	m->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->kick_fd < 0 ||
	    mv_io_add(d->loop, &m->kick_io, m->kick_fd, EPOLLIN, kick_read, m))
		return -errno;
	err = open_sink(m);
	if (!err && bob_connected)
		err = connect_bob(m);
	if (!err)
		fuzz_mesh_after_events(m);
	return err;
}

void fuzz_mesh_free(struct fuzz_mesh *m)
{
	struct mv_daemon *d = &m->d;

	d->proto.stopping = true;
	mv_control_close(d);
	mv_meta_close_all(&d->proto);
	mv_meta_reap(&d->proto);
	if (d->proto.meta.tcp_fd >= 0) {
		mv_io_del(d->loop, &d->proto.meta.tcp_io);
		close(d->proto.meta.tcp_fd);
	}
	mv_nodes_free(&d->nodes);
	mv_topology_free(&d->topo);
	mv_config_free(&d->conf);
	if (d->dp.udp_fd >= 0)
		close(d->dp.udp_fd);
	free(d->dp.pkt);
	free(d->dp.pkt2);
	mv_udp_free(&d->dp);
	free(d->confdir);
	free(d->netname);
	free(d->ctlpath);
	if (m->kick_fd >= 0) {
		mv_io_del(d->loop, &m->kick_io);
		close(m->kick_fd);
	}
	mv_loop_free(d->loop);
	if (m->bob_fd >= 0)
		close(m->bob_fd);
	if (m->sink_fd >= 0)
		close(m->sink_fd);
	/* Failures leave OpenSSL errors queued: not for the next input. */
	ERR_clear_error();
}

void fuzz_mesh_turn(struct fuzz_mesh *m)
{
	struct mv_timer stop;

	/*
	 * The kick makes epoll_wait return at once, and the loop take the
	 * time afresh, so that the stop timer is due after the handlers.
	 */
	eventfd_write(m->kick_fd, 1);
	mv_timer_init(&stop, stop_turn, m->d.loop);
	mv_timer_arm(m->d.loop, &stop, 0);
	mv_loop_run(m->d.loop);
	mv_timer_cancel(m->d.loop, &stop);
	fuzz_mesh_after_events(m);
}

void fuzz_mesh_after_events(struct fuzz_mesh *m)
{
	/* Closed connections are freed now: bob's is gone then. */
	if (m->bob_conn && m->bob_conn->state == MV_CONN_CLOSED)
		m->bob_conn = NULL;
	mv_daemon_after_events(&m->d);
	fuzz_mesh_drain(m);
}

void fuzz_mesh_drain(struct fuzz_mesh *m)
{
	uint8_t buf[4096];

	if (m->bob_fd >= 0)
		while (read(m->bob_fd, buf, sizeof(buf)) > 0)
			;
}

/* ---- signing for the peers ---- */

static int sign_state_body(struct mv_buf *out, const struct mv_meta_state *s)
{
	const struct mv_identity *key = fuzz_key_of(s->origin);
	struct mv_buf msg;
	uint8_t *sig = NULL;
	size_t sig_len;
	int err;

	if (!key)
		return -ENOKEY;
	mv_buf_reset(out);
	mv_buf_init(&msg);
	err = mv_meta_state_encode_body(out, s);
	err = err ?: mv_meta_state_signed_part(&msg, out->data + 1, out->len - 1);
	err = err ?: mv_identity_sign(key, msg.data, msg.len, &sig, &sig_len);
	err = err ?: mv_meta_state_encode_sig(out, sig, sig_len);
	free(sig);
	mv_buf_free(&msg);
	return err;
}

int fuzz_resign_state(const uint8_t *pt, size_t len, struct mv_buf *out)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_state s;
	size_t off, slen;
	int ret;

	ret = mv_meta_state_decode(pt, len, &s, &off, &slen, err);
	if (!ret)
		ret = sign_state_body(out, &s);
	mv_meta_state_free(&s);
	return ret;
}

int fuzz_mesh_state(struct mv_buf *out, enum fuzz_peer who, uint64_t seq,
		    const enum fuzz_peer *peers, size_t n_peers,
		    const char *const *subnets, size_t n_subnets)
{
	struct mv_state_edge edges[FUZZ_PEERS] = { 0 };
	struct mv_meta_state s = {
		.seq = seq,
		.lifetime = MV_STATE_LIFETIME,
		.cipher = MESHVPN_CIPHER_ALG_CHACHA20_POLY1305,
		.port = 655,
		.key_type = MV_KEY_ED25519,
		.edges = edges,
		.n_edges = n_peers,
		.subnets = (char **)subnets,
		.n_subnets = n_subnets,
	};
	uint8_t *key;
	size_t i;
	int err;

	strcpy(s.origin, fuzz_peer_names[who]);
	for (i = 0; i < n_peers && i < FUZZ_PEERS; i++) {
		strcpy(edges[i].peer, fuzz_peer_names[peers[i]]);
		edges[i].weight = 10;
		edges[i].address.family = 6;
		edges[i].address.port = 655;
		edges[i].address.addr[15] = 1;
	}
	err = mv_identity_public_encode(fuzz.key[who], &key, &s.key_len);
	if (err)
		return err;
	s.key = key;
	err = sign_state_body(out, &s);
	free(key);
	return err;
}

/* ---- session keys ---- */

void fuzz_session_keys(uint8_t seed, uint8_t data[MV_KEY_LEN],
		       uint8_t probe[MV_KEY_LEN])
{
	memset(data, seed, MV_KEY_LEN);
	memset(probe, seed ^ 0xff, MV_KEY_LEN);
}

void fuzz_mesh_give_keys(struct fuzz_mesh *m, struct mv_node *n, int phase,
			 uint8_t seed)
{
	struct mv_keyslot *k = &n->session->slot[phase];
	uint8_t data[MV_KEY_LEN], probe[MV_KEY_LEN], ours[MV_KEY_LEN];

	fuzz_session_keys(seed, data, probe);
	memset(ours, seed ^ 0x55, sizeof(ours));
	mv_aead_free(k->tx);
	mv_aead_free(k->rx);
	mv_aead_free(k->probe_tx);
	mv_aead_free(k->probe_rx);
	memset(k, 0, sizeof(*k));
	k->cipher = MV_CIPHER_CHACHA20_POLY1305;
	k->tx = mv_aead_new(k->cipher, ours);
	k->rx = mv_aead_new(k->cipher, data);
	k->probe_tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, ours);
	k->probe_rx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, probe);
	CHECK(k->tx && k->rx && k->probe_tx && k->probe_rx);
	memcpy(k->tx_key, ours, MV_KEY_LEN);
	memcpy(k->rx_key, data, MV_KEY_LEN);
	k->valid = true;
	k->generation = phase + 2;
	k->created = mv_loop_now(m->d.loop);
	mv_replay_init(&k->replay);
	mv_replay_init(&k->probe_replay);
	n->session->last_generation = k->generation;
	n->session->tx_phase = phase;
	/* What session.c tells the data plane after installing keys. */
	m->d.proto.ops->session_ready(m->d.proto.ops_ctx, n);
}
