/* The HTML → markup conversion of the Integreat import: libxml2's HTML parser reads a page's
 * content, a walk over its tree collects blocks (paragraphs, headings, items) of code points
 * with their bold flag and link, and each block is written as body markup
 * (content/README.md). The rules: docs/integreat.md. Its input is strict UTF-8 (import_json.c
 * cleans it); its output is too, and its notes are one clean line each. */
#include "import_private.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <strings.h>
#include <unicode/uchar.h>

const char *const IMPORT_ICON_NAMES[8] = {"pin", "call", "email", "www", "clock", "idea", "contact", "other"};

typedef enum link_kind { LINK_PAGE, LINK_TEL, LINK_MAIL, LINK_WEB, LINK_ADDR } link_kind;

typedef struct conv_link {
    link_kind kind;
    char *target; /* as written after "](": page:123, tel:+49…, mailto:…, https://…, addr */
    bool noted;   /* too long: said once in the notes */
} conv_link;

/* Blocks of the markup: a paragraph keeps its line breaks, the others are one line. */
typedef enum block_kind { BLOCK_PARA, BLOCK_H1, BLOCK_H2, BLOCK_BOLD, BLOCK_ITEM } block_kind;

typedef struct conv {
    /* The block being collected, one code point at a time with its bold flag and link. */
    block_kind kind;
    char prefix[16]; /* a numbered item's "3. " */
    uint32_t *cp;
    unsigned char *bold;
    int *link;
    int n, cap;
    int bold_depth, cur_link, addr_start, item_depth, list_depth, depth;
    int controls, bidi; /* control characters and bidi overrides dropped from the text */
    size_t word;        /* bytes of the word being written, as `check` counts them */
    int word_breaks, paragraph_splits;
    struct {
        bool ordered;
        int next;
    } lists[32];
    conv_link *links;
    int link_count, link_cap;
    block_kind last_kind;
    sb out, notes;
    char *summary;
    bool oom;
    import_resolve_fn resolve;
    void *user;
    import_html_info *info;
} conv;

static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

static void put(conv *c, uint32_t ch)
{
    if (c->n == c->cap) {
        if (c->cap > INT32_MAX / 8) {
            c->oom = true;
            return;
        }
        int cap = c->cap ? c->cap * 2 : 512;
        uint32_t *cp = realloc(c->cp, (size_t)cap * sizeof *cp);
        if (cp)
            c->cp = cp;
        unsigned char *bold = realloc(c->bold, (size_t)cap);
        if (bold)
            c->bold = bold;
        int *link = realloc(c->link, (size_t)cap * sizeof *link);
        if (link)
            c->link = link;
        if (!cp || !bold || !link) {
            c->oom = true;
            return;
        }
        c->cap = cap;
    }
    c->cp[c->n] = ch;
    c->bold[c->n] = c->bold_depth > 0;
    c->link[c->n] = c->cur_link;
    c->n++;
}

/* Text as HTML means it: any run of white space is one space; control characters go. */
static void add_text(conv *c, const char *s)
{
    while (*s) {
        uint32_t ch = utf8_next(&s);
        if (ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')
            put(c, ' ');
        else if (ch == 0x2028 || ch == 0x2029)
            put(c, '\n');
        else if (import_is_control(ch))
            c->controls++;
        else if (ch >= 0x202A && ch <= 0x202E)
            c->bidi++; /* an unclosed override turns the rest of the paragraph around */
        else
            put(c, ch);
    }
}

static int add_link(conv *c, link_kind kind, char *target)
{
    if (!target) {
        c->oom = true;
        return -1;
    }
    if (c->link_count == c->link_cap) {
        int cap = c->link_cap ? c->link_cap * 2 : 16;
        conv_link *bigger = realloc(c->links, (size_t)cap * sizeof *bigger);
        if (!bigger) {
            free(target);
            c->oom = true;
            return -1;
        }
        c->links = bigger;
        c->link_cap = cap;
    }
    c->links[c->link_count] = (conv_link){kind, target, false};
    return c->link_count++;
}

static void note(conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(conv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    int n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0) {
        c->oom = true;
        return;
    }
    /* One line per note, and what the report can show: link addresses and picture names
     * are decoded from what an editor wrote and may hold anything. */
    char *clean = import_clean_text(line, (size_t)n, true, NULL);
    free(line);
    if (!clean) {
        c->oom = true;
        return;
    }
    sb_add(&c->notes, clean);
    sb_add(&c->notes, "\n");
    free(clean);
}

/* A line after Integreat's pin icon is an address: marked [..](addr) when it is plain words
 * with a number in them (street number or postcode) and not already a link. */
static void end_address(conv *c)
{
    if (c->addr_start < 0)
        return;
    int s = c->addr_start, e = c->n;
    c->addr_start = -1;
    while (s < e && import_is_space(c->cp[s]))
        s++;
    while (e > s && import_is_space(c->cp[e - 1]))
        e--;
    if (s >= e || e - s > 100)
        return;
    bool digit = false;
    for (int i = s; i < e; i++) {
        if (c->link[i] >= 0 || c->cp[i] == '\n' || c->cp[i] == '[' || c->cp[i] == ']')
            return;
        digit |= is_digit(c->cp[i]);
    }
    if (!digit)
        return;
    int idx = add_link(c, LINK_ADDR, strdup("addr"));
    if (idx < 0)
        return;
    for (int i = s; i < e; i++)
        c->link[i] = idx;
    if (c->info)
        c->info->addresses++;
}

/* Phone numbers: a '+' or a '0' starting a word, then digit groups with short separators,
 * six digits or more, all in one link (or none). A group after a space that starts with 0
 * starts the next number ("0821 123 / 0821 456"), unless it is the trunk prefix "(0)".
 * Returns the end of one starting at i, or i. */
static int phone_end(const uint32_t *t, const int *l, int n, int i)
{
    if (i > 0 && (u_isalnum((UChar32)t[i - 1]) || t[i - 1] == '+'))
        return i;
    int j = i, digits = 0, end = i;
    if (t[j] == '+')
        j++;
    if (j >= n || !is_digit(t[j]) || (j == i && t[j] != '0'))
        return i;
    for (;;) {
        while (j < n && is_digit(t[j]) && l[j] == l[i]) {
            j++;
            digits++;
        }
        end = j;
        int k = j, len = 0;
        bool space = false;
        while (k < n && len < 4 && l[k] == l[i] &&
               (t[k] == ' ' || t[k] == 0xA0 || t[k] == 0x202F || t[k] == '/' || t[k] == '-' || t[k] == 0x2011 ||
                t[k] == 0x2013 || t[k] == '(' || t[k] == ')' || t[k] == '.')) {
            space |= t[k] == ' ' || t[k] == 0xA0 || t[k] == 0x202F;
            k++;
            len++;
        }
        if (!len || k >= n || !is_digit(t[k]) || l[k] != l[i])
            break;
        if (space && t[k] == '0' && !(k + 1 < n && t[k + 1] == ')' && t[k - 1] == '('))
            break;
        j = k;
    }
    return digits >= 6 ? end : i;
}

/* Spaces between words as `check` counts a word's length: a no-break space joins. */
static bool word_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0x1680 || (c >= 0x2000 && c <= 0x200B && c != 0x2007) ||
           c == 0x205F || c == 0x3000;
}

/* One character of shown text. A word longer than the kiosk's word limit (pasted data, a
 * long address as text) gets an invisible break opportunity (U+200B) every
 * IMPORT_WORD_MAX bytes; with `plain`, text is kept from reading as markup: no "**" and no
 * "](" made of plain characters (a word joiner between). */
static void out_shown(conv *c, sb *line, uint32_t ch, bool plain)
{
    char u[4];
    size_t n = (size_t)utf8_put(ch, u);
    bool joiner = plain && ((ch == '*' && sb_last(line) == '*') || (ch == '(' && sb_last(line) == ']'));
    if (word_space(ch)) {
        c->word = 0;
    } else if (c->word + n + (joiner ? 3 : 0) > IMPORT_WORD_MAX) {
        sb_cp(line, 0x200B);
        c->word = 0;
        c->word_breaks++;
        joiner = false; /* the break already parts the two */
    }
    if (joiner) {
        sb_cp(line, 0x2060);
        c->word += 3;
    }
    sb_addn(line, u, n);
    c->word += word_space(ch) ? 0 : n;
}

static void out_marker(sb *line)
{
    if (sb_last(line) == '*')
        sb_cp(line, 0x2060);
    sb_add(line, "**");
}

/* Writes one line of a block: bold as ** around the bold words, links as [label](target). */
static void emit_line(conv *c, sb *line, const uint32_t *t, const unsigned char *b, const int *l, int s, int e,
                      bool marks)
{
    bool open = false;
    c->word = 0;
    for (int i = s; i < e;) {
        int j = i + 1;
        bool bold;
        if (l[i] >= 0) {
            while (j < e && l[j] == l[i])
                j++;
            bold = true;
            for (int k = i; k < j; k++)
                bold &= b[k] || import_is_space(t[k]);
        } else {
            bold = b[i];
        }
        if (marks && bold != open) {
            out_marker(line);
            open = bold;
        }
        if (l[i] < 0) {
            out_shown(c, line, t[i], true);
            i = j;
            continue;
        }
        const conv_link *lk = &c->links[l[i]];
        bool brackets = false, long_target = strlen(lk->target) > IMPORT_LINK_MAX;
        for (int k = i; k < j; k++)
            brackets |= t[k] == '[' || t[k] == ']';
        if (long_target && !lk->noted) {
            note(c, "link address longer than %d bytes, text kept: %.200s…", IMPORT_LINK_MAX, lk->target);
            c->links[l[i]].noted = true;
        }
        if (brackets || long_target) {
            /* The label cannot be a link label: its words, and a web address after it. */
            for (int k = i; k < j; k++)
                out_shown(c, line, t[k], true);
            if (lk->kind == LINK_WEB && !long_target) {
                out_shown(c, line, ' ', true);
                out_shown(c, line, '(', true);
                for (const char *p = lk->target, *end = p + strlen(p); p < end;)
                    out_shown(c, line, import_utf8_next(&p, end, NULL), true);
                out_shown(c, line, ')', true);
            }
        } else {
            sb_add(line, "[");
            c->word++;
            for (int k = i; k < j; k++)
                out_shown(c, line, t[k], false);
            sb_add(line, "](");
            sb_add(line, lk->target);
            sb_add(line, ")");
        }
        i = j;
    }
    if (marks && open)
        out_marker(line);
}

static void reset_block(conv *c)
{
    c->n = 0;
    c->addr_start = -1;
    c->kind = c->item_depth > 0 ? BLOCK_ITEM : BLOCK_PARA;
    c->prefix[0] = 0;
}

/* Editors type no-break spaces where plain ones were meant, and long chains of them make
 * one unbreakable stretch that the kiosk has to cut. One is kept where it binds a short
 * word or a number to its neighbour ("§ 24", "z. B.", "86150 Augsburg", "10 Uhr"), never at
 * the edge of a link. out[0..m) is written so far, in[i] is the next word's first character. */
static bool keep_nbsp(const uint32_t *out, const int *out_link, int m, const uint32_t *in, const int *in_link, int n,
                      int i)
{
    if (out_link[m - 1] != in_link[i])
        return false;
    int before = 0, after = 0;
    for (int k = m - 1; k >= 0 && !import_is_space(out[k]); k--)
        before++;
    for (int k = i; k < n && !import_is_space(in[k]); k++)
        after++;
    return before <= 3 || after <= 3 || is_digit(out[m - before]) || is_digit(in[i]);
}

/* Writes t[s..e) as a block of `kind`, its lines as the block's lines. */
static void write_block(conv *c, block_kind kind, const uint32_t *t, const unsigned char *b, const int *l, int s,
                        int e)
{
    while (s < e && t[s] == '\n')
        s++;
    if (s >= e)
        return;
    if (c->out.len)
        sb_add(&c->out, kind == BLOCK_ITEM && c->last_kind == BLOCK_ITEM ? "\n" : "\n\n");
    c->last_kind = kind;
    sb line = {0};
    for (int from = s; from < e;) {
        int to = from;
        while (to < e && t[to] != '\n')
            to++;
        line.len = 0;
        if (line.s)
            line.s[0] = 0;
        switch (kind) {
        case BLOCK_H1:
            sb_add(&line, "# ");
            emit_line(c, &line, t, b, l, from, to, false);
            break;
        case BLOCK_H2:
            sb_add(&line, "## ");
            emit_line(c, &line, t, b, l, from, to, false);
            break;
        case BLOCK_BOLD:
            sb_add(&line, "**");
            emit_line(c, &line, t, b, l, from, to, false);
            out_marker(&line);
            break;
        case BLOCK_ITEM:
            sb_add(&line, "- ");
            sb_add(&line, c->prefix);
            emit_line(c, &line, t, b, l, from, to, true);
            break;
        case BLOCK_PARA:
            emit_line(c, &line, t, b, l, from, to, true);
            break;
        }
        if (from > s)
            sb_add(&c->out, "\n");
        if (line.s)
            sb_add(&c->out, line.s);
        c->oom |= line.oom;
        from = to + 1;
    }
    sb_free(&line);
}

/* Ends the block being collected: white space collapsed, phone numbers glued, written out. */
static void flush_block(conv *c)
{
    end_address(c);
    if (c->oom || !c->n) {
        reset_block(c);
        return;
    }
    bool single = c->kind != BLOCK_PARA;
    int n = c->n, m = 0;
    uint32_t *t = malloc((size_t)n * sizeof *t);
    unsigned char *b = malloc((size_t)n);
    int *l = malloc((size_t)n * sizeof *l);
    if (!t || !b || !l) {
        free(t);
        free(b);
        free(l);
        c->oom = true;
        reset_block(c);
        return;
    }
    /* A run of white space becomes one space (a lone no-break space stays one), or one line
     * break if it holds a <br>; none at the start or end of a line. White space belongs to
     * a link or to bold only when both its neighbours do. */
    int ws = 0, ws_count = 0;
    uint32_t ws_char = 0;
    for (int i = 0; i < n; i++) {
        uint32_t ch = c->cp[i];
        if (import_is_space(ch)) {
            if (!ws) {
                ws = 1;
                ws_count = 0;
                ws_char = ch;
            }
            ws_count++;
            if (ch == '\n' && !single)
                ws = 2;
            continue;
        }
        if (ws && m > 0) {
            uint32_t rep = ws == 2 ? '\n' : ws_count == 1 && (ws_char == 0xA0 || ws_char == 0x202F) ? ws_char : ' ';
            if (rep != ' ' && rep != '\n' && !keep_nbsp(t, l, m, c->cp, c->link, n, i))
                rep = ' ';
            t[m] = rep;
            b[m] = rep != '\n' && b[m - 1] && c->bold[i];
            l[m] = rep != '\n' && l[m - 1] >= 0 && l[m - 1] == c->link[i] ? c->link[i] : -1;
            m++;
        }
        ws = 0;
        t[m] = ch;
        b[m] = c->bold[i];
        l[m] = c->link[i];
        m++;
    }
    /* Phone numbers stay on one line: their spaces become no-break spaces. */
    for (int i = 0; i < m;) {
        int end = t[i] == '+' || t[i] == '0' ? phone_end(t, l, m, i) : i;
        if (end > i) {
            for (int k = i; k < end; k++)
                if (t[k] == ' ')
                    t[k] = 0xA0;
            i = end;
        } else {
            i++;
        }
    }
    int words = 0;
    for (int i = 0; i < m; i++)
        words += l[i] < 0 && !import_is_space(t[i]);
    /* The summary: the first paragraph of some words of its own, not a number or a link. */
    if (words >= 20 && !c->summary && c->kind == BLOCK_PARA) {
        sb s = {0};
        for (int i = 0; i < m; i++)
            sb_cp(&s, t[i] == '\n' || t[i] == 0xA0 ? ' ' : t[i]);
        c->summary = sb_take(&s);
    }
    /* A paragraph the kiosk lays out at once has a size and a number of links and bold
     * parts it can mark: a longer one goes on as a new paragraph, at a space. */
    size_t bytes = 0;
    int start = 0, marks = 0, space = -1;
    for (int i = 0; i < m; i++) {
        char u[4];
        bytes += (size_t)utf8_put(t[i], u);
        if (l[i] >= 0 && (i == start || l[i - 1] != l[i])) {
            marks++;
            bytes += strlen(c->links[l[i]].target) + 4;
        }
        if (b[i] && (i == start || !b[i - 1])) {
            marks++;
            bytes += 4;
        }
        if (bytes > IMPORT_PARAGRAPH_MAX || marks > IMPORT_PARAGRAPH_MARKS_MAX) {
            int cut = space > start ? space : i > start ? i : i + 1;
            write_block(c, start ? BLOCK_PARA : c->kind, t, b, l, start, cut);
            c->paragraph_splits++;
            start = cut + (cut == space);
            i = start - 1;
            bytes = 0;
            marks = 0;
            space = -1;
        } else if (t[i] == ' ' || t[i] == '\n') {
            space = i;
        }
    }
    if (start < m)
        write_block(c, start ? BLOCK_PARA : c->kind, t, b, l, start, m);
    free(t);
    free(b);
    free(l);
    reset_block(c);
}

/* A link target as the markup can hold it: no spaces, brackets or parentheses, and no
 * control or bidi characters (those are percent-encoded, byte by byte). */
static char *url_target(const char *prefix, const char *url)
{
    sb t = {0};
    sb_add(&t, prefix);
    int invalid = 0;
    for (const char *p = url, *end = url + strlen(url); p < end;) {
        const char *start = p;
        int before = invalid;
        uint32_t c = import_utf8_next(&p, end, &invalid);
        bool encode = invalid != before || c <= 0x20 || (c < 0x80 && strchr("()[]<>\"\\`", (int)c)) || import_is_control(c) ||
                      import_is_bidi_control(c) || c == 0x2028 || c == 0x2029;
        for (const char *q = start; q < p; q++)
            if (encode)
                sb_addf(&t, "%%%02X", (unsigned char)*q);
            else
                sb_addn(&t, q, 1);
    }
    return sb_take(&t);
}

static int classify_href(conv *c, const char *href, char **target);

/* What a link becomes: a kind and its target, or -1 when only its words are kept. The
 * address is copied whole, however long: a cut one could end inside a character. */
static int classify_link(conv *c, const char *raw, char **target)
{
    *target = NULL;
    while (*raw == ' ' || *raw == '\n' || *raw == '\t' || *raw == '\r')
        raw++;
    size_t len = strlen(raw);
    while (len && isspace((unsigned char)raw[len - 1]))
        len--;
    char *href = strndup(raw, len);
    if (!href) {
        c->oom = true;
        return -1;
    }
    int kind = classify_href(c, href, target);
    free(href);
    return kind;
}

static int classify_href(conv *c, const char *href, char **target)
{
    if (!href[0] || href[0] == '#')
        return -1;
    if (import_has_prefix_ci(href, "tel:")) {
        sb t = {0};
        sb_add(&t, "tel:");
        int digits = 0;
        for (const char *p = href + 4; *p; p++) {
            if (*p == '+' && !digits && sb_last(&t) == ':')
                sb_add(&t, "+");
            else if (isdigit((unsigned char)*p)) {
                sb_addn(&t, p, 1);
                digits++;
            }
        }
        if (digits < 3) {
            sb_free(&t);
            *target = strdup(""); /* the label is the number (anchor() checks it) */
            return LINK_TEL;
        }
        *target = sb_take(&t);
        return LINK_TEL;
    }
    if (import_has_prefix_ci(href, "mailto:")) {
        size_t n = strcspn(href + 7, "?");
        if (!n) {
            *target = strdup(""); /* the label is the address (anchor() checks it) */
            return LINK_MAIL;
        }
        if (!memchr(href + 7, '@', n)) {
            note(c, "e-mail link without an address, text kept: %s", href);
            return -1;
        }
        char *addr = strndup(href + 7, n);
        *target = addr ? url_target("mailto:", addr) : NULL;
        free(addr);
        return LINK_MAIL;
    }
    /* Decoding makes at most three bytes of one (a byte that is not UTF-8 becomes U+FFFD). */
    size_t size = strlen(href) * 3 + 8;
    char *path = malloc(size);
    if (!path) {
        c->oom = true;
        return -1;
    }
    int kind = -2;
    if (import_integreat_path(href, path, size)) {
        size_t n = strlen(path);
        /* "https://integreat.app/mailto:" and the like: a mistyped e-mail or phone link. */
        if (import_has_prefix_ci(path, "/mailto:") || import_has_prefix_ci(path, "/tel:")) {
            path[n - 1] = 0;
            kind = classify_href(c, path + 1, target);
        } else if (strspn(path + 1, "+0123456789") + 2 == n && n > 4) {
            /* "https://integreat.app/112": a phone number written as a relative link. */
            sb tel = {0};
            sb_add(&tel, "tel:");
            sb_addn(&tel, path + 1, n - 2);
            char *number = sb_take(&tel);
            c->oom |= !number;
            kind = number ? classify_href(c, number, target) : -1;
            free(number);
        } else {
            const char *code = c->resolve ? c->resolve(c->user, path) : NULL;
            if (code) {
                char page[64];
                snprintf(page, sizeof page, "page:%s", code);
                *target = strdup(page);
                kind = LINK_PAGE;
            } else if (href[0] == '/') {
                note(c, "link to %s, which is not an imported page: text kept", href);
                kind = -1;
            } else if (!strstr(path, "/media/") && !strstr(path, "/wp-content/")) {
                note(c, "link to an Integreat page that is not in the export, kept as a web address: %s", href);
            }
        }
    }
    free(path);
    if (kind != -2)
        return kind;
    if (import_has_prefix_ci(href, "https://") || import_has_prefix_ci(href, "http://")) {
        *target = url_target("", href);
        return LINK_WEB;
    }
    if (import_has_prefix_ci(href, "www.")) {
        *target = url_target("https://", href);
        return LINK_WEB;
    }
    note(c, "link kept as text only: %s", href);
    return -1;
}

static bool is_name(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp((const char *)n->name, *names))
            return true;
    return false;
}

static const char *const SKIPPED[] = {"script", "style", "noscript", "template", "head", "title", "iframe", "object",
                                      "embed", "video", "audio", "svg", "canvas", "map", "select", "textarea", NULL};
static const char *const BLOCKS[] = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
                                     "blockquote", "address", "figure", "figcaption", "pre", "center", "table",
                                     "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd",
                                     "form", "fieldset", "details", "summary", "body", "html", NULL};

static void walk(conv *c, xmlNode *n);

static void line_break(conv *c)
{
    end_address(c);
    put(c, '\n');
}

/* The pixel size an image is shown at (width or height attribute, or its style), 0 if unknown. */
/* A number an editor wrote (a size, a list's start), 0 when there is none; clamped so that
 * counting on from it cannot overflow. */
static int attr_number(const char *s)
{
    long v = s ? strtol(s, NULL, 10) : 0;
    return v < 0 ? 0 : v > 1000000 ? 1000000 : (int)v;
}

static int image_size(xmlNode *n, const char *attr)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST attr), *style = xmlGetProp(n, BAD_CAST "style");
    int size = attr_number((const char *)v);
    const char *in_style = style ? strstr((const char *)style, attr) : NULL;
    if (!size && in_style && (in_style = strchr(in_style, ':')))
        size = attr_number(in_style + 1);
    xmlFree(v);
    xmlFree(style);
    return size;
}

/* What a small picture next to contact details stands for, from its file name. */
static int icon_kind(const char *name)
{
    static const char *const words[][2] = {{"pin", "pin"},     {"map", "pin"},       {"call", "call"},
                                           {"phone", "call"},  {"envelope", "email"}, {"mail", "email"},
                                           {"www", "www"},     {"globe", "www"},     {"clock", "clock"},
                                           {"idea", "idea"},   {"contact", "contact"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(name, words[i][0]))
            for (int k = 0; k < 7; k++)
                if (!strcmp(IMPORT_ICON_NAMES[k], words[i][1]))
                    return k;
    return 7;
}

static void image(conv *c, xmlNode *n)
{
    xmlChar *src = xmlGetProp(n, BAD_CAST "src"), *alt = xmlGetProp(n, BAD_CAST "alt");
    const char *s = src ? (const char *)src : "";
    const char *icon = strstr(s, "/static/svg/");
    int w = image_size(n, "width"), h = image_size(n, "height");
    /* Integreat's icons, and the small ones of its older editor: decoration beside contact
     * details, not pictures. */
    if (icon)
        icon += strlen("/static/svg/");
    else if (w > 0 && h > 0 && w <= 40 && h <= 40)
        icon = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
    if (icon) {
        int kind = icon_kind(icon);
        if (c->info) {
            c->info->icons++;
            c->info->icon_kinds[kind]++;
        }
        end_address(c);
        if (kind == 0)
            c->addr_start = c->n;
    } else {
        const char *base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
        char name[300];
        size_t k = 0;
        for (const char *q = base; *q && *q != '?' && k + 1 < sizeof name; q++) {
            if (*q == '%' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
                name[k++] = (char)(import_hex_value(q[1]) * 16 + import_hex_value(q[2]));
                q += 2;
            } else {
                name[k++] = *q;
            }
        }
        name[k] = 0;
        if (c->info)
            c->info->images++;
        if (alt && alt[0])
            note(c, "image dropped: %s (alt text: %s)", name[0] ? name : "(no source)", (const char *)alt);
        else
            note(c, "image dropped: %s", name[0] ? name : "(no source)");
    }
    xmlFree(src);
    xmlFree(alt);
}

static void anchor(conv *c, xmlNode *n)
{
    if (c->cur_link >= 0) {
        walk(c, n->children);
        return;
    }
    xmlChar *href = xmlGetProp(n, BAD_CAST "href");
    char *target;
    int kind = href ? classify_link(c, (const char *)href, &target) : -1;
    xmlFree(href);
    int start = c->n;
    if (kind >= 0) {
        end_address(c);
        c->cur_link = add_link(c, (link_kind)kind, target);
    }
    walk(c, n->children);
    bool words = false, at = false;
    for (int i = start; i < c->n; i++) {
        words |= !import_is_space(c->cp[i]);
        at |= c->cp[i] == '@';
    }
    if (c->cur_link >= 0 && !c->links[c->cur_link].target[0]) {
        /* mailto: or tel: without an address or number: the label's, or no link. */
        sb label = {0};
        int digits = 0;
        bool number = true;
        for (int i = start; i < c->n; i++) {
            uint32_t ch = c->cp[i];
            if (kind == LINK_MAIL && !import_is_space(ch))
                sb_cp(&label, ch);
            if (kind == LINK_TEL && (is_digit(ch) || (ch == '+' && !digits && !label.len)))
                sb_cp(&label, ch);
            digits += is_digit(ch);
            number &= is_digit(ch) || import_is_space(ch) || (ch < 0x80 && strchr("+-/()", (int)ch));
        }
        char *value = sb_take(&label);
        free(c->links[c->cur_link].target);
        c->links[c->cur_link].target = NULL;
        if (value && kind == LINK_MAIL && at)
            c->links[c->cur_link].target = url_target("mailto:", value);
        else if (value && kind == LINK_TEL && number && digits >= 3)
            c->links[c->cur_link].target = url_target("tel:", value);
        if (!c->links[c->cur_link].target) {
            c->links[c->cur_link].target = strdup("");
            for (int i = start; i < c->n; i++)
                c->link[i] = -1;
            c->cur_link = -1;
            note(c, "%s link without %s, text kept", kind == LINK_MAIL ? "e-mail" : "phone",
                 kind == LINK_MAIL ? "an address" : "a number");
            kind = -1;
        }
        free(value);
    }
    if (c->cur_link >= 0 && c->info && words) {
        if (kind == LINK_PAGE)
            c->info->page_links++;
        else if (kind == LINK_TEL)
            c->info->phone_links++;
        else if (kind == LINK_MAIL)
            c->info->email_links++;
        else
            c->info->web_links++;
    }
    if (kind < 0 && words && c->info)
        c->info->unlinked++;
    c->cur_link = -1;
}

static void element(conv *c, xmlNode *n)
{
    const char *name = (const char *)n->name;
    if (is_name(n, SKIPPED)) {
        if (!strcmp(name, "iframe") || !strcmp(name, "video") || !strcmp(name, "audio") || !strcmp(name, "object") ||
            !strcmp(name, "embed"))
            note(c, "embedded %s dropped", name);
        return;
    }
    if (!strcmp(name, "img")) {
        image(c, n);
    } else if (!strcmp(name, "br")) {
        line_break(c);
    } else if (!strcmp(name, "hr")) {
        flush_block(c);
    } else if (!strcmp(name, "a")) {
        anchor(c, n);
    } else if (!strcmp(name, "strong") || !strcmp(name, "b")) {
        c->bold_depth++;
        walk(c, n->children);
        c->bold_depth--;
    } else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
        flush_block(c);
        c->kind = name[1] <= '2' ? BLOCK_H1 : name[1] == '3' ? BLOCK_H2 : BLOCK_BOLD;
        walk(c, n->children);
        flush_block(c);
    } else if (!strcmp(name, "ul") || !strcmp(name, "ol") || !strcmp(name, "menu")) {
        flush_block(c);
        if (c->list_depth < 32) {
            c->lists[c->list_depth].ordered = !strcmp(name, "ol");
            xmlChar *start = xmlGetProp(n, BAD_CAST "start");
            int first = attr_number((const char *)start);
            c->lists[c->list_depth].next = first > 0 ? first : 1;
            xmlFree(start);
        }
        c->list_depth++;
        walk(c, n->children);
        flush_block(c);
        c->list_depth--;
    } else if (!strcmp(name, "li")) {
        flush_block(c);
        c->kind = BLOCK_ITEM;
        c->prefix[0] = 0;
        if (c->list_depth > 0 && c->list_depth <= 32 && c->lists[c->list_depth - 1].ordered)
            snprintf(c->prefix, sizeof c->prefix, "%d. ", c->lists[c->list_depth - 1].next++);
        c->item_depth++;
        walk(c, n->children);
        c->item_depth--;
        flush_block(c);
    } else if (is_name(n, BLOCKS)) {
        if (c->kind != BLOCK_PARA) {
            /* Inside an item or heading a paragraph is a line of it. */
            if (c->n)
                line_break(c);
            walk(c, n->children);
            if (c->n)
                line_break(c);
        } else {
            flush_block(c);
            walk(c, n->children);
            flush_block(c);
        }
    } else {
        walk(c, n->children); /* span, em, i, u, font, sup, sub, ...: their words */
    }
}

static void walk(conv *c, xmlNode *n)
{
    /* libxml2 stops nesting at 256 levels; this bounds the recursion whatever it does. */
    if (c->depth >= 1000)
        return;
    c->depth++;
    for (; n && !c->oom; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                add_text(c, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            element(c, n);
        }
    }
    c->depth--;
}

char *import_html(const char *html, size_t len, import_resolve_fn resolve, void *user, import_html_info *info)
{
    if (info)
        memset(info, 0, sizeof *info);
    conv c = {.cur_link = -1, .addr_start = -1, .resolve = resolve, .user = user, .info = info};
    size_t i = 0;
    while (i < len && isspace((unsigned char)html[i]))
        i++;
    bool truncated = false;
    htmlParserCtxtPtr ctxt = i < len && len < (size_t)INT32_MAX ? htmlNewParserCtxt() : NULL;
    if (ctxt) {
        htmlDocPtr doc = htmlCtxtReadMemory(ctxt, html, (int)len, NULL, "UTF-8",
                                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                                HTML_PARSE_RECOVER);
        /* libxml2 recovers from sloppy HTML, but stops for good at 256 levels of nesting. */
        truncated = ctxt->disableSAX != 0;
        if (doc) {
            walk(&c, xmlDocGetRootElement(doc));
            flush_block(&c);
            xmlFreeDoc(doc);
        }
        htmlFreeParserCtxt(ctxt);
    }
    /* A page's text has a size the kiosk takes: the paragraphs up to it stay. */
    size_t full = c.out.len, cut = full;
    if (!c.out.oom && full > IMPORT_TEXT_MAX) {
        cut = IMPORT_TEXT_MAX;
        while (cut > 1 && !(c.out.s[cut - 1] == '\n' && c.out.s[cut - 2] == '\n'))
            cut--;
        cut = cut > 1 ? cut - 2 : IMPORT_TEXT_MAX;
        while (cut && ((unsigned char)c.out.s[cut] & 0xC0) == 0x80)
            cut--;
        c.out.s[cut] = 0;
        c.out.len = cut;
    }
    free(c.cp);
    free(c.bold);
    free(c.link);
    for (int k = 0; k < c.link_count; k++)
        free(c.links[k].target);
    free(c.links);
    char *out = sb_take(&c.out);
    char *notes = sb_take(&c.notes);
    if (c.oom || !out || !notes) {
        free(out);
        free(notes);
        free(c.summary);
        if (info)
            memset(info, 0, sizeof *info);
        return NULL;
    }
    if (info) {
        info->controls = c.controls;
        info->word_breaks = c.word_breaks;
        info->paragraph_splits = c.paragraph_splits;
        info->cut_bytes = full - cut;
        info->bidi = c.bidi;
        info->truncated = truncated;
        info->notes = notes;
        info->summary = c.summary ? c.summary : strdup("");
    } else {
        free(notes);
        free(c.summary);
    }
    return out;
}

void import_html_info_free(import_html_info *info)
{
    free(info->notes);
    free(info->summary);
    info->notes = info->summary = NULL;
}
