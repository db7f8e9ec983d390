/* Bot placement and per-class delay distributions. */
#include "population.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

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
    if (nbase + sc->nhubs != net->n)
        TC_FAIL(TC_EINPUT, "%s: the named accounts do not match the graph", sc->path);
    for (int h = 0; h < sc->nhubs; h++) {
        pop->hub_id[h] = nbase + h;
        pop->cls[nbase + h] = TC_CLASS_HUB;
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
    qsort(cand, (size_t)nc, sizeof *cand, cmp_ranked);
    for (int64_t i = 0; i < k; i++) pop->cls[cand[i].id] = TC_CLASS_BOT;
    pop->nbots = k;
    pop->nhumans = nb - k;
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
    memset(pop, 0, sizeof *pop);
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
