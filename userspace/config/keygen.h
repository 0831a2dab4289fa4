/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A node's new key pair written where its configuration expects it: the
 * private key in its file, the public key in hosts/NAME. What `meshvpnd -K`
 * and `meshvpn init` share.
 */
#ifndef MESHVPN_CONFIG_KEYGEN_H
#define MESHVPN_CONFIG_KEYGEN_H

#include <stdbool.h>

#include "crypto/identity.h"
#include "lib/diag.h"

/*
 * Generate a key pair of @type (@bits for RSA), save the private key to
 * @private_file (mode 0600, atomically) and append the public key to
 * @confdir/hosts/@name (disabling the keys it held, as tinc's -K does),
 * making @confdir and its hosts/ folder if they are missing. With
 * @keep_existing, an existing @private_file is never replaced: -EEXIST.
 * On success *@out is the new identity (free it); 0 or -errno, with the
 * reason in @diag.
 */
int mv_config_new_key(const char *confdir, const char *name,
		      enum mv_key_type type, unsigned int bits,
		      const char *private_file, bool keep_existing,
		      struct mv_identity **out, struct mv_diag *diag);

#endif /* MESHVPN_CONFIG_KEYGEN_H */
