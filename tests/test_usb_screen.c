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
    CHECK(s.app.staff.shown);
    app_service_result(&s.app, false, "Abgelehnt: falscher Schlüssel.", "Refused: wrong key.");
    l = session_display(&s);
    CHECK(view_find_text(l, "Abgelehnt: falscher Schlüssel.") != NULL);
    CHECK(view_find_text(l, "Refused: wrong key.") != NULL);
    session_tap(&s, 400, 240);
    CHECK(!s.app.staff.shown);
    CHECK_STR(s.app.lang, "ar"); /* closing it does nothing else */
    session_free(&s);
    pack_close(p);
}

/* ---- an older pack: asked on screen, installed only after a hold ---- */

/* Once per run: a trusted key, a stick with a newer version (2099) of the demo region, and a
 * second older version (2050) for a stick that changes under the question. */
static const char *downgrade_fixture(void)
{
    static char dir[700];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/dg", test_tmpdir());
    char cmd[4096], here[512];
    snprintf(cmd, sizeof cmd,
             "set -e; mkdir -p %s; cd %s; mkdir -p keys new-stick; cp -r %s/content/kaiserslautern src; "
             "sed -i 's/^version: .*/version: 2099-01-01/' src/region.txt; %s build src -o new-stick/kl.pack; "
             "sed -i 's/^version: .*/version: 2050-01-01/' src/region.txt; %s build src -o other.pack; "
             "%s keygen -p keys/staff.pub -s staff.key >/dev/null; %s sign new-stick/kl.pack --key staff.key "
             ">/dev/null",
             dir, dir, getcwd(here, sizeof here) ? here : ".", bin("wegweiser-pack"), bin("wegweiser-pack"),
             bin("wegweiser-pack"), bin("wegweiser-pack"));
    sh(cmd);
    return dir;
}

typedef struct downgrade_kiosk {
    session s;
    pack *demo;
    char data[800], stick[800], keys[800];
} downgrade_kiosk;

/* A kiosk on 2099 whose staff put in a stick holding the (older) demo pack, signed: the
 * question is on screen. */
static void downgrade_start(downgrade_kiosk *k, const char *name)
{
    const char *dir = downgrade_fixture();
    snprintf(k->data, sizeof k->data, "%s/%s-data", dir, name);
    snprintf(k->stick, sizeof k->stick, "%s/%s-stick", dir, name);
    snprintf(k->keys, sizeof k->keys, "%s/keys", dir);
    char cmd[3000];
    snprintf(cmd, sizeof cmd, "set -e; cd %s; mkdir -p %s; cp %s %s/kl.pack; %s sign %s/kl.pack --key staff.key >/dev/null",
             dir, k->stick, test_demo_pack(), k->stick, bin("wegweiser-pack"), k->stick);
    sh(cmd);
    update_options o = {.data_dir = k->data, .stick_dir = NULL, .keys_dir = k->keys, .no_receipt = true};
    char new_stick[800];
    snprintf(new_stick, sizeof new_stick, "%s/new-stick", dir);
    o.stick_dir = new_stick;
    static update_result r;
    CHECK(update_run(&o, &r));
    err e;
    k->demo = pack_open(test_demo_pack(), &e);
    CHECK(k->demo != NULL);
    CHECK(session_init(&k->s, k->demo, test_fonts(), 1280, 800, 90000, &e));
    k->s.updates = (update_options){.data_dir = k->data, .keys_dir = k->keys, .no_receipt = true};
    k->s.demo_path = test_demo_pack();
    app_handle(&k->s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "ar"});
    CHECK(!session_usb(&k->s, k->stick, NULL, NULL));
}

static void downgrade_end(downgrade_kiosk *k)
{
    session_free(&k->s);
    pack_close(k->demo);
}

/* The version the kiosk would show at start, and whether its pack file is byte for byte `want`. */
static bool installed_is(const downgrade_kiosk *k, const char *version, const char *want_bytes)
{
    update_slot_info cur, prev;
    err e;
    if (!update_status(NULL, k->data, &cur, &prev, &e) || !cur.ok || strcmp(cur.version, version))
        return false;
    if (!want_bytes)
        return true;
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "cmp -s '%s/%s' '%s'", k->data, cur.file, want_bytes);
    return system(cmd) == 0;
}

/* Holds a finger on the text's middle for `ms`, then lifts it. */
static void hold_text(session *s, const char *text, unsigned long ms)
{
    const view_cmd *t = view_find_text(session_display(s), text);
    CHECK(t != NULL);
    if (!t)
        return;
    int x = t->rect.x + t->rect.w / 2, y = t->rect.y + t->rect.h / 2;
    session_press(s, x, y);
    for (unsigned long done = 0; done < ms; done += 100) {
        session_advance(s, 100);
        session_usb_confirmed(s, NULL, NULL);
    }
    session_release(s, x, y);
}

static const char OLDER_DE[] = "Ältere Version trotzdem installieren";

TEST(usb_downgrade_asks_and_installs_only_after_a_hold)
{
    downgrade_kiosk k;
    downgrade_start(&k, "hold");
    const view_list *l = session_display(&k.s);
    CHECK(k.s.app.staff.ask);
    char want[600];
    snprintf(want, sizeof want, "kl.pack ist Version %s, älter als die installierte Version 2099-01-01. Es ist mit "
             "einem vertrauenswürdigen Schlüssel signiert und hat alle Prüfungen bestanden. Die ältere Version "
             "trotzdem installieren?", pack_get_meta(k.demo)->version);
    CHECK(view_find_text(l, want) != NULL);
    CHECK(view_find_text(l, "Install older version anyway") != NULL);
    CHECK(view_find_text(l, "Keep current version") != NULL);
    /* Taps do nothing: on the shade, and a short one on the button itself. */
    session_tap(&k.s, 5, 5);
    hold_text(&k.s, OLDER_DE, 0);
    hold_text(&k.s, OLDER_DE, 1500);
    CHECK(k.s.app.staff.ask);
    CHECK(installed_is(&k, "2099-01-01", NULL));
    /* While held, the progress shows under the finger and the hint changes. */
    const view_cmd *b = view_find_text(session_display(&k.s), OLDER_DE);
    CHECK(b != NULL);
    session_press(&k.s, b->rect.x + b->rect.w / 2, b->rect.y + b->rect.h / 2);
    session_advance(&k.s, 1000);
    CHECK(view_find_text(session_display(&k.s), "Weiter gedrückt halten … · Keep holding …") != NULL);
    session_advance(&k.s, 1000);
    CHECK(session_usb_confirmed(&k.s, NULL, NULL));
    session_release(&k.s, 0, 0);
    /* Copied and checked again: the kiosk now runs exactly the stick's bytes, and says so. */
    char stick_pack[900];
    snprintf(stick_pack, sizeof stick_pack, "%s/kl.pack", k.stick);
    CHECK(installed_is(&k, pack_get_meta(k.demo)->version, stick_pack));
    l = session_display(&k.s);
    CHECK(k.s.app.staff.ok);
    snprintf(want, sizeof want, "Older version installed: Landkreis Kaiserslautern %s instead of 2099-01-01",
             pack_get_meta(k.demo)->version);
    bool found = false;
    for (int i = 0; i < l->count; i++)
        found |= l->cmds[i].kind == VIEW_TEXT && l->cmds[i].text && strstr(l->cmds[i].text, want);
    CHECK(found);
    CHECK(!session_usb_confirmed(&k.s, NULL, NULL)); /* one answer, one install */
    downgrade_end(&k);
}

TEST(usb_downgrade_keep_changes_nothing)
{
    downgrade_kiosk k;
    downgrade_start(&k, "keep");
    char before[900];
    update_slot_info cur, prev;
    err e;
    CHECK(update_status(NULL, k.data, &cur, &prev, &e));
    snprintf(before, sizeof before, "%s/%s", k.data, cur.file);
    CHECK(session_script_line(&k.s, "tap-text Aktuelle Version behalten", NULL, NULL, &e));
    const view_list *l = session_display(&k.s);
    CHECK(!k.s.app.staff.ask && k.s.app.staff.shown);
    char want[300];
    snprintf(want, sizeof want, "Es wurde nichts geändert: Der Kiosk zeigt weiter Landkreis Kaiserslautern %s. Sie "
             "können den Stick abziehen.", pack_get_meta(k.s.app.pack)->version);
    CHECK(view_find_text(l, want) != NULL);
    CHECK(installed_is(&k, "2099-01-01", before));
    /* A hold where the button was does nothing now. */
    session_press(&k.s, 900, 660);
    session_advance(&k.s, 3000);
    CHECK(!session_usb_confirmed(&k.s, NULL, NULL));
    session_release(&k.s, 900, 660);
    CHECK(installed_is(&k, "2099-01-01", before));
    downgrade_end(&k);
}

TEST(usb_downgrade_stick_pulled_before_confirm)
{
    downgrade_kiosk k;
    downgrade_start(&k, "pulled");
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", k.stick);
    sh(cmd);
    hold_text(&k.s, OLDER_DE, 2100);
    const view_list *l = session_display(&k.s);
    CHECK(k.s.app.staff.done && !k.s.app.staff.ok && !k.s.app.staff.ask);
    bool found = false;
    for (int i = 0; i < l->count; i++)
        found |= l->cmds[i].kind == VIEW_TEXT && l->cmds[i].text &&
                 strstr(l->cmds[i].text, "The stick was removed before the update was finished. Nothing was changed");
    CHECK(found);
    CHECK(installed_is(&k, "2099-01-01", NULL));
    downgrade_end(&k);
}

TEST(usb_downgrade_stick_that_changes_is_not_trusted_twice)
{
    downgrade_kiosk k;
    downgrade_start(&k, "changed");
    /* Between question and answer the stick offers another validly signed older pack. */
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "set -e; cd %s; cp other.pack %s/kl.pack; %s sign %s/kl.pack --key staff.key >/dev/null",
             downgrade_fixture(), k.stick, bin("wegweiser-pack"), k.stick);
    sh(cmd);
    hold_text(&k.s, OLDER_DE, 2100);
    const view_list *l = session_display(&k.s);
    CHECK(!k.s.app.staff.ok);
    bool found = false;
    for (int i = 0; i < l->count; i++)
        found |= l->cmds[i].kind == VIEW_TEXT && l->cmds[i].text &&
                 strstr(l->cmds[i].text, "The pack on the stick is no longer the one you confirmed");
    CHECK(found);
    CHECK(installed_is(&k, "2099-01-01", NULL));
    downgrade_end(&k);
}

/* ---- at start: a kiosk that cannot open its installed pack says so to staff ---- */

TEST(usb_start_on_a_fallback_says_so_on_screen)
{
    downgrade_kiosk k;
    downgrade_start(&k, "start");
    downgrade_end(&k);
    char cmd[3000], out[8192];
    /* A good data directory: no overlay. */
    snprintf(cmd, sizeof cmd, "cd %s && printf 'wait 10\\n' > start.events && %s --data-dir %s --pack %s "
             "--size 800x480 --events start.events 2>/dev/null", downgrade_fixture(), bin("wegweiser"), k.data,
             test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_STR(out, "1 screen=language page= lang= scroll=0\n");
    /* The installed pack rots: the kiosk starts on the demo pack and tells staff until tapped. */
    update_slot_info cur, prev;
    err e;
    CHECK(update_status(NULL, k.data, &cur, &prev, &e));
    snprintf(cmd, sizeof cmd, "printf 'X' | dd of=%s/%s bs=1 seek=70000 conv=notrunc 2>/dev/null", k.data, cur.file);
    sh(cmd);
    snprintf(cmd, sizeof cmd, "cd %s && printf 'wait 10\\ntap 5 5\\n' > start.events && %s --data-dir %s --pack %s "
             "--size 800x480 --events start.events 2>/dev/null", downgrade_fixture(), bin("wegweiser"), k.data,
             test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_STR(out, "1 screen=language page= lang= scroll=0 service=notice\n2 screen=language page= lang= scroll=0\n");
    /* What that overlay and the language screen say, in German and English. */
    pack *p = NULL;
    char what[1200], de[1024], en[1024];
    update_source src = update_open_installed(k.data, test_demo_pack(), &p, what, sizeof what, &e);
    CHECK_INT(src, UPDATE_SOURCE_DEMO);
    CHECK(update_start_notice(src, p, e.msg, de, en, sizeof de));
    session s;
    CHECK(session_init(&s, p, test_fonts(), 720, 1280, 90000, &e));
    app_service_notice(&s.app, de, en);
    const view_list *l = session_display(&s);
    CHECK(view_find_text(l, "Der Kiosk zeigt die mitgelieferten Demo-Inhalte, weil das installierte Paket nicht "
                            "geöffnet werden konnte. Spielen Sie das aktuelle Paket erneut per USB-Stick ein oder "
                            "rufen Sie den technischen Support.") != NULL);
    CHECK(strstr(en, "its contents changed since it was installed") != NULL);
    CHECK(view_find_text(l, en) != NULL);
    session_tap(&s, 5, 5);
    l = session_display(&s);
    CHECK(view_find_text(l, en) == NULL);
    CHECK(view_find_text(l, "Service: Ersatzinhalt · fallback content") != NULL);
    /* The visitor screens work underneath. */
    CHECK(session_script_line(&s, "tap-text العربية", NULL, NULL, &e));
    CHECK_STR(s.app.lang, "ar");
    session_free(&s);
    pack_close(p);
    /* On the installed pack there is nothing to say. */
    CHECK(!update_start_notice(UPDATE_SOURCE_CURRENT, NULL, "", de, en, sizeof de));
    CHECK(!update_start_notice(UPDATE_SOURCE_DEMO, NULL, "", de, en, sizeof de));
}
