// SPDX-License-Identifier: GPL-2.0
/*
 * The meshvpn tool's commands on meshvpn.ko: link, node, key, route and
 * monitor, each a thin translation between words on the command line and
 * one generic netlink operation of Documentation/netlink/specs/meshvpn.yaml.
 *
 * Arguments are checked completely before anything is sent, so a usage
 * error never leaves a half-applied change behind. Replies are checked
 * attribute by attribute (see the policies in meshvpn_nl.c) before they
 * are read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <openssl/crypto.h>

#include "args.h"
#include "lib/array.h"
#include "lib/json.h"
#include "netlink/meshvpn_nl.h"

/* A dump that keeps racing with changes is retried this often. */
#define DUMP_ATTEMPTS	5
/*
 * A dump may return more entries than dev-get counted only when entries
 * were added meanwhile (which also marks it interrupted). Beyond that
 * slack, or beyond DUMP_MAX_ENTRIES when the count is unknown, the kernel
 * is taken to be looping, and the dump is abandoned.
 */
#define DUMP_SLACK		4096
#define DUMP_MAX_ENTRIES	(1u << 22)

/* ---- usage ---- */

static const struct mv_usage usages[] = {
	{ "link", "link show [DEV] [--json]\n"
		  "link set DEV [node-id ID] [socket-fd FD | listen-port PORT]\n" },
	{ "node", "node add|set DEV ID [endpoint ADDR:PORT] [via ID|direct] [keepalive SECS]\n"
		  "node del DEV ID\n" },
	{ "key", "key add DEV NODE-ID slot current|next cipher chacha20-poly1305|aes-256-gcm|none\n"
		 "    phase 0|1 [tx-key FILE|-] [rx-key FILE|-]\n"
		 "key swap DEV NODE-ID\n"
		 "key del DEV NODE-ID slot current|next\n" },
	{ "route", "route add DEV PREFIX node ID\n"
		   "route del DEV PREFIX [node ID]\n"
		   "route show DEV [--json]\n" },
	{ "monitor", "monitor [DEV] [--json]\n" },
};

bool mv_is_command(const char *cmd)
{
	return mv_find_usage(usages, ARRAY_SIZE(usages), cmd) != NULL;
}

void mv_usage(FILE *f, const char *cmd)
{
	if (cmd) {
		mv_print_usage(f, usages, ARRAY_SIZE(usages), cmd,
			       "Usage: meshvpn ", "       meshvpn ");
		return;
	}
	fputs("Usage: meshvpn [--json] COMMAND [ARGS]\n\n", f);
	mv_print_usages(f, usages, ARRAY_SIZE(usages), "       meshvpn ");
	fputs("       meshvpn help [COMMAND]\n"
	      "       meshvpn --version\n\n"
	      "Node ids are hexadecimal (1 to fffffffffffe). Keys are read from files,\n"
	      "or stdin for '-', as 64 hex digits. See meshvpn(8).\n", f);
}

/* Every command's state: what it is called in messages, and its socket. */
struct cmd {
	const char *name;	/* "link", "node", ...: selects the usage */
	const char *what;	/* "node add": the prefix of every message */
	bool json;
	uint32_t ifindex;	/* the device operated on; 0 for any */
	uint32_t filter;	/* monitor: the device to report, 0 for all */
	struct mv_nl nl;
};

/* Report a usage error of command @c (a struct cmd); returns 2. */
#define usage_error(c, ...) \
	mv_usage_error(mv_usage, (c)->name, (c)->what, __VA_ARGS__)

/* Interface names come from users and the kernel; print them harmlessly. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && s[i]; i++)
		buf[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	buf[i] = '\0';
	return buf;
}

static int resolve_dev(struct cmd *c, const char *dev)
{
	char safe[IF_NAMESIZE + 8];

	c->ifindex = strlen(dev) < IF_NAMESIZE ? if_nametoindex(dev) : 0;
	if (!c->ifindex) {
		fprintf(stderr, "meshvpn: %s: %s: no such device\n", c->what,
			printable(dev, safe, sizeof(safe)));
		return 1;
	}
	return 0;
}

static int open_genl(struct cmd *c)
{
	int ret = mv_genl_open(&c->nl, MESHVPN_FAMILY_NAME, MESHVPN_MCGRP_EVENTS);

	if (ret) {
		mv_nl_perror(&c->nl, c->what, ret);
		return 1;
	}
	return 0;
}

/* Report a failed request with the kernel's reason; exit status 1. */
static int kernel_error(struct cmd *c, int err)
{
	mv_nl_perror(&c->nl, c->what, err);
	return 1;
}

/* A request for c->ifindex. */
static struct nlmsghdr *request(struct cmd *c, uint8_t op, uint16_t flags)
{
	return mv_meshvpn_msg(&c->nl, op, flags, c->ifindex);
}

/* Send a request that only expects an ack; returns the exit status. */
static int simple_request(struct cmd *c, struct nlmsghdr *nlh)
{
	int ret = mv_nl_request(&c->nl, nlh, NULL, NULL);

	return ret ? kernel_error(c, ret) : 0;
}

static int parse_id_arg(const struct cmd *c, const char *s, uint64_t *id)
{
	char err[MV_ARG_ERRLEN];

	if (mv_parse_node_id(s, id, err, sizeof(err)))
		return usage_error(c, "%s", err);
	return 0;
}

/* ---- what link show collects ---- */

enum key_state { KEY_UNKNOWN, KEY_EMPTY, KEY_SET };

struct key_info {
	enum key_state state;
	uint32_t cipher;
	uint8_t phase;
};

/* A node as link show has it: the kernel's node and its two keys. */
struct node_info {
	struct mv_meshvpn_node node;
	struct key_info key[2];		/* by enum meshvpn_key_slot */
};

struct link_info {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	struct mv_meshvpn_dev dev;
	/* false when the module cannot report them (EOPNOTSUPP) */
	bool have_nodes, have_routes, have_keys;
	/* most entries a dump may return, from the counts */
	size_t max_nodes, max_routes;
	struct node_info *nodes;
	size_t n_nodes;
	struct mv_meshvpn_route *routes;
	size_t n_routes;
};

static void link_info_free(struct link_info *li)
{
	free(li->nodes);
	free(li->routes);
	li->nodes = NULL;
	li->routes = NULL;
	li->n_nodes = li->n_routes = 0;
}

/* The state of link show: the command and the link being collected. */
struct show {
	struct cmd *c;
	struct link_info *li;
	struct key_info *key;	/* key-get: where the reply goes */
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct show *s = data;
	struct link_info *li = s->li;
	int ret;

	ret = mv_meshvpn_dev_reply(&s->c->nl, nlh, s->c->ifindex, &li->dev);
	if (ret)
		return ret;
	li->max_nodes = li->dev.has_node_count ?
			(size_t)li->dev.node_count + DUMP_SLACK : DUMP_MAX_ENTRIES;
	li->max_routes = li->dev.has_route_count ?
			 (size_t)li->dev.route_count + DUMP_SLACK : DUMP_MAX_ENTRIES;
	return 0;
}

static int node_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	void *grown;
	struct show *s = data;
	struct link_info *li = s->li;
	int ret;

	if (li->n_nodes >= li->max_nodes) {
		mv_nl_set_msg(&s->c->nl, "the kernel's node dump does not end (%zu nodes, %u expected)",
			      li->n_nodes, li->dev.node_count);
		return -EPROTO;
	}
	grown = mv_array_grow(li->nodes, li->n_nodes, sizeof(*li->nodes));
	if (!grown)
		return -ENOMEM;
	li->nodes = grown;
	memset(&li->nodes[li->n_nodes], 0, sizeof(*li->nodes));
	ret = mv_meshvpn_node_reply(&s->c->nl, nlh, s->c->ifindex,
				    &li->nodes[li->n_nodes].node);
	if (ret)
		return ret;
	li->n_nodes++;
	return 0;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	void *grown;
	struct show *s = data;
	struct link_info *li = s->li;
	int ret;

	if (li->n_routes >= li->max_routes) {
		mv_nl_set_msg(&s->c->nl, "the kernel's route dump does not end (%zu routes, %u expected)",
			      li->n_routes, li->dev.route_count);
		return -EPROTO;
	}
	grown = mv_array_grow(li->routes, li->n_routes, sizeof(*li->routes));
	if (!grown)
		return -ENOMEM;
	li->routes = grown;
	ret = mv_meshvpn_route_reply(&s->c->nl, nlh, s->c->ifindex,
				     &li->routes[li->n_routes]);
	if (ret)
		return ret;
	li->n_routes++;
	return 0;
}

static int key_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mv_meshvpn_key key;
	struct show *s = data;
	int ret;

	ret = mv_meshvpn_key_reply(&s->c->nl, nlh, s->c->ifindex, &key);
	if (ret)
		return ret;
	/* A slot without a cipher holds no key. */
	if (!key.has_cipher) {
		s->key->state = KEY_EMPTY;
		return 0;
	}
	s->key->state = KEY_SET;
	s->key->cipher = key.cipher_alg;
	s->key->phase = key.phase;
	return 0;
}

/* Run a dump again while it races with changes; @reset forgets a try. */
static int dump(struct show *s, uint8_t op, mv_nl_cb cb,
		void (*reset)(struct link_info *li))
{
	struct nlmsghdr *nlh;
	int ret = -EINTR, i;

	for (i = 0; i < DUMP_ATTEMPTS && ret == -EINTR; i++) {
		reset(s->li);
		nlh = request(s->c, op, NLM_F_DUMP);
		ret = mv_nl_request(&s->c->nl, nlh, cb, s);
	}
	return ret;
}

static void reset_nodes(struct link_info *li)
{
	li->n_nodes = 0;
}

static void reset_routes(struct link_info *li)
{
	li->n_routes = 0;
}

/* Tell about a part of the link the module cannot report yet. */
static void unsupported(struct cmd *c, const struct link_info *li,
			const char *part, int err)
{
	char what[128], safe[IF_NAMESIZE + 8];

	snprintf(what, sizeof(what), "%s: %s: %s", c->what,
		 printable(li->name, safe, sizeof(safe)), part);
	mv_nl_perror(&c->nl, what, err);
}

static int get_key(struct show *s, uint64_t id, uint32_t slot,
		   struct key_info *key)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = request(s->c, MESHVPN_CMD_KEY_GET, 0);
	mv_meshvpn_put_key_slot(nlh, id, (int)slot);
	s->key = key;
	key->state = KEY_UNKNOWN;
	ret = mv_nl_request(&s->c->nl, nlh, key_cb, s);
	/* An empty slot, or a node deleted since the dump. */
	if (ret == -ENOENT) {
		key->state = KEY_EMPTY;
		ret = 0;
	}
	return ret;
}

/* dev-get for s->li: the device's attributes, and the dump limits. */
static int get_dev(struct show *s)
{
	struct nlmsghdr *nlh;

	s->c->ifindex = s->li->ifindex;
	nlh = request(s->c, MESHVPN_CMD_DEV_GET, 0);
	return mv_nl_request(&s->c->nl, nlh, dev_cb, s);
}

/*
 * Collect everything about link li->ifindex. Parts the module does not
 * support yet are reported and left out; any other failure is returned.
 */
static int collect_link(struct cmd *c, struct link_info *li)
{
	struct show s = { c, li, NULL };
	size_t i;
	uint32_t slot;
	int ret;

	ret = get_dev(&s);
	if (ret)
		return ret;

	ret = dump(&s, MESHVPN_CMD_NODE_GET, node_dump_cb, reset_nodes);
	if (ret == -EOPNOTSUPP)
		unsupported(c, li, "nodes", ret);
	else if (ret)
		return ret;
	li->have_nodes = !ret;

	ret = dump(&s, MESHVPN_CMD_ROUTE_GET, route_dump_cb, reset_routes);
	if (ret == -EOPNOTSUPP)
		unsupported(c, li, "routes", ret);
	else if (ret)
		return ret;
	li->have_routes = !ret;

	li->have_keys = li->have_nodes;
	for (i = 0; i < li->n_nodes && li->have_keys; i++) {
		for (slot = 0; slot < 2; slot++) {
			ret = get_key(&s, li->nodes[i].node.id, slot,
				      &li->nodes[i].key[slot]);
			if (ret == -EOPNOTSUPP) {
				unsupported(c, li, "keys", ret);
				li->have_keys = false;
				break;
			}
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- listing meshvpn links over rtnetlink ---- */

struct link_list {
	struct mv_nl *nl;
	struct link_info *v;
	size_t n;
};

static int rtlink_cb(const struct nlmsghdr *nlh, void *data)
{
	void *grown;
	static const struct mv_nla_policy pol[IFLA_MAX + 1] = {
		[IFLA_IFNAME] = { MV_NLA_STRING, IF_NAMESIZE },
		[IFLA_LINKINFO] = { MV_NLA_NESTED, 0 },
	};
	static const struct mv_nla_policy info_pol[IFLA_INFO_MAX + 1] = {
		[IFLA_INFO_KIND] = { MV_NLA_STRING, 0 },
	};
	const struct nlattr *tb[IFLA_MAX + 1], *itb[IFLA_INFO_MAX + 1];
	struct link_list *l = data;
	const struct ifinfomsg *ifi;
	struct link_info *li;
	int ret;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi)) {
		mv_nl_set_msg(l->nl, "malformed RTM_NEWLINK message");
		return -EBADMSG;
	}
	ifi = mnl_nlmsg_get_payload(nlh);
	ret = mv_nla_parse(l->nl, (const char *)ifi + MNL_ALIGN(sizeof(*ifi)),
			   mnl_nlmsg_get_payload_len(nlh) - MNL_ALIGN(sizeof(*ifi)),
			   pol, IFLA_MAX, tb);
	if (ret)
		return ret;
	if (!tb[IFLA_LINKINFO] || !tb[IFLA_IFNAME] || ifi->ifi_index <= 0)
		return 0;
	ret = mv_nla_parse_nested(l->nl, tb[IFLA_LINKINFO], info_pol,
				  IFLA_INFO_MAX, itb);
	if (ret)
		return ret;
	if (!itb[IFLA_INFO_KIND] ||
	    strcmp(mnl_attr_get_str(itb[IFLA_INFO_KIND]), MESHVPN_FAMILY_NAME))
		return 0;
	grown = mv_array_grow(l->v, l->n, sizeof(*l->v));
	if (!grown)
		return -ENOMEM;
	l->v = grown;
	li = &l->v[l->n++];
	memset(li, 0, sizeof(*li));
	li->ifindex = (uint32_t)ifi->ifi_index;
	snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	return 0;
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

/* Every link of kind meshvpn in this network namespace, by ifindex. */
static int list_links(struct cmd *c, struct link_list *l)
{
	struct mv_nl rt;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	int ret, i;

	ret = mv_nl_open(&rt, NETLINK_ROUTE);
	if (ret) {
		mv_nl_perror(NULL, c->what, ret);
		return 1;
	}
	l->nl = &rt;
	ret = -EINTR;
	for (i = 0; i < DUMP_ATTEMPTS && ret == -EINTR; i++) {
		l->n = 0;
		nlh = mv_nl_msg(&rt, RTM_GETLINK, NLM_F_DUMP);
		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = AF_UNSPEC;
		/* The kernel filters by kind; the callback checks it anyway. */
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, MESHVPN_FAMILY_NAME);
		mnl_attr_nest_end(nlh, nest);
		ret = mv_nl_request(&rt, nlh, rtlink_cb, l);
	}
	if (ret) {
		mv_nl_perror(&rt, c->what, ret);
		mv_nl_close(&rt);
		return 1;
	}
	mv_nl_close(&rt);
	l->nl = NULL;
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_ifindex);
	return 0;
}

/* ---- link show output ---- */

static int cmp_node(const void *a, const void *b)
{
	const struct node_info *x = a, *y = b;

	return (x->node.id > y->node.id) - (x->node.id < y->node.id);
}

static int cmp_route(const void *a, const void *b)
{
	const struct mv_meshvpn_route *x = a, *y = b;
	int d;

	if (x->node_id != y->node_id)
		return (x->node_id > y->node_id) - (x->node_id < y->node_id);
	if (x->prefix.family != y->prefix.family)
		return x->prefix.family == AF_INET ? -1 : 1;
	d = memcmp(x->prefix.addr, y->prefix.addr, sizeof(x->prefix.addr));
	if (d)
		return d;
	return (x->prefix.len > y->prefix.len) - (x->prefix.len < y->prefix.len);
}

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

static void format_key(const struct key_info *k, char *buf, size_t len)
{
	const char *name = mv_cipher_alg_name(k->cipher);

	if (k->state == KEY_EMPTY)
		snprintf(buf, len, "(empty)");
	else if (name)
		snprintf(buf, len, "%s, phase %u", name, k->phase);
	else
		snprintf(buf, len, "cipher %u, phase %u", k->cipher, k->phase);
}

static void print_node(const struct link_info *li, const struct node_info *ni,
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

static void print_link(const struct link_info *li)
{
	char id[MV_NODE_ID_STRLEN], safe[IF_NAMESIZE + 8], buf[MV_PREFIX_STRLEN];
	uint64_t now = boottime_now();
	size_t i, r = 0, first;

	printf("link: %s\n", printable(li->name, safe, sizeof(safe)));
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
		for (i = 0; i < li->n_routes; i++) {
			mv_format_prefix(&li->routes[i].prefix, buf, sizeof(buf));
			mv_format_node_id(li->routes[i].node_id, id);
			printf("  %s node %s\n", buf, id);
		}
	}
}

static void json_id(struct mv_json *j, const char *key, uint64_t v)
{
	char id[MV_NODE_ID_STRLEN];

	mv_format_node_id(v, id);
	mv_json_kv_string(j, key, id);
}

static void json_key_slot(struct mv_json *j, const char *name,
			  const struct key_info *k)
{
	const char *cipher = mv_cipher_alg_name(k->cipher);
	char buf[32];

	mv_json_key(j, name);
	if (k->state != KEY_SET) {
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

static void json_routes(struct mv_json *j, const struct mv_meshvpn_route *routes,
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

static void json_node(struct mv_json *j, const struct link_info *li,
		      const struct node_info *ni)
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

static void json_link(struct mv_json *j, const struct link_info *li)
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
		json_routes(j, li->routes, li->n_routes);
	}
	mv_json_end_object(j);
}

/*
 * Finish a JSON document; returns non-zero on failure. A write error is
 * left to main(), which reports every failed write to stdout.
 */
static int json_done(const struct cmd *c, struct mv_json *j)
{
	int ret = mv_json_finish(j);

	if (ret == -EINVAL)
		fprintf(stderr, "meshvpn: %s: internal error: invalid JSON\n", c->what);
	return ret;
}

/* ---- link ---- */

static int link_show(struct cmd *c, int argc, char **argv)
{
	struct link_list l = { 0 };
	struct link_info one = { 0 };
	struct mv_json j;
	int status = 0, ret;
	size_t i, n;
	struct link_info *links;

	mv_strip_json(&c->json, &argc, argv);
	if (argc > 1)
		return usage_error(c, "unexpected \"%s\"", argv[1]);
	if (argc == 1) {
		if (resolve_dev(c, argv[0]))
			return 1;
		one.ifindex = c->ifindex;
		snprintf(one.name, sizeof(one.name), "%s", argv[0]);
		links = &one;
		n = 1;
	} else {
		if (list_links(c, &l)) {
			free(l.v);
			return 1;
		}
		links = l.v;
		n = l.n;
	}
	/* No link needs no module: nothing to show is not an error. */
	if (n && open_genl(c)) {
		free(l.v);
		return 1;
	}
	if (c->json) {
		mv_json_init(&j, stdout, true);
		mv_json_begin_array(&j);
	}
	for (i = 0; i < n; i++) {
		ret = collect_link(c, &links[i]);
		/* A link deleted since the listing is simply gone. */
		if (ret == -ENODEV && argc == 0) {
			link_info_free(&links[i]);
			continue;
		}
		if (ret) {
			status = kernel_error(c, ret);
			link_info_free(&links[i]);
			continue;
		}
		qsort(links[i].nodes, links[i].n_nodes, sizeof(*links[i].nodes), cmp_node);
		qsort(links[i].routes, links[i].n_routes, sizeof(*links[i].routes), cmp_route);
		if (c->json) {
			json_link(&j, &links[i]);
		} else {
			if (i)
				printf("\n");
			print_link(&links[i]);
		}
		link_info_free(&links[i]);
	}
	if (c->json) {
		mv_json_end_array(&j);
		if (json_done(c, &j))
			status = 1;
	}
	free(l.v);
	mv_nl_close(&c->nl);
	return status;
}

/*
 * A dual-stack UDP socket bound to @port, for `link set ... listen-port`:
 * the kernel keeps its own reference, so it outlives this process.
 */
static int open_listen_socket(struct cmd *c, uint64_t port)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons((uint16_t)port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int off = 0, fd;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6))) {
		fprintf(stderr, "meshvpn: %s: listen-port %" PRIu64 ": %s\n",
			c->what, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int link_set(struct cmd *c, int argc, char **argv)
{
	bool has_id = false, has_fd = false, has_port = false;
	uint64_t id = 0, fd = 0, port = 0;
	int own_fd = -1;
	char err[MV_ARG_ERRLEN];
	struct nlmsghdr *nlh;
	int i, ret;

	if (argc < 1)
		return usage_error(c, "missing DEV");
	for (i = 1; i < argc; i += 2) {
		if (i + 1 >= argc)
			return usage_error(c, "\"%s\" needs a value", argv[i]);
		if (!strcmp(argv[i], "node-id") && !has_id) {
			if (parse_id_arg(c, argv[i + 1], &id))
				return 2;
			has_id = true;
		} else if (!strcmp(argv[i], "socket-fd") && !has_fd && !has_port) {
			if (mv_parse_uint(argv[i + 1], INT32_MAX, &fd, err, sizeof(err)))
				return usage_error(c, "socket-fd: %s", err);
			has_fd = true;
		} else if (!strcmp(argv[i], "listen-port") && !has_fd && !has_port) {
			if (mv_parse_uint(argv[i + 1], UINT16_MAX, &port, err,
					  sizeof(err)) || !port)
				return usage_error(c, "listen-port: want 1 to 65535");
			has_port = true;
		} else {
			return usage_error(c, "unexpected or repeated \"%s\"", argv[i]);
		}
	}
	if (!has_id && !has_fd && !has_port)
		return usage_error(c, "nothing to set");
	/*
	 * The kernel looks the number up in our file table: it must be a
	 * socket this process inherited (meshvpn link set ... socket-fd 3
	 * 3<>...), or the kernel would take whatever else sits there.
	 */
	if (has_fd && fcntl((int)fd, F_GETFD) < 0) {
		fprintf(stderr, "meshvpn: %s: socket-fd %" PRIu64 ": %s\n", c->what,
			fd, strerror(errno));
		return 1;
	}
	if (resolve_dev(c, argv[0]))
		return 1;
	if (has_port) {
		own_fd = open_listen_socket(c, port);
		if (own_fd < 0)
			return 1;
		fd = (uint64_t)own_fd;
		has_fd = true;
	}
	if (open_genl(c)) {
		if (own_fd >= 0)
			close(own_fd);
		return 1;
	}
	nlh = request(c, MESHVPN_CMD_DEV_SET, 0);
	mv_meshvpn_put_dev(nlh, has_id ? id : 0, has_fd ? (int)fd : -1);
	ret = simple_request(c, nlh);
	if (own_fd >= 0)
		close(own_fd);
	mv_nl_close(&c->nl);
	return ret;
}

int mv_cmd_link(const struct mv_opts *opts, int argc, char **argv)
{
	struct cmd c = { .name = "link", .what = "link show", .json = opts->json };

	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return link_show(&c, argc ? argc - 1 : 0, argv + 1);
	if (!strcmp(argv[0], "set")) {
		c.what = "link set";
		return link_set(&c, argc - 1, argv + 1);
	}
	c.what = "link";
	return usage_error(&c, "unknown command \"%s\"", argv[0]);
}

/* ---- node ---- */

struct node_args {
	uint64_t id;
	bool has_endpoint, has_via, has_keepalive;
	struct mv_meshvpn_endpoint ep;
	uint64_t via;
	uint32_t keepalive;
};

static int parse_node_args(struct cmd *c, int argc, char **argv,
			   struct node_args *a)
{
	char err[MV_ARG_ERRLEN];
	uint64_t v;
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];

		if (i + 1 >= argc)
			return usage_error(c, "\"%s\" needs a value", key);
		if (!strcmp(key, "endpoint") && !a->has_endpoint) {
			if (mv_parse_endpoint(val, &a->ep, err, sizeof(err)))
				return usage_error(c, "%s", err);
			a->has_endpoint = true;
		} else if (!strcmp(key, "via") && !a->has_via) {
			/* "via direct" goes back to the node's own endpoint. */
			if (!strcmp(val, "direct"))
				a->via = a->id;
			else if (parse_id_arg(c, val, &a->via))
				return 2;
			a->has_via = true;
		} else if (!strcmp(key, "keepalive") && !a->has_keepalive) {
			if (mv_parse_uint(val, 3600, &v, err, sizeof(err)))
				return usage_error(c, "keepalive: %s", err);
			a->keepalive = (uint32_t)v;
			a->has_keepalive = true;
		} else {
			return usage_error(c, "unexpected or repeated \"%s\"", key);
		}
	}
	return 0;
}

static int node_add_set(struct cmd *c, uint8_t op, int argc, char **argv)
{
	struct node_args a = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	if (argc < 2)
		return usage_error(c, "missing %s", argc ? "ID" : "DEV and ID");
	if (parse_id_arg(c, argv[1], &a.id))
		return 2;
	ret = parse_node_args(c, argc - 2, argv + 2, &a);
	if (ret)
		return ret;
	if (op == MESHVPN_CMD_NODE_SET &&
	    !a.has_endpoint && !a.has_via && !a.has_keepalive)
		return usage_error(c, "nothing to change");
	if (resolve_dev(c, argv[0]) || open_genl(c))
		return 1;

	nlh = request(c, op, 0);
	nest = mnl_attr_nest_start(nlh, MESHVPN_A_NODE);
	mnl_attr_put_u64(nlh, MESHVPN_A_NODE_ID, a.id);
	if (a.has_endpoint)
		mv_meshvpn_put_endpoint(nlh, a.ep.family, a.ep.addr,
					htons(a.ep.port), a.ep.scope_id);
	if (a.has_via)
		mnl_attr_put_u64(nlh, MESHVPN_A_NODE_NEXT_HOP, a.via);
	if (a.has_keepalive)
		mnl_attr_put_u32(nlh, MESHVPN_A_NODE_KEEPALIVE, a.keepalive);
	mnl_attr_nest_end(nlh, nest);
	ret = simple_request(c, nlh);
	mv_nl_close(&c->nl);
	return ret;
}

static int node_del(struct cmd *c, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint64_t id;
	int ret;

	if (argc != 2)
		return usage_error(c, argc < 2 ? "missing DEV or ID" : "too many arguments");
	if (parse_id_arg(c, argv[1], &id))
		return 2;
	if (resolve_dev(c, argv[0]) || open_genl(c))
		return 1;
	nlh = request(c, MESHVPN_CMD_NODE_DEL, 0);
	mv_meshvpn_put_node_id(nlh, id);
	ret = simple_request(c, nlh);
	mv_nl_close(&c->nl);
	return ret;
}

int mv_cmd_node(const struct mv_opts *opts, int argc, char **argv)
{
	struct cmd c = { .name = "node", .what = "node", .json = opts->json };

	if (argc == 0)
		return usage_error(&c, "missing command");
	if (!strcmp(argv[0], "add")) {
		c.what = "node add";
		return node_add_set(&c, MESHVPN_CMD_NODE_NEW, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "set")) {
		c.what = "node set";
		return node_add_set(&c, MESHVPN_CMD_NODE_SET, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")) {
		c.what = "node del";
		return node_del(&c, argc - 1, argv + 1);
	}
	return usage_error(&c, "unknown command \"%s\"", argv[0]);
}

/* ---- key ---- */

struct key_args {
	uint64_t node;
	bool has_slot, has_cipher, has_phase;
	uint32_t slot, cipher;
	uint8_t phase;
	const char *tx_file, *rx_file;
};

static int parse_key_args(struct cmd *c, int argc, char **argv,
			  struct key_args *a)
{
	char err[MV_ARG_ERRLEN];
	uint64_t v;
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val = argv[i + 1];

		if (i + 1 >= argc)
			return usage_error(c, "\"%s\" needs a value", key);
		if (!strcmp(key, "slot") && !a->has_slot) {
			if (mv_parse_slot(val, &a->slot, err, sizeof(err)))
				return usage_error(c, "%s", err);
			a->has_slot = true;
		} else if (!strcmp(key, "cipher") && !a->has_cipher) {
			if (mv_parse_cipher(val, &a->cipher, err, sizeof(err)))
				return usage_error(c, "%s", err);
			a->has_cipher = true;
		} else if (!strcmp(key, "phase") && !a->has_phase) {
			if (mv_parse_uint(val, 1, &v, err, sizeof(err)))
				return usage_error(c, "phase: %s", err);
			a->phase = (uint8_t)v;
			a->has_phase = true;
		} else if (!strcmp(key, "tx-key") && !a->tx_file) {
			a->tx_file = val;
		} else if (!strcmp(key, "rx-key") && !a->rx_file) {
			a->rx_file = val;
		} else {
			return usage_error(c, "unexpected or repeated \"%s\"", key);
		}
	}
	return 0;
}

static int key_add(struct cmd *c, int argc, char **argv)
{
	uint8_t tx[MESHVPN_KEY_LEN], rx[MESHVPN_KEY_LEN];
	struct key_args a = { 0 };
	char err[MV_ARG_ERRLEN];
	struct nlmsghdr *nlh;
	bool keyed;
	int ret;

	if (argc < 2)
		return usage_error(c, "missing %s", argc ? "NODE-ID" : "DEV and NODE-ID");
	if (parse_id_arg(c, argv[1], &a.node))
		return 2;
	ret = parse_key_args(c, argc - 2, argv + 2, &a);
	if (ret)
		return ret;
	if (!a.has_slot || !a.has_cipher || !a.has_phase)
		return usage_error(c, "slot, cipher and phase are required");
	keyed = a.cipher != MESHVPN_CIPHER_ALG_NONE;
	if (keyed && (!a.tx_file || !a.rx_file))
		return usage_error(c, "cipher %s needs tx-key and rx-key",
				   mv_cipher_alg_name(a.cipher));
	if (!keyed && (a.tx_file || a.rx_file))
		return usage_error(c, "cipher none takes no keys");
	if (keyed && !strcmp(a.tx_file, "-") && !strcmp(a.rx_file, "-"))
		return usage_error(c, "only one of tx-key and rx-key can be read from stdin");
	if (resolve_dev(c, argv[0]))
		return 1;

	/* Only now, with every argument checked, are keys read at all. */
	ret = 0;
	if (keyed && (mv_read_key_file(a.tx_file, tx, err, sizeof(err)) ||
		      mv_read_key_file(a.rx_file, rx, err, sizeof(err)))) {
		fprintf(stderr, "meshvpn: %s: %s\n", c->what, err);
		ret = 1;
	}
	if (!ret && open_genl(c))
		ret = 1;
	if (!ret) {
		nlh = request(c, MESHVPN_CMD_KEY_NEW, 0);
		mv_meshvpn_put_key(nlh, a.node, a.slot, a.cipher, a.phase, tx, rx);
		ret = simple_request(c, nlh);
	}
	/* The request buffer held the keys too: closing wipes it. */
	mv_nl_close(&c->nl);
	OPENSSL_cleanse(tx, sizeof(tx));
	OPENSSL_cleanse(rx, sizeof(rx));
	return ret;
}

static int key_swap_del(struct cmd *c, uint8_t op, int argc, char **argv)
{
	struct key_args a = { 0 };
	struct nlmsghdr *nlh;
	int ret;

	if (argc < 2)
		return usage_error(c, "missing %s", argc ? "NODE-ID" : "DEV and NODE-ID");
	if (parse_id_arg(c, argv[1], &a.node))
		return 2;
	if (op == MESHVPN_CMD_KEY_SWAP && argc > 2)
		return usage_error(c, "unexpected \"%s\"", argv[2]);
	if (op == MESHVPN_CMD_KEY_DEL) {
		ret = parse_key_args(c, argc - 2, argv + 2, &a);
		if (ret)
			return ret;
		if (!a.has_slot || a.has_cipher || a.has_phase || a.tx_file || a.rx_file)
			return usage_error(c, "want exactly: slot current|next");
	}
	if (resolve_dev(c, argv[0]) || open_genl(c))
		return 1;
	nlh = request(c, op, 0);
	mv_meshvpn_put_key_slot(nlh, a.node,
				op == MESHVPN_CMD_KEY_DEL ? (int)a.slot : -1);
	ret = simple_request(c, nlh);
	mv_nl_close(&c->nl);
	return ret;
}

int mv_cmd_key(const struct mv_opts *opts, int argc, char **argv)
{
	struct cmd c = { .name = "key", .what = "key", .json = opts->json };

	if (argc == 0)
		return usage_error(&c, "missing command");
	if (!strcmp(argv[0], "add")) {
		c.what = "key add";
		return key_add(&c, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "swap")) {
		c.what = "key swap";
		return key_swap_del(&c, MESHVPN_CMD_KEY_SWAP, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")) {
		c.what = "key del";
		return key_swap_del(&c, MESHVPN_CMD_KEY_DEL, argc - 1, argv + 1);
	}
	return usage_error(&c, "unknown command \"%s\"", argv[0]);
}

/* ---- route ---- */

static int route_add_del(struct cmd *c, uint8_t op, int argc, char **argv)
{
	char err[MV_ARG_ERRLEN];
	struct mv_meshvpn_prefix p;
	struct nlmsghdr *nlh;
	uint64_t node = 0;
	int ret;

	if (argc < 2)
		return usage_error(c, "missing %s", argc ? "PREFIX" : "DEV and PREFIX");
	if (mv_parse_prefix(argv[1], &p, err, sizeof(err)))
		return usage_error(c, "%s", err);
	if (argc == 4 && !strcmp(argv[2], "node")) {
		if (parse_id_arg(c, argv[3], &node))
			return 2;
	} else if (argc != 2) {
		return usage_error(c, "unexpected \"%s\"", argv[2]);
	}
	if (op == MESHVPN_CMD_ROUTE_NEW && !node)
		return usage_error(c, "missing node ID");
	if (resolve_dev(c, argv[0]) || open_genl(c))
		return 1;
	nlh = request(c, op, 0);
	mv_meshvpn_put_route(nlh, node, p.family, p.addr, (uint8_t)p.len);
	ret = simple_request(c, nlh);
	mv_nl_close(&c->nl);
	return ret;
}

static int route_show(struct cmd *c, int argc, char **argv)
{
	struct link_info li = { 0 };
	struct show s = { c, &li, NULL };
	char buf[MV_PREFIX_STRLEN], id[MV_NODE_ID_STRLEN];
	struct mv_json j;
	size_t i;
	int ret;

	mv_strip_json(&c->json, &argc, argv);
	if (argc != 1)
		return usage_error(c, argc ? "too many arguments" : "missing DEV");
	if (resolve_dev(c, argv[0]) || open_genl(c))
		return 1;
	li.ifindex = c->ifindex;
	ret = get_dev(&s);
	if (!ret)
		ret = dump(&s, MESHVPN_CMD_ROUTE_GET, route_dump_cb, reset_routes);
	if (ret) {
		ret = kernel_error(c, ret);
		goto out;
	}
	qsort(li.routes, li.n_routes, sizeof(*li.routes), cmp_route);
	if (c->json) {
		mv_json_init(&j, stdout, true);
		json_routes(&j, li.routes, li.n_routes);
		if (json_done(c, &j))
			ret = 1;
	} else {
		for (i = 0; i < li.n_routes; i++) {
			mv_format_prefix(&li.routes[i].prefix, buf, sizeof(buf));
			mv_format_node_id(li.routes[i].node_id, id);
			printf("%s node %s\n", buf, id);
		}
	}
out:
	link_info_free(&li);
	mv_nl_close(&c->nl);
	return ret;
}

int mv_cmd_route(const struct mv_opts *opts, int argc, char **argv)
{
	struct cmd c = { .name = "route", .what = "route", .json = opts->json };

	if (argc == 0)
		return usage_error(&c, "missing command");
	if (!strcmp(argv[0], "add")) {
		c.what = "route add";
		return route_add_del(&c, MESHVPN_CMD_ROUTE_NEW, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")) {
		c.what = "route del";
		return route_add_del(&c, MESHVPN_CMD_ROUTE_DEL, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "show") || !strcmp(argv[0], "list")) {
		c.what = "route show";
		return route_show(&c, argc - 1, argv + 1);
	}
	return usage_error(&c, "unknown command \"%s\"", argv[0]);
}

/* ---- monitor ---- */

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

struct event {
	const char *name;
	char node[MV_NODE_ID_STRLEN];
	bool has_endpoint;
	struct mv_meshvpn_endpoint ep;
	const char *slot, *reason;
	char slot_buf[16], reason_buf[16];
};

static int parse_event(struct cmd *c, uint8_t op, const struct nlattr **tb,
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

static void print_event(const struct cmd *c, uint32_t ifindex,
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
	printf("%s: %s node %s", printable(name, safe, sizeof(safe)), ev->name, ev->node);
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
	struct cmd *c = data;
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
	ret = mv_meshvpn_parse(&c->nl, nlh, genl->cmd, c->ifindex, tb);
	if (!ret) {
		ifindex = mnl_attr_get_u32(tb[MESHVPN_A_IFINDEX]);
		if (c->filter && ifindex != c->filter)
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
	struct cmd c = { .name = "monitor", .what = "monitor", .json = opts->json };
	struct sigaction sa = { .sa_handler = monitor_signal };
	struct sigaction old_int, old_term;
	sigset_t block, orig;
	struct pollfd pfd;
	int ret = 0, status = 0;

	mv_strip_json(&c.json, &argc, argv);
	if (argc > 1)
		return usage_error(&c, "unexpected \"%s\"", argv[1]);
	if (argc == 1 && resolve_dev(&c, argv[0]))
		return 1;
	/* Notifications are for any device: filter, do not insist. */
	c.filter = c.ifindex;
	c.ifindex = 0;
	if (open_genl(&c))
		return 1;
	if (!c.nl.events_group) {
		fprintf(stderr, "meshvpn: monitor: the module has no \"%s\" group\n",
			MESHVPN_MCGRP_EVENTS);
		mv_nl_close(&c.nl);
		return 1;
	}
	ret = mv_nl_subscribe(&c.nl, c.nl.events_group);
	if (ret) {
		mv_nl_perror(NULL, "monitor: subscribing to events", ret);
		mv_nl_close(&c.nl);
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

	pfd.fd = mnl_socket_get_fd(c.nl.sock);
	pfd.events = POLLIN;
	while (!monitor_stop) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			mv_nl_perror(NULL, c.what, -errno);
			status = 1;
			break;
		}
		ret = mv_nl_recv_events(&c.nl, event_cb, &c);
		if (ret == -ENOBUFS) {
			/* The socket overflowed; later events still come. */
			fprintf(stderr, "meshvpn: monitor: events lost (receive buffer full)\n");
			continue;
		}
		if (ret && ret != -EINTR && ret != -EAGAIN) {
			mv_nl_perror(&c.nl, c.what, ret);
			status = 1;
			break;
		}
	}

	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	mv_nl_close(&c.nl);
	return status;
}
