/* Usage figures (issue 17, docs/privacy.md): what simulated visits did over thirty days, as the
 * kiosk counts, keeps and exports it, checked figure by figure against what the scripts did. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "session.h"
#include "test.h"
#include "usage.h"

/* A data directory of the test's own under the shared temporary folder. */
static const char *data_dir(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), name);
    mkdir(path, 0755);
    return path;
}

static pack *demo(void)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    return p;
}

static void run(session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run(session *s, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    err e;
    if (!session_script_line(s, line, NULL, NULL, &e)) {
        char msg[1100];
        snprintf(msg, sizeof msg, "script line '%s': %s", line, e.msg);
        test_fail(__FILE__, __LINE__, msg);
    }
}

/* What the scripts did, as the figures should say it. */
typedef struct expected {
    char day[11];
    int hour;
    char metric[20], lang[16], page[16];
    long long n;
} expected;

typedef struct tally {
    expected *rows;
    int count, cap;
} tally;

static void expect(tally *t, const char *day, int hour, const char *metric, const char *lang, const char *page)
{
    for (int i = 0; i < t->count; i++) {
        expected *r = &t->rows[i];
        if (!strcmp(r->day, day) && r->hour == hour && !strcmp(r->metric, metric) && !strcmp(r->lang, lang) &&
            !strcmp(r->page, page)) {
            r->n++;
            return;
        }
    }
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->rows = realloc(t->rows, (size_t)t->cap * sizeof *t->rows);
    }
    expected *r = &t->rows[t->count++];
    memset(r, 0, sizeof *r);
    snprintf(r->day, sizeof r->day, "%s", day);
    r->hour = hour;
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->lang, sizeof r->lang, "%s", lang);
    snprintf(r->page, sizeof r->page, "%s", page);
    r->n = 1;
}

static unsigned next_random(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

/* Every row of the usage file equals a row of the tally and the other way round. */
static void check_file_matches(const char *data_dir, const tally *t)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", data_dir, USAGE_FILE);
    sqlite3 *db;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(db, "SELECT day, hour, metric, lang, page, n FROM counts", -1, &st, NULL) == SQLITE_OK);
    int rows = 0, matched = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        for (int i = 0; i < t->count; i++) {
            const expected *r = &t->rows[i];
            if (!strcmp(r->day, (const char *)sqlite3_column_text(st, 0)) && r->hour == sqlite3_column_int(st, 1) &&
                !strcmp(r->metric, (const char *)sqlite3_column_text(st, 2)) &&
                !strcmp(r->lang, (const char *)sqlite3_column_text(st, 3)) &&
                !strcmp(r->page, (const char *)sqlite3_column_text(st, 4))) {
                if (r->n == sqlite3_column_int64(st, 5))
                    matched++;
                else {
                    char msg[200];
                    snprintf(msg, sizeof msg, "%s %d %s %s %s: counted %lld, did %lld", r->day, r->hour, r->metric,
                             r->lang, r->page, (long long)sqlite3_column_int64(st, 5), r->n);
                    test_fail(__FILE__, __LINE__, msg);
                }
            }
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(rows == t->count);
    CHECK(matched == t->count);
}

/* The sums in a stick's export file, per metric, of every complete batch. */
static long long exported_sum(const char *file, const char *metric, int *batches)
{
    size_t size;
    char *text = test_read_file(file, &size);
    long long sum = 0;
    *batches = 0;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        char day[16], m[32], lang[16], page[16];
        int hour;
        long long n;
        if (!strncmp(line, "batch\t", 6))
            (*batches)++;
        else if (sscanf(line, "%15[^\t]\t%d\t%31[^\t]\t%15[^\t]\t%15[^\t]\t%lld", day, &hour, m, lang, page, &n) == 6 &&
                 !strcmp(m, metric))
            sum += n;
        else if (sscanf(line, "%15[^\t]\t%d\t%31[^\t]\t\t\t%lld", day, &hour, m, &n) == 4 && !strcmp(m, metric))
            sum += n;
    }
    free(text);
    return sum;
}

static long long tally_sum(const tally *t, const char *metric)
{
    long long sum = 0;
    for (int i = 0; i < t->count; i++)
        sum += strcmp(t->rows[i].metric, metric) ? 0 : t->rows[i].n;
    return sum;
}

/* Issue 17's soak: simulated visits over thirty days in every language (language chosen, pages
 * by code, codes that do not exist, searches that find something and nothing, German beside,
 * read aloud, visits left by "back" and by the idle timer) give exactly the figures they did. */
TEST(usage_figures_match_thirty_days_of_simulated_visits)
{
    pack *p = demo();
    const char *data = data_dir("usage-soak");
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    s.usage = usage_open(data, &e);
    CHECK(s.usage != NULL);
    int language_count = pack_language_count(p);
    int page_count = pack_page_count(p);
    tally t = {0};
    unsigned seed = 17;
    static const char *const found_words[] = {"arzt", "الط", "داک", "ሓ", "doc", "мов"};
    for (int day = 1; day <= 30; day++) {
        char date[11];
        snprintf(date, sizeof date, "2026-11-%02d", day);
        int visits = 2 + (int)(next_random(&seed) % 6);
        for (int v = 0; v < visits; v++) {
            int hour = 8 + (int)(next_random(&seed) % 10), minute = (int)(next_random(&seed) % 60);
            run(&s, "clock %s %02d:%02d", date, hour, minute);
            const pack_language *l = pack_language_at(p, (int)(next_random(&seed) % (unsigned)language_count));
            run(&s, "tap-text %s", l->native_name);
            expect(&t, date, hour, "visit", "", "");
            expect(&t, date, hour, "language", l->code, "");
            bool german = false;
            int actions = 1 + (int)(next_random(&seed) % 4);
            for (int a = 0; a < actions; a++) {
                unsigned what = next_random(&seed) % 5;
                if (what == 0) {
                    const pack_page *pg = pack_page_at(p, (int)(next_random(&seed) % (unsigned)page_count));
                    pack_text text;
                    bool exists = pack_text_get(p, pg->code, l->code, &text, NULL);
                    run(&s, "key keypad");
                    run(&s, "type %s", pg->code);
                    run(&s, "key enter");
                    expect(&t, date, hour, "page", l->code, pg->code);
                    if (exists && text.audio[0]) {
                        run(&s, "key read");
                        run(&s, "key read");
                        expect(&t, date, hour, "read-aloud", l->code, pg->code);
                    }
                    if (exists)
                        pack_text_free(&text);
                    run(&s, "key back");
                } else if (what == 1) {
                    run(&s, "key keypad");
                    run(&s, "type 99999");
                    run(&s, "key enter");
                    expect(&t, date, hour, "keypad-unknown", l->code, "");
                    run(&s, "key back");
                } else if (what == 2 || what == 3) {
                    bool nothing = what == 3;
                    const char *words = nothing ? "zzqxq" : found_words[next_random(&seed) % 6];
                    char codes[4][PACK_CODE_MAX];
                    int found = pack_search(p, l->code, words, codes, 4);
                    run(&s, "key search");
                    run(&s, "type %s", words);
                    run(&s, "key back");
                    expect(&t, date, hour, "search", l->code, "");
                    if (found == 0)
                        expect(&t, date, hour, "search-empty", l->code, "");
                } else if (strcmp(l->code, pack_get_meta(p)->source_language)) {
                    run(&s, "key german");
                    german = !german;
                    if (german)
                        expect(&t, date, hour, "german-beside", l->code, "");
                }
            }
            if (next_random(&seed) % 2) {
                run(&s, "wait 95000"); /* walked away: the idle timer ends the visit */
                expect(&t, date, hour, "idle-reset", "", "");
            } else {
                while (s.app.depth > 1)
                    run(&s, "key back");
            }
        }
    }
    session_save_usage(&s, true);
    CHECK(s.app.counts.count == 0);
    check_file_matches(data, &t);
    CHECK(usage_total(s.usage, "visit", NULL) == tally_sum(&t, "visit"));
    CHECK(tally_sum(&t, "search-empty") > 0 && tally_sum(&t, "idle-reset") > 0 && tally_sum(&t, "read-aloud") > 0);

    /* A staff stick takes what was not exported yet, as one batch; a second export has nothing
     * new; later visits go as a second batch with only themselves. */
    char stick[600], file[700], said[600];
    snprintf(stick, sizeof stick, "%s/stick", data);
    mkdir(stick, 0755);
    CHECK(usage_export(s.usage, stick, "lobby-1", said, sizeof said));
    CHECK(strstr(said, "usage figures written to") != NULL);
    snprintf(file, sizeof file, "%s/%slobby-1.tsv", stick, USAGE_EXPORT_PREFIX);
    int batches;
    CHECK(exported_sum(file, "page", &batches) == tally_sum(&t, "page"));
    CHECK(batches == 1);
    CHECK(usage_export(s.usage, stick, "lobby-1", said, sizeof said));
    CHECK(strstr(said, "nothing new") != NULL);
    run(&s, "clock 2026-12-01 10:00");
    run(&s, "tap-text Deutsch");
    run(&s, "key back");
    session_save_usage(&s, true);
    CHECK(usage_export(s.usage, stick, "lobby-1", said, sizeof said));
    CHECK(exported_sum(file, "visit", &batches) == tally_sum(&t, "visit") + 1);
    CHECK(batches == 2);
    free(t.rows);
    usage_close(s.usage);
    s.usage = NULL;
    session_free(&s);
    pack_close(p);
}

/* Figures stay small however long a kiosk runs: days past USAGE_DAYS_KEPT are summed into their
 * months and months past USAGE_MONTHS_KEPT into "older", and the totals do not change. */
TEST(usage_file_stays_bounded_and_keeps_its_totals)
{
    const char *data = data_dir("usage-bounded");
    err e;
    usage *u = usage_open(data, &e);
    CHECK(u != NULL);
    app_counts k = {0};
    long long visits = 0;
    /* Twenty-one years of days, a visit each and a page in two languages. */
    for (int y = 2006, d = 0; y <= 2026; y++)
        for (int m = 1; m <= 12; m++)
            for (int day = 1; day <= 28; day += 3, d++) {
                k.count = 0;
                app_count *c = &k.c[k.count++];
                memset(c, 0, sizeof *c);
                snprintf(c->date, sizeof c->date, "%04d-%02d-%02d", y, m, day);
                c->hour = 10;
                c->metric = APP_METRIC_VISIT;
                c->n = 2;
                app_count *pg = &k.c[k.count++];
                *pg = *c;
                pg->metric = APP_METRIC_PAGE;
                snprintf(pg->lang, sizeof pg->lang, "%s", d % 2 ? "ar" : "ti");
                snprintf(pg->page, sizeof pg->page, "310");
                pg->n = 1;
                CHECK(usage_add(u, &k, &e));
                visits += 2;
            }
    CHECK(usage_total(u, "visit", NULL) == visits);
    CHECK(usage_total(u, "page", "ar") + usage_total(u, "page", "ti") == visits / 2);
    usage_close(u);
    char path[600];
    snprintf(path, sizeof path, "%s/%s", data, USAGE_FILE);
    sqlite3 *db;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(db,
                             "SELECT (SELECT count(DISTINCT day) FROM counts WHERE length(day)=10),"
                             " (SELECT count(DISTINCT day) FROM counts WHERE length(day)=7),"
                             " (SELECT count(*) FROM counts WHERE day='older'), (SELECT count(*) FROM counts)",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(sqlite3_column_int(st, 0) == USAGE_DAYS_KEPT);
    CHECK(sqlite3_column_int(st, 1) == USAGE_MONTHS_KEPT);
    CHECK(sqlite3_column_int(st, 2) == 3); /* visits, and the page in ar and in ti */
    CHECK(sqlite3_column_int(st, 3) < 3 * (USAGE_DAYS_KEPT + USAGE_MONTHS_KEPT + 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A usage file the kiosk cannot read is set aside, never the reason a kiosk does not start. */
TEST(usage_damaged_file_is_set_aside_and_counting_starts_again)
{
    const char *data = data_dir("usage-damaged");
    char path[600], aside[700];
    snprintf(path, sizeof path, "%s/%s", data, USAGE_FILE);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("this is not a database, it is a note someone saved under the wrong name\n", f);
        fclose(f);
    }
    err e;
    usage *u = usage_open(data, &e);
    CHECK(u != NULL);
    CHECK(strstr(e.msg, "set aside") != NULL);
    snprintf(aside, sizeof aside, "%s.damaged", path);
    struct stat st;
    CHECK(stat(aside, &st) == 0);
    app_counts k = {.count = 1};
    snprintf(k.c[0].date, sizeof k.c[0].date, "2026-12-06");
    k.c[0].metric = APP_METRIC_VISIT;
    k.c[0].n = 3;
    CHECK(usage_add(u, &k, &e));
    CHECK(usage_total(u, "visit", NULL) == 3);
    usage_close(u);
}

/* Off, nothing is kept: not in a file, not in memory. */
TEST(usage_off_keeps_nothing)
{
    pack *p = demo();
    session *s = test_visit(p, "ar", 800, 480);
    run(s, "key search");
    run(s, "type الط");
    run(s, "key back");
    session_save_usage(s, false);
    CHECK(s->app.counts.count == 0);
    session_free(s);
    pack_close(p);
}
