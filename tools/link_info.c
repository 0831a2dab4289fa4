// SPDX-License-Identifier: GPL-2.0
/*
 * What link show and route show collect from meshvpn.ko; see link_info.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "args.h"
#include "lib/array.h"
#include "link_info.h"

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

/* ---- one link: dev-get, key-get and the dumps ---- */

/* A request's reply: the command, and where the object it carries goes. */
struct reply {
	struct mv_kcmd *c;
	void *out;
};

static int dev_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	return mv_meshvpn_dev_reply(&r->c->nl, nlh, r->c->ifindex, r->out);
}

static int key_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	struct mv_key_info *key = r->out;
	struct mv_meshvpn_key k;
	int ret;

	ret = mv_meshvpn_key_reply(&r->c->nl, nlh, r->c->ifindex, &k);
	if (ret)
		return ret;
	/* A slot without a cipher holds no key. */
	if (!k.has_cipher) {
		key->state = MV_KEY_EMPTY;
		return 0;
	}
	key->state = MV_KEY_SET;
	key->cipher = k.cipher_alg;
	key->phase = k.phase;
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	const struct mv_node_info *x = a, *y = b;

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

/* A dump of nodes or routes, into a growing array. */
struct dump {
	struct mv_kcmd *c;
	const char *what;	/* "node", "route": in messages */
	uint8_t cmd;
	size_t size;		/* of an entry */
	/* Decode the reply @nlh into the zeroed @entry. */
	int (*decode)(struct mv_kcmd *c, const struct nlmsghdr *nlh, void *entry);
	int (*cmp)(const void *a, const void *b);	/* their order */
	bool has_count;		/* whether dev-get counted the entries, */
	uint32_t count;		/* and how many */
	void *v;		/* the entries */
	size_t n;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	size_t max = d->has_count ? (size_t)d->count + DUMP_SLACK : DUMP_MAX_ENTRIES;
	void *grown, *entry;
	int ret;

	if (d->n >= max) {
		mv_nl_set_msg(&d->c->nl, "the kernel's %s dump does not end (%zu %ss, %u expected)",
			      d->what, d->n, d->what, d->count);
		return -EPROTO;
	}
	grown = mv_array_grow(d->v, d->n, d->size);
	if (!grown)
		return -ENOMEM;
	d->v = grown;
	entry = (char *)d->v + d->n * d->size;
	memset(entry, 0, d->size);
	ret = d->decode(d->c, nlh, entry);
	if (ret)
		return ret;
	d->n++;
	return 0;
}

/* Run dump @d, again while it races with changes, and sort what came. */
static int run_dump(struct dump *d)
{
	struct nlmsghdr *nlh;
	int ret = -EINTR, i;

	for (i = 0; i < DUMP_ATTEMPTS && ret == -EINTR; i++) {
		d->n = 0;
		nlh = mv_kcmd_request(d->c, d->cmd, NLM_F_DUMP);
		ret = mv_nl_request(&d->c->nl, nlh, dump_cb, d);
	}
	if (!ret && d->n)
		qsort(d->v, d->n, d->size, d->cmp);
	return ret;
}

static int decode_node(struct mv_kcmd *c, const struct nlmsghdr *nlh, void *entry)
{
	struct mv_node_info *ni = entry;

	return mv_meshvpn_node_reply(&c->nl, nlh, c->ifindex, &ni->node);
}

static int decode_route(struct mv_kcmd *c, const struct nlmsghdr *nlh, void *entry)
{
	return mv_meshvpn_route_reply(&c->nl, nlh, c->ifindex, entry);
}

/* The nodes of li->ifindex, by node id. */
static int dump_nodes(struct mv_kcmd *c, struct mv_link_info *li)
{
	struct dump d = {
		.c = c, .what = "node", .cmd = MESHVPN_CMD_NODE_GET,
		.size = sizeof(*li->nodes), .decode = decode_node, .cmp = cmp_node,
		.has_count = li->dev.has_node_count, .count = li->dev.node_count,
		.v = li->nodes,
	};
	int ret = run_dump(&d);

	li->nodes = d.v;
	li->n_nodes = d.n;
	return ret;
}

/* The routes of li->ifindex, by node id, then prefix. */
static int dump_routes(struct mv_kcmd *c, struct mv_link_info *li)
{
	struct dump d = {
		.c = c, .what = "route", .cmd = MESHVPN_CMD_ROUTE_GET,
		.size = sizeof(*li->routes), .decode = decode_route, .cmp = cmp_route,
		.has_count = li->dev.has_route_count, .count = li->dev.route_count,
		.v = li->routes,
	};
	int ret = run_dump(&d);

	li->routes = d.v;
	li->n_routes = d.n;
	return ret;
}

/* Tell about a part of the link the module cannot report yet. */
static void unsupported(struct mv_kcmd *c, const struct mv_link_info *li,
			const char *part, int err)
{
	char what[128], safe[IF_NAMESIZE + 8];

	snprintf(what, sizeof(what), "%s: %s: %s", c->what,
		 mv_printable(li->name, safe, sizeof(safe)), part);
	mv_nl_perror(&c->nl, what, err);
}

static int get_key(struct mv_kcmd *c, uint64_t id, uint32_t slot,
		   struct mv_key_info *key)
{
	struct reply r = { c, key };
	struct nlmsghdr *nlh;
	int ret;

	nlh = mv_kcmd_request(c, MESHVPN_CMD_KEY_GET, 0);
	mv_meshvpn_put_key_slot(nlh, id, (int)slot);
	key->state = MV_KEY_UNKNOWN;
	ret = mv_nl_request(&c->nl, nlh, key_cb, &r);
	/* An empty slot, or a node deleted since the dump. */
	if (ret == -ENOENT) {
		key->state = MV_KEY_EMPTY;
		ret = 0;
	}
	return ret;
}

/* dev-get for li->ifindex, which becomes c->ifindex. */
static int get_dev(struct mv_kcmd *c, struct mv_link_info *li)
{
	struct reply r = { c, &li->dev };
	struct nlmsghdr *nlh;

	c->ifindex = li->ifindex;
	nlh = mv_kcmd_request(c, MESHVPN_CMD_DEV_GET, 0);
	return mv_nl_request(&c->nl, nlh, dev_cb, &r);
}

int mv_link_collect(struct mv_kcmd *c, struct mv_link_info *li)
{
	size_t i;
	uint32_t slot;
	int ret;

	ret = get_dev(c, li);
	if (ret)
		return ret;

	ret = dump_nodes(c, li);
	if (ret == -EOPNOTSUPP)
		unsupported(c, li, "nodes", ret);
	else if (ret)
		return ret;
	li->have_nodes = !ret;

	ret = dump_routes(c, li);
	if (ret == -EOPNOTSUPP)
		unsupported(c, li, "routes", ret);
	else if (ret)
		return ret;
	li->have_routes = !ret;

	li->have_keys = li->have_nodes;
	for (i = 0; i < li->n_nodes && li->have_keys; i++) {
		for (slot = 0; slot < 2; slot++) {
			ret = get_key(c, li->nodes[i].node.id, slot,
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

int mv_link_collect_routes(struct mv_kcmd *c, struct mv_link_info *li)
{
	return get_dev(c, li) ?: dump_routes(c, li);
}

void mv_link_info_free(struct mv_link_info *li)
{
	free(li->nodes);
	free(li->routes);
	li->nodes = NULL;
	li->routes = NULL;
	li->n_nodes = li->n_routes = 0;
}

/* ---- the meshvpn links, over rtnetlink ---- */

struct link_list {
	struct mv_nl *nl;
	struct mv_link_info *v;
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
	struct mv_link_info *li;
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
	const struct mv_link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int mv_link_list(struct mv_kcmd *c, struct mv_link_info **links, size_t *n)
{
	struct link_list l = { 0 };
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
	l.nl = &rt;
	ret = -EINTR;
	for (i = 0; i < DUMP_ATTEMPTS && ret == -EINTR; i++) {
		l.n = 0;
		nlh = mv_nl_msg(&rt, RTM_GETLINK, NLM_F_DUMP);
		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = AF_UNSPEC;
		/* The kernel filters by kind; the callback checks it anyway. */
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, MESHVPN_FAMILY_NAME);
		mnl_attr_nest_end(nlh, nest);
		ret = mv_nl_request(&rt, nlh, rtlink_cb, &l);
	}
	if (ret) {
		mv_nl_perror(&rt, c->what, ret);
		mv_nl_close(&rt);
		free(l.v);
		return 1;
	}
	mv_nl_close(&rt);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_ifindex);
	*links = l.v;
	*n = l.n;
	return 0;
}
