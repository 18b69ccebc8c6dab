/* Integreat pages exports → content sources: the whole import. Reads the exports
 * (import_json.c), decides the tree, translations and codes (import_tree.c), converts each
 * text (import_html.c, import_clean.c), and writes region.txt, pages/<code>-<slug>/ with
 * page.txt and one <lang>.txt per language, the code list and the report
 * (docs/integreat.md). Every file is checked to be strict UTF-8 before it is written. */
#include "import_private.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static char *read_all(const char *path, size_t *len, err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    sb b = {0};
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        sb_addn(&b, buf, got);
    bool bad = ferror(f);
    fclose(f);
    *len = b.len;
    char *s = sb_take(&b);
    if (bad || !s) {
        free(s);
        err_set(e, "cannot read %s", path);
        return NULL;
    }
    return s;
}


/* The summary: the first paragraph's first sentence, at most about 110 bytes. */
static char *summary_of(const char *words)
{
    char *s = import_header_value(words ? words : "", 0, NULL);
    if (!s)
        return NULL;
    size_t n = strlen(s), cut = n;
    for (size_t i = 20; i + 1 < n; i++)
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' && !isdigit((unsigned char)s[i - 1])) {
            cut = i + 1;
            break;
        }
    if (cut > 110) {
        size_t space = 0;
        for (size_t i = 0; i < 110; i++)
            if (s[i] == ' ')
                space = i;
        cut = space ? space : 110;
        while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        /* No punctuation before the ellipsis; the dash is three bytes, taken off whole. */
        for (;;) {
            if (cut && strchr(",;:-", s[cut - 1]))
                cut--;
            else if (cut >= 3 && !memcmp(s + cut - 3, "–", 3))
                cut -= 3;
            else
                break;
        }
        s[cut] = 0;
        char *longer = realloc(s, cut + 4);
        if (!longer) {
            free(s);
            return NULL;
        }
        s = longer;
        strcat(s, "…");
        return s;
    }
    s[cut] = 0;
    return s;
}

static bool mkdir_p(const char *path, err *e)
{
    char buf[IMPORT_PATH_BUF];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return err_set(e, "cannot make %s: %s", buf, strerror(errno));
            *p = '/';
        }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return err_set(e, "cannot make %s: %s", buf, strerror(errno));
    return true;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static bool remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT;
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

/* Written through a temporary file. */
static bool write_bytes(const char *path, const char *bytes, size_t n, err *e)
{
    char tmp[IMPORT_PATH_BUF + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    bool ok = fwrite(bytes, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return err_set(e, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
}

/* A source file: refused when it is not strict UTF-8, which `check` would refuse (every
 * input is cleaned before; this catches a mistake of ours before it reaches a kiosk). */
static bool write_text(const char *path, const char *text, err *e)
{
    size_t n = strlen(text);
    if (!import_utf8_valid(text, n))
        return err_set(e, "%s would not be valid UTF-8: a fault of the importer (please report it with the export)",
                       path);
    return write_bytes(path, text, n, e);
}

/* A folder that holds something not written by this importer is not replaced. */
static bool check_out_dir(const char *dir, bool *previous, err *e)
{
    *previous = false;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT || err_set(e, "cannot open %s: %s", dir, strerror(errno));
    bool other = false;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
            continue;
        if (!strcmp(ent->d_name, IMPORT_CODES_FILE))
            *previous = true;
        else
            other = true;
    }
    closedir(d);
    if (other && !*previous)
        return err_set(e, "%s has files that an Integreat import did not write (no %s): give a new or empty folder",
                       dir, IMPORT_CODES_FILE);
    return true;
}

/* The licence's name from its file: its first line and its Copyright line, cleaned. */
static char *licence_from_file(const char *path, import_fixes *fixes)
{
    size_t len;
    err ignored;
    char *text = read_all(path, &len, &ignored);
    if (!text)
        return strdup("");
    char *first = NULL, *copyright = NULL;
    for (char *line = text, *next; line && *line && !(first && copyright); line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *value = import_header_value(line, 0, fixes);
        if (value && !first && value[0])
            first = value;
        else if (value && !copyright && !strncasecmp(value, "copyright", 9))
            copyright = value;
        else
            free(value);
    }
    free(text);
    sb out = {0};
    sb_addf(&out, "%s%s%s", first ? first : "", first && copyright ? ", " : "", copyright ? copyright : "");
    free(first);
    free(copyright);
    return sb_take(&out);
}

static const char *lang_name(const importer *im, int f) { return im->files[f].lang; }

/* The exports, one per language, and which of them is the source. */
static bool load_exports(importer *im, err *e)
{
    const import_options *o = im->o;
    im->files = calloc((size_t)o->file_count, sizeof *im->files);
    if (!im->files)
        return err_set(e, "out of memory");
    for (int f = 0; f < o->file_count; f++) {
        const char *path = o->files[f], *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t len;
        char *text = read_all(path, &len, e);
        bool ok = text && import_export_parse(text, len, base, &im->files[f], e);
        free(text);
        if (!ok)
            return false;
        im->file_count = f + 1;
        for (int g = 0; g < f; g++)
            if (!strcmp(im->files[g].lang, im->files[f].lang))
                return err_set(e, "%s and %s are both in language '%s'", im->files[g].name, im->files[f].name,
                               im->files[f].lang);
        if (!strcmp(im->files[f].lang, im->source_lang))
            im->source = f;
        if (im->files[f].notes.len)
            sb_add(&im->problems, im->files[f].notes.s);
    }
    if (im->source < 0)
        return err_set(e, "no export in the source language '%s' (give --source-language, or its file)",
                       im->source_lang);
    int k = 0;
    im->order[k++] = im->source;
    for (int f = 0; f < im->file_count; f++)
        if (f != im->source)
            im->order[k++] = f;
    im->src = im->files[im->source].pages;
    im->n = im->files[im->source].count;
    if (!im->n)
        return err_set(e, "%s has no pages", im->files[im->source].name);
    const char *region = o->region ? o->region : im->files[im->source].region;
    bool short_name = region[0] && strlen(region) < sizeof im->region;
    for (const char *p = region; *p; p++)
        short_name &= islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_';
    if (!short_name)
        return err_set(e, "region '%.80s' must be a short lower-case name of at most %zu letters, digits, - or _ "
                          "(give --region)",
                       region, sizeof im->region - 1);
    snprintf(im->region, sizeof im->region, "%s", region);
    im->info = calloc((size_t)im->n, sizeof *im->info);
    int *trans = calloc((size_t)im->n * (size_t)im->file_count, sizeof *trans);
    char **texts = calloc((size_t)im->n * (size_t)(im->file_count + 1), sizeof *texts);
    if (!im->info || !trans || !texts) {
        free(trans);
        free(texts);
        return err_set(e, "out of memory");
    }
    for (int i = 0; i < im->n; i++) {
        im->info[i].trans = trans + (size_t)i * (size_t)im->file_count;
        im->info[i].texts = texts + (size_t)i * (size_t)(im->file_count + 1);
    }
    return true;
}

/* Version (the newest page's date unless given), licence and the source line, which must
 * fit region.txt's `source` whole. */
static bool settle_metadata(importer *im, err *e)
{
    const import_options *o = im->o;
    if (o->version) {
        snprintf(im->version, sizeof im->version, "%s", o->version);
    } else {
        for (int f = 0; f < im->file_count; f++)
            for (int t = 0; t < im->files[f].count; t++)
                if (strcmp(im->files[f].pages[t].date, im->version) > 0)
                    snprintf(im->version, sizeof im->version, "%s", im->files[f].pages[t].date);
    }
    if (!im->version[0])
        return err_set(e, "no page has a readable date to make the version from: give --version");
    import_fixes fixes = {0};
    im->licence = o->licence ? import_header_value(o->licence, 0, &fixes)
                  : o->licence_file ? licence_from_file(o->licence_file, &fixes)
                                    : strdup("");
    if (!im->licence)
        return err_set(e, "out of memory");
    if (!im->licence[0])
        sb_add(&im->problems, "  no licence given (--licence or --licence-file): the region file says to ask the "
                              "Integreat region\n");
    sb source = {0};
    sb_addf(&source, "Integreat (https://integreat.app/%s/), %s export of %s%s", im->region, im->region, im->version,
            im->licence[0] ? "; " : "");
    size_t room = IMPORT_FIELD_MAX(source) > source.len ? IMPORT_FIELD_MAX(source) - source.len : 0;
    char *licence = room > 8 ? import_header_value(im->licence, room, &fixes) : strdup("");
    sb_add(&source, licence ? licence : "");
    /* region.txt's contact line names the same (cut) licence. */
    free(im->licence);
    im->licence = licence;
    im->source_text = sb_take(&source);
    if (!im->source_text || !im->licence)
        return err_set(e, "out of memory");
    if (fixes.invalid || fixes.controls || fixes.bidi)
        sb_addf(&im->problems, "  the licence text had %d bytes that are not UTF-8 (replaced by U+FFFD), %d control "
                               "and %d bidi control characters (removed)\n",
                fixes.invalid, fixes.controls, fixes.bidi);
    if (fixes.cut)
        sb_addf(&im->problems, "  the licence text is cut at a word in region.txt's source line (at most %zu "
                               "bytes)\n",
                IMPORT_FIELD_MAX(source));
    return true;
}

static char *page_file(const importer *im, int i)
{
    const page_info *in = &im->info[i];
    const ig_page *sp = &im->src[i];
    sb page = {0};
    sb_addf(&page, "# Integreat page %ld: %s\n", sp->id, sp->path);
    sb_addf(&page, "code: %d\nparent: ", in->code);
    if (in->parent >= 0)
        sb_addf(&page, "%d", im->info[in->parent].code);
    sb_addf(&page, "\norder: %d\nicon: %s\nkind: %s\n", in->position, import_icon_for(sp->title, in->topic),
            in->topic ? "topic" : "article");
    return sb_take(&page);
}

/* One language file of a page: header, then the converted body. k indexes `order`. */
static bool convert_text(importer *im, int i, int k, err *e)
{
    import_summary *sum = im->sum;
    import_lang_summary *ls = &sum->langs[k];
    page_info *in = &im->info[i];
    const ig_page *sp = &im->src[i];
    int f = im->order[k], t = in->trans[f];
    if (t < 0) {
        ls->missing++;
        sb_addf(&im->missing, "  %s: %d %s (pages/%s/)\n", lang_name(im, f), in->code, sp->title, in->folder);
        return true;
    }
    const ig_page *tp = &im->files[f].pages[t];
    import_html_info info;
    char *body = import_html(tp->html, strlen(tp->html), import_resolve_path, im, &info);
    import_fixes title_fixes = tp->title_fixes, text_fixes = tp->html_fixes;
    char *title = import_header_value(tp->title, IMPORT_TITLE_MAX, &title_fixes);
    char *summary = body ? summary_of(info.summary) : NULL;
    bool ok = body && title && summary;
    if (ok && !title[0]) {
        /* No title: the last part of its path, else its code. */
        size_t len;
        const char *seg = import_last_segment(tp->path, &len);
        char *from_path = strndup(seg, len);
        free(title);
        title = from_path ? import_header_value(from_path, IMPORT_TITLE_MAX, NULL) : NULL;
        free(from_path);
        bool by_code = title && !title[0];
        if (by_code) {
            free(title);
            title = malloc(16);
            if (title)
                snprintf(title, 16, "%d", in->code);
        }
        ok = title != NULL;
        sb_addf(&im->problems, "  %s: page %d has no title; %s is used\n", lang_name(im, f), in->code,
                by_code ? "its code" : "the last part of its path");
    }
    if (body) {
        text_fixes.controls += info.controls;
        text_fixes.bidi += info.bidi;
        if (info.word_breaks)
            sb_addf(&im->problems, "  page %ld (%s): the text has words longer than %d bytes (pasted data?): %d "
                                   "invisible line break opportunities (U+200B) put in\n",
                    tp->id, lang_name(im, f), IMPORT_WORD_MAX, info.word_breaks);
        if (info.paragraph_splits)
            sb_addf(&im->problems, "  page %ld (%s): %d paragraphs longer than %d KiB or with more than %d links "
                                   "and bold parts: each goes on as a new paragraph\n",
                    tp->id, lang_name(im, f), info.paragraph_splits, IMPORT_PARAGRAPH_MAX >> 10,
                    IMPORT_PARAGRAPH_MARKS_MAX);
        if (info.cut_bytes)
            sb_addf(&im->problems, "  page %ld (%s): the text is longer than the %d KiB a page may have: the last "
                                   "%zu KiB are left out (split the page in Integreat)\n",
                    tp->id, lang_name(im, f), IMPORT_TEXT_MAX >> 10, (info.cut_bytes + 1023) >> 10);
        if (info.truncated)
            sb_addf(&im->problems, "  page %ld (%s): its HTML nests deeper than 256 levels and is read only up to "
                                   "there: the text after that is missing\n",
                    tp->id, lang_name(im, f));
        import_fixes_note(&im->problems, tp->id, lang_name(im, f), "title", &title_fixes, IMPORT_TITLE_MAX);
        import_fixes_note(&im->problems, tp->id, lang_name(im, f), "text", &text_fixes, 0);
    }
    if (ok) {
        sum->images += info.images;
        sum->icons += info.icons;
        sum->addresses += info.addresses;
        sum->page_links += info.page_links;
        sum->phone_links += info.phone_links;
        sum->email_links += info.email_links;
        sum->web_links += info.web_links;
        sum->unlinked += info.unlinked;
        for (int q = 0; q < 8; q++)
            im->icon_kinds[q] += info.icon_kinds[q];
        for (char *line = info.notes, *nl; line && (nl = strchr(line, '\n')); line = nl + 1)
            sb_addf(!strncmp(line, "image", 5) ? &im->images : &im->links, "  %d %s (%s): %.*s\n", in->code,
                    sp->title, lang_name(im, f), (int)(nl - line), line);
        ls->texts++;
        if (!body[0] && !in->children)
            sb_addf(&im->problems, "  %s: page %d (%s) has no text and no pages under it: the kiosk says so\n",
                    lang_name(im, f), in->code, title);
        sb text = {0};
        sb_addf(&text, "title: %s\nsummary: %s\n", title, summary);
        tile_title *tile = import_tile_title_of(im, in->code, lang_name(im, f));
        if (tile) {
            tile->used = true;
            sb_addf(&text, "tile-title: %s\n", tile->title);
        }
        /* A page without a readable date counts as older than every dated one; a source
         * text without one has version 1, so its translations are outdated. */
        int version = sp->dated ? sp->day : 1;
        if (f == im->source) {
            sb_addf(&text, "version: %d\n", version);
        } else {
            /* Updated before the source text: translated from an earlier version of it. */
            int from = version;
            if (!tp->dated || !sp->dated || tp->updated_ms < sp->updated_ms) {
                from = tp->dated && tp->day < version - 1 ? tp->day : version - 1;
                if (from < 0)
                    from = 0;
                ls->outdated++;
                sb_addf(&im->outdated, "  %s: %d %s (%s updated %s, %s %s)\n", lang_name(im, f), in->code, sp->title,
                        lang_name(im, f), tp->dated ? tp->date : "at an unknown time", im->source_lang,
                        sp->dated ? sp->date : "at an unknown time");
            }
            sb_addf(&text, "translated-from: %d\nreview: %s\n", from, im->o->machine ? "machine" : "done");
        }
        sb_add(&text, "\n");
        if (body[0]) {
            sb_add(&text, body);
            sb_add(&text, "\n");
        }
        in->texts[1 + k] = sb_take(&text);
        ok = in->texts[1 + k] != NULL;
    }
    free(body);
    free(title);
    free(summary);
    if (body)
        import_html_info_free(&info);
    return ok || err_set(e, "out of memory converting page %ld", tp->id);
}

static bool convert_pages(importer *im, err *e)
{
    import_summary *sum = im->sum;
    sum->lang_count = im->file_count;
    for (int k = 0; k < im->file_count; k++)
        snprintf(sum->langs[k].code, sizeof sum->langs[k].code, "%s", im->files[im->order[k]].lang);
    for (int i = 0; i < im->n; i++) {
        page_info *in = &im->info[i];
        if (in->left_out)
            continue;
        import_folder_name(&im->src[i], in->code, in->folder, sizeof in->folder);
        sum->pages++;
        sum->top_level += in->parent < 0;
        sum->topics += in->topic;
        in->texts[0] = page_file(im, i);
        if (!in->texts[0])
            return err_set(e, "out of memory");
        for (int k = 0; k < im->file_count; k++)
            if (!convert_text(im, i, k, e))
                return false;
    }
    for (int k = 0; k < im->file_count; k++) {
        const import_export *file = &im->files[im->order[k]];
        for (int t = 0; k && t < file->count; t++)
            sum->langs[k].unmatched += file->pages[t].match < 0;
    }
    return true;
}

static void compose_region(importer *im)
{
    sb *r = &im->region_file;
    const import_options *o = im->o;
    sb_add(r, "# Imported from Integreat by `wegweiser-pack import-integreat` (docs/integreat.md).\n"
              "# A new import replaces this folder's pages: change the content in Integreat.\n");
    sb_addf(r, "name: %s\nregion: %s\nversion: %s\npublisher: %s\n", o->name, im->region, im->version,
            o->publisher ? o->publisher : o->name);
    sb_addf(r, "contact: Source: Integreat, https://integreat.app/%s/%s/; licence: %s\n", im->region, im->source_lang,
            im->licence[0] ? im->licence : "ask the Integreat region");
    sb_addf(r, "source: %s\n", im->source_text);
    sb_addf(r, "demo: no\nsource-language: %s\n# language: code | native name | direction | script | digits\n",
            im->source_lang);
    for (int k = 0; k < im->file_count; k++) {
        char line[256];
        const char *code = im->files[im->order[k]].lang;
        if (!import_language_line(code, line, sizeof line))
            sb_addf(&im->problems, "  language '%s' is not in the importer's table: check its line in region.txt\n",
                    code);
        sb_addf(r, "language: %s\n", line);
    }
}

static void compose_report(importer *im)
{
    sb *r = &im->report;
    const import_summary *sum = im->sum;
    sb_addf(r, "Integreat import: %s (%s), version %s\n", im->o->name, im->region, im->version);
    sb_addf(r, "Source: %s\n", im->source_text);
    sb_add(r, "Files:");
    for (int f = 0; f < im->file_count; f++)
        sb_addf(r, "%s %s (%s, %d pages)", f ? "," : "", im->files[f].name, im->files[f].lang, im->files[f].count);
    sb_addf(r, "\n\nPages: %d (%d on the home screen, %d topics, %d articles)\n", sum->pages, sum->top_level,
            sum->topics, sum->pages - sum->topics);
    sb_add(r, "Texts per language:\n");
    for (int k = 0; k < sum->lang_count; k++) {
        const import_lang_summary *ls = &sum->langs[k];
        sb_addf(r, "  %-6s %d texts", ls->code, ls->texts);
        if (!k)
            sb_add(r, " (the source)");
        else
            sb_addf(r, ", %d outdated (last updated before the %s text), %d missing", ls->outdated, im->source_lang,
                    ls->missing);
        if (ls->unmatched)
            sb_addf(r, ", %d without a %s page (not imported)", ls->unmatched, im->source_lang);
        sb_add(r, "\n");
    }
    sb_addf(r,
            "Links: %d to imported pages, %d phone numbers, %d e-mail addresses, %d web addresses; %d addresses "
            "marked after a pin icon; %d links kept as text only\n",
            sum->page_links, sum->phone_links, sum->email_links, sum->web_links, sum->addresses, sum->unlinked);
    sb_addf(r, "Dropped: %d images (not available offline), %d decorative icons (", sum->images, sum->icons);
    for (int q = 0, first = 1; q < 8; q++)
        if (im->icon_kinds[q]) {
            sb_addf(r, "%s%s %d", first ? "" : ", ", IMPORT_ICON_NAMES[q], im->icon_kinds[q]);
            first = 0;
        }
    sb_add(r, ")\n");
    const struct {
        const sb *part;
        const char *heading;
    } parts[] = {
        {&im->problems, "Problems"},
        {&im->missing, "Missing translations (the kiosk says so and offers the page's languages)"},
        {&im->outdated, "Outdated translations"},
        {&im->images, "Images dropped (not available offline)"},
        {&im->links, "Links"},
    };
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        if (parts[k].part->len)
            sb_addf(r, "\n%s:\n%s", parts[k].heading, parts[k].part->s);
}

/* The pages into a new folder swapped in whole, then the files beside them. */
static bool write_outputs(importer *im, err *e)
{
    const char *out = im->o->out_dir;
    char path[IMPORT_PATH_BUF], pages_new[IMPORT_PATH_BUF], pages_old[IMPORT_PATH_BUF], pages_dir[IMPORT_PATH_BUF];
    snprintf(pages_new, sizeof pages_new, "%s/pages.import-new", out);
    snprintf(pages_old, sizeof pages_old, "%s/pages.import-old", out);
    snprintf(pages_dir, sizeof pages_dir, "%s/pages", out);
    if (!mkdir_p(out, e))
        return false;
    if (!remove_tree(pages_new) || !remove_tree(pages_old))
        return err_set(e, "cannot clear %s", pages_new);
    if (mkdir(pages_new, 0755) != 0)
        return err_set(e, "cannot make %s: %s", pages_new, strerror(errno));
    bool ok = true;
    for (int i = 0; ok && i < im->n; i++) {
        if (im->info[i].left_out)
            continue;
        char dir[IMPORT_PATH_BUF];
        snprintf(dir, sizeof dir, "%s/%s", pages_new, im->info[i].folder);
        if (mkdir(dir, 0755) != 0) {
            ok = err_set(e, "cannot make %s: %s", dir, strerror(errno));
            break;
        }
        snprintf(path, sizeof path, "%s/page.txt", dir);
        ok = write_text(path, im->info[i].texts[0], e);
        for (int k = 0; ok && k < im->file_count; k++)
            if (im->info[i].texts[1 + k]) {
                snprintf(path, sizeof path, "%s/%s.txt", dir, im->files[im->order[k]].lang);
                ok = write_text(path, im->info[i].texts[1 + k], e);
            }
    }
    struct stat st;
    if (!ok) {
        remove_tree(pages_new);
        return false;
    }
    if (stat(pages_dir, &st) == 0 && rename(pages_dir, pages_old) != 0)
        return err_set(e, "cannot move %s aside: %s", pages_dir, strerror(errno));
    if (rename(pages_new, pages_dir) != 0)
        return err_set(e, "cannot move %s into place: %s", pages_new, strerror(errno));
    if (!remove_tree(pages_old))
        return err_set(e, "cannot remove %s", pages_old);

    snprintf(path, sizeof path, "%s/region.txt", out);
    if (!write_text(path, im->region_file.s, e))
        return false;
    import_sort_codes(im);
    sb codes = {0};
    sb_add(&codes,
           "# Page codes of this Integreat import. `wegweiser-pack import-integreat` keeps each page's code on\n"
           "# every re-import (found by the page's Integreat id, else by the last part of its path) and never\n"
           "# gives a code to another page, also after a page was removed. Keep this file with the sources.\n"
           "# code | Integreat id (source language) | path\n");
    for (int k = 0; k < im->code_count; k++)
        sb_addf(&codes, "%d | %ld | %s\n", im->codes[k].code, im->codes[k].id, im->codes[k].path);
    char *text = sb_take(&codes);
    snprintf(path, sizeof path, "%s/%s", out, IMPORT_CODES_FILE);
    ok = text ? write_text(path, text, e) : err_set(e, "out of memory");
    free(text);
    snprintf(path, sizeof path, "%s/%s", out, IMPORT_REPORT_FILE);
    ok = ok && write_text(path, im->report.s, e);
    if (ok && !im->tiles_file) {
        sb tiles = {0};
        sb_add(&tiles, "# Shorter titles for the home-screen tiles, kept on every re-import: one line each,\n"
                       "# code | language | tile title. `wegweiser-pack check` names the titles too long for a tile.\n"
                       "# The pages on the home screen, as imported (remove the # to give one a shorter title):\n");
        for (int i = 0; i < im->n; i++)
            if (im->info[i].parent < 0 && !im->info[i].left_out)
                for (int k = 0; k < im->file_count; k++) {
                    int t = im->info[i].trans[im->order[k]];
                    const ig_page *page = t >= 0 ? &im->files[im->order[k]].pages[t] : NULL;
                    char *title = page ? import_header_value(page->title, IMPORT_TITLE_MAX, NULL) : NULL;
                    if (title)
                        sb_addf(&tiles, "# %d | %s | %s\n", im->info[i].code, lang_name(im, im->order[k]), title);
                    free(title);
                }
        text = sb_take(&tiles);
        snprintf(path, sizeof path, "%s/%s", out, IMPORT_TILE_TITLES_FILE);
        ok = text ? write_text(path, text, e) : err_set(e, "out of memory");
        free(text);
    }
    if (ok && im->o->licence_file) {
        size_t len;
        text = read_all(im->o->licence_file, &len, e);
        snprintf(path, sizeof path, "%s/LICENSE-integreat.txt", out);
        ok = text && write_bytes(path, text, len, e); /* a copy, byte for byte */
        free(text);
    }
    return ok;
}

static void importer_free(importer *im)
{
    free(im->tiles);
    if (im->info) {
        for (int i = 0; i < im->n; i++)
            for (int k = 0; k <= im->file_count; k++)
                free(im->info[i].texts[k]);
        free(im->info[0].trans);
        free(im->info[0].texts);
    }
    free(im->info);
    free(im->paths);
    for (int k = 0; k < im->slug_count; k++)
        free((char *)im->slugs[k].path);
    free(im->slugs);
    free(im->codes);
    for (int f = 0; f < im->file_count; f++)
        import_export_clear(&im->files[f]);
    free(im->files);
    free(im->licence);
    free(im->source_text);
    sb *parts[] = {&im->problems, &im->missing, &im->outdated, &im->images, &im->links, &im->region_file, &im->report};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        sb_free(parts[k]);
}

bool import_integreat(const import_options *o, import_summary *sum, err *e)
{
    memset(sum, 0, sizeof *sum);
    if (!o->name || !o->out_dir || o->file_count < 1)
        return err_set(e, "needs a name, an output folder and at least one pages export");
    if (o->file_count > PACK_LANGUAGES_MAX)
        return err_set(e, "at most %d languages", PACK_LANGUAGES_MAX);
    /* What staff give goes into region.txt as it is: refused unless `check` takes it whole. */
    if (!import_check_option("the name", o->name, IMPORT_FIELD_MAX(name), e) ||
        (o->publisher && !import_check_option("the publisher", o->publisher, IMPORT_FIELD_MAX(publisher), e)))
        return false;
    if (o->version && (!o->version[0] || strlen(o->version) > IMPORT_FIELD_MAX(version) ||
                       strspn(o->version, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_") !=
                           strlen(o->version)))
        return err_set(e, "the version must be one word of at most %zu letters, digits, '.', '-' or '_' "
                          "(2024-01-23, 2024-01-23.2)",
                       IMPORT_FIELD_MAX(version));
    if (o->source_language && !import_valid_lang(o->source_language))
        return err_set(e, "the source language must be a language code such as de");
    if (strlen(o->out_dir) > IMPORT_OUT_DIR_MAX)
        return err_set(e, "the output folder's path is too long (%zu bytes; at most %d)", strlen(o->out_dir),
                       IMPORT_OUT_DIR_MAX);
    importer im = {.o = o, .sum = sum, .source = -1, .source_lang = o->source_language ? o->source_language : "de"};
    bool previous, ok = load_exports(&im, e) && check_out_dir(o->out_dir, &previous, e);
    if (ok) {
        char path[IMPORT_PATH_BUF];
        snprintf(path, sizeof path, "%s/%s", o->out_dir, IMPORT_CODES_FILE);
        ok = import_read_codes(&im, path, e);
        snprintf(path, sizeof path, "%s/%s", o->out_dir, IMPORT_TILE_TITLES_FILE);
        ok = ok && import_read_tile_titles(&im, path, e);
    }
    if (ok) {
        import_build_tree(&im, &im.problems);
        import_match_translations(&im, &im.problems);
        ok = import_assign_codes(&im, &sum->new_codes) || err_set(e, "out of page codes");
    }
    ok = ok && import_build_link_table(&im, e) && settle_metadata(&im, e) && convert_pages(&im, e);
    for (int k = 0; ok && k < im.tile_count; k++)
        if (!im.tiles[k].used)
            sb_addf(&im.problems, "  %s:%d: page %d has no %s text in this import: its tile title is not used\n",
                    IMPORT_TILE_TITLES_FILE, im.tiles[k].line, im.tiles[k].code, im.tiles[k].lang);
    if (ok) {
        compose_region(&im);
        compose_report(&im);
        sb *parts[] = {&im.problems, &im.missing, &im.outdated, &im.images, &im.links, &im.region_file, &im.report};
        for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
            if (parts[k]->oom)
                ok = err_set(e, "out of memory");
    }
    ok = ok && write_outputs(&im, e);
    if (ok)
        sum->report = sb_take(&im.report);
    importer_free(&im);
    return ok;
}

void import_summary_free(import_summary *sum)
{
    free(sum->report);
    sum->report = NULL;
}

int import_main(int argc, char **argv)
{
    static const char help[] =
        "usage: wegweiser-pack import-integreat --name NAME -o DIR [options] EXPORT.json...\n"
        "Turns Integreat page exports (its public pages API, one JSON file per language, e.g.\n"
        "de.pages.json en.pages.json) into content sources in DIR (content/README.md): the page tree and\n"
        "order, the texts as markup, codes that stay the same on every re-import (kept in\n"
        "DIR/" IMPORT_CODES_FILE "), translation state from the update times, and DIR/" IMPORT_REPORT_FILE
        "\n"
        "with what was dropped (images, icons) or is missing. It is printed too. docs/integreat.md.\n"
        "  --name NAME              the region's name on the kiosk (required)\n"
        "  -o DIR                   the output folder: new, empty, or an earlier import (required)\n"
        "  --region R               the region's short name (default: from the pages' paths)\n"
        "  --source-language L      the language the others are translated from (default: de)\n"
        "  --publisher TEXT         who publishes the content (default: the name)\n"
        "  --licence TEXT           the content's licence, named in region.txt and the pack\n"
        "  --licence-file FILE      the licence file: its first lines name it, and it is copied to DIR\n"
        "  --version V              the pack version (default: the date of the newest page)\n"
        "  --machine                mark translations as machine drafts awaiting review\n"
        "The language of an export comes from its pages' paths (/region/de/...), else from the file name.\n"
        "Exit status 0 on success, 1 when the import failed, 2 for wrong usage.\n";
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(help, stdout);
            return 0;
        }
    import_options o = {0};
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files)
        return 1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (next && !strcmp(a, "--name"))
            o.name = argv[++i];
        else if (next && !strcmp(a, "-o"))
            o.out_dir = argv[++i];
        else if (next && !strcmp(a, "--region"))
            o.region = argv[++i];
        else if (next && !strcmp(a, "--source-language"))
            o.source_language = argv[++i];
        else if (next && !strcmp(a, "--publisher"))
            o.publisher = argv[++i];
        else if (next && !strcmp(a, "--licence"))
            o.licence = argv[++i];
        else if (next && !strcmp(a, "--licence-file"))
            o.licence_file = argv[++i];
        else if (next && !strcmp(a, "--version"))
            o.version = argv[++i];
        else if (!strcmp(a, "--machine"))
            o.machine = true;
        else if (a[0] != '-')
            files[o.file_count++] = a;
        else {
            fprintf(stderr, "wegweiser-pack import-integreat: unexpected '%s'\n%s", a, help);
            free(files);
            return 2;
        }
    }
    o.files = files;
    if (!o.name || !o.out_dir || !o.file_count) {
        fputs(help, stderr);
        free(files);
        return 2;
    }
    err e;
    import_summary sum;
    bool ok = import_integreat(&o, &sum, &e);
    free(files);
    if (!ok) {
        fprintf(stderr, "wegweiser-pack import-integreat: %s\n", e.msg);
        return 1;
    }
    fputs(sum.report, stdout);
    printf("\nWrote %s (%d pages, %d new codes); report in %s/%s. Next: wegweiser-pack check %s\n", o.out_dir,
           sum.pages, sum.new_codes, o.out_dir, IMPORT_REPORT_FILE, o.out_dir);
    import_summary_free(&sum);
    return 0;
}
