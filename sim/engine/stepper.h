/* The synchronous step engine for step rules (model->engine == TC_RULE_STEP):
 * SIR, SIS, rumour and SEIZ rules played in steps of length dt, every account's
 * new state computed from the states at the start of the step, as graph-tool's
 * iterate_sync. It writes adoptions, roots and its cascade log into the run's
 * outcome (engine/outcome.h), so that the summary and the writers work
 * unchanged. Private to sim/engine/: the facade (engine.c) calls it; it never
 * sees the event engine. */
#ifndef TC_SIM_STEPPER_H
#define TC_SIM_STEPPER_H

#include <stdint.h>

#include "engine/engine.h"
#include "engine/outcome.h"

typedef struct tc_stepper tc_stepper;

/* The step engine of a run of step rule `m` (inputs borrowed, as
 * tc_engine_alloc, whose checks o has passed), writing into `out` (borrowed,
 * initialised for net->n accounts): every account in state 0, and the recorder
 * given its compartment series (tc_recorder_compartments). Per account it holds
 * the state, a flag byte, the next state, one int32 count per push state, the
 * candidate parent, the followee count, two int32 lists and an int64 prefix:
 * 27 + 4 x (push states) bytes. Freed by tc_stepper_free (accepts NULL). */
tc_stepper *tc_stepper_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                             const tc_model_type *m, const double *mpar, tc_recorder *rec,
                             uint64_t key, const tc_engine_opts *o, tc_outcome *out);
void tc_stepper_free(tc_stepper *s);

/* The step engine of a new run, as tc_stepper_alloc gives it, made from `old`
 * (NULL: allocated), the engine of an earlier run built for as many accounts,
 * threads and communities (its inputs need not be alive, and it may have been
 * stopped halfway): its per-account and per-thread arrays are kept and
 * cleared, its contact vectors emptied with the room they grew to. `old` is
 * consumed; the run that follows is the same, bit for bit, as on a fresh
 * engine. O(n + m) to clear and count followees, no fresh pages. */
tc_stepper *tc_stepper_reuse(tc_stepper *old, const tc_net *net, const tc_population *pop,
                             const tc_timeline *tl, const tc_model_type *m, const double *mpar,
                             tc_recorder *rec, uint64_t key, const tc_engine_opts *o,
                             tc_outcome *out);

/* Play step cur (time [cur dt, (cur + 1) dt)) and advance. Steps in which
 * nothing can change are skipped; once no account is in a push or live state
 * and no timeline post remains, the remaining compartment rows are filled and
 * the run ends. Returns 1 if a step was played, 0 when the run is over.
 * O(entries of the audiences of accounts in push states + evaluated accounts,
 * + their audiences when the rule needs out[]). */
int tc_stepper_step(tc_stepper *s);

/* The step engine's part of the summary (nothing trends: first_trending_t is
 * NaN) and the recorder's active-bot series. After tc_outcome_finish. */
void tc_stepper_finish(tc_stepper *s, tc_summary *sum);

/* Put account v in state k before the next step, as an initial condition other
 * than a post (e.g. skeptics present from the start): no post, no adoption is
 * recorded, so k should not be an adopting state. */
void tc_stepper_put(tc_stepper *s, int32_t v, uint8_t k);

void tc_stepper_progress(const tc_stepper *s, tc_progress *p);
void tc_stepper_work(const tc_stepper *s, tc_work *w);

/* Accounts in each state now: [model->nstates]. */
const int64_t *tc_stepper_sizes(const tc_stepper *s);

/* The state of account v now. */
uint8_t tc_stepper_state(const tc_stepper *s, int32_t v);

#endif
