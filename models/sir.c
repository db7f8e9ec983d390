/* SIR in discrete time, as graph-tool's SIRState under iterate_sync: each step a
 * susceptible account is infected by each infected account it follows with
 * probability beta, and an infected account recovers with probability gamma. */
#include <stddef.h>

#include "contact.h"
#include "model.h"

enum { S, I, R };
enum { P_BETA, P_GAMMA };

static const char *const states[] = {"S", "I", "R"};

static const tc_param_spec params[] = {
    {"beta", TC_PARAM_REAL, 0.05, 0.0, 1.0, "1/step",
     "probability per step that an infected account infects a susceptible follower"},
    {"gamma", TC_PARAM_REAL, 0.1, 0.0, 1.0, "1/step",
     "probability per step that an infected account recovers (for good)"},
};

/* S -> I with 1 - (1 - beta)^in[I]; I -> R with gamma. An account infected in
 * this step is still S here, so it cannot also recover in it. */
static uint8_t transition(const double *par, const tc_step_view *v, gsl_rng *r)
{
    switch (v->state) {
    case S:
        if (v->in[I] == 0) return S;
        return gsl_rng_uniform(r) < tc_contact_prob(par[P_BETA], v->in[I]) ? I : S;
    case I: return gsl_rng_uniform(r) < par[P_GAMMA] ? R : I;
    default: return v->state;
    }
}

const tc_model_type tc_model_sir = {
    .name = "sir",
    .summary = "SIR in synchronous steps: infected accounts infect followers, then recover",
    .reference = "Kermack & McKendrick 1927; in discrete time as graph-tool's SIRState "
                 "(Pastor-Satorras et al., Rev. Mod. Phys. 87, 925, 2015)",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_STEP,
    .nstates = 3,
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
