/* The platform: the tag's volume in a sliding window and the trend it makes,
 * and the timeline's events that act on accounts (posts by named accounts,
 * takedowns, debunks, press coverage); its part of the summary. */
#include "engine/event.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

void tc_platform_init(tc_event_engine *e)
{
    const tc_timeline *tl = e->tl;
    const tc_population *pop = e->pop;
    e->silence = tc_xmalloc(((size_t)tl->n + 1) * sizeof *e->silence);
    e->damping = tc_xmalloc(((size_t)tl->n + 1) * sizeof *e->damping);
    for (int i = 0; i < tl->n; i++) {
        if (tl->ev[i].kind == TC_EV_SILENCE) e->silence[e->nsilence++] = i;
        if (tl->ev[i].kind == TC_EV_DAMPING) e->damping[e->ndamping++] = i;
    }
    e->tk_removed = tc_xcalloc((size_t)tl->n + 1, sizeof *e->tk_removed);
    e->top = 0;
    if (pop->trend_on) {
        e->trend_enabled = 1;
        e->nwin = (int64_t)llround(pop->trend_window_s / pop->trend_every_s);
        e->vol = tc_xcalloc((size_t)e->nwin + 1, sizeof *e->vol);
        e->vol_last = -1;
        e->trend_next = 1;
    }
}

void tc_platform_destroy(tc_event_engine *e)
{
    free(e->silence);
    free(e->damping);
    free(e->tk_removed);
    free(e->vol);
    free(e->root_vol);
    free(e->spans);
}

/* ------------------------------------------------------------------ trending */

static inline uint64_t time_bits(double t)
{
    uint64_t b;
    memcpy(&b, &t, sizeof b);
    return b;
}

/* Count one post or reshare at t into the trending window (and its root's
 * volume, which picks the post a trend shows). */
void tc_platform_volume(tc_event_engine *e, double t, int32_t root)
{
    if (root >= 0 && e->root_vol) tc_platform_root_vol(e, root);
    if (!e->trend_enabled) return;
    int64_t k = (int64_t)floor(t / e->pop->trend_every_s), R = e->nwin + 1;
    for (int64_t j = e->vol_last + 1; j <= k && j <= e->vol_last + R; j++) e->vol[j % R] = 0;
    if (k > e->vol_last) e->vol_last = k;
    e->vol[k % R]++;
}

/* Could the next trend check change anything? Only while the tag trends or
 * volume is still inside the window. */
static int trend_live(const tc_event_engine *e)
{
    return e->trend_enabled && (e->trend_on || e->vol_last >= e->trend_next - e->nwin);
}

int64_t tc_platform_next_check(const tc_event_engine *e)
{
    if (!trend_live(e)) return -1;
    double tc = (double)e->trend_next * e->pop->trend_every_s;
    return tc < e->horizon ? tc_event_bucket(e, tc) : -1;
}

/* The root with the most volume, the first of equals: kept as volumes grow
 * (tc_platform_root_vol), since they only grow and a new root starts at 0. */
static int32_t top_root(const tc_event_engine *e)
{
    return e->top;
}

/* Every reading person not yet adopted gets a check while the trend lasts:
 * at its first sighting of the trend after t (drawn from stream TREND at (v,
 * bits of t)), or at its first session for the trend (engine.fast_path: off,
 * tc_event_next_look). */
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
            if (pop->cls[v] == TC_CLASS_BOT || e->flags[v] || e->out->adopt_t[v] != INFINITY)
                continue;
            double s = e->fast_off ? tc_event_next_look(e, e->rng[tid], v, t, 0)
                                   : tc_event_next_sighting(e, v, t, pop->trend_p, TC_P_TREND,
                                                            time_bits(t));
            if (s >= e->horizon) continue;
            tc_pending c = {.t = s, .account = v, .parent = -1, .root = -1, .depth = 1,
                            .seq = e->trend_epoch, .kind = TC_K_TREND};
            tc_pvec_push(&e->tcand[tid].p, &c);
        }
    }
    for (int t2 = 0; t2 < e->threads; t2++) {
        for (int64_t i = 0; i < e->tcand[t2].p.n; i++) tc_wheel_schedule(e, &e->tcand[t2].p.v[i]);
        e->tcand[t2].p.n = 0;
    }
}

/* Trend checks due by time tb: the volume of the last window against the
 * threshold. */
void tc_platform_trend(tc_event_engine *e, double tb)
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

/* Press event i starts: every person it covers who may still adopt gets a
 * check at its first sighting of the news after the event (stream PRESS at
 * (v, i << 32)), or at its first session for the news (engine.fast_path:
 * off, tc_event_next_look);
 * press_session in play.c goes on from there. The news shows the post with
 * the most volume now: what the press reports. */
static void press(tc_event_engine *e, int i)
{
    const tc_population *pop = e->pop;
    const tc_tevent *x = &e->tl->ev[i];
    if (e->out->nroots == 0 || x->probability <= 0) return;
    int32_t r = top_root(e), author = e->out->roots[r].author, n = e->net->n;
#pragma omp parallel num_threads(e->threads)
    {
        int tid = omp_get_thread_num();
#pragma omp for schedule(static)
        for (int32_t v = 0; v < n; v++) {
            if (pop->cls[v] == TC_CLASS_BOT || e->flags[v] || e->out->adopt_t[v] != INFINITY ||
                !tc_timeline_covers(x, pop, v))
                continue;
            double s = e->fast_off
                           ? tc_event_next_look(e, e->rng[tid], v, x->t, (uint32_t)i + 1)
                           : tc_event_next_sighting(e, v, x->t, x->probability, TC_P_PRESS,
                                                    (uint64_t)(uint32_t)i << 32);
            if (s >= e->horizon || s >= x->until) continue;
            tc_pending c = {.t = s, .account = v, .parent = author, .root = r, .depth = 0,
                            .seq = i, .kind = TC_K_PRESS};
            tc_pvec_push(&e->tcand[tid].p, &c);
        }
    }
    for (int t2 = 0; t2 < e->threads; t2++) {
        for (int64_t k = 0; k < e->tcand[t2].p.n; k++) tc_wheel_schedule(e, &e->tcand[t2].p.v[k]);
        e->tcand[t2].p.n = 0;
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

/* Timeline events of bucket b: posts by named accounts, takedowns, debunks,
 * press coverage.
 * (Silence and damping are looked up when an account acts; bot waves set the
 * groups' activation times in the timeline.) */
void tc_platform_fire(tc_event_engine *e, int64_t b, int64_t iv)
{
    const tc_population *pop = e->pop;
    while (e->next_event < e->tl->n && tc_event_bucket(e, e->tl->ev[e->next_event].t) == b) {
        int i = e->next_event++;
        const tc_tevent *ev = &e->tl->ev[i];
        if (ev->kind == TC_EV_TAKEDOWN) takedown(e, i, iv);
        if (ev->kind == TC_EV_DEBUNK) debunk(e, i);
        if (ev->kind == TC_EV_PRESS) press(e, i);
        if (ev->kind != TC_EV_POST) continue;
        int32_t a = ev->account;
        if ((e->flags[a] & TC_F_REMOVED) || tc_event_silenced(e, a, ev->t)) continue;
        int32_t r = tc_outcome_add_root(e->out, ev->t, a, i);
        TC_GROW(e->root_vol, e->root_vol_cap, (int64_t)r + 1, 16);
        e->root_vol[r] = 0;
        tc_recorder_add(e->rec, TC_CNT_POSTS, iv, pop->cls[a], pop->comm[a], 1);
        tc_platform_volume(e, ev->t, r);
        if (e->out->adopt_t[a] == INFINITY) {
            tc_outcome_adopt(e->out, a, ev->t, -1, r, 0);
            tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[a], pop->comm[a], 1);
        }
        tc_post p = {.t = ev->t, .author = a, .root = r, .depth = 0, .seq = i + 1, .to = -1};
        tc_deliver_post(e, &p);
    }
}

/* ------------------------------------------------------------------ finish */

void tc_platform_finish(tc_event_engine *e, tc_summary *s)
{
    const tc_recorder *rec = e->rec;
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
