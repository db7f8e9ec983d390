/* Resolving the scenario's events against the population. */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

int tc_timeline_build(tc_timeline *tl, const tc_scenario *sc, const tc_population *pop,
                      tc_err *err)
{
    int rc = TC_OK;
    memset(tl, 0, sizeof *tl);
    tl->ev = tc_xcalloc((size_t)sc->nevents + 1, sizeof *tl->ev);
    for (int i = 0; i < sc->nevents; i++) {
        const tc_event_spec *e = &sc->events[i];
        tc_tevent *x = &tl->ev[i];
        x->t = e->t;
        x->kind = e->kind;
        x->label = e->label;
        x->account_name = e->account;
        x->account = tc_population_find(pop, sc, e->account);
        if (x->account < 0)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: events.%d: unknown account '%s'", e->account_at.file,
                    e->account_at.line, e->account_at.col, i, e->account);
        tl->n++;
    }
cleanup:
    if (rc) tc_timeline_destroy(tl);
    return rc;
}

void tc_timeline_destroy(tc_timeline *tl)
{
    if (!tl) return;
    free(tl->ev);
    memset(tl, 0, sizeof *tl);
}
