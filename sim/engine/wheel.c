/* The timing wheel: slot b & mask holds the events of bucket b for the W
 * buckets from the current one, a min-heap by time the events beyond; and the
 * growing vectors of pending events both are made of. */
#include "engine/event.h"

#include <stdlib.h>

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

void tc_wheel_init(tc_event_engine *e)
{
    e->W = 1 << 14;
    e->mask = e->W - 1;
    e->slot = tc_xcalloc((size_t)e->W, sizeof *e->slot);
}

void tc_wheel_destroy(tc_event_engine *e)
{
    if (e->slot)
        for (int64_t i = 0; i < e->W; i++) free(e->slot[i].v);
    free(e->slot);
    free(e->far.v);
    free(e->cand.v);
    free(e->need);
}

void tc_wheel_schedule(tc_event_engine *e, const tc_pending *p)
{
    if (p->t >= e->horizon) return;
    int64_t b = tc_event_bucket(e, p->t);
    if (b >= e->nbuckets) return;
    if (b - e->cur < e->W) tc_pvec_push(&e->slot[b & e->mask], p);
    else heap_push(&e->far, p);
    e->pending++;
}

/* Move heap events that now fall inside the wheel into their slots. */
void tc_wheel_refill(tc_event_engine *e)
{
    while (e->far.n && tc_event_bucket(e, e->far.v[0].t) - e->cur < e->W) {
        tc_pending p = heap_pop(&e->far);
        tc_pvec_push(&e->slot[tc_event_bucket(e, p.t) & e->mask], &p);
    }
}

int64_t tc_wheel_next(const tc_event_engine *e, int64_t best)
{
    int64_t in_wheel = e->pending - e->far.n;
    if (in_wheel > 0) {
        int64_t lim = best >= 0 ? best : e->cur + e->W;
        for (int64_t b = e->cur; b < lim && b < e->cur + e->W; b++)
            if (e->slot[b & e->mask].n) return b;
    } else if (e->far.n) {
        int64_t b = tc_event_bucket(e, e->far.v[0].t);
        if (best < 0 || b < best) best = b;
    }
    return best;
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
            if (b < e->nbuckets && b - e->cur < e->W) e->need[b & e->mask]++;
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
    free(e->far.v);
    e->far = (tc_pvec){0};
}
