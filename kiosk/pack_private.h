/* Internals shared by the pack module's files; not for other modules. */
#ifndef WW_PACK_PRIVATE_H
#define WW_PACK_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "pack.h"

sqlite3 *pack_db(pack *p);
/* Creates every table, index and virtual table of the current schema in an empty database.
 * The languages are given so a schema may hold per-language parts; the builder and the
 * validation of untrusted packs both call this, so they cannot drift apart. */
bool pack_schema_create(sqlite3 *db, const pack_language *languages, int language_count);
/* The limits of pack_limits.h on what the kiosk reads after pack_open: offices, their hours and
 * holidays, assets (metadata, languages and pages are refused as they are loaded; texts:
 * pack_check_texts). */
bool pack_limits_check(sqlite3 *db, err *e);
/* The page tree is a tree: at most PACK_PAGES_MAX pages, codes of 1 to 6 digits and unique,
 * every parent there, no cycle of parents, no screen with more pages than it lists. */
bool pack_limits_tree(const pack_page *pages, int n, err *e);
/* What the search index holds of a text (malloc'ed, both NULL when out of memory): its title,
 * and its summary and body without link targets and markup signs, normalized. */
bool pack_index_fields(const char *title, const char *summary, const char *body, char **title_out, char **body_out);

/* Search's part of an open pack (pack_search.c): the ranking function ww_rank registered on
 * the connection, the tokenizer, and the languages' texts read for ranking. The connection
 * owns it: closing the connection frees it. NULL when FTS5 is missing. */
typedef struct pack_searcher pack_searcher;
pack_searcher *pack_searcher_attach(sqlite3 *db);
pack_searcher *pack_searcher_of(pack *p);

/* The index's tokenizer (unicode61, content/SCHEMA.md) on normalized text: `fn` gets each
 * token as the FTS5 tokenizer callback does. `query` tokenizes as a query does. */
typedef int (*pack_token_fn)(void *user, int flags, const char *token, int n, int start, int end);
bool pack_search_tokenize(pack_searcher *s, const char *text, bool query, pack_token_fn fn, void *user);

/* The forgiving half of search (pack_search_fuzzy.c): a query widened by
 * the words the visitor may have meant. The kiosk keeps the vocabularies of the last two
 * languages searched in memory (pack_fuzzy). */
typedef struct pack_fuzzy pack_fuzzy;
pack_fuzzy *pack_fuzzy_new(void);
void pack_fuzzy_free(pack_fuzzy *f);
/* Reads the language's vocabulary if it is not in memory yet: the first search in a language
 * does, as it reads its texts' lengths, so that the first typo is as quick as the next. */
void pack_fuzzy_warm(pack_fuzzy *f, sqlite3 *db, const char *lang);
/* An FTS5 query, and per phrase of it (in order) the texts it matches in the language ("-1"
 * when not known) and its weight for ww_rank. malloc'ed. */
typedef struct pack_widened {
    char *match, *hits, *weights;
    /* For a query of one word: the word it may have meant that is in the most texts ("" when
     * none is a single word), which the common prefixes may answer without ranking. */
    char best[PACK_WORD_BYTES_MAX + 1];
} pack_widened;
/* The visitor's words (normalized, as parse_query cuts them), each widened by the beginnings
 * of words one typo away, the compounds it is part of and staff's synonyms, in `lang`. False
 * when there is nothing to widen (or no memory). */
bool pack_fuzzy_widen(pack_searcher *s, pack_fuzzy *f, sqlite3 *db, const char *lang, const char *const *words,
                      int count, pack_widened *out);
void pack_widened_free(pack_widened *w);
/* The builder: `vocabulary` from the texts (every token of each language and the texts it is
 * in), after the index is written. */
bool pack_search_vocabulary(sqlite3 *db);
/* The builder: synonyms.txt's pairs (pack_source.h) as rows of `synonyms`, normalized and
 * tokenized as the index is; false when out of memory or SQLite fails (a word that makes no
 * token is left out). */
struct src_synonym;
bool pack_search_synonyms(sqlite3 *db, const struct src_synonym *list, int count);

/* A prefix that at least this many texts (all languages together) match is common: the
 * builder ranks its pages in advance, since ranking that many would take longer than a
 * keystroke may. */
#define PACK_COMMON_HITS 2000
/* Fills common_prefixes in a pack whose texts and search index are written: every prefix of
 * an indexed word that at least `threshold` texts match, with each language's first
 * PACK_SEARCH_MAX texts as the kiosk's search ranks them. */
bool pack_search_common(sqlite3 *db, int threshold);
/* Compares the pack's whole schema (sqlite_schema: tables and their columns, indexes, virtual
 * tables and their shadow tables, triggers, views) with what pack_schema_create makes for the
 * pack's languages and, when `integrity`, runs SQLite's quick_check. False with a message naming
 * `path` and what differs ("table office_hours is missing", "extra trigger t1 on texts", "column
 * texts.body has type BLOB, expected TEXT"); *why says which kind of problem it is. */
bool pack_validate(sqlite3 *db, const char *path, const pack_language *languages, int language_count, bool integrity,
                   pack_refusal *why, err *e);

#endif
