// SPDX-License-Identifier: GPL-2.0
/* One row per cipher: its name and its number on the kernel API and wire. */
#include <strings.h>

#include <linux/meshvpn.h>

#include "crypto/cipher.h"
#include "lib/array.h"

static const struct {
	const char *name;
	uint32_t alg;
} ciphers[] = {
	[MV_CIPHER_CHACHA20_POLY1305] = {
		"chacha20-poly1305", MESHVPN_CIPHER_ALG_CHACHA20_POLY1305 },
	[MV_CIPHER_AES_256_GCM] = {
		"aes-256-gcm", MESHVPN_CIPHER_ALG_AES_256_GCM },
	[MV_CIPHER_NONE] = { "none", MESHVPN_CIPHER_ALG_NONE },
};

static size_t row(enum mv_cipher cipher)
{
	return (size_t)cipher < ARRAY_SIZE(ciphers) ?
	       (size_t)cipher : MV_CIPHER_CHACHA20_POLY1305;
}

const char *mv_cipher_name(enum mv_cipher cipher)
{
	return ciphers[row(cipher)].name;
}

uint32_t mv_cipher_alg(enum mv_cipher cipher)
{
	return ciphers[row(cipher)].alg;
}

bool mv_cipher_from_name(const char *name, enum mv_cipher *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++) {
		if (!strcasecmp(name, ciphers[i].name)) {
			*out = (enum mv_cipher)i;
			return true;
		}
	}
	return false;
}

bool mv_cipher_from_alg(uint32_t alg, enum mv_cipher *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ciphers); i++) {
		if (ciphers[i].alg == alg) {
			*out = (enum mv_cipher)i;
			return true;
		}
	}
	return false;
}
