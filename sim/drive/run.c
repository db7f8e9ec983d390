/* Wiring the modules together for one run: the run keys, and the engine's
 * alloc/step/finish loop over a built world. */
#include "drive/run.h"

#include "base/rng.h"

uint64_t tc_run_key(uint64_t seed, uint32_t run) { return tc_rng_derive(seed, 2, run); }

uint64_t tc_run_key_at(uint64_t seed, int64_t p, int64_t r)
{
    return tc_rng_derive(seed, (uint32_t)(2 + p), (uint32_t)r);
}

int tc_run_simulate(const tc_world *w, const tc_scenario *sc, uint64_t key, int threads,
                    tc_engine **e, tc_recorder *rec, tc_summary *sum, tc_progress_fn progress,
                    void *ctx, tc_err *err)
{
    int rc = TC_OK;
    int64_t T = (sc->time.duration_ms + sc->time.interval_ms - 1) / sc->time.interval_ms;
    tc_engine_opts o = {.dt = sc->time.dt_ms / 1000.0,
                        .horizon = sc->time.duration_ms / 1000.0,
                        .per_interval = sc->time.interval_ms / sc->time.dt_ms,
                        .threads = threads,
                        .record_cascade = sc->output.cascade,
                        .fast_path = sc->engine.fast_path != TC_FAST_OFF};
    *e = NULL;
    tc_recorder_init(rec, T, w->pop.ncomm, sc->time.interval_ms / 1000.0);
    TC_TRY(tc_engine_alloc(e, &w->net, &w->pop, &w->tl, sc->model, sc->mpar, rec, key, &o, err));
    while (tc_engine_step(*e))
        if (progress && progress(ctx, *e)) TC_FAIL(TC_ERUNTIME, "interrupted; no output written");
    tc_engine_finish(*e, sum);
cleanup:
    return rc;
}
