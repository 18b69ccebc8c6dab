#include <SDL_ttf.h>
#include <stdlib.h>
#include <unistd.h>

#include "i18n.h"
#include "test.h"

#define TESTS_MAX 256

typedef struct test_case {
    const char *name;
    test_fn fn;
} test_case;
static test_case tests[TESTS_MAX];
static int test_count, failures_in_test;
static char tmpdir[256], demo_pack[512];
static text_fonts *fonts;

void test_register(const char *name, test_fn fn)
{
    if (test_count < TESTS_MAX)
        tests[test_count++] = (test_case){name, fn};
}

void test_fail(const char *file, int line, const char *what)
{
    failures_in_test++;
    printf("    %s:%d: failed: %s\n", file, line, what);
}

const char *test_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/wegweiser-test-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
    }
    return tmpdir;
}

const char *test_demo_pack(void)
{
    if (!demo_pack[0]) {
        snprintf(demo_pack, sizeof demo_pack, "%s/demo.pack", test_tmpdir());
        err e;
        if (!pack_build("content/kaiserslautern", demo_pack, &e)) {
            printf("cannot build the demo pack: %s\n", e.msg);
            exit(1);
        }
    }
    return demo_pack;
}

text_fonts *test_fonts(void)
{
    if (!fonts) {
        err e;
        fonts = text_fonts_open("assets", &e);
        if (!fonts) {
            printf("cannot open fonts: %s\n", e.msg);
            exit(1);
        }
    }
    return fonts;
}

const char *test_bin(const char *name)
{
    static char path[8][512];
    static int next;
    const char *dir = getenv("WW_BIN") ? getenv("WW_BIN") : "build";
    char *p = path[next++ % 8];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

int test_run(const char *cmd, char *out, size_t size)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    size_t n = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (out && n + got < size) {
            memcpy(out + n, buf, got);
            n += got;
        }
    }
    if (out && size)
        out[n < size ? n : size - 1] = 0;
    int status = pclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *test_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    long n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1))) {
        if (fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        } else {
            data[n] = 0;
            if (size)
                *size = (size_t)n;
        }
    }
    fclose(f);
    return data;
}

/* T=a,b runs the tests whose name contains a or b. */
static bool selected(const char *name, const char *filters)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", filters);
    for (char *save, *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save))
        if (strstr(name, f))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    err e;
    i18n_init("build/locale", &e);
    int passed = 0, failed = 0;
    for (int i = 0; i < test_count; i++) {
        if (argc > 1 && !selected(tests[i].name, argv[1]))
            continue;
        failures_in_test = 0;
        printf("%s\n", tests[i].name);
        fflush(stdout);
        tests[i].fn();
        if (failures_in_test) {
            failed++;
            printf("  FAIL %s\n", tests[i].name);
        } else {
            passed++;
        }
        fflush(stdout);
    }
    text_fonts_close(fonts);
    TTF_Quit();
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            printf("could not remove %s\n", tmpdir);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
