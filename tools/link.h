/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn link show [DEV] and link set DEV ...: meshvpn links, with all
 * meshvpn.ko holds for them, and their node id and UDP socket.
 */
#ifndef MESHVPN_TOOL_LINK_H
#define MESHVPN_TOOL_LINK_H

#include "command.h"

int mv_cmd_link(const struct mv_opts *opts, int argc, char **argv);

#endif /* MESHVPN_TOOL_LINK_H */
