/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symmetric crypto and key agreement for meshvpnd, all from OpenSSL 3:
 * the data AEADs with the wire nonce layout of Documentation/protocol.md
 * (section 4), HKDF-SHA256, X25519, SHA-256, randomness, wiping and
 * constant-time comparison.
 *
 * Functions return 0 or a negative errno (-ENOMEM, -EINVAL, -EIO for an
 * OpenSSL failure) unless they say otherwise.
 */
#ifndef MESHVPN_CRYPTO_H
#define MESHVPN_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cipher.h"

#define MV_KEY_LEN	32
#define MV_HASH_LEN	32
#define MV_X25519_LEN	32

void mv_wipe(void *p, size_t n);
/* Constant time in @n: true when the buffers are equal. */
bool mv_ct_equal(const void *a, const void *b, size_t n);
int mv_random(void *buf, size_t n);
/* Aborts if OpenSSL has no randomness: nothing could work without it. */
uint64_t mv_random_u64(void);

struct mv_iov {
	const void *base;
	size_t len;
};

/* SHA-256 of the concatenation of @n parts. */
int mv_sha256(const struct mv_iov *parts, size_t n, uint8_t out[MV_HASH_LEN]);

/* No salt (NULL, 0) means HashLen zero bytes, as RFC 5869 says. */
int mv_hkdf_extract(const uint8_t *salt, size_t salt_len,
		    const uint8_t *ikm, size_t ikm_len,
		    uint8_t prk[MV_HASH_LEN]);
/*
 * @label is the HKDF info, without its terminating NUL. -EINVAL unless
 * 1 <= @out_len <= 255 * MV_HASH_LEN.
 */
int mv_hkdf_expand(const uint8_t prk[MV_HASH_LEN], const char *label,
		   uint8_t *out, size_t out_len);

struct mv_x25519 {
	uint8_t priv[MV_X25519_LEN];
	uint8_t pub[MV_X25519_LEN];
};

int mv_x25519_generate(struct mv_x25519 *kp);
/*
 * -EINVAL for a low-order peer key (all-zero shared secret); @out is
 * then zero.
 */
int mv_x25519_shared(const uint8_t priv[MV_X25519_LEN],
		     const uint8_t peer_pub[MV_X25519_LEN],
		     uint8_t out[MV_X25519_LEN]);

/*
 * One direction's AEAD key, with its OpenSSL context set up once.
 * Nonce: four zero bytes, then @counter little-endian (protocol.md, 4).
 * MV_CIPHER_NONE copies the payload and has no tag.
 *
 * Each call sets the nonce of the instance's one OpenSSL context, so an
 * instance must not be used by two threads at once: give each thread its
 * own (mv_aead_new() with the same key). Seal and open may be mixed.
 */
struct mv_aead;

/* NULL with errno EINVAL (unknown cipher) or ENOMEM. */
struct mv_aead *mv_aead_new(enum mv_cipher cipher,
			    const uint8_t key[MV_KEY_LEN]);
/* Wipes the key. NULL is fine. */
void mv_aead_free(struct mv_aead *a);
enum mv_cipher mv_aead_cipher(const struct mv_aead *a);
size_t mv_aead_tag_len(enum mv_cipher cipher);

/*
 * Encrypt @in_len bytes into @out (ciphertext then tag, in_len + tag
 * bytes); @out may equal @in but not overlap it otherwise. Returns the
 * output length, -EINVAL if it would not fit an int, or -EIO.
 */
int mv_aead_seal(struct mv_aead *a, uint64_t counter,
		 const void *ad, size_t ad_len,
		 const void *in, size_t in_len, void *out);
/*
 * Decrypt and verify @in_len bytes (ciphertext then tag) into @out
 * (@in_len - tag bytes); @out may equal @in. Returns the plaintext length,
 * or -EBADMSG when the input is too short or does not authenticate. A
 * message that does not authenticate leaves its plaintext bytes of @out
 * zeroed and nothing in OpenSSL's error queue: forgeries are traffic, not
 * errors.
 */
int mv_aead_open(struct mv_aead *a, uint64_t counter,
		 const void *ad, size_t ad_len,
		 const void *in, size_t in_len, void *out);

#endif /* MESHVPN_CRYPTO_H */
