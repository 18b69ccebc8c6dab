/* fetch_poll: when to poll update_url, and the child process that does it (fetch_poll.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "fetch_poll.h"

#define RETRY_FIRST_MS (2LL * 60 * 1000)
#define RETRY_MAX_MS (24LL * 60 * 60 * 1000)

struct fetch_poll {
    fetch_poll_config c;
    pid_t child;
    int failures;
    bool started;
    unsigned long long due_ms;
    unsigned seed;
};

long long fetch_poll_delay_ms(long interval_min, int failures, unsigned rnd)
{
    if (interval_min <= 0)
        interval_min = FETCH_POLL_INTERVAL_MIN_DEFAULT;
    long long base = interval_min * 60LL * 1000;
    if (failures > 0) {
        base = RETRY_FIRST_MS;
        for (int i = 1; i < failures && base < RETRY_MAX_MS; i++)
            base *= 2;
        if (base > RETRY_MAX_MS)
            base = RETRY_MAX_MS;
    }
    /* ±25 %: spread over half the interval, kiosks switched on together drift apart. */
    long long spread = base / 2;
    return base - spread / 2 + (long long)((double)rnd / UINT_MAX * (double)spread);
}

fetch_poll *fetch_poll_new(const fetch_poll_config *c)
{
    if (!c->url || !c->data_dir || !c->keys_dir || !c->exe) {
        fprintf(stderr, "wegweiser: update_url needs --data-dir and --trusted-keys: no polling\n");
        return NULL;
    }
    fetch_poll *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->c = *c;
    p->child = -1;
    p->seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    return p;
}

static unsigned next_random(fetch_poll *p)
{
    p->seed = p->seed * 1103515245u + 12345u;
    return p->seed;
}

static void spawn(fetch_poll *p)
{
    const fetch_poll_config *c = &p->c;
    const char *argv[24];
    int n = 0;
    argv[n++] = c->exe;
    argv[n++] = "update";
    argv[n++] = "--from";
    argv[n++] = c->url;
    argv[n++] = "--data-dir";
    argv[n++] = c->data_dir;
    argv[n++] = "--trusted-keys";
    argv[n++] = c->keys_dir;
    if (c->region) {
        argv[n++] = "--region";
        argv[n++] = c->region;
    }
    if (c->ca_file) {
        argv[n++] = "--ca";
        argv[n++] = c->ca_file;
    }
    if (c->kiosk_id) {
        argv[n++] = "--kiosk-id";
        argv[n++] = c->kiosk_id;
    }
    if (c->report_url) {
        argv[n++] = "--report-url";
        argv[n++] = c->report_url;
    }
    if (c->allow_http)
        argv[n++] = "--allow-http";
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        /* Its report goes where the kiosk's does: the journal. */
        dup2(2, 1);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        execv(c->exe, (char *const *)argv);
        fprintf(stderr, "wegweiser: cannot run %s update: %s\n", c->exe, strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        fprintf(stderr, "wegweiser: cannot start a poll of %s: %s\n", c->url, strerror(errno));
    p->child = pid;
}

fetch_poll_event fetch_poll_step(fetch_poll *p, unsigned long long now_ms)
{
    if (!p)
        return FETCH_POLL_NOTHING;
    if (!p->started) {
        p->started = true;
        long long first = p->c.first_ms;
        if (first < 0) {
            long long quarter = fetch_poll_delay_ms(p->c.interval_min, 0, 0) / 4;
            if (quarter > 5LL * 60 * 1000)
                quarter = 5LL * 60 * 1000;
            first = (long long)((double)next_random(p) / UINT_MAX * (double)quarter);
        }
        p->due_ms = now_ms + (unsigned long long)first;
    }
    if (p->child > 0) {
        int status;
        pid_t r = waitpid(p->child, &status, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR))
            return FETCH_POLL_NOTHING;
        p->child = -1;
        /* Exit 0: installed; 1: not installed (unchanged is the common case); else broken. */
        bool installed = r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        bool failed = r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1;
        if (!installed && !failed) {
            /* "Not installed" covers both "nothing new" and "server down": the state tells. */
            fetch_state st;
            failed = !fetch_state_read(p->c.data_dir, &st) ||
                     (strcmp(st.result, fetch_status_name(FETCH_UNCHANGED)) &&
                      strcmp(st.result, fetch_status_name(FETCH_UP_TO_DATE)));
        }
        p->failures = failed ? p->failures + 1 : 0;
        p->due_ms = now_ms + (unsigned long long)fetch_poll_delay_ms(p->c.interval_min, p->failures, next_random(p));
        if (failed)
            fprintf(stderr, "wegweiser: poll of %s failed (%d in a row): next in %llu s\n", p->c.url, p->failures,
                    (p->due_ms - now_ms) / 1000);
        return installed ? FETCH_POLL_INSTALLED : FETCH_POLL_DONE;
    }
    if (now_ms >= p->due_ms)
        spawn(p);
    if (p->child < 0 && now_ms >= p->due_ms) {
        p->failures++;
        p->due_ms = now_ms + (unsigned long long)fetch_poll_delay_ms(p->c.interval_min, p->failures, next_random(p));
    }
    return FETCH_POLL_NOTHING;
}

void fetch_poll_free(fetch_poll *p)
{
    if (!p)
        return;
    if (p->child > 0) {
        kill(p->child, SIGTERM);
        waitpid(p->child, NULL, 0);
    }
    free(p);
}
