#include "notify.h"

#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <time.h>

static uint64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

bool notify_ready(void) { return sd_notify(0, "READY=1") > 0; }

static uint64_t last_sent;
static bool sent;

bool notify_watchdog(void)
{
    /* Asked every time rather than once: it is a getenv and a parse, and the tests change
     * the environment between calls. The environment is left as it is (0), so a restarted
     * child of ours would not inherit a stale interval: we start none. */
    uint64_t interval = 0;
    if (sd_watchdog_enabled(0, &interval) <= 0 || interval == 0)
        return false;
    uint64_t now = now_usec();
    if (sent && now - last_sent < interval / 2)
        return false;
    if (sd_notify(0, "WATCHDOG=1") <= 0)
        return false;
    last_sent = now;
    sent = true;
    return true;
}

long notify_watchdog_due_ms(void)
{
    uint64_t interval = 0;
    if (sd_watchdog_enabled(0, &interval) <= 0 || interval == 0)
        return -1;
    uint64_t now = now_usec(), due = sent ? last_sent + interval / 2 : now;
    return due > now ? (long)((due - now + 999) / 1000) : 0;
}

bool notify_status(const char *text)
{
    char line[256] = "STATUS=";
    size_t n = 7;
    const char *c = text ? text : "";
    for (; *c && n + 1 < sizeof line; c++)
        line[n++] = (*c == '\n' || *c == '\r') ? ' ' : *c;
    if (*c) { /* cut short: never leave half a UTF-8 character */
        while (n > 7 && ((unsigned char)line[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 7 && (unsigned char)line[n - 1] >= 0xC0)
            n--;
    }
    line[n] = 0;
    return sd_notify(0, line) > 0;
}
