/* wegweiser-pack check on a copy of the demo sources with problems planted in it: each is
 * reported with its file and line. */
#include <stdlib.h>

#include "check.h"
#include "test.h"

static void sh(const char *fmt, const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir, dir);
    CHECK(system(cmd) == 0);
}

static bool reported(const pack_report *r, bool error, const char *a, const char *b)
{
    for (int i = 0; i < r->count; i++)
        if (r->problems[i].error == error && strstr(r->problems[i].text, a) && (!b || strstr(r->problems[i].text, b)))
            return true;
    return false;
}

TEST(check_demo_sources_have_no_errors)
{
    pack_report r = {0};
    CHECK(check_sources("content/kaiserslautern", test_fonts(), &r));
    CHECK_INT(r.errors, 0);
    /* Every page exists in every language, and no title is too long for its tile. */
    for (int i = 0; i < r.lang_count; i++)
        CHECK_INT(r.langs[i].missing, 0);
    CHECK(!reported(&r, false, "too long for a tile", NULL));
    CHECK(!reported(&r, false, "no bundled font", NULL));
    pack_report_free(&r);
}

TEST(check_reports_each_planted_problem)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/planted", test_tmpdir());
    sh("rm -rf %s && cp -r content/kaiserslautern %s", dir);
    /* A missing Tigrinya translation, an outdated Arabic one, an unknown icon, a character no
     * font has, a title too long for a tile, a link to nowhere, a duplicate code. */
    sh("rm %s/pages/110-integrationskurs/ti.txt && sed -i 's/^version: 1$/version: 2/' "
       "%s/pages/110-integrationskurs/de.txt && sed -i 's/^icon: .*/icon: no_such_icon_here/' "
       "%s/pages/120-berufssprachkurse/page.txt && sed -i '1s/.*/title: Wohnen 漢/' %s/pages/600-wohnen/de.txt",
       dir);
    sh("sed -i '1s/.*/title: Ausbildungsplatzvermittlungsberatungsstelle und Arbeitsvermittlung/' "
       "%s/pages/200-ausbildung-arbeit/de.txt && printf '\\nSiehe [dort](page:4711).\\n' >> "
       "%s/pages/220-jobsuche/en.txt && mkdir -p %s/pages/999-doppelt && "
       "printf 'code: 700\\nkind: article\\nparent: 100\\n' > %s/pages/999-doppelt/page.txt",
       dir);
    pack_report r = {0};
    CHECK(!check_sources(dir, test_fonts(), &r));
    CHECK(reported(&r, true, "pages/999-doppelt/page.txt: code 700 is already used by", NULL));
    CHECK(reported(&r, true, "pages/220-jobsuche/en.txt:", "links to page 4711, which does not exist"));
    CHECK(reported(&r, false, "pages/110-integrationskurs/ti.txt: missing", NULL));
    CHECK(reported(&r, false, "pages/110-integrationskurs/ar.txt:", "outdated: translated from version 1"));
    CHECK(reported(&r, false, "pages/120-berufssprachkurse/page.txt: icon 'no_such_icon_here'", NULL));
    CHECK(reported(&r, false, "pages/600-wohnen/de.txt:", "U+6F22"));
    CHECK(reported(&r, false, "pages/200-ausbildung-arbeit/de.txt:1:", "too long for a tile"));
    CHECK(reported(&r, false, "pages/310-was-aendert-sich/ar.txt:", "machine-drafted"));
    /* The table counts the same. */
    for (int i = 0; i < r.lang_count; i++) {
        if (!strcmp(r.langs[i].code, "ti"))
            CHECK_INT(r.langs[i].missing, 2); /* 110, and the planted page that has no texts */
        if (!strcmp(r.langs[i].code, "ar"))
            CHECK(r.langs[i].outdated >= 1);
    }
    /* The build refuses, naming the first error and how many more there are. */
    char out[700];
    snprintf(out, sizeof out, "%s/planted.pack", test_tmpdir());
    err e;
    CHECK(!pack_build(dir, out, &e));
    CHECK(strstr(e.msg, "more error") != NULL);
    pack_report_free(&r);
}

TEST(check_command_exit_status_and_table)
{
    char cmd[1024], out[65536];
    snprintf(cmd, sizeof cmd, "%s check content/kaiserslautern", test_bin("wegweiser-pack"));
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "language  pages  up to date  outdated  machine-drafted  missing") != NULL);
    CHECK(strstr(out, "0 errors") != NULL);
    snprintf(cmd, sizeof cmd, "%s check %s", test_bin("wegweiser-pack"), test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "%s check /nonexistent/folder 2>&1", test_bin("wegweiser-pack"));
    CHECK_INT(test_run(cmd, out, sizeof out), 2);
}
