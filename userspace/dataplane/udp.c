// SPDX-License-Identifier: GPL-2.0
/*
 * UDP: the socket shared by probes and data, NAT traversal (probes to
 * every candidate address of a peer from both ends at once), relaying of
 * other nodes' ciphertext (protocol.md, section 7), the TCP fallback, and
 * the userspace data path between the TUN device and the wire.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dataplane/udp.h"
#include "dataplane/kernel.h"
#include "lib/log.h"
#include "dataplane/tun.h"

#define TUN_MTU			1412	/* 1500 - IPv6 (40) - UDP (8) - ours (40) */
#define HEADROOM		64
#define PROBE_FAST		250	/* ms between the first probes */
#define PROBE_SLOW		1000
#define PROBE_FAST_TRIES	8
#define PROBE_SLOW_TRIES	60
/*
 * Hole punching through routers that answer an unsolicited packet (see
 * probe_timer): the first rounds leave with a TTL that opens our own NAT
 * (one or two levels) but dies before the peer's router, and a peer that
 * never answered is left alone for longer than conntrack keeps an
 * unanswered UDP entry (nf_conntrack_udp_timeout, 30 s) before the
 * rounds start again.
 */
#define PROBE_LOW_ROUNDS	2
#define PROBE_LOW_TTL_MIN	2
#define PROBE_LOW_TTL_MAX	3
#define PROBE_PAUSE		40000	/* ms */
#define PROBE_LOST		3	/* unanswered keepalives: path gone */
#define PROBE_PATH		1
#define PROBE_PLAIN_LEN		(1 + 8 + 8)
#define REPLY_PLAIN_LEN		(PROBE_PLAIN_LEN + 1 + 2 + 16)
#define TCP_QUEUE_LIMIT		(256u << 10)	/* fallback: drop beyond */

static void probe_timer(void *ctx);

/*
 * IndirectData: only its meta neighbours send to it directly (tinc's
 * rule); everyone else goes through the graph.
 */
static bool may_probe(const struct mv_node *n)
{
	if (mv_node_tcp_only(n))
		return false;
	return !(n->have_state && (n->state->flags & MV_STATE_F_INDIRECT)) ||
	       (n->conn && n->conn->state == MV_CONN_ACTIVE);
}

static void put_header(struct meshvpn_hdr *h, uint8_t type, int phase,
		       uint64_t dst, uint64_t src, uint64_t counter)
{
	h->type = type;
	h->flags = phase & MESHVPN_FLAG_KEY_PHASE;
	meshvpn_node_id_put(h->dst, dst);
	meshvpn_node_id_put(h->src, src);
	h->ttl = MESHVPN_DEFAULT_TTL;
	h->reserved = 0;
	h->counter = htobe64(counter);
}

/* The associated data: the header with the TTL taken as zero. */
static void header_ad(const uint8_t *msg, uint8_t ad[MESHVPN_HDR_LEN])
{
	memcpy(ad, msg, MESHVPN_HDR_LEN);
	ad[MESHVPN_HDR_TTL_OFFSET] = 0;
}

static uint64_t header_counter(const uint8_t *msg)
{
	uint64_t v;

	memcpy(&v, msg + 16, sizeof(v));
	return be64toh(v);
}

/* ---- sending ---- */

/*
 * Up to MV_BATCH messages go out in one sendmmsg() and come in with one
 * recvmmsg(): on a busy tunnel the system calls, not the crypto, are what
 * a userspace data path pays most for.
 */
#define MV_BATCH	32
#define SLOT_SIZE	(HEADROOM + MV_PKT_MAX + MESHVPN_AEAD_TAG_LEN)

struct mv_udp_batch {
	unsigned int n;
	struct mmsghdr msg[MV_BATCH];
	struct iovec iov[MV_BATCH];
	struct sockaddr_in6 addr[MV_BATCH];
	uint8_t *buf[MV_BATCH];
};

static struct mv_udp_batch *batch_new(void)
{
	struct mv_udp_batch *b = calloc(1, sizeof(*b));
	unsigned int i;

	if (!b)
		return NULL;
	for (i = 0; i < MV_BATCH; i++) {
		b->buf[i] = malloc(SLOT_SIZE);
		if (!b->buf[i])
			return b;	/* freed by the caller with the rest */
		b->iov[i].iov_base = b->buf[i];
		b->iov[i].iov_len = SLOT_SIZE;
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
		b->msg[i].msg_hdr.msg_name = &b->addr[i];
		b->msg[i].msg_hdr.msg_namelen = sizeof(b->addr[i]);
	}
	return b;
}

void mv_udp_free(struct mv_dataplane *dp)
{
	struct mv_udp_batch *b[2] = { dp->tx, dp->rx };
	unsigned int i, j;

	for (j = 0; j < 2; j++) {
		for (i = 0; b[j] && i < MV_BATCH; i++)
			free(b[j]->buf[i]);
		free(b[j]);
	}
	dp->tx = dp->rx = NULL;
}

/* Where the next batched message is built. */
static uint8_t *tx_slot(struct mv_dataplane *dp)
{
	return dp->tx->buf[dp->tx->n] + HEADROOM;
}

/* Send what the data path batched. */
static void udp_flush(struct mv_dataplane *dp)
{
	struct mv_udp_batch *b = dp->tx;
	unsigned int done = 0;

	while (done < b->n) {
		int sent = sendmmsg(dp->udp_fd, b->msg + done, b->n - done, 0);

		if (sent <= 0) {
			/* A full socket buffer drops, as a router would. */
			mv_info(5, "sendmmsg: %s", strerror(errno));
			break;
		}
		done += sent;
	}
	b->n = 0;
}

/* Queue the message built in tx_slot() for @to. */
static void udp_send_slot(struct mv_dataplane *dp, const struct sockaddr_in6 *to,
			  size_t len)
{
	struct mv_udp_batch *b = dp->tx;

	b->addr[b->n] = *to;
	b->iov[b->n].iov_base = b->buf[b->n] + HEADROOM;
	b->iov[b->n].iov_len = len;
	b->msg[b->n].msg_hdr.msg_namelen = sizeof(*to);
	if (++b->n == MV_BATCH)
		udp_flush(dp);
}

/*
 * Send one message now; with @ttl > 0, with that IP TTL (IPv6 hop limit)
 * instead of the socket's, for this message only (a control message, so
 * nothing else sent on the socket, meshvpn.ko's data included, is
 * affected).
 */
static void udp_send_ttl(struct mv_dataplane *dp, const struct sockaddr_in6 *to,
			 const void *msg, size_t len, int ttl)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = (void *)to, .msg_namelen = sizeof(*to),
		.msg_iov = &iov, .msg_iovlen = 1,
	};

	if (ttl > 0) {
		struct cmsghdr *cm = &control.hdr;

		memset(&control, 0, sizeof(control));
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		/* An IPv4 peer is a mapped address on our IPv6 socket. */
		if (IN6_IS_ADDR_V4MAPPED(&to->sin6_addr)) {
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_TTL;
		} else {
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_HOPLIMIT;
		}
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &ttl, sizeof(int));
	}
	if (sendmsg(dp->udp_fd, &mh, 0) < 0 && errno != EAGAIN) {
		char addr[80];

		mv_sockaddr_format(to, addr, sizeof(addr));
		mv_info(5, "Sending to %s failed: %s", addr, strerror(errno));
	}
}

static void udp_send(struct mv_dataplane *dp, const struct sockaddr_in6 *to,
		     const void *msg, size_t len)
{
	udp_send_ttl(dp, to, msg, len, 0);
}

/*
 * Where messages for @n go over UDP: its own endpoint or its next hop's
 * (which relays them); NULL when they go over the meta connections.
 */
static const struct sockaddr_in6 *udp_path(const struct mv_node *n)
{
	const struct mv_node *hop = n->nexthop;

	if (mv_node_tcp_only(n))
		return NULL;
	if (n->udp.direct)
		return &n->udp.endpoint;
	if (hop && hop != n && hop->udp.direct && !mv_node_tcp_only(hop))
		return &hop->udp.endpoint;
	return NULL;
}

/* The meta connection a message for @n goes over when it has no UDP path. */
static struct mv_conn *meta_path(const struct mv_node *n)
{
	struct mv_conn *c = n->conn && n->conn->state == MV_CONN_ACTIVE ?
			    n->conn : n->nexthop ? n->nexthop->conn : NULL;

	return c && c->state == MV_CONN_ACTIVE ? c : NULL;
}

/*
 * Send a whole UDP message towards @n along the best path: directly, to
 * the next hop (which relays it), or over the meta connections.
 */
static void transmit(struct mv_dataplane *dp, struct mv_node *n, const uint8_t *msg,
		     size_t len)
{
	const struct sockaddr_in6 *to = udp_path(n);
	struct mv_conn *c;
	struct mv_buf b;

	if (to) {
		if (msg == tx_slot(dp))
			udp_send_slot(dp, to, len);
		else
			udp_send(dp, to, msg, len);
		return;
	}
	c = meta_path(n);
	if (!c)
		return;
	/* Random early drop would be kinder; a bounded backlog must do. */
	if (c->out.len - c->out_off > TCP_QUEUE_LIMIT)
		return;
	mv_buf_init(&b);
	if (!mv_meta_udp_encode(&b, msg, len)) {
		mv_meta_send(c, b.data, b.len);
		n->stats.tcp_packets++;
	}
	mv_buf_free(&b);
}

static void queue_packet(struct mv_node *n, const uint8_t *pkt, size_t len)
{
	uint64_t now = mv_loop_now(n->udp.dp->loop);
	struct mv_queued *q;

	while (n->udp.queue && (n->udp.queue_len >= MV_QUEUE_MAX ||
			    now - n->udp.queue->since > MV_QUEUE_TIMEOUT)) {
		q = n->udp.queue;
		n->udp.queue = q->next;
		if (!n->udp.queue)
			n->udp.queue_tail = &n->udp.queue;
		n->udp.queue_len--;
		n->stats.nokey_drops++;
		free(q);
	}
	q = malloc(sizeof(*q) + len);
	if (!q)
		return;
	q->next = NULL;
	q->since = now;
	q->len = len;
	memcpy(q->data, pkt, len);
	*n->udp.queue_tail = q;
	n->udp.queue_tail = &q->next;
	n->udp.queue_len++;
}

static void traffic_started(struct mv_dataplane *dp, struct mv_node *n);

/* Encrypt one inner packet for @n and send it; queue it without a key. */
static void send_packet(struct mv_dataplane *dp, struct mv_node *n,
			const uint8_t *pkt, size_t len)
{
	struct mv_keyslot *k = mv_session_tx(n);
	uint8_t *msg = tx_slot(dp);
	uint8_t ad[MESHVPN_HDR_LEN];
	int out;

	if (len > MV_PKT_MAX - MESHVPN_HDR_LEN)
		return;
	if (!k) {
		queue_packet(n, pkt, len);
		mv_session_start(n);
		return;
	}
	put_header((struct meshvpn_hdr *)msg, MESHVPN_MSG_DATA,
		   n->session->tx_phase, n->id, dp->nodes->self->id, k->tx_counter++);
	header_ad(msg, ad);
	out = mv_aead_seal(k->tx, header_counter(msg), ad, sizeof(ad), pkt, len,
			   msg + MESHVPN_HDR_LEN);
	if (out < 0)
		return;
	n->stats.tx_packets++;
	n->stats.tx_bytes += len;
	if (n->udp.keepalive_idle)
		traffic_started(dp, n);
	transmit(dp, n, msg, MESHVPN_HDR_LEN + out);
}

/* Send what waited for @n's session, now that it has keys. */
static void flush_queue(struct mv_node *n)
{
	struct mv_queued *q;

	while ((q = n->udp.queue) && mv_session_tx(n)) {
		n->udp.queue = q->next;
		if (!n->udp.queue)
			n->udp.queue_tail = &n->udp.queue;
		n->udp.queue_len--;
		if (mv_loop_now(n->udp.dp->loop) - q->since <= MV_QUEUE_TIMEOUT)
			send_packet(n->udp.dp, n, q->data, q->len);
		else
			n->stats.nokey_drops++;
		free(q);
	}
	udp_flush(n->udp.dp);
}

int mv_udp_send_session(struct mv_dataplane *dp, struct mv_node *to,
			const void *pt, size_t len)
{
	uint8_t *msg = dp->pkt2 + HEADROOM;

	if (len > MV_PKT_MAX - MESHVPN_HDR_LEN)
		return -EMSGSIZE;
	put_header((struct meshvpn_hdr *)msg, MESHVPN_MSG_SESSION, 0, to->id,
		   dp->nodes->self->id, 0);
	memcpy(msg + MESHVPN_HDR_LEN, pt, len);
	udp_send(dp, &to->udp.endpoint, msg, MESHVPN_HDR_LEN + len);
	return 0;
}

/* ---- probes ---- */

static int candidate_addrs(struct mv_dataplane *dp, struct mv_node *n,
			   struct sockaddr_in6 *out, int max)
{
	struct mv_node *m;
	int k = 0, i;
	size_t j;

#define ADD(sa) do {							\
		for (i = 0; i < k; i++)					\
			if (mv_sockaddr_equal(&out[i], (sa)))		\
				break;					\
		if (i == k && k < max)					\
			out[k++] = *(sa);				\
	} while (0)

	if (n->udp.endpoint.sin6_family)
		ADD(&n->udp.endpoint);
	for (j = 0; n->have_state && j < n->state->n_candidates; j++) {
		struct sockaddr_in6 sa;

		mv_wire_to_sockaddr(&n->state->candidates[j].address, &sa);
		ADD(&sa);
	}
	/*
	 * Where its neighbours see it (its TCP address, its UDP port), on
	 * edges both ends announce: never where anyone alone says.
	 */
	for (m = dp->nodes->all; m; m = m->next) {
		if (!mv_topology_confirmed(dp->topo, m, n))
			continue;
		for (j = 0; m->have_state && j < m->state->n_edges; j++) {
			struct sockaddr_in6 sa;

			if (strcmp(m->state->edges[j].peer, n->name))
				continue;
			mv_wire_to_sockaddr(&m->state->edges[j].address, &sa);
			ADD(&sa);
		}
	}
	if (n->conn) {
		struct sockaddr_in6 sa = n->conn->addr;

		sa.sin6_port = htons(n->have_state ? n->state->port :
				     MV_CONFIG_DEFAULT_PORT);
		ADD(&sa);
	}
#undef ADD
	return k;
}

/* A path probe to @to; @ttl as for udp_send_ttl. */
static void send_probe_ttl(struct mv_dataplane *dp, struct mv_node *n,
			   const struct sockaddr_in6 *to, int ttl)
{
	struct mv_keyslot *k = mv_session_tx(n);
	uint8_t plain[PROBE_PLAIN_LEN], ad[MESHVPN_HDR_LEN];
	uint8_t msg[MESHVPN_HDR_LEN + PROBE_PLAIN_LEN + MESHVPN_AEAD_TAG_LEN];
	uint64_t id = mv_random_u64(), now = mv_clock_ns();
	int out;

	if (!k)
		return;
	plain[0] = PROBE_PATH;
	id = htobe64(id);
	memcpy(plain + 1, &id, 8);
	now = htobe64(now);
	memcpy(plain + 9, &now, 8);
	put_header((struct meshvpn_hdr *)msg, MESHVPN_MSG_PROBE,
		   n->session->tx_phase, n->id, dp->nodes->self->id, k->probe_tx_counter++);
	header_ad(msg, ad);
	out = mv_aead_seal(k->probe_tx, header_counter(msg), ad, sizeof(ad),
			   plain, sizeof(plain), msg + MESHVPN_HDR_LEN);
	if (out > 0)
		udp_send_ttl(dp, to, msg, MESHVPN_HDR_LEN + out, ttl);
}

static void send_probe(struct mv_dataplane *dp, struct mv_node *n,
		       const struct sockaddr_in6 *to)
{
	send_probe_ttl(dp, n, to, 0);
}

/* FNV-1a over the addresses and ports: whether the candidates changed. */
static uint64_t candidates_digest(const struct sockaddr_in6 *addrs, int k)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const uint8_t *b;
	size_t j;
	int i;

	for (i = 0; i < k; i++) {
		b = addrs[i].sin6_addr.s6_addr;
		for (j = 0; j < sizeof(addrs[i].sin6_addr); j++)
			h = (h ^ b[j]) * 0x100000001b3ull;
		b = (const uint8_t *)&addrs[i].sin6_port;
		for (j = 0; j < sizeof(addrs[i].sin6_port); j++)
			h = (h ^ b[j]) * 0x100000001b3ull;
	}
	return h;
}

/*
 * Probe every candidate address of @n for round @round of probe_timer;
 * returns the round it was (a changed set of candidates starts again at
 * the first, low-TTL round: a full probe to an address the peer learned
 * of ours only now would reach its router before its own probe left).
 */
static unsigned int probe_all(struct mv_dataplane *dp, struct mv_node *n,
			      unsigned int round)
{
	struct sockaddr_in6 addrs[MV_META_MAX_CANDIDATES + 16];
	int k = candidate_addrs(dp, n, addrs, MV_META_MAX_CANDIDATES + 16), i, ttl;
	uint64_t digest = candidates_digest(addrs, k);
	bool low;

	if (digest != n->udp.probed_digest) {
		n->udp.probed_digest = digest;
		round = 1;
	}
	low = round <= PROBE_LOW_ROUNDS;
	for (i = 0; i < k; i++) {
		if (!low) {
			send_probe(dp, n, &addrs[i]);
			continue;
		}
		for (ttl = PROBE_LOW_TTL_MIN; ttl <= PROBE_LOW_TTL_MAX; ttl++)
			send_probe_ttl(dp, n, &addrs[i], ttl);
	}
	return round;
}

/*
 * Keepalives of a direct path: one every PingInterval / 3 while idle; as
 * soon as one goes unanswered, while we send to the node, or while the
 * path is all that keeps it (the graph lost it: its meta connections
 * closed, maybe because it died), every PingTimeout / (PROBE_LOST + 1),
 * so that a silent path is lost within PingTimeout under traffic or once
 * the graph lost the node, and well within two PingIntervals idle.
 */
static uint64_t keepalive_fast(struct mv_dataplane *dp)
{
	return dp->conf->ping_timeout * 1000ull / (PROBE_LOST + 1);
}

/* @tx_packets: what any data path sent to @n so far. */
static uint64_t keepalive_interval(struct mv_dataplane *dp, struct mv_node *n,
				   uint64_t tx_packets)
{
	bool busy = tx_packets != n->udp.probe_tx_seen;

	n->udp.probe_tx_seen = tx_packets;
	n->udp.keepalive_idle = !busy && !n->udp.probes_unanswered &&
				n->reachable;
	if (!n->udp.keepalive_idle)
		return keepalive_fast(dp);
	return dp->conf->ping_interval * 1000ull / PROBE_LOST;
}

/*
 * Traffic to @n starts while its keepalives run on the idle interval:
 * bring the next one in, so that a path that went silent is lost within
 * PingTimeout of the traffic, not a third of a PingInterval later. Only
 * the userspace path sees its packets go; on meshvpn.ko's the next idle
 * keepalive notices the traffic (its counters) instead.
 */
static void traffic_started(struct mv_dataplane *dp, struct mv_node *n)
{
	uint64_t soon = keepalive_fast(dp);

	n->udp.keepalive_idle = false;
	if (n->udp.direct && n->udp.probe_timer.fn &&
	    mv_timer_pending(&n->udp.probe_timer) &&
	    n->udp.probe_timer.when > mv_loop_now(dp->loop) + soon)
		mv_timer_arm(dp->loop, &n->udp.probe_timer, soon);
}

void mv_udp_check_held(struct mv_dataplane *dp)
{
	uint64_t soon = keepalive_fast(dp), now = mv_loop_now(dp->loop);
	struct mv_node *n;

	for (n = dp->nodes->all; n; n = n->next)
		if (n->udp.direct && !n->reachable && n->udp.probe_timer.fn &&
		    (!mv_timer_pending(&n->udp.probe_timer) ||
		     n->udp.probe_timer.when > now + soon))
			mv_timer_arm(dp->loop, &n->udp.probe_timer, soon);
}

/*
 * Whether the direct path to @n is still believed in. Without keys to
 * probe with (the session expired with the peer gone) a probe counts as
 * unanswered, so the path is lost on the same schedule.
 */
static bool keep_direct(struct mv_dataplane *dp, struct mv_node *n)
{
	struct mv_counters c;
	char addr[80];

	/*
	 * Authenticated data from the node since the last keepalive answers
	 * it too (protocol.md 11): the data path, meshvpn.ko included, runs
	 * on while the peer's daemon restarts and cannot answer probes.
	 */
	mv_dataplane_stats(dp, n, &c);
	if (c.rx_packets != n->udp.probe_rx_seen)
		n->udp.probes_unanswered = 0;
	n->udp.probe_rx_seen = c.rx_packets;
	if (n->udp.probes_unanswered < PROBE_LOST) {
		/*
		 * The last keepalive went unanswered: if the node is also a
		 * neighbour, its meta connection is checked at once, so that
		 * a neighbour gone silent (power lost, cable pulled) is lost
		 * with its path, not a PingInterval later.
		 */
		if (n->udp.probes_unanswered && n->conn)
			mv_meta_check_alive(n->conn);
		n->udp.probes_unanswered++;
		send_probe(dp, n, &n->udp.endpoint);
		mv_timer_arm(dp->loop, &n->udp.probe_timer,
			     keepalive_interval(dp, n, c.tx_packets));
		return true;
	}
	mv_sockaddr_tinc(&n->udp.endpoint, addr, sizeof(addr));
	mv_info(1, "Lost the direct path to %s (%s)", n->name, addr);
	n->udp.direct = false;
	dp->kernel_dirty = true;
	n->udp.probes_unanswered = 0;
	return false;
}

/*
 * Probing a node that is not direct. A NAT router with no input filter (a
 * Linux box that only masquerades) answers a probe to its public address
 * itself and keeps a conntrack entry for it; when that probe came from us
 * before the peer's own probe to us left, the entry holds exactly the
 * tuple the router's masquerade needs for the peer's probe, which is
 * mapped to another port instead, and every later probe of ours renews
 * the entry. So the first PROBE_LOW_ROUNDS rounds (both ends start when
 * the session is set up) only open our own NAT: their TTL dies before
 * the peer's router. Full probes follow, when the peer's NAT is open for
 * them too; new candidate addresses (the peer's reflexive ones, learned
 * a moment after the session) start the rounds again. A peer that
 * answered none of PROBE_SLOW_TRIES rounds gets a pause longer than
 * conntrack keeps an unanswered entry, then the rounds start again, low
 * TTL first.
 */
static void probe_timer(void *ctx)
{
	struct mv_node *n = ctx;
	struct mv_dataplane *dp = n->udp.dp;
	unsigned int next, round;

	if (n->udp.direct) {
		if (keep_direct(dp, n))
			return;
		if (!n->reachable) {
			/* It was kept only for this path. */
			mv_topology_path_lost(dp->topo, n);
			return;
		}
	}
	if ((!n->reachable && !n->conn) || !mv_session_tx(n) || !may_probe(n))
		return;
	round = probe_all(dp, n, n->udp.probes_unanswered + 1);
	n->udp.probes_unanswered = round;
	if (round >= PROBE_SLOW_TRIES) {
		n->udp.probes_unanswered = 0;
		next = PROBE_PAUSE;
	} else {
		next = round < PROBE_FAST_TRIES ? PROBE_FAST : PROBE_SLOW;
	}
	mv_timer_arm(dp->loop, &n->udp.probe_timer, next);
}

void mv_udp_session_ready(struct mv_node *n)
{
	if (!n->udp.probe_timer.fn)
		mv_timer_init(&n->udp.probe_timer, probe_timer, n);
	flush_queue(n);
	if (!n->udp.direct) {
		n->udp.probes_unanswered = 0;
		probe_timer(n);
	} else if (!mv_timer_pending(&n->udp.probe_timer)) {
		probe_timer(n);
	}
}

void mv_udp_node_down(struct mv_node *n)
{
	struct mv_queued *q;

	n->udp.direct = false;
	n->udp.dp->kernel_dirty = true;
	if (n->udp.probe_timer.fn)
		mv_timer_cancel(n->udp.dp->loop, &n->udp.probe_timer);
	while ((q = n->udp.queue)) {
		n->udp.queue = q->next;
		n->stats.nokey_drops++;
		free(q);
	}
	n->udp.queue_tail = &n->udp.queue;
	n->udp.queue_len = 0;
}

void mv_udp_set_direct(struct mv_node *n, const struct sockaddr_in6 *from)
{
	uint64_t now = mv_loop_now(n->udp.dp->loop);

	if (!n->udp.direct || !mv_sockaddr_equal(&n->udp.endpoint, from)) {
		char addr[80];

		mv_sockaddr_tinc(from, addr, sizeof(addr));
		mv_info(1, "Direct path to %s via %s", n->name, addr);
		n->udp.direct_since = now;
	}
	n->udp.endpoint = *from;
	mv_node_endpoint_moved(n->table, n);
	n->udp.direct = true;
	n->udp.last_direct_rx = now;
	n->udp.probes_unanswered = 0;
	n->udp.dp->kernel_dirty = true;
}

/* Decrypt a probe or reply for us in place; returns the plaintext length. */
static int open_probe(struct mv_dataplane *dp, struct mv_node *n, uint8_t *msg,
		      size_t len, struct mv_keyslot **slot)
{
	struct mv_keyslot *k = &n->session->slot[msg[1] & MESHVPN_FLAG_KEY_PHASE];
	uint64_t counter = header_counter(msg);
	uint8_t ad[MESHVPN_HDR_LEN];
	int plain;

	if (!k->valid || !mv_replay_check(&k->probe_replay, counter)) {
		dp->udp_stats.probe_errors++;
		return -EBADMSG;
	}
	header_ad(msg, ad);
	plain = mv_aead_open(k->probe_rx, counter, ad, sizeof(ad),
			     msg + MESHVPN_HDR_LEN, len - MESHVPN_HDR_LEN,
			     msg + MESHVPN_HDR_LEN);
	if (plain < 0 || !mv_replay_update(&k->probe_replay, counter)) {
		dp->udp_stats.probe_errors++;
		return -EBADMSG;
	}
	*slot = k;
	return plain;
}

static void receive_probe(struct mv_dataplane *dp, struct mv_node *n, uint8_t *msg,
			  size_t len, const struct sockaddr_in6 *from)
{
	uint8_t reply[MESHVPN_HDR_LEN + REPLY_PLAIN_LEN + MESHVPN_AEAD_TAG_LEN];
	uint8_t plain[REPLY_PLAIN_LEN], ad[MESHVPN_HDR_LEN];
	struct mv_keyslot *k, *tx = mv_session_tx(n);
	struct mv_wire_addr w;
	int p = open_probe(dp, n, msg, len, &k), out;

	if (p < PROBE_PLAIN_LEN || !tx)
		return;
	/* A responder sends with new keys once the peer uses them. */
	mv_session_rx_phase(n, msg[1] & MESHVPN_FLAG_KEY_PHASE);
	tx = mv_session_tx(n);
	if (!tx)
		return;
	memcpy(plain, msg + MESHVPN_HDR_LEN, PROBE_PLAIN_LEN);
	mv_sockaddr_to_wire(from, &w);
	plain[PROBE_PLAIN_LEN] = w.family;
	plain[PROBE_PLAIN_LEN + 1] = w.port >> 8;
	plain[PROBE_PLAIN_LEN + 2] = w.port & 0xff;
	memcpy(plain + PROBE_PLAIN_LEN + 3, w.addr, 16);
	put_header((struct meshvpn_hdr *)reply, MESHVPN_MSG_PROBE_REPLY,
		   n->session->tx_phase, n->id, dp->nodes->self->id,
		   tx->probe_tx_counter++);
	header_ad(reply, ad);
	out = mv_aead_seal(tx->probe_tx, header_counter(reply), ad, sizeof(ad),
			   plain, sizeof(plain), reply + MESHVPN_HDR_LEN);
	if (out > 0)
		udp_send(dp, from, reply, MESHVPN_HDR_LEN + out);
	/*
	 * Its probe got through to us, so our answer to that address
	 * passes its NAT now: probe back at once rather than on our timer.
	 */
	if (!n->udp.direct && msg[MESHVPN_HDR_TTL_OFFSET] == MESHVPN_DEFAULT_TTL)
		send_probe(dp, n, from);
}

static void receive_reply(struct mv_dataplane *dp, struct mv_node *n, uint8_t *msg,
			  size_t len, const struct sockaddr_in6 *from)
{
	const uint8_t *plain = msg + MESHVPN_HDR_LEN;
	struct mv_keyslot *k;
	struct mv_wire_addr w = { 0 };
	struct mv_counters c;
	uint64_t sent;
	int p = open_probe(dp, n, msg, len, &k);

	if (p < REPLY_PLAIN_LEN || msg[MESHVPN_HDR_TTL_OFFSET] != MESHVPN_DEFAULT_TTL)
		return;
	memcpy(&sent, plain + 9, 8);
	sent = be64toh(sent);
	n->udp.rtt_us = (mv_clock_ns() - sent) / 1000;
	mv_session_rx_phase(n, msg[1] & MESHVPN_FLAG_KEY_PHASE);
	mv_udp_set_direct(n, from);
	w.family = plain[PROBE_PLAIN_LEN];
	w.port = plain[PROBE_PLAIN_LEN + 1] << 8 | plain[PROBE_PLAIN_LEN + 2];
	memcpy(w.addr, plain + PROBE_PLAIN_LEN + 3, 16);
	if ((w.family == 4 || w.family == 6) && w.port)
		mv_state_add_reflexive(dp->proto, &w);
	mv_dataplane_stats(dp, n, &c);
	mv_timer_arm(dp->loop, &n->udp.probe_timer,
		     keepalive_interval(dp, n, c.tx_packets));
}

/* ---- receiving ---- */

static bool inner_dst(const uint8_t *pkt, size_t len, enum mv_subnet_type *type,
		      const uint8_t **addr, bool src)
{
	if (len >= 20 && pkt[0] >> 4 == 4) {
		*type = MV_SUBNET_IPV4;
		*addr = pkt + (src ? 12 : 16);
		return true;
	}
	if (len >= 40 && pkt[0] >> 4 == 6) {
		*type = MV_SUBNET_IPV6;
		*addr = pkt + (src ? 8 : 24);
		return true;
	}
	return false;
}

static bool owner_usable(void *owner, void *ctx)
{
	struct mv_node *n = owner;

	(void)ctx;
	return n->reachable || n->udp.direct || n == n->udp.dp->nodes->self;
}

static struct mv_node *route_of(struct mv_dataplane *dp, const uint8_t *pkt,
				size_t len, bool src)
{
	const struct mv_subnet_route *r;
	enum mv_subnet_type type;
	const uint8_t *addr;

	if (!inner_dst(pkt, len, &type, &addr, src))
		return NULL;
	r = mv_subnet_table_lookup(dp->topo->subnets, type, addr, owner_usable, NULL);
	return r ? r->owner : NULL;
}

/* Broadcast and multicast destinations, which router mode floods. */
static bool is_broadcast(const uint8_t *pkt, size_t len)
{
	if (len >= 20 && pkt[0] >> 4 == 4)
		return (pkt[16] & 0xf0) == 0xe0 ||
		       !memcmp(pkt + 16, "\xff\xff\xff\xff", 4);
	return len >= 40 && pkt[0] >> 4 == 6 && pkt[24] == 0xff;
}

/*
 * Send a broadcast along the spanning tree: to every tree neighbour but
 * the one it came from. Every node computes the same tree, so each node
 * gets one copy.
 */
static void broadcast(struct mv_dataplane *dp, const uint8_t *pkt, size_t len,
		      const struct mv_node *from)
{
	int self = dp->nodes->self->vertex;
	size_t i;

	for (i = 0; i < dp->topo->n_mst; i++) {
		int other = dp->topo->mst[i][0] == self ? dp->topo->mst[i][1] :
			    dp->topo->mst[i][1] == self ? dp->topo->mst[i][0] : -1;
		struct mv_node *n;

		if (other < 0 || other >= dp->topo->n_by_vertex)
			continue;
		n = dp->topo->by_vertex[other];
		if (!n || n == from || !n->reachable)
			continue;
		dp->backend->send_packet(dp, n, pkt, len);
	}
}

static int tree_root(int *parent, int v)
{
	while (parent[v] != v) {
		parent[v] = parent[parent[v]];
		v = parent[v];
	}
	return v;
}

int *mv_udp_tree_via(const struct mv_dataplane *dp)
{
	const struct mv_topology *t = dp->topo;
	int self = dp->nodes->self->vertex, n = t->n_by_vertex, v;
	int *parent = malloc(n * sizeof(int));
	int *side = malloc(n * sizeof(int));
	int *via = malloc(n * sizeof(int));
	size_t i;

	if (!parent || !side || !via) {
		free(via);
		via = NULL;
		goto out;
	}
	for (v = 0; v < n; v++) {
		parent[v] = v;
		side[v] = -1;
	}
	/* Cut this node out of the tree: one part per tree neighbour. */
	for (i = 0; i < t->n_mst; i++) {
		int a = t->mst[i][0], b = t->mst[i][1];

		if (a != self && b != self && a >= 0 && b >= 0 && a < n && b < n)
			parent[tree_root(parent, a)] = tree_root(parent, b);
	}
	for (i = 0; i < t->n_mst; i++) {
		int a = t->mst[i][0], b = t->mst[i][1];
		int other = a == self ? b : b == self ? a : -1;

		if (other >= 0 && other < n)
			side[tree_root(parent, other)] = other;
	}
	for (v = 0; v < n; v++)
		via[v] = v == self ? -1 : side[tree_root(parent, v)];
out:
	free(side);
	free(parent);
	return via;
}

/*
 * Reverse path check of a broadcast along the tree: the broadcasts of
 * @origin reach this node only through one tree neighbour, so a member
 * cannot flood one in another member's name. The check costs a pass over
 * the tree, as forwarding the broadcast does.
 */
static bool broadcast_from_tree(struct mv_dataplane *dp,
				const struct mv_node *origin,
				const struct mv_node *from)
{
	int *via = mv_udp_tree_via(dp);
	bool ok = via && origin->vertex >= 0 &&
		  origin->vertex < dp->topo->n_by_vertex &&
		  via[origin->vertex] >= 0 && via[origin->vertex] == from->vertex;

	free(via);
	return ok;
}

void mv_udp_broadcast_from_kernel(struct mv_dataplane *dp, const uint8_t *pkt,
				  size_t len, const struct mv_node *from)
{
	if (!is_broadcast(pkt, len)) {
		dp->udp_stats.malformed++;
		return;
	}
	broadcast(dp, pkt, len, from);
}

static bool from_next_hop(const struct mv_node *n, const struct sockaddr_in6 *from)
{
	const struct mv_node *hop = n->udp.direct ? n : n->nexthop;

	return hop && hop->udp.direct && mv_sockaddr_equal(&hop->udp.endpoint, from);
}

/*
 * Whether @from is not where @n's messages come from, though we know
 * where that is: its endpoint, or its relay's.
 */
static bool from_elsewhere(const struct mv_node *n, const struct sockaddr_in6 *from)
{
	const struct mv_node *hop = n->udp.direct ? n : n->nexthop;

	return from && hop && hop->udp.direct &&
	       !mv_sockaddr_equal(&hop->udp.endpoint, from);
}

/* A packet from @n that passed every check: counted and delivered. */
static void to_tun(struct mv_dataplane *dp, struct mv_node *n,
		   const uint8_t *plain, size_t len)
{
	n->stats.rx_packets++;
	n->stats.rx_bytes += len;
	if (write(dp->tun_fd, plain, len) < 0)
		mv_info(5, "Writing to %s: %s", dp->ifname, strerror(errno));
}

static void receive_data(struct mv_dataplane *dp, struct mv_node *n, uint8_t *msg,
			 size_t len, const struct sockaddr_in6 *from)
{
	int phase = msg[1] & MESHVPN_FLAG_KEY_PHASE;
	struct mv_keyslot *k = &n->session->slot[phase];
	uint64_t counter = header_counter(msg);
	uint8_t ad[MESHVPN_HDR_LEN], *plain = msg + MESHVPN_HDR_LEN;
	int p;

	if (!k->valid) {
		n->stats.nokey_drops++;
		mv_session_nokey(n, !from_elsewhere(n, from));
		return;
	}
	/* As meshvpn.ko: a key past its age opens nothing (section 5). */
	if (!mv_session_key_fresh(n, k)) {
		dp->proto->sessions.stats.expired_key++;
		return;
	}
	if (!mv_replay_check(&k->replay, counter)) {
		n->stats.replay_drops++;
		return;
	}
	/*
	 * Nothing authenticates cipher none: accept it only from where the
	 * sender's packets come, its own endpoint or its relay's.
	 */
	if (k->cipher == MV_CIPHER_NONE && from && !from_next_hop(n, from)) {
		n->stats.decrypt_errors++;
		return;
	}
	header_ad(msg, ad);
	p = mv_aead_open(k->rx, counter, ad, sizeof(ad), plain,
			 len - MESHVPN_HDR_LEN, plain);
	if (p < 0) {
		n->stats.decrypt_errors++;
		return;
	}
	if (!mv_replay_update(&k->replay, counter)) {
		n->stats.replay_drops++;
		return;
	}
	mv_session_rx_phase(n, phase);
	if (from && k->cipher != MV_CIPHER_NONE &&
	    msg[MESHVPN_HDR_TTL_OFFSET] == MESHVPN_DEFAULT_TTL)
		mv_udp_set_direct(n, from);
	if (!p)
		return;	/* keepalive */
	if (is_broadcast(plain, p)) {
		struct mv_node *origin = route_of(dp, plain, p, true);

		/* Forwarded along the tree: from the neighbour towards origin. */
		if (!origin || origin == dp->nodes->self ||
		    !broadcast_from_tree(dp, origin, n)) {
			n->stats.rpf_drops++;
			return;
		}
		to_tun(dp, n, plain, p);
		/* send_packet() reuses pkt2, never dp->pkt, where plain is. */
		broadcast(dp, plain, p, n);
		return;
	}
	if (route_of(dp, plain, p, true) != n) {
		n->stats.rpf_drops++;
		return;
	}
	to_tun(dp, n, plain, p);
}

static bool is_endpoint_of_known(struct mv_dataplane *dp,
				 const struct sockaddr_in6 *from)
{
	return mv_node_find_endpoint(dp->nodes, from) != NULL;
}

/* Section 7: forward a message for another node, unchanged but its TTL. */
/*
 * Would sending towards @dst return a message to the neighbour it came
 * from, over UDP from @from or over the meta connection @over?
 */
static bool back_to_source(const struct mv_node *dst,
			   const struct sockaddr_in6 *from,
			   const struct mv_conn *over)
{
	const struct sockaddr_in6 *to = udp_path(dst);
	const struct mv_node *peer = over ? over->node : NULL;

	if (to)
		return (from && mv_sockaddr_equal(to, from)) ||
		       (peer && peer->udp.direct &&
			mv_sockaddr_equal(to, &peer->udp.endpoint));
	return over && meta_path(dst) == over;
}

static void relay(struct mv_dataplane *dp, struct mv_node *src, uint64_t dst_id,
		  uint8_t *msg, size_t len, const struct sockaddr_in6 *from,
		  const struct mv_conn *over)
{
	struct mv_node *dst = mv_node_find_id(dp->nodes, dst_id);

	if ((from && !is_endpoint_of_known(dp, from)) || !dst ||
	    !(dst->reachable || dst->udp.direct) || !src || src == dp->nodes->self ||
	    src == dst ||
	    msg[MESHVPN_HDR_TTL_OFFSET] <= 1) {
		dp->udp_stats.relay_refused++;
		return;
	}
	msg[MESHVPN_HDR_TTL_OFFSET]--;
	/*
	 * Rule 5: never back where it came from, be it dst or its next hop,
	 * whether it came over UDP or over a meta connection.
	 */
	if (back_to_source(dst, from, over)) {
		dp->udp_stats.relay_refused++;
		return;
	}
	dst->stats.relayed_packets++;
	dst->stats.relayed_bytes += len;
	transmit(dp, dst, msg, len);
}

/*
 * A SESSION for us (section 10), over UDP only from the endpoint of the
 * node it names as its source, or from a meta connection (@from NULL):
 * anyone else gets no signature checked and no cookie.
 */
static void receive_session(struct mv_dataplane *dp, struct mv_node *n,
			    const uint8_t *msg, size_t len,
			    const struct sockaddr_in6 *from)
{
	uint8_t reply[MESHVPN_HDR_LEN + MV_UDP_SESSION_COOKIE_LEN];
	uint8_t addr[sizeof(from->sin6_addr) + sizeof(from->sin6_port)];
	size_t out;

	if (from && !(n->udp.direct && mv_sockaddr_equal(&n->udp.endpoint, from))) {
		char where[80];

		mv_sockaddr_tinc(from, where, sizeof(where));
		mv_info(2, "Session message from %s (%s), not its endpoint: ignored",
			n->name, where);
		dp->proto->sessions.stats.wrong_source++;
		return;
	}
	if (from) {
		memcpy(addr, &from->sin6_addr, sizeof(from->sin6_addr));
		memcpy(addr + sizeof(from->sin6_addr), &from->sin6_port,
		       sizeof(from->sin6_port));
	}
	out = mv_session_receive_udp(dp->proto, n, msg + MESHVPN_HDR_LEN,
				     len - MESHVPN_HDR_LEN, from ? addr : NULL,
				     from ? sizeof(addr) : 0,
				     reply + MESHVPN_HDR_LEN);
	if (!out || !from)
		return;
	put_header((struct meshvpn_hdr *)reply, MESHVPN_MSG_SESSION, 0, n->id,
		   dp->nodes->self->id, 0);
	udp_send(dp, from, reply, MESHVPN_HDR_LEN + out);
}

/* One UDP message, from @from (UDP) or over the meta connection @over. */
static void receive_message(struct mv_dataplane *dp, uint8_t *msg, size_t len,
			    const struct sockaddr_in6 *from,
			    const struct mv_conn *over)
{
	const struct meshvpn_hdr *h = (const struct meshvpn_hdr *)msg;
	uint64_t dst, src;
	struct mv_node *n;

	if (len < MESHVPN_HDR_LEN || !h->type || h->type > MESHVPN_MSG_SESSION ||
	    (h->flags & ~MESHVPN_FLAGS_KNOWN) || h->reserved) {
		dp->udp_stats.malformed++;
		return;
	}
	dst = meshvpn_node_id_get(h->dst);
	src = meshvpn_node_id_get(h->src);
	n = mv_node_find_id(dp->nodes, src);
	if (dst != dp->nodes->self->id) {
		relay(dp, n, dst, msg, len, from, over);
		return;
	}
	if (!n || n == dp->nodes->self) {
		dp->udp_stats.unknown_src++;
		return;
	}
	switch (h->type) {
	case MESHVPN_MSG_DATA:
		/* Over TCP to a node whose data a kernel backend handles. */
		if (!from && dp->backend->deliver)
			dp->backend->deliver(dp, msg, len);
		else
			receive_data(dp, n, msg, len, from);
		break;
	case MESHVPN_MSG_PROBE:
		if (from)
			receive_probe(dp, n, msg, len, from);
		break;
	case MESHVPN_MSG_PROBE_REPLY:
		if (from)
			receive_reply(dp, n, msg, len, from);
		break;
	case MESHVPN_MSG_SESSION:
		receive_session(dp, n, msg, len, from);
		break;
	default:
		dp->udp_stats.malformed++;
	}
}

static void udp_readable(void *ctx, uint32_t events)
{
	struct mv_dataplane *dp = ctx;
	struct mv_udp_batch *b = dp->rx;
	int budget = 8, got, i;

	(void)events;
	while (budget--) {
		for (i = 0; i < MV_BATCH; i++) {
			b->iov[i].iov_len = MV_PKT_MAX;
			b->msg[i].msg_hdr.msg_namelen = sizeof(b->addr[i]);
		}
		got = recvmmsg(dp->udp_fd, b->msg, MV_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			break;
		for (i = 0; i < got; i++)
			receive_message(dp, b->buf[i], b->msg[i].msg_len,
					&b->addr[i], NULL);
		if (got < MV_BATCH)
			break;
	}
	udp_flush(dp);
}

void mv_udp_from_meta(struct mv_dataplane *dp, struct mv_conn *c,
		      const uint8_t *pt, size_t len)
{
	char err[MV_META_ERRLEN];
	const uint8_t *msg;
	size_t mlen;

	if (mv_meta_udp_decode(pt, len, &msg, &mlen, err)) {
		mv_meta_close(c, err);
		return;
	}
	if (mlen > MV_PKT_MAX)
		return;
	memcpy(dp->pkt, msg, mlen);
	receive_message(dp, dp->pkt, mlen, NULL, c);
}

void mv_udp_from_kernel(struct mv_dataplane *dp, const uint8_t *msg, size_t len)
{
	const struct meshvpn_hdr *h = (const struct meshvpn_hdr *)msg;
	struct mv_node *dst, *src;

	if (len < MESHVPN_HDR_LEN) {
		dp->udp_stats.malformed++;
		return;
	}
	dst = mv_node_find_id(dp->nodes, meshvpn_node_id_get(h->dst));
	if (!dst || dst == dp->nodes->self) {
		dp->udp_stats.malformed++;
		return;
	}
	/* The kernel relayed it: counted as the daemon's relaying. */
	src = mv_node_find_id(dp->nodes, meshvpn_node_id_get(h->src));
	if (src != dp->nodes->self) {
		dst->stats.relayed_packets++;
		dst->stats.relayed_bytes += len;
	}
	transmit(dp, dst, msg, len);
}

/* ---- the TUN side ---- */

static uint16_t checksum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += b[0] << 8 | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/*
 * "Network unreachable" back into the TUN, as a router would answer a
 * packet for which no Subnet exists.
 */
static void icmp_unreachable(struct mv_dataplane *dp, const uint8_t *pkt, size_t len)
{
	uint8_t out[576];
	size_t quote;

	if (pkt[0] >> 4 == 4) {
		struct iphdr *ip = (struct iphdr *)out;
		struct icmphdr *icmp = (struct icmphdr *)(out + 20);

		if (pkt[9] == IPPROTO_ICMP && len > 20 && pkt[20] != ICMP_ECHO)
			return;	/* never answer an error with an error */
		quote = len < sizeof(out) - 28 ? len : sizeof(out) - 28;
		memset(out, 0, 28);
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(28 + quote);
		ip->ttl = 64;
		ip->protocol = IPPROTO_ICMP;
		memcpy(&ip->saddr, pkt + 16, 4);	/* as if from the destination */
		memcpy(&ip->daddr, pkt + 12, 4);
		ip->check = htons(checksum(out, 20, 0));
		icmp->type = ICMP_DEST_UNREACH;
		icmp->code = ICMP_NET_UNREACH;
		memcpy(out + 28, pkt, quote);
		icmp->checksum = htons(checksum(out + 20, 8 + quote, 0));
		if (write(dp->tun_fd, out, 28 + quote) < 0)
			return;
	} else {
		struct ip6_hdr *ip6 = (struct ip6_hdr *)out;
		struct icmp6_hdr *icmp = (struct icmp6_hdr *)(out + 40);
		uint32_t sum = 0;
		size_t i;

		if (pkt[6] == IPPROTO_ICMPV6 && len > 40 && pkt[40] < 128)
			return;
		quote = len < sizeof(out) - 48 ? len : sizeof(out) - 48;
		memset(out, 0, 48);
		ip6->ip6_flow = htonl(6u << 28);
		ip6->ip6_plen = htons(8 + quote);
		ip6->ip6_nxt = IPPROTO_ICMPV6;
		ip6->ip6_hlim = 64;
		memcpy(&ip6->ip6_src, pkt + 24, 16);
		memcpy(&ip6->ip6_dst, pkt + 8, 16);
		icmp->icmp6_type = ICMP6_DST_UNREACH;
		icmp->icmp6_code = ICMP6_DST_UNREACH_NOROUTE;
		memcpy(out + 48, pkt, quote);
		for (i = 8; i < 40; i += 2)
			sum += out[i] << 8 | out[i + 1];
		sum += 8 + quote + IPPROTO_ICMPV6;
		icmp->icmp6_cksum = htons(checksum(out + 40, 8 + quote, sum));
		if (write(dp->tun_fd, out, 48 + quote) < 0)
			return;
	}
}

static void tun_readable(void *ctx, uint32_t events)
{
	struct mv_dataplane *dp = ctx;
	int budget = 256;

	(void)events;
	while (budget--) {
		uint8_t *pkt = dp->pkt + HEADROOM;
		ssize_t len = read(dp->tun_fd, pkt, MV_PKT_MAX - HEADROOM);
		struct mv_node *n;

		if (len <= 0)
			break;
		if (is_broadcast(pkt, len)) {
			broadcast(dp, pkt, len, NULL);
			continue;
		}
		n = route_of(dp, pkt, len, false);
		if (!n) {
			dp->udp_stats.no_route++;
			if (len >= 40 || (len >= 20 && pkt[0] >> 4 == 4))
				icmp_unreachable(dp, pkt, len);
			continue;
		}
		if (n == dp->nodes->self) {
			mv_info(5, "Dropping a packet for ourselves");
			continue;
		}
		send_packet(dp, n, pkt, len);
	}
	udp_flush(dp);
}

int mv_udp_open(struct mv_dataplane *dp)
{
	int bufsize = 4 << 20, err;

	dp->pkt = malloc(MV_PKT_MAX + HEADROOM + MESHVPN_AEAD_TAG_LEN);
	dp->pkt2 = malloc(MV_PKT_MAX + HEADROOM + MESHVPN_AEAD_TAG_LEN +
			 MESHVPN_HDR_LEN);
	dp->tx = batch_new();
	dp->rx = batch_new();
	if (!dp->pkt || !dp->pkt2 || !dp->tx || !dp->rx ||
	    !dp->tx->buf[MV_BATCH - 1] || !dp->rx->buf[MV_BATCH - 1])
		return -ENOMEM;
	/*
	 * A daemon restarted in place has the socket of the image before
	 * it (daemon/instance.h): the port never closes, and meshvpn.ko
	 * keeps forwarding through it.
	 */
	if (dp->udp_fd >= 0) {
		mv_info(1, "Keeping the UDP socket of the previous image");
	} else {
		err = mv_meta_bind_socket(dp->proto, SOCK_DGRAM, &dp->udp_fd);
		if (err)
			return err;
	}
	setsockopt(dp->udp_fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	setsockopt(dp->udp_fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	return mv_io_add(dp->loop, &dp->udp_io, dp->udp_fd, EPOLLIN, udp_readable, dp);
}

static int tun_start(struct mv_dataplane *dp)
{
	const char *want = dp->conf->interface ? dp->conf->interface :
			   dp->netname[0] ? dp->netname : NULL;
	struct mv_diag diag;
	int fd;

	mv_diag_init(&diag);
	fd = mv_tun_open(dp->conf->device, want, TUN_MTU, dp->ifname, &diag);
	if (fd < 0) {
		mv_err("%s", diag.error ? diag.error : "cannot open the TUN device");
		mv_diag_free(&diag);
		return fd;
	}
	mv_diag_free(&diag);
	dp->tun_fd = fd;
	mv_info(0, "%s is a TUN device (userspace data path)", dp->ifname);
	return mv_io_add(dp->loop, &dp->tun_io, fd, EPOLLIN, tun_readable, dp);
}

const struct mv_backend mv_userspace_backend = {
	.name = "userspace",
	.open = tun_start,
	.send_packet = send_packet,
};
