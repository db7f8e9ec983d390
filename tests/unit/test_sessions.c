/* Reading sessions as the event engine finds them (tc_event_next_session,
 * tc_event_next_trend_session) against the plain definition: local hour H of
 * account w holds the Poisson points drawn as gaps by gsl_ran_exponential from
 * stream (SESSION, w, H). The engine's versions know an hour without a session
 * from its first uniform, without the logarithm, and walk the sessions after a
 * trend check in one pass: both must give the same sessions, bit for bit, at
 * rates from one session a week to 30 an hour (above 10 an hour the shortcut is
 * off), in three time zones, over 2 days. */
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

/* The trend's walk by definition: session after session until one at or after
 * `until` or one at which w sees the trend. */
static double plain_trend(const tc_event_engine *e, gsl_rng *r, int32_t w, double t,
                          double until)
{
    for (double s = plain_next(e, r, w, t); s < horizon; s = plain_next(e, r, w, s))
        if (s >= until || tc_event_trend_shows(e, w, s)) return s;
    return INFINITY;
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
    int64_t compared = 0, found = 0, shortcut_hours = 0, mismatch = 0, tmismatch = 0;
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
            double until = t + gsl_rng_uniform(pick) * 20000;
            a = tc_event_next_trend_session(&e, r, w, t, until);
            b = plain_trend(&e, q, w, t, until);
            if (memcmp(&a, &b, sizeof a)) {
                if (tmismatch++ < 5)
                    CHECK(0, "rate %g/h, account %d, trend after %.17g until %.17g: %.17g, by "
                          "definition %.17g", per_hour[k], w, t, until, a, b);
            }
        }
    }
    CHECK(mismatch == 0, "%lld of %lld next sessions differ", (long long)mismatch,
          (long long)compared);
    CHECK(tmismatch == 0, "%lld of %lld trend walks differ", (long long)tmismatch,
          (long long)compared);
    /* the comparison means something: sessions were found, and most hours of
     * most rates took the shortcut */
    CHECK(found > compared / 2, "only %lld of %lld calls found a session", (long long)found,
          (long long)compared);
    CHECK(shortcut_hours >= 24 * 6, "the shortcut served only %lld hours of %d",
          (long long)shortcut_hours, 24 * NR);
    gsl_rng_free(pick);
    gsl_rng_free(r);
    gsl_rng_free(q);
    return tc_test_done("test_sessions");
}
