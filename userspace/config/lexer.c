// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration lexer. Each line is checked (no NUL byte, not too
 * long), trimmed, then is either part of a key block, which the PEM
 * scanner recognises, a comment, or an assignment.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config/lexer.h"
#include "crypto/pem.h"
#include "lib/array.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void mv_config_file_free(struct mv_config_file *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_entries; i++) {
		free(f->entries[i].variable);
		free(f->entries[i].value);
	}
	free(f->entries);
	for (i = 0; i < f->n_pem_blocks; i++)
		free(f->pem_blocks[i]);
	free(f->pem_blocks);
	free(f->pem_lines);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

struct strbuf {
	char *s;
	size_t len, cap;
};

static int strbuf_add(struct strbuf *b, const char *s, size_t len)
{
	if (b->len + len + 2 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap < b->len + len + 2)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns)
			return -ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len++] = '\n';
	b->s[b->len] = '\0';
	return 0;
}

static int push_entry(struct mv_config_file *f, const char *var,
		      size_t varlen, const char *val, size_t vallen,
		      unsigned int line)
{
	struct mv_config_entry *e;

	e = mv_array_grow(f->entries, f->n_entries, sizeof(*e));
	if (!e)
		return -ENOMEM;
	f->entries = e;
	e = &f->entries[f->n_entries];
	e->variable = strndup(var, varlen);
	e->value = strndup(val, vallen);
	e->line = line;
	if (!e->variable || !e->value) {
		free(e->variable);
		free(e->value);
		return -ENOMEM;
	}
	f->n_entries++;
	return 0;
}

static int push_pem(struct mv_config_file *f, struct strbuf *b,
		    unsigned int line)
{
	char **blocks;
	unsigned int *lines;

	blocks = mv_array_grow(f->pem_blocks, f->n_pem_blocks, sizeof(*blocks));
	if (!blocks)
		return -ENOMEM;
	f->pem_blocks = blocks;
	lines = mv_array_grow(f->pem_lines, f->n_pem_blocks, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	f->pem_lines = lines;
	f->pem_blocks[f->n_pem_blocks] = b->s;
	f->pem_lines[f->n_pem_blocks] = line;
	f->n_pem_blocks++;
	memset(b, 0, sizeof(*b));
	return 0;
}

/* One "Variable [=] Value" line, already trimmed and non-empty. */
static int lex_assignment(struct mv_config_file *f, const char *s,
			  const char *e, unsigned int lineno,
			  struct mv_diag *diag)
{
	const char *var = s, *val, *c;
	size_t varlen;

	while (s < e && !is_blank(*s) && *s != '=')
		s++;
	varlen = (size_t)(s - var);
	if (!varlen) {
		mv_diag_error(diag, f->path, lineno, "missing variable name");
		return -EINVAL;
	}
	while (s < e && is_blank(*s))
		s++;
	if (s < e && *s == '=')
		s++;
	while (s < e && is_blank(*s))
		s++;
	val = s;

	/*
	 * A trailing comment is a '#' with whitespace on both sides (or the
	 * line end after it): "10.0.0.0/8#5" keeps its weight, and the typo
	 * "10.0.0.0/8 #5" stays an error instead of silently losing it.
	 * c[-1] is always inside the line, as the variable precedes val.
	 */
	for (c = val; c < e; c++) {
		if (*c == '#' && is_blank(c[-1]) &&
		    (c + 1 == e || is_blank(c[1]))) {
			e = c;
			break;
		}
	}
	while (e > val && is_blank(e[-1]))
		e--;
	if (e == val) {
		mv_diag_error(diag, f->path, lineno,
			      "no value for variable %.*s",
			      (int)varlen, var);
		return -EINVAL;
	}
	return push_entry(f, var, varlen, val, (size_t)(e - val), lineno);
}

int mv_config_lex(const char *buf, size_t len, const char *path,
		  struct mv_config_file *out, struct mv_diag *diag)
{
	const char *p = buf, *end = buf + len;
	struct mv_pem_scanner pem_scan;
	struct strbuf pem = { 0 };
	enum mv_pem_line what;
	unsigned int lineno = 0, pem_line = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->path = strdup(path ? path : "<buffer>");
	if (!out->path)
		return -ENOMEM;
	mv_pem_scanner_init(&pem_scan);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;
		size_t ll = (size_t)(le - p);

		lineno++;
		p = nl ? nl + 1 : end;

		if (memchr(s, '\0', ll)) {
			mv_diag_error(diag, out->path, lineno,
				      "NUL byte in line");
			ret = -EINVAL;
			goto fail;
		}
		if (ll && s[ll - 1] == '\r')
			ll--;
		if (ll > MV_CONFIG_MAX_LINE) {
			mv_diag_error(diag, out->path, lineno,
				      "line too long (more than %u characters)",
				      MV_CONFIG_MAX_LINE);
			ret = -EINVAL;
			goto fail;
		}
		while (s < e && is_blank(*s))
			s++;
		while (e > s && (is_blank(e[-1]) || e[-1] == '\r'))
			e--;
		ll = (size_t)(e - s);

		/* Inside a key block, blank and '#' lines are the key's. */
		if (!pem_scan.label && (!ll || *s == '#'))
			continue;

		what = mv_pem_scan_line(&pem_scan, s, ll, lineno);
		switch (what) {
		case MV_PEM_TEXT:
			ret = lex_assignment(out, s, e, lineno, diag);
			break;
		case MV_PEM_BEGIN:
			pem_line = lineno;
			ret = strbuf_add(&pem, s, ll);
			break;
		case MV_PEM_BODY:
			ret = strbuf_add(&pem, s, ll);
			break;
		case MV_PEM_END:
			ret = strbuf_add(&pem, s, ll);
			if (!ret)
				ret = push_pem(out, &pem, pem_line);
			break;
		default:
			mv_pem_report(&pem_scan, what, out->path, lineno, diag);
			ret = -EINVAL;
			break;
		}
		if (ret)
			goto fail;
	}

	what = mv_pem_scan_end(&pem_scan);
	if (what != MV_PEM_TEXT) {
		mv_pem_report(&pem_scan, what, out->path, lineno, diag);
		ret = -EINVAL;
		goto fail;
	}
	return 0;

fail:
	free(pem.s);
	mv_config_file_free(out);
	return ret;
}
