/* SPDX-License-Identifier: GPL-2.0 */
/*
 * End-to-end sessions between two nodes (protocol.md section 10): a signed
 * X25519 handshake relayed over the meta graph (or sent over UDP once a
 * direct path exists), two key slots switched without loss, rekeying.
 */
#ifndef MESHVPN_SESSION_H
#define MESHVPN_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "crypto/replay.h"
#include "lib/buf.h"
#include "lib/event.h"
#include "mesh/node.h"

#define MV_HANDSHAKE_RETRY	2000	/* ms */
#define MV_RESPONDER_SWITCH	5000	/* ms */

struct mv_proto;

struct mv_keyslot {
	bool valid;
	/* kept for the kernel data plane, which takes the raw keys */
	uint8_t tx_key[MV_KEY_LEN], rx_key[MV_KEY_LEN];
	uint32_t generation;
	enum mv_cipher cipher;
	uint64_t created;		/* monotonic ms */
	struct mv_aead *tx, *rx;
	struct mv_aead *probe_tx, *probe_rx;
	uint64_t tx_counter, probe_tx_counter;
	struct mv_replay replay, probe_replay;
};

struct mv_session {
	struct mv_proto *proto;
	struct mv_keyslot slot[2];	/* indexed by phase */
	int tx_phase;			/* -1: nothing to send with */
	bool initiator;			/* of the newest generation */
	uint32_t last_generation;
	/* a handshake in flight (we sent INIT) */
	bool pending;
	uint64_t pending_id;
	uint32_t pending_generation;
	struct mv_x25519 eph;
	struct mv_buf init_blob;
	uint64_t pending_since;
	unsigned int tries;
	struct mv_timer retry;		/* resend INIT */
	struct mv_timer rekey;		/* start the next generation */
	struct mv_timer switch_tx;	/* responder: use the new keys */
	int switch_phase;
};

/* A node's session: made with the node, freed with it. */
int mv_session_init(struct mv_proto *p, struct mv_node *n);
void mv_session_free(struct mv_node *n);
void mv_session_clear(struct mv_node *n);
void mv_session_start(struct mv_node *n);
void mv_session_receive(struct mv_proto *p, const uint8_t *pt, size_t len);
/* The slot to send with, or NULL. */
struct mv_keyslot *mv_session_tx(struct mv_node *n);
void mv_session_rx_phase(struct mv_node *n, int phase);

#endif /* MESHVPN_SESSION_H */
