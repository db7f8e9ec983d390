/* Fuzz target: scenario text -> tc_scenario_parse (with --set overrides) ->
 * tc_scenario_graph_signature, tc_scenario_dump, and tc_world_build for small
 * generated graphs, whose run is then played (at most 20,000 engine steps):
 * the event engine, its fast paths, the lanes path, the step engine with and
 * without contacts skipped ahead, as the scenario asks; the --set assignments
 * are also applied directly to the parsed YAML tree with tc_ytree_override.
 *
 * Input layout: YAML text, then optionally a 0x00 byte followed by up to four
 * "key=value" assignments separated by newlines.
 *
 *   libFuzzer: make fuzz            replay: tests/cli/test_fuzz_regressions.sh */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "drive/run.h"
#include "world/world.h"
#include "input/scenario.h"
#include "input/ytree.h"

#define MAX_SETS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Only graphs that build in milliseconds: a generator, at most 2000 accounts and
 * about 20000 follows, few and small named accounts. Bigger ones are valid
 * scenarios, just too slow to build thousands of times a second. */
static int small_enough(const tc_scenario *sc)
{
    if (sc->graph.file || sc->graph.generator == TC_GEN_NONE) return 0;
    double n = (double)sc->graph.n;
    if (n < 0 || n > 2000) return 0;
    switch (sc->graph.generator) {
    case TC_GEN_BA:
        if (n * (double)sc->graph.m > 20000) return 0;
        break;
    case TC_GEN_ER:
        if (sc->graph.edges > 20000) return 0;
        break;
    case TC_GEN_SBM: {
        double p = sc->graph.p_in > sc->graph.p_out ? sc->graph.p_in : sc->graph.p_out;
        if (n * n * p > 20000) return 0;
        break;
    }
    case TC_GEN_FF:
        /* forest fire can burn nearly every earlier account */
        if (n > 150) return 0;
        break;
    default: return 0;
    }
    if (sc->nhubs > 100) return 0;
    double hub_edges = 0;
    for (int i = 0; i < sc->nhubs; i++)
        hub_edges += (double)sc->hubs[i].followers + (double)sc->hubs[i].following;
    return hub_edges <= 20000;
}

/* Stop a run after this many engine steps: a scenario of a year in
 * milliseconds is valid, and would take too long thousands of times a second. */
static int enough(void *ctx, const tc_engine *e)
{
    (void)e;
    return ++*(int *)ctx > 20000;
}

/* Play the scenario's run on its world; what it does is not checked, only
 * that it neither crashes nor reports to a sanitizer. */
static void play(const tc_world *w, const tc_scenario *sc)
{
    if (sc->time.duration_ms / sc->time.interval_ms > 100000) return; /* the recorder's rows */
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary sum;
    tc_err err = {0};
    int steps = 0;
    memset(&sum, 0, sizeof sum);
    if (tc_run_simulate(w, sc, tc_run_key(sc->seed, 0), 1, &e, &rec, &sum, enough, &steps,
                        &err) == TC_OK)
        tc_summary_destroy(&sum);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
}

static void fuzz_overrides(const char *text, char **sets, int nsets)
{
    tc_err err = {0};
    tc_ynode *root = NULL;
    if (tc_ytree_parse("fuzz.yaml", text, &root, &err) != TC_OK) {
        err.code = 0;
        if (tc_ytree_parse("fuzz.yaml", "", &root, &err) != TC_OK) return;
    }
    for (int i = 0; i < nsets; i++) {
        tc_err e = {0};
        (void)tc_ytree_override(root, sets[i], &e);
    }
    tc_ytree_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static FILE *devnull;
    if (!ready) {
        tc_lib_errors_off();
        devnull = fopen("/dev/null", "w");
        ready = 1;
    }
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';

    /* the text ends at the first NUL; after it come the assignments */
    char *sets[MAX_SETS];
    int nsets = 0;
    size_t tl = strlen(buf);
    if (tl < size) {
        char *p = buf + tl + 1;
        while (nsets < MAX_SETS && p <= buf + size) {
            sets[nsets++] = p;
            char *nl = strchr(p, '\n');
            if (!nl) break;
            *nl = '\0';
            p = nl + 1;
        }
    }

    tc_scenario sc;
    tc_err err = {0};
    if (tc_scenario_parse(&sc, "fuzz.yaml", buf, (const char *const *)sets, nsets, &err) ==
        TC_OK) {
        /* what a loaded scenario is used for besides the world: its signature and
         * the YAML of every resolved value (/meta/resolved) */
        (void)tc_scenario_graph_signature(&sc);
        if (devnull) tc_scenario_dump(&sc, devnull);
        if (small_enough(&sc)) {
            tc_world w;
            tc_err werr = {0};
            if (tc_world_build(&w, &sc, &werr) == TC_OK) {
                play(&w, &sc);
                tc_world_destroy(&w);
            }
        }
    }
    tc_scenario_destroy(&sc); /* also after a failed parse, which leaves it zeroed */
    if (nsets) fuzz_overrides(buf, sets, nsets);
    free(buf);
    return 0;
}
