/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one PEM scanner: it finds "-----BEGIN LABEL-----" ... "-----END
 * LABEL-----" blocks in text and says what breaks their structure. It
 * does not decode them (OpenSSL does, crypto/identity.c).
 *
 * Two ways in:
 *  - line by line, mv_pem_scan_line(), for text with rules of its own
 *    between the blocks: the configuration lexer (config/lexer.c) keeps
 *    host files' key blocks aside this way;
 *  - block by block, mv_pem_next(), for key files, which may hold anything
 *    around their blocks, as OpenSSL reads them.
 *
 * A line is a BEGIN line if it starts with "-----BEGIN", an END line if
 * it starts with "-----END"; either must then be exactly "-----BEGIN
 * LABEL-----" or "-----END LABEL-----" with a non-empty LABEL, and an END
 * line must repeat the label of its BEGIN line. Blocks do not nest.
 */
#ifndef MESHVPN_PEM_H
#define MESHVPN_PEM_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

/* What a line is, given what came before it. */
enum mv_pem_line {
	MV_PEM_TEXT,		/* outside any block */
	MV_PEM_BEGIN,		/* a block starts */
	MV_PEM_BODY,		/* inside a block */
	MV_PEM_END,		/* the block ends */
	/* The line breaks the structure: */
	MV_PEM_BAD_BEGIN,	/* a BEGIN line of another shape */
	MV_PEM_STRAY_END,	/* an END line outside a block */
	MV_PEM_NESTED_BEGIN,	/* a BEGIN line inside a block */
	MV_PEM_BAD_END,		/* an END line that does not end the block */
	/* From mv_pem_scan_end(): the text ends inside a block. */
	MV_PEM_UNTERMINATED,
};

struct mv_pem_scanner {
	const char *label;	/* of the open block (in the text), or NULL */
	size_t label_len;
	unsigned int begin_line;	/* of the open block */
};

void mv_pem_scanner_init(struct mv_pem_scanner *sc);
/*
 * Line number @line, @s of @n bytes without its line end and surrounding
 * white space. After a BEGIN line the label points into @s, which must
 * stay valid until the block ends. A line that breaks the structure
 * leaves the scanner as it was, for mv_pem_report().
 */
enum mv_pem_line mv_pem_scan_line(struct mv_pem_scanner *sc, const char *s,
				  size_t n, unsigned int line);
/* At the end of the text: MV_PEM_UNTERMINATED or MV_PEM_TEXT. */
enum mv_pem_line mv_pem_scan_end(const struct mv_pem_scanner *sc);
/*
 * Put the error that @what (one of the errors above), found at line
 * @line, is into @diag as "FILE:LINE: message"; an unterminated block is
 * reported at its BEGIN line.
 */
void mv_pem_report(const struct mv_pem_scanner *sc, enum mv_pem_line what,
		   const char *file, unsigned int line, struct mv_diag *diag);

/* A block in a buffer, as mv_pem_next() finds it. */
struct mv_pem_block {
	const char *label;	/* not NUL-terminated */
	size_t label_len;
	const char *text;	/* BEGIN line to END line and its line end */
	size_t text_len;
	const char *body;	/* the lines in between, as written */
	size_t body_len;
	unsigned int line;	/* of the BEGIN line, from 1 */
	enum mv_pem_line error;	/* why mv_pem_next() failed */
};

/*
 * The next block at or after *@pos of @buf, skipping whatever is not in a
 * block, with lines counted in *@line (0 at the start); *@pos moves past
 * the block. Lines are trimmed of spaces, tabs and CRs. Returns 1 with @b
 * filled in, 0 when there is no further block, or -EINVAL for a block
 * that breaks the structure: @b->label, @b->line and @b->error say which.
 */
int mv_pem_next(const char *buf, size_t len, size_t *pos,
		unsigned int *line, struct mv_pem_block *b);
/*
 * The line at *@pos of @buf, trimmed as mv_pem_next() trims it; *@pos
 * moves past its line end. For walking a block's body.
 */
void mv_pem_next_line(const char *buf, size_t len, size_t *pos,
		      const char **s, size_t *n);
/* The label of a "-----BEGIN LABEL-----" line, or NULL. */
const char *mv_pem_begin_label(const char *s, size_t n, size_t *label_len);

#endif /* MESHVPN_PEM_H */
