/* Deciding, for the Integreat import: the language lines, a page's icon, the page tree and
 * its order, which translation belongs to which page, the page codes that stay (and the
 * code list and tile titles staff keep beside the sources), and the table that turns a
 * link's path into a page code. */
#include "import_private.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <unistd.h>

/* ---- languages, icons, codes ---- */

static const struct {
    const char *code, *line;
} LANGUAGES[] = {
    {"de", "Deutsch | ltr | Latn | latn"},
    {"en", "English | ltr | Latn | latn"},
    {"ar", "العربية | rtl | Arab | latn"}, /* as the demo region: Western digits, as on German forms */
    {"fa", "فارسی | rtl | Arab | arabext"},
    {"prs", "دری | rtl | Arab | arabext"},
    {"ps", "پښتو | rtl | Arab | arabext"},
    {"ur", "اردو | rtl | Arab | arabext"},
    {"ckb", "کوردی | rtl | Arab | arab"},
    {"ku", "Kurdî | ltr | Latn | latn"}, /* Integreat's "ku" is Kurmanji, in Latin letters */
    {"kmr", "Kurmancî | ltr | Latn | latn"},
    {"ti", "ትግርኛ | ltr | Ethi | latn"},
    {"am", "አማርኛ | ltr | Ethi | latn"},
    {"so", "Soomaali | ltr | Latn | latn"},
    {"uk", "Українська | ltr | Cyrl | latn"},
    {"ru", "Русский | ltr | Cyrl | latn"},
    {"tr", "Türkçe | ltr | Latn | latn"},
    {"fr", "Français | ltr | Latn | latn"},
    {"es", "Español | ltr | Latn | latn"},
    {"it", "Italiano | ltr | Latn | latn"},
    {"pl", "Polski | ltr | Latn | latn"},
    {"ro", "Română | ltr | Latn | latn"},
    {"bg", "Български | ltr | Cyrl | latn"},
    {"el", "Ελληνικά | ltr | Grek | latn"},
    {"hr", "Hrvatski | ltr | Latn | latn"},
    {"hu", "Magyar | ltr | Latn | latn"},
    {"sq", "Shqip | ltr | Latn | latn"},
    {"sr", "Српски | ltr | Cyrl | latn"},
    {"bs", "Bosanski | ltr | Latn | latn"},
    {"vi", "Tiếng Việt | ltr | Latn | latn"},
    {"sw", "Kiswahili | ltr | Latn | latn"},
    {"de-si", "Einfaches Deutsch | ltr | Latn | latn"},
};

bool import_language_line(const char *code, char *out, size_t size)
{
    for (size_t i = 0; i < sizeof LANGUAGES / sizeof LANGUAGES[0]; i++)
        if (!strcmp(LANGUAGES[i].code, code)) {
            snprintf(out, size, "%s | %s", code, LANGUAGES[i].line);
            return true;
        }
    snprintf(out, size, "%s | %s | ltr | Latn | latn", code, code);
    return false;
}

/* First match wins: specific words before general ones. Keywords are lower case. */
static const char *const ICONS[][2] = {
    {"notf", "emergency"},           {"notruf", "emergency"},          {"notlage", "emergency"},
    {"in not", "emergency"},         {"emergenc", "emergency"},        {"polizei", "local_police"},
    {"police", "local_police"},      {"integreat", "smartphone"},      {"smartphone", "smartphone"},
    {"telefon", "wifi"},             {"internet", "wifi"},             {"wlan", "wifi"},
    {"deutsch lernen", "translate"}, {"deutschkurs", "translate"},     {"sprach", "translate"},
    {"dolmetsch", "translate"},      {"übersetz", "translate"},        {"language", "translate"},
    {"german", "translate"},         {"niveau", "translate"},          {"level", "translate"},
    {"alphabet", "translate"},       {"grammati", "translate"},        {"schwanger", "pregnant_woman"},
    {"pregnan", "pregnant_woman"},   {"betreuung", "child_care"},      {"childcare", "child_care"},
    {"kita", "child_care"},          {"famil", "family_restroom"},     {"kinder", "child_care"},
    {"children", "child_care"},      {"senior", "elderly"},            {"inklusion", "accessible"},
    {"inclusion", "accessible"},     {"behinderung", "accessible"},    {"disab", "accessible"},
    {"schule", "school"},            {"school", "school"},             {"ausbildung", "work"},
    {"training", "work"},            {"beruf", "work"},                {"bildung", "school"},
    {"education", "school"},         {"studi", "school"},              {"universit", "school"},
    {"hochschul", "school"},         {"arbeit", "work"},               {"karriere", "work"},
    {"career", "work"},              {"job", "work"},                  {"praktikum", "work"},
    {"internship", "work"},          {"work", "work"},                 {"gesundheit", "local_hospital"},
    {"health", "local_hospital"},    {"ärzt", "medical_services"},     {"arzt", "medical_services"},
    {"doctor", "medical_services"},  {"medizin", "medical_services"},  {"medical", "medical_services"},
    {"kranken", "medical_services"}, {"hospital", "medical_services"}, {"apothek", "local_pharmacy"},
    {"medikament", "local_pharmacy"}, {"pharmac", "local_pharmacy"},   {"impf", "vaccines"},
    {"vaccin", "vaccines"},          {"masern", "vaccines"},           {"psych", "psychology"},
    {"seelsorge", "psychology"},     {"energie", "bolt"},              {"energy", "bolt"},
    {"strom", "bolt"},               {"electricity", "bolt"},          {"wohn", "house"},
    {"miet", "house"},               {"housing", "house"},             {"renting", "house"},
    {"einreise", "flight_land"},     {"entry", "flight_land"},         {"aufenthalt", "badge"},
    {"residence", "badge"},          {"asyl", "badge"},                {"asylum", "badge"},
    {"ukraine", "badge"},            {"einbürgerung", "badge"},        {"naturali", "badge"},
    {"registrier", "how_to_reg"},    {"anmeld", "how_to_reg"},         {"regist", "how_to_reg"},
    {"beratung", "support_agent"},   {"counsel", "support_agent"},     {"advice", "support_agent"},
    {"recht", "gavel"},              {"law", "gavel"},                 {"rights", "gavel"},
    {"konto", "savings"},            {"account", "savings"},           {"versicherung", "savings"},
    {"insurance", "savings"},        {"vertr", "description"},         {"contract", "description"},
    {"finanz", "euro"},              {"financ", "euro"},               {"geld", "euro"},
    {"money", "euro"},               {"schuld", "euro"},               {"debt", "euro"},
    {"leistung", "euro"},            {"benefit", "euro"},              {"behörde", "account_balance"},
    {"amt für", "account_balance"},  {"landratsamt", "account_balance"}, {"bundesamt", "account_balance"},
    {"authorit", "account_balance"}, {"office", "account_balance"},    {"fahrrad", "directions_bike"},
    {"bicycle", "directions_bike"},  {"scooter", "electric_scooter"},  {"auto", "directions_car"},
    {"car ", "directions_car"},      {"mobilität", "directions_bus"},  {"mobility", "directions_bus"},
    {"verkehr", "directions_bus"},   {"transport", "directions_bus"},  {"einkauf", "shopping_cart"},
    {"shopping", "shopping_cart"},   {"öffnungszeit", "schedule"},     {"opening hours", "schedule"},
    {"feiertag", "event"},           {"holiday", "event"},             {"freizeit", "park"},
    {"leisure", "park"},             {"natur", "forest"},              {"nature", "forest"},
    {"sport", "sports_soccer"},      {"kultur", "local_library"},      {"culture", "local_library"},
    {"religion", "church"},          {"begegnung", "groups"},          {"meeting", "groups"},
    {"ehrenamt", "volunteer_activism"}, {"volunteer", "volunteer_activism"}, {"helfen", "volunteer_activism"},
    {"hilfe", "support_agent"},      {"unterstützung", "support_agent"}, {"help", "support_agent"},
    {"support", "support_agent"},    {"anlaufstelle", "support_agent"}, {"alltag", "wb_sunny"},
    {"everyday", "wb_sunny"},        {"willkommen", "info"},           {"welcome", "info"},
    {"wichtig", "info"},             {"important", "info"},            {"landkreis", "info"},
    {"district", "info"},            {"leben in", "info"},             {"life in", "info"},
};

/* ASCII and German capitals in lower case, for keyword matching. */
static void lower_title(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && k + 1 < size; p++) {
        unsigned char ch = *p;
        if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch + 32);
        else if (k > 0 && (unsigned char)out[k - 1] == 0xC3 && (ch == 0x84 || ch == 0x96 || ch == 0x9C))
            ch = (unsigned char)(ch + 0x20);
        out[k++] = (char)ch;
    }
    out[k] = 0;
}

const char *import_icon_for(const char *title, bool topic)
{
    char lower[512];
    lower_title(title, lower, sizeof lower);
    for (size_t i = 0; i < sizeof ICONS / sizeof ICONS[0]; i++)
        if (strstr(lower, ICONS[i][0]))
            return ICONS[i][1];
    return topic ? "topic" : "article";
}

int import_derive_code(long id)
{
    long folded = id % 90000;
    if (folded < 0)
        folded += 90000;
    return 10000 + (int)folded;
}

static int compare_path_entries(const void *a, const void *b)
{
    const path_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : x->page - y->page;
}

/* "/region/lang/a/b/c/" → "/region/lang/c/"; false for a path with fewer parts. */
static bool slug_key(const char *path, char *out, size_t size)
{
    const char *p = path;
    for (int k = 0; k < 2; k++) {
        p = strchr(p + 1, '/');
        if (!p)
            return false;
    }
    size_t len;
    const char *last = import_last_segment(path, &len);
    if (last <= p)
        return snprintf(out, size, "%s", path) < (int)size;
    return snprintf(out, size, "%.*s%.*s/", (int)(p - path + 1), path, (int)len, last) < (int)size;
}

static int find_entry(const path_entry *entries, int count, const char *path)
{
    int lo = 0, hi = count - 1, found = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(entries[mid].path, path);
        if (c == 0) {
            found = mid;
            hi = mid - 1;
        } else if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return found;
}

const char *import_resolve_path(void *user, const char *path)
{
    importer *im = user;
    int found = find_entry(im->paths, im->path_count, path), page = found >= 0 ? im->paths[found].page : -1;
    char key[2048];
    if (found < 0 && slug_key(path, key, sizeof key)) {
        /* Moved since the link was written: the last part of a path is unique in a region
         * and language. Only when one page has it. */
        found = find_entry(im->slugs, im->slug_count, key);
        page = found >= 0 ? im->slugs[found].page : -1;
        for (int k = found + 1; found >= 0 && k < im->slug_count && !strcmp(im->slugs[k].path, key); k++)
            if (im->slugs[k].page != page)
                page = -1;
    }
    if (page < 0 || im->info[page].left_out)
        return NULL;
    char *out = im->codes_text[im->codes_next++ % 8];
    snprintf(out, 16, "%d", im->info[page].code);
    return out;
}

static int find_source_by_id(const importer *im, long id)
{
    for (int i = 0; i < im->n; i++)
        if (im->src[i].id == id)
            return i;
    return -1;
}

static int find_source_by_path(const importer *im, const char *path)
{
    for (int i = 0; path && i < im->n; i++)
        if (!strcmp(im->src[i].path, path))
            return i;
    return -1;
}

const char *import_last_segment(const char *path, size_t *len)
{
    size_t n = strlen(path);
    while (n && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start && path[start - 1] != '/')
        start--;
    *len = n - start;
    return path + start;
}

/* The parent of each source page; a parent missing from the export: its nearest ancestor
 * that is there, else the top (reported). */
void import_build_tree(importer *im, sb *report)
{
    for (int i = 0; i < im->n; i++) {
        const ig_page *p = &im->src[i];
        int parent = -1;
        if (p->parent_path) {
            parent = find_source_by_path(im, p->parent_path);
            char up[2048];
            snprintf(up, sizeof up, "%s", p->parent_path);
            while (parent < 0 && strlen(up) > 1) {
                up[strlen(up) - 1] = 0;
                char *slash = strrchr(up, '/');
                if (!slash)
                    break;
                slash[1] = 0;
                parent = find_source_by_path(im, up);
            }
            if (parent == i) {
                parent = -1;
                sb_addf(report, "  page %ld (%s): is its own parent; put on the home screen\n", p->id, p->title);
            } else if (parent < 0) {
                sb_addf(report, "  page %ld (%s): its parent %s is not in the export; put on the home screen\n", p->id,
                        p->title, p->parent_path);
            } else if (strcmp(im->src[parent].path, p->parent_path)) {
                sb_addf(report, "  page %ld (%s): its parent %s is not in the export; put under %s\n", p->id,
                        p->title, p->parent_path, im->src[parent].path);
            }
        }
        im->info[i].parent = parent;
    }
    /* A cycle cannot come from a tree of paths, but a broken export could make one. */
    for (int i = 0; i < im->n; i++) {
        int steps = 0;
        for (int p = im->info[i].parent; p >= 0 && steps <= im->n; p = im->info[p].parent)
            steps++;
        if (steps > im->n) {
            im->info[i].parent = -1;
            sb_addf(report, "  page %ld (%s): its parents form a loop; put on the home screen\n", im->src[i].id,
                    im->src[i].title);
        }
    }
    for (int i = 0; i < im->n; i++)
        if (im->info[i].parent >= 0)
            im->info[im->info[i].parent].children++;
    /* Positions: siblings by Integreat's order, then id. */
    for (int i = 0; i < im->n; i++) {
        int pos = 1;
        for (int j = 0; j < im->n; j++) {
            if (j == i || im->info[j].parent != im->info[i].parent)
                continue;
            const ig_page *a = &im->src[j], *b = &im->src[i];
            if (a->order < b->order || (a->order == b->order && a->id < b->id))
                pos++;
        }
        im->info[i].position = pos;
        im->info[i].topic = im->info[i].children > 0;
    }
    /* The kiosk shows so many tiles on the home screen and rows under a topic: the pages
     * after those, with the pages under them, are left out (reported). */
    for (int i = 0; i < im->n; i++) {
        int limit = im->info[i].parent < 0 ? IMPORT_TOP_LEVEL_MAX : IMPORT_CHILDREN_MAX;
        if (im->info[i].position > limit)
            sb_addf(report, "  page %ld (%s): it is number %d %s, where the kiosk shows %d: left out, with the pages "
                            "under it\n",
                    im->src[i].id, im->src[i].title, im->info[i].position,
                    im->info[i].parent < 0 ? "on the home screen" : "under its parent", limit);
    }
    for (int i = 0; i < im->n; i++) {
        int steps = 0;
        for (int p = i; p >= 0 && !im->info[i].left_out && steps <= im->n; p = im->info[p].parent, steps++)
            im->info[i].left_out =
                im->info[p].position > (im->info[p].parent < 0 ? IMPORT_TOP_LEVEL_MAX : IMPORT_CHILDREN_MAX);
    }
}

static const ig_avail *avail_of(const ig_page *p, const char *lang)
{
    for (int k = 0; k < p->avail_count; k++)
        if (!strcmp(p->avail[k].lang, lang))
            return &p->avail[k];
    return NULL;
}

/* Each translation to its source page: by the source's available_languages, else by the
 * translation's own. */
void import_match_translations(importer *im, sb *report)
{
    for (int f = 0; f < im->file_count; f++) {
        import_export *file = &im->files[f];
        for (int i = 0; i < im->n; i++)
            im->info[i].trans[f] = f == im->source ? i : -1;
        if (f == im->source)
            continue;
        for (int i = 0; i < im->n; i++) {
            const ig_avail *a = avail_of(&im->src[i], file->lang);
            for (int t = 0; a && t < file->count; t++)
                if (file->pages[t].id == a->id && file->pages[t].match < 0) {
                    file->pages[t].match = i;
                    im->info[i].trans[f] = t;
                    break;
                }
        }
        for (int t = 0; t < file->count; t++) {
            ig_page *p = &file->pages[t];
            if (p->match >= 0)
                continue;
            const ig_avail *a = avail_of(p, im->files[im->source].lang);
            int s = a ? find_source_by_id(im, a->id) : -1;
            if (s >= 0 && im->info[s].trans[f] < 0) {
                p->match = s;
                im->info[s].trans[f] = t;
            } else {
                sb_addf(report, "  %s: page %ld (%s) has no %s page in the export: not imported\n", file->lang, p->id,
                        p->title, im->files[im->source].lang);
            }
        }
    }
}

static void trim_in_place(char *s)
{
    char *start = s;
    while (*start == ' ' || *start == '\t')
        start++;
    memmove(s, start, strlen(start) + 1);
    for (size_t n = strlen(s); n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r');)
        s[--n] = 0;
}

static bool add_code(importer *im, int code, long id, const char *path, bool used)
{
    if (im->code_count == im->code_cap) {
        int cap = im->code_cap ? im->code_cap * 2 : 256;
        code_entry *bigger = realloc(im->codes, (size_t)cap * sizeof *bigger);
        if (!bigger)
            return false;
        im->codes = bigger;
        im->code_cap = cap;
    }
    code_entry *c = &im->codes[im->code_count++];
    c->code = code;
    c->id = id;
    snprintf(c->path, sizeof c->path, "%s", path);
    c->used = used;
    return true;
}

bool import_read_bar_file(importer *im, const char *path, const char *expected, import_bar_fn line_fn, err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT || err_set(e, "cannot read %s: %s", path, strerror(errno));
    char line[2048];
    int number = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        number++;
        if (!strchr(line, '\n') && !feof(f)) {
            /* Longer than the buffer: a comment may be (skipped whole), nothing else. */
            bool comment = line[strspn(line, " \t")] == '#';
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n')
                ;
            if (comment)
                continue;
            ok = err_set(e, "%s:%d: the line is longer than %zu bytes", path, number, sizeof line - 2);
            break;
        }
        size_t len = strcspn(line, "\r\n");
        line[len] = 0;
        if (!import_utf8_valid(line, len)) {
            ok = err_set(e, "%s:%d: not valid UTF-8; save the file as UTF-8", path, number);
            break;
        }
        trim_in_place(line);
        if (!line[0] || line[0] == '#')
            continue;
        char *bar1 = strchr(line, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
        if (!bar2) {
            ok = err_set(e, "%s:%d: expected '%s'", path, number, expected);
            break;
        }
        *bar1 = *bar2 = 0;
        char *field[3] = {line, bar1 + 1, bar2 + 1};
        for (int k = 0; k < 3; k++)
            trim_in_place(field[k]);
        ok = line_fn(im, field, path, number, e);
    }
    fclose(f);
    return ok;
}

/* A page code as written: 1 to 6 digits, no leading zero (caseworkers say "three-ten"). */
static bool read_code(const char *s, int *code)
{
    size_t n = strspn(s, "0123456789");
    if (n < 1 || n > 6 || s[n] || s[0] == '0')
        return false;
    *code = atoi(s);
    return true;
}

static bool code_line(importer *im, char *field[3], const char *path, int number, err *e)
{
    char *end;
    int c;
    errno = 0;
    long id = strtol(field[1], &end, 10);
    if (!read_code(field[0], &c) || !field[1][0] || *end || errno)
        return err_set(e, "%s:%d: code and id must be numbers (a code has 1 to 6 digits, no leading zero)", path,
                       number);
    for (int k = 0; k < im->code_count; k++)
        if (im->codes[k].code == c)
            return err_set(e, "%s:%d: code %d is listed twice", path, number, c);
    char np[IMPORT_PATH_MAX + 1];
    if (!import_integreat_path(field[2], np, sizeof np))
        return err_set(e, "%s:%d: the path must start with / and be at most %d bytes", path, number, IMPORT_PATH_MAX);
    return add_code(im, c, id, np, false) || err_set(e, "out of memory");
}

static bool tile_title_line(importer *im, char *field[3], const char *path, int number, err *e)
{
    const char *lang = field[1], *title = field[2];
    int c;
    if (!read_code(field[0], &c) || !import_valid_lang(lang) || !title[0] || strlen(title) > IMPORT_TITLE_MAX)
        return err_set(e, "%s:%d: expected a page code (no leading zero), a language code and a title of at most %d "
                          "bytes",
                       path, number, IMPORT_TITLE_MAX);
    for (const char *p = title, *end = title + strlen(title); p < end;) {
        uint32_t ch = import_utf8_next(&p, end, NULL);
        if (import_is_control(ch) || import_is_bidi_control(ch) || ch == 0x2028 || ch == 0x2029)
            return err_set(e, "%s:%d: the tile title has a control or bidi control character (U+%04X): remove it",
                           path, number, (unsigned)ch);
    }
    for (int k = 0; k < im->tile_count; k++)
        if (im->tiles[k].code == c && !strcmp(im->tiles[k].lang, lang))
            return err_set(e, "%s:%d: page %d in %s already has a tile title on line %d", path, number, c, lang,
                           im->tiles[k].line);
    tile_title *bigger = realloc(im->tiles, (size_t)(im->tile_count + 1) * sizeof *bigger);
    if (!bigger)
        return err_set(e, "out of memory");
    im->tiles = bigger;
    tile_title *t = &im->tiles[im->tile_count++];
    *t = (tile_title){.code = c, .line = number};
    snprintf(t->lang, sizeof t->lang, "%s", lang);
    snprintf(t->title, sizeof t->title, "%s", title);
    return true;
}

bool import_read_codes(importer *im, const char *path, err *e)
{
    return import_read_bar_file(im, path, "code | Integreat id | path", code_line, e);
}

bool import_read_tile_titles(importer *im, const char *path, err *e)
{
    im->tiles_file = access(path, F_OK) == 0;
    return import_read_bar_file(im, path, "code | language | tile title", tile_title_line, e);
}

tile_title *import_tile_title_of(importer *im, int code, const char *lang)
{
    for (int k = 0; k < im->tile_count; k++)
        if (im->tiles[k].code == code && !strcmp(im->tiles[k].lang, lang))
            return &im->tiles[k];
    return NULL;
}

static bool code_taken(const importer *im, int code)
{
    for (int k = 0; k < im->code_count; k++)
        if (im->codes[k].code == code)
            return true;
    return false;
}

/* Codes: kept from integreat-codes.txt (by id, else by the last part of the path), new ones
 * derived from the id, oldest pages first. */
bool import_assign_codes(importer *im, int *new_codes)
{
    for (int i = 0; i < im->n; i++)
        im->info[i].code = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < im->n; i++) {
            if (im->info[i].code)
                continue;
            size_t seg_len;
            const char *seg = import_last_segment(im->src[i].path, &seg_len);
            for (int k = 0; k < im->code_count; k++) {
                code_entry *c = &im->codes[k];
                if (c->used)
                    continue;
                size_t len;
                const char *cseg = import_last_segment(c->path, &len);
                if (pass == 0 ? c->id == im->src[i].id : (len == seg_len && !strncmp(cseg, seg, len))) {
                    c->used = true;
                    c->id = im->src[i].id;
                    snprintf(c->path, sizeof c->path, "%s", im->src[i].path);
                    im->info[i].code = c->code;
                    break;
                }
            }
        }
    *new_codes = 0;
    for (;;) {
        int next = -1;
        for (int i = 0; i < im->n; i++)
            if (!im->info[i].code && (next < 0 || im->src[i].id < im->src[next].id))
                next = i;
        if (next < 0)
            break;
        int code = import_derive_code(im->src[next].id);
        for (int tries = 0; code_taken(im, code); tries++) {
            if (tries > 90000)
                return false;
            code = code == 99999 ? 10000 : code + 1;
        }
        if (!add_code(im, code, im->src[next].id, im->src[next].path, true))
            return false;
        im->info[next].code = code;
        (*new_codes)++;
    }
    return true;
}

static int compare_codes(const void *a, const void *b)
{
    const code_entry *x = a, *y = b;
    return x->code - y->code;
}

void import_sort_codes(importer *im) { qsort(im->codes, (size_t)im->code_count, sizeof *im->codes, compare_codes); }

/* The folder name: code and the German path's last part in plain ASCII. */
void import_folder_name(const ig_page *p, int code, char *out, size_t size)
{
    size_t seg_len;
    const char *seg = import_last_segment(p->path, &seg_len);
    char slug[64];
    size_t k = 0;
    for (size_t i = 0; i < seg_len && k + 3 < sizeof slug - 1; i++) {
        unsigned char ch = (unsigned char)seg[i];
        const char *add = NULL;
        char one[2] = {0, 0};
        if (ch == 0xC3 && i + 1 < seg_len) {
            unsigned char nx = (unsigned char)seg[++i];
            add = nx == 0xA4 || nx == 0x84 ? "ae" : nx == 0xB6 || nx == 0x96 ? "oe" : nx == 0xBC || nx == 0x9C ? "ue"
                  : nx == 0x9F                                                ? "ss"
                                                                              : "";
        } else if (isalnum(ch)) {
            one[0] = (char)tolower(ch);
            add = one;
        } else if (ch == '-' || ch == '_' || ch == ' ') {
            add = k && slug[k - 1] != '-' ? "-" : "";
        } else {
            add = "";
        }
        for (; *add && k + 1 < sizeof slug; add++)
            slug[k++] = *add;
    }
    while (k > 40)
        k--;
    while (k && slug[k - 1] == '-')
        k--;
    slug[k] = 0;
    snprintf(out, size, k ? "%d-%s" : "%d", code, slug);
}


/* Every path a link may use: each imported page's, and the other languages' paths of the
 * source pages (links often point at the Arabic or English version); and by the last part. */
bool import_build_link_table(importer *im, err *e)
{
    int cap = 1;
    for (int f = 0; f < im->file_count; f++)
        cap += im->files[f].count;
    for (int i = 0; i < im->n; i++)
        cap += im->src[i].avail_count;
    im->paths = calloc((size_t)cap, sizeof *im->paths);
    im->slugs = calloc((size_t)cap, sizeof *im->slugs);
    if (!im->paths || !im->slugs)
        return err_set(e, "out of memory");
    for (int f = 0; f < im->file_count; f++)
        for (int t = 0; t < im->files[f].count; t++) {
            int s = f == im->source ? t : im->files[f].pages[t].match;
            if (s >= 0)
                im->paths[im->path_count++] = (path_entry){im->files[f].pages[t].path, s};
        }
    for (int i = 0; i < im->n; i++)
        for (int k = 0; k < im->src[i].avail_count; k++)
            if (im->src[i].avail[k].path)
                im->paths[im->path_count++] = (path_entry){im->src[i].avail[k].path, i};
    qsort(im->paths, (size_t)im->path_count, sizeof *im->paths, compare_path_entries);
    for (int k = 0; k < im->path_count; k++) {
        char key[2048];
        char *copy = slug_key(im->paths[k].path, key, sizeof key) ? strdup(key) : NULL;
        if (copy)
            im->slugs[im->slug_count++] = (path_entry){copy, im->paths[k].page};
    }
    qsort(im->slugs, (size_t)im->slug_count, sizeof *im->slugs, compare_path_entries);
    return true;
}

