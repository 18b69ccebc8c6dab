/* Writing content sources, as read by pack_source.c, as a pack (content/SCHEMA.md). */
#include "pack.h"
#include "pack_private.h"
#include "pack_source.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exec_bind(sqlite3 *db, const char *sql, const char **texts, int ntexts, const int *ints, int nints);

/* The search index holds every text in its normalized form (pack_normalize), under the id
 * of its row in texts. */
static bool index_text(sqlite3 *db, sqlite3_int64 id, const src_text *t)
{
    char *title, *body;
    if (!pack_index_fields(t->title, t->summary, t->body, &title, &body))
        return false;
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, "INSERT INTO search(rowid, title, body) VALUES(?1, ?2, ?3)", -1, &st, NULL) ==
              SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    free(title);
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
    unsigned char *data = malloc(PACK_ASSET_BYTES_MAX);
    size_t n = data ? fread(data, 1, PACK_ASSET_BYTES_MAX, f) : 0;
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

static int compare_page_codes(const void *a, const void *b)
{
    return strcmp((*(const src_page *const *)a)->page.code, (*(const src_page *const *)b)->page.code);
}

/* Texts get their ids language by language, pages by code within one: a language's texts are
 * one run of ids (the search's language filter), in page order (its last tie-break). */
static bool write_texts(sqlite3 *db, const src *s)
{
    const src_page **by_code = malloc((size_t)(s->page_count > 0 ? s->page_count : 1) * sizeof *by_code);
    sqlite3_stmt *st = NULL;
    bool ok = by_code &&
              sqlite3_prepare_v2(db,
                                 "INSERT INTO texts(id, page, lang, title, summary, tile_title, review, source_version,"
                                 " audio, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                 -1, &st, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < s->page_count; i++)
        by_code[i] = &s->pages[i];
    if (ok)
        qsort(by_code, (size_t)s->page_count, sizeof *by_code, compare_page_codes);
    sqlite3_int64 id = 0;
    for (int l = 0; ok && l < s->language_count; l++)
        for (int i = 0; ok && i < s->page_count; i++) {
            const src_page *pg = by_code[i];
            for (int k = 0; ok && k < pg->text_count; k++) {
                const src_text *x = &pg->texts[k];
                if (strcmp(x->lang, s->languages[l].code))
                    continue;
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, ++id);
                sqlite3_bind_text(st, 2, pg->page.code, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, x->lang, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 4, x->title, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 5, x->summary, -1, SQLITE_STATIC);
                if (x->tile_title && x->tile_title[0])
                    sqlite3_bind_text(st, 6, x->tile_title, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(st, 6);
                sqlite3_bind_text(st, 7, x->review, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 8, x->translated_from);
                if (x->audio[0])
                    sqlite3_bind_text(st, 9, x->audio, -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(st, 9);
                sqlite3_bind_text(st, 10, x->body, -1, SQLITE_STATIC);
                ok = sqlite3_step(st) == SQLITE_DONE && index_text(db, id, x);
            }
        }
    sqlite3_finalize(st);
    free(by_code);
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
              pack_schema_create(db, s->languages, s->language_count) &&
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
    }
    ok = ok && write_texts(db, s);
    for (int i = 0; ok && i < s->office_count; i++)
        ok = write_office(db, &s->offices[i]);
    for (int i = 0; ok && i < s->asset_count; i++)
        ok = write_asset(db, &s->assets[i]);
    /* One index segment reads fastest; then the answers for common prefixes. */
    ok = ok && sqlite3_exec(db, "INSERT INTO search(search) VALUES('optimize')", NULL, NULL, NULL) == SQLITE_OK &&
         pack_search_common(db, PACK_COMMON_HITS);
    /* What a search that finds nothing looks in: the words of each language, staff's synonyms. */
    ok = ok && pack_search_vocabulary(db) && pack_search_synonyms(db, s->synonyms, s->synonym_count);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    if (!ok)
        err_set(e, "cannot write %s: %s", path, sqlite3_errmsg(db));
    if (sqlite3_close(db) != SQLITE_OK && ok)
        ok = err_set(e, "cannot finish %s", path);
    return ok;
}

bool pack_build(const char *src_dir, const char *out_path, err *e)
{
    pack_report report = {0};
    src s = {.dir = src_dir, .report = &report};
    bool ok = pack_src_read(&s);
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
        struct stat st;
        /* A kiosk takes no larger pack from a stick: better said here than in the lobby. */
        if (ok && stat(tmp, &st) == 0 && st.st_size > PACK_BYTES_MAX)
            ok = err_set(e, "the pack would be %lld MiB, more than the %lld MiB a kiosk takes: use smaller recordings "
                            "or fewer pages",
                         (long long)st.st_size >> 20, PACK_BYTES_MAX >> 20);
        if (ok && rename(tmp, out_path) != 0)
            ok = err_set(e, "cannot move %s into place: %s", out_path, strerror(errno));
        if (!ok)
            unlink(tmp);
    }
    pack_src_free(&s);
    pack_report_free(&report);
    return ok;
}
