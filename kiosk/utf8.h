/* utf8: decoding and encoding UTF-8, one code point at a time. Content comes from staff
 * files and USB sticks: invalid bytes decode to U+FFFD instead of failing. */
#ifndef WW_UTF8_H
#define WW_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at *s and advances *s past it; invalid bytes give U+FFFD. */
uint32_t utf8_next(const char **s);
/* Encodes `c` into out (room for 4 bytes); returns the byte count. */
int utf8_put(uint32_t c, char *out);
/* `in` as a message may show it to a person: on one line, with every character that cannot
 * be seen (controls, direction controls, separators, zero-width and byte order marks) and
 * every byte that is not UTF-8 written out as <U+202E> or <0xC3>, line breaks as \n, and
 * after `max_chars` characters cut at a character's end with "…". `out` always ends in NUL. */
void utf8_shown(const char *in, int max_chars, char *out, size_t size);

#endif
