/* The radix sort of 64-bit keys against qsort: random keys over the whole
 * range, keys that differ in a few digits only (passes skipped), many equal
 * keys, short inputs that go to qsort, and the pairs of world building. */
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

int main(void)
{
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
