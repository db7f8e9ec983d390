/* Writing a run to HDF5 (schema in docs/hdf5.md): /meta provenance, /series per
 * output interval, /summary, optional /cascade. Written under a temporary name in
 * the destination folder and renamed when complete. */
#ifndef TC_SIM_H5OUT_H
#define TC_SIM_H5OUT_H

#include "engine.h"
#include "err.h"
#include "import.h"
#include "net.h"
#include "population.h"
#include "recorder.h"
#include "scenario.h"
#include "timeline.h"

#define TC_SCHEMA_VERSION 1

typedef struct tc_run_info {
    const tc_scenario *sc;
    const tc_net *net;
    const tc_population *pop;
    const tc_timeline *tl;
    const tc_recorder *rec;
    const tc_summary *sum;
    const tc_engine *engine;
    int threads, ranks;
    double wall_s;
    const char *command;
} tc_run_info;

/* Fail early (TC_EINPUT) if `path` cannot be created: its folder is missing or
 * not writable, or it names a folder. Checked before a run starts. */
int tc_h5out_check_dest(const char *path, tc_err *err);

/* Write the run to `path` (atomically: temporary file, then rename). On failure
 * nothing is left under `path` nor under the temporary name. TC_ERUNTIME. */
int tc_h5out_write_run(const char *path, const tc_run_info *ri, tc_err *err);

/* Write observed cascades (kind "observed"; docs/hdf5.md), atomically. */
int tc_h5out_write_observed(const char *path, const tc_observed *o, const char *command,
                            tc_err *err);

#endif
