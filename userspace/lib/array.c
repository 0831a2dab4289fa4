// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"

void *mv_array_grow(void *base, size_t n, size_t elsize)
{
	size_t cap;

	/* Full only at 4, 8, 16...: the capacity doubles then. */
	if (n && (n < 4 || (n & (n - 1))))
		return base;
	cap = n ? n * 2 : 4;
	if (cap > SIZE_MAX / elsize)
		return NULL;
	return realloc(base, cap * elsize);
}

int mv_array_push_string(char ***arr, size_t *n, const char *s)
{
	char **a = mv_array_grow(*arr, *n, sizeof(**arr));
	char *copy;

	if (!a)
		return -ENOMEM;
	*arr = a;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	a[(*n)++] = copy;
	return 0;
}
