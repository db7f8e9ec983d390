/* Sorting 64-bit keys: a least-significant-digit radix sort, linear in the
 * number of keys, for the large sorts of world building where qsort's
 * comparisons cost more than the rest of the work; and account ids in place,
 * for the many short audiences. The result is the sorted sequence, the same as
 * any other sort of the same keys gives. */
#ifndef TC_SIM_SORT_H
#define TC_SIM_SORT_H

#include <stdint.h>

/* Sort a[0 .. n) ascending. Takes n * 8 bytes of scratch (tc_xmalloc). */
void tc_sort_u64(uint64_t *a, int64_t n);

/* Sort a[0 .. n) ascending, in place: insertion sort up to 32 values (most
 * audiences); above, nothing for sorted values and one merge (scratch: the
 * first run) for two sorted runs, else a quicksort on the median of three that
 * turns to heapsort when it splits more than 2 log2 n times deep. */
void tc_sort_i32(int32_t *a, int64_t n);

/* The same with the depth bound given: 0 is heapsort from the start. */
void tc_sort_i32_depth(int32_t *a, int64_t n, int depth);

#endif
