/* screen_walk: takes a kiosk session through every kind of screen it has (language, home, topic
 * list, articles with chips, office card, help, keypad, search with each script's keyboard and
 * the Ethiopic vowel forms, "still there?", the staff overlay), with large text and German
 * beside off and on, so the tests that hold for every screen share one list of them. */
#ifndef WW_SCREEN_WALK_H
#define WW_SCREEN_WALK_H

#include "session.h"

/* Called on each screen; `what` names it for a failure message. */
typedef void (*walk_fn)(session *s, const char *what, void *user);

/* From a fresh session on the language screen, in `lang`; leaves it on the staff overlay. */
void walk_screens(session *s, const char *lang, walk_fn look, void *user);

#endif
