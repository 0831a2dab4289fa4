/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Long-term identity keys: Ed25519 (meshvpn's default) and RSA (tinc's).
 *
 * Files, as tinc users know them:
 *  - private keys: ed25519_key.priv as a PKCS#8 PEM block ("-----BEGIN
 *    PRIVATE KEY-----"), rsa_key.priv as tinc writes it ("-----BEGIN RSA
 *    PRIVATE KEY-----", PKCS#1); both are read, whatever the file name;
 *    the first such block counts (tinc's -K leaves disabled "OLD" blocks
 *    before it); written with mode 0600. Encrypted keys are refused, and
 *    so are tinc 1.1's "-----BEGIN ED25519 PRIVATE KEY-----" files
 *    (-ENOTSUP): they hold the expanded key, not the seed OpenSSL needs;
 *  - public keys in hosts/NAME: "Ed25519PublicKey = BASE64" (the 32 raw
 *    bytes in tinc 1.1's own base64: 43 characters, no padding, each
 *    3-byte group taken as a little-endian number, lowest 6 bits first;
 *    "+/" or "-_"), or the first PEM block among "-----BEGIN RSA PUBLIC
 *    KEY-----" (PKCS#1, tinc 1.0), "-----BEGIN PUBLIC KEY-----"
 *    (SubjectPublicKeyInfo, RSA or Ed25519) and "-----BEGIN ED25519
 *    PUBLIC KEY-----" (tinc 1.1's base64 of the 32 bytes).
 * On the wire (protocol.md 9.3): Ed25519 as 32 raw bytes, RSA as PKCS#1
 * DER. Signatures: Ed25519 (pure), or RSA-PSS with SHA-256, MGF1-SHA-256
 * and a salt of 32 bytes (exactly: other salt lengths do not verify).
 *
 * RSA keys, wherever they come from, have MV_RSA_MIN_BITS..MAX_BITS bits
 * and an odd public exponent of 3 to 2^64 - 1.
 *
 * Functions return 0 or a negative errno: -ENOENT (no such file, or no key
 * in a host file), -EINVAL (malformed or unacceptable key), -ENOTSUP (a
 * key format meshvpn cannot use), -EBADMSG (a signature that does not
 * verify), -ENOMEM, -EIO (OpenSSL failure), or the error of a file
 * operation (-EACCES, -EISDIR, -EFBIG...); @diag, when given, holds a
 * message naming the file.
 */
#ifndef MESHVPN_IDENTITY_H
#define MESHVPN_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"

enum mv_key_type {
	MV_KEY_ED25519 = 1,
	MV_KEY_RSA = 2,
};

#define MV_RSA_MIN_BITS		2048
#define MV_RSA_MAX_BITS		16384
/*
 * A key someone else vouches for over the network is checked for every
 * STATE of its node: larger keys cost milliseconds of CPU per message.
 */
#define MV_RSA_WIRE_MAX_BITS	4096
#define MV_RSA_WIRE_EXPONENT	65537

struct mv_identity;

const char *mv_key_type_name(enum mv_key_type type);	/* "ed25519", "rsa" */
enum mv_key_type mv_identity_type(const struct mv_identity *id);
bool mv_identity_has_private(const struct mv_identity *id);
void mv_identity_free(struct mv_identity *id);

/* @bits is ignored for Ed25519; RSA needs MV_RSA_MIN_BITS..MAX_BITS. */
int mv_identity_generate(enum mv_key_type type, unsigned int bits,
			 struct mv_identity **out);

/* Warns in @diag when group or others may read the file. */
int mv_identity_load_private(const char *path, struct mv_identity **out,
			     struct mv_diag *diag);
/*
 * Write atomically (temporary file, fsync, rename), mode 0600. -EINVAL
 * for an identity without its private key.
 */
int mv_identity_save_private(const struct mv_identity *id, const char *path,
			     struct mv_diag *diag);

/*
 * The public keys a hosts/NAME file holds, as written: the configuration
 * lexer finds them (struct mv_host_config keeps them), this code reads
 * them.
 */
struct mv_host_keys {
	char *ed25519_public_key;	/* base64 as written, or NULL */
	char **pem_keys;		/* PEM blocks, verbatim */
	size_t n_pem_keys;
};

/*
 * The identity key among @keys, of the host file @file (for messages):
 * Ed25519PublicKey if present, else the first PEM block that holds a
 * public key. -ENOENT if none.
 */
int mv_identity_from_host_keys(const struct mv_host_keys *keys,
			       const char *file, struct mv_identity **out,
			       struct mv_diag *diag);
/*
 * The public key as text for a host file, ending in '\n':
 * "Ed25519PublicKey = ...\n" or an RSA PUBLIC KEY PEM block. malloc()ed.
 */
int mv_identity_public_text(const struct mv_identity *id, char **out);
/*
 * "meshvpnd -K": append the public key text to @host_path (created with
 * mode 0644 if missing), on a line of its own, after a blank line. As
 * tinc's -K does, the keys already in the file are disabled first, so that
 * the new one is the key mv_identity_from_host_keys() finds: PEM public key
 * blocks become "-----BEGIN OLD ...", Ed25519PublicKey lines are commented
 * out (a warning in @diag counts them). The file is rewritten atomically
 * and keeps its mode.
 */
int mv_identity_append_public(const struct mv_identity *id,
			      const char *host_path, struct mv_diag *diag);

/* Wire form of the public key; *@out malloc()ed. */
int mv_identity_public_encode(const struct mv_identity *id, uint8_t **out,
			      size_t *len);
/*
 * The inverse, for a peer's key: -EINVAL unless @buf is exactly one
 * acceptable key of @type: 32 bytes for Ed25519; for RSA, canonical DER
 * with nothing after it, so that one key has one wire form, of at most
 * MV_RSA_WIRE_MAX_BITS bits and exponent MV_RSA_WIRE_EXPONENT (keys from
 * local host files may be larger: that is the administrator's choice).
 */
int mv_identity_public_decode(enum mv_key_type type, const uint8_t *buf,
			      size_t len, struct mv_identity **out);
/* Same type and same public key. */
bool mv_identity_equal(const struct mv_identity *a,
		       const struct mv_identity *b);
/*
 * A short fingerprint for logs: first 8 bytes of SHA-256(wire form), hex;
 * 16 '?' if that cannot be computed (out of memory).
 */
void mv_identity_fingerprint(const struct mv_identity *id, char out[17]);

/* *@sig malloc()ed; -EINVAL for an identity without its private key. */
int mv_identity_sign(const struct mv_identity *id, const void *msg,
		     size_t len, uint8_t **sig, size_t *sig_len);
/* A bad signature leaves nothing in OpenSSL's error queue. */
int mv_identity_verify(const struct mv_identity *id, const void *msg,
		       size_t len, const uint8_t *sig, size_t sig_len);

#endif /* MESHVPN_IDENTITY_H */
