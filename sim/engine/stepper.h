/* The synchronous step engine for step rules (model->engine == TC_RULE_STEP):
 * SIR, SIS, rumour and SEIZ rules played in steps of length time.dt, every
 * account's new state computed from the states at the start of the step, as
 * graph-tool's iterate_sync. It fills the engine's per-account arrays (adopt_t,
 * parent, root, depth, exposed), its roots and its cascade log, so that
 * tc_engine_finish and the writers work unchanged. */
#ifndef TC_SIM_STEPPER_H
#define TC_SIM_STEPPER_H

#include <stdint.h>

#include "engine/event.h"

typedef struct tc_stepper tc_stepper;

/* The step state of engine `e`, which tc_engine_init has set up (net, pop, tl,
 * model, rec, dt, horizon, threads): every account in state 0, and the recorder
 * given its compartment series (tc_recorder_compartments). Per account it holds
 * the state, a flag byte, the next state, one int32 count per push state, the
 * candidate parent, the followee count, two int32 lists and an int64 prefix:
 * 27 + 4 x (push states) bytes. */
tc_stepper *tc_stepper_alloc(tc_engine *e);

/* Play step e->cur (time [cur dt, (cur + 1) dt)) and advance e->cur. Steps in
 * which nothing can change are skipped; once no account is in a push or live
 * state and no timeline post remains, the remaining compartment rows are filled
 * and the run ends. Returns 1 if a step was played, 0 when the run is over.
 * O(entries of the audiences of accounts in push states + evaluated accounts,
 * + their audiences when the rule needs out[]). */
int tc_stepper_step(tc_engine *e);

/* Put account v in state k before the next step, as an initial condition other
 * than a post (e.g. skeptics present from the start): no post, no adoption is
 * recorded, so k should not be an adopting state. */
void tc_stepper_put(tc_engine *e, int32_t v, uint8_t k);

/* Accounts in each state now: [model->nstates]. */
const int64_t *tc_stepper_sizes(const tc_stepper *s);

/* The state of account v now. */
uint8_t tc_stepper_state(const tc_stepper *s, int32_t v);

void tc_stepper_free(tc_stepper *s);

#endif
