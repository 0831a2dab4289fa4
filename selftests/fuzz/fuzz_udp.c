// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the UDP receive path and relaying
 * (dataplane/udp.c): each record is one UDP message, sent from bob's
 * socket to alice's real UDP socket and read by her event loop
 * (recvmmsg, header checks, DATA, PROBE, PROBE_REPLY, SESSION, relaying),
 * or carried over bob's meta connection as a UDP meta message (the TCP
 * fallback, without a source address).
 *
 * Input: one byte of options, then records of a flag byte, a u16 length
 * and the message. Options: bit 0, STATEs of bob (linked to alice and
 * carol, claiming 10.0.1.0/24) and carol (linked to bob, 10.0.2.0/24)
 * make both reachable, carol through bob; bit 1,
 * bob's session has keys, in the slot of phase bit 2; bit 3, bob's
 * endpoint is confirmed (the socket the records come from); bit 4,
 * carol has a direct endpoint of her own. Record flags: bit 0, over the
 * meta connection instead of UDP; bit 1, the harness seals the message
 * with bob's keys (the first 24 bytes are the header, the rest the
 * plaintext), so that decryption succeeds and what follows is reached.
 *
 * Checked besides memory errors and leaks: alice never sends a message
 * that came from bob's endpoint back to it (section 7: a relay is not a
 * reflector), whatever its destination.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define KEY_SEED	0x42

struct udp_fixture {
	struct fuzz_mesh m;
	int carol_fd;			/* carol's endpoint */
	struct sockaddr_in6 alice, carol;
};

static int local_socket(struct sockaddr_in6 *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	CHECK(fd >= 0);
	memset(addr, 0, sizeof(*addr));
	addr->sin6_family = AF_INET6;
	addr->sin6_addr = in6addr_loopback;
	CHECK(!bind(fd, (struct sockaddr *)addr, len));
	CHECK(!getsockname(fd, (struct sockaddr *)addr, &len));
	return fd;
}

static void feed_state(struct fuzz_mesh *m, enum fuzz_peer who,
		       const enum fuzz_peer *peers, size_t n_peers,
		       const char *subnet)
{
	struct mv_buf b;

	mv_buf_init(&b);
	CHECK(!fuzz_mesh_state(&b, who, 1, peers, n_peers, &subnet, 1));
	mv_state_receive(m->bob_conn, b.data, b.len);
	fuzz_mesh_after_events(m);
	mv_buf_free(&b);
}

static void setup(struct udp_fixture *f, uint8_t opts)
{
	static const enum fuzz_peer bob_links[] = { FUZZ_ALICE, FUZZ_CAROL };
	static const enum fuzz_peer carol_links[] = { FUZZ_BOB };
	struct fuzz_mesh *m = &f->m;
	socklen_t len = sizeof(f->alice);

	CHECK(!fuzz_mesh_init(m, false, true));
	f->carol_fd = local_socket(&f->carol);
	CHECK(!getsockname(m->d.dp.udp_fd, (struct sockaddr *)&f->alice, &len));
	f->alice.sin6_addr = in6addr_loopback;
	if (opts & 1) {
		feed_state(m, FUZZ_BOB, bob_links, 2, "10.0.1.0/24");
		feed_state(m, FUZZ_CAROL, carol_links, 1, "10.0.2.0/24");
	}
	if (opts & 2)
		fuzz_mesh_give_keys(m, m->peer[FUZZ_BOB], (opts >> 2) & 1, KEY_SEED);
	if (opts & 8)
		mv_udp_set_direct(m->peer[FUZZ_BOB], &m->sink_addr);
	if (opts & 16)
		mv_udp_set_direct(m->peer[FUZZ_CAROL], &f->carol);
	fuzz_mesh_after_events(m);
}

/* The header as it is, the rest sealed with bob's keys for alice. */
static size_t seal(const uint8_t *rec, size_t len, uint8_t *out)
{
	uint8_t data_key[MV_KEY_LEN], probe_key[MV_KEY_LEN];
	uint8_t ad[MESHVPN_HDR_LEN];
	struct mv_aead *aead;
	uint64_t counter;
	int n;

	if (len < MESHVPN_HDR_LEN)
		return 0;
	fuzz_session_keys(KEY_SEED, data_key, probe_key);
	aead = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305,
			   rec[0] == MESHVPN_MSG_DATA ? data_key : probe_key);
	CHECK(aead);
	memcpy(out, rec, MESHVPN_HDR_LEN);
	memcpy(ad, rec, MESHVPN_HDR_LEN);
	ad[MESHVPN_HDR_TTL_OFFSET] = 0;
	memcpy(&counter, rec + 16, sizeof(counter));
	n = mv_aead_seal(aead, be64toh(counter), ad, sizeof(ad),
			 rec + MESHVPN_HDR_LEN, len - MESHVPN_HDR_LEN,
			 out + MESHVPN_HDR_LEN);
	mv_aead_free(aead);
	return n < 0 ? 0 : MESHVPN_HDR_LEN + n;
}

/* Nothing bob sent may come back to him unchanged but for its TTL. */
static void check_no_reflection(struct fuzz_mesh *m, const uint8_t *sent,
				size_t len)
{
	uint8_t buf[MV_PKT_MAX];
	ssize_t n;

	while ((n = recv(m->sink_fd, buf, sizeof(buf), 0)) > 0) {
		if ((size_t)n != len || len < MESHVPN_HDR_LEN)
			continue;
		buf[MESHVPN_HDR_TTL_OFFSET] = sent[MESHVPN_HDR_TTL_OFFSET];
		CHECK(memcmp(buf, sent, len));
	}
}

static void deliver(struct udp_fixture *f, uint8_t flags, const uint8_t *msg,
		    size_t len)
{
	struct fuzz_mesh *m = &f->m;
	struct mv_buf b;

	if (flags & 1) {
		if (!m->bob_conn)
			return;
		mv_buf_init(&b);
		if (!mv_meta_udp_encode(&b, msg, len))
			mv_meta_dispatch(m->bob_conn, b.data, b.len);
		mv_buf_free(&b);
		fuzz_mesh_after_events(m);
		return;
	}
	if (sendto(m->sink_fd, msg, len, 0, (struct sockaddr *)&f->alice,
		   sizeof(f->alice)) != (ssize_t)len)
		return;
	fuzz_mesh_turn(m);
	check_no_reflection(m, msg, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sealed[MV_PKT_MAX + MESHVPN_AEAD_TAG_LEN];
	struct fuzz_input in = { data, size };
	struct udp_fixture f;
	const uint8_t *rec;
	uint8_t opts, flags;
	size_t len;

	fuzz_setup();
	if (!fuzz_take_u8(&in, &opts))
		return 0;
	setup(&f, opts);
	while (fuzz_take_record(&in, &flags, &rec, &len)) {
		if (flags & 2) {
			len = seal(rec, len, sealed);
			rec = sealed;
		}
		deliver(&f, flags, rec, len);
	}
	fuzz_mesh_free(&f.m);
	close(f.carol_fd);
	return 0;
}
