/* session: one kiosk visit's loop without a screen. It owns the app state and the display
 * list, turns pointer presses, drags and releases into taps and scrolls (hit-tested on the
 * display list), and replays event scripts. The window loop and the tests drive the same
 * code; only drawing differs. Script format: docs/events.md. */
#ifndef WW_SESSION_H
#define WW_SESSION_H

#include "app.h"
#include "view.h"

typedef struct session {
    app app;
    text_fonts *fonts;
    view_list *list;
    int width, height;
    bool built;
    unsigned long built_generation;
    int built_width, built_height;
    bool down, dragging;
    int down_x, down_y, last_y;
    app_event pending; /* what the button under the finger does, seen when it went down */
} session;

/* Called by the script's `screenshot FILE` line; NULL makes that line an error. */
typedef bool (*session_screenshot_fn)(session *s, const char *path, void *user, err *e);

bool session_init(session *s, pack *p, text_fonts *fonts, int width, int height, unsigned long idle_ms, err *e);
void session_free(session *s);

/* The display list for the current state, rebuilt only when something changed. */
const view_list *session_display(session *s);

void session_resize(session *s, int width, int height);
void session_press(session *s, int x, int y);
void session_move(session *s, int x, int y);
void session_release(session *s, int x, int y);
void session_tap(session *s, int x, int y);
/* "back", "home", "keypad", "search", "german", "large", "language", "enter", "erase" */
bool session_key(session *s, const char *name);
void session_advance(session *s, unsigned long ms);

/* Runs one script line; false with a message naming the problem. */
bool session_script_line(session *s, const char *line, session_screenshot_fn shot, void *user, err *e);

/* One line describing the state: "screen=page page=110 lang=ar scroll=0". */
void session_describe(const session *s, char *out, size_t size);

#endif
