/* One run from a loaded scenario: build the world (graph -> net, population,
 * timeline), then drive the engine's init/step/finish loop. */
#ifndef TC_SIM_RUN_H
#define TC_SIM_RUN_H

#include "base/err.h"
#include "engine/engine.h"
#include "engine/recorder.h"
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

/* Keys derived from the scenario seed: one for building the world, one per run.
 * Documented in docs/scenario.md; part of the output's definition. */
uint64_t tc_run_world_key(uint64_t seed);
uint64_t tc_run_key(uint64_t seed, uint32_t run);

/* The key of replicate r of sweep point p: Philox(seed, 2 + p, r). A plain run
 * is point 0, replicate 0: tc_run_key(seed, r) == tc_run_key_at(seed, 0, r). */
uint64_t tc_run_key_at(uint64_t seed, int64_t p, int64_t r);

/* Graph and people: the world of one scenario. */
int tc_world_build(tc_world *w, const tc_scenario *sc, tc_err *err);
void tc_world_destroy(tc_world *w);

/* The graph part only (w->pop and w->tl left empty). */
int tc_world_build_graph(tc_world *w, const tc_scenario *sc, tc_err *err);

/* The people part of scenario `sc` over the graph of `w` (built from a scenario
 * with the same graph signature): a population and a timeline of one's own. */
int tc_world_build_people(const tc_world *w, const tc_scenario *sc, tc_population *pop,
                          tc_timeline *tl, tc_err *err);

/* Called after each engine step; return nonzero to stop the run early. */
typedef int (*tc_progress_fn)(void *ctx, const tc_engine *e);

/* Run the engine to the end. `e` and `rec` are initialised here and owned by the
 * caller afterwards (tc_engine_destroy, tc_recorder_destroy), also on failure.
 * Returns TC_ERUNTIME with "interrupted" if `progress` asked to stop. */
int tc_run_simulate(const tc_world *w, const tc_scenario *sc, uint64_t key, int threads,
                    tc_engine *e, tc_recorder *rec, tc_summary *sum, tc_progress_fn progress,
                    void *ctx, tc_err *err);

#endif
