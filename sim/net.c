/* Counting sort of edges by source into a CSR, then per-audience sort and dedup. */
#include "net.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int tc_net_from_edges(tc_net *net, int32_t n, int64_t m, const int32_t *src,
                      const int32_t *dst, tc_err *err)
{
    int rc = TC_OK;
    int64_t *fill = NULL;
    memset(net, 0, sizeof *net);
    if (n < 0) TC_FAIL(TC_EINPUT, "negative account count %d", n);
    for (int64_t e = 0; e < m; e++)
        if (src[e] < 0 || src[e] >= n || dst[e] < 0 || dst[e] >= n)
            TC_FAIL(TC_EINPUT, "edge %lld (%d -> %d) names an account outside [0, %d)",
                    (long long)e, src[e], dst[e], n);
    net->n = n;
    net->off = tc_xcalloc((size_t)n + 1, sizeof *net->off);
    for (int64_t e = 0; e < m; e++) net->off[src[e] + 1]++;
    for (int32_t u = 0; u < n; u++) net->off[u + 1] += net->off[u];
    fill = tc_xmalloc(((size_t)n + 1) * sizeof *fill);
    memcpy(fill, net->off, ((size_t)n + 1) * sizeof *fill);
    net->dst = tc_xmalloc((size_t)(m ? m : 1) * sizeof *net->dst);
    for (int64_t e = 0; e < m; e++) net->dst[fill[src[e]]++] = dst[e];

    /* sort each audience, then compact in place dropping self-loops and repeats */
    int64_t w = 0;
    for (int32_t u = 0; u < n; u++) {
        int64_t a = net->off[u], b = net->off[u + 1];
        qsort(net->dst + a, (size_t)(b - a), sizeof *net->dst, cmp_i32);
        net->off[u] = w;
        for (int64_t i = a; i < b; i++) {
            int32_t v = net->dst[i];
            if (v == u) net->self_loops_dropped++;
            else if (w > net->off[u] && net->dst[w - 1] == v) net->duplicates_dropped++;
            else net->dst[w++] = v;
        }
    }
    net->off[n] = w;
    net->m = w;
    net->dst = tc_xrealloc(net->dst, (size_t)(w ? w : 1) * sizeof *net->dst);
cleanup:
    free(fill);
    if (rc) tc_net_destroy(net);
    return rc;
}

void tc_net_destroy(tc_net *net)
{
    if (!net) return;
    free(net->off);
    free(net->dst);
    memset(net, 0, sizeof *net);
}

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < len; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t tc_net_hash(const tc_net *net)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int64_t n = net->n;
    h = fnv(h, &n, sizeof n);
    h = fnv(h, &net->m, sizeof net->m);
    h = fnv(h, net->off, ((size_t)net->n + 1) * sizeof *net->off);
    h = fnv(h, net->dst, (size_t)net->m * sizeof *net->dst);
    return h;
}
