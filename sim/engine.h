/* The cascade engine: a timing wheel of buckets of width dt holding pending
 * reshares, posts delivered to their audiences by OpenMP threads split by edges,
 * every random decision drawn from a Philox stream keyed by what it decides.
 * Three verbs, init / step / finish, driven by a plain loop. */
#ifndef TC_SIM_ENGINE_H
#define TC_SIM_ENGINE_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "../models/model.h"
#include "cascade.h"
#include "err.h"
#include "net.h"
#include "population.h"
#include "recorder.h"
#include "timeline.h"

/* A pending reshare: `account` will reshare at `t`, from `parent`. */
typedef struct tc_pending {
    double t;
    int32_t account, parent, root, depth;
} tc_pending;

typedef struct tc_pvec {
    tc_pending *v;
    int64_t n, cap;
} tc_pvec;

/* One post being delivered: the author's `seq`-th post (0 = a reshare, k+1 = the
 * k-th timeline event) at time t. */
typedef struct tc_post {
    double t;
    int32_t author, root, depth, seq;
} tc_post;

typedef struct tc_root {
    double t;
    int32_t author, event;
} tc_root;

typedef struct tc_summary {
    int64_t reach, reach_human, reach_bot, exposed, exposed_human, exposed_bot;
    int64_t posts, reshares, reshares_human, reshares_bot, volume, peak_volume;
    double peak_t, bot_share_volume, bot_share_accounts;
    int64_t max_depth, max_breadth;
    /* cascades: one per original post */
    int32_t nroots;
    tc_cascade_stats *root;   /* [nroots] */
    int64_t cascades, largest_size;  /* cascades with at least one reshare */
    double largest_sv, mean_sv;      /* NaN when there is no such cascade */
} tc_summary;

typedef struct tc_engine {
    /* inputs, borrowed */
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    const tc_model_type *model;
    const double *mpar;
    tc_recorder *rec;
    uint64_t key;          /* run key: every draw is keyed under it */
    int threads;
    int record_cascade;

    /* time */
    double dt, horizon;    /* seconds */
    int64_t nbuckets, cur, per_interval;

    /* per-account state (structure of arrays) */
    double *adopt_t;       /* INFINITY until the account uses the hashtag */
    int32_t *parent, *root;
    int32_t *depth;
    uint8_t *exposed;      /* set once, atomically, on first exposure */

    /* timing wheel: slot b & mask holds bucket b for b in [cur, cur + W) */
    int64_t W, mask;
    tc_pvec *slot;
    tc_pvec far;           /* min-heap by time of events beyond the wheel */
    int64_t pending;       /* events in the wheel and heap */
    int next_event;        /* next timeline event to fire */
    int64_t nreshares;     /* reshares so far (for progress reports) */
    int64_t examined;      /* audience entries delivered to (edges examined) */

    /* per-round scratch, allocated once and grown */
    tc_pvec cand;
    tc_post *posts;
    int64_t nposts, posts_cap;
    int64_t *aud_prefix;
    tc_pvec *tcand;        /* per thread */
    int64_t *tcount;       /* per thread: [2 + ncomm] new exposures */
    gsl_rng **rng;         /* per thread */

    /* cascade record */
    tc_root *roots;
    int32_t nroots, roots_cap;
    tc_pending *log;       /* adoptions by reshare, in processing order */
    int64_t nlog, log_cap;
} tc_engine;

/* Prepare a run. Borrowed inputs must outlive the engine. `threads` >= 1.
 * Allocates per-account state: about 21 bytes per account. */
int tc_engine_init(tc_engine *e, const tc_net *net, const tc_population *pop,
                   const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                   tc_recorder *rec, uint64_t key, double dt, double horizon, int64_t per_interval,
                   int threads, int record_cascade, tc_err *err);

/* Process the next non-empty bucket. Returns 1 if it did, 0 when the run is over. */
int tc_engine_step(tc_engine *e);

/* Compute the run's summary (owned by the caller: tc_summary_destroy). */
void tc_engine_finish(tc_engine *e, tc_summary *s);

/* Fill the cascade part of `s` (root[], cascades, largest_*, mean_sv,
 * max_breadth) from the per-account state; called by tc_engine_finish. */
void tc_engine_cascades(const tc_engine *e, tc_summary *s);

/* Cascade events sorted by (t, account) into *out (malloc'd, n rows). */
void tc_engine_cascade(const tc_engine *e, tc_pending **out, int64_t *n);

void tc_engine_destroy(tc_engine *e);
void tc_summary_destroy(tc_summary *s);

#endif
