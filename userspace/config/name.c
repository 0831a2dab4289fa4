// SPDX-License-Identifier: GPL-2.0
/* Node names, as tinc has them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/name.h"

/* ASCII only: locale must not change what a valid name is. */
static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

bool mv_config_valid_name(const char *name)
{
	if (!name || !*name)
		return false;
	for (; *name; name++)
		if (!is_alnum((unsigned char)*name) && *name != '_')
			return false;
	return true;
}

int mv_config_expand_name(const char *value, char **out, char *err,
			  size_t errlen)
{
	char host[256];
	const char *src = value;
	char *name, *c;

	*out = NULL;
	if (value[0] == '$') {
		const char *var = value + 1;

		if (!*var) {
			snprintf(err, errlen,
				 "\"$\" must be followed by a variable name");
			return -EINVAL;
		}
		src = getenv(var);
		if (!src && !strcmp(var, "HOST")) {
			if (gethostname(host, sizeof(host))) {
				snprintf(err, errlen,
					 "cannot get the host name: %s",
					 strerror(errno));
				return -EINVAL;
			}
			host[sizeof(host) - 1] = '\0';
			src = host;
		}
		if (!src) {
			snprintf(err, errlen,
				 "environment variable %s is not set", var);
			return -EINVAL;
		}
	}

	name = strdup(src);
	if (!name)
		return -ENOMEM;
	/* tinc's rule: environment values are made into names, not refused. */
	if (src != value)
		for (c = name; *c; c++)
			if (!is_alnum((unsigned char)*c))
				*c = '_';
	if (!*name) {
		snprintf(err, errlen, "%s expands to an empty name", value);
		free(name);
		return -EINVAL;
	}
	if (!mv_config_valid_name(name)) {
		snprintf(err, errlen,
			 "only letters, digits and '_' are allowed in node names");
		free(name);
		return -EINVAL;
	}
	*out = name;
	return 0;
}
