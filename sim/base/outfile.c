/* Atomic output files: temporary name, rename when complete, and the table of
 * temporary names in flight that a signal handler removes. */
#include "base/outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    (void)err;
    memset(o, 0, sizeof *o);
    o->path = tc_xstrdup(path);
    size_t len = strlen(path) + 32;
    o->tmp = tc_xmalloc(len);
    snprintf(o->tmp, len, "%s.tmp%ld", path, (long)getpid());
    o->slot = claim(o->tmp);
    return TC_OK;
}

int tc_outfile_commit(tc_outfile *o, tc_err *err)
{
    int rc = TC_OK;
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
    if (!o->done && o->tmp) unlink(o->tmp);
    release(o->slot);
    free(o->tmp);
    free(o->path);
    memset(o, 0, sizeof *o);
    o->slot = -1;
}

void tc_outfile_unlink_pending(void)
{
    for (int i = 0; i < PENDING_MAX; i++)
        if (pending[i].used) unlink(pending[i].name);
}
