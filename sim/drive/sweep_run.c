/* Running a sweep: the runs of this process (threads, MPI ranks or a Slurm
 * shard) over shared read-only graphs, each finished run to the journal
 * (drive/journal.h), and the sweep file written from the journals at the end. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef TC_MPI
#include <mpi.h>
#endif

#include "base/clock.h"
#include "drive/journal.h"
#include "drive/run.h"
#include "drive/sweep.h"
#include "io/h5out.h"
#include "world/world.h"

const char *const tc_sweep_metrics[] = {
    "reach",          "reach_human",       "reach_bot",      "exposed",
    "exposed_human",  "exposed_bot",       "posts",          "reshares",
    "reshares_human", "reshares_bot",      "volume",         "peak_volume",
    "peak_t",         "bot_share_volume",  "bot_share_accounts", "max_depth",
    "max_breadth",    "cascades",          "largest_size",   "largest_structural_virality",
    "mean_structural_virality",            "edges_examined", "own_posts"};
const int tc_sweep_nmetrics = (int)(sizeof tc_sweep_metrics / sizeof tc_sweep_metrics[0]);

void tc_sweep_metrics_of(const tc_summary *s, int64_t examined, double *m)
{
    double v[] = {(double)s->reach,          (double)s->reach_human,   (double)s->reach_bot,
                  (double)s->exposed,        (double)s->exposed_human, (double)s->exposed_bot,
                  (double)s->posts,          (double)s->reshares,      (double)s->reshares_human,
                  (double)s->reshares_bot,   (double)s->volume,        (double)s->peak_volume,
                  s->peak_t,                 s->bot_share_volume,      s->bot_share_accounts,
                  (double)s->max_depth,      (double)s->max_breadth,   (double)s->cascades,
                  (double)s->largest_size,   s->largest_sv,            s->mean_sv,
                  (double)examined,          (double)s->own_posts};
    memcpy(m, v, sizeof v);
    if (s->exposed < 0) m[3] = m[4] = m[5] = NAN; /* not counted */
}

typedef struct {
    int built, remaining;
    tc_population pop;
    tc_timeline tl;
} people;

typedef struct {
    const tc_sweep *sw;
    const tc_sweep_opts *o;
    tc_jshape s;
    int jfd;                  /* this process's journal */
    int64_t *todo;            /* run indices still to do, ordered by graph group */
    int64_t ntodo;
    int64_t finished;         /* runs this process finished */
    int64_t total, before;    /* runs of this shard; of which done before (resumed) */
    tc_meter meter;           /* rank 0's progress */
    double t0;
    int rank, nranks;
    int failed;
    tc_err ferr;
} runner;

static int stop_progress(void *ctx, const tc_engine *e)
{
    (void)e;
    const volatile sig_atomic_t *stop = ctx;
    return stop && *stop;
}

static uint64_t run_key_of(const tc_sweep *sw, int64_t p, int64_t r)
{
    return tc_sweep_run_key(sw, p, r);
}

/* The next run index for this process, or -1: a counter shared by all threads
 * (and, with MPI, by all ranks through a one-sided fetch-and-add on rank 0). */
typedef struct {
    int64_t next;
#ifdef TC_MPI
    MPI_Win win;
    int64_t *base;
#endif
} counter;

static int64_t counter_take(counter *c, runner *ru)
{
    int64_t k;
#ifdef TC_MPI
    if (ru->nranks > 1) {
        int64_t one = 1;
#pragma omp critical(tc_mpi)
        {
            MPI_Fetch_and_op(&one, &k, MPI_INT64_T, 0, 0, MPI_SUM, c->win);
            MPI_Win_flush(0, c->win);
        }
        return k;
    }
#endif
    (void)ru;
#pragma omp atomic capture
    k = c->next++;
    return k;
}

/* One more run finished here (called in the journal's critical section): the
 * count of this process and, with MPI, of all ranks (slot 1 of the counter's
 * window on rank 0), which rank 0 shows. */
static void count_finished(runner *ru, counter *c)
{
    int64_t done = ++ru->finished;
#ifdef TC_MPI
    if (ru->nranks > 1) {
        int64_t one = 1, k = 0;
#pragma omp critical(tc_mpi)
        {
            MPI_Fetch_and_op(&one, &k, MPI_INT64_T, 0, 1, MPI_SUM, c->win);
            MPI_Win_flush(0, c->win);
        }
        done = k + 1;
    }
#endif
    (void)c;
    if (ru->rank != 0) return;
    char what[128];
    double el = tc_clock_now() - ru->meter.t0;
    double rate = el > 0 ? done / el : 0.0;
    snprintf(what, sizeof what, "%lld/%lld runs, %.*f runs/s", (long long)(ru->before + done),
             (long long)ru->total, rate < 10 ? 2 : rate < 100 ? 1 : 0, rate);
    tc_meter_show(&ru->meter, ru->total ? (double)(ru->before + done) / ru->total : 1, what);
}

/* A unit of work: runs todo[k .. k + n), one run, or replicates of one point
 * and one block of 64 played as a batch (lanes > 0). */
typedef struct {
    int64_t k, n;
    int batch;
} unit;

/* Replicate r of point p alone, on one thread, in the engine *eng (NULL: none
 * yet; tc_run_simulate_reuse), into *rec and *sum (destroyed by the caller
 * whatever the outcome). */
static int play_one(const tc_sweep *sw, const tc_world *w, int64_t p, int64_t r,
                    tc_engine **eng, tc_recorder *rec, tc_summary *sum,
                    const volatile sig_atomic_t *stop, tc_err *err)
{
    memset(rec, 0, sizeof *rec);
    memset(sum, 0, sizeof *sum);
    uint64_t lane_key;
    int lane;
    tc_sweep_lane(sw, p, r, &lane_key, &lane);
    return tc_run_simulate_reuse(w, &sw->sc[p], run_key_of(sw, p, r), lane_key, lane, 1, eng,
                                 rec, sum, stop_progress, (void *)stop, err);
}

/* How many replicates of point p one batch may hold: 0 when its runs cannot
 * be batched (engine/engine.h) or batching is not asked for. Only
 * engine.batch: true batches: a replicate alone on the lanes path now costs
 * less than its share of a batch, wherever its cascade goes (docs/performance.md,
 * "The lanes path"), so auto plays each alone, as false does. Decided on the
 * point's people, built for the question and freed again (their build is a
 * small part of a run's). A batched point is told on stderr when `say`. */
static int point_lanes(const tc_sweep *sw, int64_t p, const tc_world *gw, int say, int *rc,
                       tc_err *err)
{
    const tc_scenario *sc = &sw->sc[p];
    const tc_model_type *m = sc->model;
    if (m->engine != TC_RULE_EVENT || m->uses != TC_FIXED_BY_CLASS || m->delay ||
        sc->engine.fast_path == TC_FAST_OFF || sc->engine.batch != TC_BATCH_ON)
        return 0;
    /* what rules the lanes path out can be read from the scenario, without
     * building the point's people */
    if (sc->humans.sessions || sc->humans.delay_sigma != 0 || sc->own_posts.on ||
        sc->appeal.kernel != TC_APPEAL_NONE || sc->trending.on)
        return 0;
    for (int i = 0; i < sc->nevents; i++)
        if (sc->events[i].kind != TC_EV_POST) return 0;
    tc_world w = *gw;
    *rc = tc_world_build_people(gw, sc, &w.pop, &w.tl, err);
    if (*rc) return 0;
    int64_t T;
    tc_engine_opts o;
    tc_run_opts(sc, 1, &o, &T);
    int lanes = tc_batch_lanes(&w.net, &w.pop, &w.tl, sc->model, sc->mpar, &o);
    if (lanes > 0 && say)
        fprintf(stderr, "tagcascade: point %lld: replicates batched on the lanes path, up to %d "
                "at once (engine.batch: true)\n", (long long)p, lanes);
    tc_timeline_destroy(&w.tl);
    tc_population_destroy(&w.pop);
    return *rc ? 0 : lanes;
}

/* The units of todo[lo..hi): consecutive runs of one point and one block of 64
 * replicates go together, up to the point's batch size, where it has one, and
 * to no more than an even share of the group's runs per thread of all ranks,
 * so that every thread has a batch. The same on every rank (todo is). */
static int plan_units(runner *ru, const tc_world *gw, int64_t lo, int64_t hi, unit **out,
                      int64_t *nout, tc_err *err)
{
    const tc_sweep *sw = ru->sw;
    unit *u = tc_xmalloc((size_t)(hi - lo > 0 ? hi - lo : 1) * sizeof *u);
    int64_t n = 0, last_p = -1;
    int64_t workers = (int64_t)ru->o->threads * (ru->nranks > 0 ? ru->nranks : 1);
    int64_t share = (hi - lo + workers - 1) / (workers > 0 ? workers : 1);
    int lanes = 0, rc = TC_OK;
    for (int64_t k = lo; k < hi;) {
        int64_t p = ru->todo[k] / sw->R, r0 = ru->todo[k] % sw->R;
        if (p != last_p) {
            lanes = point_lanes(sw, p, gw, !ru->o->quiet && ru->rank == 0, &rc, err);
            if (rc) {
                free(u);
                return rc;
            }
            if (lanes > share) lanes = (int)(share > 0 ? share : 1);
            last_p = p;
        }
        int64_t e = k + 1;
        while (lanes > 0 && e < hi && e - k < lanes && ru->todo[e] / sw->R == p &&
               (ru->todo[e] % sw->R) >> 6 == r0 >> 6)
            e++;
        u[n++] = (unit){.k = k, .n = e - k, .batch = lanes > 0};
        k = e;
    }
    *out = u;
    *nout = n;
    return TC_OK;
}

/* What a batch's lanes need to reach the journal. */
typedef struct {
    runner *ru;
    counter *ctr;
    int64_t p, block;
} lane_ctx;

/* A finished run's metrics and series into the journal. */
static int journal_run(runner *ru, counter *ctr, int64_t p, int64_t r, const tc_summary *sum,
                       const tc_work *work, const tc_recorder *rec)
{
    double m[64];
    tc_sweep_metrics_of(sum, work->examined, m);
#pragma omp critical(tc_journal)
    {
        if (tc_journal_append(ru->jfd, &ru->s, p, r, m, rec) != TC_OK && !ru->failed) {
            ru->failed = TC_ERUNTIME;
            tc_err_set(&ru->ferr, TC_ERUNTIME, "%s: cannot append to the journal "
                       "(disk full?)", ru->o->out);
        }
        count_finished(ru, ctr);
    }
    return TC_OK;
}

static int lane_done(void *ctx, int lane, const tc_recorder *rec, const tc_summary *sum,
                     const tc_work *work, tc_err *err)
{
    (void)err;
    const lane_ctx *c = ctx;
    return journal_run(c->ru, c->ctr, c->p, c->block * 64 + lane, sum, work, rec);
}

/* Unit u of point p over world w (the shared graph, the point's people); a
 * single run plays in the thread's engine *eng (NULL: none yet), which it
 * leaves there for the next (tc_run_simulate_reuse). */
static int run_unit(runner *ru, const tc_world *w, const unit *u, int64_t p, counter *ctr,
                    tc_engine **eng, tc_err *err)
{
    const tc_sweep *sw = ru->sw;
    if (u->batch) {
        uint64_t lanes = 0, lane_key = 0;
        int lane = 0;
        int64_t r0 = ru->todo[u->k] % sw->R;
        for (int64_t i = 0; i < u->n; i++) lanes |= (uint64_t)1 << (ru->todo[u->k + i] % sw->R & 63);
        tc_sweep_lane(sw, p, r0, &lane_key, &lane);
        lane_ctx c = {.ru = ru, .ctr = ctr, .p = p, .block = r0 >> 6};
        return tc_run_batch(w, &sw->sc[p], lane_key, lanes, 1, lane_done, &c, ru->o->stop, err);
    }
    int64_t r = ru->todo[u->k] % sw->R;
    tc_recorder rec;
    tc_summary sum;
    int rc = play_one(sw, w, p, r, eng, &rec, &sum, ru->o->stop, err);
    if (rc == TC_OK) {
        tc_work work;
        tc_engine_work(*eng, &work);
        journal_run(ru, ctr, p, r, &sum, &work, &rec);
    }
    tc_summary_destroy(&sum);
    tc_recorder_destroy(&rec);
    return rc;
}

/* Give the free pages of the C library's heaps back to the system. Engines
 * kept from run to run (tc_run_simulate_reuse) keep their room resident,
 * pinning the free pages around it; before a large transient (a point's
 * people), that room would add to the peak. */
static void give_back_pages(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

/* Runs todo[lo..hi) (one graph group) on this process's threads, unit by unit. */
static void run_group(runner *ru, const tc_world *gw, people *ppl, int64_t lo, int64_t hi,
                      counter *ctr)
{
    const tc_sweep *sw = ru->sw;
    unit *units = NULL;
    int64_t nunits = 0;
    tc_err perr = {0};
    int prc = plan_units(ru, gw, lo, hi, &units, &nunits, &perr);
    if (prc) {
        ru->failed = prc;
        ru->ferr = perr;
        return;
    }
    omp_lock_t lock;
    omp_init_lock(&lock);
#pragma omp parallel num_threads(ru->o->threads)
    {
        /* one engine per thread, emptied between its runs rather than freed and
         * allocated again: a run takes no fresh pages where the last had them */
        tc_engine *eng = NULL;
        for (;;) {
            if (ru->failed || (ru->o->stop && *ru->o->stop)) break;
            int64_t k = counter_take(ctr, ru);
            if (k >= nunits) break;
            const unit *u = &units[k];
            int64_t p = ru->todo[u->k] / sw->R;
            tc_err err = {0};
            int rc = TC_OK;
            /* the point's population and timeline: built by the first thread that
             * needs them, freed by the last that used them */
            omp_set_lock(&lock);
            if (!ppl[p].built) {
                /* building people takes the sweep's largest temporary arrays
                 * (the bots' follows, sorted): the engine is freed first, and
                 * the heap's free pages, which the runs keep resident, are
                 * given back, rather than add to that peak */
                tc_engine_free(eng);
                eng = NULL;
                give_back_pages();
                rc = tc_world_build_people(gw, &sw->sc[p], &ppl[p].pop, &ppl[p].tl, &err);
                ppl[p].built = rc == TC_OK;
            }
            omp_unset_lock(&lock);
            if (rc) {
#pragma omp critical(tc_journal)
                if (!ru->failed) {
                    ru->failed = rc;
                    ru->ferr = err;
                }
                break;
            }
            tc_world w = *gw; /* shallow: the shared graph, this point's people */
            w.pop = ppl[p].pop;
            w.tl = ppl[p].tl;
            rc = run_unit(ru, &w, u, p, ctr, &eng, &err);
            omp_set_lock(&lock);
            ppl[p].remaining -= u->n;
            if (ppl[p].remaining == 0 && ppl[p].built) {
                tc_timeline_destroy(&ppl[p].tl);
                tc_population_destroy(&ppl[p].pop);
                ppl[p].built = 0;
            }
            omp_unset_lock(&lock);
            if (rc && rc != TC_ERUNTIME) {
#pragma omp critical(tc_journal)
                if (!ru->failed) {
                    ru->failed = rc;
                    ru->ferr = err;
                }
            }
        }
        tc_engine_free(eng);
    }
    omp_destroy_lock(&lock);
    free(units);
}

typedef struct {
    uint64_t sig;
    int64_t run;
} sig_run;

static int cmp_sig_run(const void *a, const void *b)
{
    const sig_run *x = a, *y = b;
    if (x->sig != y->sig) return x->sig < y->sig ? -1 : 1;
    return (x->run > y->run) - (x->run < y->run);
}

static void sweep_file_desc(tc_sweep_file *d, const tc_sweep *sw, const tc_world *gw,
                            const tc_jshape *s, char **resolved, uint64_t *keys, const char *command,
                            int threads, int ranks, double wall, char *base_resolved)
{
    const tc_scenario *sc = &sw->sc[0];
    memset(d, 0, sizeof *d);
    d->name = sc->name;
    d->scenario_text = sc->text;
    d->resolved_base = base_resolved;
    d->start_iso = sc->time.start_iso;
    d->model = sc->model->name;
    d->command = command;
    d->seed = sc->seed;
    d->sweep_hash = sw->hash;
    d->utc_offset_s = sc->time.utc_offset_s;
    d->threads = threads;
    d->ranks = ranks;
    d->dt_s = sc->time.dt_ms / 1000.0;
    d->interval_s = sc->time.interval_ms / 1000.0;
    d->duration_s = sc->time.duration_ms / 1000.0;
    d->wall_s = wall;
    d->P = s->P;
    d->R = s->R;
    d->T = s->T;
    d->C = (int)s->C;
    d->comm_names = (const char(*)[TC_NAME_MAX])gw->comm_names;
    d->series = s->NS > 0;
    d->paired = sw->paired;
    d->exposures_off = sc->output.exposures_off;
    d->K = sw->K;
    d->keys = sw->keys;
    d->values = sw->values;
    d->numeric = sw->numeric;
    d->params_text = sw->params_text;
    d->resolved = resolved;
    d->M = (int)s->M;
    d->metrics = tc_sweep_metrics;
    d->run_key = keys;
}

static char *dump_of(const tc_scenario *sc)
{
    char *t = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&t, &n);
    tc_scenario_dump(sc, f);
    fclose(f);
    return t;
}

/* The runs of this shard, grouped by graph so that each graph is built once:
 * groups ordered by signature, runs by index within. *n of them. */
static sig_run *plan(const tc_sweep *sw, const tc_sweep_opts *o, int64_t *n)
{
    int64_t N = sw->P * sw->R;
    sig_run *order = tc_xmalloc((size_t)(N ? N : 1) * sizeof *order);
    uint64_t *sig = tc_xmalloc((size_t)sw->P * sizeof *sig);
    for (int64_t p = 0; p < sw->P; p++) sig[p] = tc_scenario_graph_signature(&sw->sc[p]);
    *n = 0;
    for (int64_t run = 0; run < N; run++)
        if (run % o->shard_n == o->shard_i) order[(*n)++] = (sig_run){sig[run / sw->R], run};
    free(sig);
    qsort(order, (size_t)*n, sizeof *order, cmp_sig_run);
    return order;
}

static void announce(const tc_sweep *sw, const tc_sweep_opts *o, int64_t n)
{
    int64_t N = sw->P * sw->R;
    fprintf(stderr, "tagcascade: sweep '%s': %lld point%s x %lld replicate%s = %lld run%s",
            sw->sc[0].name, (long long)sw->P, sw->P == 1 ? "" : "s", (long long)sw->R,
            sw->R == 1 ? "" : "s", (long long)N, N == 1 ? "" : "s");
    if (o->shard_n > 1)
        fprintf(stderr, "; shard %d/%d: the %lld runs whose index leaves %d divided by %d",
                o->shard_i, o->shard_n, (long long)n, o->shard_i, o->shard_n);
    fputc('\n', stderr);
}

/* Group by group, the runs ru->todo[0..m) (order[] gives their graphs): a graph
 * is built once and shared by the runs of its points. *gw holds the graph of
 * signature *gw_sig on entry and on return. */
static int run_groups(runner *ru, const sig_run *order, int64_t m, tc_world *gw, int *have_gw,
                      uint64_t *gw_sig, people *ppl, tc_err *err)
{
    int rc = TC_OK;
    const tc_sweep *sw = ru->sw;
    counter ctr = {0};
#ifdef TC_MPI
    if (ru->nranks > 1)
    {
        /* slot 0: the next run of the group; slot 1: runs finished, all ranks */
        MPI_Win_allocate(ru->rank == 0 ? (MPI_Aint)(2 * sizeof(int64_t)) : 0, sizeof(int64_t),
                         MPI_INFO_NULL, MPI_COMM_WORLD, &ctr.base, &ctr.win);
        if (ru->rank == 0) ctr.base[1] = 0;
    }
#endif
    for (int64_t lo = 0; lo < m;) {
        int64_t hi = lo;
        while (hi < m && order[hi].sig == order[lo].sig) hi++;
        if (order[lo].sig != *gw_sig) {
            tc_world_destroy(gw);
            *have_gw = 0;
            TC_TRY(tc_world_build_graph(gw, &sw->sc[order[lo].run / sw->R], err));
            *have_gw = 1;
            *gw_sig = order[lo].sig;
            if (gw->ncomm != ru->s.C)
                TC_FAIL(TC_EINPUT, "%s: sweep: the points' graphs have different numbers of "
                        "communities (%d and %lld); the series need one column per community",
                        sw->path, gw->ncomm, (long long)ru->s.C);
        }
        ctr.next = 0;
#ifdef TC_MPI
        if (ru->nranks > 1) {
            if (ru->rank == 0) *ctr.base = 0;
            MPI_Barrier(MPI_COMM_WORLD);
            MPI_Win_lock_all(0, ctr.win);
        }
#endif
        run_group(ru, gw, ppl, lo, hi, &ctr);
#ifdef TC_MPI
        if (ru->nranks > 1) {
            MPI_Win_unlock_all(ctr.win);
            MPI_Barrier(MPI_COMM_WORLD);
        }
#endif
        if (ru->failed || (ru->o->stop && *ru->o->stop)) break;
        lo = hi;
    }
cleanup:
#ifdef TC_MPI
    if (ru->nranks > 1) MPI_Win_free(&ctr.win);
#endif
    return rc;
}

#ifdef TC_MPI
/* Every rank must see every rank's journal: rank 0 writes the file from them
 * all, and a resume reads them all. A node-local output folder (each node its
 * own /tmp) is refused here, before any run, rather than at the end. */
static int journals_shared(runner *ru, tc_err *err)
{
    MPI_Barrier(MPI_COMM_WORLD);
    int miss = INT_MAX; /* the first (rank, journal) this rank cannot see */
    for (int q = 0; q < ru->nranks && miss == INT_MAX; q++) {
        char jp[4200];
        struct stat st;
        snprintf(jp, sizeof jp, "%s.journal.%d", ru->o->out, q);
        if (stat(jp, &st) != 0) miss = ru->rank * ru->nranks + q;
    }
    int first = INT_MAX;
    MPI_Allreduce(&miss, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == INT_MAX) return TC_OK;
    tc_err_set(err, TC_EINPUT, "%s.journal.%d (rank %d's journal) is not seen by rank %d: the "
               "output folder is not on a file system every node sees (a node-local /tmp or "
               "scratch?); put -o on a shared file system", ru->o->out, first % ru->nranks,
               first % ru->nranks, first / ru->nranks);
    return TC_EINPUT;
}
#endif

/* The sweep file, from every journal (rank 0, once all runs are in them). */
static int write_output(runner *ru, const tc_world *gw, tc_err *err)
{
    int rc = TC_OK;
    const tc_sweep *sw = ru->sw;
    const tc_sweep_opts *o = ru->o;
    int64_t N = sw->P * sw->R;
    tc_jindex ix;
    char **resolved = NULL, *base_resolved = NULL;
    uint64_t *keys = NULL;
    tc_jreader jr = {&ix, &ru->s, NULL};
    TC_TRY(tc_journal_index(&ix, o->out, sw->hash, &ru->s, err));
    int64_t want = 0, have = 0;
    for (int64_t run = 0; run < N; run++) {
        want += run % o->shard_n == o->shard_i;
        have += run % o->shard_n == o->shard_i && ix.file_of[run] >= 0;
    }
    if (have != want)
        TC_FAIL(TC_ERUNTIME, "%s: %lld of %lld runs are in the journals", o->out,
                (long long)have, (long long)want);
    /* a shard's file holds its own runs only */
    for (int64_t run = 0; run < N; run++)
        if (run % o->shard_n != o->shard_i) ix.file_of[run] = -1;
    resolved = tc_xcalloc((size_t)sw->P, sizeof *resolved);
    for (int64_t p = 0; p < sw->P; p++) resolved[p] = dump_of(&sw->sc[p]);
    keys = tc_xmalloc((size_t)N * sizeof *keys);
    for (int64_t run = 0; run < N; run++) keys[run] = run_key_of(sw, run / sw->R, run % sw->R);
    base_resolved = dump_of(&sw->sc[0]);
    tc_sweep_file d;
    sweep_file_desc(&d, sw, gw, &ru->s, resolved, keys, o->command, o->threads, ru->nranks,
                    tc_clock_now() - ru->t0, base_resolved);
    jr.rec = tc_xmalloc(ru->s.recsize);
    TC_TRY(tc_h5out_write_sweep(o->out, &d, tc_journal_record, &jr, err));
    for (int i = 0; i < ix.nfiles; i++) unlink(ix.path[i]);
    if (!o->quiet)
        fprintf(stderr, "tagcascade: %lld runs in %.1f s on %d thread%s x %d rank%s\n",
                (long long)(ix.ndone), tc_clock_now() - ru->t0, o->threads,
                o->threads == 1 ? "" : "s", ru->nranks, ru->nranks == 1 ? "" : "s");
cleanup:
    free(jr.rec);
    if (resolved)
        for (int64_t p = 0; p < sw->P; p++) free(resolved[p]);
    free(resolved);
    free(keys);
    free(base_resolved);
    tc_journal_index_free(&ix);
    return rc;
}

int tc_sweep_run(const tc_sweep *sw, const tc_sweep_opts *o, tc_err *err)
{
    int rc = TC_OK;
    runner ru;
    tc_jindex ix;
    tc_world gw;
    int have_gw = 0;
    people *ppl = NULL;
    sig_run *order = NULL;
    memset(&ru, 0, sizeof ru);
    memset(&ix, 0, sizeof ix);
    memset(&gw, 0, sizeof gw);
    ru.sw = sw;
    ru.o = o;
    ru.jfd = -1;
    ru.t0 = tc_clock_now();
    ru.nranks = 1;
#ifdef TC_MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &ru.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ru.nranks);
#endif
    int64_t n;
    order = plan(sw, o, &n);
    if (!o->quiet && ru.rank == 0) announce(sw, o, n);
    /* the graph of the first group tells the number of communities (all graphs
     * of a sweep must agree on it: the series have one column per community) */
    TC_TRY(tc_world_build_graph(&gw, &sw->sc[n ? order[0].run / sw->R : 0], err));
    have_gw = 1;
    uint64_t gw_sig = n ? order[0].sig : 0;
    tc_journal_shape(&ru.s, sw, gw.ncomm);

    /* journals: resume from them, or refuse to overwrite them */
    TC_TRY(tc_journal_index(&ix, o->out, sw->hash, &ru.s, err));
#ifdef TC_MPI
    /* every rank sees the journals as they were before any rank writes */
    MPI_Barrier(MPI_COMM_WORLD);
#endif
    if (ix.nfiles && !o->resume)
        TC_FAIL(TC_EINPUT, "%s exists: a sweep into %s was interrupted; add --resume to finish "
                "it, or remove the journal", ix.path[0], o->out);
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++)
        if (ix.file_of[order[k].run] < 0) order[m++] = order[k];
    ru.ntodo = m;
    ru.todo = tc_xmalloc((size_t)(m ? m : 1) * sizeof *ru.todo);
    for (int64_t k = 0; k < m; k++) ru.todo[k] = order[k].run;
    if (!o->quiet && ru.rank == 0 && ix.ndone)
        fprintf(stderr, "tagcascade: resuming: %lld runs already in the journal, %lld to go\n",
                (long long)ix.ndone, (long long)m);
    TC_TRY(tc_journal_open(o->out, ru.rank, sw->hash, &ru.s, &ix, &ru.jfd, err));
#ifdef TC_MPI
    TC_TRY(journals_shared(&ru, err));
#endif
    int64_t ndone = ix.ndone;
    tc_journal_index_free(&ix);

    ppl = tc_xcalloc((size_t)sw->P, sizeof *ppl);
    for (int64_t k = 0; k < m; k++) ppl[ru.todo[k] / sw->R].remaining++;
    ru.total = n;
    ru.before = ndone;
    tc_meter_start(&ru.meter, ru.rank == 0 ? o->progress : TC_METER_NONE);
    TC_TRY(run_groups(&ru, order, m, &gw, &have_gw, &gw_sig, ppl, err));
    {
        /* every run finished (or as many as this process knows of) */
        int64_t done = ru.failed || (o->stop && *o->stop) ? ndone + ru.finished : n;
        char what[96];
        snprintf(what, sizeof what, "%lld/%lld runs", (long long)done, (long long)n);
        tc_meter_end(&ru.meter, n ? (double)done / n : 1, what);
    }
    if (ru.failed) {
        *err = ru.ferr;
        rc = ru.failed;
        goto cleanup;
    }
    if (o->stop && *o->stop)
        TC_FAIL(TC_ERUNTIME, "interrupted: %lld runs finished are in %s.journal.*; run the same "
                "command with --resume to finish", (long long)(ndone + ru.finished), o->out);
    close(ru.jfd);
    ru.jfd = -1;
#ifdef TC_MPI
    /* every rank's runs are in its journal; rank 0 writes the file */
    MPI_Barrier(MPI_COMM_WORLD);
    if (ru.rank != 0) goto cleanup;
#endif
    TC_TRY(write_output(&ru, &gw, err));
cleanup:
    if (ru.meter.drawn) fputc('\n', stderr);
    if (ru.jfd >= 0) close(ru.jfd);
    if (ppl)
        for (int64_t p = 0; p < sw->P; p++)
            if (ppl[p].built) {
                tc_timeline_destroy(&ppl[p].tl);
                tc_population_destroy(&ppl[p].pop);
            }
    free(ppl);
    if (have_gw) tc_world_destroy(&gw);
    free(ru.todo);
    free(order);
    tc_journal_index_free(&ix);
    return rc;
}
