/* The outcome of a run: per-account results, the roots and the cascade log that
 * both engines write, and what the summary makes of them (reach, volume and its
 * peak, the cascade trees' statistics). */
#include "engine/outcome.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cascade.h"

/* Accounts before the summary's passes over them go on threads. */
enum { OUTCOME_PAR = 1 << 18 };

void tc_outcome_init(tc_outcome *o, int32_t n, int record)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    o->record = record;
    o->adopt_t = tc_xmalloc_huge((size_t)n * sizeof *o->adopt_t);
    for (int32_t v = 0; v < n; v++) o->adopt_t[v] = INFINITY;
    o->parent = tc_xmalloc_huge((size_t)n * sizeof *o->parent);
    o->root = tc_xmalloc_huge((size_t)n * sizeof *o->root);
    memset(o->parent, 0xff, (size_t)n * sizeof *o->parent);
    memset(o->root, 0xff, (size_t)n * sizeof *o->root);
    o->depth = tc_xmalloc_huge((size_t)n * sizeof *o->depth);
    memset(o->depth, 0, (size_t)n * sizeof *o->depth);
    o->exposed = tc_xcalloc((size_t)n, 1);
}

void tc_outcome_destroy(tc_outcome *o)
{
    if (!o) return;
    free(o->adopt_t);
    free(o->parent);
    free(o->root);
    free(o->depth);
    free(o->exposed);
    free(o->roots);
    free(o->log);
    memset(o, 0, sizeof *o);
}

int32_t tc_outcome_add_root(tc_outcome *o, double t, int32_t author, int event)
{
    TC_GROW(o->roots, o->roots_cap, (int64_t)o->nroots + 1, 16);
    int32_t r = o->nroots++;
    o->roots[r] = (tc_root){.t = t, .author = author, .event = event};
    return r;
}

void tc_outcome_log(tc_outcome *o, const tc_adoption *a, int64_t n)
{
    if (!o->record || n <= 0) return;
    TC_GROW(o->log, o->log_cap, o->nlog + n, 1024);
    memcpy(o->log + o->nlog, a, (size_t)n * sizeof *a);
    o->nlog += n;
}

/* ------------------------------------------------------------------ reading */

int32_t tc_outcome_accounts(const tc_outcome *o) { return o->n; }
const double *tc_outcome_adopt_t(const tc_outcome *o) { return o->adopt_t; }
const int32_t *tc_outcome_parent(const tc_outcome *o) { return o->parent; }
const int32_t *tc_outcome_root(const tc_outcome *o) { return o->root; }
const int32_t *tc_outcome_depth(const tc_outcome *o) { return o->depth; }
const uint8_t *tc_outcome_exposed(const tc_outcome *o) { return o->exposed; }

const tc_root *tc_outcome_roots(const tc_outcome *o, int32_t *n)
{
    if (n) *n = o->nroots;
    return o->roots;
}

static int cmp_time(const void *a, const void *b)
{
    const tc_adoption *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->account > y->account) - (x->account < y->account);
}

void tc_outcome_cascade(const tc_outcome *o, tc_adoption **out, int64_t *n)
{
    *n = o->nlog;
    *out = tc_xmalloc((size_t)(o->nlog ? o->nlog : 1) * sizeof **out);
    if (o->nlog) { /* with no adoption the log is NULL: not a memcpy source */
        memcpy(*out, o->log, (size_t)o->nlog * sizeof **out);
        qsort(*out, (size_t)o->nlog, sizeof **out, cmp_time);
    }
}

/* ------------------------------------------------------------------ finish */

void tc_outcome_finish(const tc_outcome *o, const tc_population *pop, const tc_recorder *rec,
                       int threads, tc_summary *s)
{
    memset(s, 0, sizeof *s);
    int64_t reach = 0, reach_bot = 0, exposed = 0, exposed_bot = 0;
    int32_t max_depth = 0;
    int nt = threads > 1 && o->n >= OUTCOME_PAR ? threads : 1;
#pragma omp parallel for num_threads(nt) schedule(static) \
    reduction(+ : reach, reach_bot, exposed, exposed_bot) reduction(max : max_depth)
    for (int32_t v = 0; v < o->n; v++) {
        int bot = pop->cls[v] == TC_CLASS_BOT;
        if (o->adopt_t[v] != INFINITY) {
            reach++;
            reach_bot += bot;
            if (o->depth[v] > max_depth) max_depth = o->depth[v];
        }
        if (o->exposed[v]) {
            exposed++;
            exposed_bot += bot;
        }
    }
    s->reach = reach;
    s->reach_bot = reach_bot;
    s->reach_human = reach - reach_bot;
    s->max_depth = max_depth;
    s->exposed = exposed;
    s->exposed_bot = exposed_bot;
    s->exposed_human = exposed - exposed_bot;
    int64_t T = rec->T, bot_volume = 0;
    s->peak_volume = -1;
    for (int64_t i = 0; i < T; i++) {
        const int64_t *po = rec->by_class + ((int64_t)TC_CNT_POSTS * T + i) * 2;
        const int64_t *re = rec->by_class + ((int64_t)TC_CNT_RESHARES * T + i) * 2;
        const int64_t *ow = rec->by_class + ((int64_t)TC_CNT_OWN * T + i) * 2;
        int64_t vol = po[0] + po[1] + re[0] + re[1] + ow[0] + ow[1];
        s->posts += po[0] + po[1];
        s->own_posts_human += ow[0];
        s->own_posts_bot += ow[1];
        s->reshares_human += re[0];
        s->reshares_bot += re[1];
        bot_volume += po[1] + re[1] + ow[1];
        if (vol > s->peak_volume) {
            s->peak_volume = vol;
            s->peak_t = (double)i * rec->interval_s;
        }
    }
    s->reshares = s->reshares_human + s->reshares_bot;
    s->own_posts = s->own_posts_human + s->own_posts_bot;
    s->volume = s->posts + s->own_posts + s->reshares;
    s->bot_share_volume = s->volume ? (double)bot_volume / (double)s->volume : 0.0;
    s->bot_share_accounts = o->n ? (double)pop->nbots / (double)o->n : 0.0;
}

/* The cascades' trees, laid out for tc_outcome_cascades. Node 0 of cascade r is
 * the post's author; the other nodes are the accounts whose reshare descends
 * from the post, by depth, then id, so that a parent (one step shallower, same
 * cascade) comes before its children. Cascade r at depth d is bucket
 * first[r] + d; bucket b's nodes are acct[end[b - 1] .. end[b]), with end[-1]
 * read as 0 (bucket first[0] holds the first author). */
typedef struct forest {
    int32_t nroots;
    int32_t *deepest;  /* [nroots] depth of each cascade's deepest reshare, 0 if none */
    int64_t *first;    /* [nroots + 1] bucket of each cascade's author; first[R]: buckets */
    int64_t *end;      /* [buckets] one past the last node of each bucket */
    int32_t *acct;     /* [nodes] the account of each node */
} forest;

/* Per account, while the trees are summed up: the size of its subtree so far,
 * and its bucket; bucket 0 (the first author's) for an account in no cascade,
 * which no reshare's parent may have. Side by side, so that a child's update of
 * its parent finds both in one cache line. */
typedef struct scratch {
    int32_t sub, bucket;
} scratch;

/* How many nodes ahead the upward pass asks for a parent's scratch. */
enum { PREFETCH = 16 };

/* Lay out the forest and fill sc[v] for every account: a subtree of 1 and its
 * bucket. One pass over the accounts lists the reshares in cascades (without a
 * branch on each account: a fair share of them is in none) and finds each
 * cascade's depth; two passes over that list count and place the nodes. On T
 * threads each pass takes equal runs of the accounts, resp. of the list, in
 * order, so that every bucket holds its nodes by id as on one. */
static void forest_build(const tc_outcome *o, forest *f, scratch *sc, int T)
{
    int32_t n = o->n, R = o->nroots;
    f->nroots = R;
    f->deepest = tc_xcalloc((size_t)R + 1, sizeof *f->deepest); /* [R]: no cascade */
    f->first = tc_xmalloc(((size_t)R + 1) * sizeof *f->first);
    int32_t *in = tc_xmalloc_huge((size_t)(n ? n : 1) * sizeof *in);
    int64_t nin = 0;
    /* each thread's run of the accounts, its reshares listed from the run's
     * start, its deepest per cascade */
    int32_t *deep = T > 1 ? tc_xcalloc((size_t)T * ((size_t)R + 1), sizeof *deep) : f->deepest;
    int64_t *got = tc_xcalloc((size_t)T, sizeof *got);
#pragma omp parallel for num_threads(T) schedule(static, 1)
    for (int t = 0; t < T; t++) {
        int32_t lo = (int32_t)((int64_t)n * t / T), hi = (int32_t)((int64_t)n * (t + 1) / T);
        int32_t *dp = deep + (size_t)t * ((size_t)R + 1);
        int64_t k = lo;
        for (int32_t v = lo; v < hi; v++) {
            int x = (o->adopt_t[v] != INFINITY) & (o->depth[v] >= 1) & (o->root[v] >= 0);
            int32_t r = x ? o->root[v] : R, d = x ? o->depth[v] : 0;
            if (d > dp[r]) dp[r] = d;
            sc[v] = (scratch){.sub = 1, .bucket = 0};
            in[k] = v;
            k += x;
        }
        got[t] = k - lo;
    }
    for (int t = 0; t < T; t++) {
        int64_t lo = (int64_t)n * t / T;
        if (lo != nin) memmove(in + nin, in + lo, (size_t)got[t] * sizeof *in);
        nin += got[t];
    }
    if (T > 1) {
        for (int t = 0; t < T; t++)
            for (int32_t r = 0; r <= R; r++)
                if (deep[(size_t)t * ((size_t)R + 1) + r] > f->deepest[r])
                    f->deepest[r] = deep[(size_t)t * ((size_t)R + 1) + r];
        free(deep);
    }
    f->first[0] = 0;
    for (int32_t r = 0; r < R; r++) f->first[r + 1] = f->first[r] + f->deepest[r] + 1;
    int64_t B = f->first[R];
    /* end[b] counts bucket b - 1 until the running sum makes it bucket b's start */
    int64_t *end = tc_xcalloc((size_t)B + 1, sizeof *end);
    for (int32_t r = 0; r < R; r++) end[f->first[r] + 1] = 1;
    /* on threads where the buckets are few beside the nodes: each thread's count
     * per bucket, then its cursor in each */
    int P = T > 1 && B <= nin / 16 ? T : 1;
    int64_t *cur = P > 1 ? tc_xcalloc((size_t)P * ((size_t)B + 1), sizeof *cur) : NULL;
#pragma omp parallel for num_threads(P) schedule(static, 1)
    for (int t = 0; t < P; t++) {
        int64_t a = nin * t / P, z = nin * (t + 1) / P;
        int64_t *mine = P > 1 ? cur + (size_t)t * ((size_t)B + 1) : end + 1;
        for (int64_t k = a; k < z; k++) {
            int32_t v = in[k];
            int64_t b = f->first[o->root[v]] + o->depth[v];
            sc[v].bucket = (int32_t)b;
            mine[b]++;
        }
    }
    if (P > 1)
        for (int t = 0; t < P; t++)
            for (int64_t b = 0; b < B; b++) end[b + 1] += cur[(size_t)t * ((size_t)B + 1) + b];
    for (int64_t b = 0; b < B; b++) end[b + 1] += end[b];
    f->acct = tc_xmalloc_huge((size_t)(end[B] ? end[B] : 1) * sizeof *f->acct);
    for (int32_t r = 0; r < R; r++) f->acct[end[f->first[r]]++] = o->roots[r].author;
    if (P > 1) {
        /* thread t's cursor in bucket b: after the nodes of threads before it */
        for (int64_t b = 0; b < B; b++) {
            int64_t at = end[b];
            for (int t = 0; t < P; t++) {
                int64_t c = cur[(size_t)t * ((size_t)B + 1) + b];
                cur[(size_t)t * ((size_t)B + 1) + b] = at;
                at += c;
            }
            end[b] = at;
        }
#pragma omp parallel for num_threads(P) schedule(static, 1)
        for (int t = 0; t < P; t++) {
            int64_t a = nin * t / P, z = nin * (t + 1) / P;
            int64_t *mine = cur + (size_t)t * ((size_t)B + 1);
            for (int64_t k = a; k < z; k++) {
                int32_t v = in[k];
                f->acct[mine[sc[v].bucket]++] = v;
            }
        }
        free(cur);
    } else {
        for (int64_t k = 0; k < nin; k++) {
            int32_t v = in[k];
            f->acct[end[sc[v].bucket]++] = v;
        }
    }
    f->end = end; /* end[b] is now one past bucket b's last node */
    free(got);
    free(in);
}

static void forest_destroy(forest *f)
{
    free(f->acct);
    free(f->end);
    free(f->first);
    free(f->deepest);
}

/* The statistics of cascade r as tc_cascade_tree_stats would give them for its
 * tree, which they equal bit for bit: the subtree sizes and the Wiener index are
 * summed over the nodes from last to first, as there. Returns 0, with *c
 * unfinished, when a reshare at depth 2 or more has a parent that is not a
 * reshare of the same cascade one step shallower: then the tree is not the one
 * the buckets describe. Uses and changes sc[].sub of the cascade's accounts.
 * O(nodes + depth). */
static int forest_stats(const tc_outcome *o, const tc_population *pop, const forest *f,
                        scratch *sc, int32_t r, tc_cascade_reach *reach, tc_cascade_stats *c)
{
    const int32_t *acct = f->acct;
    const uint8_t *cls = pop->cls;
    int64_t b0 = f->first[r], blast = f->first[r + 1] - 1;
    int64_t lo = f->end[b0] - 1, hi = f->end[blast], m = hi - lo;
    memset(c, 0, sizeof *c);
    c->structural_virality = NAN;
    for (int k = 0; k < 3; k++) c->t_reach[k] = NAN;
    c->size = m - 1;
    c->depth = f->deepest[r];
    for (int64_t b = b0 + 1; b <= blast; b++)
        if (f->end[b] - f->end[b - 1] > c->max_breadth) c->max_breadth = f->end[b] - f->end[b - 1];
    if (m < 2) return 1;
    reach->m = 0;
    for (int64_t i = lo + 1; i < hi; i++) {
        int32_t v = acct[i];
        c->bot_reshares += cls[v] == TC_CLASS_BOT;
        tc_cascade_reach_add(reach, o->adopt_t[v]);
    }
    /* depth 1 hangs from the author, whatever the parent account says */
    if (cls[acct[lo]] == TC_CLASS_BOT) c->via_bot = f->end[b0 + 1] - f->end[b0];
    long double w = 0;
    for (int64_t b = blast; b > b0; b--) {
        int deep = b > b0 + 1;
        int64_t start = f->end[b - 1];
        for (int64_t i = f->end[b] - 1; i >= start; i--) {
            int32_t v = acct[i], s = sc[v].sub;
            if (deep) {
                /* the parents are scattered over sc: ask for one a few nodes ahead */
                if (i - PREFETCH >= start) {
                    int32_t q = o->parent[acct[i - PREFETCH]];
                    if (q >= 0 && q < o->n) __builtin_prefetch(&sc[q]);
                }
                int32_t p = o->parent[v];
                if (p < 0 || p >= o->n || sc[p].bucket != b - 1) return 0;
                sc[p].sub += s;
                c->via_bot += cls[p] == TC_CLASS_BOT;
            }
            w += (long double)s * (long double)(m - s);
        }
    }
    c->structural_virality = (double)(2.0L * w / ((long double)m * (long double)(m - 1)));
    tc_cascade_reach_end(reach, o->roots[r].t, c);
    return 1;
}

/* Cascades r0 .. R - 1 by tc_cascade_tree_stats, for an outcome whose parents do
 * not follow the buckets: node 0 of each tree is its author, a reshare at depth
 * 1 hangs from it, any other from its parent account's node, unknown (the node
 * unreachable) when that account is no reshare of the same cascade. */
static void forest_stats_general(const tc_outcome *o, const tc_population *pop, const forest *f,
                                 int32_t r0, tc_summary *s)
{
    int32_t n = o->n, R = f->nroots;
    int32_t *node_of = tc_xmalloc((size_t)(n ? n : 1) * sizeof *node_of);
    for (int32_t v = 0; v < n; v++) node_of[v] = -1;
    int64_t big = 0;
    for (int32_t r = 0; r < R; r++) {
        int64_t lo = f->end[f->first[r]] - 1, hi = f->end[f->first[r + 1] - 1];
        for (int64_t i = lo + 1; i < hi; i++) node_of[f->acct[i]] = (int32_t)(i - lo);
        if (hi - lo > big) big = hi - lo;
    }
    int64_t *parent = tc_xmalloc((size_t)(big ? big : 1) * sizeof *parent);
    double *t = tc_xmalloc((size_t)(big ? big : 1) * sizeof *t);
    uint8_t *bot = tc_xmalloc((size_t)(big ? big : 1));
    for (int32_t r = r0; r < R; r++) {
        int64_t lo = f->end[f->first[r]] - 1, m = f->end[f->first[r + 1] - 1] - lo;
        for (int64_t i = 0; i < m; i++) {
            int32_t v = f->acct[lo + i];
            bot[i] = pop->cls[v] == TC_CLASS_BOT;
            if (i == 0) {
                parent[i] = -1;
                t[i] = 0;
                continue;
            }
            int32_t p = o->parent[v];
            parent[i] = o->depth[v] == 1 ? 0 : p >= 0 && p < n && o->root[p] == r ? node_of[p] : -1;
            t[i] = o->adopt_t[v] - o->roots[r].t;
        }
        tc_cascade_tree_stats(m, parent, t, bot, &s->root[r], NULL);
    }
    free(bot);
    free(t);
    free(parent);
    free(node_of);
}

void tc_outcome_cascades(const tc_outcome *o, const tc_population *pop, int threads,
                         tc_summary *s)
{
    int32_t R = o->nroots;
    int T = threads > 1 && o->n >= OUTCOME_PAR ? threads : 1;
    s->nroots = R;
    s->root = tc_xcalloc((size_t)R + 1, sizeof *s->root);
    scratch *sc = tc_xmalloc_huge((size_t)(o->n ? o->n : 1) * sizeof *sc);
    tc_cascade_reach reach;
    forest f;
    forest_build(o, &f, sc, T);
    for (int32_t r = 0; r < R; r++)
        if (!forest_stats(o, pop, &f, sc, r, &reach, &s->root[r])) {
            forest_stats_general(o, pop, &f, r, s);
            break;
        }
    double sv_sum = 0;
    s->largest_sv = s->mean_sv = NAN;
    for (int32_t r = 0; r < R; r++) {
        const tc_cascade_stats *c = &s->root[r];
        if (c->size > 0) {
            s->cascades++;
            sv_sum += c->structural_virality;
            if (c->size > s->largest_size) {
                s->largest_size = c->size;
                s->largest_sv = c->structural_virality;
            }
        }
        if (c->max_breadth > s->max_breadth) s->max_breadth = c->max_breadth;
    }
    if (s->cascades) s->mean_sv = sv_sum / (double)s->cascades;
    forest_destroy(&f);
    free(sc);
}

void tc_summary_destroy(tc_summary *s)
{
    if (!s) return;
    free(s->root);
    memset(s, 0, sizeof *s);
}
