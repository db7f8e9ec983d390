/* Daley-Kendall rumour in synchronous steps: as Maki-Thompson, but a meeting of
 * two spreaders stifles both, so a spreader also stops when a spreader it
 * follows reaches it. */
#include <stddef.h>

#include "contact.h"
#include "model.h"

enum { X, Y, Z };
enum { P_LAMBDA, P_ALPHA };

static const char *const states[] = {"X", "Y", "Z"};

static const tc_param_spec params[] = {
    {"lambda", TC_PARAM_REAL, 0.1, 0.0, 1.0, "1/step",
     "probability per step that a spreader's post reaches and convinces one follower"},
    {"alpha", TC_PARAM_REAL, 1.0, 0.0, 1.0, "",
     "probability that a contact between a spreader and someone who knows stifles the "
     "spreader"},
};

/* X -> Y with 1 - (1 - lambda)^in[Y]; Y -> Z with
 * 1 - (1 - alpha lambda)^(out[Y] + out[Z] + in[Y]): the followers who know, as in
 * Maki-Thompson, and the spreaders it follows, whose posts reach it. */
static uint8_t transition(const double *par, const tc_step_view *v, gsl_rng *r)
{
    double lam = par[P_LAMBDA];
    switch (v->state) {
    case X:
        if (v->in[Y] == 0) return X;
        return gsl_rng_uniform(r) < tc_contact_prob(lam, v->in[Y]) ? Y : X;
    case Y: {
        int64_t knows = (int64_t)v->out[Y] + v->out[Z] + v->in[Y];
        if (knows == 0) return Y;
        return gsl_rng_uniform(r) < tc_contact_prob(par[P_ALPHA] * lam, knows) ? Z : Y;
    }
    default: return v->state;
    }
}

const tc_model_type tc_model_daley_kendall = {
    .name = "daley_kendall",
    .summary = "Daley-Kendall rumour: as Maki-Thompson, and two spreaders who meet both "
               "stop",
    .reference = "Daley & Kendall, Nature 204, 1118 (1964); J. Inst. Maths Applics 1, 42 "
                 "(1965)",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_STEP,
    .nstates = 3,
    .state_names = states,
    .seed_state = Y,
    .push_mask = 1u << Y,
    .adopt_mask = 1u << Y,
    .live_mask = 0,
    .needs_out = 1,
    .transition = transition,
};
