/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data ciphers: their names in the configuration ("Cipher = ..."),
 * the logs and the control socket, and their numbers in meshvpn.ko's
 * enum meshvpn_cipher_alg, which STATE and SESSION messages also carry
 * (Documentation/protocol.md, section 4).
 */
#ifndef MESHVPN_CIPHER_H
#define MESHVPN_CIPHER_H

#include <stdbool.h>
#include <stdint.h>

/* The zero value is the default cipher. */
enum mv_cipher {
	MV_CIPHER_CHACHA20_POLY1305,
	MV_CIPHER_AES_256_GCM,
	MV_CIPHER_NONE,
};

/*
 * "chacha20-poly1305", "aes-256-gcm", "none". A value outside the enum is
 * taken as the default cipher, here and in mv_cipher_alg(), so that every
 * value has a name.
 */
const char *mv_cipher_name(enum mv_cipher cipher);
/* The cipher named @name, in any case; false if there is none. */
bool mv_cipher_from_name(const char *name, enum mv_cipher *out);

/* The cipher's number in meshvpn.ko's API and in meta messages. */
uint32_t mv_cipher_alg(enum mv_cipher cipher);
/* The inverse: false for a number no cipher has. */
bool mv_cipher_from_alg(uint32_t alg, enum mv_cipher *out);

#endif /* MESHVPN_CIPHER_H */
