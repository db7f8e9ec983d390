/* The tagcascade command: run, validate, models, sweep, and the dispatch to the
 * others (cli_files.c, cli_graph.c); exit codes 0 ok, 1 runtime failure, 2 bad input. */
#include <getopt.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#ifdef TC_MPI
#include <mpi.h>
#endif

#include "base/clock.h"
#include "base/datetime.h"
#include "base/err.h"
#include "base/meter.h"
#include "base/num.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/version.h"
#include "cli/cli_files.h"
#include "cli/cli_graph.h"
#include "cli/cli_knobs.h"
#include "cli/cli_serve.h"
#include "drive/fit.h"
#include "drive/run.h"
#include "drive/sweep.h"
#include "input/scenario.h"
#include "io/h5out.h"
#include "io/modelinfo.h"
#include "model.h"
#include "world/world.h"

/* Set by SIGINT/SIGTERM. `run` and `sweep` check it between steps and runs and
 * stop cleanly (a sweep keeps its journal); every other command, and a second
 * signal to those two, stops at once: the temporary files of outputs being
 * written are removed (tc_outfile) and nothing is left under an output's name. */
static volatile sig_atomic_t stop_requested, stop_polled;

static void on_signal(int sig)
{
    static const char msg[] = "tagcascade: interrupted; no output written\n";
    (void)sig;
    if (stop_polled && !stop_requested) {
        stop_requested = 1;
        return;
    }
    tc_outfile_unlink_pending();
    if (write(2, msg, sizeof msg - 1) < 0) _exit(TC_ERUNTIME);
    _exit(TC_ERUNTIME);
}

static void usage_main(FILE *f)
{
    fprintf(f,
            "usage: tagcascade COMMAND [options]\n"
            "\n"
            "Replays how a hashtag spreads across a follower graph of human and bot\n"
            "accounts, and writes what happened per output interval to HDF5.\n"
            "\n"
            "commands:\n"
            "  run SCENARIO       simulate the scenario and write an HDF5 file\n"
            "  validate SCENARIO  check a scenario file and print it resolved\n"
            "  models [NAME]      list the adoption rules and their parameters\n"
            "  sweep SCENARIO     run the scenario's sweep: points x replicates, one file\n"
            "  fit SCENARIO       fit the scenario's parameters to observed data (ABC-SMC)\n"
            "  merge SHARD...     join the shard files of a sweep (Slurm job arrays)\n"
            "  summary FILE.h5    print a run's or observed file's outcome and cascades\n"
            "  export FILE.h5     write one cascade as GraphML, GEXF or CSV\n"
            "  import PATH...     read observed cascades (Twitter15/16 trees, CSV) into HDF5\n"
            "  graph ...          graph stores: convert a file, generate a graph, info;\n"
            "                     export a world's follower graph (GraphML, GEXF, CSV)\n"
            "  serve [SCENARIO]   a page for a class: sliders, the night's curves (HTTP)\n"
            "\n"
            "`tagcascade COMMAND --help` describes each command.\n"
            "Exit codes: 0 ok, 1 runtime failure, 2 bad input.\n");
}

static void usage_run(FILE *f)
{
    fprintf(f,
            "usage: tagcascade run SCENARIO [-o OUT.h5] [--seed S] [--threads N]\n"
            "                      [--set KEY=VALUE]... [--point I] [--replicate R]\n"
            "                      [--progress MODE] [--quiet]\n"
            "\n"
            "  -o, --output PATH   output file (default: the scenario's output.path)\n"
            "  --seed S            override the scenario's seed (same as --set seed=S)\n"
            "  -t, --threads N     OpenMP threads (default: OMP_NUM_THREADS or all cores);\n"
            "                      the output does not depend on it\n"
            "  --set KEY=VALUE     override a scenario key, e.g. --set model.p=0.05 or\n"
            "                      --set population.bots.fraction=0.2 (repeatable)\n"
            "  --point I           a scenario with a sweep section: run its point I\n"
            "                      (from 0), as replicate 0 of `tagcascade sweep` runs it\n"
            "  --replicate R       run replicate R (from 0) as `tagcascade sweep` runs it\n"
            "                      (of point 0 for a scenario without a sweep section)\n"
            "  --progress MODE     auto (a bar on a terminal, else a line per tenth of the\n"
            "                      night), bar, lines or none\n"
            "  -q, --quiet         no progress (unless --progress) and no report\n"
            "  -h, --help          this help\n");
}

static void usage_validate(FILE *f)
{
    fprintf(f,
            "usage: tagcascade validate SCENARIO [--set KEY=VALUE]... [--quiet]\n"
            "\n"
            "Checks the scenario (keys, types, ranges, files, and the graph it builds)\n"
            "and prints every resolved parameter as YAML; a sweep section is checked\n"
            "whole, every point's scenario with it; a fit section whole, its priors against\n"
            "the keys' ranges and its observed files; a classroom section's knobs.\n"
            "Exit 0 if valid, 2 if not.\n");
}

typedef struct {
    const char **sets;
    int nsets;
    char *seed_set; /* "seed=S" made from --seed, owned */
    const char *output;
    int threads;
    int quiet;
    int help;
    int64_t point;  /* --point I; -1 when not given */
    int64_t replicate; /* --replicate R; -1 when not given */
    int progress;   /* --progress (tc_meter_mode); -1 when not given */
    const char *scenario;
} options;

/* --progress MODE: its index in tc_meter_mode_names, or -1 (said on stderr). */
static int progress_mode(const char *arg)
{
    for (int i = 0; tc_meter_mode_names[i]; i++)
        if (!strcmp(arg, tc_meter_mode_names[i])) return i;
    fprintf(stderr, "tagcascade: --progress: expected auto, bar, lines or none, got '%s'\n", arg);
    return -1;
}

static int parse(int argc, char **argv, options *o, int allow_run_opts, void (*usage)(FILE *))
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"seed", required_argument, 0, 'S'},
        {"threads", required_argument, 0, 't'}, {"set", required_argument, 0, 's'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {"point", required_argument, 0, 'P'},  {"progress", required_argument, 0, 'g'},
        {"replicate", required_argument, 0, 'R'},
        {0, 0, 0, 0}};
    int c;
    o->point = -1;
    o->replicate = -1;
    o->progress = -1;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:t:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': o->help = 1; break;
        case 'q': o->quiet = 1; break;
        case 's': o->sets[o->nsets++] = optarg; break;
        case 'o':
        case 'S':
        case 't':
        case 'P':
        case 'R':
        case 'g':
            if (!allow_run_opts) {
                fprintf(stderr, "tagcascade: option '%s' belongs to 'run', not here\n",
                        c == 'o'   ? "--output"
                        : c == 't' ? "--threads"
                        : c == 'P' ? "--point"
                        : c == 'R' ? "--replicate"
                        : c == 'g' ? "--progress"
                                   : "--seed");
                usage(stderr);
                return TC_EINPUT;
            }
            if (c == 'o') o->output = optarg;
            else if (c == 'g') {
                if ((o->progress = progress_mode(optarg)) < 0) return TC_EINPUT;
            } else if (c == 'P' || c == 'R') {
                tc_err nerr;
                if (tc_num_i64(optarg, 0, TC_MAX_RUNS - 1, c == 'P' ? "--point" : "--replicate",
                               c == 'P' ? &o->point : &o->replicate, &nerr)) {
                    fprintf(stderr, "tagcascade: %s\n", nerr.msg);
                    return TC_EINPUT;
                }
            }
            else if (c == 't') {
                int64_t v;
                tc_err nerr;
                if (tc_num_i64(optarg, 1, 4096, "--threads", &v, &nerr)) {
                    fprintf(stderr, "tagcascade: %s\n", nerr.msg);
                    return TC_EINPUT;
                }
                o->threads = (int)v;
            } else {
                uint64_t seed;
                tc_err nerr;
                if (tc_num_u64(optarg, UINT64_MAX, "--seed", &seed, &nerr)) {
                    fprintf(stderr, "tagcascade: %s\n", nerr.msg);
                    return TC_EINPUT;
                }
                size_t n = strlen(optarg) + 6;
                free(o->seed_set);
                o->seed_set = tc_xmalloc(n);
                snprintf(o->seed_set, n, "seed=%s", optarg);
                o->sets[o->nsets++] = o->seed_set;
            }
            break;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return TC_EINPUT;
        }
    }
    if (o->help) {
        usage(stdout);
        return -1;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "tagcascade: expected exactly one SCENARIO file\n");
        usage(stderr);
        return TC_EINPUT;
    }
    o->scenario = argv[optind];
    return TC_OK;
}

typedef struct {
    tc_meter meter;
    const tc_scenario *sc;
} progress_ctx;

/* "22:49  reshares 1234": where the night is, and what has happened */
static void progress_what(const progress_ctx *p, const tc_engine *e, double *frac, char *buf,
                          size_t n)
{
    tc_progress pr;
    tc_engine_progress(e, &pr);
    char clock[40];
    tc_datetime_format(p->sc->time.start_epoch + (int64_t)pr.t, p->sc->time.utc_offset_s, clock,
                       sizeof clock);
    snprintf(buf, n, "%.16s  reshares %lld", clock, (long long)pr.reshares);
    *frac = pr.done;
}

static int progress(void *vctx, const tc_engine *e)
{
    progress_ctx *p = vctx;
    if (stop_requested) return 1;
    if (p->meter.mode == TC_METER_NONE) return 0;
    tc_progress pr;
    tc_engine_progress(e, &pr);
    if (!tc_meter_due(&p->meter, pr.done)) return 0; /* the line is made only when shown */
    char what[96];
    double frac;
    progress_what(p, e, &frac, what, sizeof what);
    tc_meter_show(&p->meter, frac, what);
    return 0;
}

static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += strlen(argv[i]) + 1;
    char *s = tc_xcalloc(n, 1);
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* A scenario with a sweep section runs one of its points, named by --point: the
 * point's scenario with the key of its replicate (--replicate, else 0) in
 * `tagcascade sweep`, so the run is that replicate. Without --point such a file
 * is refused with the hint. *lane_key and *lane name the replicate for the
 * lanes path (drive/run.h). */
static int pick_point(const options *o, tc_scenario *sc, tc_sweep *sw, int *have_sw,
                      tc_scenario **run, uint64_t *key, uint64_t *lane_key, int *lane,
                      tc_err *err)
{
    int rc = TC_OK;
    int64_t r = o->replicate >= 0 ? o->replicate : 0;
    *run = sc;
    *key = tc_run_key_at(sc->seed, 0, r);
    tc_run_lane(sc->seed, 0, r, lane_key, lane);
    if (!sc->sweep_at.file) {
        if (o->point >= 0)
            TC_FAIL(TC_EINPUT, "--point: %s has no sweep section, hence one point: run it "
                    "without --point", o->scenario);
        return TC_OK;
    }
    TC_TRY(tc_sweep_load(sw, o->scenario, o->sets, o->nsets, err));
    *have_sw = 1;
    if (o->point < 0)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep: this scenario is a sweep of %lld point%s x %lld "
                "replicate%s; run it with `tagcascade sweep %s`, or one point here with "
                "--point I (I from 0 to %lld)", sc->sweep_at.file, sc->sweep_at.line,
                sc->sweep_at.col, (long long)sw->P, sw->P == 1 ? "" : "s", (long long)sw->R,
                sw->R == 1 ? "" : "s", o->scenario, (long long)sw->P - 1);
    if (o->point >= sw->P)
        TC_FAIL(TC_EINPUT, "--point: expected a point from 0 to %lld (the sweep at %s has %lld), "
                "got %lld", (long long)sw->P - 1, sw->where, (long long)sw->P,
                (long long)o->point);
    *run = &sw->sc[o->point];
    if (!(*run)->text) (*run)->text = tc_xstrdup(sw->sc[0].text); /* the file, as run */
    *key = tc_sweep_run_key(sw, o->point, r);
    tc_sweep_lane(sw, o->point, r, lane_key, lane);
cleanup:
    return rc;
}

/* A summary's exposed count for a message: -1 is output.exposures: false. */
static const char *exposed_text(int64_t exposed, char *buf, size_t n)
{
    if (exposed < 0) return "not counted";
    snprintf(buf, n, "%lld", (long long)exposed);
    return buf;
}

static int cmd_run(int argc, char **argv, char *command)
{
    options o = {0};
    tc_err errv = {0}, *err = &errv;
    tc_scenario sc, *run = &sc;
    tc_sweep sw;
    tc_world w;
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary sum;
    int rc, have_sc = 0, have_w = 0, have_sw = 0;
    uint64_t key = 0, lane_key = 0;
    int lane = 0;
    memset(&rec, 0, sizeof rec);
    memset(&sum, 0, sizeof sum);

    rc = parse(argc, argv, &o, 1, usage_run);
    if (rc) {
        free(o.sets);
        free(o.seed_set);
        return rc < 0 ? 0 : rc;
    }
    TC_TRY(tc_scenario_load(&sc, o.scenario, o.sets, o.nsets, err));
    have_sc = 1;
    TC_TRY(pick_point(&o, &sc, &sw, &have_sw, &run, &key, &lane_key, &lane, err));
    if (o.output) {
        free(run->output.path);
        run->output.path = tc_xstrdup(o.output);
    }
    TC_TRY(tc_h5out_check_dest(run->output.path, err));
    const char *inputs[2] = {o.scenario, run->graph.file};
    TC_TRY(tc_path_check_output(run->output.path, inputs, run->graph.file ? 2 : 1, err));
    int threads = o.threads ? o.threads : omp_get_max_threads();
    omp_set_num_threads(threads); /* the world's build and the output's too */
    double t0 = tc_clock_now();
    if (!o.quiet) fprintf(stderr, "tagcascade: building the graph of '%s'\n", run->name);
    TC_TRY(tc_world_build(&w, run, err));
    have_w = 1;
    if (stop_requested) TC_FAIL(TC_ERUNTIME, "interrupted; no output written");
    double t1 = tc_clock_now();
    if (!o.quiet)
        fprintf(stderr, "tagcascade: %d accounts (%lld bots), %lld audience edges in %.2fs\n",
                w.net.n, (long long)w.pop.nbots, (long long)w.net.m, t1 - t0);
    progress_ctx pc = {.sc = run};
    tc_meter_start(&pc.meter, o.progress >= 0 ? (tc_meter_mode)o.progress
                              : o.quiet ? TC_METER_NONE : TC_METER_AUTO);
    rc = tc_run_simulate_lane(&w, run, key, lane_key, lane, threads, &e, &rec, &sum, progress,
                              &pc, err);
    if (e) {
        char what[96];
        double frac;
        progress_what(&pc, e, &frac, what, sizeof what);
        tc_meter_end(&pc.meter, rc ? frac : 1.0, what);
    } else if (pc.meter.drawn) {
        fputc('\n', stderr);
    }
    if (rc) goto cleanup;
    double t2 = tc_clock_now();
    tc_run_info ri = {.sc = run, .net = &w.net, .pop = &w.pop, .tl = &w.tl, .rec = &rec,
                      .sum = &sum, .engine = e, .threads = threads, .ranks = 1,
                      .wall_s = t2 - t0, .command = command};
    TC_TRY(tc_h5out_write_run(run->output.path, &ri, err));
    if (!o.quiet) {
        tc_work work;
        tc_engine_work(e, &work);
        fprintf(stderr,
                "tagcascade: simulated in %.3fs on %d thread%s (%lld edges examined): %lld "
                "posts%s, %lld reshares (%.1f%% by bots), reach %lld, exposed %s\n",
                t2 - t1, threads, threads == 1 ? "" : "s", (long long)work.examined,
                (long long)(sum.posts + sum.own_posts), sum.own_posts ? " (own posts among them)" : "",
                (long long)sum.reshares, 100.0 * sum.bot_share_volume, (long long)sum.reach,
                exposed_text(sum.exposed, (char[24]){0}, 24));
        printf("%s\n", run->output.path);
    }
cleanup:
    if (stop_requested && rc) rc = TC_ERUNTIME;
    tc_cli_report(rc, err);
    tc_summary_destroy(&sum);
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    if (have_w) tc_world_destroy(&w);
    if (have_sw) tc_sweep_destroy(&sw);
    if (have_sc) tc_scenario_destroy(&sc);
    free(o.sets);
    free(o.seed_set);
    return rc;
}

static int cmd_validate(int argc, char **argv)
{
    options o = {0};
    tc_err errv = {0}, *err = &errv;
    tc_scenario sc;
    tc_sweep sw;
    tc_world w;
    int rc, have_sc = 0, have_sw = 0;
    rc = parse(argc, argv, &o, 0, usage_validate);
    if (rc) {
        free(o.sets);
        return rc < 0 ? 0 : rc;
    }
    TC_TRY(tc_scenario_load(&sc, o.scenario, o.sets, o.nsets, err));
    have_sc = 1;
    if (sc.sweep_at.file) {
        /* the sweep section whole: its keys, and every point's scenario */
        TC_TRY(tc_sweep_load(&sw, o.scenario, o.sets, o.nsets, err));
        have_sw = 1;
    }
    if (sc.fit_at.file) {
        /* the fit section whole: parameters against the keys' ranges, observed data */
        tc_fit fit;
        TC_TRY(tc_fit_load(&fit, o.scenario, o.sets, o.nsets, err));
        tc_fit_destroy(&fit);
    }
    if (sc.classroom_at.file) {
        tc_knobs kb;
        TC_TRY(tc_knobs_load(&kb, o.scenario, sc.text, &sc, err));
    }
    TC_TRY(tc_world_build(&w, &sc, err));
    if (!o.quiet) {
        tc_scenario_dump(&sc, stdout);
        printf("# graph: %d accounts, %lld bots, %lld audience edges (%lld self-loops and "
               "%lld duplicates dropped)\n", w.net.n, (long long)w.pop.nbots, (long long)w.net.m,
               (long long)w.net.self_loops_dropped, (long long)w.net.duplicates_dropped);
        if (have_sw) {
            printf("# sweep: %lld point%s x %lld replicate%s, every point's scenario valid",
                   (long long)sw.P, sw.P == 1 ? "" : "s", (long long)sw.R, sw.R == 1 ? "" : "s");
            for (int k = 0; k < sw.K; k++) printf("%s%s", k ? ", " : "; swept: ", sw.keys[k]);
            printf("\n");
        }
    }
    tc_world_destroy(&w);
cleanup:
    tc_cli_report(rc, err);
    if (have_sw) tc_sweep_destroy(&sw);
    if (have_sc) tc_scenario_destroy(&sc);
    free(o.sets);
    return rc;
}

/* tagcascade models [NAME]: every rule of the table, or the one named. */
static int cmd_models(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        printf("usage: tagcascade models [NAME]\n\n"
               "Lists the adoption rules (or the rule NAME): engine, summary, reference,\n"
               "parameters with type, range, default, unit and meaning, and a step rule's\n"
               "states. A scenario picks one as model: {name: NAME, PARAM: VALUE, ...}.\n");
        return 0;
    }
    if (argc > 2) {
        fprintf(stderr, "tagcascade: models takes at most one rule name\n");
        return TC_EINPUT;
    }
    if (argc == 2) {
        const tc_model_type *m = tc_model_find(argv[1]);
        if (!m) {
            fprintf(stderr, "tagcascade: models: unknown rule '%s'; the rules:", argv[1]);
            for (int i = 0; tc_model_table[i]; i++)
                fprintf(stderr, "%s %s", i ? "," : "", tc_model_table[i]->name);
            fprintf(stderr, "\n");
            return TC_EINPUT;
        }
        tc_modelinfo_print(stdout, m);
        return 0;
    }
    for (int i = 0; tc_model_table[i]; i++) tc_modelinfo_print(stdout, tc_model_table[i]);
    return 0;
}

static int parse_shard(const char *arg, int *i, int *n)
{
    const char *slash = strchr(arg, '/');
    if (!slash || slash - arg > 20) return -1;
    char left[24];
    memcpy(left, arg, (size_t)(slash - arg));
    left[slash - arg] = '\0';
    int64_t a, b;
    if (tc_num_i64(left, 0, INT32_MAX, "I", &a, NULL) || tc_num_i64(slash + 1, 1, INT32_MAX, "N", &b, NULL) ||
        a >= b)
        return -1;
    *i = (int)a;
    *n = (int)b;
    return 0;
}

static void usage_sweep(FILE *f)
{
    fprintf(f,
            "usage: tagcascade sweep SCENARIO -o OUT.h5 [--threads N] [--set KEY=VALUE]...\n"
            "                        [--resume] [--shard I/N] [--progress MODE] [--quiet]\n\n"
            "Runs every (point, replicate) of the scenario's sweep: section (docs/sweep.md)\n"
            "and writes one HDF5 file. Finished runs go to OUT.h5.journal.* first, so an\n"
            "interrupted sweep loses nothing:\n"
            "  --resume        finish an interrupted sweep from its journal(s)\n"
            "  --shard I/N     only the runs whose index leaves I when divided by N (for\n"
            "                  Slurm job arrays); join the shards with `tagcascade merge`\n"
            "  -t, --threads N runs in parallel (default: all cores); the output does not\n"
            "                  depend on it, nor on the number of MPI ranks or shards\n"
            "  --set KEY=VALUE override a scenario key (sweep.* included)\n"
            "  --progress MODE runs done of all (all MPI ranks), rate and time left: auto\n"
            "                  (a bar on a terminal, else a line per tenth, as in a batch\n"
            "                  log), bar, lines or none\n"
            "  -q, --quiet     no messages and no progress (unless --progress)\n");
}

static int cmd_sweep(int argc, char **argv, const char *command)
{
    static const struct option lo[] = {
        {"output", required_argument, 0, 'o'}, {"threads", required_argument, 0, 't'},
        {"set", required_argument, 0, 's'},    {"resume", no_argument, 0, 'r'},
        {"shard", required_argument, 0, 'x'},  {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},         {"progress", required_argument, 0, 'g'},
        {0, 0, 0, 0}};
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int nsets = 0, c, rc;
    tc_sweep_opts o = {.shard_n = 1, .stop = &stop_requested};
    int progress = -1;
    tc_err err = {0};
    tc_sweep sw;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:t:qh", lo, NULL)) != -1) {
        int64_t nv;
        tc_err nerr;
        switch (c) {
        case 'h': usage_sweep(stdout); free(sets); return 0;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'r': o.resume = 1; break;
        case 'g':
            if ((progress = progress_mode(optarg)) < 0) {
                free(sets);
                return TC_EINPUT;
            }
            break;
        case 's': sets[nsets++] = optarg; break;
        case 't':
            if (tc_num_i64(optarg, 1, 4096, "--threads", &nv, &nerr)) {
                fprintf(stderr, "tagcascade: %s\n", nerr.msg);
                free(sets);
                return TC_EINPUT;
            }
            o.threads = (int)nv;
            break;
        case 'x':
            if (parse_shard(optarg, &o.shard_i, &o.shard_n)) {
                fprintf(stderr, "tagcascade: --shard: expected I/N with 0 <= I < N <= %d, got "
                        "'%s'\n", INT32_MAX, optarg);
                free(sets);
                return TC_EINPUT;
            }
            break;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage_sweep(stderr);
            free(sets);
            return TC_EINPUT;
        }
    }
    if (optind != argc - 1 || !o.out) {
        fprintf(stderr, "tagcascade: expected one SCENARIO and -o OUT.h5\n");
        usage_sweep(stderr);
        free(sets);
        return TC_EINPUT;
    }
    if (!o.threads) o.threads = omp_get_max_threads();
    omp_set_num_threads(o.threads); /* worlds built and files written, besides the runs */
    o.progress = progress >= 0 ? (tc_meter_mode)progress
                 : o.quiet ? TC_METER_NONE : TC_METER_AUTO;
    o.command = command;
    rc = tc_h5out_check_dest(o.out, &err);
    if (!rc) rc = tc_path_check_output(o.out, (const char *const *)argv + optind, 1, &err);
    if (!rc) rc = tc_sweep_load(&sw, argv[optind], sets, nsets, &err);
    if (!rc) {
        rc = tc_sweep_run(&sw, &o, &err);
        tc_sweep_destroy(&sw);
        int rank = 0;
#ifdef TC_MPI
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
#endif
        if (!rc && !o.quiet && rank == 0) printf("%s\n", o.out);
    }
    free(sets);
    return tc_cli_report(rc, &err);
}

static void usage_fit(FILE *f)
{
    fprintf(f,
            "usage: tagcascade fit SCENARIO -o FIT.h5 [--threads N] [--set KEY=VALUE]...\n"
            "                      [--resume] [--quiet]\n"
            "\n"
            "Fits the parameters named in the scenario's fit section to the observed data\n"
            "it names, by ABC-SMC (docs/fit.md): every generation's particles, weights and\n"
            "distances, and a posterior predictive, go to FIT.h5. FIT.h5.ckpt keeps the\n"
            "generations done; after an interruption --resume goes on from it and gives\n"
            "the file an uninterrupted fit gives. The result does not depend on --threads\n"
            "or on the number of MPI ranks (mpirun -n R tagcascade fit ...).\n"
            "\n"
            "  -o, --output PATH   the fit file\n"
            "  -t, --threads N     OpenMP threads (default: all cores)\n"
            "  --set KEY=VALUE     override a scenario key before fitting (repeatable)\n"
            "  --resume            go on from FIT.h5.ckpt\n"
            "  -q, --quiet         no progress lines\n");
}

static int cmd_fit(int argc, char **argv, const char *command)
{
    static const struct option lo[] = {
        {"output", required_argument, 0, 'o'}, {"threads", required_argument, 0, 't'},
        {"set", required_argument, 0, 's'},    {"resume", no_argument, 0, 'r'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    int nsets = 0, c, rc;
    tc_fit_opts o = {.stop = &stop_requested};
    tc_err err = {0};
    tc_fit fit;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:t:qh", lo, NULL)) != -1) {
        int64_t nv;
        tc_err nerr;
        switch (c) {
        case 'h': usage_fit(stdout); free(sets); return 0;
        case 'o': o.out = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'r': o.resume = 1; break;
        case 's': sets[nsets++] = optarg; break;
        case 't':
            if (tc_num_i64(optarg, 1, 4096, "--threads", &nv, &nerr)) {
                fprintf(stderr, "tagcascade: %s\n", nerr.msg);
                free(sets);
                return TC_EINPUT;
            }
            o.threads = (int)nv;
            break;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage_fit(stderr);
            free(sets);
            return TC_EINPUT;
        }
    }
    if (optind != argc - 1 || !o.out) {
        fprintf(stderr, "tagcascade: expected one SCENARIO and -o FIT.h5\n");
        usage_fit(stderr);
        free(sets);
        return TC_EINPUT;
    }
    if (!o.threads) o.threads = omp_get_max_threads();
    omp_set_num_threads(o.threads); /* worlds built and files written, besides the runs */
    o.command = command;
    rc = tc_h5out_check_dest(o.out, &err);
    if (!rc) rc = tc_path_check_output(o.out, (const char *const *)argv + optind, 1, &err);
    if (!rc) rc = tc_fit_load(&fit, argv[optind], sets, nsets, &err);
    if (!rc) {
        rc = tc_fit_run(&fit, &o, &err);
        tc_fit_destroy(&fit);
        int rank = 0;
#ifdef TC_MPI
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
#endif
        if (!rc && !o.quiet && rank == 0) printf("%s\n", o.out);
    }
    free(sets);
    return tc_cli_report(rc, &err);
}

static int dispatch(int argc, char **argv);

/* The commands that build worlds and run them ask glibc's malloc for
 * transparent huge pages (its tunable glibc.malloc.hugetlb=1, glibc 2.35 and
 * later) where the kernel gives them only to memory that asks for them (THP
 * "madvise", Debian's default). A page fault costs microseconds on a virtual
 * machine, and a replay faults in tens of thousands of 4 KiB pages; with the
 * tunable, most become 2 MiB pages (docs/performance.md, "Huge pages"). glibc
 * reads its tunables only as a process starts, so the process starts itself
 * again with the tunable added: the same process id, arguments and open files,
 * once. Not where the tunable is already set, under valgrind (it would run the
 * new image unchecked) or a sanitizer, where /proc/self/exe cannot be run (it
 * goes on as it was), or with TC_HUGE_PAGES=0. */
static void huge_pages(int argc, char **argv)
{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    if (argc < 2) return;
    static const char *heavy[] = {"run", "sweep", "fit", "serve", "graph"};
    int found = 0;
    for (size_t i = 0; i < sizeof heavy / sizeof *heavy; i++) found |= !strcmp(argv[1], heavy[i]);
    const char *off = getenv("TC_HUGE_PAGES"), *tun = getenv("GLIBC_TUNABLES"),
               *pre = getenv("LD_PRELOAD");
    if (!found || (off && !strcmp(off, "0")) || (tun && strstr(tun, "glibc.malloc.hugetlb")) ||
        (pre && strstr(pre, "vgpreload")))
        return;
    int major = 0, minor = 0;
    if (sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) != 2 ||
        major * 1000 + minor < 2035)
        return;
    char mode[256] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return;
    if (!fgets(mode, sizeof mode, f)) mode[0] = 0;
    fclose(f);
    if (!strstr(mode, "[madvise]")) return; /* "always" has them already, "never" none */
    char *old = tun ? tc_xstrdup(tun) : NULL, buf[4096];
    int n = snprintf(buf, sizeof buf, "%s%sglibc.malloc.hugetlb=1", old ? old : "",
                     old && *old ? ":" : "");
    if (n > 0 && (size_t)n < sizeof buf && !setenv("GLIBC_TUNABLES", buf, 1)) {
        execv("/proc/self/exe", argv);
        /* not started again: on as before, the environment as it was */
        if (old) setenv("GLIBC_TUNABLES", old, 1);
        else unsetenv("GLIBC_TUNABLES");
    }
    free(old);
#else
    (void)argc;
    (void)argv;
#endif
}

int main(int argc, char **argv)
{
    huge_pages(argc, argv);
#ifdef TC_MPI
    /* MPI calls come from one thread at a time (a critical section guards them) */
    int provided, rank = 0, size = 1;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc;
    if (provided < MPI_THREAD_SERIALIZED) {
        fprintf(stderr, "tagcascade: the MPI library does not allow threads to call it\n");
        rc = TC_ERUNTIME;
    } else if (size > 1 && (argc < 2 || (strcmp(argv[1], "sweep") && strcmp(argv[1], "fit")))) {
        /* only a sweep and a fit share work between ranks; anything else runs once */
        rc = rank == 0 ? dispatch(argc, argv) : 0;
    } else {
        rc = dispatch(argc, argv);
    }
    if (rc && size > 1) {
        /* the other ranks may be waiting for this one at a barrier: end the whole
         * job now (its error is printed; the journals keep every finished run,
         * for --resume) rather than leave it hanging until the scheduler kills it */
        fflush(NULL);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    MPI_Finalize();
    return rc;
#else
    return dispatch(argc, argv);
#endif
}

static int dispatch(int argc, char **argv)
{
    tc_lib_errors_off();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* past a file-size limit a write must fail (and be reported), not kill us */
    signal(SIGXFSZ, SIG_IGN);

    if (argc < 2) {
        usage_main(stderr);
        return TC_EINPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("tagcascade %s\n", TC_VERSION);
        return 0;
    }
    char *command = join_args(argc, argv);
    int rc;
    stop_polled = !strcmp(cmd, "run") || !strcmp(cmd, "sweep") || !strcmp(cmd, "fit") ||
                  !strcmp(cmd, "serve");
    if (!strcmp(cmd, "run")) rc = cmd_run(argc - 1, argv + 1, command);
    else if (!strcmp(cmd, "validate")) rc = cmd_validate(argc - 1, argv + 1);
    else if (!strcmp(cmd, "models")) rc = cmd_models(argc - 1, argv + 1);
    else if (!strcmp(cmd, "summary")) rc = tc_cli_summary(argc - 1, argv + 1);
    else if (!strcmp(cmd, "sweep")) rc = cmd_sweep(argc - 1, argv + 1, command);
    else if (!strcmp(cmd, "fit")) rc = cmd_fit(argc - 1, argv + 1, command);
    else if (!strcmp(cmd, "merge")) rc = tc_cli_merge(argc - 1, argv + 1, command);
    else if (!strcmp(cmd, "export")) rc = tc_cli_export(argc - 1, argv + 1);
    else if (!strcmp(cmd, "import")) rc = tc_cli_import(argc - 1, argv + 1, command);
    else if (!strcmp(cmd, "graph")) rc = tc_cli_graph(argc - 1, argv + 1);
    else if (!strcmp(cmd, "serve")) rc = tc_cli_serve(argc - 1, argv + 1, &stop_requested);
    else {
        fprintf(stderr, "tagcascade: unknown command '%s'\n", cmd);
        usage_main(stderr);
        rc = TC_EINPUT;
    }
    free(command);
    if (rc == TC_OK) tc_lib_close();
    return rc;
}
