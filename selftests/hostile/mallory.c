// SPDX-License-Identifier: GPL-2.0
/*
 * mallory: a hostile member node (README.md). The handshake is the one of
 * protocol.md 9.2, written out blocking and without any of the daemon's
 * checks, so that what follows it can be anything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <meshvpn/wire.h>

#include "crypto/handshake.h"
#include "lib/buf.h"
#include "mallory.h"

#define RECORD_MAX	(MV_META_MAX_PLAINTEXT + MESHVPN_AEAD_TAG_LEN)

static const struct mallory_attack *const families[] = {
	mallory_state_attacks,
	mallory_relay_attacks,
};

uint64_t mallory_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p = (const uint8_t *)p + w;
		n -= w;
	}
	return 0;
}

static int send_clear(int fd, const void *body, size_t len)
{
	uint8_t lenbytes[2] = { len >> 8, len & 0xff };

	return write_all(fd, lenbytes, 2) ?: write_all(fd, body, len);
}

/* One record's body into @body; its length, 0 when closed, or -errno. */
static int read_record(int fd, uint8_t *body, int timeout_ms)
{
	size_t have = 0, want = 2;
	uint8_t lenbytes[2];

	while (have < want) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint8_t *to = want == 2 ? lenbytes + have : body + have - 2;
		ssize_t n;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		n = read(fd, to, want - have);
		if (n <= 0)
			return n ? -errno : 0;
		have += n;
		if (have == 2 && want == 2) {
			want = 2 + ((size_t)lenbytes[0] << 8 | lenbytes[1]);
			if (want == 2 || want > 2 + RECORD_MAX)
				return -EBADMSG;
		}
	}
	return want - 2;
}

int mallory_send(struct mallory *m, const void *pt, size_t len)
{
	size_t rlen = len + MESHVPN_AEAD_TAG_LEN;
	uint8_t lenbytes[2] = { rlen >> 8, rlen & 0xff };
	uint8_t *rec = malloc(2 + rlen);
	int n, err;

	if (!rec)
		return -ENOMEM;
	memcpy(rec, lenbytes, 2);
	n = mv_aead_seal(m->tx, m->tx_counter++, lenbytes, 2, pt, len, rec + 2);
	err = n < 0 ? n : write_all(m->fd, rec, 2 + n);
	free(rec);
	return err;
}

/* An encrypted record: its plaintext length, 0 when closed, or -errno. */
static int receive(struct mallory *m, uint8_t *body, int timeout_ms)
{
	int len = read_record(m->fd, body, timeout_ms);
	uint8_t lenbytes[2] = { len >> 8, len & 0xff };

	if (len <= 0)
		return len;
	return mv_aead_open(m->rx, m->rx_counter++, lenbytes, 2, body, len,
			    body);
}

bool mallory_pump(struct mallory *m, unsigned int ms)
{
	static uint8_t body[RECORD_MAX];
	uint64_t end = mallory_wall_ms() + ms;

	while (!m->closed && mallory_wall_ms() < end) {
		int n = receive(m, body, end - mallory_wall_ms());
		char err[MV_META_ERRLEN];
		uint64_t token;
		struct mv_buf b;

		if (n == -ETIMEDOUT)
			break;
		if (n <= 0) {
			m->closed = true;
			break;
		}
		if (body[0] == MV_META_UDP)
			m->udp_received++;
		/* Stay a member in good standing: answer PINGs. */
		if (body[0] != MV_META_PING ||
		    mv_meta_ping_decode(body, n, &token, err))
			continue;
		mv_buf_init(&b);
		if (!mv_meta_ping_encode(&b, MV_META_PONG, token))
			mallory_send(m, b.data, b.len);
		mv_buf_free(&b);
	}
	return !m->closed;
}

void mallory_state_init(struct mv_meta_state *s, const char *origin,
			uint8_t key_type, uint8_t *key, size_t key_len)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->origin, sizeof(s->origin), "%s", origin);
	s->seq = mallory_wall_ms();
	s->lifetime = 300;
	s->cipher = 1;
	s->port = 655;
	s->key_type = key_type;
	s->key = key;
	s->key_len = key_len;
}

int mallory_send_own_state(struct mallory *m, struct mv_meta_state *s)
{
	uint8_t *key;
	size_t len;
	int err = mv_identity_public_encode(m->key, &key, &len);

	if (err)
		return err;
	s->key_type = mv_identity_type(m->key);
	s->key = key;
	s->key_len = len;
	err = mallory_send_state(m, s, m->key, 0);
	free(key);
	return err;
}

int mallory_send_state(struct mallory *m, const struct mv_meta_state *s,
		       const struct mv_identity *signer, size_t sig_len)
{
	uint8_t *sig = NULL;
	struct mv_buf body, msg;
	int err;

	mv_buf_init(&body);
	mv_buf_init(&msg);
	err = mv_meta_state_encode_body(&body, s);
	if (!err && signer) {
		err = mv_meta_state_signed_part(&msg, body.data + 1, body.len - 1);
		err = err ?: mv_identity_sign(signer, msg.data, msg.len, &sig,
					      &sig_len);
	} else if (!err) {
		sig = malloc(sig_len);
		err = sig ? mv_random(sig, sig_len) : -ENOMEM;
	}
	err = err ?: mv_meta_state_encode_sig(&body, sig, sig_len);
	err = err ?: mallory_send(m, body.data, body.len);
	free(sig);
	mv_buf_free(&msg);
	mv_buf_free(&body);
	return err;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res))
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, 0);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

/* protocol.md 9.2, as the initiator. */
static int handshake(struct mallory *m)
{
	static uint8_t theirs[RECORD_MAX];
	struct mv_meta_hello h = {
		.major = MV_META_VERSION_MAJOR,
		.minor = MV_META_VERSION_MINOR,
	}, peer;
	uint8_t th[MV_HASH_LEN], i2r[MV_KEY_LEN], r2i[MV_KEY_LEN];
	uint8_t msg[64 + MV_HASH_LEN], *sig = NULL;
	size_t n = strlen(MV_META_AUTH_CONTEXT), sig_len;
	char err[MV_META_ERRLEN];
	struct mv_x25519 eph;
	struct mv_buf ours, auth;
	int len, rc;

	snprintf(h.name, sizeof(h.name), "%s", m->name);
	if (mv_x25519_generate(&eph) || mv_random(h.random, sizeof(h.random)))
		return -EIO;
	memcpy(h.ephemeral, eph.pub, sizeof(h.ephemeral));
	mv_buf_init(&ours);
	rc = mv_meta_hello_encode(&ours, &h);
	rc = rc ?: send_clear(m->fd, ours.data, ours.len);
	len = rc ? rc : read_record(m->fd, theirs, 5000);
	if (len <= 0 || mv_meta_hello_decode(theirs, len, &peer, err)) {
		mv_buf_free(&ours);
		fprintf(stderr, "mallory: no HELLO from %s\n", m->victim);
		return -EPROTO;
	}
	rc = mv_transcript_hash(ours.data, ours.len, theirs, len, th);
	mv_buf_free(&ours);
	rc = rc ?: mv_meta_derive(eph.priv, peer.ephemeral, th, i2r, r2i);
	if (rc)
		return rc;
	m->tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, i2r);
	m->rx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, r2i);
	if (!m->tx || !m->rx)
		return -ENOMEM;
	memcpy(msg, MV_META_AUTH_CONTEXT, n);
	msg[n++] = 0;	/* the initiator signs */
	memcpy(msg + n, th, sizeof(th));
	n += sizeof(th);
	rc = mv_identity_sign(m->key, msg, n, &sig, &sig_len);
	mv_buf_init(&auth);
	rc = rc ?: mv_meta_auth_encode(&auth, mv_identity_type(m->key), sig,
				       sig_len);
	rc = rc ?: mallory_send(m, auth.data, auth.len);
	mv_buf_free(&auth);
	free(sig);
	if (rc)
		return rc;
	/* The victim's AUTH: we trust whoever answers. */
	len = receive(m, theirs, 5000);
	if (len <= 0 || theirs[0] != MV_META_AUTH) {
		fprintf(stderr, "mallory: %s did not accept us\n", m->victim);
		return -EACCES;
	}
	return 0;
}

static const struct mallory_attack *find_attack(const char *name)
{
	size_t f;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		const struct mallory_attack *a;

		for (a = families[f]; a->name; a++)
			if (!strcmp(a->name, name))
				return a;
	}
	return NULL;
}

static void usage(void)
{
	size_t f;

	fprintf(stderr,
		"usage: mallory -k KEYFILE -n NAME -t VICTIM -a HOST [-p PORT] [-w SECONDS] ATTACK [ARG]...\n"
		"Connects to VICTIM at HOST as the member NAME, runs ATTACK, stays\n"
		"SECONDS (default 3) and prints \"open\" or \"closed\".\nAttacks:\n");
	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		const struct mallory_attack *a;

		for (a = families[f]; a->name; a++)
			fprintf(stderr, "  %s %s\n      %s\n", a->name, a->args,
				a->help);
	}
	exit(2);
}

int main(int argc, char **argv)
{
	const char *keyfile = NULL, *host = NULL, *port = "655";
	struct mallory m = { .fd = -1 };
	const struct mallory_attack *a;
	unsigned int wait_s = 3;
	struct mv_diag diag;
	int opt, rc;

	while ((opt = getopt(argc, argv, "k:n:t:a:p:w:")) != -1) {
		switch (opt) {
		case 'k': keyfile = optarg; break;
		case 'n': m.name = optarg; break;
		case 't': m.victim = optarg; break;
		case 'a': host = optarg; break;
		case 'p': port = optarg; break;
		case 'w': wait_s = atoi(optarg); break;
		default: usage();
		}
	}
	if (!keyfile || !m.name || !m.victim || !host || optind >= argc)
		usage();
	a = find_attack(argv[optind]);
	if (!a || argc - optind - 1 < a->min_args)
		usage();
	mv_diag_init(&diag);
	rc = mv_identity_load_private(keyfile, &m.key, &diag);
	mv_diag_free(&diag);
	if (rc) {
		fprintf(stderr, "mallory: cannot load %s: %s\n", keyfile,
			strerror(-rc));
		return 1;
	}
	m.fd = connect_to(host, port);
	if (m.fd < 0 || handshake(&m)) {
		fprintf(stderr, "mallory: cannot join %s at %s\n", m.victim, host);
		return 1;
	}
	/* Let the victim's synchronisation pass first. */
	mallory_pump(&m, 300);
	rc = a->run(&m, argc - optind - 1, argv + optind + 1);
	if (rc) {
		fprintf(stderr, "mallory: %s failed: %s\n", a->name,
			strerror(-rc));
		return 1;
	}
	mallory_pump(&m, wait_s * 1000);
	printf("%s\n", m.closed ? "closed" : "open");
	mv_aead_free(m.tx);
	mv_aead_free(m.rx);
	mv_identity_free(m.key);
	close(m.fd);
	return 0;
}
