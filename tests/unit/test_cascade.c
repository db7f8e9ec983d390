/* Cascade metrics against exact answers: structural virality of a star (2(n-1)/n),
 * a chain ((n+1)/3) and a complete binary tree, and of random trees against a
 * brute-force mean over all pairs of nodes; depth, breadth, reach times, bots,
 * unreachable nodes and cycles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "engine/cascade.h"
#include "tc_test.h"

/* Mean distance over ordered pairs by a BFS from every node: O(n^2). */
static double brute_sv(int64_t n, const int64_t *parent)
{
    int64_t *dist = malloc((size_t)n * sizeof *dist), *queue = malloc((size_t)n * sizeof *queue);
    double total = 0;
    for (int64_t s = 0; s < n; s++) {
        for (int64_t i = 0; i < n; i++) dist[i] = -1;
        int64_t h = 0, t = 0;
        queue[t++] = s;
        dist[s] = 0;
        while (h < t) {
            int64_t u = queue[h++];
            for (int64_t v = 0; v < n; v++) /* neighbours: parent and children */
                if (dist[v] < 0 && (parent[u] == v || parent[v] == u)) {
                    dist[v] = dist[u] + 1;
                    queue[t++] = v;
                }
        }
        for (int64_t i = 0; i < n; i++) total += (double)dist[i];
    }
    free(dist);
    free(queue);
    return total / ((double)n * (double)(n - 1));
}

int main(void)
{
    enum { N = 200 };
    int64_t parent[N];
    double t[N];
    uint8_t bot[N];
    tc_cascade_stats st;
    int32_t depth[N];

    /* star of n nodes */
    for (int n = 2; n <= 100; n += 7) {
        parent[0] = -1;
        for (int i = 1; i < n; i++) parent[i] = 0;
        tc_cascade_tree_stats(n, parent, NULL, NULL, &st, NULL);
        CHECK(fabs(st.structural_virality - 2.0 * (n - 1) / n) < 1e-12, "star %d: %.15f", n,
              st.structural_virality);
        CHECK(st.size == n - 1 && st.depth == (n > 1) && st.max_breadth == n - 1, "star %d shape", n);
    }
    /* chain of n nodes, reshares 10 s apart */
    for (int n = 2; n <= N; n += 9) {
        parent[0] = -1;
        t[0] = 0;
        for (int i = 1; i < n; i++) parent[i] = i - 1, t[i] = 10.0 * i;
        tc_cascade_tree_stats(n, parent, t, NULL, &st, depth);
        CHECK(fabs(st.structural_virality - (n + 1) / 3.0) < 1e-9, "chain %d: %.12f", n,
              st.structural_virality);
        CHECK(st.depth == n - 1 && st.max_breadth == 1 && depth[n - 1] == n - 1, "chain %d", n);
        CHECK(n - 1 < 10 ? isnan(st.t_reach[0]) : st.t_reach[0] == 100.0, "chain %d t_10 %g", n,
              st.t_reach[0]);
        CHECK(n - 1 < 100 ? isnan(st.t_reach[1]) : st.t_reach[1] == 1000.0, "chain %d t_100", n);
    }
    /* complete binary tree of depth d: n = 2^(d+1) - 1; an edge into depth l
     * separates s = 2^(d-l+1) - 1 nodes, and there are 2^l such edges */
    for (int d = 1; d <= 6; d++) {
        int n = (1 << (d + 1)) - 1;
        parent[0] = -1;
        for (int i = 1; i < n; i++) parent[i] = (i - 1) / 2;
        double w = 0;
        for (int l = 1; l <= d; l++) {
            double s = (1 << (d - l + 1)) - 1;
            w += (1 << l) * s * (n - s);
        }
        tc_cascade_tree_stats(n, parent, NULL, NULL, &st, NULL);
        CHECK(fabs(st.structural_virality - 2 * w / ((double)n * (n - 1))) < 1e-12,
              "binary %d: %.15f", d, st.structural_virality);
        CHECK(st.depth == d && st.max_breadth == (1 << d), "binary %d shape", d);
    }
    /* random recursive trees against the brute force, nodes in shuffled order */
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
    int bad = 0;
    for (int k = 0; k < 40; k++) {
        int n = 2 + k * 4;
        tc_rng_seek(r, 1, TC_P_GRAPH, (uint32_t)k, 0);
        int64_t perm[N], inv[N], p2[N];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 1; i--) { /* node 0 stays the root */
            int j = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)i);
            int64_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < n; i++) inv[perm[i]] = i;
        p2[0] = -1;
        for (int i = 1; i < n; i++) /* node i attaches to an earlier node, relabelled */
            p2[inv[i]] = inv[gsl_rng_uniform_int(r, (unsigned long)i)];
        tc_cascade_tree_stats(n, p2, NULL, NULL, &st, NULL);
        double want = brute_sv(n, p2);
        bad += fabs(st.structural_virality - want) > 1e-9 * want;
    }
    CHECK(bad == 0, "%d random trees disagree with the all-pairs mean", bad);

    /* the same trees with parents listed first (the one-pass way) and shuffled
     * (the breadth-first way): every statistic the same, to the bit */
    bad = 0;
    for (int k = 0; k < 40; k++) {
        int n = 1100 + k * 37; /* past 1,000 reshares: all three reach times */
        int64_t *p1 = malloc((size_t)n * sizeof *p1), *p2 = malloc((size_t)n * sizeof *p2);
        int64_t *perm = malloc((size_t)n * sizeof *perm), *inv = malloc((size_t)n * sizeof *inv);
        double *t1 = malloc((size_t)n * sizeof *t1), *t2 = malloc((size_t)n * sizeof *t2);
        uint8_t *b1 = malloc((size_t)n), *b2 = malloc((size_t)n);
        int32_t *d1 = malloc((size_t)n * sizeof *d1), *d2 = malloc((size_t)n * sizeof *d2);
        tc_rng_seek(r, 2, TC_P_GRAPH, (uint32_t)k, 0);
        p1[0] = -1;
        t1[0] = 0;
        b1[0] = 0;
        for (int i = 1; i < n; i++) {
            p1[i] = (int64_t)gsl_rng_uniform_int(r, (unsigned long)i);
            t1[i] = t1[p1[i]] + 60.0 * gsl_rng_uniform(r);
            b1[i] = gsl_rng_uniform(r) < 0.3;
        }
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 1; i--) {
            int j = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)i);
            int64_t tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        for (int i = 0; i < n; i++) inv[perm[i]] = i;
        for (int i = 0; i < n; i++) {
            p2[inv[i]] = i ? inv[p1[i]] : -1;
            t2[inv[i]] = t1[i];
            b2[inv[i]] = b1[i];
        }
        tc_cascade_stats s1, s2;
        tc_cascade_tree_stats(n, p1, t1, b1, &s1, d1);
        tc_cascade_tree_stats(n, p2, t2, b2, &s2, d2);
        int same = s1.size == s2.size && s1.depth == s2.depth &&
                   s1.max_breadth == s2.max_breadth &&
                   s1.structural_virality == s2.structural_virality &&
                   s1.bot_reshares == s2.bot_reshares && s1.via_bot == s2.via_bot &&
                   s1.unreachable == 0 && s2.unreachable == 0 && s1.size == n - 1;
        for (int q = 0; q < 3; q++) same &= s1.t_reach[q] == s2.t_reach[q] && !isnan(s1.t_reach[q]);
        for (int i = 0; i < n; i++) same &= d1[i] == d2[inv[i]];
        bad += !same;
        free(p1), free(p2), free(perm), free(inv), free(t1), free(t2);
        free(b1), free(b2), free(d1), free(d2);
    }
    CHECK(bad == 0, "%d of 40 trees differ between parents-first and shuffled order", bad);
    gsl_rng_free(r);

    /* bots: 0 <- 1(bot) <- 2, 0 <- 3; via_bot counts node 2 */
    int64_t pb[] = {-1, 0, 1, 0};
    uint8_t bb[] = {0, 1, 0, 0};
    memcpy(bot, bb, sizeof bb);
    tc_cascade_tree_stats(4, pb, NULL, bot, &st, NULL);
    CHECK(st.bot_reshares == 1 && st.via_bot == 1, "bots %lld via %lld",
          (long long)st.bot_reshares, (long long)st.via_bot);

    /* unreachable: node 3's parent is unknown, nodes 4 and 5 form a cycle */
    int64_t pu[] = {-1, 0, 1, -1, 5, 4};
    tc_cascade_tree_stats(6, pu, NULL, NULL, &st, depth);
    CHECK(st.size == 2 && st.unreachable == 3 && depth[3] == -1 && depth[4] == -1,
          "unreachable: size %lld, unreachable %lld", (long long)st.size, (long long)st.unreachable);
    CHECK(fabs(st.structural_virality - 4.0 / 3.0) < 1e-12, "chain of 3 among unreachable");

    /* a lone root */
    int64_t p1[] = {-1};
    tc_cascade_tree_stats(1, p1, NULL, NULL, &st, NULL);
    CHECK(st.size == 0 && isnan(st.structural_virality) && st.depth == 0, "lone root");
    return tc_test_done("cascade");
}
