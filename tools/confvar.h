/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshvpn get/set/add/del VARIABLE [VALUE]: one configuration variable of
 * the network, in meshvpn.conf or the node's hosts/NAME, as tinc 1.1.
 */
#ifndef MESHVPN_TOOL_CONFVAR_H
#define MESHVPN_TOOL_CONFVAR_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"

/* @cmd: "get", "set", "add" or "del". */
int mv_cmd_confvar(const struct mv_opts *opts, const char *cmd, int argc,
		   char **argv);
void mv_confvar_usage(FILE *f, const char *cmd);
bool mv_confvar_is_command(const char *cmd);

#endif /* MESHVPN_TOOL_CONFVAR_H */
