// SPDX-License-Identifier: GPL-2.0
/*
 * The man pages against the daemon's own tables, so that they cannot
 * drift apart again: the signals of meshvpnd(8)'s SIGNALS section are
 * exactly those the daemon handles or ignores (mv_signals[]), the list of
 * "-k SIGNAL" is exactly what -k sends, and every configuration variable
 * either page names in bold is one the configuration parser knows
 * (mv_config_vars[]), and the script variables of SCRIPTS are exactly
 * those the daemon sets (mv_script_vars[]).
 */
#include <ctype.h>
#include <stdlib.h>

#include "config/config.h"
#include "config/vars.h"
#include "daemon/daemon.h"
#include "daemon/script.h"
#include "lib/array.h"
#include "test.h"

#define MAN_MAX		(256 * 1024)
#define NAMES_MAX	128
#define NAME_LEN	64

struct names {
	char name[NAMES_MAX][NAME_LEN];
	size_t n;
};

/* Documentation/man/@page, found from this file's own path. */
static char *read_page(const char *page)
{
	char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof(path), "%.*s/../../Documentation/man/%s",
		 (int)(slash - __FILE__), __FILE__, page);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = calloc(1, MAN_MAX + 1);
	n = buf ? fread(buf, 1, MAN_MAX, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

/* The text from the line "# @title" to the next section, or NULL. */
static char *section(const char *page, const char *title)
{
	char head[64];
	const char *start, *end;

	snprintf(head, sizeof(head), "\n# %s\n", title);
	start = strstr(page, head);
	if (!start)
		return NULL;
	start += strlen(head);
	end = strstr(start, "\n# ");
	return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

static bool has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcasecmp(s->name[i], name))
			return true;
	return false;
}

static void add(struct names *s, const char *name, size_t len)
{
	char word[NAME_LEN];

	if (len >= NAME_LEN || s->n == NAMES_MAX)
		return;
	memcpy(word, name, len);
	word[len] = 0;
	if (!has(s, word))
		strcpy(s->name[s->n++], word);
}

/* Every "**WORD**" of [@p, @end) whose characters all pass @ok. */
static void bold_words(const char *p, const char *end, int (*ok)(int),
		       struct names *out)
{
	while ((p = strstr(p, "**")) && p < end) {
		const char *w = p + 2, *close = strstr(w, "**");
		const char *c;

		if (!close || close > end)
			return;
		for (c = w; c < close && ok((unsigned char)*c); c++)
			;
		if (c == close && close > w)
			add(out, w, close - w);
		p = close + 2;
	}
}

static int is_signal_char(int c)
{
	return isupper(c) || isdigit(c);
}

static int is_variable_char(int c)
{
	return isalnum(c);
}

/* A configuration variable's spelling: Capitalised, with lower case. */
static bool looks_like_variable(const char *w)
{
	const char *c;

	if (!isupper((unsigned char)w[0]))
		return false;
	for (c = w; *c; c++)
		if (islower((unsigned char)*c))
			return true;
	return false;
}

TEST(signals_section_is_what_the_daemon_handles)
{
	char *page = read_page("meshvpnd.8.md");
	char *sigs = page ? section(page, "SIGNALS") : NULL;
	struct names documented = { 0 };
	const char *line;
	size_t i;

	EXPECT(sigs != NULL);
	if (!sigs) {
		free(page);
		return;
	}
	/* The terms of the definition list: lines that start in bold. */
	for (line = sigs; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, "**", 2))
			bold_words(line, strchrnul(line, '\n'), is_signal_char,
				   &documented);
	for (i = 0; i < documented.n; i++) {
		bool known = false;

		for (size_t k = 0; k < mv_n_signals; k++)
			known |= !strcmp(mv_signals[k].name, documented.name[i]) &&
				 mv_signals[k].action != MV_SIGNAL_DEFAULT;
		if (!known)
			fprintf(stderr, "  SIGNALS documents %s, which meshvpnd does not handle\n",
				documented.name[i]);
		EXPECT(known);
	}
	for (i = 0; i < mv_n_signals; i++) {
		if (mv_signals[i].action == MV_SIGNAL_DEFAULT)
			continue;
		if (!has(&documented, mv_signals[i].name))
			fprintf(stderr, "  SIGNALS does not document %s\n", mv_signals[i].name);
		EXPECT(has(&documented, mv_signals[i].name));
	}
	free(sigs);
	free(page);
}

TEST(kill_option_lists_what_minus_k_sends)
{
	char *page = read_page("meshvpnd.8.md");
	char *opts = page ? section(page, "OPTIONS") : NULL;
	const char *from = opts ? strstr(opts, "*SIGNAL* is") : NULL;
	const char *to = from ? strstr(from, "with or without") : NULL;
	struct names listed = { 0 };
	size_t i, by_kill = 0;

	EXPECT(from && to);
	if (from && to) {
		bold_words(from, to, is_signal_char, &listed);
		for (i = 0; i < mv_n_signals; i++) {
			if (!mv_signals[i].by_kill)
				continue;
			by_kill++;
			if (!has(&listed, mv_signals[i].name))
				fprintf(stderr, "  -k's list lacks %s\n", mv_signals[i].name);
			EXPECT(has(&listed, mv_signals[i].name));
		}
		if (listed.n != by_kill)
			fprintf(stderr, "  -k's list names %zu signals, -k sends %zu\n",
				listed.n, by_kill);
		EXPECT_EQ(listed.n, by_kill);
	}
	free(opts);
	free(page);
}

static void check_variables(const char *file, bool *unit_failed)
{
	char *page = read_page(file);
	struct names words = { 0 };
	size_t i, k;

	EXPECT(page != NULL);
	if (!page)
		return;
	bold_words(page, page + strlen(page), is_variable_char, &words);
	for (i = 0; i < words.n; i++) {
		bool known = false;

		if (!looks_like_variable(words.name[i]))
			continue;
		for (k = 0; k < MV_CONFIG_N_VARS; k++)
			known |= !strcasecmp(mv_config_vars[k].name, words.name[i]);
		if (!known)
			fprintf(stderr, "  %s names %s, which is no configuration variable\n",
				file, words.name[i]);
		EXPECT(known);
	}
	free(page);
}

TEST(variables_in_meshvpnd_8_exist)
{
	check_variables("meshvpnd.8.md", unit_failed);
}

TEST(variables_in_meshvpn_8_exist)
{
	check_variables("meshvpn.8.md", unit_failed);
}

TEST(script_variables_are_what_scripts_get)
{
	char *page = read_page("meshvpnd.8.md");
	char *scripts = page ? section(page, "SCRIPTS") : NULL;
	const char *line = scripts ? strstr(scripts, "environment variables:") : NULL;
	struct names documented = { 0 };
	size_t i;

	EXPECT(line != NULL);
	/* The terms of the definition list that follows: bold line starts. */
	for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, "**", 2))
			bold_words(line, strchrnul(line, '\n'), is_signal_char,
				   &documented);
	for (i = 0; i < documented.n; i++) {
		bool known = false;

		for (size_t k = 0; k < MV_SCRIPT_N_VARS; k++)
			known |= !strcmp(mv_script_vars[k], documented.name[i]);
		if (!known)
			fprintf(stderr, "  SCRIPTS documents %s, which no script gets\n",
				documented.name[i]);
		EXPECT(known);
	}
	for (i = 0; i < MV_SCRIPT_N_VARS; i++) {
		if (!has(&documented, mv_script_vars[i]))
			fprintf(stderr, "  SCRIPTS does not document %s\n",
				mv_script_vars[i]);
		EXPECT(has(&documented, mv_script_vars[i]));
	}
	free(scripts);
	free(page);
}

TEST_MAIN()
