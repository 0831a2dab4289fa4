// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn link show|set: the meshvpn links, everything meshvpn.ko holds
 * for them (dev-get and the dumps), and their node id and UDP socket
 * (dev-set); see link.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "args.h"
#include "kernel_cmd.h"
#include "lib/array.h"
#include "link.h"
#include "ctl.h"
#include "link_info.h"
#include "link_json.h"
#include "link_print.h"

/*
 * A meshvpnd on the userspace data path has a TUN device, which is not a
 * meshvpn link: say so, or `link show` would look as if nothing ran.
 */
static void note_tun(void *ctx, const char *socket, const char *dataplane,
		     const char *ifname)
{
	bool *printed = ctx;

	if (strcmp(dataplane, "userspace"))
		return;
	printf("%s%s: TUN device of meshvpnd (%s): the userspace data path, "
	       "not a meshvpn link\n", *printed ? "\n" : "", ifname, socket);
	*printed = true;
}

static int link_show(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct mv_link_info one = { 0 }, *listed = NULL, *links;
	struct mv_json j;
	int status = 0, ret;
	bool printed = false;
	size_t i, n = 0;

	(void)op;	/* 0: mv_link_list() and mv_link_collect() send the requests */
	mv_strip_json(&c->json, &argc, argv);
	if (argc > 1)
		return mv_kcmd_usage_error(c, "unexpected \"%s\"", argv[1]);
	if (argc == 1) {
		if (mv_kcmd_resolve_dev(c, argv[0]))
			return 1;
		one.ifindex = c->ifindex;
		snprintf(one.name, sizeof(one.name), "%s", argv[0]);
		links = &one;
		n = 1;
	} else {
		if (mv_link_list(c, &listed, &n))
			return 1;
		links = listed;
	}
	/* No link needs no module: nothing to show is not an error. */
	if (n && mv_kcmd_open(c)) {
		free(listed);
		return 1;
	}
	if (c->json) {
		mv_json_init(&j, stdout, true);
		mv_json_begin_array(&j);
	}
	for (i = 0; i < n; i++) {
		ret = mv_link_collect(c, &links[i]);
		/* A link deleted since the listing is simply gone. */
		if (ret == -ENODEV && argc == 0) {
			mv_link_info_free(&links[i]);
			continue;
		}
		if (ret) {
			status = mv_kcmd_error(c, ret);
			mv_link_info_free(&links[i]);
			continue;
		}
		if (c->json) {
			mv_link_json(&j, &links[i]);
		} else {
			if (printed)
				printf("\n");
			mv_link_print(&links[i]);
			printed = true;
		}
		mv_link_info_free(&links[i]);
	}
	if (c->json) {
		mv_json_end_array(&j);
		if (mv_link_json_done(c->what, &j))
			status = 1;
	} else if (argc == 0) {
		mv_ctl_each_daemon(note_tun, &printed);
	}
	free(listed);
	mv_nl_close(&c->nl);
	return status;
}

/*
 * A dual-stack UDP socket bound to @port, for `link set ... listen-port`:
 * the kernel keeps its own reference, so it outlives this process.
 */
static int open_listen_socket(struct mv_kcmd *c, uint64_t port)
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

/* What link set sets. */
struct link_args {
	bool has_id, has_fd, has_port;
	uint64_t id, fd, port;
};

/* One KEY VALUE pair of link set. */
static int take_link_arg(struct mv_kcmd *c, const char *key, const char *val,
			 void *arg)
{
	struct link_args *a = arg;
	char err[MV_ARG_ERRLEN];

	if (!strcmp(key, "node-id") && !a->has_id) {
		if (mv_kcmd_parse_id(c, val, &a->id))
			return 2;
		a->has_id = true;
	} else if (!strcmp(key, "socket-fd") && !a->has_fd && !a->has_port) {
		if (mv_parse_uint(val, INT32_MAX, &a->fd, err, sizeof(err)))
			return mv_kcmd_usage_error(c, "socket-fd: %s", err);
		a->has_fd = true;
	} else if (!strcmp(key, "listen-port") && !a->has_fd && !a->has_port) {
		if (mv_parse_uint(val, UINT16_MAX, &a->port, err, sizeof(err)) ||
		    !a->port)
			return mv_kcmd_usage_error(c, "listen-port: want 1 to 65535");
		a->has_port = true;
	} else {
		return mv_kcmd_usage_error(c, "unexpected or repeated \"%s\"", key);
	}
	return 0;
}

static int link_set(struct mv_kcmd *c, uint8_t op, int argc, char **argv)
{
	struct link_args a = { 0 };
	struct nlmsghdr *nlh;
	int own_fd = -1, ret;

	if (argc < 1)
		return mv_kcmd_usage_error(c, "missing DEV");
	ret = mv_kcmd_pairs(c, argc - 1, argv + 1, take_link_arg, &a);
	if (ret)
		return ret;
	if (!a.has_id && !a.has_fd && !a.has_port)
		return mv_kcmd_usage_error(c, "nothing to set");
	/*
	 * The kernel looks the number up in our file table: it must be a
	 * socket this process inherited (meshvpn link set ... socket-fd 3
	 * 3<>...), or the kernel would take whatever else sits there.
	 */
	if (a.has_fd && fcntl((int)a.fd, F_GETFD) < 0) {
		fprintf(stderr, "meshvpn: %s: socket-fd %" PRIu64 ": %s\n", c->what,
			a.fd, strerror(errno));
		return 1;
	}
	if (mv_kcmd_resolve_dev(c, argv[0]))
		return 1;
	if (a.has_port) {
		own_fd = open_listen_socket(c, a.port);
		if (own_fd < 0)
			return 1;
		a.fd = (uint64_t)own_fd;
		a.has_fd = true;
	}
	if (mv_kcmd_open(c)) {
		if (own_fd >= 0)
			close(own_fd);
		return 1;
	}
	nlh = mv_kcmd_request(c, op, 0);
	mv_meshvpn_put_dev(nlh, a.has_id ? a.id : 0, a.has_fd ? (int)a.fd : -1);
	ret = mv_kcmd_send(c, nlh);
	if (own_fd >= 0)
		close(own_fd);
	return ret;
}

int mv_cmd_link(const struct mv_opts *opts, int argc, char **argv)
{
	static const struct mv_kcmd_sub subs[] = {
		{ "show", "list", "link show", link_show, 0 },
		{ "set", NULL, "link set", link_set, MESHVPN_CMD_DEV_SET },
	};
	struct mv_kcmd c = { .name = "link", .what = "link", .json = opts->json };

	/* Without a subcommand: link show. */
	if (argc == 0) {
		c.what = "link show";
		return link_show(&c, 0, argc, argv);
	}
	return mv_kcmd_dispatch(&c, subs, ARRAY_SIZE(subs), argc, argv);
}
