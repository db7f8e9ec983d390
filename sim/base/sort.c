/* Radix sort of 64-bit keys (base/sort.h). */
#include "base/sort.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

void tc_sort_u64(uint64_t *a, int64_t n)
{
    if (n < 2) return;
    if (n < 1024) { /* a few keys: the counts would cost more than the keys */
        qsort(a, (size_t)n, sizeof *a, cmp_u64);
        return;
    }
    enum { BITS = 16, R = 1 << BITS };
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    for (int64_t i = 0; i < n; i++) {
        all_or |= a[i];
        all_and &= a[i];
    }
    uint64_t *tmp = tc_xmalloc((size_t)n * sizeof *tmp);
    int64_t *cnt = tc_xmalloc((size_t)R * sizeof *cnt);
    uint64_t *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += BITS) {
        /* a digit that is the same in every key leaves the order as it is */
        if (((all_or ^ all_and) >> shift & (R - 1)) == 0) continue;
        memset(cnt, 0, (size_t)R * sizeof *cnt);
        for (int64_t i = 0; i < n; i++) cnt[src[i] >> shift & (R - 1)]++;
        for (int64_t k = 0, sum = 0; k < R; k++) {
            int64_t c = cnt[k];
            cnt[k] = sum;
            sum += c;
        }
        for (int64_t i = 0; i < n; i++) dst[cnt[src[i] >> shift & (R - 1)]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof *a);
    free(cnt);
    free(tmp);
}
