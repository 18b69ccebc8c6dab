/* A usage file from a stick (kiosk/stats.h) from any bytes: read, merged with itself (a batch
 * read twice counts once) and written as the report and as CSV, never trusted. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "stats.h"

FUZZ_TARGET(usage)
{
    char path[600];
    snprintf(path, sizeof path, "%s/wegweiser-usage-fuzz.tsv", fuzz_fresh_dir("usage"));
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    stats *s = stats_new();
    pack_report r = {0};
    stats_read(s, path, &r);
    long long once = stats_total(s, "visit", NULL);
    stats_read(s, path, &r);
    if (stats_total(s, "visit", NULL) != once)
        abort(); /* the same batches read again must not count twice */
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        stats_write_html(s, NULL, out);
        stats_write_csv(s, out);
        fclose(out);
    }
    pack_report_free(&r);
    stats_free(s);
    remove(path);
}
