/* Screen hours and rotation (kiosk/screen.h) from any text: parsed or refused, and what the
 * parsed rules say about every hour of the week. */
#include <stdlib.h>

#include "fuzz.h"
#include "screen.h"

FUZZ_TARGET(hours)
{
    char *text = fuzz_string(data, size);
    err e;
    int degrees;
    screen_rotation_parse(text, &degrees, &e);
    screen_hours h;
    if (screen_hours_parse(&h, text, &e)) {
        app a;
        app_init(&a, NULL, 90000);
        for (int day = -1; day <= 7; day++)
            for (int minute = -1; minute <= 1440; minute += 61) {
                screen_hours_on(&h, day, minute);
                screen_hours_next_change(&h, day, minute);
                app_event clock = app_clock(2026, 1, 5 + (day < 0 ? 0 : day), day, minute);
                app_handle(&a, &clock);
                screen_should_sleep(&h, &a);
            }
    }
    free(text);
}
