// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn monitor: meshvpn.ko's notifications (key needed, endpoint
 * moved, rekey due) as they come, one line or JSON object each, until
 * SIGINT or SIGTERM; see monitor.h.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>

#include <linux/genetlink.h>

#include "args.h"
#include "kernel_cmd.h"
#include "lib/json.h"
#include "monitor.h"

/*
 * Set from the signal handler, which can reach nothing else: the one
 * piece of state that cannot be passed in a struct.
 */
static volatile sig_atomic_t monitor_stop;

static void monitor_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

/* The monitor: its command, and the one device it reports, if any. */
struct monitor {
	struct mv_kcmd c;
	uint32_t filter;	/* ifindex; 0 for every device */
};

/* A notification, as printed. */
struct event {
	const char *name;
	char node[MV_NODE_ID_STRLEN];
	bool has_endpoint;
	struct mv_meshvpn_endpoint ep;
	const char *slot, *reason;
	char slot_buf[16], reason_buf[16];
};

static int parse_event(struct mv_kcmd *c, uint8_t op, const struct nlattr **tb,
		       struct event *ev)
{
	struct mv_meshvpn_node node;
	struct mv_meshvpn_key key;
	int ret;

	if (op == MESHVPN_CMD_ENDPOINT_MOVED_NTF) {
		ev->name = "endpoint-moved";
		if (!tb[MESHVPN_A_NODE])
			return mv_nl_malformed(&c->nl, "endpoint-moved without node");
		ret = mv_meshvpn_decode_node(&c->nl, tb[MESHVPN_A_NODE], &node);
		if (ret)
			return ret;
		mv_format_node_id(node.id, ev->node);
		ev->has_endpoint = node.has_endpoint;
		ev->ep = node.endpoint;
		return 0;
	}
	ev->name = op == MESHVPN_CMD_KEY_NEEDED_NTF ? "key-needed" : "rekey-due";
	if (!tb[MESHVPN_A_KEYCONF])
		return mv_nl_malformed(&c->nl, "%s without keyconf", ev->name);
	ret = mv_meshvpn_decode_key(&c->nl, tb[MESHVPN_A_KEYCONF], &key);
	if (ret)
		return ret;
	mv_format_node_id(key.node_id, ev->node);
	if (key.has_slot) {
		ev->slot = mv_slot_name(key.slot);
		if (!ev->slot) {
			snprintf(ev->slot_buf, sizeof(ev->slot_buf), "%u", key.slot);
			ev->slot = ev->slot_buf;
		}
	}
	if (key.has_rekey_reason) {
		ev->reason = mv_rekey_reason_name(key.rekey_reason);
		if (!ev->reason) {
			snprintf(ev->reason_buf, sizeof(ev->reason_buf), "%u",
				 key.rekey_reason);
			ev->reason = ev->reason_buf;
		}
	}
	return 0;
}

static void print_event(const struct mv_kcmd *c, uint32_t ifindex,
			const struct event *ev)
{
	char name[IF_NAMESIZE], safe[IF_NAMESIZE + 8], ep[MV_ENDPOINT_STRLEN] = "";
	bool has_ep = ev->has_endpoint &&
		      mv_format_endpoint(&ev->ep, ep, sizeof(ep)) > 0;
	struct mv_json j;

	if (!if_indextoname(ifindex, name))
		snprintf(name, sizeof(name), "if%u", ifindex);
	if (c->json) {
		mv_json_init(&j, stdout, false);
		mv_json_begin_object(&j);
		mv_json_kv_string(&j, "ifname", name);
		mv_json_kv_u64(&j, "ifindex", ifindex);
		mv_json_kv_string(&j, "event", ev->name);
		mv_json_kv_string(&j, "node", ev->node);
		if (has_ep)
			mv_json_kv_string(&j, "endpoint", ep);
		if (ev->slot)
			mv_json_kv_string(&j, "slot", ev->slot);
		if (ev->reason)
			mv_json_kv_string(&j, "reason", ev->reason);
		mv_json_end_object(&j);
		mv_json_finish(&j);
		return;
	}
	printf("%s: %s node %s", mv_printable(name, safe, sizeof(safe)), ev->name, ev->node);
	if (has_ep)
		printf(" endpoint %s", ep);
	if (ev->slot)
		printf(" slot %s", ev->slot);
	if (ev->reason)
		printf(" reason %s", ev->reason);
	printf("\n");
	/* One line per event, as it happens, even into a pipe. */
	fflush(stdout);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MESHVPN_A_MAX + 1];
	const struct genlmsghdr *genl;
	struct monitor *m = data;
	struct mv_kcmd *c = &m->c;
	struct event ev = { 0 };
	uint32_t ifindex = 0;
	int ret;

	if (nlh->nlmsg_type != c->nl.family ||
	    mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return 0;
	genl = mnl_nlmsg_get_payload(nlh);
	/* Events a newer module may add are not ours to print. */
	if (genl->cmd != MESHVPN_CMD_KEY_NEEDED_NTF &&
	    genl->cmd != MESHVPN_CMD_ENDPOINT_MOVED_NTF &&
	    genl->cmd != MESHVPN_CMD_REKEY_DUE_NTF)
		return 0;
	/* Notifications are for any device: filter, do not insist. */
	ret = mv_meshvpn_parse(&c->nl, nlh, genl->cmd, 0, tb);
	if (!ret) {
		ifindex = mnl_attr_get_u32(tb[MESHVPN_A_IFINDEX]);
		if (m->filter && ifindex != m->filter)
			return 0;
		ret = parse_event(c, genl->cmd, tb, &ev);
	}
	/* One bad notification is reported; the monitor goes on. */
	if (ret) {
		mv_nl_perror(&c->nl, c->what, ret);
		return 0;
	}
	print_event(c, ifindex, &ev);
	return 0;
}

int mv_cmd_monitor(const struct mv_opts *opts, int argc, char **argv)
{
	struct monitor m = {
		.c = { .name = "monitor", .what = "monitor", .json = opts->json },
	};
	struct mv_kcmd *c = &m.c;
	struct sigaction sa = { .sa_handler = monitor_signal };
	struct sigaction old_int, old_term;
	sigset_t block, orig;
	struct pollfd pfd;
	int ret = 0, status = 0;

	mv_strip_json(&c->json, &argc, argv);
	if (argc > 1)
		return mv_kcmd_usage_error(c, "unexpected \"%s\"", argv[1]);
	if (argc == 1 && mv_kcmd_resolve_dev(c, argv[0]))
		return 1;
	m.filter = c->ifindex;
	if (mv_kcmd_open(c))
		return 1;
	if (!c->nl.events_group) {
		fprintf(stderr, "meshvpn: monitor: the module has no \"%s\" group\n",
			MESHVPN_MCGRP_EVENTS);
		mv_nl_close(&c->nl);
		return 1;
	}
	ret = mv_nl_subscribe(&c->nl, c->nl.events_group);
	if (ret) {
		mv_nl_perror(NULL, "monitor: subscribing to events", ret);
		mv_nl_close(&c->nl);
		return 1;
	}

	/*
	 * SIGINT and SIGTERM stay blocked except inside ppoll(), so a signal
	 * cannot slip in between the check of monitor_stop and the wait.
	 */
	monitor_stop = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	pfd.fd = mnl_socket_get_fd(c->nl.sock);
	pfd.events = POLLIN;
	while (!monitor_stop) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			mv_nl_perror(NULL, c->what, -errno);
			status = 1;
			break;
		}
		ret = mv_nl_recv_events(&c->nl, event_cb, &m);
		if (ret == -ENOBUFS) {
			/* The socket overflowed; later events still come. */
			fprintf(stderr, "meshvpn: monitor: events lost (receive buffer full)\n");
			continue;
		}
		if (ret && ret != -EINTR && ret != -EAGAIN) {
			mv_nl_perror(&c->nl, c->what, ret);
			status = 1;
			break;
		}
	}

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	mv_nl_close(&c->nl);
	return status;
}
