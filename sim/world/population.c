/* Bot placement and per-class delay distributions. */
#include "world/population.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/sort.h"

typedef struct {
    double score;
    int32_t id;
} ranked;

/* Ascending score, then ascending id: a total order, so placement is exact. */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int ranked_less(ranked x, ranked y)
{
    return x.score < y.score || (x.score == y.score && x.id < y.id);
}

/* Move the k smallest of a[0 .. n) (by cmp_ranked's total order) to a[0 .. k),
 * in no particular order: a quickselect on the median of three, which sorts the
 * range it is left with once it has split more than 2 log2 n times. */
static void select_smallest(ranked *a, int64_t n, int64_t k)
{
    int64_t lo = 0, hi = n, depth = 0, limit = 2;
    for (int64_t m = n; m > 1; m >>= 1) limit += 2;
    while (hi - lo > 16 && k > lo && k < hi) {
        if (++depth > limit) break;
        int64_t mid = lo + (hi - lo) / 2;
        ranked x = a[lo], y = a[mid], z = a[hi - 1], p;
        if (ranked_less(x, y)) p = ranked_less(y, z) ? y : ranked_less(x, z) ? z : x;
        else p = ranked_less(x, z) ? x : ranked_less(y, z) ? z : y;
        /* three ways: below p, equal to p (one element: the order is total), above */
        int64_t i = lo, lt = lo, gt = hi;
        while (i < gt) {
            if (ranked_less(a[i], p)) {
                ranked t = a[i]; a[i] = a[lt]; a[lt] = t;
                i++, lt++;
            } else if (ranked_less(p, a[i])) {
                gt--;
                ranked t = a[i]; a[i] = a[gt]; a[gt] = t;
            } else {
                i++;
            }
        }
        if (k <= lt) hi = lt;
        else if (k >= gt) lo = gt;
        else return;
    }
    if (k > lo && k < hi) qsort(a + lo, (size_t)(hi - lo), sizeof *a, cmp_ranked);
}

static int community_index(const tc_population *pop, const tc_named_value *x, const char *key,
                           tc_err *err)
{
    for (int c = 0; c < pop->ncomm; c++)
        if (!strcmp(pop->comm_names[c], x->name)) return c;
    char list[512] = "";
    for (int c = 0; c < pop->ncomm && strlen(list) < 400; c++) {
        strcat(list, c ? ", " : "");
        strncat(list, pop->comm_names[c], 60);
    }
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s.%s: unknown community; the graph has: %s",
               x->at.file, x->at.line, x->at.col, key, x->name, list);
    return -1;
}

/* Sessions, time zones and susceptibility of people. */
static int people(tc_population *pop, const tc_scenario *sc, tc_err *err)
{
    pop->start_epoch = sc->time.start_epoch;
    pop->tz = tc_xmalloc((size_t)pop->ncomm * sizeof *pop->tz);
    for (int c = 0; c < pop->ncomm; c++) pop->tz[c] = sc->time.utc_offset_s;
    for (int i = 0; i < sc->humans.ntz; i++) {
        int c = community_index(pop, &sc->humans.tz[i], "population.humans.utc_offset", err);
        if (c < 0) return TC_EINPUT;
        pop->tz[c] = (int32_t)sc->humans.tz[i].v;
    }
    if (sc->humans.nsusc) {
        pop->susc = tc_xmalloc((size_t)pop->ncomm * sizeof *pop->susc);
        for (int c = 0; c < pop->ncomm; c++) pop->susc[c] = 1.0;
        for (int i = 0; i < sc->humans.nsusc; i++) {
            int c = community_index(pop, &sc->humans.susc[i], "population.humans.susceptibility",
                                    err);
            if (c < 0) return TC_EINPUT;
            pop->susc[c] = sc->humans.susc[i].v;
        }
    }
    pop->own_on = sc->own_posts.on;
    pop->own_besides = sc->own_posts.besides;
    pop->own_p_bot = sc->own_posts.bots;
    if (pop->own_on) {
        pop->own_p = tc_xmalloc((size_t)pop->ncomm * sizeof *pop->own_p);
        for (int c = 0; c < pop->ncomm; c++) pop->own_p[c] = sc->own_posts.ncomm ? 0 : sc->own_posts.people;
        for (int i = 0; i < sc->own_posts.ncomm; i++) {
            int c = community_index(pop, &sc->own_posts.comm[i], "own_posts.people", err);
            if (c < 0) return TC_EINPUT;
            pop->own_p[c] = sc->own_posts.comm[i].v;
        }
    }
    pop->appeal_kernel = sc->appeal.kernel;
    pop->appeal_age_post = sc->appeal.age_post;
    pop->appeal_all = sc->appeal.everyone;
    pop->appeal_tau_s = sc->appeal.tau_s;
    pop->appeal_exponent = sc->appeal.exponent;
    pop->appeal_beta = sc->appeal.beta;
    pop->appeal_fatigue = sc->appeal.fatigue;
    pop->background = sc->humans.background / 3600.0;
    pop->feed_window_s = sc->humans.window_s;
    pop->engagement = sc->humans.engagement;
    pop->ranking = sc->humans.ranking;
    pop->trend_on = sc->trending.on;
    pop->trend_window_s = sc->trending.window_s;
    pop->trend_every_s = sc->trending.every_s;
    pop->trend_threshold = sc->trending.threshold;
    pop->trend_p = sc->trending.probability;
    pop->sessions = sc->humans.sessions;
    pop->attention = sc->humans.attention;
    double sum = 0;
    for (int h = 0; h < 24; h++) sum += sc->humans.rhythm[h];
    for (int h = 0; h < 24; h++)
        pop->rate[h] = sum > 0 ? sc->humans.per_day * sc->humans.rhythm[h] / sum / 3600.0 : 0;
    return TC_OK;
}

/* Bots into groups by the scenario's shares, in an order drawn per account; ring
 * groups cut into rings of consecutive bots in that order, the first leading. */
static void place_groups(tc_population *pop, const tc_scenario *sc, uint64_t key, ranked *cand,
                         int64_t nc)
{
    pop->group = sc->bots.group;
    pop->ngroups = sc->bots.ngroups;
    pop->grp = tc_xcalloc((size_t)(pop->n ? pop->n : 1), 1);
    for (int g = 0; g < pop->ngroups; g++)
        for (int j = 0; j < sc->bots.group[g].nmentions; j++)
            pop->mention_id[g][j] = tc_population_find(pop, sc, sc->bots.group[g].mentions[j]);
    int64_t nb = 0;
    for (int64_t i = 0; i < nc; i++)
        if (pop->cls[cand[i].id] == TC_CLASS_BOT)
            cand[nb++] = (ranked){tc_rng_u01(key, TC_P_GROUPS, (uint32_t)cand[i].id, 0),
                                  cand[i].id};
    qsort(cand, (size_t)nb, sizeof *cand, cmp_ranked);
    int rings = 0;
    for (int g = 0; g < pop->ngroups; g++) rings |= sc->bots.group[g].ring > 0;
    if (rings) {
        pop->leader = tc_xmalloc((size_t)(pop->n ? pop->n : 1) * sizeof *pop->leader);
        memset(pop->leader, 0xff, (size_t)pop->n * sizeof *pop->leader);
    }
    int64_t at = 0;
    double cum = 0;
    for (int g = 0; g < pop->ngroups; g++) {
        cum += sc->bots.group[g].share;
        int64_t end = g == pop->ngroups - 1 ? nb : llround(cum * (double)nb);
        if (end > nb) end = nb;
        int64_t K = sc->bots.group[g].ring;
        for (int64_t i = at; i < end; i++) {
            pop->grp[cand[i].id] = (uint8_t)g;
            if (K > 0) pop->leader[cand[i].id] = cand[at + (i - at) / K * K].id;
        }
        pop->gsize[g] = end > at ? end - at : 0;
        at = end > at ? end : at;
    }
}

typedef struct {
    int32_t src, dst;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->src != y->src) return x->src < y->src ? -1 : 1;
    return (x->dst > y->dst) - (x->dst < y->dst);
}

static int in_audience(const tc_net *net, int32_t u, int32_t v)
{
    int64_t lo = net->off[u], hi = net->off[u + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (net->dst[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < net->off[u + 1] && net->dst[lo] == v;
}

static inline void push_pair(pair **v, int64_t *n, int64_t *cap, int32_t s, int32_t d)
{
    if (__builtin_expect(*n == *cap, 0)) *v = tc_xgrow(*v, cap, *n + 1, sizeof **v, 1024);
    (*v)[(*n)++] = (pair){s, d};
}

/* Edges the bots add: each bot follows `follows` humans drawn at random (it then
 * sees their posts) and each follows it back with probability follow_back; ring
 * members follow each other. Edges already in the net are not added again. */
static void add_edges(tc_population *pop, const tc_scenario *sc, const tc_net *net,
                      int32_t nbase, uint64_t key)
{
    pair *v = NULL;
    int64_t n = 0, cap = 0;
    if (sc->bots.follows > 0 && pop->nhumans > 0) {
        /* each bot's follows from its own stream, on threads, into a room of
         * its own sized for every follow and its follow-back; packed after
         * (the pairs are sorted below, so their order does not matter) */
        int64_t F = sc->bots.follows * (sc->bots.follow_back > 0 ? 2 : 1), nb = 0;
        for (int32_t b = 0; b < nbase; b++) nb += pop->cls[b] == TC_CLASS_BOT;
        int32_t *bot = tc_xmalloc((size_t)(nb ? nb : 1) * sizeof *bot);
        nb = 0;
        for (int32_t b = 0; b < nbase; b++)
            if (pop->cls[b] == TC_CLASS_BOT) bot[nb++] = b;
        int64_t *got = tc_xmalloc((size_t)(nb ? nb : 1) * sizeof *got);
        cap = nb * F;
        v = tc_xmalloc((size_t)(cap ? cap : 1) * sizeof *v);
        #pragma omp parallel
        {
            gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
            #pragma omp for schedule(dynamic, 256)
            for (int64_t i = 0; i < nb; i++) {
                int32_t b = bot[i];
                pair *room = v + i * F;
                int64_t k = 0;
                tc_rng_seek(r, key, TC_P_INFILTRATE, (uint32_t)b, 0);
                for (int64_t j = 0; j < sc->bots.follows; j++) {
                    int32_t h;
                    do h = (int32_t)gsl_rng_uniform_int(r, (unsigned long)nbase);
                    while (pop->cls[h] != TC_CLASS_HUMAN);
                    room[k++] = (pair){h, b};
                    if (gsl_rng_uniform(r) < sc->bots.follow_back) room[k++] = (pair){b, h};
                }
                got[i] = k;
            }
            gsl_rng_free(r);
        }
        for (int64_t i = 0; i < nb; i++) {
            memmove(v + n, v + i * F, (size_t)got[i] * sizeof *v);
            n += got[i];
        }
        /* the rooms' unused ends given back before the pairs are sorted */
        cap = n ? n : 1;
        v = tc_xrealloc(v, (size_t)cap * sizeof *v);
        free(got);
        free(bot);
    }
    if (pop->leader) {
        /* members of one ring are consecutive in no particular id order: gather by leader */
        int32_t *idx = tc_xmalloc((size_t)(pop->n ? pop->n : 1) * sizeof *idx);
        int64_t m = 0;
        for (int32_t u = 0; u < pop->n; u++)
            if (pop->leader[u] >= 0) idx[m++] = u;
        pair *byl = tc_xmalloc((size_t)(m ? m : 1) * sizeof *byl);
        for (int64_t i = 0; i < m; i++) byl[i] = (pair){pop->leader[idx[i]], idx[i]};
        qsort(byl, (size_t)m, sizeof *byl, cmp_pair);
        for (int64_t i = 0; i < m;) {
            int64_t j = i;
            while (j < m && byl[j].src == byl[i].src) j++;
            for (int64_t a = i; a < j; a++)
                for (int64_t c = i; c < j; c++)
                    if (a != c) push_pair(&v, &n, &cap, byl[a].dst, byl[c].dst);
            i = j;
        }
        free(byl);
        free(idx);
    }
    if (n == 0) {
        free(v);
        return;
    }
    /* by follower, then followed: a radix sort of the pairs as 64-bit keys */
    uint64_t *keys = tc_xmalloc((size_t)n * sizeof *keys);
    for (int64_t i = 0; i < n; i++) keys[i] = (uint64_t)(uint32_t)v[i].src << 32 | (uint32_t)v[i].dst;
    tc_sort_u64(keys, n);
    for (int64_t i = 0; i < n; i++) v[i] = (pair){(int32_t)(keys[i] >> 32), (int32_t)(uint32_t)keys[i]};
    free(keys);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (k && v[k - 1].src == v[i].src && v[k - 1].dst == v[i].dst) continue;
        if (v[i].src == v[i].dst || in_audience(net, v[i].src, v[i].dst)) continue;
        v[k++] = v[i];
    }
    pop->xoff = tc_xcalloc((size_t)pop->n + 1, sizeof *pop->xoff);
    tc_touch_pages(pop->xoff, ((size_t)pop->n + 1) * sizeof *pop->xoff);
    pop->xdst = tc_xmalloc((size_t)(k ? k : 1) * sizeof *pop->xdst);
    pop->xm = k;
    for (int64_t i = 0; i < k; i++) {
        pop->xoff[v[i].src + 1]++;
        pop->xdst[i] = v[i].dst;
    }
    for (int32_t u = 0; u < pop->n; u++) pop->xoff[u + 1] += pop->xoff[u];
    free(v);
}

int tc_population_build(tc_population *pop, const tc_scenario *sc, int32_t nbase,
                        const uint16_t *comm, int ncomm,
                        const char (*comm_names)[TC_NAME_MAX], const tc_net *net, uint64_t key,
                        tc_err *err)
{
    int rc = TC_OK;
    ranked *cand = NULL;
    memset(pop, 0, sizeof *pop);
    pop->n = net->n;
    pop->cls = tc_xcalloc((size_t)net->n, 1);
    pop->comm = tc_xmalloc((size_t)(net->n ? net->n : 1) * sizeof *pop->comm);
    memcpy(pop->comm, comm, (size_t)net->n * sizeof *pop->comm);
    pop->comm_names = tc_xmalloc((size_t)ncomm * sizeof *pop->comm_names);
    memcpy(pop->comm_names, comm_names, (size_t)ncomm * sizeof *pop->comm_names);
    pop->ncomm = ncomm;
    pop->nhubs = sc->nhubs;
    pop->hub_id = tc_xcalloc((size_t)sc->nhubs + 1, sizeof *pop->hub_id);
    if (nbase + sc->nnew != net->n)
        TC_FAIL(TC_EINPUT, "%s: the named accounts do not match the graph", sc->path);
    for (int h = 0, k = 0; h < sc->nhubs; h++) {
        if (sc->hubs[h].id >= 0) { /* an account of the graph: its class is drawn below */
            pop->hub_id[h] = (int32_t)sc->hubs[h].id;
            continue;
        }
        pop->hub_id[h] = nbase + k++;
        pop->cls[pop->hub_id[h]] = TC_CLASS_HUB;
    }
    pop->delay_median_s = sc->humans.delay_median_s;
    pop->delay_sigma = sc->humans.delay_sigma;
    pop->bot_delay_min_s = sc->bots.delay_min_s;
    pop->bot_delay_max_s = sc->bots.delay_max_s;

    int32_t nb = nbase;
    int64_t k = llround(sc->bots.fraction * nb);
    if (k > 0 && k >= nb)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: population.bots.fraction: %g of %d accounts leaves no "
                "humans", sc->bots.fraction_at.file, sc->bots.fraction_at.line,
                sc->bots.fraction_at.col, sc->bots.fraction, nb);
    int target = -1;
    if (sc->bots.placement == TC_PLACE_COMMUNITY) {
        for (int c = 0; c < pop->ncomm; c++)
            if (!strcmp(pop->comm_names[c], sc->bots.community)) target = c;
        if (target < 0) {
            char list[512] = "";
            for (int c = 0; c < pop->ncomm && strlen(list) < 400; c++) {
                strcat(list, c ? ", " : "");
                strncat(list, pop->comm_names[c], 60);
            }
            TC_FAIL(TC_EINPUT, "%s:%d:%d: population.bots.community: unknown community '%s'; "
                    "the graph has: %s", sc->bots.community_at.file, sc->bots.community_at.line,
                    sc->bots.community_at.col, sc->bots.community, list);
        }
    }
    cand = tc_xmalloc((size_t)(nb ? nb : 1) * sizeof *cand);
    int64_t nc = 0;
    for (int32_t v = 0; v < nb; v++) {
        if (target >= 0 && pop->comm[v] != target) continue;
        double s = sc->bots.placement == TC_PLACE_FOLLOWERS
                       ? -(double)tc_net_degree(net, v)
                       : tc_rng_u01(key, TC_P_BOTS, (uint32_t)v, 0);
        cand[nc++] = (ranked){s, v};
    }
    if (k > nc || (target >= 0 && k > 0 && k >= nc))
        TC_FAIL(TC_EINPUT, "%s:%d:%d: population.bots: %lld bots do not fit community '%s' "
                "(%lld accounts) and leave humans in it", sc->bots.community_at.file,
                sc->bots.community_at.line, sc->bots.community_at.col, (long long)k,
                sc->bots.community, (long long)nc);
    /* which accounts are bots, not their order: place_groups orders them again */
    if (k > 0) select_smallest(cand, nc, k);
    for (int64_t i = 0; i < k; i++) pop->cls[cand[i].id] = TC_CLASS_BOT;
    pop->nbots = k;
    pop->nhumans = nb - k;
    TC_TRY(people(pop, sc, err));
    place_groups(pop, sc, key, cand, nc);
    add_edges(pop, sc, net, nbase, key);
cleanup:
    free(cand);
    if (rc) tc_population_destroy(pop);
    return rc;
}

void tc_population_destroy(tc_population *pop)
{
    if (!pop) return;
    free(pop->cls);
    free(pop->comm);
    free(pop->comm_names);
    free(pop->hub_id);
    free(pop->tz);
    free(pop->susc);
    free(pop->own_p);
    free(pop->grp);
    free(pop->leader);
    free(pop->xoff);
    free(pop->xdst);
    memset(pop, 0, sizeof *pop);
}

void tc_population_count_followees(const tc_population *pop, const tc_net *net, int32_t *f)
{
    memset(f, 0, (size_t)net->n * sizeof *f);
    for (int64_t k = 0; k < net->m; k++) f[net->dst[k]]++;
    if (pop->xoff)
        for (int64_t k = 0; k < pop->xm; k++) f[pop->xdst[k]]++;
}

int32_t *tc_population_followees(const tc_population *pop, const tc_net *net)
{
    int32_t *f = tc_xmalloc(net->n ? (size_t)net->n * sizeof *f : sizeof *f);
    tc_population_count_followees(pop, net, f);
    return f;
}

double tc_population_delay(const tc_population *pop, gsl_rng *r, int cls)
{
    if (cls == TC_CLASS_BOT)
        return pop->bot_delay_min_s +
               (pop->bot_delay_max_s - pop->bot_delay_min_s) * gsl_rng_uniform(r);
    return gsl_ran_lognormal(r, log(pop->delay_median_s), pop->delay_sigma);
}

int32_t tc_population_find(const tc_population *pop, const tc_scenario *sc, const char *name)
{
    for (int h = 0; h < sc->nhubs; h++)
        if (!strcmp(sc->hubs[h].name, name)) return pop->hub_id[h];
    return -1;
}
