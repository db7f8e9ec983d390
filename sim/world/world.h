/* The world of one scenario: the graph (net and communities) and the people
 * (population and timeline) that every run over it reads and never writes. */
#ifndef TC_SIM_WORLD_H
#define TC_SIM_WORLD_H

#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "graph/net.h"
#include "input/scenario.h"
#include "world/population.h"
#include "world/timeline.h"

/* Everything a run reads and never writes: shared read-only by many runs.
 * The graph part (net and communities) depends only on the seed, graph.* and
 * accounts.*; the people part (population, timeline) is cheap to rebuild for
 * each sweep point over one graph. */
typedef struct tc_world {
    tc_net net;
    int32_t nbase;                   /* accounts before the named hubs */
    int ncomm;
    uint16_t *comm;                  /* community of each account */
    char (*comm_names)[TC_NAME_MAX];
    tc_population pop;
    tc_timeline tl;
} tc_world;

/* The key every draw of the world's build is keyed under: Philox(seed, 1, 0)
 * (the runs' keys, drive/run.h, use 2 + point). Part of the output's
 * definition. */
uint64_t tc_world_key(uint64_t seed);

/* Graph and people: the world of one scenario, owned by the caller
 * (tc_world_destroy). Returns TC_OK, or TC_EINPUT / TC_ERUNTIME with `err` set
 * and *w left zeroed. */
int tc_world_build(tc_world *w, const tc_scenario *sc, tc_err *err);

/* Free what a world holds; accepts NULL and a zeroed world. */
void tc_world_destroy(tc_world *w);

/* The graph part only (w->pop and w->tl left empty); as tc_world_build. */
int tc_world_build_graph(tc_world *w, const tc_scenario *sc, tc_err *err);

/* The people part of scenario `sc` over the graph of `w` (built from a scenario
 * with the same graph signature): a population and a timeline of one's own. */
int tc_world_build_people(const tc_world *w, const tc_scenario *sc, tc_population *pop,
                          tc_timeline *tl, tc_err *err);

#endif
