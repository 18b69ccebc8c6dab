/* make bench-text: the text engine against Pango, in one process, warm against warm.
 *
 * Both engines get the same Noto font files (Pango through a private fontconfig that knows only
 * those files, so Arabic cannot fall back to another font), the same pixel size, width and
 * paragraph, and are timed interleaved in the same runs: layout alone (ours: text_layout_new;
 * Pango: a new PangoLayout asked for its line count) and layout + drawing into a new ARGB surface
 * (ours: text_layout_render; Pango: pango_cairo_show_layout on a cairo image surface). Glyph and
 * font caches are warm for both; our layout cache is not used. A ratio is reported only when both
 * broke the text into the same number of lines. Then the layout of very long paragraphs, in ms per
 * screen of text. Numbers, not assertions: speed is never a test. */
#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "import.h"
#include "pack.h"
#include "text.h"
#include "view.h"

#define WIDTH 1080
#define SIZE_PX 28
#define RUNS 7
#define FRAME_MS 16.0
/* A screen of text: the lines of this size that fill 800 px. */
#define SCREEN_PX 800

static const char *const FONT_FILES[] = {"NotoSans-Regular.ttf",         "NotoSans-Bold.ttf",
                                         "NotoSansArabicUI-Regular.ttf", "NotoSansArabicUI-Bold.ttf",
                                         "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats {
    double median, min, max;
} stats;

static stats stats_of(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, compare_doubles);
    return (stats){t[n / 2], t[0], t[n - 1]};
}

static int count_words(const char *s)
{
    int n = 0;
    bool in_word = false;
    for (; *s; s++) {
        bool space = *s == ' ' || *s == '\n';
        n += !space && !in_word;
        in_word = !space;
    }
    return n;
}

/* The plain text of pages (codes separated by spaces) in a language, as one paragraph. */
static char *article(pack *p, const char *codes, const char *lang)
{
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap), *plain = malloc(cap), *list = strdup(codes);
    for (char *code = strtok(list, " "); out && plain && code; code = strtok(NULL, " ")) {
        pack_text t;
        if (!pack_text_get(p, code, lang, &t, NULL))
            continue;
        view_plain_text(t.body, plain, cap);
        for (char *c = plain; *c; c++)
            if (*c == '\n')
                *c = ' ';
        len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", plain);
        pack_text_free(&t);
    }
    free(plain);
    free(list);
    return out;
}

/* ---- Pango, on the same font files ---- */

typedef struct pango_peer {
    PangoFontMap *map;
    PangoContext *ltr, *rtl;
    PangoFontDescription *desc;
} pango_peer;

static bool pango_open(pango_peer *pp)
{
    FcConfig *config = FcConfigCreate();
    for (size_t i = 0; i < sizeof FONT_FILES / sizeof FONT_FILES[0]; i++) {
        char path[512], real[4096];
        snprintf(path, sizeof path, "assets/fonts/%s", FONT_FILES[i]);
        if (!realpath(path, real) || !FcConfigAppFontAddFile(config, (const FcChar8 *)real)) {
            fprintf(stderr, "bench-text: fontconfig cannot read %s\n", path);
            return false;
        }
    }
    pp->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(pp->map), config);
    FcConfigDestroy(config);
    /* As our engine draws: unhinted metrics, glyph positions not rounded, slight hinting of
     * the outlines, grey anti-aliasing. */
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
    for (int rtl = 0; rtl < 2; rtl++) {
        PangoContext *c = pango_font_map_create_context(pp->map);
        pango_cairo_context_set_font_options(c, o);
        pango_context_set_round_glyph_positions(c, FALSE);
        pango_context_set_base_dir(c, rtl ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
        *(rtl ? &pp->rtl : &pp->ltr) = c;
    }
    cairo_font_options_destroy(o);
    pp->desc = pango_font_description_from_string("Noto Sans");
    pango_font_description_set_absolute_size(pp->desc, SIZE_PX * PANGO_SCALE);
    return true;
}

static void pango_close(pango_peer *pp)
{
    pango_font_description_free(pp->desc);
    g_object_unref(pp->ltr);
    g_object_unref(pp->rtl);
    g_object_unref(pp->map);
}

static PangoLayout *pango_lay(pango_peer *pp, const char *text, bool rtl)
{
    PangoLayout *l = pango_layout_new(rtl ? pp->rtl : pp->ltr);
    pango_layout_set_auto_dir(l, FALSE);
    pango_layout_set_font_description(l, pp->desc);
    pango_layout_set_width(l, WIDTH * PANGO_SCALE);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    pango_layout_get_line_count(l); /* lays it out */
    return l;
}

static void pango_draw(PangoLayout *l)
{
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, WIDTH, h > 0 ? h : 1);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    pango_cairo_show_layout(cr, l);
    cairo_surface_flush(s);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* The font files Pango drew a layout with, to show that no other font slipped in. */
static void pango_fonts_used(PangoLayout *l, char *out, size_t size)
{
    out[0] = 0;
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        PangoFontDescription *d = pango_font_describe(run->item->analysis.font);
        const char *family = pango_font_description_get_family(d);
        if (family && !strstr(out, family) && strlen(out) + strlen(family) + 3 < size) {
            strcat(out, out[0] ? ", " : "");
            strcat(out, family);
        }
        pango_font_description_free(d);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
}

/* ---- side by side ---- */

static void bench_line(const char *what, double ours, double theirs, bool same_lines)
{
    char now[96];
    if (!same_lines) {
        printf("BENCH\ttext\t%s\tno ratio: the line counts differ\t< 1 × Pango\tinfo\n", what);
        return;
    }
    snprintf(now, sizeof now, "%.2f × Pango (%.3f vs %.3f ms)", ours / theirs, ours, theirs);
    printf("BENCH\ttext\t%s\t%s\t< 1 × Pango\t%s\n", what, now, ours < theirs ? "met" : "over");
}

static void compare(text_fonts *f, pango_peer *pp, const char *lang, bool rtl, const char *name, const char *text)
{
    text_style style = {SIZE_PX, false, rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    SDL_Color ink = {0, 0, 0, 255};
    err e;
    int ours_lines = 0, pango_lines = 0;
    char fonts[256];
    /* Warm both: fonts opened, glyphs cached. */
    for (int i = 0; i < 3; i++) {
        text_layout *l = text_layout_new(f, text, NULL, 0, &style, WIDTH, &e);
        SDL_FreeSurface(text_layout_render(f, l, ink, &e));
        ours_lines = l->line_count;
        text_layout_free(l);
        PangoLayout *pl = pango_lay(pp, text, rtl);
        pango_draw(pl);
        pango_lines = pango_layout_get_line_count(pl);
        pango_fonts_used(pl, fonts, sizeof fonts);
        g_object_unref(pl);
    }
    int reps = 20;
    double lay_ours[RUNS], lay_pango[RUNS], draw_ours[RUNS], draw_pango[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ms();
        for (int i = 0; i < reps; i++)
            text_layout_free(text_layout_new(f, text, NULL, 0, &style, WIDTH, &e));
        double t1 = now_ms();
        for (int i = 0; i < reps; i++)
            g_object_unref(pango_lay(pp, text, rtl));
        double t2 = now_ms();
        for (int i = 0; i < reps; i++) {
            text_layout *l = text_layout_new(f, text, NULL, 0, &style, WIDTH, &e);
            SDL_FreeSurface(text_layout_render(f, l, ink, &e));
            text_layout_free(l);
        }
        double t3 = now_ms();
        for (int i = 0; i < reps; i++) {
            PangoLayout *pl = pango_lay(pp, text, rtl);
            pango_draw(pl);
            g_object_unref(pl);
        }
        double t4 = now_ms();
        lay_ours[r] = (t1 - t0) / reps;
        lay_pango[r] = (t2 - t1) / reps;
        draw_ours[r] = (t3 - t2) / reps;
        draw_pango[r] = (t4 - t3) / reps;
    }
    stats lo = stats_of(lay_ours, RUNS), lp = stats_of(lay_pango, RUNS), dro = stats_of(draw_ours, RUNS),
          drp = stats_of(draw_pango, RUNS);
    printf("%-4s %-16s %5d %6d %6d  %6.3f (%.3f–%.3f)  %6.3f (%.3f–%.3f)  %6.3f (%.3f–%.3f)  %6.3f (%.3f–%.3f)\n", lang,
           name, count_words(text), ours_lines, pango_lines, lo.median, lo.min, lo.max, lp.median, lp.min, lp.max,
           dro.median, dro.min, dro.max, drp.median, drp.min, drp.max);
    printf("     Pango drew with: %s\n", fonts);
    char what[128];
    snprintf(what, sizeof what, "warm layout, %s (%s), %d lines", name, lang, ours_lines);
    bench_line(what, lo.median, lp.median, ours_lines == pango_lines);
    snprintf(what, sizeof what, "warm layout + draw, %s (%s)", name, lang);
    bench_line(what, dro.median, drp.median, ours_lines == pango_lines);
}

/* ---- long paragraphs, in ms per screen of text ---- */

static void per_screen(const char *what, double ms, int lines, int line_height)
{
    double screens = lines * (double)line_height / SCREEN_PX;
    double per = screens > 0 ? ms / screens : ms;
    printf("%s: %.1f ms for %d lines (%.1f screens): %.2f ms per screen\n", what, ms, lines, screens, per);
    printf("BENCH\ttext\t%s, layout per screen of text\t%.2f ms\t≤ %.0f ms\t%s\n", what, per, FRAME_MS,
           per <= FRAME_MS ? "met" : "over");
}

static void long_word(text_fonts *f)
{
    const int n = 400000;
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *word = malloc((size_t)n + 1);
    for (int i = 0; i < n; i++)
        word[i] = b64[(i * 7) % 64 < 62 ? (i * 7) % 64 : 0];
    word[n] = 0;
    text_style style = {SIZE_PX, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    double t[5];
    int lines = 0, height = 1;
    err e;
    for (int r = 0; r < 5; r++) {
        double t0 = now_ms();
        text_layout *l = text_layout_new(f, word, NULL, 0, &style, WIDTH, &e);
        t[r] = now_ms() - t0;
        lines = l ? l->line_count : 0;
        height = l ? l->line_height : 1;
        text_layout_free(l);
    }
    per_screen("400,000 characters without a space", stats_of(t, 5).median, lines, height);
    free(word);
}

/* The page whose body in `lang` is longest. */
static void longest_page(pack *p, const char *lang, char *code, size_t *best)
{
    for (int i = 0; i < pack_page_count(p); i++) {
        pack_text t;
        if (!pack_text_get(p, pack_page_at(p, i)->code, lang, &t, NULL))
            continue;
        if (strlen(t.body) > *best) {
            *best = strlen(t.body);
            snprintf(code, PACK_CODE_MAX, "%s", pack_page_at(p, i)->code);
        }
        pack_text_free(&t);
    }
}

static void integreat(text_fonts *f)
{
    const char *data = getenv("WW_INTEGREAT") && *getenv("WW_INTEGREAT") ? getenv("WW_INTEGREAT")
                                                                          : "../shared/integreat/lkaugsburg";
    char de[600], out[700], pack_path[700], tmp[] = "/tmp/wegweiser-bench-text-XXXXXX";
    snprintf(de, sizeof de, "%s/de.pages.json", data);
    if (access(de, R_OK) != 0 || !mkdtemp(tmp)) {
        printf("no Integreat export at %s (set WW_INTEGREAT): longest page skipped\n", data);
        return;
    }
    const char *files[] = {de};
    snprintf(out, sizeof out, "%s/src", tmp);
    snprintf(pack_path, sizeof pack_path, "%s/p.pack", tmp);
    import_options o = {.files = files, .file_count = 1, .out_dir = out, .name = "Integreat"};
    import_summary sum = {0};
    err e;
    pack *p = NULL;
    if (import_integreat(&o, &sum, &e) && pack_build(out, pack_path, &e))
        p = pack_open(pack_path, &e);
    import_summary_free(&sum);
    char code[PACK_CODE_MAX] = "";
    size_t longest = 0;
    pack_text t;
    if (p)
        longest_page(p, "de", code, &longest);
    if (p && code[0] && pack_text_get(p, code, "de", &t, NULL)) {
        size_t cap = strlen(t.body) * 2 + 16;
        char *plain = malloc(cap);
        text_style style = {SIZE_PX, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
        double times[5];
        int lines = 0, height = 1;
        for (int r = 0; r < 5; r++) {
            char *copy = strdup(t.body);
            lines = 0;
            double t0 = now_ms();
            for (char *para = strtok(copy, "\n"); para; para = strtok(NULL, "\n")) {
                text_mark marks[VIEW_INLINE_MAX];
                view_link links[VIEW_INLINE_MAX];
                int link_count, mark_count = view_inline(para, plain, cap, marks, links, &link_count);
                text_layout *l = text_layout_new(f, plain, marks, mark_count, &style, WIDTH, &e);
                lines += l ? l->line_count : 0;
                height = l ? l->line_height : height;
                text_layout_free(l);
            }
            times[r] = now_ms() - t0;
            free(copy);
        }
        char what[160];
        snprintf(what, sizeof what, "longest Integreat page (%s, %zu bytes, de)", code, longest);
        per_screen(what, stats_of(times, 5).median, lines, height);
        free(plain);
        pack_text_free(&t);
    } else {
        printf("Integreat import failed: %s\n", e.msg);
    }
    pack_close(p);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
        printf("could not remove %s\n", tmp);
}

int main(void)
{
    err e;
    pack *p = pack_open("build/demo.pack", &e);
    text_fonts *f = p ? text_fonts_open("assets", &e) : NULL;
    pango_peer pp;
    if (!p || !f || !pango_open(&pp)) {
        fprintf(stderr, "bench-text: %s\n", e.msg);
        return 1;
    }
    static const struct {
        const char *code, *rtl;
    } langs[] = {{"ar", "rtl"}, {"prs", "rtl"}, {"ti", "ltr"}, {"de", "ltr"}};
    static const struct {
        const char *name, *pages;
    } articles[] = {{"article 210", "210"}, {"articles 110+310", "110 310"}};
    printf("Text engine vs Pango %s in one process, warm, %d px wide, %d px type; ms per paragraph,\n"
           "median (min–max) of %d runs of 20\n",
           pango_version_string(), WIDTH, SIZE_PX, RUNS);
    printf("%-4s %-16s %5s %6s %6s  %-22s  %-22s  %-22s  %-22s\n", "lang", "text", "words", "lines", "Pango",
           "layout, ours", "layout, Pango", "layout+draw, ours", "layout+draw, Pango");
    for (size_t a = 0; a < sizeof articles / sizeof articles[0]; a++)
        for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
            char *text = article(p, articles[a].pages, langs[i].code);
            if (text && text[0])
                compare(f, &pp, langs[i].code, !strcmp(langs[i].rtl, "rtl"), articles[a].name, text);
            free(text);
        }
    long_word(f);
    integreat(f);
    pango_close(&pp);
    text_fonts_close(f);
    pack_close(p);
    TTF_Quit();
    return 0;
}
