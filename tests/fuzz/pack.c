/* Any bytes as a pack file: pack_open refuses them or every query answers. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

FUZZ_TARGET(pack)
{
    char path[600];
    snprintf(path, sizeof path, "%s/input.pack", fuzz_fresh_dir("pack"));
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    err e;
    pack *p = pack_open(path, &e);
    if (!p)
        return;
    fuzz_query_pack(p);
    pack_close(p);
}
