/* session: one kiosk visit's loop without a screen. It owns the app state and the display
 * list, turns pointer presses, drags and releases into taps and scrolls (hit-tested on the
 * display list), and replays event scripts. The window loop and the tests drive the same
 * code; only drawing differs. Script format: docs/events.md. */
#ifndef WW_SESSION_H
#define WW_SESSION_H

#include <time.h>

#include "app.h"
#include "fetch_poll.h"
#include "update.h"
#include "usage.h"
#include "view.h"

typedef struct session {
    app app;
    text_fonts *fonts;
    view_list *list;
    int width, height;
    /* The screen's density (docs/screen.md): dpi, or the diagonal in inches from which it follows
     * with the pixel size; neither set: VIEW_DPI_DEFAULT. */
    int dpi;
    double screen_inches;
    bool built;
    unsigned long built_generation, built_scrolls;
    int built_width, built_height, built_dpi;
    bool down, dragging;
    int down_x, down_y, last_y;
    app_event pending; /* what the button under the finger does, seen when it went down */
    unsigned long last_move_ms;
    double velocity; /* px per ms of the last drag; a fling carries on with it, slowing down */
    /* USB updates: where packs are installed and which keys are trusted; data_dir NULL: off. */
    update_options updates;
    const char *demo_path; /* the last fallback when reopening after an update */
    const char *usb_root;  /* sticks are mounted under here (the platform watches it); NULL: off */
    const char *mountinfo; /* the mount table to watch (tests give their own) */
    pack *owned_pack;      /* a pack the session opened after an update, closed with it */
    /* The older pack staff are being asked about: the stick it is on and its bytes' hash. */
    bool offer;
    char offer_stick[1024];
    unsigned char offer_hash[SIGN_HASH_BYTES];
    /* Usage figures (docs/privacy.md): NULL when off. The app's counts are saved at the end of
     * each visit and every USAGE_SAVE_MS, and written to a staff stick after an update. */
    usage *usage;
    unsigned long usage_saved_ms;
    /* Network updates (fetch_poll.h): what a poll brought, taken in once the visit is over. */
    fetch_poll_config net; /* url NULL: no polling (the platform runs the polls) */
    bool fetched, fetched_installed;
    char fetch_notice_for[32]; /* the expiry the staff overlay already told about */
} session;

#define USAGE_SAVE_MS (5 * 60 * 1000)

/* Called during a USB update so the screen can show progress (the platform redraws). */
typedef void (*session_progress_fn)(session *s, void *user);

/* Called by the script's `screenshot FILE` line; NULL makes that line an error. */
typedef bool (*session_screenshot_fn)(session *s, const char *path, void *user, err *e);

bool session_init(session *s, pack *p, text_fonts *fonts, int width, int height, unsigned long idle_ms, err *e);
void session_free(session *s);

/* The display list for the current state, rebuilt only when something changed. */
const view_list *session_display(session *s);

void session_resize(session *s, int width, int height);
/* The density the view lays out for: pixels per inch, rounded up. */
int session_dpi(const session *s);
/* Pointer positions off the screen count as at its nearest edge. */
void session_press(session *s, int x, int y);
void session_move(session *s, int x, int y);
void session_release(session *s, int x, int y);
void session_tap(session *s, int x, int y);
/* "back", "home", "keypad", "search", "german", "large", "language", "enter", "erase", "read" */
bool session_key(session *s, const char *name);
void session_advance(session *s, unsigned long ms);
/* True while something moves by itself (a fling): the screen wants frames, not just events. */
bool session_animating(const session *s);

/* A stick was mounted at `stick_dir`: runs the update with the staff overlay on screen, and on
 * success switches to the new pack without a restart. True when a pack was installed. When the
 * stick holds only an older pack that passes every other check, the overlay asks staff. */
bool session_usb(session *s, const char *stick_dir, session_progress_fn redraw, void *user);

/* A poll of update_url finished (installed: it installed a pack). The pack is switched in, and
 * an expired index told on the staff overlay, by session_fetched_apply once no visit is on. */
void session_fetched(session *s, bool installed);
/* Call after input and ticks: true when it changed what the kiosk shows. */
bool session_fetched_apply(session *s, time_t now);

/* After staff held "install older version anyway": installs that pack from its stick, copied
 * and checked again from the start, and only if its bytes are the ones staff were asked about.
 * Call after input and ticks; false (and nothing done) unless staff just confirmed. */
bool session_usb_confirmed(session *s, session_progress_fn redraw, void *user);

/* Saves the app's usage counts into s->usage (when on): at once when `now`, else only when a
 * visit ended, USAGE_SAVE_MS passed or the counts fill up. */
void session_save_usage(session *s, bool now);

/* The longest `wait` one script line may ask for. */
#define SESSION_WAIT_MAX_MS 604800000

/* Runs one script line; false with a message naming the problem. Coordinates must lie on the
 * screen; numbers must be whole and in range. */
bool session_script_line(session *s, const char *line, session_screenshot_fn shot, void *user, err *e);

/* One line describing the state: "screen=page page=110 lang=ar scroll=0", and
 * " reading=110/ar" while the page is read aloud. */
void session_describe(const session *s, char *out, size_t size);

#endif
