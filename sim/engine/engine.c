/* The engine's facade: it owns the run's outcome, picks the event engine or the
 * step engine by the rule's kind (model->engine), and passes each verb down to
 * the one it picked. The two engines share only the outcome, which both write. */
#include "engine/engine.h"

#include <stdlib.h>

#include "engine/event.h"
#include "engine/outcome.h"
#include "engine/stepper.h"

struct tc_engine {
    const tc_population *pop;
    tc_recorder *rec;
    tc_outcome out;       /* what the run did: written by the engine below */
    tc_event_engine *ev;  /* event rules: the event engine; NULL otherwise */
    tc_stepper *st;       /* step rules: the step engine; NULL otherwise */
};

int tc_engine_alloc(tc_engine **ep, const tc_net *net, const tc_population *pop,
                    const tc_timeline *tl, const tc_model_type *model, const double *mpar,
                    tc_recorder *rec, uint64_t key, const tc_engine_opts *o, tc_err *err)
{
    *ep = NULL;
    if (o->threads < 1 || o->dt <= 0 || o->per_interval < 1) {
        tc_err_set(err, TC_ERUNTIME, "engine: threads, dt and interval must be positive");
        return TC_ERUNTIME;
    }
    tc_engine *e = tc_xcalloc(1, sizeof *e);
    e->pop = pop;
    e->rec = rec;
    tc_outcome_init(&e->out, net->n, o->record_cascade);
    if (model->engine == TC_RULE_STEP)
        e->st = tc_stepper_alloc(net, pop, tl, model, mpar, rec, key, o, &e->out);
    else
        e->ev = tc_event_alloc(net, pop, tl, model, mpar, rec, key, o, &e->out);
    *ep = e;
    return TC_OK;
}

void tc_engine_free(tc_engine *e)
{
    if (!e) return;
    tc_event_free(e->ev);
    tc_stepper_free(e->st);
    tc_outcome_destroy(&e->out);
    free(e);
}

int tc_engine_step(tc_engine *e)
{
    return e->ev ? tc_event_step(e->ev) : tc_stepper_step(e->st);
}

void tc_engine_finish(tc_engine *e, tc_summary *s)
{
    tc_outcome_finish(&e->out, e->pop, e->rec, s);
    if (e->ev) tc_event_finish(e->ev, s);
    else tc_stepper_finish(e->st, s);
    tc_outcome_cascades(&e->out, e->pop, s);
}

void tc_engine_progress(const tc_engine *e, tc_progress *p)
{
    if (e->ev) tc_event_progress(e->ev, p);
    else tc_stepper_progress(e->st, p);
}

void tc_engine_work(const tc_engine *e, tc_work *w)
{
    if (e->ev) tc_event_work(e->ev, w);
    else tc_stepper_work(e->st, w);
}

void tc_engine_put(tc_engine *e, int32_t v, uint8_t k)
{
    if (e->st) tc_stepper_put(e->st, v, k);
}

const tc_outcome *tc_engine_outcome(const tc_engine *e) { return &e->out; }
