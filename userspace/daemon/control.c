// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (Documentation/control.md): a UNIX stream socket,
 * mode 0600 and checked peer credentials, one request line per connection,
 * answered with "OK" or "ERROR reason" and a text or JSON body, several
 * clients at a time without blocking the event loop. Also the
 * node and connection dumps that SIGUSR1 and SIGUSR2 write to the log.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/array.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/script.h"
#include "lib/json.h"
#include "dataplane/kernel.h"
#include "lib/log.h"

#define REQUEST_MAX	1024

static const char *key_source(const struct mv_node *n)
{
	if (n->host_key)
		return "hostfile";
	if (n->vouched_key)
		return "graph";
	return NULL;
}

/* The key that speaks for @n: ours for ourselves, else the trusted one. */
static const struct mv_identity *node_key(const struct mv_node *n)
{
	if (n == n->table->self)
		return mv_node_daemon(n)->key;
	return mv_node_trusted_key(n);
}

static const char *node_cipher(const struct mv_node *n)
{
	const struct mv_session *s = n->session;

	if (s->tx_phase < 0 || !s->slot[s->tx_phase].valid)
		return NULL;
	return mv_cipher_name(s->slot[s->tx_phase].cipher);
}

/* The relay a packet to @n goes through, when not direct. */
static const struct mv_node *node_via(const struct mv_node *n)
{
	enum mv_path_kind p = mv_node_path(n);

	return p == MV_PATH_RELAY || p == MV_PATH_TCP ?
	       (n->nexthop && n->nexthop != n ? n->nexthop : NULL) : NULL;
}

/* A kernel backend counts what it forwards; the daemon what it handled. */
static const struct mv_counters *counters(const struct mv_node *n,
					  struct mv_counters *buf)
{
	mv_dataplane_stats(&mv_node_daemon(n)->dp, (struct mv_node *)n, buf);
	return buf;
}

static void node_json(struct mv_json *j, const struct mv_node *n)
{
	struct mv_counters kbuf;
	const struct mv_counters *c = counters(n, &kbuf);
	const struct mv_node *via = node_via(n);
	char ep[80], id[16], fp[17];
	size_t i;

	snprintf(id, sizeof(id), "%012" PRIx64, n->id);
	mv_json_begin_object(j);
	mv_json_kv_string(j, "name", n->name);
	mv_json_kv_string(j, "id", id);
	mv_json_kv_bool(j, "self", n == n->table->self);
	mv_json_kv_bool(j, "reachable", n->reachable || n == n->table->self);
	mv_json_kv_string(j, "path", mv_path_name(mv_node_path(n)));
	mv_json_key(j, "via");
	if (via)
		mv_json_string(j, via->name);
	else
		mv_json_null(j);
	mv_json_key(j, "nexthop");
	if (n->nexthop)
		mv_json_string(j, n->nexthop->name);
	else
		mv_json_null(j);
	mv_json_kv_u64(j, "distance", n->path.distance);
	mv_json_kv_u64(j, "hops", n->path.hops);
	mv_json_key(j, "endpoint");
	if (n->udp.endpoint.sin6_family) {
		mv_sockaddr_format(&n->udp.endpoint, ep, sizeof(ep));
		mv_json_string(j, ep);
	} else {
		mv_json_null(j);
	}
	mv_json_kv_bool(j, "direct", n->udp.direct);
	mv_json_key(j, "rtt_us");
	if (n->udp.direct)
		mv_json_u64(j, n->udp.rtt_us);
	else
		mv_json_null(j);
	mv_json_kv_string(j, "dataplane", mv_dataplane_name(&mv_node_daemon(n)->dp));
	mv_json_key(j, "cipher");
	if (node_cipher(n))
		mv_json_string(j, node_cipher(n));
	else
		mv_json_null(j);
	mv_json_kv_u64(j, "session_generation", n->session->last_generation);
	mv_json_key(j, "key_source");
	if (key_source(n))
		mv_json_string(j, key_source(n));
	else
		mv_json_null(j);
	mv_json_key(j, "key_fingerprint");
	if (node_key(n)) {
		mv_identity_fingerprint(node_key(n), fp);
		mv_json_string(j, fp);
	} else {
		mv_json_null(j);
	}
	mv_json_kv_bool(j, "connected", n->conn && n->conn->state == MV_CONN_ACTIVE);
	mv_json_key(j, "subnets");
	mv_json_begin_array(j);
	for (i = 0; i < n->n_subnets; i++) {
		char text[MV_SUBNET_STRLEN];

		mv_subnet_format(&n->subnets[i], text, sizeof(text), 0);
		mv_json_string(j, text);
	}
	mv_json_end_array(j);
	mv_json_kv_u64(j, "tx_packets", c->tx_packets);
	mv_json_kv_u64(j, "tx_bytes", c->tx_bytes);
	mv_json_kv_u64(j, "rx_packets", c->rx_packets);
	mv_json_kv_u64(j, "rx_bytes", c->rx_bytes);
	mv_json_kv_u64(j, "relayed_packets", c->relayed_packets);
	mv_json_kv_u64(j, "relayed_bytes", c->relayed_bytes);
	/* With meshvpn.ko, what the daemon itself relayed: nothing, normally. */
	mv_json_kv_u64(j, "daemon_relayed_packets", n->stats.relayed_packets);
	mv_json_kv_u64(j, "tcp_packets", c->tcp_packets);
	mv_json_kv_u64(j, "decrypt_errors", c->decrypt_errors);
	mv_json_kv_u64(j, "replay_drops", c->replay_drops);
	mv_json_kv_u64(j, "rpf_drops", c->rpf_drops);
	mv_json_kv_u64(j, "nokey_drops", c->nokey_drops);
	mv_json_end_object(j);
}

static void node_text(FILE *f, const struct mv_node *n)
{
	struct mv_counters kbuf;
	const struct mv_counters *c = counters(n, &kbuf);
	const struct mv_node *via = node_via(n);
	char ep[80] = "-", path[96];

	if (n->udp.endpoint.sin6_family)
		mv_sockaddr_format(&n->udp.endpoint, ep, sizeof(ep));
	if (via)
		snprintf(path, sizeof(path), "%s via %s",
			 mv_path_name(mv_node_path(n)), via->name);
	else
		snprintf(path, sizeof(path), "%s", mv_path_name(mv_node_path(n)));
	fprintf(f, "%-16s %012" PRIx64 " %-24s %-24s", n->name, n->id, path, ep);
	if (n->udp.direct)
		fprintf(f, " %6.2fms", n->udp.rtt_us / 1000.0);
	else
		fprintf(f, " %8s", "-");
	fprintf(f, " tx %" PRIu64 "/%" PRIu64 " rx %" PRIu64 "/%" PRIu64
		" relayed %" PRIu64 "\n", c->tx_packets, c->tx_bytes,
		c->rx_packets, c->rx_bytes, c->relayed_packets);
}

/* Nodes sorted by name, for stable output. */
static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(struct mv_node *const *)a)->name,
		      (*(struct mv_node *const *)b)->name);
}

static struct mv_node **sorted_nodes(struct mv_daemon *d, size_t *count)
{
	struct mv_node **v = calloc(d->nodes.n_nodes + 1, sizeof(*v)), *n;
	size_t k = 0;

	if (!v)
		return NULL;
	for (n = d->nodes.all; n; n = n->next)
		if (n == d->nodes.self || n->have_state || n->host || n->conn)
			v[k++] = n;
	qsort(v, k, sizeof(*v), cmp_node);
	*count = k;
	return v;
}

static int dump_nodes(struct mv_daemon *d, FILE *f, bool json)
{
	struct mv_node **v;
	struct mv_json j;
	size_t k, i;

	v = sorted_nodes(d, &k);
	if (!v)
		return -ENOMEM;
	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_array(&j);
		for (i = 0; i < k; i++)
			node_json(&j, v[i]);
		mv_json_end_array(&j);
		free(v);
		return mv_json_finish(&j);
	}
	fprintf(f, "%-16s %-12s %-24s %-24s %9s counters (packets/bytes)\n",
		"NODE", "ID", "PATH", "ENDPOINT", "RTT");
	for (i = 0; i < k; i++)
		node_text(f, v[i]);
	free(v);
	return 0;
}

static int dump_edges(struct mv_daemon *d, FILE *f, bool json)
{
	struct mv_node **v;
	struct mv_json j;
	size_t k, i, e;

	v = sorted_nodes(d, &k);
	if (!v)
		return -ENOMEM;
	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_array(&j);
	}
	for (i = 0; i < k; i++) {
		const struct mv_meta_state *s = v[i]->state;

		for (e = 0; v[i]->have_state && e < s->n_edges; e++) {
			struct sockaddr_in6 sa;
			char addr[80];
			struct mv_node *to = mv_node_find(&d->nodes, s->edges[e].peer);
			bool used = to && v[i]->vertex >= 0 && to->vertex >= 0 &&
				    mv_graph_has_edge(d->topo.graph, v[i]->vertex,
						      to->vertex);

			mv_wire_to_sockaddr(&s->edges[e].address, &sa);
			mv_sockaddr_format(&sa, addr, sizeof(addr));
			if (!json) {
				fprintf(f, "%s to %s at %s weight %u%s\n",
					v[i]->name, s->edges[e].peer, addr,
					s->edges[e].weight,
					used ? "" : " (unconfirmed)");
				continue;
			}
			mv_json_begin_object(&j);
			mv_json_kv_string(&j, "from", v[i]->name);
			mv_json_kv_string(&j, "to", s->edges[e].peer);
			mv_json_kv_string(&j, "address", addr);
			mv_json_kv_u64(&j, "weight", s->edges[e].weight);
			mv_json_kv_bool(&j, "confirmed", used);
			mv_json_end_object(&j);
		}
	}
	free(v);
	if (json) {
		mv_json_end_array(&j);
		return mv_json_finish(&j);
	}
	return 0;
}

/*
 * tinc's `dump graph`: the graph as DOT, for graphviz. A node is labelled
 * with the path its packets take, grey while unreachable, filled for
 * ourselves; an edge with its weight (the meta connection's RTT in ms,
 * plus the configured Weight), dashed while the other end does not
 * announce it back (unconfirmed: not used).
 */
static int dump_graph(struct mv_daemon *d, FILE *f)
{
	struct mv_node **v;
	size_t k, i, e;

	v = sorted_nodes(d, &k);
	if (!v)
		return -ENOMEM;
	fprintf(f, "digraph \"meshvpn\" {\n");
	for (i = 0; i < k; i++) {
		const struct mv_node *n = v[i], *via = node_via(n);
		bool self = n == d->nodes.self;

		fprintf(f, "\t\"%s\" [label=\"%s\\n%s%s%s\"%s%s];\n", n->name,
			n->name, mv_path_name(mv_node_path(n)), via ? " via " : "",
			via ? via->name : "",
			self || n->reachable ? "" : ", color=gray, fontcolor=gray",
			self ? ", style=filled, fillcolor=lightblue" : "");
	}
	for (i = 0; i < k; i++) {
		const struct mv_meta_state *s = v[i]->state;

		for (e = 0; v[i]->have_state && e < s->n_edges; e++) {
			struct mv_node *to = mv_node_find(&d->nodes, s->edges[e].peer);
			bool used = to && v[i]->vertex >= 0 && to->vertex >= 0 &&
				    mv_graph_has_edge(d->topo.graph, v[i]->vertex,
						      to->vertex);

			fprintf(f, "\t\"%s\" -> \"%s\" [label=\"%u ms\"%s];\n",
				v[i]->name, s->edges[e].peer, s->edges[e].weight,
				used ? "" : ", style=dashed");
		}
	}
	fprintf(f, "}\n");
	free(v);
	return 0;
}

/*
 * One screen on this node: who it is, its data path, where its peers see
 * it (its reflexive addresses: behind a NAT when they are not its own),
 * its meta connections, and the path to every node it knows.
 */
static int status(struct mv_daemon *d, FILE *f, bool json)
{
	const struct mv_announcer *own = &d->proto.own;
	struct mv_node *self = d->nodes.self, **v;
	const struct mv_conn *c;
	struct mv_json j;
	char fp[17] = "", addr[80];
	size_t k, i, reachable = 0;

	v = sorted_nodes(d, &k);
	if (!v)
		return -ENOMEM;
	if (d->key)
		mv_identity_fingerprint(d->key, fp);
	for (i = 0; i < k; i++)
		reachable += v[i] != self && v[i]->reachable;
	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_object(&j);
		mv_json_kv_string(&j, "name", self->name);
		mv_json_kv_string(&j, "key_fingerprint", fp);
		mv_json_kv_string(&j, "dataplane", mv_dataplane_name(&d->dp));
		mv_json_kv_string(&j, "interface", d->dp.ifname);
		mv_json_kv_u64(&j, "port", d->conf.port);
		mv_json_key(&j, "seen_at");
		mv_json_begin_array(&j);
	} else {
		fprintf(f, "node %s (id %012" PRIx64 ", key %s)\n", self->name,
			self->id, fp[0] ? fp : "-");
		fprintf(f, "data path %s on %s, port %u\n", mv_dataplane_name(&d->dp),
			d->dp.ifname[0] ? d->dp.ifname : "-", d->conf.port);
		fprintf(f, "seen by peers at");
	}
	for (i = 0; i < own->n_reflexive; i++) {
		struct sockaddr_in6 sa;

		mv_wire_to_sockaddr(&own->reflexive[i], &sa);
		mv_sockaddr_format(&sa, addr, sizeof(addr));
		if (json)
			mv_json_string(&j, addr);
		else
			fprintf(f, " %s", addr);
	}
	if (json) {
		mv_json_end_array(&j);
		mv_json_key(&j, "connections");
		mv_json_begin_array(&j);
	} else {
		fprintf(f, "%s\nconnections:", own->n_reflexive ? "" : " - (no peer told us yet)");
	}
	for (c = d->proto.meta.conns; c; c = c->next) {
		if (c->state != MV_CONN_ACTIVE)
			continue;
		if (json)
			mv_json_string(&j, c->name);
		else
			fprintf(f, " %s", c->name);
	}
	if (json) {
		mv_json_end_array(&j);
		mv_json_kv_u64(&j, "reachable", reachable);
		mv_json_key(&j, "nodes");
		mv_json_begin_array(&j);
	} else {
		fprintf(f, "\nnodes: %zu known, %zu reachable\n", k ? k - 1 : 0, reachable);
	}
	for (i = 0; i < k; i++) {
		const struct mv_node *n = v[i], *via = node_via(n);
		char path[96];

		if (n == self)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", mv_path_name(mv_node_path(n)),
			 via ? " via " : "", via ? via->name : "");
		if (json) {
			mv_json_begin_object(&j);
			mv_json_kv_string(&j, "name", n->name);
			mv_json_kv_bool(&j, "reachable", n->reachable);
			mv_json_kv_string(&j, "path", path);
			mv_json_key(&j, "rtt_us");
			if (n->udp.direct)
				mv_json_u64(&j, n->udp.rtt_us);
			else
				mv_json_null(&j);
			mv_json_end_object(&j);
		} else if (n->udp.direct) {
			fprintf(f, "  %-16s %-28s %.2fms\n", n->name, path,
				n->udp.rtt_us / 1000.0);
		} else {
			fprintf(f, "  %-16s %s\n", n->name, path);
		}
	}
	free(v);
	if (!json)
		return 0;
	mv_json_end_array(&j);
	mv_json_end_object(&j);
	return mv_json_finish(&j);
}

struct subnet_walk {
	FILE *f;
	struct mv_json *j;
	const struct mv_subnet *within;	/* only subnets covering it */
	size_t found;
};

static int subnet_one(const struct mv_subnet_route *r, void *ctx)
{
	struct subnet_walk *w = ctx;
	const struct mv_node *n = r->owner;
	char text[MV_SUBNET_STRLEN];

	if (w->within && (r->subnet.prefixlen > w->within->prefixlen ||
			  !mv_subnet_contains(&r->subnet, w->within->type,
					      w->within->addr)))
		return 0;
	w->found++;

	mv_subnet_format(&r->subnet, text, sizeof(text), 0);
	if (!w->j) {
		fprintf(w->f, "%s owner %s\n", text, n->name);
		return 0;
	}
	mv_json_begin_object(w->j);
	mv_json_kv_string(w->j, "subnet", text);
	mv_json_kv_string(w->j, "owner", n->name);
	mv_json_kv_u64(w->j, "weight", r->subnet.weight);
	mv_json_end_object(w->j);
	return 0;
}

static int dump_subnets(struct mv_daemon *d, FILE *f, bool json)
{
	struct mv_json j;
	struct subnet_walk w = { f, json ? &j : NULL, NULL, 0 };
	int err;

	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_array(&j);
	}
	err = mv_subnet_table_foreach(d->topo.subnets, subnet_one, &w);
	if (json) {
		mv_json_end_array(&j);
		return err ?: mv_json_finish(&j);
	}
	return err;
}

static const char *conn_state_name(enum mv_conn_state s)
{
	static const char *const names[] = {
		"connecting", "hello", "auth", "active", "closed",
	};

	return names[s];
}

static int dump_connections(struct mv_daemon *d, FILE *f, bool json)
{
	struct mv_conn *c;
	struct mv_json j;
	char addr[80];

	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_array(&j);
	}
	for (c = d->proto.meta.conns; c; c = c->next) {
		if (c->state == MV_CONN_CLOSED)
			continue;
		mv_sockaddr_format(&c->addr, addr, sizeof(addr));
		if (!json) {
			fprintf(f, "%s at %s %s %s rtt %ums\n",
				c->name[0] ? c->name : "<unknown>", addr,
				c->outgoing ? "outgoing" : "incoming",
				conn_state_name(c->state), c->rtt_ms);
			continue;
		}
		mv_json_begin_object(&j);
		mv_json_kv_string(&j, "name", c->name);
		mv_json_kv_string(&j, "address", addr);
		mv_json_kv_bool(&j, "outgoing", c->outgoing != NULL);
		mv_json_kv_string(&j, "state", conn_state_name(c->state));
		mv_json_kv_u64(&j, "rtt_ms", c->rtt_ms);
		mv_json_end_object(&j);
	}
	if (json) {
		mv_json_end_array(&j);
		return mv_json_finish(&j);
	}
	return 0;
}

/*
 * What the daemon refused or dropped that belongs to no node: the UDP
 * messages it could not use, what sessions refused, the work strangers
 * made the meta layer do, what the STATE flood cost, and each limit with
 * its variable, its value and its refusals (Documentation/security.md),
 * meshvpn.ko's too when it is the data plane. Per-node drops are in the
 * node dumps.
 */
static int dump_stats(struct mv_daemon *d, FILE *f, bool json)
{
	const struct mv_meta_stats *ms = &d->proto.meta.stats;
	const struct mv_session_stats *sess = &d->proto.sessions.stats;
	const struct mv_trust_config *trust = &d->conf.trust;
	const struct mv_state_refusals *refused = &d->proto.own.refused;
	const struct mv_state_stats *st = &d->proto.own.stats;
	static const struct mv_scripts_stats no_scripts;
	const struct mv_scripts_stats *scr =
		d->scripts ? mv_scripts_stats(d->scripts) : &no_scripts;
	const struct {
		const char *name;
		uint64_t value, refused;
	} limits[] = {
		{ "MaxConnectionBurst", d->conf.max_connection_burst,
		  ms->burst_refused },
		{ "MaxPreAuthConnections", d->conf.max_preauth_connections,
		  ms->preauth_dropped },
		{ "ScriptQueueLimit", d->conf.script_queue_limit, scr->dropped },
		{ "SessionInitRate", d->conf.session.init_rate,
		  sess->init_rate_refused },
		{ "SessionCookieLoad", d->conf.session.cookie_load,
		  sess->cookie_replies },
		{ "NoKeyHandshakeInterval", d->conf.session.nokey_interval,
		  sess->nokey_refused },
		{ "MaxClockSkew", trust->max_clock_skew, refused->clock },
		{ "VouchFromVouched", trust->vouch_from_vouched, refused->voucher },
		{ "VouchQuota", trust->vouch_quota, refused->quota },
		{ "VouchRate", trust->vouch_rate, refused->rate },
		{ "StateFloodRate", d->conf.state_flood_rate, st->rate_refused },
	};
	/* Grouped: each run of one group is one JSON object. */
	const struct {
		const char *group, *name;
		uint64_t value;
	} counts[] = {
		{ "udp", "malformed", d->dp.udp_stats.malformed },
		{ "udp", "unknown_source", d->dp.udp_stats.unknown_src },
		{ "udp", "relay_refused", d->dp.udp_stats.relay_refused },
		{ "udp", "no_route", d->dp.udp_stats.no_route },
		{ "udp", "probe_errors", d->dp.udp_stats.probe_errors },
		{ "session", "stale_init", sess->stale_init },
		{ "session", "bad_signature", sess->bad_signature },
		{ "session", "bad_confirm", sess->bad_confirm },
		{ "session", "bad_cookie", sess->bad_cookie },
		{ "session", "malformed", sess->malformed },
		{ "session", "wrong_source", sess->wrong_source },
		{ "session", "expired_key", sess->expired_key },
		{ "meta", "accept_paused", ms->accept_paused },
		{ "meta", "auth_signed", ms->auth_signed },
		{ "meta", "refused_by_peer", ms->refused_by_peer },
		{ "scripts", "merged", scr->merged },
		{ "scripts", "pending",
		  d->scripts ? mv_scripts_pending(d->scripts) : 0 },
		{ "state", "originated", st->originated },
		{ "state", "received", st->received },
		{ "state", "accepted", st->accepted },
		{ "state", "forged_own", refused->forged_own },
		{ "state", "vouched_key_evicted", d->nodes.evicted_vouched },
		{ "state", "id_squatter_evicted", d->nodes.evicted_id_squatters },
		{ "state", "id_collision", d->nodes.id_collisions },
	};
	struct mv_meshvpn_dev kdev;
	unsigned int n_klimits = mv_kernel_device(&d->dp, &kdev) ? 0 :
				 MV_MESHVPN_LIMITS;
	uint64_t kvalue, krefused;
	const char *kname;
	struct mv_json j;
	size_t i;

	if (!json) {
		for (i = 0; i < ARRAY_SIZE(counts); i++)
			fprintf(f, "%s %s %" PRIu64 "\n", counts[i].group,
				counts[i].name, counts[i].value);
		for (i = 0; i < ARRAY_SIZE(limits); i++)
			fprintf(f, "limit %s %" PRIu64 " refused %" PRIu64 "\n",
				limits[i].name, limits[i].value, limits[i].refused);
		for (i = 0; i < n_klimits; i++) {
			mv_meshvpn_dev_limit(&kdev, i, &kname, &kvalue, &krefused);
			fprintf(f, "limit %s %" PRIu64 " refused %" PRIu64 "\n",
				kname, kvalue, krefused);
		}
		return 0;
	}
	mv_json_init(&j, f, true);
	mv_json_begin_object(&j);
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		if (!i || strcmp(counts[i].group, counts[i - 1].group)) {
			if (i)
				mv_json_end_object(&j);
			mv_json_key(&j, counts[i].group);
			mv_json_begin_object(&j);
		}
		mv_json_kv_u64(&j, counts[i].name, counts[i].value);
	}
	mv_json_end_object(&j);
	mv_json_key(&j, "limits");
	mv_json_begin_object(&j);
	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		mv_json_key(&j, limits[i].name);
		mv_json_begin_object(&j);
		mv_json_kv_u64(&j, "value", limits[i].value);
		mv_json_kv_u64(&j, "refused", limits[i].refused);
		mv_json_end_object(&j);
	}
	for (i = 0; i < n_klimits; i++) {
		mv_meshvpn_dev_limit(&kdev, i, &kname, &kvalue, &krefused);
		mv_json_key(&j, kname);
		mv_json_begin_object(&j);
		mv_json_kv_u64(&j, "value", kvalue);
		mv_json_kv_u64(&j, "refused", krefused);
		mv_json_end_object(&j);
	}
	mv_json_end_object(&j);
	mv_json_end_object(&j);
	return mv_json_finish(&j);
}

/* `info ADDRESS` or `info SUBNET`: the subnets that cover it, and owners. */
static int info_subnet(struct mv_daemon *d, const struct mv_subnet *s,
		       const char *text, FILE *f, bool json, char *err,
		       size_t errlen)
{
	struct mv_json j;
	struct subnet_walk w = { f, json ? &j : NULL, s, 0 };
	int ret;

	if (json) {
		mv_json_init(&j, f, true);
		mv_json_begin_array(&j);
	}
	ret = mv_subnet_table_foreach(d->topo.subnets, subnet_one, &w);
	if (json) {
		mv_json_end_array(&j);
		ret = ret ?: mv_json_finish(&j);
	}
	if (!ret && !w.found) {
		snprintf(err, errlen, "no known subnet contains %s", text);
		return -ENOENT;
	}
	return ret;
}

static int info_node(struct mv_daemon *d, const char *name, FILE *f, bool json,
		     char *err, size_t errlen)
{
	struct mv_node *n = mv_node_find(&d->nodes, name);
	struct mv_subnet s;
	struct mv_json j;
	size_t i;

	if (!n && !mv_config_valid_name(name) &&
	    !mv_subnet_parse(name, &s, NULL, 0))
		return info_subnet(d, &s, name, f, json, err, errlen);
	if (!n || (!n->have_state && !n->host && n != d->nodes.self)) {
		snprintf(err, errlen, "unknown node %s", name);
		return -ENOENT;
	}
	if (json) {
		mv_json_init(&j, f, true);
		node_json(&j, n);
		return mv_json_finish(&j);
	}
	node_text(f, n);
	if (node_key(n)) {
		char fp[17];

		mv_identity_fingerprint(node_key(n), fp);
		fprintf(f, "key %s %s (%s)\n",
			mv_key_type_name(mv_identity_type(node_key(n))), fp,
			n == d->nodes.self ? "ours" : key_source(n));
	}
	for (i = 0; n->have_state && i < n->state->n_candidates; i++) {
		struct sockaddr_in6 sa;
		char addr[80];

		mv_wire_to_sockaddr(&n->state->candidates[i].address, &sa);
		mv_sockaddr_format(&sa, addr, sizeof(addr));
		fprintf(f, "candidate %s (%s)\n", addr,
			n->state->candidates[i].kind == MV_CAND_REFLEXIVE ?
			"reflexive" : n->state->candidates[i].kind == MV_CAND_LOCAL ?
			"local" : "configured");
	}
	return 0;
}

static void purge(struct mv_daemon *d)
{
	struct mv_node *n;

	for (n = d->nodes.all; n; n = n->next)
		if (n != d->nodes.self && !n->reachable && !n->udp.direct && n->have_state)
			mv_state_forget(&d->proto, n);
}

/* ---- the command table ---- */

/* One request's words after the command's own, and where its answer goes. */
struct ctl_request {
	struct mv_daemon *d;
	const char *arg;	/* the one argument, for commands that take one */
	bool json;
	FILE *out;
	char *err;
	size_t errlen;
};

static int cmd_dump_nodes(struct ctl_request *r)
{
	return dump_nodes(r->d, r->out, r->json);
}

static int cmd_dump_edges(struct ctl_request *r)
{
	return dump_edges(r->d, r->out, r->json);
}

static int cmd_dump_graph(struct ctl_request *r)
{
	return dump_graph(r->d, r->out);
}

static int cmd_dump_subnets(struct ctl_request *r)
{
	return dump_subnets(r->d, r->out, r->json);
}

static int cmd_dump_connections(struct ctl_request *r)
{
	return dump_connections(r->d, r->out, r->json);
}

static int cmd_dump_stats(struct ctl_request *r)
{
	return dump_stats(r->d, r->out, r->json);
}

static int cmd_info(struct ctl_request *r)
{
	return info_node(r->d, r->arg, r->out, r->json, r->err, r->errlen);
}

static int cmd_stop(struct ctl_request *r)
{
	mv_daemon_stop(r->d);
	return 0;
}

/* The verdict goes back: "ERROR FILE:LINE: message" for a broken file. */
static int cmd_reload(struct ctl_request *r)
{
	return mv_daemon_reload(r->d, r->err, r->errlen);
}

/*
 * Restart in place (meshvpnd.c re-executes the daemon once the loop has
 * ended as with --keep-state). A configuration that does not load would
 * leave the network without a daemon: refused with the reason. The new
 * image answers the client itself (client_execute()).
 */
static int cmd_restart(struct ctl_request *r)
{
	struct mv_daemon *d = r->d;
	struct mv_config conf;
	struct mv_diag diag;
	int rc;

	if (d->restarting) {
		snprintf(r->err, r->errlen, "already restarting");
		return -EBUSY;
	}
	mv_diag_init(&diag);
	rc = mv_config_load_server_opts(d->confdir, d->overrides,
					d->overrides_len, &conf, &diag);
	if (rc) {
		snprintf(r->err, r->errlen, "%s; not restarting",
			 diag.error ? diag.error : strerror(-rc));
		mv_err("Restart refused: %s", r->err);
	}
	mv_config_free(&conf);
	mv_diag_free(&diag);
	if (rc)
		return rc;
	mv_notice("Restarting in place (requested over the control socket)");
	d->restarting = true;
	d->dp.keep_state = true;
	mv_daemon_stop(d);
	return 0;
}

static int cmd_status(struct ctl_request *r)
{
	return status(r->d, r->out, r->json);
}

/* Which data path carries the packets, on which interface. */
static int cmd_dataplane(struct ctl_request *r)
{
	fprintf(r->out, "%s %s\n", mv_dataplane_name(&r->d->dp),
		r->d->dp.ifname[0] ? r->d->dp.ifname : "-");
	return 0;
}

static int cmd_retry(struct ctl_request *r)
{
	mv_meta_retry_now(&r->d->proto);
	return 0;
}

static int cmd_purge(struct ctl_request *r)
{
	purge(r->d);
	return 0;
}

/* Prints the old level, as the answer, before setting the new one. */
static int cmd_debug(struct ctl_request *r)
{
	char *end;
	long level = strtol(r->arg, &end, 10);

	if (!*r->arg || *end || level < -1 || level > 10) {
		snprintf(r->err, r->errlen, "debug level must be 0 to 10");
		return -EINVAL;
	}
	fprintf(r->out, "%d\n", mv_log_get_level());
	mv_log_set_level(level);
	return 0;
}

/*
 * Every request of Documentation/control.md: one or two words naming the
 * command, then its argument if it takes one, then an optional "json".
 */
static const struct ctl_command {
	const char *name, *sub;	/* sub: NULL for one-word commands */
	bool takes_arg;
	int (*run)(struct ctl_request *r);
} ctl_commands[] = {
	{ "dump", "nodes", false, cmd_dump_nodes },
	{ "dump", "edges", false, cmd_dump_edges },
	{ "dump", "graph", false, cmd_dump_graph },
	{ "dump", "subnets", false, cmd_dump_subnets },
	{ "dump", "connections", false, cmd_dump_connections },
	{ "dump", "stats", false, cmd_dump_stats },
	{ "info", NULL, true, cmd_info },
	{ "stop", NULL, false, cmd_stop },
	{ "reload", NULL, false, cmd_reload },
	{ "restart", NULL, false, cmd_restart },
	{ "dataplane", NULL, false, cmd_dataplane },
	{ "status", NULL, false, cmd_status },
	{ "retry", NULL, false, cmd_retry },
	{ "purge", NULL, false, cmd_purge },
	{ "debug", NULL, true, cmd_debug },
};

static const struct ctl_command *find_command(char **words, int n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ctl_commands); i++) {
		const struct ctl_command *cmd = &ctl_commands[i];
		int want = 1 + (cmd->sub != NULL) + cmd->takes_arg;

		if (n == want && !strcmp(words[0], cmd->name) &&
		    (!cmd->sub || !strcmp(words[1], cmd->sub)))
			return cmd;
	}
	return NULL;
}

int mv_control_execute(struct mv_daemon *d, char *line, FILE *f, char *err,
		       size_t errlen)
{
	struct ctl_request r = { .d = d, .out = f, .err = err, .errlen = errlen };
	const struct ctl_command *cmd;
	char *words[4] = { 0 };
	int n = 0;
	char *save, *w;

	/* A fifth word makes the request unknown, not a truncated one. */
	for (w = strtok_r(line, " ", &save); w && n < 5; w = strtok_r(NULL, " ", &save)) {
		if (n == 4) {
			n++;
			break;
		}
		words[n++] = w;
	}
	if (n > 1 && n <= 4 && !strcmp(words[n - 1], "json")) {
		r.json = true;
		words[--n] = NULL;
	}
	cmd = n && n <= 4 ? find_command(words, n) : NULL;
	if (!cmd) {
		snprintf(err, errlen, "unknown request");
		return -EINVAL;
	}
	if (cmd->takes_arg)
		r.arg = words[n - 1];
	return cmd->run(&r);
}

/*
 * Clients are served side by side on the event loop, never with a blocking
 * read or write: the loop also moves the userspace path's packets, and a
 * client that stops reading (a dump piped into a pager) must not stall
 * them. More clients than this wait in the listen backlog.
 */
#define CLIENTS_MAX		16
/* A client has this long to send its request, and then to take the answer. */
#define REQUEST_TIMEOUT		1000	/* ms */
#define ANSWER_TIMEOUT		10000	/* ms */

struct mv_ctl_client {
	struct mv_daemon *d;
	struct mv_ctl_client *next;
	int fd;
	struct mv_io io;
	struct mv_timer timer;
	char line[REQUEST_MAX + 1];
	size_t len;
	char *out;		/* the answer, status line first; NULL while reading */
	size_t out_len, out_off;
};

static void client_free(struct mv_ctl_client *c)
{
	struct mv_daemon *d = c->d;
	struct mv_ctl_client **pp;

	for (pp = &d->ctl_clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	mv_io_del(d->loop, &c->io);
	mv_timer_cancel(d->loop, &c->timer);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c);
	/* Room again: take the connections waiting in the backlog. */
	if (d->n_ctl_clients-- == CLIENTS_MAX && d->ctl_fd >= 0)
		mv_io_set(d->loop, &d->ctl_io, EPOLLIN);
}

static void client_timeout(void *ctx)
{
	struct mv_ctl_client *c = ctx;

	mv_info(2, "Control client %s in time; closing it",
		c->out ? "did not take its answer" : "sent no request");
	if (!c->out)
		send(c->fd, "ERROR request incomplete\n", 25,
		     MSG_NOSIGNAL | MSG_DONTWAIT);
	client_free(c);
}

/* Write what the socket takes; done, or wait for room. */
static void client_write(struct mv_ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			mv_io_set(c->d->loop, &c->io, EPOLLOUT);
			return;
		}
		if (n <= 0)
			break;
		c->out_off += n;
	}
	client_free(c);
}

/* Answer with @status ("OK" or "ERROR reason") and @body. */
static void client_answer(struct mv_ctl_client *c, const char *status,
			  const char *body, size_t body_len)
{
	size_t head = strlen(status) + 1;

	c->out = malloc(head + body_len);
	if (!c->out) {
		client_free(c);
		return;
	}
	memcpy(c->out, status, head - 1);
	c->out[head - 1] = '\n';
	if (body_len)
		memcpy(c->out + head, body, body_len);
	c->out_len = head + body_len;
	mv_timer_arm(c->d->loop, &c->timer, ANSWER_TIMEOUT);
	client_write(c);
}

int mv_control_take_line(char *buf, size_t len, char *err, size_t errlen)
{
	char *nl = memchr(buf, '\n', len);
	size_t i, end;

	if (!nl) {
		snprintf(err, errlen, "request too long or incomplete");
		return -EINVAL;
	}
	end = nl - buf;
	if (end && buf[end - 1] == '\r')
		end--;
	/*
	 * The line is text: a NUL would hide the rest of it from the
	 * string functions below, and other control characters would
	 * reach the log as they are.
	 */
	for (i = 0; i < end; i++) {
		unsigned char ch = buf[i];

		if (ch < 0x20 || ch == 0x7f) {
			snprintf(err, errlen, "request contains control character 0x%02x",
				 ch);
			return -EINVAL;
		}
	}
	buf[end] = 0;
	return 0;
}

static void client_execute(struct mv_ctl_client *c)
{
	char err[MV_RELOAD_ERR_MAX] = "", head[MV_RELOAD_ERR_MAX + 8];
	char *body = NULL;
	size_t body_len = 0;
	bool was_restarting;
	FILE *f;
	int rc;

	rc = mv_control_take_line(c->line, c->len, err, sizeof(err));
	if (rc) {
		mv_warn("Refused a control request: %s", err);
		snprintf(head, sizeof(head), "ERROR %s", err);
		client_answer(c, head, NULL, 0);
		return;
	}
	mv_info(2, "Control request: %s", c->line);
	f = open_memstream(&body, &body_len);
	if (!f) {
		client_free(c);
		return;
	}
	was_restarting = c->d->restarting;
	rc = mv_control_execute(c->d, c->line, f, err, sizeof(err));
	fclose(f);
	if (!rc && !was_restarting && c->d->restarting) {
		/* The new image answers: the connection crosses the exec. */
		c->d->restart_client_fd = c->fd;
		c->fd = -1;
		client_free(c);
	} else if (rc) {
		snprintf(head, sizeof(head), "ERROR %s", err[0] ? err : strerror(-rc));
		client_answer(c, head, NULL, 0);
	} else {
		client_answer(c, "OK", body, body_len);
	}
	free(body);
}

static void client_io(void *ctx, uint32_t events)
{
	struct mv_ctl_client *c = ctx;
	ssize_t n;

	(void)events;
	if (c->out) {
		client_write(c);
		return;
	}
	/* The request is one line; whatever follows it is ignored. */
	n = recv(c->fd, c->line + c->len, REQUEST_MAX - c->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		c->len += n;
		c->line[c->len] = 0;
		if (memchr(c->line, '\n', c->len)) {
			client_execute(c);
			return;
		}
		if (c->len < REQUEST_MAX)
			return;
	}
	/* Closed, failed or too long before the end of the line. */
	client_answer(c, "ERROR request too long or incomplete", NULL, 0);
}

static void client_accept(struct mv_daemon *d, int fd)
{
	struct mv_ctl_client *c;
	struct ucred cred;
	socklen_t clen = sizeof(cred);

	/* Only root, or the user the daemon runs as, may steer it. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		send(fd, "ERROR permission denied\n", 24, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || mv_io_add(d->loop, &c->io, fd, EPOLLIN, client_io, c)) {
		free(c);
		close(fd);
		return;
	}
	c->d = d;
	c->fd = fd;
	mv_timer_init(&c->timer, client_timeout, c);
	mv_timer_arm(d->loop, &c->timer, REQUEST_TIMEOUT);
	c->next = d->ctl_clients;
	d->ctl_clients = c;
	if (++d->n_ctl_clients == CLIENTS_MAX)
		mv_io_set(d->loop, &d->ctl_io, 0);
}

static void serve_resume(void *ctx)
{
	struct mv_daemon *d = ctx;

	if (d->n_ctl_clients < CLIENTS_MAX)
		mv_io_set(d->loop, &d->ctl_io, EPOLLIN);
}

static void serve(void *ctx, uint32_t events)
{
	struct mv_daemon *d = ctx;
	int fd;

	(void)events;
	while (d->n_ctl_clients < CLIENTS_MAX) {
		fd = accept4(d->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			client_accept(d, fd);
			continue;
		}
		/*
		 * Out of descriptors, the client stays in the backlog and
		 * the level-triggered socket would be reported again at
		 * once, forever: stop listening for a second.
		 */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			mv_warn("Cannot accept control clients: %s; pausing for a second",
				strerror(errno));
			mv_io_set(d->loop, &d->ctl_io, 0);
			mv_timer_arm(d->loop, &d->ctl_resume, 1000);
		}
		return;
	}
}

int mv_control_open(struct mv_daemon *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(d->ctlpath) >= sizeof(sa.sun_path)) {
		mv_err("Control socket path too long: %s", d->ctlpath);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, d->ctlpath);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(d->ctlpath);
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		int err = -errno;

		umask(old);
		mv_err("Cannot create the control socket %s: %s", d->ctlpath,
		       strerror(-err));
		close(fd);
		return err;
	}
	umask(old);
	d->ctl_fd = fd;
	mv_timer_init(&d->ctl_resume, serve_resume, d);
	return mv_io_add(d->loop, &d->ctl_io, fd, EPOLLIN, serve, d);
}

void mv_control_close(struct mv_daemon *d)
{
	if (d->ctl_fd < 0)
		return;
	mv_io_del(d->loop, &d->ctl_io);
	mv_timer_cancel(d->loop, &d->ctl_resume);
	close(d->ctl_fd);
	unlink(d->ctlpath);
	d->ctl_fd = -1;
	while (d->ctl_clients)
		client_free(d->ctl_clients);
}

/* SIGUSR1 (connections) and SIGUSR2 (nodes, edges, subnets) into the log. */
void mv_dump_log(struct mv_daemon *d, bool nodes)
{
	char *body = NULL, *line, *save;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);

	if (!f)
		return;
	if (nodes) {
		fprintf(f, "Nodes:\n");
		dump_nodes(d, f, false);
		fprintf(f, "Edges:\n");
		dump_edges(d, f, false);
		fprintf(f, "Subnets:\n");
		dump_subnets(d, f, false);
	} else {
		fprintf(f, "Connections:\n");
		dump_connections(d, f, false);
	}
	fclose(f);
	for (line = strtok_r(body, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		mv_notice("%s", line);
	free(body);
}
