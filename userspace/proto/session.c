// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end sessions between two nodes (protocol.md, section 10): the
 * signed X25519 handshake carried hop by hop in SESSION meta messages, the
 * two key slots indexed by phase, the switch to new keys without loss, and
 * rekeying.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/meshvpn.h>

#include "crypto/cipher.h"
#include "crypto/handshake.h"
#include "lib/log.h"
#include "proto/proto.h"

#define MAX_INIT_TRIES	15

static void retry_timer(void *ctx);
static void rekey_timer(void *ctx);
static void switch_timer(void *ctx);

/*
 * Ciphers travel as meshvpn.ko's numbers (protocol.md, section 10); an unknown
 * one is taken for the default, which every node has.
 */
static enum mv_cipher cipher_of(uint8_t wire)
{
	enum mv_cipher c;

	return mv_cipher_from_alg(wire, &c) ? c : MV_CIPHER_CHACHA20_POLY1305;
}

/* none only if both allow it; AES only if both ask for it. */
static uint8_t agree_cipher(uint8_t a, uint8_t b)
{
	return a == b ? a : 1;
}

int mv_session_init(struct mv_proto *p, struct mv_node *n)
{
	struct mv_session *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	n->session = s;
	s->proto = p;
	s->tx_phase = -1;
	s->switch_phase = -1;
	mv_buf_init(&s->init_blob);
	mv_timer_init(&s->retry, retry_timer, n);
	mv_timer_init(&s->rekey, rekey_timer, n);
	mv_timer_init(&s->switch_tx, switch_timer, n);
	return 0;
}

static void slot_clear(struct mv_keyslot *k)
{
	mv_aead_free(k->tx);
	mv_aead_free(k->rx);
	mv_aead_free(k->probe_tx);
	mv_aead_free(k->probe_rx);
	mv_wipe(k, sizeof(*k));
}

static void drop_pending(struct mv_node *n)
{
	struct mv_session *s = n->session;

	mv_wipe(&s->eph, sizeof(s->eph));
	mv_buf_reset(&s->init_blob);
	s->pending = false;
	mv_timer_cancel(n->session->proto->loop, &s->retry);
}

void mv_session_clear(struct mv_node *n)
{
	struct mv_session *s = n->session;
	struct mv_loop *loop = n->session->proto->loop;

	slot_clear(&s->slot[0]);
	slot_clear(&s->slot[1]);
	n->session->proto->ops->keys_changed(n->session->proto->ops_ctx);
	s->tx_phase = -1;
	s->switch_phase = -1;
	drop_pending(n);
	mv_timer_cancel(loop, &s->rekey);
	mv_timer_cancel(loop, &s->switch_tx);
}

void mv_session_free(struct mv_node *n)
{
	if (!n->session)
		return;
	mv_session_clear(n);
	mv_buf_free(&n->session->init_blob);
	free(n->session);
	n->session = NULL;
}

/* Forward a SESSION or UDP meta message towards @to; false if no route. */
static bool route_meta(struct mv_proto *p, struct mv_node *to, const void *pt,
		       size_t len)
{
	struct mv_conn *c = to->conn;

	if (!c || c->state != MV_CONN_ACTIVE)
		c = to->reachable && to->nexthop ? to->nexthop->conn : NULL;
	if (c && c->state == MV_CONN_ACTIVE)
		return mv_meta_send(c, pt, len) == 0;
	/*
	 * No meta route, but a direct path (the hub between us went away):
	 * the handshake goes over UDP, so the path outlives its keys.
	 */
	if (to->udp.direct && pt && len && ((const uint8_t *)pt)[0] == MV_META_SESSION)
		return p->ops->send_session_udp(p->ops_ctx, to, pt, len) == 0;
	return false;
}

static int send_session(struct mv_node *to, const struct mv_buf *blob)
{
	struct mv_proto *p = to->session->proto;
	struct mv_meta_session m = { .ttl = MESHVPN_DEFAULT_TTL };
	struct mv_buf b;
	int err;

	strcpy(m.from, p->nodes->self->name);
	strcpy(m.to, to->name);
	m.handshake = blob->data;
	m.handshake_len = blob->len;
	mv_buf_init(&b);
	err = mv_meta_session_encode(&b, &m);
	if (!err && !route_meta(p, to, b.data, b.len))
		err = -EHOSTUNREACH;
	mv_buf_free(&b);
	return err;
}

static int sign_into(struct mv_proto *p, const void *msg, size_t len,
		     struct mv_buf *blob)
{
	uint8_t *sig = NULL;
	size_t sig_len;
	int err = mv_identity_sign(p->key, msg, len, &sig, &sig_len);

	if (!err)
		err = mv_buf_put_blob(blob, sig, sig_len);
	free(sig);
	return err;
}

void mv_session_start(struct mv_node *n)
{
	struct mv_proto *p = n->session->proto;
	struct mv_session *s = n->session;
	struct mv_handshake h = { .kind = MV_HANDSHAKE_INIT };
	struct mv_buf msg;
	int err;

	if (s->pending || n == p->nodes->self)
		return;
	if (mv_x25519_generate(&s->eph))
		return;
	h.initiator_id = mv_random_u64();
	h.generation = s->last_generation + 1;
	h.cipher = mv_cipher_alg(p->conf->cipher);
	memcpy(h.ephemeral, s->eph.pub, sizeof(h.ephemeral));
	mv_buf_reset(&s->init_blob);
	mv_buf_init(&msg);
	err = mv_handshake_encode_body(&s->init_blob, &h);
	err = err ?: mv_handshake_init_signed_part(&msg, p->nodes->self->name, n->name,
						   s->init_blob.data,
						   s->init_blob.len);
	err = err ?: sign_into(p, msg.data, msg.len, &s->init_blob);
	mv_buf_free(&msg);
	if (err) {
		drop_pending(n);
		return;
	}
	s->pending = true;
	s->pending_id = h.initiator_id;
	s->pending_generation = h.generation;
	s->pending_since = mv_loop_now(p->loop);
	s->tries = 0;
	mv_info(2, "Starting session handshake with %s (generation %u)",
		n->name, h.generation);
	send_session(n, &s->init_blob);
	mv_timer_arm(p->loop, &s->retry, MV_HANDSHAKE_RETRY);
}

static void retry_timer(void *ctx)
{
	struct mv_node *n = ctx;
	struct mv_session *s = n->session;

	if (!s->pending)
		return;
	if (++s->tries >= MAX_INIT_TRIES) {
		mv_info(1, "No session with %s: it does not answer", n->name);
		drop_pending(n);
		return;
	}
	send_session(n, &s->init_blob);
	mv_timer_arm(n->session->proto->loop, &s->retry, MV_HANDSHAKE_RETRY);
}

static void rekey_timer(void *ctx)
{
	struct mv_node *n = ctx;

	if (n->reachable || n->conn || n->udp.direct)
		mv_session_start(n);
}

static void switch_timer(void *ctx)
{
	mv_session_rx_phase(ctx, ((struct mv_node *)ctx)->session->switch_phase);
}

void mv_session_rx_phase(struct mv_node *n, int phase)
{
	struct mv_session *s = n->session;

	if (s->switch_phase < 0 || phase != s->switch_phase)
		return;
	s->tx_phase = phase;
	s->switch_phase = -1;
	n->session->proto->ops->keys_changed(n->session->proto->ops_ctx);
	mv_timer_cancel(n->session->proto->loop, &s->switch_tx);
}

/*
 * Derive generation @gen's keys from our ephemeral @priv and the peer's
 * @peer_pub, and install them into the slot of its phase.
 */
static int install(struct mv_node *n, const uint8_t priv[MV_X25519_LEN],
		   const uint8_t peer_pub[MV_X25519_LEN],
		   const uint8_t th[MV_HASH_LEN], bool initiator,
		   uint32_t gen, uint8_t cipher)
{
	struct mv_keyslot *k = &n->session->slot[gen & 1];
	uint8_t key[MV_SESSION_KEYS][MV_KEY_LEN];
	enum mv_cipher c = cipher_of(cipher);
	int err;

	err = mv_session_derive(priv, peer_pub, th, key);
	if (err)
		return err;
	slot_clear(k);
	k->tx = mv_aead_new(c, key[initiator ? MV_KEY_DATA_I2R : MV_KEY_DATA_R2I]);
	k->rx = mv_aead_new(c, key[initiator ? MV_KEY_DATA_R2I : MV_KEY_DATA_I2R]);
	memcpy(k->tx_key, key[initiator ? MV_KEY_DATA_I2R : MV_KEY_DATA_R2I],
	       MV_KEY_LEN);
	memcpy(k->rx_key, key[initiator ? MV_KEY_DATA_R2I : MV_KEY_DATA_I2R],
	       MV_KEY_LEN);
	/* Probes are always authenticated, whatever the data cipher. */
	k->probe_tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305,
				  key[initiator ? MV_KEY_PROBE_I2R : MV_KEY_PROBE_R2I]);
	k->probe_rx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305,
				  key[initiator ? MV_KEY_PROBE_R2I : MV_KEY_PROBE_I2R]);
	mv_wipe(key, sizeof(key));
	if (!k->tx || !k->rx || !k->probe_tx || !k->probe_rx) {
		slot_clear(k);
		return -ENOMEM;
	}
	k->valid = true;
	n->session->proto->ops->keys_changed(n->session->proto->ops_ctx);
	k->generation = gen;
	k->cipher = c;
	k->created = mv_loop_now(n->session->proto->loop);
	mv_replay_init(&k->replay);
	mv_replay_init(&k->probe_replay);
	n->session->last_generation = gen;
	n->session->initiator = initiator;
	mv_info(1, "Session with %s established (generation %u, %s)", n->name,
		gen, mv_cipher_name(c));
	return 0;
}

static void receive_init(struct mv_node *n, const struct mv_meta_session *m,
			 const struct mv_handshake *h)
{
	struct mv_proto *p = n->session->proto;
	struct mv_session *s = n->session;
	struct mv_handshake r = { .kind = MV_HANDSHAKE_RESP };
	uint8_t th[MV_HASH_LEN];
	struct mv_x25519 eph;
	struct mv_buf blob;
	int phase, err;

	if (s->pending && strcmp(p->nodes->self->name, n->name) < 0) {
		mv_info(3, "Crossing handshakes with %s: ours wins", n->name);
		return;
	}
	drop_pending(n);
	r.initiator_id = h->initiator_id;
	r.responder_id = mv_random_u64();
	r.generation = h->generation > s->last_generation ? h->generation :
		       s->last_generation + 1;
	r.cipher = agree_cipher(mv_cipher_alg(p->conf->cipher), h->cipher);
	if (mv_x25519_generate(&eph))
		return;
	memcpy(r.ephemeral, eph.pub, sizeof(r.ephemeral));
	mv_buf_init(&blob);
	err = mv_handshake_encode_body(&blob, &r);
	err = err ?: mv_transcript_hash(m->handshake, m->handshake_len,
					blob.data, blob.len, th);
	if (!err) {
		struct mv_buf msg;

		mv_buf_init(&msg);
		err = mv_buf_put(&msg, MV_HANDSHAKE_RESP_CONTEXT, strlen(MV_HANDSHAKE_RESP_CONTEXT)) ?:
		      mv_buf_put(&msg, th, sizeof(th)) ?:
		      sign_into(p, msg.data, msg.len, &blob);
		mv_buf_free(&msg);
	}
	err = err ?: install(n, eph.priv, h->ephemeral, th, false, r.generation,
			     r.cipher);
	mv_wipe(&eph, sizeof(eph));
	if (err) {
		mv_buf_free(&blob);
		mv_warn("Cannot answer the session handshake of %s", n->name);
		return;
	}
	phase = r.generation & 1;
	if (s->tx_phase < 0 || !s->slot[s->tx_phase].valid) {
		s->tx_phase = phase;
	} else if (s->tx_phase != phase) {
		/* Keep sending with the old keys until the peer has these. */
		s->switch_phase = phase;
		mv_timer_arm(p->loop, &s->switch_tx, MV_RESPONDER_SWITCH);
	}
	send_session(n, &blob);
	mv_buf_free(&blob);
	mv_timer_cancel(p->loop, &s->rekey);
	p->ops->session_ready(p->ops_ctx, n);
}

static void receive_resp(struct mv_node *n, const struct mv_meta_session *m,
			 const struct mv_handshake *h)
{
	struct mv_proto *p = n->session->proto;
	struct mv_session *s = n->session;
	struct mv_identity *key = mv_node_trusted_key(n);
	uint8_t th[MV_HASH_LEN];
	struct mv_buf msg;
	int err;

	if (!s->pending || h->initiator_id != s->pending_id) {
		mv_info(3, "Stale session answer from %s ignored", n->name);
		return;
	}
	if (h->generation < s->pending_generation ||
	    (p->conf->cipher != MV_CIPHER_NONE &&
	     h->cipher == MESHVPN_CIPHER_ALG_NONE)) {
		mv_warn("Session answer from %s breaks the rules: ignored", n->name);
		return;
	}
	mv_buf_init(&msg);
	err = mv_transcript_hash(s->init_blob.data, s->init_blob.len,
				 m->handshake, h->unsigned_len, th);
	err = err ?: mv_buf_put(&msg, MV_HANDSHAKE_RESP_CONTEXT, strlen(MV_HANDSHAKE_RESP_CONTEXT)) ?:
	      mv_buf_put(&msg, th, sizeof(th));
	if (!err && mv_identity_verify(key, msg.data, msg.len, h->sig, h->sig_len)) {
		mv_warn("Session answer from %s has a bad signature", n->name);
		err = -EBADMSG;
	}
	mv_buf_free(&msg);
	if (err)
		return;
	err = install(n, s->eph.priv, h->ephemeral, th, true, h->generation,
		      h->cipher);
	drop_pending(n);
	if (err)
		return;
	s->tx_phase = h->generation & 1;
	s->switch_phase = -1;
	mv_timer_cancel(p->loop, &s->switch_tx);
	mv_timer_arm(p->loop, &s->rekey, MESHVPN_REKEY_AFTER_SECONDS * 1000ull);
	p->ops->session_ready(p->ops_ctx, n);
}

/* Relay a SESSION for another node one hop on, with the TTL decremented. */
static void forward(struct mv_proto *p, const struct mv_meta_session *m,
		    const uint8_t *pt, size_t len)
{
	struct mv_node *to = mv_node_find(p->nodes, m->to);
	size_t ttl_at = 1 + 1 + strlen(m->from) + 1 + strlen(m->to);
	uint8_t *copy;

	if (!to || m->ttl <= 1 || ttl_at >= len) {
		mv_info(2, "Dropping a session message from %s for %s: no route",
			m->from, m->to);
		return;
	}
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, pt, len);
	copy[ttl_at] = m->ttl - 1;
	if (!route_meta(p, to, copy, len))
		mv_info(2, "Dropping a session message from %s for %s: no route",
			m->from, m->to);
	free(copy);
}

void mv_session_receive(struct mv_proto *p, const uint8_t *pt, size_t len)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_session m;
	struct mv_handshake h;
	struct mv_identity *key;
	struct mv_node *n;
	struct mv_buf msg;
	bool ok;

	if (mv_meta_session_decode(pt, len, &m, err)) {
		mv_warn("Bad session message: %s", err);
		return;
	}
	if (strcmp(m.to, p->nodes->self->name)) {
		forward(p, &m, pt, len);
		return;
	}
	n = mv_node_find(p->nodes, m.from);
	key = n ? mv_node_trusted_key(n) : NULL;
	if (!key || n == p->nodes->self) {
		mv_info(1, "Session handshake from %s, whose key we do not know yet",
			m.from);
		return;
	}
	if (mv_handshake_decode(m.handshake, m.handshake_len, &h, err)) {
		mv_warn("Bad session handshake from %s: %s", m.from, err);
		return;
	}
	if (h.kind == MV_HANDSHAKE_RESP) {
		receive_resp(n, &m, &h);
		return;
	}
	mv_buf_init(&msg);
	ok = !mv_handshake_init_signed_part(&msg, m.from, m.to, m.handshake,
						 h.unsigned_len) &&
	     !mv_identity_verify(key, msg.data, msg.len, h.sig, h.sig_len);
	mv_buf_free(&msg);
	if (!ok) {
		mv_warn("Session handshake from %s has a bad signature", m.from);
		return;
	}
	receive_init(n, &m, &h);
}

struct mv_keyslot *mv_session_tx(struct mv_node *n)
{
	struct mv_session *s = n->session;
	struct mv_keyslot *k;
	uint64_t now = mv_loop_now(n->session->proto->loop);

	if (s->tx_phase < 0)
		return NULL;
	k = &s->slot[s->tx_phase];
	if (!k->valid || now - k->created > MESHVPN_REJECT_AFTER_SECONDS * 1000ull ||
	    k->tx_counter >= MESHVPN_REJECT_AFTER_MESSAGES)
		return NULL;
	/* A responder whose initiator went quiet renews the keys itself. */
	if (now - k->created > MESHVPN_REKEY_AFTER_SECONDS * 1000ull + 30000 ||
	    k->tx_counter >= MESHVPN_REKEY_AFTER_MESSAGES)
		mv_session_start(n);
	return k;
}
