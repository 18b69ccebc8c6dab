/* platform: the only code that opens windows, reads input, plays sound and draws. It turns
 * SDL events into session presses and drags, draws display lists with an SDL renderer
 * (textures of laid-out text are cached with a bound), plays the recording the app state asks
 * for (audio), turns the picture and the touches for a panel mounted sideways, puts the
 * display to sleep outside the screen hours, and saves screenshots without any display. */
#ifndef WW_PLATFORM_H
#define WW_PLATFORM_H

#include "screen.h"
#include "session.h"

/* Draws display lists with one SDL renderer and keeps what it rasterised (text lines, icons,
 * QR codes, rounded corners) as textures between frames, in a bounded cache: the window loop
 * keeps one for its life, and `make bench-frames` times it. The renderer outlives it. */
typedef struct platform_painter platform_painter;
platform_painter *platform_painter_new(SDL_Renderer *renderer, text_fonts *fonts);
/* Draws the list on the renderer's target (no present): all of it, or on the software renderer,
 * when the painter painted this list before and only its scroll moved since, just the
 * scrolling area (the rest of the target still holds those pixels). */
void platform_paint(platform_painter *p, const view_list *l);
void platform_painter_free(platform_painter *p);
/* The bytes of pixels its cached textures hold (bounded). */
size_t platform_painter_bytes(const platform_painter *p);

/* Renders the session's current screen into a PNG file, headless: the picture as a person
 * sees it, at the session's size. */
bool platform_screenshot(session *s, const char *path, err *e);

/* The same as the panel receives it: turned clockwise by `rotation` degrees (0, 90, 180, 270)
 * onto a panel the session's size turned. */
bool platform_screenshot_panel(session *s, int rotation, const char *path, err *e);

/* Gives the session the local wall clock (for "open now"). */
void platform_clock(session *s);

/* Opens a window (or the full screen) and runs the kiosk until it is closed. The session
 * works in the layout's size: the panel's turned by `rotation` degrees clockwise (0, 90, 180,
 * 270), touches are turned back. With `hours` (NULL: always on) the display sleeps outside
 * them once the visit is over (screen_should_sleep): DPMS off on KMSDRM, else drawn black; a
 * touch or opening time wakes it. */
bool platform_run(session *s, bool fullscreen, int rotation, const screen_hours *hours, err *e);

#endif
