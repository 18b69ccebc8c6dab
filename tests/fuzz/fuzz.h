/* fuzz: the fuzz targets, one file per target. FUZZ_TARGET(name) { ... } gets any bytes in
 * `data` (size bytes, not NUL-terminated) and must neither crash nor trip a sanitizer on any
 * of them. The same file links into a libFuzzer program (libfuzzer.c, `make fuzz`) and into
 * the test binary, which replays tests/fuzz/seeds/<name>/ and tests/fuzz/regressions/<name>/
 * (tests/test_fuzz.c). How to run and add them: docs/testing.md. */
#ifndef WW_FUZZ_H
#define WW_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

typedef void (*fuzz_fn)(const uint8_t *data, size_t size);

typedef struct fuzz_target {
    const char *name;
    fuzz_fn fn;
} fuzz_target;

void fuzz_register(const char *name, fuzz_fn fn);
/* The registered targets (a libFuzzer program has exactly one). */
int fuzz_target_count(void);
const fuzz_target *fuzz_target_at(int index);

#define FUZZ_TARGET(name)                                                                                   \
    static void fuzz_##name(const uint8_t *data, size_t size);                                              \
    __attribute__((constructor)) static void fuzz_register_##name(void) { fuzz_register(#name, fuzz_##name); } \
    static void fuzz_##name(const uint8_t *data, size_t size)

/* The input as a NUL-terminated string (malloc'd; bytes after an inner NUL are not seen). */
char *fuzz_string(const uint8_t *data, size_t size);

/* A folder of files in one input: each file starts with a line "==> NAME <==" (what `head` prints
 * between files, so `head -n 1000 FILES` makes a seed) and runs to the next such line. */
#define FUZZ_FILES_MAX 64
typedef struct fuzz_file {
    char name[256];
    const uint8_t *data;
    size_t size;
} fuzz_file;
int fuzz_split_files(const uint8_t *data, size_t size, fuzz_file *out, int max);

/* A fresh empty folder under the fixtures' temporary folder, the same path on every call
 * with the same name (emptied first). */
const char *fuzz_fresh_dir(const char *name);
/* Writes the files into `dir`. Names with "/" make subfolders unless `flat`; names that would
 * leave the folder ("..", absolute) are skipped. */
void fuzz_write_files(const char *dir, const fuzz_file *files, int count, bool flat);

/* Asks an open pack every question the kiosk and the staff tool ask. */
void fuzz_query_pack(pack *p);

#endif
