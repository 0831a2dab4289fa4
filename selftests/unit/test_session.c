// SPDX-License-Identifier: GPL-2.0
/*
 * The session state machine (proto/session.c, protocol.md section 10)
 * between two in-process nodes, alice and bob, whose only path is "UDP":
 * what one sends is captured and handed to the other by the test. The
 * loop's clock does not move, so rates and ages are what the test sets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/identity.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "proto/proto.h"
#include "proto/session.h"

#include "test.h"

#define MAX_SENT	8
#define ADDR_LEN	18

struct side {
	struct mv_loop *loop;
	struct mv_config conf;
	struct mv_nodes nodes;
	struct mv_proto p;
	struct mv_identity *key;
	struct mv_node *peer;
	uint8_t addr[ADDR_LEN];		/* its UDP address, as the peer sees it */
	struct mv_buf sent[MAX_SENT];	/* UDP SESSION payloads to the peer */
	unsigned int n_sent, ready;
};

static int node_init(void *ctx, struct mv_node *n)
{
	struct side *s = ctx;

	return mv_session_init(&s->p, n);
}

static void node_release(void *ctx, struct mv_node *n)
{
	(void)ctx;
	mv_session_free(n);
}

static const struct mv_node_ops node_ops = {
	.init = node_init,
	.release = node_release,
};

static int capture(void *ctx, struct mv_node *to, const void *pt, size_t len)
{
	struct side *s = ctx;

	(void)to;
	if (s->n_sent == MAX_SENT)
		return -ENOBUFS;
	mv_buf_init(&s->sent[s->n_sent]);
	return mv_buf_put(&s->sent[s->n_sent++], pt, len);
}

static void session_ready(void *ctx, struct mv_node *n)
{
	struct side *s = ctx;

	(void)n;
	s->ready++;
}

static void keys_changed(void *ctx)
{
	(void)ctx;
}

static const struct mv_proto_ops proto_ops = {
	.send_session_udp = capture,
	.session_ready = session_ready,
	.keys_changed = keys_changed,
};

static void side_init(struct side *s, const char *self, const char *peer,
		      uint8_t addr_byte)
{
	memset(s, 0, sizeof(*s));
	s->loop = mv_loop_new();
	mv_config_init(&s->conf);
	if (mv_identity_generate(MV_KEY_ED25519, 0, &s->key))
		abort();
	s->p.loop = s->loop;
	s->p.conf = &s->conf;
	s->p.key = s->key;
	s->p.nodes = &s->nodes;
	s->p.ops = &proto_ops;
	s->p.ops_ctx = s;
	mv_nodes_init(&s->nodes, &s->conf, &node_ops, s);
	s->nodes.self = mv_node_get(&s->nodes, self);
	s->peer = mv_node_get(&s->nodes, peer);
	if (!s->nodes.self || !s->peer)
		abort();
	s->peer->udp.direct = true;
	memset(s->addr, addr_byte, sizeof(s->addr));
}

/* Each trusts the other's key, as from its host file. */
static void pair(struct side *a, struct side *b)
{
	a->peer->host_key = b->key;
	b->peer->host_key = a->key;
}

static void side_free(struct side *s)
{
	unsigned int i;

	s->peer->host_key = NULL;	/* the other side's, freed there */
	mv_nodes_free(&s->nodes);
	mv_identity_free(s->key);
	mv_loop_free(s->loop);
	for (i = 0; i < s->n_sent; i++)
		mv_buf_free(&s->sent[i]);
}

/*
 * Take the first message @from sent; its bytes go to @copy if not NULL
 * (initialised either way, freed by the caller).
 */
static bool pop(struct side *from, struct mv_buf *copy)
{
	unsigned int i;

	if (copy)
		mv_buf_init(copy);
	if (!from->n_sent)
		return false;
	if (copy)
		mv_buf_put(copy, from->sent[0].data, from->sent[0].len);
	mv_buf_free(&from->sent[0]);
	for (i = 1; i < from->n_sent; i++)
		from->sent[i - 1] = from->sent[i];
	from->n_sent--;
	return true;
}

/*
 * Hand @msg to @to as if it came over UDP from @from's address; a cookie
 * reply goes straight back.
 */
static void receive_from(struct side *from, struct side *to, const struct mv_buf *msg,
			 const uint8_t *addr)
{
	uint8_t reply[MV_UDP_SESSION_COOKIE_LEN], none[MV_UDP_SESSION_COOKIE_LEN];
	size_t n = mv_session_receive_udp(&to->p, to->peer, msg->data, msg->len,
					  addr, ADDR_LEN, reply);

	if (n)
		mv_session_receive_udp(&from->p, from->peer, reply, n, to->addr,
				       ADDR_LEN, none);
}

/* Deliver @from's first message to @to; false if it sent none. */
static bool deliver(struct side *from, struct side *to)
{
	struct mv_buf msg;

	if (!pop(from, &msg))
		return false;
	receive_from(from, to, &msg, from->addr);
	mv_buf_free(&msg);
	return true;
}

static struct mv_session *sess(struct side *s)
{
	return s->peer->session;
}

/* The two sides send with keys the other receives with. */
static bool agree(struct side *i, struct side *r)
{
	const struct mv_session *a = sess(i), *b = sess(r);

	return a->tx_phase >= 0 && a->tx_phase == b->tx_phase &&
	       !memcmp(a->slot[a->tx_phase].tx_key, b->slot[b->tx_phase].rx_key,
		       MV_KEY_LEN) &&
	       !memcmp(a->slot[a->tx_phase].rx_key, b->slot[b->tx_phase].tx_key,
		       MV_KEY_LEN);
}

/* alice starts; INIT, RESP and CONFIRM go across. @init gets the INIT. */
static void handshake(struct side *a, struct side *b, struct mv_buf *init)
{
	mv_session_start(a->peer);
	if (init)
		mv_buf_init(init);
	if (init && a->n_sent)
		mv_buf_put(init, a->sent[0].data, a->sent[0].len);
	deliver(a, b);
	deliver(b, a);
	deliver(a, b);
}

TEST(responder_sends_with_new_keys_only_after_the_confirm)
{
	struct side a, b;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	pair(&a, &b);
	mv_session_start(a.peer);
	EXPECT_EQ(a.n_sent, 1);
	EXPECT(deliver(&a, &b));		/* INIT */
	EXPECT_EQ(b.n_sent, 1);			/* RESP */
	EXPECT(sess(&b)->slot[1].valid);
	EXPECT_EQ(sess(&b)->tx_phase, -1);	/* nothing proven yet */
	EXPECT(!mv_session_tx(b.peer));
	EXPECT_EQ(b.ready, 0);
	EXPECT(deliver(&b, &a));
	EXPECT_EQ(sess(&a)->tx_phase, 1);
	EXPECT_EQ(a.ready, 1);
	EXPECT(deliver(&a, &b));		/* CONFIRM */
	EXPECT(agree(&a, &b));
	EXPECT_EQ(b.ready, 1);
	EXPECT_EQ(b.p.sessions.stats.bad_confirm, 0);

	/* A rekey: bob keeps sending with generation 1 until the CONFIRM. */
	mv_session_start(a.peer);
	EXPECT(deliver(&a, &b));
	EXPECT_EQ(sess(&b)->tx_phase, 1);
	EXPECT(deliver(&b, &a));
	EXPECT_EQ(sess(&a)->tx_phase, 0);
	EXPECT(deliver(&a, &b));
	EXPECT(agree(&a, &b));
	EXPECT_EQ(sess(&b)->slot[0].generation, 2);
	side_free(&a);
	side_free(&b);
}

TEST(replayed_init_is_refused_unchecked_and_changes_nothing)
{
	struct mv_buf init1, init2;
	struct side a, b;
	uint8_t tx[MV_KEY_LEN];

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	pair(&a, &b);
	handshake(&a, &b, &init1);
	EXPECT(agree(&a, &b));
	memcpy(tx, sess(&b)->slot[1].tx_key, sizeof(tx));

	/* From alice's own address, after the handshake it started. */
	receive_from(&a, &b, &init1, a.addr);
	EXPECT_EQ(b.p.sessions.stats.stale_init, 1);
	EXPECT_EQ(b.p.sessions.stats.bad_signature, 0);
	EXPECT_EQ(b.n_sent, 0);
	EXPECT_EQ(sess(&b)->last_generation, 1);
	EXPECT(!memcmp(sess(&b)->slot[1].tx_key, tx, sizeof(tx)));
	EXPECT(agree(&a, &b));

	/* After a newer handshake, both old INITs are stale. */
	handshake(&a, &b, &init2);
	EXPECT(agree(&a, &b));
	receive_from(&a, &b, &init1, a.addr);
	receive_from(&a, &b, &init2, a.addr);
	EXPECT_EQ(b.p.sessions.stats.stale_init, 3);
	EXPECT_EQ(b.n_sent, 0);
	EXPECT_EQ(sess(&b)->last_generation, 2);
	EXPECT(agree(&a, &b));
	mv_buf_free(&init1);
	mv_buf_free(&init2);
	side_free(&a);
	side_free(&b);
}

TEST(retransmitted_init_gets_the_same_answer)
{
	struct mv_buf init, resp1, resp2;
	struct side a, b;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	pair(&a, &b);
	mv_session_start(a.peer);
	EXPECT(pop(&a, &init));
	receive_from(&a, &b, &init, a.addr);
	receive_from(&a, &b, &init, a.addr);	/* the RESP was lost */
	EXPECT_EQ(b.n_sent, 2);
	if (b.n_sent != 2) {
		mv_buf_free(&init);
		side_free(&a);
		side_free(&b);
		return;
	}
	pop(&b, &resp1);
	pop(&b, &resp2);
	EXPECT(resp1.len == resp2.len && !memcmp(resp1.data, resp2.data, resp1.len));
	EXPECT_EQ(b.p.sessions.stats.stale_init, 0);
	receive_from(&b, &a, &resp2, b.addr);
	EXPECT(deliver(&a, &b));
	EXPECT(agree(&a, &b));
	mv_buf_free(&init);
	mv_buf_free(&resp1);
	mv_buf_free(&resp2);
	side_free(&a);
	side_free(&b);
}

TEST(init_rate_per_peer)
{
	struct side a, b;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	b.conf.session.init_rate = 1;		/* a burst of 2 */
	pair(&a, &b);
	handshake(&a, &b, NULL);
	handshake(&a, &b, NULL);
	EXPECT(agree(&a, &b));
	EXPECT_EQ(b.p.sessions.stats.init_rate_refused, 0);
	mv_session_start(a.peer);
	EXPECT(deliver(&a, &b));
	EXPECT_EQ(b.p.sessions.stats.init_rate_refused, 1);
	EXPECT_EQ(b.p.sessions.stats.bad_signature, 0);
	EXPECT_EQ(b.n_sent, 0);
	side_free(&a);
	side_free(&b);
}

TEST(cookie_under_load_then_handshake_completes)
{
	struct mv_buf init;
	struct side a, b;
	uint8_t other[ADDR_LEN];

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	b.conf.session.cookie_load = 1;
	pair(&a, &b);
	handshake(&a, &b, NULL);		/* load 1: no cookie */
	EXPECT(agree(&a, &b));
	EXPECT_EQ(b.p.sessions.stats.cookie_replies, 0);

	/* Load 2: the INIT gets a cookie; alice sends it again with its MAC. */
	mv_session_start(a.peer);
	EXPECT(deliver(&a, &b));
	EXPECT_EQ(b.p.sessions.stats.cookie_replies, 1);
	EXPECT_EQ(b.n_sent, 0);
	EXPECT_EQ(a.n_sent, 1);
	if (!pop(&a, &init)) {
		side_free(&a);
		side_free(&b);
		return;
	}
	EXPECT_EQ(init.data[0], MV_UDP_SESSION_MAC);
	/* The MAC is for alice's address only. */
	memset(other, 7, sizeof(other));
	receive_from(&a, &b, &init, other);
	EXPECT_EQ(b.p.sessions.stats.cookie_replies, 2);
	EXPECT_EQ(b.n_sent, 0);
	pop(&a, NULL);				/* its resend after that cookie */
	receive_from(&a, &b, &init, a.addr);
	EXPECT_EQ(b.p.sessions.stats.cookie_replies, 2);
	EXPECT(deliver(&b, &a));
	EXPECT(deliver(&a, &b));
	EXPECT(agree(&a, &b));
	EXPECT_EQ(sess(&b)->tx_phase, 0);
	EXPECT_EQ(b.p.sessions.stats.bad_signature, 0);

	/* A cookie for no INIT of alice's is refused. */
	EXPECT_EQ(a.p.sessions.stats.bad_cookie, 0);
	mv_buf_free(&init);
	side_free(&a);
	side_free(&b);
}

TEST(udp_session_must_come_from_the_peer_for_us)
{
	struct mv_buf init;
	struct side a, b, c;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	side_init(&c, "carol", "bob", 3);
	pair(&a, &b);
	mv_session_start(a.peer);
	EXPECT(pop(&a, &init));
	/* alice's INIT for bob, handed to carol as if bob had sent it. */
	receive_from(&b, &c, &init, b.addr);
	EXPECT_EQ(c.p.sessions.stats.wrong_source, 1);
	EXPECT_EQ(c.n_sent, 0);
	mv_buf_free(&init);
	side_free(&a);
	side_free(&b);
	side_free(&c);
}

TEST(nokey_handshakes_need_the_path_and_are_spaced)
{
	struct side a, b;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	pair(&a, &b);
	mv_session_nokey(a.peer, false);
	EXPECT_EQ(a.n_sent, 0);
	EXPECT_EQ(a.p.sessions.stats.nokey_refused, 1);
	mv_session_nokey(a.peer, true);
	EXPECT_EQ(a.n_sent, 1);
	deliver(&a, &b);
	deliver(&b, &a);
	deliver(&a, &b);
	EXPECT(agree(&a, &b));
	/* Within NoKeyHandshakeInterval: none, however plausible. */
	mv_session_nokey(a.peer, true);
	EXPECT_EQ(a.n_sent, 0);
	EXPECT_EQ(a.p.sessions.stats.nokey_refused, 2);
	side_free(&a);
	side_free(&b);
}

TEST(key_past_its_rejection_age_is_not_fresh)
{
	struct side a, b;
	struct mv_keyslot *k;

	side_init(&a, "alice", "bob", 1);
	side_init(&b, "bob", "alice", 2);
	pair(&a, &b);
	handshake(&a, &b, NULL);
	k = &sess(&b)->slot[1];
	EXPECT(mv_session_key_fresh(b.peer, k));
	k->created -= MESHVPN_REJECT_AFTER_SECONDS * 1000ull;
	EXPECT(mv_session_key_fresh(b.peer, k));
	k->created -= 1;
	EXPECT(!mv_session_key_fresh(b.peer, k));
	side_free(&a);
	side_free(&b);
}

TEST_MAIN()
