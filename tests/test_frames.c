/* The frame path: what a drag costs besides drawing (no pack query, no rebuild of the display
 * list) and what the painter draws (rounded rectangles, text lines) pixel by pixel. Speed
 * itself is measured by make bench-frames, never here. */
#include <SDL.h>
#include <stdlib.h>

#include "pack_private.h"
#include "platform.h"
#include "session.h"
#include "test.h"

static void event(session *s, app_event_type type, const char *arg)
{
    app_event ev = {.type = type};
    snprintf(ev.arg, sizeof ev.arg, "%s", arg ? arg : "");
    app_handle(&s->app, &ev);
}

static int statements;

static int count_statement(unsigned type, void *user, void *p, void *x)
{
    statements++;
    return 0;
}

/* A finger goes down in the middle and drags the content up by `frames` steps of 9 px, each
 * step a frame (the display list asked for); returns the SQL statements run meanwhile. */
static int drag_statements(session *s, pack *p, int frames)
{
    session_display(s);
    int x = s->width / 2, y = s->height / 2;
    session_press(s, x, y);
    for (int i = 0; i < 4; i++) /* past the tap slop: from here on it is a drag */
        session_move(s, x, y -= 9);
    session_display(s);
    statements = 0;
    sqlite3_trace_v2(pack_db(p), SQLITE_TRACE_STMT, count_statement, NULL);
    for (int i = 0; i < frames; i++) {
        session_move(s, x, y -= 9);
        session_display(s);
    }
    sqlite3_trace_v2(pack_db(p), 0, NULL, NULL);
    session_release(s, x, y);
    return statements;
}

TEST(frames_a_drag_asks_the_pack_nothing)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    /* An article with chips, an office with its week, and the results of a search. */
    session *s = test_visit(p, "ar", 1280, 800);
    event(s, APP_EV_OPEN, "110");
    int before = app_current(&s->app)->scroll;
    CHECK_INT(drag_statements(s, p, 20), 0);
    CHECK(app_current(&s->app)->scroll > before); /* it did scroll */
    session_free(s);

    s = test_visit(p, "ti", 720, 1280);
    event(s, APP_EV_OPEN, "903");
    CHECK_INT(drag_statements(s, p, 20), 0);
    CHECK(app_current(&s->app)->scroll > 0);
    session_free(s);

    s = test_visit(p, "ar", 1280, 800);
    event(s, APP_EV_SEARCH, NULL);
    event(s, APP_EV_TYPE, "م");
    event(s, APP_EV_KEYBOARD, NULL);
    CHECK_INT(drag_statements(s, p, 20), 0);
    CHECK(app_current(&s->app)->scroll > 0);
    session_free(s);

    /* Anything else than a scroll is built anew, and asks the pack again. */
    s = test_visit(p, "de", 1280, 800);
    event(s, APP_EV_OPEN, "310");
    session_display(s);
    statements = 0;
    sqlite3_trace_v2(pack_db(p), SQLITE_TRACE_STMT, count_statement, NULL);
    event(s, APP_EV_TOGGLE_LARGE, NULL);
    session_display(s);
    sqlite3_trace_v2(pack_db(p), 0, NULL, NULL);
    CHECK(statements > 0);
    session_free(s);
    pack_close(p);
}

static bool same_cmd(const view_cmd *a, const view_cmd *b)
{
    return a->kind == b->kind && !memcmp(&a->rect, &b->rect, sizeof a->rect) &&
           !memcmp(&a->clip, &b->clip, sizeof a->clip) && !memcmp(&a->color, &b->color, sizeof a->color) &&
           a->radius == b->radius && a->layout == b->layout && !a->text == !b->text &&
           (!a->text || !strcmp(a->text, b->text)) && a->icon == b->icon && a->icon_size == b->icon_size &&
           a->button == b->button && a->on_press == b->on_press && a->tap.type == b->tap.type &&
           !strcmp(a->tap.arg, b->tap.arg) && a->tap.value == b->tap.value && !memcmp(&a->hit, &b->hit, sizeof a->hit);
}

/* The list the session moved for a scroll is, command by command, the list built for it. */
static void check_moved_equals_built(session *s, const char *what)
{
    static view_list built;
    session_display(s);
    int max = app_current(&s->app)->scroll_max;
    CHECK(max > 0);
    for (int step = 1; step <= 6; step++) {
        int target = max * step / 6, by = target - app_current(&s->app)->scroll;
        app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = by});
        const view_list *moved = session_display(s);
        view_build(&built, &s->app, s->fonts, s->width, s->height, session_dpi(s));
        bool same = moved->count == built.count && moved->scroll_max == built.scroll_max;
        for (int i = 0; same && i < moved->count; i++)
            if (!same_cmd(&moved->cmds[i], &built.cmds[i])) {
                char msg[600];
                const view_cmd *m = &moved->cmds[i], *b = &built.cmds[i];
                snprintf(msg, sizeof msg,
                         "%s at scroll %d: command %d (kind %d) differs from the one built there: rect y %d/%d, "
                         "hit %d,%d %dx%d / %d,%d %dx%d, layout %p/%p clip %d/%d color %d/%d, text %.40s",
                         what, target, i, m->kind, m->rect.y, b->rect.y, m->hit.x, m->hit.y, m->hit.w, m->hit.h,
                         b->hit.x, b->hit.y, b->hit.w, b->hit.h, (const void *)m->layout, (const void *)b->layout,
                         m->clip.y, b->clip.y, m->color.r, b->color.r, m->text ? m->text : "-");
                test_fail(__FILE__, __LINE__, msg);
                same = true;
                break;
            }
        if (moved->count != built.count) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s at scroll %d: %d commands moved, %d built", what, target, moved->count,
                     built.count);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
}

TEST(frames_a_moved_display_list_is_the_one_built_there)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    static const struct {
        const char *lang, *page;
        int w, h;
        bool german;
    } pages[] = {{"ar", "110", 1280, 800, false}, {"ti", "903", 720, 1280, false}, {"de", "310", 800, 480, false},
                 {"prs", "310", 1280, 800, true},  {"ar", "300", 720, 1280, false}, {"ti", "800", 800, 480, false}};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        session *s = test_visit(p, pages[i].lang, pages[i].w, pages[i].h);
        event(s, APP_EV_OPEN, pages[i].page);
        if (pages[i].german)
            event(s, APP_EV_TOGGLE_GERMAN, NULL);
        char what[64];
        snprintf(what, sizeof what, "page %s in %s at %dx%d", pages[i].page, pages[i].lang, pages[i].w, pages[i].h);
        check_moved_equals_built(s, what);
        session_free(s);
    }
    /* The search results, under the keyboard and with it put away. */
    for (int hidden = 0; hidden < 2; hidden++) {
        session *s = test_visit(p, "ar", 800, 480);
        event(s, APP_EV_SEARCH, NULL);
        event(s, APP_EV_TYPE, "م");
        if (hidden)
            event(s, APP_EV_KEYBOARD, NULL);
        check_moved_equals_built(s, hidden ? "search results" : "search results over the keyboard");
        session_free(s);
    }
    pack_close(p);
}

static Uint32 pixel_at(SDL_Surface *s, int x, int y) { return ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x]; }

static int channel_gap(Uint32 a, Uint32 b)
{
    int gap = 0;
    for (int shift = 0; shift < 24; shift += 8) {
        int d = abs((int)(a >> shift & 255) - (int)(b >> shift & 255));
        gap = d > gap ? d : gap;
    }
    return gap;
}

/* Paints a list onto a fresh 200x120 ARGB surface with the software renderer. */
static SDL_Surface *paint(const view_list *l)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, l->width, l->height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    CHECK(r != NULL);
    if (!r)
        return s;
    platform_painter *p = platform_painter_new(r, test_fonts());
    platform_paint(p, l);
    SDL_RenderPresent(r);
    platform_painter_free(p);
    SDL_DestroyRenderer(r);
    return s;
}

/* A drag repaints only the scrolling area on the software renderer (its pixels stay from frame
 * to frame): the picture must be, pixel for pixel, the one a whole paint of the same list gives,
 * at every step of a drag down and back up, on an article, the search results under the
 * keyboard, and a topic's list whose rows out of sight are built as it scrolls. */
TEST(frames_a_repainted_scroll_area_gives_the_whole_picture)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    static const struct {
        const char *lang, *page, *typed;
        int w, h;
    } scenes[] = {{"ar", "110", NULL, 1280, 800}, {"ti", "903", NULL, 720, 1280}, {"prs", NULL, "م", 800, 480},
                  {"de", "300", NULL, 800, 480}};
    for (size_t k = 0; k < sizeof scenes / sizeof scenes[0]; k++) {
        session *s = test_visit(p, scenes[k].lang, scenes[k].w, scenes[k].h);
        if (scenes[k].page) {
            event(s, APP_EV_OPEN, scenes[k].page);
        } else {
            event(s, APP_EV_SEARCH, NULL);
            event(s, APP_EV_TYPE, scenes[k].typed);
        }
        SDL_Surface *kept = SDL_CreateRGBSurfaceWithFormat(0, s->width, s->height, 32, SDL_PIXELFORMAT_ARGB8888);
        SDL_Renderer *r = kept ? SDL_CreateSoftwareRenderer(kept) : NULL;
        CHECK(r != NULL);
        if (!r) {
            session_free(s);
            continue;
        }
        platform_painter *painter = platform_painter_new(r, test_fonts());
        platform_paint(painter, session_display(s));
        int max = app_current(&s->app)->scroll_max, differing = 0, steps = 0;
        CHECK(max > 0);
        for (int step = 1; step <= 24 && !differing; step++) {
            int by = (step <= 12 ? 1 : -1) * (max / 10 + 3);
            app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = by});
            const view_list *l = session_display(s);
            platform_paint(painter, l);
            SDL_RenderPresent(r);
            SDL_Surface *whole = paint(l);
            if (!whole)
                break;
            int at_x = -1, at_y = -1;
            for (int y = 0; y < kept->h && !differing; y++)
                for (int x = 0; x < kept->w && !differing; x++)
                    if (((Uint32 *)((Uint8 *)kept->pixels + y * kept->pitch))[x] !=
                        ((Uint32 *)((Uint8 *)whole->pixels + y * whole->pitch))[x])
                        differing = 1, at_x = x, at_y = y;
            if (differing) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s %s at scroll %d: the repainted picture differs from a whole paint at (%d, %d) (scrolling area "
                         "from y %d, %d high)",
                         scenes[k].lang, scenes[k].page ? scenes[k].page : "search", app_current(&s->app)->scroll,
                         at_x, at_y, l->scroll_area.y, l->scroll_area.h);
                test_fail(__FILE__, __LINE__, msg);
            }
            SDL_FreeSurface(whole);
            steps++;
        }
        CHECK_INT(steps, 24);
        platform_painter_free(painter);
        SDL_DestroyRenderer(r);
        SDL_FreeSurface(kept);
        session_free(s);
    }
    pack_close(p);
}

TEST(frames_rounded_rectangles_are_round_and_exact)
{
    static view_list l;
    memset(&l, 0, sizeof l);
    l.width = 200;
    l.height = 120;
    l.background = (SDL_Color){0xF4, 0xF1, 0xEA, 0xFF};
    SDL_Color blue = {0x0B, 0x4F, 0x6C, 0xFF}, shade = {0, 0, 0, 0x80};
    /* A card with corners of radius 20, a pill (radius half its height), and a translucent one. */
    l.cmds[l.count++] = (view_cmd){.kind = VIEW_RECT, .rect = {10, 10, 100, 60}, .color = blue, .radius = 20};
    l.cmds[l.count++] = (view_cmd){.kind = VIEW_RECT, .rect = {120, 10, 70, 30}, .color = blue, .radius = 99};
    l.cmds[l.count++] = (view_cmd){.kind = VIEW_RECT, .rect = {10, 80, 100, 30}, .color = shade, .radius = 8};
    SDL_Surface *s = paint(&l);
    if (!s)
        return;
    Uint32 bg = 0xFFF4F1EA, ink = 0xFF0B4F6C;
    /* Inside and on every straight edge: the colour itself. */
    CHECK(pixel_at(s, 60, 40) == ink);
    CHECK(pixel_at(s, 10, 40) == ink && pixel_at(s, 109, 40) == ink);
    CHECK(pixel_at(s, 60, 10) == ink && pixel_at(s, 60, 69) == ink);
    /* Outside: the background, right next to the edges too. */
    CHECK(pixel_at(s, 9, 40) == bg && pixel_at(s, 110, 40) == bg && pixel_at(s, 60, 9) == bg && pixel_at(s, 60, 70) == bg);
    /* The corners are round: the corner pixel is background, a pixel the arc crosses (10 of
     * its 16 samples inside the radius) lies between the two colours, inside it the colour. */
    int corners[4][2] = {{10, 10}, {109, 10}, {10, 69}, {109, 69}};
    for (int i = 0; i < 4; i++)
        CHECK(pixel_at(s, corners[i][0], corners[i][1]) == bg);
    int cx = 10 + 20, cy = 10 + 20; /* the top left corner's centre */
    Uint32 arc = pixel_at(s, cx - 16, cy - 13), inner = pixel_at(s, cx - 12, cy - 12);
    CHECK(channel_gap(arc, ink) > 30 && channel_gap(arc, bg) > 30); /* between the two: anti-aliased */
    CHECK(inner == ink);
    /* The same arc in every corner, mirrored. */
    CHECK(pixel_at(s, 109 - 5, 10 + 5) == pixel_at(s, 10 + 5, 10 + 5));
    CHECK(pixel_at(s, 10 + 5, 69 - 5) == pixel_at(s, 10 + 5, 10 + 5));
    CHECK(pixel_at(s, 109 - 5, 69 - 5) == pixel_at(s, 10 + 5, 10 + 5));
    /* The pill: round ends, straight middle. */
    CHECK(pixel_at(s, 155, 10) == ink && pixel_at(s, 155, 39) == ink);
    CHECK(pixel_at(s, 120, 10) == bg && pixel_at(s, 189, 39) == bg);
    CHECK(pixel_at(s, 121, 25) == ink && pixel_at(s, 188, 25) == ink);
    /* Translucent: blended once over the background everywhere, no seams between its parts. */
    Uint32 half = pixel_at(s, 60, 95);
    CHECK(channel_gap(half, 0xFF7A7975) <= 2);
    CHECK(pixel_at(s, 11 + 8, 81) == half && pixel_at(s, 60, 80) == half && pixel_at(s, 10, 95) == half);
    SDL_FreeSurface(s);
}

TEST(frames_text_is_painted_as_the_text_engine_draws_it)
{
    /* The painter keeps only the ink of a line as a texture: it must land where the whole
     * line would have, to the pixel. */
    static view_list l;
    memset(&l, 0, sizeof l);
    l.width = 400;
    l.height = 120;
    l.background = (SDL_Color){255, 255, 255, 255};
    text_style style = {28, false, TEXT_DIR_RTL, TEXT_ALIGN_START, 6};
    const char *words = "اتصلوا على 0631 7105-0 في Kaiserslautern";
    const text_layout *layout = text_layout_cached(test_fonts(), words, NULL, 0, &style, 380);
    CHECK(layout != NULL && layout->line_count >= 2);
    if (!layout)
        return;
    SDL_Color ink = {0x1B, 0x1B, 0x1B, 0xFF};
    l.cmds[l.count++] = (view_cmd){.kind = VIEW_TEXT, .rect = {10, 7, 380, layout->height}, .layout = layout,
                                   .text = words, .color = ink};
    SDL_Surface *painted = paint(&l);
    SDL_Surface *expected = SDL_CreateRGBSurfaceWithFormat(0, 400, 120, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!painted || !expected)
        return;
    SDL_FillRect(expected, NULL, 0xFFFFFFFF);
    for (int i = 0; i < layout->line_count; i++) {
        SDL_Surface *line = text_line_render(test_fonts(), layout, i, ink, NULL);
        CHECK(line != NULL);
        if (!line)
            continue;
        SDL_SetSurfaceBlendMode(line, SDL_BLENDMODE_BLEND);
        SDL_BlitSurface(line, NULL, expected, &(SDL_Rect){10, 7 + i * layout->line_height, line->w, line->h});
        SDL_FreeSurface(line);
    }
    int differ = 0, inked = 0;
    for (int y = 0; y < 120; y++)
        for (int x = 0; x < 400; x++) {
            differ += channel_gap(pixel_at(painted, x, y), pixel_at(expected, x, y)) > 2;
            inked += pixel_at(expected, x, y) != 0xFFFFFFFF;
        }
    CHECK(inked > 500);
    CHECK_INT(differ, 0);
    SDL_FreeSurface(painted);
    SDL_FreeSurface(expected);
}

TEST(frames_a_paragraph_with_marks_is_laid_out_once)
{
    /* Two calls with equal marks must find one layout, whatever the bytes between a mark's
     * fields hold (a struct's padding is not its value): a miss lays the paragraph out again
     * on every frame. */
    text_mark a[2], b[2];
    memset(a, 0x00, sizeof a);
    memset(b, 0xA5, sizeof b);
    for (int i = 0; i < 2; i++) {
        a[i].start = b[i].start = i * 6;
        a[i].end = b[i].end = i * 6 + 5;
        a[i].bold = b[i].bold = i == 0;
        a[i].link = b[i].link = i;
    }
    text_style style = {24, false, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    const text_layout *first = text_layout_cached(test_fonts(), "Bitte Termin vereinbaren", a, 2, &style, 300);
    const text_layout *again = text_layout_cached(test_fonts(), "Bitte Termin vereinbaren", b, 2, &style, 300);
    CHECK(first != NULL);
    CHECK(first == again);
}

TEST(frames_the_painter_keeps_a_bounded_number_of_bytes)
{
    /* A long visit draws hundreds of different lines: the textures kept stay within 8 MiB. */
    static view_list l;
    memset(&l, 0, sizeof l);
    l.width = 1280;
    l.height = 800;
    l.background = (SDL_Color){255, 255, 255, 255};
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, l.width, l.height, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Renderer *r = s ? SDL_CreateSoftwareRenderer(s) : NULL;
    CHECK(r != NULL);
    if (!r)
        return;
    platform_painter *p = platform_painter_new(r, test_fonts());
    text_style style = {40, true, TEXT_DIR_LTR, TEXT_ALIGN_START, 0};
    size_t most = 0;
    for (int screen = 0; screen < 60; screen++) {
        l.count = 0;
        for (int row = 0; row < 12; row++) {
            char words[160];
            snprintf(words, sizeof words, "Screen %d, row %d: Integrationskurs und Berufssprachkurs", screen, row);
            const text_layout *layout = text_layout_cached(test_fonts(), words, NULL, 0, &style, 1260);
            if (layout)
                l.cmds[l.count++] = (view_cmd){.kind = VIEW_TEXT, .rect = {10, row * 64, 1260, layout->height},
                                               .layout = layout, .text = "", .color = {0, 0, 0, 255}};
        }
        platform_paint(p, &l);
        size_t now = platform_painter_bytes(p);
        most = now > most ? now : most;
    }
    CHECK(most > 4u << 20); /* the lines were kept (60 screens of 12 lines need about 15 MiB) */
    CHECK(most <= 8u << 20);
    platform_painter_free(p);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(s);
}
