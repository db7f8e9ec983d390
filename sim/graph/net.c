/* Counting sort of edges by source into a CSR, then per-audience sort and dedup. */
#include "graph/net.h"

#include <stdlib.h>
#include <string.h>

#include "base/sort.h"

/* Drop self-loops and repeats from sorted audiences, moving entries down. */
static void compact(tc_net *net)
{
    int64_t w = 0;
    for (int32_t u = 0; u < net->n; u++) {
        int64_t a = net->off[u], b = net->off[u + 1];
        net->off[u] = w;
        for (int64_t i = a; i < b; i++) {
            int32_t v = net->dst[i];
            if (v == u) net->self_loops_dropped++;
            else if (w > net->off[u] && net->dst[w - 1] == v) net->duplicates_dropped++;
            else net->dst[w++] = v;
        }
    }
    net->off[net->n] = w;
    net->m = w;
    net->dst = tc_xrealloc(net->dst, (size_t)(w ? w : 1) * sizeof *net->dst);
}

void tc_net_freeze(tc_net *net)
{
    int32_t n = net->n;
    #pragma omp parallel for schedule(dynamic, 4096)
    for (int32_t u = 0; u < n; u++)
        tc_sort_i32(net->dst + net->off[u], net->off[u + 1] - net->off[u]);
    compact(net);
}

static int check_ids(int32_t n, int64_t m, const int32_t *src, const int32_t *dst, tc_err *err)
{
    int rc = TC_OK;
    for (int64_t e = 0; e < m; e++)
        if (src[e] < 0 || src[e] >= n || dst[e] < 0 || dst[e] >= n)
            TC_FAIL(TC_EINPUT, "edge %lld (%d -> %d) names an account outside [0, %d)",
                    (long long)e, src[e], dst[e], n);
cleanup:
    return rc;
}

int tc_net_from_edges(tc_net *net, int32_t n, int64_t m, const int32_t *src,
                      const int32_t *dst, tc_err *err)
{
    int rc = TC_OK;
    memset(net, 0, sizeof *net);
    if (n < 0) TC_FAIL(TC_EINPUT, "negative account count %d", n);
    TC_TRY(check_ids(n, m, src, dst, err));
    net->n = n;
    net->off = tc_xmalloc(((size_t)n + 1) * sizeof *net->off);
    memset(net->off, 0, ((size_t)n + 1) * sizeof *net->off);
    for (int64_t e = 0; e < m; e++) net->off[src[e] + 1]++;
    for (int32_t u = 0; u < n; u++) net->off[u + 1] += net->off[u];
    net->dst = tc_xmalloc((size_t)(m ? m : 1) * sizeof *net->dst);
    tc_touch_pages(net->dst, (size_t)m * sizeof *net->dst); /* filled in scattered order */
    /* off[u] serves as u's fill cursor; afterwards it holds u's end, which is
     * u+1's start, so one shift puts the offsets back */
    for (int64_t e = 0; e < m; e++) net->dst[net->off[src[e]]++] = dst[e];
    memmove(net->off + 1, net->off, (size_t)n * sizeof *net->off);
    net->off[0] = 0;
    tc_net_freeze(net);
cleanup:
    if (rc) tc_net_destroy(net);
    return rc;
}

int tc_net_add_edges(tc_net *net, int32_t n, int64_t k, const int32_t *src,
                     const int32_t *dst, tc_err *err)
{
    int rc = TC_OK;
    int64_t *cur = NULL;
    net->hashed = 0;
    int32_t *dirty = NULL;
    if (n < net->n) TC_FAIL(TC_EINPUT, "cannot shrink a net of %d accounts to %d", net->n, n);
    TC_TRY(check_ids(n, k, src, dst, err));
    int32_t n0 = net->n;
    int64_t m0 = net->m;
    net->off = tc_xrealloc(net->off, ((size_t)n + 1) * sizeof *net->off);
    for (int32_t u = n0; u < n; u++) net->off[u + 1] = m0;
    net->n = n;
    cur = tc_xcalloc((size_t)n + 1, sizeof *cur);
    for (int64_t e = 0; e < k; e++) cur[src[e]]++;
    net->dst = tc_xrealloc(net->dst, (size_t)(m0 + k ? m0 + k : 1) * sizeof *net->dst);

    /* from the last audience down: each moves up by the edges added before it,
     * and its new edges go right after it (cur[u] becomes their fill cursor) */
    int64_t after = 0, old_next = net->off[n], ndirty = 0;
    for (int32_t u = n - 1; u >= 0; u--) {
        int64_t extra = cur[u], shift = k - after - extra;
        int64_t a = net->off[u], b = old_next;
        if (shift) memmove(net->dst + a + shift, net->dst + a, (size_t)(b - a) * sizeof *net->dst);
        net->off[u + 1] = b + shift + extra;
        cur[u] = b + shift;
        ndirty += extra > 0;
        after += extra;
        old_next = a;
    }
    for (int64_t e = 0; e < k; e++) net->dst[cur[src[e]]++] = dst[e];
    /* only the audiences that grew need sorting again */
    dirty = tc_xmalloc((size_t)(ndirty ? ndirty : 1) * sizeof *dirty);
    ndirty = 0;
    for (int64_t e = 0; e < k; e++) cur[src[e]] = -1;
    for (int32_t u = 0; u < n; u++)
        if (cur[u] == -1) dirty[ndirty++] = u;
    #pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < ndirty; i++) {
        int32_t u = dirty[i];
        tc_sort_i32(net->dst + net->off[u], net->off[u + 1] - net->off[u]);
    }
    compact(net);
cleanup:
    free(dirty);
    free(cur);
    return rc;
}

void tc_net_destroy(tc_net *net)
{
    if (!net) return;
    free(net->off);
    free(net->dst);
    memset(net, 0, sizeof *net);
}

uint64_t tc_net_hash(const tc_net *net)
{
    if (net->hashed) return net->hash;
    uint64_t h = TC_NET_HASH_INIT;
    int64_t n = net->n;
    h = tc_net_hash_bytes(h, &n, sizeof n);
    h = tc_net_hash_bytes(h, &net->m, sizeof net->m);
    h = tc_net_hash_bytes(h, net->off, ((size_t)net->n + 1) * sizeof *net->off);
    h = tc_net_hash_bytes(h, net->dst, (size_t)net->m * sizeof *net->dst);
    return h;
}
