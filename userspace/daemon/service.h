/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service manager's side of the daemon's life (sd_notify(3)): READY
 * once it serves, RELOADING around a reload, STOPPING on the way out, and
 * the watchdog petted from the event loop, so that a loop that hangs gets
 * the service restarted. Without a service manager (no $NOTIFY_SOCKET)
 * all of it does nothing.
 */
#ifndef MESHVPN_SERVICE_H
#define MESHVPN_SERVICE_H

struct mv_daemon;

/* Ready to serve; starts the watchdog if the manager asked for one. */
void mv_service_ready(struct mv_daemon *d);
void mv_service_reloading(void);
/* The reload is over, whatever its verdict (@err: NULL, or why not). */
void mv_service_reloaded(const char *err);
void mv_service_stopping(struct mv_daemon *d);
/*
 * About to re-execute in place (same pid): RELOADING until the new image
 * says READY.
 */
void mv_service_restarting(struct mv_daemon *d);

#endif /* MESHVPN_SERVICE_H */
