/* Summary tables of run and observed files, read back from HDF5 through h5in. */
#include "io/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/scenario.h"
#include "base/datetime.h"
#include "base/h5read.h"
#include "io/h5in.h"
#include "io/volume.h"

typedef struct {
    int64_t n;
    int32_t *author, *depth;
    int64_t *size, *breadth, *bots, *via_bot;
    double *t, *sv, *t10, *t100, *t1000;
    char **label, **veracity;
    int64_t nlabel, nveracity;
} roots_table;

/* Step rules: the compartment sizes at the end of the run (the last row of
 * /series/compartments, named by its `states` attribute). Prints nothing for
 * files without them. */
static void print_compartments(hid_t f, FILE *out)
{
    if (!tc_h5in_exists(f, "/series/compartments")) return;
    hid_t d = H5Dopen2(f, "/series/compartments", H5P_DEFAULT), sp = H5Dget_space(d);
    hid_t a = H5Aexists(d, "states") > 0 ? H5Aopen(d, "states", H5P_DEFAULT) : -1;
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hsize_t dim[2] = {0, 0}, adim = 0;
    /* the states attribute must be strings, one per column, and the data kept
     * in the file (not external storage): checked before either is read */
    hid_t asp = a >= 0 ? H5Aget_space(a) : -1, at = a >= 0 ? H5Aget_type(a) : -1;
    int states_ok = asp >= 0 && at >= 0 && H5Tget_class(at) == H5T_STRING &&
                    H5Tis_variable_str(at) > 0 && H5Sget_simple_extent_ndims(asp) == 1 &&
                    H5Sget_simple_extent_dims(asp, &adim, NULL) == 1;
    if (asp >= 0) H5Sclose(asp);
    if (at >= 0) H5Tclose(at);
    if (states_ok && tc_h5read_check_layout(d, "", "/series/compartments", NULL) == TC_OK &&
        H5Sget_simple_extent_ndims(sp) == 2 &&
        H5Sget_simple_extent_dims(sp, dim, NULL) == 2 && dim[0] > 0 && dim[1] > 0 &&
        dim[1] <= 64 && adim == dim[1]) {
        int64_t row[64];
        char *names[64] = {0};
        hsize_t start[2] = {dim[0] - 1, 0}, count[2] = {1, dim[1]};
        hid_t ms = H5Screate_simple(1, &dim[1], NULL);
        H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL);
        if (H5Dread(d, H5T_NATIVE_INT64, ms, sp, H5P_DEFAULT, row) >= 0 &&
            H5Aread(a, t, names) >= 0) {
            fprintf(out, "  %-38s", "states at the end");
            for (hsize_t k = 0; k < dim[1]; k++)
                fprintf(out, " %s %lld", names[k] ? names[k] : "?", (long long)row[k]);
            fprintf(out, "\n");
            for (hsize_t k = 0; k < dim[1]; k++)
                if (names[k]) H5free_memory(names[k]);
        }
        H5Sclose(ms);
    }
    H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Dclose(d);
}

static void roots_free(roots_table *r)
{
    free(r->author), free(r->depth), free(r->size), free(r->breadth), free(r->bots);
    free(r->via_bot), free(r->t), free(r->sv), free(r->t10), free(r->t100), free(r->t1000);
    if (r->label) tc_h5in_free_strings(r->label, r->nlabel);
    if (r->veracity) tc_h5in_free_strings(r->veracity, r->nveracity);
    memset(r, 0, sizeof *r);
}

static int roots_read(hid_t f, const char *path, roots_table *r, tc_err *err)
{
    int rc = TC_OK;
    int64_t n;
    memset(r, 0, sizeof *r);
    /* every column as long as the first: a short one would be read past its end */
#define RD(field, name, type)                                                               \
    do {                                                                                    \
        TC_TRY(tc_h5in_array(f, "/summary/roots/" name, type, (void **)&r->field, &n, err)); \
        if (n != r->n)                                                                      \
            TC_FAIL(TC_EINPUT, "%s: /summary/roots/" name ": %lld rows; /summary/roots/"     \
                    "author has %lld", path, (long long)n, (long long)r->n);                \
    } while (0)
    TC_TRY(tc_h5in_array(f, "/summary/roots/author", H5T_NATIVE_INT32, (void **)&r->author,
                         &r->n, err));
    RD(depth, "depth", H5T_NATIVE_INT32);
    RD(size, "size", H5T_NATIVE_INT64);
    RD(breadth, "max_breadth", H5T_NATIVE_INT64);
    RD(bots, "bot_reshares", H5T_NATIVE_INT64);
    RD(via_bot, "via_bot", H5T_NATIVE_INT64);
    RD(t, "t", H5T_NATIVE_DOUBLE);
    RD(sv, "structural_virality", H5T_NATIVE_DOUBLE);
    RD(t10, "t_10", H5T_NATIVE_DOUBLE);
    RD(t100, "t_100", H5T_NATIVE_DOUBLE);
    RD(t1000, "t_1000", H5T_NATIVE_DOUBLE);
#undef RD
    if (tc_h5in_exists(f, "/summary/roots/label")) {
        TC_TRY(tc_h5in_strings(f, "/summary/roots/label", &r->label, &r->nlabel, err));
        TC_TRY(tc_h5in_strings(f, "/summary/roots/veracity", &r->veracity, &r->nveracity, err));
        if (r->nlabel != r->n || r->nveracity != r->n)
            TC_FAIL(TC_EINPUT, "%s: /summary/roots/label and veracity: %lld and %lld rows; "
                    "/summary/roots/author has %lld", path, (long long)r->nlabel,
                    (long long)r->nveracity, (long long)r->n);
    }
cleanup:
    if (rc) roots_free(r);
    return rc;
}

static int cmp_f64(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the finite values of v[i] for rows with size >= 1. */
static double median_of(const roots_table *r, const double *v)
{
    double *x = tc_xmalloc((size_t)(r->n ? r->n : 1) * sizeof *x);
    int64_t k = 0;
    for (int64_t i = 0; i < r->n; i++)
        if (r->size[i] >= 1 && isfinite(v[i])) x[k++] = v[i];
    qsort(x, (size_t)k, sizeof *x, cmp_f64);
    double m = k == 0 ? NAN : k % 2 ? x[k / 2] : 0.5 * (x[k / 2 - 1] + x[k / 2]);
    free(x);
    return m;
}

static void fmt_secs(double s, char *buf, size_t n)
{
    if (!isfinite(s)) snprintf(buf, n, "-");
    else if (s < 120) snprintf(buf, n, "%.0fs", s);
    else if (s < 7200) snprintf(buf, n, "%.1fm", s / 60);
    else snprintf(buf, n, "%.1fh", s / 3600);
}

static int64_t *order_by_size(const roots_table *r)
{
    int64_t *idx = tc_xmalloc((size_t)(r->n ? r->n : 1) * sizeof *idx);
    for (int64_t i = 0; i < r->n; i++) idx[i] = i;
    /* insertion sort is fine for the few roots of a run; observed files hold
     * thousands, so use a simple shell sort */
    for (int64_t gap = r->n / 2; gap > 0; gap /= 2)
        for (int64_t i = gap; i < r->n; i++)
            for (int64_t j = i; j >= gap && (r->size[idx[j - gap]] < r->size[idx[j]] ||
                                            (r->size[idx[j - gap]] == r->size[idx[j]] &&
                                             idx[j - gap] > idx[j]));
                 j -= gap) {
                int64_t tmp = idx[j];
                idx[j] = idx[j - gap];
                idx[j - gap] = tmp;
            }
    return idx;
}

/* The header of a run's summary: who ran what, on which graph, and the outcome.
 * start[64] receives the run's start time (for the table's times), hubs and
 * hub_id the named accounts. */
static int print_run(hid_t f, const char *path, FILE *out, char *start, char ***hubs,
                     int64_t *nhubs, int32_t **hub_id, tc_err *err)
{
    int rc = TC_OK;
    int64_t seed, threads, n, m, bots, T, offset, nh = 0;
    double wall, interval, dt;
    char name[128], model[64], buf[256];
    TC_TRY(tc_h5in_str(f, "/meta", "name", name, sizeof name, err));
    TC_TRY(tc_h5in_str(f, "/meta", "model", model, sizeof model, err));
    TC_TRY(tc_h5in_str(f, "/meta", "start", start, 64, err));
    TC_TRY(tc_h5in_str(f, "/meta", "version", buf, sizeof buf, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "seed", &seed, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "threads", &threads, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "graph_n", &n, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "graph_m", &m, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "bots", &bots, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "utc_offset_s", &offset, err));
    TC_TRY(tc_h5in_f64(f, "/meta", "wall_time_s", &wall, err));
    TC_TRY(tc_h5in_f64(f, "/meta", "interval_s", &interval, err));
    TC_TRY(tc_h5in_f64(f, "/meta", "dt_s", &dt, err));
    TC_TRY(tc_h5in_i64(f, "/series", "n_intervals", &T, err));
    fprintf(out, "run '%s' (seed %lld) by tagcascade %s on %lld thread%s in %.2f s\n", name,
            (long long)seed, buf, (long long)threads, threads == 1 ? "" : "s", wall);
    fprintf(out, "  start %s, %lld intervals of %gs (dt %gs), model %s\n", start,
            (long long)T, interval, dt, model);
    fprintf(out, "  graph: %lld accounts (%lld bots), %lld audience edges\n", (long long)n,
            (long long)bots, (long long)m);
    static const char *const ints[][2] = {
        {"reach", "accounts that used the hashtag"}, {"reach_bot", "  of which bots"},
        {"exposed", "accounts that saw it"},         {"posts", "original posts"},
        {"reshares", "reshares"},                    {"reshares_bot", "  by bots"},
        {"peak_volume", "busiest interval (posts + reshares)"},
        {"max_depth", "deepest reshare chain"}};
    fprintf(out, "outcome:\n");
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int64_t v;
        snprintf(buf, sizeof buf, "/summary/%s", ints[i][0]);
        if (!strcmp(ints[i][0], "exposed") && tc_h5in_exists(f, buf) != 1) {
            fprintf(out, "  %-38s %12s\n", ints[i][1], "not counted"); /* output.exposures */
            continue;
        }
        TC_TRY(tc_h5in_i64(f, NULL, buf, &v, err));
        fprintf(out, "  %-38s %12lld\n", ints[i][1], (long long)v);
    }
    double share, peak;
    TC_TRY(tc_h5in_f64(f, NULL, "/summary/bot_share_volume", &share, err));
    TC_TRY(tc_h5in_f64(f, NULL, "/summary/peak_t", &peak, err));
    int64_t epoch;
    int off;
    char when[40] = "?";
    if (!tc_datetime_parse(start, &epoch, &off))
        tc_datetime_format(epoch + (int64_t)peak, off, when, sizeof when);
    fprintf(out, "  %-38s %11.1f%%\n  %-38s %s\n", "share of volume by bots", 100 * share,
            "busiest interval starts", when);
    print_compartments(f, out);
    if (tc_h5in_exists(f, "/meta/accounts/name")) {
        TC_TRY(tc_h5in_strings(f, "/meta/accounts/name", hubs, nhubs, err));
        TC_TRY(tc_h5in_array(f, "/meta/accounts/id", H5T_NATIVE_INT32, (void **)hub_id, &nh, err));
        if (nh != *nhubs)
            TC_FAIL(TC_EINPUT, "%s: /meta/accounts/id: %lld entries; /meta/accounts/name has "
                    "%lld", path, (long long)nh, (long long)*nhubs);
    }
cleanup:
    return rc;
}

/* The header of an observed file's summary: its source and quirks; names gets
 * the accounts' original names. */
static int print_observed(hid_t f, const char *path, FILE *out, char ***names, int64_t *nnames,
                          tc_err *err)
{
    int rc = TC_OK;
    int64_t q[7];
    char buf[256];
    static const char *const qn[] = {"files", "malformed_lines", "duplicate_edges",
                                     "negative_delays", "multi_parent_children",
                                     "unreachable_nodes", "empty_cascades"};
    TC_TRY(tc_h5in_str(f, "/meta", "source", buf, sizeof buf, err));
    fprintf(out, "observed cascades from %s (%s)\n", buf, path);
    for (int i = 0; i < 7; i++) TC_TRY(tc_h5in_i64(f, "/meta", qn[i], &q[i], err));
    fprintf(out, "  %lld files; quirks: %lld malformed lines skipped, %lld duplicate edges "
                 "skipped, %lld negative delays set to 0, %lld later parents ignored, %lld "
                 "unreachable nodes dropped, %lld files without a root\n",
            (long long)q[0], (long long)q[1], (long long)q[2], (long long)q[3],
            (long long)q[4], (long long)q[5], (long long)q[6]);
    TC_TRY(tc_h5in_strings(f, "/meta/account_names", names, nnames, err));
cleanup:
    return rc;
}

/* The cascades, largest first: top rows of the roots table. */
static void print_roots(const roots_table *r, FILE *out, int top, int run, const char *start,
                        char **names, int64_t nnames, char **hubs, const int32_t *hub_id,
                        int64_t nh)
{
    int64_t casc = 0;
    double *dsize = tc_xmalloc((size_t)(r->n ? r->n : 1) * sizeof *dsize);
    double *ddepth = tc_xmalloc((size_t)(r->n ? r->n : 1) * sizeof *ddepth);
    for (int64_t i = 0; i < r->n; i++) {
        casc += r->size[i] >= 1;
        dsize[i] = (double)r->size[i];
        ddepth[i] = r->depth[i];
    }
    fprintf(out, "cascades: %lld with at least one reshare, of %lld; medians over them: size %g, "
                 "depth %g, structural virality %.3f\n", (long long)casc, (long long)r->n,
            median_of(r, dsize), median_of(r, ddepth), median_of(r, r->sv));
    free(dsize);
    free(ddepth);
    int64_t *idx = order_by_size(r);
    fprintf(out, "%6s %-20s %-19s %8s %5s %7s %7s %6s %6s %6s %7s %7s\n", "row", "author",
            run ? "posted" : "label", "size", "depth", "breadth", "virality", "t_10", "t_100",
            "t_1000", run ? "by_bots" : "", run ? "via_bot" : "");
    for (int64_t k = 0; k < r->n && k < top; k++) {
        int64_t i = idx[k];
        char who[64], when[40] = "", a[16], b[16], c[16];
        snprintf(who, sizeof who, "%d", r->author[i]);
        for (int64_t h = 0; h < nh; h++)
            if (hub_id[h] == r->author[i]) snprintf(who, sizeof who, "%s", hubs[h]);
        if (names && r->author[i] >= 0 && r->author[i] < nnames)
            snprintf(who, sizeof who, "%s", names[r->author[i]]);
        int64_t epoch;
        int off;
        if (run && !tc_datetime_parse(start, &epoch, &off)) {
            char full[40];
            tc_datetime_format(epoch + (int64_t)r->t[i], off, full, sizeof full);
            snprintf(when, sizeof when, "%.5s %.5s", full + 5, full + 11);
        } else if (r->label) {
            snprintf(when, sizeof when, "%.19s", r->label[i]);
        }
        fmt_secs(r->t10[i], a, sizeof a);
        fmt_secs(r->t100[i], b, sizeof b);
        fmt_secs(r->t1000[i], c, sizeof c);
        char bots[24] = "", via[24] = "";
        if (run) {
            snprintf(bots, sizeof bots, "%lld", (long long)r->bots[i]);
            snprintf(via, sizeof via, "%lld", (long long)r->via_bot[i]);
        } else if (r->veracity) {
            snprintf(bots, sizeof bots, "%.10s", r->veracity[i]);
        }
        fprintf(out, "%6lld %-20.20s %-19s %8lld %5d %7lld %8.3f %6s %6s %6s %7s %7s\n",
                (long long)i, who, when, (long long)r->size[i], r->depth[i],
                (long long)r->breadth[i], r->sv[i], a, b, c, bots, via);
    }
    if (r->n > top) fprintf(out, "(%lld more rows; --top N shows more)\n", (long long)(r->n - top));
    free(idx);
}

int tc_report_summary(const char *path, FILE *out, int top, tc_err *err)
{
    int rc = TC_OK;
    hid_t f = -1;
    char kind[32], start[64] = "";
    roots_table r = {0};
    char **names = NULL, **hubs = NULL;
    int64_t nnames = 0, nhubs = 0;
    int32_t *hub_id = NULL;

    TC_TRY(tc_h5in_open(path, &f, kind, sizeof kind, err));
    if (!strcmp(kind, "sweep")) {
        rc = tc_report_sweep(f, path, out, err);
        goto cleanup;
    }
    if (!strcmp(kind, "fit")) {
        rc = tc_report_fit(f, path, out, err);
        goto cleanup;
    }
    if (!strcmp(kind, "observed") && !tc_h5in_exists(f, "/summary")) {
        /* an observed volume curve: no cascades */
        H5Fclose(f);
        f = -1;
        rc = tc_volume_print(path, out, err);
        goto cleanup;
    }
    TC_TRY(roots_read(f, path, &r, err));
    int run = !strcmp(kind, "run");
    if (run) TC_TRY(print_run(f, path, out, start, &hubs, &nhubs, &hub_id, err));
    else TC_TRY(print_observed(f, path, out, &names, &nnames, err));
    print_roots(&r, out, top, run, start, names, nnames, hubs, hub_id, hub_id ? nhubs : 0);
cleanup:
    roots_free(&r);
    if (names) tc_h5in_free_strings(names, nnames);
    if (hubs) tc_h5in_free_strings(hubs, nhubs);
    free(hub_id);
    if (f >= 0) H5Fclose(f);
    return rc;
}
