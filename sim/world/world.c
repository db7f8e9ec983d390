/* Wiring the modules together for one run. */
#include "drive/run.h"

#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "graph/graph.h"
#include "graph/netload.h"

uint64_t tc_run_world_key(uint64_t seed) { return tc_rng_derive(seed, 1, 0); }
uint64_t tc_run_key(uint64_t seed, uint32_t run) { return tc_rng_derive(seed, 2, run); }

uint64_t tc_run_key_at(uint64_t seed, int64_t p, int64_t r)
{
    return tc_rng_derive(seed, (uint32_t)(2 + p), (uint32_t)r);
}

int tc_world_build_graph(tc_world *w, const tc_scenario *sc, tc_err *err)
{
    int rc = TC_OK;
    tc_edges g;
    uint64_t key = tc_run_world_key(sc->seed);
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
                               tc_run_world_key(sc->seed), err));
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

int tc_run_simulate(const tc_world *w, const tc_scenario *sc, uint64_t key, int threads,
                    tc_engine *e, tc_recorder *rec, tc_summary *sum, tc_progress_fn progress,
                    void *ctx, tc_err *err)
{
    int rc = TC_OK;
    int64_t per = sc->time.interval_ms / sc->time.dt_ms;
    int64_t T = (sc->time.duration_ms + sc->time.interval_ms - 1) / sc->time.interval_ms;
    tc_recorder_init(rec, T, w->pop.ncomm, sc->time.interval_ms / 1000.0);
    TC_TRY(tc_engine_init(e, &w->net, &w->pop, &w->tl, sc->model, sc->mpar, rec, key,
                          sc->time.dt_ms / 1000.0, sc->time.duration_ms / 1000.0, per, threads,
                          sc->output.cascade, err));
    e->fast_off = sc->engine.fast_path == TC_FAST_OFF;
    while (tc_engine_step(e))
        if (progress && progress(ctx, e)) TC_FAIL(TC_ERUNTIME, "interrupted; no output written");
    tc_engine_finish(e, sum);
cleanup:
    return rc;
}
