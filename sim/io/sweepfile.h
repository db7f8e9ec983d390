/* A sweep file read back (for `merge`): its shape, its results and its
 * description, the mirror of what tc_h5out_write_sweep writes, every dataset
 * checked against the points, replicates and metrics the file declares before
 * it is read (base/h5read.h). */
#ifndef TC_SIM_SWEEPFILE_H
#define TC_SIM_SWEEPFILE_H

#include <stdint.h>

#include "base/h5read.h"
#include "io/h5out.h"

/* Most swept keys and metrics a sweep file may declare. */
#define TC_SWEEPFILE_MAX_KEYS 1024
#define TC_SWEEPFILE_MAX_METRICS 1024

/* The sweep's hash (hash[n]), points and replicates, from /meta; TC_EINPUT
 * unless 1 <= P, 1 <= R and P * R <= TC_MAX_RUNS. */
int tc_sweepfile_shape(const tc_h5file *f, char *hash, size_t n, int64_t *P, int64_t *R,
                       tc_err *err);

/* /sweep/summary, [P, R, M] with M <= TC_SWEEPFILE_MAX_METRICS (M = *M unless
 * *M is -1), and /sweep/done, [P, R]: *summary[P * R * M] and *done[P * R]
 * malloc'd. */
int tc_sweepfile_results(const tc_h5file *f, int64_t P, int64_t R, int64_t *M,
                         double **summary, uint8_t **done, tc_err *err);

/* The description of a sweep of P points and R replicates, owned here; d's
 * pointers point into it (d.command and d.ranks, d.wall_s are left to the
 * caller). */
typedef struct tc_sweep_back {
    tc_sweep_file d;
    char name[256], start[64], model[64];
    char *scenario, *resolved_base;
    int64_t ncomm, nkeys, nmetrics, P;
    char **comm, **keys, **params_text, **resolved, **metrics;
    char (*comm_names)[TC_NAME_MAX];
    char ***values;                   /* [nkeys][P] */
    int *numeric;
    uint64_t *run_key;                /* [P * R] */
} tc_sweep_back;

/* Read the description of `f`, whose shape tc_sweepfile_shape gave (P, R,
 * hash). *b is released on failure too. */
int tc_sweepfile_read(const tc_h5file *f, int64_t P, int64_t R, const char *hash,
                      tc_sweep_back *b, tc_err *err);
void tc_sweepfile_release(tc_sweep_back *b);

/* Run (p, r)'s series, [T] per counter and class and [T, C] per counter by
 * community, into series[TC_NCOUNTERS * T * (2 + C)] in the recorder's layout
 * (by class [5][T][2], then by community [5][T][C]). Without `exposures` (a
 * sweep of output.exposures: false) the new_exposed counts are not read, and
 * are 0. */
int tc_sweepfile_series(const tc_h5file *f, int64_t p, int64_t r, int64_t T, int64_t C,
                        int exposures, int64_t *series, tc_err *err);

#endif
