/* Forgiving search (issue 19): a visitor's query with a typo, a part of a compound, a word of
 * staff's synonyms.txt, a Tigrinya vowel variant or German in Latin letters on another
 * language's keyboard finds the page, in the top three; what the words as typed find stays
 * what it was (the brute-force reference of test_search.c holds that for every word). */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "pack_private.h"
#include "test.h"

typedef struct query_case {
    const char *lang, *query, *page, *why;
} query_case;

/* Page codes of the demo: 110 Integrationskurs, 120 Berufssprachkurse, 210 Anerkennung, 510
 * Jugendamt and Vormund, 620 eigene Wohnung, 700 Gesundheit, 710 Arztbesuch, 800 Notruf, 902
 * Agentur für Arbeit, 903 Jobcenter, 917 Ausländerbehörde, 1010 Kita. */
static const query_case DEMO[] = {
    {"de", "Integrationskurz", "110", "one letter wrong"},
    {"de", "Integratonskurs", "110", "one letter missing"},
    {"de", "Integrattionskurs", "110", "one letter too many"},
    {"de", "Inetgrationskurs", "110", "two letters swapped"},
    {"de", "Integartionsku", "110", "swapped, while the word is still being typed"},
    {"de", "Ausländerbehröde", "917", "swapped"},
    {"de", "Auslaenderbehoerde", "917", "umlauts spelled ae, oe"},
    {"de", "Krankenkase", "700", "one letter missing"},
    {"de", "Schwangerchaft", "911", "one letter missing"},
    {"de", "Sprachkurse", "120", "part of the compound Berufssprachkurse"},
    {"de", "Jobcentre", "903", "synonym (and one typo away)"},
    {"de", "Job Center", "903", "synonym of two words"},
    {"de", "job cen", "903", "synonym of two words, the second being typed"},
    {"de", "Kindergarten", "1010", "synonym"},
    {"de", "Arbeitsamt", "902", "synonym"},
    {"de", "Ausländeramt", "917", "synonym"},
    {"de", "Antrag Jobcentre", "320", "one word as typed, one a synonym"},
    {"en", "Integraton course", "110", "one letter missing"},
    {"en", "vacinations", "710", "one letter missing"},
    {"en", "guardianshp", "510", "one letter missing"},
    {"en", "emergancy", "800", "one letter wrong"},
    {"en", "jobcentre", "903", "synonym"},
    {"en", "foreigners office", "917", "synonym of two words"},
    {"en", "nursery", "1010", "synonym"},
    {"ar", "الاندماح", "110", "one letter wrong"},
    {"ar", "الانددماج", "110", "one letter too many"},
    {"ar", "الطوارى", "800", "alef maqsura for ya, hamza left out"},
    {"ar", "الإسعاق", "915", "one letter wrong (the Red Cross page names the ambulance)"},
    {"ar", "المنواب", "800", "two letters swapped"},
    {"ar", "جوب سنتر", "903", "synonym of two words"},
    {"ar", "جوب سنت", "903", "synonym, its second word being typed"},
    {"ar", "حضانة", "1010", "synonym"},
    {"ar", "دكتور", "710", "synonym"},
    {"ar", "Kindergarten", "1010", "German in Latin letters: the German synonym, the Arabic page"},
    {"ar", "Jobcentre", "903", "Latin letters one typo from a word the Arabic pages have"},
    {"ar", "Ausländeramt", "917", "German synonym in Latin letters"},
    {"prs", "اضطرری", "800", "one letter missing"},
    {"prs", "امبولانز", "800", "one letter wrong"},
    {"prs", "سرپرسطی", "510", "one letter wrong"},
    {"prs", "كورس ادغام", "110", "Arabic kaf for Persian keheh"},
    {"prs", "جاب سنتر", "903", "synonym of two words"},
    {"prs", "کیتا", "1010", "synonym"},
    {"prs", "دکتر", "710", "synonym"},
    {"prs", "Kindergarten", "1010", "German synonym in Latin letters"},
    {"ti", "ምውህሀድ", "110", "another vowel order of the same consonant"},
    {"ti", "ሐኪም", "710", "another vowel order"},
    {"ti", "ማእከል ሥራሕ", "903", "the old letter ሠ for ሰ"},
    {"ti", "ፅሕፈት", "917", "the old letter ፀ for ጸ"},
    {"ti", "ጠዕና", "700", "another vowel order"},
    {"ti", "ኣምቡላንዝ", "800", "one letter wrong"},
    {"ti", "ሞግዚትንት", "510", "one letter missing"},
    {"ti", "ጆብ ሰንተር", "903", "synonym of two words"},
    {"ti", "ዶክተር", "710", "synonym"},
    {"ti", "ኪንደርጋርተን", "1010", "synonym: Kindergarten written in fidel"},
    {"ti", "Kindergarten", "1010", "German synonym in Latin letters"},
    {"uk", "Інтеграціний", "110", "one letter missing"},
    {"uk", "квартра", "620", "one letter missing"},
    {"uk", "працевлаштуваня", "902", "one letter missing"},
    {"uk", "пожежнна", "800", "one letter too many"},
    {"uk", "джобцентр", "903", "synonym"},
    {"uk", "центр зайн", "903", "synonym of two words, the second being typed"},
    {"uk", "доктор", "710", "synonym"},
    {"uk", "Kindergarten", "1010", "German synonym in Latin letters"},
};

/* Landkreis Augsburg's Integreat pages (German and English, no synonyms.txt): 17954 Wohnung
 * mieten, 17970 Impfempfehlungen, 18035 Jobcenter, 18949 Sprachkurse, 26038 Kinderbetreuung,
 * 29779 Integrationskurse, 29792 Erstorientierungskurse, 35379 Zentrale Ausländerbehörde, 46954
 * Arztbesuch. */
static const query_case AUGSBURG[] = {
    {"de", "Integratiosnkurse", "29779", "two letters swapped"},
    {"de", "Kinderbetreung", "26038", "one letter missing"},
    {"de", "Arztbesuh", "46954", "one letter missing"},
    {"de", "Wohnugn mieten", "17954", "two letters swapped"},
    {"de", "Jobcentre", "18035", "two letters swapped"},
    {"de", "Ausländerbehröde", "35379", "two letters swapped"},
    {"de", "orientierungskurse", "29792", "part of the compound Erstorientierungskurse"},
    {"de", "Impfempfelungen", "17970", "one letter missing"},
    {"de", "Sprachkurss", "18949", "one letter too many"},
    {"en", "Integraton courses", "29779", "one letter missing"},
    {"en", "vaccinaton", "17970", "one letter missing"},
    {"en", "Jobcentre", "18035", "two letters swapped"},
};

/* Each query's page among the first three found; a failure says what was found instead. */
static int check_table(pack *p, const query_case *cases, int count)
{
    int failed = 0;
    for (int i = 0; i < count; i++) {
        const query_case *c = &cases[i];
        char codes[3][PACK_CODE_MAX];
        int n = pack_search(p, c->lang, c->query, codes, 3);
        bool found = false;
        for (int k = 0; k < n; k++)
            found |= !strcmp(codes[k], c->page);
        if (!found) {
            char msg[600];
            snprintf(msg, sizeof msg, "%s '%s' (%s) should find page %s in the first three, found: %s %s %s", c->lang,
                     c->query, c->why, c->page, n > 0 ? codes[0] : "nothing", n > 1 ? codes[1] : "",
                     n > 2 ? codes[2] : "");
            test_fail(__FILE__, __LINE__, msg);
            failed++;
        }
    }
    return failed;
}

TEST(search_forgiving_finds_the_page_on_the_demo)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    int count = (int)(sizeof DEMO / sizeof DEMO[0]);
    CHECK(count >= 40);
    int failed = check_table(p, DEMO, count);
    printf("    %d of %d queries found their page\n", count - failed, count);
    /* And pack_search_found, which the screen calls, gives the same pages with their titles. */
    pack_found found[PACK_SEARCH_MAX];
    char text[8192];
    int n = pack_search_found(p, "ar", "Kindergarten", found, PACK_SEARCH_MAX, text, sizeof text);
    bool kita = false;
    for (int i = 0; i < n; i++)
        kita |= !strcmp(found[i].page, "1010") && !strcmp(text + found[i].title, "روضة الأطفال");
    CHECK(kita);
    pack_close(p);
}

TEST(search_forgiving_finds_the_page_on_the_augsburg_import)
{
    const char *path = test_augsburg_pack();
    if (!path)
        return;
    err e;
    pack *p = pack_open(path, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    check_table(p, AUGSBURG, (int)(sizeof AUGSBURG / sizeof AUGSBURG[0]));
    pack_close(p);
}

static int search(pack *p, const char *lang, const char *query, char codes[][PACK_CODE_MAX], int max)
{
    return pack_search(p, lang, query, codes, max);
}

/* How many texts of `lang` the normalized word begins a word of: what the search finds as typed. */
static int found_as_typed(pack *p, const char *lang, const char *word)
{
    sqlite3_stmt *st;
    int n = -1;
    char match[128];
    snprintf(match, sizeof match, "\"%s\"*", word);
    if (sqlite3_prepare_v2(pack_db(p),
                           "SELECT count(*) FROM search WHERE search MATCH ?2 AND rowid"
                           " BETWEEN (SELECT min(id) FROM texts WHERE lang=?1) AND (SELECT max(id) FROM texts WHERE lang=?1)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, match, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static int place_of(char codes[][PACK_CODE_MAX], int n, const char *page)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(codes[i], page))
            return i;
    return -1;
}

/* Forgiving adds after what is found as typed: those pages keep their places (issue 14's
 * order), then come the compounds, synonyms and German pages the visitor may have meant. */
TEST(search_forgiving_adds_after_what_is_found_as_typed)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    char codes[PACK_SEARCH_MAX][PACK_CODE_MAX];
    /* "Sprachkurs" is a word of page 110, found first; Berufssprachkurse (120) after it. */
    int exact = found_as_typed(p, "de", "sprachkurs");
    int n = search(p, "de", "Sprachkurs", codes, PACK_SEARCH_MAX);
    CHECK(exact >= 1 && n > exact);
    CHECK(place_of(codes, n, "110") >= 0 && place_of(codes, n, "110") < exact);
    CHECK(place_of(codes, n, "120") >= exact);
    /* "Kita" is on the pages: found as typed. */
    int kita = search(p, "de", "Kita", codes, PACK_SEARCH_MAX);
    CHECK(kita >= 1 && place_of(codes, kita, "1010") >= 0 &&
          place_of(codes, kita, "1010") < found_as_typed(p, "de", "kita"));
    /* Latin letters the Ukrainian pages have are found there first; German pages may follow. */
    exact = found_as_typed(p, "uk", "auslanderbehorde");
    n = search(p, "uk", "Ausländerbehörde", codes, PACK_SEARCH_MAX);
    CHECK(exact >= 1 && n >= exact);
    /* Too short to correct, and nothing like it: nothing. */
    CHECK_INT(search(p, "de", "Xqzv", codes, PACK_SEARCH_MAX), 0);
    CHECK_INT(search(p, "de", "Qqqqqqqqqq", codes, PACK_SEARCH_MAX), 0);
    /* A German synonym in Latin letters on a Latin-script language's keyboard stays English. */
    n = search(p, "en", "Arbeitsamt", codes, PACK_SEARCH_MAX);
    CHECK_INT(n, 0);
    pack_close(p);
}

/* The vowel orders of a Tigrinya consonant are one letter; ሠ is ሰ and ፀ is ጸ; a labiovelar
 * row (ቈ) is a letter of its own; Arabic and Persian variants are still folded. */
TEST(search_forgiving_normalizes_tigrinya_vowel_orders)
{
    struct {
        const char *a, *b;
        bool same;
    } pairs[] = {
        {"ሰላም", "ሳላም", true},   {"ሰላም", "ስላም", true},   {"ሥራሕ", "ስራሕ", true},   {"ፀሓይ", "ጸሓይ", true},
        {"ፅሕፈት", "ጽሕፈት", true}, {"ቈልዑ", "ቆልዑ", false}, {"ሓኪም", "ሐኪም", true},   {"ሰላም", "ሐላም", false},
        {"كتاب", "کتاب", true},   {"مدرسة", "مدرسه", true}, {"ژ", "ز", false},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char a[64], b[64];
        pack_normalize(pairs[i].a, a, sizeof a);
        pack_normalize(pairs[i].b, b, sizeof b);
        if ((strcmp(a, b) == 0) != pairs[i].same) {
            char msg[200];
            snprintf(msg, sizeof msg, "%s and %s should %snormalize the same", pairs[i].a, pairs[i].b,
                     pairs[i].same ? "" : "not ");
            test_fail(__FILE__, __LINE__, msg);
        }
    }
}

/* The builder's tables: every word of each language with the number of its texts, exactly
 * as the index counts them, and synonyms.txt normalized as the index normalizes. */
TEST(search_forgiving_tables_in_the_pack)
{
    sqlite3 *db;
    CHECK(sqlite3_open_v2(test_demo_pack(), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    const char *sql = "SELECT v.lang, v.term, v.docs, (SELECT count(*) FROM search WHERE search MATCH '\"' || "
                      "v.term || '\"' AND rowid BETWEEN (SELECT min(id) FROM texts WHERE lang = v.lang) AND "
                      "(SELECT max(id) FROM texts WHERE lang = v.lang)) FROM vocabulary v WHERE v.term IN "
                      "('jobcenter', 'kita', 'sprachkurs', 'مکتب', 'ሐከመ', 'лікар')";
    CHECK(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        if (sqlite3_column_int64(st, 2) != sqlite3_column_int64(st, 3) || sqlite3_column_int64(st, 2) < 1) {
            char msg[300];
            snprintf(msg, sizeof msg, "vocabulary %s '%s': %lld texts, the index finds %lld",
                     (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                     sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3));
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    sqlite3_finalize(st);
    CHECK(rows >= 10);
    CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM synonyms WHERE (lang, synonym, word) IN (VALUES"
                                 " ('de', 'job center', 'jobcenter'), ('de', 'auslanderamt', 'auslanderbehorde'),"
                                 " ('ar', 'جوب سنتر', 'مکتب العمل'), ('ti', 'ጀበ ሰነተረ', 'መአከለ ሰረሐ'))",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 4);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static bool reported(const pack_report *r, const char *a, const char *b)
{
    for (int i = 0; i < r->count; i++)
        if (r->problems[i].error && strstr(r->problems[i].text, a) && (!b || strstr(r->problems[i].text, b)))
            return true;
    return false;
}

/* synonyms.txt's mistakes are reported with file and line, one line each. */
TEST(search_forgiving_synonyms_txt_problems_name_file_and_line)
{
    char dir[600], cmd[1400], path[700];
    snprintf(dir, sizeof dir, "%s/synonyms-planted", test_tmpdir());
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r content/kaiserslautern '%s'", dir, dir);
    CHECK_INT(system(cmd), 0);
    snprintf(path, sizeof path, "%s/synonyms.txt", dir);
    write_file(path, "# comment\n"
                     "de | Jobcenter | Job Center, Jobcentre\n"
                     "de | Jobcenter\n"
                     "fa | کار | کاریابی\n"
                     "de | | Arbeitsamt\n"
                     "de | Kita |\n"
                     "de | Kita | Kindergarten,, Krippe\n"
                     "de | Kita | \xE2\x80\xAE" "Krippe\n"
                     "de | Kita | ---\n"
                     "ar | مكتب العمل | جوب سنتر، جوبسنتر\n");
    pack_report r = {0};
    CHECK(!pack_check_sources(dir, &r));
    CHECK(reported(&r, "synonyms.txt:3: expected 'language | word | also found by, …'", NULL));
    CHECK(reported(&r, "synonyms.txt:4: language 'fa' is not one of the languages in region.txt", NULL));
    CHECK(reported(&r, "synonyms.txt:5: word is empty", NULL));
    CHECK(reported(&r, "synonyms.txt:6: no word after the second |", NULL));
    CHECK(reported(&r, "synonyms.txt:7: a word it is also found by is empty", NULL));
    CHECK(reported(&r, "synonyms.txt:8:", "U+202E"));
    CHECK(reported(&r, "synonyms.txt:9:", "no letter or digit"));
    CHECK_INT(r.errors, 7);
    for (int i = 0; i < r.count; i++)
        CHECK(strchr(r.problems[i].text, '\n') == NULL);
    pack_report_free(&r);
    /* Without them, the pack builds, the Arabic comma separating words as the Latin one does. */
    write_file(path, "de | Jobcenter | Job Center, Jobcentre\nar | مكتب العمل | جوب سنتر، جوبسنتر\n");
    snprintf(path, sizeof path, "%s/synonyms.pack", test_tmpdir());
    err e;
    CHECK(pack_build(dir, path, &e));
    sqlite3 *db;
    sqlite3_stmt *st;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT group_concat(synonym, '/') FROM (SELECT synonym FROM synonyms ORDER BY 1)",
                             -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_STR((const char *)sqlite3_column_text(st, 0), "job center/jobcentre/جوب سنتر/جوبسنتر");
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* A synonym for a word no page of its language has is a warning of check. */
    snprintf(path, sizeof path, "%s/synonyms.txt", dir);
    write_file(path, "de | Jobcenter | Job Center\nde | Arbeitsamt | Amt für Arbeit, Arbeitsagentur\n");
    memset(&r, 0, sizeof r);
    CHECK(pack_check_sources(dir, &r));
    bool warned = false;
    for (int i = 0; i < r.count; i++)
        warned |= !r.problems[i].error &&
                  strstr(r.problems[i].text, "synonyms.txt:2: no de page has 'Arbeitsamt', so its synonyms find nothing");
    CHECK(warned);
    for (int i = 0; i < r.count; i++)
        CHECK(!strstr(r.problems[i].text, "synonyms.txt:1:"));
    pack_report_free(&r);
}

/* A widened query of many long words grows past any first guess of its length, and stays one
 * query FTS5 reads: each word a group, each group its guesses. */
TEST(search_forgiving_long_queries_stay_whole)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    const char *eight[] = {"integratonskurs", "auslanderbehrode", "krankenkase", "schwangerchaft",
                           "lebenslauff",     "mietvertarg",      "berufssprachkurze", "jobcentre"};
    const char *words[48];
    for (int i = 0; i < 48; i++)
        words[i] = eight[i % 8]; /* the first eight are widened, the rest kept as typed */
    pack_fuzzy *f = pack_fuzzy_new();
    pack_widened w;
    CHECK(f && pack_fuzzy_widen(pack_searcher_of(p), f, pack_db(p), "de", words, 48, &w));
    if (w.match) {
        int groups = 1;
        for (const char *a = w.match; (a = strstr(a, ") AND (")); a++)
            groups++;
        CHECK_INT(groups, 48);
        CHECK(strlen(w.match) > 1024);
        sqlite3_stmt *st;
        CHECK(sqlite3_prepare_v2(pack_db(p), "SELECT count(*) FROM search WHERE search MATCH ?1", -1, &st, NULL) ==
              SQLITE_OK);
        sqlite3_bind_text(st, 1, w.match, -1, SQLITE_STATIC);
        CHECK(sqlite3_step(st) == SQLITE_ROW);
        sqlite3_finalize(st);
        /* As many ranks and weights as phrases. */
        int phrases = 0, hits = 0, weights = 0;
        for (const char *a = w.match; (a = strchr(a, '"')); a++)
            phrases++;
        for (const char *a = w.hits; *a; a++)
            hits += *a == ' ';
        for (const char *a = w.weights; *a; a++)
            weights += *a == ' ';
        CHECK_INT(hits, phrases / 2);
        CHECK_INT(weights, phrases / 2);
    }
    pack_widened_free(&w);
    pack_fuzzy_free(f);
    pack_close(p);
}
