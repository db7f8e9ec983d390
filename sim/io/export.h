/* Exports for Gephi, networkx and spreadsheets: one cascade of a run or an
 * observed file (`tagcascade export`), and the follower graph of a scenario's
 * world, whole or one community (`tagcascade graph export`), as GraphML, GEXF
 * 1.2 or CSV, written row by row: nothing is built in memory but the world. */
#ifndef TC_SIM_EXPORT_H
#define TC_SIM_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "input/scenario.h"
#include "world/world.h"

typedef enum { TC_EXPORT_GRAPHML, TC_EXPORT_GEXF, TC_EXPORT_CSV } tc_export_format;
/* "graphml", "gexf", "csv", indexed by tc_export_format, then NULL */
extern const char *const tc_export_format_names[];

/* The time axis of a cascade's GEXF (mode="dynamic": each node and edge starts
 * at its reshare). CLOCK: timeformat="dateTime", ISO 8601 in the run's time
 * zone (runs only), for Gephi's timeline; SECONDS: timeformat="double", seconds
 * since the run's start (runs) or after the original post (observed files),
 * which networkx's read_gexf also reads (it has no reader for "dateTime").
 * AUTO: CLOCK for runs, SECONDS for observed files. */
typedef enum { TC_EXPORT_TIME_AUTO, TC_EXPORT_TIME_CLOCK, TC_EXPORT_TIME_SECONDS } tc_export_time;
/* "auto", "clock", "seconds", indexed by tc_export_time, then NULL */
extern const char *const tc_export_time_names[];

typedef struct tc_export_opts {
    tc_export_format format;
    tc_export_time time;
    FILE *notes;   /* where to say what an export leaves out and why (stderr); may be NULL */
} tc_export_opts;

/* Write cascade `root` (a row of /summary/roots) of the run or observed file
 * `path` to `out`: every account of the tree with its reshare time (seconds
 * after the original post; for runs also the clock time), depth, class
 * (human, bot, named) and, for runs, community; one edge per reshare, from the
 * account reshared to the resharer. Needs the file's /cascade/events
 * (output.cascade: true for runs). A run's communities and the original
 * poster's class come from its world, rebuilt from /meta/resolved
 * (tc_export_run_world); when that fails (its graph file moved, say), the
 * export goes on without communities (unless the run has only one) and says
 * why on o->notes. TC_EINPUT naming the file and dataset for a bad file or
 * row, TC_ERUNTIME when writing fails. O(rows of /cascade/events), plus the
 * world's build for runs. */
int tc_export_cascade(const char *path, int64_t root, const tc_export_opts *o, FILE *out,
                      tc_err *err);

/* The world the run file `path` was simulated on: its scenario as resolved
 * (/meta/resolved; a relative graph file is found from the current folder, as
 * when the run was made there), built again and checked against the run's
 * /meta/graph_n, /meta/graph_hash and /meta/communities. On TC_OK *sc and *w
 * are the caller's (destroy w, then sc: the world borrows from the scenario);
 * otherwise both are left zeroed and TC_EINPUT names the file and what
 * differs. O(the world's build). */
int tc_export_run_world(const char *path, tc_scenario *sc, tc_world *w, tc_err *err);

/* The community `arg` of w: its name, or its index (as in /meta/communities)
 * written in digits. TC_EINPUT listing the communities when there is none such. */
int tc_export_community(const tc_world *w, const char *arg, int *c, tc_err *err);

/* Accounts and follows that tc_export_graph writes for community `comm` (-1:
 * all). O(n + m) for one community, O(1) for all. */
void tc_export_graph_size(const tc_world *w, int comm, int64_t *nodes, int64_t *edges);

/* Write the follower graph of world `w` (built from `sc`, which names its
 * accounts), or of its community `comm` (-1: the whole graph; else the
 * community's accounts and the follows among them). Nodes: id, label (the
 * account's name in the scenario, or its id), class (human, bot, named),
 * community, followers (audience size) and followees. Edges are directed,
 * source -> target meaning "source follows target" (target's posts reach
 * source); the follows bots add (infiltration, rings) are included, so a
 * node's in-degree is its followers. GraphML and GEXF go to `out`; CSV writes
 * the nodes to `out` and the edges to `edges_out`. TC_ERUNTIME when a write
 * fails. O(n + m) time, O(n) memory besides the world. */
int tc_export_graph(const tc_world *w, const tc_scenario *sc, int comm, tc_export_format fmt,
                    FILE *out, FILE *edges_out, tc_err *err);

#endif
