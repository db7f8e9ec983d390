/* Seals: size and CRC-32 (zlib) in the user block, written after the file is
 * closed and checked before it is opened. */
#include "base/seal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* Every seal begins so; the kind follows on the same line. Graph stores
 * written before other files were sealed say "tagcascade graph store". */
#define MAGIC "tagcascade "

/* CRC-32 of bytes [TC_SEAL_BYTES, size) of f. -1 on a read error. */
static int64_t crc_after_seal(FILE *f, int64_t size, unsigned char *buf, size_t cap)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    if (fseeko(f, TC_SEAL_BYTES, SEEK_SET)) return -1;
    for (int64_t left = size - TC_SEAL_BYTES; left > 0;) {
        size_t want = left < (int64_t)cap ? (size_t)left : cap;
        if (fread(buf, 1, want, f) != want) return -1;
        crc = crc32(crc, buf, (uInt)want);
        left -= (int64_t)want;
    }
    return (int64_t)crc;
}

int tc_seal_write(const char *path, const char *shown, const char *what, tc_err *err)
{
    int rc = TC_OK;
    unsigned char *buf = tc_xmalloc(1 << 20);
    FILE *f = fopen(path, "r+b");
    struct stat st;
    if (!f || fstat(fileno(f), &st)) TC_FAIL(TC_ERUNTIME, "%s: cannot reopen the file", shown);
    if (st.st_size < TC_SEAL_BYTES) TC_FAIL(TC_ERUNTIME, "%s: no room for the seal", shown);
    int64_t crc = crc_after_seal(f, (int64_t)st.st_size, buf, 1 << 20);
    if (crc < 0) TC_FAIL(TC_ERUNTIME, "%s: cannot read the file back", shown);
    char seal[TC_SEAL_BYTES];
    memset(seal, '\n', sizeof seal);
    int len = snprintf(seal, sizeof seal, MAGIC "%s\nbytes %lld\ncrc32 %08llx\n", what,
                       (long long)st.st_size, (long long)crc);
    seal[len] = '\n';
    if (fseeko(f, 0, SEEK_SET) || fwrite(seal, 1, sizeof seal, f) != sizeof seal)
        TC_FAIL(TC_ERUNTIME, "%s: writing the file failed (disk full?)", shown);
cleanup:
    if (f && fclose(f) && !rc) {
        tc_err_set(err, TC_ERUNTIME, "%s: writing the file failed (disk full?)", shown);
        rc = TC_ERUNTIME;
    }
    free(buf);
    return rc;
}

int tc_seal_check(const char *path, const char *noun, int *sealed, tc_err *err)
{
    int rc = TC_OK;
    unsigned char *buf = NULL;
    char head[TC_SEAL_BYTES + 1] = "";
    static const unsigned char hdf5_sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (sealed) *sealed = 0;
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st))
        TC_FAIL(TC_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    size_t got = fread(head, 1, TC_SEAL_BYTES, f);
    if (got >= 8 && !memcmp(head, hdf5_sig, 8)) goto cleanup; /* another program's file */
    char *nl = got > strlen(MAGIC) ? memchr(head, '\n', got) : NULL;
    if (!nl || memcmp(head, MAGIC, strlen(MAGIC))) {
        /* another program's file with a user block of its own: HDF5's signature
         * at 512, 1024, 2048, ... bytes; but not a seal whose first line was
         * damaged (its size and checksum lines are still there) */
        int seal_body = got >= TC_SEAL_BYTES && memmem(head, got, "\nbytes ", 7) &&
                        memmem(head, got, "\ncrc32 ", 7);
        for (off_t at = 512; !seal_body && at + 8 <= st.st_size; at *= 2) {
            unsigned char sig[8];
            if (fseeko(f, at, SEEK_SET) || fread(sig, 1, 8, f) != 8) break;
            if (!memcmp(sig, hdf5_sig, 8)) goto cleanup;
        }
        if (sealed) *sealed = -1;
        TC_FAIL(TC_EINPUT, "%s: not a tagcascade %s (neither sealed by tagcascade nor an HDF5 "
                "file)", path, noun);
    }
    long long bytes = -1;
    unsigned long long want = 0;
    if (sscanf(nl + 1, "bytes %lld\ncrc32 %8llx", &bytes, &want) != 2)
        TC_FAIL(TC_EINPUT, "%s: damaged %s: its seal is unreadable", path, noun);
    if (bytes != (long long)st.st_size)
        TC_FAIL(TC_EINPUT, "%s: damaged %s: %lld bytes, but it was written with %lld (cut "
                "short or appended to)", path, noun, (long long)st.st_size, bytes);
    buf = tc_xmalloc(1 << 20);
    int64_t crc = crc_after_seal(f, bytes, buf, 1 << 20);
    if (crc < 0) TC_FAIL(TC_EINPUT, "%s: cannot read: %s", path, strerror(errno));
    if ((unsigned long long)crc != want)
        TC_FAIL(TC_EINPUT, "%s: damaged %s: its checksum (CRC-32 %08llx) differs from the "
                "one written (%08llx)", path, noun, (unsigned long long)crc, want);
    if (sealed) *sealed = 1;
cleanup:
    if (f) fclose(f);
    free(buf);
    return rc;
}
