/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon: the layers below put together (the node table, the
 * topology, the protocol and the data plane, each a member of struct
 * mv_daemon), the ops tables that tie them to each other, the scripts,
 * start-up, reload and shutdown. Documentation/meshvpnd.md, section 1.
 *
 * Everything runs on one event loop (lib/event.h); no module keeps globals.
 */
#ifndef MESHVPN_DAEMON_H
#define MESHVPN_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "crypto/identity.h"
#include "daemon/script.h"
#include "dataplane/dataplane.h"
#include "dataplane/udp.h"
#include "lib/event.h"
#include "mesh/node.h"
#include "mesh/topology.h"
#include "proto/proto.h"

struct mv_ctl_client;

struct mv_daemon {
	struct mv_loop *loop;
	struct mv_config conf;
	char *confdir;
	char *netname;			/* "" without -n */
	struct mv_identity *key;

	/* the layers, lowest first */
	struct mv_nodes nodes;
	struct mv_topology topo;
	struct mv_proto proto;
	struct mv_dataplane dp;

	struct mv_scripts *scripts;

	int ctl_fd;
	struct mv_io ctl_io;
	struct mv_timer ctl_resume;	/* after accept() ran out of fds */
	struct mv_ctl_client *ctl_clients;	/* control.c */
	unsigned int n_ctl_clients;
	char *pidfile, *ctlpath;
	int pid_fd;			/* the pid file, locked (instance.h) */
	/*
	 * "meshvpn restart": the loop ends as with --keep-state and
	 * meshvpnd.c re-executes the daemon in place; the client that
	 * asked waits on restart_client_fd for the new image's verdict.
	 */
	bool restarting;
	int restart_client_fd;

	char *overrides;		/* "-o" lines, for reloads */
	size_t overrides_len;
	int sig_fd;
	struct mv_io sig_io;
	bool debug_raised;		/* SIGINT set level 5 ... */
	int saved_log_level;		/* ... and the next one restores this */

	struct mv_timer watchdog;	/* service.c: systemd's watchdog */
	unsigned int watchdog_ms;	/* 0: none asked for */

	int exit_status;
};

/* The daemon a node belongs to (for the daemon's own ops and dumps). */
static inline struct mv_daemon *mv_node_daemon(const struct mv_node *n)
{
	return (struct mv_daemon *)((char *)n->table -
				    offsetof(struct mv_daemon, nodes));
}

/*
 * The signals meshvpnd knows by name: what it does with each, and which
 * "meshvpnd -k" sends. The man page's SIGNALS and -k lists are checked
 * against this table (selftests/unit/test_man_names.c).
 */
enum mv_signal_action {
	MV_SIGNAL_DEFAULT,	/* left to the kernel (KILL) */
	MV_SIGNAL_HANDLED,	/* through the signalfd */
	MV_SIGNAL_IGNORED,	/* PIPE: write errors are handled where they occur */
};

struct mv_signal {
	const char *name;	/* without "SIG" */
	int signo;
	enum mv_signal_action action;
	bool by_kill;		/* meshvpnd -kNAME sends it */
};

extern const struct mv_signal mv_signals[];
extern const size_t mv_n_signals;

/* Room for a reload's verdict: a path, a line number and a message. */
#define MV_RELOAD_ERR_MAX	512

/* daemon.c */
/* meshvpn.conf with the "-o" options in d->overrides; warnings logged. */
int mv_daemon_load_config(struct mv_daemon *d, struct mv_config *conf);
/*
 * Put the layers together (each one's view of the others, and the ops
 * tables through which the lower ones report up) once d->loop, conf, key,
 * confdir and netname are set; 0 or -errno. mv_daemon_start() does it;
 * the fuzzers' node (selftests/fuzz/harness.c) too, so that what is
 * fuzzed is wired as what runs.
 */
int mv_daemon_assemble(struct mv_daemon *d);
int mv_daemon_start(struct mv_daemon *d);
void mv_daemon_after_events(void *ctx);	/* the event loop's hook */
/*
 * Reread the configuration, as on SIGHUP. Nothing changes unless all of
 * it parses: -EINVAL with the reason ("FILE:LINE: message") in @err.
 */
int mv_daemon_reload(struct mv_daemon *d, char *err, size_t errlen);
/* Signals through the event loop; after detaching (daemon.c says why). */
int mv_daemon_catch_signals(struct mv_daemon *d);
void mv_daemon_stop(struct mv_daemon *d);
void mv_daemon_shutdown(struct mv_daemon *d);
void mv_daemon_free(struct mv_daemon *d);
/* Run meshvpn-up/-down (or tinc-up/-down) and wait for it. */
int mv_run_sync_script(struct mv_daemon *d, const char *script);

#endif /* MESHVPN_DAEMON_H */
