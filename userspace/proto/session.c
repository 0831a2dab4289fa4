// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end sessions between two nodes (protocol.md, section 10): the
 * signed X25519 handshake carried hop by hop in SESSION meta messages, the
 * two key slots indexed by phase, the switch to new keys without loss, and
 * rekeying. What a handshake may cost a responder is bounded here too:
 * INITs must be newer than the last one of their initiator, each peer's
 * are rate limited, and under load INITs over UDP need a cookie.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/meshvpn.h>

#include "crypto/cipher.h"
#include "crypto/handshake.h"
#include "lib/log.h"
#include "proto/proto.h"

#define MAX_INIT_TRIES	15
/* A responder waiting this long for a CONFIRM may start its own INIT. */
#define CONFIRM_WAIT	MV_HANDSHAKE_RETRY
#define COOKIE_ADDR_MAX		32

static void retry_timer(void *ctx);
static void rekey_timer(void *ctx);

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
	mv_buf_init(&s->resp_blob);
	mv_timer_init(&s->retry, retry_timer, n);
	mv_timer_init(&s->rekey, rekey_timer, n);
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

/* The responder no longer waits for a CONFIRM. */
static void drop_answer(struct mv_session *s)
{
	mv_wipe(s->confirm, sizeof(s->confirm));
	mv_buf_reset(&s->resp_blob);
	s->switch_phase = -1;
}

void mv_session_clear(struct mv_node *n)
{
	struct mv_session *s = n->session;
	struct mv_loop *loop = n->session->proto->loop;

	slot_clear(&s->slot[0]);
	slot_clear(&s->slot[1]);
	n->session->proto->ops->keys_changed(n->session->proto->ops_ctx);
	s->tx_phase = -1;
	drop_answer(s);
	drop_pending(n);
	mv_timer_cancel(loop, &s->rekey);
}

void mv_session_free(struct mv_node *n)
{
	if (!n->session)
		return;
	mv_session_clear(n);
	mv_buf_free(&n->session->init_blob);
	mv_buf_free(&n->session->resp_blob);
	free(n->session);
	n->session = NULL;
}

/* Forward a SESSION meta message towards @to; false if no route. */
static bool route_meta(struct mv_node *to, const void *pt, size_t len)
{
	struct mv_conn *c = to->conn;

	if (!c || c->state != MV_CONN_ACTIVE)
		c = to->reachable && to->nexthop ? to->nexthop->conn : NULL;
	if (c && c->state == MV_CONN_ACTIVE)
		return mv_meta_send(c, pt, len) == 0;
	return false;
}

/*
 * Our own SESSION meta message straight to @to over UDP, behind the MAC
 * of the cookie @to gave us if it is recent.
 */
static bool send_udp(struct mv_proto *p, struct mv_node *to, const void *pt,
		     size_t len)
{
	struct mv_session *s = to->session;
	uint64_t now = mv_loop_now(p->loop);
	uint8_t mac[MV_COOKIE_LEN];
	struct mv_buf b;
	bool sent;

	if (!s->cookie_at || now - s->cookie_at >= MV_COOKIE_SECRET_LIFE)
		return p->ops->send_session_udp(p->ops_ctx, to, pt, len) == 0;
	mv_buf_init(&b);
	sent = !mv_cookie_mac(s->cookie, pt, len, mac) &&
	       !mv_buf_put_u8(&b, MV_UDP_SESSION_MAC) &&
	       !mv_buf_put(&b, mac, sizeof(mac)) &&
	       !mv_buf_put(&b, pt, len) &&
	       p->ops->send_session_udp(p->ops_ctx, to, b.data, b.len) == 0;
	mv_buf_free(&b);
	return sent;
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
	/*
	 * No meta route, but a direct path (the hub between us went away):
	 * the handshake goes over UDP, so the path outlives its keys.
	 */
	if (!err && !route_meta(to, b.data, b.len) &&
	    !(to->udp.direct && send_udp(p, to, b.data, b.len)))
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

/*
 * A timestamp newer than any we sent @s's peer: the clock's, or one more
 * than the last if the clock did not move on (or went back).
 */
static void next_timestamp(struct mv_session *s,
			   uint8_t out[MV_SESSION_TIMESTAMP_LEN])
{
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	mv_session_timestamp((uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec, out);
	if (memcmp(out, s->own_time, MV_SESSION_TIMESTAMP_LEN) <= 0) {
		memcpy(out, s->own_time, MV_SESSION_TIMESTAMP_LEN);
		for (i = MV_SESSION_TIMESTAMP_LEN - 1; i >= 0 && !++out[i]; i--)
			;
	}
	memcpy(s->own_time, out, MV_SESSION_TIMESTAMP_LEN);
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
	/* The peer's CONFIRM is on its way: an INIT of ours would cross it. */
	if (s->switch_phase >= 0 &&
	    mv_loop_now(p->loop) - s->resp_at < CONFIRM_WAIT)
		return;
	if (mv_x25519_generate(&s->eph))
		return;
	next_timestamp(s, h.timestamp);
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

/*
 * The peer proved it holds the keys of @phase (it sent a message under
 * them): a responder that waited for that sends with them from now on.
 */
void mv_session_rx_phase(struct mv_node *n, int phase)
{
	struct mv_session *s = n->session;
	struct mv_proto *p = s->proto;

	if (s->switch_phase < 0 || phase != s->switch_phase ||
	    !s->slot[phase].valid)
		return;
	s->tx_phase = phase;
	drop_answer(s);
	mv_info(2, "%s holds the keys of generation %u: sending with them",
		n->name, s->slot[phase].generation);
	p->ops->keys_changed(p->ops_ctx);
	p->ops->session_ready(p->ops_ctx, n);
}

/*
 * Derive generation @gen's keys from our ephemeral @priv and the peer's
 * @peer_pub, and install them into the slot of its phase.
 */
static int install(struct mv_node *n, const uint8_t priv[MV_X25519_LEN],
		   const uint8_t peer_pub[MV_X25519_LEN],
		   const uint8_t th[MV_HASH_LEN], bool initiator,
		   uint32_t gen, uint8_t cipher, uint8_t confirm[MV_KEY_LEN])
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
	memcpy(confirm, key[MV_KEY_CONFIRM], MV_KEY_LEN);
	mv_wipe(key, sizeof(key));
	if (!k->tx || !k->rx || !k->probe_tx || !k->probe_rx) {
		slot_clear(k);
		mv_wipe(confirm, MV_KEY_LEN);
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
	uint8_t th[MV_HASH_LEN], confirm[MV_KEY_LEN];
	struct mv_x25519 eph;
	struct mv_buf blob;
	int err;

	if (s->pending && strcmp(p->nodes->self->name, n->name) < 0) {
		mv_info(3, "Crossing handshakes with %s: ours wins", n->name);
		return;
	}
	drop_pending(n);
	r.initiator_id = h->initiator_id;
	r.responder_id = mv_random_u64();
	r.generation = h->generation > s->last_generation ? h->generation :
		       s->last_generation + 1;
	/* Never into the slot we send with: that waits for the CONFIRM. */
	if (s->tx_phase >= 0 && s->slot[s->tx_phase].valid &&
	    (int)(r.generation & 1) == s->tx_phase)
		r.generation++;
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
			     r.cipher, confirm);
	mv_wipe(&eph, sizeof(eph));
	if (err) {
		mv_buf_free(&blob);
		mv_warn("Cannot answer the session handshake of %s", n->name);
		return;
	}
	/*
	 * Keep sending with the old keys (or none) until the initiator has
	 * shown it holds these: a replayed INIT must not take our session.
	 */
	drop_answer(s);
	s->switch_phase = r.generation & 1;
	memcpy(s->confirm, confirm, sizeof(confirm));
	mv_wipe(confirm, sizeof(confirm));
	s->resp_initiator_id = r.initiator_id;
	s->resp_responder_id = r.responder_id;
	s->resp_at = mv_loop_now(p->loop);
	mv_buf_free(&s->resp_blob);
	s->resp_blob = blob;
	send_session(n, &s->resp_blob);
	mv_timer_cancel(p->loop, &s->rekey);
}

/* Initiator: prove to the responder that we hold the new keys. */
static void send_confirm(struct mv_node *n, const struct mv_handshake *resp,
			 const uint8_t confirm[MV_KEY_LEN])
{
	struct mv_handshake c = {
		.kind = MV_HANDSHAKE_CONFIRM,
		.initiator_id = resp->initiator_id,
		.responder_id = resp->responder_id,
		.generation = resp->generation,
		.cipher = resp->cipher,
	};
	struct mv_buf blob;

	mv_buf_init(&blob);
	if (!mv_handshake_encode_body(&blob, &c) &&
	    !mv_buf_put_blob(&blob, confirm, MV_KEY_LEN))
		send_session(n, &blob);
	mv_wipe(blob.data, blob.len);
	mv_buf_free(&blob);
}

static void receive_resp(struct mv_node *n, const struct mv_meta_session *m,
			 const struct mv_handshake *h)
{
	struct mv_proto *p = n->session->proto;
	struct mv_session *s = n->session;
	struct mv_identity *key = mv_node_trusted_key(n);
	uint8_t th[MV_HASH_LEN], confirm[MV_KEY_LEN];
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
		p->sessions.stats.bad_signature++;
		err = -EBADMSG;
	}
	mv_buf_free(&msg);
	if (err)
		return;
	err = install(n, s->eph.priv, h->ephemeral, th, true, h->generation,
		      h->cipher, confirm);
	drop_pending(n);
	if (err)
		return;
	s->tx_phase = h->generation & 1;
	drop_answer(s);
	send_confirm(n, h, confirm);
	mv_wipe(confirm, sizeof(confirm));
	mv_timer_arm(p->loop, &s->rekey, MESHVPN_REKEY_AFTER_SECONDS * 1000ull);
	p->ops->session_ready(p->ops_ctx, n);
}

static void receive_confirm(struct mv_node *n, const struct mv_handshake *h)
{
	struct mv_session *s = n->session;

	if (s->switch_phase < 0 || h->initiator_id != s->resp_initiator_id ||
	    h->responder_id != s->resp_responder_id ||
	    h->sig_len != MV_KEY_LEN || !mv_ct_equal(h->sig, s->confirm, MV_KEY_LEN)) {
		mv_info(2, "Session confirmation from %s matches no answer of ours: ignored",
			n->name);
		s->proto->sessions.stats.bad_confirm++;
		return;
	}
	mv_session_rx_phase(n, s->switch_phase);
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
	if (!route_meta(to, copy, len))
		mv_info(2, "Dropping a session message from %s for %s: no route",
			m->from, m->to);
	free(copy);
}

/*
 * The INITs that reached us (past the cheap checks) in this second and in
 * the one before it: the load SessionCookieLoad is about.
 */
static void count_load(struct mv_session_guard *g, uint64_t now, unsigned int add)
{
	uint64_t second = now / 1000;

	if (second != g->load_second) {
		g->last_load = second == g->load_second + 1 ? g->load : 0;
		g->load = 0;
		g->load_second = second;
	}
	g->load += add;
}

static bool under_load(struct mv_proto *p)
{
	struct mv_session_guard *g = &p->sessions;

	count_load(g, mv_loop_now(p->loop), 0);
	return g->load > p->conf->session.cookie_load ||
	       g->last_load > p->conf->session.cookie_load;
}

/* SessionInitRate: a token bucket per peer, with room for twice the rate. */
static bool init_allowed(struct mv_proto *p, struct mv_session *s)
{
	uint64_t rate = p->conf->session.init_rate, burst = 2 * rate * 1000;
	uint64_t now = mv_loop_now(p->loop);

	s->init_tokens = s->init_tokens_at ?
			 s->init_tokens + (now - s->init_tokens_at) * rate : burst;
	if (s->init_tokens > burst)
		s->init_tokens = burst;
	s->init_tokens_at = now;
	if (s->init_tokens < 1000) {
		p->sessions.stats.init_rate_refused++;
		return false;
	}
	s->init_tokens -= 1000;
	return true;
}

/*
 * An INIT for us from @n: only one newer than the last we took, within
 * the peer's rate, and signed by it gets an answer. A retransmission of
 * the INIT we answered gets the same answer again.
 */
static void check_init(struct mv_proto *p, struct mv_node *n,
		       const struct mv_meta_session *m,
		       const struct mv_handshake *h)
{
	struct mv_session *s = n->session;
	struct mv_identity *key = mv_node_trusted_key(n);
	struct mv_iov blob = { m->handshake, m->handshake_len };
	uint8_t digest[MV_HASH_LEN];
	int age = memcmp(h->timestamp, s->peer_time, sizeof(s->peer_time));
	struct mv_buf msg;
	bool ok;

	if (mv_sha256(&blob, 1, digest))
		return;
	if (age < 0 || (age == 0 && (s->switch_phase < 0 ||
				     memcmp(digest, s->peer_init_digest, sizeof(digest))))) {
		mv_info(2, "Session INIT from %s is not newer than the last one: replayed, ignored",
			m->from);
		p->sessions.stats.stale_init++;
		return;
	}
	if (!init_allowed(p, s)) {
		mv_info(2, "Session INITs from %s come faster than SessionInitRate %u/s: one refused",
			m->from, p->conf->session.init_rate);
		return;
	}
	if (age == 0) {
		mv_info(3, "Session INIT from %s again: same answer", m->from);
		send_session(n, &s->resp_blob);
		return;
	}
	mv_buf_init(&msg);
	ok = !mv_handshake_init_signed_part(&msg, m->from, m->to, m->handshake,
					    h->unsigned_len) &&
	     !mv_identity_verify(key, msg.data, msg.len, h->sig, h->sig_len);
	mv_buf_free(&msg);
	if (!ok) {
		mv_warn("Session handshake from %s has a bad signature", m->from);
		p->sessions.stats.bad_signature++;
		return;
	}
	memcpy(s->peer_time, h->timestamp, sizeof(s->peer_time));
	memcpy(s->peer_init_digest, digest, sizeof(digest));
	receive_init(n, m, h);
}

/* A SESSION for us, from a node whose key we must know. */
static void receive_for_us(struct mv_proto *p, const struct mv_meta_session *m,
			   const struct mv_handshake *h)
{
	struct mv_node *n = mv_node_find(p->nodes, m->from);

	if (!n || n == p->nodes->self || !mv_node_trusted_key(n)) {
		mv_info(1, "Session handshake from %s, whose key we do not know yet",
			m->from);
		return;
	}
	if (h->kind == MV_HANDSHAKE_RESP)
		receive_resp(n, m, h);
	else if (h->kind == MV_HANDSHAKE_CONFIRM)
		receive_confirm(n, h);
	else
		check_init(p, n, m, h);
}

void mv_session_receive(struct mv_proto *p, const uint8_t *pt, size_t len)
{
	char err[MV_META_ERRLEN];
	struct mv_meta_session m;
	struct mv_handshake h;

	if (mv_meta_session_decode(pt, len, &m, err)) {
		mv_warn("Bad session message: %s", err);
		return;
	}
	if (strcmp(m.to, p->nodes->self->name)) {
		forward(p, &m, pt, len);
		return;
	}
	if (mv_handshake_decode(m.handshake, m.handshake_len, &h, err)) {
		mv_warn("Bad session handshake from %s: %s", m.from, err);
		return;
	}
	if (h.kind == MV_HANDSHAKE_INIT)
		count_load(&p->sessions, mv_loop_now(p->loop), 1);
	receive_for_us(p, &m, &h);
}

/* The cookie secrets, the current one at most MV_COOKIE_SECRET_LIFE old. */
static int cookie_secrets(struct mv_proto *p)
{
	struct mv_session_guard *g = &p->sessions;
	uint64_t now = mv_loop_now(p->loop);

	if (g->secret_at && now - g->secret_at < MV_COOKIE_SECRET_LIFE)
		return 0;
	memcpy(g->secret[1], g->secret[0], MV_KEY_LEN);
	g->secret_at = now;
	return mv_random(g->secret[0], MV_KEY_LEN);
}

/* Whether @mac over @msg comes from a cookie we gave @addr lately. */
static bool cookie_mac_ok(struct mv_proto *p, const void *addr, size_t addr_len,
			  const uint8_t *msg, size_t len, const uint8_t *mac)
{
	uint8_t cookie[MV_COOKIE_LEN], want[MV_COOKIE_LEN];
	bool ok = false;
	int i;

	for (i = 0; i < 2 && !ok; i++)
		ok = !mv_cookie_make(p->sessions.secret[i], addr, addr_len, cookie) &&
		     !mv_cookie_mac(cookie, msg, len, want) &&
		     mv_ct_equal(want, mac, MV_COOKIE_LEN);
	mv_wipe(cookie, sizeof(cookie));
	return ok;
}

/* Initiator: the responder wants its cookie's MAC on our INIT. */
static void receive_cookie(struct mv_proto *p, struct mv_node *n,
			   const uint8_t *payload, size_t len)
{
	struct mv_session *s = n->session;
	uint64_t id = 0;
	int i;

	for (i = 0; len == MV_UDP_SESSION_COOKIE_LEN && i < 8; i++)
		id = id << 8 | payload[1 + i];
	if (len != MV_UDP_SESSION_COOKIE_LEN || !s->pending || id != s->pending_id) {
		mv_info(2, "Cookie from %s for no INIT of ours: ignored", n->name);
		p->sessions.stats.bad_cookie++;
		return;
	}
	memcpy(s->cookie, payload + 9, MV_COOKIE_LEN);
	s->cookie_at = mv_loop_now(p->loop);
	mv_info(2, "%s is under load and asks for a cookie: sending the INIT again",
		n->name);
	send_session(n, &s->init_blob);
}

size_t mv_session_receive_udp(struct mv_proto *p, struct mv_node *src,
			      const uint8_t *payload, size_t len,
			      const void *addr, size_t addr_len,
			      uint8_t reply[MV_UDP_SESSION_COOKIE_LEN])
{
	const uint8_t *msg = payload, *mac = NULL;
	char err[MV_META_ERRLEN];
	struct mv_meta_session m;
	struct mv_handshake h;
	size_t mlen = len;
	uint64_t id;
	int i;

	if (len && payload[0] == MV_UDP_SESSION_COOKIE) {
		receive_cookie(p, src, payload, len);
		return 0;
	}
	if (len > 1 + MV_COOKIE_LEN && payload[0] == MV_UDP_SESSION_MAC) {
		mac = payload + 1;
		msg = payload + 1 + MV_COOKIE_LEN;
		mlen = len - 1 - MV_COOKIE_LEN;
	}
	if (mv_meta_session_decode(msg, mlen, &m, err) ||
	    mv_handshake_decode(m.handshake, m.handshake_len, &h, err)) {
		mv_info(2, "Bad session message over UDP from %s: %s", src->name, err);
		p->sessions.stats.malformed++;
		return 0;
	}
	/* Over UDP a node speaks for itself only, to us only: no relaying. */
	if (strcmp(m.from, src->name) || strcmp(m.to, p->nodes->self->name)) {
		mv_info(2, "Session message over UDP from %s for %s claims to come from %s: ignored",
			src->name, m.to, m.from);
		p->sessions.stats.wrong_source++;
		return 0;
	}
	if (h.kind == MV_HANDSHAKE_INIT)
		count_load(&p->sessions, mv_loop_now(p->loop), 1);
	/* Over a meta connection (no @addr) it came from a neighbour we know. */
	if (h.kind == MV_HANDSHAKE_INIT && addr && under_load(p) &&
	    (cookie_secrets(p) || !mac ||
	     !cookie_mac_ok(p, addr, addr_len, msg, mlen, mac))) {
		mv_info(2, "Under load (SessionCookieLoad %u/s): answering an INIT of %s with a cookie",
			p->conf->session.cookie_load, src->name);
		p->sessions.stats.cookie_replies++;
		if (mv_cookie_make(p->sessions.secret[0], addr, addr_len, reply + 9))
			return 0;
		reply[0] = MV_UDP_SESSION_COOKIE;
		for (i = 0, id = h.initiator_id; i < 8; i++)
			reply[1 + i] = id >> (56 - 8 * i);
		return MV_UDP_SESSION_COOKIE_LEN;
	}
	receive_for_us(p, &m, &h);
	return 0;
}

void mv_session_nokey(struct mv_node *n, bool from_its_path)
{
	struct mv_session *s = n->session;
	struct mv_proto *p = s->proto;
	uint64_t now = mv_loop_now(p->loop);

	if (s->pending)
		return;
	if (!from_its_path || (s->nokey_started &&
	    now - s->nokey_started < p->conf->session.nokey_interval * 1000ull)) {
		mv_info(2, "DATA from %s under a key we lack, %s: no handshake",
			n->name, from_its_path ? "within NoKeyHandshakeInterval" :
			"not from its path");
		p->sessions.stats.nokey_refused++;
		return;
	}
	s->nokey_started = now;
	/* The peer has keys we lost (a restart): agree on new ones. */
	mv_session_start(n);
}

bool mv_session_key_fresh(const struct mv_node *n, const struct mv_keyslot *k)
{
	uint64_t now = mv_loop_now(n->session->proto->loop);

	return now - k->created <= MESHVPN_REJECT_AFTER_SECONDS * 1000ull;
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
