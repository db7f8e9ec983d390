/* Counter storage for the time series. */
#include "engine/recorder.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

const char *const tc_counter_names[TC_NCOUNTERS] = {"posts", "reshares", "new_adopters",
                                                    "new_exposed", "own_posts"};

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

void tc_recorder_active_bots(tc_recorder *rec, const tc_population *pop, const tc_timeline *tl,
                             double horizon, const int64_t (*removed)[TC_MAX_GROUPS])
{
    if (!rec->active_bots) return;
    for (int64_t i = 0; i < rec->T; i++) {
        double end = (double)(i + 1) * rec->interval_s;
        if (end > horizon) end = horizon;
        int64_t n = 0;
        int ng = pop->grp ? pop->ngroups : 1;
        for (int g = 0; g < ng; g++) {
            if (pop->grp && tl->act[g] >= end) continue;
            n += pop->grp ? pop->gsize[g] : pop->nbots;
            for (int k = 0; removed && k < tl->n && tl->ev[k].t < end; k++) n -= removed[k][g];
        }
        rec->active_bots[i] = n;
    }
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
