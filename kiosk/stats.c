/* The office's usage report (stats.h): reading sticks' usage files, merging, writing. */
#include "stats.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "svg.h"
#include "usage.h"

#define LINE_MAX_BYTES 512
#define FILE_MAX_BYTES (64LL << 20) /* far past what USAGE_EXPORT_MAX lets a kiosk write */
#define COUNT_MAX 1000000000000LL
#define NAME_BYTES 64

typedef struct row {
    int batch;
    char day[11];
    int hour;
    char metric[20], lang[16], page[16];
    long long n;
} row;

typedef struct batch {
    char kiosk[NAME_BYTES];
    long long seq, total;
    bool alive; /* false: the same batch was read again, fuller, elsewhere */
} batch;

struct stats {
    row *rows;
    int count, cap;
    batch *batches;
    int batch_count, batch_cap;
};

stats *stats_new(void) { return calloc(1, sizeof(stats)); }

void stats_free(stats *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s->batches);
    free(s);
}

static bool name_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n >= max)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.'))
            return false;
    return true;
}

static bool digits_ok(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* YYYY-MM-DD, YYYY-MM (a month summed up), "older", or "" (a kiosk without a clock yet). */
static bool day_ok(const char *d, int hour)
{
    size_t n = strlen(d);
    if (n == 10)
        return digits_ok(d, 4) && d[4] == '-' && digits_ok(d + 5, 2) && d[7] == '-' && digits_ok(d + 8, 2) &&
               hour >= 0 && hour <= 23;
    if (n == 7)
        return digits_ok(d, 4) && d[4] == '-' && digits_ok(d + 5, 2) && hour == -1;
    return (!strcmp(d, "older") && hour == -1) || (n == 0 && hour >= 0 && hour <= 23);
}

static bool metric_ok(const char *m)
{
    if (!strcmp(m, "uncounted"))
        return true;
    for (int i = 0; i < APP_METRIC_COUNT; i++)
        if (!strcmp(m, app_metric_name((app_metric)i)))
            return true;
    return false;
}

/* Splits a line at tabs into at most `max` fields; empty fields count. */
static int fields(char *line, char **out, int max)
{
    int n = 0;
    out[n++] = line;
    for (char *p = line; *p && n <= max; p++)
        if (*p == '\t') {
            *p = 0;
            if (n == max)
                return max + 1;
            out[n++] = p + 1;
        }
    return n;
}

static bool number(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool grow_rows(stats *s)
{
    if (s->count < s->cap)
        return true;
    int cap = s->cap ? s->cap * 2 : 256;
    row *r = realloc(s->rows, (size_t)cap * sizeof *r);
    if (!r)
        return false;
    s->rows = r;
    s->cap = cap;
    return true;
}

/* A batch read to its end: kept unless the same kiosk's batch of that number was read already
 * with at least as much (the same file twice, or a copy); a fuller one replaces it (a kiosk that
 * lost power after writing a batch writes it again, with more). */
static void close_batch(stats *s, int b)
{
    for (int i = 0; i < s->batch_count; i++) {
        batch *o = &s->batches[i];
        if (i == b || !o->alive || strcmp(o->kiosk, s->batches[b].kiosk) || o->seq != s->batches[b].seq)
            continue;
        if (o->total >= s->batches[b].total) {
            s->batches[b].alive = false;
            return;
        }
        o->alive = false;
    }
}

static void drop_rows_of(stats *s, int b)
{
    while (s->count > 0 && s->rows[s->count - 1].batch == b)
        s->count--;
}

static bool read_file(stats *s, const char *path, pack_report *report)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        pack_report_add(report, true, "%s: cannot read: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX_BYTES) {
        pack_report_add(report, true, "%s: not a usage file (a folder, a special file, or over %lld MiB)", path,
                        FILE_MAX_BYTES >> 20);
        fclose(f);
        return false;
    }
    char line[LINE_MAX_BYTES + 2];
    int number_of_line = 0, open = -1, lines_in_batch = 0, open_line = 0;
    while (fgets(line, sizeof line, f)) {
        number_of_line++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = 0;
        else if (!feof(f)) {
            pack_report_add(report, false, "%s:%d: a line longer than %d bytes: left out", path, number_of_line,
                            LINE_MAX_BYTES);
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n')
                ;
            continue;
        }
        char *fl[8];
        int k = fields(line, fl, 7);
        long long v, v2;
        if (k == 4 && !strcmp(fl[0], "batch")) {
            if (open >= 0) {
                pack_report_add(report, false, "%s:%d: the batch begun on line %d has no end: left out", path,
                                number_of_line, open_line);
                drop_rows_of(s, open);
                s->batches[open].alive = false;
            }
            if (!name_ok(fl[1], NAME_BYTES) || !fl[1][0] || !number(fl[2], 1, COUNT_MAX, &v)) {
                pack_report_add(report, false, "%s:%d: not a batch line (batch, kiosk, number, date): left out with its figures",
                                path, number_of_line);
                open = -1;
                continue;
            }
            if (s->batch_count == s->batch_cap) {
                int cap = s->batch_cap ? s->batch_cap * 2 : 16;
                batch *b = realloc(s->batches, (size_t)cap * sizeof *b);
                if (!b)
                    break;
                s->batches = b;
                s->batch_cap = cap;
            }
            open = s->batch_count++;
            batch *b = &s->batches[open];
            memset(b, 0, sizeof *b);
            snprintf(b->kiosk, sizeof b->kiosk, "%s", fl[1]);
            b->seq = v;
            lines_in_batch = 0;
            open_line = number_of_line;
        } else if (k == 4 && !strcmp(fl[0], "end")) {
            if (open < 0)
                continue; /* the end of a batch already left out */
            if (strcmp(fl[1], s->batches[open].kiosk) || !number(fl[2], 1, COUNT_MAX, &v) ||
                v != s->batches[open].seq || !number(fl[3], 0, COUNT_MAX, &v2) || v2 != lines_in_batch) {
                pack_report_add(report, false, "%s:%d: the batch begun on line %d does not end as it began: left out",
                                path, number_of_line, open_line);
                drop_rows_of(s, open);
                s->batches[open].alive = false;
            } else {
                s->batches[open].alive = true;
                close_batch(s, open);
            }
            open = -1;
        } else if (k == 6 && open >= 0) {
            long long hour;
            if (!number(fl[1], -1, 23, &hour) || !day_ok(fl[0], (int)hour) || !metric_ok(fl[2]) ||
                !name_ok(fl[3], 16) || !name_ok(fl[4], 16) || !number(fl[5], 0, COUNT_MAX, &v)) {
                pack_report_add(report, false, "%s:%d: not a figure (day, hour, metric, language, page, count): left out",
                                path, number_of_line);
                continue;
            }
            if (!grow_rows(s))
                break;
            row *r = &s->rows[s->count++];
            memset(r, 0, sizeof *r);
            r->batch = open;
            snprintf(r->day, sizeof r->day, "%s", fl[0]);
            r->hour = (int)hour;
            snprintf(r->metric, sizeof r->metric, "%s", fl[2]);
            snprintf(r->lang, sizeof r->lang, "%s", fl[3]);
            snprintf(r->page, sizeof r->page, "%s", fl[4]);
            r->n = v;
            s->batches[open].total += v;
            lines_in_batch++;
        } else if (line[0] && line[0] != '#') {
            pack_report_add(report, false, "%s:%d: not a line of a usage file: left out", path, number_of_line);
        }
    }
    if (open >= 0) {
        pack_report_add(report, false, "%s: the batch begun on line %d was cut off (a stick pulled while writing?): left out",
                        path, open_line);
        drop_rows_of(s, open);
        s->batches[open].alive = false;
    }
    fclose(f);
    return true;
}

bool stats_read(stats *s, const char *path, pack_report *report)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        pack_report_add(report, true, "%s: %s", path, strerror(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode))
        return read_file(s, path, report);
    DIR *d = opendir(path);
    if (!d) {
        pack_report_add(report, true, "%s: cannot read the folder: %s", path, strerror(errno));
        return false;
    }
    /* Names sorted, so reports come out the same whatever order the stick lists them in. */
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    size_t prefix = strlen(USAGE_EXPORT_PREFIX);
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len > prefix + 4 && !strncmp(de->d_name, USAGE_EXPORT_PREFIX, prefix) &&
            !strcmp(de->d_name + len - 4, ".tsv")) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                char **more = realloc(names, (size_t)cap * sizeof *names);
                if (!more)
                    break;
                names = more;
            }
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (names[i] && names[j] && strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    if (n == 0)
        pack_report_add(report, false, "%s: no %s*.tsv in this folder", path, USAGE_EXPORT_PREFIX);
    for (int i = 0; i < n; i++) {
        char file[4096];
        if (names[i] && snprintf(file, sizeof file, "%s/%s", path, names[i]) < (int)sizeof file)
            read_file(s, file, report);
        free(names[i]);
    }
    free(names);
    return true;
}

static bool counts(const stats *s, const row *r) { return s->batches[r->batch].alive; }

int stats_rows(const stats *s)
{
    int n = 0;
    for (int i = 0; i < s->count; i++)
        n += counts(s, &s->rows[i]);
    return n;
}

long long stats_total(const stats *s, const char *metric, const char *lang)
{
    long long sum = 0;
    for (int i = 0; i < s->count; i++) {
        const row *r = &s->rows[i];
        if (counts(s, r) && !strcmp(r->metric, metric) && (!lang || !strcmp(r->lang, lang)))
            sum += r->n;
    }
    return sum;
}

bool stats_write_csv(const stats *s, FILE *out)
{
    fputs("kiosk,day,hour,metric,lang,page,count\n", out);
    for (int i = 0; i < s->count; i++) {
        const row *r = &s->rows[i];
        if (counts(s, r))
            fprintf(out, "%s,%s,%d,%s,%s,%s,%lld\n", s->batches[r->batch].kiosk, r->day, r->hour, r->metric, r->lang,
                    r->page, r->n);
    }
    return !ferror(out);
}

/* ---- the report ---- */

/* A label and its sum, for the charts: a small map kept as an array (a pack has at most a few
 * hundred pages and a dozen languages; days are bounded by what the kiosks keep). */
typedef struct sum {
    char key[NAME_BYTES + 16];
    long long n, second;
} sum;

typedef struct sums {
    sum *items;
    int count, cap;
} sums;

static sum *sum_of(sums *m, const char *key)
{
    for (int i = 0; i < m->count; i++)
        if (!strcmp(m->items[i].key, key))
            return &m->items[i];
    if (m->count == m->cap) {
        int cap = m->cap ? m->cap * 2 : 32;
        sum *more = realloc(m->items, (size_t)cap * sizeof *more);
        if (!more)
            return NULL;
        m->items = more;
        m->cap = cap;
    }
    sum *x = &m->items[m->count++];
    memset(x, 0, sizeof *x);
    snprintf(x->key, sizeof x->key, "%s", key);
    return x;
}

static void add_to(sums *m, const char *key, long long n, long long second)
{
    sum *x = sum_of(m, key);
    if (x) {
        x->n += n;
        x->second += second;
    }
}

static int by_count(const void *a, const void *b)
{
    const sum *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b) { return strcmp(((const sum *)a)->key, ((const sum *)b)->key); }

static void sort_sums(sums *m, int (*order)(const void *, const void *))
{
    if (m->count > 1)
        qsort(m->items, (size_t)m->count, sizeof *m->items, order);
}

/* The days from the first to the last with figures, also those without (a quiet day is a
 * figure too), when they span at most a year and a month; else the days that have figures. */
static void fill_days(sums *days)
{
    if (days->count < 2)
        return;
    sort_sums(days, by_key);
    struct tm a = {0}, b = {0};
    if (sscanf(days->items[0].key, "%d-%d-%d", &a.tm_year, &a.tm_mon, &a.tm_mday) != 3 ||
        sscanf(days->items[days->count - 1].key, "%d-%d-%d", &b.tm_year, &b.tm_mon, &b.tm_mday) != 3)
        return;
    a.tm_year -= 1900, a.tm_mon -= 1, a.tm_hour = 12;
    b.tm_year -= 1900, b.tm_mon -= 1, b.tm_hour = 12;
    time_t from = timegm(&a), to = timegm(&b);
    if (from == (time_t)-1 || to == (time_t)-1 || (to - from) / 86400 > 400)
        return;
    for (time_t t = from; t <= to; t += 86400) {
        struct tm d;
        char key[16];
        if (gmtime_r(&t, &d) && strftime(key, sizeof key, "%Y-%m-%d", &d))
            sum_of(days, key);
    }
    sort_sums(days, by_key);
}

typedef enum labels_of { LABEL_KEY, LABEL_DAY, LABEL_LANGUAGE, LABEL_PAGE } labels_of;

static void chart(FILE *out, const char *title, sums *m, int max, bool horizontal, int width, pack *names,
                  labels_of kind)
{
    int n = m->count < max ? m->count : max;
    svg_bar *bars = calloc((size_t)(n ? n : 1), sizeof *bars);
    char (*labels)[160] = calloc((size_t)(n ? n : 1), sizeof *labels);
    if (!bars || !labels) {
        free(bars);
        free(labels);
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *key = m->items[i].key;
        snprintf(labels[i], sizeof labels[i], "%s", key[0] ? key : "?");
        char title_de[120];
        const pack_language *l = names && kind == LABEL_LANGUAGE ? pack_language_find(names, key) : NULL;
        if (kind == LABEL_DAY && strlen(key) == 10) /* as a German calendar says it: 01.11. */
            snprintf(labels[i], sizeof labels[i], "%.2s.%.2s.", key + 8, key + 5);
        else if (names && kind == LABEL_PAGE &&
                 pack_title_get(names, key, pack_get_meta(names)->source_language, title_de, sizeof title_de))
            snprintf(labels[i], sizeof labels[i], "%s %s", key, title_de);
        else if (l)
            snprintf(labels[i], sizeof labels[i], "%s %s", l->native_name, key);
        bars[i] = (svg_bar){labels[i], m->items[i].n, m->items[i].second};
    }
    svg_bars(out, title, bars, n, horizontal, width);
    free(bars);
    free(labels);
}

static void total_row(FILE *out, const stats *s, const char *label, const char *metric)
{
    fprintf(out, "<tr><th>%s</th><td>%lld</td></tr>\n", label, stats_total(s, metric, NULL));
}

bool stats_write_html(const stats *s, pack *names, FILE *out)
{
    sums days = {0}, hours = {0}, langs = {0}, pages = {0}, searches = {0}, kiosks = {0};
    char first[11] = "", last[11] = "";
    bool summed = false;
    for (int i = 0; i < s->count; i++) {
        const row *r = &s->rows[i];
        if (!counts(s, r))
            continue;
        bool visit = !strcmp(r->metric, "visit");
        if (strlen(r->day) == 10) {
            if (!first[0] || strcmp(r->day, first) < 0)
                snprintf(first, sizeof first, "%s", r->day);
            if (strcmp(r->day, last) > 0)
                snprintf(last, sizeof last, "%s", r->day);
            if (visit) {
                char hour[8];
                snprintf(hour, sizeof hour, "%02d", r->hour);
                add_to(&days, r->day, r->n, 0);
                add_to(&hours, hour, r->n, 0);
            }
        } else if (r->day[0]) {
            summed = true;
        }
        if (!strcmp(r->metric, "language"))
            add_to(&langs, r->lang, r->n, 0);
        else if (!strcmp(r->metric, "page"))
            add_to(&pages, r->page, r->n, 0);
        else if (!strcmp(r->metric, "search"))
            add_to(&searches, r->lang, r->n, 0);
        else if (!strcmp(r->metric, "search-empty"))
            add_to(&searches, r->lang, 0, r->n);
        if (visit)
            add_to(&kiosks, s->batches[r->batch].kiosk, r->n, 0);
    }
    for (int h = 0; h < 24; h++) {
        char hour[8];
        snprintf(hour, sizeof hour, "%02d", h);
        sum_of(&hours, hour);
    }
    sort_sums(&hours, by_key);
    fill_days(&days);
    sort_sums(&langs, by_count);
    sort_sums(&pages, by_count);
    sort_sums(&searches, by_count);
    sort_sums(&kiosks, by_key);

    const char *region = names ? pack_get_meta(names)->name : "";
    fputs("<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>Wegweiser: Nutzungszahlen</title>\n<style>\n"
          "body{font-family:'Noto Sans',sans-serif;color:#1b1b1b;max-width:60em;margin:2em auto;padding:0 1em}\n"
          "h1{color:#0b4f6c;font-size:1.6em}h2{color:#0b4f6c;font-size:1.2em;margin-top:1.6em}\n"
          "table{border-collapse:collapse}th,td{padding:.2em .8em;border-bottom:1px solid #c9c3b6;text-align:start}\n"
          "td{text-align:end}figure{margin:1em 0;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:.3em}\n"
          ".note{color:#454545;font-size:.9em}.second{color:#a81c1c}\n"
          "@media print{body{margin:0;max-width:none}h2{break-after:avoid}}\n</style>\n</head>\n<body>\n",
          out);
    fputs("<h1>Wegweiser: Nutzungszahlen", out);
    if (region[0]) {
        fputs(" – ", out);
        svg_escape(out, region);
    }
    fputs("</h1>\n<p>", out);
    if (first[0])
        fprintf(out, "Zeitraum %s bis %s, ", first, last);
    fprintf(out, "%d Kiosk%s.", kiosks.count, kiosks.count == 1 ? "" : "e");
    if (summed)
        fputs(" Ältere Monate sind nur als Summen enthalten (in den Tabellen, nicht in den Tagesdiagrammen).", out);
    fputs("</p>\n<h2>Überblick</h2>\n<table>\n", out);
    total_row(out, s, "Besuche", "visit");
    total_row(out, s, "Seiten geöffnet", "page");
    total_row(out, s, "Suchen", "search");
    total_row(out, s, "… davon ohne Ergebnis", "search-empty");
    total_row(out, s, "Vorgelesen", "read-aloud");
    total_row(out, s, "Seitennummern, die es nicht gibt", "keypad-unknown");
    total_row(out, s, "Deutsch daneben eingeschaltet", "german-beside");
    total_row(out, s, "Besuche, die durch Warten endeten", "idle-reset");
    if (stats_total(s, "uncounted", NULL))
        total_row(out, s, "Nicht gezählt (Speicher voll)", "uncounted");
    fputs("</table>\n<h2>Wann</h2>\n", out);
    chart(out, "Besuche pro Tag", &days, 400, false, 900, NULL, LABEL_DAY);
    chart(out, "Besuche nach Uhrzeit (Stunde)", &hours, 24, false, 900, NULL, LABEL_KEY);
    fputs("<h2>Sprachen und Seiten</h2>\n", out);
    chart(out, "Gewählte Sprachen", &langs, 64, true, 900, names, LABEL_LANGUAGE);
    chart(out, "Meistgelesene Seiten (die 20 häufigsten)", &pages, 20, true, 900, names, LABEL_PAGE);
    chart(out, "Suchen pro Sprache, rot: ohne Ergebnis (was fehlt oder übersetzt werden sollte)", &searches, 64, true,
          900, names, LABEL_LANGUAGE);
    fputs("<h2>Kiosks</h2>\n<table>\n<tr><th>Kiosk</th><td>Besuche</td></tr>\n", out);
    for (int i = 0; i < kiosks.count; i++) {
        fputs("<tr><th>", out);
        svg_escape(out, kiosks.items[i].key);
        fprintf(out, "</th><td>%lld</td></tr>\n", kiosks.items[i].n);
    }
    fputs("</table>\n<p class=\"note\">Gezählt wird je Kiosk, Tag und Stunde, nichts über Personen: keine "
          "eingegebenen Wörter, keine Reihenfolge eines Besuchs, keine Uhrzeit genauer als die Stunde "
          "(docs/privacy.md).</p>\n</body>\n</html>\n",
          out);
    free(days.items);
    free(hours.items);
    free(langs.items);
    free(pages.items);
    free(searches.items);
    free(kiosks.items);
    return !ferror(out);
}

int stats_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack stats STICK_OR_FILE... -o REPORT [--csv] [--pack PACK]\n"
        "Merges the usage figures kiosks wrote to staff sticks (wegweiser-usage-<kiosk>.tsv; give the\n"
        "stick's folder or the files) into one report: an HTML page with charts that opens offline and\n"
        "prints, or with --csv one line a figure for a spreadsheet. A batch read twice counts once.\n"
        "--pack names languages and pages (titles in the pack's source language). docs/privacy.md\n"
        "says what is counted.\n";
    const char *out_path = NULL, *pack_path = NULL;
    bool csv = false;
    int inputs = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(argv[i], "--pack") && i + 1 < argc)
            pack_path = argv[++i];
        else if (!strcmp(argv[i], "--csv"))
            csv = true;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "wegweiser-pack stats: unknown option '%s'\n%s", argv[i], help);
            return 2;
        } else
            inputs++;
    }
    if (!out_path || !inputs) {
        fputs(help, stderr);
        return 2;
    }
    stats *s = stats_new();
    pack_report report = {0};
    bool read_any = false;
    for (int i = 2; s && i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--pack")) {
            i++;
            continue;
        }
        if (argv[i][0] != '-')
            read_any |= stats_read(s, argv[i], &report);
    }
    for (int i = 0; i < report.count; i++)
        fprintf(stderr, "wegweiser-pack stats: %s\n", report.problems[i].text);
    pack_report_free(&report);
    err e;
    pack *names = pack_path ? pack_open(pack_path, &e) : NULL;
    if (pack_path && !names)
        fprintf(stderr, "wegweiser-pack stats: %s; codes stand for languages and pages\n", e.msg);
    int status = 1;
    char tmp[4096];
    if (s && read_any && snprintf(tmp, sizeof tmp, "%s.part", out_path) < (int)sizeof tmp) {
        FILE *f = fopen(tmp, "w");
        bool ok = f && (csv ? stats_write_csv(s, f) : stats_write_html(s, names, f));
        if (f && fclose(f) != 0)
            ok = false;
        if (ok && rename(tmp, out_path) == 0) {
            printf("%s: %d figures from %lld visits\n", out_path, stats_rows(s), stats_total(s, "visit", NULL));
            status = 0;
        } else {
            fprintf(stderr, "wegweiser-pack stats: cannot write %s: %s\n", out_path, strerror(errno));
            remove(tmp);
        }
    } else if (s) {
        fprintf(stderr, "wegweiser-pack stats: nothing could be read\n");
    }
    pack_close(names);
    stats_free(s);
    return status;
}
