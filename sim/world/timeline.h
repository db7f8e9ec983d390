/* The scenario's timed events resolved to account ids, in time order: posts by
 * named accounts and the interventions (silence, damping, takedown, debunk, bot
 * waves, press coverage). */
#ifndef TC_SIM_TIMELINE_H
#define TC_SIM_TIMELINE_H

#include <stdint.h>

#include "base/err.h"
#include "input/scenario.h"
#include "world/population.h"

typedef struct tc_tevent {
    double t;           /* seconds since start */
    tc_event_kind kind;
    int32_t account;    /* post: the author; -1 when the event names none */
    const char *label;  /* borrowed from the scenario */
    const char *account_name;
    double until;       /* silence, damping, press: end, INFINITY = the end of the run */
    tc_who who;         /* silence, damping, debunk, press */
    int comm;           /* community, -1 = all */
    int naccounts;      /* silence: named accounts, then who and comm are unused */
    int32_t *accounts;  /* owned */
    double factor, recall, fpr, reach;
    double probability; /* press: chance that a session shows the tag */
    int group;          /* bot_wave */
} tc_tevent;

typedef struct tc_timeline {
    int n;
    tc_tevent *ev;      /* sorted by t; ties keep the scenario's order */
    double act[TC_MAX_GROUPS]; /* time each bot group becomes active */
} tc_timeline;

int tc_timeline_build(tc_timeline *tl, const tc_scenario *sc, const tc_population *pop,
                      tc_err *err);
void tc_timeline_destroy(tc_timeline *tl);

/* Does event x's whom (who, community, named accounts) cover account v? O(named
 * accounts). */
int tc_timeline_covers(const tc_tevent *x, const tc_population *pop, int32_t v);

/* Does event x's `who` and community cover an account of class cls (TC_CLASS_*)
 * in community comm? The named accounts are not looked at (tc_timeline_covers
 * does: an event that names accounts covers only those). O(1). */
int tc_timeline_covers_class(const tc_tevent *x, int cls, int comm);

#endif
