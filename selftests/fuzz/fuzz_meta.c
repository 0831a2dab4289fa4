// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for meta connections (proto/meta.c) from the socket
 * up: alice listens on a real TCP socket, bob connects, and what he sends
 * goes through her accept, record framing (conn_read), HELLO, AUTH, the
 * record layer's decryption and the dispatch of every message type.
 *
 * Input: one byte of options, then the rest. Options & 3:
 *  0: the rest is what bob writes, raw, from his first byte on (framing,
 *     HELLO decoding, unauthenticated connections);
 *  1: the harness completes the handshake as bob (HELLO, key agreement,
 *     AUTH signed with bob's key) and then seals each record of the rest
 *     (flag byte, u16 length, plaintext) as the next record;
 *  2: the handshake as in 1, then the rest raw (framing and decryption
 *     failures of an authenticated connection).
 * Options bit 2: StrictKeys.
 *
 * Checked besides memory errors and leaks: the harness's handshake is
 * accepted (the connection is active after it), so the encrypted half is
 * really reached.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/handshake.h"
#include "harness.h"

#define TURNS_AFTER_EOF	4

struct bob {
	int fd;
	struct mv_aead *tx, *rx;
	uint64_t tx_counter;
};

static void write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	ssize_t n;

	while (len) {
		n = send(fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			return;	/* closed by alice, or her buffer is full */
		b += n;
		len -= n;
	}
}

/* One record of alice's: her HELLO, in the clear. */
static bool read_record(int fd, uint8_t *buf, size_t size, size_t *len)
{
	uint8_t hdr[2];

	if (recv(fd, hdr, 2, MSG_WAITALL) != 2)
		return false;
	*len = (size_t)hdr[0] << 8 | hdr[1];
	return *len <= size && recv(fd, buf, *len, MSG_WAITALL) == (ssize_t)*len;
}

static void drain(int fd)
{
	uint8_t buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void send_sealed(struct bob *b, const uint8_t *pt, size_t len)
{
	static uint8_t rec[2 + MV_META_MAX_PLAINTEXT + MESHVPN_AEAD_TAG_LEN];
	size_t rlen = len + MESHVPN_AEAD_TAG_LEN;
	int n;

	if (len > MV_META_MAX_PLAINTEXT)
		len = MV_META_MAX_PLAINTEXT;
	rlen = len + MESHVPN_AEAD_TAG_LEN;
	rec[0] = rlen >> 8;
	rec[1] = rlen & 0xff;
	n = mv_aead_seal(b->tx, b->tx_counter++, rec, 2, pt, len, rec + 2);
	CHECK(n == (int)rlen);
	write_all(b->fd, rec, 2 + rlen);
}

/* Bob, the initiator, through HELLO and AUTH (protocol.md 9.2). */
static void handshake(struct fuzz_mesh *m, struct bob *b)
{
	uint8_t theirs[512], th[MV_HASH_LEN], i2r[MV_KEY_LEN], r2i[MV_KEY_LEN];
	struct mv_meta_hello ours = {
		.major = MV_META_VERSION_MAJOR,
		.minor = MV_META_VERSION_MINOR,
	};
	char err[MV_META_ERRLEN];
	struct mv_meta_hello h;
	struct mv_buf hello, msg, auth;
	struct mv_x25519 eph;
	uint8_t *sig;
	size_t len, sig_len;

	CHECK(read_record(b->fd, theirs, sizeof(theirs), &len));
	CHECK(!mv_meta_hello_decode(theirs, len, &h, err));
	CHECK(!mv_x25519_generate(&eph));
	strcpy(ours.name, "bob");
	memcpy(ours.ephemeral, eph.pub, sizeof(ours.ephemeral));
	mv_buf_init(&hello);
	mv_buf_init(&msg);
	mv_buf_init(&auth);
	CHECK(!mv_buf_put_u16(&hello, 0));
	CHECK(!mv_meta_hello_encode(&hello, &ours));
	hello.data[0] = (hello.len - 2) >> 8;
	hello.data[1] = (hello.len - 2) & 0xff;
	CHECK(!mv_transcript_hash(hello.data + 2, hello.len - 2, theirs, len, th));
	CHECK(!mv_meta_derive(eph.priv, h.ephemeral, th, i2r, r2i));
	b->tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, i2r);
	b->rx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305, r2i);
	CHECK(b->tx && b->rx);
	write_all(b->fd, hello.data, hello.len);
	fuzz_mesh_turn(m);

	/* The initiator signs with role byte 0. */
	CHECK(!mv_buf_put(&msg, MV_META_AUTH_CONTEXT, strlen(MV_META_AUTH_CONTEXT)));
	CHECK(!mv_buf_put_u8(&msg, 0));
	CHECK(!mv_buf_put(&msg, th, sizeof(th)));
	CHECK(!mv_identity_sign(fuzz_key_of("bob"), msg.data, msg.len, &sig,
				&sig_len));
	CHECK(!mv_meta_auth_encode(&auth, MV_KEY_ED25519, sig, sig_len));
	free(sig);
	send_sealed(b, auth.data, auth.len);
	fuzz_mesh_turn(m);
	CHECK(m->peer[FUZZ_BOB]->conn &&
	      m->peer[FUZZ_BOB]->conn->state == MV_CONN_ACTIVE);
	mv_buf_free(&hello);
	mv_buf_free(&msg);
	mv_buf_free(&auth);
	mv_wipe(&eph, sizeof(eph));
}

static int connect_to(struct fuzz_mesh *m)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int fd;

	CHECK(!getsockname(m->d.proto.meta.tcp_fd, (struct sockaddr *)&sa, &len));
	sa.sin6_addr = in6addr_loopback;
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(fd >= 0);
	CHECK(!connect(fd, (struct sockaddr *)&sa, len));
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct bob b = { .fd = -1 };
	struct fuzz_mesh m;
	const uint8_t *rec;
	uint8_t opts, flags;
	size_t len;
	int i;

	fuzz_setup();
	if (!fuzz_take_u8(&in, &opts))
		return 0;
	CHECK(!fuzz_mesh_init(&m, opts & 4, false));
	CHECK(!mv_meta_listen(&m.d.proto));
	b.fd = connect_to(&m);
	fuzz_mesh_turn(&m);		/* accepted; her HELLO is on its way */
	if (opts & 3)
		handshake(&m, &b);
	if ((opts & 3) == 1) {
		while (m.peer[FUZZ_BOB]->conn &&
		       fuzz_take_record(&in, &flags, &rec, &len)) {
			send_sealed(&b, rec, len);
			fuzz_mesh_turn(&m);
			drain(b.fd);
		}
	} else {
		write_all(b.fd, in.p, in.left);
	}
	shutdown(b.fd, SHUT_WR);
	for (i = 0; i < TURNS_AFTER_EOF && m.d.proto.meta.conns; i++) {
		fuzz_mesh_turn(&m);
		drain(b.fd);
	}
	close(b.fd);
	mv_aead_free(b.tx);
	mv_aead_free(b.rx);
	fuzz_mesh_free(&m);
	return 0;
}
