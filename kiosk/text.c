#include "text.h"

#include <SDL_ttf.h>
#include <fribidi.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#define FONT_SLOTS 48
#define ICON_VARIANT (TEXT_FACE_COUNT * 2)
#define CACHE_BUCKETS 4096

static const char *const FACE_FILES[TEXT_FACE_COUNT * 2 + 1] = {
    "NotoSans-Regular.ttf",         "NotoSans-Bold.ttf",         "NotoSansArabicUI-Regular.ttf",
    "NotoSansArabicUI-Bold.ttf",    "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf",
    "MaterialIcons-Regular.ttf",
};

typedef struct font_slot {
    TTF_Font *font;
    int variant, size;
    int direction; /* what was last set on the font, to avoid needless resets */
    char script[5];
    unsigned long last_used;
} font_slot;

typedef struct icon_entry {
    char name[48];
    uint32_t codepoint;
} icon_entry;

typedef struct cache_entry {
    char *text;
    text_mark *marks;
    int mark_count;
    uint32_t hash;
    text_style style;
    int max_width;
    text_layout *layout;
    unsigned long last_used;
    int next; /* bucket chain, -1 ends */
} cache_entry;

struct text_fonts {
    char paths[TEXT_FACE_COUNT * 2 + 1][1024];
    font_slot slots[FONT_SLOTS];
    unsigned long tick;
    icon_entry *icons;
    int icon_count;
    UBreakIterator *breaker;
    cache_entry cache[TEXT_CACHE_KEEP];
    int cache_count;
    int buckets[CACHE_BUCKETS];
};

static unsigned long next_layout_id = 1;

static void free_entry(cache_entry *c);

/* ---- fonts ---- */

static bool load_icons(text_fonts *f, const char *path)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return false;
    char line[128], name[48];
    unsigned int cp;
    int cap = 0;
    while (fgets(line, sizeof line, in)) {
        if (sscanf(line, "%47s %x", name, &cp) != 2)
            continue;
        if (f->icon_count == cap) {
            cap = cap ? cap * 2 : 1024;
            icon_entry *bigger = realloc(f->icons, (size_t)cap * sizeof *bigger);
            if (!bigger)
                break;
            f->icons = bigger;
        }
        snprintf(f->icons[f->icon_count].name, sizeof f->icons[0].name, "%s", name);
        f->icons[f->icon_count++].codepoint = cp;
    }
    fclose(in);
    return f->icon_count > 0;
}

text_fonts *text_fonts_open(const char *assets_dir, err *e)
{
    if (!TTF_WasInit() && TTF_Init() != 0) {
        err_set(e, "cannot start the font renderer: %s", TTF_GetError());
        return NULL;
    }
    text_fonts *f = calloc(1, sizeof *f);
    if (!f) {
        err_set(e, "out of memory loading fonts");
        return NULL;
    }
    memset(f->buckets, -1, sizeof f->buckets);
    for (int v = 0; v <= ICON_VARIANT; v++) {
        snprintf(f->paths[v], sizeof f->paths[v], "%s/fonts/%s", assets_dir, FACE_FILES[v]);
        SDL_RWops *probe = SDL_RWFromFile(f->paths[v], "rb");
        if (!probe) {
            err_set(e, "font %s is missing: run 'make' (it links Debian's Noto fonts into assets/fonts)",
                    f->paths[v]);
            text_fonts_close(f);
            return NULL;
        }
        SDL_RWclose(probe);
    }
    char icons[1100];
    snprintf(icons, sizeof icons, "%s/icons/codepoints", assets_dir);
    if (!load_icons(f, icons)) {
        err_set(e, "icon table %s is missing or empty: run 'make'", icons);
        text_fonts_close(f);
        return NULL;
    }
    UErrorCode status = U_ZERO_ERROR;
    f->breaker = ubrk_open(UBRK_LINE, "", NULL, 0, &status);
    if (U_FAILURE(status)) {
        err_set(e, "cannot start ICU's line breaker: %s", u_errorName(status));
        text_fonts_close(f);
        return NULL;
    }
    return f;
}

void text_fonts_close(text_fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < FONT_SLOTS; i++)
        if (f->slots[i].font)
            TTF_CloseFont(f->slots[i].font);
    for (int i = 0; i < f->cache_count; i++)
        free_entry(&f->cache[i]);
    if (f->breaker)
        ubrk_close(f->breaker);
    free(f->icons);
    free(f);
}

/* A font of one face variant at one pixel size; the least recently used slot is reused. */
static font_slot *slot_for(text_fonts *f, int variant, int size)
{
    f->tick++;
    font_slot *victim = &f->slots[0];
    for (int i = 0; i < FONT_SLOTS; i++) {
        font_slot *s = &f->slots[i];
        if (s->font && s->variant == variant && s->size == size) {
            s->last_used = f->tick;
            return s;
        }
        if (!s->font || (victim->font && s->last_used < victim->last_used))
            victim = s;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    memset(victim, 0, sizeof *victim);
    victim->font = TTF_OpenFont(f->paths[variant], size);
    if (!victim->font)
        return NULL;
    victim->variant = variant;
    victim->size = size;
    victim->direction = -1;
    victim->last_used = f->tick;
    return victim;
}

static TTF_Font *font_for(text_fonts *f, int face, bool bold, int size)
{
    font_slot *s = slot_for(f, face * 2 + (bold ? 1 : 0), size);
    return s ? s->font : NULL;
}

/* SDL_ttf shapes one string with one direction and script set on the font object. */
static TTF_Font *shaping_font(text_fonts *f, int face, bool bold, int size, bool rtl, const char *script)
{
    font_slot *s = slot_for(f, face * 2 + (bold ? 1 : 0), size);
    if (!s)
        return NULL;
    int dir = rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR;
    if (s->direction != dir) {
        TTF_SetFontDirection(s->font, (TTF_Direction)dir);
        s->direction = dir;
    }
    if (strcmp(s->script, script)) {
        TTF_SetFontScriptName(s->font, script);
        snprintf(s->script, sizeof s->script, "%s", script);
    }
    return s->font;
}

static bool face_has(text_fonts *f, int face, uint32_t c)
{
    TTF_Font *font = font_for(f, face, false, 16);
    return font && TTF_GlyphIsProvided32(font, c);
}

const char *text_face_file(int face, bool bold)
{
    return face >= 0 && face < TEXT_FACE_COUNT ? FACE_FILES[face * 2 + (bold ? 1 : 0)] : "";
}

bool text_covered(text_fonts *f, uint32_t c)
{
    for (int face = 0; face < TEXT_FACE_COUNT; face++)
        if (face_has(f, face, c))
            return true;
    return false;
}

uint32_t text_icon_codepoint(const text_fonts *f, const char *name)
{
    for (int i = 0; name && i < f->icon_count; i++)
        if (!strcmp(f->icons[i].name, name))
            return f->icons[i].codepoint;
    return 0;
}

SDL_Surface *text_icon_render(text_fonts *f, uint32_t codepoint, int size_px, SDL_Color color)
{
    font_slot *s = slot_for(f, ICON_VARIANT, size_px);
    if (!s || !codepoint)
        return NULL;
    return TTF_RenderGlyph32_Blended(s->font, codepoint, color);
}

/* ---- character classes ---- */

static bool is_bidi_control(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

/* Characters that take part in layout but are never drawn as glyphs. */
static bool is_skipped(uint32_t c) { return is_bidi_control(c) || c == '\n' || c == '\r' || c == 0x2028; }

static bool is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9);
}

static bool is_dash(uint32_t c) { return c == '-' || c == 0x2010 || c == 0x2011 || c == 0x2013; }

static bool is_space(uint32_t c) { return c == ' ' || c == 0x00A0 || c == 0x202F || c == '\t'; }

/* ---- numbers stay left to right ---- */

/* Length of the separator between two digit groups of a phone number, time or date at
 * chars[i] (0 if none): one of space - – / : . , or " – ", followed by a digit. */
static int number_separator(const uint32_t *chars, int n, int i)
{
    if (i + 1 < n && (is_space(chars[i]) || is_dash(chars[i]) || chars[i] == '/' || chars[i] == ':' ||
                      chars[i] == '.' || chars[i] == ',' || chars[i] == 0x066B || chars[i] == 0x066C) &&
        is_digit(chars[i + 1]))
        return 1;
    if (i + 3 < n && is_space(chars[i]) && is_dash(chars[i + 1]) && is_space(chars[i + 2]) && is_digit(chars[i + 3]))
        return 3;
    return 0;
}

/* Finds the end of a number span starting at i, or returns i when there is none. A span
 * needs a separator: lone numbers are already safe under the bidi algorithm. */
static int number_span_end(const uint32_t *chars, int n, int i)
{
    int j = i;
    if (j < n && chars[j] == '+')
        j++;
    if (j >= n || !is_digit(chars[j]))
        return i;
    bool separated = false;
    for (;;) {
        while (j < n && is_digit(chars[j]))
            j++;
        int sep = number_separator(chars, n, j);
        if (!sep)
            break;
        separated = true;
        j += sep;
    }
    return separated ? j : i;
}

static bool starts_word(const uint32_t *chars, int i)
{
    return i == 0 || !(u_isalnum((UChar32)chars[i - 1]) || chars[i - 1] == '+');
}

/* Copies `in` into a new array with LRI … PDI around every number span; source[k] is the
 * input index of character k (-1 for an added isolate) and nobreak[k] marks positions where a
 * line must not break after character k. */
static uint32_t *isolate_numbers(const uint32_t *in, int n, int *out_n, int **source_out, bool **nobreak_out)
{
    uint32_t *out = malloc(((size_t)n * 3 + 2) * sizeof *out);
    int *source = malloc(((size_t)n * 3 + 2) * sizeof *source);
    bool *nobreak = calloc((size_t)n * 3 + 2, sizeof *nobreak);
    if (!out || !nobreak || !source) {
        free(out);
        free(source);
        free(nobreak);
        return NULL;
    }
    int k = 0;
    for (int i = 0; i < n;) {
        int end = starts_word(in, i) ? number_span_end(in, n, i) : i;
        if (end > i) {
            source[k] = -1;
            out[k++] = 0x2066;
            for (int j = i; j < end; j++) {
                nobreak[k] = j + 1 < end;
                source[k] = j;
                out[k++] = in[j];
            }
            source[k] = -1;
            out[k++] = 0x2069;
            i = end;
        } else {
            source[k] = i;
            out[k++] = in[i++];
        }
    }
    *out_n = k;
    *source_out = source;
    *nobreak_out = nobreak;
    return out;
}

/* ---- bidi ---- */

static FriBidiParType paragraph_type(text_dir dir)
{
    return dir == TEXT_DIR_RTL ? FRIBIDI_PAR_RTL : dir == TEXT_DIR_LTR ? FRIBIDI_PAR_LTR : FRIBIDI_PAR_ON;
}

/* Rules P2–I2 with bracket pairs (N0); rule L1 and reordering happen per line later. */
static bool resolve_levels(const uint32_t *chars, int n, FriBidiParType *base, FriBidiCharType *types,
                           FriBidiBracketType *brackets, FriBidiLevel *levels)
{
    fribidi_get_bidi_types(chars, n, types);
    fribidi_get_bracket_types(chars, n, types, brackets);
    return n == 0 || fribidi_get_par_embedding_levels_ex(types, brackets, n, base, levels) != 0;
}

bool text_bidi(const uint32_t *chars, int n, text_dir dir, int *paragraph_level, unsigned char *levels,
               int *visual)
{
    FriBidiCharType *types = malloc(((size_t)n + 1) * sizeof *types);
    FriBidiBracketType *brackets = malloc(((size_t)n + 1) * sizeof *brackets);
    FriBidiLevel *lv = malloc(((size_t)n + 1) * sizeof *lv);
    FriBidiStrIndex *map = malloc(((size_t)n + 1) * sizeof *map);
    FriBidiParType base = paragraph_type(dir);
    bool ok = types && brackets && lv && map && resolve_levels(chars, n, &base, types, brackets, lv);
    for (int i = 0; ok && i < n; i++)
        map[i] = i;
    if (ok && n > 0)
        ok = fribidi_reorder_line(0, types, n, 0, base, lv, NULL, map) != 0;
    if (ok) {
        *paragraph_level = FRIBIDI_IS_RTL(base) ? 1 : 0;
        for (int i = 0; i < n; i++) {
            levels[i] = (unsigned char)lv[i];
            visual[i] = map[i];
        }
    }
    free(types);
    free(brackets);
    free(lv);
    free(map);
    return ok;
}

/* ---- fonts and scripts per character ---- */

static int strong_face(UScriptCode sc)
{
    switch (sc) {
    case USCRIPT_ARABIC:
        return TEXT_FACE_ARABIC;
    case USCRIPT_ETHIOPIC:
        return TEXT_FACE_ETHIOPIC;
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
    case USCRIPT_UNKNOWN:
        return -1;
    default:
        return TEXT_FACE_LATIN;
    }
}

/* Picks a face for every character: letters by script; digits, punctuation, spaces and
 * controls go with their neighbours when that font has them, else to the first font that
 * does. Also resolves a script per character the same way. */
static void assign_faces(text_fonts *f, const uint32_t *chars, int n, unsigned char *face, UScriptCode *script)
{
    int *strong = malloc((size_t)n * sizeof *strong);
    if (!strong) {
        memset(face, TEXT_FACE_LATIN, (size_t)n);
        for (int i = 0; i < n; i++)
            script[i] = USCRIPT_LATIN;
        return;
    }
    UErrorCode status = U_ZERO_ERROR;
    for (int i = 0; i < n; i++) {
        status = U_ZERO_ERROR;
        script[i] = uscript_getScript((UChar32)chars[i], &status);
        strong[i] = strong_face(script[i]);
    }
    /* Next strong face and script to the right, for characters with none to their left. */
    int next_face = TEXT_FACE_LATIN;
    UScriptCode next_script = USCRIPT_LATIN;
    int *ahead = malloc((size_t)n * sizeof *ahead);
    UScriptCode *ahead_script = malloc((size_t)n * sizeof *ahead_script);
    for (int i = n - 1; ahead && ahead_script && i >= 0; i--) {
        if (strong[i] >= 0) {
            next_face = strong[i];
            next_script = script[i];
        }
        ahead[i] = next_face;
        ahead_script[i] = next_script;
    }
    int prev_face = -1;
    UScriptCode prev_script = USCRIPT_COMMON;
    for (int i = 0; i < n; i++) {
        uint32_t c = chars[i];
        int chosen = strong[i];
        if (chosen >= 0 && !face_has(f, chosen, c)) {
            for (int k = 0; k < TEXT_FACE_COUNT; k++)
                if (face_has(f, k, c)) {
                    chosen = k;
                    break;
                }
        }
        if (chosen < 0) {
            int after = ahead ? ahead[i] : TEXT_FACE_LATIN;
            bool invisible = is_skipped(c) || c == 0x200C || c == 0x200D || script[i] == USCRIPT_INHERITED;
            if (prev_face >= 0 && (invisible || face_has(f, prev_face, c)))
                chosen = prev_face;
            else if (invisible || face_has(f, after, c))
                chosen = after;
            else {
                chosen = TEXT_FACE_LATIN;
                for (int k = 0; k < TEXT_FACE_COUNT; k++)
                    if (face_has(f, k, c)) {
                        chosen = k;
                        break;
                    }
            }
            script[i] = prev_face >= 0 ? prev_script : ahead_script ? ahead_script[i] : USCRIPT_LATIN;
        }
        face[i] = (unsigned char)chosen;
        prev_face = chosen;
        prev_script = script[i];
    }
    free(ahead);
    free(ahead_script);
    free(strong);
}

static void script_tag(UScriptCode sc, int face, char out[5])
{
    const char *name = face == TEXT_FACE_ARABIC     ? "Arab"
                       : face == TEXT_FACE_ETHIOPIC ? "Ethi"
                                                    : uscript_getShortName(sc);
    if (!name || strlen(name) != 4 || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
        name = face == TEXT_FACE_ARABIC ? "Arab" : face == TEXT_FACE_ETHIOPIC ? "Ethi" : "Latn";
    memcpy(out, name, 4);
    out[4] = 0;
}

/* ---- measuring ---- */

typedef struct work {
    text_fonts *f;
    const uint32_t *chars;
    int n;
    const unsigned char *face;
    const UScriptCode *script;
    const FriBidiLevel *level;
    const text_style *style;
    const bool *bold;
    const int *link;
} work;

static int encode_range(const uint32_t *chars, int a, int b, char *out, size_t size)
{
    size_t k = 0;
    for (int i = a; i < b && k + 5 < size; i++)
        if (!is_skipped(chars[i]))
            k += (size_t)utf8_put(chars[i], out + k);
    out[k] = 0;
    return (int)k;
}

/* Width of [a, b) drawn as one run with the face, script and level of chars[a]. */
static int measure_run(const work *w, int a, int b, char *buf, size_t size)
{
    if (encode_range(w->chars, a, b, buf, size) == 0)
        return 0;
    char tag[5];
    script_tag(w->script[a], w->face[a], tag);
    TTF_Font *font = shaping_font(w->f, w->face[a], w->bold[a], w->style->size_px, w->level[a] & 1, tag);
    int width = 0, height = 0;
    if (!font || TTF_SizeUTF8(font, buf, &width, &height) != 0)
        return 0;
    return width;
}

static bool same_run(const work *w, int i, int j)
{
    return w->face[i] == w->face[j] && w->level[i] == w->level[j] && w->script[i] == w->script[j] &&
           w->bold[i] == w->bold[j] && w->link[i] == w->link[j];
}

/* Width of the logical range [a, b), split wherever face, level or script change. */
static int measure_logical(const work *w, int a, int b, char *buf, size_t size)
{
    int width = 0;
    while (a < b) {
        int end = a + 1;
        while (end < b && (is_skipped(w->chars[end]) || same_run(w, a, end)))
            end++;
        width += measure_run(w, a, end, buf, size);
        a = end;
    }
    return width;
}

/* ---- line breaking ---- */

bool text_breaks(text_fonts *f, const uint32_t *chars, int n, unsigned char *brk)
{
    memset(brk, 0, (size_t)n);
    UChar *u16 = malloc(((size_t)n * 2 + 1) * sizeof *u16);
    int *to_char = malloc(((size_t)n * 2 + 1) * sizeof *to_char);
    if (!u16 || !to_char) {
        free(u16);
        free(to_char);
        return false;
    }
    int len = 0;
    for (int i = 0; i < n; i++) {
        uint32_t c = chars[i];
        if (c >= 0x10000) {
            to_char[len] = i;
            u16[len++] = (UChar)(0xD800 + ((c - 0x10000) >> 10));
            to_char[len] = i;
            u16[len++] = (UChar)(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            to_char[len] = i;
            u16[len++] = (UChar)c;
        }
    }
    to_char[len] = n;
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(f->breaker, u16, len, &status);
    if (U_SUCCESS(status)) {
        for (int32_t b = ubrk_first(f->breaker); (b = ubrk_next(f->breaker)) != UBRK_DONE;) {
            int after = to_char[b] - 1;
            if (after < 0 || after >= n)
                continue;
            int rule = ubrk_getRuleStatus(f->breaker);
            brk[after] = rule >= UBRK_LINE_HARD && rule < UBRK_LINE_HARD_LIMIT ? 2 : 1;
        }
    }
    bool ok = U_SUCCESS(status);
    status = U_ZERO_ERROR;
    ubrk_setText(f->breaker, NULL, 0, &status);
    free(u16);
    free(to_char);
    return ok;
}

/* Break opportunities, none inside a number span. */
static bool find_breaks(text_fonts *f, const uint32_t *chars, int n, const bool *nobreak, unsigned char *brk)
{
    if (!text_breaks(f, chars, n, brk))
        return false;
    for (int i = 0; i < n; i++)
        if (nobreak[i] && brk[i] == 1)
            brk[i] = 0;
    return true;
}

static bool trailing_blank(uint32_t c) { return is_space(c) || is_skipped(c) || c == 0x200B; }

/* Splits the paragraph into lines: greedy, measured on shaped widths; a word wider than a
 * whole line is cut where it must be. Writes line start offsets, returns the count. */
static int break_lines(const work *w, const unsigned char *brk, int max_width, int *starts, bool *cut, char *buf,
                       size_t size)
{
    int count = 0, n = w->n;
    starts[count++] = 0;
    int line_start = 0, line_width = 0;
    int seg_start = 0;
    for (int i = 0; i < n; i++) {
        if (!brk[i] && i != n - 1)
            continue;
        int seg_end = i + 1;
        int core_end = seg_end;
        while (core_end > seg_start && trailing_blank(w->chars[core_end - 1]))
            core_end--;
        int core = measure_logical(w, seg_start, core_end, buf, size);
        if (max_width > 0 && line_start < seg_start && line_width + core > max_width) {
            starts[count++] = seg_start;
            line_start = seg_start;
            line_width = 0;
        }
        /* A segment that alone is too wide: cut it at the last character that fits. */
        while (max_width > 0 && line_start == seg_start && core > max_width && core_end - seg_start > 1) {
            int lo = seg_start + 1, hi = core_end - 1, fit = seg_start + 1;
            while (lo <= hi) {
                int mid = (lo + hi) / 2;
                if (measure_logical(w, seg_start, mid, buf, size) <= max_width) {
                    fit = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            starts[count++] = fit;
            *cut = true;
            seg_start = line_start = fit;
            core = measure_logical(w, seg_start, core_end, buf, size);
        }
        line_width += measure_logical(w, seg_start, seg_end, buf, size);
        if (brk[i] == 2 && seg_end < n) {
            starts[count++] = seg_end;
            line_start = seg_end;
            line_width = 0;
        }
        seg_start = seg_end;
    }
    return count;
}

/* ---- per-line reordering ---- */

static bool adjacent(const uint32_t *chars, int from, int to)
{
    int step = to > from ? 1 : -1;
    for (int k = from + step; k != to; k += step)
        if (!is_skipped(chars[k]))
            return false;
    return true;
}

static void font_metrics(text_fonts *f, const text_style *s, int face, int *ascent, int *descent)
{
    TTF_Font *font = font_for(f, face, s->bold, s->size_px);
    *ascent = font ? TTF_FontAscent(font) : s->size_px;
    *descent = font ? -TTF_FontDescent(font) : s->size_px / 4;
}

static bool layout_lines(work *w, text_layout *l, const FriBidiCharType *types, FriBidiParType base,
                         const int *starts, int line_count, int max_width, char *buf, size_t size)
{
    int n = w->n;
    FriBidiLevel *levels = malloc(((size_t)n + 1) * sizeof *levels);
    FriBidiStrIndex *map = malloc(((size_t)n + 1) * sizeof *map);
    l->runs = malloc(((size_t)n + 1) * sizeof *l->runs);
    l->lines = calloc((size_t)line_count, sizeof *l->lines);
    if (!levels || !map || !l->runs || !l->lines) {
        free(levels);
        free(map);
        return false;
    }
    memcpy(levels, w->level, (size_t)n * sizeof *levels);
    int widest = 0;
    for (int li = 0; li < line_count; li++) {
        text_line *line = &l->lines[li];
        int start = starts[li], end = li + 1 < line_count ? starts[li + 1] : n;
        line->start = start;
        line->end = end;
        line->first_run = l->run_count;
        while (end > start && trailing_blank(w->chars[end - 1]))
            end--;
        for (int i = start; i < end; i++)
            map[i] = i;
        if (end > start && !fribidi_reorder_line(0, types, end - start, start, base, levels, NULL, map)) {
            free(levels);
            free(map);
            return false;
        }
        int x = 0;
        text_run *run = NULL;
        int last = -1;
        for (int v = start; v < end; v++) {
            int i = map[v];
            if (is_skipped(w->chars[i]))
                continue;
            bool rtl = levels[i] & 1;
            if (run && levels[i] == run->level && w->face[i] == run->face && w->script[i] == w->script[last] &&
                w->bold[i] == run->bold && w->link[i] == run->link &&
                (rtl ? i < last : i > last) && adjacent(w->chars, last, i)) {
                if (rtl)
                    run->start = i;
                else
                    run->end = i + 1;
            } else {
                run = &l->runs[l->run_count++];
                memset(run, 0, sizeof *run);
                run->start = i;
                run->end = i + 1;
                run->level = (unsigned char)levels[i];
                run->face = w->face[i];
                run->bold = w->bold[i];
                run->link = w->link[i];
                script_tag(w->script[i], w->face[i], run->script);
            }
            last = i;
        }
        line->run_count = l->run_count - line->first_run;
        /* Shape with this line's levels (rule L1 may have changed them at its end). */
        const FriBidiLevel *paragraph_levels = w->level;
        w->level = levels;
        for (int r = line->first_run; r < l->run_count; r++) {
            text_run *rr = &l->runs[r];
            rr->width = measure_run(w, rr->start, rr->end, buf, size);
            rr->x = x;
            x += rr->width;
        }
        w->level = paragraph_levels;
        line->width = x;
        if (x > widest)
            widest = x;
    }
    free(levels);
    free(map);
    l->width = max_width > 0 ? max_width : widest;
    for (int li = 0; li < line_count; li++) {
        text_line *line = &l->lines[li];
        int room = l->width - line->width;
        line->x = l->style.align == TEXT_ALIGN_CENTER ? room / 2 : l->rtl ? room : 0;
        for (int r = line->first_run; r < line->first_run + line->run_count; r++)
            l->runs[r].x += line->x;
        line->baseline = li * l->line_height + l->ascent;
    }
    l->height = line_count * l->line_height;
    return true;
}

static void note_missing(text_layout *l, text_fonts *f)
{
    for (int i = 0; i < l->char_count; i++) {
        uint32_t c = l->chars[i];
        if (is_skipped(c) || c == 0x200C || c == 0x200D || c == '\t' || text_covered(f, c))
            continue;
        bool seen = false;
        for (int k = 0; k < l->missing_count; k++)
            seen |= l->missing[k] == c;
        if (!seen && l->missing_count < (int)(sizeof l->missing / sizeof l->missing[0]))
            l->missing[l->missing_count++] = c;
    }
}

/* Per character of the layout: bold and link from the marks, which count input bytes. */
static bool apply_marks(const char *utf8, const text_mark *marks, int mark_count, const text_layout *l,
                        bool base_bold, bool *bold, int *link)
{
    size_t in_len = strlen(utf8);
    int *byte_of = malloc((in_len + 1) * sizeof *byte_of);
    if (!byte_of)
        return false;
    int n = 0;
    for (const char *p = utf8; *p;) {
        byte_of[n++] = (int)(p - utf8);
        utf8_next(&p);
    }
    for (int k = 0; k < l->char_count; k++) {
        /* An added isolate takes the attributes of the character it wraps. */
        int src = l->source[k] >= 0 ? l->source[k] : k + 1 < l->char_count && l->source[k + 1] >= 0 ? l->source[k + 1]
                                                 : k > 0 ? l->source[k - 1]
                                                         : -1;
        bold[k] = base_bold;
        link[k] = 0;
        if (src < 0)
            continue;
        int byte = byte_of[src];
        for (int m = 0; m < mark_count; m++)
            if (byte >= marks[m].start && byte < marks[m].end) {
                bold[k] = bold[k] || marks[m].bold;
                if (marks[m].link)
                    link[k] = marks[m].link;
            }
    }
    free(byte_of);
    return true;
}

text_layout *text_layout_new(text_fonts *f, const char *utf8, const text_mark *marks, int mark_count,
                             const text_style *style, int max_width, err *e)
{
    text_layout *l = calloc(1, sizeof *l);
    size_t in_len = strlen(utf8);
    uint32_t *input = malloc((in_len + 1) * sizeof *input);
    if (!l || !input) {
        free(l);
        free(input);
        err_set(e, "out of memory laying out text");
        return NULL;
    }
    int n = 0;
    for (const char *p = utf8; *p;) {
        uint32_t c = utf8_next(&p);
        /* A newline inside a paragraph breaks the line, not the paragraph: to the bidi
         * algorithm U+000A would end the paragraph and the next line would lose its direction. */
        input[n++] = c == '\n' ? 0x2028 : c;
    }
    bool *nobreak = NULL;
    l->chars = isolate_numbers(input, n, &l->char_count, &l->source, &nobreak);
    free(input);
    l->style = *style;
    l->id = next_layout_id++;
    n = l->char_count;

    FriBidiCharType *types = malloc(((size_t)n + 1) * sizeof *types);
    FriBidiBracketType *brackets = malloc(((size_t)n + 1) * sizeof *brackets);
    FriBidiLevel *levels = malloc(((size_t)n + 1) * sizeof *levels);
    unsigned char *face = malloc((size_t)n + 1);
    UScriptCode *script = malloc(((size_t)n + 1) * sizeof *script);
    unsigned char *brk = malloc((size_t)n + 1);
    int *starts = malloc(((size_t)n + 1) * sizeof *starts);
    bool *bold = malloc(((size_t)n + 1) * sizeof *bold);
    int *link = malloc(((size_t)n + 1) * sizeof *link);
    size_t buf_size = (size_t)n * 4 + 16;
    char *buf = malloc(buf_size);
    bool ok = l->chars && nobreak && types && brackets && levels && face && script && brk && starts && bold && link &&
              buf && apply_marks(utf8, marks, mark_count, l, style->bold, bold, link);

    FriBidiParType base = paragraph_type(style->dir);
    if (ok) {
        ok = resolve_levels(l->chars, n, &base, types, brackets, levels);
        l->rtl = FRIBIDI_IS_RTL(base);
    }
    if (ok) {
        assign_faces(f, l->chars, n, face, script);
        int ascent = 0, descent = 0;
        for (int k = 0; k < TEXT_FACE_COUNT; k++) {
            bool used = k == TEXT_FACE_LATIN;
            for (int i = 0; i < n && !used; i++)
                used = face[i] == k;
            if (!used)
                continue;
            int a, d;
            font_metrics(f, style, k, &a, &d);
            ascent = a > ascent ? a : ascent;
            descent = d > descent ? d : descent;
        }
        l->ascent = ascent + style->leading / 2;
        l->line_height = ascent + descent + style->leading;
        work w = {f, l->chars, n, face, script, levels, style, bold, link};
        ok = find_breaks(f, l->chars, n, nobreak, brk);
        int line_count = ok && n > 0 ? break_lines(&w, brk, max_width, starts, &l->cut_word, buf, buf_size) : 1;
        starts[0] = 0;
        ok = ok && layout_lines(&w, l, types, base, starts, line_count, max_width, buf, buf_size);
        if (ok)
            l->line_count = line_count;
    }
    if (ok)
        note_missing(l, f);
    free(nobreak);
    free(types);
    free(brackets);
    free(levels);
    free(face);
    free(script);
    free(brk);
    free(starts);
    free(bold);
    free(link);
    free(buf);
    if (!ok) {
        err_set(e, "out of memory laying out text");
        text_layout_free(l);
        return NULL;
    }
    return l;
}

int text_link_at(const text_layout *l, int x, int y)
{
    if (y < 0 || l->line_height <= 0)
        return 0;
    int li = y / l->line_height;
    if (li >= l->line_count)
        return 0;
    const text_line *line = &l->lines[li];
    for (int r = line->first_run; r < line->first_run + line->run_count; r++)
        if (x >= l->runs[r].x && x < l->runs[r].x + l->runs[r].width)
            return l->runs[r].link;
    return 0;
}

int text_link_boxes(const text_layout *l, int link, text_box *out, int max)
{
    int n = 0;
    for (int li = 0; li < l->line_count; li++) {
        const text_line *line = &l->lines[li];
        text_box *box = NULL;
        for (int r = line->first_run; r < line->first_run + line->run_count; r++) {
            const text_run *run = &l->runs[r];
            if (run->link != link) {
                box = NULL;
                continue;
            }
            if (box) {
                box->w = run->x + run->width - box->x;
                continue;
            }
            if (n < max)
                box = &out[n];
            n++;
            if (box)
                *box = (text_box){run->x, li * l->line_height, run->width, l->line_height};
        }
    }
    return n;
}

void text_layout_free(text_layout *l)
{
    if (!l)
        return;
    free(l->chars);
    free(l->source);
    free(l->runs);
    free(l->lines);
    free(l);
}

/* ---- cache ---- */

static uint32_t hash_key(const char *s, const text_mark *marks, int mark_count, const text_style *st, int max_width)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    for (int m = 0; m < mark_count; m++) {
        int parts[] = {marks[m].start, marks[m].end, marks[m].bold, marks[m].link};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
            h = (h ^ (uint32_t)parts[i]) * 16777619u;
    }
    int parts[] = {st->size_px, st->bold, st->dir, st->align, st->leading, max_width};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        h = (h ^ (uint32_t)parts[i]) * 16777619u;
    return h;
}

static bool same_key(const cache_entry *c, const char *utf8, const text_mark *marks, int mark_count,
                     const text_style *st, int max_width)
{
    return c->max_width == max_width && c->style.size_px == st->size_px && c->style.bold == st->bold &&
           c->style.dir == st->dir && c->style.align == st->align && c->style.leading == st->leading &&
           c->mark_count == mark_count &&
           (mark_count == 0 || !memcmp(c->marks, marks, (size_t)mark_count * sizeof *marks)) && !strcmp(c->text, utf8);
}

static void unlink_entry(text_fonts *f, int index)
{
    int *link = &f->buckets[f->cache[index].hash % CACHE_BUCKETS];
    while (*link != index)
        link = &f->cache[*link].next;
    *link = f->cache[index].next;
}

static void free_entry(cache_entry *c)
{
    free(c->text);
    free(c->marks);
    text_layout_free(c->layout);
}

const text_layout *text_layout_cached(text_fonts *f, const char *utf8, const text_mark *marks, int mark_count,
                                      const text_style *style, int max_width)
{
    uint32_t h = hash_key(utf8, marks, mark_count, style, max_width);
    f->tick++;
    for (int i = f->buckets[h % CACHE_BUCKETS]; i >= 0; i = f->cache[i].next) {
        cache_entry *c = &f->cache[i];
        if (c->hash == h && same_key(c, utf8, marks, mark_count, style, max_width)) {
            c->last_used = f->tick;
            return c->layout;
        }
    }
    text_layout *layout = text_layout_new(f, utf8, marks, mark_count, style, max_width, NULL);
    char *copy = strdup(utf8);
    text_mark *marks_copy = mark_count ? malloc((size_t)mark_count * sizeof *marks) : NULL;
    if (!layout || !copy || (mark_count && !marks_copy)) {
        text_layout_free(layout);
        free(copy);
        free(marks_copy);
        return NULL;
    }
    if (mark_count)
        memcpy(marks_copy, marks, (size_t)mark_count * sizeof *marks);
    int slot;
    if (f->cache_count < TEXT_CACHE_KEEP) {
        slot = f->cache_count++;
    } else {
        slot = 0;
        for (int i = 1; i < TEXT_CACHE_KEEP; i++)
            if (f->cache[i].last_used < f->cache[slot].last_used)
                slot = i;
        unlink_entry(f, slot);
        free_entry(&f->cache[slot]);
    }
    cache_entry *c = &f->cache[slot];
    *c = (cache_entry){copy, marks_copy, mark_count, h, *style, max_width, layout, f->tick,
                       f->buckets[h % CACHE_BUCKETS]};
    f->buckets[h % CACHE_BUCKETS] = slot;
    return layout;
}

/* ---- drawing ---- */

/* Text is one colour, so runs combine by taking the stronger coverage per pixel; plain
 * alpha blending onto a transparent surface would darken the glyph edges. */
static void compose(SDL_Surface *dst, SDL_Surface *src, int x, int y, SDL_Color color)
{
    for (int sy = 0; sy < src->h; sy++) {
        int dy = y + sy;
        if (dy < 0 || dy >= dst->h)
            continue;
        const Uint32 *s = (const Uint32 *)((const Uint8 *)src->pixels + sy * src->pitch);
        Uint32 *d = (Uint32 *)((Uint8 *)dst->pixels + dy * dst->pitch);
        for (int sx = 0; sx < src->w; sx++) {
            int dx = x + sx;
            if (dx < 0 || dx >= dst->w)
                continue;
            Uint8 a = (Uint8)(s[sx] >> 24);
            Uint8 old = (Uint8)(d[dx] >> 24);
            if (a > old)
                d[dx] = ((Uint32)a << 24) | ((Uint32)color.r << 16) | ((Uint32)color.g << 8) | color.b;
        }
    }
}

/* Draws lines [first, first + count) into a new surface, the first line at its top. */
static SDL_Surface *render_lines(text_fonts *f, const text_layout *l, int first, int count, SDL_Color color, err *e)
{
    int w = l->width > 0 ? l->width : 1, h = count * l->line_height > 0 ? count * l->line_height : 1;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    size_t size = (size_t)l->char_count * 4 + 16;
    char *buf = malloc(size);
    if (!out || !buf) {
        SDL_FreeSurface(out);
        free(buf);
        err_set(e, "out of memory drawing text");
        return NULL;
    }
    SDL_FillRect(out, NULL, 0);
    SDL_Color white = {255, 255, 255, 255};
    for (int li = first; li < first + count && li < l->line_count; li++) {
        const text_line *line = &l->lines[li];
        int top = (li - first) * l->line_height;
        for (int r = line->first_run; r < line->first_run + line->run_count; r++) {
            const text_run *run = &l->runs[r];
            if (encode_range(l->chars, run->start, run->end, buf, size) == 0)
                continue;
            TTF_Font *font =
                shaping_font(f, run->face, run->bold, l->style.size_px, run->level & 1, run->script);
            SDL_Surface *glyphs = font ? TTF_RenderUTF8_Blended(font, buf, white) : NULL;
            if (!glyphs)
                continue;
            SDL_Surface *argb = glyphs->format->format == SDL_PIXELFORMAT_ARGB8888
                                    ? glyphs
                                    : SDL_ConvertSurfaceFormat(glyphs, SDL_PIXELFORMAT_ARGB8888, 0);
            if (argb) {
                SDL_LockSurface(argb);
                /* Every font sits on the line's one baseline, whatever its own ascent. */
                compose(out, argb, run->x, top + l->ascent - TTF_FontAscent(font), color);
                SDL_UnlockSurface(argb);
            }
            if (argb != glyphs)
                SDL_FreeSurface(argb);
            SDL_FreeSurface(glyphs);
        }
    }
    free(buf);
    return out;
}

SDL_Surface *text_layout_render(text_fonts *f, const text_layout *l, SDL_Color color, err *e)
{
    return render_lines(f, l, 0, l->line_count, color, e);
}

SDL_Surface *text_line_render(text_fonts *f, const text_layout *l, int line, SDL_Color color, err *e)
{
    return render_lines(f, l, line, 1, color, e);
}

void text_line_visual(const text_layout *l, int line, char *out, size_t size)
{
    size_t k = 0;
    out[0] = 0;
    if (line < 0 || line >= l->line_count || size < 5)
        return;
    const text_line *ln = &l->lines[line];
    for (int r = ln->first_run; r < ln->first_run + ln->run_count; r++) {
        const text_run *run = &l->runs[r];
        bool rtl = run->level & 1;
        for (int i = 0; i < run->end - run->start; i++) {
            uint32_t c = l->chars[rtl ? run->end - 1 - i : run->start + i];
            if (is_skipped(c) || k + 5 >= size)
                continue;
            k += (size_t)utf8_put(c, out + k);
        }
    }
    out[k] = 0;
}
