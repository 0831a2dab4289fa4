// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn route add|del|show: the routes from inner prefixes to nodes
 * (route-new, route-del, route-get); see route.h.
 */
#include <stdint.h>
#include <string.h>

#include "args.h"
#include "kernel_cmd.h"
#include "lib/array.h"
#include "link_info.h"
#include "link_json.h"
#include "link_print.h"
#include "route.h"

static int route_add_del(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	char err[MV_ARG_ERRLEN];
	struct mv_meshvpn_prefix p;
	struct nlmsghdr *nlh;
	uint64_t node = 0;

	if (argc < 2)
		return mv_kcmd_usage_error(c, "missing %s", argc ? "PREFIX" : "DEV and PREFIX");
	if (mv_parse_prefix(argv[1], &p, err, sizeof(err)))
		return mv_kcmd_usage_error(c, "%s", err);
	if (argc == 4 && !strcmp(argv[2], "node")) {
		if (mv_kcmd_parse_id(c, argv[3], &node))
			return 2;
	} else if (argc != 2) {
		return mv_kcmd_usage_error(c, "unexpected \"%s\"", argv[2]);
	}
	if (op == MESHVPN_CMD_ROUTE_NEW && !node)
		return mv_kcmd_usage_error(c, "missing node ID");
	if (mv_kcmd_resolve_dev(c, argv[0]) || mv_kcmd_open(c))
		return 1;
	nlh = mv_kcmd_request(c, op, 0);
	mv_meshvpn_put_route(nlh, node, p.family, p.addr, (uint8_t)p.len);
	return mv_kcmd_send(c, nlh);
}

static int route_show(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct mv_link_info li = { 0 };
	struct mv_json j;
	int ret;

	(void)op;	/* 0: dev-get and route-get, mv_link_collect_routes() sends them */
	mv_strip_json(&c->json, &argc, argv);
	if (argc != 1)
		return mv_kcmd_usage_error(c, argc ? "too many arguments" : "missing DEV");
	if (mv_kcmd_resolve_dev(c, argv[0]) || mv_kcmd_open(c))
		return 1;
	li.ifindex = c->ifindex;
	ret = mv_link_collect_routes(c, &li);
	if (ret) {
		ret = mv_kcmd_error(c, ret);
		goto out;
	}
	if (c->json) {
		mv_json_init(&j, stdout, true);
		mv_link_json_routes(&j, li.routes, li.n_routes);
		if (mv_link_json_done(c->what, &j))
			ret = 1;
	} else {
		mv_link_print_routes(li.routes, li.n_routes, "");
	}
out:
	mv_link_info_free(&li);
	mv_nl_close(&c->nl);
	return ret;
}

int mv_cmd_route(const struct mv_opts *opts, int argc, char **argv)
{
	static const struct mv_kcmd_sub subs[] = {
		{ "add", NULL, "route add", route_add_del, MESHVPN_CMD_ROUTE_NEW },
		{ "del", "delete", "route del", route_add_del, MESHVPN_CMD_ROUTE_DEL },
		{ "show", "list", "route show", route_show, 0 },
	};
	struct mv_kcmd c = { .name = "route", .what = "route", .json = opts->json };

	return mv_kcmd_dispatch(&c, subs, ARRAY_SIZE(subs), argc, argv);
}
