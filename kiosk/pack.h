/* pack: the content pack, one SQLite file built by wegweiser-pack from content/<region>/.
 * Opens packs read-only and defensively (a pack comes from a USB stick and is untrusted
 * until proven otherwise), checks the schema version, and answers the kiosk's queries:
 * metadata, languages, the page tree and per-language texts. Schema: content/SCHEMA.md. */
#ifndef WW_PACK_H
#define WW_PACK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "pack_limits.h"

/* Bumped whenever the pack's tables change in a way older firmware cannot read. */
#define PACK_SCHEMA_VERSION 3
/* SQLite application_id of a Wegweiser pack: "WEGW". */
#define PACK_APPLICATION_ID 0x57454757

/* Buffer sizes of a page code and a language code (limits: pack_limits.h). */
#define PACK_CODE_MAX 16
#define PACK_LANG_MAX (PACK_LANG_CODE_BYTES_MAX + 1)

typedef struct pack pack;

typedef struct pack_meta {
    char region[PACK_REGION_BYTES_MAX + 1];
    char name[PACK_REGION_NAME_BYTES_MAX + 1];
    char version[PACK_VERSION_BYTES_MAX + 1];
    char publisher[PACK_REGION_NAME_BYTES_MAX + 1];
    char source_language[PACK_LANG_MAX];
    char created[PACK_VERSION_BYTES_MAX + 1]; /* the day the content was made (region.txt `created`, else its version) */
    char min_firmware[PACK_FIRMWARE_BYTES_MAX + 1]; /* the oldest kiosk software that shows this pack correctly */
    char source[PACK_SOURCE_BYTES_MAX + 1]; /* where the content comes from and under which licence, or "" */
    int schema_version;
    bool demo;
} pack_meta;

typedef struct pack_language {
    char code[PACK_LANG_MAX];
    char native_name[PACK_NATIVE_NAME_BYTES_MAX + 1];
    bool rtl;
    char script[8];  /* ISO 15924: Latn, Arab, Ethi, Cyrl */
    char digits[12]; /* latn, arab or arabext */
} pack_language;

typedef struct pack_page {
    char code[PACK_CODE_MAX];
    char parent[PACK_CODE_MAX]; /* "" for a top-level topic */
    int order;
    char icon[PACK_ICON_BYTES_MAX + 1];
    char kind[16]; /* topic, article, office, emergency, help */
    char office[PACK_OFFICE_ID_BYTES_MAX + 1]; /* kind office: the office shown on it */
} pack_page;

/* An office or partner: where it is, how to reach it, when it is open. Opening hours are
 * per weekday (0 Monday … 6 Sunday) as minute ranges. */
typedef struct pack_office {
    char id[PACK_OFFICE_ID_BYTES_MAX + 1];
    char name[PACK_OFFICE_NAME_BYTES_MAX + 1];
    char address[PACK_ADDRESS_BYTES_MAX + 1];
    char phones[PACK_PHONES_MAX][PACK_PHONE_BYTES_MAX + 1];
    int phone_count;
    char email[PACK_EMAIL_BYTES_MAX + 1];
    char web[PACK_WEB_BYTES_MAX + 1];
    char step_free[8];    /* yes, no or "" when unknown */
    char appointment[8];  /* only, also, or "" */
    char closed_until[11]; /* YYYY-MM-DD: temporarily closed until this day (inclusive), or "" */
    bool example;          /* contact details are example data, not a real office's */
    struct {
        int open, close; /* minutes after midnight */
    } slots[7][PACK_SLOTS_MAX];
    int slot_count[7];
    char holidays[PACK_HOLIDAYS_MAX][11];
    int holiday_count;
} pack_office;

/* What a visitor needs to know at a given moment. */
typedef enum pack_open_state {
    PACK_OPEN_NOW,        /* until `minute` */
    PACK_OPENS_LATER,     /* today at `minute` */
    PACK_CLOSED_TODAY,
    PACK_BY_APPOINTMENT,  /* no open hours, appointments only */
    PACK_TEMPORARILY_CLOSED,
} pack_open_state;

/* The state at weekday (0 Monday) and minute after midnight on `date` (YYYY-MM-DD, for
 * holidays and temporary closures); *minute gets the time that goes with it. */
pack_open_state pack_office_state(const pack_office *o, int weekday, int now_minute, const char *date, int *minute);

/* Room for what an office's QR code carries: the longest name, address, phones and week the
 * limits allow fit. */
#define PACK_OFFICE_QR_BYTES 1200

/* What an office's QR code carries, one function for the kiosk's office card and the printed
 * handout so the two never differ: the name, the address, "Tel. …" per phone and one line per
 * open weekday ("Mo 08:00-12:00, 14:00-16:00"), as plain text a phone's camera app shows
 * whole. Western digits and German day names as on the office's door, whatever the visitor's
 * language. `out` should have PACK_OFFICE_QR_BYTES. */
void pack_office_qr_text(const pack_office *o, char *out, size_t size);

/* An asset (a recording, a picture) by its hash: *data is malloc'ed, the caller frees it. */
bool pack_asset_get(pack *p, const char *hash, unsigned char **data, size_t *size, char *kind, size_t kind_size);

/* Reads an office by id; false when there is none. */
bool pack_office_get(pack *p, const char *id, pack_office *out);

/* One page's text in one language; strings are owned and freed by pack_text_free. */
typedef struct pack_text {
    char *title;
    char *summary;
    char *body;
    char review[16]; /* "source", "machine" or "done" */
    int source_version;
    char audio[65]; /* a read-aloud recording's asset hash, "" when there is none */
} pack_text;

/* Opens an existing pack read-only and validates it: a Wegweiser pack of the schema version
 * this firmware reads, with exactly its tables, indexes and virtual tables (nothing missing,
 * extra or defined otherwise: no triggers, no views), that passes SQLite's quick_check and has
 * the metadata, languages and pages a kiosk needs. The message says what is wrong. */
pack *pack_open(const char *path, err *e);

/* Why pack_open refused a file, for callers that answer causes differently (the update). */
typedef enum pack_refusal {
    PACK_REFUSED_NONE,
    PACK_REFUSED_UNREADABLE, /* cannot be opened */
    PACK_REFUSED_NOT_A_PACK, /* not SQLite, or another SQLite file than a Wegweiser pack */
    PACK_REFUSED_VERSION,    /* a schema version or minimum firmware this kiosk does not read */
    PACK_REFUSED_SCHEMA,     /* tables, columns, indexes, triggers or views differ from this firmware's */
    PACK_REFUSED_DAMAGED,    /* SQLite finds the file damaged */
    PACK_REFUSED_CONTENT,    /* metadata, languages or pages missing or out of bounds */
} pack_refusal;

/* pack_open for the update: `why` (may be NULL) gets the kind of refusal. `integrity_known`
 * skips SQLite's quick_check, which reads the whole file: only for a file whose bytes the
 * caller has proved to be ones that passed pack_open before (an installed pack whose record
 * still matches, docs/update.md). Everything else is checked as by pack_open. */
pack *pack_open_ex(const char *path, bool integrity_known, pack_refusal *why, err *e);
void pack_close(pack *p);

const pack_meta *pack_get_meta(const pack *p);

int pack_language_count(const pack *p);
const pack_language *pack_language_at(const pack *p, int index);
/* NULL when the pack has no such language. */
const pack_language *pack_language_find(const pack *p, const char *code);

/* The page tree is small and read at open; these never touch the disk. */
int pack_page_count(const pack *p);
/* Pages by index (0 … count-1), in tree order. */
const pack_page *pack_page_at(const pack *p, int index);
const pack_page *pack_page_find(const pack *p, const char *code);
/* Children of `parent` ("" for top-level topics) in display order; returns how many
 * there are, fills at most `max`. */
int pack_children(const pack *p, const char *parent, const pack_page **out, int max);
/* The same children without a limit: they are one run of the tree order, returned with
 * *count its length (0 and NULL for none). */
const pack_page *pack_child_run(const pack *p, const char *parent, int *count);
/* The first page of a kind ("emergency"), or NULL. */
const pack_page *pack_page_of_kind(const pack *p, const char *kind);

/* Reads a page's text in a language. Returns false (no message) when that translation does
 * not exist, false with a message on a read error. */
bool pack_text_get(pack *p, const char *page, const char *lang, pack_text *out, err *e);
void pack_text_free(pack_text *t);
/* Only the title: cheaper, for tiles and lists. Writes "" when there is none. */
bool pack_title_get(pack *p, const char *page, const char *lang, char *out, int out_size);
/* The title for the page's home-screen tile: its `tile-title` where staff gave a shorter one,
 * else its title. */
bool pack_tile_title_get(pack *p, const char *page, const char *lang, char *out, int out_size);

/* Languages a page exists in, in the pack's language order; returns how many. */
int pack_page_languages(pack *p, const char *page, const pack_language **out, int max);

/* How many pages a language has a text for, and how many of those are machine drafts. */
void pack_language_stats(pack *p, const char *lang, int *pages, int *machine);

/* The most pages a search shows; the pack holds this many, ranked, for its common prefixes. */
#define PACK_SEARCH_MAX 60

/* Full-text search in one language, as the visitor types: every word of the query must start
 * a word of the page, ranked by BM25 with title words weighing ten times body words, then by
 * page code. Fills up to `max` codes; returns how many. */
int pack_search(pack *p, const char *lang, const char *query, char codes[][PACK_CODE_MAX], int max);

/* A page found, with what a list of results shows of it: its title and summary, as offsets
 * into the text buffer given to pack_search_found. */
typedef struct pack_found {
    char page[PACK_CODE_MAX];
    int title, summary;
} pack_found;

/* pack_search (at most PACK_SEARCH_MAX pages) with each page's title and summary written into
 * `text` one after the other; the pages whose words no longer fit in text_size bytes are left
 * out. Returns how many pages `out` holds. */
int pack_search_found(pack *p, const char *lang, const char *query, pack_found *out, int max, char *text,
                      size_t text_size);

/* The form text and queries are compared in: case and accents folded, German ä/ae, ö/oe,
 * ü/ue and ß/ss alike; Arabic-script diacritics and tatweel dropped, alef, yeh, kaf, teh
 * marbuta and hamza variants joined (Arabic and Persian letters find each other), ZWNJ
 * dropped; Arabic-Indic and Persian digits as 0–9. Ethiopic stays as it is. */
void pack_normalize(const char *in, char *out, size_t size);

/* What `wegweiser-pack check` finds in content sources: errors (the pack cannot be built)
 * and warnings (it can, with gaps), each "file:line: what is wrong", and per language how
 * many pages are up to date, outdated, machine-drafted or missing. */
typedef struct pack_problem {
    bool error;
    char *text; /* one line: invisible characters are named (<U+202E>), long ones shortened */
} pack_problem;

typedef struct pack_lang_stats {
    char code[PACK_LANG_MAX];
    int pages, current, outdated, machine, missing;
} pack_lang_stats;

typedef struct pack_report {
    pack_problem *problems;
    int count, capacity, errors, warnings;
    pack_lang_stats langs[PACK_LANGUAGES_MAX];
    int lang_count;
    int top_level; /* pages on the home screen */
    bool demo;
    /* Optional: called for every text and page read, for checks beyond the pack module
     * (fonts, tile sizes, icons). */
    void (*each_text)(void *user, const char *file, const pack_page *page, const pack_language *lang,
                      const char *title, const char *tile_title, const char *body);
    void (*each_page)(void *user, const char *file, const pack_page *page);
    void *user;
} pack_report;

void pack_report_add(pack_report *r, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void pack_report_addv(pack_report *r, bool error, const char *fmt, va_list ap);
void pack_report_free(pack_report *r);

/* Reads content sources and reports every problem; true when there is no error. The
 * callbacks in `report` are kept (set them before calling). */
bool pack_check_sources(const char *src_dir, pack_report *report);

/* What pack_open leaves to be read when a page is shown, checked before a pack is installed
 * (`wegweiser-pack check PACK`, the update): every text against the limits of pack_limits.h.
 * Reports each problem as an error naming the page, language and field; true when none. */
bool pack_check_texts(pack *p, pack_report *report);

/* Prints what changes from `old` to `new`: per language the pages added (+), changed (~) and
 * removed (-), then offices. Returns the number of changes. */
int pack_diff(pack *old, pack *new, FILE *out);

/* The translation table of a built pack, per language in the pack's order; returns how many. */
int pack_translation_stats(pack *p, pack_lang_stats *out, int max);

/* Builds a pack from content sources (content/README.md). Refuses sources with errors;
 * the message names the file and line. Deterministic: same sources, same bytes. */
bool pack_build(const char *src_dir, const char *out_path, err *e);

#endif
