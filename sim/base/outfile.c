/* Atomic output files: a temporary file created exclusively beside the
 * destination, renamed when complete, and the table of temporary names in
 * flight that a signal handler removes. */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one piece of process-wide state in sim/: a signal handler can reach no
 * other. Slots are claimed and released by the main thread only; a handler
 * reads a slot's name only while `used` says it is complete. */
#define PENDING_MAX 8
#define PENDING_NAME 4352
static struct {
    volatile sig_atomic_t used;
    char name[PENDING_NAME];
} pending[PENDING_MAX];

static int claim(const char *tmp)
{
    if (strlen(tmp) >= PENDING_NAME) return -1;
    for (int i = 0; i < PENDING_MAX; i++) {
        if (pending[i].used) continue;
        memcpy(pending[i].name, tmp, strlen(tmp) + 1);
        pending[i].used = 1;
        return i;
    }
    return -1;
}

static void release(int slot)
{
    if (slot >= 0 && slot < PENDING_MAX) pending[slot].used = 0;
}

int tc_outfile_begin(tc_outfile *o, const char *path, tc_err *err)
{
    int rc = TC_OK;
    memset(o, 0, sizeof *o);
    o->fd = o->slot = -1;
    o->path = tc_xstrdup(path);
    size_t len = strlen(path) + 48;
    o->tmp = tc_xmalloc(len);
    /* `path`.tmp<pid> first; if anything stands there (a file left by a dead
     * run with this pid, or a link planted by someone else) it is left alone and
     * another name is drawn. O_EXCL | O_NOFOLLOW: never opened through a link. */
    unsigned long salt = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
    for (int attempt = 0; attempt < 64; attempt++) {
        if (attempt == 0)
            snprintf(o->tmp, len, "%s.tmp%ld", path, (long)getpid());
        else {
            salt = salt * 6364136223846793005UL + 1442695040888963407UL;
            snprintf(o->tmp, len, "%s.tmp%ld.%06lx", path, (long)getpid(), (salt >> 40) & 0xffffff);
        }
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (o->fd >= 0 || errno != EEXIST) break;
    }
    if (o->fd < 0)
        TC_FAIL(TC_ERUNTIME, "%s: cannot create the output file: %s", o->tmp, strerror(errno));
    struct stat st;
    if (fstat(o->fd, &st) != 0)
        TC_FAIL(TC_ERUNTIME, "%s: cannot examine the output file: %s", o->tmp, strerror(errno));
    o->dev = (uint64_t)st.st_dev;
    o->ino = (uint64_t)st.st_ino;
    o->created = 1;
    o->slot = claim(o->tmp);
cleanup:
    return rc;
}

FILE *tc_outfile_stream(tc_outfile *o, tc_err *err)
{
    int fd = o->fd >= 0 ? dup(o->fd) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        tc_err_set(err, TC_ERUNTIME, "%s: cannot write the output file: %s", o->tmp,
                   strerror(errno));
    }
    return f;
}

int tc_outfile_commit(tc_outfile *o, tc_err *err)
{
    int rc = TC_OK;
    /* what is about to be renamed must still be the file created (a library that
     * writes by name, as HDF5 does, could otherwise have been sent elsewhere) */
    struct stat st;
    if (lstat(o->tmp, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_dev != o->dev ||
        (uint64_t)st.st_ino != o->ino)
        TC_FAIL(TC_ERUNTIME, "%s: the temporary output file was replaced while being written; "
                "nothing written", o->path);
    if (rename(o->tmp, o->path) != 0)
        TC_FAIL(TC_ERUNTIME, "%s: cannot rename the finished file into place: %s", o->path,
                strerror(errno));
    o->done = 1;
    release(o->slot);
    o->slot = -1;
cleanup:
    return rc;
}

void tc_outfile_destroy(tc_outfile *o)
{
    if (!o || !o->path) return;
    if (o->fd >= 0) close(o->fd);
    /* remove only the file this program created, and only if it is still that file */
    struct stat st;
    if (!o->done && o->created && lstat(o->tmp, &st) == 0 && (uint64_t)st.st_dev == o->dev &&
        (uint64_t)st.st_ino == o->ino)
        unlink(o->tmp);
    release(o->slot);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
    o->fd = o->slot = -1;
}

void tc_outfile_unlink_pending(void)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending[i].used) unlink(pending[i].name);
}
