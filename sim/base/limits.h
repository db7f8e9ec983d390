/* Sizes and small enums that several layers share (the scenario, the graph
 * readers and stores, the writers), kept here so that none of them has to
 * include another's header for a constant. */
#ifndef TC_SIM_LIMITS_H
#define TC_SIM_LIMITS_H

/* Longest name of an account, community, group or event, terminator included. */
#define TC_NAME_MAX 64
/* Most communities a graph may have. */
#define TC_MAX_COMMUNITIES 1024

/* Most runs (points × replicates) one sweep may hold, and most output
 * intervals one run may have. */
#define TC_MAX_RUNS 100000000
#define TC_MAX_INTERVALS 50000000

/* Which way an edge of an imported file points: "A B" means A follows B
 * (`follows`, as most Twitter dumps), or A's posts reach B (`flows`). */
typedef enum { TC_DIR_FOLLOWS, TC_DIR_FLOWS } tc_direction;
extern const char *const tc_direction_names[]; /* "follows", "flows", NULL */

#endif
