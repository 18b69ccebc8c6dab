/* A stick put into the running kiosk: the staff overlay shows the result in German and
 * English, and the new content is on screen without a restart. */
#include <stdlib.h>
#include <unistd.h>

#include "session.h"
#include "test.h"

static void sh(const char *cmd)
{
    if (system(cmd) != 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "command failed: %s", cmd);
        test_fail(__FILE__, __LINE__, msg);
    }
}

/* The programs by absolute path: the commands below work in the test folder. */
static const char *bin(const char *name)
{
    static char paths[4][1024];
    static int next;
    char *out = paths[next++ % 4];
    char cwd[512];
    const char *rel = test_bin(name);
    snprintf(out, 1024, "%s/%s", rel[0] == '/' ? "" : getcwd(cwd, sizeof cwd) ? cwd : ".", rel);
    return out;
}

TEST(usb_stick_in_the_running_kiosk)
{
    const char *t = test_tmpdir();
    char cmd[4096], out[8192], here[512];
    /* A newer version of the demo region, signed with a key the kiosk trusts. */
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; rm -rf usb-src usb-stick usb-data usb-keys; cp -r %s/content/kaiserslautern usb-src; "
             "sed -i 's/^version: .*/version: 2099-01-01/' usb-src/region.txt; "
             "sed -i '1s/.*/title: Neu: Deutsch lernen/' usb-src/pages/100-deutsch-lernen/de.txt; "
             "mkdir -p usb-stick usb-keys usb-data; %s build usb-src -o usb-stick/kl.pack; "
             "%s keygen -p usb-keys/staff.pub -s staff.key >/dev/null; %s sign usb-stick/kl.pack --key staff.key",
             t, getcwd(here, sizeof here) ? here : ".", bin("wegweiser-pack"), bin("wegweiser-pack"),
             bin("wegweiser-pack"));
    sh(cmd);
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'tap-text Deutsch\\nusb usb-stick\\nscreenshot usb-result.png\\ntap 10 10\\n' > usb.events && "
             "%s --data-dir usb-data --trusted-keys usb-keys --pack %s --size 1280x800 --events usb.events 2>&1",
             t, bin("wegweiser"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "2 screen=language page= lang= scroll=0 service=installed") != NULL);
    CHECK(strstr(out, "4 screen=language page= lang= scroll=0\n") != NULL);
    /* The same stick again: already installed, nothing changes, and staff are told so. */
    snprintf(cmd, sizeof cmd,
             "cd %s && printf 'usb usb-stick\\n' > again.events && "
             "%s --data-dir usb-data --trusted-keys usb-keys --pack %s --size 800x480 --events again.events 2>&1",
             t, bin("wegweiser"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "service=refused") != NULL);
    /* After a restart the kiosk shows the installed pack. */
    snprintf(cmd, sizeof cmd, "cd %s && %s update --status --data-dir usb-data", t, bin("wegweiser"));
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "2099-01-01") != NULL);
}

TEST(usb_overlay_speaks_german_and_english)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    session s;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 90000, &e));
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "ar"});
    app_service_begin(&s.app);
    app_service_progress(&s.app, 500);
    const view_list *l = session_display(&s);
    CHECK(view_find_text(l, "Checking and copying the content pack. Please leave the stick in.") != NULL);
    /* A tap while copying does not close it. */
    session_tap(&s, 400, 240);
    CHECK(s.app.service);
    app_service_result(&s.app, false, "Abgelehnt: falscher Schlüssel.", "Refused: wrong key.");
    l = session_display(&s);
    CHECK(view_find_text(l, "Abgelehnt: falscher Schlüssel.") != NULL);
    CHECK(view_find_text(l, "Refused: wrong key.") != NULL);
    session_tap(&s, 400, 240);
    CHECK(!s.app.service);
    CHECK_STR(s.app.lang, "ar"); /* closing it does nothing else */
    session_free(&s);
    pack_close(p);
}
