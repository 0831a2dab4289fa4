// SPDX-License-Identifier: GPL-2.0
/*
 * Key schedules of the meta handshake and of sessions. See handshake.h.
 */
#include <string.h>

#include "crypto/handshake.h"

int mv_transcript_hash(const void *a, size_t a_len, const void *b,
		       size_t b_len, uint8_t th[MV_HASH_LEN])
{
	struct mv_iov parts[2] = { { a, a_len }, { b, b_len } };

	return mv_sha256(parts, 2, th);
}

static int derive(const uint8_t priv[MV_X25519_LEN],
		  const uint8_t peer_pub[MV_X25519_LEN],
		  const uint8_t th[MV_HASH_LEN], const char *const *labels,
		  size_t n, uint8_t (*keys)[MV_KEY_LEN])
{
	uint8_t shared[MV_X25519_LEN], prk[MV_HASH_LEN];
	size_t i;
	int err;

	err = mv_x25519_shared(priv, peer_pub, shared);
	if (!err)
		err = mv_hkdf_extract(th, MV_HASH_LEN, shared, sizeof(shared), prk);
	mv_wipe(shared, sizeof(shared));
	for (i = 0; i < n && !err; i++)
		err = mv_hkdf_expand(prk, labels[i], keys[i], MV_KEY_LEN);
	mv_wipe(prk, sizeof(prk));
	if (err)
		mv_wipe(keys, n * MV_KEY_LEN);
	return err;
}

int mv_meta_derive(const uint8_t priv[MV_X25519_LEN],
		   const uint8_t peer_pub[MV_X25519_LEN],
		   const uint8_t th[MV_HASH_LEN],
		   uint8_t i2r[MV_KEY_LEN], uint8_t r2i[MV_KEY_LEN])
{
	static const char *const labels[] = {
		"meshvpn meta i2r", "meshvpn meta r2i",
	};
	uint8_t keys[2][MV_KEY_LEN];
	int err = derive(priv, peer_pub, th, labels, 2, keys);

	if (!err) {
		memcpy(i2r, keys[0], MV_KEY_LEN);
		memcpy(r2i, keys[1], MV_KEY_LEN);
	}
	mv_wipe(keys, sizeof(keys));
	return err;
}

int mv_session_derive(const uint8_t priv[MV_X25519_LEN],
		      const uint8_t peer_pub[MV_X25519_LEN],
		      const uint8_t th[MV_HASH_LEN],
		      uint8_t keys[MV_SESSION_KEYS][MV_KEY_LEN])
{
	static const char *const labels[MV_SESSION_KEYS] = {
		[MV_KEY_DATA_I2R] = "meshvpn data i2r",
		[MV_KEY_DATA_R2I] = "meshvpn data r2i",
		[MV_KEY_PROBE_I2R] = "meshvpn probe i2r",
		[MV_KEY_PROBE_R2I] = "meshvpn probe r2i",
		[MV_KEY_CONFIRM] = "meshvpn confirm",
	};

	return derive(priv, peer_pub, th, labels, MV_SESSION_KEYS, keys);
}

void mv_session_timestamp(uint64_t unix_ns,
			  uint8_t out[MV_SESSION_TIMESTAMP_LEN])
{
	uint64_t secs = (1ull << 62) + unix_ns / 1000000000u;
	uint32_t nsecs = unix_ns % 1000000000u;
	int i;

	for (i = 0; i < 8; i++)
		out[i] = secs >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		out[8 + i] = nsecs >> (24 - 8 * i);
}

/* HMAC-SHA256 is HKDF-Extract with the key as the salt. */
static int hmac_short(const uint8_t *key, size_t key_len, const void *msg,
		      size_t len, uint8_t out[MV_COOKIE_LEN])
{
	uint8_t full[MV_HASH_LEN];
	int err = mv_hkdf_extract(key, key_len, msg, len, full);

	if (!err)
		memcpy(out, full, MV_COOKIE_LEN);
	mv_wipe(full, sizeof(full));
	return err;
}

int mv_cookie_make(const uint8_t secret[MV_KEY_LEN], const void *addr,
		   size_t addr_len, uint8_t cookie[MV_COOKIE_LEN])
{
	return hmac_short(secret, MV_KEY_LEN, addr, addr_len, cookie);
}

int mv_cookie_mac(const uint8_t cookie[MV_COOKIE_LEN], const void *msg,
		  size_t len, uint8_t mac[MV_COOKIE_LEN])
{
	return hmac_short(cookie, MV_COOKIE_LEN, msg, len, mac);
}
