/* The limits of pack_limits.h, checked on bodies, page trees and whole packs. The source
 * reader (pack_source.c) and the kiosk's pack_open call the same functions, so a pack that
 * `check` passes opens, and one made by other means is held to the same rules. */
#include "pack.h"
#include "pack_private.h"
#include "utf8.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

static bool bidi_control(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

uint32_t pack_limits_hidden_char(const char *text, bool body, int *line)
{
    int at = 1;
    for (const char *p = text; *p;) {
        /* Printable ASCII, most of a German or English text, is never hidden: no decoding. */
        if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F) {
            p++;
            continue;
        }
        uint32_t c = utf8_next(&p);
        bool control = c < 0x20 || (c >= 0x7F && c < 0xA0);
        if (body && (c == '\t' || c == '\n' || c == '\r'))
            control = false;
        /* In a body, only embeddings and overrides: they reorder letters, and stay open. */
        bool direction = body ? c >= 0x202A && c <= 0x202E : bidi_control(c);
        if (control || direction || c == 0x2028 || c == 0x2029 || c == 0xFEFF) {
            if (line)
                *line = at;
            return c;
        }
        at += c == '\n';
    }
    return 0;
}

void pack_limits_char_name(uint32_t c, char *out, size_t size)
{
    char name[128] = "";
    UErrorCode status = U_ZERO_ERROR;
    u_charName((UChar32)c, U_UNICODE_CHAR_NAME, name, sizeof name, &status);
    if (U_FAILURE(status) || !name[0]) {
        status = U_ZERO_ERROR;
        u_charName((UChar32)c, U_EXTENDED_CHAR_NAME, name, sizeof name, &status); /* "<control-0001>" */
        if (U_FAILURE(status))
            name[0] = 0;
    }
    snprintf(out, size, "U+%04X%s%s", (unsigned)c, name[0] ? " " : "", name);
}

/* ---- bodies ---- */

static bool word_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0x1680 || (c >= 0x2000 && c <= 0x200B && c != 0x2007) ||
           c == 0x205F || c == 0x3000;
}

static bool body_problem(pack_body_problem *pb, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool body_problem(pack_body_problem *pb, int line, const char *fmt, ...)
{
    pb->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pb->what, sizeof pb->what, fmt, ap);
    va_end(ap);
    return false;
}

/* One line of a paragraph: its words (a link's target is not shown, so is no word), its links
 * and its bold signs (`**`, two to a bold part). */
static bool body_line(const char *p, size_t len, int line, int *links, int *stars, pack_body_problem *pb)
{
    size_t word = 0;
    const char *end = p + len;
    while (p < end) {
        if (p[0] == ']' && p + 1 < end && p[1] == '(') {
            const char *close = memchr(p + 2, ')', (size_t)(end - p - 2));
            if (close) {
                if ((size_t)(close - p - 2) > PACK_LINK_BYTES_MAX)
                    return body_problem(pb, line, "a link target is %zu bytes, more than the %d a link may have",
                                        (size_t)(close - p - 2), PACK_LINK_BYTES_MAX);
                ++*links;
                p = close + 1;
                continue;
            }
        }
        if (p[0] == '*' && p + 1 < end && p[1] == '*') {
            ++*stars;
            p += 2;
            continue;
        }
        const char *at = p;
        uint32_t c = utf8_next(&p);
        if (word_space(c)) {
            word = 0;
            continue;
        }
        word += (size_t)(p - at);
        if (word > PACK_WORD_BYTES_MAX)
            return body_problem(pb, line,
                                "a word (characters without a space between them) is longer than the %d bytes a word "
                                "may have: is it pasted data?",
                                PACK_WORD_BYTES_MAX);
    }
    return true;
}

bool pack_limits_body(const char *body, pack_body_problem *pb)
{
    size_t total = strlen(body);
    if (total > PACK_TEXT_BYTES_MAX)
        return body_problem(pb, 1,
                            "the text is %zu bytes, more than the %d KiB a page's text may have: split it into pages",
                            total, PACK_TEXT_BYTES_MAX >> 10);
    /* Paragraphs as the kiosk lays them out: lines up to an empty one; a heading or a bullet
     * item is a paragraph of its own. */
    size_t para = 0;
    int para_line = 0, links = 0, stars = 0;
    int line = 1;
    for (const char *p = body; *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p), n = len;
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
            n--;
        bool own = !strncmp(p, "# ", 2) || !strncmp(p, "## ", 3) || !strncmp(p, "- ", 2);
        if (n == 0 || own)
            para = 0, links = stars = 0;
        if (n) {
            if (!para)
                para_line = line;
            para += n + (para ? 1 : 0);
            if (para > PACK_PARAGRAPH_BYTES_MAX)
                return body_problem(pb, para_line,
                                    "a paragraph is longer than the %d KiB the kiosk lays out at once: put empty lines "
                                    "between its parts",
                                    PACK_PARAGRAPH_BYTES_MAX >> 10);
            if (!body_line(p, n, line, &links, &stars, pb))
                return false;
            if (links + stars / 2 > PACK_PARAGRAPH_LINKS_MAX)
                return body_problem(pb, para_line,
                                    "a paragraph has more than %d links and bold parts, which the kiosk cannot all "
                                    "mark: put empty lines between its parts",
                                    PACK_PARAGRAPH_LINKS_MAX);
            if (own)
                para = 0, links = stars = 0;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return true;
}

/* ---- the page tree ---- */

int pack_limits_cycles(const int *parent, int n, void (*found)(void *user, const int *members, int count), void *user)
{
    int *walk = malloc((n > 0 ? (size_t)n : 1) * sizeof *walk), *path = malloc((n > 0 ? (size_t)n : 1) * sizeof *path);
    if (!walk || !path) {
        free(walk);
        free(path);
        return -1;
    }
    for (int i = 0; i < n; i++)
        walk[i] = -1;
    int cycles = 0;
    /* Each walk climbs from a page not seen yet and stamps what it passes with its start: a
     * page stamped by this walk again closes a cycle; one stamped by an earlier walk leads
     * where that walk led. Every page is passed once. */
    for (int i = 0; i < n; i++) {
        int len = 0, j = i;
        while (j >= 0 && j < n && walk[j] < 0) {
            walk[j] = i;
            path[len++] = j;
            j = parent[j];
        }
        if (j < 0 || j >= n || walk[j] != i)
            continue;
        int first = 0;
        while (path[first] != j)
            first++;
        int *members = path + first, count = len - first, low = 0;
        for (int k = 1; k < count; k++)
            if (members[k] < members[low])
                low = k;
        /* Rotate so the cycle starts at its lowest index: the same cycle, the same message. */
        int *rotated = malloc((size_t)count * sizeof *rotated);
        if (!rotated) {
            cycles = -1;
            break;
        }
        for (int k = 0; k < count; k++)
            rotated[k] = members[(low + k) % count];
        found(user, rotated, count);
        free(rotated);
        cycles++;
    }
    free(walk);
    free(path);
    return cycles;
}

/* Codes of a pack's pages to their index, by hashing: a start checks the tree of up to 32,768
 * pages, and this costs a few instructions a page where sorting cost hundreds. Codes are
 * numbers (1 to 6 digits, checked first). */
typedef struct code_index {
    long *code;
    int *page;
    size_t mask;
} code_index;

static size_t code_slot(const code_index *ix, long code)
{
    size_t i = (size_t)(code * 2654435761UL) & ix->mask;
    while (ix->page[i] >= 0 && ix->code[i] != code)
        i = (i + 1) & ix->mask;
    return i;
}

static long code_number(const char *code)
{
    if (!*code || *code == '0' || strlen(code) > PACK_CODE_DIGITS_MAX)
        return -1;
    long v = 0;
    for (const char *p = code; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

typedef struct tree_cycle {
    const pack_page *pages;
    err *e;
    bool found;
} tree_cycle;

static void pack_cycle(void *user, const int *members, int count)
{
    tree_cycle *t = user;
    if (t->found)
        return;
    t->found = true;
    char pages[300] = "";
    for (int k = 0; k < count && k < 12; k++)
        snprintf(pages + strlen(pages), sizeof pages - strlen(pages), "%s → ", t->pages[members[k]].code);
    snprintf(pages + strlen(pages), sizeof pages - strlen(pages), "%s", count > 12 ? "…" : t->pages[members[0]].code);
    err_set(t->e,
            "the pack's pages form a cycle of parents (%s), so no visitor can reach them: build the pack again with "
            "a current wegweiser-pack",
            pages);
}

bool pack_limits_tree(const pack_page *pages, int n, err *e)
{
    if (n > PACK_PAGES_MAX)
        return err_set(e, "the pack has %d pages, more than the %d a kiosk takes", n, PACK_PAGES_MAX);
    size_t cap = 16;
    while (cap < (size_t)n * 2)
        cap <<= 1;
    code_index ix = {malloc(cap * sizeof *ix.code), malloc(cap * sizeof *ix.page), cap - 1};
    int *parent = malloc((n > 0 ? (size_t)n : 1) * sizeof *parent);
    int *children = calloc(n > 0 ? (size_t)n : 1, sizeof *children);
    bool ok = ix.code && ix.page && parent && children;
    if (!ok)
        err_set(e, "out of memory checking the pack's %d pages", n);
    for (size_t i = 0; ok && i < cap; i++)
        ix.page[i] = -1;
    for (int i = 0; ok && i < n; i++) {
        long code = code_number(pages[i].code);
        if (code < 0) {
            char shown[100];
            utf8_shown(pages[i].code, 20, shown, sizeof shown);
            ok = err_set(e,
                         "the pack has a page with the code '%s', not 1 to %d digits without a leading zero: build "
                         "the pack again with a current wegweiser-pack",
                         shown, PACK_CODE_DIGITS_MAX);
            break;
        }
        size_t at = code_slot(&ix, code);
        if (ix.page[at] >= 0)
            ok = err_set(e, "the pack has two pages with the code %s", pages[i].code);
        ix.code[at] = code;
        ix.page[at] = i;
    }
    int top_level = 0;
    for (int i = 0; ok && i < n; i++) {
        const pack_page *pg = &pages[i];
        parent[i] = -1;
        if (!pg->parent[0]) {
            top_level++;
            continue;
        }
        long code = code_number(pg->parent);
        int up = code < 0 ? -1 : ix.page[code_slot(&ix, code)];
        if (up < 0) {
            char shown[100];
            utf8_shown(pg->parent, 20, shown, sizeof shown);
            ok = err_set(e, "the pack's page %s has the parent %s, which is not in the pack", pg->code, shown);
        } else if (++children[up] > PACK_CHILDREN_MAX) {
            ok = err_set(e, "the pack has more than %d pages under page %s, more than a page lists", PACK_CHILDREN_MAX,
                         pg->parent);
        } else {
            parent[i] = up;
        }
    }
    if (ok && top_level > PACK_TOP_LEVEL_MAX)
        ok = err_set(e, "the pack has %d pages on the home screen, more than the %d it shows", top_level,
                     PACK_TOP_LEVEL_MAX);
    if (ok) {
        tree_cycle t = {pages, e, false};
        int cycles = pack_limits_cycles(parent, n, pack_cycle, &t);
        if (cycles < 0)
            ok = err_set(e, "out of memory checking the pack's %d pages", n);
        else if (cycles > 0)
            ok = false;
    }
    free(ix.code);
    free(ix.page);
    free(parent);
    free(children);
    return ok;
}

/* ---- a whole pack, at pack_open ---- */

/* Runs `sql`, whose rows are (what, number); the first row is a problem, worded by `fmt`
 * with what and the number. A query SQLite cannot prepare (a table missing) is left to the
 * validation of the schema. */
/* Prepares and steps `sql`: true when it gives a row, whose first column, as a message may
 * show it, goes to `what`. */
static bool problem_row(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *what, size_t size)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return false;
    }
    if (sqlite3_step(*st) != SQLITE_ROW)
        return false;
    const unsigned char *first = sqlite3_column_text(*st, 0);
    utf8_shown(first ? (const char *)first : "", 40, what, size);
    return true;
}

static bool none_over(sqlite3 *db, const char *sql, err *e, const char *fmt)
{
    sqlite3_stmt *st;
    char what[100];
    bool ok = !problem_row(db, sql, &st, what, sizeof what) || err_set(e, fmt, what, sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    return ok;
}

typedef struct column_limit {
    const char *name;
    int limit;
} column_limit;

/* Every column of a table against its limit in bytes, in one pass over the table: the first
 * row over one is refused, naming the row (`who`, SQL), the column and both sizes. A blob
 * column is measured without being read. */
static bool table_fits(sqlite3 *db, const char *table, const char *who, const column_limit *columns, int count, err *e)
{
    char sql[1600], where[800] = "";
    int k = snprintf(sql, sizeof sql, "SELECT %s", who);
    for (int i = 0; i < count; i++) {
        const char *c = columns[i].name;
        bool blob = !strcmp(c, "data");
        k += snprintf(sql + k, sizeof sql - (size_t)k, blob ? ", length(%s)" : ", length(CAST(%s AS BLOB))", c);
        snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s(%s%s%s) > %d", i ? " OR " : "",
                 blob ? "length" : "length(CAST", c, blob ? "" : " AS BLOB", blob ? "" : ")", columns[i].limit);
    }
    snprintf(sql + k, sizeof sql - (size_t)k, " FROM %s WHERE %s LIMIT 1", table, where);
    sqlite3_stmt *st;
    char what[100];
    bool ok = true;
    if (problem_row(db, sql, &st, what, sizeof what)) {
        for (int i = 0; ok && i < count; i++)
            if (sqlite3_column_int64(st, i + 1) > columns[i].limit)
                ok = err_set(e,
                             "the pack's %s: %s: %s is %lld bytes, more than the %d the kiosk takes: build the pack "
                             "again with a current wegweiser-pack",
                             table, what, columns[i].name, sqlite3_column_int64(st, i + 1), columns[i].limit);
    }
    sqlite3_finalize(st);
    return ok;
}

/* The phones of each office, one a line: how many, and how long each is. */
static bool phones_fit(sqlite3 *db, err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id, phones FROM offices", -1, &st, NULL) != SQLITE_OK)
        return true;
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0), *phones = (const char *)sqlite3_column_text(st, 1);
        char shown[100];
        utf8_shown(id ? id : "", 40, shown, sizeof shown);
        int count = 0;
        for (const char *p = phones ? phones : ""; ok && *p;) {
            size_t len = strcspn(p, "\n");
            count += len > 0;
            if (len > PACK_PHONE_BYTES_MAX)
                ok =
                    err_set(e, "the pack's office %s has a phone number of %zu bytes, more than the %d the kiosk takes",
                            shown, len, PACK_PHONE_BYTES_MAX);
            p += len + (p[len] == '\n');
        }
        if (ok && count > PACK_PHONES_MAX)
            ok = err_set(e, "the pack's office %s has %d phone numbers, more than the %d the kiosk shows", shown, count,
                         PACK_PHONES_MAX);
    }
    sqlite3_finalize(st);
    return ok;
}

bool pack_limits_check(sqlite3 *db, err *e)
{
    static const column_limit offices[] = {{"id", PACK_OFFICE_ID_BYTES_MAX},
                                           {"name", PACK_OFFICE_NAME_BYTES_MAX},
                                           {"address", PACK_ADDRESS_BYTES_MAX},
                                           {"email", PACK_EMAIL_BYTES_MAX},
                                           {"web", PACK_WEB_BYTES_MAX},
                                           {"step_free", 7},
                                           {"appointment", 7},
                                           {"closed_until", 10}};
    static const column_limit holidays[] = {{"date", 10}};
    static const column_limit assets[] = {
        {"hash", 64}, {"name", PACK_ASSET_NAME_BYTES_MAX}, {"kind", 15}, {"data", PACK_ASSET_BYTES_MAX}};
    if (!table_fits(db, "offices", "'office ' || id", offices, 8, e) ||
        !table_fits(db, "office_holidays", "'office ' || office", holidays, 1, e) ||
        !table_fits(db, "assets", "'asset ' || hash", assets, 4, e) || !phones_fit(db, e))
        return false;
    char sql[300], fmt[200];
    snprintf(
        sql, sizeof sql,
        "SELECT office, count(*) FROM office_hours GROUP BY office, day HAVING count(*) > %d ORDER BY office LIMIT 1",
        PACK_SLOTS_MAX);
    snprintf(fmt, sizeof fmt,
             "the pack's office %%s has %%lld opening-hour ranges on one day, more than the %d the "
             "kiosk shows",
             PACK_SLOTS_MAX);
    if (!none_over(db, sql, e, fmt))
        return false;
    snprintf(
        sql, sizeof sql,
        "SELECT office, count(*) FROM office_holidays GROUP BY office HAVING count(*) > %d ORDER BY office LIMIT 1",
        PACK_HOLIDAYS_MAX);
    snprintf(fmt, sizeof fmt, "the pack's office %%s has %%lld holidays, more than the %d the kiosk keeps",
             PACK_HOLIDAYS_MAX);
    return none_over(db, sql, e, fmt);
}

/* ---- every text, before a pack is installed ---- */

static void text_field(pack_report *r, const char *page, const char *lang, const char *what, const char *value,
                       int limit)
{
    size_t n = strlen(value);
    int line;
    uint32_t c;
    if (n > (size_t)limit)
        pack_report_add(r, true, "page %s (%s): %s is %zu bytes, more than the %d the kiosk takes", page, lang, what, n,
                        limit);
    else if ((c = pack_limits_hidden_char(value, false, &line))) {
        char name[160];
        pack_limits_char_name(c, name, sizeof name);
        pack_report_add(r, true, "page %s (%s): %s has %s, which changes how it reads without being seen", page, lang,
                        what, name);
    }
}

bool pack_check_texts(pack *p, pack_report *r)
{
    int errors = r->errors;
    sqlite3 *db = pack_db(p);
    sqlite3_stmt *st;
    const char *sql = "SELECT page, lang, title, coalesce(tile_title, ''), summary, body, review, coalesce(audio, '')"
                      " FROM texts ORDER BY page, lang";
    /* Packs from before tile titles have none. */
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT page, lang, title, '', summary, body, review, coalesce(audio, '') FROM texts"
                           " ORDER BY page, lang",
                           -1, &st, NULL) != SQLITE_OK) {
        pack_report_add(r, true, "cannot read the pack's texts: %s", sqlite3_errmsg(db));
        return false;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v[8];
        for (int i = 0; i < 8; i++)
            v[i] = sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) : "";
        char page[60], lang[60];
        utf8_shown(v[0], 16, page, sizeof page);
        utf8_shown(v[1], 16, lang, sizeof lang);
        text_field(r, page, lang, "title", v[2], PACK_TITLE_BYTES_MAX);
        text_field(r, page, lang, "tile_title", v[3], PACK_TITLE_BYTES_MAX);
        text_field(r, page, lang, "summary", v[4], PACK_SUMMARY_BYTES_MAX);
        text_field(r, page, lang, "review", v[6], 15);
        text_field(r, page, lang, "audio", v[7], 64);
        pack_body_problem pb;
        int line;
        uint32_t c = pack_limits_hidden_char(v[5], true, &line);
        if (!pack_limits_body(v[5], &pb))
            pack_report_add(r, true, "page %s (%s): line %d: %s", page, lang, pb.line, pb.what);
        else if (c) {
            char name[160];
            pack_limits_char_name(c, name, sizeof name);
            pack_report_add(r, true,
                            "page %s (%s): line %d: the text has %s, which changes how it reads without being "
                            "seen",
                            page, lang, line, name);
        }
    }
    sqlite3_finalize(st);
    return r->errors == errors;
}
