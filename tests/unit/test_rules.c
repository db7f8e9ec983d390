/* The event rules against known answers, run through the engine on hand-made
 * graphs (edges flow from an author to the accounts that see its posts):
 *   ic      complete k-ary tree seeded at the root: E[reshares] = sum_i (k p)^i;
 *           star seeded at the centre: reshares ~ Binomial(k, p).
 *   lt      thresholds fixed by theta_min = theta_max: exact adopter sets on a
 *           chain and fan-ins, where a second timeline post, a bot's repeats and
 *           a mention of an account that also follows the bot must not count
 *           again; thresholds uniform in [0, 1]: an account that follows K
 *           accounts of which j post adopts with probability j / K.
 *   complex ring lattice (each account follows the 2 nearest on each side):
 *           k = 2 from two adjacent seeds and k = 1 reach everyone, k = 2 from
 *           one seed stops at once; the exposure-response curve after K
 *           distinct posts; bots adopt with p_bot whatever k is.
 *   hawkes  on a random graph of 20,000 accounts, each seen by 20 (locally a tree): mean
 *           cascade size 1 / (1 - n) for n = 0.5 and 0.8; half of the delays
 *           below the kernel's median, for both kernels.
 *   sessions: with reading sessions the count is taken when an item is read,
 *           and a second post by the same account does not count again.
 * Means over independent runs must lie within 4 standard errors. A count rule
 * on the large graph gives the same per-account outcome on 1 and 3 threads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "drive/run.h"
#include "world/world.h"
#include "engine/engine.h"
#include "tc_test.h"

enum { MAXEV = 64 };

typedef struct {
    tc_net net;
    tc_population pop;
    tc_timeline tl;
    tc_tevent ev[MAXEV];
    tc_bot_group grp;
} world;

/* Humans only, one community, log-normal delays (median 60 s), no sessions. */
static void world_init(world *w, int32_t n, int64_t m, const int32_t *src, const int32_t *dst)
{
    tc_err err;
    memset(w, 0, sizeof *w);
    if (tc_net_from_edges(&w->net, n, m, src, dst, &err)) abort();
    w->pop.n = n;
    w->pop.cls = calloc((size_t)n, 1);
    w->pop.comm = calloc((size_t)n, sizeof *w->pop.comm);
    w->pop.ncomm = 1;
    w->pop.nhumans = n;
    w->pop.delay_median_s = 60;
    w->pop.delay_sigma = 0.5;
    w->pop.bot_delay_min_s = 2;
    w->pop.bot_delay_max_s = 10;
    w->tl.ev = w->ev;
}

static void world_post(world *w, double t, int32_t a)
{
    if (w->tl.n == MAXEV) abort();
    w->ev[w->tl.n++] = (tc_tevent){.t = t, .kind = TC_EV_POST, .account = a};
}

static void world_bot(world *w, int32_t v)
{
    w->pop.cls[v] = TC_CLASS_BOT;
    w->pop.nbots++;
    w->pop.nhumans--;
}

/* All bots in one group that repeats its message `repeats` times a minute
 * apart and mentions account `mention` (if >= 0) in every post. */
static void world_group(world *w, int64_t repeats, int32_t mention)
{
    w->pop.grp = calloc((size_t)w->pop.n, 1);
    w->pop.ngroups = 1;
    w->grp.share = 1;
    w->grp.repeat_count = repeats;
    w->grp.repeat_interval_s = 60;
    w->grp.active_from_s = -1;
    if (mention >= 0) {
        w->grp.nmentions = 1;
        w->grp.mention_p = 1;
        w->pop.mention_id[0][0] = mention;
    }
    w->pop.group = &w->grp;
    w->pop.gsize[0] = w->pop.nbots;
}

static void world_free(world *w)
{
    tc_net_destroy(&w->net);
    free(w->pop.cls);
    free(w->pop.comm);
    free(w->pop.grp);
}

/* The rule's defaults, then "name=value" pairs from `set`. */
static void params(const tc_model_type *m, double *par, const char *set)
{
    for (int i = 0; i < m->nparams; i++) par[i] = m->params[i].def;
    char name[32];
    double v;
    int used;
    while (set && sscanf(set, " %31[^=]=%lf%n", name, &v, &used) == 2) {
        int i = tc_model_param_index(m, name);
        if (i < 0) abort();
        par[i] = v;
        set += used;
    }
}

/* One run to `horizon` seconds; returns the reach (posters included). Copies
 * adoption times and parents if asked. */
static int64_t run(const world *w, const tc_model_type *m, const double *par, uint64_t key,
                   int threads, double horizon, double *adopt_t, int32_t *parent)
{
    tc_recorder rec;
    tc_engine *e;
    tc_summary s;
    tc_err err;
    tc_engine_opts opts = {.dt = 1.0, .horizon = horizon, .per_interval = 1000000000,
                           .threads = threads, .fast_path = 1};
    tc_recorder_init(&rec, 1, 1, horizon);
    if (tc_engine_alloc(&e, &w->net, &w->pop, &w->tl, m, par, &rec, key, &opts, &err)) abort();
    while (tc_engine_step(e)) {
    }
    tc_engine_finish(e, &s);
    int64_t reach = s.reach;
    const tc_outcome *out = tc_engine_outcome(e);
    if (adopt_t) memcpy(adopt_t, tc_outcome_adopt_t(out), (size_t)w->net.n * sizeof *adopt_t);
    if (parent) memcpy(parent, tc_outcome_parent(out), (size_t)w->net.n * sizeof *parent);
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    return reach;
}

static void mean_se(const double *x, int n, double *mean, double *se)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(s2 / (n - 1) / n);
}

/* Does the set of adopters equal `want` (a string of '0'/'1', one per account)? */
static int adopters_are(const world *w, const tc_model_type *m, const double *par,
                        const char *want, char *got)
{
    int32_t n = w->net.n;
    double *t = malloc(sizeof(double) * (size_t)n);
    run(w, m, par, tc_run_key(5, 0), 2, 86400, t, NULL);
    for (int32_t v = 0; v < n; v++) got[v] = isfinite(t[v]) ? '1' : '0';
    got[n] = 0;
    free(t);
    return strcmp(got, want) == 0;
}

extern const tc_model_type tc_model_ic, tc_model_lt, tc_model_complex, tc_model_hawkes;

static int32_t *esrc, *edst;
static int64_t ne;

static void edge(int32_t a, int32_t b)
{
    esrc[ne] = a;
    edst[ne++] = b;
}

static void test_ic(void)
{
    enum { R = 2000 };
    static double x[R];
    double par[3], mean, se;
    world w;

    /* complete 3-ary tree of depth 5; children of v are 3v+1 .. 3v+3 */
    const int k = 3, D = 5;
    int32_t n = 0;
    for (int i = 0, pw = 1; i <= D; i++, pw *= k) n += pw;
    ne = 0;
    for (int32_t v = 0; k * v + k < n; v++)
        for (int c = 1; c <= k; c++) edge(v, k * v + c);
    world_init(&w, n, ne, esrc, edst);
    world_post(&w, 1, 0);
    params(&tc_model_ic, par, "p=0.3");
    double want = 0;
    for (int i = 1; i <= D; i++) want += pow(k * 0.3, i);
    for (int r = 0; r < R; r++)
        x[r] = (double)run(&w, &tc_model_ic, par, tc_run_key(21, (uint32_t)r), 2, 86400, NULL,
                           NULL) - 1;
    mean_se(x, R, &mean, &se);
    printf("# ic tree: %.3f reshares, want %.3f +- %.3f\n", mean, want, 4 * se);
    CHECK(fabs(mean - want) < 4 * se, "ic tree: mean %.3f, want %.3f +- %.3f", mean, want, 4 * se);
    world_free(&w);

    /* star: centre 0 seen by 100 accounts */
    ne = 0;
    for (int32_t v = 1; v <= 100; v++) edge(0, v);
    world_init(&w, 101, ne, esrc, edst);
    world_post(&w, 1, 0);
    params(&tc_model_ic, par, "p=0.25");
    for (int r = 0; r < R; r++)
        x[r] = (double)run(&w, &tc_model_ic, par, tc_run_key(22, (uint32_t)r), 1, 86400, NULL,
                           NULL) - 1;
    mean_se(x, R, &mean, &se);
    double exact_se = sqrt(100 * 0.25 * 0.75 / R);
    printf("# ic star: %.3f reshares, want 25 +- %.3f\n", mean, 4 * exact_se);
    CHECK(fabs(mean - 25) < 4 * exact_se, "ic star: mean %.3f, want 25 +- %.3f", mean,
          4 * exact_se);
    world_free(&w);
}

static void test_lt(void)
{
    double par[2];
    char got[64];
    world w;
    /* chain 0 -> 1 -> 2 -> 3 -> 4; fan-in: 5, 6, 7, 8 -> 9, where 5 posts twice
     * and 6 once; 10 follows 3 and 7 (7 never posts); bot 11 follows 12 (a
     * poster), repeats three times and mentions 14 in each post; 13 follows
     * 11 and 7; 14 follows 11 and 7 and is mentioned by 11 too. */
    ne = 0;
    for (int32_t v = 0; v < 4; v++) edge(v, v + 1);
    for (int32_t v = 5; v <= 8; v++) edge(v, 9);
    edge(3, 10), edge(7, 10);
    edge(12, 11), edge(11, 13), edge(7, 13), edge(11, 14), edge(7, 14);
    world_init(&w, 15, ne, esrc, edst);
    w.pop.cls[14] = TC_CLASS_HUB;
    world_bot(&w, 11);
    world_group(&w, 3, 14);
    world_post(&w, 1, 0);
    world_post(&w, 2, 5);
    world_post(&w, 3, 6);
    world_post(&w, 600, 5);
    world_post(&w, 4, 12);
    /*                   0123456789abcde */
    params(&tc_model_lt, par, "theta_min=0.5 theta_max=0.5");
    CHECK(adopters_are(&w, &tc_model_lt, par, "111111100111111", got), "lt 0.5: %s", got);
    params(&tc_model_lt, par, "theta_min=0.6 theta_max=0.6");
    CHECK(adopters_are(&w, &tc_model_lt, par, "111111100001100", got), "lt 0.6: %s", got);
    params(&tc_model_lt, par, "theta_min=1 theta_max=1");
    CHECK(adopters_are(&w, &tc_model_lt, par, "111111100001100", got), "lt 1: %s", got);
    world_free(&w);

    /* thresholds uniform in [0, 1]: G fan-ins of 4 for each j = 1..3, of whose
     * followees j follow account 0 alone (a share of 1: they adopt whatever
     * their threshold) and repost its post; the fan-in account adopts with
     * probability P(theta <= j / 4) = j / 4 */
    enum { G = 100, RL = 100 };
    ne = 0;
    int32_t n = 1, np = 0;
    int32_t *sink = malloc(sizeof(int32_t) * 3 * G), *posters = malloc(sizeof(int32_t) * 6 * G);
    for (int j = 1; j <= 3; j++)
        for (int g = 0; g < G; g++) {
            int32_t base = n;
            n += 5;
            for (int i = 0; i < 4; i++) edge(base + i, base + 4);
            for (int i = 0; i < j; i++) {
                edge(0, base + i);
                posters[np++] = base + i;
            }
            sink[(j - 1) * G + g] = base + 4;
        }
    world_init(&w, n, ne, esrc, edst);
    world_post(&w, 1, 0);
    double *t = malloc(sizeof(double) * (size_t)n);
    int64_t adopted[3] = {0, 0, 0};
    params(&tc_model_lt, par, NULL);
    int posters_ok = 1;
    for (int r = 0; r < RL; r++) {
        run(&w, &tc_model_lt, par, tc_run_key(31, (uint32_t)r), 2, 86400, t, NULL);
        for (int i = 0; i < np; i++) posters_ok &= isfinite(t[posters[i]]) != 0;
        for (int j = 0; j < 3; j++)
            for (int g = 0; g < G; g++) adopted[j] += isfinite(t[sink[j * G + g]]) != 0;
    }
    CHECK(posters_ok, "lt: an account whose only followee posts must adopt");
    for (int j = 0; j < 3; j++) {
        double q = (j + 1) / 4.0, f = (double)adopted[j] / (G * RL);
        double se = sqrt(q * (1 - q) / (G * RL));
        printf("# lt uniform theta, %d of 4 seen: %.4f, want %.4f +- %.4f\n", j + 1, f, q, 4 * se);
        CHECK(fabs(f - q) < 4 * se, "lt uniform theta, %d of 4 seen: %.4f, want %.4f +- %.4f",
              j + 1, f, q, 4 * se);
    }
    free(t);
    free(sink);
    free(posters);
    world_free(&w);
}

static void test_complex(void)
{
    double par[4];
    char got[128], want[128];
    world w;
    /* ring lattice of 60: v follows v-2, v-1, v+1, v+2 */
    const int32_t N = 60;
    ne = 0;
    for (int32_t v = 0; v < N; v++)
        for (int d = -2; d <= 2; d++)
            if (d) edge(v, (v + d + N) % N);
    for (int32_t v = 0; v < N; v++) want[v] = '1';
    want[N] = 0;
    world_init(&w, N, ne, esrc, edst);
    world_post(&w, 1, 0);
    world_post(&w, 1, 1);
    params(&tc_model_complex, par, "k=2");
    CHECK(adopters_are(&w, &tc_model_complex, par, want, got), "complex k=2, 2 seeds: %s", got);
    params(&tc_model_complex, par, "k=1");
    CHECK(adopters_are(&w, &tc_model_complex, par, want, got), "complex k=1, 2 seeds: %s", got);
    params(&tc_model_complex, par, "k=3");
    for (int32_t v = 2; v < N; v++) want[v] = '0';
    CHECK(adopters_are(&w, &tc_model_complex, par, want, got), "complex k=3, 2 seeds: %s", got);
    w.tl.n = 1; /* one seed */
    params(&tc_model_complex, par, "k=2");
    want[1] = '0';
    CHECK(adopters_are(&w, &tc_model_complex, par, want, got), "complex k=2, 1 seed: %s", got);
    params(&tc_model_complex, par, "k=1");
    for (int32_t v = 0; v < N; v++) want[v] = '1';
    CHECK(adopters_are(&w, &tc_model_complex, par, want, got), "complex k=1, 1 seed: %s", got);
    world_free(&w);

    /* exposure-response curve: G fan-ins of 3 bots that follow account 0 and
     * reshare surely (p_bot = 1), each seen by one person, which thus sees 3
     * distinct accounts post: it adopts with 1 - prod_{i=1..3} (1 - P(i)) */
    enum { G = 200, RC = 50 };
    ne = 0;
    int32_t n = 1;
    int32_t sinks[G];
    for (int g = 0; g < G; g++) {
        int32_t base = n;
        n += 4;
        for (int i = 0; i < 3; i++) edge(0, base + i), edge(base + i, base + 3);
        sinks[g] = base + 3;
    }
    world_init(&w, n, ne, esrc, edst);
    for (int g = 0; g < G; g++)
        for (int i = 0; i < 3; i++) world_bot(&w, sinks[g] - 3 + i);
    world_post(&w, 1, 0);
    const double pm = 0.6, n0 = 1.5;
    double q = 1;
    for (int i = 1; i <= 3; i++) q *= 1 - pm * (1 - exp(-i / n0));
    q = 1 - q;
    params(&tc_model_complex, par, "k=1 p_max=0.6 n0=1.5 p_bot=1");
    double *t = malloc(sizeof(double) * (size_t)n);
    int64_t cnt = 0, all = 0;
    for (int r = 0; r < RC; r++) {
        run(&w, &tc_model_complex, par, tc_run_key(41, (uint32_t)r), 2, 86400, t, NULL);
        for (int g = 0; g < G; g++) {
            all++;
            cnt += isfinite(t[sinks[g]]) != 0;
        }
    }
    double f = (double)cnt / (double)all, se = sqrt(q * (1 - q) / (double)all);
    printf("# complex curve k=1: %.4f, want %.4f +- %.4f\n", f, q, 4 * se);
    CHECK(fabs(f - q) < 4 * se, "complex curve: %.4f, want %.4f +- %.4f", f, q, 4 * se);
    /* the same with k = 2: P(1) = 0, then the curve from the second account on */
    params(&tc_model_complex, par, "k=2 p_max=0.6 n0=1.5 p_bot=1");
    q = 1;
    for (int i = 1; i <= 2; i++) q *= 1 - pm * (1 - exp(-i / n0));
    q = 1 - q;
    cnt = all = 0;
    for (int r = 0; r < RC; r++) {
        run(&w, &tc_model_complex, par, tc_run_key(43, (uint32_t)r), 2, 86400, t, NULL);
        for (int g = 0; g < G; g++) {
            all++;
            cnt += isfinite(t[sinks[g]]) != 0;
        }
    }
    f = (double)cnt / (double)all;
    se = sqrt(q * (1 - q) / (double)all);
    printf("# complex curve k=2: %.4f, want %.4f +- %.4f\n", f, q, 4 * se);
    CHECK(fabs(f - q) < 4 * se, "complex curve k=2: %.4f, want %.4f +- %.4f", f, q, 4 * se);
    world_free(&w);

    /* bots that see one account reshare with p_bot, k = 5 notwithstanding */
    params(&tc_model_complex, par, "k=5 p_bot=0.3");
    ne = 0;
    for (int g = 0; g < G; g++) edge(0, g + 1);
    world_init(&w, G + 1, ne, esrc, edst);
    for (int g = 0; g < G; g++) world_bot(&w, g + 1);
    world_post(&w, 1, 0);
    int64_t seen = 0, bot_adopted = 0;
    for (int r = 0; r < RC; r++) {
        run(&w, &tc_model_complex, par, tc_run_key(42, (uint32_t)r), 2, 86400, t, NULL);
        for (int g = 0; g < G; g++) bot_adopted += isfinite(t[g + 1]) != 0;
        seen += G;
    }
    f = (double)bot_adopted / (double)seen;
    se = sqrt(0.3 * 0.7 / (double)seen);
    printf("# complex bots: %.4f, want 0.3 +- %.4f\n", f, 4 * se);
    CHECK(fabs(f - 0.3) < 4 * se, "complex bots: %.4f, want 0.3 +- %.4f", f, 4 * se);
    free(t);
    world_free(&w);
}

/* Reach of a scenario run (or -1 if it fails to load or run). */
static int64_t scenario_reach(const char *text)
{
    tc_err err = {0};
    tc_scenario sc;
    tc_world w;
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary s;
    int64_t reach = -1;
    if (tc_scenario_parse(&sc, "sessions.yaml", text, NULL, 0, &err)) {
        printf("# %s\n", err.msg);
        return -1;
    }
    if (!tc_world_build(&w, &sc, &err)) {
        if (!tc_run_simulate(&w, &sc, tc_run_key(sc.seed, 0), 2, &e, &rec, &s, NULL, NULL, &err)) {
            reach = s.reach;
            tc_summary_destroy(&s);
        }
        tc_engine_free(e);
        tc_recorder_destroy(&rec);
        tc_world_destroy(&w);
    }
    tc_scenario_destroy(&sc);
    return reach;
}

/* With reading sessions the count is taken at read time: 300 accounts that
 * follow nobody but two named accounts, both followed by everyone. */
static void test_sessions(void)
{
    static const char *fmt =
        "seed: 4\n"
        "time: {start: 2017-05-05T20:00:00+02:00, duration: 2d}\n"
        "graph: {generator: er, n: 300, edges: 0}\n"
        "population: {humans: {sessions: {per_day: 200}, delay: {median: 1m, sigma: 0.1}}}\n"
        "accounts:\n"
        "  - {name: a, community: all, followers: 300}\n"
        "  - {name: b, community: all, followers: 300}\n"
        "model: {name: %s}\n"
        "events: [{at: 1m, post: a}, {at: 2m, post: %s}]\n";
    static const struct {
        const char *model, *second;
        int64_t reach;
    } cases[] = {
        {"complex, k: 2", "b", 302},     /* two accounts seen: everyone */
        {"complex, k: 2", "a", 1},       /* a twice is one account: nobody */
        {"complex, k: 1", "a", 301},
        {"lt, theta_min: 1, theta_max: 1", "b", 302},
        {"lt, theta_min: 0.6, theta_max: 0.6", "a", 1},
        {"lt, theta_min: 0.5, theta_max: 0.5", "a", 301},
    };
    char text[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, fmt, cases[i].model, cases[i].second);
        int64_t reach = scenario_reach(text);
        CHECK(reach == cases[i].reach, "sessions, %s, posts by a and %s: reach %lld, want %lld",
              cases[i].model, cases[i].second, (long long)reach, (long long)cases[i].reach);
    }
}

/* A random graph where every account is seen by d distinct others. */
static void random_graph(int32_t n, int d)
{
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
    gsl_rng_set(r, 77);
    ne = 0;
    for (int32_t u = 0; u < n; u++) {
        int64_t start = ne;
        while (ne - start < d) {
            int32_t v = (int32_t)gsl_rng_uniform_int(r, (unsigned long)n);
            int dup = v == u;
            for (int64_t i = start; i < ne && !dup; i++) dup = edst[i] == v;
            if (!dup) edge(u, v);
        }
    }
    gsl_rng_free(r);
}

static void test_hawkes(world *w)
{
    enum { R = 4000 };
    static double x[R];
    double par[6], mean, se;
    const double ns[2] = {0.5, 0.8};
    for (int i = 0; i < 2; i++) {
        char set[64];
        snprintf(set, sizeof set, "n=%g mu_s=60 sigma=1", ns[i]);
        params(&tc_model_hawkes, par, set);
        for (int r = 0; r < R; r++)
            x[r] = (double)run(w, &tc_model_hawkes, par, tc_run_key(51 + i, (uint32_t)r), 1, 1e7,
                               NULL, NULL);
        mean_se(x, R, &mean, &se);
        double want = 1 / (1 - ns[i]);
        printf("# hawkes n=%g: mean size %.3f, want %.3f +- %.3f\n", ns[i], mean, want, 4 * se);
        CHECK(fabs(mean - want) < 4 * se, "hawkes n=%g: mean size %.3f, want %.3f +- %.3f",
              ns[i], mean, want, 4 * se);
    }
    /* delays: P(delay <= median) = 1/2; log-normal median mu_s, power law
     * (Lomax) median c (2^(1/theta) - 1) */
    int32_t n = w->net.n;
    double *t = malloc(sizeof(double) * (size_t)n);
    int32_t *par_of = malloc(sizeof(int32_t) * (size_t)n);
    for (int kern = 0; kern < 2; kern++) {
        params(&tc_model_hawkes, par,
               kern ? "n=0.9 kernel=1 c_s=30 theta=1.5" : "n=0.9 kernel=0 mu_s=45 sigma=1.2");
        double med = kern ? 30 * (pow(2, 1 / 1.5) - 1) : 45;
        int64_t below = 0, all = 0;
        for (int r = 0; r < 300; r++) {
            run(w, &tc_model_hawkes, par, tc_run_key(55 + kern, (uint32_t)r), 2, 1e7, t, par_of);
            for (int32_t v = 0; v < n; v++) {
                if (!isfinite(t[v]) || par_of[v] < 0) continue;
                all++;
                below += t[v] - t[par_of[v]] <= med;
            }
        }
        double f = (double)below / (double)all, s = sqrt(0.25 / (double)all);
        printf("# hawkes kernel %d: %.4f of %lld delays below the median, want 0.5 +- %.4f\n",
               kern, f, (long long)all, 4 * s);
        CHECK(all > 1000 && fabs(f - 0.5) < 4 * s, "hawkes kernel %d: %.4f of %lld delays below "
              "the median, want 0.5 +- %.4f", kern, f, (long long)all, 4 * s);
    }
    free(par_of);
    free(t);
}

/* A count rule on a graph large enough for rounds of many chunks: the same
 * per-account outcome on 1 and 3 threads. */
static void test_threads(world *w)
{
    int32_t n = w->net.n;
    double par[4], *t1 = malloc(sizeof(double) * (size_t)n), *t3 = malloc(sizeof(double) * (size_t)n);
    int32_t *p1 = malloc(sizeof(int32_t) * (size_t)n), *p3 = malloc(sizeof(int32_t) * (size_t)n);
    const tc_model_type *rules[2] = {&tc_model_lt, &tc_model_complex};
    const char *sets[2] = {"theta_min=0 theta_max=0.15", "k=1 n0=3 p_max=0.9"};
    for (int i = 0; i < 2; i++) {
        params(rules[i], par, sets[i]);
        int64_t r1 = run(w, rules[i], par, tc_run_key(61, 0), 1, 86400, t1, p1);
        int64_t r3 = run(w, rules[i], par, tc_run_key(61, 0), 3, 86400, t3, p3);
        CHECK(r1 > n / 10, "%s: reach %lld too small to mean anything", rules[i]->name,
              (long long)r1);
        CHECK(r1 == r3 && !memcmp(t1, t3, sizeof(double) * (size_t)n) &&
                  !memcmp(p1, p3, sizeof(int32_t) * (size_t)n),
              "%s: 1 and 3 threads differ (reach %lld, %lld)", rules[i]->name, (long long)r1,
              (long long)r3);
    }
    free(t1);
    free(t3);
    free(p1);
    free(p3);
}

int main(void)
{
    const int32_t N = 20000;
    const int d = 20;
    esrc = malloc(sizeof(int32_t) * (size_t)N * d);
    edst = malloc(sizeof(int32_t) * (size_t)N * d);
    test_ic();
    test_lt();
    test_complex();
    test_sessions();

    world w;
    random_graph(N, d);
    world_init(&w, N, ne, esrc, edst);
    world_post(&w, 1, 0);
    test_hawkes(&w);
    for (int i = 1; i <= 20; i++) world_post(&w, 1 + i, i * (N / 21));
    test_threads(&w);
    world_free(&w);
    free(esrc);
    free(edst);
    return tc_test_done("rules");
}
