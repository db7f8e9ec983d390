/* The commands that read files and write tables or files: summary, export,
 * merge, import (cli/cli_files.h). */
#include "cli/cli_files.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/outfile.h"
#include "base/path.h"
#include "drive/sweep.h"
#include "io/h5out.h"
#include "io/import.h"
#include "io/report.h"

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
    const char *format, *output;
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
    fprintf(f, "usage: tagcascade export FILE.h5 --cascade ROW [--format graphml|gexf|csv] [-o OUT]\n\n"
               "Writes the cascade of row ROW of /summary/roots (see `tagcascade summary`) with\n"
               "each account's reshare time and depth, to OUT or standard output. Default\n"
               "format: graphml. Runs need output.cascade: true.\n");
}

int tc_cli_export(int argc, char **argv)
{
    static const struct option lo[] = {{"cascade", required_argument, 0, 'c'},
                                       {"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    verb_opts o = {.format = "graphml"};
    tc_err err = {0};
    int rc = simple_opts(argc, argv, lo, "ho:", usage_export, take_opt, &o);
    if (rc) return rc < 0 ? 0 : rc;
    tc_export_format fmt;
    if (!strcmp(o.format, "graphml")) fmt = TC_EXPORT_GRAPHML;
    else if (!strcmp(o.format, "gexf")) fmt = TC_EXPORT_GEXF;
    else if (!strcmp(o.format, "csv")) fmt = TC_EXPORT_CSV;
    else {
        fprintf(stderr, "tagcascade: --format: expected graphml, gexf or csv, got '%s'\n", o.format);
        return TC_EINPUT;
    }
    if (optind != argc - 1 || !o.have_cascade) {
        fprintf(stderr, "tagcascade: expected one FILE.h5 and --cascade ROW\n");
        usage_export(stderr);
        return TC_EINPUT;
    }
    if (!o.output) {
        rc = tc_report_export(argv[optind], o.cascade, fmt, stdout, &err);
        return tc_cli_report(rc, &err);
    }
    /* written beside the destination, renamed when complete */
    tc_outfile out;
    FILE *f = NULL;
    if (tc_outfile_begin(&out, o.output, &err) == TC_OK) f = tc_outfile_stream(&out, &err);
    if (!f) {
        tc_outfile_destroy(&out);
        return tc_cli_report(TC_ERUNTIME, &err);
    }
    rc = tc_report_export(argv[optind], o.cascade, fmt, f, &err);
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
    fprintf(f, "usage: tagcascade import --format twitter1516|csv PATH... -o OUT.h5 [--quiet]\n\n"
               "Reads observed cascades into the HDF5 layout of a run (docs/hdf5.md), with\n"
               "the same cascade statistics, so observed and simulated cascades compare.\n"
               "  twitter1516  PATH is a tree file or a folder searched for tree/<id>.txt;\n"
               "               labels from label.txt beside tree/; delays in minutes\n"
               "  csv          files with the header time,account,parent (seconds; an\n"
               "               empty parent starts a cascade)\n"
               "A second parent of an account is ignored (the first is kept); duplicate\n"
               "edges and malformed lines are skipped and negative delays set to 0, all\n"
               "counted in /meta and reported.\n");
}

int tc_cli_import(int argc, char **argv, const char *command)
{
    static const struct option lo[] = {{"format", required_argument, 0, 'f'},
                                       {"output", required_argument, 0, 'o'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    verb_opts o = {0};
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
    rc = simple_opts(argc, argv, lo, "ho:", usage_import, take_opt, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (!o.format || (strcmp(o.format, "twitter1516") && strcmp(o.format, "csv"))) {
        fprintf(stderr, "tagcascade: --format: expected twitter1516 or csv\n");
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
