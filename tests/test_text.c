/* The text engine on real fonts: visual order, numbers, fonts per script, wrapping. */
#include <hb.h>
#include <stdlib.h>

#include "check.h"
#include "test.h"
#include "view.h"

static text_layout *lay(const char *s, text_dir dir, int width)
{
    text_style st = {28, false, dir, TEXT_ALIGN_START, 0};
    err e;
    text_layout *l = text_layout_new(test_fonts(), s, NULL, 0, &st, width, &e);
    CHECK(l != NULL);
    return l;
}

/* The visual lines of a paragraph joined by '|'. */
static const char *visual(const char *s, text_dir dir, int width)
{
    static char out[8192];
    text_layout *l = lay(s, dir, width);
    out[0] = 0;
    size_t k = 0;
    for (int i = 0; l && i < l->line_count; i++) {
        char line[4096];
        text_line_visual(l, i, line, sizeof line);
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? "|" : "", line);
    }
    text_layout_free(l);
    return out;
}

/* Reverses UTF-8 text by code point: what a purely right-to-left run looks like. */
static const char *reversed(const char *s)
{
    static char bufs[4][1024];
    static int next;
    char *out = bufs[next++ % 4];
    uint32_t cps[512];
    int n = 0;
    for (const char *p = s; *p && n < 512;)
        cps[n++] = utf8_next(&p);
    size_t k = 0;
    for (int i = n - 1; i >= 0; i--)
        k += (size_t)utf8_put(cps[i], out + k);
    out[k] = 0;
    return out;
}

TEST(text_latin_stays_in_order)
{
    CHECK_STR(visual("Integrationskurs beim BAMF (Kurs 1)", TEXT_DIR_LTR, 0), "Integrationskurs beim BAMF (Kurs 1)");
    CHECK_STR(visual("Українська мова", TEXT_DIR_LTR, 0), "Українська мова");
}

TEST(text_arabic_word_is_reversed_visually)
{
    CHECK_STR(visual("مرحبا", TEXT_DIR_RTL, 0), reversed("مرحبا"));
    CHECK_STR(visual("مرحبا بكم", TEXT_DIR_RTL, 0), reversed("مرحبا بكم"));
}

TEST(text_phone_number_in_arabic_keeps_its_order)
{
    const char *s = "يرجى مراجعة Ausländerbehörde Kaiserslautern على الرقم 0631 7105-0 من 08:00–12:00.";
    char expect[1024];
    /* Visual: the sentence right to left, each LTR island left to right. */
    snprintf(expect, sizeof expect, ".08:00–12:00 %s 0631 7105-0 %s Ausländerbehörde Kaiserslautern %s",
             reversed("من"), reversed("على الرقم"), reversed("يرجى مراجعة"));
    CHECK_STR(visual(s, TEXT_DIR_RTL, 0), expect);
    const char *plus = visual("اتصل على +49 631 7105-0", TEXT_DIR_RTL, 0);
    char expect2[256];
    snprintf(expect2, sizeof expect2, "+49 631 7105-0 %s", reversed("اتصل على"));
    CHECK_STR(plus, expect2);
}

TEST(text_arabic_indic_digits_stay_in_order)
{
    /* Arabic-Indic digits are "Arabic numbers" to the bidi algorithm: an isolate alone still
     * raises them above a hyphen between them and reverses the groups. */
    const char *s = "اتصل على ٠٦٣١ ٧١٠٥-٠ من ٠٨:٠٠–١٢:٠٠";
    char expect[512];
    snprintf(expect, sizeof expect, "٠٨:٠٠–١٢:٠٠ %s ٠٦٣١ ٧١٠٥-٠ %s", reversed("من"), reversed("اتصل على"));
    CHECK_STR(visual(s, TEXT_DIR_RTL, 0), expect);
    /* The same number after a line break, and in a left-to-right paragraph. */
    CHECK(strstr(visual(s, TEXT_DIR_RTL, 200), "٠٦٣١ ٧١٠٥-٠") != NULL);
    CHECK_STR(visual("Tel. ٠٦٣١ ٧١٠٥-٠", TEXT_DIR_LTR, 0), "Tel. ٠٦٣١ ٧١٠٥-٠");
}

TEST(text_persian_digits_stay_in_order)
{
    const char *s = "شماره ۰۶۳۱ ۷۱۰۵-۰ از ۸:۰۰–۱۲:۰۰";
    char expect[512];
    snprintf(expect, sizeof expect, "۸:۰۰–۱۲:۰۰ %s ۰۶۳۱ ۷۱۰۵-۰ %s", reversed("از"), reversed("شماره"));
    CHECK_STR(visual(s, TEXT_DIR_RTL, 0), expect);
}

TEST(text_german_with_arabic_word)
{
    char expect[256];
    snprintf(expect, sizeof expect, "Das Wort %s heißt Arbeit.", reversed("عمل"));
    CHECK_STR(visual("Das Wort عمل heißt Arbeit.", TEXT_DIR_LTR, 0), expect);
}

TEST(text_numbers_never_break_across_lines)
{
    const char *s = "يرجى الاتصال بمكتب الأجانب على الرقم 0631 7105-0 أو زيارة المكتب من 08:00–12:00 كل يوم";
    for (int width = 240; width <= 900; width += 30) {
        const char *v = visual(s, TEXT_DIR_RTL, width);
        CHECK(strstr(v, "0631 7105-0") != NULL);
        CHECK(strstr(v, "08:00–12:00") != NULL);
    }
}

TEST(text_lines_fit_their_width)
{
    const char *s = "Im Integrationskurs lernen Sie Deutsch und erfahren viel über das Leben in Deutschland. "
                    "Der Kurs hat 700 Stunden.";
    for (int width = 200; width <= 800; width += 100) {
        text_layout *l = lay(s, TEXT_DIR_LTR, width);
        if (!l)
            continue;
        CHECK(l->line_count >= 1);
        for (int i = 0; i < l->line_count; i++)
            CHECK(l->lines[i].width <= width);
        CHECK_INT(l->height, l->line_count * l->line_height);
        text_layout_free(l);
    }
    text_layout *one = lay(s, TEXT_DIR_LTR, 0);
    CHECK(one && one->line_count == 1);
    text_layout_free(one);
}

TEST(text_rtl_lines_align_right)
{
    text_layout *l = lay("هذه جملة عربية طويلة نوعا ما لكي تلتف على عدة أسطر في المساحة", TEXT_DIR_RTL, 260);
    if (!l)
        return;
    CHECK(l->line_count > 1);
    CHECK(l->rtl);
    for (int i = 0; i < l->line_count; i++)
        CHECK(abs(l->lines[i].x + l->lines[i].width - 260) <= 1);
    text_layout_free(l);
}

TEST(text_fonts_follow_scripts)
{
    text_layout *l = lay("ትግርኛ 2026 Deutsch العربية", TEXT_DIR_LTR, 0);
    if (!l)
        return;
    bool ethiopic = false, latin = false, arabic = false;
    for (int i = 0; i < l->run_count; i++) {
        const text_run *r = &l->runs[i];
        uint32_t first = l->chars[r->start];
        if (first >= 0x1200 && first <= 0x137F) {
            ethiopic = true;
            CHECK_INT(r->face, TEXT_FACE_ETHIOPIC);
            CHECK_STR(r->script, "Ethi");
        }
        if (first == 'D') {
            latin = true;
            CHECK_INT(r->face, TEXT_FACE_LATIN);
        }
        if (first >= 0x0600 && first <= 0x06FF) {
            arabic = true;
            CHECK_INT(r->face, TEXT_FACE_ARABIC);
            CHECK_STR(r->script, "Arab");
            CHECK(r->level & 1);
        }
        /* Noto Sans Ethiopic has no ASCII digits: they must come from another font. */
        if (first == '2')
            CHECK(r->face != TEXT_FACE_ETHIOPIC);
    }
    CHECK(ethiopic && latin && arabic);
    CHECK_INT(l->missing_count, 0);
    text_layout_free(l);
}

TEST(text_reports_characters_no_font_has)
{
    text_layout *l = lay("Hallo 漢字 \xF0\x9F\x98\x80", TEXT_DIR_LTR, 0);
    if (!l)
        return;
    CHECK(l->missing_count >= 2);
    bool han = false;
    for (int i = 0; i < l->missing_count; i++)
        han |= l->missing[i] == 0x6F22;
    CHECK(han);
    text_layout_free(l);
}

static int inked_pixels(SDL_Surface *s)
{
    int n = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            n += (((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x] >> 24) > 128;
    return n;
}

TEST(text_renders_every_script)
{
    const char *samples[] = {"Deutsch lernen", "تعلم اللغة الألمانية", "آموزش زبان آلمانی", "ትግርኛ ቋንቋ",
                             "Українська мова"};
    SDL_Color ink = {0, 0, 0, 255};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        text_layout *l = lay(samples[i], TEXT_DIR_AUTO, 0);
        if (!l)
            continue;
        err e;
        SDL_Surface *s = text_layout_render(test_fonts(), l, ink, &e);
        CHECK(s != NULL);
        if (s) {
            CHECK_INT(s->w, l->width);
            CHECK(inked_pixels(s) > 50);
            SDL_FreeSurface(s);
        }
        text_layout_free(l);
    }
}

TEST(text_cache_returns_the_same_layout)
{
    text_style st = {24, true, TEXT_DIR_RTL, TEXT_ALIGN_CENTER, 0};
    const text_layout *a = text_layout_cached(test_fonts(), "العربية", NULL, 0, &st, 300);
    const text_layout *b = text_layout_cached(test_fonts(), "العربية", NULL, 0, &st, 300);
    const text_layout *c = text_layout_cached(test_fonts(), "العربية", NULL, 0, &st, 301);
    CHECK(a != NULL && a == b);
    CHECK(c != NULL && c != a);
}

TEST(text_layout_dump_command)
{
    char cmd[512], out[4096];
    snprintf(cmd, sizeof cmd,
             "printf 'مكتب العمل (Jobcenter) هاتف 0631 3640-0\\nHallo Welt\\n' | %s layout --lang ar --pack %s",
             test_bin("wegweiser-pack"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    char expect[512];
    snprintf(expect, sizeof expect, "0631 3640-0 %s )Jobcenter( %s\n\nHallo Welt\n\n", reversed("هاتف"),
             reversed("مكتب العمل"));
    CHECK_STR(out, expect);
}

TEST(text_marks_make_bold_runs_and_findable_links)
{
    /* "Rufen Sie 112 an oder lesen Sie Seite 800." with 112 bold and a link on "Seite 800". */
    const char *s = "Rufen Sie 112 an oder lesen Sie Seite 800.";
    text_mark marks[] = {{10, 13, true, 1}, {32, 41, false, 2}};
    text_style st = {28, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    err e;
    text_layout *l = text_layout_new(test_fonts(), s, marks, 2, &st, 0, &e);
    CHECK(l != NULL);
    if (!l)
        return;
    int bold_runs = 0;
    for (int i = 0; i < l->run_count; i++)
        bold_runs += l->runs[i].bold;
    CHECK_INT(bold_runs, 1);
    text_box one[4], two[4];
    CHECK_INT(text_link_boxes(l, 1, one, 4), 1);
    CHECK_INT(text_link_boxes(l, 2, two, 4), 1);
    CHECK(one[0].x < two[0].x);
    CHECK_INT(text_link_at(l, one[0].x + one[0].w / 2, l->line_height / 2), 1);
    CHECK_INT(text_link_at(l, two[0].x + 2, l->line_height / 2), 2);
    CHECK_INT(text_link_at(l, 1, l->line_height / 2), 0);
    text_layout_free(l);

    /* In Arabic the link sits left of the words that come before it. */
    const char *a = "اقرأ الصفحة 800 الآن";
    text_mark m2[] = {{9, 26, false, 1}};
    st.dir = TEXT_DIR_RTL;
    l = text_layout_new(test_fonts(), a, m2, 1, &st, 0, &e);
    CHECK(l != NULL);
    if (!l)
        return;
    text_box box[2];
    CHECK_INT(text_link_boxes(l, 1, box, 2), 1);
    CHECK(box[0].x > 0 && box[0].x + box[0].w < l->width);
    text_layout_free(l);
}

TEST(text_layout_json_dump)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd,
             "printf 'Tel. 0631 7105-0 ትግርኛ\\n' | %s layout --lang ti --json --width 2000 --pack %s",
             test_bin("wegweiser-pack"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "{\"paragraph\":0,\"line\":0,\"text\":\"Tel. 0631 7105-0 ትግርኛ\"") != NULL);
    /* The Tigrinya word is drawn with the Ethiopic font, and its range counts input code points. */
    CHECK(strstr(out, "\"start\":17,\"end\":21,\"level\":0,\"script\":\"Ethi\",\"font\":\"NotoSansEthiopic-Regular.ttf\"") !=
          NULL);
    /* The isolates the engine put around the number are not counted. */
    CHECK(strstr(out, "\"start\":0,") != NULL);
    int lines = 0;
    for (const char *p = out; (p = strstr(p, "\"paragraph\":")); p++)
        lines++;
    CHECK_INT(lines, 1);
}

TEST(text_line_breaks_inside_an_rtl_paragraph_keep_its_direction)
{
    /* Each line of a multi-line Arabic paragraph ends with its full stop on the left, with or
     * without bold words, and Dari words with ZWNJ stay whole. */
    char expect[512];
    snprintf(expect, sizeof expect, ".%s|.%s", reversed("سطر اول هنا"), reversed("كثير من الدورات مجانية لكم"));
    CHECK_STR(visual("سطر اول هنا.\nكثير من الدورات مجانية لكم.", TEXT_DIR_RTL, 0), expect);
    text_mark bold[] = {{28, 45, true, 0}};
    text_style st = {28, false, TEXT_DIR_RTL, TEXT_ALIGN_START, 0};
    err e;
    text_layout *l = text_layout_new(test_fonts(), "سطر اول هنا.\nكثير من الدورات مجانية لكم.", bold, 1, &st, 0, &e);
    CHECK(l && l->line_count == 2);
    if (l) {
        char line[512];
        text_line_visual(l, 1, line, sizeof line);
        CHECK_STR(line, strchr(expect, '|') + 1);
        text_layout_free(l);
    }
    snprintf(expect, sizeof expect, ".%s|.%s", reversed("کمک‌ها طبق قانون"), reversed("شما کارت می‌گیرید"));
    CHECK_STR(visual("کمک‌ها طبق قانون.\nشما کارت می‌گیرید.", TEXT_DIR_RTL, 0), expect);
}

/* The characters of a layout's line [start, end) as UTF-8, the engine's isolates left out. */
static void line_text(const text_layout *l, int start, int end, char *out, size_t size)
{
    size_t k = 0;
    for (int i = start; i < end && k + 5 < size; i++)
        if (l->source[i] >= 0)
            k += (size_t)utf8_put(l->chars[i], out + k);
    out[k] = 0;
}

/* Width of `s` laid out alone on one line. */
static int width_alone(const char *s, text_dir dir)
{
    text_layout *l = lay(s, dir, 0);
    int w = l ? l->lines[0].width : -1;
    text_layout_free(l);
    return w;
}

/* Checks a layout of one over-long word: every line fits, none could take the next character,
 * and the lines put together give the word back. */
static void check_cut_word(const char *word, const text_layout *l, text_dir dir, int width)
{
    CHECK(l->cut_word);
    CHECK(l->line_count > 1);
    size_t len = strlen(word), at = 0;
    char *line = malloc(len + 8);
    for (int i = 0; line && i < l->line_count; i++) {
        const text_line *ln = &l->lines[i];
        CHECK(ln->width <= width);
        line_text(l, ln->start, ln->end, line, len + 8);
        size_t n = strlen(line);
        CHECK(n > 0 && !strncmp(word + at, line, n));
        at += n;
        if (i + 1 == l->line_count)
            break;
        /* One character more would not have fitted (widths are rounded: it would have
         * needed a whole pixel less). */
        const char *next = word + at;
        const char *after = next;
        utf8_next(&after);
        memcpy(line + n, next, (size_t)(after - next));
        line[n + (size_t)(after - next)] = 0;
        int wider = width_alone(line, dir);
        if (wider < width) {
            char msg[200];
            snprintf(msg, sizeof msg, "line %d is %d px; with the next character %d px, still within %d", i,
                     ln->width, wider, width);
            test_fail(__FILE__, __LINE__, msg);
            break;
        }
    }
    CHECK(at == len);
    free(line);
}

TEST(text_long_word_is_cut_in_linear_work)
{
    /* A base64 blob pasted into a page: 20,000 characters without a break opportunity. Laying
     * it out must cost work in proportion to its length, not to its length times its lines. */
    const int n = 20000;
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *word = malloc((size_t)n + 1);
    if (!word)
        return;
    for (int i = 0; i < n; i++)
        word[i] = b64[(i * 7) % 62];
    word[n] = 0;
    text_stats before = text_fonts_stats(test_fonts());
    text_layout *l = lay(word, TEXT_DIR_LTR, 400);
    text_stats after = text_fonts_stats(test_fonts());
    unsigned long shaped = after.shaped_chars - before.shaped_chars;
    if (shaped > 4ul * (unsigned long)n) {
        char msg[200];
        snprintf(msg, sizeof msg, "shaped %lu characters in %lu calls to lay out a %d-character word", shaped,
                 after.shape_calls - before.shape_calls, n);
        test_fail(__FILE__, __LINE__, msg);
    }
    if (l)
        check_cut_word(word, l, TEXT_DIR_LTR, 400);
    text_layout_free(l);
    free(word);
}

TEST(text_long_word_is_cut_between_clusters)
{
    /* Accents stay on their letter, and an Arabic word cut across lines is shaped piece by
     * piece: each line is as wide as its own text drawn alone. */
    static const struct {
        const char *piece;
        text_dir dir;
    } words[] = {{"e\xCC\x81", TEXT_DIR_LTR}, {"ب", TEXT_DIR_RTL}, {"مس", TEXT_DIR_RTL}, {"ትግ", TEXT_DIR_LTR}};
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        char word[2048] = "";
        while (strlen(word) + strlen(words[w].piece) < 600)
            strcat(word, words[w].piece);
        text_layout *l = lay(word, words[w].dir, 300);
        if (!l)
            continue;
        check_cut_word(word, l, words[w].dir, 300);
        for (int i = 0; i < l->line_count; i++) {
            char line[2048];
            line_text(l, l->lines[i].start, l->lines[i].end, line, sizeof line);
            CHECK(strncmp(line, "\xCC\x81", 2) != 0);
            CHECK(abs(l->lines[i].width - width_alone(line, words[w].dir)) <= 1);
        }
        text_layout_free(l);
    }
}

/* Characters the engine adds or never draws: bidi controls and line separators. */
static bool undrawn(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
           c == '\n' || c == '\r' || c == 0x2028;
}

/* Width in 1/64 px of a run's characters shaped alone by HarfBuzz from the font file. */
static long shaped_alone(const text_layout *l, const text_run *run)
{
    static hb_font_t *fonts[TEXT_FACE_COUNT * 2];
    static int sizes[TEXT_FACE_COUNT * 2];
    int v = run->face * 2 + run->bold;
    if (!fonts[v]) {
        char path[256];
        snprintf(path, sizeof path, "assets/fonts/%s", text_face_file(run->face, run->bold));
        hb_blob_t *blob = hb_blob_create_from_file(path);
        hb_face_t *face = hb_face_create(blob, 0);
        fonts[v] = hb_font_create(face);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
    if (sizes[v] != l->style.size_px) {
        hb_font_set_scale(fonts[v], l->style.size_px * 64, l->style.size_px * 64);
        sizes[v] = l->style.size_px;
    }
    hb_buffer_t *b = hb_buffer_create();
    for (int i = run->start; i < run->end; i++)
        if (!undrawn(l->chars[i]))
            hb_buffer_add(b, l->chars[i], (unsigned)i);
    hb_buffer_set_content_type(b, HB_BUFFER_CONTENT_TYPE_UNICODE);
    hb_buffer_set_direction(b, run->level & 1 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(b, hb_script_from_string(run->script, 4));
    hb_shape(fonts[v], b, NULL, 0);
    unsigned n;
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    long width = 0;
    for (unsigned k = 0; k < n; k++)
        width += pos[k].x_advance;
    hb_buffer_destroy(b);
    return width;
}

/* Checks every run of a layout against HarfBuzz; returns how many runs there were. */
static int check_runs(const text_layout *l, const char *lang, int width)
{
    int runs = 0;
    for (int k = 0; l && k < l->line_count; k++) {
        const text_line *line = &l->lines[k];
        CHECK(line->width <= width);
        for (int r = line->first_run; r < line->first_run + line->run_count; r++) {
            const text_run *run = &l->runs[r];
            long alone = shaped_alone(l, run), placed = 0;
            for (int g = run->first_glyph; g < run->first_glyph + run->glyph_count; g++)
                placed += l->glyphs[g].advance;
            runs++;
            if (labs(run->width * 64L - alone) > 64 || labs(run->width * 64L - placed) > 64) {
                char msg[512], text[256];
                line_text(l, run->start, run->end, text, sizeof text);
                snprintf(msg, sizeof msg, "%s, %d px: run \"%s\" is %d px, drawn %.2f, alone %.2f", lang, width, text,
                         run->width, placed / 64.0, alone / 64.0);
                test_fail(__FILE__, __LINE__, msg);
            }
        }
    }
    return runs;
}

TEST(text_runs_measure_what_is_drawn)
{
    /* Every paragraph of the demo pack in six languages, at three widths: each run is as wide
     * as its characters shaped alone by HarfBuzz (what is drawn, whether the engine divided the
     * paragraph's glyphs or shaped the piece again), its glyphs span exactly its box, and
     * every line fits. */
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    static const char *const langs[] = {"ar", "prs", "ti", "de", "en", "uk"};
    static const int widths[] = {300, 520, 800};
    static char plain[65536];
    int runs = 0, paragraphs = 0;
    for (size_t li = 0; li < sizeof langs / sizeof langs[0]; li++) {
        const pack_language *lang = pack_language_find(p, langs[li]);
        CHECK(lang != NULL);
        for (int pi = 0; lang && pi < pack_page_count(p); pi++) {
            pack_text t;
            if (!pack_text_get(p, pack_page_at(p, pi)->code, langs[li], &t, NULL))
                continue;
            view_plain_text(t.body, plain, sizeof plain);
            pack_text_free(&t);
            for (char *para = strtok(plain, "\n"); para; para = strtok(NULL, "\n")) {
                paragraphs++;
                for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
                    text_layout *l = lay(para, lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, widths[wi]);
                    runs += check_runs(l, langs[li], widths[wi]);
                    text_layout_free(l);
                }
            }
        }
    }
    /* Words too long for a line are cut inside a cluster sequence: the pieces are shaped again. */
    static const struct {
        const char *word, *lang;
        text_dir dir;
    } words[] = {{"مستشفى", "ar", TEXT_DIR_RTL},
                 {"می\u200cکند", "prs", TEXT_DIR_RTL},
                 {"ትግርኛ", "ti", TEXT_DIR_LTR},
                 {"Ausländerbehörde", "de", TEXT_DIR_LTR},
                 {"Українська", "uk", TEXT_DIR_LTR}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        char word[2048] = "";
        while (strlen(word) + strlen(words[k].word) < sizeof word)
            strcat(word, words[k].word);
        for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++) {
            text_layout *l = lay(word, words[k].dir, widths[wi]);
            runs += check_runs(l, words[k].lang, widths[wi]);
            text_layout_free(l);
        }
    }
    printf("    %d paragraphs, %d runs\n", paragraphs, runs);
    CHECK(paragraphs > 100);
    pack_close(p);
}

TEST(text_check_warns_about_words_longer_than_a_line)
{
    /* A base64 blob pasted into a page: check names the file, the line and the word, and how
     * wide it is against the narrowest line; the demo's own words all fit. */
    char dir[600], cmd[1600];
    snprintf(dir, sizeof dir, "%s/longword", test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && cp -r content/kaiserslautern %s && printf '\\nDatei: "
             "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg "
             "Ende.\\n' >> %s/pages/220-jobsuche/de.txt",
             dir, dir, dir);
    CHECK(system(cmd) == 0);
    pack_report r = {0};
    check_sources(dir, test_fonts(), &r);
    bool found = false;
    for (int i = 0; i < r.count; i++) {
        const char *t = r.problems[i].text;
        if (!strstr(t, "pages/220-jobsuche/de.txt:") || !strstr(t, "iVBORw0KGgo"))
            continue;
        found = true;
        CHECK(!r.problems[i].error);
        CHECK(strstr(t, "px wide, but a line on the narrowest screen (720x1280, large text) holds 664 px") != NULL);
        /* The line the word is on, counted in the file. */
        char line_cmd[800], out[64];
        snprintf(line_cmd, sizeof line_cmd, "grep -n iVBORw0KGgo %s/pages/220-jobsuche/de.txt | cut -d: -f1", dir);
        CHECK_INT(test_run(line_cmd, out, sizeof out), 0);
        char expect[128];
        snprintf(expect, sizeof expect, "de.txt:%d: the word", atoi(out));
        CHECK(strstr(t, expect) != NULL);
    }
    CHECK(found);
    pack_report_free(&r);
    pack_report demo = {0};
    check_sources("content/kaiserslautern", test_fonts(), &demo);
    for (int i = 0; i < demo.count; i++)
        CHECK(!strstr(demo.problems[i].text, "narrowest screen"));
    pack_report_free(&demo);
}
