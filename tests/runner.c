#include <stdlib.h>
#include <unistd.h>

#include "i18n.h"
#include "test.h"

#define TESTS_MAX 1024

typedef struct test_case {
    const char *name;
    test_fn fn;
} test_case;
static test_case tests[TESTS_MAX];
static int test_count, failures_in_test;

void test_register(const char *name, test_fn fn)
{
    if (test_count < TESTS_MAX)
        tests[test_count++] = (test_case){name, fn};
}

void test_fail(const char *file, int line, const char *what)
{
    failures_in_test++;
    printf("    %s:%d: failed: %s\n", file, line, what);
}

/* T=a,b runs the tests whose name contains a or b. */
static bool selected(const char *name, const char *filters)
{
    char copy[256];
    snprintf(copy, sizeof copy, "%s", filters);
    for (char *save, *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save))
        if (strstr(name, f))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    err e;
    i18n_init("build/locale", &e);
    int passed = 0, failed = 0;
    for (int i = 0; i < test_count; i++) {
        if (argc > 1 && !selected(tests[i].name, argv[1]))
            continue;
        failures_in_test = 0;
        printf("%s\n", tests[i].name);
        fflush(stdout);
        tests[i].fn();
        if (failures_in_test) {
            failed++;
            printf("  FAIL %s\n", tests[i].name);
        } else {
            passed++;
        }
        fflush(stdout);
    }
    test_fixtures_free();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
