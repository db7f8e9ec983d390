/* The engine's facade: it owns the run's outcome, picks the lanes path where it
 * applies (engine/lanes.h), else the event engine or the step engine by the
 * rule's kind (model->engine), and passes each verb down to the one it picked.
 * The engines share only the outcome, which all write. */
#include "engine/engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/event.h"
#include "engine/lanes.h"
#include "engine/outcome.h"
#include "engine/stepper.h"

struct tc_engine {
    const tc_population *pop;
    tc_recorder *rec;
    tc_outcome out;       /* what the run did: written by the engine below */
    tc_event_engine *ev;  /* event rules: the event engine; NULL otherwise */
    tc_stepper *st;       /* step rules: the step engine; NULL otherwise */
    tc_lanes *ln;         /* the lanes path, one lane; NULL otherwise */
    int lane;             /* its lane bit */
    tc_work work;         /* the lanes path's, once finished */
    int threads, ncomm;   /* what it was built for, with out.n accounts */
    int skip_exposures;   /* tc_engine_opts */
};

static int check_opts(const tc_engine_opts *o, tc_err *err)
{
    if (o->threads < 1 || o->dt <= 0 || o->per_interval < 1) {
        tc_err_set(err, TC_ERUNTIME, "engine: threads, dt and interval must be positive");
        return TC_ERUNTIME;
    }
    return TC_OK;
}

/* The engine below for the run, from the one e holds (NULL for a new engine):
 * the same kind is reused (tc_event_reuse, tc_stepper_reuse), another freed.
 * The lanes path is allocated for each run. */
static void start(tc_engine *e, const tc_net *net, const tc_population *pop,
                  const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                  tc_recorder *rec, uint64_t key, const tc_engine_opts *o)
{
    e->pop = pop;
    e->rec = rec;
    e->threads = o->threads;
    e->ncomm = pop->ncomm;
    e->work = (tc_work){0};
    e->lane = 0;
    e->skip_exposures = o->skip_exposures;
    tc_lanes_free(e->ln);
    e->ln = NULL;
    if (tc_lanes_applies(net, pop, tl, model, mpar, o) > 0) {
        tc_event_free(e->ev);
        tc_stepper_free(e->st);
        e->ev = NULL;
        e->st = NULL;
        e->lane = o->lane_keyed ? o->lane & 63 : 0;
        e->ln = tc_lanes_alloc(net, pop, tl, model, mpar, o->lane_keyed ? o->lane_key : key,
                               (uint64_t)1 << e->lane, o);
        tc_lanes_fresh(e->ln, &e->out); /* start() follows a new or reset outcome */
    } else if (model->engine == TC_RULE_STEP) {
        tc_event_free(e->ev);
        e->ev = NULL;
        e->st = tc_stepper_reuse(e->st, net, pop, tl, model, mpar, rec, key, o, &e->out);
    } else {
        tc_stepper_free(e->st);
        e->st = NULL;
        e->ev = tc_event_reuse(e->ev, net, pop, tl, model, mpar, rec, key, o, &e->out);
    }
}

int tc_engine_alloc(tc_engine **ep, const tc_net *net, const tc_population *pop,
                    const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                    tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_err *err)
{
    *ep = NULL;
    int rc = check_opts(o, err);
    if (rc) return rc;
    tc_engine *e = tc_xcalloc(1, sizeof *e);
    tc_outcome_init(&e->out, net->n, o->record_cascade);
    start(e, net, pop, tl, model, mpar, rec, key, o);
    *ep = e;
    return TC_OK;
}

/* The outcome of an earlier run over as many accounts made as tc_outcome_init
 * makes it, keeping its per-account arrays and the room of its cascade log:
 * none adopted or exposed, no roots (freed: tc_outcome_roots gives NULL when
 * there are none), an empty log, kept if `record`. */
static void outcome_reset(tc_outcome *o, int record)
{
    tc_outcome k = *o;
    int32_t n = k.n;
    memset(o, 0, sizeof *o);
    o->n = n;
    o->record = record;
    o->adopt_t = k.adopt_t;
    o->parent = k.parent;
    o->root = k.root;
    o->depth = k.depth;
    o->exposed = k.exposed;
    for (int32_t v = 0; v < n; v++) o->adopt_t[v] = INFINITY;
    memset(o->parent, 0xff, (size_t)n * sizeof *o->parent);
    memset(o->root, 0xff, (size_t)n * sizeof *o->root);
    memset(o->depth, 0, (size_t)n * sizeof *o->depth);
    memset(o->exposed, 0, (size_t)n);
    free(k.roots);
    if (record) {
        o->log = k.log;
        o->log_cap = k.log_cap;
    } else {
        free(k.log);
    }
}

int tc_engine_reuse(tc_engine **ep, const tc_net *net, const tc_population *pop,
                    const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                    tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_err *err)
{
    tc_engine *e = *ep;
    if (!e || e->out.n != net->n || e->threads != o->threads || e->ncomm != pop->ncomm ||
        check_opts(o, NULL)) {
        tc_engine_free(e);
        return tc_engine_alloc(ep, net, pop, tl, model, mpar, rec, key, o, err);
    }
    outcome_reset(&e->out, o->record_cascade);
    start(e, net, pop, tl, model, mpar, rec, key, o);
    return TC_OK;
}

void tc_engine_free(tc_engine *e)
{
    if (!e) return;
    tc_event_free(e->ev);
    tc_stepper_free(e->st);
    tc_lanes_free(e->ln);
    tc_outcome_destroy(&e->out);
    free(e);
}

int tc_engine_step(tc_engine *e)
{
    if (e->ln) return tc_lanes_step(e->ln);
    return e->ev ? tc_event_step(e->ev) : tc_stepper_step(e->st);
}

/* The summary of a run of the lanes path whose outcome and counters are filled:
 * what the event engine's platform would say with nothing on the platform. */
static void lanes_summary(const tc_outcome *out, const tc_population *pop,
                          const tc_recorder *rec, int threads, tc_summary *s)
{
    tc_outcome_finish(out, pop, rec, threads, s);
    s->first_trending_t = NAN;
    tc_outcome_cascades(out, pop, threads, s);
}

/* Exposures not counted (tc_engine_opts.skip_exposures): whatever the engine
 * below tracked for its rule is not reported. */
static void uncounted(tc_recorder *rec, tc_summary *s)
{
    s->exposed = s->exposed_human = s->exposed_bot = -1;
    memset(rec->by_class + (int64_t)TC_CNT_EXPOSED * rec->T * 2, 0,
           (size_t)rec->T * 2 * sizeof *rec->by_class);
    memset(rec->by_comm + (int64_t)TC_CNT_EXPOSED * rec->T * rec->ncomm, 0,
           (size_t)rec->T * (size_t)rec->ncomm * sizeof *rec->by_comm);
}

void tc_engine_finish(tc_engine *e, tc_summary *s)
{
    if (e->ln) {
        tc_lanes_take(e->ln, e->lane, &e->out, e->rec, &e->work);
        lanes_summary(&e->out, e->pop, e->rec, e->threads, s);
    } else {
        tc_outcome_finish(&e->out, e->pop, e->rec, e->threads, s);
        if (e->ev) tc_event_finish(e->ev, s);
        else tc_stepper_finish(e->st, s);
        tc_outcome_cascades(&e->out, e->pop, e->threads, s);
    }
    if (e->skip_exposures) uncounted(e->rec, s);
}

void tc_engine_progress(const tc_engine *e, tc_progress *p)
{
    if (e->ln) tc_lanes_progress(e->ln, p);
    else if (e->ev) tc_event_progress(e->ev, p);
    else tc_stepper_progress(e->st, p);
}

void tc_engine_work(const tc_engine *e, tc_work *w)
{
    if (e->ln) *w = e->work;
    else if (e->ev) tc_event_work(e->ev, w);
    else tc_stepper_work(e->st, w);
    if (e->ln) w->engine = "lanes";
    else if (e->ev) w->engine = "event"; /* the step engine names itself */
}

void tc_engine_put(tc_engine *e, int32_t v, uint8_t k)
{
    if (e->st) tc_stepper_put(e->st, v, k);
}

const tc_outcome *tc_engine_outcome(const tc_engine *e) { return &e->out; }

/* ------------------------------------------------------------------ batches */

struct tc_batch {
    const tc_population *pop;
    int skip_exposures, threads;
    tc_lanes *ln;
    tc_outcome out;   /* each lane's in turn */
};

enum { BATCH_BYTES = 256 << 20 };

int tc_batch_lanes(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                   const tc_model_type *model, const double *mpar, const tc_engine_opts *o)
{
    if (!(tc_lanes_applies(net, pop, tl, model, mpar, o) > 0)) return 0;
    int64_t per = 8 * (int64_t)(net->n > 0 ? net->n : 1);
    int64_t k = BATCH_BYTES / per;
    return k < 1 ? 1 : k > 64 ? 64 : (int)k;
}

tc_batch *tc_batch_alloc(const tc_net *net, const tc_population *pop, const tc_timeline *tl,
                         const tc_model_type *model, const double *mpar, uint64_t lane_key,
                         uint64_t lanes, const tc_engine_opts *o)
{
    if (!lanes || !tc_batch_lanes(net, pop, tl, model, mpar, o)) return NULL;
    tc_batch *b = tc_xcalloc(1, sizeof *b);
    b->pop = pop;
    b->skip_exposures = o->skip_exposures;
    b->threads = o->threads;
    b->ln = tc_lanes_alloc(net, pop, tl, model, mpar, lane_key, lanes, o);
    tc_outcome_init(&b->out, net->n, o->record_cascade);
    tc_lanes_fresh(b->ln, &b->out);
    return b;
}

int tc_batch_step(tc_batch *b) { return tc_lanes_step(b->ln); }

void tc_batch_take(tc_batch *b, int lane, tc_recorder *rec, tc_summary *s, tc_work *w)
{
    tc_work wk;
    tc_lanes_take(b->ln, lane, &b->out, rec, &wk);
    lanes_summary(&b->out, b->pop, rec, b->threads, s);
    if (b->skip_exposures) uncounted(rec, s);
    wk.engine = "lanes";
    if (w) *w = wk;
}

void tc_batch_free(tc_batch *b)
{
    if (!b) return;
    tc_lanes_free(b->ln);
    tc_outcome_destroy(&b->out);
    free(b);
}
