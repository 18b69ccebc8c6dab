/* Internals shared by the view module's files; not for other modules. */
#ifndef WW_VIEW_PRIVATE_H
#define WW_VIEW_PRIVATE_H

#include <stdint.h>

#include "pack.h"

/* Keyboard rows for a language (keys separated by spaces), or NULL for the Ethiopic picker. */
const char *const *view_keyboard_rows(const pack_language *lang);
/* The Ethiopic consonants the picker offers first. */
int view_fidel_consonants(const uint32_t **out);
/* The vowel forms of one consonant (up to 8). */
int view_fidel_forms(uint32_t base, uint32_t *out);

#endif
