// SPDX-License-Identifier: GPL-2.0
/*
 * meshvpn get/set/add/del: one configuration variable, as tinc 1.1's
 * commands of the same names. A server variable lives in meshvpn.conf, a
 * host variable in hosts/NAME of the node itself. A value is checked by
 * the daemon's own parser before anything is written; the file keeps its
 * other lines (comments, keys) and is replaced atomically. The running
 * daemon takes the change on `meshvpn reload`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config/config.h"
#include "confvar.h"
#include "lib/array.h"
#include "lib/buf.h"
#include "lib/file.h"

/* A configuration file is small; tinc's host files with keys are a few kB. */
#define CONFVAR_FILE_MAX	(1 << 20)

static const struct mv_usage usages[] = {
	{ "get", "get VARIABLE\n" },
	{ "set", "set VARIABLE VALUE\n" },
	{ "add", "add VARIABLE VALUE\n" },
	{ "del", "del VARIABLE [VALUE]\n" },
};

bool mv_confvar_is_command(const char *cmd)
{
	return mv_find_usage(usages, ARRAY_SIZE(usages), cmd) != NULL;
}

void mv_confvar_usage(FILE *f, const char *cmd)
{
	if (cmd) {
		mv_print_usage(f, usages, ARRAY_SIZE(usages), cmd,
			       "Usage: meshvpn [-n NET | -c DIR] ",
			       "       meshvpn [-n NET | -c DIR] ");
		return;
	}
	mv_print_usages(f, usages, ARRAY_SIZE(usages), "       meshvpn [-n NET | -c DIR] ");
}

struct edit {
	const char *cmd;
	const struct mv_config_var *var;
	const char *value;		/* NULL for get, and del of all values */
	char *dir, *name, *path;	/* the network, its node, the file */
};

static const struct mv_config_var *find_var(const char *name)
{
	size_t i;

	for (i = 0; i < MV_CONFIG_N_VARS; i++)
		if (!strcasecmp(mv_config_vars[i].name, name))
			return &mv_config_vars[i];
	return NULL;
}

/*
 * The variable a line sets and its value, as the lexer reads "Var = value"
 * and "Var value": false for comments, blank lines and key blocks.
 */
static bool line_var(const char *line, size_t len, const char **name,
		     size_t *nlen, const char **value, size_t *vlen)
{
	const char *p = line, *end = line + len;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#' || *p == '-')
		return false;
	*name = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	*nlen = (size_t)(p - *name);
	while (p < end && (*p == ' ' || *p == '\t' || *p == '='))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*value = p;
	*vlen = (size_t)(end - p);
	return *nlen > 0;
}

static bool is_var(const struct edit *e, const char *name, size_t nlen)
{
	return nlen == strlen(e->var->name) && !strncasecmp(name, e->var->name, nlen);
}

/* Does the daemon's parser take "VAR = VALUE"? Says why not. */
static int check_value(const struct edit *e)
{
	struct mv_config srv;
	struct mv_host_config host;
	struct mv_diag diag;
	char *text = NULL;
	int len, err;

	if (strchr(e->value, '\n') || !*e->value) {
		fprintf(stderr, "meshvpn: %s: a value is one non-empty line\n", e->cmd);
		return 1;
	}
	mv_diag_init(&diag);
	if (e->var->scope == MV_SCOPE_HOST) {
		len = asprintf(&text, "%s = %s\n", e->var->name, e->value);
		err = len < 0 ? -ENOMEM :
		      mv_config_parse_host_buffer(text, len, "value", e->name, &host, &diag);
		if (len >= 0)
			mv_host_config_free(&host);
	} else {
		len = asprintf(&text, "Name = %s\n%s = %s\n", e->name, e->var->name,
			       e->value);
		err = len < 0 ? -ENOMEM :
		      mv_config_parse_server_buffer(text, len, "value", &srv, &diag);
		if (len >= 0)
			mv_config_free(&srv);
	}
	/* Nothing ignored either: a value the daemon would skip is refused. */
	if (!err && diag.n_warnings) {
		fprintf(stderr, "meshvpn: %s: %s\n", e->cmd, diag.warnings[0]);
		err = -EINVAL;
	} else if (err) {
		fprintf(stderr, "meshvpn: %s: %s\n", e->cmd,
			diag.error ? diag.error : strerror(-err));
	}
	mv_diag_free(&diag);
	free(text);
	return err ? 1 : 0;
}

/* The network, its node's name, and the file @e's variable lives in. */
static int locate(struct edit *e, const struct mv_opts *opts)
{
	struct mv_config conf;
	struct mv_diag diag;
	int ret = 1;

	e->dir = mv_network_dir(opts);
	if (!e->dir) {
		fprintf(stderr, "meshvpn: %s: invalid netname\n", e->cmd);
		return 2;
	}
	mv_diag_init(&diag);
	if (mv_config_load_server(e->dir, &conf, &diag)) {
		fprintf(stderr, "meshvpn: %s: no network in %s: %s\n", e->cmd, e->dir,
			diag.error ? diag.error : "cannot load it");
	} else if (!conf.name) {
		fprintf(stderr, "meshvpn: %s: %s has no Name\n", e->cmd, e->dir);
	} else {
		e->name = strdup(conf.name);
		if (e->var->scope == MV_SCOPE_HOST) {
			if (asprintf(&e->path, "%s/hosts/%s", e->dir, e->name) < 0)
				e->path = NULL;
		} else {
			e->path = mv_path_join(e->dir, "meshvpn.conf");
		}
		ret = e->name && e->path ? 0 : 1;
	}
	mv_config_free(&conf);
	mv_diag_free(&diag);
	return ret;
}

/*
 * Run @e on @data: print (get), or build the new file in @out. Returns
 * how many lines of the variable have @e's value (any value without
 * one); *@lines counts them all.
 */
static size_t apply(const struct edit *e, const char *data, size_t len,
		    struct mv_buf *out, size_t *lines)
{
	const char *line = data, *end = data + len, *name, *value, *nl;
	size_t nlen, vlen, matched = 0;

	*lines = 0;
	for (; line < end; line = nl + 1) {
		bool mine;

		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		mine = line_var(line, (size_t)(nl - line), &name, &nlen, &value, &vlen) &&
		       is_var(e, name, nlen);
		*lines += mine;
		if (mine && (!e->value || (vlen == strlen(e->value) &&
					   !memcmp(value, e->value, vlen))))
			matched++;
		if (!strcmp(e->cmd, "get")) {
			if (mine)
				printf("%.*s\n", (int)vlen, value);
			continue;
		}
		/* set drops every line of the variable, del the matching ones. */
		if (mine && (!strcmp(e->cmd, "set") ||
			     (!strcmp(e->cmd, "del") && (!e->value ||
			      (vlen == strlen(e->value) && !memcmp(value, e->value, vlen))))))
			continue;
		mv_buf_put(out, line, (size_t)(nl - line));
		if (nl < end)
			mv_buf_put(out, "\n", 1);
	}
	return matched;
}

static int edit_file(struct edit *e)
{
	char *data = NULL, *line = NULL;
	size_t len = 0, matched, lines;
	struct mv_diag diag;
	struct mv_buf out;
	mode_t mode = 0644;
	int ret = 1;

	mv_diag_init(&diag);
	mv_buf_init(&out);
	if (mv_file_read(e->path, CONFVAR_FILE_MAX, &data, &len, &mode, &diag) &&
	    (strcmp(e->cmd, "add") && strcmp(e->cmd, "set"))) {
		fprintf(stderr, "meshvpn: %s: %s\n", e->cmd, diag.error ? diag.error : "cannot read");
		goto out;
	}
	matched = apply(e, data ? data : "", len, &out, &lines);
	if (!strcmp(e->cmd, "get")) {
		ret = matched ? 0 : 1;
		if (!matched)
			fprintf(stderr, "meshvpn: get: %s is not set in %s\n", e->var->name, e->path);
		goto out;
	}
	if (!strcmp(e->cmd, "del") && !matched) {
		fprintf(stderr, "meshvpn: del: no %s%s%s in %s\n", e->var->name,
			e->value ? " = " : "", e->value ? e->value : "", e->path);
		goto out;
	}
	if (!strcmp(e->cmd, "add") && matched) {
		printf("%s = %s is in %s already\n", e->var->name, e->value, e->path);
		ret = 0;
		goto out;
	}
	if (!strcmp(e->cmd, "add") && !e->var->repeats && lines) {
		fprintf(stderr, "meshvpn: add: %s takes one value: use set\n", e->var->name);
		goto out;
	}
	if (strcmp(e->cmd, "del")) {
		if (out.len && out.data[out.len - 1] != '\n')
			mv_buf_put(&out, "\n", 1);
		if (asprintf(&line, "%s = %s\n", e->var->name, e->value) < 0 ||
		    mv_buf_put(&out, line, strlen(line)))
			goto out;
	}
	if (mv_file_write_atomic(e->path, out.len ? (const void *)out.data : "",
				 out.len, mode & 07777, &diag)) {
		fprintf(stderr, "meshvpn: %s: %s\n", e->cmd, diag.error ? diag.error : "cannot write");
		goto out;
	}
	ret = 0;
out:
	mv_buf_free(&out);
	mv_diag_free(&diag);
	free(line);
	free(data);
	return ret;
}

int mv_cmd_confvar(const struct mv_opts *opts, const char *cmd, int argc,
		   char **argv)
{
	struct edit e = { .cmd = cmd };
	int want = !strcmp(cmd, "get") ? 1 : 2, ret;

	if (argc < 1 || argc > want || (argc != want && strcmp(cmd, "del")))
		return mv_usage_error(mv_confvar_usage, cmd, cmd, argc ? "wrong number of arguments" :
				      "missing VARIABLE");
	e.var = find_var(argv[0]);
	if (!e.var)
		return mv_usage_error(mv_confvar_usage, cmd, cmd, "unknown variable \"%.64s\"", argv[0]);
	e.value = argc > 1 ? argv[1] : NULL;
	ret = locate(&e, opts);
	if (!ret && e.value && strcmp(cmd, "del"))
		ret = check_value(&e);
	if (!ret)
		ret = edit_file(&e);
	free(e.dir);
	free(e.name);
	free(e.path);
	return ret;
}
