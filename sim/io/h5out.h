/* Writing a run to HDF5 (schema in docs/hdf5.md): /meta provenance, /series per
 * output interval, /summary, optional /cascade. Written under a temporary name in
 * the destination folder and renamed when complete. */
#ifndef TC_SIM_H5OUT_H
#define TC_SIM_H5OUT_H

#include "base/err.h"
#include "engine/engine.h"
#include "engine/recorder.h"
#include "graph/net.h"
#include "input/scenario.h"
#include "io/fitfile.h"
#include "io/import.h"
#include "io/volume.h"
#include "world/population.h"
#include "world/timeline.h"


typedef struct tc_run_info {
    const tc_scenario *sc;
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    const tc_recorder *rec;
    const tc_summary *sum;
    const tc_engine *engine;
    int threads, ranks;
    double wall_s;
    const char *command;
} tc_run_info;

/* Fail early (TC_EINPUT) if `path` cannot be created: its folder is missing or
 * not writable, or it names a folder. Checked before a run starts. */
int tc_h5out_check_dest(const char *path, tc_err *err);

/* Write the run to `path` (atomically: temporary file, then rename). On failure
 * nothing is left under `path` nor under the temporary name. TC_ERUNTIME. */
int tc_h5out_write_run(const char *path, const tc_run_info *ri, tc_err *err);

/* Write observed cascades (kind "observed"; docs/hdf5.md), atomically. */
int tc_h5out_write_observed(const char *path, const tc_observed *o, const char *command,
                            tc_err *err);

/* Write an observed volume curve (kind "observed", /meta source "volume", the
 * curve in /series; docs/hdf5.md, "Observed volume"), atomically. `source_path`
 * is the CSV it came from. TC_ERUNTIME. */
int tc_h5out_write_volume(const char *path, const tc_volume *v, const char *source_path,
                          const char *command, tc_err *err);

/* A sweep file's contents apart from the runs (docs/hdf5.md, "Sweeps"). */
typedef struct tc_sweep_file {
    const char *name, *scenario_text, *resolved_base, *start_iso, *model, *command;
    uint64_t seed, sweep_hash;
    int utc_offset_s, threads, ranks;
    double dt_s, interval_s, duration_s, wall_s;
    int64_t P, R, T;                 /* points, replicates, output intervals */
    int C;                           /* communities */
    const char (*comm_names)[TC_NAME_MAX];
    int series;                      /* store each run's /series */
    int paired;                      /* common random numbers across points */
    int exposures_off;               /* output.exposures: false: no new_exposed series */
    int K;
    char **keys;                     /* [K] swept keys */
    char ***values;                  /* [K][P] values as written */
    int *numeric;                    /* [K] every value a number */
    char **params_text, **resolved;  /* [P] */
    int M;
    const char *const *metrics;      /* [M] */
    const uint64_t *run_key;         /* [P * R] */
} tc_sweep_file;

/* One run's results, asked for in (point, replicate) order: fill metrics[M] and,
 * when series is not NULL, the series in the recorder's layout (by_class
 * [5][T][2] then by_comm [5][T][C]; the exposure counts are not read when
 * exposures_off). Returns 1 if the run is done, 0 if not (its
 * metrics become NaN), -1 on failure with `err` filled in (the writer then
 * fails with that message and code, and writes nothing). */
typedef int (*tc_sweep_record_fn)(void *ctx, int64_t p, int64_t r, double *metrics,
                                  int64_t *series, tc_err *err);

int tc_h5out_write_sweep(const char *path, const tc_sweep_file *d, tc_sweep_record_fn get,
                         void *ctx, tc_err *err);

#endif
