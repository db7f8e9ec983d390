/* The lanes path: independent cascades in discrete generations, up to 64
 * replicates ("lanes") at once in one pass over the graph.
 *
 * It takes an event rule whose probability depends on the follower's class and
 * community only (TC_FIXED_BY_CLASS and nothing else), every reshare coming the
 * same fixed delay after the post it answers, and a world with none of the
 * timeline's mechanisms: no reading sessions, fading appeal, own posts,
 * trending, bot groups or rings, and a timeline of posts only. Such a cascade
 * is percolation: whether follower v of post P takes it up is one Bernoulli
 * draw, and every adopter posts exactly d after its parent.
 *
 * Keying: replicate r of a run is lane r & 63 of the block of 64 replicates
 * that holds it (tc_run_lane in drive/run.h). In each lane, the followers that
 * take up a post are found by skipping ahead over its audience: geometric gaps
 * at the largest probability q of any account, each candidate v then kept with
 * probability p(v) / q, followers that adopted in the lane before passed over
 * without a draw. The uniforms come from the stream (TC_P_LIVE, author, seq,
 * block of 4,096 followers, lane) under the block's key, so replicate r gets
 * the same draws whether it runs alone or beside any other replicates of its
 * block, and on any number of threads. The work of a lane is thus about p
 * draws per follower reached, not one; every follower is still visited once
 * per post and lane mask to count first exposures.
 *
 * Memory: 4 bytes per account with one lane, 24 with several, plus 8 per
 * account and lane, plus the exposure counts (8 bytes per lane, output
 * interval and class or community).
 * Private to sim/engine/. */
#ifndef TC_SIM_LANES_H
#define TC_SIM_LANES_H

#include <stdint.h>

#include "engine/engine.h"
#include "engine/outcome.h"

typedef struct tc_lanes tc_lanes;

/* The fixed delay of every reshare (seconds) if the lanes path can play this
 * run, else 0. */
double tc_lanes_applies(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                        const tc_model_type *model, const double *mpar,
                        const tc_engine_opts *o);

/* The pass of the lanes whose bits are set in `lanes` (at least one), keyed
 * under `key` (the key of their block), over inputs borrowed as for
 * tc_engine_alloc, with o->threads threads. The run must apply (tc_lanes_applies). */
tc_lanes *tc_lanes_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                         const tc_model_type *model, const double *mpar, uint64_t key,
                         uint64_t lanes, const tc_engine_opts *o);
void tc_lanes_free(tc_lanes *l);

/* Play the next generation time (every lane at once): 1 if there was one, 0
 * when the pass is over. */
int tc_lanes_step(tc_lanes *l);

void tc_lanes_progress(const tc_lanes *l, tc_progress *p);

/* After the last step: lane `bit`'s run into `out` (initialised for net->n
 * accounts; reset here) and `rec` (its counters zero), its work into *w (may be
 * NULL). Lanes may be taken in any order, each any number of times. O(n + T),
 * with O(n / 64) for one lane's adopters: an outcome as tc_lanes_fresh or the
 * last take left it is reset adopter by adopter, any other one whole. */
void tc_lanes_take(tc_lanes *l, int bit, tc_outcome *out, tc_recorder *rec, tc_work *w);

/* `out` is as tc_outcome_init left it: the next take into it need not reset it. */
void tc_lanes_fresh(tc_lanes *l, const tc_outcome *out);

#endif
