/* sb: a growing string for text built piece by piece (files written whole, queries, exports).
 * Out of memory is remembered (`oom`) and everything after it is a no-op, so a builder checks
 * once at the end. */
#ifndef WW_SB_H
#define WW_SB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

typedef struct sb {
    char *s;
    size_t len, cap;
    bool oom;
} sb;

static inline void sb_addn(sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *bigger = realloc(b->s, cap);
        if (!bigger) {
            b->oom = true;
            return;
        }
        b->s = bigger;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static inline void sb_add(sb *b, const char *s) { sb_addn(b, s, strlen(s)); }

static inline void sb_cp(sb *b, uint32_t c)
{
    char u[4];
    sb_addn(b, u, (size_t)utf8_put(c, u));
}

static inline void sb_addf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void sb_addf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *tmp = malloc((size_t)n + 1);
    if (!tmp) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_addn(b, tmp, (size_t)n);
    free(tmp);
}

static inline char sb_last(const sb *b) { return b->len ? b->s[b->len - 1] : 0; }

/* The string, owned by the caller ("" when nothing was added); NULL when out of memory. */
static inline char *sb_take(sb *b)
{
    char *s = b->oom ? NULL : b->s ? b->s : strdup("");
    if (b->oom)
        free(b->s);
    memset(b, 0, sizeof *b);
    return s;
}

#endif
