/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the meshvpn tool's commands on meshvpn.ko (link, node, key, route,
 * monitor) share: their usage, and a command's state with the steps every
 * one of them takes: find the device, open the generic netlink socket,
 * send requests for the device, report failures.
 *
 * Arguments are checked completely before anything is sent, so a usage
 * error never leaves a half-applied change behind. Replies are checked
 * attribute by attribute and decoded by userspace/netlink/meshvpn_nl.h
 * before they are read.
 */
#ifndef MESHVPN_TOOL_KERNEL_CMD_H
#define MESHVPN_TOOL_KERNEL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "command.h"
#include "netlink/meshvpn_nl.h"

/* A command's state: what it is called in messages, and its socket. */
struct mv_kcmd {
	const char *name;	/* "link", "node", ...: selects the usage */
	const char *what;	/* "node add": the prefix of every message */
	bool json;
	uint32_t ifindex;	/* the device operated on; 0 for any */
	struct mv_nl nl;
};

/*
 * The usage of command @cmd, or the tool's whole usage, with these
 * commands, when @cmd is NULL.
 */
void mv_kcmd_usage(FILE *f, const char *cmd);
/* Whether @cmd names one of these commands. */
bool mv_kcmd_is_command(const char *cmd);

/* Report a usage error of command @c (a struct mv_kcmd); returns 2. */
#define mv_kcmd_usage_error(c, ...) \
	mv_usage_error(mv_kcmd_usage, (c)->name, (c)->what, __VA_ARGS__)

/* Node id @s into *@id; else a usage error, and 2. */
int mv_kcmd_parse_id(const struct mv_kcmd *c, const char *s, uint64_t *id);
/* Set c->ifindex to device @dev's; else report it, and return 1. */
int mv_kcmd_resolve_dev(struct mv_kcmd *c, const char *dev);
/* Open c->nl on the meshvpn family; else report why, and return 1. */
int mv_kcmd_open(struct mv_kcmd *c);
/* Report a failed request with the kernel's reason; returns 1. */
int mv_kcmd_error(struct mv_kcmd *c, int err);
/* Start a request of command @op for device c->ifindex. */
struct nlmsghdr *mv_kcmd_request(struct mv_kcmd *c, uint8_t op, uint16_t flags);
/*
 * Send the command's last request, which only expects an ack, and close
 * the socket, wiping the request; returns the exit status.
 */
int mv_kcmd_send(struct mv_kcmd *c, struct nlmsghdr *nlh);

/*
 * Words @argv as KEY VALUE pairs, each handed to @take, which returns 0,
 * or 2 after a usage error. A KEY without VALUE is a usage error. Returns
 * 0 or 2.
 */
int mv_kcmd_pairs(struct mv_kcmd *c, int argc, char **argv,
		  int (*take)(struct mv_kcmd *c, const char *key,
			      const char *val, void *arg),
		  void *arg);

/* A subcommand, "node add": { "add", NULL, "node add", node_add_set, op }. */
struct mv_kcmd_sub {
	const char *word;	/* after the command's name */
	const char *alias;	/* another word for it, or NULL */
	const char *what;	/* its name in messages */
	/* Run it on the words after @word, with @op below. */
	int (*run)(struct mv_kcmd *c, uint8_t op, int argc, char **argv);
	uint8_t op;		/* its request; 0 for show, which makes several */
};

/*
 * Run the subcommand of @subs (@n of them) that argv[0] names; else a
 * usage error. Returns the exit status.
 */
int mv_kcmd_dispatch(struct mv_kcmd *c, const struct mv_kcmd_sub *subs,
		     size_t n, int argc, char **argv);

#endif /* MESHVPN_TOOL_KERNEL_CMD_H */
