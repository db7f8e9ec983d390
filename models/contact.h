/* One helper shared by the step rules: the chance that at least one of n
 * independent contacts, each succeeding with probability p, succeeds. */
#ifndef TC_MODELS_CONTACT_H
#define TC_MODELS_CONTACT_H

#include <math.h>
#include <stdint.h>

/* 1 - (1 - p)^n for p in [0, 1], n >= 0; exact 0 for n = 0 or p = 0 and 1 for
 * p = 1. Computed as -expm1(n log1p(-p)) so that small p keeps its digits. */
static inline double tc_contact_prob(double p, int64_t n)
{
    if (n <= 0 || p <= 0) return 0.0;
    if (p >= 1) return 1.0;
    return -expm1((double)n * log1p(-p));
}

#endif
