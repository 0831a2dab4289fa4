// SPDX-License-Identifier: GPL-2.0
/*
 * The mesh's shared view (protocol.md, 9.3 and 9.4): each node's signed
 * STATE record, flooded with duplicate suppression, aged out, and turned
 * into the graph, reachability, subnets and scripts. Work triggered by
 * messages is batched into mv_state_after_events(), once per loop
 * iteration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "crypto/crypto.h"
#include "lib/array.h"
#include "lib/log.h"
#include "proto/proto.h"

/*
 * Our own announcements (OSPF's MinLSInterval): after a burst of
 * STATE_BURST announcements, which a start or a new connection needs at
 * once, a topology change goes out at most every STATE_MIN_GAP; that
 * keeps an honest origin under every node's default StateFloodRate (a
 * burst of 30, then 2 a second); a change of edge weights alone (RTTs)
 * only past WEIGHT_HYSTERESIS_MS and at most about every WEIGHT_MIN_GAP
 * (tinc 1.0 never updates a weight; RTTs on a busy host swing by tens of
 * ms, and each such announcement crosses every link of the mesh),
 * less up to a quarter of it at random so that nodes started together
 * drift apart; the refresh is jittered the same way.
 */
#define STATE_MIN_GAP		500	/* ms */
#define STATE_BURST		4
#define WEIGHT_MIN_GAP		300000	/* ms */
#define WEIGHT_HYSTERESIS_MS	10	/* and half the announced weight */
#define AGE_PERIOD	10000	/* ms */

static void state_timer(void *ctx);
static void age_timer(void *ctx);

void mv_state_init(struct mv_proto *p)
{
	mv_timer_init(&p->own.timer, state_timer, p);
	mv_timer_init(&p->own.age_timer, age_timer, p);
	mv_timer_arm(p->loop, &p->own.age_timer, AGE_PERIOD);
}

void mv_state_changed(struct mv_proto *p)
{
	p->own.dirty = true;
}

/* Put a node's stored STATE into the graph. */
void mv_state_add_reflexive(struct mv_proto *p, const struct mv_wire_addr *w)
{
	struct mv_announcer *own = &p->own;
	size_t i;

	for (i = 0; i < own->n_reflexive; i++)
		if (!memcmp(&own->reflexive[i], w, sizeof(*w)))
			return;
	/* Newest first; the oldest falls off. */
	if (own->n_reflexive == ARRAY_SIZE(own->reflexive))
		own->n_reflexive--;
	memmove(&own->reflexive[1], &own->reflexive[0],
		own->n_reflexive * sizeof(*w));
	own->reflexive[0] = *w;
	own->n_reflexive++;
	mv_state_changed(p);
}

static void apply_edges(struct mv_proto *p, struct mv_node *n)
{
	const struct mv_meta_state *s = n->state;
	struct mv_topology_link *links;
	size_t i, k = 0;

	links = calloc(s->n_edges + 1, sizeof(*links));
	if (!links)
		return;
	n->unknown_peers = 0;
	for (i = 0; i < s->n_edges && !(s->flags & MV_STATE_F_GONE); i++) {
		/* Peers not known yet are linked when they are (link_waiting). */
		links[k].peer = mv_node_find(p->nodes, s->edges[i].peer);
		links[k].weight = s->edges[i].weight;
		if (links[k].peer)
			k++;
		else
			n->unknown_peers++;
	}
	mv_topology_set_links(p->topo, n, links, k,
			      s->flags & (MV_STATE_F_INDIRECT | MV_STATE_F_TCPONLY));
	free(links);
}

/*
 * StrictSubnets refusals of @n's STATE, logged when they differ from the
 * last ones logged: a digest, not a list, so nothing grows with what a
 * node claims over time.
 */
static void log_refused(struct mv_proto *p, struct mv_node *n)
{
	uint64_t digest = 1469598103934665603ull;
	size_t i, refused = 0;

	for (i = 0; i < n->n_claimed; i++) {
		const uint8_t *b = (const uint8_t *)&n->claimed[i];
		size_t j;

		if (mv_topology_subnet_allowed(p->topo, n, &n->claimed[i]))
			continue;
		for (j = 0; j < sizeof(n->claimed[i]); j++)
			digest = (digest ^ b[j]) * 1099511628211ull;
		refused++;
	}
	if (!refused || digest == n->refused_digest)
		return;
	n->refused_digest = digest;
	for (i = 0; i < n->n_claimed; i++) {
		char text[MV_SUBNET_STRLEN];

		if (mv_topology_subnet_allowed(p->topo, n, &n->claimed[i]))
			continue;
		if (mv_subnet_format(&n->claimed[i], text, sizeof(text), 0) < 0)
			text[0] = 0;
		mv_warn("Ignoring unauthorized Subnet %s of %s (StrictSubnets)",
			text, n->name);
	}
}

/*
 * The subnets a STATE claims, parsed once when it arrives; what StrictSubnets
 * allows of them is the topology's decision.
 */
static void parse_claimed(struct mv_proto *p, struct mv_node *n)
{
	const struct mv_meta_state *s = n->state;
	size_t i;

	free(n->claimed);
	n->claimed = NULL;
	n->n_claimed = 0;
	if (!s->n_subnets)
		return;
	n->claimed = calloc(s->n_subnets, sizeof(*n->claimed));
	if (!n->claimed)
		return;
	for (i = 0; i < s->n_subnets; i++) {
		char why[MV_SUBNET_ERRLEN];

		if (mv_subnet_parse(s->subnets[i], &n->claimed[n->n_claimed],
				    why, sizeof(why))) {
			mv_warn("Ignoring Subnet %s of %s: %s", s->subnets[i],
				n->name, why);
			continue;
		}
		n->n_claimed++;
	}
	log_refused(p, n);
}

/* Take @s as @n's STATE, with its raw bytes kept for floods. */
static void adopt_state(struct mv_proto *p, struct mv_node *n,
			struct mv_meta_state *s)
{
	mv_meta_state_free(n->state);
	*n->state = *s;
	n->have_state = true;
	n->seq_floor = s->seq;
	n->forgotten = 0;
	n->tcp_only = s->flags & MV_STATE_F_TCPONLY;
	n->gone = s->flags & MV_STATE_F_GONE;
	parse_claimed(p, n);
}

/* ---- our own STATE ---- */

static void add_candidate(struct mv_meta_state *s, uint8_t kind,
			  const struct mv_wire_addr *a)
{
	size_t i;

	if (s->n_candidates >= MV_META_MAX_CANDIDATES)
		return;
	for (i = 0; i < s->n_candidates; i++)
		if (!memcmp(&s->candidates[i].address, a, sizeof(*a)))
			return;
	s->candidates[s->n_candidates].kind = kind;
	s->candidates[s->n_candidates++].address = *a;
}

/* Interface addresses, for peers on the same LAN. */
static void local_candidates(struct mv_proto *p, struct mv_meta_state *s)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		struct mv_wire_addr w = { .port = p->conf->port };

		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK) || !strcmp(i->ifa_name, p->ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_INET &&
		    p->conf->address_family != MV_AF_IPV6) {
			w.family = 4;
			memcpy(w.addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6 &&
			   p->conf->address_family != MV_AF_IPV4) {
			const struct in6_addr *a =
				&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			w.family = 6;
			memcpy(w.addr, a, 16);
		} else {
			continue;
		}
		add_candidate(s, MV_CAND_LOCAL, &w);
	}
	freeifaddrs(ifa);
}

static uint16_t peer_port(const struct mv_node *n)
{
	if (n->have_state)
		return n->state->port;
	if (n->host)
		return n->host->port;
	return MV_CONFIG_DEFAULT_PORT;
}

static bool weight_moved(uint32_t announced, uint32_t now)
{
	uint32_t margin = announced / 2 + WEIGHT_HYSTERESIS_MS;

	return now > announced + margin || now + margin < announced;
}

/*
 * The weight to announce for the edge to @peer: the one announced before
 * unless the measurement moved past the hysteresis, so that RTT jitter
 * does not re-flood our STATE.
 */
static uint32_t damped_weight(const struct mv_node *self, const char *peer,
			      uint32_t weight)
{
	const struct mv_meta_state *old = self->state;
	size_t i;

	if (!self->have_state)
		return weight;
	for (i = 0; i < old->n_edges; i++)
		if (!strcmp(old->edges[i].peer, peer))
			return weight_moved(old->edges[i].weight, weight) ?
			       weight : old->edges[i].weight;
	return weight;
}

static int build_own(struct mv_proto *p, bool gone, struct mv_meta_state *s)
{
	const struct mv_host_config *self = &p->conf->self;
	struct mv_conn *c;
	size_t n_conns = 0, i;
	int err;

	memset(s, 0, sizeof(*s));
	strcpy(s->origin, p->nodes->self->name);
	s->lifetime = MV_STATE_LIFETIME;
	s->flags = (self->indirect_data ? MV_STATE_F_INDIRECT : 0) |
		   (self->tcp_only ? MV_STATE_F_TCPONLY : 0) |
		   (gone ? MV_STATE_F_GONE : 0);
	s->cipher = mv_cipher_alg(p->conf->cipher);
	s->port = p->conf->port;
	s->key_type = mv_identity_type(p->key);
	err = mv_identity_public_encode(p->key, &s->key, &s->key_len);
	if (err)
		return err;
	for (c = p->meta.conns; c; c = c->next)
		n_conns += c->state == MV_CONN_ACTIVE;
	s->edges = calloc(n_conns + 1, sizeof(*s->edges));
	s->subnets = calloc(self->n_subnets + 1, sizeof(*s->subnets));
	s->candidates = calloc(MV_META_MAX_CANDIDATES, sizeof(*s->candidates));
	if (!s->edges || !s->subnets || !s->candidates)
		return -ENOMEM;
	if (gone)
		return 0;
	for (c = p->meta.conns; c; c = c->next) {
		struct mv_state_edge *e = &s->edges[s->n_edges];
		int weight;

		if (c->state != MV_CONN_ACTIVE)
			continue;
		weight = c->node->host && c->node->host->weight_set ?
			 c->node->host->weight : 0;
		strcpy(e->peer, c->node->name);
		e->weight = c->rtt_ms + (weight > 0 ? weight : 0);
		if (!e->weight)
			e->weight = 1;
		e->weight = damped_weight(p->nodes->self, e->peer, e->weight);
		mv_sockaddr_to_wire(&c->addr, &e->address);
		e->address.port = peer_port(c->node);
		s->n_edges++;
	}
	for (i = 0; i < self->n_subnets; i++) {
		char text[MV_SUBNET_STRLEN];

		if (mv_subnet_format(&self->subnets[i], text, sizeof(text), 0) < 0)
			continue;
		s->subnets[s->n_subnets] = strdup(text);
		if (!s->subnets[s->n_subnets])
			return -ENOMEM;
		s->n_subnets++;
	}
	for (i = 0; i < p->own.n_reflexive; i++)
		add_candidate(s, MV_CAND_REFLEXIVE, &p->own.reflexive[i]);
	local_candidates(p, s);
	return 0;
}

static int sign_state(struct mv_proto *p, const struct mv_meta_state *s,
		      struct mv_buf *out)
{
	uint8_t *sig = NULL;
	size_t sig_len;
	struct mv_buf msg;
	int err;

	err = mv_meta_state_encode_body(out, s);
	if (err)
		return err;
	mv_buf_init(&msg);
	err = mv_meta_state_signed_part(&msg, out->data + 1, out->len - 1);
	err = err ?: mv_identity_sign(p->key, msg.data, msg.len, &sig, &sig_len);
	mv_buf_free(&msg);
	if (!err)
		err = mv_meta_state_encode_sig(out, sig, sig_len);
	free(sig);
	return err;
}

enum own_change {
	OWN_SAME,		/* nothing worth a flood */
	OWN_WEIGHTS,		/* edge weights alone */
	OWN_TOPOLOGY,		/* edges, subnets, addresses or flags */
};

static enum own_change compare_own(const struct mv_meta_state *old,
				   const struct mv_meta_state *s)
{
	bool weights = false;
	size_t i;

	if (old->flags != s->flags || old->cipher != s->cipher ||
	    old->port != s->port || old->n_edges != s->n_edges ||
	    old->n_subnets != s->n_subnets ||
	    old->n_candidates != s->n_candidates)
		return OWN_TOPOLOGY;
	for (i = 0; i < s->n_edges; i++) {
		if (strcmp(old->edges[i].peer, s->edges[i].peer) ||
		    memcmp(&old->edges[i].address, &s->edges[i].address,
			   sizeof(s->edges[i].address)))
			return OWN_TOPOLOGY;
		weights |= old->edges[i].weight != s->edges[i].weight;
	}
	for (i = 0; i < s->n_subnets; i++)
		if (strcmp(old->subnets[i], s->subnets[i]))
			return OWN_TOPOLOGY;
	for (i = 0; i < s->n_candidates; i++)
		if (old->candidates[i].kind != s->candidates[i].kind ||
		    memcmp(&old->candidates[i].address, &s->candidates[i].address,
			   sizeof(s->candidates[i].address)))
			return OWN_TOPOLOGY;
	return weights ? OWN_WEIGHTS : OWN_SAME;
}

/* @period after @base, less up to a quarter of it at random. */
static uint64_t jittered(uint64_t base, uint64_t period)
{
	return base + period - mv_random_u64() % (period / 4 + 1);
}

/* Wake the state timer at @when unless it is due earlier anyway. */
static void wake_at(struct mv_proto *p, uint64_t when)
{
	uint64_t now = mv_loop_now(p->loop);

	if (mv_timer_pending(&p->own.timer) && p->own.timer.when <= when)
		return;
	mv_timer_arm(p->loop, &p->own.timer, when > now ? when - now : 0);
}

/* Sign @s with the next sequence number and flood it. */
static void publish(struct mv_proto *p, struct mv_meta_state *s)
{
	struct mv_node *self = p->nodes->self;
	uint64_t now = mv_loop_now(p->loop), wall;
	struct timespec ts;
	struct mv_buf raw;

	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	p->own.seq = wall > p->own.seq ? wall : p->own.seq + 1;
	s->seq = p->own.seq;
	mv_buf_init(&raw);
	if (sign_state(p, s, &raw)) {
		mv_err("Cannot sign our STATE");
		mv_meta_state_free(s);
		mv_buf_free(&raw);
		return;
	}
	adopt_state(p, self, s);
	mv_buf_free(&self->state_raw);
	self->state_raw = raw;
	apply_edges(p, self);
	p->own.stats.originated++;
	mv_info(3, "Sending STATE seq %llu (%zu edges, %zu subnets, %zu candidates)",
		(unsigned long long)s->seq, s->n_edges, s->n_subnets,
		s->n_candidates);
	mv_meta_broadcast(p, raw.data, raw.len, NULL);
	/* Refreshed well before its lifetime ends at every node. */
	p->own.refresh_at = jittered(now, MV_STATE_LIFETIME * 1000 / 3);
	mv_timer_arm(p->loop, &p->own.timer, p->own.refresh_at - now);
}

/*
 * Announce our STATE if it changed in a way worth a flood, as soon as the
 * minimum intervals allow; otherwise the timer comes back for it.
 */
static void consider(struct mv_proto *p, bool gone)
{
	struct mv_node *self = p->nodes->self;
	uint64_t now = mv_loop_now(p->loop), due;
	enum own_change change;
	struct mv_meta_state s;

	p->own.dirty = false;
	if (build_own(p, gone, &s)) {
		mv_err("Cannot build our STATE: out of memory");
		mv_meta_state_free(&s);
		return;
	}
	if (gone || !self->have_state || now >= p->own.refresh_at)
		change = OWN_TOPOLOGY;
	else
		change = compare_own(self->state, &s);
	/* GCRA: the burst's tolerance ahead of the theoretical arrival time */
	due = p->own.announce_tat > now + (STATE_BURST - 1) * STATE_MIN_GAP ?
	      p->own.announce_tat - (STATE_BURST - 1) * STATE_MIN_GAP : now;
	if (change == OWN_WEIGHTS && p->own.weights_next > due)
		due = p->own.weights_next;
	if (change != OWN_SAME && (gone || due <= now)) {
		/* Whatever went out carried the weights of now. */
		p->own.weights_next = jittered(now, WEIGHT_MIN_GAP);
		p->own.announce_tat = (p->own.announce_tat > now ?
				       p->own.announce_tat : now) + STATE_MIN_GAP;
		publish(p, &s);
		return;
	}
	mv_meta_state_free(&s);
	wake_at(p, change == OWN_SAME ? p->own.refresh_at : due);
}

void mv_state_announce_gone(struct mv_proto *p)
{
	consider(p, true);
}

static void state_timer(void *ctx)
{
	struct mv_proto *p = ctx;

	/* A postponed change or the refresh is due. */
	consider(p, false);
}

static bool own_lists(const struct mv_node *self, const struct mv_node *peer)
{
	size_t i;

	for (i = 0; self->have_state && peer && i < self->state->n_edges; i++)
		if (!strcmp(self->state->edges[i].peer, peer->name))
			return true;
	return false;
}

void mv_state_sync(struct mv_conn *c)
{
	struct mv_proto *p = c->p;
	struct mv_node *n;

	/*
	 * Ours only once it lists this connection: an older one (the first,
	 * edgeless, of a node just started) would make the mesh drop us
	 * until the announcement that follows the activation.
	 */
	if (own_lists(p->nodes->self, c->node))
		mv_meta_send(c, p->nodes->self->state_raw.data, p->nodes->self->state_raw.len);
	for (n = p->nodes->all; n && c->state == MV_CONN_ACTIVE; n = n->next)
		if (n != p->nodes->self && n->have_state)
			mv_meta_send(c, n->state_raw.data, n->state_raw.len);
}

/* ---- receiving ---- */

static bool verify_state(struct mv_identity *key, const uint8_t *pt,
			 size_t off, size_t len, const struct mv_meta_state *s)
{
	struct mv_buf msg;
	bool ok;

	mv_buf_init(&msg);
	ok = !mv_meta_state_signed_part(&msg, pt + off, len) &&
	     !mv_identity_verify(key, msg.data, msg.len, s->sig, s->sig_len);
	mv_buf_free(&msg);
	return ok;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A seq is its origin's clock (section 9.3): one far ahead of ours would
 * freeze the origin's later records out (and wrap), one older than its
 * lifetime is a replay of a record that expired.
 */
static bool seq_plausible(struct mv_proto *p, const struct mv_conn *c,
			  const struct mv_meta_state *s)
{
	uint64_t skew = p->conf->trust.max_clock_skew * 1000ull;
	uint64_t now = wall_ms();

	if (s->seq > now + skew) {
		mv_warn("STATE of %s from %s is %llu s ahead of our clock "
			"(MaxClockSkew %u): refused", s->origin, c->name,
			(unsigned long long)((s->seq - now) / 1000),
			p->conf->trust.max_clock_skew);
	} else if (s->seq + s->lifetime * 1000ull + skew < now) {
		mv_info(1, "STATE of %s from %s expired %llu s ago: refused",
			s->origin, c->name,
			(unsigned long long)((now - s->seq) / 1000));
	} else {
		return true;
	}
	p->own.refused.clock++;
	return false;
}

/* Our own origin: only what we signed ourselves, e.g. before a restart. */
static void receive_own(struct mv_conn *c, const uint8_t *pt, size_t off,
			size_t slen, const struct mv_meta_state *s)
{
	struct mv_proto *p = c->p;

	if (!verify_state(p->key, pt, off, slen, s)) {
		mv_warn("STATE of ourselves from %s is not signed by us: refused",
			c->name);
		p->own.refused.forged_own++;
		return;
	}
	if (!seq_plausible(p, c, s))
		return;
	/*
	 * A copy from before a restart, newer than ours: announce past it.
	 * Our current STATE flooded back over another path is no reason to
	 * announce again.
	 */
	if (s->seq > p->own.seq) {
		p->own.seq = s->seq;
		mv_state_changed(p);
	}
}

/*
 * May @c's node introduce one more key (section 9.4)? It must be known
 * from a host file (or VouchFromVouched), within VouchQuota, and the
 * daemon within VouchRate. Checked before any key is decoded.
 */
static bool may_vouch(struct mv_conn *c, const char *origin)
{
	struct mv_proto *p = c->p;
	const struct mv_trust_config *trust = &p->conf->trust;
	struct mv_announcer *own = &p->own;
	struct mv_node *voucher = c->node;
	uint64_t now = mv_loop_now(p->loop);

	if (!voucher->host_key && !trust->vouch_from_vouched) {
		mv_info(1, "Ignoring %s from %s: %s's own key was vouched for "
			"(VouchFromVouched = no)", origin, c->name, c->name);
		own->refused.voucher++;
		return false;
	}
	if (voucher->n_vouched >= trust->vouch_quota) {
		mv_warn("Ignoring %s from %s: %s vouched for %u nodes already "
			"(VouchQuota)", origin, c->name, c->name,
			voucher->n_vouched);
		own->refused.quota++;
		return false;
	}
	if (!trust->vouch_rate)
		return true;
	/* A burst of ten seconds' worth, as when joining a mesh. */
	if (now - own->vouch_refilled >= 1000) {
		own->vouch_tokens += (now - own->vouch_refilled) / 1000 *
				     trust->vouch_rate;
		if (own->vouch_tokens > 10ull * trust->vouch_rate)
			own->vouch_tokens = 10ull * trust->vouch_rate;
		own->vouch_refilled = now;
	}
	if (!own->vouch_tokens) {
		mv_info(1, "Ignoring %s from %s for now: more than %u new keys "
			"a second (VouchRate)", origin, c->name,
			trust->vouch_rate);
		own->refused.rate++;
		return false;
	}
	own->vouch_tokens--;
	return true;
}

/* Is @s's key the one of our hosts/NAME? Compared in wire form. */
static bool is_host_key(const struct mv_identity *host_key,
			const struct mv_meta_state *s)
{
	uint8_t *wire;
	size_t len;
	bool same;

	if (s->key_type != mv_identity_type(host_key) ||
	    mv_identity_public_encode(host_key, &wire, &len))
		return false;
	same = len == s->key_len && mv_ct_equal(wire, s->key, len);
	free(wire);
	return same;
}

/*
 * The key for @s's origin @n (NULL: a node we do not know yet), section
 * 9.4; NULL with a log line if none. A key learned here is returned in
 * *@learned too, for the caller to keep once the signature is checked.
 */
static struct mv_identity *state_key(struct mv_conn *c, struct mv_node *n,
				     const struct mv_meta_state *s,
				     struct mv_identity **learned)
{
	struct mv_identity *key = NULL;
	char fp[17];

	*learned = NULL;
	if (n && n->host_key) {
		if (!is_host_key(n->host_key, s)) {
			mv_warn("wrong key for %s in a STATE from %s: refused",
				n->name, c->name);
			return NULL;
		}
		return n->host_key;
	}
	if (c->p->conf->strict_keys) {
		mv_info(1, "Ignoring %s from %s: no host file and StrictKeys",
			s->origin, c->name);
		return NULL;
	}
	if (!(n && n->vouched_key) && !may_vouch(c, s->origin))
		return NULL;
	if (mv_identity_public_decode(s->key_type, s->key, s->key_len, &key)) {
		mv_warn("STATE of %s from %s carries an invalid key", s->origin,
			c->name);
		return NULL;
	}
	if (n && n->vouched_key) {
		if (!mv_identity_equal(n->vouched_key, key)) {
			mv_warn("%s announces a different key for %s than before: refused",
				c->name, n->name);
			mv_identity_free(key);
			return NULL;
		}
		mv_identity_free(key);
		return n->vouched_key;
	}
	mv_identity_fingerprint(key, fp);
	mv_info(1, "Learned the key of %s from %s (%s %s)", s->origin, c->name,
		mv_key_type_name(mv_identity_type(key)), fp);
	*learned = key;
	return key;
}

/*
 * The peers of @n whose STATE named nodes that did not exist then, @n
 * perhaps: their edges are applied again, so that an edge announced to
 * @n before @n was made counts once @n confirms it. Nodes whose peers all
 * exist (all honest ones, once the mesh is known) cost nothing here.
 */
static void link_waiting(struct mv_proto *p, struct mv_node *n)
{
	size_t i;

	for (i = 0; i < n->state->n_edges; i++) {
		struct mv_node *peer = mv_node_find(p->nodes,
						    n->state->edges[i].peer);

		if (peer && peer != p->nodes->self && peer->have_state &&
		    peer->unknown_peers)
			apply_edges(p, peer);
	}
}

/*
 * StateFloodRate: at most that many STATE records of one origin a minute
 * are taken and flooded on, with a burst of a quarter of it (GCRA), so
 * that an origin that announces in a loop costs every node a bounded
 * amount of work. Honest origins stay below it (STATE_MIN_GAP).
 */
static bool flood_allowed(struct mv_proto *p, struct mv_node *n)
{
	unsigned int rate = p->conf->state_flood_rate;
	uint64_t now = mv_loop_now(p->loop), interval, tolerance, tat;

	if (!rate)
		return true;
	interval = 60000 / rate;
	tolerance = interval * (rate / 4);
	tat = n->state_flood_tat > now ? n->state_flood_tat : now;
	if (tat - now > tolerance) {
		p->own.stats.rate_refused++;
		if (!n->state_flood_refusing)
			mv_warn("STATE of %s arrives faster than StateFloodRate %u a minute: refused",
				n->name, rate);
		n->state_flood_refusing = true;
		return false;
	}
	n->state_flood_refusing = false;
	n->state_flood_tat = tat + interval;
	return true;
}

void mv_state_receive(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	struct mv_proto *p = c->p;
	struct mv_identity *key, *learned;
	char err[MV_META_ERRLEN];
	struct mv_meta_state s;
	size_t off, slen;
	struct mv_node *n;

	p->own.stats.received++;
	if (mv_meta_state_decode(pt, len, &s, &off, &slen, err)) {
		mv_meta_state_free(&s);
		mv_meta_close(c, err);
		return;
	}
	if (!strcmp(s.origin, p->nodes->self->name)) {
		receive_own(c, pt, off, slen, &s);
		mv_meta_state_free(&s);
		return;
	}
	/* Nothing is made for an origin before its STATE is verified. */
	n = mv_node_find(p->nodes, s.origin);
	if (n && n->id_lost) {
		mv_info(1, "STATE of %s from %s refused: its node id belongs to "
			"a node known from a host file", s.origin, c->name);
		p->nodes->id_collisions++;
		mv_meta_state_free(&s);
		return;
	}
	if ((n && s.seq <= n->seq_floor) || !seq_plausible(p, c, &s)) {
		mv_meta_state_free(&s);
		return;
	}
	key = state_key(c, n, &s, &learned);
	if (!key || !verify_state(key, pt, off, slen, &s)) {
		if (key)
			mv_warn("STATE of %s from %s has a bad signature: refused",
				s.origin, c->name);
		mv_identity_free(learned);
		mv_meta_state_free(&s);
		return;
	}
	if (!n) {
		n = mv_node_get(p->nodes, s.origin);
		if (!n) {
			mv_identity_free(learned);
			mv_meta_state_free(&s);
			return;
		}
	}
	if (!flood_allowed(p, n)) {
		mv_identity_free(learned);
		mv_meta_state_free(&s);
		return;
	}
	if (learned) {
		n->vouched_key = learned;
		n->vouched_by = c->node->id;
		c->node->n_vouched++;
	}
	mv_info(3, "Got STATE of %s seq %llu from %s (%zu edges, %zu subnets)",
		n->name, (unsigned long long)s.seq, c->name, s.n_edges,
		s.n_subnets);
	adopt_state(p, n, &s);
	mv_buf_reset(&n->state_raw);
	if (mv_buf_put(&n->state_raw, pt, len)) {
		mv_state_forget(p, n);
		return;
	}
	p->own.stats.accepted++;
	n->state_expires = mv_loop_now(p->loop) + s.lifetime * 1000ull;
	mv_meta_broadcast(p, pt, len, c);
	apply_edges(p, n);
	link_waiting(p, n);
}

int mv_state_node_init(struct mv_node *n)
{
	n->state = calloc(1, sizeof(*n->state));
	return n->state ? 0 : -ENOMEM;
}

void mv_state_node_free(struct mv_node *n)
{
	if (!n->state)
		return;
	mv_meta_state_free(n->state);
	free(n->state);
	n->state = NULL;
}

/*
 * The node's vouched key and newest seq stay after its STATE: the key for
 * its lifetime (section 9.4), and both until any record of it would have
 * expired anyway, so that an old one cannot bring it back (reap_forgotten).
 */
void mv_state_forget(struct mv_proto *p, struct mv_node *n)
{
	if (n->have_state)
		mv_meta_state_free(n->state);
	memset(n->state, 0, sizeof(*n->state));
	n->have_state = false;
	n->forgotten = mv_loop_now(p->loop);
	n->tcp_only = false;
	n->gone = false;
	free(n->claimed);
	n->claimed = NULL;
	n->n_claimed = 0;
	n->refused_digest = 0;
	mv_buf_reset(&n->state_raw);
	mv_topology_remove(p->topo, n);
}

/* Does anything still refer to @n, a node without STATE or host file? */
static bool in_use(struct mv_proto *p, const struct mv_node *n)
{
	const struct mv_conn *c;

	/* A probe timer is set up with the node's first session only. */
	if (n->conn || n->reachable || n->udp.direct || n->n_subnets ||
	    n->kstate.exists ||
	    (n->udp.probe_timer.fn && mv_timer_pending(&n->udp.probe_timer)))
		return true;
	for (c = p->meta.conns; c; c = c->next)
		if (c->node == n)
			return true;
	return false;
}

/*
 * Free the nodes we only knew from the network, once their records have
 * expired for their lifetime plus MaxClockSkew (an id squatter's, as soon
 * as nothing refers to it): what junk origins cost does not outlive them.
 */
static void reap_forgotten(struct mv_proto *p, uint64_t now)
{
	uint64_t keep = (MV_STATE_LIFETIME + p->conf->trust.max_clock_skew) *
			1000ull;
	struct mv_node *n, *next;

	for (n = p->nodes->all; n; n = next) {
		struct mv_node *voucher;

		next = n->next;
		if (n == p->nodes->self || n->have_state ||
		    (!n->forgotten && !n->id_lost) ||
		    n->host || n->host_key || now - n->forgotten < keep ||
		    in_use(p, n))
			continue;
		mv_info(2, "Forgetting the key of %s", n->name);
		voucher = n->vouched_key ?
			  mv_node_find_id(p->nodes, n->vouched_by) : NULL;
		if (voucher && voucher->n_vouched)
			voucher->n_vouched--;
		mv_topology_remove(p->topo, n);
		mv_node_free(p->nodes, n);
	}
}

void mv_state_age(struct mv_proto *p, uint64_t now)
{
	struct mv_node *n;

	for (n = p->nodes->all; n; n = n->next) {
		if (n == p->nodes->self || !n->have_state)
			continue;
		if (now > n->state_expires && !n->udp.direct) {
			mv_info(2, "The state of %s expired", n->name);
			mv_state_forget(p, n);
		} else if (!n->reachable && !n->udp.direct && n->unreachable_since &&
			   now - n->unreachable_since > MV_UNREACHABLE_FORGET * 1000) {
			mv_info(2, "Forgetting %s: unreachable for %d s", n->name,
				MV_UNREACHABLE_FORGET);
			mv_state_forget(p, n);
		}
	}
	reap_forgotten(p, now);
}

static void age_timer(void *ctx)
{
	struct mv_proto *p = ctx;

	mv_state_age(p, mv_loop_now(p->loop));
	mv_timer_arm(p->loop, &p->own.age_timer, AGE_PERIOD);
}

void mv_state_after_events(struct mv_proto *p)
{
	uint64_t now = mv_loop_now(p->loop);

	if (p->own.dirty && !p->stopping)
		consider(p, false);
	if (p->topo->dirty)
		mv_topology_recompute(p->topo, now);
}
