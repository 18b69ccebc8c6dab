/* handout: printed page codes for a caseworker's desk and the lobby wall (`wegweiser-pack
 * handout`). An A4 PDF in one language: index sheets with every page code of the pack, then a
 * sheet per chosen page with its code in the language's digits and in Western digits, its
 * title in the language and in the pack's source language, its icon, and for an office the
 * address, phones, hours and the same QR code the kiosk shows. Drawn by Cairo, the text laid
 * out by Pango on the kiosk's own fonts from assets/ (never the machine's), numbers isolated
 * left to right as the kiosk's text engine does. Only the staff tool links this module. */
#ifndef WW_HANDOUT_H
#define WW_HANDOUT_H

#include <stdbool.h>

#include "err.h"
#include "pack.h"

typedef struct handout_opts {
    const char *lang;         /* a language of the pack: the visitor's */
    const char *const *pages; /* codes that get a sheet of their own, in this order */
    int page_count;
    bool all;                 /* a sheet for every page, in the index's order (pages ignored) */
    const char *assets_dir;   /* fonts/ and icons/codepoints, as the kiosk's (paths_assets) */
    const char *locale_dir;   /* the kiosk's catalogs, for the few words printed (paths_locale) */
} handout_opts;

/* Writes the handout to out_path: the index sheets first, then the page sheets. Returns the
 * number of A4 pages written, or -1 with a message (unknown language or page, fonts missing,
 * file not writable); nothing is left at out_path then. */
int handout_write(pack *p, const handout_opts *opts, const char *out_path, err *e);

#endif
