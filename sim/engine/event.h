/* The event engine, for event rules (model->engine == TC_RULE_EVENT): its
 * state and the functions the facade (engine.c) calls. Private to sim/engine/
 * (and unit tests that must look inside); it never sees the step engine. */
#ifndef TC_SIM_EVENT_H
#define TC_SIM_EVENT_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/outcome.h"

/* What a pending event is. */
enum {
    TC_K_RESHARE = 0, /* `account` reshares at t, from `parent` (decided already) */
    TC_K_READ = 1,    /* `account` reads, in its session at t, the post (parent, seq)
                         that reached its feed at t0; it decides then */
    TC_K_TREND = 2,   /* `account` has a session at t while the tag trends (seq = epoch) */
    TC_K_REPEAT = 3,  /* bot `account` posts its message again, the seq-th time */
    TC_K_REPOST = 4,  /* hyperactive bot `account` reposts, the seq-th time */
    TC_K_EXPOSE = 5   /* rules that count (TC_USES_COUNT): `account` sees the post
                         (parent, seq) at t; counted and decided in sorted order */
};

/* A pending event. */
typedef struct tc_pending {
    double t;
    int32_t account, parent, root, depth;
    int32_t seq;
    float t0;
    uint8_t kind;
} tc_pending;

typedef struct tc_pvec {
    tc_pending *v;
    int64_t n, cap;
} tc_pvec;

/* A thread's candidates of a round, alone on its cache line. */
typedef union tc_tcand {
    tc_pvec p;
    char line[64];
} tc_tcand;

/* One post being delivered: the author's `seq`-th post (0 = a reshare, k+1 = the
 * k-th timeline event) at time t. */
typedef struct tc_post {
    double t;
    int32_t author, root, depth, seq;
    int32_t to;  /* -1: the author's audience; else this one account (a mention) */
} tc_post;

/* A unit of fast delivery: block j (entries j*B .. j*B + B - 1) of post's audience. */
typedef struct tc_fitem {
    int64_t post;
    int64_t j;
} tc_fitem;

/* An original post: its author, time (seconds) and timeline event. */
/* Per-account flags (tc_event_engine.flags). */
enum { TC_F_REMOVED = 1, TC_F_IMMUNE = 2 };

typedef struct tc_event_engine {
    /* inputs, borrowed */
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    const tc_model_type *model;
    const double *mpar;
    tc_recorder *rec;
    uint64_t key;          /* run key: every draw is keyed under it */
    int threads;

    /* time */
    double dt, horizon;    /* seconds */
    int64_t nbuckets, cur, per_interval;

    /* per-account state (structure of arrays); the results in the outcome */
    tc_outcome *out;       /* owned */
    uint8_t *flags;        /* TC_F_REMOVED, TC_F_IMMUNE: written between rounds only */
    double *sess_t;        /* sessions: the session being read, and items read in it */
    uint32_t *sess_n;

    /* timing wheel: slot b & mask holds bucket b for b in [cur, cur + W) */
    int64_t W, mask;
    tc_pvec *slot;
    tc_pvec far;           /* min-heap by time of events beyond the wheel */
    int64_t *need;         /* [W]: room a round's candidates need per slot (scratch) */
    int64_t pending;       /* events in the wheel and heap */
    int next_event;        /* next timeline event to fire */
    int64_t nreshares;     /* reshares so far (for progress reports) */
    int64_t examined;      /* audience entries delivered to (edges examined) */

    /* per-round scratch, allocated once and grown */
    tc_pvec cand;
    tc_post *posts;
    int64_t nposts, posts_cap;
    int64_t *aud_prefix;
    tc_tcand *tcand;       /* per thread, a line each */
    uint64_t *order, *order_tmp; /* play's sort: (account << 32 | index), and scratch */
    int64_t order_cap;
    struct tc_pchunk *pchunk;    /* play on several threads: [4 * threads] chunks' output */
    int64_t threaded_plays;      /* buckets played by several threads (diagnostics) */
    int64_t *tcount;       /* per thread: [2 + ncomm] new exposures, tstride apart */
    int64_t tstride;       /* 2 + ncomm rounded up to whole cache lines */
    gsl_rng **rng;         /* per thread */

    /* interventions: indexes of the timeline's silence and damping events */
    int *silence, nsilence, *damping, ndamping;
    int64_t (*tk_removed)[TC_MAX_GROUPS]; /* [event] bots removed per group */
    int64_t removed_bots, removed_humans, immunised, repeats;

    /* trending: volume per check period in a ring, the state, its spans */
    int trend_enabled, trend_on;
    int32_t trend_epoch, trend_root;
    int64_t trend_next;     /* next check: at trend_next * every */
    int64_t nwin, vol_last; /* periods in the window; last period with volume */
    int64_t *vol;           /* ring of nwin + 1 periods */
    int64_t *root_vol;      /* volume per root */
    int64_t root_vol_cap;
    double *spans;          /* [2 * nspans]: on, off (spans_cap doubles) */
    int64_t nspans, spans_cap;

    /* what an event rule asks for (its `uses`); NULL when it does not */
    int32_t *nseen;        /* TC_USES_COUNT: distinct accounts seen; -(count + 1)
                              while a decided reshare is pending */
    int32_t *followees;    /* TC_USES_DEGREE: in-degree in the audience graph */
    /* the fast path of delivery (event.c, "The fast path") */
    int fast_off;          /* 1: every post edge by edge (engine.fast_path: off) */
    int fast_state;        /* 0: not decided yet; 1: the rule and population allow it; -1: not */
    uint8_t *fast_leader;  /* [n] 1 for ring leaders, whose posts go edge by edge; NULL: no rings */
    tc_fitem *fitem;       /* per-round scratch: (post, block) items, then units of work */
    int64_t nfitem, fitem_cap;
    int64_t *funit;        /* [nfunit + 1]: first item of each unit */
    int64_t nfunit, funit_cap;
    double *fbound;        /* [post]: the bound on any member's probability; < 0: edge by edge */
    int64_t fbound_cap;
    int fbound_ok;         /* fbound_last is set, for the dampings of fbound_mask */
    uint64_t fbound_mask;  /* dampings in force (the first 64) when it was computed */
    double fbound_last;
    int64_t candidates;    /* fast path: audience entries drawn as candidates */
    int64_t *fcand;        /* [threads, tstride apart]: the same, in the round being delivered */
    uint64_t *fexp;        /* [n bits] set only once exposed[] is: a filter that fits in cache */
    uint64_t *fclosed;     /* [n bits] set only for accounts that can no longer adopt
                              (adopted, immune, removed): another filter */
    int64_t fclosed_flags; /* immunised + removed when fclosed last read the flags */
} tc_event_engine;

/* The event engine of a run of event rule `model` (inputs borrowed, as
 * tc_engine_alloc, whose checks o has passed), writing its results into `out`
 * (borrowed, initialised for net->n accounts). Freed by tc_event_free (accepts
 * NULL). */
tc_event_engine *tc_event_alloc(const tc_net *net, const tc_population *pop,
                                const tc_timeline *tl, const tc_model_type *model,
                                const double *mpar, tc_recorder *rec, uint64_t key,
                                const tc_engine_opts *o, tc_outcome *out);
void tc_event_free(tc_event_engine *e);

/* Play the next non-empty bucket: 1 if there was one, 0 when the run is over. */
int tc_event_step(tc_event_engine *e);

/* The platform's part of the summary (reposts, removals, immunised, trending)
 * and the recorder's trending and active-bot series; gives back the wheel's
 * room once the run is over. After tc_outcome_finish. */
void tc_event_finish(tc_event_engine *e, tc_summary *s);

void tc_event_progress(const tc_event_engine *e, tc_progress *p);
void tc_event_work(const tc_event_engine *e, tc_work *w);

#endif
