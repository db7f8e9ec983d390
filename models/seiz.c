/* SEIZ (Jin et al. 2013): susceptible accounts that meet the news either adopt it
 * (I), doubt it (E, exposed, who may adopt later) or reject it (Z, skeptics, who
 * spread their rejection). Per-contact probabilities are chosen so that on a
 * complete graph of N accounts with beta = beta'/N etc. the expected change per
 * step is the paper's mean-field equations in time units of one step. */
#include <stddef.h>

#include "contact.h"
#include "model.h"

enum { S, E, I, Z };
enum { P_BETA, P_B, P_RHO, P_EPS, P_P, P_L };

static const char *const states[] = {"S", "E", "I", "Z"};

static const tc_param_spec params[] = {
    {"beta", TC_PARAM_REAL, 0.05, 0.0, 1.0, "1/step",
     "probability per step that an adopter (I) a susceptible account follows contacts it"},
    {"b", TC_PARAM_REAL, 0.05, 0.0, 1.0, "1/step",
     "probability per step that a skeptic (Z) a susceptible account follows contacts it"},
    {"rho", TC_PARAM_REAL, 0.05, 0.0, 1.0, "1/step",
     "probability per step that an adopter an exposed account follows makes it adopt"},
    {"epsilon", TC_PARAM_REAL, 0.01, 0.0, 1.0, "1/step",
     "probability per step that an exposed account adopts on its own"},
    {"p", TC_PARAM_REAL, 0.3, 0.0, 1.0, "",
     "probability that a contact with an adopter makes a susceptible adopt at once "
     "(else it is exposed)"},
    {"l", TC_PARAM_REAL, 0.5, 0.0, 1.0, "",
     "probability that a contact with a skeptic makes a susceptible a skeptic (else it is "
     "exposed)"},
};

/* S: with probability 1 - (1-beta)^in[I] it is contacted by an adopter, then it
 *    adopts (I) with probability p, else it is exposed (E); if not, with
 *    probability 1 - (1-b)^in[Z] it is contacted by a skeptic, then it becomes a
 *    skeptic (Z) with probability l, else exposed. To first order in the
 *    per-step probabilities: S->I = p beta I, S->E = (1-p) beta I + (1-l) b Z,
 *    S->Z = l b Z (I, Z here the followees in those states).
 * E: adopts with 1 - (1-rho)^in[I] (1-epsilon): rho I + epsilon to first order.
 * I and Z do not change. */
static uint8_t transition(const double *par, const tc_step_view *v, gsl_rng *r)
{
    switch (v->state) {
    case S:
        if (v->in[I] && gsl_rng_uniform(r) < tc_contact_prob(par[P_BETA], v->in[I]))
            return gsl_rng_uniform(r) < par[P_P] ? I : E;
        if (v->in[Z] && gsl_rng_uniform(r) < tc_contact_prob(par[P_B], v->in[Z]))
            return gsl_rng_uniform(r) < par[P_L] ? Z : E;
        return S;
    case E: {
        double stay = (1.0 - tc_contact_prob(par[P_RHO], v->in[I])) * (1.0 - par[P_EPS]);
        return gsl_rng_uniform(r) < 1.0 - stay ? I : E;
    }
    default: return v->state;
    }
}

const tc_model_type tc_model_seiz = {
    .name = "seiz",
    .summary = "SEIZ news and rumour model: susceptible, exposed, adopter (infected), "
               "skeptic",
    .reference = "Jin, Dougherty, Saraf, Cao, Ramakrishnan, Epidemiological modeling of news "
                 "and rumors on Twitter, SNAKDD 2013",
    .params = params,
    .nparams = (int)(sizeof params / sizeof params[0]),
    .check = NULL,
    .engine = TC_RULE_STEP,
    .nstates = 4,
    .state_names = states,
    .seed_state = I,
    .push_mask = (1u << I) | (1u << Z),
    .adopt_mask = 1u << I,
    .live_mask = 1u << E,
    .needs_out = 0,
    .transition = transition,
};
