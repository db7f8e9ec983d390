/* Playing a bucket's pending events in their sorted order: decided reshares,
 * feed items read in a session, trend and news sightings, counted exposures and bot
 * reposts; a bucket of reshares alone on several threads. */
#include "engine/event.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

/* ------------------------------------------------------------------ what each event does */

static inline uint64_t time_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b;
}

/* Bot w posts (seq) at t: mentions put the post in named accounts' feeds. */
static void mentions(tc_event_engine *e, int32_t w, double t, int32_t root, int32_t depth,
                     int32_t seq)
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
        tc_deliver_post(e, &p);
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
    tc_wheel_schedule(e, &c);
}

/* Does adopter w write a post of its own (own_posts)? One keyed draw per
 * account: an account adopts once. */
static int writes_own_post(const tc_event_engine *e, int32_t w)
{
    const tc_population *pop = e->pop;
    if (!pop->own_on) return 0;
    double p = pop->cls[w] == TC_CLASS_BOT ? pop->own_p_bot : pop->own_p[pop->comm[w]];
    return p > 0 && (p >= 1 || tc_rng_u01(e->key, TC_P_OWN, (uint32_t)w, 0) < p);
}

/* w's own post at t: a new root, counted with the own posts and the volume. */
static int32_t own_root(tc_event_engine *e, int32_t w, double t, int64_t iv)
{
    const tc_population *pop = e->pop;
    int32_t r = tc_outcome_add_root(e->out, t, w, -1);
    TC_GROW(e->root_vol, e->root_vol_cap, (int64_t)r + 1, 16);
    e->root_vol[r] = 0;
    tc_recorder_add(e->rec, TC_CNT_OWN, iv, pop->cls[w], pop->comm[w], 1);
    tc_platform_volume(e, t, r);
    return r;
}

/* w adopts at c->t: it reshares (records, counters, a post to its audience),
 * or writes a post of its own instead or besides (own_posts), and, if a bot,
 * starts repeating. */
static void adopt_account(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    const tc_population *pop = e->pop;
    int32_t w = c->account, seq = 0;
    int own = writes_own_post(e, w);
    tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[w], pop->comm[w], 1);
    if (own && !pop->own_besides) {
        /* instead: w starts a cascade of its own, as a timeline post's author */
        int32_t r = own_root(e, w, c->t, iv);
        tc_outcome_adopt(e->out, w, c->t, -1, r, 0);
        seq = TC_SEQ_OWN;
    } else {
        tc_outcome_adopt(e->out, w, c->t, c->parent, c->root, c->depth);
        e->nreshares++;
        tc_recorder_add(e->rec, TC_CNT_RESHARES, iv, pop->cls[w], pop->comm[w], 1);
        tc_platform_volume(e, c->t, c->root);
        if (e->out->record) {
            tc_adoption a = {.t = c->t, .account = w, .parent = c->parent, .root = c->root,
                             .depth = c->depth};
            tc_outcome_log(e->out, &a, 1);
        }
        if (own) {
            int32_t r = own_root(e, w, c->t, iv);
            tc_post q = {.t = c->t, .author = w, .root = r, .depth = 0, .seq = TC_SEQ_OWN,
                         .to = -1};
            tc_deliver_post(e, &q);
        }
    }
    tc_post p = {.t = c->t, .author = w, .root = e->out->root[w], .depth = e->out->depth[w],
                 .seq = seq, .to = -1};
    tc_deliver_post(e, &p);
    if (pop->cls[w] == TC_CLASS_BOT) {
        mentions(e, w, c->t, p.root, p.depth, seq);
        schedule_reposts(e, w, c->t, TC_K_REPEAT, 0);
        schedule_reposts(e, w, c->t, TC_K_REPOST, 0);
    }
}

/* A bot posts its message again: a reshare in the volume, not a new adopter. */
static void repost(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    const tc_population *pop = e->pop;
    int32_t w = c->account;
    if (!tc_event_silenced(e, w, c->t)) {
        int32_t seq = c->kind == TC_K_REPEAT ? -c->seq : -1000001 - c->seq;
        e->repeats++;
        tc_recorder_add(e->rec, TC_CNT_RESHARES, iv, pop->cls[w], pop->comm[w], 1);
        tc_platform_volume(e, c->t, e->out->root[w]);
        tc_post p = {.t = c->t, .author = w, .root = e->out->root[w], .depth = e->out->depth[w],
                     .seq = seq, .to = -1};
        tc_deliver_post(e, &p);
        mentions(e, w, c->t, e->out->root[w], e->out->depth[w], seq);
    }
    schedule_reposts(e, w, c->t, c->kind, c->seq);
}

/* w sees post r (the trending post, or the news's) in its session at t: the
 * first sighting counts as an exposure, and w may adopt r as a reshare of its
 * author's post (depth 1), with the rule's probability times r's appeal, drawn
 * from stream `purpose` at (w, bits); a sighting kept with probability q of
 * the thinned ones (those after w's first, see tc_event_sight_bound) adopts
 * with that probability over q. 1 if w adopted. */
static int sight(tc_event_engine *e, int32_t w, int32_t r, uint32_t purpose, uint64_t bits,
                 double t, int64_t iv, double q)
{
    int32_t author = e->out->roots[r].author;
    if (!e->out->exposed[w]) {
        e->out->exposed[w] = 1;
        tc_recorder_add(e->rec, TC_CNT_EXPOSED, iv, e->pop->cls[w], e->pop->comm[w], 1);
    }
    /* a rule that counts sees the post as one account more, unless w follows
     * its author; the sighting is not remembered, so sessions that show it
     * again do not add up */
    double prob = e->nseen ? tc_event_rule_prob(e, author, w, t,
                                                tc_event_seen_with_trend(e, author, w))
                           : tc_event_adopt_prob(e, author, w, t);
    prob *= tc_event_appeal(e, e->pop->cls[w], r, e->out->roots[r].t, t);
    if (prob > 0 && (prob >= q || tc_rng_u01(e->key, purpose, (uint32_t)w, bits) < prob / q) &&
        !tc_event_silenced(e, w, t)) {
        tc_pending a = {.t = t, .account = w, .parent = author, .root = r, .depth = 1,
                        .seq = 0, .kind = TC_K_TREND};
        adopt_account(e, &a, iv);
        return 1;
    }
    return 0;
}

/* A person's sighting of the trend (by default), or its session for the trend
 * while the tag trends (engine.fast_path: off; tc_event_next_look), where it
 * sees the trend with probability trend_p: it may adopt the most voluminous
 * post; if not, its next sighting (drawn from stream TREND at (w, bits of t)),
 * or its next such session, is checked while the trend lasts. Under a rule
 * fixed by class the sightings after the first of the trend's epoch (c->depth
 * 2; the first counts the exposure) are thinned to those that may adopt: rate
 * trend_p times the bound q, each adopting with the probability over q. */
static void trend_session(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    int32_t w = c->account;
    if (!e->trend_on || c->seq != e->trend_epoch || e->out->adopt_t[w] != INFINITY ||
        (e->flags[w] & TC_F_IMMUNE))
        return;
    tc_pending n = *c;
    if (e->fast_off) {
        if (tc_event_trend_shows(e, w, c->t) &&
            sight(e, w, e->trend_root, TC_P_TREND_ADOPT, time_bits(c->t), c->t, iv, 1))
            return;
        n.t = tc_event_next_look(e, e->rng[0], w, c->t, 0);
    } else {
        double q = tc_event_sight_bound(e, w);
        if (sight(e, w, e->trend_root, TC_P_TREND_ADOPT, time_bits(c->t), c->t, iv,
                  c->depth > 1 ? q : 1))
            return;
        n.depth = 2;
        n.t = tc_event_next_sighting(e, w, c->t, e->pop->trend_p * q, TC_P_TREND,
                                     time_bits(c->t));
    }
    if (n.t < e->horizon) tc_wheel_schedule(e, &n);
}

/* A person's sighting of the news while press event c->seq is in force (by
 * default), or its session for the news then (engine.fast_path: off), where
 * the news shows the post c->root with the event's probability: w may adopt
 * it; if not, its next sighting, or session, is checked until the event ends
 * or w adopts. The k-th (c->depth) draws from (w, event << 32 | k). Sightings
 * after the first are thinned as the trend's (trend_session). */
static void press_session(tc_event_engine *e, const tc_pending *c, int64_t iv)
{
    int32_t w = c->account;
    const tc_tevent *x = &e->tl->ev[c->seq];
    if (c->t >= x->until || e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE))
        return;
    uint64_t bits = (uint64_t)(uint32_t)c->seq << 32 | (uint32_t)c->depth;
    tc_pending n = *c;
    n.depth++;
    if (e->fast_off) {
        if (tc_rng_u01(e->key, TC_P_PRESS, (uint32_t)w, bits) < x->probability &&
            sight(e, w, c->root, TC_P_PRESS_ADOPT, bits, c->t, iv, 1))
            return;
        n.t = tc_event_next_look(e, e->rng[0], w, c->t, (uint32_t)c->seq + 1);
    } else {
        double q = tc_event_sight_bound(e, w);
        if (sight(e, w, c->root, TC_P_PRESS_ADOPT, bits, c->t, iv, c->depth > 0 ? q : 1))
            return;
        n.t = tc_event_next_sighting(e, w, c->t, x->probability * q, TC_P_PRESS,
                                     (uint64_t)(uint32_t)c->seq << 32 | (uint32_t)n.depth);
    }
    if (n.t < e->horizon && n.t < x->until) tc_wheel_schedule(e, &n);
}

/* Is the feed item c within the first `room` items of w's session, counting
 * the background items ranked ahead of it (a feed that competes)? Those are
 * Poisson: from w's followees at `background` per followee and second, over
 * the time the item has been in the feed (chronological) or over the feed's
 * window, those more engaging than the item (engagement: a background item's
 * engagement is exponential with mean `engagement`, the item's its root's
 * volume). One uniform per session, so that an item ranked lower never has
 * fewer ahead of it. An item older than the window is not shown. */
static int within_attention(const tc_event_engine *e, const tc_pending *c, int32_t w,
                            uint32_t ahead)
{
    const tc_population *pop = e->pop;
    if (!pop->attention) return 1;
    if (ahead >= pop->attention) return 0;
    if (pop->background <= 0 && pop->ranking == TC_RANK_CHRONOLOGICAL) return 1;
    double age = c->t - c->t0;
    if (age > pop->feed_window_s) return 0;
    double k = e->followees ? (double)e->followees[w] : 0.0, mu;
    if (pop->ranking == TC_RANK_CHRONOLOGICAL)
        mu = pop->background * k * (age > 0 ? age : 0);
    else
        mu = pop->background * k * pop->feed_window_s * exp(-(double)c->score / pop->engagement);
    if (mu <= 0) return 1;
    double u = tc_rng_u01(e->key, TC_P_FEED, (uint32_t)w, time_bits(c->t));
    return u <= gsl_cdf_poisson_P((unsigned)(pop->attention - 1 - ahead), mu);
}

/* A feed item read in w's session at c->t: counts against attention, then the
 * rule decides, times the item's appeal and w's fatigue. Under a rule that
 * counts, only the first copy (`again` == 0) of an author's adoption post
 * raises the count and is decided. */
static void read_item(tc_event_engine *e, const tc_pending *c, int64_t iv, int again)
{
    int32_t w = c->account;
    if (e->sess_t[w] != c->t) {
        e->sess_t[w] = c->t;
        e->sess_n[w] = 0;
    }
    if (!within_attention(e, c, w, e->sess_n[w])) return;
    e->sess_n[w]++;
    if (e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) return;
    if (e->nseen) {
        if (again || !tc_event_adoption_post(e, c->parent, c->seq, c->root)) return;
        e->nseen[w]++;
    }
    double prob = tc_event_adopt_prob(e, c->parent, w, c->t) *
                  tc_event_appeal(e, e->pop->cls[w], c->root, c->t0, c->t);
    if (e->nread) prob *= pow(1.0 + (double)e->nread[w]++, -e->pop->appeal_fatigue);
    if (prob <= 0) return;
    if (prob < 1 &&
        tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, tc_event_post_key(c->parent, c->seq)) >= prob)
        return;
    if (tc_event_silenced(e, w, c->t)) return;
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
 * reshare is dropped (see tc_play_bucket). */
static void count_exposure(tc_event_engine *e, const tc_pending *c, int again)
{
    int32_t w = c->account;
    if (again || e->out->adopt_t[w] != INFINITY || (e->flags[w] & TC_F_IMMUNE)) return;
    if (e->nseen[w] < 0) {
        e->nseen[w]--;
        return;
    }
    e->nseen[w]++;
    uint64_t b = tc_event_post_key(c->parent, c->seq);
    double prob = tc_event_adopt_prob(e, c->parent, w, c->t) *
                  tc_event_appeal(e, e->pop->cls[w], c->root, c->t0, c->t);
    if (prob <= 0) return;
    if (prob < 1 && tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, b) >= prob) return;
    gsl_rng *r = e->rng[0];
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    tc_pending a = *c;
    a.kind = TC_K_RESHARE;
    a.t = c->t + tc_event_delay(e, r, e->pop->cls[w]);
    if (a.t >= e->horizon) return;
    e->nseen[w] = -e->nseen[w] - 1;
    tc_wheel_schedule(e, &a);
}

/* ------------------------------------------------------------------ the order of a bucket */

/* Sort order of a bucket's events: per account, by time, then kind; a session's
 * feed most engaging first (engagement ranking: score), then newest first; then parent and root so that the order is total. */
static int cmp_pending(const void *a, const void *b)
{
    const tc_pending *x = a, *y = b;
    if (x->account != y->account) return x->account < y->account ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->t0 != y->t0) return x->t0 > y->t0 ? -1 : 1;
    if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
    if (x->root != y->root) return x->root < y->root ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The order in which tc_play_bucket() takes a bucket's n events, as cmp_pending
 * sorts them: e->order[i] & 0xffffffff is the index of the i-th. Large buckets
 * go by a stable radix sort on the account (events were pushed in an order that
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

void tc_play_free(tc_event_engine *e)
{
    free(e->order);
    free(e->order_tmp);
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
 * Bots that post again on adopting (through the wheel), trending (a volume
 * ring) and own posts (new roots) keep the bucket on one thread. */
static int play_on_threads(const tc_event_engine *e, const tc_pvec *cand)
{
    if (e->threads < 2 || cand->n < TC_PLAY_MIN || e->trend_enabled || bots_post_again(e->pop) ||
        e->pop->own_on)
        return 0;
    for (int64_t i = 0; i < cand->n; i++)
        if (cand->v[i].kind != TC_K_RESHARE) return 0;
    return 1;
}

/* Events lo .. hi - 1 of the order, reshares all, into chunk c: the reshare
 * case of tc_play_bucket(), with adopt_account's shared effects kept in the
 * chunk. */
static void play_chunk(tc_event_engine *e, const tc_pvec *cand, int64_t lo, int64_t hi,
                       tc_pchunk *c)
{
    const tc_population *pop = e->pop;
    c->npost = c->nlog = c->reshares = 0;
    memset(c->cnt, 0, (size_t)(2 + pop->ncomm) * sizeof *c->cnt);
    for (int64_t i = lo; i < hi; i++) {
        const tc_pending *p = &cand->v[(uint32_t)e->order[i]];
        int32_t w = p->account;
        if (e->flags[w] & (TC_F_REMOVED | TC_F_IMMUNE) || e->out->adopt_t[w] != INFINITY)
            continue;
        if (tc_event_silenced(e, w, p->t)) {
            if (e->nseen && e->nseen[w] < 0) e->nseen[w] = -e->nseen[w] - 1;
            continue;
        }
        tc_outcome_adopt(e->out, w, p->t, p->parent, p->root, p->depth);
        c->reshares++;
        c->cnt[tc_event_count_class(pop->cls[w])]++;
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
                if (k->post[i].root >= 0) tc_platform_root_vol(e, k->post[i].root);
        tc_deliver_reserve(e, e->nposts + k->npost);
        memcpy(e->posts + e->nposts, k->post, (size_t)k->npost * sizeof *k->post);
        e->nposts += k->npost;
        tc_outcome_log(e->out, k->log, k->nlog);
    }
}

/* ------------------------------------------------------------------ play */

/* Play the pending events of the bucket in their sorted order. */
void tc_play_bucket(tc_event_engine *e, tc_pvec *cand, int64_t iv)
{
    if (e->pop->ranking == TC_RANK_ENGAGEMENT && e->root_vol)
        for (int64_t i = 0; i < cand->n; i++)
            if (cand->v[i].kind == TC_K_READ && cand->v[i].root >= 0)
                cand->v[i].score = (float)e->root_vol[cand->v[i].root];
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
            if (tc_event_silenced(e, w, c->t)) {
                /* a decided account whose reshare is silenced may decide again */
                if (e->nseen && e->nseen[w] < 0) e->nseen[w] = -e->nseen[w] - 1;
                continue;
            }
            adopt_account(e, c, iv);
            break;
        case TC_K_READ: read_item(e, c, iv, again); break;
        case TC_K_TREND: trend_session(e, c, iv); break;
        case TC_K_PRESS: press_session(e, c, iv); break;
        case TC_K_EXPOSE: count_exposure(e, c, again); break;
        default: repost(e, c, iv); break;
        }
    }
    cand->n = 0;
}
