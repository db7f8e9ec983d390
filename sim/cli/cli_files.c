/* The commands that read files and write tables or files: summary, export,
 * merge, import (cli/cli_files.h). */
#include "cli/cli_files.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "base/num.h"
#include "base/outfile.h"
#include "base/path.h"
#include "drive/sweep.h"
#include "io/export.h"
#include "io/h5out.h"
#include "io/import.h"
#include "io/report.h"
#include "io/volume.h"

int tc_cli_report(int rc, const tc_err *err)
{
    if (rc) fprintf(stderr, "tagcascade: %s\n", err->msg);
    return rc;
}

static int simple_opts(int argc, char **argv, const struct option *longopts, const char *shortopts,
                       void (*usage)(FILE *), int (*take)(int c, const char *arg, void *ctx),
                       void *ctx)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return -1;
        }
        if (c == '?' || c == ':' || take(c, optarg, ctx)) {
            if (c == '?' || c == ':')
                fprintf(stderr, "tagcascade: unknown or incomplete option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return TC_EINPUT;
        }
    }
    return TC_OK;
}

static void usage_summary(FILE *f)
{
    fprintf(f, "usage: tagcascade summary FILE.h5 [--top N]\n\n"
               "Prints the outcome of a run (reach, volume, bots) or the quirks of an observed\n"
               "file, and its cascades, largest first (--top N rows, default 20): size, depth,\n"
               "max breadth, structural virality, time to 10/100/1,000 reshares.\n");
}

typedef struct {
    long top;
    const char *format, *output, *time;
    long long cascade;
    int have_cascade;
} verb_opts;

static int take_opt(int c, const char *arg, void *vctx)
{
    verb_opts *o = vctx;
    int64_t v;
    tc_err nerr;
    switch (c) {
    case 'n':
        if (tc_num_i64(arg, 0, INT32_MAX, "--top", &v, &nerr)) {
            fprintf(stderr, "tagcascade: %s\n", nerr.msg);
            return 1;
        }
        o->top = (long)v;
        return 0;
    case 'c':
        o->have_cascade = 1;
        if (tc_num_i64(arg, 0, INT64_MAX, "--cascade", &v, &nerr)) {
            fprintf(stderr, "tagcascade: %s\n", nerr.msg);
            return 1;
        }
        o->cascade = v;
        return 0;
    case 'f': o->format = arg; return 0;
    case 'o': o->output = arg; return 0;
    case 'T': o->time = arg; return 0;
    default: return 1;
    }
}

int tc_cli_summary(int argc, char **argv)
{
    static const struct option lo[] = {{"top", required_argument, 0, 'n'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    verb_opts o = {.top = 20};
    tc_err err = {0};
    int rc = simple_opts(argc, argv, lo, "h", usage_summary, take_opt, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (optind != argc - 1) {
        fprintf(stderr, "tagcascade: expected exactly one FILE.h5\n");
        usage_summary(stderr);
        return TC_EINPUT;
    }
    rc = tc_report_summary(argv[optind], stdout, (int)o.top, &err);
    return tc_cli_report(rc, &err);
}

static void usage_export(FILE *f)
{
    fprintf(f, "usage: tagcascade export FILE.h5 --cascade ROW [--format graphml|gexf|csv]\n"
               "                        [--time clock|seconds] [-o OUT]\n\n"
               "Writes the cascade of row ROW of /summary/roots (see `tagcascade summary`) to\n"
               "OUT or standard output: one node per account of the tree with its reshare\n"
               "time (time_s: seconds after the original post; time: the date and time, for\n"
               "runs), depth, class (human, bot, or named: an account the scenario adds by\n"
               "name) and, for runs, community; one edge per reshare, from the account\n"
               "reshared to the resharer. Default format: graphml. GraphML and GEXF 1.2 open\n"
               "in Gephi and networkx; CSV has the columns time, account, parent, depth,\n"
               "label, class, community, datetime. Runs need output.cascade: true.\n"
               "A run's communities come from its world, built again from the scenario it\n"
               "ran (/meta/resolved; a relative graph file is read from the current folder)\n"
               "and checked against its graph hash; when that fails, the export says why\n"
               "and leaves the communities out.\n"
               "  --time clock    GEXF's time axis (mode dynamic: each node and edge starts\n"
               "                  at its reshare): the date and time in the run's time zone\n"
               "                  (timeformat dateTime), so Gephi's timeline shows the real\n"
               "                  night; the default for runs. networkx's read_gexf cannot\n"
               "                  read it (it knows no dateTime): use --time seconds for it\n"
               "  --time seconds  seconds since the run's start (timeformat double); for an\n"
               "                  observed file, the only choice: seconds after the original\n"
               "                  post\n"
               "  -o OUT          written under a temporary name, renamed when complete\n");
}

int tc_cli_export(int argc, char **argv)
{
    static const struct option lo[] = {{"cascade", required_argument, 0, 'c'},
                                       {"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"time", required_argument, 0, 'T'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    verb_opts o = {.format = "graphml"};
    tc_err err = {0};
    int rc = simple_opts(argc, argv, lo, "ho:", usage_export, take_opt, &o);
    if (rc) return rc < 0 ? 0 : rc;
    tc_export_opts eo = {.time = TC_EXPORT_TIME_AUTO, .notes = stderr};
    int known = 0;
    for (int i = 0; tc_export_format_names[i]; i++)
        if (!strcmp(o.format, tc_export_format_names[i])) eo.format = (tc_export_format)i, known = 1;
    if (!known) {
        fprintf(stderr, "tagcascade: --format: expected graphml, gexf or csv, got '%s'\n", o.format);
        return TC_EINPUT;
    }
    if (o.time) {
        known = 0;
        for (int i = 0; tc_export_time_names[i]; i++)
            if (!strcmp(o.time, tc_export_time_names[i])) eo.time = (tc_export_time)i, known = 1;
        if (!known) {
            fprintf(stderr, "tagcascade: --time: expected clock, seconds or auto, got '%s'\n", o.time);
            return TC_EINPUT;
        }
        if (eo.format != TC_EXPORT_GEXF) {
            fprintf(stderr, "tagcascade: --time: only with --format gexf (GraphML and CSV "
                            "carry both the seconds and the date and time)\n");
            return TC_EINPUT;
        }
    }
    if (optind != argc - 1 || !o.have_cascade) {
        fprintf(stderr, "tagcascade: expected one FILE.h5 and --cascade ROW\n");
        usage_export(stderr);
        return TC_EINPUT;
    }
    if (!o.output) {
        rc = tc_export_cascade(argv[optind], o.cascade, &eo, stdout, &err);
        if (!rc && fflush(stdout)) {
            tc_err_set(&err, TC_ERUNTIME, "writing the export to standard output failed");
            rc = TC_ERUNTIME;
        }
        return tc_cli_report(rc, &err);
    }
    rc = tc_path_check_output(o.output, (const char *const *)argv + optind, 1, &err);
    if (rc) return tc_cli_report(rc, &err);
    /* written beside the destination, renamed when complete */
    tc_outfile out;
    FILE *f = NULL;
    if (tc_outfile_begin(&out, o.output, &err) == TC_OK) f = tc_outfile_stream(&out, &err);
    if (!f) {
        tc_outfile_destroy(&out);
        return tc_cli_report(TC_ERUNTIME, &err);
    }
    rc = tc_export_cascade(argv[optind], o.cascade, &eo, f, &err);
    if (fclose(f) && !rc) {
        tc_err_set(&err, TC_ERUNTIME, "%s: writing failed", o.output);
        rc = TC_ERUNTIME;
    }
    if (!rc) rc = tc_outfile_commit(&out, &err);
    tc_outfile_destroy(&out); /* removes the temporary file unless committed */
    return tc_cli_report(rc, &err);
}

/* "I/N" with 0 <= I < N, both whole numbers that fit an int: 0, else -1. */
static void usage_merge(FILE *f)
{
    fprintf(f, "usage: tagcascade merge SHARD.h5... -o OUT.h5\n\n"
               "Joins the shard files of one sweep (tagcascade sweep --shard I/N) into the\n"
               "file the whole sweep would have written.\n");
}

int tc_cli_merge(int argc, char **argv, const char *command)
{
    static const struct option lo[] = {{"output", required_argument, 0, 'o'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    verb_opts o = {0};
    tc_err err = {0};
    int rc = simple_opts(argc, argv, lo, "ho:", usage_merge, take_opt, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (optind >= argc || !o.output) {
        fprintf(stderr, "tagcascade: expected SHARD.h5... and -o OUT.h5\n");
        usage_merge(stderr);
        return TC_EINPUT;
    }
    rc = tc_path_check_output(o.output, (const char *const *)argv + optind, argc - optind, &err);
    if (!rc)
        rc = tc_sweep_merge((const char *const *)argv + optind, argc - optind, o.output, command,
                            &err);
    if (!rc) printf("%s\n", o.output);
    return tc_cli_report(rc, &err);
}

static void usage_import(FILE *f)
{
    fprintf(f, "usage: tagcascade import --format twitter1516|csv PATH... -o OUT.h5 [--quiet]\n"
               "       tagcascade import --format volume FILE.csv -o OBS.h5 [--bin DURATION]\n"
               "                         [--tz +HH:MM|-HH:MM|Z] [--quiet]\n\n"
               "Reads observed cascades into the HDF5 layout of a run (docs/hdf5.md), with\n"
               "the same cascade statistics, so observed and simulated cascades compare.\n"
               "  twitter1516  PATH is a tree file or a folder searched for tree/<id>.txt;\n"
               "               labels from label.txt beside tree/; delays in minutes\n"
               "  csv          files with the header time,account,parent (seconds; an\n"
               "               empty parent starts a cascade)\n"
               "               For both, a second parent of an account is ignored (the\n"
               "               first is kept); duplicate edges and malformed lines are\n"
               "               skipped and negative delays set to 0, all counted in /meta\n"
               "               and reported.\n"
               "  volume       an observed volume curve (posts with the hashtag per bin of\n"
               "               time, for `fit`) from one CSV file with the header\n"
               "                 time[,class]             one row per post: an ISO 8601 time\n"
               "                                          with an offset or Unix seconds;\n"
               "                                          class human or bot\n"
               "                 start,count[,human,bot]  one row per bin, starts evenly\n"
               "                                          spaced and rising\n"
               "               --bin DURATION  bin width of a file of posts (default 1h; for a\n"
               "                               file of bins: checked against its starts,\n"
               "                               needed when it has one row)\n"
               "               --tz OFFSET     the time zone of times written without one\n"
               "               Any malformed row is an error (file:line:col), nothing skipped.\n");
}

/* The options of import: those of every file command, and --bin, --tz. */
typedef struct {
    verb_opts v;
    const char *bin, *tz;
} import_opts;

static int take_import_opt(int c, const char *arg, void *vctx)
{
    import_opts *o = vctx;
    switch (c) {
    case 'b': o->bin = arg; return 0;
    case 'z': o->tz = arg; return 0;
    default: return take_opt(c, arg, &o->v);
    }
}

/* --format volume: one CSV file into an observed volume file. */
static int import_volume(const import_opts *o, const char *path, int quiet, const char *command,
                         tc_err *err)
{
    int rc = TC_OK;
    tc_volume v = {0};
    tc_volume_opts vo = {0};
    if (o->bin) {
        if (tc_duration_parse(o->bin, &vo.bin_ms) || vo.bin_ms <= 0)
            TC_FAIL(TC_EINPUT, "--bin: expected a duration such as 1h, 15m or 90s, got '%.40s'",
                    o->bin);
        if (vo.bin_ms % 1000 || vo.bin_ms / 1000 > TC_VOLUME_BIN_MAX_S)
            TC_FAIL(TC_EINPUT, "--bin: expected whole seconds from 1s to 366d, got '%.40s'",
                    o->bin);
    }
    if (o->tz) {
        int64_t ep;
        char probe[48];
        snprintf(probe, sizeof probe, "2000-01-01T00:00:00%s", o->tz);
        if (strlen(o->tz) > 6 || !*o->tz || tc_datetime_parse(probe, &ep, &vo.tz_offset_s))
            TC_FAIL(TC_EINPUT, "--tz: expected a UTC offset +HH:MM, -HH:MM or Z, got '%.40s'",
                    o->tz);
        vo.have_tz = 1;
    }
    TC_TRY(tc_h5out_check_dest(o->v.output, err));
    TC_TRY(tc_path_check_output(o->v.output, &path, 1, err));
    TC_TRY(tc_volume_read_csv(&v, path, &vo, err));
    TC_TRY(tc_volume_write(o->v.output, &v, path, command, err));
    if (!quiet) {
        double total = 0, humans = 0, bots = 0;
        for (int64_t b = 0; b < v.B; b++) {
            total += v.total[b];
            if (v.human) humans += v.human[b], bots += v.bot[b];
        }
        char w[32], s0[48], cls[96] = "";
        tc_volume_width_text(v.bin_s, w, sizeof w);
        tc_datetime_format(v.start, v.offset_s, s0, sizeof s0);
        if (v.human) snprintf(cls, sizeof cls, " (people %.15g, bots %.15g)", humans, bots);
        fprintf(stderr, "tagcascade: %lld rows, %lld bins of %s from %s, %.15g posts%s\n",
                (long long)v.rows, (long long)v.B, w, s0, total, cls);
        printf("%s\n", o->v.output);
    }
cleanup:
    tc_volume_destroy(&v);
    return rc;
}

int tc_cli_import(int argc, char **argv, const char *command)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"bin", required_argument, 0, 'b'},
                                       {"tz", required_argument, 0, 'z'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    import_opts io = {0};
    verb_opts o;
    tc_err errv = {0}, *err = &errv;
    tc_observed obs;
    int quiet = 0, rc;
    memset(&obs, 0, sizeof obs);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
    for (int i = 1, j = 1; i <= argc; i++) /* drop -q, which take_opt does not know */
        if (i == argc || (strcmp(argv[i], "-q") && strcmp(argv[i], "--quiet"))) argv[j++] = argv[i];
    argc -= quiet ? 1 : 0;
    (void)lo;
    rc = simple_opts(argc, argv, lo, "ho:", usage_import, take_import_opt, &io);
    if (rc) return rc < 0 ? 0 : rc;
    o = io.v;
    if (!o.format ||
        (strcmp(o.format, "twitter1516") && strcmp(o.format, "csv") &&
         strcmp(o.format, "volume"))) {
        fprintf(stderr, "tagcascade: --format: expected twitter1516 or csv (cascades), or volume "
                        "(a volume curve)\n");
        usage_import(stderr);
        return TC_EINPUT;
    }
    if (!strcmp(o.format, "volume")) {
        if (optind != argc - 1 || !o.output) {
            fprintf(stderr,
                    "tagcascade: expected one FILE.csv and -o OBS.h5 with --format volume\n");
            usage_import(stderr);
            return TC_EINPUT;
        }
        rc = import_volume(&io, argv[optind], quiet, command, err);
        return tc_cli_report(rc, err);
    }
    if (io.bin || io.tz) {
        fprintf(stderr, "tagcascade: %s: only with --format volume (not %s)\n",
                io.bin ? "--bin" : "--tz", o.format);
        usage_import(stderr);
        return TC_EINPUT;
    }
    if (optind >= argc || !o.output) {
        fprintf(stderr, "tagcascade: expected PATH... and -o OUT.h5\n");
        usage_import(stderr);
        return TC_EINPUT;
    }
    TC_TRY(tc_h5out_check_dest(o.output, err));
    const char *const *paths = (const char *const *)argv + optind;
    TC_TRY(tc_path_check_output(o.output, paths, argc - optind, err));
    if (!strcmp(o.format, "csv")) TC_TRY(tc_import_csv(&obs, paths, argc - optind, err));
    else TC_TRY(tc_import_twitter1516(&obs, paths, argc - optind, err));
    TC_TRY(tc_h5out_write_observed(o.output, &obs, command, err));
    if (!quiet) {
        fprintf(stderr,
                "tagcascade: %d cascades, %d accounts, %lld reshares from %lld files; %lld "
                "malformed lines, %lld duplicate edges, %lld negative delays, %lld later "
                "parents, %lld unreachable nodes, %lld files without a root\n",
                obs.ncasc, obs.naccounts, (long long)obs.nev, (long long)obs.files,
                (long long)obs.malformed_lines, (long long)obs.duplicate_edges,
                (long long)obs.negative_delays, (long long)obs.multi_parent_children,
                (long long)obs.unreachable_nodes, (long long)obs.empty_cascades);
        printf("%s\n", o.output);
    }
cleanup:
    tc_observed_destroy(&obs);
    return tc_cli_report(rc, err);
}
