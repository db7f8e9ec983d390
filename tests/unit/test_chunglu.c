/* The Chung-Lu generator against its own model, with stated tolerances:
 * - the model's expected number of follows, summed over all n^2 pairs, is n D
 *   (the calibration of the weights);
 * - the number of follows, the follows across communities, the audience of the
 *   largest account and the followees of the most following one are each within
 *   5 standard deviations of their exact expectation sum p_uv (variance
 *   sum p_uv (1 - p_uv)), computed over all n^2 pairs;
 * - follower counts are heavy-tailed: the largest is far above the mean;
 * - audiences are sorted, without self-loops or repeats;
 * - the store's bytes are the same on 1 and 2 threads, and change with the seed;
 * - options out of range are refused;
 * - a scenario's `generator: chung_lu` builds each community apart, by share,
 *   with the mean degree asked, heavy-tailed follower and followee counts, no
 *   follow across communities without mixing, the same edges on 1 and 3
 *   threads, and other edges under another seed. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rng.h"
#include "graph/chunglu.h"
#include "graph/graph.h"
#include "graph/graphstore.h"
#include "input/scenario.h"
#include "tc_test.h"

static char dir[] = "/tmp/tc_test_chungluXXXXXX";

static int same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g;
    while (same) {
        int x = fgetc(f), y = fgetc(g);
        if (x != y) same = 0;
        if (x == EOF || y == EOF) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return same;
}

static int same_edges(const tc_edges *a, const tc_edges *b)
{
    return a->m == b->m && !memcmp(a->src, b->src, (size_t)a->m * sizeof *a->src) &&
           !memcmp(a->dst, b->dst, (size_t)a->m * sizeof *a->dst);
}

/* The generator inside a scenario: one Chung-Lu graph per community. */
static void in_scenario(tc_err *err)
{
    static const char text[] =
        "name: cl\nseed: 3\ntime: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
        "graph:\n  generator: chung_lu\n  n: 20000\n  mean_degree: 12\n"
        "  gamma_in: 2.2\n  gamma_out: 2.8\n"
        "  communities: [{name: a, share: 0.3}, {name: b, share: 0.7}]\n"
        "model: {name: ic, p: 0.05}\n";
    tc_scenario sc;
    CHECK(tc_scenario_parse(&sc, "cl.yaml", text, NULL, 0, err) == 0, "%s", err->msg);
    tc_edges g1, g3, g2;
    omp_set_num_threads(1);
    CHECK(tc_graph_build(&g1, &sc, 77, err) == 0, "%s", err->msg);
    omp_set_num_threads(3);
    CHECK(tc_graph_build(&g3, &sc, 77, err) == 0, "%s", err->msg);
    CHECK(tc_graph_build(&g2, &sc, 78, err) == 0, "%s", err->msg);
    omp_set_num_threads(2);
    CHECK(same_edges(&g1, &g3), "chung_lu in a scenario: 1 and 3 threads differ");
    CHECK(!same_edges(&g1, &g2), "chung_lu in a scenario: keys 77 and 78 give one graph");
    int64_t *fol = calloc((size_t)g1.n, sizeof *fol), *fee = calloc((size_t)g1.n, sizeof *fee);
    int64_t cross = 0, maxfol = 0, maxfee = 0;
    for (int64_t e = 0; e < g1.m; e++) {
        fol[g1.src[e]]++;
        fee[g1.dst[e]]++;
        cross += g1.comm[g1.src[e]] != g1.comm[g1.dst[e]];
    }
    int64_t na = 0;
    for (int32_t v = 0; v < g1.n; v++) {
        if (fol[v] > maxfol) maxfol = fol[v];
        if (fee[v] > maxfee) maxfee = fee[v];
        na += g1.comm[v] == 0;
    }
    double mean = (double)g1.m / g1.n;
    CHECK(na == 6000, "community a: %lld accounts, expected 6,000", (long long)na);
    CHECK(cross == 0, "%lld follows across communities without mixing", (long long)cross);
    /* the cut at one follow per pair loses a little of D; calibrate() makes up
     * for most of it */
    CHECK(fabs(mean - 12) < 0.6, "mean follows %.3f, expected about 12", mean);
    /* a power law of exponent 2.2 on 14,000 accounts: the largest audience is in
     * the hundreds at least (BA with m = 6 gives about m sqrt(n) / 2) */
    CHECK(maxfol > 40 * mean && maxfee > 10 * mean, "largest audience %lld, followees %lld",
          (long long)maxfol, (long long)maxfee);
    free(fol);
    free(fee);
    tc_graph_destroy(&g1);
    tc_graph_destroy(&g2);
    tc_graph_destroy(&g3);
    tc_scenario_destroy(&sc);
}

/* Draw every audience of the model directly and compare with the expectations. */
static void against_model(const tc_chunglu *p, const char *what)
{
    tc_chunglu_model m;
    tc_err err = {0};
    CHECK(tc_chunglu_model_init(&m, p, &err) == 0, "%s: %s", what, err.msg);
    int32_t n = m.n;
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
    int32_t *buf = NULL;
    int64_t cap = 0, *deg = calloc((size_t)n, sizeof *deg), *in = calloc((size_t)n, sizeof *in);
    int64_t total = 0, cross = 0, bad = 0;
    for (int32_t u = 0; u < n; u++) {
        int64_t k = tc_chunglu_audience(&m, u, r, &buf, &cap, 0);
        deg[u] = k;
        total += k;
        for (int64_t i = 0; i < k; i++) {
            bad += buf[i] == u || buf[i] < 0 || buf[i] >= n || (i && buf[i] <= buf[i - 1]);
            cross += m.comm[buf[i]] != m.comm[u];
            in[buf[i]]++;
        }
    }
    CHECK(bad == 0, "%s: %lld entries out of order, repeated or self-loops", what, (long long)bad);
    /* exact moments of the model */
    int32_t top_in = 0, top_out = 0;
    for (int32_t v = 1; v < n; v++) {
        if (m.w_in[v] > m.w_in[top_in]) top_in = v;
        if (m.w_out[v] > m.w_out[top_out]) top_out = v;
    }
    double em = 0, vm = 0, ec = 0, vc = 0, eu = 0, vu = 0, ev = 0, vv = 0;
    for (int32_t u = 0; u < n; u++)
        for (int32_t v = 0; v < n; v++) {
            double q = tc_chunglu_prob(&m, u, v), var = q * (1 - q);
            em += q;
            vm += var;
            if (m.comm[u] != m.comm[v]) {
                ec += q;
                vc += var;
            }
            if (u == top_in) {
                eu += q;
                vu += var;
            }
            if (v == top_out) {
                ev += q;
                vv += var;
            }
        }
    double mean = (double)total / n;
    CHECK(fabs((double)total - em) < 5 * sqrt(vm), "%s: %lld follows, expected %.1f +- %.1f", what,
          (long long)total, em, sqrt(vm));
    CHECK(fabs(em - n * p->mean_degree) < 1e-6 * n * p->mean_degree,
          "%s: the calibrated model expects %.3f follows, not n D = %.0f", what, em,
          n * p->mean_degree);
    if (p->mixing > 0)
        CHECK(fabs((double)cross - ec) < 5 * sqrt(vc) && ec > 0.5 * p->mixing * em,
              "%s: %lld follows across communities, expected %.1f +- %.1f", what,
              (long long)cross, ec, sqrt(vc));
    else
        CHECK(cross == 0, "%s: %lld follows across communities without mixing", what,
              (long long)cross);
    CHECK(fabs((double)deg[top_in] - eu) < 5 * sqrt(vu) + 1, "%s: largest audience %lld, "
          "expected %.1f +- %.1f", what, (long long)deg[top_in], eu, sqrt(vu));
    CHECK(fabs((double)in[top_out] - ev) < 5 * sqrt(vv) + 1, "%s: most followees %lld, expected "
          "%.1f +- %.1f", what, (long long)in[top_out], ev, sqrt(vv));
    int64_t max = 0;
    for (int32_t u = 0; u < n; u++) max = deg[u] > max ? deg[u] : max;
    CHECK((double)max > 15 * mean, "%s: largest audience %lld, only %.1f times the mean %.2f", what,
          (long long)max, (double)max / mean, mean);
    printf("%s: %lld follows (expected %.1f +- %.1f), %lld across (expected %.1f), largest "
           "audience %lld (mean %.2f)\n", what, (long long)total, em, sqrt(vm), (long long)cross,
           ec, (long long)max, mean);
    free(buf);
    free(deg);
    free(in);
    gsl_rng_free(r);
    tc_chunglu_model_destroy(&m);
}

int main(void)
{
    tc_lib_errors_off();
    if (!mkdtemp(dir)) return 1;
    tc_err err = {0};

    tc_chunglu one = {.n = 3000, .mean_degree = 8, .gamma_in = 2.3, .gamma_out = 2.7,
                      .communities = 1, .seed = 4};
    against_model(&one, "one community");
    tc_chunglu blocks = {.n = 3000, .mean_degree = 6, .gamma_in = 2.2, .gamma_out = 3.0,
                         .communities = 3, .mixing = 0.2, .seed = 5};
    against_model(&blocks, "three communities, mixing 0.2");
    blocks.mixing = 0;
    against_model(&blocks, "three communities, no mixing");

    /* the same bytes on 1 and 2 threads (several batches of blocks); another seed
     * gives another graph */
    tc_chunglu big = {.n = 300000, .mean_degree = 4, .gamma_in = 2.1, .gamma_out = 2.5,
                      .communities = 4, .mixing = 0.1, .seed = 9};
    char a[300], b[300], c[300];
    snprintf(a, sizeof a, "%s/t1.h5", dir);
    snprintf(b, sizeof b, "%s/t2.h5", dir);
    snprintf(c, sizeof c, "%s/s2.h5", dir);
    int64_t m1 = 0, m2 = 0, m3 = 0;
    omp_set_num_threads(1);
    CHECK(tc_chunglu_write(a, &big, &m1, &err) == 0, "%s", err.msg);
    omp_set_num_threads(2);
    CHECK(tc_chunglu_write(b, &big, &m2, &err) == 0, "%s", err.msg);
    big.seed = 10;
    CHECK(tc_chunglu_write(c, &big, &m3, &err) == 0, "%s", err.msg);
    CHECK(m1 == m2 && m1 > 800000, "follows %lld and %lld", (long long)m1, (long long)m2);
    CHECK(same_file(a, b), "1 and 2 threads: different stores");
    CHECK(!same_file(a, c) && m3 != m1, "seeds 9 and 10: the same store");
    tc_net net;
    tc_graphstore_info info;
    CHECK(tc_graphstore_read(a, &net, &info, &err) == 0, "%s", err.msg);
    CHECK(net.m == m1 && info.ncomm == 4 && !strcmp(info.comm_names[3], "c3") &&
              info.comm[net.n - 1] == 3 && info.comm[0] == 0, "generated store read back");
    tc_net_destroy(&net);
    tc_graphstore_info_destroy(&info);

    /* options out of range */
    static const struct {
        tc_chunglu p;
        const char *needle;
    } bad[] = {
        {{.n = 1, .mean_degree = 1, .gamma_in = 3, .gamma_out = 3, .communities = 1}, "--n"},
        {{.n = 10, .mean_degree = 10, .gamma_in = 3, .gamma_out = 3, .communities = 1},
         "--mean-degree"},
        {{.n = 10, .mean_degree = 2, .gamma_in = 2, .gamma_out = 3, .communities = 1},
         "--gamma-in: expected a number in (2, 10], got 2"},
        {{.n = 10, .mean_degree = 2, .gamma_in = 3, .gamma_out = 11, .communities = 1},
         "--gamma-out"},
        {{.n = 10, .mean_degree = 2, .gamma_in = 3, .gamma_out = 3, .communities = 11},
         "--communities: expected an integer in [1, 10]"},
        {{.n = 10, .mean_degree = 2, .gamma_in = 3, .gamma_out = 3, .communities = 1,
          .mixing = 0.1}, "--mixing: 0.1 needs at least two --communities"},
        {{.n = 10, .mean_degree = 2, .gamma_in = 3, .gamma_out = 3, .communities = 2,
          .mixing = 1.5}, "--mixing: expected a number in [0, 1]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tc_chunglu_model m;
        int rc = tc_chunglu_model_init(&m, &bad[i].p, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, bad[i].needle), "bad options %zu: rc %d '%s'",
              i, rc, err.msg);
    }

    in_scenario(&err);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return tc_test_done("chunglu");
}
