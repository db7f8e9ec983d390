/* First exposures set in batches by owner of the filter's lines (xroute.h). */
#include "engine/xroute.h"

#include <stdlib.h>

#include "base/err.h"

enum { BATCH = 8192 }; /* followers in a vector: 32 KB */

void tc_xroute_init(tc_xroute *r, int threads, uint64_t *bits, const tc_population *pop,
                    uint8_t *exposed)
{
    size_t row = (size_t)threads * sizeof *r->rows;
    r->row = (row + TC_LINE - 1) / TC_LINE * TC_LINE;
    r->rows = tc_xcalloc_lines((size_t)threads, row);
    r->threads = threads;
    for (int k = 0; k < 256; k++) r->owner[k] = (uint8_t)(k % threads);
    r->lock = tc_xcalloc_lines((size_t)threads, sizeof *r->lock);
    for (int o = 0; o < threads; o++) {
        omp_init_lock(tc_xroute_lock(r, o));
        for (int t = 0; t < threads; t++)
            tc_xroute_row(r, t)[o].v = tc_xmalloc(BATCH * sizeof(int32_t));
    }
    tc_xroute_bind(r, bits, pop, exposed);
}

void tc_xroute_bind(tc_xroute *r, uint64_t *bits, const tc_population *pop, uint8_t *exposed)
{
    r->bits = bits;
    r->pop = pop;
    r->exposed = exposed;
    for (int t = 0; t < r->threads; t++)
        for (int o = 0; o < r->threads; o++) tc_xroute_row(r, t)[o].n = 0;
}

void tc_xroute_destroy(tc_xroute *r)
{
    if (!r->rows) return;
    for (int o = 0; o < r->threads; o++) {
        omp_destroy_lock(tc_xroute_lock(r, o));
        for (int t = 0; t < r->threads; t++) free(tc_xroute_row(r, t)[o].v);
    }
    free(r->rows);
    free(r->lock);
    *r = (tc_xroute){0};
}

/* Set the bits of the followers in x (all on one owner's lines, whose lock
 * the caller holds or whose visits are over), counting first exposures. */
static void batch(tc_xroute *r, tc_xvec *x, int64_t *cnt)
{
    uint64_t *bits = r->bits;
    const tc_population *pop = r->pop;
    for (int64_t i = 0; i < x->n; i++) {
        int32_t v = x->v[i];
        uint64_t bit = (uint64_t)1 << (v & 63), w = bits[v >> 6];
        if (w & bit) continue;
        /* other threads read the word meanwhile (tc_xroute_visit) */
        __atomic_store_n(&bits[v >> 6], w | bit, __ATOMIC_RELAXED);
        cnt[pop->cls[v] == TC_CLASS_BOT]++;
        cnt[2 + pop->comm[v]]++;
        if (r->exposed) r->exposed[v] = 1;
    }
    x->n = 0;
}

void tc_xroute_visit(tc_xroute *r, int tid, const int32_t *s, int64_t n, int64_t *cnt)
{
    const uint64_t *bits = r->bits;
    tc_xvec *row = tc_xroute_row(r, tid);
    for (int64_t i = 0; i < n; i++) {
        int32_t v = s[i];
        /* a stale clear bit only puts v in a batch once more */
        if (__atomic_load_n(&bits[v >> 6], __ATOMIC_RELAXED) >> (v & 63) & 1) continue;
        int o = r->owner[v >> 9 & 255];
        tc_xvec *x = &row[o];
        x->v[x->n++] = v;
        if (x->n == BATCH) {
            omp_set_lock(tc_xroute_lock(r, o));
            batch(r, x, cnt);
            omp_unset_lock(tc_xroute_lock(r, o));
        }
    }
}

void tc_xroute_settle(tc_xroute *r, int o, int64_t *cnt)
{
    for (int t = 0; t < r->threads; t++) batch(r, &tc_xroute_row(r, t)[o], cnt);
}
