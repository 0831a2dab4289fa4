/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Long-term identity keys: Ed25519 (meshvpn's default) and RSA (tinc's).
 *
 * Files, as tinc users know them:
 *  - private keys: ed25519_key.priv as a PKCS#8 PEM block ("-----BEGIN
 *    PRIVATE KEY-----"), rsa_key.priv as tinc writes it ("-----BEGIN RSA
 *    PRIVATE KEY-----", PKCS#1); both are read, whatever the file name;
 *    written with mode 0600;
 *  - public keys in hosts/NAME: "Ed25519PublicKey = BASE64" (the 32 raw
 *    bytes, standard base64 as tinc 1.1 writes it, padding optional) or a
 *    PEM block, "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1, tinc 1.0) or
 *    "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo, RSA or Ed25519).
 * On the wire (protocol.md 9.3): Ed25519 as 32 raw bytes, RSA as PKCS#1
 * DER. Signatures: Ed25519 (pure), or RSA-PSS with SHA-256, MGF1-SHA-256
 * and a salt of 32 bytes.
 *
 * Functions return 0 or a negative errno: -ENOENT (no such file, or no key
 * in a host file), -EINVAL (malformed key), -EBADMSG (a signature that
 * does not verify), -ENOMEM, -EIO (OpenSSL failure); @diag, when given,
 * holds a message naming the file.
 */
#ifndef MESHVPN_IDENTITY_H
#define MESHVPN_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum mv_key_type {
	MV_KEY_ED25519 = 1,
	MV_KEY_RSA = 2,
};

#define MV_RSA_MIN_BITS		2048
#define MV_RSA_MAX_BITS		16384

struct mv_identity;

const char *mv_key_type_name(enum mv_key_type type);	/* "ed25519", "rsa" */
enum mv_key_type mv_identity_type(const struct mv_identity *id);
bool mv_identity_has_private(const struct mv_identity *id);
void mv_identity_free(struct mv_identity *id);

/* @bits is ignored for Ed25519; RSA needs MV_RSA_MIN_BITS..MAX_BITS. */
int mv_identity_generate(enum mv_key_type type, unsigned int bits,
			 struct mv_identity **out);

int mv_identity_load_private(const char *path, struct mv_identity **out,
			     struct mv_diag *diag);
/* Write atomically (temporary file, rename), mode 0600. */
int mv_identity_save_private(const struct mv_identity *id, const char *path,
			     struct mv_diag *diag);

/*
 * The identity key of a parsed host file: Ed25519PublicKey if present,
 * else the first PEM block that holds a public key. -ENOENT if none.
 */
int mv_identity_from_host(const struct mv_host_config *host,
			  struct mv_identity **out, struct mv_diag *diag);
/*
 * The public key as text for a host file, ending in '\n':
 * "Ed25519PublicKey = ...\n" or an RSA PUBLIC KEY PEM block. malloc()ed.
 */
int mv_identity_public_text(const struct mv_identity *id, char **out);
/*
 * "meshvpnd -K": append the public key text to @host_path (created with
 * mode 0644 if missing), on a line of its own, after a blank line.
 */
int mv_identity_append_public(const struct mv_identity *id,
			      const char *host_path, struct mv_diag *diag);

/* Wire form of the public key; *@out malloc()ed. */
int mv_identity_public_encode(const struct mv_identity *id, uint8_t **out,
			      size_t *len);
int mv_identity_public_decode(enum mv_key_type type, const uint8_t *buf,
			      size_t len, struct mv_identity **out);
/* Same type and same public key. */
bool mv_identity_equal(const struct mv_identity *a,
		       const struct mv_identity *b);
/* A short fingerprint for logs: first 8 bytes of SHA-256(wire form), hex. */
void mv_identity_fingerprint(const struct mv_identity *id, char out[17]);

int mv_identity_sign(const struct mv_identity *id, const void *msg,
		     size_t len, uint8_t **sig, size_t *sig_len);
int mv_identity_verify(const struct mv_identity *id, const void *msg,
		       size_t len, const uint8_t *sig, size_t sig_len);

#endif /* MESHVPN_IDENTITY_H */
