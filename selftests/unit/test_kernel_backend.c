// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel backend (dataplane/kernel.c) against a fake netlink socket:
 * this test binary defines libmnl's socket functions (and recvmsg), so the
 * daemon's netlink code talks to an in-process fake of meshvpn.ko and of
 * rtnetlink instead of the kernel. The fake answers generic netlink's
 * family lookup, acknowledges every request, can refuse one with an
 * extack message, and records what it was asked, so that each case checks
 * what the backend asks meshvpn.ko to do: the link, the UDP socket and
 * the upcall rate, nodes with endpoints and next hops, keys, routes, and
 * the link's removal.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/meshvpn.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "dataplane/dataplane.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "proto/session.h"

#include "test.h"

#define FAKE_FAMILY_ID	0x42
#define FAKE_SOCKS	8
#define FAKE_LOG	64

/* One netlink socket as this process sees it: a datagram socket pair. */
struct mnl_socket {
	int bus;
	int fd, peer;		/* the daemon reads fd; the fake writes peer */
	uint32_t portid;
};

/* What the fake kernel was asked, one request a row. */
struct fake_request {
	int bus;
	uint16_t type;		/* rtnetlink message type */
	uint8_t cmd;		/* meshvpn command */
	uint64_t node_id;
	bool has_endpoint;
	uint64_t next_hop;
	uint32_t upcall_rate;	/* dev-set's, 0 when left out */
	uint32_t key_slot;
	char ifname[IFNAMSIZ];
};

static struct fake {
	struct fake_request log[FAKE_LOG];
	int n_log;
	uint32_t next_portid;
	uint8_t refuse_cmd;	/* answer this command with refuse_error */
	int refuse_error;	/* -EINVAL when 0 */
} fake;

static struct mnl_socket *fake_socks[FAKE_SOCKS];

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
	for (i = 0; i < FAKE_SOCKS; i++)
		if (!fake_socks[i]) {
			fake_socks[i] = s;
			break;
		}
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
	(void)s;
	(void)type;
	(void)buf;
	(void)len;
	return 0;
}

int mnl_socket_close(struct mnl_socket *s)
{
	size_t i;

	for (i = 0; i < FAKE_SOCKS; i++)
		if (fake_socks[i] == s)
			fake_socks[i] = NULL;
	close(s->fd);
	close(s->peer);
	free(s);
	return 0;
}

static bool is_fake_fd(int fd)
{
	size_t i;

	for (i = 0; i < FAKE_SOCKS; i++)
		if (fake_socks[i] && fake_socks[i]->fd == fd)
			return true;
	return false;
}

/*
 * The daemon hears only the kernel (port 0): on a fake socket, every
 * datagram comes from there.
 */
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

static void reply(const struct mnl_socket *s, struct nlmsghdr *nlh)
{
	send(s->peer, nlh, nlh->nlmsg_len, 0);
}

/* An ack, or an error with an extack message. */
static void ack(const struct mnl_socket *s, const struct nlmsghdr *req,
		int error, const char *why)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = s->portid;
	nlh->nlmsg_flags = NLM_F_CAPPED | (why ? NLM_F_ACK_TLVS : 0);
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = *req;
	if (why)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, why);
	reply(s, nlh);
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
	reply(s, nlh);
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
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 10 + i);
		mnl_attr_nest_end(nlh, grp);
	}
	mnl_attr_nest_end(nlh, list);
	reply(s, nlh);
	ack(s, req, 0, NULL);
}

static int node_attr(const struct nlattr *a, void *data)
{
	struct fake_request *r = data;

	switch (mnl_attr_get_type(a)) {
	case MESHVPN_A_NODE_ID:
		r->node_id = mnl_attr_get_u64(a);
		break;
	case MESHVPN_A_NODE_REMOTE_PORT:
		r->has_endpoint = true;
		break;
	case MESHVPN_A_NODE_NEXT_HOP:
		r->next_hop = mnl_attr_get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

static int dev_attr(const struct nlattr *a, void *data)
{
	struct fake_request *r = data;

	if (mnl_attr_get_type(a) == MESHVPN_A_DEVICE_UPCALL_RATE)
		r->upcall_rate = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int keyconf_attr(const struct nlattr *a, void *data)
{
	struct fake_request *r = data;

	if (mnl_attr_get_type(a) == MESHVPN_A_KEYCONF_SLOT)
		r->key_slot = mnl_attr_get_u32(a);
	return node_attr(a, data);
}

static int top_attr(const struct nlattr *a, void *data)
{
	struct fake_request *r = data;

	switch (mnl_attr_get_type(a)) {
	case MESHVPN_A_DEV:
		mnl_attr_parse_nested(a, dev_attr, r);
		break;
	case MESHVPN_A_NODE:
		mnl_attr_parse_nested(a, node_attr, r);
		break;
	case MESHVPN_A_KEYCONF:
		/* It names its node first, as MESHVPN_A_NODE_ID 1. */
		mnl_attr_parse_nested(a, keyconf_attr, r);
		break;
	case MESHVPN_A_ROUTE:
		/* The same. */
		mnl_attr_parse_nested(a, node_attr, r);
		break;
	}
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	struct fake_request *r = data;

	if (mnl_attr_get_type(a) == IFLA_IFNAME)
		snprintf(r->ifname, sizeof(r->ifname), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

ssize_t mnl_socket_sendto(const struct mnl_socket *s, const void *buf,
			  size_t len)
{
	const struct nlmsghdr *req = buf;
	struct fake_request *r = &fake.log[fake.n_log < FAKE_LOG ? fake.n_log : 0];

	(void)len;
	if (s->bus == NETLINK_GENERIC && req->nlmsg_type == GENL_ID_CTRL) {
		family(s, req);
		return len;
	}
	memset(r, 0, sizeof(*r));
	r->bus = s->bus;
	r->type = req->nlmsg_type;
	if (s->bus == NETLINK_ROUTE) {
		mnl_attr_parse(req, sizeof(struct ifinfomsg), link_attr, r);
	} else {
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(req);

		r->cmd = g->cmd;
		mnl_attr_parse(req, sizeof(*g), top_attr, r);
	}
	if (fake.n_log < FAKE_LOG)
		fake.n_log++;
	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		done(s, req);
		return len;
	}
	if (s->bus == NETLINK_GENERIC && r->cmd && r->cmd == fake.refuse_cmd)
		ack(s, req, fake.refuse_error ?: -EINVAL, "refused by the fake kernel");
	else
		ack(s, req, 0, NULL);
	return len;
}

/* ---- the daemon's side ---- */

struct kfixture {
	struct mv_config conf;
	struct mv_nodes nodes;
	struct mv_topology topo;
	struct mv_dataplane dp;
};

/* A node as the daemon makes it: a session without keys yet. */
static int node_init(void *ctx, struct mv_node *n)
{
	n->udp.dp = ctx;
	n->session = calloc(1, sizeof(*n->session));
	if (!n->session)
		return -ENOMEM;
	n->session->tx_phase = -1;
	n->session->switch_phase = -1;
	return 0;
}

static void node_release(void *ctx, struct mv_node *n)
{
	(void)ctx;
	free(n->session);
}

static const struct mv_node_ops node_ops = {
	.init = node_init,
	.release = node_release,
};

static void fixture_init(struct kfixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	memset(&fake, 0, sizeof(fake));
	/* A name the kernel knows, so that if_nametoindex() finds it. */
	fx->conf.interface = "lo";
	mv_nodes_init(&fx->nodes, &fx->conf, &node_ops, &fx->dp);
	fx->nodes.self = mv_node_get(&fx->nodes, "alice");
	fx->nodes.self->reachable = true;
	mv_topology_init(&fx->topo, &fx->nodes, NULL, NULL);
	fx->dp.loop = mv_loop_new();
	fx->dp.conf = &fx->conf;
	fx->dp.netname = "";
	fx->dp.nodes = &fx->nodes;
	fx->dp.topo = &fx->topo;
	fx->dp.udp_fd = -1;
	fx->dp.tun_fd = -1;
}

static void fixture_free(struct kfixture *fx)
{
	mv_dataplane_close(&fx->dp, false);
	mv_topology_free(&fx->topo);
	mv_nodes_free(&fx->nodes);
	mv_loop_free(fx->dp.loop);
}

/* The first request of @cmd (0: an rtnetlink @type) from @from on. */
static const struct fake_request *asked(int from, uint8_t cmd, uint16_t type)
{
	int i;

	for (i = from; i < fake.n_log; i++)
		if (cmd ? fake.log[i].bus == NETLINK_GENERIC &&
			  fake.log[i].cmd == cmd :
			  fake.log[i].bus == NETLINK_ROUTE && fake.log[i].type == type)
			return &fake.log[i];
	return NULL;
}

/* The kernel backend open, and bob reached directly, as his own next hop. */
static struct mv_node *open_with_direct_bob(struct kfixture *fx)
{
	struct mv_node *bob;

	fixture_init(fx);
	if (mv_dataplane_open(&fx->dp, &mv_kernel_backend))
		return NULL;
	bob = mv_node_get(&fx->nodes, "bob");
	bob->reachable = bob->udp.direct = true;
	bob->nexthop = bob;
	return bob;
}

/* The same, with bob's session holding keys of generation 1 in slot 0. */
static struct mv_node *open_with_keyed_bob(struct kfixture *fx)
{
	struct mv_node *bob = open_with_direct_bob(fx);

	if (bob) {
		bob->session->tx_phase = 0;
		bob->session->slot[0].valid = true;
		bob->session->slot[0].generation = 1;
	}
	return bob;
}

TEST(open_creates_the_link_and_hands_over_the_socket)
{
	const struct fake_request *r;
	struct kfixture fx;

	fixture_init(&fx);
	EXPECT_EQ(mv_dataplane_open(&fx.dp, &mv_kernel_backend), 0);
	EXPECT_STREQ(mv_dataplane_name(&fx.dp), "kernel");
	r = asked(0, 0, RTM_NEWLINK);
	EXPECT(r && !strcmp(r->ifname, "lo"));
	EXPECT(asked(0, MESHVPN_CMD_DEV_SET, 0) != NULL);
	EXPECT_STREQ(fx.dp.ifname, "lo");
	fixture_free(&fx);
	/* Closing without --keep-state removes the link. */
	EXPECT(asked(0, 0, RTM_DELLINK) != NULL);
}

TEST(sync_programs_direct_nodes_and_relayed_ones)
{
	const struct fake_request *r;
	struct kfixture fx;
	struct mv_node *bob, *carol;
	int mark;

	fixture_init(&fx);
	EXPECT_EQ(mv_dataplane_open(&fx.dp, &mv_kernel_backend), 0);
	bob = mv_node_get(&fx.nodes, "bob");
	carol = mv_node_get(&fx.nodes, "carol");
	bob->reachable = bob->udp.direct = true;
	bob->udp.endpoint.sin6_family = AF_INET6;
	bob->udp.endpoint.sin6_port = htons(655);
	bob->nexthop = bob;
	carol->reachable = true;
	carol->nexthop = bob;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_NODE_NEW, 0);
	/* Direct nodes first: they are the next hops of the others. */
	EXPECT(r && r->node_id == bob->id && r->has_endpoint &&
	       r->next_hop == bob->id);
	r = r ? asked(r - fake.log + 1, MESHVPN_CMD_NODE_NEW, 0) : NULL;
	EXPECT(r && r->node_id == carol->id && !r->has_endpoint &&
	       r->next_hop == bob->id);
	EXPECT(bob->kstate.exists && carol->kstate.exists);
	/* Nothing changed: nothing is sent again. */
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT_EQ(fake.n_log, mark);
	/* Carol goes away: she is deleted from the kernel. */
	carol->reachable = false;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_NODE_DEL, 0);
	EXPECT(r && r->node_id == carol->id);
	EXPECT(!carol->kstate.exists);
	fixture_free(&fx);
}

TEST(keys_follow_the_session)
{
	const struct fake_request *r;
	struct kfixture fx;
	struct mv_session *ss;
	struct mv_node *bob;
	int mark;

	bob = open_with_keyed_bob(&fx);
	if (!bob) {
		EXPECT(bob != NULL);
		fixture_free(&fx);
		return;
	}
	ss = bob->session;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_KEY_NEW, 0);
	EXPECT(r && r->node_id == bob->id);
	EXPECT(bob->kstate.key[0] && bob->kstate.gen[0] == 1);
	/* The next generation goes to the "next" slot, then is swapped in. */
	ss->slot[1].valid = true;
	ss->slot[1].generation = 2;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_NEW, 0) != NULL);
	ss->tx_phase = 1;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_SWAP, 0) != NULL);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_NEW, 0) == NULL);
	/* A key the kernel refuses is tried again at the next sync. */
	ss->tx_phase = -1;
	ss->slot[0].valid = ss->slot[1].valid = false;
	fake.refuse_cmd = MESHVPN_CMD_KEY_DEL;
	mv_dataplane_sync(&fx.dp);
	EXPECT(bob->kstate.key[0]);
	fake.refuse_cmd = 0;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_DEL, 0) != NULL);
	EXPECT(!bob->kstate.key[0] && !bob->kstate.key[1]);
	fixture_free(&fx);
}

/*
 * KernelUpcallRate goes to the link with its socket, and again when a
 * reload changed it.
 */
TEST(upcall_rate_follows_the_config)
{
	const struct fake_request *r;
	struct kfixture fx;
	int mark;

	fixture_init(&fx);
	fx.conf.kernel_upcall_rate = 50;
	EXPECT_EQ(mv_dataplane_open(&fx.dp, &mv_kernel_backend), 0);
	r = asked(0, MESHVPN_CMD_DEV_SET, 0);
	EXPECT(r && r->upcall_rate == 50);
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT(asked(mark, MESHVPN_CMD_DEV_SET, 0) == NULL);
	fx.conf.kernel_upcall_rate = 7;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_DEV_SET, 0);
	EXPECT(r && r->upcall_rate == 7);
	fixture_free(&fx);
}

/*
 * key-new refused with EEXIST: the kernel holds that key material in its
 * next slot already (a key-new whose answer was lost). The backend swaps
 * it in instead of installing it again, and the next generation, new
 * material, still goes into the next slot and is swapped in.
 */
TEST(key_refused_as_installed_is_swapped_in_then_replaced)
{
	const struct fake_request *r;
	struct kfixture fx;
	struct mv_session *ss;
	struct mv_node *bob;
	int mark;

	bob = open_with_keyed_bob(&fx);
	if (!bob) {
		EXPECT(bob != NULL);
		fixture_free(&fx);
		return;
	}
	ss = bob->session;
	fake.refuse_cmd = MESHVPN_CMD_KEY_NEW;
	fake.refuse_error = -EEXIST;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_KEY_NEW, 0);
	EXPECT(r && r->key_slot == MESHVPN_KEY_SLOT_CURRENT);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_SWAP, 0) != NULL);
	EXPECT(bob->kstate.key[0] && bob->kstate.gen[0] == 1);
	fake.refuse_cmd = 0;
	fake.refuse_error = 0;

	/* The next generation is new material: key-new into next, then swap. */
	ss->slot[1].valid = true;
	ss->slot[1].generation = 2;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	r = asked(mark, MESHVPN_CMD_KEY_NEW, 0);
	EXPECT(r && r->key_slot == MESHVPN_KEY_SLOT_NEXT);
	EXPECT(bob->kstate.key[1] && bob->kstate.gen[1] == 2);
	ss->tx_phase = 1;
	mark = fake.n_log;
	mv_dataplane_sync(&fx.dp);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_SWAP, 0) != NULL);
	EXPECT(asked(mark, MESHVPN_CMD_KEY_NEW, 0) == NULL);
	EXPECT(bob->kstate.gen[0] == 2 && bob->kstate.gen[1] == 1);
	fixture_free(&fx);
}

TEST(routes_and_refusals)
{
	struct mv_subnet s;
	struct kfixture fx;
	struct mv_node *bob;
	int mark;

	bob = open_with_direct_bob(&fx);
	if (!bob) {
		EXPECT(bob != NULL);
		fixture_free(&fx);
		return;
	}
	EXPECT(!mv_subnet_parse("10.0.2.0/24", &s, NULL, 0));
	mark = fake.n_log;
	/* A route needs its node in the kernel first. */
	EXPECT_EQ(mv_dataplane_route(&fx.dp, bob, &s, true), 0);
	EXPECT(asked(mark, MESHVPN_CMD_NODE_NEW, 0) != NULL);
	EXPECT(asked(mark, MESHVPN_CMD_ROUTE_NEW, 0) != NULL);
	/* Our own subnets are not routes of the link. */
	mark = fake.n_log;
	EXPECT_EQ(mv_dataplane_route(&fx.dp, fx.nodes.self, &s, true), 0);
	EXPECT_EQ(fake.n_log, mark);
	/* The kernel's refusal is the caller's error. */
	fake.refuse_cmd = MESHVPN_CMD_ROUTE_DEL;
	EXPECT(mv_dataplane_route(&fx.dp, bob, &s, false) < 0);
	fake.refuse_cmd = 0;
	fixture_free(&fx);
}

TEST_MAIN()
