/* Wiring the modules together for one run: the run keys, and the engine's
 * alloc/step/finish loop over a built world, in a new engine or in one kept
 * from run to run. */
#include "drive/run.h"

#include "base/rng.h"

#include <string.h>

uint64_t tc_run_key(uint64_t seed, uint32_t run) { return tc_rng_derive(seed, 2, run); }

uint64_t tc_run_key_at(uint64_t seed, int64_t p, int64_t r)
{
    return tc_rng_derive(seed, (uint32_t)(2 + p), (uint32_t)r);
}

void tc_run_lane(uint64_t seed, int64_t p, int64_t r, uint64_t *lane_key, int *lane)
{
    *lane_key = tc_run_key_at(seed, p, r & ~(int64_t)63);
    *lane = (int)(r & 63);
}

void tc_run_opts(const tc_scenario *sc, int threads, tc_engine_opts *o, int64_t *T)
{
    *T = (sc->time.duration_ms + sc->time.interval_ms - 1) / sc->time.interval_ms;
    *o = (tc_engine_opts){.dt = sc->time.dt_ms / 1000.0,
                          .horizon = sc->time.duration_ms / 1000.0,
                          .per_interval = sc->time.interval_ms / sc->time.dt_ms,
                          .threads = threads,
                          .record_cascade = sc->output.cascade,
                          .skip_exposures = sc->output.exposures_off,
                          .fast_path = sc->engine.fast_path != TC_FAST_OFF};
}

int tc_run_simulate(const tc_world *w, const tc_scenario *sc, uint64_t key, int threads,
                    tc_engine **e, tc_recorder *rec, tc_summary *sum, tc_progress_fn progress,
                    void *ctx, tc_err *err)
{
    return tc_run_simulate_lane(w, sc, key, key, 0, threads, e, rec, sum, progress, ctx, err);
}

int tc_run_simulate_lane(const tc_world *w, const tc_scenario *sc, uint64_t key,
                         uint64_t lane_key, int lane, int threads, tc_engine **e,
                         tc_recorder *rec, tc_summary *sum, tc_progress_fn progress, void *ctx,
                         tc_err *err)
{
    *e = NULL;
    return tc_run_simulate_reuse(w, sc, key, lane_key, lane, threads, e, rec, sum, progress, ctx,
                                 err);
}

int tc_run_simulate_reuse(const tc_world *w, const tc_scenario *sc, uint64_t key,
                          uint64_t lane_key, int lane, int threads, tc_engine **e,
                          tc_recorder *rec, tc_summary *sum, tc_progress_fn progress, void *ctx,
                          tc_err *err)
{
    int rc = TC_OK;
    int64_t T;
    tc_engine_opts o;
    tc_run_opts(sc, threads, &o, &T);
    o.lane_keyed = 1;
    o.lane_key = lane_key;
    o.lane = lane;
    tc_recorder_init(rec, T, w->pop.ncomm, sc->time.interval_ms / 1000.0);
    TC_TRY(tc_engine_reuse(e, &w->net, &w->pop, &w->tl, sc->model, sc->mpar, rec, key, &o, err));
    while (tc_engine_step(*e))
        if (progress && progress(ctx, *e)) TC_FAIL(TC_ERUNTIME, "interrupted; no output written");
    tc_engine_finish(*e, sum);
cleanup:
    return rc;
}

int tc_run_batch(const tc_world *w, const tc_scenario *sc, uint64_t lane_key, uint64_t lanes,
                 int threads, tc_lane_fn done, void *ctx, const volatile sig_atomic_t *stop,
                 tc_err *err)
{
    int rc = TC_OK;
    int64_t T;
    tc_engine_opts o;
    tc_run_opts(sc, threads, &o, &T);
    tc_batch *b = tc_batch_alloc(&w->net, &w->pop, &w->tl, sc->model, sc->mpar, lane_key, lanes,
                                 &o);
    if (!b) TC_FAIL(TC_ERUNTIME, "engine: this run cannot be batched");
    while (tc_batch_step(b))
        if (stop && *stop) TC_FAIL(TC_ERUNTIME, "interrupted; no output written");
    for (int lane = 0; lane < 64 && rc == TC_OK; lane++) {
        if (!(lanes >> lane & 1)) continue;
        tc_recorder rec;
        tc_summary sum;
        tc_work work;
        memset(&sum, 0, sizeof sum);
        tc_recorder_init(&rec, T, w->pop.ncomm, sc->time.interval_ms / 1000.0);
        tc_batch_take(b, lane, &rec, &sum, &work);
        rc = done(ctx, lane, &rec, &sum, &work, err);
        tc_summary_destroy(&sum);
        tc_recorder_destroy(&rec);
    }
cleanup:
    tc_batch_free(b);
    return rc;
}
