/* The checks of a signed pack, shared by the kiosk's update and `wegweiser-pack verify`. */
#include "verify.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static bool all_digits(const char *s)
{
    if (!*s || strlen(s) > 15)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* The fields `wegweiser-pack sign` writes into the trusted comment. A comment that names none
 * of them is judged by the pack's own metadata (plain `minisign -S`); one that names any must
 * name each exactly once with a readable value: "region=a region=b" or "size=12x" is refused
 * rather than read one way here and another way elsewhere. */
static verify_status read_fields(verify_claim *c, err *e)
{
    static const char tag[] = "wegweiser ";
    static const char *const keys[] = {"region", "version", "schema", "size"};
    const char *tc = c->sig.trusted_comment;
    int seen[4] = {0}, any = 0;
    c->size = -1;
    c->schema = -1;
    c->fields = false;
    c->region[0] = c->version[0] = 0;
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
        return VERIFY_OK;
    for (int i = 0; i < 4; i++)
        if (seen[i] != 1) {
            err_set(e, "its signed comment names '%s' %d times; it must name it once", keys[i], seen[i]);
            return VERIFY_MISMATCH;
        }
    char schema[32] = "", size[32] = "";
    bool got = sign_comment_get(tc, "region", c->region, sizeof c->region) &&
               sign_comment_get(tc, "version", c->version, sizeof c->version) &&
               sign_comment_get(tc, "schema", schema, sizeof schema) && sign_comment_get(tc, "size", size, sizeof size);
    if (!got || !c->region[0] || !c->version[0] || !all_digits(schema) || !all_digits(size)) {
        c->region[0] = c->version[0] = 0;
        err_set(e, "its signed comment has an empty, overlong or unreadable region, version, schema or size");
        return VERIFY_MISMATCH;
    }
    c->fields = true;
    long long sv = strtoll(schema, NULL, 10);
    c->schema = sv > 1000000 ? 1000000 : (int)sv;
    c->size = strtoll(size, NULL, 10);
    return VERIFY_OK;
}

static verify_status schema_readable(long long schema, err *e)
{
    if (schema > PACK_SCHEMA_VERSION) {
        err_set(e, "content schema %lld; this kiosk reads %d: update the kiosk software", schema, PACK_SCHEMA_VERSION);
        return VERIFY_SCHEMA_NEWER;
    }
    if (schema < PACK_SCHEMA_VERSION) {
        err_set(e, "content schema %lld; this kiosk reads %d: build the pack again", schema, PACK_SCHEMA_VERSION);
        return VERIFY_SCHEMA_OLDER;
    }
    return VERIFY_OK;
}

verify_status verify_signature(const char *text, size_t n, const sign_pubkey *keys, int key_count, long long size,
                               verify_claim *out, err *e)
{
    memset(out, 0, sizeof *out);
    out->key = -1;
    out->schema = -1;
    out->size = -1;
    if (sodium_init() < 0) {
        err_set(e, "libsodium could not start");
        return VERIFY_BAD_SIGNATURE;
    }
    if (n == 0) {
        err_set(e, "its signature file is empty");
        return VERIFY_BAD_SIGNATURE;
    }
    /* minisign refuses a byte order mark too; saying so spares staff a search for an invisible fault. */
    if (n >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        err_set(e, "its signature file starts with a byte order mark (saved by a text editor); copy the original "
                   ".minisig again");
        return VERIFY_BAD_SIGNATURE;
    }
    if (!sign_signature_parse(text, n, &out->sig, e))
        return strncmp(e ? e->msg : "", "legacy", 6) ? VERIFY_BAD_SIGNATURE : VERIFY_LEGACY_SIGNATURE;
    sign_key_id_hex(out->sig.key_id, out->key_id);
    for (int i = 0; i < key_count && out->key < 0; i++)
        if (!memcmp(keys[i].key_id, out->sig.key_id, SIGN_KEY_ID_BYTES))
            out->key = i;
    if (out->key < 0) {
        err_set(e, "signed by another key: key %s, which is not among the %d trusted key(s)", out->key_id, key_count);
        return VERIFY_UNKNOWN_KEY;
    }
    /* The global signature covers signature || trusted comment: from here on the comment is the
     * signer's word, before a byte of the pack is read. */
    unsigned char msg[SIGN_SIG_BYTES + SIGN_TRUSTED_COMMENT_MAX];
    size_t tlen = strnlen(out->sig.trusted_comment, SIGN_TRUSTED_COMMENT_MAX - 1);
    memcpy(msg, out->sig.sig, SIGN_SIG_BYTES);
    memcpy(msg + SIGN_SIG_BYTES, out->sig.trusted_comment, tlen);
    if (crypto_sign_verify_detached(out->sig.global_sig, msg, SIGN_SIG_BYTES + tlen, keys[out->key].pk) != 0) {
        err_set(e, "the signature's trusted comment was changed after signing or the .minisig is damaged");
        return VERIFY_BAD_SIGNATURE;
    }
    verify_status st = read_fields(out, e);
    if (st == VERIFY_OK && out->schema >= 0)
        st = schema_readable(out->schema, e);
    if (st == VERIFY_OK && out->size >= 0 && out->size != size) {
        err_set(e, "%lld bytes, but the signed pack had %lld", size, out->size);
        st = VERIFY_TRUNCATED;
    }
    return st;
}

static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* The SQLite header (https://sqlite.org/fileformat.html), read from the bytes that were hashed,
 * so "not a pack" and "schema from the future" get their own message instead of SQLite's. */
static verify_status header_ok(const verify_claim *c, const unsigned char *h, long long size, err *e)
{
    static const char magic[16] = "SQLite format 3";
    if (size < VERIFY_HEADER_BYTES || memcmp(h, magic, sizeof magic)) {
        err_set(e, "signed, but not an SQLite file, so not a content pack");
        return VERIFY_NOT_A_PACK;
    }
    unsigned long schema = be32(h + 60), app = be32(h + 68);
    if (app != PACK_APPLICATION_ID) {
        err_set(e, "signed, but an SQLite database other than a Wegweiser pack");
        return VERIFY_NOT_A_PACK;
    }
    /* Bytes 18 and 19 are 2 in WAL mode: SQLite would then keep a -wal and a -shm file beside the
     * installed pack, writing in the data directory on every start. */
    if (h[18] != 1 || h[19] != 1) {
        err_set(e, "signed, but in SQLite's write-ahead log (WAL) mode or another file format than a pack built "
                   "by wegweiser-pack");
        return VERIFY_INVALID;
    }
    if (c->schema >= 0 && (unsigned long)c->schema != schema) {
        err_set(e, "the signed comment says content schema %d, the pack itself %lu", c->schema, schema);
        return VERIFY_MISMATCH;
    }
    return schema_readable(schema > 1000000 ? 1000000 : (long long)schema, e);
}

static verify_status refusal_status(pack_refusal why)
{
    switch (why) {
    case PACK_REFUSED_NONE:
    case PACK_REFUSED_DAMAGED:
        return VERIFY_CORRUPT;
    case PACK_REFUSED_UNREADABLE:
        return VERIFY_UNREADABLE;
    case PACK_REFUSED_NOT_A_PACK:
        return VERIFY_NOT_A_PACK;
    case PACK_REFUSED_VERSION:
        return VERIFY_SCHEMA_NEWER;
    case PACK_REFUSED_SCHEMA:
        return VERIFY_SCHEMA_DIFFERS;
    case PACK_REFUSED_CONTENT:
        return VERIFY_INVALID;
    }
    return VERIFY_CORRUPT;
}

/* Region and version become file names and lines of the pointer file (docs/update.md), and
 * are shown to staff: text without control characters or bidi controls. */
static bool plain_text(const char *s)
{
    while (*s) {
        uint32_t cp = utf8_next(&s);
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xFFFD || (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return false;
    }
    return true;
}

verify_status verify_pack(const verify_claim *claim, const sign_pubkey *key, const unsigned char hash[SIGN_HASH_BYTES],
                          const unsigned char header[VERIFY_HEADER_BYTES], long long size, const char *path, pack **out,
                          err *e)
{
    *out = NULL;
    if (!sign_verify_hash(key, &claim->sig, hash, e))
        return VERIFY_TAMPERED;
    verify_status st = header_ok(claim, header, size, e);
    if (st != VERIFY_OK)
        return st;
    pack_refusal why = PACK_REFUSED_NONE;
    err pe = {""};
    pack *p = pack_open_ex(path, false, &why, &pe);
    if (!p) {
        /* pack_open names the file by its path, which is the caller's copy: "it" is clearer, and
         * the same on a kiosk and a PC. */
        size_t n = strlen(path);
        const char *rest = !strncmp(pe.msg, path, n) && pe.msg[n] == ' ' ? pe.msg + n + 1 : NULL;
        err_set(e, "signed, but %s%s", rest ? "it " : "", rest ? rest : pe.msg);
        return refusal_status(why);
    }
    const pack_meta *m = pack_get_meta(p);
    if (!plain_text(m->region) || !plain_text(m->version)) {
        err_set(e, "its region or version contains control characters or bytes that are not text");
        st = VERIFY_INVALID;
    } else if (claim->fields && (strcmp(m->region, claim->region) || strcmp(m->version, claim->version))) {
        err_set(e, "the signed comment says %s %s, the pack itself %s %s", claim->region, claim->version, m->region,
                m->version);
        st = VERIFY_MISMATCH;
    }
    /* What pack_open leaves to be read when a page is shown (titles, summaries, bodies) is held
     * to the same limits here, so a signed pack never shows a cut or disguised text. */
    if (st == VERIFY_OK) {
        pack_report texts = {0};
        if (!pack_check_texts(p, &texts)) {
            const char *first = "a text is over the limits of content/SCHEMA.md";
            for (int i = 0; i < texts.count; i++)
                if (texts.problems[i].error) {
                    first = texts.problems[i].text;
                    break;
                }
            if (texts.errors > 1)
                err_set(e, "signed, but %s (and %d more problems with its texts)", first, texts.errors - 1);
            else
                err_set(e, "signed, but %s", first);
            st = VERIFY_INVALID;
        }
        pack_report_free(&texts);
    }
    if (st != VERIFY_OK) {
        pack_close(p);
        return st;
    }
    *out = p;
    return VERIFY_OK;
}
