/* fetch_poll: the running kiosk's schedule for update_url (docs/fleet.md). A poll runs as a
 * child process (`wegweiser update --from URL ...`, the command staff use), so neither a slow
 * server nor a large download ever holds up the UI loop; the loop only asks, between frames,
 * whether a poll is due or has finished. Intervals carry random jitter, so a county's kiosks
 * do not all arrive at once, and back off exponentially while polls fail. */
#ifndef WW_FETCH_POLL_H
#define WW_FETCH_POLL_H

#include <stdbool.h>

#define FETCH_POLL_INTERVAL_MIN_DEFAULT 60
#define FETCH_POLL_INTERVAL_MIN_MAX (7 * 24 * 60)

typedef struct fetch_poll_config {
    const char *exe; /* the kiosk program, run as `exe update --from URL ...` */
    const char *url, *ca_file, *data_dir, *keys_dir, *region, *kiosk_id;
    const char *report_url; /* NULL: no status report (the fleet view, docs/fleet.md) */
    bool allow_http;
    long interval_min; /* 0: FETCH_POLL_INTERVAL_MIN_DEFAULT */
    long first_ms;     /* the first poll this long after start; < 0: a random moment in the first
                        * quarter of the interval (at most 5 minutes) */
} fetch_poll_config;

/* The wait before the next poll, in ms: the interval after a poll that went well, else
 * 2 minutes doubled with each further failure (`failures` in a row), capped at a day; either
 * way moved by up to a quarter, by `rnd` (any unsigned number: 0 the earliest, UINT_MAX the
 * latest). Pure, so tests can look at every case. */
long long fetch_poll_delay_ms(long interval_min, int failures, unsigned rnd);

typedef enum fetch_poll_event {
    FETCH_POLL_NOTHING,   /* nothing finished */
    FETCH_POLL_INSTALLED, /* a poll installed a pack: open it (as after a stick) */
    FETCH_POLL_DONE,      /* a poll finished without installing (DATA/download/state says why) */
} fetch_poll_event;

typedef struct fetch_poll fetch_poll;
/* NULL (with a message on stderr) when the configuration cannot work. The strings must outlive it. */
fetch_poll *fetch_poll_new(const fetch_poll_config *c);
/* Starts a poll when one is due, reaps one that finished; never waits. `now_ms`: a monotonic clock. */
fetch_poll_event fetch_poll_step(fetch_poll *p, unsigned long long now_ms);
/* Stops a running poll (an update is safe to interrupt at any point) and frees. */
void fetch_poll_free(fetch_poll *p);

#endif
