/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MESHVPN_ARRAY_H
#define MESHVPN_ARRAY_H

/* The number of elements of an array (an array, not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* MESHVPN_ARRAY_H */
