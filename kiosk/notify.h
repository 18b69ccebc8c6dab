/* notify: tells the service manager how the kiosk is doing (systemd's sd_notify protocol).
 * READY=1 once the first frame is on screen, WATCHDOG=1 from the main loop so a hung kiosk is
 * restarted, STATUS= for `systemctl status`. Outside systemd (no NOTIFY_SOCKET) every call
 * does nothing, so the kiosk, the tests and `make run` behave the same. */
#ifndef WW_NOTIFY_H
#define WW_NOTIFY_H

#include <stdbool.h>

/* Tells the service manager that start-up is finished: call once the first frame is
 * presented. Returns true when a message was sent. */
bool notify_ready(void);

/* Keep-alive for the service's WatchdogSec=. Cheap enough to call on every loop iteration:
 * it sends WATCHDOG=1 only when the watchdog is on for this process (WATCHDOG_USEC, and
 * WATCHDOG_PID if set) and half the interval has passed since the last one. Returns true
 * when a message was sent. */
bool notify_watchdog(void);

/* Milliseconds until notify_watchdog() next has something to send (0: now), so a loop that
 * sleeps can wake in time; -1 when there is no watchdog to feed. */
long notify_watchdog_due_ms(void);

/* One line shown by `systemctl status` ("showing pack kaiserslautern 2024-05"); newlines
 * become spaces. Returns true when a message was sent. */
bool notify_status(const char *text);

#endif
