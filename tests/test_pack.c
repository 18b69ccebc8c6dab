/* Content packs: sources → pack_build → pack_open → queries, on real SQLite files. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[1024], cmd[1200];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", path);
    CHECK(system(cmd) == 0);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* A tiny region: two languages, a topic and an article, the Arabic article missing. */
static const char *small_region(const char *name)
{
    static char dir[8][512];
    static int next;
    char *d = dir[next++ % 8];
    snprintf(d, 512, "%s/%s", test_tmpdir(), name);
    write_file(d, "region.txt",
               "# test region\nname: Testkreis\nregion: test\nversion: 2026-01-02\npublisher: Amt\ndemo: no\n"
               "language: de | Deutsch | ltr | Latn | latn\nlanguage: ar | العربية | rtl | Arab | arab\n");
    write_file(d, "pages/a/page.txt", "code: 10\nparent:\norder: 1\nicon: work\nkind: topic\n");
    write_file(d, "pages/a/de.txt", "title: Arbeit\nsummary: Alles zur Arbeit\nversion: 3\n\nText [Link](page:11).\n");
    write_file(d, "pages/a/ar.txt",
               "title: العمل\nsummary: كل شيء\ntranslated-from: 2\nreview: machine\n\nنص\n");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\norder: 1\nicon: school\nkind: article\n");
    write_file(d, "pages/b/de.txt", "title: Kurs\nsummary:\nversion: 1\n\nZeile eins\nZeile zwei\n");
    return d;
}

static char *build_error(const char *src)
{
    static err e;
    char out[600];
    snprintf(out, sizeof out, "%s/x.pack", test_tmpdir());
    e.msg[0] = 0;
    if (pack_build(src, out, &e))
        snprintf(e.msg, sizeof e.msg, "(built)");
    return e.msg;
}

TEST(pack_round_trip)
{
    char out[600];
    snprintf(out, sizeof out, "%s/small.pack", test_tmpdir());
    err e;
    CHECK(pack_build(small_region("rt"), out, &e));
    pack *p = pack_open(out, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    const pack_meta *m = pack_get_meta(p);
    CHECK_STR(m->region, "test");
    CHECK_STR(m->name, "Testkreis");
    CHECK_STR(m->version, "2026-01-02");
    CHECK_STR(m->source_language, "de");
    CHECK(!m->demo);
    CHECK_INT(m->schema_version, PACK_SCHEMA_VERSION);
    CHECK_INT(pack_language_count(p), 2);
    CHECK_STR(pack_language_at(p, 0)->code, "de");
    CHECK_STR(pack_language_at(p, 1)->native_name, "العربية");
    CHECK(pack_language_at(p, 1)->rtl);
    CHECK(!pack_language_at(p, 0)->rtl);
    CHECK_STR(pack_language_at(p, 1)->script, "Arab");
    CHECK_STR(pack_language_at(p, 1)->digits, "arab");
    const pack_page *top[4];
    CHECK_INT(pack_children(p, "", top, 4), 1);
    CHECK_STR(top[0]->code, "10");
    CHECK_STR(top[0]->icon, "work");
    CHECK_STR(top[0]->kind, "topic");
    const pack_page *kids[4];
    CHECK_INT(pack_children(p, "10", kids, 4), 1);
    CHECK_STR(kids[0]->parent, "10");
    pack_text t;
    CHECK(pack_text_get(p, "10", "ar", &t, &e));
    CHECK_STR(t.title, "العمل");
    CHECK_STR(t.review, "machine");
    CHECK_INT(t.source_version, 2);
    pack_text_free(&t);
    CHECK(pack_text_get(p, "11", "de", &t, &e));
    CHECK_STR(t.body, "Zeile eins\nZeile zwei\n");
    CHECK_STR(t.review, "source");
    CHECK_INT(t.source_version, 1);
    pack_text_free(&t);
    CHECK(!pack_text_get(p, "11", "ar", &t, &e));
    const pack_language *langs[4];
    CHECK_INT(pack_page_languages(p, "11", langs, 4), 1);
    CHECK_STR(langs[0]->code, "de");
    pack_close(p);
}

static bool same_bytes(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

TEST(pack_build_is_deterministic)
{
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/det-a.pack", test_tmpdir());
    snprintf(b, sizeof b, "%s/det-b.pack", test_tmpdir());
    err e;
    CHECK(pack_build("content/kaiserslautern", a, &e));
    CHECK(pack_build("content/kaiserslautern", b, &e));
    CHECK(same_bytes(a, b));
    CHECK(same_bytes(a, test_demo_pack()));
}

TEST(pack_build_reports_file_and_line)
{
    const char *d = small_region("dup");
    write_file(d, "pages/c/page.txt", "code: 10\nparent:\norder: 2\nicon: x\nkind: topic\n");
    write_file(d, "pages/c/de.txt", "title: X\n\n");
    CHECK(strstr(build_error(d), "pages/c/page.txt: code 10 is already used by") != NULL);

    d = small_region("parent");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 99\norder: 1\nicon: school\nkind: article\n");
    CHECK(strstr(build_error(d), "pages/b/page.txt:2: parent 99 does not exist") != NULL);

    d = small_region("link");
    write_file(d, "pages/b/de.txt", "title: Kurs\n\nerste Zeile\nsiehe [dort](page:404)\n");
    CHECK(strstr(build_error(d), "pages/b/de.txt:4: links to page 404, which does not exist") != NULL);

    d = small_region("key");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\nordr: 1\n");
    CHECK(strstr(build_error(d), "pages/b/page.txt:3: unknown key 'ordr'") != NULL);

    d = small_region("utf8");
    write_file(d, "pages/b/de.txt", "title: Kurs\n\nok\nkaputt \xC3\x28 hier\n");
    CHECK(strstr(build_error(d), "pages/b/de.txt:4: not valid UTF-8") != NULL);

    d = small_region("notitle");
    write_file(d, "pages/b/de.txt", "summary: nichts\n\nText\n");
    CHECK(strstr(build_error(d), "pages/b/de.txt: has no 'title'") != NULL);

    d = small_region("nosource");
    char path[700];
    snprintf(path, sizeof path, "%s/pages/b/de.txt", d);
    unlink(path);
    CHECK(strstr(build_error(d), "the source language text de.txt is missing") != NULL);

    d = small_region("lang");
    write_file(d, "region.txt", "name: T\nregion: t\nversion: 1\nlanguage: de | Deutsch | sideways | Latn | latn\n");
    CHECK(strstr(build_error(d), "region.txt:4: direction must be ltr or rtl") != NULL);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(data, 1, n, f);
        fclose(f);
    }
}

static void copy_file(const char *from, const char *to)
{
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    CHECK(system(cmd) == 0);
}

TEST(pack_open_refuses_bad_files)
{
    char path[600];
    err e;
    snprintf(path, sizeof path, "%s/garbage.pack", test_tmpdir());
    write_bytes(path, "this is not a database at all, just text on a stick", 52);
    CHECK(pack_open(path, &e) == NULL);
    CHECK(e.msg[0] != 0);

    snprintf(path, sizeof path, "%s/missing.pack", test_tmpdir());
    CHECK(pack_open(path, &e) == NULL);
    CHECK(strstr(e.msg, "missing.pack") != NULL);

    /* An SQLite file that is not ours. */
    snprintf(path, sizeof path, "%s/other.sqlite", test_tmpdir());
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(pack_open(path, &e) == NULL);
    CHECK(strstr(e.msg, "not a Wegweiser content pack") != NULL);

    /* A pack from a future schema. */
    snprintf(path, sizeof path, "%s/future.pack", test_tmpdir());
    copy_file(test_demo_pack(), path);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    CHECK(pack_open(path, &e) == NULL);
    CHECK(strstr(e.msg, "update the kiosk software") != NULL);

    /* A pack cut short, as by a stick pulled mid-copy. */
    snprintf(path, sizeof path, "%s/truncated.pack", test_tmpdir());
    FILE *in = fopen(test_demo_pack(), "rb");
    CHECK(in != NULL);
    if (in) {
        static char buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, in);
        fclose(in);
        write_bytes(path, buf, n / 2);
        CHECK(pack_open(path, &e) == NULL);
        CHECK(e.msg[0] != 0);
    }
}

TEST(demo_pack_has_every_language_and_page)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    const pack_meta *m = pack_get_meta(p);
    CHECK_STR(m->region, "kaiserslautern");
    CHECK(m->demo);
    const char *codes[] = {"de", "ar", "prs", "ti", "en", "uk"};
    const char *names[] = {"Deutsch", "العربية", "دری", "ትግርኛ", "English", "Українська"};
    CHECK_INT(pack_language_count(p), 6);
    for (int i = 0; i < 6 && i < pack_language_count(p); i++) {
        CHECK_STR(pack_language_at(p, i)->code, codes[i]);
        CHECK_STR(pack_language_at(p, i)->native_name, names[i]);
    }
    CHECK(pack_language_find(p, "prs")->rtl);
    CHECK_STR(pack_language_find(p, "prs")->digits, "arabext");
    CHECK_STR(pack_language_find(p, "ti")->script, "Ethi");
    const pack_page *top[32];
    int n = pack_children(p, "", top, 32);
    CHECK(n >= 5);
    CHECK(pack_page_of_kind(p, "emergency") != NULL);
    /* Every page exists in all six languages. */
    for (int l = 0; l < 6; l++) {
        int pages = 0, machine = 0;
        pack_language_stats(p, codes[l], &pages, &machine);
        CHECK_INT(pages, pack_page_count(p));
    }
    pack_close(p);
}

static bool found(pack *p, const char *lang, const char *query, const char *code)
{
    char codes[20][PACK_CODE_MAX];
    int n = pack_search(p, lang, query, codes, 20);
    for (int i = 0; i < n; i++)
        if (!strcmp(codes[i], code))
            return true;
    return false;
}

TEST(pack_normalize_folds_spellings)
{
    char a[256], b[256];
    const char *pairs[][2] = {
        {"Flüchtlinge", "fluechtlinge"}, {"Flüchtlinge", "FLUCHTLINGE"}, {"Straße", "strasse"},
        {"أحمد", "احمد"},                 {"إقامة", "اقامه"},             {"مُعَلِّم", "معلم"},
        {"مستشفى", "مستشفي"},           {"كتاب", "کتاب"},               {"علي", "علی"},
        {"می‌کند", "میکند"},              {"۱۱۰", "110"},                 {"ـعـربـي", "عربی"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        pack_normalize(pairs[i][0], a, sizeof a);
        pack_normalize(pairs[i][1], b, sizeof b);
        CHECK_STR(a, b);
    }
    pack_normalize("ትግርኛ", a, sizeof a);
    CHECK_STR(a, "ትግርኛ");
}

TEST(pack_search_finds_pages_in_every_language)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    /* Each page is found by its own title, in every language, typed loosely. */
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    for (int l = 0; l < 6; l++) {
        char title[256];
        CHECK(pack_title_get(p, "110", langs[l], title, sizeof title));
        CHECK(found(p, langs[l], title, "110"));
    }
    CHECK(found(p, "de", "integrationsk", "110"));
    CHECK(found(p, "de", "INTEGRATIONSKURS", "110"));
    CHECK(found(p, "de", "auslaenderbehorde", "310") || found(p, "de", "auslanderbehorde", "310"));
    CHECK(!found(p, "de", "xylophonorchester", "110"));
    char none[1][PACK_CODE_MAX];
    CHECK_INT(pack_search(p, "de", "   ", none, 1), 0);
    pack_close(p);
}

TEST(pack_assets_by_hash)
{
    const char *d = small_region("assets");
    char path[700];
    snprintf(path, sizeof path, "%s/assets", d);
    char cmd[1600];
    /* A real recording: the staff tool decodes every one it takes in. */
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp content/kaiserslautern/assets/800-de.ogg %s/arbeit.ogg && "
             "cp %s/arbeit.ogg %s/again.ogg", path, path, path, path);
    CHECK(system(cmd) == 0);
    /* Two texts name the same recording under two names: it is stored once. */
    write_file(d, "pages/a/de.txt", "title: Arbeit\nsummary: Alles\nversion: 3\naudio: arbeit.ogg\n\nText.\n");
    write_file(d, "pages/a/ar.txt", "title: العمل\ntranslated-from: 3\naudio: again.ogg\n\nنص\n");
    char out[700];
    snprintf(out, sizeof out, "%s/assets.pack", test_tmpdir());
    err e;
    CHECK(pack_build(d, out, &e));
    pack *p = pack_open(out, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    pack_text de, ar;
    CHECK(pack_text_get(p, "10", "de", &de, &e));
    CHECK(pack_text_get(p, "10", "ar", &ar, &e));
    CHECK_INT(strlen(de.audio), 64);
    CHECK_STR(de.audio, ar.audio);
    unsigned char *data = NULL;
    size_t size = 0;
    char kind[16];
    CHECK(pack_asset_get(p, de.audio, &data, &size, kind, sizeof kind));
    CHECK_STR(kind, "audio");
    char file[800];
    snprintf(file, sizeof file, "%s/arbeit.ogg", path);
    FILE *f = fopen(file, "rb");
    static unsigned char orig[1 << 20];
    size_t orig_size = f ? fread(orig, 1, sizeof orig, f) : 0;
    if (f)
        fclose(f);
    CHECK(orig_size > 10000);
    CHECK_INT(size, orig_size);
    CHECK(data && size == orig_size && !memcmp(data, orig, size));
    free(data);
    CHECK(!pack_asset_get(p, "0000", &data, &size, kind, sizeof kind));
    pack_text_free(&de);
    pack_text_free(&ar);
    pack_close(p);
    /* A recording that is not there is named with its file and line. */
    write_file(d, "pages/b/de.txt", "title: Kurs\nsummary:\naudio: fehlt.ogg\n\nText\n");
    CHECK(strstr(build_error(d), "pages/b/de.txt:3: audio fehlt.ogg is not in the assets folder") != NULL);
    write_file(d, "pages/b/de.txt", "title: Kurs\naudio: ../../etc/passwd\n\nText\n");
    CHECK(strstr(build_error(d), "must be a file name in the assets folder") != NULL);
    /* A file the kiosk could not play is refused before the pack ships, with file and line. */
    snprintf(cmd, sizeof cmd, "yes 'no sound here' | head -c 3000 > %s/noise.ogg", path);
    CHECK(system(cmd) == 0);
    write_file(d, "pages/b/de.txt", "title: Kurs\nversion: 1\naudio: noise.ogg\n\nText\n");
    CHECK(strstr(build_error(d), "pages/b/de.txt:3: noise.ogg: not an Ogg Vorbis or WAV file") != NULL);
}
