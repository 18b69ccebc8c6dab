/* stats: `wegweiser-pack stats`: reads the usage files kiosks wrote to staff sticks
 * (wegweiser-usage-<kiosk>.tsv, usage.h), merges the kiosks and their batches (a batch read
 * twice, from two sticks or two copies, counts once), and writes the office's report: one
 * self-contained HTML page with charts (svg.h) that opens offline and prints, or CSV for a
 * spreadsheet. Files from sticks are untrusted: a line that is not a figure, a batch that was
 * cut off, a number out of range is left out and said with file:line, never guessed at. */
#ifndef WW_STATS_H
#define WW_STATS_H

#include <stdio.h>

#include "pack.h"

typedef struct stats stats;

stats *stats_new(void);
void stats_free(stats *s);

/* Reads a usage file, or every wegweiser-usage-*.tsv in a folder (a stick's mount point).
 * Problems go to `report` (warnings: the rest of the file still counts); false only when the
 * path cannot be read at all. */
bool stats_read(stats *s, const char *path, pack_report *report);

/* How many figures were read (rows of complete, distinct batches) and the sum of one metric
 * ("visit", "page", ...) over all of them; NULL lang: every language. */
int stats_rows(const stats *s);
long long stats_total(const stats *s, const char *metric, const char *lang);

/* The report. `names` (may be NULL) is a pack that gives languages their own names and pages
 * their titles in the pack's source language; without it codes stand for both. */
bool stats_write_html(const stats *s, pack *names, FILE *out);
/* One line a figure: kiosk,day,hour,metric,lang,page,count (hour -1: a whole month or "older"). */
bool stats_write_csv(const stats *s, FILE *out);

/* `wegweiser-pack stats STICK_OR_FILE... -o REPORT [--csv] [--pack PACK]`: exit status 0 when a
 * report was written (problems with some files are said on stderr and the rest counted). */
int stats_main(int argc, char **argv);

#endif
