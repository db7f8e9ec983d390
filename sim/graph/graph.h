/* Building the follower graph: igraph generators or igraph readers, then the
 * scenario's post-processing (communities, mixing, follow-back, named hubs with
 * their follower counts), all into a flat edge list oriented as "flows"
 * (src's posts reach dst). igraph is not used after this module. */
#ifndef TC_SIM_GRAPH_H
#define TC_SIM_GRAPH_H

#include <stdint.h>

#include "base/err.h"
#include "input/scenario.h"

typedef struct tc_edges {
    int32_t n;          /* accounts; the named hubs are ids nbase .. n-1 */
    int32_t nbase;      /* accounts that came from the generator or the file */
    int64_t m, cap;     /* edges held, capacity */
    int32_t *src, *dst; /* src's posts reach dst (dst follows src) */
    uint16_t *comm;     /* community id of each account */
    int ncomm;
    char (*comm_names)[TC_NAME_MAX];
} tc_edges;

/* Build the graph the scenario describes. Randomness: igraph's generator seeded
 * from `key`, our own choices from Philox streams under `key`. Same scenario and
 * key give the same edge list. Errors: TC_EINPUT for unreadable or malformed files
 * and unknown community names (with file:line:col), TC_ERUNTIME otherwise.
 * Edge lists and graph stores reach the net without this flat list
 * (sim/netload.h); for edge lists this path stays the reference they are
 * tested against. */
int tc_graph_build(tc_edges *g, const tc_scenario *sc, uint64_t key, tc_err *err);

void tc_graph_destroy(tc_edges *g);

/* Refuse (TC_EINPUT, naming `what`, the estimate and the memory available) a
 * graph of this size that would not fit in the memory available now. */
int tc_graph_check_memory(double accounts, double edges, const char *what, tc_err *err);

/* The same check for a loader whose peak memory is `bytes` (not igraph's). */
int tc_graph_check_bytes(double bytes, double accounts, double edges, const char *what,
                         tc_err *err);

/* Append one edge (grows the arrays). */
void tc_graph_add(tc_edges *g, int32_t src, int32_t dst);

/* Room for `cap` edges in all (never shrinks). */
void tc_graph_reserve(tc_edges *g, int64_t cap);

/* A preferential-attachment graph of accounts offset .. offset + n - 1 appended
 * to g: the edges of igraph_barabasi_game(n, power, m, outpref = true, A = 1,
 * directed, IGRAPH_BARABASI_PSUMTREE) under igraph's default generator as seeded,
 * in igraph's order, each as "cited account's posts reach the citing one",
 * without building an igraph graph. TC_ERUNTIME if igraph fails. */
int tc_graph_ba(tc_edges *g, int64_t n, double power, int64_t m, int32_t offset, tc_err *err);

/* Communities of a file without a community attribute: the scenario's list laid
 * over ids 0 .. n-1 as consecutive ranges by share. Sets g->ncomm, g->comm_names
 * and g->comm[0 .. n-1] (g->comm allocated by the caller). TC_EINPUT if a
 * community would have no account. */
int tc_graph_share_communities(tc_edges *g, const tc_scenario *sc, int64_t n, tc_err *err);

/* Named accounts with an `id` are checked to be accounts of the graph (< nbase) and
 * get nothing. The new ones become accounts g->nbase .. g->nbase + nnew - 1 in list
 * order (g->n is set), each
 * followed by the requested number of distinct accounts, a share `in_community`
 * of them from its own community, and following `following` distinct accounts of
 * its own community (so that a hub can see posts, and reshare them when the rule
 * lets hubs adopt). Needs g->comm and the community names; appends the edges.
 * Draws from Philox streams (TC_P_HUB, hub index) under `key`. */
int tc_graph_add_hubs(tc_edges *g, const tc_scenario *sc, uint64_t key, tc_err *err);

#endif
