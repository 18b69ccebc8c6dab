/* Search: the normalization that makes a visitor's spelling find the page, the ranking, the
 * query, and the common prefixes the builder ranks in advance (content/SCHEMA.md).
 *
 * Ranking is SQLite's BM25 (title words weigh ten times body words) with the statistics of
 * the whole index, all languages together, computed here rather than by FTS5's bm25(): the
 * same arithmetic, but each text's length comes from memory instead of one SQL lookup per
 * page found, which was most of a search's time. A test holds the two equal. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"
#include "utf8.h"

#define QUERY_WORDS_MAX 64
#define TOKEN_MAX 256
/* A language's texts whose word counts are kept in memory: 4 bytes each. */
#define SIZES_MAX (1 << 20)
#define SIZE_UNKNOWN UINT32_MAX

static uint32_t fold(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    switch (c) {
    case 0x00C4: case 0x00E4: return 'a';           /* Ä ä */
    case 0x00D6: case 0x00F6: return 'o';           /* Ö ö */
    case 0x00DC: case 0x00FC: return 'u';           /* Ü ü */
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627; /* آ أ إ ٱ → ا */
    case 0x0649: case 0x064A: case 0x0626: return 0x06CC;  /* ى ي ئ → ی */
    case 0x0643: return 0x06A9;                     /* ك → ک */
    case 0x0629: return 0x0647;                     /* ة → ه */
    case 0x0624: return 0x0648;                     /* ؤ → و */
    default: break;
    }
    if (c >= 0x0660 && c <= 0x0669)
        return '0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9)
        return '0' + (c - 0x06F0);
    /* Ethiopic: the vowel orders of a consonant are one letter for search (spellings of one
     * word vary in the vowel, and the fidel picker puts them one tap apart), so a syllable
     * becomes its row's first order: rows of eight start at multiples of eight, labiovelar
     * rows such as ቈ being rows of their own. ሠ and ፀ are old spellings of ሰ and ጸ. */
    if (c >= 0x1200 && c <= 0x135A) {
        c &= ~(uint32_t)7;
        if (c == 0x1220)
            return 0x1230;
        if (c == 0x1340)
            return 0x1338;
    }
    return c;
}

static bool dropped(uint32_t c)
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) || c == 0x0640 ||
           c == 0x200C || c == 0x200D || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

void pack_normalize(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 8 < size;) {
        uint32_t c = utf8_next(&p);
        if (dropped(c))
            continue;
        if (c == 0x00DF || c == 0x1E9E) { /* ß ẞ */
            out[k++] = 's';
            out[k++] = 's';
            continue;
        }
        c = fold(c);
        /* German spelled without umlauts: ae, oe, ue mean ä, ö, ü. */
        if (c == 'e' && k > 0 && (out[k - 1] == 'a' || out[k - 1] == 'o' || out[k - 1] == 'u'))
            continue;
        k += (size_t)utf8_put(c, out + k);
    }
    out[k] = 0;
}

/* The words of a body without link targets and markup signs, for the index. */
static void index_words(const char *body, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = body; *p && k + 1 < size; p++) {
        if (p[0] == ']' && p[1] == '(') {
            const char *close = strchr(p, ')');
            if (close) {
                p = close;
                out[k++] = ' ';
                continue;
            }
        }
        out[k++] = (*p == '[' || *p == '*' || *p == '#') ? ' ' : *p;
    }
    out[k] = 0;
}

bool pack_index_fields(const char *title, const char *summary, const char *body, char **title_out, char **body_out)
{
    size_t cap = strlen(title) + strlen(summary) + strlen(body) * 2 + 16;
    char *words = malloc(cap);
    *title_out = malloc(cap);
    *body_out = malloc(cap);
    bool ok = words && *title_out && *body_out;
    if (ok) {
        pack_normalize(title, *title_out, cap);
        snprintf(words, cap, "%s\n", summary);
        index_words(body, words + strlen(words), cap - strlen(words));
        pack_normalize(words, *body_out, cap);
    } else {
        free(*title_out);
        free(*body_out);
        *title_out = *body_out = NULL;
    }
    free(words);
    return ok;
}

/* One language's texts: a range of ids, and how many words each has in title and body. */
typedef struct search_language {
    char code[PACK_LANG_MAX];
    sqlite3_int64 first, last; /* last < first: no texts */
    uint32_t *sizes;           /* per id from first; NULL when the ids are not one run */
} search_language;

struct pack_searcher {
    sqlite3 *db;
    fts5_api *fts5;
    fts5_tokenizer tokenizer;
    Fts5Tokenizer *unicode61;
    search_language languages[PACK_LANGUAGES_MAX];
    int language_count;
    int last_found; /* the language the ranking function found the last row in */
    pack_fuzzy *fuzzy; /* vocabularies for searches that find nothing (pack_search_fuzzy.c) */
};

static void searcher_free(void *user)
{
    pack_searcher *s = user;
    if (!s)
        return;
    if (s->unicode61)
        s->tokenizer.xDelete(s->unicode61);
    pack_fuzzy_free(s->fuzzy);
    for (int i = 0; i < s->language_count; i++)
        free(s->languages[i].sizes);
    free(s);
}

/* SQLite's varint: big-endian groups of 7 bits, the high bit set on all but the last. */
static bool read_varint(const unsigned char *p, int n, int *at, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < 9 && *at < n; i++) {
        unsigned char c = p[(*at)++];
        if (i == 8) {
            *out = (v << 8) | c;
            return true;
        }
        v = (v << 7) | (c & 0x7F);
        if (!(c & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* The word counts of a language's texts, from the index's own table of them. */
static void load_sizes(pack_searcher *s, search_language *l)
{
    sqlite3_int64 count = l->last - l->first + 1;
    l->sizes = malloc((size_t)count * sizeof *l->sizes);
    sqlite3_stmt *st;
    if (!l->sizes ||
        sqlite3_prepare_v2(s->db, "SELECT id, sz FROM search_docsize WHERE id BETWEEN ?1 AND ?2", -1, &st, NULL) !=
            SQLITE_OK) {
        free(l->sizes);
        l->sizes = NULL;
        return;
    }
    for (sqlite3_int64 i = 0; i < count; i++)
        l->sizes[i] = SIZE_UNKNOWN;
    sqlite3_bind_int64(st, 1, l->first);
    sqlite3_bind_int64(st, 2, l->last);
    while (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const unsigned char *sz = sqlite3_column_blob(st, 1);
        int n = sqlite3_column_bytes(st, 1), at = 0;
        uint64_t total = 0, v;
        while (sz && at < n && read_varint(sz, n, &at, &v))
            total += v;
        if (id >= l->first && id <= l->last && at == n && total < SIZE_UNKNOWN)
            l->sizes[id - l->first] = (uint32_t)total;
    }
    sqlite3_finalize(st);
}

/* A language's texts, read on first use. NULL when the pack has no texts in it. */
static search_language *language(pack_searcher *s, const char *code)
{
    for (int i = 0; i < s->language_count; i++)
        if (!strcmp(s->languages[i].code, code))
            return s->languages[i].last >= s->languages[i].first ? &s->languages[i] : NULL;
    if (s->language_count == PACK_LANGUAGES_MAX)
        return NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT min(id), max(id), count(*) FROM texts WHERE lang=?1", -1, &st, NULL) !=
        SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    search_language *l = &s->languages[s->language_count++];
    memset(l, 0, sizeof *l);
    snprintf(l->code, sizeof l->code, "%s", code);
    l->first = 1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 2) > 0) {
        l->first = sqlite3_column_int64(st, 0);
        l->last = sqlite3_column_int64(st, 1);
        /* Packs the builder makes have each language's ids in one run; the sizes are kept
         * only then (the ranking reads them from the index otherwise). */
        if (l->last - l->first + 1 == sqlite3_column_int64(st, 2) && sqlite3_column_int64(st, 2) <= SIZES_MAX)
            load_sizes(s, l);
    }
    sqlite3_finalize(st);
    return l->last >= l->first ? l : NULL;
}

/* The words in a text's title and body, from memory where they were read. */
static bool text_size(pack_searcher *s, const Fts5ExtensionApi *api, Fts5Context *fts, double *out)
{
    sqlite3_int64 id = api->xRowid(fts);
    for (int k = 0; k < s->language_count; k++) {
        int i = (s->last_found + k) % s->language_count;
        const search_language *l = &s->languages[i];
        if (id < l->first || id > l->last)
            continue;
        s->last_found = i;
        if (l->sizes && l->sizes[id - l->first] != SIZE_UNKNOWN) {
            *out = (double)l->sizes[id - l->first];
            return true;
        }
        break;
    }
    int tokens;
    if (api->xColumnSize(fts, -1, &tokens) != SQLITE_OK)
        return false;
    *out = (double)tokens;
    return true;
}

/* What one query's ranking needs for every row: per phrase how rare it is (IDF), and the
 * average text length, both over the whole index. */
typedef struct rank_query {
    int phrases;
    double average;
    double *idf, *freq, *weight;
} rank_query;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *user)
{
    (*(sqlite3_int64 *)user)++;
    return SQLITE_OK;
}

/* `hits` lists, per phrase, the texts that match it ("-1" when not known yet): the common
 * prefixes carry it, which saves going through all their texts a second time. `weights`
 * (NULL: all 1) says how much each phrase counts: a forgiving search counts the words the
 * visitor may have meant less than the word typed. */
static rank_query *rank_query_new(const Fts5ExtensionApi *api, Fts5Context *fts, const char *hits,
                                  const char *weights)
{
    int phrases = api->xPhraseCount(fts);
    rank_query *q = calloc(1, sizeof *q + 3 * (size_t)(phrases > 0 ? phrases : 1) * sizeof(double));
    if (!q)
        return NULL;
    q->phrases = phrases;
    q->idf = (double *)(q + 1);
    q->freq = q->idf + (phrases > 0 ? phrases : 1);
    q->weight = q->freq + (phrases > 0 ? phrases : 1);
    const char *w = weights ? weights : "";
    for (int i = 0; i < phrases; i++) {
        char *end;
        double v = strtod(w, &end);
        q->weight[i] = end != w && v > 0.0 && v <= 1.0 ? v : 1.0;
        w = end;
    }
    sqlite3_int64 rows = 0, tokens = 0;
    if (api->xRowCount(fts, &rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK || rows <= 0) {
        free(q);
        return NULL;
    }
    q->average = (double)tokens / (double)rows;
    const char *h = hits ? hits : "";
    for (int i = 0; i < phrases; i++) {
        char *end;
        long long known = strtoll(h, &end, 10);
        bool given = end != h && known >= 0 && known <= rows;
        h = end;
        sqlite3_int64 hit = 0;
        if (given)
            hit = known;
        else if (api->xQueryPhrase(fts, i, &hit, count_row) != SQLITE_OK) {
            free(q);
            return NULL;
        }
        /* BM25's IDF, kept above zero for phrases in more than half the texts. */
        double idf = log((rows - hit + 0.5) / (hit + 0.5));
        q->idf[i] = idf <= 0.0 ? 1e-6 : idf;
    }
    return q;
}

/* ww_rank(search [, hits [, weights]]): BM25, lower is better, title words weighing 10 and
 * body words 1. */
static void rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const double k1 = 1.2, b = 0.75, title_weight = 10.0, body_weight = 1.0;
    rank_query *q = api->xGetAuxdata(fts, 0);
    if (!q) {
        q = rank_query_new(api, fts, argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL,
                           argc > 1 ? (const char *)sqlite3_value_text(argv[1]) : NULL);
        if (!q || api->xSetAuxdata(fts, q, free) != SQLITE_OK) {
            sqlite3_result_error(ctx, "cannot rank the search", -1);
            return;
        }
    }
    memset(q->freq, 0, (size_t)q->phrases * sizeof *q->freq);
    int instances = 0;
    if (api->xInstCount(fts, &instances) != SQLITE_OK) {
        sqlite3_result_error(ctx, "cannot rank the search", -1);
        return;
    }
    for (int i = 0; i < instances; i++) {
        int phrase, column, offset;
        if (api->xInst(fts, i, &phrase, &column, &offset) == SQLITE_OK && phrase >= 0 && phrase < q->phrases)
            q->freq[phrase] += column == 0 ? title_weight : body_weight;
    }
    double length;
    if (!text_size(api->xUserData(fts), api, fts, &length)) {
        sqlite3_result_error(ctx, "cannot rank the search", -1);
        return;
    }
    double score = 0.0;
    for (int i = 0; i < q->phrases; i++)
        score += q->weight[i] * q->idf[i] *
                 ((q->freq[i] * (k1 + 1.0)) / (q->freq[i] + k1 * (1 - b + b * length / q->average)));
    sqlite3_result_double(ctx, -1.0 * score);
}

static fts5_api *fts5_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

pack_searcher *pack_searcher_attach(sqlite3 *db)
{
    pack_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->db = db;
    s->fts5 = fts5_of(db);
    s->fuzzy = pack_fuzzy_new();
    void *user = NULL;
    const char *args[] = {"remove_diacritics", "2"};
    if (!s->fts5 || s->fts5->xFindTokenizer(s->fts5, "unicode61", &user, &s->tokenizer) != SQLITE_OK ||
        s->tokenizer.xCreate(user, args, 2, &s->unicode61) != SQLITE_OK) {
        searcher_free(s);
        return NULL;
    }
    /* The connection owns it from here: closing it frees the searcher. */
    if (s->fts5->xCreateFunction(s->fts5, "ww_rank", s, rank, searcher_free) != SQLITE_OK)
        return NULL;
    return s;
}

/* The tokens the index's tokenizer makes of a word: how many, and the first. */
typedef struct word_tokens {
    int count;
    char first[TOKEN_MAX];
} word_tokens;

static int add_token(void *user, int flags, const char *token, int n, int start, int end)
{
    word_tokens *w = user;
    if (w->count++ == 0)
        snprintf(w->first, sizeof w->first, "%.*s", n < TOKEN_MAX - 1 ? n : TOKEN_MAX - 1, token);
    return SQLITE_OK;
}

bool pack_search_tokenize(pack_searcher *s, const char *text, bool query, pack_token_fn fn, void *user)
{
    return s->tokenizer.xTokenize(s->unicode61, user, query ? FTS5_TOKENIZE_QUERY : FTS5_TOKENIZE_DOCUMENT, text,
                                  (int)strlen(text), fn) == SQLITE_OK;
}

/* The single token a word makes, or false when it makes none or several. */
static bool single_token(pack_searcher *s, const char *word, char token[TOKEN_MAX])
{
    word_tokens w = {0};
    if (s->tokenizer.xTokenize(s->unicode61, &w, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, word, (int)strlen(word),
                               add_token) != SQLITE_OK ||
        w.count != 1 || strlen(w.first) >= TOKEN_MAX - 1)
        return false;
    memcpy(token, w.first, TOKEN_MAX);
    return true;
}

/* A visitor's words as FTS5 sees them: every word a quoted prefix, all of them required. */
typedef struct search_query {
    char norm[512], norm_whole[512], match[1200];
    const char *words[QUERY_WORDS_MAX];
    int word_count;
} search_query;

static bool parse_query(const char *text, search_query *q)
{
    pack_normalize(text, q->norm, sizeof q->norm);
    memcpy(q->norm_whole, q->norm, sizeof q->norm_whole);
    size_t k = 0;
    q->word_count = 0;
    for (char *tok = strtok(q->norm, " \t,.;:!?()\"'-"); tok && k + strlen(tok) + 8 < sizeof q->match;
         tok = strtok(NULL, " \t,.;:!?()\"'-")) {
        k += (size_t)snprintf(q->match + k, sizeof q->match - k, "%s\"%s\"*", k ? " " : "", tok);
        if (q->word_count < QUERY_WORDS_MAX)
            q->words[q->word_count] = tok;
        q->word_count++;
    }
    return k > 0;
}

/* A common prefix's row: how many texts match it, and the ids found in the language. */
static bool common_prefix(pack_searcher *s, const char *lang, const char *token, sqlite3_int64 *hits, char **found)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT hits, found FROM common_prefixes WHERE lang=?1 AND prefix=?2", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, token, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok) {
        *hits = sqlite3_column_int64(st, 0);
        if (found) {
            const unsigned char *f = sqlite3_column_text(st, 1);
            *found = strdup(f ? (const char *)f : "");
            ok = *found != NULL;
        }
    }
    sqlite3_finalize(st);
    return ok;
}

/* Ids of the texts found, best first, from a common prefix's list; -1 when the list cannot
 * answer (it is not there, or holds fewer than asked for while more match). */
static int common_ids(pack_searcher *s, const char *lang, const char *token, const search_language *l,
                      sqlite3_int64 *ids, int max)
{
    sqlite3_int64 hits;
    char *found;
    if (!common_prefix(s, lang, token, &hits, &found))
        return -1;
    int n = 0, listed = 0;
    for (char *p = found, *end; *p; p = end) {
        long long id = strtoll(p, &end, 10);
        if (end == p)
            break;
        listed++;
        if (n < max && id >= l->first && id <= l->last)
            ids[n++] = id;
    }
    free(found);
    return listed < PACK_SEARCH_MAX || max <= listed ? n : -1;
}

/* The query's texts in the language, best first by ww_rank. */
static int ranked_ids(pack_searcher *s, const search_language *l, const char *match, const char *hits,
                      const char *weights, sqlite3_int64 *ids, int max)
{
    sqlite3_stmt *st;
    const char *sql = "SELECT rowid FROM search WHERE search MATCH ?1 AND rowid BETWEEN ?2 AND ?3 "
                      "ORDER BY ww_rank(search, ?4, ?5), rowid LIMIT ?6";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, l->first);
    sqlite3_bind_int64(st, 3, l->last);
    sqlite3_bind_text(st, 4, hits, -1, SQLITE_STATIC);
    if (weights)
        sqlite3_bind_text(st, 5, weights, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int(st, 6, max);
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The texts of one language that the query's words begin words of, best first: the search
 * as issue 14 fixed it; the forgiving steps only add pages after these. */
static int exact_ids(pack_searcher *s, const char *lang, const search_language *l, search_query *q,
                     sqlite3_int64 *ids, int max)
{
    char token[TOKEN_MAX];
    if (q->word_count == 1 && single_token(s, q->words[0], token)) {
        int n = common_ids(s, lang, token, l, ids, max);
        if (n >= 0)
            return n;
    }
    /* What the common prefixes know of how many texts each word matches. */
    char hits[QUERY_WORDS_MAX * 22] = "";
    size_t k = 0;
    for (int i = 0; i < q->word_count && i < QUERY_WORDS_MAX; i++) {
        sqlite3_int64 h = -1;
        if (!single_token(s, q->words[i], token) || !common_prefix(s, lang, token, &h, NULL))
            h = -1;
        k += (size_t)snprintf(hits + k, sizeof hits - k, "%lld ", (long long)h);
    }
    return ranked_ids(s, l, q->match, q->word_count <= QUERY_WORDS_MAX ? hits : "", NULL, ids, max);
}

/* A query widened by the words the visitor may have meant (typos, parts of
 * compounds, staff's synonyms: pack_search_fuzzy.c); ranked with those counting less. */
static int forgiving_ids(pack_searcher *s, const char *lang, const search_language *l, const search_query *q,
                         sqlite3_int64 *ids, int max)
{
    pack_widened w;
    int words = q->word_count < QUERY_WORDS_MAX ? q->word_count : QUERY_WORDS_MAX;
    if (!pack_fuzzy_widen(s, s->fuzzy, s->db, lang, q->words, words, &w))
        return 0;
    /* One word, and what it may mean is so common the builder ranked it: its pages, as if the
     * visitor had typed it (ranking thousands of texts live takes longer than a keystroke may). */
    int n = w.best[0] ? common_ids(s, lang, w.best, l, ids, max) : -1;
    if (n < 0)
        n = ranked_ids(s, l, w.match, w.hits, w.weights, ids, max);
    pack_widened_free(&w);
    return n;
}

/* Latin letters and no other: a German word typed on the Latin keyboard. */
static bool latin_only(const char *norm)
{
    bool letter = false;
    for (const char *p = norm; *p;) {
        uint32_t c = utf8_next(&p);
        if (c >= 0x0250 && c != 0x200C && c != 0x200D)
            return false;
        letter |= (c >= 'a' && c <= 'z') || (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7);
    }
    return letter;
}

/* The texts of `lang` for pages found in another language, after the `n` ids already in
 * `ids` and none of them twice. */
static int add_same_pages(pack_searcher *s, const char *lang, const sqlite3_int64 *found, int found_count,
                          sqlite3_int64 *ids, int n, int max)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT v.id FROM texts f JOIN texts v ON v.page = f.page AND v.lang = ?2 "
                                  "WHERE f.id = ?1", -1, &st, NULL) != SQLITE_OK)
        return n;
    for (int i = 0; i < found_count && n < max; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, found[i]);
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            continue; /* the page is not in the visitor's language */
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        bool seen = false;
        for (int j = 0; j < n && !seen; j++)
            seen = ids[j] == id;
        if (!seen)
            ids[n++] = id;
    }
    sqlite3_finalize(st);
    return n;
}

/* The visitor's language is not written in Latin letters but the words typed are: German
 * words (Jobcenter, Kita) typed on the Latin keyboard. The source language's pages for them. */
static bool latin_for_another_script(pack *p, const char *lang, const search_query *q)
{
    const char *source = pack_get_meta(p)->source_language;
    if (!source[0] || !strcmp(source, lang) || !latin_only(q->norm_whole))
        return false;
    for (int i = 0; i < pack_language_count(p); i++)
        if (!strcmp(pack_language_at(p, i)->code, lang))
            return strcmp(pack_language_at(p, i)->script, "Latn") != 0;
    return false;
}

/* Several words that find this many pages as typed are not widened: the visitor who typed
 * them has a screenful, and widening every word of them costs most of a keystroke's budget
 * at 10,000 pages (docs/bench.md). */
#define FORGIVE_SEVERAL_BELOW 8

/* Appends to ids[0, n) those of more[0, m) it does not hold yet, up to max; the new count. */
static int append_new(sqlite3_int64 *ids, int n, const sqlite3_int64 *more, int m, int max)
{
    for (int i = 0; i < m && n < max; i++) {
        bool seen = false;
        for (int j = 0; j < n && !seen; j++)
            seen = ids[j] == more[i];
        if (!seen)
            ids[n++] = more[i];
    }
    return n;
}

static int search_ids(pack *p, const char *lang, const char *text, sqlite3_int64 *ids, int max)
{
    pack_searcher *s = pack_searcher_of(p);
    search_query q;
    if (!s || max <= 0 || !parse_query(text, &q))
        return 0;
    const search_language *l = language(s, lang);
    if (!l)
        return 0;
    pack_fuzzy_warm(s->fuzzy, s->db, lang);
    /* The words as typed find their pages first, in the order they always had; what the visitor
     * may have meant (a typo, the compounds a word is part of, a synonym) comes after them. */
    int n = exact_ids(s, lang, l, &q, ids, max);
    if (n < max && (q.word_count == 1 || n < FORGIVE_SEVERAL_BELOW)) {
        sqlite3_int64 *more = malloc((size_t)(max + n) * sizeof *more);
        int m = more ? forgiving_ids(s, lang, l, &q, more, max + n) : 0;
        n = append_new(ids, n, more, m, max);
        free(more);
    }
    if (n < max && latin_for_another_script(p, lang, &q)) {
        const char *source = pack_get_meta(p)->source_language;
        const search_language *sl = language(s, source);
        int room = 2 * max;
        sqlite3_int64 *found = sl ? malloc((size_t)room * sizeof *found) : NULL;
        if (found) {
            int m = exact_ids(s, source, sl, &q, found, room);
            if (m < room) {
                sqlite3_int64 *more = malloc((size_t)(room + m) * sizeof *more);
                int k = more ? forgiving_ids(s, source, sl, &q, more, room + m) : 0;
                m = append_new(found, m, more, k, room);
                free(more);
            }
            n = add_same_pages(s, lang, found, m, ids, n, max);
        }
        free(found);
    }
    return n;
}

/* A search reads several times; one read transaction around them all locks the file and
 * checks SQLite's cache once instead of at every statement. */
static bool begin_reading(sqlite3 *db)
{
    return sqlite3_get_autocommit(db) && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void end_reading(sqlite3 *db, bool began)
{
    if (began)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

int pack_search(pack *p, const char *lang, const char *query, char codes[][PACK_CODE_MAX], int max)
{
    sqlite3_int64 *ids = malloc((size_t)(max > 0 ? max : 1) * sizeof *ids);
    sqlite3_stmt *st;
    if (!ids || sqlite3_prepare_v2(pack_db(p), "SELECT page FROM texts WHERE id=?1 AND lang=?2", -1, &st, NULL) !=
                    SQLITE_OK) {
        free(ids);
        return 0;
    }
    bool began = begin_reading(pack_db(p));
    int found = search_ids(p, lang, query, ids, max), n = 0;
    for (int i = 0; i < found; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(codes[n++], PACK_CODE_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    end_reading(pack_db(p), began);
    free(ids);
    return n;
}

static int put_text(char *text, size_t size, size_t *used, const unsigned char *s)
{
    size_t n = strlen(s ? (const char *)s : "");
    if (*used + n + 1 > size)
        return -1;
    int at = (int)*used;
    memcpy(text + *used, s ? (const char *)s : "", n + 1);
    *used += n + 1;
    return at;
}

int pack_search_found(pack *p, const char *lang, const char *query, pack_found *out, int max, char *text,
                      size_t text_size)
{
    sqlite3_int64 ids[PACK_SEARCH_MAX];
    sqlite3_stmt *st;
    if (max > PACK_SEARCH_MAX)
        max = PACK_SEARCH_MAX;
    if (sqlite3_prepare_v2(pack_db(p), "SELECT page, title, summary FROM texts WHERE id=?1 AND lang=?2", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    bool began = begin_reading(pack_db(p));
    int found = search_ids(p, lang, query, ids, max), n = 0;
    size_t used = 0;
    for (int i = 0; i < found; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW)
            continue;
        pack_found *f = &out[n];
        snprintf(f->page, sizeof f->page, "%s", (const char *)sqlite3_column_text(st, 0));
        f->title = put_text(text, text_size, &used, sqlite3_column_text(st, 1));
        f->summary = put_text(text, text_size, &used, sqlite3_column_text(st, 2));
        if (f->title < 0 || f->summary < 0)
            break; /* the caller's room is full: the pages after this one are left out */
        n++;
    }
    sqlite3_finalize(st);
    end_reading(pack_db(p), began);
    return n;
}

/* The builder's part: ranking the common prefixes in advance. */

typedef struct vocab_term {
    char *term;
    sqlite3_int64 docs; /* texts (all languages) the word is in */
} vocab_term;

typedef struct scored {
    sqlite3_int64 id;
    double score;
} scored;

typedef struct common_walk {
    pack_searcher *s;
    sqlite3_stmt *count, *rank_all, *insert;
    vocab_term *terms;
    int term_count;
    sqlite3_int64 threshold;
    scored *rows;
    size_t row_count, row_cap;
    const search_language *languages[PACK_LANGUAGES_MAX];
    int language_count;
} common_walk;

static int compare_terms(const void *a, const void *b)
{
    return strcmp(((const vocab_term *)a)->term, ((const vocab_term *)b)->term);
}

static int compare_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* How many texts match the prefix: counting is much cheaper than ranking. */
static sqlite3_int64 count_matches(common_walk *w, const char *prefix)
{
    char match[TOKEN_MAX + 8];
    snprintf(match, sizeof match, "\"%s\"*", prefix);
    sqlite3_reset(w->count);
    sqlite3_bind_text(w->count, 1, match, -1, SQLITE_TRANSIENT);
    return sqlite3_step(w->count) == SQLITE_ROW ? sqlite3_column_int64(w->count, 0) : -1;
}

/* Every text that matches the prefix (`hits` of them), scored as the kiosk's search scores it. */
static bool rank_everything(common_walk *w, const char *prefix, sqlite3_int64 hits)
{
    char match[TOKEN_MAX + 8], known[24];
    snprintf(match, sizeof match, "\"%s\"*", prefix);
    snprintf(known, sizeof known, "%lld", (long long)hits);
    sqlite3_reset(w->rank_all);
    sqlite3_bind_text(w->rank_all, 1, match, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(w->rank_all, 2, known, -1, SQLITE_TRANSIENT);
    w->row_count = 0;
    int rc;
    while ((rc = sqlite3_step(w->rank_all)) == SQLITE_ROW) {
        if (w->row_count == w->row_cap) {
            size_t cap = w->row_cap ? w->row_cap * 2 : 4096;
            scored *bigger = realloc(w->rows, cap * sizeof *bigger);
            if (!bigger)
                return false;
            w->rows = bigger;
            w->row_cap = cap;
        }
        w->rows[w->row_count++] = (scored){sqlite3_column_int64(w->rank_all, 0), sqlite3_column_double(w->rank_all, 1)};
    }
    return rc == SQLITE_DONE;
}

/* Stores the prefix's first pages in every language, best first, as the live query orders
 * them: by score, then by id (which is page order within a language). */
static bool store_common(common_walk *w, const char *prefix)
{
    qsort(w->rows, w->row_count, sizeof *w->rows, compare_scored);
    for (int i = 0; i < w->language_count; i++) {
        const search_language *l = w->languages[i];
        char found[PACK_SEARCH_MAX * 21 + 1] = "";
        size_t k = 0;
        int n = 0;
        for (size_t r = 0; r < w->row_count && n < PACK_SEARCH_MAX; r++)
            if (w->rows[r].id >= l->first && w->rows[r].id <= l->last) {
                k += (size_t)snprintf(found + k, sizeof found - k, "%s%lld", n ? " " : "", (long long)w->rows[r].id);
                n++;
            }
        sqlite3_reset(w->insert);
        sqlite3_bind_text(w->insert, 1, l->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->insert, 2, prefix, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(w->insert, 3, (sqlite3_int64)w->row_count);
        sqlite3_bind_text(w->insert, 4, found, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(w->insert) != SQLITE_DONE)
            return false;
    }
    return true;
}

/* The prefixes one letter longer than `prefix` that the words terms[lo, hi) begin with: those
 * that match at least the threshold are common, and so may be their own longer ones. w->rows
 * holds the ranked texts of `prefix` when it is common itself. */
static bool walk(common_walk *w, const char *prefix, size_t length, int lo, int hi)
{
    /* Terms are sorted, so `prefix` itself, when it is a word, comes first. */
    bool prefix_is_word = lo < hi && strlen(w->terms[lo].term) == length;
    for (int i = lo; i < hi;) {
        const char *term = w->terms[i].term;
        if (strlen(term) == length) {
            i++;
            continue;
        }
        const char *next = term + length;
        utf8_next(&next);
        size_t child_length = (size_t)(next - term);
        int j = i;
        sqlite3_int64 at_most = 0;
        while (j < hi && !strncmp(w->terms[j].term, term, child_length))
            at_most += w->terms[j++].docs;
        if (at_most >= w->threshold && child_length < TOKEN_MAX) {
            char child[TOKEN_MAX];
            memcpy(child, term, child_length);
            child[child_length] = 0;
            /* The only way on from a common prefix that is no word itself: the same words
             * match, so the same texts in the same order. */
            bool as_prefix = length > 0 && !prefix_is_word && i == lo && j == hi;
            sqlite3_int64 hits = as_prefix ? (sqlite3_int64)w->row_count : count_matches(w, child);
            if (hits < 0 || (hits >= w->threshold && !as_prefix && !rank_everything(w, child, hits)))
                return false;
            if (hits >= w->threshold && (!store_common(w, child) || !walk(w, child, child_length, i, j)))
                return false;
        }
        i = j;
    }
    return true;
}

static bool read_vocabulary(common_walk *w, sqlite3 *db)
{
    if (sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, search, row)", NULL, NULL,
                     NULL) != SQLITE_OK)
        return false;
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT term, doc FROM temp.search_vocab", -1, &st, NULL) == SQLITE_OK;
    int cap = 0;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (w->term_count == cap) {
            cap = cap ? cap * 2 : 4096;
            vocab_term *bigger = realloc(w->terms, (size_t)cap * sizeof *bigger);
            if (!bigger) {
                ok = false;
                break;
            }
            w->terms = bigger;
        }
        const unsigned char *term = sqlite3_column_text(st, 0);
        vocab_term *t = &w->terms[w->term_count];
        t->term = strdup(term ? (const char *)term : "");
        t->docs = sqlite3_column_int64(st, 1);
        ok = t->term != NULL;
        w->term_count += ok;
    }
    sqlite3_finalize(st);
    ok = ok && sqlite3_exec(db, "DROP TABLE temp.search_vocab", NULL, NULL, NULL) == SQLITE_OK;
    /* A pack whose texts hold no word to search has no vocabulary at all. */
    if (ok && w->term_count > 0)
        qsort(w->terms, (size_t)w->term_count, sizeof *w->terms, compare_terms);
    return ok;
}

bool pack_search_common(sqlite3 *db, int threshold)
{
    common_walk w = {.s = pack_searcher_attach(db), .threshold = threshold};
    sqlite3_stmt *st = NULL;
    bool ok = w.s && sqlite3_prepare_v2(db, "SELECT code FROM languages ORDER BY position, code", -1, &st, NULL) ==
                         SQLITE_OK;
    while (ok && sqlite3_step(st) == SQLITE_ROW && w.language_count < PACK_LANGUAGES_MAX) {
        const search_language *l = language(w.s, (const char *)sqlite3_column_text(st, 0));
        if (l)
            w.languages[w.language_count++] = l;
    }
    sqlite3_finalize(st);
    ok = ok &&
         sqlite3_prepare_v2(db, "SELECT count(*) FROM search WHERE search MATCH ?1", -1, &w.count, NULL) ==
             SQLITE_OK &&
         sqlite3_prepare_v2(db, "SELECT rowid, ww_rank(search, ?2) FROM search WHERE search MATCH ?1", -1,
                            &w.rank_all, NULL) == SQLITE_OK &&
         sqlite3_prepare_v2(db, "INSERT INTO common_prefixes(lang, prefix, hits, found) VALUES(?1, ?2, ?3, ?4)", -1,
                            &w.insert, NULL) == SQLITE_OK &&
         read_vocabulary(&w, db) && walk(&w, "", 0, 0, w.term_count);
    sqlite3_finalize(w.count);
    sqlite3_finalize(w.rank_all);
    sqlite3_finalize(w.insert);
    for (int i = 0; i < w.term_count; i++)
        free(w.terms[i].term);
    free(w.terms);
    free(w.rows);
    return ok;
}
