/* The step rules against known answers, run through the step engine:
 *   registry: every step rule's declaration is consistent and its transition
 *     stays within its states on random views;
 *   chain: SIR with beta = gamma = 1 on a path moves one infected account one
 *     hop per step (a newly infected account does not recover in its step);
 *   star: SIR with gamma = 1 is a single chance per follower (independent
 *     cascade): reach - 1 ~ Binomial(k, beta), mean within 4 standard errors;
 *   SIS on a complete graph: endemic above threshold at the discrete map's
 *     fixed point, extinct below it;
 *   mean field: Maki-Thompson and SEIZ on a complete graph against their ODEs
 *     (GSL rk8pd) at every step, within a stated tolerance;
 *   threads: the whole output identical on 1, 2 and 3 threads, and to the
 *     rule's with contact_mask 0 (every contact counted) on 1 and 2;
 *   followees: a rule that asks for them (TC_USES_DEGREE) reads each account's
 *     in-degree, and one that does not reads 0;
 *   no posts: nothing happens. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "drive/run.h"
#include "engine/engine.h"
#include "tc_test.h"

extern const tc_model_type tc_model_sir, tc_model_sis, tc_model_maki_thompson,
    tc_model_daley_kendall, tc_model_seiz;

typedef struct {
    tc_net net;
    tc_population pop;
    tc_timeline tl;
} world;

/* n humans in one community; `nseeds` of them post at t = 0. */
static void make_world(world *w, int32_t n, int64_t m, const int32_t *src, const int32_t *dst,
                       int nseeds, const int32_t *seeds)
{
    tc_err err;
    memset(w, 0, sizeof *w);
    if (tc_net_from_edges(&w->net, n, m, src, dst, &err)) {
        printf("net: %s\n", err.msg);
        exit(1);
    }
    w->pop.n = n;
    w->pop.cls = calloc((size_t)n, 1);
    w->pop.comm = calloc((size_t)n, sizeof *w->pop.comm);
    w->pop.ncomm = 1;
    w->pop.nhumans = n;
    w->tl.n = nseeds;
    w->tl.ev = calloc((size_t)nseeds + 1, sizeof *w->tl.ev);
    for (int i = 0; i < nseeds; i++)
        w->tl.ev[i] = (tc_tevent){.t = 0, .kind = TC_EV_POST, .account = seeds[i]};
}

static void free_world(world *w)
{
    tc_net_destroy(&w->net);
    free(w->pop.cls);
    free(w->pop.comm);
    free(w->tl.ev);
}

/* A complete directed graph on n accounts. */
static world *complete_world(int32_t n, int nseeds)
{
    int64_t m = (int64_t)n * (n - 1), k = 0;
    int32_t *src = malloc((size_t)m * sizeof *src), *dst = malloc((size_t)m * sizeof *dst);
    for (int32_t u = 0; u < n; u++)
        for (int32_t v = 0; v < n; v++)
            if (u != v) src[k] = u, dst[k++] = v;
    int32_t *seeds = malloc((size_t)(nseeds ? nseeds : 1) * sizeof *seeds);
    for (int i = 0; i < nseeds; i++) seeds[i] = i;
    world *w = malloc(sizeof *w);
    make_world(w, n, m, src, dst, nseeds, seeds);
    free(src);
    free(dst);
    free(seeds);
    return w;
}

/* One run of `steps` steps of 1 s, one output row per step. `put` accounts
 * [nseeds, nseeds + nput) start in state `put_state`. Fills comp[steps * ns]
 * (may be NULL) and returns the summary's reshares. The engine is handed back
 * (not destroyed) when `keep` is given. */
typedef struct {
    const tc_model_type *m;
    const double *par;
    uint64_t key;
    int threads;
    int64_t steps;
    int cascade;
    int32_t put_from, nput;
    uint8_t put_state;
} runspec;

static int64_t run(const world *w, const runspec *rs, int64_t *comp, tc_engine **keep,
                   tc_recorder *keep_rec, tc_summary *keep_sum)
{
    tc_recorder rec;
    tc_engine *e;
    tc_summary s;
    tc_err err;
    tc_engine_opts opts = {.dt = 1.0, .horizon = (double)rs->steps, .per_interval = 1,
                           .threads = rs->threads, .record_cascade = rs->cascade, .fast_path = 1};
    tc_recorder_init(&rec, rs->steps, 1, 1.0);
    if (tc_engine_alloc(&e, &w->net, &w->pop, &w->tl, rs->m, rs->par, &rec, rs->key, &opts,
                        &err)) {
        printf("engine: %s\n", err.msg);
        exit(1);
    }
    for (int32_t v = rs->put_from; v < rs->put_from + rs->nput; v++)
        tc_engine_put(e, v, rs->put_state);
    while (tc_engine_step(e)) {
    }
    tc_engine_finish(e, &s);
    int64_t r = s.reshares;
    if (comp) memcpy(comp, rec.compartments, (size_t)(rs->steps * rs->m->nstates) * sizeof *comp);
    if (keep) {
        *keep = e;
        *keep_rec = rec;
        *keep_sum = s;
        return r;
    }
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    return r;
}

static int64_t examined(const tc_engine *e)
{
    tc_work work;
    tc_engine_work(e, &work);
    return work.examined;
}

/* ------------------------------------------------------------------ registry */

static void test_registry(void)
{
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
    int nstep = 0;
    for (int i = 0; tc_model_table[i]; i++) {
        const tc_model_type *m = tc_model_table[i];
        if (m->engine != TC_RULE_STEP) continue;
        nstep++;
        unsigned all = (1u << m->nstates) - 1;
        CHECK(m->nstates >= 2 && m->nstates <= TC_STEP_MAXSTATES, "%s: %d states", m->name,
              m->nstates);
        CHECK(m->transition && m->state_names && !m->adopt_prob, "%s: ops", m->name);
        for (int k = 0; k < m->nstates; k++) CHECK(m->state_names[k] && *m->state_names[k], "%s", m->name);
        CHECK(m->seed_state > 0 && m->seed_state < m->nstates, "%s: seed state", m->name);
        CHECK(m->push_mask && !(m->push_mask & ~all) && !(m->adopt_mask & ~all) &&
                  !(m->live_mask & ~all) && (m->adopt_mask >> m->seed_state & 1),
              "%s: masks", m->name);
        CHECK(!(m->push_mask & 1) && !(m->live_mask & 1), "%s: state 0 neither pushes nor "
              "changes alone", m->name);
        double par[TC_MODEL_MAXPARAMS];
        for (int j = 0; j < m->nparams; j++) {
            const tc_param_spec *p = &m->params[j];
            CHECK(p->def >= p->min && p->def <= p->max && p->help && p->unit, "%s.%s", m->name,
                  p->name);
        }
        CHECK(!m->check, "%s", m->name);
        CHECK(!(m->uses & ~(unsigned)TC_USES_DEGREE), "%s: uses", m->name);
        /* random parameters and views: the answer is a state, and a state with no
         * contact and no live bit does not change */
        int bad = 0, moved = 0;
        for (int t = 0; t < 20000; t++) {
            tc_rng_seek(r, 99, 1, (uint32_t)i, (uint64_t)t);
            for (int j = 0; j < m->nparams; j++)
                par[j] = m->params[j].min + gsl_rng_uniform(r) * (m->params[j].max - m->params[j].min);
            int32_t in[TC_STEP_MAXSTATES] = {0}, out[TC_STEP_MAXSTATES] = {0};
            int quiet = t % 2;
            for (int k = 0; k < m->nstates; k++) {
                if (!quiet && (m->push_mask >> k & 1)) in[k] = (int32_t)gsl_rng_uniform_int(r, 4);
                if (!quiet && m->needs_out) out[k] = (int32_t)gsl_rng_uniform_int(r, 4);
            }
            tc_step_view v = {.state = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)m->nstates),
                              .in = in, .out = out};
            uint8_t k = m->transition(par, &v, r);
            bad += k >= m->nstates;
            if (quiet && !(m->live_mask >> v.state & 1)) moved += k != v.state;
        }
        CHECK(bad == 0, "%s: %d answers out of range", m->name, bad);
        CHECK(moved == 0, "%s: %d changes without contact", m->name, moved);
        if (m->per_contact) { /* the promise (model.h): one push state, one contact state */
            unsigned push = m->push_mask;
            CHECK(push && !(push & (push - 1)) && m->contact_mask == 1u << m->contact_from &&
                      m->contact_from < m->nstates && m->contact_to < m->nstates &&
                      m->contact_param >= 0 && m->contact_param < m->nparams,
                  "%s: per_contact fields", m->name);
            int pk = __builtin_ctz(push);
            for (int j = 0; j < m->nparams; j++) par[j] = m->params[j].def;
            int wrong = 0;
            for (int t = 0; t < 200; t++) {
                int32_t in[TC_STEP_MAXSTATES] = {0}, out[TC_STEP_MAXSTATES] = {0};
                in[pk] = t % 4;
                tc_step_view v = {.state = m->contact_from, .in = in, .out = out};
                par[m->contact_param] = 1;
                wrong += m->transition(par, &v, r) != (in[pk] ? m->contact_to : m->contact_from);
                par[m->contact_param] = 0;
                wrong += m->transition(par, &v, r) != m->contact_from;
            }
            CHECK(wrong == 0, "%s: contacts with probability 0 and 1: %d wrong", m->name, wrong);
        }
    }
    CHECK(nstep == 5, "%d step rules", nstep);
    gsl_rng_free(r);
}

/* ------------------------------------------------------------------ chain, star */

static void test_chain(void)
{
    enum { L = 50 };
    int32_t src[L], dst[L], seed = 0;
    for (int i = 0; i < L; i++) src[i] = i, dst[i] = i + 1;
    world w;
    make_world(&w, L + 1, L, src, dst, 1, &seed);
    double par[2] = {1.0, 1.0};
    runspec rs = {.m = &tc_model_sir, .par = par, .key = 5, .threads = 1, .steps = 60,
                  .cascade = 1};
    int64_t comp[60 * 3];
    tc_engine *e;
    tc_recorder rec;
    tc_summary s;
    run(&w, &rs, comp, &e, &rec, &s);
    int ok = 1;
    for (int k = 0; k < 60; k++) {
        int64_t want_i = k < L ? 1 : 0, want_r = k < L ? k + 1 : L + 1;
        ok &= comp[k * 3 + 1] == want_i && comp[k * 3 + 2] == want_r &&
              comp[k * 3] == L + 1 - want_i - want_r;
    }
    CHECK(ok, "chain: one infected account per step");
    const tc_outcome *out = tc_engine_outcome(e);
    const double *adopt_t = tc_outcome_adopt_t(out);
    const int32_t *parent = tc_outcome_parent(out), *depth = tc_outcome_depth(out);
    const int32_t *root = tc_outcome_root(out);
    for (int v = 1; v <= L; v++)
        ok &= adopt_t[v] == v && parent[v] == v - 1 && depth[v] == v && root[v] == 0;
    CHECK(ok, "chain: adoption times, parents, depths");
    CHECK(s.reshares == L && s.reach == L + 1 && s.max_depth == L && s.posts == 1,
          "chain: reshares %lld reach %lld depth %lld", (long long)s.reshares,
          (long long)s.reach, (long long)s.max_depth);
    CHECK(s.nroots == 1 && s.root[0].size == L && s.root[0].depth == L, "chain: cascade");
    tc_adoption *ev;
    int64_t n;
    tc_outcome_cascade(out, &ev, &n);
    CHECK(n == L && ev[0].account == 1 && ev[L - 1].account == L && ev[L - 1].t == L,
          "chain: cascade log");
    free(ev);
    tc_summary_destroy(&s);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    free_world(&w);
}

static void mean_se(const double *x, int n, double *mean, double *se)
{
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = s / n;
    for (int i = 0; i < n; i++) s2 += (x[i] - *mean) * (x[i] - *mean);
    *se = sqrt(s2 / (n - 1) / n);
}

static void test_star(void)
{
    enum { K = 200, R = 2000 };
    static int32_t src[K], dst[K];
    static double x[R];
    int32_t seed = 0;
    for (int i = 0; i < K; i++) src[i] = 0, dst[i] = i + 1;
    world w;
    make_world(&w, K + 1, K, src, dst, 1, &seed);
    const double beta = 0.3;
    double par[2] = {beta, 1.0};
    runspec rs = {.m = &tc_model_sir, .par = par, .threads = 1, .steps = 5};
    for (int r = 0; r < R; r++) {
        rs.key = tc_run_key(21, (uint32_t)r);
        x[r] = (double)run(&w, &rs, NULL, NULL, NULL, NULL);
    }
    double mean, se;
    mean_se(x, R, &mean, &se);
    double want = K * beta, sd = sqrt(K * beta * (1 - beta));
    CHECK(fabs(mean - want) < 4 * se, "star: mean reshares %.3f, want %.1f (4 SE = %.3f)", mean,
          want, 4 * se);
    /* the spread too: the sample variance of a binomial within 4 of its SEs
     * (var of s^2 ~ 2 sd^4 / (R - 1) for a near-normal count) */
    double var = se * se * R, se_var = sqrt(2.0 / (R - 1)) * sd * sd;
    CHECK(fabs(var - sd * sd) < 4 * se_var, "star: variance %.2f, want %.2f", var, sd * sd);
    free_world(&w);
}

/* ------------------------------------------------------------------ SIS threshold */

static void test_sis(void)
{
    enum { N = 400, STEPS = 300 };
    world *w = complete_world(N, 10);
    static int64_t comp[STEPS * 2];
    /* above threshold: beta N / gamma = 2. The expected fraction infected follows
     * i' = i + (1 - i)(1 - (1 - beta)^(N i)) - gamma i, whose fixed point i*
     * (gamma i* = (1 - i*)(1 - (1 - beta)^(N i*)), solved below, ~0.5) the run
     * must hold: the mean over its last 50 steps within 0.08 (a single step's
     * fraction fluctuates by about sqrt(i*(1 - i*) / N) / sqrt(2 gamma) ~ 0.05
     * around it, the mean over 50 correlated steps by less than 0.03) */
    double par[2] = {0.2 / N, 0.1};
    runspec rs = {.m = &tc_model_sis, .par = par, .key = 77, .threads = 1, .steps = STEPS};
    run(w, &rs, comp, NULL, NULL, NULL);
    double istar = 0.5;
    for (int it = 0; it < 200; it++) {
        double inf = 1 - pow(1 - par[0], N * istar);
        istar = (1 - istar) * inf / par[1];
    }
    double end = 0;
    for (int k = STEPS - 50; k < STEPS; k++) end += comp[k * 2 + 1] / (double)N / 50;
    CHECK(istar > 0.45 && istar < 0.55 && fabs(end - istar) < 0.08,
          "sis endemic: infected fraction %.3f over the last 50 steps, fixed point %.3f", end,
          istar);
    /* below: beta N / gamma = 0.25; the expected number infected shrinks by
     * (1 - gamma + beta N) = 0.85 per step at most: 10 x 0.85^300 ~ 1e-20 */
    double low[2] = {0.05 / N, 0.2};
    rs.par = low;
    run(w, &rs, comp, NULL, NULL, NULL);
    CHECK(comp[(STEPS - 1) * 2 + 1] == 0 && comp[(STEPS - 1) * 2] == N,
          "sis below threshold: %lld infected at the end", (long long)comp[(STEPS - 1) * 2 + 1]);
    free_world(w);
    free(w);
}

/* ------------------------------------------------------------------ mean field */

typedef struct {
    int which; /* 0 Maki-Thompson, 1 SEIZ */
    const double *par; /* per-step rates: the per-edge values times N */
} ode_ctx;

static int ode_rhs(double t, const double *y, double *f, void *vctx)
{
    (void)t;
    const ode_ctx *c = vctx;
    const double *p = c->par;
    if (c->which == 0) { /* x, y, z; p = lambda, alpha */
        double lam = p[0], a = p[1];
        f[0] = -lam * y[0] * y[1];
        f[1] = lam * y[0] * y[1] - a * lam * y[1] * (y[1] + y[2]);
        f[2] = a * lam * y[1] * (y[1] + y[2]);
    } else { /* s, e, i, z; p = beta, b, rho, epsilon, p, l (Jin et al. 2013) */
        double be = p[0], b = p[1], rho = p[2], eps = p[3], pp = p[4], l = p[5];
        double s = y[0], e = y[1], i = y[2], z = y[3];
        f[0] = -be * s * i - b * s * z;
        f[1] = (1 - pp) * be * s * i + (1 - l) * b * s * z - rho * e * i - eps * e;
        f[2] = pp * be * s * i + rho * e * i + eps * e;
        f[3] = l * b * s * z;
    }
    return GSL_SUCCESS;
}

/* Largest |simulated fraction - ODE| over states and steps, the simulation being
 * the mean of R runs on the complete graph of N accounts. Row k holds the states
 * after step k, i.e. at t = k + 1. */
static double mean_field_gap(const tc_model_type *m, int which, const double *rates,
                             int nrates, int32_t N, int nseeds, int nput, uint8_t put_state,
                             int64_t steps, int R, const double *y0)
{
    world *w = complete_world(N, nseeds);
    int ns = m->nstates;
    double per_edge[8];
    for (int j = 0; j < nrates; j++) per_edge[j] = rates[j];
    /* contact probabilities are per edge: the per-step rate over N; the
     * conditional probabilities (alpha; p, l) are not rates */
    if (which == 0) per_edge[0] = rates[0] / N;
    else for (int j = 0; j < 3; j++) per_edge[j] = rates[j] / N;
    double *mean = calloc((size_t)(steps * ns), sizeof *mean);
    int64_t *comp = malloc((size_t)(steps * ns) * sizeof *comp);
    for (int r = 0; r < R; r++) {
        runspec rs = {.m = m, .par = per_edge, .key = tc_run_key(1234 + which, (uint32_t)r),
                      .threads = 1, .steps = steps, .put_from = nseeds, .nput = nput,
                      .put_state = put_state};
        run(w, &rs, comp, NULL, NULL, NULL);
        for (int64_t k = 0; k < steps * ns; k++) mean[k] += comp[k] / (double)N / R;
    }
    ode_ctx c = {which, rates};
    gsl_odeiv2_system sys = {ode_rhs, NULL, (size_t)ns, &c};
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3,
                                                         1e-12, 1e-12);
    double y[8], t = 0, gap = 0;
    memcpy(y, y0, (size_t)ns * sizeof *y);
    for (int64_t k = 0; k < steps; k++) {
        if (gsl_odeiv2_driver_apply(d, &t, (double)(k + 1), y) != GSL_SUCCESS) return INFINITY;
        for (int q = 0; q < ns; q++) {
            double g = fabs(mean[k * ns + q] - y[q]);
            if (g > gap) gap = g;
        }
    }
    gsl_odeiv2_driver_free(d);
    free(mean);
    free(comp);
    free_world(w);
    free(w);
    return gap;
}

/* Tolerance, in fractions of the accounts, for both rules below (R = 4 runs of
 * N = 1,000 accounts, per-step rates <= 0.1, 20 % seeded):
 *   - bias: a rule is a discrete map, forward Euler with step 1 plus the O(r^2)
 *     gap between 1 - (1 - r/N)^(N x) and r x. Iterating the expectation of
 *     that map and comparing with the ODE at t = 1 ... 250 gives at most 0.013
 *     for either rule at these rates (it halves with the rates and doubles the
 *     steps);
 *   - noise: one run's fraction has sd <= sqrt(1 / (4 N)) = 0.016, the mean of
 *     4 runs <= 0.008; the largest deviation over 250 correlated steps and all
 *     states stays within about 3.4 sd (a chain-binomial replica of these
 *     runs, 30 repetitions: at most 0.028 bias included).
 * Hence 0.013 + 3.4 x 0.008 ~ 0.04. A wrong rule moves further: the
 * Daley-Kendall ODE is 0.105 from Maki-Thompson's here; SEIZ with p and 1 - p
 * swapped, b = 0 or epsilon = 0 is 0.12 to 0.16 from its own. */
#define MF_TOL 0.04

static void test_mean_field(void)
{
    /* Maki-Thompson: lambda = 0.1 per step, alpha = 1; 200 spreaders of 1,000 */
    double mt[2] = {0.1, 1.0}, mt0[3] = {0.8, 0.2, 0.0};
    double g = mean_field_gap(&tc_model_maki_thompson, 0, mt, 2, 1000, 200, 0, 0, 250, 4, mt0);
    CHECK(g < MF_TOL, "maki_thompson: largest gap to the ODE %.4f (tolerance %.3f)", g, MF_TOL);
    printf("# maki_thompson: largest gap to the mean-field ODE %.4f\n", g);
    /* SEIZ: beta 0.1, b 0.08, rho 0.1, epsilon 0.02, p 0.3, l 0.5; 100 adopters
     * (posts) and 100 skeptics (put) of 1,000 */
    double sz[6] = {0.1, 0.08, 0.1, 0.02, 0.3, 0.5}, sz0[4] = {0.8, 0.0, 0.1, 0.1};
    g = mean_field_gap(&tc_model_seiz, 1, sz, 6, 1000, 100, 100, 3, 150, 4, sz0);
    CHECK(g < MF_TOL, "seiz: largest gap to the ODE %.4f (tolerance %.3f)", g, MF_TOL);
    printf("# seiz: largest gap to the mean-field ODE %.4f\n", g);
}

/* ------------------------------------------------------------------ threads, no posts */

static void test_threads(void)
{
    enum { N = 20000, M = 200000, STEPS = 40 };
    int32_t *src = malloc(M * sizeof *src), *dst = malloc(M * sizeof *dst), seeds[20];
    for (int64_t k = 0; k < M; k++) {
        src[k] = (int32_t)(tc_rng_u01(3, 1, (uint32_t)k, 0) * N);
        dst[k] = (int32_t)(tc_rng_u01(3, 1, (uint32_t)k, 1) * N);
    }
    for (int i = 0; i < 20; i++) seeds[i] = i * 997;
    world w;
    make_world(&w, N, M, src, dst, 20, seeds);
    free(src);
    free(dst);
    const tc_model_type *rules[] = {&tc_model_sir, &tc_model_maki_thompson, &tc_model_seiz,
                                    &tc_model_daley_kendall, &tc_model_sis};
    const double pars[][6] = {{0.15, 0.2}, {0.3, 0.5}, {0.2, 0.1, 0.2, 0.05, 0.4, 0.5},
                              {0.3, 0.5}, {0.1, 0.3}};
    for (int i = 0; i < 5; i++) {
        const tc_model_type *m = rules[i];
        tc_engine *e[5];
        tc_recorder rec[5];
        tc_summary s[5];
        tc_adoption *ev[5];
        int64_t nev[5];
        /* runs 3 and 4: contacts with accounts they cannot change not passed over.
         * A rule whose contacts are skipped ahead (per_contact) plays runs 0-2
         * so; then run 3 is the plain engine on 1 thread, and run 4 (every
         * contact counted, 2 threads) is compared with it */
        tc_model_type all = *m, plain = *m;
        all.contact_mask = 0;
        all.per_contact = 0;
        plain.per_contact = 0;
        for (int t = 0; t < 5; t++) {
            const tc_model_type *mt = t < 3 ? m : t == 3 && m->per_contact ? &plain : &all;
            runspec rs = {.m = mt, .par = pars[i], .key = 4242,
                          .threads = t < 3 ? t + 1 : t - 2, .steps = STEPS,
                          .cascade = 1, .put_from = 100, .nput = m == &tc_model_seiz ? 20 : 0,
                          .put_state = 3};
            run(&w, &rs, NULL, &e[t], &rec[t], &s[t]);
            tc_outcome_cascade(tc_engine_outcome(e[t]), &ev[t], &nev[t]);
        }
        size_t T = STEPS, n = N;
        for (int t = 1; t < 5; t++) {
            if (t == 3 && m->per_contact) continue; /* another path: its own reference */
            int z = t == 4 && m->per_contact ? 3 : 0;
            const tc_outcome *o0 = tc_engine_outcome(e[z]), *ot = tc_engine_outcome(e[t]);
            int same = !memcmp(rec[z].by_class, rec[t].by_class, TC_NCOUNTERS * T * 2 * 8) &&
                       !memcmp(rec[z].by_comm, rec[t].by_comm, TC_NCOUNTERS * T * 8) &&
                       !memcmp(rec[z].compartments, rec[t].compartments,
                               T * (size_t)m->nstates * 8) &&
                       !memcmp(tc_outcome_adopt_t(o0), tc_outcome_adopt_t(ot), n * 8) &&
                       !memcmp(tc_outcome_parent(o0), tc_outcome_parent(ot), n * 4) &&
                       !memcmp(tc_outcome_root(o0), tc_outcome_root(ot), n * 4) &&
                       !memcmp(tc_outcome_depth(o0), tc_outcome_depth(ot), n * 4) &&
                       !memcmp(tc_outcome_exposed(o0), tc_outcome_exposed(ot), n) &&
                       nev[z] == nev[t] &&
                       !memcmp(ev[z], ev[t], (size_t)nev[z] * sizeof *ev[z]) &&
                       s[z].reach == s[t].reach && s[z].max_breadth == s[t].max_breadth &&
                       examined(e[z]) == examined(e[t]);
            CHECK(same, "%s: 1 and %d threads%s differ", m->name, t < 3 ? t + 1 : t - 2,
                  t < 3 ? "" : " (every contact counted)");
        }
        /* something happened, on parallel paths: thousands of accounts reached */
        CHECK(s[0].reshares > 2000 && s[0].exposed > 5000, "%s: only %lld reshares, %lld exposed",
              m->name, (long long)s[0].reshares, (long long)s[0].exposed);
        int64_t tot = 0;
        for (int q = 0; q < m->nstates; q++) tot += rec[0].compartments[(T - 1) * (size_t)m->nstates + q];
        CHECK(tot == N, "%s: compartments add up to %lld", m->name, (long long)tot);
        for (int t = 0; t < 5; t++) {
            free(ev[t]);
            tc_summary_destroy(&s[t]);
            tc_engine_free(e[t]);
            tc_recorder_destroy(&rec[t]);
        }
    }
    free_world(&w);
}

/* S (0) -> I (1) once every followee is in I, which lasts. */
static uint8_t all_followees(const double *par, const tc_step_view *v, gsl_rng *r)
{
    (void)par;
    (void)r;
    return v->state == 1 || (v->in[1] > 0 && v->in[1] == v->followees) ? 1 : 0;
}

static void test_followees(void)
{
    /* 1 follows 0; 2 follows 0 and 1; 3 follows 0 and 4, and 4 never posts:
     * from 0, 1 adopts at step 0, 2 at step 1, and 3 never */
    const int32_t src[] = {0, 0, 1, 0, 4}, dst[] = {1, 2, 2, 3, 3}, seed = 0;
    static const char *const names[] = {"S", "I"};
    world w;
    make_world(&w, 5, 5, src, dst, 1, &seed);
    tc_model_type m = {.name = "all_followees", .engine = TC_RULE_STEP, .uses = TC_USES_DEGREE,
                       .nstates = 2, .state_names = names, .seed_state = 1, .push_mask = 2,
                       .adopt_mask = 2, .contact_mask = 1, .transition = all_followees};
    int64_t comp[6 * 2];
    for (int threads = 1; threads <= 2; threads++) {
        runspec rs = {.m = &m, .key = 5, .threads = threads, .steps = 6};
        run(&w, &rs, comp, NULL, NULL, NULL);
        CHECK(comp[0 * 2 + 1] == 2 && comp[1 * 2 + 1] == 3 && comp[5 * 2 + 1] == 3,
              "followees on %d threads: infected %lld, %lld, %lld after steps 0, 1, 5", threads,
              (long long)comp[1], (long long)comp[3], (long long)comp[11]);
    }
    /* not asked for: 0 followees, so nobody is reached at all */
    m.uses = 0;
    runspec rs = {.m = &m, .key = 5, .threads = 1, .steps = 6};
    run(&w, &rs, comp, NULL, NULL, NULL);
    CHECK(comp[5 * 2 + 1] == 1, "followees not asked for: %lld infected", (long long)comp[11]);
    free_world(&w);
}

static void test_no_posts(void)
{
    world *w = complete_world(200, 0);
    for (int i = 0; tc_model_table[i]; i++) {
        const tc_model_type *m = tc_model_table[i];
        if (m->engine != TC_RULE_STEP) continue;
        double par[TC_MODEL_MAXPARAMS];
        for (int j = 0; j < m->nparams; j++) par[j] = m->params[j].max;
        int64_t comp[30 * TC_STEP_MAXSTATES];
        tc_engine *e;
        tc_recorder rec;
        tc_summary s;
        runspec rs = {.m = m, .par = par, .key = 1, .threads = 2, .steps = 30};
        run(w, &rs, comp, &e, &rec, &s);
        int still = 1;
        for (int k = 0; k < 30; k++)
            for (int q = 0; q < m->nstates; q++) still &= comp[k * m->nstates + q] == (q ? 0 : 200);
        CHECK(still && s.reshares == 0 && s.posts == 0 && s.exposed == 0 && s.reach == 0 &&
                  examined(e) == 0,
              "%s: something happened without a post", m->name);
        tc_summary_destroy(&s);
        tc_engine_free(e);
        tc_recorder_destroy(&rec);
    }
    free_world(w);
    free(w);
}

int main(void)
{
    gsl_set_error_handler_off();
    test_registry();
    test_chain();
    test_star();
    test_sis();
    test_no_posts();
    test_followees();
    test_threads();
    test_mean_field();
    return tc_test_done("test_step_rules");
}
