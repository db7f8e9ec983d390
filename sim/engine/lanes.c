/* The lanes path (engine/lanes.h): every lane's cascade in one pass, generation
 * time by generation time.
 *
 * A pass visits the distinct times at which anything is posted, in order. At
 * time t: the timeline's posts at t are made (their authors adopt, in every
 * lane where they had not); then the claims made at t - d are settled in the
 * order they were made (a claim: follower v takes up post P of author u in the
 * lanes of its mask; v adopts in those where it has not yet, with u as parent);
 * then every post made at t is delivered: each follower is exposed in the
 * post's lanes, and draws, in the lanes where it has not adopted, whether it
 * takes the post up, which makes a claim for t + d. Delivery runs on threads
 * over blocks of audiences; claims are kept per block and joined in block
 * order, so the order of claims, and thus every parent, is the same for any
 * thread count. Exposures are atomic ORs: which thread sees a first exposure
 * does not change the counts.
 *
 * The event engine plays the same runs in distribution: one chance per post
 * and follower, decided at delivery, the reshare d later unless the follower
 * has adopted by then; the earliest claim wins. Only ties differ: between
 * claims at the same time the event engine's order decides the parent. */
#include "engine/lanes.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "base/pstream.h"
#include "base/rng.h"
#include "engine/event.h"
#include "engine/xroute.h"

/* A post being delivered at the current time: `u`'s post `seq` (0: its
 * reshare; k + 1: timeline event k) in the lanes of m. */
typedef struct {
    int32_t u, seq;
    uint64_t m;
    int64_t off, aud;        /* u's followers: net->dst + off, and how many with added ones */
    int64_t deg;             /* of which in the net */
} lfront;

/* A claim: v takes up post (u, seq) in the lanes of m. */
typedef struct {
    int32_t v, u, seq, pad;
    uint64_t m;
} lclaim;

/* How an account adopted in one lane: the post it took up, and when (an index
 * into times). post: 0 .. n-1, that account's reshare; n + i, timeline event
 * i's post; -2 - i, it wrote timeline event i's post itself. Its cascade and
 * depth follow from the post's, once the lane is taken (tc_lanes_take). */
typedef struct {
    int32_t post, slice;
} lstate;

/* The claims made at one time, for time t. */
typedef struct {
    double t;
    lclaim *c;
    int64_t n, cap;
} lqueue;

/* A unit of delivery: block j of front[f]'s audience. */
typedef struct {
    int64_t f, j;
} litem;

enum { BLOCK = 4096 };

/* Adopters a time slice must have before tc_lanes_take shares them out among
 * threads (and a lane in all before it starts any). */
enum { TAKE_PAR = 8192 };

struct tc_lanes {
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    uint32_t key[2];
    uint64_t lanes;
    int L;
    int8_t pos[64];          /* lane bit -> its index among the lanes, -1 if not run */
    int threads;
    double d, dt, horizon;
    int64_t per_interval, T;
    int ncnt;                /* 2 + communities: the exposure counts' width */
    int count_x;             /* 0: exposures are not tracked (X, Xfull NULL) */
    double *prob;            /* [3 * ncomm]: class x community */
    double p_all;            /* the probability of every account, if one; else -1 */
    double pmax;             /* the largest probability of any account */

    uint64_t *A, *X;         /* [n]: lanes where each account adopted, was exposed (NULL
                                with one lane, X also without count_x) */
    uint64_t *Afull, *Xfull; /* [n bits]: set once A, X hold every lane: filters that
                                fit in the cache, and with one lane the whole story */
    int32_t *fidx;           /* [n]: index in front[] of its reshare this time, or -1
                                (NULL with one lane) */
    lstate *st;              /* [L * n]: lane k's accounts at k * n */
    int32_t *order;          /* [n] scratch of tc_lanes_take: a lane's adopters by time */
    const tc_outcome *last_out; /* the outcome that holds order[0 .. nprev)'s adoptions and
                                   no other (tc_lanes_fresh, tc_lanes_take) */
    int64_t nprev;
    int64_t ex[64];          /* audience entries of each lane's reshares */
    int64_t *tcount;         /* [times + 1] its counts */
    int64_t tcount_cap;

    double *times;           /* the times of the pass */
    int64_t ntimes, times_cap;
    double now;              /* the time being played; -1 before the first */
    int next_event;
    int32_t *event_root;     /* [tl->n]: root of each timeline post made, -1 */
    tc_root *roots;
    int32_t nroots;
    int64_t roots_cap;

    lfront *front;
    int64_t nfront, front_cap;
    litem *item;
    int64_t nitem, item_cap;
    lqueue *q;               /* claims waiting, by time: q[qhead .. qhead + qn) in a ring */
    lclaim *spare;           /* a settled queue's vector, for the next */
    int64_t spare_cap;
    int64_t qcap, qhead, qn;

    lclaim **cbuf;           /* per chunk of delivery: its claims */
    int64_t *cbuf_n, *cbuf_cap;
    int nchunks;
    int64_t *tcnt;           /* per thread [L * ncnt] first exposures this time, a line apart */
    int64_t tstride;         /* L * ncnt exposure counts, then 64 claim counts per lane bit */
    int64_t *xcnt;           /* [L][T][ncnt] first exposures per interval */
    tc_xroute route;         /* one lane on several threads: first exposures by the
                                owners of the filter's lines (rows NULL otherwise) */
    int64_t cand[64];        /* claims made per lane bit */
    int64_t *tkcnt;          /* per thread 2 * ncnt counts of tc_lanes_take, a line apart */
};

/* ------------------------------------------------------------------ applies */

static double class_delay(const tc_population *pop, int cls)
{
    /* tc_population_delay with nothing left to chance: the same arithmetic */
    if (cls == TC_CLASS_BOT) return pop->bot_delay_min_s;
    return exp(log(pop->delay_median_s));
}

double tc_lanes_applies(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                        const tc_model_type *model, const double *mpar, const tc_engine_opts *o)
{
    (void)net;
    (void)mpar;
    if (!o->fast_path || model->engine != TC_RULE_EVENT || model->uses != TC_FIXED_BY_CLASS ||
        model->delay)
        return 0;
    if (pop->sessions || pop->appeal_kernel != TC_APPEAL_NONE || pop->own_on || pop->trend_on ||
        pop->leader)
        return 0;
    /* bots that only decide as people do: no repeats, reposts, mentions or
     * rings, active from the start */
    for (int g = 0; pop->grp && pop->nbots > 0 && g < pop->ngroups; g++) {
        const tc_bot_group *b = &pop->group[g];
        if (b->repeat_count > 0 || b->posts_per_hour > 0 || b->ring > 0 || b->nmentions > 0 ||
            tl->act[g] > 0)
            return 0;
    }
    for (int i = 0; i < tl->n; i++)
        if (tl->ev[i].kind != TC_EV_POST) return 0;
    if (pop->delay_sigma != 0) return 0;
    double d = class_delay(pop, TC_CLASS_HUMAN);
    /* people's delay is exp(log(median)): equal to the bots' but for a rounding */
    if (pop->nbots > 0 && (pop->bot_delay_min_s != pop->bot_delay_max_s ||
                           fabs(class_delay(pop, TC_CLASS_BOT) - d) > 1e-9 * d))
        return 0;
    return d > 0 && isfinite(d) ? d : 0;
}

/* ------------------------------------------------------------------ set-up */

tc_lanes *tc_lanes_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                         const tc_model_type *model, const double *mpar, uint64_t key,
                         uint64_t lanes, const tc_engine_opts *o)
{
    tc_lanes *l = tc_xcalloc(1, sizeof *l);
    int32_t n = net->n;
    l->net = net;
    l->pop = pop;
    l->tl = tl;
    l->key[0] = (uint32_t)key;
    l->key[1] = (uint32_t)(key >> 32);
    l->lanes = lanes;
    for (int b = 0; b < 64; b++) l->pos[b] = (int8_t)(lanes >> b & 1 ? l->L++ : -1);
    l->threads = o->threads;
    l->d = tc_lanes_applies(net, pop, tl, model, mpar, o);
    l->dt = o->dt;
    l->horizon = o->horizon;
    l->per_interval = o->per_interval;
    int64_t nb = (int64_t)ceil(o->horizon / o->dt);
    l->T = (nb + o->per_interval - 1) / o->per_interval;
    if (l->T < 1) l->T = 1;
    l->ncnt = 2 + pop->ncomm;
    l->count_x = !o->skip_exposures;

    l->prob = tc_xmalloc((size_t)(3 * pop->ncomm) * sizeof *l->prob);
    for (int cls = 0; cls < 3; cls++)
        for (int k = 0; k < pop->ncomm; k++) {
            tc_exposure x = {.src = -1, .dst = -1, .dst_class = (uint8_t)cls,
                             .dst_comm = (uint16_t)k};
            double p = model->adopt_prob(mpar, &x);
            if (pop->susc && cls != TC_CLASS_BOT) p *= pop->susc[k];
            l->prob[cls * pop->ncomm + k] = p < 1 ? p : 1;
        }
    /* one probability for everyone there is: no need to look up classes */
    l->p_all = -1;
    l->pmax = 0;
    for (int32_t v = 0; v < n; v++) {
        double p = l->prob[pop->cls[v] * pop->ncomm + pop->comm[v]];
        if (v == 0) l->p_all = p;
        else if (p != l->p_all) l->p_all = -1;
        if (p > l->pmax) l->pmax = p;
    }

    if (l->L > 1) l->A = tc_xcalloc((size_t)n ? (size_t)n : 1, sizeof *l->A);
    if (l->L > 1 && l->count_x) l->X = tc_xcalloc((size_t)n ? (size_t)n : 1, sizeof *l->X);
    size_t words = ((size_t)n + 63) / 64;
    l->Afull = tc_xcalloc(words ? words : 1, sizeof *l->Afull);
    if (l->count_x) l->Xfull = tc_xcalloc(words ? words : 1, sizeof *l->Xfull);
    if (l->L > 1) {
        l->fidx = tc_xmalloc(((size_t)n ? (size_t)n : 1) * sizeof *l->fidx);
        memset(l->fidx, 0xff, (size_t)n * sizeof *l->fidx);
    }
    size_t nst = (size_t)n * (size_t)l->L;
    l->st = tc_xmalloc_huge((nst > 0 ? nst : 1) * sizeof *l->st);
    l->now = -1;
    l->event_root = tc_xmalloc((size_t)(tl->n ? tl->n : 1) * sizeof *l->event_root);
    for (int i = 0; i < tl->n; i++) l->event_root[i] = -1;

    l->nchunks = l->threads > 1 ? 4 * l->threads : 1;
    l->cbuf = tc_xcalloc((size_t)l->nchunks, sizeof *l->cbuf);
    l->cbuf_n = tc_xcalloc((size_t)l->nchunks, sizeof *l->cbuf_n);
    l->cbuf_cap = tc_xcalloc((size_t)l->nchunks, sizeof *l->cbuf_cap);
    l->tstride = ((int64_t)l->L * l->ncnt + 64 + 7) / 8 * 8;
    l->tcnt = tc_xcalloc_lines((size_t)l->threads, (size_t)l->tstride * sizeof *l->tcnt);
    l->xcnt = tc_xcalloc((size_t)l->L * (size_t)l->T * (size_t)l->ncnt, sizeof *l->xcnt);
    if (l->L == 1 && l->count_x && l->threads > 1)
        tc_xroute_init(&l->route, l->threads, l->Xfull, pop, NULL);
    return l;
}

void tc_lanes_free(tc_lanes *l)
{
    if (!l) return;
    free(l->prob);
    free(l->A);
    free(l->X);
    free(l->Afull);
    free(l->Xfull);
    free(l->fidx);
    free(l->st);
    free(l->order);
    free(l->tcount);
    free(l->times);
    free(l->event_root);
    free(l->roots);
    free(l->front);
    free(l->item);
    for (int64_t i = 0; i < l->qn; i++) free(l->q[(l->qhead + i) % l->qcap].c);
    free(l->q);
    free(l->spare);
    for (int c = 0; c < l->nchunks; c++) free(l->cbuf[c]);
    free(l->cbuf);
    free(l->cbuf_n);
    free(l->cbuf_cap);
    free(l->tcnt);
    free(l->xcnt);
    free(l->tkcnt);
    tc_xroute_destroy(&l->route);
    free(l);
}

/* ------------------------------------------------------------------ draws */

/* Lane b's draws for block j of the audience of post (u, seq): Philox blocks
 * keyed by the lanes' key, counter (u, seq, j, TC_P_LIVE << 24 | b << 16 | i)
 * for i = 0, 1, ...; each block gives two uniforms of 53 bits in (0, 1). A
 * lane's draws thus depend on that lane alone, not on which lanes are played
 * beside it. */
static inline void lstream_init(tc_pstream *s, const uint32_t key[2], int32_t u, int32_t seq,
                                int64_t j, int b)
{
    tc_pstream_init(s, key[0], key[1], (uint32_t)u, (uint32_t)seq, (uint32_t)j,
                    (uint32_t)TC_P_LIVE << 24 | (uint32_t)b << 16);
}

/* ------------------------------------------------------------------ a time */

static int64_t interval_of(const tc_lanes *l, double t)
{
    int64_t iv = (int64_t)floor(t / l->dt) / l->per_interval;
    return iv < l->T ? iv : l->T - 1;
}

static void push_front(tc_lanes *l, int32_t u, int32_t seq, uint64_t m)
{
    TC_GROW(l->front, l->front_cap, l->nfront + 1, 256);
    int64_t off = l->net->off[u], deg = l->net->off[u + 1] - off;
    int64_t aud = deg + (l->pop->xoff ? l->pop->xoff[u + 1] - l->pop->xoff[u] : 0);
    l->front[l->nfront++] = (lfront){.u = u, .seq = seq, .m = m, .off = off, .aud = aud,
                                     .deg = deg};
}

/* Has v adopted in lane bit b? */
static inline int adopted(const tc_lanes *l, int32_t v, int b)
{
    if (l->L == 1) return l->Afull[v >> 6] >> (v & 63) & 1;
    return l->A[v] >> b & 1;
}

/* settle() with one lane: the filter of adopters says who adopted, and the
 * state's slice whether that was at this time. */
static void settle_one(tc_lanes *l, const lqueue *q, int32_t slice)
{
    int32_t n = l->net->n;
    lstate *st = l->st;
    for (int64_t i = 0; i < q->n; i++) {
        if (i + 8 < q->n) {
            int32_t w = q->c[i + 8].v;
            __builtin_prefetch(&st[w], 1);
            __builtin_prefetch(&l->net->off[w]);
        }
        const lclaim *c = &q->c[i];
        int32_t v = c->v;
        int32_t post = c->seq > 0 ? n + c->seq - 1 : c->u;
        uint64_t bit = (uint64_t)1 << (v & 63);
        if (l->Afull[v >> 6] & bit) {
            if (st[v].slice == slice && post < st[v].post) st[v].post = post;
            continue;
        }
        l->Afull[v >> 6] |= bit;
        st[v] = (lstate){.post = post, .slice = slice};
        push_front(l, v, 0, l->lanes);
        l->ex[__builtin_ctzll(l->lanes)] += l->front[l->nfront - 1].aud;
    }
}

/* The claims of queue entry q settled. Where several claims reach an account
 * in one lane at the same time, the lowest post (lstate's numbering: reshares
 * by account, then timeline posts) wins: a rule of the lane alone, so that a
 * lane's run does not depend on the other lanes played beside it (nor on the
 * order of the claims). */
static void settle(tc_lanes *l, const lqueue *q, int32_t slice)
{
    int32_t n = l->net->n;
    if (l->L == 1) {
        settle_one(l, q, slice);
        return;
    }
    for (int64_t i = 0; i < q->n; i++) {
        if (i + 8 < q->n) {
            int32_t w = q->c[i + 8].v;
            __builtin_prefetch(&l->fidx[w]);
            __builtin_prefetch(&l->A[w], 1);
            __builtin_prefetch(&l->net->off[w]);
        }
        const lclaim *c = &q->c[i];
        int32_t v = c->v;
        uint64_t now = l->fidx[v] >= 0 ? l->front[l->fidx[v]].m : 0; /* adopted at this time */
        uint64_t nw = c->m & ~(l->A[v] & ~now);
        if (!nw) continue;
        int32_t post = c->seq > 0 ? n + c->seq - 1 : c->u;
        for (uint64_t m = nw; m; m &= m - 1) {
            lstate *x = &l->st[(int64_t)l->pos[__builtin_ctzll(m)] * n + v];
            if ((now & m & -m) && x->post <= post) continue;
            *x = (lstate){.post = post, .slice = slice};
        }
        nw &= ~now;
        if (!nw) continue;
        l->A[v] |= nw;
        if (l->A[v] == l->lanes) l->Afull[v >> 6] |= (uint64_t)1 << (v & 63);
        if (l->fidx[v] < 0) {
            l->fidx[v] = (int32_t)l->nfront;
            push_front(l, v, 0, nw);
        } else {
            l->front[l->fidx[v]].m |= nw;
        }
        for (uint64_t m = nw; m; m &= m - 1) l->ex[__builtin_ctzll(m)] += l->front[l->fidx[v]].aud;
    }
}

/* OR m into *p, returning the old value: atomically when several threads
 * deliver at once. */
static inline uint64_t or_old(uint64_t *p, uint64_t m, int shared)
{
    if (shared) return __atomic_fetch_or(p, m, __ATOMIC_RELAXED);
    uint64_t old = *p;
    *p = old | m;
    return old;
}

/* Followers s[0 .. n) exposed to a post in the lanes of m: first exposures
 * counted per lane, class and community. */
static void expose_run(tc_lanes *l, const int32_t *s, int64_t n, uint64_t m, int64_t *cnt,
                       int shared)
{
    const tc_population *pop = l->pop;
    uint64_t *Xfull = l->Xfull;
    int single = l->L == 1;
    for (int64_t i = 0; i < n; i++) {
        int32_t v = s[i];
        uint64_t bit = (uint64_t)1 << (v & 63);
        if (__atomic_load_n(&Xfull[v >> 6], __ATOMIC_RELAXED) & bit) continue;
        uint64_t nx;
        if (single) { /* one lane: the filter is the whole story */
            nx = or_old(&Xfull[v >> 6], bit, shared) & bit ? 0 : m;
        } else {
            uint64_t old = or_old(&l->X[v], m, shared);
            nx = m & ~old;
            if ((old | m) == l->lanes) or_old(&Xfull[v >> 6], bit, shared);
        }
        if (!nx) continue;
        int cls = pop->cls[v] == TC_CLASS_BOT, cm = 2 + pop->comm[v];
        for (uint64_t x = nx; x; x &= x - 1) {
            int64_t *row = cnt + (int64_t)l->pos[__builtin_ctzll(x)] * l->ncnt;
            row[cls]++;
            row[cm]++;
        }
    }
}

/* Deliver item range [lo, hi) of this time into chunk c's claims, counting on
 * thread tid; `shared`: other threads deliver at the same time. In each lane
 * of the post, the followers that take it up are found by skipping ahead:
 * the gaps between candidates are geometric with the largest probability q of
 * any account, and a candidate v is kept with probability p(v) / q. Followers
 * that adopted in the lane before are passed over without a draw. */
static void deliver(tc_lanes *l, int64_t lo, int64_t hi, int c, int tid, int claims,
                    int shared)
{
    const tc_population *pop = l->pop;
    const tc_net *net = l->net;
    int64_t *cnt = l->tcnt + (int64_t)tid * l->tstride;
    int64_t *cand = cnt + l->tstride - 64;
    int ncomm = pop->ncomm, single = l->L == 1;
    double q = l->pmax, lq = log1p(-q); /* -inf when q = 1: every follower a candidate */
    double p_all = l->p_all;
    const uint64_t *Afull = l->Afull, *Al = l->A;
    /* the chunk's claims in locals: the vectors of the chunks share lines, and
     * other threads write theirs */
    lclaim *cb = l->cbuf[c];
    int64_t cn = l->cbuf_n[c], ccap = l->cbuf_cap[c];
    for (int64_t it = lo; it < hi; it++) {
        /* the audiences are scattered over the graph: a block's first lines
         * (up to four, and its last; most audiences span two) are fetched 16
         * items ahead */
        if (it + 16 < hi) {
            const litem *x = &l->item[it + 16];
            const lfront *fx = &l->front[x->f];
            int64_t k0 = x->j * BLOCK, k1 = k0 + BLOCK < fx->deg ? k0 + BLOCK : fx->deg;
            if (k1 > k0 + 64) k1 = k0 + 64;
            const char *a = (const char *)(net->dst + fx->off + k0);
            const char *e = (const char *)(net->dst + fx->off + k1);
            for (; a < e; a += 64) __builtin_prefetch(a);
            if (k1 > k0) __builtin_prefetch(e - 1);
        }
        const lfront *f = &l->front[l->item[it].f];
        int32_t u = f->u;
        int64_t d = f->deg, A = f->aud;
        int64_t j = l->item[it].j, k0 = j * BLOCK, k1 = k0 + BLOCK < A ? k0 + BLOCK : A;
        /* the block as up to two runs: the net's audience, then the added follows */
        const int32_t *s1 = net->dst + f->off;
        const int32_t *s2 = pop->xdst ? pop->xdst + pop->xoff[u] - d : NULL;
        if (shared && l->route.rows) { /* one lane on several threads */
            if (k0 < d) tc_xroute_visit(&l->route, tid, s1 + k0, (k1 < d ? k1 : d) - k0, cnt);
            if (k1 > d)
                tc_xroute_visit(&l->route, tid, s2 + (k0 > d ? k0 : d), k1 - (k0 > d ? k0 : d), cnt);
        } else if (l->count_x) {
            if (k0 < d) expose_run(l, s1 + k0, (k1 < d ? k1 : d) - k0, f->m, cnt, shared);
            if (k1 > d) expose_run(l, s2 + (k0 > d ? k0 : d), k1 - (k0 > d ? k0 : d), f->m, cnt, shared);
        }
        if (!claims || q <= 0) continue;
        for (uint64_t lm = f->m; lm; lm &= lm - 1) {
            int b = __builtin_ctzll(lm);
            uint64_t bb = (uint64_t)1 << b;
            tc_pstream s;
            lstream_init(&s, l->key, u, f->seq, j, b);
            for (int64_t k = k0;; k++) {
                if (q < 1) {
                    double g = floor(log(tc_pstream_u01(&s)) / lq); /* failures before the next */
                    if (g >= (double)(k1 - k)) break;
                    k += (int64_t)g;
                } else if (k >= k1) {
                    break;
                }
                int32_t v = k < d ? s1[k] : s2[k];
                if (Afull[v >> 6] >> (v & 63) & 1) continue;
                if (!single && (Al[v] & bb)) continue;
                double p = p_all >= 0 ? p_all : l->prob[pop->cls[v] * ncomm + pop->comm[v]];
                if (p < q && tc_pstream_u01(&s) * q >= p) continue;
                cand[b]++;
                if (cn == ccap) cb = tc_xgrow(cb, &ccap, cn + 1, sizeof *cb, 256);
                cb[cn++] = (lclaim){.v = v, .u = u, .seq = f->seq, .m = bb};
            }
        }
    }
    l->cbuf[c] = cb, l->cbuf_n[c] = cn, l->cbuf_cap[c] = ccap;
}

static lqueue *queue_at(tc_lanes *l, int64_t i) { return &l->q[(l->qhead + i) % l->qcap]; }

/* Deliver every post of this time; their claims wait for t + d. */
static void deliver_all(tc_lanes *l, double t, int64_t iv)
{
    l->nitem = 0;
    for (int64_t f = 0; f < l->nfront; f++) {
        int64_t A = l->front[f].aud;
        for (int64_t j = 0; j * BLOCK < A; j++) {
            TC_GROW(l->item, l->item_cap, l->nitem + 1, 256);
            l->item[l->nitem++] = (litem){.f = f, .j = j};
        }
    }
    double tn = t + l->d;
    int64_t claims = tn < l->horizon;
    int C = l->nitem < l->nchunks ? 1 : l->nchunks;
    for (int c = 0; c < C; c++) l->cbuf_n[c] = 0;
    for (int i = 0; i < l->threads; i++)
        memset(l->tcnt + (int64_t)i * l->tstride, 0, (size_t)l->tstride * sizeof *l->tcnt);
    if (C == 1) {
        deliver(l, 0, l->nitem, 0, 0, claims, 0);
    } else {
#pragma omp parallel num_threads(l->threads)
        {
            int tid = omp_get_thread_num(), nth = omp_get_num_threads();
#pragma omp for schedule(dynamic, 1)
            for (int c = 0; c < C; c++) {
                int64_t lo = l->nitem * c / C, hi = l->nitem * (c + 1) / C;
                deliver(l, lo, hi, c, tid, claims, 1);
            }
            /* after the loop's barrier: the followers sent to each owner */
            for (int o = tid; l->route.rows && o < l->threads; o += nth)
                tc_xroute_settle(&l->route, o, l->tcnt + (int64_t)tid * l->tstride);
        }
    }
    for (int i = 0; i < l->threads; i++) {
        const int64_t *cnt = l->tcnt + (int64_t)i * l->tstride;
        for (int k = 0; k < l->L; k++)
            for (int q = 0; q < l->ncnt; q++)
                l->xcnt[((int64_t)k * l->T + iv) * l->ncnt + q] += cnt[k * l->ncnt + q];
        for (int b = 0; b < 64; b++) l->cand[b] += cnt[l->tstride - 64 + b];
    }
    if (!claims) return;
    int64_t total = 0;
    for (int c = 0; c < C; c++) total += l->cbuf_n[c];
    if (!total) return;
    if (l->qn == l->qcap) {
        int64_t cap = l->qcap ? 2 * l->qcap : 4;
        lqueue *nq = tc_xcalloc((size_t)cap, sizeof *nq);
        for (int64_t i = 0; i < l->qn; i++) nq[i] = *queue_at(l, i);
        free(l->q);
        l->q = nq;
        l->qcap = cap;
        l->qhead = 0;
    }
    /* times only grow, and t + d is later than every claim already waiting
     * (each was made before t), so the queue stays in time order */
    lqueue *q = queue_at(l, l->qn++);
    memset(q, 0, sizeof *q);
    q->t = tn;
    if (C == 1) { /* the chunk's vector becomes the queue's; a spare one takes its place */
        q->c = l->cbuf[0], q->n = l->cbuf_n[0], q->cap = l->cbuf_cap[0];
        l->cbuf[0] = l->spare, l->cbuf_cap[0] = l->spare_cap, l->cbuf_n[0] = 0;
        l->spare = NULL, l->spare_cap = 0;
        return;
    }
    if (l->spare_cap >= total) { /* a settled queue's vector, its pages warm */
        q->c = l->spare, q->cap = l->spare_cap;
        l->spare = NULL, l->spare_cap = 0;
    }
    TC_GROW(q->c, q->cap, total, 256);
    for (int c = 0; c < C; c++) {
        if (!l->cbuf_n[c]) continue; /* its vector may not exist yet */
        memcpy(q->c + q->n, l->cbuf[c], (size_t)l->cbuf_n[c] * sizeof *q->c);
        q->n += l->cbuf_n[c];
    }
}

/* The pass is over: what only delivery used is freed before the lanes are
 * taken, so that it does not add to the memory the summary's cascade trees
 * then take. Claims past the horizon are dropped unplayed. */
static void end_pass(tc_lanes *l)
{
    free(l->front);
    l->front = NULL;
    l->nfront = l->front_cap = 0;
    free(l->item);
    l->item = NULL;
    l->nitem = l->item_cap = 0;
    for (int64_t i = 0; i < l->qn; i++) free(queue_at(l, i)->c);
    l->qn = 0;
    free(l->spare);
    l->spare = NULL;
    l->spare_cap = 0;
    for (int c = 0; c < l->nchunks; c++) {
        free(l->cbuf[c]);
        l->cbuf[c] = NULL;
        l->cbuf_n[c] = l->cbuf_cap[c] = 0;
    }
    free(l->fidx);
    l->fidx = NULL;
    tc_xroute_destroy(&l->route);
}

int tc_lanes_step(tc_lanes *l)
{
    const tc_timeline *tl = l->tl;
    /* the next time: a timeline post or claims waiting, before the horizon */
    double t = INFINITY;
    while (l->next_event < tl->n && tl->ev[l->next_event].t < l->now) l->next_event++;
    if (l->next_event < tl->n) t = tl->ev[l->next_event].t;
    if (l->qn && queue_at(l, 0)->t < t) t = queue_at(l, 0)->t;
    if (!(t < l->horizon)) {
        l->now = l->horizon;
        end_pass(l);
        return 0;
    }
    l->now = t;
    TC_GROW(l->times, l->times_cap, l->ntimes + 1, 256);
    int32_t slice = (int32_t)l->ntimes;
    l->times[l->ntimes++] = t;
    int64_t iv = interval_of(l, t);
    l->nfront = 0;
    /* the timeline's posts at t, in their order */
    while (l->next_event < tl->n && tl->ev[l->next_event].t == t) {
        int i = l->next_event++;
        int32_t a = tl->ev[i].account;
        TC_GROW(l->roots, l->roots_cap, (int64_t)l->nroots + 1, 16);
        int32_t r = l->nroots++;
        l->roots[r] = (tc_root){.t = t, .author = a, .event = i};
        l->event_root[i] = r;
        uint64_t nw = l->A ? l->lanes & ~l->A[a] : adopted(l, a, 0) ? 0 : l->lanes;
        if (l->A) l->A[a] |= nw;
        l->Afull[a >> 6] |= (uint64_t)1 << (a & 63);
        for (uint64_t m = nw; m; m &= m - 1)
            l->st[(int64_t)l->pos[__builtin_ctzll(m)] * l->net->n + a] =
                (lstate){.post = -2 - i, .slice = slice};
        push_front(l, a, i + 1, l->lanes);
    }
    /* the claims due at t */
    if (l->qn && queue_at(l, 0)->t == t) {
        lqueue *q = queue_at(l, 0);
        settle(l, q, slice);
        if (q->cap > l->spare_cap) { /* kept for the next claims, the larger of the two */
            free(l->spare);
            l->spare = q->c, l->spare_cap = q->cap;
        } else {
            free(q->c);
        }
        l->qhead = (l->qhead + 1) % l->qcap;
        l->qn--;
    }
    if (l->L > 1)
        for (int64_t f = 0; f < l->nfront; f++)
            if (l->front[f].seq == 0) l->fidx[l->front[f].u] = -1;
    deliver_all(l, t, iv);
    return 1;
}

void tc_lanes_progress(const tc_lanes *l, tc_progress *p)
{
    double now = l->now < 0 ? 0 : l->now;
    p->done = l->horizon > 0 ? now / l->horizon : 1;
    if (p->done > 1) p->done = 1;
    p->t = now;
    p->reshares = 0;
}

/* ------------------------------------------------------------------ a lane */

void tc_lanes_fresh(tc_lanes *l, const tc_outcome *out)
{
    l->last_out = out;
    l->nprev = 0;
}

/* The counts of one thread in l->tkcnt: 2 * ncnt, to a whole line. */
static inline int64_t tk_stride(const tc_lanes *l) { return (2 * (int64_t)l->ncnt + 7) / 8 * 8; }

/* Adopters order[lo .. hi) of the lane whose states are st, all adopted at time
 * t: their outcome, and how many adopted (cnt[0 .. ncnt): bots at 1, others at
 * 0, communities from 2) and how many of them reshared (cnt[ncnt ..]). */
static void take_run(const tc_lanes *l, const lstate *st, tc_outcome *out, int64_t lo,
                     int64_t hi, double t, int64_t *cnt)
{
    int32_t n = l->net->n;
    const uint8_t *cls = l->pop->cls;
    const uint16_t *comm = l->pop->comm;
    int nc = l->ncnt;
    for (int64_t i = lo; i < hi; i++) {
        /* the parents are scattered: ask for one a few adopters ahead */
        if (i + 16 < hi) {
            int32_t p = st[l->order[i + 16]].post;
            if (p >= 0 && p < n) {
                __builtin_prefetch(&out->root[p]);
                __builtin_prefetch(&out->depth[p]);
            }
        }
        int32_t v = l->order[i];
        const lstate *x = &st[v];
        int32_t parent, root, depth;
        if (x->post <= -2) { /* its own timeline post */
            parent = -1, root = l->event_root[-2 - x->post], depth = 0;
        } else if (x->post >= n) { /* a timeline post, taken up */
            int ev = x->post - n;
            parent = l->tl->ev[ev].account, root = l->event_root[ev], depth = 1;
        } else {
            parent = x->post, root = out->root[parent], depth = out->depth[parent] + 1;
        }
        tc_outcome_adopt(out, v, t, parent, root, depth);
        int c = cls[v] == TC_CLASS_BOT, m = 2 + comm[v];
        cnt[c]++;
        cnt[m]++;
        if (parent < 0) continue;
        cnt[nc + c]++;
        cnt[nc + m]++;
        if (out->record) {
            tc_adoption a = {.t = t, .account = v, .parent = parent, .root = root,
                             .depth = depth};
            tc_outcome_log(out, &a, 1);
        }
    }
}

/* The adopters of tc_lanes_take, in order[0 .. na) by slice (l->tcount[s]: one
 * past slice s's last), taken by thread tid of nth (which all call it): a
 * slice of at least TAKE_PAR adopters split among them, a smaller one taken
 * by one; the counts of each slice into rec. cnt: 2 * ncnt counts of the
 * calling thread's own. */
static void take_slices(const tc_lanes *l, const lstate *st, tc_outcome *out, tc_recorder *rec,
                        int64_t *cnt, int tid, int nth)
{
    int nc = l->ncnt, ncomm = l->pop->ncomm;
    for (int64_t s = 0; s < l->ntimes; s++) {
        int64_t lo = s ? l->tcount[s - 1] : 0, hi = l->tcount[s];
        if (hi == lo) continue;
        double t = l->times[s];
        int64_t iv = interval_of(l, t);
        int split = nth > 1 && hi - lo >= TAKE_PAR;
        if (split || tid == 0) {
            memset(cnt, 0, 2 * (size_t)nc * sizeof *cnt);
            if (split)
                take_run(l, st, out, lo + (hi - lo) * tid / nth, lo + (hi - lo) * (tid + 1) / nth,
                         t, cnt);
            else
                take_run(l, st, out, lo, hi, t, cnt);
        }
#pragma omp barrier
        if (tid == 0) {
            for (int th = 0; th < (split ? nth : 1); th++) {
                const int64_t *c = th == tid ? cnt : l->tkcnt + th * tk_stride(l);
                for (int k = 0; k < 2; k++) {
                    int ctr = k ? TC_CNT_RESHARES : TC_CNT_ADOPTERS;
                    int64_t *bc = rec->by_class + ((int64_t)ctr * rec->T + iv) * 2;
                    int64_t *bm = rec->by_comm + ((int64_t)ctr * rec->T + iv) * rec->ncomm;
                    bc[0] += c[k * nc];
                    bc[1] += c[k * nc + 1];
                    for (int m = 0; m < ncomm; m++) bm[m] += c[k * nc + 2 + m];
                }
            }
        }
#pragma omp barrier
    }
}

void tc_lanes_take(tc_lanes *l, int bit, tc_outcome *out, tc_recorder *rec, tc_work *w)
{
    const tc_population *pop = l->pop;
    int32_t n = l->net->n;
    int k = l->pos[bit];
    uint64_t b = (uint64_t)1 << bit;
    if (!l->order) l->order = tc_xmalloc((size_t)(n ? n : 1) * sizeof *l->order);
    /* reset the outcome: where it holds the adoptions of the lane taken last,
     * only those */
    if (out == l->last_out) {
        for (int64_t i = 0; i < l->nprev; i++)
            tc_outcome_adopt(out, l->order[i], INFINITY, -1, -1, 0);
    } else {
        for (int32_t v = 0; v < n; v++) out->adopt_t[v] = INFINITY;
        memset(out->parent, 0xff, (size_t)n * sizeof *out->parent);
        memset(out->root, 0xff, (size_t)n * sizeof *out->root);
        memset(out->depth, 0, (size_t)n * sizeof *out->depth);
    }
    out->nroots = 0;
    out->nlog = 0;
    for (int32_t r = 0; r < l->nroots; r++) {
        const tc_root *x = &l->roots[r];
        tc_outcome_add_root(out, x->t, x->author, x->event);
        tc_recorder_add(rec, TC_CNT_POSTS, interval_of(l, x->t), pop->cls[x->author],
                        pop->comm[x->author], 1);
    }
    int64_t examined = l->ex[bit];
    for (int32_t r = 0; r < l->nroots; r++)
        examined += tc_population_audience(pop, l->net, l->roots[r].author);
    /* the lane's adopters in the order of their times (counting sort), so that
     * a parent's cascade and depth are known before its followers' */
    const lstate *st = l->st + (int64_t)k * n;
    TC_GROW(l->tcount, l->tcount_cap, l->ntimes + 1, 64);
    memset(l->tcount, 0, (size_t)(l->ntimes + 1) * sizeof *l->tcount);
    if (!l->count_x) memset(out->exposed, 0, (size_t)n);
    if (l->L == 1) { /* the filters are the whole story: a word at a time */
        for (int32_t v0 = 0; v0 < n; v0 += 64) {
            if (l->count_x) {
                uint64_t x = l->Xfull[v0 >> 6];
                int32_t top = n - v0 < 64 ? n - v0 : 64;
                for (int32_t i = 0; i < top; i++) out->exposed[v0 + i] = (uint8_t)(x >> i & 1);
            }
            for (uint64_t a = l->Afull[v0 >> 6]; a; a &= a - 1)
                l->tcount[st[v0 + __builtin_ctzll(a)].slice + 1]++;
        }
    } else {
        for (int32_t v = 0; v < n; v++) {
            if (l->count_x) out->exposed[v] = (l->X[v] & b) != 0;
            if (l->A[v] & b) l->tcount[st[v].slice + 1]++;
        }
    }
    for (int64_t i = 0; i < l->ntimes; i++) l->tcount[i + 1] += l->tcount[i];
    int64_t na = l->tcount[l->ntimes];
    if (l->L == 1) {
        for (int32_t v0 = 0; v0 < n; v0 += 64)
            for (uint64_t a = l->Afull[v0 >> 6]; a; a &= a - 1) {
                int32_t v = v0 + __builtin_ctzll(a);
                l->order[l->tcount[st[v].slice]++] = v;
            }
    } else {
        for (int32_t v = 0; v < n; v++)
            if (l->A[v] & b) l->order[l->tcount[st[v].slice]++] = v;
    }
    l->last_out = out;
    l->nprev = na;
    /* slice by slice (a parent adopted at an earlier one), on threads where
     * slices are large and no log of the cascade is kept */
    int par = l->threads > 1 && !out->record && na >= TAKE_PAR;
    if (par && !l->tkcnt)
        l->tkcnt = tc_xcalloc_lines((size_t)l->threads, 2 * (size_t)l->ncnt * sizeof *l->tkcnt);
    int64_t one[2 * 64 + 2], *own = 2 * l->ncnt <= (int)(sizeof one / sizeof *one) ? one : NULL;
    if (!par && !own) own = tc_xmalloc(2 * (size_t)l->ncnt * sizeof *own);
#pragma omp parallel num_threads(par ? l->threads : 1)
    {
        int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        int64_t *cnt = par ? l->tkcnt + tid * tk_stride(l) : own;
        take_slices(l, st, out, rec, cnt, tid, nth);
    }
    if (own != one) free(own);
    int64_t T = rec->T < l->T ? rec->T : l->T;
    for (int64_t i = 0; i < T; i++) {
        const int64_t *c = l->xcnt + ((int64_t)k * l->T + i) * l->ncnt;
        int64_t *bc = rec->by_class + ((int64_t)TC_CNT_EXPOSED * rec->T + i) * 2;
        bc[0] += c[0];
        bc[1] += c[1];
        for (int m = 0; m < pop->ncomm; m++)
            rec->by_comm[((int64_t)TC_CNT_EXPOSED * rec->T + i) * rec->ncomm + m] += c[2 + m];
    }
    tc_recorder_active_bots(rec, pop, l->tl, l->horizon, NULL);
    if (w) {
        w->examined = examined;
        w->candidates = l->cand[bit];
        w->threaded_plays = 0;
    }
}
