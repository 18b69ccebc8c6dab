/* make bench (Integreat part): times the import of the Landkreis Augsburg export
 * (../shared/integreat/lkaugsburg, or $WW_INTEGREAT), the pack build from its sources, and
 * the first frame of the longest page at 1280x800: the display list (view_build, which lays
 * out what is on screen) with cold caches, then warm, and the layout of the page's whole body.
 * Numbers, not assertions: speed is never a test. */
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "import.h"
#include "pack.h"
#include "text.h"
#include "view.h"

#define RUNS 5

/* Time spent in the program itself, not in the kernel (creating files). */
static double user_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
}

/* What the figures printed next are about, for the table ("Augsburg export", "longest page, de"). */
static char context[120];

static void print_times(const char *what, double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_compare_doubles);
    printf("  %-44s min %8.1f ms   median %8.1f ms   (%d runs)\n", what, t[0], t[n / 2], n);
    char row[300], now[80];
    snprintf(row, sizeof row, "%s: %s", context, what);
    snprintf(now, sizeof now, "%.1f ms (%.1f–%.1f)", t[n / 2], t[0], t[n - 1]);
    bench_line("import", row, now, NULL, false);
}

/* The page whose body in `lang` is longest. */
static void longest_page(pack *p, const char *parent, const char *lang, char *code, size_t *best)
{
    const pack_page *kids[256];
    int n = pack_children(p, parent, kids, 256);
    for (int i = 0; i < n && i < 256; i++) {
        pack_text t;
        if (pack_text_get(p, kids[i]->code, lang, &t, NULL)) {
            if (strlen(t.body) > *best) {
                *best = strlen(t.body);
                snprintf(code, PACK_CODE_MAX, "%s", kids[i]->code);
            }
            pack_text_free(&t);
        }
        longest_page(p, kids[i]->code, lang, code, best);
    }
}

int main(void)
{
    const char *data = getenv("WW_INTEGREAT") && *getenv("WW_INTEGREAT") ? getenv("WW_INTEGREAT")
                                                                          : "../shared/integreat/lkaugsburg";
    char de[600], en[600], licence[600], tmp[] = "/tmp/wegweiser-bench-import-XXXXXX";
    snprintf(de, sizeof de, "%s/de.pages.json", data);
    snprintf(en, sizeof en, "%s/en.pages.json", data);
    snprintf(licence, sizeof licence, "%s/../LICENSE", data);
    if (access(de, R_OK) != 0 || !mkdtemp(tmp)) {
        printf("bench-import: no Integreat export at %s (set WW_INTEGREAT); skipped\n", data);
        return 0;
    }
    const char *files[] = {de, en};
    printf("Integreat import, %s (de, en):\n", data);
    snprintf(context, sizeof context, "Landkreis Augsburg's Integreat export (de, en)");
    double times[RUNS], cpu[RUNS];
    char out[700], pack_path[700];
    err e;
    import_summary sum = {0};
    for (int r = 0; r < RUNS; r++) {
        snprintf(out, sizeof out, "%s/import-%d", tmp, r);
        import_options o = {.files = files,
                            .file_count = 2,
                            .out_dir = out,
                            .name = "Landkreis Augsburg",
                            .licence_file = access(licence, R_OK) == 0 ? licence : NULL};
        double t0 = bench_now_ms(), c0 = user_ms();
        if (!import_integreat(&o, &sum, &e)) {
            printf("import failed: %s\n", e.msg);
            return 1;
        }
        times[r] = bench_now_ms() - t0;
        cpu[r] = user_ms() - c0;
        if (r < RUNS - 1)
            import_summary_free(&sum);
    }
    print_times("import (JSON + HTML → sources, written)", times, RUNS);
    print_times("  of it in user space (the rest: the kernel)", cpu, RUNS);
    printf("  %d pages, %d texts in en, %d phone links, %d images dropped\n", sum.pages, sum.langs[1].texts,
           sum.phone_links, sum.images);
    import_summary_free(&sum);
    for (int r = 0; r < RUNS; r++) {
        snprintf(pack_path, sizeof pack_path, "%s/lkaugsburg-%d.pack", tmp, r);
        double t0 = bench_now_ms();
        if (!pack_build(out, pack_path, &e)) {
            printf("build failed: %s\n", e.msg);
            return 1;
        }
        times[r] = bench_now_ms() - t0;
    }
    print_times("pack build (sources → pack, with search index)", times, RUNS);
    struct stat st;
    if (stat(pack_path, &st) == 0)
        printf("  pack: %lld bytes\n", (long long)st.st_size);

    pack *p = pack_open(pack_path, &e);
    if (!p) {
        printf("cannot open the pack: %s\n", e.msg);
        return 1;
    }
    view_list *list = malloc(sizeof *list);
    const char *langs[] = {"de", "en"};
    for (int l = 0; list && l < 2; l++) {
        char code[PACK_CODE_MAX] = "";
        size_t longest = 0;
        longest_page(p, "", langs[l], code, &longest);
        pack_text t;
        if (!code[0] || !pack_text_get(p, code, langs[l], &t, NULL))
            continue;
        printf("Longest page in %s: %s \"%s\", %zu bytes of markup\n", langs[l], code, t.title, longest);
        snprintf(context, sizeof context, "its longest page (%zu bytes, %s), 1280x800", longest, langs[l]);
        double cold[RUNS], warm[RUNS], whole[RUNS];
        int lines = 0;
        for (int r = 0; r < RUNS; r++) {
            /* Fresh fonts: nothing laid out yet, as after the kiosk starts. */
            text_fonts *fonts = text_fonts_open("assets", &e);
            if (!fonts) {
                printf("cannot open fonts: %s\n", e.msg);
                return 1;
            }
            app a;
            app_init(&a, p, 90000);
            app_event pick = {.type = APP_EV_LANGUAGE}, open = {.type = APP_EV_OPEN};
            snprintf(pick.arg, sizeof pick.arg, "%s", langs[l]);
            snprintf(open.arg, sizeof open.arg, "%s", code);
            app_handle(&a, &pick);
            app_handle(&a, &open);
            double t0 = bench_now_ms();
            view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
            cold[r] = bench_now_ms() - t0;
            t0 = bench_now_ms();
            view_build(list, &a, fonts, 1280, 800, VIEW_DPI_DEFAULT);
            warm[r] = bench_now_ms() - t0;
            /* Every line of the body laid out at the content width, as scrolling to the end would. */
            char *copy = strdup(t.body);
            size_t cap = strlen(t.body) * 2 + 16;
            char *plain = malloc(cap);
            text_style style = {28, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
            t0 = bench_now_ms();
            lines = 0;
            for (char *line = strtok(copy, "\n"); line && plain; line = strtok(NULL, "\n")) {
                text_mark marks[VIEW_INLINE_MAX];
                view_link links[VIEW_INLINE_MAX];
                int link_count, mark_count = view_inline(line, plain, cap, marks, links, &link_count);
                text_layout *lay = text_layout_new(fonts, plain, marks, mark_count, &style, 1280 - 2 * 32, &e);
                if (lay)
                    lines += lay->line_count;
                text_layout_free(lay);
            }
            whole[r] = bench_now_ms() - t0;
            free(plain);
            free(copy);
            text_fonts_close(fonts);
        }
        print_times("first frame: view_build, cold caches", cold, RUNS);
        print_times("next frame: view_build, warm caches", warm, RUNS);
        char what[96];
        snprintf(what, sizeof what, "whole body laid out (%d lines at 1216 px)", lines);
        print_times(what, whole, RUNS);
        pack_text_free(&t);
    }
    free(list);
    pack_close(p);
    TTF_Quit();
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmp);
    return 0;
}
