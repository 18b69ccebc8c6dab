/* Content sources through `check` and `build`: a source folder (region.txt, pages, offices,
 * assets) written from the input, then what the built pack answers. */
#include <stdlib.h>

#include "check.h"
#include "fuzz.h"
#include "test.h"

FUZZ_TARGET(sources)
{
    fuzz_file files[FUZZ_FILES_MAX];
    int count = fuzz_split_files(data, size, files, FUZZ_FILES_MAX);
    const char *src = fuzz_fresh_dir("sources");
    fuzz_write_files(src, files, count, false);
    pack_report report = {0};
    check_sources(src, test_fonts(), &report);
    pack_report_free(&report);
    char out[600];
    snprintf(out, sizeof out, "%s.pack", src);
    err e;
    if (!pack_build(src, out, &e))
        return;
    pack *p = pack_open(out, &e);
    if (!p)
        abort(); /* what build wrote, open must read */
    fuzz_query_pack(p);
    pack_close(p);
}
