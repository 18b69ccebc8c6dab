/* The stick side of the update: which files on a stick are packs to look at, the kiosk's
 * trusted keys, and everything that can be checked before a byte of a pack is read — the file
 * itself, its signature (verify_signature, the same checks as `wegweiser-pack verify`), and
 * the kiosk's own rules on region and version. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update_private.h"

typedef struct name_list {
    char (*names)[256];
    int count, cap, skipped;
    const char *suffix;
} name_list;

static int collect(void *user, const char *name)
{
    name_list *l = user;
    if (name[0] == '.' || (l->suffix && !update_ends_with_ci(name, l->suffix)))
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

/* Every *.pub in the folder, so a new key can be added before packs signed with it arrive and
 * the old one removed later (key rotation without a firmware update). The folder is the
 * kiosk's own configuration, so links in it (common in /etc) are followed. */
bool update_load_keys(ctx *c)
{
    const char *dir = c->o->keys_dir;
    if (!dir)
        return update_fail(c, NULL, UPDATE_NO_KEYS, "no folder of trusted keys given (--trusted-keys)");
    name_list l = {.names = calloc(64, sizeof *l.names), .cap = 64, .suffix = ".pub"};
    if (!l.names)
        return update_fail(c, NULL, UPDATE_NO_MEMORY, "out of memory");
    if (IO(c->io, list_dir, dir, collect, &l) != 0) {
        int en = errno;
        free(l.names);
        return update_fail(c, NULL, UPDATE_NO_KEYS, "cannot read the trusted keys in %s: %s", dir, strerror(en));
    }
    qsort(l.names, (size_t)l.count, sizeof l.names[0], cmp_names);
    for (int i = 0; i < l.count && c->key_count < UPDATE_KEYS_MAX; i++) {
        char path[PATH_MAX], text[SIGN_KEY_FILE_MAX + 1];
        size_t n;
        int en;
        err e = {""};
        if (!update_join(path, sizeof path, dir, l.names[i]))
            continue;
        read_status rs = update_read_small(c->io, path, false, text, SIGN_KEY_FILE_MAX, &n, &en);
        if (rs != RD_OK)
            update_detail(c, "trusted key %s skipped: %s", path, rs == RD_IOERR ? strerror(en) : "not a small plain file");
        else if (!sign_pubkey_parse(text, n, &c->keys[c->key_count], &e))
            update_detail(c, "trusted key %s skipped: %s", path, e.msg);
        else
            c->key_count++;
    }
    free(l.names);
    if (c->key_count == 0)
        return update_fail(c, NULL, UPDATE_NO_KEYS, "no usable trusted key (*.pub) in %s", dir);
    return true;
}

bool update_scan_stick(ctx *c)
{
    const char *dir = c->o->stick_dir;
    if (!dir)
        return update_fail(c, NULL, UPDATE_NO_STICK, "no stick folder given (--from)");
    name_list l = {.names = calloc(UPDATE_CANDIDATES_MAX, sizeof *l.names), .cap = UPDATE_CANDIDATES_MAX,
                   .suffix = PACK_EXT};
    if (!l.names)
        return update_fail(c, NULL, UPDATE_NO_MEMORY, "out of memory");
    if (IO(c->io, list_dir, dir, collect, &l) != 0) {
        int en = errno;
        free(l.names);
        return update_fail(c, NULL, en == ENOENT || en == ENOTDIR ? UPDATE_NO_STICK : UPDATE_STICK_ERROR,
                           "cannot read the stick at %s: %s", dir, strerror(en));
    }
    qsort(l.names, (size_t)l.count, sizeof l.names[0], cmp_names);
    int n = l.count < UPDATE_CANDIDATES_MAX ? l.count : UPDATE_CANDIDATES_MAX;
    if (l.count + l.skipped > n)
        update_detail(c, "only the first %d of %d *.pack files on the stick were looked at", n, l.count + l.skipped);
    c->cands = calloc(n > 0 ? (size_t)n : 1, sizeof *c->cands);
    if (!c->cands) {
        free(l.names);
        return update_fail(c, NULL, UPDATE_NO_MEMORY, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        cand *k = &c->cands[i];
        k->fd = -1;
        snprintf(k->name, sizeof k->name, "%s", l.names[i]);
        update_copy_clean(k->shown, sizeof k->shown, k->name);
        if (!update_join(k->path, sizeof k->path, dir, k->name) ||
            snprintf(k->sig_path, sizeof k->sig_path, "%s" SIGN_SUFFIX, k->path) >= (int)sizeof k->sig_path)
            update_fail(c, k, UPDATE_UNREADABLE, "its path on the stick is too long to be opened");
    }
    c->cand_count = n;
    free(l.names);
    if (n == 0)
        return update_fail(c, NULL, UPDATE_NO_PACK, "no *.pack file on the stick at %s", dir);
    return true;
}

bool update_policy(ctx *c, cand *k, const char *region, const char *version)
{
    char r_clean[64], v_clean[64];
    update_copy_clean(r_clean, sizeof r_clean, region);
    update_copy_clean(v_clean, sizeof v_clean, version);
    if (c->region[0] && strcmp(region, c->region))
        return update_fail(c, k, UPDATE_OTHER_REGION, "a pack for region '%s'; this kiosk is for '%s'", r_clean,
                           c->region);
    /* A confirmed downgrade is pinned to the bytes staff were asked about, checked after the copy. */
    if (!c->shown || c->o->allow_downgrade || c->o->downgrade_hash)
        return true;
    int cmp = update_version_cmp(version, c->shown->ptr.version);
    if (c->offering && cmp >= 0)
        return update_fail(c, k, UPDATE_CHANGED, "said version %s when it was read again", v_clean);
    if (c->offering)
        return true;
    if (cmp == 0)
        return update_fail(c, k, UPDATE_SAME, "version %s is already installed", v_clean);
    if (cmp < 0)
        return update_fail(c, k, UPDATE_OLDER, "version %s is older than the installed %s", v_clean,
                           c->shown->ptr.version);
    return true;
}

/* What the shared checks found, as the update's reason. */
static update_reason reason_of(verify_status st)
{
    static const update_reason map[] = {
        [VERIFY_OK] = UPDATE_OK,
        [VERIFY_BAD_SIGNATURE] = UPDATE_BAD_SIGNATURE,
        [VERIFY_LEGACY_SIGNATURE] = UPDATE_LEGACY_SIGNATURE,
        [VERIFY_UNKNOWN_KEY] = UPDATE_UNKNOWN_KEY,
        [VERIFY_MISMATCH] = UPDATE_MISMATCH,
        [VERIFY_SCHEMA_NEWER] = UPDATE_SCHEMA_NEWER,
        [VERIFY_SCHEMA_OLDER] = UPDATE_SCHEMA_OLDER,
        [VERIFY_TRUNCATED] = UPDATE_TRUNCATED,
        [VERIFY_TAMPERED] = UPDATE_TAMPERED,
        [VERIFY_NOT_A_PACK] = UPDATE_NOT_A_PACK,
        [VERIFY_SCHEMA_DIFFERS] = UPDATE_SCHEMA_DIFFERS,
        [VERIFY_CORRUPT] = UPDATE_CORRUPT,
        [VERIFY_INVALID] = UPDATE_INVALID,
        [VERIFY_UNREADABLE] = UPDATE_DISK_ERROR, /* the copy on the kiosk's own storage */
    };
    return (size_t)st < sizeof map / sizeof map[0] ? map[st] : UPDATE_CORRUPT;
}

bool update_verified(ctx *c, cand *k, verify_status st, const err *e)
{
    if (st == VERIFY_OK)
        return true;
    if (st == VERIFY_UNKNOWN_KEY)
        return update_fail(c, k, UPDATE_UNKNOWN_KEY, "%s in %s", e->msg, c->o->keys_dir);
    return update_fail(c, k, reason_of(st), "%s", e->msg);
}

bool update_probe(ctx *c, cand *k)
{
    const update_io *io = c->io;
    k->fd = -1;
    k->copying = false;
    struct stat st;
    if (IO(io, lstat, k->path, &st) != 0)
        return update_stick_fail(c, k, k->path, errno);
    if (S_ISLNK(st.st_mode))
        return update_fail(c, k, UPDATE_SYMLINK, "a symbolic link; only plain files are read");
    if (!S_ISREG(st.st_mode))
        return update_fail(c, k, UPDATE_NOT_A_FILE, "%s, not a plain file",
                           S_ISDIR(st.st_mode) ? "a folder" : "a special file");
    if (st.st_size > c->max_bytes)
        return update_fail(c, k, UPDATE_TOO_LARGE, "%lld bytes, more than the limit of %lld", (long long)st.st_size,
                           c->max_bytes);
    k->size = (long long)st.st_size;
    k->dev = st.st_dev;
    k->ino = st.st_ino;

    /* The signature is looked at by name before it is opened: opening a device node can have
     * effects of its own, a socket cannot be opened at all (which is no reason to give up on
     * the whole stick), and a name too long for ".minisig" to be added has no signature. */
    if (IO(io, lstat, k->sig_path, &st) != 0) {
        if (errno == ENOENT || errno == ENAMETOOLONG)
            return update_fail(c, k, UPDATE_NO_SIGNATURE, "no signature: %s" SIGN_SUFFIX " is missing%s", k->shown,
                               errno == ENAMETOOLONG ? " (the pack's name is too long to have one beside it)" : "");
        return update_stick_fail(c, k, k->sig_path, errno);
    }
    if (S_ISLNK(st.st_mode))
        return update_fail(c, k, UPDATE_SYMLINK,
                           "its signature %s" SIGN_SUFFIX " is a symbolic link; only plain files are read", k->shown);
    if (!S_ISREG(st.st_mode))
        return update_fail(c, k, UPDATE_BAD_SIGNATURE, "its signature %s" SIGN_SUFFIX " is %s, not a plain file",
                           k->shown, S_ISDIR(st.st_mode) ? "a folder" : "a FIFO, socket or device");
    size_t n;
    int en;
    switch (update_read_small(io, k->sig_path, true, c->sig_text, SIGN_SIG_FILE_MAX, &n, &en)) {
    case RD_OK:
        break;
    case RD_MISSING:
        return update_fail(c, k, UPDATE_NO_SIGNATURE, "no signature: %s" SIGN_SUFFIX " is missing", k->shown);
    case RD_SYMLINK:
        return update_fail(c, k, UPDATE_SYMLINK,
                           "its signature %s" SIGN_SUFFIX " is a symbolic link; only plain files are read", k->shown);
    case RD_NOT_FILE:
        return update_fail(c, k, UPDATE_BAD_SIGNATURE, "its signature %s" SIGN_SUFFIX " is not a plain file",
                           k->shown);
    case RD_TOO_LARGE:
        return update_fail(c, k, UPDATE_BAD_SIGNATURE,
                           "its signature file is larger than %d bytes, so it is no signature", SIGN_SIG_FILE_MAX);
    case RD_IOERR:
        return update_stick_fail(c, k, k->sig_path, en);
    }
    err e = {""};
    if (!update_verified(c, k, verify_signature(c->sig_text, n, c->keys, c->key_count, k->size, &k->claim, &e), &e))
        return false;
    snprintf(k->region, sizeof k->region, "%s", k->claim.region);
    snprintf(k->version, sizeof k->version, "%s", k->claim.version);
    if (k->claim.fields && !update_policy(c, k, k->region, k->version))
        return false;
    k->copying = true;
    return true;
}

int update_cmp_cands(const void *pa, const void *pb)
{
    const cand *a = *(cand *const *)pa, *b = *(cand *const *)pb;
    if (a->claim.fields != b->claim.fields)
        return a->claim.fields ? -1 : 1;
    int v = update_version_cmp(b->version, a->version);
    return v ? v : strcmp(a->name, b->name);
}
