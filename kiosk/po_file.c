/* PO files, written and read with libgettextpo (po.h): one entry per unit, msgctxt
 * "PAGE/UNIT", msgid the German, msgstr the translation, machine drafts and outdated units
 * fuzzy. Reading refuses a file whose encoding, plural forms or placeholders are wrong before
 * a single source file is touched. */
#include "po_private.h"
#include "view.h"

#include <gettext-po.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <strings.h>

#include "utf8.h"

/* ---- libgettextpo's error handler ---- */

/* libgettextpo reports through a handler without a user pointer and wants a fatal one never
 * to return: one import or export at a time, and a jump back out of the library. */
static jmp_buf *po_jump;
static char po_error[512];
static int po_errors;

static void on_error(int severity, po_message_t message, const char *filename, size_t lineno, size_t column,
                     int multiline, const char *text)
{
    (void)message, (void)column, (void)multiline;
    if (severity >= PO_SEVERITY_ERROR && !po_errors++) {
        if (filename && lineno != (size_t)-1)
            snprintf(po_error, sizeof po_error, "%s:%zu: %s", filename, lineno, text);
        else
            snprintf(po_error, sizeof po_error, "%s%s%s", filename ? filename : "", filename ? ": " : "", text);
        po_error[strcspn(po_error, "\n")] = 0;
    }
    if (severity == PO_SEVERITY_FATAL_ERROR)
        longjmp(*po_jump, 1);
}

static void on_error2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int ml1, const char *t1,
                      po_message_t m2, const char *f2, size_t l2, size_t c2, int ml2, const char *t2)
{
    (void)m2, (void)f2, (void)l2, (void)c2, (void)ml2, (void)t2;
    on_error(severity, m1, f1, l1, c1, ml1, t1);
}

static const struct po_xerror_handler HANDLER = {on_error, on_error2};

static bool write_po(po_file_t file, const char *path)
{
    jmp_buf jump;
    po_jump = &jump;
    po_errors = 0;
    if (setjmp(jump))
        return false;
    return po_file_write(file, path, &HANDLER) != NULL && !po_errors;
}

/* ---- plural forms: none of our entries has any, but editors need the header right ---- */

static const struct {
    const char *lang;
    int n;
    const char *forms;
} PLURALS[] = {
    {"ar", 6, "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"},
    {"fa", 2, "nplurals=2; plural=(n > 1);"},
    {"prs", 2, "nplurals=2; plural=(n > 1);"},
    {"ps", 2, "nplurals=2; plural=(n != 1);"},
    {"ti", 2, "nplurals=2; plural=(n > 1);"},
    {"am", 2, "nplurals=2; plural=(n > 1);"},
    {"uk", 3,
     "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"},
    {"ru", 3,
     "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"},
    {"tr", 2, "nplurals=2; plural=(n != 1);"},
    {"ku", 2, "nplurals=2; plural=(n != 1);"},
    {"so", 2, "nplurals=2; plural=(n != 1);"},
    {"fr", 2, "nplurals=2; plural=(n > 1);"},
};

const char *po_plural_forms(const char *lang, int *n)
{
    for (size_t i = 0; i < sizeof PLURALS / sizeof PLURALS[0]; i++)
        if (!strcmp(PLURALS[i].lang, lang)) {
            *n = PLURALS[i].n;
            return PLURALS[i].forms;
        }
    *n = 2;
    return "nplurals=2; plural=(n != 1);";
}

/* ---- export ---- */

static int top_level(const po_set *set)
{
    int n = 0;
    for (int i = 0; i < set->s.page_count; i++)
        n += set->s.pages[i].page.code[0] && !set->s.pages[i].page.parent[0] &&
             strcmp(set->s.pages[i].page.kind, "help");
    return n;
}

/* How many characters of text like `sample` fit a home-screen tile at 800x480: the same
 * measure `wegweiser-pack check` warns with (view_tile_title_fits). 0 when it cannot tell. */
static int tile_chars(const po_set *set, text_fonts *fonts, const char *sample)
{
    if (!fonts || !sample || !*sample)
        return 0;
    const pack_language *lang = set->lang ? set->lang : set->source;
    char text[1024] = "";
    while (strlen(text) + strlen(sample) + 2 < sizeof text)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", *text ? " " : "", sample);
    int offsets[1024], count = 0;
    for (const char *p = text; *p && count < 200;) {
        utf8_next(&p);
        offsets[count++] = (int)(p - text);
    }
    int lo = 0, hi = count, tiles = top_level(set);
    char prefix[1024];
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        snprintf(prefix, sizeof prefix, "%.*s", offsets[mid - 1], text);
        if (view_tile_title_fits(fonts, prefix, lang, tiles, 800, 480, VIEW_DPI_DEFAULT, set->s.meta.demo))
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static void addf(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *out, size_t size, const char *fmt, ...)
{
    size_t n = strlen(out);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + n, size - n, fmt, ap);
    va_end(ap);
}

/* Where the unit is shown and what limits it: for the translator, as an extracted comment. */
static void where(const po_set *set, const po_page *pg, const po_unit *u, text_fonts *fonts, char *out, size_t size)
{
    const pack_page *p = &pg->page->page;
    bool tile = !p->parent[0] && strcmp(p->kind, "help");
    out[0] = 0;
    addf(out, size, "Page %s \"%s\" (%s). ", p->code, pg->de->title, p->kind);
    switch (u->kind) {
    case PO_TITLE:
        addf(out, size, "Title at the top of the page and in lists; at most %d bytes.", PACK_TITLE_BYTES_MAX);
        break;
    case PO_TILE_TITLE:
        addf(out, size, "Title on the page's tile on the home screen; at most %d bytes.", PACK_TITLE_BYTES_MAX);
        break;
    case PO_SUMMARY:
        addf(out, size, "One line under the title in lists; at most %d bytes.", PACK_SUMMARY_BYTES_MAX);
        break;
    case PO_HEADING:
        addf(out, size, "A heading in the page's text.");
        break;
    case PO_ITEM:
        addf(out, size, "An item of a bulleted list in the page's text.");
        break;
    case PO_PARAGRAPH:
        addf(out, size, "A paragraph of the page's text%s.", strchr(u->german, '\n') ? "; its line breaks are kept" : "");
        break;
    }
    bool on_tile = tile && (u->kind == PO_TILE_TITLE || (u->kind == PO_TITLE && !pg->de->tile_title));
    if (on_tile) {
        int n = tile_chars(set, fonts, u->text && *u->text ? u->text : u->german);
        if (n)
            addf(out, size,
                 " Shown on a home-screen tile: at most %d characters of text like this fit at 800x480 "
                 "(wegweiser-pack check warns about longer ones)%s.",
                 n, u->kind == PO_TITLE ? "; if it must be longer, ask the staff for a shorter tile title" : "");
    }
    static char targets[64][PACK_LINK_BYTES_MAX + 1];
    int n = po_markup_targets(u->german, targets, 64);
    if (n)
        addf(out, size, " Links: translate the words in [brackets], keep each {N} right after them:");
    for (int i = 0; i < n && i < 64; i++)
        addf(out, size, " {%d} %s%s", i + 1, targets[i], i + 1 < n ? ";" : ".");
    if (strstr(u->german, "**"))
        addf(out, size, " Words between ** are shown bold: keep the ** pairs.");
}

static bool message(po_message_iterator_t it, const char *ctxt, const char *msgid, const char *msgstr, bool brace,
                    bool fuzzy, const char *extracted, const char *comment, const char *file)
{
    po_message_t m = po_message_create();
    po_message_set_msgctxt(m, ctxt);
    po_message_set_msgid(m, msgid);
    po_message_set_msgstr(m, msgstr);
    if (brace)
        po_message_set_format(m, "python-brace-format", 1);
    po_message_set_fuzzy(m, fuzzy);
    if (extracted && *extracted)
        po_message_set_extracted_comments(m, extracted);
    if (comment && *comment)
        po_message_set_comments(m, comment);
    if (file)
        po_message_add_filepos(m, file, (size_t)-1);
    po_message_insert(it, m);
    return true;
}

static char *header(const po_set *set)
{
    char *h = malloc(2048);
    if (!h)
        return NULL;
    const pack_meta *m = &set->s.meta;
    int n;
    const char *lang = set->lang ? set->lang->code : "";
    snprintf(h, 2048,
             "Project-Id-Version: Wegweiser %s %s\n"
             "Report-Msgid-Bugs-To: \n"
             "POT-Creation-Date: %s 00:00+0000\n"
             "PO-Revision-Date: %s 00:00+0000\n"
             "Last-Translator: \n"
             "Language-Team: \n"
             "Language: %s\n"
             "MIME-Version: 1.0\n"
             "Content-Type: text/plain; charset=UTF-8\n"
             "Content-Transfer-Encoding: 8bit\n"
             "%s%s%s"
             "X-Wegweiser-Region: %s\n",
             m->region, m->version, m->created[0] ? m->created : m->version,
             m->created[0] ? m->created : m->version, lang, set->lang ? "Plural-Forms: " : "",
             set->lang ? po_plural_forms(lang, &n) : "", set->lang ? "\n" : "", m->region);
    return h;
}

/* The page's file as the PO names it: relative to the sources. */
static const char *relative(const po_set *set, const char *path)
{
    size_t n = strlen(set->s.dir);
    return !strncmp(path, set->s.dir, n) && path[n] == '/' ? path + n + 1 : path;
}

bool po_export(const char *src_dir, const char *lang, const char *out_path, text_fonts *fonts, err *e)
{
    po_set set;
    if (!po_set_read(&set, src_dir, lang, e)) {
        po_set_free(&set);
        return false;
    }
    po_file_t file = po_file_create();
    po_message_iterator_t it = po_message_iterator(file, NULL);
    char *h = header(&set);
    bool ok = h != NULL;
    if (ok)
        message(it, NULL, "", h, false, false, NULL,
                "Wegweiser content (docs/translating.md). Translate each entry; remove the fuzzy mark\n"
                "(\"needs work\") when the translation is right. Keep every [words]{N} link and ** pair.",
                NULL);
    free(h);
    static char extracted[4096];
    for (int i = 0; ok && i < set.page_count; i++) {
        po_page *pg = &set.pages[i];
        for (int k = 0; ok && k < pg->unit_count; k++) {
            po_unit *u = &pg->units[k];
            char ctxt[64];
            snprintf(ctxt, sizeof ctxt, "%s/%s", pg->page->page.code, u->label);
            bool brace, brace2;
            char *msgid = po_markup_out(u->german, u->german, &brace);
            char *msgstr = set.lang && u->text ? po_markup_out(u->german, u->text, &brace2) : strdup("");
            if (!msgid || !msgstr) {
                free(msgid);
                free(msgstr);
                ok = err_set(e, "out of memory");
                break;
            }
            where(&set, pg, u, fonts, extracted, sizeof extracted);
            const char *state = NULL;
            bool fuzzy = false;
            char why[300];
            if (set.lang && u->state == PO_OUTDATED)
                state = "outdated: the German changed since this was translated; check it against the German "
                        "and remove the fuzzy mark",
                fuzzy = true;
            else if (set.lang && u->state == PO_MACHINE)
                state = "machine-drafted: awaiting review by a native speaker; correct it if needed and remove the "
                        "fuzzy mark",
                fuzzy = true;
            char *back = *msgstr ? po_markup_in(u->german, msgstr, why, sizeof why) : NULL;
            if (*msgstr && !back) {
                /* The translation's links differ from the German's: editors would refuse it, so
                 * it goes out marked for a person to fix. */
                state = "links differ from the German: give each [words]{N} of the German once";
                fuzzy = true;
            }
            free(back);
            char comment[400] = "";
            if (state)
                snprintf(comment, sizeof comment, "%s", state);
            message(it, ctxt, msgid, msgstr, brace, fuzzy, extracted, comment, relative(&set, pg->de->path));
            free(msgid);
            free(msgstr);
        }
    }
    if (ok && set.lang) {
        char ctxt[64];
        snprintf(ctxt, sizeof ctxt, "language/%s", set.lang->code);
        snprintf(extracted, sizeof extracted,
                 "The name of this language written in itself, as the language screen shows it (no flags). "
                 "Change it only if it is misspelt; at most %d bytes.",
                 PACK_NATIVE_NAME_BYTES_MAX);
        message(it, ctxt, set.lang->native_name, set.lang->native_name, false, false, extracted, NULL, "region.txt");
    }
    po_message_iterator_free(it);
    if (ok) {
        ok = write_po(file, out_path);
        if (!ok)
            err_set(e, "%s: cannot write the PO file: %s", out_path, po_errors ? po_error : "unknown error");
    }
    po_file_free(file);
    po_set_free(&set);
    return ok;
}
