/* Golden screenshots: a few screens rendered by the kiosk program and compared with the
 * pictures in tests/golden/ (made by `make golden`), so a change of the look is seen, not only
 * a change of the display list. Pixels may differ a little (anti-aliasing); a screen differs
 * when more than a small share of its pixels is clearly another colour. */
#include <SDL_image.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test.h"

/* A pixel differs when a channel is off by more than this; a screen when more than
 * DIFFERING_PER_MILLE of its pixels do. */
#define CHANNEL_TOLERANCE 48
#define DIFFERING_PER_MILLE 3

static SDL_Surface *load_argb(const char *path)
{
    SDL_Surface *s = IMG_Load(path);
    SDL_Surface *argb = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(s);
    return argb;
}

static Uint32 pixel(SDL_Surface *s, int x, int y) { return ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x]; }

static bool close_enough(Uint32 a, Uint32 b)
{
    for (int shift = 0; shift < 24; shift += 8) {
        int d = (int)(a >> shift & 255) - (int)(b >> shift & 255);
        if (d > CHANNEL_TOLERANCE || d < -CHANNEL_TOLERANCE)
            return false;
    }
    return true;
}

/* Counts differing pixels and paints them red on a copy of `now`, saved for a person to see. */
static long compare(SDL_Surface *golden, SDL_Surface *now, const char *diff_path)
{
    long differing = 0;
    SDL_Surface *diff = SDL_ConvertSurfaceFormat(now, SDL_PIXELFORMAT_ARGB8888, 0);
    for (int y = 0; y < now->h; y++)
        for (int x = 0; x < now->w; x++)
            if (!close_enough(pixel(golden, x, y), pixel(now, x, y))) {
                differing++;
                if (diff)
                    ((Uint32 *)((Uint8 *)diff->pixels + y * diff->pitch))[x] = 0xFFFF0000;
            }
    if (diff && differing)
        IMG_SavePNG(diff, diff_path);
    SDL_FreeSurface(diff);
    return differing;
}

static void check_golden(const char *name, const char *size, const char *lang, const char *page)
{
    char golden_path[600], now_path[700], diff_path[700], cmd[2400], out[2048];
    snprintf(golden_path, sizeof golden_path, "tests/golden/%s.png", name);
    snprintf(now_path, sizeof now_path, "%s/golden-%s.png", test_tmpdir(), name);
    snprintf(cmd, sizeof cmd, "%s --pack %s --clock '2026-11-23 10:30' --size %s %s %s %s %s --screenshot %s 2>&1",
             test_bin("wegweiser"), test_demo_pack(), size, strcmp(lang, "-") ? "--lang" : "",
             strcmp(lang, "-") ? lang : "", strcmp(page, "-") ? "--page" : "", strcmp(page, "-") ? page : "",
             now_path);
    if (test_run(cmd, out, sizeof out) != 0) {
        test_fail(__FILE__, __LINE__, out);
        return;
    }
    SDL_Surface *golden = load_argb(golden_path), *now = load_argb(now_path);
    char msg[1200];
    if (!golden) {
        snprintf(msg, sizeof msg, "%s: no golden picture; run make golden and look at it", golden_path);
        test_fail(__FILE__, __LINE__, msg);
    } else if (!now) {
        test_fail(__FILE__, __LINE__, "the kiosk wrote no readable screenshot");
    } else if (golden->w != now->w || golden->h != now->h) {
        snprintf(msg, sizeof msg, "%s is %dx%d, the screen now %dx%d", golden_path, golden->w, golden->h, now->w,
                 now->h);
        test_fail(__FILE__, __LINE__, msg);
    } else {
        mkdir("build/golden-diff", 0755);
        snprintf(diff_path, sizeof diff_path, "build/golden-diff/%s.png", name);
        long differing = compare(golden, now, diff_path);
        long allowed = (long)now->w * now->h * DIFFERING_PER_MILLE / 1000;
        printf("    %-24s %ld of %ld pixels differ (allowed %ld)\n", name, differing, (long)now->w * now->h, allowed);
        if (differing > allowed) {
            snprintf(msg, sizeof msg,
                     "%s: %ld pixels differ; see %s (red). If the change is meant: make golden, look, commit",
                     golden_path, differing, diff_path);
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    SDL_FreeSurface(golden);
    SDL_FreeSurface(now);
}

TEST(golden_screens_look_as_they_did)
{
    FILE *f = fopen("tests/golden/list.txt", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[512], name[128], size[32], lang[16], page[16];
    int screens = 0;
    while (fgets(line, sizeof line, f))
        if (line[0] != '#' && sscanf(line, "%127s %31s %15s %15s", name, size, lang, page) == 4) {
            check_golden(name, size, lang, page);
            screens++;
        }
    fclose(f);
    CHECK(screens >= 4);
}

/* The comparison itself can fail: a screen of another page is not taken for the golden one. */
TEST(golden_comparison_sees_another_screen)
{
    char a[700], b[700], cmd[2400], out[2048];
    snprintf(a, sizeof a, "%s/golden-a.png", test_tmpdir());
    snprintf(b, sizeof b, "%s/golden-b.png", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --lang de --page 310 --screenshot %s 2>&1",
             test_bin("wegweiser"), test_demo_pack(), a);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --lang de --page 320 --screenshot %s 2>&1",
             test_bin("wegweiser"), test_demo_pack(), b);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    SDL_Surface *sa = load_argb(a), *sb = load_argb(b);
    CHECK(sa && sb);
    if (sa && sb) {
        char diff[800];
        snprintf(diff, sizeof diff, "%s/golden-ab-diff.png", test_tmpdir());
        CHECK(compare(sa, sb, diff) > (long)sa->w * sa->h * DIFFERING_PER_MILLE / 1000);
        CHECK_INT((int)compare(sa, sa, diff), 0);
    }
    SDL_FreeSurface(sa);
    SDL_FreeSurface(sb);
}
