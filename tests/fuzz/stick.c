/* A USB stick made from the input (its top folder: packs, signatures, receipts, anything) put
 * into a kiosk that trusts tests/fuzz/keys/fuzz.pub: the update's stick scan, its checks of
 * names, signatures and trusted comments, the install and the receipt. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "test.h"
#include "update.h"

FUZZ_TARGET(stick)
{
    static char keys[600];
    if (!keys[0]) {
        snprintf(keys, sizeof keys, "%s", fuzz_fresh_dir("stick-keys"));
        char cmd[800];
        snprintf(cmd, sizeof cmd, "cp tests/fuzz/keys/fuzz.pub '%s'/", keys);
        if (system(cmd) != 0)
            abort();
    }
    fuzz_file files[FUZZ_FILES_MAX];
    int count = fuzz_split_files(data, size, files, FUZZ_FILES_MAX);
    const char *stick = fuzz_fresh_dir("stick");
    fuzz_write_files(stick, files, count, true);
    update_options o = {.data_dir = fuzz_fresh_dir("stick-data"), .stick_dir = stick, .keys_dir = keys,
                        .kiosk_id = "fuzz", .offer_downgrade = true};
    update_result *r = malloc(sizeof *r);
    if (!r)
        abort();
    if (update_run(&o, r)) {
        /* What was installed opens, as the kiosk's next start would open it. */
        pack *p = NULL;
        char what[1200];
        err e;
        if (update_open_installed(o.data_dir, NULL, &p, what, sizeof what, &e) != UPDATE_SOURCE_CURRENT)
            abort();
        fuzz_query_pack(p);
        pack_close(p);
    }
    free(r);
}
