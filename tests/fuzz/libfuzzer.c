/* The libFuzzer entry for one target file (`make fuzz` links one per program). Runs from the
 * repository root, like the tests: fonts from assets/, the demo content from content/. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "i18n.h"
#include "test.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (fuzz_target_count() != 1)
        abort();
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    err e;
    i18n_init("build/locale", &e);
    atexit(test_fixtures_free);
    return 0;
}

/* The fixtures the targets share (tests/fixtures.c) check what they set up as tests do; in a
 * fuzzer a failed check is a finding. */
void test_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: failed: %s\n", file, line, what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_target_at(0)->fn(data, size);
    return 0;
}
