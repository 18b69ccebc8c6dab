/* publish: puts a signed content pack where any static web server can serve it to kiosks
 * (docs/fleet.md): the pack under a name of its own version, its .minisig, and a small signed
 * index.json saying which pack is the newest, how large it is, its hash and until when the
 * index may be believed. The kiosk side is fetch.h. */
#ifndef WW_PUBLISH_H
#define WW_PUBLISH_H

#include <stdbool.h>
#include <time.h>

#include "err.h"
#include "sign.h"

#define PUBLISH_INDEX "index.json"
#define PUBLISH_INDEX_FORMAT "wegweiser-index-1"
#define PUBLISH_EXPIRES_DAYS_DEFAULT 30
#define PUBLISH_EXPIRES_DAYS_MAX 3660
/* Kiosks refuse a larger index; a real one is about 500 bytes. */
#define PUBLISH_INDEX_MAX 16384

typedef struct publish_result {
    char pack_path[4096];  /* DIR/<region>-<version>.pack */
    char index_path[4096]; /* DIR/index.json */
    char file[256];        /* the pack's name in DIR */
    char region[64], version[64];
    long long size;
    char expires[32]; /* ISO 8601 UTC */
} publish_result;

/* Copies the pack (checked by pack_open) into out_dir (created if missing) as
 * <region>-<version>.pack, signs it as `wegweiser-pack sign` does, then writes index.json and
 * index.json.minisig, both signed with `sk`; the index expires `expires_days` after `now`.
 * Every file appears whole or not at all; the index comes last, so a kiosk that reads a new
 * index finds its pack already there. */
bool publish_pack(const char *pack_path, const sign_seckey *sk, const char *out_dir, int expires_days, time_t now,
                  publish_result *out, err *e);

/* What a signed index says, as the kiosk reads it (fetch.c) and tests check it. */
typedef struct publish_index {
    char region[64], name[128], version[64], file[256];
    long long size;
    int schema;
    unsigned char blake2b[SIGN_HASH_BYTES];
    char published[32], expires[32];
    time_t expires_at;
} publish_index;

/* Parses index.json text (n bytes; not trusted: its signature is checked apart). Refuses
 * anything malformed, a file name that is not a plain *.pack name, or a size outside 1..max. */
bool publish_index_parse(const char *text, size_t n, publish_index *out, err *e);

#endif
