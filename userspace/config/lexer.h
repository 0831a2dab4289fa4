/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration lexer: a file as "Variable = Value" entries and key
 * blocks, before anything knows what the variables mean.
 *
 * Syntax, as tinc: one "Variable = Value" per line ("Variable Value" and
 * "Variable=Value" too), '#' at the start of a line is a comment, blank
 * lines are ignored. meshvpn also accepts a trailing comment, a '#' with
 * whitespace on both sides ("Port = 655  # default"): tinc rejects such
 * values, so no valid tinc file changes meaning. Any other '#' is part of
 * the value, as in Subnet weights ("10.0.0.0/8#5"). PEM blocks
 * ("-----BEGIN X-----" ... "-----END X-----", crypto/pem.h) are kept
 * aside verbatim.
 */
#ifndef MESHVPN_CONFIG_LEXER_H
#define MESHVPN_CONFIG_LEXER_H

#include <stddef.h>

#include "lib/diag.h"

/* Longest accepted line, without its line end. */
#define MV_CONFIG_MAX_LINE		4096

struct mv_config_entry {
	char *variable;		/* as written */
	char *value;		/* trimmed, never empty */
	unsigned int line;
};

struct mv_config_file {
	char *path;
	struct mv_config_entry *entries;
	size_t n_entries;
	/*
	 * PEM blocks, BEGIN and END lines included, one '\n' after each line.
	 * Lines are kept as written except that surrounding whitespace and
	 * CRs are removed, which PEM readers need and the key never contains.
	 */
	char **pem_blocks;
	unsigned int *pem_lines;	/* line of each BEGIN */
	size_t n_pem_blocks;
};

/*
 * Split @buf into entries and key blocks. @path is used in messages and
 * may be NULL ("<buffer>"). Returns 0, -ENOMEM, or -EINVAL with
 * "PATH:LINE: message" in @diag (a NUL byte, a line longer than
 * MV_CONFIG_MAX_LINE, a line without a variable or a value, a broken key
 * block); on error @out is left empty.
 */
int mv_config_lex(const char *buf, size_t len, const char *path,
		  struct mv_config_file *out, struct mv_diag *diag);
void mv_config_file_free(struct mv_config_file *f);

#endif /* MESHVPN_CONFIG_LEXER_H */
