/* Independent cascade: each post gives each follower who sees it one independent
 * chance to adopt and reshare, with a probability set by the follower's class. */
#include "model.h"

#include <stddef.h>

enum { P_HUMAN, P_BOT, P_HUB };

static const tc_param_spec params[] = {
    {"p", TC_PARAM_REAL, 0.02, 0.0, 1.0, "",
     "probability that a human follower reshares a post they see"},
    {"p_bot", TC_PARAM_REAL, 0.5, 0.0, 1.0, "",
     "probability that a bot reshares a post it sees"},
    {"p_hub", TC_PARAM_REAL, 0.0, 0.0, 1.0, "",
     "probability that a named account reshares a post it sees"},
};

static double adopt_prob(const double *par, const tc_exposure *x)
{
    switch (x->dst_class) {
    case TC_CLASS_BOT: return par[P_BOT];
    case TC_CLASS_HUB: return par[P_HUB];
    default: return par[P_HUMAN];
    }
}

const tc_model_type tc_model_ic = {
    .name = "ic",
    .summary = "independent cascade: one chance per post and follower, probability by class",
    .reference = "Kempe, Kleinberg, Tardos, KDD 2003",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_EVENT,
    .uses = TC_FIXED_BY_CLASS,
    .adopt_prob = adopt_prob,
};
