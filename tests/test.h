/* A small test runner: TEST(name) registers a test, CHECK records a failure and goes on.
 * The run ends with "N passed, N failed" (CI reads that line). Tests run from the
 * repository root on real parts: real packs built from content/, real fonts, real SDL. */
#ifndef WW_TEST_H
#define WW_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pack.h"
#include "text.h"

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *what);

#define TEST(name)                                                                                  \
    static void name(void);                                                                         \
    __attribute__((constructor)) static void register_##name(void) { test_register(#name, name); } \
    static void name(void)

#define CHECK(cond)                                   \
    do {                                              \
        if (!(cond))                                  \
            test_fail(__FILE__, __LINE__, #cond);     \
    } while (0)

#define CHECK_STR(a, b)                                                                        \
    do {                                                                                       \
        const char *a_ = (a), *b_ = (b);                                                       \
        if (!a_ || !b_ || strcmp(a_, b_)) {                                                    \
            char msg_[2048];                                                                   \
            snprintf(msg_, sizeof msg_, "%s == %s: \"%s\" vs \"%s\"", #a, #b, a_ ? a_ : "(null)", \
                     b_ ? b_ : "(null)");                                                      \
            test_fail(__FILE__, __LINE__, msg_);                                               \
        }                                                                                      \
    } while (0)

/* `part` must appear in `text` (a program's output, a message); the text is shown when not. */
#define CHECK_HAS(text, part)                                                \
    do {                                                                     \
        if (!strstr((text), (part))) {                                       \
            char msg_[3000];                                                 \
            snprintf(msg_, sizeof msg_, "'%s' in: %.2500s", (part), (text)); \
            test_fail(__FILE__, __LINE__, msg_);                             \
        }                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                              \
    do {                                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);                          \
        if (a_ != b_) {                                                              \
            char msg_[512];                                                          \
            snprintf(msg_, sizeof msg_, "%s == %s: %lld vs %lld", #a, #b, a_, b_);   \
            test_fail(__FILE__, __LINE__, msg_);                                     \
        }                                                                            \
    } while (0)

/* Shared fixtures, made once per run. */
const char *test_tmpdir(void);         /* a fresh folder, removed at the end */
const char *test_demo_pack(void);      /* built from content/kaiserslautern by pack_build */
/* Landkreis Augsburg's Integreat export imported and built once, or NULL (said) when the export
 * is not there. */
const char *test_augsburg_pack(void);
text_fonts *test_fonts(void);          /* the bundled fonts from assets/ */
const char *test_bin(const char *name); /* path of a built program (build/asan/wegweiser) */
/* Runs a shell command; returns its exit status and fills out (may be NULL) with stdout. */
int test_run(const char *cmd, char *out, size_t size);
/* A whole file, malloc'd and NUL-terminated (size without the NUL; size may be NULL); NULL
 * when it cannot be read. */
char *test_read_file(const char *path, size_t *size);
/* A visit on pack p at w × h with the language chosen: one session, reused by the next call
 * (session_free it before). */
struct session *test_visit(pack *p, const char *lang, int w, int h);
/* Closes the fonts and removes the folder; the runner calls it at the end. */
void test_fixtures_free(void);

#endif
