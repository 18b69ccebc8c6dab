/* Every button is at least 9 mm wide and high on the glass (issue #5), lies on the screen and
 * overlaps no other: on every screen, in every language, at every listed size, on screens from
 * 7 inches up (the densest each size comes in) to a 24-inch monitor. */
#include "screen_walk.h"
#include "test.h"

typedef struct touch_check {
    const char *lang;
    int failures;
} touch_check;

typedef struct area {
    int x0, y0, x1, y1;
} area;

/* The part of a button a finger can reach: its hit area, within its clip and the screen. */
static area reachable(const view_cmd *c, int width, int height)
{
    area a = {c->hit.x, c->hit.y, c->hit.x + c->hit.w, c->hit.y + c->hit.h};
    if (c->clip.w) {
        a.y0 = a.y0 > c->clip.y ? a.y0 : c->clip.y;
        a.y1 = a.y1 < c->clip.y + c->clip.h ? a.y1 : c->clip.y + c->clip.h;
    }
    a.x0 = a.x0 > 0 ? a.x0 : 0;
    a.y0 = a.y0 > 0 ? a.y0 : 0;
    a.x1 = a.x1 < width ? a.x1 : width;
    a.y1 = a.y1 < height ? a.y1 : height;
    return a;
}

static void fail(touch_check *t, const session *s, const char *what, const view_cmd *c, const char *problem)
{
    if (t->failures++ >= 20)
        return; /* the first ones say enough */
    char msg[700];
    snprintf(msg, sizeof msg, "%dx%d at %d dpi, %s, %s: button (event %d '%s') at %d,%d %dx%d %s", s->width, s->height,
             session_dpi(s), t->lang, what, c->tap.type, c->tap.arg, c->hit.x, c->hit.y, c->hit.w, c->hit.h, problem);
    test_fail(__FILE__, __LINE__, msg);
}

static void check_screen(session *s, const char *what, void *user)
{
    touch_check *t = user;
    const view_list *l = session_display(s);
    int dpi = session_dpi(s), buttons = 0;
    /* An overlay takes every tap with a shade over the whole screen: what lies under it cannot
     * be touched, only the shade and the overlay's own buttons above it. */
    int top_shade = -1;
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].button && l->cmds[i].hit.w >= s->width && l->cmds[i].hit.h >= s->height)
            top_shade = i;
    bool shaded = top_shade >= 0;
    for (int i = top_shade > 0 ? top_shade : 0; i < l->count; i++) {
        const view_cmd *c = &l->cmds[i];
        if (!c->button)
            continue;
        buttons++;
        /* mm = px * 25.4 / dpi; in whole numbers: px * 254 >= 90 * dpi. */
        if (c->hit.w * 254 < 90 * dpi || c->hit.h * 254 < 90 * dpi)
            fail(t, s, what, c, "is smaller than 9 mm");
        /* A button never hangs off the side; content that scrolls may be cut at its area's
         * edge, everything else lies on the screen whole. */
        if (c->hit.x < 0 || c->hit.x + c->hit.w > s->width ||
            (!c->clip.w && (c->hit.y < 0 || c->hit.y + c->hit.h > s->height)))
            fail(t, s, what, c, "is not on the screen");
        bool shade = c->hit.w >= s->width && c->hit.h >= s->height; /* a tap anywhere, beneath the rest */
        area a = reachable(c, s->width, s->height);
        /* A tap near the edge of the hit area, outside a small chip's face, still reaches it. */
        int tx = a.x0 + 1, ty = a.y0 + 1;
        if ((!shaded || i > top_shade) && a.x0 < a.x1 && a.y0 < a.y1 && view_hit(l, tx, ty) != c)
            fail(t, s, what, c, "does not get a tap at the corner of its hit area");
        for (int j = i + 1; j < l->count && !shade; j++) {
            const view_cmd *d = &l->cmds[j];
            if (!d->button || (d->hit.w >= s->width && d->hit.h >= s->height))
                continue;
            area b = reachable(d, s->width, s->height);
            if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 && a.x0 < a.x1 && a.y0 < a.y1 &&
                b.x0 < b.x1 && b.y0 < b.y1) {
                char problem[200];
                snprintf(problem, sizeof problem, "overlaps the button (event %d '%s') at %d,%d %dx%d", d->tap.type,
                         d->tap.arg, d->hit.x, d->hit.y, d->hit.w, d->hit.h);
                fail(t, s, what, c, problem);
            }
        }
    }
    if (buttons == 0)
        fail(t, s, what, &(view_cmd){0}, "has no buttons at all");
}

TEST(touch_every_button_at_least_9mm)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    /* 7" is the smallest kiosk screen (133 dpi at 800x480, 315 at 1920x1080); 24" a monitor. */
    static const double inches[] = {7, 10.1, 15.6, 24};
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    touch_check t = {0};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
        for (size_t d = 0; d < sizeof inches / sizeof inches[0]; d++)
            for (int i = 0; i < 6; i++) {
                session s;
                CHECK(session_init(&s, p, test_fonts(), sizes[z][0], sizes[z][1], 90000, &e));
                s.screen_inches = inches[d];
                t.lang = langs[i];
                walk_screens(&s, langs[i], check_screen, &t);
                session_free(&s);
            }
    if (t.failures > 20) {
        char msg[100];
        snprintf(msg, sizeof msg, "%d more", t.failures - 20);
        test_fail(__FILE__, __LINE__, msg);
    }
    pack_close(p);
}

/* The density follows from the diagonal and the pixel size; a dpi given is taken as it is. */
TEST(touch_density_from_the_diagonal)
{
    err e;
    session s;
    CHECK(session_init(&s, NULL, test_fonts(), 800, 480, 90000, &e));
    CHECK_INT(session_dpi(&s), VIEW_DPI_DEFAULT);
    s.screen_inches = 7;
    CHECK_INT(session_dpi(&s), 134); /* 932.95 px / 7 in = 133.3, rounded up */
    session_resize(&s, 1920, 1080);
    s.screen_inches = 21.5;
    CHECK_INT(session_dpi(&s), 103);
    s.screen_inches = 0;
    s.dpi = 220;
    CHECK_INT(session_dpi(&s), 220);
    CHECK_INT(view_touch_px(133), 48); /* 9 mm = 47.1 px */
    CHECK_INT(view_touch_px(254), 90);
    session_free(&s);
}
