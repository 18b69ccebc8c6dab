#include "screen_walk.h"

#include <stdio.h>

static void send(session *s, app_event_type type, const char *arg, int value)
{
    app_event ev = {.type = type, .value = value};
    snprintf(ev.arg, sizeof ev.arg, "%s", arg ? arg : "");
    app_handle(&s->app, &ev);
}

/* A letter of each language's own keyboard, so the search finds something to list. */
static const char *letter(const char *lang)
{
    static const char *const letters[][2] = {{"ar", "ع"}, {"prs", "ک"}, {"ti", "ት"}, {"uk", "м"}};
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++)
        if (!strcmp(letters[i][0], lang))
            return letters[i][1];
    return "d";
}

void walk_screens(session *s, const char *lang, walk_fn look, void *user)
{
    /* Monday noon: offices show their open-now line. */
    app_event clock = app_clock(2026, 11, 23, 0, 12 * 60 + 30);
    app_handle(&s->app, &clock);
    look(s, "language screen", user);
    send(s, APP_EV_LANGUAGE, lang, 0);
    /* 100: a topic and its list; 320 and 1000: articles with page chips, also in lists;
     * 901: an office card; 800: emergency numbers; 1100: help. */
    static const char *const pages[] = {"100", "320", "1000", "901", "800", "1100"};
    char what[64];
    for (int extras = 0; extras < 2; extras++) {
        if (extras) {
            send(s, APP_EV_TOGGLE_GERMAN, NULL, 0);
            send(s, APP_EV_TOGGLE_LARGE, NULL, 0);
        }
        const char *with = extras ? " (German beside, large text)" : "";
        send(s, APP_EV_HOME, NULL, 0);
        snprintf(what, sizeof what, "home%s", with);
        look(s, what, user);
        for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
            send(s, APP_EV_OPEN, pages[k], 0);
            snprintf(what, sizeof what, "page %s%s", pages[k], with);
            look(s, what, user);
        }
    }
    send(s, APP_EV_ABOUT, NULL, 0);
    look(s, "about page", user);
    send(s, APP_EV_KEYPAD, NULL, 0);
    look(s, "keypad", user);
    send(s, APP_EV_TYPE, "9", 0);
    send(s, APP_EV_ENTER, NULL, 0);
    look(s, "keypad, no such page", user);
    send(s, APP_EV_SEARCH, NULL, 0);
    look(s, "search", user);
    send(s, APP_EV_TYPE, letter(lang), 0);
    look(s, "search with results", user);
    send(s, APP_EV_KEYBOARD, NULL, 0);
    look(s, "search, keyboard put away", user);
    send(s, APP_EV_KEYBOARD, NULL, 0);
    if (!strcmp(lang, "ti")) {
        send(s, APP_EV_FIDEL, NULL, 0x1260);
        look(s, "search, Ethiopic vowel forms", user);
    }
    session_advance(s, 80000);
    look(s, "still there?", user);
    send(s, APP_EV_TOUCH, NULL, 0);
    app_service_begin(&s->app);
    look(s, "staff overlay, reading", user);
    app_service_progress(&s->app, 400);
    look(s, "staff overlay, copying", user);
    app_service_result(&s->app, true, "Neues Inhaltspaket installiert.", "New content pack installed.");
    look(s, "staff overlay, done", user);
    send(s, APP_EV_SERVICE_CLOSE, NULL, 0);
    app_service_ask(&s->app, "Auf dem Stick ist nur eine ältere Version.", "The stick only has an older version.");
    look(s, "staff overlay, older version: ask", user);
    app_service_notice(&s->app, "Ersatzinhalt wird gezeigt.", "Showing fallback content.");
    look(s, "staff overlay, fallback notice", user);
}
