/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn node add|set|del DEV ID ...: a node of meshvpn.ko, its endpoint,
 * next hop and keepalive.
 */
#ifndef MESHVPN_TOOL_NODE_H
#define MESHVPN_TOOL_NODE_H

#include "command.h"

int mv_cmd_node(const struct mv_opts *opts, int argc, char **argv);

#endif /* MESHVPN_TOOL_NODE_H */
