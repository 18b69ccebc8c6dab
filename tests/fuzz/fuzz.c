#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#define TARGETS_MAX 32
static fuzz_target targets[TARGETS_MAX];
static int target_count;

void fuzz_register(const char *name, fuzz_fn fn)
{
    if (target_count < TARGETS_MAX)
        targets[target_count++] = (fuzz_target){name, fn};
}

int fuzz_target_count(void) { return target_count; }
const fuzz_target *fuzz_target_at(int index) { return &targets[index]; }

char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

static const char MARK[] = "==> ";
static const char MARK_END[] = " <==";

/* Where the next file header starts at or after `from` (at the start of a line), or size. */
static size_t next_header(const uint8_t *data, size_t size, size_t from)
{
    for (size_t i = from; i + sizeof MARK - 1 <= size; i++)
        if ((i == 0 || data[i - 1] == '\n') && !memcmp(data + i, MARK, sizeof MARK - 1))
            return i;
    return size;
}

int fuzz_split_files(const uint8_t *data, size_t size, fuzz_file *out, int max)
{
    int count = 0;
    size_t at = next_header(data, size, 0);
    while (at < size && count < max) {
        const uint8_t *name = data + at + sizeof MARK - 1;
        const uint8_t *eol = memchr(name, '\n', size - (size_t)(name - data));
        size_t line = eol ? (size_t)(eol - name) : size - (size_t)(name - data);
        if (line >= sizeof MARK_END - 1 && !memcmp(name + line - (sizeof MARK_END - 1), MARK_END, sizeof MARK_END - 1))
            line -= sizeof MARK_END - 1;
        size_t body = eol ? (size_t)(eol - data) + 1 : size;
        size_t end = next_header(data, size, body);
        fuzz_file *f = &out[count];
        size_t n = line < sizeof f->name - 1 ? line : sizeof f->name - 1;
        memcpy(f->name, name, n);
        f->name[n] = 0;
        f->data = data + body;
        f->size = end - body;
        /* `head` puts a newline before the next header: it is not part of the file. */
        if (end < size && f->size && data[end - 1] == '\n')
            f->size--;
        if (f->name[0])
            count++;
        at = end;
    }
    return count;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

const char *fuzz_fresh_dir(const char *name)
{
    static char path[8][512];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/fuzz-%s", test_tmpdir(), name);
    nftw(p, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        abort();
    return p;
}

/* Creates the folders on the way to `path` (relative to dir); false for names that leave it. */
static bool make_parents(const char *dir, const char *name)
{
    if (name[0] == '/' || !strcmp(name, "..") || !strncmp(name, "../", 3) || strstr(name, "/../") ||
        (strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/..")))
        return false;
    char path[1024];
    for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - name), name);
        mkdir(path, 0755);
    }
    return true;
}

void fuzz_write_files(const char *dir, const fuzz_file *files, int count, bool flat)
{
    for (int i = 0; i < count; i++) {
        const char *name = files[i].name;
        if (!strcmp(name, ".") || !strcmp(name, "..") || (flat ? strchr(name, '/') != NULL : !make_parents(dir, name)))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
        if (fd < 0)
            continue; /* a name that is a folder already, or too long */
        if (files[i].size && write(fd, files[i].data, files[i].size) != (ssize_t)files[i].size)
            abort();
        close(fd);
    }
}

void fuzz_query_pack(pack *p)
{
    const pack_meta *m = pack_get_meta(p);
    (void)m;
    int languages = pack_language_count(p), pages = pack_page_count(p);
    const pack_page *children[64];
    pack_children(p, "", children, 64);
    pack_page_of_kind(p, "emergency");
    for (int l = 0; l < languages; l++) {
        const pack_language *lang = pack_language_at(p, l);
        pack_language_find(p, lang->code);
        int texts, machine;
        pack_language_stats(p, lang->code, &texts, &machine);
        char codes[16][PACK_CODE_MAX];
        pack_search(p, lang->code, "a", codes, 16);
        pack_search(p, lang->code, "Amt", codes, 16);
        pack_search(p, lang->code, "عمل ", codes, 16);
        /* Words that find nothing as typed: the forgiving steps read vocabulary and synonyms. */
        pack_search(p, lang->code, "Jobcentre Integratonskurs", codes, 16);
        pack_search(p, lang->code, "job cen", codes, 16);
        pack_search(p, lang->code, "ማእከል ሥራሕ", codes, 16);
    }
    for (int i = 0; i < pages; i++) {
        const pack_page *page = pack_page_at(p, i);
        pack_page_find(p, page->code);
        pack_children(p, page->code, children, 64);
        const pack_language *in[PACK_LANGUAGES_MAX];
        pack_page_languages(p, page->code, in, PACK_LANGUAGES_MAX);
        for (int l = 0; l < languages; l++) {
            const char *code = pack_language_at(p, l)->code;
            char title[512];
            pack_title_get(p, page->code, code, title, sizeof title);
            pack_tile_title_get(p, page->code, code, title, sizeof title);
            pack_text t;
            if (pack_text_get(p, page->code, code, &t, NULL)) {
                unsigned char *bytes = NULL;
                size_t n = 0;
                char kind[16];
                if (t.audio[0] && pack_asset_get(p, t.audio, &bytes, &n, kind, sizeof kind))
                    free(bytes);
                pack_text_free(&t);
            }
        }
        pack_office o;
        if (page->office[0] && pack_office_get(p, page->office, &o)) {
            int minute;
            for (int day = 0; day < 7; day++)
                pack_office_state(&o, day, 600, "2026-01-05", &minute);
        }
    }
    pack_lang_stats stats[PACK_LANGUAGES_MAX];
    pack_translation_stats(p, stats, PACK_LANGUAGES_MAX);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        pack_diff(p, p, devnull);
        fclose(devnull);
    }
}
