/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer (RFC 8259) for the --json output of the
 * tool and the daemon.
 *
 * Values are written as they come, so nothing is buffered; the writer
 * tracks nesting to place commas and indentation and to catch misuse (a
 * value without a key inside an object, unbalanced ends, two top-level
 * values), which it reports from mv_json_finish() instead of printing
 * invalid JSON silently. Strings are escaped and always valid UTF-8:
 * invalid bytes become U+FFFD, since interface names may hold any byte.
 */
#ifndef MESHVPN_JSON_H
#define MESHVPN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MV_JSON_MAX_DEPTH	16

struct mv_json_level {
	char close;		/* '}' or ']' */
	bool nonempty;		/* a member was written: the next needs a comma */
};

struct mv_json {
	FILE *out;
	bool pretty;		/* newlines and two-space indentation */
	bool failed;		/* misuse seen: the output is not valid JSON */
	bool key_pending;	/* inside an object, a key awaits its value */
	bool done;		/* the top-level value is complete */
	int depth;
	struct mv_json_level level[MV_JSON_MAX_DEPTH];
};

void mv_json_init(struct mv_json *j, FILE *out, bool pretty);

void mv_json_begin_object(struct mv_json *j);
void mv_json_end_object(struct mv_json *j);
void mv_json_begin_array(struct mv_json *j);
void mv_json_end_array(struct mv_json *j);

/* The key of the next member of the current object. */
void mv_json_key(struct mv_json *j, const char *key);

void mv_json_string(struct mv_json *j, const char *s);
/* @len bytes of @s, which may contain NUL bytes. */
void mv_json_string_len(struct mv_json *j, const char *s, size_t len);
void mv_json_u64(struct mv_json *j, uint64_t v);
void mv_json_i64(struct mv_json *j, int64_t v);
void mv_json_bool(struct mv_json *j, bool v);
void mv_json_null(struct mv_json *j);

/* Key and value in one call, for object members. */
void mv_json_kv_string(struct mv_json *j, const char *key, const char *s);
void mv_json_kv_u64(struct mv_json *j, const char *key, uint64_t v);
void mv_json_kv_bool(struct mv_json *j, const char *key, bool v);

/*
 * End the document with a newline and flush. Returns 0, -EINVAL if the
 * document is incomplete or the writer was misused, -EIO on a write error.
 */
int mv_json_finish(struct mv_json *j);

#endif /* MESHVPN_JSON_H */
