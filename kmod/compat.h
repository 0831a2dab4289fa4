/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module builds against every kernel from 6.1 on. Each difference
 * between those kernels is named here once, as a feature, so the rest of the
 * code reads the same on all of them.
 */
#ifndef _MESHVPN_COMPAT_H
#define _MESHVPN_COMPAT_H

#include <linux/timer.h>
#include <linux/version.h>

/* 6.12: the unaligned access helpers moved to linux/. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.5: skb_gso_segment() moved to net/gso.h. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>
#endif

/* 6.6: the core allocates and reports per-CPU tstats (pcpu_stat_type). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define MESHVPN_HAVE_CORE_TSTATS 1
#endif

/* 6.12: NETIF_F_LLTX became the dev->lltx flag. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define MESHVPN_HAVE_DEV_LLTX 1
#endif

/* 6.6: a dump's parsed request moved into a struct genl_info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define meshvpn_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define meshvpn_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * 6.2: a family's pre_doit and post_doit get the op as a struct
 * genl_split_ops (one of its do and dump halves); before, as the struct
 * genl_ops it was registered with.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define genl_split_ops genl_ops
#endif

/* 6.16: from_timer() became timer_container_of(). */
#ifndef from_timer
#define from_timer(var, timer, field) timer_container_of(var, timer, field)
#endif

#endif /* _MESHVPN_COMPAT_H */
