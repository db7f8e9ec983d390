/* The graph of a scenario whose file goes straight into the CSR (text edge
 * lists, plain or gzip, and graph stores): communities, follow-backs and named
 * accounts are added around the CSR, with no igraph graph and no flat list of
 * the file's edges. For an edge list the net is the one graph.c +
 * tc_net_from_edges make of the same scenario. */
#ifndef TC_SIM_NETLOAD_H
#define TC_SIM_NETLOAD_H

#include <stdint.h>

#include "base/err.h"
#include "graph/graph.h"
#include "graph/net.h"
#include "input/scenario.h"

/* 1 if the scenario's graph is read this way (a file of format edgelist or store). */
int tc_netload_applies(const tc_scenario *sc);

/* Build the net of such a scenario under the world key `key`. `g` receives what
 * tc_graph_build would give besides the edges: n, nbase, ncomm, comm and
 * comm_names (and the named accounts' edges, already in the net); release it
 * with tc_graph_destroy, also after a failure, and `net` with tc_net_destroy.
 * Errors as tc_graph_build's. */
int tc_netload_build(tc_net *net, tc_edges *g, const tc_scenario *sc, uint64_t key,
                     tc_err *err);

#endif
