/* Internals shared by the update module's files; not for other modules. The files, each calling
 * only those listed before it:
 *   update_util.c     names, clean text, versions, small files, recording why something failed
 *   update_slot.c     the pointers `current` and `previous`, and what a start opens
 *   update_say.c      the result in English and German, and the receipt on the stick
 *   update_stick.c    the packs on a stick, the trusted keys, the checks before copying
 *   update_install.c  copy while hashing, the checks of the copy, the switch
 *   update.c          update_run: one update from start to end
 * (update_io.c, update_cli.c and update_watch.c stand beside them.) */
#ifndef WW_UPDATE_PRIVATE_H
#define WW_UPDATE_PRIVATE_H

#include <limits.h>

#include "update.h"
#include "verify.h"

#define CURRENT "current"
#define PREVIOUS "previous"
#define STAGING "incoming.part"
#define LOCK_NAME ".update.lock"
#define TMP_SUFFIX ".tmp"
#define PACK_PREFIX "pack-"
#define PACK_EXT ".pack"
#define POINTER_MAX 4096

/* The I/O layer's functions take their context first; this keeps the calls readable. */
#define IO(io, fn, ...) ((io)->fn((io)->ctx, __VA_ARGS__))

/* ---- update_util.c ---- */

bool update_join(char *out, size_t size, const char *dir, const char *name);
bool update_ends_with_ci(const char *s, const char *suffix);
/* Text from a stick for messages, receipts, terminals and the overlay: control characters,
 * bytes that are not UTF-8 and bidi controls become '?'; cut on a character boundary. */
void update_copy_clean(char *out, size_t size, const char *in);
/* A word fit for a file name: letters, digits, '.', '_' and '-'; anything else becomes '_'. */
void update_copy_word(char *out, size_t size, const char *in);
/* Versions as people read them: runs of digits as numbers (2026-11-22 < 2026-11-22.10). */
int update_version_cmp(const char *a, const char *b);
void update_iso_time(time_t t, char *out, size_t size);

typedef enum read_status { RD_OK, RD_MISSING, RD_SYMLINK, RD_NOT_FILE, RD_TOO_LARGE, RD_IOERR } read_status;
/* A whole small file (pointer, key, signature) into buf (cap bytes plus a NUL), checked on the
 * opened descriptor; a FIFO does not block the open. */
read_status update_read_small(const update_io *io, const char *path, bool nofollow, char *buf, size_t cap, size_t *n,
                              int *errno_out);
/* Writes all of data; 0 or an errno. A write that makes no progress is a full disk. */
int update_write_all(const update_io *io, int fd, const void *data, size_t n);

/* A *.pack on the stick and what was learnt about it. */
typedef struct cand {
    char name[256];  /* as on the stick */
    char shown[256]; /* cleaned for messages */
    char path[PATH_MAX], sig_path[PATH_MAX];
    update_reason reason; /* UPDATE_OK while it is still in the running */
    bool copying;         /* it passed every check before the copy */
    int fd;               /* the pack, open only while it is copied */
    dev_t dev;            /* what the name was when first looked at */
    ino_t ino;
    long long size;
    verify_claim claim;           /* what its signature says */
    char region[64], version[64]; /* from the signature, later from the pack itself */
} cand;

/* An installed pack as its pointer records it. The hash proves the file whole; the file's
 * identity (inode, change and modification times) at install lets a start trust that proof
 * without reading the file again while the file is unchanged (docs/update.md, "At start"). */
typedef struct pointer {
    char file[200];
    long long size;
    unsigned char hash[SIGN_HASH_BYTES];
    char region[64], version[64], name[128], installed[32];
    int pages, languages;
    bool have_stat; /* `stat` and `verified` lines: the identity of the file that was verified */
    unsigned long long ino;
    long long mtime_ns, ctime_ns;
} pointer;

typedef enum slot_state { SLOT_EMPTY, SLOT_OK, SLOT_BROKEN, SLOT_IOERR } slot_state;

typedef struct slot {
    slot_state state;
    bool have_ptr; /* the pointer parsed, even if its pack is broken */
    bool trusted;  /* the file is the one verified at install: no hash was needed */
    pointer ptr;
    char raw[POINTER_MAX + 1]; /* the pointer file as it was, to put back on a rollback */
    size_t raw_len;
    char problem[400];
} slot;

typedef struct ctx {
    const update_options *o;
    const update_io *io;
    update_result *r;
    long long max_bytes;
    sign_pubkey keys[UPDATE_KEYS_MAX];
    int key_count;
    slot cur, prev;
    const slot *shown; /* what the kiosk shows now: cur if whole, else prev if whole, else NULL */
    char region[64];   /* packs must be of this region; "" accepts any */
    char data[PATH_MAX], staging[PATH_MAX];
    cand *cands;
    int cand_count;
    update_reason abort;
    cand *abort_cand;
    /* The second look at packs refused as older (offer_older): check everything, install nothing. */
    bool offering;
    char sig_text[SIGN_SIG_FILE_MAX + 1]; /* here rather than on the stack: a kiosk thread's is small */
} ctx;

/* One line of details for staff and logs, cleaned like any text from a stick. */
void update_detail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records why a candidate (or, for a reason that stops the update, the whole update) failed;
 * returns false so `return update_fail(...)` reads well. */
bool update_fail(ctx *c, cand *k, update_reason why, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* After a read from the stick failed: a stick that is gone, else a file that cannot be read
 * (that pack's problem, when `k`), else a stick that cannot be read. */
bool update_stick_fail(ctx *c, cand *k, const char *path, int en);
update_reason update_disk_reason(int en);

/* ---- update_slot.c ---- */

/* Only names the update makes ("pack-<region>-<version>-<hash>.pack"). */
bool update_pack_file_name_ok(const char *name);
int update_pointer_format(const pointer *p, char *out, size_t size);
/* Reads a pointer and proves its pack whole: by the recorded identity of the verified file
 * when it still matches (and not `deep`), else by size and hash. Never changes anything. */
slot_state update_slot_inspect(const update_io *io, const char *dir, const char *which, bool deep, slot *s);

/* ---- update_say.c ---- */

/* r->reason, r->en, r->de for why (about candidate k, may be NULL). */
void update_say(ctx *c, update_reason why, const cand *k);
void update_write_receipt(ctx *c);

/* ---- update_stick.c ---- */

bool update_load_keys(ctx *c);
bool update_scan_stick(ctx *c);
/* Everything that can be checked before a byte of the pack is read. */
bool update_probe(ctx *c, cand *k);
/* The kiosk's own rules on region and version, on the signed comment or the pack's metadata. */
bool update_policy(ctx *c, cand *k, const char *region, const char *version);
/* True on VERIFY_OK; else records the shared checks' finding as the update's reason. */
bool update_verified(ctx *c, cand *k, verify_status st, const err *e);
/* Newest first; packs whose comment does not name a version (plain minisign) last. */
int update_cmp_cands(const void *a, const void *b);

/* ---- update_install.c ---- */

/* Removes what an interrupted update left and packs no pointer names but keep1 and keep2. */
void update_collect_garbage(ctx *c, const char *keep1, const char *keep2);
/* Copies, checks and switches one candidate (or, when offering, only copies and checks it). */
bool update_install(ctx *c, cand *k);

#endif
