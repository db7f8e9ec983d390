/* First exposures found on several threads without sharing the filter's lines.
 *
 * A filter of exposed accounts (a bit per account) that every thread sets as
 * it visits followers sends its cache lines back and forth between the cores:
 * on two cores the visits of a cascade cost more than on one. Here the
 * filter's lines are dealt out to owners (interleaved, 512 accounts to a
 * line, 256 lines to a period), one per thread. A visiting thread reads a
 * follower's bit (a set bit is always right) and, where it finds it clear,
 * puts the follower in its vector for the line's owner; the owner's lines are
 * then set in batches: by the visiting thread when its vector is full, under
 * the owner's lock, and by each owner for what is left once the visits are
 * over. Each batch sets its bits and counts the first exposures by class and
 * community; the bits and counts are those of any order of the visits, so the
 * result does not depend on the threads. A batch writes one owner's lines
 * while the other threads read and write elsewhere, so lines move between
 * cores once per batch, not once per follower; the vectors stay small.
 *
 * Used by the lanes path (one lane) and the step engine with contacts skipped
 * ahead. Private to sim/engine/. */
#ifndef TC_SIM_XROUTE_H
#define TC_SIM_XROUTE_H

#include <omp.h>
#include <stdint.h>

#include "base/err.h"
#include "world/population.h"

typedef struct {
    int32_t *v;
    int64_t n;
} tc_xvec;

typedef struct {
    tc_xvec *rows;      /* [threads] rows of [threads] vectors, each row on lines of its own */
    size_t row;         /* bytes from one row to the next */
    int threads;
    uint8_t owner[256]; /* the owner of each line of a period */
    omp_lock_t *lock;   /* [threads]: held while an owner's lines are set */
    /* the filter, who is who, and the flags to mark (NULL: none) */
    uint64_t *bits;
    const tc_population *pop;
    uint8_t *exposed;
} tc_xroute;

static inline tc_xvec *tc_xroute_row(const tc_xroute *r, int t)
{
    return (tc_xvec *)((char *)r->rows + (size_t)t * r->row);
}

/* Owner o's lock, on a line of its own. */
static inline omp_lock_t *tc_xroute_lock(const tc_xroute *r, int o)
{
    size_t per = (sizeof(omp_lock_t) + TC_LINE - 1) / TC_LINE * TC_LINE;
    return (omp_lock_t *)((char *)r->lock + (size_t)o * per);
}

/* Routes for `threads` threads (at least 2) into the filter `bits` of
 * accounts described by pop, marking first exposures in `exposed` if not
 * NULL. Their vectors take 32 KB each, threads^2 of them. */
void tc_xroute_init(tc_xroute *r, int threads, uint64_t *bits, const tc_population *pop,
                    uint8_t *exposed);
/* The same routes for another run: the filter and flags may have moved. */
void tc_xroute_bind(tc_xroute *r, uint64_t *bits, const tc_population *pop, uint8_t *exposed);
void tc_xroute_destroy(tc_xroute *r);

/* Thread tid visits followers s[0 .. n); first exposures found in a batch it
 * sets are counted in cnt (cnt[0] people and named accounts, cnt[1] bots,
 * cnt[2 + community]). */
void tc_xroute_visit(tc_xroute *r, int tid, const int32_t *s, int64_t n, int64_t *cnt);

/* Owner o's part once the visits are over: what every thread left for it,
 * counted in cnt. Other owners may settle at the same time, but no visits. */
void tc_xroute_settle(tc_xroute *r, int o, int64_t *cnt);

#endif
