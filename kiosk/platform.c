#include "platform.h"

#include <SDL_image.h>
#include <SDL_syswm.h>
#include <errno.h>
#include <qrencode.h>
#include <math.h>
#include <stdio.h>
#include <poll.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "audio.h"
#include "notify.h"

#define TEXTURES_MAX 768
/* The texture cache's bound in bytes as well as in count: a visit through many pages must not
 * grow the kiosk past its memory budget (the bench's memory row). 8 MiB holds every line of
 * a long article at 1280x800 twice over, so a drag never draws a line anew. */
#define TEXTURE_BYTES_MAX (8u << 20)

typedef enum texture_kind { TEXTURE_LINE, TEXTURE_ICON, TEXTURE_QR, TEXTURE_DISC } texture_kind;

typedef struct texture_entry {
    texture_kind kind;
    unsigned long key; /* line: layout id; icon: code point; QR: hash of its text; disc: radius */
    int size;          /* line: line number; icon: size in px; QR: box width */
    Uint32 color;      /* line, icon and disc: the colour it is drawn in */
    SDL_Texture *texture;
    int w, h;    /* what was drawn, e.g. a line across the whole paragraph box */
    SDL_Rect ink; /* the part of it the texture holds: all its pixels that are not clear */
    unsigned long last_used;
} texture_entry;

struct platform_painter {
    SDL_Renderer *renderer;
    text_fonts *fonts;
    texture_entry textures[TEXTURES_MAX];
    int count;
    size_t bytes; /* the pixels of every cached texture */
    unsigned long tick;
    /* The software renderer keeps its pixels from frame to frame: after a scroll only the
     * scrolling area is painted again. What was last painted, whole, on this target. */
    bool keeps_pixels;
    const view_list *painted;
    unsigned long painted_serial;
};
typedef platform_painter painter;

static Uint32 pack_color(SDL_Color c) { return (Uint32)c.r << 24 | (Uint32)c.g << 16 | (Uint32)c.b << 8 | c.a; }

/* The cached texture of that kind, key, size and colour, or NULL. */
static texture_entry *cache_find(painter *p, texture_kind kind, unsigned long key, int size, Uint32 color)
{
    p->tick++;
    for (int i = 0; i < p->count; i++) {
        texture_entry *t = &p->textures[i];
        if (t->key == key && t->size == size && t->color == color && t->kind == kind) {
            t->last_used = p->tick;
            return t;
        }
    }
    return NULL;
}

static size_t entry_bytes(const texture_entry *t) { return (size_t)t->ink.w * (size_t)t->ink.h * 4; }

/* Keeps a texture the painter made; first the ones unused longest make room, while the cache
 * is full by count or by bytes. */
static texture_entry *cache_keep(painter *p, texture_kind kind, unsigned long key, int size, Uint32 color,
                                 SDL_Texture *texture, int w, int h, SDL_Rect ink)
{
    size_t bytes = (size_t)ink.w * (size_t)ink.h * 4;
    while (p->count > 0 && (p->count == TEXTURES_MAX || p->bytes + bytes > TEXTURE_BYTES_MAX)) {
        int oldest = 0;
        for (int i = 1; i < p->count; i++)
            if (p->textures[i].last_used < p->textures[oldest].last_used)
                oldest = i;
        texture_entry *gone = &p->textures[oldest];
        if (gone->texture)
            SDL_DestroyTexture(gone->texture);
        p->bytes -= entry_bytes(gone);
        *gone = p->textures[--p->count];
    }
    texture_entry *slot = &p->textures[p->count++];
    *slot = (texture_entry){kind, key, size, color, texture, w, h, ink, p->tick};
    p->bytes += bytes;
    return slot;
}

size_t platform_painter_bytes(const platform_painter *p) { return p->bytes; }

/* The smallest box round the pixels of an ARGB8888 surface that are not fully clear. A line
 * is drawn across its whole paragraph box and an icon with room round it: copying only the
 * ink blends far fewer pixels each frame, to the same picture. */
static SDL_Rect ink_box(const SDL_Surface *s)
{
    SDL_Rect all = {0, 0, s->w, s->h};
    if (s->format->format != SDL_PIXELFORMAT_ARGB8888 || SDL_MUSTLOCK(s))
        return all;
    int left = s->w, right = -1, top = s->h, bottom = -1;
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + y * s->pitch);
        for (int x = 0; x < s->w; x++)
            if (row[x] >> 24) {
                left = x < left ? x : left;
                right = x > right ? x : right;
                top = y < top ? y : top;
                bottom = y;
            }
    }
    return right < 0 ? (SDL_Rect){0, 0, 0, 0} : (SDL_Rect){left, top, right - left + 1, bottom - top + 1};
}

/* Keeps the ink of a surface the painter drew as a texture (a surface with no ink at all is
 * kept as an entry without a texture, so it is not drawn again). Frees the surface. */
static texture_entry *keep_surface(painter *p, texture_kind kind, unsigned long key, int size, Uint32 color,
                                   SDL_Surface *surface)
{
    if (!surface)
        return NULL;
    SDL_Rect ink = ink_box(surface);
    SDL_Texture *texture = NULL;
    if (ink.w > 0) {
        SDL_Surface *part = SDL_CreateRGBSurfaceWithFormatFrom(
            (Uint8 *)surface->pixels + ink.y * surface->pitch + ink.x * surface->format->BytesPerPixel, ink.w, ink.h,
            surface->format->BitsPerPixel, surface->pitch, surface->format->format);
        texture = part ? SDL_CreateTextureFromSurface(p->renderer, part) : NULL;
        SDL_FreeSurface(part);
        if (!texture) {
            SDL_FreeSurface(surface);
            return NULL;
        }
        SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    }
    int w = surface->w, h = surface->h;
    SDL_FreeSurface(surface);
    return cache_keep(p, kind, key, size, color, texture, w, h, ink);
}

/* Copies an entry's ink to where the top left of what was drawn goes. */
static void copy_ink(painter *p, const texture_entry *t, int x, int y)
{
    if (t->texture)
        SDL_RenderCopy(p->renderer, t->texture, NULL, &(SDL_Rect){x + t->ink.x, y + t->ink.y, t->ink.w, t->ink.h});
}

/* A text line (line >= 0) or an icon (line < 0) as a texture, from the bounded cache. */
static texture_entry *texture_for(painter *p, const view_cmd *cmd, int line)
{
    bool text = cmd->kind == VIEW_TEXT;
    texture_kind kind = text ? TEXTURE_LINE : TEXTURE_ICON;
    unsigned long key = text ? cmd->layout->id : cmd->icon;
    int size = text ? line : cmd->icon_size;
    Uint32 color = pack_color(cmd->color);
    texture_entry *t = cache_find(p, kind, key, size, color);
    if (t)
        return t;
    return keep_surface(p, kind, key, size, color,
                        text ? text_line_render(p->fonts, cmd->layout, line, cmd->color, NULL)
                             : text_icon_render(p->fonts, cmd->icon, cmd->icon_size, cmd->color));
}

static void painter_free(painter *p)
{
    for (int i = 0; i < p->count; i++)
        if (p->textures[i].texture)
            SDL_DestroyTexture(p->textures[i].texture);
    p->count = 0;
    p->bytes = 0;
}

/* A disc of the radius in one colour on a clear square of twice it, its edge anti-aliased
 * (4x4 samples a pixel): its quarters are the corners of every rounded rectangle of that
 * radius and colour. One texture per colour, not one white disc tinted as it is drawn: SDL's
 * software renderer blends a tinted copy pixel by pixel in its slowest loop. */
static texture_entry *disc_texture(painter *p, int radius, SDL_Color color)
{
    Uint32 packed = pack_color(color);
    texture_entry *t = cache_find(p, TEXTURE_DISC, (unsigned long)radius, 0, packed);
    if (t)
        return t;
    int side = 2 * radius;
    Uint32 *pixels = malloc((size_t)side * (size_t)side * sizeof *pixels);
    if (!pixels)
        return NULL;
    double r2 = (double)radius * radius;
    Uint32 rgb = (Uint32)color.r << 16 | (Uint32)color.g << 8 | color.b;
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int inside = 0;
            for (int sy = 0; sy < 4; sy++)
                for (int sx = 0; sx < 4; sx++) {
                    double dx = x + (sx + 0.5) / 4 - radius, dy = y + (sy + 0.5) / 4 - radius;
                    inside += dx * dx + dy * dy <= r2;
                }
            pixels[y * side + x] = (Uint32)(inside * color.a / 16) << 24 | rgb;
        }
    SDL_Texture *texture =
        SDL_CreateTexture(p->renderer, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, side, side);
    if (texture && SDL_UpdateTexture(texture, NULL, pixels, side * (int)sizeof *pixels) != 0) {
        SDL_DestroyTexture(texture);
        texture = NULL;
    }
    free(pixels);
    if (!texture)
        return NULL;
    SDL_SetTextureBlendMode(texture, SDL_BLENDMODE_BLEND);
    return cache_keep(p, TEXTURE_DISC, (unsigned long)radius, 0, packed, texture, side, side,
                      (SDL_Rect){0, 0, side, side});
}

/* SDL has no rounded rectangle: three plain rectangles (the middle and the bands between the
 * corners) and the four quarters of a cached disc, so a frame fills pixels and copies small
 * textures instead of rasterising triangles (a triangle fan cost 85 % of a frame). */
static void fill_rounded(painter *p, view_rect rect, int radius, SDL_Color color)
{
    SDL_Renderer *r = p->renderer;
    if (radius * 2 > rect.w)
        radius = rect.w / 2;
    if (radius * 2 > rect.h)
        radius = rect.h / 2;
    texture_entry *disc = radius >= 2 ? disc_texture(p, radius, color) : NULL;
    /* An opaque colour is written, not blended: SDL's software renderer blends every pixel of
     * a fill in blend mode, even at full alpha. */
    SDL_SetRenderDrawBlendMode(r, color.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(r, color.r, color.g, color.b, color.a);
    if (!disc) {
        SDL_RenderFillRect(r, &(SDL_Rect){rect.x, rect.y, rect.w, rect.h});
        return;
    }
    int k = radius, inner_w = rect.w - 2 * k;
    SDL_Rect bands[3];
    int n = 0;
    if (rect.h > 2 * k)
        bands[n++] = (SDL_Rect){rect.x, rect.y + k, rect.w, rect.h - 2 * k};
    if (inner_w > 0) {
        bands[n++] = (SDL_Rect){rect.x + k, rect.y, inner_w, k};
        bands[n++] = (SDL_Rect){rect.x + k, rect.y + rect.h - k, inner_w, k};
    }
    if (n)
        SDL_RenderFillRects(r, bands, n);
    for (int corner = 0; corner < 4; corner++) {
        int right = corner & 1, bottom = corner >> 1;
        SDL_Rect src = {right * k, bottom * k, k, k};
        SDL_Rect dst = {right ? rect.x + rect.w - k : rect.x, bottom ? rect.y + rect.h - k : rect.y, k, k};
        SDL_RenderCopy(r, disc->texture, &src, &dst);
    }
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
    texture_entry *t = cache_find(p, TEXTURE_QR, key, cmd->rect.w, 0);
    if (!t) {
        int px = 0;
        SDL_Texture *texture = qr_texture(p->renderer, cmd->text, cmd->rect.w, &px);
        if (!texture)
            return;
        t = cache_keep(p, TEXTURE_QR, key, cmd->rect.w, 0, texture, px, px, (SDL_Rect){0, 0, px, px});
    }
    copy_ink(p, t, cmd->rect.x + (cmd->rect.w - t->w) / 2, cmd->rect.y + (cmd->rect.h - t->h) / 2);
}

/* Only the lines between top and bottom (the clip) are drawn, so scrolling a long article
 * rasterises just what comes into view. */
static void draw_text(painter *p, const view_cmd *cmd, int top, int bottom)
{
    const text_layout *layout = cmd->layout;
    for (int i = 0; i < layout->line_count; i++) {
        int y = cmd->rect.y + i * layout->line_height;
        if (y + layout->line_height <= top || y >= bottom)
            continue;
        texture_entry *t = texture_for(p, cmd, i);
        if (t)
            copy_ink(p, t, cmd->rect.x, y);
    }
}

static bool renderer_keeps_pixels(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    return r && SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
}

static void painter_attach(painter *p, SDL_Renderer *r)
{
    p->renderer = r;
    p->keeps_pixels = renderer_keeps_pixels(r);
    p->painted = NULL;
}

static bool overlaps(view_rect a, SDL_Rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/* Paints the list; when only its scroll moved since this painter painted it on a target that
 * kept those pixels, only the scrolling area is painted again: its background, then every
 * command that reaches into it, in order and cut to it. The header, footer and keys outside
 * it are the same pixels as before, and a drag frame does not fill and blend them again. */
static void draw(painter *p, const view_list *l)
{
    SDL_Renderer *r = p->renderer;
    bool part = p->keeps_pixels && p->painted == l && p->painted_serial == l->serial && l->scroll_area.w > 0 &&
                l->scroll_area.h > 0;
    /* The band of the scrolling area across the whole width: content is cut to it (clip_content). */
    SDL_Rect region = part ? (SDL_Rect){0, l->scroll_area.y, l->width, l->scroll_area.h}
                           : (SDL_Rect){0, 0, l->width, l->height};
    SDL_SetRenderDrawColor(r, l->background.r, l->background.g, l->background.b, 255);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    if (part) {
        SDL_RenderSetClipRect(r, &region);
        SDL_RenderFillRect(r, &region);
    } else {
        SDL_RenderSetClipRect(r, NULL);
        SDL_RenderClear(r);
    }
    for (int i = 0; i < l->count; i++) {
        const view_cmd *cmd = &l->cmds[i];
        SDL_Rect clip = region;
        view_rect reach = cmd->rect;
        if (cmd->kind == VIEW_TEXT && cmd->layout && reach.h < cmd->layout->line_count * cmd->layout->line_height)
            reach.h = cmd->layout->line_count * cmd->layout->line_height;
        if (part && cmd->kind != VIEW_ICON && !overlaps(reach, region))
            continue;
        if (cmd->clip.w &&
            !SDL_IntersectRect(&region, &(SDL_Rect){cmd->clip.x, cmd->clip.y, cmd->clip.w, cmd->clip.h}, &clip))
            continue;
        if (part || cmd->clip.w)
            SDL_RenderSetClipRect(r, &clip);
        else
            SDL_RenderSetClipRect(r, NULL);
        if (cmd->kind == VIEW_RECT) {
            fill_rounded(p, cmd->rect, cmd->radius, cmd->color);
            continue;
        }
        if (cmd->kind == VIEW_QR && cmd->text) {
            draw_qr(p, cmd);
            continue;
        }
        if (cmd->kind == VIEW_TEXT && cmd->layout) {
            draw_text(p, cmd, clip.y, clip.y + clip.h);
            continue;
        }
        texture_entry *t = cmd->icon ? texture_for(p, cmd, -1) : NULL;
        if (!t)
            continue;
        copy_ink(p, t, cmd->rect.x + (cmd->rect.w - t->w) / 2, cmd->rect.y + (cmd->rect.h - t->h) / 2);
    }
    SDL_RenderSetClipRect(r, NULL);
    p->painted = l;
    p->painted_serial = l->serial;
}

platform_painter *platform_painter_new(SDL_Renderer *renderer, text_fonts *fonts)
{
    painter *p = calloc(1, sizeof *p);
    if (p) {
        painter_attach(p, renderer);
        p->fonts = fonts;
    }
    return p;
}

void platform_paint(platform_painter *p, const view_list *l) { draw(p, l); }

void platform_painter_free(platform_painter *p)
{
    if (!p)
        return;
    painter_free(p);
    free(p);
}

/* What the panel shows: the picture drawn as it is, or (turned) drawn into a texture of the
 * layout's size first and copied onto the panel turned clockwise about its centre. */
typedef struct output {
    painter p;
    int rotation;
    SDL_Texture *picture;
    int picture_w, picture_h;
    Uint32 format; /* the picture's pixels, as the panel's (0: ARGB8888), so blending rounds the same */
} output;

static bool present(output *o, const view_list *l)
{
    SDL_Renderer *r = o->p.renderer;
    if (!o->rotation) {
        draw(&o->p, l);
        return true;
    }
    if (!o->picture || o->picture_w != l->width || o->picture_h != l->height) {
        if (o->picture)
            SDL_DestroyTexture(o->picture);
        o->picture = SDL_CreateTexture(r, o->format ? o->format : SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET,
                                       l->width, l->height);
        o->picture_w = l->width;
        o->picture_h = l->height;
        o->p.painted = NULL; /* a new picture: nothing on it yet */
        if (!o->picture)
            return false;
    }
    if (SDL_SetRenderTarget(r, o->picture) != 0)
        return false;
    draw(&o->p, l);
    SDL_SetRenderTarget(r, NULL);
    int pw, ph;
    SDL_GetRendererOutputSize(r, &pw, &ph);
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    /* Centred in floats: an odd difference of the sides must not cost a column of pixels. */
    SDL_FRect dst = {(pw - l->width) / 2.0f, (ph - l->height) / 2.0f, (float)l->width, (float)l->height};
    return SDL_RenderCopyExF(r, o->picture, NULL, &dst, o->rotation, NULL, SDL_FLIP_NONE) == 0;
}

static void output_free(output *o)
{
    painter_free(&o->p);
    if (o->picture)
        SDL_DestroyTexture(o->picture);
    o->picture = NULL;
}

bool platform_screenshot_panel(session *s, int rotation, const char *path, err *e)
{
    int pw, ph;
    screen_logical_size(rotation, s->width, s->height, &pw, &ph);
    /* In the byte order PNG wants: SDL_image then encodes it as it is, without a converted
     * copy of the whole picture (4 MiB at 1280x800, the bulk of the kiosk's peak memory). */
    SDL_Surface *surface = SDL_CreateRGBSurfaceWithFormat(0, pw, ph, 32, SDL_PIXELFORMAT_RGBA32);
    if (!surface)
        return err_set(e, "cannot make a %dx%d picture: %s", pw, ph, SDL_GetError());
    output o = {.p.fonts = s->fonts, .rotation = rotation, .format = surface->format->format};
    painter_attach(&o.p, SDL_CreateSoftwareRenderer(surface));
    bool ok = o.p.renderer != NULL;
    if (ok) {
        ok = present(&o, session_display(s));
        if (!ok)
            err_set(e, "cannot turn the picture by %d degrees: %s", rotation, SDL_GetError());
        SDL_RenderPresent(o.p.renderer);
        if (ok && IMG_SavePNG(surface, path) != 0)
            ok = err_set(e, "cannot write %s: %s", path, IMG_GetError());
        output_free(&o);
        SDL_DestroyRenderer(o.p.renderer);
    } else {
        err_set(e, "cannot draw offscreen: %s", SDL_GetError());
    }
    SDL_FreeSurface(surface);
    return ok;
}

bool platform_screenshot(session *s, const char *path, err *e) { return platform_screenshot_panel(s, 0, path, e); }

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

/* The window loop's state: the output, where the panel's pixels are, which finger is
 * followed (one at a time: a second finger is not a second press), and whether the display
 * sleeps. */
typedef struct loop {
    session *s;
    SDL_Window *window;
    output out;
    int panel_w, panel_h;
    SDL_FingerID finger;
    bool finger_down;
    bool quit;
    bool asleep, dpms_broken;
} loop;

/* Window coordinates (mouse) to the layout's: through the renderer's pixels (high-DPI windows
 * have more of them than points), then turned back. */
static void mouse_to_layout(const loop *k, int wx, int wy, int *x, int *y)
{
    int ww, wh;
    SDL_GetWindowSize(k->window, &ww, &wh);
    int px = ww > 0 ? wx * k->panel_w / ww : wx, py = wh > 0 ? wy * k->panel_h / wh : wy;
    screen_to_logical(k->out.rotation, k->panel_w, k->panel_h, px, py, x, y);
}

/* SDL gives fingers as fractions 0..1 of the window. */
static void finger_to_layout(const loop *k, float fx, float fy, int *x, int *y)
{
    int px = (int)(fx * k->panel_w), py = (int)(fy * k->panel_h);
    px = px < 0 ? 0 : px >= k->panel_w ? k->panel_w - 1 : px;
    py = py < 0 ? 0 : py >= k->panel_h ? k->panel_h - 1 : py;
    screen_to_logical(k->out.rotation, k->panel_w, k->panel_h, px, py, x, y);
}

static void handle_event(loop *k, const SDL_Event *ev)
{
    session *s = k->s;
    int x, y;
    switch (ev->type) {
    case SDL_QUIT:
        k->quit = true;
        break;
    /* A touch also arrives as a mouse event made up by SDL: the finger events are the ones
     * taken, so the made-up ones are skipped. */
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT && ev->button.which != SDL_TOUCH_MOUSEID) {
            mouse_to_layout(k, ev->button.x, ev->button.y, &x, &y);
            session_press(s, x, y);
        }
        break;
    case SDL_MOUSEMOTION:
        if (ev->motion.which != SDL_TOUCH_MOUSEID) {
            mouse_to_layout(k, ev->motion.x, ev->motion.y, &x, &y);
            session_move(s, x, y);
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (ev->button.button == SDL_BUTTON_LEFT && ev->button.which != SDL_TOUCH_MOUSEID) {
            mouse_to_layout(k, ev->button.x, ev->button.y, &x, &y);
            session_release(s, x, y);
        }
        break;
    case SDL_FINGERDOWN:
        if (!k->finger_down) {
            k->finger_down = true;
            k->finger = ev->tfinger.fingerId;
            finger_to_layout(k, ev->tfinger.x, ev->tfinger.y, &x, &y);
            session_press(s, x, y);
        }
        break;
    case SDL_FINGERMOTION:
        if (k->finger_down && ev->tfinger.fingerId == k->finger) {
            finger_to_layout(k, ev->tfinger.x, ev->tfinger.y, &x, &y);
            session_move(s, x, y);
        }
        break;
    case SDL_FINGERUP:
        if (k->finger_down && ev->tfinger.fingerId == k->finger) {
            k->finger_down = false;
            finger_to_layout(k, ev->tfinger.x, ev->tfinger.y, &x, &y);
            session_release(s, x, y);
        }
        break;
    case SDL_MOUSEWHEEL: {
        /* A wheel notch scrolls a tenth of the screen; a device that reports a huge count (or a
         * broken one: any Sint32) scrolls at most a hundred notches, without overflowing. */
        long long notches = ev->wheel.y < -100 ? -100 : ev->wheel.y > 100 ? 100 : ev->wheel.y;
        app_handle(&s->app, &(app_event){.type = APP_EV_SCROLL, .value = (int)(-notches * s->height / 10)});
        break;
    }
    case SDL_KEYDOWN:
        if (ev->key.keysym.sym == SDLK_ESCAPE || ev->key.keysym.sym == SDLK_BACKSPACE ||
            ev->key.keysym.sym == SDLK_AC_BACK)
            session_key(s, "back");
        else if (ev->key.keysym.sym == SDLK_HOME)
            session_key(s, "home");
        else if (ev->key.keysym.sym == SDLK_q && (ev->key.keysym.mod & KMOD_CTRL))
            k->quit = true;
        break;
    default:
        break;
    }
}

/* While the display sleeps a touch only wakes it: what was under the finger is dark, so it
 * must not be pressed. The touch's other events (moves, the lift) find no press and do
 * nothing. */
static void handle_asleep(loop *k, const SDL_Event *ev)
{
    bool wakes = ev->type == SDL_FINGERDOWN || ev->type == SDL_KEYDOWN ||
                 (ev->type == SDL_MOUSEBUTTONDOWN && ev->button.which != SDL_TOUCH_MOUSEID);
    if (ev->type == SDL_QUIT || (ev->type == SDL_KEYDOWN && ev->key.keysym.sym == SDLK_q &&
                                 (ev->key.keysym.mod & KMOD_CTRL)))
        k->quit = true;
    else if (wakes)
        app_handle(&k->s->app, &(app_event){.type = APP_EV_TOUCH});
}

/* DPMS on the connectors that show a picture, through SDL's own DRM descriptor (it holds the
 * DRM master the kernel asks for). False with the reason when it cannot. */
static bool dpms_set(SDL_Window *window, bool on, char *why, size_t size)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    SDL_SysWMinfo info;
    SDL_VERSION(&info.version);
    if (!driver || SDL_strcasecmp(driver, "KMSDRM")) {
        snprintf(why, size, "the video driver is %s, not KMSDRM", driver ? driver : "unknown");
        return false;
    }
    if (!SDL_GetWindowWMInfo(window, &info) || info.subsystem != SDL_SYSWM_KMSDRM) {
        snprintf(why, size, "SDL does not give out its DRM device: %s", SDL_GetError());
        return false;
    }
    int fd = info.info.kmsdrm.drm_fd;
    drmModeRes *res = drmModeGetResources(fd);
    if (!res) {
        snprintf(why, size, "cannot read the DRM device's connectors: %s", strerror(errno));
        return false;
    }
    int switched = 0;
    snprintf(why, size, "no connected display has a DPMS property");
    for (int i = 0; i < res->count_connectors; i++) {
        drmModeConnector *c = drmModeGetConnector(fd, res->connectors[i]);
        bool showing = c && c->connection == DRM_MODE_CONNECTED && c->encoder_id;
        drmModeFreeConnector(c);
        drmModeObjectProperties *props =
            showing ? drmModeObjectGetProperties(fd, res->connectors[i], DRM_MODE_OBJECT_CONNECTOR) : NULL;
        for (uint32_t j = 0; props && j < props->count_props; j++) {
            drmModePropertyRes *prop = drmModeGetProperty(fd, props->props[j]);
            if (prop && !strcmp(prop->name, "DPMS")) {
                int rc = drmModeConnectorSetProperty(fd, res->connectors[i], prop->prop_id,
                                                     on ? DRM_MODE_DPMS_ON : DRM_MODE_DPMS_OFF);
                if (rc == 0)
                    switched++;
                else
                    snprintf(why, size, "setting DPMS on connector %u failed: %s", res->connectors[i], strerror(-rc));
            }
            drmModeFreeProperty(prop);
        }
        drmModeFreeObjectProperties(props);
    }
    drmModeFreeResources(res);
    return switched > 0;
}

/* Switches the display off or on; where DPMS cannot, sleeping draws black (said once in the
 * log) and waking redraws, so the kiosk goes on either way. */
static void display_power(loop *k, bool on)
{
    char why[300] = "";
    if (!k->dpms_broken && dpms_set(k->window, on, why, sizeof why))
        return;
    if (!k->dpms_broken) {
        fprintf(stderr, "wegweiser: the display cannot be switched %s (%s): it is drawn black while the kiosk "
                        "sleeps\n", on ? "on" : "off", why);
        k->dpms_broken = true;
    }
    if (!on) {
        k->out.p.painted = NULL;
        SDL_SetRenderDrawColor(k->out.p.renderer, 0, 0, 0, 255);
        SDL_RenderClear(k->out.p.renderer);
        SDL_RenderPresent(k->out.p.renderer);
    }
}

static void say_sleep(const session *s, const screen_hours *hours)
{
    int minutes = screen_hours_next_change(hours, s->app.weekday, s->app.minute);
    if (minutes < 0)
        fprintf(stderr, "wegweiser: outside the screen hours: the display sleeps until a touch\n");
    else
        fprintf(stderr, "wegweiser: outside the screen hours: the display sleeps until a touch, or %d h %02d min "
                        "from now\n", minutes / 60, minutes % 60);
}

/* SDL has no way to wait for input on KMSDRM but looking every millisecond: asleep, the loop
 * naps instead, short enough that a touch wakes the display at once, and wakes in time to
 * feed the watchdog. */
#define NAP_MS 200

static Uint32 nap_ms(void)
{
    long due = notify_watchdog_due_ms();
    return due >= 0 && due < NAP_MS ? (Uint32)due : NAP_MS;
}

/* The layout follows the renderer's size (the panel turned): true when it changed. */
static bool fit(loop *k)
{
    SDL_GetRendererOutputSize(k->out.p.renderer, &k->panel_w, &k->panel_h);
    int w, h;
    screen_logical_size(k->out.rotation, k->panel_w, k->panel_h, &w, &h);
    if (w == k->s->width && h == k->s->height)
        return false;
    session_resize(k->s, w, h);
    return true;
}

/* During a USB update the loop is busy copying: draw the overlay from the progress calls. */
static void redraw_now(session *s, void *user)
{
    output *o = user;
    SDL_PumpEvents();
    present(o, session_display(s));
    SDL_RenderPresent(o->p.renderer);
    notify_watchdog();
}

/* Something was mounted or unmounted: the mount table's fd wakes poll(), no polling of
 * folders. */
static bool sticks_changed(update_watch *w)
{
    struct pollfd pfd = {update_watch_fd(w), POLLPRI | POLLERR, 0};
    return poll(&pfd, 1, 0) > 0;
}

static void check_sticks(session *s, update_watch *w, output *o)
{
    if (!sticks_changed(w))
        return;
    char dir[1024];
    err e;
    while (update_watch_next(w, dir, sizeof dir, &e))
        session_usb(s, dir, redraw_now, o);
}

/* With no density configured, a display that reports a finer one than the default gets it:
 * only ever bigger targets, since monitors' reports are often missing or wrong. */
static void adopt_display_dpi(session *s, SDL_Window *window)
{
    float diagonal;
    if (s->dpi || s->screen_inches > 0 || SDL_GetDisplayDPI(SDL_GetWindowDisplayIndex(window), &diagonal, NULL, NULL))
        return;
    if (diagonal > VIEW_DPI_DEFAULT && diagonal <= 400) {
        s->dpi = (int)ceilf(diagonal);
        fprintf(stderr, "wegweiser: the display reports %d dpi: buttons are sized for it\n", s->dpi);
    }
}

bool platform_run(session *s, bool fullscreen, int rotation, const screen_hours *hours, err *e)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return err_set(e, "cannot open the display: %s", SDL_GetError());
    Uint32 flags = SDL_WINDOW_ALLOW_HIGHDPI | (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE);
    int ww, wh;
    screen_logical_size(rotation, s->width, s->height, &ww, &wh);
    loop k = {.s = s, .out = {.p.fonts = s->fonts, .rotation = rotation}};
    k.window = SDL_CreateWindow("Wegweiser", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww, wh, flags);
    if (!k.window) {
        err_set(e, "cannot open a window: %s", SDL_GetError());
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return false;
    }
    SDL_Renderer *r = SDL_CreateRenderer(k.window, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!r)
        r = SDL_CreateRenderer(k.window, -1, SDL_RENDERER_SOFTWARE);
    if (!r) {
        err_set(e, "cannot draw in the window: %s", SDL_GetError());
        SDL_DestroyWindow(k.window);
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return false;
    }
    painter_attach(&k.out.p, r);
    if (fullscreen)
        SDL_ShowCursor(SDL_DISABLE);
    adopt_display_dpi(s, k.window);
    fit(&k); /* before the first event, so a touch already lands in the turned layout */
    Uint64 last = SDL_GetTicks64();
    unsigned long drawn_generation = 0;
    bool drawn = false, ready = false;
    update_watch *sticks = NULL;
    if (s->usb_root && s->updates.data_dir) {
        err we;
        sticks = update_watch_open(s->usb_root, s->mountinfo, &we);
        if (!sticks)
            fprintf(stderr, "wegweiser: USB sticks will not be noticed: %s\n", we.msg);
    }
    fetch_poll *net = s->net.url && s->updates.data_dir ? fetch_poll_new(&s->net) : NULL;
    if (net)
        session_fetched(s, false); /* an index found expired before this start is told again */
    audio *sound = audio_new();
    while (!k.quit) {
        SDL_Event ev;
        if (k.asleep) {
            if (SDL_PollEvent(&ev))
                do
                    handle_asleep(&k, &ev);
                while (SDL_PollEvent(&ev));
            else
                SDL_Delay(nap_ms());
        } else if (SDL_WaitEventTimeout(&ev, session_animating(s) ? 16 : 100)) {
            handle_event(&k, &ev);
            while (SDL_PollEvent(&ev))
                handle_event(&k, &ev);
        }
        Uint64 now = SDL_GetTicks64();
        session_advance(s, (unsigned long)(now - last));
        session_usb_confirmed(s, redraw_now, &k.out);
        /* Polls run in a child process: here only a look whether one is due or done. */
        fetch_poll_event fe = fetch_poll_step(net, now);
        if (fe != FETCH_POLL_NOTHING)
            session_fetched(s, fe == FETCH_POLL_INSTALLED);
        session_fetched_apply(s, time(NULL));
        platform_clock(s);
        if (sound) {
            /* What plays follows the app state; the end of a recording goes back into it. */
            audio_follow(sound, s->app.pack, s->app.reading);
            if (audio_done(sound))
                app_handle(&s->app, &(app_event){.type = APP_EV_READ_DONE});
        }
        last = now;
        bool sleep = hours && ready && screen_should_sleep(hours, &s->app);
        if (sleep != k.asleep) {
            k.asleep = sleep;
            if (sleep)
                say_sleep(s, hours);
            else
                fprintf(stderr, "wegweiser: the display is on again\n");
            display_power(&k, !sleep);
            drawn = false; /* waking draws the screen anew */
        }
        if (!k.asleep) {
            bool resized = fit(&k);
            const view_list *l = session_display(s);
            if (!drawn || resized || drawn_generation != s->app.generation) {
                if (!drawn || resized)
                    k.out.p.painted = NULL; /* the window's pixels may be gone: paint it whole */
                present(&k.out, l);
                SDL_RenderPresent(r);
                if (!ready)
                    notify_ready(); /* the first frame is on screen: start-up is over */
                ready = drawn = true;
                drawn_generation = s->app.generation;
            }
        }
        notify_watchdog(); /* awake the loop wakes at least every 100 ms, asleep every NAP_MS */
        /* A stick put in while the display sleeps wakes it like a touch: staff see the update. */
        if (sticks && k.asleep && sticks_changed(sticks))
            app_handle(&s->app, &(app_event){.type = APP_EV_TOUCH});
        else if (sticks && drawn)
            check_sticks(s, sticks, &k.out);
    }
    if (k.asleep)
        display_power(&k, true); /* whatever comes after the kiosk finds the display on */
    audio_free(sound);
    fetch_poll_free(net);
    update_watch_close(sticks);
    output_free(&k.out);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(k.window);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    return true;
}
