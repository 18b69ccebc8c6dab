/* i18n: the kiosk's own words (buttons, notices) in the visitor's language through gettext,
 * switched at run time without a restart, and numbers written in the language's digits.
 * Content comes from the pack, never from here. */
#ifndef WW_I18N_H
#define WW_I18N_H

#include <libintl.h>
#include <stddef.h>

#include "err.h"

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the "wegweiser" text domain to `localedir` (…/locale/<lang>/LC_MESSAGES). */
bool i18n_init(const char *localedir, err *e);

/* Makes gettext answer in `lang` (a pack language code such as "prs"); a language without a
 * catalog falls back to the English msgids. Call on the UI thread only. */
void i18n_set_language(const char *lang);

/* Copies `ascii` with 0–9 replaced by the digits a pack names: "latn" keeps them, "arab"
 * gives ٠–٩, "arabext" gives ۰–۹ (Dari, Persian). */
void i18n_digits(const char *ascii, const char *digits, char *out, size_t size);

#endif
