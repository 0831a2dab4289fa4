// SPDX-License-Identifier: GPL-2.0
/*
 * Meta connections (Documentation/protocol.md, section 9): the TCP listener,
 * outgoing ConnectTo attempts with backoff, the HELLO/AUTH handshake, the
 * encrypted record layer, pings and duplicate resolution. What the records
 * carry is handled by state.c, session.c and udp.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "crypto/handshake.h"
#include "lib/array.h"
#include "lib/log.h"
#include "proto/proto.h"

#define RECORD_MAX	(MV_META_MAX_PLAINTEXT + MESHVPN_AEAD_TAG_LEN)
#define OUT_MAX		(4u << 20)	/* a peer this far behind is dead */

static void conn_io(void *ctx, uint32_t events);
static void conn_timer(void *ctx);
static void outgoing_try(struct mv_outgoing *o);
static void outgoing_back_off(struct mv_outgoing *o);

static void conn_label(const struct mv_conn *c, char *buf, size_t len)
{
	char addr[80];

	mv_sockaddr_tinc(&c->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s (%s)", c->name[0] ? c->name : "<unknown>", addr);
}

static struct mv_conn *conn_new(struct mv_proto *p, int fd,
				const struct sockaddr_in6 *addr)
{
	struct mv_conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c)
		return NULL;
	c->in = malloc(2 + RECORD_MAX);
	if (!c->in) {
		free(c);
		return NULL;
	}
	c->p = p;
	c->fd = fd;
	c->addr = *addr;
	mv_buf_init(&c->out);
	mv_buf_init(&c->hello_ours);
	mv_buf_init(&c->hello_theirs);
	mv_timer_init(&c->timer, conn_timer, c);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->next = p->meta.conns;
	p->meta.conns = c;
	return c;
}

static void conn_wipe(struct mv_conn *c)
{
	mv_wipe(&c->eph, sizeof(c->eph));
	mv_aead_free(c->tx);
	mv_aead_free(c->rx);
	c->tx = c->rx = NULL;
}

void mv_meta_close(struct mv_conn *c, const char *why)
{
	struct mv_proto *p = c->p;
	char label[160];

	if (c->state == MV_CONN_CLOSED)
		return;
	conn_label(c, label, sizeof(label));
	if (c->state == MV_CONN_ACTIVE)
		mv_info(1, "Closing connection with %s: %s", label, why);
	else
		mv_info(1, "Connection with %s failed: %s", label, why);
	mv_io_del(p->loop, &c->io);
	mv_timer_cancel(p->loop, &c->timer);
	close(c->fd);
	c->fd = -1;
	conn_wipe(c);
	if (c->node && c->node->conn == c) {
		c->node->conn = NULL;
		mv_state_changed(p);
	}
	if (c->outgoing && c->outgoing->conn == c) {
		struct mv_outgoing *o = c->outgoing;

		o->conn = NULL;
		/*
		 * A connection that worked is retried after a second, from
		 * fresh addresses; a failed attempt moves on to the next
		 * address, then backs off like tinc (outgoing_try).
		 */
		if (p->stopping)
			;
		else if (c->state == MV_CONN_ACTIVE)
			mv_timer_arm(p->loop, &o->retry, 1000);
		else if (c->refused)
			outgoing_back_off(o);
		else
			outgoing_try(o);
	}
	c->state = MV_CONN_CLOSED;
}

/* Free closed connections: only between event batches (event.c). */
void mv_meta_reap(struct mv_proto *p)
{
	struct mv_conn **pp = &p->meta.conns, *c;

	while ((c = *pp)) {
		if (c->state != MV_CONN_CLOSED) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		mv_buf_free(&c->out);
		mv_buf_free(&c->hello_ours);
		mv_buf_free(&c->hello_theirs);
		free(c->in);
		free(c);
	}
}

void mv_meta_close_all(struct mv_proto *p)
{
	struct mv_conn *c;

	for (c = p->meta.conns; c; c = c->next)
		mv_meta_close(c, "shutting down");
}

/* ---- output ---- */

static void conn_flush(struct mv_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = write(c->fd, c->out.data + c->out_off,
				  c->out.len - c->out_off);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			mv_meta_close(c, strerror(errno));
			return;
		}
		c->out_off += n;
	}
	if (c->out_off == c->out.len) {
		mv_buf_reset(&c->out);
		c->out_off = 0;
	}
	mv_io_set(c->p->loop, &c->io, EPOLLIN |
		  (c->out.len ? EPOLLOUT : 0));
}

static int send_record(struct mv_conn *c, const void *body, size_t len)
{
	if (c->state == MV_CONN_CLOSED)
		return -EPIPE;
	if (c->out.len - c->out_off > OUT_MAX) {
		mv_meta_close(c, "peer does not read its data");
		return -EPIPE;
	}
	if (mv_buf_put_u16(&c->out, len) || mv_buf_put(&c->out, body, len))
		return -ENOMEM;
	return 0;
}

/*
 * Close a connection in the handshake, telling the peer why first (a
 * cleartext REFUSE, protocol.md 9.2) so that it can log it and back off
 * instead of retrying at once. Best effort: what the socket does not
 * take at once is lost with the connection.
 */
static void refuse(struct mv_conn *c, enum mv_meta_refusal code,
		   const char *why)
{
	struct mv_buf b;

	mv_buf_init(&b);
	if (!mv_meta_refuse_encode(&b, code) && !send_record(c, b.data, b.len))
		conn_flush(c);
	mv_buf_free(&b);
	mv_meta_close(c, why);
}

/* The peer closes on us in the handshake: say why, as it told us. */
static void receive_refuse(struct mv_conn *c, enum mv_meta_refusal code)
{
	char label[160];

	c->p->meta.stats.refused_by_peer++;
	c->refused = true;
	conn_label(c, label, sizeof(label));
	mv_warn("%s refused our connection: %s", label,
		mv_meta_refusal_text(code));
	mv_meta_close(c, "refused by peer");
}

int mv_meta_send(struct mv_conn *c, const void *pt, size_t len)
{
	size_t rlen = len + MESHVPN_AEAD_TAG_LEN;
	uint8_t lenbytes[2] = { rlen >> 8, rlen & 0xff };
	static const uint8_t zero_tag[MESHVPN_AEAD_TAG_LEN];
	size_t at;
	int n;

	if (c->state == MV_CONN_CLOSED || !c->tx)
		return -ENOTCONN;
	if (len > MV_META_MAX_PLAINTEXT)
		return -EMSGSIZE;
	if (c->out.len - c->out_off > OUT_MAX) {
		mv_meta_close(c, "peer does not read its data");
		return -EPIPE;
	}
	if (mv_buf_put(&c->out, lenbytes, 2))
		return -ENOMEM;
	at = c->out.len;
	/* The plaintext, then room for the tag; sealed in place. */
	if (mv_buf_put(&c->out, pt, len) ||
	    mv_buf_put(&c->out, zero_tag, sizeof(zero_tag)))
		return -ENOMEM;
	n = mv_aead_seal(c->tx, c->tx_counter++, lenbytes, 2,
			 c->out.data + at, len, c->out.data + at);
	if (n < 0) {
		mv_meta_close(c, "encryption failed");
		return n;
	}
	c->out.len = at + n;
	conn_flush(c);
	return 0;
}

void mv_meta_broadcast(struct mv_proto *p, const void *pt, size_t len,
		       struct mv_conn *except)
{
	struct mv_conn *c;

	for (c = p->meta.conns; c; c = c->next)
		if (c != except && c->state == MV_CONN_ACTIVE)
			mv_meta_send(c, pt, len);
}

/* ---- handshake ---- */

static int send_hello(struct mv_conn *c)
{
	struct mv_proto *p = c->p;
	struct mv_meta_hello h = {
		.major = MV_META_VERSION_MAJOR,
		.minor = MV_META_VERSION_MINOR,
	};

	strcpy(h.name, p->nodes->self->name);
	if (mv_x25519_generate(&c->eph) || mv_random(h.random, sizeof(h.random)))
		return -EIO;
	memcpy(h.ephemeral, c->eph.pub, sizeof(h.ephemeral));
	if (mv_meta_hello_encode(&c->hello_ours, &h))
		return -ENOMEM;
	c->hello_sent = mv_loop_now(p->loop);
	c->state = MV_CONN_HELLO;
	mv_timer_arm(p->loop, &c->timer, MV_AUTH_TIMEOUT * 1000);
	if (send_record(c, c->hello_ours.data, c->hello_ours.len))
		return -ENOMEM;
	conn_flush(c);
	return 0;
}

static void build_auth_message(const struct mv_conn *c, bool initiator_signs,
			       uint8_t *msg, size_t *len)
{
	size_t n = strlen(MV_META_AUTH_CONTEXT);

	memcpy(msg, MV_META_AUTH_CONTEXT, n);
	msg[n++] = initiator_signs ? 0 : 1;
	memcpy(msg + n, c->th, sizeof(c->th));
	*len = n + sizeof(c->th);
}

/*
 * Sign the transcript with our identity and send it as AUTH: 0, or -errno
 * with the connection closed. The responder does this only once the
 * initiator's AUTH verified (protocol.md 9.2): a stranger's HELLO naming
 * a known node costs it no signature.
 */
static int send_auth(struct mv_conn *c)
{
	struct mv_proto *p = c->p;
	uint8_t msg[64 + MV_HASH_LEN];
	struct mv_buf auth;
	uint8_t *sig = NULL;
	size_t sig_len, mlen;
	int rc;

	build_auth_message(c, c->outgoing != NULL, msg, &mlen);
	if (mv_identity_sign(p->key, msg, mlen, &sig, &sig_len)) {
		mv_meta_close(c, "cannot sign");
		return -EIO;
	}
	p->meta.stats.auth_signed++;
	mv_buf_init(&auth);
	rc = mv_meta_auth_encode(&auth, mv_identity_type(p->key), sig, sig_len);
	free(sig);
	if (!rc)
		rc = mv_meta_send(c, auth.data, auth.len);
	mv_buf_free(&auth);
	if (rc)
		mv_meta_close(c, "cannot send AUTH");
	return rc;
}

static void receive_hello(struct mv_conn *c, const uint8_t *body, size_t len)
{
	struct mv_proto *p = c->p;
	bool initiator = c->outgoing != NULL;
	uint8_t k_i2r[MV_KEY_LEN], k_r2i[MV_KEY_LEN];
	char err[MV_META_ERRLEN], label[160];
	struct mv_meta_hello h;
	struct mv_identity *key;
	struct mv_node *n;
	int rc;

	if (mv_meta_hello_decode(body, len, &h, err)) {
		mv_meta_close(c, err);
		return;
	}
	if (initiator && strcmp(h.name, c->name)) {
		snprintf(err, sizeof(err), "peer says it is %s", h.name);
		mv_meta_close(c, err);
		return;
	}
	strcpy(c->name, h.name);
	conn_label(c, label, sizeof(label));
	if (!strcmp(h.name, p->nodes->self->name)) {
		refuse(c, MV_REFUSE_OWN_NAME, "peer uses our own name");
		return;
	}
	/* Only a node we already trust gets a table entry. */
	n = mv_node_find(p->nodes, h.name);
	key = n ? mv_node_trusted_key(n) : NULL;
	if (!key) {
		mv_warn("Peer %s had unknown identity (no trusted key for %s)",
			label, h.name);
		refuse(c, MV_REFUSE_UNKNOWN_NODE, "unknown node");
		return;
	}
	if (mv_buf_put(&c->hello_theirs, body, len)) {
		mv_meta_close(c, "out of memory");
		return;
	}
	if (initiator)
		rc = mv_transcript_hash(c->hello_ours.data, c->hello_ours.len,
					body, len, c->th);
	else
		rc = mv_transcript_hash(body, len, c->hello_ours.data,
					c->hello_ours.len, c->th);
	rc = rc ?: mv_meta_derive(c->eph.priv, h.ephemeral, c->th, k_i2r, k_r2i);
	mv_wipe(&c->eph, sizeof(c->eph));
	if (!rc) {
		c->tx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305,
				    initiator ? k_i2r : k_r2i);
		c->rx = mv_aead_new(MV_CIPHER_CHACHA20_POLY1305,
				    initiator ? k_r2i : k_i2r);
	}
	mv_wipe(k_i2r, sizeof(k_i2r));
	mv_wipe(k_r2i, sizeof(k_r2i));
	if (rc || !c->tx || !c->rx) {
		mv_meta_close(c, "key agreement failed");
		return;
	}
	c->node = n;
	c->state = MV_CONN_AUTH;
	/* The initiator proves itself first; the responder answers in kind. */
	if (initiator)
		send_auth(c);
}

static void activate(struct mv_conn *c)
{
	struct mv_proto *p = c->p;
	struct mv_node *n = c->node;
	struct mv_conn *old = n->conn;
	char label[160];
	uint64_t now = mv_loop_now(p->loop);

	if (old && old != c && old->state == MV_CONN_ACTIVE) {
		/*
		 * Both sides connected at once: keep the connection
		 * initiated by the node whose name sorts first, so both
		 * ends close the same one.
		 */
		const char *init_new = c->outgoing ? p->nodes->self->name : n->name;
		const char *init_old = old->outgoing ? p->nodes->self->name : n->name;

		if (strcmp(init_new, init_old) > 0) {
			mv_meta_close(c, "duplicate connection");
			return;
		}
		old->node = NULL;
		mv_meta_close(old, "duplicate connection");
	}
	c->state = MV_CONN_ACTIVE;
	n->conn = c;
	c->rtt_ms = now > c->hello_sent ? now - c->hello_sent : 1;
	c->last_rx = now;
	if (c->outgoing) {
		c->outgoing->timeout = 0;
		c->outgoing->next_addr = 0;
	}
	conn_label(c, label, sizeof(label));
	mv_info(1, "Connection with %s activated", label);
	mv_timer_arm(p->loop, &c->timer, p->conf->ping_interval * 1000ull);
	mv_state_sync(c);
	mv_state_changed(p);
	/* Neighbours talk UDP too: one of them starts the session. */
	if (strcmp(p->nodes->self->name, n->name) < 0)
		mv_session_start(n);
}

static void receive_auth(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	bool initiator = c->outgoing != NULL;
	struct mv_identity *key = mv_node_trusted_key(c->node);
	char err[MV_META_ERRLEN];
	uint8_t msg[64 + MV_HASH_LEN];
	struct mv_meta_auth a;
	size_t mlen;

	if (mv_meta_auth_decode(pt, len, &a, err)) {
		mv_meta_close(c, err);
		return;
	}
	if (!key || a.key_type != mv_identity_type(key)) {
		refuse(c, MV_REFUSE_KEY_TYPE, "peer uses another type of key");
		return;
	}
	build_auth_message(c, !initiator, msg, &mlen);
	if (mv_identity_verify(key, msg, mlen, a.sig, a.sig_len)) {
		char label[160];

		conn_label(c, label, sizeof(label));
		mv_warn("Peer %s failed authentication: wrong key", label);
		refuse(c, MV_REFUSE_BAD_KEY, "authentication failed");
		return;
	}
	if (!initiator && send_auth(c))
		return;
	activate(c);
}

static void receive_ping(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	char err[MV_META_ERRLEN];
	uint64_t token;
	struct mv_buf b;

	if (mv_meta_ping_decode(pt, len, &token, err)) {
		mv_meta_close(c, err);
		return;
	}
	if (pt[0] == MV_META_PING) {
		mv_buf_init(&b);
		if (!mv_meta_ping_encode(&b, MV_META_PONG, token))
			mv_meta_send(c, b.data, b.len);
		mv_buf_free(&b);
		return;
	}
	if (c->ping_sent && token == c->ping_token) {
		uint64_t now = mv_loop_now(c->p->loop);
		uint32_t rtt = now > c->ping_sent ? now - c->ping_sent : 1;
		uint32_t old = c->rtt_ms;

		c->ping_sent = 0;
		c->rtt_ms = rtt;
		mv_timer_arm(c->p->loop, &c->timer,
			     c->p->conf->ping_interval * 1000ull);
		/* Re-announce only for a change that moves paths. */
		if (rtt > old + old / 4 + 2 || rtt + rtt / 4 + 2 < old)
			mv_state_changed(c->p);
	}
}

static void receive_session(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	mv_session_receive(c->p, pt, len);
}

/* A UDP message that came the slow way is the data plane's business. */
static void receive_udp(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	c->p->ops->udp_from_meta(c->p->ops_ctx, c, pt, len);
}

/*
 * What an active connection's records go to, by message type. HELLO and
 * AUTH belong to the handshake and are refused here like unknown types.
 */
static void (*const meta_handlers[])(struct mv_conn *c, const uint8_t *pt,
				     size_t len) = {
	[MV_META_PING] = receive_ping,
	[MV_META_PONG] = receive_ping,
	[MV_META_STATE] = mv_state_receive,
	[MV_META_SESSION] = receive_session,
	[MV_META_UDP] = receive_udp,
};

void mv_meta_dispatch(struct mv_conn *c, const uint8_t *pt, size_t len)
{
	int type = mv_meta_type(pt, len);
	char err[64];

	mv_info(4, "Got message type %d (%zu bytes) from %s", type, len, c->name);
	if (type < 0 || (size_t)type >= ARRAY_SIZE(meta_handlers) ||
	    !meta_handlers[type]) {
		snprintf(err, sizeof(err), "unexpected message type %d", type);
		mv_meta_close(c, err);
		return;
	}
	meta_handlers[type](c, pt, len);
}

static void receive_record(struct mv_conn *c, uint8_t *body, size_t len)
{
	uint8_t lenbytes[2] = { len >> 8, len & 0xff };
	enum mv_meta_refusal code;
	int n, type;

	/*
	 * A REFUSE is shorter than any sealed record (a tag alone is 16
	 * bytes) and than a HELLO: it cannot be mistaken for either.
	 */
	if (c->state != MV_CONN_ACTIVE &&
	    !mv_meta_refuse_decode(body, len, &code)) {
		receive_refuse(c, code);
		return;
	}
	if (c->state == MV_CONN_HELLO) {
		receive_hello(c, body, len);
		return;
	}
	n = mv_aead_open(c->rx, c->rx_counter++, lenbytes, 2, body, len, body);
	if (n < 0) {
		mv_meta_close(c, "record failed authentication");
		return;
	}
	type = mv_meta_type(body, n);
	c->last_rx = mv_loop_now(c->p->loop);
	if (c->state == MV_CONN_AUTH) {
		if (type != MV_META_AUTH) {
			mv_meta_close(c, "expected AUTH");
			return;
		}
		receive_auth(c, body, n);
		return;
	}
	mv_meta_dispatch(c, body, n);
}

static void conn_read(struct mv_conn *c)
{
	for (;;) {
		size_t want, rlen;
		ssize_t n;

		want = c->in_len < 2 ? 2 : 2 + ((size_t)c->in[0] << 8 | c->in[1]);
		n = read(c->fd, c->in + c->in_len, want - c->in_len);
		if (n == 0) {
			mv_meta_close(c, "closed by peer");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				mv_meta_close(c, strerror(errno));
			return;
		}
		c->in_len += n;
		if (c->in_len < 2)
			continue;
		rlen = (size_t)c->in[0] << 8 | c->in[1];
		if (!rlen || rlen > RECORD_MAX) {
			mv_meta_close(c, "bad record length");
			return;
		}
		if (c->in_len < 2 + rlen)
			continue;
		c->in_len = 0;
		receive_record(c, c->in + 2, rlen);
		if (c->state == MV_CONN_CLOSED)
			return;
	}
}

static void connect_done(struct mv_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		mv_meta_close(c, strerror(err));
		return;
	}
	if (send_hello(c))
		mv_meta_close(c, "cannot start the handshake");
}

static void conn_io(void *ctx, uint32_t events)
{
	struct mv_conn *c = ctx;

	if (c->state == MV_CONN_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			connect_done(c);
		return;
	}
	if (events & EPOLLOUT)
		conn_flush(c);
	if (c->state != MV_CONN_CLOSED && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_read(c);
}

/* A PING now; the PONG must come within PingTimeout. */
static void send_ping(struct mv_conn *c)
{
	struct mv_proto *p = c->p;
	struct mv_buf b;

	mv_buf_init(&b);
	c->ping_token = mv_random_u64();
	c->ping_sent = mv_loop_now(p->loop);
	if (!mv_meta_ping_encode(&b, MV_META_PING, c->ping_token))
		mv_meta_send(c, b.data, b.len);
	mv_buf_free(&b);
	if (c->state == MV_CONN_ACTIVE) {
		/* The PONG must come within PingTimeout; then PingInterval. */
		mv_timer_arm(p->loop, &c->timer, p->conf->ping_timeout * 1000ull);
	}
}

static void conn_timer(void *ctx)
{
	struct mv_conn *c = ctx;

	if (c->state != MV_CONN_ACTIVE) {
		mv_meta_close(c, c->state == MV_CONN_CONNECTING ?
			      "timed out connecting" : "timed out during authentication");
		return;
	}
	if (c->ping_sent) {
		mv_meta_close(c, "timed out (no PONG)");
		return;
	}
	send_ping(c);
}

void mv_meta_check_alive(struct mv_conn *c)
{
	if (c->state == MV_CONN_ACTIVE && !c->ping_sent)
		send_ping(c);
}

/* ---- listening ---- */

/*
 * A refusal, logged as a warning unless one of its kind was logged less
 * than a second ago: a flood is counted in full but not written out.
 */
static void __attribute__((format(printf, 3, 4)))
log_refusal(struct mv_proto *p, struct mv_refusal_log *rl, const char *fmt, ...)
{
	uint64_t now = mv_loop_now(p->loop);
	char line[256];
	va_list ap;

	if (rl->logged_at && now - rl->logged_at < 1000) {
		rl->unlogged++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (rl->unlogged)
		mv_warn("%s (and %" PRIu64 " more refused since the last such line)",
			line, rl->unlogged);
	else
		mv_warn("%s", line);
	rl->logged_at = now;
	rl->unlogged = 0;
}

/*
 * The bucket of @addr: its IPv4 address, or its IPv6 /64, which one
 * holder usually has whole. A new one takes the slot that empties first.
 */
static struct mv_conn_burst *burst_slot(struct mv_meta *m,
					const struct sockaddr_in6 *addr)
{
	struct mv_conn_burst *b, *emptiest = &m->bursts[0];
	struct in6_addr prefix = addr->sin6_addr;

	if (!IN6_IS_ADDR_V4MAPPED(&prefix))
		memset(prefix.s6_addr + 8, 0, 8);
	for (b = m->bursts; b < m->bursts + MV_CONN_BURST_SLOTS; b++) {
		if (!memcmp(&b->prefix, &prefix, sizeof(prefix)))
			return b;
		if (b->busy_until < emptiest->busy_until)
			emptiest = b;
	}
	emptiest->prefix = prefix;
	emptiest->busy_until = 0;
	return emptiest;
}

/* tinc's MaxConnectionBurst: a burst from one address, then one a second. */
static bool burst_allows(struct mv_proto *p, const struct sockaddr_in6 *addr)
{
	struct mv_conn_burst *b = burst_slot(&p->meta, addr);
	uint64_t now = mv_loop_now(p->loop);
	uint64_t from = b->busy_until > now ? b->busy_until : now;

	if (from + 1000 - now > p->conf->max_connection_burst * 1000ull)
		return false;
	b->busy_until = from + 1000;
	return true;
}

/*
 * Make room for one more unauthenticated incoming connection: past
 * MaxPreAuthConnections the oldest goes. A flood then has to open that
 * many connections within one real handshake to keep a peer out, where
 * refusing the newest would let it hold the door with a few a second.
 */
static void preauth_make_room(struct mv_proto *p)
{
	struct mv_conn *c, *oldest = NULL;
	unsigned int n = 0;
	char label[160];

	for (c = p->meta.conns; c; c = c->next) {
		if (c->outgoing || c->state == MV_CONN_ACTIVE ||
		    c->state == MV_CONN_CLOSED)
			continue;
		n++;
		oldest = c;	/* the list is newest first */
	}
	if (n < p->conf->max_preauth_connections)
		return;
	p->meta.stats.preauth_dropped++;
	conn_label(oldest, label, sizeof(label));
	log_refusal(p, &p->meta.preauth_log,
		    "Too many unauthenticated connections (MaxPreAuthConnections %u): dropping the oldest, from %s",
		    p->conf->max_preauth_connections, label);
	refuse(oldest, MV_REFUSE_BUSY, "too many unauthenticated connections");
}

static void accept_resume(void *ctx)
{
	struct mv_proto *p = ctx;

	mv_io_set(p->loop, &p->meta.tcp_io, EPOLLIN);
}

/*
 * accept() found no descriptor or memory: the connection stays in the
 * backlog and the level-triggered listener would report it again at
 * once, forever. Stop listening for a second instead.
 */
static void accept_pause(struct mv_proto *p, int err)
{
	p->meta.stats.accept_paused++;
	mv_warn("Cannot accept connections: %s; pausing the listener for a second",
		strerror(err));
	mv_io_set(p->loop, &p->meta.tcp_io, 0);
	mv_timer_arm(p->loop, &p->meta.accept_resume, 1000);
}

/*
 * Over MaxConnectionBurst: no connection state at all, one write of the
 * REFUSE record (it fits any fresh socket buffer), then close.
 */
static void refuse_unaccepted(int fd)
{
	uint8_t record[2 + MV_META_REFUSE_LEN] = { 0, MV_META_REFUSE_LEN };
	struct mv_buf b;

	mv_buf_init(&b);
	if (!mv_meta_refuse_encode(&b, MV_REFUSE_BUSY) &&
	    b.len == MV_META_REFUSE_LEN) {
		memcpy(record + 2, b.data, b.len);
		if (write(fd, record, sizeof(record)) < 0)
			mv_debug(3, "Cannot send REFUSE: %s", strerror(errno));
	}
	mv_buf_free(&b);
	close(fd);
}

static void accept_one(void *ctx, uint32_t events)
{
	struct mv_proto *p = ctx;
	struct sockaddr_in6 addr;
	socklen_t len = sizeof(addr);
	struct mv_conn *c;
	char label[80];
	int fd;

	(void)events;
	fd = accept4(p->meta.tcp_fd, (struct sockaddr *)&addr, &len,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			accept_pause(p, errno);
		return;
	}
	if (!burst_allows(p, &addr)) {
		refuse_unaccepted(fd);
		p->meta.stats.burst_refused++;
		mv_sockaddr_tinc(&addr, label, sizeof(label));
		log_refusal(p, &p->meta.burst_log,
			    "Refused connection from %s: more than MaxConnectionBurst %u",
			    label, p->conf->max_connection_burst);
		return;
	}
	preauth_make_room(p);
	c = conn_new(p, fd, &addr);
	if (!c) {
		close(fd);
		return;
	}
	mv_sockaddr_tinc(&addr, label, sizeof(label));
	mv_info(1, "Connection from %s", label);
	if (mv_io_add(p->loop, &c->io, fd, EPOLLIN, conn_io, c) || send_hello(c))
		mv_meta_close(c, "cannot set up the connection");
}

static int bind_address(struct mv_proto *p, struct sockaddr_in6 *sa)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_flags = AI_V4MAPPED |
				  AI_NUMERICHOST };
	struct addrinfo *res;

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(p->conf->port);
	sa->sin6_addr = in6addr_any;
	if (!p->conf->n_bind_to || !p->conf->bind_to[0].host)
		return 0;
	if (p->conf->n_bind_to > 1)
		mv_warn("Only the first BindToAddress is used");
	if (getaddrinfo(p->conf->bind_to[0].host, NULL, &hints, &res)) {
		mv_err("BindToAddress %s is not a numeric address",
		       p->conf->bind_to[0].host);
		return -EINVAL;
	}
	sa->sin6_addr = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	if (p->conf->bind_to[0].port_given)
		sa->sin6_port = htons(p->conf->bind_to[0].port);
	freeaddrinfo(res);
	return 0;
}

/* One dual-stack socket (IPv4 as mapped addresses), or IPv6 only. */
int mv_meta_bind_socket(struct mv_proto *p, int type, int *out)
{
	int one = 1, v6only = p->conf->address_family == MV_AF_IPV6;
	struct sockaddr_in6 sa;
	char label[80];
	int fd, err;

	err = bind_address(p, &sa);
	if (err)
		return err;
	fd = socket(AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		mv_sockaddr_tinc(&sa, label, sizeof(label));
		mv_err("Can't bind to %s/%s: %s", label,
		       type == SOCK_STREAM ? "tcp" : "udp", strerror(errno));
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

int mv_meta_listen(struct mv_proto *p)
{
	int err = mv_meta_bind_socket(p, SOCK_STREAM, &p->meta.tcp_fd);

	if (err)
		return err;
	if (listen(p->meta.tcp_fd, 64) < 0)
		return -errno;
	mv_timer_init(&p->meta.accept_resume, accept_resume, p);
	return mv_io_add(p->loop, &p->meta.tcp_io, p->meta.tcp_fd, EPOLLIN, accept_one, p);
}

/* ---- outgoing ---- */

static bool family_allowed(const struct mv_proto *p, const struct sockaddr_in6 *sa)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr);

	return p->conf->address_family == MV_AF_ANY ||
	       (p->conf->address_family == MV_AF_IPV4) == v4;
}

static void add_addr(struct mv_outgoing *o, const struct sockaddr_in6 *sa)
{
	struct sockaddr_in6 *grown;
	size_t i;

	if (!family_allowed(o->p, sa))
		return;
	for (i = 0; i < o->n_addrs; i++)
		if (mv_sockaddr_equal(&o->addrs[i], sa))
			return;
	grown = realloc(o->addrs, (o->n_addrs + 1) * sizeof(*grown));
	if (!grown)
		return;
	o->addrs = grown;
	o->addrs[o->n_addrs++] = *sa;
}

/*
 * Addresses for @o: its host file's Address lines (names resolved here,
 * blocking, as tinc does), then where its neighbours see it in the graph.
 */
static void resolve(struct mv_outgoing *o)
{
	struct mv_proto *p = o->p;
	struct mv_node *n = mv_node_find(p->nodes, o->name), *m;
	size_t i, j;

	free(o->addrs);
	o->addrs = NULL;
	o->n_addrs = o->next_addr = 0;
	if (!n)
		return;
	for (i = 0; n->host && i < n->host->n_addresses; i++) {
		const struct mv_host_address *e = &n->host->addresses[i];
		struct addrinfo hints = { .ai_family = AF_INET6,
					  .ai_socktype = SOCK_STREAM,
					  .ai_flags = AI_V4MAPPED | AI_ALL };
		struct addrinfo *res, *ai;
		char port[8];

		if (!e->host)
			continue;
		snprintf(port, sizeof(port), "%u",
			 e->port_given ? e->port : n->host->port);
		if (getaddrinfo(e->host, port, &hints, &res)) {
			mv_warn("Cannot resolve %s for %s", e->host, n->name);
			continue;
		}
		for (ai = res; ai; ai = ai->ai_next)
			add_addr(o, (struct sockaddr_in6 *)ai->ai_addr);
		freeaddrinfo(res);
	}
	/* Only edges that both ends announce: nobody else picks our targets. */
	for (m = p->nodes->all; m; m = m->next) {
		if (!m->have_state || m == n || !mv_topology_confirmed(p->topo, m, n))
			continue;
		for (j = 0; j < m->state->n_edges; j++) {
			struct sockaddr_in6 sa;

			if (strcmp(m->state->edges[j].peer, n->name))
				continue;
			mv_wire_to_sockaddr(&m->state->edges[j].address, &sa);
			add_addr(o, &sa);
		}
	}
}

static void outgoing_retry(void *ctx)
{
	struct mv_outgoing *o = ctx;

	resolve(o);
	outgoing_try(o);
}

static void outgoing_try(struct mv_outgoing *o)
{
	struct mv_proto *p = o->p;
	struct mv_node *n = mv_node_find(p->nodes, o->name);
	struct mv_conn *c;
	char label[80];
	int fd;

	if (o->conn || p->stopping)
		return;
	if (n && n->conn && n->conn->state == MV_CONN_ACTIVE)
		return;	/* it connected to us */
	while (o->next_addr < o->n_addrs) {
		const struct sockaddr_in6 *sa = &o->addrs[o->next_addr++];

		mv_sockaddr_tinc(sa, label, sizeof(label));
		mv_info(0, "Trying to connect to %s (%s)", o->name, label);
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 &&
		    errno != EINPROGRESS) {
			mv_info(1, "Could not connect to %s (%s): %s", o->name,
				label, strerror(errno));
			close(fd);
			continue;
		}
		c = conn_new(p, fd, sa);
		if (!c) {
			close(fd);
			break;
		}
		strcpy(c->name, o->name);
		c->outgoing = o;
		o->conn = c;
		c->state = MV_CONN_CONNECTING;
		mv_timer_arm(p->loop, &c->timer, MV_AUTH_TIMEOUT * 1000);
		if (mv_io_add(p->loop, &c->io, fd, EPOLLOUT, conn_io, c))
			mv_meta_close(c, "cannot watch the socket");
		return;
	}
	if (!o->n_addrs)
		mv_err("Could not set up a meta connection to %s: no known address",
		       o->name);
	else
		mv_err("Could not set up a meta connection to %s", o->name);
	o->timeout = o->timeout + 5 > MV_MAX_RETRY ? MV_MAX_RETRY : o->timeout + 5;
	mv_info(0, "Trying to re-establish outgoing connection in %u seconds",
		o->timeout);
	mv_timer_arm(p->loop, &o->retry, o->timeout * 1000ull);
}

/*
 * The peer refused us: its other addresses are the same node and would
 * say the same, so wait, twice as long each time (from
 * MV_REFUSED_RETRY up to MV_MAX_RETRY) until a connection works.
 */
static void outgoing_back_off(struct mv_outgoing *o)
{
	struct mv_proto *p = o->p;

	o->next_addr = o->n_addrs;
	if (o->timeout < MV_REFUSED_RETRY)
		o->timeout = MV_REFUSED_RETRY;
	else
		o->timeout = o->timeout * 2 > MV_MAX_RETRY ? MV_MAX_RETRY :
			     o->timeout * 2;
	mv_info(0, "Trying to re-establish outgoing connection to %s in %u seconds",
		o->name, o->timeout);
	mv_timer_arm(p->loop, &o->retry, o->timeout * 1000ull);
}

static void outgoing_free(struct mv_outgoing *o)
{
	mv_timer_cancel(o->p->loop, &o->retry);
	if (o->conn) {
		o->conn->outgoing = NULL;
		mv_meta_close(o->conn, o->p->stopping ? "shutting down" :
				       "no longer in ConnectTo");
	}
	free(o->addrs);
	free(o);
}

/* Make the outgoing list match ConnectTo: new ones start, removed ones go. */
void mv_meta_start_outgoing(struct mv_proto *p)
{
	struct mv_outgoing **pp = &p->meta.outgoing, *o;
	size_t i;

	while ((o = *pp)) {
		bool wanted = false;

		for (i = 0; i < p->conf->n_connect_to; i++)
			wanted |= !strcmp(p->conf->connect_to[i], o->name);
		if (wanted && !p->stopping) {
			pp = &o->next;
			continue;
		}
		*pp = o->next;
		outgoing_free(o);
	}
	for (i = 0; i < p->conf->n_connect_to && !p->stopping; i++) {
		const char *name = p->conf->connect_to[i];

		for (o = p->meta.outgoing; o; o = o->next)
			if (!strcmp(o->name, name))
				break;
		if (o)
			continue;
		o = calloc(1, sizeof(*o));
		if (!o)
			continue;
		o->p = p;
		strcpy(o->name, name);
		mv_timer_init(&o->retry, outgoing_retry, o);
		o->next = p->meta.outgoing;
		p->meta.outgoing = o;
		outgoing_retry(o);
	}
}

/* SIGALRM: every waiting outgoing connection is tried at once. */
void mv_meta_retry_now(struct mv_proto *p)
{
	struct mv_outgoing *o;

	for (o = p->meta.outgoing; o; o = o->next) {
		if (o->conn)
			continue;
		o->timeout = 0;
		mv_timer_cancel(p->loop, &o->retry);
		outgoing_retry(o);
	}
}
