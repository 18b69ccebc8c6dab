/* check: everything `wegweiser-pack check` tells staff before a pack ships. Builds on the
 * pack module's source reading (errors, translation state) and adds what needs the text
 * engine and the screens: characters no bundled font covers, titles too long for a tile on
 * the smallest screen, words wider than a line on the narrowest screen, icons the icon font
 * does not have. */
#ifndef WW_CHECK_H
#define WW_CHECK_H

#include <stdio.h>

#include "pack.h"
#include "text.h"

/* Checks content sources; true when nothing stops a build (warnings may remain). */
bool check_sources(const char *src_dir, text_fonts *fonts, pack_report *report);

/* Prints every problem, a summary line and the per-language table. */
void check_print(const pack_report *report, FILE *out);

#endif
