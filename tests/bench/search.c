/* make bench-search: search and the pack at a county's scale, on the packs make bench-pack
 * generates (and the demo). Per pack: its size and how its texts are stored, start (pack_open
 * and the first frame), the time of each keystroke on the search screen over every prefix of
 * real words (the demo's own, per language: the app's search and the titles and summaries the
 * screen lists, all of app_handle), the same words with two letters swapped (the forgiving
 * search), two-word searches, a frame of scrolling search results
 * (how many SQL statements it runs: none), and the kiosk's peak memory. Method: docs/bench.md,
 * "Search and pack". Numbers, not assertions: speed is never a test. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "pack.h"
#include "pack_private.h"
#include "text.h"
#include "view.h"

#define RUNS 5
/* Words per language whose every prefix is typed: the demo's distinct words, evenly sampled. */
#define WORDS_PER_LANGUAGE 250
#define BUDGET_KEYSTROKE_MS 5.0

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* This thread's processor time: a keystroke's own work, without the time a busy machine gives
 * to other processes (which would make the slowest 1 % a measure of the neighbours). */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The value at fraction q (0.5, 0.99) of the sorted times. */
static double quantile(double *t, int n, double q)
{
    if (n == 0)
        return 0;
    qsort(t, (size_t)n, sizeof *t, compare_doubles);
    int i = (int)(q * (n - 1) + 0.5);
    return t[i];
}

static void bench_line(const char *what, const char *now, const char *budget, const char *verdict)
{
    printf("BENCH\tsearch\t%s\t%s\t%s\t%s\n", what, now, budget, verdict);
}

static void bench_ms(const char *what, double ms, double budget)
{
    char now[32], limit[32];
    snprintf(now, sizeof now, "%.2f ms", ms);
    snprintf(limit, sizeof limit, "≤ %g ms", budget);
    bench_line(what, now, budget > 0 ? limit : "—", budget > 0 ? (ms <= budget ? "met" : "over") : "info");
}

typedef struct times {
    double *v;
    int count, cap;
} times;

static void add_time(times *t, double ms)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->v = realloc(t->v, (size_t)t->cap * sizeof *t->v);
    }
    t->v[t->count++] = ms;
}

typedef struct words {
    char **v;
    int count;
} words;

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static void add_words(words *w, const char *text)
{
    for (const char *p = text; *p;) {
        while (*p && !word_byte((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && word_byte((unsigned char)*p))
            p++;
        if (p > start && p - start < 64) {
            w->v = realloc(w->v, (size_t)(w->count + 1) * sizeof *w->v);
            w->v[w->count++] = strndup(start, (size_t)(p - start));
        }
    }
}

/* The demo's distinct words in a language, every k-th of them in sorted order. */
static words demo_words(pack *demo, const char *lang)
{
    words all = {0};
    for (int i = 0; i < pack_page_count(demo); i++) {
        pack_text t;
        if (!pack_text_get(demo, pack_page_at(demo, i)->code, lang, &t, NULL))
            continue;
        add_words(&all, t.title);
        add_words(&all, t.summary);
        add_words(&all, t.body);
        pack_text_free(&t);
    }
    qsort(all.v, (size_t)all.count, sizeof *all.v, compare_strings);
    int distinct = 0;
    for (int i = 0; i < all.count; i++) {
        if (distinct && !strcmp(all.v[distinct - 1], all.v[i]))
            free(all.v[i]);
        else
            all.v[distinct++] = all.v[i];
    }
    words sample = {calloc((size_t)WORDS_PER_LANGUAGE + 1, sizeof(char *)), 0};
    int step = distinct / WORDS_PER_LANGUAGE + 1;
    for (int i = 0; i < distinct; i++) {
        if (i % step == 0 && sample.count < WORDS_PER_LANGUAGE)
            sample.v[sample.count++] = all.v[i];
        else
            free(all.v[i]);
    }
    free(all.v);
    return sample;
}

static void free_words(words *w)
{
    for (int i = 0; i < w->count; i++)
        free(w->v[i]);
    free(w->v);
}

static void event(app *a, app_event_type type, const char *arg)
{
    app_event ev = {.type = type};
    snprintf(ev.arg, sizeof ev.arg, "%s", arg ? arg : "");
    app_handle(a, &ev);
}

/* The search screen, empty. */
static void fresh_search(app *a)
{
    if (app_current(a)->screen == APP_SCREEN_SEARCH)
        event(a, APP_EV_BACK, NULL);
    event(a, APP_EV_SEARCH, NULL);
}

/* Types `text` letter by letter as the keyboard does; each keystroke's time goes to `t`
 * (NULL: untimed). */
static void type(app *a, const char *text, times *t)
{
    for (const char *p = text; *p;) {
        int n = 1;
        while ((p[n] & 0xC0) == 0x80)
            n++;
        char letter[8];
        snprintf(letter, sizeof letter, "%.*s", n, p);
        double start = cpu_ms();
        event(a, APP_EV_TYPE, letter);
        if (t)
            add_time(t, cpu_ms() - start);
        p += n;
    }
}

/* The word with its third and fourth letters swapped (a typo forgiving search corrects), or
 * false when it is too short to be corrected (under 5 letters) or they are the same. */
static bool swapped(const char *word, char *out, size_t size)
{
    const char *at[6];
    int n = 0;
    for (const char *p = word; *p && n < 6; n++) {
        at[n] = p;
        p++;
        while ((*p & 0xC0) == 0x80)
            p++;
    }
    size_t len = strlen(word);
    if (n < 5 || len + 1 > size)
        return false;
    size_t a = (size_t)(at[2] - word), b = (size_t)(at[3] - word), e = (size_t)(at[4] - word);
    if (b - a == e - b && !memcmp(word + a, word + b, b - a))
        return false;
    memcpy(out, word, a);
    memcpy(out + a, word + b, e - b);
    memcpy(out + a + (e - b), word + a, b - a);
    memcpy(out + e, word + e, len - e + 1);
    return true;
}

static int statements;

static int count_statement(unsigned type, void *user, void *p, void *x)
{
    statements++;
    return 0;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* How the texts are stored: bytes of the table against bytes of text in it. */
static void storage(const char *path, const char *name)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char what[160], now[96];
    snprintf(what, sizeof what, "%s: pack file", name);
    snprintf(now, sizeof now, "%.1f MB", file_size(path) / 1e6);
    bench_line(what, now, "—", "info");
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return;
    const char *sql = "SELECT (SELECT sum(pgsize) FROM dbstat WHERE name='texts'),"
                      " (SELECT sum(length(CAST(title AS BLOB)) + length(CAST(summary AS BLOB)) +"
                      " length(CAST(body AS BLOB))) FROM texts),"
                      " (SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%' OR name = 'common_prefixes')";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(what, sizeof what, "%s: texts table for its text", name);
        snprintf(now, sizeof now, "%.1f MB for %.1f MB", sqlite3_column_int64(st, 0) / 1e6,
                 sqlite3_column_int64(st, 1) / 1e6);
        bench_line(what, now, "—", "info");
        snprintf(what, sizeof what, "%s: search index", name);
        snprintf(now, sizeof now, "%.1f MB", sqlite3_column_int64(st, 2) / 1e6);
        bench_line(what, now, "—", "info");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Reading every text of a language as a page screen does (pack_text_get), per text. */
static void reading(pack *p, const char *name)
{
    const char *lang = pack_language_at(p, 0)->code;
    double best = 1e9;
    for (int run = 0; run < RUNS; run++) {
        double start = now_ms();
        for (int i = 0; i < pack_page_count(p); i++) {
            pack_text t;
            if (pack_text_get(p, pack_page_at(p, i)->code, lang, &t, NULL))
                pack_text_free(&t);
        }
        double per = (now_ms() - start) / pack_page_count(p);
        best = per < best ? per : best;
    }
    char what[160];
    snprintf(what, sizeof what, "%s: reading a page's text (pack_text_get), warm, best of %d", name, RUNS);
    bench_ms(what, best, 0);
}

static void start(const char *path, const char *name, text_fonts *fonts, view_list *list)
{
    double open_t[RUNS], frame_t[RUNS];
    for (int run = 0; run < RUNS; run++) {
        err e;
        double t0 = now_ms();
        pack *p = pack_open(path, &e);
        double t1 = now_ms();
        if (!p) {
            printf("bench-search: %s\n", e.msg);
            return;
        }
        app a;
        app_init(&a, p, 90000);
        view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
        double t2 = now_ms();
        /* The visitor's first choice: the home screen in German. */
        event(&a, APP_EV_LANGUAGE, pack_get_meta(p)->source_language);
        view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
        open_t[run] = t1 - t0;
        frame_t[run] = t2 - t0;
        pack_close(p);
    }
    char what[160];
    snprintf(what, sizeof what, "%s: start, pack_open (median of %d)", name, RUNS);
    bench_ms(what, quantile(open_t, RUNS, 0.5), 0);
    snprintf(what, sizeof what, "%s: start, pack_open + first frame (median of %d)", name, RUNS);
    bench_ms(what, quantile(frame_t, RUNS, 0.5), 0);
}

static void keystrokes(const char *path, const char *name, pack *demo, text_fonts *fonts, view_list *list)
{
    times all = {0}, pairs = {0}, first = {0}, typos = {0};
    for (int l = 0; l < pack_language_count(demo); l++) {
        const char *lang = pack_language_at(demo, l)->code;
        err e;
        pack *p = pack_open(path, &e);
        if (!p)
            return;
        app a;
        app_init(&a, p, 90000);
        event(&a, APP_EV_LANGUAGE, lang);
        fresh_search(&a);
        words w = demo_words(demo, lang);
        /* The first keystroke in a language reads its texts' lengths for ranking, once. */
        char letter[8];
        int n = 1;
        while ((w.v[0][n] & 0xC0) == 0x80)
            n++;
        snprintf(letter, sizeof letter, "%.*s", n, w.v[0]);
        type(&a, letter, &first);
        times t = {0};
        for (int i = 0; i < w.count; i++) {
            fresh_search(&a);
            type(&a, w.v[i], &t);
        }
        /* The same words with two letters swapped: from the swap on, the words as typed find
         * nothing and the search forgives (the first such keystroke in a language reads its
         * vocabulary). */
        for (int i = 0; i < w.count; i++) {
            char typo[256];
            if (!swapped(w.v[i], typo, sizeof typo))
                continue;
            fresh_search(&a);
            type(&a, typo, &typos);
        }
        /* Two words: a title's first word typed whole, then its second letter by letter. */
        for (int i = 0; i < pack_page_count(demo); i++) {
            char title[256];
            if (!pack_title_get(demo, pack_page_at(demo, i)->code, lang, title, sizeof title))
                continue;
            char *space = strchr(title, ' '), second[256];
            if (!space || !space[1])
                continue;
            snprintf(second, sizeof second, "%.*s", (int)strcspn(space + 1, " "), space + 1);
            space[1] = 0;
            fresh_search(&a);
            type(&a, title, NULL);
            type(&a, second, &pairs);
        }
        char what[200];
        snprintf(what, sizeof what, "%s, %s: p50 per keystroke (%d keystrokes)", name, lang, t.count);
        bench_ms(what, quantile(t.v, t.count, 0.5), 0);
        snprintf(what, sizeof what, "%s, %s: p99 per keystroke", name, lang);
        bench_ms(what, quantile(t.v, t.count, 0.99), BUDGET_KEYSTROKE_MS);
        for (int i = 0; i < t.count; i++)
            add_time(&all, t.v[i]);
        free(t.v);
        if (l == 0) {
            /* A frame of the search results scrolling: built from the app's state alone. */
            fresh_search(&a);
            type(&a, letter, NULL);
            view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
            app_event limit = {.type = APP_EV_SCROLL_LIMIT, .value = list->scroll_max};
            app_handle(&a, &limit);
            sqlite3_trace_v2(pack_db(p), SQLITE_TRACE_STMT, count_statement, NULL);
            statements = 0;
            double frames[30];
            for (int f = 0; f < 30; f++) {
                app_event scroll = {.type = APP_EV_SCROLL, .value = 24};
                app_handle(&a, &scroll);
                double t0 = now_ms();
                view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
                frames[f] = now_ms() - t0;
            }
            sqlite3_trace_v2(pack_db(p), 0, NULL, NULL);
            snprintf(what, sizeof what, "%s: scrolling search results, SQL statements in 30 frames", name);
            char now[32];
            snprintf(now, sizeof now, "%d", statements);
            bench_line(what, now, "0", statements == 0 ? "met" : "over");
            snprintf(what, sizeof what, "%s: scrolling search results, view_build per frame (median)", name);
            bench_ms(what, quantile(frames, 30, 0.5), 0);
        }
        free_words(&w);
        pack_close(p);
    }
    char what[200];
    snprintf(what, sizeof what, "%s, all languages: p50 per keystroke (%d keystrokes)", name, all.count);
    bench_ms(what, quantile(all.v, all.count, 0.5), 0);
    snprintf(what, sizeof what, "%s, all languages: p99 per keystroke", name);
    bench_ms(what, quantile(all.v, all.count, 0.99), BUDGET_KEYSTROKE_MS);
    snprintf(what, sizeof what, "%s: two words, p99 per keystroke of the second (%d keystrokes)", name, pairs.count);
    bench_ms(what, quantile(pairs.v, pairs.count, 0.99), BUDGET_KEYSTROKE_MS);
    snprintf(what, sizeof what, "%s: words with two letters swapped, p50 per keystroke (%d keystrokes)", name,
             typos.count);
    bench_ms(what, quantile(typos.v, typos.count, 0.5), 0);
    snprintf(what, sizeof what, "%s: words with two letters swapped, p99 per keystroke", name);
    bench_ms(what, quantile(typos.v, typos.count, 0.99), BUDGET_KEYSTROKE_MS);
    snprintf(what, sizeof what, "%s: first keystroke in a language (reads its texts' lengths and words), median", name);
    bench_ms(what, quantile(first.v, first.count, 0.5), 0);
    free(all.v);
    free(pairs.v);
    free(first.v);
    free(typos.v);
}

/* The kiosk's peak memory: a visit with a search typed and scrolled and an article read. */
static void peak_memory(const char *kiosk, const char *path, const char *name, double budget_mib)
{
    char script[] = "/tmp/wegweiser-bench-search-XXXXXX", shot[600];
    int fd = mkstemp(script);
    if (fd < 0)
        return;
    snprintf(shot, sizeof shot, "%s.png", script);
    dprintf(fd,
            "tap-text Deutsch\nkey search\ntype arbeit\nswipe 640 600 640 200\nscreenshot %s\nkey keyboard\n"
            "swipe 640 700 640 100\nkey home\nscreenshot %s\n",
            shot, shot);
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 1);
        execl(kiosk, kiosk, "--pack", path, "--size", "1280x800", "--events", script, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru = {0};
    if (pid > 0)
        wait4(pid, &status, 0, &ru);
    unlink(script);
    unlink(shot);
    char what[200], now[32], limit[32];
    snprintf(what, sizeof what, "%s: kiosk peak RSS, search and scroll at 1280x800", name);
    snprintf(now, sizeof now, "%.1f MiB", ru.ru_maxrss / 1024.0);
    snprintf(limit, sizeof limit, "%s %g MiB", budget_mib == 28 ? "≤" : "<", budget_mib);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        bench_line(what, "kiosk failed", limit, "over");
    else if (budget_mib > 0)
        bench_line(what, now, limit,
                   (budget_mib == 28 ? ru.ru_maxrss / 1024.0 <= budget_mib : ru.ru_maxrss / 1024.0 < budget_mib)
                       ? "met"
                       : "over");
    else
        bench_line(what, now, "—", "info");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench-search KIOSK DEMO.pack PACK...\n");
        return 2;
    }
    err e;
    pack *demo = pack_open(argv[2], &e);
    text_fonts *fonts = text_fonts_open("assets", &e);
    view_list *list = malloc(sizeof *list);
    if (!demo || !fonts || !list) {
        fprintf(stderr, "bench-search: %s\n", e.msg);
        return 1;
    }
    printf("Search and pack: per pack, keystrokes over every prefix of %d of the demo's words per language\n",
           WORDS_PER_LANGUAGE);
    for (int i = 2; i < argc; i++) {
        const char *path = argv[i];
        pack *p = pack_open(path, &e);
        if (!p) {
            printf("bench-search: %s (make bench-pack makes them)\n", e.msg);
            continue;
        }
        char name[64];
        snprintf(name, sizeof name, "%s%d pages × %d languages", i == 2 ? "demo, " : "", pack_page_count(p),
                 pack_language_count(p));
        storage(path, name);
        reading(p, name);
        pack_close(p);
        start(path, name, fonts, list);
        keystrokes(path, name, demo, fonts, list);
        int pages = i == 2 ? 0 : atoi(strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
        peak_memory(argv[1], path, name, i == 2 ? 28 : pages <= 10000 ? 40 : 0);
        fflush(stdout);
    }
    free(list);
    text_fonts_close(fonts);
    pack_close(demo);
    return 0;
}
