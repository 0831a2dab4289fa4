/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module builds against every kernel from 6.1 on. Each difference
 * between those kernels is named here once, as a feature, so the rest of the
 * code reads the same on all of them.
 */
#ifndef _MESHVPN_COMPAT_H
#define _MESHVPN_COMPAT_H

#include <linux/version.h>

/* 6.6: the core allocates and reports per-CPU tstats (pcpu_stat_type). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define MESHVPN_HAVE_CORE_TSTATS 1
#endif

/* 6.12: NETIF_F_LLTX became the dev->lltx flag. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define MESHVPN_HAVE_DEV_LLTX 1
#endif

#endif /* _MESHVPN_COMPAT_H */
