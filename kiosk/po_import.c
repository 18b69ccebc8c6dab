/* Reading a translator's PO file back (po.h): every entry checked first (encoding, plural
 * forms, placeholders, what the kiosk can show), and only then the sources written. An entry
 * whose German changed since the export is left out with a warning, never written over newer
 * German; an empty msgstr never removes a translation. */
#include "po_private.h"

#include <gettext-po.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libgettextpo reports through a handler without a user pointer and wants a fatal one never
 * to return: one import at a time, and a jump back out of the library. */
static jmp_buf *jump_to;
static char first_error[512], first_text[400]; /* with and without its file:line */
static int errors;

static void on_error(int severity, po_message_t message, const char *filename, size_t lineno, size_t column,
                     int multiline, const char *text)
{
    (void)message, (void)column, (void)multiline;
    if (severity >= PO_SEVERITY_ERROR && !errors++) {
        snprintf(first_text, sizeof first_text, "%s", text);
        first_text[strcspn(first_text, "\n")] = 0;
        if (filename && lineno != (size_t)-1)
            snprintf(first_error, sizeof first_error, "%s:%zu: %s", filename, lineno, text);
        else
            snprintf(first_error, sizeof first_error, "%s%s%s", filename ? filename : "", filename ? ": " : "", text);
        for (char *p = first_error; *p; p++)
            if (*p == '\n')
                *p = p[1] ? ' ' : 0;
    }
    if (severity == PO_SEVERITY_FATAL_ERROR)
        longjmp(*jump_to, 1);
}

static void on_error2(int severity, po_message_t m1, const char *f1, size_t l1, size_t c1, int ml1, const char *t1,
                      po_message_t m2, const char *f2, size_t l2, size_t c2, int ml2, const char *t2)
{
    (void)m2, (void)f2, (void)l2, (void)c2, (void)ml2, (void)t2;
    on_error(severity, m1, f1, l1, c1, ml1, t1);
}

static const struct po_xerror_handler HANDLER = {on_error, on_error2};

/* The file read, or NULL with first_error set. */
static po_file_t read_po(const char *path)
{
    jmp_buf jump;
    jump_to = &jump;
    errors = 0;
    if (setjmp(jump))
        return NULL;
    po_file_t file = po_file_read(path, &HANDLER);
    if (file && errors) {
        po_file_free(file);
        return NULL;
    }
    return file;
}

/* ---- where entries are in the file: libgettextpo does not say ---- */

typedef struct po_line {
    char ctxt[64];
    int line; /* of its msgstr */
} po_line;

typedef struct po_lines {
    po_line *at;
    int count;
    int header_line, plural_line, charset_line;
} po_lines;

/* The first line that is not UTF-8 (0 when all is), and where each msgctxt's msgstr is. */
static int scan(const char *text, size_t len, po_lines *lines)
{
    int line = 1, bad = 0, cap = 0;
    char pending[64] = "";
    for (size_t i = 0; i < len && !bad;) {
        unsigned char c = (unsigned char)text[i];
        int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (extra < 0 || (extra == 1 && c < 0xC2) || c > 0xF4 || i + (size_t)extra >= len + (extra ? 0 : 1))
            bad = line;
        for (int k = 1; !bad && k <= extra; k++)
            if (((unsigned char)text[i + k] & 0xC0) != 0x80)
                bad = line;
        i += (size_t)(extra > 0 ? extra : 0) + 1;
        if (c == '\n')
            line++;
    }
    if (bad)
        return bad;
    line = 1;
    for (const char *p = text; p && *p; line++) {
        const char *nl = strchr(p, '\n');
        if (!strncmp(p, "msgctxt \"", 9)) {
            size_t n = strcspn(p + 9, "\"\n");
            snprintf(pending, sizeof pending, "%.*s", (int)(n < 63 ? n : 63), p + 9);
        } else if (!strncmp(p, "msgstr", 6)) {
            if (!lines->header_line && !*pending)
                lines->header_line = line;
            if (*pending) {
                if (lines->count == cap) {
                    cap = cap ? cap * 2 : 256;
                    po_line *bigger = realloc(lines->at, (size_t)cap * sizeof *bigger);
                    if (!bigger)
                        break;
                    lines->at = bigger;
                }
                snprintf(lines->at[lines->count].ctxt, sizeof lines->at[0].ctxt, "%s", pending);
                lines->at[lines->count++].line = line;
                pending[0] = 0;
            }
        } else if (!strncmp(p, "\"Plural-Forms:", 14)) {
            lines->plural_line = line;
        } else if (!strncmp(p, "\"Content-Type:", 14)) {
            lines->charset_line = line;
        }
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

static int line_of(const po_lines *lines, const char *ctxt)
{
    for (int i = 0; i < lines->count; i++)
        if (!strcmp(lines->at[i].ctxt, ctxt))
            return lines->at[i].line;
    return 0;
}

/* ---- checks ---- */

static bool plural_ok(const char *path, const char *header, const char *lang, const po_lines *lines, err *e)
{
    char *forms = po_header_field(header, "Plural-Forms");
    if (!forms)
        return true; /* none of our entries has plural forms: an editor may leave it out */
    int want;
    po_plural_forms(lang, &want);
    const char *np = strstr(forms, "nplurals=");
    int n = np ? atoi(np + 9) : -1;
    bool ok = n == want;
    if (!ok)
        err_set(e,
                "%s:%d: wrong plural forms: '%s' has %d forms, but %s has %d (the header from wegweiser-pack "
                "po-export is right: keep it)",
                path, lines->plural_line, forms, n, lang, want);
    free(forms);
    return ok;
}

static bool charset_ok(const char *path, const char *header, const po_lines *lines, err *e)
{
    char *type = po_header_field(header, "Content-Type");
    const char *cs = type ? strstr(type, "charset=") : NULL;
    bool ok = cs && !strncasecmp(cs + 8, "UTF-8", 5) && (!cs[13] || cs[13] == ';' || cs[13] == ' ');
    if (!ok)
        err_set(e, "%s:%d: the file is not in UTF-8 (%s): save it as UTF-8 and say charset=UTF-8 in Content-Type",
                path, lines->charset_line, cs ? cs : "no charset");
    free(type);
    return ok;
}

/* What the kiosk can show of a unit: one line where it takes one, blocks that stay one block,
 * the limits of content/SCHEMA.md. */
static bool shape_ok(const po_unit *u, const char *text, char *why, size_t size)
{
    bool field = u->kind == PO_TITLE || u->kind == PO_TILE_TITLE || u->kind == PO_SUMMARY;
    int limit = u->kind == PO_SUMMARY ? PACK_SUMMARY_BYTES_MAX : PACK_TITLE_BYTES_MAX;
    if ((field || u->kind == PO_HEADING || u->kind == PO_ITEM) && strchr(text, '\n'))
        return snprintf(why, size, "a %s is one line: remove the line break", po_kind_what(u->kind)), false;
    if (field && strlen(text) > (size_t)limit)
        return snprintf(why, size, "the %s is %zu bytes, more than the %d the kiosk takes: shorten it",
                        po_kind_what(u->kind), strlen(text), limit),
               false;
    if (text[0] == ' ' || text[0] == '\n' || (*text && (text[strlen(text) - 1] == ' ' || text[strlen(text) - 1] == '\n')))
        return snprintf(why, size, "starts or ends with a space or line break: remove it"), false;
    for (const char *p = text; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (*p == '\n' || !strncmp(p, "# ", 2) || !strncmp(p, "## ", 3) || !strncmp(p, "- ", 2))
            if (p != text || field || u->kind == PO_PARAGRAPH)
                return snprintf(why, size,
                                "a line here starts a new block (an empty line, '# ', '## ' or '- '): keep the "
                                "text one %s",
                                po_kind_what(u->kind)),
                       false;
    }
    uint32_t c = pack_limits_hidden_char(text, !field, NULL);
    if (c) {
        char name[160];
        pack_limits_char_name(c, name, sizeof name);
        return snprintf(why, size, "has %s, which cannot be seen or changes the order of letters: remove it", name),
               false;
    }
    return true;
}

static po_unit *find_unit(po_set *set, const char *ctxt)
{
    const char *slash = strchr(ctxt, '/');
    if (!slash)
        return NULL;
    for (int i = 0; i < set->page_count; i++) {
        po_page *pg = &set->pages[i];
        size_t n = strlen(pg->page->page.code);
        if ((size_t)(slash - ctxt) != n || strncmp(ctxt, pg->page->page.code, n))
            continue;
        for (int k = 0; k < pg->unit_count; k++)
            if (!strcmp(pg->units[k].label, slash + 1))
                return &pg->units[k];
    }
    return NULL;
}

static po_page *page_of(po_set *set, const po_unit *u)
{
    for (int i = 0; i < set->page_count; i++)
        if (u >= set->pages[i].units && u < set->pages[i].units + set->pages[i].unit_count)
            return &set->pages[i];
    return NULL;
}

typedef struct importer {
    po_set *set;
    const char *path;
    po_lines lines;
    po_import_result *result;
    FILE *warn;
    err *e;
    int problems;
} importer;

/* Every problem is printed; the first one is the error. */
static void problem(importer *im, int line, const char *why)
{
    if (!im->problems++)
        err_set(im->e, "%s:%d: %s", im->path, line, why);
    if (im->warn)
        fprintf(im->warn, "%s:%d: error: %s\n", im->path, line, why);
}

static void warning(importer *im, int line, const char *why)
{
    if (im->warn)
        fprintf(im->warn, "%s:%d: warning: %s\n", im->path, line, why);
}

/* One entry: checked, and when it says something new, noted on its unit. */
static void entry(importer *im, po_message_t m)
{
    const char *ctxt = po_message_msgctxt(m);
    int line = ctxt ? line_of(&im->lines, ctxt) : 0;
    char why[600];
    if (po_message_msgid_plural(m)) {
        problem(im, line, "wrong plural forms: this entry has msgid_plural, but no content text has plural forms");
        return;
    }
    if (!ctxt) {
        warning(im, line, "an entry without msgctxt is not from wegweiser-pack po-export: left out");
        im->result->skipped++;
        return;
    }
    const char *msgstr = po_message_msgstr(m);
    bool fuzzy = po_message_is_fuzzy(m);
    po_set *set = im->set;
    if (!strncmp(ctxt, "language/", 9)) {
        if (strcmp(ctxt + 9, set->lang->code) || !*msgstr || fuzzy || !strcmp(msgstr, set->lang->native_name))
            return;
        if (strlen(msgstr) > PACK_NATIVE_NAME_BYTES_MAX || strchr(msgstr, '|') || strchr(msgstr, '\n')) {
            problem(im, line, "the language's name must be one line of at most 95 bytes without '|'");
            return;
        }
        free(set->name_change);
        set->name_change = strdup(msgstr);
        im->result->changed_units++;
        return;
    }
    po_unit *u = find_unit(set, ctxt);
    if (!u) {
        snprintf(why, sizeof why, "%s: the sources have no such unit any more (page or text removed): left out", ctxt);
        warning(im, line, why);
        im->result->skipped++;
        return;
    }
    bool brace;
    char *msgid = po_markup_out(u->german, u->german, &brace);
    bool same_german = msgid && !strcmp(msgid, po_message_msgid(m));
    free(msgid);
    if (!same_german) {
        snprintf(why, sizeof why,
                 "%s: the German changed since this PO was exported: left out (export again and translate the new "
                 "German)",
                 ctxt);
        warning(im, line, why);
        im->result->skipped++;
        return;
    }
    if (!*msgstr)
        return; /* untranslated: an empty msgstr never removes a translation */
    /* As exported: a draft left a draft, or a reviewed unit left reviewed, changes nothing
     * (even where the translation's links differ from the German's, as exported fuzzy). */
    char *exported = u->text ? po_markup_out(u->german, u->text, &brace) : NULL;
    bool as_exported = exported && !strcmp(exported, msgstr);
    free(exported);
    if (as_exported && (fuzzy || u->state == PO_REVIEWED))
        return;
    char *text = po_markup_in(u->german, msgstr, why, sizeof why);
    if (!text) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", ctxt, why);
        problem(im, line, msg);
        return;
    }
    if (!shape_ok(u, text, why, sizeof why)) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", ctxt, why);
        problem(im, line, msg);
        free(text);
        return;
    }
    bool same_text = u->text && !strcmp(u->text, text);
    /* Fuzzy: a draft, kept as a draft. Not fuzzy: a person says it is right, for this German. */
    bool unchanged = fuzzy ? same_text : same_text && u->state == PO_REVIEWED;
    if (unchanged) {
        free(text);
        return;
    }
    u->new_text = text;
    u->new_done = !fuzzy;
    u->touched = true;
    page_of(set, u)->touched = true;
    im->result->changed_units += !same_text;
    im->result->reviewed_units += !fuzzy;
}

bool po_import(const char *src_dir, const char *po_path, po_import_result *result, FILE *warn, err *e)
{
    po_import_result none;
    if (!result)
        result = &none;
    memset(result, 0, sizeof *result);
    size_t len = 0;
    char *raw = pack_src_read_whole(po_path, &len, e);
    if (!raw)
        return false;
    importer im = {.path = po_path, .result = result, .warn = warn, .e = e};
    int bad = scan(raw, len, &im.lines);
    free(raw);
    if (bad) {
        free(im.lines.at);
        return err_set(e, "%s:%d: not valid UTF-8: save the file as UTF-8", po_path, bad);
    }
    po_file_t file = read_po(po_path);
    if (!file) {
        free(im.lines.at);
        return err_set(e, "%s", errors ? first_error : "the PO file cannot be read");
    }
    char *header = (char *)po_file_domain_header(file, NULL); /* a copy, the caller's to free */
    char *lang = header ? po_header_field(header, "Language") : NULL;
    bool ok = true;
    if (!lang || !*lang)
        ok = err_set(e, "%s:%d: the header has no Language: (the language code of region.txt, such as ar)", po_path,
                     im.lines.header_line);
    ok = ok && charset_ok(po_path, header, &im.lines, e) && plural_ok(po_path, header, lang, &im.lines, e);
    po_set set;
    bool have_set = false;
    if (ok) {
        have_set = true;
        ok = po_set_read(&set, src_dir, lang, e);
    }
    im.set = &set;
    if (ok) {
        /* msgfmt -c's check of format strings ({N}) on what a person says is right; the header's
         * plural forms were checked above (po_message_check_all parses them again for every
         * message, and leaks doing so). */
        po_message_iterator_t it = po_message_iterator(file, NULL);
        for (po_message_t m; (m = po_next_message(it));) {
            if (po_message_is_obsolete(m))
                continue;
            if (!*po_message_msgid(m))
                continue;
            int before = im.problems;
            entry(&im, m);
            if (im.problems == before && !po_message_is_fuzzy(m) && *po_message_msgstr(m)) {
                po_message_check_format(m, &HANDLER);
                if (errors) {
                    const char *ctxt = po_message_msgctxt(m);
                    char msg[700];
                    snprintf(msg, sizeof msg, "%s%s%s", ctxt ? ctxt : "", ctxt ? ": " : "", first_text);
                    problem(&im, ctxt ? line_of(&im.lines, ctxt) : im.lines.header_line, msg);
                    errors = 0;
                }
            }
        }
        po_message_iterator_free(it);
        if (im.problems) {
            ok = false;
            char first[sizeof e->msg];
            snprintf(first, sizeof first, "%s", e->msg);
            if (im.problems > 1)
                err_set(e, "%s (and %d more problems); nothing was written", first, im.problems - 1);
            else
                err_set(e, "%s; nothing was written", first);
        }
    }
    if (ok)
        ok = po_write(&set, &result->files_written, e);
    if (have_set)
        po_set_free(&set);
    free(lang);
    free(header);
    po_file_free(file);
    free(im.lines.at);
    return ok;
}
