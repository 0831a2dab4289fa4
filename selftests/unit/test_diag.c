// SPDX-License-Identifier: GPL-2.0
/*
 * lib/diag: what every parser reports through. Messages keep their
 * "FILE:LINE: " prefix, only the first error counts, and a flood of
 * warnings cannot grow without bound.
 */
#include <stdlib.h>

#include "lib/diag.h"

#include "test.h"

TEST(diag_collects_warnings_and_first_error)
{
	struct mv_diag d;
	int i;

	mv_diag_init(&d);
	mv_diag_warn(&d, "f", 3, "w%d", 1);
	mv_diag_warn(&d, "f", 0, "w%d", 2);
	mv_diag_warn(&d, NULL, 0, "w%d", 3);
	mv_diag_warn(&d, NULL, 7, "w%d", 4);
	EXPECT_EQ(d.n_warnings, 4);
	EXPECT_STREQ(d.warnings[0], "f:3: w1");
	EXPECT_STREQ(d.warnings[1], "f: w2");
	EXPECT_STREQ(d.warnings[2], "w3");
	EXPECT_STREQ(d.warnings[3], "w4");
	mv_diag_error(&d, "g", 9, "first %s", "error");
	mv_diag_error(&d, "g", 10, "second");
	EXPECT_STREQ(d.error, "g:9: first error");
	for (i = 0; i < MV_DIAG_MAX_WARNINGS + 10; i++)
		mv_diag_warn(&d, "f", (unsigned int)i, "many");
	EXPECT_EQ(d.n_warnings, MV_DIAG_MAX_WARNINGS);
	EXPECT_EQ(d.n_dropped, 14);
	mv_diag_free(&d);
	EXPECT_EQ(d.n_warnings, 0);
	EXPECT(!d.error);
	mv_diag_free(&d);

	/* A NULL diag is allowed everywhere. */
	mv_diag_warn(NULL, "f", 1, "x");
	mv_diag_error(NULL, "f", 1, "x");
	mv_diag_free(NULL);
}

TEST_MAIN()
