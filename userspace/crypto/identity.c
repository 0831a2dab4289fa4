// SPDX-License-Identifier: GPL-2.0
/*
 * Long-term identity keys. Keys live in EVP_PKEYs; files and the wire go
 * through OpenSSL's encoders and decoders, except for tinc 1.1's
 * Ed25519PublicKey text, whose base64 variant only tinc writes.
 *
 * Everything read from outside (host files, the wire) is checked before
 * it becomes an identity: the key type, RSA sizes, and for the wire a
 * canonical encoding, so that one key has exactly one wire form.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto/crypto.h"
#include "crypto/identity.h"
#include "crypto/pem.h"
#include "lib/file.h"

#define ED25519_KEY_LEN		32
#define ED25519_SIG_LEN		64
#define ED25519_B64_LEN		43	/* 32 bytes, tinc base64, no padding */
#define RSA_PSS_SALT_LEN	32
/* A PKCS#1 public key of MV_RSA_WIRE_MAX_BITS, exponent 65537. */
#define RSA_MAX_DER		(MV_RSA_WIRE_MAX_BITS / 8 + 32)
/* Far beyond any key file, even with tinc's "OLD" keys kept in it. */
#define KEY_FILE_MAX		(1u << 20)

struct mv_identity {
	enum mv_key_type type;
	bool has_private;
	EVP_PKEY *pkey;
};

const char *mv_key_type_name(enum mv_key_type type)
{
	switch (type) {
	case MV_KEY_ED25519:
		return "ed25519";
	case MV_KEY_RSA:
		return "rsa";
	}
	return "unknown";
}

enum mv_key_type mv_identity_type(const struct mv_identity *id)
{
	return id->type;
}

bool mv_identity_has_private(const struct mv_identity *id)
{
	return id->has_private;
}

void mv_identity_free(struct mv_identity *id)
{
	if (!id)
		return;
	/* OpenSSL wipes private key material when the key is freed. */
	EVP_PKEY_free(id->pkey);
	free(id);
}

/* ---- checks and wrapping ---- */

/*
 * Sizes outside MV_RSA_MIN_BITS..MAX_BITS are too weak or too slow to
 * verify. The exponent must be odd and > 1 to be RSA at all, and at most
 * 64 bits, which OpenSSL requires of large moduli anyway: it keeps
 * signature checks cheap however the key was made.
 */
static int check_rsa(EVP_PKEY *pkey, const char *file, unsigned int line,
		     struct mv_diag *diag)
{
	int bits = EVP_PKEY_get_bits(pkey);
	BIGNUM *e = NULL;
	bool ok;

	if (bits < MV_RSA_MIN_BITS || bits > MV_RSA_MAX_BITS) {
		mv_diag_error(diag, file, line,
			      "RSA key of %d bits: meshvpn accepts %d to %d bits (generate a new key with meshvpnd -K)",
			      bits, MV_RSA_MIN_BITS, MV_RSA_MAX_BITS);
		return -EINVAL;
	}
	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e))
		return -EIO;
	ok = BN_is_odd(e) && !BN_is_one(e) && BN_num_bits(e) <= 64;
	BN_free(e);
	if (!ok) {
		mv_diag_error(diag, file, line,
			      "RSA public exponent is not an odd number from 3 to 2^64-1");
		return -EINVAL;
	}
	return 0;
}

/* The stricter rule for keys from the network (identity.h). */
static int check_rsa_wire(EVP_PKEY *pkey)
{
	BIGNUM *e = NULL;
	bool ok;

	if (EVP_PKEY_get_bits(pkey) > MV_RSA_WIRE_MAX_BITS)
		return -EINVAL;
	if (!EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e))
		return -EIO;
	ok = BN_is_word(e, MV_RSA_WIRE_EXPONENT);
	BN_free(e);
	return ok ? 0 : -EINVAL;
}

/* Take ownership of @pkey, whatever the outcome. */
static int wrap_key(EVP_PKEY *pkey, bool priv, struct mv_identity **out,
		    const char *file, unsigned int line, struct mv_diag *diag)
{
	struct mv_identity *id;
	enum mv_key_type type;
	int ret;

	if (EVP_PKEY_is_a(pkey, "ED25519")) {
		type = MV_KEY_ED25519;
	} else if (EVP_PKEY_is_a(pkey, "RSA")) {
		type = MV_KEY_RSA;
		ret = check_rsa(pkey, file, line, diag);
		if (ret)
			goto fail;
	} else {
		const char *name = EVP_PKEY_get0_type_name(pkey);

		mv_diag_error(diag, file, line,
			      "%s key: meshvpn uses Ed25519 or RSA keys",
			      name ? name : "unknown");
		ret = -EINVAL;
		goto fail;
	}
	id = malloc(sizeof(*id));
	if (!id) {
		ret = -ENOMEM;
		goto fail;
	}
	id->type = type;
	id->has_private = priv;
	id->pkey = pkey;
	*out = id;
	return 0;
fail:
	EVP_PKEY_free(pkey);
	return ret;
}

int mv_identity_generate(enum mv_key_type type, unsigned int bits,
			 struct mv_identity **out)
{
	EVP_PKEY *pkey;

	switch (type) {
	case MV_KEY_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case MV_KEY_RSA:
		if (bits < MV_RSA_MIN_BITS || bits > MV_RSA_MAX_BITS)
			return -EINVAL;
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);
		break;
	default:
		return -EINVAL;
	}
	if (!pkey)
		return -EIO;
	return wrap_key(pkey, true, out, NULL, 0, NULL);
}

/* ---- OpenSSL encoders and decoders ---- */

/* *@out is OPENSSL_malloc()ed; clear-free it if it holds a secret. */
static int encode_key(EVP_PKEY *pkey, int selection, const char *format,
		      const char *structure, uint8_t **out, size_t *len)
{
	OSSL_ENCODER_CTX *ctx;
	int ret = -EIO;

	*out = NULL;
	ctx = OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, format,
					    structure, NULL);
	if (!ctx)
		return -ENOMEM;
	if (OSSL_ENCODER_CTX_get_num_encoders(ctx) &&
	    OSSL_ENCODER_to_data(ctx, out, len) == 1)
		ret = 0;
	OSSL_ENCODER_CTX_free(ctx);
	return ret;
}

/*
 * Exactly one DER structure, nothing after it. Failures are the input's
 * fault and leave nothing in OpenSSL's error queue.
 */
static int decode_der(const uint8_t *der, size_t len, const char *structure,
		      const char *keytype, int selection, EVP_PKEY **pkey)
{
	OSSL_DECODER_CTX *ctx;
	int ret = -EINVAL;

	*pkey = NULL;
	ERR_set_mark();
	ctx = OSSL_DECODER_CTX_new_for_pkey(pkey, "DER", structure, keytype,
					    selection, NULL, NULL);
	if (!ctx) {
		ret = -ENOMEM;
	} else if (OSSL_DECODER_from_data(ctx, &der, &len) == 1 && !len &&
		   *pkey) {
		ret = 0;
	}
	OSSL_DECODER_CTX_free(ctx);
	ERR_pop_to_mark();
	if (ret) {
		EVP_PKEY_free(*pkey);
		*pkey = NULL;
	}
	return ret;
}

/* PKCS#1 RSAPublicKey, as tinc 1.0 and protocol.md 9.3 write it. */
static int rsa_from_pkcs1(const uint8_t *der, size_t len, EVP_PKEY **pkey)
{
	return decode_der(der, len, "type-specific", "RSA",
			  EVP_PKEY_PUBLIC_KEY, pkey);
}

/* ---- PEM blocks ---- */

static bool label_is(const char *label, size_t label_len, const char *want)
{
	return label_len == strlen(want) && !memcmp(label, want, label_len);
}

static bool block_is(const struct mv_pem_block *b, const char *label)
{
	return label_is(b->label, b->label_len, label);
}

/*
 * The DER inside a block. @secret keeps it in OpenSSL's secure heap,
 * which is wiped on free; *@encrypted tells of a "Proc-Type: 4,ENCRYPTED"
 * header.
 */
static int pem_der(const struct mv_pem_block *b, bool secret, uint8_t **der,
		   long *len, bool *encrypted)
{
	char *name = NULL, *header = NULL;
	int ret = -EINVAL;
	BIO *bio;

	*der = NULL;
	bio = BIO_new_mem_buf(b->text, (int)b->text_len);
	if (!bio)
		return -ENOMEM;
	ERR_set_mark();
	if (PEM_read_bio_ex(bio, &name, &header, der, len,
			    secret ? PEM_FLAG_SECURE : 0) == 1) {
		*encrypted = header && *header;
		ret = 0;
	}
	ERR_pop_to_mark();
	BIO_free(bio);
	if (secret) {
		OPENSSL_secure_free(name);
		OPENSSL_secure_free(header);
	} else {
		OPENSSL_free(name);
		OPENSSL_free(header);
	}
	return ret;
}

static void pem_der_free(uint8_t *der, long len, bool secret)
{
	if (secret)
		OPENSSL_secure_clear_free(der, (size_t)len);
	else
		OPENSSL_free(der);
}

/* ---- tinc's base64 ---- */

/*
 * tinc 1.1 writes Ed25519PublicKey in its own base64: the standard
 * alphabet, but each 3-byte group is read as a little-endian number whose
 * lowest 6 bits come first, and there is no padding. It reads both the
 * standard and the URL-safe alphabet.
 */
static const char tinc_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void tinc_b64_encode(const uint8_t *src, size_t len, char *dst)
{
	size_t i, j, k;

	for (i = 0; i < len; i += 3) {
		uint32_t triplet = 0;
		size_t bytes = len - i < 3 ? len - i : 3;

		for (j = 0; j < bytes; j++)
			triplet |= (uint32_t)src[i + j] << (8 * j);
		/* n bytes make n + 1 characters. */
		for (k = 0; k <= bytes; k++, triplet >>= 6)
			*dst++ = tinc_b64[triplet & 63];
	}
	*dst = '\0';
}

static int tinc_b64_value(char c)
{
	const char *p;

	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	p = c ? strchr(tinc_b64, c) : NULL;
	return p ? (int)(p - tinc_b64) : -1;
}

/*
 * Decode @n characters into at most @max bytes. Returns the number of
 * bytes, or -EINVAL for a bad character, a dangling character or too
 * much data.
 */
static int tinc_b64_decode(const char *src, size_t n, uint8_t *dst,
			   size_t max)
{
	size_t i, out = 0;

	if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > max)
		return -EINVAL;
	for (i = 0; i < n; i += 4) {
		size_t chars = n - i < 4 ? n - i : 4, j;
		uint32_t triplet = 0;

		for (j = 0; j < chars; j++) {
			int v = tinc_b64_value(src[i + j]);

			if (v < 0)
				return -EINVAL;
			triplet |= (uint32_t)v << (6 * j);
		}
		/* n characters make n - 1 bytes. */
		for (j = 0; j + 1 < chars; j++, triplet >>= 8)
			dst[out++] = (uint8_t)triplet;
	}
	return (int)out;
}

static int ed25519_from_raw(const uint8_t raw[ED25519_KEY_LEN],
			    EVP_PKEY **pkey)
{
	*pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, raw,
					       ED25519_KEY_LEN);
	return *pkey ? 0 : -ENOMEM;
}

/*
 * "-----BEGIN ED25519 PUBLIC KEY-----", which tinc 1.1 also reads from
 * host files: tinc base64, each line decoded on its own.
 */
static int ed25519_from_tinc_pem(const struct mv_pem_block *b,
				 EVP_PKEY **pkey)
{
	uint8_t raw[ED25519_KEY_LEN];
	size_t pos = 0, have = 0;
	const char *s;
	size_t n;
	int got;

	while (pos < b->body_len) {
		mv_pem_next_line(b->body, b->body_len, &pos, &s, &n);
		got = tinc_b64_decode(s, n, raw + have, sizeof(raw) - have);
		if (got < 0)
			return -EINVAL;
		have += (size_t)got;
	}
	if (have != sizeof(raw))
		return -EINVAL;
	return ed25519_from_raw(raw, pkey);
}

/* ---- files ---- */

static void free_secret(char *buf, size_t len)
{
	if (buf)
		OPENSSL_cleanse(buf, len);
	free(buf);
}

/* ---- private keys ---- */

static int private_from_block(const struct mv_pem_block *b, const char *path,
			      struct mv_identity **out, struct mv_diag *diag)
{
	bool encrypted = block_is(b, "ENCRYPTED PRIVATE KEY");
	bool rsa = block_is(b, "RSA PRIVATE KEY");
	EVP_PKEY *pkey = NULL;
	uint8_t *der = NULL;
	long len = 0;
	int ret;

	if (!encrypted) {
		ret = pem_der(b, true, &der, &len, &encrypted);
		if (ret) {
			mv_diag_error(diag, path, b->line,
				      "malformed \"%.*s\" block",
				      (int)b->label_len, b->label);
			return ret;
		}
	}
	if (encrypted) {
		mv_diag_error(diag, path, b->line,
			      "encrypted private key: meshvpn needs it unencrypted, protected by mode 0600");
		ret = -EINVAL;
	} else {
		ret = decode_der(der, (size_t)len,
				 rsa ? "type-specific" : "PrivateKeyInfo",
				 rsa ? "RSA" : NULL, EVP_PKEY_KEYPAIR, &pkey);
		if (ret)
			mv_diag_error(diag, path, b->line,
				      "invalid \"%.*s\" block",
				      (int)b->label_len, b->label);
	}
	pem_der_free(der, len, true);
	if (ret)
		return ret;
	return wrap_key(pkey, true, out, path, b->line, diag);
}

/* The first block that holds a private key wins. */
static int parse_private(const char *buf, size_t len, const char *path,
			 struct mv_identity **out, struct mv_diag *diag)
{
	struct mv_pem_block b;
	unsigned int line = 0;
	size_t pos = 0;
	int ret;

	while ((ret = mv_pem_next(buf, len, &pos, &line, &b)) == 1) {
		if (block_is(&b, "ED25519 PRIVATE KEY")) {
			mv_diag_error(diag, path, b.line,
				      "tinc 1.1 Ed25519 private key: meshvpn cannot use it, as OpenSSL needs the seed tinc does not keep; generate a new key with meshvpnd -K");
			return -ENOTSUP;
		}
		/* Others are tinc's "OLD" keys after -K, certificates... */
		if (block_is(&b, "PRIVATE KEY") ||
		    block_is(&b, "RSA PRIVATE KEY") ||
		    block_is(&b, "ENCRYPTED PRIVATE KEY"))
			return private_from_block(&b, path, out, diag);
	}
	if (ret && b.error == MV_PEM_UNTERMINATED) {
		mv_diag_error(diag, path, b.line,
			      "key block without an \"-----END\" line");
		return ret;
	}
	/* What OpenSSL's decoder says of such a block, as it once did. */
	if (ret) {
		mv_diag_error(diag, path, b.line, "malformed \"%.*s\" block",
			      (int)b.label_len, b.label);
		return ret;
	}
	mv_diag_error(diag, path, 0,
		      "no private key (expected a \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN RSA PRIVATE KEY-----\" block)");
	return -EINVAL;
}

int mv_identity_load_private(const char *path, struct mv_identity **out,
			     struct mv_diag *diag)
{
	mode_t mode;
	size_t len;
	char *buf;
	int ret;

	ret = mv_file_read(path, KEY_FILE_MAX, &buf, &len, &mode, NULL);
	if (ret) {
		mv_diag_error(diag, path, 0, "cannot read private key: %s",
			      strerror(-ret));
		return ret;
	}
	/* As tinc warns: anyone who can read the key can be this node. */
	if (mode & 077)
		mv_diag_warn(diag, path, 0,
			     "private key readable by others (mode %04o); chmod 600 it",
			     (unsigned int)(mode & 07777));
	ret = parse_private(buf, len, path, out, diag);
	free_secret(buf, len);
	return ret;
}

int mv_identity_save_private(const struct mv_identity *id, const char *path,
			     struct mv_diag *diag)
{
	/* tinc 1.0 reads only PKCS#1 RSA keys; keep its format. */
	const char *structure = id->type == MV_KEY_RSA ? "type-specific" :
							  "PrivateKeyInfo";
	uint8_t *pem;
	size_t len;
	int ret;

	if (!id->has_private) {
		mv_diag_error(diag, path, 0, "no private key to save");
		return -EINVAL;
	}
	ret = encode_key(id->pkey, EVP_PKEY_KEYPAIR, "PEM", structure, &pem,
			 &len);
	if (ret) {
		mv_diag_error(diag, path, 0, "cannot encode the private key");
		return ret;
	}
	ret = mv_file_write_atomic(path, pem, len, 0600, diag);
	OPENSSL_clear_free(pem, len);
	return ret;
}

/* ---- public keys in host files ---- */

/* The blocks that hold an identity key, as tinc reads them. */
static bool is_public_label(const char *label, size_t label_len)
{
	return label_is(label, label_len, "RSA PUBLIC KEY") ||
	       label_is(label, label_len, "PUBLIC KEY") ||
	       label_is(label, label_len, "ED25519 PUBLIC KEY");
}

static int public_from_block(const struct mv_pem_block *b, EVP_PKEY **pkey)
{
	bool encrypted = false;
	uint8_t *der;
	long len;
	int ret;

	if (block_is(b, "ED25519 PUBLIC KEY"))
		return ed25519_from_tinc_pem(b, pkey);
	ret = pem_der(b, false, &der, &len, &encrypted);
	if (ret)
		return ret;
	if (encrypted)
		ret = -EINVAL;
	else if (block_is(b, "RSA PUBLIC KEY"))
		ret = rsa_from_pkcs1(der, (size_t)len, pkey);
	else
		ret = decode_der(der, (size_t)len, "SubjectPublicKeyInfo",
				 NULL, EVP_PKEY_PUBLIC_KEY, pkey);
	pem_der_free(der, len, false);
	return ret;
}

int mv_identity_from_host_keys(const struct mv_host_keys *keys,
			       const char *file, struct mv_identity **out,
			       struct mv_diag *diag)
{
	EVP_PKEY *pkey;
	size_t i;
	int ret;

	if (keys->ed25519_public_key) {
		const char *b64 = keys->ed25519_public_key;
		uint8_t raw[ED25519_KEY_LEN];

		if (strlen(b64) != ED25519_B64_LEN ||
		    tinc_b64_decode(b64, ED25519_B64_LEN, raw,
				    sizeof(raw)) != ED25519_KEY_LEN) {
			mv_diag_error(diag, file, 0,
				      "invalid Ed25519PublicKey \"%s\"", b64);
			return -EINVAL;
		}
		ret = ed25519_from_raw(raw, &pkey);
		if (ret)
			return ret;
		return wrap_key(pkey, false, out, file, 0, diag);
	}
	for (i = 0; i < keys->n_pem_keys; i++) {
		const char *text = keys->pem_keys[i];
		unsigned int line = 0;
		struct mv_pem_block b;
		size_t pos = 0;

		if (mv_pem_next(text, strlen(text), &pos, &line, &b) != 1 ||
		    !is_public_label(b.label, b.label_len))
			continue;
		ret = public_from_block(&b, &pkey);
		if (ret) {
			mv_diag_error(diag, file, 0,
				      "invalid \"%.*s\" block (key %zu in the file)",
				      (int)b.label_len, b.label, i + 1);
			return ret;
		}
		return wrap_key(pkey, false, out, file, 0, diag);
	}
	mv_diag_error(diag, file, 0,
		      "no public key (expected Ed25519PublicKey or a \"-----BEGIN RSA PUBLIC KEY-----\" block)");
	return -ENOENT;
}

int mv_identity_public_text(const struct mv_identity *id, char **out)
{
	uint8_t *pem, raw[ED25519_KEY_LEN];
	size_t len = sizeof(raw);
	char b64[ED25519_B64_LEN + 1];
	int ret;

	*out = NULL;
	if (id->type == MV_KEY_ED25519) {
		if (EVP_PKEY_get_raw_public_key(id->pkey, raw, &len) != 1 ||
		    len != sizeof(raw))
			return -EIO;
		tinc_b64_encode(raw, sizeof(raw), b64);
		return asprintf(out, "Ed25519PublicKey = %s\n", b64) < 0 ?
		       -ENOMEM : 0;
	}
	/* The PEM writer tinc 1.0 uses: hosts files stay byte-identical. */
	ret = encode_key(id->pkey, EVP_PKEY_PUBLIC_KEY, "PEM",
			 "type-specific", &pem, &len);
	if (ret)
		return ret;
	*out = strndup((const char *)pem, len);
	OPENSSL_free(pem);
	return *out ? 0 : -ENOMEM;
}

/* How disable_old_keys() finds the end of a key block, as tinc's -K. */
#define END_MARK	"-----END "

static bool is_ed25519_variable(const char *s, size_t n)
{
	static const char var[] = "Ed25519PublicKey";
	size_t vl = sizeof(var) - 1;

	return n >= vl && !strncasecmp(s, var, vl) &&
	       (n == vl || s[vl] == ' ' || s[vl] == '\t' || s[vl] == '=');
}

/*
 * tinc's -K keeps old keys but disables them, so that the new key is the
 * one found: PEM blocks get an "OLD " label, which no reader takes for a
 * key, and Ed25519PublicKey lines are commented out. Everything else is
 * copied as is. @out has room for @len plus 4 bytes per line.
 */
static size_t disable_old_keys(const char *buf, size_t len, char *out,
			       unsigned int *disabled)
{
	bool in_key = false;
	size_t pos = 0, o = 0;

	while (pos < len) {
		size_t start = pos, n, mark = 0, label_len;
		const char *s, *label;

		mv_pem_next_line(buf, len, &pos, &s, &n);
		label = mv_pem_begin_label(s, n, &label_len);
		if (!in_key && label && is_public_label(label, label_len)) {
			in_key = true;
			++*disabled;
			mark = (size_t)(label - s);
		} else if (in_key && n >= sizeof(END_MARK) - 1 &&
			   !memcmp(s, END_MARK, sizeof(END_MARK) - 1)) {
			in_key = false;
			mark = sizeof(END_MARK) - 1;
		} else if (!in_key && is_ed25519_variable(s, n)) {
			out[o++] = '#';
			++*disabled;
		}
		if (mark) {
			mark += (size_t)(s - (buf + start));
			memcpy(out + o, buf + start, mark);
			o += mark;
			memcpy(out + o, "OLD ", 4);
			o += 4;
			start += mark;
		}
		memcpy(out + o, buf + start, pos - start);
		o += pos - start;
	}
	return o;
}

int mv_identity_append_public(const struct mv_identity *id,
			      const char *host_path, struct mv_diag *diag)
{
	char *text = NULL, *old = NULL, *buf = NULL;
	size_t old_len = 0, text_len, lines = 1, i, n;
	unsigned int disabled = 0;
	mode_t mode = 0644;
	int ret;

	ret = mv_file_read(host_path, MV_FILE_MAX_CONFIG, &old, &old_len,
			   &mode, NULL);
	if (!ret) {
		mode &= 07777;
	} else if (ret != -ENOENT) {
		mv_diag_error(diag, host_path, 0, "cannot read: %s",
			      strerror(-ret));
		return ret;
	}
	ret = mv_identity_public_text(id, &text);
	if (ret)
		goto out;
	for (i = 0; i < old_len; i++)
		lines += old[i] == '\n';
	text_len = strlen(text);
	ret = -ENOMEM;
	buf = malloc(old_len + 4 * lines + 2 + text_len);
	if (!buf)
		goto out;
	n = disable_old_keys(old, old_len, buf, &disabled);
	/* The key on a line of its own, after a blank line. */
	if (n && buf[n - 1] != '\n')
		buf[n++] = '\n';
	if (n && (n < 2 || buf[n - 2] != '\n'))
		buf[n++] = '\n';
	memcpy(buf + n, text, text_len);
	ret = mv_file_write_atomic(host_path, buf, n + text_len, mode, diag);
	if (!ret && disabled)
		mv_diag_warn(diag, host_path, 0,
			     "%u old public key(s) disabled", disabled);
out:
	free(buf);
	free(old);
	free(text);
	return ret;
}

/* ---- wire form ---- */

int mv_identity_public_encode(const struct mv_identity *id, uint8_t **out,
			      size_t *len)
{
	uint8_t *der;
	size_t der_len;
	int ret;

	*out = NULL;
	if (id->type == MV_KEY_ED25519) {
		*len = ED25519_KEY_LEN;
		*out = malloc(ED25519_KEY_LEN);
		if (!*out)
			return -ENOMEM;
		if (EVP_PKEY_get_raw_public_key(id->pkey, *out, len) == 1 &&
		    *len == ED25519_KEY_LEN)
			return 0;
		free(*out);
		*out = NULL;
		return -EIO;
	}
	ret = encode_key(id->pkey, EVP_PKEY_PUBLIC_KEY, "DER", "type-specific",
			 &der, &der_len);
	if (ret)
		return ret;
	/* Callers free() it: not necessarily OpenSSL's allocator. */
	*out = malloc(der_len);
	if (*out) {
		memcpy(*out, der, der_len);
		*len = der_len;
	}
	OPENSSL_free(der);
	return *out ? 0 : -ENOMEM;
}

int mv_identity_public_decode(enum mv_key_type type, const uint8_t *buf,
			      size_t len, struct mv_identity **out)
{
	struct mv_identity *id = NULL;
	EVP_PKEY *pkey;
	uint8_t *again;
	size_t again_len;
	bool canonical;
	int ret;

	switch (type) {
	case MV_KEY_ED25519:
		if (len != ED25519_KEY_LEN)
			return -EINVAL;
		ret = ed25519_from_raw(buf, &pkey);
		break;
	case MV_KEY_RSA:
		if (len > RSA_MAX_DER)
			return -EINVAL;
		ret = rsa_from_pkcs1(buf, len, &pkey);
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	ret = wrap_key(pkey, false, &id, NULL, 0, NULL);
	if (ret || type == MV_KEY_ED25519)
		goto out;
	ret = check_rsa_wire(id->pkey);
	if (ret)
		goto out;
	/*
	 * DER parsers accept some BER; one key must have one wire form, as
	 * it is compared and signed over by others.
	 */
	ret = mv_identity_public_encode(id, &again, &again_len);
	if (ret)
		goto out;
	canonical = again_len == len && !memcmp(again, buf, len);
	free(again);
	if (!canonical)
		ret = -EINVAL;
out:
	if (ret)
		mv_identity_free(id);
	else
		*out = id;
	return ret;
}

bool mv_identity_equal(const struct mv_identity *a,
		       const struct mv_identity *b)
{
	return a && b && a->type == b->type &&
	       EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}

void mv_identity_fingerprint(const struct mv_identity *id, char out[17])
{
	uint8_t hash[MV_HASH_LEN], *wire;
	struct mv_iov iov;
	size_t len;
	int i;

	strcpy(out, "????????????????");
	if (mv_identity_public_encode(id, &wire, &len))
		return;
	iov.base = wire;
	iov.len = len;
	if (!mv_sha256(&iov, 1, hash))
		for (i = 0; i < 8; i++)
			snprintf(out + 2 * i, 3, "%02x", hash[i]);
	free(wire);
}

/* ---- signatures ---- */

/* OpenSSL only reads parameters it is given to set. */
static OSSL_PARAM utf8_param(const char *key, const char *value)
{
	return OSSL_PARAM_construct_utf8_string(key, (char *)value, 0);
}

/* RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt; Ed25519 pure. */
static EVP_MD_CTX *sig_init(const struct mv_identity *id, bool sign)
{
	int saltlen = RSA_PSS_SALT_LEN;
	OSSL_PARAM pss[] = {
		utf8_param(OSSL_SIGNATURE_PARAM_PAD_MODE,
			   OSSL_PKEY_RSA_PAD_MODE_PSS),
		utf8_param(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, "SHA256"),
		OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN,
					 &saltlen),
		OSSL_PARAM_END,
	};
	bool rsa = id->type == MV_KEY_RSA;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return NULL;
	if (sign)
		ok = EVP_DigestSignInit_ex(ctx, NULL, rsa ? "SHA256" : NULL,
					   NULL, NULL, id->pkey,
					   rsa ? pss : NULL);
	else
		ok = EVP_DigestVerifyInit_ex(ctx, NULL, rsa ? "SHA256" : NULL,
					     NULL, NULL, id->pkey,
					     rsa ? pss : NULL);
	if (ok == 1)
		return ctx;
	EVP_MD_CTX_free(ctx);
	return NULL;
}

int mv_identity_sign(const struct mv_identity *id, const void *msg,
		     size_t len, uint8_t **sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx;
	int ret = -EIO;

	*sig = NULL;
	if (!id->has_private)
		return -EINVAL;
	ctx = sig_init(id, true);
	if (!ctx)
		return -EIO;
	*sig_len = (size_t)EVP_PKEY_get_size(id->pkey);
	*sig = malloc(*sig_len);
	if (!*sig)
		ret = -ENOMEM;
	else if (EVP_DigestSign(ctx, *sig, sig_len, msg, len) == 1)
		ret = 0;
	EVP_MD_CTX_free(ctx);
	if (ret) {
		free(*sig);
		*sig = NULL;
	}
	return ret;
}

int mv_identity_verify(const struct mv_identity *id, const void *msg,
		       size_t len, const uint8_t *sig, size_t sig_len)
{
	size_t want = id->type == MV_KEY_ED25519 ? ED25519_SIG_LEN :
			(size_t)EVP_PKEY_get_size(id->pkey);
	EVP_MD_CTX *ctx;
	int ret;

	if (sig_len != want)
		return -EBADMSG;
	ctx = sig_init(id, false);
	if (!ctx)
		return -EIO;
	/* A bad signature is the peer's problem, not an OpenSSL error. */
	ERR_set_mark();
	ret = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1 ? 0 :
								  -EBADMSG;
	ERR_pop_to_mark();
	EVP_MD_CTX_free(ctx);
	return ret;
}
