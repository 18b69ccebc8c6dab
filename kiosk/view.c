#include "view.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "version.h"
#include "view_private.h"

static const char *keep(ctx *c, const char *s)
{
    size_t n = strlen(s) + 1;
    if (c->l->used + n > VIEW_ARENA)
        return "";
    char *dst = c->l->arena + c->l->used;
    memcpy(dst, s, n);
    c->l->used += n;
    return dst;
}

/* Layout works from the start edge; this puts a rectangle where it belongs on screen. */
view_rect view_place(const ctx *c, int x, int y, int w, int h)
{
    view_rect r = {c->rtl ? c->w - x - w : x, y, w, h};
    return r;
}

static view_cmd *add(ctx *c, view_kind kind, view_rect r)
{
    if (c->l->count == VIEW_MAX_CMDS)
        return NULL;
    view_cmd *cmd = &c->l->cmds[c->l->count++];
    memset(cmd, 0, sizeof *cmd);
    cmd->kind = kind;
    cmd->rect = r;
    return cmd;
}

static bool inside(view_rect r, int x, int y) { return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h; }

static SDL_Color darker(SDL_Color col)
{
    return (SDL_Color){(Uint8)(col.r * 4 / 5), (Uint8)(col.g * 4 / 5), (Uint8)(col.b * 4 / 5), col.a};
}

view_cmd *view_add_rect(ctx *c, view_rect r, SDL_Color color, int radius)
{
    view_cmd *cmd = add(c, VIEW_RECT, r);
    if (cmd) {
        cmd->color = color;
        cmd->radius = radius;
    }
    return cmd;
}

/* A button: its face, drawn pressed while a finger is on it, and what a tap does. */
view_cmd *view_add_button(ctx *c, view_rect r, SDL_Color color, int radius, app_event_type type, const char *arg,
                            int value)
{
    bool pressed = c->a->pressed && inside(r, c->a->press_x, c->a->press_y);
    view_cmd *cmd = view_add_rect(c, r, pressed ? darker(color) : color, radius);
    if (cmd) {
        cmd->button = true;
        cmd->hit = r;
        cmd->tap.type = type;
        cmd->tap.value = value;
        snprintf(cmd->tap.arg, sizeof cmd->tap.arg, "%s", arg ? arg : "");
    }
    return cmd;
}

/* A light button with a border, as tiles, rows and keys are drawn. */
view_cmd *view_add_card(ctx *c, view_rect r, app_event_type type, const char *arg, int value)
{
    view_add_rect(c, (view_rect){r.x - 1, r.y - 1, r.w + 2, r.h + 2}, BORDER, c->radius);
    return view_add_button(c, r, WHITE, c->radius, type, arg, value);
}

/* Adds a text block in the box (start-edge coordinates); returns the height it takes. */
int view_add_text(ctx *c, int x, int y, int w, int h, const char *s, text_opts o)
{
    text_style style = {o.size, o.bold, o.dir, o.align, 0};
    const text_layout *layout = text_layout_cached(c->f, s, NULL, 0, &style, w > 0 ? w : 1);
    if (!layout)
        return 0;
    int top = y;
    if (o.center_v && h > layout->height)
        top += (h - layout->height) / 2;
    view_cmd *cmd = add(c, VIEW_TEXT, view_place(c, x, top, w, layout->height));
    if (cmd) {
        cmd->layout = layout;
        cmd->text = keep(c, s);
        cmd->color = o.color;
    }
    return layout->height;
}

/* Like add_text, but shrinks the type (down to about half) until the text fits the box:
 * tiles and buttons have fixed sizes, and a long translation must not spill out. */
int view_add_text_fit(ctx *c, int x, int y, int w, int h, const char *s, text_opts o)
{
    int size = o.size;
    for (int step = 0; step < 10; step++) {
        text_style style = {size, o.bold, o.dir, o.align, 0};
        const text_layout *layout = text_layout_cached(c->f, s, NULL, 0, &style, w > 0 ? w : 1);
        if (layout && layout->height <= h && !layout->cut_word)
            break;
        size = size * 93 / 100;
    }
    o.size = size;
    return view_add_text(c, x, y, w, h, s, o);
}

void view_add_icon(ctx *c, int x, int y, int size, const char *name, SDL_Color color)
{
    uint32_t cp = text_icon_codepoint(c->f, name);
    if (!cp)
        cp = text_icon_codepoint(c->f, "article");
    view_cmd *cmd = add(c, VIEW_ICON, view_place(c, x, y, size, size));
    if (cmd) {
        cmd->icon = cp;
        cmd->icon_size = size;
        cmd->color = color;
    }
}

/* The kiosk's own words (gettext), in the visitor's direction. */
text_opts view_ui_text(const ctx *c, int size, bool bold, SDL_Color color)
{
    return (text_opts){size, bold, dir_of(c->lang), TEXT_ALIGN_START, color, true};
}

text_opts view_content_text(const ctx *c, int size, bool bold, SDL_Color color)
{
    return (text_opts){size, bold, dir_of(c->lang), TEXT_ALIGN_START, color, false};
}

void view_digits(const ctx *c, const char *ascii, char *out, size_t size)
{
    i18n_digits(ascii, c->lang ? c->lang->digits : "latn", out, size);
}

/* ---- parts every screen shares ---- */

static void demo_mark(ctx *c, view_rect r)
{
    if (!c->a->pack || !pack_get_meta(c->a->pack)->demo)
        return;
    view_add_rect(c, r, DEMO, 0);
    int icon = r.h * 3 / 4;
    text_opts o = view_ui_text(c, c->small_px, true, INK);
    o.align = TEXT_ALIGN_CENTER;
    view_add_icon(c, c->margin, r.y + (r.h - icon) / 2, icon, "warning", INK);
    view_add_text_fit(c, c->margin + icon, r.y, c->w - 2 * (c->margin + icon), r.h,
                 _("Demo content: example data, not for real use"), o);
}

static void header(ctx *c)
{
    int hh = c->header_h;
    view_add_rect(c, (view_rect){0, 0, c->w, hh}, BRAND, 0);
    int x = 0;
    view_add_button(c, view_place(c, x, 0, hh, hh), BRAND, 0, APP_EV_BACK, NULL, 0);
    view_add_icon(c, x + hh / 4, hh / 4, hh / 2, c->rtl ? "arrow_forward" : "arrow_back", WHITE);
    x += hh;
    if (c->a->depth > 2 && !c->search_bar) {
        view_add_button(c, view_place(c, x, 0, hh, hh), BRAND, 0, APP_EV_HOME, NULL, 0);
        view_add_icon(c, x + hh / 4, hh / 4, hh / 2, "home", WHITE);
        x += hh;
    }
    const pack_page *help = pack_page_of_kind(c->a->pack, "help");
    if (help && strcmp(app_current(c->a)->page, help->code) && !c->search_bar) {
        view_add_button(c, view_place(c, x, 0, hh, hh), BRAND, 0, APP_EV_OPEN, help->code, 0);
        view_add_icon(c, x + hh / 4, hh / 4, hh / 2, "help_outline", WHITE);
        x += hh;
    }
    int code_w = 0;
    const pack_page *emergency = c->typing ? pack_page_of_kind(c->a->pack, "emergency") : NULL;
    if (emergency) {
        /* While typing, the keyboard takes the footer: emergency numbers move up here. */
        code_w = hh * 3 / 2;
        int eh = at_least(hh * 2 / 3, c->touch);
        view_add_button(c, view_place(c, c->w - code_w - c->margin, (hh - eh) / 2, code_w, eh), ALARM, hh / 6, APP_EV_OPEN,
                   emergency->code, 0);
        view_add_icon(c, c->w - code_w - c->margin + (code_w - hh / 2) / 2, hh / 4, hh / 2, "phone", WHITE);
        code_w += c->margin;
    } else if (c->code[0]) {
        char d[32], label[96];
        view_digits(c, c->code, d, sizeof d);
        snprintf(label, sizeof label, _("Page %s"), d);
        code_w = c->base * 22 / 100;
        view_add_rect(c, view_place(c, c->w - code_w - c->margin, hh / 5, code_w, hh * 3 / 5), WHITE, hh / 8);
        text_opts o = view_ui_text(c, c->small_px * 11 / 10, true, BRAND);
        o.align = TEXT_ALIGN_CENTER;
        view_add_text_fit(c, c->w - code_w - c->margin, hh / 5, code_w, hh * 3 / 5, label, o);
        code_w += c->margin;
    }
    if (c->search_bar)
        view_search_field(c, x + c->margin / 2, c->w - x - code_w - c->margin);
    else
        view_add_text_fit(c, x + c->margin / 2, 0, c->w - x - code_w - c->margin, hh, c->title,
                          view_ui_text(c, c->title_px, true, WHITE));
    demo_mark(c, (view_rect){0, hh, c->w, c->band_h});
}

/* A square tool button in the footer; `on` shows a toggle that is switched on. */
static void tool(ctx *c, int x, int y, int size, const char *icon, const char *label, bool on, app_event_type type)
{
    view_rect r = view_place(c, x, y, size, size);
    view_add_rect(c, (view_rect){r.x - 1, r.y - 1, r.w + 2, r.h + 2}, BRAND, c->radius);
    view_add_button(c, r, on ? BRAND : WHITE, c->radius, type, NULL, 0);
    if (icon) {
        view_add_icon(c, x + size / 5, y + size / 5, size * 3 / 5, icon, on ? WHITE : BRAND);
    } else {
        text_opts o = {size * 2 / 5, true, TEXT_DIR_LTR, TEXT_ALIGN_CENTER, on ? WHITE : BRAND, true};
        view_add_text_fit(c, x, y, size, size, label, o);
    }
}

static void footer(ctx *c)
{
    int fh = c->footer_h, y = c->h - fh;
    view_add_rect(c, (view_rect){0, y, c->w, fh}, WHITE, 0);
    view_add_rect(c, (view_rect){0, y, c->w, 2}, BORDER, 0);
    int row_h = c->portrait ? (fh - c->gap) / 2 : fh;
    int size = row_h - c->gap, ty = y + c->gap / 2, x = c->margin;
    bool german = c->german && c->lang && strcmp(c->lang->code, c->german->code);
    tool(c, x, ty, size, "translate", NULL, false, APP_EV_PICK_LANGUAGE);
    x += size + c->gap;
    if (german) {
        /* The source language's own code, in Latin letters, as caseworkers know it. */
        char code[8];
        snprintf(code, sizeof code, "%.2s", c->german->code);
        for (char *p = code; *p; p++)
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        tool(c, x, ty, size, NULL, code, c->a->show_german, APP_EV_TOGGLE_GERMAN);
        x += size + c->gap;
    }
    tool(c, x, ty, size, "format_size", NULL, c->a->large_text, APP_EV_TOGGLE_LARGE);
    x += size + c->gap;
    tool(c, x, ty, size, "dialpad", NULL, app_current(c->a)->screen == APP_SCREEN_KEYPAD, APP_EV_KEYPAD);
    x += size + c->gap;
    tool(c, x, ty, size, "search", NULL, app_current(c->a)->screen == APP_SCREEN_SEARCH, APP_EV_SEARCH);
    x += size + c->gap;
    const pack_page *emergency = pack_page_of_kind(c->a->pack, "emergency");
    if (!emergency)
        return;
    int bx = c->portrait ? c->margin : x + c->gap, by = c->portrait ? ty + row_h : ty;
    int bw = c->w - c->margin - bx, bh = size;
    view_add_button(c, view_place(c, bx, by, bw, bh), ALARM, bh / 4, APP_EV_OPEN, emergency->code, 0);
    view_add_icon(c, bx + c->gap, by + bh / 4, bh / 2, "phone", WHITE);
    int tx = bx + c->gap * 2 + bh / 2;
    view_add_text_fit(c, tx, by, bw - (tx - bx) - c->gap / 2, bh, _("Emergency numbers"),
                 view_ui_text(c, c->body_px, true, WHITE));
}

/* "Still there?": the whole screen dims, a tap anywhere keeps the visit. */
static void countdown(ctx *c, int seconds)
{
    view_cmd *shade = view_add_button(c, (view_rect){0, 0, c->w, c->h}, SHADE, 0, APP_EV_TOUCH, NULL, 0);
    if (shade)
        shade->color = SHADE;
    int w = c->base * 80 / 100, h = c->base * 60 / 100;
    view_rect card = {(c->w - w) / 2, (c->h - h) / 2, w, h};
    view_add_rect(c, card, WHITE, c->radius * 2);
    text_opts o = view_ui_text(c, c->title_px * 13 / 10, true, INK);
    o.align = TEXT_ALIGN_CENTER;
    o.center_v = false;
    int y = card.y + c->margin;
    int inner = w - 2 * c->margin, left = (c->w - inner) / 2;
    /* The card sits in the middle: no mirroring of its position. */
    bool rtl = c->rtl;
    c->rtl = false;
    y += view_add_text(c, left, y, inner, 0, _("Still there?"), o) + c->gap;
    char secs[16], d[32];
    snprintf(secs, sizeof secs, "%d", seconds);
    view_digits(c, secs, d, sizeof d);
    o.size = c->title_px * 2;
    o.color = ALARM_TEXT;
    y += view_add_text(c, left, y, inner, 0, d, o) + c->gap;
    o.size = c->body_px;
    o.bold = false;
    o.color = INK;
    view_add_text(c, left, y, inner, 0, _("Touch the screen to continue."), o);
    c->rtl = rtl;
}

/* ---- screens ---- */

static void language_screen(ctx *c)
{
    const pack *p = c->a->pack;
    const pack_meta *meta = pack_get_meta(p);
    int top = c->h * 18 / 100;
    view_add_rect(c, (view_rect){0, 0, c->w, top}, BRAND, 0);
    int icon = top * 55 / 100;
    bool rtl = c->rtl;
    c->rtl = false; /* the language screen is the same for everyone */
    view_add_icon(c, c->margin, (top - icon) / 2, icon, "translate", WHITE);
    text_opts o = {c->title_px, true, TEXT_DIR_AUTO, TEXT_ALIGN_START, WHITE, true};
    int tx = c->margin * 2 + icon;
    view_add_text_fit(c, tx, 0, c->w - tx - c->margin, top, meta->name, o);
    int n = pack_language_count(p);
    int cols = c->portrait ? 2 : 3;
    int rows = (n + cols - 1) / cols;
    int demo_h = meta->demo ? c->band_h * 3 / 2 : 0;
    int hint_h = c->a->staff.fallback ? c->small_px * 3 / 2 : 0;
    int area_y = top + c->margin, area_h = c->h - area_y - c->margin - demo_h - (demo_h ? c->gap : 0) - hint_h;
    if (hint_h) {
        /* For staff only, small and plain under the languages: visitors need not wonder. */
        text_opts hint = {c->small_px * 4 / 5, false, TEXT_DIR_LTR, TEXT_ALIGN_CENTER, MUTED, true};
        view_add_text(c, c->margin, area_y + area_h + c->margin / 2, c->w - 2 * c->margin, hint_h,
                 "Service: Ersatzinhalt · fallback content", hint);
    }
    int cell_w = (c->w - 2 * c->margin - (cols - 1) * c->gap) / cols;
    int cell_h = rows ? (area_h - (rows - 1) * c->gap) / rows : 0;
    if (cell_h > c->base * 28 / 100)
        cell_h = c->base * 28 / 100;
    cell_h = at_least(cell_h, c->touch);
    int grid_h = rows * cell_h + (rows - 1) * c->gap;
    int y0 = area_y + (area_h - grid_h) / 2;
    for (int i = 0; i < n; i++) {
        const pack_language *lang = pack_language_at(p, i);
        int col = i % cols, row = i / cols;
        /* A last row that is not full sits in the middle, as the rows above it do. */
        int in_row = row == rows - 1 && n % cols ? n % cols : cols;
        int x = c->margin + (cols - in_row) * (cell_w + c->gap) / 2 + col * (cell_w + c->gap);
        view_rect r = {x, y0 + row * (cell_h + c->gap), cell_w, cell_h};
        view_add_card(c, r, APP_EV_LANGUAGE, lang->code, 0);
        text_opts lo = {c->tile_px * 13 / 10, true, dir_of(lang), TEXT_ALIGN_CENTER, INK, true};
        view_add_text_fit(c, r.x + c->gap / 2, r.y, r.w - c->gap, r.h, lang->native_name, lo);
        /* The one being changed from is marked. */
        if (c->lang && !strcmp(c->lang->code, lang->code))
            view_add_rect(c, (view_rect){r.x, r.y + r.h - c->gap / 2, r.w, c->gap / 2}, BRAND, 0);
    }
    c->rtl = rtl;
    if (demo_h)
        demo_mark(c, (view_rect){0, c->h - demo_h, c->w, demo_h});
}

/* Tiles for pages: icon above the title, in reading order from the start edge. */
/* The tile grid for n tiles in the content area: columns and cell size. */
static void tile_grid(const ctx *c, int n, int *cols_out, int *cell_w_out, int *cell_h_out)
{
    /* The column count that gives the biggest tiles that all fit on one screen. */
    int cols = 1, best = -1;
    for (int k = 1; k <= (c->portrait ? 4 : 7) && k <= (n > 0 ? n : 1); k++) {
        int r = (n + k - 1) / k;
        int w = (c->content.w - (k - 1) * c->gap) / k;
        if (k > 1 && w < c->touch)
            break; /* narrower than a fingertip: fewer columns, more rows, scroll */
        int h = r ? (c->content.h - c->margin * 2 - (r - 1) * c->gap) / r : 0;
        int size = w < h * 5 / 4 ? w : h * 5 / 4;
        if (size > best) {
            best = size;
            cols = k;
        }
    }
    int rows = (n + cols - 1) / cols;
    int cell_w = (c->content.w - (cols - 1) * c->gap) / cols;
    int cell_h = rows ? (c->content.h - c->margin * 2 - (rows - 1) * c->gap) / rows : 0;
    if (cell_h < c->base * 26 / 100)
        cell_h = c->base * 26 / 100;
    if (cell_h > cell_w * 5 / 4)
        cell_h = cell_w * 5 / 4;
    cell_h = at_least(cell_h, c->touch);
    *cols_out = cols;
    *cell_w_out = cell_w;
    *cell_h_out = cell_h;
}

static int tile_icon(int cell_h) { return cell_h * 36 / 100; }

/* Where a tile's title goes, from the tile's top left. */
static view_rect tile_title_box(const ctx *c, int cell_w, int cell_h)
{
    int text_y = cell_h * 10 / 100 + tile_icon(cell_h) + c->gap / 2;
    return (view_rect){c->gap / 2, text_y, cell_w - c->gap, cell_h - text_y - c->gap / 2};
}

/* Tiles for pages: icon above the title, in reading order from the start edge. */
static int tiles(ctx *c, const pack_page **pages, int n, int y)
{
    int cols, cell_w, cell_h;
    tile_grid(c, n, &cols, &cell_w, &cell_h);
    view_rect box = tile_title_box(c, cell_w, cell_h);
    for (int i = 0; i < n; i++) {
        int col = i % cols, row = i / cols;
        int x = c->content.x + col * (cell_w + c->gap), ty = y + row * (cell_h + c->gap);
        view_add_card(c, view_place(c, x, ty, cell_w, cell_h), APP_EV_OPEN, pages[i]->code, 0);
        int icon = tile_icon(cell_h);
        view_add_icon(c, x + (cell_w - icon) / 2, ty + cell_h * 10 / 100, icon, pages[i]->icon, BRAND);
        char title[256];
        pack_tile_title_get(c->a->pack, pages[i]->code, c->a->lang, title, sizeof title);
        text_opts o = view_content_text(c, c->tile_px, true, INK);
        o.align = TEXT_ALIGN_CENTER;
        view_add_text_fit(c, x + box.x, ty + box.y, box.w, box.h, title, o);
    }
    int rows = (n + cols - 1) / cols;
    return rows * cell_h + (rows - 1) * c->gap;
}

static int home_screen(ctx *c, int y)
{
    snprintf(c->title, sizeof c->title, "%s", _("Topics"));
    const pack_page *all[64], *pages[64];
    int total = pack_children(c->a->pack, "", all, 64), n = 0;
    /* The help page has its own button in the header, on every screen. */
    for (int i = 0; i < total && i < 64; i++)
        if (strcmp(all[i]->kind, "help"))
            pages[n++] = all[i];
    return tiles(c, pages, n, y);
}

int view_row(ctx *c, const char *icon_name, const char *title, const char *second, app_event_type type,
             const char *arg, int y)
{
    /* A compact row: the title alone, a fingertip high, in the body's size. */
    bool compact = c->compact_rows;
    int icon = compact ? at_least(c->touch * 7 / 10, c->body_px * 6 / 5) : c->base * 9 / 100;
    int pad = compact ? c->gap / 2 : c->gap, after = compact ? c->gap / 2 : c->gap;
    int x = c->content.x, w = c->content.w;
    int tx = x + c->gap + icon + c->gap, tw = w - (tx - x) - c->gap;
    text_style ts = {compact ? c->body_px : c->body_px * 11 / 10, true, dir_of(c->lang), TEXT_ALIGN_START, 0};
    text_style ss = {c->small_px, false, ts.dir, TEXT_ALIGN_START, 0};
    const text_layout *tl = text_layout_cached(c->f, title, NULL, 0, &ts, tw);
    const text_layout *sl =
        second && second[0] && !compact ? text_layout_cached(c->f, second, NULL, 0, &ss, tw) : NULL;
    int text_h = (tl ? tl->height : 0) + (sl ? sl->height : 0);
    int row_h = text_h + pad * 2;
    row_h = at_least(row_h, compact ? c->touch : at_least(c->base * 16 / 100, c->touch));
    /* A row more than a screen out of sight adds nothing: a list of hundreds of pages would
     * fill the display list before the rows on screen. A screen either side stays, so a drag
     * moves the list for a while before it is built again. */
    if (y + row_h <= c->content.y - c->content.h) {
        c->left_out_above = true;
        return row_h + after;
    }
    if (y >= c->content.y + 2 * c->content.h) {
        c->left_out_below = true;
        return row_h + after;
    }
    view_add_card(c, view_place(c, x, y, w, row_h), type, arg, 0);
    view_add_icon(c, x + c->gap, y + (row_h - icon) / 2, icon, icon_name, BRAND);
    int ty = y + (row_h - text_h) / 2;
    ty += view_add_text(c, tx, ty, tw, 0, title, view_content_text(c, ts.size_px, true, INK));
    if (sl)
        view_add_text(c, tx, ty, tw, 0, second, view_content_text(c, c->small_px, false, MUTED));
    return row_h + after;
}

int view_page_row(ctx *c, const pack_page *page, const char *title, const char *second, int y)
{
    return view_row(c, page->icon, title, second, APP_EV_OPEN, page->code, y);
}

/* The pages under a page, one row each; with German beside, the German title is the second line. */
static int page_list(ctx *c, const pack_page *page, int y)
{
    int n;
    const pack_page *children = pack_child_run(c->a->pack, page->code, &n);
    int y0 = y;
    for (int i = 0; i < n; i++) {
        pack_text t;
        if (!pack_text_get(c->a->pack, children[i].code, c->a->lang, &t, NULL))
            continue;
        char german[256] = "";
        if (c->a->show_german && c->german)
            pack_title_get(c->a->pack, children[i].code, c->german->code, german, sizeof german);
        y += view_page_row(c, &children[i], t.title, german[0] ? german : t.summary, y);
        pack_text_free(&t);
    }
    return y - y0;
}

static const SDL_Color CHIP_PAGE = {0xD6, 0xE6, 0xF2, 0xFF};
static const SDL_Color CHIP_PHONE = {0xD9, 0xEE, 0xDA, 0xFF};
static const SDL_Color CHIP_OTHER = {0xEC, 0xE4, 0xD3, 0xFF};

/* A chip is drawn round its words, but a finger needs VIEW_TOUCH_MM: its hit area grows round
 * it. Chips of one paragraph that would then overlap share the space between them. */
static void chip_hits(ctx *c, int first)
{
    for (int i = first; i < c->l->count; i++) {
        view_cmd *a = &c->l->cmds[i];
        if (!a->button)
            continue;
        int grow_w = at_least(c->touch - a->rect.w, 0), grow_h = at_least(c->touch - a->rect.h, 0);
        a->hit = (view_rect){a->rect.x - grow_w / 2, a->rect.y - grow_h / 2, a->rect.w + grow_w, a->rect.h + grow_h};
    }
    for (int i = first; i < c->l->count; i++)
        for (int j = i + 1; j < c->l->count; j++) {
            view_rect *a = &c->l->cmds[i].hit, *b = &c->l->cmds[j].hit;
            if (!c->l->cmds[i].button || !c->l->cmds[j].button || a->x >= b->x + b->w || b->x >= a->x + a->w ||
                a->y >= b->y + b->h || b->y >= a->y + a->h)
                continue;
            view_rect *up = a->y <= b->y ? a : b, *down = up == a ? b : a;
            if (up->y + up->h / 2 < down->y) {
                int cut = (up->y + up->h + down->y) / 2; /* on lines one above the other */
                down->h -= cut - down->y;
                down->y = cut;
                up->h = cut - up->y;
            } else {
                view_rect *left = a->x <= b->x ? a : b, *right = left == a ? b : a;
                int cut = (left->x + left->w + right->x) / 2; /* side by side on one line */
                right->w -= cut - right->x;
                right->x = cut;
                left->w = cut - left->x;
            }
        }
}

/* Whether two page links on different lines would come closer than a fingertip, above one
 * another: then the paragraph's lines move apart. */
static bool links_crowded(const ctx *c, const text_layout *layout, const view_link *links, int link_count)
{
    text_box all[32];
    int n = 0;
    for (int i = 0; i < link_count; i++)
        if (links[i].kind == VIEW_LINK_PAGE)
            n += text_link_boxes(layout, i + 1, all + n, n + 8 <= 32 ? 8 : 32 - n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int gi = at_least(c->touch - all[i].w, 0) / 2 + 1, gj = at_least(c->touch - all[j].w, 0) / 2 + 1;
            if (all[j].y > all[i].y && all[j].y - all[i].y < c->touch && all[i].x - gi < all[j].x + all[j].w + gj &&
                all[j].x - gj < all[i].x + all[i].w + gi)
                return true;
        }
    return false;
}

/* A paragraph of body markup: its words, with links drawn as chips behind them. Page chips
 * open their page; phone, e-mail and address chips are there to be seen and copied. A paragraph
 * with page chips gets room above and below, so their hit areas reach past no neighbour. */
static int rich_paragraph(ctx *c, int x, int y, int w, const char *markup, int size, bool bold, int *text_top)
{
    *text_top = y;
    size_t cap = strlen(markup) * 2 + 16;
    char *plain = malloc(cap);
    if (!plain)
        return 0;
    text_mark marks[VIEW_INLINE_MAX];
    view_link links[VIEW_INLINE_MAX];
    int link_count, mark_count = view_inline(markup, plain, cap, marks, links, &link_count);
    text_style style = {size, bold, dir_of(c->lang), TEXT_ALIGN_START, 0};
    const text_layout *layout = text_layout_cached(c->f, plain, marks, mark_count, &style, w > 0 ? w : 1);
    if (!layout) {
        free(plain);
        return 0;
    }
    if (layout->line_height < c->touch && links_crowded(c, layout, links, link_count)) {
        style.leading = c->touch - layout->line_height;
        layout = text_layout_cached(c->f, plain, marks, mark_count, &style, w > 0 ? w : 1);
        if (!layout) {
            free(plain);
            return 0;
        }
    }
    /* A chip covers the words, not the room between lines. */
    int pad = c->gap / 3, room = 0, lead = style.leading;
    for (int i = 0; i < link_count; i++) {
        text_box boxes[8];
        int n = text_link_boxes(layout, i + 1, boxes, 8);
        for (int b = 0; b < n && b < 8 && links[i].kind == VIEW_LINK_PAGE; b++)
            room = at_least(room, (c->touch - (boxes[b].h - lead - pad) + 1) / 2);
    }
    y += room;
    *text_top = y;
    int first = c->l->count;
    for (int i = 0; i < link_count; i++) {
        text_box boxes[8];
        int n = text_link_boxes(layout, i + 1, boxes, 8);
        bool page = links[i].kind == VIEW_LINK_PAGE;
        if (links[i].kind == VIEW_LINK_WEB && c->web_count < 4) {
            bool seen = false;
            for (int k = 0; k < c->web_count; k++)
                seen |= !strcmp(c->web[k], links[i].target);
            if (!seen)
                snprintf(c->web[c->web_count++], sizeof c->web[0], "%s", links[i].target);
        }
        SDL_Color color = page ? CHIP_PAGE : links[i].kind == VIEW_LINK_PHONE ? CHIP_PHONE : CHIP_OTHER;
        for (int b = 0; b < n && b < 8; b++) {
            view_rect r = {x + boxes[b].x - pad, y + boxes[b].y + lead / 2 + pad / 2, boxes[b].w + 2 * pad,
                           boxes[b].h - lead - pad};
            /* The layout is already in screen orientation: mirror only its box, not the chip. */
            if (c->rtl)
                r.x = c->w - x - w + boxes[b].x - pad;
            if (page)
                view_add_button(c, r, color, pad * 2, APP_EV_OPEN, links[i].target, 0);
            else
                view_add_rect(c, r, color, pad * 2);
        }
    }
    chip_hits(c, first);
    view_cmd *cmd = add(c, VIEW_TEXT, view_place(c, x, y, w, layout->height));
    if (cmd) {
        cmd->layout = layout;
        cmd->text = keep(c, plain);
        cmd->color = INK;
    }
    free(plain);
    return layout->height + 2 * room;
}

/* Returns the height taken; *text_top: where its first line went. */
static int body_paragraph(ctx *c, int y, const char *markup, int size, bool bold, int indent, int *text_top)
{
    return rich_paragraph(c, c->content.x + indent, y, c->content.w - indent, markup, size, bold, text_top);
}

/* The article body, from its markup: headings, paragraphs (lines kept), bullet items. */
static int article(ctx *c, const char *body, int y)
{
    int y0 = y, para_gap = c->body_px * 6 / 10, top;
    size_t cap = strlen(body) + 1;
    char *para = malloc(cap), *line = malloc(cap);
    if (!para || !line) {
        free(para);
        free(line);
        return 0;
    }
    size_t para_len = 0;
    para[0] = 0;
    for (const char *p = body;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        memcpy(line, p, len);
        line[len] = 0;
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\r'))
            line[--len] = 0;
        bool heading = !strncmp(line, "# ", 2) || !strncmp(line, "## ", 3);
        bool bullet = !strncmp(line, "- ", 2);
        if ((len == 0 || heading || bullet) && para_len) {
            y += body_paragraph(c, y, para, c->body_px, false, 0, &top) + para_gap;
            para_len = 0;
            para[0] = 0;
        }
        if (heading) {
            bool level1 = line[1] == ' ';
            y += para_gap / 2;
            y += body_paragraph(c, y, line + (level1 ? 2 : 3), level1 ? c->title_px : c->body_px * 12 / 10, true, 0,
                                &top) +
                 para_gap / 2;
        } else if (bullet) {
            int indent = c->body_px * 3 / 2;
            int h = body_paragraph(c, y, line + 2, c->body_px, false, indent, &top);
            view_add_text(c, c->content.x + c->body_px / 3, top, indent, 0, "•", view_content_text(c, c->body_px, true, BRAND));
            y += h + para_gap / 2;
        } else if (len) {
            para_len += (size_t)snprintf(para + para_len, cap - para_len, "%s%s", para_len ? "\n" : "", line);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (para_len)
        y += body_paragraph(c, y, para, c->body_px, false, 0, &top) + para_gap;
    free(para);
    free(line);
    /* A kiosk has no browser: web addresses go along to the visitor's phone as QR codes. */
    int qr = c->base * 24 / 100;
    for (int i = 0; i < c->web_count; i++) {
        view_add_rect(c, view_place(c, c->content.x, y, c->content.w, qr + c->gap), WHITE, c->radius);
        view_cmd *code = add(c, VIEW_QR, view_place(c, c->content.x + c->gap / 2, y + c->gap / 2, qr, qr));
        if (code) {
            code->text = keep(c, c->web[i]);
            code->color = INK;
        }
        int tx = c->content.x + qr + c->gap * 2;
        text_opts o = view_content_text(c, c->body_px, true, INK);
        o.center_v = true;
        view_add_text(c, tx, y, c->content.w - (tx - c->content.x) - c->gap, qr + c->gap, c->web[i], o);
        y += qr + c->gap * 2;
    }
    c->web_count = 0;
    return y - y0;
}

/* A page not written in the visitor's language: say so in it, offer the languages it has. */
static int missing_translation(ctx *c, const pack_page *page, int y)
{
    int y0 = y;
    text_opts o = view_content_text(c, c->body_px * 12 / 10, true, INK);
    y += view_add_text(c, c->content.x, y, c->content.w, 0, _("This page is not available in your language yet."), o);
    y += c->gap;
    y += view_add_text(c, c->content.x, y, c->content.w, 0, _("It is available in these languages:"),
                  view_content_text(c, c->body_px, false, INK));
    y += c->gap;
    const pack_language *langs[PACK_LANGUAGES_MAX];
    int n = pack_page_languages(c->a->pack, page->code, langs, PACK_LANGUAGES_MAX);
    int bw = c->base * 45 / 100, bh = at_least(c->base * 14 / 100, c->touch);
    for (int i = 0; i < n; i++) {
        view_add_card(c, view_place(c, c->content.x, y, bw, bh), APP_EV_LANGUAGE, langs[i]->code, 0);
        text_opts lo = {c->body_px * 12 / 10, true, dir_of(langs[i]), TEXT_ALIGN_CENTER, BRAND, true};
        view_add_text(c, c->content.x, y, bw, bh, langs[i]->native_name, lo);
        y += bh + c->gap;
    }
    return y - y0;
}

static void format_time(const ctx *c, int minute, char *out, size_t size)
{
    char ascii[8];
    snprintf(ascii, sizeof ascii, "%02d:%02d", minute / 60, minute % 60);
    view_digits(c, ascii, out, size);
}

/* "08:00–12:00, 14:00–16:00" in the visitor's digits, or "Closed". */
static void day_hours(const ctx *c, const pack_office *o, int day, char *out, size_t size)
{
    out[0] = 0;
    if (o->slot_count[day] == 0) {
        snprintf(out, size, "%s", _("Closed"));
        return;
    }
    for (int k = 0; k < o->slot_count[day]; k++) {
        char from[32], to[32];
        format_time(c, o->slots[day][k].open, from, sizeof from);
        format_time(c, o->slots[day][k].close, to, sizeof to);
        /* Between two opening times of one day: the language's own comma. */
        snprintf(out + strlen(out), size - strlen(out), "%s%s–%s", k ? _(", ") : "", from, to);
    }
}

/* One line of contact detail: an icon and the words, as a chip a person can copy down. */
static int contact_line(ctx *c, int x, int y, int w, const char *icon, const char *words)
{
    int size = c->body_px * 3 / 2;
    /* In the visitor's direction: the engine keeps numbers and Latin addresses left to right
     * inside it, and the words start next to their icon. */
    text_opts o = view_content_text(c, c->body_px, true, INK);
    int tx = x + size + c->gap;
    text_style style = {o.size, o.bold, o.dir, TEXT_ALIGN_START, 0};
    const text_layout *l = text_layout_cached(c->f, words, NULL, 0, &style, w - (tx - x));
    int h = l ? l->height : size;
    h = h < size ? size : h;
    view_add_rect(c, view_place(c, x - c->gap / 2, y - c->gap / 4, w + c->gap, h + c->gap / 2), CHIP_OTHER, c->radius);
    view_add_icon(c, x, y + (h - size) / 2, size, icon, BRAND);
    o.center_v = true;
    view_add_text(c, tx, y, w - (tx - x), h, words, o);
    return h + c->gap;
}

/* What an office is, when it is open (now, today and every day), how to get there, and a
 * code to take it along. */
static int office_card(ctx *c, const pack_office *o, int y)
{
    int y0 = y, x = c->content.x, w = c->content.w;
    int qr = c->base * 30 / 100;
    bool side_qr = !c->portrait;
    int text_w = side_qr ? w - qr - c->margin : w;
    y += view_add_text(c, x, y, text_w, 0, o->name, view_content_text(c, c->title_px, true, INK)) + c->gap / 2;
    if (o->example) {
        int ew = c->base * 35 / 100;
        view_add_rect(c, view_place(c, x, y, ew, c->small_px * 2), DEMO, c->radius);
        text_opts eo = view_ui_text(c, c->small_px, true, INK);
        eo.align = TEXT_ALIGN_CENTER;
        view_add_text_fit(c, x, y, ew, c->small_px * 2, _("Example data"), eo);
        y += c->small_px * 2 + c->gap;
    }
    if (c->a->weekday >= 0) {
        int minute = 0;
        pack_open_state state = pack_office_state(o, c->a->weekday, c->a->minute, c->a->date, &minute);
        char when[32], line[160];
        format_time(c, minute, when, sizeof when);
        SDL_Color color = ALARM_TEXT;
        switch (state) {
        case PACK_OPEN_NOW:
            snprintf(line, sizeof line, _("Open now, until %s"), when);
            color = OPEN_GREEN;
            break;
        case PACK_OPENS_LATER:
            snprintf(line, sizeof line, _("Opens at %s"), when);
            color = LATER_AMBER;
            break;
        case PACK_BY_APPOINTMENT:
            snprintf(line, sizeof line, "%s", _("By appointment"));
            color = BRAND;
            break;
        default:
            snprintf(line, sizeof line, "%s", _("Closed today"));
            break;
        }
        int icon = c->body_px * 3 / 2;
        view_add_icon(c, x, y, icon, "schedule", color);
        y += view_add_text(c, x + icon + c->gap, y, text_w - icon - c->gap, icon, line,
                      view_ui_text(c, c->body_px * 12 / 10, true, color)) +
             c->gap;
    }
    if (o->address[0])
        y += contact_line(c, x, y, text_w, "place", o->address);
    for (int i = 0; i < o->phone_count; i++) {
        y += contact_line(c, x, y, text_w, "phone", o->phones[i]);
    }
    if (o->email[0])
        y += contact_line(c, x, y, text_w, "mail", o->email);
    if (o->web[0])
        y += contact_line(c, x, y, text_w, "public", o->web);
    if (!strcmp(o->step_free, "yes"))
        y += contact_line(c, x, y, text_w, "accessible", _("Step-free access"));
    /* The week, today marked. */
    static const char *const days[7] = {N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
                                        N_("Friday"), N_("Saturday"), N_("Sunday")};
    y += c->gap / 2;
    int name_w = text_w * 38 / 100;
    for (int d = 0; d < 7; d++) {
        char hours[160];
        day_hours(c, o, d, hours, sizeof hours);
        bool today = d == c->a->weekday;
        text_opts to = view_content_text(c, c->body_px, today, INK);
        if (today)
            view_add_rect(c, view_place(c, x - c->gap / 2, y, text_w + c->gap, c->body_px * 3 / 2), CHIP_PAGE, c->radius);
        view_add_text(c, x, y, name_w, 0, _(days[d]), to);
        int h = view_add_text(c, x + name_w, y, text_w - name_w, 0, hours, to);
        y += (h > c->body_px * 3 / 2 ? h : c->body_px * 3 / 2);
    }
    /* Name, address, phones and the week as plain text in a QR code for the visitor's phone
     * (pack_office_qr_text: the same as on the printed handout). */
    char payload[PACK_OFFICE_QR_BYTES];
    pack_office_qr_text(o, payload, sizeof payload);
    int qx = side_qr ? x + w - qr : x, qy = side_qr ? y0 : y + c->gap;
    view_add_rect(c, view_place(c, qx - c->gap / 2, qy - c->gap / 2, qr + c->gap, qr + c->gap), WHITE, c->radius);
    view_cmd *code = add(c, VIEW_QR, view_place(c, qx, qy, qr, qr));
    if (code) {
        code->text = keep(c, payload);
        code->color = INK;
    }
    if (!side_qr)
        y = qy + qr + c->gap;
    else if (y < y0 + qr + c->gap)
        y = y0 + qr + c->gap;
    return y - y0 + c->gap;
}

/* The page's own text: the topic's pages first (a topic is a way to them), then the body. */
static int page_body(ctx *c, const pack_page *page, const pack_text *t, int y)
{
    int height = 0;
    pack_office office;
    if (page->office[0] && pack_office_get(c->a->pack, page->office, &office))
        height += office_card(c, &office, y);
    if (!strcmp(page->kind, "topic"))
        height += page_list(c, page, y + height);
    if (t->body[0])
        height += article(c, t->body, y + height);
    if (strcmp(page->kind, "topic"))
        height += page_list(c, page, y + height);
    if (!strcmp(page->kind, "help"))
        height += view_row(c, "info", _("About this kiosk"), NULL, APP_EV_ABOUT, NULL, y + height);
    if (height == 0) {
        /* A page staff have not filled yet (Integreat has such): say so rather than show nothing. */
        view_add_icon(c, c->content.x, y, c->body_px * 2, "hourglass_empty", MUTED);
        int tx = c->content.x + c->body_px * 2 + c->gap;
        height = view_add_text(c, tx, y, c->content.w - (tx - c->content.x), 0, _("There is no text on this page yet."),
                          view_content_text(c, c->body_px, false, MUTED));
        height = at_least(height, c->body_px * 2);
    }
    return height;
}

/* The same article in German beside the visitor's language (landscape) or under it (portrait),
 * so a caseworker can read along. */
static int german_beside(ctx *c, const pack_page *page, const pack_text *t, int y)
{
    pack_text g;
    if (!pack_text_get(c->a->pack, page->code, c->german->code, &g, NULL))
        return article(c, t->body, y);
    view_rect full = c->content;
    int height;
    if (!c->portrait) {
        int col = (full.w - c->margin) / 2;
        c->content.w = col;
        int own = article(c, t->body, y);
        const pack_language *lang = c->lang;
        bool rtl = c->rtl;
        c->lang = c->german;
        c->rtl = false;
        /* The German column sits at the visitor's end edge. */
        c->content.x = rtl ? full.x : full.x + col + c->margin;
        int theirs = view_add_text(c, c->content.x, y, col, 0, g.title, view_content_text(c, c->body_px * 12 / 10, true, BRAND));
        theirs += c->gap + article(c, g.body, y + theirs + c->gap);
        c->lang = lang;
        c->rtl = rtl;
        height = own > theirs ? own : theirs;
        /* The line between the columns, in the gap between them whichever side each is on. */
        view_add_rect(c, (view_rect){full.x + col + c->margin / 2 - 1, y, 2, height}, BORDER, 0);
    } else {
        height = article(c, t->body, y);
        view_add_rect(c, (view_rect){c->content.x, y + height, c->content.w, 2}, BORDER, 0);
        height += c->gap;
        const pack_language *lang = c->lang;
        bool rtl = c->rtl;
        c->lang = c->german;
        c->rtl = false;
        height += view_add_text(c, full.x, y + height, full.w, 0, g.title, view_content_text(c, c->body_px * 12 / 10, true, BRAND));
        height += c->gap + article(c, g.body, y + height + c->gap);
        c->lang = lang;
        c->rtl = rtl;
    }
    c->content = full;
    pack_text_free(&g);
    return height;
}

/* The big "read aloud" button over the article, for a page with a recording in the visitor's
 * language; while it plays, the same place stops it. Returns the height it takes. */
static int read_aloud_button(ctx *c, int y)
{
    bool playing = c->a->reading[0] != 0;
    int h = at_least(c->base * 12 / 100, c->touch), w = c->base * 56 / 100, icon = h * 3 / 5;
    if (w > c->content.w)
        w = c->content.w;
    int x = c->content.x;
    view_rect r = view_place(c, x, y, w, h);
    view_add_rect(c, (view_rect){r.x - 2, r.y - 2, r.w + 4, r.h + 4}, BRAND, h / 2 + 2);
    view_add_button(c, r, playing ? WHITE : BRAND, h / 2, APP_EV_READ_ALOUD, NULL, 0);
    SDL_Color ink = playing ? BRAND : WHITE;
    view_add_icon(c, x + h / 3, y + (h - icon) / 2, icon, playing ? "stop" : "volume_up", ink);
    int tx = x + h / 3 + icon + c->gap / 2;
    view_add_text_fit(c, tx, y, w - (tx - x) - h / 3, h, playing ? _("Stop reading") : _("Read aloud"),
                 view_ui_text(c, c->body_px * 11 / 10, true, ink));
    return h + c->gap * 3 / 2;
}

static int page_screen(ctx *c, int y)
{
    const pack_page *page = pack_page_find(c->a->pack, app_current(c->a)->page);
    if (!page)
        return 0;
    pack_text t;
    bool have = pack_text_get(c->a->pack, page->code, c->a->lang, &t, NULL);
    snprintf(c->title, sizeof c->title, "%s", have ? t.title : "");
    snprintf(c->code, sizeof c->code, "%s", page->code);
    if (!have)
        return missing_translation(c, page, y);
    bool beside = c->a->show_german && c->german && strcmp(c->lang->code, c->german->code) &&
                  strcmp(page->kind, "topic") && t.body[0];
    /* With German beside, the visitor's own language is read: the caseworker reads along. */
    int button = t.audio[0] ? read_aloud_button(c, y) : 0;
    button += view_draft_mark(c, &t, y + button);
    y += button;
    int height = button;
    if (beside) {
        int read = german_beside(c, page, &t, y);
        height += read + page_list(c, page, y + read);
    } else {
        height += page_body(c, page, &t, y);
    }
    pack_text_free(&t);
    return height;
}

/* One fact on the about page: a label in the visitor's language, the value as the pack says it. */
static int about_fact(ctx *c, int y, const char *label, const char *value)
{
    if (!value || !value[0])
        return 0;
    int h = view_add_text(c, c->content.x, y, c->content.w, 0, label, view_ui_text(c, c->small_px, true, MUTED));
    /* Staff write these in their own language: isolated, so a German sentence keeps its full
     * stop where it belongs while the line still starts at the visitor's start edge. */
    size_t size = strlen(value) + 8;
    char *isolated = malloc(size);
    if (isolated) {
        snprintf(isolated, size, "\u2068%s\u2069", value);
        h += view_add_text(c, c->content.x, y + h, c->content.w, 0, isolated, view_content_text(c, c->body_px, false, INK));
    }
    free(isolated);
    return h + c->gap;
}

/* Who made the content, where it comes from and under which licence (an Integreat import
 * names its source here), and which versions of content and software are running. */
static int about_screen(ctx *c, int y)
{
    const pack_meta *m = pack_get_meta(c->a->pack);
    snprintf(c->title, sizeof c->title, "%s", _("About this kiosk"));
    int y0 = y;
    char version[160], count[64];
    snprintf(version, sizeof version, "%s%s%s", m->version,
             m->created[0] && strcmp(m->created, m->version) ? " / " : "", strcmp(m->created, m->version) ? m->created : "");
    snprintf(count, sizeof count, "%d", pack_page_count(c->a->pack));
    /* Every language's name, isolated and separated: room for the most a pack may have. */
    char pages[64], languages[PACK_LANGUAGES_MAX * (PACK_NATIVE_NAME_BYTES_MAX + 16)] = "";
    view_digits(c, count, pages, sizeof pages);
    for (int i = 0; i < pack_language_count(c->a->pack); i++) {
        size_t n = strlen(languages);
        /* Each name isolated: an Arabic name between Latin ones keeps its place. */
        snprintf(languages + n, sizeof languages - n, "%s\u2068%s\u2069", i ? " · " : "",
                 pack_language_at(c->a->pack, i)->native_name);
    }
    y += about_fact(c, y, _("Content"), m->name);
    y += about_fact(c, y, _("Published by"), m->publisher);
    y += about_fact(c, y, _("Source and licence"), m->source);
    y += about_fact(c, y, _("Content version"), version);
    y += about_fact(c, y, _("Pages"), pages);
    y += about_fact(c, y, _("Languages"), languages);
    y += about_fact(c, y, _("Kiosk software"), "Wegweiser " WW_VERSION);
    y += view_about_translations(c, y);
    if (m->demo)
        y += about_fact(c, y, _("Note"), _("Demo content: example data, not for real use"));
    return y - y0;
}

static void no_content_screen(ctx *c)
{
    view_add_icon(c, (c->w - c->base / 4) / 2, c->h / 5, c->base / 4, "error_outline", BRAND);
    text_opts o = {c->title_px, true, TEXT_DIR_AUTO, TEXT_ALIGN_CENTER, INK, false};
    view_add_text(c, c->margin, c->h / 5 + c->base / 4 + c->margin, c->w - 2 * c->margin, 0,
             _("This kiosk could not load its content. Please ask the staff."), o);
}

static bool in_sight(const view_cmd *cmd, view_rect area)
{
    return cmd->rect.y < area.y + area.h && cmd->rect.y + cmd->rect.h > area.y;
}

/* Content commands scroll under the header and footer: clip them, and drop those that
 * cannot be seen. All of them are kept aside as well (when they fit), so the next frame of a
 * drag can show another part of them (view_scroll) instead of building the screen again. */
static void clip_content(ctx *c, int first, view_rect area)
{
    view_list *l = c->l;
    bool whole = l->count - first <= VIEW_MAX_CMDS / 2;
    int kept = first;
    l->content_count = whole ? 0 : -1;
    for (int i = first; i < l->count; i++) {
        view_cmd *cmd = &l->cmds[i];
        cmd->clip = (view_rect){0, area.y, c->w, area.h};
        if (whole) {
            view_cmd *aside = &l->content[l->content_count++];
            *aside = *cmd;
            aside->rect.y += c->scroll;
            if (aside->button)
                aside->hit.y += c->scroll;
        }
        if (in_sight(cmd, area))
            l->cmds[kept++] = *cmd;
    }
    l->count = kept;
    l->scroll_first = first;
    l->scroll_end = kept;
    l->scroll_area = area;
    l->kept_top = c->left_out_above ? c->content.y - c->content.h + c->scroll : INT_MIN;
    l->kept_bottom = c->left_out_below ? c->content.y + 2 * c->content.h + c->scroll : INT_MAX;
}

bool view_scroll(view_list *l, int scroll)
{
    if (l->content_count < 0)
        return false;
    /* Rows were left out past what was kept: build the list there. */
    if ((l->kept_top != INT_MIN && l->scroll_area.y + scroll < l->kept_top) ||
        (l->kept_bottom != INT_MAX && l->scroll_area.y + l->scroll_area.h + scroll > l->kept_bottom))
        return false;
    int shown = 0;
    for (int i = 0; i < l->content_count; i++) {
        view_cmd cmd = l->content[i];
        cmd.rect.y -= scroll;
        shown += in_sight(&cmd, l->scroll_area);
    }
    int tail = l->count - l->scroll_end;
    if (l->scroll_first + shown + tail > VIEW_MAX_CMDS)
        return false;
    /* What comes after the content (header, footer, keys, overlays) moves up or down. */
    memmove(&l->cmds[l->scroll_first + shown], &l->cmds[l->scroll_end], (size_t)tail * sizeof l->cmds[0]);
    int k = l->scroll_first;
    for (int i = 0; i < l->content_count; i++) {
        view_cmd cmd = l->content[i];
        cmd.rect.y -= scroll;
        if (cmd.button)
            cmd.hit.y -= scroll;
        if (in_sight(&cmd, l->scroll_area))
            l->cmds[k++] = cmd;
    }
    l->scroll_end = k;
    l->count = k + tail;
    return true;
}

/* Sizes from the screen: everything scales with its shorter side. */
static void setup(ctx *c, int width, int height, int dpi, const pack_language *lang, bool large_text, bool demo,
                  bool typing)
{
    c->w = width;
    c->h = height;
    c->base = width < height ? width : height;
    c->touch = view_touch_px(dpi);
    c->portrait = height > width;
    c->lang = lang;
    c->rtl = lang && lang->rtl;
    c->margin = c->base * 4 / 100;
    c->gap = c->base * 25 / 1000;
    c->radius = c->base * 25 / 1000;
    c->header_h = at_least(c->base * 15 / 100, c->touch);
    c->typing = typing;
    /* One row of tool buttons (two in portrait), each a fingertip high with a gap round it. */
    int tool_rows = c->portrait ? 2 : 1;
    c->footer_h = typing ? 0
                         : at_least(c->base * (c->portrait ? 24 : 13) / 100,
                                    tool_rows * (c->touch + c->gap) + (tool_rows - 1) * c->gap);
    int scale = large_text ? 130 : 100;
    c->title_px = c->base * 55 / 1000 * scale / 100;
    c->body_px = c->base * 42 / 1000 * scale / 100;
    c->small_px = c->base * 32 / 1000;
    c->tile_px = c->base * 42 / 1000 * scale / 100;
    c->band_h = demo ? c->small_px * 17 / 10 : 0;
    c->content = (view_rect){c->margin, c->header_h + c->band_h, width - 2 * c->margin,
                             height - c->header_h - c->band_h - c->footer_h};
}

void view_body_measure(int width, int height, int dpi, bool large_text, int *body_px, int *line_width)
{
    ctx c = {0};
    setup(&c, width, height, dpi, NULL, large_text, false, false);
    *body_px = c.body_px;
    *line_width = c.content.w;
}

bool view_tile_title_fits(text_fonts *fonts, const char *title, const pack_language *lang, int tile_count, int width,
                          int height, int dpi, bool demo)
{
    ctx c = {.f = fonts};
    setup(&c, width, height, dpi, lang, false, demo, false);
    int cols, cell_w, cell_h;
    tile_grid(&c, tile_count, &cols, &cell_w, &cell_h);
    view_rect box = tile_title_box(&c, cell_w, cell_h);
    /* The kiosk shrinks a long title to fit; past a fifth smaller it reads badly. */
    text_style style = {c.tile_px * 80 / 100, true, dir_of(lang), TEXT_ALIGN_CENTER, 0};
    const text_layout *l = text_layout_cached(fonts, title, NULL, 0, &style, box.w);
    return l && l->height <= box.h && !l->cut_word;
}

/* A two-line staff button, German above English, centred in its face. */
static view_cmd *staff_button(ctx *c, view_rect r, SDL_Color face, SDL_Color ink, app_event_type type,
                              const char *de, const char *en)
{
    view_cmd *cmd = view_add_button(c, r, face, c->radius, type, NULL, 0);
    int pad = c->gap / 2, line = (r.h - 2 * pad) / 2;
    text_opts o = {c->body_px, true, TEXT_DIR_LTR, TEXT_ALIGN_CENTER, ink, true};
    view_add_text_fit(c, r.x + pad, r.y + pad, r.w - 2 * pad, line, de, o);
    o.bold = false;
    o.size = c->body_px * 9 / 10;
    view_add_text_fit(c, r.x + pad, r.y + pad + line, r.w - 2 * pad, line, en, o);
    return cmd;
}

/* The downgrade question: what was found, then "keep" (a tap) and "install older" (held for
 * APP_HOLD_MS, its progress filling the button's foot), so neither a passing visitor nor a
 * stray tap installs old content. */
static void service_question(ctx *c, int x, int y, int inner, view_rect card)
{
    bool portrait = c->portrait;
    int button_h = at_least(c->base * 16 / 100, c->touch), rows = portrait ? 2 : 1;
    int buttons_y = card.y + card.h - c->margin - rows * button_h - (rows - 1) * c->gap;
    int hint_h = c->small_px * 3 / 2, hint_y = buttons_y - c->gap / 2 - hint_h;
    int room = hint_y - c->gap / 2 - y;
    text_opts body = {c->body_px, true, TEXT_DIR_LTR, TEXT_ALIGN_START, INK, false};
    y += view_add_text_fit(c, x, y, inner, room * 11 / 20, c->a->staff.de, body) + c->gap / 2;
    body.bold = false;
    body.color = MUTED;
    view_add_text_fit(c, x, y, inner, hint_y - c->gap / 2 - y, c->a->staff.en, body);
    text_opts hint = {c->small_px, false, TEXT_DIR_LTR, TEXT_ALIGN_START, MUTED, true};
    view_add_text_fit(c, x, hint_y, inner, hint_h,
                 c->a->staff.holding ? "Weiter gedrückt halten … · Keep holding …"
                                       : "Zum Installieren 2 Sekunden gedrückt halten · Hold 2 seconds to install",
                 hint);
    int bw = portrait ? inner : (inner - c->gap) / 2;
    view_rect keep = {x, buttons_y, bw, button_h};
    view_rect older = portrait ? (view_rect){x, buttons_y + button_h + c->gap, bw, button_h}
                               : (view_rect){x + bw + c->gap, buttons_y, bw, button_h};
    staff_button(c, keep, BRAND, WHITE, APP_EV_SERVICE_KEEP, "Aktuelle Version behalten", "Keep current version");
    view_add_rect(c, (view_rect){older.x - 3, older.y - 3, older.w + 6, older.h + 6}, ALARM_TEXT, c->radius);
    view_cmd *hold = staff_button(c, older, WHITE, ALARM_TEXT, APP_EV_SERVICE_HOLD,
                                  "Ältere Version trotzdem installieren", "Install older version anyway");
    if (hold)
        hold->on_press = true;
    int foot = older.h / 8, done = (int)((long)older.w * (long)c->a->staff.hold_ms / APP_HOLD_MS);
    if (c->a->staff.holding && done > 0)
        view_add_rect(c, (view_rect){older.x, older.y + older.h - foot, done < older.w ? done : older.w, foot},
                 ALARM_TEXT, 0);
}

/* What staff see during a USB update, and at start when the installed pack failed: in German
 * and English, whatever the visitor's language, above everything; a tap closes a result (a
 * question needs an answer). */
static void service_overlay(ctx *c)
{
    const app *a = c->a;
    view_cmd *shade = view_add_button(c, (view_rect){0, 0, c->w, c->h}, SHADE, 0,
                                 a->staff.done && !a->staff.ask ? APP_EV_SERVICE_CLOSE : APP_EV_TICK, NULL, 0);
    if (shade)
        shade->color = SHADE;
    int w = c->w * (c->portrait ? 90 : 85) / 100, h = c->h * (a->staff.ask ? 90 : 70) / 100;
    view_rect card = {(c->w - w) / 2, (c->h - h) / 2, w, h};
    view_add_rect(c, card, WHITE, c->radius * 2);
    bool rtl = c->rtl;
    c->rtl = false;
    int x = card.x + c->margin, inner = w - 2 * c->margin, y = card.y + c->margin;
    text_opts title = {c->title_px, true, TEXT_DIR_LTR, TEXT_ALIGN_START, INK, false};
    const char *icon = !a->staff.done ? "usb"
                       : a->staff.ask    ? "help"
                       : a->staff.notice ? "warning"
                       : a->staff.ok     ? "check_circle"
                                           : "error";
    SDL_Color tone = !a->staff.done                    ? BRAND
                     : a->staff.ask || a->staff.notice ? LATER_AMBER
                     : a->staff.ok                       ? OPEN_GREEN
                                                           : ALARM_TEXT;
    view_add_icon(c, x, y, c->title_px * 3 / 2, icon, tone);
    y += view_add_text_fit(c, x + c->title_px * 2, y, inner - c->title_px * 2, c->title_px * 3 / 2,
                      a->staff.notice ? "Inhaltspaket beim Start · Content pack at start"
                                        : "Inhalte aktualisieren · Content update",
                      title) +
         c->gap * 2;
    text_opts body = {c->body_px, false, TEXT_DIR_LTR, TEXT_ALIGN_START, INK, false};
    if (!a->staff.done) {
        bool copying = a->staff.progress >= 0;
        y += view_add_text(c, x, y, inner, 0,
                      copying ? "Das Inhaltspaket wird geprüft und kopiert. Den Stick bitte stecken lassen."
                              : "Der USB-Stick wird gelesen …",
                      body) +
             c->gap / 2;
        body.color = MUTED;
        y += view_add_text(c, x, y, inner, 0,
                      copying ? "Checking and copying the content pack. Please leave the stick in."
                              : "Reading the USB stick …",
                      body) +
             c->gap * 2;
        int bar_h = c->body_px;
        view_add_rect(c, (view_rect){x, y, inner, bar_h}, BORDER, bar_h / 2);
        int done = copying ? inner * a->staff.progress / 1000 : 0;
        if (done > 0)
            view_add_rect(c, (view_rect){x, y, done, bar_h}, BRAND, bar_h / 2);
    } else if (a->staff.ask) {
        service_question(c, x, y, inner, card);
    } else {
        /* Long sentences (a start notice names files) shrink rather than spill off the card. */
        int close_h = c->small_px * 3 / 2, room = card.y + card.h - c->margin - close_h - c->gap - y;
        body.bold = true;
        y += view_add_text_fit(c, x, y, inner, room / 2, a->staff.de, body) + c->gap;
        body.bold = false;
        y += view_add_text_fit(c, x, y, inner, card.y + card.h - c->margin - close_h - c->gap - y, a->staff.en, body) +
             c->gap * 2;
        body.color = MUTED;
        body.size = c->small_px;
        view_add_text(c, x, y, inner, 0, "Zum Schließen tippen · Tap to close", body);
    }
    c->rtl = rtl;
}

int view_touch_px(int dpi) { return (dpi * VIEW_TOUCH_MM * 10 + 253) / 254; }

void view_build(view_list *out, const app *a, text_fonts *fonts, int width, int height, int dpi)
{
    out->count = 0;
    out->used = 0;
    out->width = width;
    out->height = height;
    out->background = BACKGROUND;
    out->scroll_max = 0;
    out->scroll_first = out->scroll_end = 0;
    static unsigned long serials;
    out->serial = ++serials;
    out->content_count = -1;
    ctx c = {.l = out, .a = a, .f = fonts};
    setup(&c, width, height, dpi, app_language(a), a->large_text, a->pack && pack_get_meta(a->pack)->demo,
          app_current(a)->screen == APP_SCREEN_KEYPAD || app_current(a)->screen == APP_SCREEN_SEARCH);
    c.scroll = app_current(a)->scroll;
    if (a->pack && app_current(a)->screen == APP_SCREEN_SEARCH && !a->keyboard_hidden) {
        c.search_bar = true;
        c.header_h = at_least(c.base * 11 / 100, c.touch);
        c.content.y = c.header_h + c.band_h;
        c.content.h = height - c.content.y;
    }
    if (!a->pack) {
        i18n_set_language("en");
        no_content_screen(&c);
        if (a->staff.shown)
            service_overlay(&c);
        return;
    }
    c.german = pack_language_find(a->pack, pack_get_meta(a->pack)->source_language);
    i18n_set_language(c.lang ? c.lang->code : pack_get_meta(a->pack)->source_language);
    const app_place *here = app_current(a);
    if (here->screen == APP_SCREEN_LANGUAGE || !c.lang) {
        language_screen(&c);
    } else {
        int y = c.content.y + c.margin - c.scroll, used = 0;
        view_rect area = c.content;
        if (here->screen == APP_SCREEN_HOME)
            used = home_screen(&c, y);
        else if (here->screen == APP_SCREEN_PAGE)
            used = page_screen(&c, y);
        else if (here->screen == APP_SCREEN_KEYPAD)
            used = view_keypad_screen(&c, y);
        else if (here->screen == APP_SCREEN_ABOUT)
            used = about_screen(&c, y);
        if (here->screen == APP_SCREEN_SEARCH && a->keyboard_hidden) {
            used = view_search_screen(&c, y);
            clip_content(&c, 0, area);
        } else if (here->screen == APP_SCREEN_SEARCH) {
            int first = out->count;
            int top = view_keyboard(&c);
            /* Results scroll between the search box and the keyboard. */
            view_cmd keys[VIEW_MAX_CMDS / 2];
            int nkeys = out->count - first;
            if (nkeys > VIEW_MAX_CMDS / 2)
                nkeys = VIEW_MAX_CMDS / 2;
            memcpy(keys, &out->cmds[first], (size_t)nkeys * sizeof keys[0]);
            out->count = first;
            area.h = top - area.y;
            c.content.h = area.h;
            used = view_search_screen(&c, y);
            clip_content(&c, 0, area);
            for (int i = 0; i < nkeys && out->count < VIEW_MAX_CMDS; i++)
                out->cmds[out->count++] = keys[i];
        } else {
            clip_content(&c, 0, area);
        }
        out->scroll_max = used + 2 * c.margin - area.h;
        if (out->scroll_max < 0)
            out->scroll_max = 0;
        header(&c);
        if (!c.typing)
            footer(&c);
    }
    int seconds = app_countdown(a);
    if (seconds && !a->staff.shown)
        countdown(&c, seconds);
    if (a->staff.shown)
        service_overlay(&c);
}

const view_cmd *view_hit(const view_list *l, int x, int y)
{
    for (int i = l->count - 1; i >= 0; i--) {
        const view_cmd *c = &l->cmds[i];
        if (!c->button || !inside(c->hit, x, y))
            continue;
        if (c->clip.w && (y < c->clip.y || y >= c->clip.y + c->clip.h))
            continue;
        return c;
    }
    return NULL;
}

const view_cmd *view_find_text(const view_list *l, const char *text)
{
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_TEXT && l->cmds[i].text && !strcmp(l->cmds[i].text, text))
            return &l->cmds[i];
    return NULL;
}

static view_link_kind link_kind(const char *target, size_t n)
{
    if (n >= 5 && !strncmp(target, "page:", 5))
        return VIEW_LINK_PAGE;
    if (n >= 4 && !strncmp(target, "tel:", 4))
        return VIEW_LINK_PHONE;
    if (n >= 7 && !strncmp(target, "mailto:", 7))
        return VIEW_LINK_EMAIL;
    if (n == 4 && !strncmp(target, "addr", 4))
        return VIEW_LINK_ADDRESS;
    if (n == 3 && !strncmp(target, "ltr", 3))
        return VIEW_LINK_LTR;
    return VIEW_LINK_WEB;
}

int view_inline(const char *markup, char *out, size_t size, text_mark *marks, view_link *links, int *link_count)
{
    size_t k = 0;
    int mark_count = 0, bold_start = -1;
    *link_count = 0;
    for (const char *p = markup; *p && k + 1 < size;) {
        if (p[0] == '*' && p[1] == '*') {
            if (bold_start < 0) {
                bold_start = (int)k;
            } else {
                if (mark_count < VIEW_INLINE_MAX)
                    marks[mark_count++] = (text_mark){bold_start, (int)k, true, 0};
                bold_start = -1;
            }
            p += 2;
            continue;
        }
        const char *close = *p == '[' ? strstr(p, "](") : NULL;
        const char *end = close ? strchr(close, ')') : NULL;
        const char *nested = close ? memchr(p + 1, '[', (size_t)(close - p - 1)) : NULL;
        if (!close || !end || nested) {
            out[k++] = *p++;
            continue;
        }
        const char *target = close + 2;
        size_t target_len = (size_t)(end - target), label_len = (size_t)(close - p - 1);
        view_link_kind kind = link_kind(target, target_len);
        /* Phone numbers and spans marked ltr stay left to right inside any sentence. */
        bool isolate = kind == VIEW_LINK_LTR || kind == VIEW_LINK_PHONE;
        if (k + label_len + 7 >= size)
            break;
        int start = (int)k;
        if (isolate)
            k += (size_t)utf8_put(0x2066, out + k);
        memcpy(out + k, p + 1, label_len);
        k += label_len;
        if (isolate)
            k += (size_t)utf8_put(0x2069, out + k);
        if (kind != VIEW_LINK_LTR && *link_count < VIEW_INLINE_MAX && mark_count < VIEW_INLINE_MAX) {
            view_link *l = &links[(*link_count)++];
            l->kind = kind;
            const char *value = target;
            size_t value_len = target_len;
            const char *colon = memchr(target, ':', target_len);
            if (kind == VIEW_LINK_ADDRESS) {
                value = p + 1;
                value_len = label_len;
            } else if (kind != VIEW_LINK_WEB && colon) {
                value = colon + 1;
                value_len = (size_t)(end - value);
            }
            snprintf(l->target, sizeof l->target, "%.*s", (int)value_len, value);
            /* A phone number is what a person copies down: it stands out. */
            marks[mark_count++] = (text_mark){start, (int)k, kind == VIEW_LINK_PHONE, *link_count};
        }
        p = end + 1;
    }
    out[k] = 0;
    return mark_count;
}

void view_plain_text(const char *markup, char *out, size_t size)
{
    text_mark marks[VIEW_INLINE_MAX];
    view_link links[VIEW_INLINE_MAX];
    int link_count;
    view_inline(markup, out, size, marks, links, &link_count);
}
