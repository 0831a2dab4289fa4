// SPDX-License-Identifier: GPL-2.0
/*
 * A node's new key pair, written where its configuration expects it
 * (keygen.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/keygen.h"
#include "lib/file.h"

/* @dir, made 0755 if it does not exist; 0 or -errno. */
static int make_dir(const char *dir, struct mv_diag *diag)
{
	if (!mkdir(dir, 0755) || errno == EEXIST)
		return 0;
	mv_diag_error(diag, NULL, 0, "cannot create %s: %s", dir,
		      strerror(errno));
	return -errno;
}

int mv_config_new_key(const char *confdir, const char *name,
		      enum mv_key_type type, unsigned int bits,
		      const char *private_file, bool keep_existing,
		      struct mv_identity **out, struct mv_diag *diag)
{
	char *hosts = mv_path_join(confdir, "hosts");
	char *host = hosts ? mv_path_join(hosts, name) : NULL;
	struct mv_identity *id = NULL;
	int err = host ? 0 : -ENOMEM;

	*out = NULL;
	if (!err && keep_existing && !access(private_file, F_OK)) {
		mv_diag_error(diag, NULL, 0,
			      "%s exists: not replacing a private key",
			      private_file);
		err = -EEXIST;
	}
	err = err ?: make_dir(confdir, diag);
	err = err ?: make_dir(hosts, diag);
	if (!err) {
		err = mv_identity_generate(type, bits, &id);
		if (err)
			mv_diag_error(diag, NULL, 0, "key generation failed: %s",
				      strerror(-err));
	}
	err = err ?: mv_identity_save_private(id, private_file, diag);
	err = err ?: mv_identity_append_public(id, host, diag);
	if (err)
		mv_identity_free(id);
	else
		*out = id;
	free(host);
	free(hosts);
	return err;
}
