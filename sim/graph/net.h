/* The frozen audience graph the engine walks: a CSR where audience(u) = the
 * accounts that see u's posts (u's followers), sorted, without self-loops or
 * duplicates. int32 account ids, int64 offsets. Read-only once built. */
#ifndef TC_SIM_NET_H
#define TC_SIM_NET_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tc_net {
    int32_t n;      /* accounts */
    int64_t m;      /* audience entries (edges) */
    int64_t *off;   /* [n+1]: audience(u) = dst[off[u] .. off[u+1]) */
    int32_t *dst;   /* [m] */
    int64_t self_loops_dropped, duplicates_dropped;
    int hashed;     /* 1: `hash` is tc_net_hash of the arrays as they are */
    uint64_t hash;
} tc_net;

/* Freeze m edges (src's posts reach dst) on n accounts into a CSR. Self-loops are
 * dropped, duplicate edges kept once; both counted. O(n + m log d) time, one copy
 * of the edges plus the CSR in memory. Fails with TC_EINPUT if an id is out of
 * [0, n). */
int tc_net_from_edges(tc_net *net, int32_t n, int64_t m, const int32_t *src,
                      const int32_t *dst, tc_err *err);

/* Make a filled CSR canonical: sort each audience, then drop self-loops and
 * repeats in place, adding them to self_loops_dropped and duplicates_dropped;
 * off is rewritten, dst shrunk to the new m. Audiences are sorted on OpenMP
 * threads; the result does not depend on their number. O(m log d). */
void tc_net_freeze(tc_net *net);

/* Add k edges (src's posts reach dst) to a frozen net, growing it to n >= net->n
 * accounts (the new ones start with empty audiences). Audiences are moved in
 * place, so the peak is the grown CSR, not two of them; only audiences that
 * receive an edge are sorted again. Same result as tc_net_from_edges on all
 * the edges. TC_EINPUT if an id is out of [0, n). */
int tc_net_add_edges(tc_net *net, int32_t n, int64_t k, const int32_t *src,
                     const int32_t *dst, tc_err *err);

void tc_net_destroy(tc_net *net);


static inline int64_t tc_net_degree(const tc_net *net, int32_t u)
{
    return net->off[u + 1] - net->off[u];
}

/* FNV-1a 64 over n, m (as int64), off and dst: equal graphs give equal hashes.
 * A net that knows its hash (`hashed`, set where it was just computed: a store's
 * check) answers without reading the arrays again. */
uint64_t tc_net_hash(const tc_net *net);

/* The FNV-1a 64 step of tc_net_hash, for hashing a CSR that is not in memory
 * all at once: start from TC_NET_HASH_INIT and feed the same bytes in order. */
#define TC_NET_HASH_INIT 0xcbf29ce484222325ULL
static inline uint64_t tc_net_hash_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < len; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

#endif
