/* Joining the shard files of one sweep into one sweep file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/h5read.h"
#include "base/mem.h"
#include "drive/sweep.h"
#include "engine/recorder.h"
#include "io/h5in.h"
#include "io/h5out.h"
#include "io/sweepfile.h"

typedef struct {
    int n;
    tc_h5file *f;
    int64_t P, R, M, T, C;
    int exposures;    /* the shards hold the new_exposed series */
    int *owner;       /* [P*R] shard holding the run, -1 */
    double **summary; /* per shard [P*R*M] */
} merger;

static int shard_record(void *vctx, int64_t p, int64_t r, double *metrics, int64_t *series,
                        tc_err *err)
{
    merger *mg = vctx;
    int64_t run = p * mg->R + r;
    int s = mg->owner[run];
    if (s < 0) return 0;
    memcpy(metrics, mg->summary[s] + run * mg->M, 8 * (size_t)mg->M);
    if (!series) return 1;
    return tc_sweepfile_series(&mg->f[s], p, r, mg->T, mg->C, mg->exposures, series, err) ? -1 : 1;
}

/* Open the shards, check that they are of one sweep, read their results and
 * note which shard holds each run. */
static int merge_open(merger *mg, const char *const *paths, char *hash0, size_t hn,
                      tc_err *err)
{
    int rc = TC_OK;
    char kind[32], hash[256];
    uint8_t *done = NULL;
    mg->M = -1;
    for (int i = 0; i < mg->n; i++) {
        int64_t P, R;
        hid_t id;
        TC_TRY(tc_h5in_open(paths[i], &id, kind, sizeof kind, err));
        mg->f[i] = (tc_h5file){.id = id, .path = paths[i]};
        if (strcmp(kind, "sweep")) TC_FAIL(TC_EINPUT, "%s: a %s file, not a sweep shard", paths[i], kind);
        TC_TRY(tc_sweepfile_shape(&mg->f[i], hash, sizeof hash, &P, &R, err));
        if (i == 0) {
            snprintf(hash0, hn, "%s", hash);
            mg->P = P;
            mg->R = R;
            TC_TRY(tc_mem_check((double)(P * R) * (sizeof *mg->owner + 1), "the merge's run table", err));
            mg->owner = tc_xmalloc((size_t)(P * R) * sizeof *mg->owner);
            for (int64_t k = 0; k < P * R; k++) mg->owner[k] = -1;
        } else if (strcmp(hash, hash0) || P != mg->P || R != mg->R) {
            TC_FAIL(TC_EINPUT, "%s: belongs to another sweep than %s (sweep_hash %s, not %s)",
                    paths[i], paths[0], hash, hash0);
        }
        /* every shard has the first one's metrics: M is fixed by the first */
        TC_TRY(tc_sweepfile_results(&mg->f[i], P, R, &mg->M, &mg->summary[i], &done, err));
        for (int64_t k = 0; k < P * R; k++)
            if (done[k] && mg->owner[k] < 0) mg->owner[k] = i;
        free(done);
        done = NULL;
    }
    int64_t missing = 0, first_missing = -1;
    for (int64_t k = 0; k < mg->P * mg->R; k++)
        if (mg->owner[k] < 0) {
            if (first_missing < 0) first_missing = k;
            missing++;
        }
    if (missing)
        TC_FAIL(TC_EINPUT, "merge: %lld runs are in no shard (the first: point %lld, replicate "
                "%lld); give every shard of the sweep", (long long)missing,
                (long long)(first_missing / mg->R), (long long)(first_missing % mg->R));
cleanup:
    free(done);
    return rc;
}

int tc_sweep_merge(const char *const *paths, int n, const char *out, const char *command,
                   tc_err *err)
{
    int rc = TC_OK;
    merger mg;
    char hash0[256] = "";
    tc_sweep_back b;
    memset(&b, 0, sizeof b);
    memset(&mg, 0, sizeof mg);

    if (n < 1) TC_FAIL(TC_EINPUT, "merge: no shard files given");
    mg.n = n;
    mg.f = tc_xcalloc((size_t)n, sizeof *mg.f);
    for (int i = 0; i < n; i++) mg.f[i].id = -1;
    mg.summary = tc_xcalloc((size_t)n, sizeof *mg.summary);
    TC_TRY(tc_h5out_check_dest(out, err));
    TC_TRY(merge_open(&mg, paths, hash0, sizeof hash0, err));
    /* the sweep's description, from the first shard */
    TC_TRY(tc_sweepfile_read(&mg.f[0], mg.P, mg.R, hash0, &b, err));
    if (b.nmetrics != mg.M)
        TC_FAIL(TC_EINPUT, "%s: /sweep/metrics and /sweep/summary disagree", paths[0]);
    b.d.command = command;
    b.d.ranks = n;
    for (int i = 0; i < n; i++) {
        double w;
        TC_TRY(tc_h5read_num(&mg.f[i], "/meta", "wall_time_s", H5T_NATIVE_DOUBLE, &w, NULL, err));
        b.d.wall_s += w;
    }
    mg.T = b.d.T;
    mg.C = b.d.C;
    mg.exposures = !b.d.exposures_off;
    if (b.d.series)
        TC_TRY(tc_mem_check((double)TC_NCOUNTERS * (double)mg.T * (2.0 + mg.C) * 16,
                            "a run's series", err));
    rc = tc_h5out_write_sweep(out, &b.d, shard_record, &mg, err);
cleanup:
    for (int i = 0; i < mg.n; i++) {
        if (mg.f[i].id >= 0) H5Fclose(mg.f[i].id);
        free(mg.summary[i]);
    }
    free(mg.f);
    free(mg.summary);
    free(mg.owner);
    tc_sweepfile_release(&b);
    return rc;
}
