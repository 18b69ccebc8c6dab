/* Reading content sources (content/README.md) and writing them as a pack. */
#include "pack.h"
#include "pack_private.h"
#include "recording.h"

#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include <unistd.h>

#define MAX_PAGES 4096

typedef struct src_text {
    char lang[PACK_LANG_MAX];
    char *title, *summary, *body;
    char *tile_title;    /* a shorter title for the home-screen tile, or NULL */
    int version;         /* German source: its version */
    int translated_from; /* translation: the source version it follows */
    char review[16];
    char audio[65]; /* read-aloud recording: hash of an asset, "" when there is none */
    char path[1100];
    int translated_from_line, review_line;
} src_text;

typedef struct src_page {
    pack_page page;
    int dir_index; /* its folder among the sorted page folders */
    int office_line;
    char path[512]; /* page.txt, for messages */
    int parent_line;
    src_text texts[PACK_LANGUAGES_MAX];
    int text_count;
} src_page;

typedef struct src {
    const char *dir;
    pack_report *report;
    pack_meta meta;
    pack_language languages[PACK_LANGUAGES_MAX];
    int language_count;
    src_page *pages;
    int page_count;
    char source[512]; /* region.txt `source`: where the content comes from and its licence */
    pack_office *offices;
    int office_count;
    struct src_asset {
        char hash[65], name[128], kind[16], path[1100];
    } *assets;
    int asset_count;
} src;

static bool problem(src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool problem(src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pack_report_addv(s->report, true, fmt, ap);
    va_end(ap);
    return false;
}

static void warning(src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warning(src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pack_report_addv(s->report, false, fmt, ap);
    va_end(ap);
}

static char *read_file(src *s, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        problem(s, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf) {
        problem(s, "%s: out of memory", path);
        return NULL;
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

/* Returns the line (1-based) of the first invalid UTF-8 byte, or 0 if all is valid. */
static int invalid_utf8_line(const char *s, size_t len)
{
    int line = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (extra < 0 || (extra == 1 && c < 0xC2) || i + (size_t)extra >= len)
            return line;
        for (int k = 1; k <= extra; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return line;
        if (c == '\n')
            line++;
        if (c == 0)
            return line;
        i += (size_t)extra + 1;
    }
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = 0;
    return s;
}

/* Splits "key: value"; false if the line has no colon. */
static bool split_key(char *line, char **key, char **value)
{
    char *colon = strchr(line, ':');
    if (!colon)
        return false;
    *colon = 0;
    *key = trim(line);
    *value = trim(colon + 1);
    return true;
}

/* Walks lines of a buffer in place; returns NULL at the end. */
static char *next_line(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s)
        return NULL;
    char *nl = strchr(s, '\n');
    if (nl) {
        *nl = 0;
        *cursor = nl + 1;
    } else {
        *cursor = s + strlen(s);
    }
    return s;
}

static bool valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 6)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0 || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

/* A source file as text: read whole, and refused with its line when it is not UTF-8. */
static char *read_source(src *s, const char *path)
{
    size_t len;
    char *buf = read_file(s, path, &len);
    if (!buf)
        return NULL;
    int bad = invalid_utf8_line(buf, len);
    if (bad) {
        free(buf);
        problem(s, "%s:%d: not valid UTF-8; save the file as UTF-8", path, bad);
        return NULL;
    }
    return buf;
}

#define ASSET_MAX_BYTES (16 << 20)

/* An asset named in a text (assets/<name>): checked, hashed (BLAKE2b-256), kept once however
 * many texts use it. Writes its hash into `hash`. */
static bool add_asset(src *s, const char *name, const char *kind, const char *file, int line, char hash[65])
{
    if (sodium_init() < 0)
        return problem(s, "cannot start libsodium to hash %s", name);
    if (!*name || strchr(name, '/') || name[0] == '.')
        return problem(s, "%s:%d: '%s' must be a file name in the assets folder", file, line, name);
    char path[1100];
    snprintf(path, sizeof path, "%s/assets/%s", s->dir, name);
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return problem(s, "%s:%d: %s %s is not in the assets folder (%s)", file, line, kind, name, path);
    if (st.st_size > ASSET_MAX_BYTES)
        return problem(s, "%s:%d: %s is larger than %d MiB", file, line, name, ASSET_MAX_BYTES >> 20);
    size_t len;
    char *data = read_file(s, path, &len);
    if (!data)
        return false;
    recording_info info;
    err e;
    if (!strcmp(kind, "audio") && !recording_probe((const unsigned char *)data, len, &info, &e)) {
        free(data);
        return problem(s, "%s:%d: %s: %s", file, line, name, e.msg);
    }
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)data, len, NULL, 0);
    free(data);
    sodium_bin2hex(hash, 65, digest, sizeof digest);
    for (int i = 0; i < s->asset_count; i++)
        if (!strcmp(s->assets[i].hash, hash))
            return true;
    struct src_asset *bigger = realloc(s->assets, (size_t)(s->asset_count + 1) * sizeof *bigger);
    if (!bigger)
        return problem(s, "out of memory");
    s->assets = bigger;
    struct src_asset *a = &s->assets[s->asset_count++];
    snprintf(a->hash, sizeof a->hash, "%s", hash);
    snprintf(a->name, sizeof a->name, "%s", name);
    snprintf(a->kind, sizeof a->kind, "%s", kind);
    snprintf(a->path, sizeof a->path, "%s", path);
    return true;
}

static bool parse_language(src *s, char *value, const char *path, int line)
{
    if (s->language_count >= PACK_LANGUAGES_MAX)
        return problem(s, "%s:%d: more than %d languages", path, line, PACK_LANGUAGES_MAX);
    char *field[5];
    int n = 0;
    for (char *tok = value; n < 5; n++) {
        char *bar = strchr(tok, '|');
        if (bar)
            *bar = 0;
        field[n] = trim(tok);
        if (!bar) {
            n++;
            break;
        }
        tok = bar + 1;
    }
    if (n != 5)
        return problem(s, "%s:%d: a language needs five fields: code | native name | direction | script | digits",
                       path, line);
    pack_language *l = &s->languages[s->language_count];
    if (!*field[0] || strlen(field[0]) >= sizeof l->code)
        return problem(s, "%s:%d: language code '%s' is empty or too long", path, line, field[0]);
    for (int i = 0; i < s->language_count; i++)
        if (!strcmp(s->languages[i].code, field[0]))
            return problem(s, "%s:%d: language '%s' is listed twice", path, line, field[0]);
    if (strcmp(field[2], "ltr") && strcmp(field[2], "rtl"))
        return problem(s, "%s:%d: direction must be ltr or rtl, not '%s'", path, line, field[2]);
    if (strlen(field[3]) != 4)
        return problem(s, "%s:%d: script must be a four-letter ISO 15924 code such as Latn or Arab, not '%s'", path,
                       line, field[3]);
    if (strcmp(field[4], "latn") && strcmp(field[4], "arab") && strcmp(field[4], "arabext"))
        return problem(s, "%s:%d: digits must be latn, arab or arabext, not '%s'", path, line, field[4]);
    snprintf(l->code, sizeof l->code, "%s", field[0]);
    snprintf(l->native_name, sizeof l->native_name, "%s", field[1]);
    l->rtl = !strcmp(field[2], "rtl");
    snprintf(l->script, sizeof l->script, "%s", field[3]);
    snprintf(l->digits, sizeof l->digits, "%s", field[4]);
    s->language_count++;
    return true;
}

static bool read_region(src *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/region.txt", s->dir);
    char *buf = read_source(s, path);
    if (!buf)
        return false;
    bool ok = true;
    char *cursor = buf, *raw;
    for (int line = 1; (raw = next_line(&cursor)); line++) {
        char *l = trim(raw), *key, *value;
        if (!*l || *l == '#')
            continue;
        if (!split_key(l, &key, &value)) {
            ok = problem(s, "%s:%d: expected 'key: value'", path, line);
        } else if (!strcmp(key, "name")) {
            snprintf(s->meta.name, sizeof s->meta.name, "%s", value);
        } else if (!strcmp(key, "region")) {
            snprintf(s->meta.region, sizeof s->meta.region, "%s", value);
        } else if (!strcmp(key, "version")) {
            snprintf(s->meta.version, sizeof s->meta.version, "%s", value);
        } else if (!strcmp(key, "publisher")) {
            snprintf(s->meta.publisher, sizeof s->meta.publisher, "%s", value);
        } else if (!strcmp(key, "source")) {
            snprintf(s->source, sizeof s->source, "%s", value);
        } else if (!strcmp(key, "created")) {
            snprintf(s->meta.created, sizeof s->meta.created, "%s", value);
        } else if (!strcmp(key, "source-language")) {
            snprintf(s->meta.source_language, sizeof s->meta.source_language, "%s", value);
        } else if (!strcmp(key, "demo")) {
            if (strcmp(value, "yes") && strcmp(value, "no"))
                ok = problem(s, "%s:%d: demo must be yes or no", path, line);
            s->meta.demo = !strcmp(value, "yes");
        } else if (!strcmp(key, "language")) {
            if (!parse_language(s, value, path, line))
                ok = false;
        } else if (strcmp(key, "contact")) {
            ok = problem(s, "%s:%d: unknown key '%s' (known: name, region, version, created, publisher, contact, "
                            "source, demo, source-language, language)", path, line, key);
        }
    }
    free(buf);
    if (!ok)
        return false;
    if (!s->meta.region[0] || !s->meta.name[0] || !s->meta.version[0])
        return problem(s, "%s: needs 'name', 'region' and 'version'", path);
    if (!s->language_count)
        return problem(s, "%s: lists no 'language'", path);
    if (!s->meta.source_language[0])
        snprintf(s->meta.source_language, sizeof s->meta.source_language, "%s", s->languages[0].code);
    bool source_listed = false;
    for (int i = 0; i < s->language_count; i++)
        source_listed |= !strcmp(s->languages[i].code, s->meta.source_language);
    if (!source_listed)
        return problem(s, "%s: source-language '%s' is not among the languages", path, s->meta.source_language);
    return true;
}

static bool read_page_file(src *s, src_page *pg)
{
    char *buf = read_source(s, pg->path);
    if (!buf)
        return false;
    bool ok = true, have_code = false;
    snprintf(pg->page.kind, sizeof pg->page.kind, "article");
    char *cursor = buf, *raw;
    for (int line = 1; (raw = next_line(&cursor)); line++) {
        char *l = trim(raw), *key, *value;
        if (!*l || *l == '#')
            continue;
        if (!split_key(l, &key, &value)) {
            ok = problem(s, "%s:%d: expected 'key: value'", pg->path, line);
        } else if (!strcmp(key, "code")) {
            if (!valid_code(value))
                ok = problem(s, "%s:%d: code must be 1 to 6 digits, not '%s'", pg->path, line, value);
            snprintf(pg->page.code, sizeof pg->page.code, "%s", value);
            have_code = true;
        } else if (!strcmp(key, "parent")) {
            if (*value && !valid_code(value))
                ok = problem(s, "%s:%d: parent must be a page code or empty, not '%s'", pg->path, line, value);
            snprintf(pg->page.parent, sizeof pg->page.parent, "%s", value);
            pg->parent_line = line;
        } else if (!strcmp(key, "order")) {
            if (!parse_int(value, &pg->page.order))
                ok = problem(s, "%s:%d: order must be a whole number, not '%s'", pg->path, line, value);
        } else if (!strcmp(key, "office")) {
            snprintf(pg->page.office, sizeof pg->page.office, "%s", value);
            pg->office_line = line;
        } else if (!strcmp(key, "icon")) {
            snprintf(pg->page.icon, sizeof pg->page.icon, "%s", value);
        } else if (!strcmp(key, "kind")) {
            if (strcmp(value, "topic") && strcmp(value, "article") && strcmp(value, "office") &&
                strcmp(value, "emergency") && strcmp(value, "help"))
                ok = problem(s, "%s:%d: kind must be topic, article, office, emergency or help, not '%s'", pg->path,
                             line, value);
            snprintf(pg->page.kind, sizeof pg->page.kind, "%s", value);
        } else {
            ok = problem(s, "%s:%d: unknown key '%s' (known: code, parent, order, icon, kind, office)", pg->path, line,
                         key);
        }
    }
    free(buf);
    if (!have_code)
        ok = problem(s, "%s: has no 'code'", pg->path);
    return ok;
}

/* Page links in a body must point at pages that exist; returns the line of the first bad
 * one (0 if none) and its code. */
static int bad_link_line(const src *s, const char *body, int first_line, char *code, size_t code_size)
{
    int line = first_line;
    for (const char *p = body; *p; p++) {
        if (*p == '\n')
            line++;
        if (strncmp(p, "](page:", 7))
            continue;
        const char *start = p + 7, *end = strchr(start, ')');
        size_t n = end ? (size_t)(end - start) : strlen(start);
        snprintf(code, code_size, "%.*s", (int)n, start);
        bool found = false;
        for (int i = 0; i < s->page_count && !found; i++)
            found = !strcmp(s->pages[i].page.code, code);
        if (!found)
            return line;
    }
    return 0;
}

static bool read_text_file(src *s, src_page *pg, const pack_language *lang, const char *path)
{
    char *buf = read_source(s, path);
    if (!buf)
        return false;
    src_text *t = &pg->texts[pg->text_count];
    memset(t, 0, sizeof *t);
    snprintf(t->lang, sizeof t->lang, "%s", lang->code);
    snprintf(t->path, sizeof t->path, "%s", path);
    t->translated_from_line = t->review_line = 1;
    bool is_source = !strcmp(lang->code, s->meta.source_language);
    snprintf(t->review, sizeof t->review, "%s", is_source ? "source" : "done");
    bool ok = true;
    char *cursor = buf, *raw;
    int line = 1;
    for (; (raw = next_line(&cursor)); line++) {
        char *l = trim(raw), *key, *value;
        if (!*l)
            break;
        if (!split_key(l, &key, &value)) {
            ok = problem(s, "%s:%d: expected 'key: value' in the header; leave an empty line before the text", path,
                         line);
        } else if (!strcmp(key, "title")) {
            free(t->title);
            t->title = strdup(value);
        } else if (!strcmp(key, "summary")) {
            free(t->summary);
            t->summary = strdup(value);
        } else if (!strcmp(key, "tile-title")) {
            free(t->tile_title);
            t->tile_title = strdup(value);
        } else if (!strcmp(key, "version")) {
            if (!parse_int(value, &t->version))
                ok = problem(s, "%s:%d: version must be a whole number", path, line);
        } else if (!strcmp(key, "translated-from")) {
            t->translated_from_line = line;
            if (!parse_int(value, &t->translated_from))
                ok = problem(s, "%s:%d: translated-from must be a whole number", path, line);
        } else if (!strcmp(key, "review")) {
            t->review_line = line;
            if (strcmp(value, "machine") && strcmp(value, "done"))
                ok = problem(s, "%s:%d: review must be machine or done", path, line);
            else if (!is_source)
                snprintf(t->review, sizeof t->review, "%s", value);
        } else if (!strcmp(key, "audio")) {
            if (!add_asset(s, value, "audio", path, line, t->audio))
                ok = false;
        } else {
            ok = problem(s, "%s:%d: unknown key '%s' (known: title, tile-title, summary, version, translated-from, review, audio)",
                         path, line, key);
        }
    }
    int body_line = line + 1; /* the line after the empty one that ends the header */
    t->body = strdup(cursor ? cursor : "");
    free(buf);
    pg->text_count++;
    if (!ok)
        return false;
    if (!t->title || !*t->title)
        return problem(s, "%s: has no 'title'", path);
    if (!t->summary)
        t->summary = strdup("");
    if (!t->body || !t->summary)
        return problem(s, "%s: out of memory", path);
    if (is_source)
        t->translated_from = t->version;
    char code[64];
    int link_line = bad_link_line(s, t->body, body_line, code, sizeof code);
    if (link_line)
        return problem(s, "%s:%d: links to page %s, which does not exist", path, link_line, code);
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_pages(const void *a, const void *b)
{
    const src_page *x = a, *y = b;
    return strcmp(x->page.code, y->page.code);
}

/* Lists the page folders in name order, so errors and output never depend on readdir. */
static int list_page_dirs(src *s, const char *pages_dir, char ***names_out)
{
    DIR *d = opendir(pages_dir);
    if (!d) {
        problem(s, "%s: cannot open the pages folder: %s", pages_dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", pages_dir, ent->d_name);
        if (stat(path, &st) || !S_ISDIR(st.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, (size_t)cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, compare_names);
    *names_out = names;
    return n;
}

/* "08:00" → 480; false unless HH:MM with a real time of day (24:00 ends a day). */
static bool parse_minutes(const char *t, int *out)
{
    int h, m;
    char extra;
    if (sscanf(t, "%d:%d%c", &h, &m, &extra) != 2 || strlen(t) != 5 || h < 0 || m < 0 || m > 59 || h > 24 ||
        (h == 24 && m))
        return false;
    *out = h * 60 + m;
    return true;
}

static bool valid_date(const char *d)
{
    int y, mo, da;
    char extra;
    return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &mo, &da, &extra) == 3 && mo >= 1 && mo <= 12 &&
           da >= 1 && da <= 31;
}

static const char *const WEEKDAYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* "08:00-12:00, 14:00-16:00" or "closed". */
static bool parse_day(src *s, pack_office *o, int day, char *value, const char *path, int line)
{
    o->slot_count[day] = 0;
    if (!strcmp(value, "closed"))
        return true;
    for (char *slot = strtok(value, ","); slot; slot = strtok(NULL, ",")) {
        char from[8], to[8];
        slot = trim(slot);
        int open, close;
        if (sscanf(slot, "%7[0-9:]-%7[0-9:]", from, to) != 2 || !parse_minutes(from, &open) ||
            !parse_minutes(to, &close) || open >= close)
            return problem(s, "%s:%d: opening hours must look like 08:00-12:00, 14:00-16:00 or closed, not '%s'",
                           path, line, slot);
        if (o->slot_count[day] == PACK_SLOTS_MAX)
            return problem(s, "%s:%d: at most %d time slots a day", path, line, PACK_SLOTS_MAX);
        int n = o->slot_count[day]++;
        o->slots[day][n].open = open;
        o->slots[day][n].close = close;
        if (n > 0 && open < o->slots[day][n - 1].close)
            return problem(s, "%s:%d: time slots must be in order and must not overlap", path, line);
    }
    return true;
}

static bool yes_no(src *s, const char *value, bool *out, const char *path, int line, const char *key)
{
    if (strcmp(value, "yes") && strcmp(value, "no"))
        return problem(s, "%s:%d: %s must be yes or no", path, line, key);
    *out = !strcmp(value, "yes");
    return true;
}

static bool read_office_file(src *s, pack_office *o, const char *path)
{
    char *buf = read_source(s, path);
    if (!buf)
        return false;
    bool ok = true;
    char *cursor = buf, *raw;
    for (int line = 1; (raw = next_line(&cursor)); line++) {
        char *l = trim(raw), *key, *value;
        int day = -1;
        if (!*l || *l == '#')
            continue;
        if (!split_key(l, &key, &value)) {
            ok = problem(s, "%s:%d: expected 'key: value'", path, line);
            continue;
        }
        for (int d = 0; d < 7; d++)
            if (!strcmp(key, WEEKDAYS[d]))
                day = d;
        if (day >= 0) {
            if (!parse_day(s, o, day, value, path, line))
                ok = false;
        } else if (!strcmp(key, "name")) {
            snprintf(o->name, sizeof o->name, "%s", value);
        } else if (!strcmp(key, "address")) {
            snprintf(o->address, sizeof o->address, "%s", value);
        } else if (!strcmp(key, "phone")) {
            if (o->phone_count == PACK_PHONES_MAX)
                ok = problem(s, "%s:%d: at most %d phone numbers", path, line, PACK_PHONES_MAX);
            else
                snprintf(o->phones[o->phone_count++], sizeof o->phones[0], "%s", value);
        } else if (!strcmp(key, "email")) {
            snprintf(o->email, sizeof o->email, "%s", value);
        } else if (!strcmp(key, "web")) {
            snprintf(o->web, sizeof o->web, "%s", value);
        } else if (!strcmp(key, "step-free")) {
            if (strcmp(value, "yes") && strcmp(value, "no") && strcmp(value, "unknown"))
                ok = problem(s, "%s:%d: step-free must be yes, no or unknown", path, line);
            snprintf(o->step_free, sizeof o->step_free, "%s", strcmp(value, "unknown") ? value : "");
        } else if (!strcmp(key, "appointment")) {
            if (strcmp(value, "only") && strcmp(value, "also") && strcmp(value, "no"))
                ok = problem(s, "%s:%d: appointment must be only, also or no", path, line);
            snprintf(o->appointment, sizeof o->appointment, "%s", strcmp(value, "no") ? value : "");
        } else if (!strcmp(key, "closed-until")) {
            if (*value && !valid_date(value))
                ok = problem(s, "%s:%d: closed-until must be a date like 2026-12-01", path, line);
            snprintf(o->closed_until, sizeof o->closed_until, "%s", value);
        } else if (!strcmp(key, "holiday")) {
            if (!valid_date(value))
                ok = problem(s, "%s:%d: holiday must be a date like 2026-12-24", path, line);
            else if (o->holiday_count < 16)
                snprintf(o->holidays[o->holiday_count++], sizeof o->holidays[0], "%s", value);
        } else if (!strcmp(key, "example")) {
            if (!yes_no(s, value, &o->example, path, line, "example"))
                ok = false;
        } else {
            ok = problem(s, "%s:%d: unknown key '%s' (known: name, address, phone, email, web, step-free, "
                            "appointment, closed-until, holiday, example, mon … sun)",
                         path, line, key);
        }
    }
    free(buf);
    if (!o->name[0])
        ok = problem(s, "%s: has no 'name'", path);
    return ok;
}

/* offices/<id>.txt, each an office or partner; the folder is optional. */
static bool read_offices(src *s)
{
    char dir_path[1024];
    snprintf(dir_path, sizeof dir_path, "%s/offices", s->dir);
    DIR *d = opendir(dir_path);
    if (!d)
        return true;
    char **names = NULL;
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || len < 5 || strcmp(ent->d_name + len - 4, ".txt"))
            continue;
        char **bigger = realloc(names, (size_t)(n + 1) * sizeof *names);
        if (!bigger)
            break;
        names = bigger;
        names[n++] = strdup(ent->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, (size_t)n, sizeof *names, compare_names);
    s->offices = calloc(n ? (size_t)n : 1, sizeof *s->offices);
    bool ok = s->offices != NULL || problem(s, "out of memory");
    for (int i = 0; s->offices && i < n; i++) {
        pack_office *o = &s->offices[s->office_count++];
        snprintf(o->id, sizeof o->id, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", dir_path, names[i]);
        if (!read_office_file(s, o, path))
            ok = false;
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ok;
}

/* The translation state of every page in every language: missing, outdated against the
 * source text, machine-drafted. Warnings, not errors: a pack may ship with gaps. */
static void note_translations(src *s, const char *pages_dir, char **names)
{
    for (int l = 0; l < s->language_count; l++) {
        pack_lang_stats *st = &s->report->langs[l];
        snprintf(st->code, sizeof st->code, "%s", s->languages[l].code);
    }
    s->report->lang_count = s->language_count;
    for (int i = 0; i < s->page_count; i++) {
        const src_page *pg = &s->pages[i];
        const src_text *source = NULL;
        for (int t = 0; t < pg->text_count; t++)
            if (!strcmp(pg->texts[t].lang, s->meta.source_language))
                source = &pg->texts[t];
        for (int l = 0; l < s->language_count; l++) {
            const pack_language *lang = &s->languages[l];
            pack_lang_stats *st = &s->report->langs[l];
            const src_text *t = NULL;
            for (int k = 0; k < pg->text_count; k++)
                if (!strcmp(pg->texts[k].lang, lang->code))
                    t = &pg->texts[k];
            st->pages++;
            char file[1100];
            snprintf(file, sizeof file, "%s/%s/%s.txt", pages_dir, names[pg->dir_index], lang->code);
            if (!t) {
                st->missing++;
                warning(s, "%s: missing: page %s has no %s (%s) text yet", file, pg->page.code, lang->native_name,
                        lang->code);
            } else if (source && t != source && t->translated_from < source->version) {
                st->outdated++;
                warning(s, "%s:%d: outdated: translated from version %d of the %s text, which is at version %d now",
                        file, t->translated_from_line, t->translated_from, s->meta.source_language, source->version);
            } else if (!strcmp(t->review, "machine")) {
                st->machine++;
                warning(s, "%s:%d: machine-drafted, awaiting review by a native speaker", file, t->review_line);
            } else {
                st->current++;
            }
        }
    }
}

static bool read_pages(src *s)
{
    char pages_dir[1024];
    snprintf(pages_dir, sizeof pages_dir, "%s/pages", s->dir);
    char **names;
    int n = list_page_dirs(s, pages_dir, &names);
    if (n < 0)
        return false;
    bool ok = n <= MAX_PAGES || problem(s, "%s: more than %d pages", pages_dir, MAX_PAGES);
    if (n > MAX_PAGES)
        n = MAX_PAGES;
    s->pages = calloc(n ? (size_t)n : 1, sizeof *s->pages);
    if (!s->pages) {
        ok = problem(s, "out of memory");
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        src_page *pg = &s->pages[s->page_count++];
        pg->dir_index = i;
        snprintf(pg->path, sizeof pg->path, "%s/%s/page.txt", pages_dir, names[i]);
        if (!read_page_file(s, pg))
            ok = false;
        for (int j = 0; pg->page.code[0] && j < s->page_count - 1; j++)
            if (!strcmp(s->pages[j].page.code, pg->page.code))
                ok = problem(s, "%s: code %s is already used by %s", pg->path, pg->page.code, s->pages[j].path);
    }
    /* Texts after all pages, so links can be checked against the whole tree. */
    for (int i = 0; i < s->page_count; i++) {
        src_page *pg = &s->pages[i];
        for (int l = 0; l < s->language_count; l++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s/%s.txt", pages_dir, names[i], s->languages[l].code);
            if (access(path, F_OK) == 0) {
                if (!read_text_file(s, pg, &s->languages[l], path))
                    ok = false;
            } else if (!strcmp(s->languages[l].code, s->meta.source_language)) {
                ok = problem(s, "%s: the source language text %s.txt is missing", pg->path, s->languages[l].code);
            }
        }
        bool office_found = !pg->page.office[0];
        for (int j = 0; !office_found && j < s->office_count; j++)
            office_found = !strcmp(s->offices[j].id, pg->page.office);
        if (!office_found)
            ok = problem(s, "%s:%d: office '%s' does not exist (offices/%s.txt)", pg->path, pg->office_line,
                         pg->page.office, pg->page.office);
        bool parent_found = !pg->page.parent[0];
        for (int j = 0; !parent_found && j < s->page_count; j++)
            parent_found = !strcmp(s->pages[j].page.code, pg->page.parent);
        if (!parent_found)
            ok = problem(s, "%s:%d: parent %s does not exist", pg->path, pg->parent_line, pg->page.parent);
        else if (pg->page.parent[0] && !strcmp(pg->page.parent, pg->page.code))
            ok = problem(s, "%s:%d: a page cannot be its own parent", pg->path, pg->parent_line);
    }
    note_translations(s, pages_dir, names);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    qsort(s->pages, (size_t)s->page_count, sizeof *s->pages, compare_pages);
    return ok;
}

static void src_free(src *s)
{
    for (int i = 0; i < s->page_count; i++)
        for (int t = 0; t < s->pages[i].text_count; t++) {
            free(s->pages[i].texts[t].title);
            free(s->pages[i].texts[t].summary);
            free(s->pages[i].texts[t].tile_title);
            free(s->pages[i].texts[t].body);
        }
    free(s->pages);
    free(s->offices);
    free(s->assets);
}

static const char SCHEMA_SQL[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE languages(code TEXT PRIMARY KEY, position INTEGER NOT NULL, native_name TEXT NOT NULL,"
    " direction TEXT NOT NULL CHECK(direction IN ('ltr','rtl')), script TEXT NOT NULL, digits TEXT NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE TABLE pages(code TEXT PRIMARY KEY, parent TEXT, position INTEGER NOT NULL, icon TEXT NOT NULL,"
    " kind TEXT NOT NULL, office TEXT) WITHOUT ROWID;"
    "CREATE TABLE offices(id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL, phones TEXT NOT NULL,"
    " email TEXT NOT NULL, web TEXT NOT NULL, step_free TEXT NOT NULL, appointment TEXT NOT NULL,"
    " closed_until TEXT NOT NULL, example INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE office_hours(office TEXT NOT NULL, day INTEGER NOT NULL, open INTEGER NOT NULL,"
    " close INTEGER NOT NULL, PRIMARY KEY(office, day, open)) WITHOUT ROWID;"
    "CREATE TABLE office_holidays(office TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY(office, date))"
    " WITHOUT ROWID;"
    "CREATE TABLE texts(page TEXT NOT NULL, lang TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,"
    " body TEXT NOT NULL, source_version INTEGER NOT NULL, review TEXT NOT NULL, audio TEXT,"
    " tile_title TEXT, PRIMARY KEY(page, lang)) WITHOUT ROWID;"
    "CREATE TABLE assets(hash TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL)"
    " WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE search USING fts5(page UNINDEXED, lang UNINDEXED, title, body,"
    " tokenize='unicode61 remove_diacritics 2');";

static bool exec_bind(sqlite3 *db, const char *sql, const char **texts, int ntexts, const int *ints, int nints);

/* The search index holds every text in its normalized form (pack_normalize). */
static bool index_text(sqlite3 *db, const char *page, const src_text *t)
{
    size_t cap = strlen(t->title) + strlen(t->summary) + strlen(t->body) * 2 + 16;
    char *title = malloc(cap), *words = malloc(cap), *body = malloc(cap);
    bool ok = title && words && body;
    if (ok) {
        pack_normalize(t->title, title, cap);
        snprintf(words, cap, "%s\n", t->summary);
        pack_index_words(t->body, words + strlen(words), cap - strlen(words));
        pack_normalize(words, body, cap);
        const char *v[] = {page, t->lang, title, body};
        ok = exec_bind(db, "INSERT INTO search(page, lang, title, body) VALUES(?1, ?2, ?3, ?4)", v, 4, NULL, 0);
    }
    free(title);
    free(words);
    free(body);
    return ok;
}

static bool exec_bind(sqlite3 *db, const char *sql, const char **texts, int ntexts, const int *ints, int nints)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    for (int i = 0; i < ntexts; i++)
        sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
    for (int i = 0; i < nints; i++)
        sqlite3_bind_int(st, ntexts + i + 1, ints[i]);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok;
}

static bool write_office(sqlite3 *db, const pack_office *o)
{
    char phones[PACK_PHONES_MAX * 41] = "";
    for (int i = 0; i < o->phone_count; i++)
        snprintf(phones + strlen(phones), sizeof phones - strlen(phones), "%s%s", i ? "\n" : "", o->phones[i]);
    const char *t[] = {o->id, o->name, o->address, phones, o->email, o->web, o->step_free, o->appointment,
                       o->closed_until};
    bool ok = exec_bind(db,
                        "INSERT INTO offices(id, name, address, phones, email, web, step_free, appointment,"
                        " closed_until, example) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        t, 9, (int[]){o->example}, 1);
    for (int d = 0; ok && d < 7; d++)
        for (int k = 0; ok && k < o->slot_count[d]; k++)
            ok = exec_bind(db, "INSERT INTO office_hours(office, day, open, close) VALUES(?1, ?2, ?3, ?4)", t, 1,
                           (int[]){d, o->slots[d][k].open, o->slots[d][k].close}, 3);
    for (int h = 0; ok && h < o->holiday_count; h++) {
        const char *hv[] = {o->id, o->holidays[h]};
        ok = exec_bind(db, "INSERT OR IGNORE INTO office_holidays(office, date) VALUES(?1, ?2)", hv, 2, NULL, 0);
    }
    return ok;
}

static bool write_asset(sqlite3 *db, const struct src_asset *a)
{
    FILE *f = fopen(a->path, "rb");
    if (!f)
        return false;
    unsigned char *data = malloc(ASSET_MAX_BYTES);
    size_t n = data ? fread(data, 1, ASSET_MAX_BYTES, f) : 0;
    fclose(f);
    sqlite3_stmt *st = NULL;
    bool ok = data && sqlite3_prepare_v2(db, "INSERT INTO assets(hash, name, kind, data) VALUES(?1, ?2, ?3, ?4)", -1,
                                         &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, a->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, a->kind, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 4, data, (int)n, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    free(data);
    return ok;
}

static bool write_pack(const src *s, const char *path, err *e)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        err_set(e, "cannot create %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    char setup[256];
    snprintf(setup, sizeof setup,
             "PRAGMA page_size=4096; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
             "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             PACK_APPLICATION_ID, PACK_SCHEMA_VERSION);
    bool ok = sqlite3_exec(db, setup, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, SCHEMA_SQL, NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    char schema[16];
    snprintf(schema, sizeof schema, "%d", PACK_SCHEMA_VERSION);
    const char *meta[][2] = {
        {"region", s->meta.region},       {"name", s->meta.name},
        {"version", s->meta.version},     {"publisher", s->meta.publisher},
        {"demo", s->meta.demo ? "yes" : "no"}, {"source_language", s->meta.source_language},
        {"schema_version", schema},
        {"created", s->meta.created[0] ? s->meta.created : s->meta.version},
        /* Schema 1 is read by every firmware so far; raise this with features older ones lack. */
        {"min_firmware", "0.1.0"},
    };
    for (size_t i = 0; ok && i < sizeof meta / sizeof meta[0]; i++)
        ok = exec_bind(db, "INSERT INTO meta VALUES(?1, ?2)", meta[i], 2, NULL, 0);
    if (ok && s->source[0])
        ok = exec_bind(db, "INSERT INTO meta VALUES('source', ?1)", (const char *[]){s->source}, 1, NULL, 0);
    for (int i = 0; ok && i < s->language_count; i++) {
        const pack_language *l = &s->languages[i];
        const char *t[] = {l->code, l->native_name, l->rtl ? "rtl" : "ltr", l->script, l->digits};
        ok = exec_bind(db,
                       "INSERT INTO languages(code, native_name, direction, script, digits, position)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                       t, 5, (int[]){i + 1}, 1);
    }
    for (int i = 0; ok && i < s->page_count; i++) {
        const src_page *pg = &s->pages[i];
        const char *t[] = {pg->page.code, pg->page.parent[0] ? pg->page.parent : NULL, pg->page.icon,
                           pg->page.kind, pg->page.office[0] ? pg->page.office : NULL};
        ok = exec_bind(db,
                       "INSERT INTO pages(code, parent, icon, kind, office, position) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
                       t, 5, (int[]){pg->page.order}, 1);
        for (int l = 0; ok && l < pg->text_count; l++) {
            const src_text *x = &pg->texts[l];
            const char *tt[] = {pg->page.code, x->lang, x->title, x->summary, x->body, x->review,
                                x->audio[0] ? x->audio : NULL, x->tile_title && x->tile_title[0] ? x->tile_title : NULL};
            ok = exec_bind(db,
                           "INSERT INTO texts(page, lang, title, summary, body, review, audio, tile_title, source_version)"
                           " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           tt, 8, (int[]){x->translated_from}, 1);
            ok = ok && index_text(db, pg->page.code, x);
        }
    }
    for (int i = 0; ok && i < s->office_count; i++)
        ok = write_office(db, &s->offices[i]);
    for (int i = 0; ok && i < s->asset_count; i++)
        ok = write_asset(db, &s->assets[i]);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        err_set(e, "cannot write %s: %s", path, sqlite3_errmsg(db));
    if (sqlite3_close(db) != SQLITE_OK && ok)
        ok = err_set(e, "cannot finish %s", path);
    return ok;
}

static bool read_sources(src *s)
{
    bool region = read_region(s);
    bool offices = read_offices(s);
    /* Pages are worth reading even when region.txt has a problem: one run shows them all. */
    return read_pages(s) && region && offices && s->report->errors == 0;
}

bool pack_check_sources(const char *src_dir, pack_report *report)
{
    pack_report keep = *report;
    memset(report, 0, sizeof *report);
    report->each_text = keep.each_text;
    report->each_page = keep.each_page;
    report->user = keep.user;
    src s = {.dir = src_dir, .report = report};
    bool ok = read_sources(&s);
    report->demo = s.meta.demo;
    for (int i = 0; i < s.page_count; i++)
        report->top_level += s.pages[i].page.code[0] && !s.pages[i].page.parent[0] && strcmp(s.pages[i].page.kind, "help");
    for (int i = 0; i < s.page_count; i++)
        for (int t = 0; t < s.pages[i].text_count; t++) {
            const src_text *x = &s.pages[i].texts[t];
            const pack_language *lang = NULL;
            for (int l = 0; l < s.language_count; l++)
                if (!strcmp(s.languages[l].code, x->lang))
                    lang = &s.languages[l];
            if (lang && report->each_text && x->title)
                report->each_text(report->user, x->path, &s.pages[i].page, lang, x->title,
                                  x->tile_title && x->tile_title[0] ? x->tile_title : x->title, x->body ? x->body : "");
        }
    for (int i = 0; i < s.page_count; i++)
        if (report->each_page)
            report->each_page(report->user, s.pages[i].path, &s.pages[i].page);
    src_free(&s);
    return ok && report->errors == 0;
}

bool pack_build(const char *src_dir, const char *out_path, err *e)
{
    pack_report report = {0};
    src s = {.dir = src_dir, .report = &report};
    bool ok = read_sources(&s);
    if (!ok) {
        const pack_problem *first = NULL;
        for (int i = 0; i < report.count && !first; i++)
            if (report.problems[i].error)
                first = &report.problems[i];
        if (report.errors > 1)
            err_set(e, "%s (and %d more errors: 'wegweiser-pack check %s' lists them all)",
                    first ? first->text : "the sources have errors", report.errors - 1, src_dir);
        else
            err_set(e, "%s", first ? first->text : "the sources have errors");
    } else {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
        unlink(tmp);
        ok = write_pack(&s, tmp, e);
        if (ok && rename(tmp, out_path) != 0)
            ok = err_set(e, "cannot move %s into place: %s", out_path, strerror(errno));
        if (!ok)
            unlink(tmp);
    }
    src_free(&s);
    pack_report_free(&report);
    return ok;
}

void pack_report_addv(pack_report *r, bool error, const char *fmt, va_list ap)
{
    /* Counted even when there is no memory to keep the text: an error must stop a build. */
    if (error)
        r->errors++;
    else
        r->warnings++;
    if (r->count == r->capacity) {
        int cap = r->capacity ? r->capacity * 2 : 64;
        pack_problem *bigger = realloc(r->problems, (size_t)cap * sizeof *bigger);
        if (!bigger)
            return;
        r->problems = bigger;
        r->capacity = cap;
    }
    pack_problem *p = &r->problems[r->count++];
    p->error = error;
    vsnprintf(p->text, sizeof p->text, fmt, ap);
}

void pack_report_add(pack_report *r, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pack_report_addv(r, error, fmt, ap);
    va_end(ap);
}

void pack_report_free(pack_report *r)
{
    free(r->problems);
    r->problems = NULL;
    r->count = r->capacity = 0;
}
