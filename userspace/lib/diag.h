/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics of a parser or loader: the warnings it gave, in order, and
 * its first error, each as "FILE:LINE: message". Callers decide where
 * they go (the log, stderr, a test's assertion).
 *
 * The configuration, the key files and the TUN device report through it,
 * so it lives below all of them.
 */
#ifndef MESHVPN_DIAG_H
#define MESHVPN_DIAG_H

#include <stddef.h>

/* Warnings kept per mv_diag; later ones are only counted. */
#define MV_DIAG_MAX_WARNINGS		256

struct mv_diag {
	char **warnings;	/* "FILE:LINE: message", in order */
	size_t n_warnings;
	size_t n_dropped;	/* warnings beyond MV_DIAG_MAX_WARNINGS */
	char *error;		/* the first error, or NULL */
};

void mv_diag_init(struct mv_diag *d);
void mv_diag_free(struct mv_diag *d);
/*
 * Record a message. @file may be NULL and @line 0 when they do not apply;
 * the prefix is then "FILE: " or nothing. A NULL @d discards the message.
 * Only the first error is kept; running out of memory loses the message.
 */
void mv_diag_warn(struct mv_diag *d, const char *file, unsigned int line,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void mv_diag_error(struct mv_diag *d, const char *file, unsigned int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* MESHVPN_DIAG_H */
