/* Complex contagion: adoption needs exposures from several distinct accounts.
 * A sharp threshold of k accounts, or a saturating exposure-response curve from
 * the k-th account on; bots reshare with a fixed probability per exposure. */
#include "model.h"

#include <math.h>
#include <stddef.h>

enum { P_K, P_MAX, P_N0, P_BOT };

static const tc_param_spec params[] = {
    {"k", TC_PARAM_INT, 2, 1, 1000000, "accounts",
     "distinct accounts a person must have seen post before it may adopt"},
    {"p_max", TC_PARAM_REAL, 1.0, 0.0, 1.0, "",
     "probability of adopting at an exposure once the curve has saturated"},
    {"n0", TC_PARAM_REAL, 0.0, 0.0, 1e6, "accounts",
     "scale of the exposure-response curve; 0 = a sharp threshold at k"},
    {"p_bot", TC_PARAM_REAL, 0.5, 0.0, 1.0, "",
     "probability that a bot reshares at each distinct account it sees"},
};

/* A person (human or named account) that has seen n distinct accounts, this
 * one included, adopts now with
 *   P(n) = 0                                    for n < k,
 *   P(n) = p_max                                for n >= k and n0 = 0,
 *   P(n) = p_max (1 - exp(-(n - k + 1) / n0))   for n >= k and n0 > 0.
 * A bot adopts with p_bot whatever n is. */
static double adopt_prob(const double *par, const tc_exposure *x)
{
    if (x->dst_class == TC_CLASS_BOT) return par[P_BOT];
    double m = (double)x->nexp - par[P_K] + 1;
    if (m < 1) return 0;
    if (par[P_N0] <= 0) return par[P_MAX];
    return par[P_MAX] * -expm1(-m / par[P_N0]);
}

const tc_model_type tc_model_complex = {
    .name = "complex",
    .summary = "complex contagion: a person adopts only after seeing k distinct accounts post "
               "(optionally a saturating exposure-response curve); bots as in ic",
    .reference = "Centola, Macy, Am. J. Sociol. 2007",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_EVENT,
    .uses = TC_USES_COUNT,
    .adopt_prob = adopt_prob,
};
