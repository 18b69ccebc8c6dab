/* `wegweiser update`: the command line over update_run and update_status. It does exactly what
 * the running kiosk does when a stick arrives, so staff and tests can try a stick on a PC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
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
    "  --from https://HOST/DIR/\n"
    "                       a folder 'wegweiser-pack publish' filled, on any web server: the signed\n"
    "                       index, then a newer pack, downloaded and installed as from a stick\n"
    "                       (docs/fleet.md)\n"
    "  --ca FILE            trust only this CA (PEM) for https, e.g. a county's own\n"
    "  --allow-http         also http:// (the signatures still decide; never file://)\n"
    "  --report-url URL     then PUT this kiosk's status as KIOSK-ID.txt into this WebDAV folder\n"
    "  --timeout SECONDS    bound on each download (default 3600); below 1 KiB/s for 60 s cuts off\n"
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
    fetch_state fs;
    if (fetch_state_read(data_dir, &fs)) {
        char de[512], en[512];
        printf("network: last check %s: %s; index version %s, expires %s\n  %s\n", fs.checked, fs.result,
               fs.index_version[0] ? fs.index_version : "?", fs.index_expires[0] ? fs.index_expires : "?", fs.message);
        if (fetch_expired_notice(&fs, time(NULL), de, en, sizeof en))
            printf("  EXPIRED: %s\n", en);
    }
    pack *p = NULL;
    update_source src = update_open_installed(data_dir, demo, &p, what, sizeof what, &e);
    pack_close(p);
    printf("at start: %s\n", what);
    return src == UPDATE_SOURCE_CURRENT || src == UPDATE_SOURCE_PREVIOUS ? 0 : 1;
}

static void print_details(char *detail)
{
    if (!detail[0])
        return;
    printf("details:\n");
    for (char *line = strtok(detail, "\n"); line; line = strtok(NULL, "\n"))
        printf("  %s\n", line);
}

/* --from URL: the same install, after the download (fetch.h). */
static int fetch_main(const update_options *u, bool allow_http, const char *ca, long timeout, const char *report_url)
{
    fetch_options o = {.url = u->stick_dir, .data_dir = u->data_dir, .keys_dir = u->keys_dir, .region = u->region,
                       .ca_file = ca, .kiosk_id = u->kiosk_id, .allow_http = allow_http,
                       .allow_downgrade = u->allow_downgrade, .max_pack_bytes = u->max_pack_bytes,
                       .total_timeout_s = timeout, .low_speed_s = timeout && timeout < 60 ? timeout : 0,
                       .report_url = report_url};
    fetch_result *r = malloc(sizeof *r);
    if (!r) {
        fprintf(stderr, "wegweiser update: out of memory\n");
        return 1;
    }
    bool ok = fetch_run(&o, r);
    printf("%s\n%s\nresult: %s\ndownloaded: %lld bytes\n", r->en, r->de, fetch_status_name(r->status), r->downloaded);
    if (r->status == FETCH_INSTALLED || r->status == FETCH_NOT_INSTALLED) {
        printf("update: %s\n", update_reason_name(r->update.reason));
        print_details(r->update.detail);
    }
    if (r->report[0])
        printf("%s\n", r->report);
    free(r);
    return ok ? 0 : 1;
}

int update_main(int argc, char **argv)
{
    update_options o = {0};
    bool want_status = false, allow_http = false;
    const char *ca = NULL, *report_url = NULL;
    long timeout = 0;
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
        } else if (!strcmp(a, "--allow-http")) {
            allow_http = true;
        } else if (next && !strcmp(a, "--report-url")) {
            report_url = argv[++i];
        } else if (next && !strcmp(a, "--ca")) {
            ca = argv[++i];
        } else if (next && !strcmp(a, "--timeout")) {
            char *end;
            timeout = strtol(argv[++i], &end, 10);
            if (*end || timeout < 1) {
                fprintf(stderr, "wegweiser update: --timeout wants seconds, 1 or more, not '%s'\n", argv[i]);
                return 2;
            }
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
    if (strstr(o.stick_dir, "://"))
        return fetch_main(&o, allow_http, ca, timeout, report_url);
    update_result *r = malloc(sizeof *r);
    if (!r) {
        fprintf(stderr, "wegweiser update: out of memory\n");
        return 1;
    }
    bool ok = update_run(&o, r);
    printf("%s\n%s\nresult: %s\n", r->en, r->de, update_reason_name(r->reason));
    print_details(r->detail);
    printf("%s\n", r->receipt);
    free(r);
    return ok ? 0 : 1;
}
