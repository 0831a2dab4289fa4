// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's lifecycle: configuration loading and reloading, start-up,
 * signals, scripts, and shutdown. meshvpnd.c holds only the command line.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "daemon/control.h"
#include "daemon/daemon.h"
#include "daemon/service.h"
#include "dataplane/kernel.h"
#include "lib/log.h"

#define SCRIPT_SYNC_TIMEOUT	30000	/* ms for up and down scripts */

static void log_diag(const struct mv_diag *diag)
{
	size_t i;

	for (i = 0; i < diag->n_warnings; i++)
		mv_warn("%s", diag->warnings[i]);
	if (diag->error)
		mv_err("%s", diag->error);
}

/* Load meshvpn.conf into @conf; the error text also into @err if given. */
static int load_config(struct mv_daemon *d, struct mv_config *conf,
		       char *err, size_t errlen)
{
	struct mv_diag diag;
	size_t i;
	int rc;

	mv_diag_init(&diag);
	rc = mv_config_load_server_opts(d->confdir, d->overrides,
					d->overrides_len, conf, &diag);
	for (i = 0; i < diag.n_warnings; i++)
		mv_warn("%s", diag.warnings[i]);
	if (rc) {
		mv_err("%s", diag.error ? diag.error : strerror(-rc));
		if (err)
			snprintf(err, errlen, "%s", diag.error ? diag.error : strerror(-rc));
	}
	mv_diag_free(&diag);
	return rc;
}

int mv_daemon_load_config(struct mv_daemon *d, struct mv_config *conf)
{
	return load_config(d, conf, NULL, 0);
}

static void remote_address(struct mv_node *n, char *addr, size_t alen,
			   char *port, size_t plen)
{
	struct sockaddr_in6 sa = n->udp.endpoint;

	if (!sa.sin6_family && n->have_state && n->state->n_candidates)
		mv_wire_to_sockaddr(&n->state->candidates[0].address, &sa);
	if (!sa.sin6_family) {
		addr[0] = port[0] = 0;
		return;
	}
	mv_sockaddr_host(&sa, addr, alen);
	snprintf(port, plen, "%u", ntohs(sa.sin6_port));
}

/* A script's environment, "KEY=VALUE" each, keys from mv_script_vars[]. */
struct script_env {
	char text[MV_SCRIPT_N_VARS][320];
	const char *env[MV_SCRIPT_N_VARS + 1];
	int n;
};

static void __attribute__((format(printf, 3, 4)))
env_set(struct script_env *e, enum mv_script_var var, const char *fmt, ...)
{
	int len = snprintf(e->text[e->n], sizeof(e->text[e->n]), "%s=",
			   mv_script_vars[var]);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->text[e->n] + len, sizeof(e->text[e->n]) - len, fmt, ap);
	va_end(ap);
	e->env[e->n] = e->text[e->n];
	e->env[++e->n] = NULL;
}

/* What every script gets: the network, this node and its interface. */
static void env_common(struct script_env *e, struct mv_daemon *d)
{
	e->n = 0;
	env_set(e, MV_SCRIPT_VAR_NETNAME, "%s", d->netname);
	env_set(e, MV_SCRIPT_VAR_NAME, "%s", d->nodes.self->name);
	env_set(e, MV_SCRIPT_VAR_INTERFACE, "%s", d->dp.ifname);
	env_set(e, MV_SCRIPT_VAR_DEVICE, "%s",
		d->conf.device ? d->conf.device : "/dev/net/tun");
}

/* Start @script asynchronously with tinc's environment (per-node order). */
static void run_script(struct mv_daemon *d, const char *script,
		       struct mv_node *n, const struct mv_subnet *subnet)
{
	char text[MV_SUBNET_STRLEN], a[80] = "", p[16] = "";
	char host_script[128];
	struct script_env e;
	struct mv_diag diag;
	char *path = NULL;
	int found;

	if (!d->scripts)	/* a daemon without scripts: the fuzzers' */
		return;
	mv_diag_init(&diag);
	found = mv_config_find_script(d->confdir, script, &path, &diag);
	log_diag(&diag);
	mv_diag_free(&diag);
	env_common(&e, d);
	if (n)
		env_set(&e, MV_SCRIPT_VAR_NODE, "%s", n->name);
	if (n && n != d->nodes.self) {
		remote_address(n, a, sizeof(a), p, sizeof(p));
		if (a[0]) {
			env_set(&e, MV_SCRIPT_VAR_REMOTEADDRESS, "%s", a);
			env_set(&e, MV_SCRIPT_VAR_REMOTEPORT, "%s", p);
		}
	}
	if (subnet) {
		/* tinc writes the prefix length always, the weight apart. */
		mv_subnet_format(subnet, text, sizeof(text),
				 MV_SUBNET_FMT_FULL | MV_SUBNET_FMT_NO_WEIGHT);
		env_set(&e, MV_SCRIPT_VAR_SUBNET, "%s", text);
		env_set(&e, MV_SCRIPT_VAR_WEIGHT, "%d", subnet->weight);
	}
	/* Scripts of one node run in order; the packet path never waits. */
	if (found == 1) {
		mv_info(2, "Executing script %s", script);
		mv_scripts_run(d->scripts, path, e.env, n ? n->name : "");
	}
	free(path);
	if (n && n != d->nodes.self && (!strcmp(script, "host-up") ||
				  !strcmp(script, "host-down"))) {
		snprintf(host_script, sizeof(host_script), "hosts/%s-%s", n->name,
			 script + 5);
		mv_diag_init(&diag);
		path = NULL;
		int found_host = mv_config_find_script(d->confdir, host_script,
						       &path, &diag);

		log_diag(&diag);
		if (found_host == 1) {
			mv_info(2, "Executing script %s", host_script);
			mv_scripts_run(d->scripts, path, e.env, n->name);
		}
		free(path);
		mv_diag_free(&diag);
	}
}

int mv_run_sync_script(struct mv_daemon *d, const char *script)
{
	struct script_env e;
	struct mv_diag diag;
	char *path = NULL;
	int rc = 0;

	mv_diag_init(&diag);
	rc = mv_config_find_script(d->confdir, script, &path, &diag);
	log_diag(&diag);
	if (rc == 1) {
		env_common(&e, d);
		rc = mv_scripts_run_sync(path, e.env, SCRIPT_SYNC_TIMEOUT);
		if (rc)
			mv_err("Script %s failed (%d)", path, rc);
	}
	mv_diag_free(&diag);
	free(path);
	return rc;
}

void mv_daemon_stop(struct mv_daemon *d)
{
	mv_loop_stop(d->loop);
}

/*
 * Every host file must parse before a reload changes anything: one that
 * does not would otherwise leave its node on the old file while the rest
 * moved on, and the verdict would be "OK".
 */
static int check_host_files(struct mv_daemon *d, char *err, size_t errlen)
{
	struct mv_diag diag;
	char **names;
	size_t count, i;
	int rc;

	mv_diag_init(&diag);
	rc = mv_config_list_hosts(d->confdir, &names, &count, &diag);
	for (i = 0; !rc && i < count; i++) {
		struct mv_host_config h = { 0 };

		rc = mv_config_load_host(d->confdir, names[i], &h, &diag);
		mv_host_config_free(&h);
	}
	if (rc) {
		snprintf(err, errlen, "%s", diag.error ? diag.error : strerror(-rc));
		mv_err("%s", err);
	}
	mv_config_free_names(names, count);
	mv_diag_free(&diag);
	return rc;
}

static int reload(struct mv_daemon *d, char *err, size_t errlen)
{
	struct mv_config conf;

	mv_info(0, "Got SIGHUP, reloading the configuration");
	if (load_config(d, &conf, err, errlen) || check_host_files(d, err, errlen)) {
		mv_err("Keeping the old configuration");
		mv_config_free(&conf);
		return -EINVAL;
	}
	if (strcmp(conf.name, d->conf.name)) {
		snprintf(err, errlen, "Name changed from %s to %s: that needs a restart",
			 d->conf.name, conf.name);
		mv_err("%s; keeping the old configuration", err);
		mv_config_free(&conf);
		return -EINVAL;
	}
	if (conf.port != d->conf.port)
		mv_warn("A new Port needs a restart; still using %u", d->conf.port);
	conf.port = d->conf.port;
	conf.self.port = d->conf.port;
	mv_config_free(&d->conf);
	d->conf = conf;
	if (d->scripts)		/* none in a daemon built without scripts (fuzzers) */
		mv_scripts_set_queue_limit(d->scripts, d->conf.script_queue_limit);
	mv_nodes_load_hosts(&d->nodes, d->confdir);
	mv_meta_start_outgoing(&d->proto);
	mv_topology_changed(&d->topo);
	mv_state_changed(&d->proto);
	return 0;
}

int mv_daemon_reload(struct mv_daemon *d, char *err, size_t errlen)
{
	int rc;

	mv_service_reloading();
	rc = reload(d, err, errlen);
	mv_service_reloaded(rc ? err : NULL);
	return rc;
}

static void on_signal(void *ctx, uint32_t events)
{
	struct mv_daemon *d = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP: {
			char err[MV_RELOAD_ERR_MAX];

			mv_log_reopen();
			mv_daemon_reload(d, err, sizeof(err));
			break;
		}
		case SIGTERM:
		case SIGQUIT:
			mv_notice("Got %s signal", strsignal(si.ssi_signo));
			mv_daemon_stop(d);
			break;
		case SIGINT:
			/* tinc: toggle between debug level 5 and the old one. */
			if (!d->debug_raised) {
				d->saved_log_level = mv_log_get_level();
				d->debug_raised = true;
				mv_log_set_level(5);
				mv_notice("Temporarily setting debug level to 5");
			} else {
				mv_notice("Reverting to old debug level (%d)",
					  d->saved_log_level);
				mv_log_set_level(d->saved_log_level);
				d->debug_raised = false;
			}
			break;
		case SIGALRM:
			mv_notice("Got ALRM signal, retrying connections now");
			mv_meta_retry_now(&d->proto);
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

const struct mv_signal mv_signals[] = {
	{ "HUP", SIGHUP, MV_SIGNAL_HANDLED, true },
	{ "TERM", SIGTERM, MV_SIGNAL_HANDLED, true },
	{ "QUIT", SIGQUIT, MV_SIGNAL_HANDLED, true },
	{ "INT", SIGINT, MV_SIGNAL_HANDLED, true },
	{ "ALRM", SIGALRM, MV_SIGNAL_HANDLED, true },
	{ "USR1", SIGUSR1, MV_SIGNAL_HANDLED, true },
	{ "USR2", SIGUSR2, MV_SIGNAL_HANDLED, true },
	{ "KILL", SIGKILL, MV_SIGNAL_DEFAULT, true },
	{ "PIPE", SIGPIPE, MV_SIGNAL_IGNORED, false },
};
const size_t mv_n_signals = sizeof(mv_signals) / sizeof(mv_signals[0]);

/* The signals the signalfd takes: the table's, and CHLD for the scripts. */
static void handled_signals(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < mv_n_signals; i++)
		if (mv_signals[i].action == MV_SIGNAL_HANDLED)
			sigaddset(set, mv_signals[i].signo);
	sigaddset(set, SIGCHLD);
}

/* Held back from start-up on, so that none kills a half-started daemon. */
static int block_signals(void)
{
	sigset_t set;
	size_t i;

	handled_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	for (i = 0; i < mv_n_signals; i++)
		if (mv_signals[i].action == MV_SIGNAL_IGNORED)
			signal(mv_signals[i].signo, SIG_IGN);
	return 0;
}

/*
 * A signalfd wakes epoll through the signal queue of the process that
 * added it to the epoll set: made before daemon() forks, it would leave
 * the detached child deaf to every signal, SIGCHLD included, and its
 * scripts unreaped. So this comes after detaching.
 */
int mv_daemon_catch_signals(struct mv_daemon *d)
{
	sigset_t set;

	handled_signals(&set);
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_fd < 0)
		return -errno;
	return mv_io_add(d->loop, &d->sig_io, d->sig_fd, EPOLLIN, on_signal, d);
}

void mv_daemon_after_events(void *ctx)
{
	struct mv_daemon *d = ctx;

	mv_state_after_events(&d->proto);
	if (d->dp.kernel_dirty) {
		/* After the recomputation: who is reachable is settled. */
		mv_udp_check_held(&d->dp);
		mv_dataplane_sync(&d->dp);
	}
	mv_meta_reap(&d->proto);
}

/*
 * Ed25519PrivateKeyFile first, then PrivateKeyFile (RSA, as tinc 1.0).
 * A tinc 1.1 Ed25519 key cannot be used (-ENOTSUP): fall back to RSA.
 */
static int load_private_key(struct mv_daemon *d)
{
	const char *files[] = { d->conf.ed25519_private_key_file,
				d->conf.private_key_file };
	int err = -ENOENT;
	size_t i;

	for (i = 0; i < 2; i++) {
		struct mv_diag diag;

		if (!files[i] || access(files[i], F_OK))
			continue;
		mv_diag_init(&diag);
		err = mv_identity_load_private(files[i], &d->key, &diag);
		log_diag(&diag);
		mv_diag_free(&diag);
		if (err != -ENOTSUP)
			break;
	}
	if (err == -ENOENT)
		mv_err("No private key in %s (looked for %s and %s): generate "
		       "one with \"meshvpnd -c %s -K\"", d->confdir, files[0],
		       files[1], d->confdir);
	return err;
}

/*
 * DataPlane = auto takes meshvpn.ko when it is loaded, else the TUN path;
 * kernel insists on the module. A node whose own host file says TCPOnly =
 * yes sends every packet over the meta connections, so with auto it stays
 * on the TUN path: through the kernel its packets would only make a detour
 * (kernel, netlink, daemon) to reach the same TCP connections.
 */
static const struct mv_backend *choose_backend(const struct mv_config *conf)
{
	switch (conf->data_plane) {
	case MV_DATA_PLANE_USERSPACE:
		return &mv_userspace_backend;
	case MV_DATA_PLANE_AUTO:
		if (!mv_kernel_available()) {
			mv_info(1, "meshvpn.ko is not loaded: using the userspace data path");
			return &mv_userspace_backend;
		}
		if (conf->self.tcp_only) {
			mv_info(1, "TCPOnly = yes: using the userspace data path "
				"(every packet goes over the meta connections)");
			return &mv_userspace_backend;
		}
		return &mv_kernel_backend;
	default:
		return &mv_kernel_backend;
	}
}

static int start_data_plane(struct mv_daemon *d)
{
	return mv_dataplane_open(&d->dp, choose_backend(&d->conf));
}

/* Each node's parts of the layers above the node table. */
static int node_init(void *ctx, struct mv_node *n)
{
	struct mv_daemon *d = ctx;

	n->udp.dp = &d->dp;
	if (mv_session_init(&d->proto, n))
		return -ENOMEM;
	if (mv_state_node_init(n)) {
		mv_session_free(n);
		return -ENOMEM;
	}
	return 0;
}

static void node_release(void *ctx, struct mv_node *n)
{
	(void)ctx;
	mv_session_free(n);
	mv_state_node_free(n);
}

/*
 * @n's key is no longer the one we trust: its connection, the STATE, the
 * session and the direct path (whose probes that session authenticated)
 * we took on the old key's word go; whoever holds the trusted key starts
 * afresh.
 */
static void node_untrusted(void *ctx, struct mv_node *n, const char *why)
{
	struct mv_daemon *d = ctx;

	mv_info(1, "No longer trusting what %s announced: %s", n->name, why);
	if (n->conn)
		mv_meta_close(n->conn, why);
	mv_udp_node_down(n);
	mv_session_clear(n);
	d->topo.dirty = true;
	if (n->have_state)
		mv_state_forget(&d->proto, n);
}

static const struct mv_node_ops node_ops = {
	.init = node_init,
	.release = node_release,
	.untrusted = node_untrusted,
};

/* What the topology's changes mean for the data plane and the scripts. */
static bool topo_held(void *ctx, const struct mv_node *n)
{
	struct mv_daemon *d = ctx;

	return mv_dataplane_holds(&d->dp, n);
}

static void topo_node_up(void *ctx, struct mv_node *n)
{
	run_script(ctx, "host-up", n, NULL);
}

static void topo_node_down(void *ctx, struct mv_node *n)
{
	mv_udp_node_down(n);
	mv_session_clear(n);
	run_script(ctx, "host-down", n, NULL);
}

static void topo_subnet_up(void *ctx, struct mv_node *n,
			   const struct mv_subnet *s)
{
	struct mv_daemon *d = ctx;

	mv_dataplane_route(&d->dp, n, s, true);
	run_script(d, "subnet-up", n, s);
}

static void topo_subnet_down(void *ctx, struct mv_node *n,
			     const struct mv_subnet *s)
{
	struct mv_daemon *d = ctx;

	mv_dataplane_route(&d->dp, n, s, false);
	run_script(d, "subnet-down", n, s);
}

static void topo_recomputed(void *ctx)
{
	struct mv_daemon *d = ctx;

	d->dp.kernel_dirty = true;
}

static const struct mv_topology_ops topology_ops = {
	.held = topo_held,
	.node_up = topo_node_up,
	.node_down = topo_node_down,
	.subnet_up = topo_subnet_up,
	.subnet_down = topo_subnet_down,
	.recomputed = topo_recomputed,
};

/* What the protocol asks of the data plane. */
static void proto_udp_from_meta(void *ctx, struct mv_conn *c,
				const uint8_t *msg, size_t len)
{
	struct mv_daemon *d = ctx;

	mv_udp_from_meta(&d->dp, c, msg, len);
}

static int proto_send_session_udp(void *ctx, struct mv_node *to,
				  const void *pt, size_t len)
{
	struct mv_daemon *d = ctx;

	return mv_udp_send_session(&d->dp, to, pt, len);
}

static void proto_session_ready(void *ctx, struct mv_node *n)
{
	(void)ctx;
	mv_udp_session_ready(n);
}

static void proto_keys_changed(void *ctx)
{
	struct mv_daemon *d = ctx;

	d->dp.kernel_dirty = true;
}

static const struct mv_proto_ops proto_ops = {
	.udp_from_meta = proto_udp_from_meta,
	.send_session_udp = proto_send_session_udp,
	.session_ready = proto_session_ready,
	.keys_changed = proto_keys_changed,
};

static void proto_init(struct mv_daemon *d)
{
	struct mv_proto *p = &d->proto;

	p->loop = d->loop;
	p->conf = &d->conf;
	p->key = d->key;
	p->ifname = d->dp.ifname;
	p->nodes = &d->nodes;
	p->topo = &d->topo;
	p->ops = &proto_ops;
	p->ops_ctx = d;
	mv_state_init(p);
}

static void dataplane_init(struct mv_daemon *d)
{
	struct mv_dataplane *dp = &d->dp;

	dp->loop = d->loop;
	dp->conf = &d->conf;
	dp->netname = d->netname;
	dp->nodes = &d->nodes;
	dp->topo = &d->topo;
	dp->proto = &d->proto;
}

int mv_daemon_assemble(struct mv_daemon *d)
{
	proto_init(d);
	dataplane_init(d);
	mv_nodes_init(&d->nodes, &d->conf, &node_ops, d);
	d->nodes.self = mv_node_get(&d->nodes, d->conf.name);
	if (!d->nodes.self)
		return -EINVAL;
	d->nodes.self->reachable = true;
	return mv_topology_init(&d->topo, &d->nodes, &topology_ops, d);
}

int mv_daemon_start(struct mv_daemon *d)
{
	int err;

	if (d->conf.mode != MV_MODE_ROUTER) {
		mv_err("Mode = %s is not supported yet; only router", mv_mode_name(d->conf.mode));
		return -ENOTSUP;
	}
	if (d->conf.data_plane == MV_DATA_PLANE_BPF) {
		mv_err("DataPlane = bpf is not available in this meshvpnd yet; "
		       "use auto, kernel or userspace");
		return -ENOTSUP;
	}
	err = load_private_key(d);
	err = err ?: mv_daemon_assemble(d);
	if (err)
		return err;
	d->scripts = mv_scripts_new();
	if (!d->scripts)
		return -ENOMEM;
	mv_scripts_set_queue_limit(d->scripts, d->conf.script_queue_limit);
	err = mv_nodes_load_hosts(&d->nodes, d->confdir);
	if (err)
		return err;
	if (d->nodes.self->host_key && !mv_identity_equal(d->nodes.self->host_key, d->key))
		mv_warn("The public key in hosts/%s does not match our private key; "
			"other nodes will refuse us", d->nodes.self->name);
	err = mv_udp_open(&d->dp);
	err = err ?: mv_meta_listen(&d->proto);
	err = err ?: start_data_plane(d);
	err = err ?: block_signals();
	if (err) {
		mv_err("Setting up the network failed: %s", strerror(-err));
		return err;
	}
	mv_info(1, "Listening on port %u (TCP and UDP)", d->conf.port);
	return 0;
}

/* As tinc does on exit: every node and subnet goes down, scripts and all. */
static void all_down(struct mv_daemon *d)
{
	struct mv_node *n;
	size_t i;

	/* tinc's order: every node down, then its subnets, ours last. */
	for (n = d->nodes.all; n; n = n->next) {
		if (n == d->nodes.self || (!n->reachable && !n->udp.direct))
			continue;
		run_script(d, "host-down", n, NULL);
		for (i = 0; i < n->n_subnets; i++)
			run_script(d, "subnet-down", n, &n->subnets[i]);
		n->reachable = n->udp.direct = false;
	}
	for (i = 0; i < d->nodes.self->n_subnets; i++)
		run_script(d, "subnet-down", d->nodes.self, &d->nodes.self->subnets[i]);
}

void mv_daemon_shutdown(struct mv_daemon *d)
{
	d->proto.stopping = true;
	/*
	 * With --keep-state the kernel goes on forwarding with the keys it
	 * has: the mesh must not be told that we are gone, and the
	 * interface stays configured.
	 */
	if (d->nodes.self && d->topo.graph && d->nodes.self->vertex >= 0 && !d->dp.keep_state)
		mv_state_announce_gone(&d->proto);
	mv_meta_start_outgoing(&d->proto);	/* removes them all while stopping */
	mv_meta_close_all(&d->proto);
	mv_meta_reap(&d->proto);
	if (!d->dp.keep_state)
		all_down(d);
	/* The down script comes last, after every queued one. */
	if (d->scripts)
		mv_scripts_wait(d->scripts, SCRIPT_SYNC_TIMEOUT);
	if (d->dp.backend && !d->dp.keep_state)
		mv_run_sync_script(d, "down");
	mv_dataplane_close(&d->dp, d->dp.keep_state);
	mv_control_close(d);
}

void mv_daemon_free(struct mv_daemon *d)
{
	mv_scripts_free(d->scripts);
	mv_nodes_free(&d->nodes);
	mv_topology_free(&d->topo);
	mv_identity_free(d->key);
	mv_config_free(&d->conf);
	if (d->dp.tun_fd >= 0)
		close(d->dp.tun_fd);
	if (d->dp.udp_fd >= 0)
		close(d->dp.udp_fd);
	if (d->proto.meta.tcp_fd >= 0)
		close(d->proto.meta.tcp_fd);
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	free(d->dp.pkt);
	free(d->dp.pkt2);
	mv_udp_free(&d->dp);
	free(d->confdir);
	free(d->netname);
	free(d->pidfile);
	free(d->ctlpath);
	free(d->overrides);
	mv_loop_free(d->loop);
}

