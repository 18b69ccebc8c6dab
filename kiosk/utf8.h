/* utf8: decoding and encoding UTF-8, one code point at a time. Content comes from staff
 * files and USB sticks: invalid bytes decode to U+FFFD instead of failing. */
#ifndef WW_UTF8_H
#define WW_UTF8_H

#include <stdint.h>

/* Decodes one code point at *s and advances *s past it; invalid bytes give U+FFFD. */
uint32_t utf8_next(const char **s);
/* Encodes `c` into out (room for 4 bytes); returns the byte count. */
int utf8_put(uint32_t c, char *out);

#endif
