/* soak-events: writes a long random event script (docs/events.md) for `make soak`: taps mostly
 * on buttons (tap-button: the kiosk picks among what is on screen), taps anywhere, drags and
 * flings, keys, typing, language changes, waits up to past the idle time, held buttons, the end
 * of a recording, and USB sticks put in. The same seed makes the same script, and a shorter
 * script of a seed is the start of a longer one, so a failure replays with its seed.
 *   soak-events SEED EVENTS WIDTH HEIGHT [STICK_DIR...] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

/* splitmix64: small, fast, and the same on every machine. */
static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int below(int n) { return (int)(next() % (uint64_t)n); }

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: soak-events SEED EVENTS WIDTH HEIGHT [STICK_DIR...]\n");
        return 2;
    }
    state = strtoull(argv[1], NULL, 10);
    long events = atol(argv[2]);
    int w = atoi(argv[3]), h = atoi(argv[4]);
    char **sticks = argv + 5;
    int stick_count = argc - 5;
    if (events < 1 || w < 100 || h < 100) {
        fprintf(stderr, "soak-events: EVENTS at least 1, WIDTH and HEIGHT at least 100\n");
        return 2;
    }
    static const char *const keys[] = {"back",     "home",  "keypad", "search", "german", "large", "language",
                                       "enter",    "erase", "about",  "read",   "keyboard"};
    static const char *const words[] = {"Arbeit", "310", "9", "عمل", "کار", "ስራ", "робота", "kurs", "ä", "0631 7105-0"};
    printf("# soak-events %s %ld %d %d\n", argv[1], events, w, h);
    for (long i = 1; i < events; i++) {
        int roll = below(1000);
        if (roll < 450) {
            printf("tap-button %d\n", below(64));
        } else if (roll < 550) {
            printf("tap %d %d\n", below(w), below(h));
        } else if (roll < 650) {
            /* Mostly up and down, as people scroll; some sideways and from edge to edge. */
            int x = below(w), y = below(h);
            printf("swipe %d %d %d %d\n", x, y, below(8) ? x : below(w), below(h));
        } else if (roll < 750) {
            printf("key %s\n", keys[below((int)(sizeof keys / sizeof keys[0]))]);
        } else if (roll < 790) {
            printf("type %s\n", words[below((int)(sizeof words / sizeof words[0]))]);
        } else if (roll < 830) {
            printf("key language\n");
            printf("tap-button %d\n", below(16));
            i++;
        } else if (roll < 930) {
            /* Short pauses while reading, sometimes long enough to bring "still there?" or to
             * end the visit. */
            int r = below(100);
            printf("wait %d\n", r < 80 ? below(3000) : r < 95 ? 60000 + below(20000) : 90000 + below(30000));
        } else if (roll < 960) {
            printf("press-button %d\n", below(64));
            printf("wait %d\n", below(2600));
            printf("release\n");
            i += 2;
        } else if (roll < 985) {
            printf("audio-end\n");
        } else if (roll < 998 || !stick_count) {
            printf("key home\n");
        } else {
            /* Rare, as in a lobby, and slow: every one copies, hashes and syncs a pack. */
            printf("usb %s\n", sticks[below(stick_count)]);
        }
    }
    return 0;
}
