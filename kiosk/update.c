/* update: one update from a stick, start to end — lock, look at what is installed, load the
 * trusted keys, look at the packs on the stick, install the best one (or offer an older one to
 * staff), say what happened and write the receipt. The steps live in update_*.c
 * (update_private.h lists them); the order of operations and why each is safe to interrupt is
 * in docs/update.md. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update_private.h"

static bool prepare_data_dir(ctx *c)
{
    struct stat st;
    if (IO(c->io, lstat, c->data, &st) == 0)
        return true;
    if (errno != ENOENT)
        return update_fail(c, NULL, update_disk_reason(errno), "cannot use the data directory %s: %s", c->data,
                           strerror(errno));
    if (IO(c->io, mkdir, c->data, 0755) != 0 && errno != EEXIST)
        return update_fail(c, NULL, update_disk_reason(errno), "cannot create the data directory %s: %s", c->data,
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
        return update_fail(c, NULL, update_disk_reason(errno), "cannot save the new data directory %s: %s", c->data,
                           strerror(errno));
    return true;
}

static bool inspect_installed(ctx *c)
{
    update_slot_inspect(c->io, c->data, CURRENT, false, &c->cur);
    update_slot_inspect(c->io, c->data, PREVIOUS, false, &c->prev);
    /* An unreadable pointer is not an empty one: deciding "nothing installed" on a read error
     * would skip the version check and could push the only good pack out of `previous`. */
    if (c->cur.state == SLOT_IOERR)
        return update_fail(c, NULL, UPDATE_DISK_ERROR, "%s", c->cur.problem);
    if (c->prev.state == SLOT_IOERR)
        return update_fail(c, NULL, UPDATE_DISK_ERROR, "%s", c->prev.problem);
    if (c->cur.state == SLOT_BROKEN)
        update_detail(c, "installed pack: %s", c->cur.problem);
    if (c->prev.state == SLOT_BROKEN)
        update_detail(c, "previous pack: %s", c->prev.problem);
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

/* When no pack on a stick could be installed, the one that got furthest explains best: a
 * damaged pack of this region tells staff more than a stray link next to it. */
static int reason_rank(const cand *k)
{
    switch (k->reason) {
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
    case UPDATE_UNREADABLE:
        /* A pack that could not be read while being copied had passed its signature checks;
         * one whose name or signature could not be read had not. */
        return k->copying ? 10 : 3;
    case UPDATE_TRUNCATED:
    case UPDATE_TAMPERED:
        return 10;
    case UPDATE_NOT_A_PACK:
    case UPDATE_CORRUPT:
    case UPDATE_MISMATCH:
    case UPDATE_SCHEMA_DIFFERS:
    case UPDATE_INVALID:
        return 11;
    case UPDATE_CHANGED:
        return 12;
    default:
        return 0;
    }
}

/* Which candidate a refusal is about: the one that got furthest. */
static cand *furthest(ctx *c)
{
    cand *best = NULL;
    for (int i = 0; i < c->cand_count; i++)
        if (!best || reason_rank(&c->cands[i]) > reason_rank(best))
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
    qsort(order, (size_t)n, sizeof *order, update_cmp_cands);
    c->offering = true;
    const cand *offered = NULL;
    for (int i = 0; i < n && !c->abort && !offered; i++) {
        cand *k = order[i];
        /* A fresh open: nothing learnt from the first look at the stick's bytes is kept. */
        if (k->fd >= 0)
            IO(c->io, close, k->fd);
        k->reason = UPDATE_OK;
        if (update_probe(c, k) && update_install(c, k))
            offered = k;
    }
    c->offering = false;
    free(order);
    return offered;
}

/* Looks at every pack on the stick and installs the best one that passes. */
static const cand *install_best(ctx *c)
{
    cand **order = calloc((size_t)c->cand_count, sizeof *order);
    if (!order) {
        update_fail(c, NULL, UPDATE_NO_MEMORY, "out of memory");
        return NULL;
    }
    int ready = 0;
    for (int i = 0; i < c->cand_count && !c->abort; i++)
        if (c->cands[i].reason == UPDATE_OK && update_probe(c, &c->cands[i]))
            order[ready++] = &c->cands[i];
    qsort(order, (size_t)ready, sizeof *order, update_cmp_cands);
    const cand *installed = NULL;
    for (int i = 0; i < ready && !c->abort && !installed; i++)
        if (update_install(c, order[i]))
            installed = order[i];
    free(order);
    return installed;
}

bool update_run(const update_options *o, update_result *r)
{
    memset(r, 0, sizeof *r);
    ctx *c = calloc(1, sizeof *c);
    if (!c) {
        r->reason = UPDATE_NO_MEMORY;
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
        update_fail(c, NULL, UPDATE_DISK_ERROR, "libsodium could not start");
        goto done;
    }
    if (!o->data_dir || !o->data_dir[0] || !update_join(c->data, sizeof c->data, o->data_dir, "") ||
        !update_join(c->staging, sizeof c->staging, o->data_dir, STAGING)) {
        update_fail(c, NULL, UPDATE_DISK_ERROR, "no usable data directory given (--data-dir)");
        goto done;
    }
    snprintf(c->data, sizeof c->data, "%s", o->data_dir);
    if (!prepare_data_dir(c))
        goto done;
    char lock_path[PATH_MAX];
    update_join(lock_path, sizeof lock_path, c->data, LOCK_NAME);
    if ((lock = IO(c->io, lock, lock_path)) < 0) {
        update_fail(c, NULL, errno == EWOULDBLOCK ? UPDATE_BUSY : update_disk_reason(errno), "cannot lock %s: %s",
                    lock_path, strerror(errno));
        goto done;
    }
    if (!inspect_installed(c) || !update_load_keys(c))
        goto done;
    update_collect_garbage(c, c->cur.have_ptr ? c->cur.ptr.file : "", c->prev.have_ptr ? c->prev.ptr.file : "");
    if (!update_scan_stick(c))
        goto done;
    about = install_best(c);
    r->installed = about != NULL;
    if (!r->installed && !c->abort && o->offer_downgrade && !o->allow_downgrade && !o->downgrade_hash)
        about = offer_older(c);
done:
    if (o->downgrade_hash && (c->abort == UPDATE_NO_STICK || (!c->abort && c->cand_count == 0))) {
        /* The stick staff confirmed from is gone, or only its empty mount point is left. */
        c->abort = UPDATE_STICK_REMOVED;
        c->abort_cand = NULL;
    }
    if (r->downgrade_offered) {
        update_say(c, UPDATE_OLDER, about);
    } else if (r->installed) {
        update_say(c, UPDATE_OK, about);
    } else if (c->abort) {
        update_say(c, c->abort, c->abort_cand);
    } else {
        const cand *best = furthest(c);
        update_say(c, best ? best->reason : UPDATE_NO_PACK, best);
    }
    for (int i = 0; i < c->cand_count; i++)
        if (c->cands[i].fd >= 0)
            IO(c->io, close, c->cands[i].fd);
    update_write_receipt(c);
    if (lock >= 0)
        IO(c->io, close, lock);
    free(c->cands);
    free(c);
    return r->installed;
}
