/* Streamed graph files to a scenario's net: the file's CSR, then communities by
 * share, follow-backs and named accounts, in the order graph.c applies them. */
#include "graph/netload.h"

#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "graph/edgestream.h"
#include "graph/graphstore.h"

int tc_netload_applies(const tc_scenario *sc)
{
    return sc->graph.generator == TC_GEN_NONE &&
           (sc->graph.format == TC_FMT_EDGELIST || sc->graph.format == TC_FMT_STORE);
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
    if (s.n > INT32_MAX - 1000000 - sc->nnew)
        TC_FAIL(TC_EINPUT, "%s: %lld accounts: more than account ids (int32) can hold", path,
                (long long)s.n);
    TC_TRY(tc_graph_check_bytes(tc_edgestream_bytes((double)s.n + sc->nnew,
                                                    (double)s.edges + hub_edges(sc)),
                                s.n, (double)s.pairs, path, err));
    g->nbase = s.n;
    g->n = s.n;
    g->comm = tc_xcalloc((size_t)s.n + (size_t)sc->nnew, sizeof *g->comm);
    TC_TRY(tc_graph_share_communities(g, sc, s.n, err));
    TC_TRY(tc_graph_add_hubs(g, sc, key, err));
    TC_TRY(tc_edgestream_fill(&s, net, g->n, g->m, g->src, g->dst, err));
cleanup:
    tc_edgestream_destroy(&s);
    return rc;
}

/* A store: its CSR as it is, then the same additions on top. Its communities are
 * used unless the scenario lists its own (shares over the ids, as for any file).
 * A store keeps no file order, so follow-backs are drawn per audience entry in
 * CSR order: with reciprocity > 0 the graph differs from that of the text file
 * the store was made from (with reciprocity 0 it is the same). */
static int from_store(tc_net *net, tc_edges *g, const tc_scenario *sc, uint64_t key,
                      tc_err *err)
{
    int rc = TC_OK;
    const char *path = sc->graph.file;
    tc_graphstore_info info;
    TC_TRY(tc_graphstore_read(path, net, &info, err));
    int32_t n = net->n;
    if (n > INT32_MAX - 1000000 - sc->nnew)
        TC_FAIL(TC_EINPUT, "%s: %lld accounts: more than account ids (int32) can hold", path,
                (long long)n);
    g->nbase = n;
    g->n = n;
    g->comm = tc_xcalloc((size_t)n + (size_t)sc->nnew, sizeof *g->comm);
    if (sc->graph.ncomm > 0) {
        TC_TRY(tc_graph_share_communities(g, sc, n, err));
    } else if (info.ncomm > 0) {
        g->ncomm = info.ncomm;
        g->comm_names = tc_xcalloc((size_t)info.ncomm, sizeof *g->comm_names);
        memcpy(g->comm_names, info.comm_names, (size_t)info.ncomm * sizeof *g->comm_names);
        memcpy(g->comm, info.comm, (size_t)n * sizeof *g->comm);
    } else {
        g->ncomm = 1;
        g->comm_names = tc_xcalloc(1, sizeof *g->comm_names);
        strcpy(g->comm_names[0], "all");
    }
    if (sc->graph.reciprocity > 0)
        for (int32_t u = 0; u < n; u++)
            for (int64_t e = net->off[u]; e < net->off[u + 1]; e++)
                if (tc_rng_u01(key, TC_P_RECIPROCITY, (uint32_t)e, (uint64_t)e >> 32) <
                    sc->graph.reciprocity)
                    tc_graph_add(g, net->dst[e], u);
    TC_TRY(tc_graph_add_hubs(g, sc, key, err));
    if (g->m || g->n != n) TC_TRY(tc_net_add_edges(net, g->n, g->m, g->src, g->dst, err));
cleanup:
    tc_graphstore_info_destroy(&info);
    return rc;
}

int tc_netload_build(tc_net *net, tc_edges *g, const tc_scenario *sc, uint64_t key,
                     tc_err *err)
{
    memset(net, 0, sizeof *net);
    memset(g, 0, sizeof *g);
    if (sc->graph.format == TC_FMT_STORE) return from_store(net, g, sc, key, err);
    return from_edgelist(net, g, sc, key, err);
}
