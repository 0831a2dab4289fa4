/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding the scripts of a network directory, under meshvpn's names or
 * tinc's. Running them is the daemon's (daemon/script.c).
 */
#ifndef MESHVPN_CONFIG_SCRIPT_H
#define MESHVPN_CONFIG_SCRIPT_H

#include "lib/diag.h"

/*
 * Find a script in @confdir. @script "up" and "down" mean meshvpn-up /
 * meshvpn-down, or else tinc's tinc-up / tinc-down (a warning names the
 * ignored one when both exist); any other name ("host-up",
 * "hosts/alice-down", "subnet-up") is looked up as is. Returns 1 with a
 * malloc()ed *@path, 0 when there is no such script (*@path NULL), or a
 * negative errno. A script that exists but is not executable is returned
 * with a warning, so that running it reports the real problem.
 */
int mv_config_find_script(const char *confdir, const char *script,
			  char **path, struct mv_diag *diag);

#endif /* MESHVPN_CONFIG_SCRIPT_H */
