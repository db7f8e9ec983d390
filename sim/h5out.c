/* HDF5 writer: small typed helpers, then the run layout. Every hid_t opened is
 * closed; any failure removes the temporary file. */
#include "h5out.h"

#include <errno.h>
#include <hdf5.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "version.h"

int tc_h5out_check_dest(const char *path, tc_err *err)
{
    struct stat st;
    char *copy = tc_xstrdup(path);
    const char *dir = dirname(copy);
    int rc = TC_OK;
    if (!*path) TC_FAIL(TC_EINPUT, "output path is empty");
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        TC_FAIL(TC_EINPUT, "output '%s' is a folder; give a file name such as %s/run.h5", path,
                path);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        TC_FAIL(TC_EINPUT, "output folder '%s' does not exist (for output '%s')", dir, path);
    if (access(dir, W_OK | X_OK) != 0)
        TC_FAIL(TC_EINPUT, "output folder '%s' is not writable: %s", dir, strerror(errno));
cleanup:
    free(copy);
    return rc;
}

/* ------------------------------------------------------------------ helpers */

typedef struct {
    hid_t file;
    int failed;
} writer;

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static void check(writer *w, herr_t st)
{
    if (st < 0) w->failed = 1;
}

static void attr(writer *w, hid_t loc, const char *name, hid_t type, const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) w->failed = 1;
    else check(w, H5Awrite(a, type, v));
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
}

static void attr_str(writer *w, hid_t loc, const char *name, const char *s)
{
    hid_t t = str_type();
    attr(w, loc, name, t, &s);
    H5Tclose(t);
}

static void attr_i64(writer *w, hid_t loc, const char *name, int64_t v)
{
    attr(w, loc, name, H5T_NATIVE_INT64, &v);
}

static void attr_i32(writer *w, hid_t loc, const char *name, int32_t v)
{
    attr(w, loc, name, H5T_NATIVE_INT32, &v);
}

static void attr_f64(writer *w, hid_t loc, const char *name, double v)
{
    attr(w, loc, name, H5T_NATIVE_DOUBLE, &v);
}

/* A 1-D or 2-D dataset; chunked + shuffle + deflate when non-empty. The file
 * type is the little-endian standard type of the memory type. */
static hid_t dataset(writer *w, hid_t loc, const char *name, hid_t mtype, int rank,
                     const hsize_t *dims, const void *data)
{
    hid_t ftype = mtype == H5T_NATIVE_DOUBLE  ? H5T_IEEE_F64LE
                  : mtype == H5T_NATIVE_INT32 ? H5T_STD_I32LE
                  : mtype == H5T_NATIVE_INT64 ? H5T_STD_I64LE
                                              : mtype;
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk[2] = {dims[0] < 4096 ? dims[0] : 4096, rank > 1 ? dims[1] : 1};
    if (rank > 1 && chunk[0] > 1024) chunk[0] = 1024;
    int nonempty = dims[0] > 0 && (rank == 1 || dims[1] > 0);
    if (nonempty && ftype != mtype) {
        check(w, H5Pset_chunk(pl, rank, chunk));
        check(w, H5Pset_shuffle(pl));
        check(w, H5Pset_deflate(pl, 4));
    }
    /* no timestamps in object headers: identical runs give identical bytes */
    check(w, H5Pset_obj_track_times(pl, 0));
    hid_t d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else if (nonempty && data) check(w, H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
    H5Pclose(pl);
    H5Sclose(sp);
    return d;
}

static void ds(writer *w, hid_t loc, const char *name, hid_t mtype, int rank,
               const hsize_t *dims, const void *data)
{
    hid_t d = dataset(w, loc, name, mtype, rank, dims, data);
    if (d >= 0) H5Dclose(d);
}

static void ds_scalar(writer *w, hid_t loc, const char *name, hid_t mtype, const void *v)
{
    hid_t ftype = mtype == H5T_NATIVE_DOUBLE ? H5T_IEEE_F64LE : H5T_STD_I64LE;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(pl, 0);
    hid_t d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else {
        check(w, H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v));
        H5Dclose(d);
    }
    H5Pclose(pl);
    H5Sclose(sp);
}

static void ds_strings(writer *w, hid_t loc, const char *name, int n, const char *const *s)
{
    hid_t t = str_type();
    hsize_t dim = (hsize_t)n;
    hid_t sp = n >= 0 ? H5Screate_simple(1, &dim, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else {
        if (n != 0) check(w, H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s));
        H5Dclose(d);
    }
    H5Sclose(sp);
    H5Tclose(t);
}

static hid_t group(writer *w, hid_t loc, const char *name)
{
    hid_t pl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(pl, 0);
    hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, pl, H5P_DEFAULT);
    H5Pclose(pl);
    if (g < 0) w->failed = 1;
    return g;
}

/* ------------------------------------------------------------------ sections */

static void write_meta(writer *w, const tc_run_info *ri)
{
    const tc_scenario *sc = ri->sc;
    const tc_population *pop = ri->pop;
    hid_t g = group(w, w->file, "meta");
    if (g < 0) return;
    char buf[64], created[40];
    time_t now = time(NULL);
    tc_datetime_format((int64_t)now, 0, created, sizeof created);
    attr_str(w, g, "name", sc->name);
    attr(w, g, "seed", H5T_NATIVE_UINT64, &sc->seed);
    attr_str(w, g, "version", TC_VERSION);
    attr_i32(w, g, "threads", ri->threads);
    attr_i32(w, g, "ranks", ri->ranks);
    attr_f64(w, g, "wall_time_s", ri->wall_s);
    attr_str(w, g, "created_utc", created);
    attr_str(w, g, "command", ri->command ? ri->command : "");
    attr_str(w, g, "start", sc->time.start_iso);
    attr_i32(w, g, "utc_offset_s", sc->time.utc_offset_s);
    attr_f64(w, g, "dt_s", sc->time.dt_ms / 1000.0);
    attr_f64(w, g, "interval_s", sc->time.interval_ms / 1000.0);
    attr_f64(w, g, "duration_s", sc->time.duration_ms / 1000.0);
    attr_str(w, g, "model", sc->model->name);
    attr_i64(w, g, "graph_n", ri->net->n);
    attr_i64(w, g, "graph_m", ri->net->m);
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)tc_net_hash(ri->net));
    attr_str(w, g, "graph_hash", buf);
    attr_i64(w, g, "graph_self_loops_dropped", ri->net->self_loops_dropped);
    attr_i64(w, g, "graph_duplicates_dropped", ri->net->duplicates_dropped);
    attr_i64(w, g, "bots", pop->nbots);
    attr_i64(w, g, "edges_examined", ri->engine->examined);

    const char *text = sc->text;
    ds_strings(w, g, "scenario", -1, &text);
    char *res = NULL;
    size_t rlen = 0;
    FILE *mf = open_memstream(&res, &rlen);
    if (mf) {
        tc_scenario_dump(sc, mf);
        fclose(mf);
        const char *r = res;
        ds_strings(w, g, "resolved", -1, &r);
        free(res);
    } else {
        w->failed = 1;
    }
    const char **names = tc_xcalloc((size_t)pop->ncomm + 1, sizeof *names);
    for (int c = 0; c < pop->ncomm; c++) names[c] = pop->comm_names[c];
    ds_strings(w, g, "communities", pop->ncomm, names);
    free(names);

    int H = sc->nhubs;
    hid_t a = group(w, g, "accounts");
    const char **hn = tc_xcalloc((size_t)H + 1, sizeof *hn);
    int32_t *id = tc_xcalloc((size_t)H + 1, sizeof *id), *cm = tc_xcalloc((size_t)H + 1, sizeof *cm);
    int64_t *fo = tc_xcalloc((size_t)H + 1, sizeof *fo);
    for (int h = 0; h < H; h++) {
        hn[h] = sc->hubs[h].name;
        id[h] = pop->hub_id[h];
        cm[h] = pop->comm[id[h]];
        fo[h] = tc_net_degree(ri->net, id[h]);
    }
    hsize_t dh = (hsize_t)H;
    ds_strings(w, a, "name", H, hn);
    ds(w, a, "id", H5T_NATIVE_INT32, 1, &dh, id);
    ds(w, a, "community", H5T_NATIVE_INT32, 1, &dh, cm);
    ds(w, a, "followers", H5T_NATIVE_INT64, 1, &dh, fo);
    free(hn);
    free(id);
    free(cm);
    free(fo);
    if (a >= 0) H5Gclose(a);

    int E = ri->tl->n;
    hid_t ev = group(w, g, "events");
    double *t = tc_xcalloc((size_t)E + 1, sizeof *t);
    const char **kind = tc_xcalloc((size_t)E + 1, sizeof *kind);
    const char **acc = tc_xcalloc((size_t)E + 1, sizeof *acc);
    const char **lab = tc_xcalloc((size_t)E + 1, sizeof *lab);
    for (int i = 0; i < E; i++) {
        t[i] = ri->tl->ev[i].t;
        kind[i] = "post";
        acc[i] = ri->tl->ev[i].account_name ? ri->tl->ev[i].account_name : "";
        lab[i] = ri->tl->ev[i].label ? ri->tl->ev[i].label : "";
    }
    hsize_t de = (hsize_t)E;
    ds(w, ev, "t", H5T_NATIVE_DOUBLE, 1, &de, t);
    ds_strings(w, ev, "kind", E, kind);
    ds_strings(w, ev, "account", E, acc);
    ds_strings(w, ev, "label", E, lab);
    free(t);
    free(kind);
    free(acc);
    free(lab);
    if (ev >= 0) H5Gclose(ev);
    H5Gclose(g);
}

static void write_series(writer *w, const tc_run_info *ri)
{
    const tc_recorder *rec = ri->rec;
    const tc_scenario *sc = ri->sc;
    hid_t g = group(w, w->file, "series");
    if (g < 0) return;
    int64_t T = rec->T;
    int C = rec->ncomm;
    attr_str(w, g, "start", sc->time.start_iso);
    attr_i32(w, g, "utc_offset_s", sc->time.utc_offset_s);
    attr_f64(w, g, "interval_s", rec->interval_s);
    attr_i64(w, g, "n_intervals", T);
    double *t = tc_xmalloc((size_t)(T ? T : 1) * sizeof *t);
    for (int64_t i = 0; i < T; i++) t[i] = (double)i * rec->interval_s;
    hsize_t d1 = (hsize_t)T, d2[2] = {(hsize_t)T, (hsize_t)C};
    ds(w, g, "t", H5T_NATIVE_DOUBLE, 1, &d1, t);
    free(t);
    int64_t *col = tc_xmalloc((size_t)(T ? T : 1) * sizeof *col);
    const char **names = tc_xcalloc((size_t)C + 1, sizeof *names);
    for (int c = 0; c < C; c++) names[c] = ri->pop->comm_names[c];
    for (int k = 0; k < TC_NCOUNTERS; k++) {
        char name[64];
        for (int cls = 0; cls < 2; cls++) {
            for (int64_t i = 0; i < T; i++) col[i] = rec->by_class[((int64_t)k * T + i) * 2 + cls];
            snprintf(name, sizeof name, "%s_%s", tc_counter_names[k], cls ? "bot" : "human");
            ds(w, g, name, H5T_NATIVE_INT64, 1, &d1, col);
        }
        snprintf(name, sizeof name, "%s_by_community", tc_counter_names[k]);
        hid_t d = dataset(w, g, name, H5T_NATIVE_INT64, 2, d2, rec->by_comm + (int64_t)k * T * C);
        if (d >= 0) {
            hid_t st = str_type();
            hsize_t dc = (hsize_t)C;
            hid_t sp = H5Screate_simple(1, &dc, NULL);
            hid_t a = H5Acreate2(d, "columns", st, sp, H5P_DEFAULT, H5P_DEFAULT);
            if (a < 0) w->failed = 1;
            else {
                check(w, H5Awrite(a, st, names));
                H5Aclose(a);
            }
            H5Sclose(sp);
            H5Tclose(st);
            H5Dclose(d);
        }
    }
    free(names);
    free(col);
    H5Gclose(g);
}

static void write_summary(writer *w, const tc_run_info *ri)
{
    const tc_summary *s = ri->sum;
    const tc_engine *e = ri->engine;
    hid_t g = group(w, w->file, "summary");
    if (g < 0) return;
    struct {
        const char *name;
        int64_t v;
    } ints[] = {{"reach", s->reach},         {"reach_human", s->reach_human},
                {"reach_bot", s->reach_bot}, {"exposed", s->exposed},
                {"exposed_human", s->exposed_human}, {"exposed_bot", s->exposed_bot},
                {"posts", s->posts},         {"reshares", s->reshares},
                {"reshares_human", s->reshares_human}, {"reshares_bot", s->reshares_bot},
                {"volume", s->volume},       {"peak_volume", s->peak_volume},
                {"max_depth", s->max_depth}, {"max_breadth", s->max_breadth}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        ds_scalar(w, g, ints[i].name, H5T_NATIVE_INT64, &ints[i].v);
    ds_scalar(w, g, "peak_t", H5T_NATIVE_DOUBLE, &s->peak_t);
    ds_scalar(w, g, "bot_share_volume", H5T_NATIVE_DOUBLE, &s->bot_share_volume);
    ds_scalar(w, g, "bot_share_accounts", H5T_NATIVE_DOUBLE, &s->bot_share_accounts);

    int32_t R = e->nroots;
    hid_t r = group(w, g, "roots");
    int32_t *author = tc_xcalloc((size_t)R + 1, sizeof *author);
    int32_t *depth = tc_xcalloc((size_t)R + 1, sizeof *depth);
    double *t = tc_xcalloc((size_t)R + 1, sizeof *t);
    for (int32_t i = 0; i < R; i++) {
        author[i] = e->roots[i].author;
        t[i] = e->roots[i].t;
        depth[i] = (int32_t)s->root_depth[i];
    }
    hsize_t dr = (hsize_t)R;
    ds(w, r, "author", H5T_NATIVE_INT32, 1, &dr, author);
    ds(w, r, "t", H5T_NATIVE_DOUBLE, 1, &dr, t);
    ds(w, r, "size", H5T_NATIVE_INT64, 1, &dr, s->root_size);
    ds(w, r, "depth", H5T_NATIVE_INT32, 1, &dr, depth);
    ds(w, r, "max_breadth", H5T_NATIVE_INT64, 1, &dr, s->root_breadth);
    free(author);
    free(depth);
    free(t);
    if (r >= 0) H5Gclose(r);
    H5Gclose(g);
}

static void write_cascade(writer *w, const tc_run_info *ri)
{
    tc_pending *ev;
    int64_t n;
    tc_engine_cascade(ri->engine, &ev, &n);
    hid_t g = group(w, w->file, "cascade");
    hid_t c = g >= 0 ? group(w, g, "events") : -1;
    if (c >= 0) {
        double *t = tc_xmalloc((size_t)(n ? n : 1) * sizeof *t);
        int32_t *col = tc_xmalloc((size_t)(n ? n : 1) * sizeof *col);
        hsize_t d = (hsize_t)n;
        for (int64_t i = 0; i < n; i++) t[i] = ev[i].t;
        ds(w, c, "t", H5T_NATIVE_DOUBLE, 1, &d, t);
        for (int64_t i = 0; i < n; i++) col[i] = ev[i].account;
        ds(w, c, "account", H5T_NATIVE_INT32, 1, &d, col);
        for (int64_t i = 0; i < n; i++) col[i] = ev[i].parent;
        ds(w, c, "parent", H5T_NATIVE_INT32, 1, &d, col);
        for (int64_t i = 0; i < n; i++) col[i] = ev[i].root;
        ds(w, c, "root", H5T_NATIVE_INT32, 1, &d, col);
        for (int64_t i = 0; i < n; i++) col[i] = ev[i].depth;
        ds(w, c, "depth", H5T_NATIVE_INT32, 1, &d, col);
        free(t);
        free(col);
        H5Gclose(c);
    }
    if (g >= 0) H5Gclose(g);
    free(ev);
}

int tc_h5out_write_run(const char *path, const tc_run_info *ri, tc_err *err)
{
    int rc = TC_OK;
    size_t len = strlen(path) + 32;
    char *tmp = tc_xmalloc(len);
    snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
    writer w = {.file = -1};
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    w.file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fcpl);
    H5Pclose(fapl);
    if (w.file < 0) TC_FAIL(TC_ERUNTIME, "%s: cannot create the output file", tmp);
    int32_t schema = TC_SCHEMA_VERSION;
    attr_i32(&w, w.file, "schema_version", schema);
    attr_str(&w, w.file, "kind", "run");
    attr_str(&w, w.file, "producer", "tagcascade " TC_VERSION);
    write_meta(&w, ri);
    write_series(&w, ri);
    write_summary(&w, ri);
    if (ri->sc->output.cascade) write_cascade(&w, ri);
    if (w.failed) TC_FAIL(TC_ERUNTIME, "%s: writing the output failed (disk full?)", path);
    herr_t st = H5Fclose(w.file);
    w.file = -1;
    if (st < 0) TC_FAIL(TC_ERUNTIME, "%s: closing the output failed (disk full?)", path);
    if (rename(tmp, path) != 0)
        TC_FAIL(TC_ERUNTIME, "%s: cannot rename the finished file into place: %s", path,
                strerror(errno));
cleanup:
    if (w.file >= 0) H5Fclose(w.file);
    if (rc) unlink(tmp);
    free(tmp);
    return rc;
}
