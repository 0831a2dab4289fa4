/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol half of the daemon: meta connections, STATE records and
 * sessions, over the node table and the topology. What it needs of the
 * data plane it asks through struct mv_proto_ops, which the daemon fills
 * in: the protocol never calls a data path directly.
 */
#ifndef MESHVPN_PROTO_H
#define MESHVPN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "crypto/identity.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "proto/meta.h"
#include "proto/metamsg.h"
#include "proto/session.h"
#include "proto/state.h"

struct mv_proto_ops {
	/* A UDP message (protocol.md 9.6) that came over meta connection @c. */
	void (*udp_from_meta)(void *ctx, struct mv_conn *c, const uint8_t *msg,
			      size_t len);
	/* Send SESSION meta message @pt straight to @to over UDP: 0 or -errno. */
	int (*send_session_udp)(void *ctx, struct mv_node *to, const void *pt,
				size_t len);
	/* @n's session has keys to send with: start probing, flush the queue. */
	void (*session_ready)(void *ctx, struct mv_node *n);
	/* Keys of some session changed: the data plane must learn them. */
	void (*keys_changed)(void *ctx);
};

struct mv_proto {
	struct mv_loop *loop;
	const struct mv_config *conf;
	struct mv_identity *key;	/* our identity */
	const char *ifname;		/* our interface, not a LAN candidate */
	struct mv_nodes *nodes;
	struct mv_topology *topo;
	struct mv_meta meta;
	struct mv_announcer own;
	struct mv_session_guard sessions;
	bool stopping;
	const struct mv_proto_ops *ops;
	void *ops_ctx;
};

#endif /* MESHVPN_PROTO_H */
