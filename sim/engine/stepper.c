/* Synchronous steps for step rules. A step has four phases:
 *   1. the timeline's posts of the step put their authors in the rule's seed
 *      state;
 *   2. every account in a push state adds one to in[its state] of each of its
 *      followers and offers itself as their parent (the minimum of ids). On
 *      several threads the work is split into equal runs of audience entries
 *      whose contacts are sorted into parts of the accounts, and each part is
 *      then counted by one thread: no two threads write one account's counts;
 *   3. every account with some in[k] > 0, in a live state, or in a push state
 *      when the rule needs out[], draws its next state from its own stream
 *      (run key, TC_P_STEP, account, step) while the states are read-only;
 *   4. the new states are applied, adoptions recorded, and the list of accounts
 *      in push or live states rebuilt; a long list is split over the threads,
 *      each writing only its accounts' entries, and their sums are added up
 *      after.
 * Each account's draw depends on nothing but the counts and its stream, and the
 * records are integer sums or rows sorted on output, so the result is the same
 * for any thread count and any order in which the lists were filled.
 *
 * Contacts skipped ahead (a rule's per_contact promise, engine.fast_path): in
 * phase 2 each contact of a pusher u with a follower in the contact state is
 * one Bernoulli draw of its own, and u's audience is skipped over block by
 * block (4,096 followers) with geometric gaps, from a Philox counter keyed by
 * (run key; u, step, block, TC_P_CONTACT): only the contacts that take count,
 * and such a follower moves in phase 3 without a draw of its own. When
 * exposures are counted, every follower is still visited (a bit filter), in
 * the first step its author pushes only: an exposure lasts. The
 * draws depend on no thread or order, so the result is again the same for any
 * thread count; it is the plain engine's in distribution, not in numbers. */
#include "engine/stepper.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pstream.h"
#include "base/rng.h"
#include "engine/outcome.h"
#include "engine/xroute.h"

/* mark bits: has an in-count this step; in act; has pushed to its audience in
 * an earlier step or pass (so that all its followers are exposed already) */
enum { M_HIT = 1, M_ACT = 2, M_TOLD = 4 };

/* A growing vector of 64-bit entries. */
typedef struct tc_cvec {
    uint64_t *v;
    int64_t n, cap;
} tc_cvec;

static inline void cvec_push(tc_cvec *c, uint64_t x)
{
    if (c->n == c->cap) TC_GROW(c->v, c->cap, c->n + 1, 1024);
    c->v[c->n++] = x;
}

/* Contacts gathered in one pass of phase 2 on several threads, at most: a step
 * that reaches more goes in several passes, so that the buffers stay near
 * 8 bytes x this (counts add up across passes). */
#define TC_STEP_PASS ((int64_t)1 << 16)
#define NO_PARENT INT32_MAX
/* Followers per block of an audience whose contacts are skipped ahead; audience
 * entries per pass of phase 2 over such blocks. */
#define SKIP_BLOCK 4096
#define SKIP_PASS ((int64_t)1 << 20)

/* What one thread's part of phase 4 adds to the run: the change in each
 * state's size, the reshares, and the cascade log's rows. */
typedef struct {
    int64_t sizes[TC_STEP_MAXSTATES];
    int64_t reshares;
    tc_adoption *log;
    int64_t nlog, log_cap;
} tc_share;

/* A block of a pusher's audience: followers [j SKIP_BLOCK, (j + 1) SKIP_BLOCK);
 * `expose`: the block's followers are visited for exposures (u's first push). */
typedef struct {
    int32_t u;
    uint32_t j : 31, expose : 1;
} sitem;

struct tc_stepper {
    /* inputs, borrowed */
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    const tc_model_type *model;
    const double *mpar;
    tc_recorder *rec;
    uint64_t key;                    /* run key: every draw is keyed under it */
    tc_outcome *out;                 /* where adoptions, roots and the log go */
    int threads;
    /* time: step cur is [cur dt, (cur + 1) dt) */
    double dt, horizon;              /* seconds */
    int64_t nbuckets, cur, per_interval;
    int next_event;                  /* next timeline event to look at */
    int64_t nreshares;               /* entries into an adopting state (progress reports) */
    int64_t examined;                /* audience entries read */
    int64_t *tcount;                 /* per thread, a row of 3 tstride: this step's new
                                        exposures, reshares and adopters, each [2 + ncomm]
                                        (by class, bots second, then by community) */
    int64_t tstride;
    tc_share *share;                 /* per thread, on lines of its own: phase 4's sums */
    gsl_rng **rng;                   /* per thread */

    int ns, np;                      /* states, push states */
    int8_t slot[TC_STEP_MAXSTATES];  /* push slot of each state, -1 if it does not push */
    unsigned push, live, adopt;      /* the rule's masks */
    unsigned keep;                   /* states kept in act: push | live */
    unsigned visit;                  /* states evaluated with no contact: live, and push
                                        when the rule needs out[] */
    uint8_t *state;                  /* [n] */
    uint64_t *deaf;                  /* [n bits] exposed, in a state whose transition reads
                                        no contacts: contacts pass it over (NULL when
                                        the rule reads contacts in every state) */
    unsigned cmask;                  /* the rule's contact_mask */
    uint8_t *mark;                   /* [n] M_* bits */
    uint8_t *nxt;                    /* [n] next state of eval[i] */
    int32_t *cnt;                    /* [n * np] in-counts of this step, else 0; NULL when
                                        contacts are skipped ahead (none is counted) */
    size_t ncnt;                     /* its entries */
    int32_t *par;                    /* [n] smallest adopting pusher followed, this step */
    int32_t *indeg;                  /* [n] followees (net and added edges), when the
                                        rule reads them (TC_USES_DEGREE), else NULL */
    int32_t *act;                    /* accounts in push or live states, each once */
    int64_t nact;
    int32_t *eval;                   /* accounts to evaluate this step, each once */
    int64_t neval;
    int64_t *pre;                    /* [n + 1] audience prefix over act */
    int64_t sizes[TC_STEP_MAXSTATES];
    /* phase 2 on several threads: contacts (w << 32 | u) sorted by thread into
     * parts of the accounts (w >> part_shift), then each part counted by one
     * thread with plain stores */
    int nparts, part_shift;
    tc_cvec *cv;                     /* [threads * nparts], a thread's row on lines of its own */
    tc_cvec *hits;                   /* [nparts]: accounts first reached, per part */
    /* contacts skipped ahead (the rule's per_contact promise) */
    int skip;
    double beta, lq;                 /* the per-contact probability, log1p(-beta) */
    uint8_t cfrom, cto;              /* the contact state, and where a contact takes it */
    int count_x;                     /* exposures counted: every follower visited */
    uint64_t *xbits;                 /* [n bits] exposed (skip and count_x), else NULL */
    tc_xroute route;                 /* with xbits on several threads: first exposures by
                                        the owners of its lines (rows NULL otherwise) */
    sitem *item;                     /* this pass's blocks */
    int64_t nitem, item_cap;
};

/* Thread t's row of counts: exposures, then reshares and adopters tstride apart. */
static inline int64_t *tcount_row(const tc_stepper *s, int t)
{
    return s->tcount + (size_t)t * 3 * (size_t)s->tstride;
}

/* Thread t's share (tc_xcalloc_lines rounds it to lines). */
static inline tc_share *share_row(const tc_stepper *s, int t)
{
    size_t row = (sizeof *s->share + TC_LINE - 1) / TC_LINE * TC_LINE;
    return (tc_share *)((char *)s->share + (size_t)t * row);
}

/* Thread t's row of contact vectors (tc_xcalloc_lines rounds rows to lines). */
static inline tc_cvec *cv_row(const tc_stepper *s, int t)
{
    size_t row = ((size_t)s->nparts * sizeof *s->cv + TC_LINE - 1) / TC_LINE * TC_LINE;
    return (tc_cvec *)((char *)s->cv + (size_t)t * row);
}

static inline int64_t audience(const tc_stepper *s, int32_t u)
{
    return tc_population_audience(s->pop, s->net, u);
}

/* The k-th follower of u: the net's audience, then the population's added edges. */
static inline int32_t follower(const tc_stepper *s, int32_t u, int64_t k)
{
    int64_t d = tc_net_degree(s->net, u);
    if (k < d) return s->net->dst[s->net->off[u] + k];
    return s->pop->xdst[s->pop->xoff[u] + (k - d)];
}

static inline int64_t step_of(const tc_stepper *s, double t) { return (int64_t)floor(t / s->dt); }

/* Make s ready for a run: inputs, time, and the state of a fresh engine. s is
 * zeroed but for the buffers tc_stepper_reuse carries over, which were built
 * for as many accounts, threads and communities; each is cleared here, or
 * allocated when it is missing. */
static void setup(tc_stepper *s, const tc_net *net, const tc_population *pop,
                  const tc_timeline *tl, const tc_model_type *m, const double *mpar,
                  tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_outcome *out)
{
    int32_t n = net->n;
    s->net = net;
    s->pop = pop;
    s->tl = tl;
    s->model = m;
    s->mpar = mpar;
    s->rec = rec;
    s->key = key;
    s->out = out;
    s->threads = o->threads;
    s->dt = o->dt;
    s->horizon = o->horizon;
    s->nbuckets = (int64_t)ceil(o->horizon / o->dt);
    s->per_interval = o->per_interval;
    /* what threads write at the same time lies on lines of their own */
    s->tstride = (2 + (int64_t)pop->ncomm + 7) / 8 * 8;
    if (s->tcount) {
        memset(s->tcount, 0, (size_t)s->threads * 3 * (size_t)s->tstride * sizeof *s->tcount);
        for (int i = 0; i < s->threads; i++) gsl_rng_set(s->rng[i], 0);
    } else {
        s->tcount = tc_xcalloc_lines((size_t)s->threads, 3 * (size_t)s->tstride * sizeof *s->tcount);
        s->share = tc_xcalloc_lines((size_t)s->threads, sizeof *s->share);
        s->rng = tc_xcalloc((size_t)s->threads, sizeof *s->rng);
        for (int i = 0; i < s->threads; i++) s->rng[i] = tc_rng_alloc_own_line();
    }

    s->ns = m->nstates;
    s->push = m->push_mask;
    s->live = m->live_mask;
    s->adopt = m->adopt_mask;
    s->keep = s->push | s->live;
    s->visit = s->live | (m->needs_out ? s->push : 0);
    for (int k = 0; k < TC_STEP_MAXSTATES; k++)
        s->slot[k] = (int8_t)(k < s->ns && (s->push >> k & 1) ? s->np++ : -1);
    size_t nn = (size_t)n, ncnt = nn * (size_t)(s->np ? s->np : 1);
    s->skip = o->fast_path && m->per_contact && s->np == 1 && m->contact_from < s->ns &&
              m->contact_to < s->ns && m->contact_mask == 1u << m->contact_from &&
              !(s->push >> m->contact_from & 1) && m->contact_param >= 0 &&
              m->contact_param < m->nparams;
    if (s->skip) {
        s->beta = mpar[m->contact_param];
        s->lq = s->beta < 1 ? log1p(-s->beta) : 0;
        s->cfrom = m->contact_from;
        s->cto = m->contact_to;
    }
    s->count_x = !o->skip_exposures;
    size_t words = (nn + 63) / 64; /* a bit per account */
    s->xbits = tc_zeroed_or_freed(s->xbits, s->skip && s->count_x, words * sizeof *s->xbits);
    if (!s->xbits || s->threads < 2) tc_xroute_destroy(&s->route);
    else if (!s->route.rows) tc_xroute_init(&s->route, s->threads, s->xbits, pop, out->exposed);
    else tc_xroute_bind(&s->route, s->xbits, pop, out->exposed); /* carried over */
    if (s->state) {
        memset(s->state, 0, nn);
        memset(s->mark, 0, nn);
        memset(s->nxt, 0, nn);
    } else {
        s->state = tc_xcalloc(nn, 1);
        s->mark = tc_xcalloc(nn, 1);
        s->nxt = tc_xcalloc(nn, 1);
    }
    s->cmask = m->contact_mask;
    s->deaf = tc_zeroed_or_freed(s->deaf, s->cmask != 0, words * sizeof *s->deaf);
    if (s->skip) {
        free(s->cnt);
        s->cnt = NULL;
        s->ncnt = 0;
    } else if (s->cnt && s->ncnt == ncnt) {
        memset(s->cnt, 0, ncnt * sizeof *s->cnt);
    } else {
        free(s->cnt);
        s->cnt = tc_xcalloc(ncnt, sizeof *s->cnt);
        s->ncnt = ncnt;
    }
    if (!s->par) s->par = tc_xmalloc(nn * sizeof *s->par);
    for (int32_t v = 0; v < n; v++) s->par[v] = NO_PARENT;
    if (!(m->uses & TC_USES_DEGREE)) {
        free(s->indeg);
        s->indeg = NULL;
    } else if (s->indeg) {
        tc_population_count_followees(s->pop, s->net, s->indeg);
    } else {
        s->indeg = tc_population_followees(s->pop, s->net);
    }
    if (!s->act) {
        s->act = tc_xmalloc(nn * sizeof *s->act);
        s->eval = tc_xmalloc(nn * sizeof *s->eval);
        s->pre = tc_xmalloc((nn + 1) * sizeof *s->pre);
    }
    s->sizes[0] = n;
    if (s->threads > 1) {
        /* about 8 parts per thread, each a run of 2^part_shift ids */
        int64_t want = 8 * (int64_t)s->threads;
        s->part_shift = 0;
        while (((int64_t)n >> s->part_shift) + 1 > want) s->part_shift++;
        s->nparts = (int)(((int64_t)n >> s->part_shift) + 1);
        if (s->cv) { /* carried over: emptied, with their room */
            for (int t = 0; t < s->threads; t++)
                for (int q = 0; q < s->nparts; q++) cv_row(s, t)[q].n = 0;
            for (int q = 0; q < s->nparts; q++) s->hits[q].n = 0;
        } else {
            s->cv = tc_xcalloc_lines((size_t)s->threads, (size_t)s->nparts * sizeof *s->cv);
            s->hits = tc_xcalloc((size_t)s->nparts, sizeof *s->hits);
        }
    }
    tc_recorder_compartments(s->rec, s->ns, m->state_names);
}

tc_stepper *tc_stepper_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                             const tc_model_type *m, const double *mpar, tc_recorder *rec,
                             uint64_t key, const tc_engine_opts *o, tc_outcome *out)
{
    tc_stepper *s = tc_xcalloc(1, sizeof *s);
    setup(s, net, pop, tl, m, mpar, rec, key, o, out);
    return s;
}

tc_stepper *tc_stepper_reuse(tc_stepper *old, const tc_net *net, const tc_population *pop,
                             const tc_timeline *tl, const tc_model_type *m, const double *mpar,
                             tc_recorder *rec, uint64_t key, const tc_engine_opts *o,
                             tc_outcome *out)
{
    if (!old) return tc_stepper_alloc(net, pop, tl, m, mpar, rec, key, o, out);
    /* A fresh engine, zeroed, takes over the old one's arrays and vectors;
     * what is not carried is freed with the old one (see tc_event_reuse) */
    tc_stepper *s = tc_xcalloc(1, sizeof *s);
    s->threads = old->threads;
    TC_CARRY(s, old, tcount);
    TC_CARRY(s, old, share);
    TC_CARRY(s, old, rng);
    TC_CARRY(s, old, state);
    TC_CARRY(s, old, deaf);
    TC_CARRY(s, old, mark);
    TC_CARRY(s, old, nxt);
    TC_CARRY(s, old, cnt);
    TC_CARRY(s, old, ncnt);
    TC_CARRY(s, old, par);
    TC_CARRY(s, old, indeg);
    TC_CARRY(s, old, act);
    TC_CARRY(s, old, eval);
    TC_CARRY(s, old, pre);
    TC_CARRY(s, old, cv); /* threads x parts of as many accounts: the same shape */
    TC_CARRY(s, old, hits);
    TC_CARRY(s, old, xbits);
    TC_CARRY(s, old, route);
    TC_CARRY(s, old, item);
    TC_CARRY(s, old, item_cap);
    tc_stepper_free(old);
    setup(s, net, pop, tl, m, mpar, rec, key, o, out);
    return s;
}

void tc_stepper_free(tc_stepper *s)
{
    if (!s) return;
    free(s->state);
    free(s->deaf);
    free(s->mark);
    free(s->nxt);
    free(s->cnt);
    free(s->par);
    free(s->indeg);
    free(s->act);
    free(s->eval);
    free(s->pre);
    if (s->cv) {
        for (int t = 0; t < s->threads; t++)
            for (int q = 0; q < s->nparts; q++) free(cv_row(s, t)[q].v);
        for (int q = 0; q < s->nparts; q++) free(s->hits[q].v);
    }
    free(s->cv);
    free(s->hits);
    free(s->xbits);
    tc_xroute_destroy(&s->route);
    free(s->item);
    free(s->tcount);
    if (s->share)
        for (int t = 0; t < s->threads; t++) free(share_row(s, t)->log);
    free(s->share);
    if (s->rng)
        for (int i = 0; i < s->threads; i++) gsl_rng_free(s->rng[i]);
    free(s->rng);
    free(s);
}

const int64_t *tc_stepper_sizes(const tc_stepper *s) { return s->sizes; }

uint8_t tc_stepper_state(const tc_stepper *s, int32_t v) { return s->state[v]; }

/* ------------------------------------------------------------------ helpers */

/* Whether contacts with v can change anything: v's deaf bit follows its state
 * and exposure. Threads may set the bits of different accounts at once. */
static inline void hear(tc_stepper *s, int32_t v)
{
    if (!s->deaf) return;
    uint64_t bit = (uint64_t)1 << (v & 63), *x = &s->deaf[v >> 6];
    int want = !(s->cmask >> s->state[v] & 1) && s->out->exposed[v];
    if (want == !!(__atomic_load_n(x, __ATOMIC_RELAXED) & bit)) return;
    if (want) __atomic_fetch_or(x, bit, __ATOMIC_RELAXED);
    else __atomic_fetch_and(x, ~bit, __ATOMIC_RELAXED);
}

static inline int deaf(const tc_stepper *s, int32_t w)
{
    return s->deaf && (s->deaf[w >> 6] >> (w & 63) & 1);
}

/* Put v in state k (a timeline post): sizes and act follow. */
static void set_state(tc_stepper *s, int32_t v, uint8_t k)
{
    s->sizes[s->state[v]]--;
    s->sizes[k]++;
    s->state[v] = k;
    hear(s, v);
    if ((s->keep >> k & 1) && !(s->mark[v] & M_ACT)) {
        s->mark[v] |= M_ACT;
        s->act[s->nact++] = v;
    }
}

void tc_stepper_put(tc_stepper *s, int32_t v, uint8_t k) { set_state(s, v, k); }

/* Compartment rows of the intervals holding steps [a, b): the sizes now. */
static void fill_rows(const tc_stepper *s, int64_t a, int64_t b)
{
    tc_recorder *rec = s->rec;
    if (a >= b) return;
    int64_t last = (b - 1) / s->per_interval;
    if (last >= rec->T) last = rec->T - 1;
    for (int64_t iv = a / s->per_interval; iv <= last; iv++)
        memcpy(rec->compartments + iv * s->ns, s->sizes, (size_t)s->ns * sizeof *s->sizes);
}

/* The step of the next timeline post, or -1 if none remains. */
static int64_t next_post(const tc_stepper *s)
{
    for (int i = s->next_event; i < s->tl->n; i++)
        if (s->tl->ev[i].kind == TC_EV_POST) return step_of(s, s->tl->ev[i].t);
    return -1;
}

/* ------------------------------------------------------------------ phases */

/* 1. Posts of step k: each is an original post (a root) and puts its author in
 * the seed state; the author adopts with its first post. */
static void seed(tc_stepper *s, int64_t k, int64_t iv)
{
    const tc_population *pop = s->pop;
    while (s->next_event < s->tl->n && step_of(s, s->tl->ev[s->next_event].t) <= k) {
        int i = s->next_event++;
        const tc_tevent *ev = &s->tl->ev[i];
        if (ev->kind != TC_EV_POST) continue; /* refused for step rules at load */
        int32_t a = ev->account;
        int32_t r = tc_outcome_add_root(s->out, ev->t, a, i);
        tc_recorder_add(s->rec, TC_CNT_POSTS, iv, pop->cls[a], pop->comm[a], 1);
        if (s->out->adopt_t[a] == INFINITY) {
            tc_outcome_adopt(s->out, a, ev->t, -1, r, 0);
            tc_recorder_add(s->rec, TC_CNT_ADOPTERS, iv, pop->cls[a], pop->comm[a], 1);
        }
        set_state(s, a, s->model->seed_state);
    }
}

/* Are the lists long enough (1/32 of the accounts) that a pass over every
 * account in id order costs less than following them in their order? */
static inline int dense(const tc_stepper *s, int32_t n)
{
    return (s->neval + s->nact) * 32 > (int64_t)n;
}

/* u, in a push state of slot `slot` (and an adopting one if `adopt`), reaches w:
 * one more in-count, w listed in `hits` the first time, u offered as w's parent.
 * Only one thread touches w at a time. */
static inline void reach(tc_stepper *s, int32_t u, int32_t w, int slot, int adopt,
                         int32_t *hits, int64_t *nhits)
{
    if (!s->skip) s->cnt[(int64_t)w * s->np + slot]++; /* skipped: one that took is enough */
    if (!(s->mark[w] & M_HIT)) {
        s->mark[w] |= M_HIT;
        hits[(*nhits)++] = w;
    }
    if (adopt && u < s->par[w]) s->par[w] = u;
}

/* The audience entry at `k` of the act list (pre[a] <= k < pre[a + 1]), for
 * entries lo .. hi - 1: f(u, w) for each, u = act[a] the author, w the follower
 * (the net's audience, then the population's added edges). */
#define FOR_ENTRIES(s, lo, hi, BODY)                                                   \
    do {                                                                                  \
        int64_t a_ = 0, z_ = (s)->nact;                                                   \
        while (z_ - a_ > 1) { /* the source holding entry lo: last a with pre[a] <= lo */ \
            int64_t mid_ = (a_ + z_) / 2;                                                 \
            if ((s)->pre[mid_] <= (lo)) a_ = mid_;                                        \
            else z_ = mid_;                                                               \
        }                                                                                 \
        for (int64_t k_ = (lo); k_ < (hi); a_++) {                                        \
            int64_t end_ = (s)->pre[a_ + 1] < (hi) ? (s)->pre[a_ + 1] : (hi);             \
            int32_t u = (s)->act[a_];                                                     \
            int64_t d_ = tc_net_degree((s)->net, u), j0_ = k_ - (s)->pre[a_];             \
            int64_t j1_ = end_ - (s)->pre[a_];                                            \
            const int32_t *dst_ = (s)->net->dst + (s)->net->off[u];                       \
            for (int64_t j_ = j0_; j_ < j1_; j_++) {                                      \
                int32_t w = j_ < d_ ? dst_[j_]                                            \
                                    : (s)->pop->xdst[(s)->pop->xoff[u] + (j_ - d_)];      \
                BODY;                                                                     \
            }                                                                             \
            k_ = end_ > k_ ? end_ : k_;                                                   \
        }                                                                                 \
    } while (0)

/* Part q's contacts (w << 32 | u), gathered by every thread, counted by the
 * calling thread alone; the accounts reached first go to hits[q]. */
static void count_part(tc_stepper *s, int q)
{
    int64_t m = 0;
    for (int t = 0; t < s->threads; t++) m += cv_row(s, t)[q].n;
    tc_cvec *h = &s->hits[q];
    if (h->cap < m) {
        h->cap = m;
        free(h->v);
        h->v = tc_xmalloc((size_t)m * sizeof *h->v);
    }
    int32_t *hv = (int32_t *)h->v; /* ids, in the first half of the room */
    h->n = 0;
    for (int t = 0; t < s->threads; t++) {
        tc_cvec *c = &cv_row(s, t)[q];
        for (int64_t i = 0; i < c->n; i++) {
            int32_t w = (int32_t)(c->v[i] >> 32), u = (int32_t)(uint32_t)c->v[i];
            uint8_t su = s->state[u];
            reach(s, u, w, s->slot[su], s->adopt >> su & 1, hv, &h->n);
        }
        c->n = 0;
    }
}

/* The accounts the parts reached first, appended to eval part by part. */
static void join_parts(tc_stepper *s)
{
    for (int q = 0; q < s->nparts; q++) {
        memcpy(s->eval + s->neval, s->hits[q].v, (size_t)s->hits[q].n * sizeof *s->eval);
        s->neval += s->hits[q].n;
    }
}

/* Entries lo .. hi - 1 on several threads: each thread sorts the contacts of
 * its chunks into parts of the accounts; then each part is counted by one
 * thread, and the accounts it reached first are appended to eval part by part. */
static void count_parts(tc_stepper *s, int64_t lo, int64_t hi)
{
    const int64_t chunk = 4096;
    int64_t nchunks = (hi - lo + chunk - 1) / chunk;
    const int shift = s->part_shift, P = s->nparts;
#pragma omp parallel num_threads(s->threads)
    {
        tc_cvec *mine = cv_row(s, omp_get_thread_num());
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < nchunks; c++) {
            int64_t a = lo + c * chunk, b = a + chunk < hi ? a + chunk : hi;
            FOR_ENTRIES(s, a, b, {
                if (!deaf(s, w))
                    cvec_push(&mine[w >> shift], (uint64_t)(uint32_t)w << 32 | (uint32_t)u);
            });
        }
#pragma omp for schedule(dynamic, 1)
        for (int q = 0; q < P; q++) count_part(s, q);
    }
    join_parts(s);
}

/* w sees a post for the first time in this step? Then it is exposed, counted
 * in tc (class, community). One thread visits; on several, tc_xroute_visit. */
static inline void skip_expose(tc_stepper *s, int32_t w, int64_t *tc)
{
    uint64_t bit = (uint64_t)1 << (w & 63), *x = &s->xbits[w >> 6];
    if (*x & bit) return;
    *x |= bit;
    s->out->exposed[w] = 1;
    tc[s->pop->cls[w] == TC_CLASS_BOT]++;
    tc[2 + s->pop->comm[w]]++;
}

/* Block it of this pass in step k: its followers exposed (when counted), and
 * the contacts that take, found by geometric jumps; each with a follower in the
 * contact state is reached: at once on one thread (hits = eval), else sorted
 * into this thread's parts (`mine`). */
static void skip_block(tc_stepper *s, int64_t k, const sitem *it, int64_t *tc, tc_cvec *mine,
                       int32_t *hits, int64_t *nhits, int tid)
{
    const tc_net *net = s->net;
    int32_t u = it->u;
    int64_t d = tc_net_degree(net, u), A = audience(s, u);
    int64_t k0 = (int64_t)it->j * SKIP_BLOCK, k1 = k0 + SKIP_BLOCK < A ? k0 + SKIP_BLOCK : A;
    const int32_t *s1 = net->dst + net->off[u];
    const int32_t *s2 = s->pop->xdst ? s->pop->xdst + s->pop->xoff[u] - d : NULL;
    if (it->expose && mine) { /* on threads (route.rows set): to the filter's owners */
        if (k0 < d) tc_xroute_visit(&s->route, tid, s1 + k0, (k1 < d ? k1 : d) - k0, tc);
        if (k1 > d) tc_xroute_visit(&s->route, tid, s2 + (k0 > d ? k0 : d), k1 - (k0 > d ? k0 : d), tc);
    } else if (it->expose) {
        for (int64_t i = k0; i < k1; i++) skip_expose(s, i < d ? s1[i] : s2[i], tc);
    }
    if (s->beta <= 0) return;
    uint8_t su = s->state[u];
    int slot = s->slot[su], adopt = s->adopt >> su & 1;
    tc_pstream r;
    tc_pstream_init(&r, (uint32_t)s->key, (uint32_t)(s->key >> 32), (uint32_t)u, (uint32_t)k,
                    (uint32_t)it->j,
                    (uint32_t)TC_P_CONTACT << 24 | (uint32_t)((uint64_t)k >> 32 & 0xff) << 16);
    /* the contacts that take, 64 at a time: their followers' states are fetched
     * before they are read, and so are the counts of those in the contact state */
    int32_t w[64], x[64];
    int nw = 0, done = 0;
    for (int64_t i = k0; !done;) {
        if (s->beta < 1) {
            double g = floor(log(tc_pstream_u01(&r)) / s->lq); /* failures before the next */
            if (g >= (double)(k1 - i)) done = 1;
            else i += (int64_t)g;
        } else if (i >= k1) {
            done = 1;
        }
        if (!done) {
            w[nw] = i < d ? s1[i] : s2[i];
            __builtin_prefetch(&s->state[w[nw]]);
            nw++;
            i++;
        }
        if (nw < 64 && !(done && nw)) continue;
        int nx = 0;
        for (int q = 0; q < nw; q++) {
            if (s->state[w[q]] != s->cfrom) continue;
            x[nx++] = w[q];
            if (!mine) {
                __builtin_prefetch(&s->mark[w[q]], 1);
                __builtin_prefetch(&s->par[w[q]], 1);
            }
        }
        for (int q = 0; q < nx; q++) {
            if (mine) cvec_push(&mine[x[q] >> s->part_shift], (uint64_t)(uint32_t)x[q] << 32 | (uint32_t)u);
            else reach(s, u, x[q], slot, adopt, hits, nhits);
        }
        nw = 0;
    }
}

/* The blocks of items lo .. hi - 1 (skip_block's arguments after the first
 * three), with the memory they read asked for ahead: the audiences lie
 * scattered over the graph, so a block's offsets are fetched 16 blocks ahead
 * and its first lines (up to four, and its last) 8 ahead. */
static void skip_blocks(tc_stepper *s, int64_t k, int64_t lo, int64_t hi, int64_t *tc,
                        tc_cvec *mine, int32_t *hits, int64_t *nhits, int tid)
{
    const tc_net *net = s->net;
    for (int64_t b = lo; b < hi; b++) {
        if (b + 16 < hi) __builtin_prefetch(&net->off[s->item[b + 16].u]);
        if (b + 8 < hi) {
            const sitem *x = &s->item[b + 8];
            int64_t o = net->off[x->u], d = net->off[x->u + 1] - o;
            int64_t k0 = (int64_t)x->j * SKIP_BLOCK, k1 = k0 + 64 < d ? k0 + 64 : d;
            const char *a = (const char *)(net->dst + o + k0), *e = (const char *)(net->dst + o + k1);
            for (; a < e; a += 64) __builtin_prefetch(a);
            if (k1 > k0) __builtin_prefetch(e - 1);
        }
        skip_block(s, k, &s->item[b], tc, mine, hits, nhits, tid);
    }
}

/* Phase 2 with contacts skipped ahead: the pushers' audiences block by block,
 * in passes of about SKIP_PASS entries. */
static void count_skip(tc_stepper *s, int64_t k, int64_t total)
{
    int parallel = s->threads > 1 && total > 4 * SKIP_BLOCK;
    int64_t i = 0;
    while (i < s->nact) {
        /* this pass's blocks */
        int64_t entries = 0;
        s->nitem = 0;
        for (; i < s->nact && entries < SKIP_PASS; i++) {
            int32_t u = s->act[i];
            if (!(s->push >> s->state[u] & 1)) continue;
            int64_t A = audience(s, u);
            /* a follower, once exposed, stays so: an audience is visited for
             * exposures in its author's first push only */
            unsigned x = s->count_x && !(s->mark[u] & M_TOLD);
            s->mark[u] |= M_TOLD;
            if (!x && s->beta <= 0) continue;
            for (int64_t j = 0; j * SKIP_BLOCK < A; j++) {
                TC_GROW(s->item, s->item_cap, s->nitem + 1, 256);
                s->item[s->nitem++] = (sitem){.u = u, .j = (uint32_t)j, .expose = x};
            }
            entries += A;
        }
        if (!parallel) {
            skip_blocks(s, k, 0, s->nitem, tcount_row(s, 0), NULL, s->eval, &s->neval, 0);
            continue;
        }
        int64_t nb = s->nitem, ng = (nb + 63) / 64;
#pragma omp parallel num_threads(s->threads)
        {
            int tid = omp_get_thread_num();
            tc_cvec *mine = cv_row(s, tid);
            int64_t *tc = tcount_row(s, tid);
#pragma omp for schedule(dynamic, 1)
            for (int64_t g = 0; g < ng; g++)
                skip_blocks(s, k, 64 * g, 64 * g + 64 < nb ? 64 * g + 64 : nb, tc, mine, NULL, NULL,
                            tid);
            /* after the loop's barrier: the followers sent to each owner */
            for (int o = tid; s->route.rows && o < s->threads; o += omp_get_num_threads())
                tc_xroute_settle(&s->route, o, tc);
#pragma omp for schedule(dynamic, 1)
            for (int q = 0; q < s->nparts; q++) count_part(s, q);
        }
        join_parts(s);
    }
}

/* Whether v goes in the list of list_ids: `which` 0, evaluated in this step;
 * 1, kept in act (and its M_ACT mark set to say so). */
static inline int listed(tc_stepper *s, int32_t v, int which)
{
    uint8_t m = s->mark[v];
    if (which == 0) return (m & M_HIT) || ((m & M_ACT) && (s->visit >> s->state[v] & 1));
    uint8_t to = (s->keep >> s->state[v] & 1) ? m | M_ACT : m & (uint8_t)~M_ACT;
    if (to != m) s->mark[v] = to;
    return to & M_ACT;
}

/* The accounts of 0 .. n - 1 that `listed` picks, in id order, put in `list`
 * (room for n); their number. On threads each lists a range of ids where its
 * own list would start at the latest, and the lists are then moved together. */
static int64_t list_range(tc_stepper *s, int32_t *list, int which, int32_t lo, int32_t hi)
{
    int64_t m = 0;
    if (which == 0) {
        for (int32_t v = lo; v < hi; v++)
            if (listed(s, v, 0)) list[m++] = v;
    } else {
        for (int32_t v = lo; v < hi; v++)
            if (listed(s, v, 1)) list[m++] = v;
    }
    return m;
}

static int64_t list_ids(tc_stepper *s, int32_t *list, int which)
{
    int32_t n = s->net->n;
    if (s->threads == 1 || n <= 65536) return list_range(s, list, which, 0, n);
    int T = s->threads;
    int64_t got[T];
#pragma omp parallel num_threads(T)
    {
        int t = omp_get_thread_num();
        int32_t lo = (int32_t)((int64_t)n * t / T), hi = (int32_t)((int64_t)n * (t + 1) / T);
        got[t] = list_range(s, list + lo, which, lo, hi);
    }
    int64_t at = got[0];
    for (int t = 1; t < T; t++) {
        memmove(list + at, list + (int64_t)n * t / T, (size_t)got[t] * sizeof *list);
        at += got[t];
    }
    return at;
}

/* 2. In-counts: every account of act in a push state reaches its audience. The
 * accounts it reaches first in this step are listed in eval. */
static void count(tc_stepper *s, int64_t k)
{
    memset(s->tcount, 0, (size_t)s->threads * 3 * (size_t)s->tstride * sizeof *s->tcount);
    int64_t na = s->nact;
    s->pre[0] = 0;
    for (int64_t i = 0; i < na; i++) {
        int32_t u = s->act[i];
        s->pre[i + 1] = s->pre[i] + ((s->push >> s->state[u] & 1) ? audience(s, u) : 0);
    }
    int64_t total = s->pre[na];
    s->examined += total;
    s->neval = 0;
    /* a parallel region costs more than a few thousand entries on a busy machine */
    if (s->skip) {
        count_skip(s, k, total);
    } else if (s->threads > 1 && total > 4 * 4096) {
        for (int64_t lo = 0; lo < total; lo += TC_STEP_PASS)
            count_parts(s, lo, lo + TC_STEP_PASS < total ? lo + TC_STEP_PASS : total);
    } else {
        FOR_ENTRIES(s, 0, total, {
            if (deaf(s, w)) continue;
            uint8_t su = s->state[u];
            reach(s, u, w, s->slot[su], s->adopt >> su & 1, s->eval, &s->neval);
        });
    }
    /* accounts that change without contact, or look at their followers */
    int32_t n = s->net->n;
    if (dense(s, n)) {
        /* many: list them all again in id order, so that the next phases walk
         * the per-account arrays forward rather than at random */
        s->neval = list_ids(s, s->eval, 0);
        return;
    }
    for (int64_t i = 0; i < na; i++) {
        int32_t u = s->act[i];
        if ((s->visit >> s->state[u] & 1) && !(s->mark[u] & M_HIT)) s->eval[s->neval++] = u;
    }
}

/* Counts c ([2 + ncomm], by class then community) added to `counter` in
 * interval iv, and cleared. */
static void add_counts(tc_stepper *s, int counter, int64_t iv, int64_t *c)
{
    tc_recorder *rec = s->rec;
    rec->by_class[((int64_t)counter * rec->T + iv) * 2 + 0] += c[0];
    rec->by_class[((int64_t)counter * rec->T + iv) * 2 + 1] += c[1];
    for (int q = 0; q < s->pop->ncomm; q++)
        rec->by_comm[((int64_t)counter * rec->T + iv) * rec->ncomm + q] += c[2 + q];
    memset(c, 0, (size_t)(2 + s->pop->ncomm) * sizeof *c);
}

/* 3. Next states of the accounts of eval, from the states at the start of step k. */
static void evaluate(tc_stepper *s, int64_t k, int64_t iv)
{
    const tc_population *pop = s->pop;
    const tc_model_type *m = s->model;
    const int ns = s->ns, np = s->np;
    int64_t nev = s->neval, ex = 0;
    /* tcount holds phase 2's exposures, when contacts are skipped ahead */
#pragma omp parallel num_threads(s->threads) if (nev > 4096 || (m->needs_out && nev > 256)) \
    reduction(+ : ex)
    {
        int tid = omp_get_thread_num();
        int64_t *tc = tcount_row(s, tid);
        gsl_rng *r = s->rng[tid];
        int32_t in[TC_STEP_MAXSTATES], out[TC_STEP_MAXSTATES];
#pragma omp for schedule(dynamic, 256)
        for (int64_t i = 0; i < nev; i++) {
            int32_t v = s->eval[i];
            if (s->skip && s->state[v] == s->cfrom) {
                /* listed only when reached by a contact that took; its exposure
                 * was counted in phase 2 */
                s->nxt[i] = s->cto;
                continue;
            }
            int hit = 0;
            for (int q = 0; q < ns; q++) {
                in[q] = out[q] = 0;
                if (s->slot[q] < 0 || !s->cnt) continue;
                int32_t *c = &s->cnt[(int64_t)v * np + s->slot[q]];
                in[q] = *c;
                hit |= *c != 0;
                *c = 0;
            }
            if (m->needs_out) {
                int64_t d = audience(s, v);
                for (int64_t j = 0; j < d; j++) out[s->state[follower(s, v, j)]]++;
                ex += d;
            }
            if (hit && !__atomic_load_n(&s->out->exposed[v], __ATOMIC_RELAXED) &&
                !__atomic_exchange_n(&s->out->exposed[v], 1, __ATOMIC_RELAXED)) {
                tc[pop->cls[v] == TC_CLASS_BOT]++;
                tc[2 + pop->comm[v]]++;
            }
            tc_step_view view = {.state = s->state[v], .cls = pop->cls[v], .comm = pop->comm[v],
                                 .followees = s->indeg ? s->indeg[v] : 0, .audience = audience(s, v),
                                 .in = in, .out = out};
            tc_rng_seek(r, s->key, TC_P_STEP, (uint32_t)v, (uint64_t)k);
            s->nxt[i] = m->transition(s->mpar, &view, r);
        }
    }
    s->examined += ex;
    for (int t = 0; t < s->threads; t++) add_counts(s, TC_CNT_EXPOSED, iv, tcount_row(s, t));
}

/* 4. eval[i] takes its new state at t, the end of the step. Entering an
 * adopting state is a reshare; the first time, the account adopts from its
 * parent: the smallest id among the accounts it follows that were in an
 * adopting push state at the start of the step. With none (a spontaneous
 * adoption) it, and whoever adopts from it, belongs to no cascade: root -1, no
 * row in the cascade log. Writes only the account's own entries; the sums go
 * to the thread's share sh and counts c (reshares, then adopters tstride on),
 * its log rows to sh->log, or straight to the log when `direct`. */
static inline void settle(tc_stepper *s, int64_t i, double t, tc_share *sh, int64_t *c,
                          int direct)
{
    const tc_population *pop = s->pop;
    tc_outcome *o = s->out;
    int32_t v = s->eval[i];
    uint8_t old = s->state[v], nw = s->nxt[i];
    int32_t pv = s->par[v];
    s->par[v] = NO_PARENT;
    s->mark[v] &= (uint8_t)~M_HIT;
    if (nw == old) {
        hear(s, v); /* it may have been exposed in this step */
        return;
    }
    if (nw >= s->ns) {
        fprintf(stderr, "tagcascade: rule %s gave state %d of %d\n", s->model->name, nw, s->ns);
        abort();
    }
    s->state[v] = nw;
    hear(s, v);
    sh->sizes[old]--;
    sh->sizes[nw]++;
    if (!(s->adopt >> nw & 1) || (s->adopt >> old & 1)) return;
    int bot = pop->cls[v] == TC_CLASS_BOT, q = 2 + pop->comm[v];
    sh->reshares++;
    c[bot]++;
    c[q]++;
    if (o->adopt_t[v] != INFINITY) return; /* again: volume, not a new adopter */
    c[s->tstride + bot]++;
    c[s->tstride + q]++;
    if (pv != NO_PARENT)
        tc_outcome_adopt(o, v, t, pv, o->root[pv], o->depth[pv] + 1);
    else
        tc_outcome_adopt(o, v, t, -1, -1, 0);
    if (o->root[v] < 0 || !o->record) return; /* rows belong to a cascade */
    tc_adoption a = {.t = t, .account = v, .parent = o->parent[v], .root = o->root[v],
                     .depth = o->depth[v]};
    if (direct) {
        tc_outcome_log(o, &a, 1);
    } else {
        TC_GROW(sh->log, sh->log_cap, sh->nlog + 1, 1024);
        sh->log[sh->nlog++] = a;
    }
}

/* settle for eval[lo .. hi - 1]. */
static void settle_range(tc_stepper *s, int64_t lo, int64_t hi, double t, tc_share *sh,
                         int64_t *c, int direct)
{
    const tc_outcome *o = s->out;
    for (int64_t i = lo; i < hi; i++) {
        /* the accounts' parents are scattered: their cascade and depth are
         * fetched 8 accounts ahead, their ids 16 ahead */
        if (i + 16 < hi) __builtin_prefetch(&s->par[s->eval[i + 16]]);
        if (i + 8 < hi) {
            int32_t q = s->par[s->eval[i + 8]];
            if (q != NO_PARENT) {
                __builtin_prefetch(&o->root[q]);
                __builtin_prefetch(&o->depth[q]);
            }
        }
        settle(s, i, t, sh, c, direct);
    }
}

/* 4. Apply the new states: eval split in equal ranges over the threads when
 * long, the shares then summed in thread order. */
static void apply(tc_stepper *s, int64_t k, int64_t iv)
{
    tc_outcome *o = s->out;
    double t = fmin((double)(k + 1) * s->dt, s->horizon); /* a last step may be cut short */
    int64_t ne = s->neval;
    int T = s->threads > 1 && ne > 16384 ? s->threads : 1;
    if (T == 1) {
        settle_range(s, 0, ne, t, share_row(s, 0), tcount_row(s, 0) + s->tstride, 1);
    } else {
#pragma omp parallel num_threads(T)
        {
            int tid = omp_get_thread_num();
            settle_range(s, ne * tid / T, ne * (tid + 1) / T, t, share_row(s, tid),
                         tcount_row(s, tid) + s->tstride, 0);
        }
    }
    for (int tid = 0; tid < T; tid++) {
        tc_share *sh = share_row(s, tid);
        for (int q = 0; q < s->ns; q++) s->sizes[q] += sh->sizes[q];
        memset(sh->sizes, 0, sizeof sh->sizes);
        s->nreshares += sh->reshares;
        sh->reshares = 0;
        int64_t *c = tcount_row(s, tid) + s->tstride;
        add_counts(s, TC_CNT_RESHARES, iv, c);
        add_counts(s, TC_CNT_ADOPTERS, iv, c + s->tstride);
        tc_outcome_log(o, sh->log, sh->nlog);
        sh->nlog = 0;
    }
    /* act: keep those still in push or live states, add the newcomers (in id
     * order when the lists are long) */
    int32_t n = s->net->n;
    if (dense(s, n)) {
        s->nact = list_ids(s, s->act, 1);
        return;
    }
    int64_t na = 0;
    for (int64_t i = 0; i < s->nact; i++) {
        int32_t u = s->act[i];
        if (s->keep >> s->state[u] & 1) s->act[na++] = u;
        else s->mark[u] &= (uint8_t)~M_ACT;
    }
    for (int64_t i = 0; i < s->neval; i++) {
        int32_t v = s->eval[i];
        if ((s->keep >> s->state[v] & 1) && !(s->mark[v] & M_ACT)) {
            s->mark[v] |= M_ACT;
            s->act[na++] = v;
        }
    }
    s->nact = na;
}

int tc_stepper_step(tc_stepper *s)
{
    if (s->cur >= s->nbuckets) return 0;
    if (s->nact == 0) {
        /* nothing can change before the next post */
        int64_t b = next_post(s);
        if (b < 0 || b >= s->nbuckets) b = s->nbuckets;
        if (b > s->cur) {
            fill_rows(s, s->cur, b);
            s->cur = b;
        }
        if (s->cur >= s->nbuckets) return 0;
    }
    int64_t k = s->cur, iv = k / s->per_interval;
    seed(s, k, iv);
    count(s, k);
    evaluate(s, k, iv);
    apply(s, k, iv);
    fill_rows(s, k, k + 1);
    s->cur = k + 1;
    return 1;
}

void tc_stepper_finish(tc_stepper *s, tc_summary *sum)
{
    sum->first_trending_t = NAN; /* no platform: nothing trends, nobody is removed */
    tc_recorder_active_bots(s->rec, s->pop, s->tl, s->horizon, NULL);
}

void tc_stepper_progress(const tc_stepper *s, tc_progress *p)
{
    p->done = s->nbuckets ? (double)s->cur / (double)s->nbuckets : 1;
    if (p->done > 1) p->done = 1;
    p->t = (double)s->cur * s->dt;
    p->reshares = s->nreshares;
}

void tc_stepper_work(const tc_stepper *s, tc_work *w)
{
    *w = (tc_work){.examined = s->examined, .engine = s->skip ? "step_skip" : "step"};
}
