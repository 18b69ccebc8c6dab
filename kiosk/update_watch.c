/* update_watch: notices sticks as the board mounts them, by reading the mount table whenever
 * the kernel says it changed (poll on /proc/self/mountinfo wakes with POLLPRI). It only says
 * where a stick is; the kiosk then runs update_run on that folder. */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WATCH_KNOWN_MAX 32
#define MOUNTINFO_MAX (4 << 20) /* a mount table is a few KiB; anything this large is broken */

struct update_watch {
    int fd;
    char root[1024];
    /* Mount points seen at the last reading, so each stick is reported once per insertion. */
    char known[WATCH_KNOWN_MAX][1024];
    int known_count;
    char now[WATCH_KNOWN_MAX][1024]; /* the current reading; here because it is too large for a stack */
};

update_watch *update_watch_open(const char *mount_root, const char *mountinfo, err *e)
{
    update_watch *w = calloc(1, sizeof *w);
    if (!w) {
        err_set(e, "out of memory");
        return NULL;
    }
    size_t n = strlen(mount_root);
    while (n > 1 && mount_root[n - 1] == '/')
        n--;
    if (n == 0 || n >= sizeof w->root) {
        err_set(e, "the stick folder '%s' is empty or too long", mount_root);
        free(w);
        return NULL;
    }
    memcpy(w->root, mount_root, n);
    const char *path = mountinfo ? mountinfo : "/proc/self/mountinfo";
    w->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (w->fd < 0) {
        err_set(e, "cannot read the mount table %s: %s", path, strerror(errno));
        free(w);
        return NULL;
    }
    return w;
}

int update_watch_fd(const update_watch *w) { return w->fd; }

void update_watch_close(update_watch *w)
{
    if (!w)
        return;
    close(w->fd);
    free(w);
}

/* The kernel writes a space in a mount point as \040 (and tab, newline, backslash alike). */
static void unescape(char *s)
{
    char *out = s;
    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
            *out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *out++ = *p;
        }
    }
    *out = 0;
}

/* The whole table from its start: reading it to the end is also what re-arms POLLPRI. */
static char *read_table(update_watch *w, err *e)
{
    if (lseek(w->fd, 0, SEEK_SET) < 0) {
        err_set(e, "cannot rewind the mount table: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 16384, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (len + 1 >= cap) {
            char *bigger = cap < MOUNTINFO_MAX ? realloc(buf, cap * 2) : NULL;
            if (!bigger) {
                free(buf);
                err_set(e, "the mount table is too large");
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t got = read(w->fd, buf + len, cap - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(buf);
            err_set(e, "cannot read the mount table: %s", strerror(errno));
            return NULL;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    if (!buf) {
        err_set(e, "out of memory");
        return NULL;
    }
    buf[len] = 0;
    return buf;
}

/* Mount points strictly below the root, from the fifth field of each mountinfo line. */
static int mounts_below(update_watch *w, char *table, char (*out)[1024], int max)
{
    int n = 0;
    size_t rlen = strlen(w->root);
    for (char *line = table, *next; line && *line && n < max; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *field = line, *end = NULL;
        for (int i = 0; i < 4 && field; i++) {
            field = strchr(field, ' ');
            if (field)
                field++;
        }
        if (!field || !(end = strchr(field, ' ')))
            continue;
        *end = 0;
        unescape(field);
        if (strncmp(field, w->root, rlen) || field[rlen] != '/' || !field[rlen + 1] || strlen(field) >= 1024)
            continue;
        snprintf(out[n++], 1024, "%s", field);
    }
    return n;
}

bool update_watch_next(update_watch *w, char *dir, size_t size, err *e)
{
    char *table = read_table(w, e);
    if (!table)
        return false;
    char (*now)[1024] = w->now;
    int count = mounts_below(w, table, now, WATCH_KNOWN_MAX);
    free(table);
    /* Forget pulled sticks, so the same stick put back in is new again. */
    int kept = 0;
    for (int i = 0; i < w->known_count; i++) {
        bool present = false;
        for (int j = 0; j < count && !present; j++)
            present = !strcmp(w->known[i], now[j]);
        if (present && kept != i)
            memcpy(w->known[kept], w->known[i], sizeof w->known[0]);
        kept += present;
    }
    w->known_count = kept;
    for (int j = 0; j < count; j++) {
        bool seen = false;
        for (int i = 0; i < w->known_count && !seen; i++)
            seen = !strcmp(w->known[i], now[j]);
        if (seen || w->known_count == WATCH_KNOWN_MAX)
            continue;
        memcpy(w->known[w->known_count++], now[j], sizeof now[j]);
        snprintf(dir, size, "%s", now[j]);
        return true;
    }
    return false;
}
