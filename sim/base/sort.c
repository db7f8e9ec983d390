/* Radix sort of 64-bit keys, introsort of account ids (base/sort.h). */
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

static void insertion_i32(int32_t *a, int64_t n)
{
    for (int64_t i = 1; i < n; i++) {
        int32_t x = a[i];
        int64_t j = i;
        while (j > 0 && a[j - 1] > x) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

static void sift_i32(int32_t *a, int64_t i, int64_t n)
{
    int32_t x = a[i];
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c + 1] > a[c]) c++;
        if (a[c] <= x) break;
        a[i] = a[c];
        i = c;
    }
    a[i] = x;
}

static void heapsort_i32(int32_t *a, int64_t n)
{
    for (int64_t i = n / 2 - 1; i >= 0; i--) sift_i32(a, i, n);
    for (int64_t k = n - 1; k > 0; k--) {
        int32_t t = a[0];
        a[0] = a[k];
        a[k] = t;
        sift_i32(a, 0, k);
    }
}

static void intro_i32(int32_t *a, int64_t n, int depth)
{
    while (n > 32) {
        if (depth-- == 0) {
            heapsort_i32(a, n);
            return;
        }
        int32_t x = a[0], y = a[n / 2], z = a[n - 1];
        int32_t p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
        int64_t i = 0, j = n - 1;
        for (;;) { /* Hoare: a[0 .. j] <= p <= a[j + 1 .. n) */
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            int32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* the smaller side by recursion, the larger in the loop */
        int64_t left = j + 1;
        if (left < n - left) {
            intro_i32(a, left, depth);
            a += left;
            n -= left;
        } else {
            intro_i32(a + left, n - left, depth);
            n = left;
        }
    }
    insertion_i32(a, n);
}

void tc_sort_i32_depth(int32_t *a, int64_t n, int depth)
{
    if (n < 2) return;
    intro_i32(a, n, depth);
}

void tc_sort_i32(int32_t *a, int64_t n)
{
    if (n < 2) return;
    if (n > 32) {
        /* sorted already, or two sorted runs (a Chung-Lu audience: its own
         * community's candidates, then everyone's): one pass, or one merge */
        int64_t cut = -1, runs = 1;
        for (int64_t i = 1; i < n && runs <= 2; i++)
            if (a[i] < a[i - 1]) runs++, cut = i;
        if (runs == 1) return;
        if (runs == 2) {
            int32_t *left = tc_xmalloc((size_t)cut * sizeof *left);
            memcpy(left, a, (size_t)cut * sizeof *left);
            int64_t i = 0, j = cut, k = 0;
            while (i < cut && j < n) a[k++] = a[j] < left[i] ? a[j++] : left[i++];
            while (i < cut) a[k++] = left[i++];
            free(left);
            return;
        }
    }
    int depth = 2;
    for (int64_t m = n; m > 1; m >>= 1) depth += 2;
    tc_sort_i32_depth(a, n, depth);
}
