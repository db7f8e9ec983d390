/* Who the accounts are: class (human, bot, named hub), community, and the
 * per-class response delays. Built once per run from the scenario and the net. */
#ifndef TC_SIM_POPULATION_H
#define TC_SIM_POPULATION_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "err.h"
#include "graph.h"
#include "net.h"
#include "scenario.h"

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

/* Response delay in seconds of an account of class `cls`, drawn from `r`
 * (already positioned by the caller). */
double tc_population_delay(const tc_population *pop, gsl_rng *r, int cls);

/* Account id of the named account `name`, or -1. */
int32_t tc_population_find(const tc_population *pop, const tc_scenario *sc,
                           const char *name);

#endif
