/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's event loop: epoll for file descriptors, a binary heap of
 * one-shot timers on CLOCK_MONOTONIC, and an "after events" hook that runs
 * once per iteration, after every ready descriptor and due timer was
 * handled. Work that many events may trigger (graph recomputation, state
 * announcements) is marked dirty by the handlers and done in that hook,
 * once, instead of once per message.
 *
 * Single-threaded; callbacks may add, change or remove any descriptor or
 * timer, including their own.
 */
#ifndef MESHVPN_EVENT_H
#define MESHVPN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mv_loop;

typedef void (*mv_io_fn)(void *ctx, uint32_t events);
typedef void (*mv_timer_fn)(void *ctx);

struct mv_io {
	int fd;
	uint32_t events;	/* EPOLLIN, EPOLLOUT, ... */
	mv_io_fn fn;
	void *ctx;
	bool added;
};

struct mv_timer {
	uint64_t when;		/* monotonic ms */
	size_t slot;		/* index in the heap, or SIZE_MAX */
	mv_timer_fn fn;
	void *ctx;
};

struct mv_loop *mv_loop_new(void);
void mv_loop_free(struct mv_loop *l);

/* Watch @fd for @events; @io must stay valid until mv_io_del(). */
int mv_io_add(struct mv_loop *l, struct mv_io *io, int fd, uint32_t events,
	      mv_io_fn fn, void *ctx);
int mv_io_set(struct mv_loop *l, struct mv_io *io, uint32_t events);
void mv_io_del(struct mv_loop *l, struct mv_io *io);

void mv_timer_init(struct mv_timer *t, mv_timer_fn fn, void *ctx);
/* (Re)arm to fire once, @ms milliseconds from now. */
void mv_timer_arm(struct mv_loop *l, struct mv_timer *t, uint64_t ms);
void mv_timer_cancel(struct mv_loop *l, struct mv_timer *t);
bool mv_timer_pending(const struct mv_timer *t);

/* Monotonic milliseconds, read once per iteration (cheap). */
uint64_t mv_loop_now(const struct mv_loop *l);
/* Monotonic nanoseconds, read now. */
uint64_t mv_clock_ns(void);

void mv_loop_set_hook(struct mv_loop *l, void (*fn)(void *ctx), void *ctx);
/* Run until mv_loop_stop(); returns 0 or -errno from epoll. */
int mv_loop_run(struct mv_loop *l);
void mv_loop_stop(struct mv_loop *l);

#endif /* MESHVPN_EVENT_H */
