// SPDX-License-Identifier: GPL-2.0
/*
 * link show and route show as text, in the manner of wg show; see
 * link_print.h.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "lib/array.h"
#include "link_print.h"

static uint64_t boottime_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return 0;
	return (uint64_t)ts.tv_sec;
}

static void print_bytes(FILE *f, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = (double)v;
	int u = -1;

	if (v < 1024) {
		fprintf(f, "%" PRIu64 " B", v);
		return;
	}
	while (d >= 1024 && u < (int)ARRAY_SIZE(units) - 1) {
		d /= 1024;
		u++;
	}
	fprintf(f, "%.2f %s", d, units[u]);
}

static void print_duration(FILE *f, uint64_t secs)
{
	static const struct {
		uint64_t len;
		const char *name;
	} parts[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	bool first = true;
	size_t i;
	uint64_t n;

	if (!secs) {
		fputs("now", f);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		n = secs / parts[i].len;
		secs %= parts[i].len;
		if (!n)
			continue;
		fprintf(f, "%s%" PRIu64 " %s%s", first ? "" : ", ", n,
			parts[i].name, n == 1 ? "" : "s");
		first = false;
	}
	fputs(" ago", f);
}

/* A "label: value" line, values aligned as in wg show. */
static void label(int indent, const char *name)
{
	printf("%*s%s:%*s", indent, "", name, (int)(16 - strlen(name)), "");
}

static void format_key(const struct mv_key_info *k, char *buf, size_t len)
{
	const char *name = mv_cipher_alg_name(k->cipher);

	if (k->state == MV_KEY_EMPTY)
		snprintf(buf, len, "(empty)");
	else if (name)
		snprintf(buf, len, "%s, phase %u", name, k->phase);
	else
		snprintf(buf, len, "cipher %u, phase %u", k->cipher, k->phase);
}

static void print_node(const struct mv_link_info *li, const struct mv_node_info *ni,
		       const struct mv_meshvpn_route *routes, size_t n_routes,
		       uint64_t now)
{
	const struct mv_meshvpn_node *n = &ni->node;
	char id[MV_NODE_ID_STRLEN], buf[MV_ENDPOINT_STRLEN];
	size_t i;

	mv_format_node_id(n->id, id);
	printf("\nnode: %s\n", id);
	label(2, "endpoint");
	if (n->has_endpoint && mv_format_endpoint(&n->endpoint, buf, sizeof(buf)) > 0)
		printf("%s\n", buf);
	else
		printf("(none)\n");
	label(2, "next hop");
	if (!n->next_hop || n->next_hop == n->id) {
		printf("direct\n");
	} else if (li->dev.has_local_id && n->next_hop == li->dev.local_id) {
		printf("the daemon (meta connections)\n");
	} else {
		mv_format_node_id(n->next_hop, id);
		printf("via %s\n", id);
	}
	if (li->have_routes) {
		label(2, "routes");
		for (i = 0; i < n_routes; i++) {
			mv_format_prefix(&routes[i].prefix, buf, sizeof(buf));
			printf("%s%s", i ? ", " : "", buf);
		}
		printf("%s\n", n_routes ? "" : "(none)");
	}
	if (n->has_keepalive) {
		label(2, "keepalive");
		if (n->keepalive)
			printf("every %u second%s\n", n->keepalive,
			       n->keepalive == 1 ? "" : "s");
		else
			printf("off\n");
	}
	if (n->has_last_rx) {
		label(2, "last rx");
		if (!n->last_rx)
			printf("never");
		else
			print_duration(stdout, now > n->last_rx ? now - n->last_rx : 0);
		printf("\n");
	}
	label(2, "transfer");
	print_bytes(stdout, n->rx_bytes);
	printf(" received (%" PRIu64 " packets), ", n->rx_packets);
	print_bytes(stdout, n->tx_bytes);
	printf(" sent (%" PRIu64 " packets)\n", n->tx_packets);
	label(2, "drops");
	printf("%" PRIu64 " decrypt, %" PRIu64 " replay, %" PRIu64 " rpf, %" PRIu64 " no key\n",
	       n->rx_decrypt_errors, n->rx_replay_drops, n->rx_rpf_drops,
	       n->tx_no_key_drops);
	label(2, "relayed");
	print_bytes(stdout, n->relay_bytes);
	printf(" (%" PRIu64 " packets)\n", n->relay_packets);
	if (n->daemon_packets || n->daemon_drops) {
		label(2, "to the daemon");
		printf("%" PRIu64 " packets, %" PRIu64 " dropped\n",
		       n->daemon_packets, n->daemon_drops);
	}
	if (li->have_keys) {
		format_key(&ni->key[MESHVPN_KEY_SLOT_CURRENT], buf, sizeof(buf));
		label(2, "current key");
		printf("%s\n", buf);
		format_key(&ni->key[MESHVPN_KEY_SLOT_NEXT], buf, sizeof(buf));
		label(2, "next key");
		printf("%s\n", buf);
	}
}

void mv_link_print(const struct mv_link_info *li)
{
	char id[MV_NODE_ID_STRLEN], safe[IF_NAMESIZE + 8];
	uint64_t now = boottime_now();
	size_t i, r = 0, first;

	printf("link: %s\n", mv_printable(li->name, safe, sizeof(safe)));
	label(2, "node id");
	if (li->dev.has_local_id) {
		mv_format_node_id(li->dev.local_id, id);
		printf("%s\n", id);
	} else {
		printf("(none)\n");
	}
	label(2, "listening port");
	if (li->dev.has_port)
		printf("%u\n", li->dev.port);
	else
		printf("(no socket)\n");
	if (li->dev.has_node_count) {
		label(2, "nodes");
		printf("%u\n", li->dev.node_count);
	}
	if (li->dev.has_route_count) {
		label(2, "routes");
		printf("%u\n", li->dev.route_count);
	}
	/* Routes and nodes are both sorted by node id: walk them together. */
	for (i = 0; i < li->n_nodes; i++) {
		while (r < li->n_routes && li->routes[r].node_id < li->nodes[i].node.id)
			r++;
		first = r;
		while (r < li->n_routes && li->routes[r].node_id == li->nodes[i].node.id)
			r++;
		print_node(li, &li->nodes[i], li->routes + first, r - first, now);
	}
	/* Without the node list, the routes still get shown on their own. */
	if (!li->have_nodes && li->n_routes) {
		printf("\nroutes:\n");
		mv_link_print_routes(li->routes, li->n_routes, "  ");
	}
}

void mv_link_print_routes(const struct mv_meshvpn_route *routes, size_t n,
			  const char *indent)
{
	char buf[MV_PREFIX_STRLEN], id[MV_NODE_ID_STRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		mv_format_prefix(&routes[i].prefix, buf, sizeof(buf));
		mv_format_node_id(routes[i].node_id, id);
		printf("%s%s node %s\n", indent, buf, id);
	}
}
