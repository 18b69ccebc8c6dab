/* publish: the pack, its signature and the signed index in one folder for a web server
 * (publish.h, docs/fleet.md). The index is the kiosk's only reason to download: it carries the
 * size and hash the download is held to, and an expiry so that a stale mirror or a man in the
 * middle replaying an old index cannot freeze kiosks on old content for ever. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack.h"
#include "publish.h"

static void iso_time(time_t t, char *out, size_t size)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "1970-01-01T00:00:00Z");
}

/* Only what a file name on any web server and in a URL survives unchanged. */
static void word(char *out, size_t size, const char *in)
{
    size_t i = 0;
    for (; in[i] && i + 1 < size; i++) {
        char c = in[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
        out[i] = ok ? c : '_';
    }
    out[i] = 0;
}

static bool write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Writes `path` through a temporary beside it, synced, renamed: whole or not at all. */
static bool write_whole(const char *path, const void *data, size_t n, err *e)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    bool ok = write_all(fd, data, n) && fsync(fd) == 0;
    int en = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        en = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        en = errno;
    }
    if (!ok) {
        unlink(tmp);
        return err_set(e, "cannot write %s: %s", path, strerror(en));
    }
    return true;
}

/* Copies src to dst whole-or-nothing, hashing exactly the bytes written. */
static bool copy_hashing(const char *src, const char *dst, unsigned char hash[SIGN_HASH_BYTES], long long *size,
                         err *e)
{
    struct stat a, b;
    if (stat(src, &a) == 0 && stat(dst, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return sign_hash_file(dst, hash, size, e); /* already in place */
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return err_set(e, "cannot read %s: %s", src, strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int en = errno;
        close(in);
        return err_set(e, "cannot write %s: %s", tmp, strerror(en));
    }
    sign_hasher *h = sign_hasher_new(e);
    bool ok = h != NULL;
    static char buf[1 << 16];
    *size = 0;
    while (ok) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ok = err_set(e, "cannot read %s: %s", src, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        sign_hasher_update(h, buf, (size_t)r);
        *size += r;
        if (!write_all(out, buf, (size_t)r))
            ok = err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    }
    if (ok && fsync(out) != 0)
        ok = err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    close(in);
    if (close(out) != 0 && ok)
        ok = err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    if (h) {
        sign_hasher_final(h, hash);
        sign_hasher_free(h);
    }
    if (ok && rename(tmp, dst) != 0)
        ok = err_set(e, "cannot write %s: %s", dst, strerror(errno));
    if (!ok)
        unlink(tmp);
    return ok;
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

bool publish_pack(const char *pack_path, const sign_seckey *sk, const char *out_dir, int expires_days, time_t now,
                  publish_result *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (expires_days < 1 || expires_days > PUBLISH_EXPIRES_DAYS_MAX)
        return err_set(e, "--expires-days must be 1 to %d, not %d", PUBLISH_EXPIRES_DAYS_MAX, expires_days);
    pack *p = pack_open(pack_path, e);
    if (!p)
        return false;
    pack_meta m = *pack_get_meta(p);
    pack_close(p);
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
        return err_set(e, "cannot make the folder %s: %s", out_dir, strerror(errno));
    char region[64], version[64];
    word(region, sizeof region, m.region);
    word(version, sizeof version, m.version);
    snprintf(out->file, sizeof out->file, "%s-%s.pack", region, version);
    snprintf(out->region, sizeof out->region, "%s", m.region);
    snprintf(out->version, sizeof out->version, "%s", m.version);
    if (snprintf(out->pack_path, sizeof out->pack_path, "%s/%s", out_dir, out->file) >= (int)sizeof out->pack_path ||
        snprintf(out->index_path, sizeof out->index_path, "%s/" PUBLISH_INDEX, out_dir) >= (int)sizeof out->index_path)
        return err_set(e, "the folder name %s is too long", out_dir);

    unsigned char hash[SIGN_HASH_BYTES];
    char tc[SIGN_TRUSTED_COMMENT_MAX], sig_path[4200];
    if (!copy_hashing(pack_path, out->pack_path, hash, &out->size, e) ||
        !sign_pack_comment(&m, out->size, NULL, tc, sizeof tc, e))
        return false;
    snprintf(sig_path, sizeof sig_path, "%s" SIGN_SUFFIX, out->pack_path);
    if (!sign_write(sig_path, sk, hash, tc, NULL, e))
        return false;

    char hash_hex[2 * SIGN_HASH_BYTES + 1], published[32];
    hex(hash, SIGN_HASH_BYTES, hash_hex);
    iso_time(now, published, sizeof published);
    iso_time(now + (time_t)expires_days * 86400, out->expires, sizeof out->expires);
    json_object *o = json_object_new_object();
    if (!o)
        return err_set(e, "out of memory");
    json_object_object_add(o, "format", json_object_new_string(PUBLISH_INDEX_FORMAT));
    json_object_object_add(o, "region", json_object_new_string(m.region));
    json_object_object_add(o, "name", json_object_new_string(m.name));
    json_object_object_add(o, "version", json_object_new_string(m.version));
    json_object_object_add(o, "schema", json_object_new_int(m.schema_version));
    json_object_object_add(o, "file", json_object_new_string(out->file));
    json_object_object_add(o, "size", json_object_new_int64(out->size));
    json_object_object_add(o, "blake2b", json_object_new_string(hash_hex));
    json_object_object_add(o, "published", json_object_new_string(published));
    json_object_object_add(o, "expires", json_object_new_string(out->expires));
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t n = text ? strlen(text) : 0;
    char *body = malloc(n + 2);
    if (!body) {
        json_object_put(o);
        return err_set(e, "out of memory");
    }
    memcpy(body, text, n);
    body[n++] = '\n';
    body[n] = 0;
    json_object_put(o);

    /* The index's signature first: a kiosk that fetches between the two writes finds an index
     * that does not match its signature and tries again later, never a new index trusted
     * under an old signature. */
    sign_hasher *h = sign_hasher_new(e);
    if (!h) {
        free(body);
        return false;
    }
    sign_hasher_update(h, body, n);
    sign_hasher_final(h, hash);
    sign_hasher_free(h);
    snprintf(tc, sizeof tc, "wegweiser-index region=%s version=%s expires=%s", region, version, out->expires);
    snprintf(sig_path, sizeof sig_path, "%s" SIGN_SUFFIX, out->index_path);
    bool ok = sign_write(sig_path, sk, hash, tc, NULL, e) && write_whole(out->index_path, body, n, e);
    free(body);
    return ok;
}

static bool get_string(json_object *o, const char *key, char *out, size_t size, err *e)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return err_set(e, "the index has no \"%s\" text", key);
    const char *s = json_object_get_string(v);
    size_t n = strlen(s);
    if (n == 0 || n >= size)
        return err_set(e, "the index's \"%s\" is empty or longer than %zu bytes", key, size - 1);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return err_set(e, "the index's \"%s\" has a control character", key);
    memcpy(out, s, n + 1);
    return true;
}

static bool parse_time(const char *s, time_t *out)
{
    struct tm tm = {0};
    char z;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &z) != 7 ||
        z != 'Z' || strlen(s) != 20)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return *out != (time_t)-1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool publish_index_parse(const char *text, size_t n, publish_index *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (n > PUBLISH_INDEX_MAX)
        return err_set(e, "the index is %zu bytes, more than the %d an index has", n, PUBLISH_INDEX_MAX);
    json_tokener *tok = json_tokener_new_ex(8);
    if (!tok)
        return err_set(e, "out of memory");
    json_object *o = json_tokener_parse_ex(tok, text, (int)n);
    bool whole = json_tokener_get_error(tok) == json_tokener_success;
    json_tokener_free(tok);
    if (!o || !whole || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return err_set(e, "the index is not a JSON object");
    }
    char format[64], hash[2 * SIGN_HASH_BYTES + 1];
    json_object *v;
    bool ok = get_string(o, "format", format, sizeof format, e);
    if (ok && strcmp(format, PUBLISH_INDEX_FORMAT))
        ok = err_set(e, "the index is of format \"%s\", this kiosk reads \"%s\" (newer firmware needed?)", format,
                     PUBLISH_INDEX_FORMAT);
    ok = ok && get_string(o, "region", out->region, sizeof out->region, e) &&
         get_string(o, "name", out->name, sizeof out->name, e) &&
         get_string(o, "version", out->version, sizeof out->version, e) &&
         get_string(o, "file", out->file, sizeof out->file, e) &&
         get_string(o, "blake2b", hash, sizeof hash, e) && get_string(o, "published", out->published, sizeof out->published, e) &&
         get_string(o, "expires", out->expires, sizeof out->expires, e);
    if (ok && (!json_object_object_get_ex(o, "size", &v) || !json_object_is_type(v, json_type_int) ||
               (out->size = json_object_get_int64(v)) < 1))
        ok = err_set(e, "the index has no pack size (a whole number above 0)");
    if (ok && (!json_object_object_get_ex(o, "schema", &v) || !json_object_is_type(v, json_type_int)))
        ok = err_set(e, "the index has no schema number");
    if (ok)
        out->schema = json_object_get_int(v);
    json_object_put(o);
    if (!ok)
        return false;
    /* The file name becomes part of a URL and a file in the download folder: a plain name. */
    size_t fn = strlen(out->file);
    char clean[256];
    word(clean, sizeof clean, out->file);
    if (out->file[0] == '.' || fn < 6 || strcmp(out->file + fn - 5, ".pack") || strcmp(clean, out->file))
        return err_set(e, "the index names the pack file \"%s\": only letters, digits, . _ - and ending in .pack",
                       clean);
    if (strlen(hash) != 2 * SIGN_HASH_BYTES)
        return err_set(e, "the index's blake2b is not %d hex digits", 2 * SIGN_HASH_BYTES);
    for (int i = 0; i < SIGN_HASH_BYTES; i++) {
        int a = hexval(hash[2 * i]), b = hexval(hash[2 * i + 1]);
        if (a < 0 || b < 0)
            return err_set(e, "the index's blake2b is not lower-case hex");
        out->blake2b[i] = (unsigned char)(a * 16 + b);
    }
    if (!parse_time(out->expires, &out->expires_at))
        return err_set(e, "the index's expiry \"%s\" is not a time like 2026-12-31T12:00:00Z", out->expires);
    return true;
}
