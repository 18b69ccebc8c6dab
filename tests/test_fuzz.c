/* The fuzz targets (tests/fuzz/) replay their seed corpus and every input a fuzzer once
 * crashed on (tests/fuzz/regressions/<target>/): each must pass through without a sanitizer
 * report. `make fuzz` looks for new ones. */
#include <dirent.h>
#include <stdlib.h>

#include "fuzz/fuzz.h"
#include "test.h"

/* Runs the target on every file of one folder; returns how many there were. */
static int replay_folder(const fuzz_target *t, const char *kind)
{
    char dir[300];
    snprintf(dir, sizeof dir, "tests/fuzz/%s/%s", kind, t->name);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    for (struct dirent *entry; (entry = readdir(d));) {
        if (entry->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        size_t size = 0;
        char *data = test_read_file(path, &size);
        CHECK(data != NULL);
        if (!data)
            continue;
        printf("    %s\n", path);
        fflush(stdout);
        t->fn((const uint8_t *)data, size);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

static void replay(const char *name)
{
    for (int i = 0; i < fuzz_target_count(); i++) {
        const fuzz_target *t = fuzz_target_at(i);
        if (strcmp(t->name, name))
            continue;
        /* Every target starts from real inputs. */
        CHECK(replay_folder(t, "seeds") > 0);
        replay_folder(t, "regressions");
        return;
    }
    CHECK(!"no such fuzz target");
}

TEST(fuzz_replay_sources) { replay("sources"); }
TEST(fuzz_replay_pack) { replay("pack"); }
TEST(fuzz_replay_sign) { replay("sign"); }
TEST(fuzz_replay_stick) { replay("stick"); }
TEST(fuzz_replay_integreat) { replay("integreat"); }
TEST(fuzz_replay_html) { replay("html"); }
TEST(fuzz_replay_markup) { replay("markup"); }
TEST(fuzz_replay_script) { replay("script"); }
TEST(fuzz_replay_hours) { replay("hours"); }
TEST(fuzz_replay_usage) { replay("usage"); }

/* A target added without a line above would never be replayed. */
TEST(fuzz_every_target_is_replayed)
{
    CHECK_INT(fuzz_target_count(), 10);
}

/* Folder inputs are what `head` prints for several files, so seeds are made with it: the files
 * come back byte for byte, and are written where they belong and nowhere else. */
TEST(fuzz_folder_inputs_are_what_head_prints)
{
    char cmd[1200], out[4096];
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p head-in/b && printf 'eins\\n\\n' > head-in/a.txt && printf 'zwei' > head-in/b/c.txt && "
             "cd head-in && head -c 1000 a.txt b/c.txt",
             test_tmpdir());
    CHECK_INT(test_run(cmd, out, sizeof out), 0);
    fuzz_file files[4];
    CHECK_INT(fuzz_split_files((const uint8_t *)out, strlen(out), files, 4), 2);
    CHECK_STR(files[0].name, "a.txt");
    CHECK(files[0].size == 6 && !memcmp(files[0].data, "eins\n\n", 6));
    CHECK_STR(files[1].name, "b/c.txt");
    CHECK(files[1].size == 4 && !memcmp(files[1].data, "zwei", 4));
    const char *dir = fuzz_fresh_dir("head");
    fuzz_file escape = {.name = "../escaped.txt", .data = (const uint8_t *)"x", .size = 1};
    fuzz_write_files(dir, files, 2, false);
    fuzz_write_files(dir, &escape, 1, false);
    char path[700];
    snprintf(path, sizeof path, "%s/b/c.txt", dir);
    char *back = test_read_file(path, NULL);
    CHECK_STR(back, "zwei");
    free(back);
    snprintf(path, sizeof path, "%s/../escaped.txt", dir);
    CHECK(test_read_file(path, NULL) == NULL);
}
