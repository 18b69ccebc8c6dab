/* Fetching packs from a web server (fetch.h, docs/fleet.md) against a real one: nginx, started
 * here on a loopback port with https and a certificate openssl makes in the test folder, serving
 * folders that `wegweiser-pack publish` (publish_pack) filled. Each hostile server is refused or
 * retried with its own status, and the installed pack stays byte for byte what it was. */
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "fetch_poll.h"
#include "session.h"
#include "publish.h"
#include "sign.h"
#include "test.h"
#include "update.h"

#define CHECK_STATUS(r, want)                                                                                  \
    do {                                                                                                       \
        if ((r)->status != (want)) {                                                                           \
            char msg_[3000];                                                                                   \
            snprintf(msg_, sizeof msg_, "status %s, wanted %s: %.1200s | %.900s", fetch_status_name((r)->status), \
                     fetch_status_name(want), (r)->en, (r)->update.detail);                                    \
            test_fail(__FILE__, __LINE__, msg_);                                                               \
        }                                                                                                      \
    } while (0)

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return test_run(cmd, NULL, 0);
}

/* ---- the fixture: keys, packs, published folders, nginx ---- */

static char root[512], keys[600], key_sec[600], stranger_sec[600];
static char older[700], newer[700]; /* kaiserslautern 2026-11-20 and 2026-11-22 */
static int port;
static pid_t nginx_pid;

static void stop_nginx(void)
{
    if (nginx_pid > 0) {
        kill(nginx_pid, SIGTERM);
        waitpid(nginx_pid, NULL, 0);
        nginx_pid = 0;
    }
}

/* A port nobody listens on now (the kernel picks it; closed again at once). */
static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    int p = 0;
    if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(s, (struct sockaddr *)&a, &n) == 0)
        p = ntohs(a.sin_port);
    if (s >= 0)
        close(s);
    return p;
}

static bool listening(int p)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

static void build_pack(const char *version, const char *region, char *out, size_t size)
{
    char src[700];
    snprintf(out, size, "%s/%s-%s.pack", root, region, version);
    snprintf(src, sizeof src, "%s/src-%s-%s", root, region, version);
    sh("rm -rf '%s' && cp -r content/kaiserslautern '%s' && sed -i 's/^version: .*/version: %s/; s/^region: .*/region: "
       "%s/' '%s/region.txt'",
       src, src, version, region, src);
    err e;
    if (!pack_build(src, out, &e)) {
        printf("    cannot build %s: %s\n", out, e.msg);
        CHECK(false);
    }
}

static void publish(const char *pack_path, const char *sec, const char *folder, time_t when, int days)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/www/%s", root, folder);
    sign_seckey sk;
    err e = {""};
    publish_result r;
    CHECK(sign_seckey_load(sec, &sk, &e));
    bool ok = publish_pack(pack_path, &sk, dir, days, when, &r, &e);
    if (!ok)
        printf("    publish: %s\n", e.msg);
    CHECK(ok);
    sign_seckey_wipe(&sk);
}

static const char *www(const char *folder, const char *file)
{
    static char paths[4][800];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 800, "%s/www/%s/%s", root, folder, file);
    return p;
}

static void setup(void)
{
    if (root[0])
        return;
    snprintf(root, sizeof root, "%s/fetch", test_tmpdir());
    sh("mkdir -p '%s/www' '%s/logs' '%s/tmp' '%s/keys'", root, root, root, root);
    snprintf(keys, sizeof keys, "%s/keys", root);
    snprintf(key_sec, sizeof key_sec, "%s/county.key", root);
    snprintf(stranger_sec, sizeof stranger_sec, "%s/stranger.key", root);
    char pub[700];
    err e;
    snprintf(pub, sizeof pub, "%s/county.pub", keys);
    CHECK(sign_keygen(pub, key_sec, true, NULL, &e));
    snprintf(pub, sizeof pub, "%s/stranger.pub", root);
    CHECK(sign_keygen(pub, stranger_sec, true, NULL, &e));
    build_pack("2026-11-20", "kaiserslautern", older, sizeof older);
    build_pack("2026-11-22", "kaiserslautern", newer, sizeof newer);
    time_t now = time(NULL);
    publish(newer, key_sec, "county", now, 30);
    publish(newer, key_sec, "slow", now, 30);
    publish(newer, key_sec, "big", now, 30);
    publish(newer, key_sec, "chunked", now, 30);
    publish(newer, key_sec, "expired", now - 40 * 86400, 30);
    publish(newer, stranger_sec, "stranger", now, 30);
    /* A server that sends more than the index names, with a length up front ... */
    sh("head -c 100000 /dev/urandom >> '%s'", www("big", "kaiserslautern-2026-11-22.pack"));
    /* ... and without one (chunked: sub_filter below drops Content-Length), as an endless body
     * would come. */
    sh("head -c 100000 /dev/urandom >> '%s'", www("chunked", "kaiserslautern-2026-11-22.pack"));

    sh("cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost "
       "-addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null",
       root);
    port = free_port();
    char conf[800];
    snprintf(conf, sizeof conf, "%s/nginx.conf", root);
    FILE *f = fopen(conf, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f,
            "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log %s/logs/error.log;\npid %s/nginx.pid;\n"
            "events { worker_connections 64; }\n"
            "http {\n"
            "  access_log %s/logs/access.log;\n"
            "  client_body_temp_path %s/tmp; proxy_temp_path %s/tmp; fastcgi_temp_path %s/tmp;\n"
            "  uwsgi_temp_path %s/tmp; scgi_temp_path %s/tmp;\n"
            "  server {\n"
            "    listen 127.0.0.1:%d ssl;\n"
            "    ssl_certificate %s/cert.pem; ssl_certificate_key %s/key.pem;\n"
            "    root %s/www;\n"
            "    location /slow/ { limit_rate 20k; }\n"
            "    location /chunked/ { sub_filter 'wegweiser-never-there' 'x'; sub_filter_types *; sub_filter_once off; }\n"
            "    location /to-http/ { return 302 http://127.0.0.1:%d/county/index.json; }\n"
            "    location /to-file/ { return 302 file:///etc/passwd; }\n"
            "    location /dav/ { dav_methods PUT; create_full_put_path on; }\n"
            "  }\n"
            "}\n",
            root, root, root, root, root, root, root, root, port, root, root, root, port);
    fclose(f);
    nginx_pid = fork();
    if (nginx_pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlives the tests */
        char err_log[700];
        snprintf(err_log, sizeof err_log, "%s/logs/error.log", root);
        freopen("/dev/null", "w", stdout);
        execl("/usr/sbin/nginx", "nginx", "-p", root, "-c", conf, "-e", err_log, (char *)NULL);
        _exit(127);
    }
    atexit(stop_nginx);
    for (int i = 0; i < 200 && !listening(port); i++)
        usleep(25000); /* a bounded wait for start-up, not a measurement */
    if (!listening(port)) {
        printf("    nginx did not start (is nginx-light installed? make deps); %s/logs/error.log:\n", root);
        sh("cat '%s/logs/error.log'", root);
        CHECK(false);
    }
    /* The tests talk to loopback: no proxy of the machine's in between. */
    setenv("no_proxy", "*", 1);
}

static const char *url(const char *folder)
{
    static char u[4][256];
    static int next;
    char *p = u[next++ % 4];
    snprintf(p, 256, "https://127.0.0.1:%d/%s/", port, folder);
    return p;
}

/* A kiosk with kaiserslautern 2026-11-20 installed from a stick. */
static const char *kiosk(const char *name)
{
    static char dirs[16][700];
    static int next;
    char *d = dirs[next++ % 16], stick[760], pack_copy[800];
    snprintf(d, 700, "%s/kiosk-%s", root, name);
    snprintf(stick, sizeof stick, "%s-stick", d);
    sh("rm -rf '%s' '%s' && mkdir -p '%s'", d, stick, stick);
    snprintf(pack_copy, sizeof pack_copy, "%s/kl.pack", stick);
    sh("cp '%s' '%s'", older, pack_copy);
    sign_seckey sk;
    err e;
    CHECK(sign_seckey_load(key_sec, &sk, &e));
    unsigned char hash[SIGN_HASH_BYTES];
    long long size;
    char tc[SIGN_TRUSTED_COMMENT_MAX], sig[900];
    pack *p = pack_open(pack_copy, &e);
    CHECK(p != NULL);
    if (p) {
        CHECK(sign_hash_file(pack_copy, hash, &size, &e));
        CHECK(sign_pack_comment(pack_get_meta(p), size, NULL, tc, sizeof tc, &e));
        pack_close(p);
        snprintf(sig, sizeof sig, "%s.minisig", pack_copy);
        CHECK(sign_write(sig, &sk, hash, tc, NULL, &e));
    }
    sign_seckey_wipe(&sk);
    update_options o = {.data_dir = d, .stick_dir = stick, .keys_dir = keys, .no_receipt = true};
    static update_result r;
    CHECK(update_run(&o, &r));
    return d;
}

/* The installed state: both pointers and the bytes of the pack `current` names. */
static char *state_of(const char *data)
{
    char cmd[1000], *out = malloc(1 << 16);
    snprintf(cmd, sizeof cmd,
             "cd '%s' && cat current previous 2>/dev/null; f=$(sed -n 's/^file //p' current); b2sum \"$f\"; ls *.pack",
             data);
    test_run(cmd, out, 1 << 16);
    return out;
}

static bool run(const char *data, const char *u, fetch_result *r)
{
    fetch_options o = {.url = u, .data_dir = data, .keys_dir = keys, .connect_timeout_s = 5, .total_timeout_s = 60};
    char ca[700];
    snprintf(ca, sizeof ca, "%s/cert.pem", root);
    o.ca_file = ca;
    return fetch_run(&o, r);
}

/* A refusal: the status, a sentence with `part`, and the kiosk exactly as before. */
static void refused(const char *data, const char *u, fetch_status want, const char *part)
{
    char *before = state_of(data);
    static fetch_result r;
    CHECK(!run(data, u, &r));
    CHECK_STATUS(&r, want);
    CHECK_HAS(r.en, part);
    CHECK(r.de[0] != 0);
    char *after = state_of(data);
    CHECK_STR(after, before);
    CHECK_HAS(after, "version 2026-11-20");
    free(before);
    free(after);
}

static bool same_bytes(const char *a, const char *b)
{
    size_t na, nb;
    char *x = test_read_file(a, &na), *y = test_read_file(b, &nb);
    bool same = x && y && na == nb && !memcmp(x, y, na);
    free(x);
    free(y);
    return same;
}

static int count_in_log(const char *what)
{
    char cmd[900], out[64];
    snprintf(cmd, sizeof cmd, "grep -c '%s' '%s/logs/access.log'", what, root);
    test_run(cmd, out, sizeof out);
    return atoi(out);
}

/* ---- tests ---- */

TEST(fetch_publish_writes_a_signed_index)
{
    setup();
    size_t n;
    char *text = test_read_file(www("county", "index.json"), &n);
    CHECK(text != NULL);
    publish_index idx;
    err e = {""};
    CHECK(text && publish_index_parse(text, n, &idx, &e));
    CHECK_STR(idx.region, "kaiserslautern");
    CHECK_STR(idx.version, "2026-11-22");
    CHECK_STR(idx.file, "kaiserslautern-2026-11-22.pack");
    CHECK(idx.expires_at > time(NULL) + 29 * 86400);
    CHECK(same_bytes(www("county", idx.file), newer));
    free(text);
    /* The standard tool accepts both signatures. */
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "minisign -Vq -p '%s/county.pub' -m '%s' && minisign -Vq -p '%s/county.pub' -m '%s'", keys,
             www("county", "index.json"), keys, www("county", "kaiserslautern-2026-11-22.pack"));
    CHECK_INT(test_run(cmd, NULL, 0), 0);
    /* A hostile index is refused by the parser, not trusted. */
    const char *bad = "{\"format\":\"wegweiser-index-1\",\"region\":\"r\",\"name\":\"n\",\"version\":\"1\",\"schema\":2,"
                      "\"file\":\"../etc/passwd.pack\",\"size\":1,\"blake2b\":\"00\",\"published\":\"x\",\"expires\":\"y\"}";
    CHECK(!publish_index_parse(bad, strlen(bad), &idx, &e));
    CHECK_HAS(e.msg, "only letters");
}

TEST(fetch_newer_pack_installs_then_304_costs_no_download)
{
    setup();
    const char *data = kiosk("newer");
    static fetch_result r;
    CHECK(run(data, url("county"), &r));
    CHECK_STATUS(&r, FETCH_INSTALLED);
    CHECK_HAS(r.en, "2026-11-22");
    char *st = state_of(data);
    CHECK_HAS(st, "version 2026-11-22");
    free(st);
    /* The installed file is the published pack, byte for byte. */
    char cmd[900], file[300];
    snprintf(cmd, sizeof cmd, "sed -n 's/^file //p' '%s/current'", data);
    test_run(cmd, file, sizeof file);
    file[strcspn(file, "\n")] = 0;
    char installed[1100];
    snprintf(installed, sizeof installed, "%s/%s", data, file);
    CHECK(same_bytes(installed, newer));
    /* Nothing left behind in the download folder but the index and the state. */
    snprintf(cmd, sizeof cmd, "find '%s/download' -name '*.pack*' | wc -l", data);
    char out[64];
    test_run(cmd, out, sizeof out);
    CHECK_INT(atoi(out), 0);

    int before = count_in_log("\"GET /county/index.json HTTP/1.1\" 304");
    char *was = state_of(data);
    CHECK(!run(data, url("county"), &r));
    CHECK_STATUS(&r, FETCH_UNCHANGED);
    CHECK_INT(r.downloaded, 0);
    CHECK_INT(count_in_log("\"GET /county/index.json HTTP/1.1\" 304"), before + 1);
    char *now = state_of(data);
    CHECK_STR(now, was);
    free(was);
    free(now);
    fetch_state fs;
    CHECK(fetch_state_read(data, &fs));
    CHECK_STR(fs.result, "unchanged");
    CHECK_STR(fs.index_version, "2026-11-22");
}

TEST(fetch_slow_drip_is_cut_off_and_the_download_resumes)
{
    setup();
    const char *data = kiosk("resume");
    char *before = state_of(data);
    static fetch_result r;
    /* 20 KiB/s for a 1.8 MB pack: the bound on one transfer cuts it off, what came is kept. */
    fetch_options o = {.url = url("slow"), .data_dir = data, .keys_dir = keys, .total_timeout_s = 2};
    char ca[700], part[900];
    snprintf(ca, sizeof ca, "%s/cert.pem", root);
    o.ca_file = ca;
    CHECK(!fetch_run(&o, &r));
    CHECK_STATUS(&r, FETCH_NETWORK);
    CHECK(r.retry);
    CHECK_HAS(r.en, "too slow");
    char *after = state_of(data);
    CHECK_STR(after, before);
    free(before);
    free(after);
    snprintf(part, sizeof part, "%s/download/kaiserslautern-2026-11-22.pack.part", data);
    struct stat st;
    CHECK(stat(part, &st) == 0 && st.st_size > 0);
    long long had = st.st_size;
    long long size = 0;
    CHECK(stat(newer, &st) == 0);
    size = st.st_size;
    CHECK(had < size);
    /* The next poll (here: from the fast folder, same file) asks only for the rest. */
    int ranges = count_in_log("\"GET /county/kaiserslautern-2026-11-22.pack HTTP/1.1\" 206");
    CHECK(run(data, url("county"), &r));
    CHECK_STATUS(&r, FETCH_INSTALLED);
    CHECK(r.downloaded < size - had + 20000);
    CHECK_INT(count_in_log("\"GET /county/kaiserslautern-2026-11-22.pack HTTP/1.1\" 206"), ranges + 1);
}

TEST(fetch_bytes_that_changed_between_reads_are_discarded_then_fetched_again)
{
    setup();
    const char *data = kiosk("changed");
    /* The first part came from another file at the same name (the server's file was replaced
     * between two reads): resumed, the whole does not match the signed hash. */
    char part[900];
    sh("mkdir -p '%s/download'", data);
    snprintf(part, sizeof part, "%s/download/kaiserslautern-2026-11-22.pack.part", data);
    sh("head -c 500000 '%s' > '%s'", older, part);
    refused(data, url("county"), FETCH_BAD_DOWNLOAD, "changed on the server");
    struct stat st;
    CHECK(stat(part, &st) != 0);
    static fetch_result r;
    CHECK(run(data, url("county"), &r));
    CHECK_STATUS(&r, FETCH_INSTALLED);
}

TEST(fetch_body_larger_than_the_index_is_cut_off)
{
    setup();
    const char *data = kiosk("big");
    refused(data, url("big"), FETCH_BAD_DOWNLOAD, "more than the");
    /* Without a length up front (chunked, as an endless body comes) the count cuts it off. */
    static fetch_result r;
    refused(data, url("chunked"), FETCH_BAD_DOWNLOAD, "more than the");
    char part[900];
    struct stat st;
    snprintf(part, sizeof part, "%s/download/kaiserslautern-2026-11-22.pack.part", data);
    CHECK(stat(part, &st) != 0);
    (void)r;
}

TEST(fetch_redirect_to_another_scheme_is_refused)
{
    setup();
    const char *data = kiosk("redirect");
    refused(data, url("to-http"), FETCH_NETWORK, "never file:// or another scheme");
    refused(data, url("to-file"), FETCH_NETWORK, "never file:// or another scheme");
    /* And http itself only when allowed. */
    char u[256];
    snprintf(u, sizeof u, "http://127.0.0.1:%d/county/", port);
    refused(data, u, FETCH_CONFIG, "not an https:// address");
}

TEST(fetch_expired_index_is_refused_and_shown)
{
    setup();
    const char *data = kiosk("expired");
    refused(data, url("expired"), FETCH_EXPIRED, "expired");
    fetch_state fs;
    CHECK(fetch_state_read(data, &fs));
    CHECK_STR(fs.result, "expired");
    char de[600], en[600];
    CHECK(fetch_expired_notice(&fs, time(NULL), de, en, sizeof en));
    CHECK_HAS(en, "expired");
    CHECK_HAS(de, "abgelaufen");
    char cmd[1200], out[4096];
    snprintf(cmd, sizeof cmd, "%s update --status --data-dir '%s'", test_bin("wegweiser"), data);
    test_run(cmd, out, sizeof out);
    CHECK_HAS(out, "EXPIRED");
}

TEST(fetch_index_signed_by_an_unknown_key_is_refused)
{
    setup();
    const char *data = kiosk("stranger");
    refused(data, url("stranger"), FETCH_UNKNOWN_KEY, "not among the trusted keys");
}

TEST(fetch_server_down_is_retried_later)
{
    setup();
    const char *data = kiosk("down");
    char u[256];
    snprintf(u, sizeof u, "https://127.0.0.1:%d/county/", free_port());
    refused(data, u, FETCH_NETWORK, "trying again later");
    /* A missing folder on a running server likewise. */
    refused(data, url("nowhere"), FETCH_NETWORK, "HTTP 404");
}

TEST(fetch_from_the_command_line)
{
    setup();
    const char *data = kiosk("cli");
    char cmd[2000], out[8192];
    snprintf(cmd, sizeof cmd, "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' --ca '%s/cert.pem' 2>&1",
             test_bin("wegweiser"), data, url("county"), keys, root);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "result: installed");
    /* Without the county's CA the server's certificate is not trusted. */
    const char *data2 = kiosk("cli-noca");
    snprintf(cmd, sizeof cmd, "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' 2>&1", test_bin("wegweiser"),
             data2, url("county"), keys);
    CHECK_INT(test_run(cmd, out, sizeof out), 1);
    CHECK_HAS(out, "result: network");
    snprintf(cmd, sizeof cmd, "%s update --status --data-dir '%s'", test_bin("wegweiser"), data);
    test_run(cmd, out, sizeof out);
    CHECK_HAS(out, "network: last check");
    CHECK_HAS(out, "installed");
}

/* ---- the running kiosk ---- */

TEST(fetch_poll_delays_jitter_and_back_off)
{
    const long long min = 60 * 1000;
    /* Every 60 minutes, moved by up to a quarter either way. */
    CHECK_INT(fetch_poll_delay_ms(60, 0, 0), 45 * min);
    CHECK_INT(fetch_poll_delay_ms(60, 0, UINT_MAX), 75 * min);
    long long mid = fetch_poll_delay_ms(60, 0, UINT_MAX / 2);
    CHECK(mid > 59 * min && mid < 61 * min);
    CHECK_INT(fetch_poll_delay_ms(0, 0, 0), 45 * min); /* the default */
    /* After failures: 2, 4, 8 ... minutes, whatever the interval, at most a day. */
    CHECK_INT(fetch_poll_delay_ms(60, 1, 0), 90 * 1000);
    CHECK_INT(fetch_poll_delay_ms(60, 2, UINT_MAX), 5 * min);
    CHECK_INT(fetch_poll_delay_ms(5, 3, 0), 6 * min);
    CHECK_INT(fetch_poll_delay_ms(60, 40, UINT_MAX), 30LL * 60 * min);
    CHECK_INT(fetch_poll_delay_ms(60, 40, 0), 18LL * 60 * min);
}

/* The staff overlay tells of an expired index once the visit is over, and once per expiry. */
TEST(fetch_expired_index_shows_on_the_staff_overlay)
{
    setup();
    const char *data = kiosk("overlay");
    static fetch_result r;
    CHECK(!run(data, url("expired"), &r));
    CHECK_STATUS(&r, FETCH_EXPIRED);
    err e;
    pack *p = pack_open(older, &e);
    CHECK(p != NULL);
    if (!p)
        return;
    session *s = test_visit(p, "ar", 800, 480);
    s->updates = (update_options){.data_dir = data, .keys_dir = keys};
    session_fetched(s, false);
    CHECK(!session_fetched_apply(s, time(NULL))); /* a visitor is reading: later */
    CHECK(!s->app.staff.shown);
    session_advance(s, 95000); /* the visit ends by the idle timer */
    CHECK(session_fetched_apply(s, time(NULL)));
    CHECK(s->app.staff.shown);
    CHECK_HAS(s->app.staff.en, "expired");
    CHECK_HAS(s->app.staff.de, "abgelaufen");
    app_handle(&s->app, &(app_event){.type = APP_EV_SERVICE_CLOSE});
    session_fetched(s, false);
    CHECK(!session_fetched_apply(s, time(NULL))); /* told already */
    session_free(s);
    pack_close(p);
}

/* The kiosk's own loop polls update_url in a child process and switches to what it installed. */
TEST(fetch_running_kiosk_polls_and_switches)
{
    setup();
    const char *data = kiosk("running");
    char cmd[3000], out[16384];
    snprintf(cmd, sizeof cmd,
             "SDL_VIDEODRIVER=offscreen SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0 %s --window --size 800x480 --data-dir '%s' --trusted-keys '%s' "
             "--pack '%s' --update-url '%s' --update-ca '%s/cert.pem' --update-first-ms 0 --exit-after 15000 2>&1",
             test_bin("wegweiser"), data, keys, older, url("county"), root);
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0)
        printf("    %s\n", out);
    CHECK_INT(rc, 0);
    CHECK_HAS(out, "Installed Landkreis Kaiserslautern 2026-11-22 from");
    CHECK_HAS(out, "showing the installed pack kaiserslautern 2026-11-22");
    char *st = state_of(data);
    CHECK_HAS(st, "version 2026-11-22");
    free(st);
}

/* The same pack by stick and by network: the same installed file, the same pointers (but for
 * the time of the install and the file's inode). */
TEST(fetch_and_stick_give_the_same_data_directory)
{
    setup();
    const char *by_net = kiosk("same-net"), *by_stick = kiosk("same-stick");
    static fetch_result r;
    CHECK(run(by_net, url("county"), &r));
    char stick[800];
    snprintf(stick, sizeof stick, "%s-stick2", by_stick);
    sh("rm -rf '%s' && mkdir -p '%s' && cp '%s' '%s' '%s/'", stick, stick, www("county", "kaiserslautern-2026-11-22.pack"),
       www("county", "kaiserslautern-2026-11-22.pack.minisig"), stick);
    update_options o = {.data_dir = by_stick, .stick_dir = stick, .keys_dir = keys, .no_receipt = true};
    static update_result u;
    CHECK(update_run(&o, &u));
    char cmd[1200], a[8192], b[8192];
    const char *list = "cd '%s' && for f in current previous; do grep -v '^installed \\|^stat ' $f; done; "
                       "b2sum *.pack; ls -A | grep -v '^download$'";
    snprintf(cmd, sizeof cmd, list, by_net);
    test_run(cmd, a, sizeof a);
    snprintf(cmd, sizeof cmd, list, by_stick);
    test_run(cmd, b, sizeof b);
    CHECK_STR(a, b);
    CHECK_HAS(a, "version 2026-11-22");
}

/* The fleet view: each poll PUTs the kiosk's status into a WebDAV folder; `wegweiser-pack
 * fleet` prints them as one table. */
TEST(fetch_reports_to_a_webdav_folder_and_fleet_lists_it)
{
    setup();
    const char *data = kiosk("report");
    char cmd[3000], out[8192], report[300];
    snprintf(report, sizeof report, "https://127.0.0.1:%d/dav/kiosks/", port);
    snprintf(cmd, sizeof cmd,
             "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' --ca '%s/cert.pem' --kiosk-id rathaus-foyer "
             "--report-url '%s' 2>&1",
             test_bin("wegweiser"), data, url("county"), keys, root, report);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "report written to");
    snprintf(cmd, sizeof cmd, "%s/www/dav/kiosks/rathaus-foyer.txt", root);
    char *text = test_read_file(cmd, NULL);
    CHECK(text != NULL);
    if (text) {
        CHECK_HAS(text, "kiosk rathaus-foyer\n");
        CHECK_HAS(text, "result installed\n");
        CHECK_HAS(text, "version 2026-11-22\n");
    }
    free(text);
    /* A hostile report beside it is shown cleaned, not obeyed. */
    snprintf(cmd, sizeof cmd, "printf 'x\\nkiosk evil\\033[2J\\nversion 1\\n' > '%s/www/dav/kiosks/evil.txt'", root);
    sh("%s", cmd);
    snprintf(cmd, sizeof cmd, "%s fleet '%s/www/dav/kiosks'", test_bin("wegweiser-pack"), root);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK_HAS(out, "rathaus-foyer");
    CHECK_HAS(out, "2026-11-22");
    CHECK_HAS(out, "2 kiosks");
    CHECK(!strchr(out, '\033'));
    /* A folder that does not take PUT: the poll itself still counts. */
    snprintf(cmd, sizeof cmd,
             "%s update --data-dir '%s' --from '%s' --trusted-keys '%s' --ca '%s/cert.pem' --report-url '%s' 2>&1",
             test_bin("wegweiser"), data, url("county"), keys, root, url("county"));
    test_run(cmd, out, sizeof out);
    CHECK_HAS(out, "result: unchanged");
    CHECK_HAS(out, "no report:");
}

/* What the signed index says rules a pack out before it is downloaded: here its size. */
TEST(fetch_pack_above_the_size_limit_is_not_downloaded)
{
    setup();
    const char *data = kiosk("limit");
    char *before = state_of(data);
    char ca[700];
    snprintf(ca, sizeof ca, "%s/cert.pem", root);
    fetch_options o = {.url = url("county"), .data_dir = data, .keys_dir = keys, .ca_file = ca,
                       .max_pack_bytes = 1 << 20};
    static fetch_result r;
    CHECK(!fetch_run(&o, &r));
    CHECK_STATUS(&r, FETCH_NOT_INSTALLED);
    CHECK_HAS(r.en, "not downloaded");
    CHECK(r.downloaded < 20000);
    char *after = state_of(data);
    CHECK_STR(after, before);
    free(before);
    free(after);
}
