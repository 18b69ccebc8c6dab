/* Page-code handouts (wegweiser-pack handout): built from the demo pack in ar, prs, ti and de,
 * then read back the ways a person and a phone would: pdftotext for the words and their
 * order, pdftoppm for the pages, zbarimg for the office's QR code.
 *
 * What pdftotext (poppler 22.12, Debian 12) does to right-to-left text, measured, so the
 * comparisons below expect exactly that and nothing looser:
 * - it writes direction marks (U+202A–U+202E) around runs, and drops characters that have no
 *   glyph (ZWNJ, the isolates the handout adds around numbers);
 * - it places spaces by the gaps between glyphs, so Arabic-script words may gain or lose one;
 * - a glyph that stands for two characters (the lam-alef ligatures لا لأ لإ لآ, lam with alef
 *   maksura, heh with hamza above ۀ) comes out with those two characters swapped;
 * - it guesses one direction per page from the majority of its letters, so on a sheet with
 *   much German the runs of a mixed line ("اتحاد بلديات Landstuhl") come out in the order they
 *   stand on paper; each run keeps its own logical order.
 * So texts are compared without white space, with those pairs swapped, and a title mixing
 * Arabic letters with Latin ones run by run. Numbers are the cases that break naive bidi:
 * "0631 0000-900" and "08:00–12:00" must come out whole, never as "900-0000 0631". */
#include <SDL_image.h>
#include <stdlib.h>
#include <unistd.h>

#include "handout.h"
#include "i18n.h"
#include "session.h"
#include "test.h"
#include "view.h"

#define TEXT_MAX (1 << 18)

/* Characters a PDF carries no glyph for, which pdftotext drops or adds on its own. */
static bool unseen(uint32_t c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r' || c == 0xA0 || c == 0x200C ||
           c == 0x200D || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069) || c == 0x2060 || (c >= 0xE000 && c <= 0xF8FF) /* icons */;
}

static bool lam_pair(uint32_t a, uint32_t b)
{
    return a == 0x0644 && (b == 0x0627 || b == 0x0623 || b == 0x0625 || b == 0x0622 || b == 0x0649);
}

/* `in` as pdftotext gives it back (see the top of this file); `out` holds TEXT_MAX bytes. */
static void as_extracted(const char *in, char *out)
{
    uint32_t cps[4096];
    int n = 0;
    for (const char *p = in; *p && n < 4096;)
        cps[n++] = utf8_next(&p);
    /* Before spaces go: a ligature forms only between neighbours. */
    for (int i = 0; i + 1 < n; i++)
        if (lam_pair(cps[i], cps[i + 1]) || cps[i + 1] == 0x0654) {
            uint32_t t = cps[i];
            cps[i] = cps[i + 1];
            cps[i + 1] = t;
            i++;
        }
    size_t k = 0;
    for (int i = 0; i < n && k + 5 < TEXT_MAX; i++)
        if (!unseen(cps[i]))
            k += (size_t)utf8_put(cps[i], out + k);
    out[k] = 0;
}

/* pdftotext of pages first..last, without the characters it adds or drops (malloc'd). */
static char *pdf_text(const char *pdf, int first, int last)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d '%s' - 2>&1", first, last, pdf);
    char *raw = malloc(TEXT_MAX), *out = malloc(TEXT_MAX);
    if (!raw || !out || test_run(cmd, raw, TEXT_MAX) != 0) {
        free(raw);
        free(out);
        return NULL;
    }
    size_t k = 0;
    for (const char *p = raw; *p && k + 5 < TEXT_MAX;) {
        uint32_t c = utf8_next(&p);
        if (!unseen(c))
            k += (size_t)utf8_put(c, out + k);
    }
    out[k] = 0;
    free(raw);
    return out;
}

static bool arabic_letter(uint32_t c) { return c >= 0x0600 && c <= 0x06FF && !(c >= 0x06F0 && c <= 0x06F9); }
static bool latin_letter(uint32_t c) { return (c < 0x80 && ((c | 32) >= 'a' && (c | 32) <= 'z')) || (c >= 0xC0 && c < 0x250); }

/* Checks that `title` is in `text` as pdftotext writes it: whole, or for a title mixing
 * Arabic-script and Latin letters, each run whole (runs split where the letters change
 * script; what stands between two runs goes with the earlier one). */
static bool title_in(const char *text, const char *title)
{
    char want[4096], *expected = malloc(TEXT_MAX);
    if (!expected)
        return false;
    bool arabic = false, latin = false;
    for (const char *p = title; *p;) {
        uint32_t c = utf8_next(&p);
        arabic |= arabic_letter(c);
        latin |= latin_letter(c);
    }
    bool found = true;
    if (!(arabic && latin)) {
        as_extracted(title, expected);
        found = strstr(text, expected) != NULL;
    } else {
        /* Split into runs of one script; neutral characters stay in the run they follow. */
        const char *start = title, *p = title;
        int script = 0;
        while (*p) {
            const char *at = p;
            uint32_t c = utf8_next(&p);
            int now = arabic_letter(c) ? 1 : latin_letter(c) ? 2 : 0;
            if (now && script && now != script) {
                snprintf(want, sizeof want, "%.*s", (int)(at - start), start);
                as_extracted(want, expected);
                found &= strstr(text, expected) != NULL;
                start = at;
            }
            if (now)
                script = now;
        }
        snprintf(want, sizeof want, "%s", start);
        as_extracted(want, expected);
        found &= strstr(text, expected) != NULL;
    }
    free(expected);
    return found;
}

static int pdf_pages(const char *pdf)
{
    char cmd[1200], out[4096];
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>&1 | sed -n 's/^Pages: *//p'", pdf);
    return test_run(cmd, out, sizeof out) == 0 ? atoi(out) : -1;
}

/* Share of pixels in per mille that are not paper-white: ink on the page. */
static int ink_per_mille(const char *png)
{
    SDL_Surface *raw = IMG_Load(png);
    SDL_Surface *s = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(raw);
    if (!s)
        return -1;
    long ink = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            Uint32 px = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
            if ((px & 0xFF) < 200 || (px >> 8 & 0xFF) < 200 || (px >> 16 & 0xFF) < 200)
                ink++;
        }
    int per_mille = (int)(ink * 1000 / ((long)s->w * s->h));
    SDL_FreeSurface(s);
    return per_mille;
}

static bool tools_present(void)
{
    if (system("command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null && command -v pdfinfo >/dev/null && "
               "command -v zbarimg >/dev/null") != 0) {
        test_fail(__FILE__, __LINE__, "pdftotext, pdftoppm, pdfinfo (poppler-utils) or zbarimg (zbar-tools) is missing: "
                                      "run make deps");
        return false;
    }
    return true;
}

/* The handout of `lang` with sheets for 903 (an office), 310 and 904 (a title mixing scripts);
 * returns its page count, or -1. */
static int make_handout(const char *lang, char *pdf, size_t size)
{
    snprintf(pdf, size, "%s/handout-%s.pdf", test_tmpdir(), lang);
    char cmd[2000], out[1024];
    snprintf(cmd, sizeof cmd, "%s handout %s --lang %s --pages 903,310,904 -o %s 2>&1", test_bin("wegweiser-pack"),
             test_demo_pack(), lang, pdf);
    int status = test_run(cmd, out, sizeof out);
    if (status != 0) {
        char msg[1400];
        snprintf(msg, sizeof msg, "wegweiser-pack handout --lang %s: exit %d: %s", lang, status, out);
        test_fail(__FILE__, __LINE__, msg);
        return -1;
    }
    char *colon = strstr(out, ": ");
    return colon ? atoi(colon + 2) : -1;
}

static void check_language(const char *lang)
{
    if (!tools_present())
        return;
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    const pack_language *l = pack_language_find(p, lang);
    char pdf[700];
    int pages = make_handout(lang, pdf, sizeof pdf);
    /* Index sheets, then one sheet per page asked for. */
    CHECK(pages >= 4);
    CHECK_INT(pdf_pages(pdf), pages);
    int index_pages = pages - 3;

    /* The index: every page's title in the language and in German, every code in the
     * language's digits and (where those differ) in Western digits. */
    char *index = pdf_text(pdf, 1, index_pages);
    CHECK(index != NULL);
    for (int i = 0; index && i < pack_page_count(p); i++) {
        const pack_page *page = pack_page_at(p, i);
        char title[PACK_TITLE_BYTES_MAX + 1], german[PACK_TITLE_BYTES_MAX + 1], code[64], msg[800];
        pack_title_get(p, page->code, lang, title, sizeof title);
        pack_title_get(p, page->code, "de", german, sizeof german);
        i18n_digits(page->code, l->digits, code, sizeof code);
        const char *missing = !title_in(index, title[0] ? title : german) ? "title"
                              : !title_in(index, german)                   ? "German title"
                              : !strstr(index, code)                       ? "code"
                              : !strstr(index, page->code)                 ? "code in Western digits"
                                                                           : NULL;
        if (missing) {
            snprintf(msg, sizeof msg, "%s index: the %s of page %s (%s / %s / %s) is not found as written", lang,
                     missing, page->code, code, title, german);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    free(index);

    /* The office's sheet: titles, code, and the office's numbers whole. */
    int office_sheet = index_pages + 1;
    char *sheet = pdf_text(pdf, office_sheet, office_sheet);
    CHECK(sheet != NULL);
    if (sheet) {
        char title[PACK_TITLE_BYTES_MAX + 1], german[PACK_TITLE_BYTES_MAX + 1], code[64], hours[64];
        pack_title_get(p, "903", lang, title, sizeof title);
        pack_title_get(p, "903", "de", german, sizeof german);
        i18n_digits("903", l->digits, code, sizeof code);
        i18n_digits("08:00–12:00", l->digits, hours, sizeof hours);
        CHECK(title_in(sheet, title));
        CHECK(title_in(sheet, german));
        CHECK(strstr(sheet, code) != NULL);
        CHECK(strstr(sheet, "903") != NULL);
        pack_office o;
        CHECK(pack_office_get(p, "jobcenter", &o));
        for (int i = 0; i < o.phone_count; i++) {
            char want[64];
            as_extracted(o.phones[i], want);
            CHECK(strstr(sheet, want) != NULL);
        }
        CHECK(strstr(sheet, "Musterstraße20,67659Kaiserslautern") != NULL);
        CHECK(strstr(sheet, hours) != NULL);
        if (!strcmp(lang, "prs")) {
            CHECK(strstr(sheet, "۹۰۳") != NULL);
            CHECK(strstr(sheet, "۰۸:۰۰–۱۲:۰۰") != NULL);
        }
        free(sheet);
    }
    /* 904's title mixes scripts in ar and prs ("اتحاد بلديات Bruchmühlbach-Miesau"). */
    char *mixed = pdf_text(pdf, pages, pages);
    if (mixed) {
        char title[PACK_TITLE_BYTES_MAX + 1];
        pack_title_get(p, "904", lang, title, sizeof title);
        CHECK(title_in(mixed, title));
        free(mixed);
    }

    /* Rendered: as many pictures as pages, none blank. */
    char prefix[800], cmd[2000], out[256];
    snprintf(prefix, sizeof prefix, "%s/handout-%s", test_tmpdir(), lang);
    snprintf(cmd, sizeof cmd, "pdftoppm -r 40 -png '%s' '%s' && ls '%s'-*.png | wc -l", pdf, prefix, prefix);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_INT(atoi(out), pages);
    for (int page = 1; page <= pages; page++) {
        char png[900];
        snprintf(png, sizeof png, "%s-%d.png", prefix, page);
        int ink = ink_per_mille(png);
        /* The band and footer alone are 7 % of a sheet; the demo's sheets have 10 to 15 %. */
        if (ink < 90 || ink > 400) {
            char msg[1000];
            snprintf(msg, sizeof msg, "%s: %d per mille of the page is ink", png, ink);
            test_fail(__FILE__, __LINE__, msg);
        }
    }

    /* The QR code on the office's sheet carries what the kiosk's office card carries. */
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 150 -png -f %d -l %d '%s' '%s-qr' && zbarimg --quiet --raw -Sbinary '%s-qr'-*.png 2>/dev/null",
             office_sheet, office_sheet, pdf, prefix, prefix);
    char decoded[PACK_OFFICE_QR_BYTES + 64], want[PACK_OFFICE_QR_BYTES + 1];
    CHECK_INT(test_run(cmd, decoded, sizeof decoded), 0);
    pack_office o;
    CHECK(pack_office_get(p, "jobcenter", &o));
    pack_office_qr_text(&o, want, sizeof want);
    CHECK_STR(decoded, want);
    pack_close(p);
}

TEST(handout_ar)
{
    check_language("ar");
}

TEST(handout_prs)
{
    check_language("prs");
}

TEST(handout_ti)
{
    check_language("ti");
}

TEST(handout_de)
{
    check_language("de");
}

/* The office card on the screen and the handout take their QR text from one function. */
TEST(handout_qr_text_is_the_office_cards)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    session *s = test_visit(p, "ti", 1280, 800);
    app_handle(&s->app, &(app_event){.type = APP_EV_OPEN, .arg = "903"});
    const view_list *l = session_display(s);
    const char *shown = NULL;
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_QR)
            shown = l->cmds[i].text;
    pack_office o;
    CHECK(pack_office_get(p, "jobcenter", &o));
    char want[PACK_OFFICE_QR_BYTES];
    pack_office_qr_text(&o, want, sizeof want);
    CHECK_STR(shown, want);
    CHECK_STR(want, "Jobcenter Kreis Kaiserslautern\nMusterstraße 20, 67659 Kaiserslautern\nTel. 0631 0000-900\n"
                    "Tel. 0631 0000-955\nMo 08:00-12:00\nDi 08:00-12:00\nDo 08:00-12:00, 14:00-17:30\nFr 08:00-12:00");
    session_free(s);
    pack_close(p);
}

TEST(handout_isolates_numbers_as_the_kiosk_does)
{
    char out[256];
    CHECK(text_isolate_numbers("اتصلوا على 0631 7105-0 من 08:00–12:00", out, sizeof out));
    CHECK_STR(out, "اتصلوا على \u2066\u202d0631 \u20607105-\u20600\u202c\u2069 من "
                   "\u2066\u202d08:00–\u206012:00\u202c\u2069");
    /* A lone number needs nothing; a buffer too small says so. */
    CHECK(text_isolate_numbers("صفحة 310", out, sizeof out));
    CHECK_STR(out, "صفحة 310");
    CHECK(!text_isolate_numbers("0631 7105-0", out, 8));
}

TEST(handout_refuses_what_the_pack_does_not_have)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    char pdf[700];
    snprintf(pdf, sizeof pdf, "%s/refused.pdf", test_tmpdir());
    handout_opts o = {.lang = "fr", .assets_dir = "assets", .locale_dir = "build/locale"};
    CHECK_INT(handout_write(p, &o, pdf, &e), -1);
    CHECK_STR(e.msg, "the pack has no language 'fr'; it has de, ar, prs, ti, en, uk");
    const char *pages[] = {"903", "999"};
    o = (handout_opts){.lang = "ar", .pages = pages, .page_count = 2, .assets_dir = "assets",
                       .locale_dir = "build/locale"};
    CHECK_INT(handout_write(p, &o, pdf, &e), -1);
    CHECK(strstr(e.msg, "no page '999'") != NULL);
    o.page_count = 1;
    o.assets_dir = "/nonexistent";
    CHECK_INT(handout_write(p, &o, pdf, &e), -1);
    CHECK(strstr(e.msg, "/nonexistent") != NULL);
    CHECK(access(pdf, F_OK) != 0);
    /* A folder that cannot be written to: the message names the file. */
    o.assets_dir = "assets";
    CHECK_INT(handout_write(p, &o, "/nonexistent/handout.pdf", &e), -1);
    CHECK(strstr(e.msg, "/nonexistent/handout.pdf") != NULL);
    pack_close(p);
}
