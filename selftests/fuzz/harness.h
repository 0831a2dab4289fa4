/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the protocol fuzzers share: a node "alice" put together from the
 * daemon's own layers the way daemon.c does it (node table, topology,
 * protocol, userspace data plane on a real UDP socket, a TUN that is
 * /dev/null), with three peers whose private keys the harness holds, so
 * that it can sign what it feeds in and reach the code behind the
 * signature checks. Each input gets a fresh node, freed afterwards, so
 * LeakSanitizer sees what one input leaked; randomness comes from a fixed
 * stream reset for each input, so every run of an input is the same.
 */
#ifndef MESHVPN_FUZZ_HARNESS_H
#define MESHVPN_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/daemon.h"

#define CHECK(cond)				\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

/* The peers of the fixture's node; alice is the node itself. */
enum fuzz_peer {
	FUZZ_ALICE,
	FUZZ_BOB,	/* a neighbour: host file, active meta connection */
	FUZZ_CAROL,	/* known from her host file, not connected */
	FUZZ_DAVE,	/* no host file: his key can only be vouched for */
	FUZZ_PEERS,
};

extern const char *const fuzz_peer_names[FUZZ_PEERS];

/* Once per process: keys, the configuration folder, the log. */
void fuzz_setup(void);
/* Restart the random stream (OpenSSL's and so the product's). */
void fuzz_rand_reset(void);
/* A peer's identity, with its private key; NULL for other names. */
const struct mv_identity *fuzz_key_of(const char *name);

/* An input taken apart: records of a flag byte and a u16 length. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

bool fuzz_take_u8(struct fuzz_input *in, uint8_t *out);
/* The next record: its flags, bytes and length; false at the end. */
bool fuzz_take_record(struct fuzz_input *in, uint8_t *flags,
		      const uint8_t **data, size_t *len);

struct fuzz_mesh {
	struct mv_daemon d;
	struct mv_node *peer[FUZZ_PEERS];
	struct mv_conn *bob_conn;	/* alice's end; NULL once closed */
	int bob_fd;			/* bob's end of it */
	int sink_fd;			/* a UDP socket on [::1], for bob's endpoint */
	struct sockaddr_in6 sink_addr;
	int kick_fd;			/* eventfd: a turn never waits */
	struct mv_io kick_io;
};

/*
 * A fresh alice with StrictKeys as given; her UDP socket and, with
 * @bob_connected, the active meta connection from bob. 0 or -errno.
 */
int fuzz_mesh_init(struct fuzz_mesh *m, bool strict_keys, bool bob_connected);
void fuzz_mesh_free(struct fuzz_mesh *m);
/* One turn of the event loop: ready descriptors, due timers, the hook. */
void fuzz_mesh_turn(struct fuzz_mesh *m);
/* What the daemon does after each batch of events (topology, STATE). */
void fuzz_mesh_after_events(struct fuzz_mesh *m);
/* A STATE of @who, with an edge to each of @peers, signed by @who. */
int fuzz_mesh_state(struct mv_buf *out, enum fuzz_peer who, uint64_t seq,
		    const enum fuzz_peer *peers, size_t n_peers,
		    const char *const *subnets, size_t n_subnets);
/*
 * Give @n's session a valid key slot of @phase with keys derived from
 * @seed only, as a finished handshake would leave it; the harness seals
 * with fuzz_session_keys() of the same seed.
 */
void fuzz_mesh_give_keys(struct fuzz_mesh *m, struct mv_node *n, int phase,
			 uint8_t seed);
/* @n's side of those keys: the data key it sends with, the probe key. */
void fuzz_session_keys(uint8_t seed, uint8_t data[MV_KEY_LEN],
		       uint8_t probe[MV_KEY_LEN]);
/* Drain what alice wrote on bob's meta connection: her buffers never fill. */
void fuzz_mesh_drain(struct fuzz_mesh *m);

/* Replace @s's signature by @who's own over the same body. */
int fuzz_resign_state(const uint8_t *pt, size_t len, struct mv_buf *out);

#endif /* MESHVPN_FUZZ_HARNESS_H */
