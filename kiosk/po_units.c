/* The sources of one language cut into units, each paired with the German it translates and
 * given a state (po_private.h). Which German a unit was translated from comes from the record
 * translated-from/<lang>.txt that po-import keeps; a text with no line there falls back to its
 * file's header (translated-from, review), as `check` sees it. */
#include "po_private.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *po_kind_what(po_kind k)
{
    static const char *const what[] = {"title", "tile-title", "summary", "heading", "item", "paragraph"};
    return what[k];
}

void po_hash(const char *text, char out[PO_HASH])
{
    unsigned char digest[16];
    crypto_generichash(digest, sizeof digest, (const unsigned char *)text, strlen(text), NULL, 0);
    sodium_bin2hex(out, PO_HASH, digest, 4);
}

long po_words(const char *text)
{
    long n = 0;
    bool in = false;
    for (const char *p = text; p && *p; p++) {
        bool space = *p == ' ' || *p == '\n' || *p == '\t';
        if (!space && !in)
            n++;
        in = !space;
    }
    return n;
}

/* A line's length without trailing blanks, as the kiosk reads it. */
static size_t trimmed(const char *p, size_t len)
{
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\r' || p[len - 1] == '\t'))
        len--;
    return len;
}

static bool add_block(po_block **b, int *n, int *cap, po_kind kind, const char *body, size_t start, size_t end,
                      size_t content, int line)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        po_block *bigger = realloc(*b, (size_t)*cap * sizeof *bigger);
        if (!bigger)
            return false;
        *b = bigger;
    }
    po_block *x = &(*b)[*n];
    *x = (po_block){kind, start, end, content, line, malloc(end - content + 1)};
    if (!x->text)
        return false;
    /* The words, each line without its trailing blanks. */
    size_t k = 0;
    for (size_t i = content; i < end;) {
        const char *nl = memchr(body + i, '\n', end - i);
        size_t len = nl ? (size_t)(nl - (body + i)) : end - i;
        size_t keep = trimmed(body + i, len);
        memcpy(x->text + k, body + i, keep);
        k += keep;
        i += len;
        if (nl) {
            x->text[k++] = '\n';
            i++;
        }
    }
    x->text[k] = 0;
    (*n)++;
    return true;
}

int po_split_body(const char *body, po_block **out)
{
    po_block *b = NULL;
    int n = 0, cap = 0, line = 1, para_line = 0;
    size_t para_start = 0, para_end = 0;
    bool in_para = false, ok = true;
    for (size_t i = 0; ok && body[i];) {
        const char *p = body + i;
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t n_trim = trimmed(p, len);
        bool heading = !strncmp(p, "# ", 2) || !strncmp(p, "## ", 3);
        bool item = !strncmp(p, "- ", 2);
        if ((n_trim == 0 || heading || item) && in_para) {
            ok = add_block(&b, &n, &cap, PO_PARAGRAPH, body, para_start, para_end, para_start, para_line);
            in_para = false;
        }
        if (ok && (heading || item)) {
            size_t prefix = item ? 2 : p[1] == ' ' ? 2 : 3;
            ok = add_block(&b, &n, &cap, item ? PO_ITEM : PO_HEADING, body, i, i + n_trim, i + prefix, line);
        } else if (n_trim) {
            if (!in_para) {
                in_para = true;
                para_start = i;
                para_line = line;
            }
            para_end = i + n_trim;
        }
        i += len + (nl ? 1 : 0);
        line++;
    }
    if (ok && in_para)
        ok = add_block(&b, &n, &cap, PO_PARAGRAPH, body, para_start, para_end, para_start, para_line);
    if (!ok) {
        po_blocks_free(b, n);
        return -1;
    }
    *out = b;
    return n;
}

void po_blocks_free(po_block *b, int n)
{
    for (int i = 0; i < n; i++)
        free(b[i].text);
    free(b);
}

/* ---- the record: translated-from/<lang>.txt ---- */

static bool read_record(po_set *set, err *e)
{
    FILE *f = fopen(set->record_path, "r");
    if (!f)
        return true; /* none yet: every text follows its header */
    set->record_exists = true;
    char line[512];
    int number = 0, cap = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        number++;
        char *l = pack_src_trim(line);
        l[strcspn(l, "\n")] = 0;
        if (!*l || *l == '#')
            continue;
        po_record_line r = {0};
        char state[16];
        if (sscanf(l, "%15s %31s %8s %8s %15s", r.code, r.label, r.th, r.gh, state) != 5 ||
            (strcmp(state, "done") && strcmp(state, "machine"))) {
            ok = err_set(e, "%s:%d: expected 'PAGE UNIT TRANSLATION-HASH GERMAN-HASH done|machine'", set->record_path,
                         number);
            break;
        }
        r.done = !strcmp(state, "done");
        if (set->record_count == cap) {
            cap = cap ? cap * 2 : 256;
            po_record_line *bigger = realloc(set->record, (size_t)cap * sizeof *bigger);
            if (!bigger) {
                ok = err_set(e, "out of memory");
                break;
            }
            set->record = bigger;
        }
        set->record[set->record_count++] = r;
    }
    fclose(f);
    return ok;
}

/* Body units are found by what the translation says, so a block moved or added by hand keeps
 * or loses its line honestly; fields by their name. */
static const po_record_line *record_find(const po_set *set, const char *code, const char *label, const char *th)
{
    bool body = strcmp(label, "title") && strcmp(label, "tile-title") && strcmp(label, "summary");
    for (int i = 0; i < set->record_count; i++) {
        const po_record_line *r = &set->record[i];
        if (strcmp(r->code, code) || strcmp(r->th, th))
            continue;
        bool r_body = strcmp(r->label, "title") && strcmp(r->label, "tile-title") && strcmp(r->label, "summary");
        if (body ? r_body : !strcmp(r->label, label))
            return r;
    }
    return NULL;
}

/* ---- units ---- */

static po_unit *add_unit(po_page *pg, po_kind kind, const char *label, const char *german)
{
    po_unit *bigger = realloc(pg->units, (size_t)(pg->unit_count + 1) * sizeof *bigger);
    if (!bigger)
        return NULL;
    pg->units = bigger;
    po_unit *u = &pg->units[pg->unit_count++];
    memset(u, 0, sizeof *u);
    u->kind = kind;
    snprintf(u->label, sizeof u->label, "%s", label);
    u->german = german;
    po_hash(german, u->gh);
    u->block = -1;
    snprintf(u->from, sizeof u->from, "-");
    return u;
}

/* What a translated piece says about its German: the record's line, else its file's header
 * (current: made from `positional`, the German at the same place). */
static void source_of(const po_set *set, const po_page *pg, const char *label, const char *text,
                      const char *positional, char from[PO_HASH], bool *done)
{
    char th[PO_HASH];
    po_hash(text, th);
    const po_record_line *r = record_find(set, pg->page->page.code, label, th);
    if (r) {
        snprintf(from, PO_HASH, "%s", r->gh);
        *done = r->done;
        return;
    }
    bool current = pg->tr->translated_from >= pg->de->version;
    if (current && positional)
        po_hash(positional, from);
    else
        snprintf(from, PO_HASH, "-");
    *done = strcmp(pg->tr->review, "machine") != 0;
}

static void set_state(po_unit *u)
{
    if (!u->text || !*u->text)
        u->state = PO_MISSING;
    else if (strcmp(u->from, u->gh))
        u->state = PO_OUTDATED;
    else
        u->state = u->done ? PO_REVIEWED : PO_MACHINE;
}

/* Pairs German blocks with translation blocks: first those whose record says they were made
 * from exactly this German (longest common subsequence, so order is kept), then the rest in
 * order between them. A changed German paragraph so keeps its old translation, outdated. */
static bool pair_blocks(po_page *pg, const char (*from)[PO_HASH], int *pair)
{
    int n = pg->gcount, m = pg->tcount;
    for (int j = 0; j < n; j++)
        pair[j] = -1;
    int *len = calloc((size_t)(n + 1) * (size_t)(m + 1), sizeof *len);
    char (*gh)[PO_HASH] = calloc(n ? (size_t)n : 1, sizeof *gh);
    if (!len || !gh) {
        free(len);
        free(gh);
        return false;
    }
    for (int j = 0; j < n; j++)
        po_hash(pg->gblocks[j].text, gh[j]);
#define L(a, b) len[(size_t)(a) * (size_t)(m + 1) + (size_t)(b)]
    for (int j = n - 1; j >= 0; j--)
        for (int k = m - 1; k >= 0; k--) {
            L(j, k) = !strcmp(gh[j], from[k]) ? L(j + 1, k + 1) + 1
                                           : (L(j + 1, k) > L(j, k + 1) ? L(j + 1, k) : L(j, k + 1));
        }
    for (int j = 0, k = 0; j < n && k < m;) {
        if (!strcmp(gh[j], from[k]) && L(j, k) == L(j + 1, k + 1) + 1)
            pair[j++] = k++;
        else if (L(j + 1, k) >= L(j, k + 1))
            j++;
        else
            k++;
    }
#undef L
    free(len);
    free(gh);
    /* The gaps between anchors, in order. */
    int last_k = -1;
    for (int j = 0; j < n;) {
        if (pair[j] >= 0) {
            last_k = pair[j++];
            continue;
        }
        int j_end = j;
        while (j_end < n && pair[j_end] < 0)
            j_end++;
        int k_end = j_end < n ? pair[j_end] : m;
        for (int jj = j, k = last_k + 1; jj < j_end && k < k_end; jj++, k++)
            pair[jj] = k;
        j = j_end;
    }
    return true;
}

static bool cut_page(po_set *set, po_page *pg)
{
    src_text *de = pg->de, *tr = pg->tr;
    if ((pg->gcount = po_split_body(de->body, &pg->gblocks)) < 0 ||
        (tr && (pg->tcount = po_split_body(tr->body, &pg->tblocks)) < 0)) {
        pg->gcount = pg->tcount = 0;
        return false;
    }
    struct field {
        po_kind kind;
        const char *label, *german, *text;
    } fields[] = {
        {PO_TITLE, "title", de->title, tr ? tr->title : NULL},
        {PO_TILE_TITLE, "tile-title", de->tile_title, tr ? tr->tile_title : NULL},
        {PO_SUMMARY, "summary", de->summary, tr ? tr->summary : NULL},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].german || !*fields[i].german)
            continue;
        po_unit *u = add_unit(pg, fields[i].kind, fields[i].label, fields[i].german);
        if (!u)
            return false;
        if (set->lang && fields[i].text && *fields[i].text) {
            u->text = fields[i].text;
            source_of(set, pg, u->label, u->text, u->german, u->from, &u->done);
        }
        set_state(u);
    }
    char (*from)[PO_HASH] = calloc(pg->tcount ? (size_t)pg->tcount : 1, sizeof *from);
    bool *done = calloc(pg->tcount ? (size_t)pg->tcount : 1, sizeof *done);
    int *pair = malloc((pg->gcount ? (size_t)pg->gcount : 1) * sizeof *pair);
    bool ok = from && done && pair;
    for (int k = 0; ok && k < pg->tcount; k++) {
        char label[32];
        snprintf(label, sizeof label, "block-%d", k + 1);
        source_of(set, pg, label, pg->tblocks[k].text, k < pg->gcount ? pg->gblocks[k].text : NULL, from[k], &done[k]);
    }
    ok = ok && pair_blocks(pg, (const char(*)[PO_HASH])from, pair);
    int ordinal[6] = {0};
    for (int j = 0; ok && j < pg->gcount; j++) {
        po_block *g = &pg->gblocks[j];
        char label[32];
        snprintf(label, sizeof label, "%s-%d", po_kind_what(g->kind), ++ordinal[g->kind]);
        po_unit *u = add_unit(pg, g->kind, label, g->text);
        if (!u) {
            ok = false;
            break;
        }
        if (set->lang && pair[j] >= 0) {
            u->block = pair[j];
            u->text = pg->tblocks[pair[j]].text;
            snprintf(u->from, sizeof u->from, "%s", from[pair[j]]);
            u->done = done[pair[j]];
        }
        set_state(u);
    }
    free(from);
    free(done);
    free(pair);
    return ok;
}

static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, path, n);
        out[n] = 0;
    }
    return out;
}

bool po_set_read(po_set *set, const char *src_dir, const char *lang, err *e)
{
    memset(set, 0, sizeof *set);
    set->s.dir = src_dir;
    set->s.report = &set->report;
    if (sodium_init() < 0)
        return err_set(e, "cannot start libsodium");
    if (!pack_src_read(&set->s)) {
        for (int i = 0; i < set->report.count; i++)
            if (set->report.problems[i].error)
                return err_set(e, "%s (and %d more errors: run wegweiser-pack check %s)", set->report.problems[i].text,
                               set->report.errors - 1, src_dir);
        return err_set(e, "%s: the sources have errors: run wegweiser-pack check %s", src_dir, src_dir);
    }
    for (int l = 0; l < set->s.language_count; l++) {
        if (!strcmp(set->s.languages[l].code, set->s.meta.source_language))
            set->source = &set->s.languages[l];
        if (lang && !strcmp(set->s.languages[l].code, lang))
            set->lang = &set->s.languages[l];
    }
    if (lang && !set->lang) {
        char list[400] = "";
        for (int l = 0; l < set->s.language_count; l++)
            snprintf(list + strlen(list), sizeof list - strlen(list), " %s", set->s.languages[l].code);
        return err_set(e, "%s/region.txt has no language '%s' (it has:%s)", src_dir, lang, list);
    }
    if (set->lang && set->lang == set->source)
        return err_set(e, "%s is the source language: translators get the template (--pot) or a PO of another "
                          "language", lang);
    if (set->lang) {
        size_t size = strlen(src_dir) + strlen(lang) + 32;
        set->record_path = malloc(size);
        if (!set->record_path)
            return err_set(e, "out of memory");
        snprintf(set->record_path, size, "%s/translated-from/%s.txt", src_dir, lang);
        if (!read_record(set, e))
            return false;
    }
    set->pages = calloc(set->s.page_count ? (size_t)set->s.page_count : 1, sizeof *set->pages);
    if (!set->pages)
        return err_set(e, "out of memory");
    for (int i = 0; i < set->s.page_count; i++) {
        src_page *sp = &set->s.pages[i];
        po_page *pg = &set->pages[set->page_count];
        memset(pg, 0, sizeof *pg);
        for (int t = 0; t < sp->text_count; t++) {
            if (!strcmp(sp->texts[t].lang, set->source->code))
                pg->de = &sp->texts[t];
            else if (set->lang && !strcmp(sp->texts[t].lang, set->lang->code))
                pg->tr = &sp->texts[t];
        }
        if (!pg->de)
            continue;
        pg->page = sp;
        set->page_count++;
        if (set->lang) {
            char *folder = folder_of(pg->de->path);
            size_t size = (folder ? strlen(folder) : 0) + strlen(set->lang->code) + 8;
            pg->tr_path = folder ? malloc(size) : NULL;
            if (pg->tr_path)
                snprintf(pg->tr_path, size, "%s/%s.txt", folder, set->lang->code);
            free(folder);
            if (!pg->tr_path)
                return err_set(e, "out of memory");
        }
        if (!cut_page(set, pg))
            return err_set(e, "out of memory");
    }
    return true;
}

void po_set_free(po_set *set)
{
    for (int i = 0; i < set->page_count; i++) {
        po_page *pg = &set->pages[i];
        for (int u = 0; u < pg->unit_count; u++)
            free(pg->units[u].new_text);
        free(pg->units);
        po_blocks_free(pg->gblocks, pg->gcount);
        po_blocks_free(pg->tblocks, pg->tcount);
        free(pg->tr_path);
    }
    free(set->pages);
    free(set->record);
    free(set->record_path);
    free(set->name_change);
    pack_src_free(&set->s);
    pack_report_free(&set->report);
}
