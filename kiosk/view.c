#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

static const SDL_Color BACKGROUND = {0xF4, 0xF1, 0xEA, 0xFF};
static const SDL_Color INK = {0x1B, 0x1B, 0x1B, 0xFF};
static const SDL_Color MUTED = {0x45, 0x45, 0x45, 0xFF};
static const SDL_Color BRAND = {0x0B, 0x4F, 0x6C, 0xFF};
static const SDL_Color WHITE = {0xFF, 0xFF, 0xFF, 0xFF};
static const SDL_Color BORDER = {0xC9, 0xC3, 0xB6, 0xFF};
static const SDL_Color ALARM = {0xA8, 0x1C, 0x1C, 0xFF};
static const SDL_Color DEMO = {0xFF, 0xD5, 0x4F, 0xFF};

/* Everything a screen's layout needs, sized from the shorter side of the screen so the same
 * proportions hold from 800×480 to 1080×1920. */
typedef struct ctx {
    view_list *l;
    const app *a;
    text_fonts *f;
    const pack_language *lang; /* NULL on the language screen */
    bool rtl;
    int w, h, base;
    int margin, gap, radius;
    int header_h, footer_h;
    int title_px, body_px, small_px, tile_px;
    view_rect content; /* the scrolling area between header and footer */
    int scroll;
    int ui_text_dir; /* text_dir of the kiosk's own words */
    char title[256];  /* for the header, set by the screen */
    char code[PACK_CODE_MAX];
} ctx;

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
static view_rect place(const ctx *c, int x, int y, int w, int h)
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

static view_cmd *add_rect(ctx *c, view_rect r, SDL_Color color, int radius, view_action action, const char *arg)
{
    view_cmd *cmd = add(c, VIEW_RECT, r);
    if (cmd) {
        cmd->color = color;
        cmd->radius = radius;
        cmd->action = action;
        snprintf(cmd->arg, sizeof cmd->arg, "%s", arg ? arg : "");
    }
    return cmd;
}

typedef struct text_opts {
    int size;
    bool bold;
    text_dir dir;
    text_align align;
    SDL_Color color;
    bool center_v; /* centre the text in the box's height */
} text_opts;

/* Adds a text block in the box (start-edge coordinates); returns the height it takes. */
static int add_text(ctx *c, int x, int y, int w, int h, const char *s, text_opts o)
{
    text_style style = {o.size, o.bold, o.dir, o.align};
    const text_layout *layout = text_layout_cached(c->f, s, NULL, 0, &style, w > 0 ? w : 1);
    if (!layout)
        return 0;
    int top = y;
    if (o.center_v && h > layout->height)
        top += (h - layout->height) / 2;
    view_cmd *cmd = add(c, VIEW_TEXT, place(c, x, top, w, layout->height));
    if (cmd) {
        cmd->layout = layout;
        cmd->text = keep(c, s);
        cmd->color = o.color;
    }
    return layout->height;
}

/* Like add_text, but shrinks the type (down to 60 %) until the text fits the box's height:
 * tiles and buttons have fixed sizes, and a long translation must not spill out. */
static int add_text_fit(ctx *c, int x, int y, int w, int h, const char *s, text_opts o)
{
    int size = o.size;
    for (int step = 0; step < 8; step++) {
        text_style style = {size, o.bold, o.dir, o.align};
        const text_layout *layout = text_layout_cached(c->f, s, NULL, 0, &style, w > 0 ? w : 1);
        if (layout && layout->height <= h && !layout->cut_word)
            break;
        size = size * 93 / 100;
    }
    o.size = size;
    return add_text(c, x, y, w, h, s, o);
}

static void add_icon(ctx *c, int x, int y, int size, const char *name, SDL_Color color)
{
    uint32_t cp = text_icon_codepoint(c->f, name);
    if (!cp)
        cp = text_icon_codepoint(c->f, "article");
    view_cmd *cmd = add(c, VIEW_ICON, place(c, x, y, size, size));
    if (cmd) {
        cmd->icon = cp;
        cmd->icon_size = size;
        cmd->color = color;
    }
}

static text_opts ui_text(const ctx *c, int size, bool bold, SDL_Color color)
{
    return (text_opts){size, bold, (text_dir)c->ui_text_dir, TEXT_ALIGN_START, color, true};
}

static text_opts content_text(const ctx *c, int size, bool bold, SDL_Color color)
{
    return (text_opts){size, bold, c->lang && c->lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START, color,
                       false};
}

/* ---- parts every screen shares ---- */

static void demo_mark(ctx *c, int x, int y, int w, int h)
{
    if (!c->a->pack || !pack_get_meta(c->a->pack)->demo)
        return;
    add_rect(c, place(c, x, y, w, h), DEMO, h / 4, VIEW_ACT_NONE, NULL);
    add_icon(c, x + c->gap / 2, y + (h - c->small_px * 3 / 2) / 2, c->small_px * 3 / 2, "warning", INK);
    int tx = x + c->gap / 2 + c->small_px * 2;
    add_text_fit(c, tx, y, w - (tx - x) - c->gap / 2, h, _("Demo content: example data, not for real use"),
                 ui_text(c, c->small_px, true, INK));
}

static void header(ctx *c, const char *title, const char *code)
{
    int hh = c->header_h;
    add_rect(c, (view_rect){0, 0, c->w, hh}, BRAND, 0, VIEW_ACT_NONE, NULL);
    int x = 0;
    add_rect(c, place(c, x, 0, hh, hh), BRAND, 0, VIEW_ACT_BACK, NULL);
    add_icon(c, x + hh / 4, hh / 4, hh / 2, c->rtl ? "arrow_forward" : "arrow_back", WHITE);
    x += hh;
    if (c->a->depth > 2) {
        add_rect(c, place(c, x, 0, hh, hh), BRAND, 0, VIEW_ACT_HOME, NULL);
        add_icon(c, x + hh / 4, hh / 4, hh / 2, "home", WHITE);
        x += hh;
    }
    int code_w = 0;
    if (code && code[0]) {
        char digits[32], label[96];
        i18n_digits(code, c->lang ? c->lang->digits : "latn", digits, sizeof digits);
        snprintf(label, sizeof label, _("Page %s"), digits);
        code_w = c->base * 22 / 100;
        add_rect(c, place(c, c->w - code_w - c->margin, hh / 5, code_w, hh * 3 / 5), WHITE, hh / 8, VIEW_ACT_NONE,
                 NULL);
        text_opts o = ui_text(c, c->small_px * 11 / 10, true, BRAND);
        o.align = TEXT_ALIGN_CENTER;
        add_text(c, c->w - code_w - c->margin, hh / 5, code_w, hh * 3 / 5, label, o);
        code_w += c->margin;
    }
    int title_w = c->w - x - code_w - c->margin;
    add_text_fit(c, x + c->margin / 2, 0, title_w, hh, title, ui_text(c, c->title_px, true, WHITE));
}

static void footer(ctx *c)
{
    int fh = c->footer_h, y = c->h - fh;
    add_rect(c, (view_rect){0, y, c->w, fh}, WHITE, 0, VIEW_ACT_NONE, NULL);
    add_rect(c, (view_rect){0, y, c->w, 2}, BORDER, 0, VIEW_ACT_NONE, NULL);
    const pack_page *emergency = pack_page_of_kind(c->a->pack, "emergency");
    int button_w = c->w * 2 / 5;
    if (emergency) {
        int bx = c->w - button_w - c->margin, by = y + c->gap / 2, bh = fh - c->gap;
        add_rect(c, place(c, bx, by, button_w, bh), ALARM, bh / 4, VIEW_ACT_OPEN, emergency->code);
        add_icon(c, bx + c->gap, by + bh / 4, bh / 2, "phone", WHITE);
        int tx = bx + c->gap * 2 + bh / 2;
        add_text_fit(c, tx, by, button_w - (tx - bx) - c->gap / 2, bh, _("Emergency numbers"),
                     ui_text(c, c->body_px, true, WHITE));
    }
    demo_mark(c, c->margin, y + c->gap, c->w - button_w - c->margin * 3, fh - c->gap * 2);
}

/* ---- screens ---- */

static void language_screen(ctx *c)
{
    const pack *p = c->a->pack;
    const pack_meta *meta = pack_get_meta(p);
    int top = c->h * 18 / 100;
    add_rect(c, (view_rect){0, 0, c->w, top}, BRAND, 0, VIEW_ACT_NONE, NULL);
    int icon = top * 55 / 100;
    add_icon(c, c->margin, (top - icon) / 2, icon, "translate", WHITE);
    text_opts o = ui_text(c, c->title_px, true, WHITE);
    int tx = c->margin * 2 + icon;
    add_text(c, tx, 0, c->w - tx - c->margin, top, meta->name, o);

    int n = pack_language_count(p);
    bool landscape = c->w > c->h;
    int cols = landscape ? 3 : 2;
    int rows = (n + cols - 1) / cols;
    int demo_h = meta->demo ? c->footer_h * 3 / 4 : 0;
    int area_y = top + c->margin, area_h = c->h - area_y - c->margin - demo_h - (demo_h ? c->gap : 0);
    int cell_w = (c->w - 2 * c->margin - (cols - 1) * c->gap) / cols;
    int cell_h = rows ? (area_h - (rows - 1) * c->gap) / rows : 0;
    int max_h = c->base * 28 / 100;
    if (cell_h > max_h)
        cell_h = max_h;
    int grid_h = rows * cell_h + (rows - 1) * c->gap;
    int y0 = area_y + (area_h - grid_h) / 2;
    for (int i = 0; i < n; i++) {
        const pack_language *lang = pack_language_at(p, i);
        int col = i % cols, row = i / cols;
        view_rect r = {c->margin + col * (cell_w + c->gap), y0 + row * (cell_h + c->gap), cell_w, cell_h};
        add_rect(c, (view_rect){r.x - 1, r.y - 1, r.w + 2, r.h + 2}, BORDER, c->radius, VIEW_ACT_NONE, NULL);
        add_rect(c, r, WHITE, c->radius, VIEW_ACT_LANGUAGE, lang->code);
        text_opts lo = {c->tile_px * 13 / 10, true, lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_CENTER,
                        INK, true};
        /* The language screen is not mirrored: place() is a no-op here. */
        add_text_fit(c, r.x + c->gap / 2, r.y, r.w - c->gap, r.h, lang->native_name, lo);
    }
    if (demo_h)
        demo_mark(c, c->margin, c->h - c->margin - demo_h, c->w - 2 * c->margin, demo_h);
}

/* Tiles for pages: icon above the title, in reading order from the start edge. */
static int tiles(ctx *c, const pack_page **pages, int n, int y)
{
    bool landscape = c->w > c->h;
    int cols = landscape ? (n <= 4 ? n : n <= 6 ? 3 : n <= 8 ? 4 : 5) : (n <= 6 ? 2 : 3);
    if (cols < 1)
        cols = 1;
    int rows = (n + cols - 1) / cols;
    int cell_w = (c->content.w - (cols - 1) * c->gap) / cols;
    int cell_h = rows ? (c->content.h - c->margin * 2 - (rows - 1) * c->gap) / rows : 0;
    int min_h = c->base * 26 / 100;
    if (cell_h < min_h)
        cell_h = min_h;
    if (cell_h > cell_w * 5 / 4)
        cell_h = cell_w * 5 / 4;
    for (int i = 0; i < n; i++) {
        int col = i % cols, row = i / cols;
        int x = c->content.x + col * (cell_w + c->gap), ty = y + row * (cell_h + c->gap);
        add_rect(c, place(c, x - 1, ty - 1, cell_w + 2, cell_h + 2), BORDER, c->radius, VIEW_ACT_NONE, NULL);
        add_rect(c, place(c, x, ty, cell_w, cell_h), WHITE, c->radius, VIEW_ACT_OPEN, pages[i]->code);
        int icon = cell_h * 36 / 100;
        add_icon(c, x + (cell_w - icon) / 2, ty + cell_h * 10 / 100, icon, pages[i]->icon, BRAND);
        char title[256];
        pack_title_get(c->a->pack, pages[i]->code, c->a->lang, title, sizeof title);
        text_opts o = content_text(c, c->tile_px, true, INK);
        o.align = TEXT_ALIGN_CENTER;
        int text_y = ty + cell_h * 10 / 100 + icon + c->gap / 2;
        add_text_fit(c, x + c->gap / 2, text_y, cell_w - c->gap, cell_h - (text_y - ty) - c->gap / 2, title, o);
    }
    return rows * cell_h + (rows - 1) * c->gap;
}

static void home_screen(ctx *c)
{
    snprintf(c->title, sizeof c->title, "%s", _("Topics"));
    const pack_page *pages[64];
    int n = pack_children(c->a->pack, "", pages, 64);
    n = n > 64 ? 64 : n;
    int height = tiles(c, pages, n, c->content.y + c->margin - c->scroll);
    c->l->scroll_max = height + 2 * c->margin - c->content.h;
}

/* One row per child page: icon, title and summary. */
static int page_list(ctx *c, const pack_page *page, int y)
{
    const pack_page *children[256];
    int n = pack_children(c->a->pack, page->code, children, 256);
    n = n > 256 ? 256 : n;
    int y0 = y;
    for (int i = 0; i < n; i++) {
        pack_text t;
        if (!pack_text_get(c->a->pack, children[i]->code, c->a->lang, &t, NULL))
            continue;
        int icon = c->base * 9 / 100;
        int x = c->content.x, w = c->content.w;
        int tx = x + c->gap + icon + c->gap, tw = w - (tx - x) - c->gap;
        text_style ts = {c->body_px * 11 / 10, true, c->lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START};
        text_style ss = {c->small_px, false, ts.dir, TEXT_ALIGN_START};
        const text_layout *tl = text_layout_cached(c->f, t.title, NULL, 0, &ts, tw);
        const text_layout *sl = t.summary[0] ? text_layout_cached(c->f, t.summary, NULL, 0, &ss, tw) : NULL;
        int text_h = (tl ? tl->height : 0) + (sl ? sl->height : 0);
        int row_h = text_h + c->gap * 2;
        if (row_h < c->base * 16 / 100)
            row_h = c->base * 16 / 100;
        add_rect(c, place(c, x - 1, y - 1, w + 2, row_h + 2), BORDER, c->radius, VIEW_ACT_NONE, NULL);
        add_rect(c, place(c, x, y, w, row_h), WHITE, c->radius, VIEW_ACT_OPEN, children[i]->code);
        add_icon(c, x + c->gap, y + (row_h - icon) / 2, icon, children[i]->icon, BRAND);
        int ty = y + (row_h - text_h) / 2;
        ty += add_text(c, tx, ty, tw, 0, t.title, content_text(c, ts.size_px, true, INK));
        if (sl)
            add_text(c, tx, ty, tw, 0, t.summary, content_text(c, c->small_px, false, MUTED));
        y += row_h + c->gap;
        pack_text_free(&t);
    }
    return y - y0;
}

static const SDL_Color CHIP_PAGE = {0xD6, 0xE6, 0xF2, 0xFF};
static const SDL_Color CHIP_PHONE = {0xD9, 0xEE, 0xDA, 0xFF};
static const SDL_Color CHIP_OTHER = {0xEC, 0xE4, 0xD3, 0xFF};

/* A paragraph of body markup: its words, with links drawn as chips behind them. Page chips
 * open their page; phone, e-mail and address chips are there to be seen and copied. */
static int rich_paragraph(ctx *c, int x, int y, int w, const char *markup, int size, bool bold)
{
    size_t cap = strlen(markup) * 2 + 16;
    char *plain = malloc(cap);
    if (!plain)
        return 0;
    text_mark marks[VIEW_INLINE_MAX];
    view_link links[VIEW_INLINE_MAX];
    int link_count, mark_count = view_inline(markup, plain, cap, marks, links, &link_count);
    text_style style = {size, bold, c->lang && c->lang->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_START};
    const text_layout *layout = text_layout_cached(c->f, plain, marks, mark_count, &style, w > 0 ? w : 1);
    if (!layout) {
        free(plain);
        return 0;
    }
    for (int i = 0; i < link_count; i++) {
        text_box boxes[8];
        int n = text_link_boxes(layout, i + 1, boxes, 8);
        bool page = links[i].kind == VIEW_LINK_PAGE;
        SDL_Color color = page ? CHIP_PAGE : links[i].kind == VIEW_LINK_PHONE ? CHIP_PHONE : CHIP_OTHER;
        int pad = c->gap / 3;
        for (int b = 0; b < n && b < 8; b++) {
            view_rect r = {x + boxes[b].x - pad, y + boxes[b].y + pad / 2, boxes[b].w + 2 * pad, boxes[b].h - pad};
            /* The layout is already in screen orientation: mirror only its box, not the chip. */
            if (c->rtl)
                r.x = c->w - x - w + boxes[b].x - pad;
            add_rect(c, r, color, pad * 2, page ? VIEW_ACT_OPEN : VIEW_ACT_NONE, page ? links[i].target : NULL);
        }
    }
    view_cmd *cmd = add(c, VIEW_TEXT, place(c, x, y, w, layout->height));
    if (cmd) {
        cmd->layout = layout;
        cmd->text = keep(c, plain);
        cmd->color = INK;
    }
    free(plain);
    return layout->height;
}

static int body_paragraph(ctx *c, int y, const char *markup, int size, bool bold, int indent)
{
    return rich_paragraph(c, c->content.x + indent, y, c->content.w - indent, markup, size, bold);
}

/* The article body, from its markup: headings, paragraphs (lines kept), bullet items. */
static int article(ctx *c, const char *body, int y)
{
    int y0 = y, para_gap = c->body_px * 6 / 10;
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
            y += body_paragraph(c, y, para, c->body_px, false, 0) + para_gap;
            para_len = 0;
            para[0] = 0;
        }
        if (heading) {
            bool top = line[1] == ' ';
            y += para_gap / 2;
            y += body_paragraph(c, y, line + (top ? 2 : 3), top ? c->title_px : c->body_px * 12 / 10, true, 0) +
                 para_gap / 2;
        } else if (bullet) {
            int indent = c->body_px * 3 / 2;
            add_text(c, c->content.x + c->body_px / 3, y, indent, 0, "•", content_text(c, c->body_px, true, BRAND));
            y += body_paragraph(c, y, line + 2, c->body_px, false, indent) + para_gap / 2;
        } else if (len) {
            para_len += (size_t)snprintf(para + para_len, cap - para_len, "%s%s", para_len ? "\n" : "", line);
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (para_len)
        y += body_paragraph(c, y, para, c->body_px, false, 0) + para_gap;
    free(para);
    free(line);
    return y - y0;
}

/* A page not written in the visitor's language: say so in it, offer the languages it has. */
static int missing_translation(ctx *c, const pack_page *page, int y)
{
    int y0 = y;
    text_opts o = content_text(c, c->body_px * 12 / 10, true, INK);
    y += add_text(c, c->content.x, y, c->content.w, 0, _("This page is not available in your language yet."), o);
    y += c->gap;
    y += add_text(c, c->content.x, y, c->content.w, 0, _("It is available in these languages:"),
                  content_text(c, c->body_px, false, INK));
    y += c->gap;
    const pack_language *langs[PACK_LANGUAGES_MAX];
    int n = pack_page_languages(c->a->pack, page->code, langs, PACK_LANGUAGES_MAX);
    int bw = c->base * 45 / 100, bh = c->base * 14 / 100;
    for (int i = 0; i < n; i++) {
        add_rect(c, place(c, c->content.x, y, bw, bh), WHITE, c->radius, VIEW_ACT_LANGUAGE, langs[i]->code);
        text_opts lo = {c->body_px * 12 / 10, true, langs[i]->rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR, TEXT_ALIGN_CENTER,
                        BRAND, true};
        add_text(c, c->content.x, y, bw, bh, langs[i]->native_name, lo);
        y += bh + c->gap;
    }
    return y - y0;
}

static void page_screen(ctx *c)
{
    const pack_page *page = pack_page_find(c->a->pack, app_current(c->a)->page);
    if (!page)
        return;
    pack_text t;
    bool have = pack_text_get(c->a->pack, page->code, c->a->lang, &t, NULL);
    snprintf(c->title, sizeof c->title, "%s", have ? t.title : "");
    snprintf(c->code, sizeof c->code, "%s", page->code);
    int y = c->content.y + c->margin - c->scroll, height;
    if (!have) {
        height = missing_translation(c, page, y);
    } else if (!strcmp(page->kind, "topic")) {
        /* A topic is a way to its pages: they come first, its introduction after them. */
        height = page_list(c, page, y);
        if (t.body[0])
            height += c->gap + article(c, t.body, y + height + c->gap);
        pack_text_free(&t);
    } else {
        height = article(c, t.body, y);
        height += page_list(c, page, y + height);
        pack_text_free(&t);
    }
    c->l->scroll_max = height + 2 * c->margin - c->content.h;
}

static void no_content_screen(ctx *c)
{
    add_icon(c, (c->w - c->base / 4) / 2, c->h / 5, c->base / 4, "error_outline", BRAND);
    text_opts o = {c->title_px, true, TEXT_DIR_AUTO, TEXT_ALIGN_CENTER, INK, false};
    add_text(c, c->margin, c->h / 5 + c->base / 4 + c->margin, c->w - 2 * c->margin, 0,
             _("This kiosk could not load its content. Please ask the staff."), o);
}

/* Content commands scroll under the header and footer: clip them, and drop those that
 * cannot be seen. */
static void clip_content(ctx *c, int first)
{
    int kept = first;
    for (int i = first; i < c->l->count; i++) {
        view_cmd *cmd = &c->l->cmds[i];
        bool visible = cmd->rect.y < c->content.y + c->content.h && cmd->rect.y + cmd->rect.h > c->content.y;
        if (!visible)
            continue;
        cmd->clip = (view_rect){0, c->content.y, c->w, c->content.h};
        c->l->cmds[kept++] = *cmd;
    }
    c->l->count = kept;
}

void view_build(view_list *out, const app *a, text_fonts *fonts, int width, int height)
{
    out->count = 0;
    out->used = 0;
    out->width = width;
    out->height = height;
    out->background = BACKGROUND;
    out->scroll_max = 0;
    ctx c = {.l = out, .a = a, .f = fonts, .w = width, .h = height};
    c.base = width < height ? width : height;
    c.lang = app_language(a);
    c.rtl = c.lang && c.lang->rtl;
    c.margin = c.base * 4 / 100;
    c.gap = c.base * 25 / 1000;
    c.radius = c.base * 25 / 1000;
    c.header_h = c.base * 15 / 100;
    c.footer_h = c.base * 13 / 100;
    c.title_px = c.base * 55 / 1000;
    c.body_px = c.base * 42 / 1000;
    c.small_px = c.base * 32 / 1000;
    c.tile_px = c.base * 42 / 1000;
    c.content = (view_rect){c.margin, c.header_h, width - 2 * c.margin, height - c.header_h - c.footer_h};
    c.scroll = app_current(a)->scroll;
    c.ui_text_dir = c.rtl ? TEXT_DIR_RTL : TEXT_DIR_LTR;
    if (!a->pack) {
        i18n_set_language("en");
        no_content_screen(&c);
        return;
    }
    i18n_set_language(c.lang ? c.lang->code : pack_get_meta(a->pack)->source_language);
    const app_place *here = app_current(a);
    if (here->screen == APP_SCREEN_LANGUAGE || !c.lang) {
        language_screen(&c);
        return;
    }
    if (here->screen == APP_SCREEN_HOME)
        home_screen(&c);
    else
        page_screen(&c);
    clip_content(&c, 0);
    if (out->scroll_max < 0)
        out->scroll_max = 0;
    header(&c, c.title, c.code);
    footer(&c);
}

const view_cmd *view_hit(const view_list *l, int x, int y)
{
    for (int i = l->count - 1; i >= 0; i--) {
        const view_cmd *c = &l->cmds[i];
        if (c->action == VIEW_ACT_NONE)
            continue;
        const view_rect *r = &c->rect;
        if (x < r->x || y < r->y || x >= r->x + r->w || y >= r->y + r->h)
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
