/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MESHVPN_MAIN_H
#define _MESHVPN_MAIN_H

#define MESHVPN_VERSION "0.1.0"

#endif /* _MESHVPN_MAIN_H */
