/* Bar charts as SVG (svg.h). */
#include "svg.h"

#include <string.h>

#define BAR_COLOUR "#0b4f6c"
#define SECOND_COLOUR "#a81c1c"
#define INK "#1b1b1b"

void svg_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

static long long largest(const svg_bar *bars, int count)
{
    long long max = 0;
    for (int i = 0; i < count; i++)
        max = bars[i].value > max ? bars[i].value : max;
    return max;
}

/* Bars one under the other: the label at the left (in its own direction: labels may be
 * Arabic), the bar, its number. */
static void horizontal_bars(FILE *out, const svg_bar *bars, int count, int width, long long max)
{
    int row = 26, label_w = width * 2 / 5, bar_room = width - label_w - 70;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", width,
            count * row + 4);
    for (int i = 0; i < count; i++) {
        int y = i * row + 2;
        long long w = max > 0 ? bars[i].value * bar_room / max : 0;
        long long w2 = max > 0 ? bars[i].second * bar_room / max : 0;
        fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\" fill=\"" INK "\">", label_w - 8,
                y + 17);
        svg_escape(out, bars[i].label);
        fprintf(out, "</text>\n<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%lld\" height=\"%d\" fill=\"" BAR_COLOUR
                     "\"/>\n",
                label_w, y + 3, w, row - 8);
        if (bars[i].second > 0)
            fprintf(out, "<rect class=\"second\" x=\"%d\" y=\"%d\" width=\"%lld\" height=\"%d\" fill=\"" SECOND_COLOUR
                         "\"/>\n",
                    label_w, y + 3, w2 > 0 ? w2 : 1, row - 8);
        fprintf(out, "<text x=\"%lld\" y=\"%d\" font-size=\"13\" fill=\"" INK "\">%lld", label_w + w + 6, y + 17,
                bars[i].value);
        if (bars[i].second > 0)
            fprintf(out, " (%lld)", bars[i].second);
        fputs("</text>\n", out);
    }
    fputs("</svg>\n", out);
}

/* Bars side by side with labels under them: every label while they fit, else every n-th. */
static void vertical_bars(FILE *out, const svg_bar *bars, int count, int width, long long max)
{
    int height = 180, base = height - 24, top = 18;
    double slot = count > 0 ? (double)(width - 10) / count : 0;
    int every = slot >= 28 ? 1 : (int)(28 / (slot > 0 ? slot : 1)) + 1;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n", width,
            height);
    fprintf(out, "<line x1=\"5\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c9c3b6\"/>\n", base, width - 5, base);
    for (int i = 0; i < count; i++) {
        double x = 5 + i * slot;
        long long h = max > 0 ? bars[i].value * (base - top) / max : 0;
        long long h2 = max > 0 ? bars[i].second * (base - top) / max : 0;
        fprintf(out, "<rect class=\"bar\" x=\"%.1f\" y=\"%lld\" width=\"%.1f\" height=\"%lld\" fill=\"" BAR_COLOUR
                     "\"><title>",
                x + slot * 0.1, base - h, slot * 0.8, h);
        svg_escape(out, bars[i].label);
        fprintf(out, ": %lld</title></rect>\n", bars[i].value);
        if (bars[i].second > 0)
            fprintf(out, "<rect class=\"second\" x=\"%.1f\" y=\"%lld\" width=\"%.1f\" height=\"%lld\" fill=\"" SECOND_COLOUR
                         "\"/>\n",
                    x + slot * 0.1, base - (h2 > 0 ? h2 : 1), slot * 0.8, h2 > 0 ? h2 : 1);
        if (bars[i].value == max && max > 0)
            fprintf(out, "<text x=\"%.1f\" y=\"%lld\" text-anchor=\"middle\" font-size=\"11\" fill=\"" INK "\">%lld</text>\n",
                    x + slot / 2, base - h - 4, bars[i].value);
        if (i % every == 0) {
            fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" fill=\"" INK "\">",
                    x + slot / 2, height - 8);
            svg_escape(out, bars[i].label);
            fputs("</text>\n", out);
        }
    }
    fputs("</svg>\n", out);
}

void svg_bars(FILE *out, const char *title, const svg_bar *bars, int count, bool horizontal, int width)
{
    long long max = largest(bars, count);
    fputs("<figure><figcaption>", out);
    svg_escape(out, title);
    fputs("</figcaption>\n", out);
    if (count == 0)
        fputs("<p class=\"none\">—</p>\n", out);
    else if (horizontal)
        horizontal_bars(out, bars, count, width, max);
    else
        vertical_bars(out, bars, count, width, max);
    fputs("</figure>\n", out);
}
