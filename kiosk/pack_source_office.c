/* Reading offices and partners (offices/<id>.txt, content/README.md): contact details, weekly
 * hours, holidays. Part of the content source reader (pack_source.h). */
#include "pack_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

/* "08:00" → 480; false unless HH:MM with a real time of day (24:00 ends a day). */
static bool parse_minutes(const char *t, int *out)
{
    int h, m;
    char extra;
    if (sscanf(t, "%d:%d%c", &h, &m, &extra) != 2 || strlen(t) != 5 || h < 0 || m < 0 || m > 59 || h > 24 ||
        (h == 24 && m))
        return false;
    *out = h * 60 + m;
    return true;
}

static const char *const WEEKDAYS[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* "08:00-12:00, 14:00-16:00" or "closed". */
static bool parse_day(src *s, pack_office *o, int day, char *value, const char *path, int line)
{
    o->slot_count[day] = 0;
    if (!strcmp(value, "closed"))
        return true;
    char *save;
    for (char *slot = strtok_r(value, ",", &save); slot; slot = strtok_r(NULL, ",", &save)) {
        char from[8], to[8];
        slot = pack_src_trim(slot);
        int open, close;
        if (sscanf(slot, "%7[0-9:]-%7[0-9:]", from, to) != 2 || !parse_minutes(from, &open) ||
            !parse_minutes(to, &close) || open >= close)
            return pack_src_problem(s,
                                    "%s:%d: opening hours must look like 08:00-12:00, 14:00-16:00 or closed, not '%s'",
                                    path, line, pack_src_shown(s, slot));
        if (o->slot_count[day] == PACK_SLOTS_MAX)
            return pack_src_problem(s, "%s:%d: at most %d time slots a day", path, line, PACK_SLOTS_MAX);
        int n = o->slot_count[day]++;
        o->slots[day][n].open = open;
        o->slots[day][n].close = close;
        if (n > 0 && open < o->slots[day][n - 1].close)
            return pack_src_problem(s, "%s:%d: time slots must be in order and must not overlap", path, line);
    }
    return true;
}

static bool office_line(src *s, pack_office *o, const char *path, int line, const char *key, char *value,
                        pack_src_keys *seen)
{
    static const char *const known[] = {"name",        "address",      "phone",   "email",   "web", "step-free",
                                        "appointment", "closed-until", "holiday", "example", "mon", "tue",
                                        "wed",         "thu",          "fri",     "sat",     "sun", NULL};
    /* A phone number and a holiday may come again; anything else given twice would hide one. */
    static const char *const repeatable[] = {"phone", "holiday", NULL};
    if (!pack_src_key(s, seen, path, line, key, known, repeatable))
        return false;
    int day = -1;
    for (int d = 0; d < 7; d++)
        if (!strcmp(key, WEEKDAYS[d]))
            day = d;
    if (day >= 0)
        return parse_day(s, o, day, value, path, line);
    if (!strcmp(key, "name"))
        return pack_src_keep(s, path, line, key, value, o->name, PACK_OFFICE_NAME_BYTES_MAX);
    if (!strcmp(key, "address"))
        return pack_src_keep(s, path, line, key, value, o->address, PACK_ADDRESS_BYTES_MAX);
    if (!strcmp(key, "email"))
        return pack_src_keep(s, path, line, key, value, o->email, PACK_EMAIL_BYTES_MAX);
    if (!strcmp(key, "web"))
        return pack_src_keep(s, path, line, key, value, o->web, PACK_WEB_BYTES_MAX);
    if (!strcmp(key, "phone")) {
        if (o->phone_count == PACK_PHONES_MAX)
            return pack_src_problem(s, "%s:%d: at most %d phone numbers", path, line, PACK_PHONES_MAX);
        return pack_src_keep(s, path, line, key, value, o->phones[o->phone_count++], PACK_PHONE_BYTES_MAX);
    }
    if (!strcmp(key, "holiday")) {
        if (!pack_src_valid_date(value))
            return pack_src_problem(s, "%s:%d: holiday must be a date like 2026-12-24", path, line);
        if (o->holiday_count == PACK_HOLIDAYS_MAX)
            return pack_src_problem(s, "%s:%d: at most %d holidays: remove the ones that are past", path, line,
                                    PACK_HOLIDAYS_MAX);
        snprintf(o->holidays[o->holiday_count++], sizeof o->holidays[0], "%s", value);
        return true;
    }
    if (!strcmp(key, "step-free")) {
        if (strcmp(value, "yes") && strcmp(value, "no") && strcmp(value, "unknown"))
            return pack_src_problem(s, "%s:%d: step-free must be yes, no or unknown", path, line);
        snprintf(o->step_free, sizeof o->step_free, "%s", strcmp(value, "unknown") ? value : "");
        return true;
    }
    if (!strcmp(key, "appointment")) {
        if (strcmp(value, "only") && strcmp(value, "also") && strcmp(value, "no"))
            return pack_src_problem(s, "%s:%d: appointment must be only, also or no", path, line);
        snprintf(o->appointment, sizeof o->appointment, "%s", strcmp(value, "no") ? value : "");
        return true;
    }
    if (!strcmp(key, "closed-until")) {
        if (*value && !pack_src_valid_date(value))
            return pack_src_problem(s, "%s:%d: closed-until must be a date like 2026-12-01", path, line);
        snprintf(o->closed_until, sizeof o->closed_until, "%s", value);
        return true;
    }
    /* example */
    if (strcmp(value, "yes") && strcmp(value, "no"))
        return pack_src_problem(s, "%s:%d: example must be yes or no", path, line);
    o->example = !strcmp(value, "yes");
    return true;
}

static bool read_office_file(src *s, pack_office *o, const char *path)
{
    char *buf = pack_src_load(s, path);
    if (!buf)
        return false;
    bool ok = true;
    char *cursor = buf, *raw;
    pack_src_keys seen = {0};
    for (int line = 1; (raw = pack_src_next_line(&cursor)); line++) {
        char *l = pack_src_trim(raw), *key, *value;
        if (!*l || *l == '#')
            continue;
        if (!pack_src_split_key(l, &key, &value))
            ok = pack_src_problem(s, "%s:%d: expected 'key: value'", path, line);
        else if (!office_line(s, o, path, line, key, value, &seen))
            ok = false;
    }
    free(buf);
    if (!o->name[0])
        ok = pack_src_problem(s, "%s: has no 'name'", path);
    return ok;
}

/* An office's id is its file name: pages name it, so it is kept short and plain. */
static bool office_id(src *s, pack_office *o, const char *file, const char *path)
{
    size_t len = strlen(file) - 4;
    if (len > PACK_OFFICE_ID_BYTES_MAX)
        return pack_src_problem(s,
                                "%s: the office's id (its file name without .txt) is %zu bytes, more than %d: "
                                "rename the file",
                                path, len, PACK_OFFICE_ID_BYTES_MAX);
    for (size_t i = 0; i < len; i++) {
        char c = file[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return pack_src_problem(s,
                                    "%s: an office's file name may have letters a-z, digits, '-' and '_', not "
                                    "'%s': rename the file",
                                    path, pack_src_shown(s, file));
    }
    memcpy(o->id, file, len);
    o->id[len] = 0;
    return true;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

bool pack_src_read_offices(src *s)
{
    size_t size = strlen(s->dir) + 16;
    char *dir_path = malloc(size);
    if (!dir_path)
        return pack_src_problem(s, "out of memory");
    snprintf(dir_path, size, "%s/offices", s->dir);
    DIR *d = opendir(dir_path);
    if (!d) {
        free(dir_path); /* the folder is optional */
        return true;
    }
    char **names = NULL;
    int n = 0;
    bool ok = true;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] == '.' || len < 5 || strcmp(ent->d_name + len - 4, ".txt"))
            continue;
        char **bigger = realloc(names, (size_t)(n + 1) * sizeof *names);
        if (!bigger || !(bigger[n] = strdup(ent->d_name))) {
            names = bigger ? bigger : names;
            ok = pack_src_problem(s, "out of memory");
            break;
        }
        names = bigger;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, (size_t)n, sizeof *names, compare_names);
    s->offices = calloc(n ? (size_t)n : 1, sizeof *s->offices);
    if (!s->offices)
        ok = pack_src_problem(s, "out of memory");
    for (int i = 0; s->offices && i < n; i++) {
        pack_office *o = &s->offices[s->office_count++];
        size_t psize = strlen(dir_path) + strlen(names[i]) + 2;
        char *path = malloc(psize);
        if (!path) {
            ok = pack_src_problem(s, "out of memory");
            continue;
        }
        snprintf(path, psize, "%s/%s", dir_path, names[i]);
        if (!office_id(s, o, names[i], path) || !read_office_file(s, o, path))
            ok = false;
        free(path);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dir_path);
    return ok;
}
