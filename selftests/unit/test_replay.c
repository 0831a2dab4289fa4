// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace replay window must accept exactly what the kernel's does:
 * each counter once, down to MESHVPN_REPLAY_WINDOW below the highest one,
 * nothing at or past the reject limit. Checked case by case at the edges,
 * and against a brute-force model (every counter ever accepted) over long
 * random runs that wrap the ring many times.
 */
#include <stdlib.h>

#include "lib/array.h"
#include "crypto/replay.h"

#include "test.h"

#define W	MESHVPN_REPLAY_WINDOW

/* Both calls agree: check() predicts what update() then does. */
static bool accept(struct mv_replay *r, uint64_t counter)
{
	bool checked = mv_replay_check(r, counter);
	bool updated = mv_replay_update(r, counter);

	if (checked != updated) {
		fprintf(stderr, "  counter %llu: check %d, update %d\n",
			(unsigned long long)counter, checked, updated);
		abort();
	}
	return updated;
}

TEST(first_counter_and_zero)
{
	struct mv_replay r;

	mv_replay_init(&r);
	EXPECT(mv_replay_check(&r, 0));
	EXPECT(mv_replay_check(&r, 12345));
	EXPECT(accept(&r, 0));
	EXPECT(!accept(&r, 0));
	EXPECT(accept(&r, 1));

	/* Any counter may come first: nothing is below an empty window. */
	mv_replay_init(&r);
	EXPECT(accept(&r, 1000000));
	EXPECT(accept(&r, 1000000 - W));
	EXPECT(!accept(&r, 1000000 - W - 1));
}

TEST(in_order)
{
	struct mv_replay r;
	uint64_t c;

	mv_replay_init(&r);
	for (c = 0; c < 20000; c++) {
		EXPECT(accept(&r, c));
		EXPECT(!mv_replay_check(&r, c));
	}
	EXPECT_EQ(r.next, 20000);
	for (c = 20000 - W; c < 20000; c++)
		EXPECT(!accept(&r, c));
}

TEST(out_of_order_within_window)
{
	struct mv_replay r;
	uint64_t c;

	mv_replay_init(&r);
	EXPECT(accept(&r, 3000));
	/* Downwards to the window's last counter, then one too old. */
	for (c = 2999; c >= 3000 - W; c--)
		EXPECT(accept(&r, c));
	EXPECT(!accept(&r, 3000 - W - 1));
	EXPECT(!accept(&r, 0));
	/* Interleaved: odd ones first, then the even ones. */
	mv_replay_init(&r);
	for (c = 1; c < 5000; c += 2)
		EXPECT(accept(&r, c));
	for (c = 5000 - 1 - W + 1; c < 5000; c += 2)
		EXPECT(accept(&r, c));
	EXPECT(!accept(&r, 5000 - 1 - W - 1));
}

TEST(too_old)
{
	struct mv_replay r;

	mv_replay_init(&r);
	EXPECT(accept(&r, 10 * W));
	EXPECT(!mv_replay_check(&r, 9 * W - 1));
	EXPECT(!accept(&r, 9 * W - 1));
	EXPECT(accept(&r, 9 * W));
	/* Refusing changed nothing: the top is where it was. */
	EXPECT_EQ(r.next, 10 * W + 1);
}

TEST(duplicates)
{
	struct mv_replay r;
	uint64_t c;

	mv_replay_init(&r);
	for (c = 0; c < 4 * W; c += 3) {
		EXPECT(accept(&r, c));
		EXPECT(!accept(&r, c));
	}
	/* Still duplicates once the top has moved on. */
	for (c = 4 * W - 1 - W; c < 4 * W; c++)
		if (c % 3 == 0)
			EXPECT(!accept(&r, c));
}

/*
 * A jump by a multiple of the ring size puts the new counters on the
 * bits of the old ones: they are accepted only if the jump cleared them.
 */
TEST(jump_far_ahead_clears_the_bitmap)
{
	static const uint64_t jumps[] = {
		MV_REPLAY_BITS, 1000 * MV_REPLAY_BITS, 3 * W / 2, 64, 1,
		1ULL << 50,
	};
	struct mv_replay r;
	uint64_t c, top;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(jumps); i++) {
		mv_replay_init(&r);
		for (c = 0; c <= 3 * W; c++)
			accept(&r, c);
		top = 3 * W + jumps[i];
		EXPECT(accept(&r, top));
		for (c = top - W; c < top; c++) {
			/* The counters seen before the jump stay refused. */
			if (c <= 3 * W)
				EXPECT(!accept(&r, c));
			else
				EXPECT(accept(&r, c));
		}
		EXPECT(!accept(&r, top - W - 1));
	}
}

TEST(reject_limit)
{
	const uint64_t limit = MESHVPN_REJECT_AFTER_MESSAGES;
	struct mv_replay r;

	mv_replay_init(&r);
	EXPECT(!mv_replay_check(&r, limit));
	EXPECT(!accept(&r, limit));
	EXPECT(!accept(&r, limit + 1));
	EXPECT(!accept(&r, UINT64_MAX));
	EXPECT_EQ(r.next, 0);
	EXPECT(accept(&r, limit - 1));
	EXPECT(!accept(&r, limit - 1));
	EXPECT(accept(&r, limit - 1 - W));
	EXPECT(!accept(&r, limit - 2 - W));
	EXPECT(!accept(&r, limit));
}

/*
 * The model: a counter is new if never accepted and not more than the
 * window below the highest accepted one. @seen covers every counter the
 * run can produce.
 */
static void random_run(unsigned int seed, uint64_t span, int back,
		       int ahead, bool *unit_failed)
{
	uint8_t *seen = calloc(span / 8 + 1, 1);
	uint64_t base = 0, c, max = 0;
	bool any = false, want;
	struct mv_replay r;
	long accepted = 0;
	int64_t off;

	srand(seed);
	mv_replay_init(&r);
	while (base + (uint64_t)ahead < span) {
		off = rand() % (back + ahead + 1) - back;
		c = (int64_t)base + off < 0 ? 0 : (uint64_t)((int64_t)base + off);
		want = !(seen[c / 8] & (1u << (c % 8))) &&
		       (!any || c + W >= max);
		if (accept(&r, c) != want) {
			fprintf(stderr, "  seed %u: counter %llu, max %llu: got %d\n",
				seed, (unsigned long long)c,
				(unsigned long long)max, !want);
			*unit_failed = true;
			break;
		}
		if (want) {
			seen[c / 8] |= (uint8_t)(1u << (c % 8));
			if (!any || c > max)
				max = c;
			any = true;
			accepted++;
		}
		/* Mostly forwards in small steps, now and then a leap. */
		base += rand() % 100 == 0 ? (uint64_t)(rand() % (3 * W)) :
					    (uint64_t)(rand() % 4);
	}
	EXPECT(accepted > 1000);
	free(seen);
}

TEST(random_against_model)
{
	unsigned int seed;

	/* Reordering within the window, around its edge, and far beyond. */
	for (seed = 1; seed <= 4; seed++) {
		random_run(seed, 2000000, W / 2, 64, unit_failed);
		random_run(seed, 2000000, W + 100, 100, unit_failed);
		random_run(seed, 2000000, 3 * W, 3 * W, unit_failed);
	}
}

TEST_MAIN()
