/* fetch: a kiosk gets signed content packs from a web server folder that `wegweiser-pack
 * publish` filled (docs/fleet.md). It reads the signed index (conditional GET: an unchanged
 * index costs no download), checks its signature, expiry and region, downloads a newer pack
 * into the data directory (resuming with HTTP ranges, never past the size the index names)
 * and then installs it with exactly the code a USB stick goes through (update_run). Outbound
 * only, https unless http is allowed explicitly; the signatures carry the trust either way. */
#ifndef WW_FETCH_H
#define WW_FETCH_H

#include <stdbool.h>
#include <time.h>

#include "update.h"

/* Inside the data directory: the last verified index, the state, partial downloads. */
#define FETCH_DIR "download"

typedef enum fetch_status {
    FETCH_INSTALLED = 0,  /* a newer pack was downloaded and installed */
    FETCH_UNCHANGED,      /* the index is unchanged since the last poll (304) and names nothing newer */
    FETCH_UP_TO_DATE,     /* the index names the installed version (or an older one) */
    FETCH_EXPIRED,        /* the signed index is past its expiry date: a stale mirror, or nobody published */
    FETCH_BAD_INDEX,      /* the index or its signature is missing, damaged, or not what was signed */
    FETCH_UNKNOWN_KEY,    /* the index is signed by a key this kiosk does not trust */
    FETCH_OTHER_REGION,   /* the index is for another region */
    FETCH_NETWORK,        /* the server cannot be reached, answers with an error, or too slowly */
    FETCH_BAD_DOWNLOAD,   /* the server sent more than the index says, or other bytes than it signed */
    FETCH_NOT_INSTALLED,  /* downloaded, but the update refused it (update_result says why) */
    FETCH_CONFIG,         /* the URL, the scheme, the keys or the data directory are wrong */
    FETCH_BUSY,           /* another fetch runs on this data directory */
    FETCH_STATUS_COUNT
} fetch_status;

/* "installed", "unchanged", "expired", ...: for logs, the state file and tests. */
const char *fetch_status_name(fetch_status s);

typedef struct fetch_options {
    const char *url;      /* the published folder: https://host/dir/ (a missing final / is added) */
    const char *data_dir; /* the kiosk's data directory */
    const char *keys_dir; /* trusted minisign public keys (*.pub): the index and the pack */
    const char *region;   /* NULL: the installed pack's (any, when none is installed) */
    const char *ca_file;  /* NULL: the system's CAs; else only this file's (a county's own CA) */
    const char *kiosk_id;
    bool allow_http;      /* also http:// (never file:// or other schemes) */
    bool allow_downgrade;
    long long max_pack_bytes; /* 0: UPDATE_MAX_PACK_BYTES_DEFAULT */
    long connect_timeout_s;   /* 0: 20 */
    long total_timeout_s;     /* bound on one transfer, 0: 3600 */
    long low_speed_s;         /* cut off a transfer below 1 KiB/s for this long, 0: 60 */
    /* Optional fleet view: after the poll, PUT this kiosk's status as <kiosk id>.txt into this
     * WebDAV folder (docs/fleet.md); NULL: no report. The same scheme rules as url. */
    const char *report_url;
} fetch_options;

typedef struct fetch_result {
    fetch_status status;
    bool retry;            /* a passing problem: try again sooner (with back-off) */
    char en[1024], de[1024]; /* for staff: what happened, what to do */
    long long downloaded;  /* body bytes received in this run (index, signatures, pack) */
    char index_version[64], index_expires[32];
    update_result update; /* when an install was tried (FETCH_INSTALLED, FETCH_NOT_INSTALLED) */
    char report[600];     /* where the status report went, or why not ("" without report_url) */
} fetch_result;

/* One poll: index, then, when it names a newer pack for this kiosk, the download and the
 * install. Records the outcome in DATA/download/state (fetch_state_read). True only when a pack
 * was installed. Never leaves a half-installed pack (update_run's guarantees). */
bool fetch_run(const fetch_options *o, fetch_result *r);

/* What the last poll found, for `wegweiser update --status` and the staff overlay. */
typedef struct fetch_state {
    bool present;
    char checked[32], result[32], message[1024];
    char index_version[64], index_expires[32];
    time_t expires_at; /* 0: unknown */
} fetch_state;
bool fetch_state_read(const char *data_dir, fetch_state *s);
/* One line in German and English when the last index read has expired (or the last poll found
 * an expired one), for the staff overlay; false when there is nothing to say. */
bool fetch_expired_notice(const fetch_state *s, time_t now, char *de, char *en, size_t size);

/* `wegweiser-pack fleet DIR`: the reports kiosks PUT into a WebDAV folder, as one table. */
int fetch_fleet_main(int argc, char **argv);

#endif
