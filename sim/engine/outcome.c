/* The outcome of a run: per-account results, the roots and the cascade log that
 * both engines write, and what the summary makes of them (reach, volume and its
 * peak, the cascade trees' statistics). */
#include "engine/outcome.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cascade.h"

void tc_outcome_init(tc_outcome *o, int32_t n, int record)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    o->record = record;
    o->adopt_t = tc_xmalloc_huge((size_t)n * sizeof *o->adopt_t);
    for (int32_t v = 0; v < n; v++) o->adopt_t[v] = INFINITY;
    o->parent = tc_xmalloc_huge((size_t)n * sizeof *o->parent);
    o->root = tc_xmalloc_huge((size_t)n * sizeof *o->root);
    memset(o->parent, 0xff, (size_t)n * sizeof *o->parent);
    memset(o->root, 0xff, (size_t)n * sizeof *o->root);
    o->depth = tc_xmalloc_huge((size_t)n * sizeof *o->depth);
    memset(o->depth, 0, (size_t)n * sizeof *o->depth);
    o->exposed = tc_xcalloc((size_t)n, 1);
}

void tc_outcome_destroy(tc_outcome *o)
{
    if (!o) return;
    free(o->adopt_t);
    free(o->parent);
    free(o->root);
    free(o->depth);
    free(o->exposed);
    free(o->roots);
    free(o->log);
    memset(o, 0, sizeof *o);
}

int32_t tc_outcome_add_root(tc_outcome *o, double t, int32_t author, int event)
{
    TC_GROW(o->roots, o->roots_cap, (int64_t)o->nroots + 1, 16);
    int32_t r = o->nroots++;
    o->roots[r] = (tc_root){.t = t, .author = author, .event = event};
    return r;
}

void tc_outcome_log(tc_outcome *o, const tc_adoption *a, int64_t n)
{
    if (!o->record || n <= 0) return;
    TC_GROW(o->log, o->log_cap, o->nlog + n, 1024);
    memcpy(o->log + o->nlog, a, (size_t)n * sizeof *a);
    o->nlog += n;
}

/* ------------------------------------------------------------------ reading */

int32_t tc_outcome_accounts(const tc_outcome *o) { return o->n; }
const double *tc_outcome_adopt_t(const tc_outcome *o) { return o->adopt_t; }
const int32_t *tc_outcome_parent(const tc_outcome *o) { return o->parent; }
const int32_t *tc_outcome_root(const tc_outcome *o) { return o->root; }
const int32_t *tc_outcome_depth(const tc_outcome *o) { return o->depth; }
const uint8_t *tc_outcome_exposed(const tc_outcome *o) { return o->exposed; }

const tc_root *tc_outcome_roots(const tc_outcome *o, int32_t *n)
{
    if (n) *n = o->nroots;
    return o->roots;
}

static int cmp_time(const void *a, const void *b)
{
    const tc_adoption *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->account > y->account) - (x->account < y->account);
}

void tc_outcome_cascade(const tc_outcome *o, tc_adoption **out, int64_t *n)
{
    *n = o->nlog;
    *out = tc_xmalloc((size_t)(o->nlog ? o->nlog : 1) * sizeof **out);
    if (o->nlog) { /* with no adoption the log is NULL: not a memcpy source */
        memcpy(*out, o->log, (size_t)o->nlog * sizeof **out);
        qsort(*out, (size_t)o->nlog, sizeof **out, cmp_time);
    }
}

/* ------------------------------------------------------------------ finish */

void tc_outcome_finish(const tc_outcome *o, const tc_population *pop, const tc_recorder *rec,
                       tc_summary *s)
{
    memset(s, 0, sizeof *s);
    for (int32_t v = 0; v < o->n; v++) {
        int bot = pop->cls[v] == TC_CLASS_BOT;
        if (o->adopt_t[v] != INFINITY) {
            s->reach++;
            if (bot) s->reach_bot++;
            else s->reach_human++;
            if (o->depth[v] > s->max_depth) s->max_depth = o->depth[v];
        }
        if (o->exposed[v]) {
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
        const int64_t *ow = rec->by_class + ((int64_t)TC_CNT_OWN * T + i) * 2;
        int64_t vol = po[0] + po[1] + re[0] + re[1] + ow[0] + ow[1];
        s->posts += po[0] + po[1];
        s->own_posts_human += ow[0];
        s->own_posts_bot += ow[1];
        s->reshares_human += re[0];
        s->reshares_bot += re[1];
        bot_volume += po[1] + re[1] + ow[1];
        if (vol > s->peak_volume) {
            s->peak_volume = vol;
            s->peak_t = (double)i * rec->interval_s;
        }
    }
    s->reshares = s->reshares_human + s->reshares_bot;
    s->own_posts = s->own_posts_human + s->own_posts_bot;
    s->volume = s->posts + s->own_posts + s->reshares;
    s->bot_share_volume = s->volume ? (double)bot_volume / (double)s->volume : 0.0;
    s->bot_share_accounts = o->n ? (double)pop->nbots / (double)o->n : 0.0;
}

/* Per original post, its tree: the author as node 0, then every account whose
 * reshare descends from that post. A reshare's parent is the post's author at
 * depth 1, else the parent account's node (which has the same root). */
void tc_outcome_cascades(const tc_outcome *o, const tc_population *pop, tc_summary *s)
{
    int32_t n = o->n, R = o->nroots;
    s->nroots = R;
    s->root = tc_xcalloc((size_t)R + 1, sizeof *s->root);
    int64_t *off = tc_xcalloc((size_t)R + 2, sizeof *off);
    for (int32_t v = 0; v < n; v++)
        if (o->adopt_t[v] != INFINITY && o->depth[v] >= 1 && o->root[v] >= 0) off[o->root[v] + 2]++;
    for (int32_t r = 0; r < R; r++) off[r + 2] += off[r + 1] + 1; /* +1: the root node */
    int64_t total = off[R + 1];
    int32_t *acct = tc_xmalloc((size_t)(total ? total : 1) * sizeof *acct);
    int32_t *node_of = tc_xmalloc((size_t)(n ? n : 1) * sizeof *node_of);
    int64_t *fill = tc_xmalloc(((size_t)R + 1) * sizeof *fill);
    for (int32_t r = 0; r < R; r++) {
        acct[off[r + 1]] = o->roots[r].author;
        fill[r] = off[r + 1] + 1;
    }
    /* nodes by depth, then id, so that a parent (one step shallower, same root)
     * comes before its children and tc_cascade_tree_stats needs no search */
    int32_t D = 0;
    for (int32_t v = 0; v < n; v++)
        if (o->adopt_t[v] != INFINITY && o->depth[v] >= 1 && o->root[v] >= 0 && o->depth[v] > D)
            D = o->depth[v];
    int64_t *doff = tc_xcalloc((size_t)D + 2, sizeof *doff);
    for (int32_t v = 0; v < n; v++)
        if (o->adopt_t[v] != INFINITY && o->depth[v] >= 1 && o->root[v] >= 0) doff[o->depth[v] + 1]++;
    for (int32_t d = 0; d <= D; d++) doff[d + 1] += doff[d];
    int32_t *byd = tc_xmalloc((size_t)(doff[D + 1] ? doff[D + 1] : 1) * sizeof *byd);
    for (int32_t v = 0; v < n; v++)
        if (o->adopt_t[v] != INFINITY && o->depth[v] >= 1 && o->root[v] >= 0) byd[doff[o->depth[v]]++] = v;
    for (int64_t k = 0; k < doff[D]; k++) { /* doff[d] is now the end of depth d */
        int32_t v = byd[k], r = o->root[v];
        node_of[v] = (int32_t)(fill[r] - off[r + 1]);
        acct[fill[r]++] = v;
    }
    free(byd);
    free(doff);
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
            parent[i] = o->depth[v] == 1 ? 0 : node_of[o->parent[v]];
            t[i] = o->adopt_t[v] - o->roots[r].t;
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
