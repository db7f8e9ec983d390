/* Timing wheel + rounds within a bucket + edge-split parallel delivery.
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
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "engine/outcome.h"

static void pvec_push(tc_pvec *v, const tc_pending *p)
{
    if (v->n == v->cap) TC_GROW(v->v, v->cap, v->n + 1, 4); /* most wheel slots hold a few events */
    v->v[v->n++] = *p;
}

static void fast_destroy(tc_event_engine *e);
static void pchunk_free(tc_event_engine *e);

/* ------------------------------------------------------------------ far heap */

static void heap_push(tc_pvec *h, const tc_pending *p)
{
    pvec_push(h, p);
    int64_t i = h->n - 1;
    while (i > 0) {
        int64_t up = (i - 1) / 2;
        if (h->v[up].t <= h->v[i].t) break;
        tc_pending tmp = h->v[up];
        h->v[up] = h->v[i];
        h->v[i] = tmp;
        i = up;
    }
}

static tc_pending heap_pop(tc_pvec *h)
{
    tc_pending top = h->v[0];
    h->v[0] = h->v[--h->n];
    int64_t i = 0;
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && h->v[l].t < h->v[m].t) m = l;
        if (r < h->n && h->v[r].t < h->v[m].t) m = r;
        if (m == i) break;
        tc_pending tmp = h->v[m];
        h->v[m] = h->v[i];
        h->v[i] = tmp;
        i = m;
    }
    return top;
}

/* ------------------------------------------------------------------ wheel */

static inline int64_t bucket_of(const tc_event_engine *e, double t)
{
    int64_t b = (int64_t)floor(t / e->dt);
    return b < e->cur ? e->cur : b;
}

static void schedule(tc_event_engine *e, const tc_pending *p)
{
    if (p->t >= e->horizon) return;
    int64_t b = bucket_of(e, p->t);
    if (b >= e->nbuckets) return;
    if (b - e->cur < e->W) pvec_push(&e->slot[b & e->mask], p);
    else heap_push(&e->far, p);
    e->pending++;
}

/* Move heap events that now fall inside the wheel into their slots. */
static void refill(tc_event_engine *e)
{
    while (e->far.n && bucket_of(e, e->far.v[0].t) - e->cur < e->W) {
        tc_pending p = heap_pop(&e->far);
        pvec_push(&e->slot[bucket_of(e, p.t) & e->mask], &p);
    }
}

/* Could the next trend check change anything? Only while the tag trends or
 * volume is still inside the window. */
static int trend_live(const tc_event_engine *e)
{
    return e->trend_enabled && (e->trend_on || e->vol_last >= e->trend_next - e->nwin);
}

/* The next bucket holding anything (wheel, heap, timeline, trend check), or -1. */
static int64_t next_bucket(tc_event_engine *e)
{
    int64_t best = -1;
    if (e->next_event < e->tl->n) best = bucket_of(e, e->tl->ev[e->next_event].t);
    if (trend_live(e)) {
        double tc = (double)e->trend_next * e->pop->trend_every_s;
        if (tc < e->horizon) {
            int64_t b = bucket_of(e, tc);
            if (best < 0 || b < best) best = b;
        }
    }
    int64_t in_wheel = e->pending - e->far.n;
    if (in_wheel > 0) {
        int64_t lim = best >= 0 ? best : e->cur + e->W;
        for (int64_t b = e->cur; b < lim && b < e->cur + e->W; b++)
            if (e->slot[b & e->mask].n) return b;
    } else if (e->far.n) {
        int64_t b = bucket_of(e, e->far.v[0].t);
        if (best < 0 || b < best) best = b;
    }
    return best;
}

/* ------------------------------------------------------------------ rule support */

/* The per-account arrays an event rule asks for in `uses`: the distinct-exposure
 * count, and the followee count (in-degree over the net and the population's
 * added edges). O(n + m), once per engine. */
static void rule_init(tc_event_engine *e)
{
    const tc_net *net = e->net;
    const tc_population *pop = e->pop;
    unsigned uses = e->model->engine == TC_RULE_EVENT ? e->model->uses : 0;
    size_t n = net->n ? (size_t)net->n : 1;
    if (uses & TC_USES_COUNT) e->nseen = tc_xcalloc(n, sizeof *e->nseen);
    if (uses & TC_USES_DEGREE) e->followees = tc_population_followees(pop, net);
}

/* ------------------------------------------------------------------ init */

tc_event_engine *tc_event_alloc(const tc_net *net, const tc_population *pop,
                                const tc_timeline *tl, const tc_model_type *model,
                                const double *mpar, tc_recorder *rec, uint64_t key,
                                const tc_engine_opts *o, tc_outcome *out)
{
    int threads = o->threads;
    tc_event_engine *e = tc_xcalloc(1, sizeof *e);
    e->net = net;
    e->pop = pop;
    e->tl = tl;
    e->model = model;
    e->mpar = mpar;
    e->rec = rec;
    e->key = key;
    e->threads = threads;
    e->dt = o->dt;
    e->horizon = o->horizon;
    e->nbuckets = (int64_t)ceil(o->horizon / o->dt);
    e->per_interval = o->per_interval;
    e->fast_off = !o->fast_path;
    e->out = out;

    int32_t n = net->n;
    e->flags = tc_xcalloc((size_t)n, 1);
    if (pop->sessions) {
        e->sess_t = tc_xmalloc((size_t)n * sizeof *e->sess_t);
        for (int32_t v = 0; v < n; v++) e->sess_t[v] = -1;
        e->sess_n = tc_xcalloc((size_t)n, sizeof *e->sess_n);
    }

    e->silence = tc_xmalloc(((size_t)tl->n + 1) * sizeof *e->silence);
    e->damping = tc_xmalloc(((size_t)tl->n + 1) * sizeof *e->damping);
    for (int i = 0; i < tl->n; i++) {
        if (tl->ev[i].kind == TC_EV_SILENCE) e->silence[e->nsilence++] = i;
        if (tl->ev[i].kind == TC_EV_DAMPING) e->damping[e->ndamping++] = i;
    }
    e->tk_removed = tc_xcalloc((size_t)tl->n + 1, sizeof *e->tk_removed);

    if (pop->trend_on) {
        e->trend_enabled = 1;
        e->nwin = (int64_t)llround(pop->trend_window_s / pop->trend_every_s);
        e->vol = tc_xcalloc((size_t)e->nwin + 1, sizeof *e->vol);
        e->vol_last = -1;
        e->trend_next = 1;
    }

    e->W = 1 << 14;
    e->mask = e->W - 1;
    e->slot = tc_xcalloc((size_t)e->W, sizeof *e->slot);
    /* what threads write at the same time lies on lines of their own */
    e->tcand = tc_xcalloc_lines((size_t)threads, sizeof *e->tcand);
    e->tstride = (2 + (int64_t)pop->ncomm + 7) / 8 * 8;
    e->tcount = tc_xcalloc_lines((size_t)threads, (size_t)e->tstride * sizeof *e->tcount);
    e->rng = tc_xcalloc((size_t)threads, sizeof *e->rng);
    for (int i = 0; i < threads; i++) e->rng[i] = tc_rng_alloc_own_line();
    rule_init(e);
    return e;
}

void tc_event_free(tc_event_engine *e)
{
    if (!e) return;
    free(e->flags);
    free(e->sess_t);
    free(e->sess_n);
    free(e->silence);
    free(e->damping);
    free(e->tk_removed);
    free(e->vol);
    free(e->root_vol);
    free(e->spans);
    if (e->slot)
        for (int64_t i = 0; i < e->W; i++) free(e->slot[i].v);
    free(e->slot);
    free(e->far.v);
    free(e->cand.v);
    free(e->need);
    free(e->order);
    free(e->order_tmp);
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
    fast_destroy(e);
    pchunk_free(e);
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

static inline int bot_active(const tc_event_engine *e, int32_t w, double t)
{
    return !e->pop->grp || t >= e->tl->act[e->pop->grp[w]];
}

static int silenced(const tc_event_engine *e, int32_t w, double t)
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
static double rule_prob(const tc_event_engine *e, int32_t src, int32_t w, double t, int32_t nexp)
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

/* rule_prob with w's own count (the exposure being decided is counted already). */
static double adopt_prob(const tc_event_engine *e, int32_t src, int32_t w, double t)
{
    return rule_prob(e, src, w, t, e->nseen ? e->nseen[w] : 0);
}

/* Reshare delay of an account of class cls, from `r` positioned by the caller:
 * the rule's own when it has one, else the population's. */
static double reshare_delay(const tc_event_engine *e, gsl_rng *r, int cls)
{
    return e->model->delay ? e->model->delay(e->mpar, r) : tc_population_delay(e->pop, r, cls);
}

/* Is the post (author, seq, root) the one its author adopted with: its reshare
 * (seq 0) or the timeline post that started its cascade? A rule that counts
 * distinct accounts counts only those, so that repeats, reposts and later
 * timeline posts by the same author do not count again. Stable once the post
 * exists: an author's root and depth are set when it adopts, never after. */
static inline int adoption_post(const tc_event_engine *e, int32_t author, int32_t seq, int32_t root)
{
    return seq == 0 || (seq > 0 && e->out->root[author] == root && e->out->depth[author] == 0);
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
static int32_t seen_with_trend(const tc_event_engine *e, int32_t author, int32_t w)
{
    int32_t k = e->nseen[w] + !in_audience(e, author, w);
    return k > 0 ? k : 1;
}

static inline uint64_t post_key(int32_t author, int32_t seq)
{
    return ((uint64_t)(uint32_t)author << 32) | (uint32_t)seq;
}

static inline uint64_t time_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b;
}

/* The first reading session of w strictly after t, or INFINITY if none before
 * the horizon. Local hour H (hours since the epoch in w's time zone) holds the
 * points of a Poisson process of rate rate[H mod 24], drawn from stream
 * (SESSION, w, H). */
static double next_session(const tc_event_engine *e, gsl_rng *r, int32_t w, double t)
{
    const tc_population *pop = e->pop;
    int64_t off = pop->start_epoch + pop->tz[pop->comm[w]];
    int64_t H = (int64_t)floor((t + (double)off) / 3600.0);
    for (;; H++) {
        double start = (double)(H * 3600 - off);
        if (start >= e->horizon) return INFINITY;
        double lam = pop->rate[((H % 24) + 24) % 24];
        if (lam <= 0 || start + 3600 <= t) continue;
        tc_rng_seek(r, e->key, TC_P_SESSION, (uint32_t)w, (uint64_t)H);
        for (double s = start;;) {
            s += gsl_ran_exponential(r, 1.0 / lam);
            if (s >= start + 3600) break;
            if (s > t) return s < e->horizon ? s : INFINITY;
        }
    }
}

/* ------------------------------------------------------------------ a round */

/* Room for `need` posts in the round, and for the audience prefix over them. */
static void posts_room(tc_event_engine *e, int64_t need)
{
    if (need <= e->posts_cap) return;
    TC_GROW(e->posts, e->posts_cap, need, 256);
    e->aud_prefix = tc_xrealloc(e->aud_prefix, (size_t)(e->posts_cap + 1) * sizeof *e->aud_prefix);
}

static void add_post(tc_event_engine *e, const tc_post *p)
{
    posts_room(e, e->nposts + 1);
    e->posts[e->nposts++] = *p;
}

static inline int count_class(uint8_t cls) { return cls == TC_CLASS_BOT; }

/* Exposure of w to post p: first-exposure count, then what w does with it:
 * a bot (or a person when there are no sessions) decides now and, on adoption,
 * draws its delay; a person with sessions gets the post in its feed, to be read
 * in the first session after a log-normal latency. Each draw comes from its own
 * stream keyed by (w, author, seq), so the outcome is the same whichever thread
 * sees it. Under a rule that counts distinct accounts seen, the count depends
 * on the order of exposures, so w's decision waits for play(): the post comes
 * back as a TC_K_EXPOSE event at p->t (only if it is its author's adoption
 * post: nothing else can raise the count). */
static void expose(tc_event_engine *e, int tid, const tc_post *p, int32_t w)
{
    const tc_population *pop = e->pop;
    if (e->flags[w] & TC_F_REMOVED) return; /* written only between rounds */
    int64_t *cnt = e->tcount + (size_t)tid * (size_t)e->tstride;
    if (!__atomic_exchange_n(&e->out->exposed[w], 1, __ATOMIC_RELAXED)) {
        cnt[count_class(pop->cls[w])]++;
        cnt[2 + pop->comm[w]]++;
    }
    if (e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) return;
    int cls = pop->cls[w];
    uint64_t b = post_key(p->author, p->seq);
    gsl_rng *r = e->rng[tid];
    tc_pending c = {.account = w, .parent = p->author, .root = p->root, .depth = p->depth + 1,
                    .seq = p->seq, .t0 = (float)p->t, .kind = TC_K_RESHARE};
    if (cls != TC_CLASS_BOT && pop->sessions) {
        tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
        double look = p->t + gsl_ran_lognormal(r, log(pop->delay_median_s), pop->delay_sigma);
        c.t = next_session(e, r, w, look);
        if (c.t >= e->horizon) return;
        c.kind = TC_K_READ;
        pvec_push(&e->tcand[tid].p, &c);
        return;
    }
    if (cls == TC_CLASS_BOT && !bot_active(e, w, p->t)) return;
    int leader = pop->leader && pop->leader[w] == p->author && cls == TC_CLASS_BOT;
    if (e->nseen && !leader) {
        if (!adoption_post(e, p->author, p->seq, p->root)) return;
        c.t = p->t;
        c.kind = TC_K_EXPOSE;
        pvec_push(&e->tcand[tid].p, &c);
        return;
    }
    double prob = leader ? 1.0 : adopt_prob(e, p->author, w, p->t);
    if (prob <= 0) return;
    if (prob < 1 && tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, b) >= prob) return;
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    c.t = p->t + reshare_delay(e, r, cls);
    if (c.t >= e->horizon) return;
    pvec_push(&e->tcand[tid].p, &c);
}

static inline int64_t post_audience(const tc_event_engine *e, const tc_post *p)
{
    return p->to >= 0 ? 1 : tc_population_audience(e->pop, e->net, p->author);
}

static inline int32_t audience_member(const tc_event_engine *e, const tc_post *p, int64_t k)
{
    if (p->to >= 0) return p->to;
    int64_t d = tc_net_degree(e->net, p->author);
    if (k < d) return e->net->dst[e->net->off[p->author] + k];
    return e->pop->xdst[e->pop->xoff[p->author] + (k - d)];
}

/* ------------------------------------------------------------------ the fast path
 *
 * For a rule whose probability depends only on the follower's class
 * (TC_FIXED_BY_CLASS), asking every follower of a post for a uniform is wasted
 * work: most say no. Instead, with q the largest probability any follower could
 * have (over classes, community susceptibilities and the dampings in force),
 * the candidates are drawn by geometric jumps, each follower being one with
 * probability q independently, and a candidate adopts with probability
 * prob / q (a second draw). Each follower thus adopts with probability prob,
 * independently of the others: the same distribution as edge by edge, from
 * other random numbers.
 *
 * Keying: a post's audience is cut into blocks of TC_FAST_BLOCK entries; the
 * jumps of block j are read from stream (FAST_GAP, author, seq << 32 | j) and
 * the candidate w's second draw from (FAST_THIN, w, author << 32 | seq). The
 * blocks are the units of parallel work, so a hub's audience is spread over
 * the threads and nothing depends on which thread draws what.
 *
 * It applies only where people decide on seeing a post (no reading sessions:
 * with sessions every exposure is an item in a feed, read later), to the
 * posts to a whole audience (a mention goes edge by edge) by accounts that
 * lead no ring (a ring member takes its leader's post with probability 1). */

enum { TC_FAST_BLOCK = 4096 };

static void fast_destroy(tc_event_engine *e)
{
    free(e->fast_leader);
    free(e->fitem);
    free(e->funit);
    free(e->fbound);
    free(e->fcand);
    free(e->fexp);
    free(e->fclosed);
}

/* Decided at the first delivery: does the rule allow the fast path here? */
static int fast_applies(tc_event_engine *e)
{
    if (e->fast_state) return e->fast_state > 0;
    const tc_model_type *m = e->model;
    int ok = !e->fast_off && m->engine == TC_RULE_EVENT && (m->uses & TC_FIXED_BY_CLASS) &&
             !(m->uses & TC_USES_COUNT) && !e->pop->sessions;
    if (ok && e->pop->leader) {
        e->fast_leader = tc_xcalloc((size_t)e->net->n, 1);
        for (int32_t v = 0; v < e->net->n; v++)
            if (e->pop->leader[v] >= 0) e->fast_leader[e->pop->leader[v]] = 1;
    }
    if (ok) {
        size_t words = ((size_t)e->net->n + 63) / 64;
        e->fcand = tc_xcalloc_lines((size_t)e->threads, (size_t)e->tstride * sizeof *e->fcand);
        e->fexp = tc_xcalloc(words ? words : 1, sizeof *e->fexp);
        e->fclosed = tc_xcalloc(words ? words : 1, sizeof *e->fclosed);
    }
    e->fast_state = ok ? 1 : -1;
    return ok;
}

/* Does damping x cover accounts of class cls in community comm? As
 * tc_timeline_covers; one that names accounts is taken to cover none, which
 * only loosens the bound (factors are at most 1). */
static int damping_covers(const tc_tevent *x, int cls, int comm)
{
    return !x->naccounts && tc_timeline_covers_class(x, cls, comm);
}

/* The largest probability adopt_prob can give at t: the same products, in the
 * same order, over every class and community, so no account's probability
 * exceeds it even by a rounding. Cached while the dampings in force stay the
 * same; a damping past the 64th is left out of the key and of the product
 * (its factor is at most 1, so the bound stays a bound). */
static double fast_bound(tc_event_engine *e, double t)
{
    const tc_population *pop = e->pop;
    uint64_t mask = 0;
    for (int i = 0; i < e->ndamping && i < 64; i++) {
        const tc_tevent *d = &e->tl->ev[e->damping[i]];
        if (t >= d->t && t < d->until) mask |= (uint64_t)1 << i;
    }
    if (e->fbound_ok && mask == e->fbound_mask) return e->fbound_last;
    double best = 0;
    for (int cls = 0; cls < 3; cls++) {
        tc_exposure x = {.src = -1, .dst = -1, .dst_class = (uint8_t)cls};
        double base = e->model->adopt_prob(e->mpar, &x);
        for (int k = 0; k < pop->ncomm; k++) {
            double prob = base;
            if (pop->susc && cls != TC_CLASS_BOT) prob *= pop->susc[k];
            for (int i = 0; i < e->ndamping && i < 64; i++)
                if ((mask >> i & 1) && damping_covers(&e->tl->ev[e->damping[i]], cls, k))
                    prob *= e->tl->ev[e->damping[i]].factor;
            if (prob > best) best = prob;
        }
    }
    e->fbound_ok = 1;
    e->fbound_mask = mask;
    e->fbound_last = best < 1 ? best : 1;
    return e->fbound_last;
}

/* Bring fclosed up to date before a round's delivery: every account that
 * adopted since the last round is the author of one of its posts (the authors
 * of the other posts had adopted before); immunity and removal are read from
 * the flags whenever their counts moved. A set bit is always right. Should a
 * bit be missing, nothing changes but work: play() drops a reshare by an
 * account that has adopted, is immune or was removed, as it would have been
 * dropped here. */
static void fast_sync(tc_event_engine *e)
{
    int64_t moved = e->immunised + e->removed_bots + e->removed_humans;
    if (moved != e->fclosed_flags) {
        for (int32_t v = 0; v < e->net->n; v++)
            if (e->flags[v]) e->fclosed[v >> 6] |= (uint64_t)1 << (v & 63);
        e->fclosed_flags = moved;
    }
    for (int64_t i = 0; i < e->nposts; i++) {
        int32_t a = e->posts[i].author;
        e->fclosed[a >> 6] |= (uint64_t)1 << (a & 63);
    }
}

/* Mark the n accounts of a[] exposed, counting first exposures into cnt. The
 * bitset fexp answers for most of them from the cache; exposed[] decides who
 * counts a first exposure, as in expose(). */
static void fast_mark(tc_event_engine *e, int64_t *cnt, const int32_t *a, int64_t n, int removed)
{
    const tc_population *pop = e->pop;
    uint8_t *exposed = e->out->exposed;
    uint64_t *fexp = e->fexp;
    for (int64_t i = 0; i < n; i++) {
        int32_t w = a[i];
        uint64_t bit = (uint64_t)1 << (w & 63);
        if (__atomic_load_n(&fexp[w >> 6], __ATOMIC_RELAXED) & bit) continue;
        if (removed && (e->flags[w] & TC_F_REMOVED)) continue;
        if (!__atomic_exchange_n(&exposed[w], 1, __ATOMIC_RELAXED)) {
            cnt[count_class(pop->cls[w])]++;
            cnt[2 + pop->comm[w]]++;
        }
        __atomic_fetch_or(&fexp[w >> 6], bit, __ATOMIC_RELAXED);
    }
}

/* Candidate w of post p (drawn with probability q): keep it with probability
 * prob / q, then as expose() for an account that decides at once. Accounts
 * that adopted, are immune or were removed are known by fclosed (not by
 * adopt_t and flags, which would cost two cache misses per candidate). */
static void fast_candidate(tc_event_engine *e, int tid, const tc_post *p, int32_t w, double q)
{
    const tc_population *pop = e->pop;
    if (e->fclosed[w >> 6] >> (w & 63) & 1) return;
    int cls = pop->cls[w];
    if (cls == TC_CLASS_BOT && !bot_active(e, w, p->t)) return;
    double prob = adopt_prob(e, p->author, w, p->t);
    if (prob <= 0) return;
    uint64_t b = post_key(p->author, p->seq);
    if (prob < q && tc_rng_u01(e->key, TC_P_FAST_THIN, (uint32_t)w, b) * q >= prob) return;
    gsl_rng *r = e->rng[tid];
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    tc_pending c = {.account = w, .parent = p->author, .root = p->root, .depth = p->depth + 1,
                    .seq = p->seq, .t0 = (float)p->t, .kind = TC_K_RESHARE};
    c.t = p->t + tc_population_delay(pop, r, cls);
    if (c.t >= e->horizon) return;
    pvec_push(&e->tcand[tid].p, &c);
}

/* Block j of post i's audience: every entry exposed, the candidates drawn. */
static void fast_block(tc_event_engine *e, int tid, int64_t i, int64_t j, int64_t *cnt, int removed)
{
    const tc_post *p = &e->posts[i];
    const tc_net *net = e->net;
    const tc_population *pop = e->pop;
    int32_t u = p->author;
    int64_t d = tc_net_degree(net, u), A = post_audience(e, p);
    int64_t lo = j * TC_FAST_BLOCK, hi = lo + TC_FAST_BLOCK < A ? lo + TC_FAST_BLOCK : A;
    /* the block as up to two runs: the net's audience, then the added follows */
    const int32_t *s1 = net->dst + net->off[u], *s2 = pop->xdst ? pop->xdst + pop->xoff[u] - d : NULL;
    if (lo < d) fast_mark(e, cnt, s1 + lo, (hi < d ? hi : d) - lo, removed);
    if (hi > d) fast_mark(e, cnt, s2 + (lo > d ? lo : d), hi - (lo > d ? lo : d), removed);

    double q = e->fbound[i];
    if (q <= 0) return;
    double lq = log1p(-q); /* -inf when q = 1: every entry is a candidate */
    gsl_rng *r = e->rng[tid];
    tc_rng_seek(r, e->key, TC_P_FAST_GAP, (uint32_t)u,
                ((uint64_t)(uint32_t)p->seq << 32) | (uint64_t)(uint32_t)j);
    int64_t n = 0;
    for (int64_t k = lo;; k++) {
        if (q < 1) {
            double g = floor(log(gsl_rng_uniform_pos(r)) / lq); /* failures before the next */
            if (g >= (double)(hi - k)) break;
            k += (int64_t)g;
        } else if (k >= hi) {
            break;
        }
        n++;
        fast_candidate(e, tid, p, k < d ? s1[k] : s2[k], q);
    }
    e->fcand[tid * e->tstride] += n;
}

/* Edges lo .. lo + chunk - 1 (of total) of the posts going edge by edge. */
static void plain_chunk(tc_event_engine *e, int tid, int64_t lo, int64_t chunk, int64_t total)
{
    int64_t hi = lo + chunk < total ? lo + chunk : total;
    /* the post holding edge lo: last i with aud_prefix[i] <= lo */
    int64_t a = 0, z = e->nposts;
    while (z - a > 1) {
        int64_t mid = (a + z) / 2;
        if (e->aud_prefix[mid] <= lo) a = mid;
        else z = mid;
    }
    for (int64_t k = lo; k < hi; k++) {
        while (e->aud_prefix[a + 1] <= k) a++;
        const tc_post *p = &e->posts[a];
        expose(e, tid, p, audience_member(e, p, k - e->aud_prefix[a]));
    }
}

/* Unit c of the fast path's work. */
static void fast_unit(tc_event_engine *e, int tid, int64_t c, int64_t *cnt, int removed)
{
    for (int64_t k = e->funit[c]; k < e->funit[c + 1]; k++)
        fast_block(e, tid, e->fitem[k].post, e->fitem[k].j, cnt, removed);
}

/* Before many candidates go into the wheel: grow each slot they land in once,
 * to what it will hold, rather than doubling it several times over (each time
 * a copy, and fresh pages). */
static void reserve(tc_event_engine *e)
{
    int64_t total = 0;
    for (int t = 0; t < e->threads; t++) total += e->tcand[t].p.n;
    if (total < 4096) return;
    if (!e->need) e->need = tc_xcalloc((size_t)e->W, sizeof *e->need);
    for (int t = 0; t < e->threads; t++)
        for (int64_t i = 0; i < e->tcand[t].p.n; i++) {
            const tc_pending *p = &e->tcand[t].p.v[i];
            if (p->t >= e->horizon) continue;
            int64_t b = bucket_of(e, p->t);
            if (b < e->nbuckets && b - e->cur < e->W) e->need[b & e->mask]++;
        }
    for (int64_t k = 0; k < e->W; k++) {
        if (!e->need[k]) continue;
        tc_pvec *v = &e->slot[k];
        if (v->cap < v->n + e->need[k]) {
            v->cap = v->n + e->need[k];
            v->v = tc_xrealloc(v->v, (size_t)v->cap * sizeof *v->v);
        }
        e->need[k] = 0;
    }
}

/* Deliver every post of the round. Posts on the fast path become (post, block)
 * items grouped into units of about TC_FAST_BLOCK entries; the others go edge
 * by edge, split into equal runs of edges. Either way a hub with a million
 * followers is spread over all threads. */
static void deliver(tc_event_engine *e, int64_t iv)
{
    int64_t np = e->nposts;
    int fast = fast_applies(e);
    if (fast && e->fbound_cap < np) {
        e->fbound_cap = e->posts_cap;
        e->fbound = tc_xrealloc(e->fbound, (size_t)e->fbound_cap * sizeof *e->fbound);
    }
    e->nfitem = 0;
    e->nfunit = 0;
    int64_t acc = 0;
    e->aud_prefix[0] = 0;
    for (int64_t i = 0; i < np; i++) {
        const tc_post *p = &e->posts[i];
        int64_t A = post_audience(e, p);
        e->examined += A;
        if (fast && p->to < 0 && !(e->fast_leader && e->fast_leader[p->author])) {
            e->fbound[i] = fast_bound(e, p->t);
            e->aud_prefix[i + 1] = e->aud_prefix[i]; /* none edge by edge */
            for (int64_t j = 0; j * TC_FAST_BLOCK < A; j++) {
                TC_GROW(e->fitem, e->fitem_cap, e->nfitem + 1, 256);
                if (acc == 0) {
                    TC_GROW(e->funit, e->funit_cap, e->nfunit + 2, 256); /* and funit[nfunit] */
                    e->funit[e->nfunit++] = e->nfitem;
                }
                e->fitem[e->nfitem++] = (tc_fitem){.post = i, .j = j};
                acc += A - j * TC_FAST_BLOCK < TC_FAST_BLOCK ? A - j * TC_FAST_BLOCK : TC_FAST_BLOCK;
                if (acc >= TC_FAST_BLOCK) acc = 0;
            }
        } else {
            if (fast) e->fbound[i] = -1;
            e->aud_prefix[i + 1] = e->aud_prefix[i] + A;
        }
    }
    if (e->nfunit) e->funit[e->nfunit] = e->nfitem;
    if (fast) fast_sync(e);
    int64_t total = e->aud_prefix[np];
    const int64_t chunk = 4096;
    int64_t nchunks = (total + chunk - 1) / chunk, nunits = e->nfunit;
    int removed = e->removed_bots + e->removed_humans > 0;
    memset(e->tcount, 0, (size_t)e->threads * (size_t)e->tstride * sizeof *e->tcount);

    if (nchunks + nunits > 1) {
#pragma omp parallel num_threads(e->threads)
        {
            int tid = omp_get_thread_num();
            int64_t *cnt = e->tcount + (size_t)tid * (size_t)e->tstride;
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t c = 0; c < nchunks; c++) plain_chunk(e, tid, c * chunk, chunk, total);
#pragma omp for schedule(dynamic, 1)
            for (int64_t c = 0; c < nunits; c++) fast_unit(e, tid, c, cnt, removed);
        }
    } else {
        /* one unit of work: no parallel region (most rounds of a cascade) */
        if (nchunks) plain_chunk(e, 0, 0, chunk, total);
        if (nunits) fast_unit(e, 0, 0, e->tcount, removed);
    }
    reserve(e);
    for (int t = 0; t < e->threads; t++) {
        const int64_t *cnt = e->tcount + (size_t)t * (size_t)e->tstride;
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 0] += cnt[0];
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 1] += cnt[1];
        for (int c = 0; c < e->pop->ncomm; c++)
            e->rec->by_comm[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * e->rec->ncomm + c] +=
                cnt[2 + c];
        if (e->fcand) e->candidates += e->fcand[t * e->tstride], e->fcand[t * e->tstride] = 0;
        for (int64_t i = 0; i < e->tcand[t].p.n; i++) schedule(e, &e->tcand[t].p.v[i]);
        e->tcand[t].p.n = 0;
    }
    e->nposts = 0;
}

/* Sort order of a bucket's events: per account, by time, then kind; a session's
 * feed newest first; then parent and root so that the order is total. */
static int cmp_pending(const void *a, const void *b)
{
    const tc_pending *x = a, *y = b;
    if (x->account != y->account) return x->account < y->account ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    if (x->t0 != y->t0) return x->t0 > y->t0 ? -1 : 1;
    if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
    if (x->root != y->root) return x->root < y->root ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ------------------------------------------------------------------ volume */

/* Count one post or reshare at t into the trending window. */
static void trend_volume(tc_event_engine *e, double t, int32_t root)
{
    if (root >= 0 && e->root_vol) e->root_vol[root]++;
    if (!e->trend_enabled) return;
    int64_t k = (int64_t)floor(t / e->pop->trend_every_s), R = e->nwin + 1;
    for (int64_t j = e->vol_last + 1; j <= k && j <= e->vol_last + R; j++) e->vol[j % R] = 0;
    if (k > e->vol_last) e->vol_last = k;
    e->vol[k % R]++;
}

/* Bot w posts (seq) at t: mentions put the post in named accounts' feeds. */
static void mentions(tc_event_engine *e, int32_t w, double t, int32_t root, int32_t depth, int32_t seq)
{
    const tc_population *pop = e->pop;
    if (!pop->grp) return;
    const tc_bot_group *g = &pop->group[pop->grp[w]];
    for (int j = 0; j < g->nmentions; j++) {
        int32_t to = pop->mention_id[pop->grp[w]][j];
        if (to < 0 || g->mention_p <= 0) continue;
        uint64_t b = ((uint64_t)(uint32_t)seq << 8) | (uint64_t)j;
        if (tc_rng_u01(e->key, TC_P_MENTION, (uint32_t)w, b) >= g->mention_p) continue;
        tc_post p = {.t = t, .author = w, .root = root, .depth = depth, .seq = seq, .to = to};
        add_post(e, &p);
    }
}

/* Bot w's next repost after its k-th (k = 0: after adopting at t). */
static void schedule_reposts(tc_event_engine *e, int32_t w, double t, int kind, int32_t k)
{
    const tc_population *pop = e->pop;
    if (!pop->grp) return;
    const tc_bot_group *g = &pop->group[pop->grp[w]];
    tc_pending c = {.account = w, .parent = e->out->parent[w], .root = e->out->root[w],
                    .depth = e->out->depth[w], .seq = k + 1, .kind = (uint8_t)kind};
    if (kind == TC_K_REPEAT) {
        if (k >= g->repeat_count) return;
        c.t = t + g->repeat_interval_s;
    } else {
        if (g->posts_per_hour <= 0 || k >= 1000000000) return;
        gsl_rng *r = e->rng[0];
        tc_rng_seek(r, e->key, TC_P_REPOST, (uint32_t)w, (uint64_t)k);
        c.t = t + gsl_ran_exponential(r, 3600.0 / g->posts_per_hour);
    }
    schedule(e, &c);
}

/* w adopts at c->t: it reshares (records, counters, a post to its audience) and,
 * if a bot, starts repeating. */
static void adopt_account(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    const tc_population *pop = e->pop;
    int32_t w = c->account;
    tc_outcome_adopt(e->out, w, c->t, c->parent, c->root, c->depth);
    e->nreshares++;
    tc_recorder_add(e->rec, TC_CNT_RESHARES, iv, pop->cls[w], pop->comm[w], 1);
    tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[w], pop->comm[w], 1);
    trend_volume(e, c->t, c->root);
    if (e->out->record) {
        tc_adoption a = {.t = c->t, .account = w, .parent = c->parent, .root = c->root,
                         .depth = c->depth};
        tc_outcome_log(e->out, &a, 1);
    }
    tc_post p = {.t = c->t, .author = w, .root = c->root, .depth = c->depth, .seq = 0, .to = -1};
    add_post(e, &p);
    if (pop->cls[w] == TC_CLASS_BOT) {
        mentions(e, w, c->t, c->root, c->depth, 0);
        schedule_reposts(e, w, c->t, TC_K_REPEAT, 0);
        schedule_reposts(e, w, c->t, TC_K_REPOST, 0);
    }
}

/* A bot posts its message again: a reshare in the volume, not a new adopter. */
static void repost(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    const tc_population *pop = e->pop;
    int32_t w = c->account;
    if (!silenced(e, w, c->t)) {
        int32_t seq = c->kind == TC_K_REPEAT ? -c->seq : -1000001 - c->seq;
        e->repeats++;
        tc_recorder_add(e->rec, TC_CNT_RESHARES, iv, pop->cls[w], pop->comm[w], 1);
        trend_volume(e, c->t, e->out->root[w]);
        tc_post p = {.t = c->t, .author = w, .root = e->out->root[w], .depth = e->out->depth[w],
                     .seq = seq, .to = -1};
        add_post(e, &p);
        mentions(e, w, c->t, e->out->root[w], e->out->depth[w], seq);
    }
    schedule_reposts(e, w, c->t, c->kind, c->seq);
}

/* A person's session while the tag trends: it sees the trend with probability
 * trend_p and may adopt the most voluminous post; its next session is checked
 * while the trend lasts. */
static void trend_session(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    int32_t w = c->account;
    if (!e->trend_on || c->seq != e->trend_epoch || e->out->adopt_t[w] != INFINITY ||
        (e->flags[w] & TC_F_IMMUNE))
        return;
    uint64_t bits = time_bits(c->t);
    if (tc_rng_u01(e->key, TC_P_TREND, (uint32_t)w, bits) < e->pop->trend_p) {
        int32_t r = e->trend_root, author = e->out->roots[r].author;
        if (!e->out->exposed[w]) {
            e->out->exposed[w] = 1;
            tc_recorder_add(e->rec, TC_CNT_EXPOSED, iv, e->pop->cls[w], e->pop->comm[w], 1);
        }
        /* a rule that counts sees the trending post as one account more, unless
         * w follows its author; the sighting is not remembered, so sessions that
         * show the trend again do not add up */
        double prob = e->nseen ? rule_prob(e, author, w, c->t, seen_with_trend(e, author, w))
                               : adopt_prob(e, author, w, c->t);
        if (prob > 0 && (prob >= 1 || tc_rng_u01(e->key, TC_P_TREND_ADOPT, (uint32_t)w, bits) < prob) &&
            !silenced(e, w, c->t)) {
            tc_pending a = {.t = c->t, .account = w, .parent = author, .root = r, .depth = 1,
                            .seq = 0, .kind = TC_K_TREND};
            adopt_account(e, &a, iv);
            return;
        }
    }
    tc_pending n = *c;
    n.t = next_session(e, e->rng[0], w, c->t);
    if (n.t < e->horizon) schedule(e, &n);
}

/* A feed item read in w's session at c->t: counts against attention, then the
 * rule decides. Under a rule that counts, only the first copy (`again` == 0) of
 * an author's adoption post raises the count and is decided. */
static void read_item(tc_event_engine *e, const tc_pending *c, int64_t iv, int again)
{
    int32_t w = c->account;
    if (e->sess_t[w] != c->t) {
        e->sess_t[w] = c->t;
        e->sess_n[w] = 0;
    }
    if (e->pop->attention && e->sess_n[w] >= e->pop->attention) return;
    e->sess_n[w]++;
    if (e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) return;
    if (e->nseen) {
        if (again || !adoption_post(e, c->parent, c->seq, c->root)) return;
        e->nseen[w]++;
    }
    double prob = adopt_prob(e, c->parent, w, c->t);
    if (prob <= 0) return;
    if (prob < 1 &&
        tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, post_key(c->parent, c->seq)) >= prob)
        return;
    if (silenced(e, w, c->t)) return;
    adopt_account(e, c, iv);
}

/* Same post reaching the same account at the same time: a post delivered twice
 * (through the audience and a mention, or two mentions). Such copies are
 * neighbours once a bucket's events are sorted. */
static int same_post(const tc_pending *a, const tc_pending *b)
{
    return a->account == b->account && a->t == b->t && a->kind == b->kind &&
           a->parent == b->parent && a->root == b->root && a->seq == b->seq && a->t0 == b->t0;
}

/* w sees an author's adoption post at c->t under a rule that counts (no
 * sessions): the count goes up by one, the rule decides with it, and on
 * adoption the reshare is scheduled after w's delay. A decided account keeps
 * counting, encoded as -(count + 1), and decides nothing more unless its
 * reshare is dropped (see play). */
static void count_exposure(tc_event_engine *e, const tc_pending *c, int again)
{
    int32_t w = c->account;
    if (again || e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) return;
    if (e->nseen[w] < 0) {
        e->nseen[w]--;
        return;
    }
    e->nseen[w]++;
    uint64_t b = post_key(c->parent, c->seq);
    double prob = adopt_prob(e, c->parent, w, c->t);
    if (prob <= 0) return;
    if (prob < 1 && tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, b) >= prob) return;
    gsl_rng *r = e->rng[0];
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    tc_pending a = *c;
    a.kind = TC_K_RESHARE;
    a.t = c->t + reshare_delay(e, r, e->pop->cls[w]);
    if (a.t >= e->horizon) return;
    e->nseen[w] = -e->nseen[w] - 1;
    schedule(e, &a);
}

/* The order in which play() takes a bucket's n events, as cmp_pending sorts
 * them: e->order[i] & 0xffffffff is the index of the i-th. Large buckets go by
 * a stable radix sort on the account (events were pushed in an order that
 * depends on the threads, so the account alone does not settle it), then each
 * run of one account's events, short in practice, by cmp_pending. The order is
 * the one qsort gives: cmp_pending orders any two events that differ. An index
 * takes 32 bits: a bucket of 2^32 events would hold 160 GiB. */
static void order_events(tc_event_engine *e, const tc_pvec *cand)
{
    int64_t n = cand->n;
    const tc_pending *v = cand->v;
    if (n > e->order_cap) {
        e->order_cap = n + n / 2;
        free(e->order);
        free(e->order_tmp);
        e->order = tc_xmalloc((size_t)e->order_cap * sizeof *e->order);
        e->order_tmp = tc_xmalloc((size_t)e->order_cap * sizeof *e->order_tmp);
    }
    uint64_t *a = e->order, *b = e->order_tmp;
    uint32_t top = 0;
    for (int64_t i = 0; i < n; i++) {
        a[i] = (uint64_t)(uint32_t)v[i].account << 32 | (uint64_t)i;
        top |= (uint32_t)v[i].account;
    }
    if (n > 256) {
        enum { BITS = 11, R = 1 << BITS };
        int64_t cnt[R];
        for (int shift = 32; shift < 64 && (top >> (shift - 32)) != 0; shift += BITS) {
            memset(cnt, 0, sizeof cnt);
            for (int64_t i = 0; i < n; i++) cnt[a[i] >> shift & (R - 1)]++;
            for (int64_t k = 0, sum = 0; k < R; k++) {
                int64_t c = cnt[k];
                cnt[k] = sum;
                sum += c;
            }
            for (int64_t i = 0; i < n; i++) b[cnt[a[i] >> shift & (R - 1)]++] = a[i];
            uint64_t *t = a;
            a = b;
            b = t;
        }
    } else {
        /* small: insertion sort on the account */
        for (int64_t i = 1; i < n; i++) {
            uint64_t x = a[i];
            int64_t j = i;
            for (; j > 0 && (a[j - 1] >> 32) > (x >> 32); j--) a[j] = a[j - 1];
            a[j] = x;
        }
    }
    /* runs of one account, by cmp_pending */
    for (int64_t i = 0; i < n;) {
        int64_t j = i + 1;
        while (j < n && (a[j] >> 32) == (a[i] >> 32)) j++;
        for (int64_t k = i + 1; k < j; k++) {
            uint64_t x = a[k];
            int64_t m = k;
            for (; m > i && cmp_pending(&v[(uint32_t)a[m - 1]], &v[(uint32_t)x]) > 0; m--)
                a[m] = a[m - 1];
            a[m] = x;
        }
        i = j;
    }
    if (a != e->order) {
        e->order_tmp = e->order;
        e->order = a;
    }
}

/* ------------------------------------------------------------------ play on threads */

/* What one chunk of a bucket's reshares produced: the adopters' posts and log
 * rows in the sorted order, and counts of adopters by class and community. */
typedef struct tc_pchunk {
    tc_post *post;
    int64_t npost, post_cap;
    tc_adoption *log;
    int64_t nlog, log_cap;
    int64_t *cnt; /* [2 + ncomm]: bots or not, then communities */
    int64_t reshares;
} tc_pchunk;

enum { TC_PLAY_CHUNKS = 4, TC_PLAY_MIN = 16384 }; /* chunks per thread; smallest bucket */

static void pchunk_free(tc_event_engine *e)
{
    if (!e->pchunk) return;
    for (int c = 0; c < TC_PLAY_CHUNKS * e->threads; c++) {
        free(e->pchunk[c].post);
        free(e->pchunk[c].log);
        free(e->pchunk[c].cnt);
    }
    free(e->pchunk);
    e->pchunk = NULL;
}

/* Do adopting bots post again (repeats, reposts, mentions), through the wheel? */
static int bots_post_again(const tc_population *pop)
{
    if (!pop->grp || pop->nbots == 0) return 0;
    for (int g = 0; g < pop->ngroups; g++) {
        const tc_bot_group *x = &pop->group[g];
        if (x->repeat_count > 0 || x->posts_per_hour > 0 || (x->nmentions > 0 && x->mention_p > 0))
            return 1;
    }
    return 0;
}

/* Can several threads play this bucket? When it holds reshares only, an
 * account's events touch no other account's state; what they add elsewhere
 * (posts, log rows, counters) is kept per chunk and joined in chunk order.
 * Bots that post again on adopting (through the wheel) and trending (a volume
 * ring) keep the bucket on one thread. */
static int play_on_threads(const tc_event_engine *e, const tc_pvec *cand)
{
    if (e->threads < 2 || cand->n < TC_PLAY_MIN || e->trend_enabled || bots_post_again(e->pop))
        return 0;
    for (int64_t i = 0; i < cand->n; i++)
        if (cand->v[i].kind != TC_K_RESHARE) return 0;
    return 1;
}

/* Events lo .. hi - 1 of the order, reshares all, into chunk c: play()'s
 * reshare case, with adopt_account's shared effects kept in the chunk. */
static void play_chunk(tc_event_engine *e, const tc_pvec *cand, int64_t lo, int64_t hi, tc_pchunk *c)
{
    const tc_population *pop = e->pop;
    c->npost = c->nlog = c->reshares = 0;
    memset(c->cnt, 0, (size_t)(2 + pop->ncomm) * sizeof *c->cnt);
    for (int64_t i = lo; i < hi; i++) {
        const tc_pending *p = &cand->v[(uint32_t)e->order[i]];
        int32_t w = p->account;
        if (e->flags[w] & (TC_F_REMOVED | TC_F_IMMUNE) || e->out->adopt_t[w] != INFINITY) continue;
        if (silenced(e, w, p->t)) {
            if (e->nseen && e->nseen[w] < 0) e->nseen[w] = -e->nseen[w] - 1;
            continue;
        }
        tc_outcome_adopt(e->out, w, p->t, p->parent, p->root, p->depth);
        c->reshares++;
        c->cnt[count_class(pop->cls[w])]++;
        c->cnt[2 + pop->comm[w]]++;
        if (e->out->record) {
            TC_GROW(c->log, c->log_cap, c->nlog + 1, 1024);
            c->log[c->nlog++] = (tc_adoption){.t = p->t, .account = w, .parent = p->parent,
                                              .root = p->root, .depth = p->depth};
        }
        TC_GROW(c->post, c->post_cap, c->npost + 1, 1024);
        c->post[c->npost++] = (tc_post){.t = p->t, .author = w, .root = p->root,
                                        .depth = p->depth, .seq = 0, .to = -1};
    }
}

/* A bucket of reshares on several threads: chunks of the sorted order cut
 * between accounts, then joined in chunk order, so posts and log rows come in
 * the order one thread gives them. */
static void play_threads(tc_event_engine *e, const tc_pvec *cand, int64_t iv)
{
    const tc_population *pop = e->pop;
    int C = TC_PLAY_CHUNKS * e->threads;
    if (!e->pchunk) {
        e->pchunk = tc_xcalloc_lines((size_t)C, sizeof *e->pchunk);
        for (int c = 0; c < C; c++)
            e->pchunk[c].cnt = tc_xcalloc((size_t)(2 + pop->ncomm), sizeof *e->pchunk[c].cnt);
    }
    int64_t n = cand->n, bound[TC_PLAY_CHUNKS * 64 + 1];
    if (C > TC_PLAY_CHUNKS * 64) C = TC_PLAY_CHUNKS * 64;
    bound[0] = 0;
    for (int c = 1; c < C; c++) {
        int64_t b = n * c / C;
        if (b < bound[c - 1]) b = bound[c - 1];
        while (b > 0 && b < n && (e->order[b] >> 32) == (e->order[b - 1] >> 32)) b++;
        bound[c] = b;
    }
    bound[C] = n;
    e->threaded_plays++;
#pragma omp parallel for num_threads(e->threads) schedule(dynamic, 1)
    for (int c = 0; c < C; c++) play_chunk(e, cand, bound[c], bound[c + 1], &e->pchunk[c]);
    tc_recorder *rec = e->rec;
    for (int c = 0; c < C; c++) {
        tc_pchunk *k = &e->pchunk[c];
        e->nreshares += k->reshares;
        static const int counter[2] = {TC_CNT_RESHARES, TC_CNT_ADOPTERS}; /* one each */
        for (int j = 0; j < 2; j++) {
            int q = counter[j];
            rec->by_class[((int64_t)q * rec->T + iv) * 2 + 0] += k->cnt[0];
            rec->by_class[((int64_t)q * rec->T + iv) * 2 + 1] += k->cnt[1];
            for (int m = 0; m < pop->ncomm; m++)
                rec->by_comm[((int64_t)q * rec->T + iv) * rec->ncomm + m] += k->cnt[2 + m];
        }
        if (e->root_vol)
            for (int64_t i = 0; i < k->npost; i++)
                if (k->post[i].root >= 0) e->root_vol[k->post[i].root]++; /* trend_volume */
        posts_room(e, e->nposts + k->npost);
        memcpy(e->posts + e->nposts, k->post, (size_t)k->npost * sizeof *k->post);
        e->nposts += k->npost;
        tc_outcome_log(e->out, k->log, k->nlog);
    }
}

/* Play the pending events of the bucket in their sorted order. */
static void play(tc_event_engine *e, tc_pvec *cand, int64_t iv)
{
    order_events(e, cand);
    if (play_on_threads(e, cand)) {
        play_threads(e, cand, iv);
        cand->n = 0;
        return;
    }
    const tc_pending *prev = NULL;
    for (int64_t i = 0; i < cand->n; i++) {
        const tc_pending *c = &cand->v[(uint32_t)e->order[i]];
        int32_t w = c->account;
        int again = e->nseen && prev && same_post(c, prev);
        prev = c;
        if (e->flags[w] & TC_F_REMOVED) continue;
        switch (c->kind) {
        case TC_K_RESHARE:
            if (e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) continue;
            if (silenced(e, w, c->t)) {
                /* a decided account whose reshare is silenced may decide again */
                if (e->nseen && e->nseen[w] < 0) e->nseen[w] = -e->nseen[w] - 1;
                continue;
            }
            adopt_account(e, c, iv);
            break;
        case TC_K_READ: read_item(e, c, iv, again); break;
        case TC_K_TREND: trend_session(e, c, iv); break;
        case TC_K_EXPOSE: count_exposure(e, c, again); break;
        default: repost(e, c, iv); break;
        }
    }
    cand->n = 0;
}

/* ------------------------------------------------------------------ trending */

static int32_t top_root(const tc_event_engine *e)
{
    int32_t best = 0;
    for (int32_t r = 1; r < e->out->nroots; r++)
        if (e->root_vol[r] > e->root_vol[best]) best = r;
    return best;
}

/* Every reading person not yet adopted gets a session check while the trend
 * lasts: scheduled at its first session after t. */
static void trend_start(tc_event_engine *e, double t)
{
    const tc_population *pop = e->pop;
    int32_t n = e->net->n;
    e->trend_epoch++;
#pragma omp parallel num_threads(e->threads)
    {
        int tid = omp_get_thread_num();
#pragma omp for schedule(static)
        for (int32_t v = 0; v < n; v++) {
            if (pop->cls[v] == TC_CLASS_BOT || e->flags[v] || e->out->adopt_t[v] != INFINITY) continue;
            double s = next_session(e, e->rng[tid], v, t);
            if (s >= e->horizon) continue;
            tc_pending c = {.t = s, .account = v, .parent = -1, .root = -1, .depth = 1,
                            .seq = e->trend_epoch, .kind = TC_K_TREND};
            pvec_push(&e->tcand[tid].p, &c);
        }
    }
    for (int t2 = 0; t2 < e->threads; t2++) {
        for (int64_t i = 0; i < e->tcand[t2].p.n; i++) schedule(e, &e->tcand[t2].p.v[i]);
        e->tcand[t2].p.n = 0;
    }
}

/* Trend checks due by time tb: the volume of the last window against the
 * threshold. */
static void trend_checks(tc_event_engine *e, double tb)
{
    const tc_population *pop = e->pop;
    while (e->trend_enabled) {
        double tc = (double)e->trend_next * pop->trend_every_s;
        if (tc > tb || tc >= e->horizon) break;
        int64_t K = e->trend_next++, R = e->nwin + 1, sum = 0;
        for (int64_t j = K - e->nwin; j < K; j++)
            if (j >= 0 && j <= e->vol_last && j > e->vol_last - R) sum += e->vol[j % R];
        int on = e->out->nroots > 0 && (double)sum >= pop->trend_threshold;
        if (on) e->trend_root = top_root(e);
        if (on && !e->trend_on) {
            e->trend_on = 1;
            TC_GROW(e->spans, e->spans_cap, 2 * e->nspans + 2, 32);
            e->spans[2 * e->nspans] = tc;
            e->spans[2 * e->nspans + 1] = e->horizon;
            e->nspans++;
            trend_start(e, tc);
        } else if (!on && e->trend_on) {
            e->trend_on = 0;
            e->spans[2 * e->nspans - 1] = tc;
        }
    }
}

/* ------------------------------------------------------------------ timeline */

static void takedown(tc_event_engine *e, int i, int64_t iv)
{
    (void)iv;
    const tc_population *pop = e->pop;
    const tc_tevent *x = &e->tl->ev[i];
    for (int32_t v = 0; v < e->net->n; v++) {
        if (e->flags[v] & TC_F_REMOVED) continue;
        int cls = pop->cls[v];
        double p = cls == TC_CLASS_BOT ? x->recall : cls == TC_CLASS_HUMAN ? x->fpr : 0;
        if (p <= 0 || tc_rng_u01(e->key, TC_P_TAKEDOWN, (uint32_t)v, (uint64_t)i) >= p) continue;
        e->flags[v] |= TC_F_REMOVED;
        if (cls == TC_CLASS_BOT) {
            e->removed_bots++;
            e->tk_removed[i][pop->grp ? pop->grp[v] : 0]++;
        } else {
            e->removed_humans++;
        }
    }
}

static void debunk(tc_event_engine *e, int i)
{
    const tc_tevent *x = &e->tl->ev[i];
    for (int32_t v = 0; v < e->net->n; v++) {
        if (e->flags[v] || e->out->adopt_t[v] != INFINITY || !tc_timeline_covers(x, e->pop, v))
            continue;
        if (tc_rng_u01(e->key, TC_P_DEBUNK, (uint32_t)v, (uint64_t)i) >= x->reach) continue;
        e->flags[v] |= TC_F_IMMUNE;
        e->immunised++;
    }
}

/* Timeline events of bucket b: posts by named accounts, takedowns, debunks.
 * (Silence and damping are looked up when an account acts; bot waves set the
 * groups' activation times in the timeline.) */
static void fire_events(tc_event_engine *e, int64_t b, int64_t iv)
{
    const tc_population *pop = e->pop;
    while (e->next_event < e->tl->n && bucket_of(e, e->tl->ev[e->next_event].t) == b) {
        int i = e->next_event++;
        const tc_tevent *ev = &e->tl->ev[i];
        if (ev->kind == TC_EV_TAKEDOWN) takedown(e, i, iv);
        if (ev->kind == TC_EV_DEBUNK) debunk(e, i);
        if (ev->kind != TC_EV_POST) continue;
        int32_t a = ev->account;
        if ((e->flags[a] & TC_F_REMOVED) || silenced(e, a, ev->t)) continue;
        int32_t r = tc_outcome_add_root(e->out, ev->t, a, i);
        TC_GROW(e->root_vol, e->root_vol_cap, (int64_t)r + 1, 16);
        e->root_vol[r] = 0;
        tc_recorder_add(e->rec, TC_CNT_POSTS, iv, pop->cls[a], pop->comm[a], 1);
        trend_volume(e, ev->t, r);
        if (e->out->adopt_t[a] == INFINITY) {
            tc_outcome_adopt(e->out, a, ev->t, -1, r, 0);
            tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[a], pop->comm[a], 1);
        }
        tc_post p = {.t = ev->t, .author = a, .root = r, .depth = 0, .seq = i + 1, .to = -1};
        add_post(e, &p);
    }
}

int tc_event_step(tc_event_engine *e)
{
    int64_t b = next_bucket(e);
    if (b < 0 || b >= e->nbuckets) {
        e->cur = e->nbuckets;
        return 0;
    }
    e->cur = b;
    refill(e);
    trend_checks(e, (double)b * e->dt);
    int64_t iv = b / e->per_interval;
    fire_events(e, b, iv);
    tc_pvec *s = &e->slot[b & e->mask];
    for (;;) {
        if (e->nposts) deliver(e, iv);
        if (!s->n) break;
        /* swap the slot out: events landing in this bucket go to a fresh round */
        tc_pvec tmp = e->cand;
        e->cand = *s;
        *s = tmp;
        e->pending -= e->cand.n;
        play(e, &e->cand, iv);
    }
    e->cur = b + 1;
    refill(e);
    return 1;
}

/* ------------------------------------------------------------------ finish */

/* Once the run is over the wheel is empty (nothing is scheduled past the
 * horizon) but its vectors keep their largest size: give them back before the
 * cascade statistics allocate theirs, so the two do not add up at the peak. */
static void wheel_release(tc_event_engine *e)
{
    for (int64_t i = 0; e->slot && i < e->W; i++) {
        free(e->slot[i].v);
        e->slot[i] = (tc_pvec){0};
    }
    free(e->far.v);
    e->far = (tc_pvec){0};
}

void tc_event_finish(tc_event_engine *e, tc_summary *s)
{
    const tc_recorder *rec = e->rec;
    if (e->cur >= e->nbuckets) wheel_release(e);
    s->repeats = e->repeats;
    s->removed_bots = e->removed_bots;
    s->removed_humans = e->removed_humans;
    s->immunised = e->immunised;
    s->first_trending_t = e->nspans ? e->spans[0] : NAN;
    s->trending_s = 0;
    for (int64_t k = 0; k < e->nspans; k++) {
        double on = e->spans[2 * k], off = e->spans[2 * k + 1];
        s->trending_s += off - on;
        if (!rec->trending) continue;
        for (int64_t i = (int64_t)floor(on / rec->interval_s);
             i < rec->T && (double)i * rec->interval_s < off; i++)
            rec->trending[i] = 1;
    }
    tc_recorder_active_bots(e->rec, e->pop, e->tl, e->horizon,
                            (const int64_t(*)[TC_MAX_GROUPS])e->tk_removed);
}
