/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process-wide logger of meshvpnd, after tinc's: every message has a tinc
 * debug level and a syslog priority, and goes to stderr, syslog or a log
 * file.
 *
 * A message is shown when its level is at most the current level (0 by
 * default, set by -d, LogLevel or `meshvpn debug N`). The levels are
 * tinc's (Documentation/control.md, section 4):
 *
 *	0  always: start, stop, serious errors
 *	1  connections
 *	2  status: scripts, remote status messages
 *	3  protocol: every request sent or received
 *	4  meta: contents of the meta stream
 *	5  traffic: per-packet routing
 *
 * stderr and log file lines are "YYYY-MM-DD HH:MM:SS.mmm message" in local
 * time; log file lines also carry "ident[pid]: " after the time, as tinc's
 * log file does. Syslog gets "ident[pid]: message" with facility
 * LOG_DAEMON and the message's priority.
 *
 * Logging never stops the daemon: each line is one write(), shorter than
 * PIPE_BUF so lines of concurrent writers never interleave, and a log
 * destination that does not take a line at once (a stuck syslog daemon,
 * a full journal socket, a terminal on hold) loses the line instead of
 * blocking; with no syslog daemon at all, syslog lines go to stderr.
 * Lines longer than MV_LOG_LINE_MAX are cut and end in "...". Control
 * characters (but tab) print as '?', so that a string from the network
 * cannot forge log lines. mv_log() preserves errno, so it may sit
 * between a failing call and the code that reads errno, and formats "%m"
 * with the caller's errno.
 *
 * Before mv_log_open() (and after mv_log_close()) messages go to stderr
 * without an ident. The functions are not async-signal-safe: meshvpnd
 * receives signals through a signalfd. mv_log() may be called from any
 * thread; open, reopen and close belong to the main thread.
 */
#ifndef MESHVPN_LOG_H
#define MESHVPN_LOG_H

#include <syslog.h>

/* Longest line written, line end included; below PIPE_BUF (4096). */
#define MV_LOG_LINE_MAX		2048
/* Longest ident kept; longer ones are cut. */
#define MV_LOG_IDENT_MAX	32

enum mv_log_debug_level {
	MV_LOG_ALWAYS = 0,
	MV_LOG_CONNECTIONS = 1,
	MV_LOG_STATUS = 2,
	MV_LOG_PROTOCOL = 3,
	MV_LOG_META = 4,
	MV_LOG_TRAFFIC = 5,
};

enum mv_log_target {
	MV_LOG_STDERR,
	MV_LOG_SYSLOG,
	MV_LOG_FILE,
};

/*
 * Start logging to @target as @ident (e.g. "meshvpnd.NET"). @logfile is
 * the file for MV_LOG_FILE, opened for appending (created with mode
 * 0640) and ignored otherwise. Replaces any earlier target. Returns 0, or
 * -errno with the previous target left in place (-EINVAL for
 * MV_LOG_FILE without @logfile).
 */
int mv_log_open(const char *ident, enum mv_log_target target,
		const char *logfile);
/*
 * Reopen the log file by name, after logrotate renamed it (SIGHUP). Lines
 * written meanwhile go to the old file, never nowhere. Returns 0, or
 * -errno with the old file kept (and the failure logged to it). Other
 * targets need nothing: syslog lines are sent to /dev/log by name, so a
 * restarted syslog daemon gets them anyway.
 */
int mv_log_reopen(void);
/* Back to stderr without ident. */
void mv_log_close(void);

void mv_log_set_level(int level);
int mv_log_get_level(void);

void mv_log(int level, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define mv_err(...)		mv_log(MV_LOG_ALWAYS, LOG_ERR, __VA_ARGS__)
#define mv_warn(...)		mv_log(MV_LOG_ALWAYS, LOG_WARNING, __VA_ARGS__)
#define mv_notice(...)		mv_log(MV_LOG_ALWAYS, LOG_NOTICE, __VA_ARGS__)
#define mv_info(level, ...)	mv_log((level), LOG_INFO, __VA_ARGS__)
#define mv_debug(level, ...)	mv_log((level), LOG_DEBUG, __VA_ARGS__)

#endif /* MESHVPN_LOG_H */
