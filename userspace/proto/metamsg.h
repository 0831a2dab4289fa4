/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encoding and decoding of meta protocol messages (Documentation/protocol.md
 * sections 9 and 10): the cleartext HELLO, the plaintexts of encrypted
 * records, and the session handshake blobs. Pure functions over buffers: no
 * I/O, no crypto (signatures are opaque bytes here; the callers sign and
 * verify the byte ranges these functions report).
 *
 * Decoders never trust the input: every length is checked, names must be
 * valid node names, counts are bounded by the MV_META_MAX_* limits, enum
 * values and flags must be known, nothing may be left over, and a record
 * plaintext is at most MV_META_MAX_PLAINTEXT bytes. They return 0 or
 * -EBADMSG, with a short reason in @err ("STATE: edge 3 truncated", ...)
 * for the log line; @err may be NULL. mv_meta_state_decode(), which
 * allocates, may also fail with -ENOMEM. On failure the output is zeroed.
 * Decoded structures point into the input or into malloc()ed memory owned
 * by the structure, as each field says: free the latter with the matching
 * _free function, which is also safe after a failed decode.
 *
 * Encoders append to a struct mv_buf and return 0, -ENOMEM, -EINVAL (a
 * value the format cannot carry or the decoder would refuse: an invalid
 * name, too many items, an unknown enum value) or -EMSGSIZE (a record
 * plaintext longer than MV_META_MAX_PLAINTEXT). On failure @b is left as
 * it was. What an encoder accepts, the decoder decodes to the same value,
 * and the other way round: encodings are canonical.
 */
#ifndef MESHVPN_METAMSG_H
#define MESHVPN_METAMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/sockaddr.h"

#define MV_META_MAGIC		"MVPN"
#define MV_META_VERSION_MAJOR	1
#define MV_META_VERSION_MINOR	0
#define MV_META_MAX_PLAINTEXT	16384
#define MV_META_MAX_NAME	64
#define MV_META_MAX_EDGES	4096
#define MV_META_MAX_SUBNETS	4096
#define MV_META_MAX_CANDIDATES	32
#define MV_META_ERRLEN		128

enum mv_meta_type {
	MV_META_AUTH = 1,
	MV_META_PING = 2,
	MV_META_PONG = 3,
	MV_META_STATE = 4,
	MV_META_SESSION = 5,
	MV_META_UDP = 6,
};

#define MV_STATE_F_INDIRECT	0x01
#define MV_STATE_F_TCPONLY	0x02
#define MV_STATE_F_GONE		0x04
#define MV_STATE_F_KNOWN	0x07

enum mv_candidate_kind {
	MV_CAND_REFLEXIVE = 1,
	MV_CAND_LOCAL = 2,
	MV_CAND_CONFIGURED = 3,
};

/*
 * A u8-length node name into @out (NUL-terminated); false (and r->failed,
 * @out empty) if truncated or not a valid node name.
 */
bool mv_read_name(struct mv_reader *r, char out[MV_META_MAX_NAME + 1]);

/* -EINVAL for a bad family or non-zero IPv4 padding. */
int mv_buf_put_addr(struct mv_buf *b, const struct mv_wire_addr *a);
/* false (and r->failed) for a bad family or non-zero IPv4 padding. */
bool mv_read_addr(struct mv_reader *r, struct mv_wire_addr *a);

/* ---- HELLO (cleartext, section 9.2) ---- */

/*
 * The decoder refuses a major version other than MV_META_VERSION_MAJOR:
 * the layout after the version fields is only known for this one.
 */
struct mv_meta_hello {
	uint8_t major, minor;
	char name[MV_META_MAX_NAME + 1];
	uint8_t ephemeral[32];
	uint8_t random[32];
};

int mv_meta_hello_encode(struct mv_buf *b, const struct mv_meta_hello *h);
int mv_meta_hello_decode(const void *p, size_t n, struct mv_meta_hello *h,
			 char err[MV_META_ERRLEN]);

/* ---- REFUSE (cleartext, section 9.2) ---- */

/*
 * Why a node closes a connection during the handshake, sent in clear
 * before it closes so that the other side can log it and back off. Only
 * a code goes on the wire: the receiver words it, so nothing the peer
 * chooses reaches its log.
 */
#define MV_META_REFUSE_MAGIC	"MVRF"
#define MV_META_REFUSE_LEN	5

enum mv_meta_refusal {
	MV_REFUSE_UNKNOWN_NODE = 1,	/* no trusted key for that name */
	MV_REFUSE_BAD_KEY = 2,		/* AUTH did not verify */
	MV_REFUSE_KEY_TYPE = 3,		/* another type of key expected */
	MV_REFUSE_OWN_NAME = 4,		/* the peer used our own name */
	MV_REFUSE_BUSY = 5,		/* MaxConnectionBurst, MaxPreAuthConnections */
};

int mv_meta_refuse_encode(struct mv_buf *b, enum mv_meta_refusal code);
/* 0 with *@code set when @p is a REFUSE; -EBADMSG otherwise. */
int mv_meta_refuse_decode(const void *p, size_t n,
			  enum mv_meta_refusal *code);
/* What @code means, for the log of the refused side. */
const char *mv_meta_refusal_text(enum mv_meta_refusal code);

/* ---- record plaintexts (section 9.3) ---- */

/* The message type of a plaintext, or -EBADMSG when empty or unknown. */
int mv_meta_type(const void *p, size_t n);

/* What the AUTH signature covers first, then role byte and th (9.2). */
#define MV_META_AUTH_CONTEXT	"meshvpn meta auth v1"

struct mv_meta_auth {
	uint8_t key_type;		/* 1 Ed25519, 2 RSA */
	const uint8_t *sig;		/* points into the decoded input */
	size_t sig_len;
};

int mv_meta_auth_encode(struct mv_buf *b, uint8_t key_type,
			const uint8_t *sig, size_t sig_len);
int mv_meta_auth_decode(const void *p, size_t n, struct mv_meta_auth *a,
			char err[MV_META_ERRLEN]);

/*
 * PING and PONG: @type MV_META_PING or MV_META_PONG. The decoder takes
 * either; mv_meta_type() tells them apart.
 */
int mv_meta_ping_encode(struct mv_buf *b, enum mv_meta_type type,
			uint64_t token);
int mv_meta_ping_decode(const void *p, size_t n, uint64_t *token,
			char err[MV_META_ERRLEN]);

struct mv_state_edge {
	char peer[MV_META_MAX_NAME + 1];
	uint32_t weight;		/* at least 1 */
	struct mv_wire_addr address;
};

struct mv_state_candidate {
	uint8_t kind;			/* enum mv_candidate_kind */
	struct mv_wire_addr address;
};

/*
 * Subnets stay text for the caller to parse (and, with StrictSubnets, to
 * drop one by one); the codec only insists on 1..255 printable ASCII
 * characters, so that they are C strings and safe to log.
 */
struct mv_meta_state {
	char origin[MV_META_MAX_NAME + 1];
	uint64_t seq;
	uint32_t lifetime;
	uint8_t flags;			/* MV_STATE_F_* */
	uint8_t cipher;			/* 0 none, 1 chacha, 2 aes (netlink values) */
	uint16_t port;
	uint8_t key_type;		/* 1 Ed25519 (32 bytes), 2 RSA */
	uint8_t *key;			/* malloc()ed */
	size_t key_len;
	struct mv_state_edge *edges;	/* malloc()ed */
	size_t n_edges;
	char **subnets;			/* malloc()ed strings, unparsed */
	size_t n_subnets;
	struct mv_state_candidate *candidates;
	size_t n_candidates;
	uint8_t *sig;			/* malloc()ed */
	size_t sig_len;
};

/*
 * Encode everything but the signature into the empty buffer @b (-EINVAL
 * if it is not), starting with the type byte: the bytes the origin signs
 * are b->data + 1 .. b->len, preceded by MV_STATE_SIG_CONTEXT
 * (mv_meta_state_signed_part()). -EMSGSIZE if not even an empty signature
 * would fit. Then append the signature with mv_meta_state_encode_sig(),
 * which gives -EMSGSIZE if the whole record would not fit.
 */
int mv_meta_state_encode_body(struct mv_buf *b, const struct mv_meta_state *s);
int mv_meta_state_encode_sig(struct mv_buf *b, const uint8_t *sig,
			     size_t sig_len);
/*
 * Append to @out what a STATE signature covers: MV_STATE_SIG_CONTEXT
 * followed by the @n signed bytes at @p (from the encoder or the range
 * mv_meta_state_decode() reports).
 */
int mv_meta_state_signed_part(struct mv_buf *out, const void *p, size_t n);
/*
 * Decode a whole STATE plaintext (type byte included). On success
 * *@signed_off and *@signed_len give the byte range of @p covered by the
 * signature (after the type byte, up to the signature blob).
 */
int mv_meta_state_decode(const void *p, size_t n, struct mv_meta_state *s,
			 size_t *signed_off, size_t *signed_len,
			 char err[MV_META_ERRLEN]);
void mv_meta_state_free(struct mv_meta_state *s);
#define MV_STATE_SIG_CONTEXT	"meshvpn state v1"

struct mv_meta_session {
	char from[MV_META_MAX_NAME + 1];
	char to[MV_META_MAX_NAME + 1];
	uint8_t ttl;
	const uint8_t *handshake;	/* points into the decoded input */
	size_t handshake_len;
};

int mv_meta_session_encode(struct mv_buf *b, const struct mv_meta_session *s);
int mv_meta_session_decode(const void *p, size_t n, struct mv_meta_session *s,
			   char err[MV_META_ERRLEN]);

/* UDP: a whole UDP message (header and payload) for the TCP fallback. */
int mv_meta_udp_encode(struct mv_buf *b, const void *msg, size_t len);
int mv_meta_udp_decode(const void *p, size_t n, const uint8_t **msg,
		       size_t *len, char err[MV_META_ERRLEN]);

/* ---- session handshake blobs (section 10) ---- */

enum mv_handshake_kind {
	MV_HANDSHAKE_INIT = 1,
	MV_HANDSHAKE_RESP = 2,
	MV_HANDSHAKE_CONFIRM = 3,
};

#define MV_HANDSHAKE_TIMESTAMP_LEN	12

struct mv_handshake {
	uint8_t kind;
	uint64_t initiator_id;
	uint64_t responder_id;		/* 0 in INIT */
	uint32_t generation;
	uint8_t cipher;
	uint8_t ephemeral[32];
	/* INIT: when it was made (section 10), the replay defence */
	uint8_t timestamp[MV_HANDSHAKE_TIMESTAMP_LEN];
	const uint8_t *sig;		/* points into the decoded input */
	size_t sig_len;
	size_t unsigned_len;		/* bytes before the signature blob */
};

#define MV_HANDSHAKE_INIT_CONTEXT	"meshvpn session init v1"
#define MV_HANDSHAKE_RESP_CONTEXT	"meshvpn session resp v1"

/* Everything but the signature; then mv_buf_put_blob() the signature. */
int mv_handshake_encode_body(struct mv_buf *b, const struct mv_handshake *h);
int mv_handshake_decode(const void *p, size_t n, struct mv_handshake *h,
			char err[MV_META_ERRLEN]);
/*
 * Append to @out what an INIT signature covers: MV_HANDSHAKE_INIT_CONTEXT,
 * @from and @to as str, then the first @unsigned_len bytes of the INIT
 * blob at @init. -EINVAL for an invalid name.
 */
int mv_handshake_init_signed_part(struct mv_buf *out, const char *from,
				  const char *to, const void *init,
				  size_t unsigned_len);

#endif /* MESHVPN_METAMSG_H */
