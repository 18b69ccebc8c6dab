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

#include "font.h"

#define ICON_VARIANT (TEXT_FACE_COUNT * 2)
#define ICON_SLOTS 8
#define CACHE_BUCKETS 4096
#define SCRATCH_KEEP 16384 /* glyphs: several screens of text */

static const char *const FACE_FILES[TEXT_FACE_COUNT * 2 + 1] = {
    "NotoSans-Regular.ttf",         "NotoSans-Bold.ttf",         "NotoSansArabicUI-Regular.ttf",
    "NotoSansArabicUI-Bold.ttf",    "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf",
    "MaterialIcons-Regular.ttf",
};

/* The icon font at one size, drawn by SDL_ttf from the bytes the font store holds. */
typedef struct icon_slot {
    TTF_Font *font;
    int size;
    unsigned long last_used;
} icon_slot;

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
    font_store *store;
    icon_slot icon_slots[ICON_SLOTS];
    unsigned long tick;
    icon_entry *icons;
    int icon_count;
    UBreakIterator *breaker;
    font_glyphs shaped, piece; /* scratch glyphs, kept between layouts */
    cache_entry cache[TEXT_CACHE_KEEP];
    int cache_count;
    int buckets[CACHE_BUCKETS];
};

static unsigned long next_layout_id = 1;

static void free_entry(cache_entry *c);

/* ---- fonts ---- */

static int compare_icon_names(const void *a, const void *b)
{
    return strcmp(((const icon_entry *)a)->name, ((const icon_entry *)b)->name);
}

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
    if (f->icon_count > 1)
        qsort(f->icons, (size_t)f->icon_count, sizeof *f->icons, compare_icon_names);
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
    char paths[ICON_VARIANT + 1][1024];
    const char *path_of[ICON_VARIANT + 1];
    for (int v = 0; v <= ICON_VARIANT; v++) {
        snprintf(paths[v], sizeof paths[v], "%s/fonts/%s", assets_dir, FACE_FILES[v]);
        path_of[v] = paths[v];
    }
    f->store = font_store_open(path_of, ICON_VARIANT + 1, e);
    if (!f->store) {
        text_fonts_close(f);
        return NULL;
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
    for (int i = 0; i < ICON_SLOTS; i++)
        if (f->icon_slots[i].font)
            TTF_CloseFont(f->icon_slots[i].font);
    for (int i = 0; i < f->cache_count; i++)
        free_entry(&f->cache[i]);
    if (f->breaker)
        ubrk_close(f->breaker);
    font_store_close(f->store);
    free(f->shaped.at);
    free(f->piece.at);
    free(f->icons);
    free(f);
}

static int variant_of(int face, bool bold) { return face * 2 + (bold ? 1 : 0); }

static bool face_has(text_fonts *f, int face, uint32_t c) { return font_has(f->store, variant_of(face, false), c); }

const char *text_face_file(int face, bool bold)
{
    return face >= 0 && face < TEXT_FACE_COUNT ? FACE_FILES[variant_of(face, bold)] : "";
}

bool text_covered(text_fonts *f, uint32_t c)
{
    for (int face = 0; face < TEXT_FACE_COUNT; face++)
        if (face_has(f, face, c))
            return true;
    return false;
}

text_stats text_fonts_stats(const text_fonts *f)
{
    text_stats s;
    font_counts(f->store, &s.shaped_chars, &s.shape_calls);
    return s;
}


/* The table is sorted by name when loaded: every frame looks up a dozen icons among 2,000. */
uint32_t text_icon_codepoint(const text_fonts *f, const char *name)
{
    icon_entry key;
    if (!name || !f->icon_count || snprintf(key.name, sizeof key.name, "%s", name) >= (int)sizeof key.name)
        return 0;
    const icon_entry *hit = bsearch(&key, f->icons, (size_t)f->icon_count, sizeof *f->icons, compare_icon_names);
    return hit ? hit->codepoint : 0;
}

/* The icon font at a size; the least recently used size makes room. */
static TTF_Font *icon_font(text_fonts *f, int size)
{
    f->tick++;
    icon_slot *victim = &f->icon_slots[0];
    for (int i = 0; i < ICON_SLOTS; i++) {
        icon_slot *s = &f->icon_slots[i];
        if (s->font && s->size == size) {
            s->last_used = f->tick;
            return s->font;
        }
        if (s->last_used < victim->last_used)
            victim = s;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    size_t bytes;
    const void *data = font_data(f->store, ICON_VARIANT, &bytes);
    SDL_RWops *rw = SDL_RWFromConstMem(data, (int)bytes);
    *victim = (icon_slot){rw ? TTF_OpenFontRW(rw, 1, size) : NULL, size, f->tick};
    return victim->font;
}

SDL_Surface *text_icon_render(text_fonts *f, uint32_t codepoint, int size_px, SDL_Color color)
{
    TTF_Font *font = codepoint && size_px > 0 ? icon_font(f, size_px) : NULL;
    return font ? TTF_RenderGlyph32_Blended(font, codepoint, color) : NULL;
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

/* Copies `in` into a new array with LRI LRO … PDF PDI around every number span; source[k] is
 * the input index of character k (-1 for an added control) and nobreak[k] marks positions where
 * a line must not break after character k. The isolate keeps the span apart from the sentence;
 * the override inside it is needed because Arabic-Indic digits are "Arabic numbers" to the bidi
 * algorithm: in an isolate alone they still rise above a hyphen or dash between them, and
 * "٠٦٣١ ٧١٠٥-٠" would be shown as "٠-٧١٠٥ ٠٦٣١". */
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
            static const uint32_t open[] = {0x2066, 0x202D}, close[] = {0x202C, 0x2069};
            for (int c = 0; c < 2; c++) {
                nobreak[k] = c == 1;
                source[k] = -1;
                out[k++] = open[c];
            }
            for (int j = i; j < end; j++) {
                nobreak[k] = j + 1 < end;
                source[k] = j;
                out[k++] = in[j];
            }
            for (int c = 0; c < 2; c++) {
                source[k] = -1;
                out[k++] = close[c];
            }
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

bool text_isolate_numbers(const char *in, char *out, size_t size)
{
    if (!size)
        return false;
    out[0] = 0;
    size_t len = strlen(in);
    uint32_t *chars = malloc((len + 1) * sizeof *chars);
    if (!chars)
        return false;
    int n = 0;
    for (const char *p = in; *p;)
        chars[n++] = utf8_next(&p);
    int count = 0, *source = NULL;
    bool *nobreak = NULL;
    uint32_t *isolated = isolate_numbers(chars, n, &count, &source, &nobreak);
    free(chars);
    if (!isolated)
        return false;
    size_t k = 0;
    bool fits = true;
    for (int i = 0; i < count && fits; i++) {
        char bytes[8];
        int b = utf8_put(isolated[i], bytes);
        /* Where this engine forbids a break inside a span, a line breaker that knows only
         * UAX #14 needs a word joiner: after the space of "0631 7105-0" or the dash of a time. */
        if (nobreak[i] && source[i] >= 0 && (is_space(isolated[i]) || is_dash(isolated[i]) || isolated[i] == '/'))
            b += utf8_put(0x2060, bytes + b);
        if (k + (size_t)b + 1 > size)
            fits = false;
        else {
            memcpy(out + k, bytes, (size_t)b);
            k += (size_t)b;
        }
    }
    out[k] = 0;
    free(isolated);
    free(source);
    free(nobreak);
    return fits;
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

/* ---- shaping: once per run of the paragraph ---- */

/* A logical stretch of the paragraph shaped in one go: one font, script, direction, bold
 * and link. Characters that are never drawn (bidi controls, newlines) go with the item they
 * stand in. */
typedef struct item {
    int start, end;
    int first_glyph, glyph_count; /* in work.shaped */
    int variant;
    bool rtl;
    char script[5];
} item;

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
    item *items;
    int item_count;
    int *item_of;           /* per character */
    int64_t *prefix;        /* prefix[i]: advance of characters [0, i), 1/64 px; n + 1 entries */
    unsigned char *cluster; /* per character: CLUSTER_* */
    int *first, *last;      /* per cluster start: its first and last glyph in work.shaped */
    uint32_t *cps;          /* scratch: what is handed to the shaper */
    int *clusters;
} work;

enum { CLUSTER_NONE, CLUSTER_START, CLUSTER_UNSAFE };

static bool same_run(const work *w, int i, int j)
{
    return w->face[i] == w->face[j] && w->level[i] == w->level[j] && w->script[i] == w->script[j] &&
           w->bold[i] == w->bold[j] && w->link[i] == w->link[j];
}

/* Shapes the drawn characters of [a, b) with the item's font, direction and script,
 * appending glyphs (whose clusters are character indices) to `out`. */
static bool shape_range(work *w, const item *it, int a, int b, font_glyphs *out)
{
    int k = 0;
    for (int i = a; i < b; i++)
        if (!is_skipped(w->chars[i])) {
            w->cps[k] = w->chars[i];
            w->clusters[k++] = i;
        }
    return k == 0 || font_shape(w->f->store, it->variant, w->style->size_px, it->rtl, it->script, w->cps,
                                w->clusters, k, out);
}

/* Splits the paragraph into items, shapes each once and keeps every character's advance
 * (a cluster's advance on its first character) as prefix sums. */
static bool shape_items(work *w)
{
    int n = w->n;
    font_glyphs *g = &w->f->shaped;
    g->count = 0;
    w->item_count = 0;
    w->prefix[0] = 0;
    if (n <= 0)
        return true;
    for (int a = 0; a < n;) {
        int s = a; /* the first drawn character: its attributes make the item */
        while (s < n && is_skipped(w->chars[s]))
            s++;
        int end = s < n ? s + 1 : n;
        while (end < n && (is_skipped(w->chars[end]) || same_run(w, s, end)))
            end++;
        if (s == n)
            s = a;
        item *it = &w->items[w->item_count++];
        *it = (item){a, end, g->count, 0, variant_of(w->face[s], w->bold[s]), w->level[s] & 1, ""};
        script_tag(w->script[s], w->face[s], it->script);
        if (!shape_range(w, it, a, end, g))
            return false;
        it->glyph_count = g->count - it->first_glyph;
        for (int i = a; i < end; i++)
            w->item_of[i] = w->item_count - 1;
        a = end;
    }
    int64_t *adv = w->prefix + 1; /* filled per character, summed below */
    memset(w->prefix, 0, ((size_t)n + 1) * sizeof *w->prefix);
    memset(w->cluster, CLUSTER_NONE, (size_t)n);
    for (int k = 0; k < g->count; k++) {
        const font_glyph *gl = &g->at[k];
        int c = gl->cluster;
        if (w->cluster[c] == CLUSTER_NONE) {
            w->first[c] = w->last[c] = k;
            w->cluster[c] = CLUSTER_START;
        }
        w->first[c] = k < w->first[c] ? k : w->first[c];
        w->last[c] = k > w->last[c] ? k : w->last[c];
        if (gl->unsafe)
            w->cluster[c] = CLUSTER_UNSAFE;
        adv[c] += gl->advance;
    }
    for (int i = 0; i < n; i++)
        w->prefix[i + 1] += w->prefix[i];
    return true;
}

/* Whether the text may be cut before character p, and how: CLUSTER_NONE inside a cluster,
 * CLUSTER_UNSAFE where both sides must be shaped again, CLUSTER_START where the paragraph's
 * glyphs can simply be divided. */
static int cut_kind(const work *w, int p)
{
    if (p <= 0 || p >= w->n)
        return CLUSTER_START;
    const item *it = &w->items[w->item_of[p]];
    if (p == it->start)
        return CLUSTER_START;
    int q = p;
    while (q < it->end && is_skipped(w->chars[q]))
        q++;
    return q == it->end ? CLUSTER_START : w->cluster[q];
}

/* Width of [a, b) shaped alone: the sum of advances when both ends may simply be cut, else
 * the pieces at unsafe ends shaped again, as they will be drawn. */
static int64_t exact_width(work *w, int a, int b)
{
    if (a >= b)
        return 0;
    int64_t total = w->prefix[b] - w->prefix[a];
    int ka = cut_kind(w, a), kb = cut_kind(w, b);
    if (ka == CLUSTER_START && kb == CLUSTER_START)
        return total;
    const item *first = &w->items[w->item_of[a]];
    const item *last = b < w->n ? &w->items[w->item_of[b]] : first;
    font_glyphs *piece = &w->f->piece;
    for (int side = 0; side < 2; side++) {
        if (side == 0 ? ka == CLUSTER_START : kb == CLUSTER_START || (ka != CLUSTER_START && last == first))
            continue;
        const item *it = side == 0 ? first : last;
        int from = a > it->start ? a : it->start, to = b < it->end ? b : it->end;
        piece->count = 0;
        if (!shape_range(w, it, from, to, piece))
            continue;
        total -= w->prefix[to] - w->prefix[from];
        for (int k = 0; k < piece->count; k++)
            total += piece->at[k].advance;
    }
    return total;
}

/* Whether [a, b) fits in max64. Shaping a piece again changes only the glyphs next to its
 * ends, so far from the limit the paragraph's advances decide alone. */
static bool fits(work *w, int a, int b, int64_t max64)
{
    int64_t approx = w->prefix[b] - w->prefix[a], margin = (int64_t)w->style->size_px * 64 * 2;
    if (approx > max64 + margin)
        return false;
    if (approx < max64 - margin)
        return true;
    return exact_width(w, a, b) <= max64;
}

/* Where to cut a word [a, b) too wide for a line: after the last whole cluster that fits,
 * at least one cluster. Returns a when the word is one cluster. */
static int cut_point(work *w, int a, int b, int64_t max64)
{
    int first = -1, best = -1;
    for (int c = a + 1; c < b; c++) {
        if (cut_kind(w, c) == CLUSTER_NONE)
            continue;
        if (first < 0)
            first = c;
        if (w->prefix[c] - w->prefix[a] > max64)
            break;
        best = c;
    }
    if (first < 0)
        return a;
    if (best < 0)
        best = first;
    /* A cut inside a joined word changes the letters beside it: measure them as drawn. */
    for (int steps = 0; steps < 32 && best > first && exact_width(w, a, best) > max64; steps++) {
        int c = best - 1;
        while (c > first && cut_kind(w, c) == CLUSTER_NONE)
            c--;
        best = c;
    }
    return best;
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
/* Splits the paragraph into lines: greedy, on the advances of the one shaping pass, in time
 * linear in its length; a word wider than a whole line is cut between clusters. Writes line
 * start offsets, returns the count. */
static int break_lines(work *w, const unsigned char *brk, int max_width, int *starts, bool *cut)
{
    int count = 0, n = w->n;
    int64_t max64 = (int64_t)max_width * 64;
    starts[count++] = 0;
    int line_start = 0, seg_start = 0;
    for (int i = 0; i < n; i++) {
        if (!brk[i] && i != n - 1)
            continue;
        int seg_end = i + 1;
        int core_end = seg_end;
        while (core_end > seg_start && trailing_blank(w->chars[core_end - 1]))
            core_end--;
        if (max_width > 0 && line_start < seg_start && !fits(w, line_start, core_end, max64)) {
            starts[count++] = seg_start;
            line_start = seg_start;
        }
        while (max_width > 0 && line_start == seg_start && !fits(w, seg_start, core_end, max64)) {
            int at = cut_point(w, seg_start, core_end, max64);
            if (at <= seg_start)
                break;
            starts[count++] = at;
            *cut = true;
            seg_start = line_start = at;
        }
        if (brk[i] == 2 && seg_end < n) {
            starts[count++] = seg_end;
            line_start = seg_end;
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

static void line_metrics(text_fonts *f, const text_style *s, int face, int *ascent, int *descent)
{
    if (!font_metrics(f->store, variant_of(face, s->bold), s->size_px, ascent, descent)) {
        *ascent = s->size_px;
        *descent = s->size_px / 4;
    }
}

static int round64(int64_t v) { return (int)((v + 32) >> 6); }

/* Appends the glyphs of [a, b), one item's part of a line, to `out`: a slice of the
 * paragraph's glyphs when both ends may simply be cut, else the part shaped again. */
static bool piece_glyphs(work *w, const item *it, int a, int b, font_glyphs *out)
{
    if (cut_kind(w, a) != CLUSTER_START || cut_kind(w, b) != CLUSTER_START)
        return shape_range(w, it, a, b, out);
    int qa = a, qb = b;
    while (qa < b && is_skipped(w->chars[qa]))
        qa++;
    while (qb < it->end && is_skipped(w->chars[qb]))
        qb++;
    if (qa >= b)
        return true;
    int lo, hi; /* inclusive, in buffer (visual) order */
    if (!it->rtl) {
        lo = w->first[qa];
        hi = qb < it->end ? w->first[qb] - 1 : it->first_glyph + it->glyph_count - 1;
    } else {
        hi = w->last[qa];
        lo = qb < it->end ? w->last[qb] + 1 : it->first_glyph;
    }
    if (hi < lo)
        return true;
    if (!font_glyphs_reserve(out, hi - lo + 1))
        return false;
    memcpy(out->at + out->count, w->f->shaped.at + lo, (size_t)(hi - lo + 1) * sizeof *out->at);
    out->count += hi - lo + 1;
    return true;
}

static bool add_glyph(text_layout *l, int *cap, text_glyph g)
{
    if (l->glyph_count == *cap) {
        int bigger = *cap ? *cap * 2 : 64;
        text_glyph *more = realloc(l->glyphs, (size_t)bigger * sizeof *more);
        if (!more)
            return false;
        l->glyphs = more;
        *cap = bigger;
    }
    l->glyphs[l->glyph_count++] = g;
    return true;
}

/* Places a run's glyphs from its piece of the line, left to right from pen (1/64 px). */
static bool place_run(work *w, text_layout *l, text_run *run, const font_glyphs *piece, int from, int to,
                      int64_t *pen, int *cap)
{
    const item *it = &w->items[w->item_of[run->start]];
    bool reverse = (run->level & 1) != it->rtl; /* rule L1 turned this run around */
    int64_t x0 = *pen;
    run->first_glyph = l->glyph_count;
    for (int k = 0; k < to - from; k++) {
        const font_glyph *g = &piece->at[reverse ? to - 1 - k : from + k];
        if (g->cluster < run->start || g->cluster >= run->end)
            continue;
        if (!add_glyph(l, cap, (text_glyph){g->id, (int)(*pen + g->x_offset), g->y_offset, g->advance}))
            return false;
        *pen += g->advance;
    }
    run->glyph_count = l->glyph_count - run->first_glyph;
    run->x = round64(x0);
    run->width = round64(*pen) - run->x;
    return true;
}

static bool layout_lines(work *w, text_layout *l, const FriBidiCharType *types, FriBidiParType base,
                         const int *starts, int line_count, int max_width)
{
    int n = w->n;
    FriBidiLevel *levels = malloc(((size_t)n + 1) * sizeof *levels);
    FriBidiStrIndex *map = malloc(((size_t)n + 1) * sizeof *map);
    int *piece_from = malloc(((size_t)w->item_count + 1) * sizeof *piece_from);
    int *piece_to = malloc(((size_t)w->item_count + 1) * sizeof *piece_to);
    l->runs = malloc(((size_t)n + 1) * sizeof *l->runs);
    l->lines = calloc((size_t)line_count, sizeof *l->lines);
    bool ok = levels && map && piece_from && piece_to && l->runs && l->lines;
    if (ok)
        memcpy(levels, w->level, (size_t)n * sizeof *levels);
    font_glyphs *piece = &w->f->piece;
    int widest = 0, glyph_cap = 0;
    for (int li = 0; ok && li < line_count; li++) {
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
            ok = false;
            break;
        }
        /* The line's glyphs, item by item in logical order. */
        piece->count = 0;
        for (int k = end > start ? w->item_of[start] : w->item_count; ok && k < w->item_count; k++) {
            const item *it = &w->items[k];
            if (it->start >= end)
                break;
            piece_from[k] = piece->count;
            ok = piece_glyphs(w, it, start > it->start ? start : it->start, end < it->end ? end : it->end, piece);
            piece_to[k] = piece->count;
        }
        text_run *run = NULL;
        int last = -1;
        for (int v = start; ok && v < end; v++) {
            int i = map[v];
            if (is_skipped(w->chars[i]))
                continue;
            bool rtl = levels[i] & 1;
            if (run && levels[i] == run->level && w->item_of[i] == w->item_of[last] && w->face[i] == run->face &&
                w->script[i] == w->script[last] && w->bold[i] == run->bold && w->link[i] == run->link &&
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
        int64_t pen = 0;
        for (int r = line->first_run; ok && r < l->run_count; r++) {
            int k = w->item_of[l->runs[r].start];
            ok = place_run(w, l, &l->runs[r], piece, piece_from[k], piece_to[k], &pen, &glyph_cap);
        }
        line->width = round64(pen);
        widest = line->width > widest ? line->width : widest;
    }
    free(levels);
    free(map);
    free(piece_from);
    free(piece_to);
    if (!ok)
        return false;
    /* Cached layouts keep these: no room to spare. */
    if (l->run_count > 0) {
        text_run *fitted = realloc(l->runs, (size_t)l->run_count * sizeof *fitted);
        l->runs = fitted ? fitted : l->runs;
    }
    if (l->glyph_count > 0) {
        text_glyph *fitted = realloc(l->glyphs, (size_t)l->glyph_count * sizeof *fitted);
        l->glyphs = fitted ? fitted : l->glyphs;
    }
    l->width = max_width > 0 ? max_width : widest;
    for (int li = 0; li < line_count; li++) {
        text_line *line = &l->lines[li];
        int room = l->width - line->width;
        line->x = l->style.align == TEXT_ALIGN_CENTER ? room / 2 : l->rtl ? room : 0;
        for (int r = line->first_run; r < line->first_run + line->run_count; r++) {
            text_run *run = &l->runs[r];
            run->x += line->x;
            for (int g = run->first_glyph; g < run->first_glyph + run->glyph_count; g++)
                l->glyphs[g].x += line->x * 64;
        }
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
    work w = {.f = f, .chars = l->chars, .n = n, .face = face, .script = script, .level = levels, .style = style,
              .bold = bold, .link = link};
    w.items = malloc(((size_t)n + 1) * sizeof *w.items);
    w.item_of = malloc(((size_t)n + 1) * sizeof *w.item_of);
    w.prefix = malloc(((size_t)n + 1) * sizeof *w.prefix);
    w.cluster = malloc((size_t)n + 1);
    w.first = malloc(((size_t)n + 1) * sizeof *w.first);
    w.last = malloc(((size_t)n + 1) * sizeof *w.last);
    w.cps = malloc(((size_t)n + 1) * sizeof *w.cps);
    w.clusters = malloc(((size_t)n + 1) * sizeof *w.clusters);
    bool ok = l->chars && nobreak && types && brackets && levels && face && script && brk && starts && bold && link &&
              w.items && w.item_of && w.prefix && w.cluster && w.first && w.last && w.cps && w.clusters &&
              apply_marks(utf8, marks, mark_count, l, style->bold, bold, link);

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
            line_metrics(f, style, k, &a, &d);
            ascent = a > ascent ? a : ascent;
            descent = d > descent ? d : descent;
        }
        l->ascent = ascent + style->leading / 2;
        l->line_height = ascent + descent + style->leading;
        ok = find_breaks(f, l->chars, n, nobreak, brk) && shape_items(&w);
        int line_count = ok && n > 0 ? break_lines(&w, brk, max_width, starts, &l->cut_word) : 1;
        starts[0] = 0;
        ok = ok && layout_lines(&w, l, types, base, starts, line_count, max_width);
        if (ok)
            l->line_count = line_count;
    }
    if (ok)
        note_missing(l, f);
    /* The scratch glyphs stay for the next paragraph, unless this one was huge. */
    font_glyphs *scratch[] = {&f->shaped, &f->piece};
    for (size_t i = 0; i < sizeof scratch / sizeof scratch[0]; i++)
        if (scratch[i]->cap > SCRATCH_KEEP) {
            free(scratch[i]->at);
            *scratch[i] = (font_glyphs){0};
        }
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
    free(w.items);
    free(w.item_of);
    free(w.prefix);
    free(w.cluster);
    free(w.first);
    free(w.last);
    free(w.cps);
    free(w.clusters);
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
    free(l->glyphs);
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

/* Field by field: memcmp would compare the padding inside text_mark too, which callers leave
 * as it happens to be, and a miss lays the paragraph out again on every frame. */
static bool same_marks(const text_mark *a, const text_mark *b, int count)
{
    for (int m = 0; m < count; m++)
        if (a[m].start != b[m].start || a[m].end != b[m].end || a[m].bold != b[m].bold || a[m].link != b[m].link)
            return false;
    return true;
}

static bool same_key(const cache_entry *c, const char *utf8, const text_mark *marks, int mark_count,
                     const text_style *st, int max_width)
{
    return c->max_width == max_width && c->style.size_px == st->size_px && c->style.bold == st->bold &&
           c->style.dir == st->dir && c->style.align == st->align && c->style.leading == st->leading &&
           c->mark_count == mark_count && same_marks(c->marks, marks, mark_count) && !strcmp(c->text, utf8);
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

/* Draws lines [first, first + count) into a new surface, the first line at its top, from the
 * glyphs the layout placed: nothing is shaped again. */
static SDL_Surface *render_lines(text_fonts *f, const text_layout *l, int first, int count, SDL_Color color, err *e)
{
    int w = l->width > 0 ? l->width : 1, h = count * l->line_height > 0 ? count * l->line_height : 1;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) {
        err_set(e, "out of memory drawing text");
        return NULL;
    }
    SDL_FillRect(out, NULL, 0);
    for (int li = first; li < first + count && li < l->line_count; li++) {
        const text_line *line = &l->lines[li];
        int baseline = (li - first) * l->line_height + l->ascent;
        for (int r = line->first_run; r < line->first_run + line->run_count; r++) {
            const text_run *run = &l->runs[r];
            int variant = variant_of(run->face, run->bold);
            for (int g = run->first_glyph; g < run->first_glyph + run->glyph_count; g++) {
                const text_glyph *gl = &l->glyphs[g];
                font_draw(f->store, variant, l->style.size_px, gl->id, gl->x, baseline - round64(gl->y), out, color);
            }
        }
    }
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
