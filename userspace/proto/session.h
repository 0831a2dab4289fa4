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
#include "crypto/handshake.h"
#include "crypto/replay.h"
#include "lib/buf.h"
#include "lib/event.h"
#include "mesh/node.h"

#define MV_HANDSHAKE_RETRY	2000	/* ms */
#define MV_COOKIE_SECRET_LIFE	120000	/* ms a responder's cookie secret lives */

/*
 * The first byte of a UDP SESSION message's payload (protocol.md section
 * 10): a SESSION meta message as it is (its type byte), one behind the MAC
 * a responder's cookie demands, or that cookie.
 */
#define MV_UDP_SESSION_MAC	0x80
#define MV_UDP_SESSION_COOKIE	0x81
/* A cookie reply: MV_UDP_SESSION_COOKIE, the INIT's u64 id, the cookie. */
#define MV_UDP_SESSION_COOKIE_LEN	(1 + 8 + MV_COOKIE_LEN)

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
	/*
	 * The newest INIT of the peer we accepted: the replay cache, kept
	 * across key changes, and the digest of that INIT, whose
	 * retransmissions get the same answer again.
	 */
	uint8_t peer_time[MV_SESSION_TIMESTAMP_LEN];
	uint8_t peer_init_digest[MV_HASH_LEN];
	/* The newest timestamp we sent: ours never repeat either. */
	uint8_t own_time[MV_SESSION_TIMESTAMP_LEN];
	/* Token bucket of the peer's INITs we check (SessionInitRate). */
	uint64_t init_tokens;		/* in thousandths of an INIT */
	uint64_t init_tokens_at;	/* ms */
	/* When DATA under a key we lack last started a handshake. */
	uint64_t nokey_started;
	/* The responder's cookie from the peer, for our INITs over UDP. */
	uint8_t cookie[MV_COOKIE_LEN];
	uint64_t cookie_at;		/* ms; 0: none */
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
	/*
	 * Responder: the phase sent with once the initiator has proven it
	 * holds its keys (a CONFIRM or a message under them), the CONFIRM
	 * value that proves it, and our RESP for retransmitted INITs.
	 */
	int switch_phase;
	uint8_t confirm[MV_KEY_LEN];
	struct mv_buf resp_blob;
	uint64_t resp_initiator_id, resp_responder_id;
	uint64_t resp_at;		/* ms */
};

/* What sessions refused, shown by "meshvpn dump stats". */
struct mv_session_stats {
	uint64_t init_rate_refused;	/* over SessionInitRate */
	uint64_t cookie_replies;	/* INITs refused under SessionCookieLoad */
	uint64_t nokey_refused;		/* within NoKeyHandshakeInterval */
	uint64_t stale_init;		/* replayed or older INITs */
	uint64_t bad_signature;
	uint64_t bad_confirm;
	uint64_t bad_cookie;		/* UDP: cookie replies for no INIT */
	uint64_t malformed;		/* UDP: undecodable SESSION payloads */
	uint64_t wrong_source;		/* UDP: not from the peer's endpoint */
	uint64_t expired_key;		/* DATA under a key past its age */
};

/* The responder's state shared by all sessions. */
struct mv_session_guard {
	struct mv_session_stats stats;
	uint8_t secret[2][MV_KEY_LEN];	/* cookie secrets: current, previous */
	uint64_t secret_at;		/* ms; 0: none yet */
	uint64_t load_second;		/* handshakes counted in this second */
	unsigned int load, last_load;	/* ... and in the one before */
};

/* A node's session: made with the node, freed with it. */
int mv_session_init(struct mv_proto *p, struct mv_node *n);
void mv_session_free(struct mv_node *n);
void mv_session_clear(struct mv_node *n);
void mv_session_start(struct mv_node *n);
/* A SESSION meta message from a meta connection. */
void mv_session_receive(struct mv_proto *p, const uint8_t *pt, size_t len);
/*
 * The payload of a UDP SESSION message from @src, which came from the
 * address @addr of @addr_len bytes, the peer's endpoint (NULL: it came
 * over a meta connection). Returns the length of an answer written into
 * @reply (a cookie to send back to @addr), else 0.
 */
size_t mv_session_receive_udp(struct mv_proto *p, struct mv_node *src,
			      const uint8_t *payload, size_t len,
			      const void *addr, size_t addr_len,
			      uint8_t reply[MV_UDP_SESSION_COOKIE_LEN]);
/*
 * DATA from @n under a key phase we hold no key for: start a handshake,
 * at most once per NoKeyHandshakeInterval (the DATA proves nothing), and
 * only if it came @from_its_path (its endpoint or relay, when known).
 */
void mv_session_nokey(struct mv_node *n, bool from_its_path);
/* Whether a received message under @k may be accepted: not too old. */
bool mv_session_key_fresh(const struct mv_node *n, const struct mv_keyslot *k);
/* The slot to send with, or NULL. */
struct mv_keyslot *mv_session_tx(struct mv_node *n);
void mv_session_rx_phase(struct mv_node *n, int phase);

#endif /* MESHVPN_SESSION_H */
