// SPDX-License-Identifier: GPL-2.0
/*
 * PEM structure, line by line: a small state machine (in a block or not)
 * that both the configuration lexer and the key file reader drive, so
 * that a host file and a key file agree on what a key block is.
 */
#include <errno.h>
#include <string.h>

#include "crypto/pem.h"

#define DASHES		"-----"
#define DASHES_LEN	(sizeof(DASHES) - 1)

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && !memcmp(s, prefix, pl);
}

/*
 * "-----KIND LABEL-----": the label, or NULL when the line does not have
 * that shape.
 */
static const char *marker_label(const char *s, size_t n, const char *kind,
				size_t *label_len)
{
	size_t kl = strlen(kind), head = DASHES_LEN + kl + 1;

	if (n <= head + DASHES_LEN || memcmp(s, DASHES, DASHES_LEN) ||
	    memcmp(s + DASHES_LEN, kind, kl) || s[DASHES_LEN + kl] != ' ' ||
	    memcmp(s + n - DASHES_LEN, DASHES, DASHES_LEN))
		return NULL;
	*label_len = n - head - DASHES_LEN;
	return s + head;
}

const char *mv_pem_begin_label(const char *s, size_t n, size_t *label_len)
{
	return marker_label(s, n, "BEGIN", label_len);
}

void mv_pem_scanner_init(struct mv_pem_scanner *sc)
{
	memset(sc, 0, sizeof(*sc));
}

enum mv_pem_line mv_pem_scan_line(struct mv_pem_scanner *sc, const char *s,
				  size_t n, unsigned int line)
{
	bool begin = starts_with(s, n, DASHES "BEGIN");
	bool end = starts_with(s, n, DASHES "END");
	const char *label;
	size_t label_len;

	if (!sc->label) {
		if (end)
			return MV_PEM_STRAY_END;
		if (!begin)
			return MV_PEM_TEXT;
		label = marker_label(s, n, "BEGIN", &label_len);
		if (!label)
			return MV_PEM_BAD_BEGIN;
		sc->label = label;
		sc->label_len = label_len;
		sc->begin_line = line;
		return MV_PEM_BEGIN;
	}
	if (begin)
		return MV_PEM_NESTED_BEGIN;
	if (!end)
		return MV_PEM_BODY;
	label = marker_label(s, n, "END", &label_len);
	if (!label || label_len != sc->label_len ||
	    memcmp(label, sc->label, label_len))
		return MV_PEM_BAD_END;
	mv_pem_scanner_init(sc);
	return MV_PEM_END;
}

enum mv_pem_line mv_pem_scan_end(const struct mv_pem_scanner *sc)
{
	return sc->label ? MV_PEM_UNTERMINATED : MV_PEM_TEXT;
}

void mv_pem_report(const struct mv_pem_scanner *sc, enum mv_pem_line what,
		   const char *file, unsigned int line, struct mv_diag *diag)
{
	int label_len = (int)sc->label_len;

	switch (what) {
	case MV_PEM_BAD_BEGIN:
		mv_diag_error(diag, file, line,
			      "malformed key block start (expected \"-----BEGIN LABEL-----\")");
		break;
	case MV_PEM_STRAY_END:
		mv_diag_error(diag, file, line,
			      "key block end without a \"-----BEGIN\" line");
		break;
	case MV_PEM_NESTED_BEGIN:
		mv_diag_error(diag, file, line,
			      "key block starts inside the key block of line %u",
			      sc->begin_line);
		break;
	case MV_PEM_BAD_END:
		mv_diag_error(diag, file, line,
			      "key block end does not match \"-----BEGIN %.*s-----\" of line %u",
			      label_len, sc->label, sc->begin_line);
		break;
	case MV_PEM_UNTERMINATED:
		mv_diag_error(diag, file, sc->begin_line,
			      "unterminated key block (no \"-----END %.*s-----\" line)",
			      label_len, sc->label);
		break;
	default:
		break;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void mv_pem_next_line(const char *buf, size_t len, size_t *pos,
		      const char **s, size_t *n)
{
	const char *start = buf + *pos, *end;
	const char *nl = memchr(start, '\n', len - *pos);

	end = nl ? nl : buf + len;
	*pos = (size_t)(end - buf) + (nl ? 1 : 0);
	while (start < end && is_blank(*start))
		start++;
	while (end > start && is_blank(end[-1]))
		end--;
	*s = start;
	*n = (size_t)(end - start);
}

int mv_pem_next(const char *buf, size_t len, size_t *pos,
		unsigned int *line, struct mv_pem_block *b)
{
	struct mv_pem_scanner sc;
	enum mv_pem_line what;
	size_t start;
	const char *s;
	size_t n;

	mv_pem_scanner_init(&sc);
	memset(b, 0, sizeof(*b));
	while (*pos < len) {
		start = *pos;
		mv_pem_next_line(buf, len, pos, &s, &n);
		++*line;
		what = mv_pem_scan_line(&sc, s, n, *line);
		switch (what) {
		case MV_PEM_TEXT:
		case MV_PEM_BAD_BEGIN:
		case MV_PEM_STRAY_END:
			/* Not a block: key files may hold anything else. */
			break;
		case MV_PEM_BEGIN:
			b->label = sc.label;
			b->label_len = sc.label_len;
			b->line = *line;
			b->text = buf + start;
			b->body = buf + *pos;
			break;
		case MV_PEM_BODY:
			break;
		case MV_PEM_END:
			b->text_len = (size_t)(buf + *pos - b->text);
			b->body_len = (size_t)(buf + start - b->body);
			return 1;
		default:
			b->error = what;
			return -EINVAL;
		}
	}
	if (mv_pem_scan_end(&sc) == MV_PEM_UNTERMINATED) {
		b->error = MV_PEM_UNTERMINATED;
		return -EINVAL;
	}
	return 0;
}
