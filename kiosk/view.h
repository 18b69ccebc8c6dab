/* view: turns the app's state and a screen size into a display list, a flat array of
 * rectangles, text blocks and icons with the action each button stands for. Tests read it
 * to see what would be drawn where; the platform draws it. Right-to-left languages get a
 * mirrored layout, not just mirrored text. */
#ifndef WW_VIEW_H
#define WW_VIEW_H

#include "app.h"
#include "text.h"

#define VIEW_MAX_CMDS 768
#define VIEW_ARENA (128 * 1024)

/* The screen density assumed when none is configured: the official 7" Raspberry Pi touch
 * display (800x480, 133 dpi). Larger screens of the listed sizes are coarser, so targets sized
 * for it are at least as big there. */
#define VIEW_DPI_DEFAULT 133
/* The smallest a button may be, both ways, on the glass: 9 mm (a fingertip, not a cursor). */
#define VIEW_TOUCH_MM 9

typedef struct view_rect {
    int x, y, w, h;
} view_rect;

typedef enum view_kind { VIEW_RECT, VIEW_TEXT, VIEW_ICON, VIEW_QR } view_kind;

typedef struct view_cmd {
    view_kind kind;
    view_rect rect;
    view_rect clip; /* w == 0: none */
    SDL_Color color;
    int radius;                /* VIEW_RECT: rounded corners */
    const text_layout *layout; /* VIEW_TEXT: laid out for rect.w, drawn at rect's top */
    const char *text;          /* VIEW_TEXT: the words; VIEW_QR: what the code carries */
    uint32_t icon;             /* VIEW_ICON: code point in the icon font */
    int icon_size;
    bool button;   /* a tap inside hit sends `tap` to the app */
    bool on_press; /* sent when the finger goes down, not when it lifts: a button to hold */
    app_event tap;
    view_rect hit; /* where a tap counts: rect, or more round a small inline chip */
} view_cmd;

typedef struct view_list {
    view_cmd cmds[VIEW_MAX_CMDS];
    int count;
    char arena[VIEW_ARENA];
    size_t used;
    int width, height;
    /* New at every view_build, kept by view_scroll: a painter that painted this list at this
     * serial may repaint only scroll_area after a scroll (nothing else changed). */
    unsigned long serial;
    SDL_Color background;
    int scroll_max; /* how far the current screen's content can scroll */
    /* The content that scrolls: what of it is in sight is cmds[scroll_first, scroll_end); all
     * of it, also what is out of sight, is content[0, content_count), placed for scroll 0, so
     * view_scroll can show another part. content_count -1: too long to keep whole. */
    int scroll_first, scroll_end;
    view_rect scroll_area;
    /* Where content was left out (rows more than a screen out of sight), in the coordinates of
     * scroll 0: content is whole between kept_top and kept_bottom (INT_MIN/INT_MAX: nothing
     * left out that way), and view_scroll shows no part outside them. */
    int kept_top, kept_bottom;
    view_cmd content[VIEW_MAX_CMDS / 2];
    int content_count;
} view_list;

/* Builds the display list for the app's current screen at width × height pixels on a screen of
 * `dpi` pixels per inch: every button is at least VIEW_TOUCH_MM wide and high there. */
void view_build(view_list *out, const app *a, text_fonts *fonts, int width, int height, int dpi);

/* Shows the scrolling content of a list view_build made at the scroll `scroll`, exactly as
 * view_build would for a state that differs only in that scroll: a drag or fling frame then
 * builds nothing (no pack query, no layout, no allocation). False, and the list unchanged,
 * when the list could not keep the whole content (a very long page): build it then. */
bool view_scroll(view_list *l, int scroll);

/* VIEW_TOUCH_MM in pixels at `dpi`, rounded up. */
int view_touch_px(int dpi);

/* The size of body text and the width of its lines on a width × height screen, with large
 * text on or off: `check` measures words against the narrowest of them. */
void view_body_measure(int width, int height, int dpi, bool large_text, int *body_px, int *line_width);

/* Whether a title fits a home-screen tile (of tile_count tiles) on a width × height screen
 * without shrinking past what reads well: the staff tool warns before a pack ships. */
bool view_tile_title_fits(text_fonts *fonts, const char *title, const pack_language *lang, int tile_count, int width,
                          int height, int dpi, bool demo);

/* The topmost button at (x, y), or NULL. */
const view_cmd *view_hit(const view_list *l, int x, int y);

/* The first text command whose words are exactly `text`, or NULL. */
const view_cmd *view_find_text(const view_list *l, const char *text);

typedef enum view_link_kind {
    VIEW_LINK_PAGE,
    VIEW_LINK_PHONE,
    VIEW_LINK_EMAIL,
    VIEW_LINK_WEB,
    VIEW_LINK_ADDRESS,
    VIEW_LINK_LTR, /* not a link: a span kept left to right */
} view_link_kind;

typedef struct view_link {
    view_link_kind kind;
    char target[PACK_LINK_BYTES_MAX + 1]; /* page code, phone number, address, …: whole (pack_limits.h) */
} view_link;

/* Links and bold parts of one paragraph: as many as `check` lets a paragraph have. */
#define VIEW_INLINE_MAX PACK_PARAGRAPH_LINKS_MAX

/* One line of body markup (content/README.md) read for display: the words in `out`, bold and
 * links as marks over its bytes (mark.link is 1 + the index into `links`). Phone numbers and
 * `ltr` spans become left-to-right isolates. Returns the number of marks. */
int view_inline(const char *markup, char *out, size_t size, text_mark *marks, view_link *links, int *link_count);

/* The words alone. */
void view_plain_text(const char *markup, char *out, size_t size);

#endif
