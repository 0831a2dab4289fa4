/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arrays: the element count of a fixed array, and growable arrays whose
 * capacity is implied by their length, so a struct needs no capacity
 * field beside the pointer and the count.
 */
#ifndef MESHVPN_ARRAY_H
#define MESHVPN_ARRAY_H

#include <stddef.h>

/* The number of elements of an array (an array, not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Make index @n of the array at @base (holding @n elements of @elsize
 * bytes) usable. The capacity is max(4, the next power of two of @n).
 * Returns the new base, or NULL with @base untouched.
 */
void *mv_array_grow(void *base, size_t n, size_t elsize);

/*
 * Append a copy of @s to the string array *@arr of *@n strings, grown as
 * mv_array_grow() grows arrays. Returns 0 or -ENOMEM (nothing appended).
 */
int mv_array_push_string(char ***arr, size_t *n, const char *s);

#endif /* MESHVPN_ARRAY_H */
