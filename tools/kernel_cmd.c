// SPDX-License-Identifier: GPL-2.0
/*
 * What the meshvpn tool's commands on meshvpn.ko share; see kernel_cmd.h.
 */
#include <net/if.h>
#include <string.h>

#include "args.h"
#include "kernel_cmd.h"
#include "lib/array.h"

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

bool mv_kcmd_is_command(const char *cmd)
{
	return mv_find_usage(usages, ARRAY_SIZE(usages), cmd) != NULL;
}

void mv_kcmd_usage(FILE *f, const char *cmd)
{
	if (cmd) {
		mv_print_usage(f, usages, ARRAY_SIZE(usages), cmd,
			       "Usage: meshvpn ", "       meshvpn ");
		return;
	}
	fputs("\nCommands to meshvpn.ko itself, over generic netlink (as ip and wg):\n\n", f);
	mv_print_usages(f, usages, ARRAY_SIZE(usages), "       meshvpn ");
	fputs("\nNode ids are hexadecimal (1 to fffffffffffe). Keys are read from files,\n"
	      "or stdin for '-', as 64 hex digits.\n", f);
}

int mv_kcmd_parse_id(const struct mv_kcmd *c, const char *s, uint64_t *id)
{
	char err[MV_ARG_ERRLEN];

	if (mv_parse_node_id(s, id, err, sizeof(err)))
		return mv_kcmd_usage_error(c, "%s", err);
	return 0;
}

int mv_kcmd_resolve_dev(struct mv_kcmd *c, const char *dev)
{
	char safe[IF_NAMESIZE + 8];

	c->ifindex = strlen(dev) < IF_NAMESIZE ? if_nametoindex(dev) : 0;
	if (!c->ifindex) {
		fprintf(stderr, "meshvpn: %s: %s: no such device\n", c->what,
			mv_printable(dev, safe, sizeof(safe)));
		return 1;
	}
	return 0;
}

int mv_kcmd_open(struct mv_kcmd *c)
{
	int ret = mv_genl_open(&c->nl, MESHVPN_FAMILY_NAME, MESHVPN_MCGRP_EVENTS);

	if (ret) {
		mv_nl_perror(&c->nl, c->what, ret);
		return 1;
	}
	return 0;
}

int mv_kcmd_error(struct mv_kcmd *c, int err)
{
	mv_nl_perror(&c->nl, c->what, err);
	return 1;
}

struct nlmsghdr *mv_kcmd_request(struct mv_kcmd *c, uint8_t op, uint16_t flags)
{
	return mv_meshvpn_msg(&c->nl, op, flags, c->ifindex);
}

int mv_kcmd_send(struct mv_kcmd *c, struct nlmsghdr *nlh)
{
	int ret = mv_nl_request(&c->nl, nlh, NULL, NULL);

	ret = ret ? mv_kcmd_error(c, ret) : 0;
	mv_nl_close(&c->nl);
	return ret;
}

int mv_kcmd_pairs(struct mv_kcmd *c, int argc, char **argv,
		  int (*take)(struct mv_kcmd *c, const char *key,
			      const char *val, void *arg),
		  void *arg)
{
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return mv_kcmd_usage_error(c, "\"%s\" needs a value", argv[i]);
		ret = take(c, argv[i], argv[i + 1], arg);
		if (ret)
			return ret;
	}
	return 0;
}

int mv_kcmd_dispatch(struct mv_kcmd *c, const struct mv_kcmd_sub *subs,
		     size_t n, int argc, char **argv)
{
	size_t i;

	if (argc == 0)
		return mv_kcmd_usage_error(c, "missing command");
	for (i = 0; i < n; i++) {
		if (strcmp(argv[0], subs[i].word) &&
		    (!subs[i].alias || strcmp(argv[0], subs[i].alias)))
			continue;
		c->what = subs[i].what;
		return subs[i].run(c, subs[i].op, argc - 1, argv + 1);
	}
	return mv_kcmd_usage_error(c, "unknown command \"%s\"", argv[0]);
}
