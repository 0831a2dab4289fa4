// SPDX-License-Identifier: GPL-2.0
/*
 * STATE records from a neighbour (proto/state.c, protocol.md 9.4): what
 * is taken, what is refused before a node is made or a key decoded, and
 * what each refusal counts, without sockets: records go straight into
 * mv_state_receive() as if an active connection had delivered them.
 */
#include <stdlib.h>
#include <time.h>

#include "proto/proto.h"

#include "test.h"

struct state_fixture {
	struct mv_config conf;
	struct mv_nodes nodes;
	struct mv_topology topo;
	struct mv_proto p;
	struct mv_conn c;		/* from bob */
	struct mv_identity *alice, *bob;
};

static int node_init(void *ctx, struct mv_node *n)
{
	(void)ctx;
	return mv_state_node_init(n);
}

static void node_release(void *ctx, struct mv_node *n)
{
	(void)ctx;
	mv_state_node_free(n);
}

static const struct mv_node_ops node_ops = {
	.init = node_init,
	.release = node_release,
};

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fixture_init(struct state_fixture *fx)
{
	struct mv_node *bob;

	memset(fx, 0, sizeof(*fx));
	mv_config_init(&fx->conf);
	mv_nodes_init(&fx->nodes, &fx->conf, &node_ops, NULL);
	fx->nodes.self = mv_node_get(&fx->nodes, "alice");
	mv_topology_init(&fx->topo, &fx->nodes, NULL, NULL);
	if (mv_identity_generate(MV_KEY_ED25519, 0, &fx->alice) ||
	    mv_identity_generate(MV_KEY_ED25519, 0, &fx->bob))
		abort();
	fx->p.loop = mv_loop_new();
	fx->p.conf = &fx->conf;
	fx->p.key = fx->alice;
	fx->p.nodes = &fx->nodes;
	fx->p.topo = &fx->topo;
	fx->p.meta.tcp_fd = -1;
	/* bob: a neighbour known from its host file. */
	bob = mv_node_get(&fx->nodes, "bob");
	bob->host_key = fx->bob;
	fx->c.p = &fx->p;
	fx->c.fd = -1;
	fx->c.state = MV_CONN_ACTIVE;
	fx->c.node = bob;
	strcpy(fx->c.name, "bob");
	mv_buf_init(&fx->c.out);
	mv_timer_init(&fx->c.timer, NULL, NULL);
}

static void fixture_free(struct state_fixture *fx)
{
	mv_buf_free(&fx->c.out);
	mv_topology_free(&fx->topo);
	mv_nodes_free(&fx->nodes);
	mv_identity_free(fx->alice);
	mv_loop_free(fx->p.loop);
	mv_config_free(&fx->conf);
}

/* A STATE of @origin carrying @key's public key, signed by @signer. */
static void receive(struct state_fixture *fx, const char *origin,
		    uint64_t seq, const struct mv_identity *key,
		    const struct mv_identity *signer)
{
	struct mv_meta_state s = { .lifetime = 300, .cipher = 1, .port = 655 };
	struct mv_buf body, msg;
	uint8_t *sig = NULL;
	size_t sig_len;

	strcpy(s.origin, origin);
	s.seq = seq;
	s.key_type = mv_identity_type(key);
	mv_buf_init(&body);
	mv_buf_init(&msg);
	if (mv_identity_public_encode(key, &s.key, &s.key_len) ||
	    mv_meta_state_encode_body(&body, &s) ||
	    mv_meta_state_signed_part(&msg, body.data + 1, body.len - 1) ||
	    mv_identity_sign(signer, msg.data, msg.len, &sig, &sig_len) ||
	    mv_meta_state_encode_sig(&body, sig, sig_len))
		abort();
	mv_state_receive(&fx->c, body.data, body.len);
	free(sig);
	free(s.key);
	mv_buf_free(&msg);
	mv_buf_free(&body);
}

static struct mv_identity *new_key(void)
{
	struct mv_identity *id = NULL;

	if (mv_identity_generate(MV_KEY_ED25519, 0, &id))
		abort();
	return id;
}

TEST(own_origin_only_with_own_signature)
{
	struct state_fixture fx;
	uint64_t now = wall_ms();

	fixture_init(&fx);
	fx.p.own.seq = now;
	/* Finding 2: bob freezes our seq near 2^64. */
	receive(&fx, "alice", UINT64_MAX - 1, fx.alice, fx.bob);
	EXPECT_EQ(fx.p.own.seq, now);
	EXPECT_EQ(fx.p.own.refused.forged_own, 1);
	EXPECT(!fx.p.own.dirty);
	/* Our own record from before a restart raises our seq. */
	receive(&fx, "alice", now + 5, fx.alice, fx.alice);
	EXPECT_EQ(fx.p.own.seq, now + 5);
	EXPECT(fx.p.own.dirty);
	/* Even signed by us, not far ahead of our clock. */
	receive(&fx, "alice", UINT64_MAX - 1, fx.alice, fx.alice);
	EXPECT_EQ(fx.p.own.seq, now + 5);
	EXPECT_EQ(fx.p.own.refused.clock, 1);
	fixture_free(&fx);
}

TEST(seq_is_bounded_by_the_clock)
{
	struct state_fixture fx;
	uint64_t now = wall_ms(), skew;
	struct mv_identity *carol = new_key();

	fixture_init(&fx);
	skew = fx.conf.trust.max_clock_skew * 1000ull;
	receive(&fx, "carol", now + skew + 60000, carol, carol);
	EXPECT(!mv_node_find(&fx.nodes, "carol"));
	/* Expired: older than its lifetime and the skew. */
	receive(&fx, "carol", now - skew - 301000, carol, carol);
	EXPECT(!mv_node_find(&fx.nodes, "carol"));
	EXPECT_EQ(fx.p.own.refused.clock, 2);
	receive(&fx, "carol", now, carol, carol);
	EXPECT(mv_node_find(&fx.nodes, "carol") &&
	       mv_node_find(&fx.nodes, "carol")->have_state);
	mv_identity_free(carol);
	fixture_free(&fx);
}

TEST(no_node_before_the_signature_checks)
{
	struct state_fixture fx;
	struct mv_identity *carol = new_key(), *other = new_key();

	fixture_init(&fx);
	receive(&fx, "carol", wall_ms(), carol, other);
	EXPECT(!mv_node_find(&fx.nodes, "carol"));
	EXPECT_EQ(fx.nodes.n_nodes, 2);
	fx.conf.strict_keys = true;
	receive(&fx, "carol", wall_ms(), carol, carol);
	EXPECT(!mv_node_find(&fx.nodes, "carol"));
	mv_identity_free(carol);
	mv_identity_free(other);
	fixture_free(&fx);
}

TEST(vouching_limits)
{
	struct state_fixture fx;
	struct mv_identity *keys[4];
	const char *names[] = { "carol", "dave", "erin", "frank" };
	size_t i;

	fixture_init(&fx);
	fx.conf.trust.vouch_quota = 2;
	for (i = 0; i < 4; i++) {
		keys[i] = new_key();
		receive(&fx, names[i], wall_ms(), keys[i], keys[i]);
	}
	EXPECT(mv_node_find(&fx.nodes, "dave"));
	EXPECT(!mv_node_find(&fx.nodes, "erin"));
	EXPECT_EQ(fx.c.node->n_vouched, 2);
	EXPECT_EQ(fx.p.own.refused.quota, 2);
	/* A neighbour whose own key was vouched for vouches for none. */
	fx.c.node->host_key = NULL;
	fx.c.node->vouched_key = fx.bob;
	fx.conf.trust.vouch_quota = 10;
	receive(&fx, "erin", wall_ms(), keys[2], keys[2]);
	EXPECT(!mv_node_find(&fx.nodes, "erin"));
	EXPECT_EQ(fx.p.own.refused.voucher, 1);
	fx.conf.trust.vouch_from_vouched = true;
	receive(&fx, "erin", wall_ms(), keys[2], keys[2]);
	EXPECT(mv_node_find(&fx.nodes, "erin"));
	/* VouchRate: the bucket holds ten seconds' worth. */
	fx.conf.trust.vouch_rate = 1;
	fx.conf.trust.vouch_quota = 100;
	fx.p.own.vouch_refilled = 0;
	fx.p.own.vouch_tokens = 0;
	for (i = 0; i < 12; i++) {
		struct mv_identity *k = new_key();
		char name[16];

		snprintf(name, sizeof(name), "n%zu", i);
		receive(&fx, name, wall_ms(), k, k);
		mv_identity_free(k);
	}
	EXPECT_EQ(fx.p.own.refused.rate, 2);
	EXPECT(mv_node_find(&fx.nodes, "n9") && !mv_node_find(&fx.nodes, "n10"));
	for (i = 0; i < 4; i++)
		mv_identity_free(keys[i]);
	fixture_free(&fx);
}

TEST(forgotten_nodes_keep_their_key_then_go)
{
	struct mv_identity *carol = new_key(), *impostor = new_key();
	uint64_t keep, seq = wall_ms() - 1000;
	struct state_fixture fx;
	struct mv_node *n;

	fixture_init(&fx);
	keep = (MV_STATE_LIFETIME + fx.conf.trust.max_clock_skew) * 1000ull;
	receive(&fx, "carol", seq, carol, carol);
	n = mv_node_find(&fx.nodes, "carol");
	EXPECT(n && n->vouched_key && fx.c.node->n_vouched == 1);
	if (!n)
		goto out;
	mv_state_forget(&fx.p, n);
	EXPECT(!n->have_state && n->vouched_key);
	/* Its key stays for its lifetime: another is refused meanwhile. */
	receive(&fx, "carol", wall_ms(), impostor, impostor);
	EXPECT(!n->have_state);
	/* An older record of it is not taken again. */
	receive(&fx, "carol", seq - 1, carol, carol);
	EXPECT(!n->have_state);
	mv_state_age(&fx.p, n->forgotten + keep - 1);
	EXPECT(mv_node_find(&fx.nodes, "carol") == n);
	/* Then the node goes, its voucher's quota with it. */
	mv_state_age(&fx.p, n->forgotten + keep + 1);
	EXPECT(!mv_node_find(&fx.nodes, "carol"));
	EXPECT_EQ(fx.c.node->n_vouched, 0);
	receive(&fx, "carol", wall_ms(), impostor, impostor);
	EXPECT(mv_node_find(&fx.nodes, "carol"));
out:
	mv_identity_free(carol);
	mv_identity_free(impostor);
	fixture_free(&fx);
}

TEST_MAIN()
