/* Tree metrics by one breadth-first pass and one reverse pass over subtree sizes,
 * or, for nodes listed after their parents, by one pass each way. */
#include "engine/cascade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

const int64_t tc_cascade_reach_marks[3] = {10, 100, TC_CASCADE_REACH_MAX};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* While fewer than TC_CASCADE_REACH_MAX are kept, t goes in at the bottom of
 * the heap and rises; afterwards (the caller has checked t < low[0]) it
 * replaces the largest kept and sinks from the top. */
void tc_cascade_reach_keep(tc_cascade_reach *h, double t)
{
    double *low = h->low;
    int64_t j, m = h->m;
    if (m < TC_CASCADE_REACH_MAX) {
        h->m = m + 1;
        for (j = m; j > 0 && low[(j - 1) / 2] < t; j = (j - 1) / 2) low[j] = low[(j - 1) / 2];
        low[j] = t;
        return;
    }
    j = 0;
    for (;;) {
        int64_t l = 2 * j + 1, r = l + 1, b = j;
        double bv = t;
        if (l < m && low[l] > bv) b = l, bv = low[l];
        if (r < m && low[r] > bv) b = r;
        if (b == j) break;
        low[j] = low[b];
        j = b;
    }
    low[j] = t;
}

void tc_cascade_reach_end(tc_cascade_reach *h, double t0, tc_cascade_stats *out)
{
    qsort(h->low, (size_t)h->m, sizeof *h->low, cmp_double);
    for (int k = 0; k < 3; k++)
        if (h->m >= tc_cascade_reach_marks[k])
            out->t_reach[k] = h->low[tc_cascade_reach_marks[k] - 1] - t0;
}

/* Reach times from the times of nodes 1 .. nr - 1 listed by idx (or all of
 * 1 .. nr - 1 in order when idx is NULL). Subtracting t0 = 0 leaves every time
 * as it is, -0 included. */
static void reach_times(const double *t, const int64_t *idx, int64_t nr, tc_cascade_stats *out)
{
    tc_cascade_reach h;
    h.m = 0;
    for (int64_t k = 1; k < nr; k++) tc_cascade_reach_add(&h, t[idx ? idx[k] : k]);
    tc_cascade_reach_end(&h, 0.0, out);
}

/* tc_cascade_tree_stats for a tree whose nodes come after their parents: depths
 * in one forward pass, subtree sizes in one backward pass, every node reachable.
 * The integer sums are those of the breadth-first way; the Wiener index adds
 * the same terms in another order, exactly while it stays below 2^64 (trees of
 * fewer than about 4 million nodes). */
static void ordered_stats(int64_t n, const int64_t *parent, const double *t,
                          const uint8_t *bot, tc_cascade_stats *out, int32_t *depth_out)
{
    int32_t *depth = tc_xmalloc((size_t)n * sizeof *depth);
    depth[0] = 0;
    for (int64_t i = 1; i < n; i++) {
        depth[i] = depth[parent[i]] + 1;
        if (depth[i] > out->depth) out->depth = depth[i];
    }
    out->size = n - 1;
    int64_t *breadth = tc_xcalloc((size_t)out->depth + 1, sizeof *breadth);
    for (int64_t i = 1; i < n; i++) {
        breadth[depth[i]]++;
        if (bot && bot[i]) out->bot_reshares++;
        if (bot && bot[parent[i]]) out->via_bot++;
    }
    for (int32_t d = 1; d <= out->depth; d++)
        if (breadth[d] > out->max_breadth) out->max_breadth = breadth[d];
    if (n >= 2) {
        int64_t *sub = tc_xmalloc((size_t)n * sizeof *sub);
        for (int64_t i = 0; i < n; i++) sub[i] = 1;
        long double w = 0;
        for (int64_t i = n - 1; i >= 1; i--) {
            sub[parent[i]] += sub[i];
            w += (long double)sub[i] * (long double)(n - sub[i]);
        }
        out->structural_virality = (double)(2.0L * w / ((long double)n * (long double)(n - 1)));
        free(sub);
        if (t) reach_times(t, NULL, n, out);
    }
    if (depth_out) memcpy(depth_out, depth, (size_t)n * sizeof *depth);
    free(breadth);
    free(depth);
}

void tc_cascade_tree_stats(int64_t n, const int64_t *parent, const double *t,
                           const uint8_t *bot, tc_cascade_stats *out, int32_t *depth_out)
{
    memset(out, 0, sizeof *out);
    out->structural_virality = NAN;
    for (int k = 0; k < 3; k++) out->t_reach[k] = NAN;
    if (n <= 0) return;
    /* parents before children (every parent[i] in [0, i)): no search needed */
    int topo = 1;
    for (int64_t i = 1; i < n && topo; i++) topo = parent[i] >= 0 && parent[i] < i;
    if (topo) {
        ordered_stats(n, parent, t, bot, out, depth_out);
        return;
    }

    /* children as a CSR over parents */
    int64_t *first = tc_xcalloc((size_t)n + 1, sizeof *first);
    int64_t *kids = tc_xmalloc((size_t)n * sizeof *kids);
    for (int64_t i = 1; i < n; i++)
        if (parent[i] >= 0 && parent[i] < n && parent[i] != i) first[parent[i] + 1]++;
    for (int64_t i = 0; i < n; i++) first[i + 1] += first[i];
    int64_t *fill = tc_xmalloc((size_t)n * sizeof *fill);
    memcpy(fill, first, (size_t)n * sizeof *fill);
    for (int64_t i = 1; i < n; i++)
        if (parent[i] >= 0 && parent[i] < n && parent[i] != i) kids[fill[parent[i]]++] = i;

    /* breadth-first from the root: order[] lists reachable nodes by depth */
    int64_t *order = fill; /* reuse */
    int32_t *depth = tc_xmalloc((size_t)n * sizeof *depth);
    for (int64_t i = 0; i < n; i++) depth[i] = -1;
    int64_t head = 0, tail = 0;
    order[tail++] = 0;
    depth[0] = 0;
    while (head < tail) {
        int64_t u = order[head++];
        for (int64_t j = first[u]; j < first[u + 1]; j++) {
            int64_t v = kids[j];
            if (depth[v] >= 0) continue;
            depth[v] = depth[u] + 1;
            order[tail++] = v;
        }
    }
    int64_t nr = tail; /* reachable nodes, root included */
    out->size = nr - 1;
    out->unreachable = n - nr;
    out->depth = depth[order[nr - 1]];

    int64_t *breadth = tc_xcalloc((size_t)out->depth + 1, sizeof *breadth);
    for (int64_t k = 1; k < nr; k++) {
        int64_t v = order[k];
        breadth[depth[v]]++;
        if (bot && bot[v]) out->bot_reshares++;
        if (bot && bot[parent[v]]) out->via_bot++;
    }
    for (int32_t d = 1; d <= out->depth; d++)
        if (breadth[d] > out->max_breadth) out->max_breadth = breadth[d];

    /* Wiener index: each edge (v, parent) separates s(v) nodes from nr - s(v) */
    if (nr >= 2) {
        int64_t *sub = tc_xmalloc((size_t)n * sizeof *sub);
        for (int64_t k = 0; k < nr; k++) sub[order[k]] = 1;
        long double w = 0;
        for (int64_t k = nr - 1; k >= 1; k--) {
            int64_t v = order[k];
            sub[parent[v]] += sub[v];
            w += (long double)sub[v] * (long double)(nr - sub[v]);
        }
        out->structural_virality = (double)(2.0L * w / ((long double)nr * (long double)(nr - 1)));
        free(sub);
    }

    if (t && nr >= 2) reach_times(t, order, nr, out);
    if (depth_out) memcpy(depth_out, depth, (size_t)n * sizeof *depth);
    free(breadth);
    free(depth);
    free(fill);
    free(kids);
    free(first);
}
