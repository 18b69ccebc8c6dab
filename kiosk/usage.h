/* usage: the kiosk's anonymous usage figures (docs/privacy.md), off unless kiosk.conf says
 * usage_stats=on. Keeps the app's counts per day, hour, metric, language and page in a small
 * SQLite file in the data directory (usage.sqlite), bounded in size: days older than
 * USAGE_DAYS_KEPT are summed into their month, months older than USAGE_MONTHS_KEPT into one
 * "older" row. On a staff stick it appends what was not exported yet to
 * wegweiser-usage-<kiosk>.tsv, one numbered batch per export, so the same file read twice or
 * from two sticks counts once (`wegweiser-pack stats`). */
#ifndef WW_USAGE_H
#define WW_USAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "err.h"

#define USAGE_FILE "usage.sqlite"
#define USAGE_EXPORT_PREFIX "wegweiser-usage-"
#define USAGE_DAYS_KEPT 400
#define USAGE_MONTHS_KEPT 120
/* A file on a stick this long is not appended to: years of exports of a busy kiosk. */
#define USAGE_EXPORT_MAX (8 << 20)

typedef struct usage usage;

/* Opens (or creates) data_dir/usage.sqlite. A damaged file is set aside as usage.sqlite.damaged
 * and a new one started, so the figures never stop the kiosk. */
usage *usage_open(const char *data_dir, err *e);
void usage_close(usage *u);

/* Adds the counts to the file in one transaction, then sums up days and months past the
 * limits. The counts are the caller's to empty once this returned true. */
bool usage_add(usage *u, const app_counts *counts, err *e);

/* Appends the figures not exported yet to <stick_dir>/wegweiser-usage-<kiosk_id>.tsv as one
 * batch and marks them exported once the stick has them (fsync). `said` gets one line for
 * staff: what was written where, or why not. False when nothing could be written. */
bool usage_export(usage *u, const char *stick_dir, const char *kiosk_id, char *said, size_t said_size);

/* What the file holds, summed: `metric` ("visit", "page", ...) over every day, and for one
 * language (NULL: all). For tests and `wegweiser update --status`. */
long long usage_total(usage *u, const char *metric, const char *lang);

#endif
