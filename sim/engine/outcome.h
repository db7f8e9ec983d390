/* The outcome of a run, which both engines write and the writers read: per
 * account when it adopted, from whom, in which cascade at which depth, whether
 * it was exposed; the original posts (roots); the cascade log. The struct and
 * its writers are for sim/engine/ only: everyone else reads it through the
 * functions of engine/engine.h. */
#ifndef TC_SIM_OUTCOME_H
#define TC_SIM_OUTCOME_H

#include <stdint.h>

#include "base/err.h"
#include "engine/engine.h"
#include "engine/recorder.h"
#include "world/population.h"

struct tc_outcome {
    int32_t n;            /* accounts */
    /* per account, structure of arrays (21 bytes), never reallocated: the
     * engines' hot loops read and write them directly */
    double *adopt_t;      /* INFINITY until the account uses the hashtag */
    int32_t *parent;      /* -1 until it adopts, and for a post or a spontaneous adoption */
    int32_t *root;        /* its cascade (index into roots), -1 if none */
    int32_t *depth;       /* reshares from the root's author; 0 for the author */
    uint8_t *exposed;     /* set once, atomically, on first exposure */
    /* the original posts, in the order they were made */
    tc_root *roots;
    int32_t nroots;
    int64_t roots_cap;
    /* the cascade log: adoptions by reshare in processing order, kept only
     * when `record` */
    int record;
    tc_adoption *log;
    int64_t nlog, log_cap;
};

/* The outcome of a run over n accounts, none adopted or exposed; the cascade
 * log kept if `record`. Freed by tc_outcome_destroy (accepts a zeroed one). */
void tc_outcome_init(tc_outcome *o, int32_t n, int record);
void tc_outcome_destroy(tc_outcome *o);

/* Account v adopts at t (seconds) from `parent` (-1: none) in cascade `root`
 * (-1: none) at `depth`. The caller has checked that v has not adopted; writes
 * only v's entries, so threads may record different accounts at once. O(1). */
static inline void tc_outcome_adopt(tc_outcome *o, int32_t v, double t, int32_t parent,
                                    int32_t root, int32_t depth)
{
    o->adopt_t[v] = t;
    o->parent[v] = parent;
    o->root[v] = root;
    o->depth[v] = depth;
}

/* A new original post by `author` at t (timeline event `event`): its index in
 * the roots. O(1) amortised. */
int32_t tc_outcome_add_root(tc_outcome *o, double t, int32_t author, int event);

/* Append n rows to the cascade log (nothing unless o->record). O(n) amortised. */
void tc_outcome_log(tc_outcome *o, const tc_adoption *a, int64_t n);

/* The part of the summary that the outcome and the counters give: reach and
 * exposure by class, deepest adoption, posts, reshares and volume with its
 * peak, bot shares. Sets every other field of *s to zero. O(n + T); the pass
 * over the accounts on `threads` threads from 2^18 accounts on. */
void tc_outcome_finish(const tc_outcome *o, const tc_population *pop, const tc_recorder *rec,
                       int threads, tc_summary *s);

/* Fill the cascade part of `s` (root[], cascades, largest_*, mean_sv,
 * max_breadth; s->root owned by s: tc_summary_destroy) from the per-account
 * state: per original post, what tc_cascade_tree_stats gives for its tree (the
 * author, then the reshares that descend from the post by depth, then id), to
 * the bit. One pass over the accounts, two over the reshares in cascades, and
 * one each way per cascade over its tree; scratch of 12 bytes per account and
 * 4 per node. O(n + posts + the cascades' depths), and O(log 1,000) more for a
 * reshare among the 1,000 earliest of its cascade so far (the reach times).
 * From 2^18 accounts on, the passes that lay out the trees run on `threads`
 * threads, with the same layout on any number. */
void tc_outcome_cascades(const tc_outcome *o, const tc_population *pop, int threads,
                         tc_summary *s);

#endif
