/* Forgiving search: after the pages the words as typed find, those of the words the visitor
 * may have meant — one letter wrong, missing, extra or swapped; the compounds a word is part of ("Sprachkurs"
 * in "Berufssprachkurse"); staff's synonyms ("job center" for Jobcenter) — all taken from the
 * pack's own vocabulary and synonyms tables, which the builder fills (content/SCHEMA.md).
 *
 * The kiosk reads a language's vocabulary into memory at the first search in it, as one
 * sorted array: a word one typo away is found by binary searches along the
 * word typed (only the letters that really follow each beginning are tried), a compound by
 * one scan of the array's bytes. Two languages are kept (the visitor's, and German for Latin
 * letters typed on another language's keyboard). */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"
#include "pack_source.h"
#include "sb.h"
#include "utf8.h"

/* A token the index holds is at most a word (pack_limits.h). */
#define TERM_MAX PACK_WORD_BYTES_MAX
/* A language's vocabulary in memory: at most this many words and bytes (a 10,000-page pack has
 * about 250,000 words in a language); a larger one is read up to there. */
#define VOCAB_TERMS_MAX (1 << 21)
#define VOCAB_BYTES_MAX (32u << 20)
/* Words shorter than this many letters are not corrected: too many words are one letter
 * away from a short one. */
#define FORGIVE_LETTERS 5
/* A synonym is found from this many letters of its last word typed. */
#define SYNONYM_PREFIX_LETTERS 3
/* Per word of the query: words one typo away, compounds, synonyms it is widened by. */
#define TYPOS_MAX 6
#define COMPOUNDS_MAX 6
#define TARGETS_MAX 8
/* Candidates looked at before the best are chosen; words widened in one query. */
#define SEEN_MAX 512
#define WIDEN_WORDS_MAX 8
/* How much a word the visitor may have meant counts against the word typed (ww_rank). */
#define GUESS_WEIGHT "0.5"

typedef struct vocab {
    char lang[PACK_LANG_MAX];
    char *arena; /* the words, each ending in NUL, sorted as SQLite's BINARY collation sorts */
    size_t bytes;
    uint32_t *at;  /* where each word starts in arena */
    uint32_t *cum; /* cum[i]: texts of the words before word i, summed (count + 1 of them) */
    int count;
    unsigned used; /* for keeping the two most recently used */
    bool read;
} vocab;

struct pack_fuzzy {
    vocab v[2];
    unsigned clock;
};

pack_fuzzy *pack_fuzzy_new(void) { return calloc(1, sizeof(pack_fuzzy)); }

static void vocab_clear(vocab *v)
{
    free(v->arena);
    free(v->at);
    free(v->cum);
    memset(v, 0, sizeof *v);
}

void pack_fuzzy_free(pack_fuzzy *f)
{
    if (!f)
        return;
    vocab_clear(&f->v[0]);
    vocab_clear(&f->v[1]);
    free(f);
}

static bool grow(void **p, size_t *cap, size_t need, size_t each)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *bigger = realloc(*p, n * each);
    if (!bigger)
        return false;
    *p = bigger;
    *cap = n;
    return true;
}

/* The pack is untrusted: a word too long, with a NUL inside or out of order is left out, so
 * the array stays sorted whatever the file holds. */
static void vocab_read(vocab *v, sqlite3 *db, const char *lang)
{
    vocab_clear(v);
    snprintf(v->lang, sizeof v->lang, "%s", lang);
    v->read = true;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT term, docs FROM vocabulary WHERE lang=?1 ORDER BY term", -1, &st, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    size_t arena_cap = 0, at_cap = 0, cum_cap = 0;
    uint32_t total = 0;
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (!t || n == 0 || n > TERM_MAX || strlen(t) != n)
            continue;
        if (v->count == VOCAB_TERMS_MAX || v->bytes + n + 1 > VOCAB_BYTES_MAX)
            break;
        if (v->count && strcmp(v->arena + v->at[v->count - 1], t) >= 0)
            continue;
        ok = grow((void **)&v->arena, &arena_cap, v->bytes + n + 1, 1) &&
             grow((void **)&v->at, &at_cap, (size_t)v->count + 1, sizeof *v->at) &&
             grow((void **)&v->cum, &cum_cap, (size_t)v->count + 2, sizeof *v->cum);
        if (!ok)
            break;
        memcpy(v->arena + v->bytes, t, n + 1);
        v->at[v->count] = (uint32_t)v->bytes;
        v->cum[v->count] = total;
        sqlite3_int64 docs = sqlite3_column_int64(st, 1);
        docs = docs < 0 ? 0 : docs > PACK_PAGES_MAX ? PACK_PAGES_MAX : docs;
        total = total > UINT32_MAX - (uint32_t)docs ? UINT32_MAX : total + (uint32_t)docs;
        v->bytes += n + 1;
        v->count++;
    }
    sqlite3_finalize(st);
    if (!ok || !v->count) {
        char keep[PACK_LANG_MAX];
        memcpy(keep, v->lang, sizeof keep);
        vocab_clear(v);
        memcpy(v->lang, keep, sizeof keep);
        v->read = true; /* not read again: a pack without one searches as typed */
        return;
    }
    v->cum[v->count] = total;
    /* Grown by doubling: given back what was not needed. */
    char *arena = realloc(v->arena, v->bytes);
    uint32_t *at = realloc(v->at, (size_t)v->count * sizeof *at);
    uint32_t *cum = realloc(v->cum, ((size_t)v->count + 1) * sizeof *cum);
    v->arena = arena ? arena : v->arena;
    v->at = at ? at : v->at;
    v->cum = cum ? cum : v->cum;
}

static vocab *vocab_of(pack_fuzzy *f, sqlite3 *db, const char *lang)
{
    if (!f)
        return NULL;
    vocab *v = NULL;
    for (int i = 0; i < 2 && !v; i++)
        if (f->v[i].read && !strcmp(f->v[i].lang, lang))
            v = &f->v[i];
    if (!v) {
        v = !f->v[0].read ? &f->v[0] : !f->v[1].read ? &f->v[1] : f->v[0].used < f->v[1].used ? &f->v[0] : &f->v[1];
        vocab_read(v, db, lang);
    }
    v->used = ++f->clock;
    return v->count ? v : NULL;
}

void pack_fuzzy_warm(pack_fuzzy *f, sqlite3 *db, const char *lang) { vocab_of(f, db, lang); }

static const char *term(const vocab *v, int i) { return v->arena + v->at[i]; }

/* The first word in [lo, hi) whose first n bytes compare at least equal to (`above`: above)
 * key's. */
static int bound(const vocab *v, int lo, int hi, const char *key, size_t n, bool above)
{
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strncmp(term(v, mid), key, n);
        if (c < 0 || (above && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The words that begin with key: [*lo, *hi). */
static void prefix_range(const vocab *v, const char *key, size_t n, int *lo, int *hi)
{
    *lo = bound(v, 0, v->count, key, n, false);
    *hi = bound(v, *lo, v->count, key, n, true);
}

/* A word the query may be widened by, as an FTS5 phrase: a beginning ("sprachkurs"*) or, for
 * synonyms, several words. */
typedef struct candidate {
    char text[TERM_MAX + 1];
    uint32_t docs;
} candidate;

typedef struct candidates {
    candidate v[SEEN_MAX];
    int count;
} candidates;

static void add_candidate(candidates *c, const char *text, size_t n, uint32_t docs)
{
    if (c->count == SEEN_MAX || n > TERM_MAX)
        return;
    memcpy(c->v[c->count].text, text, n);
    c->v[c->count].text[n] = 0;
    c->v[c->count].docs = docs;
    c->count++;
}

/* The variant is the beginning of some word: a candidate, with the texts those words are in. */
static void try_variant(const vocab *v, candidates *c, const char *variant, size_t n, const char *typed)
{
    if (!strcmp(variant, typed))
        return;
    int lo, hi;
    prefix_range(v, variant, n, &lo, &hi);
    if (lo < hi)
        add_candidate(c, variant, n, v->cum[hi] - v->cum[lo]);
}

/* Beginnings of words one edit from the word typed (itself a beginning: the visitor may not
 * have finished it): a letter left out, one too many, one wrong, two swapped. Letters are
 * tried only where some word has them after the same beginning. */
static void typos(const vocab *v, const char *w, candidates *c)
{
    size_t len = strlen(w);
    int off[TERM_MAX + 2], n = 0;
    for (const char *p = w; *p && n <= TERM_MAX;) {
        off[n++] = (int)(p - w);
        utf8_next(&p);
    }
    off[n] = (int)len;
    char buf[TERM_MAX + 8];
    for (int i = 0; i < n; i++) {
        size_t a = (size_t)off[i], b = (size_t)off[i + 1];
        /* one too many: leave letter i out */
        memcpy(buf, w, a);
        memcpy(buf + a, w + b, len - b + 1);
        try_variant(v, c, buf, len - (b - a), w);
        /* two swapped: i and i + 1 */
        if (i + 1 < n) {
            size_t e = (size_t)off[i + 2];
            memcpy(buf, w, a);
            memcpy(buf + a, w + b, e - b);
            memcpy(buf + a + (e - b), w + a, b - a);
            memcpy(buf + e, w + e, len - e + 1);
            try_variant(v, c, buf, len, w);
        }
        /* one wrong or one missing at i: each letter some word has after w's first i letters */
        int lo, hi;
        prefix_range(v, w, a, &lo, &hi);
        for (int j = lo; j < hi;) {
            const char *t = term(v, j);
            if (!t[a]) {
                j++;
                continue;
            }
            const char *next = t + a;
            utf8_next(&next);
            size_t cl = (size_t)(next - (t + a));
            if (len + cl + 1 < sizeof buf) {
                memcpy(buf, w, a);
                memcpy(buf + a, t + a, cl);
                if (cl != b - a || memcmp(t + a, w + a, cl)) {
                    memcpy(buf + a + cl, w + b, len - b + 1);
                    try_variant(v, c, buf, a + cl + (len - b), w);
                }
                memcpy(buf + a + cl, w + a, len - a + 1);
                try_variant(v, c, buf, len + cl, w);
            }
            j = bound(v, j, hi, t, a + cl, true);
        }
    }
}

/* Words that have the word typed inside them, after at least two letters: the compounds it is
 * a part of. In Arabic script one letter is enough: و (and), ب (with), ل (for) are written
 * together with the word they go with (والإسعاف, "and the ambulance"). */
static void compounds(const vocab *v, const char *w, candidates *c)
{
    size_t n = strlen(w);
    const char *first = w;
    uint32_t c0 = utf8_next(&first);
    int least = c0 >= 0x0600 && c0 <= 0x06FF ? 1 : 2;
    for (const char *p = memmem(v->arena, v->bytes, w, n); p && c->count < SEEN_MAX;) {
        uint32_t at = (uint32_t)(p - v->arena);
        /* the word p is in: the last that starts at or before it */
        int lo = 0, hi = v->count;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (v->at[mid] <= at)
                lo = mid;
            else
                hi = mid;
        }
        const char *t = term(v, lo), *q = t;
        int before = 0;
        while (q < p && before < least) {
            utf8_next(&q);
            before++;
        }
        if (before >= least)
            add_candidate(c, t, strlen(t), v->cum[lo + 1] - v->cum[lo]);
        if (lo + 1 >= v->count)
            break;
        const char *rest = term(v, lo + 1);
        p = memmem(rest, v->bytes - (size_t)(rest - v->arena), w, n);
    }
}

static int by_text(const void *a, const void *b)
{
    return strcmp(((const candidate *)a)->text, ((const candidate *)b)->text);
}

static int by_docs(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->docs != y->docs)
        return x->docs > y->docs ? -1 : 1;
    return strcmp(x->text, y->text);
}

/* The `keep` best candidates (in most texts first): one that another begins with is left out,
 * the shorter finding it already. */
static void choose(candidates *c, int keep)
{
    if (!c->count)
        return;
    qsort(c->v, (size_t)c->count, sizeof *c->v, by_text);
    int n = 0;
    for (int i = 0; i < c->count; i++) {
        if (n && !strncmp(c->v[i].text, c->v[n - 1].text, strlen(c->v[n - 1].text)))
            continue; /* sorted: a beginning comes right before the words it begins */
        c->v[n++] = c->v[i];
    }
    qsort(c->v, (size_t)n, sizeof *c->v, by_docs);
    c->count = n < keep ? n : keep;
}

/* Texts the words beginning with `prefix` are in, or -1 when there is no vocabulary. */
static long long prefix_docs(const vocab *v, const char *prefix)
{
    if (!v)
        return -1;
    int lo, hi;
    prefix_range(v, prefix, strlen(prefix), &lo, &hi);
    return v->cum[hi] - v->cum[lo];
}

/* The synonyms of a language: each `synonym` as its tokens, and the word it finds. */
typedef struct synonym_row {
    char *tokens[8];
    int count;
    char *word;
} synonym_row;

typedef struct synonym_rows {
    synonym_row *v;
    int count;
    char *text; /* the rows' strings */
} synonym_rows;

static void synonyms_read(sqlite3 *db, const char *lang, synonym_rows *r)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT synonym, word FROM synonyms WHERE lang=?1 LIMIT ?2", -1, &st, NULL) !=
        SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, PACK_SYNONYMS_MAX);
    size_t cap = 0, used = 0, rows_cap = 0;
    /* Offsets first: the text buffer moves while it grows. */
    typedef struct {
        size_t synonym, word;
    } pair;
    pair *pairs = NULL;
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *syn = (const char *)sqlite3_column_text(st, 0), *word = (const char *)sqlite3_column_text(st, 1);
        if (!syn || !word || strlen(syn) > 4 * PACK_SYNONYM_BYTES_MAX || strlen(word) > 4 * PACK_SYNONYM_BYTES_MAX ||
            !*syn || !*word)
            continue;
        size_t a = strlen(syn) + 1, b = strlen(word) + 1;
        ok = grow((void **)&r->text, &cap, used + a + b, 1) &&
             grow((void **)&pairs, &rows_cap, (size_t)r->count + 1, sizeof *pairs);
        if (!ok)
            break;
        memcpy(r->text + used, syn, a);
        memcpy(r->text + used + a, word, b);
        pairs[r->count++] = (pair){used, used + a};
        used += a + b;
    }
    sqlite3_finalize(st);
    r->v = ok && r->count ? calloc((size_t)r->count, sizeof *r->v) : NULL;
    if (!r->v) {
        free(pairs);
        free(r->text);
        memset(r, 0, sizeof *r);
        return;
    }
    for (int i = 0; i < r->count; i++) {
        synonym_row *row = &r->v[i];
        row->word = r->text + pairs[i].word;
        char *save = NULL;
        for (char *t = strtok_r(r->text + pairs[i].synonym, " ", &save); t && row->count < 8;
             t = strtok_r(NULL, " ", &save))
            row->tokens[row->count++] = t;
    }
    free(pairs);
}

static void synonyms_free(synonym_rows *r)
{
    free(r->v);
    free(r->text);
}

static int letters(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* How many query words from `at` on the synonym covers (0: none). The query's last word may be
 * the beginning of the synonym's word (the visitor is still typing it), and the query may end
 * inside a synonym of several words. */
static int synonym_span(const synonym_row *row, char *const *tokens, int count, int at)
{
    int j = 0;
    for (; j < row->count && at + j < count; j++) {
        const char *t = tokens[at + j];
        if (!t)
            return 0;
        if (!strcmp(t, row->tokens[j]))
            continue;
        bool last = at + j == count - 1;
        if (!last || letters(t) < SYNONYM_PREFIX_LETTERS || strncmp(row->tokens[j], t, strlen(t)))
            return 0;
    }
    if (j < row->count && letters(tokens[count - 1]) < SYNONYM_PREFIX_LETTERS)
        return 0;
    return j;
}

/* One phrase of the widened query, with its texts and weight. */
static void phrase(sb *match, sb *hits, sb *weights, const char *words, bool prefix, long long docs,
                   const char *weight, bool first)
{
    if (strchr(words, '"'))
        return; /* no token has one; a pack that says otherwise is not let into the query */
    sb_addf(match, "%s\"%s\"%s", first ? "" : " OR ", words, prefix ? "*" : "");
    sb_addf(hits, "%lld ", docs);
    sb_addf(weights, "%s ", weight);
}

typedef struct word_token {
    char token[TERM_MAX + 1];
    int count;
} word_token;

static int one_token(void *user, int flags, const char *token, int n, int start, int end)
{
    word_token *w = user;
    if (w->count++ == 0 && n <= TERM_MAX) {
        memcpy(w->token, token, (size_t)n);
        w->token[n] = 0;
    }
    return SQLITE_OK;
}

void pack_widened_free(pack_widened *w)
{
    free(w->match);
    free(w->hits);
    free(w->weights);
    memset(w, 0, sizeof *w);
}

bool pack_fuzzy_widen(pack_searcher *s, pack_fuzzy *f, sqlite3 *db, const char *lang, const char *const *words,
                      int count, pack_widened *out)
{
    memset(out, 0, sizeof *out);
    if (count <= 0)
        return false;
    const vocab *v = vocab_of(f, db, lang);
    /* Each word as the single token the index would hold, NULL when it makes several. */
    word_token *tok = calloc((size_t)count, sizeof *tok);
    char **tokens = calloc((size_t)count, sizeof *tokens);
    candidates *c = malloc(sizeof *c);
    synonym_rows syn;
    synonyms_read(db, lang, &syn);
    sb match = {0}, hits = {0}, weights = {0};
    bool widened = false;
    long long best_docs = -1;
    for (int i = 0; tok && tokens && c && i < count; i++) {
        if (strlen(words[i]) > TERM_MAX)
            continue;
        tok[i].count = 0;
        if (pack_search_tokenize(s, words[i], true, one_token, &tok[i]) && tok[i].count == 1)
            tokens[i] = tok[i].token;
    }
    for (int i = 0; tok && tokens && c && i < count;) {
        /* The longest synonym at this word, and every synonym of that length. */
        int span = 0;
        for (int r = 0; r < syn.count; r++) {
            int n = synonym_span(&syn.v[r], tokens, count, i);
            span = n > span ? n : span;
        }
        sb_addf(&match, "%s(", i ? " AND " : "");
        if (span > 1) {
            sb_addf(&match, "(");
            for (int j = 0; j < span; j++) {
                sb_addf(&match, "%s\"%s\"*", j ? " AND " : "", words[i + j]);
                sb_addf(&hits, "%lld ", tokens[i + j] ? prefix_docs(v, tokens[i + j]) : -1);
                sb_addf(&weights, "1 ");
            }
            sb_addf(&match, ")");
        } else {
            phrase(&match, &hits, &weights, words[i], true, tokens[i] ? prefix_docs(v, tokens[i]) : -1, "1", true);
        }
        int targets = 0;
        for (int r = 0; r < syn.count && span > 0 && targets < TARGETS_MAX; r++)
            if (synonym_span(&syn.v[r], tokens, count, i) == span) {
                const char *word = syn.v[r].word;
                long long docs = strchr(word, ' ') ? -1 : prefix_docs(v, word);
                phrase(&match, &hits, &weights, word, true, docs, "1", false);
                if (count == 1 && docs > best_docs && strlen(word) < sizeof out->best) {
                    best_docs = docs;
                    snprintf(out->best, sizeof out->best, "%s", word);
                }
                targets++;
                widened = true;
            }
        if (span <= 1 && v && tokens[i] && i < WIDEN_WORDS_MAX && letters(tokens[i]) >= FORGIVE_LETTERS) {
            for (int pass = 0; pass < 2; pass++) {
                c->count = 0;
                if (pass == 0)
                    typos(v, tokens[i], c);
                else
                    compounds(v, tokens[i], c);
                choose(c, pass == 0 ? TYPOS_MAX : COMPOUNDS_MAX);
                for (int k = 0; k < c->count; k++) {
                    phrase(&match, &hits, &weights, c->v[k].text, true, c->v[k].docs, GUESS_WEIGHT, false);
                    if (count == 1 && (long long)c->v[k].docs > best_docs) {
                        best_docs = c->v[k].docs;
                        snprintf(out->best, sizeof out->best, "%s", c->v[k].text);
                    }
                }
                widened |= c->count > 0;
            }
        }
        sb_addf(&match, ")");
        i += span > 1 ? span : 1;
    }
    bool ok = widened && tok && tokens && c && !match.oom && !hits.oom && !weights.oom;
    free(tok);
    free(tokens);
    free(c);
    synonyms_free(&syn);
    if (!ok) {
        free(match.s);
        free(hits.s);
        free(weights.s);
        return false;
    }
    out->match = match.s;
    out->hits = hits.s;
    out->weights = weights.s;
    return true;
}

/* The builder's part. */

/* Every token of a language's texts and how many texts it is in: a hash table over an arena. */
typedef struct vocab_entry {
    uint32_t at, docs;
    sqlite3_int64 last; /* the text it was last counted for */
} vocab_entry;

typedef struct vocab_build {
    char *arena;
    size_t bytes, arena_cap;
    vocab_entry *slots; /* at == UINT32_MAX: empty */
    size_t size, used;
    sqlite3_int64 text;
    bool failed;
} vocab_build;

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static bool rehash(vocab_build *b)
{
    size_t size = b->size ? b->size * 2 : 1 << 14;
    vocab_entry *slots = malloc(size * sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < size; i++)
        slots[i].at = UINT32_MAX;
    for (size_t i = 0; i < b->size; i++) {
        if (b->slots[i].at == UINT32_MAX)
            continue;
        const char *t = b->arena + b->slots[i].at;
        size_t k = hash(t, strlen(t)) & (size - 1);
        while (slots[k].at != UINT32_MAX)
            k = (k + 1) & (size - 1);
        slots[k] = b->slots[i];
    }
    free(b->slots);
    b->slots = slots;
    b->size = size;
    return true;
}

static int count_token(void *user, int flags, const char *token, int n, int start, int end)
{
    vocab_build *b = user;
    if (b->failed || n <= 0 || n > TERM_MAX || memchr(token, 0, (size_t)n))
        return SQLITE_OK;
    if ((b->used + 1) * 2 > b->size && !rehash(b)) {
        b->failed = true;
        return SQLITE_NOMEM;
    }
    size_t k = hash(token, (size_t)n) & (b->size - 1);
    for (; b->slots[k].at != UINT32_MAX; k = (k + 1) & (b->size - 1)) {
        const char *t = b->arena + b->slots[k].at;
        if (!strncmp(t, token, (size_t)n) && !t[n]) {
            if (b->slots[k].last != b->text) {
                b->slots[k].docs++;
                b->slots[k].last = b->text;
            }
            return SQLITE_OK;
        }
    }
    size_t need = b->bytes + (size_t)n + 1;
    if (need >= UINT32_MAX || !grow((void **)&b->arena, &b->arena_cap, need, 1)) {
        b->failed = true;
        return SQLITE_NOMEM;
    }
    memcpy(b->arena + b->bytes, token, (size_t)n);
    b->arena[b->bytes + (size_t)n] = 0;
    b->slots[k] = (vocab_entry){(uint32_t)b->bytes, 1, b->text};
    b->bytes += (size_t)n + 1;
    b->used++;
    return SQLITE_OK;
}

static const vocab_build *sorting;

static int by_term(const void *a, const void *b)
{
    const vocab_entry *x = &sorting->slots[*(const size_t *)a], *y = &sorting->slots[*(const size_t *)b];
    return strcmp(sorting->arena + x->at, sorting->arena + y->at);
}

/* Writes a language's words in order, and empties the table for the next language. */
static bool vocab_flush(vocab_build *b, sqlite3_stmt *insert, const char *lang)
{
    size_t *order = malloc((b->used ? b->used : 1) * sizeof *order), n = 0;
    bool ok = order != NULL;
    for (size_t i = 0; ok && i < b->size; i++)
        if (b->slots[i].at != UINT32_MAX)
            order[n++] = i;
    sorting = b;
    if (ok)
        qsort(order, n, sizeof *order, by_term);
    for (size_t i = 0; ok && i < n; i++) {
        const vocab_entry *e = &b->slots[order[i]];
        sqlite3_reset(insert);
        sqlite3_bind_text(insert, 1, lang, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 2, b->arena + e->at, -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 3, e->docs);
        ok = sqlite3_step(insert) == SQLITE_DONE;
    }
    free(order);
    for (size_t i = 0; i < b->size; i++)
        b->slots[i].at = UINT32_MAX;
    b->used = 0;
    b->bytes = 0;
    return ok;
}

bool pack_search_vocabulary(sqlite3 *db)
{
    pack_searcher *s = pack_searcher_attach(db);
    vocab_build b = {0};
    sqlite3_stmt *texts = NULL, *insert = NULL;
    bool ok = s && rehash(&b) &&
              sqlite3_prepare_v2(db, "SELECT id, lang, title, summary, body FROM texts ORDER BY id", -1, &texts,
                                 NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "INSERT INTO vocabulary(lang, term, docs) VALUES(?1, ?2, ?3)", -1, &insert,
                                 NULL) == SQLITE_OK;
    char lang[PACK_LANG_MAX] = "";
    while (ok && sqlite3_step(texts) == SQLITE_ROW) {
        const char *l = (const char *)sqlite3_column_text(texts, 1);
        if (!l)
            continue;
        if (strcmp(lang, l)) {
            ok = !lang[0] || vocab_flush(&b, insert, lang);
            snprintf(lang, sizeof lang, "%s", l);
        }
        char *title, *body;
        const char *t = (const char *)sqlite3_column_text(texts, 2), *sum = (const char *)sqlite3_column_text(texts, 3),
                   *bd = (const char *)sqlite3_column_text(texts, 4);
        if (!ok || !pack_index_fields(t ? t : "", sum ? sum : "", bd ? bd : "", &title, &body)) {
            ok = false;
            break;
        }
        b.text = sqlite3_column_int64(texts, 0);
        ok = pack_search_tokenize(s, title, false, count_token, &b) &&
             pack_search_tokenize(s, body, false, count_token, &b) && !b.failed;
        free(title);
        free(body);
    }
    ok = ok && (!lang[0] || vocab_flush(&b, insert, lang));
    sqlite3_finalize(texts);
    sqlite3_finalize(insert);
    free(b.arena);
    free(b.slots);
    return ok;
}

typedef struct joined {
    char text[4 * PACK_SYNONYM_BYTES_MAX + 16];
    size_t len;
    bool overflow;
} joined;

static int join_token(void *user, int flags, const char *token, int n, int start, int end)
{
    joined *j = user;
    if (j->len + (size_t)n + 2 > sizeof j->text) {
        j->overflow = true;
        return SQLITE_OK;
    }
    if (j->len)
        j->text[j->len++] = ' ';
    memcpy(j->text + j->len, token, (size_t)n);
    j->len += (size_t)n;
    j->text[j->len] = 0;
    return SQLITE_OK;
}

/* A word of synonyms.txt as search compares it: normalized, its tokens joined by spaces. */
static bool tokens_of(pack_searcher *s, const char *word, joined *out)
{
    char norm[4 * PACK_SYNONYM_BYTES_MAX + 16];
    pack_normalize(word, norm, sizeof norm);
    out->len = 0;
    out->text[0] = 0;
    out->overflow = false;
    return pack_search_tokenize(s, norm, false, join_token, out) && out->len > 0 && !out->overflow;
}

bool pack_search_synonyms(sqlite3 *db, const src_synonym *list, int count)
{
    if (count <= 0)
        return true;
    pack_searcher *s = pack_searcher_attach(db);
    sqlite3_stmt *st = NULL;
    bool ok = s && sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO synonyms(lang, synonym, word) VALUES(?1, ?2, ?3)",
                                      -1, &st, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < count; i++) {
        joined word, synonym;
        if (!tokens_of(s, list[i].word, &word) || !tokens_of(s, list[i].synonym, &synonym) ||
            !strcmp(word.text, synonym.text))
            continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, list[i].lang, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, synonym.text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, word.text, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok;
}
