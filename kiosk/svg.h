/* svg: bar charts as plain SVG text, for the office's usage report (stats.h). Plain SVG written
 * here rather than a charting library: the report must open offline in any browser and print,
 * with no script and nothing to load, and a bar chart is a few rectangles; a library (Cairo,
 * gnuplot) would add a dependency to the staff tool for that and still need the same scaling
 * and escaping this module has, tested in tests/test_stats.c. */
#ifndef WW_SVG_H
#define WW_SVG_H

#include <stdbool.h>
#include <stdio.h>

typedef struct svg_bar {
    const char *label; /* UTF-8; escaped when written */
    long long value;
    long long second; /* drawn inside the bar in the alarm colour (e.g. searches that found nothing); 0: none */
} svg_bar;

/* Writes one chart: vertical bars side by side (days, hours) or horizontal bars one under the
 * other (languages, pages), each as long as its value against the largest, with its number.
 * `width` in CSS pixels; the height follows from the bars. */
void svg_bars(FILE *out, const char *title, const svg_bar *bars, int count, bool horizontal, int width);

/* Writes `s` with &, <, >, " and ' escaped, for HTML text and attributes alike. */
void svg_escape(FILE *out, const char *s);

#endif
