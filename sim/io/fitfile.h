/* What a fit file holds (kind "fit", docs/hdf5.md "Fits"): every generation of
 * ABC-SMC and the posterior predictive; written by io/h5out.c. */
#ifndef TC_SIM_FITFILE_H
#define TC_SIM_FITFILE_H

#include <stdint.h>

#include "base/err.h"

typedef struct tc_fit_file {
    const char *name, *scenario_text, *start_iso, *command, *model;
    const char *observed_volume, *observed_cascades; /* "" when not used */
    const char *stop_reason;
    uint64_t seed, hash;
    int threads, ranks;
    double wall_s, quantile;
    int K;
    char **keys, **priors;        /* [K] */
    const double *lo, *hi;        /* [K] the priors' supports */
    int64_t N, G;                 /* particles, generations */
    const double *theta;          /* [G][N][K] */
    const double *weight;         /* [G][N], normalised */
    const double *distance;       /* [G][N] */
    const double *epsilon, *ess, *acceptance; /* [G] */
    const int64_t *simulations;   /* [G] in each generation */
    int ntargets;
    char **target_names;          /* [ntargets] */
    const double *target_weight;  /* [ntargets] */
    /* the observed curve and the posterior predictive (B = 0: no volume target) */
    int64_t B, D;
    double bin_s;
    const char *obs_start_iso;
    const double *observed;       /* [B] */
    const double *pred;           /* [D][B] each draw's binned volume */
    const double *pred_theta;     /* [D][K] */
    const double *pred_q;         /* [3][B] 5 %, 50 %, 95 % */
} tc_fit_file;

int tc_h5out_write_fit(const char *path, const tc_fit_file *d, tc_err *err);

#endif
