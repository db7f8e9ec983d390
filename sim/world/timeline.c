/* Resolving the scenario's events against the population. */
#include "world/timeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int tc_timeline_covers_class(const tc_tevent *x, int cls, int comm)
{
    if (x->comm >= 0 && comm != x->comm) return 0;
    switch (x->who) {
    case TC_WHO_ALL: return 1;
    case TC_WHO_PEOPLE: return cls != TC_CLASS_BOT;
    case TC_WHO_HUMANS: return cls == TC_CLASS_HUMAN;
    case TC_WHO_BOTS: return cls == TC_CLASS_BOT;
    case TC_WHO_HUBS: return cls == TC_CLASS_HUB;
    }
    return 0;
}

int tc_timeline_covers(const tc_tevent *x, const tc_population *pop, int32_t v)
{
    if (x->naccounts) {
        for (int j = 0; j < x->naccounts; j++)
            if (x->accounts[j] == v) return 1;
        return 0;
    }
    return tc_timeline_covers_class(x, pop->cls[v], pop->comm[v]);
}

int tc_timeline_build(tc_timeline *tl, const tc_scenario *sc, const tc_population *pop,
                      tc_err *err)
{
    int rc = TC_OK;
    memset(tl, 0, sizeof *tl);
    tl->ev = tc_xcalloc((size_t)sc->nevents + 1, sizeof *tl->ev);
    double wave[TC_MAX_GROUPS];
    for (int g = 0; g < TC_MAX_GROUPS; g++) wave[g] = INFINITY;
    for (int i = 0; i < sc->nevents; i++) {
        const tc_event_spec *e = &sc->events[i];
        tc_tevent *x = &tl->ev[i];
        x->t = e->t;
        x->kind = e->kind;
        x->label = e->label;
        x->account = -1;
        x->account_name = "";
        x->until = e->until;
        x->who = e->who;
        x->comm = -1;
        x->factor = e->factor;
        x->recall = e->recall;
        x->fpr = e->fpr;
        x->reach = e->reach;
        x->probability = e->probability;
        x->group = -1;
        tl->n++;
        if (e->kind == TC_EV_POST) {
            x->account_name = e->account;
            x->account = tc_population_find(pop, sc, e->account);
            if (x->account < 0)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: events.%d: unknown account '%s'",
                        e->account_at.file, e->account_at.line, e->account_at.col, i, e->account);
        }
        if (e->kind == TC_EV_BOT_WAVE) {
            x->account_name = e->account;
            for (int g = 0; g < sc->bots.ngroups; g++)
                if (!strcmp(sc->bots.group[g].name, e->account)) x->group = g;
            if (x->group >= 0 && e->t < wave[x->group]) wave[x->group] = e->t;
        }
        if (e->community[0]) {
            for (int c = 0; c < pop->ncomm; c++)
                if (!strcmp(pop->comm_names[c], e->community)) x->comm = c;
            if (x->comm < 0)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: events.%d: unknown community '%s'",
                        e->community_at.file, e->community_at.line, e->community_at.col, i,
                        e->community);
        }
        if (e->naccounts) {
            x->naccounts = e->naccounts;
            x->accounts = tc_xmalloc((size_t)e->naccounts * sizeof *x->accounts);
            for (int j = 0; j < e->naccounts; j++)
                x->accounts[j] = tc_population_find(pop, sc, e->accounts[j]);
        }
    }
    for (int g = 0; g < sc->bots.ngroups; g++) {
        double from = sc->bots.group[g].active_from_s;
        tl->act[g] = from >= 0 ? from : 0;
        if (isfinite(wave[g])) tl->act[g] = from >= 0 && from < wave[g] ? from : wave[g];
    }
cleanup:
    if (rc) tc_timeline_destroy(tl);
    return rc;
}

void tc_timeline_destroy(tc_timeline *tl)
{
    if (!tl) return;
    for (int i = 0; i < tl->n; i++) free(tl->ev[i].accounts);
    free(tl->ev);
    memset(tl, 0, sizeof *tl);
}
