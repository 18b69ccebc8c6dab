/* app: the kiosk's state machine. Events in, state out: which screen is showing, the way
 * back, the visitor's language, scroll positions, and the idle timer that sends the kiosk
 * back to the language screen and forgets the visit. No I/O but reading the pack. */
#ifndef WW_APP_H
#define WW_APP_H

#include "pack.h"

#define APP_STACK_MAX 32

typedef enum app_screen { APP_SCREEN_LANGUAGE, APP_SCREEN_HOME, APP_SCREEN_PAGE } app_screen;

typedef struct app_place {
    app_screen screen;
    char page[PACK_CODE_MAX]; /* APP_SCREEN_PAGE only */
    int scroll, scroll_max;   /* pixels the content is moved up, and how far it can go */
} app_place;

typedef struct app {
    pack *pack; /* NULL when no pack could be opened: the view says so */
    app_place stack[APP_STACK_MAX];
    int depth; /* stack[depth - 1] is on screen; stack[0] is the language screen */
    char lang[PACK_LANG_MAX];
    unsigned long now_ms, last_input_ms, idle_ms;
    unsigned long generation; /* changes whenever what the view shows may have changed */
} app;

typedef enum app_event_type {
    APP_EV_TICK,     /* value: milliseconds passed */
    APP_EV_TOUCH,    /* any input that is not a command: keeps the visit alive */
    APP_EV_LANGUAGE, /* arg: language code */
    APP_EV_OPEN,     /* arg: page code */
    APP_EV_BACK,
    APP_EV_HOME,
    APP_EV_SCROLL,       /* value: pixels, positive moves the content up */
    APP_EV_SCROLL_LIMIT, /* value: the largest scroll the current screen allows */
} app_event_type;

typedef struct app_event {
    app_event_type type;
    char arg[PACK_CODE_MAX];
    int value;
} app_event;

void app_init(app *a, pack *p, unsigned long idle_ms);
void app_handle(app *a, const app_event *ev);
const app_place *app_current(const app *a);
/* The language the visitor chose, or NULL on the language screen. */
const pack_language *app_language(const app *a);

#endif
