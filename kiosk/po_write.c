/* Writing an import back into the sources (po_private.h): only the files where a unit changed,
 * each changed in the lines of its units and nothing else (other keys, blocks the PO does not
 * name, blank lines, a byte order mark stay as they were), each replaced whole through a
 * temporary file; then the record translated-from/<lang>.txt, when it says something new. */
#include "po_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sb.h"

/* Replaces `path` whole with `data`: a reader sees the old file or the new one. */
static bool replace_file(const char *path, const char *data, size_t len, err *e)
{
    size_t size = strlen(path) + 8;
    char *tmp = malloc(size);
    if (!tmp)
        return err_set(e, "out of memory");
    snprintf(tmp, size, "%s.tmp~", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        err_set(e, "%s: cannot write it: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return false;
    }
    free(tmp);
    return true;
}

/* What a unit says after the import. */
static const char *text_of(const po_unit *u) { return u->touched ? u->new_text : u->text; }
static bool done_of(const po_unit *u) { return u->touched ? u->new_done : u->done; }
static const char *from_of(const po_unit *u) { return u->touched ? u->gh : u->from; }

static bool all_current(const po_page *pg)
{
    for (int k = 0; k < pg->unit_count; k++) {
        const po_unit *u = &pg->units[k];
        if (!text_of(u) || strcmp(from_of(u), u->gh))
            return false;
    }
    return true;
}

static bool all_done(const po_page *pg)
{
    for (int k = 0; k < pg->unit_count; k++)
        if (text_of(&pg->units[k]) && !done_of(&pg->units[k]))
            return false;
    return true;
}

static const po_unit *field(const po_page *pg, po_kind kind)
{
    for (int k = 0; k < pg->unit_count; k++)
        if (pg->units[k].kind == kind)
            return &pg->units[k];
    return NULL;
}

/* ---- the header: key lines up to the first empty one ---- */

typedef struct header_edit {
    const char *key;
    char value[600];
} header_edit;

/* Writes the header with each edit's key set (its line replaced, or added at the end). */
static void edit_header(sb *out, const char *head, size_t len, const header_edit *edits, int count)
{
    bool done[8] = {false};
    for (size_t i = 0; i < len;) {
        const char *line = head + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        size_t key_len = strcspn(line, ":\n");
        while (key_len && (line[key_len - 1] == ' ' || line[key_len - 1] == '\t'))
            key_len--;
        const char *key = line;
        while (key_len && (*key == ' ' || *key == '\t'))
            key++, key_len--;
        int hit = -1;
        for (int k = 0; k < count && hit < 0; k++)
            if (!done[k] && strlen(edits[k].key) == key_len && !strncmp(key, edits[k].key, key_len))
                hit = k;
        if (hit >= 0) {
            done[hit] = true;
            sb_add(out, edits[hit].key);
            sb_add(out, ": ");
            sb_add(out, edits[hit].value);
            sb_add(out, n && line[n - 1] == '\r' ? "\r\n" : "\n");
        } else {
            sb_addn(out, line, n);
            if (nl)
                sb_add(out, "\n");
        }
        i += n + (nl ? 1 : 0);
    }
    for (int k = 0; k < count; k++)
        if (!done[k]) {
            if (out->len && out->s[out->len - 1] != '\n')
                sb_add(out, "\n");
            sb_add(out, edits[k].key);
            sb_add(out, ": ");
            sb_add(out, edits[k].value);
            sb_add(out, "\n");
        }
}

size_t po_body_offset(const char *raw, size_t len, size_t *header_end)
{
    size_t i = len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3) ? 3 : 0;
    *header_end = len;
    while (i < len) {
        const char *nl = memchr(raw + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (raw + i)) : len - i, k = 0;
        while (k < n && (raw[i + k] == ' ' || raw[i + k] == '\t' || raw[i + k] == '\r'))
            k++;
        if (k == n) {
            *header_end = i;
            return i + n + (nl ? 1 : 0);
        }
        i += n + (nl ? 1 : 0);
    }
    return len;
}

/* ---- the body ---- */

static const char *prefix_of(po_kind kind, const po_page *pg, const po_unit *u)
{
    if (kind == PO_ITEM)
        return "- ";
    if (kind != PO_HEADING)
        return "";
    /* The German's level of heading. */
    for (int j = 0; j < pg->gcount; j++)
        if (pg->gblocks[j].text == u->german)
            return pg->de->body[pg->gblocks[j].start + 1] == ' ' ? "# " : "## ";
    return "## ";
}

static bool blank_in(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '\n') {
            size_t k = i + 1;
            while (k < n && (s[k] == ' ' || s[k] == '\r' || s[k] == '\t'))
                k++;
            if (k < n && s[k] == '\n')
                return true;
        }
    return false;
}

/* A new block after the last one written: an empty line before it, but between items. */
static void put_new(sb *out, const po_page *pg, const po_unit *u, po_kind prev, bool first)
{
    if (!first)
        sb_add(out, u->kind == PO_ITEM && prev == PO_ITEM ? "\n" : "\n\n");
    sb_add(out, prefix_of(u->kind, pg, u));
    sb_add(out, u->new_text);
}

/* The translation's body with replaced blocks and, after the block of the German unit before
 * them, the units it did not have. `body` is the body as in the file. */
static void build_body(sb *out, const po_page *pg, const char *body, size_t len)
{
    int m = pg->tcount;
    /* anchor[u] = the translation block a new unit goes after (-1: the start). */
    int anchor = -1;
    const po_unit **inserts = calloc((size_t)pg->unit_count + 1, sizeof *inserts);
    int *after = calloc((size_t)pg->unit_count + 1, sizeof *after);
    int insert_count = 0;
    if (!inserts || !after) {
        out->oom = true;
        free(inserts);
        free(after);
        return;
    }
    for (int k = 0; k < pg->unit_count; k++) {
        const po_unit *u = &pg->units[k];
        if (u->kind < PO_HEADING)
            continue;
        if (u->block >= 0)
            anchor = u->block;
        else if (u->touched) {
            inserts[insert_count] = u;
            after[insert_count++] = anchor;
        }
    }
    size_t pos = 0;
    po_kind prev = PO_PARAGRAPH;
    bool first = m == 0;
    for (int i = 0; i < insert_count && after[i] == -1; i++) {
        put_new(out, pg, inserts[i], prev, first);
        first = false;
        prev = inserts[i]->kind;
        if (m == 0 && i + 1 == insert_count)
            sb_add(out, "\n");
    }
    if (m > 0 && insert_count && after[0] == -1) {
        /* before the first block: what came before it, then the first block after an empty line */
        size_t lead = pg->tblocks[0].start;
        sb_addn(out, body, lead);
        sb_add(out, prev == PO_ITEM && pg->tblocks[0].kind == PO_ITEM ? "\n" : "\n\n");
        pos = lead;
    }
    for (int k = 0; k < m; k++) {
        const po_block *b = &pg->tblocks[k];
        sb_addn(out, body + pos, b->start - pos);
        const po_unit *replaced = NULL;
        for (int u = 0; u < pg->unit_count && !replaced; u++)
            if (pg->units[u].block == k && pg->units[u].touched && pg->units[u].kind >= PO_HEADING)
                replaced = &pg->units[u];
        if (replaced) {
            sb_addn(out, body + b->start, b->content - b->start);
            sb_add(out, replaced->new_text);
        } else {
            sb_addn(out, body + b->start, b->end - b->start);
        }
        pos = b->end;
        prev = b->kind;
        for (int i = 0; i < insert_count; i++) {
            if (after[i] != k)
                continue;
            put_new(out, pg, inserts[i], prev, false);
            prev = inserts[i]->kind;
            /* A new paragraph must not run into a paragraph that follows on the next line. */
            if (prev == PO_PARAGRAPH && k + 1 < m && pg->tblocks[k + 1].kind == PO_PARAGRAPH &&
                !blank_in(body + pos, pg->tblocks[k + 1].start - pos))
                sb_add(out, "\n");
        }
    }
    if (m > 0)
        sb_addn(out, body + pos, len - pos);
    free(inserts);
    free(after);
}

/* ---- one page ---- */

static bool write_page(po_page *pg, int *files, err *e)
{
    size_t len = 0;
    char *raw = pg->tr ? pack_src_read_whole(pg->tr_path, &len, NULL) : NULL;
    if (pg->tr && !raw)
        return err_set(e, "%s: cannot read it again: %s", pg->tr_path, strerror(errno));
    const po_unit *title = field(pg, PO_TITLE);
    if (!pg->tr && !(title && title->touched)) {
        /* A new file needs a title before anything else of it can be shown. */
        for (int k = 0; k < pg->unit_count; k++)
            pg->units[k].touched = false;
        return true;
    }
    header_edit edits[8];
    int count = 0;
    for (po_kind kind = PO_TITLE; kind <= PO_SUMMARY; kind++) {
        const po_unit *u = field(pg, kind);
        if (u && u->touched) {
            edits[count].key = kind == PO_TITLE ? "title" : kind == PO_TILE_TITLE ? "tile-title" : "summary";
            snprintf(edits[count++].value, sizeof edits[0].value, "%s", u->new_text);
        }
    }
    int from = pg->tr ? pg->tr->translated_from : 0;
    if (all_current(pg))
        from = pg->de->version;
    if (!pg->tr || from != pg->tr->translated_from) {
        edits[count].key = "translated-from";
        snprintf(edits[count++].value, sizeof edits[0].value, "%d", from);
    }
    const char *review = all_done(pg) ? "done" : "machine";
    if (!pg->tr || strcmp(review, pg->tr->review)) {
        edits[count].key = "review";
        snprintf(edits[count++].value, sizeof edits[0].value, "%s", review);
    }
    sb out = {0};
    sb_addn(&out, "", 0);
    size_t head_len = 0, body_at = raw ? po_body_offset(raw, len, &head_len) : 0;
    /* A byte order mark stays, before the header it is not part of. */
    size_t bom = raw && len >= 3 && !memcmp(raw, "\xEF\xBB\xBF", 3) ? 3 : 0;
    sb_addn(&out, raw ? raw : "", bom);
    edit_header(&out, raw ? raw + bom : "", head_len - bom, edits, count);
    sb body = {0};
    sb_addn(&body, "", 0);
    build_body(&body, pg, raw ? raw + body_at : "", raw ? len - body_at : 0);
    if (raw && body_at <= len && head_len < len)
        sb_addn(&out, raw + head_len, body_at - head_len); /* the empty line as it was */
    else if (body.len)
        sb_add(&out, "\n");
    sb_addn(&out, body.s ? body.s : "", body.len);
    bool ok = !out.oom && !body.oom;
    if (!ok)
        err_set(e, "out of memory");
    else if (!raw || out.len != len || memcmp(out.s, raw, len)) {
        ok = replace_file(pg->tr_path, out.s, out.len, e);
        *files += ok;
    }
    free(out.s);
    free(body.s);
    free(raw);
    return ok;
}

/* ---- the record ---- */

static void record_line(sb *out, const char *code, const char *label, const char *text, const char *from, bool done)
{
    char th[PO_HASH], line[160];
    po_hash(text, th);
    snprintf(line, sizeof line, "%s %s %s %s %s\n", code, label, th, from, done ? "done" : "machine");
    sb_add(out, line);
}

/* Every translated unit of the language after the import. The record names body units by
 * their block in the translation as the import leaves it, so it reads the files again. */
static bool write_record(po_set *set, int *files, err *e)
{
    sb out = {0};
    sb_add(&out, "# Which German each unit of the ");
    sb_add(&out, set->lang->code);
    sb_add(&out, " translation was made from, and whether a person reviewed it (docs/translating.md).\n"
                 "# wegweiser-pack po-import keeps this file: PAGE UNIT TRANSLATION-HASH GERMAN-HASH done|machine\n");
    for (int i = 0; i < set->page_count; i++) {
        po_page *pg = &set->pages[i];
        const char *code = pg->page->page.code;
        bool written = pg->touched && (pg->tr || (field(pg, PO_TITLE) && field(pg, PO_TITLE)->touched));
        for (po_kind kind = PO_TITLE; kind <= PO_SUMMARY; kind++) {
            const po_unit *u = field(pg, kind);
            if (u && text_of(u) && (pg->tr || written))
                record_line(&out, code, u->label, text_of(u), from_of(u), done_of(u));
        }
        if (!pg->tr && !written)
            continue;
        /* The body's blocks as now in the file, each with the unit that made or kept it. */
        char *body = NULL;
        if (written) {
            size_t len, head;
            char *raw = pack_src_read_whole(pg->tr_path, &len, NULL);
            body = raw ? strdup(raw + po_body_offset(raw, len, &head)) : NULL;
            free(raw);
        } else {
            body = strdup(pg->tr->body);
        }
        po_block *blocks = NULL;
        int n = body ? po_split_body(body, &blocks) : -1;
        for (int k = 0; k < n; k++) {
            const po_unit *u = NULL;
            for (int x = 0; x < pg->unit_count && !u; x++)
                if (pg->units[x].kind >= PO_HEADING && text_of(&pg->units[x]) &&
                    !strcmp(text_of(&pg->units[x]), blocks[k].text))
                    u = &pg->units[x];
            char label[32];
            snprintf(label, sizeof label, "block-%d", k + 1);
            if (u)
                record_line(&out, code, label, blocks[k].text, from_of(u), done_of(u));
        }
        if (n > 0)
            po_blocks_free(blocks, n);
        free(body);
    }
    bool ok = !out.oom;
    size_t old_len = 0;
    char *old = ok ? pack_src_read_whole(set->record_path, &old_len, NULL) : NULL;
    if (!ok)
        err_set(e, "out of memory");
    else if (!old || old_len != out.len || memcmp(old, out.s, out.len)) {
        char *slash = strrchr(set->record_path, '/');
        *slash = 0;
        mkdir(set->record_path, 0755);
        *slash = '/';
        ok = replace_file(set->record_path, out.s, out.len, e);
        *files += ok;
    }
    free(old);
    free(out.s);
    return ok;
}

static bool write_name(po_set *set, int *files, err *e)
{
    size_t size = strlen(set->s.dir) + 16, len;
    char *path = malloc(size);
    if (!path)
        return err_set(e, "out of memory");
    snprintf(path, size, "%s/region.txt", set->s.dir);
    char *raw = pack_src_read_whole(path, &len, NULL);
    sb out = {0};
    sb_addn(&out, "", 0);
    bool ok = raw != NULL || err_set(e, "%s: cannot read it", path);
    for (size_t i = 0; ok && i < len;) {
        const char *line = raw + i;
        const char *nl = memchr(line, '\n', len - i);
        size_t n = nl ? (size_t)(nl - line) : len - i;
        const char *bar = memchr(line, '|', n);
        const char *colon = memchr(line, ':', n);
        bool ours = false;
        if (!strncmp(line, "language:", 9) && bar && colon) {
            const char *c = colon + 1;
            while (*c == ' ')
                c++;
            size_t code_len = (size_t)(bar - c);
            while (code_len && c[code_len - 1] == ' ')
                code_len--;
            ours = code_len == strlen(set->lang->code) && !strncmp(c, set->lang->code, code_len);
        }
        if (ours) {
            const char *bar2 = memchr(bar + 1, '|', (size_t)(line + n - bar - 1));
            sb_addn(&out, line, (size_t)(bar - line) + 1);
            sb_add(&out, " ");
            sb_add(&out, set->name_change);
            sb_add(&out, " ");
            if (bar2)
                sb_addn(&out, bar2, (size_t)(line + n - bar2));
        } else {
            sb_addn(&out, line, n);
        }
        if (nl)
            sb_add(&out, "\n");
        i += n + (nl ? 1 : 0);
    }
    if (ok && !out.oom) {
        ok = replace_file(path, out.s, out.len, e);
        *files += ok;
    }
    free(out.s);
    free(raw);
    free(path);
    return ok;
}

bool po_write(po_set *set, int *files_written, err *e)
{
    *files_written = 0;
    bool any = set->name_change != NULL;
    for (int i = 0; i < set->page_count; i++)
        any |= set->pages[i].touched;
    if (!any)
        return true; /* an untouched PO: not a byte changes */
    for (int i = 0; i < set->page_count; i++)
        if (set->pages[i].touched && !write_page(&set->pages[i], files_written, e))
            return false;
    if (set->name_change && !write_name(set, files_written, e))
        return false;
    return write_record(set, files_written, e);
}
