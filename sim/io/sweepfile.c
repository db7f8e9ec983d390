/* Reading a sweep file back: shape, results, description and a run's series. */
#include "io/sweepfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/mem.h"
#include "engine/recorder.h"
#include "io/h5in.h"

int tc_sweepfile_shape(const tc_h5file *f, char *hash, size_t n, int64_t *P, int64_t *R,
                       tc_err *err)
{
    int rc = TC_OK;
    TC_TRY(tc_h5read_str(f, "/meta", "sweep_hash", hash, n, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "points", H5T_NATIVE_INT64, P, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "replicates", H5T_NATIVE_INT64, R, NULL, err));
    /* P * R is checked without overflowing */
    if (*P < 1 || *R < 1 || *P > TC_MAX_RUNS || *R > TC_MAX_RUNS / *P)
        TC_FAIL(TC_EINPUT, "%s: /meta: %lld points of %lld replicates; a sweep holds 1 to "
                "%d runs", f->path, (long long)*P, (long long)*R, TC_MAX_RUNS);
cleanup:
    return rc;
}

int tc_sweepfile_results(const tc_h5file *f, int64_t P, int64_t R, int64_t *M,
                         double **summary, uint8_t **done, tc_err *err)
{
    int rc = TC_OK;
    int64_t want3[3] = {P, R, *M}, dims[3], want2[2] = {P, R};
    *summary = NULL;
    *done = NULL;
    TC_TRY(tc_h5read_array(f, "/sweep/summary", H5T_NATIVE_DOUBLE, 3, want3,
                           P * R * TC_SWEEPFILE_MAX_METRICS, (void **)summary, dims, err));
    if (dims[2] > TC_SWEEPFILE_MAX_METRICS)
        TC_FAIL(TC_EINPUT, "%s: /sweep/summary: %lld metrics; at most %d", f->path,
                (long long)dims[2], TC_SWEEPFILE_MAX_METRICS);
    *M = dims[2];
    TC_TRY(tc_h5read_array(f, "/sweep/done", H5T_NATIVE_UINT8, 2, want2, P * R, (void **)done,
                           NULL, err));
cleanup:
    if (rc) {
        free(*summary);
        free(*done);
        *summary = NULL;
        *done = NULL;
    }
    return rc;
}

/* /sweep/params/<key>: numbers, written back as the shortest text that reads
 * back the same, or texts; P of them either way. */
static int read_values(const tc_h5file *f, tc_sweep_back *b, int64_t k, tc_err *err)
{
    int rc = TC_OK;
    char path[300];
    hid_t d = -1;
    tc_h5shape s;
    double *v = NULL;
    int64_t nv = 0;
    const char *key = b->keys[k];
    if (!key[0] || strchr(key, '/') || strlen(key) > 255)
        TC_FAIL(TC_EINPUT, "%s: /sweep/keys: entry %lld is not a scenario key", f->path,
                (long long)k);
    snprintf(path, sizeof path, "/sweep/params/%s", key);
    TC_TRY(tc_h5read_dataset(f, path, &d, &s, err));
    H5Dclose(d);
    b->numeric[k] = s.cls == H5T_FLOAT;
    if (b->numeric[k]) {
        int64_t want = b->P;
        TC_TRY(tc_h5read_array(f, path, H5T_NATIVE_DOUBLE, 1, &want, b->P, (void **)&v, NULL,
                               err));
        b->values[k] = tc_xcalloc((size_t)b->P + 1, sizeof **b->values);
        for (int64_t p = 0; p < b->P; p++) {
            char num[40];
            snprintf(num, sizeof num, "%.17g", v[p]);
            b->values[k][p] = tc_xstrdup(num);
        }
    } else {
        TC_TRY(tc_h5read_strings(f, path, b->P, TC_H5IN_TEXT_MAX, &b->values[k], &nv, err));
        if (nv != b->P) {
            tc_h5read_free_strings(b->values[k], nv);
            b->values[k] = NULL;
            TC_FAIL(TC_EINPUT, "%s: %s: %lld values for %lld points", f->path, path,
                    (long long)nv, (long long)b->P);
        }
    }
cleanup:
    free(v);
    return rc;
}

/* A 1-D string dataset of exactly `want` entries (want -1: at most `max`). */
static int read_strings(const tc_h5file *f, const char *name, int64_t want, int64_t max,
                        size_t maxlen, char ***strs, int64_t *n, tc_err *err)
{
    int rc = tc_h5read_strings(f, name, want >= 0 ? want : max, maxlen, strs, n, err);
    if (rc == TC_OK && want >= 0 && *n != want) {
        tc_err_set(err, TC_EINPUT, "%s: %s: %lld entries; expected %lld", f->path, name,
                   (long long)*n, (long long)want);
        rc = TC_EINPUT;
    }
    return rc;
}

int tc_sweepfile_read(const tc_h5file *f, int64_t P, int64_t R, const char *hash,
                      tc_sweep_back *b, tc_err *err)
{
    int rc = TC_OK;
    int64_t seed = 0, offset = 0, threads = 0, paired = 0, exposures = 1, n;
    int have_paired = 0, have_exposures = 0;
    double dt = 0, interval = 0, duration = 0;
    tc_sweep_file *d = &b->d;

    memset(b, 0, sizeof *b);
    b->P = P;
    TC_TRY(tc_h5read_str(f, "/meta", "name", b->name, sizeof b->name, NULL, err));
    TC_TRY(tc_h5read_str(f, "/meta", "start", b->start, sizeof b->start, NULL, err));
    TC_TRY(tc_h5read_str(f, "/meta", "model", b->model, sizeof b->model, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "seed", H5T_NATIVE_INT64, &seed, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "utc_offset_s", H5T_NATIVE_INT64, &offset, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "threads", H5T_NATIVE_INT64, &threads, NULL, err));
    /* files of sweeps before paired: false */
    TC_TRY(tc_h5read_num(f, "/meta", "paired", H5T_NATIVE_INT64, &paired, &have_paired, err));
    if (paired != 0 && paired != 1)
        TC_FAIL(TC_EINPUT, "%s: /meta paired: expected 0 or 1, got %lld", f->path, (long long)paired);
    /* files of sweeps before output.exposures: counted */
    TC_TRY(tc_h5read_num(f, "/meta", "exposures", H5T_NATIVE_INT64, &exposures, &have_exposures,
                         err));
    if (!have_exposures) exposures = 1;
    if (exposures != 0 && exposures != 1)
        TC_FAIL(TC_EINPUT, "%s: /meta exposures: expected 0 or 1, got %lld", f->path,
                (long long)exposures);
    TC_TRY(tc_h5read_num(f, "/meta", "dt_s", H5T_NATIVE_DOUBLE, &dt, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "interval_s", H5T_NATIVE_DOUBLE, &interval, NULL, err));
    TC_TRY(tc_h5read_num(f, "/meta", "duration_s", H5T_NATIVE_DOUBLE, &duration, NULL, err));
    double T = isfinite(duration) && isfinite(interval) && interval > 0 && duration > 0
                   ? ceil(duration / interval - 1e-9) : -1;
    if (T < 1 || T > TC_MAX_INTERVALS || offset < -86400 || offset > 86400 || threads < 0 ||
        threads > INT32_MAX)
        TC_FAIL(TC_EINPUT, "%s: /meta: duration_s %g, interval_s %g, utc_offset_s %lld, threads "
                "%lld: not those of a sweep", f->path, duration, interval, (long long)offset,
                (long long)threads);
    /* texts of any length: the scenario file is kept whole */
    TC_TRY(tc_h5read_text(f, NULL, "/meta/scenario", (size_t)1 << 30, &b->scenario, NULL, err));
    TC_TRY(tc_h5read_text(f, NULL, "/meta/resolved", (size_t)1 << 30, &b->resolved_base, NULL,
                          err));
    TC_TRY(read_strings(f, "/meta/communities", -1, TC_MAX_COMMUNITIES, TC_NAME_MAX - 1,
                        &b->comm, &b->ncomm, err));
    TC_TRY(read_strings(f, "/sweep/keys", -1, TC_SWEEPFILE_MAX_KEYS, 255, &b->keys, &b->nkeys,
                        err));
    TC_TRY(read_strings(f, "/sweep/params_text", P, P, TC_H5IN_TEXT_MAX, &b->params_text, &n,
                        err));
    TC_TRY(read_strings(f, "/sweep/resolved", P, P, TC_H5IN_TEXT_MAX, &b->resolved, &n, err));
    TC_TRY(read_strings(f, "/sweep/metrics", -1, TC_SWEEPFILE_MAX_METRICS, 255, &b->metrics,
                        &b->nmetrics, err));
    b->values = tc_xcalloc((size_t)b->nkeys + 1, sizeof *b->values);
    b->numeric = tc_xcalloc((size_t)b->nkeys + 1, sizeof *b->numeric);
    for (int64_t k = 0; k < b->nkeys; k++) TC_TRY(read_values(f, b, k, err));
    int64_t want[2] = {P, R};
    TC_TRY(tc_h5read_array(f, "/sweep/run_key", H5T_NATIVE_UINT64, 2, want, P * R,
                           (void **)&b->run_key, NULL, err));
    b->comm_names = tc_xcalloc((size_t)b->ncomm + 1, sizeof *b->comm_names);
    for (int64_t c = 0; c < b->ncomm; c++)
        snprintf(b->comm_names[c], TC_NAME_MAX, "%s", b->comm[c]);
    *d = (tc_sweep_file){
        .name = b->name, .scenario_text = b->scenario, .resolved_base = b->resolved_base,
        .start_iso = b->start, .model = b->model, .seed = (uint64_t)seed,
        .sweep_hash = strtoull(hash, NULL, 16), .utc_offset_s = (int)offset,
        .threads = (int)threads, .dt_s = dt, .interval_s = interval, .duration_s = duration,
        .P = P, .R = R, .T = (int64_t)T, .C = (int)b->ncomm,
        .comm_names = (const char(*)[TC_NAME_MAX])b->comm_names,
        .series = tc_h5read_exists(f, "/runs") == 1, .K = (int)b->nkeys, .keys = b->keys,
        .values = b->values, .numeric = b->numeric, .params_text = b->params_text,
        .resolved = b->resolved, .M = (int)b->nmetrics,
        .metrics = (const char *const *)b->metrics, .run_key = b->run_key, .paired = (int)paired,
        .exposures_off = !exposures};
cleanup:
    if (rc) tc_sweepfile_release(b);
    return rc;
}

void tc_sweepfile_release(tc_sweep_back *b)
{
    if (!b) return;
    if (b->values)
        for (int64_t k = 0; k < b->nkeys; k++)
            if (b->values[k]) tc_h5read_free_strings(b->values[k], b->P);
    free(b->values);
    free(b->numeric);
    tc_h5read_free_strings(b->comm, b->ncomm);
    tc_h5read_free_strings(b->keys, b->nkeys);
    tc_h5read_free_strings(b->params_text, b->params_text ? b->P : 0);
    tc_h5read_free_strings(b->resolved, b->resolved ? b->P : 0);
    tc_h5read_free_strings(b->metrics, b->nmetrics);
    free(b->comm_names);
    free(b->run_key);
    free(b->scenario);
    free(b->resolved_base);
    memset(b, 0, sizeof *b);
}

int tc_sweepfile_series(const tc_h5file *f, int64_t p, int64_t r, int64_t T, int64_t C,
                        int exposures, int64_t *series, tc_err *err)
{
    int rc = TC_OK;
    int64_t *col = tc_xmalloc((size_t)T * sizeof *col);
    int64_t want1 = T, want2[2] = {T, C};
    char name[160];
    for (int k = 0; k < TC_NCOUNTERS; k++) {
        if (k == TC_CNT_EXPOSED && !exposures) {
            memset(series + (int64_t)k * T * 2, 0, (size_t)(T * 2) * sizeof *series);
            memset(series + (int64_t)TC_NCOUNTERS * T * 2 + (int64_t)k * T * C, 0,
                   (size_t)(T * C) * sizeof *series);
            continue;
        }
        for (int cls = 0; cls < 2; cls++) {
            snprintf(name, sizeof name, "/runs/%lld/%lld/series/%s_%s", (long long)p,
                     (long long)r, tc_counter_names[k], cls ? "bot" : "human");
            TC_TRY(tc_h5read_into(f, name, H5T_NATIVE_INT64, 1, &want1, col, err));
            for (int64_t t = 0; t < T; t++) series[((int64_t)k * T + t) * 2 + cls] = col[t];
        }
        if (!C) continue;
        snprintf(name, sizeof name, "/runs/%lld/%lld/series/%s_by_community", (long long)p,
                 (long long)r, tc_counter_names[k]);
        TC_TRY(tc_h5read_into(f, name, H5T_NATIVE_INT64, 2, want2,
                              series + (int64_t)TC_NCOUNTERS * T * 2 + (int64_t)k * T * C, err));
    }
cleanup:
    free(col);
    return rc;
}
