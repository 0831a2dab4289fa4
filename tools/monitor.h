/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn monitor [DEV]: the notifications of meshvpn.ko, for one link or
 * all of them, as they come.
 */
#ifndef MESHVPN_TOOL_MONITOR_H
#define MESHVPN_TOOL_MONITOR_H

#include "command.h"

int mv_cmd_monitor(const struct mv_opts *opts, int argc, char **argv);

#endif /* MESHVPN_TOOL_MONITOR_H */
