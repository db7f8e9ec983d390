/* The event engine: its set-up, who may act, and a bucket played in rounds.
 *
 * A bucket is processed in rounds: (1) the pending events of the bucket are sorted
 * by (account, time, kind, newest feed item first, parent, root) and played in
 * that order: reshares already decided, feed items read in a session (limited
 * attention, the rule deciding at read time), trend sightings, bot reposts;
 * (2) the posts this makes, and the timeline's posts of the bucket, are
 * delivered to every follower in parallel, each exposure deciding from its own
 * keyed stream; (3) events that land in the same bucket start another round.
 * Nothing depends on which thread did what, so the output is the same for any
 * thread count.
 *
 * People (humans and named accounts) read in sessions when the scenario has
 * them: an exposure at t is looked at after a log-normal latency D and read in
 * the account's first session after t + D. Sessions are the points of a Poisson
 * process whose rate follows the local hour; the points of each local hour are
 * drawn from a stream keyed by (account, hour), so "the next session after x" is
 * the same whoever asks, and only accounts with something to read cost work. */
#include "engine/event.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

/* ------------------------------------------------------------------ rule support */


/* The per-account arrays an event rule asks for in `uses`: the distinct-exposure
 * count, and the followee count (in-degree over the net and the population's
 * added edges); and the items each person has read, for fatigue. An array
 * carried over from an earlier run (tc_event_reuse) is cleared or refilled; one
 * this run does not ask for is freed. O(n + m), once per run. */
static void rule_init(tc_event_engine *e)
{
    const tc_net *net = e->net;
    const tc_population *pop = e->pop;
    unsigned uses = e->model->engine == TC_RULE_EVENT ? e->model->uses : 0;
    size_t n = net->n ? (size_t)net->n : 1;
    e->nseen = tc_zeroed_or_freed(e->nseen, uses & TC_USES_COUNT, n * sizeof *e->nseen);
    if (!((uses & TC_USES_DEGREE) || (pop->sessions && pop->background > 0))) {
        free(e->followees);
        e->followees = NULL;
    } else if (e->followees) {
        tc_population_count_followees(pop, net, e->followees);
    } else {
        e->followees = tc_population_followees(pop, net);
    }
    e->nread = tc_zeroed_or_freed(e->nread, pop->sessions && pop->appeal_fatigue > 0,
                               n * sizeof *e->nread);
    e->sight_thin = !e->fast_off && uses == TC_FIXED_BY_CLASS;
    for (int cls = 0; cls < 3; cls++) {
        tc_exposure x = {.src = -1, .dst = -1, .dst_class = (uint8_t)cls};
        e->sight_base[cls] = e->sight_thin ? e->model->adopt_prob(e->mpar, &x) : 1;
    }
}

double tc_event_sight_bound(const tc_event_engine *e, int32_t w)
{
    if (!e->sight_thin) return 1;
    const tc_population *pop = e->pop;
    int cls = pop->cls[w];
    double q = e->sight_base[cls];
    if (pop->susc && cls != TC_CLASS_BOT) q *= pop->susc[pop->comm[w]];
    return q < 1 ? q : 1; /* dampings only lower it: factors are at most 1 */
}

/* ------------------------------------------------------------------ init */

/* Make e ready for a run: inputs, time, and the state of a fresh engine. e is
 * zeroed but for the buffers tc_event_reuse carries over, which were built for
 * as many accounts, threads and communities; each is emptied here or where it
 * is next used, or allocated when it is missing. */
static void setup(tc_event_engine *e, const tc_net *net, const tc_population *pop,
                  const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                  tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_outcome *out)
{
    int threads = o->threads;
    e->net = net;
    e->pop = pop;
    e->tl = tl;
    e->model = model;
    e->mpar = mpar;
    e->rec = rec;
    e->key = key;
    e->threads = threads;
    tc_event_session_limits(e);
    e->delay_mu = log(pop->delay_median_s);
    e->dt = o->dt;
    e->horizon = o->horizon;
    e->nbuckets = (int64_t)ceil(o->horizon / o->dt);
    e->per_interval = o->per_interval;
    e->fast_off = !o->fast_path;
    e->out = out;

    int32_t n = net->n;
    if (e->flags) memset(e->flags, 0, (size_t)n);
    else e->flags = tc_xcalloc((size_t)n, 1);
    if (pop->sessions) {
        if (!e->sess_t) e->sess_t = tc_xmalloc((size_t)n * sizeof *e->sess_t);
        for (int32_t v = 0; v < n; v++) e->sess_t[v] = -1;
        if (e->sess_n) memset(e->sess_n, 0, (size_t)n * sizeof *e->sess_n);
        else e->sess_n = tc_xcalloc((size_t)n, sizeof *e->sess_n);
    } else {
        free(e->sess_t);
        free(e->sess_n);
        e->sess_t = NULL;
        e->sess_n = NULL;
    }

    tc_platform_init(e);
    tc_wheel_init(e);
    e->far.n = 0;
    e->cand.n = 0;
    /* what threads write at the same time lies on lines of their own */
    e->tstride = (2 + (int64_t)pop->ncomm + 7) / 8 * 8;
    size_t count_bytes = (size_t)e->tstride * sizeof *e->tcount;
    if (e->tcand) {
        for (int i = 0; i < threads; i++) e->tcand[i].p.n = 0;
        memset(e->tcount, 0, (size_t)threads * count_bytes);
        for (int i = 0; i < threads; i++) gsl_rng_set(e->rng[i], 0);
    } else {
        e->tcand = tc_xcalloc_lines((size_t)threads, sizeof *e->tcand);
        e->tcount = tc_xcalloc_lines((size_t)threads, count_bytes);
        e->rng = tc_xcalloc((size_t)threads, sizeof *e->rng);
        for (int i = 0; i < threads; i++) e->rng[i] = tc_rng_alloc_own_line();
    }
    rule_init(e);
}

tc_event_engine *tc_event_alloc(const tc_net *net, const tc_population *pop,
                                const tc_timeline *tl, const tc_model_type *model,
                                const double *mpar, tc_recorder *rec, uint64_t key,
                                const tc_engine_opts *o, tc_outcome *out)
{
    tc_event_engine *e = tc_xcalloc(1, sizeof *e);
    setup(e, net, pop, tl, model, mpar, rec, key, o, out);
    return e;
}

tc_event_engine *tc_event_reuse(tc_event_engine *old, const tc_net *net,
                                const tc_population *pop, const tc_timeline *tl,
                                const tc_model_type *model, const double *mpar,
                                tc_recorder *rec, uint64_t key, const tc_engine_opts *o,
                                tc_outcome *out)
{
    if (!old) return tc_event_alloc(net, pop, tl, model, mpar, rec, key, o, out);
    /* A fresh engine, zeroed, takes over the old one's arrays and vectors;
     * whatever is not carried is freed with the old one. So nothing of the
     * earlier run's state survives unless setup() or its next use empties it,
     * and an array left off this list costs an allocation, never a wrong
     * result. */
    tc_event_engine *e = tc_xcalloc(1, sizeof *e);
    e->threads = old->threads;
    TC_CARRY(e, old, flags); /* per account */
    TC_CARRY(e, old, sess_t);
    TC_CARRY(e, old, sess_n);
    TC_CARRY(e, old, nseen);
    TC_CARRY(e, old, followees);
    TC_CARRY(e, old, nread);
    TC_CARRY(e, old, fast_leader); /* cleared by tc_fast_applies */
    TC_CARRY(e, old, fexp);
    TC_CARRY(e, old, fclosed);
    TC_CARRY(e, old, fcand); /* per thread */
    TC_CARRY(e, old, tcand);
    TC_CARRY(e, old, tcount);
    TC_CARRY(e, old, rng);
    TC_CARRY(e, old, pchunk);
    TC_CARRY(e, old, slot); /* the wheel (its vectors' room given back at finish) */
    TC_CARRY(e, old, coarse);
    TC_CARRY(e, old, nblocks);
    TC_CARRY(e, old, far);
    TC_CARRY(e, old, need);
    TC_CARRY(e, old, cand); /* a round's scratch: emptied as it is used */
    TC_CARRY(e, old, posts);
    TC_CARRY(e, old, posts_cap);
    TC_CARRY(e, old, aud_prefix);
    TC_CARRY(e, old, order);
    TC_CARRY(e, old, order_tmp);
    TC_CARRY(e, old, order_cap);
    TC_CARRY(e, old, fitem);
    TC_CARRY(e, old, fitem_cap);
    TC_CARRY(e, old, funit);
    TC_CARRY(e, old, funit_cap);
    TC_CARRY(e, old, fbound);
    TC_CARRY(e, old, fbound_cap);
    tc_event_free(old);
    setup(e, net, pop, tl, model, mpar, rec, key, o, out);
    return e;
}

void tc_event_free(tc_event_engine *e)
{
    if (!e) return;
    free(e->flags);
    free(e->sess_t);
    free(e->sess_n);
    tc_platform_destroy(e);
    tc_wheel_destroy(e);
    free(e->posts);
    free(e->aud_prefix);
    if (e->tcand)
        for (int i = 0; i < e->threads; i++) free(e->tcand[i].p.v);
    free(e->tcand);
    free(e->tcount);
    if (e->rng)
        for (int i = 0; i < e->threads; i++) gsl_rng_free(e->rng[i]);
    free(e->rng);
    free(e->nseen);
    free(e->followees);
    free(e->nread);
    tc_fast_destroy(e);
    tc_play_free(e);
    free(e);
}

void tc_event_progress(const tc_event_engine *e, tc_progress *p)
{
    p->done = e->nbuckets ? (double)e->cur / (double)e->nbuckets : 1;
    if (p->done > 1) p->done = 1;
    p->t = (double)e->cur * e->dt;
    p->reshares = e->nreshares;
}

void tc_event_work(const tc_event_engine *e, tc_work *w)
{
    w->examined = e->examined;
    w->candidates = e->candidates;
    w->threaded_plays = e->threaded_plays;
}

/* ------------------------------------------------------------------ who may act */

int tc_event_silenced(const tc_event_engine *e, int32_t w, double t)
{
    for (int i = 0; i < e->nsilence; i++) {
        const tc_tevent *x = &e->tl->ev[e->silence[i]];
        if (t >= x->t && t < x->until && tc_timeline_covers(x, e->pop, w)) return 1;
    }
    return 0;
}

/* The rule's probability that w adopts a post by src it sees at t, having seen
 * nexp distinct accounts (rules that count), times w's community susceptibility
 * (people) and the dampings in force. Only the fields the rule asks for in
 * `uses` are filled. */
double tc_event_rule_prob(const tc_event_engine *e, int32_t src, int32_t w, double t,
                          int32_t nexp)
{
    const tc_population *pop = e->pop;
    unsigned uses = e->model->uses;
    tc_exposure x = {.src = src, .dst = w, .src_class = pop->cls[src], .dst_class = pop->cls[w],
                     .src_comm = pop->comm[src], .dst_comm = pop->comm[w]};
    if (uses & TC_USES_COUNT) x.nexp = nexp;
    if (uses & TC_USES_DEGREE) {
        x.followees = e->followees[w];
        x.audience = tc_population_audience(pop, e->net, src);
    }
    if (uses & TC_USES_THETA) x.theta = tc_rng_u01(e->key, TC_P_THETA, (uint32_t)w, 0);
    double prob = e->model->adopt_prob(e->mpar, &x);
    if (pop->susc && pop->cls[w] != TC_CLASS_BOT) prob *= pop->susc[pop->comm[w]];
    for (int i = 0; i < e->ndamping; i++) {
        const tc_tevent *d = &e->tl->ev[e->damping[i]];
        if (t >= d->t && t < d->until && tc_timeline_covers(d, pop, w)) prob *= d->factor;
    }
    return prob < 1 ? prob : 1;
}

/* Does the sorted array a[0..n) hold v? O(log n). */
static int sorted_has(const int32_t *a, int64_t n, int32_t v)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && a[lo] == v;
}

/* Is v in audience(u): the net or the population's added edges (both sorted
 * per account)? */
static int in_audience(const tc_event_engine *e, int32_t u, int32_t v)
{
    const tc_net *net = e->net;
    const tc_population *pop = e->pop;
    return sorted_has(net->dst + net->off[u], tc_net_degree(net, u), v) ||
           (pop->xoff && sorted_has(pop->xdst + pop->xoff[u], pop->xoff[u + 1] - pop->xoff[u], v));
}

/* Distinct accounts w has seen counting the trending post by `author` (at
 * least 1: w is seeing a post). */
int32_t tc_event_seen_with_trend(const tc_event_engine *e, int32_t author, int32_t w)
{
    int32_t k = e->nseen[w] + !in_audience(e, author, w);
    return k > 0 ? k : 1;
}

/* The hour's first gap, -log1p(-u) / rate, reaches its end when
 * u >= 1 - exp(-3600 rate); with a margin of a millionth of the hour, far above
 * the rounding of the gap and of the threshold (rates of at most 10 sessions an
 * hour keep it so), the logarithm is not needed to know. */
void tc_event_session_limits(tc_event_engine *e)
{
    e->sess_cum[0] = 0;
    for (int h = 0; h < 24; h++) {
        double x = 3600.0 * e->pop->rate[h];
        e->sess_empty[h] = x > 0 && x <= 10 ? -expm1(-x * (1 + 1e-6)) : 2;
        e->sess_cum[h + 1] = e->sess_cum[h] + (x > 0 ? x : 0);
    }
}

/* The first gap of local hour h's sessions, as gsl_ran_exponential(r, 1 / lam)
 * draws it (-log1p(-u) / lam), or INFINITY where u shows that it reaches past
 * the hour (most night hours): the same sessions, without the logarithm. */
static inline double first_gap(const tc_event_engine *e, gsl_rng *r, int h, double lam)
{
    double u = gsl_rng_uniform(r);
    if (u >= e->sess_empty[h]) return INFINITY;
    return -(1.0 / lam) * log1p(-u);
}

int tc_event_trend_shows(const tc_event_engine *e, int32_t w, double t)
{
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    return tc_rng_u01(e->key, TC_P_TREND, (uint32_t)w, bits) < e->pop->trend_p;
}

/* The first point strictly after t of w's session process drawn from stream
 * (purpose, w, tag | H), or INFINITY if none before the horizon. Local hour H
 * (hours since the epoch in w's time zone) holds the points of a Poisson
 * process of rate rate[H mod 24], drawn as gaps. */
static double next_point(const tc_event_engine *e, gsl_rng *r, int32_t w, double t,
                         uint32_t purpose, uint64_t tag)
{
    const tc_population *pop = e->pop;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    int64_t H = (int64_t)floor((t + (double)off) / 3600.0);
    for (;; H++) {
        double start = (double)(H * 3600 - off);
        if (start >= e->horizon) return INFINITY;
        int h = (int)(((H % 24) + 24) % 24);
        double lam = pop->rate[h];
        if (lam <= 0 || start + 3600 <= t) continue;
        tc_rng_seek(r, e->key, purpose, (uint32_t)w, tag | (uint64_t)H);
        for (double s = start + first_gap(e, r, h, lam);; s += gsl_ran_exponential(r, 1.0 / lam)) {
            if (s >= start + 3600) break;
            if (s <= t) continue;
            return s < e->horizon ? s : INFINITY;
        }
    }
}

double tc_event_next_session(const tc_event_engine *e, gsl_rng *r, int32_t w, double t)
{
    return next_point(e, r, w, t, TC_P_SESSION, 0);
}

double tc_event_next_look(const tc_event_engine *e, gsl_rng *r, int32_t w, double t,
                          uint32_t source)
{
    return next_point(e, r, w, t, TC_P_LOOK, (uint64_t)source << 32);
}

/* In w's local time, counted in seconds from the local midnight that begins
 * the day of the run's start (x), the sessions expected since then are
 * L(x) = whole days * sess_cum[24] + sess_cum[h] + rate[h] * (x's seconds into
 * hour h). The next sighting after t lies where L has grown by E / p, E
 * exponential: found hour by hour within one day, whole days at once. */
double tc_event_next_sighting(const tc_event_engine *e, int32_t w, double t, double p,
                              uint32_t purpose, uint64_t b)
{
    const tc_population *pop = e->pop;
    const double *cum = e->sess_cum, day = cum[24];
    if (!(p > 0) || !(day > 0) || t >= e->horizon) return INFINITY;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    int64_t d0 = off / 86400 - (off % 86400 < 0);
    double x = t + (double)(off - d0 * 86400);
    double days = floor(x / 86400), into = x - days * 86400;
    int h = (int)(into / 3600);
    h = h < 0 ? 0 : h > 23 ? 23 : h;
    double L = days * day + cum[h] + pop->rate[h] * (into - 3600.0 * h);
    double T = L - log(tc_rng_u01(e->key, purpose, (uint32_t)w, b)) / p;
    double D = floor(T / day), rem = T - D * day;
    if (rem < 0) rem = 0;
    int k = 0;
    while (k < 24 && !(rem < cum[k + 1])) k++;
    if (k == 24) { /* rounding at the day's end: the next day's first session hour */
        D += 1;
        rem = 0;
        for (k = 0; !(rem < cum[k + 1]); k++) {}
    }
    double y = D * 86400 + 3600.0 * k + (rem - cum[k]) / pop->rate[k];
    double s = t + (y - x);
    if (!(s > t)) s = nextafter(t, INFINITY);
    return s < e->horizon ? s : INFINITY;
}

/* ------------------------------------------------------------------ a bucket */

/* The next bucket holding anything (wheel, heap, timeline, trend check), or -1. */
static int64_t next_bucket(tc_event_engine *e)
{
    int64_t best = -1;
    if (e->next_event < e->tl->n) best = tc_event_bucket(e, e->tl->ev[e->next_event].t);
    int64_t b = tc_platform_next_check(e);
    if (b >= 0 && (best < 0 || b < best)) best = b;
    return tc_wheel_next(e, best);
}

int tc_event_step(tc_event_engine *e)
{
    int64_t b = next_bucket(e);
    if (b < 0 || b >= e->nbuckets) {
        e->cur = e->nbuckets;
        return 0;
    }
    e->cur = b;
    tc_wheel_refill(e);
    tc_platform_trend(e, (double)b * e->dt);
    int64_t iv = b / e->per_interval;
    tc_platform_fire(e, b, iv);
    tc_pvec *s = &e->slot[b & e->mask];
    for (;;) {
        if (e->nposts) tc_deliver_round(e, iv);
        if (!s->n) break;
        /* swap the slot out: events landing in this bucket go to a fresh round */
        tc_pvec tmp = e->cand;
        e->cand = *s;
        *s = tmp;
        e->pending -= e->cand.n;
        tc_play_bucket(e, &e->cand, iv);
    }
    e->cur = b + 1;
    tc_wheel_refill(e);
    return 1;
}

void tc_event_finish(tc_event_engine *e, tc_summary *s)
{
    if (e->cur >= e->nbuckets) tc_wheel_release(e);
    tc_platform_finish(e, s);
}
