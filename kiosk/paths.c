#include "paths.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef WW_DATADIR
#define WW_DATADIR "/usr/local/share/wegweiser"
#endif
#ifndef WW_LOCALEDIR
#define WW_LOCALEDIR "/usr/local/share/locale"
#endif

static void exe_dir(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0) {
        snprintf(out, size, ".");
        return;
    }
    out[n] = 0;
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = 0;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Tries `rel` beside the program, then one and two folders up (build/, build/asan/). */
static void find(const char *rel, const char *installed, char *out, size_t size)
{
    char dir[1024];
    exe_dir(dir, sizeof dir);
    const char *ups[] = {"", "/..", "/../.."};
    for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
        snprintf(out, size, "%s%s/%s", dir, ups[i], rel);
        if (exists(out))
            return;
    }
    snprintf(out, size, "%s", installed);
}

void paths_assets(char *out, size_t size) { find("assets", WW_DATADIR "/assets", out, size); }

void paths_locale(char *out, size_t size) { find("locale", WW_LOCALEDIR, out, size); }

void paths_demo_pack(char *out, size_t size) { find("demo.pack", WW_DATADIR "/demo.pack", out, size); }
