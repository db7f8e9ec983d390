/* The scenario's timed events resolved to account ids, in time order. */
#ifndef TC_SIM_TIMELINE_H
#define TC_SIM_TIMELINE_H

#include <stdint.h>

#include "err.h"
#include "population.h"
#include "scenario.h"

typedef struct tc_tevent {
    double t;           /* seconds since start */
    tc_event_kind kind;
    int32_t account;    /* -1 when the event names none */
    const char *label;  /* borrowed from the scenario */
    const char *account_name;
} tc_tevent;

typedef struct tc_timeline {
    int n;
    tc_tevent *ev; /* sorted by t; ties keep the scenario's order */
} tc_timeline;

int tc_timeline_build(tc_timeline *tl, const tc_scenario *sc, const tc_population *pop,
                      tc_err *err);
void tc_timeline_destroy(tc_timeline *tl);

#endif
