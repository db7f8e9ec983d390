/* Linear threshold: each account draws its threshold once per run and adopts as
 * soon as the share of the accounts it follows that it has seen post reaches it
 * (uniform in-edge weights 1/followees). */
#include "model.h"

#include <stddef.h>

enum { P_THETA_MIN, P_THETA_MAX };

static const tc_param_spec params[] = {
    {"theta_min", TC_PARAM_REAL, 0.0, 0.0, 1.0, "",
     "lowest threshold: share of followees that must have posted"},
    {"theta_max", TC_PARAM_REAL, 1.0, 0.0, 1.0, "",
     "highest threshold; thresholds are uniform in [theta_min, theta_max]"},
};

static const char *check(const double *par)
{
    return par[P_THETA_MIN] <= par[P_THETA_MAX] ? NULL
                                                : "theta_min must not exceed theta_max";
}

/* Kempe et al.'s rule with weights 1/followees: adopt when
 * (distinct accounts seen) / followees >= theta. Accounts seen through a
 * mention or the trend count too, so the share may exceed 1; an account that
 * follows nobody divides by 1. Deterministic given theta. */
static double adopt_prob(const double *par, const tc_exposure *x)
{
    double theta = par[P_THETA_MIN] + (par[P_THETA_MAX] - par[P_THETA_MIN]) * x->theta;
    double share = (double)x->nexp / (double)(x->followees > 0 ? x->followees : 1);
    return share >= theta ? 1.0 : 0.0;
}

const tc_model_type tc_model_lt = {
    .name = "lt",
    .summary = "linear threshold: adopt once the share of followees seen posting reaches "
               "one's own threshold, drawn uniformly once per run",
    .reference = "Kempe, Kleinberg, Tardos, KDD 2003; Granovetter, Am. J. Sociol. 1978",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = check,
    .engine = TC_RULE_EVENT,
    .uses = TC_USES_COUNT | TC_USES_DEGREE | TC_USES_THETA,
    .adopt_prob = adopt_prob,
};
