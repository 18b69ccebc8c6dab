#include "platform.h"

#include <SDL_image.h>
#include <qrencode.h>
#include <math.h>
#include <stdio.h>
#include <poll.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "notify.h"

#define TEXTURES_MAX 768

typedef struct texture_entry {
    unsigned long key; /* layout id, or icon code point */
    int size;          /* text: line number + 1; icons: - icon size */
    Uint32 color;
    SDL_Texture *texture;
    int w, h;
    unsigned long last_used;
} texture_entry;

typedef struct painter {
    SDL_Renderer *renderer;
    text_fonts *fonts;
    texture_entry textures[TEXTURES_MAX];
    int count;
    unsigned long tick;
} painter;

static Uint32 pack_color(SDL_Color c) { return (Uint32)c.r << 24 | (Uint32)c.g << 16 | (Uint32)c.b << 8 | c.a; }

/* A text line (line >= 0) or an icon (line < 0) as a texture, from a bounded cache. */
static texture_entry *texture_for(painter *p, const view_cmd *cmd, int line)
{
    unsigned long key = cmd->kind == VIEW_TEXT ? cmd->layout->id : cmd->icon;
    int size = cmd->kind == VIEW_TEXT ? line + 1 : -cmd->icon_size;
    Uint32 color = pack_color(cmd->color);
    p->tick++;
    texture_entry *victim = NULL;
    for (int i = 0; i < p->count; i++) {
        texture_entry *t = &p->textures[i];
        if (t->key == key && t->size == size && t->color == color) {
            t->last_used = p->tick;
            return t;
        }
        if (!victim || t->last_used < victim->last_used)
            victim = t;
    }
    SDL_Surface *surface = cmd->kind == VIEW_TEXT ? text_line_render(p->fonts, cmd->layout, line, cmd->color, NULL)
                                                   : text_icon_render(p->fonts, cmd->icon, cmd->icon_size, cmd->color);
    if (!surface)
        return NULL;
    SDL_Texture *texture = SDL_CreateTextureFromSurface(p->renderer, surface);
    int w = surface->w, h = surface->h;
    SDL_FreeSurface(surface);
    if (!texture)
        return NULL;
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    texture_entry *slot = p->count < TEXTURES_MAX ? &p->textures[p->count++] : victim;
    if (slot->texture)
        SDL_DestroyTexture(slot->texture);
    *slot = (texture_entry){key, size, color, texture, w, h, p->tick};
    return slot;
}

static void painter_free(painter *p)
{
    for (int i = 0; i < p->count; i++)
        SDL_DestroyTexture(p->textures[i].texture);
    p->count = 0;
}

/* SDL has no rounded rectangle: a triangle fan around the outline. */
static void fill_rounded(SDL_Renderer *r, view_rect rect, int radius, SDL_Color color)
{
    if (radius * 2 > rect.w)
        radius = rect.w / 2;
    if (radius * 2 > rect.h)
        radius = rect.h / 2;
    if (radius < 2) {
        SDL_SetRenderDrawColor(r, color.r, color.g, color.b, color.a);
        SDL_RenderFillRect(r, &(SDL_Rect){rect.x, rect.y, rect.w, rect.h});
        return;
    }
    enum { STEPS = 8, POINTS = 4 * (STEPS + 1) };
    SDL_Vertex v[POINTS + 1];
    int indices[POINTS * 3];
    float cx[4] = {rect.x + rect.w - radius, (float)rect.x + radius, (float)rect.x + radius, rect.x + rect.w - radius};
    float cy[4] = {(float)rect.y + radius, (float)rect.y + radius, rect.y + rect.h - radius, rect.y + rect.h - radius};
    v[0] = (SDL_Vertex){{rect.x + rect.w / 2.0f, rect.y + rect.h / 2.0f}, color, {0, 0}};
    int k = 1;
    for (int corner = 0; corner < 4; corner++)
        for (int s = 0; s <= STEPS; s++) {
            double a = (corner * 90.0 + s * 90.0 / STEPS) * M_PI / 180.0;
            v[k++] = (SDL_Vertex){{cx[corner] + (float)(radius * cos(a)), cy[corner] - (float)(radius * sin(a))},
                                  color, {0, 0}};
        }
    for (int i = 0; i < POINTS; i++) {
        indices[i * 3] = 0;
        indices[i * 3 + 1] = 1 + i;
        indices[i * 3 + 2] = 1 + (i + 1) % POINTS;
    }
    SDL_RenderGeometry(r, NULL, v, POINTS + 1, indices, POINTS * 3);
}

/* A QR code as a texture: black modules on white with the quiet zone the standard asks for,
 * scaled by whole pixels so every phone camera reads it. */
static SDL_Texture *qr_texture(SDL_Renderer *r, const char *text, int size, int *drawn)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return NULL;
    int modules = qr->width + 8, scale = size / modules;
    if (scale < 1)
        scale = 1;
    int px = modules * scale;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, px, px, 32, SDL_PIXELFORMAT_ARGB8888);
    SDL_Texture *t = NULL;
    if (s) {
        SDL_FillRect(s, NULL, 0xFFFFFFFF);
        for (int y = 0; y < qr->width; y++)
            for (int x = 0; x < qr->width; x++)
                if (qr->data[y * qr->width + x] & 1)
                    SDL_FillRect(s, &(SDL_Rect){(x + 4) * scale, (y + 4) * scale, scale, scale}, 0xFF000000);
        t = SDL_CreateTextureFromSurface(r, s);
        SDL_FreeSurface(s);
    }
    QRcode_free(qr);
    *drawn = px;
    return t;
}

static void draw_qr(painter *p, const view_cmd *cmd)
{
    unsigned long key = 5381;
    for (const char *c = cmd->text; *c; c++)
        key = key * 33 + (unsigned char)*c;
    p->tick++;
    texture_entry *hit = NULL, *victim = NULL;
    for (int i = 0; i < p->count && !hit; i++) {
        texture_entry *t = &p->textures[i];
        if (t->key == key && t->size == -100000 - cmd->rect.w)
            hit = t;
        else if (!victim || t->last_used < victim->last_used)
            victim = t;
    }
    if (!hit) {
        int px = 0;
        SDL_Texture *texture = qr_texture(p->renderer, cmd->text, cmd->rect.w, &px);
        if (!texture)
            return;
        hit = p->count < TEXTURES_MAX ? &p->textures[p->count++] : victim;
        if (hit->texture)
            SDL_DestroyTexture(hit->texture);
        *hit = (texture_entry){key, -100000 - cmd->rect.w, 0, texture, px, px, p->tick};
    }
    hit->last_used = p->tick;
    SDL_Rect dst = {cmd->rect.x + (cmd->rect.w - hit->w) / 2, cmd->rect.y + (cmd->rect.h - hit->h) / 2, hit->w, hit->h};
    SDL_RenderCopy(p->renderer, hit->texture, NULL, &dst);
}

/* Only the lines inside the clip (or the screen) are drawn, so scrolling a long article
 * rasterises just what comes into view. */
static void draw_text(painter *p, const view_cmd *cmd, int screen_h)
{
    const text_layout *layout = cmd->layout;
    int top = cmd->clip.w ? cmd->clip.y : 0, bottom = cmd->clip.w ? cmd->clip.y + cmd->clip.h : screen_h;
    for (int i = 0; i < layout->line_count; i++) {
        int y = cmd->rect.y + i * layout->line_height;
        if (y + layout->line_height <= top || y >= bottom)
            continue;
        texture_entry *t = texture_for(p, cmd, i);
        if (t)
            SDL_RenderCopy(p->renderer, t->texture, NULL, &(SDL_Rect){cmd->rect.x, y, t->w, t->h});
    }
}

static void draw(painter *p, const view_list *l)
{
    SDL_Renderer *r = p->renderer;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, l->background.r, l->background.g, l->background.b, 255);
    SDL_RenderSetClipRect(r, NULL);
    SDL_RenderClear(r);
    for (int i = 0; i < l->count; i++) {
        const view_cmd *cmd = &l->cmds[i];
        if (cmd->clip.w)
            SDL_RenderSetClipRect(r, &(SDL_Rect){cmd->clip.x, cmd->clip.y, cmd->clip.w, cmd->clip.h});
        else
            SDL_RenderSetClipRect(r, NULL);
        if (cmd->kind == VIEW_RECT) {
            fill_rounded(r, cmd->rect, cmd->radius, cmd->color);
            continue;
        }
        if (cmd->kind == VIEW_QR && cmd->text) {
            draw_qr(p, cmd);
            continue;
        }
        if (cmd->kind == VIEW_TEXT && cmd->layout) {
            draw_text(p, cmd, l->height);
            continue;
        }
        texture_entry *t = cmd->icon ? texture_for(p, cmd, -1) : NULL;
        if (!t)
            continue;
        SDL_Rect dst = {cmd->rect.x + (cmd->rect.w - t->w) / 2, cmd->rect.y + (cmd->rect.h - t->h) / 2, t->w, t->h};
        SDL_RenderCopy(r, t->texture, NULL, &dst);
    }
    SDL_RenderSetClipRect(r, NULL);
}

bool platform_screenshot(session *s, const char *path, err *e)
{
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, s->width, s->height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surface)
        return err_set(e, "cannot make a %dx%d picture: %s", s->width, s->height, SDL_GetError());
    painter p = {.fonts = s->fonts};
    p.renderer = SDL_CreateSoftwareRenderer(surface);
    bool ok = p.renderer != NULL;
    if (ok) {
        draw(&p, session_display(s));
        SDL_RenderPresent(p.renderer);
        ok = IMG_SavePNG(surface, path) == 0;
        if (!ok)
            err_set(e, "cannot write %s: %s", path, IMG_GetError());
        painter_free(&p);
        SDL_DestroyRenderer(p.renderer);
    } else {
        err_set(e, "cannot draw offscreen: %s", SDL_GetError());
    }
    SDL_FreeSurface(surface);
    return ok;
}

static void handle_event(session *s, const SDL_Event *ev, bool *quit)
{
    switch (ev->type) {
    case SDL_QUIT:
        *quit = true;
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT)
            session_press(s, ev->button.x, ev->button.y);
        break;
    case SDL_MOUSEMOTION:
        session_move(s, ev->motion.x, ev->motion.y);
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.button == SDL_BUTTON_LEFT)
            session_release(s, ev->button.x, ev->button.y);
        break;
    case SDL_MOUSEWHEEL:
        app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = -ev->wheel.y * s->height / 10});
        break;
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_ESCAPE || ev->key.keysym.sym == SDLK_BACKSPACE ||
            ev->key.keysym.sym == SDLK_AC_BACK)
            session_key(s, "back");
        else if (ev->key.keysym.sym == SDLK_HOME)
            session_key(s, "home");
        else if (ev->key.keysym.sym == SDLK_q && (ev->key.keysym.mod & KMOD_CTRL))
            *quit = true;
        break;
    default:
        break;
    }
}

void platform_clock(session *s)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return;
    app_event ev = app_clock(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, (tm.tm_wday + 6) % 7,
                             tm.tm_hour * 60 + tm.tm_min);
    app_handle(&s->app, &ev);
}

typedef struct redraw_target {
    painter *p;
} redraw_target;

/* During a USB update the loop is busy copying: draw the overlay from the progress calls. */
static void redraw_now(session *s, void *user)
{
    redraw_target *t = user;
    SDL_PumpEvents();
    draw(t->p, session_display(s));
    SDL_RenderPresent(t->p->renderer);
    notify_watchdog();
}

/* A stick mounted under the watched folder: the mount table's fd wakes poll(), no polling of
 * folders. */
static void check_sticks(session *s, update_watch *w, painter *p)
{
    struct pollfd pfd = {update_watch_fd(w), POLLPRI | POLLERR, 0};
    if (poll(&pfd, 1, 0) <= 0)
        return;
    char dir[1024];
    err e;
    redraw_target t = {p};
    while (update_watch_next(w, dir, sizeof dir, &e))
        session_usb(s, dir, redraw_now, &t);
}

bool platform_run(session *s, bool fullscreen, err *e)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return err_set(e, "cannot open the display: %s", SDL_GetError());
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI | (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
    SDL_Window *window = SDL_CreateWindow("Wegweiser", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, s->width,
                                          s->height, flags);
    if (!window) {
        err_set(e, "cannot open a window: %s", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return false;
    }
    painter p = {.fonts = s->fonts};
    p.renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!p.renderer)
        p.renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
    if (!p.renderer) {
        err_set(e, "cannot draw in the window: %s", SDL_GetError());
        SDL_DestroyWindow(window);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return false;
    }
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    bool quit = false;
    Uint64 last = SDL_GetTicks64();
    unsigned long drawn_generation = 0;
    bool drawn = false;
    update_watch *sticks = NULL;
    if (s->usb_root && s->updates.data_dir) {
        err we;
        sticks = update_watch_open(s->usb_root, s->mountinfo, &we);
        if (!sticks)
            fprintf(stderr, "wegweiser: USB sticks will not be noticed: %s\n", we.msg);
    }
    audio *sound = audio_new();
    while (!quit) {
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, session_animating(s) ? 16 : 100)) {
            handle_event(s, &ev, &quit);
            while (SDL_PollEvent(&ev))
                handle_event(s, &ev, &quit);
        }
        Uint64 now = SDL_GetTicks64();
        session_advance(s, (unsigned long)(now - last));
        platform_clock(s);
        if (sound) {
            /* What plays follows the app state; the end of a recording goes back into it. */
            audio_follow(sound, s->app.pack, s->app.reading);
            if (audio_done(sound))
                app_handle(&s->app, &(app_event){.type = APP_EV_READ_DONE});
        }
        last = now;
        int w, h;
        SDL_GetRendererOutputSize(p.renderer, &w, &h);
        bool resized = w != s->width || h != s->height;
        if (resized)
            session_resize(s, w, h);
        const view_list *l = session_display(s);
        if (!drawn || resized || drawn_generation != s->app.generation) {
            draw(&p, l);
            SDL_RenderPresent(p.renderer);
            if (!drawn)
                notify_ready(); /* the first frame is on screen: start-up is over */
            drawn = true;
            drawn_generation = s->app.generation;
        }
        notify_watchdog(); /* the loop wakes at least every 100 ms */
        if (sticks && drawn)
            check_sticks(s, sticks, &p);
    }
    audio_free(sound);
    update_watch_close(sticks);
    painter_free(&p);
    SDL_DestroyRenderer(p.renderer);
    SDL_DestroyWindow(window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return true;
}
