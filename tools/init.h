/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn init: a new network directory for one node (tinc 1.1's `tinc
 * init`), without a daemon running.
 */
#ifndef MESHVPN_TOOL_INIT_H
#define MESHVPN_TOOL_INIT_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"

int mv_cmd_init(const struct mv_opts *opts, int argc, char **argv);
/* The usage of init (@cmd "init"), or its section of the tool's usage. */
void mv_init_usage(FILE *f, const char *cmd);
bool mv_init_is_command(const char *cmd);

#endif /* MESHVPN_TOOL_INIT_H */
