#include "font.h"

#include <fcntl.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <hb-ot.h>
#include <hb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VARIANTS_MAX 8
#define SIZE_SLOTS 32
/* The glyph cache: a fixed table and one arena for the bitmaps, emptied whole when either is
 * full. A screen's glyphs in three sizes and three scripts take a few hundred entries. */
#define GLYPH_SLOTS 8192
#define GLYPH_LOAD_MAX 6144
#define GLYPH_ARENA (4u << 20)
/* Glyph origins are kept to a quarter pixel: four bitmaps at most per glyph and size. */
#define PHASES 4

typedef struct font_file {
    void *data;
    size_t size;
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *coverage; /* unscaled: only asked which glyph a character has */
    /* Which characters of the Basic Multilingual Plane have a glyph, filled 256 at a time as
     * they are first asked for: the engine asks for every character of every paragraph. */
    bool block_known[256];
    uint32_t block_bits[256][8];
} font_file;

/* One variant at one pixel size: HarfBuzz for shaping, FreeType for metrics and bitmaps. */
typedef struct size_slot {
    int variant, size; /* size 0: empty */
    hb_font_t *hb;
    FT_Face ft;
    int ascent, descent;
    unsigned long last_used;
} size_slot;

typedef struct glyph_entry {
    uint64_t key; /* 0: empty */
    uint32_t offset;
    uint16_t w, h;
    int16_t left, top;
} glyph_entry;

struct font_store {
    font_file files[VARIANTS_MAX];
    int count;
    FT_Library ft;
    size_slot slots[SIZE_SLOTS];
    unsigned long tick;
    hb_buffer_t *buffer;
    glyph_entry *glyphs;
    int glyph_count;
    unsigned char *arena;
    uint32_t arena_used;
    unsigned long shaped_chars, shape_calls;
};

static bool map_file(font_file *f, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        close(fd);
        return false;
    }
    void *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (data == MAP_FAILED)
        return false;
    f->data = data;
    f->size = (size_t)st.st_size;
    f->blob = hb_blob_create(data, (unsigned)f->size, HB_MEMORY_MODE_READONLY, NULL, NULL);
    f->face = hb_face_create(f->blob, 0);
    f->coverage = hb_font_create(f->face);
    return hb_face_get_glyph_count(f->face) > 0;
}

font_store *font_store_open(const char *const *paths, int count, err *e)
{
    font_store *s = calloc(1, sizeof *s);
    if (!s || count > VARIANTS_MAX) {
        free(s);
        err_set(e, "out of memory loading fonts");
        return NULL;
    }
    if (FT_Init_FreeType(&s->ft) != 0) {
        free(s);
        err_set(e, "cannot start FreeType");
        return NULL;
    }
    s->buffer = hb_buffer_create();
    for (int v = 0; v < count; v++) {
        s->count++;
        if (!map_file(&s->files[v], paths[v])) {
            err_set(e, "font %s is missing or unreadable: run 'make' (it links Debian's Noto fonts into assets/fonts)",
                    paths[v]);
            font_store_close(s);
            return NULL;
        }
    }
    return s;
}

void font_store_close(font_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < SIZE_SLOTS; i++) {
        if (s->slots[i].hb)
            hb_font_destroy(s->slots[i].hb);
        if (s->slots[i].ft)
            FT_Done_Face(s->slots[i].ft);
    }
    for (int v = 0; v < s->count; v++) {
        font_file *f = &s->files[v];
        hb_font_destroy(f->coverage);
        hb_face_destroy(f->face);
        hb_blob_destroy(f->blob);
        if (f->data)
            munmap(f->data, f->size);
    }
    hb_buffer_destroy(s->buffer);
    FT_Done_FreeType(s->ft);
    free(s->glyphs);
    free(s->arena);
    free(s);
}

const void *font_data(const font_store *s, int variant, size_t *size)
{
    *size = s->files[variant].size;
    return s->files[variant].data;
}

bool font_has(font_store *s, int variant, uint32_t c)
{
    font_file *f = &s->files[variant];
    hb_codepoint_t g;
    if (c > 0xFFFF)
        return hb_font_get_nominal_glyph(f->coverage, c, &g);
    int block = (int)(c >> 8);
    if (!f->block_known[block]) {
        memset(f->block_bits[block], 0, sizeof f->block_bits[block]);
        for (uint32_t k = 0; k < 256; k++)
            if (hb_font_get_nominal_glyph(f->coverage, (uint32_t)block << 8 | k, &g))
                f->block_bits[block][k >> 5] |= 1u << (k & 31);
        f->block_known[block] = true;
    }
    return f->block_bits[block][(c & 0xFF) >> 5] >> (c & 31) & 1;
}

static int ceil_px(FT_Pos v) { return (int)((v + 63) & -64) / 64; }

/* The variant at a size; the least recently used slot makes room. */
static size_slot *slot_for(font_store *s, int variant, int size)
{
    s->tick++;
    size_slot *victim = &s->slots[0];
    for (int i = 0; i < SIZE_SLOTS; i++) {
        size_slot *t = &s->slots[i];
        if (t->size == size && t->variant == variant) {
            t->last_used = s->tick;
            return t;
        }
        if (t->last_used < victim->last_used)
            victim = t;
    }
    if (victim->hb)
        hb_font_destroy(victim->hb);
    if (victim->ft)
        FT_Done_Face(victim->ft);
    memset(victim, 0, sizeof *victim);
    const font_file *f = &s->files[variant];
    FT_Face ft;
    if (size <= 0 || FT_New_Memory_Face(s->ft, f->data, (FT_Long)f->size, 0, &ft) != 0)
        return NULL;
    /* As SDL_ttf opens a font at a "point size" of 72 dpi: one point, one pixel. */
    if (FT_Set_Char_Size(ft, 0, size * 64, 0, 0) != 0) {
        FT_Done_Face(ft);
        return NULL;
    }
    hb_font_t *hb = hb_font_create(f->face);
    hb_font_set_scale(hb, size * 64, size * 64);
    FT_Fixed scale = ft->size->metrics.y_scale;
    *victim = (size_slot){variant,
                          size,
                          hb,
                          ft,
                          ceil_px(FT_MulFix(ft->ascender, scale)),
                          -ceil_px(FT_MulFix(ft->descender, scale)),
                          s->tick};
    return victim;
}

bool font_metrics(font_store *s, int variant, int size_px, int *ascent, int *descent)
{
    size_slot *t = slot_for(s, variant, size_px);
    if (!t)
        return false;
    *ascent = t->ascent;
    *descent = t->descent;
    return true;
}

bool font_glyphs_reserve(font_glyphs *g, int more)
{
    if (g->count + more <= g->cap)
        return true;
    int cap = g->cap ? g->cap : 256;
    while (cap < g->count + more)
        cap *= 2;
    font_glyph *bigger = realloc(g->at, (size_t)cap * sizeof *bigger);
    if (!bigger)
        return false;
    g->at = bigger;
    g->cap = cap;
    return true;
}

bool font_shape(font_store *s, int variant, int size_px, bool rtl, const char *script, const uint32_t *chars,
                const int *clusters, int count, font_glyphs *out)
{
    size_slot *t = slot_for(s, variant, size_px);
    if (!t)
        return false;
    s->shape_calls++;
    s->shaped_chars += (unsigned long)count;
    hb_buffer_t *b = s->buffer;
    hb_buffer_clear_contents(b);
    hb_buffer_set_content_type(b, HB_BUFFER_CONTENT_TYPE_UNICODE);
    hb_buffer_set_direction(b, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(b, hb_script_from_string(script, 4));
    for (int k = 0; k < count; k++)
        hb_buffer_add(b, chars[k], (unsigned)clusters[k]);
    hb_shape(t->hb, b, NULL, 0);
    unsigned n = 0;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    if (!hb_buffer_allocation_successful(b))
        return false;
    if (!font_glyphs_reserve(out, (int)n))
        return false;
    for (unsigned k = 0; k < n; k++)
        out->at[out->count++] = (font_glyph){info[k].codepoint,
                                             (int)info[k].cluster,
                                             pos[k].x_advance,
                                             pos[k].x_offset,
                                             pos[k].y_offset,
                                             (hb_glyph_info_get_glyph_flags(&info[k]) & HB_GLYPH_FLAG_UNSAFE_TO_BREAK) != 0};
    return true;
}

void font_counts(const font_store *s, unsigned long *shaped_chars, unsigned long *shape_calls)
{
    *shaped_chars = s->shaped_chars;
    *shape_calls = s->shape_calls;
}

/* ---- glyph bitmaps ---- */

static void flush_glyphs(font_store *s)
{
    memset(s->glyphs, 0, GLYPH_SLOTS * sizeof *s->glyphs);
    s->glyph_count = 0;
    s->arena_used = 0;
}

/* Rasterises a glyph into the cache. Light hinting: outlines snap to the pixel grid vertically
 * only, so stems and baselines stay crisp on a small panel while widths keep the unhinted
 * advances the layout measured. */
static const glyph_entry *render_glyph(font_store *s, uint64_t key, int variant, int size, uint32_t id, int phase)
{
    size_slot *t = slot_for(s, variant, size);
    if (!t || FT_Load_Glyph(t->ft, id, FT_LOAD_TARGET_LIGHT) != 0)
        return NULL;
    FT_GlyphSlot g = t->ft->glyph;
    if (g->format == FT_GLYPH_FORMAT_OUTLINE && phase)
        FT_Outline_Translate(&g->outline, phase * 64 / PHASES, 0);
    if (FT_Render_Glyph(g, FT_RENDER_MODE_NORMAL) != 0 || g->bitmap.pixel_mode != FT_PIXEL_MODE_GRAY)
        return NULL;
    uint32_t w = g->bitmap.width, h = g->bitmap.rows;
    if (w > UINT16_MAX || h > UINT16_MAX || (size_t)w * h > GLYPH_ARENA)
        return NULL;
    if (s->glyph_count >= GLYPH_LOAD_MAX || s->arena_used + w * h > GLYPH_ARENA)
        flush_glyphs(s);
    size_t at = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 51) & (GLYPH_SLOTS - 1);
    while (s->glyphs[at].key)
        at = (at + 1) & (GLYPH_SLOTS - 1);
    glyph_entry *e = &s->glyphs[at];
    *e = (glyph_entry){key, s->arena_used, (uint16_t)w, (uint16_t)h, (int16_t)g->bitmap_left, (int16_t)g->bitmap_top};
    for (uint32_t row = 0; row < h; row++)
        memcpy(s->arena + s->arena_used + row * w, g->bitmap.buffer + (ptrdiff_t)row * g->bitmap.pitch, w);
    s->arena_used += w * h;
    s->glyph_count++;
    return e;
}

static const glyph_entry *glyph_for(font_store *s, int variant, int size, uint32_t id, int phase)
{
    if (!s->glyphs) {
        s->glyphs = calloc(GLYPH_SLOTS, sizeof *s->glyphs);
        s->arena = malloc(GLYPH_ARENA);
        if (!s->glyphs || !s->arena) {
            free(s->glyphs);
            free(s->arena);
            s->glyphs = NULL;
            s->arena = NULL;
            return NULL;
        }
    }
    uint64_t key = (uint64_t)(variant + 1) << 56 | (uint64_t)(size & 0xFFFF) << 40 | (uint64_t)phase << 32 | id;
    size_t at = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 51) & (GLYPH_SLOTS - 1);
    for (; s->glyphs[at].key; at = (at + 1) & (GLYPH_SLOTS - 1))
        if (s->glyphs[at].key == key)
            return &s->glyphs[at];
    return render_glyph(s, key, variant, size, id, phase);
}

void font_draw(font_store *s, int variant, int size_px, uint32_t id, int x64, int y, SDL_Surface *dst,
               SDL_Color color)
{
    int px = x64 >> 6, phase = ((x64 & 63) * PHASES + 32) >> 6;
    if (phase == PHASES) {
        phase = 0;
        px++;
    }
    const glyph_entry *e = glyph_for(s, variant, size_px, id, phase);
    if (!e)
        return;
    const unsigned char *bits = s->arena + e->offset;
    Uint32 rgb = (Uint32)color.r << 16 | (Uint32)color.g << 8 | color.b;
    int x0 = px + e->left, y0 = y - e->top;
    for (int row = 0; row < e->h; row++) {
        int dy = y0 + row;
        if (dy < 0 || dy >= dst->h)
            continue;
        Uint32 *line = (Uint32 *)((Uint8 *)dst->pixels + dy * dst->pitch);
        const unsigned char *src = bits + row * e->w;
        for (int col = 0; col < e->w; col++) {
            int dx = x0 + col;
            if (dx < 0 || dx >= dst->w || !src[col])
                continue;
            /* Text is one colour: where glyphs overlap, the stronger coverage wins (alpha
             * blending onto a transparent surface would darken the edges). */
            if (src[col] > line[dx] >> 24)
                line[dx] = (Uint32)src[col] << 24 | rgb;
        }
    }
}
