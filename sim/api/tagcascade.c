/* The C library's functions (api/tagcascade.h) over the same calls as
 * `tagcascade run`: scenario load, world build, run, HDF5 writer. The only
 * symbols the shared library exports. */
#include "api/tagcascade.h"

#include <omp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/err.h"
#include "base/path.h"
#include "base/version.h"
#include "drive/run.h"
#include "drive/sweep.h"
#include "engine/engine.h"
#include "engine/recorder.h"
#include "input/scenario.h"
#include "io/h5out.h"
#include "world/world.h"

_Static_assert((int)TC_SIM_OK == (int)TC_OK && (int)TC_SIM_ERUNTIME == (int)TC_ERUNTIME &&
                   (int)TC_SIM_EINPUT == (int)TC_EINPUT,
               "the library's return codes are the program's");

struct tc_sim {
    tc_scenario sc;
    int have_sc;
    char *command; /* /meta's command: how the scenario was loaded */
    int threads;   /* 0: omp_get_max_threads() at the run */
    double *metric; /* [tc_sweep_nmetrics] of the last run; NULL: no run */
    tc_err err;
};

static pthread_once_t errors_off_once = PTHREAD_ONCE_INIT;

const char *tc_version(void) { return TC_VERSION; }

tc_sim *tc_sim_alloc(void)
{
    pthread_once(&errors_off_once, tc_lib_errors_off);
    return calloc(1, sizeof(tc_sim));
}

/* Forget the scenario and the outcome. */
static void sim_clear(tc_sim *s)
{
    if (s->have_sc) tc_scenario_destroy(&s->sc);
    s->have_sc = 0;
    free(s->command);
    s->command = NULL;
    free(s->metric);
    s->metric = NULL;
}

void tc_sim_free(tc_sim *s)
{
    if (!s) return;
    sim_clear(s);
    free(s);
}

/* "libtagcascade 0.2.0: tc_sim_load PATH --set K=V ...", the provenance a run
 * file keeps in /meta's command (the program keeps its command line there). */
static char *load_command(const char *path, const char *const *sets, int nsets)
{
    size_t n = strlen(path) + 64;
    for (int i = 0; i < nsets; i++) n += strlen(sets[i]) + 7;
    char *c = tc_xmalloc(n);
    int k = snprintf(c, n, "libtagcascade %s: tc_sim_load %s", TC_VERSION, path);
    for (int i = 0; i < nsets && k >= 0 && (size_t)k < n; i++)
        k += snprintf(c + k, n - (size_t)k, " --set %s", sets[i]);
    return c;
}

int tc_sim_load(tc_sim *s, const char *path, const char *const *sets, int nsets)
{
    if (!s) return TC_EINPUT;
    tc_err *err = &s->err;
    int rc = TC_OK;
    memset(err, 0, sizeof *err);
    sim_clear(s);
    if (!path) TC_FAIL(TC_EINPUT, "tc_sim_load: no scenario path");
    if (nsets < 0 || (nsets > 0 && !sets))
        TC_FAIL(TC_EINPUT, "tc_sim_load: %d overrides, but %s", nsets,
                nsets < 0 ? "a count cannot be negative" : "no array of them");
    for (int i = 0; i < nsets; i++)
        if (!sets[i]) TC_FAIL(TC_EINPUT, "tc_sim_load: override %d of %d is NULL", i, nsets);
    TC_TRY(tc_scenario_load(&s->sc, path, sets, nsets, err));
    s->have_sc = 1;
    if (s->sc.sweep_at.file)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep: this scenario is a sweep, and the library runs "
                "one scenario; run the sweep with `tagcascade sweep %s`", s->sc.sweep_at.file,
                s->sc.sweep_at.line, s->sc.sweep_at.col, path);
    s->command = load_command(path, sets, nsets);
cleanup:
    if (rc) sim_clear(s);
    return rc;
}

int tc_sim_set_seed(tc_sim *s, uint64_t seed)
{
    if (!s) return TC_EINPUT;
    tc_err *err = &s->err;
    int rc = TC_OK;
    memset(err, 0, sizeof *err);
    if (!s->have_sc) TC_FAIL(TC_EINPUT, "tc_sim_set_seed: no scenario loaded (tc_sim_load)");
    /* the seed is read only when the world is built and the run keyed
     * (world/world.h, drive/run.h), so this is `--set seed=S` */
    s->sc.seed = seed;
cleanup:
    return rc;
}

int tc_sim_set_threads(tc_sim *s, int threads)
{
    if (!s) return TC_EINPUT;
    tc_err *err = &s->err;
    int rc = TC_OK;
    memset(err, 0, sizeof *err);
    if (threads < 1 || threads > 4096)
        TC_FAIL(TC_EINPUT, "tc_sim_set_threads: expected 1 to 4096 threads, got %d", threads);
    s->threads = threads;
cleanup:
    return rc;
}

int tc_sim_run(tc_sim *s, const char *out)
{
    if (!s) return TC_EINPUT;
    tc_err *err = &s->err;
    int rc = TC_OK, have_w = 0;
    tc_world w;
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary sum;
    memset(err, 0, sizeof *err);
    memset(&rec, 0, sizeof rec);
    memset(&sum, 0, sizeof sum);
    free(s->metric);
    s->metric = NULL;
    if (!s->have_sc) TC_FAIL(TC_EINPUT, "tc_sim_run: no scenario loaded (tc_sim_load)");
    const tc_scenario *sc = &s->sc;
    if (out) {
        TC_TRY(tc_h5out_check_dest(out, err));
        const char *inputs[2] = {sc->path, sc->graph.file};
        TC_TRY(tc_path_check_output(out, inputs, sc->graph.file ? 2 : 1, err));
    }
    int threads = s->threads ? s->threads : omp_get_max_threads();
    double t0 = tc_clock_now();
    /* igraph keeps its error state in globals, and an HDF5 built without
     * thread safety has no lock of its own (graph stores are HDF5 files): the
     * builds and writes of handles on several threads take turns */
#pragma omp critical(tc_api_libraries)
    {
        /* the build's own parallel parts on the handle's threads too */
        int was = omp_get_max_threads();
        omp_set_num_threads(threads);
        rc = tc_world_build(&w, sc, err);
        omp_set_num_threads(was);
    }
    if (rc) goto cleanup;
    have_w = 1;
    TC_TRY(tc_run_simulate(&w, sc, tc_run_key(sc->seed, 0), threads, &e, &rec, &sum, NULL, NULL,
                           err));
    if (out) {
        tc_run_info ri = {.sc = sc, .net = &w.net, .pop = &w.pop, .tl = &w.tl, .rec = &rec,
                          .sum = &sum, .engine = e, .threads = threads, .ranks = 1,
                          .wall_s = tc_clock_now() - t0, .command = s->command};
#pragma omp critical(tc_api_libraries)
        rc = tc_h5out_write_run(out, &ri, err);
        if (rc) goto cleanup;
    }
    tc_work work;
    tc_engine_work(e, &work);
    s->metric = tc_xcalloc((size_t)tc_sweep_nmetrics, sizeof *s->metric);
    tc_sweep_metrics_of(&sum, work.examined, s->metric);
cleanup:
    tc_summary_destroy(&sum);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    if (have_w) tc_world_destroy(&w);
    return rc;
}

int tc_sim_metric(tc_sim *s, const char *name, double *value)
{
    if (!s) return TC_EINPUT;
    tc_err *err = &s->err;
    int rc = TC_OK;
    memset(err, 0, sizeof *err);
    if (!s->metric) TC_FAIL(TC_EINPUT, "tc_sim_metric: no run yet (tc_sim_run)");
    for (int i = 0; name && i < tc_sweep_nmetrics; i++)
        if (!strcmp(name, tc_sweep_metrics[i])) {
            if (value) *value = s->metric[i];
            return TC_OK;
        }
    /* an unknown name: say which ones there are */
    int k = snprintf(err->msg, sizeof err->msg, "tc_sim_metric: unknown metric '%.64s'; the metrics:",
                     name ? name : "(null)");
    for (int i = 0; i < tc_sweep_nmetrics && k > 0 && (size_t)k < sizeof err->msg; i++)
        k += snprintf(err->msg + k, sizeof err->msg - (size_t)k, "%s %s", i ? "," : "",
                      tc_sweep_metrics[i]);
    err->code = rc = TC_EINPUT;
cleanup:
    return rc;
}

const char *tc_sim_metric_name(int i)
{
    return i >= 0 && i < tc_sweep_nmetrics ? tc_sweep_metrics[i] : NULL;
}

const char *tc_sim_error(const tc_sim *s)
{
    return s ? s->err.msg : "no handle (tc_sim_alloc returned NULL: out of memory)";
}
