/* Integreat pages exports → content sources. Reading: json-c for the exports, the pages'
 * HTML through import_html.c. Deciding: the tree, the codes, the translation state. Writing:
 * region.txt, pages/<code>-<slug>/ with page.txt and one <lang>.txt per language, the code
 * list and the import report (docs/integreat.md). */
#include "import.h"
#include "import_private.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <json.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
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

static const char *icon_for(const char *title, bool topic)
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

/* ---- reading the exports ---- */

typedef struct ig_avail {
    char lang[PACK_LANG_MAX];
    long id;
    char *path; /* normalized */
} ig_avail;

typedef struct ig_page {
    long id, order;
    char *path, *parent_path; /* normalized; parent_path NULL at the top */
    char *title, *html;
    long long updated_ms;
    char date[11];
    int day; /* YYMMDD of last_updated, for versions */
    ig_avail *avail;
    int avail_count;
    int match; /* translation: its source page; source: unused */
} ig_page;

typedef struct ig_file {
    char lang[PACK_LANG_MAX];
    char name[256]; /* the file's base name, for messages and the report */
    char region[64];
    ig_page *pages;
    int count;
} ig_file;

static void file_free(ig_file *f)
{
    for (int i = 0; i < f->count; i++) {
        ig_page *p = &f->pages[i];
        free(p->path);
        free(p->parent_path);
        free(p->title);
        free(p->html);
        for (int k = 0; k < p->avail_count; k++)
            free(p->avail[k].path);
        free(p->avail);
    }
    free(f->pages);
    memset(f, 0, sizeof *f);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

/* A whole number, also when an export writes it as a string ("id": "5484709"). */
static bool jlong(json_object *o, const char *key, long *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return false;
    if (json_object_is_type(v, json_type_int)) {
        *out = (long)json_object_get_int64(v);
        return true;
    }
    if (!json_object_is_type(v, json_type_string))
        return false;
    const char *text = json_object_get_string(v);
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (!*text || *end || errno)
        return false;
    *out = value;
    return true;
}

/* The page's path; an export without one has it in the page's address. */
static const char *jpath(json_object *o)
{
    const char *path = jstr(o, "path"), *url = path ? NULL : jstr(o, "url");
    if (url && strstr(url, "://"))
        path = strchr(strstr(url, "://") + 3, '/');
    return path;
}

static char *norm_path(const char *path)
{
    char buf[2048];
    if (!path || !import_integreat_path(path, buf, sizeof buf))
        return NULL;
    return strdup(buf);
}

/* "2023-11-20T14:06:57.529+01:00" → milliseconds since 1970 (UTC), the date as written and
 * YYMMDD of it. */
static bool parse_time(const char *s, long long *ms, char date[11], int *day)
{
    int y, mo, d, h, mi, sec, n = 0;
    char t;
    /* ISO 8601, or the SQL form with a space that some exports use. */
    if (!s || sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &sec, &n) != 7 ||
        (t != 'T' && t != ' ') || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    const char *p = s + n;
    int frac = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; isdigit((unsigned char)*p); p++)
            if (digits < 3) {
                frac = frac * 10 + (*p - '0');
                digits++;
            }
        for (; digits < 3; digits++)
            frac *= 10;
    }
    int offset = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
            return false;
        offset = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    }
    if (*p)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    *ms = ((long long)timegm(&tm) - offset * 60LL) * 1000 + frac;
    snprintf(date, 11, "%04d-%02d-%02d", y, mo, d);
    int v = (y - 2000) * 10000 + mo * 100 + d;
    *day = v < 1 ? 1 : v > 999999 ? 999999 : v;
    return true;
}

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

/* The language and region from a path "/region/lang/...". */
static bool path_parts(const char *path, char *region, size_t rsize, char *lang, size_t lsize)
{
    if (!path || path[0] != '/')
        return false;
    const char *a = path + 1, *b = strchr(a, '/');
    if (!b)
        return false;
    const char *c = strchr(b + 1, '/');
    if (!c || c == b + 1)
        return false;
    snprintf(region, rsize, "%.*s", (int)(b - a), a);
    snprintf(lang, lsize, "%.*s", (int)(c - b - 1), b + 1);
    return true;
}

/* Integreat's codes: "de", "de-si", also with a region or script as BCP 47 writes it ("zh-CN"). */
static bool valid_lang(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n >= PACK_LANG_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return islower((unsigned char)s[0]);
}

static bool load_file(const char *path, ig_file *f, err *e)
{
    memset(f, 0, sizeof *f);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    snprintf(f->name, sizeof f->name, "%s", base);
    size_t len;
    char *text = read_all(path, &len, e);
    if (!text)
        return false;
    json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    if (!tok || len > (size_t)INT32_MAX) {
        json_tokener_free(tok);
        free(text);
        return err_set(e, "%s: out of memory or too large", f->name);
    }
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t offset = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    free(text);
    if (!root || jerr != json_tokener_success) {
        json_object_put(root);
        return err_set(e, "%s: not valid JSON (%s at byte %zu)", f->name,
                       jerr == json_tokener_continue ? "the file ends too early" : json_tokener_error_desc(jerr),
                       offset);
    }
    bool ok = true;
    if (!json_object_is_type(root, json_type_array)) {
        ok = err_set(e, "%s: expected a JSON array of pages (Integreat's pages API)", f->name);
    } else {
        size_t n = json_object_array_length(root);
        f->pages = calloc(n ? n : 1, sizeof *f->pages);
        if (!f->pages)
            ok = err_set(e, "out of memory");
        for (size_t i = 0; ok && i < n; i++) {
            json_object *o = json_object_array_get_idx(root, i), *parent, *avail;
            ig_page *p = &f->pages[f->count];
            const char *title = jstr(o, "title"), *content = jstr(o, "content"), *ppath = jpath(o);
            long parent_id = 0;
            if (!json_object_is_type(o, json_type_object) || !jlong(o, "id", &p->id) || !title || !ppath) {
                ok = err_set(e, "%s: page %zu has no id, title or path", f->name, i + 1);
                break;
            }
            f->count++;
            p->match = -1;
            if (!jlong(o, "order", &p->order))
                p->order = 0;
            if (!parse_time(jstr(o, "last_updated"), &p->updated_ms, p->date, &p->day) &&
                !parse_time(jstr(o, "modified_gmt"), &p->updated_ms, p->date, &p->day)) {
                ok = err_set(e, "%s: page %ld has no readable last_updated or modified_gmt", f->name, p->id);
                break;
            }
            p->path = norm_path(ppath);
            p->title = strdup(title);
            p->html = strdup(content ? content : "");
            if (json_object_object_get_ex(o, "parent", &parent) && json_object_is_type(parent, json_type_object) &&
                jlong(parent, "id", &parent_id) && parent_id != 0)
                p->parent_path = norm_path(jpath(parent));
            if (!p->path || !p->title || !p->html || (parent_id != 0 && !p->parent_path)) {
                ok = err_set(e, "%s: page %ld: bad path or parent path, or out of memory", f->name, p->id);
                break;
            }
            char region[64], lang[64];
            if (!path_parts(p->path, region, sizeof region, lang, sizeof lang)) {
                ok = err_set(e, "%s: page %ld: path '%s' is not /region/language/...", f->name, p->id, ppath);
                break;
            }
            if (f->count == 1) {
                snprintf(f->region, sizeof f->region, "%s", region);
                snprintf(f->lang, sizeof f->lang, "%s", lang);
            } else if (strcmp(f->region, region) || strcmp(f->lang, lang)) {
                ok = err_set(e, "%s: page %ld is in /%s/%s/, the file's first page in /%s/%s/: one region and "
                                "language per file",
                             f->name, p->id, region, lang, f->region, f->lang);
                break;
            }
            if (json_object_object_get_ex(o, "available_languages", &avail) &&
                json_object_is_type(avail, json_type_object)) {
                int count = json_object_object_length(avail), k = 0;
                p->avail = calloc(count ? (size_t)count : 1, sizeof *p->avail);
                if (!p->avail) {
                    ok = err_set(e, "out of memory");
                    break;
                }
                json_object_object_foreach(avail, key, value)
                {
                    long other;
                    if (k < count && json_object_is_type(value, json_type_object) && jlong(value, "id", &other) &&
                        strlen(key) < PACK_LANG_MAX) {
                        snprintf(p->avail[k].lang, sizeof p->avail[k].lang, "%s", key);
                        p->avail[k].id = other;
                        p->avail[k].path = norm_path(jpath(value));
                        k++;
                    }
                }
                p->avail_count = k;
            }
        }
    }
    json_object_put(root);
    if (ok && f->count == 0) {
        /* No page to read the language from: the file name says it (de.pages.json). */
        snprintf(f->lang, sizeof f->lang, "%.*s", (int)strcspn(f->name, "._"), f->name);
    }
    if (ok && !valid_lang(f->lang))
        ok = err_set(e, "%s: cannot tell the language ('%s')", f->name, f->lang);
    if (!ok)
        file_free(f);
    return ok;
}

/* ---- the import ---- */

/* What the import decides for each source-language page. */
typedef struct page_info {
    int parent; /* source page index, -1 at the top */
    int children, position;
    int code;
    char folder[128];
    bool topic;
    int *trans;   /* per file: the matching page in that file, -1 when there is none */
    char **texts; /* page.txt, then one file per language in `order` (NULL: missing) */
} page_info;

typedef struct path_entry {
    const char *path;
    int page; /* source page index */
} path_entry;

typedef struct code_entry {
    int code;
    long id;
    char path[1024];
    bool used;
} code_entry;

typedef struct tile_title {
    int code;
    char lang[PACK_LANG_MAX];
    char title[256];
    int line;
    bool used;
} tile_title;

typedef struct importer {
    const import_options *o;
    import_summary *sum;
    const char *source_lang;
    ig_file *files;
    int file_count, source;
    int order[PACK_LANGUAGES_MAX]; /* files in region.txt's order: the source first */
    ig_page *src;                  /* the source-language pages */
    int n;
    page_info *info;
    path_entry *paths; /* every path a link may use, sorted */
    int path_count;
    path_entry *slugs; /* "/region/lang/last-part/": Integreat finds a moved page by it */
    int slug_count;
    code_entry *codes;
    int code_count, code_cap;
    tile_title *tiles;
    int tile_count;
    bool tiles_file; /* the staff's file exists: never overwritten */
    char region[64], version[64], licence[600], source_text[1200];
    char codes_text[8][16]; /* scratch for resolve: page codes as strings */
    int codes_next;
    int icon_kinds[8];
    /* The report's parts. */
    sb problems, missing, outdated, images, links;
    sb region_file, report;
} importer;

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
    size_t n = strlen(path);
    while (n && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start && path[start - 1] != '/')
        start--;
    if (start <= (size_t)(p - path))
        return snprintf(out, size, "%s", path) < (int)size;
    return snprintf(out, size, "%.*s%.*s/", (int)(p - path + 1), path, (int)(n - start), path + start) < (int)size;
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

static const char *resolve_path(void *user, const char *path)
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
    if (page < 0)
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

static const char *last_segment(const char *path, size_t *len)
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
static void build_tree(importer *im, sb *report)
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
            if (parent < 0 || parent == i) {
                parent = -1;
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
static void match_translations(importer *im, sb *report)
{
    for (int f = 0; f < im->file_count; f++) {
        ig_file *file = &im->files[f];
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

/* integreat-codes.txt from an earlier import: "code | id | path" lines. */
/* Reads a file of lines "a | b | c" kept beside the sources (# starts a comment): `line`
 * takes the three trimmed fields of each; a missing file is no error. */
typedef bool (*bar_line_fn)(importer *im, char *field[3], const char *path, int number, err *e);

static bool read_bar_file(importer *im, const char *path, const char *expected, bar_line_fn line_fn, err *e)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT || err_set(e, "cannot read %s: %s", path, strerror(errno));
    char line[2048];
    int number = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        number++;
        line[strcspn(line, "\r\n")] = 0;
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

static bool code_line(importer *im, char *field[3], const char *path, int number, err *e)
{
    char *end1, *end2;
    long c = strtol(field[0], &end1, 10), i = strtol(field[1], &end2, 10);
    if (*end1 || *end2 || c < 1 || c > 999999 || strlen(field[0]) > 6)
        return err_set(e, "%s:%d: code and id must be numbers (a code has 1 to 6 digits)", path, number);
    for (int k = 0; k < im->code_count; k++)
        if (im->codes[k].code == c)
            return err_set(e, "%s:%d: code %ld is listed twice", path, number, c);
    char *np = norm_path(field[2]);
    bool ok = add_code(im, (int)c, i, np ? np : field[2], false);
    free(np);
    return ok;
}

static bool tile_title_line(importer *im, char *field[3], const char *path, int number, err *e)
{
    const char *lang = field[1], *title = field[2];
    char *end;
    long c = strtol(field[0], &end, 10);
    if (*end || c < 1 || c > 999999 || !valid_lang(lang) || !title[0] || strlen(title) >= 256)
        return err_set(e, "%s:%d: expected a page code, a language code and a title of at most 255 bytes", path,
                       number);
    for (int k = 0; k < im->tile_count; k++)
        if (im->tiles[k].code == c && !strcmp(im->tiles[k].lang, lang))
            return err_set(e, "%s:%d: page %ld in %s already has a tile title on line %d", path, number, c, lang,
                           im->tiles[k].line);
    tile_title *bigger = realloc(im->tiles, (size_t)(im->tile_count + 1) * sizeof *bigger);
    if (!bigger)
        return err_set(e, "out of memory");
    im->tiles = bigger;
    tile_title *t = &im->tiles[im->tile_count++];
    *t = (tile_title){.code = (int)c, .line = number};
    snprintf(t->lang, sizeof t->lang, "%s", lang);
    snprintf(t->title, sizeof t->title, "%s", title);
    return true;
}

static bool read_codes(importer *im, const char *path, err *e)
{
    return read_bar_file(im, path, "code | Integreat id | path", code_line, e);
}

static bool read_tile_titles(importer *im, const char *path, err *e)
{
    im->tiles_file = access(path, F_OK) == 0;
    return read_bar_file(im, path, "code | language | tile title", tile_title_line, e);
}

static tile_title *tile_title_of(importer *im, int code, const char *lang)
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
static bool assign_codes(importer *im, int *new_codes)
{
    for (int i = 0; i < im->n; i++)
        im->info[i].code = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < im->n; i++) {
            if (im->info[i].code)
                continue;
            size_t seg_len;
            const char *seg = last_segment(im->src[i].path, &seg_len);
            for (int k = 0; k < im->code_count; k++) {
                code_entry *c = &im->codes[k];
                if (c->used)
                    continue;
                size_t len;
                const char *cseg = last_segment(c->path, &len);
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

/* The folder name: code and the German path's last part in plain ASCII. */
static void folder_name(const ig_page *p, int code, char *out, size_t size)
{
    size_t seg_len;
    const char *seg = last_segment(p->path, &seg_len);
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

/* One header line's value: one line, white space collapsed, entities decoded. */
static char *header_value(const char *in)
{
    char *decoded = NULL;
    if (strchr(in, '&') && !strchr(in, '<')) {
        sb wrapped = {0};
        sb_add(&wrapped, "<p>");
        sb_add(&wrapped, in);
        sb_add(&wrapped, "</p>");
        if (!wrapped.oom) {
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
    }
    const char *s = decoded ? decoded : in;
    sb out = {0};
    bool space = false;
    while (*s) {
        uint32_t ch = utf8_next(&s);
        if (import_is_space(ch) || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
            space = true;
            continue;
        }
        if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0) || ch == 0xFEFF)
            continue;
        if (space && out.len)
            sb_add(&out, " ");
        space = false;
        sb_cp(&out, ch);
    }
    free(decoded);
    return sb_take(&out);
}

/* The summary: the first paragraph's first sentence, at most about 110 bytes. */
static char *summary_of(const char *words)
{
    char *s = header_value(words ? words : "");
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
        while (cut && strchr(",;:-–", s[cut - 1]))
            cut--;
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
    char buf[1024];
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

static bool write_text(const char *path, const char *text, err *e)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    size_t n = strlen(text);
    bool ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return err_set(e, "cannot write %s: %s", path, strerror(errno));
    }
    return true;
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

static void licence_from_file(const char *path, char *out, size_t size)
{
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[512], first[512] = "", copyright[512] = "";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        trim_in_place(line);
        if (!first[0] && line[0])
            snprintf(first, sizeof first, "%s", line);
        else if (!copyright[0] && !strncasecmp(line, "copyright", 9))
            snprintf(copyright, sizeof copyright, "%s", line);
    }
    fclose(f);
    snprintf(out, size, "%s%s%s", first, first[0] && copyright[0] ? ", " : "", copyright);
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
        if (!load_file(o->files[f], &im->files[f], e))
            return false;
        im->file_count = f + 1;
        for (int g = 0; g < f; g++)
            if (!strcmp(im->files[g].lang, im->files[f].lang))
                return err_set(e, "%s and %s are both in language '%s'", im->files[g].name, im->files[f].name,
                               im->files[f].lang);
        if (!strcmp(im->files[f].lang, im->source_lang))
            im->source = f;
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
    snprintf(im->region, sizeof im->region, "%s", o->region ? o->region : im->files[im->source].region);
    for (const char *p = im->region; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '_')
            return err_set(e, "region '%s' must be a short lower-case name (give --region)", im->region);
    /* Duplicate ids or paths in the source export would make codes and links ambiguous. */
    for (int i = 0; i < im->n; i++)
        for (int j = i + 1; j < im->n; j++)
            if (im->src[i].id == im->src[j].id || !strcmp(im->src[i].path, im->src[j].path))
                return err_set(e, "%s: pages %ld and %ld have the same id or path", im->files[im->source].name,
                               im->src[i].id, im->src[j].id);
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

/* Every path a link may use: each imported page's, and the other languages' paths of the
 * source pages (links often point at the Arabic or English version); and by the last part. */
static bool build_link_table(importer *im, err *e)
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

/* Version (the newest page's date unless given) and licence. */
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
    if (!im->version[0] || strpbrk(im->version, "\r\n"))
        return err_set(e, "bad version '%s'", im->version);
    if (o->licence)
        snprintf(im->licence, sizeof im->licence, "%s", o->licence);
    else if (o->licence_file)
        licence_from_file(o->licence_file, im->licence, sizeof im->licence);
    if (!im->licence[0])
        sb_add(&im->problems, "  no licence given (--licence or --licence-file): the region file says to ask the "
                              "Integreat region\n");
    for (char *p = im->licence; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    snprintf(im->source_text, sizeof im->source_text, "Integreat (https://integreat.app/%s/), %s export of %s%s%s",
             im->region, im->region, im->version, im->licence[0] ? "; " : "", im->licence);
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
    sb_addf(&page, "\norder: %d\nicon: %s\nkind: %s\n", in->position, icon_for(sp->title, in->topic),
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
    char *body = import_html(tp->html, strlen(tp->html), resolve_path, im, &info);
    char *title = header_value(tp->title);
    char *summary = body ? summary_of(info.summary) : NULL;
    bool ok = body && title && summary;
    if (ok && !title[0]) {
        size_t len;
        const char *seg = last_segment(tp->path, &len);
        free(title);
        title = strndup(seg, len);
        ok = title != NULL;
        sb_addf(&im->problems, "  %s: page %d has no title; its path is used\n", lang_name(im, f), in->code);
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
        tile_title *tile = tile_title_of(im, in->code, lang_name(im, f));
        if (tile) {
            tile->used = true;
            sb_addf(&text, "tile-title: %s\n", tile->title);
        }
        if (f == im->source) {
            sb_addf(&text, "version: %d\n", sp->day);
        } else {
            /* Updated before the source text: translated from an earlier version of it. */
            int from = sp->day;
            if (tp->updated_ms < sp->updated_ms) {
                from = tp->day < sp->day - 1 ? tp->day : sp->day - 1;
                if (from < 0)
                    from = 0;
                ls->outdated++;
                sb_addf(&im->outdated, "  %s: %d %s (%s updated %s, %s %s)\n", lang_name(im, f), in->code, sp->title,
                        lang_name(im, f), tp->date, im->source_lang, sp->date);
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
        folder_name(&im->src[i], in->code, in->folder, sizeof in->folder);
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
        const ig_file *file = &im->files[im->order[k]];
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
    char path[1200], pages_new[1100], pages_old[1100], pages_dir[1100];
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
        char dir[1300];
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
    qsort(im->codes, (size_t)im->code_count, sizeof *im->codes, compare_codes);
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
            if (im->info[i].parent < 0)
                for (int k = 0; k < im->file_count; k++) {
                    int t = im->info[i].trans[im->order[k]];
                    char *title = t >= 0 ? header_value(im->files[im->order[k]].pages[t].title) : NULL;
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
        ok = text && write_text(path, text, e);
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
        file_free(&im->files[f]);
    free(im->files);
    sb *parts[] = {&im->problems, &im->missing, &im->outdated, &im->images, &im->links, &im->region_file, &im->report};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        sb_free(parts[k]);
}

bool import_integreat(const import_options *o, import_summary *sum, err *e)
{
    memset(sum, 0, sizeof *sum);
    if (!o->name || !o->name[0] || !o->out_dir || o->file_count < 1)
        return err_set(e, "needs a name, an output folder and at least one pages export");
    if (o->file_count > PACK_LANGUAGES_MAX)
        return err_set(e, "at most %d languages", PACK_LANGUAGES_MAX);
    if (strpbrk(o->name, "\r\n") || (o->publisher && strpbrk(o->publisher, "\r\n")))
        return err_set(e, "the name and the publisher must be one line each");
    importer im = {.o = o, .sum = sum, .source = -1, .source_lang = o->source_language ? o->source_language : "de"};
    bool previous, ok = load_exports(&im, e) && check_out_dir(o->out_dir, &previous, e);
    if (ok) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", o->out_dir, IMPORT_CODES_FILE);
        ok = read_codes(&im, path, e);
        snprintf(path, sizeof path, "%s/%s", o->out_dir, IMPORT_TILE_TITLES_FILE);
        ok = ok && read_tile_titles(&im, path, e);
    }
    if (ok) {
        build_tree(&im, &im.problems);
        match_translations(&im, &im.problems);
        ok = assign_codes(&im, &sum->new_codes) || err_set(e, "out of page codes");
    }
    ok = ok && build_link_table(&im, e) && settle_metadata(&im, e) && convert_pages(&im, e);
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
