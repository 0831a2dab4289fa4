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
#include <sys/stat.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

#ifndef MESHVPN_VERSION
#define MESHVPN_VERSION "0.1.0"
#endif

#define SCRIPT_SYNC_TIMEOUT	30000	/* ms for up and down scripts */

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
"  -o, --option=[HOST.]KEY=VALUE\n"
"                            Set a configuration option (before the files).\n"
"      --help                Display this help and exit.\n"
"      --version             Output version information and exit.\n"
"\n"
"Signals: HUP reload, INT toggle debug level 5, TERM/QUIT exit, ALRM retry\n"
"connections now, USR1 dump connections, USR2 dump nodes, edges and subnets.\n");
}

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP }, { "TERM", SIGTERM }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "WINCH", SIGWINCH },
	{ "INT", SIGINT }, { "ALRM", SIGALRM }, { "QUIT", SIGQUIT },
};

static int parse_signal(const char *s)
{
	size_t i;

	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (!strcasecmp(s, signal_names[i].name))
			return signal_names[i].sig;
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
	enum { OPT_PIDFILE = 256, OPT_LOGFILE, OPT_HELP, OPT_VERSION };
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
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 }
	};
	int c;

	o->debug = -1;
	while ((c = getopt_long(argc, argv, "c:n:Dd::k::K::Lo:", longopts, NULL)) != -1) {
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
		case OPT_HELP:
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

static int load_config(struct mv_daemon *d, const struct options *o,
		       struct mv_config *conf)
{
	struct mv_diag diag;
	size_t i;
	int err;

	mv_diag_init(&diag);
	err = mv_config_load_server_opts(d->confdir, o->overrides,
					 o->overrides_len, conf, &diag);
	for (i = 0; i < diag.n_warnings; i++)
		mv_warn("%s", diag.warnings[i]);
	if (err)
		mv_err("%s", diag.error ? diag.error : strerror(-err));
	mv_diag_free(&diag);
	return err;
}

/* ---- -K and -k ---- */

static int generate_keys(struct mv_daemon *d, const struct options *o)
{
	enum mv_key_type type = o->bits ? MV_KEY_RSA : MV_KEY_ED25519;
	const char *file = o->bits ? d->conf.private_key_file :
			   d->conf.ed25519_private_key_file;
	struct mv_identity *id = NULL;
	struct mv_diag diag;
	char *host = NULL;
	int err;

	fprintf(stderr, "Generating %s key pair%s...\n", mv_key_type_name(type),
		o->bits ? "" : "");
	err = mv_identity_generate(type, o->bits, &id);
	if (err) {
		fprintf(stderr, "meshvpnd: key generation failed: %s\n", strerror(-err));
		return 1;
	}
	mv_diag_init(&diag);
	if (asprintf(&host, "%s/hosts/%s", d->confdir, d->conf.name) < 0)
		host = NULL;
	mkdir(host ? d->confdir : "/", 0755);
	if (host) {
		char *dir = NULL;

		if (asprintf(&dir, "%s/hosts", d->confdir) >= 0) {
			mkdir(dir, 0755);
			free(dir);
		}
	}
	err = host ? mv_identity_save_private(id, file, &diag) : -ENOMEM;
	if (!err)
		err = mv_identity_append_public(id, host, &diag);
	if (err)
		fprintf(stderr, "meshvpnd: %s\n", diag.error ? diag.error : strerror(-err));
	else
		fprintf(stderr, "Private key written to %s\nPublic key appended to %s\n",
			file, host);
	mv_diag_free(&diag);
	mv_identity_free(id);
	free(host);
	return err ? 1 : 0;
}

static int read_pid(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	int pid = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 ? pid : -EINVAL;
}

static int kill_daemon(const char *pidfile, int sig)
{
	int pid = read_pid(pidfile);

	if (pid < 0) {
		fprintf(stderr, "meshvpnd: cannot read %s: %s (is meshvpnd running?)\n",
			pidfile, strerror(-pid));
		return 1;
	}
	if (kill(pid, sig) < 0) {
		fprintf(stderr, "meshvpnd: cannot signal process %d: %s\n", pid,
			strerror(errno));
		if (errno == ESRCH)
			unlink(pidfile);
		return 1;
	}
	return 0;
}

/* ---- scripts ---- */

static void remote_address(struct mv_node *n, char *addr, size_t alen,
			   char *port, size_t plen)
{
	struct sockaddr_in6 sa = n->endpoint;
	char text[80], *sp;

	if (!sa.sin6_family && n->have_state && n->state.n_candidates)
		mv_wire_to_sockaddr(&n->state.candidates[0].address, &sa);
	if (!sa.sin6_family) {
		addr[0] = port[0] = 0;
		return;
	}
	mv_sockaddr_tinc(&sa, text, sizeof(text));
	sp = strstr(text, " port ");
	snprintf(port, plen, "%s", sp ? sp + 6 : "");
	if (sp)
		*sp = 0;
	snprintf(addr, alen, "%s", text);
}

void mv_run_script(struct mv_daemon *d, const char *script, struct mv_node *n,
		   const struct mv_subnet *subnet)
{
	char netname[256], name[128], iface[64], device[300], node[96];
	char raddr[96], rport[32], sub[96], weight[32], host_script[128];
	char text[MV_SUBNET_STRLEN], a[80] = "", p[16] = "";
	const char *env[12];
	struct mv_diag diag;
	char *path = NULL;
	int k = 0, found;

	mv_diag_init(&diag);
	found = mv_config_find_script(d->confdir, script, &path, &diag);
	mv_diag_free(&diag);
	snprintf(netname, sizeof(netname), "NETNAME=%s", d->netname);
	snprintf(name, sizeof(name), "NAME=%s", d->self->name);
	snprintf(iface, sizeof(iface), "INTERFACE=%s", d->ifname);
	snprintf(device, sizeof(device), "DEVICE=%s",
		 d->conf.device ? d->conf.device : "/dev/net/tun");
	env[k++] = netname;
	env[k++] = name;
	env[k++] = iface;
	env[k++] = device;
	if (n && n != d->self) {
		snprintf(node, sizeof(node), "NODE=%s", n->name);
		env[k++] = node;
		remote_address(n, a, sizeof(a), p, sizeof(p));
		if (a[0]) {
			snprintf(raddr, sizeof(raddr), "REMOTEADDRESS=%s", a);
			snprintf(rport, sizeof(rport), "REMOTEPORT=%s", p);
			env[k++] = raddr;
			env[k++] = rport;
		}
	}
	if (subnet) {
		mv_subnet_format(subnet, text, sizeof(text), MV_SUBNET_FMT_NO_WEIGHT);
		snprintf(sub, sizeof(sub), "SUBNET=%s", text);
		snprintf(weight, sizeof(weight), "WEIGHT=%d", subnet->weight);
		env[k++] = sub;
		env[k++] = weight;
	}
	env[k] = NULL;
	/* Scripts of one node run in order; the packet path never waits. */
	if (found == 1) {
		mv_info(2, "Executing script %s", script);
		mv_scripts_run(d->scripts, path, env, n ? n->name : "");
	}
	free(path);
	if (n && n != d->self && (!strcmp(script, "host-up") ||
				  !strcmp(script, "host-down"))) {
		snprintf(host_script, sizeof(host_script), "hosts/%s-%s", n->name,
			 script + 5);
		mv_diag_init(&diag);
		path = NULL;
		if (mv_config_find_script(d->confdir, host_script, &path, &diag) == 1) {
			mv_info(2, "Executing script %s", host_script);
			mv_scripts_run(d->scripts, path, env, n->name);
		}
		free(path);
		mv_diag_free(&diag);
	}
}

static int run_sync_script(struct mv_daemon *d, const char *script)
{
	char netname[256], name[128], iface[64], device[300];
	const char *env[] = { netname, name, iface, device, NULL };
	struct mv_diag diag;
	char *path = NULL;
	int rc = 0;

	mv_diag_init(&diag);
	if (mv_config_find_script(d->confdir, script, &path, &diag) == 1) {
		snprintf(netname, sizeof(netname), "NETNAME=%s", d->netname);
		snprintf(name, sizeof(name), "NAME=%s", d->self->name);
		snprintf(iface, sizeof(iface), "INTERFACE=%s", d->ifname);
		snprintf(device, sizeof(device), "DEVICE=%s",
			 d->conf.device ? d->conf.device : "/dev/net/tun");
		rc = mv_scripts_run_sync(path, env, SCRIPT_SYNC_TIMEOUT);
		if (rc)
			mv_err("Script %s failed (%d)", path, rc);
	}
	mv_diag_free(&diag);
	free(path);
	return rc;
}

/* ---- lifecycle ---- */

void mv_daemon_stop(struct mv_daemon *d)
{
	mv_loop_stop(d->loop);
}

void mv_daemon_reload(struct mv_daemon *d)
{
	struct options opts = {
		.overrides = d->overrides,
		.overrides_len = d->overrides_len,
	};
	struct mv_config conf;

	mv_info(0, "Got SIGHUP, reloading the configuration");
	if (load_config(d, &opts, &conf)) {
		mv_err("Keeping the old configuration");
		mv_config_free(&conf);
		return;
	}
	if (strcmp(conf.name, d->conf.name)) {
		mv_err("Name changed: that needs a restart; keeping the old configuration");
		mv_config_free(&conf);
		return;
	}
	if (conf.port != d->conf.port)
		mv_warn("A new Port needs a restart; still using %u", d->conf.port);
	conf.port = d->conf.port;
	conf.self.port = d->conf.port;
	mv_config_free(&d->conf);
	d->conf = conf;
	mv_nodes_load_hosts(d);
	mv_meta_start_outgoing(d);
	d->graph_dirty = true;
	mv_state_changed(d);
}

static void on_signal(void *ctx, uint32_t events)
{
	struct mv_daemon *d = ctx;
	struct signalfd_siginfo si;
	static int saved_level = -2;

	(void)events;
	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			mv_log_reopen();
			mv_daemon_reload(d);
			break;
		case SIGTERM:
		case SIGQUIT:
			mv_notice("Got %s signal", strsignal(si.ssi_signo));
			mv_daemon_stop(d);
			break;
		case SIGINT:
			/* tinc: toggle between debug level 5 and the old one. */
			if (saved_level == -2) {
				saved_level = mv_log_get_level();
				mv_log_set_level(5);
				mv_notice("Temporarily setting debug level to 5");
			} else {
				mv_notice("Reverting to old debug level (%d)",
					  saved_level);
				mv_log_set_level(saved_level);
				saved_level = -2;
			}
			break;
		case SIGALRM:
			mv_notice("Got ALRM signal, retrying connections now");
			mv_meta_retry_now(d);
			break;
		case SIGUSR1:
			mv_dump_log(d, false);
			break;
		case SIGUSR2:
			mv_dump_log(d, true);
			break;
		case SIGCHLD:
			mv_scripts_reap(d->scripts);
			break;
		}
	}
}

static int setup_signals(struct mv_daemon *d)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_fd < 0)
		return -errno;
	return mv_io_add(d->loop, &d->sig_io, d->sig_fd, EPOLLIN, on_signal, d);
}

static void after_events(void *ctx)
{
	struct mv_daemon *d = ctx;

	mv_state_after_events(d);
	mv_meta_reap(d);
}

static int write_pidfile(const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -errno;
	}
	return 0;
}

static int load_private_key(struct mv_daemon *d)
{
	const char *files[] = { d->conf.ed25519_private_key_file,
				d->conf.private_key_file };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct mv_diag diag;
		int err;

		if (!files[i] || access(files[i], F_OK))
			continue;
		mv_diag_init(&diag);
		err = mv_identity_load_private(files[i], &d->key, &diag);
		if (err)
			mv_err("%s", diag.error ? diag.error : strerror(-err));
		mv_diag_free(&diag);
		return err;
	}
	mv_err("No private key in %s (looked for %s and %s): generate one with "
	       "\"meshvpnd -c %s -K\"", d->confdir, files[0], files[1], d->confdir);
	return -ENOENT;
}

static int start(struct mv_daemon *d)
{
	int err;

	if (d->conf.mode != MV_MODE_ROUTER) {
		mv_err("Mode = %s is not supported yet; only router", mv_mode_name(d->conf.mode));
		return -ENOTSUP;
	}
	if (d->conf.data_plane == MV_DATA_PLANE_KERNEL ||
	    d->conf.data_plane == MV_DATA_PLANE_BPF) {
		mv_err("DataPlane = %s is not available in this meshvpnd yet; "
		       "use auto or userspace", mv_data_plane_name(d->conf.data_plane));
		return -ENOTSUP;
	}
	err = load_private_key(d);
	if (err)
		return err;
	d->self = mv_node_get(d, d->conf.name);
	if (!d->self)
		return -EINVAL;
	d->self->reachable = true;
	d->graph = mv_graph_new();
	d->subnets = mv_subnet_table_new();
	d->scripts = mv_scripts_new();
	if (!d->graph || !d->subnets || !d->scripts)
		return -ENOMEM;
	err = mv_nodes_load_hosts(d);
	if (err)
		return err;
	if (d->self->host_key && !mv_identity_equal(d->self->host_key, d->key))
		mv_warn("The public key in hosts/%s does not match our private key; "
			"other nodes will refuse us", d->self->name);
	err = mv_udp_open(d);
	err = err ?: mv_meta_listen(d);
	err = err ?: mv_tun_start(d);
	err = err ?: setup_signals(d);
	if (err) {
		mv_err("Setting up the network failed: %s", strerror(-err));
		return err;
	}
	mv_info(1, "Listening on port %u (TCP and UDP)", d->conf.port);
	return 0;
}

static void shutdown_daemon(struct mv_daemon *d)
{
	d->stopping = true;
	if (d->self && d->graph && d->self->vertex >= 0)
		mv_state_announce_gone(d);
	mv_meta_start_outgoing(d);	/* removes them all while stopping */
	mv_meta_close_all(d);
	mv_meta_reap(d);
	if (d->tun_fd >= 0)
		run_sync_script(d, "down");
	mv_control_close(d);
}

static void free_daemon(struct mv_daemon *d)
{
	mv_scripts_free(d->scripts);
	mv_nodes_free(d);
	mv_graph_free(d->graph);
	mv_subnet_table_free(d->subnets);
	mv_identity_free(d->key);
	mv_config_free(&d->conf);
	if (d->tun_fd >= 0)
		close(d->tun_fd);
	if (d->udp_fd >= 0)
		close(d->udp_fd);
	if (d->tcp_fd >= 0)
		close(d->tcp_fd);
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	free(d->by_vertex);
	free(d->pkt);
	free(d->pkt2);
	free(d->confdir);
	free(d->netname);
	free(d->pidfile);
	free(d->ctlpath);
	free(d->overrides);
	mv_loop_free(d->loop);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct mv_daemon d = {
		.tcp_fd = -1, .udp_fd = -1, .tun_fd = -1, .ctl_fd = -1,
		.sig_fd = -1,
	};
	struct mv_diag diag;
	char *dir = NULL;
	int err, status = 1;

	if (parse_options(argc, argv, &o))
		return 1;
	mv_diag_init(&diag);
	err = mv_config_resolve_dir(NULL, o.netname ? o.netname : getenv("NETNAME"),
				    o.confdir, &dir, &diag);
	if (err) {
		fprintf(stderr, "meshvpnd: %s\n", diag.error ? diag.error : strerror(-err));
		mv_diag_free(&diag);
		return 1;
	}
	mv_diag_free(&diag);
	d.confdir = realpath(dir, NULL);
	if (!d.confdir)
		d.confdir = dir;
	else
		free(dir);
	d.netname = strdup(o.netname ? o.netname : "");
	d.pidfile = o.pidfile ? strdup(o.pidfile) : default_pidfile(o.netname);
	d.ctlpath = d.pidfile ? control_path(d.pidfile) : NULL;
	d.overrides = o.overrides;
	d.overrides_len = o.overrides_len;
	if (!d.netname || !d.pidfile || !d.ctlpath)
		return 1;
	if (o.kill_signal)
		return kill_daemon(d.pidfile, o.kill_signal);

	if (mv_log_open("meshvpnd", o.use_logfile ? MV_LOG_FILE :
			o.foreground || o.generate ? MV_LOG_STDERR : MV_LOG_SYSLOG,
			o.logfile ? o.logfile : "/var/log/meshvpn.log")) {
		fprintf(stderr, "meshvpnd: cannot open the log: %s\n", strerror(errno));
		return 1;
	}
	d.loop = mv_loop_new();
	if (!d.loop || load_config(&d, &o, &d.conf))
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
	mv_loop_set_hook(d.loop, after_events, &d);
	mv_state_init(&d);
	if (start(&d))
		goto out;
	if (!o.foreground && daemon(0, 0) < 0) {
		mv_err("Cannot detach: %s", strerror(errno));
		goto out;
	}
	if (write_pidfile(d.pidfile))
		mv_warn("Cannot write %s: %s", d.pidfile, strerror(errno));
	if (mv_control_open(&d))
		goto out_pid;
	if (run_sync_script(&d, "up"))
		mv_warn("The up script failed; carrying on, as tinc does");
	mv_meta_start_outgoing(&d);
	mv_state_changed(&d);
	mv_notice("Ready");
	err = mv_loop_run(d.loop);
	if (err)
		mv_err("Event loop failed: %s", strerror(-err));
	else
		status = 0;
	mv_notice("Terminating");
	shutdown_daemon(&d);
out_pid:
	unlink(d.pidfile);
out:
	free_daemon(&d);
	mv_log_close();
	return status;
}
