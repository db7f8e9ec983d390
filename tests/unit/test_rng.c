/* The random streams: Philox known answers, the GSL wrapper, keyed positioning,
 * and the statistics of the doubles it returns. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "base/rng.h"
#include "tc_test.h"

int main(void)
{
    /* Random123's kat_vectors for philox4x32-10 */
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int i = 0; i < 3; i++) {
        uint32_t out[4];
        tc_rng_block(kat[i], kat[i] + 4, out);
        CHECK(memcmp(out, kat[i] + 6, sizeof out) == 0, "vector %d: %08x %08x %08x %08x", i,
              out[0], out[1], out[2], out[3]);
    }

    /* the GSL generator with key 0 at counter 0 gives the first vector's words */
    gsl_rng *r = gsl_rng_alloc(tc_rng_philox);
    gsl_rng_set(r, 0);
    for (int i = 0; i < 4; i++) {
        unsigned long w = gsl_rng_get(r);
        CHECK(w == kat[0][6 + i], "word %d = %08lx", i, w);
    }
    CHECK(!strcmp(gsl_rng_name(r), "philox4x32-10"), "name %s", gsl_rng_name(r));

    /* positioning: the first uniform after a seek equals tc_rng_u01 of that stream,
     * whatever was drawn before, and streams differ by purpose, a and b */
    uint64_t key = 0x0123456789abcdefULL;
    gsl_rng_uniform(r);
    tc_rng_seek(r, key, TC_P_ADOPT, 17, ((uint64_t)5 << 32) | 3);
    double u1 = gsl_rng_uniform_pos(r);
    CHECK(u1 == tc_rng_u01(key, TC_P_ADOPT, 17, ((uint64_t)5 << 32) | 3), "seek vs u01");
    CHECK(u1 != tc_rng_u01(key, TC_P_DELAY, 17, ((uint64_t)5 << 32) | 3), "purpose separates");
    CHECK(u1 != tc_rng_u01(key, TC_P_ADOPT, 18, ((uint64_t)5 << 32) | 3), "a separates");
    CHECK(u1 != tc_rng_u01(key, TC_P_ADOPT, 17, ((uint64_t)6 << 32) | 3), "b separates");
    CHECK(u1 != tc_rng_u01(key + 1, TC_P_ADOPT, 17, ((uint64_t)5 << 32) | 3), "key separates");
    /* every bit of b counts: the 65,537th post of an author gets its own draws */
    CHECK(u1 != tc_rng_u01(key, TC_P_ADOPT, 17, ((uint64_t)5 << 32) | (3 + 65536)),
          "high bits of the post number separate");

    /* order does not matter: draws for 1000 streams, forwards then backwards */
    double fwd[1000];
    for (int a = 0; a < 1000; a++) {
        tc_rng_seek(r, key, TC_P_DELAY, (uint32_t)a, 9);
        fwd[a] = gsl_ran_lognormal(r, 1.0, 2.0);
    }
    int same = 1;
    for (int a = 999; a >= 0; a--) {
        tc_rng_seek(r, key, TC_P_DELAY, (uint32_t)a, 9);
        same &= gsl_ran_lognormal(r, 1.0, 2.0) == fwd[a];
    }
    CHECK(same, "reverse order gives the same draws");

    /* uniform doubles: inside (0,1), mean 1/2 and variance 1/12 within 4 SE */
    const int N = 1000000;
    double s = 0, s2 = 0, lo = 1, hi = 0;
    tc_rng_seek(r, key, TC_P_GRAPH, 0, 0);
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform_pos(r);
        s += u;
        s2 += u * u;
        if (u < lo) lo = u;
        if (u > hi) hi = u;
    }
    double mean = s / N, var = s2 / N - mean * mean;
    CHECK(lo > 0 && hi < 1, "range (%g, %g)", lo, hi);
    CHECK(fabs(mean - 0.5) < 4 * sqrt(1.0 / 12 / N), "mean %.6f", mean);
    /* var of u^2 for U(0,1) is 4/45; SE of the variance estimate ~ sqrt(1/180/N) */
    CHECK(fabs(var - 1.0 / 12) < 4 * sqrt(1.0 / 180 / N), "variance %.6f", var);

    /* a GSL distribution through the wrapper: Gaussian mean 0, variance 1 */
    s = s2 = 0;
    for (int i = 0; i < N; i++) {
        double g = gsl_ran_gaussian(r, 1.0);
        s += g;
        s2 += g * g;
    }
    mean = s / N;
    var = s2 / N - mean * mean;
    CHECK(fabs(mean) < 4 / sqrt((double)N), "gaussian mean %.5f", mean);
    CHECK(fabs(var - 1) < 4 * sqrt(2.0 / N), "gaussian variance %.5f", var);

    /* derived keys: deterministic and distinct */
    CHECK(tc_rng_derive(1, 2, 0) == tc_rng_derive(1, 2, 0), "derive is a function");
    CHECK(tc_rng_derive(1, 2, 0) != tc_rng_derive(1, 2, 1), "derive separates j");
    CHECK(tc_rng_derive(1, 2, 0) != tc_rng_derive(2, 2, 0), "derive separates seed");
    gsl_rng_free(r);
    return tc_test_done("rng");
}
