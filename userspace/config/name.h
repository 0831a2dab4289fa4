/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Node names: tinc's rule for what a name is, and the expansion of a
 * Name value ("$HOST", "$VAR").
 */
#ifndef MESHVPN_CONFIG_NAME_H
#define MESHVPN_CONFIG_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* tinc's node name rule: [A-Za-z0-9_]+ */
bool mv_config_valid_name(const char *name);

/*
 * Expand a Name value: "$HOST" is the HOST environment variable or else
 * gethostname(), "$VAR" is the environment variable VAR; in both cases
 * every character that is not a letter or digit becomes '_'. Anything
 * else is taken as is. The result must be a valid node name. Returns 0
 * with a malloc()ed *@out, or -EINVAL / -ENOMEM with a reason in @err.
 */
int mv_config_expand_name(const char *value, char **out, char *err,
			  size_t errlen);

#endif /* MESHVPN_CONFIG_NAME_H */
