#include "app.h"

#include <stdio.h>
#include <string.h>

static void reset_visit(app *a)
{
    memset(a->stack, 0, sizeof a->stack);
    a->stack[0].screen = APP_SCREEN_LANGUAGE;
    a->depth = 1;
    a->lang[0] = 0;
    a->generation++;
}

void app_init(app *a, pack *p, unsigned long idle_ms)
{
    memset(a, 0, sizeof *a);
    a->pack = p;
    a->idle_ms = idle_ms;
    reset_visit(a);
}

const app_place *app_current(const app *a) { return &a->stack[a->depth - 1]; }

const pack_language *app_language(const app *a)
{
    return a->pack && a->lang[0] ? pack_language_find(a->pack, a->lang) : NULL;
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

static void choose_language(app *a, const char *code)
{
    if (!a->pack || !pack_language_find(a->pack, code))
        return;
    snprintf(a->lang, sizeof a->lang, "%s", code);
    if (a->depth == 1)
        push(a, APP_SCREEN_HOME, NULL);
}

static void open_page(app *a, const char *code)
{
    if (!a->pack || !a->lang[0] || !pack_page_find(a->pack, code))
        return;
    if (a->depth < 2)
        push(a, APP_SCREEN_HOME, NULL);
    push(a, APP_SCREEN_PAGE, code);
}

void app_handle(app *a, const app_event *ev)
{
    app_place *here = &a->stack[a->depth - 1];
    if (ev->type == APP_EV_TICK) {
        a->now_ms += (unsigned long)(ev->value > 0 ? ev->value : 0);
        if (a->depth > 1 && a->now_ms - a->last_input_ms >= a->idle_ms)
            reset_visit(a);
        return;
    }
    if (ev->type == APP_EV_SCROLL_LIMIT) {
        here->scroll_max = ev->value > 0 ? ev->value : 0;
        if (here->scroll > here->scroll_max) {
            here->scroll = here->scroll_max;
            a->generation++;
        }
        return;
    }
    a->last_input_ms = a->now_ms;
    switch (ev->type) {
    case APP_EV_LANGUAGE:
        choose_language(a, ev->arg);
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
    case APP_EV_SCROLL: {
        int next = here->scroll + ev->value;
        next = next < 0 ? 0 : next > here->scroll_max ? here->scroll_max : next;
        if (next == here->scroll)
            return;
        here->scroll = next;
        break;
    }
    default:
        return;
    }
    a->generation++;
}
