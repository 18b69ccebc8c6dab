#include "app.h"

#include <stdio.h>
#include <string.h>

static void reset_visit(app *a)
{
    unsigned long now = a->now_ms, idle = a->idle_ms, generation = a->generation;
    int weekday = a->weekday, minute = a->minute;
    char date[sizeof a->date];
    memcpy(date, a->date, sizeof date);
    pack *p = a->pack;
    /* A staff overlay outlives the visit: staff read it after the kiosk went quiet. */
    app_staff staff = a->staff;
    app_counts counts = a->counts;
    memset(a, 0, sizeof *a);
    a->staff = staff;
    a->counts = counts;
    a->pack = p;
    a->weekday = weekday;
    a->minute = minute;
    memcpy(a->date, date, sizeof date);
    a->now_ms = a->last_input_ms = now;
    a->idle_ms = idle;
    a->stack[0].screen = APP_SCREEN_LANGUAGE;
    a->depth = 1;
    a->generation = generation + 1;
}

const char *app_metric_name(app_metric m)
{
    static const char *const names[APP_METRIC_COUNT] = {
        "visit", "language", "page", "search", "search-empty", "read-aloud", "keypad-unknown", "german-beside",
        "idle-reset"};
    return m >= 0 && m < APP_METRIC_COUNT ? names[m] : "";
}

static void count(app *a, app_metric metric, const char *lang, const char *page)
{
    app_counts *k = &a->counts;
    int hour = a->minute >= 0 && a->minute < 1440 ? a->minute / 60 : 0;
    lang = lang ? lang : "";
    page = page ? page : "";
    for (int i = 0; i < k->count; i++) {
        app_count *c = &k->c[i];
        if (c->metric == metric && c->hour == hour && !strcmp(c->date, a->date) && !strcmp(c->lang, lang) &&
            !strcmp(c->page, page)) {
            c->n++;
            return;
        }
    }
    if (k->count == APP_COUNTS_MAX) {
        k->lost++;
        return;
    }
    app_count *c = &k->c[k->count++];
    memset(c, 0, sizeof *c);
    snprintf(c->date, sizeof c->date, "%s", a->date);
    c->hour = hour;
    c->metric = metric;
    snprintf(c->lang, sizeof c->lang, "%s", lang);
    snprintf(c->page, sizeof c->page, "%s", page);
    c->n = 1;
}

void app_init(app *a, pack *p, unsigned long idle_ms)
{
    memset(a, 0, sizeof *a);
    a->pack = p;
    a->weekday = -1;
    a->idle_ms = idle_ms;
    reset_visit(a);
}

app_event app_clock(int year, int month, int day, int weekday, int minute)
{
    app_event ev = {.type = APP_EV_CLOCK, .value = weekday * 1440 + minute};
    snprintf(ev.arg, sizeof ev.arg, "%04d-%02d-%02d", year, month, day);
    return ev;
}

void app_service_begin(app *a)
{
    a->staff.shown = true;
    a->staff.done = a->staff.ok = false;
    a->staff.ask = a->staff.holding = a->staff.confirmed = a->staff.notice = false;
    a->staff.hold_ms = 0;
    a->staff.progress = -1;
    a->staff.de[0] = a->staff.en[0] = 0;
    a->generation++;
}

void app_service_progress(app *a, int permille)
{
    if (permille / 10 != a->staff.progress / 10)
        a->generation++;
    a->staff.progress = permille;
}

void app_service_result(app *a, bool installed, const char *de, const char *en)
{
    a->staff.shown = a->staff.done = true;
    a->staff.ok = installed;
    a->staff.ask = a->staff.holding = a->staff.confirmed = a->staff.notice = false;
    snprintf(a->staff.de, sizeof a->staff.de, "%s", de);
    snprintf(a->staff.en, sizeof a->staff.en, "%s", en);
    if (installed)
        a->staff.fallback = false; /* a pack that was just installed opened */
    a->generation++;
}

void app_service_ask(app *a, const char *de, const char *en)
{
    app_service_result(a, false, de, en);
    a->staff.ask = true;
}

void app_service_notice(app *a, const char *de, const char *en)
{
    app_service_result(a, false, de, en);
    a->staff.notice = a->staff.fallback = true;
}

static void keep_current(app *a)
{
    char de[400], en[400];
    const pack_meta *m = a->pack ? pack_get_meta(a->pack) : NULL;
    if (m) {
        snprintf(de, sizeof de, "Es wurde nichts geändert: Der Kiosk zeigt weiter %s %s. Sie können den Stick abziehen.",
                 m->name[0] ? m->name : m->region, m->version);
        snprintf(en, sizeof en, "Nothing was changed: the kiosk still shows %s %s. You can remove the stick.",
                 m->name[0] ? m->name : m->region, m->version);
    } else {
        snprintf(de, sizeof de, "Es wurde nichts geändert. Sie können den Stick abziehen.");
        snprintf(en, sizeof en, "Nothing was changed. You can remove the stick.");
    }
    app_service_result(a, false, de, en);
}

void app_replace_pack(app *a, pack *p)
{
    a->pack = p;
    reset_visit(a);
}

const app_place *app_current(const app *a) { return &a->stack[a->depth - 1]; }

const pack_language *app_language(const app *a)
{
    return a->pack && a->lang[0] ? pack_language_find(a->pack, a->lang) : NULL;
}

int app_countdown(const app *a)
{
    if (a->depth <= 1 && !a->lang[0])
        return 0;
    unsigned long quiet = a->now_ms - a->last_input_ms;
    if (quiet >= a->idle_ms || a->idle_ms - quiet > APP_WARNING_MS)
        return 0;
    return (int)((a->idle_ms - quiet + 999) / 1000);
}

static void push(app *a, app_screen screen, const char *page)
{
    if (a->depth == APP_STACK_MAX) {
        /* Keep the language and home screens at the bottom; forget the oldest page. */
        memmove(&a->stack[2], &a->stack[3], (APP_STACK_MAX - 3) * sizeof a->stack[0]);
        a->depth--;
    }
    app_place *p = &a->stack[a->depth++];
    memset(p, 0, sizeof *p);
    p->screen = screen;
    snprintf(p->page, sizeof p->page, "%s", page ? page : "");
}

static app_place *top(app *a) { return &a->stack[a->depth - 1]; }

static void choose_language(app *a, const char *code)
{
    if (!a->pack || !pack_language_find(a->pack, code))
        return;
    snprintf(a->lang, sizeof a->lang, "%s", code);
    if (!a->visit_counted) {
        count(a, APP_METRIC_VISIT, NULL, NULL);
        a->visit_counted = true;
    }
    count(a, APP_METRIC_LANGUAGE, code, NULL);
    /* Typed words belong to the old language's keyboard. */
    a->typed[0] = 0;
    a->fidel_base = 0;
    a->keyboard_latin = false;
    if (a->depth == 1)
        push(a, APP_SCREEN_HOME, NULL);
    else if (top(a)->screen == APP_SCREEN_LANGUAGE)
        a->depth--; /* back to the page the visitor was reading, now in their language */
}

static void open_page(app *a, const char *code)
{
    if (!a->pack || !a->lang[0] || !pack_page_find(a->pack, code))
        return;
    if (a->depth < 2)
        push(a, APP_SCREEN_HOME, NULL);
    push(a, APP_SCREEN_PAGE, code);
    count(a, APP_METRIC_PAGE, a->lang, code);
}

static void open_tool(app *a, app_screen screen)
{
    if (!a->lang[0])
        return;
    if (top(a)->screen == screen)
        return;
    if (top(a)->screen == APP_SCREEN_KEYPAD || top(a)->screen == APP_SCREEN_SEARCH)
        a->depth--;
    a->typed[0] = 0;
    a->no_such_page = false;
    a->fidel_base = 0;
    a->keyboard_hidden = false;
    a->keyboard_latin = false;
    push(a, screen, NULL);
}

/* Removes the last UTF-8 character. */
static void erase(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
        n--;
    if (n > 0)
        n--;
    s[n] = 0;
}

static void type(app *a, const char *text)
{
    size_t n = strlen(a->typed), add = strlen(text);
    if (top(a)->screen == APP_SCREEN_KEYPAD) {
        /* Page codes are digits, at most six. */
        if (add != 1 || text[0] < '0' || text[0] > '9' || n >= 6)
            return;
        a->no_such_page = false;
    }
    if (n + add < sizeof a->typed)
        memcpy(a->typed + n, text, add + 1);
    a->fidel_base = 0;
}

static void enter(app *a)
{
    if (top(a)->screen != APP_SCREEN_KEYPAD || !a->typed[0])
        return;
    if (!pack_page_find(a->pack, a->typed)) {
        a->no_such_page = true;
        count(a, APP_METRIC_KEYPAD_UNKNOWN, a->lang, NULL);
        return;
    }
    char code[PACK_CODE_MAX];
    snprintf(code, sizeof code, "%s", a->typed);
    a->depth--;
    a->typed[0] = 0;
    push(a, APP_SCREEN_PAGE, code);
    count(a, APP_METRIC_PAGE, a->lang, code);
}

void app_recording(const app *a, char hash[65])
{
    hash[0] = 0;
    const app_place *here = app_current(a);
    pack_text t;
    if (here->screen != APP_SCREEN_PAGE || !a->pack || !a->lang[0] ||
        !pack_text_get(a->pack, here->page, a->lang, &t, NULL))
        return;
    snprintf(hash, 65, "%s", t.audio);
    pack_text_free(&t);
}

static void read_aloud(app *a)
{
    if (a->reading[0]) {
        a->reading[0] = 0;
        return;
    }
    app_recording(a, a->reading);
    if (!a->reading[0])
        return; /* no recording here: the key does nothing, as there is no button */
    snprintf(a->reading_page, sizeof a->reading_page, "%s", top(a)->page);
    snprintf(a->reading_lang, sizeof a->reading_lang, "%s", a->lang);
    count(a, APP_METRIC_READ_ALOUD, a->lang, a->reading_page);
}

/* A reading belongs to the page and language it was started on: whatever takes them off the
 * screen (another page, another language, the language screen, a new visit) ends it. */
static void stop_reading_elsewhere(app *a)
{
    const app_place *here = top(a);
    if (a->reading[0] && (here->screen != APP_SCREEN_PAGE || strcmp(here->page, a->reading_page) ||
                          strcmp(a->lang, a->reading_lang))) {
        a->reading[0] = 0;
        a->generation++;
    }
}

static void handle(app *a, const app_event *ev)
{
    app_place *here = top(a);
    switch (ev->type) {
    case APP_EV_TICK: {
        int before = app_countdown(a);
        a->now_ms += (unsigned long)(ev->value > 0 ? ev->value : 0);
        if (a->staff.holding) {
            a->staff.hold_ms += (unsigned long)(ev->value > 0 ? ev->value : 0);
            a->generation++; /* the progress under the finger grows */
            if (a->staff.hold_ms >= APP_HOLD_MS) {
                app_service_begin(a);
                a->staff.confirmed = true;
            }
        }
        if (a->depth > 1 && a->now_ms - a->last_input_ms >= a->idle_ms) {
            count(a, APP_METRIC_IDLE_RESET, NULL, NULL);
            reset_visit(a);
        }
        else if (app_countdown(a) != before)
            a->generation++;
        return;
    }
    case APP_EV_SCROLL_LIMIT:
        here->scroll_max = ev->value > 0 ? ev->value : 0;
        if (here->scroll > here->scroll_max) {
            here->scroll = here->scroll_max;
            a->generation++;
        }
        return;
    case APP_EV_CLOCK: {
        /* The clock is not the visitor: it never keeps a visit alive. */
        int weekday = ev->value / 1440, minute = ev->value % 1440;
        if (ev->value < 0 || weekday > 6)
            return;
        if (weekday != a->weekday || minute != a->minute || strncmp(a->date, ev->arg, sizeof a->date - 1)) {
            a->weekday = weekday;
            a->minute = minute;
            snprintf(a->date, sizeof a->date, "%s", ev->arg);
            a->generation++;
        }
        return;
    }
    case APP_EV_READ_DONE:
        /* The recording's end is not the visitor: it keeps no visit alive. */
        if (a->reading[0]) {
            a->reading[0] = 0;
            a->generation++;
        }
        return;
    case APP_EV_SERVICE_CLOSE:
        if (a->staff.shown && a->staff.done && !a->staff.ask) {
            a->staff.shown = false;
            a->generation++;
        }
        return;
    case APP_EV_RELEASE:
        if (a->staff.holding) {
            /* Let go too early: nothing happens, the question stays. */
            a->staff.holding = false;
            a->staff.hold_ms = 0;
            a->generation++;
        }
        if (a->pressed) {
            a->pressed = false;
            a->generation++;
        }
        return;
    default:
        break;
    }
    /* Everything else is the visitor: the visit goes on, any countdown stops. */
    if (app_countdown(a))
        a->generation++;
    a->last_input_ms = a->now_ms;
    switch (ev->type) {
    case APP_EV_PRESS:
        a->pressed = true;
        a->press_x = ev->x;
        a->press_y = ev->y;
        break;
    case APP_EV_SERVICE_HOLD:
        if (!a->staff.ask || a->staff.holding)
            return;
        a->staff.holding = true;
        a->staff.hold_ms = 0;
        break;
    case APP_EV_SERVICE_KEEP:
        if (!a->staff.ask)
            return;
        keep_current(a);
        break;
    case APP_EV_LANGUAGE:
        choose_language(a, ev->arg);
        break;
    case APP_EV_PICK_LANGUAGE:
        if (a->lang[0] && here->screen != APP_SCREEN_LANGUAGE)
            push(a, APP_SCREEN_LANGUAGE, NULL);
        break;
    case APP_EV_OPEN:
        open_page(a, ev->arg);
        break;
    case APP_EV_BACK:
        if (a->depth > 2)
            a->depth--;
        else if (a->depth == 2)
            reset_visit(a);
        break;
    case APP_EV_HOME:
        if (a->depth > 2)
            a->depth = 2;
        break;
    case APP_EV_KEYPAD:
        open_tool(a, APP_SCREEN_KEYPAD);
        break;
    case APP_EV_SEARCH:
        open_tool(a, APP_SCREEN_SEARCH);
        break;
    case APP_EV_ABOUT:
        if (a->lang[0] && here->screen != APP_SCREEN_ABOUT) {
            if (a->depth < 2)
                push(a, APP_SCREEN_HOME, NULL);
            push(a, APP_SCREEN_ABOUT, NULL);
        }
        break;
    case APP_EV_TYPE:
        type(a, ev->arg);
        break;
    case APP_EV_ERASE:
        erase(a->typed);
        a->no_such_page = false;
        break;
    case APP_EV_ENTER:
        enter(a);
        break;
    case APP_EV_FIDEL:
        a->fidel_base = ev->value > 0 ? (uint32_t)ev->value : 0;
        break;
    case APP_EV_KEYBOARD:
        if (here->screen == APP_SCREEN_SEARCH)
            a->keyboard_hidden = !a->keyboard_hidden;
        break;
    case APP_EV_LATIN:
        if (here->screen == APP_SCREEN_SEARCH) {
            a->keyboard_latin = !a->keyboard_latin;
            a->fidel_base = 0;
        }
        break;
    case APP_EV_TOGGLE_GERMAN:
        a->show_german = !a->show_german;
        if (a->show_german)
            count(a, APP_METRIC_GERMAN_BESIDE, a->lang, NULL);
        break;
    case APP_EV_TOGGLE_LARGE:
        a->large_text = !a->large_text;
        break;
    case APP_EV_READ_ALOUD:
        read_aloud(a);
        break;
    case APP_EV_SCROLL: {
        long long next = (long long)here->scroll + ev->value;
        next = next < 0 ? 0 : next > here->scroll_max ? here->scroll_max : next;
        if (next == here->scroll)
            return;
        here->scroll = (int)next;
        a->scrolls++;
        break;
    }
    default:
        return;
    }
    a->generation++;
}

/* The search screen shows what was found for the words typed: searched again only when they
 * or the language change, never for scrolling or the keyboard. */
static void refresh_search(app *a)
{
    if (!a->pack || top(a)->screen != APP_SCREEN_SEARCH) {
        a->found_for[0] = a->found_lang[0] = 0;
        a->found_count = 0;
        return;
    }
    if (!strcmp(a->found_for, a->typed) && !strcmp(a->found_lang, a->lang))
        return;
    snprintf(a->found_for, sizeof a->found_for, "%s", a->typed);
    snprintf(a->found_lang, sizeof a->found_lang, "%s", a->lang);
    a->found_count = a->typed[0] ? pack_search_found(a->pack, a->lang, a->typed, a->found, PACK_SEARCH_MAX,
                                                     a->found_text, sizeof a->found_text)
                                 : 0;
}

void app_handle(app *a, const app_event *ev)
{
    /* A search counts once, when the visitor leaves the search screen with words typed. */
    bool searching = top(a)->screen == APP_SCREEN_SEARCH && a->typed[0];
    bool found = a->found_count > 0;
    char lang[PACK_LANG_MAX];
    snprintf(lang, sizeof lang, "%s", a->lang);
    handle(a, ev);
    if (searching && top(a)->screen != APP_SCREEN_SEARCH) {
        count(a, APP_METRIC_SEARCH, lang, NULL);
        if (!found)
            count(a, APP_METRIC_SEARCH_EMPTY, lang, NULL);
    }
    stop_reading_elsewhere(a);
    refresh_search(a);
}
