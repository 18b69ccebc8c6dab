/* The text engine on real fonts: visual order, numbers, fonts per script, wrapping. */
#include <stdlib.h>

#include "test.h"

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
