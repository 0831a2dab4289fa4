/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal unit test harness: each test binary registers cases with
 * TEST(name), checks with EXPECT*(), and main() comes from TEST_MAIN().
 * Output is one "ok"/"not ok" line per case and the project's summary
 * line; the exit status is non-zero when anything failed.
 */
#ifndef MESHVPN_UNIT_TEST_H
#define MESHVPN_UNIT_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(bool *failed);
};

#define UNIT_MAX_CASES 512

extern struct unit_case unit_cases[UNIT_MAX_CASES];
extern int unit_ncases;

#define TEST(tname)							\
	static void test_##tname(bool *unit_failed);			\
	__attribute__((constructor)) static void register_##tname(void)	\
	{								\
		if (unit_ncases < UNIT_MAX_CASES)			\
			unit_cases[unit_ncases++] = (struct unit_case){	\
				#tname, test_##tname };			\
	}								\
	static void test_##tname(bool *unit_failed)

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  %s:%d: expected %s\n",	\
				__FILE__, __LINE__, #cond);		\
			*unit_failed = true;				\
		}							\
	} while (0)

#define EXPECT_EQ(a, b)							\
	do {								\
		long long unit_a = (long long)(a);			\
		long long unit_b = (long long)(b);			\
		if (unit_a != unit_b) {					\
			fprintf(stderr, "  %s:%d: %s == %lld, want %s == %lld\n", \
				__FILE__, __LINE__, #a, unit_a, #b, unit_b); \
			*unit_failed = true;				\
		}							\
	} while (0)

#define EXPECT_STREQ(a, b)						\
	do {								\
		const char *unit_a = (a), *unit_b = (b);		\
		if (!unit_a || !unit_b || strcmp(unit_a, unit_b)) {	\
			fprintf(stderr, "  %s:%d: %s is \"%s\", want \"%s\"\n", \
				__FILE__, __LINE__, #a,			\
				unit_a ? unit_a : "(null)",		\
				unit_b ? unit_b : "(null)");		\
			*unit_failed = true;				\
		}							\
	} while (0)

#define TEST_MAIN()							\
	struct unit_case unit_cases[UNIT_MAX_CASES];			\
	int unit_ncases;						\
	int main(void)							\
	{								\
		int i, passed = 0, failed = 0;				\
									\
		for (i = 0; i < unit_ncases; i++) {			\
			bool f = false;					\
									\
			unit_cases[i].fn(&f);				\
			printf("%s %s\n", f ? "not ok" : "ok",		\
			       unit_cases[i].name);			\
			if (f)						\
				failed++;				\
			else						\
				passed++;				\
		}							\
		printf("%d passed, %d failed\n", passed, failed);	\
		return failed ? 1 : 0;					\
	}

#endif /* MESHVPN_UNIT_TEST_H */
