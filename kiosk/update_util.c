/* The update's small helpers: names, text from a stick made safe to show, versions compared as
 * people read them, small files read through the I/O layer, and the record of why a pack or the
 * whole update failed. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "update_private.h"
#include "utf8.h"

bool update_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

bool update_ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcasecmp(s + n - k, suffix);
}

/* A newline or an ANSI escape in a file name must not forge a line or a message, and bidi
 * controls must not make a name read as something else on screen. */
void update_copy_clean(char *out, size_t size, const char *in)
{
    size_t o = 0;
    while (*in) {
        uint32_t cp = utf8_next(&in);
        char enc[4];
        int n = utf8_put(cp, enc);
        bool bad = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xFFFD || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069);
        if (bad)
            enc[0] = '?', n = 1;
        if (o + (size_t)n + 1 > size)
            break;
        memcpy(out + o, enc, (size_t)n);
        o += (size_t)n;
    }
    out[o] = 0;
}

void update_copy_word(char *out, size_t size, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++) {
        char ch = in[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                  ch == '_' || ch == '-';
        out[i] = ok ? ch : '_';
    }
    out[i] = 0;
}

static bool digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Content versions (content/README.md): 2026-11-22 < 2026-11-22.2 < 2026-12-01 and 9 < 10. */
int update_version_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (digit(*a) && digit(*b)) {
            while (*a == '0' && digit(a[1]))
                a++;
            while (*b == '0' && digit(b[1]))
                b++;
            size_t na = 0, nb = 0;
            while (digit(a[na]))
                na++;
            while (digit(b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c)
                return c < 0 ? -1 : 1;
            a += na, b += nb;
        } else if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        } else {
            a++, b++;
        }
    }
    return (*a != 0) - (*b != 0);
}

void update_iso_time(time_t t, char *out, size_t size)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%lld", (long long)t);
}

/* O_NONBLOCK keeps a FIFO planted on a stick from hanging the open; the type is checked on the
 * opened descriptor, so nothing can be swapped in between a check and the read. */
read_status update_read_small(const update_io *io, const char *path, bool nofollow, char *buf, size_t cap, size_t *n,
                              int *errno_out)
{
    *n = 0;
    *errno_out = 0;
    int fd = IO(io, open, path, O_RDONLY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0), 0);
    if (fd < 0) {
        *errno_out = errno;
        return errno == ENOENT ? RD_MISSING : errno == ELOOP ? RD_SYMLINK : RD_IOERR;
    }
    struct stat st;
    read_status rs = RD_OK;
    if (IO(io, fstat, fd, &st) != 0)
        *errno_out = errno, rs = RD_IOERR;
    else if (!S_ISREG(st.st_mode))
        rs = RD_NOT_FILE;
    else if (st.st_size > (off_t)cap)
        rs = RD_TOO_LARGE;
    while (rs == RD_OK) {
        ssize_t got = IO(io, read, fd, buf + *n, cap + 1 - *n); /* one byte more than allowed: growth shows */
        if (got < 0)
            *errno_out = errno, rs = RD_IOERR;
        else if (got == 0)
            break;
        else if ((*n += (size_t)got) > cap)
            rs = RD_TOO_LARGE;
    }
    IO(io, close, fd);
    if (rs == RD_OK)
        buf[*n] = 0;
    return rs;
}

int update_write_all(const update_io *io, int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = IO(io, write, fd, p, n);
        if (w < 0)
            return errno ? errno : EIO;
        if (w == 0)
            return ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

void update_detail(ctx *c, const char *fmt, ...)
{
    size_t used = strlen(c->r->detail), cap = sizeof c->r->detail;
    if (used + 2 >= cap)
        return;
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    update_copy_clean(c->r->detail + used, cap - used - 1, line);
    used = strlen(c->r->detail);
    c->r->detail[used] = '\n';
    c->r->detail[used + 1] = 0;
}

/* Failures of the stick or of the kiosk's storage stop the whole update: trying the next pack
 * would only fail the same way, or worse, half-way. */
static bool aborts(update_reason r)
{
    return r == UPDATE_STICK_REMOVED || r == UPDATE_STICK_ERROR || r == UPDATE_DISK_FULL ||
           r == UPDATE_DISK_ERROR || r == UPDATE_NO_STICK || r == UPDATE_NO_KEYS || r == UPDATE_BUSY ||
           r == UPDATE_NO_MEMORY;
}

bool update_fail(ctx *c, cand *k, update_reason why, const char *fmt, ...)
{
    char text[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (k) {
        k->reason = why;
        update_detail(c, "%s: %s", k->shown, text);
    } else {
        update_detail(c, "%s", text);
    }
    if (aborts(why) && !c->abort) {
        c->abort = why;
        c->abort_cand = k;
    }
    return false;
}

/* A pulled stick takes its mount with it (or leaves an empty mount point), so the file is gone.
 * A file that is still there but cannot be read is that file's problem: the stick could be
 * listed, and the next pack on it may read fine. */
bool update_stick_fail(ctx *c, cand *k, const char *path, int en)
{
    struct stat st;
    if (IO(c->io, lstat, path, &st) != 0)
        return update_fail(c, k, UPDATE_STICK_REMOVED, "the stick went away while reading %s (%s)", path,
                           strerror(en));
    return update_fail(c, k, k ? UPDATE_UNREADABLE : UPDATE_STICK_ERROR, "cannot read %s: %s", path, strerror(en));
}

update_reason update_disk_reason(int en)
{
    return en == ENOSPC || en == EDQUOT ? UPDATE_DISK_FULL : en == ENOMEM ? UPDATE_NO_MEMORY : UPDATE_DISK_ERROR;
}
