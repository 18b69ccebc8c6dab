#include "screen.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool screen_rotation_parse(const char *text, int *degrees, err *e)
{
    static const char *const names[] = {"0", "90", "180", "270"};
    for (int i = 0; i < 4; i++)
        if (text && !strcmp(text, names[i])) {
            *degrees = i * 90;
            return true;
        }
    return err_set(e, "the rotation is 0, 90, 180 or 270 (degrees clockwise), not '%s'", text ? text : "");
}

void screen_logical_size(int degrees, int panel_w, int panel_h, int *w, int *h)
{
    bool sideways = degrees == 90 || degrees == 270;
    *w = sideways ? panel_h : panel_w;
    *h = sideways ? panel_w : panel_h;
}

void screen_to_logical(int degrees, int panel_w, int panel_h, int px, int py, int *x, int *y)
{
    switch (degrees) {
    case 90: /* the picture's top row is the panel's right column */
        *x = py;
        *y = panel_w - 1 - px;
        break;
    case 180:
        *x = panel_w - 1 - px;
        *y = panel_h - 1 - py;
        break;
    case 270: /* the picture's top row is the panel's left column */
        *x = panel_h - 1 - py;
        *y = px;
        break;
    default:
        *x = px;
        *y = py;
        break;
    }
}

void screen_to_panel(int degrees, int panel_w, int panel_h, int x, int y, int *px, int *py)
{
    switch (degrees) {
    case 90:
        *px = panel_w - 1 - y;
        *py = x;
        break;
    case 180:
        *px = panel_w - 1 - x;
        *py = panel_h - 1 - y;
        break;
    case 270:
        *px = y;
        *py = panel_h - 1 - x;
        break;
    default:
        *px = x;
        *py = y;
        break;
    }
}

static void set_on(screen_hours *h, int from, int count)
{
    for (int i = 0; i < count; i++) {
        int m = (from + i) % SCREEN_WEEK_MINUTES;
        h->on[m / 8] |= (uint8_t)(1u << (m % 8));
    }
}

static bool bit(const screen_hours *h, int m)
{
    m %= SCREEN_WEEK_MINUTES;
    return h->on[m / 8] >> (m % 8) & 1;
}

static const char *skip_space(const char *c)
{
    while (*c == ' ' || *c == '\t')
        c++;
    return c;
}

/* A day name at c: its number (0 Monday), and c moved past it; -1 if there is none. */
static int day_at(const char **c)
{
    static const char names[7][3] = {"mo", "tu", "we", "th", "fr", "sa", "su"};
    if (!isalpha((unsigned char)(*c)[0]) || !isalpha((unsigned char)(*c)[1]) || isalpha((unsigned char)(*c)[2]))
        return -1;
    for (int d = 0; d < 7; d++)
        if (tolower((unsigned char)(*c)[0]) == names[d][0] && tolower((unsigned char)(*c)[1]) == names[d][1]) {
            *c += 2;
            return d;
        }
    return -1;
}

/* HH:MM (00:00 … 24:00) at c: minutes after midnight, and c moved past it; -1 if malformed. */
static int time_at(const char **c)
{
    const char *s = *c;
    int hours = 0, digits = 0;
    while (isdigit((unsigned char)*s) && digits < 3) {
        hours = hours * 10 + (*s++ - '0');
        digits++;
    }
    if (digits < 1 || digits > 2 || *s != ':' || !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
        isdigit((unsigned char)s[3]))
        return -1;
    int minutes = (s[1] - '0') * 10 + (s[2] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes > 0))
        return -1;
    *c = s + 3;
    return hours * 60 + minutes;
}

/* One rule (text between ';'), `len` bytes at `rule`, into h. */
static bool parse_rule(screen_hours *h, const char *rule, size_t len, err *e)
{
    char text[256];
    if (len >= sizeof text)
        return err_set(e, "the rule '%.40s…' is too long", rule);
    memcpy(text, rule, len);
    text[len] = 0;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        text[--len] = 0;
    const char *c = skip_space(text);
    if (!*c)
        return true; /* "a; ; b" or a ';' at the end: nothing to add */
    bool days[7] = {false};
    bool any_day = false;
    while (isalpha((unsigned char)*c)) {
        const char *at = c;
        int first = day_at(&c), last = first;
        if (first < 0)
            return err_set(e, "in '%s', '%.*s' is not a day: write Mo Tu We Th Fr Sa Su", text,
                           (int)strcspn(at, " ,-;\t"), at);
        c = skip_space(c);
        if (*c == '-') {
            c = skip_space(c + 1);
            at = c;
            if ((last = day_at(&c)) < 0)
                return err_set(e, "in '%s', a day range wants a day after '-', such as Mo-Fr", text);
        }
        for (int d = first;; d = (d + 1) % 7) {
            days[d] = true;
            if (d == last)
                break;
        }
        any_day = true;
        c = skip_space(c);
        if (*c != ',')
            break;
        c = skip_space(c + 1);
    }
    if (!any_day)
        for (int d = 0; d < 7; d++)
            days[d] = true;
    c = skip_space(c);
    if (!*c)
        return err_set(e, "'%s' has days but no times: add them as HH:MM-HH:MM, such as 07:00-18:00",
                       text);
    for (;;) {
        int start = time_at(&c), end = -1;
        c = skip_space(c);
        if (start >= 0 && *c == '-') {
            c = skip_space(c + 1);
            end = time_at(&c);
        }
        if (start < 0 || end < 0)
            return err_set(e,
                           "in '%s', times are HH:MM-HH:MM from 00:00 to 24:00, such as 07:30-16:00",
                           text);
        if (start == 1440)
            return err_set(e, "in '%s', a time range cannot start at 24:00: write 00:00", text);
        if (start == end)
            return err_set(e, "in '%s', a time range starts and ends at the same minute", text);
        /* An end before the start runs past midnight into the next day (Sunday into Monday). */
        int length = end > start ? end - start : 1440 - start + end;
        for (int d = 0; d < 7; d++)
            if (days[d])
                set_on(h, d * 1440 + start, length);
        c = skip_space(c);
        if (!*c)
            return true;
        if (*c != ',')
            return err_set(e, "in '%s', '%s' is not understood: separate times with ',' and rules "
                              "with ';'", text, c);
        c = skip_space(c + 1);
    }
}

bool screen_hours_parse(screen_hours *h, const char *rules, err *e)
{
    memset(h, 0, sizeof *h);
    const char *c = skip_space(rules ? rules : "");
    if (!*c) {
        memset(h->on, 0xFF, sizeof h->on);
        return true;
    }
    while (*c) {
        size_t len = strcspn(c, ";");
        if (!parse_rule(h, c, len, e))
            return false;
        c += len;
        if (*c == ';')
            c++;
    }
    return true;
}

bool screen_hours_on(const screen_hours *h, int weekday, int minute)
{
    if (weekday < 0 || weekday > 6 || minute < 0 || minute >= 1440)
        return true; /* no clock yet: better lit than dark */
    return bit(h, weekday * 1440 + minute);
}

int screen_hours_next_change(const screen_hours *h, int weekday, int minute)
{
    if (weekday < 0 || weekday > 6 || minute < 0 || minute >= 1440)
        return -1;
    int now = weekday * 1440 + minute;
    bool state = bit(h, now);
    for (int k = 1; k < SCREEN_WEEK_MINUTES; k++)
        if (bit(h, now + k) != state)
            return k;
    return -1;
}

bool screen_should_sleep(const screen_hours *h, const app *a)
{
    if (a->weekday < 0 || screen_hours_on(h, a->weekday, a->minute))
        return false;
    if (a->depth != 1 || a->staff.shown)
        return false;
    /* last_input_ms stays 0 until the first touch: a kiosk started at night sleeps at once. */
    return a->last_input_ms == 0 || a->now_ms - a->last_input_ms >= a->idle_ms;
}
