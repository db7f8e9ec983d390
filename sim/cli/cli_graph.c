/* The graph subcommands: convert a graph file into a store, describe a store,
 * generate a synthetic graph straight into a store, export a world's follower
 * graph for Gephi and networkx. */
#include "cli/cli_graph.h"

#include <errno.h>
#include <getopt.h>
#include <hdf5.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/num.h"
#include "base/outfile.h"
#include "base/path.h"
#include "drive/sweep.h"
#include "graph/chunglu.h"
#include "graph/edgestream.h"
#include "graph/graph.h"
#include "graph/graphstore.h"
#include "graph/net.h"
#include "input/scenario.h"
#include "io/export.h"
#include "io/h5out.h"
#include "world/world.h"

/* The temporary files being written (tc_outfile) are removed if a signal stops
 * the command. */
static void on_signal(int sig)
{
    static const char msg[] = "tagcascade: interrupted; no output written\n";
    (void)sig;
    tc_outfile_unlink_pending();
    if (write(2, msg, sizeof msg - 1) < 0) _exit(1);
    _exit(1);
}

/* From now on SIGINT and SIGTERM stop the command, removing the temporary file
 * of any output being written. */
static void stop_on_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tagcascade graph convert IN OUT.h5 [--format F] [--direction D]\n"
            "                                [--community-attribute A] [--quiet]\n"
            "       tagcascade graph info STORE.h5\n"
            "       tagcascade graph generate --model chung-lu --n N --mean-degree D\n"
            "                                 --gamma-in G1 --gamma-out G2 [--communities K\n"
            "                                 --mixing MU] [--seed S] -o OUT.h5 [--quiet]\n"
            "       tagcascade graph export SCENARIO.yaml|RUN.h5 [--community C]\n"
            "                               [--format graphml|gexf|csv] [-o OUT]\n"
            "                               [--set KEY=VALUE]... [--seed S] [--point I] [--quiet]\n"
            "\n"
            "A graph store (docs/graphstore.md) holds a graph as the CSR of its audiences\n"
            "in HDF5; scenarios read it with graph: {file: STORE.h5, format: store}.\n"
            "\n"
            "convert   read IN and write the store OUT.h5 (under a temporary name, renamed\n"
            "          when complete)\n"
            "  --format F     edgelist (default; plain or gzip, streamed without igraph),\n"
            "                 ncol, graphml, gml, pajek (igraph's readers)\n"
            "  --direction D  follows (default: \"A B\" = A follows B) or flows (A's posts\n"
            "                 reach B)\n"
            "  --community-attribute A  graphml and gml: the vertex attribute naming\n"
            "                 each account's community, stored with the graph\n"
            "info      check a store and print its size, follower and followee counts,\n"
            "          communities and hash\n"
            "generate  a directed Chung-Lu graph (docs/graphstore.md) written straight into\n"
            "          a store; the same options give the same bytes on any thread count\n"
            "  --n N            accounts\n"
            "  --mean-degree D  follows per account (expected; duplicates cannot occur)\n"
            "  --gamma-in G1    exponent of the follower counts, P(k) ~ k^-G1, in (2, 10]\n"
            "  --gamma-out G2   exponent of the followee counts, in (2, 10]\n"
            "  --communities K  consecutive id ranges c0 .. c(K-1) (default 1)\n"
            "  --mixing MU      expected share of followers from other communities\n"
            "                   (default 0)\n"
            "  --seed S         (default 1)\n"
            "export    build the world that `tagcascade run SCENARIO.yaml` builds (graph,\n"
            "          named accounts, bots, communities: the same for the same seed and\n"
            "          --set), or the world RUN.h5 ran on (built again from its\n"
            "          /meta/resolved and checked against its graph hash), and write its\n"
            "          follower graph for Gephi or networkx, one account at a time: nodes\n"
            "          with label (the account's name, or its id), class (human, bot, or\n"
            "          named: an account the scenario adds by name), community, followers\n"
            "          and followees; one directed edge A -> B per follow, meaning A follows\n"
            "          B (B's posts reach A; a node's in-degree is its followers), the\n"
            "          follows bots add (infiltration, rings) included. Node ids are those\n"
            "          of `tagcascade export`: nID in GraphML, ID in GEXF and CSV\n"
            "  --community C    only the accounts of community C (its name, or its index\n"
            "                   in /meta/communities) and the follows among them;\n"
            "                   followers and followees still count the whole graph\n"
            "  --format F       graphml (default), gexf (static) or csv: two files,\n"
            "                   OUT.nodes.csv (id,label,class,community,followers,\n"
            "                   followees) and OUT.edges.csv (source,target), OUT being -o\n"
            "                   without a final .csv; csv needs -o\n"
            "  -o OUT           default: standard output; written under a temporary name,\n"
            "                   renamed when complete\n"
            "  --set KEY=VALUE, --seed S, --point I   as for `tagcascade run` (SCENARIO only)\n"
            "  -q, --quiet      no size line on standard error, no file names on output\n");
}

static int fail(const char *msg)
{
    fprintf(stderr, "tagcascade: %s\n", msg);
    usage(stderr);
    return TC_EINPUT;
}

static int report(int rc, const tc_err *err)
{
    if (rc) fprintf(stderr, "tagcascade: %s\n", err->msg);
    return rc;
}

/* A file in one of igraph's formats, read as a scenario would read it. */
static int read_with_igraph(const char *in, const char *format, const char *direction,
                            const char *attr, tc_net *net, tc_edges *g, tc_err *err)
{
    int rc = TC_OK;
    tc_scenario sc;
    int have_sc = 0;
    size_t len = 4 * strlen(in) + 512;
    char *text = tc_xmalloc(len), *q = tc_xmalloc(2 * strlen(in) + 1), *p = q;
    for (const char *s = in; *s; s++) { /* YAML single quotes: ' is written '' */
        if (*s == '\'') *p++ = '\'';
        *p++ = *s;
    }
    *p = '\0';
    snprintf(text, len,
             "time: {start: 2017-01-01T00:00:00Z, duration: 1s}\n"
             "graph: {file: '%s', format: %s, direction: %s%s%s}\n"
             "model: {name: ic}\n",
             q, format, direction, attr ? ", community_attribute: " : "", attr ? attr : "");
    TC_TRY(tc_scenario_parse(&sc, "graph convert", text, NULL, 0, err));
    have_sc = 1;
    TC_TRY(tc_graph_build(g, &sc, 0, err));
    TC_TRY(tc_net_from_edges(net, g->n, g->m, g->src, g->dst, err));
cleanup:
    if (have_sc) tc_scenario_destroy(&sc);
    free(text);
    free(q);
    return rc;
}

static int cmd_convert(int argc, char **argv)
{
    static const struct option lo[] = {
        {"format", required_argument, 0, 'f'}, {"direction", required_argument, 0, 'd'},
        {"community-attribute", required_argument, 0, 'a'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *format = "edgelist", *direction = "follows", *attr = NULL;
    int quiet = 0, c, rc = TC_OK;
    tc_err errv = {0}, *err = &errv;
    tc_net net;
    tc_edges g;
    memset(&net, 0, sizeof net);
    memset(&g, 0, sizeof g);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'd': direction = optarg; break;
        case 'a': attr = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return TC_EINPUT;
        }
    }
    int known = 0; /* every file format but a store, which is already converted */
    for (int i = 0; i < TC_FMT_STORE; i++) known |= !strcmp(format, tc_format_names[i]);
    if (!known) {
        fprintf(stderr, "tagcascade: --format: expected edgelist, ncol, graphml, gml or pajek, "
                "got '%s'\n", format);
        return TC_EINPUT;
    }
    if (strcmp(direction, tc_direction_names[TC_DIR_FOLLOWS]) &&
        strcmp(direction, tc_direction_names[TC_DIR_FLOWS])) {
        fprintf(stderr, "tagcascade: --direction: expected follows or flows, got '%s'\n",
                direction);
        return TC_EINPUT;
    }
    if (attr && strcmp(format, "graphml") && strcmp(format, "gml")) {
        fprintf(stderr, "tagcascade: --community-attribute: only graphml and gml files carry "
                "one, not %s\n", format);
        return TC_EINPUT;
    }
    if (optind != argc - 2) return fail("graph convert: expected IN and OUT.h5");
    const char *in = argv[optind], *out = argv[optind + 1];
    double t0 = tc_clock_now();
    TC_TRY(tc_path_check_input(in, "graph file", err));
    TC_TRY(tc_path_check_output(out, &in, 1, err));
    TC_TRY(tc_h5out_check_dest(out, err));
    stop_on_signal();
    if (!strcmp(format, "edgelist"))
        TC_TRY(tc_edgestream_load(&net, in, strcmp(direction, "flows") ? TC_DIR_FOLLOWS
                                                                       : TC_DIR_FLOWS, err));
    else
        TC_TRY(read_with_igraph(in, format, direction, attr, &net, &g, err));
    double t1 = tc_clock_now();
    const char *base = strrchr(in, '/');
    tc_graphstore_meta meta = {.source = base ? base + 1 : in, .source_format = format,
                               .direction = direction};
    if (attr) {
        meta.ncomm = g.ncomm;
        meta.comm = g.comm;
        meta.comm_names = (const char(*)[TC_NAME_MAX])g.comm_names;
    }
    TC_TRY(tc_graphstore_write(out, &net, &meta, err));
    if (!quiet) {
        fprintf(stderr, "tagcascade: %d accounts, %lld follows (%lld self-loops and %lld "
                "duplicates dropped); read in %.2fs, written in %.2fs\n", net.n,
                (long long)net.m, (long long)net.self_loops_dropped,
                (long long)net.duplicates_dropped, t1 - t0, tc_clock_now() - t1);
        printf("%s\n", out);
    }
cleanup:
    tc_net_destroy(&net);
    tc_graph_destroy(&g);
    return report(rc, err);
}

static int cmd_info(int argc, char **argv)
{
    tc_err err = {0};
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
        usage(stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') return fail("graph info: expected one STORE.h5");
    stop_on_signal();
    return report(tc_graphstore_print(argv[1], stdout, &err), &err);
}

static int number(const char *opt, const char *arg, double *v)
{
    char *end;
    *v = strtod(arg, &end);
    if (end == arg || *end) {
        fprintf(stderr, "tagcascade: %s: expected a number, got '%s'\n", opt, arg);
        return TC_EINPUT;
    }
    return TC_OK;
}

/* A whole number in [0, hi]: wrapping, clamping and trailing text are errors. */
static int whole(const char *opt, const char *arg, long long hi, long long *v)
{
    tc_err err;
    int64_t x = 0;
    if (tc_num_i64(arg, 0, hi, opt, &x, &err) != TC_OK) {
        fprintf(stderr, "tagcascade: %s\n", err.msg);
        return TC_EINPUT;
    }
    *v = x;
    return TC_OK;
}

static int cmd_generate(int argc, char **argv)
{
    static const struct option lo[] = {
        {"model", required_argument, 0, 'M'},       {"n", required_argument, 0, 'n'},
        {"mean-degree", required_argument, 0, 'd'}, {"gamma-in", required_argument, 0, 'i'},
        {"gamma-out", required_argument, 0, 'u'},   {"communities", required_argument, 0, 'k'},
        {"mixing", required_argument, 0, 'x'},      {"seed", required_argument, 0, 's'},
        {"output", required_argument, 0, 'o'},      {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},              {0, 0, 0, 0}};
    tc_chunglu p = {.communities = 1, .seed = 1};
    const char *out = NULL, *model = "chung-lu";
    int quiet = 0, c, rc = TC_OK, have = 0;
    long long v;
    tc_err err = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'M': model = optarg; break;
        case 'n': rc = whole("--n", optarg, INT32_MAX, &v); p.n = v; have |= 1; break;
        case 'd': rc = number("--mean-degree", optarg, &p.mean_degree); have |= 2; break;
        case 'i': rc = number("--gamma-in", optarg, &p.gamma_in); have |= 4; break;
        case 'u': rc = number("--gamma-out", optarg, &p.gamma_out); have |= 8; break;
        case 'k':
            rc = whole("--communities", optarg, TC_MAX_COMMUNITIES, &v);
            p.communities = (int)v;
            break;
        case 'x': rc = number("--mixing", optarg, &p.mixing); break;
        case 's':
            rc = tc_num_u64(optarg, UINT64_MAX, "--seed", &p.seed, &err);
            if (rc) fprintf(stderr, "tagcascade: %s\n", err.msg);
            break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return TC_EINPUT;
        }
        if (rc) return rc;
    }
    if (strcmp(model, "chung-lu")) {
        fprintf(stderr, "tagcascade: --model: expected chung-lu, got '%s'\n", model);
        return TC_EINPUT;
    }
    if (have != 15 || !out || optind != argc)
        return fail("graph generate: expected --n, --mean-degree, --gamma-in, --gamma-out "
                    "and -o OUT.h5 (and nothing else)");
    double t0 = tc_clock_now();
    int64_t m = 0;
    rc = tc_h5out_check_dest(out, &err);
    if (!rc) {
        stop_on_signal();
        rc = tc_chunglu_write(out, &p, &m, &err);
    }
    if (!rc && !quiet) {
        fprintf(stderr, "tagcascade: %lld accounts, %lld follows (mean %.4g) in %.2fs\n",
                (long long)p.n, (long long)m, (double)m / (double)p.n, tc_clock_now() - t0);
        printf("%s\n", out);
    }
    return report(rc, &err);
}

/* The world of a scenario, or of one point of its sweep (as `run --point I`
 * builds it); *sc gets the scenario the world was built from. */
static int scenario_world(const char *in, const char *const *sets, int nsets, int64_t point,
                          tc_scenario *base, tc_sweep *sw, int *have_sw,
                          const tc_scenario **sc, tc_world *w, tc_err *err)
{
    int rc = TC_OK;
    TC_TRY(tc_scenario_load(base, in, sets, nsets, err));
    *sc = base;
    if (!base->sweep_at.file) {
        if (point >= 0)
            TC_FAIL(TC_EINPUT, "--point: %s has no sweep section, hence one point: export it "
                    "without --point", in);
    } else {
        TC_TRY(tc_sweep_load(sw, in, sets, nsets, err));
        *have_sw = 1;
        if (point < 0)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep: this scenario is a sweep of %lld point%s, "
                    "which may build different graphs: pick one with --point I (I from 0 to "
                    "%lld)", base->sweep_at.file, base->sweep_at.line, base->sweep_at.col,
                    (long long)sw->P, sw->P == 1 ? "" : "s", (long long)sw->P - 1);
        if (point >= sw->P)
            TC_FAIL(TC_EINPUT, "--point: expected a point from 0 to %lld, got %lld",
                    (long long)sw->P - 1, (long long)point);
        *sc = &sw->sc[point];
    }
    TC_TRY(tc_world_build(w, *sc, err));
cleanup:
    return rc;
}

/* 1 when `path` is an HDF5 file (HDF5's signature at 0, 512, 1024, ...: a
 * sealed file's comes after its user block), else 0. */
static int is_hdf5(const char *path)
{
#if H5_VERSION_GE(1, 12, 0)
    return H5Fis_accessible(path, H5P_DEFAULT) > 0;
#else
    return H5Fis_hdf5(path) > 0;
#endif
}

/* OUT.nodes.csv and OUT.edges.csv from -o OUT (a final .csv dropped). */
static void csv_names(const char *out, char **nodes, char **edges)
{
    size_t n = strlen(out);
    if (n > 4 && !strcmp(out + n - 4, ".csv")) n -= 4;
    *nodes = tc_xmalloc(n + 16);
    *edges = tc_xmalloc(n + 16);
    snprintf(*nodes, n + 16, "%.*s.nodes.csv", (int)n, out);
    snprintf(*edges, n + 16, "%.*s.edges.csv", (int)n, out);
}

static int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {
        {"community", required_argument, 0, 'c'}, {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'},    {"set", required_argument, 0, 's'},
        {"seed", required_argument, 0, 'S'},      {"point", required_argument, 0, 'P'},
        {"quiet", no_argument, 0, 'q'},           {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *community = NULL, *format = "graphml", *out = NULL;
    const char **sets = tc_xcalloc((size_t)argc + 1, sizeof *sets);
    char *seed_set = NULL, *names[2] = {NULL, NULL};
    int nsets = 0, quiet = 0, c, rc = TC_OK, have_sc = 0, have_sw = 0, have_w = 0, comm = -1;
    int64_t point = -1;
    tc_err errv = {0}, *err = &errv;
    tc_scenario base;
    tc_sweep sw;
    tc_world w;
    const tc_scenario *sc = NULL;
    tc_outfile of[2];
    FILE *fs[2] = {NULL, NULL};
    tc_export_format fmt = TC_EXPORT_GRAPHML;
    memset(&base, 0, sizeof base);
    memset(&w, 0, sizeof w);
    memset(of, 0, sizeof of);
    for (int k = 0; k < 2; k++) of[k].fd = of[k].slot = -1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'c': community = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 's': sets[nsets++] = optarg; break;
        case 'q': quiet = 1; break;
        case 'S': {
            uint64_t seed;
            TC_TRY(tc_num_u64(optarg, UINT64_MAX, "--seed", &seed, err));
            free(seed_set);
            seed_set = tc_xmalloc(strlen(optarg) + 6);
            snprintf(seed_set, strlen(optarg) + 6, "seed=%s", optarg);
            sets[nsets++] = seed_set;
            break;
        }
        case 'P': TC_TRY(tc_num_i64(optarg, 0, INT32_MAX, "--point", &point, err)); break;
        case 'h': usage(stdout); goto cleanup;
        default:
            fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            free(sets);
            free(seed_set);
            return TC_EINPUT;
        }
    }
    int known = 0;
    for (int i = 0; tc_export_format_names[i]; i++)
        if (!strcmp(format, tc_export_format_names[i])) fmt = (tc_export_format)i, known = 1;
    if (!known) TC_FAIL(TC_EINPUT, "--format: expected graphml, gexf or csv, got '%s'", format);
    if (optind != argc - 1) {
        fprintf(stderr, "tagcascade: graph export: expected one SCENARIO.yaml or RUN.h5\n");
        usage(stderr);
        free(sets);
        free(seed_set);
        return TC_EINPUT;
    }
    const char *in = argv[optind];
    if (fmt == TC_EXPORT_CSV && !out)
        TC_FAIL(TC_EINPUT, "--format csv writes two files (OUT.nodes.csv and OUT.edges.csv): "
                "give -o OUT");
    if (fmt == TC_EXPORT_CSV) csv_names(out, &names[0], &names[1]);
    else if (out) names[0] = tc_xstrdup(out);
    TC_TRY(tc_path_check_input(in, "scenario or run file", err));
    for (int k = 0; k < 2; k++)
        if (names[k]) TC_TRY(tc_h5out_check_dest(names[k], err));
    /* a run's file (HDF5), or a scenario (YAML) */
    if (is_hdf5(in)) {
        if (nsets || point >= 0)
            TC_FAIL(TC_EINPUT, "--set, --seed and --point: only with a SCENARIO; %s holds the "
                    "world it ran on", in);
        TC_TRY(tc_export_run_world(in, &base, &w, err));
        have_sc = have_w = 1;
        sc = &base;
    } else {
        have_sc = 1; /* a scenario that fails to load is left zeroed */
        TC_TRY(scenario_world(in, sets, nsets, point, &base, &sw, &have_sw, &sc, &w, err));
        have_w = 1;
    }
    const char *inputs[2] = {in, sc->graph.file};
    for (int k = 0; k < 2; k++)
        if (names[k]) TC_TRY(tc_path_check_output(names[k], inputs, sc->graph.file ? 2 : 1, err));
    if (community) TC_TRY(tc_export_community(&w, community, &comm, err));
    if (!quiet) {
        int64_t nn, ne;
        tc_export_graph_size(&w, comm, &nn, &ne);
        fprintf(stderr, "tagcascade: %s%s of '%s': %lld accounts, %lld follows, as %s\n",
                comm < 0 ? "the whole graph" : "community ", comm < 0 ? "" : w.comm_names[comm],
                sc->name, (long long)nn, (long long)ne, tc_export_format_names[fmt]);
    }
    if (!out) {
        TC_TRY(tc_export_graph(&w, sc, comm, fmt, stdout, NULL, err));
        if (fflush(stdout)) TC_FAIL(TC_ERUNTIME, "writing the export to standard output failed");
        goto cleanup;
    }
    /* each file beside its destination, renamed when both are complete */
    stop_on_signal();
    for (int k = 0; k < 2 && names[k]; k++) {
        TC_TRY(tc_outfile_begin(&of[k], names[k], err));
        if (!(fs[k] = tc_outfile_stream(&of[k], err))) TC_FAIL(TC_ERUNTIME, "%s", errv.msg);
    }
    TC_TRY(tc_export_graph(&w, sc, comm, fmt, fs[0], fs[1], err));
    for (int k = 0; k < 2; k++) {
        FILE *f = fs[k];
        fs[k] = NULL;
        if (f && fclose(f)) TC_FAIL(TC_ERUNTIME, "%s: writing failed", names[k]);
    }
    for (int k = 0; k < 2 && names[k]; k++) TC_TRY(tc_outfile_commit(&of[k], err));
    if (!quiet)
        for (int k = 0; k < 2 && names[k]; k++) printf("%s\n", names[k]);
cleanup:
    for (int k = 0; k < 2; k++) {
        if (fs[k]) fclose(fs[k]);
        tc_outfile_destroy(&of[k]); /* removes a temporary file not committed */
        free(names[k]);
    }
    if (have_w) tc_world_destroy(&w);
    if (have_sw) tc_sweep_destroy(&sw);
    if (have_sc) tc_scenario_destroy(&base);
    free(sets);
    free(seed_set);
    return report(rc, err);
}

int tc_cli_graph(int argc, char **argv)
{
    if (argc < 2) return fail("graph: expected convert, info, generate or export");
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(sub, "convert")) return cmd_convert(argc - 1, argv + 1);
    if (!strcmp(sub, "info")) return cmd_info(argc - 1, argv + 1);
    if (!strcmp(sub, "generate")) return cmd_generate(argc - 1, argv + 1);
    if (!strcmp(sub, "export")) return cmd_export(argc - 1, argv + 1);
    fprintf(stderr, "tagcascade: graph: unknown subcommand '%s'\n", sub);
    usage(stderr);
    return TC_EINPUT;
}
