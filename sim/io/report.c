/* Summary tables and cascade export, read back from HDF5 through h5in. */
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

/* Open a run or observed file; a sweep file holds many runs and no one outcome. */
static int open_outcome(const char *path, hid_t *f, char *kind, size_t n, tc_err *err)
{
    int rc = tc_h5in_open(path, f, kind, n, err);
    if (rc == TC_OK && !strcmp(kind, "sweep")) {
        H5Fclose(*f);
        *f = -1;
        tc_err_set(err, TC_EINPUT, "%s: a sweep file (many runs), not a run or observed file: read "
                   "it with analysis/plot_sweep.py or analysis/tcread.py, or write one point "
                   "as a run with `tagcascade run SCENARIO --point I`", path);
        return TC_EINPUT;
    }
    return rc;
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

/* XML text with the five special characters escaped. */
static void xml(FILE *f, const char *s)
{
    for (; *s; s++) switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
}

/* A label as one CSV field: commas and quotes become spaces. */
static const char *csv_safe(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == ',' || *p == '"' || *p == '\n') *p = ' ';
    return s;
}

/* One cascade's rows of /cascade/events, with what names its accounts. */
typedef struct {
    int64_t n, root;
    double *t;                 /* seconds after the original post */
    uint8_t *cls;              /* [n] class of each resharer (runs), or NULL */
    int root_cls;              /* the root author's class: 0 person, 1 bot, -1 unknown */
    int have_start;            /* runs: absolute times known */
    int64_t start;             /* UTC epoch of the original post (whole seconds) */
    double start_frac;         /* and its fraction of a second */
    double t_run;              /* the original post's time, seconds after the run's start */
    int offset_s;              /* the run's display time zone */
    int32_t *acc, *par, *rt, *dep;
    char **names, **hubs;      /* original names (observed), hubs' names */
    int32_t *hub_id;
    int64_t nnames, nhubs, nh;
} export_rows;

/* Node label: the original name (observed), the hub's name, or the id. */
static char *label(const export_rows *x, int32_t id, char *lab, size_t n)
{
    snprintf(lab, n, "%d", id);
    if (x->names && id >= 0 && id < x->nnames) snprintf(lab, n, "%s", x->names[id]);
    for (int64_t h = 0; h < x->nh; h++)
        if (x->hub_id[h] == id) snprintf(lab, n, "%s", x->hubs[h]);
    return lab;
}

static const char *class_name(int c) { return c == 0 ? "human" : c == 1 ? "bot" : "unknown"; }

/* The absolute time of a node t seconds after the original post, ISO 8601 in
 * the run's zone ("" without one). */
static const char *when(const export_rows *x, double t, char *buf, size_t n)
{
    buf[0] = 0;
    if (x->have_start) tc_datetime_format(x->start + (int64_t)floor(x->start_frac + t),
                                          x->offset_s, buf, n);
    return buf;
}

static void export_csv(FILE *out, const export_rows *x, int32_t a)
{
    char lab[128];
    fprintf(out, "time,account,parent,depth,label\n");
    fprintf(out, "0,%d,,0,%s\n", a, csv_safe(label(x, a, lab, sizeof lab)));
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root)
            fprintf(out, "%.3f,%d,%d,%d,%s\n", x->t[i], x->acc[i], x->par[i], x->dep[i],
                    csv_safe(label(x, x->acc[i], lab, sizeof lab)));
}

static void export_graphml(FILE *out, const export_rows *x, int32_t a)
{
    char lab[128];
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                 "<key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                 "<key id=\"t\" for=\"node\" attr.name=\"time_s\" attr.type=\"double\"/>\n"
                 "<key id=\"d\" for=\"node\" attr.name=\"depth\" attr.type=\"int\"/>\n"
                 "<key id=\"c\" for=\"node\" attr.name=\"class\" attr.type=\"string\"/>\n"
                 "<key id=\"w\" for=\"node\" attr.name=\"time\" attr.type=\"string\"/>\n"
                 "<graph edgedefault=\"directed\">\n");
    char iso[48];
    fprintf(out, "<node id=\"n%d\"><data key=\"label\">", a);
    xml(out, label(x, a, lab, sizeof lab));
    fprintf(out, "</data><data key=\"t\">0</data><data key=\"d\">0</data><data key=\"c\">%s"
                 "</data><data key=\"w\">%s</data></node>\n", class_name(x->root_cls),
            when(x, 0, iso, sizeof iso));
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            fprintf(out, "<node id=\"n%d\"><data key=\"label\">", x->acc[i]);
            xml(out, label(x, x->acc[i], lab, sizeof lab));
            fprintf(out, "</data><data key=\"t\">%.3f</data><data key=\"d\">%d</data>"
                         "<data key=\"c\">%s</data><data key=\"w\">%s</data></node>\n",
                    x->t[i], x->dep[i], class_name(x->cls ? x->cls[i] : -1),
                    when(x, x->t[i], iso, sizeof iso));
        }
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root)
            fprintf(out, "<edge source=\"n%d\" target=\"n%d\"/>\n", x->par[i], x->acc[i]);
    fprintf(out, "</graph>\n</graphml>\n");
}

/* GEXF 1.2 (the version networkx and Gephi read): time_s, depth, class and
 * the absolute time as node attributes; for runs, mode="dynamic" with each
 * node and edge starting at its reshare, in seconds since the run's start, so
 * Gephi's timeline plays the cascade. */
static void export_gexf(FILE *out, const export_rows *x, int32_t a)
{
    char lab[128], iso[48];
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n");
    if (x->have_start)
        fprintf(out, "<graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"double\">\n");
    else fprintf(out, "<graph mode=\"static\" defaultedgetype=\"directed\">\n");
    fprintf(out, "<attributes class=\"node\"><attribute id=\"0\" title=\"time_s\" "
                 "type=\"double\"/><attribute id=\"1\" title=\"depth\" type=\"integer\"/>"
                 "<attribute id=\"2\" title=\"class\" type=\"string\"/><attribute id=\"3\" "
                 "title=\"time\" type=\"string\"/></attributes>\n<nodes>\n");
    fprintf(out, "<node id=\"%d\" label=\"", a);
    xml(out, label(x, a, lab, sizeof lab));
    fputc('"', out);
    if (x->have_start) fprintf(out, " start=\"%.3f\"", x->t_run);
    fprintf(out, "><attvalues><attvalue for=\"0\" value=\"0\"/><attvalue for=\"1\" "
                 "value=\"0\"/><attvalue for=\"2\" value=\"%s\"/><attvalue for=\"3\" "
                 "value=\"%s\"/></attvalues></node>\n", class_name(x->root_cls),
            when(x, 0, iso, sizeof iso));
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            fprintf(out, "<node id=\"%d\" label=\"", x->acc[i]);
            xml(out, label(x, x->acc[i], lab, sizeof lab));
            fputc('"', out);
            if (x->have_start) fprintf(out, " start=\"%.3f\"", x->t_run + x->t[i]);
            fprintf(out, "><attvalues><attvalue for=\"0\" value=\"%.3f\"/><attvalue "
                         "for=\"1\" value=\"%d\"/><attvalue for=\"2\" value=\"%s\"/>"
                         "<attvalue for=\"3\" value=\"%s\"/></attvalues></node>\n",
                    x->t[i], x->dep[i], class_name(x->cls ? x->cls[i] : -1),
                    when(x, x->t[i], iso, sizeof iso));
        }
    fprintf(out, "</nodes>\n<edges>\n");
    int64_t k = 0;
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            fprintf(out, "<edge id=\"%lld\" source=\"%d\" target=\"%d\"", (long long)k++,
                    x->par[i], x->acc[i]);
            if (x->have_start) fprintf(out, " start=\"%.3f\"", x->t_run + x->t[i]);
            fprintf(out, "/>\n");
        }
    fprintf(out, "</edges>\n</graph>\n</gexf>\n");
}

/* The events table and the names, every column checked against the first. */
static int export_read(hid_t f, const char *path, export_rows *x, tc_err *err)
{
    int rc = TC_OK;
    int64_t nc[4];
    if (!tc_h5in_exists(f, "/cascade/events/t"))
        TC_FAIL(TC_EINPUT, "%s: no /cascade/events: run the scenario with output.cascade: true",
                path);
    TC_TRY(tc_h5in_array(f, "/cascade/events/t", H5T_NATIVE_DOUBLE, (void **)&x->t, &x->n, err));
    TC_TRY(tc_h5in_array(f, "/cascade/events/account", H5T_NATIVE_INT32, (void **)&x->acc, &nc[0], err));
    TC_TRY(tc_h5in_array(f, "/cascade/events/parent", H5T_NATIVE_INT32, (void **)&x->par, &nc[1], err));
    TC_TRY(tc_h5in_array(f, "/cascade/events/root", H5T_NATIVE_INT32, (void **)&x->rt, &nc[2], err));
    TC_TRY(tc_h5in_array(f, "/cascade/events/depth", H5T_NATIVE_INT32, (void **)&x->dep, &nc[3], err));
    for (int c = 0; c < 4; c++)
        if (nc[c] != x->n)
            TC_FAIL(TC_EINPUT, "%s: /cascade/events: its columns have %lld and %lld rows", path,
                    (long long)x->n, (long long)nc[c]);
    if (tc_h5in_exists(f, "/cascade/events/class")) {
        int64_t ncls = 0;
        TC_TRY(tc_h5in_array(f, "/cascade/events/class", H5T_NATIVE_UINT8, (void **)&x->cls, &ncls, err));
        if (ncls != x->n)
            TC_FAIL(TC_EINPUT, "%s: /cascade/events/class: %lld rows; the other columns %lld", path,
                    (long long)ncls, (long long)x->n);
    }
    if (tc_h5in_exists(f, "/meta/account_names"))
        TC_TRY(tc_h5in_strings(f, "/meta/account_names", &x->names, &x->nnames, err));
    if (tc_h5in_exists(f, "/meta/accounts/name")) {
        TC_TRY(tc_h5in_strings(f, "/meta/accounts/name", &x->hubs, &x->nhubs, err));
        TC_TRY(tc_h5in_array(f, "/meta/accounts/id", H5T_NATIVE_INT32, (void **)&x->hub_id, &x->nh, err));
        if (x->nh != x->nhubs)
            TC_FAIL(TC_EINPUT, "%s: /meta/accounts/id: %lld entries; /meta/accounts/name has "
                    "%lld", path, (long long)x->nh, (long long)x->nhubs);
    }
cleanup:
    return rc;
}

int tc_report_export(const char *path, int64_t root, tc_export_format fmt, FILE *out,
                     tc_err *err)
{
    int rc = TC_OK;
    hid_t f = -1;
    char kind[32];
    int32_t *author = NULL;
    double *rt0 = NULL;
    int64_t nr, nr0;
    export_rows x;
    memset(&x, 0, sizeof x);
    x.root = root;

    TC_TRY(open_outcome(path, &f, kind, sizeof kind, err));
    TC_TRY(tc_h5in_array(f, "/summary/roots/author", H5T_NATIVE_INT32, (void **)&author, &nr, err));
    if (root < 0 || root >= nr)
        TC_FAIL(TC_EINPUT, "%s: --cascade %lld: expected a row of /summary/roots in [0, %lld)",
                path, (long long)root, (long long)nr);
    TC_TRY(export_read(f, path, &x, err));
    /* times in the output: seconds after the original post, in runs and observed
     * files alike (runs store seconds since the start of the run) */
    TC_TRY(tc_h5in_array(f, "/summary/roots/t", H5T_NATIVE_DOUBLE, (void **)&rt0, &nr0, err));
    if (nr0 != nr)
        TC_FAIL(TC_EINPUT, "%s: /summary/roots/t: %lld rows; /summary/roots/author has %lld", path,
                (long long)nr0, (long long)nr);
    double t0 = !strcmp(kind, "run") ? rt0[root] : 0.0;
    x.root_cls = -1;
    if (!strcmp(kind, "run")) {
        char start[64];
        int64_t epoch;
        if (tc_h5in_str(f, "/meta", "start", start, sizeof start, err) == TC_OK &&
            tc_datetime_parse(start, &epoch, &x.offset_s) == 0) {
            x.have_start = 1;
            x.t_run = t0;
            x.start = epoch;
            x.start_frac = t0;
        }
        if (tc_h5in_exists(f, "/summary/roots/kind")) {
            int32_t *rk = NULL;
            int64_t nk = 0;
            TC_TRY(tc_h5in_array(f, "/summary/roots/kind", H5T_NATIVE_INT32, (void **)&rk, &nk, err));
            if (nk == nr) x.root_cls = rk[root] == 2 ? 1 : 0; /* a timeline post is a person's */
            free(rk);
        }
    }
    for (int64_t i = 0; i < x.n; i++) x.t[i] -= t0;
    if (fmt == TC_EXPORT_CSV) export_csv(out, &x, author[root]);
    else if (fmt == TC_EXPORT_GRAPHML) export_graphml(out, &x, author[root]);
    else export_gexf(out, &x, author[root]);
    if (ferror(out)) TC_FAIL(TC_ERUNTIME, "writing the export failed");
cleanup:
    free(x.t), free(x.acc), free(x.par), free(x.rt), free(x.dep), free(author), free(x.hub_id);
    free(x.cls);
    free(rt0);
    if (x.names) tc_h5in_free_strings(x.names, x.nnames);
    if (x.hubs) tc_h5in_free_strings(x.hubs, x.nhubs);
    if (f >= 0) H5Fclose(f);
    return rc;
}
