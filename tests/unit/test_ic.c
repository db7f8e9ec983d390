/* Independent cascade against known answers, run through the engine:
 *   star: a hub posts to k followers who have no followers of their own;
 *         reach - 1 ~ Binomial(k, p), mean k p.
 *   tree: a complete binary tree of depth D with edges flowing from the root;
 *         expected reshares = sum_{l=1..D} (2p)^l.
 * Each mean over R independent runs must lie within 4 standard errors. Also:
 * thread invariance of the whole per-account outcome, and no events when
 * nobody posts. */
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
    tc_tevent ev;
} world;

/* All non-hub accounts are bots (delays 2-10 s keep the run short); IC's p_bot
 * is then the probability under test. */
static void make_world(world *w, int32_t n, int64_t m, const int32_t *src, const int32_t *dst,
                       int32_t hub)
{
    tc_err err;
    memset(w, 0, sizeof *w);
    tc_net_from_edges(&w->net, n, m, src, dst, &err);
    w->pop.n = n;
    w->pop.cls = calloc((size_t)n, 1);
    w->pop.comm = calloc((size_t)n, sizeof *w->pop.comm);
    w->pop.ncomm = 1;
    for (int32_t v = 0; v < n; v++) w->pop.cls[v] = v == hub ? TC_CLASS_HUB : TC_CLASS_BOT;
    w->pop.bot_delay_min_s = 2;
    w->pop.bot_delay_max_s = 10;
    w->ev = (tc_tevent){.t = 0.5, .kind = TC_EV_POST, .account = hub};
    w->tl.n = hub >= 0 ? 1 : 0;
    w->tl.ev = &w->ev;
}

static void free_world(world *w)
{
    tc_net_destroy(&w->net);
    free(w->pop.cls);
    free(w->pop.comm);
}

/* One run; returns reshares. If `adopt_t` is given, copies the adoption times. */
static int64_t run(const world *w, double p, uint64_t key, int threads, double *adopt_t,
                   int32_t *parent)
{
    tc_recorder rec;
    tc_engine *e;
    tc_summary s;
    tc_err err;
    double par[3] = {p, p, 0};
    tc_engine_opts opts = {.dt = 1.0, .horizon = 3600.0, .per_interval = 60, .threads = threads,
                           .fast_path = 1};
    tc_recorder_init(&rec, 60, 1, 60);
    tc_engine_alloc(&e, &w->net, &w->pop, &w->tl, &tc_model_ic, par, &rec, key, &opts, &err);
    while (tc_engine_step(e)) {
    }
    tc_engine_finish(e, &s);
    int64_t r = s.reshares;
    const tc_outcome *out = tc_engine_outcome(e);
    if (adopt_t) memcpy(adopt_t, tc_outcome_adopt_t(out), (size_t)w->net.n * sizeof *adopt_t);
    if (parent) memcpy(parent, tc_outcome_parent(out), (size_t)w->net.n * sizeof *parent);
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    return r;
}

static void mean_se(const double *x, int n, double *mean, double *se)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(s2 / (n - 1) / n);
}

int main(void)
{
    enum { R = 2000 };
    static double x[R];

    /* star: hub 0 with k followers */
    const int k = 200;
    int32_t *src = malloc(sizeof(int32_t) * 4096), *dst = malloc(sizeof(int32_t) * 4096);
    for (int i = 0; i < k; i++) src[i] = 0, dst[i] = i + 1;
    world w;
    make_world(&w, k + 1, k, src, dst, 0);
    const double p = 0.3;
    for (int r = 0; r < R; r++) x[r] = (double)run(&w, p, tc_run_key(11, (uint32_t)r), 1, NULL, NULL);
    double mean, se;
    mean_se(x, R, &mean, &se);
    double want = k * p, exact_se = sqrt(k * p * (1 - p) / R);
    CHECK(fabs(mean - want) < 4 * exact_se, "star: mean %.3f, want %.3f +- %.3f", mean, want,
          4 * exact_se);
    CHECK(fabs(se / exact_se - 1) < 0.1, "star: spread %.4f vs binomial %.4f", se, exact_se);
    free_world(&w);

    /* complete binary tree of depth D, root 0, children of v are 2v+1, 2v+2 */
    const int D = 8, nt = (1 << (D + 1)) - 1;
    int64_t m = 0;
    for (int v = 0; 2 * v + 2 < nt; v++) {
        src[m] = v, dst[m++] = 2 * v + 1;
        src[m] = v, dst[m++] = 2 * v + 2;
    }
    make_world(&w, nt, m, src, dst, 0);
    const double q = 0.45;
    want = 0;
    for (int l = 1; l <= D; l++) want += pow(2 * q, l);
    for (int r = 0; r < R; r++) x[r] = (double)run(&w, q, tc_run_key(12, (uint32_t)r), 2, NULL, NULL);
    mean_se(x, R, &mean, &se);
    CHECK(fabs(mean - want) < 4 * se, "tree: mean %.3f, want %.3f +- %.3f", mean, want, 4 * se);

    /* the per-account outcome is identical for 1, 2 and 4 threads */
    double *t1 = malloc(sizeof(double) * (size_t)nt), *t4 = malloc(sizeof(double) * (size_t)nt);
    int32_t *p1 = malloc(sizeof(int32_t) * (size_t)nt), *p4 = malloc(sizeof(int32_t) * (size_t)nt);
    int differ = 0;
    for (int r = 0; r < 50; r++) {
        run(&w, 0.6, tc_run_key(13, (uint32_t)r), 1, t1, p1);
        for (int th = 2; th <= 4; th += 2) {
            run(&w, 0.6, tc_run_key(13, (uint32_t)r), th, t4, p4);
            differ += memcmp(t1, t4, sizeof(double) * (size_t)nt) != 0 ||
                      memcmp(p1, p4, sizeof(int32_t) * (size_t)nt) != 0;
        }
    }
    CHECK(differ == 0, "%d runs differ between thread counts", differ);
    free(t1);
    free(t4);
    free(p1);
    free(p4);
    free_world(&w);

    /* nobody posts: nothing happens */
    make_world(&w, nt, m, src, dst, -1);
    CHECK(run(&w, 1.0, tc_run_key(14, 0), 2, NULL, NULL) == 0, "reshares without a post");
    free_world(&w);
    free(src);
    free(dst);
    return tc_test_done("ic");
}
