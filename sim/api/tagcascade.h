/* The C library of tagcascade: load a scenario file, run it, write its HDF5
 * file and read its outcome, through one opaque handle. The one header the
 * library installs (#include <tagcascade.h>, `pkg-config tagcascade`);
 * docs/c-api.md. SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef TC_SIM_TAGCASCADE_H
#define TC_SIM_TAGCASCADE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the shared library exports: these functions and nothing else. */
#ifndef TC_API
#if defined(__GNUC__)
#define TC_API __attribute__((visibility("default")))
#else
#define TC_API
#endif
#endif

/* Return codes of every function that returns an int: the same numbers as the
 * program's exit codes. On a failure tc_sim_error() says what went wrong. */
enum {
    TC_SIM_OK = 0,       /* done */
    TC_SIM_ERUNTIME = 1, /* a runtime failure: a file that cannot be written, a full disk */
    TC_SIM_EINPUT = 2    /* bad input: the scenario, an override, an argument */
};

/* A simulation: a scenario loaded from a file, and the outcome of its last run.
 * Opaque; made by tc_sim_alloc, released by tc_sim_free. One thread at a time
 * per handle; handles on different threads may run at once (their graph
 * builds and file writes take turns: igraph is not thread-safe, nor is every
 * HDF5). Errors come back as return codes; only running out of memory ends
 * the process (exit status 1, with the size asked on standard error), as it
 * ends the program. */
typedef struct tc_sim tc_sim;

/* The library's version, "MAJOR.MINOR.PATCH" (the program's `--version`). */
TC_API const char *tc_version(void);

/* A new handle with no scenario, or NULL when memory runs out. The first call
 * in a process turns off the default error handlers of igraph, GSL and HDF5
 * (which abort or print) for the whole process: their failures come back
 * through this library's return codes; and, unless the program has used HDF5
 * before, HDF5 no longer closes itself at exit, so a program that also writes
 * HDF5 files closes them itself. */
TC_API tc_sim *tc_sim_alloc(void);

/* Release a handle and everything it holds; accepts NULL. */
TC_API void tc_sim_free(tc_sim *s);

/* Load, override and check the scenario file at `path` (docs/scenario.md), as
 * `tagcascade run PATH --set KEY=VALUE...` does: sets[0..nsets-1] are
 * "KEY=VALUE" overrides (e.g. "model.p=0.05"; sets may be NULL when nsets is
 * 0), applied before the checks. Replaces a scenario loaded before and forgets
 * the last run's outcome. A scenario with a sweep section is refused (run it
 * with `tagcascade sweep`). TC_SIM_EINPUT with "file:line:col: key: ..."
 * naming what is wrong; the handle then holds no scenario. */
TC_API int tc_sim_load(tc_sim *s, const char *path, const char *const *sets, int nsets);

/* Replace the loaded scenario's seed (what `--seed S` does): the graph and
 * every random draw of the next run come from it. TC_SIM_EINPUT when no
 * scenario is loaded. */
TC_API int tc_sim_set_seed(tc_sim *s, uint64_t seed);

/* OpenMP threads for the next runs (default: OMP_NUM_THREADS, else every
 * core), from 1 to 4096. The outcome does not depend on it. TC_SIM_EINPUT
 * outside that range. */
TC_API int tc_sim_set_threads(tc_sim *s, int threads);

/* Build the scenario's graph and people and run it to the end. With `out` not
 * NULL, write the run's HDF5 file there (docs/hdf5.md; written under a
 * temporary name and renamed when complete, so nothing is left under `out` on
 * failure), the same datasets as `tagcascade run SCENARIO -o OUT` with the same
 * seed; with NULL, keep only the outcome (tc_sim_metric). Blocks until the run
 * is over. TC_SIM_EINPUT when no scenario is loaded, `out` cannot be created
 * or is the scenario or its graph file, or the graph does not fit the
 * scenario; TC_SIM_ERUNTIME when the file cannot be written. */
TC_API int tc_sim_run(tc_sim *s, const char *out);

/* The outcome of the last successful run: the metric `name` into *value. The
 * names are those of a sweep file's /sweep/metrics (docs/hdf5.md), e.g.
 * "reach" (accounts that used the hashtag), "posts", "reshares", "volume",
 * "peak_t" (seconds), "bot_share_volume"; counts are exact as doubles.
 * TC_SIM_EINPUT for an unknown name (the message lists the names) or before a
 * run. */
TC_API int tc_sim_metric(tc_sim *s, const char *name, double *value);

/* The name of metric i (from 0), NULL past the last: for listing them all. */
TC_API const char *tc_sim_metric_name(int i);

/* The message of the last call on `s` that returned an error code (one line,
 * no newline, without the program's "tagcascade: " prefix), "" after a call
 * that succeeded. Owned by the handle, valid until its next call. */
TC_API const char *tc_sim_error(const tc_sim *s);

#ifdef __cplusplus
}
#endif

#endif
