/* make bench: lays out and draws a 300-word article in each demo language at 1080 px, cold
 * (fresh fonts and caches) and warm, and times Pango (pango-view, the engine GNOME uses) on the
 * same text in the same run as the peer. Numbers, not assertions: speed is never a test. */
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pack.h"
#include "text.h"
#include "view.h"

#define WIDTH 1080
#define SIZE_PX 28
#define WORDS 300

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
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

/* About 300 words of the language's page bodies, as one plain paragraph. */
static char *article(pack *p, const char *lang)
{
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap), *plain = malloc(cap);
    for (int round = 0; out && plain && round < 20 && count_words(out) < WORDS; round++) {
        const pack_page *pages[64];
        int n = pack_children(p, "", pages, 64);
        for (int i = 0; i < n && i < 64 && count_words(out) < WORDS; i++) {
            pack_text t;
            if (!pack_text_get(p, pages[i]->code, lang, &t, NULL))
                continue;
            view_plain_text(t.body, plain, cap);
            for (char *c = plain; *c; c++)
                if (*c == '\n' || *c == '#')
                    *c = ' ';
            len += (size_t)snprintf(out + len, cap - len, "%s ", plain);
            pack_text_free(&t);
        }
    }
    free(plain);
    return out;
}

static double pango_ms(const char *text, bool rtl, int runs)
{
    const char *path = "/tmp/wegweiser-bench.txt";
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "pango-view -q --pixels --font='Noto Sans %dpx' --width=%d --wrap=word %s -o /tmp/wegweiser-bench.png %s",
             SIZE_PX, WIDTH, rtl ? "--rtl" : "", path);
    double best = 1e9;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        if (system(cmd) != 0)
            return -1;
        double t = now_ms() - t0;
        best = t < best ? t : best;
    }
    return best;
}

static double pango_startup_ms(int runs)
{
    return pango_ms(" ", false, runs);
}

int main(void)
{
    err e;
    pack *p = pack_open("build/demo.pack", &e);
    if (!p) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    text_style style = {SIZE_PX, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    SDL_Color ink = {0, 0, 0, 255};
    double startup = pango_startup_ms(5);
    printf("Text engine, %d-word article at %d px, %d px type (best of 5; ms)\n", WORDS, WIDTH, SIZE_PX);
    printf("%-5s %6s %6s %11s %11s %10s %10s %12s %8s\n", "lang", "words", "lines", "layout cold", "layout warm",
           "draw lines", "cache hit", "pango-view*", "ratio");
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const pack_language *lang = pack_language_find(p, langs[i]);
        char *text = article(p, langs[i]);
        if (!lang || !text) {
            free(text);
            continue;
        }
        style.dir = lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR;
        double cold = 1e9, warm = 1e9, draw = 1e9, hit = 1e9;
        int lines = 0;
        for (int run = 0; run < 5; run++) {
            double t0 = now_ms();
            text_fonts *f = text_fonts_open("assets", &e);
            text_layout *l = f ? text_layout_new(f, text, NULL, 0, &style, WIDTH, &e) : NULL;
            double t1 = now_ms();
            text_layout *again = l ? text_layout_new(f, text, NULL, 0, &style, WIDTH, &e) : NULL;
            double t2 = now_ms();
            for (int k = 0; again && k < again->line_count; k++)
                SDL_FreeSurface(text_line_render(f, again, k, ink, &e));
            double t3 = now_ms();
            text_layout_cached(f, text, NULL, 0, &style, WIDTH);
            double t4 = now_ms();
            text_layout_cached(f, text, NULL, 0, &style, WIDTH);
            double t5 = now_ms();
            lines = again ? again->line_count : 0;
            cold = t1 - t0 < cold ? t1 - t0 : cold;
            warm = t2 - t1 < warm ? t2 - t1 : warm;
            draw = t3 - t2 < draw ? t3 - t2 : draw;
            hit = t5 - t4 < hit ? t5 - t4 : hit;
            (void)t4;
            text_layout_free(l);
            text_layout_free(again);
            text_fonts_close(f);
        }
        double pango = pango_ms(text, lang->rtl, 5) - startup;
        printf("%-5s %6d %6d %11.2f %11.2f %10.2f %10.4f %12.2f %8.2f\n", langs[i], count_words(text), lines, cold,
               warm, draw, hit, pango, pango > 0 ? (warm + draw) / pango : 0.0);
        free(text);
    }
    printf("* pango-view: layout and drawing of the same text to PNG, minus its start-up time (%.1f ms);\n"
           "  ratio = (our warm layout + drawing) / pango-view. Below 1 means faster than Pango.\n",
           startup);
    pack_close(p);
    TTF_Quit();
    return 0;
}
