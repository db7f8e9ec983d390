/* The radix sort of 64-bit keys against qsort: random keys over the whole
 * range, keys that differ in a few digits only (passes skipped), many equal
 * keys, short inputs that go to qsort, and the pairs of world building. The
 * sort of account ids against qsort: every length to 300, long runs of random,
 * few distinct, sorted, reversed, organ-pipe and equal ids, two sorted runs
 * (merged) and nearly sorted ids, and the heapsort the quicksort turns to when
 * it splits too deep. */
#include <stdlib.h>
#include <string.h>

#include "base/sort.h"
#include "tc_test.h"

static int cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static uint64_t state = 0x9e3779b97f4a7c15u;
static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void check(const char *what, int64_t n, uint64_t mask, uint64_t base)
{
    uint64_t *a = malloc((size_t)(n ? n : 1) * sizeof *a), *b = malloc((size_t)(n ? n : 1) * sizeof *b);
    for (int64_t i = 0; i < n; i++) a[i] = b[i] = base | (next() & mask);
    tc_sort_u64(a, n);
    qsort(b, (size_t)n, sizeof *b, cmp);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0, "%s: n = %lld", what, (long long)n);
    free(a);
    free(b);
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* shape 0 random, 1 few distinct, 2 sorted, 3 reversed, 4 organ pipe, 5 equal,
 * 6 two sorted runs interleaving, 7 two sorted runs with repeats within and
 * across, 8 sorted but for the last value */
static void check_i32(int64_t n, int shape)
{
    int32_t *a = malloc((size_t)(n ? n : 1) * sizeof *a), *b = malloc((size_t)(n ? n : 1) * sizeof *b);
    for (int64_t i = 0; i < n; i++) {
        int32_t v = (int32_t)next();
        switch (shape) {
        case 1: v = (int32_t)(next() % 5) - 2; break;
        case 2: v = (int32_t)i * 3; break;
        case 3: v = (int32_t)(n - i); break;
        case 4: v = (int32_t)(i < n / 2 ? i : n - i); break;
        case 5: v = 7; break;
        case 6: v = (int32_t)(i < n / 3 ? 3 * i : 3 * (i - n / 3) + 1); break;
        case 7: v = (int32_t)(i < n / 2 ? i / 3 : (i - n / 2) / 2); break;
        case 8: v = (int32_t)(i < n - 1 ? i : n / 2); break;
        default: break;
        }
        a[i] = b[i] = v;
    }
    tc_sort_i32(a, n);
    qsort(b, (size_t)n, sizeof *b, cmp_i32);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0, "ids: n = %lld, shape %d", (long long)n, shape);
    free(a);
    free(b);
}

/* The quicksort's way out: heapsort from the start (depth 0) and after one split
 * (depth 1), on long inputs of each shape. */
static void check_i32_heap(int64_t n, int shape, int depth)
{
    int32_t *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    for (int64_t i = 0; i < n; i++)
        a[i] = shape == 1 ? (int32_t)(next() % 5) : shape == 3 ? (int32_t)(n - i) : (int32_t)next();
    memcpy(b, a, (size_t)n * sizeof *a);
    tc_sort_i32_depth(a, n, depth);
    qsort(b, (size_t)n, sizeof *b, cmp_i32);
    CHECK(memcmp(a, b, (size_t)n * sizeof *a) == 0, "ids: depth %d, n = %lld, shape %d", depth,
          (long long)n, shape);
    free(a);
    free(b);
}

int main(void)
{
    for (int64_t n = 0; n <= 300; n++)
        for (int shape = 0; shape < 9; shape++) check_i32(n, shape);
    for (int shape = 0; shape < 9; shape++) check_i32(200000, shape);
    for (int depth = 0; depth < 2; depth++)
        for (int shape = 0; shape < 4; shape++) {
            check_i32_heap(33 + shape, shape, depth);
            check_i32_heap(50000, shape, depth);
        }

    check("empty", 0, ~0ull, 0);
    check("one", 1, ~0ull, 0);
    check("short", 1000, ~0ull, 0);
    check("whole range", 100000, ~0ull, 0);
    check("one digit", 50000, 0xff00ull, 0x123400000000ull);
    check("many equal", 70000, 0x7ull << 40, 5);
    check("all equal", 5000, 0, 42);
    /* pairs (src << 32 | dst) of 32-bit account numbers */
    check("pairs", 200000, 0x000fffff000fffffull, 0);
    return tc_test_done("sort");
}
