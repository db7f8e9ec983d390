/* Fitting a scenario to observed data: the `fit:` section (parameters as
 * scenario keys with priors, targets with distances, the sampler's settings)
 * and approximate Bayesian computation by sequential Monte Carlo (ABC-SMC;
 * Toni et al. 2009, Beaumont et al. 2009) over the scenario's runs, every draw
 * keyed so that the posterior is the same for any thread or rank count, with a
 * checkpoint after each generation (docs/fit.md). */
#ifndef TC_SIM_FIT_H
#define TC_SIM_FIT_H

#include <signal.h>
#include <stdint.h>

#include "base/err.h"
#include "base/meter.h"
#include "input/scenario.h"
#include "io/volume.h"

typedef enum { TC_PRIOR_UNIFORM, TC_PRIOR_LOG_UNIFORM, TC_PRIOR_NORMAL, TC_PRIOR_TRUNC_NORMAL } tc_prior;

typedef struct tc_fit_param {
    char key[200];      /* a scenario key, as --set and sweeps write it */
    tc_prior prior;
    double lo, hi;      /* support: [lo, hi]; +-inf for a normal prior */
    double mean, sd;    /* normal and truncated normal */
    int integer;        /* values rounded to whole numbers before they are applied */
    char text[160];     /* the prior as written back: "uniform(0.01, 0.2)" */
} tc_fit_param;

typedef enum { TC_TARGET_VOLUME, TC_TARGET_SIZE, TC_TARGET_DEPTH, TC_TARGET_SV, TC_NTARGETS } tc_target_kind;
typedef enum { TC_DIST_RMSE_LOG, TC_DIST_KS, TC_DIST_WASSERSTEIN, TC_DIST_RMSE_SQRT } tc_distance;

typedef struct tc_fit_target {
    tc_target_kind kind;
    tc_distance distance;
    double weight;
    int free_scale;     /* volume: a common factor left free (a shift of log(1 + volume)) */
    int by_class;       /* volume: people's and bots' curves apart (the data must have both) */
    int64_t min_size;   /* cascades: only those with at least this many reshares */
} tc_fit_target;

typedef struct tc_fit {
    char *path, *text;
    struct tc_ynode *root;  /* the scenario's tree, overrides applied, fit section left out */
    tc_scenario base;       /* the scenario at the prior's... as written (validated) */
    uint64_t graph_sig;
    int K;
    tc_fit_param *par;      /* [K] */
    int ntargets;
    tc_fit_target target[TC_NTARGETS];
    /* observed data */
    char observed_volume[4096], observed_cascades[4096];
    tc_volume obs;          /* B == 0 without a volume target */
    int64_t iv0, per_bin;   /* bin b = the scenario's intervals [iv0 + b*per_bin, +per_bin) */
    int64_t nobs[TC_NTARGETS];
    double *obs_sample[TC_NTARGETS]; /* sorted observed cascade values, per target kind */
    /* the sampler */
    int64_t particles, max_generations, max_simulations, predictive;
    double quantile, min_epsilon, min_acceptance;
    uint64_t seed, key;     /* the fit's key: Philox(seed, 0x666974, 0) */
    uint64_t hash;          /* the fit's definition: text, overrides, version */
    char where[300];        /* file:line:col of the fit section */
} tc_fit;

/* Read the scenario at `path` with overrides `sets`, its fit section, the
 * observed files it names; check every parameter key and the prior's support
 * against the key's declared range (by loading the scenario at the bounds).
 * TC_EINPUT with file:line:col (or the observed file's name) on anything
 * wrong. */
int tc_fit_load(tc_fit *f, const char *path, const char *const *sets, int nsets, tc_err *err);
void tc_fit_destroy(tc_fit *f);

typedef struct tc_fit_opts {
    const char *out, *command;
    int threads;
    int resume;
    int quiet;
    volatile sig_atomic_t *stop;
} tc_fit_opts;

/* Run ABC-SMC and write o->out (kind "fit", docs/hdf5.md). A checkpoint
 * OUT.ckpt is rewritten after each generation and removed at the end; with
 * o->resume the fit goes on from it and gives the same file as a fit never
 * stopped. With MPI every rank calls this; rank 0 writes. */
int tc_fit_run(const tc_fit *f, const tc_fit_opts *o, tc_err *err);

/* Prior density (log) of value x under p; -inf outside the support. */
double tc_fit_log_prior(const tc_fit_param *p, double x);

/* Distances, exposed for tests: two-sample Kolmogorov-Smirnov statistic and
 * Wasserstein-1 distance of sorted samples a[na], b[nb]. */
double tc_fit_ks(const double *a, int64_t na, const double *b, int64_t nb);
double tc_fit_wasserstein(const double *a, int64_t na, const double *b, int64_t nb);

#endif
