/* A round's posts delivered to their audiences: edge by edge, the edges split
 * into equal runs over the threads, or on the fast path (fastpath.c) in blocks;
 * each exposure decides from its own keyed stream, so nothing depends on which
 * thread saw what. */
#include "engine/event.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

/* Room for `need` posts in the round, and for the audience prefix over them. */
void tc_deliver_reserve(tc_event_engine *e, int64_t need)
{
    if (need <= e->posts_cap) return;
    TC_GROW(e->posts, e->posts_cap, need, 256);
    e->aud_prefix = tc_xrealloc(e->aud_prefix, (size_t)(e->posts_cap + 1) * sizeof *e->aud_prefix);
}

void tc_deliver_post(tc_event_engine *e, const tc_post *p)
{
    tc_deliver_reserve(e, e->nposts + 1);
    e->posts[e->nposts++] = *p;
}

/* Exposure of w to post p: first-exposure count, then what w does with it:
 * a bot (or a person when there are no sessions) decides now and, on adoption,
 * draws its delay; a person with sessions gets the post in its feed, to be read
 * in the first session after a log-normal latency. Each draw comes from its own
 * stream keyed by (w, author, seq), so the outcome is the same whichever thread
 * sees it. Under a rule that counts distinct accounts seen, the count depends
 * on the order of exposures, so w's decision waits for tc_play_bucket(): the
 * post comes back as a TC_K_EXPOSE event at p->t (only if it is its author's
 * adoption post: nothing else can raise the count). */
static void expose(tc_event_engine *e, int tid, const tc_post *p, int32_t w)
{
    const tc_population *pop = e->pop;
    /* two bitsets that fit in the cache answer for most followers: fexp for
     * those exposed before, fclosed for those that can no longer adopt (set
     * bits are always right; a missing one costs the look in the arrays) */
    uint64_t bit = (uint64_t)1 << (w & 63);
    if (!(__atomic_load_n(&e->fexp[w >> 6], __ATOMIC_RELAXED) & bit)) {
        if (e->flags[w] & TC_F_REMOVED) return; /* written only between rounds */
        if (!__atomic_exchange_n(&e->out->exposed[w], 1, __ATOMIC_RELAXED)) {
            int64_t *cnt = e->tcount + (size_t)tid * (size_t)e->tstride;
            cnt[tc_event_count_class(pop->cls[w])]++;
            cnt[2 + pop->comm[w]]++;
        }
        __atomic_fetch_or(&e->fexp[w >> 6], bit, __ATOMIC_RELAXED);
    }
    if (e->fclosed[w >> 6] & bit) return; /* written only between rounds */
    if (e->out->adopt_t[w] != INFINITY || e->flags[w]) return; /* immune or removed */
    int cls = pop->cls[w];
    uint64_t b = tc_event_post_key(p->author, p->seq);
    gsl_rng *r = e->rng[tid];
    tc_pending c = {.account = w, .parent = p->author, .root = p->root, .depth = p->depth + 1,
                    .seq = p->seq, .t0 = (float)p->t, .kind = TC_K_RESHARE};
    if (cls != TC_CLASS_BOT && pop->sessions) {
        tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
        double look = p->t + gsl_ran_lognormal(r, e->delay_mu, pop->delay_sigma);
        c.t = tc_event_next_session(e, r, w, look);
        if (c.t >= e->horizon) return;
        c.kind = TC_K_READ;
        tc_pvec_push(&e->tcand[tid].p, &c);
        return;
    }
    if (cls == TC_CLASS_BOT && !tc_event_bot_active(e, w, p->t)) return;
    int leader = pop->leader && pop->leader[w] == p->author && cls == TC_CLASS_BOT;
    if (e->nseen && !leader) {
        if (!tc_event_adoption_post(e, p->author, p->seq, p->root)) return;
        c.t = p->t;
        c.kind = TC_K_EXPOSE;
        tc_pvec_push(&e->tcand[tid].p, &c);
        return;
    }
    double prob = leader ? 1.0
                         : tc_event_adopt_prob(e, p->author, w, p->t) *
                               tc_event_appeal(e, cls, p->root, p->t, p->t);
    if (prob <= 0) return;
    if (prob < 1 && tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, b) >= prob) return;
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    c.t = p->t + tc_event_delay(e, r, cls);
    if (c.t >= e->horizon) return;
    tc_pvec_push(&e->tcand[tid].p, &c);
}

/* Edges lo .. lo + chunk - 1 (of total) of the posts going edge by edge. */
static void plain_chunk(tc_event_engine *e, int tid, int64_t lo, int64_t chunk, int64_t total)
{
    int64_t hi = lo + chunk < total ? lo + chunk : total;
    /* the post holding edge lo: last i with aud_prefix[i] <= lo */
    int64_t a = 0, z = e->nposts;
    while (z - a > 1) {
        int64_t mid = (a + z) / 2;
        if (e->aud_prefix[mid] <= lo) a = mid;
        else z = mid;
    }
    for (int64_t k = lo; k < hi; k++) {
        while (e->aud_prefix[a + 1] <= k) a++;
        const tc_post *p = &e->posts[a];
        expose(e, tid, p, tc_event_member(e, p, k - e->aud_prefix[a]));
    }
}

/* Deliver every post of the round. Posts on the fast path become (post, block)
 * items grouped into units of about TC_FAST_BLOCK entries; the others go edge
 * by edge, split into equal runs of edges. Either way a hub with a million
 * followers is spread over all threads. */
void tc_deliver_round(tc_event_engine *e, int64_t iv)
{
    int64_t np = e->nposts;
    int fast = tc_fast_applies(e);
    if (fast && e->fbound_cap < np) {
        e->fbound_cap = e->posts_cap;
        e->fbound = tc_xrealloc(e->fbound, (size_t)e->fbound_cap * sizeof *e->fbound);
    }
    e->nfitem = 0;
    e->nfunit = 0;
    int64_t acc = 0;
    e->aud_prefix[0] = 0;
    for (int64_t i = 0; i < np; i++) {
        const tc_post *p = &e->posts[i];
        int64_t A = tc_event_audience(e, p);
        e->examined += A;
        if (fast && p->to < 0 && !(e->fast_leader && e->fast_leader[p->author])) {
            e->fbound[i] = tc_fast_bound(e, p->t);
            e->aud_prefix[i + 1] = e->aud_prefix[i]; /* none edge by edge */
            for (int64_t j = 0; j * TC_FAST_BLOCK < A; j++) {
                TC_GROW(e->fitem, e->fitem_cap, e->nfitem + 1, 256);
                if (acc == 0) {
                    TC_GROW(e->funit, e->funit_cap, e->nfunit + 2, 256); /* and funit[nfunit] */
                    e->funit[e->nfunit++] = e->nfitem;
                }
                e->fitem[e->nfitem++] = (tc_fitem){.post = i, .j = j};
                acc += A - j * TC_FAST_BLOCK < TC_FAST_BLOCK ? A - j * TC_FAST_BLOCK : TC_FAST_BLOCK;
                if (acc >= TC_FAST_BLOCK) acc = 0;
            }
        } else {
            if (fast) e->fbound[i] = -1;
            e->aud_prefix[i + 1] = e->aud_prefix[i] + A;
        }
    }
    if (e->nfunit) e->funit[e->nfunit] = e->nfitem;
    tc_fast_sync(e);
    int64_t total = e->aud_prefix[np];
    const int64_t chunk = 4096;
    int64_t nchunks = (total + chunk - 1) / chunk, nunits = e->nfunit;
    int removed = e->removed_bots + e->removed_humans > 0;
    memset(e->tcount, 0, (size_t)e->threads * (size_t)e->tstride * sizeof *e->tcount);

    if (nchunks + nunits > 1) {
#pragma omp parallel num_threads(e->threads)
        {
            int tid = omp_get_thread_num();
            int64_t *cnt = e->tcount + (size_t)tid * (size_t)e->tstride;
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t c = 0; c < nchunks; c++) plain_chunk(e, tid, c * chunk, chunk, total);
#pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < nunits; c++) tc_fast_unit(e, tid, c, cnt, removed);
        }
    } else {
        /* one unit of work: no parallel region (most rounds of a cascade) */
        if (nchunks) plain_chunk(e, 0, 0, chunk, total);
        if (nunits) tc_fast_unit(e, 0, 0, e->tcount, removed);
    }
    tc_wheel_reserve(e);
    for (int t = 0; t < e->threads; t++) {
        const int64_t *cnt = e->tcount + (size_t)t * (size_t)e->tstride;
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 0] += cnt[0];
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 1] += cnt[1];
        for (int c = 0; c < e->pop->ncomm; c++)
            e->rec->by_comm[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * e->rec->ncomm + c] +=
                cnt[2 + c];
        if (e->fcand) e->candidates += e->fcand[t * e->tstride], e->fcand[t * e->tstride] = 0;
        for (int64_t i = 0; i < e->tcand[t].p.n; i++) tc_wheel_schedule(e, &e->tcand[t].p.v[i]);
        e->tcand[t].p.n = 0;
    }
    e->nposts = 0;
}
