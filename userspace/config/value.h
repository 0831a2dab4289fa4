/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syntax of configuration values, as pure checks: the variable table
 * (config/vars.c) turns a false into "invalid VARIABLE ..." with the file
 * and line.
 */
#ifndef MESHVPN_CONFIG_VALUE_H
#define MESHVPN_CONFIG_VALUE_H

#include <stdbool.h>
#include <stdint.h>

/* A decimal number from 0 to @max. */
bool mv_config_parse_uint(const char *s, unsigned int max, unsigned int *out);
/* A port number from @min to 65535. */
bool mv_config_parse_port(const char *s, unsigned int min, uint16_t *out);
/* yes/true/on or no/false/off, in any case. */
bool mv_config_parse_bool(const char *s, bool *out);
/* Linux's rule for interface names (dev_valid_name). */
bool mv_config_valid_ifname(const char *s);
/*
 * An IP literal (IPv6 with an optional %scope) or a DNS name; false with
 * the reason in *@why.
 */
bool mv_config_valid_host(const char *s, const char **why);
/* 32 bytes in tinc 1.1's base64, as Ed25519PublicKey has them. */
bool mv_config_valid_ed25519_key(const char *s);

#endif /* MESHVPN_CONFIG_VALUE_H */
