/* The kiosk's own words: every string the code marks for translation is in the template and
 * translated in every catalog, the catalogs compile (plural forms included), and no catalog
 * keeps words the code no longer uses. Checked with gettext's own tools. */
#include <glob.h>

#include "test.h"

static const char *const LANGS[] = {"de", "ar", "prs", "ti", "en", "uk"};

/* The strings the code uses, extracted the way a translator's template is made. */
static const char *extract(void)
{
    static char pot[600];
    snprintf(pot, sizeof pot, "%s/sources.pot", test_tmpdir());
    char cmd[1200], out[4096];
    snprintf(cmd, sizeof cmd,
             "xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kngettext:1,2 --add-comments "
             "-o %s kiosk/*.c 2>&1",
             pot);
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0) {
        test_fail(__FILE__, __LINE__, out);
        return NULL;
    }
    return pot;
}

static void expect_ok(const char *cmd, const char *what)
{
    char out[8192];
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0) {
        char msg[9000];
        snprintf(msg, sizeof msg, "%s: %s", what, out);
        test_fail(__FILE__, __LINE__, msg);
    }
}

TEST(locales_template_matches_the_code)
{
    const char *pot = extract();
    if (!pot)
        return;
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "msgcmp --use-untranslated locales/wegweiser.pot %s 2>&1", pot);
    expect_ok(cmd, "strings in the code missing from locales/wegweiser.pot");
    snprintf(cmd, sizeof cmd, "msgcmp --use-untranslated %s locales/wegweiser.pot 2>&1", pot);
    expect_ok(cmd, "strings in locales/wegweiser.pot the code no longer uses");
}

TEST(locales_every_catalog_is_complete)
{
    const char *pot = extract();
    if (!pot)
        return;
    glob_t g;
    CHECK(glob("locales/*.po", 0, NULL, &g) == 0);
    CHECK_INT((int)g.gl_pathc, (int)(sizeof LANGS / sizeof LANGS[0]));
    globfree(&g);
    for (size_t i = 0; i < sizeof LANGS / sizeof LANGS[0]; i++) {
        char cmd[1400], what[200];
        /* Untranslated entries count as missing here. */
        snprintf(cmd, sizeof cmd, "msgcmp locales/%s.po %s 2>&1", LANGS[i], pot);
        snprintf(what, sizeof what, "locales/%s.po lacks translations", LANGS[i]);
        expect_ok(cmd, what);
        snprintf(cmd, sizeof cmd, "msgcmp --use-untranslated %s locales/%s.po 2>&1", pot, LANGS[i]);
        snprintf(what, sizeof what, "locales/%s.po has strings the code no longer uses", LANGS[i]);
        expect_ok(cmd, what);
        /* Compiles, with a plural formula that agrees with its count, and nothing fuzzy. */
        snprintf(cmd, sizeof cmd,
                 "msgfmt --check --statistics -o /dev/null locales/%s.po 2>&1 | grep -v -e fuzzy -e untranslated",
                 LANGS[i]);
        snprintf(what, sizeof what, "locales/%s.po does not compile cleanly or has fuzzy/untranslated entries",
                 LANGS[i]);
        expect_ok(cmd, what);
    }
}

TEST(locales_arabic_has_six_plural_forms)
{
    char out[512];
    CHECK_INT(test_run("grep -c '^msgstr\\[5\\]' locales/ar.po", out, sizeof out), 0);
    CHECK(atoi(out) >= 1);
    CHECK_INT(test_run("grep -o 'nplurals=[0-9]*' locales/ar.po", out, sizeof out), 0);
    CHECK(strstr(out, "nplurals=6") != NULL);
}
