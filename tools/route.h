/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn route add|del|show DEV ...: meshvpn.ko's routes from inner
 * prefixes to nodes.
 */
#ifndef MESHVPN_TOOL_ROUTE_H
#define MESHVPN_TOOL_ROUTE_H

#include "command.h"

int mv_cmd_route(const struct mv_opts *opts, int argc, char **argv);

#endif /* MESHVPN_TOOL_ROUTE_H */
