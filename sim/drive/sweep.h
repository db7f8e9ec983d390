/* Parameter sweeps: the `sweep:` section expanded into points × replicates, runs
 * done in parallel (OpenMP threads, MPI ranks, or Slurm shards) over shared
 * read-only graphs, each finished run appended to a journal so that nothing is
 * lost when a job dies, and one HDF5 file written at the end (docs/sweep.md). */
#ifndef TC_SIM_SWEEP_H
#define TC_SIM_SWEEP_H

#include <signal.h>
#include <stdint.h>

#include "base/err.h"
#include "base/meter.h"
#include "engine/engine.h"
#include "input/scenario.h"

typedef struct tc_sweep {
    char *path;
    int K;
    char **keys;          /* [K] swept keys, in column order */
    int64_t P, R;         /* points, replicates */
    char ***values;       /* [K][P] each value as flow YAML */
    int *numeric;         /* [K] */
    char **params_text;   /* [P] "key=value; key=value" */
    int series;           /* keep each run's /series */
    int paired;           /* common random numbers: replicate r of every point runs
                             under the key of point 0's replicate r */
    tc_scenario *sc;      /* [P] each point's scenario, resolved */
    uint64_t hash;        /* the sweep's definition: scenario text, overrides, version */
    char where[300];      /* "file:line:col" of the sweep section, for messages */
} tc_sweep;

/* Read the scenario at `path` with the overrides `sets`, expand its sweep section
 * and load (hence validate) every point's scenario. TC_EINPUT with
 * file:line:col on a malformed sweep section or a point that does not load. */
int tc_sweep_load(tc_sweep *sw, const char *path, const char *const *sets, int nsets,
                  tc_err *err);
void tc_sweep_destroy(tc_sweep *sw);

typedef struct tc_sweep_opts {
    const char *out;
    const char *command;
    int threads;              /* OpenMP threads of this process */
    int resume;
    int shard_i, shard_n;     /* 0/1 = the whole sweep */
    int quiet;                /* no messages (the progress has its own switch) */
    tc_meter_mode progress;   /* runs done, on rank 0 (base/meter.h) */
    volatile sig_atomic_t *stop; /* set asynchronously: stop after the runs in progress */
} tc_sweep_opts;

/* The run key of replicate r of point p: tc_run_key_at(seed, p, r), or with
 * paired: true tc_run_key_at(seed, 0, r) for every point (drive/run.h). */
uint64_t tc_sweep_run_key(const tc_sweep *sw, int64_t p, int64_t r);

/* The lanes path's names of replicate r of point p (tc_run_lane), paired as
 * tc_sweep_run_key. */
void tc_sweep_lane(const tc_sweep *sw, int64_t p, int64_t r, uint64_t *lane_key, int *lane);

/* Run the sweep (the runs of this shard) and write o->out. With MPI (a TC_MPI
 * build under mpirun), every rank calls this; runs are shared out dynamically
 * and rank 0 writes the file. Interrupted: TC_ERUNTIME, the journal kept. */
int tc_sweep_run(const tc_sweep *sw, const tc_sweep_opts *o, tc_err *err);

/* Join shard files of one sweep into `out` (they must share the sweep's hash and
 * together hold every run). */
int tc_sweep_merge(const char *const *paths, int n, const char *out, const char *command,
                   tc_err *err);

/* Names of the per-run summary metrics, in the column order of /sweep/summary. */
extern const char *const tc_sweep_metrics[];
extern const int tc_sweep_nmetrics;

/* A run's metrics in that order into m[tc_sweep_nmetrics]: the summary's
 * scalars (counts as doubles, exact up to 2^53) and `examined`, the audience
 * entries the run delivered to (tc_engine_work). O(1). */
void tc_sweep_metrics_of(const tc_summary *s, int64_t examined, double *m);

#endif
