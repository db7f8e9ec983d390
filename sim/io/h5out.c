/* HDF5 writer: small typed helpers, then the run layout. Every hid_t opened is
 * closed; any failure removes the temporary file. */
#include "io/h5out.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/datetime.h"
#include "base/outfile.h"
#include "base/seal.h"
#include "base/version.h"
#include "io/h5doc.h"

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
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        TC_FAIL(TC_EINPUT, "output '%s' exists and is not a regular file; it would be replaced",
                path);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        TC_FAIL(TC_EINPUT, "output folder '%s' does not exist (for output '%s')", dir, path);
    {
        /* the only sure test of "writable" is to create a file there (access()
         * says yes to root even where creating fails) */
        size_t len = strlen(path) + 40;
        char *probe = tc_xmalloc(len);
        snprintf(probe, len, "%s.probe%ld", path, (long)getpid());
        int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(probe);
        }
        free(probe);
        if (fd < 0)
            TC_FAIL(TC_EINPUT, "output folder '%s' is not writable: %s", dir, strerror(e));
    }
cleanup:
    free(copy);
    return rc;
}

/* ------------------------------------------------------------------ helpers */

typedef struct {
    hid_t file;
    int failed;
    const char *doc_kind; /* the kind of file for io/h5doc: run, sweep, observed, volume, fit */
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

/* The dataset's units and description from io/h5doc, where it has none yet. */
static void describe(writer *w, hid_t d)
{
    char path[512], desc[400];
    const char *units;
    ssize_t len = H5Iget_name(d, path, sizeof path);
    if (len <= 0 || (size_t)len >= sizeof path) return;
    if (!tc_h5doc_lookup(w->doc_kind, path, &units, desc, sizeof desc)) return;
    if (H5Aexists(d, "units") == 0) attr_str(w, d, "units", units);
    if (H5Aexists(d, "description") == 0) attr_str(w, d, "description", desc);
}

/* A 1-D or 2-D dataset; chunked + shuffle + deflate when non-empty. The file
 * type is the little-endian standard type of the memory type. */
static hid_t dataset_typed(writer *w, hid_t loc, const char *name, hid_t mtype, hid_t ftype,
                           int rank, const hsize_t *dims, const void *data)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    /* chunks: whole rows, up to 4096 of them (1024 for 2-D and more) */
    hsize_t chunk[3] = {dims[0] < 4096 ? dims[0] : 4096, 1, 1};
    if (rank > 1 && chunk[0] > 1024) chunk[0] = 1024;
    int nonempty = dims[0] > 0;
    for (int i = 1; i < rank && i < 3; i++) {
        chunk[i] = dims[i];
        nonempty &= dims[i] > 0;
    }
    if (nonempty && ftype != mtype) {
        check(w, H5Pset_chunk(pl, rank, chunk));
        check(w, H5Pset_shuffle(pl));
        check(w, H5Pset_deflate(pl, 4));
    }
    /* no timestamps in object headers: identical runs give identical bytes */
    check(w, H5Pset_obj_track_times(pl, 0));
    hid_t d = H5Dcreate2(loc, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else {
        if (nonempty && data) check(w, H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
        describe(w, d);
    }
    H5Pclose(pl);
    H5Sclose(sp);
    return d;
}

static hid_t dataset(writer *w, hid_t loc, const char *name, hid_t mtype, int rank,
                     const hsize_t *dims, const void *data)
{
    hid_t ftype = mtype == H5T_NATIVE_DOUBLE  ? H5T_IEEE_F64LE
                  : mtype == H5T_NATIVE_INT32 ? H5T_STD_I32LE
                  : mtype == H5T_NATIVE_INT64 ? H5T_STD_I64LE
                                              : mtype;
    return dataset_typed(w, loc, name, mtype, ftype, rank, dims, data);
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
        describe(w, d);
        H5Dclose(d);
    }
    H5Pclose(pl);
    H5Sclose(sp);
}

/* Strings [n] (n < 0: one scalar string); the open dataset, or -1. */
static hid_t strings_dataset(writer *w, hid_t loc, const char *name, int n,
                             const char *const *s)
{
    hid_t t = str_type();
    hsize_t dim = (hsize_t)n;
    hid_t sp = n >= 0 ? H5Screate_simple(1, &dim, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else {
        if (n != 0) {
            /* a small conversion buffer: the default megabyte is cleared on every
             * write, which costs more than the strings when a sweep writes one
             * /series per run */
            hid_t x = H5Pcreate(H5P_DATASET_XFER);
            H5Pset_buffer(x, 4096, NULL, NULL);
            check(w, H5Dwrite(d, t, H5S_ALL, H5S_ALL, x, s));
            H5Pclose(x);
        }
        describe(w, d);
    }
    H5Sclose(sp);
    H5Tclose(t);
    return d;
}

static void ds_strings(writer *w, hid_t loc, const char *name, int n, const char *const *s)
{
    hid_t d = strings_dataset(w, loc, name, n, s);
    if (d >= 0) H5Dclose(d);
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

/* CF time units on `d`, seconds after `start_iso`: "seconds since YYYY-MM-DD
 * HH:MM:SS" in UTC, so that netCDF and xarray readers decode the axis to dates. */
static void cf_time(writer *w, hid_t d, const char *start_iso, const char *description)
{
    int64_t epoch;
    int offset;
    char iso[40], units[64];
    if (d < 0) return;
    if (start_iso && tc_datetime_parse(start_iso, &epoch, &offset) == 0) {
        tc_datetime_format(epoch, 0, iso, sizeof iso); /* 2017-05-05T18:00:00+00:00 */
        iso[10] = ' ';
        iso[19] = '\0';
        snprintf(units, sizeof units, "seconds since %s", iso);
    } else {
        snprintf(units, sizeof units, "s");
    }
    attr_str(w, d, "units", units);
    attr_str(w, d, "calendar", "standard");
    attr_str(w, d, "standard_name", "time");
    attr_str(w, d, "axis", "T");
    attr_str(w, d, "description", description);
}

/* Dimension scales (HDF5's H5DS): `scale` names axis `idx` of `d`, so that
 * netCDF and xarray readers see named dimensions with coordinates. */
static void make_scale(writer *w, hid_t d, const char *name)
{
    if (d >= 0) check(w, H5DSset_scale(d, name));
}

static void attach(writer *w, hid_t d, hid_t scale, unsigned idx)
{
    if (d >= 0 && scale >= 0) check(w, H5DSattach_scale(d, scale, idx));
}

/* Attach the scales s0, s1, s2 (-1: none) to the axes of `d`, and close it. */
static void with_axes(writer *w, hid_t d, hid_t s0, hid_t s1, hid_t s2)
{
    if (d < 0) return;
    attach(w, d, s0, 0);
    attach(w, d, s1, 1);
    attach(w, d, s2, 2);
    H5Dclose(d);
}

/* An axis of indices 0 .. n-1 (points, replicates, generations ...): an int64
 * dimension scale named `name`; the open dataset, or -1. */
static hid_t index_scale(writer *w, hid_t loc, const char *name, int64_t n)
{
    int64_t *v = tc_xmalloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    for (int64_t i = 0; i < n; i++) v[i] = i;
    hsize_t dn = (hsize_t)(n > 0 ? n : 0);
    hid_t d = dataset(w, loc, name, H5T_NATIVE_INT64, 1, &dn, v);
    free(v);
    make_scale(w, d, name);
    return d;
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
    tc_work work;
    tc_engine_work(ri->engine, &work);
    attr_i64(w, g, "edges_examined", work.examined);
    attr_str(w, g, "engine", work.engine);
    attr_i32(w, g, "exposures", !sc->output.exposures_off);

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
        kind[i] = tc_event_kind_names[ri->tl->ev[i].kind];
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

/* /series under `loc`, from a recorder's arrays. `t` is the time axis (a
 * dimension scale with CF units) of every dataset; `community` and `state` are
 * the second axes of the per-community counts and of the compartments. Without
 * exposures (output.exposures: false) the new_exposed counts are left out. */
static void write_series_at(writer *w, hid_t loc, const tc_recorder *rec,
                            const char (*comm_names)[TC_NAME_MAX], const char *start_iso,
                            int utc_offset_s, int exposures)
{
    hid_t g = group(w, loc, "series");
    if (g < 0) return;
    int64_t T = rec->T;
    int C = rec->ncomm;
    attr_str(w, g, "start", start_iso);
    attr_i32(w, g, "utc_offset_s", utc_offset_s);
    attr_f64(w, g, "interval_s", rec->interval_s);
    attr_i64(w, g, "n_intervals", T);
    double *t = tc_xmalloc((size_t)(T ? T : 1) * sizeof *t);
    for (int64_t i = 0; i < T; i++) t[i] = (double)i * rec->interval_s;
    hsize_t d1 = (hsize_t)T, d2[2] = {(hsize_t)T, (hsize_t)C};
    hid_t ht = dataset(w, g, "t", H5T_NATIVE_DOUBLE, 1, &d1, t);
    free(t);
    cf_time(w, ht, start_iso, "start of each output interval");
    make_scale(w, ht, "t");
    const char **names = tc_xcalloc((size_t)C + 1, sizeof *names);
    for (int c = 0; c < C; c++) names[c] = comm_names[c];
    hid_t hc = strings_dataset(w, g, "community", C, names);
    make_scale(w, hc, "community");
    int64_t *col = tc_xmalloc((size_t)(T ? T : 1) * sizeof *col);
    for (int k = 0; k < TC_NCOUNTERS; k++) {
        char name[64];
        if (k == TC_CNT_EXPOSED && !exposures) continue;
        for (int cls = 0; cls < 2; cls++) {
            for (int64_t i = 0; i < T; i++) col[i] = rec->by_class[((int64_t)k * T + i) * 2 + cls];
            snprintf(name, sizeof name, "%s_%s", tc_counter_names[k], cls ? "bot" : "human");
            hid_t d = dataset(w, g, name, H5T_NATIVE_INT64, 1, &d1, col);
            attach(w, d, ht, 0);
            if (d >= 0) H5Dclose(d);
        }
        snprintf(name, sizeof name, "%s_by_community", tc_counter_names[k]);
        hid_t d = dataset(w, g, name, H5T_NATIVE_INT64, 2, d2, rec->by_comm + (int64_t)k * T * C);
        if (d >= 0) {
            /* the community names again, as in schema 1 */
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
            attach(w, d, ht, 0);
            attach(w, d, hc, 1);
            H5Dclose(d);
        }
    }
    free(names);
    if (rec->trending) {
        hid_t d = dataset(w, g, "trending", H5T_NATIVE_UINT8, 1, &d1, rec->trending);
        attach(w, d, ht, 0);
        if (d >= 0) H5Dclose(d);
        d = dataset(w, g, "active_bots", H5T_NATIVE_INT64, 1, &d1, rec->active_bots);
        attach(w, d, ht, 0);
        if (d >= 0) H5Dclose(d);
    }
    if (rec->compartments) {
        /* step rules: accounts per state at the end of each interval */
        hid_t hs = strings_dataset(w, g, "state", rec->nstates,
                                   (const char *const *)rec->state_names);
        make_scale(w, hs, "state");
        hsize_t dk[2] = {(hsize_t)T, (hsize_t)rec->nstates};
        hid_t d = dataset(w, g, "compartments", H5T_NATIVE_INT64, 2, dk, rec->compartments);
        if (d >= 0) {
            hid_t st = str_type();
            hsize_t ds1 = (hsize_t)rec->nstates;
            hid_t sp = H5Screate_simple(1, &ds1, NULL);
            hid_t a = H5Acreate2(d, "states", st, sp, H5P_DEFAULT, H5P_DEFAULT);
            if (a < 0) w->failed = 1;
            else {
                check(w, H5Awrite(a, st, rec->state_names));
                H5Aclose(a);
            }
            H5Sclose(sp);
            H5Tclose(st);
            attach(w, d, ht, 0);
            attach(w, d, hs, 1);
            H5Dclose(d);
        }
        if (hs >= 0) H5Dclose(hs);
    }
    free(col);
    if (hc >= 0) H5Dclose(hc);
    if (ht >= 0) H5Dclose(ht);
    H5Gclose(g);
}

/* Classes as an enumeration over uint8 (human 0, bot 1, named 2), so that
 * readers get the names with the codes. */
static void class_dataset(writer *w, hid_t loc, const char *name, hsize_t n, const uint8_t *cls)
{
    hid_t ft = H5Tenum_create(H5T_STD_U8LE), mt = H5Tenum_create(H5T_NATIVE_UINT8);
    static const char *const cname[] = {"human", "bot", "named"};
    for (uint8_t v = 0; v < 3; v++) {
        check(w, H5Tenum_insert(ft, cname[v], &v));
        check(w, H5Tenum_insert(mt, cname[v], &v));
    }
    hid_t d = dataset_typed(w, loc, name, mt, ft, 1, &n, cls);
    if (d >= 0) H5Dclose(d);
    H5Tclose(ft);
    H5Tclose(mt);
}

/* The per-cascade table /summary/roots. `roots` (run) gives author and time;
 * otherwise `author` (observed) does and the time is 0. labels/veracity: optional
 * string columns (observed files). */
static void write_roots(writer *w, hid_t g, const tc_cascade_stats *st, int32_t R,
                        const tc_root *roots, const uint8_t *cls, const uint16_t *comm,
                        const int32_t *author_in, const char *const *labels[2])
{
    hid_t r = group(w, g, "roots");
    if (r < 0) return;
    size_t n1 = (size_t)R + 1;
    int32_t *author = tc_xcalloc(n1, sizeof *author), *depth = tc_xcalloc(n1, sizeof *depth);
    int64_t *i64 = tc_xcalloc(n1, sizeof *i64);
    double *f64 = tc_xcalloc(n1, sizeof *f64);
    hsize_t dr = (hsize_t)R;
    for (int32_t i = 0; i < R; i++) {
        author[i] = roots ? roots[i].author : author_in[i];
        depth[i] = st[i].depth;
        f64[i] = roots ? roots[i].t : 0.0;
    }
    ds(w, r, "author", H5T_NATIVE_INT32, 1, &dr, author);
    ds(w, r, "t", H5T_NATIVE_DOUBLE, 1, &dr, f64);
    ds(w, r, "depth", H5T_NATIVE_INT32, 1, &dr, depth);
    if (roots) {
        /* what started each cascade: a timeline post, a person's or a bot's own post */
        for (int32_t i = 0; i < R; i++)
            depth[i] = roots[i].event >= 0 ? 0 : cls[roots[i].author] == TC_CLASS_BOT ? 2 : 1;
        hid_t d = dataset(w, r, "kind", H5T_NATIVE_INT32, 1, &dr, depth);
        if (d >= 0) {
            attr_str(w, d, "meaning", "0 timeline post, 1 a person's own post, 2 a bot's own post");
            H5Dclose(d);
        }
        /* the author's class and community: the cascade's root in an export
         * without the world built again */
        uint8_t *rc = tc_xcalloc(n1, 1);
        for (int32_t i = 0; i < R; i++) {
            rc[i] = cls[roots[i].author];
            depth[i] = comm[roots[i].author];
        }
        class_dataset(w, r, "class", dr, rc);
        free(rc);
        ds(w, r, "community", H5T_NATIVE_INT32, 1, &dr, depth);
    }
#define COL64(name, expr)                                        \
    do {                                                         \
        for (int32_t i = 0; i < R; i++) i64[i] = (expr);        \
        ds(w, r, name, H5T_NATIVE_INT64, 1, &dr, i64);           \
    } while (0)
#define COLF(name, expr)                                         \
    do {                                                         \
        for (int32_t i = 0; i < R; i++) f64[i] = (expr);        \
        ds(w, r, name, H5T_NATIVE_DOUBLE, 1, &dr, f64);          \
    } while (0)
    COL64("size", st[i].size);
    COL64("max_breadth", st[i].max_breadth);
    COL64("bot_reshares", st[i].bot_reshares);
    COL64("via_bot", st[i].via_bot);
    COLF("structural_virality", st[i].structural_virality);
    COLF("t_10", st[i].t_reach[0]);
    COLF("t_100", st[i].t_reach[1]);
    COLF("t_1000", st[i].t_reach[2]);
#undef COL64
#undef COLF
    if (labels) {
        ds_strings(w, r, "label", R, labels[0]);
        ds_strings(w, r, "veracity", R, labels[1]);
    }
    free(author);
    free(depth);
    free(i64);
    free(f64);
    H5Gclose(r);
}

static void write_series(writer *w, const tc_run_info *ri)
{
    write_series_at(w, w->file, ri->rec, (const char(*)[TC_NAME_MAX])ri->pop->comm_names,
                    ri->sc->time.start_iso, ri->sc->time.utc_offset_s,
                    !ri->sc->output.exposures_off);
}

static void write_summary(writer *w, const tc_run_info *ri)
{
    const tc_summary *s = ri->sum;
    const tc_root *roots = tc_outcome_roots(tc_engine_outcome(ri->engine), NULL);
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
                {"max_depth", s->max_depth}, {"max_breadth", s->max_breadth},
                {"cascades", s->cascades},   {"largest_size", s->largest_size},
                {"repeats", s->repeats},     {"removed_bots", s->removed_bots},
                {"removed_humans", s->removed_humans}, {"immunised", s->immunised},
                {"own_posts", s->own_posts}, {"own_posts_human", s->own_posts_human},
                {"own_posts_bot", s->own_posts_bot}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        if (ri->sc->output.exposures_off && !strncmp(ints[i].name, "exposed", 7)) continue;
        ds_scalar(w, g, ints[i].name, H5T_NATIVE_INT64, &ints[i].v);
    }
    ds_scalar(w, g, "peak_t", H5T_NATIVE_DOUBLE, &s->peak_t);
    ds_scalar(w, g, "bot_share_volume", H5T_NATIVE_DOUBLE, &s->bot_share_volume);
    ds_scalar(w, g, "bot_share_accounts", H5T_NATIVE_DOUBLE, &s->bot_share_accounts);
    ds_scalar(w, g, "largest_structural_virality", H5T_NATIVE_DOUBLE, &s->largest_sv);
    ds_scalar(w, g, "mean_structural_virality", H5T_NATIVE_DOUBLE, &s->mean_sv);
    ds_scalar(w, g, "trending_s", H5T_NATIVE_DOUBLE, &s->trending_s);
    ds_scalar(w, g, "first_trending_t", H5T_NATIVE_DOUBLE, &s->first_trending_t);

    write_roots(w, g, s->root, s->nroots, roots, ri->pop->cls, ri->pop->comm, NULL, NULL);
    H5Gclose(g);
}

static void events_table(writer *w, hid_t loc, int64_t n, const double *t, const int32_t *acc,
                         const int32_t *par, const int32_t *root, const int32_t *depth,
                         const uint8_t *cls, const int32_t *comm);

static void write_cascade(writer *w, const tc_run_info *ri)
{
    tc_adoption *ev;
    int64_t n;
    tc_outcome_cascade(tc_engine_outcome(ri->engine), &ev, &n);
    size_t k = (size_t)(n ? n : 1);
    double *t = tc_xmalloc(k * sizeof *t);
    int32_t *acc = tc_xmalloc(k * sizeof *acc), *par = tc_xmalloc(k * sizeof *par);
    int32_t *root = tc_xmalloc(k * sizeof *root), *depth = tc_xmalloc(k * sizeof *depth);
    for (int64_t i = 0; i < n; i++) {
        t[i] = ev[i].t;
        acc[i] = ev[i].account;
        par[i] = ev[i].parent;
        root[i] = ev[i].root;
        depth[i] = ev[i].depth;
    }
    uint8_t *cls = tc_xmalloc(k);
    int32_t *comm = tc_xmalloc(k * sizeof *comm);
    for (int64_t i = 0; i < n; i++) {
        cls[i] = ri->pop->cls[acc[i]];
        comm[i] = ri->pop->comm[acc[i]];
    }
    events_table(w, w->file, n, t, acc, par, root, depth, cls, comm);
    free(cls);
    free(comm);
    free(t);
    free(acc);
    free(par);
    free(root);
    free(depth);
    free(ev);
}

typedef void (*body_fn)(writer *w, const void *ctx);

/* Create `path` under a temporary name, let `body` write into it, close, rename.
 * On any failure the temporary file is removed and nothing is at `path`. */
static int write_atomically(const char *path, const char *kind, const char *doc_kind,
                            body_fn body, const void *ctx, tc_err *err)
{
    int rc = TC_OK;
    tc_outfile out;
    writer w = {.file = -1, .doc_kind = doc_kind};
    TC_TRY(tc_outfile_begin(&out, path, err));
    const char *tmp = out.tmp;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    /* a sweep writes thousands of small datasets: drop each one's metadata from
     * the cache once it is closed, so memory does not grow with the runs */
    H5Pset_evict_on_close(fapl, 1);
    /* closing the file closes whatever is still open in it, also after a failed
     * write, so that nothing is left for HDF5 to trip over at exit */
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    /* the first bytes are left for the seal (size and checksum, base/seal.h),
     * written once the file is closed and checked by every reader */
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_userblock(fcpl, TC_SEAL_BYTES);
    w.file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fcpl);
    H5Pclose(fapl);
    if (w.file < 0) TC_FAIL(TC_ERUNTIME, "%s: cannot create the output file", tmp);
    attr_i32(&w, w.file, "schema_version", TC_SCHEMA_VERSION);
    attr_str(&w, w.file, "kind", kind);
    attr_str(&w, w.file, "producer", "tagcascade " TC_VERSION);
    body(&w, ctx);
    if (w.failed) TC_FAIL(TC_ERUNTIME, "%s: writing the output failed (disk full?)", path);
    herr_t st = H5Fclose(w.file);
    w.file = -1;
    if (st < 0) TC_FAIL(TC_ERUNTIME, "%s: closing the output failed (disk full?)", path);
    TC_TRY(tc_seal_write(tmp, path, kind, err));
    TC_TRY(tc_outfile_commit(&out, err));
cleanup:
    if (w.file >= 0) H5Fclose(w.file);
    tc_outfile_destroy(&out); /* removes the temporary file unless committed */
    return rc;
}

static void run_body(writer *w, const void *ctx)
{
    const tc_run_info *ri = ctx;
    write_meta(w, ri);
    write_series(w, ri);
    write_summary(w, ri);
    if (ri->sc->output.cascade) write_cascade(w, ri);
}

int tc_h5out_write_run(const char *path, const tc_run_info *ri, tc_err *err)
{
    return write_atomically(path, "run", "run", run_body, ri, err);
}

typedef struct {
    const tc_observed *o;
    const char *command;
} observed_ctx;

static void events_table(writer *w, hid_t loc, int64_t n, const double *t, const int32_t *acc,
                         const int32_t *par, const int32_t *root, const int32_t *depth,
                         const uint8_t *cls, const int32_t *comm)
{
    hid_t g = group(w, loc, "cascade");
    hid_t c = g >= 0 ? group(w, g, "events") : -1;
    if (c >= 0) {
        hsize_t d = (hsize_t)n;
        ds(w, c, "t", H5T_NATIVE_DOUBLE, 1, &d, t);
        ds(w, c, "account", H5T_NATIVE_INT32, 1, &d, acc);
        ds(w, c, "parent", H5T_NATIVE_INT32, 1, &d, par);
        ds(w, c, "root", H5T_NATIVE_INT32, 1, &d, root);
        ds(w, c, "depth", H5T_NATIVE_INT32, 1, &d, depth);
        if (cls) class_dataset(w, c, "class", d, cls);
        if (comm) ds(w, c, "community", H5T_NATIVE_INT32, 1, &d, comm);
        H5Gclose(c);
    }
    if (g >= 0) H5Gclose(g);
}

static void observed_body(writer *w, const void *ctx)
{
    const observed_ctx *oc = ctx;
    const tc_observed *o = oc->o;
    char created[40];
    tc_datetime_format((int64_t)time(NULL), 0, created, sizeof created);
    hid_t g = group(w, w->file, "meta");
    if (g >= 0) {
        attr_str(w, g, "source", o->source == TC_SRC_CSV ? "csv" : "twitter1516");
        attr_str(w, g, "version", TC_VERSION);
        attr_str(w, g, "created_utc", created);
        attr_str(w, g, "command", oc->command ? oc->command : "");
        attr_i64(w, g, "files", o->files);
        attr_i64(w, g, "malformed_lines", o->malformed_lines);
        attr_i64(w, g, "duplicate_edges", o->duplicate_edges);
        attr_i64(w, g, "negative_delays", o->negative_delays);
        attr_i64(w, g, "multi_parent_children", o->multi_parent_children);
        attr_i64(w, g, "unreachable_nodes", o->unreachable_nodes);
        attr_i64(w, g, "empty_cascades", o->empty_cascades);
        ds_strings(w, g, "account_names", o->naccounts, (const char *const *)o->names);
        H5Gclose(g);
    }
    g = group(w, w->file, "summary");
    if (g >= 0) {
        int64_t cascades = 0, largest = 0, max_depth = 0, max_breadth = 0;
        double sv_sum = 0, largest_sv = NAN, mean_sv = NAN;
        for (int32_t i = 0; i < o->ncasc; i++) {
            const tc_cascade_stats *c = &o->stats[i];
            if (c->depth > max_depth) max_depth = c->depth;
            if (c->max_breadth > max_breadth) max_breadth = c->max_breadth;
            if (c->size < 1) continue;
            cascades++;
            sv_sum += c->structural_virality;
            if (c->size > largest) largest = c->size, largest_sv = c->structural_virality;
        }
        if (cascades) mean_sv = sv_sum / (double)cascades;
        ds_scalar(w, g, "cascades", H5T_NATIVE_INT64, &cascades);
        ds_scalar(w, g, "largest_size", H5T_NATIVE_INT64, &largest);
        ds_scalar(w, g, "max_depth", H5T_NATIVE_INT64, &max_depth);
        ds_scalar(w, g, "max_breadth", H5T_NATIVE_INT64, &max_breadth);
        ds_scalar(w, g, "largest_structural_virality", H5T_NATIVE_DOUBLE, &largest_sv);
        ds_scalar(w, g, "mean_structural_virality", H5T_NATIVE_DOUBLE, &mean_sv);
        const char *const *labels[2] = {(const char *const *)o->label,
                                        (const char *const *)o->veracity};
        write_roots(w, g, o->stats, o->ncasc, NULL, NULL, NULL, o->author, labels);
        H5Gclose(g);
    }
    events_table(w, w->file, o->nev, o->t, o->account, o->parent, o->root, o->depth, NULL, NULL);
}

int tc_h5out_write_observed(const char *path, const tc_observed *o, const char *command,
                            tc_err *err)
{
    observed_ctx oc = {o, command};
    return write_atomically(path, "observed", "observed", observed_body, &oc, err);
}

typedef struct {
    const tc_volume *v;
    const char *source_path, *command;
} volume_ctx;

static void volume_series(writer *w, hid_t g, const char *name, hsize_t B, const double *x,
                          const char *units, const char *description, hid_t t)
{
    hid_t d = dataset(w, g, name, H5T_NATIVE_DOUBLE, 1, &B, x);
    if (d < 0) return;
    attr_str(w, d, "units", units);
    attr_str(w, d, "description", description);
    attach(w, d, t, 0);
    H5Dclose(d);
}

static void volume_body(writer *w, const void *ctx)
{
    const volume_ctx *vc = ctx;
    const tc_volume *v = vc->v;
    char created[40], start_utc[40], start[40];
    tc_datetime_format((int64_t)time(NULL), 0, created, sizeof created);
    tc_datetime_format(v->start, 0, start_utc, sizeof start_utc);
    tc_datetime_format(v->start, v->offset_s, start, sizeof start);
    hid_t g = group(w, w->file, "meta");
    if (g >= 0) {
        attr_str(w, g, "source", "volume");
        attr_str(w, g, "version", TC_VERSION);
        attr_str(w, g, "created_utc", created);
        attr_str(w, g, "command", vc->command ? vc->command : "");
        attr_str(w, g, "input", vc->source_path ? vc->source_path : "");
        attr_i64(w, g, "rows", v->rows);
        attr_str(w, g, "start_utc", start_utc);
        attr_str(w, g, "start", start);
        attr_i32(w, g, "utc_offset_s", v->offset_s);
        attr_f64(w, g, "bin_s", v->bin_s);
        attr_i64(w, g, "bins", v->B);
        H5Gclose(g);
    }
    g = group(w, w->file, "series");
    if (g < 0) return;
    /* as a run's /series: its time axis, so that series readers find their way */
    attr_str(w, g, "start", start);
    attr_i32(w, g, "utc_offset_s", v->offset_s);
    attr_f64(w, g, "interval_s", v->bin_s);
    attr_i64(w, g, "n_intervals", v->B);
    hsize_t B = (hsize_t)v->B;
    double *t = tc_xmalloc((size_t)(v->B > 0 ? v->B : 1) * sizeof *t);
    for (int64_t i = 0; i < v->B; i++) t[i] = (double)i * v->bin_s;
    hid_t ht = dataset(w, g, "t", H5T_NATIVE_DOUBLE, 1, &B, t);
    free(t);
    cf_time(w, ht, start, "start of each bin");
    if (ht >= 0) attr_str(w, ht, "start", start);
    make_scale(w, ht, "t");
    volume_series(w, g, "volume", B, v->total, "posts per bin",
                  "observed posts with the hashtag in each bin", ht);
    if (v->human && v->bot) {
        volume_series(w, g, "volume_human", B, v->human, "posts per bin",
                      "observed posts of people in each bin", ht);
        volume_series(w, g, "volume_bot", B, v->bot, "posts per bin",
                      "observed posts of bots in each bin", ht);
    }
    if (ht >= 0) H5Dclose(ht);
    H5Gclose(g);
}

int tc_h5out_write_volume(const char *path, const tc_volume *v, const char *source_path,
                          const char *command, tc_err *err)
{
    volume_ctx vc = {v, source_path, command};
    return write_atomically(path, "observed", "volume", volume_body, &vc, err);
}

/* ------------------------------------------------------------------ sweeps */

static hid_t u64_dataset(writer *w, hid_t loc, const char *name, int rank,
                         const hsize_t *dims, const uint64_t *data)
{
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(pl, 0);
    hid_t d = H5Dcreate2(loc, name, H5T_STD_U64LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0) w->failed = 1;
    else {
        if (dims[0] > 0) check(w, H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
        describe(w, d);
    }
    H5Pclose(pl);
    H5Sclose(sp);
    return d;
}

typedef struct {
    const tc_sweep_file *d;
    tc_sweep_record_fn get;
    void *ctx;
    int rc;
    tc_err *err; /* the record function's failure */
} sweep_ctx;

static void sweep_body(writer *w, const void *vctx)
{
    const sweep_ctx *sc = vctx;
    const tc_sweep_file *d = sc->d;
    int64_t P = d->P, R = d->R, M = d->M;
    char created[40], hash[24];
    tc_datetime_format((int64_t)time(NULL), 0, created, sizeof created);
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)d->sweep_hash);

    hid_t g = group(w, w->file, "meta");
    if (g >= 0) {
        attr_str(w, g, "name", d->name);
        attr(w, g, "seed", H5T_NATIVE_UINT64, &d->seed);
        attr_str(w, g, "version", TC_VERSION);
        attr_i32(w, g, "threads", d->threads);
        attr_i32(w, g, "ranks", d->ranks);
        attr_f64(w, g, "wall_time_s", d->wall_s);
        attr_str(w, g, "created_utc", created);
        attr_str(w, g, "command", d->command ? d->command : "");
        attr_str(w, g, "start", d->start_iso);
        attr_i32(w, g, "utc_offset_s", d->utc_offset_s);
        attr_f64(w, g, "dt_s", d->dt_s);
        attr_f64(w, g, "interval_s", d->interval_s);
        attr_f64(w, g, "duration_s", d->duration_s);
        attr_str(w, g, "model", d->model);
        attr_i64(w, g, "points", P);
        attr_i64(w, g, "replicates", R);
        attr_str(w, g, "sweep_hash", hash);
        attr_i32(w, g, "paired", d->paired);
        attr_i32(w, g, "exposures", !d->exposures_off);
        ds_strings(w, g, "scenario", -1, &d->scenario_text);
        ds_strings(w, g, "resolved", -1, &d->resolved_base);
        const char **names = tc_xcalloc((size_t)d->C + 1, sizeof *names);
        for (int c = 0; c < d->C; c++) names[c] = d->comm_names[c];
        ds_strings(w, g, "communities", d->C, names);
        free(names);
        H5Gclose(g);
    }
    g = group(w, w->file, "sweep");
    if (g >= 0) {
        /* the axes: point, replicate, metrics (and keys), as dimension scales */
        hid_t hpoint = index_scale(w, g, "point", P), hrep = index_scale(w, g, "replicate", R);
        hid_t hkeys = strings_dataset(w, g, "keys", d->K, (const char *const *)d->keys);
        make_scale(w, hkeys, "keys");
        hid_t pg = group(w, g, "params");
        hsize_t dp = (hsize_t)P;
        double *num = tc_xmalloc((size_t)(P ? P : 1) * sizeof *num);
        for (int k = 0; k < d->K && pg >= 0; k++) {
            if (d->numeric[k]) {
                for (int64_t p = 0; p < P; p++) num[p] = strtod(d->values[k][p], NULL);
                with_axes(w, dataset(w, pg, d->keys[k], H5T_NATIVE_DOUBLE, 1, &dp, num), hpoint,
                          -1, -1);
            } else {
                with_axes(w, strings_dataset(w, pg, d->keys[k], (int)P,
                                             (const char *const *)d->values[k]),
                          hpoint, -1, -1);
            }
        }
        free(num);
        if (pg >= 0) H5Gclose(pg);
        with_axes(w, strings_dataset(w, g, "params_text", (int)P, (const char *const *)d->params_text),
                  hpoint, -1, -1);
        with_axes(w, strings_dataset(w, g, "resolved", (int)P, (const char *const *)d->resolved),
                  hpoint, -1, -1);
        hid_t hmetrics = strings_dataset(w, g, "metrics", (int)M, d->metrics);
        make_scale(w, hmetrics, "metrics");
        hsize_t d2[2] = {(hsize_t)P, (hsize_t)R}, d3[3] = {(hsize_t)P, (hsize_t)R, (hsize_t)M};
        with_axes(w, u64_dataset(w, g, "run_key", 2, d2, d->run_key), hpoint, hrep, -1);

        /* every run, in (point, replicate) order: the file's layout does not depend
         * on the order the runs finished in */
        double *summary = tc_xmalloc(((size_t)(P * R * M) + 1) * sizeof *summary);
        uint8_t *done = tc_xcalloc((size_t)(P * R) + 1, 1);
        int64_t ns = d->series ? TC_NCOUNTERS * d->T * (2 + d->C) : 0;
        int64_t *series = tc_xmalloc((size_t)(ns ? ns : 1) * sizeof *series);
        hid_t runs = d->series ? group(w, w->file, "runs") : -1;
        for (int64_t p = 0; p < P && !sc->rc; p++) {
            hid_t pgp = -1;
            for (int64_t r = 0; r < R; r++) {
                double *m = summary + (p * R + r) * M;
                int got = sc->get(sc->ctx, p, r, m, d->series ? series : NULL, sc->err);
                if (got < 0) {
                    ((sweep_ctx *)sc)->rc = sc->err->code ? sc->err->code : TC_ERUNTIME;
                    break;
                }
                done[p * R + r] = (uint8_t)got;
                if (!got) {
                    for (int64_t k = 0; k < M; k++) m[k] = NAN;
                    continue;
                }
                if (runs < 0) continue;
                char name[32];
                if (pgp < 0) {
                    snprintf(name, sizeof name, "%lld", (long long)p);
                    pgp = group(w, runs, name);
                }
                snprintf(name, sizeof name, "%lld", (long long)r);
                hid_t rg = group(w, pgp, name);
                tc_recorder rec = {.T = d->T, .ncomm = d->C, .interval_s = d->interval_s,
                                   .by_class = series,
                                   .by_comm = series + (int64_t)TC_NCOUNTERS * d->T * 2};
                if (rg >= 0) {
                    write_series_at(w, rg, &rec, d->comm_names, d->start_iso, d->utc_offset_s,
                                    !d->exposures_off);
                    H5Gclose(rg);
                }
            }
            if (pgp >= 0) H5Gclose(pgp);
        }
        if (runs >= 0) H5Gclose(runs);
        with_axes(w, dataset(w, g, "summary", H5T_NATIVE_DOUBLE, 3, d3, summary), hpoint, hrep,
                  hmetrics);
        hid_t sp = H5Screate_simple(2, d2, NULL), pl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_obj_track_times(pl, 0);
        hid_t dd = H5Dcreate2(g, "done", H5T_STD_U8LE, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
        if (dd < 0) w->failed = 1;
        else {
            if (P > 0 && R > 0) check(w, H5Dwrite(dd, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, done));
            describe(w, dd);
            with_axes(w, dd, hpoint, hrep, -1);
        }
        H5Pclose(pl);
        H5Sclose(sp);
        for (hid_t *h = (hid_t[]){hpoint, hrep, hkeys, hmetrics}, *e = h + 4; h < e; h++)
            if (*h >= 0) H5Dclose(*h);
        free(summary);
        free(done);
        free(series);
        H5Gclose(g);
    }
    if (sc->rc) w->failed = 1;
}

int tc_h5out_write_sweep(const char *path, const tc_sweep_file *d, tc_sweep_record_fn get,
                         void *ctx, tc_err *err)
{
    tc_err rerr = {0}, werr = {0};
    sweep_ctx sc = {d, get, ctx, TC_OK, &rerr};
    int rc = write_atomically(path, "sweep", "sweep", sweep_body, &sc, &werr);
    if (sc.rc) *err = rerr; /* why a run could not be had, not "writing failed" */
    else if (rc) *err = werr;
    return sc.rc ? sc.rc : rc;
}

/* ------------------------------------------------------------------ fits */

static void fit_body(writer *w, const void *ctx)
{
    const tc_fit_file *d = ctx;
    char created[40], buf[32];
    tc_datetime_format((int64_t)time(NULL), 0, created, sizeof created);
    hid_t g = group(w, w->file, "meta");
    if (g >= 0) {
        attr_str(w, g, "name", d->name);
        attr_str(w, g, "version", TC_VERSION);
        attr_str(w, g, "created_utc", created);
        attr_str(w, g, "command", d->command ? d->command : "");
        attr_str(w, g, "start", d->start_iso);
        attr_str(w, g, "model", d->model);
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)d->seed);
        attr_str(w, g, "seed", buf);
        snprintf(buf, sizeof buf, "%016llx", (unsigned long long)d->hash);
        attr_str(w, g, "fit_hash", buf);
        attr_i32(w, g, "threads", d->threads);
        attr_i32(w, g, "ranks", d->ranks);
        attr_f64(w, g, "wall_s", d->wall_s);
        attr_str(w, g, "observed_volume", d->observed_volume ? d->observed_volume : "");
        attr_str(w, g, "observed_cascades", d->observed_cascades ? d->observed_cascades : "");
        ds_strings(w, g, "scenario", -1, (const char *const *)&d->scenario_text);
        H5Gclose(g);
    }
    g = group(w, w->file, "fit");
    if (g < 0) return;
    attr_str(w, g, "algorithm", "ABC-SMC (Toni et al. 2009; Beaumont et al. 2009)");
    attr_str(w, g, "stop_reason", d->stop_reason);
    attr_f64(w, g, "quantile", d->quantile);
    /* the axes: generation, particle, parameter, target (and below: draw,
     * quantile, t), so that every dataset has named dimensions */
    hid_t hgen = index_scale(w, g, "generation", d->G), hpart = index_scale(w, g, "particle", d->N);
    hid_t hpar = strings_dataset(w, g, "parameters", d->K, (const char *const *)d->keys);
    make_scale(w, hpar, "parameters");
    hid_t htarget = strings_dataset(w, g, "targets", d->ntargets, (const char *const *)d->target_names);
    make_scale(w, htarget, "targets");
    hid_t x = strings_dataset(w, g, "priors", d->K, (const char *const *)d->priors);
    with_axes(w, x, hpar, -1, -1);
    hsize_t k = (hsize_t)d->K, gdim = (hsize_t)d->G, t = (hsize_t)d->ntargets;
    with_axes(w, dataset(w, g, "prior_min", H5T_NATIVE_DOUBLE, 1, &k, d->lo), hpar, -1, -1);
    with_axes(w, dataset(w, g, "prior_max", H5T_NATIVE_DOUBLE, 1, &k, d->hi), hpar, -1, -1);
    with_axes(w, dataset(w, g, "target_weights", H5T_NATIVE_DOUBLE, 1, &t, d->target_weight),
              htarget, -1, -1);
    with_axes(w, dataset(w, g, "epsilon", H5T_NATIVE_DOUBLE, 1, &gdim, d->epsilon), hgen, -1, -1);
    with_axes(w, dataset(w, g, "ess", H5T_NATIVE_DOUBLE, 1, &gdim, d->ess), hgen, -1, -1);
    with_axes(w, dataset(w, g, "acceptance", H5T_NATIVE_DOUBLE, 1, &gdim, d->acceptance), hgen,
              -1, -1);
    with_axes(w, dataset(w, g, "simulations", H5T_NATIVE_INT64, 1, &gdim, d->simulations), hgen,
              -1, -1);
    hsize_t d3[3] = {(hsize_t)d->G, (hsize_t)d->N, (hsize_t)d->K};
    with_axes(w, dataset(w, g, "theta", H5T_NATIVE_DOUBLE, 3, d3, d->theta), hgen, hpart, hpar);
    with_axes(w, dataset(w, g, "weight", H5T_NATIVE_DOUBLE, 2, d3, d->weight), hgen, hpart, -1);
    with_axes(w, dataset(w, g, "distance", H5T_NATIVE_DOUBLE, 2, d3, d->distance), hgen, hpart,
              -1);
    if (d->B > 0) {
        hid_t p = group(w, g, "predictive");
        if (p >= 0) {
            attr_str(w, p, "start", d->obs_start_iso);
            attr_f64(w, p, "bin_s", d->bin_s);
            hsize_t b = (hsize_t)d->B, db[2] = {(hsize_t)d->D, (hsize_t)d->B},
                    dk[2] = {(hsize_t)d->D, (hsize_t)d->K}, qb[2] = {3, (hsize_t)d->B};
            double *tt = tc_xmalloc((size_t)d->B * sizeof *tt);
            for (int64_t i = 0; i < d->B; i++) tt[i] = (double)i * d->bin_s;
            hid_t ht = dataset(w, p, "t", H5T_NATIVE_DOUBLE, 1, &b, tt);
            free(tt);
            cf_time(w, ht, d->obs_start_iso, "start of each observed bin");
            make_scale(w, ht, "t");
            hid_t hdraw = index_scale(w, p, "draw", d->D);
            static const double q[3] = {0.05, 0.5, 0.95};
            hsize_t three = 3;
            hid_t hq = dataset(w, p, "quantile", H5T_NATIVE_DOUBLE, 1, &three, q);
            make_scale(w, hq, "quantile");
            with_axes(w, dataset(w, p, "observed", H5T_NATIVE_DOUBLE, 1, &b, d->observed), ht,
                      -1, -1);
            with_axes(w, dataset(w, p, "volume", H5T_NATIVE_DOUBLE, 2, db, d->pred), hdraw, ht,
                      -1);
            with_axes(w, dataset(w, p, "theta", H5T_NATIVE_DOUBLE, 2, dk, d->pred_theta), hdraw,
                      hpar, -1);
            with_axes(w, dataset(w, p, "band", H5T_NATIVE_DOUBLE, 2, qb, d->pred_q), hq, ht, -1);
            for (hid_t *h = (hid_t[]){ht, hdraw, hq}, *e = h + 3; h < e; h++)
                if (*h >= 0) H5Dclose(*h);
            H5Gclose(p);
        }
    }
    for (hid_t *h = (hid_t[]){hgen, hpart, hpar, htarget}, *e = h + 4; h < e; h++)
        if (*h >= 0) H5Dclose(*h);
    H5Gclose(g);
}

int tc_h5out_write_fit(const char *path, const tc_fit_file *d, tc_err *err)
{
    return write_atomically(path, "fit", "fit", fit_body, d, err);
}
