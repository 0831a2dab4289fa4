/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What link show and route show print without --json: labelled lines per
 * link and per node, as wg show does, on stdout.
 */
#ifndef MESHVPN_TOOL_LINK_PRINT_H
#define MESHVPN_TOOL_LINK_PRINT_H

#include <stddef.h>

#include "link_info.h"

/* Link @li, with its nodes, their routes and keys. */
void mv_link_print(const struct mv_link_info *li);
/* One "PREFIX node ID" line per route, each after @indent. */
void mv_link_print_routes(const struct mv_meshvpn_route *routes, size_t n,
			  const char *indent);

#endif /* MESHVPN_TOOL_LINK_PRINT_H */
