/* The Integreat import (import_integreat) on exports written from the input: every file whose
 * name ends in .json is one language's pages export; files under out/ are what a previous import
 * left (its codes and tile titles). What the import writes must then pass `check`: an error
 * there aborts, as a crash does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fuzz.h"
#include "import.h"
#include "test.h"

FUZZ_TARGET(integreat)
{
    fuzz_file files[FUZZ_FILES_MAX];
    int count = fuzz_split_files(data, size, files, FUZZ_FILES_MAX);
    const char *in = fuzz_fresh_dir("integreat");
    fuzz_write_files(in, files, count, false);
    char paths[FUZZ_FILES_MAX][600];
    const char *exports[FUZZ_FILES_MAX];
    int n = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(files[i].name);
        /* Each export read from memory on its own, as well: the parser without the files round it. */
        err xe;
        import_export *x = import_export_read((const char *)files[i].data, files[i].size, files[i].name, &xe);
        if (x && import_export_page_count(x) < 0)
            abort();
        import_export_free(x);
        if (len > 5 && !strcmp(files[i].name + len - 5, ".json") && !strchr(files[i].name, '/')) {
            snprintf(paths[n], sizeof paths[n], "%s/%s", in, files[i].name);
            exports[n] = paths[n];
            n++;
        }
    }
    char out[700];
    snprintf(out, sizeof out, "%s/out", in);
    import_options o = {.files = exports, .file_count = n, .out_dir = out, .name = "Fuzz"};
    import_summary sum = {0};
    err e;
    bool ok = import_integreat(&o, &sum, &e);
    import_summary_free(&sum);
    if (!ok)
        return;
    /* Whatever the import writes must pass check (issue 13, defect 9): an error is a finding. */
    pack_report report = {0};
    check_sources(out, test_fonts(), &report);
    if (report.errors) {
        for (int i = 0; i < report.count; i++)
            if (report.problems[i].error)
                fprintf(stderr, "%s\n", report.problems[i].text);
        abort();
    }
    pack_report_free(&report);
}
