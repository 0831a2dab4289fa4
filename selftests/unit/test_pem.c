// SPDX-License-Identifier: GPL-2.0
/*
 * crypto/pem: the scanner that host files (through the configuration
 * lexer) and key files share. Blocks are found with their label, lines
 * and text; whatever breaks the structure is named with its line, in the
 * words the configuration has always used.
 */
#include <errno.h>

#include "crypto/pem.h"

#include "test.h"

/* Feed @text line by line; the event of each line, then of the end. */
static size_t scan_all(const char *text, enum mv_pem_line *events,
		       size_t max, struct mv_pem_scanner *sc)
{
	size_t pos = 0, len = strlen(text), n, i = 0;
	unsigned int line = 0;
	const char *s;

	mv_pem_scanner_init(sc);
	while (pos < len && i < max) {
		mv_pem_next_line(text, len, &pos, &s, &n);
		events[i++] = mv_pem_scan_line(sc, s, n, ++line);
	}
	if (i < max)
		events[i++] = mv_pem_scan_end(sc);
	return i;
}

TEST(scan_lines)
{
	static const char text[] =
		"Address = 192.0.2.1\n"
		"-----BEGIN RSA PUBLIC KEY-----\n"
		"MIIB\n"
		"\n"
		"# part of the key\n"
		"-----END RSA PUBLIC KEY-----\n"
		"Port = 655\n";
	static const enum mv_pem_line want[] = {
		MV_PEM_TEXT, MV_PEM_BEGIN, MV_PEM_BODY, MV_PEM_BODY,
		MV_PEM_BODY, MV_PEM_END, MV_PEM_TEXT, MV_PEM_TEXT,
	};
	enum mv_pem_line got[16];
	struct mv_pem_scanner sc;
	size_t n = scan_all(text, got, 16, &sc), i;

	EXPECT_EQ(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n && i < sizeof(want) / sizeof(want[0]); i++)
		EXPECT_EQ(got[i], want[i]);
	EXPECT(!sc.label);
}

static bool is_error(enum mv_pem_line what)
{
	return what != MV_PEM_TEXT && what != MV_PEM_BEGIN &&
	       what != MV_PEM_BODY && what != MV_PEM_END;
}

/* @text breaks the structure: first with @what, reported as @msg. */
static bool scan_fails(const char *text, enum mv_pem_line what,
		       const char *msg)
{
	size_t pos = 0, len = strlen(text), n;
	enum mv_pem_line got = MV_PEM_TEXT;
	struct mv_pem_scanner sc;
	unsigned int line = 0;
	struct mv_diag d;
	const char *s;
	bool ok;

	mv_pem_scanner_init(&sc);
	while (pos < len && !is_error(got)) {
		mv_pem_next_line(text, len, &pos, &s, &n);
		got = mv_pem_scan_line(&sc, s, n, ++line);
	}
	if (!is_error(got))
		got = mv_pem_scan_end(&sc);
	mv_diag_init(&d);
	mv_pem_report(&sc, got, "f", line, &d);
	ok = got == what && d.error && !strcmp(d.error, msg);
	if (!ok)
		fprintf(stderr, "  \"%s\": %d \"%s\", want %d \"%s\"\n", text,
			got, d.error ? d.error : "(none)", what, msg);
	mv_diag_free(&d);
	return ok;
}

TEST(scan_errors)
{
	EXPECT(scan_fails("x\n-----BEGIN RSA PUBLIC KEY\n", MV_PEM_BAD_BEGIN,
			  "f:2: malformed key block start (expected \"-----BEGIN LABEL-----\")"));
	EXPECT(scan_fails("-----BEGIN -----\n", MV_PEM_BAD_BEGIN,
			  "f:1: malformed key block start (expected \"-----BEGIN LABEL-----\")"));
	EXPECT(scan_fails("-----BEGINX-----\n", MV_PEM_BAD_BEGIN,
			  "f:1: malformed key block start (expected \"-----BEGIN LABEL-----\")"));
	EXPECT(scan_fails("a\n-----END A-----\n", MV_PEM_STRAY_END,
			  "f:2: key block end without a \"-----BEGIN\" line"));
	EXPECT(scan_fails("-----BEGIN A-----\nx\n-----BEGIN A-----\n",
			  MV_PEM_NESTED_BEGIN,
			  "f:3: key block starts inside the key block of line 1"));
	EXPECT(scan_fails("-----BEGIN A-----\n-----BEGIN\n",
			  MV_PEM_NESTED_BEGIN,
			  "f:2: key block starts inside the key block of line 1"));
	EXPECT(scan_fails("-----BEGIN A-----\nx\n-----END B-----\n",
			  MV_PEM_BAD_END,
			  "f:3: key block end does not match \"-----BEGIN A-----\" of line 1"));
	EXPECT(scan_fails("-----BEGIN A-----\nx\n-----END A\n", MV_PEM_BAD_END,
			  "f:3: key block end does not match \"-----BEGIN A-----\" of line 1"));
	EXPECT(scan_fails("-----BEGIN AB-----\n-----END A-----\n",
			  MV_PEM_BAD_END,
			  "f:2: key block end does not match \"-----BEGIN AB-----\" of line 1"));
	EXPECT(scan_fails("x\n-----BEGIN RSA PUBLIC KEY-----\nAAAA\n",
			  MV_PEM_UNTERMINATED,
			  "f:2: unterminated key block (no \"-----END RSA PUBLIC KEY-----\" line)"));
}

TEST(begin_label)
{
	const char *label;
	size_t n;

	label = mv_pem_begin_label("-----BEGIN A B-----", 19, &n);
	EXPECT(label && n == 3 && !memcmp(label, "A B", 3));
	/* The shortest label, and the dashes belong to the marker. */
	label = mv_pem_begin_label("-----BEGIN ------", 17, &n);
	EXPECT(label && n == 1 && *label == '-');
	EXPECT(!mv_pem_begin_label("-----BEGIN -----", 16, &n));
	EXPECT(!mv_pem_begin_label("-----END A-----", 15, &n));
	EXPECT(!mv_pem_begin_label("----BEGIN A-----", 16, &n));
	EXPECT(!mv_pem_begin_label("-----BEGIN A----", 16, &n));
	EXPECT(!mv_pem_begin_label("", 0, &n));
}

TEST(next_line_trims)
{
	static const char text[] = "  a b \t\r\n\r\n\tc\r";
	size_t pos = 0, n;
	const char *s;

	mv_pem_next_line(text, sizeof(text) - 1, &pos, &s, &n);
	EXPECT(n == 3 && !memcmp(s, "a b", 3));
	mv_pem_next_line(text, sizeof(text) - 1, &pos, &s, &n);
	EXPECT_EQ(n, 0);
	mv_pem_next_line(text, sizeof(text) - 1, &pos, &s, &n);
	EXPECT(n == 1 && *s == 'c');
	EXPECT_EQ(pos, sizeof(text) - 1);
}

TEST(next_block_in_a_key_file)
{
	static const char text[] =
		"junk before\n"
		"-----BEGIN malformed\n"
		"-----END stray-----\n"
		"-----BEGIN OLD PRIVATE KEY-----\n"
		"AAAA\n"
		"-----END OLD PRIVATE KEY-----\n"
		"  -----BEGIN PRIVATE KEY-----\r\n"
		"BBBB\r\n"
		"CCCC\r\n"
		"-----END PRIVATE KEY-----\r\n"
		"trailing";
	struct mv_pem_block b;
	unsigned int line = 0;
	size_t pos = 0;

	EXPECT_EQ(mv_pem_next(text, strlen(text), &pos, &line, &b), 1);
	EXPECT(b.label_len == 15 && !memcmp(b.label, "OLD PRIVATE KEY", 15));
	EXPECT_EQ(b.line, 4);
	EXPECT(b.text == strstr(text, "-----BEGIN OLD"));
	EXPECT_EQ(b.text_len, strlen("-----BEGIN OLD PRIVATE KEY-----\nAAAA\n"
				     "-----END OLD PRIVATE KEY-----\n"));
	EXPECT(b.body_len == 5 && !memcmp(b.body, "AAAA\n", 5));

	EXPECT_EQ(mv_pem_next(text, strlen(text), &pos, &line, &b), 1);
	EXPECT(b.label_len == 11 && !memcmp(b.label, "PRIVATE KEY", 11));
	EXPECT_EQ(b.line, 7);
	/* The text starts at the line, white space and all. */
	EXPECT(b.text == strstr(text, "  -----BEGIN PRIVATE"));
	EXPECT(b.body_len == 12 && !memcmp(b.body, "BBBB\r\nCCCC\r\n", 12));
	EXPECT(b.text + b.text_len == strstr(text, "trailing"));

	EXPECT_EQ(mv_pem_next(text, strlen(text), &pos, &line, &b), 0);
	EXPECT_EQ(line, 11);
	EXPECT_EQ(mv_pem_next("", 0, &pos, &line, &b), 0);
}

TEST(next_block_errors)
{
	static const struct {
		const char *text;
		enum mv_pem_line error;
		unsigned int line;
	} cases[] = {
		{ "x\n-----BEGIN A-----\nAAAA\n", MV_PEM_UNTERMINATED, 2 },
		{ "-----BEGIN A-----\n-----BEGIN B-----\n-----END A-----\n",
		  MV_PEM_NESTED_BEGIN, 1 },
		{ "-----BEGIN A-----\nAAAA\n-----END B-----\n",
		  MV_PEM_BAD_END, 1 },
		{ "-----BEGIN A-----\n-----ENDX\n-----END A-----\n",
		  MV_PEM_BAD_END, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mv_pem_block b;
		unsigned int line = 0;
		size_t pos = 0;

		EXPECT_EQ(mv_pem_next(cases[i].text, strlen(cases[i].text),
				      &pos, &line, &b), -EINVAL);
		EXPECT_EQ(b.error, cases[i].error);
		EXPECT_EQ(b.line, cases[i].line);
		EXPECT(b.label_len == 1 && *b.label == 'A');
	}
}

TEST_MAIN()
