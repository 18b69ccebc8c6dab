/* Offices: sources → pack → "open now?" → the card on screen → the QR code a phone reads. */
#include <SDL_image.h>
#include <stdlib.h>

#include "session.h"
#include "test.h"

static const char *office_region(void)
{
    static char dir[600];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/offices-region", test_tmpdir());
    char cmd[4000];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/pages/a %s/pages/b %s/offices && cd %s && "
             "printf 'name: Testkreis\\nregion: test\\nversion: 1\\ndemo: yes\\n"
             "language: de | Deutsch | ltr | Latn | latn\\nlanguage: prs | دری | rtl | Arab | arabext\\n' > region.txt && "
             "printf 'code: 1\\nkind: topic\\nicon: groups\\n' > pages/a/page.txt && "
             "printf 'title: Ämter\\n\\n' > pages/a/de.txt && printf 'title: ادارات\\n\\n' > pages/a/prs.txt && "
             "printf 'code: 2\\nparent: 1\\nkind: office\\noffice: jobcenter\\nicon: work\\n' > pages/b/page.txt && "
             "printf 'title: Jobcenter\\n\\nHilfe bei der Arbeitssuche.\\n' > pages/b/de.txt && "
             "printf 'title: جاب‌سنتر\\n\\nکمک در کاریابی.\\n' > pages/b/prs.txt && "
             "printf 'name: Jobcenter Testkreis\\naddress: Musterstraße 1, 67657 Kaiserslautern\\n"
             "phone: 0631 0000-0\\nphone: 0631 0000-99\\nemail: jobcenter@example.org\\nstep-free: yes\\n"
             "appointment: also\\nexample: yes\\nmon: 08:00-12:00, 14:00-16:00\\ntue: 08:00-12:00\\nwed: closed\\n"
             "thu: 08:00-12:00, 14:00-18:00\\nfri: 08:00-12:00\\nholiday: 2026-12-24\\n' > offices/jobcenter.txt",
             dir, dir, dir, dir);
    CHECK(system(cmd) == 0);
    return dir;
}

static pack *office_pack(void)
{
    char out[700];
    snprintf(out, sizeof out, "%s/offices.pack", test_tmpdir());
    err e;
    CHECK(pack_build(office_region(), out, &e));
    pack *p = pack_open(out, &e);
    CHECK(p != NULL);
    return p;
}

TEST(office_round_trip_and_open_state)
{
    pack *p = office_pack();
    if (!p)
        return;
    pack_office o;
    CHECK(pack_office_get(p, "jobcenter", &o));
    CHECK_STR(o.name, "Jobcenter Testkreis");
    CHECK_INT(o.phone_count, 2);
    CHECK_STR(o.phones[1], "0631 0000-99");
    CHECK(o.example);
    CHECK_INT(o.slot_count[0], 2);
    CHECK_INT(o.slots[0][1].open, 14 * 60);
    CHECK_INT(o.slot_count[2], 0);
    CHECK_INT(o.slot_count[6], 0);
    CHECK_STR(pack_page_find(p, "2")->office, "jobcenter");
    int m;
    /* Monday 07:30, 09:30, 12:30, 17:00 */
    CHECK_INT(pack_office_state(&o, 0, 7 * 60 + 30, "2026-11-23", &m), PACK_OPENS_LATER);
    CHECK_INT(m, 8 * 60);
    CHECK_INT(pack_office_state(&o, 0, 9 * 60 + 30, "2026-11-23", &m), PACK_OPEN_NOW);
    CHECK_INT(m, 12 * 60);
    CHECK_INT(pack_office_state(&o, 0, 12 * 60 + 30, "2026-11-23", &m), PACK_OPENS_LATER);
    CHECK_INT(m, 14 * 60);
    CHECK_INT(pack_office_state(&o, 0, 17 * 60, "2026-11-23", &m), PACK_CLOSED_TODAY);
    CHECK_INT(pack_office_state(&o, 2, 10 * 60, "2026-11-25", &m), PACK_CLOSED_TODAY);
    /* A holiday closes a normal Thursday. */
    CHECK_INT(pack_office_state(&o, 3, 10 * 60, "2026-12-24", &m), PACK_CLOSED_TODAY);
    strcpy(o.closed_until, "2026-12-01");
    CHECK_INT(pack_office_state(&o, 0, 10 * 60, "2026-11-30", &m), PACK_TEMPORARILY_CLOSED);
    CHECK_INT(pack_office_state(&o, 1, 10 * 60, "2026-12-02", &m), PACK_OPEN_NOW);
    strcpy(o.appointment, "only");
    CHECK_INT(pack_office_state(&o, 1, 10 * 60, "2026-12-02", &m), PACK_BY_APPOINTMENT);
    CHECK(!pack_office_get(p, "nowhere", &o));
    pack_close(p);
}

TEST(office_sources_report_bad_hours)
{
    char dir[700], cmd[2000];
    snprintf(dir, sizeof dir, "%s/bad-offices", test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && cp -r %s %s && printf 'name: X\\nmon: 8-12\\ntue: 12:00-08:00\\nfax: 1\\n' > "
             "%s/offices/x.txt && sed -i 's/office: jobcenter/office: missing/' %s/pages/b/page.txt",
             dir, office_region(), dir, dir, dir);
    CHECK(system(cmd) == 0);
    pack_report r = {0};
    CHECK(!pack_check_sources(dir, &r));
    bool hours = false, order = false, key = false, missing = false;
    for (int i = 0; i < r.count; i++) {
        hours |= strstr(r.problems[i].text, "offices/x.txt:2: opening hours must look like") != NULL;
        order |= strstr(r.problems[i].text, "offices/x.txt:3: opening hours must look like") != NULL;
        key |= strstr(r.problems[i].text, "offices/x.txt:4: unknown key 'fax'") != NULL;
        missing |= strstr(r.problems[i].text, "pages/b/page.txt:4: office 'missing' does not exist") != NULL;
    }
    CHECK(hours && order && key && missing);
    pack_report_free(&r);
}

static const view_cmd *find_qr(const view_list *l)
{
    for (int i = 0; i < l->count; i++)
        if (l->cmds[i].kind == VIEW_QR)
            return &l->cmds[i];
    return NULL;
}

TEST(office_card_shows_the_state_in_the_visitors_language)
{
    pack *p = office_pack();
    if (!p)
        return;
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    app_event clock = app_clock(2026, 11, 23, 0, 9 * 60 + 30);
    app_handle(&s.app, &clock);
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "de"});
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "2"});
    const view_list *l = session_display(&s);
    CHECK(view_find_text(l, "Jetzt geöffnet, bis 12:00") != NULL);
    CHECK(view_find_text(l, "Beispieldaten") != NULL);
    CHECK(view_find_text(l, "0631 0000-99") != NULL);
    const view_cmd *qr = find_qr(l);
    CHECK(qr != NULL);
    if (qr) {
        CHECK(strstr(qr->text, "Musterstraße 1, 67657 Kaiserslautern") != NULL);
        CHECK(strstr(qr->text, "Tel. 0631 0000-0") != NULL);
        CHECK(strstr(qr->text, "Mo 08:00-12:00, 14:00-16:00") != NULL);
    }
    /* The week's hours are further down. */
    app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = 100000});
    CHECK(view_find_text(session_display(&s), "08:00–12:00, 14:00–16:00") != NULL);
    app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = -100000});
    /* The clock moves on: at 12:30 it opens again at 14:00. */
    clock = app_clock(2026, 11, 23, 0, 12 * 60 + 30);
    app_handle(&s.app, &clock);
    CHECK(view_find_text(session_display(&s), "Öffnet um 14:00") != NULL);
    /* Dari: Persian digits in the state and the hours. */
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "prs"});
    l = session_display(&s);
    bool persian_time = false;
    for (int i = 0; i < l->count; i++)
        persian_time |= l->cmds[i].kind == VIEW_TEXT && strstr(l->cmds[i].text, "۱۴:۰۰") != NULL;
    CHECK(persian_time);
    session_free(&s);
    pack_close(p);
}

TEST(office_qr_code_is_readable)
{
    if (system("command -v zbarimg >/dev/null 2>&1") != 0) {
        test_fail(__FILE__, __LINE__, "zbarimg (zbar-tools) is missing: run make deps");
        return;
    }
    char src_pack[700], png[700], cmd[2400], out[4096];
    snprintf(src_pack, sizeof src_pack, "%s/offices.pack", test_tmpdir());
    pack *p = office_pack();
    pack_close(p);
    snprintf(png, sizeof png, "%s/office.png", test_tmpdir());
    snprintf(cmd, sizeof cmd,
             "%s --pack %s --size 1280x800 --lang de --page 2 --clock '2026-11-23 09:30' --screenshot %s && "
             "zbarimg --quiet --raw -Sbinary %s 2>/dev/null",
             test_bin("wegweiser"), src_pack, png, png);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "Jobcenter Testkreis\nMusterstraße 1, 67657 Kaiserslautern\nTel. 0631 0000-0") != NULL);
}

TEST(article_web_links_come_as_qr_codes)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    session s;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    app_handle(&s.app, &(app_event){.type = APP_EV_LANGUAGE, .arg = "ar"});
    app_handle(&s.app, &(app_event){.type = APP_EV_OPEN, .arg = "210"});
    session_display(&s);
    app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = 100000});
    const view_cmd *qr = find_qr(session_display(&s));
    CHECK(qr != NULL);
    if (qr)
        CHECK_STR(qr->text, "https://www.anerkennung-in-deutschland.de");
    session_free(&s);
    pack_close(p);
}
