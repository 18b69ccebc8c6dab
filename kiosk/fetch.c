/* fetch: content packs from a web server, installed through the stick's code (fetch.h,
 * docs/fleet.md). What the network brings is never trusted before a signature checked it: the
 * index is bounded in size and verified against the trusted keys before a word of it is used,
 * and the pack download is bounded by the size that index signs and checked against its hash
 * before update_run verifies the pack's own signature as it would on a stick. */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fetch.h"
#include "publish.h"
#include "sign.h"
#include "update_private.h"
#include "version.h"

static const char *const NAMES[FETCH_STATUS_COUNT] = {
    "installed", "unchanged", "up-to-date", "expired", "bad-index", "unknown-key", "other-region",
    "network", "bad-download", "not-installed", "config", "busy",
};

const char *fetch_status_name(fetch_status s) { return s < FETCH_STATUS_COUNT ? NAMES[s] : "?"; }

typedef struct fetch {
    const fetch_options *o;
    fetch_result *r;
    char base[2048]; /* the folder URL, ending in / */
    char dir[PATH_MAX]; /* DATA/download */
    char etag[256], last_modified[128];
    sign_pubkey keys[UPDATE_KEYS_MAX];
    int key_count;
} fetch;

static bool say(fetch *f, fetch_status s, bool retry, const char *de, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static bool say(fetch *f, fetch_status s, bool retry, const char *de, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->r->en, sizeof f->r->en, fmt, ap);
    va_end(ap);
    snprintf(f->r->de, sizeof f->r->de, "%s", de);
    f->r->status = s;
    f->r->retry = retry;
    return s == FETCH_INSTALLED;
}

static bool path_in(char *out, size_t size, const char *dir, const char *name)
{
    return snprintf(out, size, "%s/%s", dir, name) < (int)size;
}

static bool write_file(const char *path, const void *data, size_t n)
{
    char tmp[PATH_MAX + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return false;
    bool ok = update_write_all(update_io_posix(), fd, data, n) == 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return false;
    }
    return true;
}

/* ---- HTTP ---- */

typedef struct sink {
    CURL *h;
    char *mem; /* into memory (index, signatures) ... */
    size_t mem_len;
    int fd;          /* ... or appended to a file (the pack) */
    long long limit; /* more than this is cut off */
    long long got;
    bool over, write_failed, refused_code;
    long long resume_from; /* the Range asked for; 0: none */
    bool truncated_for_200;
    char content_range[128], etag[256], last_modified[128];
    long long *downloaded;
} sink;

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    sink *s = user;
    size_t len = size * n;
    char line[512];
    size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, data, k);
    line[k] = 0;
    line[strcspn(line, "\r\n")] = 0;
    /* A redirect's headers come first: only the last response's count. */
    if (!strncmp(line, "HTTP/", 5))
        s->content_range[0] = s->etag[0] = s->last_modified[0] = 0;
    else if (!strncasecmp(line, "Content-Range:", 14))
        snprintf(s->content_range, sizeof s->content_range, "%s", line + 14 + strspn(line + 14, " "));
    else if (!strncasecmp(line, "ETag:", 5))
        snprintf(s->etag, sizeof s->etag, "%s", line + 5 + strspn(line + 5, " "));
    else if (!strncasecmp(line, "Last-Modified:", 14))
        snprintf(s->last_modified, sizeof s->last_modified, "%s", line + 14 + strspn(line + 14, " "));
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    sink *s = user;
    size_t len = size * n;
    long code = 0;
    curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200 && code != 206) {
        s->refused_code = true; /* an error page is not worth reading */
        return 0;
    }
    if (s->got == 0 && s->fd >= 0 && s->resume_from > 0 && !s->truncated_for_200) {
        char want[64];
        snprintf(want, sizeof want, "bytes %lld-", s->resume_from);
        if (code == 200) {
            /* The server ignored the range: it sends the whole file, so start again. */
            if (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0) {
                s->write_failed = true;
                return 0;
            }
            s->limit += s->resume_from;
            s->resume_from = 0;
            s->truncated_for_200 = true;
        } else if (strncmp(s->content_range, want, strlen(want))) {
            s->refused_code = true; /* another range than asked for */
            return 0;
        }
    }
    if ((long long)len > s->limit - s->got) {
        s->over = true;
        return 0;
    }
    if (s->fd >= 0) {
        if (update_write_all(update_io_posix(), s->fd, data, len) != 0) {
            s->write_failed = true;
            return 0;
        }
    } else {
        memcpy(s->mem + s->mem_len, data, len);
        s->mem_len += len;
    }
    s->got += (long long)len;
    *s->downloaded += (long long)len;
    return len;
}

typedef enum got { GOT_OK, GOT_NOT_MODIFIED, GOT_FAILED } got;

/* GET url into the sink. On GOT_FAILED the result already says why. */
static got http_get(fetch *f, const char *url, sink *s, bool conditional, long *code_out)
{
    const fetch_options *o = f->o;
    CURL *h = curl_easy_init();
    if (!h) {
        say(f, FETCH_NETWORK, true, "Netzwerk: libcurl kann nicht starten.", "cannot start libcurl (out of memory?)");
        return GOT_FAILED;
    }
    s->h = h;
    s->downloaded = &f->r->downloaded;
    char errbuf[CURL_ERROR_SIZE] = "", range[32];
    const char *scheme = !strncmp(url, "http:", 5) ? "http" : "https";
    struct curl_slist *hdr = NULL;
    char line[400];
    if (conditional && f->etag[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", f->etag);
        hdr = curl_slist_append(hdr, line);
    }
    if (conditional && f->last_modified[0]) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", f->last_modified);
        hdr = curl_slist_append(hdr, line);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    /* The scheme the URL names, and redirects only to that very scheme: never file://, and an
     * https folder is never left for http. */
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, o->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, scheme);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "wegweiser/" WW_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 20L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, o->total_timeout_s > 0 ? o->total_timeout_s : 3600L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->low_speed_s > 0 ? o->low_speed_s : 60L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->limit);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
    if (o->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    if (hdr)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (s->resume_from > 0) {
        snprintf(range, sizeof range, "%lld-", s->resume_from);
        curl_easy_setopt(h, CURLOPT_RANGE, range);
    }
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    curl_slist_free_all(hdr);
    *code_out = code;
    if (s->over || rc == CURLE_FILESIZE_EXCEEDED) {
        say(f, FETCH_BAD_DOWNLOAD, true, "Der Server schickt mehr Daten als der signierte Index angibt; abgebrochen.",
            "%s: the server sends more than the %lld bytes the signed index names; cut off, nothing installed", url,
            s->limit);
        return GOT_FAILED;
    }
    if (s->write_failed) {
        say(f, FETCH_CONFIG, true, "Der Download kann nicht gespeichert werden (Speicher voll?).",
            "cannot store the download in %s: %s", f->dir, strerror(errno));
        return GOT_FAILED;
    }
    if (rc == CURLE_OK && code == 304 && conditional)
        return GOT_NOT_MODIFIED;
    if (rc == CURLE_OK && (code == 200 || code == 206))
        return GOT_OK;
    if (code >= 300 && code < 400 && rc == CURLE_OK)
        rc = CURLE_TOO_MANY_REDIRECTS;
    if (s->refused_code || (rc == CURLE_OK && code)) {
        say(f, FETCH_NETWORK, true, "Der Update-Server antwortet mit einem Fehler; später neuer Versuch.",
            "%s: the server answered HTTP %ld%s; trying again later", url, code,
            code == 404 ? " (not found: is update_url the folder `wegweiser-pack publish` wrote?)" : "");
        return GOT_FAILED;
    }
    const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL)
        say(f, FETCH_NETWORK, true, "Der Server leitet auf ein nicht erlaubtes Schema um (nur https); abgelehnt.",
            "%s: refused: %s (only %s, and redirects only to %s: never file:// or another scheme)", url, why,
            o->allow_http ? "http and https" : "https", scheme);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        say(f, FETCH_NETWORK, true, "Der Server antwortet zu langsam; abgebrochen, später neuer Versuch.",
            "%s: too slow, cut off: %s; what arrived is kept and resumed next time", url, why);
    else
        say(f, FETCH_NETWORK, true, "Der Update-Server ist nicht erreichbar; später neuer Versuch.",
            "%s: cannot fetch: %s; trying again later", url, why);
    return GOT_FAILED;
}

/* ---- the index ---- */

static bool load_keys(fetch *f)
{
    DIR *d = f->o->keys_dir ? opendir(f->o->keys_dir) : NULL;
    if (!d)
        return say(f, FETCH_CONFIG, false, "Keine vertrauenswürdigen Schlüssel eingerichtet.",
                   "cannot read the trusted keys in %s: %s", f->o->keys_dir ? f->o->keys_dir : "(none given)",
                   f->o->keys_dir ? strerror(errno) : "--trusted-keys is needed");
    struct dirent *de;
    while ((de = readdir(d)) && f->key_count < UPDATE_KEYS_MAX) {
        char path[PATH_MAX];
        err e;
        if (de->d_name[0] != '.' && update_ends_with_ci(de->d_name, ".pub") &&
            path_in(path, sizeof path, f->o->keys_dir, de->d_name) && sign_pubkey_load(path, &f->keys[f->key_count], &e))
            f->key_count++;
    }
    closedir(d);
    if (!f->key_count)
        return say(f, FETCH_CONFIG, false, "Keine vertrauenswürdigen Schlüssel eingerichtet.",
                   "no usable trusted key (*.pub) in %s", f->o->keys_dir);
    return true;
}

static bool verify_index(fetch *f, const char *text, size_t n, const char *sig_text, size_t sig_n, publish_index *idx)
{
    err e = {""};
    sign_signature sig;
    if (!sign_signature_parse(sig_text, sig_n, &sig, &e))
        return say(f, FETCH_BAD_INDEX, true, "Die Signatur des Index auf dem Server ist unlesbar.",
                   "%sindex.json.minisig: %s", f->base, e.msg);
    int k = 0;
    while (k < f->key_count && memcmp(f->keys[k].key_id, sig.key_id, SIGN_KEY_ID_BYTES))
        k++;
    if (k == f->key_count) {
        char id[17];
        sign_key_id_hex(sig.key_id, id);
        return say(f, FETCH_UNKNOWN_KEY, false,
                   "Der Index auf dem Server ist mit einem Schlüssel signiert, dem dieser Kiosk nicht vertraut.",
                   "%sindex.json is signed by key %s, which is not among the trusted keys in %s; nothing installed",
                   f->base, id, f->o->keys_dir);
    }
    unsigned char hash[SIGN_HASH_BYTES];
    sign_hasher *h = sign_hasher_new(&e);
    if (!h)
        return say(f, FETCH_CONFIG, true, "Kein Speicher.", "%s", e.msg);
    sign_hasher_update(h, text, n);
    sign_hasher_final(h, hash);
    sign_hasher_free(h);
    if (!sign_verify_hash(&f->keys[k], &sig, hash, &e))
        return say(f, FETCH_BAD_INDEX, true, "Der Index auf dem Server passt nicht zu seiner Signatur.",
                   "%sindex.json does not match its signature (%s): changed after signing, or uploaded half; nothing "
                   "installed",
                   f->base, e.msg);
    if (!publish_index_parse(text, n, idx, &e))
        return say(f, FETCH_BAD_INDEX, false, "Der Index auf dem Server ist signiert, aber unlesbar.",
                   "%sindex.json: %s", f->base, e.msg);
    return true;
}

/* The index and its signature: from the server, or the copy kept when the server says it is
 * unchanged. A kept copy is verified again like a new one: the keys may have changed. */
static bool get_index(fetch *f, publish_index *idx, bool *unchanged)
{
    static const size_t cap = PUBLISH_INDEX_MAX, sig_cap = SIGN_SIG_FILE_MAX;
    char url[2200], kept[PATH_MAX], kept_sig[PATH_MAX];
    char *text = malloc(cap + 2), *sig = malloc(sig_cap + 2);
    bool ok = false;
    if (!text || !sig) {
        free(text);
        free(sig);
        return say(f, FETCH_CONFIG, true, "Kein Speicher.", "out of memory");
    }
    size_t n = 0, sig_n = 0;
    path_in(kept, sizeof kept, f->dir, "index.json");
    path_in(kept_sig, sizeof kept_sig, f->dir, "index.json.minisig");
    int en;
    bool have_kept = update_read_small(update_io_posix(), kept, true, text, cap, &n, &en) == RD_OK &&
                     update_read_small(update_io_posix(), kept_sig, true, sig, sig_cap, &sig_n, &en) == RD_OK;
    if (!have_kept)
        f->etag[0] = f->last_modified[0] = 0;
    snprintf(url, sizeof url, "%sindex.json", f->base);
    sink s = {.mem = text, .fd = -1, .limit = (long long)cap};
    long code;
    got g = http_get(f, url, &s, have_kept, &code);
    *unchanged = g == GOT_NOT_MODIFIED;
    if (g == GOT_OK) {
        n = s.mem_len;
        snprintf(f->etag, sizeof f->etag, "%s", s.etag);
        snprintf(f->last_modified, sizeof f->last_modified, "%s", s.last_modified);
        snprintf(url, sizeof url, "%sindex.json.minisig", f->base);
        sink ss = {.mem = sig, .fd = -1, .limit = (long long)sig_cap};
        if (http_get(f, url, &ss, false, &code) != GOT_OK)
            goto out;
        sig_n = ss.mem_len;
    } else if (g != GOT_NOT_MODIFIED) {
        goto out;
    }
    text[n] = sig[sig_n] = 0;
    if (!verify_index(f, text, n, sig, sig_n, idx))
        goto out;
    /* Kept only once verified, so a 304 always refers to an index that checked out. */
    if (g == GOT_OK && !(write_file(kept, text, n) && write_file(kept_sig, sig, sig_n))) {
        unlink(kept);
        f->etag[0] = f->last_modified[0] = 0;
    }
    ok = true;
out:
    free(text);
    free(sig);
    return ok;
}

/* ---- state ---- */

static void field(const char *text, const char *key, char *out, size_t size)
{
    size_t k = strlen(key);
    out[0] = 0;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, key, k) && p[k] == ' ') {
            size_t len = strcspn(p + k + 1, "\n");
            snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), p + k + 1);
            return;
        }
}

static void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

static void write_state(fetch *f)
{
    char path[PATH_MAX], checked[32], *text = malloc(4096);
    if (!text || !path_in(path, sizeof path, f->dir, "state")) {
        free(text);
        return;
    }
    update_iso_time(time(NULL), checked, sizeof checked);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", f->r->en);
    one_line(msg);
    int n = snprintf(text, 4096,
                     "# wegweiser: the last poll of update_url (docs/fleet.md); written by the kiosk\n"
                     "checked %s\nresult %s\nindex_version %s\nindex_expires %s\netag %s\nlast_modified %s\nmessage %s\n",
                     checked, fetch_status_name(f->r->status), f->r->index_version, f->r->index_expires, f->etag,
                     f->last_modified, msg);
    if (n > 0)
        write_file(path, text, (size_t)(n < 4096 ? n : 4095));
    free(text);
}

bool fetch_state_read(const char *data_dir, fetch_state *s)
{
    memset(s, 0, sizeof *s);
    char path[PATH_MAX], text[4096];
    size_t n;
    int en;
    if (snprintf(path, sizeof path, "%s/" FETCH_DIR "/state", data_dir) >= (int)sizeof path ||
        update_read_small(update_io_posix(), path, true, text, sizeof text - 2, &n, &en) != RD_OK)
        return false;
    text[n] = 0;
    s->present = true;
    field(text, "checked", s->checked, sizeof s->checked);
    field(text, "result", s->result, sizeof s->result);
    field(text, "message", s->message, sizeof s->message);
    field(text, "index_version", s->index_version, sizeof s->index_version);
    field(text, "index_expires", s->index_expires, sizeof s->index_expires);
    struct tm tm = {0};
    if (sscanf(s->index_expires, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) == 6) {
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        s->expires_at = timegm(&tm);
    }
    return true;
}

bool fetch_expired_notice(const fetch_state *s, time_t now, char *de, char *en, size_t size)
{
    if (!s->present || (strcmp(s->result, "expired") && !(s->expires_at && s->expires_at < now)))
        return false;
    snprintf(en, size, "Update server: the signed index expired %s; content may be stale. Publish again "
             "(wegweiser-pack publish) or check update_url.", s->index_expires[0] ? s->index_expires : "(unknown)");
    snprintf(de, size, "Update-Server: der signierte Index ist seit %s abgelaufen; Inhalte evtl. veraltet. Neu "
             "veröffentlichen (wegweiser-pack publish) oder update_url prüfen.",
             s->index_expires[0] ? s->index_expires : "(unbekannt)");
    return true;
}

/* ---- the pack ---- */

/* The installed pack's region and version, from the `current` pointer (docs/update.md): no
 * hashing of the pack for a poll that finds nothing new. */
static void installed(const char *data_dir, char *region, char *version, size_t size)
{
    char path[PATH_MAX], text[4096];
    size_t n;
    int en;
    region[0] = version[0] = 0;
    if (snprintf(path, sizeof path, "%s/current", data_dir) >= (int)sizeof path ||
        update_read_small(update_io_posix(), path, true, text, sizeof text - 2, &n, &en) != RD_OK)
        return;
    text[n] = 0;
    field(text, "region", region, size);
    field(text, "version", version, size);
}

/* Leftovers of other downloads (another pack's partial file, an interrupted install) go. */
static void tidy(fetch *f, const char *keep)
{
    DIR *d = opendir(f->dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char path[PATH_MAX];
        if (update_ends_with_ci(de->d_name, ".part") && strcmp(de->d_name, keep) &&
            path_in(path, sizeof path, f->dir, de->d_name))
            unlink(path);
    }
    if (d)
        closedir(d);
    char sub[PATH_MAX];
    if (!path_in(sub, sizeof sub, f->dir, "pack") || !(d = opendir(sub)))
        return;
    while ((de = readdir(d))) {
        char path[PATH_MAX];
        if (de->d_name[0] != '.' && path_in(path, sizeof path, sub, de->d_name))
            unlink(path);
    }
    closedir(d);
}

static bool download_pack(fetch *f, const publish_index *idx, char *pack_path, size_t pack_size)
{
    char part_name[300], part[PATH_MAX], url[2400];
    snprintf(part_name, sizeof part_name, "%s.part", idx->file);
    tidy(f, part_name);
    if (!path_in(part, sizeof part, f->dir, part_name))
        return say(f, FETCH_CONFIG, false, "Pfad zu lang.", "the data directory's path is too long");
    int fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int en = errno;
        if (fd >= 0)
            close(fd);
        return say(f, FETCH_CONFIG, true, "Der Download kann nicht gespeichert werden.", "cannot write %s: %s", part,
                   strerror(en));
    }
    long long have = st.st_size;
    if (have > idx->size) {
        have = 0; /* more than the index says: not ours to resume */
        if (ftruncate(fd, 0) != 0) {
            close(fd);
            return say(f, FETCH_CONFIG, true, "Der Download kann nicht gespeichert werden.", "cannot truncate %s", part);
        }
    }
    lseek(fd, 0, SEEK_END);
    if (have < idx->size) {
        snprintf(url, sizeof url, "%s%s", f->base, idx->file);
        sink s = {.fd = fd, .limit = idx->size - have, .resume_from = have};
        long code;
        got g = http_get(f, url, &s, false, &code);
        /* What arrived stays for the next try (a pulled cable resumes), unless it overran. */
        fsync(fd);
        if (g != GOT_OK) {
            if (f->r->status == FETCH_BAD_DOWNLOAD)
                unlink(part);
            close(fd);
            return false;
        }
    }
    close(fd);
    unsigned char hash[SIGN_HASH_BYTES];
    long long size = 0;
    err e;
    if (!sign_hash_file(part, hash, &size, &e) || size != idx->size || memcmp(hash, idx->blake2b, SIGN_HASH_BYTES)) {
        unlink(part);
        return say(f, FETCH_BAD_DOWNLOAD, true,
                   "Die heruntergeladene Datei passt nicht zum signierten Index; sie wird beim nächsten Mal neu geladen.",
                   "%s%s: the bytes received (%lld) are not the pack the signed index names (%lld bytes, its BLAKE2b): "
                   "the file changed on the server while it was read, or the server sends another file; discarded, "
                   "downloaded again from the start next time",
                   f->base, idx->file, size, idx->size);
    }
    char sub[PATH_MAX], sig_url[2400];
    snprintf(sig_url, sizeof sig_url, "%s%s" SIGN_SUFFIX, f->base, idx->file);
    char *sig = malloc(SIGN_SIG_FILE_MAX + 1);
    if (!sig)
        return say(f, FETCH_CONFIG, true, "Kein Speicher.", "out of memory");
    sink ss = {.mem = sig, .fd = -1, .limit = SIGN_SIG_FILE_MAX};
    long code;
    bool ok = http_get(f, sig_url, &ss, false, &code) == GOT_OK;
    char sig_path[PATH_MAX + 16];
    if (ok && (!path_in(sub, sizeof sub, f->dir, "pack") || (mkdir(sub, 0755) != 0 && errno != EEXIST) ||
               !path_in(pack_path, pack_size, sub, idx->file) ||
               snprintf(sig_path, sizeof sig_path, "%s" SIGN_SUFFIX, pack_path) >= (int)sizeof sig_path ||
               !write_file(sig_path, sig, ss.mem_len) || rename(part, pack_path) != 0))
        ok = say(f, FETCH_CONFIG, true, "Der Download kann nicht gespeichert werden.", "cannot write into %s: %s", sub,
                 strerror(errno));
    free(sig);
    return ok;
}

static bool install(fetch *f, const char *pack_path)
{
    char sub[PATH_MAX];
    path_in(sub, sizeof sub, f->dir, "pack");
    /* The download folder is the "stick": the same checks, the same switch. Its receipt would
     * go nowhere useful, so the outcome goes into DATA/download/state instead (docs/fleet.md). */
    update_options uo = {.data_dir = f->o->data_dir, .stick_dir = sub, .keys_dir = f->o->keys_dir,
                         .region = f->o->region, .kiosk_id = f->o->kiosk_id,
                         .allow_downgrade = f->o->allow_downgrade, .max_pack_bytes = f->o->max_pack_bytes,
                         .no_receipt = true};
    update_result *u = &f->r->update;
    bool ok = update_run(&uo, u);
    tidy(f, "");
    (void)pack_path;
    if (ok) {
        /* update_run speaks of a stick; here the pack came from the server. */
        say(f, FETCH_INSTALLED, false, "", "Installed %s %s from %s: %d pages, %d languages (was %s).", u->new_name,
            u->new_version, f->base, u->pages, u->languages, u->old_version[0] ? u->old_version : "none");
        snprintf(f->r->de, sizeof f->r->de, "Installiert: %s %s vom Update-Server: %d Seiten, %d Sprachen (vorher %s).",
                 u->new_name, u->new_version, u->pages, u->languages, u->old_version[0] ? u->old_version : "keine");
    }
    else
        say(f, FETCH_NOT_INSTALLED,
            u->reason == UPDATE_DISK_FULL || u->reason == UPDATE_DISK_ERROR || u->reason == UPDATE_BUSY, u->de,
            "downloaded %s, but not installed: %s (%s)", u->file, u->en, update_reason_name(u->reason));
    return ok;
}

static bool poll_once(fetch *f)
{
    const fetch_options *o = f->o;
    if (!load_keys(f))
        return false;
    publish_index idx;
    bool unchanged = false;
    if (!get_index(f, &idx, &unchanged))
        return false;
    snprintf(f->r->index_version, sizeof f->r->index_version, "%s", idx.version);
    snprintf(f->r->index_expires, sizeof f->r->index_expires, "%s", idx.expires);
    if (idx.expires_at < time(NULL))
        return say(f, FETCH_EXPIRED, true,
                   "Der signierte Index auf dem Server ist abgelaufen: nichts installiert. Bitte neu veröffentlichen.",
                   "the signed index at %s expired %s (version %s): a stale mirror, or nobody published since; nothing "
                   "installed. Staff: run wegweiser-pack publish again and upload",
                   f->base, idx.expires, idx.version);
    char region[64], version[64];
    installed(o->data_dir, region, version, sizeof region);
    const char *want = o->region && o->region[0] ? o->region : region;
    if (want[0] && strcmp(want, idx.region))
        return say(f, FETCH_OTHER_REGION, false, "Der Server bietet Inhalte einer anderen Region an.",
                   "%s offers region %s, this kiosk shows %s; nothing installed (update_url of another county?)", f->base,
                   idx.region, want);
    if (version[0] && !o->allow_downgrade && update_version_cmp(idx.version, version) <= 0)
        return say(f, unchanged ? FETCH_UNCHANGED : FETCH_UP_TO_DATE, false, "Inhalte sind aktuell.",
                   "%s: version %s is installed; the index (%s, expires %s) names nothing newer", f->base, version,
                   unchanged ? "unchanged" : "read", idx.expires);
    /* What the signed index already says rules a pack out before a byte of it is fetched. */
    long long max = o->max_pack_bytes > 0 ? o->max_pack_bytes : UPDATE_MAX_PACK_BYTES_DEFAULT;
    if (idx.size > max)
        return say(f, FETCH_NOT_INSTALLED, false, "Das Paket auf dem Server ist größer als dieser Kiosk annimmt.",
                   "%s%s is %lld bytes, more than the %lld this kiosk takes (--max-size); not downloaded", f->base,
                   idx.file, idx.size, max);
    if (idx.schema != PACK_SCHEMA_VERSION)
        return say(f, FETCH_NOT_INSTALLED, false,
                   idx.schema > PACK_SCHEMA_VERSION ? "Das Paket auf dem Server braucht eine neuere Kiosk-Software."
                                                    : "Das Paket auf dem Server ist mit einem alten wegweiser-pack gebaut.",
                   "%s%s has pack schema %d, this kiosk reads %d (%s); not downloaded", f->base, idx.file, idx.schema,
                   PACK_SCHEMA_VERSION, idx.schema > PACK_SCHEMA_VERSION ? "update the kiosk's firmware first"
                                                                         : "build it again with this wegweiser-pack");
    char pack_path[PATH_MAX];
    if (!download_pack(f, &idx, pack_path, sizeof pack_path))
        return false;
    return install(f, pack_path);
}

/* ---- the fleet view ---- */

typedef struct source {
    const char *data;
    size_t left;
} source;

static size_t on_read(char *buf, size_t size, size_t n, void *user)
{
    source *src = user;
    size_t k = size * n < src->left ? size * n : src->left;
    memcpy(buf, src->data, k);
    src->data += k;
    src->left -= k;
    return k;
}

/* PUTs this kiosk's status into the report folder: staff see every kiosk in one WebDAV folder
 * (`wegweiser-pack fleet`), without a fleet server. A report that fails changes nothing else. */
static void report(fetch *f)
{
    const fetch_options *o = f->o;
    fetch_result *r = f->r;
    const char *u = o->report_url;
    size_t un = strlen(u);
    if (strncmp(u, "https://", 8) && !(o->allow_http && !strncmp(u, "http://", 7))) {
        snprintf(r->report, sizeof r->report, "no report: report_url '%.300s' is not an https:// address", u);
        return;
    }
    char id[64], url[2400], checked[32], region[64], version[64], msg[1024];
    update_kiosk_id(o->kiosk_id, id, sizeof id);
    snprintf(url, sizeof url, "%s%s%s.txt", u, un && u[un - 1] == '/' ? "" : "/", id);
    update_iso_time(time(NULL), checked, sizeof checked);
    installed(o->data_dir, region, version, sizeof region);
    snprintf(msg, sizeof msg, "%s", r->en);
    one_line(msg);
    char *text = malloc(2048);
    if (!text)
        return;
    int n = snprintf(text, 2048,
                     "# wegweiser: a kiosk's status (docs/fleet.md)\nkiosk %s\nchecked %s\nresult %s\nregion %s\n"
                     "version %s\nindex_version %s\nindex_expires %s\nfirmware %s\nmessage %s\n",
                     id, checked, fetch_status_name(r->status), region, version, r->index_version, r->index_expires,
                     WW_VERSION, msg);
    source src = {text, (size_t)(n < 2048 ? n : 2047)};
    CURL *h = curl_easy_init();
    if (!h) {
        free(text);
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, o->allow_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "wegweiser/" WW_VERSION);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 20L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &src);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)src.left);
    if (o->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    free(text);
    if (rc != CURLE_OK)
        snprintf(r->report, sizeof r->report, "no report: %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    else if (code < 200 || code > 299)
        snprintf(r->report, sizeof r->report, "no report: %s answered HTTP %ld (a WebDAV folder that takes PUT?)", url,
                 code);
    else
        snprintf(r->report, sizeof r->report, "report written to %s", url);
}

bool fetch_run(const fetch_options *o, fetch_result *r)
{
    memset(r, 0, sizeof *r);
    fetch *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(r->en, sizeof r->en, "out of memory");
        r->status = FETCH_CONFIG;
        return false;
    }
    f->o = o;
    f->r = r;
    bool ok = false;
    const char *u = o->url ? o->url : "";
    size_t n = strlen(u);
    if (strncmp(u, "https://", 8) && !(o->allow_http && !strncmp(u, "http://", 7))) {
        say(f, FETCH_CONFIG, false, "update_url ist keine https-Adresse.",
            "update_url '%s' is not an https:// address%s", u,
            !strncmp(u, "http://", 7) ? " (http only with --allow-http / update_allow_http=on)" : "");
        free(f);
        return false;
    }
    if (n + 2 > sizeof f->base || !o->data_dir ||
        snprintf(f->dir, sizeof f->dir, "%s/" FETCH_DIR, o->data_dir) >= (int)sizeof f->dir) {
        say(f, FETCH_CONFIG, false, "Adresse oder Pfad zu lang.", "the URL or the data directory is missing or too long");
        free(f);
        return false;
    }
    snprintf(f->base, sizeof f->base, "%s%s", u, n && u[n - 1] == '/' ? "" : "/");
    mkdir(o->data_dir, 0755);
    mkdir(f->dir, 0755);
    char lock_path[PATH_MAX + 8];
    snprintf(lock_path, sizeof lock_path, "%s/.lock", f->dir);
    int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0) {
        say(f, lock < 0 ? FETCH_CONFIG : FETCH_BUSY, true, "Ein anderer Abruf läuft.", "cannot lock %s: %s", lock_path,
            strerror(errno));
        if (lock >= 0)
            close(lock);
        free(f);
        return false;
    }
    /* Validators of the last verified index, for the conditional GET. */
    char path[PATH_MAX], text[4096];
    size_t tn;
    int en;
    if (path_in(path, sizeof path, f->dir, "state") &&
        update_read_small(update_io_posix(), path, true, text, sizeof text - 2, &tn, &en) == RD_OK) {
        text[tn] = 0;
        field(text, "etag", f->etag, sizeof f->etag);
        field(text, "last_modified", f->last_modified, sizeof f->last_modified);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    ok = poll_once(f);
    if (o->report_url && o->report_url[0])
        report(f);
    curl_global_cleanup();
    write_state(f);
    close(lock);
    free(f);
    return ok;
}
