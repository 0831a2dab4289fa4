// SPDX-License-Identifier: GPL-2.0
/*
 * link show and route show in JSON; see link_json.h.
 */
#include <errno.h>
#include <stdio.h>

#include "args.h"
#include "link_json.h"

static void json_id(struct mv_json *j, const char *key, uint64_t v)
{
	char id[MV_NODE_ID_STRLEN];

	mv_format_node_id(v, id);
	mv_json_kv_string(j, key, id);
}

static void json_key_slot(struct mv_json *j, const char *name,
			  const struct mv_key_info *k)
{
	const char *cipher = mv_cipher_alg_name(k->cipher);
	char buf[32];

	mv_json_key(j, name);
	if (k->state != MV_KEY_SET) {
		mv_json_null(j);
		return;
	}
	if (!cipher) {
		snprintf(buf, sizeof(buf), "%u", k->cipher);
		cipher = buf;
	}
	mv_json_begin_object(j);
	mv_json_kv_string(j, "cipher", cipher);
	mv_json_kv_u64(j, "phase", k->phase);
	mv_json_end_object(j);
}

void mv_link_json_routes(struct mv_json *j, const struct mv_meshvpn_route *routes,
			 size_t n)
{
	char buf[MV_PREFIX_STRLEN];
	size_t i;

	mv_json_begin_array(j);
	for (i = 0; i < n; i++) {
		mv_json_begin_object(j);
		mv_format_prefix(&routes[i].prefix, buf, sizeof(buf));
		mv_json_kv_string(j, "prefix", buf);
		json_id(j, "node", routes[i].node_id);
		mv_json_end_object(j);
	}
	mv_json_end_array(j);
}

static void json_node(struct mv_json *j, const struct mv_link_info *li,
		      const struct mv_node_info *ni)
{
	const struct mv_meshvpn_node *n = &ni->node;
	char buf[MV_ENDPOINT_STRLEN];

	mv_json_begin_object(j);
	json_id(j, "id", n->id);
	mv_json_key(j, "endpoint");
	if (n->has_endpoint && mv_format_endpoint(&n->endpoint, buf, sizeof(buf)) > 0)
		mv_json_string(j, buf);
	else
		mv_json_null(j);
	/* Absent next hop means direct, which is the node's own id. */
	json_id(j, "next_hop", n->next_hop ? n->next_hop : n->id);
	if (n->has_keepalive)
		mv_json_kv_u64(j, "keepalive", n->keepalive);
	if (n->has_last_rx)
		mv_json_kv_u64(j, "last_rx", n->last_rx);
	mv_json_kv_u64(j, "rx_bytes", n->rx_bytes);
	mv_json_kv_u64(j, "rx_packets", n->rx_packets);
	mv_json_kv_u64(j, "tx_bytes", n->tx_bytes);
	mv_json_kv_u64(j, "tx_packets", n->tx_packets);
	mv_json_kv_u64(j, "rx_decrypt_errors", n->rx_decrypt_errors);
	mv_json_kv_u64(j, "rx_replay_drops", n->rx_replay_drops);
	mv_json_kv_u64(j, "rx_rpf_drops", n->rx_rpf_drops);
	mv_json_kv_u64(j, "tx_no_key_drops", n->tx_no_key_drops);
	mv_json_kv_u64(j, "relay_packets", n->relay_packets);
	mv_json_kv_u64(j, "relay_bytes", n->relay_bytes);
	mv_json_kv_u64(j, "daemon_packets", n->daemon_packets);
	mv_json_kv_u64(j, "daemon_drops", n->daemon_drops);
	if (li->have_keys) {
		mv_json_key(j, "keys");
		mv_json_begin_object(j);
		json_key_slot(j, "current", &ni->key[MESHVPN_KEY_SLOT_CURRENT]);
		json_key_slot(j, "next", &ni->key[MESHVPN_KEY_SLOT_NEXT]);
		mv_json_end_object(j);
	}
	mv_json_end_object(j);
}

void mv_link_json(struct mv_json *j, const struct mv_link_info *li)
{
	size_t i;

	mv_json_begin_object(j);
	mv_json_kv_string(j, "ifname", li->name);
	mv_json_kv_u64(j, "ifindex", li->ifindex);
	if (li->dev.has_local_id) {
		json_id(j, "node_id", li->dev.local_id);
	} else {
		mv_json_key(j, "node_id");
		mv_json_null(j);
	}
	mv_json_key(j, "port");
	if (li->dev.has_port)
		mv_json_u64(j, li->dev.port);
	else
		mv_json_null(j);
	if (li->dev.has_node_count)
		mv_json_kv_u64(j, "node_count", li->dev.node_count);
	if (li->dev.has_route_count)
		mv_json_kv_u64(j, "route_count", li->dev.route_count);
	if (li->have_nodes) {
		mv_json_key(j, "nodes");
		mv_json_begin_array(j);
		for (i = 0; i < li->n_nodes; i++)
			json_node(j, li, &li->nodes[i]);
		mv_json_end_array(j);
	}
	if (li->have_routes) {
		mv_json_key(j, "routes");
		mv_link_json_routes(j, li->routes, li->n_routes);
	}
	mv_json_end_object(j);
}

int mv_link_json_done(const char *what, struct mv_json *j)
{
	int ret = mv_json_finish(j);

	if (ret == -EINVAL)
		fprintf(stderr, "meshvpn: %s: internal error: invalid JSON\n", what);
	return ret;
}
