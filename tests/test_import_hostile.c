/* The Integreat import on hostile exports: whatever an export holds (bytes that are not
 * UTF-8, control and bidi characters, over-long fields and words, empty strings, duplicate
 * ids and paths, parent loops, broken dates, enormous pages, deep nesting), the import
 * either writes sources that the real `check` accepts and `build` turns into a pack, or
 * refuses with a message; every change it made is a line in the report naming the page.
 * The written files are also held to the stricter rules `check` is getting (no bidi
 * controls in titles, codes without leading zeros, no parent loops, strict UTF-8). */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "pack_limits.h"
#include "test.h"
#include "utf8.h"

/* ---- writing exports byte by byte ---- */

typedef struct buf {
    char *s;
    size_t len, cap;
} buf;

static void add_bytes(buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

static void add(buf *b, const char *s) { add_bytes(b, s, strlen(s)); }

static void addf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    add(b, tmp);
}

/* A JSON string's inside: raw bytes as they are (invalid UTF-8 stays invalid), only the
 * quote, the backslash and control characters escaped so the JSON itself stays readable. */
static void add_json_raw(buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            addf(b, "\\%c", *p);
        else if (*p < 0x20)
            addf(b, "\\u%04x", *p);
        else
            add_bytes(b, (const char *)p, 1);
    }
}

static void put_bytes(const char *path, const buf *b)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        fwrite(b->s, 1, b->len, f);
        fclose(f);
    }
}

/* The hostile pieces. `json` ones are written as JSON escapes (the parser makes the
 * character); the others go in as raw bytes. */
typedef struct atom {
    const char *text;
    bool json;
} atom;

static const atom ATOMS[] = {
    {"\xFF", false},                    {"a\xC3", false},        {"\xC3(", false},
    {"\xE2\x82", false},                {"\xED\xA0\x80", false}, /* a surrogate */
    {"\xC0\xAF", false},                /* an over-long '/' */ {"\xC0\x80", false},
    {"\xF4\x90\x80\x80", false},        /* above U+10FFFF */ {"\xF8\x88\x80\x80\x80", false},
    {"\xFE\xFF", false},                {"\\u0001\\u0002\\u001b[31m", true},
    {"\\r\\n", true},                   {"\\t", true},           {"\x7F", false},
    {"\xC2\x85", false},                /* NEL */ {"\xE2\x80\xA8", false}, /* LINE SEPARATOR */
    {"\xEF\xBB\xBF", false},            {"\xEF\xBF\xBE", false}, /* U+FFFE */
    {"\xE2\x80\xAE" "retnecboJ", false}, {"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD", false},
    {"\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9", false},
    {"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", false},
    {"", false},                        {" ", false},            {"#", false},
    {"# comment", false},               {"|", false},            {"a | b | c", false},
    {"title: x", false},                {"](page:1)", false},    {"[x](page:99999)", false},
    {"**", false},                      {"\\\\", true},          {"%00", false},
    {"%FF", false},                     {"%0A", false},          {"%C3", false},
    {"%E2%80%AE", false},               {"&amp;", false},        {"&#0;", false},
    {"&#xD800;", false},                {"&#x202E;", false},     {"&#1114112;", false},
    {"<b>", false},                     {"\\u0000", true},       {"\\ud800", true},
    {"\\udc00x", true},                 {"..", false},           {"../../etc", false},
    {"/", false},                       {"?x=1#y", false},       {"mailto:", false},
    {"tel:", false},                    {"javascript:alert(1)", false},
};
#define ATOM_COUNT ((int)(sizeof ATOMS / sizeof ATOMS[0]))

static void add_atom(buf *b, const atom *a)
{
    if (a->json)
        add(b, a->text);
    else
        add_json_raw(b, a->text);
}

/* One page with the piece in every field: title, path, the HTML's text, headings, items,
 * link addresses and labels, e-mail, phone and Integreat links, picture names and alt texts. */
static void add_page(buf *b, const char *lang, long id, int n, const atom *a, const char *parent, long other_id,
                     const char *other_lang)
{
    addf(b, "{\"id\":%ld,\"path\":\"/h/%s/p%d-", id, lang, n);
    add_atom(b, a);
    add(b, "/\",\"title\":\"Titel ");
    add_atom(b, a);
    add(b, " Ende\",\"last_updated\":\"2024-02-03T10:00:00.000+01:00\",\"content\":\"<p>Text ");
    add_atom(b, a);
    add(b, " Text</p><h2>");
    add_atom(b, a);
    add(b, "</h2><ul><li>");
    add_atom(b, a);
    add(b, "</li></ul><p><a href='https://example.org/");
    add_atom(b, a);
    add(b, "'>");
    add_atom(b, a);
    add(b, "</a> <a href='mailto:a");
    add_atom(b, a);
    add(b, "@b.de'>mail</a> <a href='tel:+49");
    add_atom(b, a);
    add(b, "821123456'>tel</a> <a href='https://integreat.app/h/de/");
    add_atom(b, a);
    add(b, "/'>int</a> <a href='https://integreat.app/mailto:x");
    add_atom(b, a);
    add(b, "@y.de'>m2</a> <a href='https://integreat.app/tel:");
    add_atom(b, a);
    add(b, "0821'>t2</a> <a href='");
    add_atom(b, a);
    add(b, "'>bare</a><img src='x");
    add_atom(b, a);
    add(b, ".png' alt='");
    add_atom(b, a);
    add(b, "' width='300'></p><ol start='");
    add_atom(b, a);
    add(b, "'><li>eins</li></ol>\",\"parent\":");
    if (parent) {
        add(b, "{\"id\":1,\"path\":\"");
        add_json_raw(b, parent);
        add(b, "\"}");
    } else {
        add(b, "null");
    }
    addf(b, ",\"order\":%d,\"available_languages\":{", n);
    if (other_lang)
        addf(b, "\"%s\":{\"id\":%ld,\"path\":\"/h/%s/p%d-\"}", other_lang, other_id, other_lang, n);
    add(b, "}}");
}

/* ---- the rules the written sources must keep ---- */

/* Strict UTF-8: no over-long forms, no surrogates, nothing above U+10FFFF, no NUL. */
static bool strict_utf8(const char *s, size_t len, size_t *bad)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t extra = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
        if (c == 0 || extra == 9 || i + extra >= len + (extra ? 0 : 1)) {
            *bad = i;
            return false;
        }
        uint32_t cp = extra ? c & (0x3F >> extra) : c;
        for (size_t k = 1; k <= extra; k++) {
            if (((unsigned char)s[i + k] & 0xC0) != 0x80) {
                *bad = i;
                return false;
            }
            cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            *bad = i;
            return false;
        }
        i += extra + 1;
    }
    return true;
}

static bool bidi_control(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static bool control(uint32_t c) { return (c < 0x20 && c != '\n') || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029; }

/* The longest title the import writes (content/SCHEMA.md's limit, kept by the import). */
#define TITLE_LIMIT 200

/* The limits of a page's text that `check` is getting (content/SCHEMA.md, "Limits"):
 * all of it, a paragraph (lines up to an empty one; a heading or item is its own), a word
 * (no-break spaces join; a link's target is not shown, so no word), a link's target, and the
 * links and bold parts of one paragraph. Returns what is over, or NULL. */
#define TEXT_LIMIT PACK_TEXT_BYTES_MAX
#define PARAGRAPH_LIMIT PACK_PARAGRAPH_BYTES_MAX
#define WORD_LIMIT PACK_WORD_BYTES_MAX
#define LINK_LIMIT PACK_LINK_BYTES_MAX
#define MARKS_LIMIT PACK_PARAGRAPH_LINKS_MAX

static bool word_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == 0x1680 || (c >= 0x2000 && c <= 0x200B && c != 0x2007) ||
           c == 0x205F || c == 0x3000;
}

static const char *body_over_limit(const char *body)
{
    if (strlen(body) > TEXT_LIMIT)
        return "text over the limit";
    size_t para = 0;
    int marks = 0;
    for (const char *p = body; *p;) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        bool own = !strncmp(p, "# ", 2) || !strncmp(p, "## ", 3) || !strncmp(p, "- ", 2);
        if (end == p || own)
            para = 0, marks = 0;
        para += (size_t)(end - p) + (para ? 1 : 0);
        if (para > PARAGRAPH_LIMIT)
            return "paragraph over the limit";
        size_t word = 0;
        for (const char *q = p; q < end;) {
            if (q[0] == ']' && q[1] == '(' && memchr(q, ')', (size_t)(end - q))) {
                const char *close = memchr(q, ')', (size_t)(end - q));
                if (close - q - 2 > LINK_LIMIT)
                    return "link target over the limit";
                marks++;
                q = close + 1;
                continue;
            }
            if (q[0] == '*' && q[1] == '*') {
                marks++; /* two to a bold part: counted as one per sign, so half the limit */
                q += 2;
                continue;
            }
            const char *at = q;
            uint32_t c = utf8_next(&q);
            word = word_space(c) ? 0 : word + (size_t)(q - at);
            if (word > WORD_LIMIT)
                return "word over the limit";
        }
        if (marks > 2 * MARKS_LIMIT)
            return "too many links and bold parts in a paragraph";
        if (own)
            para = 0, marks = 0;
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

static void fail_file(const char *path, const char *what)
{
    char msg[1400];
    snprintf(msg, sizeof msg, "%s: %s", path, what);
    test_fail(__FILE__, __LINE__, msg);
}

/* One written file: strict UTF-8, no control characters; in a text's header no bidi
 * controls and no over-long title; in page.txt codes without leading zeros. */
static void check_written_file(const char *path, const char *name, int *codes, int *parents, int *count)
{
    size_t len;
    char *s = test_read_file(path, &len);
    CHECK(s != NULL);
    if (!s)
        return;
    size_t bad;
    if (!strict_utf8(s, len, &bad)) {
        char what[100];
        snprintf(what, sizeof what, "not strict UTF-8 at byte %zu", bad);
        fail_file(path, what);
        free(s);
        return;
    }
    bool header = strcmp(name, "page.txt") != 0;
    const char *body = header ? strstr(s, "\n\n") : NULL;
    const char *over = body ? body_over_limit(body + 2) : NULL;
    if (over)
        fail_file(path, over);
    for (char *line = s, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        for (const char *p = line; *p;) {
            uint32_t c = utf8_next(&p);
            if (control(c) && c != '\t') {
                fail_file(path, "has a control character");
                break;
            }
            if (header && bidi_control(c) && (!strncmp(line, "title:", 6) || !strncmp(line, "tile-title:", 11) ||
                                              !strncmp(line, "summary:", 8))) {
                fail_file(path, "has a bidi control in its header");
                break;
            }
        }
        if (header && !strncmp(line, "title:", 6) && strlen(line + 6) > TITLE_LIMIT + 1)
            fail_file(path, "title over the limit");
        if (!header && (!strncmp(line, "code: 0", 7) || !strncmp(line, "parent: 0", 9)))
            fail_file(path, "a code with a leading zero");
        if (!header && !strncmp(line, "code: ", 6) && *count < 4096)
            codes[*count] = atoi(line + 6);
        if (!header && !strncmp(line, "parent: ", 8) && *count < 4096)
            parents[*count] = atoi(line + 8);
        if (!header && !strncmp(line, "parent:", 7) && !line[7] && *count < 4096)
            parents[*count] = 0;
        if (!header && !next && *count < 4096)
            (*count)++;
        if (header && !line[0])
            header = false; /* the body: only strict UTF-8 and no controls */
    }
    free(s);
}

/* Every file the import wrote, held to the rules above; the page tree without loops. */
static void check_written(const char *dir)
{
    static int codes[4096], parents[4096];
    int count = 0;
    char path[1400];
    snprintf(path, sizeof path, "%s/region.txt", dir);
    check_written_file(path, "region.txt", codes, parents, &count);
    snprintf(path, sizeof path, "%s/pages", dir);
    DIR *d = opendir(path);
    CHECK(d != NULL);
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char sub[1100];
        snprintf(sub, sizeof sub, "%s/pages/%s", dir, ent->d_name);
        DIR *p = opendir(sub);
        struct dirent *f;
        while (p && (f = readdir(p))) {
            if (f->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", sub, f->d_name);
            check_written_file(path, f->d_name, codes, parents, &count);
        }
        if (p)
            closedir(p);
    }
    if (d)
        closedir(d);
    for (int i = 0; i < count; i++) {
        int steps = 0;
        for (int at = parents[i]; at && steps <= count; steps++) {
            int k = 0;
            while (k < count && codes[k] != at)
                k++;
            at = k < count ? parents[k] : 0;
        }
        if (steps > count)
            fail_file(dir, "the parents of a page form a loop");
        /* No more tiles on the home screen, nor rows under a topic, than the kiosk shows. */
        int siblings = 0;
        for (int k = 0; k < count; k++)
            siblings += parents[k] == parents[i];
        if (siblings > (parents[i] ? PACK_CHILDREN_MAX : PACK_TOP_LEVEL_MAX))
            fail_file(dir, "more pages in one place than the kiosk shows");
    }
}

/* Imports, then the real check (no errors) and build; returns the report (malloc'd) or
 * NULL when the import refused, with its message in e. */
static char *import_check_build(const char *name, const char *const *files, int n, err *e)
{
    char out[700], pack_path[800];
    snprintf(out, sizeof out, "%s/hostile-%s", test_tmpdir(), name);
    import_options o = {.files = files, .file_count = n, .out_dir = out, .name = "Hostile"};
    import_summary sum;
    if (!import_integreat(&o, &sum, e))
        return NULL;
    pack_report r = {0};
    bool checked = pack_check_sources(out, &r);
    for (int i = 0; i < r.count; i++)
        if (r.problems[i].error) {
            char msg[1400];
            snprintf(msg, sizeof msg, "%s: check: %s", name, r.problems[i].text);
            test_fail(__FILE__, __LINE__, msg);
        }
    CHECK(checked);
    CHECK_INT(r.errors, 0);
    pack_report_free(&r);
    snprintf(pack_path, sizeof pack_path, "%s/hostile-%s.pack", test_tmpdir(), name);
    err be;
    if (!pack_build(out, pack_path, &be)) {
        char msg[1400];
        snprintf(msg, sizeof msg, "%s: build: %s", name, be.msg);
        test_fail(__FILE__, __LINE__, msg);
    }
    check_written(out);
    return sum.report;
}

static void write_one(const char *dir, const char *file, const buf *b, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, file);
    put_bytes(path, b);
}

static const char *hostile_dir(void)
{
    static char dir[700];
    snprintf(dir, sizeof dir, "%s/hostile-in", test_tmpdir());
    mkdir(dir, 0755);
    return dir;
}

/* ---- the tests ---- */

TEST(import_hostile_fields_give_sources_that_check_and_build)
{
    /* Every piece in every field of a German page and its English translation, and each
     * piece in the path of a parent, all in one export. */
    buf de = {0}, en = {0};
    add(&de, "[");
    add(&en, "[");
    for (int i = 0; i < ATOM_COUNT; i++) {
        if (i) {
            add(&de, ",");
            add(&en, ",");
        }
        add_page(&de, "de", 1000 + i, i, &ATOMS[i], i % 3 ? "/h/de/p0-%FF/" : NULL, 5000 + i, "en");
        add_page(&en, "en", 5000 + i, i, &ATOMS[i], NULL, 1000 + i, "de");
    }
    add(&de, "]");
    add(&en, "]");
    char de_path[800], en_path[800];
    write_one(hostile_dir(), "de-fields.json", &de, de_path, sizeof de_path);
    write_one(hostile_dir(), "en-fields.json", &en, en_path, sizeof en_path);
    const char *files[] = {de_path, en_path};
    err e;
    char *report = import_check_build("fields", files, 2, &e);
    if (!report)
        test_fail(__FILE__, __LINE__, e.msg);
    /* What was replaced or removed is named, with the page. */
    CHECK(report && strstr(report, "page 1000 (de): the title had 1 invalid UTF-8 sequence"));
    CHECK(report && strstr(report, "page 1018 (de): the title had 1 bidi control character"));
    CHECK(report && strstr(report, "page 5018 (en): the title had 1 bidi control character"));
    CHECK(report && strstr(report, "page 1010 (de): the text had "));
    CHECK(report && strstr(report, "page 1018 (de): the text had") && strstr(report, "bidi control character"));
    free(report);
    free(de.s);
    free(en.s);
}

/* The parts of a page as JSON, for the structural cases. */
static void page_json(buf *b, long id, const char *path, const char *title, const char *parent, const char *updated,
                      const char *content)
{
    addf(b, "{\"id\":%ld,\"path\":\"%s\",\"title\":\"", id, path);
    add_json_raw(b, title);
    add(b, "\",\"last_updated\":\"");
    add_json_raw(b, updated);
    add(b, "\",\"content\":\"");
    add_json_raw(b, content);
    add(b, "\",\"parent\":");
    if (parent)
        addf(b, "{\"id\":1,\"path\":\"%s\"}", parent);
    else
        add(b, "null");
    add(b, ",\"order\":1,\"available_languages\":{}}");
}

TEST(import_hostile_structure_gives_sources_that_check_and_build)
{
    /* Duplicate ids and paths, parent loops, a page its own parent, a deep chain, empty
     * strings, an enormous page with an enormous word, deep HTML, odd numbers. */
    buf b = {0};
    add(&b, "[");
    page_json(&b, 1, "/h/de/a/", "A", "/h/de/b/", "2024-01-01T00:00:00Z", "<p>A</p>");
    add(&b, ",");
    page_json(&b, 2, "/h/de/b/", "B", "/h/de/a/", "2024-01-01T00:00:00Z", "<p>B</p>");
    add(&b, ",");
    page_json(&b, 3, "/h/de/self/", "Self", "/h/de/self/", "2024-01-01T00:00:00Z", "<p>S</p>");
    add(&b, ",");
    page_json(&b, 4, "/h/de/dup-path/", "Dup path 1", NULL, "2024-01-01T00:00:00Z", "<p>1</p>");
    add(&b, ",");
    page_json(&b, 5, "/h/de/dup-path/", "Dup path 2", NULL, "2024-01-02T00:00:00Z", "<p>2</p>");
    add(&b, ",");
    page_json(&b, 6, "/h/de/dup-id-1/", "Dup id 1", NULL, "2024-01-01T00:00:00Z", "<p>1</p>");
    add(&b, ",");
    page_json(&b, 6, "/h/de/dup-id-2/", "Dup id 2", NULL, "2024-01-01T00:00:00Z", "<p>2</p>");
    add(&b, ",");
    page_json(&b, 7, "/h/de/empty/", "", NULL, "2024-01-01T00:00:00Z", "");
    add(&b, ",");
    page_json(&b, 8, "/h/de/%20/", " ", NULL, "2024-01-01T00:00:00Z", " ");
    add(&b, ",");
    /* A long chain of pages, each under the one before. */
    char path[64], parent[64];
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof path, "/h/de/chain-%d/", i);
        snprintf(parent, sizeof parent, "/h/de/chain-%d/", i - 1);
        page_json(&b, 100 + i, path, "Kette", i ? parent : NULL, "2024-01-01T00:00:00Z", "<p>x</p>");
        add(&b, ",");
    }
    /* An enormous page: a title of 10,000 bytes, a word of 200,000 letters, 20,000 paragraphs. */
    buf big = {0}, title = {0};
    for (int i = 0; i < 2000; i++)
        add(&title, "Wort ");
    add(&big, "<p>");
    for (int i = 0; i < 200000; i++)
        add(&big, "x");
    add(&big, "</p>");
    for (int i = 0; i < 20000; i++)
        add(&big, "<p>Absatz mit ein paar Wörtern.</p>");
    page_json(&b, 9, "/h/de/big/", title.s, NULL, "2024-01-01T00:00:00Z", big.s);
    add(&b, ",");
    /* A title of 600 'ä': any cut must not split a letter. */
    buf umlauts = {0};
    for (int i = 0; i < 600; i++)
        add(&umlauts, "ä");
    page_json(&b, 10, "/h/de/umlaut/", umlauts.s, NULL, "2024-01-01T00:00:00Z", "<p>ä</p>");
    add(&b, ",");
    /* HTML nested far deeper than any editor writes, lists too. */
    buf deep = {0};
    for (int i = 0; i < 5000; i++)
        add(&deep, i % 2 ? "<div>" : "<ul><li>");
    add(&deep, "tief <ol start='2147483647'><li>a</li><li>b</li></ol>");
    page_json(&b, 11, "/h/de/deep/", "Tief", NULL, "2024-01-01T00:00:00Z", deep.s);
    add(&b, ",");
    /* A paragraph with 300 links and bold parts, one of 40 KiB, a link address of 5,000
     * bytes, an address of 2,000 bytes shown as a link's words, bold words in the thousands. */
    buf many = {0};
    add(&many, "<p>");
    for (int i = 0; i < 150; i++)
        addf(&many, "<a href='https://example.org/%d'>Link %d</a> <b>fett</b> ", i, i);
    add(&many, "</p><p>");
    for (int i = 0; i < 8000; i++)
        add(&many, "Wort ");
    add(&many, "</p><p><a href='https://example.org/");
    for (int i = 0; i < 5000; i++)
        add(&many, "a");
    add(&many, "'>lang</a> und <a href='https://example.org/x'>https://example.org/");
    for (int i = 0; i < 2000; i++)
        add(&many, "b");
    add(&many, "</a></p><ul><li>");
    for (int i = 0; i < 4000; i++)
        add(&many, "<b>x</b> y ");
    add(&many, "</li></ul>");
    page_json(&b, 17, "/h/de/many/", "Viele", NULL, "2024-01-01T00:00:00Z", many.s);
    add(&b, ",");
    /* More pages on the home screen and under one topic than the kiosk shows. */
    for (int i = 0; i < PACK_TOP_LEVEL_MAX + 6; i++) {
        snprintf(path, sizeof path, "/h/de/top-%d/", i);
        page_json(&b, 20000 + i, path, "Oben", NULL, "2024-01-01T00:00:00Z", "<p>o</p>");
        add(&b, ",");
    }
    for (int i = 0; i < PACK_CHILDREN_MAX + 44; i++) {
        snprintf(path, sizeof path, "/h/de/top-0/kid-%d/", i);
        page_json(&b, 30000 + i, path, "Kind", "/h/de/top-0/", "2024-01-01T00:00:00Z",
                  "<p><a href='https://integreat.app/h/de/top-69/'>zum letzten</a></p>");
        add(&b, ",");
    }
    /* Ids and order at the edges of their types. */
    add(&b, "{\"id\":9223372036854775807,\"path\":\"/h/de/max/\",\"title\":\"Max\",\"last_updated\":"
            "\"2024-01-01T00:00:00Z\",\"content\":\"<p>m</p>\",\"parent\":null,\"order\":-9223372036854775807},");
    add(&b, "{\"id\":-5,\"path\":\"/h/de/neg/\",\"title\":\"Neg\",\"last_updated\":\"2024-01-01T00:00:00Z\","
            "\"content\":\"<p>n</p>\",\"parent\":null,\"order\":\"99999999999999999999999\"},");
    add(&b, "{\"id\":\"99999999999999999999\",\"path\":\"/h/de/overflow/\",\"title\":\"Overflow\","
            "\"last_updated\":\"2024-01-01T00:00:00Z\",\"content\":\"\",\"parent\":null},");
    /* Pages without an id, a title or a path; a page that is not an object. */
    add(&b, "{\"path\":\"/h/de/noid/\",\"title\":\"x\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "{\"id\":12,\"title\":\"no path\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "{\"id\":13,\"path\":\"/h/de/notitle/\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "{\"id\":14,\"path\":\"\",\"title\":\"empty path\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "{\"id\":15,\"path\":\"/other/de/x/\",\"title\":\"other region\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "{\"id\":16,\"path\":\"/h/en/x/\",\"title\":\"other language\",\"last_updated\":\"2024-01-01T00:00:00Z\"},");
    add(&b, "[1,2,3],\"page\",null");
    add(&b, "]");
    char de_path[800];
    write_one(hostile_dir(), "de-structure.json", &b, de_path, sizeof de_path);
    const char *files[] = {de_path};
    err e;
    char *report = import_check_build("structure", files, 1, &e);
    if (!report)
        test_fail(__FILE__, __LINE__, e.msg);
    CHECK(report && strstr(report, "loop"));
    CHECK(report && strstr(report, "page 4") && strstr(report, "the same path"));
    CHECK(report && strstr(report, "page 6") && strstr(report, "the same id"));
    CHECK(report && strstr(report, "page 9 (de): the title was longer than"));
    CHECK(report && strstr(report, "page 10 (de): the title was longer than"));
    CHECK(report && strstr(report, "has no id"));
    CHECK(report && strstr(report, "page 11 (de): its HTML nests deeper than 256 levels"));
    CHECK(report && strstr(report, "page 9 (de): the text has words longer than"));
    CHECK(report && strstr(report, "page 9 (de): the text is longer than the"));
    CHECK(report && strstr(report, "page 17 (de): ") && strstr(report, "paragraphs longer than"));
    CHECK(report && strstr(report, "link address longer than"));
    char shows[80];
    snprintf(shows, sizeof shows, "where the kiosk shows %d: left out", PACK_TOP_LEVEL_MAX);
    CHECK(report && strstr(report, shows));
    snprintf(shows, sizeof shows, "where the kiosk shows %d: left out", PACK_CHILDREN_MAX);
    CHECK(report && strstr(report, shows));
    free(report);
    free(b.s);
    free(big.s);
    free(title.s);
    free(umlauts.s);
    free(deep.s);
    free(many.s);
}

/* Dates as broken exports write them: never a read past the string, a warning with the page. */
TEST(import_bad_dates_are_reported_with_the_page)
{
    /* ISO 8601 as Integreat and other exports write it: a time zone as Z, +HH:MM, +HHMM or
     * +HH, any fraction of a second, T or a space, lower case as RFC 3339 allows. */
    static const char *const GOOD[] = {
        "2023-11-20T14:06:57Z", "2023-11-20T14:06:57.5Z", "2023-11-20 14:06:57", "2023-11-20T14:06:57+01",
        "2023-11-20T14:06:57-0130", "2023-11-20t14:06:57z", "2023-11-20T14:06:57.123456789012345678901234567890Z",
    };
    static const char *const BAD[] = {
        "2023-11-20T14:06:57+1:2", "2023-11-20T14:06:57+", "2023-11-20T14:06:57-0", "2023-11-20T14:06:57+01:",
        "2023-11-20T14:06:57.", "2023-11-20T14:06", "2023-11-2", "", "2023-13-45T99:99:99Z",
        "+2023-11-20T14:06:57Z", "2023-11-20T14:06:57Zjunk", " 2023-11-20T14:06:57Z", "2023-02-30T10:00:00Z",
        "99999-11-20T14:06:57Z", "2023-11-20T14:06:57+99:99", "2023-11-20T14:06:57+01:2", "2023-11-20T14:06:5",
        "2023-11-20T14:06:57\\u0000Z", "2023-11-20T14:06:57\\u00ff", "2023-11-20T24:00:00Z",
    };
    int good = (int)(sizeof GOOD / sizeof GOOD[0]), bad = (int)(sizeof BAD / sizeof BAD[0]);
    buf b = {0};
    add(&b, "[");
    page_json(&b, 1, "/h/de/good/", "Gut", NULL, "2024-01-02T03:04:05.678+01:00", "<p>gut</p>");
    /* The broken ones first: the first of them read past its string. */
    for (int i = 0; i < good + bad; i++) {
        char path[64];
        snprintf(path, sizeof path, "/h/de/d%d/", i);
        add(&b, ",");
        /* Written as JSON escapes where they have them, so "\\u0000" is a NUL in the string. */
        const char *date = i < bad ? BAD[i] : GOOD[i - bad];
        addf(&b, "{\"id\":%d,\"path\":\"%s\",\"title\":\"Datum\",\"last_updated\":\"%s\",\"content\":\"x\"}",
             100 + i, path, date);
    }
    add(&b, "]");
    char de_path[800];
    write_one(hostile_dir(), "de-dates.json", &b, de_path, sizeof de_path);
    const char *files[] = {de_path};
    err e;
    char *report = import_check_build("dates", files, 1, &e);
    if (!report)
        test_fail(__FILE__, __LINE__, e.msg);
    /* Each broken date is named with its page; the good ones are not. */
    for (int i = 0; report && i < good + bad; i++) {
        char want[64];
        snprintf(want, sizeof want, "page %d (de): last_updated", 100 + i);
        if ((strstr(report, want) != NULL) != (i < bad)) {
            char msg[200];
            snprintf(msg, sizeof msg, "date \"%s\" is %s in the report", i < bad ? BAD[i] : GOOD[i - bad],
                     i < bad ? "not named" : "named");
            test_fail(__FILE__, __LINE__, msg);
        }
    }
    CHECK(report && !strstr(report, "page 1 (de): last_updated"));
    /* The pack's version is the newest readable date. */
    char region[900];
    snprintf(region, sizeof region, "%s/hostile-dates/region.txt", test_tmpdir());
    char *text = test_read_file(region, NULL);
    CHECK(text && strstr(text, "version: 2024-01-02\n"));
    free(text);
    free(report);
    free(b.s);
}

/* True when the import refuses (and says why in e). */
static bool refused(const import_options *o, err *e)
{
    import_summary sum;
    if (!import_integreat(o, &sum, e))
        return true;
    import_summary_free(&sum);
    return false;
}

/* What the staff give on the command line and in the licence file: refused when it cannot
 * be one clean line, cleaned (and said so) when it comes from a file. */
TEST(import_hostile_region_fields)
{
    buf b = {0};
    add(&b, "[");
    page_json(&b, 1, "/h/de/a/", "A", NULL, "2024-01-01T00:00:00Z", "<p>a</p>");
    add(&b, "]");
    char de_path[800], licence[800], out[800];
    write_one(hostile_dir(), "de-region.json", &b, de_path, sizeof de_path);
    buf lic = {0};
    add(&lic, "Lizenz \xFF\xE2\x80\xAE mit \x01 Steuerzeichen ");
    for (int i = 0; i < 300; i++)
        add(&lic, "ä");
    add(&lic, "\nCopyright (c) 2024 \xC3\n");
    write_one(hostile_dir(), "LICENSE-hostile", &lic, licence, sizeof licence);
    const char *files[] = {de_path};
    snprintf(out, sizeof out, "%s/hostile-region", test_tmpdir());
    import_summary sum;
    err e;
    static const char *const BAD_NAMES[] = {"Kreis\xFF", "Kreis\xE2\x80\xAE", "Kreis\nname: x", "", "Kreis\x01"};
    for (int i = 0; i < 5; i++) {
        import_options o = {.files = files, .file_count = 1, .out_dir = out, .name = BAD_NAMES[i]};
        CHECK(refused(&o, &e));
    }
    char long_name[300];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    import_options o = {.files = files, .file_count = 1, .out_dir = out, .name = long_name};
    CHECK(refused(&o, &e));
    CHECK(strstr(e.msg, "name") != NULL);
    o = (import_options){.files = files, .file_count = 1, .out_dir = out, .name = "Kreis", .version = "1 2"};
    CHECK(refused(&o, &e));
    o = (import_options){.files = files, .file_count = 1, .out_dir = out, .name = "Kreis", .region = "H\xFF"};
    CHECK(refused(&o, &e));
    char long_out[1500];
    snprintf(long_out, sizeof long_out, "%s/", test_tmpdir());
    while (strlen(long_out) < sizeof long_out - 110)
        strcat(long_out, "/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
    o = (import_options){.files = files, .file_count = 1, .out_dir = long_out, .name = "Kreis"};
    CHECK(refused(&o, &e));
    CHECK(strstr(e.msg, "too long") != NULL);
    o = (import_options){.files = files, .file_count = 1, .out_dir = out, .name = "Kreis", .licence_file = licence};
    bool ok = import_integreat(&o, &sum, &e);
    if (!ok)
        test_fail(__FILE__, __LINE__, e.msg);
    if (!ok)
        return;
    CHECK(strstr(sum.report, "licence") != NULL);
    import_summary_free(&sum);
    pack_report r = {0};
    CHECK(pack_check_sources(out, &r));
    CHECK_INT(r.errors, 0);
    pack_report_free(&r);
    check_written(out);
    char pack_path[900];
    snprintf(pack_path, sizeof pack_path, "%s.pack", out);
    CHECK(pack_build(out, pack_path, &e));
    pack *p = pack_open(pack_path, &e);
    CHECK(p != NULL);
    if (p) {
        size_t bad;
        const char *source = pack_get_meta(p)->source;
        CHECK(strict_utf8(source, strlen(source), &bad));
        CHECK(strlen(source) < sizeof pack_get_meta(p)->source - 1);
        pack_close(p);
    }
    free(b.s);
    free(lic.s);
}

/* The staff's own files beside the sources: a broken line stops the import with its line. */
TEST(import_hostile_staff_files_are_refused_with_their_line)
{
    buf b = {0};
    add(&b, "[");
    page_json(&b, 1, "/h/de/a/", "A", NULL, "2024-01-01T00:00:00Z", "<p>a</p>");
    add(&b, "]");
    char de_path[800], out[800], path[900];
    write_one(hostile_dir(), "de-staff.json", &b, de_path, sizeof de_path);
    const char *files[] = {de_path};
    snprintf(out, sizeof out, "%s/hostile-staff", test_tmpdir());
    import_options o = {.files = files, .file_count = 1, .out_dir = out, .name = "Kreis"};
    import_summary sum;
    err e;
    CHECK(import_integreat(&o, &sum, &e));
    import_summary_free(&sum);
    static const char *const TILES[] = {
        "10001 | de | Kurz\xFF\n", "10001 | de | \xE2\x80\xAEKurz\n", "10001 | de | Kurz\x01\n",
        "010001 | de | Kurz\n",
    };
    snprintf(path, sizeof path, "%s/%s", out, IMPORT_TILE_TITLES_FILE);
    for (int i = 0; i < 4; i++) {
        FILE *f = fopen(path, "w");
        fputs(TILES[i], f);
        fclose(f);
        CHECK(refused(&o, &e));
        CHECK(strstr(e.msg, IMPORT_TILE_TITLES_FILE ":1:") != NULL);
    }
    /* A line longer than the reader's buffer is one line, not two. */
    FILE *f = fopen(path, "w");
    fputs("# ", f);
    for (int i = 0; i < 5000; i++)
        fputc('x', f);
    fputs("\n10001 | de | Kurz\n", f);
    fclose(f);
    CHECK(import_integreat(&o, &sum, &e));
    import_summary_free(&sum);
    snprintf(path, sizeof path, "%s/%s", out, IMPORT_CODES_FILE);
    f = fopen(path, "w");
    fputs("10001 | 1 | /h/de/a/\xFF\n", f);
    fclose(f);
    CHECK(refused(&o, &e));
    CHECK(strstr(e.msg, IMPORT_CODES_FILE ":1:") != NULL);
    free(b.s);
}
