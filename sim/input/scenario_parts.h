/* The scenario loader's sections, one file each (input/scenario_*.c), and what
 * they share; used only by those files. Each section's loader fills its part of
 * *sc from the tree's top-level mapping `root` (TC_OK or TC_EINPUT with `err`
 * set); its dump writes the part back as YAML, in the order tc_scenario_dump
 * gives. */
#ifndef TC_SIM_SCENARIO_PARTS_H
#define TC_SIM_SCENARIO_PARTS_H

#include <stdio.h>

#include "input/scenario.h"
#include "input/schema.h"

/* input/scenario_graph.c: graph, accounts */
int tc_scenario_load_graph(tc_err *err, tc_scenario *sc, const tc_ynode *root);
void tc_scenario_dump_graph(const tc_scenario *sc, FILE *f);
int tc_scenario_load_accounts(tc_err *err, tc_scenario *sc, const tc_ynode *root);
void tc_scenario_dump_accounts(const tc_scenario *sc, FILE *f);

/* input/scenario_population.c: population (humans, bots and their groups) */
int tc_scenario_load_population(tc_err *err, tc_scenario *sc, const tc_ynode *root);
void tc_scenario_dump_population(const tc_scenario *sc, FILE *f);

/* A mapping community name -> number in [lo, hi] at map.key (path: map's key),
 * into *out (nout entries, calloc'd); `offset` reads signed durations ("-4h",
 * "+5h30m") as seconds instead. Nothing when the key is absent. */
int tc_scenario_get_by_community(tc_err *err, const tc_ynode *map, const char *path,
                                 const char *key, double lo, double hi, int offset,
                                 tc_named_value **out, int *nout);

/* input/scenario_reading.c: own_posts, appeal (need population loaded) */
int tc_scenario_load_reading(tc_err *err, tc_scenario *sc, const tc_ynode *root);
void tc_scenario_dump_reading(const tc_scenario *sc, FILE *f);

/* input/scenario_events.c: events (needs accounts and population loaded) */
int tc_scenario_load_events(tc_err *err, tc_scenario *sc, const tc_ynode *root);
void tc_scenario_dump_events(const tc_scenario *sc, FILE *f);

/* input/scenario.c: a time in the run, an ISO date-time or a duration after
 * time.start, in [0, time.duration), as seconds since the start (needs the time
 * section loaded). */
int tc_scenario_get_when(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                         int required, const tc_scenario *sc, double *out_s);

/* TC_OK when the shares listed at `list` (communities, bot groups), which add up
 * to `sum`, add up to 1 within 1e-6. */
int tc_scenario_check_shares(tc_err *err, const tc_ynode *list, const char *key, double sum);

/* s as a double-quoted YAML scalar. */
void tc_scenario_dump_str(FILE *f, const char *s);

#endif
