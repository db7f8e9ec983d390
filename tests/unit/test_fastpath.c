/* The engine's fast path (skipping ahead over an audience) against the edge-by-edge
 * path and against known answers:
 *   distribution: IC on a fixed 6,000-account graph with a hub whose audience
 *     spans two blocks, humans and bots with different probabilities, two
 *     communities of different susceptibility and a damping in force for the
 *     first post only; 200 runs each way. Reach and exposed counts must agree:
 *     two-sample Kolmogorov-Smirnov at level 0.001 and means within 4
 *     standard errors of their difference.
 *   star: the centre posts to k = 10,000 followers (three blocks); reach - 1 ~
 *     Binomial(k, p): mean within 4 standard errors of k p.
 *   p = 1: every follower is a candidate and keeps it, so both paths make the
 *     same decisions from the same delays: identical per-account outcomes.
 *   exposures: the exposed accounts are exactly the union of the audiences of
 *     the accounts that posted, and the exposure series adds up to it.
 *   threads: the per-account outcome is identical on 1, 2 and 3 threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "drive/run.h"
#include "engine/engine.h"
#include "tc_test.h"

extern const tc_model_type tc_model_ic;

typedef struct {
    tc_net net;
    tc_population pop;
    tc_timeline tl;
    tc_tevent ev[3];
    double susc[2];
} world;

/* n accounts; account 0 is a named account (class hub) posting at 0.5 s and,
 * when `again`, at 120 s; every 5th other account is a bot; communities
 * alternate. With `damp`, people of community 1 are damped by 0.5 during the
 * first 60 s. */
static void make_world(world *w, int32_t n, int64_t m, const int32_t *src, const int32_t *dst,
                       int again, int damp, int susc)
{
    tc_err err;
    memset(w, 0, sizeof *w);
    tc_net_from_edges(&w->net, n, m, src, dst, &err);
    w->pop.n = n;
    w->pop.cls = calloc((size_t)n, 1);
    w->pop.comm = calloc((size_t)n, sizeof *w->pop.comm);
    w->pop.ncomm = 2;
    for (int32_t v = 0; v < n; v++) {
        w->pop.cls[v] = v == 0 ? TC_CLASS_HUB : v % 5 == 0 ? TC_CLASS_BOT : TC_CLASS_HUMAN;
        w->pop.comm[v] = (uint16_t)(v % 2);
        w->pop.nbots += w->pop.cls[v] == TC_CLASS_BOT;
    }
    w->pop.nhumans = n - w->pop.nbots;
    w->susc[0] = 1.5;
    w->susc[1] = 0.5;
    if (susc) w->pop.susc = w->susc;
    w->pop.delay_median_s = 20;
    w->pop.delay_sigma = 0.5;
    w->pop.bot_delay_min_s = 2;
    w->pop.bot_delay_max_s = 10;
    int k = 0;
    w->ev[k++] = (tc_tevent){.t = 0.5, .kind = TC_EV_POST, .account = 0};
    if (damp)
        w->ev[k++] = (tc_tevent){.t = 0.5, .kind = TC_EV_DAMPING, .account = -1, .until = 60,
                                 .who = TC_WHO_PEOPLE, .comm = 1, .factor = 0.5};
    if (again) w->ev[k++] = (tc_tevent){.t = 120, .kind = TC_EV_POST, .account = 0};
    w->tl.n = k;
    w->tl.ev = w->ev;
}

static void free_world(world *w)
{
    tc_net_destroy(&w->net);
    free(w->pop.cls);
    free(w->pop.comm);
}

typedef struct {
    int64_t reach, exposed, exposed_series, candidates;
} outcome;

/* One run of IC (p humans, p_bot bots, p_hub the named account) on the fast
 * path or not; copies adoption times, parents and exposure marks if asked. */
static outcome run(const world *w, const double par[3], int fast, uint64_t key, int threads,
                   double *adopt_t, int32_t *parent, uint8_t *exposed)
{
    tc_recorder rec;
    tc_engine *e;
    tc_summary s;
    tc_err err;
    tc_work work;
    outcome o = {0};
    tc_engine_opts opts = {.dt = 1.0, .horizon = 3600.0, .per_interval = 60, .threads = threads,
                           .fast_path = fast};
    tc_recorder_init(&rec, 60, 2, 60);
    tc_engine_alloc(&e, &w->net, &w->pop, &w->tl, &tc_model_ic, par, &rec, key, &opts, &err);
    while (tc_engine_step(e)) {
    }
    tc_engine_finish(e, &s);
    o.reach = s.reach;
    o.exposed = s.exposed;
    tc_engine_work(e, &work);
    o.candidates = work.candidates;
    for (int64_t i = 0; i < rec.T; i++)
        for (int c = 0; c < 2; c++)
            o.exposed_series += rec.by_class[((int64_t)TC_CNT_EXPOSED * rec.T + i) * 2 + c];
    size_t n = (size_t)w->net.n;
    const tc_outcome *out = tc_engine_outcome(e);
    if (adopt_t) memcpy(adopt_t, tc_outcome_adopt_t(out), n * sizeof *adopt_t);
    if (parent) memcpy(parent, tc_outcome_parent(out), n * sizeof *parent);
    if (exposed) memcpy(exposed, tc_outcome_exposed(out), n);
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    return o;
}

static void mean_se(const double *x, int n, double *mean, double *se)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(s2 / (n - 1) / n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Two-sample Kolmogorov-Smirnov statistic D of x[n] and y[n] (sorted in place). */
static double ks(double *x, double *y, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    qsort(y, (size_t)n, sizeof *y, cmp_double);
    double d = 0;
    int i = 0, j = 0;
    while (i < n && j < n) {
        double v = x[i] < y[j] ? x[i] : y[j];
        while (i < n && x[i] == v) i++;
        while (j < n && y[j] == v) j++;
        double g = fabs((double)i / n - (double)j / n);
        if (g > d) d = g;
    }
    return d;
}

/* A keyed random graph: account 0's audience is accounts 1..hub, every other
 * account's audience is `deg` accounts drawn uniformly. */
static int64_t make_edges(int32_t n, int32_t hub, int deg, int32_t *src, int32_t *dst)
{
    int64_t m = 0;
    for (int32_t v = 1; v <= hub; v++) src[m] = 0, dst[m++] = v;
    for (int32_t u = 1; u < n; u++)
        for (int j = 0; j < deg; j++) {
            double x = tc_rng_u01(0x5eed, TC_P_GRAPH, (uint32_t)u, (uint64_t)j);
            src[m] = u, dst[m++] = 1 + (int32_t)(x * (n - 1));
        }
    return m;
}

int main(void)
{
    enum { R = 200 };
    static double a[R], b[R], c[R], d[R];
    int32_t *src = malloc(sizeof(int32_t) * 200000), *dst = malloc(sizeof(int32_t) * 200000);
    world w;
    double mean, se, mean2, se2;

    /* distribution, with a class mix, susceptibility and a damping */
    const int32_t n = 6000;
    int64_t m = make_edges(n, 5000, 3, src, dst);
    make_world(&w, n, m, src, dst, 1, 1, 1);
    const double par[3] = {0.08, 0.3, 0.0};
    int64_t cand = 0;
    for (int r = 0; r < R; r++) {
        outcome f = run(&w, par, 1, tc_run_key(21, (uint32_t)r), 1, NULL, NULL, NULL);
        outcome s = run(&w, par, 0, tc_run_key(22, (uint32_t)r), 1, NULL, NULL, NULL);
        a[r] = (double)f.reach, b[r] = (double)s.reach;
        c[r] = (double)f.exposed, d[r] = (double)s.exposed;
        cand += f.candidates;
        CHECK(s.candidates == 0, "the edge-by-edge path drew %lld candidates",
              (long long)s.candidates);
    }
    /* the bound is max(0.3, 0.08 x 1.5) = 0.3: humans are thinned */
    CHECK(cand > 0, "the fast path was not taken");
    mean_se(a, R, &mean, &se);
    mean_se(b, R, &mean2, &se2);
    printf("# reach: fast %.2f +- %.2f, edge by edge %.2f +- %.2f\n", mean, se, mean2, se2);
    CHECK(fabs(mean - mean2) < 4 * sqrt(se * se + se2 * se2), "reach means %.2f vs %.2f", mean,
          mean2);
    CHECK(mean > 10, "the cascade is too small to compare: mean reach %.2f", mean);
    double crit = 1.95 * sqrt(2.0 / R); /* KS critical value at level 0.001 */
    double D = ks(a, b, R);
    CHECK(D < crit, "reach: KS D = %.3f >= %.3f", D, crit);
    mean_se(c, R, &mean, &se);
    mean_se(d, R, &mean2, &se2);
    printf("# exposed: fast %.2f +- %.2f, edge by edge %.2f +- %.2f\n", mean, se, mean2, se2);
    CHECK(fabs(mean - mean2) < 4 * sqrt(se * se + se2 * se2), "exposed means %.2f vs %.2f", mean,
          mean2);
    D = ks(c, d, R);
    CHECK(D < crit, "exposed: KS D = %.3f >= %.3f", D, crit);

    /* exposures: exactly the union of the audiences of those who posted */
    uint8_t *ex = malloc((size_t)n), *want = calloc((size_t)n, 1);
    double *at = malloc(sizeof(double) * (size_t)n);
    int bad = 0, badsum = 0;
    for (int r = 0; r < 20; r++) {
        outcome o = run(&w, par, 1, tc_run_key(23, (uint32_t)r), 2, at, NULL, ex);
        memset(want, 0, (size_t)n);
        int64_t k = 0;
        for (int32_t u = 0; u < n; u++)
            if (at[u] != INFINITY)
                for (int64_t e = w.net.off[u]; e < w.net.off[u + 1]; e++) want[w.net.dst[e]] = 1;
        for (int32_t v = 0; v < n; v++) k += want[v];
        bad += memcmp(ex, want, (size_t)n) != 0;
        badsum += o.exposed != k || o.exposed_series != k;
    }
    CHECK(bad == 0, "%d runs: exposed accounts differ from the audiences' union", bad);
    CHECK(badsum == 0, "%d runs: exposed counts differ from the audiences' union", badsum);
    free_world(&w);

    /* threads: identical outcome on 1, 2 and 3 threads (the hub spans blocks) */
    make_world(&w, n, m, src, dst, 1, 1, 1);
    double *t1 = malloc(sizeof(double) * (size_t)n), *tk = malloc(sizeof(double) * (size_t)n);
    int32_t *p1 = malloc(sizeof(int32_t) * (size_t)n), *pk = malloc(sizeof(int32_t) * (size_t)n);
    uint8_t *e1 = malloc((size_t)n), *ek = malloc((size_t)n);
    const double hot[3] = {0.25, 0.6, 0.5};
    int differ = 0;
    for (int r = 0; r < 10; r++) {
        run(&w, hot, 1, tc_run_key(24, (uint32_t)r), 1, t1, p1, e1);
        for (int th = 2; th <= 3; th++) {
            run(&w, hot, 1, tc_run_key(24, (uint32_t)r), th, tk, pk, ek);
            differ += memcmp(t1, tk, sizeof(double) * (size_t)n) != 0 ||
                      memcmp(p1, pk, sizeof(int32_t) * (size_t)n) != 0 || memcmp(e1, ek, (size_t)n);
        }
    }
    CHECK(differ == 0, "%d runs differ between thread counts", differ);

    /* p = 1 (no susceptibility, no damping): both paths make the same decisions */
    free_world(&w);
    make_world(&w, n, m, src, dst, 1, 0, 0);
    const double one[3] = {1, 1, 1};
    differ = 0;
    for (int r = 0; r < 3; r++) {
        run(&w, one, 1, tc_run_key(25, (uint32_t)r), 2, t1, p1, e1);
        run(&w, one, 0, tc_run_key(25, (uint32_t)r), 2, tk, pk, ek);
        differ += memcmp(t1, tk, sizeof(double) * (size_t)n) != 0 ||
                  memcmp(p1, pk, sizeof(int32_t) * (size_t)n) != 0 || memcmp(e1, ek, (size_t)n);
    }
    CHECK(differ == 0, "p = 1: %d runs differ between the two paths", differ);
    free_world(&w);

    /* big rounds: a hub's 50,000 followers, people only, every reshare exactly
     * 20 s after what it answers, so that rounds of tens of thousands of
     * reshares are played by several threads; everything the run records is the
     * same on 1, 2 and 3 threads */
    {
        const int32_t nb = 60000;
        int32_t *bs = malloc(sizeof(int32_t) * 400000), *bd = malloc(sizeof(int32_t) * 400000);
        int64_t mb = make_edges(nb, 50000, 5, bs, bd);
        world big;
        make_world(&big, nb, mb, bs, bd, 1, 0, 0);
        for (int32_t v = 1; v < nb; v++) big.pop.cls[v] = TC_CLASS_HUMAN;
        big.pop.nbots = 0;
        big.pop.nhumans = nb;
        /* all but equal delays: generations land in one bucket each, and make
         * rounds of tens of thousands of reshares for the event engine (with
         * sigma 0 exactly the run would take the lanes path, test_lanes.py) */
        big.pop.delay_sigma = 1e-9;
        const double bp[3] = {0.4, 0, 1};
        char *first = NULL;
        size_t flen = 0;
        int64_t threaded = 0, reach = 0;
        int same = 1;
        for (int th = 1; th <= 3; th++) {
            tc_recorder rec;
            tc_engine *e;
            tc_summary s;
            tc_err err;
            tc_work work;
            tc_engine_opts opts = {.dt = 1.0, .horizon = 3600.0, .per_interval = 60,
                                   .threads = th, .record_cascade = 1, .fast_path = 1};
            tc_recorder_init(&rec, 60, 2, 60);
            tc_engine_alloc(&e, &big.net, &big.pop, &big.tl, &tc_model_ic, bp, &rec,
                            tc_run_key(27, 0), &opts, &err);
            while (tc_engine_step(e)) {
            }
            tc_engine_finish(e, &s);
            const tc_outcome *out = tc_engine_outcome(e);
            tc_adoption *log;
            int64_t nlog;
            tc_outcome_cascade(out, &log, &nlog);
            char *text = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&text, &len);
            fwrite(rec.by_class, sizeof *rec.by_class, (size_t)(TC_NCOUNTERS * rec.T * 2), f);
            fwrite(rec.by_comm, sizeof *rec.by_comm, (size_t)(TC_NCOUNTERS * rec.T * 2), f);
            fwrite(tc_outcome_adopt_t(out), sizeof(double), (size_t)nb, f);
            fwrite(tc_outcome_parent(out), sizeof(int32_t), (size_t)nb, f);
            fwrite(tc_outcome_depth(out), sizeof(int32_t), (size_t)nb, f);
            fwrite(tc_outcome_exposed(out), 1, (size_t)nb, f);
            fwrite(log, sizeof *log, (size_t)nlog, f);
            fprintf(f, "%lld %lld %lld %.17g %lld", (long long)s.reach, (long long)s.reshares,
                    (long long)s.max_breadth, s.root[0].structural_virality,
                    (long long)s.root[0].size);
            fclose(f);
            if (th == 1) {
                first = text, flen = len, reach = s.reach;
            } else {
                same &= len == flen && !memcmp(text, first, len);
                tc_engine_work(e, &work);
                threaded += work.threaded_plays;
                free(text);
            }
            free(log);
            tc_summary_destroy(&s);
            tc_engine_free(e);
            tc_recorder_destroy(&rec);
        }
        printf("# big rounds: reach %lld, %lld rounds played on threads\n", (long long)reach,
               (long long)threaded);
        CHECK(threaded > 0, "no round was played by several threads (reach %lld)", (long long)reach);
        CHECK(same, "big rounds: 1, 2 and 3 threads differ");
        free(first);
        free_world(&big);
        free(bs);
        free(bd);
    }

    /* star: the centre posts to k followers, all humans without susceptibility */
    const int32_t k = 10000;
    for (int32_t i = 0; i < k; i++) src[i] = 0, dst[i] = i + 1;
    make_world(&w, k + 1, k, src, dst, 0, 0, 0);
    for (int32_t v = 1; v <= k; v++) w.pop.cls[v] = TC_CLASS_HUMAN;
    const double p = 0.12, star[3] = {p, 0, 0};
    for (int r = 0; r < R; r++)
        a[r] = (double)(run(&w, star, 1, tc_run_key(26, (uint32_t)r), 1, NULL, NULL, NULL).reach - 1);
    mean_se(a, R, &mean, &se);
    double exact_se = sqrt(k * p * (1 - p) / R);
    printf("# star: mean %.2f, want %.2f +- %.2f\n", mean, k * p, 4 * exact_se);
    CHECK(fabs(mean - k * p) < 4 * exact_se, "star: mean %.3f, want %.3f +- %.3f", mean, k * p,
          4 * exact_se);
    CHECK(fabs(se / exact_se - 1) < 0.25, "star: spread %.4f vs binomial %.4f", se, exact_se);
    free_world(&w);

    free(t1);
    free(tk);
    free(p1);
    free(pk);
    free(e1);
    free(ek);
    free(ex);
    free(want);
    free(at);
    free(src);
    free(dst);
    return tc_test_done("fastpath");
}
