/* What an update changes: pages added, changed and removed per language, between two packs. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "pack.h"
#include "pack_private.h"

/* A text's identity for comparison: title, summary and body. */
static bool text_of(pack *p, const char *page, const char *lang, pack_text *t)
{
    return pack_text_get(p, page, lang, t, NULL);
}

static bool same_text(const pack_text *a, const pack_text *b)
{
    return !strcmp(a->title, b->title) && !strcmp(a->summary, b->summary) && !strcmp(a->body, b->body);
}

static bool same_place(const pack_page *a, const pack_page *b)
{
    return !strcmp(a->parent, b->parent) && a->order == b->order && !strcmp(a->icon, b->icon) &&
           !strcmp(a->kind, b->kind) && !strcmp(a->office, b->office);
}

static void line(FILE *out, char sign, const pack_page *pg, const char *title, const char *what)
{
    fprintf(out, "  %c %-6s %s%s%s\n", sign, pg->code, title, what ? "  " : "", what ? what : "");
}

static int diff_language(pack *old, pack *new, const pack_language *lang, FILE *out)
{
    int changes = 0;
    bool header = false;
#define HEADER()                                                                                   \
    do {                                                                                           \
        if (!header)                                                                               \
            fprintf(out, "%s (%s):\n", lang->code, lang->native_name);                            \
        header = true;                                                                             \
    } while (0)
    for (int i = 0; i < pack_page_count(new); i++) {
        const pack_page *np = pack_page_at(new, i), *op = pack_page_find(old, np->code);
        pack_text nt, ot;
        bool has_new = text_of(new, np->code, lang->code, &nt);
        bool has_old = op && text_of(old, np->code, lang->code, &ot);
        if (has_new && !has_old) {
            HEADER();
            line(out, '+', np, nt.title, op ? "(newly translated)" : NULL);
            changes++;
        } else if (has_new && has_old && (!same_text(&nt, &ot) || !same_place(np, op))) {
            HEADER();
            line(out, '~', np, nt.title, !same_text(&nt, &ot) ? NULL : "(moved or new icon)");
            changes++;
        } else if (!has_new && has_old) {
            HEADER();
            line(out, '-', np, ot.title, "(translation removed)");
            changes++;
        }
        if (has_new)
            pack_text_free(&nt);
        if (has_old)
            pack_text_free(&ot);
    }
    for (int i = 0; i < pack_page_count(old); i++) {
        const pack_page *op = pack_page_at(old, i);
        pack_text ot;
        if (pack_page_find(new, op->code) || !text_of(old, op->code, lang->code, &ot))
            continue;
        HEADER();
        line(out, '-', op, ot.title, NULL);
        pack_text_free(&ot);
        changes++;
    }
#undef HEADER
    return changes;
}

int pack_diff(pack *old, pack *new, FILE *out)
{
    const pack_meta *om = pack_get_meta(old), *nm = pack_get_meta(new);
    fprintf(out, "%s %s → %s %s\n", om->region, om->version, nm->region, nm->version);
    if (strcmp(om->region, nm->region))
        fprintf(out, "warning: the packs are for different regions\n");
    int changes = 0;
    for (int l = 0; l < pack_language_count(new); l++)
        changes += diff_language(old, new, pack_language_at(new, l), out);
    for (int l = 0; l < pack_language_count(old); l++) {
        const pack_language *lang = pack_language_at(old, l);
        if (!pack_language_find(new, lang->code)) {
            fprintf(out, "%s (%s): language removed\n", lang->code, lang->native_name);
            changes++;
        }
    }
    /* Offices: their details change without any page text changing. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(pack_db(new), "SELECT id FROM offices ORDER BY id", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            pack_office a, b;
            bool had = pack_office_get(old, id, &a);
            pack_office_get(new, id, &b);
            if (!had || memcmp(&a, &b, sizeof a)) {
                fprintf(out, "office %s: %s\n", id, had ? "details or hours changed" : "new");
                changes++;
            }
        }
        sqlite3_finalize(st);
    }
    fprintf(out, "%d change%s\n", changes, changes == 1 ? "" : "s");
    return changes;
}
