// SPDX-License-Identifier: GPL-2.0
/*
 * lib/file: the one reader of configuration, host and key files. What
 * callers rely on: the whole file or a clear error naming it, a hard size
 * limit however the file changes, nothing but regular files, no leaked
 * descriptor.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/file.h"

#include "test.h"

/* Each case works in a directory of its own, removed at its end. */
struct scratch {
	char dir[64];
	char path[PATH_MAX];
};

static bool scratch_open(struct scratch *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/meshvpn-test-file.XXXXXX");
	return mkdtemp(s->dir);
}

static const char *scratch_path(struct scratch *s, const char *name)
{
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	return s->path;
}

static const char *make_file(struct scratch *s, const char *name,
			     const void *data, size_t len, mode_t mode)
{
	const char *path = scratch_path(s, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	fchmod(fd, mode);
	close(fd);
	return path;
}

/* Remove the files a case made, then its directory. */
static void scratch_close(struct scratch *s, const char *const *names,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		unlink(scratch_path(s, names[i]));
	rmdir(s->dir);
}

/* The lowest free descriptor: unchanged if nothing leaked. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

/* @path fails with @ret and "PATH: @msg" as the error. */
static bool read_fails(const char *path, size_t max, int ret, const char *msg)
{
	char want[PATH_MAX + 128], *data = (char *)"untouched";
	struct mv_diag d;
	size_t len = 99;
	int r;
	bool ok;

	snprintf(want, sizeof(want), "%s: %s", path, msg);
	mv_diag_init(&d);
	r = mv_file_read(path, max, &data, &len, NULL, &d);
	ok = r == ret && !data && !len && d.error && !strcmp(d.error, want);
	if (!ok)
		fprintf(stderr, "  %s: %d \"%s\", want %d \"%s\"\n", path, r,
			d.error ? d.error : "(none)", ret, want);
	mv_diag_free(&d);
	return ok;
}

TEST(reads_whole_file)
{
	static const char *const names[] = { "text", "empty" };
	static const char text[] = "Name = a\0b\nPort = 1\n";
	int before = lowest_free_fd();
	struct scratch s;
	const char *path;
	struct mv_diag d;
	mode_t mode = 0;
	char *data;
	size_t len;

	EXPECT(scratch_open(&s));
	path = make_file(&s, "text", text, sizeof(text) - 1, 0640);
	mv_diag_init(&d);
	EXPECT_EQ(mv_file_read(path, 1024, &data, &len, &mode, &d), 0);
	EXPECT_EQ(len, sizeof(text) - 1);
	EXPECT(data && !memcmp(data, text, sizeof(text)));	/* and NUL */
	EXPECT(S_ISREG(mode));
	EXPECT_EQ(mode & 07777, 0640);
	EXPECT(!d.error && !d.n_warnings);
	EXPECT_EQ(lowest_free_fd(), before);
	free(data);

	/* Empty, and without a mode or a diag to fill in. */
	path = make_file(&s, "empty", "", 0, 0600);
	EXPECT_EQ(mv_file_read(path, 0, &data, &len, NULL, NULL), 0);
	EXPECT(data && !*data);
	EXPECT_EQ(len, 0);
	free(data);
	mv_diag_free(&d);
	scratch_close(&s, names, 2);
}

TEST(size_limit)
{
	static const char *const names[] = { "hundred" };
	struct scratch s;
	char buf[100];
	const char *path;
	char *data;
	size_t len;

	EXPECT(scratch_open(&s));
	memset(buf, 'x', sizeof(buf));
	path = make_file(&s, "hundred", buf, sizeof(buf), 0600);
	EXPECT_EQ(mv_file_read(path, 100, &data, &len, NULL, NULL), 0);
	EXPECT_EQ(len, 100);
	free(data);
	EXPECT(read_fails(path, 99, -EFBIG,
			  "file too large (more than 99 bytes)"));
	EXPECT(read_fails(path, 0, -EFBIG,
			  "file too large (more than 0 bytes)"));
	scratch_close(&s, names, 1);
}

TEST(size_hint_is_only_a_hint)
{
	const char *path = "/proc/self/status";
	int before = lowest_free_fd();
	struct stat st;
	char *data;
	size_t len;

	/* procfs says 0 bytes: the reader must grow, and stop at the limit. */
	if (stat(path, &st) || st.st_size) {
		fprintf(stderr, "  %s has a size: case skipped\n", path);
		return;
	}
	EXPECT_EQ(mv_file_read(path, 1 << 20, &data, &len, NULL, NULL), 0);
	EXPECT(len > 100 && data && strlen(data) == len &&
	       !strncmp(data, "Name:", 5));
	free(data);
	EXPECT(read_fails(path, 50, -EFBIG,
			  "file too large (more than 50 bytes)"));
	EXPECT_EQ(lowest_free_fd(), before);
}

TEST(only_regular_files)
{
	static const char *const names[] = { "fifo" };
	int before = lowest_free_fd();
	struct scratch s;

	EXPECT(scratch_open(&s));
	EXPECT(read_fails(scratch_path(&s, "missing"), 100, -ENOENT,
			  "cannot open: No such file or directory"));
	EXPECT(read_fails(s.dir, 100, -EISDIR, "not a regular file"));
	EXPECT(read_fails("/dev/null", 100, -EINVAL, "not a regular file"));
	/* A FIFO without a writer: refused at once, not waited for. */
	EXPECT_EQ(mkfifo(scratch_path(&s, "fifo"), 0600), 0);
	EXPECT(read_fails(scratch_path(&s, "fifo"), 100, -EINVAL,
			  "not a regular file"));
	scratch_close(&s, names, 1);
	EXPECT_EQ(lowest_free_fd(), before);
}

TEST(unreadable_file)
{
	static const char *const names[] = { "secret" };
	struct scratch s;
	const char *path;

	EXPECT(scratch_open(&s));
	path = make_file(&s, "secret", "x", 1, 0000);
	/* root reads anything: nothing to see there. */
	if (geteuid())
		EXPECT(read_fails(path, 100, -EACCES,
				  "cannot open: Permission denied"));
	scratch_close(&s, names, 1);
}

TEST_MAIN()
