/* The installed side of the update: the pointer files `current` and `previous`, each naming a
 * pack file and recording its size, hash and — since the update verified it — the identity of
 * that file; and what a start opens: `current`, else `previous`, else the demo pack. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "update_private.h"

#define CHUNK (256 * 1024)
/* What an install verified before it wrote a pointer: the copy's hash against the signature,
 * then SQLite's quick_check (and the schema, which every open checks again). */
#define VERIFIED "blake2b quick_check"

/* BLAKE2b-512 of an open file from its start; 0 or an errno. */
static int hash_fd(const update_io *io, int fd, unsigned char hash[SIGN_HASH_BYTES], long long *size)
{
    unsigned char *buf = malloc(CHUNK);
    sign_hasher *h = sign_hasher_new(NULL);
    if (!buf || !h) {
        free(buf);
        sign_hasher_free(h);
        return ENOMEM;
    }
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
        sign_hasher_update(h, buf, (size_t)got);
        total += got;
    }
    free(buf);
    sign_hasher_final(h, hash);
    sign_hasher_free(h);
    *size = total;
    return rc;
}

/* So a damaged or edited pointer can never lead the kiosk outside its data directory. */
bool update_pack_file_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof((pointer *)0)->file || strncmp(name, PACK_PREFIX, strlen(PACK_PREFIX)) ||
        !update_ends_with_ci(name, PACK_EXT))
        return false;
    char clean[256];
    update_copy_word(clean, sizeof clean, name);
    return !strcmp(clean, name);
}

static bool field(char *out, size_t size, const char *value)
{
    if (strlen(value) >= size)
        return false;
    snprintf(out, size, "%s", value);
    return true;
}

static bool number(const char *value, long long *out)
{
    char *end;
    errno = 0;
    *out = strtoll(value, &end, 10);
    return end != value && *end == 0 && errno == 0 && *out >= 0;
}

/* "stat INODE MTIME_NS CTIME_NS" */
static bool parse_stat(const char *value, pointer *p)
{
    long long v[3];
    char parts[3][24];
    if (sscanf(value, "%23s %23s %23s", parts[0], parts[1], parts[2]) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (!number(parts[i], &v[i]))
            return false;
    p->ino = (unsigned long long)v[0];
    p->mtime_ns = v[1];
    p->ctime_ns = v[2];
    return true;
}

static bool pointer_parse(char *text, pointer *p, char *why, size_t why_size)
{
    memset(p, 0, sizeof *p);
    p->size = -1;
    bool have_hash = false, have_stat = false, verified = false;
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
            ok = field(p->file, sizeof p->file, value) && update_pack_file_name_ok(p->file);
        else if (!strcmp(line, "size"))
            ok = number(value, &p->size);
        else if (!strcmp(line, "blake2b"))
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
        else if (!strcmp(line, "stat"))
            ok = have_stat = parse_stat(value, p);
        else if (!strcmp(line, "verified"))
            verified = !strcmp(value, VERIFIED);
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
    /* A record counts only whole: which file, and what was verified of it. */
    p->have_stat = have_stat && verified;
    return true;
}

int update_pointer_format(const pointer *p, char *out, size_t size)
{
    char hex[2 * SIGN_HASH_BYTES + 1], record[400] = "";
    sodium_bin2hex(hex, sizeof hex, p->hash, sizeof p->hash);
    if (p->have_stat)
        snprintf(record, sizeof record,
                 "# the file verified at install (inode, mtime and ctime in ns); while it is unchanged a start\n"
                 "# trusts the check below instead of reading the whole file again\n"
                 "stat %llu %lld %lld\nverified " VERIFIED "\n",
                 p->ino, p->mtime_ns, p->ctime_ns);
    return snprintf(out, size,
                    "# wegweiser: an installed content pack (docs/update.md); written by the update, do not edit\n"
                    "file %s\nsize %lld\nblake2b %s\nregion %s\nversion %s\nname %s\npages %d\nlanguages %d\n"
                    "installed %s\n%s",
                    p->file, p->size, hex, p->region, p->version, p->name, p->pages, p->languages, p->installed,
                    record);
}

static bool same_file(const pointer *p, const struct stat *st)
{
    return p->have_stat && (unsigned long long)st->st_ino == p->ino &&
           st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec == p->mtime_ns &&
           st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec == p->ctime_ns;
}

slot_state update_slot_inspect(const update_io *io, const char *dir, const char *which, bool deep, slot *s)
{
    memset(s, 0, sizeof *s);
    char path[PATH_MAX], pack_path[PATH_MAX], copy[POINTER_MAX + 1], why[200];
    int en;
    if (!update_join(path, sizeof path, dir, which)) {
        snprintf(s->problem, sizeof s->problem, "the path %s/%s is too long", dir, which);
        return s->state = SLOT_BROKEN;
    }
    switch (update_read_small(io, path, true, s->raw, POINTER_MAX, &s->raw_len, &en)) {
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
    update_join(pack_path, sizeof pack_path, dir, s->ptr.file);
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
    } else if (!deep && same_file(&s->ptr, &st)) {
        /* The very file whose bytes the install hashed and checked, untouched since: any write
         * would have moved its ctime, any other file has another inode. */
        s->trusted = true;
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

/* Opens a slot's pack with SQLite after update_slot_inspect proved it whole; the metadata must
 * be the ones the pointer recorded. */
static pack *slot_open(const char *dir, slot *s)
{
    char path[PATH_MAX];
    update_join(path, sizeof path, dir, s->ptr.file);
    err e = {""};
    pack *p = pack_open_ex(path, s->trusted, NULL, &e);
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
        if (update_slot_inspect(io, data_dir, names[i], false, s) == SLOT_OK && (*out = slot_open(data_dir, s))) {
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
        pack *p = slot_open(data_dir, s); /* hashed in full and with SQLite's integrity check */
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
    /* Deep: whoever asks for the status wants to know the bytes are whole now, whatever the
     * record of the install says (silent damage of the storage keeps a file's identity). */
    update_slot_inspect(io, data_dir, CURRENT, true, s);
    slot_info(data_dir, s, current);
    update_slot_inspect(io, data_dir, PREVIOUS, true, s);
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
