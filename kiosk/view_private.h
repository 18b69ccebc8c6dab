/* Internals shared by the view module's files; not for other modules. */
#ifndef WW_VIEW_PRIVATE_H
#define WW_VIEW_PRIVATE_H

#include <stdint.h>

#include "pack.h"
#include "view.h"

/* Keyboard rows for a language (keys separated by spaces), or NULL for the Ethiopic picker. */
const char *const *view_keyboard_rows(const pack_language *lang);
/* Whether the language is written in Latin letters, and the Latin rows the other languages
 * offer too (German's: the words staff, letters and signs use). */
bool view_script_is_latin(const pack_language *lang);
const char *const *view_keyboard_latin_rows(void);
/* The Ethiopic consonants the picker offers first. */
int view_fidel_consonants(const uint32_t **out);
/* The vowel forms of one consonant (up to 8). */
int view_fidel_forms(uint32_t base, uint32_t *out);

/* ---- the screen being built, shared by view.c and the typing screens (view_search.c) ---- */

static const SDL_Color BACKGROUND = {0xF4, 0xF1, 0xEA, 0xFF};
static const SDL_Color INK = {0x1B, 0x1B, 0x1B, 0xFF};
static const SDL_Color MUTED = {0x45, 0x45, 0x45, 0xFF};
static const SDL_Color BRAND = {0x0B, 0x4F, 0x6C, 0xFF};
static const SDL_Color WHITE = {0xFF, 0xFF, 0xFF, 0xFF};
static const SDL_Color BORDER = {0xC9, 0xC3, 0xB6, 0xFF};
static const SDL_Color ALARM = {0xA8, 0x1C, 0x1C, 0xFF};
static const SDL_Color DEMO = {0xFF, 0xD5, 0x4F, 0xFF};
static const SDL_Color SHADE = {0x00, 0x00, 0x00, 0xB0};
/* Text colours keep 7:1 against the light backgrounds (WCAG AAA); tests/test_contrast.c checks. */
static const SDL_Color OPEN_GREEN = {0x1B, 0x5E, 0x20, 0xFF};
static const SDL_Color LATER_AMBER = {0x6E, 0x3A, 0x00, 0xFF};
static const SDL_Color ALARM_TEXT = {0x8A, 0x10, 0x10, 0xFF};

/* Everything a screen's layout needs, sized from the shorter side of the screen so the same
 * proportions hold from 800×480 to 1080×1920. */
typedef struct view_ctx {
    view_list *l;
    const app *a;
    text_fonts *f;
    const pack_language *lang; /* NULL before a language is chosen */
    const pack_language *german; /* the pack's source language, for "German beside" */
    bool rtl, portrait;
    int w, h, base;
    int touch; /* the smallest a button may be, in pixels: VIEW_TOUCH_MM at the screen's density */
    int margin, gap, radius;
    int header_h, footer_h, band_h;
    int title_px, body_px, small_px, tile_px;
    view_rect content; /* the scrolling area between header and footer */
    int scroll;
    /* Rows out of sight are not added (row): the screen-space band whose rows are, and whether
     * rows were left out above or below it, so view_scroll knows how far the list can move. */
    bool left_out_above, left_out_below;
    bool typing; /* keypad or search: no footer, the keys need the room */
    /* Search with the keyboard up: the header is the search field (back, words, pages found,
     * emergency), and rows are one line, so a small screen shows three pages found above the keys. */
    bool search_bar, compact_rows;
    char title[256]; /* for the header, set by the screen */
    char code[PACK_CODE_MAX];
    char web[4][PACK_LINK_BYTES_MAX + 1]; /* web addresses in the article, offered as QR codes under it */
    int web_count;
} ctx;

typedef struct text_opts {
    int size;
    bool bold;
    text_dir dir;
    text_align align;
    SDL_Color color;
    bool center_v; /* centre the text in the box's height */
} text_opts;

static inline int at_least(int v, int min) { return v > min ? v : min; }
static inline text_dir dir_of(const pack_language *l) { return l && l->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR; }

/* Layout works from the start edge; this puts a rectangle where it belongs on screen. */
view_rect view_place(const ctx *c, int x, int y, int w, int h);
view_cmd *view_add_rect(ctx *c, view_rect r, SDL_Color color, int radius);
/* A button: its face, drawn pressed while a finger is on it, and what a tap does. */
view_cmd *view_add_button(ctx *c, view_rect r, SDL_Color color, int radius, app_event_type type, const char *arg,
                          int value);
/* A light button with a border, as tiles, rows and keys are drawn. */
view_cmd *view_add_card(ctx *c, view_rect r, app_event_type type, const char *arg, int value);
/* A text block in the box (start-edge coordinates); returns the height it takes. */
int view_add_text(ctx *c, int x, int y, int w, int h, const char *s, text_opts o);
/* Like view_add_text, but the type shrinks (to about half) until the text fits the box. */
int view_add_text_fit(ctx *c, int x, int y, int w, int h, const char *s, text_opts o);
void view_add_icon(ctx *c, int x, int y, int size, const char *name, SDL_Color color);
/* The kiosk's own words (gettext), and the pack's, in the visitor's direction. */
text_opts view_ui_text(const ctx *c, int size, bool bold, SDL_Color color);
text_opts view_content_text(const ctx *c, int size, bool bold, SDL_Color color);
/* ASCII digits in the visitor's digits. */
void view_digits(const ctx *c, const char *ascii, char *out, size_t size);

/* The translation state (view_translation.c): a machine draft's mark over a page, and a line per
 * language on the about page. Each returns the height it took. */
int view_draft_mark(ctx *c, const pack_text *t, int y);
int view_about_translations(ctx *c, int y);
/* A row that sends an event: icon, title and a second line (may be NULL); returns its height
 * with the gap after it. */
int view_row(ctx *c, const char *icon_name, const char *title, const char *second, app_event_type type,
             const char *arg, int y);
/* A row that opens a page. */
int view_page_row(ctx *c, const pack_page *page, const char *title, const char *second, int y);

/* The typing screens (view_search.c): each returns the height its content takes. */
int view_keypad_screen(ctx *c, int y);
/* The keyboard for the visitor's script at the bottom of the screen; returns its top. */
int view_keyboard(ctx *c);
int view_search_screen(ctx *c, int y);
/* The search field in the header's middle, between x and x + w (start-edge coordinates). */
void view_search_field(ctx *c, int x, int w);

#endif
