/* Validation of a pack after its signature: the pack must hold exactly the schema this firmware
 * reads — every table, column, index, virtual table and its shadow tables, trigger and view in
 * sqlite_schema, nothing missing, nothing extra, nothing defined otherwise — and pass SQLite's
 * quick_check. The expected schema is not written down here: pack_schema_create (the builder's
 * own DDL) makes it in an in-memory database for the pack's languages, and the two
 * sqlite_schema tables are compared row by row, so the builder and the kiosk cannot drift apart. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"

/* A pack's schema is a few dozen rows; far more is not a pack, and is not read further. */
#define SCHEMA_ROWS_MAX 1024
/* SQL longer than this is not ours either; it is compared by its length only. */
#define SCHEMA_SQL_MAX 65536
#define COLUMNS_MAX 64

typedef struct schema_row {
    char type[16];
    char *name, *tbl, *sql; /* sql normalized; NULL for SQLite's automatic indexes */
} schema_row;

typedef struct schema {
    schema_row *rows;
    int count;
    bool more; /* rows past SCHEMA_ROWS_MAX */
} schema;

/* What differs, as one line of text for a person: the first few items, then how many more. */
typedef struct findings {
    char text[300];
    int count, shown;
} findings;

static void found(findings *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void found(findings *f, const char *fmt, ...)
{
    char item[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(item, sizeof item, fmt, ap);
    va_end(ap);
    f->count++;
    size_t used = strlen(f->text);
    if (used + strlen(item) + 3 >= sizeof f->text - 24)
        return;
    snprintf(f->text + used, sizeof f->text - used, "%s%s", f->shown ? "; " : "", item);
    f->shown++;
}

/* Whitespace does not change what SQL means, outside quotes: runs become one space, and none
 * is kept beside brackets and commas. Quoted names and strings stay exactly as written. */
static char *normalize_sql(const char *in)
{
    size_t n = strlen(in);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    char quote = 0;
    bool space = false;
    for (const char *p = in; *p; p++) {
        char ch = *p;
        if (quote) {
            out[o++] = ch;
            if (ch == quote)
                quote = 0;
            continue;
        }
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            space = true;
            continue;
        }
        bool tight = ch == '(' || ch == ')' || ch == ',';
        if (space && o > 0 && !tight && out[o - 1] != '(' && out[o - 1] != ',')
            out[o++] = ' ';
        space = false;
        out[o++] = ch;
        if (ch == '\'' || ch == '"' || ch == '`')
            quote = ch;
        else if (ch == '[')
            quote = ']';
    }
    out[o] = 0;
    return out;
}

static char *dup_text(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return strdup(s ? (const char *)s : "");
}

static void schema_free(schema *s)
{
    for (int i = 0; i < s->count; i++) {
        free(s->rows[i].name);
        free(s->rows[i].tbl);
        free(s->rows[i].sql);
    }
    free(s->rows);
    memset(s, 0, sizeof *s);
}

/* False with SQLite's message when sqlite_schema cannot be read (a damaged file). */
static bool schema_read(sqlite3 *db, schema *s, char *why, size_t why_size)
{
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql, length(CAST(sql AS BLOB)) FROM sqlite_schema",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
        return false;
    }
    int rc;
    bool ok = true;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->count == SCHEMA_ROWS_MAX) {
            s->more = true;
            break;
        }
        if (!s->rows && !(s->rows = calloc(SCHEMA_ROWS_MAX, sizeof *s->rows))) {
            ok = false;
            snprintf(why, why_size, "out of memory");
            break;
        }
        schema_row *r = &s->rows[s->count++];
        snprintf(r->type, sizeof r->type, "%s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "");
        r->name = dup_text(st, 1);
        r->tbl = dup_text(st, 2);
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            long long len = sqlite3_column_int64(st, 4);
            if (len > SCHEMA_SQL_MAX) {
                char mark[64];
                snprintf(mark, sizeof mark, "(%lld bytes of SQL)", len);
                r->sql = strdup(mark);
            } else {
                r->sql = normalize_sql((const char *)sqlite3_column_text(st, 3));
            }
            if (!r->sql)
                ok = false;
        }
        if (!r->name || !r->tbl) {
            ok = false;
        }
        if (!ok) {
            snprintf(why, why_size, "out of memory");
            break;
        }
    }
    if (ok && rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ok = false;
        snprintf(why, why_size, "%s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (!ok)
        schema_free(s);
    return ok;
}

static const schema_row *schema_find(const schema *s, const char *type, const char *name)
{
    for (int i = 0; i < s->count; i++)
        if (!strcmp(s->rows[i].type, type) && !strcmp(s->rows[i].name, name))
            return &s->rows[i];
    return NULL;
}

typedef struct column {
    char name[64], type[48], dflt[64];
    int notnull, pk, hidden;
} column;

static int columns_read(sqlite3 *db, const char *table, column *out, int max)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < max) {
        column *c = &out[n++];
        const unsigned char *v;
        snprintf(c->name, sizeof c->name, "%s", (v = sqlite3_column_text(st, 0)) ? (const char *)v : "");
        snprintf(c->type, sizeof c->type, "%s", (v = sqlite3_column_text(st, 1)) ? (const char *)v : "");
        snprintf(c->dflt, sizeof c->dflt, "%s", (v = sqlite3_column_text(st, 3)) ? (const char *)v : "");
        c->notnull = sqlite3_column_int(st, 2);
        c->pk = sqlite3_column_int(st, 4);
        c->hidden = sqlite3_column_int(st, 5);
    }
    sqlite3_finalize(st);
    return n;
}

static const column *column_find(const column *cols, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(cols[i].name, name))
            return &cols[i];
    return NULL;
}

/* Names which column of a table differs and how; false when the columns are the same (then the
 * difference is elsewhere in the definition: a constraint, WITHOUT ROWID, options). */
static bool compare_columns(sqlite3 *db, sqlite3 *want, const char *table, findings *f)
{
    column have[COLUMNS_MAX], need[COLUMNS_MAX];
    int nh = columns_read(db, table, have, COLUMNS_MAX), nn = columns_read(want, table, need, COLUMNS_MAX);
    if (nh < 0 || nn < 0)
        return false;
    int before = f->count;
    for (int i = 0; i < nn; i++) {
        const column *w = &need[i], *h = column_find(have, nh, w->name);
        if (!h)
            found(f, "column %s.%s is missing", table, w->name);
        else if (strcmp(h->type, w->type))
            found(f, "column %s.%s has type %s, expected %s", table, w->name, h->type[0] ? h->type : "(none)",
                  w->type[0] ? w->type : "(none)");
        else if (h->notnull != w->notnull)
            found(f, "column %s.%s is %s, expected %s", table, w->name, h->notnull ? "NOT NULL" : "nullable",
                  w->notnull ? "NOT NULL" : "nullable");
        else if (h->pk != w->pk)
            found(f, "column %s.%s is %spart of the primary key", table, w->name, h->pk ? "" : "not ");
        else if (strcmp(h->dflt, w->dflt) || h->hidden != w->hidden)
            found(f, "column %s.%s has another default or kind", table, w->name);
    }
    for (int i = 0; i < nh; i++)
        if (!column_find(need, nn, have[i].name))
            found(f, "extra column %s.%s", table, have[i].name);
    if (f->count == before && nh == nn)
        for (int i = 0; i < nn && f->count == before; i++)
            if (strcmp(have[i].name, need[i].name))
                found(f, "the columns of %s are in another order", table);
    return f->count > before;
}

/* Where two definitions part: a short piece of each around the first difference. */
static void found_definition(findings *f, const schema_row *h, const schema_row *w)
{
    const char *a = h->sql ? h->sql : "", *b = w->sql ? w->sql : "";
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    size_t from = i > 12 ? i - 12 : 0;
    found(f, "%s %s is defined otherwise: '…%.28s…' where this kiosk has '…%.28s…'", w->type, w->name, a + from,
          b + from);
}

static void compare(sqlite3 *db, sqlite3 *want, const schema *have, const schema *need, findings *f)
{
    for (int i = 0; i < need->count; i++) {
        const schema_row *w = &need->rows[i], *h = schema_find(have, w->type, w->name);
        if (!h) {
            found(f, "%s %s is missing", w->type, w->name);
            continue;
        }
        if (strcmp(h->tbl, w->tbl))
            found(f, "%s %s belongs to table %s, expected %s", w->type, w->name, h->tbl, w->tbl);
        else if ((h->sql == NULL) != (w->sql == NULL) || (h->sql && strcmp(h->sql, w->sql))) {
            if (strcmp(w->type, "table") || !compare_columns(db, want, w->name, f))
                found_definition(f, h, w);
        }
    }
    for (int i = 0; i < have->count; i++) {
        const schema_row *h = &have->rows[i];
        if (schema_find(need, h->type, h->name))
            continue;
        if (!strcmp(h->type, "index") || !strcmp(h->type, "trigger"))
            found(f, "extra %s %s on %s", h->type, h->name, h->tbl);
        else
            found(f, "extra %s %s", h->type[0] ? h->type : "entry", h->name);
    }
    if (have->more)
        found(f, "more than %d entries in its schema", SCHEMA_ROWS_MAX);
}

static bool quick_check(sqlite3 *db, const char *path, pack_refusal *why, err *e)
{
    sqlite3_stmt *st;
    *why = PACK_REFUSED_DAMAGED;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
        return err_set(e, "%s is damaged (%s). Build or copy it again.", path, sqlite3_errmsg(db));
    const unsigned char *res = NULL;
    bool ok = sqlite3_step(st) == SQLITE_ROW && (res = sqlite3_column_text(st, 0)) && !strcmp((const char *)res, "ok");
    if (!ok) {
        char finding[128];
        snprintf(finding, sizeof finding, "%s", res ? (const char *)res : sqlite3_errmsg(db));
        for (char *c = finding; *c; c++) /* SQLite's report spans lines; a message is one */
            if ((unsigned char)*c < ' ')
                *c = ' ';
        err_set(e, "%s is damaged (SQLite integrity check: %s). Build or copy it again.", path, finding);
    }
    sqlite3_finalize(st);
    if (ok)
        *why = PACK_REFUSED_NONE;
    return ok;
}

bool pack_validate(sqlite3 *db, const char *path, const pack_language *languages, int language_count, bool integrity,
                   pack_refusal *why, err *e)
{
    char trouble[200] = "";
    schema have = {0}, need = {0};
    sqlite3 *want = NULL;
    *why = PACK_REFUSED_DAMAGED;
    if (!schema_read(db, &have, trouble, sizeof trouble))
        return err_set(e, "%s is damaged: its schema cannot be read (%s). Build or copy it again.", path, trouble);
    bool ok = sqlite3_open_v2(":memory:", &want, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK;
    if (ok && !pack_schema_create(want, languages, language_count)) {
        *why = PACK_REFUSED_CONTENT;
        ok = err_set(e, "%s: this kiosk cannot make the schema for the pack's languages (%s)", path,
                     sqlite3_errmsg(want));
    } else if (!ok || !schema_read(want, &need, trouble, sizeof trouble)) {
        ok = err_set(e, "cannot check %s: %s", path, want ? sqlite3_errmsg(want) : "out of memory");
    } else {
        findings f = {.count = 0};
        compare(db, want, &have, &need, &f);
        if (f.count) {
            *why = PACK_REFUSED_SCHEMA;
            char more[48] = "";
            if (f.count > f.shown)
                snprintf(more, sizeof more, "; and %d more", f.count - f.shown);
            ok = err_set(e,
                         "%s does not have the tables this kiosk reads: %s%s. Build it again with the "
                         "wegweiser-pack that goes with this kiosk software and sign it again.",
                         path, f.text, more);
        }
    }
    schema_free(&have);
    schema_free(&need);
    sqlite3_close(want);
    if (!ok)
        return false;
    *why = PACK_REFUSED_NONE;
    return !integrity || quick_check(db, path, why, e);
}
