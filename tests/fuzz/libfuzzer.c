/* The libFuzzer entry for one target file (`make fuzz` links one per program). Runs from the
 * repository root, like the tests: fonts from assets/, the demo content from content/. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_target_at(0)->fn(data, size);
    return 0;
}
