/* ABC-SMC over a scenario's runs (drive/fit.h). Generation 0 draws the
 * particles from the prior; generation g > 0 sets its tolerance to a quantile
 * of generation g-1's distances, proposes from g-1 (a weighted ancestor moved
 * by a Gaussian kernel of twice the weighted covariance) and keeps proposals
 * whose distance is within it, until it holds N particles; weights are the
 * prior over the kernel mixture, in log space.
 *
 * Proposals come in batches of N indices. Proposal i of generation g draws
 * from stream (TC_P_FIT, g, i) under the fit's key and runs under the key
 * derive(fit key, 1 + g, i); a batch is simulated whole, on threads and
 * ranks, and the accepted ones are taken in index order: so the particles do
 * not depend on how many threads or ranks ran them. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#ifdef TC_MPI
#include <mpi.h>
#endif

#include "base/clock.h"
#include "base/datetime.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/rng.h"
#include "drive/fit.h"
#include "drive/run.h"
#include "input/ytree.h"
#include "io/fitfile.h"
#include "world/world.h"

static const char *const target_label[] = {"volume", "cascade_size", "cascade_depth",
                                           "structural_virality"};

typedef struct {
    const tc_fit *f;
    const tc_fit_opts *o;
    const tc_world *gw;
    int rank, nranks;
    int64_t B;
    tc_engine **eng;   /* [threads]: each thread's engine, kept from run to run */
} fitter;

/* ------------------------------------------------------------------ one particle */

static int stop_progress(void *ctx, const tc_engine *e)
{
    (void)e;
    const volatile sig_atomic_t *stop = ctx;
    return stop && *stop;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The run's posts (timeline, own, reshares) in observed bin b: of people
 * (cls 0), of bots (1), or of both (-1). */
static double binned(const tc_fit *f, const tc_recorder *rec, int64_t b, int cls)
{
    static const int counters[] = {TC_CNT_POSTS, TC_CNT_RESHARES, TC_CNT_OWN};
    double v = 0;
    for (int64_t iv = f->iv0 + b * f->per_bin; iv < f->iv0 + (b + 1) * f->per_bin; iv++)
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 2; k++)
                if (cls < 0 || cls == k)
                    v += (double)rec->by_class[((int64_t)counters[c] * rec->T + iv) * 2 + k];
    return v;
}

static double rmse_log(const double *sim, const double *obs, int64_t n, int free_scale)
{
    double shift = 0, s = 0;
    if (free_scale) {
        for (int64_t b = 0; b < n; b++) shift += log1p(sim[b]) - log1p(obs[b]);
        shift /= (double)n;
    }
    for (int64_t b = 0; b < n; b++) {
        double e = log1p(sim[b]) - log1p(obs[b]) - shift;
        s += e * e;
    }
    return sqrt(s / (double)n);
}

/* Root mean square of sqrt(simulated) - sqrt(observed), times 2: the square
 * root makes Poisson counts' variance about 1/4 whatever their size, so each
 * bin counts by what it can tell (Anscombe). A free scale: the factor c on
 * the simulated counts that fits best, sqrt(c) = sum sqrt(s o) / sum s. */
static double rmse_sqrt(const double *sim, const double *obs, int64_t n, int free_scale)
{
    double c = 1, s = 0;
    if (free_scale) {
        double num = 0, den = 0;
        for (int64_t b = 0; b < n; b++) num += sqrt(sim[b] * obs[b]), den += sim[b];
        c = den > 0 ? num / den : 1;
        c *= c;
    }
    for (int64_t b = 0; b < n; b++) {
        double e = 2 * (sqrt(c * sim[b]) - sqrt(obs[b]));
        s += e * e;
    }
    return sqrt(s / (double)n);
}

static double curve_distance(const tc_fit_target *t, const double *sim, const double *obs,
                             int64_t n)
{
    return t->distance == TC_DIST_RMSE_SQRT ? rmse_sqrt(sim, obs, n, t->free_scale)
                                            : rmse_log(sim, obs, n, t->free_scale);
}

/* The weighted distance of a finished run to the observed data; its binned
 * volume into vol[B] when vol is not NULL. */
static double distance_of(const tc_fit *f, const tc_recorder *rec, const tc_summary *sum,
                          double *vol, double *parts)
{
    int64_t B = f->obs.B;
    double *sim = tc_xmalloc((size_t)(2 * B + 1) * sizeof *sim);
    double *obs2 = tc_xmalloc((size_t)(2 * B + 1) * sizeof *obs2);
    double total = 0;
    if (vol)
        for (int64_t b = 0; b < B; b++) vol[b] = binned(f, rec, b, -1);
    for (int i = 0; i < f->ntargets; i++) {
        const tc_fit_target *t = &f->target[i];
        double d;
        if (t->kind == TC_TARGET_VOLUME) {
            if (t->by_class) {
                for (int64_t b = 0; b < B; b++) {
                    sim[b] = binned(f, rec, b, 0);
                    sim[B + b] = binned(f, rec, b, 1);
                    obs2[b] = f->obs.human[b];
                    obs2[B + b] = f->obs.bot[b];
                }
                d = curve_distance(t, sim, obs2, 2 * B);
            } else {
                for (int64_t b = 0; b < B; b++) sim[b] = binned(f, rec, b, -1);
                d = curve_distance(t, sim, f->obs.total, B);
            }
        } else {
            double *s = tc_xmalloc((size_t)(sum->nroots + 1) * sizeof *s);
            int64_t n = 0;
            for (int32_t r = 0; r < sum->nroots; r++) {
                const tc_cascade_stats *st = &sum->root[r];
                if (st->size < 1 || st->size < t->min_size) continue;
                double v = t->kind == TC_TARGET_SIZE    ? (double)st->size
                           : t->kind == TC_TARGET_DEPTH ? (double)st->depth
                                                        : st->structural_virality;
                if (isfinite(v)) s[n++] = v;
            }
            qsort(s, (size_t)n, sizeof *s, cmp_double);
            d = t->distance == TC_DIST_KS
                    ? tc_fit_ks(s, n, f->obs_sample[t->kind], f->nobs[t->kind])
                    : tc_fit_wasserstein(s, n, f->obs_sample[t->kind], f->nobs[t->kind]);
            free(s);
        }
        if (parts) parts[i] = d;
        total += t->weight * d;
    }
    free(sim);
    free(obs2);
    return total;
}

/* Run the scenario at theta under `key` in the calling thread's engine: its
 * distance, and its binned volume into vol when not NULL. TC_EINPUT when the
 * scenario refuses the values. */
static int simulate(const fitter *ft, const double *theta, uint64_t key, double *dist,
                    double *vol, tc_err *err)
{
    const tc_fit *f = ft->f;
    int rc = TC_OK;
    tc_ynode *tree = tc_ytree_copy(f->root);
    tc_scenario sc;
    tc_world own;
    tc_population pop;
    tc_timeline tl;
    tc_engine **e = &ft->eng[omp_get_thread_num()];
    tc_recorder rec;
    tc_summary sum;
    int have_sc = 0, have_world = 0, have_people = 0;
    memset(&own, 0, sizeof own);
    memset(&pop, 0, sizeof pop);
    memset(&tl, 0, sizeof tl);
    memset(&rec, 0, sizeof rec);
    memset(&sum, 0, sizeof sum);
    tc_err inner = {0};
    char set[300];
    for (int k = 0; k < f->K; k++) {
        double v = f->par[k].integer ? round(theta[k]) : theta[k];
        snprintf(set, sizeof set, "%s=%.17g", f->par[k].key, v);
        if (tc_ytree_override(tree, set, &inner)) break;
    }
    if (!inner.code && tc_scenario_from_tree(&sc, f->path, NULL, tree, &inner) == TC_OK) have_sc = 1;
    if (!have_sc) {
        char vals[1024] = "";
        for (int k = 0; k < f->K; k++) {
            size_t l = strlen(vals);
            snprintf(vals + l, sizeof vals - l, "%s%s=%.17g", k ? ", " : "", f->par[k].key, theta[k]);
        }
        TC_FAIL(TC_EINPUT, "%s: the scenario refuses a particle (%s): %s", f->where, vals, inner.msg);
    }
    tc_world w;
    if (tc_scenario_graph_signature(&sc) == f->graph_sig) {
        TC_TRY(tc_world_build_people(ft->gw, &sc, &pop, &tl, err));
        have_people = 1;
        w = *ft->gw;
        w.pop = pop;
        w.tl = tl;
    } else {
        /* igraph keeps process-wide state (its error-handling stack): one
         * graph built at a time, the runs themselves in parallel */
        int brc;
#pragma omp critical(tc_fit_igraph)
        brc = tc_world_build(&own, &sc, err);
        TC_TRY(brc);
        have_world = 1;
        w = own;
    }
    TC_TRY(tc_run_simulate_reuse(&w, &sc, key, key, 0, 1, e, &rec, &sum, stop_progress,
                                 (void *)ft->o->stop, err));
    *dist = distance_of(f, &rec, &sum, vol, NULL);
cleanup:
    tc_summary_destroy(&sum);
    tc_recorder_destroy(&rec);
    if (have_people) {
        tc_timeline_destroy(&tl);
        tc_population_destroy(&pop);
    }
    if (have_world) tc_world_destroy(&own);
    if (have_sc) tc_scenario_destroy(&sc);
    tc_ytree_free(tree);
    return rc;
}

/* ------------------------------------------------------------------ proposals */

static double prior_draw(const tc_fit_param *p, gsl_rng *r)
{
    double u = gsl_rng_uniform_pos(r);
    switch (p->prior) {
    case TC_PRIOR_UNIFORM: return p->lo + u * (p->hi - p->lo);
    case TC_PRIOR_LOG_UNIFORM: return exp(log(p->lo) + u * log(p->hi / p->lo));
    case TC_PRIOR_NORMAL: return p->mean + p->sd * gsl_cdf_ugaussian_Pinv(u);
    case TC_PRIOR_TRUNC_NORMAL: {
        double a = gsl_cdf_ugaussian_P((p->lo - p->mean) / p->sd);
        double b = gsl_cdf_ugaussian_P((p->hi - p->mean) / p->sd);
        double x = p->mean + p->sd * gsl_cdf_ugaussian_Pinv(a + u * (b - a));
        return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
    }
    }
    return NAN;
}

static double log_prior(const tc_fit *f, const double *theta)
{
    double s = 0;
    for (int k = 0; k < f->K; k++) s += tc_fit_log_prior(&f->par[k], theta[k]);
    return s;
}

/* The previous generation, as proposals need it. */
typedef struct {
    int64_t N;
    const double *theta, *w; /* [N][K], [N] normalised */
    double *cum;             /* [N] cumulative weights */
    double *L;               /* [K][K] Cholesky factor of the kernel's covariance */
} parent;

/* Weighted sampling: the first j whose cumulative weight exceeds u. */
static int64_t pick(const parent *pa, double u)
{
    int64_t lo = 0, hi = pa->N - 1;
    double x = u * pa->cum[pa->N - 1];
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (pa->cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* Proposal i of generation g into theta[K]: 1, or 0 when no move within the
 * prior's support was found in 1000 tries. */
static int propose(const tc_fit *f, const parent *pa, int64_t g, int64_t i, gsl_rng *r,
                   double *theta)
{
    int K = f->K;
    tc_rng_seek(r, f->key, TC_P_FIT, (uint32_t)g, (uint64_t)i);
    if (g == 0) {
        for (int k = 0; k < K; k++) theta[k] = prior_draw(&f->par[k], r);
        return 1;
    }
    for (int tries = 0; tries < 1000; tries++) {
        int64_t j = pick(pa, gsl_rng_uniform_pos(r));
        double z[64];
        for (int k = 0; k < K; k++) z[k] = gsl_ran_ugaussian(r);
        for (int k = 0; k < K; k++) {
            double s = 0;
            for (int m = 0; m <= k; m++) s += pa->L[k * K + m] * z[m];
            theta[k] = pa->theta[j * K + k] + s;
        }
        if (isfinite(log_prior(f, theta))) return 1;
    }
    return 0;
}

/* Kernel covariance: twice the weighted covariance of the particles (Beaumont
 * et al. 2009), its lower Cholesky factor into L[K][K]. A degenerate one
 * (all particles equal in some direction) falls back to the diagonal, each
 * variance at least 1e-12 of the prior's width squared. */
static void kernel(const tc_fit *f, const double *theta, const double *w, int64_t N, double *L)
{
    int K = f->K;
    double mean[64] = {0};
    double *cov = tc_xcalloc((size_t)K * K, sizeof *cov);
    for (int64_t j = 0; j < N; j++)
        for (int k = 0; k < K; k++) mean[k] += w[j] * theta[j * K + k];
    double v2 = 0;
    for (int64_t j = 0; j < N; j++) v2 += w[j] * w[j];
    double norm = 1 - v2 > 1e-12 ? 1 / (1 - v2) : 1;
    for (int64_t j = 0; j < N; j++)
        for (int a = 0; a < K; a++)
            for (int b = 0; b <= a; b++)
                cov[a * K + b] += w[j] * (theta[j * K + a] - mean[a]) * (theta[j * K + b] - mean[b]);
    for (int a = 0; a < K; a++)
        for (int b = 0; b <= a; b++) cov[a * K + b] *= 2 * norm;
    /* Cholesky, plain */
    int ok = 1;
    memset(L, 0, (size_t)K * K * sizeof *L);
    for (int a = 0; a < K && ok; a++) {
        for (int b = 0; b <= a; b++) {
            double s = cov[a * K + b];
            for (int m = 0; m < b; m++) s -= L[a * K + m] * L[b * K + m];
            if (a == b) {
                double scale = isfinite(f->par[a].hi - f->par[a].lo) ? f->par[a].hi - f->par[a].lo
                                                                   : f->par[a].sd;
                if (!(s > 1e-12 * scale * scale)) {
                    ok = 0;
                    break;
                }
                L[a * K + a] = sqrt(s);
            } else {
                L[a * K + b] = s / L[b * K + b];
            }
        }
    }
    if (!ok) {
        memset(L, 0, (size_t)K * K * sizeof *L);
        for (int a = 0; a < K; a++) {
            double scale = isfinite(f->par[a].hi - f->par[a].lo) ? f->par[a].hi - f->par[a].lo
                                                               : f->par[a].sd;
            double v = cov[a * K + a], floor_v = 1e-12 * scale * scale;
            L[a * K + a] = sqrt(v > floor_v ? v : floor_v);
        }
    }
    free(cov);
}

/* log sum exp of x[n] */
static double lse(const double *x, int64_t n)
{
    double m = -INFINITY, s = 0;
    for (int64_t i = 0; i < n; i++)
        if (x[i] > m) m = x[i];
    if (!isfinite(m)) return m;
    for (int64_t i = 0; i < n; i++) s += exp(x[i] - m);
    return m + log(s);
}

/* Weights of the new particles th[N][K]: prior / sum_j W_j K(th_i | th_j). */
static void weights(const tc_fit *f, const parent *pa, const double *th, int64_t N, double *w)
{
    int K = f->K;
    double *lw = tc_xmalloc((size_t)N * sizeof *lw);
    if (!pa) {
        for (int64_t i = 0; i < N; i++) w[i] = 1.0 / (double)N;
        free(lw);
        return;
    }
#pragma omp parallel
    {
        double *terms = tc_xmalloc((size_t)pa->N * sizeof *terms);
#pragma omp for schedule(static)
        for (int64_t i = 0; i < N; i++) {
            for (int64_t j = 0; j < pa->N; j++) {
                /* solve L y = th_i - th_j; the kernel's log density up to a constant */
                double y[64], q = 0;
                for (int a = 0; a < K; a++) {
                    double s = th[i * K + a] - pa->theta[j * K + a];
                    for (int m = 0; m < a; m++) s -= pa->L[a * K + m] * y[m];
                    y[a] = s / pa->L[a * K + a];
                    q += y[a] * y[a];
                }
                terms[j] = pa->w[j] > 0 ? log(pa->w[j]) - 0.5 * q : -INFINITY;
            }
            lw[i] = log_prior(f, th + i * K) - lse(terms, pa->N);
        }
        free(terms);
    }
    double z = lse(lw, N);
    for (int64_t i = 0; i < N; i++) w[i] = exp(lw[i] - z);
    free(lw);
}

/* ------------------------------------------------------------------ batches */

/* Simulate proposals [base, base + n) whose theta[n][K] are given (valid[i]
 * 0: none found, not run): dist[n] (NaN when not run). This process runs
 * those with index % nranks == rank; the others come from the other ranks. */
static int run_batch(fitter *ft, int64_t g, int64_t base, int64_t n, const double *theta,
                     const int *valid, double *dist, double *vols, int predictive, tc_err *err)
{
    const tc_fit *f = ft->f;
    int failed = 0;
    tc_err ferr = {0};
    int64_t B = ft->B;
    for (int64_t i = 0; i < n; i++) dist[i] = 0;
    if (vols) memset(vols, 0, (size_t)(n * B) * sizeof *vols);
#pragma omp parallel for schedule(dynamic, 1) num_threads(ft->o->threads)
    for (int64_t i = 0; i < n; i++) {
        if (failed || (ft->o->stop && *ft->o->stop)) continue;
        if ((base + i) % ft->nranks != ft->rank || !valid[i]) continue;
        uint64_t key = predictive ? tc_rng_derive(f->key, 0xFFFFFFFFu, (uint32_t)(base + i))
                                  : tc_rng_derive(f->key, (uint32_t)(1 + g), (uint32_t)(base + i));
        tc_err e = {0};
        double d = NAN;
        int rc = simulate(ft, theta + i * f->K, key, &d, vols ? vols + i * B : NULL, &e);
        if (rc) {
#pragma omp critical(tc_fit_fail)
            if (!failed && !(rc == TC_ERUNTIME && ft->o->stop && *ft->o->stop)) {
                failed = rc;
                ferr = e;
            }
        }
        dist[i] = d;
    }
#ifdef TC_MPI
    if (ft->nranks > 1) {
        /* each index's distance from the rank that ran it (the others hold 0) */
        MPI_Allreduce(MPI_IN_PLACE, dist, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        if (vols)
            MPI_Allreduce(MPI_IN_PLACE, vols, (int)(n * B), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        int any = failed;
        MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (any && !failed) {
            failed = any;
            tc_err_set(&ferr, any, "%s: a particle failed on another rank", f->where);
        }
        int stop = ft->o->stop && *ft->o->stop, anystop = stop;
        MPI_Allreduce(&stop, &anystop, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        if (anystop && ft->o->stop) *ft->o->stop = 1;
    }
#endif
    for (int64_t i = 0; i < n; i++)
        if (!valid[i]) dist[i] = NAN;
    if (failed) {
        *err = ferr;
        return failed;
    }
    if (ft->o->stop && *ft->o->stop) {
        tc_err_set(err, TC_ERUNTIME, "interrupted");
        return TC_ERUNTIME;
    }
    return TC_OK;
}

/* ------------------------------------------------------------------ state, checkpoint */

typedef struct {
    int64_t G, cap, N;
    int K;
    double *theta, *w, *d;            /* [G][N][K], [G][N], [G][N] */
    double *eps, *ess, *acc;          /* [G] */
    int64_t *nsim;                    /* [G] */
    int64_t total_sims;
} history;

static void history_push(history *h, const double *th, const double *w, const double *d,
                         double eps, double ess, double acc, int64_t nsim)
{
    if (h->G == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->theta = tc_xrealloc(h->theta, (size_t)(h->cap * h->N * h->K) * sizeof *h->theta);
        h->w = tc_xrealloc(h->w, (size_t)(h->cap * h->N) * sizeof *h->w);
        h->d = tc_xrealloc(h->d, (size_t)(h->cap * h->N) * sizeof *h->d);
        h->eps = tc_xrealloc(h->eps, (size_t)h->cap * sizeof *h->eps);
        h->ess = tc_xrealloc(h->ess, (size_t)h->cap * sizeof *h->ess);
        h->acc = tc_xrealloc(h->acc, (size_t)h->cap * sizeof *h->acc);
        h->nsim = tc_xrealloc(h->nsim, (size_t)h->cap * sizeof *h->nsim);
    }
    int64_t G = h->G;
    memcpy(h->theta + G * h->N * h->K, th, (size_t)(h->N * h->K) * sizeof *th);
    memcpy(h->w + G * h->N, w, (size_t)h->N * sizeof *w);
    memcpy(h->d + G * h->N, d, (size_t)h->N * sizeof *d);
    h->eps[G] = eps;
    h->ess[G] = ess;
    h->acc[G] = acc;
    h->nsim[G] = nsim;
    h->total_sims += nsim;
    h->G++;
}

static void history_free(history *h)
{
    free(h->theta);
    free(h->w);
    free(h->d);
    free(h->eps);
    free(h->ess);
    free(h->acc);
    free(h->nsim);
}

static const char ckpt_magic[8] = {'T', 'C', 'F', 'I', 'T', 'C', 'K', '1'};

static int put(int fd, const void *p, size_t n, uint64_t *sum)
{
    *sum = tc_fnv1a(*sum, p, n);
    const char *c = p;
    while (n) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* OUT.ckpt: magic, the fit's hash, K, N, G, then each generation (epsilon,
 * ESS, acceptance, simulations, theta, weights, distances), then a checksum;
 * written beside and renamed into place. */
static int checkpoint(const char *ckpt, const tc_fit *f, const history *h, tc_err *err)
{
    int rc = TC_OK;
    tc_outfile out;
    TC_TRY(tc_outfile_begin(&out, ckpt, err));
    uint64_t sum = TC_FNV_OFFSET;
    int64_t hdr[3] = {h->K, h->N, h->G};
    int bad = put(out.fd, ckpt_magic, 8, &sum) || put(out.fd, &f->hash, 8, &sum) ||
              put(out.fd, hdr, sizeof hdr, &sum);
    for (int64_t g = 0; g < h->G && !bad; g++) {
        double m[3] = {h->eps[g], h->ess[g], h->acc[g]};
        bad = put(out.fd, m, sizeof m, &sum) || put(out.fd, &h->nsim[g], 8, &sum) ||
              put(out.fd, h->theta + g * h->N * h->K, (size_t)(h->N * h->K) * 8, &sum) ||
              put(out.fd, h->w + g * h->N, (size_t)h->N * 8, &sum) ||
              put(out.fd, h->d + g * h->N, (size_t)h->N * 8, &sum);
    }
    uint64_t s2 = sum;
    if (!bad) bad = put(out.fd, &s2, 8, &sum);
    if (bad || fsync(out.fd)) TC_FAIL(TC_ERUNTIME, "%s: writing the checkpoint failed (disk full?)", ckpt);
    TC_TRY(tc_outfile_commit(&out, err));
cleanup:
    tc_outfile_destroy(&out);
    return rc;
}

static int take(const char **p, const char *end, void *dst, size_t n)
{
    if ((size_t)(end - *p) < n) return -1;
    memcpy(dst, *p, n);
    *p += n;
    return 0;
}

static int restore(const char *ckpt, const tc_fit *f, history *h, tc_err *err)
{
    int rc = TC_OK;
    char *buf = NULL;
    /* as a sweep's journal: not through a link, a regular file of this user */
    FILE *fp = NULL;
    int fd = tc_path_open_private(ckpt, O_RDONLY, 0, err);
    if (fd < 0) {
        rc = TC_EINPUT;
        goto cleanup;
    }
    fp = fdopen(fd, "rb");
    if (!fp) {
        close(fd);
        TC_FAIL(TC_EINPUT, "%s: cannot read the checkpoint: %s", ckpt, strerror(errno));
    }
    struct stat st;
    if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode) || st.st_size > ((int64_t)1 << 36))
        TC_FAIL(TC_EINPUT, "%s: not a checkpoint file", ckpt);
    buf = tc_xmalloc((size_t)st.st_size + 1);
    if (fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size)
        TC_FAIL(TC_EINPUT, "%s: cannot read the checkpoint", ckpt);
    const char *p = buf, *end = buf + st.st_size;
    uint64_t hash, sum;
    int64_t hdr[3];
    char magic[8];
    if (st.st_size < 48 || take(&p, end, magic, 8) || memcmp(magic, ckpt_magic, 8))
        TC_FAIL(TC_EINPUT, "%s: not a tagcascade fit checkpoint", ckpt);
    memcpy(&sum, end - 8, 8);
    if (tc_fnv1a(TC_FNV_OFFSET, buf, (size_t)st.st_size - 8) != sum)
        TC_FAIL(TC_EINPUT, "%s: the checkpoint is damaged (checksum): remove it to start over", ckpt);
    take(&p, end, &hash, 8);
    take(&p, end, hdr, sizeof hdr);
    if (hash != f->hash || hdr[0] != f->K || hdr[1] != f->particles)
        TC_FAIL(TC_EINPUT, "%s: the checkpoint of another fit (the scenario, its overrides or "
                "the program changed): remove it to start over", ckpt);
    h->K = f->K;
    h->N = f->particles;
    double *th = tc_xmalloc((size_t)(h->N * h->K + 1) * 8), *w = tc_xmalloc((size_t)(h->N + 1) * 8),
           *d = tc_xmalloc((size_t)(h->N + 1) * 8);
    for (int64_t g = 0; g < hdr[2]; g++) {
        double m[3];
        int64_t ns;
        if (take(&p, end, m, sizeof m) || take(&p, end, &ns, 8) ||
            take(&p, end, th, (size_t)(h->N * h->K) * 8) || take(&p, end, w, (size_t)h->N * 8) ||
            take(&p, end, d, (size_t)h->N * 8)) {
            free(th);
            free(w);
            free(d);
            TC_FAIL(TC_EINPUT, "%s: the checkpoint is truncated", ckpt);
        }
        history_push(h, th, w, d, m[0], m[1], m[2], ns);
    }
    free(th);
    free(w);
    free(d);
cleanup:
    if (fp) fclose(fp);
    free(buf);
    return rc;
}

/* ------------------------------------------------------------------ the sampler */

static double quantile_of(const double *x, int64_t n, double q)
{
    double *s = tc_xmalloc((size_t)n * sizeof *s);
    memcpy(s, x, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    double pos = q * (double)(n - 1);
    int64_t i = (int64_t)floor(pos);
    double v = i + 1 < n ? s[i] + (pos - (double)i) * (s[i + 1] - s[i]) : s[n - 1];
    free(s);
    return v;
}

static void say(const fitter *ft, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const fitter *ft, const char *fmt, ...)
{
    if (ft->o->quiet || ft->rank != 0) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("tagcascade: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* One generation: N accepted proposals into th[N][K], d[N]. Returns TC_OK with
 * *complete 0 when the simulation budget ran out first. */
static int generation(fitter *ft, history *h, int64_t g, double eps, const parent *pa, double *th,
                      double *d, int64_t *nsim, double *acc, int *complete, tc_err *err)
{
    const tc_fit *f = ft->f;
    int K = f->K, rc = TC_OK;
    int64_t N = f->particles, got = 0, through = 0;
    double *bth = tc_xmalloc((size_t)(N * K) * sizeof *bth), *bd = tc_xmalloc((size_t)N * sizeof *bd);
    int *valid = tc_xmalloc((size_t)N * sizeof *valid);
    *nsim = 0;
    *complete = 0;
    for (int64_t base = 0; got < N; base += N) {
        if (h->total_sims + *nsim >= f->max_simulations) goto cleanup; /* budget */
#pragma omp parallel num_threads(ft->o->threads)
        {
            gsl_rng *r = tc_rng_alloc_own_line();
#pragma omp for schedule(static)
            for (int64_t i = 0; i < N; i++) valid[i] = propose(f, pa, g, base + i, r, bth + i * K);
            gsl_rng_free(r);
        }
        TC_TRY(run_batch(ft, g, base, N, bth, valid, bd, NULL, 0, err));
        for (int64_t i = 0; i < N; i++) {
            if (!valid[i]) continue;
            ++*nsim;
            if (got < N) through++;
            if (got < N && bd[i] <= eps) {
                memcpy(th + got * K, bth + i * K, (size_t)K * sizeof *th);
                d[got++] = bd[i];
            }
        }
    }
    *acc = (double)N / (double)through;
    *complete = 1;
cleanup:
    free(bth);
    free(bd);
    free(valid);
    return rc;
}

static void parent_of(parent *pa, const history *h, int64_t g, const tc_fit *f)
{
    pa->N = h->N;
    pa->theta = h->theta + g * h->N * h->K;
    pa->w = h->w + g * h->N;
    pa->cum = tc_xmalloc((size_t)h->N * sizeof *pa->cum);
    double c = 0;
    for (int64_t j = 0; j < h->N; j++) pa->cum[j] = c += pa->w[j];
    pa->L = tc_xmalloc((size_t)(h->K * h->K) * sizeof *pa->L);
    kernel(f, pa->theta, pa->w, h->N, pa->L);
}

static void parent_free(parent *pa)
{
    free(pa->cum);
    free(pa->L);
}

/* The posterior predictive: D runs at particles drawn from the last
 * generation by weight, their binned volume [D][B] and its 5/50/95 % band. */
static int predictive(fitter *ft, const history *h, double *pth, double *pred, double *q,
                      tc_err *err)
{
    const tc_fit *f = ft->f;
    int rc = TC_OK, K = f->K;
    int64_t D = f->predictive, B = ft->B;
    parent pa = {0};
    parent_of(&pa, h, h->G - 1, f);
    int *valid = tc_xmalloc((size_t)(D + 1) * sizeof *valid);
    double *dd = tc_xmalloc((size_t)(D + 1) * sizeof *dd), *col = tc_xmalloc((size_t)(D + 1) * sizeof *col);
    for (int64_t i = 0; i < D; i++) {
        int64_t j = pick(&pa, tc_rng_u01(f->key, TC_P_FIT_PRED, 0, (uint64_t)i));
        memcpy(pth + i * K, pa.theta + j * K, (size_t)K * sizeof *pth);
        valid[i] = 1;
    }
    TC_TRY(run_batch(ft, 0, 0, D, pth, valid, dd, pred, 1, err));
    for (int64_t b = 0; b < B; b++) {
        for (int64_t i = 0; i < D; i++) col[i] = pred[i * B + b];
        q[b] = quantile_of(col, D, 0.05);
        q[B + b] = quantile_of(col, D, 0.5);
        q[2 * B + b] = quantile_of(col, D, 0.95);
    }
cleanup:
    parent_free(&pa);
    free(valid);
    free(dd);
    free(col);
    return rc;
}

int tc_fit_run(const tc_fit *f, const tc_fit_opts *o, tc_err *err)
{
    int rc = TC_OK;
    fitter ft = {.f = f, .o = o, .nranks = 1, .B = f->obs.B};
    tc_world gw;
    history h = {.N = f->particles, .K = f->K};
    char ckpt[4200];
    double t0 = tc_clock_now();
    double *th = NULL, *d = NULL, *w = NULL, *pth = NULL, *pred = NULL, *q = NULL;
    const char *why = "";
    char whybuf[200];
    memset(&gw, 0, sizeof gw);
#ifdef TC_MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &ft.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ft.nranks);
#endif
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", o->out);
    struct stat st;
    if (lstat(ckpt, &st) == 0) {
        if (!o->resume)
            TC_FAIL(TC_EINPUT, "%s: the checkpoint of an earlier fit to %s: --resume goes on from "
                    "it; remove it to start over", ckpt, o->out);
        TC_TRY(restore(ckpt, f, &h, err));
        say(&ft, "fit: resuming after generation %lld (%lld simulations done)", (long long)h.G - 1,
            (long long)h.total_sims);
    }
    TC_TRY(tc_world_build_graph(&gw, &f->base, err));
    ft.gw = &gw;
    ft.eng = tc_xcalloc((size_t)o->threads, sizeof *ft.eng);
    say(&ft, "fit '%s': %d parameter%s, %lld particles, up to %lld generations and %lld "
        "simulations, on %d thread%s x %d rank%s", f->base.name, f->K, f->K == 1 ? "" : "s",
        (long long)f->particles, (long long)f->max_generations, (long long)f->max_simulations,
        o->threads, o->threads == 1 ? "" : "s", ft.nranks, ft.nranks == 1 ? "" : "s");
    int64_t N = f->particles;
    th = tc_xmalloc((size_t)(N * f->K) * sizeof *th);
    d = tc_xmalloc((size_t)N * sizeof *d);
    w = tc_xmalloc((size_t)N * sizeof *w);
    /* generations already in the checkpoint may have met a stop rule */
    for (;;) {
        int64_t g = h.G;
        if (g > 0) {
            double last = h.eps[g - 1];
            if (last <= f->min_epsilon) {
                snprintf(whybuf, sizeof whybuf, "epsilon %.6g reached min_epsilon %.6g", last,
                         f->min_epsilon);
                why = whybuf;
                break;
            }
            if (h.acc[g - 1] < f->min_acceptance) {
                snprintf(whybuf, sizeof whybuf, "acceptance %.4g below min_acceptance %.4g",
                         h.acc[g - 1], f->min_acceptance);
                why = whybuf;
                break;
            }
        }
        if (g >= f->max_generations) {
            snprintf(whybuf, sizeof whybuf, "%lld generations", (long long)g);
            why = whybuf;
            break;
        }
        if (g > 0 && h.total_sims < f->max_simulations &&
            (double)h.total_sims + (double)N / h.acc[g - 1] > (double)f->max_simulations) {
            /* at the last acceptance rate the next generation would not fit the
             * budget: stop rather than spend what is left on a generation that
             * would be left out */
            snprintf(whybuf, sizeof whybuf, "max_simulations %lld: the next generation would "
                     "need about %.0f simulations, %lld are left", (long long)f->max_simulations,
                     (double)N / h.acc[g - 1], (long long)(f->max_simulations - h.total_sims));
            why = whybuf;
            break;
        }
        if (h.total_sims >= f->max_simulations) {
            snprintf(whybuf, sizeof whybuf, "max_simulations %lld reached", (long long)f->max_simulations);
            why = whybuf;
            break;
        }
        double eps = g == 0 ? INFINITY : quantile_of(h.d + (g - 1) * N, N, f->quantile);
        if (g > 0 && eps < f->min_epsilon) eps = f->min_epsilon;
        parent pa = {0};
        if (g > 0) parent_of(&pa, &h, g - 1, f);
        int64_t nsim = 0;
        double acc = 1;
        int complete = 0;
        double tg = tc_clock_now();
        rc = generation(&ft, &h, g, eps, g ? &pa : NULL, th, d, &nsim, &acc, &complete, err);
        if (!rc && complete) weights(f, g ? &pa : NULL, th, N, w);
        parent_free(&pa);
        if (rc == TC_ERUNTIME && o->stop && *o->stop)
            TC_FAIL(TC_ERUNTIME, "interrupted in generation %lld; %s keeps %lld generation%s: "
                    "--resume goes on", (long long)g, ckpt, (long long)h.G, h.G == 1 ? "" : "s");
        if (rc) goto cleanup;
        if (!complete) {
            snprintf(whybuf, sizeof whybuf, "max_simulations %lld reached during generation %lld "
                     "(left out)", (long long)f->max_simulations, (long long)g);
            why = whybuf;
            break;
        }
        double s1 = 0, s2 = 0;
        for (int64_t i = 0; i < N; i++) s1 += w[i], s2 += w[i] * w[i];
        history_push(&h, th, w, d, eps, s1 * s1 / s2, acc, nsim);
        say(&ft, "fit: generation %lld: epsilon %.4g, acceptance %.3g, ESS %.1f, %lld simulations "
            "(%lld in all), %.1f s", (long long)g, eps, acc, s1 * s1 / s2, (long long)nsim,
            (long long)h.total_sims, tc_clock_now() - tg);
        if (ft.rank == 0) TC_TRY(checkpoint(ckpt, f, &h, err));
    }
    if (h.G == 0) TC_FAIL(TC_ERUNTIME, "%s: no generation finished (%s)", f->where, why);
    say(&ft, "fit: stopped: %s", why);
    /* the posterior predictive */
    int64_t D = ft.B > 0 ? f->predictive : 0, B = ft.B;
    pth = tc_xcalloc((size_t)(D * f->K + 1), sizeof *pth);
    pred = tc_xcalloc((size_t)(D * B + 1), sizeof *pred);
    q = tc_xcalloc((size_t)(3 * B + 1), sizeof *q);
    if (D > 0) TC_TRY(predictive(&ft, &h, pth, pred, q, err));
    if (ft.rank == 0) {
        char **keys = tc_xcalloc((size_t)f->K, sizeof *keys), **priors = tc_xcalloc((size_t)f->K, sizeof *priors);
        char **tn = tc_xcalloc((size_t)f->ntargets + 1, sizeof *tn);
        double lo[64], hi[64], tw[TC_NTARGETS];
        for (int k = 0; k < f->K; k++) {
            keys[k] = (char *)f->par[k].key;
            priors[k] = (char *)f->par[k].text;
            lo[k] = f->par[k].lo;
            hi[k] = f->par[k].hi;
        }
        for (int i = 0; i < f->ntargets; i++) {
            tn[i] = (char *)target_label[f->target[i].kind];
            tw[i] = f->target[i].weight;
        }
        char start[48] = "";
        if (B) tc_datetime_format(f->obs.start, f->obs.offset_s, start, sizeof start);
        tc_fit_file fd = {.name = f->base.name, .scenario_text = f->text,
                          .start_iso = f->base.time.start_iso, .command = o->command,
                          .model = f->base.model->name, .observed_volume = f->observed_volume,
                          .observed_cascades = f->observed_cascades, .stop_reason = why,
                          .seed = f->seed, .hash = f->hash, .threads = o->threads,
                          .ranks = ft.nranks, .wall_s = tc_clock_now() - t0,
                          .quantile = f->quantile, .K = f->K, .keys = keys, .priors = priors,
                          .lo = lo, .hi = hi, .N = N, .G = h.G, .theta = h.theta, .weight = h.w,
                          .distance = h.d, .epsilon = h.eps, .ess = h.ess, .acceptance = h.acc,
                          .simulations = h.nsim, .ntargets = f->ntargets, .target_names = tn,
                          .target_weight = tw, .B = B, .D = D, .bin_s = f->obs.bin_s,
                          .obs_start_iso = start, .observed = f->obs.total, .pred = pred,
                          .pred_theta = pth, .pred_q = q};
        rc = tc_h5out_write_fit(o->out, &fd, err);
        free(keys);
        free(priors);
        free(tn);
        if (!rc) unlink(ckpt);
        if (!rc)
            say(&ft, "fit: %lld generations, %lld simulations in %.1f s", (long long)h.G,
                (long long)h.total_sims, tc_clock_now() - t0);
    }
#ifdef TC_MPI
    if (ft.nranks > 1) MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
cleanup:
    for (int t = 0; ft.eng && t < o->threads; t++) tc_engine_free(ft.eng[t]);
    free(ft.eng);
    tc_world_destroy(&gw);
    history_free(&h);
    free(th);
    free(d);
    free(w);
    free(pth);
    free(pred);
    free(q);
    return rc;
}
