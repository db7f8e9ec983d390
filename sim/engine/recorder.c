/* Counter storage for the time series. */
#include "engine/recorder.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

const char *const tc_counter_names[TC_NCOUNTERS] = {"posts", "reshares", "new_adopters",
                                                    "new_exposed"};

void tc_recorder_init(tc_recorder *rec, int64_t T, int ncomm, double interval_s)
{
    memset(rec, 0, sizeof *rec);
    rec->T = T;
    rec->ncomm = ncomm;
    rec->interval_s = interval_s;
    rec->by_class = tc_xcalloc((size_t)(TC_NCOUNTERS * T * 2), sizeof(int64_t));
    rec->by_comm = tc_xcalloc((size_t)(TC_NCOUNTERS * T * ncomm), sizeof(int64_t));
    rec->trending = tc_xcalloc((size_t)(T ? T : 1), 1);
    rec->active_bots = tc_xcalloc((size_t)(T ? T : 1), sizeof(int64_t));
}

void tc_recorder_compartments(tc_recorder *rec, int nstates, const char *const *names)
{
    free(rec->compartments); /* NULL unless given before */
    rec->nstates = nstates;
    rec->state_names = names;
    rec->compartments = tc_xcalloc((size_t)(rec->T ? rec->T : 1) * (size_t)nstates,
                                   sizeof(int64_t));
}

void tc_recorder_destroy(tc_recorder *rec)
{
    if (!rec) return;
    free(rec->compartments);
    free(rec->by_class);
    free(rec->by_comm);
    free(rec->trending);
    free(rec->active_bots);
    memset(rec, 0, sizeof *rec);
}
