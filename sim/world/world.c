/* Building the world of a scenario: graph -> net and communities, then the
 * population and the timeline over them. */
#include "world/world.h"

#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "graph/graph.h"
#include "graph/netload.h"

uint64_t tc_world_key(uint64_t seed) { return tc_rng_derive(seed, 1, 0); }

int tc_world_build_graph(tc_world *w, const tc_scenario *sc, tc_err *err)
{
    int rc = TC_OK;
    tc_edges g;
    uint64_t key = tc_world_key(sc->seed);
    memset(w, 0, sizeof *w);
    memset(&g, 0, sizeof g);
    if (tc_netload_applies(sc)) {
        TC_TRY(tc_netload_build(&w->net, &g, sc, key, err));
    } else {
        TC_TRY(tc_graph_build(&g, sc, key, err));
        TC_TRY(tc_net_from_edges(&w->net, g.n, g.m, g.src, g.dst, err));
    }
    w->nbase = g.nbase;
    w->ncomm = g.ncomm;
    w->comm = g.comm;
    w->comm_names = g.comm_names;
    g.comm = NULL;
    g.comm_names = NULL;
cleanup:
    tc_graph_destroy(&g);
    if (rc) tc_world_destroy(w);
    return rc;
}

int tc_world_build_people(const tc_world *w, const tc_scenario *sc, tc_population *pop,
                          tc_timeline *tl, tc_err *err)
{
    int rc = TC_OK;
    memset(tl, 0, sizeof *tl);
    TC_TRY(tc_population_build(pop, sc, w->nbase, w->comm, w->ncomm,
                               (const char(*)[TC_NAME_MAX])w->comm_names, &w->net,
                               tc_world_key(sc->seed), err));
    rc = tc_timeline_build(tl, sc, pop, err);
    if (rc) tc_population_destroy(pop);
cleanup:
    return rc;
}

int tc_world_build(tc_world *w, const tc_scenario *sc, tc_err *err)
{
    int rc = tc_world_build_graph(w, sc, err);
    if (rc) return rc;
    rc = tc_world_build_people(w, sc, &w->pop, &w->tl, err);
    if (rc) tc_world_destroy(w);
    return rc;
}

void tc_world_destroy(tc_world *w)
{
    if (!w) return;
    tc_timeline_destroy(&w->tl);
    tc_population_destroy(&w->pop);
    tc_net_destroy(&w->net);
    free(w->comm);
    free(w->comm_names);
    memset(w, 0, sizeof *w);
}
