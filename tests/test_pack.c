/* Content packs: sources → pack_build → pack_open → queries, on real SQLite files. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session.h"
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

static void exec_on(const char *path, const char *sql)
{
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
}

TEST(pack_open_says_why_and_skips_only_the_integrity_check_when_asked)
{
    char path[600];
    err e;
    pack_refusal why;
    /* Tables not the firmware's: refused whatever the caller knows about the bytes. */
    snprintf(path, sizeof path, "%s/no-hours.pack", test_tmpdir());
    copy_file(test_demo_pack(), path);
    exec_on(path, "DROP TABLE office_hours");
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_SCHEMA);
    CHECK(strstr(e.msg, "table office_hours is missing") != NULL);
    CHECK(pack_open_ex(path, true, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_SCHEMA);
    /* Other kinds. */
    snprintf(path, sizeof path, "%s/future2.pack", test_tmpdir());
    copy_file(test_demo_pack(), path);
    exec_on(path, "PRAGMA user_version=99");
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_VERSION);
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d; UPDATE meta SET value = '99.0' WHERE key = 'min_firmware'", PACK_SCHEMA_VERSION);
    exec_on(path, sql);
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_VERSION);
    CHECK(strstr(e.msg, "update the kiosk software first") != NULL);
    exec_on(path, "DELETE FROM meta WHERE key = 'region'");
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_CONTENT);
    snprintf(path, sizeof path, "%s/words.pack", test_tmpdir());
    write_bytes(path, "no database, only words", 23);
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_NOT_A_PACK);
    /* Garbage over a page of a recording near the end of the file: nothing an open reads, so
     * only SQLite's integrity check finds it, and a caller that vouches for the bytes skips it. */
    snprintf(path, sizeof path, "%s/rotten.pack", test_tmpdir());
    copy_file(test_demo_pack(), path);
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f) {
        CHECK(fseek(f, 0, SEEK_END) == 0);
        long size = ftell(f);
        static char junk[4096];
        memset(junk, 0xA5, sizeof junk);
        CHECK(fseek(f, (size - 200000) / 4096 * 4096, SEEK_SET) == 0);
        CHECK(fwrite(junk, 1, sizeof junk, f) == sizeof junk);
        fclose(f);
    }
    CHECK(pack_open_ex(path, false, &why, &e) == NULL);
    CHECK_INT(why, PACK_REFUSED_DAMAGED);
    CHECK(strstr(e.msg, "is damaged (SQLite integrity check") != NULL);
    pack *p = pack_open_ex(path, true, &why, &e);
    CHECK(p != NULL);
    CHECK_INT(why, PACK_REFUSED_NONE);
    pack_close(p);
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
    /* Ethiopic stays Ethiopic, each syllable its consonant's first order (issue 19: the vowel
     * orders of a consonant are one letter for search). */
    pack_normalize("ትግርኛ", a, sizeof a);
    CHECK_STR(a, "ተገረኘ");
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

/* Every problem pack_check_sources finds in `dir`, for tests that look for one of them. */
static pack_report source_report(const char *dir)
{
    pack_report r = {0};
    pack_check_sources(dir, &r);
    return r;
}

/* An error (or warning) naming all of the given parts; every message of the report is one line
 * without invisible direction controls, whatever the sources hold. */
static bool has_problem(const pack_report *r, bool error, const char *a, const char *b, const char *c)
{
    bool found = false;
    for (int i = 0; i < r->count; i++) {
        const char *t = r->problems[i].text;
        CHECK(!strchr(t, '\n') && !strchr(t, '\r'));
        CHECK(!strstr(t, "\u202E") && !strstr(t, "\u200F") && !strstr(t, "\uFEFF"));
        found |= r->problems[i].error == error && strstr(t, a) && (!b || strstr(t, b)) && (!c || strstr(t, c));
    }
    return found;
}

static bool source_error(const char *dir, const char *a, const char *b, const char *c)
{
    pack_report r = source_report(dir);
    bool found = has_problem(&r, true, a, b, c);
    if (!found)
        for (int i = 0; i < r.count; i++)
            printf("      (reported: %s)\n", r.problems[i].text);
    pack_report_free(&r);
    return found;
}

/* `unit` n times, in one of a few static buffers. */
static const char *repeat(const char *unit, int n)
{
    static char buf[4][1 << 18];
    static int next;
    char *b = buf[next++ % 4];
    size_t len = strlen(unit), k = 0;
    for (int i = 0; i < n && k + len < sizeof buf[0]; i++, k += len)
        memcpy(b + k, unit, len);
    b[k] = 0;
    return b;
}

static void page(const char *dir, const char *folder, const char *code, const char *parent)
{
    char rel[200], text[200];
    snprintf(rel, sizeof rel, "pages/%s/page.txt", folder);
    snprintf(text, sizeof text, "code: %s\nparent: %s\norder: 1\nicon: work\nkind: topic\n", code, parent);
    write_file(dir, rel, text);
    snprintf(rel, sizeof rel, "pages/%s/de.txt", folder);
    snprintf(text, sizeof text, "title: Seite %s\nversion: 1\n\nText.\n", code);
    write_file(dir, rel, text);
}

/* The pack built from `dir`, open; NULL (a failure) when it does not build or open. */
static pack *build_and_open(const char *dir, const char *name)
{
    char out[600];
    snprintf(out, sizeof out, "%s/%s.pack", test_tmpdir(), name);
    err e;
    bool built = pack_build(dir, out, &e);
    if (!built)
        printf("      (%s: %s)\n", name, e.msg);
    CHECK(built);
    pack *p = built ? pack_open(out, &e) : NULL;
    CHECK(p != NULL);
    return p;
}

TEST(pack_sources_refuse_cycles_of_parents)
{
    /* 300 → 310 → 300: both have a parent that exists, and neither can be reached. */
    const char *d = small_region("cycle2");
    page(d, "c", "300", "310");
    page(d, "d", "310", "300");
    CHECK(strstr(build_error(d), "cycle") != NULL);
    CHECK(source_error(d, "cycle", "300 (", "310 ("));
    CHECK(source_error(d, "pages/c/page.txt:2", "pages/d/page.txt:2", "cycle"));

    /* A longer one, through a page that was fine: 10 → 12 → 11 → 10, named once with all three. */
    d = small_region("cycle3");
    write_file(d, "pages/a/page.txt", "code: 10\nparent: 12\norder: 1\nicon: work\nkind: topic\n");
    page(d, "c", "12", "11");
    pack_report r = source_report(d);
    int cycles = 0;
    for (int i = 0; i < r.count; i++)
        if (strstr(r.problems[i].text, "cycle of parents")) {
            cycles++;
            CHECK(strstr(r.problems[i].text, "pages/a/page.txt:2") && strstr(r.problems[i].text, "pages/b/page.txt:2") &&
                  strstr(r.problems[i].text, "pages/c/page.txt:2"));
        }
    CHECK_INT(cycles, 1);
    pack_report_free(&r);

    /* Its own parent, and a parent that is not there. */
    d = small_region("ownparent");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 11\norder: 1\nicon: school\nkind: article\n");
    CHECK(source_error(d, "pages/b/page.txt:2: a page cannot be its own parent", NULL, NULL));
    d = small_region("noparent");
    write_file(d, "pages/b/page.txt", "code: 11\n\nparent: 404\n");
    CHECK(source_error(d, "pages/b/page.txt:3: parent 404 does not exist", NULL, NULL));
}

TEST(pack_sources_refuse_codes_with_leading_zeros)
{
    /* A caseworker says "three-ten": 0310 and 310 would be two pages under one spoken code. */
    const char *d = small_region("zeros");
    page(d, "c", "310", "");
    page(d, "d", "0310", "");
    CHECK(strstr(build_error(d), "0310") != NULL);
    CHECK(source_error(d, "pages/d/page.txt:1:", "0310", "leading zero"));
    d = small_region("zeroparent");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 010\norder: 1\nicon: school\nkind: article\n");
    CHECK(source_error(d, "pages/b/page.txt:2:", "010", "leading zero"));
    d = small_region("zerolink");
    write_file(d, "pages/b/de.txt", "title: Kurs\n\nsiehe [dort](page:010)\n");
    CHECK(source_error(d, "pages/b/de.txt:3:", "010", NULL));
}

/* Writes `value` as the field `key` (one line of `file`), and expects an error naming the file,
 * the line, the field and its length in bytes. */
static void too_long(const char *name, const char *file, const char *before, const char *key, const char *value,
                     const char *after, int line)
{
    const char *d = small_region(name);
    static char text[1 << 19];
    snprintf(text, sizeof text, "%s%s: %s\n%s", before, key, value, after);
    write_file(d, file, text);
    char where[300], bytes[64];
    snprintf(where, sizeof where, "%s:%d:", file, line);
    snprintf(bytes, sizeof bytes, "%zu bytes", strlen(value));
    bool found = source_error(d, where, key, bytes);
    if (!found)
        printf("      (expected: %s %s %s)\n", where, key, bytes);
    CHECK(found);
    CHECK(strcmp(build_error(d), "(built)") != 0);
}

static const char REGION_HEAD[] = "name: Testkreis\nregion: test\nversion: 2026-01-02\n";
static const char REGION_LANGS[] = "language: de | Deutsch | ltr | Latn | latn\nlanguage: ar | العربية | rtl | Arab | arab\n";

TEST(pack_sources_refuse_fields_longer_than_the_kiosk_takes)
{
    /* 300 bytes of ä: cut at 127 bytes it would end in half a letter. */
    char a300[400];
    snprintf(a300, sizeof a300, "%s", repeat("ä", 150));
    too_long("f-name", "region.txt", "", "name", a300, "region: test\nversion: 1\nlanguage: de | Deutsch | ltr | Latn | latn\n", 1);
    too_long("f-publisher", "region.txt", REGION_HEAD, "publisher", a300, REGION_LANGS, 4);
    too_long("f-source", "region.txt", REGION_HEAD, "source", repeat("ä", 300), REGION_LANGS, 4);
    too_long("f-version", "region.txt", "name: T\nregion: t\n", "version", repeat("1", 80), REGION_LANGS, 3);
    too_long("f-region", "region.txt", "name: T\n", "region", repeat("t", 80), "version: 1\n" "language: de | Deutsch | ltr | Latn | latn\n", 2);
    too_long("f-icon", "pages/b/page.txt", "code: 11\nparent: 10\n", "icon", repeat("a", 60), "", 3);
    too_long("f-office", "pages/b/page.txt", "code: 11\nparent: 10\nkind: office\n", "office", repeat("a", 40), "", 4);
    too_long("f-title", "pages/b/de.txt", "", "title", a300, "\nText\n", 1);
    too_long("f-tile", "pages/b/de.txt", "title: Kurs\n", "tile-title", a300, "\nText\n", 2);
    too_long("f-summary", "pages/b/de.txt", "title: Kurs\n", "summary", repeat("ä", 600), "\nText\n", 2);
    too_long("f-audio", "pages/b/de.txt", "title: Kurs\n", "audio", repeat("a", 130), "\nText\n", 2);
    /* A language's native name, inside the language line. */
    const char *d = small_region("f-native");
    char text[2048];
    snprintf(text, sizeof text, "%slanguage: de | %s | ltr | Latn | latn\n", REGION_HEAD, repeat("ä", 60));
    write_file(d, "region.txt", text);
    CHECK(source_error(d, "region.txt:4:", "native name", "120 bytes"));
    /* Offices: a 100-digit phone number would be stored as 39 digits. */
    const char *phone100 = repeat("0123456789", 10);
    too_long("f-phone", "offices/amt.txt", "name: Amt\n", "phone", phone100, "", 2);
    too_long("f-oname", "offices/amt.txt", "", "name", repeat("ä", 100), "", 1);
    too_long("f-address", "offices/amt.txt", "name: Amt\n", "address", repeat("ä", 120), "", 2);
    too_long("f-email", "offices/amt.txt", "name: Amt\n", "email", repeat("a", 130), "", 2);
    too_long("f-web", "offices/amt.txt", "name: Amt\n", "web", repeat("a", 210), "", 2);
    /* The office's id is its file name. */
    d = small_region("f-id");
    char rel[200];
    snprintf(rel, sizeof rel, "offices/%s.txt", repeat("a", 40));
    write_file(d, rel, "name: Amt\n");
    CHECK(source_error(d, rel, "id", "40 bytes"));
    /* Seventeen holidays: the kiosk knew sixteen and forgot the rest. */
    d = small_region("f-holidays");
    char office[1024] = "name: Amt\n";
    for (int i = 1; i <= 17; i++)
        snprintf(office + strlen(office), sizeof office - strlen(office), "holiday: 2026-12-%02d\n", i);
    write_file(d, "offices/amt.txt", office);
    CHECK(source_error(d, "offices/amt.txt:18:", "16", "holiday"));
}

TEST(pack_sources_keep_fields_at_the_limit_whole)
{
    /* Right at each limit, in letters of two and three bytes: stored whole, read back the same. */
    const char *d = small_region("at-limit");
    char text[4096];
    const char *name = repeat("ä", 63); /* 126 bytes, and one more below */
    char region_name[200];
    snprintf(region_name, sizeof region_name, "%sa", name);
    snprintf(text, sizeof text, "name: %s\nregion: test\nversion: 1\n%s", region_name, REGION_LANGS);
    write_file(d, "region.txt", text);
    const char *title = repeat("ኣ", 85); /* 255 bytes of Tigrinya */
    snprintf(text, sizeof text, "title: %s\nversion: 1\n\nZeile\n", title);
    write_file(d, "pages/b/de.txt", text);
    const char *phone = repeat("1", 39);
    snprintf(text, sizeof text, "name: Amt\nphone: %s\n", phone);
    write_file(d, "offices/amt.txt", text);
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\norder: 1\nicon: school\nkind: office\noffice: amt\n");
    pack *p = build_and_open(d, "at-limit");
    if (!p)
        return;
    CHECK_STR(pack_get_meta(p)->name, region_name);
    char got[256];
    CHECK(pack_title_get(p, "11", "de", got, sizeof got));
    CHECK_STR(got, title);
    pack_office o;
    CHECK(pack_office_get(p, "amt", &o));
    CHECK_INT(o.phone_count, 1);
    CHECK_STR(o.phones[0], phone);
    pack_close(p);
}

TEST(pack_sources_accept_a_byte_order_mark)
{
    /* Windows editors start UTF-8 files with EF BB BF; it is not part of the first key. */
    const char *d = small_region("bom");
    char text[1024];
    snprintf(text, sizeof text, "\xEF\xBB\xBF%s%s", REGION_HEAD, REGION_LANGS);
    write_file(d, "region.txt", text);
    write_file(d, "pages/b/de.txt", "\xEF\xBB\xBFtitle: Kurs\nversion: 1\n\nText\n");
    write_file(d, "pages/b/page.txt", "\xEF\xBB\xBF" "code: 11\nparent: 10\n");
    pack *p = build_and_open(d, "bom");
    if (!p)
        return;
    CHECK_STR(pack_get_meta(p)->name, "Testkreis");
    char got[256];
    CHECK(pack_title_get(p, "11", "de", got, sizeof got));
    CHECK_STR(got, "Kurs");
    pack_close(p);
    /* Anywhere else, the invisible character is named where it stands. */
    write_file(d, "pages/b/page.txt", "code: 11\n\xEF\xBB\xBFparent: 10\n");
    CHECK(source_error(d, "pages/b/page.txt:2:", "U+FEFF", NULL));
}

TEST(pack_sources_messages_are_one_line_and_show_the_invisible)
{
    /* A link left open swallows the rest of its paragraph: the message stays one short line. */
    const char *d = small_region("unclosed");
    char text[70000];
    snprintf(text, sizeof text, "title: Kurs\n\nsiehe [dort](page:11\nund dann %s\n", repeat("weiter ", 5000));
    write_file(d, "pages/b/de.txt", text);
    pack_report r = source_report(d);
    CHECK(has_problem(&r, true, "pages/b/de.txt:3:", "not closed", NULL));
    for (int i = 0; i < r.count; i++)
        CHECK(strlen(r.problems[i].text) < 400);
    pack_report_free(&r);
    /* A folder where a text should be is not a text without a title. */
    d = small_region("folder");
    char path[700];
    snprintf(path, sizeof path, "%s/pages/b/de.txt", d);
    unlink(path);
    mkdir(path, 0755);
    CHECK(source_error(d, "pages/b/de.txt", "folder", NULL));
    CHECK(!source_error(d, "has no 'title'", NULL, NULL));
    /* A key with an invisible character in it is shown with it. */
    d = small_region("invisible-key");
    write_file(d, "pages/b/page.txt", "code: 11\npar\u200Bent: 10\n");
    CHECK(source_error(d, "pages/b/page.txt:2:", "U+200B", NULL));
}

TEST(pack_sources_refuse_direction_controls_in_titles_names_and_codes)
{
    /* "\u202Eretnecboj" is shown as "jobcenter" read backwards: the title lies. */
    struct {
        const char *file, *text, *where;
        const char *cp;
    } cases[] = {
        {"pages/b/de.txt", "title: \u202Eretnecboj\n\nText\n", "pages/b/de.txt:1:", "U+202E"},
        {"pages/b/de.txt", "title: Kurs\ntile-title: Ku\u202Ers\n\nText\n", "pages/b/de.txt:2:", "U+202E"},
        {"pages/b/de.txt", "title: Kurs \u200F\n\nText\n", "pages/b/de.txt:1:", "U+200F"},
        {"pages/b/de.txt", "title: Kurs \u200E\n\nText\n", "pages/b/de.txt:1:", "U+200E"},
        {"pages/b/de.txt", "title: Kurs \u061C\n\nText\n", "pages/b/de.txt:1:", "U+061C"},
        {"pages/b/de.txt", "title: \u2067Kurs\u2069\n\nText\n", "pages/b/de.txt:1:", "U+2067"},
        {"pages/b/de.txt", "title: \u202AKurs\u202C\n\nText\n", "pages/b/de.txt:1:", "U+202A"},
        {"pages/b/de.txt", "title: Kurs\nsummary: Alles \u202D12\u202C\n\nText\n", "pages/b/de.txt:2:", "U+202D"},
        {"pages/b/de.txt", "title: Kurs\n\nAnruf: \u202E0631 7105\u202C\n", "pages/b/de.txt:3:", "U+202E"},
        {"pages/b/page.txt", "code: \u202E11\nparent: 10\n", "pages/b/page.txt:1:", "U+202E"},
        {"pages/b/page.txt", "code: 11\nparent: 10\u200E\n", "pages/b/page.txt:2:", "U+200E"},
        {"offices/amt.txt", "name: Amt \u202Efür\n", "offices/amt.txt:1:", "U+202E"},
        {"offices/amt.txt", "name: Amt\nphone: \u202E0631 7105\n", "offices/amt.txt:2:", "U+202E"},
        {"region.txt", "name: Test\u202Ekreis\nregion: test\nversion: 1\nlanguage: de | Deutsch | ltr | Latn | latn\n",
         "region.txt:1:", "U+202E"},
        {"region.txt", "name: T\nregion: test\nversion: 1\nlanguage: de | Deu\u2066tsch | ltr | Latn | latn\n",
         "region.txt:4:", "U+2066"},
        {"region.txt", "name: T\nregion: test\nversion: 1\nlanguage: d\u202Ee | Deutsch | ltr | Latn | latn\n",
         "region.txt:4:", "U+202E"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "bidi%zu", i);
        const char *d = small_region(name);
        write_file(d, cases[i].file, cases[i].text);
        bool found = source_error(d, cases[i].where, cases[i].cp, NULL);
        if (!found)
            printf("      (case %zu: expected %s %s)\n", i, cases[i].where, cases[i].cp);
        CHECK(found);
    }
}

TEST(pack_sources_refuse_what_would_change_what_a_visitor_reads)
{
    /* A key given twice: the second would win without a word. */
    const char *d = small_region("twice");
    write_file(d, "pages/b/de.txt", "title: Kurs\ntitle: Kurse\n\nText\n");
    CHECK(source_error(d, "pages/b/de.txt:2:", "title", "line 1"));
    /* Two emergency pages: the red button opens one of them. */
    d = small_region("emergency2");
    write_file(d, "pages/a/page.txt", "code: 10\nparent:\norder: 1\nicon: emergency\nkind: emergency\n");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\norder: 1\nicon: emergency\nkind: emergency\n");
    CHECK(source_error(d, "pages/b/page.txt:5:", "emergency", "pages/a/page.txt"));
    /* An office page that names no office shows none. */
    d = small_region("officeless");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\norder: 1\nicon: work\nkind: office\n");
    CHECK(source_error(d, "pages/b/page.txt", "office", NULL));
    /* A translation in a language region.txt does not list is never shown: say so. */
    d = small_region("stray");
    write_file(d, "pages/b/fa.txt", "title: دوره\n\nمتن\n");
    pack_report r = source_report(d);
    CHECK(has_problem(&r, false, "pages/b/fa.txt", "region.txt", NULL));
    pack_report_free(&r);
    /* Region and version travel in the signature as single words. */
    d = small_region("region-words");
    write_file(d, "region.txt", "name: T\nregion: Kaisers lautern\nversion: 1\nlanguage: de | Deutsch | ltr | Latn | latn\n");
    CHECK(source_error(d, "region.txt:2:", "region", NULL));
    write_file(d, "region.txt", "name: T\nregion: test\nversion: 2026 11\nlanguage: de | Deutsch | ltr | Latn | latn\n");
    CHECK(source_error(d, "region.txt:3:", "version", NULL));
}

/* A German text with `body` after its header (line 3 on) in a region of its own: the error
 * naming `where` and `what`, or "(built)". */
static bool body_refused(const char *name, const char *body, const char *where, const char *what)
{
    static char text[PACK_TEXT_BYTES_MAX + 4096];
    const char *d = small_region(name);
    snprintf(text, sizeof text, "title: Kurs\n\n%s", body);
    write_file(d, "pages/b/de.txt", text);
    if (!where)
        return strcmp(build_error(d), "(built)") == 0;
    return source_error(d, where, what, NULL);
}

TEST(pack_sources_refuse_bodies_over_the_limits)
{
    static char body[PACK_TEXT_BYTES_MAX + 2048];
    /* A paragraph longer than the kiosk lays out, on line 5. */
    snprintf(body, sizeof body, "Erster.\n\n%s\n", repeat("Wort ", PACK_PARAGRAPH_BYTES_MAX / 5 + 2));
    CHECK(body_refused("long-paragraph", body, "pages/b/de.txt:5:", "paragraph"));
    /* A word nobody reads: pasted data. */
    snprintf(body, sizeof body, "Bild: %s\n", repeat("QUJD", PACK_WORD_BYTES_MAX / 4 + 1));
    CHECK(body_refused("long-word", body, "pages/b/de.txt:3:", "word"));
    /* The words of a link are words; its target is not, but has its own limit. */
    snprintf(body, sizeof body, "[Seite](https://example.org/%s)\n", repeat("a", PACK_WORD_BYTES_MAX + 1));
    CHECK(body_refused("long-target", body, NULL, NULL));
    snprintf(body, sizeof body, "[Seite](https://example.org/%s)\n", repeat("a", PACK_LINK_BYTES_MAX));
    CHECK(body_refused("long-target", body, "pages/b/de.txt:3:", "link"));
    /* More links in one paragraph than the kiosk can make tappable. */
    snprintf(body, sizeof body, "%s\n", repeat("[A](page:10) ", PACK_PARAGRAPH_LINKS_MAX + 1));
    CHECK(body_refused("many-links", body, "pages/b/de.txt:3:", "links"));
    /* A whole text longer than a page should be, in short paragraphs. */
    snprintf(body, sizeof body, "%s", repeat("Ein kurzer Absatz.\n\n", PACK_TEXT_BYTES_MAX / 20 + 1));
    CHECK(body_refused("long-text", body, "pages/b/de.txt", "bytes"));
    /* Control characters a person cannot see. */
    CHECK(body_refused("control", "erste Zeile\nzweite \x01 Zeile\n", "pages/b/de.txt:4:", "U+0001"));
}

TEST(pack_sources_refuse_more_pages_than_a_screen_lists)
{
    /* A topic with more pages than its list shows, and a home screen with more tiles. */
    const char *d = small_region("children");
    for (int i = 0; i <= PACK_CHILDREN_MAX; i++) {
        char folder[32], code[16];
        snprintf(folder, sizeof folder, "k%d", i);
        snprintf(code, sizeof code, "%d", 1000 + i);
        page(d, folder, code, "11");
    }
    CHECK(source_error(d, "pages/b/page.txt", "11", "pages"));
    d = small_region("top-level");
    for (int i = 0; i < PACK_TOP_LEVEL_MAX; i++) {
        char folder[32], code[16];
        snprintf(folder, sizeof folder, "t%d", i);
        snprintf(code, sizeof code, "%d", 1000 + i);
        page(d, folder, code, "");
    }
    CHECK(source_error(d, "home screen", NULL, NULL));
}

/* A copy of `pack` changed by `sql`, as a pack made by something else than wegweiser-pack. */
static const char *edited_pack(const char *pack_path, const char *name, const char *sql)
{
    static char path[4][700];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 700, "%s/%s.pack", test_tmpdir(), name);
    copy_file(pack_path, p);
    sqlite3 *db;
    CHECK(sqlite3_open(p, &db) == SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        printf("      (%s: %s)\n", name, msg);
    sqlite3_free(msg);
    sqlite3_close(db);
    return p;
}

/* The message pack_open gives for the edited pack, "(opened)" when it opened it. */
static const char *open_error(const char *pack_path, const char *name, const char *sql)
{
    static err e;
    pack *p = pack_open(edited_pack(pack_path, name, sql), &e);
    if (p) {
        pack_close(p);
        snprintf(e.msg, sizeof e.msg, "(opened)");
    }
    return e.msg;
}

static bool open_refused(const char *pack_path, const char *name, const char *sql, const char *a, const char *b)
{
    const char *msg = open_error(pack_path, name, sql);
    bool ok = strstr(msg, a) && (!b || strstr(msg, b)) && !strchr(msg, '\n');
    if (!ok)
        printf("      (%s: %s)\n", name, msg);
    return ok;
}

TEST(pack_open_refuses_fields_over_the_limits)
{
    const char *d = small_region("open-limits");
    write_file(d, "offices/amt.txt", "name: Amt\nphone: 0631 1\nmon: 08:00-12:00\n");
    write_file(d, "pages/b/page.txt", "code: 11\nparent: 10\norder: 1\nicon: school\nkind: office\noffice: amt\n");
    char built[600];
    snprintf(built, sizeof built, "%s/open-limits.pack", test_tmpdir());
    err e;
    CHECK(pack_build(d, built, &e));
    CHECK_STR(open_error(built, "as-built", "SELECT 1"), "(opened)");
    static char sql[1 << 16];
    /* Fields the kiosk holds in buffers of their limit's size: refused, never cut. */
    snprintf(sql, sizeof sql, "UPDATE meta SET value = '%s' WHERE key = 'name'", repeat("ä", 150));
    CHECK(open_refused(built, "meta-name", sql, "name", "300 bytes"));
    snprintf(sql, sizeof sql, "UPDATE languages SET native_name = '%s' WHERE code = 'ar'", repeat("ع", 60));
    CHECK(open_refused(built, "native-name", sql, "native_name", "120 bytes"));
    snprintf(sql, sizeof sql, "UPDATE pages SET icon = '%s' WHERE code = '11'", repeat("a", 60));
    CHECK(open_refused(built, "icon", sql, "icon", "60 bytes"));
    snprintf(sql, sizeof sql, "UPDATE offices SET phones = '0631 1\n%s'", repeat("0123456789", 10));
    CHECK(open_refused(built, "phone", sql, "phone", "100 bytes"));
    snprintf(sql, sizeof sql, "UPDATE offices SET name = '%s'", repeat("ä", 100));
    CHECK(open_refused(built, "office-name", sql, "name", "200 bytes"));
    CHECK(open_refused(built, "phones", "UPDATE offices SET phones = '1\n2\n3\n4\n5'", "phone", "5"));
    CHECK(open_refused(built, "slots",
                       "INSERT INTO office_hours VALUES('amt', 0, 720, 730), ('amt', 0, 740, 750), ('amt', 0, 760, 770),"
                       " ('amt', 0, 780, 790)",
                       "amt", "5"));
    CHECK(open_refused(built, "holidays",
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 17)"
                       " INSERT INTO office_holidays SELECT 'amt', printf('2026-12-%02d', i) FROM n",
                       "holiday", "17"));
    /* Counts the kiosk used to stop at without a word. */
    CHECK(open_refused(built, "languages",
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 31)"
                       " INSERT INTO languages SELECT 'x' || i, 10 + i, 'X', 'ltr', 'Latn', 'latn' FROM n",
                       "more than 32 languages", NULL));
    char children_sql[300], children_msg[80];
    snprintf(children_sql, sizeof children_sql,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO pages(code, parent, position, icon, kind) SELECT 10000 + i, '10', i, 'work', 'article' FROM n",
             PACK_CHILDREN_MAX + 1);
    snprintf(children_msg, sizeof children_msg, "more than %d pages under page 10", PACK_CHILDREN_MAX);
    CHECK(open_refused(built, "children", children_sql, children_msg, NULL));
    CHECK(open_refused(built, "pages",
                       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 32767)"
                       " INSERT INTO pages(code, parent, position, icon, kind)"
                       " SELECT 100000 + i, CASE WHEN i <= 200 THEN '10' ELSE 100001 + i % 200 END, i, 'work', 'article' FROM n",
                       "32769 pages", NULL));
    /* A page tree that is no tree. */
    CHECK(open_refused(built, "cycle", "UPDATE pages SET parent = '11' WHERE code = '10'", "cycle", "10"));
    CHECK(open_refused(built, "orphan", "UPDATE pages SET parent = '99' WHERE code = '11'", "99", "11"));
}

TEST(pack_check_refuses_texts_over_the_limits)
{
    /* Texts are read when shown, so pack_open leaves them to the check that runs before a pack
     * is installed: `wegweiser-pack check PACK` names each one. */
    char built[600];
    snprintf(built, sizeof built, "%s/text-limits.pack", test_tmpdir());
    err e;
    CHECK(pack_build(small_region("text-limits"), built, &e));
    char cmd[1600], out[16384];
    snprintf(cmd, sizeof cmd, "%s check %s", test_bin("wegweiser-pack"), built);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    static char sql[1 << 16];
    snprintf(sql, sizeof sql, "UPDATE texts SET title = '%s' WHERE page = '11'; UPDATE texts SET body = 'a %s b'"
             " WHERE page = '10' AND lang = 'ar'",
             repeat("ä", 150), repeat("QUJD", 100));
    snprintf(cmd, sizeof cmd, "%s check %s", test_bin("wegweiser-pack"), edited_pack(built, "long-title", sql));
    CHECK_INT(test_run(cmd, out, sizeof out), 1);
    CHECK(strstr(out, "page 11 (de): title is 300 bytes") != NULL);
    CHECK(strstr(out, "page 10 (ar): line 1: a word") != NULL);
    pack *p = pack_open(built, &e);
    CHECK(p != NULL);
    if (p) {
        pack_report r = {0};
        CHECK(pack_check_texts(p, &r));
        CHECK_INT(r.errors, 0);
        pack_report_free(&r);
        pack_close(p);
    }
}

/* The number in a Limits row of content/SCHEMA.md ("| pages | 32,768 | …"), in bytes where it
 * has a unit. */
static long long schema_limit(const char *schema, const char *name)
{
    char row[200];
    snprintf(row, sizeof row, "\n| %s | ", name);
    const char *at = strstr(schema, row);
    if (!at)
        return -1;
    long long v = 0;
    const char *p = at + strlen(row);
    for (; (*p >= '0' && *p <= '9') || *p == ','; p++)
        if (*p != ',')
            v = v * 10 + (*p - '0');
    if (!strncmp(p, " KiB", 4))
        v <<= 10;
    else if (!strncmp(p, " MiB", 4))
        v <<= 20;
    return v;
}

TEST(pack_limits_are_written_down_as_enforced)
{
    char *schema = test_read_file("content/SCHEMA.md", NULL);
    CHECK(schema != NULL);
    if (!schema)
        return;
    struct {
        const char *name;
        long long value;
    } limits[] = {
        {"pack file", PACK_BYTES_MAX},
        {"pages", PACK_PAGES_MAX},
        {"languages", PACK_LANGUAGES_MAX},
        {"pages on the home screen", PACK_TOP_LEVEL_MAX},
        {"pages under one page", PACK_CHILDREN_MAX},
        {"text (body) of a page", PACK_TEXT_BYTES_MAX},
        {"paragraph", PACK_PARAGRAPH_BYTES_MAX},
        {"word", PACK_WORD_BYTES_MAX},
        {"link target", PACK_LINK_BYTES_MAX},
        {"links and bold spans in a paragraph", PACK_PARAGRAPH_LINKS_MAX},
        {"title, tile-title", PACK_TITLE_BYTES_MAX},
        {"summary", PACK_SUMMARY_BYTES_MAX},
        {"region", PACK_REGION_BYTES_MAX},
        {"region name, publisher", PACK_REGION_NAME_BYTES_MAX},
        {"version", PACK_VERSION_BYTES_MAX},
        {"source", PACK_SOURCE_BYTES_MAX},
        {"language code", PACK_LANG_CODE_BYTES_MAX},
        {"language native name", PACK_NATIVE_NAME_BYTES_MAX},
        {"page code", PACK_CODE_DIGITS_MAX},
        {"icon", PACK_ICON_BYTES_MAX},
        {"office id", PACK_OFFICE_ID_BYTES_MAX},
        {"office name", PACK_OFFICE_NAME_BYTES_MAX},
        {"address", PACK_ADDRESS_BYTES_MAX},
        {"phone", PACK_PHONE_BYTES_MAX},
        {"phones of an office", PACK_PHONES_MAX},
        {"email", PACK_EMAIL_BYTES_MAX},
        {"web", PACK_WEB_BYTES_MAX},
        {"opening-hour ranges a day", PACK_SLOTS_MAX},
        {"holidays of an office", PACK_HOLIDAYS_MAX},
        {"asset file name", PACK_ASSET_NAME_BYTES_MAX},
        {"asset", PACK_ASSET_BYTES_MAX},
        {"synonym", PACK_SYNONYM_BYTES_MAX},
        {"synonyms", PACK_SYNONYMS_MAX},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        long long doc = schema_limit(schema, limits[i].name);
        if (doc != limits[i].value)
            printf("      (%s: %lld in SCHEMA.md, %lld in pack_limits.h)\n", limits[i].name, doc, limits[i].value);
        CHECK(doc == limits[i].value);
    }
    free(schema);
    /* The page limit is the one search and the builder share, at least the 20,000 a county needs. */
    CHECK(PACK_PAGES_MAX >= 20000);
}

TEST(pack_limits_reach_the_screen_whole)
{
    /* The most languages with the longest names: the about page names every one, whole (its
     * line was cut at 511 bytes, inside a letter). */
    const char *d = small_region("about-names");
    static char region[16384];
    int k = snprintf(region, sizeof region, "%s", REGION_HEAD);
    char last[PACK_NATIVE_NAME_BYTES_MAX + 1] = "";
    for (int i = 0; i < PACK_LANGUAGES_MAX; i++) {
        /* 46 two-byte letters, x and two digits: 95 bytes, each name its own. */
        snprintf(last, sizeof last, "%sx%02d", repeat("ä", 46), i);
        k += snprintf(region + k, sizeof region - (size_t)k, "language: %s | %s | ltr | Latn | latn\n",
                      i ? (char[8]){'x', (char)('a' + i / 26), (char)('a' + i % 26), 0} : "de", last);
    }
    write_file(d, "region.txt", region);
    char path[700];
    snprintf(path, sizeof path, "%s/pages/a/ar.txt", d);
    unlink(path);
    pack *p = build_and_open(d, "about-names");
    if (!p)
        return;
    CHECK_INT(pack_language_count(p), PACK_LANGUAGES_MAX);
    session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), 800, 480, 0, &e));
    app_event german = {.type = APP_EV_LANGUAGE, .arg = "de"}, about = {.type = APP_EV_ABOUT};
    app_handle(&s.app, &german);
    app_handle(&s.app, &about);
    const view_list *l = session_display(&s);
    bool whole = false;
    for (int i = 0; i < l->count; i++)
        whole |= l->cmds[i].text && strstr(l->cmds[i].text, last) != NULL;
    CHECK(whole);
    session_free(&s);
    pack_close(p);
}

/* A county's topic: 300 pages under it, all there to scroll to (the list once stopped at 256,
 * and the display list filled up with rows out of sight long before). Packs of 20,000 pages are
 * built by make bench-pack; reading sources is quadratic in the pages so far, too slow under
 * the sanitizers to build one here. */
TEST(pack_of_a_county_lists_every_page_of_a_topic)
{
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/county", test_tmpdir());
    write_file(dir, "region.txt",
               "name: Großkreis\nregion: gross\nversion: 2026-01-02\npublisher: Amt\ndemo: no\n"
               "language: de | Deutsch | ltr | Latn | latn\n");
    write_file(dir, "pages/t1/page.txt", "code: 1\nparent:\norder: 1\nicon: work\nkind: topic\n");
    write_file(dir, "pages/t1/de.txt", "title: Arbeit\nsummary: Alles zur Arbeit\nversion: 1\n\nText\n");
    write_file(dir, "pages/t2/page.txt", "code: 2\nparent:\norder: 2\nicon: home\nkind: topic\n");
    write_file(dir, "pages/t2/de.txt", "title: Wohnen\nsummary: Alles zum Wohnen\nversion: 1\n\nText\n");
    const int pages = 400;
    for (int i = 0; i < pages; i++) {
        char folder[700], file[800];
        snprintf(folder, sizeof folder, "%s/pages/p%d", dir, i);
        CHECK(mkdir(folder, 0755) == 0);
        snprintf(file, sizeof file, "%s/page.txt", folder);
        FILE *f = fopen(file, "w");
        CHECK(f != NULL);
        if (!f)
            return;
        fprintf(f, "code: %d\nparent: %d\norder: %d\nicon: article\nkind: article\n", 10000 + i, i < 300 ? 1 : 2,
                i + 1);
        fclose(f);
        snprintf(file, sizeof file, "%s/de.txt", folder);
        f = fopen(file, "w");
        CHECK(f != NULL);
        if (!f)
            return;
        fprintf(f, "title: Seite %d\nsummary: Zusammenfassung %d\nversion: 1\n\nText der Seite %d.\n", i + 1, i + 1,
                i + 1);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/county.pack", test_tmpdir());
    err e;
    CHECK(pack_build(dir, path, &e));
    pack *p = pack_open(path, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_INT(pack_page_count(p), pages + 2);
    for (int i = 0; i < pages; i += 97) {
        char code[16];
        snprintf(code, sizeof code, "%d", 10000 + i);
        CHECK(pack_page_find(p, code) != NULL && !strcmp(pack_page_find(p, code)->code, code));
    }
    const pack_page *kids[301];
    CHECK_INT(pack_children(p, "1", kids, 301), 300);
    CHECK_STR(kids[0]->code, "10000");
    CHECK_STR(kids[299]->code, "10299");
    CHECK_INT(pack_children(p, "2", NULL, 0), pages - 300);

    /* The topic's last page is on screen once the list is scrolled to its end. */
    session s;
    CHECK(session_init(&s, p, test_fonts(), 1280, 800, 90000, &e));
    err le;
    CHECK(session_script_line(&s, "tap-text Deutsch", NULL, NULL, &le));
    CHECK(session_script_line(&s, "tap-text Arbeit", NULL, NULL, &le));
    session_display(&s);
    /* Dragged down the whole list half a screen at a time: rows more than a screen out of
     * sight are left out of the display list, so what is shown after each move must be what a
     * list built there shows, row for row. */
    static view_list built;
    int moves = 0, differ = 0;
    for (int step = 0; step < 400 && app_current(&s.app)->scroll < app_current(&s.app)->scroll_max; step++) {
        app_handle(&s.app, &(app_event){.type = APP_EV_SCROLL, .value = 400});
        const view_list *shown = session_display(&s);
        view_build(&built, &s.app, s.fonts, s.width, s.height, session_dpi(&s));
        bool same = shown->count == built.count;
        for (int i = 0; same && i < shown->count; i++)
            same = shown->cmds[i].kind == built.cmds[i].kind && shown->cmds[i].rect.y == built.cmds[i].rect.y &&
                   !shown->cmds[i].text == !built.cmds[i].text &&
                   (!shown->cmds[i].text || !strcmp(shown->cmds[i].text, built.cmds[i].text));
        differ += !same;
        moves++;
    }
    CHECK(moves > 20);
    CHECK_INT(differ, 0);
    app_event end = {.type = APP_EV_SCROLL, .value = 1 << 30};
    app_handle(&s.app, &end);
    CHECK(app_current(&s.app)->scroll > 0);
    CHECK(view_find_text(session_display(&s), "Seite 300") != NULL);
    session_free(&s);
    pack_close(p);
}
