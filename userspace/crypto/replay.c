// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6479 anti-replay window, as kmod/replay.c. When the top counter
 * moves up, the ring blocks it moves into are cleared whole, so advancing
 * by any distance costs at most one pass over the ring and never shifts
 * bits. The ring is larger than the window by more than one block, so the
 * block being filled at the top never overwrites counters still inside
 * the window.
 */
#include <string.h>

#include "crypto/replay.h"

_Static_assert((MV_REPLAY_BLOCKS & (MV_REPLAY_BLOCKS - 1)) == 0,
	       "the ring index is a mask");
_Static_assert(MV_REPLAY_BITS >= MESHVPN_REPLAY_WINDOW + 1 + 64,
	       "the window and the top block fit in the ring");

void mv_replay_init(struct mv_replay *r)
{
	memset(r, 0, sizeof(*r));
}

static bool too_old(const struct mv_replay *r, uint64_t counter)
{
	/* The first test keeps counter + WINDOW + 1 from overflowing. */
	return counter >= MESHVPN_REJECT_AFTER_MESSAGES ||
	       r->next > counter + MESHVPN_REPLAY_WINDOW + 1;
}

static unsigned int slot(uint64_t counter)
{
	return (unsigned int)((counter / 64) % MV_REPLAY_BLOCKS);
}

bool mv_replay_check(const struct mv_replay *r, uint64_t counter)
{
	if (too_old(r, counter))
		return false;
	/* Above the top: its block may still hold bits of older counters. */
	if (counter >= r->next)
		return true;
	return !(r->ring[slot(counter)] & (1ULL << (counter % 64)));
}

bool mv_replay_update(struct mv_replay *r, uint64_t counter)
{
	uint64_t top, block = counter / 64, bit = 1ULL << (counter % 64), n, i;

	if (too_old(r, counter))
		return false;
	if (counter >= r->next) {
		/*
		 * A new top. The ring slots of the blocks above the old top
		 * still hold counters one ring length older, all below the
		 * new window: clear them. Before the first counter the ring
		 * is clear already.
		 */
		if (r->next) {
			top = (r->next - 1) / 64;
			n = block - top < MV_REPLAY_BLOCKS ? block - top :
							     MV_REPLAY_BLOCKS;
			for (i = 1; i <= n; i++)
				r->ring[(top + i) % MV_REPLAY_BLOCKS] = 0;
		}
		r->next = counter + 1;
	}
	if (r->ring[slot(counter)] & bit)
		return false;
	r->ring[slot(counter)] |= bit;
	return true;
}
