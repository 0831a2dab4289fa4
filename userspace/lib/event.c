// SPDX-License-Identifier: GPL-2.0
/*
 * Event loop: epoll plus a timer heap. See event.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "lib/event.h"

#define MV_LOOP_BATCH	64

struct mv_loop {
	int epfd;
	bool stop;
	uint64_t now;
	struct mv_timer **heap;
	size_t n_timers;
	size_t cap_timers;
	void (*hook)(void *ctx);
	void *hook_ctx;
};

uint64_t mv_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ms(void)
{
	return mv_clock_ns() / 1000000ull;
}

struct mv_loop *mv_loop_new(void)
{
	struct mv_loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->now = clock_ms();
	return l;
}

void mv_loop_free(struct mv_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l->heap);
	free(l);
}

int mv_io_add(struct mv_loop *l, struct mv_io *io, int fd, uint32_t events,
	      mv_io_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->fd = fd;
	io->events = events;
	io->fn = fn;
	io->ctx = ctx;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	io->added = true;
	return 0;
}

int mv_io_set(struct mv_loop *l, struct mv_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (!io->added || io->events == events)
		return 0;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	io->events = events;
	return 0;
}

void mv_io_del(struct mv_loop *l, struct mv_io *io)
{
	if (!io->added)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->added = false;
}

/* ---- timer heap, ordered by (when, insertion) ---- */

static void heap_place(struct mv_loop *l, struct mv_timer *t, size_t i)
{
	l->heap[i] = t;
	t->slot = i;
}

static void heap_up(struct mv_loop *l, size_t i)
{
	struct mv_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent]->when <= t->when)
			break;
		heap_place(l, l->heap[parent], i);
		i = parent;
	}
	heap_place(l, t, i);
}

static void heap_down(struct mv_loop *l, size_t i)
{
	struct mv_timer *t = l->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= l->n_timers)
			break;
		if (child + 1 < l->n_timers &&
		    l->heap[child + 1]->when < l->heap[child]->when)
			child++;
		if (t->when <= l->heap[child]->when)
			break;
		heap_place(l, l->heap[child], i);
		i = child;
	}
	heap_place(l, t, i);
}

void mv_timer_init(struct mv_timer *t, mv_timer_fn fn, void *ctx)
{
	t->when = 0;
	t->slot = SIZE_MAX;
	t->fn = fn;
	t->ctx = ctx;
}

bool mv_timer_pending(const struct mv_timer *t)
{
	return t->slot != SIZE_MAX;
}

void mv_timer_cancel(struct mv_loop *l, struct mv_timer *t)
{
	size_t i = t->slot;
	struct mv_timer *last;

	if (i == SIZE_MAX)
		return;
	t->slot = SIZE_MAX;
	last = l->heap[--l->n_timers];
	if (last == t)
		return;
	heap_place(l, last, i);
	heap_down(l, i);
	heap_up(l, last->slot);
}

void mv_timer_arm(struct mv_loop *l, struct mv_timer *t, uint64_t ms)
{
	mv_timer_cancel(l, t);
	if (l->n_timers == l->cap_timers) {
		size_t cap = l->cap_timers ? 2 * l->cap_timers : 64;
		struct mv_timer **heap = realloc(l->heap, cap * sizeof(*heap));

		/*
		 * Out of memory for a timer: nothing sensible remains to
		 * be done by a daemon that lives on timers.
		 */
		if (!heap)
			abort();
		l->heap = heap;
		l->cap_timers = cap;
	}
	t->when = clock_ms() + ms;
	heap_place(l, t, l->n_timers++);
	heap_up(l, t->slot);
}

uint64_t mv_loop_now(const struct mv_loop *l)
{
	return l->now;
}

void mv_loop_set_hook(struct mv_loop *l, void (*fn)(void *ctx), void *ctx)
{
	l->hook = fn;
	l->hook_ctx = ctx;
}

void mv_loop_stop(struct mv_loop *l)
{
	l->stop = true;
}

static int next_timeout(struct mv_loop *l)
{
	uint64_t when;

	if (!l->n_timers)
		return -1;
	when = l->heap[0]->when;
	if (when <= l->now)
		return 0;
	return when - l->now > 60000 ? 60000 : (int)(when - l->now);
}

static void run_timers(struct mv_loop *l)
{
	while (l->n_timers && l->heap[0]->when <= l->now && !l->stop) {
		struct mv_timer *t = l->heap[0];

		mv_timer_cancel(l, t);
		t->fn(t->ctx);
	}
}

int mv_loop_run(struct mv_loop *l)
{
	struct epoll_event ev[MV_LOOP_BATCH];

	l->stop = false;
	while (!l->stop) {
		int n, i;

		n = epoll_wait(l->epfd, ev, MV_LOOP_BATCH, next_timeout(l));
		if (n < 0 && errno != EINTR)
			return -errno;
		l->now = clock_ms();
		for (i = 0; i < n && !l->stop; i++) {
			struct mv_io *io = ev[i].data.ptr;

			/*
			 * A handler earlier in this batch may have removed
			 * this descriptor: its events are stale then. Owners
			 * that free an mv_io inside a batch defer the free
			 * (see the daemon's connection reaper).
			 */
			if (io->added)
				io->fn(io->ctx, ev[i].events);
		}
		run_timers(l);
		if (l->hook && !l->stop)
			l->hook(l->hook_ctx);
	}
	return 0;
}
