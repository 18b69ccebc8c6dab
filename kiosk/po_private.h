/* Internals of the po module (po.h): the sources of one language cut into units (po_units.c),
 * inline markup as PO placeholders (po_markup.c), PO files (po_file.c) and writing changed
 * units back into the sources (po_write.c). */
#ifndef WW_PO_PRIVATE_H
#define WW_PO_PRIVATE_H

#include "po.h" /* first: SDL's headers (through text.h) name parameters `src` */
#include "pack_source.h"

typedef enum po_kind { PO_TITLE, PO_TILE_TITLE, PO_SUMMARY, PO_HEADING, PO_ITEM, PO_PARAGRAPH } po_kind;
typedef enum po_state { PO_MISSING, PO_OUTDATED, PO_MACHINE, PO_REVIEWED } po_state;

/* A block of a body: a heading, a list item or a paragraph (lines up to an empty one, a
 * heading or an item), as the kiosk lays them out. start..end is its span in the body, prefix
 * ("## ", "- ") included, its last newline not; `content` is where the words start. */
typedef struct po_block {
    po_kind kind;
    size_t start, end, content;
    int line;   /* 1-based, in the body */
    char *text; /* the words with their markup, each line without trailing blanks */
} po_block;

#define PO_HASH 9 /* 8 hex digits and a NUL */

typedef struct po_unit {
    po_kind kind;
    char label[32];     /* "title", "paragraph-2": the page code and this make the msgctxt */
    const char *german; /* NULL for a unit only the translation has */
    char gh[PO_HASH];   /* hash of `german` */
    int block;          /* the translation's block (body units), -1 when none */
    const char *text;   /* the translation, NULL when missing */
    char from[PO_HASH]; /* hash of the German it was translated from, "-" when unknown */
    bool done;          /* reviewed by a person */
    po_state state;
    /* set by an import */
    char *new_text;
    bool new_done, touched;
} po_unit;

typedef struct po_page {
    src_page *page;
    src_text *de, *tr; /* tr NULL when the language has no file yet */
    char *tr_path;     /* where the translation is, or would be */
    po_block *gblocks, *tblocks;
    int gcount, tcount;
    po_unit *units;
    int unit_count;
    bool touched;
} po_page;

typedef struct po_record_line {
    char code[PACK_CODE_MAX], label[32], th[PO_HASH], gh[PO_HASH];
    bool done;
} po_record_line;

/* The sources read once and cut into units for one language. */
typedef struct po_set {
    src s;
    pack_report report;
    const pack_language *lang; /* NULL: the German units only (a template) */
    const pack_language *source;
    po_page *pages; /* in code order */
    int page_count;
    char *record_path;
    po_record_line *record;
    int record_count;
    bool record_exists;
    char *name_change; /* an import's new native name for the language */
} po_set;

/* Reads the sources in src_dir (errors refuse them) and cuts every page's texts in `lang`
 * (NULL: German only) into units with their states. */
bool po_set_read(po_set *set, const char *src_dir, const char *lang, err *e);
void po_set_free(po_set *set);

/* The blocks of a body; their count, -1 when out of memory. */
int po_split_body(const char *body, po_block **out);
void po_blocks_free(po_block *b, int n);
void po_hash(const char *text, char out[PO_HASH]);
const char *po_kind_what(po_kind k);
long po_words(const char *text);

/* Inline markup as placeholders: links `[label](target)` become `[label]{N}`, N counting the
 * German's links; braces are doubled in a unit with links (python-brace-format). `text` is
 * German or a translation of `german`; its targets are numbered after the German's, a target
 * the German has not stays as it is. *flag tells whether the unit has links. */
char *po_markup_out(const char *german, const char *text, bool *flag);
/* The markup back from a translator's text; NULL with the reason in `why` when a placeholder
 * is broken, missing, repeated or unknown, or bold marks do not pair up. */
char *po_markup_in(const char *german, const char *msgstr, char *why, size_t why_size);
/* The link targets of `text` in order; count. */
int po_markup_targets(const char *text, char targets[][PACK_LINK_BYTES_MAX + 1], int max);

/* The Plural-Forms header of a language and its number of forms (German's for a language the
 * table does not know). No unit has plural forms; editors need the header right all the same. */
const char *po_plural_forms(const char *lang, int *n);

/* Where a text file's body starts: after the first line with nothing but blanks (or len). */
size_t po_body_offset(const char *raw, size_t len, size_t *header_end);

/* Writes every touched page and the record of the set's language; counts files written. */
bool po_write(po_set *set, int *files_written, err *e);

#endif
