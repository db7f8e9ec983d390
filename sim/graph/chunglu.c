/* Directed (block) Chung-Lu: Pareto weights, then each audience drawn by the
 * skipping method of Miller and Hagberg (2011) over candidates sorted by weight,
 * which costs O(1 + audience size) per account instead of O(n). */
#include "graph/chunglu.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/sort.h"
#include "graph/graph.h"
#include "graph/graphstore.h"
#include "input/scenario.h"

/* A stream holds 2^24 blocks of four words; a step of the skipping loop reads
 * at most two doubles (one block), so a stream is renewed every 2^22 steps. */
#define SEGMENT_STEPS (1u << 22)
/* Audiences drawn per parallel task, and tasks per batch written to the store. */
#define BLOCK_ROWS 2048
#define BATCH_BLOCKS 64

typedef struct {
    double w;
    int32_t id;
} ranked;

/* Largest weight first, then smallest id: a total order, so the sort is exact. */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->w != y->w) return x->w > y->w ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static void sort_by_weight(const double *w, int64_t lo, int64_t hi, int32_t *ids, double *ws,
                           ranked *tmp)
{
    for (int64_t v = lo; v < hi; v++) tmp[v - lo] = (ranked){w[v], (int32_t)v};
    qsort(tmp, (size_t)(hi - lo), sizeof *tmp, cmp_ranked);
    for (int64_t i = lo; i < hi; i++) {
        ids[i] = tmp[i - lo].id;
        ws[i] = tmp[i - lo].w;
    }
}

static int check_options(const tc_chunglu *p, tc_err *err)
{
    int rc = TC_OK;
    if (p->n < 2 || p->n > INT32_MAX - 1000000)
        TC_FAIL(TC_EINPUT, "--n: expected an integer in [2, %d], got %lld", INT32_MAX - 1000000,
                (long long)p->n);
    if (!(p->mean_degree > 0 && p->mean_degree <= (double)(p->n - 1)))
        TC_FAIL(TC_EINPUT, "--mean-degree: expected a number in (0, n - 1 = %lld], got %g",
                (long long)p->n - 1, p->mean_degree);
    if (!(p->gamma_in > 2 && p->gamma_in <= 10))
        TC_FAIL(TC_EINPUT, "--gamma-in: expected a number in (2, 10], got %g", p->gamma_in);
    if (!(p->gamma_out > 2 && p->gamma_out <= 10))
        TC_FAIL(TC_EINPUT, "--gamma-out: expected a number in (2, 10], got %g", p->gamma_out);
    if (p->communities < 1 || p->communities > TC_MAX_COMMUNITIES || p->communities > p->n)
        TC_FAIL(TC_EINPUT, "--communities: expected an integer in [1, %lld], got %d",
                (long long)(p->n < TC_MAX_COMMUNITIES ? p->n : TC_MAX_COMMUNITIES),
                p->communities);
    if (!(p->mixing >= 0 && p->mixing <= 1))
        TC_FAIL(TC_EINPUT, "--mixing: expected a number in [0, 1], got %g", p->mixing);
    if (p->mixing > 0 && p->communities < 2)
        TC_FAIL(TC_EINPUT, "--mixing: %g needs at least two --communities", p->mixing);
cleanup:
    return rc;
}

/* Factor f such that P(v follows u) = min(1, f w_out(v)), for v in u's own
 * community or in another one. */
static double own_factor(const tc_chunglu_model *m, int32_t u)
{
    return (1.0 - m->p.mixing) * m->w_in[u] / m->W[m->comm[u]];
}

static double other_factor(const tc_chunglu_model *m, int32_t u)
{
    double rest = m->W_all - m->W[m->comm[u]];
    return m->p.mixing > 0 && rest > 0 ? m->p.mixing * m->w_in[u] / rest : 0.0;
}

/* sum over i in [lo, hi) of min(1, a ws[i]), ws sorted largest first, pre its
 * prefix sums; *cut counts the terms cut to 1. O(log(hi - lo)). */
static double cut_sum(const double *ws, const double *pre, int64_t lo, int64_t hi, double a,
                      double *cut)
{
    if (!(a > 0) || hi <= lo) return 0;
    int64_t l = lo, h = hi;
    while (l < h) {
        int64_t mid = l + (h - l) / 2;
        if (a * ws[mid] >= 1) l = mid + 1;
        else h = mid;
    }
    *cut += (double)(l - lo);
    return (double)(l - lo) + a * (pre[hi] - pre[l]);
}

/* Expected follows E(s) when every product f w_out is multiplied by s, and the
 * number of pairs cut to probability 1. Summed per block of accounts, then the
 * blocks in order: the same bits on any number of threads. */
static double expected_follows(const tc_chunglu_model *m, const double *own_pre,
                               const double *all_pre, double s, double *cut_out)
{
    int64_t nb = ((int64_t)m->n + 4095) / 4096;
    double *part = tc_xcalloc((size_t)nb, sizeof *part), *cpart = tc_xcalloc((size_t)nb, sizeof *cpart);
    #pragma omp parallel for schedule(dynamic, 1)
    for (int64_t b = 0; b < nb; b++) {
        double e = 0, cut = 0;
        int64_t hi_u = (b + 1) * 4096 < m->n ? (b + 1) * 4096 : m->n;
        for (int64_t u = b * 4096; u < hi_u; u++) {
            int c = m->comm[u];
            int64_t lo = m->first[c], hi = m->first[c + 1];
            double a = s * own_factor(m, (int32_t)u), g = s * other_factor(m, (int32_t)u);
            e += cut_sum(m->own_w, own_pre, lo, hi, a, &cut);
            double self = fmin(1.0, a * m->w_out[u]); /* no account follows itself */
            e -= self;
            cut -= self == 1.0;
            if (g > 0) {
                double in_own = 0;
                e += cut_sum(m->all_w, all_pre, 0, m->n, g, &cut);
                e -= cut_sum(m->own_w, own_pre, lo, hi, g, &in_own);
                cut -= in_own;
            }
        }
        part[b] = e;
        cpart[b] = cut;
    }
    double e = 0, cut = 0;
    for (int64_t b = 0; b < nb; b++) {
        e += part[b];
        cut += cpart[b];
    }
    free(part);
    free(cpart);
    *cut_out = cut;
    return e;
}

/* A probability cannot pass 1, so heavy tails lose follows: find the factor s
 * with E(s) = n D and fold it into the weights. E is increasing and concave in
 * s, with E'(s) = (E(s) - pairs cut) / s, so Newton's method from s = 1 (where
 * E <= n D) climbs to the root without overshooting; a few steps suffice. */
static void calibrate(tc_chunglu_model *m)
{
    int32_t n = m->n;
    double *own_pre = tc_xmalloc(((size_t)n + 1) * sizeof *own_pre), *all_pre = NULL;
    own_pre[0] = 0;
    for (int32_t i = 0; i < n; i++) own_pre[i + 1] = own_pre[i] + m->own_w[i];
    if (m->all_w) {
        all_pre = tc_xmalloc(((size_t)n + 1) * sizeof *all_pre);
        all_pre[0] = 0;
        for (int32_t i = 0; i < n; i++) all_pre[i + 1] = all_pre[i] + m->all_w[i];
    }
    double target = (double)n * m->p.mean_degree, s = 1, cut = 0;
    for (int it = 0; it < 100; it++) {
        double e = expected_follows(m, own_pre, all_pre, s, &cut);
        if (target - e <= 1e-12 * target || e - cut <= 0) break;
        double next = s + (target - e) * s / (e - cut);
        if (!(next > s) || next > 1e15) break;
        s = next;
    }
    m->scale = s;
    /* every product w_in(u) w_out(v) / W grows by s */
    for (int32_t v = 0; v < n; v++) {
        m->w_in[v] *= s;
        m->w_out[v] *= s;
        m->own_w[v] *= s;
        if (m->all_w) m->all_w[v] *= s;
    }
    for (int c = 0; c < m->K; c++) m->W[c] *= s;
    m->W_all *= s;
    free(own_pre);
    free(all_pre);
}

int tc_chunglu_model_init(tc_chunglu_model *m, const tc_chunglu *p, tc_err *err)
{
    int rc = TC_OK;
    ranked *tmp = NULL;
    memset(m, 0, sizeof *m);
    TC_TRY(check_options(p, err));
    m->p = *p;
    int32_t n = (int32_t)p->n;
    int K = p->communities;
    m->n = n;
    m->K = K;
    m->key = tc_rng_derive(p->seed, 0, 0);
    m->w_in = tc_xmalloc((size_t)n * sizeof *m->w_in);
    m->w_out = tc_xmalloc((size_t)n * sizeof *m->w_out);
    m->comm = tc_xmalloc((size_t)n * sizeof *m->comm);
    m->first = tc_xmalloc(((size_t)K + 1) * sizeof *m->first);
    m->W = tc_xcalloc((size_t)K, sizeof *m->W);
    for (int c = 0; c <= K; c++) m->first[c] = (int64_t)c * n / K;
    for (int c = 0; c < K; c++)
        for (int64_t v = m->first[c]; v < m->first[c + 1]; v++) m->comm[v] = (uint16_t)c;

    /* raw weights: Pareto with tail exponent gamma - 1 (so that counts follow
     * k^-gamma), one stream per account */
    #pragma omp parallel
    {
        gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
        #pragma omp for schedule(static)
        for (int32_t v = 0; v < n; v++) {
            tc_rng_seek(r, m->key, TC_P_GEN_WEIGHT, (uint32_t)v, 0);
            m->w_in[v] = gsl_ran_pareto(r, p->gamma_in - 1, 1.0);
            tc_rng_seek(r, m->key, TC_P_GEN_WEIGHT, (uint32_t)v, 1);
            m->w_out[v] = gsl_ran_pareto(r, p->gamma_out - 1, 1.0);
        }
        gsl_rng_free(r);
    }
    /* scaled to n D follows in all (before the cut at one follow per pair;
     * calibrate() then makes up for it). Sums in a fixed order: the result does
     * not depend on the threads. */
    double sum = 0;
    for (int32_t v = 0; v < n; v++) sum += m->w_in[v];
    double scale = (double)n * p->mean_degree / sum;
    for (int32_t v = 0; v < n; v++) m->w_in[v] *= scale;
    /* followee weights scaled in each community to the same total as its
     * follower weights, so that each community's follows balance */
    for (int c = 0; c < K; c++) {
        double win = 0, wout = 0;
        for (int64_t v = m->first[c]; v < m->first[c + 1]; v++) {
            win += m->w_in[v];
            wout += m->w_out[v];
        }
        for (int64_t v = m->first[c]; v < m->first[c + 1]; v++) m->w_out[v] *= win / wout;
        m->W[c] = win;
        m->W_all += win;
    }

    /* candidate followers: each community's accounts by followee weight */
    m->own_id = tc_xmalloc((size_t)n * sizeof *m->own_id);
    m->own_w = tc_xmalloc((size_t)n * sizeof *m->own_w);
    tmp = tc_xmalloc((size_t)n * sizeof *tmp);
    #pragma omp parallel for schedule(dynamic, 1)
    for (int c = 0; c < K; c++)
        sort_by_weight(m->w_out, m->first[c], m->first[c + 1], m->own_id, m->own_w,
                       tmp + m->first[c]);
    if (K > 1 && p->mixing > 0) {
        m->all_id = tc_xmalloc((size_t)n * sizeof *m->all_id);
        m->all_w = tc_xmalloc((size_t)n * sizeof *m->all_w);
        sort_by_weight(m->w_out, 0, n, m->all_id, m->all_w, tmp);
    }
    calibrate(m);
cleanup:
    free(tmp);
    if (rc) tc_chunglu_model_destroy(m);
    return rc;
}

void tc_chunglu_model_destroy(tc_chunglu_model *m)
{
    if (!m) return;
    free(m->w_in);
    free(m->w_out);
    free(m->comm);
    free(m->first);
    free(m->W);
    free(m->own_id);
    free(m->own_w);
    free(m->all_id);
    free(m->all_w);
    memset(m, 0, sizeof *m);
}

double tc_chunglu_prob(const tc_chunglu_model *m, int32_t u, int32_t v)
{
    if (u == v) return 0;
    double f = m->comm[u] == m->comm[v] ? own_factor(m, u) : other_factor(m, u);
    return fmin(1.0, f * m->w_out[v]);
}

typedef struct {
    int32_t **buf;
    int64_t *cap, len;
} out_buf;

static void push(out_buf *o, int32_t v)
{
    *o->buf = tc_xgrow(*o->buf, o->cap, o->len + 1, sizeof **o->buf, 1024);
    (*o->buf)[o->len++] = v;
}

/* One pass of the skipping method over candidates ids[0 .. len) whose weights
 * ws do not increase: candidate j is taken with probability min(1, f ws[j]).
 * The gap to the next candidate tried is geometric with the current bound p;
 * the candidate is then kept with probability q / p (Miller and Hagberg 2011,
 * algorithm 2). Candidates that may not follow u (u itself; its own community
 * in the pass over the others) are tried but never kept. */
static void skip_pass(const tc_chunglu_model *m, const int32_t *ids, const double *ws,
                      int64_t len, double f, int32_t u, int not_comm, gsl_rng *r, int pass,
                      out_buf *o)
{
    if (len <= 0 || !(f > 0)) return;
    uint64_t segment = 0;
    uint32_t steps = 0;
    tc_rng_seek(r, m->key, TC_P_GEN_EDGES, (uint32_t)u, (uint64_t)pass);
    double p = fmin(1.0, f * ws[0]);
    for (int64_t j = 0; j < len && p > 0;) {
        if (++steps == SEGMENT_STEPS) {
            steps = 0;
            segment++;
            tc_rng_seek(r, m->key, TC_P_GEN_EDGES, (uint32_t)u, (uint64_t)pass | segment << 1);
        }
        if (p < 1) {
            double s = floor(log(gsl_rng_uniform_pos(r)) / log1p(-p));
            if (s >= (double)(len - j)) break;
            j += (int64_t)s;
        }
        double q = fmin(1.0, f * ws[j]);
        if (gsl_rng_uniform(r) < q / p) {
            int32_t v = ids[j];
            if (v != u && (not_comm < 0 || m->comm[v] != not_comm)) push(o, v);
        }
        p = q;
        j++;
    }
}

int64_t tc_chunglu_audience(const tc_chunglu_model *m, int32_t u, gsl_rng *r, int32_t **buf,
                            int64_t *cap, int64_t at)
{
    out_buf o = {buf, cap, at};
    int c = m->comm[u];
    int64_t lo = m->first[c], hi = m->first[c + 1];
    skip_pass(m, m->own_id + lo, m->own_w + lo, hi - lo, own_factor(m, u), u, -1, r, 0, &o);
    if (m->all_id)
        skip_pass(m, m->all_id, m->all_w, m->n, other_factor(m, u), u, c, r, 1, &o);
    tc_sort_i32(*buf + at, o.len - at);
    return o.len - at;
}

void tc_chunglu_audience_blocks(const tc_chunglu_model *m, int64_t first, int64_t rows, int nb,
                                int32_t **bufs, int64_t *caps, int64_t *lens, int64_t *sizes)
{
    #pragma omp parallel
    {
        gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
        #pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < nb; i++) {
            int64_t lo = first + i * rows, hi = lo + rows < m->n ? lo + rows : m->n, len = 0;
            for (int64_t u = lo; u < hi; u++) {
                int64_t k = tc_chunglu_audience(m, (int32_t)u, r, &bufs[i], &caps[i], len);
                sizes[u - first] = k;
                len += k;
            }
            lens[i] = len;
        }
        gsl_rng_free(r);
    }
}

int tc_chunglu_write(const char *path, const tc_chunglu *p, int64_t *m_out, tc_err *err)
{
    int rc = TC_OK;
    tc_chunglu_model m;
    tc_graphstore_out o;
    int64_t *off = NULL;
    int32_t *bufs[BATCH_BLOCKS] = {0};
    int64_t caps[BATCH_BLOCKS] = {0}, lens[BATCH_BLOCKS] = {0};
    char (*names)[TC_NAME_MAX] = NULL;
    memset(&o, 0, sizeof o);
    memset(&m, 0, sizeof m);
    TC_TRY(check_options(p, err));
    {
        char what[64];
        snprintf(what, sizeof what, "graph generate --n %lld", (long long)p->n);
        double n = (double)p->n, batch = (double)BLOCK_ROWS * BATCH_BLOCKS * p->mean_degree;
        TC_TRY(tc_graph_check_bytes(n * 66.0 + batch * 8.0 + 64e6, n, n * p->mean_degree, what,
                                    err));
    }
    TC_TRY(tc_chunglu_model_init(&m, p, err));
    TC_TRY(tc_graphstore_create(&o, path, err));
    int32_t n = m.n;
    off = tc_xcalloc((size_t)n + 1, sizeof *off);
    int64_t nblocks = ((int64_t)n + BLOCK_ROWS - 1) / BLOCK_ROWS;
    for (int64_t b0 = 0; b0 < nblocks; b0 += BATCH_BLOCKS) {
        int nb = (int)(nblocks - b0 < BATCH_BLOCKS ? nblocks - b0 : BATCH_BLOCKS);
        tc_chunglu_audience_blocks(&m, b0 * BLOCK_ROWS, BLOCK_ROWS, nb, bufs, caps, lens,
                                   off + 1 + b0 * BLOCK_ROWS);
        for (int i = 0; i < nb; i++) TC_TRY(tc_graphstore_append(&o, bufs[i], lens[i], err));
    }
    for (int32_t u = 0; u < n; u++) off[u + 1] += off[u];

    char source[512];
    snprintf(source, sizeof source, "chung-lu --n %lld --mean-degree %.15g --gamma-in %.15g "
             "--gamma-out %.15g --communities %d --mixing %.15g --seed %llu", (long long)p->n,
             p->mean_degree, p->gamma_in, p->gamma_out, p->communities, p->mixing,
             (unsigned long long)p->seed);
    tc_graphstore_meta meta = {.source = source, .source_format = "chung-lu"};
    if (m.K > 1) {
        names = tc_xcalloc((size_t)m.K, sizeof *names);
        for (int c = 0; c < m.K; c++) snprintf(names[c], TC_NAME_MAX, "c%d", c);
        meta.ncomm = m.K;
        meta.comm = m.comm;
        meta.comm_names = (const char(*)[TC_NAME_MAX])names;
    }
    /* no self-loops or repeats are ever drawn; the hash is read back */
    TC_TRY(tc_graphstore_finish(&o, n, off, 0, 0, NULL, &meta, err));
    if (m_out) *m_out = off[n];
cleanup:
    tc_graphstore_out_destroy(&o);
    tc_chunglu_model_destroy(&m);
    for (int i = 0; i < BATCH_BLOCKS; i++) free(bufs[i]);
    free(names);
    free(off);
    return rc;
}
