/* The kiosk program itself: headless screenshots and event scripts, as a person runs them. */
#include <SDL_image.h>
#include <stdlib.h>

#include "test.h"

static SDL_Surface *shot(const char *lang, const char *page, const char *size, char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/shot-%s-%s-%s.png", test_tmpdir(), lang, page ? page : "home", size);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s --pack %s --size %s --lang %s %s %s --screenshot %s 2>&1", test_bin("wegweiser"),
             test_demo_pack(), size, lang, page ? "--page" : "", page ? page : "", path);
    char out[2048];
    int rc = test_run(cmd, out, sizeof out);
    if (rc != 0) {
        char msg[2300];
        snprintf(msg, sizeof msg, "%s exited %d: %s", cmd, rc, out);
        test_fail(__FILE__, __LINE__, msg);
        return NULL;
    }
    SDL_Surface *s = IMG_Load(path);
    CHECK(s != NULL);
    SDL_Surface *argb = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(s);
    return argb;
}

static Uint32 pixel(SDL_Surface *s, int x, int y) { return ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x]; }

static long differing(SDL_Surface *a, SDL_Surface *b)
{
    long n = 0;
    for (int y = 0; y < a->h && y < b->h; y++)
        for (int x = 0; x < a->w && x < b->w; x++)
            n += pixel(a, x, y) != pixel(b, x, y);
    return n;
}

/* Dark pixels: text and icons drawn on the light background. */
static long inked(SDL_Surface *s)
{
    long n = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++) {
            Uint32 p = pixel(s, x, y);
            n += ((p >> 16 & 255) + (p >> 8 & 255) + (p & 255)) < 200;
        }
    return n;
}

TEST(screens_every_language_renders_and_differs)
{
    const char *langs[] = {"de", "ar", "prs", "ti", "en", "uk"};
    const char *sizes[] = {"800x480", "1080x1920"};
    for (int z = 0; z < 2; z++) {
        SDL_Surface *shots[6] = {0};
        char path[600];
        for (int i = 0; i < 6; i++) {
            shots[i] = shot(langs[i], "100", sizes[z], path, sizeof path);
            if (shots[i]) {
                int w, h;
                sscanf(sizes[z], "%dx%d", &w, &h);
                CHECK_INT(shots[i]->w, w);
                CHECK_INT(shots[i]->h, h);
                CHECK(inked(shots[i]) > 2000);
            }
        }
        for (int i = 0; i < 6; i++)
            for (int j = i + 1; j < 6; j++)
                if (shots[i] && shots[j])
                    CHECK(differing(shots[i], shots[j]) > 1000);
        for (int i = 0; i < 6; i++)
            SDL_FreeSurface(shots[i]);
    }
}

TEST(screens_language_picker_renders)
{
    char path[600], cmd[1400], out[512];
    snprintf(path, sizeof path, "%s/picker.png", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 1280x800 --screenshot %s", test_bin("wegweiser"), test_demo_pack(),
             path);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    SDL_Surface *s = IMG_Load(path);
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(s->w, 1280);
        SDL_FreeSurface(s);
    }
}

TEST(screens_event_script_drives_a_visit)
{
    char script[600], picture[600], cmd[2000], out[4096];
    snprintf(script, sizeof script, "%s/visit.events", test_tmpdir());
    snprintf(picture, sizeof picture, "%s/visit.png", test_tmpdir());
    FILE *f = fopen(script, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "# a visit\ntap-text ትግርኛ\nswipe 400 300 400 100\nkey back\ntap-text English\n"
               "wait 90000\nscreenshot %s\n",
            picture);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --events %s", test_bin("wegweiser"), test_demo_pack(),
             script);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "2 screen=home page= lang=ti") != NULL);
    CHECK(strstr(out, "4 screen=language page= lang= scroll=0") != NULL);
    CHECK(strstr(out, "5 screen=home page= lang=en") != NULL);
    CHECK(strstr(out, "6 screen=language page= lang= scroll=0") != NULL);
    SDL_Surface *s = IMG_Load(picture);
    CHECK(s != NULL);
    SDL_FreeSurface(s);
}

TEST(screens_bad_pack_still_shows_a_screen)
{
    char bad[600], path[600], cmd[1400], out[2048];
    snprintf(bad, sizeof bad, "%s/bad.pack", test_tmpdir());
    snprintf(path, sizeof path, "%s/bad.png", test_tmpdir());
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("not a pack", f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "%s --pack %s --size 800x480 --screenshot %s 2>&1", test_bin("wegweiser"), bad, path);
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    CHECK(strstr(out, "bad.pack") != NULL);
    SDL_Surface *s = IMG_Load(path);
    CHECK(s != NULL);
    if (s) {
        SDL_Surface *argb = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
        CHECK(inked(argb) > 500);
        SDL_FreeSurface(argb);
        SDL_FreeSurface(s);
    }
}
