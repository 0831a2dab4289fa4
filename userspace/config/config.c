// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a configuration: which files, in which order (tinc's), each
 * read (lib/file.c), lexed (lexer.c) and applied to the typed structs
 * through the variable table (vars.c), then finished. Also the structs'
 * defaults, the host files of a network and its directory.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "config/lexer.h"
#include "config/vars.h"
#include "lib/array.h"
#include "lib/file.h"

/* 0 if @path exists, -ENOENT if not, another -errno if we cannot tell. */
static int path_exists(const char *path)
{
	struct stat st;

	if (!stat(path, &st))
		return 0;
	return -errno;
}

/* ---- the structs ---- */

void mv_host_config_init(struct mv_host_config *h)
{
	memset(h, 0, sizeof(*h));
	h->port = MV_CONFIG_DEFAULT_PORT;
	h->cipher = MV_CIPHER_CHACHA20_POLY1305;
}

void mv_config_init(struct mv_config *c)
{
	memset(c, 0, sizeof(*c));
	c->address_family = MV_AF_ANY;
	c->mode = MV_MODE_ROUTER;
	c->ping_interval = MV_CONFIG_DEFAULT_PING_INTERVAL;
	c->ping_timeout = MV_CONFIG_DEFAULT_PING_TIMEOUT;
	c->max_connection_burst = MV_CONFIG_DEFAULT_MAX_CONNECTION_BURST;
	c->max_preauth_connections = MV_CONFIG_DEFAULT_MAX_PREAUTH_CONNECTIONS;
	c->script_queue_limit = MV_CONFIG_DEFAULT_SCRIPT_QUEUE_LIMIT;
	c->state_flood_rate = MV_CONFIG_DEFAULT_STATE_FLOOD_RATE;
	c->kernel_upcall_rate = MV_CONFIG_DEFAULT_KERNEL_UPCALL_RATE;
	c->data_plane = MV_DATA_PLANE_AUTO;
	c->cipher = MV_CIPHER_CHACHA20_POLY1305;
	c->port = MV_CONFIG_DEFAULT_PORT;
	c->log_level = -1;
	c->session.init_rate = MV_CONFIG_DEFAULT_SESSION_INIT_RATE;
	c->session.cookie_load = MV_CONFIG_DEFAULT_SESSION_COOKIE_LOAD;
	c->session.nokey_interval = MV_CONFIG_DEFAULT_NOKEY_HANDSHAKE_INTERVAL;
	c->trust.max_clock_skew = MV_CONFIG_DEFAULT_MAX_CLOCK_SKEW;
	c->trust.vouch_quota = MV_CONFIG_DEFAULT_VOUCH_QUOTA;
	c->trust.vouch_rate = MV_CONFIG_DEFAULT_VOUCH_RATE;
	mv_host_config_init(&c->self);
}

static void free_addresses(struct mv_host_address *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(a[i].host);
	free(a);
}

void mv_host_config_free(struct mv_host_config *h)
{
	size_t i;

	if (!h)
		return;
	free(h->name);
	free(h->path);
	free_addresses(h->addresses, h->n_addresses);
	free(h->subnets);
	for (i = 0; i < h->keys.n_pem_keys; i++)
		free(h->keys.pem_keys[i]);
	free(h->keys.pem_keys);
	free(h->keys.ed25519_public_key);
	mv_host_config_init(h);
}

void mv_config_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void mv_config_free(struct mv_config *c)
{
	if (!c)
		return;
	free(c->confdir);
	mv_config_free_names(c->files, c->n_files);
	free(c->name);
	mv_config_free_names(c->connect_to, c->n_connect_to);
	free(c->interface);
	free(c->device);
	free_addresses(c->bind_to, c->n_bind_to);
	free(c->private_key_file);
	free(c->ed25519_private_key_file);
	mv_host_config_free(&c->self);
	mv_config_init(c);
}

/* ---- loading ---- */

/* Lex and apply @buf, read from @file (owned by the configuration). */
static int apply_buffer(struct mv_config_apply *a,
			enum mv_config_file_kind kind, const char *buf,
			size_t len, const char *file)
{
	struct mv_config_file f;
	int ret;

	ret = mv_config_lex(buf, len, file, &f, a->diag);
	if (ret)
		return ret;
	ret = mv_config_apply_file(a, kind, file, &f);
	mv_config_file_free(&f);
	return ret;
}

/*
 * A configuration or host file. Anything but a regular file, directories
 * included, is -EINVAL here, as config.h promises.
 */
static int read_config_file(const char *path, char **buf, size_t *len,
			    struct mv_diag *diag)
{
	int ret = mv_file_read(path, MV_FILE_MAX_CONFIG, buf, len, NULL, diag);

	return ret == -EISDIR ? -EINVAL : ret;
}

/* Read and apply @path; its name is kept in @owned (files list). */
static int apply_path(struct mv_config_apply *a,
		      enum mv_config_file_kind kind, const char *path,
		      char ***owned, size_t *n_owned)
{
	char *buf;
	size_t len;
	int ret;

	ret = mv_array_push_string(owned, n_owned, path);
	if (ret)
		return ret;
	ret = read_config_file(path, &buf, &len, a->diag);
	if (ret)
		return ret;
	ret = apply_buffer(a, kind, buf, len, (*owned)[*n_owned - 1]);
	free(buf);
	return ret;
}

int mv_config_parse_server_buffer(const char *buf, size_t len,
				  const char *path, struct mv_config *out,
				  struct mv_diag *diag)
{
	struct mv_config_apply apply;
	int ret;

	mv_config_init(out);
	mv_config_apply_init(&apply, out, &out->self, diag);
	ret = mv_array_push_string(&out->files, &out->n_files,
				   path ? path : "<buffer>");
	if (!ret)
		ret = apply_buffer(&apply, MV_CONFIG_SERVER_FILE, buf, len,
				   out->files[0]);
	if (!ret)
		ret = mv_config_apply_finish_name(&apply, out->files[0]);
	if (!ret)
		ret = mv_config_apply_finish_server(&apply);
	mv_config_apply_free(&apply);
	if (ret)
		mv_config_free(out);
	return ret;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Names in @dir (non-recursive) accepted by @keep, sorted. A missing
 * directory is an empty list.
 */
static int list_dir(const char *dir, bool (*keep)(const char *name),
		    char ***names, size_t *n, struct mv_diag *diag)
{
	DIR *d;
	struct dirent *de;
	int ret = 0;

	*names = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		ret = -errno;
		mv_diag_error(diag, dir, 0, "cannot open directory: %s",
			      strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		if (!keep(de->d_name))
			continue;
		ret = mv_array_push_string(names, n, de->d_name);
		if (ret)
			break;
	}
	closedir(d);
	if (ret) {
		mv_config_free_names(*names, *n);
		*names = NULL;
		*n = 0;
		return ret;
	}
	if (*n)
		qsort(*names, *n, sizeof(**names), cmp_strp);
	return 0;
}

static bool is_conf_d_name(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && !strcmp(name + len - 5, ".conf");
}

static int apply_conf_d(struct mv_config_apply *a)
{
	struct mv_config *c = a->srv;
	char *dir = mv_path_join(c->confdir, "conf.d");
	char **names = NULL;
	size_t n = 0, i;
	int ret;

	if (!dir)
		return -ENOMEM;
	ret = list_dir(dir, is_conf_d_name, &names, &n, a->diag);
	for (i = 0; !ret && i < n; i++) {
		char *path = mv_path_join(dir, names[i]);

		if (!path) {
			ret = -ENOMEM;
			break;
		}
		ret = apply_path(a, MV_CONFIG_SERVER_FILE, path, &c->files,
				 &c->n_files);
		free(path);
	}
	mv_config_free_names(names, n);
	free(dir);
	return ret;
}

int mv_config_load_server(const char *confdir, struct mv_config *out,
			  struct mv_diag *diag)
{
	return mv_config_load_server_opts(confdir, NULL, 0, out, diag);
}

int mv_config_load_server_opts(const char *confdir, const char *options,
			       size_t options_len, struct mv_config *out,
			       struct mv_diag *diag)
{
	struct mv_config_apply apply;
	char *mconf = NULL, *tconf = NULL, *hostdir = NULL, *hpath = NULL;
	const char *main_file;
	int ret, m, t;

	mv_config_init(out);
	mv_config_apply_init(&apply, out, &out->self, diag);
	out->confdir = strdup(confdir);
	mconf = mv_path_join(confdir, "meshvpn.conf");
	tconf = mv_path_join(confdir, "tinc.conf");
	if (!out->confdir || !mconf || !tconf) {
		ret = -ENOMEM;
		goto out;
	}

	m = path_exists(mconf);
	t = path_exists(tconf);
	if (m == -ENOENT && t == -ENOENT) {
		mv_diag_error(diag, confdir, 0,
			      "no meshvpn.conf or tinc.conf in this directory");
		ret = -ENOENT;
		goto out;
	}
	if (m != -ENOENT && t != -ENOENT)
		mv_diag_warn(diag, confdir, 0,
			     "both meshvpn.conf and tinc.conf exist: using meshvpn.conf, tinc.conf is ignored");
	main_file = m != -ENOENT ? mconf : tconf;

	/* First value wins: "-o" options go before every file. */
	ret = 0;
	if (options)
		ret = apply_buffer(&apply, MV_CONFIG_SERVER_FILE, options,
				   options_len, "command line");
	if (!ret)
		ret = apply_path(&apply, MV_CONFIG_SERVER_FILE, main_file,
				 &out->files, &out->n_files);
	if (!ret)
		ret = apply_conf_d(&apply);
	if (!ret)
		ret = mv_config_apply_finish_name(&apply, out->files[0]);
	if (ret)
		goto out;

	hostdir = mv_path_join(confdir, "hosts");
	hpath = hostdir ? mv_path_join(hostdir, out->name) : NULL;
	if (!hpath) {
		ret = -ENOMEM;
		goto out;
	}
	if (path_exists(hpath) != -ENOENT) {
		out->self_host_found = true;
		out->self.path = strdup(hpath);
		if (!out->self.path) {
			ret = -ENOMEM;
			goto out;
		}
		ret = apply_path(&apply, MV_CONFIG_OWN_HOST_FILE, hpath,
				 &out->files, &out->n_files);
		if (ret)
			goto out;
	}
	ret = mv_config_apply_finish_server(&apply);
out:
	mv_config_apply_free(&apply);
	free(mconf);
	free(tconf);
	free(hostdir);
	free(hpath);
	if (ret)
		mv_config_free(out);
	return ret;
}

int mv_config_parse_host_buffer(const char *buf, size_t len,
				const char *path, const char *name,
				struct mv_host_config *out,
				struct mv_diag *diag)
{
	struct mv_config_apply apply;
	int ret = 0;

	mv_host_config_init(out);
	mv_config_apply_init(&apply, NULL, out, diag);
	if (name) {
		out->name = strdup(name);
		if (!out->name)
			ret = -ENOMEM;
	}
	if (!ret) {
		out->path = strdup(path ? path : "<buffer>");
		if (!out->path)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = apply_buffer(&apply, MV_CONFIG_HOST_FILE, buf, len,
				   out->path);
	if (!ret)
		mv_config_finish_host(out);
	mv_config_apply_free(&apply);
	if (ret)
		mv_host_config_free(out);
	return ret;
}

int mv_identity_from_host(const struct mv_host_config *host,
			  struct mv_identity **out, struct mv_diag *diag)
{
	return mv_identity_from_host_keys(&host->keys, host->path, out, diag);
}

int mv_config_load_host(const char *confdir, const char *name,
			struct mv_host_config *out, struct mv_diag *diag)
{
	char *hostdir = NULL, *path = NULL, *buf = NULL;
	size_t len;
	int ret;

	mv_host_config_init(out);
	if (!mv_config_valid_name(name)) {
		mv_diag_error(diag, NULL, 0,
			      "invalid node name \"%s\": only letters, digits and '_' are allowed",
			      name ? name : "");
		return -EINVAL;
	}
	hostdir = mv_path_join(confdir, "hosts");
	path = hostdir ? mv_path_join(hostdir, name) : NULL;
	if (!path) {
		ret = -ENOMEM;
		goto out;
	}
	ret = read_config_file(path, &buf, &len, diag);
	if (!ret)
		ret = mv_config_parse_host_buffer(buf, len, path, name, out,
						  diag);
out:
	free(buf);
	free(path);
	free(hostdir);
	return ret;
}

int mv_config_list_hosts(const char *confdir, char ***names, size_t *n,
			 struct mv_diag *diag)
{
	char *dir = mv_path_join(confdir, "hosts");
	size_t i, k = 0;
	int ret;

	*names = NULL;
	*n = 0;
	if (!dir)
		return -ENOMEM;
	ret = list_dir(dir, mv_config_valid_name, names, n, diag);
	if (ret)
		goto out;
	/* Only regular files (or links to them) are host files. */
	for (i = 0; i < *n; i++) {
		char *p = mv_path_join(dir, (*names)[i]);
		struct stat st;

		if (!p) {
			ret = -ENOMEM;
			mv_config_free_names(*names, *n);
			*names = NULL;
			*n = 0;
			goto out;
		}
		if (!stat(p, &st) && S_ISREG(st.st_mode))
			(*names)[k++] = (*names)[i];
		else
			free((*names)[i]);
		free(p);
	}
	*n = k;
out:
	free(dir);
	return ret;
}

/* ---- the directory ---- */

static bool is_directory(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int mv_config_resolve_dir(const char *basedir, const char *tinc_basedir,
			  const char *netname, const char *confdir,
			  char **out, struct mv_diag *diag)
{
	char *tinc_dir;

	*out = NULL;
	if (!basedir)
		basedir = MV_CONFIG_BASEDIR;
	if (!tinc_basedir)
		tinc_basedir = MV_CONFIG_TINC_BASEDIR;
	if (confdir) {
		if (!*confdir) {
			mv_diag_error(diag, NULL, 0,
				      "empty configuration directory");
			return -EINVAL;
		}
		if (netname && *netname)
			mv_diag_warn(diag, NULL, 0,
				     "both a network name (%s) and a configuration directory (%s) given, using the directory",
				     netname, confdir);
		*out = strdup(confdir);
		return *out ? 0 : -ENOMEM;
	}
	if (!netname || !*netname || !strcmp(netname, ".")) {
		*out = strdup(basedir);
		return *out ? 0 : -ENOMEM;
	}
	if (strpbrk(netname, "/\\") || netname[0] == '.') {
		mv_diag_error(diag, NULL, 0,
			      "invalid network name \"%s\": it must not contain '/' or '\\' or start with '.'",
			      netname);
		return -EINVAL;
	}
	*out = mv_path_join(basedir, netname);
	if (!*out)
		return -ENOMEM;
	if (is_directory(*out))
		return 0;
	/* Someone moving from tinc keeps their network where it is. */
	tinc_dir = mv_path_join(tinc_basedir, netname);
	if (!tinc_dir)
		return -ENOMEM;
	if (!is_directory(tinc_dir)) {
		free(tinc_dir);
		return 0;
	}
	mv_diag_warn(diag, NULL, 0,
		     "no network %s in %s, using the tinc network in %s",
		     netname, *out, tinc_dir);
	free(*out);
	*out = tinc_dir;
	return 0;
}
