/* app: the kiosk's state machine. Events in, state out: which screen is showing, the way
 * back, the visitor's language and choices (German beside, larger text), what they typed,
 * scroll positions, and the idle timer that first asks "still there?" and then sends the
 * kiosk back to the language screen, forgetting the visit. No I/O but reading the pack. */
#ifndef WW_APP_H
#define WW_APP_H

#include <stdint.h>

#include "pack.h"

#define APP_STACK_MAX 32
#define APP_TYPED_MAX 160
/* Room for the titles and summaries of the pages a search found. */
#define APP_FOUND_TEXT 49152
/* How long before the idle time the kiosk starts counting down on screen. */
#define APP_WARNING_MS 15000
/* How long staff hold "install older version anyway": a passing tap or lean never does it. */
#define APP_HOLD_MS 2000

typedef enum app_screen {
    APP_SCREEN_LANGUAGE,
    APP_SCREEN_HOME,
    APP_SCREEN_PAGE,
    APP_SCREEN_KEYPAD, /* "go to page": the caseworker's code */
    APP_SCREEN_SEARCH,
    APP_SCREEN_ABOUT, /* who made the content, where it comes from, its licence, versions */
} app_screen;

/* Usage figures (docs/privacy.md): what visitors did, counted per hour of a day; never in
 * what order, never what they typed. The app counts; the session moves the counts into the
 * kiosk's usage file (usage.h) and empties them. */
typedef enum app_metric {
    APP_METRIC_VISIT,          /* a language chosen on the language screen: a visit began */
    APP_METRIC_LANGUAGE,       /* lang: a language chosen (also a change during a visit) */
    APP_METRIC_PAGE,           /* lang, page: a page opened */
    APP_METRIC_SEARCH,         /* lang: words on the search screen when the visitor left it */
    APP_METRIC_SEARCH_EMPTY,   /* lang: ... and they had found nothing */
    APP_METRIC_READ_ALOUD,     /* lang, page: a recording started */
    APP_METRIC_KEYPAD_UNKNOWN, /* lang: a code typed on the keypad that no page has */
    APP_METRIC_GERMAN_BESIDE,  /* lang: German switched on beside the language */
    APP_METRIC_IDLE_RESET,     /* a visit ended by the idle timer (not by "back") */
    APP_METRIC_COUNT
} app_metric;

/* Stable names, as stored and exported: "visit", "language", "page", ... */
const char *app_metric_name(app_metric m);

typedef struct app_count {
    char date[11]; /* YYYY-MM-DD of the kiosk's clock, "" before it was set */
    int hour;      /* 0-23 */
    app_metric metric;
    char lang[PACK_LANG_MAX], page[PACK_CODE_MAX]; /* "" where the metric has none */
    int n;
} app_count;

#define APP_COUNTS_MAX 64
typedef struct app_counts {
    app_count c[APP_COUNTS_MAX];
    int count;
    unsigned long lost; /* counts that found no room (the session empties them at each visit's end) */
} app_counts;

typedef struct app_place {
    app_screen screen;
    char page[PACK_CODE_MAX]; /* APP_SCREEN_PAGE only */
    int scroll, scroll_max;   /* pixels the content is moved up, and how far it can go */
} app_place;

/* The staff overlay of a USB update: shown while checking and copying (progress in
 * thousandths, -1 while checking) and then with the result until someone taps it. */
typedef struct app_staff {
    bool shown;
    bool done, ok;
    int progress;
    char de[1024], en[1024];
    /* The result is a question: install an older pack? "Keep" answers at a tap, "install"
     * only after APP_HOLD_MS of holding (hold_ms so far); then confirmed asks the session to
     * run that update. */
    bool ask, holding, confirmed;
    unsigned long hold_ms;
    /* At start the kiosk could not open its installed pack: the overlay says so (notice) and
     * the language screen keeps a small staff hint (fallback) until a pack is installed. */
    bool notice, fallback;
} app_staff;

typedef struct app {
    pack *pack; /* NULL when no pack could be opened: the view says so */
    app_place stack[APP_STACK_MAX];
    int depth; /* stack[depth - 1] is on screen; stack[0] is the language screen */
    char lang[PACK_LANG_MAX];
    bool show_german; /* the German text beside (or under) the visitor's language */
    bool large_text;
    char typed[APP_TYPED_MAX]; /* keypad digits or search words, UTF-8 */
    bool no_such_page;         /* the keypad's last code led nowhere */
    uint32_t fidel_base;       /* Ethiopic keyboard: the consonant whose vowel forms are shown */
    bool keyboard_hidden;      /* search: the keyboard is put away so the results fill the screen */
    bool keyboard_latin;       /* search: Latin letters instead of the language's script (German words) */
    /* Search: the pages found for found_for in found_lang with their titles and summaries
     * (offsets into found_text), searched once when the words or the language change, so
     * scrolling through them never reads the pack. */
    char found_for[APP_TYPED_MAX];
    char found_lang[PACK_LANG_MAX];
    pack_found found[PACK_SEARCH_MAX];
    int found_count;
    char found_text[APP_FOUND_TEXT];
    bool pressed;              /* a finger is down at press_x, press_y: buttons there look pressed */
    int press_x, press_y;
    /* The wall clock, for "open now": weekday 0 Monday … 6 Sunday, minutes after midnight,
     * and the date (for holidays). Set by APP_EV_CLOCK; weekday -1 until then. */
    int weekday, minute;
    char date[11];
    /* The staff overlay: it outlives the visit, since staff read it after the kiosk went quiet. */
    app_staff staff;
    /* Read aloud: the recording (asset hash) of page reading_page in language reading_lang,
     * "" when nothing plays. It plays only while that page is on screen in that language. */
    char reading[65];
    char reading_page[PACK_CODE_MAX];
    char reading_lang[PACK_LANG_MAX];
    unsigned long now_ms, last_input_ms, idle_ms;
    unsigned long generation; /* changes whenever what the view shows may have changed */
    unsigned long scrolls;    /* how many of those changes moved only the scroll of the screen on top */
    /* Usage figures not yet saved; they outlive the visit, like the staff overlay. */
    app_counts counts;
    bool visit_counted;
} app;

typedef enum app_event_type {
    APP_EV_TICK,     /* value: milliseconds passed */
    APP_EV_TOUCH,    /* any input that is not a command: keeps the visit alive */
    APP_EV_PRESS,    /* x, y: a finger went down (no command yet) */
    APP_EV_RELEASE,  /* the finger is up */
    APP_EV_LANGUAGE, /* arg: language code; from the language screen or the language button */
    APP_EV_PICK_LANGUAGE, /* show the language screen to change language, keeping the page */
    APP_EV_OPEN,          /* arg: page code */
    APP_EV_BACK,
    APP_EV_HOME,
    APP_EV_KEYPAD, /* open the "go to page" keypad */
    APP_EV_SEARCH, /* open search */
    APP_EV_ABOUT,  /* open the about page */
    APP_EV_TYPE,   /* arg: UTF-8 text to add */
    APP_EV_ERASE,  /* remove the last character typed */
    APP_EV_ENTER,  /* keypad: go to the typed code */
    APP_EV_FIDEL,  /* value: Ethiopic consonant to show the forms of, 0 to go back */
    APP_EV_KEYBOARD, /* search: put the keyboard away, or bring it back */
    APP_EV_LATIN,    /* search: Latin letters on the keyboard, or the language's script again */
    APP_EV_TOGGLE_GERMAN,
    APP_EV_TOGGLE_LARGE,
    APP_EV_SCROLL,       /* value: pixels, positive moves the content up */
    APP_EV_SCROLL_LIMIT, /* value: the largest scroll the current screen allows */
    APP_EV_CLOCK,        /* arg: YYYY-MM-DD, value: weekday * 1440 + minutes after midnight */
    APP_EV_SERVICE_CLOSE, /* the staff overlay's result was read */
    APP_EV_SERVICE_HOLD,  /* a finger went down on "install older version anyway" */
    APP_EV_SERVICE_KEEP,  /* "keep current": the older pack is not installed */
    APP_EV_READ_ALOUD,    /* start reading the page on screen aloud, or stop */
    APP_EV_READ_DONE,     /* the recording played to its end (or could not play) */
} app_event_type;

typedef struct app_event {
    app_event_type type;
    char arg[24];
    int value;
    int x, y;
} app_event;

void app_init(app *a, pack *p, unsigned long idle_ms);
/* The clock event for a local date and time (weekday 0 Monday). */
app_event app_clock(int year, int month, int day, int weekday, int minute);
void app_handle(app *a, const app_event *ev);
const app_place *app_current(const app *a);
/* The language the visitor chose, or NULL before they chose one. */
const pack_language *app_language(const app *a);
/* The staff overlay of a USB update: started, progress (permille, -1 while checking), result. */
void app_service_begin(app *a);
void app_service_progress(app *a, int permille);
void app_service_result(app *a, bool installed, const char *de, const char *en);
/* The update found only an older pack that passed every other check: ask staff (de, en). */
void app_service_ask(app *a, const char *de, const char *en);
/* At start: the installed pack could not be opened, a fallback is showing (de, en say which
 * and why). */
void app_service_notice(app *a, const char *de, const char *en);
/* A new pack replaced the old one: the visit starts again on it. */
void app_replace_pack(app *a, pack *p);

/* The hash of the recording of the page on screen in the visitor's language, "" when it has
 * none: whether a "read aloud" button belongs on the screen. */
void app_recording(const app *a, char hash[65]);

/* Seconds left before the visit is forgotten, while the "still there?" countdown runs; 0 when
 * it does not. */
int app_countdown(const app *a);

#endif
