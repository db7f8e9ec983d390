/* Graph store: an append-by-chunk writer and a reader that trusts nothing in
 * the file. Every hid_t opened is closed; any failure removes the temporary file. */
#include "graph/graphstore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/h5read.h"
#include "base/outfile.h"
#include "base/path.h"
#include "base/seal.h"
#include "base/version.h"
#include "graph/graph.h"

/* Entries per chunk: 1 MB of dst (int32), of off (int64), of community (uint16). */
#define CHUNK_DST (1 << 18)
#define CHUNK_OFF (1 << 17)
#define CHUNK_COMM (1 << 19)
/* zlib level: 1 writes several times faster than 4-6 for a few percent more
 * bytes (measured in docs/graphstore.md); reading speed does not depend on it. */
#define DEFLATE_LEVEL 1

/* ------------------------------------------------------------------ the seal */

/* The store opens with a seal (base/seal.h): its size and CRC-32, checked
 * before HDF5 reads a byte. Stores made by other programs (starting with HDF5's
 * own signature) are read without it. */
#define SEAL_BYTES TC_SEAL_BYTES

static int seal_check(const char *path, tc_err *err)
{
    int sealed = 0;
    int rc = tc_seal_check(path, "store", &sealed, err);
    if (rc && sealed < 0)
        tc_err_set(err, TC_EINPUT, "%s: not a graph store (neither a tagcascade store nor an "
                   "HDF5 file; make one with `tagcascade graph convert` or `graph generate`)",
                   path);
    return rc;
}

/* ------------------------------------------------------------------ writing */

static hid_t str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static void put_attr(tc_graphstore_out *o, hid_t loc, const char *name, hid_t type,
                     const void *v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, type, v) < 0) o->failed = 1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
}

static void put_str(tc_graphstore_out *o, hid_t loc, const char *name, const char *s)
{
    hid_t t = str_type();
    put_attr(o, loc, name, t, &s);
    H5Tclose(t);
}

static void put_i64(tc_graphstore_out *o, hid_t loc, const char *name, int64_t v)
{
    /* the file type is little-endian int64 whatever the machine */
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, H5T_NATIVE_INT64, &v) < 0) o->failed = 1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
}

/* Chunked, shuffled, deflated and checksummed (Fletcher-32: a damaged chunk is
 * a read error, not wrong ids); no timestamps, so equal graphs give equal bytes. */
static hid_t chunked(hsize_t chunk)
{
    hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(pl, 1, &chunk);
    H5Pset_shuffle(pl);
    H5Pset_deflate(pl, DEFLATE_LEVEL);
    H5Pset_fletcher32(pl);
    H5Pset_obj_track_times(pl, 0);
    return pl;
}

/* A whole 1-D dataset written at once. */
static void put_array(tc_graphstore_out *o, const char *name, hid_t ftype, hid_t mtype,
                      hsize_t len, hsize_t chunk, const void *data)
{
    if (chunk > len) chunk = len;
    hid_t sp = H5Screate_simple(1, &len, NULL);
    hid_t pl = chunked(chunk ? chunk : 1);
    hid_t d = H5Dcreate2(o->group, name, ftype, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
    if (d < 0 || (len && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
        o->failed = 1;
    if (d >= 0) H5Dclose(d);
    H5Pclose(pl);
    H5Sclose(sp);
}

int tc_graphstore_create(tc_graphstore_out *o, const char *path, tc_err *err)
{
    int rc = TC_OK;
    memset(o, 0, sizeof *o);
    o->file = o->group = o->dst = -1;
    o->path = tc_xstrdup(path);
    TC_TRY(tc_outfile_begin(&o->out, path, err));
    o->tmp = o->out.tmp;
    o->stage = tc_xmalloc(CHUNK_DST * sizeof *o->stage);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_userblock(fcpl, SEAL_BYTES);
    o->file = H5Fcreate(o->tmp, H5F_ACC_TRUNC, fcpl, fapl);
    H5Pclose(fcpl);
    H5Pclose(fapl);
    if (o->file < 0) TC_FAIL(TC_ERUNTIME, "%s: cannot create the graph store", o->tmp);
    int32_t version = TC_STORE_SCHEMA_VERSION;
    put_attr(o, o->file, "schema_version", H5T_STD_I32LE, &version);
    put_str(o, o->file, "kind", "graph");
    put_str(o, o->file, "producer", "tagcascade " TC_VERSION);
    hid_t gpl = H5Pcreate(H5P_GROUP_CREATE);
    H5Pset_obj_track_times(gpl, 0);
    o->group = H5Gcreate2(o->file, "graph", H5P_DEFAULT, gpl, H5P_DEFAULT);
    H5Pclose(gpl);
    hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    hid_t sp = H5Screate_simple(1, &zero, &unlimited);
    hid_t pl = chunked(CHUNK_DST), apl = H5Pcreate(H5P_DATASET_ACCESS);
    /* no chunk cache: each chunk goes to the file when it is written, so the
     * layout of the file does not depend on when a cache would be flushed */
    H5Pset_chunk_cache(apl, 0, 0, 1.0);
    if (o->group >= 0)
        o->dst = H5Dcreate2(o->group, "dst", H5T_STD_I32LE, sp, H5P_DEFAULT, pl, apl);
    H5Pclose(apl);
    H5Pclose(pl);
    H5Sclose(sp);
    if (o->group < 0 || o->dst < 0 || o->failed)
        TC_FAIL(TC_ERUNTIME, "%s: cannot create the graph store", o->tmp);
cleanup:
    return rc;
}

/* One chunk (or the last, shorter one) at the end of dst. */
static void write_block(tc_graphstore_out *o, const int32_t *data, hsize_t len)
{
    hsize_t start = (hsize_t)o->written, size = start + len;
    if (o->failed || H5Dset_extent(o->dst, &size) < 0) {
        o->failed = 1;
        return;
    }
    hid_t fs = H5Dget_space(o->dst), ms = H5Screate_simple(1, &len, NULL);
    if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &len, NULL) < 0 ||
        H5Dwrite(o->dst, H5T_NATIVE_INT32, ms, fs, H5P_DEFAULT, data) < 0)
        o->failed = 1;
    H5Sclose(ms);
    H5Sclose(fs);
    o->written = (int64_t)size;
}

int tc_graphstore_append(tc_graphstore_out *o, const int32_t *dst, int64_t k, tc_err *err)
{
    while (k > 0) {
        if (o->nstage == 0 && k >= CHUNK_DST) { /* a whole chunk: no copy */
            write_block(o, dst, CHUNK_DST);
            dst += CHUNK_DST;
            k -= CHUNK_DST;
            continue;
        }
        int64_t take = CHUNK_DST - o->nstage < k ? CHUNK_DST - o->nstage : k;
        memcpy(o->stage + o->nstage, dst, (size_t)take * sizeof *dst);
        o->nstage += take;
        dst += take;
        k -= take;
        if (o->nstage == CHUNK_DST) {
            write_block(o, o->stage, CHUNK_DST);
            o->nstage = 0;
        }
    }
    if (o->failed) {
        tc_err_set(err, TC_ERUNTIME, "%s: writing the graph store failed (disk full?)", o->path);
        return TC_ERUNTIME;
    }
    return TC_OK;
}

/* tc_net_hash of the store being written, its entries read back chunk by chunk. */
static uint64_t hash_back(tc_graphstore_out *o, int32_t n, const int64_t *off)
{
    uint64_t h = TC_NET_HASH_INIT;
    int64_t n64 = n, m = o->written;
    h = tc_net_hash_bytes(h, &n64, sizeof n64);
    h = tc_net_hash_bytes(h, &m, sizeof m);
    h = tc_net_hash_bytes(h, off, ((size_t)n + 1) * sizeof *off);
    hid_t fs = H5Dget_space(o->dst);
    for (hsize_t start = 0; start < (hsize_t)m && !o->failed; start += CHUNK_DST) {
        hsize_t len = (hsize_t)m - start < CHUNK_DST ? (hsize_t)m - start : CHUNK_DST;
        hid_t ms = H5Screate_simple(1, &len, NULL);
        if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, NULL, &len, NULL) < 0 ||
            H5Dread(o->dst, H5T_NATIVE_INT32, ms, fs, H5P_DEFAULT, o->stage) < 0)
            o->failed = 1;
        else h = tc_net_hash_bytes(h, o->stage, len * sizeof *o->stage);
        H5Sclose(ms);
    }
    H5Sclose(fs);
    return h;
}

int tc_graphstore_finish(tc_graphstore_out *o, int32_t n, const int64_t *off,
                         int64_t self_loops, int64_t duplicates, const uint64_t *hash,
                         const tc_graphstore_meta *meta, tc_err *err)
{
    int rc = TC_OK;
    if (o->nstage) write_block(o, o->stage, (hsize_t)o->nstage);
    o->nstage = 0;
    if (off[n] != o->written)
        TC_FAIL(TC_ERUNTIME, "%s: the offsets end at %lld but %lld entries were written",
                o->path, (long long)off[n], (long long)o->written);
    put_array(o, "off", H5T_STD_I64LE, H5T_NATIVE_INT64, (hsize_t)n + 1, CHUNK_OFF, off);
    if (meta && meta->ncomm > 0) {
        put_array(o, "community", H5T_STD_U16LE, H5T_NATIVE_UINT16, (hsize_t)n, CHUNK_COMM,
                  meta->comm);
        const char **names = tc_xcalloc((size_t)meta->ncomm, sizeof *names);
        for (int c = 0; c < meta->ncomm; c++) names[c] = meta->comm_names[c];
        hsize_t nc = (hsize_t)meta->ncomm;
        hid_t t = str_type(), sp = H5Screate_simple(1, &nc, NULL);
        hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_obj_track_times(pl, 0);
        hid_t d = H5Dcreate2(o->group, "community_names", t, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
        if (d < 0 || H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0) o->failed = 1;
        if (d >= 0) H5Dclose(d);
        H5Pclose(pl);
        H5Sclose(sp);
        H5Tclose(t);
        free(names);
    }
    uint64_t h = hash ? *hash : hash_back(o, n, off);
    char hex[17];
    snprintf(hex, sizeof hex, "%016" PRIx64, h);
    put_str(o, o->group, "format", "tagcascade graph store");
    int32_t version = TC_GRAPHSTORE_VERSION;
    put_attr(o, o->group, "format_version", H5T_STD_I32LE, &version);
    put_i64(o, o->group, "n", n);
    put_i64(o, o->group, "m", o->written);
    put_i64(o, o->group, "self_loops_dropped", self_loops);
    put_i64(o, o->group, "duplicates_dropped", duplicates);
    put_str(o, o->group, "hash", hex);
    if (meta && meta->source) put_str(o, o->group, "source", meta->source);
    if (meta && meta->source_format) put_str(o, o->group, "source_format", meta->source_format);
    if (meta && meta->direction) put_str(o, o->group, "direction", meta->direction);
    if (o->failed) TC_FAIL(TC_ERUNTIME, "%s: writing the graph store failed (disk full?)", o->path);
    H5Dclose(o->dst);
    H5Gclose(o->group);
    o->dst = o->group = -1;
    herr_t st = H5Fclose(o->file);
    o->file = -1;
    if (st < 0) TC_FAIL(TC_ERUNTIME, "%s: closing the graph store failed (disk full?)", o->path);
    TC_TRY(tc_seal_write(o->tmp, o->path, "graph store", err));
    TC_TRY(tc_outfile_commit(&o->out, err));
    o->done = 1;
cleanup:
    return rc;
}

void tc_graphstore_out_destroy(tc_graphstore_out *o)
{
    if (!o) return;
    if (o->path) { /* a zeroed struct holds hid 0, which is not ours to close */
        if (o->dst >= 0) H5Dclose(o->dst);
        if (o->group >= 0) H5Gclose(o->group);
        if (o->file >= 0) H5Fclose(o->file);
    }
    tc_outfile_destroy(&o->out); /* removes the temporary file unless committed */
    free(o->stage);
    free(o->path);
    memset(o, 0, sizeof *o);
}

int tc_graphstore_write(const char *path, const tc_net *net, const tc_graphstore_meta *meta,
                        tc_err *err)
{
    int rc = TC_OK;
    tc_graphstore_out o;
    uint64_t h = tc_net_hash(net);
    TC_TRY(tc_graphstore_create(&o, path, err));
    TC_TRY(tc_graphstore_append(&o, net->dst, net->m, err));
    TC_TRY(tc_graphstore_finish(&o, net->n, net->off, net->self_loops_dropped,
                                net->duplicates_dropped, &h, meta, err));
cleanup:
    tc_graphstore_out_destroy(&o);
    return rc;
}

/* ------------------------------------------------------------------ reading */

/* Attribute `name` of `loc` as one integer: 1 if read, 0 if absent, -1 if it is
 * not a single integer. */
static int get_i64(hid_t loc, const char *name, int64_t *v)
{
    if (H5Aexists(loc, name) <= 0) return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    int ok = t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_INTEGER &&
             H5Sget_simple_extent_npoints(sp) == 1 && H5Aread(a, H5T_NATIVE_INT64, v) >= 0;
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    H5Aclose(a);
    return ok ? 1 : -1;
}

/* Attribute `name` of `loc` as one text (variable or fixed length) into buf[len]:
 * 1 if read, 0 if absent, -1 if it is not a single text. */
static int get_str(hid_t loc, const char *name, char *buf, size_t len)
{
    if (H5Aexists(loc, name) <= 0) return 0;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a), mt = -1;
    int ok = t >= 0 && sp >= 0 && H5Tget_class(t) == H5T_STRING &&
             H5Sget_simple_extent_npoints(sp) == 1;
    if (ok && H5Tis_variable_str(t) > 0) {
        char *s = NULL;
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        ok = H5Aread(a, mt, &s) >= 0;
        if (ok) snprintf(buf, len, "%s", s ? s : "");
        if (s) H5free_memory(s);
    } else if (ok) {
        size_t size = H5Tget_size(t);
        ok = size > 0 && size < (1 << 20);
        if (ok) {
            char *s = tc_xcalloc(size + 1, 1);
            mt = H5Tcopy(t);
            ok = H5Aread(a, mt, s) >= 0;
            if (ok) snprintf(buf, len, "%s", s);
            free(s);
        }
    }
    if (mt >= 0) H5Tclose(mt);
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    H5Aclose(a);
    return ok ? 1 : -1;
}

static int has_link(hid_t g, const char *name)
{
    return H5Lexists(g, name, H5P_DEFAULT) > 0;
}

/* Open /graph/`name`: a dataset (reached by a hard link, not one into another
 * file) of class `cls`, one-dimensional, of `want` entries (-1: any; the count
 * is returned in *len). */
static int open_1d(hid_t g, const char *path, const char *name, H5T_class_t cls,
                   const char *what, int64_t want, hid_t *d, int64_t *len, tc_err *err)
{
    *d = -1;
    H5L_info_t li;
    if (!has_link(g, name)) {
        tc_err_set(err, TC_EINPUT, "%s: /graph/%s: missing (not a complete graph store)", path,
                   name);
        return TC_EINPUT;
    }
    if (H5Lget_info(g, name, &li, H5P_DEFAULT) < 0 || li.type != H5L_TYPE_HARD ||
        (*d = H5Dopen2(g, name, H5P_DEFAULT)) < 0) {
        tc_err_set(err, TC_EINPUT, "%s: /graph/%s: not a dataset", path, name);
        return TC_EINPUT;
    }
    char full[128];
    snprintf(full, sizeof full, "/graph/%s", name);
    if (tc_h5read_check_layout(*d, path, full, err) != TC_OK) {
        H5Dclose(*d);
        *d = -1;
        return TC_EINPUT;
    }
    hid_t t = H5Dget_type(*d), sp = H5Dget_space(*d);
    hsize_t dim = 0;
    int ok = t >= 0 && sp >= 0 && H5Tget_class(t) == cls &&
             H5Sget_simple_extent_type(sp) == H5S_SIMPLE &&
             H5Sget_simple_extent_ndims(sp) == 1 &&
             H5Sget_simple_extent_dims(sp, &dim, NULL) == 1;
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (!ok || (want >= 0 && dim != (hsize_t)want)) {
        if (want >= 0)
            tc_err_set(err, TC_EINPUT, "%s: /graph/%s: expected a one-dimensional array of "
                       "%lld %s%s", path, name, (long long)want, what,
                       ok ? ", got another length" : "");
        else
            tc_err_set(err, TC_EINPUT, "%s: /graph/%s: expected a one-dimensional array of %s",
                       path, name, what);
        H5Dclose(*d);
        *d = -1;
        return TC_EINPUT;
    }
    if (len) *len = (int64_t)dim;
    return TC_OK;
}

static int read_all(hid_t d, hid_t mtype, void *buf, int64_t len, const char *path,
                    const char *name, tc_err *err)
{
    if (len == 0 || H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) return TC_OK;
    tc_err_set(err, TC_EINPUT, "%s: /graph/%s: cannot be read: damaged data (a checksum or "
               "the decompression failed)", path, name);
    return TC_EINPUT;
}

/* Community names: a 1-D text dataset of 1 to TC_MAX_COMMUNITIES entries. */
static int read_names(hid_t g, const char *path, tc_graphstore_info *info, tc_err *err)
{
    int rc = TC_OK;
    hid_t d = -1, t = -1, mt = -1, sp = -1;
    char **vl = NULL, *fixed = NULL;
    int64_t nc = 0;
    TC_TRY(open_1d(g, path, "community_names", H5T_STRING, "community names", -1, &d, &nc, err));
    if (nc < 1 || nc > TC_MAX_COMMUNITIES)
        TC_FAIL(TC_EINPUT, "%s: /graph/community_names: expected 1 to %d names, got %lld", path,
                TC_MAX_COMMUNITIES, (long long)nc);
    t = H5Dget_type(d);
    sp = H5Dget_space(d);
    info->ncomm = (int)nc;
    info->comm_names = tc_xcalloc((size_t)nc, sizeof *info->comm_names);
    size_t size = H5Tget_size(t);
    int var = H5Tis_variable_str(t) > 0;
    if (var) {
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(t));
        vl = tc_xcalloc((size_t)nc, sizeof *vl);
        TC_TRY(read_all(d, mt, vl, nc, path, "community_names", err));
    } else {
        if (size == 0 || size > 4096)
            TC_FAIL(TC_EINPUT, "%s: /graph/community_names: names of %zu bytes", path, size);
        mt = H5Tcopy(t);
        fixed = tc_xcalloc((size_t)nc, size);
        TC_TRY(read_all(d, mt, fixed, nc, path, "community_names", err));
    }
    for (int64_t c = 0; c < nc; c++) {
        const char *s = var ? vl[c] : fixed + (size_t)c * size;
        size_t len = s ? (var ? strlen(s) : strnlen(s, size)) : 0;
        if (len < 1 || len >= TC_NAME_MAX)
            TC_FAIL(TC_EINPUT, "%s: /graph/community_names: name %lld has %zu bytes; expected 1 "
                    "to %d", path, (long long)c, len, TC_NAME_MAX - 1);
        memcpy(info->comm_names[c], s, len);
        for (int64_t b = 0; b < c; b++)
            if (!strcmp(info->comm_names[b], info->comm_names[c]))
                TC_FAIL(TC_EINPUT, "%s: /graph/community_names: '%s' given twice", path,
                        info->comm_names[c]);
    }
cleanup:
    if (vl) {
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, vl);
        free(vl);
    }
    free(fixed);
    if (mt >= 0) H5Tclose(mt);
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    return rc;
}

static int read_communities(hid_t g, const char *path, int32_t n, tc_graphstore_info *info,
                            tc_err *err)
{
    int rc = TC_OK;
    hid_t d = -1;
    int32_t *c32 = NULL;
    int has_c = has_link(g, "community"), has_names = has_link(g, "community_names");
    if (!has_c && !has_names) return TC_OK;
    if (!has_c) TC_FAIL(TC_EINPUT, "%s: /graph/community: missing (/graph/community_names "
                        "needs it)", path);
    if (!has_names) TC_FAIL(TC_EINPUT, "%s: /graph/community_names: missing (/graph/community "
                            "needs it)", path);
    TC_TRY(read_names(g, path, info, err));
    TC_TRY(open_1d(g, path, "community", H5T_INTEGER, "integers (one per account)", n, &d,
                   NULL, err));
    /* read as int32, so that a negative id is not folded into 0 */
    c32 = tc_xmalloc((size_t)n * sizeof *c32);
    TC_TRY(read_all(d, H5T_NATIVE_INT32, c32, n, path, "community", err));
    info->comm = tc_xmalloc((size_t)n * sizeof *info->comm);
    for (int32_t v = 0; v < n; v++) {
        if (c32[v] < 0 || c32[v] >= info->ncomm)
            TC_FAIL(TC_EINPUT, "%s: /graph/community: account %d is in community %d; expected "
                    "0 to %d (one per name of /graph/community_names)", path, v, c32[v],
                    info->ncomm - 1);
        info->comm[v] = (uint16_t)c32[v];
    }
cleanup:
    free(c32);
    if (d >= 0) H5Dclose(d);
    return rc;
}

int tc_graphstore_read(const char *path, tc_net *net, tc_graphstore_info *info, tc_err *err)
{
    int rc = TC_OK;
    hid_t f = -1, g = -1, d = -1;
    char kind[64] = "";
    memset(net, 0, sizeof *net);
    memset(info, 0, sizeof *info);
    TC_TRY(tc_path_check_input(path, "graph store", err));
    TC_TRY(seal_check(path, err));
    TC_TRY(tc_h5read_trial(path, err));
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        TC_FAIL(TC_EINPUT, "%s: cannot open as HDF5 (not an HDF5 file, or a damaged or cut "
                "short one)", path);
    if (get_str(f, "kind", kind, sizeof kind) != 1 || strcmp(kind, "graph")) {
        if (kind[0])
            TC_FAIL(TC_EINPUT, "%s: a tagcascade '%s' file, not a graph store (make one with "
                    "`tagcascade graph convert` or `graph generate`)", path, kind);
        TC_FAIL(TC_EINPUT, "%s: not a graph store: no root attribute kind = \"graph\" (make one "
                "with `tagcascade graph convert` or `graph generate`)", path);
    }
    H5L_info_t li;
    if (!has_link(f, "graph") || H5Lget_info(f, "graph", &li, H5P_DEFAULT) < 0 ||
        li.type != H5L_TYPE_HARD || (g = H5Gopen2(f, "graph", H5P_DEFAULT)) < 0)
        TC_FAIL(TC_EINPUT, "%s: /graph: missing (not a complete graph store)", path);
    int64_t version = 0, n = 0, m = 0;
    if (get_i64(g, "format_version", &version) != 1 || version != TC_GRAPHSTORE_VERSION)
        TC_FAIL(TC_EINPUT, "%s: /graph: format_version %lld; this program reads %d", path,
                (long long)version, TC_GRAPHSTORE_VERSION);
    if (get_i64(g, "n", &n) != 1 || n < 1 || n > INT32_MAX - 1000000)
        TC_FAIL(TC_EINPUT, "%s: /graph: attribute n: expected the number of accounts, 1 to "
                "%d", path, INT32_MAX - 1000000);
    if (get_i64(g, "m", &m) != 1 || m < 0 || (double)m > (double)n * (double)(n - 1))
        TC_FAIL(TC_EINPUT, "%s: /graph: attribute m: expected the number of audience entries, "
                "0 to n(n-1) = %.0f", path, (double)n * (double)(n - 1));
    int64_t self = 0, dup = 0;
    if (get_i64(g, "self_loops_dropped", &self) < 0 || self < 0 ||
        get_i64(g, "duplicates_dropped", &dup) < 0 || dup < 0)
        TC_FAIL(TC_EINPUT, "%s: /graph: self_loops_dropped and duplicates_dropped must be "
                "counts", path);
    char hex[64] = "";
    int hs = get_str(g, "hash", hex, sizeof hex);
    char *end = NULL;
    if (hs == 1) {
        info->hash = strtoull(hex, &end, 16);
        info->has_hash = 1;
    }
    if (hs < 0 || (hs == 1 && (strlen(hex) != 16 || *end)))
        TC_FAIL(TC_EINPUT, "%s: /graph: attribute hash: expected 16 hex digits", path);
    if (get_str(g, "source", info->source, sizeof info->source) < 0 ||
        get_str(g, "source_format", info->source_format, sizeof info->source_format) < 0 ||
        get_str(g, "direction", info->direction, sizeof info->direction) < 0)
        TC_FAIL(TC_EINPUT, "%s: /graph: source, source_format and direction must be texts",
                path);

    /* the arrays, after the memory check: 12 bytes per account and 4 per entry
     * here, a population and an engine after */
    TC_TRY(tc_graph_check_bytes(12.0 * (double)n + 4.0 * (double)m + 48.0 * (double)n + 64e6,
                                (double)n, (double)m, path, err));
    TC_TRY(open_1d(g, path, "off", H5T_INTEGER, "integers (offsets, n + 1 of them)", n + 1, &d,
                   NULL, err));
    net->n = (int32_t)n;
    net->off = tc_xmalloc(((size_t)n + 1) * sizeof *net->off);
    tc_touch_pages(net->off, ((size_t)n + 1) * sizeof *net->off);
    TC_TRY(read_all(d, H5T_NATIVE_INT64, net->off, n + 1, path, "off", err));
    H5Dclose(d);
    d = -1;
    if (net->off[0] != 0)
        TC_FAIL(TC_EINPUT, "%s: /graph/off: starts at %lld; expected 0", path,
                (long long)net->off[0]);
    for (int64_t u = 0; u < n; u++)
        if (net->off[u + 1] < net->off[u])
            TC_FAIL(TC_EINPUT, "%s: /graph/off: not monotone: off[%lld] = %lld after off[%lld] "
                    "= %lld", path, (long long)u + 1, (long long)net->off[u + 1], (long long)u,
                    (long long)net->off[u]);
    if (net->off[n] != m)
        TC_FAIL(TC_EINPUT, "%s: /graph/off: ends at %lld; expected m = %lld", path,
                (long long)net->off[n], (long long)m);
    TC_TRY(open_1d(g, path, "dst", H5T_INTEGER, "integers (account ids, m of them)", m, &d,
                   NULL, err));
    net->m = m;
    net->dst = tc_xmalloc((size_t)(m ? m : 1) * sizeof *net->dst);
    tc_touch_pages(net->dst, (size_t)m * sizeof *net->dst);
    TC_TRY(read_all(d, H5T_NATIVE_INT32, net->dst, m, path, "dst", err));
    H5Dclose(d);
    d = -1;
    /* the entries checked as they are hashed (tc_net_hash's bytes, in order): the
     * hash is a chain of multiplies, a byte at a time, and the checks run in its
     * shadow */
    uint64_t h = TC_NET_HASH_INIT;
    h = tc_net_hash_bytes(h, &n, sizeof n);
    h = tc_net_hash_bytes(h, &m, sizeof m);
    h = tc_net_hash_bytes(h, net->off, ((size_t)n + 1) * sizeof *net->off);
    for (int32_t u = 0; u < (int32_t)n; u++)
        for (int64_t i = net->off[u]; i < net->off[u + 1]; i++) {
            int32_t v = net->dst[i];
            h = tc_net_hash_bytes(h, &net->dst[i], sizeof *net->dst);
            if (v < 0 || v >= n)
                TC_FAIL(TC_EINPUT, "%s: /graph/dst: entry %lld (audience of account %d) is %d, "
                        "outside the accounts [0, %lld)", path, (long long)i, u, v,
                        (long long)n);
            if (v == u)
                TC_FAIL(TC_EINPUT, "%s: /graph/dst: entry %lld: account %d in its own "
                        "audience (a self-loop)", path, (long long)i, u);
            if (i > net->off[u] && v <= net->dst[i - 1])
                TC_FAIL(TC_EINPUT, "%s: /graph/dst: entry %lld: the audience of account %d is "
                        "not sorted, or repeats %d", path, (long long)i, u, v);
        }
    net->self_loops_dropped = self;
    net->duplicates_dropped = dup;
    if (info->has_hash && h != info->hash)
        TC_FAIL(TC_EINPUT, "%s: /graph: the arrays hash to %016" PRIx64 ", the store says %s: "
                "the file was changed or damaged", path, h, hex);
    info->hash = h;
    net->hash = h;
    net->hashed = 1;
    TC_TRY(read_communities(g, path, (int32_t)n, info, err));
cleanup:
    if (d >= 0) H5Dclose(d);
    if (g >= 0) H5Gclose(g);
    if (f >= 0) H5Fclose(f);
    if (rc) {
        tc_net_destroy(net);
        tc_graphstore_info_destroy(info);
    }
    return rc;
}

void tc_graphstore_info_destroy(tc_graphstore_info *info)
{
    if (!info) return;
    free(info->comm);
    free(info->comm_names);
    memset(info, 0, sizeof *info);
}

/* ------------------------------------------------------------------ info */

int tc_graphstore_print(const char *path, FILE *out, tc_err *err)
{
    int rc = TC_OK;
    tc_net net;
    tc_graphstore_info info;
    int64_t *in = NULL;
    TC_TRY(tc_graphstore_read(path, &net, &info, err));
    /* audience size = followers (in-degree of the follow graph); the number of
     * audiences an account is in = its followees (out-degree) */
    in = tc_xcalloc((size_t)net.n, sizeof *in);
    int32_t max_fr = 0, max_fe = 0;
    for (int32_t u = 0; u < net.n; u++) {
        if (tc_net_degree(&net, u) > tc_net_degree(&net, max_fr)) max_fr = u;
        for (int64_t i = net.off[u]; i < net.off[u + 1]; i++) in[net.dst[i]]++;
    }
    int64_t no_fr = 0, no_fe = 0;
    for (int32_t v = 0; v < net.n; v++) {
        if (in[v] > in[max_fe]) max_fe = v;
        no_fe += in[v] == 0;
        no_fr += tc_net_degree(&net, v) == 0;
    }
    double mean = (double)net.m / net.n;
    fprintf(out, "store:       %s\n", path);
    if (info.source[0] || info.source_format[0])
        fprintf(out, "source:      %s (%s%s%s)\n", info.source,
                info.source_format[0] ? info.source_format : "?",
                info.direction[0] ? ", read as " : "", info.direction);
    fprintf(out, "accounts:    %d\n", net.n);
    fprintf(out, "follows:     %lld (audience entries; %lld self-loops and %lld duplicates "
            "were dropped when it was made)\n", (long long)net.m,
            (long long)net.self_loops_dropped, (long long)net.duplicates_dropped);
    fprintf(out, "followers:   mean %.4g, max %lld (account %d), %lld accounts with none   "
            "[in-degree: audience size]\n", mean, (long long)tc_net_degree(&net, max_fr),
            max_fr, (long long)no_fr);
    fprintf(out, "followees:   mean %.4g, max %lld (account %d), %lld accounts with none   "
            "[out-degree]\n", mean, (long long)in[max_fe], max_fe, (long long)no_fe);
    if (info.ncomm) {
        int64_t *size = tc_xcalloc((size_t)info.ncomm, sizeof *size);
        for (int32_t v = 0; v < net.n; v++) size[info.comm[v]]++;
        fprintf(out, "communities: %d:", info.ncomm);
        for (int c = 0; c < info.ncomm && c < 20; c++)
            fprintf(out, "%s %s (%lld)", c ? "," : "", info.comm_names[c], (long long)size[c]);
        fprintf(out, "%s\n", info.ncomm > 20 ? ", …" : "");
        free(size);
    } else {
        fprintf(out, "communities: none stored (a scenario's graph.communities shares apply; "
                "default: one community 'all')\n");
    }
    fprintf(out, "hash:        %016" PRIx64 "\n", info.hash);
    tc_net_destroy(&net);
    tc_graphstore_info_destroy(&info);
cleanup:
    free(in);
    return rc;
}
