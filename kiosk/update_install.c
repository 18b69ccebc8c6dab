/* Installing one pack: copy it from the stick into the staging file while hashing it, check the
 * copy (verify_pack: signature over that hash, SQLite header, the whole schema, quick_check,
 * metadata), then the switch. Each step of the switch is safe to interrupt (docs/update.md, "The
 * switch, step by step"); the comments say why a step looks the way it does. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update_private.h"

#define CHUNK (256 * 1024)
#define DATA_NAMES_MAX 256 /* names of the data directory looked at when tidying it */

typedef struct data_names {
    char (*names)[256];
    int count;
} data_names;

static int remember(void *user, const char *name)
{
    data_names *l = user;
    if (l->count < DATA_NAMES_MAX && strlen(name) < sizeof l->names[0])
        snprintf(l->names[l->count++], sizeof l->names[0], "%s", name);
    return 0;
}

/* So a power cut never slowly fills the disk. Only names the update makes are touched; anything
 * else in the data directory is left alone. Failures only leave junk. */
void update_collect_garbage(ctx *c, const char *keep1, const char *keep2)
{
    data_names l = {.names = calloc(DATA_NAMES_MAX, sizeof *l.names)};
    if (!l.names)
        return;
    if (IO(c->io, list_dir, c->data, remember, &l) == 0) {
        for (int i = 0; i < l.count; i++) {
            const char *n = l.names[i];
            bool junk = !strcmp(n, STAGING) || !strcmp(n, CURRENT TMP_SUFFIX) || !strcmp(n, PREVIOUS TMP_SUFFIX) ||
                        (update_pack_file_name_ok(n) && strcmp(n, keep1) && strcmp(n, keep2));
            char path[PATH_MAX];
            if (junk && update_join(path, sizeof path, c->data, n) && IO(c->io, unlink, path) != 0 && errno != ENOENT)
                update_detail(c, "could not remove %s: %s", path, strerror(errno));
        }
    }
    free(l.names);
}

/* Opens the pack for the copy. The checks update_probe made were on a name; these are on what
 * was opened, so nothing swapped in since (a link, a FIFO, another file) is read. */
static bool open_pack(ctx *c, cand *k)
{
    k->fd = IO(c->io, open, k->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0);
    if (k->fd < 0) {
        if (errno == ELOOP)
            return update_fail(c, k, UPDATE_SYMLINK, "became a symbolic link while looking at it");
        return update_stick_fail(c, k, k->path, errno);
    }
    struct stat st;
    if (IO(c->io, fstat, k->fd, &st) != 0)
        return update_stick_fail(c, k, k->path, errno);
    if (!S_ISREG(st.st_mode))
        return update_fail(c, k, UPDATE_NOT_A_FILE, "was replaced by a folder or special file while looking at it");
    if (st.st_ino != k->ino || st.st_dev != k->dev)
        return update_fail(c, k, UPDATE_UNREADABLE, "was replaced by another file while looking at it");
    if ((long long)st.st_size != k->size)
        return update_fail(c, k, UPDATE_UNREADABLE, "changed its size from %lld to %lld bytes while looking at it",
                           k->size, (long long)st.st_size);
    return true;
}

/* The hash runs beside the copy: the copying thread hands each chunk it read to a hashing
 * thread and goes on reading and writing, so a pack costs about the time of its hash rather
 * than hash and copy one after the other. The hashing thread touches nothing but the chunks
 * and the hasher; a chunk's buffer is read again only after it was written and hashed. */
#define RING 4
#define WRITEBACK (8 << 20) /* bytes between hints to start writing the copy to the disk */

typedef struct hash_ring {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned char *buf[RING];
    size_t len[RING];
    long handed, hashed; /* chunks handed to the hashing thread, chunks it has hashed */
    bool done;
    sign_hasher *h;
} hash_ring;

static void *hash_chunks(void *arg)
{
    hash_ring *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (q->hashed == q->handed && !q->done)
            pthread_cond_wait(&q->changed, &q->lock);
        if (q->hashed == q->handed)
            break;
        int i = (int)(q->hashed % RING);
        pthread_mutex_unlock(&q->lock);
        sign_hasher_update(q->h, q->buf[i], q->len[i]);
        pthread_mutex_lock(&q->lock);
        q->hashed++;
        pthread_cond_broadcast(&q->changed);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* A free buffer: one whose chunk was hashed (its write came before the next read). */
static unsigned char *next_buffer(hash_ring *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->handed - q->hashed >= RING)
        pthread_cond_wait(&q->changed, &q->lock);
    unsigned char *b = q->buf[q->handed % RING];
    pthread_mutex_unlock(&q->lock);
    return b;
}

static void ring_free(hash_ring *q)
{
    for (int i = 0; i < RING; i++)
        free(q->buf[i]);
    sign_hasher_free(q->h);
}

static bool ring_start(hash_ring *q, pthread_t *thread)
{
    q->h = sign_hasher_new(NULL);
    bool ok = q->h != NULL;
    for (int i = 0; i < RING; i++)
        ok = ok && (q->buf[i] = malloc(CHUNK)) != NULL;
    if (ok && pthread_mutex_init(&q->lock, NULL) == 0) {
        if (pthread_cond_init(&q->changed, NULL) == 0) {
            if (pthread_create(thread, NULL, hash_chunks, q) == 0)
                return true;
            pthread_cond_destroy(&q->changed);
        }
        pthread_mutex_destroy(&q->lock);
    }
    ring_free(q);
    return false;
}

/* Waits for the hashing thread to hash what it was handed, and writes the hash. */
static void ring_stop(hash_ring *q, pthread_t thread, unsigned char hash[SIGN_HASH_BYTES])
{
    pthread_mutex_lock(&q->lock);
    q->done = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->lock);
    sign_hasher_final(q->h, hash);
    ring_free(q);
}

static void hand_over(hash_ring *q, size_t n)
{
    pthread_mutex_lock(&q->lock);
    q->len[q->handed % RING] = n;
    q->handed++;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* Copies the pack from the stick to the staging file, hashing exactly the bytes written. The
 * signature is then checked against this hash: the stick is never read a second time, so a
 * stick that answers differently on a second read (a malicious one can) gains nothing. */
static bool copy_hashed(ctx *c, cand *k, int out, unsigned char hash[SIGN_HASH_BYTES], unsigned char *header)
{
    hash_ring q = {.handed = 0};
    pthread_t thread;
    if (!ring_start(&q, &thread))
        return update_fail(c, k, UPDATE_NO_MEMORY, "out of memory (or no thread) for copying the pack");
    bool ok = true;
    long long done = 0, reported = 0, flushed = 0;
    memset(header, 0, VERIFY_HEADER_BYTES);
    if (c->o->progress)
        c->o->progress(c->o->progress_user, 0, k->size);
    for (;;) {
        unsigned char *buf = next_buffer(&q);
        ssize_t got = IO(c->io, read, k->fd, buf, CHUNK);
        if (got < 0) {
            ok = update_stick_fail(c, k, k->path, errno ? errno : EIO);
            break;
        }
        if (got == 0)
            break;
        if (done + got > k->size) {
            ok = update_fail(c, k, UPDATE_UNREADABLE, "the file grew while it was copied");
            break;
        }
        if (done < VERIFY_HEADER_BYTES)
            memcpy(header + done, buf, (size_t)(VERIFY_HEADER_BYTES - done < got ? VERIFY_HEADER_BYTES - done : got));
        hand_over(&q, (size_t)got);
        int en = update_write_all(c->io, out, buf, (size_t)got);
        if (en) {
            ok = update_fail(c, k, update_disk_reason(en), "cannot write the copy %s: %s", c->staging, strerror(en));
            break;
        }
        done += got;
        /* Let the disk start on what was written: the fsync before the switch then has little
         * left to do, and the disk works while the hash and the checks run. */
        if (c->io->writeback && done - flushed >= WRITEBACK) {
            IO(c->io, writeback, out, flushed, done - flushed);
            flushed = done;
        }
        if (c->o->progress && done - reported >= (1 << 20)) {
            c->o->progress(c->o->progress_user, done, k->size);
            reported = done;
        }
    }
    ring_stop(&q, thread, hash);
    if (ok && done != k->size) {
        /* A short file: the stick was pulled (some drivers report end of file) or changed. */
        struct stat s;
        if (IO(c->io, lstat, k->path, &s) != 0)
            return update_fail(c, k, UPDATE_STICK_REMOVED, "the stick went away while copying %s", k->path);
        return update_fail(c, k, UPDATE_UNREADABLE, "only %lld of %lld bytes could be read", done, k->size);
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
    *en = update_write_all(c->io, fd, text, n);
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
    update_join(path, sizeof path, c->data, CURRENT);
    bool ok = c->cur.state == SLOT_EMPTY
                  ? IO(c->io, unlink, path) == 0 || errno == ENOENT
                  : write_tmp(c, CURRENT, c->cur.raw, c->cur.raw_len, &en) && publish(c, CURRENT, &en);
    ok = ok && IO(c->io, fsync_dir, c->data) == 0;
    remove_tmp(c, PREVIOUS);
    if (!ok)
        update_detail(c, "could not put the old pack back either; the next start opens whichever pointer "
                         "survived, each names a whole, checked pack");
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
    if (!referenced(c, file) && update_join(path, sizeof path, c->data, file))
        IO(c->io, unlink, path);
}

/* The pack shown until now becomes the fallback; a broken one is not worth keeping, so then the
 * older fallback stays. */
static bool moves_to_previous(const ctx *c, const pointer *np)
{
    return c->cur.state == SLOT_OK && strcmp(c->cur.ptr.file, np->file);
}

/* The identity of the installed file, for the pointer's record. Taken after the rename (which
 * sets the file's ctime) and after the folder was synced, so the file is whole and durable
 * before a pointer vouches for it. Without one, starts hash the file as before: slower, as safe. */
static void record_identity(ctx *c, const char *target, pointer *np)
{
    struct stat st;
    np->have_stat = IO(c->io, lstat, target, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == np->size;
    if (np->have_stat) {
        np->ino = (unsigned long long)st.st_ino;
        np->mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        np->ctime_ns = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
    }
}

/* The switch: synced copy → rename into place → sync folder → both pointers written to
 * temporaries and synced → `current` renamed over (the commit) → sync folder. Until the commit
 * `current` names the old pack, after it the new one; nothing is written after the commit, so a
 * full disk can only refuse an update, never break one. */
static bool commit(ctx *c, cand *k, int fd, pointer *np)
{
    char target[PATH_MAX], text[POINTER_MAX];
    int en = 0;
    if (IO(c->io, fsync, fd) != 0)
        en = errno;
    if (IO(c->io, close, fd) != 0 && !en)
        en = errno;
    if (en)
        return update_fail(c, k, update_disk_reason(en), "cannot save the copy %s: %s", c->staging, strerror(en));
    update_join(target, sizeof target, c->data, np->file);
    if (IO(c->io, rename, c->staging, target) != 0)
        return update_fail(c, k, update_disk_reason(errno), "cannot move the copy to %s: %s", target, strerror(errno));
    if (IO(c->io, fsync_dir, c->data) != 0)
        en = errno;
    int n = 0;
    if (!en) {
        record_identity(c, target, np);
        n = update_pointer_format(np, text, sizeof text);
        if (n < 0 || n >= (int)sizeof text)
            en = ENAMETOOLONG;
    }
    if (!en && write_tmp(c, CURRENT, text, (size_t)n, &en) && moves_to_previous(c, np))
        write_tmp(c, PREVIOUS, c->cur.raw, c->cur.raw_len, &en);
    if (!en)
        publish(c, CURRENT, &en);
    if (en) {
        remove_tmp(c, CURRENT);
        remove_tmp(c, PREVIOUS);
        drop_target(c, np->file);
        return update_fail(c, k, update_disk_reason(en), "cannot switch to the new pack: %s", strerror(en));
    }
    if (IO(c->io, fsync_dir, c->data) != 0) {
        en = errno;
        rollback(c);
        drop_target(c, np->file);
        return update_fail(c, k, update_disk_reason(en), "cannot save the switch to the new pack: %s", strerror(en));
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
        update_detail(c, "could not record %s as the fallback: %s", c->cur.ptr.file, strerror(en));
        remove_tmp(c, PREVIOUS);
        return c->prev.have_ptr ? c->prev.ptr.file : "";
    }
    if (IO(c->io, fsync_dir, c->data) != 0) {
        /* After a cut either pointer may come back: keep every pack for now. */
        update_detail(c, "could not save %s as the fallback: %s", c->cur.ptr.file, strerror(errno));
        return NULL;
    }
    return c->cur.ptr.file;
}

/* The copy against everything a kiosk checks (the same as `wegweiser-pack verify`), then this
 * kiosk's own rules; fills the new pointer from the pack's metadata. */
static bool check_copy(ctx *c, cand *k, const unsigned char hash[SIGN_HASH_BYTES], const unsigned char *header,
                       pointer *np)
{
    err e = {""};
    pack *p = NULL;
    if (!update_verified(c, k,
                         verify_pack(&k->claim, &c->keys[k->claim.key], hash, header, k->size, c->staging, &p, &e), &e))
        return false;
    const pack_meta *m = pack_get_meta(p);
    bool ok = true;
    if (c->o->downgrade_hash && sodium_memcmp(hash, c->o->downgrade_hash, SIGN_HASH_BYTES))
        ok = update_fail(c, k, UPDATE_CHANGED, "validly signed, but not the pack staff confirmed");
    ok = ok && update_policy(c, k, m->region, m->version);
    if (ok && c->cur.state == SLOT_OK && !sodium_memcmp(hash, c->cur.ptr.hash, SIGN_HASH_BYTES))
        ok = update_fail(c, k, UPDATE_SAME, "exactly this pack is already installed");
    snprintf(np->region, sizeof np->region, "%s", m->region);
    snprintf(np->version, sizeof np->version, "%s", m->version);
    update_copy_clean(np->name, sizeof np->name, m->name[0] ? m->name : m->region);
    np->pages = pack_page_count(p);
    np->languages = pack_language_count(p);
    snprintf(k->region, sizeof k->region, "%s", np->region);
    snprintf(k->version, sizeof k->version, "%s", np->version);
    pack_close(p);
    return ok;
}

/* The copy's fsync, started while SQLite checks the copy: the disk and the processor work at
 * the same time. Only a head start: commit() syncs again (then with nothing left to write) and
 * that one counts, so a failure here changes nothing. The checks use no I/O layer call, so this
 * thread is the only one using it meanwhile. */
typedef struct early_sync {
    const update_io *io;
    int fd;
} early_sync;

static void *sync_copy(void *arg)
{
    early_sync *s = arg;
    IO(s->io, fsync, s->fd);
    return NULL;
}

bool update_install(ctx *c, cand *k)
{
    const update_io *io = c->io;
    if (!open_pack(c, k))
        return false;
    if (IO(io, unlink, c->staging) != 0 && errno != ENOENT)
        return update_fail(c, k, update_disk_reason(errno), "cannot remove the old copy %s: %s", c->staging,
                           strerror(errno));
    int fd = IO(io, open, c->staging, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0)
        return update_fail(c, k, update_disk_reason(errno), "cannot create %s: %s", c->staging, strerror(errno));
    unsigned char hash[SIGN_HASH_BYTES], header[VERIFY_HEADER_BYTES];
    pointer np = {.size = k->size};
    bool ok = copy_hashed(c, k, fd, hash, header);
    IO(io, close, k->fd);
    k->fd = -1;
    early_sync es = {io, fd};
    pthread_t syncer;
    bool syncing = ok && pthread_create(&syncer, NULL, sync_copy, &es) == 0;
    ok = ok && check_copy(c, k, hash, header, &np);
    if (syncing)
        pthread_join(syncer, NULL);
    if (!ok || c->offering) {
        IO(io, close, fd);
        IO(io, unlink, c->staging);
        if (ok) {
            c->r->downgrade_offered = true;
            memcpy(c->r->offer_hash, hash, sizeof hash);
            snprintf(c->r->offer_version, sizeof c->r->offer_version, "%s", np.version);
            update_detail(c, "%s: version %s passed every check but the version; offered to staff", k->shown,
                          np.version);
        }
        return ok;
    }
    char r_word[48], v_word[48], hex[2 * SIGN_HASH_BYTES + 1];
    update_copy_word(r_word, sizeof r_word, np.region);
    update_copy_word(v_word, sizeof v_word, np.version);
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    snprintf(np.file, sizeof np.file, PACK_PREFIX "%s-%s-%.16s" PACK_EXT, r_word, v_word, hex);
    memcpy(np.hash, hash, sizeof hash);
    update_iso_time(io->now(io->ctx), np.installed, sizeof np.installed);
    if (!commit(c, k, fd, &np)) {
        IO(io, unlink, c->staging);
        return false;
    }
    /* Reopen exactly as the next start will; if that does not show the new pack, put the old
     * one back rather than leave a kiosk that falls back at every start. */
    pack *check = NULL;
    char what[512];
    err e = {""};
    update_source src = update_open_installed_io(io, c->data, NULL, &check, what, sizeof what, &e);
    bool shows_new = src == UPDATE_SOURCE_CURRENT && !strcmp(pack_get_meta(check)->region, np.region) &&
                     !strcmp(pack_get_meta(check)->version, np.version);
    pack_close(check);
    if (!shows_new) {
        rollback(c);
        drop_target(c, np.file);
        return update_fail(c, k, UPDATE_DISK_ERROR, "the new pack was installed but does not open: %s", what);
    }
    const char *fallback = keep_previous(c, &np);
    if (fallback)
        update_collect_garbage(c, np.file, fallback);
    snprintf(c->r->new_name, sizeof c->r->new_name, "%s", np.name);
    snprintf(c->r->new_region, sizeof c->r->new_region, "%s", np.region);
    snprintf(c->r->new_version, sizeof c->r->new_version, "%s", np.version);
    c->r->pages = np.pages;
    c->r->languages = np.languages;
    update_detail(c, "%s: installed as %s/%s", k->shown, c->data, np.file);
    return true;
}
