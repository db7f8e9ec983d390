/* The fast path of delivery.
 *
 * For a rule whose probability depends only on the follower's class
 * (TC_FIXED_BY_CLASS), asking every follower of a post for a uniform is wasted
 * work: most say no. Instead, with q the largest probability any follower could
 * have (over classes, community susceptibilities and the dampings in force),
 * the candidates are drawn by geometric jumps, each follower being one with
 * probability q independently, and a candidate adopts with probability
 * prob / q (a second draw). Each follower thus adopts with probability prob,
 * independently of the others: the same distribution as edge by edge, from
 * other random numbers.
 *
 * Keying: a post's audience is cut into blocks of TC_FAST_BLOCK entries; the
 * jumps of block j are read from stream (FAST_GAP, author, seq << 32 | j) and
 * the candidate w's second draw from (FAST_THIN, w, author << 32 | seq). The
 * blocks are the units of parallel work, so a hub's audience is spread over
 * the threads and nothing depends on which thread draws what.
 *
 * It applies only where people decide on seeing a post (no reading sessions:
 * with sessions every exposure is an item in a feed, read later), to the
 * posts to a whole audience (a mention goes edge by edge) by accounts that
 * lead no ring (a ring member takes its leader's post with probability 1),
 * and without a fading appeal (the bound would hold, but each post's would
 * differ). */
#include "engine/event.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

void tc_fast_destroy(tc_event_engine *e)
{
    free(e->fast_leader);
    free(e->fitem);
    free(e->funit);
    free(e->fbound);
    free(e->fcand);
    free(e->fexp);
    free(e->fclosed);
}

/* Decided at the first delivery: does the rule allow the fast path here? */
int tc_fast_applies(tc_event_engine *e)
{
    if (e->fast_state) return e->fast_state > 0;
    const tc_model_type *m = e->model;
    int ok = !e->fast_off && m->engine == TC_RULE_EVENT && (m->uses & TC_FIXED_BY_CLASS) &&
             !(m->uses & TC_USES_COUNT) && !e->pop->sessions &&
             e->pop->appeal_kernel == TC_APPEAL_NONE;
    /* arrays carried over from an earlier run (tc_event_reuse) are cleared;
     * those this run does not use are freed: fast_leader and fcand are read as
     * flags */
    size_t n = (size_t)e->net->n, words = (n + 63) / 64;
    if (ok && e->pop->leader) {
        if (e->fast_leader) memset(e->fast_leader, 0, n);
        else e->fast_leader = tc_xcalloc(n, 1);
        for (int32_t v = 0; v < e->net->n; v++)
            if (e->pop->leader[v] >= 0) e->fast_leader[e->pop->leader[v]] = 1;
    } else {
        free(e->fast_leader);
        e->fast_leader = NULL;
    }
    if (ok && e->fcand) {
        memset(e->fcand, 0, (size_t)e->threads * (size_t)e->tstride * sizeof *e->fcand);
    } else if (ok) {
        e->fcand = tc_xcalloc_lines((size_t)e->threads, (size_t)e->tstride * sizeof *e->fcand);
    } else {
        free(e->fcand);
        e->fcand = NULL;
    }
    /* the filters serve the posts edge by edge too (expose() in deliver.c) */
    if (e->fexp) {
        memset(e->fexp, 0, (words ? words : 1) * sizeof *e->fexp);
        memset(e->fclosed, 0, (words ? words : 1) * sizeof *e->fclosed);
    } else {
        e->fexp = tc_xcalloc(words ? words : 1, sizeof *e->fexp);
        e->fclosed = tc_xcalloc(words ? words : 1, sizeof *e->fclosed);
    }
    e->fast_state = ok ? 1 : -1;
    return ok;
}

/* Does damping x cover accounts of class cls in community comm? As
 * tc_timeline_covers; one that names accounts is taken to cover none, which
 * only loosens the bound (factors are at most 1). */
static int damping_covers(const tc_tevent *x, int cls, int comm)
{
    return !x->naccounts && tc_timeline_covers_class(x, cls, comm);
}

/* The largest probability tc_event_adopt_prob can give at t: the same products, in the
 * same order, over every class and community, so no account's probability
 * exceeds it even by a rounding. Cached while the dampings in force stay the
 * same; a damping past the 64th is left out of the key and of the product
 * (its factor is at most 1, so the bound stays a bound). */
double tc_fast_bound(tc_event_engine *e, double t)
{
    const tc_population *pop = e->pop;
    uint64_t mask = 0;
    for (int i = 0; i < e->ndamping && i < 64; i++) {
        const tc_tevent *d = &e->tl->ev[e->damping[i]];
        if (t >= d->t && t < d->until) mask |= (uint64_t)1 << i;
    }
    if (e->fbound_ok && mask == e->fbound_mask) return e->fbound_last;
    double best = 0;
    for (int cls = 0; cls < 3; cls++) {
        tc_exposure x = {.src = -1, .dst = -1, .dst_class = (uint8_t)cls};
        double base = e->model->adopt_prob(e->mpar, &x);
        for (int k = 0; k < pop->ncomm; k++) {
            double prob = base;
            if (pop->susc && cls != TC_CLASS_BOT) prob *= pop->susc[k];
            for (int i = 0; i < e->ndamping && i < 64; i++)
                if ((mask >> i & 1) && damping_covers(&e->tl->ev[e->damping[i]], cls, k))
                    prob *= e->tl->ev[e->damping[i]].factor;
            if (prob > best) best = prob;
        }
    }
    e->fbound_ok = 1;
    e->fbound_mask = mask;
    e->fbound_last = best < 1 ? best : 1;
    return e->fbound_last;
}

/* Bring fclosed up to date before a round's delivery: every account that
 * adopted since the last round is the author of one of its posts (the authors
 * of the other posts had adopted before); immunity and removal are read from
 * the flags whenever their counts moved. A set bit is always right. Should a
 * bit be missing, nothing changes but work: tc_play_bucket() drops a reshare by an
 * account that has adopted, is immune or was removed, as it would have been
 * dropped here. */
void tc_fast_sync(tc_event_engine *e)
{
    int64_t moved = e->immunised + e->removed_bots + e->removed_humans;
    if (moved != e->fclosed_flags) {
        for (int32_t v = 0; v < e->net->n; v++)
            if (e->flags[v]) e->fclosed[v >> 6] |= (uint64_t)1 << (v & 63);
        e->fclosed_flags = moved;
    }
    for (int64_t i = 0; i < e->nposts; i++) {
        int32_t a = e->posts[i].author;
        e->fclosed[a >> 6] |= (uint64_t)1 << (a & 63);
    }
}

/* Mark the n accounts of a[] exposed, counting first exposures into cnt. The
 * bitset fexp answers for most of them from the cache; exposed[] decides who
 * counts a first exposure, as in expose() (deliver.c). */
static void fast_mark(tc_event_engine *e, int64_t *cnt, const int32_t *a, int64_t n, int removed)
{
    const tc_population *pop = e->pop;
    uint8_t *exposed = e->out->exposed;
    uint64_t *fexp = e->fexp;
    for (int64_t i = 0; i < n; i++) {
        int32_t w = a[i];
        uint64_t bit = (uint64_t)1 << (w & 63);
        if (__atomic_load_n(&fexp[w >> 6], __ATOMIC_RELAXED) & bit) continue;
        if (removed && (e->flags[w] & TC_F_REMOVED)) continue;
        if (!__atomic_exchange_n(&exposed[w], 1, __ATOMIC_RELAXED)) {
            cnt[tc_event_count_class(pop->cls[w])]++;
            cnt[2 + pop->comm[w]]++;
        }
        __atomic_fetch_or(&fexp[w >> 6], bit, __ATOMIC_RELAXED);
    }
}

/* Candidate w of post p (drawn with probability q): keep it with probability
 * prob / q, then as expose() (deliver.c) for an account that decides at once.
 * Accounts that adopted, are immune or were removed are known by fclosed (not
 * by adopt_t and flags, which would cost two cache misses per candidate). */
static void fast_candidate(tc_event_engine *e, int tid, const tc_post *p, int32_t w, double q)
{
    const tc_population *pop = e->pop;
    if (e->fclosed[w >> 6] >> (w & 63) & 1) return;
    int cls = pop->cls[w];
    if (cls == TC_CLASS_BOT && !tc_event_bot_active(e, w, p->t)) return;
    double prob = tc_event_adopt_prob(e, p->author, w, p->t);
    if (prob <= 0) return;
    uint64_t b = tc_event_post_key(p->author, p->seq);
    if (prob < q && tc_rng_u01(e->key, TC_P_FAST_THIN, (uint32_t)w, b) * q >= prob) return;
    gsl_rng *r = e->rng[tid];
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    tc_pending c = {.account = w, .parent = p->author, .root = p->root, .depth = p->depth + 1,
                    .seq = p->seq, .t0 = (float)p->t, .kind = TC_K_RESHARE};
    c.t = p->t + tc_population_delay(pop, r, cls);
    if (c.t >= e->horizon) return;
    tc_pvec_push(&e->tcand[tid].p, &c);
}

/* Block j of post i's audience: every entry exposed, the candidates drawn. */
static void fast_block(tc_event_engine *e, int tid, int64_t i, int64_t j, int64_t *cnt, int removed)
{
    const tc_post *p = &e->posts[i];
    const tc_net *net = e->net;
    const tc_population *pop = e->pop;
    int32_t u = p->author;
    int64_t d = tc_net_degree(net, u), A = tc_event_audience(e, p);
    int64_t lo = j * TC_FAST_BLOCK, hi = lo + TC_FAST_BLOCK < A ? lo + TC_FAST_BLOCK : A;
    /* the block as up to two runs: the net's audience, then the added follows */
    const int32_t *s1 = net->dst + net->off[u], *s2 = pop->xdst ? pop->xdst + pop->xoff[u] - d : NULL;
    if (lo < d) fast_mark(e, cnt, s1 + lo, (hi < d ? hi : d) - lo, removed);
    if (hi > d) fast_mark(e, cnt, s2 + (lo > d ? lo : d), hi - (lo > d ? lo : d), removed);

    double q = e->fbound[i];
    if (q <= 0) return;
    double lq = log1p(-q); /* -inf when q = 1: every entry is a candidate */
    gsl_rng *r = e->rng[tid];
    tc_rng_seek(r, e->key, TC_P_FAST_GAP, (uint32_t)u,
                ((uint64_t)(uint32_t)p->seq << 32) | (uint64_t)(uint32_t)j);
    int64_t n = 0;
    for (int64_t k = lo;; k++) {
        if (q < 1) {
            double g = floor(log(gsl_rng_uniform_pos(r)) / lq); /* failures before the next */
            if (g >= (double)(hi - k)) break;
            k += (int64_t)g;
        } else if (k >= hi) {
            break;
        }
        n++;
        fast_candidate(e, tid, p, k < d ? s1[k] : s2[k], q);
    }
    e->fcand[tid * e->tstride] += n;
}

/* Unit c of the fast path's work. */
void tc_fast_unit(tc_event_engine *e, int tid, int64_t c, int64_t *cnt, int removed)
{
    for (int64_t k = e->funit[c]; k < e->funit[c + 1]; k++)
        fast_block(e, tid, e->fitem[k].post, e->fitem[k].j, cnt, removed);
}
