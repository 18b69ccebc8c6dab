/* make bench-frames: what one frame of a drag costs. A finger drags an article, then the
 * search results (keyboard put away), up and down, one move per frame, in Arabic and Tigrinya
 * at 1280x800; a frame is the move, the display list built for it (session_display) and the
 * list drawn (platform_paint), with the renderer and its textures kept from frame to frame as
 * in the kiosk's window loop. Warm: one whole drag down and up first, so every layout and
 * texture is in its cache. On the software renderer into a surface (no window: what the
 * screenshots use) and, when SDL can open a window (under Xvfb), on every render driver it
 * has, each frame then presented (SDL_RenderPresent, no vsync). Numbers, not assertions. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "platform.h"
#include "session.h"

#define WIDTH 1280
#define HEIGHT 800
#define RUNS 5
#define FRAMES 120
#define STEP 7 /* px per frame: a finger moving about 420 px a second at 60 frames a second */
/* DESIGN.md's budget for a frame of a drag on the development machine (about a quarter of it
 * on a Pi 4). */
#define BUDGET_MS 1.0

typedef struct scene {
    const char *what; /* for the table */
    const char *lang;
    const char *page;  /* an article, or NULL for search */
    const char *query; /* search: what is typed */
} scene;

/* Page 110 (language courses) is the demo's longest article in both languages, with page and
 * phone chips. A one-letter search finds nearly every page of the language. */
static const scene SCENES[] = {
    {"article 110", "ar", "110", NULL},
    {"article 110", "ti", "110", NULL},
    {"search results", "ar", NULL, "م"},
    {"search results", "ti", NULL, "ን"},
};
#define SCENE_COUNT (int)(sizeof SCENES / sizeof SCENES[0])

typedef struct target {
    SDL_Renderer *renderer;
    SDL_Window *window; /* NULL: a surface, nothing to present */
    char name[160];     /* as the table names it: the renderer SDL really made */
} target;

static void event(session *s, app_event_type type, const char *arg)
{
    app_event ev = {.type = type};
    snprintf(ev.arg, sizeof ev.arg, "%s", arg ? arg : "");
    app_handle(&s->app, &ev);
}

static bool open_scene(session *s, pack *p, text_fonts *fonts, const scene *sc, err *e)
{
    if (!session_init(s, p, fonts, WIDTH, HEIGHT, 3600 * 1000, e))
        return false;
    event(s, APP_EV_LANGUAGE, sc->lang);
    if (sc->page) {
        event(s, APP_EV_OPEN, sc->page);
    } else {
        event(s, APP_EV_SEARCH, NULL);
        event(s, APP_EV_TYPE, sc->query);
        event(s, APP_EV_KEYBOARD, NULL); /* put away: the results fill the screen */
    }
    session_display(s);
    return true;
}

typedef struct finger {
    int x, y, dir;
} finger;

/* One move of the finger: up (the content follows up) until the end, then down to the top. */
static void move(session *s, finger *f)
{
    const app_place *here = app_current(&s->app);
    if (here->scroll + STEP > here->scroll_max)
        f->dir = -1;
    else if (here->scroll - STEP < 0)
        f->dir = 1;
    f->y -= f->dir * STEP;
    session_move(s, f->x, f->y);
}

/* One frame: wall clock in *total and *build (the move and the display list), and the CPU
 * time of this thread in *cpu (on a shared machine it leaves out the time other programs had
 * the core; GL renderers draw in other threads and in the X server, so it means little there). */
static void frame(session *s, finger *f, platform_painter *painter, const target *t, double *total, double *build,
                  double *cpu)
{
    double c0 = bench_cpu_ms(), t0 = bench_now_ms();
    move(s, f);
    const view_list *l = session_display(s);
    double t1 = bench_now_ms();
    platform_paint(painter, l);
    if (t->window)
        SDL_RenderPresent(t->renderer);
    else
        SDL_RenderFlush(t->renderer); /* the batched drawing done into the surface, not left queued */
    *total = bench_now_ms() - t0;
    *cpu = bench_cpu_ms() - c0;
    *build = t1 - t0;
}

/* One run of FRAMES frames; returns how many moved the content. Not inlined, so that
 * `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=measured_frames` counts the
 * instructions of these frames alone (see docs/bench.md). */
__attribute__((noinline)) static int measured_frames(session *s, finger *f, platform_painter *painter,
                                                     const target *t, double *total, double *build, double *cpu)
{
    int changed = 0;
    for (int i = 0; i < FRAMES; i++) {
        unsigned long before = s->app.generation;
        frame(s, f, painter, t, &total[i], &build[i], &cpu[i]);
        changed += s->app.generation != before;
    }
    return changed;
}

/* Runs one scene on one renderer; prints its figures. */
static void measure(pack *p, text_fonts *fonts, const scene *sc, const target *t, bool budgeted)
{
    session s;
    err e;
    if (!open_scene(&s, p, fonts, sc, &e)) {
        printf("%s: %s\n", sc->what, e.msg);
        return;
    }
    int scroll_max = app_current(&s.app)->scroll_max;
    platform_painter *painter = platform_painter_new(t->renderer, fonts);
    /* The finger goes down in the middle of the screen; the first moves pass the tap slop and
     * make it a drag. */
    finger f = {WIDTH / 2, HEIGHT / 2, 1};
    session_press(&s, f.x, f.y);
    double total, build, cpu;
    /* Warm: down to the end and back up, every line drawn once. */
    for (int i = 0; i < 2 * scroll_max / STEP + 4 && i < 4000; i++)
        frame(&s, &f, painter, t, &total, &build, &cpu);
    static double all[RUNS * FRAMES];
    double medians[RUNS], build_medians[RUNS], cpu_medians[RUNS];
    double run[FRAMES], run_build[FRAMES], run_cpu[FRAMES];
    int changed = 0;
    for (int r = 0; r < RUNS; r++) {
        changed += measured_frames(&s, &f, painter, t, run, run_build, run_cpu);
        memcpy(all + r * FRAMES, run, sizeof run);
        medians[r] = bench_median(run, FRAMES);
        build_medians[r] = bench_median(run_build, FRAMES);
        cpu_medians[r] = bench_median(run_cpu, FRAMES);
    }
    session_release(&s, f.x, f.y);
    size_t texture_bytes = platform_painter_bytes(painter);
    double median = bench_median(medians, RUNS), build_median = bench_median(build_medians, RUNS);
    double cpu_median = bench_median(cpu_medians, RUNS);
    bench_median(all, RUNS * FRAMES);
    printf("  %-22s %-3s %-58s median %7.3f ms (runs %.3f–%.3f)  p99 %7.3f  build %6.3f  CPU %6.3f  "
           "(%d px to scroll, %d of %d frames moved, textures %.1f MiB)\n",
           sc->what, sc->lang, t->name, median, medians[0], medians[RUNS - 1], bench_quantile(all, RUNS * FRAMES, 0.99),
           build_median, cpu_median, scroll_max, changed, RUNS * FRAMES, texture_bytes / 1048576.0);
    char what[300], now[160], budget[32];
    snprintf(what, sizeof what, "drag frame, %s, %s, %dx%d, %s%s", sc->what, sc->lang, WIDTH, HEIGHT, t->name,
             t->window ? ", presented" : "");
    if (t->window)
        snprintf(now, sizeof now, "%.2f ms (runs %.2f–%.2f)", median, medians[0], medians[RUNS - 1]);
    else
        snprintf(now, sizeof now, "%.2f ms (runs %.2f–%.2f; CPU %.2f)", median, medians[0], medians[RUNS - 1],
                 cpu_median);
    snprintf(budget, sizeof budget, "≤ %.0f ms", BUDGET_MS);
    bench_line("frames", what, now, budgeted ? budget : NULL, median <= BUDGET_MS);
    platform_painter_free(painter);
    session_free(&s);
}

/* The GL implementation behind an OpenGL renderer, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
static const char *gl_name(void)
{
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    get_string_fn get = (get_string_fn)SDL_GL_GetProcAddress("glGetString");
    const unsigned char *s = get ? get(0x1F01 /* GL_RENDERER */) : NULL;
    return s ? (const char *)s : "unknown GL";
}

static void name_target(target *t, const char *how)
{
    SDL_RendererInfo info;
    SDL_GetRendererInfo(t->renderer, &info);
    bool gl = !strncmp(info.name, "opengl", 6);
    snprintf(t->name, sizeof t->name, "%s %s%s%s%s", info.name, how, gl ? " on " : "", gl ? gl_name() : "",
             "");
}

int main(int argc, char **argv)
{
    /* --scene N: only that scene; --surface: only the software renderer into a surface. For
     * profiling one case; make bench runs them all. */
    int only = -1;
    bool surface_only = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--scene") && i + 1 < argc)
            only = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--surface"))
            surface_only = true;
        else {
            fprintf(stderr, "usage: bench-frames [--scene N] [--surface]\n");
            return 2;
        }
    }
    err e;
    pack *p = pack_open("build/demo.pack", &e);
    text_fonts *fonts = p ? text_fonts_open("assets", &e) : NULL;
    if (!p || !fonts) {
        fprintf(stderr, "bench-frames: %s\n", e.msg);
        return 1;
    }
    printf("Drag frames at %dx%d, %d px per frame, warm; %d runs of %d frames (ms per frame: move + build + "
           "draw)\n",
           WIDTH, HEIGHT, STEP, RUNS, FRAMES);
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, WIDTH, HEIGHT, 32, SDL_PIXELFORMAT_ARGB8888);
    target soft = {SDL_CreateSoftwareRenderer(surface), NULL, ""};
    if (!soft.renderer) {
        fprintf(stderr, "bench-frames: no software renderer: %s\n", SDL_GetError());
        return 1;
    }
    name_target(&soft, "(surface)");
    for (int i = 0; i < SCENE_COUNT; i++)
        if (only < 0 || only == i)
            measure(p, fonts, &SCENES[i], &soft, true);
    /* The search results again on a pack at a county's scale, where make bench-pack made one. */
    const char *big = getenv("WW_BENCH_BIG_PACK") ? getenv("WW_BENCH_BIG_PACK") : "build/bench-packs/10000.pack";
    pack *large = only < 0 && access(big, R_OK) == 0 ? pack_open(big, &e) : NULL;
    if (large) {
        char what[2][64];
        for (int i = 0; i < SCENE_COUNT; i++) {
            if (SCENES[i].page)
                continue;
            scene sc = SCENES[i];
            snprintf(what[i % 2], sizeof what[0], "search results, %d pages", pack_page_count(large));
            sc.what = what[i % 2];
            measure(large, fonts, &sc, &soft, true);
        }
        pack_close(large);
    } else if (only < 0) {
        printf("  no large pack at %s (make bench-pack makes one): search results measured on the demo only\n", big);
    }
    SDL_DestroyRenderer(soft.renderer);
    SDL_FreeSurface(surface);

    /* A window on every render driver SDL has, where there is a display (Xvfb in make bench). */
    SDL_SetHint(SDL_HINT_RENDER_VSYNC, "0");
    const char *driver = NULL;
    if (surface_only) {
        text_fonts_close(fonts);
        pack_close(p);
        return 0;
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) == 0)
        driver = SDL_GetCurrentVideoDriver();
    if (!driver || !strcmp(driver, "offscreen") || !strcmp(driver, "dummy")) {
        printf("  no display to open a window on (video driver %s): window renderers not measured\n",
               driver ? driver : SDL_GetError());
        bench_line("frames", "drag frame on an OpenGL/GLES renderer", "not measured: no display", NULL, false);
    } else {
        for (int d = 0; d < SDL_GetNumRenderDrivers(); d++) {
            SDL_RendererInfo want;
            SDL_GetRenderDriverInfo(d, &want);
            SDL_Window *w = SDL_CreateWindow("bench", 0, 0, WIDTH, HEIGHT,
                                             !strncmp(want.name, "opengl", 6) ? SDL_WINDOW_OPENGL : 0);
            target t = {w ? SDL_CreateRenderer(w, d, 0) : NULL, w, ""};
            if (!t.renderer) {
                printf("  %s: cannot make a renderer: %s\n", want.name, SDL_GetError());
                if (w)
                    SDL_DestroyWindow(w);
                continue;
            }
            char how[64];
            snprintf(how, sizeof how, "(%s window)", driver);
            name_target(&t, how);
            for (int i = 0; i < SCENE_COUNT; i++)
                if (only < 0 || only == i)
                    measure(p, fonts, &SCENES[i], &t, false);
            SDL_DestroyRenderer(t.renderer);
            SDL_DestroyWindow(w);
        }
    }
    text_fonts_close(fonts);
    pack_close(p);
    SDL_Quit();
    TTF_Quit();
    return 0;
}
