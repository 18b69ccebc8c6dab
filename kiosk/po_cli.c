/* The staff tool's translation verbs (po.h): po-export, po-import, recording-script, and the
 * per-language statistics that `check` and `po-export --stats` print. */
#include <SDL_ttf.h> /* before pack_source.h, whose type `src` SDL's parameters would shadow */

#include "paths.h"
#include "po_private.h"
#include "view.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void count(const po_set *set, po_stats *st)
{
    memset(st, 0, sizeof *st);
    snprintf(st->code, sizeof st->code, "%s", set->lang->code);
    for (int i = 0; i < set->page_count; i++)
        for (int k = 0; k < set->pages[i].unit_count; k++) {
            const po_unit *u = &set->pages[i].units[k];
            st->units++;
            switch (u->state) {
            case PO_REVIEWED:
                st->reviewed++;
                st->translated++;
                continue;
            case PO_MACHINE:
                st->machine++;
                st->translated++;
                break;
            case PO_OUTDATED:
                st->outdated++;
                break;
            case PO_MISSING:
                st->missing++;
                break;
            }
            st->words_to_do += po_words(u->german);
        }
}

int po_stats_all(const char *src_dir, po_stats *out, int max, err *e)
{
    po_set first;
    if (!po_set_read(&first, src_dir, NULL, e)) {
        po_set_free(&first);
        return -1;
    }
    int n = 0;
    for (int l = 0; l < first.s.language_count && n < max; l++) {
        const char *code = first.s.languages[l].code;
        if (!strcmp(code, first.s.meta.source_language))
            continue;
        po_set set;
        bool ok = po_set_read(&set, src_dir, code, e);
        if (ok)
            count(&set, &out[n++]);
        po_set_free(&set);
        if (!ok) {
            n = -1;
            break;
        }
    }
    po_set_free(&first);
    return n;
}

void po_stats_print(const po_stats *stats, int count_, FILE *out)
{
    fprintf(out, "\nTranslation units (titles, summaries, headings, list items, paragraphs):\n");
    fprintf(out, "%-8s %6s %11s %9s %16s %9s %8s %12s\n", "language", "units", "translated", "reviewed",
            "machine-drafted", "outdated", "missing", "words to do");
    for (int i = 0; i < count_; i++) {
        const po_stats *s = &stats[i];
        fprintf(out, "%-8s %6d %11d %9d %16d %9d %8d %12ld\n", s->code, s->units, s->translated, s->reviewed,
                s->machine, s->outdated, s->missing, s->words_to_do);
    }
}

/* ---- recording scripts ---- */

static void spoken(FILE *out, const char *markup)
{
    size_t cap = strlen(markup) + 1;
    char *plain = malloc(cap * 2 + 16);
    if (!plain)
        return;
    view_plain_text(markup, plain, cap * 2 + 16);
    /* The isolates the kiosk puts around phone numbers are not read. */
    for (char *p = plain; *p;) {
        if (!strncmp(p, "\xE2\x81\xA6", 3) || !strncmp(p, "\xE2\x81\xA9", 3)) {
            memmove(p, p + 3, strlen(p + 3) + 1);
            continue;
        }
        p++;
    }
    fprintf(out, "%s\n", plain);
    free(plain);
}

bool po_recording_script(const char *src_dir, const char *lang, FILE *out, err *e)
{
    po_set set;
    bool ok = po_set_read(&set, src_dir, NULL, e);
    const pack_language *l = NULL;
    for (int i = 0; ok && i < set.s.language_count; i++)
        if (!strcmp(set.s.languages[i].code, lang))
            l = &set.s.languages[i];
    if (ok && !l)
        ok = err_set(e, "%s/region.txt has no language '%s'", src_dir, lang);
    int todo = 0, untranslated = 0;
    for (int i = 0; ok && i < set.s.page_count; i++) {
        const src_page *pg = &set.s.pages[i];
        const src_text *t = NULL;
        for (int k = 0; k < pg->text_count; k++)
            if (!strcmp(pg->texts[k].lang, lang))
                t = &pg->texts[k];
        if (!t) {
            untranslated++;
            continue;
        }
        if (t->audio[0])
            continue;
        todo++;
        fprintf(out, "==== Page %s: %s\n", pg->page.code, t->title);
        fprintf(out, "     file: %s (when it is recorded: audio: %s-%s.ogg in its header, the file in assets/)\n\n",
                t->path, pg->page.code, lang);
        spoken(out, t->title);
        if (t->summary && *t->summary)
            spoken(out, t->summary);
        fprintf(out, "\n");
        po_block *blocks = NULL;
        int n = po_split_body(t->body, &blocks);
        for (int k = 0; k < n; k++) {
            spoken(out, blocks[k].text);
            fprintf(out, "\n");
        }
        if (n > 0)
            po_blocks_free(blocks, n);
    }
    if (ok)
        fprintf(out, "%d page%s to record in %s (%s)%s", todo, todo == 1 ? "" : "s", l->native_name, lang,
                untranslated ? "" : ".\n");
    if (ok && untranslated)
        fprintf(out, "; %d more page%s not translated yet.\n", untranslated, untranslated == 1 ? " is" : "s are");
    po_set_free(&set);
    return ok;
}

/* ---- the verbs ---- */

static bool help_asked(int argc, char **argv, const char *help)
{
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return true;
        }
    return false;
}

int po_export_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack po-export SRC --lang L -o L.po\n"
        "       wegweiser-pack po-export SRC --pot -o REGION.pot\n"
        "       wegweiser-pack po-export SRC --stats [--lang L]\n"
        "Writes a gettext PO file of language L for translators (Poedit, Weblate, Lokalize, any text\n"
        "editor): one entry per title, tile title, summary, heading, list item and paragraph, msgctxt\n"
        "PAGE/UNIT, msgid the German, msgstr the translation. Machine drafts and units whose German\n"
        "changed since are fuzzy, with a comment saying which; missing ones are empty. Links appear as\n"
        "[words]{N}. --pot writes the template (German only). --stats prints per language how many\n"
        "units are translated, reviewed, machine-drafted, outdated and missing, and the words to do.\n"
        "Read them back with 'wegweiser-pack po-import'. Workflow: docs/translating.md.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *src_dir = NULL, *lang = NULL, *out = NULL;
    bool pot = false, stats = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--pot"))
            pot = true;
        else if (!strcmp(argv[i], "--stats"))
            stats = true;
        else if (!src_dir && argv[i][0] != '-')
            src_dir = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack po-export: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!src_dir || (!stats && ((!lang == !pot) || !out))) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    if (stats) {
        po_stats all[PACK_LANGUAGES_MAX];
        int n = po_stats_all(src_dir, all, PACK_LANGUAGES_MAX, &e);
        if (n < 0) {
            fprintf(stderr, "wegweiser-pack po-export: %s\n", e.msg);
            return 1;
        }
        int shown = 0;
        for (int i = 0; i < n; i++)
            if (!lang || !strcmp(all[i].code, lang))
                all[shown++] = all[i];
        if (lang && !shown) {
            fprintf(stderr, "wegweiser-pack po-export: no translated language '%s' in %s\n", lang, src_dir);
            return 1;
        }
        po_stats_print(all, shown, stdout);
        if (!out)
            return 0;
    }
    char assets[1024];
    paths_assets(assets, sizeof assets);
    text_fonts *fonts = text_fonts_open(assets, &e);
    if (!fonts)
        fprintf(stderr, "wegweiser-pack po-export: %s: tile titles get no length in characters\n", e.msg);
    bool ok = po_export(src_dir, pot ? NULL : lang, out, fonts, &e);
    if (fonts) {
        text_fonts_close(fonts);
        TTF_Quit();
    }
    if (!ok) {
        fprintf(stderr, "wegweiser-pack po-export: %s\n", e.msg);
        return 1;
    }
    printf("wrote %s\n", out);
    return 0;
}

int po_import_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack po-import SRC L.po\n"
        "Writes the translations of a PO file from 'wegweiser-pack po-export' back into the sources:\n"
        "each entry that is not fuzzy is taken as reviewed by a person; a fuzzy entry whose text\n"
        "changed is kept as a draft; an empty one changes nothing. Refuses, with file:line and\n"
        "before writing anything, a file that is not UTF-8, has wrong plural forms, or an entry whose\n"
        "links ([words]{N}), ** pairs or lines the kiosk could not show. Entries whose German changed\n"
        "since the export are left out with a warning. An untouched export changes no file.\n";
    if (help_asked(argc, argv, help))
        return 0;
    if (argc != 4) {
        fputs(help, stderr);
        return 2;
    }
    err e;
    po_import_result r;
    if (!po_import(argv[2], argv[3], &r, stderr, &e)) {
        fprintf(stderr, "wegweiser-pack po-import: %s\n", e.msg);
        return 1;
    }
    printf("%d unit%s changed, %d reviewed, %d file%s written, %d entr%s left out\n", r.changed_units,
           r.changed_units == 1 ? "" : "s", r.reviewed_units, r.files_written, r.files_written == 1 ? "" : "s",
           r.skipped, r.skipped == 1 ? "y" : "ies");
    return 0;
}

int po_script_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack recording-script SRC --lang L [-o FILE]\n"
        "Lists the pages that have no read-aloud recording in language L, each with its text as a\n"
        "speaker reads it (no markup, links as their words), so volunteers know what to record.\n"
        "How to add a recording: content/README.md, Recordings.\n";
    if (help_asked(argc, argv, help))
        return 0;
    const char *src_dir = NULL, *lang = NULL, *out_path = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (!src_dir && argv[i][0] != '-')
            src_dir = argv[i];
        else {
            fprintf(stderr, "wegweiser-pack recording-script: unexpected '%s'\n%s", argv[i], help);
            return 2;
        }
    }
    if (!src_dir || !lang) {
        fputs(help, stderr);
        return 2;
    }
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (!out) {
        fprintf(stderr, "wegweiser-pack recording-script: cannot write %s\n", out_path);
        return 1;
    }
    err e;
    bool ok = po_recording_script(src_dir, lang, out, &e);
    if (out_path && fclose(out) != 0)
        ok = ok && err_set(&e, "%s: cannot write it", out_path);
    if (!ok) {
        fprintf(stderr, "wegweiser-pack recording-script: %s\n", e.msg);
        return 1;
    }
    return 0;
}
