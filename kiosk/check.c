#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "view.h"

/* The smallest screen the kiosk supports: a title that fits a tile there fits everywhere. */
#define SMALL_W 800
#define SMALL_H 480
/* The narrowest measure body text gets: a portrait 720x1280 panel with large text on, sized
 * by view_body_measure as the kiosk sizes articles. A word that fits a line there fits one on
 * every supported screen. */
#define NARROW_W 720
#define NARROW_H 1280

typedef struct checker {
    pack_report *report;
    text_fonts *fonts;
} checker;

static bool invisible(uint32_t c)
{
    return c < 0x20 || c == 0x200C || c == 0x200D || c == 0x200E || c == 0x200F || (c >= 0x2066 && c <= 0x2069);
}

static void uncovered(checker *k, const char *file, const char *what, const char *text)
{
    uint32_t seen[8];
    int n = 0;
    for (const char *p = text; *p && n < 8;) {
        uint32_t c = utf8_next(&p);
        if (invisible(c) || text_covered(k->fonts, c))
            continue;
        bool dup = false;
        for (int i = 0; i < n; i++)
            dup |= seen[i] == c;
        if (dup)
            continue;
        seen[n++] = c;
        char ch[8];
        ch[utf8_put(c, ch)] = 0;
        pack_report_add(k->report, false, "%s: the %s has '%s' (U+%04X), which no bundled font can show", file, what,
                        ch, (unsigned)c);
    }
}

/* The first characters of `s` that fit `size` bytes, never half a character. */
static void prefix_of(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = s; *p;) {
        const char *start = p;
        utf8_next(&p);
        if (k + (size_t)(p - start) + 1 > size)
            break;
        memcpy(out + k, start, (size_t)(p - start));
        k += (size_t)(p - start);
    }
    out[k] = 0;
}

/* The line of the source file where `word` first appears, 0 when it cannot be found. */
static int line_of(const char *file, const char *word)
{
    char line[8192];
    FILE *in = fopen(file, "r");
    int number = 0, found = 0;
    while (in && !found && fgets(line, sizeof line, in)) {
        number++;
        if (strstr(line, word))
            found = number;
    }
    if (in)
        fclose(in);
    return found;
}

/* Words wider than a line on the narrowest screen: the kiosk cuts them wherever they reach the
 * edge (a pasted address, a code, a blob), so staff hear about it before a pack ships. */
static void long_words(checker *k, const char *file, const pack_language *lang, const char *body)
{
    int body_px, line_w;
    view_body_measure(NARROW_W, NARROW_H, VIEW_DPI_DEFAULT, true, &body_px, &line_w);
    text_style style = {body_px, false, lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    size_t cap = strlen(body) * 2 + 16;
    char *copy = strdup(body), *plain = malloc(cap), *word = malloc(cap);
    int reported = 0;
    for (char *para = copy && plain && word ? strtok(copy, "\n") : NULL; para && reported < 8;
         para = strtok(NULL, "\n")) {
        text_mark marks[VIEW_INLINE_MAX];
        view_link links[VIEW_INLINE_MAX];
        int link_count;
        view_inline(para, plain, cap, marks, links, &link_count);
        const text_layout *l = text_layout_cached(k->fonts, plain, NULL, 0, &style, line_w);
        if (!l || !l->cut_word)
            continue;
        /* Each space-delimited word wider than the line, once. */
        for (const char *p = plain; *p && reported < 8;) {
            while (*p == ' ')
                p++;
            const char *end = strchr(p, ' ');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            memcpy(word, p, len);
            word[len] = 0;
            p += len;
            text_layout *alone = len ? text_layout_new(k->fonts, word, NULL, 0, &style, 0, NULL) : NULL;
            if (alone && alone->width > line_w) {
                char shown[64];
                prefix_of(word, shown, sizeof shown);
                pack_report_add(k->report, false,
                                "%s:%d: the word \"%s%s\" is %d px wide, but a line on the narrowest screen (%dx%d, "
                                "large text) holds %d px: the kiosk will cut it across lines. Add a space or a "
                                "hyphen where it may break, shorten it, or make an address a link",
                                file, line_of(file, shown), shown, strlen(shown) < len ? "…" : "", alone->width,
                                NARROW_W, NARROW_H, line_w);
                reported++;
            }
            text_layout_free(alone);
        }
    }
    free(copy);
    free(plain);
    free(word);
}

static void each_text(void *user, const char *file, const pack_page *page, const pack_language *lang,
                      const char *title, const char *tile_title, const char *body)
{
    checker *k = user;
    uncovered(k, file, "title", title);
    uncovered(k, file, "text", body);
    long_words(k, file, lang, body);
    /* Only home-screen tiles have a fixed size; other titles wrap freely. */
    if (!page->parent[0] && strcmp(page->kind, "help") &&
        !view_tile_title_fits(k->fonts, tile_title, lang, k->report->top_level, SMALL_W, SMALL_H, VIEW_DPI_DEFAULT,
                              k->report->demo))
        pack_report_add(k->report, false,
                        "%s:1: the title \"%s\" is too long for a tile on an %dx%d screen: shorten it, or give the "
                        "tile a shorter one with 'tile-title:'",
                        file, tile_title, SMALL_W, SMALL_H);
}

static void each_page(void *user, const char *file, const pack_page *page)
{
    checker *k = user;
    if (!page->icon[0])
        pack_report_add(k->report, false, "%s: has no icon", file);
    else if (!text_icon_codepoint(k->fonts, page->icon))
        pack_report_add(k->report, false, "%s: icon '%s' is not in the icon font (use a Material Icons name)", file,
                        page->icon);
}

bool check_sources(const char *src_dir, text_fonts *fonts, pack_report *report)
{
    checker k = {.report = report, .fonts = fonts};
    report->each_text = each_text;
    report->each_page = each_page;
    report->user = &k;
    return pack_check_sources(src_dir, report);
}

void check_print(const pack_report *r, FILE *out)
{
    for (int i = 0; i < r->count; i++)
        fprintf(out, "%s: %s\n", r->problems[i].error ? "error" : "warning", r->problems[i].text);
    fprintf(out, "\n%d error%s, %d warning%s\n\n", r->errors, r->errors == 1 ? "" : "s", r->warnings,
            r->warnings == 1 ? "" : "s");
    fprintf(out, "%-8s %6s %11s %9s %16s %8s\n", "language", "pages", "up to date", "outdated", "machine-drafted",
            "missing");
    for (int i = 0; i < r->lang_count; i++) {
        const pack_lang_stats *s = &r->langs[i];
        fprintf(out, "%-8s %6d %11d %9d %16d %8d\n", s->code, s->pages, s->current, s->outdated, s->machine,
                s->missing);
    }
}
