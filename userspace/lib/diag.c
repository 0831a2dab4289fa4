// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics: messages are formatted once, with their "FILE:LINE: "
 * prefix, when they are recorded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/diag.h"

void mv_diag_init(struct mv_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void mv_diag_free(struct mv_diag *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_warnings; i++)
		free(d->warnings[i]);
	free(d->warnings);
	free(d->error);
	mv_diag_init(d);
}

static __attribute__((format(printf, 3, 0))) char *
diag_format(const char *file, unsigned int line, const char *fmt, va_list ap)
{
	char prefix[64];
	const char *f = file ? file : "";
	va_list aq;
	int plen = 0, mlen;
	size_t flen = strlen(f);
	char *msg;

	if (file && line)
		plen = snprintf(prefix, sizeof(prefix), ":%u: ", line);
	else if (file)
		plen = snprintf(prefix, sizeof(prefix), ": ");
	va_copy(aq, ap);
	mlen = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (mlen < 0 || plen < 0)
		return NULL;
	msg = malloc(flen + (size_t)plen + (size_t)mlen + 1);
	if (!msg)
		return NULL;
	memcpy(msg, f, flen);
	memcpy(msg + flen, prefix, (size_t)plen);
	vsnprintf(msg + flen + plen, (size_t)mlen + 1, fmt, ap);
	return msg;
}

void mv_diag_warn(struct mv_diag *d, const char *file, unsigned int line,
		  const char *fmt, ...)
{
	va_list ap;
	char *msg, **w;

	if (!d)
		return;
	if (d->n_warnings >= MV_DIAG_MAX_WARNINGS) {
		d->n_dropped++;
		return;
	}
	va_start(ap, fmt);
	msg = diag_format(file, line, fmt, ap);
	va_end(ap);
	if (!msg)
		return;
	w = mv_array_grow(d->warnings, d->n_warnings, sizeof(*w));
	if (!w) {
		free(msg);
		return;
	}
	d->warnings = w;
	d->warnings[d->n_warnings++] = msg;
}

void mv_diag_error(struct mv_diag *d, const char *file, unsigned int line,
		   const char *fmt, ...)
{
	va_list ap;

	if (!d || d->error)
		return;
	va_start(ap, fmt);
	d->error = diag_format(file, line, fmt, ap);
	va_end(ap);
}
