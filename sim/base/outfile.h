/* An output file written atomically: under a temporary name beside the
 * destination, renamed into place only when complete, removed otherwise; so no
 * half-written file ever stands under the final name, also when a signal stops
 * the program. */
#ifndef TC_SIM_OUTFILE_H
#define TC_SIM_OUTFILE_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

typedef struct tc_outfile {
    char *path;   /* the destination */
    char *tmp;    /* where the content is written: `path`.tmp<pid>, or
                     `path`.tmp<pid>.<random> when something already stands there */
    int fd;       /* the temporary file, open for writing; -1: none */
    int slot;     /* its place among the temporary names in flight; -1: none */
    int created;  /* o->tmp was created by tc_outfile_begin */
    int done;     /* renamed into place */
    uint64_t dev, ino; /* the temporary file's identity */
} tc_outfile;

/* Create the temporary file of `path` in the destination's folder with
 * O_CREAT | O_EXCL | O_NOFOLLOW (a link or file already there is left alone and
 * another name is drawn), and register its name as in flight, so that
 * tc_outfile_unlink_pending can remove it from a signal handler. The content
 * is then written to o->fd (tc_outfile_stream) or by name to o->tmp (HDF5,
 * truncating the empty file). TC_ERUNTIME naming the file if it cannot be
 * created. */
int tc_outfile_begin(tc_outfile *o, const char *path, tc_err *err);

/* A stdio stream on the temporary file (its own descriptor: fclose it). NULL
 * with `err` set on failure. */
FILE *tc_outfile_stream(tc_outfile *o, tc_err *err);

/* Rename the finished temporary file into place, after checking that the name
 * still holds the file created (not a link or another file put there meanwhile).
 * TC_ERUNTIME naming the destination if not, or if the rename fails (the
 * temporary file is then removed by tc_outfile_destroy). */
int tc_outfile_commit(tc_outfile *o, tc_err *err);

/* Remove the temporary file unless it was committed (and only if the name still
 * holds the file created), and release `o`. Accepts a zeroed struct and one
 * already destroyed. */
void tc_outfile_destroy(tc_outfile *o);

/* Remove every temporary file in flight. Async-signal-safe (only unlink(2) on
 * names prepared beforehand): for a SIGINT/SIGTERM handler that then exits. */
void tc_outfile_unlink_pending(void);

#endif
