/* Timing wheel + rounds within a bucket + edge-split parallel delivery.
 *
 * A bucket is processed in rounds: (1) the pending reshares of the bucket are
 * reduced to one per account, the earliest (ties: smallest parent, then root), and
 * accounts that have not adopted yet reshare; (2) their posts, and the timeline's
 * posts of the bucket, are delivered to every follower in parallel, each
 * exposure deciding adoption and delay from its own keyed stream; (3) reshares
 * that land in the same bucket start another round. Nothing depends on which
 * thread did what, so the output is the same for any thread count. */
#include "engine.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static void pvec_push(tc_pvec *v, const tc_pending *p)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->v = tc_xrealloc(v->v, (size_t)v->cap * sizeof *v->v);
    }
    v->v[v->n++] = *p;
}

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

static inline int64_t bucket_of(const tc_engine *e, double t)
{
    int64_t b = (int64_t)floor(t / e->dt);
    return b < e->cur ? e->cur : b;
}

static void schedule(tc_engine *e, const tc_pending *p)
{
    if (p->t >= e->horizon) return;
    int64_t b = bucket_of(e, p->t);
    if (b >= e->nbuckets) return;
    if (b - e->cur < e->W) pvec_push(&e->slot[b & e->mask], p);
    else heap_push(&e->far, p);
    e->pending++;
}

/* Move heap events that now fall inside the wheel into their slots. */
static void refill(tc_engine *e)
{
    while (e->far.n && bucket_of(e, e->far.v[0].t) - e->cur < e->W) {
        tc_pending p = heap_pop(&e->far);
        pvec_push(&e->slot[bucket_of(e, p.t) & e->mask], &p);
    }
}

/* The next bucket holding anything (wheel, heap or timeline), or -1. */
static int64_t next_bucket(tc_engine *e)
{
    int64_t best = -1;
    if (e->next_event < e->tl->n) best = bucket_of(e, e->tl->ev[e->next_event].t);
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

/* ------------------------------------------------------------------ init */

int tc_engine_init(tc_engine *e, const tc_net *net, const tc_population *pop,
                   const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                   tc_recorder *rec, uint64_t key, double dt, double horizon, int64_t per_interval,
                   int threads, int record_cascade, tc_err *err)
{
    memset(e, 0, sizeof *e);
    if (threads < 1 || dt <= 0 || per_interval < 1) {
        tc_err_set(err, TC_ERUNTIME, "engine: threads, dt and interval must be positive");
        return TC_ERUNTIME;
    }
    e->net = net;
    e->pop = pop;
    e->tl = tl;
    e->model = model;
    e->mpar = mpar;
    e->rec = rec;
    e->key = key;
    e->threads = threads;
    e->record_cascade = record_cascade;
    e->dt = dt;
    e->horizon = horizon;
    e->nbuckets = (int64_t)ceil(horizon / dt);
    e->per_interval = per_interval;

    int32_t n = net->n;
    e->adopt_t = tc_xmalloc((size_t)n * sizeof *e->adopt_t);
    for (int32_t v = 0; v < n; v++) e->adopt_t[v] = INFINITY;
    e->parent = tc_xmalloc((size_t)n * sizeof *e->parent);
    e->root = tc_xmalloc((size_t)n * sizeof *e->root);
    memset(e->parent, 0xff, (size_t)n * sizeof *e->parent);
    memset(e->root, 0xff, (size_t)n * sizeof *e->root);
    e->depth = tc_xcalloc((size_t)n, sizeof *e->depth);
    e->exposed = tc_xcalloc((size_t)n, 1);

    e->W = 1 << 14;
    e->mask = e->W - 1;
    e->slot = tc_xcalloc((size_t)e->W, sizeof *e->slot);
    e->tcand = tc_xcalloc((size_t)threads, sizeof *e->tcand);
    e->tcount = tc_xcalloc((size_t)threads * (2 + (size_t)pop->ncomm), sizeof *e->tcount);
    e->rng = tc_xcalloc((size_t)threads, sizeof *e->rng);
    for (int i = 0; i < threads; i++) e->rng[i] = gsl_rng_alloc(tc_rng_philox);
    return TC_OK;
}

void tc_engine_destroy(tc_engine *e)
{
    if (!e) return;
    free(e->adopt_t);
    free(e->parent);
    free(e->root);
    free(e->depth);
    free(e->exposed);
    if (e->slot)
        for (int64_t i = 0; i < e->W; i++) free(e->slot[i].v);
    free(e->slot);
    free(e->far.v);
    free(e->cand.v);
    free(e->posts);
    free(e->aud_prefix);
    if (e->tcand)
        for (int i = 0; i < e->threads; i++) free(e->tcand[i].v);
    free(e->tcand);
    free(e->tcount);
    if (e->rng)
        for (int i = 0; i < e->threads; i++) gsl_rng_free(e->rng[i]);
    free(e->rng);
    free(e->roots);
    free(e->log);
    memset(e, 0, sizeof *e);
}

/* ------------------------------------------------------------------ a round */

static void add_post(tc_engine *e, const tc_post *p)
{
    if (e->nposts == e->posts_cap) {
        e->posts_cap = e->posts_cap ? 2 * e->posts_cap : 256;
        e->posts = tc_xrealloc(e->posts, (size_t)e->posts_cap * sizeof *e->posts);
        e->aud_prefix = tc_xrealloc(e->aud_prefix, (size_t)(e->posts_cap + 1) * sizeof(int64_t));
    }
    e->posts[e->nposts++] = *p;
}

static inline int count_class(uint8_t cls) { return cls == TC_CLASS_BOT; }

/* Exposure of w to post p: first-exposure count, then the rule's decision and,
 * on adoption, the response delay: each from its own stream keyed by
 * (w, author, seq), so the outcome is the same whichever thread sees it. */
static void expose(tc_engine *e, int tid, const tc_post *p, int32_t w)
{
    const tc_population *pop = e->pop;
    int64_t *cnt = e->tcount + (size_t)tid * (2 + (size_t)pop->ncomm);
    if (!__atomic_exchange_n(&e->exposed[w], 1, __ATOMIC_RELAXED)) {
        cnt[count_class(pop->cls[w])]++;
        cnt[2 + pop->comm[w]]++;
    }
    if (e->adopt_t[w] != INFINITY) return; /* written only between rounds */
    tc_exposure x = {.src = p->author, .dst = w, .src_class = pop->cls[p->author],
                     .dst_class = pop->cls[w], .src_comm = pop->comm[p->author],
                     .dst_comm = pop->comm[w]};
    double prob = e->model->adopt_prob(e->mpar, &x);
    if (prob <= 0) return;
    uint64_t b = ((uint64_t)(uint32_t)p->author << 32) | (uint32_t)p->seq;
    if (prob < 1 && tc_rng_u01(e->key, TC_P_ADOPT, (uint32_t)w, b) >= prob) return;
    gsl_rng *r = e->rng[tid];
    tc_rng_seek(r, e->key, TC_P_DELAY, (uint32_t)w, b);
    double t = p->t + tc_population_delay(pop, r, pop->cls[w]);
    if (t >= e->horizon) return;
    tc_pending c = {.t = t, .account = w, .parent = p->author, .root = p->root,
                    .depth = p->depth + 1};
    pvec_push(&e->tcand[tid], &c);
}

/* Deliver every post of the round; work is split into equal runs of edges, so a
 * hub with a million followers is spread over all threads. */
static void deliver(tc_engine *e, int64_t iv)
{
    const tc_net *net = e->net;
    int64_t np = e->nposts;
    e->aud_prefix[0] = 0;
    for (int64_t i = 0; i < np; i++)
        e->aud_prefix[i + 1] = e->aud_prefix[i] + tc_net_degree(net, e->posts[i].author);
    int64_t total = e->aud_prefix[np];
    e->examined += total;
    const int64_t chunk = 4096;
    int64_t nchunks = (total + chunk - 1) / chunk;
    int ncnt = 2 + e->pop->ncomm;
    memset(e->tcount, 0, (size_t)e->threads * (size_t)ncnt * sizeof *e->tcount);

#pragma omp parallel num_threads(e->threads) if (nchunks > 1)
    {
        int tid = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
        for (int64_t c = 0; c < nchunks; c++) {
            int64_t lo = c * chunk, hi = lo + chunk < total ? lo + chunk : total;
            /* the post holding edge lo: last i with aud_prefix[i] <= lo */
            int64_t a = 0, z = np;
            while (z - a > 1) {
                int64_t mid = (a + z) / 2;
                if (e->aud_prefix[mid] <= lo) a = mid;
                else z = mid;
            }
            for (int64_t k = lo; k < hi; k++) {
                while (e->aud_prefix[a + 1] <= k) a++;
                const tc_post *p = &e->posts[a];
                expose(e, tid, p, net->dst[net->off[p->author] + (k - e->aud_prefix[a])]);
            }
        }
    }
    for (int t = 0; t < e->threads; t++) {
        const int64_t *cnt = e->tcount + (size_t)t * (size_t)ncnt;
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 0] += cnt[0];
        e->rec->by_class[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * 2 + 1] += cnt[1];
        for (int c = 0; c < e->pop->ncomm; c++)
            e->rec->by_comm[((int64_t)TC_CNT_EXPOSED * e->rec->T + iv) * e->rec->ncomm + c] +=
                cnt[2 + c];
        for (int64_t i = 0; i < e->tcand[t].n; i++) schedule(e, &e->tcand[t].v[i]);
        e->tcand[t].n = 0;
    }
    e->nposts = 0;
}

static int cmp_pending(const void *a, const void *b)
{
    const tc_pending *x = a, *y = b;
    if (x->account != y->account) return x->account < y->account ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->parent != y->parent) return x->parent < y->parent ? -1 : 1;
    return (x->root > y->root) - (x->root < y->root);
}

/* Pending reshares of the bucket -> at most one adoption per account. */
static void adopt(tc_engine *e, tc_pvec *cand, int64_t iv)
{
    qsort(cand->v, (size_t)cand->n, sizeof *cand->v, cmp_pending);
    const tc_population *pop = e->pop;
    for (int64_t i = 0; i < cand->n; i++) {
        const tc_pending *c = &cand->v[i];
        if (i > 0 && cand->v[i - 1].account == c->account) continue;
        int32_t w = c->account;
        if (e->adopt_t[w] != INFINITY) continue;
        e->adopt_t[w] = c->t;
        e->parent[w] = c->parent;
        e->root[w] = c->root;
        e->depth[w] = c->depth;
        e->nreshares++;
        tc_recorder_add(e->rec, TC_CNT_RESHARES, iv, pop->cls[w], pop->comm[w], 1);
        tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[w], pop->comm[w], 1);
        if (e->record_cascade) {
            if (e->nlog == e->log_cap) {
                e->log_cap = e->log_cap ? 2 * e->log_cap : 1024;
                e->log = tc_xrealloc(e->log, (size_t)e->log_cap * sizeof *e->log);
            }
            e->log[e->nlog++] = *c;
        }
        tc_post p = {.t = c->t, .author = w, .root = c->root, .depth = c->depth, .seq = 0};
        add_post(e, &p);
    }
    cand->n = 0;
}

/* Timeline posts of bucket b. */
static void fire_events(tc_engine *e, int64_t b, int64_t iv)
{
    const tc_population *pop = e->pop;
    while (e->next_event < e->tl->n && bucket_of(e, e->tl->ev[e->next_event].t) == b) {
        const tc_tevent *ev = &e->tl->ev[e->next_event];
        int32_t a = ev->account;
        if (e->nroots == e->roots_cap) {
            e->roots_cap = e->roots_cap ? 2 * e->roots_cap : 16;
            e->roots = tc_xrealloc(e->roots, (size_t)e->roots_cap * sizeof *e->roots);
        }
        int32_t r = e->nroots++;
        e->roots[r] = (tc_root){.t = ev->t, .author = a, .event = e->next_event};
        tc_recorder_add(e->rec, TC_CNT_POSTS, iv, pop->cls[a], pop->comm[a], 1);
        if (e->adopt_t[a] == INFINITY) {
            e->adopt_t[a] = ev->t;
            e->root[a] = r;
            e->depth[a] = 0;
            tc_recorder_add(e->rec, TC_CNT_ADOPTERS, iv, pop->cls[a], pop->comm[a], 1);
        }
        tc_post p = {.t = ev->t, .author = a, .root = r, .depth = 0, .seq = e->next_event + 1};
        add_post(e, &p);
        e->next_event++;
    }
}

int tc_engine_step(tc_engine *e)
{
    int64_t b = next_bucket(e);
    if (b < 0 || b >= e->nbuckets) {
        e->cur = e->nbuckets;
        return 0;
    }
    e->cur = b;
    refill(e);
    int64_t iv = b / e->per_interval;
    fire_events(e, b, iv);
    tc_pvec *s = &e->slot[b & e->mask];
    for (;;) {
        if (e->nposts) deliver(e, iv);
        if (!s->n) break;
        /* swap the slot out: reshares landing in this bucket go to a fresh round */
        tc_pvec tmp = e->cand;
        e->cand = *s;
        *s = tmp;
        e->pending -= e->cand.n;
        adopt(e, &e->cand, iv);
    }
    e->cur = b + 1;
    refill(e);
    return 1;
}

/* ------------------------------------------------------------------ finish */

void tc_engine_finish(tc_engine *e, tc_summary *s)
{
    const tc_population *pop = e->pop;
    const tc_recorder *rec = e->rec;
    memset(s, 0, sizeof *s);
    for (int32_t v = 0; v < e->net->n; v++) {
        int bot = pop->cls[v] == TC_CLASS_BOT;
        if (e->adopt_t[v] != INFINITY) {
            s->reach++;
            if (bot) s->reach_bot++;
            else s->reach_human++;
            if (e->depth[v] > s->max_depth) s->max_depth = e->depth[v];
        }
        if (e->exposed[v]) {
            s->exposed++;
            if (bot) s->exposed_bot++;
            else s->exposed_human++;
        }
    }
    int64_t T = rec->T, bot_volume = 0;
    s->peak_volume = -1;
    for (int64_t i = 0; i < T; i++) {
        const int64_t *po = rec->by_class + ((int64_t)TC_CNT_POSTS * T + i) * 2;
        const int64_t *re = rec->by_class + ((int64_t)TC_CNT_RESHARES * T + i) * 2;
        int64_t vol = po[0] + po[1] + re[0] + re[1];
        s->posts += po[0] + po[1];
        s->reshares_human += re[0];
        s->reshares_bot += re[1];
        bot_volume += po[1] + re[1];
        if (vol > s->peak_volume) {
            s->peak_volume = vol;
            s->peak_t = (double)i * rec->interval_s;
        }
    }
    s->reshares = s->reshares_human + s->reshares_bot;
    s->volume = s->posts + s->reshares;
    s->bot_share_volume = s->volume ? (double)bot_volume / (double)s->volume : 0.0;
    s->bot_share_accounts = e->net->n ? (double)pop->nbots / (double)e->net->n : 0.0;

    tc_engine_cascades(e, s);
}

/* Per original post, its tree: the author as node 0, then every account whose
 * reshare descends from that post. A reshare's parent is the post's author at
 * depth 1, else the parent account's node (which has the same root). */
void tc_engine_cascades(const tc_engine *e, tc_summary *s)
{
    const tc_population *pop = e->pop;
    int32_t n = e->net->n, R = e->nroots;
    s->nroots = R;
    s->root = tc_xcalloc((size_t)R + 1, sizeof *s->root);
    int64_t *off = tc_xcalloc((size_t)R + 2, sizeof *off);
    for (int32_t v = 0; v < n; v++)
        if (e->adopt_t[v] != INFINITY && e->depth[v] >= 1 && e->root[v] >= 0) off[e->root[v] + 2]++;
    for (int32_t r = 0; r < R; r++) off[r + 2] += off[r + 1] + 1; /* +1: the root node */
    int64_t total = off[R + 1];
    int32_t *acct = tc_xmalloc((size_t)(total ? total : 1) * sizeof *acct);
    int32_t *node_of = tc_xmalloc((size_t)(n ? n : 1) * sizeof *node_of);
    int64_t *fill = tc_xmalloc(((size_t)R + 1) * sizeof *fill);
    for (int32_t r = 0; r < R; r++) {
        acct[off[r + 1]] = e->roots[r].author;
        fill[r] = off[r + 1] + 1;
    }
    for (int32_t v = 0; v < n; v++)
        if (e->adopt_t[v] != INFINITY && e->depth[v] >= 1 && e->root[v] >= 0) {
            int32_t r = e->root[v];
            node_of[v] = (int32_t)(fill[r] - off[r + 1]);
            acct[fill[r]++] = v;
        }
    int64_t big = 0;
    for (int32_t r = 0; r < R; r++) {
        int64_t base = off[r + 1], m = off[r + 2] - base;
        if (m > big) big = m;
    }
    int64_t *parent = tc_xmalloc((size_t)(big ? big : 1) * sizeof *parent);
    double *t = tc_xmalloc((size_t)(big ? big : 1) * sizeof *t);
    uint8_t *bot = tc_xmalloc((size_t)(big ? big : 1));
    double sv_sum = 0;
    s->largest_sv = s->mean_sv = NAN;
    for (int32_t r = 0; r < R; r++) {
        int64_t base = off[r + 1], m = off[r + 2] - base;
        for (int64_t i = 0; i < m; i++) {
            int32_t v = acct[base + i];
            bot[i] = pop->cls[v] == TC_CLASS_BOT;
            if (i == 0) {
                parent[i] = -1;
                t[i] = 0;
                continue;
            }
            parent[i] = e->depth[v] == 1 ? 0 : node_of[e->parent[v]];
            t[i] = e->adopt_t[v] - e->roots[r].t;
        }
        tc_cascade_tree_stats(m, parent, t, bot, &s->root[r], NULL);
        const tc_cascade_stats *c = &s->root[r];
        if (c->size > 0) {
            s->cascades++;
            sv_sum += c->structural_virality;
            if (c->size > s->largest_size) {
                s->largest_size = c->size;
                s->largest_sv = c->structural_virality;
            }
        }
        if (c->max_breadth > s->max_breadth) s->max_breadth = c->max_breadth;
    }
    if (s->cascades) s->mean_sv = sv_sum / (double)s->cascades;
    free(bot);
    free(t);
    free(parent);
    free(fill);
    free(node_of);
    free(acct);
    free(off);
}

void tc_summary_destroy(tc_summary *s)
{
    if (!s) return;
    free(s->root);
    memset(s, 0, sizeof *s);
}

static int cmp_time(const void *a, const void *b)
{
    const tc_pending *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->account > y->account) - (x->account < y->account);
}

void tc_engine_cascade(const tc_engine *e, tc_pending **out, int64_t *n)
{
    *n = e->nlog;
    *out = tc_xmalloc((size_t)(e->nlog ? e->nlog : 1) * sizeof **out);
    memcpy(*out, e->log, (size_t)e->nlog * sizeof **out);
    qsort(*out, (size_t)e->nlog, sizeof **out, cmp_time);
}
