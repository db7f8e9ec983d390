/* Reading sessions as the event engine finds them (tc_event_next_session)
 * against the plain definition: local hour H of account w holds the Poisson
 * points drawn as gaps by gsl_ran_exponential from stream (SESSION, w, H). The
 * engine's version knows an hour without a session from its first uniform,
 * without the logarithm: both must give the same sessions, bit for bit, at
 * rates from one session a week to 30 an hour (above 10 an hour the shortcut is
 * off), in three time zones, over 2 days.
 *
 * Sightings (tc_event_next_sighting: the sessions that show the trend or the
 * news, drawn directly) against the integral walked hour by hour from the same
 * exponential, to a microsecond, with hours without sessions; and as a process:
 * over 2 days the counts per account have the mean and variance of a Poisson
 * count of p times the sessions expected, they fall in the local hours in
 * proportion to the hours' rates, and at p = 1 they are as many as the
 * sessions. */
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "engine/event.h"
#include "tc_test.h"

static const double horizon = 2 * 86400.0;

/* The definition: the first point after t, or INFINITY. */
static double plain_next(const tc_event_engine *e, gsl_rng *r, int32_t w, double t)
{
    const tc_population *pop = e->pop;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    for (int64_t H = (int64_t)floor((t + (double)off) / 3600.0);; H++) {
        double start = (double)(H * 3600 - off);
        if (start >= horizon) return INFINITY;
        double lam = pop->rate[((H % 24) + 24) % 24];
        if (lam <= 0 || start + 3600 <= t) continue;
        tc_rng_seek(r, e->key, TC_P_SESSION, (uint32_t)w, (uint64_t)H);
        for (double s = start;;) {
            s += gsl_ran_exponential(r, 1.0 / lam);
            if (s >= start + 3600) break;
            if (s > t) return s < horizon ? s : INFINITY;
        }
    }
}

/* A sighting by definition: E / p sessions' worth of rate, hour by hour. */
static double plain_sighting(const tc_event_engine *e, int32_t w, double t, double p,
                             uint64_t b)
{
    const tc_population *pop = e->pop;
    double need = -log(tc_rng_u01(e->key, TC_P_TREND, (uint32_t)w, b)) / p;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    for (int64_t H = (int64_t)floor((t + (double)off) / 3600.0);; H++) {
        double start = (double)(H * 3600 - off);
        if (start >= horizon) return INFINITY;
        double lam = pop->rate[((H % 24) + 24) % 24], lo = start > t ? start : t;
        double have = lam * (start + 3600 - lo);
        if (need < have) {
            double s = lo + need / lam;
            return s < horizon ? s : INFINITY;
        }
        need -= have;
    }
}

/* Sightings of w in [0, horizon) at probability p, counted by local hour. */
static int64_t count_sightings(const tc_event_engine *e, int32_t w, double p, int64_t *by_hour)
{
    const tc_population *pop = e->pop;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]], n = 0;
    for (double t = 0;;) {
        uint64_t b;
        memcpy(&b, &t, sizeof b);
        t = tc_event_next_sighting(e, w, t, p, TC_P_TREND, b);
        if (t == INFINITY) return n;
        n++;
        if (by_hour) by_hour[(((int64_t)floor((t + (double)off) / 3600.0) % 24) + 24) % 24]++;
    }
}

/* Local hours h of w's zone that lie in [0, horizon), as fractions, by h. */
static void hours_in_window(const tc_population *pop, int32_t w, double *frac)
{
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    for (int64_t H = (int64_t)floor((double)off / 3600.0);; H++) {
        double start = (double)(H * 3600 - off);
        if (start >= horizon) return;
        double lo = start > 0 ? start : 0, hi = start + 3600 < horizon ? start + 3600 : horizon;
        frac[((H % 24) + 24) % 24] += (hi - lo) / 3600.0;
    }
}

static void sighting_checks(tc_event_engine *e, gsl_rng *pick)
{
    tc_population *pop = (tc_population *)e->pop;
    enum { N = 3000 };
    /* against the definition, with the night hours 2-5 without sessions */
    int64_t compared = 0, far = 0, bad = 0;
    for (int k = 0; k < 4; k++) {
        for (int h = 0; h < 24; h++)
            pop->rate[h] = (0.2 + k) * (0.25 + 1.5 * (h % 12) / 11.0) / 3600.0 *
                           (k % 2 && h >= 2 && h <= 5 ? 0 : 1);
        tc_event_session_limits(e);
        for (int i = 0; i < 4000; i++) {
            int32_t w = (int32_t)gsl_rng_uniform_int(pick, N);
            double t = gsl_rng_uniform(pick) * horizon * 1.02 - 600, p = i % 3 ? 0.03 : 0.7;
            uint64_t b = gsl_rng_get(pick);
            double a = tc_event_next_sighting(e, w, t, p, TC_P_TREND, b);
            double d = plain_sighting(e, w, t, p, b);
            compared++;
            far += a == INFINITY;
            int ok = a == INFINITY || d == INFINITY ? (a == d || fmin(a, d) > horizon - 1e-3)
                                                    : fabs(a - d) <= 1e-6 && a > t;
            if (!ok && bad++ < 5)
                CHECK(0, "rate %d, account %d after %.17g at p %g: %.17g, by definition %.17g", k,
                      w, t, p, a, d);
        }
    }
    CHECK(bad == 0, "%lld of %lld sightings differ from the definition", (long long)bad,
          (long long)compared);
    CHECK(far < compared / 2 && far > 0, "%lld of %lld found no sighting", (long long)far,
          (long long)compared);

    /* as a process: 2.5 sessions an hour around the day, p = 0.1 */
    for (int h = 0; h < 24; h++) pop->rate[h] = 2.5 * (0.25 + 1.5 * (h % 12) / 11.0) / 3600.0;
    tc_event_session_limits(e);
    double p = 0.1, z = 0;
    int64_t by_hour[3][24] = {{0}};
    double sum = 0, sum2 = 0, expect = 0;
    for (int32_t w = 0; w < N; w++) {
        double frac[24] = {0}, m = 0;
        hours_in_window(pop, w, frac);
        for (int h = 0; h < 24; h++) m += p * pop->rate[h] * 3600 * frac[h];
        int64_t c = count_sightings(e, w, p, by_hour[w % 3]);
        sum += (double)c - m;
        sum2 += ((double)c - m) * ((double)c - m);
        expect += m;
    }
    double mean_m = expect / N, se = sqrt(mean_m / N);
    CHECK(fabs(sum / N) < 4 * se, "sightings per account off by %g (4 s.e. %g)", sum / N, 4 * se);
    CHECK(fabs(sum2 / N / mean_m - 1) < 0.1, "variance / mean %g, a Poisson count has 1",
          sum2 / N / mean_m);
    /* by local hour: chi-square over the 3 zones' 24 hours */
    for (int zn = 0; zn < 3; zn++) {
        double frac[24] = {0}, tot = 0, all = 0;
        hours_in_window(pop, zn, frac);
        for (int h = 0; h < 24; h++) tot += pop->rate[h] * frac[h], all += (double)by_hour[zn][h];
        for (int h = 0; h < 24; h++) {
            double ex = all * pop->rate[h] * frac[h] / tot, d = (double)by_hour[zn][h] - ex;
            z += d * d / ex;
        }
    }
    CHECK(z < 130, "sightings by local hour: chi-square %g on 69 degrees of freedom", z);
    /* at p = 1, as many as sessions */
    gsl_rng *r = tc_rng_alloc_own_line();
    double ns = 0, ng = 0;
    for (int32_t w = 0; w < N; w++) {
        for (double t = tc_event_next_session(e, r, w, 0); t < INFINITY;
             t = tc_event_next_session(e, r, w, t))
            ns++;
        ng += (double)count_sightings(e, w, 1.0, NULL);
    }
    CHECK(fabs(ns - ng) < 4 * sqrt(ns + ng), "%g sessions against %g sightings at p = 1", ns, ng);
    gsl_rng_free(r);
}

int main(void)
{
    /* sessions per hour: a quiet night, a busy evening, beyond the shortcut */
    const double per_hour[] = {0.006, 0.05, 0.3, 1, 2.5, 6, 9.9, 10.1, 30};
    enum { NR = sizeof per_hour / sizeof per_hour[0], N = 3000 };
    uint16_t comm[N];
    int32_t tz[3] = {-4 * 3600, 2 * 3600, 9 * 3600 + 1800};
    tc_population pop;
    memset(&pop, 0, sizeof pop);
    pop.comm = comm;
    pop.ncomm = 3;
    pop.tz = tz;
    pop.start_epoch = 1493992800; /* 2017-05-05 14:00 UTC */
    pop.trend_p = 0.1;
    for (int32_t v = 0; v < N; v++) comm[v] = (uint16_t)(v % 3);
    tc_event_engine e;
    memset(&e, 0, sizeof e);
    e.pop = &pop;
    e.horizon = horizon;
    e.key = 0x5eed5e55;
    gsl_rng *r = tc_rng_alloc_own_line(), *q = tc_rng_alloc_own_line();
    gsl_rng *pick = gsl_rng_alloc(gsl_rng_mt19937);
    int64_t compared = 0, found = 0, shortcut_hours = 0, mismatch = 0;
    for (int k = 0; k < NR; k++) {
        /* the rate of hour h rises and falls around per_hour[k] */
        for (int h = 0; h < 24; h++)
            pop.rate[h] = per_hour[k] * (0.25 + 1.5 * (h % 12) / 11.0) / 3600.0;
        tc_event_session_limits(&e);
        for (int h = 0; h < 24; h++) shortcut_hours += e.sess_empty[h] < 2;
        for (int i = 0; i < 4000; i++) {
            int32_t w = (int32_t)gsl_rng_uniform_int(pick, N);
            double t = gsl_rng_uniform(pick) * horizon * 1.02 - 600;
            double a = tc_event_next_session(&e, r, w, t), b = plain_next(&e, q, w, t);
            compared++;
            found += a < INFINITY;
            if (memcmp(&a, &b, sizeof a)) {
                if (mismatch++ < 5)
                    CHECK(0, "rate %g/h, account %d after %.17g: %.17g, by definition %.17g",
                          per_hour[k], w, t, a, b);
            }
        }
    }
    CHECK(mismatch == 0, "%lld of %lld next sessions differ", (long long)mismatch,
          (long long)compared);
    /* the comparison means something: sessions were found, and most hours of
     * most rates took the shortcut */
    CHECK(found > compared / 2, "only %lld of %lld calls found a session", (long long)found,
          (long long)compared);
    CHECK(shortcut_hours >= 24 * 6, "the shortcut served only %lld hours of %d",
          (long long)shortcut_hours, 24 * NR);
    sighting_checks(&e, pick);
    gsl_rng_free(pick);
    gsl_rng_free(r);
    gsl_rng_free(q);
    return tc_test_done("test_sessions");
}
