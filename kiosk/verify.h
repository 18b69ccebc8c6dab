/* verify: the checks a signed content pack must pass before a kiosk uses it, in one place:
 * `wegweiser update` runs them on the copy it makes from a stick, `wegweiser-pack verify` on a
 * file on a PC, so a pack that verifies on a PC installs on a kiosk and the other way round.
 * Only what depends on the kiosk stays with the update: which keys it trusts, the region it
 * shows, the version it has installed and its size limit. The checks and their order are in
 * docs/update.md ("Trust"). */
#ifndef WW_VERIFY_H
#define WW_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "pack.h"
#include "sign.h"

/* SQLite's file header: magic, page size, format, user_version (the schema), application_id. */
#define VERIFY_HEADER_BYTES 100

typedef enum verify_status {
    VERIFY_OK = 0,
    VERIFY_BAD_SIGNATURE,    /* the .minisig is empty, not a signature, or its trusted comment was changed */
    VERIFY_LEGACY_SIGNATURE, /* minisign's old whole-file kind */
    VERIFY_UNKNOWN_KEY,      /* signed by none of the keys given */
    VERIFY_MISMATCH,         /* the signed comment is ambiguous or describes another pack */
    VERIFY_SCHEMA_NEWER,     /* needs newer kiosk software */
    VERIFY_SCHEMA_OLDER,     /* made by an old wegweiser-pack */
    VERIFY_TRUNCATED,        /* another size than the signed pack */
    VERIFY_TAMPERED,         /* its bytes do not match the signature */
    VERIFY_NOT_A_PACK,       /* signed, but not a Wegweiser SQLite pack */
    VERIFY_SCHEMA_DIFFERS,   /* signed, but its tables are not the ones this kiosk reads */
    VERIFY_CORRUPT,          /* signed, but SQLite finds it damaged */
    VERIFY_INVALID,          /* signed, but against a pack's rules (WAL mode, control characters, limits) */
    VERIFY_UNREADABLE,       /* the file to check cannot be opened */
} verify_status;

/* What a signature says about its pack. The fields come from a trusted comment that
 * `wegweiser-pack sign` wrote ("wegweiser region=R version=V schema=S size=N"); a comment
 * that names none of them (plain `minisign -S`) leaves `fields` false, and the pack's own
 * metadata is all there is. */
typedef struct verify_claim {
    sign_signature sig;
    int key;           /* which of the keys given signed it */
    char key_id[17];   /* the signing key's id, as minisign shows it */
    bool fields;
    char region[64], version[64];
    int schema;        /* -1: not said */
    long long size;    /* -1: not said */
} verify_claim;

/* Before a byte of the pack is read: the signature file's text (n bytes) must be one
 * prehashed minisign signature by one of `keys` whose trusted comment is unchanged and, when
 * it names a pack, names one this firmware reads, of `size` bytes. Fills `out`. */
verify_status verify_signature(const char *text, size_t n, const sign_pubkey *keys, int key_count, long long size,
                               verify_claim *out, err *e);

/* After the pack was hashed: `hash` of its `size` bytes, the first VERIFY_HEADER_BYTES of which
 * are `header`, must be what the signature signed; the file at `path` (the same bytes, in a
 * place the caller controls) must then pass pack_open — the whole schema and SQLite's
 * quick_check —, hold the region and version the signature names, and every text must be
 * within the limits of pack_limits.h (pack_check_texts). On VERIFY_OK *out is the opened pack,
 * for the caller to close. */
verify_status verify_pack(const verify_claim *claim, const sign_pubkey *key, const unsigned char hash[SIGN_HASH_BYTES],
                          const unsigned char header[VERIFY_HEADER_BYTES], long long size, const char *path, pack **out,
                          err *e);

#endif
