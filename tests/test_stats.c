/* The office's usage report (issue 17): files from sticks merged batch by batch, broken ones
 * left out with file:line, the report's charts real SVG (parsed by libxml2) whose bars match
 * the figures, and the whole way from a kiosk's visits through a staff stick to the report. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stats.h"
#include "svg.h"
#include "test.h"
#include "usage.h"

/* A built program by absolute path: the commands below run in the test folder. */
static const char *program(const char *name)
{
    static char paths[2][4096];
    static int next;
    char *out = paths[next++ % 2];
    if (!realpath(test_bin(name), out))
        snprintf(out, 4096, "%s", test_bin(name));
    return out;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static bool reported(const pack_report *r, const char *part)
{
    for (int i = 0; i < r->count; i++)
        if (strstr(r->problems[i].text, part))
            return true;
    return false;
}

TEST(stats_counts_a_batch_once_and_leaves_out_what_is_broken)
{
    char dir[600], a[700], b[700], c[700];
    snprintf(dir, sizeof dir, "%s/stats-stick", test_tmpdir());
    mkdir(dir, 0755);
    snprintf(a, sizeof a, "%s/%sfoyer.tsv", dir, USAGE_EXPORT_PREFIX);
    snprintf(b, sizeof b, "%s/copy-of-foyer.tsv", test_tmpdir());
    snprintf(c, sizeof c, "%s/%samt.tsv", dir, USAGE_EXPORT_PREFIX);
    static const char batch1[] = "batch\tfoyer\t1\t2026-12-01\n"
                                 "2026-11-30\t9\tvisit\t\t\t4\n"
                                 "2026-11-30\t9\tlanguage\tar\t\t3\n"
                                 "2026-11-30\t9\tlanguage\tti\t\t1\n"
                                 "2026-11-30\t10\tpage\tar\t310\t5\n"
                                 "end\tfoyer\t1\t4\n";
    write_text(a, batch1);
    /* The same batch again in a copy, then a second batch that was cut off. */
    char copy[1024];
    snprintf(copy, sizeof copy, "%sbatch\tfoyer\t2\t2026-12-02\n2026-12-01\t9\tvisit\t\t\t7\n", batch1);
    write_text(b, copy);
    /* Another kiosk: a figure of a metric nobody counts, a negative count, an hour past 23, a
     * line of markup, and a batch whose end names another count: all left out. */
    write_text(c, "batch\tamt\t1\t2026-12-01\n"
                  "2026-11-30\t11\tvisit\t\t\t2\n"
                  "end\tamt\t1\t1\n"
                  "batch\tamt\t2\t2026-12-02\n"
                  "2026-12-01\t11\t<script>\t\t\t2\n"
                  "2026-12-01\t11\tvisit\t\t\t-5\n"
                  "2026-12-01\t25\tvisit\t\t\t1\n"
                  "<img src=x onerror=alert(1)>\n"
                  "end\tamt\t2\t3\n");
    stats *s = stats_new();
    pack_report r = {0};
    CHECK(stats_read(s, dir, &r));
    CHECK(stats_read(s, b, &r));
    CHECK(stats_total(s, "visit", NULL) == 4 + 2);
    CHECK(stats_total(s, "language", "ar") == 3);
    CHECK(stats_total(s, "page", "ar") == 5);
    CHECK(reported(&r, "copy-of-foyer.tsv: the batch begun on line 7 was cut off"));
    CHECK(reported(&r, "amt.tsv:5: not a figure"));
    CHECK(reported(&r, "amt.tsv:6: not a figure"));
    CHECK(reported(&r, "amt.tsv:7: not a figure"));
    CHECK(reported(&r, "amt.tsv:8: not a line of a usage file"));
    CHECK(reported(&r, "amt.tsv:9: the batch begun on line 4 does not end as it began"));
    /* A kiosk that lost power after writing batch 1 writes it again, fuller: the fuller counts. */
    write_text(b, "batch\tfoyer\t1\t2026-12-01\n"
                  "2026-11-30\t9\tvisit\t\t\t4\n"
                  "2026-11-30\t9\tlanguage\tar\t\t3\n"
                  "2026-11-30\t9\tlanguage\tti\t\t1\n"
                  "2026-11-30\t10\tpage\tar\t310\t5\n"
                  "2026-11-30\t12\tvisit\t\t\t1\n"
                  "2026-11-30\t12\tlanguage\tar\t\t1\n"
                  "end\tfoyer\t1\t6\n");
    CHECK(stats_read(s, b, &r));
    CHECK(stats_total(s, "visit", NULL) == 5 + 2);
    CHECK(stats_total(s, "language", "ar") == 4);
    pack_report_free(&r);
    stats_free(s);
}

/* Every <svg> of the report parsed as XML; the bars of the first horizontal chart returned. */
static int bars_of(const char *html, double *widths, int max, int *charts)
{
    int found = 0;
    *charts = 0;
    for (const char *p = strstr(html, "<svg "); p; p = strstr(p + 1, "<svg ")) {
        const char *end = strstr(p, "</svg>");
        CHECK(end != NULL);
        if (!end)
            break;
        xmlDocPtr doc = xmlReadMemory(p, (int)(end + 6 - p), "chart.svg", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR);
        CHECK(doc != NULL);
        (*charts)++;
        if (!doc)
            continue;
        if (found == 0) {
            for (xmlNodePtr n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
                xmlChar *cls = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, (const xmlChar *)"class") : NULL;
                xmlChar *w = cls && !strcmp((const char *)cls, "bar") ? xmlGetProp(n, (const xmlChar *)"width") : NULL;
                if (w && found < max)
                    widths[found++] = atof((const char *)w);
                xmlFree(w);
                xmlFree(cls);
            }
        }
        xmlFreeDoc(doc);
    }
    return found;
}

TEST(svg_bars_are_as_long_as_their_figures_and_labels_are_text)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    svg_bar bars[] = {{"<b>ar & \"prs\"</b>", 100, 25}, {"ትግርኛ", 50, 0}, {"Deutsch", 0, 0}};
    svg_bars(f, "Sprachen <Test>", bars, 3, true, 900);
    fclose(f);
    CHECK(strstr(buf, "<b>") == NULL);
    CHECK(strstr(buf, "&lt;b&gt;ar &amp; &quot;prs&quot;&lt;/b&gt;") != NULL);
    CHECK(strstr(buf, "Sprachen &lt;Test&gt;") != NULL);
    double w[8];
    int charts;
    int n = bars_of(buf, w, 8, &charts);
    CHECK(charts == 1);
    CHECK(n == 3);
    CHECK(w[0] > 0 && w[1] * 2 == w[0] && w[2] == 0);
    free(buf);
}

/* Visits at a kiosk with usage figures on, a staff stick, and the report made from the stick:
 * the real programs, as an office would use them. */
TEST(stats_report_from_a_staff_stick_shows_what_the_kiosk_counted)
{
    const char *t = test_tmpdir();
    char cmd[4096], out[8192], here[512];
    if (!getcwd(here, sizeof here))
        snprintf(here, sizeof here, ".");
    const char *tool = program("wegweiser-pack");
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; rm -rf st-src st-stick st-keys st-data st-private; cp -r %s/content/kaiserslautern st-src; "
             "sed -i 's/^version: .*/version: 2099-01-01/' st-src/region.txt; mkdir -p st-stick st-keys st-data st-private; "
             "%s build st-src -o st-stick/kl.pack >/dev/null; %s keygen -p st-keys/staff.pub -s st.key >/dev/null; "
             "%s sign st-stick/kl.pack --key st.key >/dev/null",
             t, here, tool, tool, tool);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'clock 2026-12-01 09:10\\ntap-text العربية\\nkey search\\ntype ققققق\\nkey back\\nkey back\\n"
             "clock 2026-12-01 14:30\\ntap-text ትግርኛ\\nkey keypad\\ntype 310\\nkey enter\\nwait 100000\\n"
             "usb st-private\\nusb st-stick\\n' > st.events && "
             "%s --data-dir st-data --trusted-keys st-keys --pack %s --usage-stats --kiosk-id foyer --events st.events 2>&1",
             t, program("wegweiser"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "usage figures written to st-stick/wegweiser-usage-foyer.tsv") != NULL);
    /* A private stick (no pack) gets nothing, not even the figures. */
    snprintf(cmd, sizeof cmd, "ls %s/st-private | wc -l", t);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(atoi(out) == 0);
    snprintf(cmd, sizeof cmd, "cd %s && %s stats st-stick -o st-report.html --pack %s 2>&1 && cat st-report.html", t,
             tool, test_demo_pack());
    static char html[65536];
    CHECK_INT(test_run(cmd, html, sizeof html), 0);
    CHECK(strstr(html, "<tr><th>Besuche</th><td>2</td></tr>") != NULL);
    CHECK(strstr(html, "<tr><th>… davon ohne Ergebnis</th><td>1</td></tr>") != NULL);
    CHECK(strstr(html, "<tr><th>Besuche, die durch Warten endeten</th><td>1</td></tr>") != NULL);
    CHECK(strstr(html, "ትግርኛ ti") != NULL); /* languages by their own names, from the pack */
    double w[16];
    int charts;
    CHECK(bars_of(strstr(html, "<body>"), w, 16, &charts) > 0);
    CHECK(charts == 5);
    snprintf(cmd, sizeof cmd, "cd %s && %s stats st-stick -o st-report.csv --csv >/dev/null && cat st-report.csv",
             t, tool);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "foyer,2026-12-01,14,page,ti,310,1\n") != NULL);
    CHECK(strstr(out, "foyer,2026-12-01,9,search-empty,ar,,1\n") != NULL);
}
