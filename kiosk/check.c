#include "check.h"

#include <string.h>

#include "utf8.h"
#include "view.h"

/* The smallest screen the kiosk supports: a title that fits a tile there fits everywhere. */
#define SMALL_W 800
#define SMALL_H 480

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

static void each_text(void *user, const char *file, const pack_page *page, const pack_language *lang,
                      const char *title, const char *tile_title, const char *body)
{
    checker *k = user;
    uncovered(k, file, "title", title);
    uncovered(k, file, "text", body);
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
