/* The screen module: rotation geometry, the screen-hours rules of kiosk.conf, and when the
 * kiosk may sleep. */
#include <SDL.h>
#include <SDL_image.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"
#include "screen.h"
#include "test.h"

TEST(screen_rotation_parse_accepts_quarter_turns_only)
{
    int d = -1;
    CHECK(screen_rotation_parse("0", &d, NULL) && d == 0);
    CHECK(screen_rotation_parse("90", &d, NULL) && d == 90);
    CHECK(screen_rotation_parse("180", &d, NULL) && d == 180);
    CHECK(screen_rotation_parse("270", &d, NULL) && d == 270);
    err e = {""};
    CHECK(!screen_rotation_parse("45", &d, &e));
    CHECK(strstr(e.msg, "0, 90, 180 or 270") && strstr(e.msg, "'45'"));
    CHECK(!screen_rotation_parse("-90", &d, NULL));
    CHECK(!screen_rotation_parse("90 ", &d, NULL));
    CHECK(!screen_rotation_parse("", &d, NULL));
    CHECK_INT(d, 270); /* a refused text leaves the value alone */
}

TEST(screen_rotation_logical_size_swaps_sideways)
{
    int w, h;
    screen_logical_size(90, 1920, 1080, &w, &h);
    CHECK(w == 1080 && h == 1920);
    screen_logical_size(270, 800, 480, &w, &h);
    CHECK(w == 480 && h == 800);
    screen_logical_size(180, 1920, 1080, &w, &h);
    CHECK(w == 1920 && h == 1080);
    screen_logical_size(0, 720, 1280, &w, &h);
    CHECK(w == 720 && h == 1280);
}

/* The panel's four corners, for a 40x30 panel: where each lands in the layout. Clockwise 90:
 * the picture's top-left is at the panel's top-right. */
TEST(screen_rotation_corners)
{
    enum { PW = 40, PH = 30 };
    struct {
        int degrees, px, py, x, y;
    } cases[] = {
        {0, 0, 0, 0, 0},          {0, PW - 1, PH - 1, PW - 1, PH - 1},
        {90, PW - 1, 0, 0, 0},    {90, PW - 1, PH - 1, PH - 1, 0},   {90, 0, 0, 0, PW - 1},
        {90, 0, PH - 1, PH - 1, PW - 1},
        {180, PW - 1, PH - 1, 0, 0}, {180, 0, 0, PW - 1, PH - 1}, {180, 0, PH - 1, PW - 1, 0},
        {270, 0, PH - 1, 0, 0},   {270, 0, 0, PH - 1, 0},           {270, PW - 1, PH - 1, 0, PW - 1},
        {270, PW - 1, 0, PH - 1, PW - 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int x, y;
        screen_to_logical(cases[i].degrees, PW, PH, cases[i].px, cases[i].py, &x, &y);
        if (x != cases[i].x || y != cases[i].y) {
            char msg[200];
            snprintf(msg, sizeof msg, "rotation %d: panel (%d,%d) became (%d,%d), expected (%d,%d)", cases[i].degrees,
                     cases[i].px, cases[i].py, x, y, cases[i].x, cases[i].y);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
}

/* Every panel pixel maps into the layout and back to itself, and no two share a layout pixel. */
TEST(screen_rotation_round_trip_is_a_bijection)
{
    enum { PW = 23, PH = 17 };
    for (int degrees = 0; degrees < 360; degrees += 90) {
        int lw, lh;
        screen_logical_size(degrees, PW, PH, &lw, &lh);
        static unsigned char seen[PW * PH];
        memset(seen, 0, sizeof seen);
        int bad = 0;
        for (int py = 0; py < PH; py++)
            for (int px = 0; px < PW; px++) {
                int x, y, bx, by;
                screen_to_logical(degrees, PW, PH, px, py, &x, &y);
                screen_to_panel(degrees, PW, PH, x, y, &bx, &by);
                if (x < 0 || y < 0 || x >= lw || y >= lh || bx != px || by != py || seen[y * lw + x]++)
                    bad++;
            }
        CHECK_INT(bad, 0);
    }
}

static bool on(const screen_hours *h, int weekday, int hh, int mm) { return screen_hours_on(h, weekday, hh * 60 + mm); }

TEST(screen_hours_weekdays_and_saturday)
{
    screen_hours h;
    err e = {""};
    CHECK(screen_hours_parse(&h, "Mo-Fr 07:30-16:00; Sa 09:00-12:00", &e));
    CHECK(!on(&h, 0, 7, 29));
    CHECK(on(&h, 0, 7, 30));
    CHECK(on(&h, 2, 15, 59));
    CHECK(!on(&h, 2, 16, 0)); /* the end is the first dark minute */
    CHECK(on(&h, 4, 12, 0));
    CHECK(!on(&h, 5, 8, 59));
    CHECK(on(&h, 5, 9, 0));
    CHECK(!on(&h, 5, 12, 0));
    CHECK(!on(&h, 6, 10, 0));
    /* Friday 16:00 dark until Saturday 09:00; Saturday 12:00 dark until Monday 07:30. */
    CHECK_INT(screen_hours_next_change(&h, 4, 16 * 60), 17 * 60);
    CHECK_INT(screen_hours_next_change(&h, 5, 12 * 60), 12 * 60 + 24 * 60 + 7 * 60 + 30);
    CHECK_INT(screen_hours_next_change(&h, 6, 23 * 60 + 59), 7 * 60 + 31); /* across the week's end */
    CHECK_INT(screen_hours_next_change(&h, 0, 7 * 60 + 30), 8 * 60 + 30);
}

TEST(screen_hours_lists_wraps_and_overnight)
{
    screen_hours h;
    err e = {""};
    /* Days in a list and a range that wraps over the weekend; two times a day. */
    CHECK(screen_hours_parse(&h, "we, Fr-Mo 08:00-12:00, 13:00-24:00", &e));
    for (int d = 0; d < 7; d++) {
        bool open = d == 0 || d == 2 || d == 4 || d == 5 || d == 6;
        CHECK(on(&h, d, 8, 0) == open);
        CHECK(on(&h, d, 23, 59) == open);
        CHECK(!on(&h, d, 12, 30));
    }
    /* Overnight: Friday night's hours end on Saturday; Sunday night's run into Monday. */
    CHECK(screen_hours_parse(&h, "Fr,Su 22:00-02:00", &e));
    CHECK(on(&h, 4, 23, 0));
    CHECK(on(&h, 5, 1, 59));
    CHECK(!on(&h, 5, 2, 0));
    CHECK(on(&h, 0, 0, 30));
    CHECK(!on(&h, 4, 1, 0)); /* nothing before Friday's start */
    CHECK_INT(screen_hours_next_change(&h, 4, 22 * 60), 4 * 60);
    /* Times without days: every day. */
    CHECK(screen_hours_parse(&h, "06:00-07:00", &e));
    for (int d = 0; d < 7; d++)
        CHECK(on(&h, d, 6, 30) && !on(&h, d, 7, 0));
}

TEST(screen_hours_always_and_never_change)
{
    screen_hours h;
    err e = {""};
    CHECK(screen_hours_parse(&h, "", &e));
    CHECK(on(&h, 3, 3, 0));
    CHECK_INT(screen_hours_next_change(&h, 3, 180), -1);
    CHECK(screen_hours_parse(&h, "  ", &e));
    CHECK(on(&h, 6, 23, 59));
    CHECK(screen_hours_parse(&h, "Mo-Su 00:00-24:00", &e));
    CHECK(on(&h, 0, 0, 0) && on(&h, 6, 23, 59));
    CHECK_INT(screen_hours_next_change(&h, 0, 0), -1);
    /* No clock yet: on, and no change to wait for. */
    CHECK(screen_hours_parse(&h, "Mo 08:00-09:00", &e));
    CHECK(screen_hours_on(&h, -1, 0));
    CHECK_INT(screen_hours_next_change(&h, -1, 0), -1);
}

TEST(screen_hours_mistakes_are_named)
{
    struct {
        const char *rule, *says;
    } bad[] = {
        {"Mo-Fr 7-18", "HH:MM-HH:MM"},
        {"Di-Fr 07:00-18:00", "'Di' is not a day"},
        {"Mo-Fr", "no times"},
        {"Mo- 08:00-09:00", "a day after '-'"},
        {"Mo 08:00-08:00", "same minute"},
        {"Mo 24:00-02:00", "cannot start at 24:00"},
        {"Mo 08:00-25:00", "HH:MM-HH:MM"},
        {"Mo 08:60-09:00", "HH:MM-HH:MM"},
        {"Mo 08:00-09:00 10:00-11:00", "separate times with ','"},
        {"Sa 09:00-12:00; Mon 08:00-09:00", "'Mon' is not a day"},
        {"Mo 08:00-", "HH:MM-HH:MM"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        screen_hours h;
        err e = {""};
        bool ok = screen_hours_parse(&h, bad[i].rule, &e);
        if (ok || !strstr(e.msg, bad[i].says)) {
            char msg[800];
            snprintf(msg, sizeof msg, "'%s': %s, message '%s' should say '%s'", bad[i].rule, ok ? "accepted" : "refused",
                     e.msg, bad[i].says);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    /* Stray separators are harmless. */
    screen_hours h;
    CHECK(screen_hours_parse(&h, "Mo 08:00-09:00;; Tu 08:00-09:00;", NULL));
    CHECK(on(&h, 1, 8, 30));
}

/* The kiosk sleeps outside the hours once the visit is over, not while someone reads. */
TEST(screen_sleeps_outside_hours_when_nobody_visits)
{
    screen_hours h;
    CHECK(screen_hours_parse(&h, "Mo-Fr 07:00-18:00", NULL));
    pack *p = pack_open(test_demo_pack(), NULL);
    app a;
    app_init(&a, p, 30000);
    CHECK(!screen_should_sleep(&h, &a)); /* no clock yet */
    app_event night = app_clock(2024, 5, 17, 4, 22 * 60), day = app_clock(2024, 5, 17, 4, 10 * 60);
    app_handle(&a, &day);
    CHECK(!screen_should_sleep(&h, &a));
    app_handle(&a, &night);
    CHECK(screen_should_sleep(&h, &a)); /* started at night, untouched: dark at once */

    /* A touch wakes it for the idle time, on the language screen too. */
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 1000});
    app_handle(&a, &(app_event){.type = APP_EV_TOUCH});
    CHECK(!screen_should_sleep(&h, &a));
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 29999});
    CHECK(!screen_should_sleep(&h, &a));
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 1});
    CHECK(screen_should_sleep(&h, &a));

    /* A visit keeps it on however long it is quiet; when the visit is forgotten, the language
     * screen stays the idle time more and then it sleeps. */
    app_event lang = {.type = APP_EV_LANGUAGE};
    snprintf(lang.arg, sizeof lang.arg, "ar");
    app_handle(&a, &lang);
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 29000});
    CHECK(a.depth > 1 && !screen_should_sleep(&h, &a));
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 1000});
    CHECK_INT(a.depth, 1);
    CHECK(!screen_should_sleep(&h, &a));
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 30000});
    CHECK(screen_should_sleep(&h, &a));

    /* Staff reading a USB update's result keep it on. */
    app_service_begin(&a);
    CHECK(!screen_should_sleep(&h, &a));
    app_service_result(&a, true, "installiert", "installed");
    app_handle(&a, &(app_event){.type = APP_EV_SERVICE_CLOSE});
    app_handle(&a, &(app_event){.type = APP_EV_TICK, .value = 30000});
    CHECK(screen_should_sleep(&h, &a));
    /* Opening time: on, whatever the visit. */
    app_handle(&a, &day);
    CHECK(!screen_should_sleep(&h, &a));
    pack_close(p);
}

/* ---- The platform: the turned picture on the panel, touches, sleep ---------------------- */

static Uint32 pixel_at(SDL_Surface *s, int x, int y)
{
    return *(Uint32 *)((Uint8 *)s->pixels + y * s->pitch + x * 4);
}

static SDL_Surface *load_rgba(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    SDL_Surface *s = raw ? SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(raw);
    return s;
}

/* What the panel receives, read back pixel by pixel: the picture turned clockwise. Checked
 * without the mapping under test first (90: the picture's top row is the panel's right
 * column, read downwards), then every pixel through screen_to_logical. */
TEST(screen_panel_gets_the_picture_turned_clockwise)
{
    pack *p = pack_open(test_demo_pack(), NULL);
    session s;
    err e = {""};
    CHECK(session_init(&s, p, test_fonts(), 240, 400, 90000, &e));
    app_event lang = {.type = APP_EV_LANGUAGE};
    snprintf(lang.arg, sizeof lang.arg, "ar");
    app_handle(&s.app, &lang);
    char picture_path[600], panel_path[600];
    snprintf(picture_path, sizeof picture_path, "%s/turn-picture.png", test_tmpdir());
    CHECK(platform_screenshot(&s, picture_path, &e));
    SDL_Surface *picture = load_rgba(picture_path);
    CHECK(picture && picture->w == 240 && picture->h == 400);
    for (int degrees = 0; picture && degrees < 360; degrees += 90) {
        snprintf(panel_path, sizeof panel_path, "%s/turn-panel-%d.png", test_tmpdir(), degrees);
        CHECK(platform_screenshot_panel(&s, degrees, panel_path, &e));
        SDL_Surface *panel = load_rgba(panel_path);
        int pw, ph;
        screen_logical_size(degrees, 240, 400, &pw, &ph);
        CHECK(panel && panel->w == pw && panel->h == ph);
        if (!panel || panel->w != pw || panel->h != ph) {
            SDL_FreeSurface(panel);
            continue;
        }
        int edge_wrong = 0, wrong = 0;
        for (int i = 0; i < 240; i++) {
            /* The picture's top row, left to right, on the panel. */
            Uint32 want = pixel_at(picture, i, 0);
            Uint32 got = degrees == 0     ? pixel_at(panel, i, 0)
                         : degrees == 90  ? pixel_at(panel, pw - 1, i)
                         : degrees == 180 ? pixel_at(panel, pw - 1 - i, ph - 1)
                                          : pixel_at(panel, 0, ph - 1 - i);
            edge_wrong += got != want;
        }
        for (int py = 0; py < ph; py++)
            for (int px = 0; px < pw; px++) {
                int x, y;
                screen_to_logical(degrees, pw, ph, px, py, &x, &y);
                wrong += pixel_at(panel, px, py) != pixel_at(picture, x, y);
            }
        CHECK_INT(edge_wrong, 0);
        CHECK_INT(wrong, 0);
        SDL_FreeSurface(panel);
    }
    /* The picture is not uniform, or the comparisons would prove nothing. */
    if (picture)
        CHECK(pixel_at(picture, 5, 5) != pixel_at(picture, 5, 395));
    SDL_FreeSurface(picture);
    session_free(&s);
    pack_close(p);
}

/* The kiosk's real window loop (SDL's offscreen driver, software renderer) in this process,
 * fed finger events as SDL gives them: fractions of the panel. */
typedef struct timed_event {
    Uint32 type;
    float x, y;
} timed_event;

static Uint32 push_later(Uint32 interval, void *user)
{
    const timed_event *t = user;
    SDL_Event ev = {.type = t->type};
    if (t->type != SDL_QUIT)
        ev.tfinger = (SDL_TouchFingerEvent){.type = t->type, .touchId = 1, .fingerId = 7, .x = t->x, .y = t->y};
    SDL_PushEvent(&ev);
    return 0;
}

/* Where to touch the panel, as fractions, to hit the middle of `text` in the layout. */
static bool aim(session *s, int degrees, const char *text, float *fx, float *fy)
{
    const view_cmd *t = view_find_text(session_display(s), text);
    if (!t)
        return false;
    int pw, ph, px, py;
    screen_logical_size(degrees, s->width, s->height, &pw, &ph);
    screen_to_panel(degrees, pw, ph, t->rect.x + t->rect.w / 2, t->rect.y + t->rect.h / 2, &px, &py);
    *fx = (px + 0.5f) / (float)pw;
    *fy = (py + 0.5f) / (float)ph;
    return true;
}

static bool run_window(session *s, int degrees, const screen_hours *hours, timed_event *events, const Uint32 *at,
                       int count, err *e)
{
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_InitSubSystem(SDL_INIT_EVENTS | SDL_INIT_TIMER) != 0)
        return err_set(e, "SDL: %s", SDL_GetError());
    for (int i = 0; i < count; i++)
        SDL_AddTimer(at[i], push_later, &events[i]);
    bool ok = platform_run(s, false, degrees, hours, e);
    SDL_QuitSubSystem(SDL_INIT_EVENTS | SDL_INIT_TIMER);
    return ok;
}

TEST(screen_touch_on_a_turned_panel_presses_what_is_drawn_there)
{
    pack *p = pack_open(test_demo_pack(), NULL);
    for (int degrees = 0; degrees < 360; degrees += 90) {
        session s;
        err e = {""};
        CHECK(session_init(&s, p, test_fonts(), 480, 800, 90000, &e));
        float fx = 0, fy = 0;
        CHECK(aim(&s, degrees, "Deutsch", &fx, &fy));
        SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        CHECK(SDL_InitSubSystem(SDL_INIT_EVENTS) == 0);
        /* The touch and the close wait in SDL's queue before the loop starts (it lays itself out
         * before it reads the first event), so no timing decides whether they arrive in time. */
        SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
        SDL_Event ev = {0};
        ev.tfinger = (SDL_TouchFingerEvent){.type = SDL_FINGERDOWN, .touchId = 1, .fingerId = 7, .x = fx, .y = fy};
        SDL_PushEvent(&ev);
        ev.tfinger.type = SDL_FINGERUP;
        SDL_PushEvent(&ev);
        ev = (SDL_Event){.type = SDL_QUIT};
        SDL_PushEvent(&ev);
        CHECK(platform_run(&s, false, degrees, NULL, &e));
        SDL_QuitSubSystem(SDL_INIT_EVENTS);
        if (strcmp(s.app.lang, "de")) {
            char msg[300];
            snprintf(msg, sizeof msg, "rotation %d: a touch at (%.3f, %.3f) of the panel chose '%s', not Deutsch",
                     degrees, fx, fy, s.app.lang);
            test_fail(__FILE__, __LINE__, msg);
        }
        CHECK(s.width == 480 && s.height == 800); /* the layout keeps its size on the turned panel */
        session_free(&s);
    }
    pack_close(p);
}

/* A wheel that reports any Sint32 (a broken or hostile device) scrolls the page within its
 * bounds: no overflow (UBSan stops the run on one), no scroll past either end. */
TEST(screen_wheel_of_any_size_scrolls_within_the_page)
{
    pack *p = pack_open(test_demo_pack(), NULL);
    session s;
    err e = {""};
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "ar"});
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "110"});
    session_display(&s);
    int max = app_current(&s.app)->scroll_max;
    CHECK(max > 0);
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    CHECK(SDL_InitSubSystem(SDL_INIT_EVENTS) == 0);
    /* A notch moves a tenth of the screen; at most a hundred notches count at once. */
    int notch = s.height / 10, most = 100 * notch;
    static const Sint32 notches[] = {INT32_MIN, INT32_MAX, -1, INT32_MIN + 1, 1};
    for (size_t i = 0; i < sizeof notches / sizeof notches[0]; i++) {
        SDL_FlushEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
        SDL_Event ev = {0};
        ev.wheel = (SDL_MouseWheelEvent){.type = SDL_MOUSEWHEEL, .y = notches[i]};
        SDL_PushEvent(&ev);
        ev = (SDL_Event){.type = SDL_QUIT};
        SDL_PushEvent(&ev);
        int before = app_current(&s.app)->scroll;
        CHECK(platform_run(&s, false, 0, NULL, &e));
        int after = app_current(&s.app)->scroll;
        long long by = notches[i] == -1 ? notch : notches[i] == 1 ? -notch : notches[i] < 0 ? most : -most;
        long long want = before + by < 0 ? 0 : before + by > max ? max : before + by;
        CHECK_INT(after, (int)want);
    }
    SDL_QuitSubSystem(SDL_INIT_EVENTS);
    session_free(&s);
    pack_close(p);
}

/* Outside the hours the display sleeps (here, without KMSDRM, drawn black and said once);
 * a touch wakes it without pressing what is under the finger. */
TEST(screen_sleeps_and_a_touch_wakes_it)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    static const char *const days[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    char rule[40];
    snprintf(rule, sizeof rule, "%s 00:00-24:00", days[((tm.tm_wday + 6) % 7 + 2) % 7]); /* the day after tomorrow */
    screen_hours hours;
    CHECK(screen_hours_parse(&hours, rule, NULL));

    pack *p = pack_open(test_demo_pack(), NULL);
    session s;
    err e = {""};
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    timed_event ev[3] = {{SDL_FINGERDOWN, 0, 0}, {SDL_FINGERUP, 0, 0}, {SDL_QUIT, 0, 0}};
    CHECK(aim(&s, 0, "Deutsch", &ev[0].x, &ev[0].y));
    ev[1].x = ev[0].x;
    ev[1].y = ev[0].y;
    Uint32 at[3] = {700, 750, 1200};

    char log_path[600];
    snprintf(log_path, sizeof log_path, "%s/sleep.log", test_tmpdir());
    fflush(stderr);
    int saved = dup(2), fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    bool ok = run_window(&s, 0, &hours, ev, at, 3, &e);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    CHECK(ok);

    char log[4096] = "";
    FILE *f = fopen(log_path, "r");
    if (f) {
        log[fread(log, 1, sizeof log - 1, f)] = 0;
        fclose(f);
    }
    const char *sleeps = strstr(log, "the display sleeps until a touch, or ");
    const char *black = strstr(log, "cannot be switched off (the video driver is offscreen, not KMSDRM)");
    const char *wakes = strstr(log, "the display is on again");
    CHECK(sleeps && black && wakes && sleeps < black && black < wakes);
    if (wakes)
        CHECK(!strstr(wakes + 1, "the display sleeps")); /* awake now for the idle time */
    CHECK(!strstr(log, "cannot be switched on")); /* the broken DPMS is said once */
    CHECK_STR(s.app.lang, "");                    /* the waking touch chose nothing */
    CHECK_INT(s.app.depth, 1);
    CHECK(s.app.last_input_ms > 0); /* but it counts as a visit: the idle time starts over */
    session_free(&s);
    pack_close(p);
}
