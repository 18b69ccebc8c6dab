/* Internals of the import module, shared by its files and by no other module. The files and
 * the way their calls go (never back):
 *   import.c       the whole import: options, pages to texts, report, writing the folder, CLI
 *     → import_tree.c   deciding: languages, icons, the tree, translations, codes, tile titles, links
 *     → import_json.c   reading one export's bytes into pages
 *     → import_html.c   one page's HTML to body markup
 *     → import_clean.c  what every part reads through: strict UTF-8, one-line values, paths
 * Everything an export brings passes import_clean.c before it is written, and every file is
 * checked once more before it is written (strict UTF-8), so the import never writes what
 * `wegweiser-pack check` refuses. */
#ifndef WW_IMPORT_PRIVATE_H
#define WW_IMPORT_PRIVATE_H

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import.h"
#include "pack_limits.h"
#include "sb.h"
#include "utf8.h"

/* ---- limits: what the sources and the pack can hold (content/SCHEMA.md) ---- */

/* The pack's own limits (pack_limits.h): pages, home-screen tiles, rows under one topic. */
#define IMPORT_PAGES_MAX PACK_PAGES_MAX
#define IMPORT_TOP_LEVEL_MAX PACK_TOP_LEVEL_MAX
#define IMPORT_CHILDREN_MAX PACK_CHILDREN_MAX
/* A title in the written texts, under the pack's 255 bytes. */
#define IMPORT_TITLE_MAX 200
/* A page's path as normalized (comments, integreat-codes.txt); longer ones are refused. */
#define IMPORT_PATH_MAX 1000
/* A page's text a little under the pack's limits (pack_limits.h), so that the markup the
 * import adds never tips one over: all of it, one paragraph, the links and bold parts of one
 * paragraph, a word, a link's target. */
#define IMPORT_TEXT_MAX (PACK_TEXT_BYTES_MAX - 8 * 1024)
#define IMPORT_PARAGRAPH_MAX (PACK_PARAGRAPH_BYTES_MAX - 4 * 1024)
#define IMPORT_PARAGRAPH_MARKS_MAX (PACK_PARAGRAPH_LINKS_MAX - 8)
#define IMPORT_WORD_MAX (PACK_WORD_BYTES_MAX - 56)
#define IMPORT_LINK_MAX (PACK_LINK_BYTES_MAX - 24)
/* region.txt fields, as pack_meta holds them. */
#define IMPORT_FIELD_MAX(field) (sizeof(((pack_meta *)0)->field) - 1)
/* The output folder's path: every file under it must fit the path buffers below. */
#define IMPORT_OUT_DIR_MAX 900
#define IMPORT_PATH_BUF 1300

static inline void sb_free(sb *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

/* ---- import_clean.c: what every part reads through ---- */

/* White space as HTML and our text engine see it: a line break, spaces, no-break spaces. */
static inline bool import_is_space(uint32_t c)
{
    return c == ' ' || c == '\n' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

static inline bool import_has_prefix_ci(const char *s, const char *prefix)
{
    return !strncasecmp(s, prefix, strlen(prefix));
}

static inline int import_hex_value(char h)
{
    return isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10);
}

/* Characters no text may hold: C0 and C1 controls, DEL, the byte order mark. */
bool import_is_control(uint32_t c);
/* The bidi controls `check` refuses in titles, names and codes (U+200E, U+200F, U+061C,
 * U+202A–U+202E, U+2066–U+2069): they can make "retnecboJ" read as "Jobcenter". */
bool import_is_bidi_control(uint32_t c);

/* What cleaning changed in one field, for the report. */
typedef struct import_fixes {
    int invalid;  /* invalid UTF-8 sequences (each became one U+FFFD) */
    int controls; /* control characters removed */
    int bidi;     /* bidi controls removed */
    bool cut;     /* longer than its limit: cut at a word */
} import_fixes;

/* Decodes the next code point strictly (no over-long forms, surrogates or values above
 * U+10FFFF); an invalid sequence is one U+FFFD and counts in *invalid. Never reads past end. */
uint32_t import_utf8_next(const char **s, const char *end, int *invalid);
/* True when s[0..len) is strict UTF-8 without a NUL. */
bool import_utf8_valid(const char *s, size_t len);
/* A copy in strict UTF-8: invalid sequences as U+FFFD, control characters (NUL too) removed,
 * both counted in `fixes` (may be NULL); tabs and line breaks stay, or with `one_line` become
 * spaces. NULL: out of memory. */
char *import_clean_text(const char *s, size_t len, bool one_line, import_fixes *fixes);
/* One header line's value from a title or text: entities decoded, white space collapsed,
 * control and bidi characters removed, cut at a word to at most `max` bytes (0: no limit)
 * with "…". `fixes` may be NULL. NULL: out of memory. */
char *import_header_value(const char *in, size_t max, import_fixes *fixes);
/* "  page 123 (de): the title had 2 invalid UTF-8 sequences (replaced by U+FFFD), 1 bidi
 * control character (removed)" into `out`, or nothing when nothing changed. */
void import_fixes_note(sb *out, long id, const char *lang, const char *field, const import_fixes *fixes,
                       size_t max);
/* A command-line value for region.txt: strict UTF-8, one line, no bidi controls, at most max
 * bytes, not empty; else a message naming the option. */
bool import_check_option(const char *option, const char *value, size_t max, err *e);

/* ---- import_json.c: one export's pages ---- */

typedef struct ig_avail {
    char lang[PACK_LANG_MAX];
    long id;
    char *path; /* normalized, or NULL */
} ig_avail;

typedef struct ig_page {
    long id, order;
    char *path, *parent_path; /* normalized; parent_path NULL at the top */
    char *title;              /* strict UTF-8 on one line; entities as Integreat wrote them */
    char *html;               /* strict UTF-8 */
    import_fixes title_fixes, html_fixes;
    bool dated;               /* false: no readable date (reported): older than any dated page */
    long long updated_ms;
    char date[11];            /* "" when not dated */
    int day;                  /* YYMMDD of last_updated, for versions */
    ig_avail *avail;
    int avail_count;
    int match; /* translation: its source page; source: unused */
} ig_page;

struct import_export {
    char lang[PACK_LANG_MAX];
    char name[256]; /* the file's base name, for messages and the report */
    char region[64];
    ig_page *pages;
    int count;
    sb notes; /* report lines: pages not imported, dates not read, paths cleaned */
};

/* Reads an export's bytes into x (zeroed first); false with a message naming the file when
 * it is not a JSON array of pages or cannot tell its language. */
bool import_export_parse(const char *bytes, size_t len, const char *name, import_export *x, err *e);
void import_export_clear(import_export *x);
/* "2023-11-20T14:06:57.529+01:00" → milliseconds since 1970 (UTC), the date as written and
 * YYMMDD of it; false for anything else (never reads past the string's end). */
bool import_parse_time(const char *s, long long *ms, char date[11], int *day);
/* Integreat's language codes: "de", "de-si", "zh-CN". */
bool import_valid_lang(const char *s);

/* ---- import_tree.c: deciding ---- */

/* What the import decides for each source-language page. */
typedef struct page_info {
    int parent; /* source page index, -1 at the top */
    int children, position;
    int code;
    char folder[128];
    bool topic;
    bool left_out; /* past the tiles or rows the kiosk shows, or under such a page */
    int *trans;   /* per file: the matching page in that file, -1 when there is none */
    char **texts; /* page.txt, then one file per language in `order` (NULL: missing) */
} page_info;

typedef struct path_entry {
    const char *path;
    int page; /* source page index */
} path_entry;

typedef struct code_entry {
    int code;
    long id;
    char path[IMPORT_PATH_MAX + 1];
    bool used;
} code_entry;

typedef struct tile_title {
    int code;
    char lang[PACK_LANG_MAX];
    char title[256];
    int line;
    bool used;
} tile_title;

typedef struct importer {
    const import_options *o;
    import_summary *sum;
    const char *source_lang;
    import_export *files;
    int file_count, source;
    int order[PACK_LANGUAGES_MAX]; /* files in region.txt's order: the source first */
    ig_page *src;                  /* the source-language pages */
    int n;
    page_info *info;
    path_entry *paths; /* every path a link may use, sorted */
    int path_count;
    path_entry *slugs; /* "/region/lang/last-part/": Integreat finds a moved page by it */
    int slug_count;
    code_entry *codes;
    int code_count, code_cap;
    tile_title *tiles;
    int tile_count;
    bool tiles_file; /* the staff's file exists: never overwritten */
    char region[64], version[64];
    char *licence, *source_text;
    char codes_text[8][16]; /* scratch for resolve: page codes as strings */
    int codes_next;
    int icon_kinds[8];
    /* The report's parts. */
    sb problems, missing, outdated, images, links;
    sb region_file, report;
} importer;

const char *import_icon_for(const char *title, bool topic);
void import_build_tree(importer *im, sb *report);
void import_match_translations(importer *im, sb *report);
bool import_read_codes(importer *im, const char *path, err *e);
bool import_read_tile_titles(importer *im, const char *path, err *e);
tile_title *import_tile_title_of(importer *im, int code, const char *lang);
/* Codes: kept from integreat-codes.txt (by id, else by the last part of the path), new ones
 * derived from the id, oldest pages first; false when none is left. */
bool import_assign_codes(importer *im, int *new_codes);
void import_sort_codes(importer *im);
bool import_build_link_table(importer *im, err *e);
/* The resolve function import_html takes: a path to its page's code. */
const char *import_resolve_path(void *importer, const char *path);
void import_folder_name(const ig_page *p, int code, char *out, size_t size);
const char *import_last_segment(const char *path, size_t *len);
/* A file of "a | b | c" lines (# starts a comment): line_fn gets the three trimmed fields of
 * each; a missing file is no error, a line that is not UTF-8 or too long is. */
typedef bool (*import_bar_fn)(importer *im, char *field[3], const char *path, int number, err *e);
bool import_read_bar_file(importer *im, const char *path, const char *expected, import_bar_fn line_fn, err *e);

#endif
