/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mallory: a hostile member node for the netns tests. It authenticates to
 * a real meshvpnd like any node whose key the victim holds, then runs one
 * attack (a command of a family's table) on that meta connection, and
 * stays connected, answering PINGs, to report whether the victim closed it.
 */
#ifndef MESHVPN_MALLORY_H
#define MESHVPN_MALLORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/identity.h"
#include "proto/metamsg.h"

struct mallory {
	const char *name;		/* ours, a member's */
	const char *victim;		/* the node we are connected to */
	struct mv_identity *key;	/* ours, known to the victim */
	int fd;
	struct mv_aead *tx, *rx;
	uint64_t tx_counter, rx_counter;
	bool closed;			/* by the victim */
	unsigned long udp_received;	/* UDP records the victim sent us */
};

/* One attack: `mallory [OPTION]... NAME [ARG]...`. */
struct mallory_attack {
	const char *name;
	const char *args;		/* usage of its arguments */
	const char *help;
	int min_args;
	int (*run)(struct mallory *m, int argc, char **argv);
};

/* The families of attacks, each a table ending with a NULL name. */
extern const struct mallory_attack mallory_state_attacks[];
extern const struct mallory_attack mallory_relay_attacks[];

/* Send one record plaintext on the meta connection; 0 or -errno. */
int mallory_send(struct mallory *m, const void *pt, size_t len);
/*
 * Encode @s and send it as a STATE signed by @signer, or with @sig_len
 * bytes of garbage as signature when @signer is NULL.
 */
int mallory_send_state(struct mallory *m, const struct mv_meta_state *s,
		       const struct mv_identity *signer, size_t sig_len);
/* A STATE of @origin with @key_type/@key, nothing announced. */
void mallory_state_init(struct mv_meta_state *s, const char *origin,
			uint8_t key_type, uint8_t *key, size_t key_len);
/* @s as our own STATE, with our key, signed by us. */
int mallory_send_own_state(struct mallory *m, struct mv_meta_state *s);
/* The wall clock in ms: what an honest seq is (protocol.md 9.3). */
uint64_t mallory_wall_ms(void);
/* Read and answer what the victim sends for @ms; false once it closed. */
bool mallory_pump(struct mallory *m, unsigned int ms);

#endif /* MESHVPN_MALLORY_H */
