/* The kiosk under a service manager: the sd_notify messages systemd's Type=notify and
 * WatchdogSec= depend on (board/rpi/wegweiser.staff.shown). A test binds the datagram socket
 * systemd would, points NOTIFY_SOCKET at it and reads what arrives. The board's install
 * script, units and udev rule are tested by `make check-board` (too slow for here). */
#include <SDL_image.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "test.h"

#define MESSAGES_MAX 256

typedef struct messages {
    char text[MESSAGES_MAX][256];
    int count;
} messages;

/* Binds a fresh datagram socket in the test folder and returns its descriptor. */
static int fake_systemd(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", test_tmpdir(), name);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        test_fail(__FILE__, __LINE__, "cannot bind a unix datagram socket");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Takes every datagram waiting on the socket, without blocking. */
static void drain(int fd, messages *m)
{
    char buf[512];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT)) >= 0) {
        buf[n] = 0;
        if (m && m->count < MESSAGES_MAX)
            snprintf(m->text[m->count++], sizeof m->text[0], "%s", buf);
    }
}

static int count(const messages *m, const char *text)
{
    int n = 0;
    for (int i = 0; i < m->count; i++)
        n += strcmp(m->text[i], text) == 0;
    return n;
}

static int first(const messages *m, const char *prefix)
{
    for (int i = 0; i < m->count; i++)
        if (!strncmp(m->text[i], prefix, strlen(prefix)))
            return i;
    return -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

TEST(board_notify_outside_systemd_does_nothing)
{
    unsetenv("NOTIFY_SOCKET");
    setenv("WATCHDOG_USEC", "1000000", 1);
    CHECK(!notify_ready());
    CHECK(!notify_watchdog());
    CHECK(!notify_status("nobody listens"));
    unsetenv("WATCHDOG_USEC");
}

TEST(board_notify_watchdog_at_half_the_interval)
{
    char path[300];
    int fd = fake_systemd("notify-unit.sock", path, sizeof path);
    if (fd < 0)
        return;
    setenv("NOTIFY_SOCKET", path, 1);

    /* No WatchdogSec=: never a keep-alive, however often the loop asks. */
    unsetenv("WATCHDOG_USEC");
    for (int i = 0; i < 20; i++)
        CHECK(!notify_watchdog());

    /* WatchdogSec=0.4s: one WATCHDOG=1, then none until 0.2 s have passed. */
    setenv("WATCHDOG_USEC", "400000", 1);
    sleep_ms(250); /* whatever an earlier call sent is now half an interval old */
    int sent = 0;
    for (int i = 0; i < 50; i++)
        sent += notify_watchdog();
    CHECK_INT(sent, 1);
    sleep_ms(250);
    sent = 0;
    for (int i = 0; i < 50; i++)
        sent += notify_watchdog();
    CHECK_INT(sent, 1);

    /* A watchdog meant for another process (WATCHDOG_PID) is not ours to feed. */
    sleep_ms(250);
    setenv("WATCHDOG_PID", "1", 1);
    CHECK(!notify_watchdog());
    unsetenv("WATCHDOG_PID");

    CHECK(notify_ready());
    CHECK(notify_status("line one\nline two"));
    char long_status[400];
    memset(long_status, 'x', sizeof long_status);
    strcpy(long_status + 246, "ـــــــــــــ"); /* Arabic tatweel, two bytes each, across the cut */
    CHECK(notify_status(long_status));

    messages m = {0};
    drain(fd, &m);
    CHECK_INT(m.count, 5);
    CHECK_INT(count(&m, "WATCHDOG=1"), 2);
    CHECK_INT(count(&m, "READY=1"), 1);
    CHECK_INT(count(&m, "STATUS=line one line two"), 1);
    int cut = first(&m, "STATUS=xxx");
    CHECK(cut >= 0);
    if (cut >= 0) {
        const char *t = m.text[cut];
        size_t n = strlen(t);
        CHECK(n < 256 && n > 240);
        /* Ends on a whole character: an even number of tatweel bytes after the x's. */
        CHECK_INT((n - 7 - 246) % 2, 0);
    }
    unsetenv("WATCHDOG_USEC");
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path);
}

/* The real window loop (SDL's offscreen driver) under a fake systemd, as the unit runs it.
 * The socket is read while the kiosk runs, as systemd does: sd_notify blocks once the
 * socket's queue is full. SDL's software renderer: Mesa's software GL, unloaded at exit,
 * leaves allocations LeakSanitizer cannot put a name to; the notify path is the same for
 * any renderer. */
static int run_kiosk(const char *socket_path, const char *watchdog_usec, int exit_after_ms, messages *m, int fd,
                     const char *more, char *out, size_t out_size)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "NOTIFY_SOCKET='%s' %s%s SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software "
             "SDL_FRAMEBUFFER_ACCELERATION=0 %s --window --size 800x480 --pack %s --exit-after %d %s 2>&1",
             socket_path, watchdog_usec ? "WATCHDOG_USEC=" : "", watchdog_usec ? watchdog_usec : "",
             test_bin("wegweiser"), test_demo_pack(), exit_after_ms, more ? more : "");
    FILE *f = popen(cmd, "r");
    if (!f) {
        test_fail(__FILE__, __LINE__, "cannot start the kiosk");
        return -1;
    }
    size_t n = 0;
    bool open = true;
    /* Until the kiosk closes its output, or a minute: a hung kiosk fails the test, not the run. */
    for (int waited = 0; open && waited < 60000; waited += 50) {
        struct pollfd p[2] = {{.fd = fileno(f), .events = POLLIN}, {.fd = fd, .events = POLLIN}};
        if (poll(p, 2, 50) < 0)
            break;
        drain(fd, m);
        if (p[0].revents) {
            ssize_t got = read(fileno(f), out + n, out_size - 1 - n);
            if (got <= 0)
                open = false;
            else if ((n += (size_t)got) >= out_size - 1)
                n = 0; /* keep reading; only the end matters */
        }
    }
    out[n] = 0;
    if (open)
        test_fail(__FILE__, __LINE__, "the kiosk did not quit by itself within a minute");
    int status = open ? -1 : pclose(f);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    drain(fd, m);
    if (rc != 0) {
        char msg[3000];
        snprintf(msg, sizeof msg, "%s exited %d: %s", cmd, rc, out);
        test_fail(__FILE__, __LINE__, msg);
    }
    return rc;
}

TEST(board_kiosk_tells_systemd_ready_then_alive)
{
    char path[300];
    int fd = fake_systemd("notify-kiosk.sock", path, sizeof path);
    if (fd < 0)
        return;
    /* WatchdogSec=0.2s: a keep-alive every 0.1 s, from a loop that wakes every 0.1 s. */
    messages m = {0};
    char out[4096];
    CHECK_INT(run_kiosk(path, "200000", 2500, &m, fd, NULL, out, sizeof out), 0);
    int ready = first(&m, "READY=1"), alive = first(&m, "WATCHDOG=1");
    CHECK_INT(count(&m, "READY=1"), 1);
    CHECK(ready >= 0);
    CHECK(alive > ready); /* READY=1 comes with the first frame, before any keep-alive */
    CHECK(count(&m, "WATCHDOG=1") >= 3);
    int status = first(&m, "STATUS=showing ");
    CHECK(status >= 0 && status < ready);
    if (status >= 0)
        CHECK(strstr(m.text[status], "kaiserslautern") != NULL);

    /* Without WatchdogSec= the kiosk still says it is ready, and sends no keep-alives. */
    messages quiet = {0};
    CHECK_INT(run_kiosk(path, NULL, 300, &quiet, fd, NULL, out, sizeof out), 0);
    CHECK_INT(count(&quiet, "READY=1"), 1);
    CHECK_INT(count(&quiet, "WATCHDOG=1"), 0);
    close(fd);
    unlink(path);
}

/* Outside the screen hours the kiosk sleeps at once (untouched since start), and systemd's
 * watchdog is still fed from the sleeping loop. The hours: all of the day after tomorrow. */
TEST(board_kiosk_feeds_the_watchdog_while_the_display_sleeps)
{
    char path[300];
    int fd = fake_systemd("notify-sleep.sock", path, sizeof path);
    if (fd < 0)
        return;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    static const char *const days[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    char more[100], out[4096] = "";
    snprintf(more, sizeof more, "--screen-hours '%s 00:00-24:00'", days[((tm.tm_wday + 6) % 7 + 2) % 7]);
    messages m = {0};
    CHECK_INT(run_kiosk(path, "200000", 2500, &m, fd, more, out, sizeof out), 0);
    CHECK_INT(count(&m, "READY=1"), 1); /* the first frame comes before the sleep */
    CHECK(count(&m, "WATCHDOG=1") >= 10);
    CHECK(strstr(out, "the display sleeps until a touch") != NULL);
    CHECK(strstr(out, "on again") == NULL);
    close(fd);
    unlink(path);
}

TEST(board_notify_says_when_the_watchdog_is_due)
{
    char path[300];
    int fd = fake_systemd("notify-due.sock", path, sizeof path);
    if (fd < 0)
        return;
    setenv("NOTIFY_SOCKET", path, 1);
    unsetenv("WATCHDOG_USEC");
    CHECK_INT(notify_watchdog_due_ms(), -1);
    setenv("WATCHDOG_USEC", "400000", 1);
    sleep_ms(250); /* whatever was sent before is now older than half the interval */
    CHECK_INT(notify_watchdog_due_ms(), 0);
    CHECK(notify_watchdog());
    long due = notify_watchdog_due_ms(); /* the next one at half of 0.4 s */
    CHECK(due > 100 && due <= 200);
    unsetenv("WATCHDOG_USEC");
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path);
}

/* start-kiosk turns kiosk.conf's screen settings into the kiosk's options, and the kiosk
 * started with them draws the picture turned: the panel 1920x1080, the picture portrait. */
TEST(board_start_kiosk_passes_rotation_and_screen_hours)
{
    const char *t = test_tmpdir();
    char cmd[2048], out[4096], conf[600], args[600];
    snprintf(args, sizeof args, "%s/print-args", t);
    FILE *f = fopen(args, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("#!/bin/sh\nfor a; do printf '[%s]' \"$a\"; done\n", f);
    fclose(f);
    chmod(args, 0755);
    snprintf(conf, sizeof conf, "%s/screen.conf", t);
    struct {
        const char *settings, *has, *lacks;
    } cases[] = {
        {"screen_rotation=90\nscreen_hours=Mo-Fr 07:30-16:00; Sa 09:00-12:00\n",
         "[--screen-hours][Mo-Fr 07:30-16:00; Sa 09:00-12:00][--rotate][90]", NULL},
        {"screen_rotation=45\nscreen_hours=\n", "screen_rotation=45 is not 0, 90, 180 or 270: using 0", "--rotate"},
        {"screen_rotation=0\n", "[--idle]", "--screen-hours"},
        {"usage_stats=on\nkiosk_id=rathaus-foyer\n", "[--kiosk-id][rathaus-foyer][--usage-stats]", NULL},
        {"usage_stats=yes please\nkiosk_id=../../etc\n", "usage_stats=yes please is neither on nor off: off",
         "--usage-stats"},
        {"usage_stats=off\nkiosk_id=../../etc\n", "kiosk_id=../../etc is not a name", "--kiosk-id"},
        {"update_url=https://www.kreis-kl.de/wegweiser/\nupdate_ca=/etc/wegweiser/county-ca.pem\n"
         "update_interval_minutes=30\n",
         "[--update-ca][/etc/wegweiser/county-ca.pem][--update-url][https://www.kreis-kl.de/wegweiser/]"
         "[--update-interval][30]",
         "--update-allow-http"},
        {"update_url=http://intranet/wegweiser/\n", "is http: only with update_allow_http=on; no polling",
         "--update-url"},
        {"update_url=http://intranet/wegweiser/\nupdate_allow_http=on\nupdate_interval_minutes=often\n",
         "[--update-allow-http][--update-url][http://intranet/wegweiser/][--update-interval][60]", NULL},
        {"update_url=file:///media/x/\n", "is not an https:// address: no polling", "--update-url"},
        {"update_url=https://kreis/w/\nreport_url=https://kreis/dav/kiosks/\n",
         "[--report-url][https://kreis/dav/kiosks/][--update-url]", NULL},
        {"update_url=https://kreis/w/\nreport_url=ftp://kreis/\n", "report_url=ftp://kreis/ is not an https:// address",
         "--report-url"},
        {"update_url=\n", "[--idle]", "--update-url"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        f = fopen(conf, "w");
        if (!f)
            continue;
        fputs(cases[i].settings, f);
        fclose(f);
        snprintf(cmd, sizeof cmd, "WEGWEISER_LIB=board/rpi WEGWEISER_CONF=%s WEGWEISER_BIN=%s sh board/rpi/start-kiosk 2>&1",
                 conf, args);
        CHECK_INT(test_run(cmd, out, sizeof out), 0);
        if (!strstr(out, cases[i].has) || (cases[i].lacks && strstr(out, cases[i].lacks))) {
            char msg[1200];
            snprintf(msg, sizeof msg, "start-kiosk with '%s' gave: %s", cases[i].settings, out);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    f = fopen(conf, "w");
    if (!f)
        return;
    fputs("screen_size=1920x1080\nscreen_rotation=90\nscreen_hours=Mo-Fr 07:00-18:00\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "WEGWEISER_LIB=board/rpi WEGWEISER_CONF=%s WEGWEISER_BIN=%s sh board/rpi/start-kiosk --data-dir %s "
             "--pack %s --screenshot %s/turned.png 2>&1",
             conf, test_bin("wegweiser"), t, test_demo_pack(), t);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "%s/turned.png", t);
    SDL_Surface *shot = IMG_Load(cmd);
    CHECK(shot && shot->w == 1080 && shot->h == 1920);
    SDL_FreeSurface(shot);
}

TEST(board_kiosk_rejects_a_bad_exit_after)
{
    char cmd[1024], out[2048];
    snprintf(cmd, sizeof cmd, "%s --exit-after soon 2>&1", test_bin("wegweiser"));
    CHECK_INT(test_run(cmd, out, sizeof out), 2);
    CHECK(strstr(out, "--exit-after wants milliseconds") != NULL);
}

/* board/rpi/packages must name every shared library the programs need, or the board's
 * install script leaves the kiosk unable to start. */
TEST(board_packages_cover_the_programs)
{
    FILE *f = fopen("board/rpi/packages", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char listed[8192];
    size_t n = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        size_t len = strlen(line);
        if (n + len + 2 < sizeof listed) {
            listed[n++] = ' ';
            memcpy(listed + n, line, len);
            n += len;
        }
    }
    listed[n] = 0;
    fclose(f);
    for (char *c = listed; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    strcat(listed, " ");

    const char *build = getenv("WW_BUILD") ? getenv("WW_BUILD") : "build";
    const char *programs[] = {"wegweiser", "wegweiser-pack"};
    for (int i = 0; i < 2; i++) {
        char cmd[600], out[4096];
        snprintf(cmd, sizeof cmd, "readelf -d %s/%s | sed -n 's/.*Shared library: \\[\\(.*\\)\\]/\\1/p'", build,
                 programs[i]);
        CHECK_INT(test_run(cmd, out, sizeof out), 0);
        int libraries = 0;
        for (char *lib = strtok(out, "\n"); lib; lib = strtok(NULL, "\n")) {
            char word[300];
            snprintf(word, sizeof word, " %s ", lib);
            libraries++;
            if (!strstr(listed, word)) {
                char msg[600];
                snprintf(msg, sizeof msg, "%s/%s needs %s, which no line of board/rpi/packages names", build,
                         programs[i], lib);
                test_fail(__FILE__, __LINE__, msg);
            }
        }
        CHECK(libraries >= 3);
    }
}

/* kiosk.conf's screen_inches becomes --screen-inches, which the kiosk takes; a setting that is
 * no diagonal is reported and left out, so the kiosk still starts with its default density. */
TEST(board_screen_inches_reach_the_kiosk)
{
    char conf[600], cmd[2400], out[4096];
    snprintf(conf, sizeof conf, "%s/screen.conf", test_tmpdir());
    static const char *const settings[][2] = {
        {"10.1", "--screen-inches 10.1 "}, {"7", "--screen-inches 7 "}, {"", NULL}, {"huge", NULL}, {"2", NULL}};
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        FILE *f = fopen(conf, "w");
        CHECK(f != NULL);
        if (!f)
            return;
        fprintf(f, "idle_seconds=30\nscreen_inches=%s\n", settings[i][0]);
        fclose(f);
        snprintf(cmd, sizeof cmd, "WEGWEISER_LIB=board/rpi WEGWEISER_CONF=%s WEGWEISER_BIN=echo sh board/rpi/start-kiosk 2>&1",
                 conf);
        CHECK_INT(test_run(cmd, out, sizeof out), 0);
        if (settings[i][1]) {
            CHECK(strstr(out, settings[i][1]) != NULL);
        } else {
            CHECK(strstr(out, "--screen-inches") == NULL);
            CHECK((strstr(out, "is not a diagonal") != NULL) == (settings[i][0][0] != 0));
        }
    }
    char shot[600];
    snprintf(shot, sizeof shot, "%s/inches.png", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --screen-inches 10.1 --screenshot %s 2>&1",
             test_bin("wegweiser"), test_demo_pack(), shot);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    static const char *const refused[][2] = {{"--screen-inches huge", "--screen-inches wants the diagonal"},
                                             {"--dpi 20", "--dpi wants pixels per inch"},
                                             {"--dpi 133 --screen-inches 7", "not both"}};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s %s --screenshot %s 2>&1", test_bin("wegweiser"), refused[i][0], shot);
        CHECK_INT(test_run(cmd, out, sizeof out), 2);
        CHECK(strstr(out, refused[i][1]) != NULL);
    }
}
