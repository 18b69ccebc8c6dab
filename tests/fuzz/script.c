/* Event-script lines (docs/events.md) on a real session: the demo pack, the bundled fonts, an
 * 800x480 screen. Each input line is one script line. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "session.h"
#include "test.h"

FUZZ_TARGET(script)
{
    static pack *demo;
    err e;
    if (!demo && !(demo = pack_open(test_demo_pack(), &e)))
        abort();
    session s;
    if (!session_init(&s, demo, test_fonts(), 800, 480, 90000, &e))
        abort();
    char *text = fuzz_string(data, size);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        session_script_line(&s, line, NULL, NULL, &e);
        char state[256];
        session_display(&s);
        session_describe(&s, state, sizeof state);
    }
    free(text);
    session_free(&s);
}
