/* make bench-pack: content packs at a county's scale, made from the demo's texts so search and
 * start-up can be measured on something the size real offices will have. For each page count
 * N it writes content sources to OUT/src-N (the demo's 41 pages as they are, without
 * recordings, plus N - 41 generated ones) and builds OUT/N.pack with the real builder.
 *
 * A generated page has all six languages; in each, its title is a demo title with a number,
 * its summary another page's summary and its body 3 to 6 paragraphs of random demo pages, where
 * one word in eight is joined to another word of the language (as German compounds are), so the
 * vocabulary grows with the pack as a real one does instead of repeating 41 pages. Topics of 50
 * articles each hang under the demo's top-level topics. Deterministic: the same N gives the
 * same sources and the same pack bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pack.h"

#define ARTICLES_PER_TOPIC 50

typedef struct demo_text {
    char *title, *summary;
    char **paragraphs;
    int paragraph_count;
} demo_text;

typedef struct words {
    char **v;
    int count, cap;
} words;

static uint64_t rng_state;

static uint32_t rng(void)
{
    /* xorshift64*: small and the same everywhere, so packs are byte-identical across runs. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static void *must(void *p)
{
    if (!p) {
        fprintf(stderr, "bench-pack: out of memory\n");
        exit(1);
    }
    return p;
}

static void add_word(words *w, const char *s, size_t n)
{
    if (w->count == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->v = must(realloc(w->v, (size_t)w->cap * sizeof *w->v));
    }
    w->v[w->count++] = must(strndup(s, n));
}

/* A word that can be joined to another: letters only (UTF-8 or ASCII), no markup, digits or
 * punctuation around it. */
static bool plain_word(const char *s, size_t n)
{
    if (n < 3)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && !((c | 32) >= 'a' && (c | 32) <= 'z'))
            return false;
    }
    return true;
}

static void split_paragraphs(const char *body, demo_text *t, words *vocabulary)
{
    const char *p = body;
    while (*p) {
        while (*p == '\n')
            p++;
        if (!*p)
            break;
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        t->paragraphs = must(realloc(t->paragraphs, (size_t)(t->paragraph_count + 1) * sizeof *t->paragraphs));
        t->paragraphs[t->paragraph_count++] = must(strndup(p, n));
        for (size_t i = 0; i < n;) {
            while (i < n && (p[i] == ' ' || p[i] == '\n'))
                i++;
            size_t start = i;
            while (i < n && p[i] != ' ' && p[i] != '\n')
                i++;
            if (plain_word(p + start, i - start))
                add_word(vocabulary, p + start, i - start);
        }
        p += n;
    }
}

/* A paragraph with one plain word in eight joined to a random word of the language. */
static void append_varied(FILE *f, const char *paragraph, const words *vocabulary)
{
    const char *p = paragraph;
    while (*p) {
        size_t space = strcspn(p, " \n");
        fwrite(p, 1, space, f);
        if (vocabulary->count && plain_word(p, space) && rng() % 8 == 0) {
            const char *other = vocabulary->v[rng() % (uint32_t)vocabulary->count];
            /* German compounds go on in lower case; other scripts have none. */
            fputc(other[0] >= 'A' && other[0] <= 'Z' ? other[0] + 32 : other[0], f);
            fputs(other + 1, f);
        }
        p += space;
        if (*p)
            fputc(*p++, f);
    }
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench-pack: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static FILE *create(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench-pack: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return f;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        fprintf(stderr, "bench-pack: cannot read %s: %s\n", from, strerror(errno));
        exit(1);
    }
    FILE *out = create(to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static void write_page(const char *dir, const pack_page *pg)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/page.txt", dir);
    FILE *f = create(path);
    fprintf(f, "code: %s\nparent: %s\norder: %d\nicon: %s\nkind: %s\n", pg->code, pg->parent, pg->order, pg->icon,
            pg->kind);
    if (pg->office[0])
        fprintf(f, "office: %s\n", pg->office);
    fclose(f);
}

static FILE *text_file(const char *dir, const char *lang)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.txt", dir, lang);
    return create(path);
}

static void text_header(FILE *f, const char *lang, const char *source_lang, const char *title, const char *summary)
{
    fprintf(f, "title: %s\nsummary: %s\n%s: 1\n\n", title, summary,
            strcmp(lang, source_lang) ? "translated-from" : "version");
}

static void generate(pack *demo, const char *region_dir, const char *out_dir, int total)
{
    const pack_meta *meta = pack_get_meta(demo);
    int langs = pack_language_count(demo), demo_pages = pack_page_count(demo);
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/src-%d", out_dir, total);
    make_dir(dir);
    snprintf(path, sizeof path, "%s/region.txt", dir);
    char from[1200];
    snprintf(from, sizeof from, "%s/region.txt", region_dir);
    copy_file(from, path);
    snprintf(path, sizeof path, "%s/offices", dir);
    make_dir(path);
    for (int i = 0; i < demo_pages; i++) {
        const pack_page *pg = pack_page_at(demo, i);
        if (!pg->office[0])
            continue;
        snprintf(from, sizeof from, "%s/offices/%s.txt", region_dir, pg->office);
        snprintf(path, sizeof path, "%s/offices/%s.txt", dir, pg->office);
        copy_file(from, path);
    }
    snprintf(path, sizeof path, "%s/pages", dir);
    make_dir(path);

    /* The demo's texts per language, and its top-level topics to hang new topics under. */
    demo_text *texts = must(calloc((size_t)(langs * demo_pages), sizeof *texts));
    words *vocabulary = must(calloc((size_t)langs, sizeof *vocabulary));
    const pack_page *tops[64];
    int top_count = 0;
    for (int i = 0; i < demo_pages; i++) {
        const pack_page *pg = pack_page_at(demo, i);
        if (!pg->parent[0] && !strcmp(pg->kind, "topic") && top_count < 64)
            tops[top_count++] = pg;
        char page_dir[1200];
        snprintf(page_dir, sizeof page_dir, "%s/pages/%s", dir, pg->code);
        make_dir(page_dir);
        write_page(page_dir, pg);
        for (int l = 0; l < langs; l++) {
            const char *lang = pack_language_at(demo, l)->code;
            pack_text t;
            if (!pack_text_get(demo, pg->code, lang, &t, NULL))
                continue;
            FILE *f = text_file(page_dir, lang);
            text_header(f, lang, meta->source_language, t.title, t.summary);
            fputs(t.body, f);
            fclose(f);
            demo_text *d = &texts[l * demo_pages + i];
            d->title = must(strdup(t.title));
            d->summary = must(strdup(t.summary));
            split_paragraphs(t.body, d, &vocabulary[l]);
            pack_text_free(&t);
        }
    }
    int generated = total > demo_pages ? total - demo_pages : 0;
    int topics = (generated + ARTICLES_PER_TOPIC) / (ARTICLES_PER_TOPIC + 1);
    for (int k = 0; k < generated; k++) {
        rng_state = 0x9E3779B97F4A7C15ULL * (uint64_t)(k + 1);
        pack_page pg = {0};
        snprintf(pg.code, sizeof pg.code, "%d", 100000 + k);
        if (k < topics) {
            snprintf(pg.parent, sizeof pg.parent, "%s", tops[k % top_count]->code);
            pg.order = 100 + k / top_count;
            snprintf(pg.kind, sizeof pg.kind, "topic");
            snprintf(pg.icon, sizeof pg.icon, "%s", tops[k % top_count]->icon);
        } else {
            snprintf(pg.parent, sizeof pg.parent, "%d", 100000 + (k - topics) % topics);
            pg.order = (k - topics) / topics + 1;
            snprintf(pg.kind, sizeof pg.kind, "article");
            snprintf(pg.icon, sizeof pg.icon, "article");
        }
        char page_dir[1200];
        snprintf(page_dir, sizeof page_dir, "%s/pages/%s", dir, pg.code);
        make_dir(page_dir);
        write_page(page_dir, &pg);
        int title_from = (int)(rng() % (uint32_t)demo_pages), summary_from = (int)(rng() % (uint32_t)demo_pages);
        int paragraphs = 3 + (int)(rng() % 4), from_pages[6], from_paragraphs[6];
        for (int i = 0; i < paragraphs; i++) {
            from_pages[i] = (int)(rng() % (uint32_t)demo_pages);
            from_paragraphs[i] = (int)rng();
        }
        for (int l = 0; l < langs; l++) {
            const char *lang = pack_language_at(demo, l)->code;
            const demo_text *title = &texts[l * demo_pages + title_from],
                            *summary = &texts[l * demo_pages + summary_from];
            if (!title->title || !summary->title)
                continue;
            FILE *f = text_file(page_dir, lang);
            char numbered[600];
            snprintf(numbered, sizeof numbered, "%s %d", title->title, k + 1);
            text_header(f, lang, meta->source_language, numbered, summary->summary);
            for (int i = 0; i < paragraphs; i++) {
                const demo_text *d = &texts[l * demo_pages + from_pages[i]];
                if (!d->paragraph_count)
                    continue;
                append_varied(f, d->paragraphs[(unsigned)from_paragraphs[i] % (unsigned)d->paragraph_count],
                              &vocabulary[l]);
                fputs("\n\n", f);
            }
            fclose(f);
        }
    }
    for (int i = 0; i < langs * demo_pages; i++) {
        free(texts[i].title);
        free(texts[i].summary);
        for (int p = 0; p < texts[i].paragraph_count; p++)
            free(texts[i].paragraphs[p]);
        free(texts[i].paragraphs);
    }
    free(texts);
    for (int l = 0; l < langs; l++) {
        for (int i = 0; i < vocabulary[l].count; i++)
            free(vocabulary[l].v[i]);
        free(vocabulary[l].v);
    }
    free(vocabulary);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench-pack DEMO.pack REGION-SOURCES OUT-DIR PAGES...\n");
        return 2;
    }
    err e;
    pack *demo = pack_open(argv[1], &e);
    if (!demo) {
        fprintf(stderr, "bench-pack: %s\n", e.msg);
        return 1;
    }
    make_dir(argv[3]);
    for (int i = 4; i < argc; i++) {
        int total = atoi(argv[i]);
        char src[1100], out[1100];
        snprintf(src, sizeof src, "%s/src-%d", argv[3], total);
        snprintf(out, sizeof out, "%s/%d.pack", argv[3], total);
        generate(demo, argv[2], argv[3], total);
        if (!pack_build(src, out, &e)) {
            fprintf(stderr, "bench-pack: %s\n", e.msg);
            pack_close(demo);
            return 1;
        }
        printf("%s: %d pages × %d languages\n", out, total, pack_language_count(demo));
    }
    pack_close(demo);
    return 0;
}
