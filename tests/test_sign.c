/* Pack signatures: wegweiser-pack keygen/sign/verify (the ASan build) against each other and
 * against Debian's minisign, tampered packs and signatures, and the library's parsers on garbage. */
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "sign.h"
#include "test.h"

/* A fresh folder per test, so tests never see each other's keys or signatures. */
static const char *workdir(const char *name)
{
    static char dir[8][512];
    static int next;
    char *d = dir[next++ % 8];
    snprintf(d, 512, "%s/sign-%s", test_tmpdir(), name);
    mkdir(d, 0700);
    return d;
}

/* Runs a shell command built printf-style; stdout and stderr both land in `out`. */
static int run(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(char *out, size_t size, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1 </dev/null", sizeof cmd - strlen(cmd) - 1);
    return test_run(cmd, out, size);
}

static const char *tool(void)
{
    return test_bin("wegweiser-pack");
}

/* A copy of the demo pack in `dir`, so a test can damage it. */
static const char *pack_copy(const char *dir, const char *name)
{
    static char path[8][600];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 600, "%s/%s", dir, name);
    char out[256];
    CHECK_INT(run(out, sizeof out, "cp '%s' '%s'", test_demo_pack(), p), 0);
    return p;
}

static bool read_all(const char *path, char *buf, size_t cap, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    *n = fread(buf, 1, cap - 1, f);
    buf[*n] = 0;
    fclose(f);
    return true;
}

static void write_all(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(data, 1, n, f) == n);
        fclose(f);
    }
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void flip_byte(const char *path, long long offset)
{
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fseek(f, (long)offset, SEEK_SET) == 0);
    int c = fgetc(f);
    CHECK(c != EOF);
    CHECK(fseek(f, (long)offset, SEEK_SET) == 0);
    fputc(c ^ 0x01, f);
    fclose(f);
}

static void keygen(const char *dir, const char *name)
{
    char out[2048];
    int rc = run(out, sizeof out, "%s keygen -p '%s/%s.pub' -s '%s/%s.key'", tool(), dir, name, dir, name);
    CHECK_INT(rc, 0);
    if (rc)
        printf("    %s\n", out);
}

static int verify(const char *pack_path, const char *dir, const char *key, char *out, size_t size)
{
    return run(out, size, "%s verify '%s' --pubkey '%s/%s.pub'", tool(), pack_path, dir, key);
}

static void sign_with(const char *pack_path, const char *dir, const char *key)
{
    char out[2048];
    int rc = run(out, sizeof out, "%s sign '%s' --key '%s/%s.key'", tool(), pack_path, dir, key);
    CHECK_INT(rc, 0);
    if (rc)
        printf("    %s\n", out);
}

TEST(sign_round_trip_with_our_tool)
{
    const char *d = workdir("round");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "k");
    char path[700], out[4096];
    snprintf(path, sizeof path, "%s/k.key", d);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(run(out, sizeof out, "%s keygen -p '%s/k.pub' -s '%s/k.key'", tool(), d, d) == 1);
    CHECK_HAS(out, "already exists; add -f");

    CHECK_INT(run(out, sizeof out, "%s sign '%s' --key '%s/k.key' --comment 'Freigabe Amt 32'", tool(), pack_path, d),
              0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 0);
    char want[256] = "";
    err e;
    pack *p = pack_open(pack_path, &e);
    CHECK(p != NULL);
    if (p) {
        snprintf(want, sizeof want,
                 "trusted comment: wegweiser region=%s version=%s schema=%d size=%lld comment=Freigabe Amt 32\n",
                 pack_get_meta(p)->region, pack_get_meta(p)->version, PACK_SCHEMA_VERSION, file_size(pack_path));
        pack_close(p);
    }
    CHECK_HAS(out, want);
    CHECK_HAS(out, "signature ok");

    /* What only a kiosk can check is named, not passed over. */
    CHECK_HAS(out, "pack ok: Landkreis Kaiserslautern, region kaiserslautern");
    CHECK_HAS(out, "Only a kiosk can check the rest");
    CHECK_HAS(out, "(a .pub file in its folder of trusted keys)");
    CHECK_HAS(out, "the version it has installed is older than");
    CHECK(!strstr(out, "kiosks only look at files named *.pack"));
    char renamed[700];
    snprintf(renamed, sizeof renamed, "%s/demo.sqlite", d);
    CHECK_INT(run(out, sizeof out, "cp '%s' '%s' && cp '%s.minisig' '%s.minisig'", pack_path, renamed, pack_path,
                  renamed), 0);
    CHECK_INT(verify(renamed, d, "k", out, sizeof out), 0);
    CHECK_HAS(out, "kiosks only look at files named *.pack");

    /* The library's parts agree with the tool. */
    sign_pubkey pk;
    static sign_signature sig;
    unsigned char hash[SIGN_HASH_BYTES];
    long long size = 0;
    snprintf(path, sizeof path, "%s/k.pub", d);
    CHECK(sign_pubkey_load(path, &pk, &e));
    snprintf(path, sizeof path, "%s%s", pack_path, SIGN_SUFFIX);
    CHECK(sign_signature_load(path, &sig, &e));
    CHECK(sign_hash_file(pack_path, hash, &size, &e));
    CHECK_INT(size, file_size(pack_path));
    CHECK(sign_verify_hash(&pk, &sig, hash, &e));
    char field[128];
    CHECK(sign_comment_get(sig.trusted_comment, "region", field, sizeof field));
    CHECK_STR(field, "kaiserslautern");
    CHECK(sign_comment_get(sig.trusted_comment, "size", field, sizeof field));
    CHECK_INT(atoll(field), size);
    CHECK(sign_comment_get(sig.trusted_comment, "comment", field, sizeof field));
    CHECK_STR(field, "Freigabe Amt 32");

    /* -f replaces the pair; the old signature then names another key. */
    CHECK_INT(run(out, sizeof out, "%s keygen -f -p '%s/k.pub' -s '%s/k.key'", tool(), d, d), 0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "signed by another key");
}

TEST(sign_hash_while_copying)
{
    /* The update hashes in whatever chunks it copies; the result must equal the whole-file hash. */
    const char *d = workdir("chunks");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "k");
    sign_with(pack_path, d, "k");
    /* Room for the whole demo pack, read-aloud recordings included. */
    static char data[1 << 23];
    size_t n = 0;
    CHECK(read_all(pack_path, data, sizeof data, &n));
    CHECK(n + 1 < sizeof data);
    err e;
    sign_hasher *h = sign_hasher_new(&e);
    CHECK(h != NULL);
    if (!h)
        return;
    for (size_t at = 0, step = 1; at < n; at += step, step = step * 7 % 65521 + 1)
        sign_hasher_update(h, data + at, at + step <= n ? step : n - at);
    unsigned char chunked[SIGN_HASH_BYTES], whole[SIGN_HASH_BYTES];
    sign_hasher_final(h, chunked);
    sign_hasher_free(h);
    CHECK(sign_hash_file(pack_path, whole, NULL, &e));
    CHECK(!memcmp(chunked, whole, sizeof whole));
    sign_pubkey pk;
    static sign_signature sig;
    char path[700];
    snprintf(path, sizeof path, "%s/k.pub", d);
    CHECK(sign_pubkey_load(path, &pk, &e));
    snprintf(path, sizeof path, "%s.minisig", pack_path);
    CHECK(sign_signature_load(path, &sig, &e));
    CHECK(sign_verify_hash(&pk, &sig, chunked, &e));
}

TEST(sign_ours_verified_by_minisign)
{
    const char *d = workdir("to-minisign");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "k");
    sign_with(pack_path, d, "k");
    char out[4096];
    CHECK_INT(run(out, sizeof out, "minisign -Vm '%s' -p '%s/k.pub'", pack_path, d), 0);
    CHECK_HAS(out, "Signature and comment signature verified");
    CHECK_HAS(out, "Trusted comment: wegweiser region=kaiserslautern version=");
    /* minisign rejects what we reject. */
    flip_byte(pack_path, file_size(pack_path) / 2);
    CHECK(run(out, sizeof out, "minisign -Vm '%s' -p '%s/k.pub'", pack_path, d) != 0);
}

TEST(sign_minisign_verified_by_ours)
{
    const char *d = workdir("from-minisign");
    const char *pack_path = pack_copy(d, "demo.pack");
    char out[4096];
    CHECK_INT(run(out, sizeof out, "minisign -G -W -p '%s/m.pub' -s '%s/m.key'", d, d), 0);
    CHECK_INT(run(out, sizeof out, "minisign -S -s '%s/m.key' -m '%s' -t 'signed by minisign'", d, pack_path), 0);
    CHECK_INT(verify(pack_path, d, "m", out, sizeof out), 0);
    CHECK_HAS(out, "trusted comment: signed by minisign\n");
    /* minisign's default trusted comment has tabs; those are fine. */
    CHECK_INT(run(out, sizeof out, "minisign -S -s '%s/m.key' -m '%s'", d, pack_path), 0);
    CHECK_INT(verify(pack_path, d, "m", out, sizeof out), 0);
    CHECK_HAS(out, "\tfile:demo.pack\thashed");
}

TEST(sign_keys_shared_with_minisign)
{
    const char *d = workdir("keys");
    const char *pack_path = pack_copy(d, "demo.pack");
    char out[4096];
    /* Our tool signs with minisign's key (its unencrypted keys carry an all-zero checksum)... */
    CHECK_INT(run(out, sizeof out, "minisign -G -W -p '%s/m.pub' -s '%s/m.key'", d, d), 0);
    sign_with(pack_path, d, "m");
    CHECK_INT(run(out, sizeof out, "minisign -Vm '%s' -p '%s/m.pub'", pack_path, d), 0);
    CHECK_INT(verify(pack_path, d, "m", out, sizeof out), 0);
    /* ...and minisign signs with ours, and derives the same public key from it. */
    keygen(d, "k");
    CHECK_INT(run(out, sizeof out, "minisign -S -s '%s/k.key' -m '%s'", d, pack_path), 0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 0);
    CHECK_INT(run(out, sizeof out, "minisign -R -s '%s/k.key' -p '%s/r.pub'", d, d), 0);
    char a[512] = "", b[512] = "", path[700];
    size_t n;
    snprintf(path, sizeof path, "%s/k.pub", d);
    CHECK(read_all(path, a, sizeof a, &n));
    snprintf(path, sizeof path, "%s/r.pub", d);
    CHECK(read_all(path, b, sizeof b, &n));
    const char *ka = strchr(a, '\n'), *kb = strchr(b, '\n');
    CHECK(ka && kb);
    if (ka && kb)
        CHECK_STR(ka, kb);
}

TEST(sign_flipped_byte_in_pack_fails)
{
    const char *d = workdir("flip");
    keygen(d, "k");
    const char *pack_path = pack_copy(d, "demo.pack");
    long long size = file_size(pack_path);
    long long offsets[] = {0, 1, size / 2, size - 1};
    for (int i = 0; i < 4; i++) {
        pack_path = pack_copy(d, "demo.pack");
        sign_with(pack_path, d, "k");
        char out[4096];
        CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 0);
        flip_byte(pack_path, offsets[i]);
        CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
        CHECK_HAS(out, "the pack was changed after signing or is damaged");
        CHECK(!strstr(out, "trusted comment:"));
        flip_byte(pack_path, offsets[i]); /* back as it was: good again */
        CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 0);
    }
    /* A pack cut short: its signature says how long it was, and verify reads that as the kiosk does. */
    char out[4096];
    CHECK_INT(run(out, sizeof out, "truncate -s %lld '%s'", size - 4096, pack_path), 0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "bytes, but the signed pack had");
}

TEST(sign_flipped_trusted_comment_fails)
{
    const char *d = workdir("comment");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "k");
    sign_with(pack_path, d, "k");
    char path[700], text[SIGN_SIG_FILE_MAX], out[4096];
    size_t n;
    snprintf(path, sizeof path, "%s.minisig", pack_path);
    CHECK(read_all(path, text, sizeof text, &n));
    char *v = strstr(text, "version=");
    CHECK(v != NULL);
    if (!v)
        return;
    v[strlen("version=")] ^= 0x01; /* 2026 → 3026: a newer-looking pack */
    write_all(path, text, n);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "trusted comment was changed after signing");
    CHECK_INT(run(out, sizeof out, "minisign -Vm '%s' -p '%s/k.pub'", pack_path, d), 1);
}

TEST(sign_other_key_fails)
{
    const char *d = workdir("other");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "a");
    keygen(d, "b");
    sign_with(pack_path, d, "a");
    char out[4096];
    CHECK_INT(verify(pack_path, d, "b", out, sizeof out), 1);
    CHECK_HAS(out, "signed by another key");
    CHECK(!strstr(out, "changed after signing"));
}

TEST(sign_verify_explains_each_failure)
{
    const char *d = workdir("failures");
    const char *pack_path = pack_copy(d, "demo.pack");
    keygen(d, "k");
    char out[4096], path[700];
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "no signature file");
    CHECK_INT(verify(pack_path, d, "nokey", out, sizeof out), 1);
    CHECK_HAS(out, "nokey.pub");
    snprintf(path, sizeof path, "%s.minisig", pack_path);
#define G(s) {s, sizeof s - 1}
    struct {
        const char *text;
        size_t n;
    } garbage[] = {
        G(""),
        G("hello world\n"),
        G("\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe"),
        G("untrusted comment: x\nRURub3QgYmFzZTY0\ntrusted comment: y\nAAAA\n"),
        G("untrusted comment: x\n"),
    };
#undef G
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        write_all(path, garbage[i].text, garbage[i].n);
        CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
        CHECK_HAS(out, i ? "malformed signature" : "its signature file is empty");
    }
    /* A huge file is refused before it is read. */
    CHECK_INT(run(out, sizeof out, "head -c 1000000 /dev/urandom > '%s'", path), 0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "too large to be a signature");
    /* A directory where the signature should be. */
    CHECK_INT(run(out, sizeof out, "rm -f '%s' && mkdir '%s'", path, path), 0);
    CHECK_INT(verify(pack_path, d, "k", out, sizeof out), 1);
    CHECK_HAS(out, "not a regular file");
    /* A FIFO would block a plain open forever; `timeout` turns a hang into a failure. */
    CHECK_INT(run(out, sizeof out, "rmdir '%s' && mkfifo '%s'", path, path), 0);
    CHECK_INT(run(out, sizeof out, "timeout 20 %s verify '%s' --pubkey '%s/k.pub'", tool(), pack_path, d), 1);
    CHECK_HAS(out, "not a regular file");
    /* Usage and help. */
    const char *verbs[] = {"keygen", "sign", "verify"};
    for (int i = 0; i < 3; i++) {
        CHECK_INT(run(out, sizeof out, "%s %s --help", tool(), verbs[i]), 0);
        CHECK_HAS(out, "usage: wegweiser-pack");
        CHECK_INT(run(out, sizeof out, "%s %s", tool(), verbs[i]), 2);
    }
    CHECK_INT(run(out, sizeof out, "%s --help", tool()), 0);
    CHECK_HAS(out, "verify PACK --pubkey PUBKEY");
}

/* Copies a key or signature file with its second line (base64 of `len` bytes) decoded,
 * edited by `change` and encoded again: damage that still looks well-formed. */
static void reencode_line2(const char *text, size_t len, void (*change)(unsigned char *bin), char *out, size_t cap)
{
    const char *line2 = strchr(text, '\n') + 1, *rest = line2 + strcspn(line2, "\n");
    unsigned char bin[256];
    size_t got = 0;
    CHECK(sodium_base642bin(bin, len, line2, (size_t)(rest - line2), NULL, &got, NULL,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
    CHECK_INT(got, len);
    change(bin);
    char b64[400];
    sodium_bin2base64(b64, sizeof b64, bin, len, sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, cap, "%.*s%s%s", (int)(line2 - text), text, b64, rest);
}

static void make_legacy(unsigned char *bin)
{
    bin[1] = 'd'; /* "ED" (prehashed) → "Ed" (whole file) */
}

/* A signature made by the library, in memory, for the parser tests below. */
static size_t make_signature(const char *dir, char *text, size_t cap, sign_pubkey *pk,
                             unsigned char hash[SIGN_HASH_BYTES])
{
    char pub[700], sec[700], path[700];
    snprintf(pub, sizeof pub, "%s/mem.pub", dir);
    snprintf(sec, sizeof sec, "%s/mem.key", dir);
    snprintf(path, sizeof path, "%s/mem.minisig", dir);
    err e;
    sign_seckey sk;
    CHECK(sign_keygen(pub, sec, true, pk, &e));
    CHECK(sign_seckey_load(sec, &sk, &e));
    crypto_generichash(hash, SIGN_HASH_BYTES, (const unsigned char *)"pack", 4, NULL, 0);
    CHECK(sign_write(path, &sk, hash, "wegweiser region=x version=1 schema=1 size=4", NULL, &e));
    sign_seckey_wipe(&sk);
    size_t n = 0;
    CHECK(read_all(path, text, cap, &n));
    return n;
}

TEST(sign_parser_survives_every_damage)
{
    const char *d = workdir("parser");
    static char text[SIGN_SIG_FILE_MAX], copy[SIGN_SIG_FILE_MAX + 2];
    sign_pubkey pk;
    unsigned char hash[SIGN_HASH_BYTES];
    size_t n = make_signature(d, text, sizeof text, &pk, hash);
    static sign_signature sig;
    err e;
    CHECK(sign_signature_parse(text, n, &sig, &e));
    CHECK(sign_verify_hash(&pk, &sig, hash, &e));
    /* Every truncation: rejected (the last newline may go), never a crash under ASan. */
    for (size_t cut = 0; cut + 1 < n; cut++) {
        e.msg[0] = 0;
        CHECK(!sign_signature_parse(text, cut, &sig, &e));
        CHECK(e.msg[0] != 0);
    }
    /* Every single flipped bit after the untrusted comment (which nothing signs): rejected by
     * the parser or by verification. */
    size_t first = (size_t)(strchr(text, '\n') - text);
    int accepted = 0;
    for (size_t i = first; i < n; i++) {
        memcpy(copy, text, n);
        copy[i] ^= 0x01;
        if (sign_signature_parse(copy, n, &sig, &e) && sign_verify_hash(&pk, &sig, hash, &e))
            accepted++;
    }
    CHECK_INT(accepted, 0);
    /* Random bytes. */
    for (int round = 0; round < 200; round++) {
        size_t len = randombytes_uniform(400);
        randombytes_buf(copy, len);
        CHECK(!sign_signature_parse(copy, len, &sig, &e));
    }
    /* Oversized, legacy, unprintable. */
    CHECK(!sign_signature_parse(copy, SIGN_SIG_FILE_MAX + 1, &sig, &e));
    CHECK_HAS(e.msg, "malformed signature");
    char legacy[SIGN_SIG_FILE_MAX];
    reencode_line2(text, 74, make_legacy, legacy, sizeof legacy);
    CHECK(!sign_signature_parse(legacy, strlen(legacy), &sig, &e));
    CHECK_HAS(e.msg, "legacy signature");
    memcpy(copy, text, n);
    char *tc = strstr(copy, "\ntrusted comment: ") + strlen("\ntrusted comment: ");
    tc[0] = '\x1b';
    CHECK(!sign_signature_parse(copy, n, &sig, &e));
    CHECK_HAS(e.msg, "control characters");
}

static void set_password_kdf(unsigned char *bin)
{
    bin[2] = 'S', bin[3] = 'c';
}

static void damage_secret(unsigned char *bin)
{
    bin[70] ^= 0x01; /* inside the secret key; the checksum no longer matches */
}

static void damage_secret_unchecked(unsigned char *bin)
{
    bin[70] ^= 0x01;
    memset(bin + 126, 0, 32); /* as minisign -G -W writes it: no checksum to catch it */
}

TEST(sign_keys_refuse_garbage)
{
    const char *d = workdir("badkeys");
    keygen(d, "k");
    char path[700], text[1024], edited[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/k.key", d);
    CHECK(read_all(path, text, sizeof text, &n));
    err e;
    sign_seckey sk;
    sign_pubkey pk;
    CHECK(sign_seckey_parse(text, n, &sk, &e));
    sign_seckey_public(&sk, &pk);
    sign_pubkey loaded;
    snprintf(path, sizeof path, "%s/k.pub", d);
    CHECK(sign_pubkey_load(path, &loaded, &e));
    CHECK(!memcmp(&pk, &loaded, sizeof pk));

    reencode_line2(text, 158, set_password_kdf, edited, sizeof edited);
    CHECK(!sign_seckey_parse(edited, strlen(edited), &sk, &e));
    CHECK_HAS(e.msg, "protected by a password");
    reencode_line2(text, 158, damage_secret, edited, sizeof edited);
    CHECK(!sign_seckey_parse(edited, strlen(edited), &sk, &e));
    CHECK_HAS(e.msg, "checksum mismatch");
    reencode_line2(text, 158, damage_secret_unchecked, edited, sizeof edited);
    CHECK(!sign_seckey_parse(edited, strlen(edited), &sk, &e));
    CHECK_HAS(e.msg, "public half does not match");

    /* Each key where the other belongs, and plain garbage. */
    CHECK(!sign_pubkey_parse(text, n, &pk, &e));
    CHECK_HAS(e.msg, "not a minisign public key");
    CHECK(!sign_seckey_parse("untrusted comment: x\nRWQ\n", 25, &sk, &e));
    CHECK_HAS(e.msg, "not a minisign secret key");
    CHECK(!sign_pubkey_parse("\0\0\0", 3, &pk, &e));
    CHECK(!sign_pubkey_parse("", 0, &pk, &e));
    /* The base64 line alone, as minisign -P takes it, is a public key. */
    snprintf(path, sizeof path, "%s/k.pub", d);
    CHECK(read_all(path, text, sizeof text, &n));
    const char *b64 = strchr(text, '\n') + 1;
    CHECK(sign_pubkey_parse(b64, strlen(b64), &pk, &e));
    CHECK(!memcmp(&pk, &loaded, sizeof pk));
    sign_seckey_wipe(&sk);

    char out[2048];
    CHECK_INT(run(out, sizeof out, "%s sign '%s' --key '%s/k.pub'", tool(), test_demo_pack(), d), 1);
    CHECK_HAS(out, "not a minisign secret key");
}

TEST(sign_pack_comment_fields)
{
    pack_meta m = {.region = "kaiserslautern", .version = "2026-11-22", .schema_version = 1};
    char tc[512], v[64];
    err e;
    CHECK(sign_pack_comment(&m, 123456, "size=1 region=evil", tc, sizeof tc, &e));
    CHECK_STR(tc, "wegweiser region=kaiserslautern version=2026-11-22 schema=1 size=123456 comment=size=1 region=evil");
    CHECK(sign_comment_get(tc, "size", v, sizeof v));
    CHECK_STR(v, "123456");
    CHECK(sign_comment_get(tc, "schema", v, sizeof v));
    CHECK_STR(v, "1");
    CHECK(sign_comment_get(tc, "comment", v, sizeof v));
    CHECK_STR(v, "size=1 region=evil");
    CHECK(!sign_comment_get(tc, "missing", v, sizeof v));
    CHECK(!sign_comment_get(tc, "region", v, 4)); /* too long for out */
    CHECK(!sign_comment_get("timestamp:1\tfile:x.pack\thashed", "size", v, sizeof v));
    CHECK(sign_pack_comment(&m, 1, NULL, tc, sizeof tc, &e));
    CHECK(!sign_comment_get(tc, "comment", v, sizeof v));
    snprintf(m.version, sizeof m.version, "2026 11");
    CHECK(!sign_pack_comment(&m, 1, NULL, tc, sizeof tc, &e));
    CHECK_HAS(e.msg, "version '2026 11' contains a space");
    snprintf(m.version, sizeof m.version, "1");
    CHECK(!sign_pack_comment(&m, 1, "two\nlines", tc, sizeof tc, &e));
}
