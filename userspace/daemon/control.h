/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket (Documentation/control.md): the requests of the
 * meshvpn tool, served side by side on the event loop, and the dumps
 * also written to the log on SIGUSR1/SIGUSR2.
 */
#ifndef MESHVPN_CONTROL_H
#define MESHVPN_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct mv_daemon;

int mv_control_open(struct mv_daemon *d);
void mv_control_close(struct mv_daemon *d);
void mv_dump_log(struct mv_daemon *d, bool nodes);
/*
 * Cut the request line out of the @len bytes received in @buf (which hold
 * a '\n'): end it at the '\n', without a '\r' before it. 0, or -EINVAL
 * with the reason in @err when there is no '\n' or the line holds a NUL or
 * another control character.
 */
int mv_control_take_line(char *buf, size_t len, char *err, size_t errlen);
/*
 * Execute one control request (@line, without its newline; split in
 * place): 0 with the answer written to @f, or -errno with the reason in
 * @err.
 */
int mv_control_execute(struct mv_daemon *d, char *line, FILE *f, char *err,
		       size_t errlen);

#endif /* MESHVPN_CONTROL_H */
