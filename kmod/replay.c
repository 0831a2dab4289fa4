// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 6479 anti-replay window. Each key keeps the highest counter it
 * accepted and one bit for each of the MESHVPN_REPLAY_WINDOW counters below
 * it. The bits live in a ring of unsigned long blocks: when the highest
 * counter moves up, the blocks it moves into are cleared whole, so advancing
 * by any distance costs at most one pass over the ring and never shifts
 * bits. The ring is larger than the window by at least one block, so the
 * block being filled at the top never overwrites the oldest counters still
 * inside the window.
 */

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "replay.h"

/**
 * meshvpn_replay_init() - reset a window: nothing accepted yet
 * @replay: the window
 */
void meshvpn_replay_init(struct meshvpn_replay *replay)
{
	BUILD_BUG_ON(!is_power_of_2(MESHVPN_REPLAY_BLOCKS));
	BUILD_BUG_ON(MESHVPN_REPLAY_BITS <
		     MESHVPN_REPLAY_WINDOW + 1 + BITS_PER_LONG);

	spin_lock_init(&replay->lock);
	replay->next = 0;
	memset(replay->ring, 0, sizeof(replay->ring));
}

/**
 * meshvpn_replay_accept() - record a counter whose message authenticated
 * @replay: the key's window
 * @counter: the message's counter
 *
 * Call this only after the tag verified, so that forged messages cannot
 * move the window. Counters may arrive in any order: one is accepted if it
 * is at most MESHVPN_REPLAY_WINDOW below the highest accepted so far (or
 * above it) and was not accepted before. Counter 0 is an ordinary counter.
 *
 * Return: true if the message is new and must be delivered; false for a
 * replay, a counter below the window or one at or beyond
 * MESHVPN_REJECT_AFTER_MESSAGES.
 */
bool meshvpn_replay_accept(struct meshvpn_replay *replay, u64 counter)
{
	/* u64, not unsigned long: on 32-bit the block number exceeds it. */
	u64 block = counter / BITS_PER_LONG, top;
	bool fresh = false;
	unsigned int n, i;

	/* Also keeps counter + WINDOW + 1 below from overflowing. */
	if (unlikely(counter >= MESHVPN_REJECT_AFTER_MESSAGES))
		return false;

	spin_lock_bh(&replay->lock);
	if (unlikely(replay->next > counter + MESHVPN_REPLAY_WINDOW + 1))
		goto out;

	if (counter >= replay->next) {
		/*
		 * A new highest counter. The ring slots of the blocks above
		 * the old top still hold counters one ring length older,
		 * all below the new window: clear them. Before the first
		 * counter the ring is clear already.
		 */
		if (replay->next) {
			top = (replay->next - 1) / BITS_PER_LONG;
			n = min_t(u64, block - top, MESHVPN_REPLAY_BLOCKS);
			for (i = 1; i <= n; i++)
				replay->ring[(top + i) %
					     MESHVPN_REPLAY_BLOCKS] = 0;
		}
		WRITE_ONCE(replay->next, counter + 1);
	}

	fresh = !__test_and_set_bit(counter % BITS_PER_LONG,
				    &replay->ring[block %
						  MESHVPN_REPLAY_BLOCKS]);
out:
	spin_unlock_bh(&replay->lock);
	return fresh;
}
