/* Every word the kiosk draws keeps a contrast of at least 7:1 (WCAG AAA) against what is
 * beneath it, on every screen, in every language. */
#include <math.h>

#include "screen_walk.h"
#include "test.h"

static double channel(Uint8 v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(SDL_Color c) { return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b); }

static double contrast(SDL_Color a, SDL_Color b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/* The opaque rectangle drawn last under the middle of a text, or the screen's background. */
static SDL_Color beneath(const view_list *l, int index)
{
    const view_rect *t = &l->cmds[index].rect;
    int x = t->x + t->w / 2, y = t->y + t->h / 2;
    for (int i = index - 1; i >= 0; i--) {
        const view_cmd *c = &l->cmds[i];
        if (c->kind == VIEW_RECT && c->color.a == 255 && x >= c->rect.x && x < c->rect.x + c->rect.w &&
            y >= c->rect.y && y < c->rect.y + c->rect.h)
            return c->color;
    }
    return l->background;
}

static void check_screen(session *s, const char *what, void *user)
{
    const char *lang = user;
    const view_list *l = session_display(s);
    for (int i = 0; i < l->count; i++) {
        const view_cmd *c = &l->cmds[i];
        if (c->kind != VIEW_TEXT && c->kind != VIEW_ICON)
            continue;
        double ratio = contrast(c->color, beneath(l, i));
        if (ratio < 7.0) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s, %s: '%s' has contrast %.2f:1", lang, what, c->text ? c->text : "(icon)",
                     ratio);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
}

TEST(contrast_every_text_at_least_7_to_1)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    for (int i = 0; i < 6; i++) {
        session s;
        CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
        walk_screens(&s, langs[i], check_screen, (void *)langs[i]);
        session_free(&s);
    }
    pack_close(p);
}
