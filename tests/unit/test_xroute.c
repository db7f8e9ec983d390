/* First exposures by the owners of the filter's lines (engine/xroute.h)
 * against a plain filter set on one thread: 200,000 accounts in 3
 * communities with bots among them, 12 rounds of 150,000 visits each (most
 * accounts visited several times, in several rounds), visited on 3 threads
 * and settled by 3 owners: a round sends each owner more followers than a
 * vector holds, so batches are set by visiting threads under the owner's lock
 * as well as by the owners at the end. After every round the bits, the
 * exposed flags and the counts by class and community must be those of the
 * plain filter. Then the same with the routes built for 4 threads but visited
 * and settled by a team of 2 (a team smaller than asked for). */
#include <gsl/gsl_rng.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/xroute.h"
#include "tc_test.h"

enum { N = 200000, ROUNDS = 12, VISITS = 150000, NC = 2 + 3 };

/* One configuration: routes for `owners`, a team of `team` threads. */
static void check(int owners, int team, const tc_population *pop, const int32_t *visit)
{
    size_t words = (N + 63) / 64;
    uint64_t *bits = calloc(words, sizeof *bits), *plain = calloc(words, sizeof *plain);
    uint8_t *exposed = calloc(N, 1);
    int64_t want[NC] = {0}, got[NC] = {0}, firsts = 0;
    int64_t cnt[16][NC];
    memset(cnt, 0, sizeof cnt);
    tc_xroute r;
    tc_xroute_init(&r, owners, bits, pop, exposed);
    int bad = 0;
    for (int k = 0; k < ROUNDS; k++) {
        const int32_t *v = visit + (int64_t)k * VISITS;
        for (int64_t i = 0; i < VISITS; i++) { /* the plain filter */
            uint64_t bit = (uint64_t)1 << (v[i] & 63);
            if (plain[v[i] >> 6] & bit) continue;
            plain[v[i] >> 6] |= bit;
            want[pop->cls[v[i]] == TC_CLASS_BOT]++;
            want[2 + pop->comm[v[i]]]++;
            firsts++;
        }
#pragma omp parallel num_threads(team)
        {
            int tid = omp_get_thread_num(), nth = omp_get_num_threads();
            /* runs of 37 visits, dealt out as a delivery's blocks are */
#pragma omp for schedule(dynamic, 1)
            for (int64_t a = 0; a < VISITS; a += 37)
                tc_xroute_visit(&r, tid, v + a, VISITS - a < 37 ? VISITS - a : 37, cnt[tid]);
            for (int o = tid; o < owners; o += nth) tc_xroute_settle(&r, o, cnt[tid]);
        }
        memset(got, 0, sizeof got);
        for (int t = 0; t < 16; t++)
            for (int q = 0; q < NC; q++) got[q] += cnt[t][q];
        int same = !memcmp(bits, plain, words * sizeof *bits) && !memcmp(got, want, sizeof got);
        for (int32_t a = 0; same && a < N; a++) same = exposed[a] == (plain[a >> 6] >> (a & 63) & 1);
        if (!same && bad++ < 3)
            CHECK(0, "%d owners, team of %d, round %d: not the plain filter's bits, flags or counts",
                  owners, team, k);
    }
    CHECK(bad == 0, "%d owners, team of %d: %d rounds differ", owners, team, bad);
    /* the comparison means something: most accounts were reached, over many
     * rounds, and bots and every community among them */
    CHECK(firsts > N / 2 && firsts < N, "%lld first exposures of %d accounts", (long long)firsts, N);
    CHECK(want[1] > 1000 && want[2] > 1000 && want[3] > 1000 && want[4] > 1000,
          "counts %lld %lld %lld %lld %lld", (long long)want[0], (long long)want[1],
          (long long)want[2], (long long)want[3], (long long)want[4]);
    tc_xroute_destroy(&r);
    free(bits);
    free(plain);
    free(exposed);
}

int main(void)
{
    static uint8_t cls[N];
    static uint16_t comm[N];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    for (int32_t v = 0; v < N; v++) {
        cls[v] = gsl_rng_uniform(g) < 0.1 ? TC_CLASS_BOT : TC_CLASS_HUMAN;
        comm[v] = (uint16_t)gsl_rng_uniform_int(g, 3);
    }
    tc_population pop;
    memset(&pop, 0, sizeof pop);
    pop.cls = cls;
    pop.comm = comm;
    pop.ncomm = 3;
    /* visits: a few accounts often (hubs' followers), the rest at random */
    int32_t *visit = malloc((size_t)ROUNDS * VISITS * sizeof *visit);
    for (int64_t i = 0; i < (int64_t)ROUNDS * VISITS; i++)
        visit[i] = gsl_rng_uniform(g) < 0.2 ? (int32_t)gsl_rng_uniform_int(g, 5000)
                                            : (int32_t)gsl_rng_uniform_int(g, N);
    check(3, 3, &pop, visit);
    check(4, 2, &pop, visit);
    free(visit);
    gsl_rng_free(g);
    return tc_test_done("test_xroute");
}
