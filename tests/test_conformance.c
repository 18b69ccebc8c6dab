/* Conformance of the engine's bidi and line-break steps against Unicode's own test files
 * (Debian's unicode-data). The pass counts are pinned: they may rise, never fall. Measured
 * figures are in docs/text.md. */
#include <stdlib.h>

#include "test.h"

#define BIDI_TEST "/usr/share/unicode/BidiCharacterTest.txt"
#define LINEBREAK_TEST "/usr/share/unicode/auxiliary/LineBreakTest.txt"

/* Pinned from the measurement on Debian 12 (FriBidi 1.0.8, ICU 72.1, unicode-data 15.0.0). */
#define BIDI_PASS_MIN 91707
#define LINEBREAK_PASS_MIN 7632

/* Characters removed by rule X9: the test file gives them no level and no place. */
static bool removed_by_x9(uint32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || c == 0x200B || c == 0xFEFF || c <= 0x0008 ||
           (c >= 0x000E && c <= 0x001B) || (c >= 0x007F && c <= 0x0084) || (c >= 0x0086 && c <= 0x009F) ||
           c == 0x00AD || c == 0x180E || (c >= 0x200B && c <= 0x200D) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x206A && c <= 0x206F);
}

static int parse_hex_list(char *s, uint32_t *out, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " "); tok && n < max; tok = strtok(NULL, " "))
        out[n++] = (uint32_t)strtoul(tok, NULL, 16);
    return n;
}

static bool bidi_case(char *line)
{
    char *field[5];
    int nf = 0;
    for (char *p = line; nf < 5; nf++) {
        field[nf] = p;
        char *semi = strchr(p, ';');
        if (!semi) {
            nf++;
            break;
        }
        *semi = 0;
        p = semi + 1;
    }
    if (nf != 5)
        return false;
    uint32_t chars[256];
    int n = parse_hex_list(field[0], chars, 256);
    int dir = atoi(field[1]), expect_par = atoi(field[2]);
    unsigned char levels[256];
    int visual[256], par = -1;
    text_dir d = dir == 0 ? TEXT_DIR_LTR : dir == 1 ? TEXT_DIR_RTL : TEXT_DIR_AUTO;
    if (!text_bidi(chars, n, d, &par, levels, visual) || par != expect_par)
        return false;
    int k = 0;
    for (char *tok = strtok(field[3], " "); tok; tok = strtok(NULL, " "), k++) {
        if (k >= n)
            return false;
        if (tok[0] != 'x' && atoi(tok) != levels[k])
            return false;
    }
    /* Visual order without the removed characters. */
    int expect[256], ne = 0, got = 0;
    for (char *tok = strtok(field[4], " \n"); tok && ne < 256; tok = strtok(NULL, " \n"))
        expect[ne++] = atoi(tok);
    for (int v = 0; v < n; v++) {
        int i = visual[v];
        if (removed_by_x9(chars[i]))
            continue;
        if (got >= ne || expect[got] != i)
            return false;
        got++;
    }
    return got == ne;
}

static bool linebreak_case(char *line)
{
    uint32_t chars[256];
    unsigned char expect[256];
    int n = 0;
    const char *p = line;
    while (*p && *p != '#' && n < 256) {
        if (!strncmp(p, "\xC3\x97", 2)) { /* × */
            if (n > 0)
                expect[n - 1] = 0;
            p += 2;
        } else if (!strncmp(p, "\xC3\xB7", 2)) { /* ÷ */
            if (n > 0)
                expect[n - 1] = 1;
            p += 2;
        } else if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')) {
            char *end;
            chars[n++] = (uint32_t)strtoul(p, &end, 16);
            p = end;
        } else {
            p++;
        }
    }
    if (n == 0)
        return true;
    unsigned char brk[256];
    if (!text_breaks(test_fonts(), chars, n, brk))
        return false;
    /* The last position is the end of text, always a break: not a rule being tested. */
    for (int i = 0; i < n - 1; i++)
        if ((brk[i] != 0) != (expect[i] != 0))
            return false;
    return true;
}

/* Runs every test line of a Unicode test file through `one`; prints and returns how many pass
 * (-1 when the file cannot be read), with the number of lines in *total. */
static int run_file(const char *path, bool (*one)(char *line), int *total)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    static char line[8192];
    int pass = 0;
    *total = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        (*total)++;
        pass += one(line);
    }
    fclose(f);
    printf("    %s: %d of %d lines pass (%.2f%%)\n", path, pass, *total, *total ? 100.0 * pass / *total : 0.0);
    return pass;
}

TEST(conformance_bidi_character_test)
{
    int total = 0, pass = run_file(BIDI_TEST, bidi_case, &total);
    CHECK(total > 90000);
    CHECK(pass >= BIDI_PASS_MIN);
}

TEST(conformance_line_break_test)
{
    int total = 0, pass = run_file(LINEBREAK_TEST, linebreak_case, &total);
    CHECK(total > 7000);
    CHECK(pass >= LINEBREAK_PASS_MIN);
}

/* Total advance of a word as HarfBuzz's own hb-shape shapes it, in pixels at `size` (asked in
 * 1/64 px, so no advance is rounded on its own). */
static int hb_shape_width(const char *font, const char *dir, const char *script, const char *word, int size,
                          int *glyphs)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof cmd,
             "LC_ALL=C.UTF-8 hb-shape --font-size=%d --direction=%s --script=%s --no-glyph-names --no-clusters "
             "--output-format=json assets/fonts/%s '%s'",
             size * 64, dir, script, font, word);
    if (test_run(cmd, out, sizeof out) != 0)
        return -1;
    int width = 0;
    *glyphs = 0;
    for (const char *p = strstr(out, "\"ax\":"); p; p = strstr(p + 1, "\"ax\":")) {
        width += atoi(p + 5);
        (*glyphs)++;
    }
    return (width + 32) / 64;
}

TEST(conformance_shaping_matches_hb_shape)
{
    static const struct {
        const char *word, *font, *dir, *script;
    } cases[] = {
        {"العربية", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"مكتب العمل", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"الاندماج", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"آموزش", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"می\u200cکند", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"شهرداری", "NotoSansArabicUI-Regular.ttf", "rtl", "Arab"},
        {"ትግርኛ", "NotoSansEthiopic-Regular.ttf", "ltr", "Ethi"},
        {"ሰላም", "NotoSansEthiopic-Regular.ttf", "ltr", "Ethi"},
        {"Ausländerbehörde", "NotoSans-Regular.ttf", "ltr", "Latn"},
        {"Flüchtlinge", "NotoSans-Regular.ttf", "ltr", "Latn"},
        {"Українська", "NotoSans-Regular.ttf", "ltr", "Cyrl"},
    };
    const int size = 40;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool rtl = !strcmp(cases[i].dir, "rtl");
        text_style st = {size, false, rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
        err e;
        text_layout *l = text_layout_new(test_fonts(), cases[i].word, NULL, 0, &st, 0, &e);
        CHECK(l != NULL);
        if (!l)
            continue;
        int glyphs = 0, expect = hb_shape_width(cases[i].font, cases[i].dir, cases[i].script, cases[i].word, size,
                                                &glyphs);
        CHECK(expect > 0);
        /* The engine shapes with HarfBuzz's unhinted advances: the same numbers, rounded once. */
        if (abs(l->lines[0].width - expect) > 1) {
            char msg[256];
            snprintf(msg, sizeof msg, "'%s': our width %d, hb-shape %d (%d glyphs)", cases[i].word,
                     l->lines[0].width, expect, glyphs);
            test_fail(__FILE__, __LINE__, msg);
        }
        text_layout_free(l);
    }
    /* The check can fail: letters kept apart (as unjoined shaping would draw them) are wider. */
    int glyphs = 0;
    int joined = hb_shape_width("NotoSansArabicUI-Regular.ttf", "rtl", "Arab", "العربية", size, &glyphs);
    int apart = hb_shape_width("NotoSansArabicUI-Regular.ttf", "rtl", "Arab",
                               "ا\u200cل\u200cع\u200cر\u200cب\u200cي\u200cة", size, &glyphs);
    CHECK(apart - joined > glyphs);
}
