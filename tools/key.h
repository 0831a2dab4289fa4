/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn key add|swap|del DEV NODE-ID ...: the two session key slots of a
 * node in meshvpn.ko.
 */
#ifndef MESHVPN_TOOL_KEY_H
#define MESHVPN_TOOL_KEY_H

#include "command.h"

int mv_cmd_key(const struct mv_opts *opts, int argc, char **argv);

#endif /* MESHVPN_TOOL_KEY_H */
