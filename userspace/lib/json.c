// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer; see json.h for the contract.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lib/json.h"

void mv_json_init(struct mv_json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void newline_indent(struct mv_json *j, int depth)
{
	int i;

	if (!j->pretty)
		return;
	putc('\n', j->out);
	for (i = 0; i < depth; i++)
		fputs("  ", j->out);
}

/*
 * Called before every value: checks that a value may come here and writes
 * the separator in front of it. Returns false (and marks the writer
 * failed) when it may not.
 */
static bool begin_value(struct mv_json *j)
{
	if (j->failed)
		return false;
	if (j->depth == 0) {
		if (j->done) {
			j->failed = true;
			return false;
		}
		return true;
	}
	if (j->level[j->depth - 1].close == '}') {
		/* Object members need a key first. */
		if (!j->key_pending) {
			j->failed = true;
			return false;
		}
		j->key_pending = false;
		return true;
	}
	if (j->level[j->depth - 1].nonempty)
		putc(',', j->out);
	j->level[j->depth - 1].nonempty = true;
	newline_indent(j, j->depth);
	return true;
}

static void end_value(struct mv_json *j)
{
	if (j->depth == 0)
		j->done = true;
}

static void begin_container(struct mv_json *j, char open, char close)
{
	if (!begin_value(j))
		return;
	if (j->depth == MV_JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	putc(open, j->out);
	j->level[j->depth].close = close;
	j->level[j->depth].nonempty = false;
	j->depth++;
}

static void end_container(struct mv_json *j, char close)
{
	if (j->failed)
		return;
	if (j->depth == 0 || j->level[j->depth - 1].close != close ||
	    j->key_pending) {
		j->failed = true;
		return;
	}
	j->depth--;
	if (j->level[j->depth].nonempty)
		newline_indent(j, j->depth);
	putc(close, j->out);
	end_value(j);
}

void mv_json_begin_object(struct mv_json *j)
{
	begin_container(j, '{', '}');
}

void mv_json_end_object(struct mv_json *j)
{
	end_container(j, '}');
}

void mv_json_begin_array(struct mv_json *j)
{
	begin_container(j, '[', ']');
}

void mv_json_end_array(struct mv_json *j)
{
	end_container(j, ']');
}

/*
 * Length of the valid UTF-8 sequence at @s (at most @len bytes), or 0.
 * RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void put_string(struct mv_json *j, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	putc('"', j->out);
	while (i < len) {
		unsigned char c = s[i];

		switch (c) {
		case '"':
			fputs("\\\"", j->out);
			break;
		case '\\':
			fputs("\\\\", j->out);
			break;
		case '\b':
			fputs("\\b", j->out);
			break;
		case '\f':
			fputs("\\f", j->out);
			break;
		case '\n':
			fputs("\\n", j->out);
			break;
		case '\r':
			fputs("\\r", j->out);
			break;
		case '\t':
			fputs("\\t", j->out);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				/* DEL is legal JSON, but not for a terminal. */
				fprintf(j->out, "\\u%04x", c);
			} else if (c < 0x80) {
				putc(c, j->out);
			} else {
				n = utf8_len(s + i, len - i);
				if (!n) {
					fputs("\\ufffd", j->out);
					break;
				}
				fwrite(s + i, 1, n, j->out);
				i += n;
				continue;
			}
		}
		i++;
	}
	putc('"', j->out);
}

void mv_json_key(struct mv_json *j, const char *key)
{
	struct mv_json_level *lvl;

	if (j->failed)
		return;
	if (j->depth == 0 || j->level[j->depth - 1].close != '}' ||
	    j->key_pending) {
		j->failed = true;
		return;
	}
	lvl = &j->level[j->depth - 1];
	if (lvl->nonempty)
		putc(',', j->out);
	lvl->nonempty = true;
	newline_indent(j, j->depth);
	put_string(j, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->out);
	j->key_pending = true;
}

void mv_json_string_len(struct mv_json *j, const char *s, size_t len)
{
	if (!begin_value(j))
		return;
	put_string(j, s, len);
	end_value(j);
}

void mv_json_string(struct mv_json *j, const char *s)
{
	mv_json_string_len(j, s, strlen(s));
}

void mv_json_u64(struct mv_json *j, uint64_t v)
{
	if (!begin_value(j))
		return;
	fprintf(j->out, "%" PRIu64, v);
	end_value(j);
}

void mv_json_i64(struct mv_json *j, int64_t v)
{
	if (!begin_value(j))
		return;
	fprintf(j->out, "%" PRId64, v);
	end_value(j);
}

void mv_json_bool(struct mv_json *j, bool v)
{
	if (!begin_value(j))
		return;
	fputs(v ? "true" : "false", j->out);
	end_value(j);
}

void mv_json_null(struct mv_json *j)
{
	if (!begin_value(j))
		return;
	fputs("null", j->out);
	end_value(j);
}

void mv_json_kv_string(struct mv_json *j, const char *key, const char *s)
{
	mv_json_key(j, key);
	mv_json_string(j, s);
}

void mv_json_kv_u64(struct mv_json *j, const char *key, uint64_t v)
{
	mv_json_key(j, key);
	mv_json_u64(j, v);
}

void mv_json_kv_bool(struct mv_json *j, const char *key, bool v)
{
	mv_json_key(j, key);
	mv_json_bool(j, v);
}

int mv_json_finish(struct mv_json *j)
{
	if (j->failed || !j->done || j->depth)
		return -EINVAL;
	putc('\n', j->out);
	if (fflush(j->out) || ferror(j->out))
		return -EIO;
	return 0;
}
