#include "pack.h"
#include "pack_private.h"
#include "version.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pack {
    sqlite3 *db;
    pack_meta meta;
    pack_language languages[PACK_LANGUAGES_MAX];
    int language_count;
    pack_page *pages; /* tree order: by parent, order, code; children of a page are one run */
    int page_count;
    const pack_page **by_code; /* the same pages by code, for finding one */
    pack_searcher *searcher;
};

/* For values read when shown (pack_check_texts vouches for their length before install): should
 * one not fit after all, it ends before the letter that does not, never inside it. */
static void copy_text(char *dst, size_t size, const unsigned char *src)
{
    size_t n = (size_t)snprintf(dst, size, "%s", src ? (const char *)src : "");
    if (n >= size && size > 0) {
        n = size - 1;
        while (n > 0 && ((unsigned char)dst[n] & 0xC0) == 0x80)
            n--;
        dst[n] = 0;
    }
}

/* A column into a buffer sized by its limit (pack_limits.h), whole: a pack made by other means
 * with a longer value is refused, naming it, instead of being cut inside a letter. */
static bool copy_whole(char *dst, size_t size, sqlite3_stmt *st, int col, const char *what, const char *field, err *e)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    size_t n = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= size)
        return err_set(e, "the pack's %s%s is %zu bytes, more than the %zu the kiosk takes: build the pack again with a "
                          "current wegweiser-pack",
                       what, field, n, size - 1);
    memcpy(dst, v ? (const char *)v : "", n);
    dst[n] = 0;
    return true;
}

/* A pack arrives on a stick from anyone: SQLite must not run code from it (triggers,
 * views, functions in the schema) nor trust its page layout. */
static bool harden(sqlite3 *db, err *e)
{
    int on = 1, off = 0;
    if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, NULL) != SQLITE_OK ||
        sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, off, NULL) != SQLITE_OK ||
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, off, NULL) != SQLITE_OK ||
        sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, off, NULL) != SQLITE_OK)
        return err_set(e, "could not set SQLite's defensive mode: %s", sqlite3_errmsg(db));
    const char *pragmas = "PRAGMA cell_size_check=ON; PRAGMA mmap_size=0; PRAGMA query_only=ON;";
    if (sqlite3_exec(db, pragmas, NULL, NULL, NULL) != SQLITE_OK)
        return err_set(e, "could not set SQLite's safety settings: %s", sqlite3_errmsg(db));
    return true;
}

static bool pragma_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return ok;
}

static bool load_meta(pack *p, pack_refusal *why, err *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(p->db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
        return err_set(e, "the pack has no metadata table: %s", sqlite3_errmsg(p->db));
    pack_meta *m = &p->meta;
    struct {
        const char *key;
        char *field;
        size_t size;
    } const kept[] = {
        {"region", m->region, sizeof m->region},           {"name", m->name, sizeof m->name},
        {"version", m->version, sizeof m->version},        {"publisher", m->publisher, sizeof m->publisher},
        {"created", m->created, sizeof m->created},        {"min_firmware", m->min_firmware, sizeof m->min_firmware},
        {"source", m->source, sizeof m->source},
        {"source_language", m->source_language, sizeof m->source_language},
    };
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        const unsigned char *value = sqlite3_column_text(st, 1);
        if (!key)
            continue;
        for (size_t i = 0; ok && i < sizeof kept / sizeof kept[0]; i++)
            if (!strcmp(key, kept[i].key))
                ok = copy_whole(kept[i].field, kept[i].size, st, 1, kept[i].key, "", e);
        if (!strcmp(key, "demo"))
            m->demo = value && !strcmp((const char *)value, "yes");
    }
    sqlite3_finalize(st);
    *why = PACK_REFUSED_CONTENT;
    if (!ok)
        return false;
    if (!m->region[0] || !m->version[0])
        return err_set(e, "the pack's metadata has no region or version; build it again with wegweiser-pack");
    *why = PACK_REFUSED_VERSION;
    if (m->min_firmware[0] && strverscmp(m->min_firmware, WW_VERSION) > 0)
        return err_set(e, "this pack needs kiosk software %s or newer, this kiosk has %s: update the kiosk software first",
                       m->min_firmware, WW_VERSION);
    return true;
}

static bool load_languages(pack *p, err *e)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT code, native_name, direction, script, digits FROM languages ORDER BY position, code";
    if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(e, "the pack's language table is unreadable: %s", sqlite3_errmsg(p->db));
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (p->language_count == PACK_LANGUAGES_MAX) {
            ok = err_set(e, "the pack has more than %d languages, more than a kiosk shows", PACK_LANGUAGES_MAX);
            break;
        }
        pack_language *l = &p->languages[p->language_count++];
        const unsigned char *dir = sqlite3_column_text(st, 2);
        l->rtl = dir && !strcmp((const char *)dir, "rtl");
        ok = copy_whole(l->code, sizeof l->code, st, 0, "language code", "", e);
        char what[80];
        snprintf(what, sizeof what, "language %s's ", l->code);
        ok = ok && copy_whole(l->native_name, sizeof l->native_name, st, 1, what, "native_name", e) &&
             copy_whole(l->script, sizeof l->script, st, 3, what, "script", e) &&
             copy_whole(l->digits, sizeof l->digits, st, 4, what, "digits", e);
    }
    sqlite3_finalize(st);
    if (!ok)
        return false;
    if (p->language_count == 0)
        return err_set(e, "the pack has no languages; build it again with wegweiser-pack");
    return true;
}

static int compare_tree_order(const void *a, const void *b)
{
    const pack_page *x = a, *y = b;
    int parent = strcmp(x->parent, y->parent);
    if (parent)
        return parent;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->code, y->code);
}

static int compare_codes(const void *a, const void *b)
{
    return strcmp((*(const pack_page *const *)a)->code, (*(const pack_page *const *)b)->code);
}

/* The page tree is read whole at open: a visitor's every step walks it, and finding a page or
 * its children is a binary search (a county's 20,000 pages are 2.6 MB). */
static bool load_pages(pack *p, err *e)
{
    int count = 0;
    if (!pragma_int(p->db, "SELECT count(*) FROM pages", &count))
        return err_set(e, "the pack's page table is unreadable: %s", sqlite3_errmsg(p->db));
    p->pages = calloc(count > 0 ? (size_t)count : 1, sizeof *p->pages);
    if (!p->pages)
        return err_set(e, "out of memory reading %d pages", count);
    sqlite3_stmt *st;
    const char *sql = "SELECT code, coalesce(parent, ''), position, icon, kind, coalesce(office, '') FROM pages "
                      "ORDER BY coalesce(parent, ''), position, code";
    if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(e, "the pack's page table is unreadable: %s", sqlite3_errmsg(p->db));
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW && p->page_count < count) {
        pack_page *pg = &p->pages[p->page_count++];
        ok = copy_whole(pg->code, sizeof pg->code, st, 0, "page code", "", e);
        char what[80];
        snprintf(what, sizeof what, "page %s's ", pg->code);
        pg->order = sqlite3_column_int(st, 2);
        ok = ok && copy_whole(pg->parent, sizeof pg->parent, st, 1, what, "parent", e) &&
             copy_whole(pg->icon, sizeof pg->icon, st, 3, what, "icon", e) &&
             copy_whole(pg->kind, sizeof pg->kind, st, 4, what, "kind", e) &&
             copy_whole(pg->office, sizeof pg->office, st, 5, what, "office", e);
    }
    sqlite3_finalize(st);
    if (!ok)
        return false;
    /* SQLite's order already, for a pack the builder made; sorted here with the comparison the
     * searches below use, whatever the file holds. */
    qsort(p->pages, (size_t)p->page_count, sizeof *p->pages, compare_tree_order);
    p->by_code = malloc((size_t)(p->page_count > 0 ? p->page_count : 1) * sizeof *p->by_code);
    if (!p->by_code)
        return err_set(e, "out of memory reading %d pages", count);
    for (int i = 0; i < p->page_count; i++)
        p->by_code[i] = &p->pages[i];
    qsort(p->by_code, (size_t)p->page_count, sizeof *p->by_code, compare_codes);
    return true;
}

pack *pack_open(const char *path, err *e) { return pack_open_ex(path, false, NULL, e); }

pack *pack_open_ex(const char *path, bool integrity_known, pack_refusal *why, err *e)
{
    pack_refusal ignored;
    if (!why)
        why = &ignored;
    *why = PACK_REFUSED_UNREADABLE;
    pack *p = calloc(1, sizeof *p);
    if (!p) {
        err_set(e, "out of memory opening %s", path);
        return NULL;
    }
    if (sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        err_set(e, "cannot open content pack %s: %s", path, p->db ? sqlite3_errmsg(p->db) : "out of memory");
        pack_close(p);
        return NULL;
    }
    int app_id = 0, schema = 0;
    *why = PACK_REFUSED_NOT_A_PACK; /* SQLite refuses settings on a file that is no database */
    if (!harden(p->db, e))
        goto fail;
    if (!pragma_int(p->db, "PRAGMA application_id", &app_id)) {
        /* SQLite says "not a database" of other files; anything else is a damaged one. */
        bool other = sqlite3_errcode(p->db) == SQLITE_NOTADB;
        *why = other ? PACK_REFUSED_NOT_A_PACK : PACK_REFUSED_DAMAGED;
        err_set(e, "%s %s (%s)", path, other ? "is not a Wegweiser content pack" : "is damaged",
                sqlite3_errmsg(p->db));
        goto fail;
    }
    if (app_id != PACK_APPLICATION_ID) {
        err_set(e, "%s is an SQLite database but not a Wegweiser content pack", path);
        goto fail;
    }
    *why = PACK_REFUSED_VERSION;
    if (!pragma_int(p->db, "PRAGMA user_version", &schema) || schema != PACK_SCHEMA_VERSION) {
        err_set(e,
                "%s has content schema version %d, this kiosk reads version %d: %s", path, schema,
                PACK_SCHEMA_VERSION,
                schema > PACK_SCHEMA_VERSION ? "update the kiosk software first"
                                             : "build the pack again with a current wegweiser-pack");
        goto fail;
    }
    p->meta.schema_version = schema;
    /* The expected schema depends on the languages, so they are read first; a languages table
     * that cannot be read is then named by the comparison, which says more than SQLite. */
    err lang_e = {""};
    bool langs = load_languages(p, &lang_e);
    if (!pack_validate(p->db, path, p->languages, p->language_count, !integrity_known, why, e))
        goto fail;
    *why = PACK_REFUSED_CONTENT;
    if (!langs) {
        err_set(e, "%s", lang_e.msg);
        goto fail;
    }
    /* Before anything is read into a buffer: a field too long for one is refused, not cut. */
    if (!pack_limits_check(p->db, e) || !load_meta(p, why, e) || !load_pages(p, e) ||
        !pack_limits_tree(p->pages, p->page_count, e))
        goto fail;
    p->searcher = pack_searcher_attach(p->db);
    if (!p->searcher) {
        err_set(e, "cannot search %s: this SQLite has no full-text search (FTS5)", path);
        goto fail;
    }
    *why = PACK_REFUSED_NONE;
    return p;
fail:
    pack_close(p);
    return NULL;
}

void pack_close(pack *p)
{
    if (!p)
        return;
    sqlite3_close(p->db);
    free(p->pages);
    free(p->by_code);
    free(p);
}

const pack_meta *pack_get_meta(const pack *p) { return &p->meta; }

sqlite3 *pack_db(pack *p) { return p->db; }

pack_searcher *pack_searcher_of(pack *p) { return p->searcher; }

int pack_language_count(const pack *p) { return p->language_count; }

const pack_language *pack_language_at(const pack *p, int index)
{
    return index >= 0 && index < p->language_count ? &p->languages[index] : NULL;
}

const pack_language *pack_language_find(const pack *p, const char *code)
{
    for (int i = 0; code && i < p->language_count; i++)
        if (!strcmp(p->languages[i].code, code))
            return &p->languages[i];
    return NULL;
}

int pack_page_count(const pack *p) { return p->page_count; }

const pack_page *pack_page_at(const pack *p, int index)
{
    return index >= 0 && index < p->page_count ? &p->pages[index] : NULL;
}

const pack_page *pack_page_find(const pack *p, const char *code)
{
    int lo = 0, hi = p->page_count;
    while (code && lo < hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(p->by_code[mid]->code, code);
        if (c == 0)
            return p->by_code[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const pack_page *pack_child_run(const pack *p, const char *parent, int *count)
{
    const char *key = parent ? parent : "";
    int lo = 0, hi = p->page_count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(p->pages[mid].parent, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int n = 0;
    while (lo + n < p->page_count && !strcmp(p->pages[lo + n].parent, key))
        n++;
    *count = n;
    return n ? &p->pages[lo] : NULL;
}

int pack_children(const pack *p, const char *parent, const pack_page **out, int max)
{
    int n;
    const pack_page *run = pack_child_run(p, parent, &n);
    for (int i = 0; i < n && i < max; i++)
        out[i] = &run[i];
    return n;
}

const pack_page *pack_page_of_kind(const pack *p, const char *kind)
{
    for (int i = 0; i < p->page_count; i++)
        if (!strcmp(p->pages[i].kind, kind))
            return &p->pages[i];
    return NULL;
}

static char *dup_column(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return strdup(s ? (const char *)s : "");
}

bool pack_text_get(pack *p, const char *page, const char *lang, pack_text *out, err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    const char *sql = "SELECT title, summary, body, review, source_version, coalesce(audio, '') FROM texts"
                      " WHERE page=?1 AND lang=?2";
    if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
        return err_set(e, "cannot read page %s: %s", page, sqlite3_errmsg(p->db));
    sqlite3_bind_text(st, 1, page, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW;
    if (found) {
        out->title = dup_column(st, 0);
        out->summary = dup_column(st, 1);
        out->body = dup_column(st, 2);
        copy_text(out->review, sizeof out->review, sqlite3_column_text(st, 3));
        out->source_version = sqlite3_column_int(st, 4);
        copy_text(out->audio, sizeof out->audio, sqlite3_column_text(st, 5));
        if (!out->title || !out->summary || !out->body) {
            pack_text_free(out);
            found = err_set(e, "out of memory reading page %s", page);
        }
    } else if (rc != SQLITE_DONE) {
        err_set(e, "cannot read page %s: %s", page, sqlite3_errmsg(p->db));
    } else if (e) {
        e->msg[0] = 0;
    }
    sqlite3_finalize(st);
    return found;
}

void pack_text_free(pack_text *t)
{
    free(t->title);
    free(t->summary);
    free(t->body);
    t->title = t->summary = t->body = NULL;
}

static bool title_query(pack *p, const char *sql, const char *page, const char *lang, char *out, int out_size)
{
    out[0] = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, page, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        copy_text(out, (size_t)out_size, sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found;
}

bool pack_title_get(pack *p, const char *page, const char *lang, char *out, int out_size)
{
    return title_query(p, "SELECT title FROM texts WHERE page=?1 AND lang=?2", page, lang, out, out_size);
}

bool pack_tile_title_get(pack *p, const char *page, const char *lang, char *out, int out_size)
{
    /* Packs made before tile titles existed have no such column: their titles serve. */
    return title_query(p, "SELECT coalesce(tile_title, title) FROM texts WHERE page=?1 AND lang=?2", page, lang, out,
                       out_size) ||
           pack_title_get(p, page, lang, out, out_size);
}

int pack_page_languages(pack *p, const char *page, const pack_language **out, int max)
{
    int n = 0;
    char title[8];
    for (int i = 0; i < p->language_count && n < max; i++)
        if (pack_title_get(p, page, p->languages[i].code, title, sizeof title))
            out[n++] = &p->languages[i];
    return n;
}

void pack_language_stats(pack *p, const char *lang, int *pages, int *machine)
{
    *pages = *machine = 0;
    sqlite3_stmt *st;
    const char *sql = "SELECT count(*), coalesce(sum(review = 'machine'), 0) FROM texts WHERE lang=?1";
    if (sqlite3_prepare_v2(p->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *pages = sqlite3_column_int(st, 0);
        *machine = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
}

int pack_translation_stats(pack *p, pack_lang_stats *out, int max)
{
    const char *sql =
        "SELECT count(t.page),"
        " coalesce(sum(t.review != 'machine' AND t.source_version >= coalesce(s.source_version, 0)), 0),"
        " coalesce(sum(t.review != 'machine' AND t.source_version < coalesce(s.source_version, 0)), 0),"
        " coalesce(sum(t.review = 'machine'), 0)"
        " FROM texts t LEFT JOIN texts s ON s.page = t.page AND s.lang = ?2 WHERE t.lang = ?1";
    int n = 0;
    for (int i = 0; i < p->language_count && n < max; i++) {
        pack_lang_stats *st = &out[n++];
        memset(st, 0, sizeof *st);
        snprintf(st->code, sizeof st->code, "%s", p->languages[i].code);
        st->pages = p->page_count;
        sqlite3_stmt *q;
        if (sqlite3_prepare_v2(p->db, sql, -1, &q, NULL) != SQLITE_OK)
            continue;
        sqlite3_bind_text(q, 1, st->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, p->meta.source_language, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            int have = sqlite3_column_int(q, 0);
            st->current = sqlite3_column_int(q, 1);
            st->outdated = sqlite3_column_int(q, 2);
            st->machine = sqlite3_column_int(q, 3);
            st->missing = p->page_count - have;
        }
        sqlite3_finalize(q);
    }
    return n;
}

bool pack_asset_get(pack *p, const char *hash, unsigned char **data, size_t *size, char *kind, size_t kind_size)
{
    *data = NULL;
    *size = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(p->db, "SELECT data, kind FROM assets WHERE hash = ?1", -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        int n = sqlite3_column_bytes(st, 0);
        *data = malloc(n > 0 ? (size_t)n : 1);
        found = *data != NULL;
        if (found) {
            if (n > 0)
                memcpy(*data, sqlite3_column_blob(st, 0), (size_t)n);
            *size = (size_t)n;
            copy_text(kind, kind_size, sqlite3_column_text(st, 1));
        }
    }
    sqlite3_finalize(st);
    return found;
}
