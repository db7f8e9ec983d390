/* Streamed graph files to a scenario's net: the file's CSR, then communities by
 * share, follow-backs and named accounts, in the order graph.c applies them. */
#include "netload.h"

#include <stdlib.h>
#include <string.h>

#include "edgestream.h"

int tc_netload_applies(const tc_scenario *sc)
{
    return sc->graph.generator == TC_GEN_NONE && sc->graph.format == TC_FMT_EDGELIST;
}

/* Follows the named accounts add (their followers and followees). */
static double hub_edges(const tc_scenario *sc)
{
    double e = 0;
    for (int h = 0; h < sc->nhubs; h++)
        e += (double)(sc->hubs[h].followers + sc->hubs[h].following);
    return e;
}

static int from_edgelist(tc_net *net, tc_edges *g, const tc_scenario *sc, uint64_t key,
                         tc_err *err)
{
    int rc = TC_OK;
    const char *path = sc->graph.file;
    tc_edgestream s;
    /* follow-backs are drawn per line during the passes, as graph.c draws
     * them per edge of the file */
    TC_TRY(tc_edgestream_scan(&s, path, sc->graph.direction, sc->graph.reciprocity, key, err));
    if (s.n < 1) TC_FAIL(TC_EINPUT, "%s: the graph has no accounts", path);
    if (s.n > INT32_MAX - 1000000 - sc->nhubs)
        TC_FAIL(TC_EINPUT, "%s: %lld accounts: more than account ids (int32) can hold", path,
                (long long)s.n);
    TC_TRY(tc_graph_check_bytes(tc_edgestream_bytes((double)s.n + sc->nhubs,
                                                    (double)s.edges + hub_edges(sc)),
                                s.n, (double)s.pairs, path, err));
    g->nbase = s.n;
    g->n = s.n;
    g->comm = tc_xcalloc((size_t)s.n + (size_t)sc->nhubs, sizeof *g->comm);
    TC_TRY(tc_graph_share_communities(g, sc, s.n, err));
    TC_TRY(tc_graph_add_hubs(g, sc, key, err));
    TC_TRY(tc_edgestream_fill(&s, net, g->n, g->m, g->src, g->dst, err));
cleanup:
    tc_edgestream_destroy(&s);
    return rc;
}

int tc_netload_build(tc_net *net, tc_edges *g, const tc_scenario *sc, uint64_t key,
                     tc_err *err)
{
    memset(net, 0, sizeof *net);
    memset(g, 0, sizeof *g);
    return from_edgelist(net, g, sc, key, err);
}
