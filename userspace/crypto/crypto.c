// SPDX-License-Identifier: GPL-2.0
/*
 * Symmetric crypto and key agreement, all through OpenSSL 3's EVP layer.
 * Secrets that pass through our own buffers are wiped on every path;
 * OpenSSL wipes the copies it keeps (cipher contexts, EVP_PKEY private
 * keys, KDF contexts) when they are freed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/crypto.h"

#define MV_AEAD_TAG_LEN		16
#define MV_AEAD_NONCE_LEN	12

void mv_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}

bool mv_ct_equal(const void *a, const void *b, size_t n)
{
	return !CRYPTO_memcmp(a, b, n);
}

int mv_random(void *buf, size_t n)
{
	return RAND_bytes_ex(NULL, buf, n, 0) == 1 ? 0 : -EIO;
}

uint64_t mv_random_u64(void)
{
	uint64_t v;

	/*
	 * Callers use the value as a session id and have no way to handle
	 * a failure; a system without randomness cannot run a VPN anyway.
	 */
	if (mv_random(&v, sizeof(v))) {
		fprintf(stderr, "meshvpn: no random numbers from OpenSSL\n");
		abort();
	}
	return v;
}

int mv_sha256(const struct mv_iov *parts, size_t n, uint8_t out[MV_HASH_LEN])
{
	EVP_MD_CTX *ctx;
	EVP_MD *md;
	unsigned int len;
	int ret = -EIO;
	size_t i;

	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	ctx = EVP_MD_CTX_new();
	if (!md || !ctx) {
		ret = -ENOMEM;
		goto out;
	}
	if (!EVP_DigestInit_ex2(ctx, md, NULL))
		goto out;
	for (i = 0; i < n; i++)
		if (parts[i].len &&
		    !EVP_DigestUpdate(ctx, parts[i].base, parts[i].len))
			goto out;
	if (!EVP_DigestFinal_ex(ctx, out, &len) || len != MV_HASH_LEN)
		goto out;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return ret;
}

/*
 * One HKDF step. The PRK and the IKM are secret; OpenSSL copies them into
 * the KDF context and wipes that copy when the context is freed.
 */
static int hkdf(const char *mode, const uint8_t *salt, size_t salt_len,
		const uint8_t *key, size_t key_len, const char *info,
		uint8_t *out, size_t out_len)
{
	OSSL_PARAM params[6], *p = params;
	EVP_KDF_CTX *ctx = NULL;
	EVP_KDF *kdf;
	int ret = -ENOMEM;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (kdf)
		ctx = EVP_KDF_CTX_new(kdf);
	if (!ctx)
		goto out;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE,
						(char *)mode, 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key, key_len);
	if (salt)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 (void *)salt,
							 salt_len);
	if (info)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 (void *)info,
							 strlen(info));
	*p = OSSL_PARAM_construct_end();
	ret = EVP_KDF_derive(ctx, out, out_len, params) == 1 ? 0 : -EIO;
out:
	if (ret)
		OPENSSL_cleanse(out, out_len);
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return ret;
}

int mv_hkdf_extract(const uint8_t *salt, size_t salt_len,
		    const uint8_t *ikm, size_t ikm_len,
		    uint8_t prk[MV_HASH_LEN])
{
	/*
	 * An empty salt stands for HashLen zero bytes (RFC 5869, 2.2), which
	 * HMAC treats alike; OpenSSL ignores an empty salt parameter.
	 */
	return hkdf("EXTRACT_ONLY", salt, salt_len, ikm, ikm_len, NULL, prk,
		    MV_HASH_LEN);
}

int mv_hkdf_expand(const uint8_t prk[MV_HASH_LEN], const char *label,
		   uint8_t *out, size_t out_len)
{
	/* RFC 5869 2.3: L <= 255 * HashLen. */
	if (!out_len || out_len > 255 * MV_HASH_LEN)
		return -EINVAL;
	return hkdf("EXPAND_ONLY", NULL, 0, prk, MV_HASH_LEN, label, out,
		    out_len);
}

int mv_x25519_generate(struct mv_x25519 *kp)
{
	size_t priv_len = MV_X25519_LEN, pub_len = MV_X25519_LEN;
	EVP_PKEY *pkey;
	int ret = -EIO;

	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	if (!pkey)
		goto out;
	if (EVP_PKEY_get_raw_private_key(pkey, kp->priv, &priv_len) == 1 &&
	    EVP_PKEY_get_raw_public_key(pkey, kp->pub, &pub_len) == 1 &&
	    priv_len == MV_X25519_LEN && pub_len == MV_X25519_LEN)
		ret = 0;
out:
	EVP_PKEY_free(pkey);
	if (ret)
		OPENSSL_cleanse(kp, sizeof(*kp));
	return ret;
}

int mv_x25519_shared(const uint8_t priv[MV_X25519_LEN],
		     const uint8_t peer_pub[MV_X25519_LEN],
		     uint8_t out[MV_X25519_LEN])
{
	static const uint8_t zero[MV_X25519_LEN];
	EVP_PKEY *key, *peer;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = MV_X25519_LEN;
	int ret = -ENOMEM;

	key = EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, priv,
					      MV_X25519_LEN);
	peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, peer_pub,
					      MV_X25519_LEN);
	if (key && peer)
		ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (!ctx)
		goto out;
	ret = -EIO;
	if (EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1)
		goto out;
	/*
	 * OpenSSL refuses to derive an all-zero secret, which is what a
	 * low-order peer key yields (RFC 7748, 6.1); nothing else can fail
	 * here. Checking ourselves too keeps the guarantee independent of
	 * the provider.
	 */
	ret = -EINVAL;
	if (EVP_PKEY_derive(ctx, out, &len) != 1 || len != MV_X25519_LEN ||
	    !CRYPTO_memcmp(out, zero, MV_X25519_LEN))
		goto out;
	ret = 0;
out:
	if (ret) {
		OPENSSL_cleanse(out, MV_X25519_LEN);
		/*
		 * A rejected peer key is a protocol event, not an error
		 * someone should find in OpenSSL's queue later.
		 */
		ERR_clear_error();
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(key);
	return ret;
}

/* ---- AEAD ---- */

struct mv_aead {
	enum mv_cipher cipher;
	/* Keyed once; each message only sets the nonce. NULL for none. */
	EVP_CIPHER_CTX *ctx;
};

size_t mv_aead_tag_len(enum mv_cipher cipher)
{
	return cipher == MV_CIPHER_NONE ? 0 : MV_AEAD_TAG_LEN;
}

enum mv_cipher mv_aead_cipher(const struct mv_aead *a)
{
	return a->cipher;
}

struct mv_aead *mv_aead_new(enum mv_cipher cipher,
			    const uint8_t key[MV_KEY_LEN])
{
	EVP_CIPHER *evp = NULL;
	struct mv_aead *a;
	const char *name;

	switch (cipher) {
	case MV_CIPHER_CHACHA20_POLY1305:
		name = "ChaCha20-Poly1305";
		break;
	case MV_CIPHER_AES_256_GCM:
		name = "AES-256-GCM";
		break;
	case MV_CIPHER_NONE:
		name = NULL;
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->cipher = cipher;
	if (!name)
		return a;
	evp = EVP_CIPHER_fetch(NULL, name, NULL);
	a->ctx = EVP_CIPHER_CTX_new();
	if (!evp || !a->ctx)
		goto fail;
	/* Both AEADs default to the 12-byte nonce of protocol.md, 4. */
	if (EVP_CipherInit_ex2(a->ctx, evp, key, NULL, 1, NULL) != 1 ||
	    EVP_CIPHER_CTX_get_key_length(a->ctx) != MV_KEY_LEN ||
	    EVP_CIPHER_CTX_get_iv_length(a->ctx) != MV_AEAD_NONCE_LEN)
		goto fail;
	EVP_CIPHER_free(evp);
	return a;
fail:
	EVP_CIPHER_free(evp);
	mv_aead_free(a);
	errno = ENOMEM;
	return NULL;
}

void mv_aead_free(struct mv_aead *a)
{
	if (!a)
		return;
	/* The providers wipe their key schedule when the context goes. */
	EVP_CIPHER_CTX_free(a->ctx);
	free(a);
}

/* Four zero bytes, then the counter little-endian (protocol.md, 4). */
static void aead_nonce(uint64_t counter, uint8_t nonce[MV_AEAD_NONCE_LEN])
{
	int i;

	memset(nonce, 0, 4);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(counter >> (8 * i));
}

/* The tag, which OpenSSL writes there on seal and reads from on open. */
static void tag_param(OSSL_PARAM params[2], void *tag)
{
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
						      tag, MV_AEAD_TAG_LEN);
	params[1] = OSSL_PARAM_construct_end();
}

/*
 * Set the nonce for one message and feed the associated data. @enc picks
 * the direction, so one context serves seal and open alike.
 */
static bool aead_start(struct mv_aead *a, uint64_t counter, int enc,
		       const void *ad, size_t ad_len)
{
	uint8_t nonce[MV_AEAD_NONCE_LEN];
	int outl;

	aead_nonce(counter, nonce);
	if (EVP_CipherInit_ex2(a->ctx, NULL, NULL, nonce, enc, NULL) != 1)
		return false;
	return !ad_len || EVP_CipherUpdate(a->ctx, NULL, &outl, ad,
					   (int)ad_len) == 1;
}

int mv_aead_seal(struct mv_aead *a, uint64_t counter,
		 const void *ad, size_t ad_len,
		 const void *in, size_t in_len, void *out)
{
	OSSL_PARAM params[2];
	uint8_t *o = out;
	int outl;

	if (in_len > INT_MAX - MV_AEAD_TAG_LEN || ad_len > INT_MAX)
		return -EINVAL;
	if (!a->ctx) {
		if (out != in)
			memmove(out, in, in_len);
		return (int)in_len;
	}
	if (!aead_start(a, counter, 1, ad, ad_len))
		return -EIO;
	if (in_len && EVP_CipherUpdate(a->ctx, o, &outl, in,
				       (int)in_len) != 1)
		return -EIO;
	/* Stream-like AEADs: everything came out of the update. */
	if (EVP_CipherFinal_ex(a->ctx, o + in_len, &outl) != 1)
		return -EIO;
	tag_param(params, o + in_len);
	if (EVP_CIPHER_CTX_get_params(a->ctx, params) != 1)
		return -EIO;
	return (int)(in_len + MV_AEAD_TAG_LEN);
}

int mv_aead_open(struct mv_aead *a, uint64_t counter,
		 const void *ad, size_t ad_len,
		 const void *in, size_t in_len, void *out)
{
	const uint8_t *i = in;
	OSSL_PARAM params[2];
	size_t pt_len;
	int outl;

	if (in_len > INT_MAX || ad_len > INT_MAX)
		return -EBADMSG;
	if (!a->ctx) {
		if (out != in)
			memmove(out, in, in_len);
		return (int)in_len;
	}
	if (in_len < MV_AEAD_TAG_LEN)
		return -EBADMSG;
	pt_len = in_len - MV_AEAD_TAG_LEN;
	if (!aead_start(a, counter, 0, ad, ad_len))
		goto fail;
	/*
	 * The tag lies after the plaintext, so writing @out cannot touch
	 * it even in place; OpenSSL copies it here anyway.
	 */
	tag_param(params, (void *)(i + pt_len));
	if (EVP_CIPHER_CTX_set_params(a->ctx, params) != 1)
		goto fail;
	if (pt_len && EVP_CipherUpdate(a->ctx, out, &outl, in,
				       (int)pt_len) != 1)
		goto fail;
	if (EVP_CipherFinal_ex(a->ctx, (uint8_t *)out + pt_len, &outl) != 1)
		goto fail;
	return (int)pt_len;
fail:
	/* Nobody may act on plaintext that did not authenticate. */
	OPENSSL_cleanse(out, pt_len);
	ERR_clear_error();
	return -EBADMSG;
}
