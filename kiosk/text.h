/* text: lays out and draws paragraphs in every script the kiosk shows.
 * A paragraph goes: base direction → FriBidi levels (with bracket pairs) → a font per
 * script run with per-character fallback → one HarfBuzz shaping pass per run (font.h) → line
 * breaking at UAX #14 opportunities (ICU) on the advances of that pass, in time linear in the
 * paragraph → per-line reordering → alignment. Lines are drawn from the glyphs placed here.
 * Phone numbers, times and dates are isolated left-to-right and never broken. */
#ifndef WW_TEXT_H
#define WW_TEXT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "utf8.h"

typedef enum text_face { TEXT_FACE_LATIN, TEXT_FACE_ARABIC, TEXT_FACE_ETHIOPIC, TEXT_FACE_COUNT } text_face;

typedef enum text_dir { TEXT_DIR_LTR, TEXT_DIR_RTL, TEXT_DIR_AUTO } text_dir;
typedef enum text_align { TEXT_ALIGN_START, TEXT_ALIGN_CENTER } text_align;

typedef struct text_style {
    int size_px;
    bool bold;
    text_dir dir;
    text_align align;
    int leading; /* extra pixels between lines, half above and half below each: room for touch */
} text_style;

/* Emphasis and links inside a paragraph, as byte ranges of its UTF-8 text. */
typedef struct text_mark {
    int start, end;
    bool bold;
    int link; /* 0: none; else the caller's link number, reported back by hit-testing */
} text_mark;

/* A stretch of one line drawn with one font, one direction and one script. */
typedef struct text_run {
    int start, end;      /* logical range [start, end) in text_layout.chars */
    int x, width;        /* pixels from the paragraph box's left edge */
    unsigned char level; /* bidi embedding level; odd is right-to-left */
    unsigned char face;  /* text_face */
    bool bold;
    int link;
    char script[5]; /* ISO 15924 tag given to the shaper */
    int first_glyph, glyph_count; /* into text_layout.glyphs, left to right */
} text_run;

/* A glyph as it is drawn: its id in the run's font, its origin in 1/64 px from the box's
 * left edge and above the baseline, and its advance. Runs measure exactly these. */
typedef struct text_glyph {
    uint32_t id;
    int x, y, advance;
} text_glyph;

typedef struct text_box {
    int x, y, w, h;
} text_box;

typedef struct text_line {
    int first_run, run_count; /* into text_layout.runs, in visual order from the left */
    int start, end;           /* logical range of the line */
    int x, width;             /* drawn extent */
    int baseline;             /* from the paragraph's top */
} text_line;

typedef struct text_layout {
    uint32_t *chars; /* the paragraph as code points, with the isolates the engine added */
    int *source;     /* per char: its index among the input's code points, -1 if added */
    int char_count;
    text_style style;
    bool rtl; /* resolved base direction */
    text_run *runs;
    int run_count;
    text_line *lines;
    int line_count;
    text_glyph *glyphs;
    int glyph_count;
    int width, height; /* the box: max_width when given, else the widest line */
    int ascent, line_height;
    bool cut_word; /* a word wider than max_width had to be cut: the text does not fit */
    uint32_t missing[16]; /* characters no bundled font covers (first 16 distinct) */
    int missing_count;
    unsigned long id; /* unique for the process's lifetime: a key for texture caches */
} text_layout;

typedef struct text_fonts text_fonts;

/* Opens the bundled fonts under `assets_dir`/fonts and the icon table under
 * `assets_dir`/icons. Needs no video: tests and the staff tool use it headless. */
text_fonts *text_fonts_open(const char *assets_dir, err *e);
void text_fonts_close(text_fonts *f);

/* Lays out UTF-8 text with optional marks (bold, links). `max_width` 0 means one line per
 * hard break, no wrapping. */
text_layout *text_layout_new(text_fonts *f, const char *utf8, const text_mark *marks, int mark_count,
                             const text_style *style, int max_width, err *e);
void text_layout_free(text_layout *l);

/* The same, from a bounded cache owned by `f`: the pointer stays valid until at least
 * TEXT_CACHE_KEEP other layouts have been asked for. NULL only when out of memory. */
#define TEXT_CACHE_KEEP 1024
const text_layout *text_layout_cached(text_fonts *f, const char *utf8, const text_mark *marks, int mark_count,
                                      const text_style *style, int max_width);

/* The link under (x, y) in the layout's box, 0 if none. */
int text_link_at(const text_layout *l, int x, int y);
/* The boxes a link covers, one per line piece; returns how many (fills at most max). */
int text_link_boxes(const text_layout *l, int link, text_box *out, int max);

/* Draws a layout into a new ARGB8888 surface of its box size, in one colour. */
SDL_Surface *text_layout_render(text_fonts *f, const text_layout *l, SDL_Color color, err *e);
/* Draws one line into a surface of the box's width and one line's height: long texts are
 * drawn line by line, so only what is on screen is ever rasterised. */
SDL_Surface *text_line_render(text_fonts *f, const text_layout *l, int line, SDL_Color color, err *e);

/* A line's characters in visual order, left to right, as they stand in the input (no
 * mirrored brackets, no presentation forms, no bidi controls), as UTF-8. */
void text_line_visual(const text_layout *l, int line, char *out, size_t size);

/* Icons come from the Material Icons font: name → code point, 0 when unknown. */
uint32_t text_icon_codepoint(const text_fonts *f, const char *name);
SDL_Surface *text_icon_render(text_fonts *f, uint32_t codepoint, int size_px, SDL_Color color);

/* The engine's bidi step alone, without its number isolation, for conformance tests: the
 * paragraph level, each character's level after rule L1 and the visual order of the whole
 * paragraph as one line (visual[k] = logical index). Arrays hold n entries. */
bool text_bidi(const uint32_t *chars, int n, text_dir dir, int *paragraph_level, unsigned char *levels,
               int *visual);

/* The engine's line break opportunities (UAX #14 through ICU), without its rule that keeps
 * numbers whole: brk[i] is 1 where a line may break after chars[i], 2 where it must. */
bool text_breaks(text_fonts *f, const uint32_t *chars, int n, unsigned char *brk);

/* Work the engine has done since the fonts were opened: tests pin its complexity with these
 * counts, never with a clock. */
typedef struct text_stats {
    unsigned long shaped_chars; /* code points handed to the shaper */
    unsigned long shape_calls;
} text_stats;
text_stats text_fonts_stats(const text_fonts *f);

/* The font file a run is drawn with (for dumps and people reading them). */
const char *text_face_file(int face, bool bold);

/* True when some bundled font has a glyph for `c`. */
bool text_covered(text_fonts *f, uint32_t c);

/* `in` as this engine sees it before bidi: every phone number, time and date (a number
 * span with separators) wrapped in LRI LRO … PDF PDI, and a word joiner (U+2060) after each
 * space, dash or slash inside a span. For renderers that run the plain bidi algorithm and
 * UAX #14 on our texts (the handout's Pango), so numbers read as on the kiosk. False when
 * out cannot take it all (it then holds a prefix) or memory runs out. */
bool text_isolate_numbers(const char *in, char *out, size_t size);

#endif
