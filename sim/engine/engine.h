/* The cascade engine, as the rest of the program sees it: an opaque object made
 * from a world and a rule (tc_engine_alloc), played step by step by a plain
 * loop (tc_engine_step), then summed up (tc_engine_finish). Inside, an event
 * engine (a timing wheel of buckets of width dt, posts delivered by OpenMP
 * threads split by edges) for event rules, and a synchronous step engine for
 * step rules; every random decision is drawn from a Philox stream keyed by what
 * it decides, so the results do not depend on the thread count. */
#ifndef TC_SIM_ENGINE_H
#define TC_SIM_ENGINE_H

#include <stdint.h>

#include "base/err.h"
#include "engine/cascade.h"
#include "engine/recorder.h"
#include "graph/net.h"
#include "model.h"
#include "world/population.h"
#include "world/timeline.h"

typedef struct tc_engine tc_engine;

/* How to play a run. */
typedef struct tc_engine_opts {
    double dt;            /* seconds: width of a bucket (of a step, for step rules); > 0 */
    double horizon;       /* seconds: the run's length */
    int64_t per_interval; /* buckets per output interval of the recorder; >= 1 */
    int threads;          /* OpenMP threads inside the run; >= 1 */
    int record_cascade;   /* 1: keep the cascade log (tc_outcome_cascade) */
    int fast_path;        /* 1: skip ahead over audiences where that is exact (event
                             rules fixed by class), and over the sessions at which a
                             person does not see the trend; 0: every post edge by
                             edge, every session through the wheel
                             (engine.fast_path: off). Over audiences the results'
                             distribution is the same, the random numbers are not;
                             over sessions the results are the same. */
    int lane_keyed;       /* 1: lane_key and lane name the run's replicate for the
                             lanes path (engine/lanes.h); 0: the run key's block,
                             lane 0 */
    uint64_t lane_key;    /* the key of the replicate's block of 64 (tc_run_lane) */
    int lane;             /* the replicate's lane in its block, 0 .. 63 */
    int skip_exposures;   /* 1: exposures are not counted (output.exposures: false):
                             the lanes path does not track them at all; the event and
                             step engines still do, where their rules need them. The
                             summary's exposed counts are then -1, the recorder's
                             exposure counter 0 */
} tc_engine_opts;

/* An original post: its time (seconds), author and timeline event. */
typedef struct tc_root {
    double t;
    int32_t author, event;
} tc_root;

/* A row of the cascade log: `account` adopted at t (seconds) by resharing from
 * `parent`, in cascade `root` (an index into the roots) at `depth`. */
typedef struct tc_adoption {
    double t;
    int32_t account, parent, root, depth;
} tc_adoption;

/* What a run did to each account, its roots and its cascade log: written by
 * the engine, read through the tc_outcome_* functions below. */
typedef struct tc_outcome tc_outcome;

/* What tc_engine_finish makes of a run. */
typedef struct tc_summary {
    int64_t reach, reach_human, reach_bot, exposed, exposed_human, exposed_bot;
    int64_t posts, reshares, reshares_human, reshares_bot, volume, peak_volume;
    int64_t own_posts, own_posts_human, own_posts_bot; /* adopters' own posts (own_posts) */
    double peak_t, bot_share_volume, bot_share_accounts;
    int64_t max_depth, max_breadth;
    /* cascades: one per original post */
    int32_t nroots;
    tc_cascade_stats *root;   /* [nroots] */
    int64_t cascades, largest_size;  /* cascades with at least one reshare */
    double largest_sv, mean_sv;      /* NaN when there is no such cascade */
    /* the platform and the interventions */
    int64_t repeats;                 /* bot reposts of a message already posted */
    int64_t removed_bots, removed_humans, immunised;
    double trending_s, first_trending_t; /* first_trending_t: NaN if it never trended */
} tc_summary;

/* Prepare a run of `model` (parameters `mpar`) over the net, population and
 * timeline, counting into `rec` (its T intervals of per_interval buckets), every
 * draw keyed under the run key `key`. Borrowed inputs must outlive the engine.
 * *e receives the engine, owned by the caller (tc_engine_free); NULL on
 * failure. Returns TC_OK, or TC_ERUNTIME (err set) when threads, dt or
 * per_interval is not positive. Allocates per-account state: 21 bytes per
 * account for the outcome, plus the event engine's (1 byte; 12 more with
 * reading sessions, 4 for a rule that counts exposures, 4 for one that reads
 * degrees) or, for a step rule, the step engine's (engine/stepper.h). */
int tc_engine_alloc(tc_engine **e, const tc_net *net, const tc_population *pop,
                    const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                    tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_err *err);

/* tc_engine_alloc in the engine *e of an earlier run, when there is one: an
 * engine built for as many accounts, threads and communities keeps its
 * per-account arrays (the bytes per account above), cleared rather than
 * allocated again, and its vectors emptied with the room they grew to, so the
 * run takes no fresh pages where the earlier one had them; the engine below
 * may change kind. Any other is freed and a new one allocated. The run that
 * follows is the same, bit for bit, as on a fresh engine, whatever runs the
 * engine played before and even if one was stopped halfway. *e: NULL or an
 * engine owned by the caller, whose earlier inputs need no longer be alive;
 * on return the engine of this run (NULL on failure), owned by the caller.
 * Returns as tc_engine_alloc. O(n + m) to clear and count. Between runs the
 * engine holds what its largest run held, but for the event wheel's room
 * (given back at tc_engine_finish, before the cascade statistics). */
int tc_engine_reuse(tc_engine **e, const tc_net *net, const tc_population *pop,
                    const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                    tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_err *err);

/* Process the next non-empty bucket (for a step rule, the next step). Returns 1
 * if it did, 0 when the run is over. */
int tc_engine_step(tc_engine *e);

/* Compute the run's summary into *s (owned by the caller: tc_summary_destroy)
 * and the recorder's trending and active-bot series. Once, after the last step. */
void tc_engine_finish(tc_engine *e, tc_summary *s);

/* Free the engine; accepts NULL. */
void tc_engine_free(tc_engine *e);

/* Where a run stands, for progress reports. */
typedef struct tc_progress {
    double done;        /* fraction of the horizon played, 0 .. 1 */
    double t;           /* seconds of simulated time played */
    int64_t reshares;   /* reshares so far */
} tc_progress;

/* Fill *p for the run so far. O(1). */
void tc_engine_progress(const tc_engine *e, tc_progress *p);

/* The work done so far (diagnostics; /meta/edges_examined). */
typedef struct tc_work {
    int64_t examined;        /* audience entries delivered to (edges examined) */
    int64_t candidates;      /* fast path: audience entries drawn as candidates */
    int64_t threaded_plays;  /* buckets played by several threads */
    const char *engine;      /* which engine played the run: "lanes", "event", "step" or
                                "step_skip" (the step engine, contacts skipped ahead) */
} tc_work;

/* Fill *w for the run so far (zeros for what the engine does not do). O(1). */
void tc_engine_work(const tc_engine *e, tc_work *w);

/* For a step rule, put account v in state k before the next step, as an initial
 * condition other than a post (e.g. skeptics present from the start): no post,
 * no adoption is recorded, so k should not be an adopting state. No effect for
 * an event rule. */
void tc_engine_put(tc_engine *e, int32_t v, uint8_t k);

/* Batched replicates: runs of one scenario that differ only in their
 * replicate, played at once when the run takes the lanes path (independent
 * cascades in discrete generations, engine/lanes.h). Lane b of a batch is the
 * same run, bit for bit, as tc_engine_alloc with lane_key and lane b. */
typedef struct tc_batch tc_batch;

/* How many lanes a batch of this run may hold: 0 when the run cannot be
 * batched (the lanes path does not apply), else 1 .. 64, fewer on large graphs
 * (each lane costs 8 bytes per account; a batch is kept within 256 MB). */
int tc_batch_lanes(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                   const tc_model_type *model, const double *mpar, const tc_engine_opts *o);

/* A batch of the lanes set in `lanes` (at most tc_batch_lanes of them) of the
 * block keyed `lane_key`; inputs borrowed as for tc_engine_alloc; o's lane
 * fields are ignored. NULL when the run cannot be batched. */
tc_batch *tc_batch_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                         const tc_model_type *model, const double *mpar, uint64_t lane_key,
                         uint64_t lanes, const tc_engine_opts *o);

/* Play the next step of every lane: 1 if there was one, 0 when they are over. */
int tc_batch_step(tc_batch *b);

/* After the last step: lane `lane`'s counters into `rec` (initialised by the
 * caller as for tc_run_simulate, counters zero), its summary into *s (owned by
 * the caller: tc_summary_destroy) and its work into *w. */
void tc_batch_take(tc_batch *b, int lane, tc_recorder *rec, tc_summary *s, tc_work *w);

/* Free the batch; accepts NULL. */
void tc_batch_free(tc_batch *b);

/* Free what a summary holds (s->root); accepts NULL and a zeroed summary. */
void tc_summary_destroy(tc_summary *s);

/* The outcome of e's run so far, owned by e (valid until tc_engine_free). */
const tc_outcome *tc_engine_outcome(const tc_engine *e);

/* Per account, [tc_outcome_accounts(o)] entries, owned by o: adoption time in
 * seconds (INFINITY: never), the account it reshared from (-1: none, as for an
 * original post or a spontaneous adoption), its cascade (index into the roots;
 * -1: none), its depth (0 for a root's author), 1 if it was exposed. */
int32_t tc_outcome_accounts(const tc_outcome *o);
const double *tc_outcome_adopt_t(const tc_outcome *o);
const int32_t *tc_outcome_parent(const tc_outcome *o);
const int32_t *tc_outcome_root(const tc_outcome *o);
const int32_t *tc_outcome_depth(const tc_outcome *o);
const uint8_t *tc_outcome_exposed(const tc_outcome *o);

/* The original posts in the order they were made, owned by o; *n (if n is not
 * NULL) receives their number. NULL when there are none. */
const tc_root *tc_outcome_roots(const tc_outcome *o, int32_t *n);

/* The cascade log (adoptions by reshare that belong to a cascade; kept only
 * when the run records cascades) sorted by (t, account): *out malloc'd, owned by
 * the caller (free), *n rows. O(n log n). */
void tc_outcome_cascade(const tc_outcome *o, tc_adoption **out, int64_t *n);

#endif
