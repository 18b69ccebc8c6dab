/* `wegweiser update`: the command line over update_run and update_status. It does exactly what
 * the running kiosk does when a stick arrives, so staff and tests can try a stick on a PC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "update.h"

static const char USAGE[] =
    "usage: wegweiser update --data-dir DIR --from STICKDIR --trusted-keys KEYDIR [options]\n"
    "       wegweiser update --status --data-dir DIR [--demo FILE]\n"
    "Installs the newest content pack for this kiosk from a stick: a file NAME.pack with its\n"
    "signature NAME.pack.minisig in the stick's top folder (docs/update.md). Prints the result in\n"
    "English and German; exit status 0 only when a pack was installed.\n"
    "  --data-dir DIR       the kiosk's data directory (installed packs, created if missing)\n"
    "  --from STICKDIR      where the stick is mounted\n"
    "  --trusted-keys DIR   folder of minisign public keys (*.pub) whose signatures are accepted\n"
    "  --region NAME        accept only packs of this region (default: the installed pack's)\n"
    "  --allow-downgrade    also install an older version, or the installed one again\n"
    "  --max-size MIB       refuse larger packs without reading them (default 512)\n"
    "  --kiosk-id ID        name of this kiosk in the receipt on the stick (default: host name)\n"
    "  --no-receipt         do not write a receipt onto the stick\n"
    "  --status             print what is installed and what the kiosk would show at start\n"
    "  --demo FILE          the bundled demo pack, for --status (default: found beside the program)\n";

static void print_slot(const char *label, const update_slot_info *s)
{
    if (!s->present) {
        printf("%s none\n", label);
        return;
    }
    if (s->file[0])
        printf("%s %s: region %s, version %s, %d pages, %d languages, installed %s (%s): %s\n", label, s->name,
               s->region, s->version, s->pages, s->languages, s->installed[0] ? s->installed : "?", s->file,
               s->ok ? "ok" : "BROKEN");
    else
        printf("%s BROKEN\n", label);
    if (!s->ok)
        printf("  %s\n", s->problem);
}

static int status(const char *data_dir, const char *demo)
{
    update_slot_info cur, prev;
    err e = {""};
    if (!update_status(NULL, data_dir, &cur, &prev, &e)) {
        fprintf(stderr, "wegweiser update: %s\n", e.msg);
        return 1;
    }
    char demo_path[1024], what[1200];
    if (!demo) {
        paths_demo_pack(demo_path, sizeof demo_path);
        demo = demo_path;
    }
    printf("data directory: %s\n", data_dir);
    print_slot("current: ", &cur);
    print_slot("previous:", &prev);
    pack *p = NULL;
    update_source src = update_open_installed(data_dir, demo, &p, what, sizeof what, &e);
    pack_close(p);
    printf("at start: %s\n", what);
    return src == UPDATE_SOURCE_CURRENT || src == UPDATE_SOURCE_PREVIOUS ? 0 : 1;
}

int update_main(int argc, char **argv)
{
    update_options o = {0};
    bool want_status = false;
    const char *demo = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if (!strcmp(a, "--status")) {
            want_status = true;
        } else if (!strcmp(a, "--allow-downgrade")) {
            o.allow_downgrade = true;
        } else if (!strcmp(a, "--no-receipt")) {
            o.no_receipt = true;
        } else if (next && !strcmp(a, "--data-dir")) {
            o.data_dir = argv[++i];
        } else if (next && !strcmp(a, "--from")) {
            o.stick_dir = argv[++i];
        } else if (next && !strcmp(a, "--trusted-keys")) {
            o.keys_dir = argv[++i];
        } else if (next && !strcmp(a, "--region")) {
            o.region = argv[++i];
        } else if (next && !strcmp(a, "--kiosk-id")) {
            o.kiosk_id = argv[++i];
        } else if (next && !strcmp(a, "--demo")) {
            demo = argv[++i];
        } else if (next && !strcmp(a, "--max-size")) {
            char *end;
            long long m = strtoll(argv[++i], &end, 10);
            if (*end || m < 1 || m > (1LL << 22)) {
                fprintf(stderr, "wegweiser update: --max-size wants MiB, 1 or more, not '%s'\n", argv[i]);
                return 2;
            }
            o.max_pack_bytes = m << 20;
        } else {
            fprintf(stderr, "wegweiser update: unknown or incomplete option '%s'\n%s", a, USAGE);
            return 2;
        }
    }
    if (!o.data_dir) {
        fprintf(stderr, "wegweiser update: --data-dir is needed\n%s", USAGE);
        return 2;
    }
    if (want_status)
        return status(o.data_dir, demo);
    if (!o.stick_dir || !o.keys_dir) {
        fprintf(stderr, "wegweiser update: --from and --trusted-keys are needed\n%s", USAGE);
        return 2;
    }
    update_result *r = malloc(sizeof *r);
    if (!r) {
        fprintf(stderr, "wegweiser update: out of memory\n");
        return 1;
    }
    bool ok = update_run(&o, r);
    printf("%s\n%s\nresult: %s\n", r->en, r->de, update_reason_name(r->reason));
    if (r->detail[0]) {
        printf("details:\n");
        for (char *line = strtok(r->detail, "\n"); line; line = strtok(NULL, "\n"))
            printf("  %s\n", line);
    }
    printf("%s\n", r->receipt);
    free(r);
    return ok ? 0 : 1;
}
