// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify(3) for meshvpnd@.service (Type=notify): service.h.
 */
#include <systemd/sd-daemon.h>

#include "daemon/daemon.h"
#include "daemon/service.h"
#include "lib/log.h"

static void pet_watchdog(void *ctx)
{
	struct mv_daemon *d = ctx;

	sd_notify(0, "WATCHDOG=1");
	mv_timer_arm(d->loop, &d->watchdog, d->watchdog_ms);
}

void mv_service_ready(struct mv_daemon *d)
{
	uint64_t usec;

	sd_notify(0, "READY=1\nSTATUS=Ready");
	if (sd_watchdog_enabled(0, &usec) <= 0)
		return;
	/* Twice per period, as sd_watchdog_enabled(3) advises. */
	d->watchdog_ms = usec / 2000 ? usec / 2000 : 1;
	mv_info(1, "Watchdog: every %u ms", d->watchdog_ms);
	mv_timer_init(&d->watchdog, pet_watchdog, d);
	pet_watchdog(d);
}

void mv_service_reloading(void)
{
	sd_notify(0, "RELOADING=1\nSTATUS=Reloading the configuration");
}

void mv_service_reloaded(const char *err)
{
	if (err)
		sd_notifyf(0, "READY=1\nSTATUS=Ready; the last reload failed: %s", err);
	else
		sd_notify(0, "READY=1\nSTATUS=Ready");
}

void mv_service_stopping(struct mv_daemon *d)
{
	if (d->watchdog_ms)
		mv_timer_cancel(d->loop, &d->watchdog);
	sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
}

void mv_service_restarting(struct mv_daemon *d)
{
	if (d->watchdog_ms)
		mv_timer_cancel(d->loop, &d->watchdog);
	sd_notify(0, "RELOADING=1\nSTATUS=Restarting in place");
}
