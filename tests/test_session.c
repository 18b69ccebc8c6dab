/* Whole visits, driven as a person would: taps on what the display list shows. */
#include <limits.h>
#include <stdlib.h>

#include "session.h"
#include "test.h"
#include "version.h"

static pack *demo(void)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    return p;
}

static void run(session *s, const char *line)
{
    err e;
    if (!session_script_line(s, line, NULL, NULL, &e)) {
        char msg[700];
        snprintf(msg, sizeof msg, "script line '%s': %s", line, e.msg);
        test_fail(__FILE__, __LINE__, msg);
    }
}

static const char *state(session *s)
{
    static char out[256];
    session_display(s);
    session_describe(s, out, sizeof out);
    return out;
}

static const view_cmd *button(session *s, app_event_type action, const char *arg)
{
    const view_list *l = session_display(s);
    for (int i = l->count - 1; i >= 0; i--)
        if (l->cmds[i].button && l->cmds[i].tap.type == action && (!arg || !strcmp(l->cmds[i].tap.arg, arg)))
            return &l->cmds[i];
    return NULL;
}

static void tap_button(session *s, app_event_type action, const char *arg)
{
    const view_cmd *b = button(s, action, arg);
    CHECK(b != NULL);
    if (b)
        session_tap(s, b->rect.x + b->rect.w / 2, b->rect.y + b->rect.h / 2);
}

TEST(session_picker_home_topic_back_idle)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    /* Every language is offered by its own name. */
    const char *names[] = {"Deutsch", "العربية", "دری", "ትግርኛ", "English", "Українська"};
    for (int i = 0; i < 6; i++)
        CHECK(view_find_text(session_display(&s), names[i]) != NULL);

    run(&s, "tap-text العربية");
    CHECK_STR(state(&s), "screen=home page= lang=ar scroll=0");
    /* The home screen shows the topics in Arabic. */
    char title[256];
    pack_title_get(p, "100", "ar", title, sizeof title);
    CHECK(title[0] != 0);
    CHECK(view_find_text(session_display(&s), title) != NULL);

    tap_button(&s, APP_EV_OPEN, "100");
    CHECK_STR(state(&s), "screen=page page=100 lang=ar scroll=0");
    const view_cmd *child = button(&s, APP_EV_OPEN, "110");
    CHECK(child != NULL);
    tap_button(&s, APP_EV_OPEN, "110");
    CHECK_STR(state(&s), "screen=page page=110 lang=ar scroll=0");
    run(&s, "key back");
    CHECK_STR(state(&s), "screen=page page=100 lang=ar scroll=0");
    tap_button(&s, APP_EV_HOME, NULL);
    CHECK_STR(state(&s), "screen=home page= lang=ar scroll=0");
    tap_button(&s, APP_EV_OPEN, "100");
    tap_button(&s, APP_EV_BACK, NULL);
    CHECK_STR(state(&s), "screen=home page= lang=ar scroll=0");

    /* Walking away: nothing happens before the idle time, everything is forgotten after. */
    run(&s, "wait 89999");
    CHECK_STR(state(&s), "screen=home page= lang=ar scroll=0");
    run(&s, "wait 1");
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    session_free(&s);
    pack_close(p);
}

TEST(session_taps_keep_the_idle_timer_alive)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    run(&s, "tap-text Deutsch");
    for (int i = 0; i < 5; i++) {
        run(&s, "wait 60000");
        run(&s, "tap 400 10");
    }
    CHECK_STR(state(&s), "screen=home page= lang=de scroll=0");
    session_free(&s);
    pack_close(p);
}

TEST(session_layout_mirrors_for_rtl)
{
    pack *p = demo();
    const char *langs[] = {"de", "ar", "prs", "ti"};
    for (int i = 0; i < 4; i++) {
        session s;
        err e;
        CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
        app_event ev = {.type = APP_EV_LANGUAGE};
        snprintf(ev.arg, sizeof ev.arg, "%s", langs[i]);
        app_handle(&s.app, &ev);
        app_event open = {.type = APP_EV_OPEN, .arg = "100"};
        app_handle(&s.app, &open);
        bool rtl = pack_language_find(p, langs[i])->rtl;
        const view_cmd *back = button(&s, APP_EV_BACK, NULL);
        CHECK(back != NULL);
        if (back)
            CHECK(rtl ? back->rect.x > 640 : back->rect.x < 640);
        /* The first tile of the home screen sits at the start edge. */
        app_handle(&s.app, &(app_event){.type = APP_EV_HOME});
        const view_list *l = session_display(&s);
        const view_cmd *first = NULL, *second = NULL;
        for (int k = 0; k < l->count; k++)
            if (l->cmds[k].button && l->cmds[k].tap.type == APP_EV_OPEN && !first)
                first = &l->cmds[k];
            else if (l->cmds[k].button && l->cmds[k].tap.type == APP_EV_OPEN && !second)
                second = &l->cmds[k];
        CHECK(first && second);
        if (first && second)
            CHECK(rtl ? first->rect.x > second->rect.x : first->rect.x < second->rect.x);
        session_free(&s);
    }
    pack_close(p);
}

TEST(session_scrolls_long_pages_by_drag)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    run(&s, "tap-text Deutsch");
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "310"});
    session_display(&s);
    int max = app_current(&s.app)->scroll_max;
    CHECK(max > 0);
    run(&s, "swipe 400 380 400 180");
    int scrolled = app_current(&s.app)->scroll;
    CHECK(scrolled > 150 || scrolled == max);
    CHECK_STR(app_current(&s.app)->page, "310");
    /* Dragging far past the end stops at the end. */
    for (int i = 0; i < 20; i++)
        run(&s, "swipe 400 400 400 100");
    CHECK_INT(app_current(&s.app)->scroll, max);
    /* A tap that moves a little is still a tap. */
    const view_cmd *back = button(&s, APP_EV_BACK, NULL);
    CHECK(back != NULL);
    if (back) {
        session_press(&s, back->rect.x + 10, back->rect.y + 10);
        session_move(&s, back->rect.x + 14, back->rect.y + 13);
        session_release(&s, back->rect.x + 14, back->rect.y + 13);
    }
    CHECK(app_current(&s.app)->screen != APP_SCREEN_PAGE || strcmp(app_current(&s.app)->page, "310"));
    session_free(&s);
    pack_close(p);
}

TEST(session_missing_translation_offers_other_languages)
{
    /* The small test region has page 11 only in German. */
    char src[600], out[600];
    snprintf(src, sizeof src, "%s/missing", test_tmpdir());
    snprintf(out, sizeof out, "%s/missing.pack", test_tmpdir());
    char cmd[1400];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/pages/a %s/pages/b && cd %s && "
             "printf 'name: T\\nregion: t\\nversion: 1\\nlanguage: de | Deutsch | ltr | Latn | latn\\n"
             "language: ar | العربية | rtl | Arab | arab\\n' > region.txt && "
             "printf 'code: 1\\nkind: topic\\n' > pages/a/page.txt && "
             "printf 'title: A\\n\\n' > pages/a/de.txt && printf 'title: أ\\n\\n' > pages/a/ar.txt && "
             "printf 'code: 2\\nparent: 1\\n' > pages/b/page.txt && printf 'title: B\\n\\nNur Deutsch.\\n' > pages/b/de.txt",
             src, src, src);
    CHECK(system(cmd) == 0);
    err e;
    CHECK(pack_build(src, out, &e));
    pack *p = pack_open(out, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    session s;
    CHECK(session_init(&s, p, test_fonts(), 720, 1280, 90000, &e));
    run(&s, "tap-text العربية");
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "2"});
    const view_list *l = session_display(&s);
    int texts = 0;
    for (int i = 0; i < l->count; i++)
        texts += l->cmds[i].kind == VIEW_TEXT;
    CHECK(texts >= 3);
    CHECK(button(&s, APP_EV_LANGUAGE, "de") != NULL);
    tap_button(&s, APP_EV_LANGUAGE, "de");
    CHECK_STR(state(&s), "screen=page page=2 lang=de scroll=0");
    CHECK(view_find_text(session_display(&s), "Nur Deutsch.") != NULL);
    session_free(&s);
    pack_close(p);
}

TEST(session_without_pack_says_so)
{
    session s;
    err e;
    CHECK(session_init(&s, NULL, test_fonts(), 800, 480, 90000, &e));
    const view_list *l = session_display(&s);
    bool said = false;
    for (int i = 0; i < l->count; i++)
        said |= l->cmds[i].kind == VIEW_TEXT && strstr(l->cmds[i].text, "could not load") != NULL;
    CHECK(said);
    run(&s, "tap 400 240");
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    session_free(&s);
}

TEST(session_script_rejects_nonsense)
{
    session s;
    err e;
    CHECK(session_init(&s, NULL, test_fonts(), 800, 480, 90000, &e));
    CHECK(!session_script_line(&s, "dance 1 2", NULL, NULL, &e));
    CHECK(strstr(e.msg, "unknown script verb") != NULL);
    CHECK(!session_script_line(&s, "tap x", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "screenshot a.png", NULL, NULL, &e));
    CHECK(session_script_line(&s, "# a comment", NULL, NULL, &e));
    session_free(&s);
}

TEST(view_plain_text_keeps_words_and_isolates_numbers)
{
    char out[512];
    view_plain_text("Rufen Sie **sofort** [112](tel:112) an, siehe [Seite](page:800).", out, sizeof out);
    CHECK_STR(out, "Rufen Sie sofort \xE2\x81\xA6" "112\xE2\x81\xA9 an, siehe Seite.");
    view_plain_text("DRK [Kreisverband e. V.](ltr) هنا", out, sizeof out);
    CHECK_STR(out, "DRK \xE2\x81\xA6Kreisverband e. V.\xE2\x81\xA9 هنا");
    view_plain_text("kein [Link ohne Ziel", out, sizeof out);
    CHECK_STR(out, "kein [Link ohne Ziel");
}

TEST(view_page_links_are_chips_that_open_pages)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    run(&s, "tap-text English");
    /* Page 320 (applying at the Jobcenter) links to other pages in its text. */
    pack_text t;
    const char *with_link = NULL;
    static const char *const candidates[] = {"320", "310", "220", "610", "100", "200", "300", "400"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && !with_link; i++)
        if (pack_text_get(p, candidates[i], "en", &t, &e)) {
            if (strstr(t.body, "](page:"))
                with_link = candidates[i];
            pack_text_free(&t);
        }
    CHECK(with_link != NULL);
    if (!with_link)
        return;
    app_event ev = {.type = APP_EV_OPEN};
    snprintf(ev.arg, sizeof ev.arg, "%s", with_link);
    app_handle(&s.app, &ev);
    const view_list *l = session_display(&s);
    const view_cmd *chip = NULL;
    for (int i = 0; i < l->count && !chip; i++)
        if (l->cmds[i].kind == VIEW_RECT && l->cmds[i].button && l->cmds[i].tap.type == APP_EV_OPEN && l->cmds[i].rect.h < 100)
            chip = &l->cmds[i];
    if (!chip) {
        /* The link may be further down: scroll to the end and look again. */
        app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = 100000});
        l = session_display(&s);
        for (int i = 0; i < l->count && !chip; i++)
            if (l->cmds[i].kind == VIEW_RECT && l->cmds[i].button && l->cmds[i].tap.type == APP_EV_OPEN && l->cmds[i].rect.h < 100)
                chip = &l->cmds[i];
    }
    CHECK(chip != NULL);
    if (chip) {
        char target[PACK_CODE_MAX];
        snprintf(target, sizeof target, "%s", chip->tap.arg);
        CHECK(pack_page_find(p, target) != NULL);
        session_tap(&s, chip->rect.x + chip->rect.w / 2, chip->rect.y + chip->rect.h / 2);
        CHECK_STR(app_current(&s.app)->page, target);
    }
    session_free(&s);
    pack_close(p);
}

TEST(session_keypad_goes_to_a_code)
{
    pack *p = demo();
    session *s = test_visit(p, "prs", 800, 480);
    tap_button(s, APP_EV_KEYPAD, NULL);
    CHECK_STR(state(s), "screen=keypad page= lang=prs scroll=0");
    /* Dari shows Persian digits on the keys; what is typed is the code. */
    CHECK(view_find_text(session_display(s), "۳") != NULL);
    tap_button(s, APP_EV_TYPE, "9");
    tap_button(s, APP_EV_TYPE, "9");
    tap_button(s, APP_EV_ENTER, NULL);
    CHECK(s->app.no_such_page);
    const view_list *l = session_display(s);
    bool told = false;
    for (int i = 0; i < l->count; i++)
        told |= l->cmds[i].kind == VIEW_TEXT && l->cmds[i].color.r > 0x80 && l->cmds[i].color.g < 0x20;
    CHECK(told);
    tap_button(s, APP_EV_ERASE, NULL);
    tap_button(s, APP_EV_ERASE, NULL);
    tap_button(s, APP_EV_TYPE, "3");
    tap_button(s, APP_EV_TYPE, "1");
    tap_button(s, APP_EV_TYPE, "0");
    CHECK(view_find_text(session_display(s), "۳۱۰") != NULL);
    tap_button(s, APP_EV_ENTER, NULL);
    CHECK_STR(state(s), "screen=page page=310 lang=prs scroll=0");
    /* Back leaves the page to where the keypad was opened from, not to the keypad. */
    run(s, "key back");
    CHECK_STR(state(s), "screen=home page= lang=prs scroll=0");
    session_free(s);
    pack_close(p);
}

TEST(session_changing_language_keeps_the_page)
{
    pack *p = demo();
    session *s = test_visit(p, "de", 1280, 800);
    app_handle(&s->app, &(app_event){.type = APP_EV_OPEN, .arg = "320"});
    tap_button(s, APP_EV_PICK_LANGUAGE, NULL);
    CHECK_STR(state(s), "screen=language page= lang=de scroll=0");
    run(s, "tap-text ትግርኛ");
    CHECK_STR(state(s), "screen=page page=320 lang=ti scroll=0");
    char title[256];
    pack_title_get(p, "320", "ti", title, sizeof title);
    CHECK(view_find_text(session_display(s), title) != NULL);
    session_free(s);
    pack_close(p);
}

TEST(session_german_beside_the_visitors_language)
{
    pack *p = demo();
    const int sizes[][2] = {{1280, 800}, {720, 1280}};
    for (int z = 0; z < 2; z++) {
        session *s = test_visit(p, "ar", sizes[z][0], sizes[z][1]);
        app_handle(&s->app, &(app_event){.type = APP_EV_OPEN, .arg = "110"});
        char german[256], arabic[256];
        pack_title_get(p, "110", "de", german, sizeof german);
        pack_title_get(p, "110", "ar", arabic, sizeof arabic);
        CHECK(view_find_text(session_display(s), german) == NULL);
        tap_button(s, APP_EV_TOGGLE_GERMAN, NULL);
        CHECK(s->app.show_german);
        const view_cmd *g = view_find_text(session_display(s), german);
        if (!g && z == 1) { /* in portrait the German text is under the visitor's: scroll to it */
            for (int k = 0; k < 40 && !g; k++) {
                app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = 100});
                g = view_find_text(session_display(s), german);
            }
        }
        CHECK(g != NULL);
        if (g && z == 0)
            CHECK(g->rect.x + g->rect.w <= 640 + 2); /* Arabic reads from the right: German on the left */
        if (g && z == 1)
            CHECK(s->app.stack[s->app.depth - 1].scroll > 0);
        /* The choice lasts while the visit goes on, across pages. */
        run(s, "key back");
        CHECK(s->app.show_german);
        session_free(s);
    }
    pack_close(p);
}

TEST(session_still_there_countdown)
{
    pack *p = demo();
    session *s = test_visit(p, "uk", 800, 480);
    run(s, "wait 74000");
    CHECK_INT(app_countdown(&s->app), 0);
    run(s, "wait 2000");
    CHECK_INT(app_countdown(&s->app), 14);
    const view_cmd *shade = button(s, APP_EV_TOUCH, NULL);
    CHECK(shade != NULL && shade->rect.w == 800 && shade->rect.h == 480);
    CHECK(view_find_text(session_display(s), "14") != NULL);
    /* A touch anywhere keeps the visit, without doing what is under the shade. */
    run(s, "tap 400 240");
    CHECK_INT(app_countdown(&s->app), 0);
    CHECK_STR(state(s), "screen=home page= lang=uk scroll=0");
    run(s, "wait 89000");
    CHECK_STR(state(s), "screen=home page= lang=uk scroll=0");
    run(s, "wait 1000");
    CHECK_STR(state(s), "screen=language page= lang= scroll=0");
    CHECK(!s->app.show_german && !s->app.large_text && !s->app.typed[0]);
    session_free(s);
    pack_close(p);
}

TEST(session_search_with_the_scripts_keyboard)
{
    pack *p = demo();
    /* Arabic: type the first letters of a page title with the on-screen keys. */
    session *s = test_visit(p, "ar", 1280, 800);
    tap_button(s, APP_EV_SEARCH, NULL);
    CHECK_STR(state(s), "screen=search page= lang=ar scroll=0");
    CHECK(button(s, APP_EV_TYPE, "ض") != NULL);
    char title[256];
    pack_title_get(p, "710", "ar", title, sizeof title);
    /* The first word of the title, letter by letter, as keys (أ is typed as ا). */
    const char *q = title;
    int typed = 0;
    while (*q && *q != ' ' && typed < 4) {
        const char *start = q;
        uint32_t cp = utf8_next(&q);
        char key[8];
        snprintf(key, sizeof key, "%.*s", (int)(q - start), start);
        if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622)
            snprintf(key, sizeof key, "ا");
        if (button(s, APP_EV_TYPE, key)) {
            tap_button(s, APP_EV_TYPE, key);
            typed++;
        }
    }
    CHECK(typed >= 2);
    char codes[20][PACK_CODE_MAX];
    int found_n = pack_search(p, "ar", s->app.typed, codes, 20);
    bool has = false;
    for (int i = 0; i < found_n; i++)
        has |= !strcmp(codes[i], "710");
    CHECK(has);
    CHECK(found_n > 0 && button(s, APP_EV_OPEN, codes[0]) != NULL);
    session_free(s);

    /* Tigrinya: a consonant first, then its vowel form. */
    s = test_visit(p, "ti", 1280, 800);
    tap_button(s, APP_EV_SEARCH, NULL);
    const view_list *l = session_display(s);
    const view_cmd *consonant = NULL;
    for (int i = 0; i < l->count && !consonant; i++)
        if (l->cmds[i].button && l->cmds[i].tap.type == APP_EV_FIDEL && l->cmds[i].tap.value == 0x1208)
            consonant = &l->cmds[i];
    CHECK(consonant != NULL);
    if (consonant)
        session_tap(s, consonant->rect.x + consonant->rect.w / 2, consonant->rect.y + consonant->rect.h / 2);
    CHECK(button(s, APP_EV_TYPE, "ሉ") != NULL);
    tap_button(s, APP_EV_TYPE, "ሉ");
    CHECK_STR(s->app.typed, "ሉ");
    CHECK(button(s, APP_EV_FIDEL, NULL) != NULL || s->app.fidel_base == 0);
    session_free(s);

    /* German: umlauts on the keyboard; spelled without them, search still finds. */
    s = test_visit(p, "de", 800, 480);
    tap_button(s, APP_EV_SEARCH, NULL);
    CHECK(button(s, APP_EV_TYPE, "ü") != NULL);
    app_event ev = {.type = APP_EV_TYPE, .arg = "fluechtl"};
    app_handle(&s->app, &ev);
    const view_list *found = session_display(s);
    int rows = 0;
    for (int i = 0; i < found->count; i++)
        rows += found->cmds[i].button && found->cmds[i].tap.type == APP_EV_OPEN;
    CHECK(rows >= 2); /* the emergency button and at least one page */
    session_free(s);
    pack_close(p);
}

TEST(session_buttons_look_pressed_under_the_finger)
{
    pack *p = demo();
    session *s = test_visit(p, "de", 1280, 800);
    const view_cmd *tile = button(s, APP_EV_OPEN, "100");
    CHECK(tile != NULL);
    if (!tile)
        return;
    SDL_Color before = tile->color;
    int x = tile->rect.x + 20, y = tile->rect.y + 20;
    session_press(s, x, y);
    tile = button(s, APP_EV_OPEN, "100");
    CHECK(tile && tile->color.r < before.r);
    /* Moving away turns the press into a drag: nothing opens, nothing stays pressed. */
    session_move(s, x, y + 200);
    session_release(s, x, y + 200);
    tile = button(s, APP_EV_OPEN, "100");
    CHECK(tile && tile->color.r == before.r);
    CHECK_STR(state(s), "screen=home page= lang=de scroll=0");
    /* A double tap opens once and then taps what is under it: no harm either way. */
    run(s, "tap 100 300");
    session_free(s);
    pack_close(p);
}

TEST(session_large_text_makes_text_larger)
{
    pack *p = demo();
    session *s = test_visit(p, "en", 800, 480);
    app_handle(&s->app, &(app_event){.type = APP_EV_OPEN, .arg = "110"});
    const view_list *l = session_display(s);
    int before = 0, after = 0;
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_TEXT && l->cmds[i].layout->style.size_px > before)
            before = l->cmds[i].layout->style.size_px;
    tap_button(s, APP_EV_TOGGLE_LARGE, NULL);
    l = session_display(s);
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_TEXT && l->cmds[i].clip.w && l->cmds[i].layout->style.size_px > after)
            after = l->cmds[i].layout->style.size_px;
    CHECK(after > before);
    session_free(s);
    pack_close(p);
}

TEST(session_fling_glides_on_and_stops)
{
    pack *p = demo();
    session *s = test_visit(p, "de", 800, 480);
    app_handle(&s->app, &(app_event){.type = APP_EV_OPEN, .arg = "310"});
    session_display(s);
    int max = app_current(&s->app)->scroll_max;
    CHECK(max > 200);
    /* A quick flick: 120 px in 60 ms, then the finger lifts. */
    session_press(s, 400, 350);
    for (int i = 1; i <= 6; i++) {
        session_advance(s, 10);
        session_move(s, 400, 350 - i * 20);
    }
    session_release(s, 400, 230);
    int after_drag = app_current(&s->app)->scroll;
    CHECK(session_animating(s));
    session_advance(s, 200);
    session_display(s);
    int later = app_current(&s->app)->scroll;
    CHECK(later > after_drag);
    session_advance(s, 5000);
    session_display(s);
    CHECK(!session_animating(s));
    /* A slow drag that rests before lifting does not fling. */
    app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = -100000});
    session_press(s, 400, 350);
    session_advance(s, 50);
    session_move(s, 400, 300);
    session_advance(s, 500);
    session_release(s, 400, 300);
    CHECK(!session_animating(s));
    session_free(s);
    pack_close(p);
}

static bool shows_text_containing(session *s, const char *words)
{
    const view_list *l = session_display(s);
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_TEXT && l->cmds[i].text && strstr(l->cmds[i].text, words))
            return true;
    return false;
}

TEST(session_help_page_leads_to_the_about_page)
{
    pack *p = demo();
    const pack_meta *m = pack_get_meta(p);
    CHECK(m->source[0] != 0);
    session *s = test_visit(p, "ti", 720, 1280);
    const pack_page *help = pack_page_of_kind(p, "help");
    CHECK(help != NULL);
    tap_button(s, APP_EV_OPEN, help ? help->code : "");
    /* The about row is at the end of the help page: scroll there as a finger would. */
    for (int i = 0; i < 40 && !button(s, APP_EV_ABOUT, NULL); i++)
        run(s, "swipe 360 900 360 300");
    tap_button(s, APP_EV_ABOUT, NULL);
    CHECK_STR(state(s), "screen=about page= lang=ti scroll=0");
    CHECK(shows_text_containing(s, m->source));
    CHECK(shows_text_containing(s, m->publisher));
    CHECK(shows_text_containing(s, m->version));
    CHECK(shows_text_containing(s, "Wegweiser " WW_VERSION));
    CHECK(shows_text_containing(s, "ትግርኛ"));
    run(s, "key back");
    CHECK(strstr(state(s), "screen=page") != NULL);
    /* The about page is part of the visit: idle forgets it like any page. */
    run(s, "key about");
    session_advance(s, 91000);
    CHECK_STR(state(s), "screen=language page= lang= scroll=0");
    session_free(s);
    pack_close(p);
}

TEST(session_search_keyboard_can_be_put_away)
{
    pack *p = demo();
    session *s = test_visit(p, "ar", 800, 480);
    run(s, "key search");
    run(s, "type ال");
    int rows_without = 0;
    const view_list *l = session_display(s);
    int area_with_keys = l->scroll_area.h;
    CHECK(button(s, APP_EV_TYPE, NULL) != NULL);
    tap_button(s, APP_EV_KEYBOARD, NULL);
    CHECK(s->app.keyboard_hidden);
    CHECK(button(s, APP_EV_TYPE, NULL) == NULL);
    l = session_display(s);
    for (int i = 0; i < l->count; i++)
        rows_without += l->cmds[i].button && l->cmds[i].tap.type == APP_EV_OPEN && l->cmds[i].clip.w;
    /* The pages found take the keyboard's room. */
    CHECK(l->scroll_area.h > area_with_keys * 3 / 2);
    CHECK(rows_without >= 3);
    CHECK_STR(s->app.typed, "ال");
    /* A tap on the search box brings the keyboard back, with the words still there. */
    tap_button(s, APP_EV_KEYBOARD, NULL);
    CHECK(!s->app.keyboard_hidden);
    CHECK(button(s, APP_EV_TYPE, NULL) != NULL);
    CHECK_STR(s->app.typed, "ال");
    /* Search opened anew starts with the keyboard out. */
    tap_button(s, APP_EV_KEYBOARD, NULL);
    run(s, "key keypad");
    run(s, "key search");
    CHECK(!s->app.keyboard_hidden);
    session_free(s);
    pack_close(p);
}

/* The first keyboard key's top: where the pages found must end to be seen. */
static int keys_top(const view_list *l)
{
    int top = l->height;
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].button && (l->cmds[i].tap.type == APP_EV_TYPE || l->cmds[i].tap.type == APP_EV_FIDEL) &&
            l->cmds[i].rect.y < top)
            top = l->cmds[i].rect.y;
    return top;
}

static bool within(view_rect inner, view_rect outer)
{
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w &&
           inner.y + inner.h <= outer.y + outer.h;
}

/* Issue 19: with the keyboard up, a visitor sees what the words found: at least three pages,
 * each row whole above the keys, a fingertip high, with its title inside it, in every language
 * and on every supported screen. */
TEST(session_search_shows_three_pages_found_above_the_keys_on_every_screen)
{
    static const struct {
        const char *lang, *words;
    } searches[] = {{"ar", "الط"}, {"prs", "داک"}, {"ti", "ሓ"}, {"de", "arzt"}, {"en", "doc"}, {"uk", "мов"}};
    static const int sizes[][2] = {{800, 480}, {1280, 800}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    pack *p = demo();
    for (size_t k = 0; k < sizeof searches / sizeof searches[0]; k++) {
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            session *s = test_visit(p, searches[k].lang, sizes[z][0], sizes[z][1]);
            run(s, "key search");
            char line[64];
            snprintf(line, sizeof line, "type %s", searches[k].words);
            run(s, line);
            CHECK(s->app.found_count >= 3);
            const view_list *l = session_display(s);
            int top = keys_top(l), touch = view_touch_px(session_dpi(s)), whole = 0;
            CHECK(top < l->height); /* the keyboard is up */
            for (int i = 0; i < l->count; i++) {
                const view_cmd *row = &l->cmds[i];
                if (!row->button || row->tap.type != APP_EV_OPEN || !row->clip.w || !within(row->rect, row->clip) ||
                    row->rect.y + row->rect.h > top || row->rect.h < touch)
                    continue;
                bool titled = false;
                for (int j = i + 1; j < l->count && !titled; j++)
                    titled = l->cmds[j].kind == VIEW_TEXT && within(l->cmds[j].rect, row->rect) &&
                             l->cmds[j].text && l->cmds[j].text[0];
                whole += titled;
            }
            if (whole < 3) {
                char msg[160];
                snprintf(msg, sizeof msg, "%s at %dx%d: %d pages found in sight above the keys", searches[k].lang,
                         sizes[z][0], sizes[z][1], whole);
                test_fail(__FILE__, __LINE__, msg);
            }
            session_free(s);
        }
    }
    pack_close(p);
}

/* Issue 19: German words (Jobcenter, BAMF) are typed in Latin letters from every keyboard:
 * one key away, left to right also on a right-to-left screen, and the same key goes back. */
TEST(session_search_latin_letters_are_one_key_away_in_every_script)
{
    pack *p = demo();
    static const char *const others[] = {"ar", "prs", "ti", "uk"};
    for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
        session *s = test_visit(p, others[k], 800, 480);
        run(s, "key search");
        CHECK(button(s, APP_EV_TYPE, "q") == NULL);
        tap_button(s, APP_EV_LATIN, NULL);
        CHECK(s->app.keyboard_latin);
        const view_cmd *q = button(s, APP_EV_TYPE, "q"), *pkey = button(s, APP_EV_TYPE, "p");
        CHECK(q && pkey && q->rect.x < pkey->rect.x);
        tap_button(s, APP_EV_TYPE, "j");
        tap_button(s, APP_EV_TYPE, "o");
        tap_button(s, APP_EV_TYPE, "b");
        CHECK_STR(s->app.typed, "job");
        tap_button(s, APP_EV_LATIN, NULL);
        CHECK(!s->app.keyboard_latin);
        CHECK(button(s, APP_EV_TYPE, "q") == NULL);
        CHECK_STR(s->app.typed, "job"); /* the words stay */
        session_free(s);
    }
    session *s = test_visit(p, "de", 800, 480);
    run(s, "key search");
    CHECK(button(s, APP_EV_LATIN, NULL) == NULL); /* German is Latin already */
    session_free(s);
    pack_close(p);
}

/* Issue 19: words that find nothing are not a dead end: the keypad for a caseworker's code,
 * the emergency numbers and the topics are offered, with the keyboard up and put away. */
TEST(session_search_that_finds_nothing_offers_keypad_emergency_and_topics)
{
    pack *p = demo();
    const pack_page *emergency = pack_page_of_kind(p, "emergency");
    CHECK(emergency != NULL);
    for (int hidden = 0; hidden < 2; hidden++) {
        session *s = test_visit(p, "ar", 800, 480);
        run(s, "key search");
        run(s, "type ققققق");
        CHECK(s->app.found_count == 0);
        if (hidden)
            tap_button(s, APP_EV_KEYBOARD, NULL);
        const view_list *l = session_display(s);
        int keypad = 0, emergency_rows = 0, topics = 0;
        for (int i = 0; i < l->count; i++) {
            const view_cmd *c = &l->cmds[i];
            if (!c->button || !c->clip.w)
                continue; /* the header's emergency button does not count: rows do */
            keypad += c->tap.type == APP_EV_KEYPAD;
            emergency_rows += c->tap.type == APP_EV_OPEN && emergency && !strcmp(c->tap.arg, emergency->code);
            const pack_page *page = c->tap.type == APP_EV_OPEN ? pack_page_find(p, c->tap.arg) : NULL;
            topics += page && !page->parent[0] && strcmp(page->kind, "emergency");
        }
        CHECK(keypad == 1);
        CHECK(emergency_rows == 1);
        CHECK(topics >= (hidden ? 1 : 0)); /* with the keyboard up, the topics are further down */
        CHECK(session_display(s)->scroll_max > 0 || topics >= 3);
        const view_cmd *k = NULL;
        for (int i = 0; i < l->count && !k; i++)
            if (l->cmds[i].button && l->cmds[i].tap.type == APP_EV_KEYPAD && l->cmds[i].clip.w)
                k = &l->cmds[i];
        if (k)
            session_tap(s, k->rect.x + k->rect.w / 2, k->rect.y + k->rect.h / 2);
        CHECK(app_current(&s->app)->screen == APP_SCREEN_KEYPAD);
        session_free(s);
    }
    pack_close(p);
}

/* Issue 13, defect 7: script numbers are checked before any arithmetic, and a coordinate off
 * the screen is a mistake in the script, said with the line that has it. */
TEST(session_script_refuses_coordinates_off_the_screen_and_numbers_out_of_range)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    run(&s, "tap-text Deutsch");
    CHECK(!session_script_line(&s, "swipe 0 0 2000000000 2000000000", NULL, NULL, &e));
    CHECK(strstr(e.msg, "outside the 800x480 screen") != NULL);
    CHECK(!session_script_line(&s, "tap 800 10", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "tap 10 -1", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "press 10 480", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "tap 99999999999999999999 1", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "tap 1 2 3", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "wait 99999999999999999999", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "wait -5", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "wait 604800001", NULL, NULL, &e));
    CHECK(strstr(e.msg, "604800000") != NULL);
    CHECK_STR(state(&s), "screen=home page= lang=de scroll=0");
    /* The corners themselves are on the screen. */
    run(&s, "tap 799 479");
    run(&s, "swipe 0 0 799 479");
    run(&s, "wait 604800000");
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    session_free(&s);
    pack_close(p);

    /* The kiosk names the line. */
    char script[600], cmd[1400], out[4096];
    snprintf(script, sizeof script, "%s/huge.events", test_tmpdir());
    FILE *f = fopen(script, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("tap-text Deutsch\nswipe 0 0 2000000000 2000000000\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --events %s 2>&1", test_bin("wegweiser"), test_demo_pack(),
             script);
    CHECK_INT(test_run(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "huge.events:2: 'swipe'") != NULL);
    CHECK(strstr(out, "runtime error") == NULL);
}

/* The window loop hands the session whatever SDL reports (a mouse dragged far out of the window,
 * a day-long stall) and the app whatever a caller sends: nothing overflows, all of it is kept
 * in range. */
TEST(session_pointer_time_and_scroll_arithmetic_stays_in_range)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "de"});
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "310"});
    session_display(&s);
    int max = app_current(&s.app)->scroll_max;
    CHECK(max > 0);
    session_press(&s, INT_MIN, INT_MAX);
    session_advance(&s, 1);
    session_move(&s, INT_MAX, INT_MIN);
    session_release(&s, INT_MAX, INT_MIN);
    session_advance(&s, 10000);
    session_display(&s);
    CHECK_INT(app_current(&s.app)->scroll, max);
    app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = INT_MAX});
    CHECK_INT(app_current(&s.app)->scroll, max);
    app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = INT_MIN});
    CHECK_INT(app_current(&s.app)->scroll, 0);
    CHECK_STR(state(&s), "screen=page page=310 lang=de scroll=0");
    /* 2^32 ms quiet (49.7 days): more than the idle time, so the visit is over. */
    session_advance(&s, 4294967296UL);
    CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    session_free(&s);
    pack_close(p);
}

/* Soak scripts and fuzzers tap buttons by number: every button on screen can be reached. */
TEST(session_script_taps_buttons_by_number)
{
    pack *p = demo();
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    bool chosen[6] = {false};
    for (int n = 0; n < 40; n++) {
        char line[40];
        snprintf(line, sizeof line, "tap-button %d", n);
        run(&s, line);
        for (int i = 0; i < 6; i++)
            chosen[i] |= !strcmp(s.app.lang, langs[i]);
        if (s.app.lang[0])
            run(&s, "key back");
        CHECK_STR(state(&s), "screen=language page= lang= scroll=0");
    }
    for (int i = 0; i < 6; i++)
        CHECK(chosen[i]);
    CHECK(!session_script_line(&s, "tap-button -1", NULL, NULL, &e));
    CHECK(!session_script_line(&s, "tap-button 1 2", NULL, NULL, &e));
    run(&s, "tap-button 99999999999");
    session_free(&s);
    pack_close(p);
}
