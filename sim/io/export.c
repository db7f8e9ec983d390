/* GraphML, GEXF and CSV exports: one cascade read back from HDF5 through h5in,
 * the world of a run rebuilt from its resolved scenario, and a world's
 * follower graph (io/export.h). */
#include "io/export.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "base/h5read.h"
#include "base/version.h"
#include "graph/net.h"
#include "io/h5in.h"
#include "model.h"

const char *const tc_export_format_names[] = {
    [TC_EXPORT_GRAPHML] = "graphml", [TC_EXPORT_GEXF] = "gexf", [TC_EXPORT_CSV] = "csv", NULL};
const char *const tc_export_time_names[] = {
    [TC_EXPORT_TIME_AUTO] = "auto", [TC_EXPORT_TIME_CLOCK] = "clock",
    [TC_EXPORT_TIME_SECONDS] = "seconds", NULL};

/* An account's class as exports write it; named = an account the scenario
 * adds by name (a hub), counted with the people in /series. */
static const char *const class_names[] = {
    [TC_CLASS_HUMAN] = "human", [TC_CLASS_BOT] = "bot", [TC_CLASS_HUB] = "named"};

/* /summary/roots/kind of a bot's own post (docs/hdf5.md) */
enum { ROOT_KIND_BOT_POST = 2 };

static const char *class_name(int c)
{
    return c >= 0 && c < (int)(sizeof class_names / sizeof class_names[0]) ? class_names[c]
                                                                             : "unknown";
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

/* A text as one CSV field: commas, quotes and line ends become spaces. */
static void csv(FILE *f, const char *s)
{
    for (; *s; s++) fputc(*s == ',' || *s == '"' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* ------------------------------------------------------------------ the world of a run */

/* The world of the open run file f (tc_export_run_world). */
static int world_of(hid_t f, const char *path, tc_scenario *sc, tc_world *w, tc_err *err)
{
    int rc = TC_OK, have_sc = 0, have_w = 0;
    char *text = NULL, hash[40], label[320], mine[40];
    char **names = NULL;
    int64_t n, nnames = 0;
    tc_h5file hf = {.id = f, .path = path};
    memset(sc, 0, sizeof *sc);
    memset(w, 0, sizeof *w);
    TC_TRY(tc_h5read_text(&hf, NULL, "/meta/resolved", (size_t)1 << 30, &text, NULL, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "graph_n", &n, err));
    TC_TRY(tc_h5in_str(f, "/meta", "graph_hash", hash, sizeof hash, err));
    TC_TRY(tc_h5in_strings(f, "/meta/communities", &names, &nnames, err));
    /* named without a '/': a relative graph file is then read from the current
     * folder, as the run (made there) read it */
    const char *base = strrchr(path, '/');
    snprintf(label, sizeof label, "%.300s[resolved]", base ? base + 1 : path);
    tc_err why = {0};
    if (tc_scenario_parse(sc, label, text, NULL, 0, &why) != TC_OK)
        TC_FAIL(TC_EINPUT, "%s: the scenario it was run with (/meta/resolved) does not load "
                "here: %s", path, why.msg);
    have_sc = 1;
    if (tc_world_build(w, sc, &why) != TC_OK)
        TC_FAIL(TC_EINPUT, "%s: its world does not build again from /meta/resolved: %s", path,
                why.msg);
    have_w = 1;
    snprintf(mine, sizeof mine, "%016llx", (unsigned long long)tc_net_hash(&w->net));
    if (w->net.n != n || strcmp(mine, hash))
        TC_FAIL(TC_EINPUT, "%s: the graph built again from /meta/resolved is not the run's "
                "(%d accounts, hash %s; /meta/graph_n %lld, /meta/graph_hash %s): its graph "
                "file changed, or another version of tagcascade built it", path, w->net.n,
                mine, (long long)n, hash);
    int same = nnames == w->ncomm;
    for (int64_t c = 0; same && c < nnames; c++) same = !strcmp(names[c], w->comm_names[c]);
    if (!same)
        TC_FAIL(TC_EINPUT, "%s: the communities built again from /meta/resolved are not "
                "/meta/communities", path);
cleanup:
    if (rc && have_w) tc_world_destroy(w);
    if (rc && have_sc) tc_scenario_destroy(sc);
    if (names) tc_h5in_free_strings(names, nnames);
    free(text);
    return rc;
}

int tc_export_run_world(const char *path, tc_scenario *sc, tc_world *w, tc_err *err)
{
    int rc = TC_OK;
    hid_t f = -1;
    char kind[32];
    memset(sc, 0, sizeof *sc);
    memset(w, 0, sizeof *w);
    TC_TRY(tc_h5in_open(path, &f, kind, sizeof kind, err));
    if (strcmp(kind, "run"))
        TC_FAIL(TC_EINPUT, "%s: a file of kind '%s', not a run: only a run's file holds the "
                "scenario its world was built from", path, kind);
    TC_TRY(world_of(f, path, sc, w, err));
cleanup:
    if (f >= 0) H5Fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ one cascade */

/* One cascade's rows of /cascade/events, with what names its accounts. */
typedef struct {
    int64_t n, root;
    double *t;                 /* [n] as stored: seconds since the run's start (runs),
                                  after the original post (observed files) */
    uint8_t *cls;              /* [n] class of each resharer (runs), or NULL */
    int root_cls;              /* the original poster's class (TC_CLASS_*), -1 unknown */
    int have_start;            /* runs: absolute times known */
    int clock;                 /* GEXF time axis: 1 dateTime, 0 seconds */
    int64_t start;             /* UTC epoch of the run's start (whole seconds) */
    double t_run;              /* the original post's time on the axis of t (0: observed) */
    int offset_s;              /* the run's display time zone */
    int32_t *acc, *par, *rt, *dep;
    char **names, **hubs;      /* original names (observed), named accounts */
    int32_t *hub_id;
    int64_t nnames, nhubs, nh;
    char **comms;              /* /meta/communities (runs) */
    int64_t ncomms;
    const uint16_t *comm;      /* community of every account (the run's world), or NULL */
    int32_t naccounts;         /* accounts in comm */
    int64_t (*pairs)[2];       /* or (account, community) of the cascade's accounts, by
                                  account: from the file (/cascade/events/community) */
    int64_t npairs;
    int have_comm;             /* every account's community is known */
} export_rows;

/* Node label: the original name (observed), the named account's name, or the id. */
static char *label(const export_rows *x, int32_t id, char *lab, size_t n)
{
    snprintf(lab, n, "%d", id);
    if (x->names && id >= 0 && id < x->nnames) snprintf(lab, n, "%s", x->names[id]);
    for (int64_t h = 0; h < x->nh; h++)
        if (x->hub_id[h] == id) snprintf(lab, n, "%s", x->hubs[h]);
    return lab;
}

static int cmp_pair(const void *a, const void *b)
{
    const int64_t *p = a, *q = b;
    return (p[0] > q[0]) - (p[0] < q[0]);
}

/* The community of account id ("" when unknown). */
static const char *community(const export_rows *x, int32_t id)
{
    if (x->pairs) {
        int64_t key[2] = {id, 0};
        const int64_t *hit = bsearch(key, x->pairs, (size_t)x->npairs, sizeof *x->pairs, cmp_pair);
        if (hit && hit[1] >= 0 && hit[1] < x->ncomms) return x->comms[hit[1]];
    } else if (x->comm && id >= 0 && id < x->naccounts && x->comm[id] < x->ncomms) {
        return x->comms[x->comm[id]];
    }
    return x->ncomms == 1 ? x->comms[0] : "";
}

/* The clock time of a node at t (as stored: seconds since the run's start),
 * ISO 8601 in the run's zone, to the whole second ("" without one). */
static const char *when(const export_rows *x, double t, char *buf, size_t n)
{
    buf[0] = 0;
    if (x->have_start) tc_datetime_format(x->start + (int64_t)floor(t), x->offset_s, buf, n);
    return buf;
}

static void cascade_csv(FILE *out, const export_rows *x, int32_t a)
{
    char lab[128], iso[48];
    fprintf(out, "time,account,parent,depth,label,class,community,datetime\n");
    fprintf(out, "0,%d,,0,", a);
    csv(out, label(x, a, lab, sizeof lab));
    fprintf(out, ",%s,", class_name(x->root_cls));
    csv(out, community(x, a));
    fprintf(out, ",%s\n", when(x, x->t_run, iso, sizeof iso));
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            fprintf(out, "%.3f,%d,%d,%d,", x->t[i] - x->t_run, x->acc[i], x->par[i], x->dep[i]);
            csv(out, label(x, x->acc[i], lab, sizeof lab));
            fprintf(out, ",%s,", class_name(x->cls ? x->cls[i] : -1));
            csv(out, community(x, x->acc[i]));
            fprintf(out, ",%s\n", when(x, x->t[i], iso, sizeof iso));
        }
}

/* A node of the tree: account id, reshared at t (as stored), at depth. */
static void graphml_node(FILE *out, const export_rows *x, int32_t id, double t, int depth,
                         int cls)
{
    char lab[128], iso[48];
    fprintf(out, "<node id=\"n%d\"><data key=\"label\">", id);
    xml(out, label(x, id, lab, sizeof lab));
    fprintf(out, "</data><data key=\"t\">%.3f</data><data key=\"d\">%d</data><data key=\"c\">%s"
                 "</data><data key=\"w\">%s</data>", t - x->t_run, depth, class_name(cls),
            when(x, t, iso, sizeof iso));
    if (x->have_comm) {
        fprintf(out, "<data key=\"g\">");
        xml(out, community(x, id));
        fprintf(out, "</data>");
    }
    fprintf(out, "</node>\n");
}

static void cascade_graphml(FILE *out, const export_rows *x, int32_t a)
{
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                 "<key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                 "<key id=\"t\" for=\"node\" attr.name=\"time_s\" attr.type=\"double\"/>\n"
                 "<key id=\"d\" for=\"node\" attr.name=\"depth\" attr.type=\"int\"/>\n"
                 "<key id=\"c\" for=\"node\" attr.name=\"class\" attr.type=\"string\"/>\n"
                 "<key id=\"w\" for=\"node\" attr.name=\"time\" attr.type=\"string\"/>\n");
    if (x->have_comm)
        fprintf(out, "<key id=\"g\" for=\"node\" attr.name=\"community\" attr.type=\"string\"/>\n");
    fprintf(out, "<graph edgedefault=\"directed\">\n");
    graphml_node(out, x, a, x->t_run, 0, x->root_cls);
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root)
            graphml_node(out, x, x->acc[i], x->t[i], x->dep[i], x->cls ? x->cls[i] : -1);
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root)
            fprintf(out, "<edge source=\"n%d\" target=\"n%d\"/>\n", x->par[i], x->acc[i]);
    fprintf(out, "</graph>\n</graphml>\n");
}

/* A node's or an edge's start on the GEXF time axis, at t (as stored). */
static void gexf_start(FILE *out, const export_rows *x, double t)
{
    char iso[48];
    if (x->clock) fprintf(out, " start=\"%s\"", when(x, t, iso, sizeof iso));
    else fprintf(out, " start=\"%.3f\"", t);
}

static void gexf_node(FILE *out, const export_rows *x, int32_t id, double t, int depth, int cls)
{
    char lab[128], iso[48];
    fprintf(out, "<node id=\"%d\" label=\"", id);
    xml(out, label(x, id, lab, sizeof lab));
    fputc('"', out);
    gexf_start(out, x, t);
    fprintf(out, "><attvalues><attvalue for=\"0\" value=\"%.3f\"/><attvalue for=\"1\" "
                 "value=\"%d\"/><attvalue for=\"2\" value=\"%s\"/><attvalue for=\"3\" "
                 "value=\"%s\"/>", t - x->t_run, depth, class_name(cls),
            when(x, t, iso, sizeof iso));
    if (x->have_comm) {
        fprintf(out, "<attvalue for=\"4\" value=\"");
        xml(out, community(x, id));
        fprintf(out, "\"/>");
    }
    fprintf(out, "</attvalues></node>\n");
}

/* GEXF 1.2 (the version networkx and Gephi read), mode="dynamic": each node and
 * edge starts at its reshare, so Gephi's timeline plays the cascade; time_s,
 * depth, class, the clock time and the community are node attributes. */
static void cascade_gexf(FILE *out, const export_rows *x, int32_t a)
{
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n"
                 "<graph mode=\"dynamic\" defaultedgetype=\"directed\" timeformat=\"%s\">\n",
            x->clock ? "dateTime" : "double");
    fprintf(out, "<attributes class=\"node\"><attribute id=\"0\" title=\"time_s\" "
                 "type=\"double\"/><attribute id=\"1\" title=\"depth\" type=\"integer\"/>"
                 "<attribute id=\"2\" title=\"class\" type=\"string\"/><attribute id=\"3\" "
                 "title=\"time\" type=\"string\"/>");
    if (x->have_comm) fprintf(out, "<attribute id=\"4\" title=\"community\" type=\"string\"/>");
    fprintf(out, "</attributes>\n<nodes>\n");
    gexf_node(out, x, a, x->t_run, 0, x->root_cls);
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root)
            gexf_node(out, x, x->acc[i], x->t[i], x->dep[i], x->cls ? x->cls[i] : -1);
    fprintf(out, "</nodes>\n<edges>\n");
    int64_t k = 0;
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            fprintf(out, "<edge id=\"%lld\" source=\"%d\" target=\"%d\"", (long long)k++,
                    x->par[i], x->acc[i]);
            gexf_start(out, x, x->t[i]);
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

/* Open a run or an observed file of cascades; a sweep file holds many runs and
 * no one cascade. */
static int open_cascades(const char *path, hid_t *f, char *kind, size_t n, tc_err *err)
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

/* The communities of the cascade's accounts as the run file holds them
 * (/cascade/events/community and /summary/roots/community, written since 0.2):
 * 1 and x->pairs set, 0 when the file has none. */
static int file_communities(hid_t f, const char *path, export_rows *x, int32_t author,
                            tc_err *err)
{
    int rc = TC_OK;
    int32_t *ec = NULL, *rcm = NULL;
    int64_t ne = 0, nr = 0;
    if (!tc_h5in_exists(f, "/cascade/events/community") ||
        !tc_h5in_exists(f, "/summary/roots/community"))
        return 0;
    TC_TRY(tc_h5in_array(f, "/cascade/events/community", H5T_NATIVE_INT32, (void **)&ec, &ne, err));
    TC_TRY(tc_h5in_array(f, "/summary/roots/community", H5T_NATIVE_INT32, (void **)&rcm, &nr, err));
    if (ne != x->n)
        TC_FAIL(TC_EINPUT, "%s: /cascade/events/community: %lld rows; the other columns %lld",
                path, (long long)ne, (long long)x->n);
    if (x->root >= nr)
        TC_FAIL(TC_EINPUT, "%s: /summary/roots/community: %lld rows; expected more than %lld",
                path, (long long)nr, (long long)x->root);
    x->pairs = tc_xmalloc((size_t)(x->n + 1) * sizeof *x->pairs);
    x->pairs[0][0] = author;
    x->pairs[0][1] = rcm[x->root];
    x->npairs = 1;
    for (int64_t i = 0; i < x->n; i++)
        if (x->rt[i] == x->root) {
            x->pairs[x->npairs][0] = x->acc[i];
            x->pairs[x->npairs][1] = ec[i];
            x->npairs++;
        }
    qsort(x->pairs, (size_t)x->npairs, sizeof *x->pairs, cmp_pair);
cleanup:
    free(ec);
    free(rcm);
    return rc ? -rc : 1;
}

/* A run's start and its communities: from the file when it holds them, else
 * from its world, when it builds again (x->comm then points into *w, which
 * the caller destroys when *have_w). */
static int run_context(hid_t f, const char *path, export_rows *x, int32_t author, FILE *notes,
                       tc_scenario *sc, tc_world *w, int *have_w, tc_err *err)
{
    int rc = TC_OK;
    char start[64];
    TC_TRY(tc_h5in_str(f, "/meta", "start", start, sizeof start, err));
    if (tc_datetime_parse(start, &x->start, &x->offset_s))
        TC_FAIL(TC_EINPUT, "%s: attribute start of /meta: expected an ISO 8601 date-time, got "
                "'%s'", path, start);
    x->have_start = 1;
    TC_TRY(tc_h5in_strings(f, "/meta/communities", &x->comms, &x->ncomms, err));
    if (x->ncomms < 1)
        TC_FAIL(TC_EINPUT, "%s: /meta/communities: expected at least one community", path);
    int got = file_communities(f, path, x, author, err);
    if (got < 0) {
        rc = -got; /* err says why */
        goto cleanup;
    }
    if (got) {
        x->have_comm = 1;
        goto cleanup;
    }
    tc_err werr = {0};
    if (world_of(f, path, sc, w, &werr) == TC_OK) {
        *have_w = 1;
        x->comm = w->comm;
        x->naccounts = w->net.n;
        x->have_comm = 1;
    } else {
        /* with one community, every account is in it */
        x->have_comm = x->ncomms == 1;
        if (notes && !x->have_comm)
            fprintf(notes, "tagcascade: note: the export has no communities: %s\n", werr.msg);
    }
cleanup:
    return rc;
}

int tc_export_cascade(const char *path, int64_t root, const tc_export_opts *o, FILE *out,
                      tc_err *err)
{
    int rc = TC_OK, have_w = 0;
    hid_t f = -1;
    char kind[32];
    int32_t *author = NULL, *rk = NULL;
    double *rt0 = NULL;
    int64_t nr, nr0, nk = 0;
    export_rows x;
    tc_scenario sc;
    tc_world w;
    memset(&x, 0, sizeof x);
    memset(&sc, 0, sizeof sc);
    memset(&w, 0, sizeof w);
    x.root = root;
    x.root_cls = -1;

    TC_TRY(open_cascades(path, &f, kind, sizeof kind, err));
    TC_TRY(tc_h5in_array(f, "/summary/roots/author", H5T_NATIVE_INT32, (void **)&author, &nr, err));
    if (root < 0 || root >= nr)
        TC_FAIL(TC_EINPUT, "%s: --cascade %lld: expected a row of /summary/roots in [0, %lld)",
                path, (long long)root, (long long)nr);
    TC_TRY(export_read(f, path, &x, err));
    /* times in the output: seconds after the original post, in runs and observed
     * files alike (runs store seconds since the start of the run, x.t_run) */
    TC_TRY(tc_h5in_array(f, "/summary/roots/t", H5T_NATIVE_DOUBLE, (void **)&rt0, &nr0, err));
    if (nr0 != nr)
        TC_FAIL(TC_EINPUT, "%s: /summary/roots/t: %lld rows; /summary/roots/author has %lld", path,
                (long long)nr0, (long long)nr);
    int run = !strcmp(kind, "run");
    if (!run && o->time == TC_EXPORT_TIME_CLOCK)
        TC_FAIL(TC_EINPUT, "%s: --time clock: an observed file has no clock time (its times "
                "are seconds after each original post); use --time seconds", path);
    x.clock = run && o->time != TC_EXPORT_TIME_SECONDS;
    if (run) {
        x.t_run = rt0[root];
        int32_t a = author[root];
        TC_TRY(run_context(f, path, &x, a, o->notes, &sc, &w, &have_w, err));
        if (tc_h5in_exists(f, "/summary/roots/class")) {
            uint8_t *rcls = NULL;
            int64_t ncls = 0;
            rc = tc_h5in_array(f, "/summary/roots/class", H5T_NATIVE_UINT8, (void **)&rcls, &ncls,
                               err);
            if (rc == TC_OK && ncls == nr && rcls[root] <= TC_CLASS_HUB) x.root_cls = rcls[root];
            free(rcls);
            if (rc) goto cleanup;
        }
        if (x.root_cls >= 0) {
            /* the file said */
        } else if (have_w && a >= 0 && a < w.net.n) {
            x.root_cls = w.pop.cls[a];
        } else {
            /* without the world: a bot's own post is a bot's; an account the
             * scenario names is named; any other original poster a person */
            if (tc_h5in_exists(f, "/summary/roots/kind")) {
                TC_TRY(tc_h5in_array(f, "/summary/roots/kind", H5T_NATIVE_INT32, (void **)&rk,
                                     &nk, err));
                if (nk == nr && rk[root] == ROOT_KIND_BOT_POST) x.root_cls = TC_CLASS_BOT;
            }
            if (x.root_cls < 0) {
                x.root_cls = TC_CLASS_HUMAN;
                for (int64_t h = 0; h < x.nh; h++)
                    if (x.hub_id[h] == a) x.root_cls = TC_CLASS_HUB;
            }
        }
    }
    if (o->format == TC_EXPORT_CSV) cascade_csv(out, &x, author[root]);
    else if (o->format == TC_EXPORT_GRAPHML) cascade_graphml(out, &x, author[root]);
    else cascade_gexf(out, &x, author[root]);
    if (ferror(out)) TC_FAIL(TC_ERUNTIME, "writing the export failed");
cleanup:
    free(x.t), free(x.acc), free(x.par), free(x.rt), free(x.dep), free(author), free(x.hub_id);
    free(x.cls), free(rt0), free(rk), free(x.pairs);
    if (x.names) tc_h5in_free_strings(x.names, x.nnames);
    if (x.hubs) tc_h5in_free_strings(x.hubs, x.nhubs);
    if (x.comms) tc_h5in_free_strings(x.comms, x.ncomms);
    if (have_w) {
        tc_world_destroy(&w);
        tc_scenario_destroy(&sc);
    }
    if (f >= 0) H5Fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ the follower graph */

int tc_export_community(const tc_world *w, const char *arg, int *c, tc_err *err)
{
    for (int k = 0; k < w->ncomm; k++)
        if (!strcmp(arg, w->comm_names[k])) {
            *c = k;
            return TC_OK;
        }
    size_t digits = strspn(arg, "0123456789");
    if (digits > 0 && digits < 6 && !arg[digits] && atoi(arg) < w->ncomm) {
        *c = atoi(arg);
        return TC_OK;
    }
    char list[600] = "";
    for (int k = 0; k < w->ncomm && strlen(list) < 480; k++) {
        strcat(list, k ? ", " : "");
        strncat(list, w->comm_names[k], 60);
    }
    if (w->ncomm > 0 && strlen(list) >= 480) strcat(list, ", ...");
    tc_err_set(err, TC_EINPUT, "--community: no community '%.100s' in this world; its %d "
               "communit%s (name, or index from 0): %s", arg, w->ncomm,
               w->ncomm == 1 ? "y" : "ies", list);
    return TC_EINPUT;
}

/* Is account u in the export (community `comm`, -1 all)? */
static int kept(const tc_world *w, int comm, int32_t u)
{
    return comm < 0 || w->comm[u] == comm;
}

void tc_export_graph_size(const tc_world *w, int comm, int64_t *nodes, int64_t *edges)
{
    const tc_net *net = &w->net;
    const tc_population *pop = &w->pop;
    if (comm < 0) {
        *nodes = net->n;
        *edges = net->m + (pop->xoff ? pop->xm : 0);
        return;
    }
    *nodes = *edges = 0;
    for (int32_t u = 0; u < net->n; u++) {
        if (!kept(w, comm, u)) continue;
        ++*nodes;
        for (int64_t k = net->off[u]; k < net->off[u + 1]; k++) *edges += kept(w, comm, net->dst[k]);
        if (pop->xoff)
            for (int64_t k = pop->xoff[u]; k < pop->xoff[u + 1]; k++)
                *edges += kept(w, comm, pop->xdst[k]);
    }
}

/* What is written for each account. */
typedef struct {
    const tc_world *w;
    const tc_scenario *sc;
    const int32_t *hub;        /* [n] index of the named account, -1 for others */
    const int32_t *followees;  /* [n] */
} graph_ctx;

static void graph_label(FILE *out, const graph_ctx *g, int32_t u, void (*esc)(FILE *, const char *))
{
    if (g->hub[u] >= 0) esc(out, g->sc->hubs[g->hub[u]].name);
    else fprintf(out, "%d", u);
}

static void graph_node(FILE *out, const graph_ctx *g, int32_t u, tc_export_format fmt)
{
    const tc_world *w = g->w;
    const char *cls = class_name(w->pop.cls[u]), *com = w->comm_names[w->comm[u]];
    long long fr = (long long)tc_population_audience(&w->pop, &w->net, u),
              fe = (long long)g->followees[u];
    if (fmt == TC_EXPORT_CSV) {
        fprintf(out, "%d,", u);
        graph_label(out, g, u, csv);
        fprintf(out, ",%s,", cls);
        csv(out, com);
        fprintf(out, ",%lld,%lld\n", fr, fe);
    } else if (fmt == TC_EXPORT_GRAPHML) {
        fprintf(out, "<node id=\"n%d\"><data key=\"label\">", u);
        graph_label(out, g, u, xml);
        fprintf(out, "</data><data key=\"c\">%s</data><data key=\"g\">", cls);
        xml(out, com);
        fprintf(out, "</data><data key=\"fr\">%lld</data><data key=\"fe\">%lld</data></node>\n",
                fr, fe);
    } else {
        fprintf(out, "<node id=\"%d\" label=\"", u);
        graph_label(out, g, u, xml);
        fprintf(out, "\"><attvalues><attvalue for=\"0\" value=\"%s\"/><attvalue for=\"1\" "
                     "value=\"", cls);
        xml(out, com);
        fprintf(out, "\"/><attvalue for=\"2\" value=\"%lld\"/><attvalue for=\"3\" "
                     "value=\"%lld\"/></attvalues></node>\n", fr, fe);
    }
}

/* follower follows followee: the edge follower -> followee */
static void graph_edge(FILE *out, int32_t follower, int32_t followee, tc_export_format fmt,
                       int64_t *k)
{
    if (fmt == TC_EXPORT_CSV) fprintf(out, "%d,%d\n", follower, followee);
    else if (fmt == TC_EXPORT_GRAPHML)
        fprintf(out, "<edge source=\"n%d\" target=\"n%d\"/>\n", follower, followee);
    else fprintf(out, "<edge id=\"%lld\" source=\"%d\" target=\"%d\"/>\n", (long long)(*k)++,
                 follower, followee);
}

static void graph_head(FILE *out, const graph_ctx *g, int comm, tc_export_format fmt)
{
    const tc_scenario *sc = g->sc;
    if (fmt == TC_EXPORT_CSV) {
        fprintf(out, "id,label,class,community,followers,followees\n");
        return;
    }
    char what[TC_NAME_MAX + 64];
    if (comm < 0) snprintf(what, sizeof what, "the whole graph");
    else snprintf(what, sizeof what, "community %s", g->w->comm_names[comm]);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (fmt == TC_EXPORT_GRAPHML) {
        fprintf(out, "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
                     "<key id=\"scenario\" for=\"graph\" attr.name=\"scenario\" attr.type=\"string\"/>\n"
                     "<key id=\"seed\" for=\"graph\" attr.name=\"seed\" attr.type=\"string\"/>\n"
                     "<key id=\"part\" for=\"graph\" attr.name=\"part\" attr.type=\"string\"/>\n"
                     "<key id=\"edges\" for=\"graph\" attr.name=\"edges\" attr.type=\"string\"/>\n"
                     "<key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
                     "<key id=\"c\" for=\"node\" attr.name=\"class\" attr.type=\"string\"/>\n"
                     "<key id=\"g\" for=\"node\" attr.name=\"community\" attr.type=\"string\"/>\n"
                     "<key id=\"fr\" for=\"node\" attr.name=\"followers\" attr.type=\"long\"/>\n"
                     "<key id=\"fe\" for=\"node\" attr.name=\"followees\" attr.type=\"long\"/>\n"
                     "<graph edgedefault=\"directed\">\n<data key=\"scenario\">");
        xml(out, sc->name);
        fprintf(out, "</data><data key=\"seed\">%llu</data><data key=\"part\">",
                (unsigned long long)sc->seed);
        xml(out, what);
        fprintf(out, "</data><data key=\"edges\">source follows target (the target's posts "
                     "reach the source)</data>\n");
        return;
    }
    fprintf(out, "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n"
                 "<meta><creator>tagcascade %s</creator><description>follower graph of "
                 "scenario '", TC_VERSION);
    xml(out, sc->name);
    fprintf(out, "' (seed %llu), ", (unsigned long long)sc->seed);
    xml(out, what);
    fprintf(out, "; an edge source -&gt; target: source follows target (the target's posts "
                 "reach the source)</description></meta>\n"
                 "<graph mode=\"static\" defaultedgetype=\"directed\">\n"
                 "<attributes class=\"node\"><attribute id=\"0\" title=\"class\" type=\"string\"/>"
                 "<attribute id=\"1\" title=\"community\" type=\"string\"/><attribute id=\"2\" "
                 "title=\"followers\" type=\"long\"/><attribute id=\"3\" title=\"followees\" "
                 "type=\"long\"/></attributes>\n<nodes>\n");
}

int tc_export_graph(const tc_world *w, const tc_scenario *sc, int comm, tc_export_format fmt,
                    FILE *out, FILE *edges_out, tc_err *err)
{
    int rc = TC_OK;
    const tc_net *net = &w->net;
    const tc_population *pop = &w->pop;
    int32_t *hub = tc_xmalloc((size_t)(net->n ? net->n : 1) * sizeof *hub);
    int32_t *followees = tc_population_followees(pop, net);
    for (int32_t u = 0; u < net->n; u++) hub[u] = -1;
    for (int h = 0; h < pop->nhubs && h < sc->nhubs; h++)
        if (pop->hub_id[h] >= 0 && pop->hub_id[h] < net->n) hub[pop->hub_id[h]] = h;
    graph_ctx g = {.w = w, .sc = sc, .hub = hub, .followees = followees};
    FILE *eo = fmt == TC_EXPORT_CSV ? edges_out : out;

    graph_head(out, &g, comm, fmt);
    for (int32_t u = 0; u < net->n; u++)
        if (kept(w, comm, u)) graph_node(out, &g, u, fmt);
    if (fmt == TC_EXPORT_CSV) fprintf(eo, "source,target\n");
    else if (fmt == TC_EXPORT_GEXF) fprintf(out, "</nodes>\n<edges>\n");
    /* audience(u) holds u's followers: each follows u */
    int64_t k = 0;
    for (int32_t u = 0; u < net->n; u++) {
        if (!kept(w, comm, u)) continue;
        for (int64_t j = net->off[u]; j < net->off[u + 1]; j++)
            if (kept(w, comm, net->dst[j])) graph_edge(eo, net->dst[j], u, fmt, &k);
        if (pop->xoff)
            for (int64_t j = pop->xoff[u]; j < pop->xoff[u + 1]; j++)
                if (kept(w, comm, pop->xdst[j])) graph_edge(eo, pop->xdst[j], u, fmt, &k);
    }
    if (fmt == TC_EXPORT_GRAPHML) fprintf(out, "</graph>\n</graphml>\n");
    else if (fmt == TC_EXPORT_GEXF) fprintf(out, "</edges>\n</graph>\n</gexf>\n");
    if (ferror(out) || ferror(eo)) TC_FAIL(TC_ERUNTIME, "writing the export failed");
cleanup:
    free(hub);
    free(followees);
    return rc;
}
