/* An output file written atomically: under a temporary name beside the
 * destination, renamed into place only when complete, removed otherwise; so no
 * half-written file ever stands under the final name, also when a signal stops
 * the program. */
#ifndef TC_SIM_OUTFILE_H
#define TC_SIM_OUTFILE_H

#include "base/err.h"

typedef struct tc_outfile {
    char *path;   /* the destination */
    char *tmp;    /* where the content is written: `path`.tmp<pid> */
    int slot;     /* its place among the temporary names in flight; -1: none */
    int done;     /* renamed into place */
} tc_outfile;

/* Name the temporary file of `path` (nothing is created: the caller creates
 * o->tmp, with stdio or HDF5) and register it as in flight, so that
 * tc_outfile_unlink_pending can remove it from a signal handler. Returns TC_OK. */
int tc_outfile_begin(tc_outfile *o, const char *path, tc_err *err);

/* Rename the finished temporary file into place. TC_ERUNTIME naming the
 * destination if the rename fails (the temporary file is then removed by
 * tc_outfile_destroy). */
int tc_outfile_commit(tc_outfile *o, tc_err *err);

/* Remove the temporary file unless it was committed, and release `o`. Accepts
 * a zeroed struct and one already destroyed. */
void tc_outfile_destroy(tc_outfile *o);

/* Remove every temporary file in flight. Async-signal-safe (only unlink(2) on
 * names prepared beforehand): for a SIGINT/SIGTERM handler that then exits. */
void tc_outfile_unlink_pending(void);

#endif
