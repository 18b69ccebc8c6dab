/* Reading one Integreat pages export (a JSON array of pages, read with json-c) into pages
 * whose strings are all strict UTF-8. A page that cannot be used (no id or path, another
 * region or language, the same id or path as a newer page) is left out with a line in the
 * notes; a date that cannot be read is a note too, never a failure and never a read past
 * the string. Only a file that is not a JSON array of pages, or has too many, is refused. */
#include "import_private.h"

#include <ctype.h>
#include <errno.h>
#include <json.h>
#include <time.h>

static bool lit(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* Exactly n ASCII digits; each is looked at before the next, so the string's end stops it. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : DAYS[m - 1];
}

bool import_parse_time(const char *s, long long *ms, char date[11], int *day)
{
    int y, mo, d, h, mi, sec;
    const char *p = s;
    /* ISO 8601, or the SQL form with a space that some exports use. */
    if (!p || !digits(&p, 4, &y) || !lit(&p, '-') || !digits(&p, 2, &mo) || !lit(&p, '-') || !digits(&p, 2, &d) ||
        !(lit(&p, 'T') || lit(&p, 't') || lit(&p, ' ')) || !digits(&p, 2, &h) || !lit(&p, ':') ||
        !digits(&p, 2, &mi) || !lit(&p, ':') || !digits(&p, 2, &sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
        return false;
    int frac = 0;
    if (lit(&p, '.')) {
        if (!isdigit((unsigned char)*p))
            return false;
        int n = 0;
        for (; isdigit((unsigned char)*p); p++, n++)
            if (n < 3)
                frac = frac * 10 + (*p - '0');
        for (; n < 3; n++)
            frac *= 10;
    }
    int offset = 0;
    if (lit(&p, 'Z') || lit(&p, 'z')) {
        /* UTC */
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (!digits(&p, 2, &oh) || oh > 23)
            return false;
        bool colon = lit(&p, ':');
        if ((colon || *p) && (!digits(&p, 2, &om) || om > 59))
            return false;
        offset = sign * (oh * 60 + om);
    }
    if (*p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    *ms = ((long long)timegm(&tm) - offset * 60LL) * 1000 + frac;
    snprintf(date, 11, "%04d-%02d-%02d", y, mo, d);
    int v = (y - 2000) * 10000 + mo * 100 + d;
    *day = v < 1 ? 1 : v > 999999 ? 999999 : v;
    return true;
}

bool import_valid_lang(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n >= PACK_LANG_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return islower((unsigned char)s[0]);
}

static const char *jstr(json_object *o, const char *key, size_t *len)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    if (len)
        *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

/* A whole number, also when an export writes it as a string ("id": "5484709"). */
static bool jlong(json_object *o, const char *key, long *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return false;
    if (json_object_is_type(v, json_type_int)) {
        errno = 0;
        int64_t value = json_object_get_int64(v);
        if (errno)
            return false; /* json-c clamps what does not fit */
        *out = (long)value;
        return true;
    }
    if (!json_object_is_type(v, json_type_string))
        return false;
    const char *text = json_object_get_string(v);
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (!*text || *end || errno)
        return false;
    *out = value;
    return true;
}

/* The page's path; an export without one has it in the page's address. */
static const char *jpath(json_object *o)
{
    const char *path = jstr(o, "path", NULL), *url = path ? NULL : jstr(o, "url", NULL);
    if (url && strstr(url, "://"))
        path = strchr(strstr(url, "://") + 3, '/');
    return path;
}

static char *norm_path(const char *path)
{
    char buf[IMPORT_PATH_MAX + 1];
    if (!path || !import_integreat_path(path, buf, sizeof buf))
        return NULL;
    return strdup(buf);
}

/* The language and region from a path "/region/lang/..."; false when a part does not fit. */
static bool path_parts(const char *path, char *region, size_t rsize, char *lang, size_t lsize)
{
    if (!path || path[0] != '/')
        return false;
    const char *a = path + 1, *b = strchr(a, '/');
    if (!b)
        return false;
    const char *c = strchr(b + 1, '/');
    if (!c || c == b + 1 || (size_t)(b - a) >= rsize || (size_t)(c - b - 1) >= lsize)
        return false;
    snprintf(region, rsize, "%.*s", (int)(b - a), a);
    snprintf(lang, lsize, "%.*s", (int)(c - b - 1), b + 1);
    return true;
}

static void page_free(ig_page *p)
{
    free(p->path);
    free(p->parent_path);
    free(p->title);
    free(p->html);
    for (int k = 0; k < p->avail_count; k++)
        free(p->avail[k].path);
    free(p->avail);
    memset(p, 0, sizeof *p);
}

void import_export_clear(import_export *x)
{
    for (int i = 0; i < x->count; i++)
        page_free(&x->pages[i]);
    free(x->pages);
    sb_free(&x->notes);
    memset(x, 0, sizeof *x);
}

/* The region and language most of the file's pages are in: a page elsewhere is left out. */
static bool file_place(json_object *root, size_t n, import_export *x)
{
    typedef struct place {
        char region[64], lang[PACK_LANG_MAX];
        bool ok;
    } place;
    place *places = calloc(n ? n : 1, sizeof *places);
    if (!places)
        return false;
    for (size_t i = 0; i < n; i++) {
        char *path = norm_path(jpath(json_object_array_get_idx(root, i)));
        places[i].ok = path && path_parts(path, places[i].region, sizeof places[i].region, places[i].lang,
                                          sizeof places[i].lang);
        free(path);
    }
    size_t best = 0;
    for (size_t i = 0; i < n && best * 2 <= n; i++) {
        size_t count = 0;
        for (size_t j = i; places[i].ok && j < n; j++)
            count += places[j].ok && !strcmp(places[j].region, places[i].region) &&
                     !strcmp(places[j].lang, places[i].lang);
        if (count > best) {
            best = count;
            snprintf(x->region, sizeof x->region, "%s", places[i].region);
            snprintf(x->lang, sizeof x->lang, "%s", places[i].lang);
        }
    }
    free(places);
    return true;
}

static void read_avail(json_object *o, ig_page *p)
{
    json_object *avail;
    if (!json_object_object_get_ex(o, "available_languages", &avail) || !json_object_is_type(avail, json_type_object))
        return;
    int count = json_object_object_length(avail), k = 0;
    p->avail = calloc(count ? (size_t)count : 1, sizeof *p->avail);
    if (!p->avail)
        return;
    json_object_object_foreach(avail, key, value)
    {
        long other;
        if (k < count && json_object_is_type(value, json_type_object) && jlong(value, "id", &other) &&
            import_valid_lang(key)) {
            snprintf(p->avail[k].lang, sizeof p->avail[k].lang, "%s", key);
            p->avail[k].id = other;
            p->avail[k].path = norm_path(jpath(value));
            k++;
        }
    }
    p->avail_count = k;
}

/* One page of the array into p; false (with a note) when it cannot be imported. */
static bool read_page(import_export *x, json_object *o, size_t index, ig_page *p, bool *oom)
{
    memset(p, 0, sizeof *p);
    p->match = -1;
    if (!json_object_is_type(o, json_type_object)) {
        sb_addf(&x->notes, "  %s: entry %zu is not a page: not imported\n", x->name, index + 1);
        return false;
    }
    if (!jlong(o, "id", &p->id)) {
        sb_addf(&x->notes, "  %s: entry %zu has no id: not imported\n", x->name, index + 1);
        return false;
    }
    const char *raw_path = jpath(o);
    p->path = norm_path(raw_path);
    char region[64], lang[PACK_LANG_MAX];
    if (!p->path || !path_parts(p->path, region, sizeof region, lang, sizeof lang)) {
        sb_addf(&x->notes, "  page %ld (%s): its path is missing, longer than %d bytes or not /region/language/...: "
                           "not imported\n",
                p->id, x->lang, IMPORT_PATH_MAX);
        return false;
    }
    if (strcmp(region, x->region) || strcmp(lang, x->lang)) {
        sb_addf(&x->notes, "  page %ld (%s): its path %s is not in /%s/%s/ like the file's other pages: not imported\n",
                p->id, x->lang, p->path, x->region, x->lang);
        return false;
    }
    if (strstr(p->path, "\xEF\xBF\xBD") && !(raw_path && strstr(raw_path, "\xEF\xBF\xBD")))
        sb_addf(&x->notes, "  page %ld (%s): its path had bytes that are not UTF-8 or control characters "
                           "(replaced by U+FFFD in the comments and the code list)\n",
                p->id, x->lang);
    size_t title_len = 0, html_len = 0;
    const char *title = jstr(o, "title", &title_len), *html = jstr(o, "content", &html_len);
    p->title = import_clean_text(title ? title : "", title_len, true, &p->title_fixes);
    p->html = import_clean_text(html ? html : "", html_len, false, &p->html_fixes);
    json_object *parent;
    long parent_id = 0;
    if (json_object_object_get_ex(o, "parent", &parent) && json_object_is_type(parent, json_type_object) &&
        jlong(parent, "id", &parent_id) && parent_id != 0) {
        p->parent_path = norm_path(jpath(parent));
        if (!p->parent_path)
            sb_addf(&x->notes, "  page %ld (%s): its parent's path cannot be read: put on the home screen\n", p->id,
                    x->lang);
    }
    if (!jlong(o, "order", &p->order))
        p->order = 0;
    size_t len;
    const char *updated = jstr(o, "last_updated", &len), *modified = jstr(o, "modified_gmt", NULL);
    p->dated = (updated && strlen(updated) == len && import_parse_time(updated, &p->updated_ms, p->date, &p->day)) ||
               (modified && import_parse_time(modified, &p->updated_ms, p->date, &p->day));
    if (!p->dated) {
        char *shown = import_clean_text(updated ? updated : "", updated ? (len > 60 ? 60 : len) : 0, true, NULL);
        sb_addf(&x->notes, "  page %ld (%s): last_updated \"%s\" is not a date like 2024-01-23T10:00:00+01:00: "
                           "taken as older than every dated page\n",
                p->id, x->lang, shown ? shown : "");
        free(shown);
        p->date[0] = 0;
        p->day = 0;
    }
    read_avail(o, p);
    *oom |= !p->title || !p->html;
    return true;
}

static int compare_long(long a, long b) { return a < b ? -1 : a > b; }

/* Which of two pages with the same id or path stays: the newer, then the larger id, then
 * the path; so the result does not depend on the export's order. */
static bool newer(const ig_page *a, const ig_page *b)
{
    if (a->dated != b->dated)
        return a->dated;
    if (a->updated_ms != b->updated_ms)
        return a->updated_ms > b->updated_ms;
    int c = compare_long(a->id, b->id);
    return c ? c > 0 : strcmp(a->path, b->path) < 0;
}

typedef struct dup_key {
    const ig_page *pages;
    bool by_path;
} dup_key;

static int same_place(const dup_key *k, int a, int b)
{
    const ig_page *x = &k->pages[a], *y = &k->pages[b];
    return k->by_path ? strcmp(x->path, y->path) : compare_long(x->id, y->id);
}

static int by_key(const void *a, const void *b, void *key)
{
    int x = *(const int *)a, y = *(const int *)b, c = same_place(key, x, y);
    return c ? c : x - y;
}

/* Pages with the same id or the same path: the newer stays, the others are noted. */
static bool drop_duplicates(import_export *x)
{
    int *idx = malloc((size_t)(x->count ? x->count : 1) * sizeof *idx);
    bool *gone = calloc((size_t)(x->count ? x->count : 1), sizeof *gone);
    if (!idx || !gone) {
        free(idx);
        free(gone);
        return false;
    }
    for (int pass = 0; pass < 2; pass++) {
        dup_key key = {x->pages, pass == 1};
        int m = 0;
        for (int i = 0; i < x->count; i++)
            if (!gone[i])
                idx[m++] = i;
        qsort_r(idx, (size_t)m, sizeof *idx, by_key, &key);
        for (int s = 0, e; s < m; s = e) {
            int keep = idx[s];
            for (e = s + 1; e < m && !same_place(&key, idx[s], idx[e]); e++)
                if (newer(&x->pages[idx[e]], &x->pages[keep]))
                    keep = idx[e];
            for (int k = s; k < e; k++)
                if (idx[k] != keep) {
                    const ig_page *p = &x->pages[idx[k]], *q = &x->pages[keep];
                    gone[idx[k]] = true;
                    if (pass)
                        sb_addf(&x->notes, "  page %ld (%s): has the same path as page %ld (%s), which is newer: "
                                           "not imported\n",
                                p->id, x->lang, q->id, q->path);
                    else
                        sb_addf(&x->notes, "  page %ld (%s) at %s: has the same id as the page at %s, which is "
                                           "newer: not imported\n",
                                p->id, x->lang, p->path, q->path);
                }
        }
    }
    int m = 0;
    for (int i = 0; i < x->count; i++) {
        if (gone[i])
            page_free(&x->pages[i]);
        else
            x->pages[m++] = x->pages[i];
    }
    x->count = m;
    free(idx);
    free(gone);
    return true;
}

bool import_export_parse(const char *bytes, size_t len, const char *name, import_export *x, err *e)
{
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s", name);
    json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    if (!tok || len > (size_t)INT32_MAX) {
        json_tokener_free(tok);
        return err_set(e, "%s: out of memory or too large", x->name);
    }
    json_object *root = json_tokener_parse_ex(tok, bytes, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t offset = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        return err_set(e, "%s: not valid JSON (%s at byte %zu)", x->name,
                       jerr == json_tokener_continue ? "the file ends too early" : json_tokener_error_desc(jerr),
                       offset);
    }
    bool ok = true, oom = false;
    size_t n = json_object_is_type(root, json_type_array) ? json_object_array_length(root) : 0;
    if (!json_object_is_type(root, json_type_array)) {
        ok = err_set(e, "%s: expected a JSON array of pages (Integreat's pages API)", x->name);
    } else if (n > IMPORT_PAGES_MAX) {
        ok = err_set(e, "%s has %zu pages; a pack holds at most %d", x->name, n, IMPORT_PAGES_MAX);
    } else {
        x->pages = calloc(n ? n : 1, sizeof *x->pages);
        oom = !x->pages || !file_place(root, n, x);
        for (size_t i = 0; !oom && i < n; i++)
            if (read_page(x, json_object_array_get_idx(root, i), i, &x->pages[x->count], &oom))
                x->count++;
            else
                page_free(&x->pages[x->count]);
        oom = oom || !drop_duplicates(x) || x->notes.oom;
    }
    json_object_put(root);
    if (ok && oom)
        ok = err_set(e, "%s: out of memory", x->name);
    if (ok && !x->lang[0]) {
        /* No page to read the language from: the file name says it (de.pages.json). */
        snprintf(x->lang, sizeof x->lang, "%.*s", (int)strcspn(x->name, "._"), x->name);
    }
    if (ok && !import_valid_lang(x->lang))
        ok = err_set(e, "%s: cannot tell the language ('%s')", x->name, x->lang);
    if (!ok)
        import_export_clear(x);
    return ok;
}

import_export *import_export_read(const char *bytes, size_t len, const char *name, err *e)
{
    import_export *x = malloc(sizeof *x);
    if (!x) {
        err_set(e, "out of memory");
        return NULL;
    }
    if (!import_export_parse(bytes, len, name, x, e)) {
        free(x);
        return NULL;
    }
    return x;
}

int import_export_page_count(const import_export *x) { return x->count; }

const char *import_export_notes(const import_export *x) { return x->notes.s ? x->notes.s : ""; }

void import_export_free(import_export *x)
{
    if (!x)
        return;
    import_export_clear(x);
    free(x);
}
