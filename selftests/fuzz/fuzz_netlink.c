// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what meshvpnd reads from meshvpn.ko: the replies to
 * its requests and the notifications on its two multicast groups, through
 * the kernel backend (dataplane/kernel.c), netlink/nl.c (acks, errors,
 * extended acks, dumps, sequence checks) and the typed decoders of
 * netlink/meshvpn_nl.c.
 *
 * Like selftests/unit/test_kernel_backend.c, this binary defines libmnl's
 * socket functions and recvmsg(): the daemon's netlink sockets are
 * datagram socket pairs, and the other end is a fake kernel that answers
 * the family lookup and rtnetlink truthfully and everything else with
 * what the input says.
 *
 * Input: one byte of options (bit 0: the link existed, so the daemon
 * adopts its nodes from a node-get dump and asks each one's key), then
 * records of a flag byte, a u16 length and netlink messages:
 *  - flags bit 0: a notification on the events group, bit 1: a message on
 *    the packets group (each delivered, then one turn of the event loop);
 *  - neither: an answer to a meshvpn request: flags bits 3 to 7 name the
 *    command it answers (0: any), and the first unused answer for a
 *    request's command is taken. Unless flags bit 2, each message in it is
 *    given the request's sequence number and port (so it is not dropped
 *    as a leftover). The fake then acks the request (or ends the dump) in
 *    any case, as a request left open would only wait for the socket's
 *    timeout.
 * Between notifications the daemon syncs its nodes, keys and routes with
 * the fake kernel and reads a node's counters back (node-get).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/meshvpn.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "harness.h"
#include "netlink/nl.h"

#define FAKE_FAMILY_ID	0x42
#define FAKE_SOCKS	8
#define GROUP_EVENTS	10
#define GROUP_PACKETS	11
#define ANSWERS_MAX	64

struct mnl_socket {
	int bus;
	int fd, peer;		/* the daemon reads fd; the fake writes peer */
	uint32_t portid;
	uint32_t group;		/* joined multicast group, 0 for none */
};

struct answer {
	uint8_t flags;
	const uint8_t *data;
	size_t len;
	bool used;
};

static struct {
	struct mnl_socket *socks[FAKE_SOCKS];
	uint32_t next_portid;
	struct answer answers[ANSWERS_MAX];
	size_t n_answers;
	bool link_exists;
} fake;

struct mnl_socket *mnl_socket_open(int bus)
{
	struct mnl_socket *s = calloc(1, sizeof(*s));
	int sv[2];
	size_t i;

	if (!s || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		free(s);
		return NULL;
	}
	s->bus = bus;
	s->fd = sv[0];
	s->peer = sv[1];
	s->portid = ++fake.next_portid;
	for (i = 0; i < FAKE_SOCKS; i++) {
		if (!fake.socks[i]) {
			fake.socks[i] = s;
			break;
		}
	}
	CHECK(i < FAKE_SOCKS);
	return s;
}

int mnl_socket_bind(struct mnl_socket *s, unsigned int groups, pid_t pid)
{
	(void)s;
	(void)groups;
	(void)pid;
	return 0;
}

unsigned int mnl_socket_get_portid(const struct mnl_socket *s)
{
	return s->portid;
}

int mnl_socket_get_fd(const struct mnl_socket *s)
{
	return s->fd;
}

int mnl_socket_setsockopt(const struct mnl_socket *s, int type, void *buf,
			  socklen_t len)
{
	if (type == NETLINK_ADD_MEMBERSHIP && len == sizeof(uint32_t))
		((struct mnl_socket *)s)->group = *(uint32_t *)buf;
	return 0;
}

int mnl_socket_close(struct mnl_socket *s)
{
	size_t i;

	for (i = 0; i < FAKE_SOCKS; i++)
		if (fake.socks[i] == s)
			fake.socks[i] = NULL;
	close(s->fd);
	close(s->peer);
	free(s);
	return 0;
}

static bool is_fake_fd(int fd)
{
	size_t i;

	for (i = 0; i < FAKE_SOCKS; i++)
		if (fake.socks[i] && fake.socks[i]->fd == fd)
			return true;
	return false;
}

/* Everything on a fake socket comes from the kernel (port 0). */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct sockaddr_nl *sa = msg->msg_name;
	socklen_t namelen = msg->msg_namelen;
	ssize_t n;

	msg->msg_namelen = 0;
	n = syscall(SYS_recvmsg, fd, msg, flags);
	if (n >= 0 && is_fake_fd(fd) && sa && namelen >= sizeof(*sa)) {
		memset(sa, 0, sizeof(*sa));
		sa->nl_family = AF_NETLINK;
		msg->msg_namelen = sizeof(*sa);
	}
	return n;
}

static void reply(const struct mnl_socket *s, const void *p, size_t len)
{
	send(s->peer, p, len, MSG_DONTWAIT);
}

static void ack(const struct mnl_socket *s, const struct nlmsghdr *req,
		int error)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = s->portid;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = *req;
	reply(s, nlh, nlh->nlmsg_len);
}

static void done(const struct mnl_socket *s, const struct nlmsghdr *req)
{
	char buf[64];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = s->portid;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	reply(s, nlh, nlh->nlmsg_len);
}

/* CTRL_CMD_GETFAMILY for "meshvpn": its id, version and groups. */
static void family(const struct mnl_socket *s, const struct nlmsghdr *req)
{
	static const char *const groups[] = {
		MESHVPN_MCGRP_EVENTS, MESHVPN_MCGRP_PACKETS,
	};
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	struct nlattr *list, *grp;
	size_t i;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = s->portid;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_NEWFAMILY;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, MESHVPN_FAMILY_NAME);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, MESHVPN_FAMILY_VERSION);
	list = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < 2; i++) {
		grp = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, groups[i]);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, GROUP_EVENTS + i);
		mnl_attr_nest_end(nlh, grp);
	}
	mnl_attr_nest_end(nlh, list);
	reply(s, nlh, nlh->nlmsg_len);
	ack(s, req, 0);
}

/* The input's answer, addressed to @req unless it says otherwise. */
static void answer(const struct mnl_socket *s, const struct nlmsghdr *req,
		   const struct answer *a)
{
	static uint8_t buf[MV_NL_RECV_SIZE] __attribute__((aligned(4)));
	size_t len = a->len < sizeof(buf) ? a->len : sizeof(buf);
	struct nlmsghdr *nlh;
	size_t off = 0;

	memcpy(buf, a->data, len);
	/* Walked by hand: mnl_nlmsg_ok() takes any length of 2 GiB or more. */
	while (!(a->flags & 4) && off + sizeof(*nlh) <= len) {
		nlh = (struct nlmsghdr *)(buf + off);
		nlh->nlmsg_seq = req->nlmsg_seq;
		nlh->nlmsg_pid = s->portid;
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off)
			break;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	reply(s, buf, len);
}

/* What ends a request's answer: the ack, or the end of the dump. */
static void finish(const struct mnl_socket *s, const struct nlmsghdr *req)
{
	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		done(s, req);
	else
		ack(s, req, 0);
}

/* The first unused answer for @req's command, or for any. */
static struct answer *next_answer(const struct nlmsghdr *req)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);
	size_t i;

	for (i = 0; i < fake.n_answers; i++) {
		struct answer *a = &fake.answers[i];
		uint8_t cmd = a->flags >> 3;

		if (!a->used && (!cmd || cmd == g->cmd)) {
			a->used = true;
			return a;
		}
	}
	return NULL;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *s, const void *buf,
			  size_t len)
{
	const struct nlmsghdr *req = buf;

	if (s->bus == NETLINK_GENERIC && req->nlmsg_type == GENL_ID_CTRL) {
		family(s, req);
	} else if (s->bus == NETLINK_ROUTE) {
		ack(s, req, req->nlmsg_type == RTM_NEWLINK && fake.link_exists ?
			    -EEXIST : 0);
	} else {
		struct answer *a = next_answer(req);

		if (a)
			answer(s, req, a);
		/*
		 * Always ended, also after an answer that ends itself (the
		 * daemon drops the extra one as a leftover): a request
		 * left open would wait for the socket's 5 s timeout.
		 */
		if (req->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP))
			finish(s, req);
	}
	return len;
}

/* ---- the daemon's side ---- */

static void notify(uint32_t group, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < FAKE_SOCKS; i++)
		if (fake.socks[i] && fake.socks[i]->group == group)
			reply(fake.socks[i], p, len);
}

static void feed_state(struct fuzz_mesh *m, enum fuzz_peer who,
		       const enum fuzz_peer *peers, size_t n_peers,
		       const char *subnet)
{
	struct mv_buf b;

	mv_buf_init(&b);
	CHECK(!fuzz_mesh_state(&b, who, 1, peers, n_peers, &subnet, 1));
	mv_state_receive(m->bob_conn, b.data, b.len);
	fuzz_mesh_after_events(m);
	mv_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum fuzz_peer bob_links[] = { FUZZ_ALICE, FUZZ_CAROL };
	static const enum fuzz_peer carol_links[] = { FUZZ_BOB };
	struct answer notes[ANSWERS_MAX];
	struct fuzz_input in = { data, size };
	struct mv_counters counters;
	size_t n_notes = 0, i;
	struct fuzz_mesh m;
	const uint8_t *rec;
	uint8_t opts, flags;
	size_t len;

	fuzz_setup();
	if (!fuzz_take_u8(&in, &opts))
		return 0;
	memset(&fake, 0, sizeof(fake));
	fake.link_exists = opts & 1;
	while (fuzz_take_record(&in, &flags, &rec, &len)) {
		struct answer a = { flags, rec, len, false };

		if ((flags & 3) && n_notes < ANSWERS_MAX)
			notes[n_notes++] = a;
		else if (!(flags & 3) && fake.n_answers < ANSWERS_MAX)
			fake.answers[fake.n_answers++] = a;
	}

	CHECK(!fuzz_mesh_init(&m, false, true));
	feed_state(&m, FUZZ_BOB, bob_links, 2, "10.0.1.0/24");
	feed_state(&m, FUZZ_CAROL, carol_links, 1, "fd00:2::/64");
	fuzz_mesh_give_keys(&m, m.peer[FUZZ_BOB], 0, 0x42);
	m.d.dp.backend = NULL;
	if (!mv_dataplane_open(&m.d.dp, &mv_kernel_backend)) {
		fuzz_mesh_after_events(&m);
		for (i = 0; i < n_notes; i++) {
			notify(notes[i].flags & 1 ? GROUP_EVENTS : GROUP_PACKETS,
			       notes[i].data, notes[i].len);
			fuzz_mesh_turn(&m);
		}
		mv_dataplane_stats(&m.d.dp, m.peer[FUZZ_BOB], &counters);
		mv_dataplane_close(&m.d.dp, false);
	}
	fuzz_mesh_free(&m);
	return 0;
}
