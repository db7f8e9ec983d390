/* SIS in discrete time, as graph-tool's SISState under iterate_sync: as SIR, but
 * a recovered account is susceptible again. */
#include <stddef.h>

#include "contact.h"
#include "model.h"

enum { S, I };
enum { P_BETA, P_GAMMA };

static const char *const states[] = {"S", "I"};

static const tc_param_spec params[] = {
    {"beta", TC_PARAM_REAL, 0.05, 0.0, 1.0, "1/step",
     "probability per step that an infected account infects a susceptible follower"},
    {"gamma", TC_PARAM_REAL, 0.1, 0.0, 1.0, "1/step",
     "probability per step that an infected account becomes susceptible again"},
};

/* S -> I with 1 - (1 - beta)^in[I]; I -> S with gamma. */
static uint8_t transition(const double *par, const tc_step_view *v, gsl_rng *r)
{
    if (v->state == I) return gsl_rng_uniform(r) < par[P_GAMMA] ? S : I;
    if (v->in[I] == 0) return S;
    return gsl_rng_uniform(r) < tc_contact_prob(par[P_BETA], v->in[I]) ? I : S;
}

const tc_model_type tc_model_sis = {
    .name = "sis",
    .summary = "SIS in synchronous steps: infected accounts infect followers, then "
               "become susceptible again",
    .reference = "Pastor-Satorras & Vespignani 2001; in discrete time as graph-tool's "
                 "SISState (Pastor-Satorras et al., Rev. Mod. Phys. 87, 925, 2015)",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_STEP,
    .nstates = 2,
    .state_names = states,
    .seed_state = I,
    .push_mask = 1u << I,
    .adopt_mask = 1u << I,
    .live_mask = 1u << I,
    .needs_out = 0,
    .contact_mask = 1u << S,
    .transition = transition,
    .per_contact = 1,
    .contact_param = P_BETA,
    .contact_from = S,
    .contact_to = I,
};
