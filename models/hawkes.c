/* Self-exciting reshares: every post gives each of its author's followers a
 * chance n / audience, so that a post has n follow-on reshares on average (the
 * branching ratio), and each reshare comes after a delay drawn from a memory
 * kernel: log-normal, or power law (Omori). */
#include "model.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stddef.h>

enum { P_N, P_KERNEL, P_MU, P_SIGMA, P_C, P_THETA };
enum { K_LOGNORMAL, K_POWERLAW };

static const tc_param_spec params[] = {
    {"n", TC_PARAM_REAL, 0.5, 0.0, 0.999, "",
     "branching ratio: mean follow-on reshares per post"},
    {"kernel", TC_PARAM_INT, K_LOGNORMAL, 0, 1, "",
     "memory kernel of the reshare delay: 0 = log-normal (mu_s, sigma), "
     "1 = power law (c_s, theta)"},
    {"mu_s", TC_PARAM_REAL, 900.0, 1e-3, 1e7, "s",
     "lognormal kernel: median delay"},
    {"sigma", TC_PARAM_REAL, 1.5, 0.0, 10.0, "",
     "lognormal kernel: standard deviation of the log of the delay"},
    {"c_s", TC_PARAM_REAL, 300.0, 1e-3, 1e7, "s",
     "powerlaw kernel: time scale c of the density (t + c)^-(1 + theta)"},
    {"theta", TC_PARAM_REAL, 0.242, 0.01, 10.0, "",
     "powerlaw kernel: tail exponent theta"},
};

/* One chance per post and follower: n / |audience(src)|, capped at 1. */
static double adopt_prob(const double *par, const tc_exposure *x)
{
    if (x->audience <= 0) return 0;
    double p = par[P_N] / (double)x->audience;
    return p < 1 ? p : 1;
}

/* The memory kernel as a delay density. Power law: Pareto II (Lomax) with
 * density theta c^theta (t + c)^-(1 + theta), drawn by inversion
 * t = c (U^(-1/theta) - 1). */
static double delay(const double *par, gsl_rng *r)
{
    if ((int)par[P_KERNEL] == K_POWERLAW)
        return par[P_C] * expm1(-log(gsl_rng_uniform_pos(r)) / par[P_THETA]);
    return gsl_ran_lognormal(r, log(par[P_MU]), par[P_SIGMA]);
}

const tc_model_type tc_model_hawkes = {
    .name = "hawkes",
    .summary = "self-exciting reshares: each post makes n follow-on reshares on average, "
               "each after a log-normal or power-law (Omori) delay",
    .reference = "Hawkes, Biometrika 1971; Zhao et al., SEISMIC, KDD 2015; "
                 "Crane, Sornette, PNAS 2008",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_EVENT,
    .uses = TC_USES_DEGREE,
    .adopt_prob = adopt_prob,
    .delay = delay,
};
