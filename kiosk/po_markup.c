/* Inline markup in PO entries (po_private.h). A translator sees `[Jobcenter]{1}` where the
 * source says `[Jobcenter](page:320)`: the label is theirs to translate, the target is not
 * theirs to break. With the entry flagged python-brace-format, `msgfmt -c` and every PO editor
 * check that each {N} is there; po_markup_in checks it again before anything is written. */
#include "po_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sb.h"

/* A link at p as the kiosk reads one (view_inline): `[label](target)`, no `[` in the label.
 * Sets the label and target spans and returns the byte after it, or NULL when p is no link. */
static const char *link_at(const char *p, const char **label, size_t *label_len, const char **target,
                           size_t *target_len)
{
    if (*p != '[')
        return NULL;
    const char *close = strstr(p, "](");
    const char *end = close ? strchr(close, ')') : NULL;
    if (!close || !end || memchr(p + 1, '[', (size_t)(close - p - 1)))
        return NULL;
    *label = p + 1;
    *label_len = (size_t)(close - p - 1);
    *target = close + 2;
    *target_len = (size_t)(end - close - 2);
    return end + 1;
}

int po_markup_targets(const char *text, char targets[][PACK_LINK_BYTES_MAX + 1], int max)
{
    int n = 0;
    for (const char *p = text; *p;) {
        if (p[0] == '*' && p[1] == '*') {
            p += 2;
            continue;
        }
        const char *label, *target;
        size_t label_len, target_len;
        const char *next = link_at(p, &label, &label_len, &target, &target_len);
        if (!next) {
            p++;
            continue;
        }
        if (n < max)
            snprintf(targets[n], PACK_LINK_BYTES_MAX + 1, "%.*s", (int)target_len, target);
        n++;
        p = next;
    }
    return n;
}

#define LINKS_MAX 64

static void put_escaped(sb *b, const char *s, size_t n, bool escape)
{
    for (size_t i = 0; i < n; i++) {
        sb_addn(b, s + i, 1);
        if (escape && (s[i] == '{' || s[i] == '}'))
            sb_addn(b, s + i, 1);
    }
}

char *po_markup_out(const char *german, const char *text, bool *flag)
{
    static char targets[LINKS_MAX][PACK_LINK_BYTES_MAX + 1];
    int gn = po_markup_targets(german, targets, LINKS_MAX);
    if (gn > LINKS_MAX)
        gn = LINKS_MAX;
    bool used[LINKS_MAX] = {false};
    *flag = gn > 0;
    sb b = {0};
    sb_addn(&b, "", 0);
    for (const char *p = text; *p;) {
        const char *label, *target;
        size_t label_len, target_len;
        const char *next = p[0] == '*' && p[1] == '*' ? NULL : link_at(p, &label, &label_len, &target, &target_len);
        if (!next) {
            put_escaped(&b, p, p[0] == '*' && p[1] == '*' ? 2 : 1, *flag);
            p += p[0] == '*' && p[1] == '*' ? 2 : 1;
            continue;
        }
        int found = -1;
        for (int i = 0; i < gn && found < 0; i++)
            if (!used[i] && strlen(targets[i]) == target_len && !memcmp(targets[i], target, target_len))
                found = i;
        sb_addn(&b, "[", 1);
        put_escaped(&b, label, label_len, *flag);
        if (found >= 0) {
            used[found] = true;
            char ph[16];
            sb_addn(&b, ph, (size_t)snprintf(ph, sizeof ph, "]{%d}", found + 1));
        } else {
            sb_addn(&b, "](", 2);
            put_escaped(&b, target, target_len, *flag);
            sb_addn(&b, ")", 1);
        }
        p = next;
    }
    return sb_take(&b);
}

static int count_bold(const char *s)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, "**")); p += 2)
        n++;
    return n;
}

char *po_markup_in(const char *german, const char *msgstr, char *why, size_t why_size)
{
    static char targets[LINKS_MAX][PACK_LINK_BYTES_MAX + 1];
    int gn = po_markup_targets(german, targets, LINKS_MAX);
    if (gn > LINKS_MAX)
        gn = LINKS_MAX;
    if (count_bold(msgstr) % 2 && !(count_bold(german) % 2)) {
        snprintf(why, why_size, "a ** that marks bold text has no partner: bold words go between two ** marks");
        return NULL;
    }
    if (!gn)
        return strdup(msgstr);
    int uses[LINKS_MAX] = {0};
    sb b = {0};
    sb_addn(&b, "", 0);
    for (const char *p = msgstr; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            sb_addn(&b, p, 1);
            p += 2;
            continue;
        }
        if (*p == '}') {
            snprintf(why, why_size, "a lone '}': links are written [words]{N}, a brace as '}}'");
            free(b.s);
            return NULL;
        }
        if (*p != '{') {
            sb_addn(&b, p, 1);
            p++;
            continue;
        }
        char *end;
        long n = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end != '}' || n < 1 || n > gn) {
            snprintf(why, why_size,
                     "'%.*s' is not a link of this text: its links are {1} to {%d}, each written [words]{N} "
                     "(a brace is written '{{')",
                     (int)(strcspn(p, "}") + 1 < 20 ? strcspn(p, "}") + 1 : 20), p, gn);
            free(b.s);
            return NULL;
        }
        if (sb_last(&b) != ']') {
            snprintf(why, why_size, "link {%ld} must follow the words it links, in brackets: [words]{%ld}", n, n);
            free(b.s);
            return NULL;
        }
        uses[n - 1]++;
        sb_addn(&b, "(", 1);
        sb_addn(&b, targets[n - 1], strlen(targets[n - 1]));
        sb_addn(&b, ")", 1);
        p = end + 1;
    }
    for (int i = 0; i < gn; i++)
        if (uses[i] != 1) {
            snprintf(why, why_size, "link {%d} (to %s) is %s: keep each [words]{N} of the German once", i + 1,
                     targets[i], uses[i] ? "there twice" : "missing");
            free(b.s);
            return NULL;
        }
    if (b.oom) {
        free(b.s);
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    /* Every placeholder must come back as a link the kiosk reads: `[` present, no `[` inside. */
    static char back[LINKS_MAX][PACK_LINK_BYTES_MAX + 1];
    int bn = po_markup_targets(b.s, back, LINKS_MAX);
    for (int i = 0; i < gn; i++) {
        bool found = false;
        for (int k = 0; k < bn && k < LINKS_MAX && !found; k++)
            found = !strcmp(back[k], targets[i]);
        if (!found) {
            snprintf(why, why_size, "link {%d} lost its '[': write [words]{%d}", i + 1, i + 1);
            free(b.s);
            return NULL;
        }
    }
    return b.s;
}
