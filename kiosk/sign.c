#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Algorithm tags as minisign writes them (src/minisign.h). "ED" marks a prehashed signature,
 * Ed25519 over BLAKE2b-512 of the file: the only kind we make or accept, because the kiosk
 * hashes a pack while copying it and never holds a whole pack in memory. */
static const unsigned char ALG_KEY[2] = {'E', 'd'};
static const unsigned char ALG_PREHASHED[2] = {'E', 'D'};
static const unsigned char CHK_BLAKE2B[2] = {'B', '2'};
static const unsigned char KDF_NONE[2] = {0, 0};
static const unsigned char KDF_SCRYPT[2] = {'S', 'c'};

#define COMMENT_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

/* Byte layouts of minisign's base64 blocks; every field is a byte array, so no padding. */
enum {
    PUB_LEN = 2 + SIGN_KEY_ID_BYTES + SIGN_PUBLIC_KEY_BYTES, /* alg, key id, key */
    SIGBLOCK_LEN = 2 + SIGN_KEY_ID_BYTES + SIGN_SIG_BYTES,   /* alg, key id, signature */
    SEC_CHK_BYTES = 32,                                      /* BLAKE2b-256 */
    /* alg, kdf alg, checksum alg, kdf salt (32), opslimit (8), memlimit (8), then the part a
     * password would encrypt: key id, secret key, checksum. */
    SEC_KDF = 2,
    SEC_CHK_ALG = 4,
    SEC_ID = 2 + 2 + 2 + 32 + 8 + 8,
    SEC_SK = SEC_ID + SIGN_KEY_ID_BYTES,
    SEC_CHK = SEC_SK + SIGN_SECRET_KEY_BYTES,
    SEC_LEN = SEC_CHK + SEC_CHK_BYTES,
};

/* libsodium wants sodium_init before use; it is cheap and idempotent, so every entry point
 * that touches crypto calls it rather than burdening callers with an init function. */
static bool ready(err *e)
{
    if (sodium_init() < 0)
        return err_set(e, "libsodium could not start (no source of randomness?)");
    return true;
}

void sign_key_id_hex(const unsigned char id[SIGN_KEY_ID_BYTES], char out[17])
{
    uint64_t v = 0;
    for (int i = SIGN_KEY_ID_BYTES - 1; i >= 0; i--)
        v = v << 8 | id[i];
    snprintf(out, 17, "%016llX", (unsigned long long)v);
}

/* ---- small helpers: lines, base64, printable text ---- */

typedef struct lines {
    const char *p, *end;
    int number;
} lines;

/* The next line without its "\n" (and a "\r" before it, for files edited on Windows). */
static bool line_next(lines *l, const char **s, size_t *n)
{
    if (l->p >= l->end)
        return false;
    const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
    const char *stop = nl ? nl : l->end;
    *s = l->p;
    *n = (size_t)(stop - l->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    l->p = nl ? nl + 1 : l->end;
    l->number++;
    return true;
}

static bool only_blank_lines(lines *l)
{
    const char *s;
    size_t n;
    while (line_next(l, &s, &n))
        for (size_t i = 0; i < n; i++)
            if (s[i] != ' ' && s[i] != '\t')
                return false;
    return true;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && !memcmp(s, prefix, k);
}

/* Pasted keys often carry stray spaces; base64 never contains them. */
static void trim_spaces(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t'))
        (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool b64_decode(const char *s, size_t n, unsigned char *out, size_t want)
{
    size_t got = 0;
    return n > 0 &&
           sodium_base642bin(out, want, s, n, NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
           got == want;
}

/* Comments end up on a kiosk's screen and in a line-based file: valid UTF-8, no control
 * characters but tab (the same rule minisign 0.12 applies to trusted comments). */
static bool printable(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p++;
        if (c == '\t' || (c >= 0x20 && c < 0x7f))
            continue;
        int need;
        uint32_t cp, min;
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;
        if (end - p < need)
            return false;
        for (int i = 0; i < need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        p += need;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f)
            return false;
    }
    return true;
}

/* ---- files ---- */

/* Opens a regular file for reading. O_NONBLOCK keeps a FIFO planted on a stick from hanging
 * the open; anything but a regular file (FIFO, device, folder) is refused before a read. */
static FILE *open_regular(const char *path, const char *what, bool *missing, err *e)
{
    *missing = false;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *missing = errno == ENOENT;
        err_set(e, "cannot open %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    FILE *f = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        err_set(e, "%s is not a regular file, so it cannot be a %s", path, what);
    else if (fcntl(fd, F_SETFL, 0) != 0 || !(f = fdopen(fd, "rb")))
        err_set(e, "cannot read %s %s: %s", what, path, strerror(errno));
    if (!f)
        close(fd);
    return f;
}

/* Reads a small text file (key or signature) into buf, refusing anything larger than `cap`
 * bytes, so a huge file on a stick cannot bloat us. */
static bool read_small(const char *path, const char *what, char *buf, size_t cap, size_t *n, bool *missing,
                       err *e)
{
    FILE *f = open_regular(path, what, missing, e);
    if (!f)
        return false;
    *n = fread(buf, 1, cap, f);
    bool bad = ferror(f) != 0, more = fgetc(f) != EOF;
    fclose(f);
    if (bad)
        return err_set(e, "cannot read %s %s", what, path);
    if (more)
        return err_set(e, "%s is larger than %zu bytes, too large to be a %s", path, cap, what);
    return true;
}

static bool write_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        n -= (size_t)w;
    }
    return true;
}

/* Writes a whole file or nothing: a temporary file next to it, synced, then renamed over.
 * A power cut or full disk never leaves half a key or half a signature behind. */
static bool write_atomic(const char *path, const char *data, size_t n, mode_t mode, err *e)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
        return err_set(e, "the path %s is too long", path);
    int fd = mkstemp(tmp); /* created 0600: a secret key is never readable by others, not even briefly */
    if (fd < 0)
        return err_set(e, "cannot write next to %s: %s", path, strerror(errno));
    bool ok = fchmod(fd, mode) == 0 && write_all(fd, data, n) && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok)
        ok = false, saved = errno;
    if (ok && rename(tmp, path) != 0)
        ok = false, saved = errno;
    if (ok)
        return true;
    unlink(tmp);
    return err_set(e, "cannot write %s: %s", path, strerror(saved));
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- hashing ---- */

/* Packs are hashed with OpenSSL's BLAKE2b-512 rather than libsodium's: the same function (tests
 * check our signatures with minisign and minisign's with ours), measured 1.8 times as fast on
 * x86-64 (about 950 against 520 MB/s), and the hash is most of what installing a large pack
 * costs (docs/bench.md). Keys and the small checksum of a secret key stay with libsodium. */
struct sign_hasher {
    EVP_MD_CTX *ctx;
};

sign_hasher *sign_hasher_new(err *e)
{
    sign_hasher *h = calloc(1, sizeof *h);
    if (h && (h->ctx = EVP_MD_CTX_new()) && EVP_DigestInit_ex(h->ctx, EVP_blake2b512(), NULL) == 1)
        return h;
    sign_hasher_free(h);
    err_set(e, "out of memory for a hash (or OpenSSL without BLAKE2b)");
    return NULL;
}

void sign_hasher_update(sign_hasher *h, const void *data, size_t n) { EVP_DigestUpdate(h->ctx, data, n); }

void sign_hasher_final(sign_hasher *h, unsigned char hash[SIGN_HASH_BYTES])
{
    unsigned int n = SIGN_HASH_BYTES;
    EVP_DigestFinal_ex(h->ctx, hash, &n);
}

void sign_hasher_free(sign_hasher *h)
{
    if (h)
        EVP_MD_CTX_free(h->ctx);
    free(h);
}

bool sign_hash_file(const char *path, unsigned char hash[SIGN_HASH_BYTES], long long *size, err *e)
{
    return sign_hash_file_head(path, hash, size, NULL, 0, e);
}

bool sign_hash_file_head(const char *path, unsigned char hash[SIGN_HASH_BYTES], long long *size, unsigned char *head,
                         size_t head_size, err *e)
{
    sign_hasher *h = sign_hasher_new(e);
    if (!h)
        return false;
    bool missing;
    FILE *f = open_regular(path, "file to hash", &missing, e);
    if (!f) {
        sign_hasher_free(h);
        return false;
    }
    unsigned char buf[1 << 16];
    long long total = 0;
    size_t got;
    if (head)
        memset(head, 0, head_size);
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (head && (size_t)total < head_size)
            memcpy(head + total, buf, head_size - (size_t)total < got ? head_size - (size_t)total : got);
        sign_hasher_update(h, buf, got);
        total += (long long)got;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    sign_hasher_final(h, hash);
    sign_hasher_free(h);
    if (bad)
        return err_set(e, "cannot read %s (a damaged stick or disk?)", path);
    if (size)
        *size = total;
    return true;
}

/* ---- public key ---- */

bool sign_pubkey_parse(const char *text, size_t n, sign_pubkey *out, err *e)
{
    static const char bad[] = "not a minisign public key";
    if (n > SIGN_KEY_FILE_MAX || memchr(text, 0, n))
        return err_set(e, "%s: it is binary or far too long", bad);
    lines l = {text, text + n, 0};
    const char *s;
    size_t len;
    if (!line_next(&l, &s, &len))
        return err_set(e, "%s: it is empty", bad);
    if (starts_with(s, len, "untrusted comment:") && !line_next(&l, &s, &len))
        return err_set(e, "%s: it has a comment but no key on line 2", bad);
    trim_spaces(&s, &len);
    unsigned char bin[PUB_LEN];
    if (!b64_decode(s, len, bin, sizeof bin))
        return err_set(e, "%s: line %d is not the base64 of a key (56 characters)", bad, l.number);
    if (memcmp(bin, ALG_KEY, 2))
        return err_set(e, "%s: it is for an algorithm other than Ed25519", bad);
    if (!only_blank_lines(&l))
        return err_set(e, "%s: unexpected text after the key on line %d", bad, l.number);
    memcpy(out->key_id, bin + 2, SIGN_KEY_ID_BYTES);
    memcpy(out->pk, bin + 2 + SIGN_KEY_ID_BYTES, SIGN_PUBLIC_KEY_BYTES);
    return true;
}

bool sign_pubkey_load(const char *path, sign_pubkey *out, err *e)
{
    char buf[SIGN_KEY_FILE_MAX];
    size_t n;
    bool missing;
    if (!read_small(path, "public key", buf, sizeof buf, &n, &missing, e))
        return false;
    if (sign_pubkey_parse(buf, n, out, e))
        return true;
    err inner = *e;
    return err_set(e, "%s: %s", path, inner.msg);
}

/* ---- secret key ---- */

/* minisign's checksum of a secret key: BLAKE2b-256 over alg || key id || secret key. */
static void seckey_checksum(const unsigned char *bin, unsigned char chk[SEC_CHK_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, SEC_CHK_BYTES);
    crypto_generichash_update(&st, bin, 2);
    crypto_generichash_update(&st, bin + SEC_ID, SIGN_KEY_ID_BYTES);
    crypto_generichash_update(&st, bin + SEC_SK, SIGN_SECRET_KEY_BYTES);
    crypto_generichash_final(&st, chk, SEC_CHK_BYTES);
    sodium_memzero(&st, sizeof st);
}

/* Checks the decoded block: algorithms, no password, checksum, and that the public half
 * stored in the key is the one its seed gives. */
static bool seckey_check(const unsigned char *bin, err *e)
{
    static const char bad[] = "not a usable minisign secret key";
    if (memcmp(bin, ALG_KEY, 2) || memcmp(bin + SEC_CHK_ALG, CHK_BLAKE2B, 2))
        return err_set(e, "%s: unknown signature or checksum algorithm", bad);
    if (!memcmp(bin + SEC_KDF, KDF_SCRYPT, 2))
        return err_set(e, "this secret key is protected by a password, which wegweiser-pack cannot ask for; "
                          "sign with 'minisign -S -s KEY -m PACK' instead, or remove the password with "
                          "'minisign -C -W -s KEY'");
    if (memcmp(bin + SEC_KDF, KDF_NONE, 2))
        return err_set(e, "%s: unknown key derivation algorithm", bad);
    /* `minisign -G -W` leaves the checksum of an unencrypted key all zero; any other value
     * must match, so a damaged key is caught here and not as a bad signature later. */
    unsigned char chk[SEC_CHK_BYTES], zero[SEC_CHK_BYTES] = {0};
    seckey_checksum(bin, chk);
    bool chk_ok = !sodium_memcmp(bin + SEC_CHK, zero, SEC_CHK_BYTES) ||
                  !sodium_memcmp(bin + SEC_CHK, chk, SEC_CHK_BYTES);
    sodium_memzero(chk, sizeof chk);
    if (!chk_ok)
        return err_set(e, "%s: it is damaged (checksum mismatch)", bad);
    unsigned char pk[SIGN_PUBLIC_KEY_BYTES], sk[SIGN_SECRET_KEY_BYTES];
    crypto_sign_seed_keypair(pk, sk, bin + SEC_SK);
    bool same = !sodium_memcmp(sk, bin + SEC_SK, SIGN_SECRET_KEY_BYTES);
    sodium_memzero(sk, sizeof sk);
    if (!same)
        return err_set(e, "%s: it is damaged (its public half does not match its secret half)", bad);
    return true;
}

bool sign_seckey_parse(const char *text, size_t n, sign_seckey *out, err *e)
{
    static const char bad[] = "not a minisign secret key";
    if (!ready(e))
        return false;
    if (n > SIGN_KEY_FILE_MAX || memchr(text, 0, n))
        return err_set(e, "%s: it is binary or far too long", bad);
    lines l = {text, text + n, 0};
    const char *s;
    size_t len;
    if (!line_next(&l, &s, &len) || !starts_with(s, len, "untrusted comment:"))
        return err_set(e, "%s: line 1 must start with 'untrusted comment:'", bad);
    if (!line_next(&l, &s, &len))
        return err_set(e, "%s: there is no key on line 2", bad);
    trim_spaces(&s, &len);
    unsigned char bin[SEC_LEN];
    bool ok = b64_decode(s, len, bin, sizeof bin);
    if (!ok)
        err_set(e, "%s: line 2 is not the base64 of a secret key (212 characters)", bad);
    ok = ok && seckey_check(bin, e);
    if (ok) {
        memcpy(out->key_id, bin + SEC_ID, SIGN_KEY_ID_BYTES);
        memcpy(out->sk, bin + SEC_SK, SIGN_SECRET_KEY_BYTES);
    }
    sodium_memzero(bin, sizeof bin);
    return ok;
}

bool sign_seckey_load(const char *path, sign_seckey *out, err *e)
{
    char buf[SIGN_KEY_FILE_MAX];
    size_t n = 0;
    bool missing;
    if (!read_small(path, "secret key", buf, sizeof buf, &n, &missing, e))
        return false;
    bool ok = sign_seckey_parse(buf, n, out, e);
    sodium_memzero(buf, sizeof buf);
    if (ok)
        return true;
    err inner = *e;
    return err_set(e, "%s: %s", path, inner.msg);
}

void sign_seckey_wipe(sign_seckey *sk)
{
    sodium_memzero(sk, sizeof *sk);
}

void sign_seckey_public(const sign_seckey *sk, sign_pubkey *out)
{
    memcpy(out->key_id, sk->key_id, SIGN_KEY_ID_BYTES);
    /* libsodium's secret key is seed || public key. */
    memcpy(out->pk, sk->sk + SIGN_SECRET_KEY_BYTES - SIGN_PUBLIC_KEY_BYTES, SIGN_PUBLIC_KEY_BYTES);
}

/* ---- key generation ---- */

static bool write_pubkey(const char *path, const sign_pubkey *pk, err *e)
{
    unsigned char bin[PUB_LEN];
    memcpy(bin, ALG_KEY, 2);
    memcpy(bin + 2, pk->key_id, SIGN_KEY_ID_BYTES);
    memcpy(bin + 2 + SIGN_KEY_ID_BYTES, pk->pk, SIGN_PUBLIC_KEY_BYTES);
    char id[17], b64[sodium_base64_ENCODED_LEN(PUB_LEN, sodium_base64_VARIANT_ORIGINAL)], text[256];
    sign_key_id_hex(pk->key_id, id);
    sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(text, sizeof text, COMMENT_PREFIX "minisign public key %s\n%s\n", id, b64);
    return write_atomic(path, text, (size_t)n, 0644, e);
}

/* An unencrypted key, as `minisign -G -W` makes it but with its checksum filled in: the
 * signing PC is the protection, and an unattended `make` can sign without a password prompt. */
static bool write_seckey(const char *path, const sign_seckey *sk, err *e)
{
    unsigned char bin[SEC_LEN] = {0};
    memcpy(bin, ALG_KEY, 2);
    memcpy(bin + SEC_KDF, KDF_NONE, 2);
    memcpy(bin + SEC_CHK_ALG, CHK_BLAKE2B, 2);
    memcpy(bin + SEC_ID, sk->key_id, SIGN_KEY_ID_BYTES);
    memcpy(bin + SEC_SK, sk->sk, SIGN_SECRET_KEY_BYTES);
    seckey_checksum(bin, bin + SEC_CHK);
    char id[17], b64[sodium_base64_ENCODED_LEN(SEC_LEN, sodium_base64_VARIANT_ORIGINAL)], text[512];
    sign_key_id_hex(sk->key_id, id);
    sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    int n = snprintf(text, sizeof text,
                     COMMENT_PREFIX "minisign secret key %s, no password: keep this file secret\n%s\n", id, b64);
    bool ok = write_atomic(path, text, (size_t)n, 0600, e);
    sodium_memzero(bin, sizeof bin);
    sodium_memzero(b64, sizeof b64);
    sodium_memzero(text, sizeof text);
    return ok;
}

bool sign_keygen(const char *pub_path, const char *sec_path, bool force, sign_pubkey *out, err *e)
{
    if (!ready(e))
        return false;
    if (!strcmp(pub_path, sec_path))
        return err_set(e, "the public and the secret key need two different files");
    const char *present = exists(sec_path) ? sec_path : exists(pub_path) ? pub_path : NULL;
    if (present && !force)
        return err_set(e, "%s already exists; add -f to replace the key pair (kiosks that trust the old "
                          "public key will refuse packs signed with the new one)", present);
    sign_seckey sk;
    sign_pubkey pk;
    randombytes_buf(sk.key_id, sizeof sk.key_id);
    crypto_sign_keypair(pk.pk, sk.sk);
    memcpy(pk.key_id, sk.key_id, sizeof pk.key_id);
    /* Secret key first: a public key without its secret half would be useless. */
    bool ok = write_seckey(sec_path, &sk, e) && write_pubkey(pub_path, &pk, e);
    sign_seckey_wipe(&sk);
    if (ok && out)
        *out = pk;
    return ok;
}

/* ---- signatures ---- */

static bool parse_comment_line(lines *l, sign_signature *out, err *e)
{
    const char *s;
    size_t n;
    if (!line_next(l, &s, &n) || !starts_with(s, n, COMMENT_PREFIX))
        return err_set(e, "malformed signature: line 1 must start with '" COMMENT_PREFIX "'");
    s += strlen(COMMENT_PREFIX), n -= strlen(COMMENT_PREFIX);
    if (n >= sizeof out->untrusted_comment)
        return err_set(e, "malformed signature: the comment on line 1 is too long");
    memcpy(out->untrusted_comment, s, n);
    out->untrusted_comment[n] = 0;
    return true;
}

static bool parse_sig_line(lines *l, sign_signature *out, err *e)
{
    const char *s;
    size_t n;
    unsigned char bin[SIGBLOCK_LEN];
    if (!line_next(l, &s, &n) || !b64_decode(s, n, bin, sizeof bin))
        return err_set(e, "malformed signature: line 2 is not the base64 of a signature (100 characters)");
    if (!memcmp(bin, ALG_KEY, 2))
        return err_set(e, "legacy signature: it signs the whole file, not its hash, which the kiosk does not "
                          "accept; sign again with 'wegweiser-pack sign' or a current 'minisign -S'");
    if (memcmp(bin, ALG_PREHASHED, 2))
        return err_set(e, "malformed signature: line 2 names an unknown algorithm");
    memcpy(out->key_id, bin + 2, SIGN_KEY_ID_BYTES);
    memcpy(out->sig, bin + 2 + SIGN_KEY_ID_BYTES, SIGN_SIG_BYTES);
    return true;
}

static bool parse_trusted_line(lines *l, sign_signature *out, err *e)
{
    const char *s;
    size_t n;
    if (!line_next(l, &s, &n) || !starts_with(s, n, TRUSTED_PREFIX))
        return err_set(e, "malformed signature: line 3 must start with '" TRUSTED_PREFIX "'");
    s += strlen(TRUSTED_PREFIX), n -= strlen(TRUSTED_PREFIX);
    if (n >= sizeof out->trusted_comment)
        return err_set(e, "malformed signature: the trusted comment is too long");
    if (!printable(s, n))
        return err_set(e, "malformed signature: the trusted comment has control characters or is not UTF-8");
    memcpy(out->trusted_comment, s, n);
    out->trusted_comment[n] = 0;
    return true;
}

static bool parse_global_line(lines *l, sign_signature *out, err *e)
{
    const char *s;
    size_t n;
    if (!line_next(l, &s, &n) || !b64_decode(s, n, out->global_sig, SIGN_SIG_BYTES))
        return err_set(e, "malformed signature: line 4 is not the base64 of a signature (88 characters)");
    if (!only_blank_lines(l))
        return err_set(e, "malformed signature: unexpected text after line 4");
    return true;
}

bool sign_signature_parse(const char *text, size_t n, sign_signature *out, err *e)
{
    if (n > SIGN_SIG_FILE_MAX)
        return err_set(e, "malformed signature: %zu bytes, far more than a signature has", n);
    if (memchr(text, 0, n))
        return err_set(e, "malformed signature: it is binary, not minisign's text format");
    lines l = {text, text + n, 0};
    return parse_comment_line(&l, out, e) && parse_sig_line(&l, out, e) && parse_trusted_line(&l, out, e) &&
           parse_global_line(&l, out, e);
}

bool sign_signature_read(const char *path, char *text, size_t cap, size_t *n, err *e)
{
    bool missing;
    if (read_small(path, "signature", text, cap, n, &missing, e))
        return true;
    if (missing)
        return err_set(e, "no signature file %s; sign the pack with 'wegweiser-pack sign' or 'minisign -S' "
                          "and keep the .minisig next to it", path);
    return false;
}

bool sign_signature_load(const char *path, sign_signature *out, err *e)
{
    char buf[SIGN_SIG_FILE_MAX];
    size_t n;
    if (!sign_signature_read(path, buf, sizeof buf, &n, e))
        return false;
    if (sign_signature_parse(buf, n, out, e))
        return true;
    err inner = *e;
    return err_set(e, "%s (in %s)", inner.msg, path);
}

bool sign_verify_hash(const sign_pubkey *pk, const sign_signature *sig, const unsigned char hash[SIGN_HASH_BYTES],
                      err *e)
{
    if (!ready(e))
        return false;
    if (memcmp(sig->key_id, pk->key_id, SIGN_KEY_ID_BYTES)) {
        char want[17], got[17];
        sign_key_id_hex(sig->key_id, got);
        sign_key_id_hex(pk->key_id, want);
        return err_set(e, "signed by another key: the signature is from key %s, the public key is %s; verify "
                          "with the signer's public key or sign the pack again with the right key", got, want);
    }
    if (crypto_sign_verify_detached(sig->sig, hash, SIGN_HASH_BYTES, pk->pk) != 0)
        return err_set(e, "the pack was changed after signing or is damaged: its signature does not match its "
                          "contents; copy the pack and its .minisig again from the original");
    /* The global signature covers sig || trusted comment, so the comment cannot be moved
     * to another signature or edited. */
    unsigned char msg[SIGN_SIG_BYTES + SIGN_TRUSTED_COMMENT_MAX];
    size_t tlen = strnlen(sig->trusted_comment, SIGN_TRUSTED_COMMENT_MAX - 1);
    memcpy(msg, sig->sig, SIGN_SIG_BYTES);
    memcpy(msg + SIGN_SIG_BYTES, sig->trusted_comment, tlen);
    if (crypto_sign_verify_detached(sig->global_sig, msg, SIGN_SIG_BYTES + tlen, pk->pk) != 0)
        return err_set(e, "the signature's trusted comment was changed after signing or the .minisig is damaged; "
                          "copy it again from the original or sign the pack again");
    return true;
}

static bool comment_ok(const char *what, const char *c, size_t max, err *e)
{
    size_t n = strlen(c);
    if (n >= max)
        return err_set(e, "the %s is too long (%zu bytes, at most %zu)", what, n, max - 1);
    if (!printable(c, n))
        return err_set(e, "the %s must be one line of text without control characters", what);
    return true;
}

/* The four lines of a .minisig: untrusted comment, "ED" || key id || signature of the hash,
 * trusted comment, and the global signature over signature || trusted comment. */
static int format_signature(char *out, size_t size, const sign_seckey *sk, const unsigned char hash[SIGN_HASH_BYTES],
                            const char *trusted, const char *untrusted)
{
    unsigned char block[SIGBLOCK_LEN], global[SIGN_SIG_BYTES];
    unsigned char msg[SIGN_SIG_BYTES + SIGN_TRUSTED_COMMENT_MAX];
    size_t tlen = strlen(trusted);
    memcpy(block, ALG_PREHASHED, 2);
    memcpy(block + 2, sk->key_id, SIGN_KEY_ID_BYTES);
    crypto_sign_detached(block + 2 + SIGN_KEY_ID_BYTES, NULL, hash, SIGN_HASH_BYTES, sk->sk);
    memcpy(msg, block + 2 + SIGN_KEY_ID_BYTES, SIGN_SIG_BYTES);
    memcpy(msg + SIGN_SIG_BYTES, trusted, tlen);
    crypto_sign_detached(global, NULL, msg, SIGN_SIG_BYTES + tlen, sk->sk);
    char b64_block[sodium_base64_ENCODED_LEN(SIGBLOCK_LEN, sodium_base64_VARIANT_ORIGINAL)];
    char b64_global[sodium_base64_ENCODED_LEN(SIGN_SIG_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64_block, sizeof b64_block, block, sizeof block, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(b64_global, sizeof b64_global, global, sizeof global, sodium_base64_VARIANT_ORIGINAL);
    return snprintf(out, size, COMMENT_PREFIX "%s\n%s\n" TRUSTED_PREFIX "%s\n%s\n", untrusted, b64_block, trusted,
                    b64_global);
}

bool sign_write(const char *sig_path, const sign_seckey *sk, const unsigned char hash[SIGN_HASH_BYTES],
                const char *trusted_comment, const char *untrusted_comment, err *e)
{
    if (!ready(e))
        return false;
    char id[17], fallback[64];
    sign_key_id_hex(sk->key_id, id);
    snprintf(fallback, sizeof fallback, "signature from minisign secret key %s", id);
    const char *untrusted = untrusted_comment ? untrusted_comment : fallback;
    if (!comment_ok("trusted comment", trusted_comment, SIGN_TRUSTED_COMMENT_MAX, e) ||
        !comment_ok("untrusted comment", untrusted, SIGN_UNTRUSTED_COMMENT_MAX, e))
        return false;
    char text[SIGN_SIG_FILE_MAX];
    int n = format_signature(text, sizeof text, sk, hash, trusted_comment, untrusted);
    if (n < 0 || n >= (int)sizeof text)
        return err_set(e, "the signature for %s would be too long", sig_path);
    return write_atomic(sig_path, text, (size_t)n, 0644, e);
}

/* ---- the trusted comment of a pack ---- */

/* A field value must survive "key=value" separated by spaces. */
static bool one_word(const char *what, const char *v, err *e)
{
    if (!v[0])
        return err_set(e, "the pack has no %s; build it again with wegweiser-pack", what);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return err_set(e, "the pack's %s '%s' contains a space or control character, which the signature's "
                              "trusted comment cannot carry; change it in region.txt and build again", what, v);
    return printable(v, strlen(v)) || err_set(e, "the pack's %s is not valid UTF-8", what);
}

bool sign_pack_comment(const pack_meta *m, long long size, const char *comment, char *out, size_t out_size, err *e)
{
    if (!one_word("region", m->region, e) || !one_word("version", m->version, e))
        return false;
    if (comment && !comment_ok("comment", comment, SIGN_UNTRUSTED_COMMENT_MAX, e))
        return false;
    int n = snprintf(out, out_size, "wegweiser region=%s version=%s schema=%d size=%lld%s%s", m->region, m->version,
                     m->schema_version, size, comment ? " comment=" : "", comment ? comment : "");
    if (n < 0 || (size_t)n >= out_size)
        return err_set(e, "the trusted comment is too long");
    return true;
}

bool sign_comment_get(const char *tc, const char *key, char *out, size_t out_size)
{
    static const char tag[] = "wegweiser ";
    if (strncmp(tc, tag, sizeof tag - 1))
        return false;
    size_t klen = strlen(key);
    for (const char *p = tc + sizeof tag - 1; *p;) {
        while (*p == ' ')
            p++;
        bool rest = !strncmp(p, "comment=", 8); /* free text: nothing after it is a field */
        size_t len = rest ? strlen(p) : strcspn(p, " ");
        if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            size_t vlen = len - klen - 1;
            if (vlen >= out_size)
                return false;
            memcpy(out, p + klen + 1, vlen);
            out[vlen] = 0;
            return true;
        }
        if (rest)
            return false;
        p += len;
    }
    return false;
}
