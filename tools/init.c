// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn init: a new network directory for one node, as tinc 1.1's
 * `tinc init`: meshvpn.conf, the node's key pair, hosts/NAME, and with
 * --subnet an up script giving the interface its address. Run again with
 * the same name it changes nothing; it never replaces a key.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/keygen.h"
#include "config/name.h"
#include "init.h"
#include "lib/array.h"
#include "lib/file.h"
#include "lib/subnet.h"

static const struct mv_usage usages[] = {
	{ "init", "init NAME [--address HOST] [--port PORT] [--subnet ADDRESS/LEN]\n" },
};

bool mv_init_is_command(const char *cmd)
{
	return mv_find_usage(usages, ARRAY_SIZE(usages), cmd) != NULL;
}

void mv_init_usage(FILE *f, const char *cmd)
{
	if (cmd) {
		mv_print_usage(f, usages, ARRAY_SIZE(usages), cmd,
			       "Usage: meshvpn [-n NET | -c DIR] ",
			       "       meshvpn [-n NET | -c DIR] ");
		return;
	}
	fputs("\nSetting up a network (in " MV_CONFIG_BASEDIR "/NET for -n NET, or -c DIR):\n\n", f);
	mv_print_usages(f, usages, ARRAY_SIZE(usages), "       meshvpn [-n NET | -c DIR] ");
}

#define usage_error(...) mv_usage_error(mv_init_usage, "init", "init", __VA_ARGS__)

struct init_args {
	const char *name, *address, *port;
	struct mv_subnet host;		/* the node's own address, /32 or /128 */
	unsigned int prefixlen;		/* the network's prefix length */
	bool has_subnet;
	char *dir;
};

/* "ADDRESS/LEN": the node's address in a network of that prefix length. */
static int parse_subnet(struct init_args *a, const char *text)
{
	char addr[MV_SUBNET_STRLEN], err[MV_SUBNET_ERRLEN] = "", *end;
	const char *slash = strchr(text, '/');
	unsigned long len;

	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return usage_error("--subnet \"%.64s\": ADDRESS/LEN, e.g. 10.66.0.1/16", text);
	memcpy(addr, text, slash - text);
	addr[slash - text] = '\0';
	if (mv_subnet_parse(addr, &a->host, err, sizeof(err)) ||
	    a->host.type == MV_SUBNET_MAC)
		return usage_error("--subnet \"%.64s\": not an IP address%s%s", text,
				   *err ? ": " : "", err);
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || len < 1 ||
	    len > mv_subnet_max_prefix(a->host.type))
		return usage_error("--subnet \"%.64s\": prefix length 1 to %u", text,
				   mv_subnet_max_prefix(a->host.type));
	a->prefixlen = len;
	a->has_subnet = true;
	return 0;
}

static int parse_args(struct init_args *a, int argc, char **argv)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *opt = argv[i];

		if (opt[0] != '-') {
			if (a->name)
				return usage_error("unexpected \"%.64s\"", opt);
			a->name = opt;
			continue;
		}
		if (strcmp(opt, "--address") && strcmp(opt, "--port") &&
		    strcmp(opt, "--subnet"))
			return usage_error("unknown option \"%.64s\"", opt);
		if (++i >= argc)
			return usage_error("%s needs a value", opt);
		if (!strcmp(opt, "--address")) {
			a->address = argv[i];
		} else if (!strcmp(opt, "--port")) {
			a->port = argv[i];
		} else {
			ret = parse_subnet(a, argv[i]);
			if (ret)
				return ret;
		}
	}
	if (!a->name)
		return usage_error("missing NAME");
	if (!mv_config_valid_name(a->name))
		return usage_error("invalid node name \"%.64s\": letters, digits and '_' only",
				   a->name);
	if (a->address && (!*a->address || strpbrk(a->address, " \t\n#=")))
		return usage_error("invalid --address \"%.64s\"", a->address);
	if (a->port && (strspn(a->port, "0123456789") != strlen(a->port) ||
			!*a->port || strlen(a->port) > 5 || atoi(a->port) < 1 ||
			atoi(a->port) > 65535))
		return usage_error("invalid --port \"%.64s\": 1 to 65535", a->port);
	return 0;
}

/* Create @path with @text, mode @mode; never over an existing file. */
static int write_new(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd)) {
		fprintf(stderr, "meshvpn: init: cannot write %s: %s\n", path,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * An existing network in @a->dir: fine if it is this node's (nothing is
 * touched), an error if it is another's or does not load.
 */
static int already_there(const struct init_args *a, const char *conf_path)
{
	struct mv_identity *key = NULL;
	struct mv_config conf;
	struct mv_diag diag;
	char fp[17] = "none";
	int ret = 1;

	mv_diag_init(&diag);
	if (mv_config_load_server(a->dir, &conf, &diag)) {
		fprintf(stderr, "meshvpn: init: %s exists but does not load: %s\n",
			conf_path, diag.error ? diag.error : "error");
	} else if (!conf.name || strcmp(conf.name, a->name)) {
		fprintf(stderr, "meshvpn: init: %s is the network of node %s, not %s: "
			"nothing changed\n", a->dir, conf.name ? conf.name : "(no Name)",
			a->name);
	} else {
		mv_diag_free(&diag);
		mv_diag_init(&diag);
		if (!mv_identity_load_private(conf.ed25519_private_key_file, &key, &diag))
			mv_identity_fingerprint(key, fp);
		printf("%s is already node %s's network (key %s): nothing changed\n",
		       a->dir, a->name, fp);
		mv_identity_free(key);
		ret = 0;
	}
	mv_config_free(&conf);
	mv_diag_free(&diag);
	return ret;
}

/* meshvpn-up: the node's address on the interface, and the interface up. */
static int write_up_script(const struct init_args *a, const char *addr)
{
	char *path = mv_path_join(a->dir, "meshvpn-up"), *text = NULL;
	int ret = -1;

	if (path && asprintf(&text,
			     "#!/bin/sh\n"
			     "# Written by meshvpn init: this node's address in the network.\n"
			     "ip addr add %s/%u dev \"$INTERFACE\"\n"
			     "ip link set \"$INTERFACE\" up\n",
			     addr, a->prefixlen) >= 0)
		ret = write_new(path, text, 0755);
	free(text);
	free(path);
	return ret;
}

/* @path and the folders above it that are missing, mode 0755. */
static int make_dirs(const char *path)
{
	char *p = strdup(path), *slash;
	int ret = 0;

	if (!p)
		return -1;
	for (slash = strchr(p + 1, '/'); !ret; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			ret = -1;
		if (!slash)
			break;
		*slash = '/';
	}
	free(p);
	return ret;
}

/* What init writes, in order; on failure what it wrote is removed. */
static int write_network(const struct init_args *a, const char *conf_path,
			 const char *host_path, const char *key_path,
			 struct mv_identity **key)
{
	char *conf_text = NULL, *host_text = NULL, *hosts = NULL;
	char addr[MV_SUBNET_STRLEN] = "";
	struct mv_diag diag;
	int ret = -1;

	if (a->has_subnet)
		mv_subnet_format(&a->host, addr, sizeof(addr), MV_SUBNET_FMT_NO_WEIGHT);
	hosts = mv_path_join(a->dir, "hosts");
	if (!hosts || make_dirs(hosts)) {
		fprintf(stderr, "meshvpn: init: cannot create %s: %s\n",
			hosts ? hosts : a->dir, strerror(errno));
		free(hosts);
		return -1;
	}
	free(hosts);
	/* hosts/NAME: what others need of this node, then its public key. */
	if (asprintf(&host_text, "%s%s%s%s%s%s",
		     a->address ? "Address = " : "", a->address ? a->address : "",
		     a->address ? "\n" : "", a->has_subnet ? "Subnet = " : "",
		     addr, a->has_subnet ? "\n" : "") < 0 ||
	    asprintf(&conf_text, "Name = %s\n%s%s%s", a->name,
		     a->port ? "Port = " : "", a->port ? a->port : "",
		     a->port ? "\n" : "") < 0)
		goto out;
	if (write_new(host_path, host_text, 0644))
		goto out;
	mv_diag_init(&diag);
	if (mv_config_new_key(a->dir, a->name, MV_KEY_ED25519, 0, key_path, true,
			      key, &diag)) {
		fprintf(stderr, "meshvpn: init: %s\n", diag.error ? diag.error : "failed");
		mv_diag_free(&diag);
		goto undo_host;
	}
	mv_diag_free(&diag);
	if (a->has_subnet && write_up_script(a, addr))
		goto undo_key;
	/* Last: a network without meshvpn.conf is one init may start again. */
	if (write_new(conf_path, conf_text, 0644))
		goto undo_script;
	ret = 0;
	goto out;
undo_script:
	if (a->has_subnet) {
		char *up = mv_path_join(a->dir, "meshvpn-up");

		if (up)
			unlink(up);
		free(up);
	}
undo_key:
	unlink(key_path);
	mv_identity_free(*key);
	*key = NULL;
undo_host:
	unlink(host_path);
out:
	free(conf_text);
	free(host_text);
	return ret;
}

int mv_cmd_init(const struct mv_opts *opts, int argc, char **argv)
{
	struct init_args a = { 0 };
	char *conf_path = NULL, *host_path = NULL, *key_path = NULL;
	struct mv_identity *key = NULL;
	const char *sel;
	char fp[17];
	int ret;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret;
	a.dir = mv_network_dir(opts);
	if (!a.dir)
		return usage_error("invalid netname \"%.64s\"", opts->netname ?
				   opts->netname : getenv("NETNAME"));
	conf_path = mv_path_join(a.dir, "meshvpn.conf");
	key_path = mv_path_join(a.dir, "ed25519_key.priv");
	if (asprintf(&host_path, "%s/hosts/%s", a.dir, a.name) < 0)
		host_path = NULL;
	ret = 1;
	if (!conf_path || !key_path || !host_path)
		goto out;
	if (!access(conf_path, F_OK)) {
		ret = already_there(&a, conf_path);
		goto out;
	}
	if (!access(host_path, F_OK) || !access(key_path, F_OK)) {
		fprintf(stderr, "meshvpn: init: %s or %s exists without meshvpn.conf: "
			"not touching them\n", host_path, key_path);
		goto out;
	}
	if (write_network(&a, conf_path, host_path, key_path, &key))
		goto out;
	mv_identity_fingerprint(key, fp);
	sel = opts->confdir ? "-c " : opts->netname ? "-n " : "";
	printf("Network of node %s in %s (key ed25519 %s).\n"
	       "Give hosts/%s to the nodes it connects to and that connect to it, then:\n"
	       "    meshvpnd %s%s\n",
	       a.name, a.dir, fp, a.name, sel,
	       opts->confdir ? opts->confdir : opts->netname ? opts->netname : "");
	ret = 0;
out:
	mv_identity_free(key);
	free(conf_path);
	free(host_path);
	free(key_path);
	free(a.dir);
	return ret;
}
