/* The cascades of an outcome (tc_outcome_cascades) against each tree built
 * plainly, one cascade at a time, and given to tc_cascade_tree_stats: every
 * statistic and every summary field the same, to the bit. Random forests as the
 * engines record them, and forests whose parents break that rule (a parent two
 * steps shallower, in another cascade, or in none). Forests of 300,000
 * accounts laid out on 2 and 3 threads against the plain trees, and
 * tc_outcome_finish on threads against one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "engine/cascade.h"
#include "engine/outcome.h"
#include "engine/recorder.h"
#include "tc_test.h"

static int by_depth_id(const void *a, const void *b, void *arg)
{
    const int32_t *depth = arg, x = *(const int32_t *)a, y = *(const int32_t *)b;
    if (depth[x] != depth[y]) return depth[x] < depth[y] ? -1 : 1;
    return (x > y) - (x < y);
}

/* The cascades' statistics the plain way: per post, its author and the
 * accounts of its cascade sorted by depth, then id; a reshare at depth 1 hangs
 * from the author, any other from its parent account's node, unknown (-1) when
 * the parent is not a node of this tree. Then the summary's fields as
 * tc_outcome_cascades documents them. */
static void reference(const tc_outcome *o, const tc_population *pop, tc_summary *s)
{
    int32_t n = o->n, R = o->nroots;
    s->nroots = R;
    s->root = calloc((size_t)R + 1, sizeof *s->root);
    int32_t *nodes = malloc(((size_t)n + 1) * sizeof *nodes);
    int32_t *node_of = malloc(((size_t)n + 1) * sizeof *node_of);
    int64_t *parent = malloc(((size_t)n + 1) * sizeof *parent);
    double *t = malloc(((size_t)n + 1) * sizeof *t);
    uint8_t *bot = malloc((size_t)n + 1);
    double sv_sum = 0;
    s->largest_sv = s->mean_sv = NAN;
    for (int32_t r = 0; r < R; r++) {
        int64_t m = 0;
        nodes[m++] = o->roots[r].author;
        for (int32_t v = 0; v < n; v++)
            if (o->adopt_t[v] != INFINITY && o->depth[v] >= 1 && o->root[v] == r) nodes[m++] = v;
        qsort_r(nodes + 1, (size_t)m - 1, sizeof *nodes, by_depth_id, o->depth);
        for (int32_t v = 0; v < n; v++) node_of[v] = -1;
        for (int64_t i = 1; i < m; i++) node_of[nodes[i]] = (int32_t)i;
        for (int64_t i = 0; i < m; i++) {
            int32_t v = nodes[i], p = o->parent[v];
            bot[i] = pop->cls[v] == TC_CLASS_BOT;
            parent[i] = i == 0 ? -1 : o->depth[v] == 1 ? 0 : p >= 0 ? node_of[p] : -1;
            t[i] = i == 0 ? 0 : o->adopt_t[v] - o->roots[r].t;
        }
        tc_cascade_tree_stats(m, parent, t, bot, &s->root[r], NULL);
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
    free(bot);
    free(t);
    free(parent);
    free(node_of);
    free(nodes);
}

/* Both summaries field by field; the per-cascade statistics as bytes (both
 * zero their padding), so that NaN equals NaN and -0 differs from 0. */
static int same(const tc_summary *a, const tc_summary *b)
{
    return a->nroots == b->nroots &&
           !memcmp(a->root, b->root, (size_t)a->nroots * sizeof *a->root) &&
           a->cascades == b->cascades && a->largest_size == b->largest_size &&
           !memcmp(&a->largest_sv, &b->largest_sv, sizeof a->largest_sv) &&
           !memcmp(&a->mean_sv, &b->mean_sv, sizeof a->mean_sv) &&
           a->max_breadth == b->max_breadth;
}

/* A forest over n accounts: R posts by random authors; then accounts adopt in
 * id-shuffled order, each resharing the post (depth 1) or a reshare already in
 * its cascade (one step deeper), or adopting outside any cascade. With
 * `broken`, a few reshares get a parent that breaks the engines' rule. Times
 * grow with depth, with ties, so that the reach times see equal times. */
static void forest(tc_outcome *o, tc_population *pop, gsl_rng *g, int32_t n, int32_t R,
                   int broken)
{
    tc_outcome_init(o, n, 0);
    memset(pop, 0, sizeof *pop);
    pop->n = n;
    pop->cls = malloc((size_t)n);
    for (int32_t v = 0; v < n; v++)
        pop->cls[v] = gsl_rng_uniform(g) < 0.2 ? TC_CLASS_BOT : TC_CLASS_HUMAN;
    for (int32_t r = 0; r < R; r++) {
        int32_t a = (int32_t)gsl_rng_uniform_int(g, (unsigned long)n);
        int32_t got = tc_outcome_add_root(o, 60.0 * r, a, r);
        if (o->adopt_t[a] == INFINITY) tc_outcome_adopt(o, a, 60.0 * r, -1, got, 0);
    }
    int32_t *order = malloc((size_t)n * sizeof *order), *done = malloc((size_t)n * sizeof *done);
    for (int32_t v = 0; v < n; v++) order[v] = v;
    for (int32_t i = n - 1; i > 0; i--) {
        int32_t j = (int32_t)gsl_rng_uniform_int(g, (unsigned long)i + 1), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    int32_t ndone = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t v = order[i];
        if (o->adopt_t[v] != INFINITY || gsl_rng_uniform(g) < 0.25 || !R) continue;
        double u = gsl_rng_uniform(g);
        if (u < 0.05) { /* adopts outside any cascade */
            tc_outcome_adopt(o, v, 1e6, -1, -1, 0);
        } else if (u < 0.25 || !ndone) { /* reshares a post */
            int32_t r = (int32_t)gsl_rng_uniform_int(g, (unsigned long)R);
            tc_outcome_adopt(o, v, o->roots[r].t + 60.0 * (double)gsl_rng_uniform_int(g, 3), o->roots[r].author, r, 1);
        } else { /* reshares a reshare */
            int32_t p = done[gsl_rng_uniform_int(g, (unsigned long)ndone)];
            tc_outcome_adopt(o, v, o->adopt_t[p] + 60.0 * (double)gsl_rng_uniform_int(g, 3), p,
                             o->root[p], o->depth[p] + 1);
        }
        if (o->root[v] >= 0 && o->depth[v] >= 1) done[ndone++] = v;
    }
    if (broken && ndone > 2) {
        int32_t v = done[ndone - 1], w = done[0];
        switch (broken) {
        case 1: o->depth[v] += 1; break;          /* a parent two steps shallower */
        case 2: o->parent[v] = order[0]; break;   /* a parent in no cascade, or any */
        case 3: o->parent[v] = w, o->depth[v] = o->depth[w] + 1; break; /* maybe another cascade */
        case 4: o->parent[v] = -1, o->depth[v] = 2; break; /* no parent at all */
        }
    }
    free(done);
    free(order);
}

int main(void)
{
    gsl_rng *g = gsl_rng_alloc(tc_rng_philox);
    int bad = 0, runs = 0;
    struct { int32_t n, R; } shapes[] = {{1, 0},    {1, 1},    {5, 3},     {60, 1},   {200, 40},
                                         {500, 2},  {3000, 1}, {4000, 7},  {2000, 300}};
    for (int broken = 0; broken <= 4; broken++)
        for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++)
            for (int rep = 0; rep < 4; rep++) {
                tc_rng_seek(g, 7, TC_P_GRAPH, (uint32_t)(broken * 100 + k), (uint64_t)rep);
                tc_outcome o;
                tc_population pop;
                forest(&o, &pop, g, shapes[k].n, shapes[k].R, broken);
                tc_summary a, b;
                memset(&a, 0, sizeof a);
                memset(&b, 0, sizeof b);
                tc_outcome_cascades(&o, &pop, 1, &a);
                reference(&o, &pop, &b);
                int ok = same(&a, &b);
                if (!ok)
                    printf("# n %d, %d posts, broken %d, rep %d: cascades %lld vs %lld, "
                           "mean sv %.17g vs %.17g\n",
                           shapes[k].n, shapes[k].R, broken, rep, (long long)a.cascades,
                           (long long)b.cascades, a.mean_sv, b.mean_sv);
                bad += !ok;
                runs++;
                tc_summary_destroy(&a);
                free(b.root);
                free(pop.cls);
                tc_outcome_destroy(&o);
            }
    CHECK(bad == 0, "%d of %d forests differ from the plain trees", bad, runs);

    /* one cascade past 1,000 reshares, in a chain and a star: all reach times */
    for (int shape = 0; shape < 2; shape++) {
        int32_t n = 1500;
        tc_outcome o;
        tc_population pop = {.n = n, .cls = calloc((size_t)n, 1)};
        tc_outcome_init(&o, n, 0);
        int32_t r = tc_outcome_add_root(&o, 5.0, 0, 0);
        tc_outcome_adopt(&o, 0, 5.0, -1, r, 0);
        for (int32_t v = 1; v < n; v++)
            tc_outcome_adopt(&o, v, 5.0 + v, shape ? 0 : v - 1, r, shape ? 1 : v);
        tc_summary a;
        memset(&a, 0, sizeof a);
        tc_outcome_cascades(&o, &pop, 1, &a);
        const tc_cascade_stats *c = &a.root[0];
        CHECK(c->size == n - 1 && c->t_reach[0] == 10.0 && c->t_reach[1] == 100.0 &&
                  c->t_reach[2] == 1000.0,
              "%s: size %lld, reach %g %g %g", shape ? "star" : "chain", (long long)c->size,
              c->t_reach[0], c->t_reach[1], c->t_reach[2]);
        double sv = shape ? 2.0 * (n - 1) / n : (n + 1) / 3.0;
        CHECK(fabs(c->structural_virality - sv) < 1e-9 * sv && a.cascades == 1 &&
                  a.largest_size == n - 1 && c->depth == (shape ? 1 : n - 1),
              "%s: sv %.12f, want %.12f", shape ? "star" : "chain", c->structural_virality, sv);
        tc_summary_destroy(&a);
        tc_outcome_destroy(&o);
        free(pop.cls);
    }
    /* large forests laid out on threads (from 2^18 accounts on): one cascade
     * and three, with and without a broken parent */
    struct { int32_t R; int broken; } big[] = {{1, 0}, {1, 2}, {3, 0}, {3, 3}};
    for (size_t k = 0; k < sizeof big / sizeof *big; k++) {
        tc_rng_seek(g, 8, TC_P_GRAPH, (uint32_t)k, 0);
        tc_outcome o;
        tc_population pop;
        forest(&o, &pop, g, 300000, big[k].R, big[k].broken);
        /* reshares' times in no order of depth */
        for (int32_t v = 0; v < o.n; v++)
            if (o.adopt_t[v] != INFINITY && o.depth[v] >= 1 && o.root[v] >= 0)
                o.adopt_t[v] = o.roots[o.root[v]].t + 60.0 * (double)gsl_rng_uniform_int(g, 5000);
        tc_summary b;
        memset(&b, 0, sizeof b);
        reference(&o, &pop, &b);
        for (int th = 2; th <= 3; th++) {
            tc_summary a;
            memset(&a, 0, sizeof a);
            tc_outcome_cascades(&o, &pop, th, &a);
            CHECK(same(&a, &b), "300,000 accounts, %d posts, broken %d, %d threads: "
                  "cascades %lld vs %lld, largest %lld vs %lld, mean sv %.17g vs %.17g",
                  big[k].R, big[k].broken, th, (long long)a.cascades, (long long)b.cascades,
                  (long long)a.largest_size, (long long)b.largest_size, a.mean_sv, b.mean_sv);
            tc_summary_destroy(&a);
        }
        if (k == 0) { /* the counts of tc_outcome_finish on threads, against one */
            tc_recorder rec;
            tc_recorder_init(&rec, 4, 1, 60.0);
            for (int32_t v = 0; v < o.n; v += 3) o.exposed[v] = 1;
            tc_summary f1, f3;
            tc_outcome_finish(&o, &pop, &rec, 1, &f1);
            tc_outcome_finish(&o, &pop, &rec, 3, &f3);
            CHECK(!memcmp(&f1, &f3, sizeof f1) && f1.reach > 100000 && f1.exposed == 100000 &&
                      f1.reach_bot > 0 && f1.max_depth > 10,
                  "finish: reach %lld vs %lld, bots %lld vs %lld, exposed %lld vs %lld, "
                  "depth %lld vs %lld", (long long)f1.reach, (long long)f3.reach,
                  (long long)f1.reach_bot, (long long)f3.reach_bot, (long long)f1.exposed,
                  (long long)f3.exposed, (long long)f1.max_depth, (long long)f3.max_depth);
            tc_recorder_destroy(&rec);
        }
        free(b.root);
        free(pop.cls);
        tc_outcome_destroy(&o);
    }
    gsl_rng_free(g);
    return tc_test_done("outcome_cascades");
}
