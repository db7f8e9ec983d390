/* One run from a loaded scenario over a built world (world/world.h): the run
 * keys, and the engine's init/step/finish loop driven to the end. */
#ifndef TC_SIM_RUN_H
#define TC_SIM_RUN_H

#include <signal.h>

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

/* The lanes path's names for replicate r of point p (engine/lanes.h): the key
 * of its block of 64 replicates, tc_run_key_at(seed, p, r & ~63), and its lane
 * in the block, r & 63. */
void tc_run_lane(uint64_t seed, int64_t p, int64_t r, uint64_t *lane_key, int *lane);

/* The engine's options for a run of sc on `threads` threads; *T receives the
 * number of output intervals. */
void tc_run_opts(const tc_scenario *sc, int threads, tc_engine_opts *o, int64_t *T);

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

/* tc_run_simulate for a run that the lanes path names by (lane_key, lane)
 * (tc_run_lane); tc_run_simulate is this with (key, 0). Other engines use key. */
int tc_run_simulate_lane(const tc_world *w, const tc_scenario *sc, uint64_t key,
                         uint64_t lane_key, int lane, int threads, tc_engine **e,
                         tc_recorder *rec, tc_summary *sum, tc_progress_fn progress, void *ctx,
                         tc_err *err);

/* tc_run_simulate_lane in the engine of an earlier run: *e, NULL or an engine
 * left by an earlier call (owned by the caller; the world and scenario it ran
 * need no longer be alive), is reused (tc_engine_reuse) or replaced, so that a
 * thread running many runs keeps one engine. Results as tc_run_simulate_lane,
 * bit for bit. *e on return as there: the caller's, also on failure, to pass
 * to the next call or to tc_engine_free. */
int tc_run_simulate_reuse(const tc_world *w, const tc_scenario *sc, uint64_t key,
                          uint64_t lane_key, int lane, int threads, tc_engine **e,
                          tc_recorder *rec, tc_summary *sum, tc_progress_fn progress, void *ctx,
                          tc_err *err);

/* One finished lane of a batch: its counters, summary and work. A nonzero
 * return (err set) stops the batch with that code. */
typedef int (*tc_lane_fn)(void *ctx, int lane, const tc_recorder *rec, const tc_summary *sum,
                          const tc_work *work, tc_err *err);

/* The replicates of the block keyed lane_key whose lanes are set in `lanes`,
 * as one batch (tc_batch in engine/engine.h; the run must be batchable,
 * tc_batch_lanes > 0, and hold at most that many lanes), each handed to
 * `done` in lane order: the same counters and summary as tc_run_simulate_lane
 * gives each. TC_ERUNTIME with "interrupted" once *stop is set (stop may be
 * NULL). */
int tc_run_batch(const tc_world *w, const tc_scenario *sc, uint64_t lane_key, uint64_t lanes,
                 int threads, tc_lane_fn done, void *ctx, const volatile sig_atomic_t *stop,
                 tc_err *err);

#endif
