/* igraph in, flat edge list out. Every igraph call lives here, on one thread;
 * our own draws, keyed per follow, run on threads. */
#include "graph/graph.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <igraph.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/path.h"
#include "base/rng.h"
#include "graph/chunglu.h"

/* Largest account id accepted in an edge list (ids make the account count). */
#define TC_EDGELIST_MAX_ID 2000000000LL

/* Peak memory of building and running a graph of `accounts` and `edges`: while
 * the graph is copied out of igraph (~32 bytes per edge, 16 per account), our
 * edge list (8 bytes per edge, grown by half) and the CSR (4 per edge, 8 per
 * account) coexist; then the population and the engine (~40 bytes per account). */
static double estimate_bytes(double accounts, double edges)
{
    return edges * (32.0 + 12.0 + 4.0) + accounts * (16.0 + 8.0 + 40.0) + 64e6;
}

int tc_graph_check_memory(double accounts, double edges, const char *what, tc_err *err)
{
    return tc_graph_check_bytes(estimate_bytes(accounts, edges), accounts, edges, what, err);
}

int tc_graph_check_bytes(double need, double accounts, double edges, const char *what,
                         tc_err *err)
{
    tc_mem_room room = tc_mem_room_now();
    if (room.bytes >= 0 && need > 0.9 * room.bytes) {
        tc_err_set(err, TC_EINPUT, "%s: about %.3g accounts and %.3g follows need about %.1f GB "
                   "of memory; %.1f GB are available (%s). Use a smaller graph.", what,
                   accounts, edges, need / 1e9, room.bytes / 1e9, room.limit);
        return TC_EINPUT;
    }
    return TC_OK;
}

/* Follows a scenario's graph will hold, before any is made. */
static double expected_edges(const tc_scenario *sc)
{
    double n = (double)sc->graph.n, e = 0;
    switch (sc->graph.generator) {
    case TC_GEN_BA: e = n * (double)sc->graph.m; break;
    case TC_GEN_ER: e = (double)sc->graph.edges; break;
    case TC_GEN_SBM: {
        double in = 0;
        for (int c = 0; c < sc->graph.ncomm; c++) in += pow(n * sc->graph.comm[c].share, 2);
        e = sc->graph.p_in * in + sc->graph.p_out * (n * n - in);
        break;
    }
    case TC_GEN_FF: e = n * (1.0 + 10.0 * (double)sc->graph.ambs); break;
    case TC_GEN_CHUNGLU: e = n * sc->graph.mean_degree; break;
    default: break;
    }
    e *= 1.0 + sc->graph.reciprocity;
    for (int h = 0; h < sc->nhubs; h++) e += (double)(sc->hubs[h].followers + sc->hubs[h].following);
    return e;
}

static inline void add_edge(tc_edges *g, int32_t src, int32_t dst)
{
    if (__builtin_expect(g->m == g->cap, 0)) {
        g->cap = g->cap ? g->cap + g->cap / 2 : 1024;
        g->src = tc_xrealloc(g->src, (size_t)g->cap * sizeof *g->src);
        g->dst = tc_xrealloc(g->dst, (size_t)g->cap * sizeof *g->dst);
    }
    g->src[g->m] = src;
    g->dst[g->m] = dst;
    g->m++;
}

void tc_graph_add(tc_edges *g, int32_t src, int32_t dst)
{
    add_edge(g, src, dst);
}

void tc_graph_reserve(tc_edges *g, int64_t cap)
{
    if (cap <= g->cap) return;
    g->cap = cap;
    g->src = tc_xrealloc(g->src, (size_t)g->cap * sizeof *g->src);
    g->dst = tc_xrealloc(g->dst, (size_t)g->cap * sizeof *g->dst);
}

void tc_graph_destroy(tc_edges *g)
{
    if (!g) return;
    free(g->src);
    free(g->dst);
    free(g->comm);
    free(g->comm_names);
    memset(g, 0, sizeof *g);
}

/* Append igraph's edges. igraph's generators and "follows" files give (follower,
 * followee): posts flow the other way. Undirected edges are mutual follows. */
static void take_edges(tc_edges *g, const igraph_t *ig, int32_t offset, int follows)
{
    igraph_integer_t m = igraph_ecount(ig);
    int directed = igraph_is_directed(ig);
    for (igraph_integer_t e = 0; e < m; e++) {
        int32_t a = (int32_t)IGRAPH_FROM(ig, e) + offset;
        int32_t b = (int32_t)IGRAPH_TO(ig, e) + offset;
        if (!directed) {
            add_edge(g, a, b);
            add_edge(g, b, a);
        } else if (follows) {
            add_edge(g, b, a);
        } else {
            add_edge(g, a, b);
        }
    }
}

static int igraph_fail(tc_err *err, const char *what)
{
    tc_err_set(err, TC_ERUNTIME, "%s failed: %s", what, tc_lib_last_error());
    return TC_ERUNTIME;
}

/* igraph's attraction of an account with `degree` follows, in and out (pow is
 * exact at power 1: the same value without the call). */
static double ba_attraction(double degree, double power)
{
    return (power == 0 ? 1.0 : power == 1 ? degree : pow(degree, power)) + 1.0;
}

/* The weights of the accounts so far, for the draw of whom a new account cites.
 * igraph's partial-sum tree, or, when every weight is a whole number (power 0
 * or 1), one of our own that gives the same answers: eight sums to a cache line,
 * a level of lines per eight of the level below, so a draw reads about
 * log8(n) lines instead of log2(n) doubles. igraph's search takes the first
 * account whose running sum exceeds the drawn value (its tree goes left when
 * the value is below the left sum, else subtracts it and goes right); with
 * whole weights every sum, and every subtraction from the value (below 2^53),
 * is exact, so scanning eight sums at a time finds the same account. */
enum { BA_FAN = 8, BA_LEVELS = 24 };
typedef struct {
    int whole;
    igraph_psumtree_t ig;
    int nlev;                   /* whole: levels, leaves at 0 */
    int64_t *lev[BA_LEVELS];    /* whole: sums of each level, whole lines */
    int64_t len[BA_LEVELS];
    int64_t total;
    void *block;
} ba_tree;

static int ba_tree_init(ba_tree *t, int64_t n, int whole)
{
    memset(t, 0, sizeof *t);
    t->whole = whole;
    if (!whole) return igraph_psumtree_init(&t->ig, n) ? TC_ERUNTIME : TC_OK;
    int64_t lines = 0, len = n;
    for (;;) {
        len = (len + BA_FAN - 1) / BA_FAN * BA_FAN;
        t->len[t->nlev++] = len;
        lines += len / BA_FAN;
        if (len == BA_FAN) break;
        len /= BA_FAN;
    }
    t->block = tc_xcalloc_lines((size_t)lines, BA_FAN * sizeof(int64_t));
    int64_t *at = t->block;
    for (int k = 0; k < t->nlev; k++) {
        t->lev[k] = at;
        at += t->len[k];
    }
    return TC_OK;
}

static void ba_tree_destroy(ba_tree *t)
{
    if (t->whole) free(t->block);
    else igraph_psumtree_destroy(&t->ig);
}

static double ba_tree_sum(const ba_tree *t)
{
    return t->whole ? (double)t->total : igraph_psumtree_sum(&t->ig);
}

static int ba_tree_set(ba_tree *t, int64_t i, double w)
{
    if (!t->whole) return igraph_psumtree_update(&t->ig, i, w) ? TC_ERUNTIME : TC_OK;
    int64_t d = (int64_t)w - t->lev[0][i];
    for (int k = 0; k < t->nlev; k++, i /= BA_FAN) t->lev[k][i] += d;
    t->total += d;
    return TC_OK;
}

static int64_t ba_tree_search(const ba_tree *t, double x)
{
    if (!t->whole) {
        igraph_integer_t to;
        igraph_psumtree_search(&t->ig, &to, x);
        return to;
    }
    /* in a line, the child is the number of running sums at or below the value
     * (they do not decrease), found without a branch; the value then loses the
     * running sum before it, which is exact as each step of igraph's is. The
     * sums are whole, so the value compares with them as its whole part does,
     * and that part is what it keeps after each subtraction: the comparisons
     * are of integers, without a conversion each */
    int64_t node = 0, xi = (int64_t)x; /* x >= 0 */
    for (int k = t->nlev - 1; k >= 0; k--) {
        const int64_t *s = t->lev[k] + node * BA_FAN;
        int64_t run[BA_FAN], sum = 0;
        for (int c = 0; c < BA_FAN; c++) run[c] = sum += s[c];
        int c = 0;
        for (int j = 0; j < BA_FAN; j++) c += xi >= run[j];
        if (c == BA_FAN) { /* only where the value reaches the total, which igraph refuses */
            for (c = BA_FAN - 1; c > 0 && s[c] == 0; c--) {}
            xi = 0;
        } else if (c > 0) {
            xi -= run[c - 1];
        }
        node = node * BA_FAN + c;
    }
    return node;
}

int tc_graph_ba(tc_edges *g, int64_t n, double power, int64_t m, int32_t offset, tc_err *err)
{
    /* igraph_barabasi_game(n, power, m, outpref = true, A = 1, directed,
     * IGRAPH_BARABASI_PSUMTREE) step for step: the same draws from igraph's
     * default generator, in the same order, against the same sums, so the same
     * seed gives the same edges in the same order; only igraph_create, which
     * builds an index we would drop, is left out. Account i follows nothing
     * and is followed by the m accounts it cites. */
    if (n <= 0) return TC_OK;
    ba_tree tree;
    if (ba_tree_init(&tree, n, power == 0 || power == 1))
        return igraph_fail(err, "igraph_psumtree_init");
    int32_t *cited = tc_xcalloc((size_t)(m > 0 ? m : 1), sizeof *cited);
    int rc = TC_OK;
    if (tree.whole) {
        /* whole weights: an account's weight is its leaf, degree + 1 at power 1
         * and 2 at power 0, so no array of degrees is read (a miss per draw):
         * a drawn account's new weight comes from the leaf the search has just
         * read, and is put back from cw after the account's m draws */
        int64_t *cw = tc_xcalloc((size_t)(m > 0 ? m : 1), sizeof *cw);
        const int64_t flat = (int64_t)ba_attraction(0, 0); /* power 0's every weight */
        ba_tree_set(&tree, 0, 1.0);
        for (int64_t i = 1; i < n; i++) {
            if (m >= i) {
                for (int64_t to = 0; to < i; to++) {
                    add_edge(g, (int32_t)to + offset, (int32_t)i + offset);
                    ba_tree_set(&tree, to, (double)(power == 0 ? flat : tree.lev[0][to] + 1));
                }
            } else {
                for (int64_t j = 0; j < m; j++) {
                    int64_t to;
                    if (tree.total == 0)
                        to = igraph_rng_get_integer(igraph_rng_default(), 0, i - 1);
                    else
                        to = ba_tree_search(&tree, igraph_rng_get_unif(igraph_rng_default(), 0,
                                                                       (double)tree.total));
                    /* a drawn leaf is not zero: the search never stops on one */
                    cw[j] = power == 0 ? flat : tree.lev[0][to] + 1;
                    cited[j] = (int32_t)to;
                    add_edge(g, (int32_t)to + offset, (int32_t)i + offset);
                    ba_tree_set(&tree, to, 0.0);
                }
                for (int64_t j = m - 1; j >= 0; j--) ba_tree_set(&tree, cited[j], (double)cw[j]);
            }
            ba_tree_set(&tree, i, ba_attraction((double)(m > i ? i : m), power));
        }
        free(cw);
        goto done;
    }
    int64_t *degree = tc_xcalloc((size_t)n, sizeof *degree);
    if (ba_tree_set(&tree, 0, 1.0)) goto fail;
    for (int64_t i = 1; i < n; i++) {
        if (m >= i) {
            for (int64_t to = 0; to < i; to++) {
                degree[to]++;
                add_edge(g, (int32_t)to + offset, (int32_t)i + offset);
                if (ba_tree_set(&tree, to, ba_attraction((double)degree[to], power))) goto fail;
            }
        } else {
            for (int64_t j = 0; j < m; j++) {
                double sum = ba_tree_sum(&tree);
                int64_t to;
                if (sum == 0)
                    to = igraph_rng_get_integer(igraph_rng_default(), 0, i - 1);
                else
                    to = ba_tree_search(&tree, igraph_rng_get_unif(igraph_rng_default(), 0, sum));
                degree[to]++;
                cited[j] = (int32_t)to;
                add_edge(g, (int32_t)to + offset, (int32_t)i + offset);
                if (ba_tree_set(&tree, to, 0.0)) goto fail;
            }
            for (int64_t j = m - 1; j >= 0; j--)
                if (ba_tree_set(&tree, cited[j], ba_attraction((double)degree[cited[j]], power)))
                    goto fail;
        }
        degree[i] += m > i ? i : m;
        if (ba_tree_set(&tree, i, ba_attraction((double)degree[i], power))) goto fail;
    }
    goto free_degree;
fail:
    rc = igraph_fail(err, "igraph_psumtree_update");
free_degree:
    free(degree);
done:
    ba_tree_destroy(&tree);
    free(cited);
    return rc;
}

/* One community of `size` accounts from `off` on, as a directed Chung-Lu graph
 * (graph/chunglu.h): heavy-tailed follower and followee counts. Its draws are
 * keyed by (key, community), so the graph is the same on any thread count. */
static int chung_lu(tc_edges *g, const tc_scenario *sc, uint64_t key, int c, int64_t off,
                    int64_t size, tc_err *err)
{
    int rc = TC_OK;
    if (size < 2) return TC_OK; /* one account follows no one */
    tc_chunglu p = {.n = size,
                    .mean_degree = fmin(sc->graph.mean_degree, (double)(size - 1)),
                    .gamma_in = sc->graph.gamma_in,
                    .gamma_out = sc->graph.gamma_out,
                    .communities = 1,
                    .seed = tc_rng_derive(key, TC_P_IGRAPH, (uint64_t)c + 1)};
    tc_chunglu_model model;
    /* audiences drawn on threads, a block of accounts each (each account's
     * draws are its own), then appended block by block in account order */
    enum { ROWS = 4096, BATCH = 64 };
    int32_t *bufs[BATCH] = {0};
    int64_t caps[BATCH] = {0}, lens[BATCH];
    int64_t *sizes = tc_xmalloc((size_t)BATCH * ROWS * sizeof *sizes);
    TC_TRY(tc_chunglu_model_init(&model, &p, err));
    int64_t nblocks = (size + ROWS - 1) / ROWS;
    for (int64_t b0 = 0; b0 < nblocks; b0 += BATCH) {
        int nb = (int)(nblocks - b0 < BATCH ? nblocks - b0 : BATCH);
        tc_chunglu_audience_blocks(&model, b0 * ROWS, ROWS, nb, bufs, caps, lens, sizes);
        for (int i = 0; i < nb; i++) {
            tc_graph_reserve(g, g->m + lens[i] + (g->cap - g->m < lens[i] ? g->cap / 2 : 0));
            int64_t lo = (b0 + i) * ROWS, at = 0;
            for (int64_t u = lo; at < lens[i]; u++)
                for (int64_t e = at + sizes[u - b0 * ROWS]; at < e; at++) {
                    g->src[g->m] = (int32_t)(off + u);
                    g->dst[g->m++] = (int32_t)(off + bufs[i][at]);
                }
        }
    }
    tc_chunglu_model_destroy(&model);
cleanup:
    for (int i = 0; i < BATCH; i++) free(bufs[i]);
    free(sizes);
    return rc;
}

static int generate(tc_edges *g, const tc_scenario *sc, uint64_t key, tc_err *err)
{
    int rc = TC_OK;
    int nc = sc->graph.ncomm;
    igraph_t ig;
    int have = 0;
    igraph_matrix_t pref;
    igraph_vector_int_t sizes;
    int mat = 0;

    g->ncomm = nc;
    g->comm_names = tc_xcalloc((size_t)nc, sizeof *g->comm_names);
    for (int c = 0; c < nc; c++) memcpy(g->comm_names[c], sc->graph.comm[c].name, TC_NAME_MAX);
    g->nbase = (int32_t)sc->graph.n;
    g->comm = tc_xcalloc((size_t)sc->graph.n + (size_t)sc->nnew, sizeof *g->comm);

    /* community sizes: rounded shares, the last takes the remainder */
    int64_t *size = tc_xcalloc((size_t)nc, sizeof *size), used = 0;
    for (int c = 0; c < nc; c++) {
        size[c] = c == nc - 1 ? sc->graph.n - used : llround(sc->graph.n * sc->graph.comm[c].share);
        if (size[c] < 1) {
            free(size);
            tc_err_set(err, TC_EINPUT,
                       "%s:%d:%d: graph.n: community '%s' would have no accounts with "
                       "n = %lld; raise n or its share", sc->graph.at.file, sc->graph.at.line,
                       sc->graph.at.col, sc->graph.comm[c].name, (long long)sc->graph.n);
            return TC_EINPUT;
        }
        used += size[c];
    }
    int64_t off = 0;
    for (int c = 0; c < nc; c++)
        for (int64_t i = 0; i < size[c]; i++) g->comm[off++] = (uint16_t)c;

    if (sc->graph.generator == TC_GEN_SBM) {
        if (igraph_matrix_init(&pref, nc, nc) || igraph_vector_int_init(&sizes, nc)) {
            rc = igraph_fail(err, "allocating the block model");
            goto cleanup;
        }
        mat = 1;
        for (int a = 0; a < nc; a++) {
            VECTOR(sizes)[a] = size[a];
            for (int b = 0; b < nc; b++)
                MATRIX(pref, a, b) = a == b ? sc->graph.p_in : sc->graph.p_out;
        }
        if (igraph_sbm_game(&ig, sc->graph.n, &pref, &sizes, 1, 0)) {
            rc = igraph_fail(err, "igraph_sbm_game");
            goto cleanup;
        }
        take_edges(g, &ig, 0, 1);
        igraph_destroy(&ig);
        goto cleanup;
    }

    off = 0;
    for (int c = 0; c < nc && sc->graph.generator == TC_GEN_CHUNGLU; c++) {
        TC_TRY(chung_lu(g, sc, key, c, off, size[c], err));
        off += size[c];
    }
    if (sc->graph.generator == TC_GEN_CHUNGLU) goto cleanup;
    for (int c = 0; c < nc; c++) {
        igraph_error_t e = IGRAPH_SUCCESS;
        switch (sc->graph.generator) {
        case TC_GEN_BA:
            TC_TRY(tc_graph_ba(g, size[c], sc->graph.power, sc->graph.m, (int32_t)off, err));
            off += size[c];
            continue;
        case TC_GEN_ER: {
            int64_t me = llround((double)sc->graph.edges * sc->graph.comm[c].share);
            double maxe = (double)size[c] * (double)(size[c] - 1);
            if ((double)me > maxe) me = (int64_t)maxe;
            e = igraph_erdos_renyi_game_gnm(&ig, size[c], me, 1, 0);
            break;
        }
        case TC_GEN_FF:
            e = igraph_forest_fire_game(&ig, size[c], sc->graph.fw_prob, sc->graph.bw_factor,
                                        sc->graph.ambs, 1);
            break;
        default: break;
        }
        if (e) {
            rc = igraph_fail(err, "the igraph generator");
            goto cleanup;
        }
        have = 1;
        take_edges(g, &ig, (int32_t)off, 1);
        igraph_destroy(&ig);
        have = 0;
        off += size[c];
    }
cleanup:
    if (have) igraph_destroy(&ig);
    if (mat) {
        igraph_matrix_destroy(&pref);
        igraph_vector_int_destroy(&sizes);
    }
    free(size);
    return rc;
}

/* Communities from a vertex attribute of a GraphML/GML file, numbered by first
 * appearance. */
static int communities_from_attribute(tc_edges *g, const igraph_t *ig, const tc_scenario *sc,
                                      tc_err *err)
{
    const char *attr = sc->graph.community_attribute;
    igraph_attribute_type_t type;
    if (!igraph_cattribute_has_attr(ig, IGRAPH_ATTRIBUTE_VERTEX, attr)) {
        tc_err_set(err, TC_EINPUT, "%s: the graph file has no vertex attribute '%s' "
                   "(named by graph.community_attribute)", sc->graph.file, attr);
        return TC_EINPUT;
    }
    igraph_cattribute_table.gettype((igraph_t *)ig, &type, IGRAPH_ATTRIBUTE_VERTEX, attr);
    g->ncomm = 0;
    for (int32_t v = 0; v < g->nbase; v++) {
        char buf[TC_NAME_MAX];
        if (type == IGRAPH_ATTRIBUTE_STRING)
            snprintf(buf, sizeof buf, "%s", VAS(ig, attr, v));
        else if (type == IGRAPH_ATTRIBUTE_NUMERIC)
            snprintf(buf, sizeof buf, "%g", VAN(ig, attr, v));
        else {
            tc_err_set(err, TC_EINPUT, "%s: vertex attribute '%s' must be text or a number",
                       sc->graph.file, attr);
            return TC_EINPUT;
        }
        int c;
        for (c = 0; c < g->ncomm; c++)
            if (!strcmp(g->comm_names[c], buf)) break;
        if (c == g->ncomm) {
            if (g->ncomm == TC_MAX_COMMUNITIES) {
                tc_err_set(err, TC_EINPUT, "%s: attribute '%s' has more than %d values",
                           sc->graph.file, attr, TC_MAX_COMMUNITIES);
                return TC_EINPUT;
            }
            g->comm_names = tc_xrealloc(g->comm_names, (size_t)(c + 1) * sizeof *g->comm_names);
            memcpy(g->comm_names[c], buf, TC_NAME_MAX);
            g->ncomm++;
        }
        g->comm[v] = (uint16_t)c;
    }
    return TC_OK;
}

int tc_graph_share_communities(tc_edges *g, const tc_scenario *sc, int64_t n, tc_err *err)
{
    int rc = TC_OK;
    g->ncomm = sc->graph.ncomm;
    g->comm_names = tc_xcalloc((size_t)g->ncomm, sizeof *g->comm_names);
    for (int c = 0; c < g->ncomm; c++)
        memcpy(g->comm_names[c], sc->graph.comm[c].name, TC_NAME_MAX);
    /* without an attribute, communities are consecutive id ranges by share */
    int64_t off = 0;
    for (int c = 0; c < g->ncomm; c++) {
        int64_t k = c == g->ncomm - 1 ? n - off : llround(n * sc->graph.comm[c].share);
        if (k < 1 || off + k > n)
            TC_FAIL(TC_EINPUT, "%s: graph.communities: community '%s' would have no "
                    "accounts among the file's %lld", sc->graph.file, g->comm_names[c],
                    (long long)n);
        for (int64_t i = 0; i < k; i++) g->comm[off++] = (uint16_t)c;
    }
cleanup:
    return rc;
}

/* SNAP-style edge lists put comments after '#'; igraph's reader does not accept
 * them, so they are blanked out (line numbers stay the same) in a memory copy. */
static FILE *open_edgelist(const char *path, char **buf, tc_err *err)
{
    FILE *f = tc_path_open_input(path, "graph file", err);
    size_t len = 0, cap = 0;
    if (!f) return NULL;
    *buf = NULL;
    for (;;) {
        if (cap - len < 65536) {
            cap = (size_t)tc_grow_cap((int64_t)cap, (int64_t)(len + 65536), 65536);
            *buf = tc_xrealloc(*buf, cap);
        }
        size_t got = fread(*buf + len, 1, cap - len, f);
        if (!got) break;
        len += got;
    }
    fclose(f);
    int comment = 0;
    for (size_t i = 0; i < len; i++) {
        char c = (*buf)[i];
        if (c == '\n') comment = 0;
        else if (c == '#') comment = 1;
        if (comment) (*buf)[i] = ' ';
    }
    /* each line: nothing, or two account ids. igraph would make as many accounts as
     * the largest id, so a huge id must be refused here, before it allocates */
    long line = 1;
    long long maxid = -1, pairs = 0;
    for (size_t i = 0; i < len;) {
        size_t eol = i;
        while (eol < len && (*buf)[eol] != '\n') eol++;
        int tokens = 0;
        for (size_t j = i; j < eol;) {
            while (j < eol && ((*buf)[j] == ' ' || (*buf)[j] == '\t' || (*buf)[j] == '\r')) j++;
            if (j >= eol) break;
            size_t start = j;
            long long v = 0;
            int digits = 1;
            while (j < eol && (*buf)[j] != ' ' && (*buf)[j] != '\t' && (*buf)[j] != '\r') {
                char d = (*buf)[j];
                if (d < '0' || d > '9') digits = 0;
                else if (v <= TC_EDGELIST_MAX_ID) v = v * 10 + (d - '0');
                j++;
            }
            tokens++;
            if (digits && v > maxid) maxid = v;
            if (!digits || v > TC_EDGELIST_MAX_ID || tokens > 2) {
                tc_err_set(err, TC_EINPUT, "%s:%ld:%zu: expected %s, got \"%.*s\"", path, line,
                           start - i + 1,
                           tokens > 2 ? "two account ids on a line"
                                      : "an account id: a whole number from 0 to 2,000,000,000",
                           (int)(j - start < 40 ? j - start : 40), *buf + start);
                free(*buf);
                *buf = NULL;
                return NULL;
            }
        }
        if (tokens == 1) {
            tc_err_set(err, TC_EINPUT, "%s:%ld:%zu: expected two account ids on a line, got one",
                       path, line, eol - i + 1);
            free(*buf);
            *buf = NULL;
            return NULL;
        }
        pairs += tokens == 2;
        i = eol + 1;
        line++;
    }
    if (tc_graph_check_memory((double)maxid + 1, (double)pairs, path, err)) {
        free(*buf);
        *buf = NULL;
        return NULL;
    }
    FILE *mf = fmemopen(*buf, len ? len : 1, "r");
    if (!mf) tc_err_set(err, TC_ERUNTIME, "%s: cannot read: %s", path, strerror(errno));
    if (mf && !len) fgetc(mf); /* empty file: consume the placeholder byte */
    return mf;
}

static int import(tc_edges *g, const tc_scenario *sc, tc_err *err)
{
    int rc = TC_OK;
    igraph_t ig;
    int have = 0;
    char *buf = NULL;
    FILE *f = NULL;
    igraph_error_t e;

    if (sc->graph.format == TC_FMT_STORE)
        TC_FAIL(TC_ERUNTIME, "%s: a graph store is read by tc_world_build_graph, not by igraph",
                sc->graph.file);
    igraph_set_attribute_table(&igraph_cattribute_table);
    if (sc->graph.format == TC_FMT_EDGELIST) f = open_edgelist(sc->graph.file, &buf, err);
    else {
        f = tc_path_open_input(sc->graph.file, "graph file", err);
        if (f && sc->graph.format == TC_FMT_PAJEK) {
            /* "*Vertices N" makes N accounts at once: check N first */
            char line[256];
            long ln = 0;
            while (fgets(line, sizeof line, f)) {
                ln++;
                if (strncasecmp(line, "*vertices", 9)) continue;
                char *end;
                long long nv = strtoll(line + 9, &end, 10);
                if (nv < 0 || nv > TC_EDGELIST_MAX_ID) {
                    tc_err_set(err, TC_EINPUT, "%s:%ld: *Vertices %lld: expected at most "
                               "2,000,000,000 accounts", sc->graph.file, ln, nv);
                    fclose(f);
                    f = NULL;
                }
                break;
            }
            if (f) rewind(f);
        }
    }
    if (!f) {
        rc = err->code;
        goto cleanup;
    }
    tc_lib_last_error();
    switch (sc->graph.format) {
    case TC_FMT_EDGELIST: e = igraph_read_graph_edgelist(&ig, f, 0, 1); break;
    case TC_FMT_NCOL: e = igraph_read_graph_ncol(&ig, f, NULL, 1, IGRAPH_ADD_WEIGHTS_NO, 1); break;
    case TC_FMT_GRAPHML: e = igraph_read_graph_graphml(&ig, f, 0); break;
    case TC_FMT_GML: e = igraph_read_graph_gml(&ig, f); break;
    default: e = igraph_read_graph_pajek(&ig, f); break;
    }
    if (e) {
        tc_err_set(err, TC_EINPUT, "%s: cannot read as %s: %s", sc->graph.file,
                   tc_format_names[sc->graph.format],
                   tc_lib_last_error());
        rc = TC_EINPUT;
        goto cleanup;
    }
    have = 1;
    igraph_integer_t n = igraph_vcount(&ig);
    if (n < 1) TC_FAIL(TC_EINPUT, "%s: the graph has no accounts", sc->graph.file);
    if (n > INT32_MAX - 1000000 - (igraph_integer_t)sc->nnew)
        TC_FAIL(TC_EINPUT, "%s: %lld accounts: more than account ids (int32) can hold",
                sc->graph.file, (long long)n);
    g->nbase = (int32_t)n;
    g->comm = tc_xcalloc((size_t)n + (size_t)sc->nnew, sizeof *g->comm);
    if (sc->graph.community_attribute[0]) {
        TC_TRY(communities_from_attribute(g, &ig, sc, err));
    } else {
        TC_TRY(tc_graph_share_communities(g, sc, n, err));
    }
    take_edges(g, &ig, 0, sc->graph.direction == TC_DIR_FOLLOWS);
cleanup:
    if (have) igraph_destroy(&ig);
    if (f) fclose(f);
    free(buf);
    return rc;
}

/* With probability `mixing`, an edge's followee is replaced by an account of
 * another community, drawn in proportion to its followers there (so hubs stay
 * hubs across communities). */
static void mix(tc_edges *g, const tc_scenario *sc, uint64_t key)
{
    int nc = g->ncomm;
    if (sc->graph.mixing <= 0 || nc < 2) return;
    int64_t *cnt = tc_xcalloc((size_t)nc + 1, sizeof *cnt);
    for (int64_t e = 0; e < g->m; e++) cnt[g->comm[g->src[e]] + 1]++;
    for (int c = 0; c < nc; c++) cnt[c + 1] += cnt[c];
    int32_t *pool = tc_xmalloc((size_t)g->m * sizeof *pool);
    int64_t *fill = tc_xmalloc((size_t)nc * sizeof *fill);
    memcpy(fill, cnt, (size_t)nc * sizeof *fill);
    for (int64_t e = 0; e < g->m; e++) pool[fill[g->comm[g->src[e]]]++] = g->src[e];
    /* each follow's draws are its own (stream of its index): threads give the
     * same follows */
    #pragma omp parallel
    {
        double *w = tc_xmalloc((size_t)nc * sizeof *w);
        gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
        #pragma omp for schedule(static)
        for (int64_t e = 0; e < g->m; e++) {
            tc_rng_seek(r, key, TC_P_MIXING, (uint32_t)e, (uint64_t)e >> 32);
            if (gsl_rng_uniform_pos(r) >= sc->graph.mixing) continue;
            int own = g->comm[g->dst[e]];
            double tot = 0;
            for (int c = 0; c < nc; c++) tot += w[c] = c == own ? 0 : (double)(cnt[c + 1] - cnt[c]);
            if (tot <= 0) continue;
            double u = gsl_rng_uniform(r) * tot;
            int c = 0;
            while (c < nc - 1 && (u -= w[c]) >= 0) c++;
            while (w[c] == 0) c--; /* round-off landed on an empty community */
            int64_t k = cnt[c] + (int64_t)gsl_rng_uniform_int(r, (unsigned long)(cnt[c + 1] - cnt[c]));
            g->src[e] = pool[k];
        }
        gsl_rng_free(r);
        free(w);
    }
    free(fill);
    free(pool);
    free(cnt);
}

static void reciprocate(tc_edges *g, const tc_scenario *sc, uint64_t key)
{
    if (sc->graph.reciprocity <= 0) return;
    int64_t m = g->m;
    /* which follows are returned, drawn on threads (each from its own stream)
     * into a bitset; then appended in order */
    uint64_t *back = tc_xcalloc((size_t)(m / 64 + 1), sizeof *back);
    #pragma omp parallel for schedule(static)
    for (int64_t wd = 0; wd < m / 64 + 1; wd++) {
        uint64_t bits = 0;
        for (int64_t e = wd * 64; e < (wd + 1) * 64 && e < m; e++)
            if (tc_rng_u01(key, TC_P_RECIPROCITY, (uint32_t)e, (uint64_t)e >> 32) <
                sc->graph.reciprocity)
                bits |= (uint64_t)1 << (e & 63);
        back[wd] = bits;
    }
    for (int64_t wd = 0; wd < m / 64 + 1; wd++)
        for (uint64_t bits = back[wd]; bits; bits &= bits - 1) {
            int64_t e = wd * 64 + __builtin_ctzll(bits);
            add_edge(g, g->dst[e], g->src[e]);
        }
    free(back);
}

static int find_comm(const tc_edges *g, const char *name)
{
    for (int c = 0; c < g->ncomm; c++)
        if (!strcmp(g->comm_names[c], name)) return c;
    return -1;
}

static int unknown_comm(tc_err *err, const tc_edges *g, const tc_where *w, const char *key,
                        const char *name)
{
    char list[512] = "";
    for (int c = 0; c < g->ncomm && strlen(list) < 400; c++) {
        strcat(list, c ? ", " : "");
        strncat(list, g->comm_names[c], 60);
    }
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: unknown community '%s'; the graph has: %s",
               w->file, w->line, w->col, key, name, list);
    return TC_EINPUT;
}

int tc_graph_add_hubs(tc_edges *g, const tc_scenario *sc, uint64_t key, tc_err *err)
{
    int rc = TC_OK;
    int32_t nb = g->nbase;
    int32_t *own = tc_xmalloc((size_t)nb * sizeof *own);
    int32_t *other = tc_xmalloc((size_t)nb * sizeof *other);
    int32_t *pick = tc_xmalloc((size_t)nb * sizeof *pick);
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);

    g->n = nb + sc->nnew;
    int32_t hub = nb;
    for (int h = 0; h < sc->nhubs; h++) {
        const tc_hub_spec *hs = &sc->hubs[h];
        char key_name[48];
        if (hs->id >= 0) {
            if (hs->id >= nb)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: accounts.%d.id: account %lld named '%s', but the "
                        "graph's accounts are 0 .. %d", hs->id_at.file, hs->id_at.line,
                        hs->id_at.col, h, (long long)hs->id, hs->name, nb - 1);
            continue;
        }
        snprintf(key_name, sizeof key_name, "accounts.%d.community", h);
        int c = find_comm(g, hs->community);
        if (c < 0) {
            rc = unknown_comm(err, g, &hs->community_at, key_name, hs->community);
            goto cleanup;
        }
        g->comm[hub] = (uint16_t)c;
        int64_t no = 0, nx = 0;
        for (int32_t v = 0; v < nb; v++) {
            if (g->comm[v] == c) own[no++] = v;
            else other[nx++] = v;
        }
        if (hs->followers > nb)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: accounts.%d.followers: %lld followers asked for '%s', "
                    "but the graph has %d accounts", hs->followers_at.file, hs->followers_at.line,
                    hs->followers_at.col, h, (long long)hs->followers, hs->name, nb);
        if (hs->following > no)
            TC_FAIL(TC_EINPUT, "%s: accounts.%d.following: '%s' cannot follow %lld accounts: "
                    "community '%s' has %lld", sc->path, h, hs->name, (long long)hs->following,
                    hs->community, (long long)no);
        int64_t kin = llround((double)hs->followers * hs->in_community);
        int64_t kout = hs->followers - kin;
        /* a community too small (or too large) for the split gives the rest */
        if (kin > no) kout += kin - no, kin = no;
        if (kout > nx) kin += kout - nx, kout = nx;
        tc_rng_seek(r, key, TC_P_HUB, (uint32_t)h, 0);
        gsl_ran_choose(r, pick, (size_t)kin, own, (size_t)no, sizeof *own);
        for (int64_t i = 0; i < kin; i++) add_edge(g, hub, pick[i]);
        tc_rng_seek(r, key, TC_P_HUB, (uint32_t)h, 1);
        gsl_ran_choose(r, pick, (size_t)kout, other, (size_t)nx, sizeof *other);
        for (int64_t i = 0; i < kout; i++) add_edge(g, hub, pick[i]);
        tc_rng_seek(r, key, TC_P_HUB, (uint32_t)h, 2);
        gsl_ran_choose(r, pick, (size_t)hs->following, own, (size_t)no, sizeof *own);
        for (int64_t i = 0; i < hs->following; i++) add_edge(g, pick[i], hub);
        hub++;
    }
cleanup:
    gsl_rng_free(r);
    free(pick);
    free(other);
    free(own);
    return rc;
}

int tc_graph_build(tc_edges *g, const tc_scenario *sc, uint64_t key, tc_err *err)
{
    int rc = TC_OK;
    memset(g, 0, sizeof *g);
    if (sc->graph.generator != TC_GEN_NONE) {
        char what[300];
        snprintf(what, sizeof what, "%s:%d:%d: graph", sc->graph.at.file, sc->graph.at.line,
                 sc->graph.at.col);
        TC_TRY(tc_graph_check_memory((double)sc->graph.n + sc->nnew, expected_edges(sc), what, err));
    }
    igraph_rng_seed(igraph_rng_default(), tc_rng_derive(key, TC_P_IGRAPH, 0) & 0xffffffffu);
    /* the follows expected, and a little over: grown by half when short, never
     * touched where not used */
    if (sc->graph.generator != TC_GEN_NONE && sc->graph.generator != TC_GEN_SBM)
        tc_graph_reserve(g, (int64_t)(expected_edges(sc) * 1.01) + 1024);
    if (sc->graph.generator != TC_GEN_NONE) TC_TRY(generate(g, sc, key, err));
    else TC_TRY(import(g, sc, err));
    g->n = g->nbase;
    mix(g, sc, key);
    reciprocate(g, sc, key);
    TC_TRY(tc_graph_add_hubs(g, sc, key, err));
cleanup:
    if (rc) tc_graph_destroy(g);
    return rc;
}
