/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meshvpn.yaml */
/* YNL-GEN userspace header */
/* To regenerate run: scripts/ynl-gen.py */

#ifndef MESHVPN_MESHVPN_NL_GEN_H
#define MESHVPN_MESHVPN_NL_GEN_H

#include <linux/meshvpn.h>

#include "netlink/nl.h"

/*
 * Reply policies, for mv_nla_parse(): the attributes the kernel may send in a
 * reply or notification of the spec, with their lengths. Attributes the kernel
 * only takes (the spec says "Input only": the socket, key material) have no
 * entry and are never read, whatever comes.
 */
extern const struct mv_nla_policy mv_meshvpn_top_pol[MESHVPN_A_MAX + 1];
extern const struct mv_nla_policy mv_meshvpn_device_pol[MESHVPN_A_DEVICE_MAX + 1];
extern const struct mv_nla_policy mv_meshvpn_node_pol[MESHVPN_A_NODE_MAX + 1];
extern const struct mv_nla_policy mv_meshvpn_keyconf_pol[MESHVPN_A_KEYCONF_MAX + 1];
extern const struct mv_nla_policy mv_meshvpn_route_pol[MESHVPN_A_ROUTE_MAX + 1];

#endif /* MESHVPN_MESHVPN_NL_GEN_H */
