// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn node add|set|del: a node's entry in meshvpn.ko (node-new,
 * node-set, node-del); see node.h.
 */
#include <arpa/inet.h>
#include <string.h>

#include "args.h"
#include "kernel_cmd.h"
#include "lib/array.h"
#include "node.h"

struct node_args {
	uint64_t id;
	bool has_endpoint, has_via, has_keepalive;
	struct mv_meshvpn_endpoint ep;
	uint64_t via;
	uint32_t keepalive;
};

/* One KEY VALUE pair of node add|set. */
static int take_node_arg(struct mv_kcmd *c, const char *key, const char *val,
			 void *arg)
{
	struct node_args *a = arg;
	char err[MV_ARG_ERRLEN];
	uint64_t v;

	if (!strcmp(key, "endpoint") && !a->has_endpoint) {
		if (mv_parse_endpoint(val, &a->ep, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "%s", err);
		a->has_endpoint = true;
	} else if (!strcmp(key, "via") && !a->has_via) {
		/* "via direct" goes back to the node's own endpoint. */
		if (!strcmp(val, "direct"))
			a->via = a->id;
		else if (mv_kcmd_parse_id(c, val, &a->via))
			return 2;
		a->has_via = true;
	} else if (!strcmp(key, "keepalive") && !a->has_keepalive) {
		if (mv_parse_uint(val, 3600, &v, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "keepalive: %s", err);
		a->keepalive = (uint32_t)v;
		a->has_keepalive = true;
	} else {
		return mv_kcmd_usage_error(c, "unexpected or repeated \"%s\"", key);
	}
	return 0;
}

static int node_add_set(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct node_args a = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int ret;

	if (argc < 2)
		return mv_kcmd_usage_error(c, "missing %s", argc ? "ID" : "DEV and ID");
	if (mv_kcmd_parse_id(c, argv[1], &a.id))
		return 2;
	ret = mv_kcmd_pairs(c, argc - 2, argv + 2, take_node_arg, &a);
	if (ret)
		return ret;
	if (op == MESHVPN_CMD_NODE_SET &&
	    !a.has_endpoint && !a.has_via && !a.has_keepalive)
		return mv_kcmd_usage_error(c, "nothing to change");
	if (mv_kcmd_resolve_dev(c, argv[0]) || mv_kcmd_open(c))
		return 1;

	nlh = mv_kcmd_request(c, op, 0);
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
	return mv_kcmd_send(c, nlh);
}

static int node_del(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	uint64_t id;

	if (argc != 2)
		return mv_kcmd_usage_error(c, argc < 2 ? "missing DEV or ID" :
					   "too many arguments");
	if (mv_kcmd_parse_id(c, argv[1], &id))
		return 2;
	if (mv_kcmd_resolve_dev(c, argv[0]) || mv_kcmd_open(c))
		return 1;
	nlh = mv_kcmd_request(c, op, 0);
	mv_meshvpn_put_node_id(nlh, id);
	return mv_kcmd_send(c, nlh);
}

int mv_cmd_node(const struct mv_opts *opts, int argc, char **argv)
{
	static const struct mv_kcmd_sub subs[] = {
		{ "add", NULL, "node add", node_add_set, MESHVPN_CMD_NODE_NEW },
		{ "set", NULL, "node set", node_add_set, MESHVPN_CMD_NODE_SET },
		{ "del", "delete", "node del", node_del, MESHVPN_CMD_NODE_DEL },
	};
	struct mv_kcmd c = { .name = "node", .what = "node", .json = opts->json };

	return mv_kcmd_dispatch(&c, subs, ARRAY_SIZE(subs), argc, argv);
}
