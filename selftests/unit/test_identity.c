// SPDX-License-Identifier: GPL-2.0
/*
 * Identity keys are what a tinc network brings along when it moves to
 * meshvpn, and what every node checks every signature with: keys made by
 * real tinc must load, our files must be what tinc writes, the wire form
 * must be strict, and signatures must follow the documented parameters
 * (checked with plain OpenSSL calls, not through the code under test).
 *
 * selftests/unit/data/identity_tinc_rsa/ was made once by tinc 1.0.36:
 *   printf 'Name = alice\n' > tinc.conf
 *   printf 'Address = 192.0.2.1\nSubnet = 10.1.0.0/16\n' > hosts/alice
 *   tincd -K2048 -c DIR </dev/null; tincd -K2048 -c DIR </dev/null
 * The second run left the first keys behind as "OLD" blocks, as users'
 * directories have them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "lib/array.h"
#include "config/config.h"
#include "crypto/crypto.h"
#include "crypto/identity.h"

#include "test.h"

/* A key made by tinc 1.1 (NixOS's tinc test, nixos/tests/tinc.nix). */
#define TINC11_PUB	"WFPS09g/Sxv0mUffBez+d5fQsPjgGTafynmO9BlHuQJ"
/*
 * Its 32 bytes: checked against the private key in the same test, whose
 * first 32 bytes are the clamped scalar, with python3-cryptography:
 * X25519(scalar, 9) is the Montgomery form of this point; the standard
 * base64 reading of TINC11_PUB is not.
 */
#define TINC11_RAW	"56f148740ffe52fcd226f57d8137fb5d" \
			"fe41ec3382c6a47df2693a7d501e2e94"
#define TINC11_PRIV	"-----BEGIN ED25519 PRIVATE KEY-----\n"		\
	"4S3OXAdIBxoxjQ9uSfnd9eaG9kjfT3o00kPABLX44B2xCz6S8i7cWzu2u2ejTRfB\n" \
	"aMmnzVqoFlMcc9rzW2L6HYV8IR3D+LF/SbS99F4N73l/Bx+MCaMp9Jfa60HUe4Cl\n" \
	"-----END ED25519 PRIVATE KEY-----\n"

/* ---- helpers ---- */

/* snprintf() that refuses to truncate: a cut path would test nothing. */
static void __attribute__((format(printf, 3, 4)))
fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		abort();
}

static void fixture_dir(char dir[PATH_MAX])
{
	const char *top = getenv("TOP");
	struct stat st;
	char *slash;

	if (top) {
		fmt(dir, PATH_MAX, "%s/selftests/unit/data/identity_tinc_rsa",
		    top);
		if (!stat(dir, &st))
			return;
	}
	/* __FILE__ is the path the compiler was given, usually from TOP. */
	fmt(dir, PATH_MAX, "%s", __FILE__);
	slash = strrchr(dir, '/');
	if (slash)
		fmt(slash + 1, PATH_MAX - (size_t)(slash + 1 - dir),
		    "data/identity_tinc_rsa");
	else
		fmt(dir, PATH_MAX, "data/identity_tinc_rsa");
	if (stat(dir, &st)) {
		fprintf(stderr, "fixtures not found; set TOP\n");
		exit(2);
	}
}

static void make_tmpdir(char dir[PATH_MAX])
{
	fmt(dir, PATH_MAX, "%s/mv_identity_XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		abort();
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode))
		abort();
	close(fd);
}

/* The whole file, NUL-terminated, or NULL. */
static char *read_text(const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &cap, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(f);
	return buf;
}

static unsigned int count_entries(const char *dir)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		abort();
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static mode_t file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

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

static bool diag_has(const struct mv_diag *d, const char *want)
{
	if (d->error && strstr(d->error, want))
		return true;
	fprintf(stderr, "  diag error \"%s\", want \"%s\"\n",
		d->error ? d->error : "(none)", want);
	return false;
}

static bool warned(const struct mv_diag *d, const char *want)
{
	size_t i;

	for (i = 0; i < d->n_warnings; i++)
		if (strstr(d->warnings[i], want))
			return true;
	return false;
}

/* Parse a hosts/NAME text and take its key. */
static int host_key(const char *text, struct mv_identity **id,
		    struct mv_diag *diag)
{
	struct mv_host_config h;
	int ret;

	ret = mv_config_parse_host_buffer(text, strlen(text), "hosts/test",
					  "test", &h, diag);
	if (!ret)
		ret = mv_identity_from_host(&h, id, diag);
	mv_host_config_free(&h);
	return ret;
}

static struct mv_identity *generate(enum mv_key_type type)
{
	struct mv_identity *id = NULL;

	if (mv_identity_generate(type, 2048, &id))
		abort();
	return id;
}

/*
 * The private key as OpenSSL alone reads it from our file, to make and
 * check signatures without the code under test.
 */
static EVP_PKEY *openssl_key(const struct mv_identity *id)
{
	char dir[PATH_MAX], path[PATH_MAX];
	EVP_PKEY *pkey = NULL;
	FILE *f;

	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/key", dir);
	if (mv_identity_save_private(id, path, NULL))
		abort();
	f = fopen(path, "r");
	if (f) {
		pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	rm_tree(dir);
	if (!pkey)
		abort();
	return pkey;
}

/*
 * @pkey as OpenSSL's PEM writers make it: the public key, or the private
 * key (encrypted with @enc if not NULL) as PKCS#8 or, if @traditional, in
 * the key type's own format.
 */
static char *pem_string(EVP_PKEY *pkey, bool pubkey, const EVP_CIPHER *enc,
			bool traditional)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *s;
	long len;
	int ok;

	if (pubkey)
		ok = PEM_write_bio_PUBKEY(bio, pkey);
	else if (traditional)
		ok = PEM_write_bio_PrivateKey_traditional(bio, pkey, enc,
							  (unsigned char *)"pw",
							  2, NULL, NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, pkey, enc,
					      (unsigned char *)"pw", 2, NULL,
					      NULL);
	if (!ok)
		abort();
	len = BIO_get_mem_data(bio, &data);
	s = strndup(data, (size_t)len);
	BIO_free(bio);
	return s;
}

/* ---- generation, signatures ---- */

TEST(type_names)
{
	EXPECT_STREQ(mv_key_type_name(MV_KEY_ED25519), "ed25519");
	EXPECT_STREQ(mv_key_type_name(MV_KEY_RSA), "rsa");
	EXPECT_STREQ(mv_key_type_name((enum mv_key_type)9), "unknown");
}

TEST(generate_limits)
{
	struct mv_identity *id = NULL;

	EXPECT_EQ(mv_identity_generate(MV_KEY_RSA, 1024, &id), -EINVAL);
	EXPECT_EQ(mv_identity_generate(MV_KEY_RSA, 2047, &id), -EINVAL);
	EXPECT_EQ(mv_identity_generate(MV_KEY_RSA, MV_RSA_MAX_BITS + 1, &id),
		  -EINVAL);
	EXPECT_EQ(mv_identity_generate((enum mv_key_type)0, 2048, &id),
		  -EINVAL);
	EXPECT(!id);
	/* @bits means nothing to Ed25519. */
	EXPECT_EQ(mv_identity_generate(MV_KEY_ED25519, 0, &id), 0);
	EXPECT(id && mv_identity_type(id) == MV_KEY_ED25519);
	EXPECT(id && mv_identity_has_private(id));
	mv_identity_free(id);
	mv_identity_free(NULL);
}

/* Sign, verify, and refuse every altered byte, another key, a bad size. */
static void check_signatures(bool *unit_failed, struct mv_identity *id,
			     struct mv_identity *other)
{
	static const char msg[] = "meshvpn meta auth v1\x01 transcript";
	uint8_t *sig = NULL, *sig2 = NULL;
	size_t len = 0, len2 = 0, i;

	EXPECT_EQ(mv_identity_sign(id, msg, sizeof(msg), &sig, &len), 0);
	if (!sig)
		return;
	EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg), sig, len), 0);
	for (i = 0; i < len; i++) {
		sig[i] ^= 0x10;
		EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg), sig, len),
			  -EBADMSG);
		sig[i] ^= 0x10;
	}
	EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg) - 1, sig, len),
		  -EBADMSG);
	EXPECT_EQ(mv_identity_verify(id, "x", 1, sig, len), -EBADMSG);
	EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg), sig, len - 1),
		  -EBADMSG);
	EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg), sig, 0), -EBADMSG);
	EXPECT_EQ(mv_identity_verify(other, msg, sizeof(msg), sig, len),
		  -EBADMSG);
	/* Bad signatures are the peer's problem, not OpenSSL errors. */
	EXPECT_EQ(ERR_peek_error(), 0);
	/* A second signature verifies too (RSA-PSS is randomised). */
	EXPECT_EQ(mv_identity_sign(id, msg, sizeof(msg), &sig2, &len2), 0);
	EXPECT_EQ(len2, len);
	EXPECT_EQ(mv_identity_verify(id, msg, sizeof(msg), sig2, len2), 0);
	free(sig);
	free(sig2);
}

TEST(ed25519_sign_verify)
{
	struct mv_identity *a = generate(MV_KEY_ED25519);
	struct mv_identity *b = generate(MV_KEY_ED25519);
	EVP_PKEY *pkey = openssl_key(a);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *sig = NULL;
	size_t len = 0;

	check_signatures(unit_failed, a, b);
	/* Pure Ed25519 (RFC 8032), as OpenSSL's own verifier sees it. */
	EXPECT_EQ(mv_identity_sign(a, "abc", 3, &sig, &len), 0);
	EXPECT_EQ(len, 64);
	EXPECT_EQ(EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
					  NULL), 1);
	EXPECT_EQ(EVP_DigestVerify(ctx, sig, len, (const uint8_t *)"abc", 3),
		  1);
	free(sig);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	mv_identity_free(a);
	mv_identity_free(b);
}

/* Sign "abc" with @pkey: PSS with @saltlen, or PKCS#1 v1.5 if negative. */
static uint8_t *openssl_rsa_sign(EVP_PKEY *pkey, int saltlen, size_t *len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	uint8_t *sig = malloc(512);

	*len = 512;
	if (!ctx || !sig ||
	    EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, pkey,
				  NULL) != 1 ||
	    (saltlen >= 0 &&
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) != 1)) ||
	    EVP_DigestSign(ctx, sig, len, (const uint8_t *)"abc", 3) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	return sig;
}

/* 1 if OpenSSL accepts @sig over "abc" as PSS with salt @saltlen. */
static int openssl_pss_verify(EVP_PKEY *pkey, const uint8_t *sig,
			      size_t len, int saltlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx;
	int ret;

	if (!ctx ||
	    EVP_DigestVerifyInit_ex(ctx, &pctx, "SHA256", NULL, NULL, pkey,
				    NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) != 1)
		abort();
	ret = EVP_DigestVerify(ctx, sig, len, (const uint8_t *)"abc", 3);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ret;
}

TEST(rsa_sign_verify)
{
	struct mv_identity *a = generate(MV_KEY_RSA);
	struct mv_identity *b = generate(MV_KEY_ED25519);
	EVP_PKEY *pkey = openssl_key(a);
	uint8_t *sig = NULL;
	size_t len = 0;

	check_signatures(unit_failed, a, b);
	EXPECT_EQ(mv_identity_sign(a, "abc", 3, &sig, &len), 0);
	EXPECT_EQ(len, 256);
	/* PSS, SHA-256, MGF1-SHA-256, and the salt is exactly 32 bytes. */
	EXPECT_EQ(openssl_pss_verify(pkey, sig, len, 32), 1);
	EXPECT_EQ(openssl_pss_verify(pkey, sig, len, 20), 0);
	free(sig);
	/* Other salt lengths and PKCS#1 v1.5 are not our signatures. */
	sig = openssl_rsa_sign(pkey, 32, &len);
	EXPECT_EQ(mv_identity_verify(a, "abc", 3, sig, len), 0);
	free(sig);
	sig = openssl_rsa_sign(pkey, 20, &len);
	EXPECT_EQ(mv_identity_verify(a, "abc", 3, sig, len), -EBADMSG);
	free(sig);
	sig = openssl_rsa_sign(pkey, -1, &len);
	EXPECT_EQ(mv_identity_verify(a, "abc", 3, sig, len), -EBADMSG);
	free(sig);
	EXPECT_EQ(ERR_peek_error(), 0);
	EVP_PKEY_free(pkey);
	mv_identity_free(a);
	mv_identity_free(b);
}

TEST(public_only_cannot_sign)
{
	struct mv_identity *a = generate(MV_KEY_ED25519), *pub = NULL;
	uint8_t *wire = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;

	EXPECT_EQ(mv_identity_public_encode(a, &wire, &len), 0);
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_ED25519, wire, len, &pub),
		  0);
	if (pub) {
		EXPECT(!mv_identity_has_private(pub));
		EXPECT_EQ(mv_identity_sign(pub, "x", 1, &sig, &sig_len),
			  -EINVAL);
		EXPECT(!sig);
		EXPECT_EQ(mv_identity_save_private(pub, "/nonexistent/key",
						   NULL), -EINVAL);
	}
	free(wire);
	mv_identity_free(pub);
	mv_identity_free(a);
}

/* ---- wire form ---- */

static void check_wire(bool *unit_failed, enum mv_key_type type)
{
	struct mv_identity *a = generate(type), *b = NULL, *c = NULL;
	uint8_t *wire = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	char fa[17], fb[17];

	EXPECT_EQ(mv_identity_public_encode(a, &wire, &len), 0);
	if (!wire)
		goto out;
	EXPECT_EQ(mv_identity_public_decode(type, wire, len, &b), 0);
	if (!b)
		goto out;
	EXPECT_EQ(mv_identity_type(b), type);
	EXPECT(!mv_identity_has_private(b));
	EXPECT(mv_identity_equal(a, b));
	EXPECT(mv_identity_equal(b, a));
	mv_identity_fingerprint(a, fa);
	mv_identity_fingerprint(b, fb);
	EXPECT_STREQ(fa, fb);
	EXPECT_EQ(mv_identity_sign(a, "m", 1, &sig, &sig_len), 0);
	EXPECT_EQ(mv_identity_verify(b, "m", 1, sig, sig_len), 0);
	c = generate(type);
	EXPECT(!mv_identity_equal(b, c));
	mv_identity_fingerprint(c, fb);
	EXPECT(strcmp(fa, fb));
out:
	free(sig);
	free(wire);
	mv_identity_free(a);
	mv_identity_free(b);
	mv_identity_free(c);
}

TEST(wire_round_trip_ed25519)
{
	check_wire(unit_failed, MV_KEY_ED25519);
}

TEST(wire_round_trip_rsa)
{
	check_wire(unit_failed, MV_KEY_RSA);
}

TEST(wire_form_is_raw_or_pkcs1)
{
	struct mv_identity *e = NULL, *r = NULL;
	uint8_t raw[32], *wire = NULL, *der = NULL;
	size_t len = 0;
	EVP_PKEY *pkey;
	int der_len;

	/* Ed25519: the 32 bytes tinc 1.1 shows in Ed25519PublicKey. */
	EXPECT_EQ(host_key("Ed25519PublicKey = " TINC11_PUB "\n", &e, NULL),
		  0);
	unhex(TINC11_RAW, raw, sizeof(raw));
	if (e && !mv_identity_public_encode(e, &wire, &len)) {
		EXPECT_EQ(len, 32);
		EXPECT(!memcmp(wire, raw, 32));
	}
	free(wire);
	/* RSA: what OpenSSL's i2d_PublicKey() makes of the key. */
	r = generate(MV_KEY_RSA);
	pkey = openssl_key(r);
	der_len = i2d_PublicKey(pkey, &der);
	EXPECT(der_len > 0);
	EXPECT_EQ(mv_identity_public_encode(r, &wire, &len), 0);
	EXPECT_EQ(len, der_len);
	EXPECT(wire && der && !memcmp(wire, der, len));
	free(wire);
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
	mv_identity_free(e);
	mv_identity_free(r);
}

TEST(wire_decode_rejects)
{
	struct mv_identity *r = generate(MV_KEY_RSA), *e, *out = NULL;
	uint8_t *wire = NULL, *ed = NULL, *spki = NULL, buf[600];
	size_t len = 0, ed_len = 0, i;
	EVP_PKEY *pkey;
	int spki_len;

	e = generate(MV_KEY_ED25519);
	EXPECT_EQ(mv_identity_public_encode(r, &wire, &len), 0);
	EXPECT_EQ(mv_identity_public_encode(e, &ed, &ed_len), 0);
	if (!wire || !ed || len + 1 > sizeof(buf))
		goto out;
	/* Every truncation, and one byte too many. */
	for (i = 0; i < len; i++)
		EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, wire, i, &out),
			  -EINVAL);
	memcpy(buf, wire, len);
	buf[len] = 0;
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, buf, len + 1, &out),
		  -EINVAL);
	/* BER that is not DER: a long-form length where short would do. */
	EXPECT_EQ(wire[0], 0x30);
	EXPECT_EQ(wire[1], 0x82);
	if (len < 256) {
		buf[0] = 0x30;
		buf[1] = 0x83;
		buf[2] = 0;
		memcpy(buf + 3, wire + 2, len - 2);
		EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, buf, len + 1,
						    &out), -EINVAL);
	}
	/* Wrong type either way, and no type at all. */
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_ED25519, wire, len, &out),
		  -EINVAL);
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, ed, ed_len, &out),
		  -EINVAL);
	EXPECT_EQ(mv_identity_public_decode((enum mv_key_type)0, ed, ed_len,
					    &out), -EINVAL);
	EXPECT_EQ(mv_identity_public_decode((enum mv_key_type)3, wire, len,
					    &out), -EINVAL);
	/* Ed25519 is exactly 32 bytes. */
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_ED25519, ed, 31, &out),
		  -EINVAL);
	memcpy(buf, ed, 32);
	buf[32] = 0;
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_ED25519, buf, 33, &out),
		  -EINVAL);
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, buf, 0, &out),
		  -EINVAL);
	/* SubjectPublicKeyInfo is a host file form, not the wire form. */
	pkey = openssl_key(r);
	spki_len = i2d_PUBKEY(pkey, &spki);
	EXPECT(spki_len > 0);
	EXPECT_EQ(mv_identity_public_decode(MV_KEY_RSA, spki,
					    (size_t)spki_len, &out), -EINVAL);
	OPENSSL_free(spki);
	EVP_PKEY_free(pkey);
	EXPECT(!out);
	EXPECT_EQ(ERR_peek_error(), 0);
out:
	free(wire);
	free(ed);
	mv_identity_free(r);
	mv_identity_free(e);
}

/* DER length octets. */
static size_t der_len(uint8_t *p, size_t len)
{
	if (len < 128) {
		p[0] = (uint8_t)len;
		return 1;
	}
	if (len < 256) {
		p[0] = 0x81;
		p[1] = (uint8_t)len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)len;
	return 3;
}

/* A positive INTEGER from a big-endian magnitude without leading zeros. */
static size_t der_int(uint8_t *p, const uint8_t *mag, size_t n)
{
	bool pad = mag[0] & 0x80;
	size_t o = 0;

	p[o++] = 0x02;
	o += der_len(p + o, n + pad);
	if (pad)
		p[o++] = 0;
	memcpy(p + o, mag, n);
	return o + n;
}

/*
 * RSAPublicKey { n, e } with an odd modulus of exactly @bits bits (not a
 * real one: decoding only checks sizes) and exponent @e.
 */
static size_t rsa_der(uint8_t *out, unsigned int bits, const uint8_t *e,
		      size_t e_len)
{
	size_t nb = (bits + 7) / 8, body, o = 0;
	uint8_t *n = malloc(nb), *ints = malloc(nb + e_len + 16);

	if (!n || !ints)
		abort();
	memset(n, 0x5a, nb);
	n[0] = (uint8_t)(1u << ((bits - 1) % 8));
	n[nb - 1] |= 1;
	body = der_int(ints, n, nb);
	body += der_int(ints + body, e, e_len);
	out[o++] = 0x30;
	o += der_len(out + o, body);
	memcpy(out + o, ints, body);
	free(n);
	free(ints);
	return o + body;
}

TEST(wire_rsa_limits)
{
	static const uint8_t f4[] = { 0x01, 0x00, 0x01 };
	static const uint8_t one[] = { 0x01 }, even[] = { 0x01, 0x00, 0x02 };
	static const uint8_t three[] = { 0x03 };
	static const uint8_t e64[] = { 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff };
	static const uint8_t e65[] = { 0x01, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x01 };
	static const struct {
		unsigned int bits;
		const uint8_t *e;
		size_t e_len;
		int want;
	} cases[] = {
		{ 1024, f4, sizeof(f4), -EINVAL },
		{ 2047, f4, sizeof(f4), -EINVAL },
		{ 2048, f4, sizeof(f4), 0 },
		{ 4096, f4, sizeof(f4), 0 },
		/* Network keys: at most 4096 bits, exponent 65537. */
		{ 4097, f4, sizeof(f4), -EINVAL },
		{ 16384, f4, sizeof(f4), -EINVAL },
		{ 16385, f4, sizeof(f4), -EINVAL },
		{ 16392, f4, sizeof(f4), -EINVAL },
		{ 2048, one, sizeof(one), -EINVAL },
		{ 2048, even, sizeof(even), -EINVAL },
		{ 2048, three, sizeof(three), -EINVAL },
		{ 2048, e64, sizeof(e64), -EINVAL },
		{ 2048, e65, sizeof(e65), -EINVAL },
	};
	uint8_t *der = malloc(4096);
	size_t i, len;

	for (i = 0; der && i < ARRAY_SIZE(cases); i++) {
		struct mv_identity *id = NULL;
		int ret;

		len = rsa_der(der, cases[i].bits, cases[i].e, cases[i].e_len);
		ret = mv_identity_public_decode(MV_KEY_RSA, der, len, &id);
		if (ret != cases[i].want)
			fprintf(stderr, "  case %zu: %u bits\n", i,
				cases[i].bits);
		EXPECT_EQ(ret, cases[i].want);
		mv_identity_free(id);
	}
	free(der);
}

TEST(fingerprint_is_sha256_of_wire)
{
	struct mv_identity *e = NULL;
	uint8_t raw[32], md[32];
	char want[17], got[17];
	unsigned int i;

	EXPECT_EQ(host_key("Ed25519PublicKey = " TINC11_PUB "\n", &e, NULL),
		  0);
	if (!e)
		return;
	unhex(TINC11_RAW, raw, sizeof(raw));
	EXPECT(EVP_Digest(raw, sizeof(raw), md, NULL, EVP_sha256(), NULL));
	for (i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	mv_identity_fingerprint(e, got);
	EXPECT_STREQ(got, want);
	mv_identity_free(e);
}

TEST(equal)
{
	struct mv_identity *e = generate(MV_KEY_ED25519);
	struct mv_identity *r = generate(MV_KEY_RSA);

	EXPECT(mv_identity_equal(e, e));
	EXPECT(!mv_identity_equal(e, r));
	EXPECT(!mv_identity_equal(r, e));
	EXPECT(!mv_identity_equal(e, NULL));
	EXPECT(!mv_identity_equal(NULL, NULL));
	mv_identity_free(e);
	mv_identity_free(r);
}

/* ---- private key files ---- */

static void check_save_load(bool *unit_failed, enum mv_key_type type,
			    const char *begin)
{
	struct mv_identity *a = generate(type), *b = NULL;
	char dir[PATH_MAX], path[PATH_MAX], *text;
	uint8_t *sig = NULL;
	struct mv_diag d;
	size_t len = 0;

	mv_diag_init(&d);
	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/key.priv", dir);
	/* An older file is replaced as a whole. */
	write_file(path, "old contents\n", 0644);
	EXPECT_EQ(mv_identity_save_private(a, path, &d), 0);
	EXPECT_EQ(file_mode(path), 0600);
	EXPECT_EQ(count_entries(dir), 1);
	text = read_text(path);
	EXPECT(text && !strncmp(text, begin, strlen(begin)));
	EXPECT(text && !strstr(text, "old contents"));
	free(text);
	EXPECT_EQ(mv_identity_load_private(path, &b, &d), 0);
	EXPECT(!d.error && !d.n_warnings);
	if (b) {
		EXPECT_EQ(mv_identity_type(b), type);
		EXPECT(mv_identity_has_private(b));
		EXPECT(mv_identity_equal(a, b));
		EXPECT_EQ(mv_identity_sign(b, "m", 1, &sig, &len), 0);
		EXPECT_EQ(mv_identity_verify(a, "m", 1, sig, len), 0);
	}
	free(sig);
	mv_identity_free(a);
	mv_identity_free(b);
	mv_diag_free(&d);
	rm_tree(dir);
}

TEST(save_load_ed25519_pkcs8)
{
	check_save_load(unit_failed, MV_KEY_ED25519,
			"-----BEGIN PRIVATE KEY-----\n");
}

TEST(save_load_rsa_as_tinc)
{
	check_save_load(unit_failed, MV_KEY_RSA,
			"-----BEGIN RSA PRIVATE KEY-----\n");
}

TEST(save_fails_cleanly)
{
	struct mv_identity *a = generate(MV_KEY_ED25519);
	struct mv_diag d;

	mv_diag_init(&d);
	EXPECT_EQ(mv_identity_save_private(a, "/nonexistent/dir/key", &d),
		  -ENOENT);
	EXPECT(diag_has(&d, "/nonexistent/dir/key"));
	mv_diag_free(&d);
	mv_identity_free(a);
}

/* Load @text as a private key file; the result, and @want in the error. */
static int load_text(const char *text, mode_t mode, const char *want,
		     struct mv_diag *d)
{
	struct mv_identity *id = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	int ret;

	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/key.priv", dir);
	write_file(path, text, mode);
	mv_diag_init(d);
	ret = mv_identity_load_private(path, &id, d);
	if (want && !diag_has(d, want))
		ret = 12345;
	if (want && !diag_has(d, path))
		ret = 12345;
	mv_identity_free(id);
	rm_tree(dir);
	return ret;
}

TEST(load_private_errors)
{
	struct mv_identity *id = NULL;
	struct mv_diag d;

	mv_diag_init(&d);
	EXPECT_EQ(mv_identity_load_private("/nonexistent/key.priv", &id, &d),
		  -ENOENT);
	EXPECT(diag_has(&d, "/nonexistent/key.priv"));
	mv_diag_free(&d);
	EXPECT_EQ(mv_identity_load_private("/", &id, NULL), -EISDIR);
	EXPECT_EQ(mv_identity_load_private("/dev/null", &id, NULL), -EINVAL);
	EXPECT(!id);

	EXPECT_EQ(load_text("", 0600, "no private key", &d), -EINVAL);
	mv_diag_free(&d);
	EXPECT_EQ(load_text("garbage\n", 0600, "no private key", &d),
		  -EINVAL);
	mv_diag_free(&d);
	EXPECT_EQ(load_text("-----BEGIN PRIVATE KEY-----\n!!!!\n"
			    "-----END PRIVATE KEY-----\n", 0600,
			    ":1: malformed", &d), -EINVAL);
	mv_diag_free(&d);
	/* Valid base64, not a key. */
	EXPECT_EQ(load_text("x\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
			    "-----END RSA PRIVATE KEY-----\n", 0600,
			    ":2: invalid", &d), -EINVAL);
	mv_diag_free(&d);
	EXPECT_EQ(load_text("-----BEGIN PRIVATE KEY-----\nAAAA\n", 0600,
			    "without", &d), -EINVAL);
	mv_diag_free(&d);
	/* Blocks whose end is not theirs, or that nest, are malformed. */
	EXPECT_EQ(load_text("#\n-----BEGIN PRIVATE KEY-----\nAAAA\n"
			    "-----END RSA PRIVATE KEY-----\n", 0600,
			    ":2: malformed \"PRIVATE KEY\" block", &d), -EINVAL);
	mv_diag_free(&d);
	EXPECT_EQ(load_text("-----BEGIN RSA PRIVATE KEY-----\n"
			    "-----BEGIN PRIVATE KEY-----\nAAAA\n"
			    "-----END PRIVATE KEY-----\n", 0600,
			    ":1: malformed \"RSA PRIVATE KEY\" block", &d),
		  -EINVAL);
	mv_diag_free(&d);
	EXPECT_EQ(load_text(TINC11_PRIV, 0600, "tinc 1.1", &d), -ENOTSUP);
	mv_diag_free(&d);
	/* Only blocks tinc disabled: no key. */
	EXPECT_EQ(load_text("-----BEGIN OLD PRIVATE KEY-----\nAAAA\n"
			    "-----END OLD PRIVATE KEY-----\n", 0600,
			    "no private key", &d), -EINVAL);
	mv_diag_free(&d);
}

TEST(load_private_refuses_foreign_keys)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	struct mv_diag d;
	char *text;

	EXPECT(ec && rsa && ed);
	if (!ec || !rsa || !ed)
		goto out;
	text = pem_string(ec, false, NULL, false);
	EXPECT_EQ(load_text(text, 0600, "EC key", &d), -EINVAL);
	mv_diag_free(&d);
	free(text);
	text = pem_string(rsa, false, NULL, true);
	EXPECT_EQ(load_text(text, 0600, "1024 bits", &d), -EINVAL);
	mv_diag_free(&d);
	free(text);
	/* Encrypted, PKCS#8 and traditional, or disguised as plain. */
	text = pem_string(ed, false, EVP_aes_256_cbc(), false);
	EXPECT(strstr(text, "ENCRYPTED PRIVATE KEY"));
	EXPECT_EQ(load_text(text, 0600, "encrypted", &d), -EINVAL);
	mv_diag_free(&d);
	memmove(strstr(text, "ENCRYPTED "),
		strstr(text, "ENCRYPTED ") + 10,
		strlen(strstr(text, "ENCRYPTED ") + 10) + 1);
	memmove(strstr(text, "ENCRYPTED "),
		strstr(text, "ENCRYPTED ") + 10,
		strlen(strstr(text, "ENCRYPTED ") + 10) + 1);
	EXPECT_EQ(load_text(text, 0600, "invalid", &d), -EINVAL);
	mv_diag_free(&d);
	free(text);
	text = pem_string(rsa, false, EVP_aes_128_cbc(), true);
	EXPECT(strstr(text, "Proc-Type: 4,ENCRYPTED"));
	EXPECT_EQ(load_text(text, 0600, "encrypted", &d), -EINVAL);
	mv_diag_free(&d);
	free(text);
	/* A public key is not a private key. */
	text = pem_string(ed, true, NULL, false);
	EXPECT_EQ(load_text(text, 0600, "no private key", &d), -EINVAL);
	mv_diag_free(&d);
	free(text);
	EXPECT_EQ(ERR_peek_error(), 0);
out:
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
}

TEST(load_private_warns_on_open_permissions)
{
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *text = pem_string(ed, false, NULL, false);
	struct mv_diag d;

	EXPECT_EQ(load_text(text, 0644, NULL, &d), 0);
	EXPECT(warned(&d, "readable by others"));
	mv_diag_free(&d);
	EXPECT_EQ(load_text(text, 0600, NULL, &d), 0);
	EXPECT_EQ(d.n_warnings, 0);
	mv_diag_free(&d);
	free(text);
	EVP_PKEY_free(ed);
}

/* ---- host files ---- */

TEST(tinc11_ed25519_public_key)
{
	struct mv_identity *a = NULL, *b = NULL, *c = NULL;
	char *text = NULL;
	struct mv_diag d;

	mv_diag_init(&d);
	EXPECT_EQ(host_key("Address = 192.0.2.1\nEd25519PublicKey = "
			   TINC11_PUB "\n", &a, &d), 0);
	EXPECT(!d.error);
	if (!a)
		goto out;
	EXPECT_EQ(mv_identity_type(a), MV_KEY_ED25519);
	EXPECT(!mv_identity_has_private(a));
	/* We write it back as tinc wrote it. */
	EXPECT_EQ(mv_identity_public_text(a, &text), 0);
	EXPECT_STREQ(text, "Ed25519PublicKey = " TINC11_PUB "\n");
	/* tinc reads the URL-safe alphabet too. */
	EXPECT_EQ(host_key("Ed25519PublicKey = "
			   "WFPS09g_Sxv0mUffBez-d5fQsPjgGTafynmO9BlHuQJ\n",
			   &b, NULL), 0);
	EXPECT(mv_identity_equal(a, b));
	/* And the same key as a PEM block in tinc's base64. */
	EXPECT_EQ(host_key("-----BEGIN ED25519 PUBLIC KEY-----\n"
			   TINC11_PUB "\n"
			   "-----END ED25519 PUBLIC KEY-----\n", &c, NULL), 0);
	EXPECT(mv_identity_equal(a, c));
out:
	free(text);
	mv_identity_free(a);
	mv_identity_free(b);
	mv_identity_free(c);
	mv_diag_free(&d);
}

static void check_text_round_trip(bool *unit_failed, enum mv_key_type type,
				  const char *start)
{
	struct mv_identity *a = generate(type), *b = NULL;
	char *text = NULL;

	EXPECT_EQ(mv_identity_public_text(a, &text), 0);
	if (!text)
		goto out;
	EXPECT(!strncmp(text, start, strlen(start)));
	EXPECT(text[strlen(text) - 1] == '\n');
	EXPECT_EQ(host_key(text, &b, NULL), 0);
	EXPECT(mv_identity_equal(a, b));
out:
	free(text);
	mv_identity_free(a);
	mv_identity_free(b);
}

TEST(public_text_round_trip)
{
	check_text_round_trip(unit_failed, MV_KEY_ED25519,
			      "Ed25519PublicKey = ");
	check_text_round_trip(unit_failed, MV_KEY_RSA,
			      "-----BEGIN RSA PUBLIC KEY-----\n");
}

/* "PUBLIC KEY" (SubjectPublicKeyInfo), as OpenSSL's own tools write. */
TEST(host_spki_blocks)
{
	struct mv_identity *ids[2], *got = NULL;
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	struct mv_diag d;
	char *text;
	int i;

	ids[0] = generate(MV_KEY_ED25519);
	ids[1] = generate(MV_KEY_RSA);
	for (i = 0; i < 2; i++) {
		EVP_PKEY *pkey = openssl_key(ids[i]);

		text = pem_string(pkey, true, NULL, false);
		EXPECT(!strncmp(text, "-----BEGIN PUBLIC KEY-----", 26));
		EXPECT_EQ(host_key(text, &got, NULL), 0);
		EXPECT(mv_identity_equal(ids[i], got));
		mv_identity_free(got);
		got = NULL;
		free(text);
		EVP_PKEY_free(pkey);
		mv_identity_free(ids[i]);
	}
	text = pem_string(ec, true, NULL, false);
	mv_diag_init(&d);
	EXPECT_EQ(host_key(text, &got, &d), -EINVAL);
	EXPECT(diag_has(&d, "hosts/test"));
	mv_diag_free(&d);
	free(text);
	EVP_PKEY_free(ec);
}

TEST(host_key_choice)
{
	struct mv_identity *e = generate(MV_KEY_ED25519), *r, *got = NULL;
	char *et = NULL, *rt = NULL, *buf = NULL;

	r = generate(MV_KEY_RSA);
	EXPECT_EQ(mv_identity_public_text(e, &et), 0);
	EXPECT_EQ(mv_identity_public_text(r, &rt), 0);
	if (!et || !rt)
		goto out;
	/* Ed25519PublicKey wins wherever it is. */
	EXPECT(asprintf(&buf, "%s\n%s", rt, et) > 0);
	EXPECT_EQ(host_key(buf, &got, NULL), 0);
	EXPECT(mv_identity_equal(got, e));
	mv_identity_free(got);
	got = NULL;
	free(buf);
	/* Disabled and unknown blocks are skipped. */
	EXPECT(asprintf(&buf, "-----BEGIN OLD PUBLIC KEY-----\nAAAA\n"
			"-----END OLD PUBLIC KEY-----\n"
			"-----BEGIN CERTIFICATE-----\nAAAA\n"
			"-----END CERTIFICATE-----\n%s", rt) > 0);
	EXPECT_EQ(host_key(buf, &got, NULL), 0);
	EXPECT(mv_identity_equal(got, r));
	mv_identity_free(got);
	got = NULL;
	free(buf);
out:
	free(et);
	free(rt);
	mv_identity_free(e);
	mv_identity_free(r);
}

TEST(host_key_errors)
{
	static const char *const bad[] = {
		/* not base64 */
		"-----BEGIN RSA PUBLIC KEY-----\n!!!!\n"
		"-----END RSA PUBLIC KEY-----\n",
		/* base64, not DER */
		"-----BEGIN RSA PUBLIC KEY-----\nAAAAAAAA\n"
		"-----END RSA PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nAAAAAAAA\n"
		"-----END PUBLIC KEY-----\n",
		/* 31 bytes */
		"-----BEGIN ED25519 PUBLIC KEY-----\n"
		"WFPS09g/Sxv0mUffBez+d5fQsPjgGTafynmO9BlH\n"
		"-----END ED25519 PUBLIC KEY-----\n",
		/* 33 bytes */
		"-----BEGIN ED25519 PUBLIC KEY-----\n" TINC11_PUB "\nAA\n"
		"-----END ED25519 PUBLIC KEY-----\n",
		"-----BEGIN ED25519 PUBLIC KEY-----\n*\n"
		"-----END ED25519 PUBLIC KEY-----\n",
	};
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	struct mv_identity *id = NULL;
	char *text = NULL;
	struct mv_diag d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		mv_diag_init(&d);
		EXPECT_EQ(host_key(bad[i], &id, &d), -EINVAL);
		EXPECT(diag_has(&d, "hosts/test: invalid"));
		mv_diag_free(&d);
	}
	mv_diag_init(&d);
	EXPECT_EQ(host_key("Address = 192.0.2.1\n", &id, &d), -ENOENT);
	EXPECT(diag_has(&d, "hosts/test: no public key"));
	mv_diag_free(&d);
	EXPECT_EQ(host_key("-----BEGIN OLD PUBLIC KEY-----\nAAAA\n"
			   "-----END OLD PUBLIC KEY-----\n", &id, NULL),
		  -ENOENT);
	/* A tinc 1.0 network's 1024-bit key says what is wrong. */
	if (rsa) {
		BIO *bio = BIO_new(BIO_s_mem());
		char *data;
		long len;

		EXPECT(PEM_write_bio_PUBKEY(bio, rsa) == 1);
		len = BIO_get_mem_data(bio, &data);
		text = strndup(data, (size_t)len);
		BIO_free(bio);
		mv_diag_init(&d);
		EXPECT_EQ(host_key(text, &id, &d), -EINVAL);
		EXPECT(diag_has(&d, "1024 bits"));
		mv_diag_free(&d);
	}
	EXPECT(!id);
	free(text);
	EVP_PKEY_free(rsa);
}

/* ---- keys made by tinc 1.0 ---- */

TEST(tinc10_rsa_keys)
{
	struct mv_identity *priv = NULL, *pub = NULL;
	char dir[PATH_MAX], path[PATH_MAX], *hosts = NULL, *text = NULL;
	struct mv_host_config h;
	uint8_t *sig = NULL;
	struct mv_diag d;
	size_t len = 0;

	fixture_dir(dir);
	fmt(path, sizeof(path), "%s/rsa_key.priv", dir);
	mv_diag_init(&d);
	/* The file starts with the key -K disabled: the second one counts. */
	EXPECT_EQ(mv_identity_load_private(path, &priv, &d), 0);
	EXPECT(!d.error);
	mv_diag_free(&d);
	EXPECT_EQ(mv_config_load_host(dir, "alice", &h, &d), 0);
	EXPECT(!d.error);
	if (!d.error)
		EXPECT_EQ(mv_identity_from_host(&h, &pub, &d), 0);
	mv_host_config_free(&h);
	mv_diag_free(&d);
	if (!priv || !pub)
		goto out;
	EXPECT_EQ(mv_identity_type(priv), MV_KEY_RSA);
	EXPECT(mv_identity_has_private(priv));
	EXPECT(mv_identity_equal(priv, pub));
	EXPECT_EQ(mv_identity_sign(priv, "hello", 5, &sig, &len), 0);
	EXPECT_EQ(mv_identity_verify(pub, "hello", 5, sig, len), 0);
	/* What we would write is byte for byte what tinc wrote. */
	fmt(path, sizeof(path), "%s/hosts/alice", dir);
	hosts = read_text(path);
	EXPECT_EQ(mv_identity_public_text(priv, &text), 0);
	EXPECT(hosts && text && strstr(hosts, text));
out:
	free(sig);
	free(hosts);
	free(text);
	mv_identity_free(priv);
	mv_identity_free(pub);
}

/* ---- meshvpnd -K ---- */

TEST(append_to_new_file)
{
	struct mv_identity *a = generate(MV_KEY_ED25519);
	char dir[PATH_MAX], path[PATH_MAX], *text = NULL, *file;

	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/alice", dir);
	EXPECT_EQ(mv_identity_append_public(a, path, NULL), 0);
	EXPECT_EQ(file_mode(path), 0644);
	EXPECT_EQ(count_entries(dir), 1);
	EXPECT_EQ(mv_identity_public_text(a, &text), 0);
	file = read_text(path);
	EXPECT_STREQ(file, text);
	free(file);
	free(text);
	mv_identity_free(a);
	rm_tree(dir);
}

/* Append @id's key to a file holding @before; check the result. */
static void check_append(bool *unit_failed, const struct mv_identity *id,
			 const char *before, const char *want_prefix,
			 unsigned int want_disabled)
{
	char dir[PATH_MAX], path[PATH_MAX], *text = NULL, *file, *want;
	struct mv_identity *got = NULL;
	struct mv_diag d;

	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/alice", dir);
	write_file(path, before, 0640);
	mv_diag_init(&d);
	EXPECT_EQ(mv_identity_append_public(id, path, &d), 0);
	if (want_disabled) {
		char w[64];

		fmt(w, sizeof(w), "%u old public key(s) disabled",
		    want_disabled);
		EXPECT(warned(&d, w));
	} else {
		EXPECT_EQ(d.n_warnings, 0);
	}
	mv_diag_free(&d);
	EXPECT_EQ(file_mode(path), 0640);
	EXPECT_EQ(count_entries(dir), 1);
	EXPECT_EQ(mv_identity_public_text(id, &text), 0);
	file = read_text(path);
	if (asprintf(&want, "%s%s", want_prefix, text ? text : "") < 0)
		abort();
	EXPECT_STREQ(file, want);
	/* The new key is the one the file now gives. */
	EXPECT_EQ(host_key(file, &got, &d), 0);
	EXPECT(!d.error);
	EXPECT(mv_identity_equal(got, id));
	mv_diag_free(&d);
	mv_identity_free(got);
	free(want);
	free(file);
	free(text);
	rm_tree(dir);
}

TEST(append_after_blank_line)
{
	struct mv_identity *a = generate(MV_KEY_ED25519);

	check_append(unit_failed, a, "Address = 192.0.2.1",
		     "Address = 192.0.2.1\n\n", 0);
	check_append(unit_failed, a, "Address = 192.0.2.1\n",
		     "Address = 192.0.2.1\n\n", 0);
	check_append(unit_failed, a, "Address = 192.0.2.1\n\n",
		     "Address = 192.0.2.1\n\n", 0);
	check_append(unit_failed, a, "Port = 655\r\n",
		     "Port = 655\r\n\n", 0);
	mv_identity_free(a);
}

TEST(append_disables_old_keys)
{
	struct mv_identity *e = generate(MV_KEY_ED25519);
	struct mv_identity *r = generate(MV_KEY_RSA);
	char *rt = NULL, *before = NULL, *after = NULL, *p;

	EXPECT_EQ(mv_identity_public_text(r, &rt), 0);
	if (!rt)
		goto out;
	/* An RSA key, kept as an "OLD" block. */
	EXPECT(asprintf(&before, "Address = 192.0.2.1\n\n%s", rt) > 0);
	p = strstr(rt, "-----END ");
	EXPECT(p && asprintf(&after,
			     "Address = 192.0.2.1\n\n-----BEGIN OLD %.*s-----END OLD %s\n",
			     (int)(p - (rt + 11)), rt + 11, p + 9) > 0);
	check_append(unit_failed, e, before, after, 1);
	free(before);
	free(after);
	/* Ed25519PublicKey lines, in any spelling, are commented out. */
	check_append(unit_failed, r,
		     "Subnet = 10.0.0.0/8\n"
		     "  ed25519publickey=" TINC11_PUB "\n"
		     "Ed25519PublicKey " TINC11_PUB "\r\n"
		     "Ed25519PublicKeyFile = /x\n",
		     "Subnet = 10.0.0.0/8\n"
		     "#  ed25519publickey=" TINC11_PUB "\n"
		     "#Ed25519PublicKey " TINC11_PUB "\r\n"
		     "Ed25519PublicKeyFile = /x\n\n", 2);
out:
	free(rt);
	mv_identity_free(e);
	mv_identity_free(r);
}

/* -K twice, on the host file tinc 1.0 made. */
TEST(append_to_tinc_host_file)
{
	struct mv_identity *a = generate(MV_KEY_ED25519), *got = NULL;
	struct mv_identity *b = generate(MV_KEY_ED25519);
	char fx[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], *text, *file;
	struct mv_host_config h;
	struct mv_diag d;

	fixture_dir(fx);
	fmt(path, sizeof(path), "%s/hosts/alice", fx);
	text = read_text(path);
	make_tmpdir(dir);
	fmt(path, sizeof(path), "%s/hosts", dir);
	mkdir(path, 0755);
	fmt(path, sizeof(path), "%s/hosts/alice", dir);
	write_file(path, text ? text : "", 0644);
	free(text);
	mv_diag_init(&d);
	EXPECT_EQ(mv_identity_append_public(a, path, &d), 0);
	EXPECT_EQ(mv_identity_append_public(b, path, &d), 0);
	EXPECT(!d.error);
	mv_diag_free(&d);
	file = read_text(path);
	EXPECT(file && strstr(file, "Address = 192.0.2.1\n"
			      "Subnet = 10.1.0.0/16\n\n"
			      "-----BEGIN OLD PUBLIC KEY-----\n"));
	EXPECT(file && strstr(file, "-----BEGIN OLD RSA PUBLIC KEY-----\n"));
	EXPECT(file && strstr(file, "-----END OLD RSA PUBLIC KEY-----\n"));
	EXPECT(file && strstr(file, "\n#Ed25519PublicKey = "));
	free(file);
	EXPECT_EQ(mv_config_load_host(dir, "alice", &h, &d), 0);
	EXPECT(!d.error && !d.n_warnings);
	EXPECT_EQ(h.n_subnets, 1);
	EXPECT_EQ(mv_identity_from_host(&h, &got, &d), 0);
	EXPECT(mv_identity_equal(got, b));
	mv_host_config_free(&h);
	mv_diag_free(&d);
	mv_identity_free(got);
	mv_identity_free(a);
	mv_identity_free(b);
	rm_tree(dir);
}

TEST(append_errors)
{
	struct mv_identity *a = generate(MV_KEY_ED25519);
	char dir[PATH_MAX];
	struct mv_diag d;

	make_tmpdir(dir);
	mv_diag_init(&d);
	/* A directory where the host file should be. */
	EXPECT_EQ(mv_identity_append_public(a, dir, &d), -EISDIR);
	EXPECT(diag_has(&d, dir));
	mv_diag_free(&d);
	mv_diag_init(&d);
	EXPECT_EQ(mv_identity_append_public(a, "/nonexistent/hosts/x", &d),
		  -ENOENT);
	EXPECT(diag_has(&d, "/nonexistent/hosts/x"));
	mv_diag_free(&d);
	mv_identity_free(a);
	rm_tree(dir);
}

TEST_MAIN()
