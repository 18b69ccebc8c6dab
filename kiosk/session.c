#include "fetch.h"
#include "session.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool session_init(session *s, pack *p, text_fonts *fonts, int width, int height, unsigned long idle_ms, err *e)
{
    memset(s, 0, sizeof *s);
    s->list = malloc(sizeof *s->list);
    if (!s->list)
        return err_set(e, "out of memory");
    s->fonts = fonts;
    s->width = width;
    s->height = height;
    app_init(&s->app, p, idle_ms);
    return true;
}

void session_save_usage(session *s, bool now)
{
    app_counts *k = &s->app.counts;
    if (!s->usage) {
        k->count = 0; /* off: nothing is kept, not even in memory */
        k->lost = 0;
        return;
    }
    if (!k->count && !k->lost)
        return;
    bool visit_over = s->app.depth == 1 && !s->app.lang[0];
    if (!now && !visit_over && s->app.now_ms - s->usage_saved_ms < USAGE_SAVE_MS && k->count < APP_COUNTS_MAX * 3 / 4)
        return;
    err e;
    if (usage_add(s->usage, k, &e)) {
        k->count = 0;
        k->lost = 0;
    } else {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
    }
    s->usage_saved_ms = s->app.now_ms;
}

void session_free(session *s)
{
    session_save_usage(s, true);
    free(s->list);
    s->list = NULL;
    pack_close(s->owned_pack);
    s->owned_pack = NULL;
}

typedef struct usb_progress {
    session *s;
    session_progress_fn redraw;
    void *user;
} usb_progress;

static void on_progress(void *user, long long done, long long total)
{
    usb_progress *u = user;
    app_service_progress(&u->s->app, total > 0 ? (int)(done * 1000 / total) : 0);
    if (u->redraw)
        u->redraw(u->s, u->user);
}

/* Opens what a restart would open, so what staff see is what the kiosk will show. */
static void reopen_installed(session *s)
{
    pack *fresh = NULL;
    char what[1200];
    err e;
    update_open_installed(s->updates.data_dir, s->demo_path, &fresh, what, sizeof what, &e);
    if (fresh) {
        pack *old = s->owned_pack;
        app_replace_pack(&s->app, fresh);
        s->owned_pack = fresh;
        /* The first pack belongs to whoever started the session; later ones to it. */
        pack_close(old);
        fprintf(stderr, "wegweiser: %s\n", what);
    }
}

/* Runs one update with the overlay showing its progress; opens what it installed. */
static bool run_update(session *s, update_options *o, update_result *r, session_progress_fn redraw, void *user)
{
    app_service_begin(&s->app);
    if (redraw)
        redraw(s, user);
    usb_progress u = {s, redraw, user};
    o->progress = on_progress;
    o->progress_user = &u;
    bool installed = update_run(o, r);
    if (installed)
        reopen_installed(s);
    return installed;
}

void session_fetched(session *s, bool installed)
{
    s->fetched = true;
    s->fetched_installed |= installed;
}

bool session_fetched_apply(session *s, time_t now)
{
    /* Not in the middle of somebody's visit, nor over what staff are reading. */
    if (!s->fetched || !s->updates.data_dir || app_current(&s->app)->screen != APP_SCREEN_LANGUAGE ||
        (s->app.staff.shown && !s->app.staff.done))
        return false;
    bool changed = false;
    if (s->fetched_installed) {
        reopen_installed(s);
        changed = true;
    }
    s->fetched = s->fetched_installed = false;
    fetch_state st;
    char de[600], en[600];
    if (fetch_state_read(s->updates.data_dir, &st) && fetch_expired_notice(&st, now, de, en, sizeof en) &&
        strcmp(s->fetch_notice_for, st.index_expires)) {
        snprintf(s->fetch_notice_for, sizeof s->fetch_notice_for, "%s", st.index_expires);
        fprintf(stderr, "wegweiser: %s\n", en);
        app_service_result(&s->app, false, de, en);
        changed = true;
    }
    return changed;
}

/* A staff stick (it held a pack, whatever became of it) takes the figures along; staff read on
 * the overlay whether it did. */
static void export_usage(session *s, const char *stick_dir, update_result *r)
{
    if (!s->usage || !update_staff_stick(r))
        return;
    session_save_usage(s, true);
    char said[600];
    bool ok = usage_export(s->usage, stick_dir, s->updates.kiosk_id, said, sizeof said);
    fprintf(stderr, "wegweiser: %s\n", said);
    size_t en = strlen(r->en), de = strlen(r->de);
    snprintf(r->en + en, sizeof r->en - en, "%s", ok ? " Usage figures are on the stick." : " The usage figures could not be written to the stick.");
    snprintf(r->de + de, sizeof r->de - de, "%s",
             ok ? " Die Nutzungszahlen sind auf dem Stick." : " Die Nutzungszahlen konnten nicht auf den Stick geschrieben werden.");
}

bool session_usb(session *s, const char *stick_dir, session_progress_fn redraw, void *user)
{
    if (!s->updates.data_dir)
        return false;
    update_options o = s->updates;
    o.stick_dir = stick_dir;
    o.offer_downgrade = true;
    update_result *r = malloc(sizeof *r);
    if (!r)
        return false;
    bool installed = run_update(s, &o, r, redraw, user);
    export_usage(s, stick_dir, r);
    s->offer = r->downgrade_offered;
    if (s->offer) {
        snprintf(s->offer_stick, sizeof s->offer_stick, "%s", stick_dir);
        memcpy(s->offer_hash, r->offer_hash, sizeof s->offer_hash);
        app_service_ask(&s->app, r->de, r->en);
    } else {
        app_service_result(&s->app, installed, r->de, r->en);
    }
    free(r);
    return installed;
}

bool session_usb_confirmed(session *s, session_progress_fn redraw, void *user)
{
    if (!s->app.staff.confirmed)
        return false;
    if (!s->offer || !s->updates.data_dir) {
        app_service_result(&s->app, false, "Es wurde nichts geändert.", "Nothing was changed.");
        return true;
    }
    /* One answer per question: a second confirm needs the stick put in again. */
    s->offer = false;
    update_options o = s->updates;
    o.stick_dir = s->offer_stick;
    o.downgrade_hash = s->offer_hash;
    update_result *r = malloc(sizeof *r);
    if (!r)
        return false;
    bool installed = run_update(s, &o, r, redraw, user);
    app_service_result(&s->app, installed, r->de, r->en);
    free(r);
    return true;
}

/* Whether every change since the list was built moved only the scroll (a drag, a fling, the
 * wheel): then the list is moved, not built again. Not while a finger is on a button, whose
 * pressed look depends on where the finger is over the content. */
static bool only_scrolled(const session *s)
{
    return s->app.generation - s->built_generation == s->app.scrolls - s->built_scrolls && !s->app.pressed;
}

const view_list *session_display(session *s)
{
    /* A rebuild can learn a new scroll limit, which can move the scroll: at most twice. */
    for (int round = 0; round < 2; round++) {
        int dpi = session_dpi(s);
        bool same_screen = s->built && s->built_width == s->width && s->built_height == s->height && s->built_dpi == dpi;
        if (same_screen && s->built_generation == s->app.generation)
            break;
        if (!(same_screen && only_scrolled(s) && view_scroll(s->list, app_current(&s->app)->scroll)))
            view_build(s->list, &s->app, s->fonts, s->width, s->height, dpi);
        s->built = true;
        s->built_dpi = dpi;
        s->built_generation = s->app.generation;
        s->built_scrolls = s->app.scrolls;
        s->built_width = s->width;
        s->built_height = s->height;
        app_event limit = {.type = APP_EV_SCROLL_LIMIT, .value = s->list->scroll_max};
        app_handle(&s->app, &limit);
    }
    return s->list;
}

int session_dpi(const session *s)
{
    if (s->screen_inches > 0)
        return (int)ceil(sqrt((double)s->width * s->width + (double)s->height * s->height) / s->screen_inches);
    return s->dpi > 0 ? s->dpi : VIEW_DPI_DEFAULT;
}

void session_resize(session *s, int width, int height)
{
    s->width = width;
    s->height = height;
}

/* A finger moves a little while tapping: within this distance it is still a tap. */
static int tap_slop(const session *s)
{
    int base = s->width < s->height ? s->width : s->height;
    return base * 3 / 100 > 8 ? base * 3 / 100 : 8;
}

/* A finger is on the glass: a mouse dragged out of the window counts as at its edge, so no
 * coordinate, however wild, reaches the drag arithmetic. */
static int on_glass(int v, int size) { return v < 0 || size <= 0 ? 0 : v >= size ? size - 1 : v; }

void session_press(session *s, int x, int y)
{
    x = on_glass(x, s->width);
    y = on_glass(y, s->height);
    s->down = true;
    s->dragging = false;
    s->down_x = x;
    s->down_y = y;
    s->last_y = y;
    s->velocity = 0; /* a finger on the glass stops a fling */
    s->last_move_ms = s->app.now_ms;
    /* What the person saw when they pressed decides what the tap does, even if the press
     * itself changes the screen (it ends a "still there?" countdown, for one). */
    const view_cmd *cmd = view_hit(session_display(s), x, y);
    s->pending = cmd && !cmd->on_press ? cmd->tap : (app_event){.type = APP_EV_TOUCH};
    app_handle(&s->app, &(app_event){.type = APP_EV_PRESS, .x = x, .y = y});
    if (cmd && cmd->on_press)
        app_handle(&s->app, &cmd->tap);
}

void session_move(session *s, int x, int y)
{
    if (!s->down)
        return;
    x = on_glass(x, s->width);
    y = on_glass(y, s->height);
    int dx = x - s->down_x, dy = y - s->down_y, slop = tap_slop(s);
    if (!s->dragging && dx * dx + dy * dy > slop * slop) {
        s->dragging = true;
        app_handle(&s->app, &(app_event){.type = APP_EV_RELEASE}); /* a drag presses no button */
    }
    if (s->dragging && y != s->last_y) {
        unsigned long dt = s->app.now_ms - s->last_move_ms;
        /* The finger's speed over the last moves, for a fling when it lets go. */
        if (dt > 0)
            s->velocity = (s->velocity + (double)(s->last_y - y) / (double)dt) / 2;
        app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = s->last_y - y});
        s->last_y = y;
        s->last_move_ms = s->app.now_ms;
    }
}

void session_release(session *s, int x, int y)
{
    if (!s->down)
        return;
    session_move(s, x, y);
    s->down = false;
    if (s->dragging) {
        /* A finger that rested before lifting does not fling. */
        if (s->app.now_ms - s->last_move_ms > 100)
            s->velocity = 0;
        return;
    }
    s->velocity = 0;
    app_handle(&s->app, &(app_event){.type = APP_EV_RELEASE});
    app_handle(&s->app, &s->pending);
}

void session_tap(session *s, int x, int y)
{
    session_press(s, x, y);
    session_release(s, x, y);
}

bool session_key(session *s, const char *name)
{
    static const struct {
        const char *name;
        app_event_type type;
    } keys[] = {{"back", APP_EV_BACK},     {"home", APP_EV_HOME},           {"keypad", APP_EV_KEYPAD},
                {"search", APP_EV_SEARCH}, {"german", APP_EV_TOGGLE_GERMAN}, {"large", APP_EV_TOGGLE_LARGE},
                {"language", APP_EV_PICK_LANGUAGE}, {"enter", APP_EV_ENTER},  {"erase", APP_EV_ERASE},
                {"about", APP_EV_ABOUT}, {"read", APP_EV_READ_ALOUD}, {"keyboard", APP_EV_KEYBOARD}, {"latin", APP_EV_LATIN}};
    app_event ev = {0};
    size_t i = 0;
    while (i < sizeof keys / sizeof keys[0] && strcmp(keys[i].name, name))
        i++;
    if (i == sizeof keys / sizeof keys[0])
        return false;
    ev.type = keys[i].type;
    app_handle(&s->app, &ev);
    return true;
}

bool session_animating(const session *s)
{
    return s->app.staff.holding || (!s->down && (s->velocity > 0.05 || s->velocity < -0.05));
}

void session_advance(session *s, unsigned long ms)
{
    /* A fling: the page glides on and slows down, as on a phone (friction per millisecond). */
    if (!s->down && (s->velocity > 0.05 || s->velocity < -0.05) && ms > 0) {
        double moved = 0;
        for (unsigned long t = 0; t < ms && (s->velocity > 0.05 || s->velocity < -0.05); t++) {
            moved += s->velocity;
            s->velocity *= 0.997;
        }
        const app_place *here = app_current(&s->app);
        int before = here->scroll;
        /* Bounded: a drag is at most a screen per ms, and friction stops it within ~3000 ms. */
        int by = moved > INT_MAX ? INT_MAX : moved < -INT_MAX ? -INT_MAX : (int)moved;
        app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = by});
        if (app_current(&s->app)->scroll == before && by != 0)
            s->velocity = 0; /* at the end of the page */
    }
    /* The app's events carry an int: a long stall arrives as several ticks. */
    unsigned long left = ms;
    do {
        int step = left > INT_MAX ? INT_MAX : (int)left;
        app_handle(&s->app, &(app_event){.type = APP_EV_TICK, .value = step});
        left -= (unsigned long)step;
    } while (left);
    session_save_usage(s, false);
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads exactly `count` whole numbers and nothing else; false when one is missing, is not a
 * number or does not fit in a long. */
static bool read_numbers(const char *arg, long *out, int count)
{
    const char *p = arg;
    for (int i = 0; i < count; i++) {
        char *end;
        errno = 0;
        out[i] = strtol(p, &end, 10);
        if (end == p || errno == ERANGE)
            return false;
        p = end;
    }
    return !*skip_spaces(p);
}

/* Script coordinates are pixels of the screen: anything else is a mistake in the script. */
static bool read_points(const session *s, const char *verb, const char *arg, int points, int *xy, err *e)
{
    long v[4];
    if (!read_numbers(arg, v, points * 2))
        return err_set(e, "'%s' needs %s", verb, points == 1 ? "X Y" : "X1 Y1 X2 Y2");
    for (int i = 0; i < points * 2; i += 2) {
        if (v[i] < 0 || v[i] >= s->width || v[i + 1] < 0 || v[i + 1] >= s->height)
            return err_set(e, "'%s': %ld %ld is outside the %dx%d screen (x 0 to %d, y 0 to %d)", verb, v[i],
                           v[i + 1], s->width, s->height, s->width - 1, s->height - 1);
        xy[i] = (int)v[i];
        xy[i + 1] = (int)v[i + 1];
    }
    return true;
}

/* The middle of button n among those a finger can reach now (topmost first, counted round),
 * or of the screen when there is none: for soak tests and fuzzers, which cannot see the screen. */
static void button_point(session *s, long n, int *x, int *y)
{
    const view_list *l = session_display(s);
    const view_cmd *reach[VIEW_MAX_CMDS];
    int count = 0;
    for (int i = l->count - 1; i >= 0; i--) {
        const view_cmd *c = &l->cmds[i];
        int cx = c->hit.x + c->hit.w / 2, cy = c->hit.y + c->hit.h / 2;
        if (c->button && cx >= 0 && cx < s->width && cy >= 0 && cy < s->height && view_hit(l, cx, cy) == c)
            reach[count++] = c;
    }
    *x = count ? reach[n % count]->hit.x + reach[n % count]->hit.w / 2 : s->width / 2;
    *y = count ? reach[n % count]->hit.y + reach[n % count]->hit.h / 2 : s->height / 2;
}

bool session_script_line(session *s, const char *line, session_screenshot_fn shot, void *user, err *e)
{
    char verb[32] = "";
    int used = 0;
    const char *p = skip_spaces(line);
    if (!*p || *p == '#' || *p == '\n')
        return true;
    if (sscanf(p, "%31s%n", verb, &used) != 1)
        return true;
    const char *rest = skip_spaces(p + used);
    char arg[1024];
    snprintf(arg, sizeof arg, "%s", rest);
    size_t n = strlen(arg);
    while (n && (arg[n - 1] == '\n' || arg[n - 1] == '\r' || arg[n - 1] == ' '))
        arg[--n] = 0;
    int xy[4];
    long ms;
    if (!strcmp(verb, "tap")) {
        if (!read_points(s, verb, arg, 1, xy, e))
            return false;
        session_display(s);
        session_tap(s, xy[0], xy[1]);
    } else if (!strcmp(verb, "swipe")) {
        if (!read_points(s, verb, arg, 2, xy, e))
            return false;
        session_display(s);
        session_press(s, xy[0], xy[1]);
        for (int k = 1; k <= 8; k++)
            session_move(s, xy[0] + (xy[2] - xy[0]) * k / 8, xy[1] + (xy[3] - xy[1]) * k / 8);
        session_release(s, xy[2], xy[3]);
    } else if (!strcmp(verb, "tap-text") || !strcmp(verb, "press-text")) {
        const view_cmd *t = view_find_text(session_display(s), arg);
        if (!t)
            return err_set(e, "'%s': no text '%s' on this screen", verb, arg);
        if (verb[0] == 't')
            session_tap(s, t->rect.x + t->rect.w / 2, t->rect.y + t->rect.h / 2);
        else
            session_press(s, t->rect.x + t->rect.w / 2, t->rect.y + t->rect.h / 2);
    } else if (!strcmp(verb, "tap-button") || !strcmp(verb, "press-button")) {
        long number;
        if (!read_numbers(arg, &number, 1) || number < 0)
            return err_set(e, "'%s' needs a button number, 0 or more", verb);
        button_point(s, number, &xy[0], &xy[1]);
        if (verb[0] == 't')
            session_tap(s, xy[0], xy[1]);
        else
            session_press(s, xy[0], xy[1]);
    } else if (!strcmp(verb, "press")) {
        if (!read_points(s, verb, arg, 1, xy, e))
            return false;
        session_display(s);
        session_press(s, xy[0], xy[1]);
    } else if (!strcmp(verb, "release")) {
        if (!s->down)
            return err_set(e, "'release' needs a finger down ('press' or 'press-text' first)");
        session_release(s, s->down_x, s->down_y);
    } else if (!strcmp(verb, "key")) {
        if (!session_key(s, arg))
            return err_set(e, "'key' knows back, home, keypad, search, german, large, language, enter, erase, "
                              "keyboard, about and read, not '%s'", arg);
    } else if (!strcmp(verb, "type")) {
        /* Typed one character at a time, as the on-screen keys do. */
        for (const char *q = arg; *q;) {
            const char *start = q;
            utf8_next(&q);
            app_event ev = {.type = APP_EV_TYPE};
            snprintf(ev.arg, sizeof ev.arg, "%.*s", (int)(q - start), start);
            app_handle(&s->app, &ev);
        }
    } else if (!strcmp(verb, "usb")) {
        if (!s->updates.data_dir)
            return err_set(e, "'usb' needs the kiosk started with --data-dir and --trusted-keys");
        session_usb(s, arg, NULL, NULL);
    } else if (!strcmp(verb, "clock")) {
        /* The kiosk's wall clock, as the platform sets it every minute: for "open now" and the
         * hour and day usage figures are counted in. */
        int year, month, day, hour, minute;
        char tail;
        if (sscanf(arg, "%4d-%2d-%2d %2d:%2d%c", &year, &month, &day, &hour, &minute, &tail) != 5 || year < 1970 ||
            year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || hour < 0 ||
            minute < 0)
            return err_set(e, "'clock' needs a local date and time, YYYY-MM-DD HH:MM");
        struct tm tm = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day, .tm_hour = 12};
        time_t t = timegm(&tm);
        struct tm check;
        if (t == (time_t)-1 || !gmtime_r(&t, &check) || check.tm_mday != day)
            return err_set(e, "'clock': %04d-%02d-%02d is not a day of the calendar", year, month, day);
        app_handle(&s->app, (app_event[]){app_clock(year, month, day, (check.tm_wday + 6) % 7, hour * 60 + minute)});
    } else if (!strcmp(verb, "audio-end")) {
        app_handle(&s->app, &(app_event){.type = APP_EV_READ_DONE});
    } else if (!strcmp(verb, "wait")) {
        if (!read_numbers(arg, &ms, 1) || ms < 0 || ms > SESSION_WAIT_MAX_MS)
            return err_set(e, "'wait' needs milliseconds from 0 to %d (a week)", SESSION_WAIT_MAX_MS);
        session_advance(s, (unsigned long)ms);
        session_usb_confirmed(s, NULL, NULL);
    } else if (!strcmp(verb, "screenshot")) {
        if (!shot || !*arg)
            return err_set(e, "'screenshot' needs a file name and a screen to draw on");
        return shot(s, arg, user, e);
    } else {
        return err_set(e, "unknown script verb '%s' (tap, swipe, tap-text, tap-button, press, press-text, "
                          "press-button, release, key, type, usb, audio-end, wait, clock, screenshot)", verb);
    }
    return true;
}

void session_describe(const session *s, char *out, size_t size)
{
    static const char *const names[] = {"language", "home", "page", "keypad", "search", "about"};
    const app_place *here = app_current(&s->app);
    char reading[64] = "";
    if (s->app.reading[0])
        snprintf(reading, sizeof reading, " reading=%s/%s", s->app.reading_page, s->app.reading_lang);
    snprintf(out, size, "screen=%s page=%s lang=%s scroll=%d%s%s", names[here->screen], here->page, s->app.lang,
             here->scroll, reading,
             !s->app.staff.shown         ? ""
             : !s->app.staff.done  ? " service=busy"
             : s->app.staff.ok     ? " service=installed"
             : s->app.staff.ask    ? (s->app.staff.holding ? " service=ask holding" : " service=ask")
             : s->app.staff.notice ? " service=notice"
                                     : " service=refused");
}
