/* Reading content sources (content/README.md): region.txt, the page tree and its texts, into
 * the model of pack_source.h. Every problem is reported as "file:line: what is wrong", one line
 * a person can act on; nothing is cut or dropped without a word (limits: pack_limits.h). */
#include "pack_source.h"
#include "pack_private.h"
#include "recording.h"
#include "utf8.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool pack_src_problem(src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pack_report_addv(s->report, true, fmt, ap);
    va_end(ap);
    return false;
}

void pack_src_warning(src *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pack_report_addv(s->report, false, fmt, ap);
    va_end(ap);
}

const char *pack_src_shown(src *s, const char *value)
{
    char *out = s->shown[s->next_shown++ % 4];
    utf8_shown(value, 60, out, sizeof s->shown[0]);
    return out;
}

char *pack_src_read_whole(const char *path, size_t *len, err *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        err_set(e, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        err_set(e, "%s: is a folder, not a file", path);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        err_set(e, "%s: is not a regular file", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, "%s: cannot read: %s", path, strerror(errno));
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
        err_set(e, "%s: out of memory", path);
        return NULL;
    }
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

static char *read_file(src *s, const char *path, size_t *len)
{
    err e;
    char *buf = pack_src_read_whole(path, len, &e);
    if (!buf)
        pack_src_problem(s, "%s", e.msg);
    return buf;
}

/* The line (1-based) of the first byte that is not UTF-8, or 0 when all is. Overlong forms,
 * surrogates and code points past U+10FFFF are not UTF-8 either: a pack is signed as built. */
static int invalid_utf8_line(const char *s, size_t len)
{
    int line = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (extra < 0 || (extra == 1 && c < 0xC2) || c > 0xF4 || i + (size_t)extra >= len)
            return line;
        for (int k = 1; k <= extra; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                return line;
        unsigned char next = extra ? (unsigned char)s[i + 1] : 0;
        if ((c == 0xE0 && next < 0xA0) || (c == 0xED && next >= 0xA0) || (c == 0xF0 && next < 0x90) ||
            (c == 0xF4 && next >= 0x90))
            return line;
        if (c == '\n')
            line++;
        if (c == 0)
            return line;
        i += (size_t)extra + 1;
    }
    return 0;
}

char *pack_src_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = 0;
    return s;
}

bool pack_src_split_key(char *line, char **key, char **value)
{
    char *colon = strchr(line, ':');
    if (!colon)
        return false;
    *colon = 0;
    *key = pack_src_trim(line);
    *value = pack_src_trim(colon + 1);
    return true;
}

char *pack_src_next_line(char **cursor)
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

char *pack_src_load(src *s, const char *path)
{
    size_t len;
    char *buf = read_file(s, path, &len);
    if (!buf)
        return NULL;
    /* Editors on Windows start UTF-8 files with a byte order mark; it belongs to no key. */
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        memmove(buf, buf + 3, len - 2);
        len -= 3;
    }
    int bad = invalid_utf8_line(buf, len);
    if (bad) {
        free(buf);
        pack_src_problem(s, "%s:%d: not valid UTF-8; save the file as UTF-8", path, bad);
        return NULL;
    }
    return buf;
}

static int utf8_chars(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool direction_control(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool pack_src_field(src *s, const char *path, int line, const char *key, const char *value, int limit)
{
    size_t n = strlen(value);
    if (n > (size_t)limit)
        return pack_src_problem(
            s, "%s:%d: %s is %zu bytes long (%d characters), more than the %d bytes the kiosk takes: shorten it", path,
            line, key, n, utf8_chars(value), limit);
    uint32_t c = pack_limits_hidden_char(value, false, NULL);
    if (!c)
        return true;
    char name[160];
    pack_limits_char_name(c, name, sizeof name);
    if (direction_control(c))
        return pack_src_problem(
            s,
            "%s:%d: %s has %s, an invisible character that changes the order in which letters are shown: "
            "remove it (the kiosk gives every language its direction)",
            path, line, key, name);
    return pack_src_problem(s, "%s:%d: %s has %s, which cannot be seen: remove it", path, line, key, name);
}

/* False (reported) when `key` came before in this file. */
static bool key_once(src *s, pack_src_keys *k, const char *path, int line, const char *key)
{
    for (int i = 0; i < k->count; i++)
        if (!strcmp(k->key[i], key))
            return pack_src_problem(s, "%s:%d: %s is given twice (first on line %d): keep one", path, line, key,
                                    k->line[i]);
    if (k->count < (int)(sizeof k->key / sizeof k->key[0])) {
        k->key[k->count] = key;
        k->line[k->count++] = line;
    }
    return true;
}

static bool listed(const char *key, const char *const *list)
{
    for (; list && *list; list++)
        if (!strcmp(key, *list))
            return true;
    return false;
}

bool pack_src_key(src *s, pack_src_keys *seen, const char *path, int line, const char *key, const char *const *known,
                  const char *const *repeatable)
{
    if (!listed(key, known)) {
        char names[400] = "";
        for (const char *const *k = known; *k; k++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k == known ? "" : ", ", *k);
        return pack_src_problem(s, "%s:%d: unknown key '%s' (known: %s)", path, line, pack_src_shown(s, key), names);
    }
    return listed(key, repeatable) || key_once(s, seen, path, line, key);
}

bool pack_src_valid_date(const char *d)
{
    int y, mo, da;
    char extra;
    return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &mo, &da, &extra) == 3 && mo >= 1 && mo <= 12 && da >= 1 &&
           da <= 31;
}

/* A page code as caseworkers say it: 1 to 6 digits and no leading zero, for "0310" and "310"
 * would be two pages that sound the same. `key` is "code" or "parent". */
static bool code_ok(src *s, const char *path, int line, const char *key, const char *value)
{
    if (!pack_src_field(s, path, line, key, value, PACK_CODE_MAX - 1))
        return false;
    size_t n = strlen(value);
    bool digits = n >= 1 && n <= PACK_CODE_DIGITS_MAX;
    for (size_t i = 0; digits && i < n; i++)
        digits = value[i] >= '0' && value[i] <= '9';
    if (!digits)
        return pack_src_problem(s, "%s:%d: %s must be a page code of 1 to %d digits, not '%s'", path, line, key,
                                PACK_CODE_DIGITS_MAX, pack_src_shown(s, value));
    if (value[0] == '0') {
        const char *rest = value + strspn(value, "0");
        if (!*rest)
            return pack_src_problem(s, "%s:%d: %s %s is zero: page codes start at 1", path, line, key, value);
        return pack_src_problem(
            s,
            "%s:%d: %s %s has a leading zero: codes are said as numbers, so it would sound like %s: "
            "write %s",
            path, line, key, value, rest, rest);
    }
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

/* An asset named in a text (assets/<name>): checked, hashed (BLAKE2b-256), kept once however
 * many texts use it. Writes its hash into `hash`. */
static bool add_asset(src *s, const char *name, const char *kind, const char *file, int line, char hash[65])
{
    if (sodium_init() < 0)
        return pack_src_problem(s, "cannot start libsodium to hash %s", name);
    if (!*name || strchr(name, '/') || name[0] == '.')
        return pack_src_problem(s, "%s:%d: '%s' must be a file name in the assets folder", file, line,
                                pack_src_shown(s, name));
    size_t size = strlen(s->dir) + strlen(name) + 16;
    char *path = malloc(size);
    if (!path)
        return pack_src_problem(s, "out of memory");
    snprintf(path, size, "%s/assets/%s", s->dir, name);
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        pack_src_problem(s, "%s:%d: %s %s is not in the assets folder (%s)", file, line, kind, name, path);
        free(path);
        return false;
    }
    if (st.st_size > PACK_ASSET_BYTES_MAX) {
        pack_src_problem(s, "%s:%d: %s is larger than %d MiB", file, line, name, PACK_ASSET_BYTES_MAX >> 20);
        free(path);
        return false;
    }
    size_t len;
    char *data = read_file(s, path, &len);
    if (!data) {
        free(path);
        return false;
    }
    recording_info info;
    err e;
    if (!strcmp(kind, "audio") && !recording_probe((const unsigned char *)data, len, &info, &e)) {
        free(data);
        free(path);
        return pack_src_problem(s, "%s:%d: %s: %s", file, line, name, e.msg);
    }
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)data, len, NULL, 0);
    free(data);
    sodium_bin2hex(hash, 65, digest, sizeof digest);
    for (int i = 0; i < s->asset_count; i++)
        if (!strcmp(s->assets[i].hash, hash)) {
            free(path);
            return true;
        }
    struct src_asset *bigger = realloc(s->assets, (size_t)(s->asset_count + 1) * sizeof *bigger);
    if (!bigger) {
        free(path);
        return pack_src_problem(s, "out of memory");
    }
    s->assets = bigger;
    struct src_asset *a = &s->assets[s->asset_count++];
    snprintf(a->hash, sizeof a->hash, "%s", hash);
    snprintf(a->name, sizeof a->name, "%s", name);
    snprintf(a->kind, sizeof a->kind, "%s", kind);
    a->path = path;
    return true;
}

/* Letters, digits and `extra`, at least one: short names that travel in file names and in
 * the signature's trusted comment. */
static bool word_of(const char *v, const char *extra, bool upper)
{
    if (!*v)
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (upper && *p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(extra, *p)))
            return false;
    return true;
}

static bool parse_language(src *s, char *value, const char *path, int line)
{
    if (s->language_count >= PACK_LANGUAGES_MAX)
        return pack_src_problem(s, "%s:%d: more than %d languages", path, line, PACK_LANGUAGES_MAX);
    char *field[5];
    int n = 0;
    for (char *tok = value; n < 5; n++) {
        char *bar = strchr(tok, '|');
        if (bar)
            *bar = 0;
        field[n] = pack_src_trim(tok);
        if (!bar) {
            n++;
            break;
        }
        tok = bar + 1;
    }
    if (n != 5)
        return pack_src_problem(
            s, "%s:%d: a language needs five fields: code | native name | direction | script | digits", path, line);
    pack_language *l = &s->languages[s->language_count];
    if (!pack_src_field(s, path, line, "language code", field[0], PACK_LANG_CODE_BYTES_MAX) ||
        !pack_src_field(s, path, line, "native name", field[1], PACK_NATIVE_NAME_BYTES_MAX))
        return false;
    if (!word_of(field[0], "-", true))
        return pack_src_problem(s, "%s:%d: language code must be a code such as de, prs or zh-CN, not '%s'", path, line,
                                pack_src_shown(s, field[0]));
    if (!*field[1])
        return pack_src_problem(s,
                                "%s:%d: language %s needs its native name (the name in itself, as Deutsch or العربية)",
                                path, line, field[0]);
    for (int i = 0; i < s->language_count; i++)
        if (!strcmp(s->languages[i].code, field[0]))
            return pack_src_problem(s, "%s:%d: language '%s' is listed twice", path, line, field[0]);
    if (strcmp(field[2], "ltr") && strcmp(field[2], "rtl"))
        return pack_src_problem(s, "%s:%d: direction must be ltr or rtl, not '%s'", path, line,
                                pack_src_shown(s, field[2]));
    if (strlen(field[3]) != 4 || !word_of(field[3], "", true))
        return pack_src_problem(s, "%s:%d: script must be a four-letter ISO 15924 code such as Latn or Arab, not '%s'",
                                path, line, pack_src_shown(s, field[3]));
    if (strcmp(field[4], "latn") && strcmp(field[4], "arab") && strcmp(field[4], "arabext"))
        return pack_src_problem(s, "%s:%d: digits must be latn, arab or arabext, not '%s'", path, line,
                                pack_src_shown(s, field[4]));
    snprintf(l->code, sizeof l->code, "%s", field[0]);
    snprintf(l->native_name, sizeof l->native_name, "%s", field[1]);
    l->rtl = !strcmp(field[2], "rtl");
    snprintf(l->script, sizeof l->script, "%s", field[3]);
    snprintf(l->digits, sizeof l->digits, "%s", field[4]);
    s->language_count++;
    return true;
}

bool pack_src_keep(src *s, const char *path, int line, const char *key, const char *value, char *out, int limit)
{
    if (!pack_src_field(s, path, line, key, value, limit))
        return false;
    memcpy(out, value, strlen(value) + 1);
    return true;
}

static bool region_line(src *s, const char *path, int line, const char *key, char *value, pack_src_keys *seen)
{
    static const char *const known[] = {"name",   "region", "version",         "created",  "publisher", "contact",
                                        "source", "demo",   "source-language", "language", NULL};
    static const char *const repeatable[] = {"language", NULL};
    pack_meta *m = &s->meta;
    if (!pack_src_key(s, seen, path, line, key, known, repeatable))
        return false;
    if (!strcmp(key, "language"))
        return parse_language(s, value, path, line);
    if (!strcmp(key, "name"))
        return pack_src_keep(s, path, line, key, value, m->name, PACK_REGION_NAME_BYTES_MAX);
    if (!strcmp(key, "publisher"))
        return pack_src_keep(s, path, line, key, value, m->publisher, PACK_REGION_NAME_BYTES_MAX);
    if (!strcmp(key, "source"))
        return pack_src_keep(s, path, line, key, value, s->source, PACK_SOURCE_BYTES_MAX);
    if (!strcmp(key, "contact"))
        return pack_src_field(s, path, line, key, value, PACK_SOURCE_BYTES_MAX); /* for people; not in the pack */
    if (!strcmp(key, "region")) {
        if (!pack_src_keep(s, path, line, key, value, m->region, PACK_REGION_BYTES_MAX))
            return false;
        return word_of(value, "-_", false) ||
               pack_src_problem(s,
                                "%s:%d: region must be a short name of lower-case letters a-z, digits, '-' and '_' (it "
                                "travels in the pack's signature), not '%s'",
                                path, line, pack_src_shown(s, value));
    }
    if (!strcmp(key, "version")) {
        if (!pack_src_keep(s, path, line, key, value, m->version, PACK_VERSION_BYTES_MAX))
            return false;
        return word_of(value, ".-_+~", true) ||
               pack_src_problem(
                   s,
                   "%s:%d: version must be one word of letters, digits, '.', '-', '_', '+' and '~', such as "
                   "2026-11-22.2 (it travels in the pack's signature), not '%s'",
                   path, line, pack_src_shown(s, value));
    }
    if (!strcmp(key, "created")) {
        if (!pack_src_valid_date(value))
            return pack_src_problem(s, "%s:%d: created must be a date like 2026-11-22, not '%s'", path, line,
                                    pack_src_shown(s, value));
        return pack_src_keep(s, path, line, key, value, m->created, PACK_VERSION_BYTES_MAX);
    }
    if (!strcmp(key, "source-language"))
        return pack_src_keep(s, path, line, key, value, m->source_language, PACK_LANG_CODE_BYTES_MAX);
    /* demo */
    m->demo = !strcmp(value, "yes");
    return m->demo || !strcmp(value, "no") || pack_src_problem(s, "%s:%d: demo must be yes or no", path, line);
}

static bool read_region(src *s)
{
    size_t size = strlen(s->dir) + 16;
    char *path = malloc(size);
    if (!path)
        return pack_src_problem(s, "out of memory");
    snprintf(path, size, "%s/region.txt", s->dir);
    char *buf = pack_src_load(s, path);
    bool ok = buf != NULL;
    char *cursor = buf, *raw;
    pack_src_keys seen = {0};
    for (int line = 1; buf && (raw = pack_src_next_line(&cursor)); line++) {
        char *l = pack_src_trim(raw), *key, *value;
        if (!*l || *l == '#')
            continue;
        if (!pack_src_split_key(l, &key, &value))
            ok = pack_src_problem(s, "%s:%d: expected 'key: value'", path, line);
        else if (!region_line(s, path, line, key, value, &seen))
            ok = false;
    }
    if (ok && (!s->meta.region[0] || !s->meta.name[0] || !s->meta.version[0]))
        ok = pack_src_problem(s, "%s: needs 'name', 'region' and 'version'", path);
    else if (ok && !s->language_count)
        ok = pack_src_problem(s, "%s: lists no 'language'", path);
    if (ok && !s->meta.source_language[0])
        snprintf(s->meta.source_language, sizeof s->meta.source_language, "%s", s->languages[0].code);
    bool source_listed = false;
    for (int i = 0; i < s->language_count; i++)
        source_listed |= !strcmp(s->languages[i].code, s->meta.source_language);
    if (ok && !source_listed)
        ok = pack_src_problem(s, "%s: source-language '%s' is not among the languages", path, s->meta.source_language);
    free(buf);
    free(path);
    return ok;
}

static const char *const KINDS[] = {"topic", "article", "office", "emergency", "help"};

static bool page_line(src *s, src_page *pg, int line, const char *key, const char *value, pack_src_keys *seen)
{
    static const char *const known[] = {"code", "parent", "order", "icon", "kind", "office", NULL};
    if (!pack_src_key(s, seen, pg->path, line, key, known, NULL))
        return false;
    pack_page *p = &pg->page;
    if (!strcmp(key, "code")) {
        pg->code_line = line;
        return code_ok(s, pg->path, line, key, value) &&
               pack_src_keep(s, pg->path, line, key, value, p->code, PACK_CODE_MAX - 1);
    }
    if (!strcmp(key, "parent")) {
        pg->parent_line = line;
        return (!*value || code_ok(s, pg->path, line, key, value)) &&
               pack_src_keep(s, pg->path, line, key, value, p->parent, PACK_CODE_MAX - 1);
    }
    if (!strcmp(key, "order"))
        return parse_int(value, &p->order) || pack_src_problem(s, "%s:%d: order must be a whole number, not '%s'",
                                                               pg->path, line, pack_src_shown(s, value));
    if (!strcmp(key, "office")) {
        pg->office_line = line;
        return pack_src_keep(s, pg->path, line, key, value, p->office, PACK_OFFICE_ID_BYTES_MAX);
    }
    if (!strcmp(key, "icon"))
        return pack_src_keep(s, pg->path, line, key, value, p->icon, PACK_ICON_BYTES_MAX);
    /* kind */
    pg->kind_line = line;
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (!strcmp(value, KINDS[i]))
            return pack_src_keep(s, pg->path, line, key, value, p->kind, (int)sizeof p->kind - 1);
    return pack_src_problem(s, "%s:%d: kind must be topic, article, office, emergency or help, not '%s'", pg->path,
                            line, pack_src_shown(s, value));
}

static bool read_page_file(src *s, src_page *pg)
{
    char *buf = pack_src_load(s, pg->path);
    if (!buf)
        return false;
    bool ok = true;
    snprintf(pg->page.kind, sizeof pg->page.kind, "article");
    char *cursor = buf, *raw;
    pack_src_keys seen = {0};
    for (int line = 1; (raw = pack_src_next_line(&cursor)); line++) {
        char *l = pack_src_trim(raw), *key, *value;
        if (!*l || *l == '#')
            continue;
        if (!pack_src_split_key(l, &key, &value))
            ok = pack_src_problem(s, "%s:%d: expected 'key: value'", pg->path, line);
        else if (!page_line(s, pg, line, key, value, &seen))
            ok = false;
    }
    free(buf);
    if (!pg->code_line)
        ok = pack_src_problem(s, "%s: has no 'code'", pg->path);
    return ok;
}

static int compare_pages(const void *a, const void *b)
{
    const src_page *x = a, *y = b;
    int c = strcmp(x->page.code, y->page.code);
    return c ? c : x->dir_index - y->dir_index;
}

/* The page with `code`, once pages are in code order; NULL when there is none. */
static src_page *find_page(const src *s, const char *code)
{
    src_page key;
    snprintf(key.page.code, sizeof key.page.code, "%s", code);
    key.dir_index = -1;
    int lo = 0, hi = s->page_count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (compare_pages(&s->pages[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->page_count && !strcmp(s->pages[lo].page.code, code) ? &s->pages[lo] : NULL;
}

/* The body as a visitor reads it: no hidden characters, links closed on their line and to pages
 * that exist, every limit kept. `first_line` is the body's line in its file. */
static bool check_body(src *s, const char *path, const char *body, int first_line)
{
    int at;
    uint32_t c = pack_limits_hidden_char(body, true, &at);
    if (c) {
        char name[160];
        pack_limits_char_name(c, name, sizeof name);
        return pack_src_problem(s, "%s:%d: the text has %s, which changes what is shown without being seen: remove it",
                                path, first_line + at - 1, name);
    }
    int line = first_line;
    for (const char *p = body; *p; p++) {
        if (*p == '\n')
            line++;
        if (p[0] != ']' || p[1] != '(')
            continue;
        size_t rest = strcspn(p + 2, "\n");
        const char *close = memchr(p + 2, ')', rest);
        if (!close) {
            const char *open = p;
            while (open > body && open[-1] != '\n' && *open != '[' && p - open < 60)
                open--;
            char link[200];
            snprintf(link, sizeof link, "%.*s", (int)(p + 2 - open + (rest < 30 ? rest : 30)), open);
            return pack_src_problem(s, "%s:%d: a link is not closed: ')' is missing after '%s…' on its line", path,
                                    line, pack_src_shown(s, link));
        }
        if (strncmp(p + 2, "page:", 5))
            continue;
        char code[PACK_CODE_MAX + 8];
        snprintf(code, sizeof code, "%.*s",
                 (int)(close - p - 7 < PACK_CODE_MAX + 4 ? close - p - 7 : PACK_CODE_MAX + 4), p + 7);
        if (!find_page(s, code))
            return pack_src_problem(s, "%s:%d: links to page %s, which does not exist", path, line,
                                    pack_src_shown(s, code));
    }
    pack_body_problem pb;
    if (!pack_limits_body(body, &pb))
        return pack_src_problem(s, "%s:%d: %s", path, first_line + pb.line - 1, pb.what);
    return true;
}

static char *dup_value(char **field, const char *value)
{
    free(*field);
    return *field = strdup(value);
}

static bool text_line(src *s, src_text *t, bool is_source, int line, const char *key, char *value, pack_src_keys *seen)
{
    static const char *const known[] = {"title",           "tile-title", "summary", "version",
                                        "translated-from", "review",     "audio",   NULL};
    if (!pack_src_key(s, seen, t->path, line, key, known, NULL))
        return false;
    if (!strcmp(key, "title"))
        return pack_src_field(s, t->path, line, key, value, PACK_TITLE_BYTES_MAX) && dup_value(&t->title, value);
    if (!strcmp(key, "summary"))
        return pack_src_field(s, t->path, line, key, value, PACK_SUMMARY_BYTES_MAX) && dup_value(&t->summary, value);
    if (!strcmp(key, "tile-title"))
        return pack_src_field(s, t->path, line, key, value, PACK_TITLE_BYTES_MAX) && dup_value(&t->tile_title, value);
    if (!strcmp(key, "version"))
        return parse_int(value, &t->version) ||
               pack_src_problem(s, "%s:%d: version must be a whole number", t->path, line);
    if (!strcmp(key, "translated-from")) {
        t->translated_from_line = line;
        return parse_int(value, &t->translated_from) ||
               pack_src_problem(s, "%s:%d: translated-from must be a whole number", t->path, line);
    }
    if (!strcmp(key, "review")) {
        t->review_line = line;
        if (strcmp(value, "machine") && strcmp(value, "done"))
            return pack_src_problem(s, "%s:%d: review must be machine or done", t->path, line);
        if (!is_source)
            snprintf(t->review, sizeof t->review, "%s", value);
        return true;
    }
    /* audio */
    return pack_src_field(s, t->path, line, key, value, PACK_ASSET_NAME_BYTES_MAX) &&
           add_asset(s, value, "audio", t->path, line, t->audio);
}

static bool read_text_file(src *s, src_page *pg, const pack_language *lang, const char *path)
{
    char *buf = pack_src_load(s, path);
    if (!buf)
        return false;
    src_text *t = &pg->texts[pg->text_count++];
    memset(t, 0, sizeof *t);
    snprintf(t->lang, sizeof t->lang, "%s", lang->code);
    t->path = strdup(path);
    t->translated_from_line = t->review_line = 1;
    bool is_source = !strcmp(lang->code, s->meta.source_language);
    snprintf(t->review, sizeof t->review, "%s", is_source ? "source" : "done");
    bool ok = t->path != NULL || pack_src_problem(s, "%s: out of memory", path);
    char *cursor = buf, *raw;
    int line = 1;
    pack_src_keys seen = {0};
    for (; (raw = pack_src_next_line(&cursor)); line++) {
        char *l = pack_src_trim(raw), *key, *value;
        if (!*l)
            break;
        if (!pack_src_split_key(l, &key, &value))
            ok = pack_src_problem(s, "%s:%d: expected 'key: value' in the header; leave an empty line before the text",
                                  path, line);
        else if (!text_line(s, t, is_source, line, key, value, &seen))
            ok = false;
    }
    int body_line = line + 1; /* the line after the empty one that ends the header */
    t->body = strdup(cursor ? cursor : "");
    free(buf);
    if (!ok)
        return false;
    if (!t->title || !*t->title)
        return pack_src_problem(s, "%s: has no 'title'", path);
    if (!t->summary)
        t->summary = strdup("");
    if (!t->body || !t->summary)
        return pack_src_problem(s, "%s: out of memory", path);
    if (is_source)
        t->translated_from = t->version;
    return check_body(s, path, t->body, body_line);
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names of the entries of `dir` in name order, so errors and output never depend on
 * readdir; `folders` keeps only folders, else only files ending in `.txt`. -1 if it cannot
 * be read. */
static int list_dir(const char *dir, bool folders, char ***names_out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *ent;
    size_t dir_len = strlen(dir);
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] == '.')
            continue;
        if (folders) {
            char *path = malloc(dir_len + len + 2);
            struct stat st;
            bool is_dir = path && (snprintf(path, dir_len + len + 2, "%s/%s", dir, ent->d_name), 1) &&
                          stat(path, &st) == 0 && S_ISDIR(st.st_mode);
            free(path);
            if (!is_dir)
                continue;
        } else if (len < 5 || strcmp(ent->d_name + len - 4, ".txt")) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, (size_t)cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        if (!(names[n] = strdup(ent->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, (size_t)n, sizeof *names, compare_names);
    *names_out = names;
    return n;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* A text file in a page's folder whose language region.txt does not list is never shown:
 * a warning, as it may be a translation in waiting. */
static void stray_texts(src *s, const char *folder)
{
    char **names;
    int n = list_dir(folder, false, &names);
    for (int i = 0; i < n; i++) {
        bool known = !strcmp(names[i], "page.txt");
        for (int l = 0; !known && l < s->language_count; l++)
            known = strlen(names[i]) == strlen(s->languages[l].code) + 4 &&
                    !strncmp(names[i], s->languages[l].code, strlen(s->languages[l].code));
        if (!known)
            pack_src_warning(
                s,
                "%s/%s: '%.*s' is not a language of region.txt, so this file is not used: list the language "
                "there or rename the file",
                folder, names[i], (int)strlen(names[i]) - 4, names[i]);
    }
    if (n > 0)
        free_names(names, n);
}

/* The translation state of every page in every language: missing, outdated against the
 * source text, machine-drafted. Warnings, not errors: a pack may ship with gaps. */
static void note_translations(src *s, const char *pages_dir, char **names, const int *by_dir)
{
    for (int l = 0; l < s->language_count; l++) {
        pack_lang_stats *st = &s->report->langs[l];
        snprintf(st->code, sizeof st->code, "%s", s->languages[l].code);
    }
    s->report->lang_count = s->language_count;
    for (int d = 0; d < s->page_count; d++) {
        const src_page *pg = &s->pages[by_dir[d]];
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
            if (!t) {
                st->missing++;
                pack_src_warning(s, "%s/%s/%s.txt: missing: page %s has no %s (%s) text yet", pages_dir,
                                 names[pg->dir_index], lang->code, pg->page.code, lang->native_name, lang->code);
            } else if (source && t != source && t->translated_from < source->version) {
                st->outdated++;
                pack_src_warning(
                    s, "%s:%d: outdated: translated from version %d of the %s text, which is at version %d now",
                    t->path, t->translated_from_line, t->translated_from, s->meta.source_language, source->version);
            } else if (!strcmp(t->review, "machine")) {
                st->machine++;
                pack_src_warning(s, "%s:%d: machine-drafted, awaiting review by a native speaker", t->path,
                                 t->review_line);
            } else {
                st->current++;
            }
        }
    }
}

static void source_cycle(void *user, const int *members, int count)
{
    src *s = user;
    char pages[700] = "";
    for (int k = 0; k < count && k < 8; k++) {
        const src_page *pg = &s->pages[members[k]];
        snprintf(pages + strlen(pages), sizeof pages - strlen(pages), "%s (%s:%d)%s is under ", pg->page.code, pg->path,
                 pg->parent_line, k ? ", which" : "");
    }
    if (count > 8)
        snprintf(pages + strlen(pages), sizeof pages - strlen(pages), "… (%d pages in all) ", count);
    const src_page *first = &s->pages[members[0]];
    pack_src_problem(
        s,
        "%s:%d: a cycle of parents: %s%s, so no visitor can reach these pages: give one of them a parent outside "
        "the cycle, or none (the home screen)",
        first->path, first->parent_line, pages, first->page.code);
}

/* The pages as a tree (pages in code order): each code once, every parent there, no cycle, no
 * screen with more pages than it lists, one emergency and one help page at most. */
static bool check_tree(src *s, const char *pages_dir)
{
    bool ok = true;
    int *parent = malloc((s->page_count ? (size_t)s->page_count : 1) * sizeof *parent);
    int *children = calloc(s->page_count ? (size_t)s->page_count : 1, sizeof *children);
    if (!parent || !children) {
        free(parent);
        free(children);
        return pack_src_problem(s, "out of memory");
    }
    int top_level = 0;
    const src_page *only[2] = {NULL, NULL}; /* the emergency page, the help page */
    for (int i = 0; i < s->page_count; i++) {
        src_page *pg = &s->pages[i];
        parent[i] = -1;
        if (!pg->page.code[0])
            continue;
        if (i > 0 && !strcmp(s->pages[i - 1].page.code, pg->page.code))
            ok =
                pack_src_problem(s, "%s: code %s is already used by %s", pg->path, pg->page.code, s->pages[i - 1].path);
        for (int k = 0; k < 2; k++)
            if (!strcmp(pg->page.kind, k ? "help" : "emergency")) {
                if (only[k])
                    ok = pack_src_problem(
                        s,
                        "%s:%d: a second page of kind %s: the %s opens only one (%s): make this one an "
                        "article",
                        pg->path, pg->kind_line, pg->page.kind, k ? "help button" : "red emergency button",
                        only[k]->path);
                else
                    only[k] = pg;
            }
        if (!strcmp(pg->page.kind, "office") && !pg->page.office[0])
            ok = pack_src_problem(
                s, "%s:%d: a page of kind office needs 'office: ID', the office it shows (offices/ID.txt)", pg->path,
                pg->kind_line);
        if (!pg->page.parent[0]) {
            top_level++;
            continue;
        }
        src_page *up = find_page(s, pg->page.parent);
        if (!up)
            ok = pack_src_problem(s, "%s:%d: parent %s does not exist", pg->path, pg->parent_line, pg->page.parent);
        else if (up == pg)
            ok = pack_src_problem(s, "%s:%d: a page cannot be its own parent", pg->path, pg->parent_line);
        else {
            parent[i] = (int)(up - s->pages);
            children[parent[i]]++;
        }
    }
    int cycles = pack_limits_cycles(parent, s->page_count, source_cycle, s);
    if (cycles < 0)
        ok = pack_src_problem(s, "out of memory");
    else if (cycles > 0)
        ok = false;
    for (int i = 0; i < s->page_count; i++)
        if (children[i] > PACK_CHILDREN_MAX)
            ok = pack_src_problem(
                s,
                "%s:%d: page %s has %d pages under it, more than the %d a page lists: group them under new "
                "topics",
                s->pages[i].path, s->pages[i].code_line, s->pages[i].page.code, children[i], PACK_CHILDREN_MAX);
    if (top_level > PACK_TOP_LEVEL_MAX)
        ok = pack_src_problem(
            s,
            "%s: %d pages have no parent, more than the %d tiles the home screen shows: group them under "
            "new topics",
            pages_dir, top_level, PACK_TOP_LEVEL_MAX);
    free(parent);
    free(children);
    return ok;
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t size = strlen(a) + strlen(b) + strlen(c) + 3;
    char *out = malloc(size);
    if (out)
        snprintf(out, size, "%s/%s%s", a, b, c);
    return out;
}

static bool read_pages(src *s)
{
    char *pages_dir = join(s->dir, "pages", "");
    char **names = NULL;
    int n = pages_dir ? list_dir(pages_dir, true, &names) : -1;
    if (n < 0) {
        pack_src_problem(s, "%s: cannot open the pages folder: %s", pages_dir ? pages_dir : s->dir, strerror(errno));
        free(pages_dir);
        return false;
    }
    bool ok = n <= PACK_PAGES_MAX ||
              pack_src_problem(s, "%s: %d pages, more than the %d a pack holds", pages_dir, n, PACK_PAGES_MAX);
    int count = n > PACK_PAGES_MAX ? PACK_PAGES_MAX : n;
    s->pages = calloc(count ? (size_t)count : 1, sizeof *s->pages);
    int *by_dir = malloc((count ? (size_t)count : 1) * sizeof *by_dir);
    if (!s->pages || !by_dir) {
        ok = pack_src_problem(s, "out of memory");
        count = 0;
    }
    for (int i = 0; i < count; i++) {
        src_page *pg = &s->pages[s->page_count++];
        pg->dir_index = i;
        pg->path = join(pages_dir, names[i], "/page.txt");
        pg->texts = calloc(s->language_count ? (size_t)s->language_count : 1, sizeof *pg->texts);
        if (!pg->path || !pg->texts)
            ok = pack_src_problem(s, "out of memory");
        else if (!read_page_file(s, pg))
            ok = false;
    }
    if (s->page_count > 1)
        qsort(s->pages, (size_t)s->page_count, sizeof *s->pages, compare_pages);
    for (int i = 0; by_dir && i < s->page_count; i++)
        by_dir[s->pages[i].dir_index] = i;
    if (!check_tree(s, pages_dir))
        ok = false;
    /* Texts after all pages, so links can be checked against the whole tree; in folder order. */
    for (int d = 0; by_dir && d < s->page_count; d++) {
        src_page *pg = &s->pages[by_dir[d]];
        char *folder = join(pages_dir, names[d], "");
        for (int l = 0; folder && pg->texts && l < s->language_count; l++) {
            char *path = join(folder, s->languages[l].code, ".txt");
            struct stat st;
            if (!path)
                ok = pack_src_problem(s, "out of memory");
            else if (lstat(path, &st) == 0) {
                if (!read_text_file(s, pg, &s->languages[l], path))
                    ok = false;
            } else if (!strcmp(s->languages[l].code, s->meta.source_language)) {
                ok = pack_src_problem(s, "%s: the source language text %s.txt is missing", pg->path,
                                      s->languages[l].code);
            }
            free(path);
        }
        if (folder)
            stray_texts(s, folder);
        free(folder);
        bool office_found = !pg->page.office[0];
        for (int j = 0; !office_found && j < s->office_count; j++)
            office_found = !strcmp(s->offices[j].id, pg->page.office);
        if (!office_found)
            ok = pack_src_problem(s, "%s:%d: office '%s' does not exist (offices/%s.txt)", pg->path, pg->office_line,
                                  pg->page.office, pg->page.office);
    }
    if (by_dir)
        note_translations(s, pages_dir, names, by_dir);
    free(by_dir);
    free_names(names, n);
    free(pages_dir);
    return ok;
}

bool pack_src_read(src *s)
{
    bool region = read_region(s);
    bool offices = pack_src_read_offices(s);
    bool synonyms = !region || pack_src_read_synonyms(s);
    /* Pages are worth reading even when region.txt has a problem: one run shows them all. */
    return read_pages(s) && region && offices && synonyms && s->report->errors == 0;
}

void pack_src_free(src *s)
{
    for (int i = 0; i < s->page_count; i++) {
        for (int t = 0; t < s->pages[i].text_count; t++) {
            src_text *x = &s->pages[i].texts[t];
            free(x->title);
            free(x->summary);
            free(x->tile_title);
            free(x->body);
            free(x->path);
        }
        free(s->pages[i].texts);
        free(s->pages[i].path);
    }
    free(s->pages);
    free(s->offices);
    for (int i = 0; i < s->asset_count; i++)
        free(s->assets[i].path);
    free(s->assets);
    pack_src_free_synonyms(s);
}

bool pack_check_sources(const char *src_dir, pack_report *report)
{
    pack_report keep = *report;
    memset(report, 0, sizeof *report);
    report->each_text = keep.each_text;
    report->each_page = keep.each_page;
    report->user = keep.user;
    src s = {.dir = src_dir, .report = report};
    bool ok = pack_src_read(&s);
    pack_src_check_synonym_words(&s);
    report->demo = s.meta.demo;
    for (int i = 0; i < s.page_count; i++)
        report->top_level +=
            s.pages[i].page.code[0] && !s.pages[i].page.parent[0] && strcmp(s.pages[i].page.kind, "help");
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
    pack_src_free(&s);
    return ok && report->errors == 0;
}

/* ---- the report ---- */

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
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *raw = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (raw)
        vsnprintf(raw, (size_t)n + 1, fmt, again);
    va_end(again);
    /* One line a person can read, whatever the sources held: nothing invisible, nothing endless. */
    char text[2048];
    utf8_shown(raw ? raw : "(out of memory)", 600, text, sizeof text);
    free(raw);
    pack_problem *p = &r->problems[r->count];
    p->error = error;
    p->text = strdup(text);
    if (p->text)
        r->count++;
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
    for (int i = 0; i < r->count; i++)
        free(r->problems[i].text);
    free(r->problems);
    r->problems = NULL;
    r->count = r->capacity = 0;
}
