/* update: stick → staging copy (hashed on the way) → checks → atomic switch → receipt, and the
 * start-up side that opens what was installed. The order of operations and why each step is
 * safe to interrupt is in docs/update.md; the comments here say why a step looks the way it does. */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sign.h"
#include "utf8.h"

#define CURRENT "current"
#define PREVIOUS "previous"
#define STAGING "incoming.part"
#define LOCK_NAME ".update.lock"
#define TMP_SUFFIX ".tmp"
#define PACK_PREFIX "pack-"
#define PACK_EXT ".pack"
#define RECEIPT_PREFIX "wegweiser-receipt-"
#define POINTER_MAX 4096
#define CHUNK (64 * 1024)
#define HEADER_BYTES 100
#define STICK_NAMES_MAX 256 /* names of the data directory looked at when tidying it */
#define RECEIPT_MAX (256 * 1024) /* a receipt this long is not appended to: years of updates */

/* The I/O layer's functions take their context first; this keeps the calls readable. */
#define IO(io, fn, ...) ((io)->fn((io)->ctx, __VA_ARGS__))

/* ---- small helpers ---- */

static bool join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcasecmp(s + n - k, suffix);
}

/* Names and texts from a stick end up in messages, receipts, terminals and the staff overlay's
 * text engine: control characters (a newline, an ANSI escape), bytes that are not UTF-8 and the
 * bidi controls that could make a name read as something else on screen all become '?', so a
 * hostile file name cannot forge a line or a message. Cut on a character boundary. */
static void copy_clean(char *out, size_t size, const char *in)
{
    size_t o = 0;
    while (*in) {
        uint32_t cp = utf8_next(&in);
        char enc[4];
        int n = utf8_put(cp, enc);
        bool bad = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xFFFD || (cp >= 0x202A && cp <= 0x202E) ||
                   (cp >= 0x2066 && cp <= 0x2069);
        if (bad)
            enc[0] = '?', n = 1;
        if (o + (size_t)n + 1 > size)
            break;
        memcpy(out + o, enc, (size_t)n);
        o += (size_t)n;
    }
    out[o] = 0;
}

/* A word fit for a file name: letters, digits, '.', '_' and '-'; anything else becomes '_'. */
static void copy_word(char *out, size_t size, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++) {
        char ch = in[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                  ch == '_' || ch == '-';
        out[i] = ok ? ch : '_';
    }
    out[i] = 0;
}

static bool digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Versions are compared as people read them: runs of digits as numbers, the rest as text, so
 * 2026-11-22 < 2026-11-22.2 < 2026-12-01 and 9 < 10 (content/README.md). */
static int version_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (digit(*a) && digit(*b)) {
            while (*a == '0' && digit(a[1]))
                a++;
            while (*b == '0' && digit(b[1]))
                b++;
            size_t na = 0, nb = 0;
            while (digit(a[na]))
                na++;
            while (digit(b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c)
                return c < 0 ? -1 : 1;
            a += na, b += nb;
        } else if (*a != *b) {
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        } else {
            a++, b++;
        }
    }
    return (*a != 0) - (*b != 0);
}

static void iso_time(time_t t, char *out, size_t size)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%lld", (long long)t);
}

/* ---- files through the I/O layer ---- */

typedef enum read_status { RD_OK, RD_MISSING, RD_SYMLINK, RD_NOT_FILE, RD_TOO_LARGE, RD_IOERR } read_status;

/* Reads a whole small file (pointer, key, signature) into buf (cap bytes plus a NUL). O_NONBLOCK
 * keeps a FIFO planted on a stick from hanging the open; the type is checked on the opened
 * descriptor, so nothing can be swapped in between a check and the read. */
static read_status read_small(const update_io *io, const char *path, bool nofollow, char *buf, size_t cap, size_t *n,
                              int *errno_out)
{
    *n = 0;
    *errno_out = 0;
    int fd = IO(io, open, path, O_RDONLY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0), 0);
    if (fd < 0) {
        *errno_out = errno;
        return errno == ENOENT ? RD_MISSING : errno == ELOOP ? RD_SYMLINK : RD_IOERR;
    }
    struct stat st;
    read_status rs = RD_OK;
    if (IO(io, fstat, fd, &st) != 0)
        *errno_out = errno, rs = RD_IOERR;
    else if (!S_ISREG(st.st_mode))
        rs = RD_NOT_FILE;
    else if (st.st_size > (off_t)cap)
        rs = RD_TOO_LARGE;
    while (rs == RD_OK) {
        ssize_t got = IO(io, read, fd, buf + *n, cap + 1 - *n); /* one byte more than allowed: growth shows */
        if (got < 0)
            *errno_out = errno, rs = RD_IOERR;
        else if (got == 0)
            break;
        else if ((*n += (size_t)got) > cap)
            rs = RD_TOO_LARGE;
    }
    IO(io, close, fd);
    if (rs == RD_OK)
        buf[*n] = 0;
    return rs;
}

/* Writes all of data; 0 or an errno. A write that makes no progress is a full disk. */
static int write_all(const update_io *io, int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = IO(io, write, fd, p, n);
        if (w < 0)
            return errno ? errno : EIO;
        if (w == 0)
            return ENOSPC;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* BLAKE2b-512 of an open file from its start; 0 or an errno. */
static int hash_fd(const update_io *io, int fd, unsigned char hash[SIGN_HASH_BYTES], long long *size)
{
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        return ENOMEM;
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, SIGN_HASH_BYTES);
    long long total = 0;
    int rc = 0;
    for (;;) {
        ssize_t got = IO(io, read, fd, buf, CHUNK);
        if (got < 0) {
            rc = errno ? errno : EIO;
            break;
        }
        if (got == 0)
            break;
        crypto_generichash_update(&st, buf, (size_t)got);
        total += got;
    }
    free(buf);
    crypto_generichash_final(&st, hash, SIGN_HASH_BYTES);
    *size = total;
    return rc;
}

/* ---- pointers: `current` and `previous` ---- */

/* What a pointer file records about an installed pack. The hash lets the kiosk prove at start
 * that the file is whole, byte for byte, before SQLite reads a page of it. */
typedef struct pointer {
    char file[200];
    long long size;
    unsigned char hash[SIGN_HASH_BYTES];
    char region[64], version[64], name[128], installed[32];
    int pages, languages;
} pointer;

/* Only names the update itself makes ("pack-<region>-<version>-<hash>.pack", no '/'), so a
 * damaged or edited pointer can never lead the kiosk outside its data directory. */
static bool pack_file_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof((pointer *)0)->file || strncmp(name, PACK_PREFIX, strlen(PACK_PREFIX)) ||
        !ends_with_ci(name, PACK_EXT))
        return false;
    char clean[256];
    copy_word(clean, sizeof clean, name);
    return !strcmp(clean, name);
}

static bool field(char *out, size_t size, const char *value)
{
    if (strlen(value) >= size)
        return false;
    snprintf(out, size, "%s", value);
    return true;
}

static bool pointer_parse(char *text, pointer *p, char *why, size_t why_size)
{
    memset(p, 0, sizeof *p);
    p->size = -1;
    bool have_hash = false;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = 0;
        if (!len || line[0] == '#')
            continue;
        char *value = strchr(line, ' ');
        if (!value) {
            snprintf(why, why_size, "line '%.40s' has no value", line);
            return false;
        }
        *value++ = 0;
        bool ok = true;
        if (!strcmp(line, "file"))
            ok = field(p->file, sizeof p->file, value) && pack_file_name_ok(p->file);
        else if (!strcmp(line, "size")) {
            char *end;
            p->size = strtoll(value, &end, 10);
            ok = *end == 0 && p->size >= 0;
        } else if (!strcmp(line, "blake2b"))
            ok = have_hash = strlen(value) == 2 * SIGN_HASH_BYTES &&
                             sodium_hex2bin(p->hash, sizeof p->hash, value, strlen(value), NULL, NULL, NULL) == 0;
        else if (!strcmp(line, "region"))
            ok = field(p->region, sizeof p->region, value);
        else if (!strcmp(line, "version"))
            ok = field(p->version, sizeof p->version, value);
        else if (!strcmp(line, "name"))
            ok = field(p->name, sizeof p->name, value);
        else if (!strcmp(line, "installed"))
            ok = field(p->installed, sizeof p->installed, value);
        else if (!strcmp(line, "pages"))
            p->pages = atoi(value);
        else if (!strcmp(line, "languages"))
            p->languages = atoi(value);
        /* Unknown keys are skipped: a later firmware may add some, and a rollback to this one
         * must still read its pointers. */
        if (!ok) {
            snprintf(why, why_size, "its '%s' line is invalid", line);
            return false;
        }
    }
    if (!p->file[0] || p->size < 0 || !have_hash || !p->region[0] || !p->version[0]) {
        snprintf(why, why_size, "it lacks the file, size, blake2b, region or version line");
        return false;
    }
    return true;
}

static int pointer_format(const pointer *p, char *out, size_t size)
{
    char hex[2 * SIGN_HASH_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, p->hash, sizeof p->hash);
    return snprintf(out, size,
                    "# wegweiser: an installed content pack (docs/update.md); written by the update, do not edit\n"
                    "file %s\nsize %lld\nblake2b %s\nregion %s\nversion %s\nname %s\npages %d\nlanguages %d\n"
                    "installed %s\n",
                    p->file, p->size, hex, p->region, p->version, p->name, p->pages, p->languages, p->installed);
}

typedef enum slot_state { SLOT_EMPTY, SLOT_OK, SLOT_BROKEN, SLOT_IOERR } slot_state;

typedef struct slot {
    slot_state state;
    bool have_ptr; /* the pointer parsed, even if its pack is broken */
    pointer ptr;
    char raw[POINTER_MAX + 1]; /* the pointer file as it was, to put back on a rollback */
    size_t raw_len;
    char problem[400];
} slot;

/* Reads a pointer and proves its pack whole (size and hash). Never changes anything. */
static slot_state slot_inspect(const update_io *io, const char *dir, const char *which, slot *s)
{
    memset(s, 0, sizeof *s);
    char path[PATH_MAX], pack_path[PATH_MAX], copy[POINTER_MAX + 1], why[200];
    int en;
    if (!join(path, sizeof path, dir, which)) {
        snprintf(s->problem, sizeof s->problem, "the path %s/%s is too long", dir, which);
        return s->state = SLOT_BROKEN;
    }
    switch (read_small(io, path, true, s->raw, POINTER_MAX, &s->raw_len, &en)) {
    case RD_OK:
        break;
    case RD_MISSING:
        return s->state = SLOT_EMPTY;
    case RD_IOERR:
        snprintf(s->problem, sizeof s->problem, "cannot read %s: %s", path, strerror(en));
        return s->state = SLOT_IOERR;
    default:
        snprintf(s->problem, sizeof s->problem, "%s is not a small plain file", path);
        return s->state = SLOT_BROKEN;
    }
    memcpy(copy, s->raw, s->raw_len + 1);
    if (strlen(copy) != s->raw_len || !pointer_parse(copy, &s->ptr, why, sizeof why)) {
        snprintf(s->problem, sizeof s->problem, "%s is damaged: %s", path, strlen(copy) != s->raw_len ? "binary" : why);
        return s->state = SLOT_BROKEN;
    }
    s->have_ptr = true;
    join(pack_path, sizeof pack_path, dir, s->ptr.file);
    int fd = IO(io, open, pack_path, O_RDONLY | O_NOFOLLOW, 0);
    if (fd < 0) {
        snprintf(s->problem, sizeof s->problem, "cannot open %s: %s", pack_path, strerror(errno));
        return s->state = (errno == ENOENT || errno == ELOOP) ? SLOT_BROKEN : SLOT_IOERR;
    }
    struct stat st;
    unsigned char hash[SIGN_HASH_BYTES];
    long long size = 0;
    s->state = SLOT_OK;
    if (IO(io, fstat, fd, &st) != 0) {
        snprintf(s->problem, sizeof s->problem, "cannot read %s: %s", pack_path, strerror(errno));
        s->state = SLOT_IOERR;
    } else if (!S_ISREG(st.st_mode) || st.st_size != s->ptr.size) {
        snprintf(s->problem, sizeof s->problem, "%s is %lld bytes, %lld were installed", pack_path,
                 (long long)st.st_size, s->ptr.size);
        s->state = SLOT_BROKEN;
    } else if ((en = hash_fd(io, fd, hash, &size)) != 0) {
        snprintf(s->problem, sizeof s->problem, "cannot read %s: %s", pack_path, strerror(en));
        s->state = SLOT_IOERR;
    } else if (size != s->ptr.size || sodium_memcmp(hash, s->ptr.hash, sizeof hash)) {
        snprintf(s->problem, sizeof s->problem, "%s is damaged: its contents changed since it was installed",
                 pack_path);
        s->state = SLOT_BROKEN;
    }
    IO(io, close, fd);
    return s->state;
}

/* Opens a slot's pack with SQLite after slot_inspect proved it whole; the metadata must be the
 * ones the pointer recorded. */
static pack *slot_open(const char *dir, slot *s)
{
    char path[PATH_MAX];
    join(path, sizeof path, dir, s->ptr.file);
    err e = {""};
    pack *p = pack_open(path, &e);
    if (!p) {
        snprintf(s->problem, sizeof s->problem, "%s", e.msg);
        s->state = SLOT_BROKEN;
        return NULL;
    }
    const pack_meta *m = pack_get_meta(p);
    if (strcmp(m->region, s->ptr.region) || strcmp(m->version, s->ptr.version)) {
        snprintf(s->problem, sizeof s->problem, "%s holds %s %s, its pointer says %s %s", path, m->region, m->version,
                 s->ptr.region, s->ptr.version);
        s->state = SLOT_BROKEN;
        pack_close(p);
        return NULL;
    }
    return p;
}

/* ---- reasons in words ---- */

static const char *const REASON_NAMES[UPDATE_REASON_COUNT] = {
    [UPDATE_OK] = "installed",
    [UPDATE_NO_STICK] = "no-stick",
    [UPDATE_NO_PACK] = "no-pack",
    [UPDATE_SYMLINK] = "symlink",
    [UPDATE_NOT_A_FILE] = "not-a-file",
    [UPDATE_TOO_LARGE] = "too-large",
    [UPDATE_NO_SIGNATURE] = "no-signature",
    [UPDATE_BAD_SIGNATURE] = "bad-signature",
    [UPDATE_UNKNOWN_KEY] = "wrong-key",
    [UPDATE_OTHER_REGION] = "other-region",
    [UPDATE_SCHEMA_NEWER] = "schema-newer",
    [UPDATE_SCHEMA_OLDER] = "schema-older",
    [UPDATE_OLDER] = "older",
    [UPDATE_SAME] = "already-installed",
    [UPDATE_TRUNCATED] = "truncated",
    [UPDATE_TAMPERED] = "damaged",
    [UPDATE_NOT_A_PACK] = "not-a-pack",
    [UPDATE_CORRUPT] = "corrupt",
    [UPDATE_STICK_REMOVED] = "stick-removed",
    [UPDATE_STICK_ERROR] = "stick-error",
    [UPDATE_DISK_FULL] = "disk-full",
    [UPDATE_DISK_ERROR] = "disk-error",
    [UPDATE_NO_KEYS] = "no-keys",
    [UPDATE_BUSY] = "busy",
    [UPDATE_CHANGED] = "changed",
    [UPDATE_LEGACY_SIGNATURE] = "legacy-signature",
    [UPDATE_MISMATCH] = "signature-mismatch",
};

const char *update_reason_name(update_reason r)
{
    return r >= 0 && r < UPDATE_REASON_COUNT && REASON_NAMES[r] ? REASON_NAMES[r] : "unknown";
}

/* When no pack on a stick could be installed, the one that got furthest explains best: a
 * damaged pack of this region tells staff more than a stray link next to it. */
static int reason_rank(update_reason r)
{
    switch (r) {
    case UPDATE_SYMLINK:
    case UPDATE_NOT_A_FILE:
        return 1;
    case UPDATE_TOO_LARGE:
        return 2;
    case UPDATE_NO_SIGNATURE:
        return 3;
    case UPDATE_BAD_SIGNATURE:
    case UPDATE_LEGACY_SIGNATURE:
        return 4;
    case UPDATE_UNKNOWN_KEY:
        return 5;
    case UPDATE_OTHER_REGION:
        return 6;
    case UPDATE_SCHEMA_NEWER:
    case UPDATE_SCHEMA_OLDER:
        return 7;
    case UPDATE_OLDER:
        return 8;
    case UPDATE_SAME:
        return 9;
    case UPDATE_TRUNCATED:
    case UPDATE_TAMPERED:
        return 10;
    case UPDATE_NOT_A_PACK:
    case UPDATE_CORRUPT:
    case UPDATE_MISMATCH:
        return 11;
    case UPDATE_CHANGED:
        return 12;
    default:
        return 0;
    }
}

/* Failures of the stick or of the kiosk's storage stop the whole update: trying the next pack
 * would only fail the same way, or worse, half-way. */
static bool aborts(update_reason r)
{
    return r == UPDATE_STICK_REMOVED || r == UPDATE_STICK_ERROR || r == UPDATE_DISK_FULL ||
           r == UPDATE_DISK_ERROR || r == UPDATE_NO_STICK || r == UPDATE_NO_KEYS || r == UPDATE_BUSY;
}

static update_reason disk_reason(int en)
{
    return en == ENOSPC || en == EDQUOT ? UPDATE_DISK_FULL : UPDATE_DISK_ERROR;
}

/* ---- one update ---- */

/* A *.pack on the stick and what was learnt about it. */
typedef struct cand {
    char name[256];  /* as on the stick */
    char shown[256]; /* cleaned for messages */
    char path[PATH_MAX], sig_path[PATH_MAX];
    update_reason reason; /* UPDATE_OK while it is still in the running */
    int fd;                       /* the pack, open only while it is copied */
    dev_t dev;                    /* what the name was when first looked at */
    ino_t ino;
    long long size, signed_size; /* signed_size -1: the trusted comment does not say */
    sign_signature sig;
    int key;
    bool fields;                     /* a "wegweiser region=... version=..." trusted comment */
    char region[64], version[64];    /* from the comment, later from the pack itself */
    int schema;                      /* -1: not known */
    char key_id[17];
} cand;

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
    /* The second look at packs refused as older (offer_downgrade): check everything, install
     * nothing. */
    bool offering;
    char sig_text[SIGN_SIG_FILE_MAX + 1]; /* here rather than on the stack: a kiosk thread's is small */
} ctx;

static void detail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detail(ctx *c, const char *fmt, ...)
{
    size_t used = strlen(c->r->detail), cap = sizeof c->r->detail;
    if (used + 2 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->detail + used, cap - used - 1, fmt, ap);
    va_end(ap);
    used = strlen(c->r->detail);
    c->r->detail[used] = '\n';
    c->r->detail[used + 1] = 0;
}

/* Records why a candidate (or, for an aborting reason, the whole update) failed; returns false
 * so `return fail(...)` reads well. */
static bool fail(ctx *c, cand *k, update_reason why, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool fail(ctx *c, cand *k, update_reason why, const char *fmt, ...)
{
    char text[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (k) {
        k->reason = why;
        detail(c, "%s: %s", k->shown, text);
    } else {
        detail(c, "%s", text);
    }
    if (aborts(why) && !c->abort) {
        c->abort = why;
        c->abort_cand = k;
    }
    return false;
}

/* After a read from the stick failed: is the stick still there? A pulled stick takes its
 * mount with it (or leaves an empty mount point), so the file is gone. */
static bool stick_fail(ctx *c, cand *k, const char *path, int en)
{
    struct stat st;
    if (IO(c->io, lstat, path, &st) != 0)
        return fail(c, k, UPDATE_STICK_REMOVED, "the stick went away while reading %s (%s)", path, strerror(en));
    return fail(c, k, UPDATE_STICK_ERROR, "cannot read %s: %s", path, strerror(en));
}

static bool prepare_data_dir(ctx *c)
{
    struct stat st;
    if (IO(c->io, lstat, c->data, &st) == 0)
        return true;
    if (errno != ENOENT)
        return fail(c, NULL, disk_reason(errno), "cannot use the data directory %s: %s", c->data, strerror(errno));
    if (IO(c->io, mkdir, c->data, 0755) != 0 && errno != EEXIST)
        return fail(c, NULL, disk_reason(errno), "cannot create the data directory %s: %s", c->data,
                    strerror(errno));
    /* The new folder's own entry lives in its parent. */
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", c->data);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    else
        snprintf(parent, sizeof parent, ".");
    if (IO(c->io, fsync_dir, parent) != 0)
        return fail(c, NULL, disk_reason(errno), "cannot save the new data directory %s: %s", c->data,
                    strerror(errno));
    return true;
}

typedef struct name_list {
    char (*names)[256];
    int count, cap, skipped;
    const char *suffix;
    bool hidden_too;
} name_list;

static int collect(void *user, const char *name)
{
    name_list *l = user;
    if ((!l->hidden_too && name[0] == '.') || (l->suffix && !ends_with_ci(name, l->suffix)))
        return 0;
    if (strlen(name) >= sizeof l->names[0]) {
        l->skipped++;
        return 0;
    }
    if (l->count < l->cap) {
        snprintf(l->names[l->count++], sizeof l->names[0], "%s", name);
        return 0;
    }
    /* Full: keep the first names in name order, so which ones are looked at does not depend on
     * the order a stick happens to list them in. */
    l->skipped++;
    int last = 0;
    for (int i = 1; i < l->count; i++)
        if (strcmp(l->names[i], l->names[last]) > 0)
            last = i;
    if (strcmp(name, l->names[last]) < 0)
        snprintf(l->names[last], sizeof l->names[0], "%s", name);
    return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

/* Trusted keys: every *.pub in the folder, so a new key can be added before packs signed with it
 * arrive and the old one removed later (key rotation without a firmware update). The folder is
 * the kiosk's own configuration, so links in it (common in /etc) are followed. */
static bool load_keys(ctx *c)
{
    const char *dir = c->o->keys_dir;
    if (!dir)
        return fail(c, NULL, UPDATE_NO_KEYS, "no folder of trusted keys given (--trusted-keys)");
    name_list l = {.names = calloc(64, sizeof *l.names), .cap = 64, .suffix = ".pub"};
    if (!l.names)
        return fail(c, NULL, UPDATE_DISK_ERROR, "out of memory");
    if (IO(c->io, list_dir, dir, collect, &l) != 0) {
        int en = errno;
        free(l.names);
        return fail(c, NULL, UPDATE_NO_KEYS, "cannot read the trusted keys in %s: %s", dir, strerror(en));
    }
    qsort(l.names, (size_t)l.count, sizeof l.names[0], cmp_names);
    for (int i = 0; i < l.count && c->key_count < UPDATE_KEYS_MAX; i++) {
        char path[PATH_MAX], text[SIGN_KEY_FILE_MAX + 1];
        size_t n;
        int en;
        err e = {""};
        if (!join(path, sizeof path, dir, l.names[i]))
            continue;
        read_status rs = read_small(c->io, path, false, text, SIGN_KEY_FILE_MAX, &n, &en);
        if (rs != RD_OK)
            detail(c, "trusted key %s skipped: %s", path, rs == RD_IOERR ? strerror(en) : "not a small plain file");
        else if (!sign_pubkey_parse(text, n, &c->keys[c->key_count], &e))
            detail(c, "trusted key %s skipped: %s", path, e.msg);
        else
            c->key_count++;
    }
    free(l.names);
    if (c->key_count == 0)
        return fail(c, NULL, UPDATE_NO_KEYS, "no usable trusted key (*.pub) in %s", dir);
    return true;
}

static bool inspect_installed(ctx *c)
{
    slot_inspect(c->io, c->data, CURRENT, &c->cur);
    slot_inspect(c->io, c->data, PREVIOUS, &c->prev);
    /* An unreadable pointer is not an empty one: deciding "nothing installed" on a read error
     * would skip the version check and could push the only good pack out of `previous`. */
    if (c->cur.state == SLOT_IOERR)
        return fail(c, NULL, UPDATE_DISK_ERROR, "%s", c->cur.problem);
    if (c->prev.state == SLOT_IOERR)
        return fail(c, NULL, UPDATE_DISK_ERROR, "%s", c->prev.problem);
    if (c->cur.state == SLOT_BROKEN)
        detail(c, "installed pack: %s", c->cur.problem);
    if (c->prev.state == SLOT_BROKEN)
        detail(c, "previous pack: %s", c->prev.problem);
    c->shown = c->cur.state == SLOT_OK ? &c->cur : c->prev.state == SLOT_OK ? &c->prev : NULL;
    if (c->shown) {
        snprintf(c->r->old_name, sizeof c->r->old_name, "%s", c->shown->ptr.name);
        snprintf(c->r->old_region, sizeof c->r->old_region, "%s", c->shown->ptr.region);
        snprintf(c->r->old_version, sizeof c->r->old_version, "%s", c->shown->ptr.version);
    }
    if (c->o->region && c->o->region[0])
        snprintf(c->region, sizeof c->region, "%s", c->o->region);
    else if (c->shown)
        snprintf(c->region, sizeof c->region, "%s", c->shown->ptr.region);
    return true;
}

/* Removes what an interrupted update left (the staging file, pointer temporaries, packs no
 * pointer names) so a power cut never slowly fills the disk. Only names the update makes are
 * touched; anything else in the data directory is left alone. Failures only leave junk. */
static void collect_garbage(ctx *c, const char *keep1, const char *keep2)
{
    name_list l = {.names = calloc(STICK_NAMES_MAX, sizeof *l.names), .cap = STICK_NAMES_MAX, .hidden_too = true};
    if (!l.names)
        return;
    if (IO(c->io, list_dir, c->data, collect, &l) == 0) {
        for (int i = 0; i < l.count; i++) {
            const char *n = l.names[i];
            bool junk = !strcmp(n, STAGING) || !strcmp(n, CURRENT TMP_SUFFIX) || !strcmp(n, PREVIOUS TMP_SUFFIX) ||
                        (pack_file_name_ok(n) && strcmp(n, keep1) && strcmp(n, keep2));
            char path[PATH_MAX];
            if (junk && join(path, sizeof path, c->data, n) && IO(c->io, unlink, path) != 0 && errno != ENOENT)
                detail(c, "could not remove %s: %s", path, strerror(errno));
        }
    }
    free(l.names);
}

static bool all_digits(const char *s)
{
    if (!*s || strlen(s) > 15)
        return false;
    for (; *s; s++)
        if (!digit(*s))
            return false;
    return true;
}

/* The fields `wegweiser-pack sign` writes into the trusted comment. A comment that names none of
 * them is judged after the copy (plain `minisign -S`); one that names any must name each exactly
 * once with a readable value: "region=a region=b" or "size=12x" is refused rather than read one
 * way here and another way elsewhere. */
static bool cand_fields(ctx *c, cand *k)
{
    static const char tag[] = "wegweiser ";
    static const char *const keys[] = {"region", "version", "schema", "size"};
    const char *tc = k->sig.trusted_comment;
    int seen[4] = {0}, any = 0;
    k->signed_size = -1;
    k->schema = -1;
    k->fields = false;
    k->region[0] = k->version[0] = 0;
    for (const char *p = strncmp(tc, tag, sizeof tag - 1) ? "" : tc + sizeof tag - 1; *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, "comment=", 8)) /* free text: nothing after it is a field */
            break;
        size_t len = strcspn(p, " ");
        for (int i = 0; i < 4; i++) {
            size_t kl = strlen(keys[i]);
            if (len > kl && !strncmp(p, keys[i], kl) && p[kl] == '=')
                seen[i]++, any++;
        }
        p += len;
    }
    if (!any)
        return true;
    for (int i = 0; i < 4; i++)
        if (seen[i] != 1)
            return fail(c, k, UPDATE_MISMATCH, "its signed comment names '%s' %d times; it must name it once",
                        keys[i], seen[i]);
    char schema[32] = "", size[32] = "";
    bool got = sign_comment_get(tc, "region", k->region, sizeof k->region) &&
               sign_comment_get(tc, "version", k->version, sizeof k->version) &&
               sign_comment_get(tc, "schema", schema, sizeof schema) && sign_comment_get(tc, "size", size, sizeof size);
    if (!got || !k->region[0] || !k->version[0] || !all_digits(schema) || !all_digits(size)) {
        k->region[0] = k->version[0] = 0;
        return fail(c, k, UPDATE_MISMATCH, "its signed comment has an empty, overlong or unreadable region, version, "
                                           "schema or size");
    }
    k->fields = true;
    long long sv = strtoll(schema, NULL, 10);
    k->schema = sv > 1000000 ? 1000000 : (int)sv;
    k->signed_size = strtoll(size, NULL, 10);
    return true;
}

/* The kiosk's rules on region and version; used on the signed comment before copying and on
 * the pack's own metadata after. */
static bool policy(ctx *c, cand *k, const char *region, const char *version)
{
    char r_clean[64], v_clean[64];
    copy_clean(r_clean, sizeof r_clean, region);
    copy_clean(v_clean, sizeof v_clean, version);
    if (c->region[0] && strcmp(region, c->region))
        return fail(c, k, UPDATE_OTHER_REGION, "a pack for region '%s'; this kiosk is for '%s'", r_clean, c->region);
    /* A confirmed downgrade is pinned to the bytes staff were asked about, checked after the copy. */
    if (!c->shown || c->o->allow_downgrade || c->o->downgrade_hash)
        return true;
    int cmp = version_cmp(version, c->shown->ptr.version);
    if (c->offering && cmp >= 0)
        return fail(c, k, UPDATE_CHANGED, "said version %s when it was read again", v_clean);
    if (c->offering)
        return true;
    if (cmp == 0)
        return fail(c, k, UPDATE_SAME, "version %s is already installed", v_clean);
    if (cmp < 0)
        return fail(c, k, UPDATE_OLDER, "version %s is older than the installed %s", v_clean,
                    c->shown->ptr.version);
    return true;
}

static bool schema_ok(ctx *c, cand *k, int schema)
{
    if (schema > PACK_SCHEMA_VERSION)
        return fail(c, k, UPDATE_SCHEMA_NEWER, "content schema %d; this kiosk reads %d: update the kiosk software",
                    schema, PACK_SCHEMA_VERSION);
    if (schema < PACK_SCHEMA_VERSION)
        return fail(c, k, UPDATE_SCHEMA_OLDER, "content schema %d; this kiosk reads %d: build the pack again",
                    schema, PACK_SCHEMA_VERSION);
    return true;
}

/* Everything that can be checked before a byte of the pack is read: the file itself, its
 * signature file, the signing key, and the signed trusted comment. The comment's own signature
 * (the global one, over signature || comment) is checked here already, so region, version,
 * schema and size in it are the signer's word even before the pack is hashed. */
static bool probe(ctx *c, cand *k)
{
    const update_io *io = c->io;
    k->fd = -1;
    struct stat st;
    if (IO(io, lstat, k->path, &st) != 0)
        return stick_fail(c, k, k->path, errno);
    if (S_ISLNK(st.st_mode))
        return fail(c, k, UPDATE_SYMLINK, "a symbolic link; only plain files are read");
    if (!S_ISREG(st.st_mode))
        return fail(c, k, UPDATE_NOT_A_FILE, "%s, not a plain file", S_ISDIR(st.st_mode) ? "a folder" : "a special file");
    if (st.st_size > c->max_bytes)
        return fail(c, k, UPDATE_TOO_LARGE, "%lld bytes, more than the limit of %lld", (long long)st.st_size,
                    c->max_bytes);
    k->size = (long long)st.st_size;
    k->dev = st.st_dev;
    k->ino = st.st_ino;

    /* The signature is looked at by name before it is opened: opening a device node can have
     * effects of its own, a socket cannot be opened at all (which is no reason to give up on
     * the whole stick), and a name too long for ".minisig" to be added has no signature. */
    if (IO(io, lstat, k->sig_path, &st) != 0) {
        if (errno == ENOENT || errno == ENAMETOOLONG)
            return fail(c, k, UPDATE_NO_SIGNATURE, "no signature: %s" SIGN_SUFFIX " is missing%s", k->shown,
                        errno == ENAMETOOLONG ? " (the pack's name is too long to have one beside it)" : "");
        return stick_fail(c, k, k->sig_path, errno);
    }
    if (S_ISLNK(st.st_mode))
        return fail(c, k, UPDATE_SYMLINK, "its signature %s" SIGN_SUFFIX " is a symbolic link; only plain files are read",
                    k->shown);
    if (!S_ISREG(st.st_mode))
        return fail(c, k, UPDATE_BAD_SIGNATURE, "its signature %s" SIGN_SUFFIX " is %s, not a plain file", k->shown,
                    S_ISDIR(st.st_mode) ? "a folder" : "a FIFO, socket or device");
    char *text = c->sig_text;
    size_t n;
    int en;
    err e = {""};
    switch (read_small(io, k->sig_path, true, text, SIGN_SIG_FILE_MAX, &n, &en)) {
    case RD_OK:
        break;
    case RD_MISSING:
        return fail(c, k, UPDATE_NO_SIGNATURE, "no signature: %s" SIGN_SUFFIX " is missing", k->shown);
    case RD_SYMLINK:
        return fail(c, k, UPDATE_SYMLINK, "its signature %s" SIGN_SUFFIX " is a symbolic link; only plain files are read",
                    k->shown);
    case RD_NOT_FILE:
        return fail(c, k, UPDATE_BAD_SIGNATURE, "its signature %s" SIGN_SUFFIX " is not a plain file", k->shown);
    case RD_TOO_LARGE:
        return fail(c, k, UPDATE_BAD_SIGNATURE, "its signature file is larger than %d bytes, so it is no signature",
                    SIGN_SIG_FILE_MAX);
    case RD_IOERR:
        return stick_fail(c, k, k->sig_path, en);
    }
    if (n == 0)
        return fail(c, k, UPDATE_BAD_SIGNATURE, "its signature file is empty");
    /* minisign refuses a byte order mark too; saying so spares staff a search for an invisible fault. */
    if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        return fail(c, k, UPDATE_BAD_SIGNATURE, "its signature file starts with a byte order mark (saved by a text "
                                                "editor); copy the original .minisig again");
    if (!sign_signature_parse(text, n, &k->sig, &e))
        return fail(c, k, strncmp(e.msg, "legacy", 6) ? UPDATE_BAD_SIGNATURE : UPDATE_LEGACY_SIGNATURE, "%s", e.msg);
    sign_key_id_hex(k->sig.key_id, k->key_id);
    k->key = -1;
    for (int i = 0; i < c->key_count && k->key < 0; i++)
        if (!memcmp(c->keys[i].key_id, k->sig.key_id, SIGN_KEY_ID_BYTES))
            k->key = i;
    if (k->key < 0)
        return fail(c, k, UPDATE_UNKNOWN_KEY, "signed by key %s, which is not among the %d trusted key(s) in %s",
                    k->key_id, c->key_count, c->o->keys_dir);
    unsigned char msg[SIGN_SIG_BYTES + SIGN_TRUSTED_COMMENT_MAX];
    size_t tlen = strnlen(k->sig.trusted_comment, SIGN_TRUSTED_COMMENT_MAX - 1);
    memcpy(msg, k->sig.sig, SIGN_SIG_BYTES);
    memcpy(msg + SIGN_SIG_BYTES, k->sig.trusted_comment, tlen);
    if (crypto_sign_verify_detached(k->sig.global_sig, msg, SIGN_SIG_BYTES + tlen, c->keys[k->key].pk) != 0)
        return fail(c, k, UPDATE_BAD_SIGNATURE, "the signature's trusted comment was changed after signing or the "
                                                "%s" SIGN_SUFFIX " is damaged", k->shown);
    if (!cand_fields(c, k))
        return false;
    if (k->schema >= 0 && !schema_ok(c, k, k->schema))
        return false;
    if (k->signed_size >= 0 && k->signed_size != k->size)
        return fail(c, k, UPDATE_TRUNCATED, "%lld bytes on the stick, but the signed pack had %lld", k->size,
                    k->signed_size);
    if (k->fields && !policy(c, k, k->region, k->version))
        return false;
    return true;
}

static bool scan_stick(ctx *c)
{
    const char *dir = c->o->stick_dir;
    if (!dir)
        return fail(c, NULL, UPDATE_NO_STICK, "no stick folder given (--from)");
    name_list l = {.names = calloc(UPDATE_CANDIDATES_MAX, sizeof *l.names), .cap = UPDATE_CANDIDATES_MAX,
                   .suffix = PACK_EXT};
    if (!l.names)
        return fail(c, NULL, UPDATE_DISK_ERROR, "out of memory");
    if (IO(c->io, list_dir, dir, collect, &l) != 0) {
        int en = errno;
        free(l.names);
        return fail(c, NULL, en == ENOENT || en == ENOTDIR ? UPDATE_NO_STICK : UPDATE_STICK_ERROR,
                    "cannot read the stick at %s: %s", dir, strerror(en));
    }
    qsort(l.names, (size_t)l.count, sizeof l.names[0], cmp_names);
    int n = l.count < UPDATE_CANDIDATES_MAX ? l.count : UPDATE_CANDIDATES_MAX;
    if (l.count + l.skipped > n)
        detail(c, "only the first %d of %d *.pack files on the stick were looked at", n, l.count + l.skipped);
    c->cands = calloc(n > 0 ? (size_t)n : 1, sizeof *c->cands);
    if (!c->cands) {
        free(l.names);
        return fail(c, NULL, UPDATE_DISK_ERROR, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        cand *k = &c->cands[i];
        k->fd = -1;
        snprintf(k->name, sizeof k->name, "%s", l.names[i]);
        copy_clean(k->shown, sizeof k->shown, k->name);
        if (!join(k->path, sizeof k->path, dir, k->name) ||
            snprintf(k->sig_path, sizeof k->sig_path, "%s" SIGN_SUFFIX, k->path) >= (int)sizeof k->sig_path) {
            fail(c, k, UPDATE_NOT_A_FILE, "the path is too long");
        }
    }
    c->cand_count = n;
    free(l.names);
    if (n == 0)
        return fail(c, NULL, UPDATE_NO_PACK, "no *.pack file on the stick at %s", dir);
    return true;
}

/* Newest first; packs whose comment does not name a version (signed by plain minisign) last. */
static int cmp_cands(const void *pa, const void *pb)
{
    const cand *a = *(cand *const *)pa, *b = *(cand *const *)pb;
    if (a->fields != b->fields)
        return a->fields ? -1 : 1;
    int v = version_cmp(b->version, a->version);
    return v ? v : strcmp(a->name, b->name);
}

/* The SQLite header (https://sqlite.org/fileformat.html): magic, then big-endian user_version
 * (the pack schema) at 60 and application_id at 68. Read from the bytes that were hashed, so
 * "not a pack" and "schema from the future" get their own message instead of SQLite's. */
static bool header_ok(ctx *c, cand *k, const unsigned char *h, long long size)
{
    static const char magic[16] = "SQLite format 3";
    if (size < HEADER_BYTES || memcmp(h, magic, sizeof magic))
        return fail(c, k, UPDATE_NOT_A_PACK, "signed, but not an SQLite file, so not a content pack");
    unsigned long schema = (unsigned long)h[60] << 24 | (unsigned long)h[61] << 16 | (unsigned long)h[62] << 8 | h[63];
    unsigned long app = (unsigned long)h[68] << 24 | (unsigned long)h[69] << 16 | (unsigned long)h[70] << 8 | h[71];
    if (app != PACK_APPLICATION_ID)
        return fail(c, k, UPDATE_NOT_A_PACK, "signed, but an SQLite database other than a Wegweiser pack");
    /* Bytes 18 and 19 are 2 in WAL mode: SQLite would then keep a -wal and a -shm file beside the
     * installed pack, writing in the data directory on every start. */
    if (h[18] != 1 || h[19] != 1)
        return fail(c, k, UPDATE_CORRUPT, "signed, but in SQLite's write-ahead log (WAL) mode or another file "
                                          "format than a pack built by wegweiser-pack");
    if (k->schema >= 0 && (unsigned long)k->schema != schema)
        return fail(c, k, UPDATE_MISMATCH, "the signed comment says content schema %d, the pack itself %lu", k->schema,
                    schema);
    return schema_ok(c, k, schema > 1000000 ? 1000000 : (int)schema);
}

/* Opens the pack for the copy. The checks probe made were on a name; these are on what was
 * opened, so nothing swapped in since (a link, a FIFO, another file) is read. */
static bool open_pack(ctx *c, cand *k)
{
    k->fd = IO(c->io, open, k->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
    if (k->fd < 0) {
        if (errno == ELOOP)
            return fail(c, k, UPDATE_SYMLINK, "became a symbolic link while looking at it");
        return stick_fail(c, k, k->path, errno);
    }
    struct stat st;
    if (IO(c->io, fstat, k->fd, &st) != 0)
        return stick_fail(c, k, k->path, errno);
    if (!S_ISREG(st.st_mode) || st.st_ino != k->ino || st.st_dev != k->dev)
        return fail(c, k, UPDATE_NOT_A_FILE, "was replaced by something else while looking at it");
    if ((long long)st.st_size != k->size)
        return fail(c, k, UPDATE_STICK_ERROR, "changed its size from %lld to %lld bytes while looking at it", k->size,
                    (long long)st.st_size);
    return true;
}

/* Copies the pack from the stick to the staging file, hashing exactly the bytes written. The
 * signature is then checked against this hash: the stick is never read a second time, so a
 * stick that answers differently on a second read (a malicious one can) gains nothing. */
static bool copy_hashed(ctx *c, cand *k, int out, unsigned char hash[SIGN_HASH_BYTES], unsigned char *header)
{
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        return fail(c, k, UPDATE_DISK_ERROR, "out of memory");
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, SIGN_HASH_BYTES);
    long long done = 0, reported = 0;
    bool ok = true;
    memset(header, 0, HEADER_BYTES);
    if (c->o->progress)
        c->o->progress(c->o->progress_user, 0, k->size);
    for (;;) {
        ssize_t got = IO(c->io, read, k->fd, buf, CHUNK);
        if (got < 0) {
            ok = stick_fail(c, k, k->path, errno ? errno : EIO);
            break;
        }
        if (got == 0)
            break;
        if (done + got > k->size) {
            ok = fail(c, k, UPDATE_STICK_ERROR, "the file grew while it was copied");
            break;
        }
        if (done < HEADER_BYTES)
            memcpy(header + done, buf, (size_t)(HEADER_BYTES - done < got ? HEADER_BYTES - done : got));
        crypto_generichash_update(&st, buf, (size_t)got);
        int en = write_all(c->io, out, buf, (size_t)got);
        if (en) {
            ok = fail(c, k, disk_reason(en), "cannot write the copy %s: %s", c->staging, strerror(en));
            break;
        }
        done += got;
        if (c->o->progress && done - reported >= (1 << 20)) {
            c->o->progress(c->o->progress_user, done, k->size);
            reported = done;
        }
    }
    free(buf);
    crypto_generichash_final(&st, hash, SIGN_HASH_BYTES);
    if (ok && done != k->size) {
        /* A short file: the stick was pulled (some drivers report end of file) or changed. */
        struct stat s;
        if (IO(c->io, lstat, k->path, &s) != 0)
            return fail(c, k, UPDATE_STICK_REMOVED, "the stick went away while copying %s", k->path);
        return fail(c, k, UPDATE_STICK_ERROR, "only %lld of %lld bytes could be read", done, k->size);
    }
    if (ok && c->o->progress)
        c->o->progress(c->o->progress_user, done, k->size);
    return ok;
}

/* Writes WHICH.tmp whole and synced; the rename that publishes it comes later, so that every
 * write of an update (which is what a full disk refuses) happens before anything changes. */
static bool write_tmp(ctx *c, const char *which, const char *text, size_t n, int *en)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/%s" TMP_SUFFIX, c->data, which);
    *en = 0;
    if (IO(c->io, unlink, tmp) != 0 && errno != ENOENT)
        return *en = errno, false;
    int fd = IO(c->io, open, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0)
        return *en = errno, false;
    *en = write_all(c->io, fd, text, n);
    if (!*en && IO(c->io, fsync, fd) != 0)
        *en = errno;
    if (IO(c->io, close, fd) != 0 && !*en)
        *en = errno;
    if (*en)
        IO(c->io, unlink, tmp);
    return !*en;
}

/* Only a complete, synced pointer is renamed over the old one: the rename is the atomic step. */
static bool publish(ctx *c, const char *which, int *en)
{
    char tmp[PATH_MAX], final[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/%s" TMP_SUFFIX, c->data, which);
    snprintf(final, sizeof final, "%s/%s", c->data, which);
    *en = IO(c->io, rename, tmp, final) == 0 ? 0 : errno;
    return !*en;
}

static void remove_tmp(ctx *c, const char *which)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s/%s" TMP_SUFFIX, c->data, which);
    IO(c->io, unlink, tmp);
}

/* Puts `current` back as it was before this update; used when the switch could not be made
 * durable or the new pack does not open. */
static bool rollback(ctx *c)
{
    int en = 0;
    char path[PATH_MAX];
    join(path, sizeof path, c->data, CURRENT);
    bool ok = c->cur.state == SLOT_EMPTY
                  ? IO(c->io, unlink, path) == 0 || errno == ENOENT
                  : write_tmp(c, CURRENT, c->cur.raw, c->cur.raw_len, &en) && publish(c, CURRENT, &en);
    ok = ok && IO(c->io, fsync_dir, c->data) == 0;
    remove_tmp(c, PREVIOUS);
    if (!ok)
        detail(c, "could not put the old pack back either; the next start opens whichever pointer survived, "
                  "each names a whole, checked pack");
    return ok;
}

static bool referenced(const ctx *c, const char *file)
{
    return (c->cur.have_ptr && !strcmp(c->cur.ptr.file, file)) || (c->prev.have_ptr && !strcmp(c->prev.ptr.file, file));
}

/* Undoes what a failed switch left behind; when a pointer names the same file (the same bytes
 * installed before) it stays, since it holds exactly those bytes. */
static void drop_target(ctx *c, const char *file)
{
    char path[PATH_MAX];
    if (!referenced(c, file) && join(path, sizeof path, c->data, file))
        IO(c->io, unlink, path);
}

/* The pack shown until now becomes the fallback; a broken one is not worth keeping, so then the
 * older fallback stays. */
static bool moves_to_previous(const ctx *c, const pointer *np)
{
    return c->cur.state == SLOT_OK && strcmp(c->cur.ptr.file, np->file);
}

/* The switch. Each step is safe to interrupt (docs/update.md): synced copy → rename into place →
 * sync folder → both pointers written to temporaries and synced → `current` renamed over (the
 * commit) → sync folder. Until the commit `current` names the old pack, after it the new one;
 * nothing is written after the commit, so a full disk can only refuse an update, never break one. */
static bool commit(ctx *c, cand *k, int fd, const pointer *np)
{
    char target[PATH_MAX], text[POINTER_MAX];
    int en = 0;
    if (IO(c->io, fsync, fd) != 0)
        en = errno;
    if (IO(c->io, close, fd) != 0 && !en)
        en = errno;
    if (en)
        return fail(c, k, disk_reason(en), "cannot save the copy %s: %s", c->staging, strerror(en));
    join(target, sizeof target, c->data, np->file);
    if (IO(c->io, rename, c->staging, target) != 0)
        return fail(c, k, disk_reason(errno), "cannot move the copy to %s: %s", target, strerror(errno));
    int n = pointer_format(np, text, sizeof text);
    if (IO(c->io, fsync_dir, c->data) != 0)
        en = errno;
    else if (n < 0 || n >= (int)sizeof text)
        en = ENAMETOOLONG;
    else if (write_tmp(c, CURRENT, text, (size_t)n, &en) && moves_to_previous(c, np))
        write_tmp(c, PREVIOUS, c->cur.raw, c->cur.raw_len, &en);
    if (!en)
        publish(c, CURRENT, &en);
    if (en) {
        remove_tmp(c, CURRENT);
        remove_tmp(c, PREVIOUS);
        drop_target(c, np->file);
        return fail(c, k, disk_reason(en), "cannot switch to the new pack: %s", strerror(en));
    }
    if (IO(c->io, fsync_dir, c->data) != 0) {
        en = errno;
        rollback(c);
        drop_target(c, np->file);
        return fail(c, k, disk_reason(en), "cannot save the switch to the new pack: %s", strerror(en));
    }
    return true;
}

/* After the commit and the check that the new pack opens: the fallback. It comes after
 * `current` on purpose: a cut in between leaves an older fallback, never a missing current, and
 * a failure here costs only the fallback, not the update. Returns the pack file `previous` names
 * now, which the tidying after must keep (NULL: keep everything). */
static const char *keep_previous(ctx *c, const pointer *np)
{
    int en = 0;
    if (!moves_to_previous(c, np))
        return c->prev.have_ptr ? c->prev.ptr.file : "";
    if (!publish(c, PREVIOUS, &en)) {
        detail(c, "could not record %s as the fallback: %s", c->cur.ptr.file, strerror(en));
        remove_tmp(c, PREVIOUS);
        return c->prev.have_ptr ? c->prev.ptr.file : "";
    }
    if (IO(c->io, fsync_dir, c->data) != 0) {
        /* After a cut either pointer may come back: keep every pack for now. */
        detail(c, "could not save %s as the fallback: %s", c->cur.ptr.file, strerror(errno));
        return NULL;
    }
    return c->cur.ptr.file;
}

/* Copies, checks and switches one candidate. On failure the staging file is removed and the
 * installed packs are as before (or, after a failed rollback, still each whole). */
static bool install(ctx *c, cand *k)
{
    const update_io *io = c->io;
    if (!open_pack(c, k))
        return false;
    if (IO(io, unlink, c->staging) != 0 && errno != ENOENT)
        return fail(c, k, disk_reason(errno), "cannot remove the old copy %s: %s", c->staging, strerror(errno));
    int fd = IO(io, open, c->staging, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0)
        return fail(c, k, disk_reason(errno), "cannot create %s: %s", c->staging, strerror(errno));
    unsigned char hash[SIGN_HASH_BYTES], header[HEADER_BYTES];
    err e = {""};
    pack *p = NULL;
    pointer np = {.size = k->size};
    bool ok = copy_hashed(c, k, fd, hash, header);
    IO(io, close, k->fd);
    k->fd = -1;
    if (ok && !sign_verify_hash(&c->keys[k->key], &k->sig, hash, &e))
        ok = fail(c, k, UPDATE_TAMPERED, "%s", e.msg);
    if (ok && c->o->downgrade_hash && sodium_memcmp(hash, c->o->downgrade_hash, sizeof hash))
        ok = fail(c, k, UPDATE_CHANGED, "validly signed, but not the pack staff confirmed");
    ok = ok && header_ok(c, k, header, k->size);
    if (ok && !(p = pack_open(c->staging, &e)))
        ok = fail(c, k, UPDATE_CORRUPT, "signed, but it does not open as a content pack: %s", e.msg);
    if (ok) {
        const pack_meta *m = pack_get_meta(p);
        if (k->fields && (strcmp(m->region, k->region) || strcmp(m->version, k->version)))
            ok = fail(c, k, UPDATE_MISMATCH, "the signed comment says %s %s, the pack itself %s %s", k->region,
                      k->version, m->region, m->version);
        ok = ok && policy(c, k, m->region, m->version);
        if (ok && c->cur.state == SLOT_OK && !sodium_memcmp(hash, c->cur.ptr.hash, sizeof hash))
            ok = fail(c, k, UPDATE_SAME, "exactly this pack is already installed");
        copy_clean(np.region, sizeof np.region, m->region);
        copy_clean(np.version, sizeof np.version, m->version);
        /* The pointer file is line-based and compared with the metadata at every start. */
        if (ok && (strcmp(np.region, m->region) || strcmp(np.version, m->version)))
            ok = fail(c, k, UPDATE_CORRUPT, "its region or version contains control characters or bytes that are not text");
        copy_clean(np.name, sizeof np.name, m->name[0] ? m->name : m->region);
        np.pages = pack_page_count(p);
        np.languages = pack_language_count(p);
        snprintf(k->region, sizeof k->region, "%s", np.region);
        snprintf(k->version, sizeof k->version, "%s", np.version);
        pack_close(p);
    }
    if (!ok || c->offering) {
        IO(io, close, fd);
        IO(io, unlink, c->staging);
        if (ok) {
            c->r->downgrade_offered = true;
            memcpy(c->r->offer_hash, hash, sizeof hash);
            snprintf(c->r->offer_version, sizeof c->r->offer_version, "%s", np.version);
            detail(c, "%s: version %s passed every check but the version; offered to staff", k->shown, np.version);
        }
        return ok;
    }
    char r_word[48], v_word[48], hex[2 * SIGN_HASH_BYTES + 1];
    copy_word(r_word, sizeof r_word, np.region);
    copy_word(v_word, sizeof v_word, np.version);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(np.file, sizeof np.file, PACK_PREFIX "%s-%s-%.16s" PACK_EXT, r_word, v_word, hex);
    memcpy(np.hash, hash, sizeof hash);
    iso_time(io->now(io->ctx), np.installed, sizeof np.installed);
    if (!commit(c, k, fd, &np)) {
        IO(io, unlink, c->staging);
        return false;
    }
    /* Reopen exactly as the next start will; if that does not show the new pack, put the old
     * one back rather than leave a kiosk that falls back at every start. */
    pack *check = NULL;
    char what[512];
    update_source src = update_open_installed_io(io, c->data, NULL, &check, what, sizeof what, &e);
    bool shows_new = src == UPDATE_SOURCE_CURRENT && !strcmp(pack_get_meta(check)->region, np.region) &&
                     !strcmp(pack_get_meta(check)->version, np.version);
    pack_close(check);
    if (!shows_new) {
        rollback(c);
        drop_target(c, np.file);
        return fail(c, k, UPDATE_DISK_ERROR, "the new pack was installed but does not open: %s", what);
    }
    const char *fallback = keep_previous(c, &np);
    if (fallback)
        collect_garbage(c, np.file, fallback);
    snprintf(c->r->new_name, sizeof c->r->new_name, "%s", np.name);
    snprintf(c->r->new_region, sizeof c->r->new_region, "%s", np.region);
    snprintf(c->r->new_version, sizeof c->r->new_version, "%s", np.version);
    c->r->pages = np.pages;
    c->r->languages = np.languages;
    detail(c, "%s: installed as %s/%s", k->shown, c->data, np.file);
    return true;
}

/* ---- the result in words ---- */

/* One sentence per reason, in English and German, saying what is wrong and what to do. */
static void reason_sentences(ctx *c, update_reason why, const cand *k, char *en, char *de, size_t size)
{
    const char *f = k ? k->shown : "";
    char mine[200] = "";
    if (c->shown && !strcmp(c->shown->ptr.region, c->region))
        snprintf(mine, sizeof mine, "%s (%s)", c->shown->ptr.name, c->region);
    else
        snprintf(mine, sizeof mine, "%s", c->region);
    switch (why) {
    case UPDATE_OK:
        en[0] = de[0] = 0;
        break;
    case UPDATE_NO_STICK:
        snprintf(en, size, "The stick could not be read.");
        snprintf(de, size, "Der Stick konnte nicht gelesen werden.");
        break;
    case UPDATE_NO_PACK:
        snprintf(en, size, "There is no content pack on the stick (a file ending in .pack).");
        snprintf(de, size, "Auf dem Stick ist kein Inhaltspaket (eine Datei mit der Endung .pack).");
        break;
    case UPDATE_SYMLINK:
        snprintf(en, size, "%s on the stick is only a link to another file; the kiosk reads only real files. "
                           "Copy the pack itself and its .minisig onto the stick.", f);
        snprintf(de, size, "%s auf dem Stick ist nur eine Verknüpfung auf eine andere Datei; der Kiosk liest nur "
                           "echte Dateien. Kopieren Sie das Paket selbst und seine .minisig-Datei auf den Stick.", f);
        break;
    case UPDATE_NOT_A_FILE:
        snprintf(en, size, "%s on the stick is a folder or a special file, not a content pack.", f);
        snprintf(de, size, "%s auf dem Stick ist ein Ordner oder eine Sonderdatei, kein Inhaltspaket.", f);
        break;
    case UPDATE_TOO_LARGE: {
        char limit[48];
        if (c->max_bytes % (1 << 20) == 0)
            snprintf(limit, sizeof limit, "%lld MiB", c->max_bytes >> 20);
        else
            snprintf(limit, sizeof limit, "%lld bytes", c->max_bytes);
        snprintf(en, size, "%s is too large for a content pack (more than %s).", f, limit);
        snprintf(de, size, "%s ist zu groß für ein Inhaltspaket (mehr als %s).", f, limit);
        if (c->max_bytes % (1 << 20))
            snprintf(de, size, "%s ist zu groß für ein Inhaltspaket (mehr als %lld Bytes).", f, c->max_bytes);
        break;
    }
    case UPDATE_NO_SIGNATURE:
        snprintf(en, size, "%s has no signature: %s" SIGN_SUFFIX " is missing. Copy the .minisig file onto the "
                           "stick as well.", f, f);
        snprintf(de, size, "%s hat keine Signatur: %s" SIGN_SUFFIX " fehlt. Kopieren Sie die .minisig-Datei mit "
                           "auf den Stick.", f, f);
        break;
    case UPDATE_BAD_SIGNATURE:
        snprintf(en, size, "The signature %s" SIGN_SUFFIX " is damaged or not a signature. Copy it again, or sign "
                           "the pack again.", f);
        snprintf(de, size, "Die Signatur %s" SIGN_SUFFIX " ist beschädigt oder keine Signatur. Kopieren Sie sie "
                           "erneut oder signieren Sie das Paket neu.", f);
        break;
    case UPDATE_UNKNOWN_KEY:
        snprintf(en, size, "%s is signed with a key this kiosk does not trust (key %s). Sign it with your "
                           "office's key.", f, k ? k->key_id : "");
        snprintf(de, size, "%s ist mit einem Schlüssel signiert, dem dieser Kiosk nicht vertraut (Schlüssel %s). "
                           "Signieren Sie es mit dem Schlüssel Ihres Amtes.", f, k ? k->key_id : "");
        break;
    case UPDATE_OTHER_REGION:
        snprintf(en, size, "%s is for another region (%s); this kiosk shows %s.", f, k ? k->region : "", mine);
        snprintf(de, size, "%s ist für eine andere Region (%s); dieser Kiosk zeigt %s.", f, k ? k->region : "", mine);
        break;
    case UPDATE_SCHEMA_NEWER:
        snprintf(en, size, "%s needs newer kiosk software (its content format is newer than format %d, which "
                           "this kiosk reads). Update the kiosk software first.", f, PACK_SCHEMA_VERSION);
        snprintf(de, size, "%s braucht eine neuere Kiosk-Software (sein Inhaltsformat ist neuer als Format %d, "
                           "das dieser Kiosk liest). Aktualisieren Sie zuerst die Kiosk-Software.", f,
                 PACK_SCHEMA_VERSION);
        break;
    case UPDATE_SCHEMA_OLDER:
        snprintf(en, size, "%s is in an old content format. Build it again with the current wegweiser-pack.", f);
        snprintf(de, size, "%s hat ein altes Inhaltsformat. Erstellen Sie es mit dem aktuellen wegweiser-pack neu.", f);
        break;
    case UPDATE_OLDER:
        snprintf(en, size, "%s is version %s, older than the installed version %s.", f, k ? k->version : "",
                 c->shown ? c->shown->ptr.version : "");
        snprintf(de, size, "%s ist Version %s, älter als die installierte Version %s.", f, k ? k->version : "",
                 c->shown ? c->shown->ptr.version : "");
        break;
    case UPDATE_SAME:
        snprintf(en, size, "Version %s is already installed.", k ? k->version : "");
        snprintf(de, size, "Version %s ist bereits installiert.", k ? k->version : "");
        break;
    case UPDATE_TRUNCATED:
        snprintf(en, size, "%s is incomplete or too long (%lld bytes, the signed pack has %lld): it was cut "
                           "short while copying. Copy it again.", f, k ? k->size : 0, k ? k->signed_size : 0);
        snprintf(de, size, "%s ist unvollständig oder zu lang (%lld Bytes, das signierte Paket hat %lld): es "
                           "wurde beim Kopieren abgeschnitten. Kopieren Sie es erneut.", f, k ? k->size : 0,
                 k ? k->signed_size : 0);
        break;
    case UPDATE_TAMPERED:
        snprintf(en, size, "%s does not match its signature: it was changed after signing or is damaged. Copy it "
                           "again from the original.", f);
        snprintf(de, size, "%s passt nicht zu seiner Signatur: es wurde nach dem Signieren verändert oder ist "
                           "beschädigt. Kopieren Sie es erneut vom Original.", f);
        break;
    case UPDATE_NOT_A_PACK:
        snprintf(en, size, "%s is signed, but it is not a Wegweiser content pack.", f);
        snprintf(de, size, "%s ist signiert, aber kein Wegweiser-Inhaltspaket.", f);
        break;
    case UPDATE_CORRUPT:
        snprintf(en, size, "%s is signed, but its contents are damaged. Build and sign it again.", f);
        snprintf(de, size, "%s ist signiert, aber sein Inhalt ist beschädigt. Erstellen und signieren Sie es neu.", f);
        break;
    case UPDATE_STICK_REMOVED:
        snprintf(en, size, "The stick was removed before the update was finished.");
        snprintf(de, size, "Der Stick wurde abgezogen, bevor die Aktualisierung fertig war.");
        break;
    case UPDATE_STICK_ERROR:
        snprintf(en, size, "The stick could not be read; it may be damaged. Try another stick.");
        snprintf(de, size, "Der Stick konnte nicht gelesen werden; vielleicht ist er beschädigt. Versuchen Sie "
                           "einen anderen Stick.");
        break;
    case UPDATE_DISK_FULL:
        snprintf(en, size, "The kiosk's storage is full. Call technical support.");
        snprintf(de, size, "Der Speicher des Kiosks ist voll. Rufen Sie den technischen Support.");
        break;
    case UPDATE_DISK_ERROR:
        snprintf(en, size, "The kiosk's storage reported an error. Call technical support.");
        snprintf(de, size, "Der Speicher des Kiosks meldet einen Fehler. Rufen Sie den technischen Support.");
        break;
    case UPDATE_NO_KEYS:
        snprintf(en, size, "This kiosk has no trusted key to check packs with. Call technical support.");
        snprintf(de, size, "Dieser Kiosk hat keinen vertrauenswürdigen Schlüssel, um Pakete zu prüfen. Rufen Sie "
                           "den technischen Support.");
        break;
    case UPDATE_BUSY:
        snprintf(en, size, "Another update is running. Wait until it has finished.");
        snprintf(de, size, "Eine andere Aktualisierung läuft gerade. Warten Sie, bis sie fertig ist.");
        break;
    case UPDATE_CHANGED:
        snprintf(en, size, "The pack on the stick is no longer the one you confirmed: the stick changed. Take it "
                           "out and check it on the staff PC.");
        snprintf(de, size, "Das Paket auf dem Stick ist nicht mehr das bestätigte: Der Stick hat sich verändert. "
                           "Ziehen Sie ihn ab und prüfen Sie ihn am Büro-PC.");
        break;
    case UPDATE_LEGACY_SIGNATURE:
        snprintf(en, size, "The signature %s" SIGN_SUFFIX " is in minisign's old format, which signs the whole file; "
                           "this kiosk accepts only the current (prehashed) format. Sign the pack again with "
                           "wegweiser-pack sign or minisign -S (version 0.11 or later, without -l).", f);
        snprintf(de, size, "Die Signatur %s" SIGN_SUFFIX " hat das alte minisign-Format, das die ganze Datei "
                           "signiert; dieser Kiosk nimmt nur das aktuelle Format (mit Prüfsumme). Signieren Sie das "
                           "Paket neu mit wegweiser-pack sign oder minisign -S (ab Version 0.11, ohne -l).", f);
        break;
    case UPDATE_MISMATCH:
        snprintf(en, size, "%s is signed, but its signature describes another pack (region, version, size or "
                           "format differ from the pack itself). Sign the pack again with wegweiser-pack sign.", f);
        snprintf(de, size, "%s ist signiert, aber die Signatur beschreibt ein anderes Paket (Region, Version, Größe "
                           "oder Format weichen vom Paket selbst ab). Signieren Sie das Paket neu mit "
                           "wegweiser-pack sign.", f);
        break;
    case UPDATE_REASON_COUNT:
        en[0] = de[0] = 0;
        break;
    }
}

static void say(ctx *c, update_reason why, const cand *k)
{
    update_result *r = c->r;
    r->reason = why;
    if (k)
        snprintf(r->file, sizeof r->file, "%s", k->shown);
    if (why == UPDATE_OK && c->o->downgrade_hash) {
        snprintf(r->en, sizeof r->en, "Older version installed: %s %s instead of %s: %d pages, %d languages. You can "
                                      "remove the stick.", r->new_name, r->new_version, r->old_version, r->pages, r->languages);
        snprintf(r->de, sizeof r->de, "Ältere Version installiert: %s %s statt %s: %d Seiten, %d Sprachen. Sie können "
                                      "den Stick jetzt abziehen.", r->new_name, r->new_version, r->old_version, r->pages,
                 r->languages);
        return;
    }
    if (why == UPDATE_OK) {
        if (r->old_version[0])
            snprintf(r->en, sizeof r->en, "Updated %s from %s to %s: %d pages, %d languages. You can remove the stick.",
                     r->new_name, r->old_version, r->new_version, r->pages, r->languages);
        else
            snprintf(r->en, sizeof r->en, "Installed %s %s: %d pages, %d languages. You can remove the stick.",
                     r->new_name, r->new_version, r->pages, r->languages);
        if (r->old_version[0])
            snprintf(r->de, sizeof r->de, "Aktualisiert: %s von %s auf %s: %d Seiten, %d Sprachen. Sie können den Stick "
                                          "jetzt abziehen.", r->new_name, r->old_version, r->new_version, r->pages,
                     r->languages);
        else
            snprintf(r->de, sizeof r->de, "Installiert: %s %s: %d Seiten, %d Sprachen. Sie können den Stick jetzt "
                                          "abziehen.", r->new_name, r->new_version, r->pages, r->languages);
        return;
    }
    char en[600], de[600], still_en[300], still_de[300];
    reason_sentences(c, why, k, en, de, sizeof en);
    if (r->downgrade_offered) {
        snprintf(r->en, sizeof r->en, "%s It is signed with a trusted key and passed every check. Install the older "
                                      "version anyway?", en);
        snprintf(r->de, sizeof r->de, "%s Es ist mit einem vertrauenswürdigen Schlüssel signiert und hat alle Prüfungen "
                                      "bestanden. Die ältere Version trotzdem installieren?", de);
        return;
    }
    if (c->shown) {
        snprintf(still_en, sizeof still_en, "Nothing was changed: the kiosk still shows %s %s.", c->shown->ptr.name,
                 c->shown->ptr.version);
        snprintf(still_de, sizeof still_de, "Es wurde nichts geändert: Der Kiosk zeigt weiter %s %s.",
                 c->shown->ptr.name, c->shown->ptr.version);
    } else {
        snprintf(still_en, sizeof still_en, "Nothing was changed.");
        snprintf(still_de, sizeof still_de, "Es wurde nichts geändert.");
    }
    bool removed = why == UPDATE_STICK_REMOVED;
    snprintf(r->en, sizeof r->en, "Not updated. %s %s %s", en, still_en,
             removed ? "Put the stick back in to try again." : "You can remove the stick.");
    snprintf(r->de, sizeof r->de, "Nicht aktualisiert. %s %s %s", de, still_de,
             removed ? "Stecken Sie den Stick wieder ein, um es noch einmal zu versuchen."
                     : "Sie können den Stick abziehen.");
}

/* A line appended to wegweiser-receipt-<kiosk>.txt on the stick, so staff carrying one stick
 * round several kiosks can see afterwards what each did. Only on a stick that holds a pack
 * (never on someone's private stick), and a read-only stick is fine: then there is none. */
static void write_receipt(ctx *c)
{
    update_result *r = c->r;
    if (c->o->no_receipt) {
        snprintf(r->receipt, sizeof r->receipt, "no receipt (not asked for)");
        return;
    }
    if (r->reason == UPDATE_NO_STICK || r->reason == UPDATE_NO_PACK || r->reason == UPDATE_STICK_REMOVED ||
        !c->o->stick_dir) {
        snprintf(r->receipt, sizeof r->receipt, "no receipt (%s)",
                 r->reason == UPDATE_STICK_REMOVED ? "the stick is gone" : "no pack on the stick");
        return;
    }
    char id[64], host[256] = "", path[PATH_MAX], when[32], line[2048];
    if (c->o->kiosk_id && c->o->kiosk_id[0])
        snprintf(host, sizeof host, "%s", c->o->kiosk_id);
    else if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "kiosk");
    copy_word(id, sizeof id, host);
    if (!join(path, sizeof path, c->o->stick_dir, RECEIPT_PREFIX) || strlen(path) + strlen(id) + 5 >= sizeof path)
        return;
    strcat(path, id);
    strcat(path, ".txt");
    iso_time(c->io->now(c->io->ctx), when, sizeof when);
    snprintf(line, sizeof line, "%s kiosk=%s result=%s old=%s%s%s new=%s%s%s file=%s | %s\n", when, id,
             update_reason_name(r->reason), r->old_region[0] ? r->old_region : "none", r->old_region[0] ? "/" : "",
             r->old_version, r->new_region[0] ? r->new_region : "none", r->new_region[0] ? "/" : "", r->new_version,
             r->file[0] ? r->file : "-", r->en);
    /* O_NOFOLLOW: a link named like the receipt must not lead the write elsewhere; O_NONBLOCK: a
     * FIFO named like it must not hang the kiosk. Both, and anything else but a plain file of
     * its own, get no receipt. */
    int fd = IO(c->io, open, path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK, 0644);
    struct stat st;
    int en = 0;
    if (fd < 0)
        en = errno;
    else if (IO(c->io, fstat, fd, &st) != 0)
        en = errno;
    /* A hard link would make the kiosk append to some other file on the stick. */
    else if (!S_ISREG(st.st_mode) || st.st_nlink > 1)
        en = EINVAL;
    else if (st.st_size > RECEIPT_MAX)
        en = EFBIG;
    else if ((en = write_all(c->io, fd, line, strlen(line))) == 0 && IO(c->io, fsync, fd) != 0)
        en = errno;
    if (fd >= 0 && IO(c->io, close, fd) != 0 && !en)
        en = errno;
    if (!en)
        snprintf(r->receipt, sizeof r->receipt, "receipt written to %s", path);
    else if (en == EROFS || en == EACCES || en == EPERM)
        snprintf(r->receipt, sizeof r->receipt, "no receipt: the stick is read-only");
    else if (en == ELOOP || en == EINVAL || en == ENXIO)
        snprintf(r->receipt, sizeof r->receipt, "no receipt: %s is a link, FIFO or other special file", path);
    else if (en == EFBIG)
        snprintf(r->receipt, sizeof r->receipt, "no receipt: %s is already longer than %d KiB", path,
                 RECEIPT_MAX / 1024);
    else
        snprintf(r->receipt, sizeof r->receipt, "no receipt: cannot write %s: %s", path, strerror(en));
}

/* Which candidate a refusal is about: the one that got furthest. */
static cand *furthest(ctx *c)
{
    cand *best = NULL;
    for (int i = 0; i < c->cand_count; i++)
        if (!best || reason_rank(c->cands[i].reason) > reason_rank(best->reason))
            best = &c->cands[i];
    return best;
}

/* When being older is all that stood against the packs of this stick, the newest older one is
 * read again from the stick and checked like an install (signature over the copy, schema,
 * SQLite, region), without switching. One that passes is offered to staff; one that fails now
 * reports why, which says more than "older". */
static const cand *offer_older(ctx *c)
{
    cand *best = furthest(c);
    if (!best || best->reason != UPDATE_OLDER)
        return NULL;
    cand **order = calloc((size_t)c->cand_count, sizeof *order);
    if (!order)
        return NULL;
    int n = 0;
    for (int i = 0; i < c->cand_count; i++)
        if (c->cands[i].reason == UPDATE_OLDER)
            order[n++] = &c->cands[i];
    qsort(order, (size_t)n, sizeof *order, cmp_cands);
    c->offering = true;
    const cand *offered = NULL;
    for (int i = 0; i < n && !c->abort && !offered; i++) {
        cand *k = order[i];
        /* A fresh open: nothing learnt from the first look at the stick's bytes is kept. */
        if (k->fd >= 0)
            IO(c->io, close, k->fd);
        k->reason = UPDATE_OK;
        if (probe(c, k) && install(c, k))
            offered = k;
    }
    c->offering = false;
    free(order);
    return offered;
}

bool update_run(const update_options *o, update_result *r)
{
    memset(r, 0, sizeof *r);
    ctx *c = calloc(1, sizeof *c);
    if (!c) {
        r->reason = UPDATE_DISK_ERROR;
        snprintf(r->en, sizeof r->en, "Not updated: out of memory.");
        snprintf(r->de, sizeof r->de, "Nicht aktualisiert: kein Arbeitsspeicher frei.");
        return false;
    }
    c->o = o;
    c->r = r;
    c->io = o->io ? o->io : update_io_posix();
    c->max_bytes = o->max_pack_bytes > 0 ? o->max_pack_bytes : UPDATE_MAX_PACK_BYTES_DEFAULT;
    int lock = -1;
    const cand *about = NULL;
    if (sodium_init() < 0) {
        fail(c, NULL, UPDATE_DISK_ERROR, "libsodium could not start");
        goto done;
    }
    if (!o->data_dir || !o->data_dir[0] || !join(c->data, sizeof c->data, o->data_dir, "") ||
        !join(c->staging, sizeof c->staging, o->data_dir, STAGING)) {
        fail(c, NULL, UPDATE_DISK_ERROR, "no usable data directory given (--data-dir)");
        goto done;
    }
    snprintf(c->data, sizeof c->data, "%s", o->data_dir);
    if (!prepare_data_dir(c))
        goto done;
    char lock_path[PATH_MAX];
    join(lock_path, sizeof lock_path, c->data, LOCK_NAME);
    if ((lock = IO(c->io, lock, lock_path)) < 0) {
        fail(c, NULL, errno == EWOULDBLOCK ? UPDATE_BUSY : disk_reason(errno), "cannot lock %s: %s", lock_path,
             strerror(errno));
        goto done;
    }
    if (!inspect_installed(c) || !load_keys(c))
        goto done;
    collect_garbage(c, c->cur.have_ptr ? c->cur.ptr.file : "", c->prev.have_ptr ? c->prev.ptr.file : "");
    if (!scan_stick(c))
        goto done;
    cand **order = calloc((size_t)c->cand_count, sizeof *order);
    if (!order) {
        fail(c, NULL, UPDATE_DISK_ERROR, "out of memory");
        goto done;
    }
    int ready = 0;
    for (int i = 0; i < c->cand_count && !c->abort; i++)
        if (c->cands[i].reason == UPDATE_OK && probe(c, &c->cands[i]))
            order[ready++] = &c->cands[i];
    qsort(order, (size_t)ready, sizeof *order, cmp_cands);
    for (int i = 0; i < ready && !c->abort && !r->installed; i++)
        if (install(c, order[i])) {
            r->installed = true;
            about = order[i];
        }
    free(order);
    if (!r->installed && !c->abort && o->offer_downgrade && !o->allow_downgrade && !o->downgrade_hash)
        about = offer_older(c);
done:
    if (o->downgrade_hash && (c->abort == UPDATE_NO_STICK || (!c->abort && c->cand_count == 0))) {
        /* The stick staff confirmed from is gone, or only its empty mount point is left. */
        c->abort = UPDATE_STICK_REMOVED;
        c->abort_cand = NULL;
    }
    if (r->downgrade_offered) {
        say(c, UPDATE_OLDER, about);
    } else if (r->installed) {
        say(c, UPDATE_OK, about);
    } else if (c->abort) {
        say(c, c->abort, c->abort_cand);
    } else {
        const cand *best = furthest(c);
        say(c, best ? best->reason : UPDATE_NO_PACK, best);
    }
    for (int i = 0; i < c->cand_count; i++)
        if (c->cands[i].fd >= 0)
            IO(c->io, close, c->cands[i].fd);
    write_receipt(c);
    if (lock >= 0)
        IO(c->io, close, lock);
    free(c->cands);
    free(c);
    return r->installed;
}

/* ---- at start ---- */

update_source update_open_installed_io(const update_io *io, const char *data_dir, const char *demo_path, pack **out,
                                       char *what, size_t what_size, err *e)
{
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(what, what_size, "libsodium could not start");
        err_set(e, "%s", what);
        return UPDATE_SOURCE_NONE;
    }
    slot *s = calloc(1, sizeof *s);
    char trouble[1100] = "";
    if (!s) {
        snprintf(what, what_size, "out of memory");
        err_set(e, "%s", what);
        return UPDATE_SOURCE_NONE;
    }
    const char *names[2] = {CURRENT, PREVIOUS};
    for (int i = 0; data_dir && i < 2; i++) {
        if (slot_inspect(io, data_dir, names[i], s) == SLOT_OK && (*out = slot_open(data_dir, s))) {
            const pack_meta *m = pack_get_meta(*out);
            if (i == 0)
                snprintf(what, what_size, "showing the installed pack %s %s", m->region, m->version);
            else
                snprintf(what, what_size, "showing the previous pack %s %s, because the installed one failed: %s",
                         m->region, m->version, trouble);
            if (i == 1)
                err_set(e, "%s", trouble);
            free(s);
            return i == 0 ? UPDATE_SOURCE_CURRENT : UPDATE_SOURCE_PREVIOUS;
        }
        if (s->state != SLOT_EMPTY)
            snprintf(trouble + strlen(trouble), sizeof trouble - strlen(trouble), "%s%s", trouble[0] ? "; " : "",
                     s->problem);
    }
    free(s);
    err pe = {""};
    if (demo_path && (*out = pack_open(demo_path, &pe))) {
        err_set(e, "%s", trouble);
        if (trouble[0])
            snprintf(what, what_size, "showing the demo pack, because no installed pack could be used: %s", trouble);
        else
            snprintf(what, what_size, "showing the demo pack: no pack installed%s%s", data_dir ? " in " : "",
                     data_dir ? data_dir : "");
        return UPDATE_SOURCE_DEMO;
    }
    snprintf(what, what_size, "no content: %s%s%s", trouble, trouble[0] && pe.msg[0] ? "; " : "",
             pe.msg[0] ? pe.msg : demo_path ? "" : "no demo pack");
    err_set(e, "%s", what);
    return UPDATE_SOURCE_NONE;
}

update_source update_open_installed(const char *data_dir, const char *demo_path, pack **out, char *what,
                                    size_t what_size, err *e)
{
    return update_open_installed_io(update_io_posix(), data_dir, demo_path, out, what, what_size, e);
}

static void slot_info(const char *data_dir, slot *s, update_slot_info *info)
{
    memset(info, 0, sizeof *info);
    info->present = s->state != SLOT_EMPTY;
    if (s->have_ptr) {
        snprintf(info->file, sizeof info->file, "%s", s->ptr.file);
        snprintf(info->name, sizeof info->name, "%s", s->ptr.name);
        snprintf(info->region, sizeof info->region, "%s", s->ptr.region);
        snprintf(info->version, sizeof info->version, "%s", s->ptr.version);
        snprintf(info->installed, sizeof info->installed, "%s", s->ptr.installed);
        info->pages = s->ptr.pages;
        info->languages = s->ptr.languages;
    }
    if (s->state == SLOT_OK) {
        pack *p = slot_open(data_dir, s); /* the same test the start applies */
        pack_close(p);
    }
    info->ok = s->state == SLOT_OK;
    snprintf(info->problem, sizeof info->problem, "%s", s->problem);
}

bool update_status(const update_io *io, const char *data_dir, update_slot_info *current, update_slot_info *previous,
                   err *e)
{
    if (!io)
        io = update_io_posix();
    struct stat st;
    if (IO(io, lstat, data_dir, &st) != 0 && errno != ENOENT)
        return err_set(e, "cannot read the data directory %s: %s", data_dir, strerror(errno));
    if (sodium_init() < 0)
        return err_set(e, "libsodium could not start");
    slot *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(e, "out of memory");
    slot_inspect(io, data_dir, CURRENT, s);
    slot_info(data_dir, s, current);
    slot_inspect(io, data_dir, PREVIOUS, s);
    slot_info(data_dir, s, previous);
    free(s);
    return true;
}

bool update_start_notice(update_source source, const pack *shown, const char *problem, char *de, char *en,
                         size_t size)
{
    if (source == UPDATE_SOURCE_CURRENT || !problem || !problem[0])
        return false;
    const pack_meta *m = shown ? pack_get_meta(shown) : NULL;
    char which_en[300], which_de[300];
    if (source == UPDATE_SOURCE_PREVIOUS && m) {
        snprintf(which_en, sizeof which_en, "the previous content pack, %s %s", m->name[0] ? m->name : m->region,
                 m->version);
        snprintf(which_de, sizeof which_de, "das vorherige Inhaltspaket, %s %s", m->name[0] ? m->name : m->region,
                 m->version);
    } else if (m) {
        snprintf(which_en, sizeof which_en, "the bundled demo content");
        snprintf(which_de, sizeof which_de, "die mitgelieferten Demo-Inhalte");
    } else {
        snprintf(which_en, sizeof which_en, "no content");
        snprintf(which_de, sizeof which_de, "keine Inhalte");
    }
    /* The cause stays in English: it names files and checks, for whoever repairs the kiosk. */
    snprintf(en, size, "The kiosk shows %s, because the installed pack could not be opened (%s). Put the current "
                       "pack in again from a USB stick, or call technical support.", which_en, problem);
    snprintf(de, size, "Der Kiosk zeigt %s, weil das installierte Paket nicht geöffnet werden konnte. Spielen Sie "
                       "das aktuelle Paket erneut per USB-Stick ein oder rufen Sie den technischen Support.", which_de);
    return true;
}
