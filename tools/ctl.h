/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The meshvpn tool's commands on a running meshvpnd, over its control
 * socket (Documentation/control.md): dump, info, debug, reload, restart, retry,
 * purge and stop.
 */
#ifndef MESHVPN_TOOL_CTL_H
#define MESHVPN_TOOL_CTL_H

#include <stdbool.h>
#include <stdio.h>

#include "command.h"

int mv_cmd_dump(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_info(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_status(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_debug(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_reload(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_restart(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_retry(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_purge(const struct mv_opts *opts, int argc, char **argv);
int mv_cmd_stop(const struct mv_opts *opts, int argc, char **argv);

/*
 * The usage of meshvpnd command @cmd, or of all of them as a section of
 * the tool's usage when @cmd is NULL.
 */
void mv_ctl_usage(FILE *f, const char *cmd);
/* Whether @cmd names a meshvpnd command. */
bool mv_ctl_is_command(const char *cmd);
/*
 * @fn for each running meshvpnd with a control socket in the default
 * folder, with its data path ("userspace", "kernel") and interface, as its
 * `dataplane` request answers; daemons that do not answer are skipped.
 */
void mv_ctl_each_daemon(void (*fn)(void *ctx, const char *socket,
				   const char *dataplane, const char *ifname),
			void *ctx);

#endif /* MESHVPN_TOOL_CTL_H */
