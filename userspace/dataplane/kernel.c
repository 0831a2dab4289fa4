// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn.ko as the data plane (kernel.h). The daemon remains the only
 * source of truth: it records what it programmed into each node
 * (struct mv_kstate) and kernel_sync() sends only the differences, once
 * per event-loop iteration in which something changed.
 *
 * Nodes the kernel cannot reach over UDP (TCPOnly, or no direct path nor
 * relay yet) get this node's own id as next hop: the kernel then hands
 * their encrypted messages to the daemon on the "packets" group, and the
 * daemon carries them over its meta connections; DATA that arrives that
 * way goes back into the kernel with msg-inject.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/meshvpn.h>

#include "dataplane/dataplane.h"
#include "dataplane/udp.h"
#include "dataplane/kernel.h"
#include "lib/log.h"
#include "netlink/meshvpn_nl.h"

/*
 * Nodes a previous meshvpnd left behind keep forwarding with their old keys
 * this long, while the mesh reconnects and the graph fills again.
 */
#define ADOPT_GRACE	60000	/* ms */

/* key-new hands the kernel the session keys as they are. */
_Static_assert(MV_KEY_LEN == MESHVPN_KEY_LEN, "session keys of the kernel's length");
/* KernelUpcallRate takes what the module takes. */
_Static_assert(MV_CONFIG_MAX_KERNEL_UPCALL_RATE == MESHVPN_UPCALL_RATE_MAX,
	       "KernelUpcallRate's range is the module's");

struct mv_kernel {
	uint64_t adopted_at;	/* monotonic ms, 0 if nothing was adopted */
	struct mv_nl nl;	/* requests */
	struct mv_nl ev;	/* notifications */
	struct mv_io ev_io;
	struct mv_nl pk;	/* messages to and from the meta connections */
	struct mv_io pk_io;
	uint8_t *inject;	/* msg-inject request being built */
	struct mv_timer regrace;
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned int upcall_rate;	/* KernelUpcallRate the link has */
};

static void kernel_adopt(struct mv_dataplane *dp);
static void kernel_forget(struct mv_node *n);
static bool kernel_holds(const struct mv_node *n);

static int family_check(void)
{
	struct mv_nl nl;
	int err = mv_genl_open(&nl, MESHVPN_FAMILY_NAME, NULL);

	if (!err)
		mv_nl_close(&nl);
	return err;
}

bool mv_kernel_available(void)
{
	return family_check() == 0;
}

static int request(struct mv_kernel *k, struct nlmsghdr *nlh, const char *what)
{
	int err = mv_nl_request(&k->nl, nlh, NULL, NULL);

	if (err)
		mv_err("meshvpn.ko: %s: %s%s%s", what, strerror(-err),
		       k->nl.msg[0] ? ": " : "", k->nl.msg);
	return err;
}

static struct nlmsghdr *genl(struct mv_kernel *k, uint8_t cmd)
{
	return mv_meshvpn_msg(&k->nl, cmd, 0, k->ifindex);
}

/* ---- the link ---- */

static int link_create(struct mv_kernel *k, const char *ifname, bool *existed)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *info;
	struct mv_nl rt;
	int err;

	err = mv_nl_open(&rt, NETLINK_ROUTE);
	if (err)
		return err;
	nlh = mv_nl_msg(&rt, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "meshvpn");
	mnl_attr_nest_end(nlh, info);
	err = mv_nl_request(&rt, nlh, NULL, NULL);
	mv_nl_close(&rt);
	*existed = err == -EEXIST;
	if (err && err != -EEXIST)
		return err;
	k->ifindex = if_nametoindex(ifname);
	if (!k->ifindex)
		return -errno;
	snprintf(k->ifname, sizeof(k->ifname), "%s", ifname);
	return 0;
}

static void link_delete(struct mv_kernel *k)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct mv_nl rt;

	if (mv_nl_open(&rt, NETLINK_ROUTE))
		return;
	nlh = mv_nl_msg(&rt, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = k->ifindex;
	if (mv_nl_request(&rt, nlh, NULL, NULL))
		mv_warn("Cannot delete %s", k->ifname);
	mv_nl_close(&rt);
}

/* ---- notifications ---- */

static struct mv_node *event_node(struct mv_dataplane *dp, const struct nlattr *id)
{
	struct mv_node *n = id ? mv_node_find_id(dp->nodes, mnl_attr_get_u64(id)) : NULL;

	return n && n != dp->nodes->self ? n : NULL;
}

static void endpoint_moved(struct mv_dataplane *dp, const struct nlattr *nest)
{
	struct mv_kernel *k = dp->kernel;
	const struct nlattr *tb[MESHVPN_A_NODE_MAX + 1];
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct mv_node *n;

	if (mv_nla_parse_nested(&k->ev, nest, mv_meshvpn_node_pol,
				MESHVPN_A_NODE_MAX, tb))
		return;
	n = event_node(dp, tb[MESHVPN_A_NODE_ID]);
	if (!n || !tb[MESHVPN_A_NODE_REMOTE_PORT])
		return;
	sa.sin6_port = mnl_attr_get_u16(tb[MESHVPN_A_NODE_REMOTE_PORT]);
	if (tb[MESHVPN_A_NODE_REMOTE_IPV4]) {
		sa.sin6_addr.s6_addr[10] = 0xff;
		sa.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&sa.sin6_addr.s6_addr[12],
		       mnl_attr_get_payload(tb[MESHVPN_A_NODE_REMOTE_IPV4]), 4);
	} else if (tb[MESHVPN_A_NODE_REMOTE_IPV6]) {
		memcpy(&sa.sin6_addr,
		       mnl_attr_get_payload(tb[MESHVPN_A_NODE_REMOTE_IPV6]), 16);
		if (tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID])
			sa.sin6_scope_id =
				mnl_attr_get_u32(tb[MESHVPN_A_NODE_REMOTE_IPV6_SCOPE_ID]);
	} else {
		return;
	}
	/* The kernel authenticated a message from there: it is direct. */
	mv_udp_set_direct(n, &sa);
	/* It already follows the new endpoint itself. */
	n->kstate.endpoint = sa;
	n->kstate.has_endpoint = true;
}

/*
 * The command of a notification about our link, its attributes in @tb;
 * -1 for anything else. A message too short for its generic netlink
 * header, or malformed, is ignored.
 */
static int link_ntf(struct mv_kernel *k, struct mv_nl *nl,
		    const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -1;
	if (mv_nla_parse(nl, (const char *)g + GENL_HDRLEN,
			 mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN,
			 mv_meshvpn_top_pol, MESHVPN_A_MAX, tb) ||
	    !tb[MESHVPN_A_IFINDEX] ||
	    mnl_attr_get_u32(tb[MESHVPN_A_IFINDEX]) != (uint32_t)k->ifindex)
		return -1;
	return g->cmd;
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mv_dataplane *dp = data;
	struct mv_kernel *k = dp->kernel;
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	const struct nlattr *kt[MESHVPN_A_KEYCONF_MAX + 1];
	int cmd = link_ntf(k, &k->ev, nlh, tb);
	struct mv_node *n;

	switch (cmd) {
	case MESHVPN_CMD_ENDPOINT_MOVED_NTF:
		if (tb[MESHVPN_A_NODE])
			endpoint_moved(dp, tb[MESHVPN_A_NODE]);
		break;
	case MESHVPN_CMD_KEY_NEEDED_NTF:
	case MESHVPN_CMD_REKEY_DUE_NTF:
		if (!tb[MESHVPN_A_KEYCONF] ||
		    mv_nla_parse_nested(&k->ev, tb[MESHVPN_A_KEYCONF],
					mv_meshvpn_keyconf_pol,
					MESHVPN_A_KEYCONF_MAX, kt))
			break;
		n = event_node(dp, kt[MESHVPN_A_KEYCONF_NODE_ID]);
		if (!n)
			break;
		mv_info(3, "meshvpn.ko: %s for %s", cmd == MESHVPN_CMD_KEY_NEEDED_NTF ?
			"key needed" : "rekey due", n->name);
		mv_session_start(n);
		break;
	}
	return 0;
}

static void events_readable(void *ctx, uint32_t events)
{
	struct mv_dataplane *dp = ctx;
	int err;

	(void)events;
	err = mv_nl_recv_events(&dp->kernel->ev, event_cb, dp);
	if (err == -ENOBUFS) {
		/* Lost notifications: whatever they said, a resync covers. */
		mv_warn("meshvpn.ko: notifications lost; resynchronising");
		dp->kernel_dirty = true;
	}
}

/* ---- messages carried over the meta connections ---- */

/*
 * msg-inject and packet-send: the message or packet, the ifindex, a node
 * nest with its id, and the headers around them.
 */
#define INJECT_SIZE	(MNL_NLMSG_HDRLEN + GENL_HDRLEN + 4 * MNL_ATTR_HDRLEN + \
			 sizeof(uint32_t) + sizeof(uint64_t) + MV_PKT_MAX + 4)
/* Room for bursts of messages the kernel hands over. */
#define PACKETS_RCVBUF	(4 << 20)
/* Messages read per wakeup, so that nothing else waits too long. */
#define PACKETS_BUDGET	64

/* A broadcast: sent here, or from the node in the packet-ntf's node nest. */
static void broadcast_ntf(struct mv_dataplane *dp, const struct nlattr **tb)
{
	struct mv_kernel *k = dp->kernel;
	const struct nlattr *nt[MESHVPN_A_NODE_MAX + 1];
	const struct mv_node *from = NULL;

	if (tb[MESHVPN_A_NODE]) {
		if (mv_nla_parse_nested(&k->pk, tb[MESHVPN_A_NODE],
					mv_meshvpn_node_pol, MESHVPN_A_NODE_MAX, nt))
			return;
		from = event_node(dp, nt[MESHVPN_A_NODE_ID]);
		if (!from)
			return;
	}
	mv_udp_broadcast_from_kernel(dp, mnl_attr_get_payload(tb[MESHVPN_A_PACKET]),
				     mnl_attr_get_payload_len(tb[MESHVPN_A_PACKET]),
				     from);
}

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mv_dataplane *dp = data;
	struct mv_kernel *k = dp->kernel;
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	int cmd = link_ntf(k, &k->pk, nlh, tb);

	if (cmd == MESHVPN_CMD_MSG_NTF && tb[MESHVPN_A_MSG])
		mv_udp_from_kernel(dp, mnl_attr_get_payload(tb[MESHVPN_A_MSG]),
				   mnl_attr_get_payload_len(tb[MESHVPN_A_MSG]));
	else if (cmd == MESHVPN_CMD_PACKET_NTF && tb[MESHVPN_A_PACKET])
		broadcast_ntf(dp, tb);
	return 0;
}

static void packets_readable(void *ctx, uint32_t events)
{
	struct mv_dataplane *dp = ctx;
	int budget = PACKETS_BUDGET, err = 0;

	(void)events;
	while (budget-- && !err)
		err = mv_nl_recv_events(&dp->kernel->pk, packet_cb, dp);
	/* Lost ones were counted by the kernel (daemon-drops). */
	if (err && err != -EAGAIN && err != -ENOBUFS)
		mv_info(3, "meshvpn.ko: reading messages: %s", strerror(-err));
}

/*
 * Start msg-inject or packet-send in k->inject. No ack is asked for: a
 * refusal comes back as an error message, read and dropped with the
 * notifications, and the kernel counts what it drops on the way.
 */
static struct nlmsghdr *packet_request(struct mv_kernel *k, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->inject);
	struct genlmsghdr *g;

	nlh->nlmsg_type = k->pk.family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++k->pk.seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	mnl_attr_put_u32(nlh, MESHVPN_A_IFINDEX, (uint32_t)k->ifindex);
	return nlh;
}

static void packet_send(struct mv_kernel *k, struct nlmsghdr *nlh,
			const char *what)
{
	if (mnl_socket_sendto(k->pk.sock, nlh, nlh->nlmsg_len) < 0)
		mv_info(5, "meshvpn.ko: %s: %s", what, strerror(errno));
}

static void kernel_deliver(struct mv_dataplane *dp, const uint8_t *msg, size_t len)
{
	struct mv_kernel *k = dp->kernel;
	struct nlmsghdr *nlh;

	if (len > MV_PKT_MAX)
		return;
	nlh = packet_request(k, MESHVPN_CMD_MSG_INJECT);
	mnl_attr_put(nlh, MESHVPN_A_MSG, len, msg);
	packet_send(k, nlh, "msg-inject");
}

static void kernel_send_packet(struct mv_dataplane *dp, struct mv_node *n,
			   const uint8_t *pkt, size_t len)
{
	struct mv_kernel *k = dp->kernel;
	struct nlmsghdr *nlh;

	if (len > MV_PKT_MAX || !n->kstate.exists)
		return;
	nlh = packet_request(k, MESHVPN_CMD_PACKET_SEND);
	mv_meshvpn_put_node_id(nlh, n->id);
	mnl_attr_put(nlh, MESHVPN_A_PACKET, len, pkt);
	packet_send(k, nlh, "packet-send");
}

static int packets_open(struct mv_dataplane *dp)
{
	struct mv_kernel *k = dp->kernel;
	int bufsize = PACKETS_RCVBUF;
	int err;

	k->inject = malloc(INJECT_SIZE);
	if (!k->inject)
		return -ENOMEM;
	err = mv_genl_open(&k->pk, MESHVPN_FAMILY_NAME, MESHVPN_MCGRP_PACKETS);
	err = err ?: mv_nl_subscribe(&k->pk, k->pk.events_group);
	if (err)
		return err;
	setsockopt(mnl_socket_get_fd(k->pk.sock), SOL_SOCKET, SO_RCVBUF,
		   &bufsize, sizeof(bufsize));
	return mv_io_add(dp->loop, &k->pk_io, mnl_socket_get_fd(k->pk.sock),
			 EPOLLIN, packets_readable, dp);
}

/* ---- open and close ---- */

/* Close the sockets and free what kernel_open_link() set up, link aside. */
static void kernel_release(struct mv_dataplane *dp)
{
	struct mv_kernel *k = dp->kernel;

	mv_io_del(dp->loop, &k->ev_io);
	mv_io_del(dp->loop, &k->pk_io);
	mv_nl_close(&k->ev);
	mv_nl_close(&k->pk);
	mv_nl_close(&k->nl);
	free(k->inject);
	free(k);
	dp->kernel = NULL;
}

static int kernel_open_link(struct mv_dataplane *dp, const char *ifname)
{
	struct mv_kernel *k = calloc(1, sizeof(*k));
	struct nlmsghdr *nlh;
	bool existed = false;
	int err;

	if (!k)
		return -ENOMEM;
	dp->kernel = k;
	err = mv_genl_open(&k->nl, MESHVPN_FAMILY_NAME, NULL);
	if (err) {
		mv_err("meshvpn.ko is not loaded (generic netlink family %s: %s)",
		       MESHVPN_FAMILY_NAME, strerror(-err));
		goto fail;
	}
	/* A kernel that never answers must not stop the daemon for good. */
	setsockopt(mnl_socket_get_fd(k->nl.sock), SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_sec = 5 }, sizeof(struct timeval));
	err = link_create(k, ifname, &existed);
	if (err) {
		mv_err("Cannot create the meshvpn link %s: %s", ifname, strerror(-err));
		goto fail;
	}
	if (existed)
		mv_notice("Taking over %s: the kernel kept forwarding while no "
			  "meshvpnd ran", ifname);
	nlh = genl(k, MESHVPN_CMD_DEV_SET);
	mv_meshvpn_put_dev_upcall(nlh, dp->nodes->self->id, dp->udp_fd,
				  dp->conf->kernel_upcall_rate);
	err = request(k, nlh, "attaching the UDP socket");
	if (err)
		goto fail_link;
	k->upcall_rate = dp->conf->kernel_upcall_rate;
	err = mv_genl_open(&k->ev, MESHVPN_FAMILY_NAME, MESHVPN_MCGRP_EVENTS);
	err = err ?: mv_nl_subscribe(&k->ev, k->ev.events_group);
	err = err ?: mv_io_add(dp->loop, &k->ev_io, mnl_socket_get_fd(k->ev.sock),
			       EPOLLIN, events_readable, dp);
	err = err ?: packets_open(dp);
	if (err) {
		mv_err("meshvpn.ko: cannot subscribe to its notifications: %s",
		       strerror(-err));
		goto fail_link;
	}
	snprintf(dp->ifname, sizeof(dp->ifname), "%s", ifname);
	if (existed)
		kernel_adopt(dp);
	return 0;
fail_link:
	if (!existed)
		link_delete(k);
fail:
	kernel_release(dp);
	return err;
}

static void kernel_close(struct mv_dataplane *dp, bool keep)
{
	struct mv_kernel *k = dp->kernel;

	if (!k)
		return;
	if (k->adopted_at)
		mv_timer_cancel(dp->loop, &k->regrace);
	if (keep)
		mv_notice("Leaving %s to the kernel with its keys (--keep-state)",
			  k->ifname);
	else
		link_delete(k);
	kernel_release(dp);
}

/* ---- nodes ---- */

static void put_endpoint(struct nlmsghdr *nlh, const struct sockaddr_in6 *sa)
{
	if (IN6_IS_ADDR_V4MAPPED(&sa->sin6_addr))
		mv_meshvpn_put_endpoint(nlh, AF_INET, &sa->sin6_addr.s6_addr[12],
					sa->sin6_port, 0);
	else
		/* A link-local endpoint needs its interface. */
		mv_meshvpn_put_endpoint(nlh, AF_INET6, &sa->sin6_addr,
					sa->sin6_port, sa->sin6_scope_id);
}

static bool wanted(const struct mv_node *n)
{
	return n != n->udp.dp->nodes->self && (n->reachable || n->udp.direct);
}

/*
 * Where the kernel sends @n's packets: to itself, to a direct relay, or to
 * this daemon (our own id), which carries them over the meta connections,
 * as udp.c's transmit() does on the userspace path.
 */
static uint64_t wanted_next_hop(const struct mv_node *n)
{
	switch (mv_node_path(n)) {
	case MV_PATH_DIRECT:
		return n->id;
	case MV_PATH_RELAY:
		if (n->nexthop->kstate.exists)
			return n->nexthop->id;
		break;
	default:
		/*
		 * Adopted from an earlier meshvpnd, and not known to be
		 * unreachable over UDP: the kernel keeps sending directly
		 * until probes tell.
		 */
		if (kernel_holds(n) && !mv_node_tcp_only(n))
			return n->id;
		break;
	}
	return n->udp.dp->nodes->self->id;
}

static const char *next_hop_name(const struct mv_node *n, uint64_t hop)
{
	if (hop == n->id)
		return "itself";
	if (hop == n->udp.dp->nodes->self->id)
		return "meshvpnd (meta connections)";
	return n->nexthop->name;
}

static void sync_node(struct mv_dataplane *dp, struct mv_node *n)
{
	struct mv_kernel *k = dp->kernel;
	struct mv_kstate *ks = &n->kstate;
	uint64_t hop = wanted_next_hop(n);
	bool ep = n->udp.direct && (!ks->has_endpoint ||
				!mv_sockaddr_equal(&ks->endpoint, &n->udp.endpoint));
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (ks->exists && !ep && ks->next_hop == hop)
		return;
	nlh = genl(k, ks->exists ? MESHVPN_CMD_NODE_SET : MESHVPN_CMD_NODE_NEW);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, n->id);
	if (ep)
		put_endpoint(nlh, &n->udp.endpoint);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_NEXT_HOP, hop);
	mnl_attr_nest_end(nlh, nest);
	if (request(k, nlh, ks->exists ? "node-set" : "node-new"))
		return;
	mv_info(3, "meshvpn.ko: %s %s, next hop %s", ks->exists ? "updated" :
		"added", n->name, next_hop_name(n, hop));
	ks->exists = true;
	ks->next_hop = hop;
	if (ep) {
		ks->endpoint = n->udp.endpoint;
		ks->has_endpoint = true;
	}
}

static int key_new(struct mv_dataplane *dp, struct mv_node *n, uint32_t slot,
		   const struct mv_keyslot *ks)
{
	struct mv_kernel *k = dp->kernel;
	struct nlmsghdr *nlh = genl(k, MESHVPN_CMD_KEY_NEW);
	int err;

	mv_meshvpn_put_key(nlh, n->id, slot, mv_cipher_alg(ks->cipher),
			   ks->generation & 1, ks->tx_key, ks->rx_key);
	err = request(k, nlh, "key-new");
	/* The request held key material. */
	mv_wipe(k->nl.req, MV_NL_REQ_SIZE);
	return err;
}

static int key_op(struct mv_dataplane *dp, struct mv_node *n, uint8_t cmd,
		  int slot)
{
	struct mv_kernel *k = dp->kernel;
	struct nlmsghdr *nlh = genl(k, cmd);

	mv_meshvpn_put_key_slot(nlh, n->id, slot);
	return request(k, nlh, cmd == MESHVPN_CMD_KEY_SWAP ? "key-swap" : "key-del");
}

/*
 * The kernel's current slot holds the key we send with (tx_phase), its
 * next slot the other phase's key, so that both decrypt. A new
 * generation goes into next and is swapped in when we switch to it.
 */
static void sync_keys(struct mv_dataplane *dp, struct mv_node *n)
{
	const struct mv_session *s = n->session;
	struct mv_kstate *ks = &n->kstate;
	const struct mv_keyslot *cur = s->tx_phase >= 0 &&
		s->slot[s->tx_phase].valid ? &s->slot[s->tx_phase] : NULL;
	const struct mv_keyslot *next = s->tx_phase >= 0 &&
		s->slot[!s->tx_phase].valid ? &s->slot[!s->tx_phase] : NULL;

	if (!ks->exists)
		return;
	if (!cur) {
		/*
		 * No session (yet): keys a previous meshvpnd left keep
		 * working until ours replace them.
		 */
		if (s->tx_phase < 0 && ks->key[0] && ks->gen[0] == MV_KGEN_UNKNOWN)
			return;
		if (ks->key[1] && !key_op(dp, n, MESHVPN_CMD_KEY_DEL,
					  MESHVPN_KEY_SLOT_NEXT))
			ks->key[1] = false;
		if (ks->key[0] && !key_op(dp, n, MESHVPN_CMD_KEY_DEL,
					  MESHVPN_KEY_SLOT_CURRENT))
			ks->key[0] = false;
		return;
	}
	if (!(ks->key[0] && ks->gen[0] == cur->generation)) {
		int err = -EEXIST;

		if (!(ks->key[1] && ks->gen[1] == cur->generation))
			err = key_new(dp, n, MESHVPN_KEY_SLOT_CURRENT, cur);
		/*
		 * -EEXIST: the kernel holds the key in next, also when a
		 * key-new into next went through but its answer was lost;
		 * it never installs key material twice (a fresh counter
		 * would reuse nonces), so it is swapped in instead.
		 */
		if (err == -EEXIST) {
			if (key_op(dp, n, MESHVPN_CMD_KEY_SWAP, -1))
				return;
			ks->gen[1] = ks->gen[0];
			ks->key[1] = ks->key[0];
		} else if (err) {
			return;
		}
		ks->gen[0] = cur->generation;
		ks->key[0] = true;
	}
	if (next && !(ks->key[1] && ks->gen[1] == next->generation)) {
		if (!key_new(dp, n, MESHVPN_KEY_SLOT_NEXT, next)) {
			ks->gen[1] = next->generation;
			ks->key[1] = true;
		}
	}
}

/*
 * Tell the kernel which spanning tree neighbour @n's broadcasts come
 * through (meshvpn.ko's reverse path check of broadcasts): the node itself
 * when it is not reached over the tree, so that nobody else speaks for it.
 */
static void sync_broadcast_via(struct mv_dataplane *dp, struct mv_node *n,
			       const int *tree_via)
{
	struct mv_kstate *ks = &n->kstate;
	struct mv_node *via = NULL;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t id;

	if (tree_via && n->vertex >= 0 && n->vertex < dp->topo->n_by_vertex &&
	    tree_via[n->vertex] >= 0)
		via = dp->topo->by_vertex[tree_via[n->vertex]];
	id = via && via->kstate.exists ? via->id : n->id;
	if (!ks->exists || ks->broadcast_via == id)
		return;
	nlh = genl(dp->kernel, MESHVPN_CMD_NODE_SET);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, n->id);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_BROADCAST_VIA, id);
	mnl_attr_nest_end(nlh, nest);
	if (!request(dp->kernel, nlh, "node-set broadcast-via"))
		ks->broadcast_via = id;
}

/* KernelUpcallRate changed (a reload): tell the link. */
static void sync_upcall_rate(struct mv_dataplane *dp)
{
	struct mv_kernel *k = dp->kernel;
	unsigned int rate = dp->conf->kernel_upcall_rate;
	struct nlmsghdr *nlh;

	if (k->upcall_rate == rate)
		return;
	nlh = genl(k, MESHVPN_CMD_DEV_SET);
	mv_meshvpn_put_dev_upcall(nlh, 0, -1, rate);
	if (request(k, nlh, "dev-set upcall-rate"))
		return;
	mv_info(3, "meshvpn.ko: KernelUpcallRate %u", rate);
	k->upcall_rate = rate;
}

static void kernel_sync(struct mv_dataplane *dp)
{
	struct mv_node *n;
	int *tree_via;

	if (!dp->kernel)
		return;
	dp->kernel_dirty = false;
	sync_upcall_rate(dp);
	/* Direct nodes first: they are the next hops of the others. */
	for (n = dp->nodes->all; n; n = n->next)
		if (wanted(n) && n->udp.direct)
			sync_node(dp, n);
	for (n = dp->nodes->all; n; n = n->next)
		if (wanted(n) && !n->udp.direct)
			sync_node(dp, n);
	for (n = dp->nodes->all; n; n = n->next)
		if (wanted(n))
			sync_keys(dp, n);
	/* Once every wanted node exists: they name each other. */
	tree_via = mv_udp_tree_via(dp);
	for (n = dp->nodes->all; n; n = n->next)
		if (wanted(n))
			sync_broadcast_via(dp, n, tree_via);
	free(tree_via);
	for (n = dp->nodes->all; n; n = n->next) {
		struct nlmsghdr *nlh;

		if (wanted(n) || !n->kstate.exists || n == dp->nodes->self)
			continue;
		if (kernel_holds(n)) {
			/* Adopted, and not known to be gone: check again. */
			mv_timer_arm(dp->loop, &dp->kernel->regrace, ADOPT_GRACE);
			continue;
		}
		nlh = genl(dp->kernel, MESHVPN_CMD_NODE_DEL);
		mv_meshvpn_put_node_id(nlh, n->id);
		if (!request(dp->kernel, nlh, "node-del"))
			kernel_forget(n);
	}
}

static void kernel_forget(struct mv_node *n)
{
	memset(&n->kstate, 0, sizeof(n->kstate));
}

static int kernel_route(struct mv_dataplane *dp, struct mv_node *n,
		    const struct mv_subnet *s, bool add)
{
	struct mv_kernel *k = dp->kernel;
	struct nlmsghdr *nlh;
	int err;

	if (!k || n == dp->nodes->self || s->type == MV_SUBNET_MAC)
		return 0;
	/* A route needs its node in the kernel first. */
	if (add && !n->kstate.exists)
		sync_node(dp, n);
	nlh = genl(k, add ? MESHVPN_CMD_ROUTE_NEW : MESHVPN_CMD_ROUTE_DEL);
	mv_meshvpn_put_route(nlh, n->id,
			     s->type == MV_SUBNET_IPV4 ? AF_INET : AF_INET6,
			     s->addr, (uint8_t)s->prefixlen);
	err = mv_nl_request(&k->nl, nlh, NULL, NULL);
	/* A route left by an earlier meshvpnd, or gone with its node. */
	if (err == (add ? -EEXIST : -ENOENT))
		err = 0;
	if (err)
		mv_err("meshvpn.ko: %s: %s%s%s", add ? "route-new" : "route-del",
		       strerror(-err), k->nl.msg[0] ? ": " : "", k->nl.msg);
	return err;
}

/* ---- reading back ---- */

struct stats_ctx {
	struct mv_dataplane *dp;
	struct mv_counters *out;
	void (*each)(struct mv_dataplane *dp, uint64_t id, struct stats_ctx *c);
	uint32_t phase;
};

static int node_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_ctx *c = data;
	struct mv_kernel *k = c->dp->kernel;
	struct mv_meshvpn_node node;
	int err;

	err = mv_meshvpn_node_reply(&k->nl, nlh, (uint32_t)k->ifindex, &node);
	if (err)
		return err;
	if (c->each) {
		c->each(c->dp, node.id, c);
		return 0;
	}
	c->out->rx_bytes = node.rx_bytes;
	c->out->rx_packets = node.rx_packets;
	c->out->tx_bytes = node.tx_bytes;
	c->out->tx_packets = node.tx_packets;
	c->out->decrypt_errors = node.rx_decrypt_errors;
	c->out->replay_drops = node.rx_replay_drops;
	c->out->rpf_drops = node.rx_rpf_drops;
	c->out->nokey_drops = node.tx_no_key_drops;
	c->out->relayed_packets = node.relay_packets;
	c->out->relayed_bytes = node.relay_bytes;
	return 0;
}

static int kernel_stats(struct mv_dataplane *dp, struct mv_node *n,
		    struct mv_counters *out)
{
	struct stats_ctx c = { .dp = dp, .out = out };
	struct nlmsghdr *nlh;

	if (!dp->kernel || !n->kstate.exists)
		return -ENOENT;
	nlh = genl(dp->kernel, MESHVPN_CMD_NODE_GET);
	mv_meshvpn_put_node_id(nlh, n->id);
	return mv_nl_request(&dp->kernel->nl, nlh, node_cb, &c);
}

struct device_ctx {
	struct mv_kernel *k;
	struct mv_meshvpn_dev *dev;
};

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct device_ctx *c = data;

	return mv_meshvpn_dev_reply(&c->k->nl, nlh, (uint32_t)c->k->ifindex,
				    c->dev);
}

int mv_kernel_device(struct mv_dataplane *dp, struct mv_meshvpn_dev *dev)
{
	struct device_ctx c = { .k = dp->kernel, .dev = dev };

	if (!dp->kernel)
		return -ENOENT;
	return mv_nl_request(&dp->kernel->nl, genl(dp->kernel, MESHVPN_CMD_DEV_GET),
			     device_cb, &c);
}

static int phase_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats_ctx *c = data;
	struct mv_kernel *k = c->dp->kernel;
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	const struct nlattr *kt[MESHVPN_A_KEYCONF_MAX + 1];
	int err;

	err = mv_genl_parse(&k->nl, nlh, MESHVPN_CMD_KEY_GET,
			    mv_meshvpn_top_pol, MESHVPN_A_MAX, tb);
	if (err || !tb[MESHVPN_A_KEYCONF])
		return err;
	err = mv_nla_parse_nested(&k->nl, tb[MESHVPN_A_KEYCONF],
				  mv_meshvpn_keyconf_pol, MESHVPN_A_KEYCONF_MAX, kt);
	if (!err && kt[MESHVPN_A_KEYCONF_PHASE])
		c->phase = mnl_attr_get_u8(kt[MESHVPN_A_KEYCONF_PHASE]) & 1;
	return err;
}

/* The phase of @n's current kernel key; 1 when there is none. */
static uint32_t current_phase(struct mv_dataplane *dp, struct mv_node *n)
{
	struct stats_ctx c = { .dp = dp, .phase = 1 };
	struct nlmsghdr *nlh = genl(dp->kernel, MESHVPN_CMD_KEY_GET);

	mv_meshvpn_put_key_slot(nlh, n->id, MESHVPN_KEY_SLOT_CURRENT);
	mv_nl_request(&dp->kernel->nl, nlh, phase_cb, &c);
	return c.phase;
}

static void adopt_one(struct mv_dataplane *dp, uint64_t id, struct stats_ctx *c)
{
	struct mv_node *n = mv_node_find_id(dp->nodes, id);

	(void)c;
	if (!n) {
		mv_info(2, "meshvpn.ko: node %012llx of the previous run is unknown "
			"so far", (unsigned long long)id);
		return;
	}
	n->kstate.exists = true;
	n->kstate.next_hop = 0;		/* unknown: the first sync sets it */
	n->kstate.key[0] = true;	/* keys we cannot read back */
	n->kstate.gen[0] = MV_KGEN_UNKNOWN;
	mv_info(1, "meshvpn.ko: %s kept its keys while no meshvpnd ran", n->name);
}

/*
 * @n still runs on keys a previous meshvpnd left in the kernel, and is
 * within the grace period in which its new session may arrive: it keeps
 * its node and routes as a direct node would.
 */
static bool kernel_holds(const struct mv_node *n)
{
	const struct mv_kernel *k = n->udp.dp->kernel;

	return k && n->kstate.key[0] && n->kstate.gen[0] == MV_KGEN_UNKNOWN &&
	       mv_loop_now(n->udp.dp->loop) - k->adopted_at < ADOPT_GRACE;
}

/* At the end of the grace period: drop what nobody claimed. */
static void regrace(void *ctx)
{
	struct mv_dataplane *dp = ctx;

	dp->kernel_dirty = true;
	mv_topology_changed(dp->topo);
}

/*
 * Rebuild what the kernel holds from a dump, after a restart: its nodes
 * keep their keys until new sessions replace them, so traffic flows on.
 */
static void kernel_adopt(struct mv_dataplane *dp)
{
	struct stats_ctx c = { .dp = dp, .each = adopt_one };
	struct mv_node *n;
	struct nlmsghdr *nlh;
	int err, tries = 3;

	dp->kernel->adopted_at = mv_loop_now(dp->loop);
	mv_timer_init(&dp->kernel->regrace, regrace, dp);

	do {
		nlh = mv_meshvpn_msg(&dp->kernel->nl, MESHVPN_CMD_NODE_GET,
				     NLM_F_DUMP, dp->kernel->ifindex);
		err = mv_nl_request(&dp->kernel->nl, nlh, node_cb, &c);
	} while (err == -EINTR && --tries);
	if (err)
		mv_warn("meshvpn.ko: cannot read the nodes of %s: %s",
			dp->ifname, strerror(-err));
	/*
	 * Our next session with each must use the other phase, or the
	 * peer's packets under the old key would be tried with the new one.
	 * (Asked after the dump: one request at a time on the socket.)
	 */
	for (n = dp->nodes->all; n; n = n->next)
		if (n->kstate.key[0] && n->kstate.gen[0] == MV_KGEN_UNKNOWN)
			n->session->last_generation = current_phase(dp, n);
}

/*
 * The link's name: Interface, else the network's name, else meshvpn0 (a
 * meshvpn link needs a name of its own; a TUN device gets one from the
 * kernel).
 */
static int kernel_open(struct mv_dataplane *dp)
{
	const char *name = dp->conf->interface ? dp->conf->interface :
			   dp->netname[0] ? dp->netname : "meshvpn0";
	int err = kernel_open_link(dp, name);

	if (!err)
		mv_notice("%s is a meshvpn link: packets are encrypted and relayed by "
			  "meshvpn.ko (kernel data path)", dp->ifname);
	return err;
}

const struct mv_backend mv_kernel_backend = {
	.name = "kernel",
	.open = kernel_open,
	.close = kernel_close,
	.sync = kernel_sync,
	.route = kernel_route,
	.send_packet = kernel_send_packet,
	.deliver = kernel_deliver,
	.stats = kernel_stats,
	.holds = kernel_holds,
};
