/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What link show and route show collect from meshvpn.ko: which meshvpn
 * links there are, and for a link its device attributes, nodes with
 * their keys, and routes, as the shared decoders of meshvpn_nl.h read
 * them. Printing is link_print.h's and link_json.h's.
 */
#ifndef MESHVPN_TOOL_LINK_INFO_H
#define MESHVPN_TOOL_LINK_INFO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_cmd.h"

enum mv_key_state {
	MV_KEY_UNKNOWN,		/* not asked */
	MV_KEY_EMPTY,
	MV_KEY_SET,
};

struct mv_key_info {
	enum mv_key_state state;
	uint32_t cipher;	/* enum meshvpn_cipher_alg, when set */
	uint8_t phase;
};

/* A node of a link: the kernel's node and its two keys. */
struct mv_node_info {
	struct mv_meshvpn_node node;
	struct mv_key_info key[2];	/* by enum meshvpn_key_slot */
};

struct mv_link_info {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	struct mv_meshvpn_dev dev;
	/* false when the module cannot report them (EOPNOTSUPP) */
	bool have_nodes, have_routes, have_keys;
	struct mv_node_info *nodes;	/* by node id */
	size_t n_nodes;
	struct mv_meshvpn_route *routes;	/* by node id, then prefix */
	size_t n_routes;
};

/*
 * Every link of kind meshvpn in this network namespace, by ifindex, with
 * its ifindex and name, into *@links (freed by the caller). Returns 0, or
 * 1 after reporting the failure.
 */
int mv_link_list(struct mv_kcmd *c, struct mv_link_info **links, size_t *n);
/*
 * Collect everything about link li->ifindex into @li (c->ifindex becomes
 * it). Parts the module does not support yet are reported and left out;
 * any other failure is returned as a negative errno.
 */
int mv_link_collect(struct mv_kcmd *c, struct mv_link_info *li);
/* Only the device attributes and the routes, as mv_link_collect(). */
int mv_link_collect_routes(struct mv_kcmd *c, struct mv_link_info *li);
/* Free what mv_link_collect() allocated. */
void mv_link_info_free(struct mv_link_info *li);

#endif /* MESHVPN_TOOL_LINK_INFO_H */
