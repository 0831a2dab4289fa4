/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a whole file into memory: configuration files, host files and
 * private keys all go through mv_file_read(), so that each of them is
 * bounded in size, opened close-on-exec (meshvpnd runs scripts), never
 * blocks on a FIFO or a device, and fails with the same clear messages.
 * And the paths of files in a configuration directory.
 */
#ifndef MESHVPN_FILE_H
#define MESHVPN_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/diag.h"

/*
 * The largest configuration file read (meshvpn.conf, tinc.conf, conf.d,
 * hosts/NAME): none legitimately comes near it.
 */
#define MV_FILE_MAX_CONFIG	(16u << 20)

/*
 * Read the regular file @path, at most @max bytes. On success *@data is
 * malloc()ed, NUL-terminated (the file may hold NULs too: *@len counts
 * them), and *@mode, if @mode is not NULL, is the file's st_mode. The
 * size fstat() gives is only a hint: a file that grows or shrinks while
 * it is read is read to its end, within @max.
 *
 * Returns 0 or a negative errno, with "PATH: message" in @diag (which may
 * be NULL): the error of open(), fstat() or read() ("cannot open: ...",
 * "cannot stat: ...", "cannot read: ..."), -EISDIR for a directory and
 * -EINVAL for anything else that is not a regular file ("not a regular
 * file"), -EFBIG beyond @max ("file too large (more than MAX bytes)"),
 * -ENOMEM without a message. *@data is then NULL.
 *
 * Memory the reader drops (a buffer it outgrew, a failed read) is wiped
 * first, as the file may be a private key; wiping *@data is the caller's.
 */
int mv_file_read(const char *path, size_t max, char **data, size_t *len,
		 mode_t *mode, struct mv_diag *diag);

/*
 * Replace @path with @len bytes of @data, mode @mode: written to a
 * temporary file next to it, made durable, then renamed over it, so that
 * a crash leaves either the old or the new file and never a partial one
 * (a key, a configuration). 0 or -errno, with the reason in @diag.
 */
int mv_file_write_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct mv_diag *diag);

/*
 * "@dir/@name", with one '/' between them however @dir ends. malloc()ed;
 * NULL when out of memory.
 */
char *mv_path_join(const char *dir, const char *name);

#endif /* MESHVPN_FILE_H */
