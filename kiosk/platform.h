/* platform: the only code that opens windows, reads input, plays sound and draws. It turns
 * SDL events into session presses and drags, draws display lists with an SDL renderer
 * (textures of laid-out text are cached with a bound), plays the recording the app state asks
 * for (audio), and saves screenshots without any display. */
#ifndef WW_PLATFORM_H
#define WW_PLATFORM_H

#include "session.h"

/* Renders the session's current screen into a PNG file, headless. */
bool platform_screenshot(session *s, const char *path, err *e);

/* Gives the session the local wall clock (for "open now"). */
void platform_clock(session *s);

/* Opens a window (or the full screen) and runs the kiosk until it is closed. */
bool platform_run(session *s, bool fullscreen, err *e);

#endif
