/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay protection of received DATA messages: the RFC 6479 sliding window
 * over each key's message counters (Documentation/protocol.md, section 5).
 */
#ifndef _MESHVPN_REPLAY_H
#define _MESHVPN_REPLAY_H

#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <meshvpn/wire.h>

/*
 * The bitmap is a ring of blocks. It must hold the window plus the partly
 * filled block at its top, and a power-of-two size makes the ring index a
 * mask; twice the window is the smallest size that does both.
 */
#define MESHVPN_REPLAY_BITS		(2 * MESHVPN_REPLAY_WINDOW)
#define MESHVPN_REPLAY_BLOCKS		(MESHVPN_REPLAY_BITS / BITS_PER_LONG)

/**
 * struct meshvpn_replay - receive window of one key
 * @lock: serialises meshvpn_replay_accept()
 * @next: one more than the highest counter accepted, 0 before the first; the
 *	window accepts counters from @next - 1 - MESHVPN_REPLAY_WINDOW on
 * @ring: bit c % MESHVPN_REPLAY_BITS is set once counter c is accepted, for
 *	the counters in the window; block c / BITS_PER_LONG sits at index
 *	(c / BITS_PER_LONG) % MESHVPN_REPLAY_BLOCKS
 */
struct meshvpn_replay {
	spinlock_t lock; /* see kernel-doc */
	u64 next;
	unsigned long ring[MESHVPN_REPLAY_BLOCKS];
};

void meshvpn_replay_init(struct meshvpn_replay *replay);
bool meshvpn_replay_accept(struct meshvpn_replay *replay, u64 counter);

/**
 * meshvpn_replay_too_old() - cheap check before decrypting a message
 * @replay: the key's window
 * @counter: the message's counter
 *
 * Lets the receive path drop what the window would refuse anyway without
 * spending a decryption on it. It takes no lock, so the answer may be out of
 * date (and on 32-bit machines @next may be read torn); a false "no" only
 * costs a decryption, because meshvpn_replay_accept() decides for real.
 *
 * Return: true if @counter is below the window or beyond the reject limit.
 */
static inline bool meshvpn_replay_too_old(const struct meshvpn_replay *replay,
					  u64 counter)
{
	/* No overflow below: counter + WINDOW + 1 < U64_MAX here. */
	return counter >= MESHVPN_REJECT_AFTER_MESSAGES ||
	       READ_ONCE(replay->next) > counter + MESHVPN_REPLAY_WINDOW + 1;
}

#endif /* _MESHVPN_REPLAY_H */
