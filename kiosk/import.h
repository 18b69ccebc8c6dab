/* import: turns Integreat's public pages API exports (one JSON file per language) into
 * content sources (content/README.md) that `wegweiser-pack build` reads: the page tree and
 * its order, the HTML as our small markup, translation state from the update times, page
 * codes that stay the same on every re-import, and a report of what could not come along.
 * JSON is read with json-c, HTML with libxml2's HTML parser. Whatever an export holds, the
 * sources written pass `wegweiser-pack check`: what cannot be kept is cleaned or left out,
 * each with a line in the report. How: docs/integreat.md. */
#ifndef WW_IMPORT_H
#define WW_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "pack.h"

/* The file in the output folder that keeps every code ever given, so codes survive edits,
 * moves and removals in Integreat and are never given to another page. */
#define IMPORT_CODES_FILE "integreat-codes.txt"
#define IMPORT_REPORT_FILE "import-report.txt"
/* Staff's shorter titles for home-screen tiles ("code | language | tile title"): the import
 * never overwrites it, writes them into the texts as `tile-title:`, and starts the file, with
 * the home-screen pages commented out, when there is none. */
#define IMPORT_TILE_TITLES_FILE "tile-titles.txt"

typedef struct import_options {
    const char *const *files; /* one pages export per language */
    int file_count;
    const char *out_dir;         /* content/<region>: created, or a previous import replaced */
    const char *name;            /* region.txt name (required) */
    const char *region;          /* NULL: from the pages' paths (/lkaugsburg/de/...) */
    const char *source_language; /* NULL: de */
    const char *publisher;       /* NULL: the name */
    const char *licence;         /* NULL: from licence_file, else "see the Integreat region" */
    const char *licence_file;    /* optional: copied beside region.txt as LICENSE-integreat.txt */
    const char *version;         /* NULL: the date of the newest page (YYYY-MM-DD) */
    bool machine;                /* translations get review: machine instead of done */
} import_options;

typedef struct import_lang_summary {
    char code[PACK_LANG_MAX];
    int texts, outdated, missing, unmatched; /* unmatched: pages without a source-language page */
} import_lang_summary;

typedef struct import_summary {
    int pages, top_level, topics;
    int new_codes; /* codes given for the first time in this run */
    import_lang_summary langs[PACK_LANGUAGES_MAX];
    int lang_count;
    int images, icons, addresses, page_links, phone_links, email_links, web_links, unlinked;
    char *report; /* the whole import report (as written to IMPORT_REPORT_FILE); free it */
} import_summary;

/* Reads the exports and writes the sources. On failure nothing in out_dir is half written
 * (pages/ is swapped in whole) and the message names the file. */
bool import_integreat(const import_options *o, import_summary *sum, err *e);
void import_summary_free(import_summary *sum);

/* The verb `wegweiser-pack import-integreat`. */
int import_main(int argc, char **argv);

/* ---- the HTML conversion on its own (tests, and anyone importing from elsewhere) ---- */

/* Maps a link to another page (a normalized path, "/region/lang/slug/.../") to its page
 * code, or NULL when it is not an imported page. */
typedef const char *(*import_resolve_fn)(void *user, const char *path);

typedef struct import_html_info {
    int images;       /* pictures dropped (not available offline) */
    int icons;        /* Integreat's small decorative icons dropped (pin, call, email, ...) */
    int addresses;    /* lines after a pin icon marked as [address](addr) */
    int page_links, phone_links, email_links, web_links;
    int unlinked;     /* links whose target cannot be used: their text is kept */
    int controls;     /* control characters removed from the text */
    int bidi;         /* bidi embeddings and overrides (U+202A–U+202E) removed from the text */
    bool truncated;   /* the HTML could not be read to its end (nested too deep): text is missing */
    /* Kept within the kiosk's limits (content/SCHEMA.md): break opportunities (U+200B) put
     * into over-long words, paragraphs split, bytes of text left out past a page's limit. */
    int word_breaks, paragraph_splits;
    size_t cut_bytes;
    int icon_kinds[8]; /* by IMPORT_ICON_NAMES */
    char *notes;      /* one line per dropped thing: "image NAME (alt: ...)", "link ..." */
    char *summary;    /* the first paragraph's words, for the summary line */
} import_html_info;

extern const char *const IMPORT_ICON_NAMES[8];

/* Converts one page's HTML to body markup (content/README.md). Returns a malloc'd string
 * ("" for no text), NULL when out of memory. `info` may be NULL; else free it with
 * import_html_info_free. */
char *import_html(const char *html, size_t len, import_resolve_fn resolve, void *user, import_html_info *info);
void import_html_info_free(import_html_info *info);

/* Normalizes a link for resolve: the path of an Integreat address (https://integreat.app/…,
 * admin.integreat-app.de, …) or of "/…", percent-decoded, without query, with a final "/",
 * strict UTF-8 with no control characters (each invalid sequence or control is U+FFFD).
 * False for any other address, and when it does not fit `size` whole. */
bool import_integreat_path(const char *href, char *out, size_t size);

/* ---- one export on its own (tests, fuzzing): its bytes to pages ---- */

typedef struct import_export import_export;

/* Reads one pages export (a JSON array, Integreat's pages API) from memory; `name` names it
 * in messages. Pages it cannot use are left out and named in its notes. NULL with a message
 * when the bytes are not a JSON array of pages or have more than a pack can hold. */
import_export *import_export_read(const char *bytes, size_t len, const char *name, err *e);
int import_export_page_count(const import_export *x);
/* The report lines about the file: pages left out, dates that could not be read. */
const char *import_export_notes(const import_export *x);
void import_export_free(import_export *x);

/* The code a page gets the first time it is imported: its Integreat id folded into five
 * digits (10000–99999); a code already taken moves on to the next free one. */
int import_derive_code(long id);

/* The language line for a code: "ar | العربية | rtl | Arab | latn"; false (and a plain
 * Latin guess) for a code not in the table. */
bool import_language_line(const char *code, char *out, size_t size);

#endif
