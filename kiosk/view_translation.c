/* What a visitor and staff see of the translation state (docs/translating.md): a small mark
 * over a page whose text in the visitor's language is a machine draft (as Integreat marks
 * them), and one line per language on the about page. Apart from view.c's screens, which call
 * these two, so each changes without touching the other. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "view_private.h"

int view_draft_mark(ctx *c, const pack_text *t, int y)
{
    if (strcmp(t->review, "machine"))
        return 0;
    int icon = c->small_px * 13 / 10, x = c->content.x;
    view_add_icon(c, x, y, icon, "translate", MUTED);
    int tx = x + icon + c->gap / 2;
    int h = view_add_text(c, tx, y, c->content.w - (tx - x), 0, _("Machine translation, not yet checked by a person"),
                          view_ui_text(c, c->small_px, false, MUTED));
    return at_least(h, icon) + c->gap / 2;
}

int view_about_translations(ctx *c, int y)
{
    pack *p = c->a->pack;
    const char *source = pack_get_meta(p)->source_language;
    int h = 0;
    for (int i = 0; i < pack_language_count(p); i++) {
        const pack_language *l = pack_language_at(p, i);
        if (!strcmp(l->code, source))
            continue;
        int pages = 0, machine = 0;
        pack_language_stats(p, l->code, &pages, &machine);
        char counts[160], shown[320], line[PACK_NATIVE_NAME_BYTES_MAX + 340];
        snprintf(counts, sizeof counts, _("%d pages, %d machine-translated"), pages, machine);
        view_digits(c, counts, shown, sizeof shown);
        /* The name isolated: an Arabic name in a German line keeps its place, and the reverse. */
        snprintf(line, sizeof line, "\u2068%s\u2069: %s", l->native_name, shown);
        if (!h)
            h += view_add_text(c, c->content.x, y, c->content.w, 0, _("Translations"),
                               view_ui_text(c, c->small_px, true, MUTED));
        h += view_add_text(c, c->content.x, y + h, c->content.w, 0, line, view_content_text(c, c->body_px, false, INK));
    }
    return h ? h + c->gap : 0;
}
