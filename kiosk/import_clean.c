/* What every part of the import reads through: bytes that are not UTF-8, control and bidi
 * characters and over-long values are made clean here, counted for the report; Integreat
 * addresses become paths. Nothing here reads past the end of what it is given. */
#include "import_private.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

bool import_is_control(uint32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0xFEFF; }

bool import_is_bidi_control(uint32_t c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

uint32_t import_utf8_next(const char **s, const char *end, int *invalid)
{
    const unsigned char *p = (const unsigned char *)*s, *e = (const unsigned char *)end;
    unsigned char c = p[0];
    int extra = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
    uint32_t cp = extra > 0 ? c & (0x3Fu >> extra) : c;
    int k = 1;
    for (; extra > 0 && k <= extra && p + k < e && (p[k] & 0xC0) == 0x80; k++)
        cp = cp << 6 | (p[k] & 0x3F);
    /* Noncharacters (U+FFFE, U+FDD0…) are valid UTF-8 but no text: no font has them. */
    bool ok = extra >= 0 && k == (extra > 0 ? extra + 1 : 1) && !(extra == 2 && cp < 0x800) &&
              !(extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) && !(cp >= 0xD800 && cp <= 0xDFFF) &&
              !(cp >= 0xFDD0 && cp <= 0xFDEF) && (cp & 0xFFFE) != 0xFFFE;
    if (!ok) {
        /* One replacement for the lead byte and the continuation bytes that followed it. */
        *s += extra < 0 ? 1 : k;
        if (invalid)
            (*invalid)++;
        return 0xFFFD;
    }
    *s += k;
    return cp;
}

bool import_utf8_valid(const char *s, size_t len)
{
    int invalid = 0;
    for (const char *p = s, *end = s + len; p < end && !invalid;)
        if (import_utf8_next(&p, end, &invalid) == 0)
            return false;
    return !invalid;
}

char *import_clean_text(const char *s, size_t len, bool one_line, import_fixes *fixes)
{
    sb out = {0};
    int invalid = 0;
    sb_addn(&out, "", 0);
    for (const char *p = s, *end = s + len; p < end;) {
        const char *start = p;
        int before = invalid;
        uint32_t c = import_utf8_next(&p, end, &invalid);
        bool space = (c >= '\t' && c <= '\r') || c == 0x2028 || c == 0x2029;
        if (space && one_line) {
            sb_add(&out, " ");
        } else if (!space && import_is_control(c)) {
            if (fixes)
                fixes->controls++;
        } else if (invalid != before) {
            sb_cp(&out, 0xFFFD);
        } else {
            sb_addn(&out, start, (size_t)(p - start));
        }
    }
    if (fixes)
        fixes->invalid += invalid;
    return sb_take(&out);
}

/* Entities decoded by libxml2's HTML parser ("&amp;" occurs in Integreat titles). */
static char *decode_entities(const char *in)
{
    if (!strchr(in, '&') || strchr(in, '<'))
        return NULL;
    sb wrapped = {0};
    sb_add(&wrapped, "<p>");
    sb_add(&wrapped, in);
    sb_add(&wrapped, "</p>");
    char *decoded = NULL;
    if (!wrapped.oom && wrapped.len < (size_t)INT32_MAX) {
        htmlDocPtr doc = htmlReadMemory(wrapped.s, (int)wrapped.len, NULL, "UTF-8",
                                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                                            HTML_PARSE_RECOVER);
        xmlChar *text = doc ? xmlNodeGetContent(xmlDocGetRootElement(doc)) : NULL;
        if (text)
            decoded = strdup((const char *)text);
        xmlFree(text);
        xmlFreeDoc(doc);
    }
    sb_free(&wrapped);
    return decoded;
}

/* Cuts s (of len bytes) to at most max bytes with "…": at the last space that leaves some
 * words, else at a character; never inside a character. */
static void cut_at_word(char *s, size_t max)
{
    static const char ELLIPSIS[] = "…";
    size_t room = max - (sizeof ELLIPSIS - 1), cut = room;
    while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t i = cut; i > room / 2; i--)
        if (s[i] == ' ') {
            cut = i;
            break;
        }
    while (cut && s[cut - 1] == ' ')
        cut--;
    memcpy(s + cut, ELLIPSIS, sizeof ELLIPSIS);
}

char *import_header_value(const char *in, size_t max, import_fixes *fixes)
{
    import_fixes none = {0};
    if (!fixes)
        fixes = &none;
    char *decoded = decode_entities(in);
    const char *s = decoded ? decoded : in, *end = s + strlen(s);
    sb out = {0};
    sb_addn(&out, "", 0);
    bool space = false;
    while (s < end) {
        uint32_t ch = import_utf8_next(&s, end, &fixes->invalid);
        if (import_is_space(ch) || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v' || ch == 0x2028 ||
            ch == 0x2029) {
            space = true;
            continue;
        }
        if (import_is_control(ch)) {
            fixes->controls++;
            continue;
        }
        if (import_is_bidi_control(ch)) {
            fixes->bidi++;
            continue;
        }
        if (space && out.len)
            sb_add(&out, " ");
        space = false;
        sb_cp(&out, ch);
    }
    free(decoded);
    if (!out.oom && max && out.len > max) {
        cut_at_word(out.s, max);
        out.len = strlen(out.s);
        fixes->cut = true;
    }
    return sb_take(&out);
}

static void count_phrase(sb *out, bool *first, int n, const char *one, const char *many, const char *what)
{
    if (!n)
        return;
    sb_addf(out, "%s%d %s (%s)", *first ? "" : ", ", n, n == 1 ? one : many, what);
    *first = false;
}

void import_fixes_note(sb *out, long id, const char *lang, const char *field, const import_fixes *f, size_t max)
{
    if (!f->invalid && !f->controls && !f->bidi && !f->cut)
        return;
    sb_addf(out, "  page %ld (%s): the %s ", id, lang, field);
    bool first = true;
    if (f->invalid || f->controls || f->bidi) {
        sb_add(out, "had ");
        count_phrase(out, &first, f->invalid, "invalid UTF-8 sequence", "invalid UTF-8 sequences",
                     "replaced by U+FFFD");
        count_phrase(out, &first, f->controls, "control character", "control characters", "removed");
        count_phrase(out, &first, f->bidi, "bidi control character", "bidi control characters", "removed");
    }
    if (f->cut)
        sb_addf(out, "%swas longer than %zu bytes (cut at a word)", first ? "" : "; it ", max);
    sb_add(out, "\n");
}

bool import_check_option(const char *option, const char *value, size_t max, err *e)
{
    size_t len = strlen(value);
    if (!len)
        return err_set(e, "%s is empty", option);
    if (len > max)
        return err_set(e, "%s is %zu bytes long; region.txt holds at most %zu", option, len, max);
    if (!import_utf8_valid(value, len))
        return err_set(e, "%s is not valid UTF-8", option);
    for (const char *p = value, *end = value + len; p < end;) {
        uint32_t c = import_utf8_next(&p, end, NULL);
        if (import_is_control(c) || c == 0x2028 || c == 0x2029)
            return err_set(e, "%s must be one line without control characters", option);
        if (import_is_bidi_control(c))
            return err_set(e, "%s has a bidi control character (U+%04X), which can make it read backwards",
                           option, (unsigned)c);
    }
    return true;
}

/* ---- Integreat addresses ---- */

static const char *const INTEGREAT_HOSTS[] = {"integreat.app", "web.integreat-app.de", "admin.integreat-app.de",
                                              "cms.integreat-app.de", "integreat-app.de"};

bool import_integreat_path(const char *href, char *out, size_t size)
{
    const char *p = href;
    while (*p == ' ')
        p++;
    const char *path;
    if (import_has_prefix_ci(p, "https://") || import_has_prefix_ci(p, "http://")) {
        const char *host = strstr(p, "//") + 2;
        size_t host_len = strcspn(host, "/?#:");
        if (host_len > 4 && import_has_prefix_ci(host, "www.")) {
            host += 4;
            host_len -= 4;
        }
        bool known = false;
        for (size_t i = 0; i < sizeof INTEGREAT_HOSTS / sizeof INTEGREAT_HOSTS[0]; i++)
            known |= host_len == strlen(INTEGREAT_HOSTS[i]) && !strncasecmp(host, INTEGREAT_HOSTS[i], host_len);
        if (!known)
            return false;
        path = host + strcspn(host, "/?#");
        if (*path != '/')
            path = "/";
    } else if (p[0] == '/' && p[1] != '/') {
        path = p;
    } else {
        return false;
    }
    /* Percent-decoded, then made strict UTF-8 on one line: "%FF" and "%0A" must not reach a
     * written file, and both sides of a comparison go the same way. */
    sb raw = {0};
    for (const char *q = path; *q && *q != '?' && *q != '#'; q++) {
        if (*q == '%' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
            char byte = (char)(import_hex_value(q[1]) * 16 + import_hex_value(q[2]));
            sb_addn(&raw, &byte, 1);
            q += 2;
        } else {
            sb_addn(&raw, q, 1);
        }
    }
    if (!raw.len || sb_last(&raw) != '/')
        sb_add(&raw, "/");
    bool ok = false;
    if (!raw.oom) {
        sb clean = {0};
        for (const char *q = raw.s, *end = raw.s + raw.len; q < end;) {
            uint32_t c = import_utf8_next(&q, end, NULL);
            sb_cp(&clean, import_is_control(c) || c == 0x2028 || c == 0x2029 ? 0xFFFD : c);
        }
        ok = !clean.oom && clean.len < size;
        if (ok)
            memcpy(out, clean.s, clean.len + 1);
        sb_free(&clean);
    }
    sb_free(&raw);
    return ok;
}
