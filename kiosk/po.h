/* po: the translators' round trip in gettext PO files (docs/translating.md). Cuts every page's
 * texts into units (title, tile title, summary, each heading, list item and paragraph), knows
 * per unit which German it was translated from and whether a person reviewed it (the record in
 * translated-from/<lang>.txt), writes PO files with libgettextpo and writes what translators
 * changed back into the sources. Also per-language statistics and recording scripts. */
#ifndef WW_PO_H
#define WW_PO_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "pack.h"
#include "text.h"

/* Units of one language, by state; words are the German words of the units still to do
 * (machine-drafted, outdated, missing). translated = reviewed + machine. */
typedef struct po_stats {
    char code[PACK_LANG_MAX];
    int units, translated, reviewed, machine, outdated, missing;
    long words_to_do;
} po_stats;

/* Writes the PO file of `lang` for the sources in src_dir to out_path, or the template (.pot:
 * German only) when lang is NULL. `fonts` measures how long a tile title may be (NULL: the
 * comments then give the byte limit only). */
bool po_export(const char *src_dir, const char *lang, const char *out_path, text_fonts *fonts, err *e);

typedef struct po_import_result {
    int changed_units, reviewed_units, files_written, skipped; /* skipped: entries the sources no longer have */
} po_import_result;

/* Writes the translations of a PO file into the sources. Refuses (false, with file:line in e and
 * nothing written) a PO whose encoding, plural forms or placeholders are wrong. Warnings (stale
 * entries) go to `warn` when it is not NULL. An untouched export changes no byte. */
bool po_import(const char *src_dir, const char *po_path, po_import_result *result, FILE *warn, err *e);

/* Statistics for every translated language of the sources (not the source language); returns
 * their number (at most `max`), -1 with e on error. */
int po_stats_all(const char *src_dir, po_stats *out, int max, err *e);
void po_stats_print(const po_stats *stats, int count, FILE *out);

/* The pages without a recording in `lang`, with their text as a speaker reads it. */
bool po_recording_script(const char *src_dir, const char *lang, FILE *out, err *e);

/* The staff tool's verbs (wegweiser-pack po-export, po-import, recording-script): exit status. */
int po_export_main(int argc, char **argv);
int po_import_main(int argc, char **argv);
int po_script_main(int argc, char **argv);

#endif
