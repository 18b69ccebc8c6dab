/* wegweiser: the kiosk. Full screen on the board; a window or a headless screenshot for
 * people and tests. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "notify.h"
#include "paths.h"
#include "platform.h"
#include "update.h"
#include "fetch_poll.h"

static const char USAGE[] =
    "usage: wegweiser [options]\n"
    "       wegweiser update ...   install a content pack from a USB stick (update --help)\n"
    "  --pack FILE         content pack (default: the bundled demo pack)\n"
    "  --data-dir DIR      show the pack installed there by 'wegweiser update'; falls back to\n"
    "                      the previous one, then to --pack or the demo pack\n"
    "  --window            run in a window instead of full screen\n"
    "  --screen-inches D   the screen's diagonal in inches (7, 10.1, 21.5): buttons are sized\n"
    "                      to 9 mm on it (docs/screen.md)\n"
    "  --dpi N             the screen's pixels per inch, instead of --screen-inches (default:\n"
    "                      133, the official 7-inch display, or the display's own if finer)\n"
    "  --size WxH          window or screenshot size (default 1280x800); with --rotate, the\n"
    "                      panel's size before turning\n"
    "  --rotate DEGREES    turn the picture and the touches clockwise by 0, 90, 180 or 270, for\n"
    "                      a screen mounted on its side (90: the picture's top at the panel's\n"
    "                      right edge); screenshots show the picture as people see it\n"
    "  --screen-hours RULES  when the display is on, e.g. 'Mo-Fr 07:30-16:00; Sa 09:00-12:00';\n"
    "                      outside them it sleeps once the visit is over and wakes on a touch\n"
    "                      (default: always on; rules the kiosk cannot read keep it on)\n"
    "  --lang CODE         start in this language instead of the language screen\n"
    "  --page CODE         start on this page (needs --lang)\n"
    "  --idle SECONDS      go back to the language screen after this long untouched (default 90)\n"
    "  --clock 'YYYY-MM-DD HH:MM'  pretend it is this local time (screenshots, tests)\n"
    "  --usb-dir DIR       watch for USB sticks mounted under DIR and install signed packs from\n"
    "                      them (needs --data-dir and --trusted-keys; docs/update.md)\n"
    "  --update-url URL    poll this folder (https://, written by 'wegweiser-pack publish') for\n"
    "                      newer packs and install them (needs --data-dir and --trusted-keys;\n"
    "                      docs/fleet.md); --update-ca FILE: the county's own CA,\n"
    "                      --update-interval MINUTES (default 60, with jitter and back-off),\n"
    "                      --update-allow-http, --update-first-ms MS (tests: the first poll)\n"
    "  --report-url URL    after each poll, PUT this kiosk's status into this WebDAV folder\n"
    "  --usage-stats       count anonymous usage figures in the data directory (needs --data-dir;\n"
    "                      docs/privacy.md) and write them to staff sticks\n"
    "  --kiosk-id NAME     this kiosk's name on receipts and figures (default: the host name)\n"
    "  --trusted-keys DIR  minisign public keys (*.pub) a pack must be signed with\n"
    "  --region NAME       accept packs of this region only (default: the installed pack's)\n"
    "  --screenshot FILE   draw one screen into a PNG file and exit (no display needed)\n"
    "  --events FILE       replay an event script (docs/events.md) headless, print the state\n"
    "                      after every line, and exit\n"
    "  --assets DIR        fonts and icons (default: found beside the program)\n"
    "  --locale-dir DIR    translations (default: found beside the program)\n"
    "  --exit-after MS     quit the window loop by itself after MS milliseconds (tests)\n";

typedef struct options {
    const char *data_dir;
    const char *pack, *lang, *page, *screenshot, *events, *assets, *locale, *clock;
    const char *usb_dir, *keys, *region, *mountinfo, *screen_hours;
    const char *kiosk_id;
    const char *update_url, *update_ca, *report_url;
    bool update_allow_http;
    long update_interval_min, update_first_ms;
    bool window, usage_stats;
    int width, height, dpi, rotation;
    double screen_inches;
    unsigned long idle_ms;
    long exit_after_ms;
} options;

static bool parse(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            exit(0);
        } else if (!strcmp(a, "--usage-stats")) {
            o->usage_stats = true;
        } else if (next && !strcmp(a, "--kiosk-id")) {
            o->kiosk_id = argv[++i];
        } else if (!strcmp(a, "--window")) {
            o->window = true;
        } else if (next && !strcmp(a, "--size")) {
            if (sscanf(next, "%dx%d", &o->width, &o->height) != 2 || o->width < 100 || o->height < 100 ||
                o->width > 8192 || o->height > 8192) {
                fprintf(stderr, "wegweiser: --size wants WIDTHxHEIGHT such as 1280x800, not '%s'\n", next);
                return false;
            }
            i++;
        } else if (next && !strcmp(a, "--dpi")) {
            char *end;
            long dpi = strtol(next, &end, 10);
            if (*end || dpi < 50 || dpi > 600) {
                fprintf(stderr, "wegweiser: --dpi wants pixels per inch between 50 and 600, not '%s'\n", next);
                return false;
            }
            o->dpi = (int)dpi;
            i++;
        } else if (next && !strcmp(a, "--screen-inches")) {
            char *end;
            o->screen_inches = strtod(next, &end);
            if (*end || !(o->screen_inches >= 3 && o->screen_inches <= 120)) {
                fprintf(stderr, "wegweiser: --screen-inches wants the diagonal between 3 and 120, such as 7 or 10.1, "
                                "not '%s'\n",
                        next);
                return false;
            }
            i++;
        } else if (next && !strcmp(a, "--rotate")) {
            err e;
            if (!screen_rotation_parse(next, &o->rotation, &e)) {
                fprintf(stderr, "wegweiser: --rotate: %s\n", e.msg);
                return false;
            }
            i++;
        } else if (next && !strcmp(a, "--screen-hours")) {
            o->screen_hours = argv[++i];
        } else if (next && !strcmp(a, "--idle")) {
            char *end;
            long s = strtol(next, &end, 10);
            if (*end || s < 5 || s > 86400) {
                fprintf(stderr, "wegweiser: --idle wants seconds from 5 to 86400 (a day), not '%s'\n", next);
                return false;
            }
            o->idle_ms = (unsigned long)s * 1000;
            i++;
        } else if (next && !strcmp(a, "--exit-after")) {
            char *end;
            o->exit_after_ms = strtol(next, &end, 10);
            if (*end || o->exit_after_ms < 1) {
                fprintf(stderr, "wegweiser: --exit-after wants milliseconds, at least 1\n");
                return false;
            }
            i++;
        } else if (next && !strcmp(a, "--update-url")) {
            o->update_url = argv[++i];
        } else if (next && !strcmp(a, "--report-url")) {
            o->report_url = argv[++i];
        } else if (next && !strcmp(a, "--update-ca")) {
            o->update_ca = argv[++i];
        } else if (!strcmp(a, "--update-allow-http")) {
            o->update_allow_http = true;
        } else if (next && (!strcmp(a, "--update-interval") || !strcmp(a, "--update-first-ms"))) {
            char *end;
            long v = strtol(next, &end, 10);
            bool first = !strcmp(a, "--update-first-ms");
            if (*end || v < (first ? 0 : 1) || v > (first ? 86400000L : FETCH_POLL_INTERVAL_MIN_MAX)) {
                fprintf(stderr, "wegweiser: %s wants %s, not '%s'\n", a,
                        first ? "milliseconds from 0 to a day" : "minutes from 1 to a week", next);
                return false;
            }
            *(first ? &o->update_first_ms : &o->update_interval_min) = v;
            i++;
        } else if (next && !strcmp(a, "--usb-dir")) {
            o->usb_dir = argv[++i];
        } else if (next && !strcmp(a, "--trusted-keys")) {
            o->keys = argv[++i];
        } else if (next && !strcmp(a, "--region")) {
            o->region = argv[++i];
        } else if (next && !strcmp(a, "--mountinfo")) {
            o->mountinfo = argv[++i]; /* tests: a mount table of their own */
        } else if (next && !strcmp(a, "--clock")) {
            o->clock = argv[++i];
        } else if (next && !strcmp(a, "--data-dir")) {
            o->data_dir = argv[++i];
        } else if (next && !strcmp(a, "--pack")) {
            o->pack = argv[++i];
        } else if (next && !strcmp(a, "--lang")) {
            o->lang = argv[++i];
        } else if (next && !strcmp(a, "--page")) {
            o->page = argv[++i];
        } else if (next && !strcmp(a, "--screenshot")) {
            o->screenshot = argv[++i];
        } else if (next && !strcmp(a, "--events")) {
            o->events = argv[++i];
        } else if (next && !strcmp(a, "--assets")) {
            o->assets = argv[++i];
        } else if (next && !strcmp(a, "--locale-dir")) {
            o->locale = argv[++i];
        } else {
            fprintf(stderr, "wegweiser: unknown or incomplete option '%s'\n%s", a, USAGE);
            return false;
        }
    }
    if (o->dpi && o->screen_inches > 0) {
        fprintf(stderr, "wegweiser: give --dpi or --screen-inches, not both\n");
        return false;
    }
    return true;
}

/* --exit-after: an SDL timer posts the same quit a closed window would. */
static Uint32 exit_timer(Uint32 interval, void *user)
{
    (void)interval;
    (void)user;
    SDL_PushEvent(&(SDL_Event){.type = SDL_QUIT});
    return 0;
}

static bool screenshot_hook(session *s, const char *path, void *user, err *e)
{
    (void)user;
    return platform_screenshot(s, path, e);
}

static bool replay(session *s, const char *path, err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(e, "cannot read event script %s", path);
    char line[1200], state[256];
    bool ok = true;
    for (int n = 1; ok && fgets(line, sizeof line, f); n++) {
        err le;
        if (!session_script_line(s, line, screenshot_hook, NULL, &le)) {
            ok = err_set(e, "%s:%d: %s", path, n, le.msg);
            break;
        }
        session_display(s);
        session_describe(s, state, sizeof state);
        printf("%d %s\n", n, state);
    }
    fclose(f);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "update"))
        return update_main(argc, argv);
    options o = {.width = 1280, .height = 800, .idle_ms = 90000, .update_first_ms = -1};
    if (!parse(argc, argv, &o))
        return 2;
    char assets[1024], locale[1024], demo[1024];
    paths_assets(assets, sizeof assets);
    paths_locale(locale, sizeof locale);
    paths_demo_pack(demo, sizeof demo);
    err e = {""};
    if (!i18n_init(o.locale ? o.locale : locale, &e))
        fprintf(stderr, "wegweiser: %s\n", e.msg);
    text_fonts *fonts = text_fonts_open(o.assets ? o.assets : assets, &e);
    if (!fonts) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
        return 1;
    }
    /* Without a pack the kiosk still starts and says so on screen, never a blank one. */
    pack *p = NULL;
    update_source source = UPDATE_SOURCE_NONE;
    char what[1200] = "";
    if (o.data_dir) {
        /* The installed pack, else its predecessor, else the demo: say which, for the logs. */
        source = update_open_installed(o.data_dir, o.pack ? o.pack : demo, &p, what, sizeof what, &e);
        fprintf(stderr, "wegweiser: %s\n", what);
    } else if (!(p = pack_open(o.pack ? o.pack : demo, &e))) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
    }
    /* A typo in the hours must not leave the lobby dark: the display then stays on. */
    screen_hours hours;
    bool have_hours = o.screen_hours && screen_hours_parse(&hours, o.screen_hours, &e);
    if (o.screen_hours && !have_hours)
        fprintf(stderr, "wegweiser: --screen-hours: %s; the display stays on\n", e.msg);
    session s;
    int status = 0;
    int width, height;
    screen_logical_size(o.rotation, o.width, o.height, &width, &height);
    if (!session_init(&s, p, fonts, width, height, o.idle_ms, &e)) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
        return 1;
    }
    if (o.data_dir) {
        /* Not on the installed pack although one was installed: staff see it on screen. */
        char de[1024], en[1024];
        if (update_start_notice(source, p, e.msg, de, en, sizeof de))
            app_service_notice(&s.app, de, en);
    }
    s.dpi = o.dpi;
    s.screen_inches = o.screen_inches;
    if (o.data_dir && o.keys) {
        s.updates = (update_options){
            .data_dir = o.data_dir, .keys_dir = o.keys, .region = o.region, .kiosk_id = o.kiosk_id};
        s.demo_path = o.pack ? o.pack : demo;
        s.usb_root = o.usb_dir;
        s.mountinfo = o.mountinfo ? o.mountinfo : "/proc/self/mountinfo";
        if (o.update_url && *o.update_url) {
            /* The poll runs this very program as `wegweiser update --from URL`. */
            static char exe[4096];
            ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
            exe[n > 0 ? n : 0] = 0;
            s.net = (fetch_poll_config){.exe = exe[0] ? exe : NULL, .url = o.update_url, .ca_file = o.update_ca,
                                        .data_dir = o.data_dir, .keys_dir = o.keys, .region = o.region,
                                        .kiosk_id = o.kiosk_id, .allow_http = o.update_allow_http,
                                        .report_url = o.report_url && *o.report_url ? o.report_url : NULL,
                                        .interval_min = o.update_interval_min, .first_ms = o.update_first_ms};
        }
    } else if (o.usb_dir || o.update_url) {
        fprintf(stderr, "wegweiser: --usb-dir and --update-url need --data-dir and --trusted-keys; no updates\n");
    }
    if (o.usage_stats && !o.data_dir) {
        fprintf(stderr, "wegweiser: --usage-stats needs --data-dir; no figures are counted\n");
    } else if (o.usage_stats) {
        /* Figures never stop a kiosk: without them it runs as before and says why. */
        err ue;
        s.usage = usage_open(o.data_dir, &ue);
        if (!s.usage || ue.msg[0])
            fprintf(stderr, "wegweiser: %s%s\n", ue.msg, s.usage ? "" : "; no figures are counted");
    }
    if (o.clock) {
        struct tm tm = {0};
        if (sscanf(o.clock, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5) {
            fprintf(stderr, "wegweiser: --clock wants 'YYYY-MM-DD HH:MM', not '%s'\n", o.clock);
            return 2;
        }
        int year = tm.tm_year, month = tm.tm_mon;
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_isdst = -1;
        mktime(&tm); /* fills in the weekday */
        app_event ev = app_clock(year, month, tm.tm_mday, (tm.tm_wday + 6) % 7, tm.tm_hour * 60 + tm.tm_min);
        app_handle(&s.app, &ev);
    } else {
        platform_clock(&s);
    }
    if (o.lang) {
        if (p && !pack_language_find(p, o.lang)) {
            fprintf(stderr, "wegweiser: the pack has no language '%s'\n", o.lang);
            status = 2;
        }
        app_event ev = {.type = APP_EV_LANGUAGE};
        snprintf(ev.arg, sizeof ev.arg, "%s", o.lang);
        app_handle(&s.app, &ev);
    }
    if (o.page && status == 0) {
        app_event ev = {.type = APP_EV_OPEN};
        snprintf(ev.arg, sizeof ev.arg, "%s", o.page);
        app_handle(&s.app, &ev);
        if (p && !pack_page_find(p, o.page)) {
            fprintf(stderr, "wegweiser: the pack has no page '%s'\n", o.page);
            status = 2;
        }
    }
    if (status == 0 && o.events && !replay(&s, o.events, &e)) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
        status = 1;
    }
    if (status == 0 && o.screenshot && !platform_screenshot(&s, o.screenshot, &e)) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
        status = 1;
    }
    if (status == 0 && !o.screenshot && !o.events) {
        char line[256];
        const pack_meta *m = p ? pack_get_meta(p) : NULL;
        if (what[0])
            snprintf(line, sizeof line, "%s", what); /* which pack of the data folder, and why */
        else if (m)
            snprintf(line, sizeof line, "showing %s %s", m->region, m->version);
        else
            snprintf(line, sizeof line, "showing no content: %s", e.msg);
        notify_status(line);
        if (o.exit_after_ms && (SDL_InitSubSystem(SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0 ||
                                !SDL_AddTimer((Uint32)o.exit_after_ms, exit_timer, NULL))) {
            fprintf(stderr, "wegweiser: cannot set the --exit-after timer: %s\n", SDL_GetError());
            status = 1;
        }
    }
    if (status == 0 && !o.screenshot && !o.events && !platform_run(&s, !o.window, o.rotation, have_hours ? &hours : NULL, &e)) {
        fprintf(stderr, "wegweiser: %s\n", e.msg);
        status = 1;
    }
    session_free(&s);
    usage_close(s.usage);
    pack_close(p);
    text_fonts_close(fonts);
    TTF_Quit();
    SDL_Quit();
    return status;
}
