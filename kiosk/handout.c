/* handout: page-code sheets as A4 PDF (handout.h). Geometry is in PDF points (1/72 inch);
 * positions are measured from the sheet's start edge, which is the right edge for a
 * right-to-left language, so the whole sheet mirrors as the kiosk's screens do. */
#include "handout.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

#define A4_W 595.276
#define A4_H 841.890
#define MARGIN 42.0 /* 15 mm: inside what office printers can reach */
#define CONTENT_W (A4_W - 2 * MARGIN)
#define BAND_H 50.0
#define FOOTER_Y (A4_H - 30.0)
#define QR_SIZE 150.0 /* 53 mm: a phone reads it from an arm's length off the wall */

typedef struct rgb {
    double r, g, b;
} rgb;

/* The kiosk's colours (kiosk/view_private.h), so the paper looks like the screen. */
static const rgb INK = {0x1B / 255.0, 0x1B / 255.0, 0x1B / 255.0};
static const rgb MUTED = {0x45 / 255.0, 0x45 / 255.0, 0x45 / 255.0};
static const rgb BRAND = {0x0B / 255.0, 0x4F / 255.0, 0x6C / 255.0};
static const rgb WHITE = {1, 1, 1};
static const rgb PANEL = {0xF4 / 255.0, 0xF1 / 255.0, 0xEA / 255.0};
static const rgb BORDER = {0xC9 / 255.0, 0xC3 / 255.0, 0xB6 / 255.0};
static const rgb DEMO = {0xFF / 255.0, 0xD5 / 255.0, 0x4F / 255.0};

/* The fonts the kiosk draws with (kiosk/text.c), by their family names in assets/fonts/. */
static const char *const FAMILIES[] = {"Noto Sans", "Noto Sans Arabic UI", "Noto Sans Ethiopic", "Material Icons"};

/* The kiosk's own words a sheet prints, in one language. */
typedef struct words {
    char enter[200], pages[120], closed[120], example[160], step_free[160], appointment[160], demo[300], comma[16];
    char days[7][120];
} words;

typedef enum place { PLACE_START, PLACE_CENTER, PLACE_END } place;

typedef struct style {
    double size;
    bool bold;
    rgb color;
    place place;
} style;

typedef struct sheet {
    pack *p;
    const pack_meta *meta;
    const pack_language *lang; /* the visitor's */
    const pack_language *src;  /* the source language (German), NULL when it is the visitor's */
    words w, src_w;
    bool rtl;
    cairo_t *cr;
    PangoFontMap *fonts;
    PangoContext *ctx[2]; /* left to right, right to left */
    text_fonts *icons;
    int pages;
} sheet;

/* ---- fonts ---- */

/* A fontconfig of its own holding only assets/fonts: the PDF then embeds exactly the kiosk's
 * fonts, whatever the staff PC has installed. */
static PangoFontMap *font_map(const char *assets_dir, err *e)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/fonts", assets_dir);
    /* Only a cache folder: without one fontconfig complains on every run. */
    static const char conf[] = "<?xml version=\"1.0\"?><fontconfig>"
                               "<cachedir prefix=\"xdg\">fontconfig</cachedir></fontconfig>";
    FcConfig *config = FcConfigCreate();
    if (!config) {
        err_set(e, "out of memory setting up fonts");
        return NULL;
    }
    if (!FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)conf, FcFalse) ||
        !FcConfigAppFontAddDir(config, (const FcChar8 *)dir)) {
        FcConfigDestroy(config);
        err_set(e, "cannot read the fonts in %s: run 'make' (it links them there)", dir);
        return NULL;
    }
    FcFontSet *set = FcConfigGetFonts(config, FcSetApplication);
    for (size_t i = 0; i < sizeof FAMILIES / sizeof *FAMILIES; i++) {
        bool found = false;
        for (int k = 0; set && k < set->nfont && !found; k++) {
            FcChar8 *family;
            found = FcPatternGetString(set->fonts[k], FC_FAMILY, 0, &family) == FcResultMatch &&
                    !strcmp((const char *)family, FAMILIES[i]);
        }
        if (!found) {
            FcConfigDestroy(config);
            err_set(e, "the font %s is not in %s: run 'make' (it links the kiosk's fonts there)", FAMILIES[i], dir);
            return NULL;
        }
    }
    PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!map) {
        FcConfigDestroy(config);
        err_set(e, "Pango cannot use FreeType fonts here");
        return NULL;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
    FcConfigDestroy(config);
    return map;
}

/* The script's own font first: Arabic punctuation and ZWNJ then stay in the Arabic font,
 * and Latin names and digits fall back to Noto Sans as on the kiosk. */
static const char *families(const pack_language *l)
{
    if (l && !strcmp(l->script, "Arab"))
        return "Noto Sans Arabic UI,Noto Sans,Noto Sans Ethiopic";
    if (l && !strcmp(l->script, "Ethi"))
        return "Noto Sans Ethiopic,Noto Sans,Noto Sans Arabic UI";
    return "Noto Sans,Noto Sans Arabic UI,Noto Sans Ethiopic";
}

/* ---- drawing ---- */

static void set_color(cairo_t *cr, rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

static void fill_rect(sheet *s, double x, double y, double w, double h, rgb c)
{
    set_color(s->cr, c);
    cairo_rectangle(s->cr, x, y, w, h);
    cairo_fill(s->cr);
}

/* The left edge of a box `w` wide that starts `from` points after the sheet's start edge. */
static double left_of(const sheet *s, double from, double w)
{
    return s->rtl ? A4_W - MARGIN - from - w : MARGIN + from;
}

/* A paragraph in `lang`'s direction and fonts, `w` wide (0: one line, as wide as it is),
 * aligned to the sheet's start or end edge. Numbers are isolated left to right first, as the
 * kiosk's text engine does, since plain bidi turns "0631 0000-900" in Arabic around. */
static PangoLayout *layout_of(sheet *s, const pack_language *lang, const char *text, double w, style st,
                              const char *family)
{
    size_t size = strlen(text) * 6 + 16;
    char *isolated = malloc(size);
    if (!isolated)
        return NULL;
    if (!text_isolate_numbers(text, isolated, size))
        snprintf(isolated, size, "%s", text);
    PangoLayout *l = pango_layout_new(s->ctx[lang && lang->rtl]);
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, family ? family : families(lang));
    pango_font_description_set_absolute_size(d, st.size * PANGO_SCALE);
    pango_font_description_set_weight(d, st.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, d);
    pango_font_description_free(d);
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_language_new(pango_language_from_string(lang ? lang->code : "und")));
    pango_layout_set_attributes(l, attrs);
    pango_attr_list_unref(attrs);
    /* The direction is the language's, never guessed from a first letter that may be Latin. */
    pango_layout_set_auto_dir(l, FALSE);
    if (w > 0) {
        pango_layout_set_width(l, (int)(w * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    /* Without auto_dir Pango takes left and right literally. */
    bool right = st.place == PLACE_START ? s->rtl : !s->rtl;
    pango_layout_set_alignment(l, st.place == PLACE_CENTER ? PANGO_ALIGN_CENTER
                                  : right                  ? PANGO_ALIGN_RIGHT
                                                           : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, isolated, -1);
    free(isolated);
    return l;
}

static double layout_height(PangoLayout *l)
{
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    return (double)logical.height / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    return (double)logical.width / PANGO_SCALE;
}

/* Draws `text` in a box starting `from` points after the start edge, `w` wide, at y (when
 * draw is set); returns its height. */
static double text_at(sheet *s, const pack_language *lang, const char *text, double from, double y, double w,
                      style st, bool draw)
{
    if (!text || !text[0])
        return 0;
    PangoLayout *l = layout_of(s, lang, text, w, st, NULL);
    if (!l)
        return 0;
    double h = layout_height(l);
    if (draw) {
        set_color(s->cr, st.color);
        cairo_move_to(s->cr, left_of(s, from, w), y);
        pango_cairo_show_layout(s->cr, l);
    }
    g_object_unref(l);
    return h;
}

/* One line of `text` at the largest size up to st.size that fits `w`, centred in it. */
static double fitted_line(sheet *s, const pack_language *lang, const char *text, double from, double y, double w,
                          style st)
{
    PangoLayout *l = layout_of(s, lang, text, 0, st, NULL);
    if (!l)
        return 0;
    double natural = layout_width(l);
    g_object_unref(l);
    if (natural > w)
        st.size *= w / natural;
    st.place = PLACE_CENTER;
    return text_at(s, lang, text, from, y, w, st, true);
}

/* A Material Icons glyph by the name the pack gives, as the kiosk draws it; nothing for a
 * name the icon font does not have (`wegweiser-pack check` warns about those). */
static void icon_at(sheet *s, const char *name, double from, double y, double size, rgb color)
{
    uint32_t cp = text_icon_codepoint(s->icons, name);
    if (!cp)
        return;
    char glyph[8];
    glyph[utf8_put(cp, glyph)] = 0;
    style st = {size, false, color, PLACE_START};
    PangoLayout *l = layout_of(s, NULL, glyph, size * 1.2, st, "Material Icons");
    if (!l)
        return;
    set_color(s->cr, color);
    cairo_move_to(s->cr, left_of(s, from, size * 1.2), y);
    pango_cairo_show_layout(s->cr, l);
    g_object_unref(l);
}

/* The QR code as the kiosk draws it (kiosk/platform.c): the same encoder settings, black
 * modules on white with the four-module quiet zone. All modules are one path, filled once,
 * so no hairlines show between neighbours when the PDF is rasterized. */
static bool qr_at(sheet *s, const char *text, double left, double y, double size)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return false;
    double module = size / (qr->width + 8);
    fill_rect(s, left, y, size, size, WHITE);
    set_color(s->cr, INK);
    for (int row = 0; row < qr->width; row++)
        for (int col = 0; col < qr->width; col++)
            if (qr->data[row * qr->width + col] & 1)
                cairo_rectangle(s->cr, left + (col + 4) * module, y + (row + 4) * module, module, module);
    cairo_fill(s->cr);
    QRcode_free(qr);
    return true;
}

static void rounded(sheet *s, double x, double y, double w, double h, double r, rgb c)
{
    cairo_t *cr = s->cr;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
    cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
    cairo_close_path(cr);
    set_color(cr, c);
    cairo_fill(cr);
}

/* ---- one sheet ---- */

/* A new A4 page with the band (region, language) and the footer (version, demo notice);
 * returns where its content starts. */
static double new_page(sheet *s)
{
    if (s->pages++)
        cairo_show_page(s->cr);
    fill_rect(s, 0, 0, A4_W, BAND_H, BRAND);
    style band = {15, true, WHITE, PLACE_START};
    double h = text_at(s, s->src ? s->src : s->lang, s->meta->name, 0, 0, CONTENT_W * 0.62, band, false);
    text_at(s, s->src ? s->src : s->lang, s->meta->name, 0, (BAND_H - h) / 2, CONTENT_W * 0.62, band, true);
    band.place = PLACE_END;
    band.bold = false;
    h = text_at(s, s->lang, s->lang->native_name, CONTENT_W * 0.64, 0, CONTENT_W * 0.36, band, false);
    text_at(s, s->lang, s->lang->native_name, CONTENT_W * 0.64, (BAND_H - h) / 2, CONTENT_W * 0.36, band, true);

    char foot[PACK_REGION_NAME_BYTES_MAX + PACK_VERSION_BYTES_MAX + 16];
    snprintf(foot, sizeof foot, "%s · %s", s->meta->name, s->meta->version);
    style small = {8.5, false, MUTED, PLACE_START};
    text_at(s, s->src ? s->src : s->lang, foot, 0, FOOTER_Y, CONTENT_W * 0.4, small, true);
    if (s->meta->demo) {
        small.place = PLACE_END;
        small.bold = true;
        double dh = text_at(s, s->lang, s->w.demo, CONTENT_W * 0.42, FOOTER_Y, CONTENT_W * 0.58, small, false);
        rounded(s, left_of(s, CONTENT_W * 0.42, CONTENT_W * 0.58) - 4, FOOTER_Y - 3, CONTENT_W * 0.58 + 8, dh + 6, 3,
                DEMO);
        small.color = INK;
        text_at(s, s->lang, s->w.demo, CONTENT_W * 0.42, FOOTER_Y, CONTENT_W * 0.58, small, true);
    }
    return BAND_H + 26;
}

static void code_in(const pack_language *l, const char *code, char *out, size_t size)
{
    i18n_digits(code, l->digits, out, size);
}

static bool own_digits(const pack_language *l) { return strcmp(l->digits, "latn") != 0; }

/* ---- the index ---- */

/* Columns of an index row, from the start edge. */
#define COL_CODE_W 62.0
#define COL_ICON 70.0
#define COL_TITLE 98.0
#define COL_SOURCE 330.0

/* One row: the code (the language's digits, Western under them where those differ), the
 * icon, the title in the language and, at the end, in the source language. Returns its
 * height; draws it only when `draw`. */
static double index_row(sheet *s, const pack_page *page, int depth, double y, bool draw)
{
    char title[PACK_TITLE_BYTES_MAX + 1] = "", source[PACK_TITLE_BYTES_MAX + 1] = "";
    pack_title_get(s->p, page->code, s->lang->code, title, sizeof title);
    if (s->src)
        pack_title_get(s->p, page->code, s->src->code, source, sizeof source);
    double indent = 12.0 * (depth > 2 ? 2 : depth);
    bool top = depth == 0;
    double title_w = (s->src ? COL_SOURCE - 8 : CONTENT_W) - COL_TITLE - indent;
    style st_title = {top ? 13.5 : 12.5, top, INK, PLACE_START};
    style st_source = {10, false, MUTED, PLACE_START};
    style st_code = {15, true, BRAND, PLACE_START};
    style st_western = {9, false, MUTED, PLACE_START};
    char code[PACK_CODE_MAX * 2 + 8];
    code_in(s->lang, page->code, code, sizeof code);
    /* A page not in this language shows its source title in the title column. */
    const char *shown = title[0] ? title : source;
    const pack_language *shown_lang = title[0] ? s->lang : s->src;
    double h = text_at(s, shown_lang, shown, COL_TITLE + indent, y, title_w, st_title, false);
    double hs = title[0] ? text_at(s, s->src, source, COL_SOURCE, y, CONTENT_W - COL_SOURCE, st_source, false) : 0;
    double hc = text_at(s, s->lang, code, 0, y, COL_CODE_W, st_code, false);
    if (own_digits(s->lang))
        hc += text_at(s, NULL, page->code, 0, y, COL_CODE_W, st_western, false);
    double row = h > hs ? h : hs;
    row = (row > hc ? row : hc) + 8;
    if (!draw)
        return row;
    if (top)
        fill_rect(s, MARGIN - 4, y - 4, CONTENT_W + 8, row, PANEL);
    double cy = y + text_at(s, s->lang, code, 0, y, COL_CODE_W, st_code, true);
    if (own_digits(s->lang))
        text_at(s, NULL, page->code, 0, cy, COL_CODE_W, st_western, true);
    icon_at(s, page->icon, COL_ICON + indent, y + 1, 18, BRAND);
    text_at(s, shown_lang, shown, COL_TITLE + indent, y, title_w, st_title, true);
    if (title[0])
        text_at(s, s->src, source, COL_SOURCE, y + 2, CONTENT_W - COL_SOURCE, st_source, true);
    set_color(s->cr, BORDER);
    cairo_set_line_width(s->cr, 0.5);
    cairo_move_to(s->cr, MARGIN - 4, y + row - 4);
    cairo_line_to(s->cr, A4_W - MARGIN + 4, y + row - 4);
    cairo_stroke(s->cr);
    return row;
}

static double index_heading(sheet *s, double y)
{
    y += text_at(s, s->lang, s->w.pages, 0, y, CONTENT_W, (style){24, true, BRAND, PLACE_START}, true);
    y += text_at(s, s->lang, s->w.enter, 0, y, CONTENT_W, (style){13, false, INK, PLACE_START}, true);
    if (s->src) {
        char both[sizeof s->src_w.pages + sizeof s->src_w.enter + 8];
        snprintf(both, sizeof both, "%s · %s", s->src_w.pages, s->src_w.enter);
        y += text_at(s, s->src, both, 0, y, CONTENT_W, (style){10.5, false, MUTED, PLACE_START}, true);
    }
    return y + 14;
}

/* The pages under `parent`, each followed by its own (a topic with its pages, as on the
 * kiosk), over as many sheets as it takes. pack_open refuses cycles; pages more than 64
 * levels down (no real tree has them) are left out rather than recursed into without end. */
static void index_rows(sheet *s, const char *parent, int depth, double *y)
{
    int count = 0;
    const pack_page *run = pack_child_run(s->p, parent, &count);
    for (int i = 0; i < count && depth < 64; i++) {
        double h = index_row(s, &run[i], depth, *y, false);
        if (*y + h > FOOTER_Y - 12)
            *y = index_heading(s, new_page(s));
        *y += index_row(s, &run[i], depth, *y, true);
        index_rows(s, run[i].code, depth + 1, y);
    }
}

static void index_sheets(sheet *s)
{
    double y = index_heading(s, new_page(s));
    index_rows(s, "", 0, &y);
}

/* ---- a page's sheet ---- */

/* "08:00–12:00, 14:00–16:00" in the language's digits and comma, as on the office card. */
static void day_hours(const sheet *s, const pack_office *o, int day, char *out, size_t size)
{
    out[0] = 0;
    if (o->slot_count[day] == 0) {
        snprintf(out, size, "%s", s->w.closed);
        return;
    }
    for (int k = 0; k < o->slot_count[day]; k++) {
        char ascii[32], local[64];
        snprintf(ascii, sizeof ascii, "%02d:%02d–%02d:%02d", o->slots[day][k].open / 60, o->slots[day][k].open % 60,
                 o->slots[day][k].close / 60, o->slots[day][k].close % 60);
        i18n_digits(ascii, s->lang->digits, local, sizeof local);
        snprintf(out + strlen(out), size - strlen(out), "%s%s", k ? s->w.comma : "", local);
    }
}

static double contact_line(sheet *s, const char *icon, const char *line, double y, double w, bool draw)
{
    style st = {12.5, false, INK, PLACE_START};
    double h = text_at(s, s->lang, line, 26, y, w - 26, st, draw);
    if (draw)
        icon_at(s, icon, 0, y + 1, 16, BRAND);
    return (h > 18 ? h : 18) + 5;
}

/* Where the office is, how to reach it, when it is open, and the kiosk's QR code. */
static double office_block(sheet *s, const pack_office *o, double y, bool draw)
{
    double y0 = y, w = CONTENT_W - QR_SIZE - 18;
    y += text_at(s, s->src ? s->src : s->lang, o->name, 0, y, w, (style){16, true, INK, PLACE_START}, draw) + 4;
    if (o->example) {
        style st = {10, true, INK, PLACE_START};
        PangoLayout *l = layout_of(s, s->lang, s->w.example, 0, st, NULL);
        double ew = l ? layout_width(l) + 12 : 80, eh = l ? layout_height(l) : 14;
        if (l)
            g_object_unref(l);
        if (draw) {
            rounded(s, left_of(s, 0, ew), y, ew, eh + 4, 3, DEMO);
            text_at(s, s->lang, s->w.example, 6, y + 2, ew - 12, st, true);
        }
        y += eh + 10;
    }
    if (o->address[0])
        y += contact_line(s, "place", o->address, y, w, draw);
    for (int i = 0; i < o->phone_count; i++)
        y += contact_line(s, "phone", o->phones[i], y, w, draw);
    if (o->email[0])
        y += contact_line(s, "mail", o->email, y, w, draw);
    if (o->web[0])
        y += contact_line(s, "public", o->web, y, w, draw);
    if (!strcmp(o->step_free, "yes"))
        y += contact_line(s, "accessible", s->w.step_free, y, w, draw);
    if (!strcmp(o->appointment, "only"))
        y += contact_line(s, "event", s->w.appointment, y, w, draw);
    y += 4;
    if (draw)
        icon_at(s, "schedule", 0, y + 1, 16, BRAND);
    for (int d = 0; d < 7; d++) {
        char hours[400];
        day_hours(s, o, d, hours, sizeof hours);
        style st = {12, false, INK, PLACE_START};
        double h = text_at(s, s->lang, s->w.days[d], 26, y, 110, st, draw);
        double hh = text_at(s, s->lang, hours, 140, y, w - 140, st, draw);
        y += (h > hh ? h : hh) + 1;
    }
    if (draw) {
        char payload[PACK_OFFICE_QR_BYTES];
        pack_office_qr_text(o, payload, sizeof payload);
        qr_at(s, payload, left_of(s, CONTENT_W - QR_SIZE, QR_SIZE), y0, QR_SIZE);
    }
    return (y - y0 > QR_SIZE ? y - y0 : QR_SIZE);
}

/* The code panel: "Enter the page number" in both languages over the code, large. */
static double code_panel(sheet *s, const pack_page *page, double y, double code_size)
{
    char code[PACK_CODE_MAX * 2 + 8];
    code_in(s->lang, page->code, code, sizeof code);
    bool two = own_digits(s->lang);
    style label = {15, false, INK, PLACE_CENTER};
    style label_src = {11, false, MUTED, PLACE_CENTER};
    double inner = CONTENT_W - 32;
    double h = 14 + text_at(s, s->lang, s->w.enter, 16, 0, inner, label, false);
    if (s->src)
        h += text_at(s, s->src, s->src_w.enter, 16, 0, inner, label_src, false);
    double code_y = h;
    h += code_size * 1.45 + (two ? code_size * 0.55 : 0) + 10;
    rounded(s, MARGIN, y, CONTENT_W, h, 10, PANEL);
    double ty = y + 14;
    ty += text_at(s, s->lang, s->w.enter, 16, ty, inner, label, true);
    if (s->src)
        text_at(s, s->src, s->src_w.enter, 16, ty, inner, label_src, true);
    ty = y + code_y;
    ty += fitted_line(s, s->lang, code, 16, ty, inner, (style){code_size, true, BRAND, PLACE_CENTER});
    if (two)
        fitted_line(s, NULL, page->code, 16, ty - code_size * 0.1, inner,
                    (style){code_size * 0.42, true, MUTED, PLACE_CENTER});
    return h;
}

static void page_sheet(sheet *s, const pack_page *page)
{
    double y = new_page(s);
    char title[PACK_TITLE_BYTES_MAX + 1] = "", source[PACK_TITLE_BYTES_MAX + 1] = "";
    pack_text t = {0};
    bool own = pack_text_get(s->p, page->code, s->lang->code, &t, NULL);
    if (own)
        snprintf(title, sizeof title, "%s", t.title);
    if (s->src)
        pack_title_get(s->p, page->code, s->src->code, source, sizeof source);
    /* Icon at the start edge, the titles beside it. */
    double icon = 64, tx = icon + 16, tw = CONTENT_W - tx;
    icon_at(s, page->icon, 0, y, icon, BRAND);
    double ty = y;
    if (title[0])
        ty += text_at(s, s->lang, title, tx, ty, tw, (style){26, true, INK, PLACE_START}, true);
    if (source[0])
        ty += 2 + text_at(s, s->src, source, tx, ty + 2, tw, (style){title[0] ? 16 : 26, !title[0], MUTED, PLACE_START},
                          true);
    y = (ty > y + icon * 1.2 ? ty : y + icon * 1.2) + 8;
    if (own && t.summary[0])
        y += text_at(s, s->lang, t.summary, 0, y, CONTENT_W, (style){13, false, INK, PLACE_START}, true) + 14;
    pack_text_free(&t);

    pack_office office;
    bool has_office = page->office[0] && pack_office_get(s->p, page->office, &office);
    y += code_panel(s, page, y, has_office ? 84 : 160) + 22;
    if (has_office) {
        double h = office_block(s, &office, y, false);
        /* An office whose card would run into the footer starts a sheet of its own. */
        if (y + h > FOOTER_Y - 10)
            y = new_page(s);
        office_block(s, &office, y, true);
    }
}

/* Every page under `parent` in the index's order: a topic's sheet, then its pages' sheets. */
static void sheets_under(sheet *s, const char *parent, int depth)
{
    int count = 0;
    const pack_page *run = pack_child_run(s->p, parent, &count);
    for (int i = 0; i < count && depth < 64; i++) {
        page_sheet(s, &run[i]);
        sheets_under(s, run[i].code, depth + 1);
    }
}

/* ---- the file ---- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void words_in(const char *lang, words *w)
{
    static const char *const days[7] = {N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
                                        N_("Friday"), N_("Saturday"), N_("Sunday")};
    i18n_set_language(lang);
    snprintf(w->enter, sizeof w->enter, "%s", _("Enter the page number"));
    snprintf(w->pages, sizeof w->pages, "%s", _("Pages"));
    snprintf(w->closed, sizeof w->closed, "%s", _("Closed"));
    snprintf(w->example, sizeof w->example, "%s", _("Example data"));
    snprintf(w->step_free, sizeof w->step_free, "%s", _("Step-free access"));
    snprintf(w->appointment, sizeof w->appointment, "%s", _("By appointment"));
    snprintf(w->demo, sizeof w->demo, "%s", _("Demo content: example data, not for real use"));
    snprintf(w->comma, sizeof w->comma, "%s", _(", "));
    for (int d = 0; d < 7; d++)
        snprintf(w->days[d], sizeof w->days[d], "%s", _(days[d]));
}

/* Checks what the staff asked for before anything is drawn, so a typo costs no file. */
static bool check_request(pack *p, const handout_opts *o, err *e)
{
    if (!o->lang || !pack_language_find(p, o->lang)) {
        char have[PACK_LANGUAGES_MAX * (PACK_LANG_MAX + 2)] = "";
        for (int i = 0; i < pack_language_count(p); i++)
            snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", i ? ", " : "",
                     pack_language_at(p, i)->code);
        return err_set(e, "the pack has no language '%s'; it has %s", o->lang ? o->lang : "", have);
    }
    for (int i = 0; !o->all && i < o->page_count; i++)
        if (!pack_page_find(p, o->pages[i]))
            return err_set(e, "the pack has no page '%s' (the index sheet lists every code: leave out --pages)",
                           o->pages[i]);
    return true;
}

int handout_write(pack *p, const handout_opts *o, const char *out_path, err *e)
{
    if (!check_request(p, o, e))
        return -1;
    sheet s = {.p = p, .meta = pack_get_meta(p), .lang = pack_language_find(p, o->lang)};
    s.rtl = s.lang->rtl;
    s.src = pack_language_find(p, s.meta->source_language);
    if (s.src == s.lang)
        s.src = NULL;
    if (!i18n_init(o->locale_dir, e))
        return -1;
    /* The staff tool's own language is put back afterwards. */
    const char *before = getenv("LANGUAGE");
    char *saved = before ? strdup(before) : NULL;
    words_in(s.lang->code, &s.w);
    if (s.src)
        words_in(s.src->code, &s.src_w);
    if (saved)
        setenv("LANGUAGE", saved, 1);
    else
        unsetenv("LANGUAGE");
    free(saved);
    /* glibc keeps answering in the last language until its catalog cache is dropped. */
    textdomain("wegweiser");

    s.icons = text_fonts_open(o->assets_dir, e);
    if (!s.icons)
        return -1;
    s.fonts = font_map(o->assets_dir, e);
    if (!s.fonts) {
        text_fonts_close(s.icons);
        return -1;
    }
    char part[4200];
    snprintf(part, sizeof part, "%s.part", out_path);
    FILE *out = fopen(part, "wb");
    if (!out) {
        err_set(e, "cannot write %s: %s", part, strerror(errno));
        g_object_unref(s.fonts);
        text_fonts_close(s.icons);
        return -1;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_out, out, A4_W, A4_H);
    char title[PACK_REGION_NAME_BYTES_MAX + PACK_NATIVE_NAME_BYTES_MAX + 64];
    snprintf(title, sizeof title, "%s – %s", s.meta->name, s.lang->native_name);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "wegweiser-pack handout");
    /* The content's day, not the clock's: the same pack gives the same file. */
    char created[40];
    snprintf(created, sizeof created, "%.10sT00:00:00", s.meta->created);
    if (strlen(s.meta->created) >= 10 && s.meta->created[4] == '-' && s.meta->created[7] == '-') {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, created);
    }
    s.cr = cairo_create(surface);
    for (int dir = 0; dir < 2; dir++) {
        s.ctx[dir] = pango_font_map_create_context(s.fonts);
        pango_context_set_base_dir(s.ctx[dir], dir ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
        /* Outlines as designed: no hinting of shapes or advances on paper. */
        cairo_font_options_t *fo = cairo_font_options_create();
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        pango_cairo_context_set_font_options(s.ctx[dir], fo);
        cairo_font_options_destroy(fo);
        pango_context_set_round_glyph_positions(s.ctx[dir], FALSE);
        pango_cairo_update_context(s.cr, s.ctx[dir]);
    }

    index_sheets(&s);
    if (o->all)
        sheets_under(&s, "", 0);
    for (int i = 0; !o->all && i < o->page_count; i++)
        page_sheet(&s, pack_page_find(p, o->pages[i]));

    cairo_destroy(s.cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    for (int dir = 0; dir < 2; dir++)
        g_object_unref(s.ctx[dir]);
    g_object_unref(s.fonts);
    text_fonts_close(s.icons);
    bool closed = fclose(out) == 0;
    if (status != CAIRO_STATUS_SUCCESS || !closed) {
        remove(part);
        err_set(e, "cannot write %s: %s", out_path,
                status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(status) : strerror(errno));
        return -1;
    }
    if (rename(part, out_path) != 0) {
        err_set(e, "cannot write %s: %s", out_path, strerror(errno));
        remove(part);
        return -1;
    }
    return s.pages;
}
