/* Sorting 64-bit keys: a least-significant-digit radix sort, linear in the
 * number of keys, for the large sorts of world building where qsort's
 * comparisons cost more than the rest of the work. The result is the sorted
 * sequence, the same as any other sort of the same keys gives. */
#ifndef TC_SIM_SORT_H
#define TC_SIM_SORT_H

#include <stdint.h>

/* Sort a[0 .. n) ascending. Takes n * 8 bytes of scratch (tc_xmalloc). */
void tc_sort_u64(uint64_t *a, int64_t n);

#endif
