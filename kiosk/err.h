/* err: errors as values. A function that can fail takes an `err *` and fills in a
 * message a person can act on ("what happened, where, what to do"); callers decide
 * whether to show it, log it or pass it on. Library code never exits on bad data. */
#ifndef WW_ERR_H
#define WW_ERR_H

#include <stdbool.h>

typedef struct err {
    char msg[512];
} err;

/* Sets the message (printf-style) and returns false, so `return err_set(e, ...)` reads well.
 * `e` may be NULL when the caller does not want the message. */
bool err_set(err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
