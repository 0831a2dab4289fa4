/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key schedules of the meta handshake (protocol.md 9.2) and of sessions
 * (section 10), as pure functions so that unit tests can pin them with
 * fixed vectors. Both hash a transcript of two messages and run HKDF-SHA256
 * over an X25519 shared secret with the transcript hash as the salt.
 */
#ifndef MESHVPN_HANDSHAKE_H
#define MESHVPN_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

enum mv_session_key {
	MV_KEY_DATA_I2R,
	MV_KEY_DATA_R2I,
	MV_KEY_PROBE_I2R,
	MV_KEY_PROBE_R2I,
	/* sent in the CONFIRM: proves the initiator holds the new keys */
	MV_KEY_CONFIRM,
	MV_SESSION_KEYS,
};

#define MV_SESSION_TIMESTAMP_LEN	12
#define MV_COOKIE_LEN			16

/* th = SHA-256(@a || @b): initiator's message first. */
int mv_transcript_hash(const void *a, size_t a_len, const void *b,
		       size_t b_len, uint8_t th[MV_HASH_LEN]);

/*
 * X25519(@priv, @peer_pub), then HKDF with @th: the meta record keys
 * ("meshvpn meta i2r", "meshvpn meta r2i"). The shared secret is wiped;
 * on failure nothing is written.
 */
int mv_meta_derive(const uint8_t priv[MV_X25519_LEN],
		   const uint8_t peer_pub[MV_X25519_LEN],
		   const uint8_t th[MV_HASH_LEN],
		   uint8_t i2r[MV_KEY_LEN], uint8_t r2i[MV_KEY_LEN]);

/* The same for a session's four keys, indexed by enum mv_session_key. */
int mv_session_derive(const uint8_t priv[MV_X25519_LEN],
		      const uint8_t peer_pub[MV_X25519_LEN],
		      const uint8_t th[MV_HASH_LEN],
		      uint8_t keys[MV_SESSION_KEYS][MV_KEY_LEN]);

/*
 * An INIT's timestamp, TAI64N-like: 2^62 + seconds, then nanoseconds, both
 * big-endian, from @unix_ns (nanoseconds since the Unix epoch). Later
 * times compare greater with memcmp().
 */
void mv_session_timestamp(uint64_t unix_ns,
			  uint8_t out[MV_SESSION_TIMESTAMP_LEN]);

/*
 * A responder's cookie for a source address: the first MV_COOKIE_LEN
 * bytes of HMAC-SHA256(@secret, @addr).
 */
int mv_cookie_make(const uint8_t secret[MV_KEY_LEN], const void *addr,
		   size_t addr_len, uint8_t cookie[MV_COOKIE_LEN]);

/*
 * The proof that a message was sent by whoever got @cookie:
 * HMAC-SHA256(@cookie, @msg), cut to MV_COOKIE_LEN bytes.
 */
int mv_cookie_mac(const uint8_t cookie[MV_COOKIE_LEN], const void *msg,
		  size_t len, uint8_t mac[MV_COOKIE_LEN]);

#endif /* MESHVPN_HANDSHAKE_H */
