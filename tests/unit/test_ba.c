/* The preferential-attachment generator against igraph's: for each case, igraph's
 * default generator seeded alike, tc_graph_ba must give exactly the edges of
 * igraph_barabasi_game(n, power, m, outpref = true, A = 1, directed, psumtree),
 * in igraph's order, each reversed (the cited account's posts reach the citing
 * one) and shifted by the offset. The cases cover m >= i (all earlier accounts
 * cited), m = 0, a single account, power 0 (uniform), sublinear and superlinear
 * power, and several seeds; another seed must give other edges. Powers 0 and 1
 * (whole weights) take our own tree of sums, the others igraph's. */
#include <igraph.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph.h"
#include "tc_test.h"

static void one_case(int64_t n, int64_t m, double power, unsigned long seed, int32_t offset)
{
    igraph_t ig;
    igraph_rng_seed(igraph_rng_default(), seed);
    if (igraph_barabasi_game(&ig, n, power, m, NULL, 1, 1.0, 1, IGRAPH_BARABASI_PSUMTREE, NULL)) {
        CHECK(0, "igraph_barabasi_game failed for n=%lld m=%lld", (long long)n, (long long)m);
        return;
    }
    tc_edges g;
    memset(&g, 0, sizeof g);
    tc_err err = {0};
    igraph_rng_seed(igraph_rng_default(), seed);
    int rc = tc_graph_ba(&g, n, power, m, offset, &err);
    CHECK(rc == TC_OK, "tc_graph_ba n=%lld: %s", (long long)n, err.msg);
    igraph_integer_t me = igraph_ecount(&ig);
    CHECK(g.m == (int64_t)me, "n=%lld m=%lld power=%g seed=%lu: %lld edges, igraph %lld",
          (long long)n, (long long)m, power, seed, (long long)g.m, (long long)me);
    int64_t bad = -1;
    for (igraph_integer_t e = 0; e < me && e < g.m && bad < 0; e++)
        if (g.src[e] != (int32_t)IGRAPH_TO(&ig, e) + offset ||
            g.dst[e] != (int32_t)IGRAPH_FROM(&ig, e) + offset)
            bad = e;
    CHECK(bad < 0, "n=%lld m=%lld power=%g seed=%lu: edge %lld differs from igraph's",
          (long long)n, (long long)m, power, seed, (long long)bad);
    /* the draws must matter: a case with choices made differs under another seed */
    if (n > 50 && m > 0 && m < n) {
        tc_edges h;
        memset(&h, 0, sizeof h);
        igraph_rng_seed(igraph_rng_default(), seed + 1);
        CHECK(tc_graph_ba(&h, n, power, m, offset, &err) == TC_OK, "second seed");
        CHECK(h.m == g.m && memcmp(h.src, g.src, (size_t)g.m * sizeof *g.src),
              "n=%lld m=%lld: seeds %lu and %lu gave the same edges", (long long)n, (long long)m,
              seed, seed + 1);
        tc_graph_destroy(&h);
    }
    igraph_destroy(&ig);
    tc_graph_destroy(&g);
}

int main(void)
{
    static const struct {
        int64_t n, m;
        double power;
    } cases[] = {
        {1, 3, 1.0},    {2, 3, 1.0},    {12, 4, 1.0},   {200, 0, 1.0},  {5000, 1, 1.0},
        {20000, 6, 1.0}, {3000, 4, 0.0}, {3000, 3, 0.5}, {3000, 2, 1.7}, {4000, 10, 1.25},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
        for (unsigned long seed = 1; seed <= 3; seed++)
            one_case(cases[c].n, cases[c].m, cases[c].power, seed * 7919, (int32_t)(c * 1000));
    return tc_test_done("test_ba");
}
