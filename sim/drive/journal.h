/* Sweep journals: one file per process (OUT.journal.<rank>), a 64-byte header
 * naming the sweep, then fixed-size records, each a finished run: point,
 * replicate, its metrics and (optionally) its series, and a checksum. Records
 * are appended with one write each, so a killed process leaves at most one
 * partial record, which readers recognise (wrong size or checksum) and drop.
 * Journals are opened without following links and must be this user's regular
 * files (base/path.h). */
#ifndef TC_SIM_JOURNAL_H
#define TC_SIM_JOURNAL_H

#include <stdint.h>

#include "base/err.h"
#include "drive/sweep.h"
#include "engine/recorder.h"

/* What a record holds: P points, R replicates, M metrics, T intervals, C
 * communities, NS series values per run (0 without series). */
typedef struct tc_jshape {
    int64_t P, R, M, T, C, NS;
    size_t recsize; /* bytes per record */
} tc_jshape;

/* The shape of sweep `sw`'s records once its graph's C communities are known. */
void tc_journal_shape(tc_jshape *s, const tc_sweep *sw, int64_t C);

/* Which run is in which journal, and where. */
typedef struct tc_jindex {
    int nfiles;
    char **path;
    int *fd;
    int64_t *file_of;   /* [P*R] index of the journal holding the run, -1 */
    int64_t *offset_of; /* [P*R] */
    int64_t *valid_end; /* [nfiles] end of each file's last whole record */
    int64_t ndone;
} tc_jindex;

/* Index every journal OUT.journal.*, checking that each belongs to the sweep
 * of hash `hash` and shape `s` (TC_EINPUT naming the file otherwise). Release
 * with tc_journal_index_free. */
int tc_journal_index(tc_jindex *ix, const char *out, uint64_t hash, const tc_jshape *s,
                     tc_err *err);
void tc_journal_index_free(tc_jindex *ix);

/* Open this process's journal OUT.journal.<rank> for appending after its last
 * whole record (`ix` tells where that is), writing the header when it is new. */
int tc_journal_open(const char *out, int rank, uint64_t hash, const tc_jshape *s,
                    const tc_jindex *ix, int *fd, tc_err *err);

/* Append run (p, r): metrics m[M] and, when s->NS, the recorder's series; one
 * write of a whole record. TC_ERUNTIME when it could not be written whole. */
int tc_journal_append(int fd, const tc_jshape *s, int64_t p, int64_t r, const double *m,
                      const tc_recorder *rec);

/* Reading the runs back for the writer: a tc_sweep_record_fn over a tc_jreader. */
typedef struct tc_jreader {
    const tc_jindex *ix;
    const tc_jshape *s;
    char *rec; /* [s->recsize] scratch */
} tc_jreader;
int tc_journal_record(void *reader, int64_t p, int64_t r, double *metrics, int64_t *series,
                      tc_err *err);

#endif
