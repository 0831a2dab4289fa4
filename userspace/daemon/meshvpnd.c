// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpnd: the mesh controller. Command line and signals as tinc 1.0's
 * tincd, start-up, reload and shutdown; everything else lives in the
 * modules listed in daemon.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

#include "config/keygen.h"
#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/instance.h"
#include "daemon/service.h"
#include "lib/log.h"

#ifndef MESHVPN_VERSION
#define MESHVPN_VERSION "0.1.0"
#endif


struct options {
	const char *confdir;
	const char *netname;
	bool foreground;
	int debug;		/* -1: the configuration's LogLevel, else 0 */
	bool generate;
	unsigned int bits;	/* 0: Ed25519 */
	int kill_signal;	/* 0: not -k */
	const char *pidfile;
	const char *logfile;
	bool use_logfile;
	bool mlock;
	bool keep_state;
	char *overrides;	/* "-o" lines */
	size_t overrides_len;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meshvpnd [option]...\n"
"\n"
"  -c, --config=DIR          Read configuration options from DIR.\n"
"  -D, --no-detach           Don't fork and detach.\n"
"  -d, --debug[=LEVEL]       Increase debug level or set it to LEVEL.\n"
"  -k, --kill[=SIGNAL]       Attempt to kill a running meshvpnd and exit.\n"
"  -n, --net=NETNAME         Connect to net NETNAME.\n"
"  -K, --generate-keys[=BITS]\n"
"                            Generate a key pair (Ed25519; RSA of BITS bits).\n"
"  -L, --mlock               Lock meshvpnd into main memory.\n"
"      --logfile[=FILENAME]  Write log entries to a logfile.\n"
"      --pidfile=FILENAME    Write PID and control socket next to FILENAME.\n"
"      --keep-state          On exit, leave meshvpn.ko forwarding with its keys.\n"
"  -o, --option=KEY=VALUE    Set a configuration option (before the files).\n"
"  -h, --help                Display this help and exit.\n"
"      --version             Output version information and exit.\n"
"\n"
"Signals: HUP reload, INT toggle debug level 5, TERM/QUIT exit, ALRM retry\n"
"connections now, USR1 dump connections, USR2 dump nodes, edges and subnets.\n");
}

/* -k's SIGNAL: a name of mv_signals[] (with or without SIG), or a number. */
static int parse_signal(const char *s)
{
	size_t i;

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < mv_n_signals; i++)
		if (mv_signals[i].by_kill && !strcasecmp(s, mv_signals[i].name))
			return mv_signals[i].signo;
	return atoi(s) > 0 && atoi(s) < NSIG ? atoi(s) : -1;
}

static int add_override(struct options *o, const char *arg)
{
	size_t len = strlen(arg);
	char *grown;

	if (!strchr(arg, '=') && !strchr(arg, ' ')) {
		fprintf(stderr, "meshvpnd: -o needs VARIABLE=VALUE, got \"%s\"\n", arg);
		return -1;
	}
	grown = realloc(o->overrides, o->overrides_len + len + 2);
	if (!grown)
		return -1;
	memcpy(grown + o->overrides_len, arg, len);
	grown[o->overrides_len + len] = '\n';
	o->overrides = grown;
	o->overrides_len += len + 1;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_PIDFILE = 256, OPT_LOGFILE, OPT_KEEP_STATE,
	       OPT_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "net", required_argument, NULL, 'n' },
		{ "no-detach", no_argument, NULL, 'D' },
		{ "debug", optional_argument, NULL, 'd' },
		{ "kill", optional_argument, NULL, 'k' },
		{ "generate-keys", optional_argument, NULL, 'K' },
		{ "mlock", no_argument, NULL, 'L' },
		{ "option", required_argument, NULL, 'o' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "logfile", optional_argument, NULL, OPT_LOGFILE },
		{ "keep-state", no_argument, NULL, OPT_KEEP_STATE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	int c;

	o->debug = -1;
	while ((c = getopt_long(argc, argv, "c:n:Dd::hk::K::Lo:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->confdir = optarg;
			break;
		case 'n':
			o->netname = optarg;
			break;
		case 'D':
			o->foreground = true;
			break;
		case 'd':
			if (optarg)
				o->debug = atoi(optarg);
			else
				o->debug = o->debug < 0 ? 1 : o->debug + 1;
			break;
		case 'k':
			o->kill_signal = optarg ? parse_signal(optarg) : SIGTERM;
			if (o->kill_signal < 0) {
				fprintf(stderr, "meshvpnd: unknown signal %s\n", optarg);
				return 1;
			}
			break;
		case 'K':
			o->generate = true;
			o->bits = optarg ? strtoul(optarg, NULL, 10) : 0;
			if (optarg && (o->bits < MV_RSA_MIN_BITS ||
				       o->bits > MV_RSA_MAX_BITS)) {
				fprintf(stderr, "meshvpnd: RSA keys must have %d to %d bits\n",
					MV_RSA_MIN_BITS, MV_RSA_MAX_BITS);
				return 1;
			}
			break;
		case 'L':
			o->mlock = true;
			break;
		case 'o':
			if (add_override(o, optarg))
				return 1;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg;
			break;
		case OPT_LOGFILE:
			o->use_logfile = true;
			o->logfile = optarg;
			break;
		case OPT_KEEP_STATE:
			o->keep_state = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("meshvpnd %s (protocol %d.%d)\n", MESHVPN_VERSION,
			       MV_META_VERSION_MAJOR, MV_META_VERSION_MINOR);
			exit(0);
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "meshvpnd: unexpected argument %s\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	return 0;
}

static char *default_pidfile(const char *netname)
{
	char *p;

	if (netname && *netname && asprintf(&p, "/run/meshvpn.%s.pid", netname) >= 0)
		return p;
	return strdup("/run/meshvpn.pid");
}

static char *control_path(const char *pidfile)
{
	size_t len = strlen(pidfile);
	char *p;

	if (len > 4 && !strcmp(pidfile + len - 4, ".pid")) {
		if (asprintf(&p, "%.*s.socket", (int)(len - 4), pidfile) < 0)
			return NULL;
	} else if (asprintf(&p, "%s.socket", pidfile) < 0) {
		return NULL;
	}
	return p;
}

/* ---- -K and -k ---- */

static int generate_keys(struct mv_daemon *d, const struct options *o)
{
	enum mv_key_type type = o->bits ? MV_KEY_RSA : MV_KEY_ED25519;
	const char *file = o->bits ? d->conf.private_key_file :
			   d->conf.ed25519_private_key_file;
	struct mv_identity *id = NULL;
	struct mv_diag diag;
	char fp[17];
	int err;

	fprintf(stderr, "Generating %s key pair...\n", mv_key_type_name(type));
	mv_diag_init(&diag);
	err = mv_config_new_key(d->confdir, d->conf.name, type, o->bits, file,
				false, &id, &diag);
	for (size_t i = 0; i < diag.n_warnings; i++)
		fprintf(stderr, "meshvpnd: %s\n", diag.warnings[i]);
	if (err) {
		fprintf(stderr, "meshvpnd: %s\n", diag.error ? diag.error : strerror(-err));
	} else {
		mv_identity_fingerprint(id, fp);
		fprintf(stderr, "Private key written to %s\n"
			"Public key appended to %s/hosts/%s\n"
			"Key fingerprint: %s %s\n", file, d->confdir, d->conf.name,
			mv_key_type_name(type), fp);
	}
	mv_diag_free(&diag);
	mv_identity_free(id);
	return err ? 1 : 0;
}

/* The network in messages: its name, or its directory without one. */
static const char *network_label(const struct mv_daemon *d)
{
	return d->netname[0] ? d->netname : d->confdir;
}

/* -k: only a daemon that holds its pid file's lock is signalled. */
static int kill_daemon(const struct mv_daemon *d, int sig)
{
	pid_t pid = mv_instance_running(d->pidfile);

	if (pid == -ESRCH) {
		fprintf(stderr, "meshvpnd: meshvpnd for %s is not running (%s is stale)\n",
			network_label(d), d->pidfile);
		return 1;
	}
	if (pid < 0) {
		fprintf(stderr, "meshvpnd: cannot read %s: %s (is meshvpnd running?)\n",
			d->pidfile, strerror(-pid));
		return 1;
	}
	if (kill(pid, sig) < 0) {
		fprintf(stderr, "meshvpnd: cannot signal process %d: %s\n", (int)pid,
			strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * One daemon per network: a second one stops here, before it touches the
 * first one's sockets, interface, pid file or control socket.
 */
static int claim_instance(struct mv_daemon *d)
{
	pid_t holder;

	d->pid_fd = mv_instance_claim(d->pidfile, &holder);
	if (d->pid_fd == -EEXIST && holder)
		fprintf(stderr, "meshvpnd: meshvpnd for %s is already running (pid %d)\n",
			network_label(d), (int)holder);
	else if (d->pid_fd == -EEXIST)
		fprintf(stderr, "meshvpnd: meshvpnd for %s is already starting\n",
			network_label(d));
	else if (d->pid_fd < 0)
		fprintf(stderr, "meshvpnd: cannot create the pid file %s: %s\n",
			d->pidfile, strerror(-d->pid_fd));
	return d->pid_fd < 0 ? d->pid_fd : 0;
}

/*
 * The answer to "meshvpn restart", which the previous image left waiting:
 * the new image is ready (@ok), or it did not come back.
 */
static void answer_restart(struct mv_daemon *d, bool ok)
{
	char msg[128];
	int len;

	if (d->restart_client_fd < 0)
		return;
	if (ok)
		len = snprintf(msg, sizeof(msg),
			       "OK\nmeshvpnd restarted in place (pid %d)\n",
			       (int)getpid());
	else
		len = snprintf(msg, sizeof(msg),
			       "ERROR meshvpnd (pid %d) did not come back from its restart; see its log\n",
			       (int)getpid());
	if (send(d->restart_client_fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
		mv_warn("Cannot answer the restart request: %s", strerror(errno));
	close(d->restart_client_fd);
	d->restart_client_fd = -1;
}

/*
 * "meshvpn restart": the loop has ended the --keep-state way; run the
 * program again in this process, from the folder it first started in. @exe is the file it was started from,
 * read again, so that a restart after an upgrade runs the new binary
 * (/proc/self/exe would be the old, deleted one). Returns only on failure.
 */
static void restart_in_place(struct mv_daemon *d, const char *exe,
			     const char *cwd, char **argv)
{
	struct mv_restart r = {
		.lock_fd = d->pid_fd, .client_fd = d->restart_client_fd,
		.udp_fd = d->dp.udp_fd,
	};
	int err = exe ? mv_instance_hand_over(&r) : -ENOENT;

	/* Relative paths in argv mean what they meant at the first start. */
	if (cwd && chdir(cwd) < 0)
		mv_warn("Cannot return to %s: %s", cwd, strerror(errno));
	if (!err) {
		execv(exe, argv);
		err = -errno;
		unsetenv(MV_RESTART_ENV);
	}
	mv_err("Cannot run %s again: %s; exiting (the kernel keeps forwarding)",
	       exe ? exe : "meshvpnd", strerror(-err));
}

/*
 * A daemon started by "meshvpn restart" inherits its lock from the image
 * before it; any other one claims the pid file. Returns 0 or -errno.
 */
static int take_instance(struct mv_daemon *d, bool *restarted)
{
	struct mv_restart r;
	int err = mv_instance_inherit(d->pidfile, &r);

	*restarted = err > 0;
	if (err > 0) {
		d->pid_fd = r.lock_fd;
		d->restart_client_fd = r.client_fd;
		/* mv_udp_open() takes it over instead of binding another. */
		d->dp.udp_fd = r.udp_fd;
		return 0;
	}
	if (err < 0)
		fprintf(stderr, "meshvpnd: ignoring %s: it does not name this network's locked pid file and a socket\n",
			MV_RESTART_ENV);
	return claim_instance(d);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct mv_daemon d = {
		.proto.meta.tcp_fd = -1, .dp.udp_fd = -1, .dp.tun_fd = -1, .ctl_fd = -1,
		.sig_fd = -1, .pid_fd = -1, .restart_client_fd = -1,
	};
	enum mv_log_target log_target;
	struct mv_diag diag;
	char *dir = NULL, *exe, *cwd;
	bool restarted = false;
	int err, status = 1;

	if (parse_options(argc, argv, &o))
		return 1;
	/* Before a detach changes what relative paths mean. */
	exe = realpath("/proc/self/exe", NULL);
	cwd = getcwd(NULL, 0);
	/* tinc 1.1: NETNAME stands in for -n; "" and "." mean no netname. */
	if (!o.netname)
		o.netname = getenv("NETNAME");
	if (o.netname && (!o.netname[0] || !strcmp(o.netname, ".")))
		o.netname = NULL;
	mv_diag_init(&diag);
	err = mv_config_resolve_dir(NULL, NULL, o.netname, o.confdir, &dir,
				    &diag);
	if (err) {
		fprintf(stderr, "meshvpnd: %s\n", diag.error ? diag.error : strerror(-err));
		mv_diag_free(&diag);
		free(exe);
		free(cwd);
		return 1;
	}
	d.confdir = realpath(dir, NULL);
	if (!d.confdir)
		d.confdir = dir;
	else
		free(dir);
	d.netname = strdup(o.netname ? o.netname : "");
	d.pidfile = o.pidfile ? strdup(o.pidfile) : default_pidfile(o.netname);
	d.ctlpath = d.pidfile ? control_path(d.pidfile) : NULL;
	d.overrides = o.overrides;
	d.dp.keep_state = o.keep_state;
	d.overrides_len = o.overrides_len;
	if (!d.netname || !d.pidfile || !d.ctlpath)
		goto out_early;
	if (o.kill_signal) {
		status = kill_daemon(&d, o.kill_signal);
		goto out_early;
	}
	/*
	 * Before anything else, the log included (a --logfile is the first
	 * daemon's too): the refusal goes to the terminal.
	 */
	if (!o.generate && take_instance(&d, &restarted))
		goto out_early;

	/*
	 * Until it detaches, a daemon's start-up errors belong on the
	 * terminal that started it; syslog takes over afterwards. A detached
	 * daemon restarted in place has no terminal any more.
	 */
	if (o.use_logfile)
		log_target = MV_LOG_FILE;
	else if (restarted && !o.foreground)
		log_target = MV_LOG_SYSLOG;
	else
		log_target = MV_LOG_STDERR;
	if (mv_log_open("meshvpnd", log_target,
			o.logfile ? o.logfile : "/var/log/meshvpn.log")) {
		fprintf(stderr, "meshvpnd: cannot open the log: %s\n", strerror(errno));
		goto out_early;
	}
	/* The directory's warnings (a tinc network used) wait for the log. */
	for (size_t i = 0; i < diag.n_warnings; i++)
		mv_warn("%s", diag.warnings[i]);
	d.loop = mv_loop_new();
	if (!d.loop || mv_daemon_load_config(&d, &d.conf))
		goto out;
	mv_log_set_level(o.debug >= 0 ? o.debug :
			 d.conf.log_level >= 0 ? d.conf.log_level : 0);
	if (o.generate) {
		status = generate_keys(&d, &o);
		goto out;
	}
	if (o.mlock && mlockall(MCL_CURRENT | MCL_FUTURE))
		mv_warn("mlockall: %s", strerror(errno));
	mv_info(0, "meshvpnd %s starting, debug level %d", MESHVPN_VERSION,
		mv_log_get_level());
	mv_loop_set_hook(d.loop, mv_daemon_after_events, &d);
	if (mv_daemon_start(&d))
		goto out;
	/* Restarted in place, it detached before: the pid must stay. */
	if (!o.foreground && restarted && chdir("/") < 0)
		mv_warn("Cannot change to /: %s", strerror(errno));
	if (!o.foreground && !restarted) {
		if (daemon(0, 0) < 0) {
			mv_err("Cannot detach: %s", strerror(errno));
			goto out;
		}
		if (!o.use_logfile &&
		    mv_log_open("meshvpnd", MV_LOG_SYSLOG, NULL))
			mv_warn("No syslog: logging to nowhere");
		err = mv_instance_write_pid(d.pid_fd);
		if (err)
			mv_warn("Cannot write %s: %s", d.pidfile, strerror(-err));
	}
	err = mv_daemon_catch_signals(&d);
	if (err) {
		mv_err("Cannot handle signals: %s", strerror(-err));
		goto out;
	}
	if (mv_control_open(&d))
		goto out;
	if (mv_run_sync_script(&d, "up"))
		mv_warn("The up script failed; carrying on, as tinc does");
	mv_meta_start_outgoing(&d.proto);
	mv_state_changed(&d.proto);
	mv_notice("Ready");
	mv_service_ready(&d);
	answer_restart(&d, true);
	err = mv_loop_run(d.loop);
	if (err)
		mv_err("Event loop failed: %s", strerror(-err));
	else
		status = 0;
	if (d.restarting) {
		mv_service_restarting(&d);
	} else {
		mv_notice("Terminating");
		mv_service_stopping(&d);
	}
	mv_daemon_shutdown(&d);
	if (d.restarting) {
		restart_in_place(&d, exe, cwd, argv);
		status = 1;
	}
out:
	answer_restart(&d, false);
	mv_instance_release(d.pid_fd, d.pidfile);
	mv_daemon_free(&d);
	mv_diag_free(&diag);
	mv_log_close();
	free(exe);
	free(cwd);
	return status;
out_early:
	answer_restart(&d, false);
	mv_instance_release(d.pid_fd, d.pidfile);
	mv_daemon_free(&d);
	mv_diag_free(&diag);
	free(exe);
	free(cwd);
	return status;
}
