/* Page-body markup (content/README.md) through the text engine: each input line is read for
 * display (view_inline) and laid out with the bundled fonts, as the kiosk does for a paragraph.
 * The first byte picks the direction, size and width, so all of them get tried. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "test.h"
#include "view.h"

FUZZ_TARGET(markup)
{
    if (size < 1)
        return;
    /* No wrapping, words wider than a line, a phone in portrait, a landscape screen. */
    static const int widths[] = {0, 40, 240, 760};
    text_style style = {.size_px = 12 + (data[0] & 3) * 10, .bold = data[0] & 4, .dir = (data[0] >> 3) % 3,
                        .align = (data[0] >> 5) & 1, .leading = 4};
    int width = widths[data[0] >> 6];
    char *text = fuzz_string(data + 1, size - 1);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char words[4096];
        text_mark marks[VIEW_INLINE_MAX];
        view_link links[VIEW_INLINE_MAX];
        int link_count = 0;
        int mark_count = view_inline(line, words, sizeof words, marks, links, &link_count);
        view_plain_text(line, words + 2048, 2048);
        err e;
        text_layout *l = text_layout_new(test_fonts(), words, marks, mark_count, &style, width, &e);
        if (!l)
            continue;
        char visual[4096];
        for (int i = 0; i < l->line_count; i++)
            text_line_visual(l, i, visual, sizeof visual);
        text_box boxes[8];
        for (int k = 1; k <= link_count; k++)
            text_link_boxes(l, k, boxes, 8);
        text_link_at(l, l->width / 2, l->height / 2);
        text_layout_free(l);
    }
    free(text);
}
