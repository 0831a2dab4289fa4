/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What link show and route show print with --json: for scripts, so the
 * keys and their meaning stay as Documentation/man/meshvpn.8.md has them.
 */
#ifndef MESHVPN_TOOL_LINK_JSON_H
#define MESHVPN_TOOL_LINK_JSON_H

#include <stddef.h>

#include "lib/json.h"
#include "link_info.h"

/* Link @li as an object, with its nodes, keys and routes. */
void mv_link_json(struct mv_json *j, const struct mv_link_info *li);
/* An array of routes, each {"prefix", "node"}. */
void mv_link_json_routes(struct mv_json *j, const struct mv_meshvpn_route *routes,
			 size_t n);
/*
 * Finish the document; returns non-zero on failure. An invalid document
 * (a bug) is reported here as command @what's; a write error is left to
 * main(), which reports every failed write to stdout.
 */
int mv_link_json_done(const char *what, struct mv_json *j);

#endif /* MESHVPN_TOOL_LINK_JSON_H */
