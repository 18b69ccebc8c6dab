/* The typing screens: the keypad for a page's code, and search as you type with a keyboard for
 * the visitor's script. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "view_private.h"

/* "Go to page": a phone-style keypad, the same in every direction. */
int view_keypad_screen(ctx *c, int y)
{
    snprintf(c->title, sizeof c->title, "%s", _("Go to page"));
    int key = (c->content.h - 2 * c->margin) / 6;
    if (key > c->base * 16 / 100)
        key = c->base * 16 / 100;
    /* On a small dense screen the keys keep their size and the keypad scrolls. */
    key = at_least(key, c->touch);
    int width = key * 3 * 3 / 2 + 2 * c->gap, x0 = (c->w - width) / 2, kw = key * 3 / 2;
    bool rtl = c->rtl;
    c->rtl = false;
    view_rect shown = {x0, y, width, key};
    view_add_rect(c, shown, WHITE, c->radius);
    text_opts o = {c->title_px, true, dir_of(c->lang), TEXT_ALIGN_CENTER, INK, true};
    char d[64];
    view_digits(c, c->a->typed, d, sizeof d);
    if (c->a->typed[0]) {
        view_add_text(c, x0, y, width, key, d, o);
    } else {
        o.size = c->body_px;
        o.color = MUTED;
        view_add_text_fit(c, x0 + c->gap, y, width - 2 * c->gap, key, _("Enter the page number"), o);
    }
    y += key + c->gap;
    if (c->a->no_such_page) {
        text_opts e = {c->body_px, true, dir_of(c->lang), TEXT_ALIGN_CENTER, ALARM_TEXT, false};
        y += view_add_text(c, x0 - key, y, width + 2 * key, 0, _("No page has this number."), e) + c->gap;
    }
    static const char *const keys = "123456789<0>";
    for (int i = 0; i < 12; i++) {
        view_rect r = {x0 + (i % 3) * (kw + c->gap), y + (i / 3) * (key + c->gap), kw, key};
        char k = keys[i], label[8] = {k, 0};
        if (k == '<') {
            view_add_card(c, r, APP_EV_ERASE, NULL, 0);
            view_add_icon(c, r.x + (kw - key / 2) / 2, r.y + key / 4, key / 2, "backspace", BRAND);
        } else if (k == '>') {
            view_add_button(c, r, BRAND, c->radius, APP_EV_ENTER, NULL, 0);
            view_add_icon(c, r.x + (kw - key / 2) / 2, r.y + key / 4, key / 2, rtl ? "arrow_back" : "arrow_forward", WHITE);
        } else {
            view_add_card(c, r, APP_EV_TYPE, label, 0);
            view_digits(c, label, d, sizeof d);
            text_opts ko = {c->title_px, true, TEXT_DIR_LTR, TEXT_ALIGN_CENTER, INK, true};
            view_add_text(c, r.x, r.y, kw, key, d, ko);
        }
    }
    c->rtl = rtl;
    return y + 4 * (key + c->gap) - shown.y;
}

/* A row of keys across the keyboard's width; `labels` as UTF-8 strings. */
static void key_row(ctx *c, int y, int h, const char *const *labels, int n, int slots, int g, app_event_type type,
                    const int *values)
{
    int kw = (c->content.w - (slots - 1) * g) / slots;
    int x0 = c->content.x + (c->content.w - (n * kw + (n - 1) * g)) / 2;
    for (int i = 0; i < n; i++) {
        view_rect r = view_place(c, x0 + i * (kw + g), y, kw, h);
        view_add_card(c, r, type, values ? NULL : labels[i], values ? values[i] : 0);
        text_opts o = {c->title_px, false, dir_of(c->lang), TEXT_ALIGN_CENTER, INK, true};
        view_add_text_fit(c, r.x, y, kw, h, labels[i], o);
        /* add_text mirrors again: undo for a rect already placed. */
        if (c->rtl)
            c->l->cmds[c->l->count - 1].rect.x = r.x;
    }
}

/* How many keys a fingertip wide fit across the keyboard, `g` apart. */
static int keys_across(const ctx *c, int g) { return at_least((c->content.w + g) / (c->touch + g), 1); }

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* The keyboard for the visitor's script at the bottom of the content area; returns its top.
 * A row with more keys than fit a fingertip wide breaks into even parts, in order, so the
 * familiar rows stay recognisable. */
int view_keyboard(ctx *c)
{
    bool latin_key = !view_script_is_latin(c->lang);
    const char *const *rows = latin_key && c->a->keyboard_latin ? view_keyboard_latin_rows() : view_keyboard_rows(c->lang);
    int g = c->gap / 2;
    char keys[64][16];
    const char *labels[64];
    int values[64], row_len[8], row_count = 0, n = 0;
    for (int r = 0; rows && rows[r] && r < 8; r++, row_count++) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", rows[r]);
        row_len[r] = 0;
        for (char *tok = strtok(copy, " "); tok && n < 64; tok = strtok(NULL, " "), n++, row_len[r]++) {
            snprintf(keys[n], sizeof keys[n], "%s", tok);
            labels[n] = keys[n];
        }
    }
    /* Keys move closer before a row breaks: a narrow gap reads better than a broken row. */
    int longest = 0;
    for (int r = 0; r < row_count; r++)
        longest = at_least(longest, row_len[r]);
    int tight = at_least(c->gap / 6, 2), hg = g;
    int across = keys_across(c, g);
    if (longest > across && longest <= keys_across(c, tight)) {
        hg = tight;
        across = longest;
    }
    const uint32_t *fidel = NULL;
    if (!rows) {
        /* The Ethiopic picker: its consonants in three rows where they fit. */
        n = view_fidel_consonants(&fidel);
        n = n < 64 ? n : 64;
        int per = ceil_div(n, 3) < across ? ceil_div(n, 3) : across;
        for (int i = 0; i < n; i += per, row_count++)
            row_len[row_count] = n - i < per ? n - i : per;
        for (int i = 0; i < n; i++) {
            keys[i][utf8_put(fidel[i], keys[i])] = 0;
            labels[i] = keys[i];
            values[i] = (int)fidel[i];
        }
    }
    int slots = 0, lines = 0;
    for (int r = 0; r < row_count; r++) {
        int per = ceil_div(row_len[r], ceil_div(row_len[r], across));
        slots = per > slots ? per : slots;
        lines += ceil_div(row_len[r], per);
    }
    int key_h = at_least(c->base * (c->portrait ? 11 : 9) / 100, c->touch);
    int top = c->content.y + c->content.h - (lines + 1) * (key_h + g) - c->gap;
    view_add_rect(c, (view_rect){0, top - g, c->w, c->h - top}, BACKGROUND, 0);
    int y = top;
    /* Latin keys run left to right as on every keyboard with them, whatever the language. */
    bool rtl = c->rtl;
    if (latin_key && c->a->keyboard_latin)
        c->rtl = false;
    if (!c->a->fidel_base) {
        for (int r = 0, first = 0; r < row_count; first += row_len[r], r++) {
            int per = ceil_div(row_len[r], ceil_div(row_len[r], across));
            for (int i = 0; i < row_len[r]; i += per) {
                int count = row_len[r] - i < per ? row_len[r] - i : per;
                key_row(c, y, key_h, labels + first + i, count, slots, hg, fidel ? APP_EV_FIDEL : APP_EV_TYPE,
                        fidel ? values + first + i : NULL);
                y += key_h + g;
            }
        }
    } else {
        /* The vowel forms of the chosen consonant, big, in the picker's place. */
        uint32_t forms[8];
        int count = view_fidel_forms(c->a->fidel_base, forms);
        for (int i = 0; i < count; i++) {
            keys[i][utf8_put(forms[i], keys[i])] = 0;
            labels[i] = keys[i];
        }
        int per = across < 9 ? across : 9, form_rows = ceil_div(count, per);
        int room = lines * (key_h + g) - g;
        int form_h = (room - (form_rows - 1) * g) / form_rows;
        form_h = form_h < key_h * 2 ? form_h : key_h * 2;
        int fy = y + (room - form_rows * (form_h + g) + g) / 2;
        for (int i = 0; i < count; i += per, fy += form_h + g)
            key_row(c, fy, form_h, labels + i, count - i < per ? count - i : per, per, hg, APP_EV_TYPE, NULL);
        y += lines * (key_h + g);
    }
    c->rtl = rtl;
    /* The last row: put the keyboard away (and, in the vowel forms, step back) at the start,
     * erase at the end, space between them. */
    int side = at_least(c->touch, key_h * 2 < c->content.w / 5 ? key_h * 2 : c->content.w / 5);
    int starts = 1 + (c->a->fidel_base ? 1 : 0) + (latin_key ? 1 : 0), start_w = starts * side + (starts - 1) * g;
    int middle = c->content.w - start_w - side - 2 * c->gap;
    int wide = middle < c->content.w / 3 ? middle : c->content.w / 3;
    int sx = c->content.x + start_w + c->gap + (middle - wide) / 2;
    view_add_card(c, view_place(c, sx, y, wide, key_h), APP_EV_TYPE, " ", 0);
    view_add_icon(c, sx + (wide - key_h) / 2, y, key_h, "space_bar", BRAND);
    int ex = c->content.x + c->content.w - side, icon = at_least(key_h * 2 / 3, 1);
    view_add_card(c, view_place(c, ex, y, side, key_h), APP_EV_ERASE, NULL, 0);
    view_add_icon(c, ex + (side - icon) / 2, y + (key_h - icon) / 2, icon, "backspace", BRAND);
    /* Put away, so the pages found fill the screen (the search box brings it back). */
    view_add_card(c, view_place(c, c->content.x, y, side, key_h), APP_EV_KEYBOARD, NULL, 0);
    view_add_icon(c, c->content.x + (side - icon) / 2, y + (key_h - icon) / 2, icon, "keyboard_hide", BRAND);
    if (c->a->fidel_base) {
        int fx = c->content.x + side + g;
        view_add_card(c, view_place(c, fx, y, side, key_h), APP_EV_FIDEL, NULL, 0);
        view_add_icon(c, fx + (side - icon) / 2, y + (key_h - icon) / 2, icon, "keyboard_return", BRAND);
    }
    if (latin_key) {
        /* Staff, letters and signs name offices in German: Latin letters are one key away, and
         * the same key, named in the language, brings its own letters back. */
        int lx = c->content.x + (starts - 1) * (side + g);
        view_add_card(c, view_place(c, lx, y, side, key_h), APP_EV_LATIN, NULL, 0);
        text_opts o = {c->body_px, true, TEXT_DIR_AUTO, TEXT_ALIGN_CENTER, BRAND, true};
        view_add_text_fit(c, lx, y, side, key_h, c->a->keyboard_latin ? c->lang->native_name : "ABC", o);
    }
    return top;
}

/* The words typed and how many pages they found, as a field in the search bar (keyboard up) or
 * on the screen (keyboard put away: the field brings it back). */
static void field(ctx *c, view_rect box, bool button)
{
    if (button)
        view_add_button(c, box, WHITE, c->radius, APP_EV_KEYBOARD, NULL, 0);
    else
        view_add_rect(c, box, WHITE, c->radius);
    int x = c->rtl ? c->w - box.x - box.w : box.x, icon = box.h * 3 / 5;
    view_add_icon(c, x + c->gap, box.y + box.h / 5, icon, "search", MUTED);
    int tx = x + c->gap * 2 + icon, end = x + box.w - c->gap;
    int n = c->a->found_count;
    if (c->a->typed[0] && n > 0) {
        char found[96], shown[160];
        snprintf(found, sizeof found, ngettext("%d page", "%d pages", n), n);
        view_digits(c, found, shown, sizeof shown);
        text_opts o = view_ui_text(c, c->small_px, true, MUTED);
        text_style style = {o.size, true, o.dir, TEXT_ALIGN_START, 0};
        const text_layout *l = text_layout_cached(c->f, shown, NULL, 0, &style, box.w / 3);
        int count_w = 0;
        for (int i = 0; l && i < l->line_count; i++)
            count_w = at_least(count_w, l->lines[i].width + c->gap);
        if (l)
            view_add_text(c, end - count_w, box.y, count_w, box.h, shown, o);
        end -= count_w + c->gap;
    }
    view_add_text_fit(c, tx, box.y, end - tx, box.h, c->a->typed, view_ui_text(c, c->body_px * 12 / 10, false, INK));
}

void view_search_field(ctx *c, int x, int w)
{
    int h = c->header_h * 3 / 4;
    field(c, view_place(c, x, (c->header_h - h) / 2, w, h), false);
}

/* Found nothing: not a dead end. What the kiosk offers instead: a page's number from a
 * caseworker, the emergency numbers, and the topics to look through. */
static int nothing_found(ctx *c, int y)
{
    int y0 = y;
    text_opts o = view_content_text(c, c->body_px, true, ALARM_TEXT);
    y += view_add_text(c, c->content.x, y, c->content.w, 0, _("No results"), o) + c->gap / 2;
    y += view_row(c, "dialpad", _("Enter the page number"), NULL, APP_EV_KEYPAD, NULL, y);
    const pack_page *emergency = pack_page_of_kind(c->a->pack, "emergency");
    char title[256];
    if (emergency && pack_title_get(c->a->pack, emergency->code, c->a->lang, title, sizeof title))
        y += view_page_row(c, emergency, title, NULL, y);
    const pack_page *topics[64];
    int n = pack_children(c->a->pack, "", topics, 64);
    for (int i = 0; i < n && i < 64; i++)
        if (strcmp(topics[i]->kind, "help") && strcmp(topics[i]->kind, "emergency") &&
            pack_title_get(c->a->pack, topics[i]->code, c->a->lang, title, sizeof title))
            y += view_page_row(c, topics[i], title, NULL, y);
    return y - y0;
}

/* Search as you type: the words typed, the pages found, and a keyboard for the script. With the
 * keyboard up the field is in the header; rows are one line where three full ones would not fit
 * between header and keys, so a visitor sees what the words found while typing them. */
int view_search_screen(ctx *c, int y)
{
    snprintf(c->title, sizeof c->title, "%s", _("Search"));
    int y0 = y;
    if (c->search_bar) {
        y -= c->margin - c->gap / 2;
        int full = at_least(c->base * 16 / 100, c->touch) + c->gap;
        c->compact_rows = c->content.h - c->gap < 3 * full;
    } else {
        int box_h = at_least(c->base * 12 / 100, c->touch);
        field(c, view_place(c, c->content.x, y, c->content.w, box_h), true);
        y += box_h + c->gap;
    }
    int n = c->a->found_count;
    if (c->a->typed[0] && n == 0)
        y += nothing_found(c, y);
    /* What the app found when the words were typed: scrolling reads nothing from the pack. */
    for (int i = 0; i < n; i++) {
        const pack_found *f = &c->a->found[i];
        const pack_page *page = pack_page_find(c->a->pack, f->page);
        if (page)
            y += view_page_row(c, page, c->a->found_text + f->title, c->a->found_text + f->summary, y);
    }
    c->compact_rows = false;
    return y - y0;
}
