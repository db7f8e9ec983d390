/* One run from a loaded scenario over a built world (world/world.h): the run
 * keys, and the engine's init/step/finish loop driven to the end. */
#ifndef TC_SIM_RUN_H
#define TC_SIM_RUN_H

#include "base/err.h"
#include "engine/engine.h"
#include "engine/recorder.h"
#include "input/scenario.h"
#include "world/world.h"

/* The key of run `run` of a scenario: Philox(seed, 2, run) (the world's build
 * has its own, tc_world_key). Documented in docs/scenario.md; part of the
 * output's definition. */
uint64_t tc_run_key(uint64_t seed, uint32_t run);

/* The key of replicate r of sweep point p: Philox(seed, 2 + p, r). A plain run
 * is point 0, replicate 0: tc_run_key(seed, r) == tc_run_key_at(seed, 0, r). */
uint64_t tc_run_key_at(uint64_t seed, int64_t p, int64_t r);

/* Called after each engine step; return nonzero to stop the run early. */
typedef int (*tc_progress_fn)(void *ctx, const tc_engine *e);

/* Run the engine to the end. *e (allocated here; NULL if that failed) and `rec`
 * (initialised here) are owned by the caller afterwards (tc_engine_free,
 * tc_recorder_destroy), also on failure; *sum is filled when TC_OK is returned
 * (tc_summary_destroy). Returns TC_ERUNTIME with "interrupted" if `progress`
 * asked to stop. */
int tc_run_simulate(const tc_world *w, const tc_scenario *sc, uint64_t key, int threads,
                    tc_engine **e, tc_recorder *rec, tc_summary *sum, tc_progress_fn progress,
                    void *ctx, tc_err *err);

#endif
