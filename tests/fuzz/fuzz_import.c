/* Fuzz target: observed-cascade import. The input is written as a Twitter15/16
 * tree file (folder/tree/1000.txt, optionally with folder/label.txt) or as CSV
 * files, then read with tc_import_twitter1516 / tc_import_csv.
 *
 * Input layout: one mode byte, then the file's bytes. mode % 4:
 *   0  a tree file, imported by its path
 *   1  a tree file, 0x00, a label.txt; the folder is imported (walked)
 *   2  one CSV file
 *   3  two CSV files, split at the first 0x00
 *
 *   libFuzzer: make fuzz            replay: tests/cli/test_fuzz_regressions.sh */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256], tree_dir[300], tree_file[320], label_file[320], csv1[320], csv2[320];

static void cleanup_files(void)
{
    unlink(tree_file);
    unlink(label_file);
    unlink(csv1);
    unlink(csv2);
    rmdir(tree_dir);
    rmdir(root);
}

static void setup(void)
{
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                              access("/dev/shm", W_OK) == 0
                          ? "/dev/shm"
                          : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(root, sizeof root, "%s/tcfuzz-import-%ld", dir, (long)getpid());
    snprintf(tree_dir, sizeof tree_dir, "%s/tree", root);
    snprintf(tree_file, sizeof tree_file, "%s/1000.txt", tree_dir);
    snprintf(label_file, sizeof label_file, "%s/label.txt", root);
    snprintf(csv1, sizeof csv1, "%s/a.csv", root);
    snprintf(csv2, sizeof csv2, "%s/b.csv", root);
    if ((mkdir(root, 0700) && access(root, W_OK)) || (mkdir(tree_dir, 0700) && access(tree_dir, W_OK)))
        abort(); /* the harness itself cannot work */
    tc_lib_errors_off();
    atexit(cleanup_files);
}

static void put(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(p, 1, n, f) != n) abort();
    if (fclose(f)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) setup();
    if (size < 1) return 0;
    int mode = data[0] % 4;
    data++;
    size--;
    const uint8_t *nul = memchr(data, 0, size);
    size_t first = nul ? (size_t)(nul - data) : size;
    const uint8_t *rest = nul ? nul + 1 : data + size;
    size_t nrest = nul ? size - first - 1 : 0;

    tc_observed o;
    tc_err err = {0};
    int rc;
    switch (mode) {
    case 0: {
        unlink(label_file);
        put(tree_file, data, size);
        const char *paths[] = {tree_file};
        rc = tc_import_twitter1516(&o, paths, 1, &err);
        break;
    }
    case 1: {
        put(tree_file, data, first);
        put(label_file, rest, nrest);
        const char *paths[] = {root};
        rc = tc_import_twitter1516(&o, paths, 1, &err);
        break;
    }
    case 2: {
        put(csv1, data, size);
        const char *paths[] = {csv1};
        rc = tc_import_csv(&o, paths, 1, &err);
        break;
    }
    default: {
        put(csv1, data, first);
        put(csv2, rest, nrest);
        const char *paths[] = {csv1, csv2};
        rc = tc_import_csv(&o, paths, 2, &err);
        break;
    }
    }
    if (rc == TC_OK) tc_observed_destroy(&o);
    return 0;
}
