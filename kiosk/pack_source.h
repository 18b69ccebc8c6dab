/* Content sources as read from content/<region>/ (content/README.md): the pack module's
 * reader (pack_source.c: region, pages, texts; pack_source_office.c: offices) fills this
 * model and reports every problem with its file and line; the builder (pack_build.c) writes
 * the model as a pack. Internal to the pack module. */
#ifndef WW_PACK_SOURCE_H
#define WW_PACK_SOURCE_H

#include <stdbool.h>

#include "pack.h"

typedef struct src_text {
    char lang[PACK_LANG_MAX];
    char *title, *summary, *body;
    char *tile_title;    /* a shorter title for the home-screen tile, or NULL */
    int version;         /* German source: its version */
    int translated_from; /* translation: the source version it follows */
    char review[16];
    char audio[65]; /* read-aloud recording: hash of an asset, "" when there is none */
    char *path;
    int translated_from_line, review_line;
} src_text;

typedef struct src_page {
    pack_page page;
    int dir_index; /* its folder among the sorted page folders */
    int code_line, parent_line, kind_line, office_line;
    char *path;      /* page.txt, for messages */
    src_text *texts; /* room for every language of the region */
    int text_count;
} src_page;

struct src_asset {
    char hash[65], name[PACK_ASSET_NAME_BYTES_MAX + 1], kind[16];
    char *path;
};

/* One line of synonyms.txt gives one of these per word it is also found by. */
typedef struct src_synonym {
    char lang[PACK_LANG_MAX];
    char *word, *synonym; /* as written; the builder normalizes them */
    int line;
} src_synonym;

typedef struct src {
    const char *dir;
    pack_report *report;
    pack_meta meta;
    pack_language languages[PACK_LANGUAGES_MAX];
    int language_count;
    src_page *pages; /* after reading: in code order */
    int page_count;
    char source[PACK_SOURCE_BYTES_MAX + 1]; /* region.txt `source`: origin and licence */
    pack_office *offices;
    int office_count;
    struct src_asset *assets;
    int asset_count;
    src_synonym *synonyms; /* synonyms.txt, in its order */
    int synonym_count;
    char shown[4][256]; /* values quoted in messages (pack_src_shown) */
    int next_shown;
} src;

/* Reads every source under s->dir into s, reporting each problem to s->report; true when
 * there is no error (warnings may remain). pack_src_free releases what it read. */
bool pack_src_read(src *s);
void pack_src_free(src *s);

/* Shared by the reader's files. */
bool pack_src_problem(src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pack_src_warning(src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A regular file, read whole and NUL-terminated (`len`, may be NULL, gets its bytes). A folder
 * or a device where a file should be is named as such, never read as an empty file (a folder
 * called de.txt is not a text without a title). */
char *pack_src_read_whole(const char *path, size_t *len, err *e);
/* A whole source file as UTF-8 text without its byte order mark, or NULL (reported). */
char *pack_src_load(src *s, const char *path);
/* The next line of a buffer, cut in place; NULL at its end. */
char *pack_src_next_line(char **cursor);
/* Splits "key: value" in place, both trimmed; false when the line has no colon. */
bool pack_src_split_key(char *line, char **key, char **value);
char *pack_src_trim(char *s);
/* A value as a message may quote it: one line, invisible characters named, shortened. */
const char *pack_src_shown(src *s, const char *value);
/* A one-line field of at most `limit` bytes a person reads: no control characters and no
 * direction controls. False, reported with file, line and key, when it is not. */
bool pack_src_field(src *s, const char *path, int line, const char *key, const char *value, int limit);
/* pack_src_field, then `value` copied whole into `out`, a buffer of limit + 1 bytes. */
bool pack_src_keep(src *s, const char *path, int line, const char *key, const char *value, char *out, int limit);
/* "2026-12-24" */
bool pack_src_valid_date(const char *d);

/* Keys a file has given so far, to refuse a key given twice (the second would win silently). */
typedef struct pack_src_keys {
    const char *key[24];
    int line[24];
    int count;
} pack_src_keys;
/* False (reported) when `key` is not among `known` (NULL-terminated, named in the message), or
 * came before in this file and is not among `repeatable` (NULL-terminated, or NULL). */
bool pack_src_key(src *s, pack_src_keys *seen, const char *path, int line, const char *key, const char *const *known,
                  const char *const *repeatable);

bool pack_src_read_offices(src *s);
/* synonyms.txt beside region.txt, when there is one (after region.txt: it names languages). */
bool pack_src_read_synonyms(src *s);
/* Warns (check only) about synonyms for a word that no text of their language has. */
void pack_src_check_synonym_words(src *s);
void pack_src_free_synonyms(src *s);

#endif
