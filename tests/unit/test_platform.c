/* The platform's post with the most volume (what a trend and the news show),
 * kept as volumes grow (tc_platform_root_vol), against a scan of all roots
 * for the first of the largest: after each of 400,000 steps that add a root or
 * count one more post of a root, in runs of 400 steps, at volumes small enough
 * that the largest is often shared, so that the order among equals is
 * checked. */
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "engine/event.h"
#include "tc_test.h"

/* The first root of the largest volume, by a scan. */
static int32_t scan_top(const int64_t *vol, int32_t nroots)
{
    int32_t best = 0;
    for (int32_t r = 1; r < nroots; r++)
        if (vol[r] > vol[best]) best = r;
    return best;
}

int main(void)
{
    enum { CAP = 600, STEPS = 400000 };
    static tc_event_engine e;
    memset(&e, 0, sizeof e);
    e.root_vol = calloc(CAP, sizeof *e.root_vol);
    e.top = 0;
    gsl_rng *pick = gsl_rng_alloc(gsl_rng_mt19937);
    int32_t nroots = 0;
    int64_t shared = 0, lower = 0, bad = 0;
    for (int i = 0; i < STEPS; i++) {
        if (i % 400 == 0) { /* a new run: one root at volume 0 */
            memset(e.root_vol, 0, CAP * sizeof *e.root_vol);
            nroots = 1;
            e.top = 0;
        }
        if (nroots < CAP && gsl_rng_uniform(pick) < 0.05) {
            e.root_vol[nroots++] = 0; /* a new root starts at 0 */
        } else {
            /* mostly the last few roots, so that late roots catch up */
            int32_t r = gsl_rng_uniform(pick) < 0.7
                            ? nroots - 1 - (int32_t)gsl_rng_uniform_int(pick, nroots < 4 ? nroots : 4)
                            : (int32_t)gsl_rng_uniform_int(pick, (unsigned long)nroots);
            int32_t before = e.top;
            tc_platform_root_vol(&e, r);
            lower += r < before && e.top == r && e.root_vol[r] == e.root_vol[before];
        }
        int32_t want = scan_top(e.root_vol, nroots);
        int ties = 0;
        for (int32_t r = 0; r < nroots; r++) ties += e.root_vol[r] == e.root_vol[want];
        shared += ties > 1;
        if (e.top != want && bad++ < 5)
            CHECK(0, "step %d: kept root %d (volume %lld), the scan finds %d (volume %lld)", i,
                  e.top, (long long)e.root_vol[e.top], want, (long long)e.root_vol[want]);
    }
    CHECK(bad == 0, "%lld of %d steps kept another root than the scan", (long long)bad, STEPS);
    /* the comparison means something: the largest volume was often shared,
     * and an earlier root drew level with the kept one and took its place */
    CHECK(shared > STEPS / 50, "the largest volume was shared after only %lld steps",
          (long long)shared);
    CHECK(lower > 300, "an earlier root drew level only %lld times", (long long)lower);
    gsl_rng_free(pick);
    free(e.root_vol);
    return tc_test_done("test_platform");
}
