/* wegweiser-pack check on a copy of the demo sources with problems planted in it: each is
 * reported with its file and line. */
#include <stdlib.h>

#include "check.h"
#include "view.h"
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

TEST(check_tile_title_gives_a_long_title_a_short_tile)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/tile-title", test_tmpdir());
    sh("rm -rf %s && cp -r content/kaiserslautern %s", dir);
    sh("sed -i '1s/.*/title: Ausbildungsplatzvermittlungsberatungsstelle und Arbeitsvermittlung\\ntile-title: Arbeit/' "
       "%s/pages/200-ausbildung-arbeit/de.txt",
       dir);
    pack_report r = {0};
    CHECK(check_sources(dir, test_fonts(), &r));
    CHECK(!reported(&r, false, "pages/200-ausbildung-arbeit/de.txt:1:", "too long for a tile"));
    pack_report_free(&r);
    /* A tile title that is itself too long is named, with the way out. */
    sh("sed -i 's/^tile-title: .*/tile-title: Ausbildungsplatzvermittlungsberatungsstelle und Arbeitsvermittlung/' "
       "%s/pages/200-ausbildung-arbeit/de.txt",
       dir);
    pack_report r2 = {0};
    check_sources(dir, test_fonts(), &r2);
    CHECK(reported(&r2, false, "pages/200-ausbildung-arbeit/de.txt:1:", "'tile-title:'"));
    pack_report_free(&r2);
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

TEST(diff_shows_what_an_update_changes)
{
    char dir[600], old_pack[700], new_pack[700];
    snprintf(dir, sizeof dir, "%s/diffsrc", test_tmpdir());
    snprintf(old_pack, sizeof old_pack, "%s/diff-old.pack", test_tmpdir());
    snprintf(new_pack, sizeof new_pack, "%s/diff-new.pack", test_tmpdir());
    sh("rm -rf %s && cp -r content/kaiserslautern %s", dir);
    err e;
    CHECK(pack_build(dir, old_pack, &e));
    /* A staff member edits the German Jobcenter text, adds a page in German and Arabic, removes
     * a page and changes an office's hours. */
    sh("sed -i '$a Neu: Termine auch online.' %s/pages/320-antrag-jobcenter/de.txt && "
       "mkdir -p %s/pages/121-sprachcafe && printf 'code: 121\\nparent: 100\\norder: 9\\nicon: groups\\n' > "
       "%s/pages/121-sprachcafe/page.txt && printf 'title: Sprachcafé\\nversion: 1\\n\\nJeden Montag.\\n' > "
       "%s/pages/121-sprachcafe/de.txt",
       dir);
    sh("printf 'title: مقهى اللغة\\ntranslated-from: 1\\nreview: machine\\n\\nكل يوم اثنين.\\n' > "
       "%s/pages/121-sprachcafe/ar.txt && rm -r %s/pages/915-drk && "
       "sed -i 's/^fri: .*/fri: closed/' %s/offices/jobcenter.txt && true %s",
       dir);
    CHECK(pack_build(dir, new_pack, &e));
    char cmd[1600], out[16384];
    snprintf(cmd, sizeof cmd, "%s diff %s %s", test_bin("wegweiser-pack"), old_pack, new_pack);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    char de_title[256];
    pack *p = pack_open(new_pack, &e);
    CHECK(p != NULL);
    if (p) {
        pack_title_get(p, "320", "de", de_title, sizeof de_title);
        pack_close(p);
    }
    char expect[400];
    snprintf(expect, sizeof expect, "  ~ 320    %s", de_title);
    CHECK(strstr(out, "de (Deutsch):\n") != NULL);
    CHECK(strstr(out, expect) != NULL);
    CHECK(strstr(out, "  + 121    Sprachcafé") != NULL);
    CHECK(strstr(out, "  + 121    مقهى اللغة") != NULL);
    CHECK(strstr(out, "  - 915    ") != NULL);
    CHECK(strstr(out, "office jobcenter: details or hours changed") != NULL);
    /* Tigrinya has no new page and 320 unchanged in it: only the removal shows there. */
    const char *ti = strstr(out, "ti (");
    CHECK(ti != NULL);
    if (ti) {
        const char *next = strstr(ti + 1, "\n") ? strstr(ti, "en (") : NULL;
        CHECK(!(strstr(ti, "+ 121") && (!next || strstr(ti, "+ 121") < next)));
    }
    /* Two builds of the same sources: nothing to report. */
    snprintf(cmd, sizeof cmd, "%s diff %s %s", test_bin("wegweiser-pack"), new_pack, new_pack);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "\n0 changes\n") != NULL);
}

TEST(check_long_web_address_reaches_the_kiosk_whole)
{
    /* A real Integreat link is 405 bytes; the kiosk cut link targets at 127 and offered the
     * visitor a QR code of another address. Whatever `check` lets through arrives whole. */
    char url[PACK_LINK_BYTES_MAX + 1], markup[PACK_LINK_BYTES_MAX + 64], out[PACK_LINK_BYTES_MAX + 64];
    int n = snprintf(url, sizeof url, "https://www.google.com/maps/place/IHK+Schwaben+Augsburg/@48.3");
    while (n < PACK_LINK_BYTES_MAX)
        url[n++] = '7';
    url[n] = 0;
    snprintf(markup, sizeof markup, "Karte: [IHK](%s) und [Amt](page:310)", url);
    text_mark marks[VIEW_INLINE_MAX];
    view_link links[VIEW_INLINE_MAX];
    int count = 0;
    view_inline(markup, out, sizeof out, marks, links, &count);
    CHECK_INT(count, 2);
    CHECK_STR(links[0].target, url);
    CHECK_STR(links[1].target, "310");
}
