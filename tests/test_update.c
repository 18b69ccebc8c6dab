/* Update from a USB stick: real packs built from content/kaiserslautern with region.txt edited,
 * real keys and signatures, a stick folder and a data folder per test. Hostile sticks, each
 * refused with its own message and the installed pack untouched byte for byte; and, as SQLite
 * tests itself, an I/O layer in front of the disk that cuts the power after every single
 * operation (keeping only what was synced, or tearing what was not), pulls the stick at every
 * read, fills the disk at every write and fails every operation once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "sign.h"
#include "test.h"
#include "update.h"
#include "utf8.h"

#define CHECK_REASON(r, want)                                                                              \
    do {                                                                                                   \
        if ((r)->reason != (want)) {                                                                       \
            char msg_[3000];                                                                               \
            snprintf(msg_, sizeof msg_, "reason %s, wanted %s: %.900s | %.1500s", update_reason_name((r)->reason), \
                     update_reason_name(want), (r)->en, (r)->detail);                                      \
            test_fail(__FILE__, __LINE__, msg_);                                                           \
        }                                                                                                  \
    } while (0)

/* ---- files ---- */

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    char out[4096];
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0)
        printf("    command failed (%d): %s\n    %s\n", rc, cmd, out);
    return rc;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *n = len;
    return buf;
}

static void spit(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, n, f) == n);
        fclose(f);
    }
}

static bool same_file(const char *a, const char *b)
{
    size_t na, nb;
    unsigned char *da = slurp(a, &na), *db = slurp(b, &nb);
    bool same = da && db && na == nb && !memcmp(da, db, na);
    free(da);
    free(db);
    return same;
}

static void flip_bit(const char *path, long offset)
{
    size_t n;
    unsigned char *d = slurp(path, &n);
    CHECK(d && (size_t)offset < n);
    if (d && (size_t)offset < n) {
        d[offset] ^= 0x10;
        spit(path, d, n);
    }
    free(d);
}

static const char *fresh_dir(const char *name)
{
    static char dirs[16][512];
    static int next;
    char *d = dirs[next++ % 16];
    snprintf(d, 512, "%s/update-%s", test_tmpdir(), name);
    sh("rm -rf '%s' && mkdir -p '%s'", d, d);
    return d;
}

/* ---- fixtures: keys and packs ---- */

static char keys_dir[512], key_sec[512], other_sec[512], other_pub[512];

static void make_keys(void)
{
    if (keys_dir[0])
        return;
    const char *d = fresh_dir("keys");
    char pub[600];
    snprintf(keys_dir, sizeof keys_dir, "%s/trusted", d);
    mkdir(keys_dir, 0755);
    snprintf(pub, sizeof pub, "%s/office.pub", keys_dir);
    snprintf(key_sec, sizeof key_sec, "%s/office.key", d);
    snprintf(other_sec, sizeof other_sec, "%s/stranger.key", d);
    snprintf(other_pub, sizeof other_pub, "%s/stranger.pub", d);
    err e;
    CHECK(sign_keygen(pub, key_sec, true, NULL, &e));
    CHECK(sign_keygen(other_pub, other_sec, true, NULL, &e));
    /* Files beside the keys that are not keys are skipped, not fatal. */
    char readme[600];
    snprintf(readme, sizeof readme, "%s/README", keys_dir);
    spit(readme, "keys of the Kreisverwaltung\n", 28);
}

/* A pack built by pack_build from a copy of content/kaiserslautern with region.txt edited;
 * built once per (region, version) and kept in the fixture folder. */
static const char *pack_of(const char *region, const char *version)
{
    static char paths[16][600];
    static int count;
    char want[600];
    snprintf(want, sizeof want, "%s/update-packs/%s-%s.pack", test_tmpdir(), region, version);
    for (int i = 0; i < count; i++)
        if (!strcmp(paths[i], want))
            return paths[i];
    if (count == 16)
        return NULL;
    char src[600];
    snprintf(src, sizeof src, "%s/update-packs/src-%s-%s", test_tmpdir(), region, version);
    sh("mkdir -p '%s/update-packs' && rm -rf '%s' && cp -r content/kaiserslautern '%s'", test_tmpdir(), src, src);
    const char *name = strcmp(region, "kaiserslautern") ? "Landkreis Kusel" : "Landkreis Kaiserslautern";
    sh("sed -i 's/^region: .*/region: %s/; s/^version: .*/version: %s/; s/^name: .*/name: %s/' '%s/region.txt'", region,
       version, name, src);
    err e;
    if (!pack_build(src, want, &e)) {
        printf("    cannot build %s: %s\n", want, e.msg);
        CHECK(false);
    }
    snprintf(paths[count], sizeof paths[count], "%s", want);
    return paths[count++];
}

/* Signs `path` into path.minisig with a secret key. comment NULL: the trusted comment
 * wegweiser-pack writes, from the pack's own metadata (with `schema` when >= 0 instead). */
static void sign_file(const char *path, const char *seckey, const char *comment, int schema)
{
    err e = {""};
    sign_seckey sk;
    CHECK(sign_seckey_load(seckey, &sk, &e));
    unsigned char hash[SIGN_HASH_BYTES];
    long long size;
    CHECK(sign_hash_file(path, hash, &size, &e));
    char tc[SIGN_TRUSTED_COMMENT_MAX], sig[700];
    if (comment) {
        snprintf(tc, sizeof tc, "%s", comment);
    } else {
        /* The metadata of a pack pack_open refuses (schema from the future) come from SQL. */
        sqlite3 *db;
        pack_meta m = {.schema_version = PACK_SCHEMA_VERSION};
        CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta", -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                const char *k = (const char *)sqlite3_column_text(st, 0), *v = (const char *)sqlite3_column_text(st, 1);
                if (k && v && !strcmp(k, "region"))
                    snprintf(m.region, sizeof m.region, "%s", v);
                if (k && v && !strcmp(k, "version"))
                    snprintf(m.version, sizeof m.version, "%s", v);
            }
            sqlite3_finalize(st);
        }
        sqlite3_close(db);
        if (schema >= 0)
            m.schema_version = schema;
        CHECK(sign_pack_comment(&m, size, NULL, tc, sizeof tc, &e));
    }
    snprintf(sig, sizeof sig, "%s" SIGN_SUFFIX, path);
    CHECK(sign_write(sig, &sk, hash, tc, NULL, &e));
    sign_seckey_wipe(&sk);
}

/* A stick holding copies of packs, each signed with the trusted key. */
static const char *stick_with(const char *name, const char *pack_path, const char *file_name)
{
    const char *d = fresh_dir(name);
    if (pack_path) {
        char dst[700];
        snprintf(dst, sizeof dst, "%s/%s", d, file_name);
        sh("cp '%s' '%s'", pack_path, dst);
        sign_file(dst, key_sec, NULL, -1);
    }
    return d;
}

static void add_to_stick(const char *stick, const char *pack_path, const char *file_name)
{
    char dst[700];
    snprintf(dst, sizeof dst, "%s/%s", stick, file_name);
    sh("cp '%s' '%s'", pack_path, dst);
    sign_file(dst, key_sec, NULL, -1);
}

static bool run_update_io(const char *data, const char *stick, const update_io *io, bool downgrade, update_result *r)
{
    update_options o = {.data_dir = data, .stick_dir = stick, .keys_dir = keys_dir, .kiosk_id = "lobby-1",
                        .allow_downgrade = downgrade, .io = io};
    return update_run(&o, r);
}

static bool run_update(const char *data, const char *stick, update_result *r)
{
    return run_update_io(data, stick, NULL, false, r);
}

/* A kiosk with kaiserslautern 2026-11-20 installed. */
static const char *installed_kiosk(const char *name)
{
    make_keys();
    char stick_name[128], data_name[128];
    snprintf(stick_name, sizeof stick_name, "%s-first-stick", name);
    snprintf(data_name, sizeof data_name, "%s-data", name);
    const char *stick = stick_with(stick_name, pack_of("kaiserslautern", "2026-11-20"), "kaiserslautern.pack");
    const char *data = fresh_dir(data_name);
    static update_result r;
    CHECK(run_update(data, stick, &r));
    CHECK_REASON(&r, UPDATE_OK);
    return data;
}

/* ---- snapshots of a data folder ---- */

typedef struct snap_file {
    char name[256];
    unsigned char *data;
    size_t n;
} snap_file;

typedef struct snapshot {
    snap_file files[32];
    int count;
} snapshot;

static int cmp_snap(const void *a, const void *b) { return strcmp(((const snap_file *)a)->name, ((const snap_file *)b)->name); }

static void snap_take(const char *dir, snapshot *s)
{
    memset(s, 0, sizeof *s);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) && s->count < 32) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        snap_file *f = &s->files[s->count++];
        char path[800];
        snprintf(f->name, sizeof f->name, "%s", de->d_name);
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        f->data = slurp(path, &f->n);
    }
    closedir(d);
    qsort(s->files, (size_t)s->count, sizeof s->files[0], cmp_snap);
}

static void snap_free(snapshot *s)
{
    for (int i = 0; i < s->count; i++)
        free(s->files[i].data);
    s->count = 0;
}

/* "" when equal, else what differs. */
static const char *snap_diff(const snapshot *a, const snapshot *b)
{
    static char why[600];
    why[0] = 0;
    if (a->count != b->count) {
        snprintf(why, sizeof why, "%d files before, %d after:", a->count, b->count);
        for (int i = 0; i < b->count; i++)
            snprintf(why + strlen(why), sizeof why - strlen(why), " %s", b->files[i].name);
        return why;
    }
    for (int i = 0; i < a->count; i++)
        if (strcmp(a->files[i].name, b->files[i].name) || a->files[i].n != b->files[i].n ||
            memcmp(a->files[i].data, b->files[i].data, a->files[i].n)) {
            snprintf(why, sizeof why, "%s changed", a->files[i].name);
            return why;
        }
    return why;
}

static void snap_restore(const char *dir, const snapshot *s)
{
    sh("rm -rf '%s' && mkdir -p '%s'", dir, dir);
    for (int i = 0; i < s->count; i++) {
        char path[800];
        snprintf(path, sizeof path, "%s/%s", dir, s->files[i].name);
        spit(path, s->files[i].data, s->files[i].n);
    }
}

#define CHECK_UNCHANGED(before, dir)                                      \
    do {                                                                  \
        snapshot after_;                                                  \
        snap_take((dir), &after_);                                        \
        const char *d_ = snap_diff((before), &after_);                    \
        if (d_[0])                                                        \
            test_fail(__FILE__, __LINE__, d_);                            \
        snap_free(&after_);                                               \
    } while (0)

/* What a start would show: "current 2026-11-22", "previous ...", "demo ..." or "none". */
static const char *shown(const char *data)
{
    static char out[8][200];
    static int next;
    char *o = out[next++ % 8];
    pack *p = NULL;
    char what[1200];
    err e;
    update_source src = update_open_installed(data, test_demo_pack(), &p, what, sizeof what, &e);
    const char *names[] = {"none", "current", "previous", "demo"};
    snprintf(o, 200, "%s %s", names[src], p ? pack_get_meta(p)->version : "-");
    pack_close(p);
    return o;
}

/* The bytes `current` names, compared with a pack file. */
static bool current_is(const char *data, const char *pack_path)
{
    char ptr[800], *text;
    size_t n;
    snprintf(ptr, sizeof ptr, "%s/current", data);
    text = (char *)slurp(ptr, &n);
    if (!text)
        return false;
    char *line = strstr(text, "\nfile ");
    bool same = false;
    if (line) {
        char file[300], path[1200];
        sscanf(line + 6, "%299s", file);
        snprintf(path, sizeof path, "%s/%s", data, file);
        same = same_file(path, pack_path);
    }
    free(text);
    return same;
}

/* Every refusal: its reason, its words in both languages, and nothing changed. */
static void refused(const char *data, const snapshot *before, const update_result *r, update_reason want,
                    const char *en, const char *de)
{
    CHECK(!r->installed);
    CHECK_REASON(r, want);
    CHECK_HAS(r->en, en);
    CHECK_HAS(r->de, de);
    CHECK_HAS(r->en, "Nothing was changed: the kiosk still shows Landkreis Kaiserslautern 2026-11-20.");
    CHECK_HAS(r->de, "Es wurde nichts geändert: Der Kiosk zeigt weiter Landkreis Kaiserslautern 2026-11-20.");
    CHECK_UNCHANGED(before, data);
    CHECK_STR(shown(data), "current 2026-11-20");
}

/* ---- the happy paths ---- */

typedef struct progress_seen {
    int calls;
    long long first_done, done, total;
} progress_seen;

static void on_progress(void *user, long long done, long long total)
{
    progress_seen *p = user;
    if (!p->calls++)
        p->first_done = done;
    CHECK(done >= p->done && done <= total);
    p->done = done;
    p->total = total;
}

TEST(update_installs_keeps_previous_and_cleans_up)
{
    make_keys();
    const char *data = fresh_dir("happy-data");
    const char *s20 = stick_with("happy-20", pack_of("kaiserslautern", "2026-11-20"), "kaiserslautern.pack");
    static update_result r;
    CHECK_STR(shown(data), "demo 2026-11-22");
    CHECK(run_update(data, s20, &r));
    char want[300];
    pack *p = pack_open(pack_of("kaiserslautern", "2026-11-20"), NULL);
    CHECK(p != NULL);
    snprintf(want, sizeof want, "Installed Landkreis Kaiserslautern 2026-11-20: %d pages, %d languages. You can "
             "remove the stick.", p ? pack_page_count(p) : 0, p ? pack_language_count(p) : 0);
    pack_close(p);
    CHECK_STR(r.en, want);
    CHECK_HAS(r.de, "Installiert: Landkreis Kaiserslautern 2026-11-20");
    CHECK_STR(shown(data), "current 2026-11-20");
    CHECK(current_is(data, pack_of("kaiserslautern", "2026-11-20")));

    const char *s22 = stick_with("happy-22", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    progress_seen prog = {0};
    update_options o = {.data_dir = data, .stick_dir = s22, .keys_dir = keys_dir, .kiosk_id = "lobby-1",
                        .progress = on_progress, .progress_user = &prog};
    CHECK(update_run(&o, &r));
    size_t pack_size;
    free(slurp(pack_of("kaiserslautern", "2026-11-22"), &pack_size));
    CHECK(prog.calls >= 2 && prog.first_done == 0);
    CHECK_INT(prog.done, pack_size);
    CHECK_INT(prog.total, pack_size);
    p = pack_open(pack_of("kaiserslautern", "2026-11-22"), NULL);
    CHECK(p != NULL);
    snprintf(want, sizeof want, "Updated Landkreis Kaiserslautern from 2026-11-20 to 2026-11-22: %d pages, %d languages. "
             "You can remove the stick.", p ? pack_page_count(p) : 0, p ? pack_language_count(p) : 0);
    pack_close(p);
    CHECK_STR(r.en, want);
    CHECK_HAS(r.de, "Aktualisiert: Landkreis Kaiserslautern von 2026-11-20 auf 2026-11-22");
    CHECK_HAS(r.de, "Sie können den Stick jetzt abziehen.");
    CHECK_STR(r.old_version, "2026-11-20");
    CHECK_STR(r.new_version, "2026-11-22");
    CHECK_STR(shown(data), "current 2026-11-22");
    CHECK(current_is(data, pack_of("kaiserslautern", "2026-11-22")));

    update_slot_info cur, prev;
    err e;
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    CHECK(cur.ok && prev.ok);
    CHECK_STR(cur.version, "2026-11-22");
    CHECK_STR(prev.version, "2026-11-20");
    CHECK_STR(prev.region, "kaiserslautern");

    /* A third version: 11-20 leaves the disk, 11-22 becomes the fallback. */
    const char *s23 = stick_with("happy-23", pack_of("kaiserslautern", "2026-11-23"), "kaiserslautern.pack");
    CHECK(run_update(data, s23, &r));
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    CHECK_STR(cur.version, "2026-11-23");
    CHECK_STR(prev.version, "2026-11-22");
    snapshot s;
    snap_take(data, &s);
    CHECK_INT(s.count, 5); /* .update.lock, current, previous, two packs */
    for (int i = 0; i < s.count; i++)
        CHECK(!strstr(s.files[i].name, "2026-11-20") && !strstr(s.files[i].name, ".tmp") &&
              strcmp(s.files[i].name, "incoming.part"));
    snap_free(&s);

    /* The receipt on the stick: kiosk, old and new version, time, result. */
    char path[700];
    size_t n;
    snprintf(path, sizeof path, "%s/wegweiser-receipt-lobby-1.txt", s22);
    char *receipt = (char *)slurp(path, &n);
    CHECK(receipt != NULL);
    if (receipt) {
        receipt = realloc(receipt, n + 1);
        receipt[n] = 0;
        CHECK_HAS(receipt, "kiosk=lobby-1 result=installed old=kaiserslautern/2026-11-20 new=kaiserslautern/2026-11-22 "
                           "file=kaiserslautern.pack | Updated");
        CHECK(receipt[4] == '-' && strstr(receipt, "Z kiosk="));
        free(receipt);
    }
    CHECK_HAS(r.receipt, "receipt written to");
}

TEST(update_same_version_again_changes_nothing)
{
    const char *data = installed_kiosk("same");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("same-stick", pack_of("kaiserslautern", "2026-11-20"), "kaiserslautern.pack");
    static update_result r;
    CHECK(!run_update(data, stick, &r));
    refused(data, &before, &r, UPDATE_SAME, "Version 2026-11-20 is already installed.",
            "Version 2026-11-20 ist bereits installiert.");
    /* Even when staff force it, the same bytes are not installed twice. */
    CHECK(!run_update_io(data, stick, NULL, true, &r));
    CHECK_REASON(&r, UPDATE_SAME);
    CHECK_UNCHANGED(&before, data);
    snap_free(&before);
}

TEST(update_older_version_only_when_staff_allow_it)
{
    const char *data = installed_kiosk("older");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("older-stick", pack_of("kaiserslautern", "2026-11-19"), "kaiserslautern.pack");
    static update_result r;
    CHECK(!run_update(data, stick, &r));
    refused(data, &before, &r, UPDATE_OLDER, "is version 2026-11-19, older than the installed version 2026-11-20",
            "ist Version 2026-11-19, älter als die installierte Version 2026-11-20");
    snap_free(&before);
    CHECK(run_update_io(data, stick, NULL, true, &r));
    CHECK_STR(shown(data), "current 2026-11-19");
    CHECK_HAS(r.en, "Updated Landkreis Kaiserslautern from 2026-11-20 to 2026-11-19");
}

TEST(update_versions_compare_as_people_read_them)
{
    const char *data = installed_kiosk("versions");
    static update_result r;
    /* 2026-11-20.2 is newer than 2026-11-20, and 2026-11-20.10 newer than .2. */
    CHECK(run_update(data, stick_with("v-2", pack_of("kaiserslautern", "2026-11-20.2"), "k.pack"), &r));
    CHECK(run_update(data, stick_with("v-10", pack_of("kaiserslautern", "2026-11-20.10"), "k.pack"), &r));
    CHECK(!run_update(data, stick_with("v-9", pack_of("kaiserslautern", "2026-11-20.9"), "k.pack"), &r));
    CHECK_REASON(&r, UPDATE_OLDER);
    CHECK_STR(shown(data), "current 2026-11-20.10");
}

TEST(update_picks_the_newest_pack_of_its_region)
{
    const char *data = installed_kiosk("pick");
    const char *stick = stick_with("pick-stick", pack_of("kusel", "2026-12-01"), "kusel.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-22"), "kl-22.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-23"), "kl-23.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-19"), "kl-19.pack");
    sh("ln -s /etc/passwd '%s/aaa.pack'", stick);
    static update_result r;
    CHECK(run_update(data, stick, &r));
    CHECK_STR(r.file, "kl-23.pack");
    CHECK_STR(shown(data), "current 2026-11-23");
    CHECK_HAS(r.detail, "kusel.pack: a pack for region 'kusel'; this kiosk is for 'kaiserslautern'");
    CHECK_HAS(r.detail, "aaa.pack: a symbolic link");
}

TEST(update_damaged_newest_falls_back_to_the_next)
{
    const char *data = installed_kiosk("next");
    const char *stick = stick_with("next-stick", pack_of("kaiserslautern", "2026-11-23"), "kl-23.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-22"), "kl-22.pack");
    char path[700];
    snprintf(path, sizeof path, "%s/kl-23.pack", stick);
    flip_bit(path, 5000);
    static update_result r;
    CHECK(run_update(data, stick, &r));
    CHECK_STR(r.file, "kl-22.pack");
    CHECK_HAS(r.detail, "kl-23.pack: the pack was changed after signing or is damaged");
    CHECK_STR(shown(data), "current 2026-11-22");
}

TEST(update_first_install_takes_any_region_unless_configured)
{
    make_keys();
    const char *data = fresh_dir("region-data");
    const char *stick = stick_with("region-stick", pack_of("kusel", "2026-12-01"), "kusel.pack");
    static update_result r;
    update_options o = {.data_dir = data, .stick_dir = stick, .keys_dir = keys_dir, .region = "kaiserslautern"};
    CHECK(!update_run(&o, &r));
    CHECK_REASON(&r, UPDATE_OTHER_REGION);
    CHECK_HAS(r.en, "kusel.pack is for another region (kusel); this kiosk shows kaiserslautern.");
    CHECK_HAS(r.en, "Nothing was changed.");
    CHECK_HAS(r.de, "kusel.pack ist für eine andere Region (kusel)");
    CHECK_STR(shown(data), "demo 2026-11-22");
    o.region = NULL;
    CHECK(update_run(&o, &r));
    CHECK_STR(shown(data), "current 2026-12-01");
}

TEST(update_start_falls_back_to_previous_then_demo)
{
    const char *data = installed_kiosk("fallback");
    static update_result r;
    CHECK(run_update(data, stick_with("fallback-22", pack_of("kaiserslautern", "2026-11-22"), "k.pack"), &r));
    update_slot_info cur, prev;
    err e;
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    char path[900];
    snprintf(path, sizeof path, "%s/%s", data, cur.file);
    flip_bit(path, 70000); /* the SD card rotted one bit of the installed pack */
    pack *p = NULL;
    char what[1200];
    CHECK_INT(update_open_installed(data, test_demo_pack(), &p, what, sizeof what, &e), UPDATE_SOURCE_PREVIOUS);
    CHECK(p && !strcmp(pack_get_meta(p)->version, "2026-11-20"));
    CHECK_HAS(what, "showing the previous pack kaiserslautern 2026-11-20, because the installed one failed");
    CHECK_HAS(what, "its contents changed since it was installed");
    pack_close(p);
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    CHECK(!cur.ok && prev.ok);

    /* The update compares with what is shown (11-20), so the same 11-22 repairs the kiosk. */
    CHECK(run_update(data, stick_with("fallback-again", pack_of("kaiserslautern", "2026-11-22"), "k.pack"), &r));
    CHECK_STR(shown(data), "current 2026-11-22");
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    CHECK(cur.ok && prev.ok);
    CHECK_STR(prev.version, "2026-11-20"); /* a broken pack is never kept as the fallback */

    /* Both gone: the demo pack, and the reason. */
    snprintf(path, sizeof path, "%s/%s", data, prev.file);
    unlink(path);
    snprintf(path, sizeof path, "%s/current", data);
    spit(path, "garbage\n", 8);
    CHECK_INT(update_open_installed(data, test_demo_pack(), &p, what, sizeof what, &e), UPDATE_SOURCE_DEMO);
    CHECK_HAS(what, "showing the demo pack, because no installed pack could be used");
    CHECK_HAS(what, "current is damaged");
    pack_close(p);
    CHECK_INT(update_open_installed(data, NULL, &p, what, sizeof what, &e), UPDATE_SOURCE_NONE);
    CHECK(p == NULL);
    CHECK_HAS(e.msg, "no content");
    /* A pointer cannot lead outside the data folder. */
    const char *evil = "file ../../etc/passwd\nsize 1\nblake2b 00\nregion x\nversion 1\n";
    spit(path, evil, strlen(evil));
    CHECK_INT(update_open_installed(data, test_demo_pack(), &p, what, sizeof what, &e), UPDATE_SOURCE_DEMO);
    pack_close(p);
}

TEST(update_refuses_without_trusted_keys_or_while_busy)
{
    const char *data = installed_kiosk("config");
    const char *stick = stick_with("config-stick", pack_of("kaiserslautern", "2026-11-22"), "k.pack");
    snapshot before;
    snap_take(data, &before);
    static update_result r;
    update_options o = {.data_dir = data, .stick_dir = stick, .keys_dir = fresh_dir("no-keys")};
    CHECK(!update_run(&o, &r));
    refused(data, &before, &r, UPDATE_NO_KEYS, "no trusted key", "keinen vertrauenswürdigen Schlüssel");
    char lock_path[700];
    snprintf(lock_path, sizeof lock_path, "%s/.update.lock", data);
    int fd = update_io_posix()->lock(NULL, lock_path);
    CHECK(fd >= 0);
    CHECK(!run_update(data, stick, &r));
    CHECK_REASON(&r, UPDATE_BUSY);
    CHECK_HAS(r.en, "Another update is running. Wait until it has finished. Nothing was changed.");
    CHECK_HAS(r.de, "Eine andere Aktualisierung läuft gerade.");
    CHECK_UNCHANGED(&before, data);
    close(fd);
    snap_free(&before);
    CHECK(run_update(data, stick, &r));
}

TEST(update_leaves_private_sticks_alone)
{
    const char *data = installed_kiosk("private");
    const char *stick = fresh_dir("private-stick");
    sh("echo holiday > '%s/photo.jpg'", stick);
    static update_result r;
    CHECK(!run_update(data, stick, &r));
    CHECK_REASON(&r, UPDATE_NO_PACK);
    CHECK_HAS(r.en, "There is no content pack on the stick");
    CHECK_HAS(r.de, "Auf dem Stick ist kein Inhaltspaket");
    snapshot s;
    snap_take(stick, &s);
    CHECK_INT(s.count, 1); /* no receipt on a stick without a pack */
    snap_free(&s);
    CHECK(!run_update(data, "/nonexistent/stick", &r));
    CHECK_REASON(&r, UPDATE_NO_STICK);
}

/* ---- hostile sticks ---- */

TEST(update_hostile_no_signature)
{
    const char *data = installed_kiosk("h-nosig");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-nosig-stick");
    sh("cp '%s' '%s/kaiserslautern.pack'", pack_of("kaiserslautern", "2026-11-22"), stick);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NO_SIGNATURE, "kaiserslautern.pack has no signature: kaiserslautern.pack.minisig is missing",
            "kaiserslautern.pack hat keine Signatur");
    snap_free(&before);
}

TEST(update_hostile_unknown_key)
{
    const char *data = installed_kiosk("h-key");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-key-stick");
    char dst[700];
    snprintf(dst, sizeof dst, "%s/kaiserslautern.pack", stick);
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), dst);
    sign_file(dst, other_sec, NULL, -1);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_UNKNOWN_KEY, "is signed with a key this kiosk does not trust",
            "mit einem Schlüssel signiert, dem dieser Kiosk nicht vertraut");
    snap_free(&before);
}

TEST(update_hostile_valid_signature_over_other_bytes)
{
    const char *data = installed_kiosk("h-other");
    snapshot before;
    snap_take(data, &before);
    /* The genuine signature of 11-23, next to the bytes of 11-22 (same size). */
    const char *stick = stick_with("h-other-stick", pack_of("kaiserslautern", "2026-11-23"), "kaiserslautern.pack");
    sh("cp '%s' '%s/kaiserslautern.pack'", pack_of("kaiserslautern", "2026-11-22"), stick);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_TAMPERED, "does not match its signature", "passt nicht zu seiner Signatur");
    CHECK_HAS(r.detail, "the pack was changed after signing or is damaged");
    snap_free(&before);
}

TEST(update_hostile_flipped_bit)
{
    const char *data = installed_kiosk("h-flip");
    snapshot before;
    snap_take(data, &before);
    size_t n;
    unsigned char *bytes = slurp(pack_of("kaiserslautern", "2026-11-22"), &n);
    free(bytes);
    long offsets[] = {0, 61, (long)n / 2, (long)n - 1};
    for (int i = 0; i < 4; i++) {
        const char *stick = stick_with("h-flip-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
        char path[700];
        snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
        flip_bit(path, offsets[i]);
        static update_result r;
        run_update(data, stick, &r);
        refused(data, &before, &r, UPDATE_TAMPERED,
                "kaiserslautern.pack does not match its signature: it was changed after signing or is damaged",
                "kaiserslautern.pack passt nicht zu seiner Signatur");
    }
    snap_free(&before);
}

TEST(update_hostile_truncated_pack)
{
    const char *data = installed_kiosk("h-trunc");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-trunc-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    sh("truncate -s -4096 '%s/kaiserslautern.pack'", stick);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_TRUNCATED, "is incomplete or too long", "ist unvollständig oder zu lang");
    snap_free(&before);
}

TEST(update_hostile_other_region)
{
    const char *data = installed_kiosk("h-region");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-region-stick", pack_of("kusel", "2026-12-01"), "kusel.pack");
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_OTHER_REGION,
            "kusel.pack is for another region (kusel); this kiosk shows Landkreis Kaiserslautern (kaiserslautern).",
            "kusel.pack ist für eine andere Region (kusel); dieser Kiosk zeigt Landkreis Kaiserslautern");
    /* The same pack signed with a comment that does not name a region (plain minisign) is
     * caught from the pack's own metadata after the copy. */
    char path[700];
    snprintf(path, sizeof path, "%s/kusel.pack", stick);
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kusel.pack\thashed", -1);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_OTHER_REGION, "is for another region (kusel)", "andere Region (kusel)");
    snap_free(&before);
}

TEST(update_hostile_older_version)
{
    const char *data = installed_kiosk("h-older");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-older-stick", pack_of("kaiserslautern", "2026-11-19"), "kaiserslautern.pack");
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_OLDER, "older than the installed version", "älter als die installierte");
    snap_free(&before);
}

TEST(update_hostile_symlink_to_system_file)
{
    const char *data = installed_kiosk("h-link");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-link-stick");
    /* Even a valid signature of what the link points at does not make the kiosk follow it. */
    char sig[700], sys_copy[700];
    snprintf(sys_copy, sizeof sys_copy, "%s/../passwd-copy", stick);
    sh("cp /etc/passwd '%s' && ln -s /etc/passwd '%s/kaiserslautern.pack'", sys_copy, stick);
    sign_file(sys_copy, key_sec, "wegweiser region=kaiserslautern version=2099-01-01 schema=1", -1);
    snprintf(sig, sizeof sig, "%s" SIGN_SUFFIX, sys_copy);
    sh("mv '%s' '%s/kaiserslautern.pack.minisig'", sig, stick);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_SYMLINK, "kaiserslautern.pack on the stick is only a link to another file",
            "ist nur eine Verknüpfung auf eine andere Datei");
    /* A real pack whose signature is a link. */
    const char *stick2 = stick_with("h-link-sig", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    sh("mv '%s/kaiserslautern.pack.minisig' '%s/elsewhere' && ln -s '%s/elsewhere' '%s/kaiserslautern.pack.minisig'",
       stick2, stick2, stick2, stick2);
    run_update(data, stick2, &r);
    refused(data, &before, &r, UPDATE_SYMLINK, "only a link", "nur eine Verknüpfung");
    CHECK_HAS(r.detail, "its signature kaiserslautern.pack.minisig is a symbolic link");
    snap_free(&before);
}

TEST(update_hostile_directory_and_fifo_named_like_packs)
{
    const char *data = installed_kiosk("h-dir");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-dir-stick");
    sh("mkdir '%s/kaiserslautern.pack' && touch '%s/kaiserslautern.pack.minisig'", stick, stick);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NOT_A_FILE, "kaiserslautern.pack on the stick is a folder or a special file",
            "ist ein Ordner oder eine Sonderdatei");
    CHECK_HAS(r.detail, "a folder, not a plain file");
    /* A FIFO would hang a plain open forever. */
    const char *stick2 = fresh_dir("h-fifo-stick");
    sh("mkfifo '%s/kaiserslautern.pack'", stick2);
    run_update(data, stick2, &r);
    refused(data, &before, &r, UPDATE_NOT_A_FILE, "a folder or a special file", "Sonderdatei");
    /* A FIFO as the signature of a real pack. */
    const char *stick3 = stick_with("h-fifo-sig", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    sh("rm '%s/kaiserslautern.pack.minisig' && mkfifo '%s/kaiserslautern.pack.minisig'", stick3, stick3);
    run_update(data, stick3, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "is damaged or not a signature", "ist beschädigt oder keine Signatur");
    snap_free(&before);
}

/* An I/O layer over POSIX that counts reads of one path: the sparse file must not be read. */
typedef struct read_counter {
    update_io io;
    const char *watch;
    int watched_fd;
    long reads;
} read_counter;

static int rc_open(void *ctx, const char *path, int flags, mode_t mode)
{
    read_counter *c = ctx;
    int fd = update_io_posix()->open(NULL, path, flags, mode);
    if (fd >= 0 && !strcmp(path, c->watch))
        c->watched_fd = fd;
    return fd;
}

static ssize_t rc_read(void *ctx, int fd, void *buf, size_t n)
{
    read_counter *c = ctx;
    if (fd == c->watched_fd)
        c->reads++;
    return update_io_posix()->read(NULL, fd, buf, n);
}

TEST(update_hostile_huge_sparse_file)
{
    const char *data = installed_kiosk("h-huge");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-huge-stick");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    CHECK_INT(sh("truncate -s 10G '%s'", path), 0);
    sign_file(pack_of("kaiserslautern", "2026-11-22"), key_sec, NULL, -1); /* any real signature beside it */
    sh("cp '%s.minisig' '%s.minisig'", pack_of("kaiserslautern", "2026-11-22"), path);
    read_counter rc = {.io = *update_io_posix(), .watch = path, .watched_fd = -1};
    rc.io.ctx = &rc;
    rc.io.open = rc_open;
    rc.io.read = rc_read;
    static update_result r;
    run_update_io(data, stick, &rc.io, false, &r);
    refused(data, &before, &r, UPDATE_TOO_LARGE, "kaiserslautern.pack is too large for a content pack (more than 512 MiB)",
            "ist zu groß für ein Inhaltspaket (mehr als 512 MiB)");
    CHECK_INT(rc.reads, 0);
    CHECK_INT(rc.watched_fd, -1); /* not even opened */
    /* The limit is configurable: a real pack above a 1 MiB limit. */
    const char *stick2 = stick_with("h-limit", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    update_options o = {.data_dir = data, .stick_dir = stick2, .keys_dir = keys_dir, .max_pack_bytes = 1 << 19};
    update_run(&o, &r);
    refused(data, &before, &r, UPDATE_TOO_LARGE, "more than 524288 bytes", "mehr als 524288 Bytes");
    snap_free(&before);
}

/* Changes one byte of a file in place and puts its modification time back as it was. */
static void flip_in_place_keeping_mtime(const char *path, long offset)
{
    struct stat st;
    CHECK(stat(path, &st) == 0);
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f) {
        CHECK(fseek(f, offset, SEEK_SET) == 0);
        int ch = fgetc(f);
        CHECK(fseek(f, offset, SEEK_SET) == 0);
        fputc(ch ^ 0x10, f);
        fclose(f);
    }
    struct timespec times[2] = {{0, UTIME_OMIT}, st.st_mtim};
    CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
}

static update_source start_counting(const char *data, read_counter *rc)
{
    pack *p = NULL;
    char what[1200];
    err e;
    rc->reads = 0;
    rc->watched_fd = -1;
    update_source src = update_open_installed_io(&rc->io, data, test_demo_pack(), &p, what, sizeof what, &e);
    pack_close(p);
    return src;
}

TEST(update_start_trusts_the_install_record_only_while_the_file_is_unchanged)
{
    const char *data = installed_kiosk("record");
    static update_result r;
    CHECK(run_update(data, stick_with("record-22", pack_of("kaiserslautern", "2026-11-22"), "k.pack"), &r));
    update_slot_info cur, prev;
    err e;
    CHECK(update_status(NULL, data, &cur, &prev, &e));
    char pack_path[900], ptr_path[700], moved[950];
    snprintf(pack_path, sizeof pack_path, "%s/%s", data, cur.file);
    snprintf(ptr_path, sizeof ptr_path, "%s/current", data);
    char *ptr = test_read_file(ptr_path, NULL);
    CHECK(ptr != NULL);
    if (ptr) {
        CHECK_HAS(ptr, "\nstat ");
        CHECK_HAS(ptr, "\nverified blake2b quick_check\n");
        free(ptr);
    }
    read_counter rc = {.io = *update_io_posix(), .watch = pack_path, .watched_fd = -1};
    rc.io.ctx = &rc;
    rc.io.open = rc_open;
    rc.io.read = rc_read;
    /* The very file the install verified: not a byte of it is read to trust it. */
    CHECK_INT(start_counting(data, &rc), UPDATE_SOURCE_CURRENT);
    CHECK_INT(rc.reads, 0);
    /* `update --status` looks deeper: it hashes the file whatever the record says. */
    rc.reads = 0;
    CHECK(update_status(&rc.io, data, &cur, &prev, &e));
    CHECK(cur.ok && rc.reads > 0);
    /* Touched (a backup restored it, a tool looked at it the wrong way): the same bytes, but
     * proved by hashing them again. */
    struct timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
    CHECK(utimensat(AT_FDCWD, pack_path, times, 0) == 0);
    CHECK_INT(start_counting(data, &rc), UPDATE_SOURCE_CURRENT);
    CHECK(rc.reads > 0);
    /* Another file put in its place with the same size and times: another inode. */
    snprintf(moved, sizeof moved, "%s.other", pack_path);
    CHECK_INT(sh("cp -p '%s' '%s' && mv '%s' '%s'", pack_path, moved, moved, pack_path), 0);
    CHECK_INT(start_counting(data, &rc), UPDATE_SOURCE_CURRENT);
    CHECK(rc.reads > 0);
    CHECK_INT(sh("cp -p '%s' '%s'", pack_path, moved), 0);
    flip_in_place_keeping_mtime(moved, 70000);
    CHECK_INT(sh("mv '%s' '%s'", moved, pack_path), 0);
    CHECK_STR(shown(data), "previous 2026-11-20");
    /* Changed in place with its modification time put back: its ctime moved all the same. */
    CHECK(run_update(data, stick_with("record-again", pack_of("kaiserslautern", "2026-11-22"), "k.pack"), &r));
    CHECK_INT(start_counting(data, &rc), UPDATE_SOURCE_CURRENT);
    CHECK_INT(rc.reads, 0);
    flip_in_place_keeping_mtime(pack_path, 70000);
    pack *p = NULL;
    char what[1200];
    CHECK_INT(update_open_installed(data, test_demo_pack(), &p, what, sizeof what, &e), UPDATE_SOURCE_PREVIOUS);
    CHECK_HAS(what, "its contents changed since it was installed");
    pack_close(p);
}

TEST(update_hostile_garbage_signature)
{
    const char *data = installed_kiosk("h-garbage");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-garbage-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char sig[700];
    snprintf(sig, sizeof sig, "%s/kaiserslautern.pack.minisig", stick);
    const char *garbage[] = {"", "hello\n", "untrusted comment: x\nRWQ=\ntrusted comment: y\nAAAA\n"};
    static update_result r;
    for (int i = 0; i < 3; i++) {
        spit(sig, garbage[i], strlen(garbage[i]));
        run_update(data, stick, &r);
        refused(data, &before, &r, UPDATE_BAD_SIGNATURE,
                "The signature kaiserslautern.pack.minisig is damaged or not a signature",
                "Die Signatur kaiserslautern.pack.minisig ist beschädigt oder keine Signatur");
        CHECK_HAS(r.detail, i ? "malformed signature" : "its signature file is empty");
    }
    CHECK_INT(sh("head -c 100000 /dev/urandom > '%s'", sig), 0);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "damaged or not a signature", "keine Signatur");
    CHECK_HAS(r.detail, "larger than 16384 bytes");
    /* A genuine signature whose trusted comment was edited (a newer version claimed). */
    char pack_path[700];
    snprintf(pack_path, sizeof pack_path, "%s/kaiserslautern.pack", stick);
    sign_file(pack_path, key_sec, NULL, -1);
    size_t n;
    char *text = (char *)slurp(sig, &n);
    char *v = text ? strstr(text, "version=2026") : NULL;
    CHECK(v != NULL);
    if (v) {
        v[strlen("version=2026") - 1] = '7';
        spit(sig, text, n);
    }
    free(text);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "damaged or not a signature", "keine Signatur");
    CHECK_HAS(r.detail, "trusted comment was changed after signing");
    snap_free(&before);
}

TEST(update_hostile_signed_file_that_is_not_sqlite)
{
    const char *data = installed_kiosk("h-notsql");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-notsql-stick");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    CHECK_INT(sh("head -c 300000 /dev/urandom > '%s'", path), 0);
    sign_file(path, key_sec, "signed by a careless colleague", -1);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NOT_A_PACK, "kaiserslautern.pack is signed, but it is not a Wegweiser content pack",
            "ist signiert, aber kein Wegweiser-Inhaltspaket");
    /* An SQLite file that is not a pack. */
    unlink(path);
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('region', 'kaiserslautern');",
                       NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    sign_file(path, key_sec, "signed by a careless colleague", -1);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NOT_A_PACK, "not a Wegweiser content pack", "kein Wegweiser-Inhaltspaket");
    snap_free(&before);
}

static void set_user_version(const char *path, int v)
{
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v);
    CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
}

TEST(update_hostile_schema_from_the_future)
{
    const char *data = installed_kiosk("h-future");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-future-stick");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-23"), path);
    set_user_version(path, PACK_SCHEMA_VERSION + 1);
    sign_file(path, key_sec, NULL, PACK_SCHEMA_VERSION + 1);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_SCHEMA_NEWER, "kaiserslautern.pack needs newer kiosk software",
            "braucht eine neuere Kiosk-Software");
    /* Signed by plain minisign, the comment says nothing: the pack's header does. */
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kaiserslautern.pack\thashed", -1);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_SCHEMA_NEWER, "Update the kiosk software first", "Aktualisieren Sie zuerst");
    /* And a pack from before the current schema. */
    set_user_version(path, PACK_SCHEMA_VERSION - 1);
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kaiserslautern.pack\thashed", -1);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_SCHEMA_OLDER, "is in an old content format", "hat ein altes Inhaltsformat");
    snap_free(&before);
}

TEST(update_hostile_signed_but_damaged_inside)
{
    const char *data = installed_kiosk("h-corrupt");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-corrupt-stick");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-23"), path);
    /* Garbage over a page past the header, then signed: the signature is fine, SQLite is not. */
    size_t n;
    unsigned char *d = slurp(path, &n);
    CHECK(d && n > 40000);
    if (d && n > 40000) {
        memset(d + 8192, 0xA5, 8192);
        spit(path, d, n);
    }
    free(d);
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kaiserslautern.pack\thashed", -1);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_CORRUPT, "is signed, but its contents are damaged",
            "ist signiert, aber sein Inhalt ist beschädigt");
    snap_free(&before);
}

TEST(update_hostile_file_names_cannot_forge_lines)
{
    const char *data = installed_kiosk("h-names");
    const char *stick = fresh_dir("h-names-stick");
    sh("cp '%s' \"%s/$(printf 'evil\\nresult=installed\\033[2J.pack')\"", pack_of("kaiserslautern", "2026-11-22"),
       stick);
    static update_result r;
    run_update(data, stick, &r);
    CHECK_REASON(&r, UPDATE_NO_SIGNATURE);
    CHECK(!strchr(r.en, '\n') && !strchr(r.en, '\033'));
    CHECK_HAS(r.en, "evil?result=installed?[2J.pack has no signature");
    char path[700];
    size_t n;
    snprintf(path, sizeof path, "%s/wegweiser-receipt-lobby-1.txt", stick);
    char *receipt = (char *)slurp(path, &n);
    CHECK(receipt != NULL);
    if (receipt) {
        CHECK(n > 0 && memchr(receipt, '\n', n) == receipt + n - 1); /* exactly one line */
        free(receipt);
    }
}

/* ---- more hostile sticks: special files, names, comments, formats, many packs ---- */

static void make_socket(const char *path)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    CHECK(s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0);
    if (s >= 0)
        close(s); /* the socket file stays */
}

TEST(update_hostile_sockets_and_devices_named_like_packs_or_signatures)
{
    const char *data = installed_kiosk("h-sock");
    snapshot before;
    snap_take(data, &before);
    /* Short names: a socket's path has a small limit. */
    const char *stick = fresh_dir("hs1");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    make_socket(path);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NOT_A_FILE, "is a folder or a special file", "Sonderdatei");
    /* A socket as the signature cannot even be opened; that is this pack's problem, not the stick's. */
    const char *stick2 = stick_with("hs2", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    snprintf(path, sizeof path, "%s/kaiserslautern.pack.minisig", stick2);
    unlink(path);
    make_socket(path);
    run_update(data, stick2, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "is damaged or not a signature", "keine Signatur");
    CHECK_HAS(r.detail, "is a FIFO, socket or device, not a plain file");
    /* An endless character device (like /dev/zero) as the signature is never opened: were it read,
     * the detail would say it is too large. Creating device nodes needs CAP_MKNOD. */
    unlink(path);
    if (mknod(path, S_IFCHR | 0644, makedev(1, 5)) == 0) {
        run_update(data, stick2, &r);
        refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "is damaged or not a signature", "keine Signatur");
        CHECK_HAS(r.detail, "is a FIFO, socket or device, not a plain file");
    } else {
        printf("    (no device node test: mknod: %s)\n", strerror(errno));
    }
    snap_free(&before);
}

TEST(update_hostile_name_too_long_for_a_signature_beside_it)
{
    const char *data = installed_kiosk("h-long");
    const char *stick = stick_with("h-long-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char name[256], path[1000];
    memset(name, 'a', 250);
    snprintf(name + 250, sizeof name - 250, ".pack"); /* 255 bytes: the longest name; .minisig cannot follow */
    snprintf(path, sizeof path, "%s/%s", stick, name);
    spit(path, "x", 1);
    static update_result r;
    /* The long name sorts first; it must cost only itself, not the pack beside it. */
    CHECK(run_update(data, stick, &r));
    CHECK_REASON(&r, UPDATE_OK);
    CHECK_HAS(r.detail, "the pack's name is too long to have one beside it");
    CHECK_STR(shown(data), "current 2026-11-22");
}

/* Valid UTF-8, no control characters (but line ends, where `lines`) and no bidi controls: fit for
 * the overlay and a receipt. */
static bool clean_text(const char *s, bool lines)
{
    while (*s) {
        uint32_t c = utf8_next(&s);
        if (c == '\n' && lines)
            continue;
        if (c == 0xFFFD || c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202A && c <= 0x202E) ||
            (c >= 0x2066 && c <= 0x2069))
            return false;
    }
    return true;
}

TEST(update_hostile_names_not_utf8_or_with_bidi_controls)
{
    const char *data = installed_kiosk("h-utf8");
    const char *stick = fresh_dir("h-utf8-stick");
    /* Invalid UTF-8, then RIGHT-TO-LEFT OVERRIDE, which would show "kcap.exe" as "exe.pack"-like text. */
    sh("cp '%s' \"%s/$(printf 'bad\\377\\376name\\342\\200\\256gnp.pack')\"", pack_of("kaiserslautern", "2026-11-22"),
       stick);
    static update_result r;
    run_update(data, stick, &r);
    CHECK_REASON(&r, UPDATE_NO_SIGNATURE);
    CHECK(clean_text(r.en, false) && clean_text(r.de, false) && clean_text(r.detail, true) && clean_text(r.file, false));
    CHECK_HAS(r.en, "bad??name?gnp.pack has no signature");
    char path[700];
    size_t n;
    snprintf(path, sizeof path, "%s/wegweiser-receipt-lobby-1.txt", stick);
    char *receipt = (char *)slurp(path, &n);
    CHECK(receipt != NULL);
    if (receipt) {
        receipt[n ? n - 1 : 0] = 0;
        CHECK(clean_text(receipt, false));
        free(receipt);
    }
}

TEST(update_hard_linked_pack_is_judged_by_its_bytes)
{
    /* A hard link cannot reach outside the stick's file system; what counts is the signed bytes. */
    const char *data = installed_kiosk("h-hard");
    const char *stick = stick_with("h-hard-stick", pack_of("kaiserslautern", "2026-11-22"), "original.bin");
    CHECK_INT(sh("ln '%s/original.bin' '%s/kaiserslautern.pack' && mv '%s/original.bin.minisig' "
                 "'%s/kaiserslautern.pack.minisig'", stick, stick, stick, stick), 0);
    static update_result r;
    CHECK(run_update(data, stick, &r));
    CHECK(current_is(data, pack_of("kaiserslautern", "2026-11-22")));
}

TEST(update_hostile_empty_pack_and_empty_signature)
{
    const char *data = installed_kiosk("h-empty");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-empty-stick");
    char path[700], sig[760];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    snprintf(sig, sizeof sig, "%s.minisig", path);
    spit(path, "", 0);
    sign_file(path, key_sec, "signed by a careless colleague", -1);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_NOT_A_PACK, "is signed, but it is not a Wegweiser content pack",
            "kein Wegweiser-Inhaltspaket");
    spit(sig, "", 0);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "is damaged or not a signature", "keine Signatur");
    CHECK_HAS(r.detail, "its signature file is empty");
    snap_free(&before);
}

static void rewrite_signature(const char *sig, const char *prefix, bool crlf)
{
    size_t n;
    char *text = (char *)slurp(sig, &n);
    CHECK(text != NULL);
    if (!text)
        return;
    FILE *f = fopen(sig, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(prefix, f);
        for (size_t i = 0; i < n; i++) {
            if (crlf && text[i] == '\n')
                fputc('\r', f);
            fputc(text[i], f);
        }
        fclose(f);
    }
    free(text);
}

TEST(update_signature_with_crlf_is_accepted_with_bom_refused_as_minisign_does)
{
    make_keys();
    const char *data = installed_kiosk("h-crlf");
    const char *stick = stick_with("h-crlf-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char pack_path[700], sig[760], pub[700], out[2000];
    snprintf(pack_path, sizeof pack_path, "%s/kaiserslautern.pack", stick);
    snprintf(sig, sizeof sig, "%s.minisig", pack_path);
    snprintf(pub, sizeof pub, "%s/office.pub", keys_dir);
    /* Windows line endings (a .minisig passed through an editor or a mail): minisign accepts them. */
    rewrite_signature(sig, "", true);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "minisign -V -p '%s' -m '%s' 2>&1", pub, pack_path);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    snapshot before;
    snap_take(data, &before);
    sign_file(pack_path, key_sec, NULL, -1);
    rewrite_signature(sig, "\xEF\xBB\xBF", false);
    CHECK(test_run(cmd, out, sizeof out) != 0); /* minisign refuses a byte order mark */
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_BAD_SIGNATURE, "is damaged or not a signature", "keine Signatur");
    CHECK_HAS(r.detail, "starts with a byte order mark");
    snap_free(&before);
    sign_file(pack_path, key_sec, NULL, -1);
    rewrite_signature(sig, "", true);
    CHECK(run_update(data, stick, &r));
    CHECK(current_is(data, pack_of("kaiserslautern", "2026-11-22")));
}

/* The comment wegweiser-pack writes, with each field given. */
static void sign_with_fields(const char *path, const char *fields)
{
    char tc[1000];
    snprintf(tc, sizeof tc, "wegweiser %s", fields);
    sign_file(path, key_sec, tc, -1);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

TEST(update_hostile_trusted_comment_that_lies_or_is_ambiguous)
{
    const char *data = installed_kiosk("h-lie");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-lie-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char path[700], f[600];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    long long size = file_size(path);
    static update_result r;
    /* Signed by the trusted key, but the comment claims another version than the pack holds. */
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-12-24 schema=%d size=%lld", PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_MISMATCH, "is signed, but its signature describes another pack",
            "aber die Signatur beschreibt ein anderes Paket");
    CHECK_HAS(r.detail, "the signed comment says kaiserslautern 2026-12-24, the pack itself kaiserslautern 2026-11-22");
    /* ... or another region: a Kusel pack dressed up as this kiosk's. */
    const char *kusel = pack_of("kusel", "2026-11-22");
    sh("cp '%s' '%s'", kusel, path);
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=%lld", PACK_SCHEMA_VERSION,
             file_size(path));
    sign_with_fields(path, f);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_MISMATCH, "describes another pack", "beschreibt ein anderes Paket");
    CHECK_HAS(r.detail, "the pack itself kusel 2026-11-22");
    /* ... or another content schema than the pack's header. */
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), path);
    set_user_version(path, PACK_SCHEMA_VERSION + 1);
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=%lld", PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_MISMATCH, "describes another pack", "beschreibt ein anderes Paket");
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), path);
    /* Fields named twice, left out, or unreadable: refused instead of reading one of them. */
    const char *ambiguous[] = {"region=kaiserslautern region=kusel version=2026-11-22 schema=%d size=%lld",
                               "region=kaiserslautern version=2026-11-22 version=2026-12-24 schema=%d size=%lld",
                               "region=kaiserslautern version=2026-11-22 schema=%d",
                               "region= version=2026-11-22 schema=%d size=%lld",
                               "region=kaiserslautern version=2026-11-22 schema=%dx size=%lld",
                               "region=kaiserslautern version=2026-11-22 schema=%d size=%lld0000000000000000000"};
    for (int i = 0; i < 6; i++) {
        snprintf(f, sizeof f, ambiguous[i], PACK_SCHEMA_VERSION, size);
        sign_with_fields(path, f);
        run_update(data, stick, &r);
        refused(data, &before, &r, UPDATE_MISMATCH, "describes another pack", "beschreibt ein anderes Paket");
        CHECK_HAS(r.detail, "its signed comment");
    }
    /* The size in the comment is the signer's word too: another size is a truncated or padded copy. */
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=%lld", PACK_SCHEMA_VERSION,
             size + 4096);
    sign_with_fields(path, f);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_TRUNCATED, "is incomplete or too long", "ist unvollständig oder zu lang");
    snap_free(&before);
    /* What follows comment= is free text, whatever it looks like. */
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=%lld comment=region=kusel size=1",
             PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
    CHECK(run_update(data, stick, &r));
    CHECK_REASON(&r, UPDATE_OK);
}

TEST(update_hostile_legacy_minisign_signature)
{
    /* minisign -l signs the whole file (algorithm "Ed"); minisign -V accepts that, the kiosk does
     * not (it hashes while copying and never holds a pack in memory), and says so. */
    const char *data = installed_kiosk("h-legacy");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-legacy-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char pack_path[700], pub[700], out[2000];
    snprintf(pack_path, sizeof pack_path, "%s/kaiserslautern.pack", stick);
    snprintf(pub, sizeof pub, "%s/office.pub", keys_dir);
    CHECK_INT(sh("rm '%s.minisig' && minisign -S -l -s '%s' -m '%s'", pack_path, key_sec, pack_path), 0);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "minisign -V -p '%s' -m '%s' 2>&1", pub, pack_path);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    static update_result r;
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_LEGACY_SIGNATURE, "is in minisign's old format",
            "hat das alte minisign-Format");
    CHECK_HAS(r.en, "minisign -S (version 0.11 or later, without -l)");
    snap_free(&before);
}

/* Lists a folder in reverse order of what POSIX gives: which packs are looked at must not
 * depend on the order a stick lists its files in. */
typedef struct reversed_list {
    char names[4000][64];
    int count;
} reversed_list;

static int remember(void *user, const char *name)
{
    reversed_list *l = user;
    CHECK(l->count < 4000);
    if (l->count < 4000)
        snprintf(l->names[l->count++], sizeof l->names[0], "%s", name);
    return 0;
}

static int list_reversed(void *ctx, const char *path, update_dir_fn each, void *user)
{
    static reversed_list l;
    l.count = 0;
    if (update_io_posix()->list_dir(NULL, path, remember, &l) != 0)
        return -1;
    for (int i = l.count - 1; i >= 0; i--)
        if (each(user, l.names[i]))
            break;
    return 0;
}

TEST(update_many_packs_newest_of_the_region_whatever_the_order)
{
    const char *data = installed_kiosk("many");
    const char *stick = fresh_dir("many-stick");
    /* 40 copies of an older pack sort before the newest one (more than the 16 looked at before),
     * and packs of another region beside them. */
    const char *older = pack_of("kaiserslautern", "2026-11-21");
    for (int i = 0; i < 40; i++) {
        char name[64];
        snprintf(name, sizeof name, "a-%02d.pack", i);
        add_to_stick(stick, older, name);
    }
    add_to_stick(stick, pack_of("kusel", "2026-11-30"), "b-kusel.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-22"), "c-newest.pack");
    sh("cd '%s' && for i in $(seq 1 2000); do : > junk-$i.txt; done && mkdir -p d/e/f/g && cp c-newest.pack* d/e/f/g/",
       stick);
    static update_result r;
    update_io reversed = *update_io_posix();
    reversed.list_dir = list_reversed;
    CHECK(run_update_io(data, stick, &reversed, false, &r));
    CHECK_STR(r.file, "c-newest.pack");
    CHECK(current_is(data, pack_of("kaiserslautern", "2026-11-22")));
    /* Past 64 packs, the first 64 in name order are looked at, in any listing order. */
    const char *data2 = installed_kiosk("many2");
    for (int i = 40; i < 70; i++) {
        char name[64];
        snprintf(name, sizeof name, "a-%02d.pack", i);
        add_to_stick(stick, older, name);
    }
    static update_result r2;
    CHECK(run_update(data2, stick, &r2));
    CHECK_STR(r2.file, "a-00.pack");
    CHECK_HAS(r2.detail, "only the first 64 of 72 *.pack files on the stick were looked at");
    const char *data3 = installed_kiosk("many3");
    CHECK(run_update_io(data3, stick, &reversed, false, &r));
    CHECK_STR(r.file, "a-00.pack");
    CHECK_STR(shown(data3), "current 2026-11-21");
}

/* A stick whose pack answers differently from what is stored: the reads of one file are bent. */
typedef enum bend { BEND_FLIP, BEND_GROW, BEND_SHRINK, BEND_EIO } bend;

typedef struct bent_stick {
    update_io io;
    const char *path;
    int fd;
    bend how;
    long long served;
    bool grown;
} bent_stick;

static int bent_open(void *ctx, const char *path, int flags, mode_t mode)
{
    bent_stick *b = ctx;
    int fd = update_io_posix()->open(NULL, path, flags, mode);
    if (fd >= 0 && !strcmp(path, b->path))
        b->fd = fd, b->served = 0, b->grown = false;
    return fd;
}

static int bent_close(void *ctx, int fd)
{
    bent_stick *b = ctx;
    if (fd == b->fd)
        b->fd = -1;
    return update_io_posix()->close(NULL, fd);
}

static ssize_t bent_read(void *ctx, int fd, void *buf, size_t n)
{
    bent_stick *b = ctx;
    if (fd == b->fd && b->how == BEND_EIO)
        return errno = EIO, -1;
    ssize_t got = update_io_posix()->read(NULL, fd, buf, n);
    if (fd != b->fd || got < 0)
        return got;
    if (b->how == BEND_FLIP && got > 0 && b->served < 5000 && b->served + got > 5000)
        ((unsigned char *)buf)[5000 - b->served] ^= 1; /* the stored file is the signed one */
    if (b->how == BEND_SHRINK && b->served + got > 100000)
        got = b->served >= 100000 ? 0 : (ssize_t)(100000 - b->served);
    if (b->how == BEND_GROW && got == 0 && !b->grown) {
        b->grown = true;
        memset(buf, 'x', n < 4096 ? n : 4096);
        got = (ssize_t)(n < 4096 ? n : 4096);
    }
    b->served += got;
    return got;
}

static void bend_init(bent_stick *b, const char *path, bend how)
{
    *b = (bent_stick){.io = *update_io_posix(), .path = path, .fd = -1, .how = how};
    b->io.ctx = b;
    b->io.open = bent_open;
    b->io.read = bent_read;
    b->io.close = bent_close;
}

TEST(update_hostile_stick_that_bends_its_bytes_while_copied)
{
    const char *data = installed_kiosk("h-bend");
    snapshot before;
    snap_take(data, &before);
    const char *stick = stick_with("h-bend-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char path[700];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    static update_result r;
    /* The file on the stick is the signed one; the bytes read are not. The signature is checked
     * against what was read into the copy, never against a second read of the stick. */
    bent_stick b;
    bend_init(&b, path, BEND_FLIP);
    run_update_io(data, stick, &b.io, false, &r);
    refused(data, &before, &r, UPDATE_TAMPERED, "does not match its signature", "passt nicht zu seiner Signatur");
    /* It grows while being copied, or ends early. */
    b.how = BEND_GROW;
    run_update_io(data, stick, &b.io, false, &r);
    refused(data, &before, &r, UPDATE_UNREADABLE, "kaiserslautern.pack could not be read completely, or it changed "
            "while it was read. The stick itself can be read", "Der Stick selbst ist lesbar");
    CHECK_HAS(r.detail, "the file grew while it was copied");
    b.how = BEND_SHRINK;
    run_update_io(data, stick, &b.io, false, &r);
    refused(data, &before, &r, UPDATE_UNREADABLE, "could not be read completely", "nicht vollständig gelesen");
    CHECK_HAS(r.detail, "only 100000 of");
    snap_free(&before);
}

TEST(update_one_unreadable_pack_is_that_packs_problem_not_the_sticks)
{
    /* The newest pack on the stick fails with an I/O error while it is copied; the stick itself
     * lists and reads fine. The next pack is installed, and a stick with only the unreadable
     * pack is not called damaged. */
    const char *data = installed_kiosk("h-eio");
    const char *stick = stick_with("h-eio-stick", pack_of("kaiserslautern", "2026-11-23"), "a-newest.pack");
    add_to_stick(stick, pack_of("kaiserslautern", "2026-11-22"), "b-older.pack");
    char path[700];
    snprintf(path, sizeof path, "%s/a-newest.pack", stick);
    bent_stick b;
    bend_init(&b, path, BEND_EIO);
    static update_result r;
    CHECK(run_update_io(data, stick, &b.io, false, &r));
    CHECK_STR(r.file, "b-older.pack");
    CHECK_HAS(r.detail, "a-newest.pack: cannot read");
    CHECK_STR(shown(data), "current 2026-11-22");
    const char *data2 = installed_kiosk("h-eio2");
    snapshot before;
    snap_take(data2, &before);
    const char *stick2 = stick_with("h-eio-stick2", pack_of("kaiserslautern", "2026-11-23"), "a-newest.pack");
    snprintf(path, sizeof path, "%s/a-newest.pack", stick2);
    run_update_io(data2, stick2, &b.io, false, &r);
    refused(data2, &before, &r, UPDATE_UNREADABLE,
            "a-newest.pack could not be read completely, or it changed while it was read. The stick itself can be "
            "read: copy the pack and its .minisig onto it again, or use another stick.",
            "a-newest.pack konnte nicht vollständig gelesen werden");
    CHECK(!strstr(r.en, "The stick could not be read"));
    snap_free(&before);
}

TEST(update_receipt_never_follows_links_blocks_or_grows_without_end)
{
    const char *data = installed_kiosk("rcpt");
    const char *stick = stick_with("rcpt-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char receipt[700], other[700];
    snprintf(receipt, sizeof receipt, "%s/wegweiser-receipt-lobby-1.txt", stick);
    snprintf(other, sizeof other, "%s/someone-elses.txt", stick);
    spit(other, "do not touch\n", 13);
    static update_result r;
    /* A link named like the receipt: the update itself goes on, the link's target stays. */
    CHECK_INT(symlink(other, receipt), 0);
    CHECK(run_update(data, stick, &r));
    CHECK_HAS(r.receipt, "is a link, FIFO or other special file");
    CHECK_INT(file_size(other), 13);
    /* A hard link: appending would change the other file too. */
    unlink(receipt);
    CHECK_INT(link(other, receipt), 0);
    run_update(data, stick, &r);
    CHECK_REASON(&r, UPDATE_SAME);
    CHECK_HAS(r.receipt, "is a link, FIFO or other special file");
    CHECK_INT(file_size(other), 13);
    /* A FIFO without a reader must not hang the kiosk. */
    unlink(receipt);
    CHECK_INT(mkfifo(receipt, 0644), 0);
    run_update(data, stick, &r);
    CHECK_HAS(r.receipt, "is a link, FIFO or other special file");
    /* A receipt already long: not appended to, so a stick cannot be filled by its kiosks. */
    unlink(receipt);
    CHECK_INT(sh("head -c 300000 /dev/zero | tr '\\0' 'x' > '%s'", receipt), 0);
    run_update(data, stick, &r);
    CHECK_HAS(r.receipt, "is already longer than 256 KiB");
    CHECK_INT(file_size(receipt), 300000);
    /* And a plain one is written. */
    unlink(receipt);
    run_update(data, stick, &r);
    CHECK_HAS(r.receipt, "receipt written to");
    CHECK(file_size(receipt) > 0);
}

TEST(update_trusted_keys_malformed_missing_or_empty)
{
    make_keys();
    const char *data = installed_kiosk("keys");
    const char *stick = stick_with("keys-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    snapshot before;
    snap_take(data, &before);
    static update_result r;
    update_options o = {.data_dir = data, .stick_dir = stick, .keys_dir = "/nonexistent/keys"};
    CHECK(!update_run(&o, &r));
    refused(data, &before, &r, UPDATE_NO_KEYS, "This kiosk has no trusted key to check packs with",
            "Dieser Kiosk hat keinen vertrauenswürdigen Schlüssel");
    CHECK_HAS(r.detail, "cannot read the trusted keys in /nonexistent/keys");
    /* A broken key (sorting first) and one that is a folder beside the good one: each skipped, with a line. */
    const char *keys = fresh_dir("keys-mixed");
    CHECK_INT(sh("cp '%s/office.pub' '%s/' && echo 'untrusted comment: x' > '%s/0-broken.pub' && mkdir '%s/1-dir.pub'",
                 keys_dir, keys, keys, keys), 0);
    o.keys_dir = keys;
    CHECK(update_run(&o, &r));
    CHECK_HAS(r.detail, "0-broken.pub skipped: not a minisign public key");
    CHECK_HAS(r.detail, "1-dir.pub skipped: not a small plain file");
    snap_free(&before);
}

/* The kiosk's own storage refuses writes (remounted read-only after an error). */
static int readonly_open(void *ctx, const char *path, int flags, mode_t mode)
{
    const char *data = ctx;
    if ((flags & (O_WRONLY | O_RDWR)) && !strncmp(path, data, strlen(data)))
        return errno = EROFS, -1;
    return update_io_posix()->open(NULL, path, flags, mode);
}

TEST(update_read_only_data_directory)
{
    const char *data = installed_kiosk("rodata");
    const char *stick = stick_with("rodata-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    snapshot before;
    snap_take(data, &before);
    update_io io = *update_io_posix();
    io.ctx = (void *)data;
    io.open = readonly_open;
    io.lock = update_io_posix()->lock; /* the lock file exists already, and flock works on a read-only mount */
    static update_result r;
    run_update_io(data, stick, &io, false, &r);
    refused(data, &before, &r, UPDATE_DISK_ERROR, "The kiosk's storage reported an error", "Der Speicher des Kiosks meldet einen Fehler");
    CHECK_HAS(r.detail, "cannot create");
    CHECK_HAS(r.detail, strerror(EROFS)); /* in whatever language an earlier test left the C library */
    snap_free(&before);
}

static void sql_on(const char *path, const char *sql)
{
    sqlite3 *db;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        printf("    %s: %s\n", sql, msg ? msg : "?");
        CHECK(false);
    }
    sqlite3_free(msg);
    sqlite3_close(db);
}

static void poke_be32(const char *path, long offset, unsigned long v)
{
    size_t n;
    unsigned char *d = slurp(path, &n);
    CHECK(d && (size_t)offset + 4 <= n);
    if (d && (size_t)offset + 4 <= n) {
        for (int i = 0; i < 4; i++)
            d[offset + i] = (unsigned char)(v >> (24 - 8 * i));
        spit(path, d, n);
    }
    free(d);
}

TEST(update_hostile_signed_sqlite_tricks)
{
    const char *data = installed_kiosk("h-sql");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-sql-stick");
    char path[700], wal[760];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    snprintf(wal, sizeof wal, "%s-wal", path);
    static update_result r;
    /* A header claiming two billion pages, and a freelist whose trunk page points at itself. */
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), path);
    poke_be32(path, 28, 0x7fffffff);
    poke_be32(path, 32, 2);
    poke_be32(path, 36, 0x7fffffff);
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kaiserslautern.pack\thashed", -1);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_CORRUPT, "is signed, but its contents are damaged", "sein Inhalt ist beschädigt");
    /* The pack in WAL mode with a -wal file beside it on the stick: only the signed file is ever
     * copied, but SQLite would still keep a -wal and -shm beside the installed pack, writing
     * where the kiosk only reads. wegweiser-pack never makes one, so it is refused. */
    sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), path);
    sql_on(path, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS probe(x); DROP TABLE probe;");
    CHECK(file_size(path) > 0);
    sign_file(path, key_sec, NULL, -1);
    spit(wal, "not a journal the kiosk may read", 32);
    run_update(data, stick, &r);
    refused(data, &before, &r, UPDATE_INVALID, "is signed, but it breaks the rules of a content pack",
            "verstößt aber gegen die Regeln eines Inhaltspakets");
    CHECK_HAS(r.detail, "write-ahead log");
    snap_free(&before);
    CHECK_INT(file_size(wal), 32);
}

/* ---- signed packs whose schema is not the firmware's ---- */

/* A real pack changed with SQL after it was built, then signed with the trusted key: what the
 * kiosk, `wegweiser-pack check` and `wegweiser-pack verify` must each find. `shadow` cases
 * rename the first FTS shadow table the pack has, whatever its search index is called. */
typedef struct alteration {
    const char *sql;
    const char *finding;
    bool shadow;
} alteration;

static const alteration ALTERATIONS[] = {
    {"DROP TABLE office_hours", "table office_hours is missing", false},
    {"DROP TABLE texts", "table texts is missing", false},
    {"CREATE TRIGGER t1 AFTER INSERT ON meta BEGIN DELETE FROM pages; END", "extra trigger t1 on meta", false},
    {"CREATE VIEW v AS SELECT * FROM meta", "extra view v", false},
    {"CREATE INDEX i ON pages(kind)", "extra index i on pages", false},
    {"CREATE TABLE extra(x); INSERT INTO extra VALUES (1)", "extra table extra", false},
    {"ALTER TABLE offices ADD COLUMN note TEXT", "extra column offices.note", false},
    {"PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql=replace(sql, 'email TEXT NOT NULL', "
     "'email BLOB NOT NULL') WHERE name='offices'",
     "column offices.email has type BLOB, expected TEXT", false},
    {"PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql=replace(sql, '''rtl'')', '''rtl'',''ttb'')') "
     "WHERE name='languages'",
     "table languages is defined otherwise", false},
    {"ALTER TABLE %s RENAME TO %s_old", "table %s is missing; extra table %s_old", true},
};

/* The pack's first FTS shadow table of the kind that holds index blocks ("search_data"). */
static void shadow_table(const char *path, char *out, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    out[0] = 0;
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%\\_data' "
                               "ESCAPE '\\' ORDER BY name LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(out, size, "%s", sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    CHECK(out[0] != 0);
}

TEST(update_refuses_signed_packs_whose_schema_is_not_the_firmwares)
{
    const char *data = installed_kiosk("h-schema");
    snapshot before;
    snap_take(data, &before);
    const char *stick = fresh_dir("h-schema-stick");
    char path[700], pub[700], cmd[3000], out[8192], sql[600], finding[300], shadow[128];
    snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
    snprintf(pub, sizeof pub, "%s/office.pub", keys_dir);
    for (size_t i = 0; i < sizeof ALTERATIONS / sizeof ALTERATIONS[0]; i++) {
        const alteration *a = &ALTERATIONS[i];
        sh("cp '%s' '%s'", pack_of("kaiserslautern", "2026-11-22"), path);
        snprintf(sql, sizeof sql, "%s", a->sql);
        snprintf(finding, sizeof finding, "%s", a->finding);
        if (a->shadow) {
            shadow_table(path, shadow, sizeof shadow);
            snprintf(sql, sizeof sql, a->sql, shadow, shadow);
            snprintf(finding, sizeof finding, a->finding, shadow, shadow);
        }
        sql_on(path, sql);
        sign_file(path, key_sec, NULL, -1);
        static update_result r;
        run_update(data, stick, &r);
        refused(data, &before, &r, UPDATE_SCHEMA_DIFFERS, "is signed, but its tables are not the ones this kiosk reads",
                "aber seine Tabellen sind nicht die, die dieser Kiosk liest");
        CHECK_HAS(r.detail, finding);
        /* The staff tool finds the same, with either verb. */
        snprintf(cmd, sizeof cmd, "%s verify '%s' --pubkey '%s' 2>&1", test_bin("wegweiser-pack"), path, pub);
        CHECK_INT(test_run(cmd, out, sizeof out), 1);
        CHECK_HAS(out, finding);
        snprintf(cmd, sizeof cmd, "%s check '%s' 2>&1", test_bin("wegweiser-pack"), path);
        CHECK_INT(test_run(cmd, out, sizeof out), 1);
        CHECK_HAS(out, finding);
    }
    snap_free(&before);
}

/* ---- one verification: the kiosk and `wegweiser-pack verify` judge every pack alike ---- */

/* Ways to spoil a signed pack on a stick: each gets the pack (already signed by the office key)
 * in `path` and changes it, its signature or both. */
static void spoil_nothing(const char *path, long long size) {}

static void spoil_size(const char *path, long long size)
{
    char f[300];
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=12", PACK_SCHEMA_VERSION);
    sign_with_fields(path, f);
}

static void spoil_region(const char *path, long long size)
{
    char f[300];
    snprintf(f, sizeof f, "region=kusel version=2026-11-22 schema=%d size=%lld", PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
}

static void spoil_version(const char *path, long long size)
{
    char f[300];
    snprintf(f, sizeof f, "region=kaiserslautern version=2099-01-01 schema=%d size=%lld", PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
}

static void spoil_schema_claim(const char *path, long long size)
{
    char f[300];
    snprintf(f, sizeof f, "region=kaiserslautern version=2026-11-22 schema=%d size=%lld", PACK_SCHEMA_VERSION + 1,
             size);
    sign_with_fields(path, f);
}

static void spoil_twice(const char *path, long long size)
{
    char f[300];
    snprintf(f, sizeof f, "region=kaiserslautern region=kaiserslautern version=2026-11-22 schema=%d size=%lld",
             PACK_SCHEMA_VERSION, size);
    sign_with_fields(path, f);
}

static void spoil_plain_minisign(const char *path, long long size)
{
    sign_file(path, key_sec, "timestamp:1767225600\tfile:kaiserslautern.pack\thashed", -1);
}

static void spoil_bit(const char *path, long long size) { flip_bit(path, (long)size / 2); }

static void spoil_view(const char *path, long long size)
{
    sql_on(path, "CREATE VIEW v AS SELECT * FROM meta");
    sign_file(path, key_sec, NULL, -1);
}

static void spoil_wal(const char *path, long long size)
{
    sql_on(path, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS probe(x); DROP TABLE probe;");
    sign_file(path, key_sec, NULL, -1);
}

static void spoil_firmware(const char *path, long long size)
{
    sql_on(path, "UPDATE meta SET value = '99.0' WHERE key = 'min_firmware'");
    sign_file(path, key_sec, NULL, -1);
}

/* Texts are read when a page is shown, after pack_open: the install checks them first. */
static void spoil_long_title(const char *path, long long size)
{
    sql_on(path, "UPDATE texts SET title = printf('%.300c', 'x') WHERE page = '310' AND lang = 'de'");
    sign_file(path, key_sec, NULL, -1);
}

static void spoil_override_in_title(const char *path, long long size)
{
    sql_on(path, "UPDATE texts SET title = char(0x202E) || 'retnecboJ' WHERE page = '310' AND lang = 'ar'");
    sign_file(path, key_sec, NULL, -1);
}

static void spoil_inside(const char *path, long long size)
{
    size_t n;
    unsigned char *d = slurp(path, &n);
    if (d && n > 40000) {
        memset(d + 8192, 0xA5, 8192);
        spit(path, d, n);
    }
    free(d);
    sign_file(path, key_sec, NULL, -1);
}

static void spoil_not_sqlite(const char *path, long long size)
{
    spit(path, "just some text a colleague signed", 33);
    sign_file(path, key_sec, "signed by a careless colleague", -1);
}

static void spoil_key(const char *path, long long size) { sign_file(path, other_sec, NULL, -1); }

static void spoil_bom(const char *path, long long size)
{
    char sig[760];
    snprintf(sig, sizeof sig, "%s.minisig", path);
    rewrite_signature(sig, "\xEF\xBB\xBF", false);
}

static void spoil_empty_signature(const char *path, long long size)
{
    char sig[760];
    snprintf(sig, sizeof sig, "%s.minisig", path);
    spit(sig, "", 0);
}

TEST(update_and_verify_agree_on_every_signed_pack)
{
    make_keys();
    static const struct {
        const char *what;
        void (*spoil)(const char *path, long long size);
        update_reason want;
    } cases[] = {
        {"a good pack", spoil_nothing, UPDATE_OK},
        {"signed as 12 bytes long", spoil_size, UPDATE_TRUNCATED},
        {"signed as another region", spoil_region, UPDATE_MISMATCH},
        {"signed as another version", spoil_version, UPDATE_MISMATCH},
        {"signed as another schema", spoil_schema_claim, UPDATE_SCHEMA_NEWER},
        {"a comment naming a field twice", spoil_twice, UPDATE_MISMATCH},
        {"signed by plain minisign", spoil_plain_minisign, UPDATE_OK},
        {"a flipped bit", spoil_bit, UPDATE_TAMPERED},
        {"an extra view", spoil_view, UPDATE_SCHEMA_DIFFERS},
        {"WAL mode", spoil_wal, UPDATE_INVALID},
        {"a newer minimum firmware", spoil_firmware, UPDATE_SCHEMA_NEWER},
        {"damaged inside", spoil_inside, UPDATE_CORRUPT},
        {"a title longer than the kiosk takes", spoil_long_title, UPDATE_INVALID},
        {"a right-to-left override in a title", spoil_override_in_title, UPDATE_INVALID},
        {"not SQLite", spoil_not_sqlite, UPDATE_NOT_A_PACK},
        {"an untrusted key", spoil_key, UPDATE_UNKNOWN_KEY},
        {"a byte order mark", spoil_bom, UPDATE_BAD_SIGNATURE},
        {"an empty signature", spoil_empty_signature, UPDATE_BAD_SIGNATURE},
    };
    char pub[700], path[700], cmd[3000], out[8192], prefix[800];
    snprintf(pub, sizeof pub, "%s/office.pub", keys_dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *stick = stick_with("agree-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
        snprintf(path, sizeof path, "%s/kaiserslautern.pack", stick);
        cases[i].spoil(path, file_size(path));
        /* A kiosk with nothing installed: no region or version of its own stands in the way. */
        const char *data = fresh_dir("agree-data");
        static update_result r;
        bool installed = run_update(data, stick, &r);
        snprintf(cmd, sizeof cmd, "%s verify '%s' --pubkey '%s' 2>&1", test_bin("wegweiser-pack"), path, pub);
        int rc = test_run(cmd, out, sizeof out);
        char msg[1200];
        snprintf(msg, sizeof msg, "%s: kiosk %s (%s), verify exit %d: %.500s", cases[i].what,
                 installed ? "installed" : "refused", update_reason_name(r.reason), rc, out);
        if (r.reason != cases[i].want || installed != (rc == 0))
            test_fail(__FILE__, __LINE__, msg);
        if (installed)
            continue;
        /* The same words: verify's message is the kiosk's detail line for the pack. */
        snprintf(prefix, sizeof prefix, "wegweiser-pack verify: %s: ", path);
        const char *said = strstr(out, prefix);
        char line[1200] = "";
        if (said)
            snprintf(line, sizeof line, "%.*s", (int)strcspn(said + strlen(prefix), "\n"), said + strlen(prefix));
        if (!said || !line[0] || !strstr(r.detail, line))
            test_fail(__FILE__, __LINE__, msg);
    }
}

/* ---- the simulated disk: power cuts, pulled sticks, full disks, I/O errors ---- */

enum { OP_OPEN, OP_CLOSE, OP_READ, OP_WRITE, OP_FSYNC, OP_FSTAT, OP_LSTAT, OP_RENAME, OP_UNLINK, OP_MKDIR,
       OP_FSYNC_DIR, OP_LIST, OP_LOCK };
static const char *const OP_NAMES[] = {"open", "close", "read", "write", "fsync", "fstat", "lstat",
                                       "rename", "unlink", "mkdir", "fsync_dir", "list_dir", "lock"};

enum { FAULT_NONE, FAULT_OP_EIO, FAULT_DATA_WRITE_ENOSPC, FAULT_STICK_PULLED_AT_READ, FAULT_STICK_READONLY };

#define SIM_MAX 64
#define SIM_FDS 1024

typedef struct sim_wr {
    long long off;
    size_t n;
    unsigned char *data;
} sim_wr;

/* A file of the data folder as the disk holds it: what survives a power cut for sure (what
 * was there at the start or synced), and what was written after (lost, or torn, at a cut). */
typedef struct sim_inode {
    unsigned char *durable;
    size_t durable_len;
    int synced; /* how often: part of the state's identity */
    sim_wr *w;
    int nw, wcap;
    /* What stat says of it, modelled: an inode number never reused, and modification and change
     * times as ticks of the model's clock (now, and as of its last sync). */
    long id;
    long long mtime, ctime, synced_mtime, synced_ctime, cut_mtime, cut_ctime;
} sim_inode;

typedef struct sim_name {
    char name[256];
    int ino;
} sim_name;

/* A change of the data folder's entries that is not durable before the folder is synced. */
typedef struct sim_dirop {
    int op; /* OP_OPEN (a new name), OP_RENAME, OP_UNLINK */
    char a[256], b[256];
    int ino;
    long long ctime; /* a rename: the change time it gave the inode */
} sim_dirop;

typedef struct sim {
    update_io io;
    char data[PATH_MAX], stick[PATH_MAX];
    long ops, stick_reads, data_writes; /* counted in every run */
    long pack_reads;                    /* reads of installed pack files */
    long long clock;                    /* ticks for modelled file times */
    long next_id;
    bool identities; /* stat of data files tells the modelled identity (during a run, and after a cut) */
    bool after_cut;  /* ... as a cut left it */
    long cut_after;                     /* -1: no power cut */
    bool dead;
    int fault;
    long fault_at;
    bool stick_gone;
    char last_op[300], fault_op[300]; /* the last operation done; the one that was made to fail */
    /* the model of the data folder */
    bool model;
    sim_inode ino[SIM_MAX];
    int nino;
    sim_name live[SIM_MAX], durable[SIM_MAX];
    int nlive, ndurable;
    sim_dirop pend[SIM_MAX];
    int npend;
    struct {
        int ino;
        long long off;
        bool stick, data;
        char path[200];
    } fds[SIM_FDS];
    char unmodelled[300];
} sim;

static const char *under(const char *dir, const char *path)
{
    size_t n = strlen(dir);
    if (strncmp(path, dir, n))
        return NULL;
    if (path[n] == 0)
        return "";
    return path[n] == '/' ? path + n + 1 : NULL;
}

static const char *data_name(sim *s, const char *path) { return under(s->data, path); }

static bool is_stick(sim *s, const char *path) { return path && under(s->stick, path); }

static int names_find(const sim_name *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i].name, name))
            return i;
    return -1;
}

static void names_remove(sim_name *names, int *n, const char *name)
{
    int i = names_find(names, *n, name);
    if (i >= 0)
        names[i] = names[--*n];
}

static void names_set(sim_name *names, int *n, const char *name, int ino)
{
    int i = names_find(names, *n, name);
    if (i < 0 && *n < SIM_MAX)
        i = (*n)++;
    if (i >= 0) {
        snprintf(names[i].name, sizeof names[i].name, "%s", name);
        names[i].ino = ino;
    }
}

static void apply_dirop(sim_name *names, int *n, const sim_dirop *d)
{
    if (d->op == OP_OPEN) {
        names_set(names, n, d->a, d->ino);
    } else if (d->op == OP_UNLINK) {
        names_remove(names, n, d->a);
    } else {
        int i = names_find(names, *n, d->a);
        if (i >= 0) {
            int ino = names[i].ino;
            names_remove(names, n, d->a);
            names_set(names, n, d->b, ino);
        }
    }
}

static int new_inode(sim *s, const unsigned char *data, size_t n)
{
    if (s->nino == SIM_MAX)
        return -1;
    sim_inode *in = &s->ino[s->nino];
    memset(in, 0, sizeof *in);
    in->durable = malloc(n ? n : 1);
    memcpy(in->durable, data, n);
    in->durable_len = n;
    in->id = ++s->next_id;
    in->mtime = in->ctime = in->synced_mtime = in->synced_ctime = ++s->clock;
    return s->nino++;
}

static void apply_write(unsigned char **buf, size_t *len, const sim_wr *w, size_t n)
{
    if ((size_t)w->off + n > *len) {
        *buf = realloc(*buf, (size_t)w->off + n);
        memset(*buf + *len, 0, (size_t)w->off + n - *len);
        *len = (size_t)w->off + n;
    }
    memcpy(*buf + w->off, w->data, n);
}

static void sim_reset_model(sim *s)
{
    for (int i = 0; i < s->nino; i++) {
        free(s->ino[i].durable);
        for (int j = 0; j < s->ino[i].nw; j++)
            free(s->ino[i].w[j].data);
        free(s->ino[i].w);
    }
    s->nino = s->nlive = s->ndurable = s->npend = 0;
}

/* Starts a run: the data folder as it is now counts as durable. */
static void sim_begin(sim *s, bool model)
{
    sim_reset_model(s);
    s->ops = s->stick_reads = s->data_writes = s->pack_reads = 0;
    s->dead = s->stick_gone = false;
    s->identities = model;
    s->after_cut = false;
    s->fault_op[0] = 0;
    s->unmodelled[0] = 0;
    s->model = model;
    for (int i = 0; i < SIM_FDS; i++)
        s->fds[i].ino = -1;
    if (!model)
        return;
    snapshot snap;
    snap_take(s->data, &snap);
    for (int i = 0; i < snap.count; i++) {
        int ino = new_inode(s, snap.files[i].data, snap.files[i].n);
        names_set(s->live, &s->nlive, snap.files[i].name, ino);
        names_set(s->durable, &s->ndurable, snap.files[i].name, ino);
    }
    snap_free(&snap);
}

/* Every operation passes here first: counts it, and decides whether it fails. */
static bool sim_enter(sim *s, int op, const char *path, int fd)
{
    bool stick = is_stick(s, path) || (fd >= 0 && fd < SIM_FDS && s->fds[fd].stick);
    bool data = (path && data_name(s, path)) || (fd >= 0 && fd < SIM_FDS && s->fds[fd].data);
    if (s->dead) {
        errno = EIO;
        return false;
    }
    s->ops++;
    snprintf(s->last_op, sizeof s->last_op, "%s %s", OP_NAMES[op],
             path ? path : fd >= 0 && fd < SIM_FDS ? s->fds[fd].path : "?");
    if (s->cut_after >= 0 && s->ops > s->cut_after) {
        s->dead = true;
        errno = EIO;
        return false;
    }
    if (op == OP_READ && stick && ++s->stick_reads == s->fault_at && s->fault == FAULT_STICK_PULLED_AT_READ) {
        s->stick_gone = true;
        snprintf(s->fault_op, sizeof s->fault_op, "%s", s->last_op);
    }
    if (stick && s->stick_gone) {
        errno = op == OP_READ ? EIO : ENOENT;
        return false;
    }
    if (op == OP_WRITE && data && ++s->data_writes == s->fault_at && s->fault == FAULT_DATA_WRITE_ENOSPC) {
        snprintf(s->fault_op, sizeof s->fault_op, "%s", s->last_op);
        errno = ENOSPC;
        return false;
    }
    if (s->fault == FAULT_OP_EIO && s->ops == s->fault_at) {
        snprintf(s->fault_op, sizeof s->fault_op, "%s", s->last_op);
        errno = EIO;
        return false;
    }
    return true;
}

static int sim_open(void *ctx, const char *path, int flags, mode_t mode)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_OPEN, path, -1))
        return -1;
    if (s->fault == FAULT_STICK_READONLY && is_stick(s, path) && (flags & O_CREAT)) {
        errno = EROFS;
        return -1;
    }
    int fd = update_io_posix()->open(NULL, path, flags, mode);
    if (fd < 0 || fd >= SIM_FDS)
        return fd;
    const char *name = data_name(s, path);
    s->fds[fd].ino = -1;
    s->fds[fd].off = 0;
    s->fds[fd].stick = is_stick(s, path);
    s->fds[fd].data = name != NULL;
    snprintf(s->fds[fd].path, sizeof s->fds[fd].path, "%s", path);
    if (s->model && name && (flags & (O_WRONLY | O_RDWR))) {
        if (!(flags & O_CREAT) || !(flags & O_EXCL) || (flags & (O_TRUNC | O_APPEND)))
            snprintf(s->unmodelled, sizeof s->unmodelled, "open %s for writing without O_CREAT|O_EXCL", path);
        int ino = new_inode(s, (const unsigned char *)"", 0);
        names_set(s->live, &s->nlive, name, ino);
        if (s->npend < SIM_MAX)
            s->pend[s->npend++] = (sim_dirop){.op = OP_OPEN, .ino = ino};
        snprintf(s->pend[s->npend - 1].a, sizeof s->pend[0].a, "%s", name);
        s->fds[fd].ino = ino;
    }
    return fd;
}

/* A descriptor is closed even when the close reports an error (as on Linux), so a failed
 * close never leaks one. */
static int sim_close(void *ctx, int fd)
{
    sim *s = ctx;
    bool ok = sim_enter(s, OP_CLOSE, NULL, fd);
    int saved = errno;
    close(fd);
    if (fd >= 0 && fd < SIM_FDS)
        s->fds[fd].ino = -1, s->fds[fd].stick = s->fds[fd].data = false;
    errno = saved;
    return ok ? 0 : -1;
}

static ssize_t sim_read(void *ctx, int fd, void *buf, size_t n)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_READ, NULL, fd))
        return -1;
    if (fd >= 0 && fd < SIM_FDS && s->fds[fd].data && strstr(s->fds[fd].path, ".pack"))
        s->pack_reads++;
    return update_io_posix()->read(NULL, fd, buf, n);
}

static ssize_t sim_write(void *ctx, int fd, const void *buf, size_t n)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_WRITE, NULL, fd))
        return -1;
    ssize_t w = update_io_posix()->write(NULL, fd, buf, n);
    if (w > 0 && fd < SIM_FDS && s->fds[fd].ino >= 0) {
        sim_inode *in = &s->ino[s->fds[fd].ino];
        if (in->nw == in->wcap)
            in->w = realloc(in->w, (size_t)(in->wcap = in->wcap ? 2 * in->wcap : 16) * sizeof *in->w);
        sim_wr *sw = &in->w[in->nw++];
        sw->off = s->fds[fd].off;
        sw->n = (size_t)w;
        sw->data = malloc((size_t)w);
        memcpy(sw->data, buf, (size_t)w);
        s->fds[fd].off += w;
        in->mtime = in->ctime = ++s->clock;
    }
    return w;
}

/* The real fsync is skipped: the model is the truth about what a cut keeps, and hundreds of
 * real syncs would only make the test slow. */
static int sim_fsync(void *ctx, int fd)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_FSYNC, NULL, fd))
        return -1;
    if (fd < SIM_FDS && s->fds[fd].ino >= 0) {
        sim_inode *in = &s->ino[s->fds[fd].ino];
        for (int i = 0; i < in->nw; i++) {
            apply_write(&in->durable, &in->durable_len, &in->w[i], in->w[i].n);
            free(in->w[i].data);
        }
        in->nw = 0;
        in->synced++;
        in->synced_mtime = in->mtime;
        in->synced_ctime = in->ctime;
    }
    return 0;
}

/* The modelled identity of a data file, by its name: what a real disk keeps across a cut. */
static void sim_identity(sim *s, const char *path, struct stat *st)
{
    const char *name = path ? data_name(s, path) : NULL;
    int i = name && s->identities ? names_find(s->live, s->nlive, name) : -1;
    if (i < 0 || !S_ISREG(st->st_mode))
        return;
    const sim_inode *in = &s->ino[s->live[i].ino];
    st->st_ino = (ino_t)in->id;
    st->st_mtim = (struct timespec){s->after_cut ? in->cut_mtime : in->mtime, 0};
    st->st_ctim = (struct timespec){s->after_cut ? in->cut_ctime : in->ctime, 0};
}

static int sim_fstat(void *ctx, int fd, struct stat *st)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_FSTAT, NULL, fd) || fstat(fd, st) != 0)
        return -1;
    sim_identity(s, fd >= 0 && fd < SIM_FDS ? s->fds[fd].path : NULL, st);
    return 0;
}

static int sim_lstat(void *ctx, const char *path, struct stat *st)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_LSTAT, path, -1) || lstat(path, st) != 0)
        return -1;
    sim_identity(s, path, st);
    return 0;
}

static int sim_rename(void *ctx, const char *from, const char *to)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_RENAME, from, -1))
        return -1;
    if (rename(from, to) != 0)
        return -1;
    const char *a = data_name(s, from), *b = data_name(s, to);
    if (s->model && a && b) {
        int i = names_find(s->live, s->nlive, a);
        if (i < 0) {
            snprintf(s->unmodelled, sizeof s->unmodelled, "rename of untracked %s", from);
            return 0;
        }
        sim_dirop d = {.op = OP_RENAME, .ino = s->live[i].ino, .ctime = ++s->clock};
        snprintf(d.a, sizeof d.a, "%s", a);
        snprintf(d.b, sizeof d.b, "%s", b);
        s->ino[d.ino].ctime = d.ctime;
        apply_dirop(s->live, &s->nlive, &d);
        if (s->npend < SIM_MAX)
            s->pend[s->npend++] = d;
    }
    return 0;
}

static int sim_unlink(void *ctx, const char *path)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_UNLINK, path, -1))
        return -1;
    if (unlink(path) != 0)
        return -1;
    const char *a = data_name(s, path);
    if (s->model && a) {
        sim_dirop d = {.op = OP_UNLINK};
        snprintf(d.a, sizeof d.a, "%s", a);
        apply_dirop(s->live, &s->nlive, &d);
        if (s->npend < SIM_MAX)
            s->pend[s->npend++] = d;
    }
    return 0;
}

static int sim_mkdir(void *ctx, const char *path, mode_t mode)
{
    sim *s = ctx;
    return sim_enter(s, OP_MKDIR, path, -1) ? mkdir(path, mode) : -1;
}

static int sim_fsync_dir(void *ctx, const char *path)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_FSYNC_DIR, path, -1))
        return -1;
    if (s->model && !strcmp(path, s->data)) {
        for (int i = 0; i < s->npend; i++) {
            apply_dirop(s->durable, &s->ndurable, &s->pend[i]);
            if (s->pend[i].op == OP_RENAME && s->ino[s->pend[i].ino].synced_ctime < s->pend[i].ctime)
                s->ino[s->pend[i].ino].synced_ctime = s->pend[i].ctime;
        }
        s->npend = 0;
    }
    return 0;
}

static int sim_list_dir(void *ctx, const char *path, update_dir_fn each, void *user)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_LIST, path, -1))
        return -1;
    return update_io_posix()->list_dir(NULL, path, each, user);
}

static int sim_lock(void *ctx, const char *path)
{
    sim *s = ctx;
    if (!sim_enter(s, OP_LOCK, path, -1))
        return -1;
    int fd = update_io_posix()->lock(NULL, path);
    const char *name = data_name(s, path);
    /* The lock file is empty and never renamed: durable as soon as it exists. */
    if (fd >= 0 && s->model && name && names_find(s->live, s->nlive, name) < 0) {
        int ino = new_inode(s, (const unsigned char *)"", 0);
        names_set(s->live, &s->nlive, name, ino);
        names_set(s->durable, &s->ndurable, name, ino);
    }
    return fd;
}

static time_t sim_now(void *ctx) { return 1795305600; /* 2026-11-22 */ }

static void sim_init(sim *s, const char *data, const char *stick)
{
    memset(s, 0, sizeof *s);
    snprintf(s->data, sizeof s->data, "%s", data);
    snprintf(s->stick, sizeof s->stick, "%s", stick);
    s->cut_after = -1;
    s->io = (update_io){.ctx = s, .open = sim_open, .close = sim_close, .read = sim_read, .write = sim_write,
                        .fsync = sim_fsync, .fstat = sim_fstat, .lstat = sim_lstat, .rename = sim_rename,
                        .unlink = sim_unlink, .mkdir = sim_mkdir, .fsync_dir = sim_fsync_dir,
                        .list_dir = sim_list_dir, .lock = sim_lock, .now = sim_now};
}

/* What the disk holds after a power cut: the durable entries plus those pending entry changes
 * whose bit is set in `keep` (any subset: POSIX promises no order before the folder is synced,
 * so a rename may survive while an earlier one is lost), each file with its synced bytes, and,
 * when `torn`, also its unsynced writes with the last one cut in half. Writes it into the real
 * data folder and returns a key naming the state, so identical states are checked once. */
static void sim_power_cut(sim *s, int keep, bool torn, char *key, size_t key_size)
{
    sim_name names[SIM_MAX];
    int n = s->ndurable;
    memcpy(names, s->durable, sizeof names);
    /* Each file keeps its identity with the times it had when last synced; a rename that
     * survived brings its change time, writes that survived (torn) theirs. */
    for (int i = 0; i < s->nino; i++) {
        sim_inode *in = &s->ino[i];
        bool written = torn && in->nw > 0;
        in->cut_mtime = written ? in->mtime : in->synced_mtime;
        in->cut_ctime = written ? in->ctime : in->synced_ctime;
    }
    for (int i = 0; i < s->npend && i < 30; i++)
        if (keep & (1 << i)) {
            apply_dirop(names, &n, &s->pend[i]);
            if (s->pend[i].op == OP_RENAME && s->ino[s->pend[i].ino].cut_ctime < s->pend[i].ctime)
                s->ino[s->pend[i].ino].cut_ctime = s->pend[i].ctime;
        }
    sh("rm -rf '%s' && mkdir -p '%s'", s->data, s->data);
    key[0] = 0;
    for (int i = 0; i < n; i++) {
        sim_inode *in = &s->ino[names[i].ino];
        size_t len = in->durable_len;
        unsigned char *buf = malloc(len ? len : 1);
        memcpy(buf, in->durable, len);
        int applied = 0;
        for (int j = 0; torn && j < in->nw; j++, applied++)
            apply_write(&buf, &len, &in->w[j], j == in->nw - 1 ? in->w[j].n / 2 : in->w[j].n);
        char path[PATH_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", s->data, names[i].name);
        spit(path, buf, len);
        free(buf);
        snprintf(key + strlen(key), key_size - strlen(key), "%s=%d.%d.%d;", names[i].name, names[i].ino, in->synced,
                 applied);
    }
    /* What a start after the cut sees through the layer. */
    memcpy(s->live, names, sizeof names);
    s->nlive = n;
    s->identities = s->after_cut = true;
    s->dead = false;
    s->cut_after = -1;
    s->pack_reads = 0;
}

/* Restarting after a cut: the kiosk shows the whole old pack or the whole new one (or, on a
 * first install, the demo), taken from `current`; never a fallback, a mix or a torn file. */
static bool check_after_cut(const char *data, const char *old_pack, const char *new_pack, const char *context)
{
    const char *s = shown(data);
    bool ok;
    if (!old_pack && !strcmp(s, "demo 2026-11-22"))
        ok = true;
    else if (!strcmp(s, "current 2026-11-20"))
        ok = old_pack && current_is(data, old_pack);
    else if (!strcmp(s, "current 2026-11-22"))
        ok = current_is(data, new_pack);
    else
        ok = false;
    if (!ok) {
        char msg[1200];
        snprintf(msg, sizeof msg, "after a power cut %s the kiosk shows '%s'", context, s);
        test_fail(__FILE__, __LINE__, msg);
    }
    return ok;
}

static void power_cut_test(bool first_install)
{
    make_keys();
    const char *old_pack = first_install ? NULL : pack_of("kaiserslautern", "2026-11-20");
    const char *new_pack = pack_of("kaiserslautern", "2026-11-22");
    const char *data = first_install ? fresh_dir("cut-first-data") : installed_kiosk("cut");
    if (!first_install) {
        /* With a fallback already in place, so the switch moves and deletes packs too. */
        static update_result r0;
        const char *s19 = stick_with("cut-19", pack_of("kaiserslautern", "2026-11-19"), "k.pack");
        CHECK(run_update_io(data, s19, NULL, true, &r0));
        CHECK(run_update_io(data, stick_with("cut-20", old_pack, "k.pack"), NULL, true, &r0));
    }
    const char *stick = stick_with("cut-stick", new_pack, "kaiserslautern.pack");
    snapshot base;
    snap_take(data, &base);
    static sim s;
    sim_init(&s, data, stick);
    static update_result r;
    /* A clean run first, to know how many operations an update takes. */
    sim_begin(&s, true);
    CHECK(run_update_io(data, stick, &s.io, false, &r));
    CHECK_STR(s.unmodelled, "");
    long total = s.ops;
    CHECK(total > 20);
    static char seen[4096][160];
    int nseen = 0, states = 0, failures = 0;
    for (long cut = 0; cut <= total && failures == 0; cut++) {
        snap_restore(data, &base);
        sim_begin(&s, true);
        s.cut_after = cut;
        bool claimed = run_update_io(data, stick, &s.io, false, &r);
        char last[300];
        snprintf(last, sizeof last, "%s", s.last_op);
        int pending = s.npend;
        bool any_unsynced = false;
        for (int i = 0; i < s.nino; i++)
            any_unsynced |= s.ino[i].nw > 0;
        CHECK(pending <= 10); /* 2^pending subsets */
        for (int keep = 0; keep < (1 << pending) && pending <= 10 && failures == 0; keep++) {
            for (int torn = 0; torn <= (any_unsynced ? 1 : 0) && failures == 0; torn++) {
                char key[4096] = "";
                sim_power_cut(&s, keep, torn, key, sizeof key);
                /* The same disk after a claimed success is held to more than before it. */
                strncat(key, claimed ? "claimed" : "", sizeof key - strlen(key) - 1);
                unsigned char digest[16];
                char short_key[160];
                crypto_generichash(digest, sizeof digest, (const unsigned char *)key, strlen(key), NULL, 0);
                sodium_bin2hex(short_key, sizeof short_key, digest, sizeof digest);
                bool dup = false;
                for (int i = 0; i < nseen && !dup; i++)
                    dup = !strcmp(seen[i], short_key);
                if (dup)
                    continue;
                if (nseen < 4096)
                    snprintf(seen[nseen++], sizeof seen[0], "%s", short_key);
                states++;
                char context[700];
                snprintf(context, sizeof context, "after operation %ld of %ld (%s), entry changes kept: %#x of %d%s",
                         cut, total, last, keep, pending, torn ? ", unsynced writes torn" : "");
                /* "Installed" is a promise: a cut after it must not bring the old pack back. */
                if (claimed && strcmp(shown(data), "current 2026-11-22")) {
                    char msg[1000];
                    snprintf(msg, sizeof msg, "the update said installed, then a power cut %s undid it", context);
                    test_fail(__FILE__, __LINE__, msg);
                    failures++;
                    continue;
                }
                if (!check_after_cut(data, old_pack, new_pack, context)) {
                    failures++;
                    continue;
                }
                /* A start that trusts the records of the install (through the layer, which knows
                 * what each file's inode and times would be after this cut) shows exactly what the
                 * full check showed, and never needs to read the new pack again to show it. */
                const char *full = shown(data);
                pack *p = NULL;
                char what[1200], fast[200];
                err e;
                update_source src = update_open_installed_io(&s.io, data, test_demo_pack(), &p, what, sizeof what, &e);
                const char *names[] = {"none", "current", "previous", "demo"};
                snprintf(fast, sizeof fast, "%s %s", names[src], p ? pack_get_meta(p)->version : "-");
                pack_close(p);
                if (strcmp(fast, full) || (!strcmp(fast, "current 2026-11-22") && s.pack_reads)) {
                    char msg[1500];
                    snprintf(msg, sizeof msg, "after a cut %s a start by the record shows '%s' (read %ld times), a "
                             "full check '%s'", context, fast, s.pack_reads, full);
                    test_fail(__FILE__, __LINE__, msg);
                    failures++;
                    continue;
                }
                /* Started again with the stick still in: the update completes and leaves no junk. */
                if (!run_update(data, stick, &r) && r.reason != UPDATE_SAME) {
                    char msg[3000];
                    snprintf(msg, sizeof msg, "the update after a cut %s failed: %s %s", context, r.en, r.detail);
                    test_fail(__FILE__, __LINE__, msg);
                    failures++;
                }
                CHECK_STR(shown(data), "current 2026-11-22");
                snapshot after;
                snap_take(data, &after);
                for (int i = 0; i < after.count; i++)
                    if (strstr(after.files[i].name, ".tmp") || !strcmp(after.files[i].name, "incoming.part"))
                        failures++, test_fail(__FILE__, __LINE__, after.files[i].name);
                CHECK(after.count <= (first_install ? 3 : 5));
                snap_free(&after);
            }
        }
    }
    printf("    %ld operations, %d distinct disk states after a cut checked\n", total, states);
    CHECK(states > 10);
    sim_reset_model(&s);
    snap_free(&base);
}

TEST(update_power_cut_after_every_operation)
{
    power_cut_test(false);
}

TEST(update_power_cut_after_every_operation_of_a_first_install)
{
    power_cut_test(true);
}

/* Runs the same update once per fault position; `check` judges each outcome. */
static void fault_test(const char *name, int fault, bool (*check)(const update_result *r, const char *data, const snapshot *base, long at, sim *s))
{
    const char *data = installed_kiosk(name);
    char stick_name[128];
    snprintf(stick_name, sizeof stick_name, "%s-stick", name);
    const char *stick = stick_with(stick_name, pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    snapshot base;
    snap_take(data, &base);
    static sim s;
    sim_init(&s, data, stick);
    static update_result r;
    sim_begin(&s, false);
    CHECK(run_update_io(data, stick, &s.io, false, &r));
    long n = fault == FAULT_OP_EIO ? s.ops : fault == FAULT_DATA_WRITE_ENOSPC ? s.data_writes : s.stick_reads;
    CHECK(n > 3);
    int bad = 0;
    for (long at = 1; at <= n && bad < 3; at++) {
        snap_restore(data, &base);
        sim_begin(&s, false);
        s.fault = fault;
        s.fault_at = at;
        run_update_io(data, stick, &s.io, false, &r);
        if (!check(&r, data, &base, at, &s))
            bad++;
    }
    printf("    %ld fault positions\n", n);
    snap_free(&base);
}

static bool failed_cleanly(const update_result *r, const char *data, const snapshot *base, long at, sim *s,
                           update_reason want, const char *en, const char *de, bool identical)
{
    char ctx[3000];
    snprintf(ctx, sizeof ctx, "fault %ld at %s: %s | %s | %s", at, s->fault_op, update_reason_name(r->reason), r->en,
             r->detail);
    bool ok = !r->installed && r->reason == want && strstr(r->en, en) && strstr(r->de, de) &&
              strstr(r->en, "Nothing was changed: the kiosk still shows Landkreis Kaiserslautern 2026-11-20.") &&
              !strcmp(shown(data), "current 2026-11-20") && current_is(data, pack_of("kaiserslautern", "2026-11-20"));
    snapshot after;
    snap_take(data, &after);
    if (ok && identical && snap_diff(base, &after)[0]) {
        ok = false;
        snprintf(ctx + strlen(ctx), sizeof ctx - strlen(ctx), " | data folder: %s", snap_diff(base, &after));
    }
    snap_free(&after);
    if (!ok)
        test_fail(__FILE__, __LINE__, ctx);
    return ok;
}

static bool check_pulled(const update_result *r, const char *data, const snapshot *base, long at, sim *s)
{
    return failed_cleanly(r, data, base, at, s, UPDATE_STICK_REMOVED,
                          "The stick was removed before the update was finished.",
                          "Der Stick wurde abgezogen, bevor die Aktualisierung fertig war.", true) &&
           strstr(r->en, "Put the stick back in to try again.");
}

TEST(update_stick_pulled_at_every_read)
{
    fault_test("pulled", FAULT_STICK_PULLED_AT_READ, check_pulled);
}

static bool check_full(const update_result *r, const char *data, const snapshot *base, long at, sim *s)
{
    return failed_cleanly(r, data, base, at, s, UPDATE_DISK_FULL, "The kiosk's storage is full.",
                          "Der Speicher des Kiosks ist voll.", true);
}

TEST(update_disk_full_at_every_write)
{
    fault_test("full", FAULT_DATA_WRITE_ENOSPC, check_full);
}

/* One failing operation anywhere: either the update says it failed and the old pack is shown,
 * whole, or (when the failure came after the switch: tidying, the receipt) it says it
 * succeeded and the new pack is shown. Never a success claim with the old pack or the reverse. */
static bool check_eio(const update_result *r, const char *data, const snapshot *base, long at, sim *s)
{
    char ctx[3000];
    snprintf(ctx, sizeof ctx, "fault %ld at %s: %s | %s | %s", at, s->fault_op, update_reason_name(r->reason), r->en,
             r->detail);
    bool ok;
    if (r->installed) {
        ok = !strcmp(shown(data), "current 2026-11-22") && current_is(data, pack_of("kaiserslautern", "2026-11-22"));
    } else {
        bool clear = r->reason == UPDATE_STICK_ERROR || r->reason == UPDATE_STICK_REMOVED || r->reason == UPDATE_UNREADABLE ||
                     r->reason == UPDATE_DISK_ERROR || r->reason == UPDATE_NO_KEYS || r->reason == UPDATE_NO_STICK;
        ok = clear && strstr(r->en, "Nothing was changed") && strstr(r->de, "Es wurde nichts geändert") &&
             !strcmp(shown(data), "current 2026-11-20") && current_is(data, pack_of("kaiserslautern", "2026-11-20"));
    }
    if (!ok)
        test_fail(__FILE__, __LINE__, ctx);
    return ok;
}

TEST(update_io_error_at_every_operation)
{
    fault_test("eio", FAULT_OP_EIO, check_eio);
}

TEST(update_read_only_stick_gets_no_receipt)
{
    const char *data = installed_kiosk("ro");
    const char *stick = stick_with("ro-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    static sim s;
    sim_init(&s, data, stick);
    sim_begin(&s, false);
    s.fault = FAULT_STICK_READONLY;
    static update_result r;
    CHECK(run_update_io(data, stick, &s.io, false, &r));
    CHECK_STR(r.receipt, "no receipt: the stick is read-only");
    CHECK_STR(shown(data), "current 2026-11-22");
}

/* ---- noticing sticks ---- */

TEST(update_watch_reports_each_stick_once_per_insertion)
{
    const char *d = fresh_dir("watch");
    char table[700], dir[1024];
    snprintf(table, sizeof table, "%s/mountinfo", d);
    const char *base = "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/mmcblk0p2 rw\n"
                       "40 22 0:36 / /media/wegweiserX/sdz1 rw - vfat /dev/sdz1 rw\n";
    char text[2000];
    spit(table, base, strlen(base));
    err e = {""};
    update_watch *w = update_watch_open("/media/wegweiser/", table, &e);
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK(update_watch_fd(w) >= 0);
    CHECK(!update_watch_next(w, dir, sizeof dir, &e));
    /* Mounted by the board's udev rule; a name with a space as the kernel escapes it. */
    snprintf(text, sizeof text, "%s51 22 8:1 / /media/wegweiser/sda1 ro,nosuid,nodev,noexec - vfat /dev/sda1 ro\n"
             "52 22 8:17 / /media/wegweiser/my\\040stick ro - exfat /dev/sdb1 ro\n", base);
    spit(table, text, strlen(text));
    CHECK(update_watch_next(w, dir, sizeof dir, &e));
    CHECK_STR(dir, "/media/wegweiser/sda1");
    CHECK(update_watch_next(w, dir, sizeof dir, &e));
    CHECK_STR(dir, "/media/wegweiser/my stick");
    CHECK(!update_watch_next(w, dir, sizeof dir, &e));
    /* Pulled out, and put back in: new again. */
    spit(table, base, strlen(base));
    CHECK(!update_watch_next(w, dir, sizeof dir, &e));
    spit(table, text, strlen(text));
    CHECK(update_watch_next(w, dir, sizeof dir, &e));
    CHECK(update_watch_next(w, dir, sizeof dir, &e));
    CHECK(!update_watch_next(w, dir, sizeof dir, &e));
    update_watch_close(w);
    /* The real table of this machine has nothing below a folder that does not exist. */
    w = update_watch_open("/nonexistent-wegweiser", NULL, &e);
    CHECK(w != NULL);
    if (w)
        CHECK(!update_watch_next(w, dir, sizeof dir, &e));
    update_watch_close(w);
    CHECK(update_watch_open("/media/wegweiser", "/nonexistent/mountinfo", &e) == NULL);
    CHECK_HAS(e.msg, "cannot read the mount table");
}

/* ---- the command line ---- */

TEST(update_command_line)
{
    make_keys();
    const char *data = fresh_dir("cli-data");
    const char *stick = stick_with("cli-stick", pack_of("kaiserslautern", "2026-11-22"), "kaiserslautern.pack");
    char cmd[3000], out[8192];
    const char *bin = test_bin("wegweiser");
    snprintf(cmd, sizeof cmd, "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' --kiosk-id cli 2>&1", bin,
             data, stick, keys_dir);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "Installed Landkreis Kaiserslautern 2026-11-22");
    CHECK_HAS(out, "Installiert: Landkreis Kaiserslautern 2026-11-22");
    CHECK_HAS(out, "result: installed");
    CHECK_HAS(out, "receipt written to");
    CHECK_INT(test_run(cmd, out, sizeof out), 1);
    CHECK_HAS(out, "Version 2026-11-22 is already installed.");
    CHECK_HAS(out, "result: already-installed");
    snprintf(cmd, sizeof cmd, "%s update --status --data-dir '%s' --demo '%s' 2>&1", bin, data, test_demo_pack());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "current:  Landkreis Kaiserslautern: region kaiserslautern, version 2026-11-22");
    CHECK_HAS(out, "previous: none");
    CHECK_HAS(out, "at start: showing the installed pack kaiserslautern 2026-11-22");
    snprintf(cmd, sizeof cmd, "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' --region kusel 2>&1", bin,
             data, stick, keys_dir);
    CHECK_INT(test_run(cmd, out, sizeof out), 1);
    CHECK_HAS(out, "result: other-region");
    snprintf(cmd, sizeof cmd, "%s update --from x 2>&1", bin);
    CHECK_INT(test_run(cmd, out, sizeof out), 2);
    CHECK_HAS(out, "--data-dir is needed");
    snprintf(cmd, sizeof cmd, "%s update --help 2>&1", bin);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "usage: wegweiser update --data-dir DIR --from STICKDIR --trusted-keys KEYDIR");
    /* The kiosk itself opens what was installed. */
    snprintf(cmd, sizeof cmd, "%s --data-dir '%s' --screenshot '%s/shot.png' --size 800x480 2>&1", bin, data, data);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "showing the installed pack kaiserslautern 2026-11-22");
}
