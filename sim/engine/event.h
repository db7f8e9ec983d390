/* The event engine, for event rules (model->engine == TC_RULE_EVENT): its
 * state, the functions the facade (engine.c) calls, and those its files call
 * in one another: event.c (set-up, who may act, a bucket), wheel.c (the timing
 * wheel), deliver.c and fastpath.c (a round's posts to their audiences),
 * play.c (a bucket's events), platform.c (trending, the timeline's events).
 * Private to sim/engine/; it never sees the step engine. */
#ifndef TC_SIM_EVENT_H
#define TC_SIM_EVENT_H

#include <gsl/gsl_rng.h>
#include <math.h>
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
    TC_K_EXPOSE = 5,  /* rules that count (TC_USES_COUNT): `account` sees the post
                         (parent, seq) at t; counted and decided in sorted order */
    TC_K_PRESS = 6    /* `account` has a session at t while press event `seq` is in
                         force; it may see the post `root` by `parent`; depth counts
                         the account's sessions under the event */
};

/* A pending event. */
typedef struct tc_pending {
    double t;
    int32_t account, parent, root, depth;
    int32_t seq;
    float t0;
    float score;   /* TC_K_READ under engagement ranking: its root's volume when the
                      bucket is played (set by tc_play_bucket); else 0 */
    uint8_t kind;
} tc_pending;

/* A growing vector of pending events: a wheel slot, the heap, a thread's
 * candidates. */
typedef struct tc_pvec {
    tc_pending *v;
    int64_t n, cap;
} tc_pvec;

/* A thread's candidates of a round, alone on its cache line. */
typedef union tc_tcand {
    tc_pvec p;
    char line[64];
} tc_tcand;

/* The seq of an account's own post (own_posts): a new root written on adopting. */
enum { TC_SEQ_OWN = 1 << 30 };

/* One post being delivered: the author's `seq`-th post (0 = a reshare, k+1 = the
 * k-th timeline event, TC_SEQ_OWN its own post, negative a bot's repeat or
 * repost) at time t. */
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

/* Per-account flags (tc_event_engine.flags). */
enum { TC_F_REMOVED = 1, TC_F_IMMUNE = 2 };

/* Entries of a post's audience in a block of the fast path (fastpath.c). */
enum { TC_FAST_BLOCK = 4096 };

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
    tc_outcome *out;       /* borrowed from the facade: adoptions, roots, the log */
    uint8_t *flags;        /* TC_F_REMOVED, TC_F_IMMUNE: written between rounds only */
    double *sess_t;        /* sessions: the session being read, and items read in it */
    uint32_t *sess_n;

    /* timing wheel in three levels: slot b & mask holds bucket b for the buckets
     * of the blocks below ring_end (the current block of W/2 buckets and the
     * next); block c, up to nblocks beyond, waits in coarse[c % nblocks] until
     * the ring takes it; events further on wait in a min-heap by time */
    int64_t W, mask;
    tc_pvec *slot;
    tc_pvec *coarse;       /* [nblocks] */
    int64_t nblocks;
    int64_t ncoarse;       /* events waiting in the blocks */
    int64_t ring_end;      /* blocks below it are in the ring */
    tc_pvec far;           /* min-heap by time of events beyond the blocks */
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
    int32_t top;            /* the root with the most volume, the first of equals */
    double *spans;          /* [2 * nspans]: on, off (spans_cap doubles) */
    int64_t nspans, spans_cap;

    /* what an event rule asks for (its `uses`); NULL when it does not */
    int32_t *nseen;        /* TC_USES_COUNT: distinct accounts seen; -(count + 1)
                              while a decided reshare is pending */
    int32_t *followees;    /* TC_USES_DEGREE or a feed that competes: in-degree in the
                              audience graph */
    uint32_t *nread;       /* appeal with fatigue: hashtag items each person has read */
    /* the fast path of delivery (fastpath.c) */
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
    double sess_empty[24]; /* by local hour: a first uniform at or above it surely
                              leaves the hour without a session (2: never taken) */
    double sess_cum[25];   /* sessions expected from local midnight to the start of
                              local hour h (sess_cum[24]: a day's) */
    double delay_mu;       /* log of the people's median latency (the log-normal's mu) */
    int sight_thin;        /* sightings after a person's first may be thinned to those
                              that can adopt: a rule fixed by class (ic), fast path on */
    double sight_base[3];  /* by class: the rule's probability (sight_thin) */
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

/* The event engine of a new run, as tc_event_alloc gives it, made from `old`
 * (NULL: allocated), the engine of an earlier run built for as many accounts,
 * threads and communities (its inputs need not be alive, and it may have been
 * stopped halfway): its per-account arrays are kept and cleared, its vectors
 * (per thread, the wheel, a round's scratch) emptied with the room they grew
 * to. `old` is consumed; the run that follows is the same, bit for bit, as on
 * a fresh engine. O(n + m), with no fresh pages where the earlier run had
 * them. */
tc_event_engine *tc_event_reuse(tc_event_engine *old, const tc_net *net,
                                const tc_population *pop, const tc_timeline *tl,
                                const tc_model_type *model, const double *mpar,
                                tc_recorder *rec, uint64_t key, const tc_engine_opts *o,
                                tc_outcome *out);

/* Play the next non-empty bucket: 1 if there was one, 0 when the run is over. */
int tc_event_step(tc_event_engine *e);

/* The platform's part of the summary (reposts, removals, immunised, trending)
 * and the recorder's trending and active-bot series; gives back the wheel's
 * room once the run is over. After tc_outcome_finish. */
void tc_event_finish(tc_event_engine *e, tc_summary *s);

void tc_event_progress(const tc_event_engine *e, tc_progress *p);
void tc_event_work(const tc_event_engine *e, tc_work *w);

/* ------------------------------------------------------------------ wheel.c */

/* Append *p to v, which doubles when full (from 4: most slots hold a few). */
void tc_pvec_push(tc_pvec *v, const tc_pending *p);

/* The wheel's W slots and its blocks, empty (those carried over from an
 * earlier run emptied, with their room) / freed with the heap and the round's
 * scratch. */
void tc_wheel_init(tc_event_engine *e);
void tc_wheel_destroy(tc_event_engine *e);

/* Put *p in the slot of its bucket, in its block beyond the ring, or in the
 * heap beyond the blocks; dropped at or past the horizon. O(1) amortised, O(log
 * heap) for the heap. */
void tc_wheel_schedule(tc_event_engine *e, const tc_pending *p);

/* Move the blocks the ring now reaches into their slots, and heap events that
 * now fall within the blocks into theirs. */
void tc_wheel_refill(tc_event_engine *e);

/* The first bucket holding an event of the ring, the blocks or the heap if it
 * comes before `best` (-1: no bound), else best. O(buckets looked at); when
 * the ring is empty, O(blocks looked at + a block's events). */
int64_t tc_wheel_next(const tc_event_engine *e, int64_t best);

/* Before the threads' candidates go into the wheel: grow each slot they land in
 * once, to what it will hold. */
void tc_wheel_reserve(tc_event_engine *e);

/* Give back the room of the slots and the heap (the run is over). */
void tc_wheel_release(tc_event_engine *e);

/* ------------------------------------------------------------------ event.c: who may act */

/* Is w silenced at t (a silence event in force that covers it)? */
int tc_event_silenced(const tc_event_engine *e, int32_t w, double t);

/* The rule's probability that w adopts a post by src it sees at t, having seen
 * nexp distinct accounts (rules that count), times w's community susceptibility
 * (people) and the dampings in force; at most 1. Pure: called from many
 * threads. */
double tc_event_rule_prob(const tc_event_engine *e, int32_t src, int32_t w, double t,
                          int32_t nexp);

/* Distinct accounts w has seen counting the trending post by `author` (at
 * least 1: w is seeing a post). */
int32_t tc_event_seen_with_trend(const tc_event_engine *e, int32_t author, int32_t w);

/* Fill e->sess_empty and e->sess_cum from the population's session rates (done
 * by the engine's set-up). */
void tc_event_session_limits(tc_event_engine *e);

/* The first reading session of w strictly after t, or INFINITY if none before
 * the horizon; `r` is repositioned. */
double tc_event_next_session(const tc_event_engine *e, gsl_rng *r, int32_t w, double t);

/* Where w may see the trend (source 0) or press event i's news (source i + 1):
 * sessions of their own, apart from those in which it reads its feed, at the
 * same rates: the first strictly after t, or INFINITY, from stream (LOOK, w,
 * source << 32 | H). Each shows what is seen with its probability
 * (engine.fast_path: off); by default the sessions that show it are drawn at
 * once (tc_event_next_sighting). `r` is repositioned. */
double tc_event_next_look(const tc_event_engine *e, gsl_rng *r, int32_t w, double t,
                          uint32_t source);

/* Sightings (of the trend, of the news): the points after t of a Poisson
 * process of rate p times w's session rate, i.e. the sessions of w that show
 * what is seen, each with probability p, without the sessions in between. The
 * first such point after t, drawn by inverting the process's integrated rate
 * with one exponential from stream (purpose, w, b); INFINITY if none comes
 * before the horizon (or p = 0). Same distribution as walking the sessions and
 * drawing at each (engine.fast_path: off); other draws. */
double tc_event_next_sighting(const tc_event_engine *e, int32_t w, double t, double p,
                              uint32_t purpose, uint64_t b);

/* The most a sighting can make w adopt: its class's probability times its
 * community's susceptibility (dampings and appeal are at most 1); at most 1.
 * 1 where sightings are not thinned. */
double tc_event_sight_bound(const tc_event_engine *e, int32_t w);

/* Does w see the trend in its session at t? */
int tc_event_trend_shows(const tc_event_engine *e, int32_t w, double t);

/* ------------------------------------------------------------------ deliver.c, fastpath.c */

/* Room for `need` posts in the round, and for the audience prefix over them. */
void tc_deliver_reserve(tc_event_engine *e, int64_t need);

/* Add *p to the posts the round delivers. */
void tc_deliver_post(tc_event_engine *e, const tc_post *p);

/* Deliver every post of the round (exposures counted in interval iv); the
 * candidates they make go into the wheel, and the round's posts are cleared. */
void tc_deliver_round(tc_event_engine *e, int64_t iv);

/* Decided at the first delivery: may this run take the fast path? */
int tc_fast_applies(tc_event_engine *e);

/* The largest probability tc_event_adopt_prob can give at t (cached while the
 * dampings in force stay the same). */
double tc_fast_bound(tc_event_engine *e, double t);

/* Bring the filter of accounts that can no longer adopt up to date before a
 * round's delivery. */
void tc_fast_sync(tc_event_engine *e);

/* Unit c of the round's fast-path work, on thread tid: first exposures
 * counted into cnt; `removed`: some accounts have been removed. */
void tc_fast_unit(tc_event_engine *e, int tid, int64_t c, int64_t *cnt, int removed);

void tc_fast_destroy(tc_event_engine *e);

/* ------------------------------------------------------------------ play.c, platform.c */

/* Play the pending events `cand` of the current bucket (counted in interval iv)
 * in their sorted order; cand is left empty. */
void tc_play_bucket(tc_event_engine *e, tc_pvec *cand, int64_t iv);
void tc_play_free(tc_event_engine *e);

/* The interventions' indexes and the trending window; freed with what the
 * platform collected. */
void tc_platform_init(tc_event_engine *e);
void tc_platform_destroy(tc_event_engine *e);

/* Count one post or reshare at t (of cascade root, -1: none) into the volume. */
void tc_platform_volume(tc_event_engine *e, double t, int32_t root);
/* One more post or reshare of root r in its volume (root_vol), keeping `top`. */
static inline void tc_platform_root_vol(tc_event_engine *e, int32_t r)
{
    int64_t v = ++e->root_vol[r], m = e->root_vol[e->top];
    if (v > m || (v == m && r < e->top)) e->top = r;
}

/* The bucket of the next trend check that could change anything, or -1. */
int64_t tc_platform_next_check(const tc_event_engine *e);

/* Trend checks due by time tb: the volume of the last window against the
 * threshold; a trend that starts schedules a session check for every reader. */
void tc_platform_trend(tc_event_engine *e, double tb);

/* Timeline events of bucket b: posts by named accounts (new roots, delivered
 * in the round), takedowns, debunks, press coverage (a session check for every
 * person it covers). */
void tc_platform_fire(tc_event_engine *e, int64_t b, int64_t iv);

/* The summary's platform part and the recorder's trending and active-bot series. */
void tc_platform_finish(tc_event_engine *e, tc_summary *s);

/* ------------------------------------------------------------------ small helpers */

static inline int64_t tc_event_bucket(const tc_event_engine *e, double t)
{
    int64_t b = (int64_t)floor(t / e->dt);
    return b < e->cur ? e->cur : b;
}

/* Has bot w's group become active by t? */
static inline int tc_event_bot_active(const tc_event_engine *e, int32_t w, double t)
{
    return !e->pop->grp || t >= e->tl->act[e->pop->grp[w]];
}

/* tc_event_rule_prob with w's own count (the exposure being decided is
 * counted already). */
static inline double tc_event_adopt_prob(const tc_event_engine *e, int32_t src, int32_t w,
                                         double t)
{
    return tc_event_rule_prob(e, src, w, t, e->nseen ? e->nseen[w] : 0);
}

/* Reshare delay of an account of class cls, from `r` positioned by the caller:
 * the rule's own when it has one, else the population's. */
static inline double tc_event_delay(const tc_event_engine *e, gsl_rng *r, int cls)
{
    return e->model->delay ? e->model->delay(e->mpar, r) : tc_population_delay(e->pop, r, cls);
}

/* Is the post (author, seq, root) the one its author adopted with: its reshare
 * (seq 0) or the timeline post that started its cascade? A rule that counts
 * distinct accounts counts only those, so that repeats, reposts and later
 * timeline posts by the same author do not count again. Stable once the post
 * exists: an author's root and depth are set when it adopts, never after. */
static inline int tc_event_adoption_post(const tc_event_engine *e, int32_t author, int32_t seq,
                                         int32_t root)
{
    return seq == 0 || (seq > 0 && e->out->root[author] == root && e->out->depth[author] == 0);
}

/* The stream counter of the post (author, seq). */
static inline uint64_t tc_event_post_key(int32_t author, int32_t seq)
{
    return ((uint64_t)(uint32_t)author << 32) | (uint32_t)seq;
}

/* The appeal of a post of cascade `root` that reached the feed at t0, to an
 * account of class cls deciding at t: the scenario's kernel of its age (of the
 * post, or of its root), 1 when there is none or it does not apply to the
 * class. Fatigue is the caller's (read_item). Pure. */
static inline double tc_event_appeal(const tc_event_engine *e, int cls, int32_t root, double t0,
                                     double t)
{
    const tc_population *pop = e->pop;
    if (pop->appeal_kernel == TC_APPEAL_NONE || (cls == TC_CLASS_BOT && !pop->appeal_all))
        return 1.0;
    double from = pop->appeal_age_post || root < 0 ? t0 : e->out->roots[root].t;
    double a = t - from;
    if (a <= 0) return 1.0;
    if (pop->appeal_kernel == TC_APPEAL_POWER_LAW)
        return pow(1.0 + a / pop->appeal_tau_s, -pop->appeal_exponent);
    return exp(-pow(a / pop->appeal_tau_s, pop->appeal_beta));
}

/* Index of a class in per-thread counts: 1 for bots, 0 for people. */
static inline int tc_event_count_class(uint8_t cls) { return cls == TC_CLASS_BOT; }

/* Accounts post p reaches: its author's audience, or the one it mentions. */
static inline int64_t tc_event_audience(const tc_event_engine *e, const tc_post *p)
{
    return p->to >= 0 ? 1 : tc_population_audience(e->pop, e->net, p->author);
}

/* The k-th of them: the net's audience, then the population's added edges. */
static inline int32_t tc_event_member(const tc_event_engine *e, const tc_post *p, int64_t k)
{
    if (p->to >= 0) return p->to;
    int64_t d = tc_net_degree(e->net, p->author);
    if (k < d) return e->net->dst[e->net->off[p->author] + k];
    return e->pop->xdst[e->pop->xoff[p->author] + (k - d)];
}

#endif
