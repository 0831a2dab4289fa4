// SPDX-License-Identifier: GPL-2.0
/* Script lookup: meshvpn-up before tinc-up, other scripts by their name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/script.h"
#include "lib/file.h"

/* 1 for a regular file, 0 for nothing there, warning for anything else. */
static int script_present(const char *path, struct mv_diag *diag)
{
	struct stat st;

	if (stat(path, &st))
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	if (!S_ISREG(st.st_mode)) {
		mv_diag_warn(diag, path, 0, "not a regular file, not run");
		return 0;
	}
	return 1;
}

int mv_config_find_script(const char *confdir, const char *script,
			  char **path, struct mv_diag *diag)
{
	char names[2][32];
	char *cand[2] = { NULL, NULL };
	int found[2] = { 0, 0 };
	int n = 1, i, ret = 0;

	*path = NULL;
	if (!script || !*script || script[0] == '/' || strstr(script, "..")) {
		mv_diag_error(diag, NULL, 0, "invalid script name \"%s\"",
			      script ? script : "");
		return -EINVAL;
	}
	if (!strcmp(script, "up") || !strcmp(script, "down")) {
		snprintf(names[0], sizeof(names[0]), "meshvpn-%s", script);
		snprintf(names[1], sizeof(names[1]), "tinc-%s", script);
		n = 2;
	}
	for (i = 0; i < n; i++) {
		cand[i] = mv_path_join(confdir, n == 2 ? names[i] : script);
		if (!cand[i]) {
			ret = -ENOMEM;
			goto out;
		}
		found[i] = script_present(cand[i], diag);
		if (found[i] < 0) {
			ret = found[i];
			mv_diag_error(diag, cand[i], 0, "cannot check: %s",
				      strerror(-ret));
			goto out;
		}
	}
	if (found[0] && n == 2 && found[1])
		mv_diag_warn(diag, confdir, 0,
			     "both %s and %s exist: running %s, %s is ignored",
			     names[0], names[1], names[0], names[1]);
	for (i = 0; i < n; i++) {
		if (!found[i])
			continue;
		if (access(cand[i], X_OK))
			mv_diag_warn(diag, cand[i], 0,
				     "script is not executable");
		*path = cand[i];
		cand[i] = NULL;
		ret = 1;
		break;
	}
out:
	free(cand[0]);
	free(cand[1]);
	return ret;
}
