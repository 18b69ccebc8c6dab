/* Search: the normalization that makes a visitor's spelling find the page, and the query. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"
#include "utf8.h"

static uint32_t fold(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    switch (c) {
    case 0x00C4: case 0x00E4: return 'a';           /* Ä ä */
    case 0x00D6: case 0x00F6: return 'o';           /* Ö ö */
    case 0x00DC: case 0x00FC: return 'u';           /* Ü ü */
    case 0x0622: case 0x0623: case 0x0625: case 0x0671: return 0x0627; /* آ أ إ ٱ → ا */
    case 0x0649: case 0x064A: case 0x0626: return 0x06CC;  /* ى ي ئ → ی */
    case 0x0643: return 0x06A9;                     /* ك → ک */
    case 0x0629: return 0x0647;                     /* ة → ه */
    case 0x0624: return 0x0648;                     /* ؤ → و */
    default: break;
    }
    if (c >= 0x0660 && c <= 0x0669)
        return '0' + (c - 0x0660);
    if (c >= 0x06F0 && c <= 0x06F9)
        return '0' + (c - 0x06F0);
    return c;
}

static bool dropped(uint32_t c)
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) || c == 0x0640 ||
           c == 0x200C || c == 0x200D || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

void pack_normalize(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 8 < size;) {
        uint32_t c = utf8_next(&p);
        if (dropped(c))
            continue;
        if (c == 0x00DF || c == 0x1E9E) { /* ß ẞ */
            out[k++] = 's';
            out[k++] = 's';
            continue;
        }
        c = fold(c);
        /* German spelled without umlauts: ae, oe, ue mean ä, ö, ü. */
        if (c == 'e' && k > 0 && (out[k - 1] == 'a' || out[k - 1] == 'o' || out[k - 1] == 'u'))
            continue;
        k += (size_t)utf8_put(c, out + k);
    }
    out[k] = 0;
}

/* The words of a body without link targets and markup signs, for the index. */
void pack_index_words(const char *body, char *out, size_t size)
{
    size_t k = 0;
    for (const char *p = body; *p && k + 1 < size; p++) {
        if (p[0] == ']' && p[1] == '(') {
            const char *close = strchr(p, ')');
            if (close) {
                p = close;
                out[k++] = ' ';
                continue;
            }
        }
        out[k++] = (*p == '[' || *p == '*' || *p == '#') ? ' ' : *p;
    }
    out[k] = 0;
}

int pack_search(pack *p, const char *lang, const char *query, char codes[][PACK_CODE_MAX], int max)
{
    char norm[512], match[1200];
    pack_normalize(query, norm, sizeof norm);
    /* Every word as a quoted prefix: what is typed so far finds the words it begins. */
    size_t k = 0;
    for (char *tok = strtok(norm, " \t,.;:!?()\"'-"); tok && k + strlen(tok) + 8 < sizeof match;
         tok = strtok(NULL, " \t,.;:!?()\"'-"))
        k += (size_t)snprintf(match + k, sizeof match - k, "%s\"%s\"*", k ? " " : "", tok);
    if (k == 0)
        return 0;
    sqlite3_stmt *st;
    const char *sql = "SELECT page FROM search WHERE search MATCH ?1 AND lang = ?2 "
                      "ORDER BY bm25(search, 0, 0, 10.0, 1.0), page LIMIT ?3";
    if (sqlite3_prepare_v2(pack_db(p), sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, max);
    int n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW)
        snprintf(codes[n++], PACK_CODE_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return n;
}
