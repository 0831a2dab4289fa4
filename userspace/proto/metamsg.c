// SPDX-License-Identifier: GPL-2.0
/*
 * Meta protocol messages (Documentation/protocol.md sections 9 and 10) to
 * and from bytes.
 *
 * Decoders read through a struct mv_reader, whose sticky failure flag
 * lets a run of fixed-size reads be checked once; a struct dec adds the
 * message name and the list item being read, so that every refusal is a
 * log line that says where ("STATE: edge 3 truncated"). Encoders check
 * everything the decoder would refuse, so that nothing this node sends
 * makes its peer close the connection, and roll @b back when they fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/meshvpn.h>

#include "config/config.h"
#include "crypto/identity.h"
#include "proto/metamsg.h"

#define ED25519_KEY_LEN		32
#define HANDSHAKE_UNSIGNED_LEN	(1 + 8 + 8 + 4 + 1 + 32 + MV_HANDSHAKE_TIMESTAMP_LEN)
/* Smallest encodings of list items, to refuse counts the input cannot
 * hold before allocating for them.
 */
#define EDGE_MIN_LEN		(2 + 4 + 19)
#define SUBNET_MIN_LEN		2
#define CANDIDATE_MIN_LEN	(1 + 19)

/* Why a read of a name or an address failed. */
enum read_status {
	READ_OK,
	READ_SHORT,	/* input ended */
	READ_BAD,	/* invalid value */
};

static bool name_ok(const char *s)
{
	return strnlen(s, MV_META_MAX_NAME + 1) <= MV_META_MAX_NAME &&
	       mv_config_valid_name(s);
}

static enum read_status read_name(struct mv_reader *r,
				  char out[MV_META_MAX_NAME + 1])
{
	size_t len = mv_read_u8(r);
	const uint8_t *p;

	out[0] = '\0';
	if (r->failed)
		return READ_SHORT;
	/* Refused before its bytes are looked for: the better reason. */
	if (len > MV_META_MAX_NAME) {
		r->failed = true;
		return READ_BAD;
	}
	p = mv_read_take(r, len);
	if (!p)
		return READ_SHORT;
	memcpy(out, p, len);
	out[len] = '\0';
	/* An embedded NUL would hide the rest of the name from the check. */
	if (strlen(out) != len || !mv_config_valid_name(out)) {
		out[0] = '\0';
		r->failed = true;
		return READ_BAD;
	}
	return READ_OK;
}

bool mv_read_name(struct mv_reader *r, char out[MV_META_MAX_NAME + 1])
{
	return read_name(r, out) == READ_OK;
}

/* IPv4 padding must be zero, so that an address has one encoding. */
static bool addr_ok(const struct mv_wire_addr *a)
{
	size_t i;

	if (a->family == 6)
		return true;
	if (a->family != 4)
		return false;
	for (i = 4; i < sizeof(a->addr); i++)
		if (a->addr[i])
			return false;
	return true;
}

int mv_buf_put_addr(struct mv_buf *b, const struct mv_wire_addr *a)
{
	int ret;

	if (!addr_ok(a))
		return -EINVAL;
	ret = mv_buf_reserve(b, 1 + sizeof(a->addr) + 2);
	if (!ret)
		ret = mv_buf_put_u8(b, a->family);
	if (!ret)
		ret = mv_buf_put(b, a->addr, sizeof(a->addr));
	if (!ret)
		ret = mv_buf_put_u16(b, a->port);
	return ret;
}

static enum read_status read_addr(struct mv_reader *r, struct mv_wire_addr *a)
{
	a->family = mv_read_u8(r);
	mv_read_bytes(r, a->addr, sizeof(a->addr));
	a->port = mv_read_u16(r);
	if (r->failed) {
		memset(a, 0, sizeof(*a));
		return READ_SHORT;
	}
	if (!addr_ok(a)) {
		r->failed = true;
		return READ_BAD;
	}
	return READ_OK;
}

bool mv_read_addr(struct mv_reader *r, struct mv_wire_addr *a)
{
	return read_addr(r, a) == READ_OK;
}

/* ---- decoding context ---- */

struct dec {
	struct mv_reader r;
	const char *msg;	/* "STATE", for the error text */
	const char *item;	/* list item being read ("edge"), or NULL */
	size_t index;		/* its index */
	char *err;
};

static int __attribute__((format(printf, 2, 3)))
bad(struct dec *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!d->err)
		return -EBADMSG;
	if (d->item)
		n = snprintf(d->err, MV_META_ERRLEN, "%s: %s %zu: ", d->msg,
			     d->item, d->index);
	else
		n = snprintf(d->err, MV_META_ERRLEN, "%s: ", d->msg);
	if (n >= 0 && n < MV_META_ERRLEN) {
		va_start(ap, fmt);
		vsnprintf(d->err + n, MV_META_ERRLEN - n, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/*
 * A failed allocation is not the peer's fault: -ENOMEM, so that the
 * caller does not count the message as malformed.
 */
static int dec_nomem(struct dec *d)
{
	bad(d, "out of memory");
	return -ENOMEM;
}

/* Input ended in @field, or anywhere in the current list item. */
static int dec_truncated(struct dec *d, const char *field)
{
	if (d->item && d->err) {
		snprintf(d->err, MV_META_ERRLEN, "%s: %s %zu truncated",
			 d->msg, d->item, d->index);
		return -EBADMSG;
	}
	return bad(d, "%s truncated", field);
}

/*
 * Start decoding a record plaintext: size, type byte. @type 0 takes PING
 * and PONG alike.
 */
static int dec_start(struct dec *d, const void *p, size_t n, const char *msg,
		     enum mv_meta_type type, char *err)
{
	uint8_t t;

	mv_reader_init(&d->r, p, n);
	d->msg = msg;
	d->item = NULL;
	d->index = 0;
	d->err = err;
	if (err)
		err[0] = '\0';
	if (n > MV_META_MAX_PLAINTEXT)
		return bad(d, "%zu bytes, at most %d", n,
			   MV_META_MAX_PLAINTEXT);
	t = mv_read_u8(&d->r);
	if (d->r.failed)
		return bad(d, "empty");
	if (type && t != type)
		return bad(d, "wrong message type %u", t);
	if (!type && t != MV_META_PING && t != MV_META_PONG)
		return bad(d, "wrong message type %u", t);
	return 0;
}

static int dec_end(struct dec *d)
{
	d->item = NULL;
	if (d->r.left)
		return bad(d, "trailing data (%zu bytes)", d->r.left);
	return 0;
}

static int dec_name(struct dec *d, char out[MV_META_MAX_NAME + 1],
		    const char *field)
{
	switch (read_name(&d->r, out)) {
	case READ_OK:
		return 0;
	case READ_SHORT:
		return dec_truncated(d, field);
	default:
		return bad(d, "%s is not a valid name", field);
	}
}

static int dec_addr(struct dec *d, struct mv_wire_addr *a, const char *field)
{
	switch (read_addr(&d->r, a)) {
	case READ_OK:
		return 0;
	case READ_SHORT:
		return dec_truncated(d, field);
	default:
		if (a->family != 4)
			return bad(d, "%s family %u unknown", field, a->family);
		return bad(d, "%s: IPv4 padding not zero", field);
	}
}

/* A list count, checked against its limit and against the input left. */
static int dec_count(struct dec *d, size_t *count, const char *items,
		     size_t max, size_t min_item_len)
{
	size_t n = mv_read_u16(&d->r);

	*count = 0;
	if (d->r.failed)
		return bad(d, "count of %s truncated", items);
	if (n > max)
		return bad(d, "%zu %s, at most %zu", n, items, max);
	if (n > d->r.left / min_item_len)
		return bad(d, "%zu %s do not fit in %zu bytes", n, items,
			   d->r.left);
	*count = n;
	return 0;
}

static bool cipher_ok(uint8_t cipher)
{
	return cipher <= MESHVPN_CIPHER_ALG_AES_256_GCM;
}

static bool key_type_ok(uint8_t type)
{
	return type == MV_KEY_ED25519 || type == MV_KEY_RSA;
}

/* Leave @b as it was when @ret is an error. */
static int done(struct mv_buf *b, size_t start, int ret)
{
	if (ret)
		b->len = start;
	return ret;
}

/* ---- HELLO ---- */

int mv_meta_hello_encode(struct mv_buf *b, const struct mv_meta_hello *h)
{
	size_t start = b->len;
	int ret;

	if (h->major != MV_META_VERSION_MAJOR || !name_ok(h->name))
		return -EINVAL;
	ret = mv_buf_put(b, MV_META_MAGIC, 4);
	if (!ret)
		ret = mv_buf_put_u8(b, h->major);
	if (!ret)
		ret = mv_buf_put_u8(b, h->minor);
	if (!ret)
		ret = mv_buf_put_str(b, h->name);
	if (!ret)
		ret = mv_buf_put(b, h->ephemeral, sizeof(h->ephemeral));
	if (!ret)
		ret = mv_buf_put(b, h->random, sizeof(h->random));
	return done(b, start, ret);
}

static int hello_fields(struct dec *d, struct mv_meta_hello *h)
{
	uint8_t magic[4];
	int ret;

	mv_read_bytes(&d->r, magic, sizeof(magic));
	h->major = mv_read_u8(&d->r);
	h->minor = mv_read_u8(&d->r);
	if (d->r.failed)
		return dec_truncated(d, "header");
	if (memcmp(magic, MV_META_MAGIC, 4))
		return bad(d, "bad magic");
	if (h->major != MV_META_VERSION_MAJOR)
		return bad(d, "major version %u, want %u", h->major,
			   MV_META_VERSION_MAJOR);
	ret = dec_name(d, h->name, "name");
	if (ret)
		return ret;
	mv_read_bytes(&d->r, h->ephemeral, sizeof(h->ephemeral));
	mv_read_bytes(&d->r, h->random, sizeof(h->random));
	if (d->r.failed)
		return dec_truncated(d, "keys");
	return dec_end(d);
}

/* A HELLO is a cleartext record body, not a typed plaintext. */
int mv_meta_hello_decode(const void *p, size_t n, struct mv_meta_hello *h,
			 char err[MV_META_ERRLEN])
{
	struct dec d = { .msg = "HELLO", .err = err };
	int ret;

	if (err)
		err[0] = '\0';
	memset(h, 0, sizeof(*h));
	mv_reader_init(&d.r, p, n);
	ret = hello_fields(&d, h);
	if (ret)
		memset(h, 0, sizeof(*h));
	return ret;
}

/* ---- REFUSE ---- */

static const char *const refusal_text[] = {
	[MV_REFUSE_UNKNOWN_NODE] = "it has no trusted key for our name",
	[MV_REFUSE_BAD_KEY] = "our key is not the one it holds for us",
	[MV_REFUSE_KEY_TYPE] = "it holds another type of key for us",
	[MV_REFUSE_OWN_NAME] = "we use its own name",
	[MV_REFUSE_BUSY] = "too many connections from our address",
};

int mv_meta_refuse_encode(struct mv_buf *b, enum mv_meta_refusal code)
{
	size_t start = b->len;
	int ret;

	if (code < MV_REFUSE_UNKNOWN_NODE || code > MV_REFUSE_BUSY)
		return -EINVAL;
	ret = mv_buf_put(b, MV_META_REFUSE_MAGIC, 4);
	if (!ret)
		ret = mv_buf_put_u8(b, code);
	return done(b, start, ret);
}

int mv_meta_refuse_decode(const void *p, size_t n,
			  enum mv_meta_refusal *code)
{
	const uint8_t *b = p;

	if (n != MV_META_REFUSE_LEN || memcmp(b, MV_META_REFUSE_MAGIC, 4) ||
	    b[4] < MV_REFUSE_UNKNOWN_NODE || b[4] > MV_REFUSE_BUSY)
		return -EBADMSG;
	*code = b[4];
	return 0;
}

const char *mv_meta_refusal_text(enum mv_meta_refusal code)
{
	if (code < MV_REFUSE_UNKNOWN_NODE || code > MV_REFUSE_BUSY)
		return "no reason given";
	return refusal_text[code];
}

/* ---- record plaintexts ---- */

int mv_meta_type(const void *p, size_t n)
{
	uint8_t t;

	if (!n)
		return -EBADMSG;
	t = *(const uint8_t *)p;
	if (t < MV_META_AUTH || t > MV_META_UDP)
		return -EBADMSG;
	return t;
}

int mv_meta_auth_encode(struct mv_buf *b, uint8_t key_type,
			const uint8_t *sig, size_t sig_len)
{
	size_t start = b->len;
	int ret;

	if (!key_type_ok(key_type))
		return -EINVAL;
	if (sig_len > MV_META_MAX_PLAINTEXT - 4)
		return -EMSGSIZE;
	ret = mv_buf_put_u8(b, MV_META_AUTH);
	if (!ret)
		ret = mv_buf_put_u8(b, key_type);
	if (!ret)
		ret = mv_buf_put_blob(b, sig, sig_len);
	return done(b, start, ret);
}

static int auth_fields(struct dec *d, struct mv_meta_auth *a)
{
	a->key_type = mv_read_u8(&d->r);
	if (d->r.failed)
		return dec_truncated(d, "key type");
	if (!key_type_ok(a->key_type))
		return bad(d, "unknown key type %u", a->key_type);
	a->sig = mv_read_blob(&d->r, &a->sig_len);
	if (!a->sig)
		return dec_truncated(d, "signature");
	return dec_end(d);
}

int mv_meta_auth_decode(const void *p, size_t n, struct mv_meta_auth *a,
			char err[MV_META_ERRLEN])
{
	struct dec d;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = dec_start(&d, p, n, "AUTH", MV_META_AUTH, err);
	if (!ret)
		ret = auth_fields(&d, a);
	if (ret)
		memset(a, 0, sizeof(*a));
	return ret;
}

int mv_meta_ping_encode(struct mv_buf *b, enum mv_meta_type type,
			uint64_t token)
{
	size_t start = b->len;
	int ret;

	if (type != MV_META_PING && type != MV_META_PONG)
		return -EINVAL;
	ret = mv_buf_put_u8(b, type);
	if (!ret)
		ret = mv_buf_put_u64(b, token);
	return done(b, start, ret);
}

int mv_meta_ping_decode(const void *p, size_t n, uint64_t *token,
			char err[MV_META_ERRLEN])
{
	bool pong = n && *(const uint8_t *)p == MV_META_PONG;
	struct dec d;
	int ret;

	*token = 0;
	ret = dec_start(&d, p, n, pong ? "PONG" : "PING", 0, err);
	if (ret)
		return ret;
	*token = mv_read_u64(&d.r);
	if (d.r.failed)
		return dec_truncated(&d, "token");
	ret = dec_end(&d);
	if (ret)
		*token = 0;
	return ret;
}

/* ---- STATE ---- */

static bool subnet_text_ok(const uint8_t *s, size_t len)
{
	size_t i;

	if (!len || len > UINT8_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* Everything mv_meta_state_decode() would refuse in @s, as -EINVAL. */
static int state_check(const struct mv_meta_state *s)
{
	size_t i;

	if (!name_ok(s->origin) || s->flags & ~MV_STATE_F_KNOWN ||
	    !cipher_ok(s->cipher) || !key_type_ok(s->key_type))
		return -EINVAL;
	if (s->key_type == MV_KEY_ED25519 ? s->key_len != ED25519_KEY_LEN :
	    !s->key_len || s->key_len > UINT16_MAX)
		return -EINVAL;
	if (s->n_edges > MV_META_MAX_EDGES ||
	    s->n_subnets > MV_META_MAX_SUBNETS ||
	    s->n_candidates > MV_META_MAX_CANDIDATES)
		return -EINVAL;
	for (i = 0; i < s->n_edges; i++)
		if (!name_ok(s->edges[i].peer) || !s->edges[i].weight ||
		    !addr_ok(&s->edges[i].address))
			return -EINVAL;
	for (i = 0; i < s->n_subnets; i++)
		if (!s->subnets[i] ||
		    !subnet_text_ok((const uint8_t *)s->subnets[i],
				    strnlen(s->subnets[i], UINT8_MAX + 1)))
			return -EINVAL;
	for (i = 0; i < s->n_candidates; i++)
		if (s->candidates[i].kind < MV_CAND_REFLEXIVE ||
		    s->candidates[i].kind > MV_CAND_CONFIGURED ||
		    !addr_ok(&s->candidates[i].address))
			return -EINVAL;
	return 0;
}

static int state_put(struct mv_buf *b, const struct mv_meta_state *s)
{
	int ret;
	size_t i;

	ret = mv_buf_put_u8(b, MV_META_STATE);
	if (!ret)
		ret = mv_buf_put_str(b, s->origin);
	if (!ret)
		ret = mv_buf_put_u64(b, s->seq);
	if (!ret)
		ret = mv_buf_put_u32(b, s->lifetime);
	if (!ret)
		ret = mv_buf_put_u8(b, s->flags);
	if (!ret)
		ret = mv_buf_put_u8(b, s->cipher);
	if (!ret)
		ret = mv_buf_put_u16(b, s->port);
	if (!ret)
		ret = mv_buf_put_u8(b, s->key_type);
	if (!ret)
		ret = mv_buf_put_blob(b, s->key, s->key_len);
	if (!ret)
		ret = mv_buf_put_u16(b, (uint16_t)s->n_edges);
	for (i = 0; !ret && i < s->n_edges; i++) {
		ret = mv_buf_put_str(b, s->edges[i].peer);
		if (!ret)
			ret = mv_buf_put_u32(b, s->edges[i].weight);
		if (!ret)
			ret = mv_buf_put_addr(b, &s->edges[i].address);
	}
	if (!ret)
		ret = mv_buf_put_u16(b, (uint16_t)s->n_subnets);
	for (i = 0; !ret && i < s->n_subnets; i++)
		ret = mv_buf_put_str(b, s->subnets[i]);
	if (!ret)
		ret = mv_buf_put_u16(b, (uint16_t)s->n_candidates);
	for (i = 0; !ret && i < s->n_candidates; i++) {
		ret = mv_buf_put_u8(b, s->candidates[i].kind);
		if (!ret)
			ret = mv_buf_put_addr(b, &s->candidates[i].address);
	}
	return ret;
}

int mv_meta_state_encode_body(struct mv_buf *b, const struct mv_meta_state *s)
{
	int ret;

	/* The signed range is defined from b->data on. */
	if (b->len)
		return -EINVAL;
	ret = state_check(s);
	if (ret)
		return ret;
	ret = state_put(b, s);
	/* The two length bytes of the signature blob must fit too. */
	if (!ret && b->len + 2 > MV_META_MAX_PLAINTEXT)
		ret = -EMSGSIZE;
	return done(b, 0, ret);
}

int mv_meta_state_encode_sig(struct mv_buf *b, const uint8_t *sig,
			     size_t sig_len)
{
	if (!b->len || b->data[0] != MV_META_STATE)
		return -EINVAL;
	if (b->len > MV_META_MAX_PLAINTEXT - 2 ||
	    sig_len > MV_META_MAX_PLAINTEXT - 2 - b->len)
		return -EMSGSIZE;
	return mv_buf_put_blob(b, sig, sig_len);
}

int mv_meta_state_signed_part(struct mv_buf *out, const void *p, size_t n)
{
	size_t start = out->len;
	int ret;

	ret = mv_buf_put(out, MV_STATE_SIG_CONTEXT,
			 sizeof(MV_STATE_SIG_CONTEXT) - 1);
	if (!ret)
		ret = mv_buf_put(out, p, n);
	return done(out, start, ret);
}

/* A malloc()ed copy of a blob field; an empty blob is NULL, 0. */
static int dec_blob_copy(struct dec *d, uint8_t **out, size_t *len,
			 const char *field)
{
	const uint8_t *p = mv_read_blob(&d->r, len);

	if (!p)
		return dec_truncated(d, field);
	if (!*len)
		return 0;
	*out = malloc(*len);
	if (!*out) {
		*len = 0;
		return dec_nomem(d);
	}
	memcpy(*out, p, *len);
	return 0;
}

static int state_head(struct dec *d, struct mv_meta_state *s)
{
	int ret;

	ret = dec_name(d, s->origin, "origin");
	if (ret)
		return ret;
	s->seq = mv_read_u64(&d->r);
	s->lifetime = mv_read_u32(&d->r);
	s->flags = mv_read_u8(&d->r);
	s->cipher = mv_read_u8(&d->r);
	s->port = mv_read_u16(&d->r);
	s->key_type = mv_read_u8(&d->r);
	if (d->r.failed)
		return dec_truncated(d, "header");
	if (s->flags & ~MV_STATE_F_KNOWN)
		return bad(d, "unknown flags 0x%02x", s->flags);
	if (!cipher_ok(s->cipher))
		return bad(d, "unknown cipher %u", s->cipher);
	if (!key_type_ok(s->key_type))
		return bad(d, "unknown key type %u", s->key_type);
	ret = dec_blob_copy(d, &s->key, &s->key_len, "key");
	if (ret)
		return ret;
	if (s->key_type == MV_KEY_ED25519 && s->key_len != ED25519_KEY_LEN)
		return bad(d, "Ed25519 key of %zu bytes", s->key_len);
	if (!s->key_len)
		return bad(d, "empty key");
	return 0;
}

static int state_edges(struct dec *d, struct mv_meta_state *s)
{
	size_t n;
	int ret;

	ret = dec_count(d, &n, "edges", MV_META_MAX_EDGES, EDGE_MIN_LEN);
	if (ret || !n)
		return ret;
	s->edges = calloc(n, sizeof(*s->edges));
	if (!s->edges)
		return dec_nomem(d);
	s->n_edges = n;
	d->item = "edge";
	for (d->index = 0; d->index < n; d->index++) {
		struct mv_state_edge *e = &s->edges[d->index];

		ret = dec_name(d, e->peer, "peer");
		if (ret)
			return ret;
		e->weight = mv_read_u32(&d->r);
		if (d->r.failed)
			return dec_truncated(d, "weight");
		if (!e->weight)
			return bad(d, "weight 0");
		ret = dec_addr(d, &e->address, "address");
		if (ret)
			return ret;
	}
	d->item = NULL;
	return 0;
}

static int state_subnets(struct dec *d, struct mv_meta_state *s)
{
	size_t n;
	int ret;

	ret = dec_count(d, &n, "subnets", MV_META_MAX_SUBNETS, SUBNET_MIN_LEN);
	if (ret || !n)
		return ret;
	s->subnets = calloc(n, sizeof(*s->subnets));
	if (!s->subnets)
		return dec_nomem(d);
	s->n_subnets = n;
	d->item = "subnet";
	for (d->index = 0; d->index < n; d->index++) {
		size_t len = mv_read_u8(&d->r);
		const uint8_t *p = mv_read_take(&d->r, len);

		if (!p)
			return dec_truncated(d, "subnet");
		if (!subnet_text_ok(p, len))
			return bad(d, len ? "not printable text" : "empty");
		s->subnets[d->index] = strndup((const char *)p, len);
		if (!s->subnets[d->index])
			return dec_nomem(d);
	}
	d->item = NULL;
	return 0;
}

static int state_candidates(struct dec *d, struct mv_meta_state *s)
{
	size_t n;
	int ret;

	ret = dec_count(d, &n, "candidates", MV_META_MAX_CANDIDATES,
			CANDIDATE_MIN_LEN);
	if (ret || !n)
		return ret;
	s->candidates = calloc(n, sizeof(*s->candidates));
	if (!s->candidates)
		return dec_nomem(d);
	s->n_candidates = n;
	d->item = "candidate";
	for (d->index = 0; d->index < n; d->index++) {
		struct mv_state_candidate *c = &s->candidates[d->index];

		c->kind = mv_read_u8(&d->r);
		if (d->r.failed)
			return dec_truncated(d, "kind");
		if (c->kind < MV_CAND_REFLEXIVE || c->kind > MV_CAND_CONFIGURED)
			return bad(d, "unknown kind %u", c->kind);
		ret = dec_addr(d, &c->address, "address");
		if (ret)
			return ret;
	}
	d->item = NULL;
	return 0;
}

int mv_meta_state_decode(const void *p, size_t n, struct mv_meta_state *s,
			 size_t *signed_off, size_t *signed_len,
			 char err[MV_META_ERRLEN])
{
	size_t end;
	struct dec d;
	int ret;

	memset(s, 0, sizeof(*s));
	*signed_off = 0;
	*signed_len = 0;
	ret = dec_start(&d, p, n, "STATE", MV_META_STATE, err);
	if (!ret)
		ret = state_head(&d, s);
	if (!ret)
		ret = state_edges(&d, s);
	if (!ret)
		ret = state_subnets(&d, s);
	if (!ret)
		ret = state_candidates(&d, s);
	end = n - d.r.left;
	if (!ret)
		ret = dec_blob_copy(&d, &s->sig, &s->sig_len, "signature");
	if (!ret)
		ret = dec_end(&d);
	if (ret) {
		mv_meta_state_free(s);
		return ret;
	}
	*signed_off = 1;
	*signed_len = end - 1;
	return 0;
}

void mv_meta_state_free(struct mv_meta_state *s)
{
	size_t i;

	free(s->key);
	free(s->edges);
	for (i = 0; s->subnets && i < s->n_subnets; i++)
		free(s->subnets[i]);
	free(s->subnets);
	free(s->candidates);
	free(s->sig);
	memset(s, 0, sizeof(*s));
}

/* ---- SESSION and UDP ---- */

int mv_meta_session_encode(struct mv_buf *b, const struct mv_meta_session *s)
{
	size_t start = b->len, fixed;
	int ret;

	if (!name_ok(s->from) || !name_ok(s->to))
		return -EINVAL;
	fixed = 1 + 1 + strlen(s->from) + 1 + strlen(s->to) + 1 + 2;
	if (s->handshake_len > MV_META_MAX_PLAINTEXT - fixed)
		return -EMSGSIZE;
	ret = mv_buf_put_u8(b, MV_META_SESSION);
	if (!ret)
		ret = mv_buf_put_str(b, s->from);
	if (!ret)
		ret = mv_buf_put_str(b, s->to);
	if (!ret)
		ret = mv_buf_put_u8(b, s->ttl);
	if (!ret)
		ret = mv_buf_put_blob(b, s->handshake, s->handshake_len);
	return done(b, start, ret);
}

static int session_fields(struct dec *d, struct mv_meta_session *s)
{
	int ret;

	ret = dec_name(d, s->from, "from");
	if (!ret)
		ret = dec_name(d, s->to, "to");
	if (ret)
		return ret;
	s->ttl = mv_read_u8(&d->r);
	if (d->r.failed)
		return dec_truncated(d, "ttl");
	s->handshake = mv_read_blob(&d->r, &s->handshake_len);
	if (!s->handshake)
		return dec_truncated(d, "handshake");
	return dec_end(d);
}

int mv_meta_session_decode(const void *p, size_t n, struct mv_meta_session *s,
			   char err[MV_META_ERRLEN])
{
	struct dec d;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = dec_start(&d, p, n, "SESSION", MV_META_SESSION, err);
	if (!ret)
		ret = session_fields(&d, s);
	if (ret)
		memset(s, 0, sizeof(*s));
	return ret;
}

int mv_meta_udp_encode(struct mv_buf *b, const void *msg, size_t len)
{
	size_t start = b->len;
	int ret;

	if (len > MV_META_MAX_PLAINTEXT - 3)
		return -EMSGSIZE;
	ret = mv_buf_put_u8(b, MV_META_UDP);
	if (!ret)
		ret = mv_buf_put_blob(b, msg, len);
	return done(b, start, ret);
}

int mv_meta_udp_decode(const void *p, size_t n, const uint8_t **msg,
		       size_t *len, char err[MV_META_ERRLEN])
{
	struct dec d;
	int ret;

	*msg = NULL;
	*len = 0;
	ret = dec_start(&d, p, n, "UDP", MV_META_UDP, err);
	if (ret)
		return ret;
	*msg = mv_read_blob(&d.r, len);
	if (!*msg)
		return dec_truncated(&d, "message");
	ret = dec_end(&d);
	if (ret) {
		*msg = NULL;
		*len = 0;
	}
	return ret;
}

/* ---- session handshake blobs ---- */

int mv_handshake_encode_body(struct mv_buf *b, const struct mv_handshake *h)
{
	size_t start = b->len;
	int ret;

	if (h->kind < MV_HANDSHAKE_INIT || h->kind > MV_HANDSHAKE_CONFIRM ||
	    (h->kind == MV_HANDSHAKE_INIT && h->responder_id) ||
	    !cipher_ok(h->cipher))
		return -EINVAL;
	ret = mv_buf_put_u8(b, h->kind);
	if (!ret)
		ret = mv_buf_put_u64(b, h->initiator_id);
	if (!ret)
		ret = mv_buf_put_u64(b, h->responder_id);
	if (!ret)
		ret = mv_buf_put_u32(b, h->generation);
	if (!ret)
		ret = mv_buf_put_u8(b, h->cipher);
	if (!ret)
		ret = mv_buf_put(b, h->ephemeral, sizeof(h->ephemeral));
	if (!ret)
		ret = mv_buf_put(b, h->timestamp, sizeof(h->timestamp));
	return done(b, start, ret);
}

static int handshake_fields(struct dec *d, struct mv_handshake *h)
{
	h->kind = mv_read_u8(&d->r);
	h->initiator_id = mv_read_u64(&d->r);
	h->responder_id = mv_read_u64(&d->r);
	h->generation = mv_read_u32(&d->r);
	h->cipher = mv_read_u8(&d->r);
	mv_read_bytes(&d->r, h->ephemeral, sizeof(h->ephemeral));
	mv_read_bytes(&d->r, h->timestamp, sizeof(h->timestamp));
	if (d->r.failed)
		return dec_truncated(d, "body");
	if (h->kind < MV_HANDSHAKE_INIT || h->kind > MV_HANDSHAKE_CONFIRM)
		return bad(d, "unknown kind %u", h->kind);
	if (h->kind == MV_HANDSHAKE_INIT && h->responder_id)
		return bad(d, "INIT with a responder id");
	if (!cipher_ok(h->cipher))
		return bad(d, "unknown cipher %u", h->cipher);
	h->unsigned_len = HANDSHAKE_UNSIGNED_LEN;
	h->sig = mv_read_blob(&d->r, &h->sig_len);
	if (!h->sig)
		return dec_truncated(d, "signature");
	return dec_end(d);
}

/* A handshake blob has no type byte: it is carried inside SESSION. */
int mv_handshake_decode(const void *p, size_t n, struct mv_handshake *h,
			char err[MV_META_ERRLEN])
{
	struct dec d = { .msg = "handshake", .err = err };
	int ret;

	if (err)
		err[0] = '\0';
	memset(h, 0, sizeof(*h));
	mv_reader_init(&d.r, p, n);
	ret = handshake_fields(&d, h);
	if (ret)
		memset(h, 0, sizeof(*h));
	return ret;
}

int mv_handshake_init_signed_part(struct mv_buf *out, const char *from,
				  const char *to, const void *init,
				  size_t unsigned_len)
{
	size_t start = out->len;
	int ret;

	if (!name_ok(from) || !name_ok(to))
		return -EINVAL;
	ret = mv_buf_put(out, MV_HANDSHAKE_INIT_CONTEXT,
			 sizeof(MV_HANDSHAKE_INIT_CONTEXT) - 1);
	if (!ret)
		ret = mv_buf_put_str(out, from);
	if (!ret)
		ret = mv_buf_put_str(out, to);
	if (!ret)
		ret = mv_buf_put(out, init, unsigned_len);
	return done(out, start, ret);
}
