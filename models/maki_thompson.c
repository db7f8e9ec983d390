/* Maki-Thompson rumour in synchronous steps: ignorants (X) who follow spreaders
 * (Y) learn the rumour and spread it; a spreader whose posts reach people who
 * already know it (spreaders or stiflers, Z) loses interest and stops. */
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
     "probability that a contact with a follower who already knows stifles the spreader"},
};

/* X -> Y with 1 - (1 - lambda)^in[Y]; Y -> Z with
 * 1 - (1 - alpha lambda)^(out[Y] + out[Z]): each follower who knows, reached with
 * probability lambda, stifles with probability alpha. */
static uint8_t transition(const double *par, const tc_step_view *v, gsl_rng *r)
{
    double lam = par[P_LAMBDA];
    switch (v->state) {
    case X:
        if (v->in[Y] == 0) return X;
        return gsl_rng_uniform(r) < tc_contact_prob(lam, v->in[Y]) ? Y : X;
    case Y: {
        int64_t knows = (int64_t)v->out[Y] + v->out[Z];
        if (knows == 0) return Y;
        return gsl_rng_uniform(r) < tc_contact_prob(par[P_ALPHA] * lam, knows) ? Z : Y;
    }
    default: return v->state;
    }
}

const tc_model_type tc_model_maki_thompson = {
    .name = "maki_thompson",
    .summary = "Maki-Thompson rumour: ignorant, spreader, stifler; a spreader stops on "
               "reaching followers who already know",
    .reference = "Maki & Thompson, Mathematical Models and Applications, 1973; on networks "
                 "Moreno, Nekovee & Pacheco, Phys. Rev. E 69, 066130 (2004)",
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
