#include "utf8.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

uint32_t utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) {
        *s += 1;
        return 0xFFFD;
    }
    if (extra)
        c &= 0x3F >> extra;
    for (int k = 1; k <= extra; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *s += k;
            return 0xFFFD;
        }
        c = (c << 6) | (p[k] & 0x3F);
    }
    *s += extra + 1;
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0xFFFD;
    return c;
}

int utf8_put(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* Characters a message writes out instead of showing: nobody could see or copy them. */
static bool unseen(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x061C || c == 0x180E || c == 0x200B || c == 0x200E ||
           c == 0x200F || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF ||
           (c >= 0xFFF9 && c <= 0xFFFB);
}

void utf8_shown(const char *in, int max_chars, char *out, size_t size)
{
    static const char more[] = "…";
    size_t k = 0;
    if (!size)
        return;
    int chars = 0;
    for (const char *p = in; *p; chars++) {
        const char *at = p;
        uint32_t c = utf8_next(&p);
        char piece[16];
        int n;
        if (c == 0xFFFD && memcmp(at, "\xEF\xBF\xBD", 3)) {
            n = snprintf(piece, sizeof piece, "<0x%02X>", (unsigned char)*at);
            p = at + 1;
        } else if (c == '\n') {
            n = snprintf(piece, sizeof piece, "\\n");
        } else if (unseen(c)) {
            n = snprintf(piece, sizeof piece, "<U+%04X>", (unsigned)c);
        } else {
            n = (int)(p - at);
            memcpy(piece, at, (size_t)n);
        }
        /* Room for this piece and, should more follow, for the mark that says so. */
        if (chars == max_chars || k + (size_t)n + sizeof more > size) {
            if (k + sizeof more <= size) {
                memcpy(out + k, more, sizeof more - 1);
                k += sizeof more - 1;
            }
            break;
        }
        memcpy(out + k, piece, (size_t)n);
        k += (size_t)n;
    }
    out[k] = 0;
}
