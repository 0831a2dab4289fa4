// SPDX-License-Identifier: GPL-2.0
/*
 * The data AEADs must produce exactly the bytes the kernel module and
 * every other node produce, and must refuse anything that was altered:
 * check them against published vectors, against a plain EVP computation
 * with a fresh context per message, and with every byte tampered with.
 * HKDF and X25519 are checked against their RFCs' vectors. Cipher names
 * and numbers must be those of meshvpn.ko's API and of the wire.
 */
#include <errno.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <linux/meshvpn.h>

#include "lib/array.h"
#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "netlink/meshvpn_nl.h"

#include "test.h"

#define TAG_LEN 16

/* Decode @hex, which must fit @max bytes; returns the length. */
static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex) / 2, i;

	if (strlen(hex) % 2 || n > max)
		abort();
	for (i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			abort();
		out[i] = (uint8_t)b;
	}
	return n;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static const char *evp_name(enum mv_cipher c)
{
	return c == MV_CIPHER_AES_256_GCM ? "AES-256-GCM" : "ChaCha20-Poly1305";
}

/*
 * The reference: a one-shot EVP encryption with a fresh context and an
 * explicit 12-byte nonce, tag through the ctrl interface, none of the
 * code under test.
 */
static bool ref_seal(enum mv_cipher c, const uint8_t *key,
		     const uint8_t nonce[12], const uint8_t *ad,
		     size_t ad_len, const uint8_t *in, size_t len,
		     uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, evp_name(c), NULL);
	int outl;
	bool ok;

	ok = ctx && cipher &&
	     EVP_EncryptInit_ex2(ctx, cipher, key, nonce, NULL) == 1 &&
	     (!ad_len ||
	      EVP_EncryptUpdate(ctx, NULL, &outl, ad, (int)ad_len) == 1) &&
	     (!len || EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) == 1) &&
	     EVP_EncryptFinal_ex(ctx, out + len, &outl) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, TAG_LEN,
				 out + len) == 1;
	EVP_CIPHER_free(cipher);
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

/* protocol.md, 4, written out independently of crypto.c. */
static void wire_nonce(uint64_t counter, uint8_t nonce[12])
{
	int i;

	memset(nonce, 0, 12);
	for (i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(counter >> (8 * i));
}

/* RFC 8439, 2.8.2: key, associated data and plaintext. */
static const char rfc8439_key[] =
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
static const char rfc8439_ad[] = "50515253c0c1c2c3c4c5c6c7";
static const char sunscreen[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you "
	"only one tip for the future, sunscreen would be it.";

TEST(reference_matches_rfc8439)
{
	static const char want[] =
		"d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
		"3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
		"92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
		"3ff4def08e4b7a9de576d26586cec64b6116"
		"1ae10b594f09e26a7e902ecbd0600691";
	uint8_t key[32], ad[12], nonce[12], exp[200], out[200];
	size_t len = strlen(sunscreen);

	unhex(rfc8439_key, key, sizeof(key));
	unhex(rfc8439_ad, ad, sizeof(ad));
	/* This nonce is not of our form, so only the reference can use it. */
	unhex("070000004041424344454647", nonce, sizeof(nonce));
	EXPECT_EQ(unhex(want, exp, sizeof(exp)), len + TAG_LEN);
	EXPECT(ref_seal(MV_CIPHER_CHACHA20_POLY1305, key, nonce, ad,
			sizeof(ad), (const uint8_t *)sunscreen, len, out));
	EXPECT(!memcmp(out, exp, len + TAG_LEN));
}

/*
 * Known answers for our nonce layout. RFC 8439's inputs with counter
 * 0x4746454443424140, i.e. nonce 00000000 40414243 44454647, computed
 * once with python3-cryptography 48.0.0:
 *   ChaCha20Poly1305(key).encrypt(nonce, plaintext, ad)
 *   AESGCM(key).encrypt(nonce, plaintext, ad)
 */
static const uint64_t kat_counter = 0x4746454443424140ull;
static const char chacha_kat[] =
	"a479cb54628946d6f4042a8e384ef4bd2fbc7330b8be55eb2d8dc18aaa51d66a"
	"8ec1f8d3619a258db0ac56956015b7b4937e9b8e6aa957b3dc0214d803d77660"
	"aabc913092971da8f207171ce7843608162e2e759d8efc25d8d0936990af63c8"
	"20ba87e8a955b5c8274ef7d10f6fafd046472dbf189b"
	"668bd430aef9147e99cb6c89";
static const char gcm_kat[] =
	"6c1fbc5c486b218edeb37c3a588f299d4a63243bd312e6afecdf0dee5d4fb732"
	"829169f9864593fc3a4e6f4b3a2c339c4be0f223fe57d16786910b6b85e1cd50"
	"59ed29e7e46fa26dfefe8c27a5df2392baac274c42168d49e102b32156baef1b"
	"28977998aeb9700bbf10d84e8db9b052f9e2"
	"f0bf7e0f54b5856a58f6f8538d3a1a63";

static void check_kat(bool *unit_failed, enum mv_cipher c, const char *hex)
{
	uint8_t key[32], ad[12], exp[200], out[200], back[200];
	size_t len = strlen(sunscreen);
	struct mv_aead *a;

	unhex(rfc8439_key, key, sizeof(key));
	unhex(rfc8439_ad, ad, sizeof(ad));
	EXPECT_EQ(unhex(hex, exp, sizeof(exp)), len + TAG_LEN);
	a = mv_aead_new(c, key);
	EXPECT(a);
	if (!a)
		return;
	EXPECT_EQ(mv_aead_cipher(a), c);
	EXPECT_EQ(mv_aead_seal(a, kat_counter, ad, sizeof(ad), sunscreen,
			       len, out), len + TAG_LEN);
	EXPECT(!memcmp(out, exp, len + TAG_LEN));
	EXPECT_EQ(mv_aead_open(a, kat_counter, ad, sizeof(ad), exp,
			       len + TAG_LEN, back), len);
	EXPECT(!memcmp(back, sunscreen, len));
	mv_aead_free(a);
}

TEST(chacha20_poly1305_known_answer)
{
	check_kat(unit_failed, MV_CIPHER_CHACHA20_POLY1305, chacha_kat);
}

TEST(aes_256_gcm_known_answer)
{
	check_kat(unit_failed, MV_CIPHER_AES_256_GCM, gcm_kat);
}

/*
 * Counter 0 is the all-zero nonce, so the GCM spec's test cases 13 and
 * 14 (zero key, zero IV; McGrew and Viega, "The Galois/Counter Mode of
 * Operation", appendix B) apply as published.
 */
TEST(aes_256_gcm_spec_vectors)
{
	static const uint8_t key[32], zero[16];
	uint8_t exp[32], out[32];
	struct mv_aead *a = mv_aead_new(MV_CIPHER_AES_256_GCM, key);

	EXPECT(a);
	if (!a)
		return;
	unhex("530f8afbc74536b9a963b4f1c4cb738b", exp, sizeof(exp));
	EXPECT_EQ(mv_aead_seal(a, 0, NULL, 0, zero, 0, out), TAG_LEN);
	EXPECT(!memcmp(out, exp, TAG_LEN));
	unhex("cea7403d4d606b6e074ec5d3baf39d18"
	      "d0d1c8a799996bf0265b98b5d48ab919", exp, sizeof(exp));
	EXPECT_EQ(mv_aead_seal(a, 0, NULL, 0, zero, 16, out), 32);
	EXPECT(!memcmp(out, exp, 32));
	mv_aead_free(a);
}

static const enum mv_cipher aeads[] = {
	MV_CIPHER_CHACHA20_POLY1305, MV_CIPHER_AES_256_GCM,
};

/* Many messages through one context: no state may leak between them. */
TEST(aead_matches_reference)
{
	static const uint64_t counters[] = {
		0, 1, 255, 256, 0xffffffffull, 0x100000000ull,
		0x0123456789abcdefull, UINT64_MAX - 2050, UINT64_MAX,
	};
	static const size_t lens[] = { 0, 1, 15, 16, 17, 63, 64, 65, 1420,
				       9000 };
	uint8_t key[32], ad[24], nonce[12];
	uint8_t *in = malloc(9000), *exp = malloc(9016), *out = malloc(9016);
	size_t c, i, j, k;

	EXPECT(in && exp && out);
	if (!in || !exp || !out)
		goto out;
	for (i = 0; i < 9000; i++)
		in[i] = (uint8_t)(i * 7 + 3);
	for (c = 0; c < ARRAY_SIZE(aeads); c++) {
		struct mv_aead *a;

		EXPECT(!mv_random(key, sizeof(key)));
		EXPECT(!mv_random(ad, sizeof(ad)));
		a = mv_aead_new(aeads[c], key);
		EXPECT(a);
		if (!a)
			continue;
		for (i = 0; i < ARRAY_SIZE(counters); i++) {
			for (j = 0; j < ARRAY_SIZE(lens); j++) {
				size_t len = lens[j], adl = j % 2 ? 24 : 0;
				int ret;

				wire_nonce(counters[i], nonce);
				EXPECT(ref_seal(aeads[c], key, nonce, ad, adl,
						in, len, exp));
				ret = mv_aead_seal(a, counters[i], ad, adl, in,
						   len, out);
				EXPECT_EQ(ret, len + TAG_LEN);
				EXPECT(!memcmp(out, exp, len + TAG_LEN));
				/* Open on the same context, right after. */
				ret = mv_aead_open(a, counters[i], ad, adl,
						   exp, len + TAG_LEN, out);
				EXPECT_EQ(ret, len);
				EXPECT(!memcmp(out, in, len));
				/* Another counter: lowest or highest bit. */
				for (k = 0; k < 2; k++) {
					uint64_t other = counters[i] ^
							 (1ull << (63 * k));

					ret = mv_aead_open(a, other, ad, adl,
							   exp, len + TAG_LEN,
							   out);
					EXPECT_EQ(ret, -EBADMSG);
				}
			}
		}
		mv_aead_free(a);
	}
out:
	free(in);
	free(exp);
	free(out);
}

/* Every byte of ciphertext, tag and associated data is authenticated. */
TEST(aead_rejects_every_tampered_byte)
{
	uint8_t key[32], ad[24], pt[100], ct[116], bad[116], out[116];
	size_t c, i;
	int b;

	EXPECT(!mv_random(key, sizeof(key)));
	EXPECT(!mv_random(ad, sizeof(ad)));
	EXPECT(!mv_random(pt, sizeof(pt)));
	for (c = 0; c < ARRAY_SIZE(aeads); c++) {
		struct mv_aead *a = mv_aead_new(aeads[c], key);

		EXPECT(a);
		if (!a)
			continue;
		EXPECT_EQ(mv_aead_seal(a, 42, ad, sizeof(ad), pt, sizeof(pt),
				       ct), sizeof(ct));
		for (i = 0; i < sizeof(ct); i++) {
			for (b = 0; b < 8; b += 7) {
				memcpy(bad, ct, sizeof(ct));
				bad[i] ^= (uint8_t)(1u << b);
				memset(out, 0x5a, sizeof(out));
				EXPECT_EQ(mv_aead_open(a, 42, ad, sizeof(ad),
						       bad, sizeof(bad), out),
					  -EBADMSG);
				/* Unauthenticated plaintext is wiped. */
				EXPECT(all_zero(out, sizeof(pt)));
			}
		}
		for (i = 0; i < sizeof(ad); i++) {
			ad[i] ^= 0x80;
			EXPECT_EQ(mv_aead_open(a, 42, ad, sizeof(ad), ct,
					       sizeof(ct), out), -EBADMSG);
			ad[i] ^= 0x80;
		}
		/* Missing or extra associated data. */
		EXPECT_EQ(mv_aead_open(a, 42, NULL, 0, ct, sizeof(ct), out),
			  -EBADMSG);
		EXPECT_EQ(mv_aead_open(a, 42, ad, sizeof(ad) - 1, ct,
				       sizeof(ct), out), -EBADMSG);
		/* Truncated by one byte. */
		EXPECT_EQ(mv_aead_open(a, 42, ad, sizeof(ad), ct,
				       sizeof(ct) - 1, out), -EBADMSG);
		/* Still good afterwards: failures leave no state behind. */
		EXPECT_EQ(mv_aead_open(a, 42, ad, sizeof(ad), ct, sizeof(ct),
				       out), sizeof(pt));
		EXPECT(!memcmp(out, pt, sizeof(pt)));
		/* Rejections are normal traffic, not OpenSSL errors. */
		EXPECT_EQ(ERR_peek_error(), 0);
		mv_aead_free(a);
	}
}

/* A different key of the same cipher must not open the message. */
TEST(aead_wrong_key)
{
	uint8_t k1[32], k2[32], pt[40], ct[56], out[56];
	size_t c;

	EXPECT(!mv_random(k1, sizeof(k1)));
	memcpy(k2, k1, sizeof(k2));
	k2[31] ^= 1;
	memset(pt, 'x', sizeof(pt));
	for (c = 0; c < ARRAY_SIZE(aeads); c++) {
		struct mv_aead *a = mv_aead_new(aeads[c], k1);
		struct mv_aead *b = mv_aead_new(aeads[c], k2);
		struct mv_aead *other = mv_aead_new(aeads[1 - c], k1);

		EXPECT(a && b && other);
		if (a && b && other) {
			EXPECT_EQ(mv_aead_seal(a, 7, NULL, 0, pt, sizeof(pt),
					       ct), sizeof(ct));
			EXPECT_EQ(mv_aead_open(b, 7, NULL, 0, ct, sizeof(ct),
					       out), -EBADMSG);
			EXPECT_EQ(mv_aead_open(other, 7, NULL, 0, ct,
					       sizeof(ct), out), -EBADMSG);
		}
		mv_aead_free(a);
		mv_aead_free(b);
		mv_aead_free(other);
	}
}

TEST(aead_short_input)
{
	uint8_t key[32] = { 1 }, buf[32] = { 0 }, tag[16];
	size_t c, len;

	for (c = 0; c < ARRAY_SIZE(aeads); c++) {
		struct mv_aead *a = mv_aead_new(aeads[c], key);

		EXPECT(a);
		if (!a)
			continue;
		for (len = 0; len < TAG_LEN; len++)
			EXPECT_EQ(mv_aead_open(a, 0, NULL, 0, buf, len, buf),
				  -EBADMSG);
		/* A lone tag is an empty message, and valid. */
		EXPECT_EQ(mv_aead_seal(a, 9, "ad", 2, NULL, 0, tag), TAG_LEN);
		EXPECT_EQ(mv_aead_open(a, 9, "ad", 2, tag, TAG_LEN, buf), 0);
		tag[0] ^= 1;
		EXPECT_EQ(mv_aead_open(a, 9, "ad", 2, tag, TAG_LEN, buf),
			  -EBADMSG);
		mv_aead_free(a);
	}
}

TEST(aead_in_place)
{
	uint8_t key[32], ad[24], pt[1400], buf[1416], exp[1416];
	size_t c;

	EXPECT(!mv_random(key, sizeof(key)));
	EXPECT(!mv_random(ad, sizeof(ad)));
	EXPECT(!mv_random(pt, sizeof(pt)));
	for (c = 0; c < ARRAY_SIZE(aeads); c++) {
		struct mv_aead *a = mv_aead_new(aeads[c], key);

		EXPECT(a);
		if (!a)
			continue;
		EXPECT_EQ(mv_aead_seal(a, 1000, ad, sizeof(ad), pt,
				       sizeof(pt), exp), sizeof(exp));
		memcpy(buf, pt, sizeof(pt));
		EXPECT_EQ(mv_aead_seal(a, 1000, ad, sizeof(ad), buf,
				       sizeof(pt), buf), sizeof(buf));
		EXPECT(!memcmp(buf, exp, sizeof(exp)));
		EXPECT_EQ(mv_aead_open(a, 1000, ad, sizeof(ad), buf,
				       sizeof(buf), buf), sizeof(pt));
		EXPECT(!memcmp(buf, pt, sizeof(pt)));
		mv_aead_free(a);
	}
}

TEST(aead_none_is_passthrough)
{
	static const uint8_t key[32];
	uint8_t pt[64], out[64];
	struct mv_aead *a = mv_aead_new(MV_CIPHER_NONE, key);
	size_t i;

	EXPECT(a);
	if (!a)
		return;
	for (i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	EXPECT_EQ(mv_aead_cipher(a), MV_CIPHER_NONE);
	EXPECT_EQ(mv_aead_tag_len(MV_CIPHER_NONE), 0);
	EXPECT_EQ(mv_aead_seal(a, 5, "ad", 2, pt, sizeof(pt), out),
		  sizeof(pt));
	EXPECT(!memcmp(out, pt, sizeof(pt)));
	/* Nothing to authenticate: any bytes, any counter, any length. */
	EXPECT_EQ(mv_aead_open(a, 77, NULL, 0, out, 3, out), 3);
	EXPECT_EQ(mv_aead_open(a, 77, NULL, 0, out, 0, out), 0);
	memcpy(out, pt, sizeof(pt));
	EXPECT_EQ(mv_aead_open(a, 5, NULL, 0, out, sizeof(pt), out),
		  sizeof(pt));
	EXPECT(!memcmp(out, pt, sizeof(pt)));
	mv_aead_free(a);
}

TEST(aead_new_and_sizes)
{
	static const uint8_t key[32];

	EXPECT_EQ(mv_aead_tag_len(MV_CIPHER_CHACHA20_POLY1305), 16);
	EXPECT_EQ(mv_aead_tag_len(MV_CIPHER_AES_256_GCM), 16);
	errno = 0;
	EXPECT(!mv_aead_new((enum mv_cipher)42, key));
	EXPECT_EQ(errno, EINVAL);
	mv_aead_free(NULL);
}

/* RFC 5869, appendix A, test cases 1 and 3 (SHA-256). */
TEST(hkdf_rfc5869)
{
	static const char info1[] = "\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9";
	uint8_t ikm[22], salt[13], prk[32], exp[42], okm[42];

	memset(ikm, 0x0b, sizeof(ikm));
	unhex("000102030405060708090a0b0c", salt, sizeof(salt));
	EXPECT(!mv_hkdf_extract(salt, sizeof(salt), ikm, sizeof(ikm), prk));
	unhex("077709362c2e32df0ddc3f0dc47bba63"
	      "90b6c73bb50f9c3122ec844ad7c2b3e5", exp, sizeof(exp));
	EXPECT(!memcmp(prk, exp, 32));
	EXPECT(!mv_hkdf_expand(prk, info1, okm, sizeof(okm)));
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	      "34007208d5b887185865", exp, sizeof(exp));
	EXPECT(!memcmp(okm, exp, sizeof(okm)));

	/* Case 3: no salt, no info. */
	EXPECT(!mv_hkdf_extract(NULL, 0, ikm, sizeof(ikm), prk));
	unhex("19ef24a32c717b167f33a91d6f648bdf"
	      "96596776afdb6377ac434c1c293ccb04", exp, sizeof(exp));
	EXPECT(!memcmp(prk, exp, 32));
	memset(prk, 0, sizeof(prk));
	EXPECT(!mv_hkdf_extract(salt, 0, ikm, sizeof(ikm), prk));
	EXPECT(!memcmp(prk, exp, 32));
	EXPECT(!mv_hkdf_expand(prk, "", okm, sizeof(okm)));
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	      "9d201395faa4b61a96c8", exp, sizeof(exp));
	EXPECT(!memcmp(okm, exp, sizeof(okm)));
}

TEST(hkdf_labels_and_limits)
{
	uint8_t prk[32] = { 7 }, a[32], b[32], big[255 * 32 + 1];

	EXPECT(!mv_hkdf_expand(prk, "meshvpn meta i2r", a, sizeof(a)));
	EXPECT(!mv_hkdf_expand(prk, "meshvpn meta r2i", b, sizeof(b)));
	EXPECT(memcmp(a, b, sizeof(a)));
	EXPECT(!mv_hkdf_expand(prk, "x", big, 255 * 32));
	EXPECT_EQ(mv_hkdf_expand(prk, "x", big, sizeof(big)), -EINVAL);
	EXPECT_EQ(mv_hkdf_expand(prk, "x", big, 0), -EINVAL);
}

/* RFC 7748, 6.1. */
TEST(x25519_rfc7748)
{
	uint8_t a[32], a_pub[32], b[32], b_pub[32], k[32], out[32];

	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	      a, sizeof(a));
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	      a_pub, sizeof(a_pub));
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	      b, sizeof(b));
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	      b_pub, sizeof(b_pub));
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
	      k, sizeof(k));
	EXPECT(!mv_x25519_shared(a, b_pub, out));
	EXPECT(!memcmp(out, k, sizeof(k)));
	EXPECT(!mv_x25519_shared(b, a_pub, out));
	EXPECT(!memcmp(out, k, sizeof(k)));
}

TEST(x25519_generate_agrees)
{
	struct mv_x25519 x, y;
	uint8_t s1[32], s2[32];

	EXPECT(!mv_x25519_generate(&x));
	EXPECT(!mv_x25519_generate(&y));
	EXPECT(memcmp(x.pub, y.pub, 32));
	EXPECT(!mv_x25519_shared(x.priv, y.pub, s1));
	EXPECT(!mv_x25519_shared(y.priv, x.pub, s2));
	EXPECT(!memcmp(s1, s2, sizeof(s1)));
	EXPECT(!all_zero(s1, sizeof(s1)));
}

/*
 * Points of small order make the shared secret all zero whatever our key
 * (RFC 7748, 7): the list from libsodium / Bernstein's curve25519 page,
 * plus p - 1, p and p + 1, which reduce to small-order points.
 */
TEST(x25519_rejects_low_order_points)
{
	static const char *const points[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	struct mv_x25519 x;
	uint8_t pub[32], out[32];
	size_t i;

	EXPECT(!mv_x25519_generate(&x));
	for (i = 0; i < ARRAY_SIZE(points); i++) {
		unhex(points[i], pub, sizeof(pub));
		memset(out, 0x5a, sizeof(out));
		EXPECT_EQ(mv_x25519_shared(x.priv, pub, out), -EINVAL);
		EXPECT(all_zero(out, sizeof(out)));
	}
	EXPECT_EQ(ERR_peek_error(), 0);
}

TEST(sha256_of_parts)
{
	struct mv_iov parts[] = {
		{ "a", 1 }, { NULL, 0 }, { "bc", 2 },
	};
	uint8_t out[32], exp[32];

	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	      exp, sizeof(exp));
	EXPECT(!mv_sha256(parts, ARRAY_SIZE(parts), out));
	EXPECT(!memcmp(out, exp, sizeof(exp)));
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	      exp, sizeof(exp));
	EXPECT(!mv_sha256(NULL, 0, out));
	EXPECT(!memcmp(out, exp, sizeof(exp)));
}

TEST(helpers)
{
	uint8_t a[33], b[33];

	EXPECT(!mv_random(a, sizeof(a)));
	memcpy(b, a, sizeof(b));
	EXPECT(mv_ct_equal(a, b, sizeof(a)));
	EXPECT(mv_ct_equal(a, b, 0));
	b[32] ^= 1;
	EXPECT(!mv_ct_equal(a, b, sizeof(a)));
	mv_wipe(b, sizeof(b));
	EXPECT(all_zero(b, sizeof(b)));
	EXPECT(mv_random_u64() != mv_random_u64());
}

TEST(cipher_names_and_numbers)
{
	static const struct {
		enum mv_cipher cipher;
		const char *name;
		uint32_t alg;
	} rows[] = {
		{ MV_CIPHER_CHACHA20_POLY1305, "chacha20-poly1305",
		  MESHVPN_CIPHER_ALG_CHACHA20_POLY1305 },
		{ MV_CIPHER_AES_256_GCM, "aes-256-gcm",
		  MESHVPN_CIPHER_ALG_AES_256_GCM },
		{ MV_CIPHER_NONE, "none", MESHVPN_CIPHER_ALG_NONE },
	};
	enum mv_cipher c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		EXPECT_STREQ(mv_cipher_name(rows[i].cipher), rows[i].name);
		EXPECT_EQ(mv_cipher_alg(rows[i].cipher), rows[i].alg);
		/* The tool names them through the netlink API: the same. */
		EXPECT_STREQ(mv_cipher_alg_name(rows[i].alg), rows[i].name);
		/* Start from another cipher, so that finding it shows. */
		c = rows[(i + 1) % ARRAY_SIZE(rows)].cipher;
		EXPECT(mv_cipher_from_name(rows[i].name, &c));
		EXPECT_EQ(c, rows[i].cipher);
		c = rows[(i + 1) % ARRAY_SIZE(rows)].cipher;
		EXPECT(mv_cipher_from_alg(rows[i].alg, &c));
		EXPECT_EQ(c, rows[i].cipher);
	}
	EXPECT(mv_cipher_from_name("AES-256-GCM", &c));
	EXPECT_EQ(c, MV_CIPHER_AES_256_GCM);
	c = MV_CIPHER_NONE;
	EXPECT(!mv_cipher_from_name("aes-256-cbc", &c));
	EXPECT(!mv_cipher_from_name("", &c));
	EXPECT(!mv_cipher_from_alg(MESHVPN_CIPHER_ALG_AES_256_GCM + 1, &c));
	EXPECT(!mv_cipher_from_alg(UINT32_MAX, &c));
	EXPECT_EQ(c, MV_CIPHER_NONE);
}

TEST_MAIN()
