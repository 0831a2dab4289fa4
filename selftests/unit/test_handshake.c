// SPDX-License-Identifier: GPL-2.0
/*
 * The key schedules of the meta handshake and of sessions against fixed
 * vectors. The expected keys were computed independently with Python's
 * "cryptography" package (X25519PrivateKey.exchange, then HKDF with
 * SHA-256, salt = th, info = the label, 32 bytes), from RFC 7748 section
 * 6.1's Alice private key and Bob public key, and
 * th = SHA-256("initiator HELLO" || "responder HELLO"). The cookie vector
 * is Python's hmac with SHA-256, key bytes 0..31, message 2001:db8::1
 * and port 655, cut to 16 bytes.
 */
#include <string.h>

#include "crypto/handshake.h"
#include "test.h"

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int b;

		sscanf(hex + 2 * i, "%2x", &b);
		out[i] = b;
	}
}

#define ALICE_PRIV "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
#define ALICE_PUB  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
#define BOB_PRIV   "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
#define BOB_PUB    "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
#define TH         "5db839db47c41669d6d764342aa3d573876b5fcbf692e526c0639d6e438f5d04"

TEST(transcript_hash)
{
	uint8_t th[MV_HASH_LEN], want[MV_HASH_LEN];

	unhex(TH, want, sizeof(want));
	EXPECT_EQ(mv_transcript_hash("initiator HELLO", 15, "responder HELLO",
				     15, th), 0);
	EXPECT(!memcmp(th, want, sizeof(th)));
	/* The order of the two messages matters. */
	EXPECT_EQ(mv_transcript_hash("responder HELLO", 15, "initiator HELLO",
				     15, th), 0);
	EXPECT(memcmp(th, want, sizeof(th)));
}

TEST(meta_keys_vector)
{
	uint8_t priv[32], pub[32], th[32], i2r[32], r2i[32], want[32];

	unhex(ALICE_PRIV, priv, 32);
	unhex(BOB_PUB, pub, 32);
	unhex(TH, th, 32);
	EXPECT_EQ(mv_meta_derive(priv, pub, th, i2r, r2i), 0);
	unhex("3328c56bd885f636f700a694f0713e23bb475f4014b7f72c0d4fdb6933ef2cee",
	      want, 32);
	EXPECT(!memcmp(i2r, want, 32));
	unhex("c584304509962de7be0ee10812811830975addff393993548960a1076ddc94b6",
	      want, 32);
	EXPECT(!memcmp(r2i, want, 32));
}

TEST(session_keys_vector)
{
	static const char *const want_hex[MV_SESSION_KEYS] = {
		"f79052f733a9d22ef5d2581c862fd028eccac2f40dae00159ab12b682f181efd",
		"b49fe4e7cfdf9d4fcd9b1880037f800323250663574df03c16caf65ce6779082",
		"a100a5e9bc6813fa8ac913a0da98a6275b1e720d1141869709314a6b87416f92",
		"e2f1578c915274c8cf51488ed42fc157264a8d017d164901544d41b007f33203",
		"4ce54539b56719a2d0d04500113551eb79e395ca188fa940197a7b683d450b5a",
	};
	uint8_t priv[32], pub[32], th[32], keys[MV_SESSION_KEYS][32], want[32];
	int i;

	unhex(ALICE_PRIV, priv, 32);
	unhex(BOB_PUB, pub, 32);
	unhex(TH, th, 32);
	EXPECT_EQ(mv_session_derive(priv, pub, th, keys), 0);
	for (i = 0; i < MV_SESSION_KEYS; i++) {
		unhex(want_hex[i], want, 32);
		EXPECT(!memcmp(keys[i], want, 32));
	}
}

/* Both ends compute the same keys from their own halves. */
TEST(both_ends_agree)
{
	uint8_t a_priv[32], a_pub[32], b_priv[32], b_pub[32], th[32];
	uint8_t ka[MV_SESSION_KEYS][32], kb[MV_SESSION_KEYS][32];

	unhex(ALICE_PRIV, a_priv, 32);
	unhex(ALICE_PUB, a_pub, 32);
	unhex(BOB_PRIV, b_priv, 32);
	unhex(BOB_PUB, b_pub, 32);
	unhex(TH, th, 32);
	EXPECT_EQ(mv_session_derive(a_priv, b_pub, th, ka), 0);
	EXPECT_EQ(mv_session_derive(b_priv, a_pub, th, kb), 0);
	EXPECT(!memcmp(ka, kb, sizeof(ka)));
	/* Directions and purposes never share a key. */
	EXPECT(memcmp(ka[MV_KEY_DATA_I2R], ka[MV_KEY_DATA_R2I], 32));
	EXPECT(memcmp(ka[MV_KEY_DATA_I2R], ka[MV_KEY_PROBE_I2R], 32));
	EXPECT(memcmp(ka[MV_KEY_DATA_I2R], ka[MV_KEY_CONFIRM], 32));
}

/* TAI64N-like: 2^62 + seconds, then nanoseconds, big-endian. */
TEST(session_timestamp_layout_and_order)
{
	static const uint8_t want[MV_SESSION_TIMESTAMP_LEN] = {
		0x40, 0x00, 0x00, 0x00, 0x6b, 0x13, 0xd2, 0x90,
		0x3b, 0x9a, 0xc9, 0xff,
	};
	uint8_t a[MV_SESSION_TIMESTAMP_LEN], b[MV_SESSION_TIMESTAMP_LEN];

	/* 2026-12-05 09:00:00 UTC and 999999999 ns */
	mv_session_timestamp(1796461200ull * 1000000000u + 999999999u, a);
	EXPECT(!memcmp(a, want, sizeof(a)));
	/* One nanosecond later crosses into the next second and is greater. */
	mv_session_timestamp(1796461201ull * 1000000000u, b);
	EXPECT(memcmp(b, a, sizeof(a)) > 0);
	mv_session_timestamp(1796461200ull * 1000000000u + 999999998u, b);
	EXPECT(memcmp(b, a, sizeof(a)) < 0);
}

TEST(cookie_vector_and_mac)
{
	static const uint8_t addr[18] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x02, 0x8f,
	};
	uint8_t secret[MV_KEY_LEN], cookie[MV_COOKIE_LEN], want[MV_COOKIE_LEN];
	uint8_t mac1[MV_COOKIE_LEN], mac2[MV_COOKIE_LEN];
	int i;

	for (i = 0; i < MV_KEY_LEN; i++)
		secret[i] = i;
	EXPECT_EQ(mv_cookie_make(secret, addr, sizeof(addr), cookie), 0);
	unhex("524577458e6ae72bec9657ef5381e5de", want, sizeof(want));
	EXPECT(!memcmp(cookie, want, sizeof(want)));
	/* The MAC depends on every byte of the message. */
	EXPECT_EQ(mv_cookie_mac(cookie, "INIT", 4, mac1), 0);
	EXPECT_EQ(mv_cookie_mac(cookie, "INIU", 4, mac2), 0);
	EXPECT(memcmp(mac1, mac2, sizeof(mac1)));
}

/* A low-order peer key (all zero) yields no keys at all. */
TEST(low_order_point_refused)
{
	uint8_t priv[32], zero[32] = { 0 }, th[32] = { 0 };
	uint8_t i2r[32] = { 1 }, r2i[32] = { 1 };

	unhex(ALICE_PRIV, priv, 32);
	EXPECT(mv_meta_derive(priv, zero, th, i2r, r2i) < 0);
	EXPECT_EQ(i2r[0], 1);
}

TEST_MAIN()
