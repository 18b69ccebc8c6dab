/* screen: the panel's geometry and schedule, without touching it. How a picture turned by
 * 0/90/180/270 degrees clockwise maps between the panel's pixels and the layout's, and when
 * the screen should be on: weekly hours such as "Mo-Fr 07:30-16:00; Sa 09:00-12:00", and
 * whether the kiosk may sleep now (outside them, with nobody using it). Pure: the platform
 * does the drawing, the DPMS and the waiting. */
#ifndef WW_SCREEN_H
#define WW_SCREEN_H

#include <stdint.h>

#include "app.h"
#include "err.h"

/* Reads "0", "90", "180" or "270" (degrees clockwise). */
bool screen_rotation_parse(const char *text, int *degrees, err *e);

/* The size the layout works in on a panel of panel_w x panel_h turned by `degrees`: the two
 * swap for 90 and 270. The same call turns a layout size back into the panel's. */
void screen_logical_size(int degrees, int panel_w, int panel_h, int *w, int *h);

/* A panel pixel (where a finger touched) to the layout pixel drawn there, and back. Turning
 * clockwise puts the picture's top row on the panel's right edge (90), bottom (180) or left
 * edge (270). Points outside the panel map outside the layout the same way. */
void screen_to_logical(int degrees, int panel_w, int panel_h, int px, int py, int *x, int *y);
void screen_to_panel(int degrees, int panel_w, int panel_h, int x, int y, int *px, int *py);

#define SCREEN_WEEK_MINUTES (7 * 1440)

/* The minutes of a week (Monday 00:00 first) when the screen is on. */
typedef struct screen_hours {
    uint8_t on[SCREEN_WEEK_MINUTES / 8];
} screen_hours;

/* Reads rules separated by ';': days, then times. Days are Mo Tu We Th Fr Sa Su, a range
 * "Mo-Fr" (it may wrap: "Fr-Mo" is Fr Sa Su Mo) or a list "Mo,We,Fr-Sa"; no days means every
 * day. Times are HH:MM-HH:MM, several with ','; 24:00 ends a day, and an end before the start
 * runs overnight into the next day ("Fr 22:00-02:00" ends Saturday 02:00). An empty or blank
 * text means always on. On a mistake: false, with the rule and what is wrong in `e`. */
bool screen_hours_parse(screen_hours *h, const char *rules, err *e);

/* Is the screen on at this minute (weekday 0 Monday, minute after midnight)? */
bool screen_hours_on(const screen_hours *h, int weekday, int minute);

/* Minutes from this minute until the next minute whose state differs from it; -1 when it
 * never changes (always on, or never on). */
int screen_hours_next_change(const screen_hours *h, int weekday, int minute);

/* True when the display should sleep: the app's clock is known and outside the hours, and
 * the visit is over — the language screen, no staff overlay, and untouched since start or
 * for the idle time (so a touch that woke the screen keeps it on that long). */
bool screen_should_sleep(const screen_hours *h, const app *a);

#endif
