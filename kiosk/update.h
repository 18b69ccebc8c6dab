/* update: installs a content pack from a USB stick and opens the installed pack at start.
 * A stick is untrusted: only plain files named *.pack with a *.pack.minisig beside them are read,
 * the pack is copied to the data partition while being hashed, and only that copy is checked
 * (signature, region, version, schema, SQLite integrity) and switched in atomically, keeping
 * the previous pack as a fallback. Every file operation goes through update_io, so tests can
 * cut the power, pull the stick or fill the disk after any single one. Layouts and the order
 * of operations: docs/update.md. */
#ifndef WW_UPDATE_H
#define WW_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "pack.h"
#include "pack_limits.h"
#include "sign.h"

/* Packs larger than this are refused before a byte is read (a real one is a few MiB): the
 * largest pack there may be (content/SCHEMA.md, "Limits"). */
#define UPDATE_MAX_PACK_BYTES_DEFAULT PACK_BYTES_MAX
/* At most this many *.pack files on one stick are looked at (the first in name order, whatever
 * order the stick lists them in); the rest are ignored. */
#define UPDATE_CANDIDATES_MAX 64
/* At most this many trusted public keys are loaded from the key folder. */
#define UPDATE_KEYS_MAX 32

/* ---- the I/O layer ---- */

/* Called for every entry of a folder but "." and ".."; a non-zero return stops the listing. */
typedef int (*update_dir_fn)(void *user, const char *name);

/* Every file operation of an update and of update_open_installed. Each behaves like its POSIX
 * namesake (returns -1 and sets errno on failure); `ctx` is passed through. The POSIX one is
 * the default; tests put their own in front to inject faults and to model what a power cut
 * keeps. SQLite (pack_open) reads packs itself: it only ever sees files whose bytes were
 * hashed through this layer first. */
typedef struct update_io {
    void *ctx;
    int (*open)(void *ctx, const char *path, int flags, mode_t mode);
    int (*close)(void *ctx, int fd);
    ssize_t (*read)(void *ctx, int fd, void *buf, size_t n);
    ssize_t (*write)(void *ctx, int fd, const void *buf, size_t n);
    int (*fsync)(void *ctx, int fd);
    int (*fstat)(void *ctx, int fd, struct stat *st);
    int (*lstat)(void *ctx, const char *path, struct stat *st);
    int (*rename)(void *ctx, const char *from, const char *to);
    int (*unlink)(void *ctx, const char *path);
    int (*mkdir)(void *ctx, const char *path, mode_t mode);
    /* Makes the folder's entries (creations, renames, removals) durable. */
    int (*fsync_dir)(void *ctx, const char *path);
    /* Lists a folder; -1 with errno when it cannot be read. */
    int (*list_dir)(void *ctx, const char *path, update_dir_fn each, void *user);
    /* Opens (creating) `path` and takes an exclusive lock on it without waiting; returns a
     * descriptor that holds the lock until closed, or -1 (EWOULDBLOCK: someone else holds it). */
    int (*lock)(void *ctx, const char *path);
    time_t (*now)(void *ctx);
    /* A hint, may be NULL: start writing this range of a file to the disk now, without waiting
     * and without any promise that it is durable (only fsync promises that). */
    int (*writeback)(void *ctx, int fd, off_t offset, off_t n);
} update_io;

/* The real thing: POSIX calls, EINTR retried. */
const update_io *update_io_posix(void);

/* ---- updating ---- */

/* Why an update did not install anything. Each has its own sentence in German and English. */
typedef enum update_reason {
    UPDATE_OK = 0,      /* installed */
    UPDATE_NO_STICK,    /* the stick folder cannot be listed */
    UPDATE_NO_PACK,     /* no *.pack on the stick */
    UPDATE_SYMLINK,     /* the *.pack (or its .minisig) is a symbolic link */
    UPDATE_NOT_A_FILE,  /* a folder, FIFO or device named like a pack */
    UPDATE_TOO_LARGE,   /* above the size limit */
    UPDATE_NO_SIGNATURE,
    UPDATE_BAD_SIGNATURE, /* the .minisig is not a signature (garbage, legacy, damaged comment) */
    UPDATE_UNKNOWN_KEY, /* signed by a key this kiosk does not trust */
    UPDATE_OTHER_REGION,
    UPDATE_SCHEMA_NEWER, /* needs newer firmware */
    UPDATE_SCHEMA_OLDER, /* made by an old wegweiser-pack */
    UPDATE_OLDER,        /* older than the installed pack */
    UPDATE_SAME,         /* this version is already installed */
    UPDATE_TRUNCATED,    /* shorter (or longer) than the pack that was signed */
    UPDATE_TAMPERED,     /* does not match its signature: changed after signing or damaged */
    UPDATE_NOT_A_PACK,   /* validly signed, but not a Wegweiser SQLite pack */
    UPDATE_CORRUPT,      /* validly signed, but SQLite finds it damaged */
    UPDATE_STICK_REMOVED,
    UPDATE_STICK_ERROR, /* the stick is there but cannot be read */
    UPDATE_DISK_FULL,
    UPDATE_DISK_ERROR, /* the kiosk's own storage failed */
    UPDATE_NO_KEYS,    /* no trusted key installed: configuration */
    UPDATE_BUSY,       /* another update holds the lock */
    UPDATE_CHANGED,    /* a confirmed downgrade: the stick no longer holds the pack staff were asked about */
    UPDATE_LEGACY_SIGNATURE, /* minisign's old whole-file signature, not the prehashed one */
    UPDATE_MISMATCH, /* signed, but the trusted comment and the pack disagree (or the comment is ambiguous) */
    UPDATE_UNREADABLE,     /* this pack (or its signature) cannot be read, or changed while read; the stick can */
    UPDATE_SCHEMA_DIFFERS, /* signed, but its tables, indexes, triggers or views are not this firmware's */
    UPDATE_INVALID,        /* signed, but against the rules of a pack (WAL mode, control characters, limits) */
    UPDATE_NO_MEMORY,
    UPDATE_REASON_COUNT
} update_reason;

/* A short stable name for logs, receipts and tests: "wrong-key", "disk-full", ... */
const char *update_reason_name(update_reason r);

typedef struct update_options {
    const char *data_dir;  /* the kiosk's data directory; created if missing */
    const char *stick_dir; /* where the stick is mounted */
    const char *keys_dir;  /* folder of trusted minisign public keys (*.pub) */
    const char *region;    /* NULL: the installed pack's region (any, when nothing is installed) */
    const char *kiosk_id;  /* for the receipt; NULL: the host name */
    bool allow_downgrade;  /* staff: also an older or the same version */
    /* When the only thing against a pack is that it is older than the installed one, copy and
     * check it fully anyway (installing nothing) and offer it: update_result.downgrade_offered.
     * Staff then confirm with downgrade_hash set to the offer's hash. */
    bool offer_downgrade;
    /* A downgrade staff confirmed: only the pack whose bytes hash to this may be installed, older
     * or not; it is copied and checked again from scratch (a stick can change between reads).
     * A stick that is gone reads as UPDATE_STICK_REMOVED; other bytes as UPDATE_CHANGED. */
    const unsigned char *downgrade_hash; /* SIGN_HASH_BYTES, or NULL */
    long long max_pack_bytes; /* 0: UPDATE_MAX_PACK_BYTES_DEFAULT */
    bool no_receipt;          /* do not write to the stick */
    /* Called while copying, at least once per 1 MiB and at the end. */
    void (*progress)(void *user, long long done, long long total);
    void *progress_user;
    const update_io *io; /* NULL: update_io_posix() */
} update_options;

typedef struct update_result {
    bool installed;
    update_reason reason;
    char en[1024]; /* for the person at the kiosk: what happened, what to do */
    char de[1024];
    char detail[2048]; /* for staff and logs: file names and technical causes, one line each */
    char file[256];    /* the pack on the stick the result is about, "" when none */
    char old_name[128], old_region[64], old_version[64]; /* "" when nothing was installed */
    char new_name[128], new_region[64], new_version[64]; /* when installed */
    int pages, languages;                                 /* of the new pack */
    char receipt[512]; /* where the receipt was written, or why not */
    /* offer_downgrade: an older pack passed every check but the version. en and de then ask
     * whether to install it; the hash is what update_options.downgrade_hash pins. */
    bool downgrade_offered;
    unsigned char offer_hash[SIGN_HASH_BYTES];
    char offer_version[64];
} update_result;

/* Whether the stick of this result is a staff stick: it held a pack (installed or not) and is
 * still there. Only such a stick gets a receipt and the usage figures. */
bool update_staff_stick(const update_result *r);

/* The kiosk's name on sticks: `given` (NULL or "": the host name), letters, digits, . _ - only. */
void update_kiosk_id(const char *given, char *out, size_t size);

/* Appends `data` to <stick_dir>/<prefix><kiosk_id>.<ext> (kiosk_id NULL: the host name), with
 * the receipt's care: never through a link or into a FIFO or another file's hard link, never past
 * max_size bytes, synced. `said` gets "<what> written to PATH" or "no <what>: why". */
bool update_stick_append(const char *stick_dir, const char *prefix, const char *kiosk_id, const char *ext,
                         const char *data, size_t n, long long max_size, const char *what, char *said,
                         size_t said_size);

/* Looks for packs on the stick and installs the best one for this kiosk, or explains in `r`
 * why not. True only when a pack was installed. Never leaves a half-installed pack: on any
 * failure the pack shown before stays active (see docs/update.md). */
bool update_run(const update_options *o, update_result *r);

/* ---- at start ---- */

typedef enum update_source {
    UPDATE_SOURCE_NONE,     /* nothing could be opened */
    UPDATE_SOURCE_CURRENT,  /* the installed pack */
    UPDATE_SOURCE_PREVIOUS, /* the installed one failed; its predecessor */
    UPDATE_SOURCE_DEMO,     /* nothing installed (or nothing usable): the bundled demo pack */
} update_source;

/* Opens what the kiosk shows: the `current` pack of data_dir, else `previous`, else the pack at
 * demo_path (may be NULL). Installed packs are checked against the size and BLAKE2b hash their
 * pointer records before SQLite opens them. `what` (what_size bytes) says in one line which
 * was used and why; `e` says why the installed packs could not be used whenever the result is
 * not UPDATE_SOURCE_CURRENT (empty when none was installed), and the last failure when the
 * result is UPDATE_SOURCE_NONE. */
update_source update_open_installed(const char *data_dir, const char *demo_path, pack **out, char *what,
                                    size_t what_size, err *e);
update_source update_open_installed_io(const update_io *io, const char *data_dir, const char *demo_path, pack **out,
                                       char *what, size_t what_size, err *e);

/* For the staff overlay at start: when `source` is not the installed pack although one was
 * installed (`problem`: the `e` message of update_open_installed, why it failed), one sentence
 * in German and in English saying which pack is showing and why. False (nothing to say) on
 * the current pack and on a kiosk that never had a pack installed. */
bool update_start_notice(update_source source, const pack *shown, const char *problem, char *de, char *en,
                         size_t size);

/* One installed slot (`current` or `previous`) as update --status shows it. */
typedef struct update_slot_info {
    bool present; /* a pointer file exists */
    bool ok;      /* and its pack is there, whole */
    char file[256], name[128], region[64], version[64], installed[32];
    int pages, languages;
    char problem[512]; /* why not ok */
} update_slot_info;

/* Reads both slots (hashing their packs); false only when the data directory cannot be read. */
bool update_status(const update_io *io, const char *data_dir, update_slot_info *current, update_slot_info *previous,
                   err *e);

/* ---- noticing sticks ---- */

/* Watches the mount table for sticks mounted below `mount_root` (the board mounts them at
 * /media/wegweiser/<device>, see board/rpi/90-wegweiser-usb.rules). The mount table rather than
 * inotify on the folder: the folder appears before the stick is mounted on it, and mounting
 * changes nothing inotify sees. `mountinfo` NULL means /proc/self/mountinfo (tests pass a file). */
typedef struct update_watch update_watch;
update_watch *update_watch_open(const char *mount_root, const char *mountinfo, err *e);
/* For poll(): POLLPRI (with POLLERR) when the mount table changed. */
int update_watch_fd(const update_watch *w);
/* Reads the mount table and writes into `dir` one stick mounted since it was last seen; true when
 * there was one. Call until false after each wake-up. Sticks mounted before the first call count
 * as new, so a stick left in at start is looked at; a stick pulled and put back is new again. */
bool update_watch_next(update_watch *w, char *dir, size_t size, err *e);
void update_watch_close(update_watch *w);

/* `wegweiser update ...`: the command line (docs/update.md). argv[1] is "update". Returns the
 * exit status: 0 when a pack was installed (or, with --status, when an installed pack is
 * usable), 1 when not, 2 for a usage error. */
int update_main(int argc, char **argv);

#endif
