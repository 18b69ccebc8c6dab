/* Reading synonyms.txt (content/README.md): the words visitors type for a word the pages use
 * ("job center" for Jobcenter). Optional; part of the content source reader (pack_source.h). */
#include "pack_source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pack_private.h"
#include "utf8.h"

/* Something search can find: a letter or digit once normalized (a word of only signs or
 * marks would match nothing, or everything). */
static bool searchable(const char *word)
{
    char norm[4 * PACK_SYNONYM_BYTES_MAX + 16];
    pack_normalize(word, norm, sizeof norm);
    for (const char *p = norm; *p;) {
        uint32_t c = utf8_next(&p);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 0xC0 && c != 0xD7 && c != 0xF7 && c < 0x2000) ||
            (c >= 0x2C00 && c < 0xFE00) || c >= 0x10000)
            return true;
    }
    return false;
}

static bool add(src *s, const char *path, int line, const char *lang, const char *word, const char *synonym)
{
    if (s->synonym_count == PACK_SYNONYMS_MAX)
        return pack_src_problem(s, "%s:%d: more than %d synonyms: the kiosk keeps that many", path, line,
                                PACK_SYNONYMS_MAX);
    if (s->synonym_count % 64 == 0) {
        src_synonym *more = realloc(s->synonyms, (size_t)(s->synonym_count + 64) * sizeof *more);
        if (!more)
            return pack_src_problem(s, "out of memory");
        s->synonyms = more;
    }
    src_synonym *y = &s->synonyms[s->synonym_count];
    snprintf(y->lang, sizeof y->lang, "%s", lang);
    y->line = line;
    y->word = strdup(word);
    y->synonym = strdup(synonym);
    if (!y->word || !y->synonym) {
        free(y->word);
        free(y->synonym);
        return pack_src_problem(s, "out of memory");
    }
    s->synonym_count++;
    return true;
}

/* `value` is one of the line's words: within the limits, and with something to search for. */
static bool word_ok(src *s, const char *path, int line, const char *what, const char *value)
{
    if (!*value)
        return pack_src_problem(s, "%s:%d: %s is empty: write 'language | word | also found by, …'", path, line,
                                what);
    if (!pack_src_field(s, path, line, what, value, PACK_SYNONYM_BYTES_MAX))
        return false;
    if (!searchable(value))
        return pack_src_problem(s, "%s:%d: %s '%s' has no letter or digit, so search cannot find it", path, line, what,
                                pack_src_shown(s, value));
    return true;
}

/* "de | Jobcenter | job center, jobcentre": commas (Latin or Arabic ،) between the words a
 * visitor may type instead. */
static bool synonym_line(src *s, const char *path, int line, char *l)
{
    char *bar1 = strchr(l, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
    if (!bar2 || strchr(bar2 + 1, '|'))
        return pack_src_problem(s, "%s:%d: expected 'language | word | also found by, …' (three parts between |)",
                                path, line);
    *bar1 = *bar2 = 0;
    char *lang = pack_src_trim(l), *word = pack_src_trim(bar1 + 1), *list = pack_src_trim(bar2 + 1);
    bool listed = false;
    for (int i = 0; i < s->language_count; i++)
        listed |= !strcmp(s->languages[i].code, lang);
    if (!listed)
        return pack_src_problem(s, "%s:%d: language '%s' is not one of the languages in region.txt", path, line,
                                pack_src_shown(s, lang));
    if (!word_ok(s, path, line, "word", word))
        return false;
    if (!*list)
        return pack_src_problem(s, "%s:%d: no word after the second |: list what '%s' is also found by", path, line,
                                pack_src_shown(s, word));
    bool ok = true;
    int count = 0;
    for (char *p = list; ok && p;) {
        char *comma = strchr(p, ','), *arabic = strstr(p, "\xD8\x8C"); /* U+060C ، */
        char *end = comma && (!arabic || comma < arabic) ? comma : arabic;
        size_t skip = end == arabic && arabic ? 2 : 1;
        if (end)
            *end = 0;
        char *synonym = pack_src_trim(p);
        p = end ? end + skip : NULL;
        if (!*synonym && !p && count > 0)
            break; /* a comma at the end of the line */
        ok = word_ok(s, path, line, "a word it is also found by", synonym) && add(s, path, line, lang, word, synonym);
        count++;
    }
    return ok;
}

bool pack_src_read_synonyms(src *s)
{
    size_t size = strlen(s->dir) + 16;
    char *path = malloc(size);
    if (!path)
        return pack_src_problem(s, "out of memory");
    snprintf(path, size, "%s/synonyms.txt", s->dir);
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        free(path);
        return true; /* optional */
    }
    char *buf = pack_src_load(s, path);
    bool ok = buf != NULL;
    char *cursor = buf, *raw;
    for (int line = 1; buf && (raw = pack_src_next_line(&cursor)); line++) {
        char *l = pack_src_trim(raw);
        if (*l && *l != '#' && !synonym_line(s, path, line, l))
            ok = false;
    }
    free(buf);
    free(path);
    return ok;
}

/* Every word of `word` (normalized) is somewhere in the text: a warning's test, not search's. */
static bool words_in(const char *word, const char *title, const char *body)
{
    char norm[4 * PACK_SYNONYM_BYTES_MAX + 16];
    pack_normalize(word, norm, sizeof norm);
    char *save = NULL;
    for (char *w = strtok_r(norm, " \t,.;:!?()\"'-", &save); w; w = strtok_r(NULL, " \t,.;:!?()\"'-", &save))
        if (!strstr(title, w) && !strstr(body, w))
            return false;
    return true;
}

void pack_src_check_synonym_words(src *s)
{
    if (!s->synonym_count)
        return;
    bool *found = calloc((size_t)s->synonym_count, sizeof *found);
    if (!found)
        return;
    for (int i = 0; i < s->page_count; i++)
        for (int t = 0; t < s->pages[i].text_count; t++) {
            const src_text *x = &s->pages[i].texts[t];
            char *title, *body;
            bool open = false;
            for (int k = 0; k < s->synonym_count; k++)
                open |= !found[k] && !strcmp(s->synonyms[k].lang, x->lang);
            if (!open || !x->title ||
                !pack_index_fields(x->title, x->summary ? x->summary : "", x->body ? x->body : "", &title, &body))
                continue;
            for (int k = 0; k < s->synonym_count; k++)
                if (!found[k] && !strcmp(s->synonyms[k].lang, x->lang))
                    found[k] = words_in(s->synonyms[k].word, title, body);
            free(title);
            free(body);
        }
    char path[1024];
    snprintf(path, sizeof path, "%s/synonyms.txt", s->dir);
    for (int k = 0; k < s->synonym_count; k++)
        /* One warning a line: its pairs share the word. */
        if (!found[k] && (k == 0 || s->synonyms[k - 1].line != s->synonyms[k].line))
            pack_src_warning(s, "%s:%d: no %s page has '%s', so its synonyms find nothing", path,
                             s->synonyms[k].line, s->synonyms[k].lang, pack_src_shown(s, s->synonyms[k].word));
    free(found);
}

void pack_src_free_synonyms(src *s)
{
    for (int i = 0; i < s->synonym_count; i++) {
        free(s->synonyms[i].word);
        free(s->synonyms[i].synonym);
    }
    free(s->synonyms);
    s->synonyms = NULL;
    s->synonym_count = 0;
}
