/* The shared fixtures of tests/test.h, apart from the runner so the fuzz targets (tests/fuzz/)
 * link them too. */
#include <SDL_ttf.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "session.h"
#include "test.h"

static char tmpdir[256], demo_pack[512];
static text_fonts *fonts;

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

const char *test_augsburg_pack(void)
{
    static char path[600];
    static bool tried;
    if (tried)
        return path[0] ? path : NULL;
    tried = true;
    const char *data = getenv("WW_INTEGREAT") && *getenv("WW_INTEGREAT") ? getenv("WW_INTEGREAT")
                                                                          : "../shared/integreat/lkaugsburg";
    char de[600], en[600], dir[700], cmd[2600];
    snprintf(de, sizeof de, "%s/de.pages.json", data);
    snprintf(en, sizeof en, "%s/en.pages.json", data);
    if (access(de, R_OK) != 0) {
        printf("    skipped: no Integreat export at %s\n", data);
        return NULL;
    }
    snprintf(dir, sizeof dir, "%s/augsburg", test_tmpdir());
    snprintf(path, sizeof path, "%s/augsburg.pack", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s import-integreat --name Augsburg -o %s %s %s >/dev/null && %s build %s -o %s",
             test_bin("wegweiser-pack"), dir, de, en, test_bin("wegweiser-pack"), dir, path);
    if (test_run(cmd, NULL, 0) != 0) {
        test_fail(__FILE__, __LINE__, "the Augsburg import could not be built into a pack");
        path[0] = 0;
        return NULL;
    }
    return path;
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

struct session *test_visit(pack *p, const char *lang, int w, int h)
{
    static session s;
    err e;
    CHECK(session_init(&s, p, test_fonts(), w, h, 90000, &e));
    app_event ev = {.type = APP_EV_LANGUAGE};
    snprintf(ev.arg, sizeof ev.arg, "%s", lang);
    app_handle(&s.app, &ev);
    return &s;
}

void test_fixtures_free(void)
{
    text_fonts_close(fonts);
    fonts = NULL;
    TTF_Quit();
    if (tmpdir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            printf("could not remove %s\n", tmpdir);
        tmpdir[0] = 0;
    }
}
