// SPDX-License-Identifier: GPL-2.0
/*
 * The one file reader. The buffer starts one byte larger than fstat()'s
 * size, so the usual file is read with one allocation and its end is
 * seen without growing; files whose size says nothing (procfs) or that
 * grow meanwhile double the buffer, up to one byte past the limit, which
 * tells "exactly at the limit" from "beyond it".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

static void wipe_free(char *buf, size_t len)
{
	if (buf)
		explicit_bzero(buf, len);
	free(buf);
}

/* @buf holding @n bytes, moved to a buffer of @cap + 1 bytes. */
static char *grow(char *buf, size_t n, size_t cap)
{
	char *nb = malloc(cap + 1);

	/* Not realloc(): the old block must be wiped, not just released. */
	if (nb)
		memcpy(nb, buf, n);
	wipe_free(buf, n);
	return nb;
}

static int read_all(int fd, const char *path, size_t size_hint, size_t max,
		    char **data, size_t *len, struct mv_diag *diag)
{
	size_t cap = size_hint + 1, n = 0;
	char *buf = malloc(cap + 1);
	ssize_t r;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				mv_diag_error(diag, path, 0,
					      "file too large (more than %zu bytes)",
					      max);
				wipe_free(buf, n);
				return -EFBIG;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = grow(buf, n, cap);
			if (!buf)
				return -ENOMEM;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			mv_diag_error(diag, path, 0, "cannot read: %s",
				      strerror(-err));
			wipe_free(buf, n);
			return err;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int mv_file_read(const char *path, size_t max, char **data, size_t *len,
		 mode_t *mode, struct mv_diag *diag)
{
	struct stat st;
	int fd, ret;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO in the way must not hang the daemon. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		mv_diag_error(diag, path, 0, "cannot open: %s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		mv_diag_error(diag, path, 0, "cannot stat: %s", strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		mv_diag_error(diag, path, 0, "not a regular file");
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		mv_diag_error(diag, path, 0,
			      "file too large (more than %zu bytes)", max);
		ret = -EFBIG;
		goto out;
	}
	ret = read_all(fd, path, (size_t)st.st_size, max, data, len, diag);
	if (!ret && mode)
		*mode = st.st_mode;
out:
	close(fd);
	return ret;
}

char *mv_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t r;

	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int mv_file_write_atomic(const char *path, const void *data, size_t len,
			mode_t mode, struct mv_diag *diag)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + sizeof(".XXXXXX"));
	int fd, ret;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		mv_diag_error(diag, path, 0, "cannot create %s: %s", tmp,
			      strerror(-ret));
		free(tmp);
		return ret;
	}
	ret = fchmod(fd, mode) ? -errno : 0;
	if (!ret)
		ret = write_all(fd, data, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		mv_diag_error(diag, path, 0, "cannot write: %s",
			      strerror(-ret));
		unlink(tmp);
	}
	free(tmp);
	return ret;
}
