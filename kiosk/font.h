/* font: the bundled font files, each read once into memory and shared by every size. Shapes
 * with HarfBuzz (unhinted advances, the same numbers hb-shape gives), answers coverage and line
 * metrics, and draws glyphs with FreeType from one bounded bitmap cache. The text engine
 * (text.c) is its only user; SDL_ttf opens the icon font from the same bytes. */
#ifndef WW_FONT_H
#define WW_FONT_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct font_store font_store;

/* One shaped glyph: advances and offsets in 1/64 px; `cluster` is the caller's index of the
 * first character it stands for; `unsafe` means the text may not be cut before this
 * glyph's cluster without shaping both sides again (HarfBuzz's unsafe-to-break). */
typedef struct font_glyph {
    uint32_t id;
    int cluster;
    int advance, x_offset, y_offset;
    bool unsafe;
} font_glyph;

/* A growable glyph array; reused across calls so a warm engine does not allocate. */
typedef struct font_glyphs {
    font_glyph *at;
    int count, cap;
} font_glyphs;

/* Makes room for `more` glyphs after out->count. */
bool font_glyphs_reserve(font_glyphs *g, int more);

/* Reads `count` font files (variant i from paths[i]). */
font_store *font_store_open(const char *const *paths, int count, err *e);
void font_store_close(font_store *s);

/* The bytes of a font file, for SDL_ttf's TTF_OpenFontRW. */
const void *font_data(const font_store *s, int variant, size_t *size);

bool font_has(font_store *s, int variant, uint32_t c);

/* Ascent and descent in whole pixels, rounded up as SDL_ttf rounds them. */
bool font_metrics(font_store *s, int variant, int size_px, int *ascent, int *descent);

/* Shapes chars[0..count) (clusters[k] is reported back for chars[k]) as one run in one
 * direction and script ("Arab"), appending the glyphs, in visual order, to `out`. */
bool font_shape(font_store *s, int variant, int size_px, bool rtl, const char *script, const uint32_t *chars,
                const int *clusters, int count, font_glyphs *out);

/* Draws glyph `id` with its origin at x64/64 px (fractions kept to a quarter pixel) and its
 * baseline at row y, into an ARGB8888 surface: one colour, the stronger coverage wins. */
void font_draw(font_store *s, int variant, int size_px, uint32_t id, int x64, int y, SDL_Surface *dst,
               SDL_Color color);

/* How much shaping was done: tests pin the engine's complexity with these counts. */
void font_counts(const font_store *s, unsigned long *shaped_chars, unsigned long *shape_calls);

#endif
