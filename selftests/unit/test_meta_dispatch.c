// SPDX-License-Identifier: GPL-2.0
/*
 * The meta protocol's dispatch (proto/meta.c): each message type of an
 * active connection reaches its handler, and a type that has no business
 * there (the handshake's AUTH, an unknown value, an empty record) or a
 * malformed message closes the connection before anything is acted on.
 */
#include <stdlib.h>

#include "proto/proto.h"

#include "test.h"

struct dispatch_fixture {
	struct mv_config conf;
	struct mv_nodes nodes;
	struct mv_topology topo;
	struct mv_proto p;
	struct mv_conn c;
	/* what the data plane was handed */
	const struct mv_conn *udp_conn;
	uint8_t udp[64];
	size_t udp_len;
	int udp_calls;
};

static void udp_from_meta(void *ctx, struct mv_conn *c, const uint8_t *msg,
			  size_t len)
{
	struct dispatch_fixture *fx = ctx;

	fx->udp_conn = c;
	fx->udp_len = len < sizeof(fx->udp) ? len : sizeof(fx->udp);
	memcpy(fx->udp, msg, fx->udp_len);
	fx->udp_calls++;
}

static const struct mv_proto_ops ops = {
	.udp_from_meta = udp_from_meta,
};

static void fixture_init(struct dispatch_fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	mv_nodes_init(&fx->nodes, &fx->conf, NULL, NULL);
	fx->nodes.self = mv_node_get(&fx->nodes, "alice");
	mv_topology_init(&fx->topo, &fx->nodes, NULL, NULL);
	fx->p.loop = mv_loop_new();
	fx->p.conf = &fx->conf;
	fx->p.nodes = &fx->nodes;
	fx->p.topo = &fx->topo;
	fx->p.meta.tcp_fd = -1;
	fx->p.ops = &ops;
	fx->p.ops_ctx = fx;
	fx->c.p = &fx->p;
	fx->c.fd = -1;
	fx->c.state = MV_CONN_ACTIVE;
	strcpy(fx->c.name, "bob");
	mv_buf_init(&fx->c.out);
	mv_timer_init(&fx->c.timer, NULL, NULL);
}

static void fixture_free(struct dispatch_fixture *fx)
{
	mv_buf_free(&fx->c.out);
	mv_topology_free(&fx->topo);
	mv_nodes_free(&fx->nodes);
	mv_loop_free(fx->p.loop);
}

TEST(udp_goes_to_the_data_plane)
{
	static const uint8_t msg[] = { MV_META_UDP, 1, 2, 3, 4, 5 };
	struct dispatch_fixture fx;

	fixture_init(&fx);
	mv_meta_dispatch(&fx.c, msg, sizeof(msg));
	EXPECT_EQ(fx.udp_calls, 1);
	EXPECT(fx.udp_conn == &fx.c);
	EXPECT_EQ(fx.udp_len, sizeof(msg));
	EXPECT(!memcmp(fx.udp, msg, sizeof(msg)));
	EXPECT_EQ(fx.c.state, MV_CONN_ACTIVE);
	fixture_free(&fx);
}

TEST(misplaced_and_unknown_types_close)
{
	static const uint8_t types[] = { 0, MV_META_AUTH, MV_META_UDP + 1, 0xff };
	struct dispatch_fixture fx;
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		uint8_t msg[8] = { types[i] };

		fixture_init(&fx);
		mv_meta_dispatch(&fx.c, msg, sizeof(msg));
		EXPECT_EQ(fx.c.state, MV_CONN_CLOSED);
		EXPECT_EQ(fx.udp_calls, 0);
		fixture_free(&fx);
	}
	fixture_init(&fx);
	mv_meta_dispatch(&fx.c, types, 0);
	EXPECT_EQ(fx.c.state, MV_CONN_CLOSED);
	fixture_free(&fx);
}

TEST(malformed_messages_close)
{
	static const uint8_t state[] = { MV_META_STATE, 0, 0, 1 };
	static const uint8_t ping[] = { MV_META_PING, 1, 2 };
	const uint8_t *bad[] = { state, ping };
	const size_t len[] = { sizeof(state), sizeof(ping) };
	struct dispatch_fixture fx;
	size_t i;

	for (i = 0; i < 2; i++) {
		fixture_init(&fx);
		mv_meta_dispatch(&fx.c, bad[i], len[i]);
		EXPECT_EQ(fx.c.state, MV_CONN_CLOSED);
		/* Nothing was learned from it. */
		EXPECT_EQ(fx.nodes.n_nodes, 1);
		fixture_free(&fx);
	}
}

/*
 * A SESSION may be on its way through this node to another: a bad one is
 * logged and dropped, and the connection it came on stays.
 */
TEST(malformed_session_is_dropped)
{
	static const uint8_t session[] = { MV_META_SESSION, 9 };
	struct dispatch_fixture fx;

	fixture_init(&fx);
	mv_meta_dispatch(&fx.c, session, sizeof(session));
	EXPECT_EQ(fx.c.state, MV_CONN_ACTIVE);
	EXPECT_EQ(fx.nodes.n_nodes, 1);
	fixture_free(&fx);
}

TEST_MAIN()
