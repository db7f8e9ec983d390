/* The timing wheel, in three levels: a ring of W slots, slot b & mask holding
 * the events of bucket b for the buckets of the current block of W/2 and the
 * next; beyond it, one vector per block for up to MAX_BLOCKS blocks, moved
 * whole into the ring when the ring reaches it (an event moves once; a bucket's
 * events are sorted when played, so the order they arrive in does not matter);
 * beyond those, a min-heap by time. And the growing vectors of pending events
 * all are made of. */
#include "engine/event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void tc_pvec_push(tc_pvec *v, const tc_pending *p)
{
    if (v->n == v->cap) TC_GROW(v->v, v->cap, v->n + 1, 4); /* most slots hold a few */
    v->v[v->n++] = *p;
}

/* ------------------------------------------------------------------ far heap */

static void heap_push(tc_pvec *h, const tc_pending *p)
{
    tc_pvec_push(h, p);
    int64_t i = h->n - 1;
    while (i > 0) {
        int64_t up = (i - 1) / 2;
        if (h->v[up].t <= h->v[i].t) break;
        tc_pending tmp = h->v[up];
        h->v[up] = h->v[i];
        h->v[i] = tmp;
        i = up;
    }
}

static tc_pending heap_pop(tc_pvec *h)
{
    tc_pending top = h->v[0];
    h->v[0] = h->v[--h->n];
    int64_t i = 0;
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->v[l].t < h->v[m].t) m = l;
        if (r < h->n && h->v[r].t < h->v[m].t) m = r;
        if (m == i) break;
        tc_pending tmp = h->v[m];
        h->v[m] = h->v[i];
        h->v[i] = tmp;
        i = m;
    }
    return top;
}

/* ------------------------------------------------------------------ wheel */

/* A block is 2^LOG_BLOCK buckets (17 min at dt = 1 s); the ring holds two, the
 * blocks up to MAX_BLOCKS more (12 days at 1 s). Narrower rings hold less
 * (slots keep their largest size) and cost no time here. */
enum { LOG_BLOCK = 10, MAX_BLOCKS = 1024 };

void tc_wheel_init(tc_event_engine *e)
{
    e->W = (int64_t)2 << LOG_BLOCK;
    e->mask = e->W - 1;
    int64_t blocks = (e->nbuckets >> LOG_BLOCK) + 1;
    blocks = blocks < MAX_BLOCKS ? blocks : MAX_BLOCKS;
    /* slots and blocks carried over from an earlier run (tc_event_reuse) are
     * emptied; blocks of another count are made anew */
    if (e->coarse && e->nblocks != blocks) {
        for (int64_t i = 0; i < e->nblocks; i++) free(e->coarse[i].v);
        free(e->coarse);
        e->coarse = NULL;
    }
    e->nblocks = blocks;
    if (e->slot)
        for (int64_t i = 0; i < e->W; i++) e->slot[i].n = 0;
    else
        e->slot = tc_xcalloc((size_t)e->W, sizeof *e->slot);
    if (e->coarse)
        for (int64_t i = 0; i < e->nblocks; i++) e->coarse[i].n = 0;
    else
        e->coarse = tc_xcalloc((size_t)e->nblocks, sizeof *e->coarse);
    if (e->need) memset(e->need, 0, (size_t)e->W * sizeof *e->need);
    e->ring_end = 2;
}

void tc_wheel_destroy(tc_event_engine *e)
{
    if (e->slot)
        for (int64_t i = 0; i < e->W; i++) free(e->slot[i].v);
    free(e->slot);
    if (e->coarse)
        for (int64_t i = 0; i < e->nblocks; i++) free(e->coarse[i].v);
    free(e->coarse);
    free(e->far.v);
    free(e->cand.v);
    free(e->need);
}

/* Where bucket b's events wait: 0 in the ring, 1 in a block, 2 in the heap. */
static inline int level(const tc_event_engine *e, int64_t b)
{
    int64_t c = b >> LOG_BLOCK;
    return c < e->ring_end ? 0 : c < e->ring_end + e->nblocks ? 1 : 2;
}

static void put(tc_event_engine *e, const tc_pending *p, int64_t b)
{
    switch (level(e, b)) {
    case 0: tc_pvec_push(&e->slot[b & e->mask], p); break;
    case 1:
        tc_pvec_push(&e->coarse[(b >> LOG_BLOCK) % e->nblocks], p);
        e->ncoarse++;
        break;
    default: heap_push(&e->far, p);
    }
}

void tc_wheel_schedule(tc_event_engine *e, const tc_pending *p)
{
    if (p->t >= e->horizon) return;
    int64_t b = tc_event_bucket(e, p->t);
    if (b >= e->nbuckets) return;
    put(e, p, b);
    e->pending++;
}

/* Grow the slots the events of v land in once each, to what they will hold,
 * rather than doubling them several times over (each time a copy, and fresh
 * pages). */
static void reserve_for(tc_event_engine *e, const tc_pvec *v)
{
    if (!e->need) e->need = tc_xcalloc((size_t)e->W, sizeof *e->need);
    for (int64_t i = 0; i < v->n; i++) e->need[tc_event_bucket(e, v->v[i].t) & e->mask]++;
    for (int64_t k = 0; k < e->W; k++) {
        if (!e->need[k]) continue;
        tc_pvec *s = &e->slot[k];
        if (s->cap < s->n + e->need[k]) {
            s->cap = s->n + e->need[k];
            s->v = tc_xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
        }
        e->need[k] = 0;
    }
}

/* The ring holds the block of cur and the next one: W buckets. */
void tc_wheel_refill(tc_event_engine *e)
{
    int64_t target = (e->cur >> LOG_BLOCK) + 2;
    if (e->ring_end >= target) return;
    for (; e->ring_end < target; e->ring_end++) {
        tc_pvec *c = &e->coarse[e->ring_end % e->nblocks];
        if (!c->n) continue;
        reserve_for(e, c);
        for (int64_t i = 0; i < c->n; i++)
            tc_pvec_push(&e->slot[tc_event_bucket(e, c->v[i].t) & e->mask], &c->v[i]);
        e->ncoarse -= c->n;
        free(c->v);
        *c = (tc_pvec){0};
    }
    while (e->far.n && level(e, tc_event_bucket(e, e->far.v[0].t)) < 2) {
        tc_pending p = heap_pop(&e->far);
        put(e, &p, tc_event_bucket(e, p.t));
    }
}

int64_t tc_wheel_next(const tc_event_engine *e, int64_t best)
{
    int64_t in_ring = e->pending - e->ncoarse - e->far.n;
    if (in_ring > 0) {
        int64_t end = e->ring_end << LOG_BLOCK;
        int64_t lim = best >= 0 && best < end ? best : end;
        for (int64_t b = e->cur; b < lim; b++)
            if (e->slot[b & e->mask].n) return b;
        return best;
    }
    int64_t b = -1;
    if (e->ncoarse) {
        for (int64_t c = e->ring_end; c < e->ring_end + e->nblocks; c++) {
            const tc_pvec *v = &e->coarse[c % e->nblocks];
            if (!v->n) continue;
            b = INT64_MAX;
            for (int64_t i = 0; i < v->n; i++) {
                int64_t k = tc_event_bucket(e, v->v[i].t);
                if (k < b) b = k;
            }
            break;
        }
    } else if (e->far.n) {
        b = tc_event_bucket(e, e->far.v[0].t);
    }
    return b >= 0 && (best < 0 || b < best) ? b : best;
}

/* Before many candidates go into the wheel: grow each slot they land in once,
 * to what it will hold, rather than doubling it several times over (each time
 * a copy, and fresh pages). */
void tc_wheel_reserve(tc_event_engine *e)
{
    int64_t total = 0;
    for (int t = 0; t < e->threads; t++) total += e->tcand[t].p.n;
    if (total < 4096) return;
    if (!e->need) e->need = tc_xcalloc((size_t)e->W, sizeof *e->need);
    for (int t = 0; t < e->threads; t++)
        for (int64_t i = 0; i < e->tcand[t].p.n; i++) {
            const tc_pending *p = &e->tcand[t].p.v[i];
            if (p->t >= e->horizon) continue;
            int64_t b = tc_event_bucket(e, p->t);
            if (b < e->nbuckets && level(e, b) == 0) e->need[b & e->mask]++;
        }
    for (int64_t k = 0; k < e->W; k++) {
        if (!e->need[k]) continue;
        tc_pvec *v = &e->slot[k];
        if (v->cap < v->n + e->need[k]) {
            v->cap = v->n + e->need[k];
            v->v = tc_xrealloc(v->v, (size_t)v->cap * sizeof *v->v);
        }
        e->need[k] = 0;
    }
}

/* Once the run is over the wheel is empty (nothing is scheduled past the
 * horizon) but its vectors keep their largest size: give them back before the
 * cascade statistics allocate theirs, so the two do not add up at the peak. */
void tc_wheel_release(tc_event_engine *e)
{
    for (int64_t i = 0; e->slot && i < e->W; i++) {
        free(e->slot[i].v);
        e->slot[i] = (tc_pvec){0};
    }
    for (int64_t i = 0; e->coarse && i < e->nblocks; i++) {
        free(e->coarse[i].v);
        e->coarse[i] = (tc_pvec){0};
    }
    free(e->far.v);
    e->far = (tc_pvec){0};
}
