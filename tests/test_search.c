/* Search: pack_search against a brute-force reference over the pack's own texts (which pages
 * match, and in which order BM25 puts them), the ranking function against SQLite's bm25(),
 * the common prefixes the builder ranks in advance, and the search screen that reads the pack
 * once per change of the words typed, never while its results scroll. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "pack_private.h"
#include "session.h"
#include "test.h"

/* The reference tokenizes as the index does: SQLite's unicode61 tokenizer, with the options
 * of content/SCHEMA.md, on text normalized the way the builder normalizes it. */
typedef struct tokenizer {
    sqlite3 *db;
    fts5_tokenizer api;
    Fts5Tokenizer *t;
} tokenizer;

static bool tokenizer_open(tokenizer *k)
{
    memset(k, 0, sizeof *k);
    fts5_api *fts5 = NULL;
    sqlite3_stmt *st;
    if (sqlite3_open(":memory:", &k->db) != SQLITE_OK ||
        sqlite3_prepare_v2(k->db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_pointer(st, 1, &fts5, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    void *user;
    const char *args[] = {"remove_diacritics", "2"};
    return fts5 && fts5->xFindTokenizer(fts5, "unicode61", &user, &k->api) == SQLITE_OK &&
           k->api.xCreate(user, args, 2, &k->t) == SQLITE_OK;
}

static void tokenizer_close(tokenizer *k)
{
    if (k->t)
        k->api.xDelete(k->t);
    sqlite3_close(k->db);
}

typedef struct tokens {
    char **v;
    int count, cap;
} tokens;

static int add_token(void *user, int flags, const char *token, int n, int start, int end)
{
    tokens *t = user;
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = realloc(t->v, (size_t)t->cap * sizeof *t->v);
    }
    t->v[t->count++] = strndup(token, (size_t)n);
    return SQLITE_OK;
}

static tokens tokenize(tokenizer *k, const char *text, int flags)
{
    tokens t = {0};
    k->api.xTokenize(k->t, &t, flags, text, (int)strlen(text), add_token);
    return t;
}

static void tokens_free(tokens *t)
{
    for (int i = 0; i < t->count; i++)
        free(t->v[i]);
    free(t->v);
}

typedef struct ref_text {
    char page[PACK_CODE_MAX], lang[PACK_LANG_MAX];
    tokens title, body; /* in the text's order */
} ref_text;

/* Every word of every text, sorted: the words a prefix begins are one run. */
typedef struct posting {
    const char *word;
    int text, column; /* column 0 title, 1 body */
} posting;

typedef struct reference {
    ref_text *texts;
    int count;
    double average; /* words per text, over all languages */
    posting *postings;
    int posting_count;
} reference;

static int compare_strings(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int compare_postings(const void *a, const void *b)
{
    return strcmp(((const posting *)a)->word, ((const posting *)b)->word);
}

static void add_postings(reference *r, int text, int column, const tokens *t)
{
    r->postings = realloc(r->postings, (size_t)(r->posting_count + t->count + 1) * sizeof *r->postings);
    for (int i = 0; i < t->count; i++)
        r->postings[r->posting_count++] = (posting){t->v[i], text, column};
}

/* Every text of the pack as the index holds it, read straight from the file. */
static bool reference_load(reference *r, tokenizer *k, const char *path)
{
    memset(r, 0, sizeof *r);
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT page, lang, title, summary, body FROM texts", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    long words = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        r->texts = realloc(r->texts, (size_t)(r->count + 1) * sizeof *r->texts);
        ref_text *t = &r->texts[r->count++];
        snprintf(t->page, sizeof t->page, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(t->lang, sizeof t->lang, "%s", (const char *)sqlite3_column_text(st, 1));
        char *title, *body;
        CHECK(pack_index_fields((const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
                                (const char *)sqlite3_column_text(st, 4), &title, &body));
        t->title = tokenize(k, title, FTS5_TOKENIZE_DOCUMENT);
        t->body = tokenize(k, body, FTS5_TOKENIZE_DOCUMENT);
        add_postings(r, r->count - 1, 0, &t->title);
        add_postings(r, r->count - 1, 1, &t->body);
        words += t->title.count + t->body.count;
        free(title);
        free(body);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    qsort(r->postings, (size_t)r->posting_count, sizeof *r->postings, compare_postings);
    r->average = r->count ? (double)words / r->count : 0;
    return r->count > 0;
}

static void reference_free(reference *r)
{
    for (int i = 0; i < r->count; i++) {
        tokens_free(&r->texts[i].title);
        tokens_free(&r->texts[i].body);
    }
    free(r->texts);
    free(r->postings);
}

/* A query as the visitor means it: every word, cut where the search box cuts words, must
 * begin a word of the text; a word the tokenizer splits further is a phrase whose last part
 * is the beginning of a word. */
typedef struct ref_query {
    tokens phrases[32];
    int count;
} ref_query;

static void query_parse(tokenizer *k, const char *text, ref_query *q)
{
    char norm[512];
    pack_normalize(text, norm, sizeof norm);
    q->count = 0;
    for (char *w = strtok(norm, " \t,.;:!?()\"'-"); w && q->count < 32; w = strtok(NULL, " \t,.;:!?()\"'-")) {
        tokens t = tokenize(k, w, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);
        if (t.count)
            q->phrases[q->count++] = t; /* a word of no letters asks for nothing */
        else
            tokens_free(&t);
    }
}

static void query_free(ref_query *q)
{
    for (int i = 0; i < q->count; i++)
        tokens_free(&q->phrases[i]);
}

/* How often the phrase occurs in each text's title and body (counts[text * 2 + column]). A
 * one-word phrase is counted in the sorted words, a longer one word by word. */
static void instances(const reference *r, const tokens *phrase, int *counts)
{
    int k = phrase->count;
    if (k == 1) {
        const char *prefix = phrase->v[0];
        size_t n = strlen(prefix);
        int lo = 0, hi = r->posting_count;
        while (lo < hi) {
            int mid = lo + (hi - lo) / 2;
            if (strncmp(r->postings[mid].word, prefix, n) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (int i = lo; i < r->posting_count && !strncmp(r->postings[i].word, prefix, n); i++)
            counts[r->postings[i].text * 2 + r->postings[i].column]++;
        return;
    }
    for (int t = 0; t < r->count; t++)
        for (int column = 0; column < 2; column++) {
            const tokens *words = column ? &r->texts[t].body : &r->texts[t].title;
            for (int i = 0; i + k <= words->count; i++) {
                bool match = true;
                for (int j = 0; j < k - 1 && match; j++)
                    match = !strcmp(words->v[i + j], phrase->v[j]);
                const char *last = phrase->v[k - 1];
                counts[t * 2 + column] += match && !strncmp(words->v[i + k - 1], last, strlen(last));
            }
        }
}

typedef struct ref_hit {
    int text;
    double score;
} ref_hit;

static int compare_hits(const void *a, const void *b)
{
    const ref_hit *x = a, *y = b;
    return x->score < y->score ? -1 : x->score > y->score ? 1 : 0;
}

/* The texts of `lang` that match, with BM25 scores (lower is better) over the whole pack:
 * k1 1.2, b 0.75, title words counted ten times. Returns how many; *hits is malloc'ed. */
static int reference_search(const reference *r, const ref_query *q, const char *lang, ref_hit **hits)
{
    *hits = calloc((size_t)r->count + 1, sizeof **hits);
    if (q->count == 0)
        return 0;
    /* counts[(phrase * texts + text) * 2 + column] */
    int *counts = calloc((size_t)r->count * (size_t)q->count * 2, sizeof *counts);
    long matching[32] = {0};
    for (int i = 0; i < q->count; i++) {
        instances(r, &q->phrases[i], counts + (size_t)i * (size_t)r->count * 2);
        for (int t = 0; t < r->count; t++)
            matching[i] += counts[((size_t)i * (size_t)r->count + (size_t)t) * 2] +
                               counts[((size_t)i * (size_t)r->count + (size_t)t) * 2 + 1] >
                           0;
    }
    int n = 0;
    for (int t = 0; t < r->count; t++) {
        if (strcmp(r->texts[t].lang, lang))
            continue;
        bool all = true;
        double score = 0;
        for (int i = 0; i < q->count && all; i++) {
            const int *c = counts + ((size_t)i * (size_t)r->count + (size_t)t) * 2;
            double freq = 10.0 * c[0] + c[1];
            all = freq > 0;
            double idf = log((r->count - matching[i] + 0.5) / (matching[i] + 0.5));
            double length = r->texts[t].title.count + r->texts[t].body.count;
            score -= (idf <= 0 ? 1e-6 : idf) * freq * 2.2 / (freq + 1.2 * (0.25 + 0.75 * length / r->average));
        }
        if (all)
            (*hits)[n++] = (ref_hit){t, score};
    }
    qsort(*hits, (size_t)n, sizeof **hits, compare_hits);
    free(counts);
    return n;
}

/* Scores equal but for the last bits of a double: either order is BM25's. */
static bool same_score(double a, double b) { return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1e-12); }

/* pack_search finds first exactly the pages the reference finds (up to `max`), in BM25 order,
 * pages of equal score by code; what forgiving search adds comes after them (issue 19,
 * tests/test_search_forgiving.c), never one of them twice. Returns false (and says which) when
 * it does not. */
static bool agrees(pack *p, const reference *r, tokenizer *k, const char *lang, const char *text, int max)
{
    ref_query q;
    query_parse(k, text, &q);
    ref_hit *hits;
    int expected = reference_search(r, &q, lang, &hits);
    /* Equal scores by page code, as the search breaks ties. */
    for (int i = 1; i < expected; i++)
        for (int j = i; j > 0 && hits[j].score == hits[j - 1].score &&
                        strcmp(r->texts[hits[j].text].page, r->texts[hits[j - 1].text].page) < 0;
             j--) {
            ref_hit swap = hits[j];
            hits[j] = hits[j - 1];
            hits[j - 1] = swap;
        }
    char (*codes)[PACK_CODE_MAX] = calloc((size_t)max, sizeof *codes);
    int n = pack_search(p, lang, text, codes, max);
    int exact = expected < max ? expected : max;
    bool ok = n >= exact;
    for (int i = 0; ok && i < n; i++)
        for (int j = 0; ok && j < i; j++)
            ok = strcmp(codes[i], codes[j]) != 0;
    for (int i = 0; ok && i < exact; i++) {
        if (!strcmp(codes[i], r->texts[hits[i].text].page))
            continue;
        /* Another page at this place: only if the reference scores it the same. */
        ok = false;
        for (int j = 0; j < expected && !ok; j++)
            ok = !strcmp(r->texts[hits[j].text].page, codes[i]) && same_score(hits[j].score, hits[i].score);
    }
    if (!ok) {
        char msg[900];
        snprintf(msg, sizeof msg, "search %s '%s': %d pages, the reference %d; first %s vs %s", lang, text, n,
                 expected, n ? codes[0] : "-", expected ? r->texts[hits[0].text].page : "-");
        test_fail(__FILE__, __LINE__, msg);
    }
    free(codes);
    free(hits);
    query_free(&q);
    return ok;
}

typedef struct queries {
    char **v;
    int count, cap;
} queries;

static void add_query(queries *q, const char *s)
{
    if (q->count == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 256;
        q->v = realloc(q->v, (size_t)q->cap * sizeof *q->v);
    }
    q->v[q->count++] = strdup(s);
}

static void queries_free(queries *q)
{
    for (int i = 0; i < q->count; i++)
        free(q->v[i]);
    free(q->v);
    memset(q, 0, sizeof *q);
}

/* As a visitor types them: every beginning of every word of `text` (split at spaces), and
 * with `pairs` the word before it too ("Antrag J", "Antrag Jo", …). */
static void typed_queries(queries *q, const char *text, bool pairs, int max_words)
{
    char prev[256] = "", word[256];
    int words = 0;
    for (const char *p = text; *p && words < max_words;) {
        while (*p == ' ' || *p == '\n')
            p++;
        size_t n = strcspn(p, " \n");
        if (!n || n >= sizeof word)
            break;
        memcpy(word, p, n);
        word[n] = 0;
        p += n;
        words++;
        for (size_t k = 1; k <= n; k++) {
            if (k < n && ((unsigned char)word[k] & 0xC0) == 0x80)
                continue; /* whole letters only */
            char typed[600];
            snprintf(typed, sizeof typed, "%.*s", (int)k, word);
            add_query(q, typed);
            if (pairs && prev[0]) {
                snprintf(typed, sizeof typed, "%s %.*s", prev, (int)k, word);
                add_query(q, typed);
            }
        }
        snprintf(prev, sizeof prev, "%s", word);
    }
}

/* The queries for one language of a pack: its titles word by word, with pairs, and with
 * `more` the same of its summaries and the first words of its bodies. */
static void pack_queries(pack *p, const char *lang, queries *q, bool more)
{
    for (int i = 0; i < pack_page_count(p); i++) {
        pack_text t;
        if (!pack_text_get(p, pack_page_at(p, i)->code, lang, &t, NULL))
            continue;
        typed_queries(q, t.title, true, 12);
        if (more) {
            typed_queries(q, t.summary, true, 12);
            typed_queries(q, t.body, false, 16);
        }
        pack_text_free(&t);
    }
    /* Each query once. */
    qsort(q->v, (size_t)q->count, sizeof *q->v, compare_strings);
    int n = 0;
    for (int i = 0; i < q->count; i++) {
        if (n && !strcmp(q->v[n - 1], q->v[i]))
            free(q->v[i]);
        else
            q->v[n++] = q->v[i];
    }
    q->count = n;
}

static int check_pack(const char *path, bool more, int max)
{
    err e;
    pack *p = pack_open(path, &e);
    tokenizer k;
    reference r;
    CHECK(p != NULL);
    CHECK(tokenizer_open(&k));
    if (!p || !reference_load(&r, &k, path)) {
        pack_close(p);
        tokenizer_close(&k);
        test_fail(__FILE__, __LINE__, "cannot read the pack's texts");
        return 0;
    }
    int checked = 0, failed = 0;
    for (int l = 0; l < pack_language_count(p) && failed < 5; l++) {
        const char *lang = pack_language_at(p, l)->code;
        queries q = {0};
        pack_queries(p, lang, &q, more);
        for (int i = 0; i < q.count && failed < 5; i++, checked++)
            failed += !agrees(p, &r, &k, lang, q.v[i], max);
        queries_free(&q);
    }
    printf("    %d searches checked\n", checked);
    reference_free(&r);
    tokenizer_close(&k);
    pack_close(p);
    return checked;
}

TEST(search_agrees_with_a_brute_force_reference_on_the_demo)
{
    /* All the pages it finds: the first PACK_SEARCH_MAX are what the search screen shows. */
    CHECK(check_pack(test_demo_pack(), true, 1000) > 10000);
}

TEST(search_agrees_with_a_brute_force_reference_on_the_augsburg_import)
{
    const char *path = test_augsburg_pack();
    if (path)
        CHECK(check_pack(path, false, PACK_SEARCH_MAX) > 5000);
}

/* The ranking function is SQLite's bm25() to the last bit: the ranking packs of schema 1 had. */
TEST(search_rank_is_sqlite_bm25)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    /* Searching once in each language puts its texts' lengths in memory, where ww_rank reads
     * them; bm25() reads them from the index. */
    char codes[1][PACK_CODE_MAX];
    for (int l = 0; l < pack_language_count(p); l++)
        pack_search(p, pack_language_at(p, l)->code, "a", codes, 1);
    const char *matches[] = {"\"a\"*", "\"arbeit\"*", "\"sie\"* \"a\"*", "\"jobcenter\"* \"antrag\"*",
                             "\"ال\"*", "\"ሓ\"*", "\"до\"*", "\"1\"*"};
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(pack_db(p),
                             "SELECT ww_rank(search), bm25(search, 10.0, 1.0) FROM search WHERE search MATCH ?1", -1,
                             &st, NULL) == SQLITE_OK);
    int rows = 0;
    for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, matches[i], -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            rows++;
            if (sqlite3_column_double(st, 0) != sqlite3_column_double(st, 1)) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s: ww_rank %.17g, bm25 %.17g", matches[i], sqlite3_column_double(st, 0),
                         sqlite3_column_double(st, 1));
                test_fail(__FILE__, __LINE__, msg);
                break;
            }
        }
    }
    sqlite3_finalize(st);
    CHECK(rows > 200);
    pack_close(p);
}

static int statements;

static int count_statement(unsigned type, void *user, void *p, void *x)
{
    statements++;
    return 0;
}

static int ranked_queries;

static int count_ranking(unsigned type, void *user, void *p, void *x)
{
    const char *sql = sqlite3_sql(p);
    ranked_queries += sql && strstr(sql, "ww_rank") != NULL;
    return 0;
}

/* The builder ranks common prefixes in advance; the kiosk then answers them from that list,
 * with the pages and order the live query gives. The demo is small: its common prefixes
 * are made here with a low threshold. */
TEST(search_common_prefixes_answer_as_the_live_search)
{
    char path[700], cmd[1600];
    snprintf(path, sizeof path, "%s/common.pack", test_tmpdir());
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", test_demo_pack(), path);
    CHECK_INT(system(cmd), 0);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "BEGIN; DELETE FROM common_prefixes", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(pack_search_common(db, 20));
    CHECK(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);

    err e;
    pack *p = pack_open(path, &e);
    tokenizer k;
    reference r;
    CHECK(p != NULL && tokenizer_open(&k));
    if (!p || !reference_load(&r, &k, path))
        return;
    sqlite3_stmt *st;
    /* A prefix no text of the language has finds nothing as typed; the search then forgives
     * (typos, German in Latin letters: test_search_forgiving.c), which no list answers. */
    CHECK(sqlite3_prepare_v2(pack_db(p), "SELECT lang, prefix, found FROM common_prefixes WHERE found != ''", -1, &st,
                             NULL) == SQLITE_OK);
    sqlite3_trace_v2(pack_db(p), SQLITE_TRACE_STMT, count_ranking, NULL);
    int common = 0, listed_five = 0;
    ranked_queries = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char lang[PACK_LANG_MAX], prefix[256];
        snprintf(lang, sizeof lang, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(prefix, sizeof prefix, "%s", (const char *)sqlite3_column_text(st, 1));
        int listed = 0;
        for (const char *f = (const char *)sqlite3_column_text(st, 2); f && *f; f++)
            listed += (f[0] != ' ') && (f[1] == ' ' || f[1] == 0);
        common++;
        /* The first five from the list: nothing is ranked live, not even what the visitor may
         * have meant (forgiving search adds pages only when the exact ones are fewer). */
        int before = ranked_queries;
        CHECK(agrees(p, &r, &k, lang, prefix, 5));
        if (listed >= 5) {
            listed_five++;
            CHECK_INT(ranked_queries, before);
        }
        CHECK(agrees(p, &r, &k, lang, prefix, PACK_SEARCH_MAX));
    }
    sqlite3_finalize(st);
    CHECK(listed_five > 50);
    CHECK(common > 100);
    /* Several words are ranked live, common ones with what the lists know of them. */
    CHECK(agrees(p, &r, &k, "de", "sie a", PACK_SEARCH_MAX));
    CHECK(agrees(p, &r, &k, "ar", "ال ا", PACK_SEARCH_MAX));
    CHECK(agrees(p, &r, &k, "en", "you the", 1000));
    CHECK(ranked_queries > 0);
    sqlite3_trace_v2(pack_db(p), 0, NULL, NULL);
    reference_free(&r);
    tokenizer_close(&k);
    pack_close(p);
}

/* The search screen reads the pack when the words change, and never while its results
 * scroll or the keyboard is put away. */
TEST(search_results_scroll_without_reading_the_pack)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    session s;
    CHECK(session_init(&s, p, test_fonts(), 720, 1280, 90000, &e));
    err le;
    CHECK(session_script_line(&s, "tap-text Deutsch", NULL, NULL, &le));
    CHECK(session_script_line(&s, "key search", NULL, NULL, &le));
    sqlite3_trace_v2(pack_db(p), SQLITE_TRACE_STMT, count_statement, NULL);
    statements = 0;
    CHECK(session_script_line(&s, "type e", NULL, NULL, &le));
    session_display(&s);
    CHECK(statements > 0);
    CHECK(s.app.found_count > 5);
    statements = 0;
    for (int i = 0; i < 6; i++) {
        CHECK(session_script_line(&s, "swipe 360 900 360 500", NULL, NULL, &le));
        session_advance(&s, 300);
        session_display(&s);
    }
    CHECK(app_current(&s.app)->scroll > 0);
    CHECK(session_script_line(&s, "key keyboard", NULL, NULL, &le));
    session_display(&s);
    CHECK(session_script_line(&s, "swipe 360 900 360 300", NULL, NULL, &le));
    session_display(&s);
    CHECK_INT(statements, 0);
    /* Another letter: searched again. */
    CHECK(session_script_line(&s, "key keyboard", NULL, NULL, &le));
    CHECK(session_script_line(&s, "type r", NULL, NULL, &le));
    session_display(&s);
    CHECK(statements > 0);
    sqlite3_trace_v2(pack_db(p), 0, NULL, NULL);
    session_free(&s);
    pack_close(p);
}

/* What the search screen lists is what pack_search finds, with each page's own title. */
TEST(search_screen_lists_what_was_found)
{
    err e;
    pack *p = pack_open(test_demo_pack(), &e);
    CHECK(p != NULL);
    if (!p)
        return;
    app a;
    app_init(&a, p, 90000);
    app_event lang = {.type = APP_EV_LANGUAGE, .arg = "ar"}, search = {.type = APP_EV_SEARCH},
              type = {.type = APP_EV_TYPE, .arg = "ال"};
    app_handle(&a, &lang);
    app_handle(&a, &search);
    app_handle(&a, &type);
    char codes[PACK_SEARCH_MAX][PACK_CODE_MAX];
    int n = pack_search(p, "ar", "ال", codes, PACK_SEARCH_MAX);
    CHECK(n > 10);
    CHECK_INT(a.found_count, n);
    for (int i = 0; i < n && i < a.found_count; i++) {
        CHECK_STR(a.found[i].page, codes[i]);
        char title[256];
        CHECK(pack_title_get(p, codes[i], "ar", title, sizeof title));
        CHECK_STR(a.found_text + a.found[i].title, title);
    }
    /* Erasing every letter empties them. */
    app_event erase = {.type = APP_EV_ERASE};
    app_handle(&a, &erase);
    app_handle(&a, &erase);
    CHECK_INT(a.found_count, 0);
    pack_close(p);
}
