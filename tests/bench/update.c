/* make bench-update: how fast a kiosk installs a signed pack from a stick, against `cp` + `sync`
 * of the same file to the same file system, and how long a kiosk takes from start to its first
 * frame on an installed pack, for packs of different sizes.
 *
 * The large packs are made here from the demo sources (until `make bench-pack` can make them):
 * one with big read-aloud recordings (generated noise, WAV) that make it about 380 MB, one with
 * 4,000 pages cloned from a demo article. Both are built by pack_build and signed with a key made
 * for the run, and installed by update_run exactly as a kiosk does. Each figure is the median of
 * RUNS runs, the two sides of a comparison alternating run by run; the page cache is warm for
 * both sides (the pack was just read, the target file is new). Numbers, not assertions: speed
 * is never a test. Output: one BENCH line per figure (docs/bench.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pack.h"
#include "sign.h"
#include "update.h"

#define RUNS 7
#define RECORDINGS 24
#define RECORDING_SECONDS 165 /* 16-bit mono at 48 kHz: just under the builder's 16 MiB per asset */
#define CLONED_PAGES 4000

static char work[256], bin[512];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats {
    double median, min, max;
} stats;

static stats summarize(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return (stats){n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]};
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "bench-update: failed (%d): %s\n", rc, cmd);
    return rc;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* A WAV of noise: nothing compresses it, so the pack is as large as the recordings. */
static bool write_wav(const char *path, int seconds, uint32_t seed)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    uint32_t rate = 48000, bytes = (uint32_t)seconds * rate * 2;
    unsigned char head[44] = "RIFF....WAVEfmt ";
    uint32_t fields[] = {36 + bytes, 16, 1 | 1u << 16, rate, rate * 2, 2 | 16u << 16};
    memcpy(head + 4, &fields[0], 4);
    memcpy(head + 16, &fields[1], 4);
    memcpy(head + 20, &fields[2], 4);
    memcpy(head + 24, &fields[3], 4);
    memcpy(head + 28, &fields[4], 4);
    memcpy(head + 32, &fields[5], 4);
    memcpy(head + 36, "data", 4);
    memcpy(head + 40, &bytes, 4);
    fwrite(head, 1, sizeof head, f);
    static uint32_t buf[1 << 14];
    for (uint32_t done = 0; done < bytes; done += sizeof buf) {
        for (size_t i = 0; i < sizeof buf / sizeof buf[0]; i++) {
            seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
            buf[i] = seed;
        }
        fwrite(buf, 1, bytes - done < sizeof buf ? bytes - done : sizeof buf, f);
    }
    return fclose(f) == 0;
}

/* Adds "audio: FILE" to a page text's header (replacing one it had). */
static bool set_audio(const char *text_path, const char *file)
{
    FILE *f = fopen(text_path, "rb");
    if (!f)
        return false;
    static char in[1 << 16], out[(1 << 16) + 256];
    size_t n = fread(in, 1, sizeof in - 1, f);
    fclose(f);
    in[n] = 0;
    char *body = strstr(in, "\n\n");
    if (!body)
        return false;
    *body = 0;
    size_t o = 0;
    for (char *line = strtok(in, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "audio:", 6))
            o += (size_t)snprintf(out + o, sizeof out - o, "%s\n", line);
    o += (size_t)snprintf(out + o, sizeof out - o, "audio: %s\n%s", file, body + 1);
    f = fopen(text_path, "wb");
    if (!f)
        return false;
    fwrite(out, 1, o, f);
    return fclose(f) == 0;
}

static const char *const LANGS[] = {"de", "ar", "prs", "ti", "en", "uk"};

/* content/kaiserslautern with RECORDINGS big recordings on its first articles. */
static bool sources_with_recordings(const char *src)
{
    if (run("rm -rf '%s' && cp -r content/kaiserslautern '%s'", src, src))
        return false;
    const char *pages[] = {"100-deutsch-lernen", "110-integrationskurs", "120-berufssprachkurse",
                           "200-ausbildung-arbeit"};
    int made = 0;
    for (int p = 0; p < 4 && made < RECORDINGS; p++)
        for (int l = 0; l < 6 && made < RECORDINGS; l++, made++) {
            char wav[600], name[64], text[800];
            snprintf(name, sizeof name, "noise-%02d.wav", made);
            snprintf(wav, sizeof wav, "%s/assets/%s", src, name);
            snprintf(text, sizeof text, "%s/pages/%s/%s.txt", src, pages[p], LANGS[l]);
            if (!write_wav(wav, RECORDING_SECONDS, 2463534242u + (uint32_t)made) || !set_audio(text, name))
                return false;
        }
    return true;
}

/* content/kaiserslautern with CLONED_PAGES more articles, copies of one demo article spread
 * over five topics (a topic lists at most PACK_CHILDREN_MAX pages). */
static bool sources_with_pages(const char *src)
{
    return !run("rm -rf '%s' && cp -r content/kaiserslautern '%s' && cd '%s/pages' && "
                "set -- 100 200 300 400 600 && for i in $(seq 1 %d); do cp -r 110-integrationskurs x$i && "
                "eval parent=\\${$((i %% 5 + 1))} && "
                "sed -i \"s/^code: 110$/code: $((20000 + i))/; s/^parent: 100$/parent: $parent/; "
                "s/^order: 1$/order: $((i + 10))/\" x$i/page.txt; done",
                src, src, src, CLONED_PAGES);
}

/* Builds and signs PACK from SRC; NULL sources: the demo's. */
static bool make_pack(const char *src, const char *pack_path)
{
    err e;
    if (!pack_build(src ? src : "content/kaiserslautern", pack_path, &e)) {
        fprintf(stderr, "bench-update: %s\n", e.msg);
        return false;
    }
    return !run("'%s/wegweiser-pack' sign '%s' --key '%s/bench.key' >/dev/null", bin, pack_path, work);
}

/* A stick folder holding the pack and its signature. */
static void stick_of(const char *pack_path, char *stick, size_t size)
{
    snprintf(stick, size, "%s.stick", pack_path);
    run("rm -rf '%s' && mkdir -p '%s' && cp '%s' '%s/content.pack' && cp '%s.minisig' '%s/content.pack.minisig'",
        stick, stick, pack_path, stick, pack_path, stick);
}

/* Processor time (user + system) of this process's threads, or of its finished children. */
static double cpu_s(int who)
{
    struct rusage u;
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static double install_once(const char *stick, const char *data, double *cpu)
{
    run("rm -rf '%s'", data);
    update_options o = {.data_dir = data, .stick_dir = stick, .keys_dir = work, .no_receipt = true};
    static update_result r;
    double c0 = cpu_s(RUSAGE_SELF), t0 = now_s();
    bool ok = update_run(&o, &r);
    double t = now_s() - t0;
    *cpu = cpu_s(RUSAGE_SELF) - c0;
    if (!ok)
        fprintf(stderr, "bench-update: not installed: %s\n%s", r.en, r.detail);
    return ok ? t : -1;
}

static double copy_once(const char *from, const char *to, double *cpu)
{
    unlink(to);
    double c0 = cpu_s(RUSAGE_CHILDREN), t0 = now_s();
    int rc = run("cp '%s' '%s' && sync '%s'", from, to, to);
    double t = now_s() - t0;
    *cpu = cpu_s(RUSAGE_CHILDREN) - c0;
    return rc ? -1 : t;
}

/* The hash a minisign signature covers (BLAKE2b-512 of the whole file), alone: no install can
 * check a signature faster than this on one core, so it bounds the ratio to cp + sync. */
static double hash_once(const char *path)
{
    unsigned char hash[SIGN_HASH_BYTES];
    long long size;
    err e;
    double t0 = now_s();
    bool ok = sign_hash_file(path, hash, &size, &e);
    return ok ? now_s() - t0 : -1;
}

static void line(const char *what, const char *now, const char *budget, const char *verdict)
{
    printf("BENCH\tupdate\t%s\t%s\t%s\t%s\n", what, now, budget, verdict);
}

static void bench_install(const char *label, const char *pack_path)
{
    char stick[600], data[600], copy[600], what[300], now[120], on_stick[700];
    stick_of(pack_path, stick, sizeof stick);
    snprintf(on_stick, sizeof on_stick, "%s/content.pack", stick);
    snprintf(data, sizeof data, "%s.data", pack_path);
    snprintf(copy, sizeof copy, "%s.copy", pack_path);
    double mb = file_size(pack_path) / 1e6, ours[RUNS], cp[RUNS], ours_cpu[RUNS], cp_cpu[RUNS], hashed[RUNS];
    run("cat '%s' > /dev/null", on_stick); /* warm, for both sides */
    for (int i = 0; i < RUNS; i++) {
        ours[i] = install_once(stick, data, &ours_cpu[i]);
        cp[i] = copy_once(on_stick, copy, &cp_cpu[i]);
        hashed[i] = hash_once(on_stick);
        if (ours[i] < 0 || cp[i] < 0 || hashed[i] < 0)
            return;
    }
    run("rm -f '%s'", copy);
    stats o = summarize(ours, RUNS), c = summarize(cp, RUNS);
    stats oc = summarize(ours_cpu, RUNS), cc = summarize(cp_cpu, RUNS), h = summarize(hashed, RUNS);
    printf("install %s (%.0f MB): update %.3f s (%.3f–%.3f), cp + sync %.3f s (%.3f–%.3f), median of %d each;\n"
           "  processor time (user + system, all threads): update %.3f s, cp + sync %.3f s (a machine busy with\n"
           "  other work stretches the update's wall time more: it is the one that computes)\n",
           label, mb, o.median, o.min, o.max, c.median, c.min, c.max, RUNS, oc.median, cc.median);
    snprintf(what, sizeof what, "install a signed %.0f MB pack (%s), warm cache, same file system", mb, label);
    snprintf(now, sizeof now, "%.0f MB/s", mb / o.median);
    line(what, now, "-", "info");
    snprintf(what, sizeof what, "cp + sync of the same %.0f MB file", mb);
    snprintf(now, sizeof now, "%.0f MB/s", mb / c.median);
    line(what, now, "-", "info");
    snprintf(what, sizeof what, "install throughput / cp + sync throughput, %.0f MB pack (%s)", mb, label);
    snprintf(now, sizeof now, "%.2f", c.median / o.median);
    line(what, now, "≥ 0.80", c.median / o.median >= 0.8 ? "met" : "over");
    printf("  the BLAKE2b-512 hash a minisign signature covers, alone, one thread: %.3f s (%.3f–%.3f); no\n"
           "  install that checks the signature before it reads the pack can beat it\n",
           h.median, h.min, h.max);
    snprintf(what, sizeof what, "hash alone (BLAKE2b-512, what the signature covers), %.0f MB", mb);
    snprintf(now, sizeof now, "%.0f MB/s", mb / h.median);
    line(what, now, "-", "info");
    snprintf(what, sizeof what, "install time / hash-alone time, %.0f MB pack (%s): the rest is copy, checks, sync", mb,
             label);
    snprintf(now, sizeof now, "%.2f", o.median / h.median);
    line(what, now, "-", "info");
}

/* Wall time of the kiosk from start to its first frame written as a PNG, on what is installed. */
static double start_once(const char *data)
{
    double t0 = now_s();
    int rc = run("'%s/wegweiser' --data-dir '%s' --screenshot '%s/frame.png' --size 800x480 2>/dev/null", bin, data,
                 work);
    double t = now_s() - t0;
    return rc ? -1 : t;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    snprintf(bin, sizeof bin, "%s", argc > 1 ? argv[1] : "build");
    snprintf(work, sizeof work, "/tmp/wegweiser-bench-update-XXXXXX");
    if (!mkdtemp(work)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    char demo[600], audio[600], pages[600], src[600];
    snprintf(demo, sizeof demo, "%s/demo.pack", work);
    snprintf(audio, sizeof audio, "%s/recordings.pack", work);
    snprintf(pages, sizeof pages, "%s/pages.pack", work);
    if (run("'%s/wegweiser-pack' keygen -p '%s/bench.pub' -s '%s/bench.key' -f >/dev/null", bin, work, work) ||
        !make_pack(NULL, demo))
        return 1;
    snprintf(src, sizeof src, "%s/src-recordings", work);
    printf("making a pack with %d recordings of %d s and one with %d more pages (takes a minute)\n", RECORDINGS,
           RECORDING_SECONDS, CLONED_PAGES);
    if (!sources_with_recordings(src) || !make_pack(src, audio))
        return 1;
    snprintf(src, sizeof src, "%s/src-pages", work);
    if (!sources_with_pages(src) || !make_pack(src, pages))
        return 1;
    run("rm -rf '%s/src-recordings' '%s/src-pages'", work, work);

    bench_install("large recordings", audio);
    bench_install("demo", demo);

    /* Start: each pack installed as a kiosk has it, then the kiosk started RUNS times on each,
     * alternating. */
    const char *packs[] = {demo, pages, audio};
    const char *labels[] = {"demo", "4,000 more pages", "large recordings"};
    char data[3][600];
    double t[3][RUNS];
    for (int p = 0; p < 3; p++) {
        char stick[600];
        stick_of(packs[p], stick, sizeof stick);
        snprintf(data[p], sizeof data[p], "%s.data", packs[p]);
        double cpu;
        if (install_once(stick, data[p], &cpu) < 0)
            return 1;
    }
    for (int i = 0; i < RUNS; i++)
        for (int p = 0; p < 3; p++)
            if ((t[p][i] = start_once(data[p])) < 0)
                return 1;
    stats s[3];
    for (int p = 0; p < 3; p++) {
        char what[300], now[120];
        s[p] = summarize(t[p], RUNS);
        printf("start to first frame, %s pack (%.0f MB): %.3f s (%.3f–%.3f)\n", labels[p], file_size(packs[p]) / 1e6,
               s[p].median, s[p].min, s[p].max);
        snprintf(what, sizeof what, "start (--data-dir) to first frame, %s pack, %.0f MB", labels[p],
                 file_size(packs[p]) / 1e6);
        snprintf(now, sizeof now, "%.0f ms", s[p].median * 1e3);
        line(what, now, p ? "≤ 1.25 × demo" : "-", p ? (s[p].median <= 1.25 * s[0].median ? "met" : "over") : "info");
    }
    run("rm -rf '%s'", work);
    return 0;
}
