/* Who the accounts are: class (human, bot, named hub), community, and the
 * per-class response delays. Built once per run from the scenario and the net. */
#ifndef TC_SIM_POPULATION_H
#define TC_SIM_POPULATION_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "base/err.h"
#include "graph/graph.h"
#include "graph/net.h"
#include "input/scenario.h"

typedef struct tc_population {
    int32_t n;
    uint8_t *cls;          /* TC_CLASS_HUMAN, TC_CLASS_BOT or TC_CLASS_HUB */
    uint16_t *comm;        /* community id */
    int ncomm;
    char (*comm_names)[TC_NAME_MAX];
    int nhubs;
    int32_t *hub_id;       /* account id of named account i (scenario order) */
    int64_t nbots, nhumans;
    double delay_median_s, delay_sigma;   /* humans and hubs: log-normal */
    double bot_delay_min_s, bot_delay_max_s; /* bots: uniform */

    /* reading sessions (people: humans and hubs); off when `sessions` is 0 */
    int sessions;
    double rate[24];       /* sessions per second by local hour */
    int64_t attention;     /* items read per session, 0 = all */
    int64_t start_epoch;   /* UTC seconds at t = 0 */
    int32_t *tz;           /* [ncomm] UTC offset of each community, seconds */
    double *susc;          /* [ncomm] susceptibility of people, NULL = all 1 */
    /* the feed competes: background items per followee and second (0: none),
     * ranking (TC_RANK_*), the feed's window, a background item's mean
     * engagement */
    double background, feed_window_s, engagement;
    int ranking;

    /* own posts: the chance an adopter writes one, people per community and
     * bots; `own_besides` 1: besides resharing, 0: instead; own_on 0: none */
    int own_on, own_besides;
    double *own_p;         /* [ncomm] people */
    double own_p_bot;

    /* appeal: kernel (TC_APPEAL_*) of the age of the item (own_age_post) or of
     * its root, times (1 + items read)^-fatigue; bots too when appeal_all */
    int appeal_kernel, appeal_age_post, appeal_all;
    double appeal_tau_s, appeal_exponent, appeal_beta, appeal_fatigue;

    /* bots: group of each bot (0 for others), the groups, rings */
    uint8_t *grp;
    int ngroups;
    const tc_bot_group *group;   /* borrowed from the scenario */
    int64_t gsize[TC_MAX_GROUPS];
    int32_t mention_id[TC_MAX_GROUPS][TC_MAX_MENTIONS];
    int32_t *leader;       /* ring leader of each account, -1 = none; NULL = no rings */

    /* audience edges added on top of the net: infiltration follows and rings */
    /* the platform: trending (copied from the scenario), off when trend_on is 0 */
    int trend_on;
    double trend_window_s, trend_every_s, trend_threshold, trend_p;

    int64_t *xoff;         /* [n+1], NULL = none */
    int32_t *xdst;
    int64_t xm;
} tc_population;

/* Classes and communities for every account of `net`. `comm` (per account) and
 * `comm_names` (ncomm of them) are copied; accounts nbase .. n-1 are the named
 * hubs. Bots are placed per the scenario with Philox streams under `key`.
 * TC_EINPUT if the bot share leaves no humans or does not fit the chosen
 * community. */
int tc_population_build(tc_population *pop, const tc_scenario *sc, int32_t nbase,
                        const uint16_t *comm, int ncomm,
                        const char (*comm_names)[TC_NAME_MAX], const tc_net *net, uint64_t key,
                        tc_err *err);

void tc_population_destroy(tc_population *pop);

/* Audience size of u: net plus added edges. */
static inline int64_t tc_population_audience(const tc_population *pop, const tc_net *net,
                                             int32_t u)
{
    return tc_net_degree(net, u) + (pop->xoff ? pop->xoff[u + 1] - pop->xoff[u] : 0);
}

/* Followee counts (in-degree over the net and the added edges) of every
 * account: a new array of net->n entries, freed by the caller. O(n + m). */
int32_t *tc_population_followees(const tc_population *pop, const tc_net *net);

/* The same counts into f[net->n], which the caller holds (an engine's array
 * kept from run to run). O(n + m). */
void tc_population_count_followees(const tc_population *pop, const tc_net *net, int32_t *f);

/* Response delay in seconds of an account of class `cls`, drawn from `r`
 * (already positioned by the caller). */
double tc_population_delay(const tc_population *pop, gsl_rng *r, int cls);

/* Account id of the named account `name`, or -1. */
int32_t tc_population_find(const tc_population *pop, const tc_scenario *sc,
                           const char *name);

#endif
