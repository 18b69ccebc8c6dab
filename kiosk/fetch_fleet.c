/* fetch_fleet: `wegweiser-pack fleet DIR`, the reports kiosks PUT into a WebDAV folder
 * (report_url=, docs/fleet.md) as one table: which kiosk shows which version, when it last
 * checked, and what went wrong. The reports come from the network, so each is read bounded and
 * printed cleaned. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "update_private.h"

#define FLEET_MAX 1000

typedef struct row {
    char kiosk[64], checked[32], result[32], region[64], version[64], expires[32], message[200];
} row;

static void field(const char *text, const char *key, char *out, size_t size)
{
    size_t k = strlen(key);
    char raw[1024] = "";
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, key, k) && p[k] == ' ') {
            size_t len = strcspn(p + k + 1, "\n");
            snprintf(raw, sizeof raw, "%.*s", (int)(len < sizeof raw ? len : sizeof raw - 1), p + k + 1);
            break;
        }
    update_copy_clean(out, size, raw[0] ? raw : "-");
}

static int by_kiosk(const void *a, const void *b) { return strcmp(((const row *)a)->kiosk, ((const row *)b)->kiosk); }

int fetch_fleet_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack fleet DIR\n"
        "Prints one line per kiosk from the status reports kiosks with report_url= write into a\n"
        "WebDAV folder (KIOSK.txt; DIR is that folder, e.g. mounted or synced): the version each\n"
        "shows, when it last asked the update server, the result, and when its index expires.\n"
        "A kiosk whose last check is more than two days old is marked 'silent'.\n";
    if (argc != 3 || argv[2][0] == '-') {
        fputs(help, argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) ? stdout : stderr);
        return argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) ? 0 : 2;
    }
    DIR *d = opendir(argv[2]);
    if (!d) {
        fprintf(stderr, "wegweiser-pack fleet: cannot read %s\n", argv[2]);
        return 1;
    }
    row *rows = calloc(FLEET_MAX, sizeof *rows);
    if (!rows) {
        closedir(d);
        return 1;
    }
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < FLEET_MAX) {
        char path[4200], text[4096];
        size_t len;
        int en;
        if (de->d_name[0] == '.' || !update_ends_with_ci(de->d_name, ".txt") ||
            snprintf(path, sizeof path, "%s/%s", argv[2], de->d_name) >= (int)sizeof path ||
            update_read_small(update_io_posix(), path, true, text, sizeof text - 2, &len, &en) != RD_OK)
            continue;
        text[len] = 0;
        if (!strstr(text, "\nkiosk "))
            continue;
        row *r = &rows[n++];
        field(text, "kiosk", r->kiosk, sizeof r->kiosk);
        field(text, "checked", r->checked, sizeof r->checked);
        field(text, "result", r->result, sizeof r->result);
        field(text, "region", r->region, sizeof r->region);
        field(text, "version", r->version, sizeof r->version);
        field(text, "index_expires", r->expires, sizeof r->expires);
        field(text, "message", r->message, sizeof r->message);
    }
    closedir(d);
    qsort(rows, (size_t)n, sizeof *rows, by_kiosk);
    char stale[32];
    update_iso_time(time(NULL) - 2 * 86400, stale, sizeof stale);
    printf("%-20s %-16s %-12s %-20s %-14s %-20s %s\n", "kiosk", "region", "version", "last check", "result",
           "index expires", "message");
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        /* ISO times in UTC compare as text. */
        bool silent = strcmp(r->checked, stale) < 0;
        printf("%-20s %-16s %-12s %-20s %-14s %-20s %s\n", r->kiosk, r->region, r->version, r->checked,
               silent ? "silent" : r->result, r->expires, r->message);
    }
    printf("%d kiosk%s\n", n, n == 1 ? "" : "s");
    free(rows);
    return 0;
}
