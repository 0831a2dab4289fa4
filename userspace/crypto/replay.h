/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay protection of received DATA messages in the userspace data
 * plane: the RFC 6479 sliding window over one key's message counters,
 * with exactly the acceptance rule of the kernel's (kmod/replay.c), so
 * that a message is accepted or refused the same whichever data plane
 * receives it (Documentation/protocol.md).
 *
 * A counter is accepted once, if it is at most MESHVPN_REPLAY_WINDOW
 * below the highest counter accepted so far (or above it) and below
 * MESHVPN_REJECT_AFTER_MESSAGES. Counter 0 is an ordinary counter.
 *
 * Not locked: one window belongs to one receiving thread.
 */
#ifndef MESHVPN_REPLAY_H
#define MESHVPN_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include <meshvpn/wire.h>

/*
 * The bitmap is a ring of 64-bit blocks. It must hold the window plus the
 * partly filled block at its top, and a power-of-two size makes the ring
 * index a mask; twice the window is the smallest size that does both.
 */
#define MV_REPLAY_BITS		(2 * MESHVPN_REPLAY_WINDOW)
#define MV_REPLAY_BLOCKS	(MV_REPLAY_BITS / 64)

/*
 * @next: one more than the highest (top) counter accepted, 0 before the
 *	first; the window accepts counters from @next - 1 -
 *	MESHVPN_REPLAY_WINDOW on.
 * @ring: bit c % 64 of block (c / 64) % MV_REPLAY_BLOCKS is set once
 *	counter c is accepted, for the counters in the window.
 */
struct mv_replay {
	uint64_t next;
	uint64_t ring[MV_REPLAY_BLOCKS];
};

/* Reset: nothing accepted yet (a new key). */
void mv_replay_init(struct mv_replay *r);

/*
 * Cheap check before decrypting: false if @counter is below the window,
 * already accepted, or at or beyond MESHVPN_REJECT_AFTER_MESSAGES. Changes
 * nothing; a message that passes must still go through mv_replay_update().
 */
bool mv_replay_check(const struct mv_replay *r, uint64_t counter);

/*
 * Record @counter of a message whose tag verified; only then, so that
 * forged messages cannot move the window. Returns true if the message is
 * new and must be delivered, false (and changes nothing) as
 * mv_replay_check().
 */
bool mv_replay_update(struct mv_replay *r, uint64_t counter);

#endif /* MESHVPN_REPLAY_H */
