/* The usage file: counts in, batches out (usage.h, docs/privacy.md). */
#include "usage.h"

#include <errno.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sb.h"
#include "update.h"

struct usage {
    sqlite3 *db;
};

/* `exported` is how much of n is on a stick already: an export writes n - exported. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS counts(day TEXT NOT NULL, hour INTEGER NOT NULL, metric TEXT NOT NULL,"
    " lang TEXT NOT NULL, page TEXT NOT NULL, n INTEGER NOT NULL, exported INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(day, hour, metric, lang, page)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;";

static bool exec(sqlite3 *db, const char *sql, err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return true;
    if (e)
        err_set(e, "usage figures: %s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return false;
}

static bool whole(sqlite3 *db)
{
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    return ok;
}

static sqlite3 *open_file(const char *path, err *e)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        err_set(e, "usage figures: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 2000);
    /* A power cut loses at most what the app had not handed over yet: every add is synced. */
    if (!whole(db) || !exec(db, "PRAGMA synchronous=FULL", e) || !exec(db, SCHEMA, e)) {
        if (!e->msg[0])
            err_set(e, "usage figures: %s is damaged", path);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

usage *usage_open(const char *data_dir, err *e)
{
    char path[4096], aside[4200];
    if (snprintf(path, sizeof path, "%s/%s", data_dir, USAGE_FILE) >= (int)sizeof path) {
        err_set(e, "usage figures: the data directory's path is too long");
        return NULL;
    }
    usage *u = calloc(1, sizeof *u);
    if (!u) {
        err_set(e, "usage figures: out of memory");
        return NULL;
    }
    e->msg[0] = 0;
    u->db = open_file(path, e);
    if (!u->db) {
        /* Figures are not worth a kiosk that does not start: set the damaged file aside (staff
         * can still look at it) and count afresh. */
        snprintf(aside, sizeof aside, "%s.damaged", path);
        err first = *e;
        e->msg[0] = 0;
        if (rename(path, aside) == 0) {
            remove(strcat(strcpy(aside, path), "-journal"));
            u->db = open_file(path, e);
        }
        if (!u->db) {
            *e = first;
            free(u);
            return NULL;
        }
        err_set(e, "%s; it was set aside as %s.damaged and counting starts again", first.msg, USAGE_FILE);
    }
    return u;
}

void usage_close(usage *u)
{
    if (!u)
        return;
    sqlite3_close(u->db);
    free(u);
}

static bool run_step(sqlite3 *db, sqlite3_stmt *st, err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return true;
    err_set(e, "usage figures: %s", sqlite3_errmsg(db));
    return false;
}

static bool add_one(sqlite3 *db, sqlite3_stmt *st, const char *day, int hour, const char *metric, const char *lang,
                    const char *page, long long n, err *e)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, hour);
    sqlite3_bind_text(st, 3, metric, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, page, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, n);
    return run_step(db, st, e);
}

/* Old days summed into their month (hour -1), old months into "older": the file stays small
 * however long the kiosk runs. Only complete groups are summed, so totals never change. */
static bool sum_up(sqlite3 *db, err *e)
{
    char sql[4096];
    snprintf(sql, sizeof sql,
             "WITH old(day) AS (SELECT DISTINCT day FROM counts WHERE length(day)=10 ORDER BY day DESC"
             " LIMIT -1 OFFSET %d)"
             " INSERT INTO counts(day, hour, metric, lang, page, n, exported)"
             " SELECT substr(day, 1, 7), -1, metric, lang, page, sum(n), sum(exported) FROM counts"
             " WHERE day IN old GROUP BY 1, 3, 4, 5"
             " ON CONFLICT(day, hour, metric, lang, page) DO UPDATE SET n=n+excluded.n, exported=exported+excluded.exported;"
             "DELETE FROM counts WHERE length(day)=10 AND day IN (SELECT DISTINCT day FROM counts"
             " WHERE length(day)=10 ORDER BY day DESC LIMIT -1 OFFSET %d);"
             "WITH old(day) AS (SELECT DISTINCT day FROM counts WHERE length(day)=7 ORDER BY day DESC"
             " LIMIT -1 OFFSET %d)"
             " INSERT INTO counts(day, hour, metric, lang, page, n, exported)"
             " SELECT 'older', -1, metric, lang, page, sum(n), sum(exported) FROM counts"
             " WHERE day IN old GROUP BY 3, 4, 5"
             " ON CONFLICT(day, hour, metric, lang, page) DO UPDATE SET n=n+excluded.n, exported=exported+excluded.exported;"
             "DELETE FROM counts WHERE length(day)=7 AND day IN (SELECT DISTINCT day FROM counts"
             " WHERE length(day)=7 ORDER BY day DESC LIMIT -1 OFFSET %d);",
             USAGE_DAYS_KEPT, USAGE_DAYS_KEPT, USAGE_MONTHS_KEPT, USAGE_MONTHS_KEPT);
    return exec(db, sql, e);
}

bool usage_add(usage *u, const app_counts *counts, err *e)
{
    if (!counts->count && !counts->lost)
        return true;
    sqlite3_stmt *st = NULL;
    if (!exec(u->db, "BEGIN IMMEDIATE", e))
        return false;
    bool ok = sqlite3_prepare_v2(u->db,
                                 "INSERT INTO counts(day, hour, metric, lang, page, n) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
                                 " ON CONFLICT(day, hour, metric, lang, page) DO UPDATE SET n=n+excluded.n",
                                 -1, &st, NULL) == SQLITE_OK;
    if (!ok)
        err_set(e, "usage figures: %s", sqlite3_errmsg(u->db));
    for (int i = 0; ok && i < counts->count; i++) {
        const app_count *c = &counts->c[i];
        ok = add_one(u->db, st, c->date, c->hour, app_metric_name(c->metric), c->lang, c->page, c->n, e);
    }
    /* Counts the app had no room for are said, not hidden. */
    if (ok && counts->lost)
        ok = add_one(u->db, st, counts->count ? counts->c[0].date : "", counts->count ? counts->c[0].hour : 0,
                     "uncounted", "", "", (long long)counts->lost, e);
    sqlite3_finalize(st);
    ok = ok && sum_up(u->db, e);
    if (ok)
        return exec(u->db, "COMMIT", e);
    exec(u->db, "ROLLBACK", NULL);
    return false;
}

static long long meta_number(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st;
    long long v = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

bool usage_export(usage *u, const char *stick_dir, const char *kiosk_id, char *said, size_t said_size)
{
    err e = {0};
    if (!exec(u->db, "BEGIN IMMEDIATE", &e)) {
        snprintf(said, said_size, "no usage figures: %s", e.msg);
        return false;
    }
    /* A batch whose number was written but not committed (a power cut between) is written
     * again under the same number with everything it had: the reader keeps the fuller one. */
    long long batch = meta_number(u->db, "batch") + 1;
    sb t = {0};
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(today, sizeof today, "%Y-%m-%d", &tm))
        snprintf(today, sizeof today, "unknown");
    char id[64];
    update_kiosk_id(kiosk_id, id, sizeof id);
    sb_addf(&t, "batch\t%s\t%lld\t%s\n", id, batch, today);
    sqlite3_stmt *st;
    int lines = 0;
    if (sqlite3_prepare_v2(u->db,
                           "SELECT day, hour, metric, lang, page, n - exported FROM counts WHERE n > exported"
                           " ORDER BY day, hour, metric, lang, page",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            sb_addf(&t, "%s\t%d\t%s\t%s\t%s\t%lld\n", (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                (const char *)sqlite3_column_text(st, 4), sqlite3_column_int64(st, 5));
            lines++;
        }
    }
    sqlite3_finalize(st);
    sb_addf(&t, "end\t%s\t%lld\t%d\n", id, batch, lines);
    bool ok = false;
    if (t.oom) {
        snprintf(said, said_size, "no usage figures: out of memory");
    } else if (lines == 0) {
        snprintf(said, said_size, "usage figures: nothing new since the last export");
        ok = true;
    } else if (update_stick_append(stick_dir, USAGE_EXPORT_PREFIX, id, "tsv", t.s, t.len, USAGE_EXPORT_MAX,
                                   "usage figures", said, said_size)) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "UPDATE counts SET exported=n WHERE n > exported;"
                 "INSERT OR REPLACE INTO meta(key, value) VALUES('batch', %lld);",
                 batch);
        ok = exec(u->db, sql, &e);
        if (!ok)
            snprintf(said, said_size, "usage figures written, but not marked as exported: %s", e.msg);
    }
    free(t.s);
    exec(u->db, ok ? "COMMIT" : "ROLLBACK", NULL);
    return ok;
}

long long usage_total(usage *u, const char *metric, const char *lang)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(u->db, "SELECT coalesce(sum(n), 0) FROM counts WHERE metric=?1 AND (?2 IS NULL OR lang=?2)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
        if (lang)
            sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}
