/* pack_limits: the most a content pack may hold, in one place (content/SCHEMA.md, "Limits").
 * `wegweiser-pack check` refuses sources over a limit with their file and line; the kiosk
 * refuses a pack over one (built by something else than wegweiser-pack) instead of cutting a
 * field, and the buffers that hold a field are sized from its limit. Sizes are in bytes of
 * UTF-8: a Latin letter takes 1, an Arabic or Cyrillic letter 2, an Ethiopic syllable 3. */
#ifndef WW_PACK_LIMITS_H
#define WW_PACK_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The whole pack file: what a kiosk copies from a stick (update's default, --max-pack-mb). */
#define PACK_BYTES_MAX (512LL << 20)
/* Pages of a region, languages of a pack. The page index and search are sized for this many. */
#define PACK_PAGES_MAX 32768
#define PACK_LANGUAGES_MAX 32
/* Pages one screen lists: tiles on the home screen, rows under one topic. */
#define PACK_TOP_LEVEL_MAX 64
#define PACK_CHILDREN_MAX 1024

/* A page's text in one language: all of its body, one paragraph, one word (a run of
 * characters without a space, as shown: link targets do not count), one link's target, and
 * the links and bold spans of one paragraph the kiosk can mark. */
#define PACK_TEXT_BYTES_MAX (128 * 1024)
#define PACK_PARAGRAPH_BYTES_MAX (16 * 1024)
#define PACK_WORD_BYTES_MAX 256
#define PACK_LINK_BYTES_MAX 1024
#define PACK_PARAGRAPH_LINKS_MAX 64
#define PACK_TITLE_BYTES_MAX 255 /* title and tile-title */
#define PACK_SUMMARY_BYTES_MAX 511

/* Fields of region.txt (pack_meta). */
#define PACK_REGION_BYTES_MAX 63
#define PACK_REGION_NAME_BYTES_MAX 127 /* name and publisher */
#define PACK_VERSION_BYTES_MAX 63
#define PACK_SOURCE_BYTES_MAX 511
#define PACK_FIRMWARE_BYTES_MAX 31
/* A language: its code (BCP 47 such as de, prs, zh-CN) and its name in itself. */
#define PACK_LANG_CODE_BYTES_MAX 15
#define PACK_NATIVE_NAME_BYTES_MAX 95
/* A page: its code (digits, no leading zero), icon name, office id. */
#define PACK_CODE_DIGITS_MAX 6
#define PACK_ICON_BYTES_MAX 47
#define PACK_OFFICE_ID_BYTES_MAX 31
/* An office. */
#define PACK_OFFICE_NAME_BYTES_MAX 159
#define PACK_ADDRESS_BYTES_MAX 199
#define PACK_PHONE_BYTES_MAX 39
#define PACK_EMAIL_BYTES_MAX 119
#define PACK_WEB_BYTES_MAX 199
#define PACK_PHONES_MAX 4
#define PACK_SLOTS_MAX 4 /* opening-hour ranges a day */
#define PACK_HOLIDAYS_MAX 16
/* An asset (a recording): its file's name and its bytes. */
#define PACK_ASSET_NAME_BYTES_MAX 127
#define PACK_ASSET_BYTES_MAX (16 << 20)

/* synonyms.txt: a word or one of the words it is also found by, and how many pairs of them. */
#define PACK_SYNONYM_BYTES_MAX 127
#define PACK_SYNONYMS_MAX 4096

/* A body over a limit: which line of it (1 = its first) and what is wrong, one sentence. */
typedef struct pack_body_problem {
    int line;
    char what[200];
} pack_body_problem;

/* Checks a body (content/README.md markup) against the text, paragraph, word, link and
 * links-per-paragraph limits, with paragraphs as the kiosk lays them out. True when it is
 * within all of them; else fills *problem with the first one. */
bool pack_limits_body(const char *body, pack_body_problem *problem);

/* Characters that would change what a person reads without being seen: in a one-line field
 * (title, name, code, phone…) control characters, direction controls (U+200E, U+200F,
 * U+061C, U+202A–U+202E, U+2066–U+2069), line and paragraph separators and U+FEFF; in a body
 * the same but for tabs and line ends, and with marks and isolates allowed (translators use
 * them, and they reorder nothing but neutral signs). Returns the first such character, 0 when
 * there is none; *line (may be NULL) gets its line, 1 first. */
uint32_t pack_limits_hidden_char(const char *text, bool body, int *line);
/* "U+202E RIGHT-TO-LEFT OVERRIDE", for messages. */
void pack_limits_char_name(uint32_t c, char *out, size_t size);

/* The pages caught in cycles of parents (300 → 310 → 300), which no visitor can reach.
 * parent[i] is the index of page i's parent, or -1 for a top-level page and a parent that
 * is not there. `found` is called once per cycle with its pages in parent order, starting
 * at the one of the lowest index; returns the number of cycles, -1 when out of memory. */
int pack_limits_cycles(const int *parent, int n, void (*found)(void *user, const int *members, int count), void *user);

#endif
