/* paths: where the fonts, translations and bundled demo pack are. A build runs from the
 * source tree (build/ beside assets/), an installed kiosk from PREFIX/share; both are found
 * from the program's own location, so no one has to set a variable. */
#ifndef WW_PATHS_H
#define WW_PATHS_H

#include <stddef.h>

/* Each writes a path into out (size bytes); the first that exists wins, else the install path. */
void paths_assets(char *out, size_t size);
void paths_locale(char *out, size_t size);
void paths_demo_pack(char *out, size_t size);

#endif
