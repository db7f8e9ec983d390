/* Typed reads of the datasets the writer produces. */
#include "io/h5in.h"

#include <stdlib.h>
#include <string.h>

#include "base/h5read.h"
#include "base/version.h"

int tc_h5in_open(const char *path, hid_t *file, char *kind, size_t n, tc_err *err)
{
    int rc = TC_OK;
    int64_t version = -1;
    int found = 0;
    /* a regular file, its seal, then HDF5; the root attributes checked for shape
     * and size before they are read (base/h5read.h) */
    tc_h5file hf;
    TC_TRY(tc_h5read_open(&hf, path, "file", err));
    *file = hf.id;
    TC_TRY(tc_h5read_num(&hf, "/", "schema_version", H5T_NATIVE_INT64, &version, &found, err));
    if (!found) TC_FAIL(TC_EINPUT, "%s: not a tagcascade file (no schema_version)", path);
    if (version != TC_SCHEMA_VERSION)
        TC_FAIL(TC_EINPUT, "%s: schema_version %lld; this program reads %d", path,
                (long long)version, TC_SCHEMA_VERSION);
    TC_TRY(tc_h5read_str(&hf, "/", "kind", kind, n, NULL, err));
    if (!strcmp(kind, "graph"))
        TC_FAIL(TC_EINPUT, "%s: a graph store, not the output of a run or sweep "
                "(`tagcascade graph info %s` describes it)", path, path);
cleanup:
    if (rc && *file >= 0) H5Fclose(*file);
    if (rc) *file = -1;
    return rc;
}

int tc_h5in_exists(hid_t file, const char *name)
{
    /* check each prefix: H5Lexists fails on a missing intermediate group */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", name);
    for (char *p = buf + 1; ; p++) {
        char c = *p;
        if (c == '/' || c == '\0') {
            *p = '\0';
            if (H5Lexists(file, buf, H5P_DEFAULT) <= 0) return 0;
            *p = c;
            if (!c) return 1;
        }
    }
}

static int read_scalar(hid_t file, const char *attr_of, const char *name, hid_t mtype, void *v,
                       tc_err *err)
{
    herr_t st = -1;
    if (attr_of) {
        if (H5Aexists_by_name(file, attr_of, name, H5P_DEFAULT) > 0) {
            hid_t a = H5Aopen_by_name(file, attr_of, name, H5P_DEFAULT, H5P_DEFAULT);
            st = H5Aread(a, mtype, v);
            H5Aclose(a);
        }
    } else if (tc_h5in_exists(file, name)) {
        hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
        st = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
        H5Dclose(d);
    }
    if (st < 0) {
        tc_err_set(err, TC_EINPUT, "missing or unreadable %s%s%s", attr_of ? attr_of : "",
                   attr_of ? " attribute " : "", name);
        return TC_EINPUT;
    }
    return TC_OK;
}

int tc_h5in_i64(hid_t file, const char *attr_of, const char *name, int64_t *v, tc_err *err)
{
    return read_scalar(file, attr_of, name, H5T_NATIVE_INT64, v, err);
}

int tc_h5in_f64(hid_t file, const char *attr_of, const char *name, double *v, tc_err *err)
{
    return read_scalar(file, attr_of, name, H5T_NATIVE_DOUBLE, v, err);
}

int tc_h5in_str(hid_t file, const char *attr_of, const char *name, char *buf, size_t n,
                tc_err *err)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char *s = NULL;
    int rc = read_scalar(file, attr_of, name, t, &s, err);
    if (!rc) snprintf(buf, n, "%s", s ? s : "");
    if (s) H5free_memory(s);
    H5Tclose(t);
    return rc;
}

int tc_h5in_array(hid_t file, const char *name, hid_t mtype, void **data, int64_t *n,
                  tc_err *err)
{
    *data = NULL;
    *n = 0;
    if (!tc_h5in_exists(file, name)) {
        tc_err_set(err, TC_EINPUT, "missing dataset %s", name);
        return TC_EINPUT;
    }
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT), sp = H5Dget_space(d);
    hsize_t dim = 0;
    int rank = H5Sget_simple_extent_ndims(sp);
    if (rank == 1) H5Sget_simple_extent_dims(sp, &dim, NULL);
    *data = tc_xmalloc((size_t)(dim ? dim : 1) * H5Tget_size(mtype));
    herr_t st = rank == 1 && dim ? H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, *data) : 0;
    H5Sclose(sp);
    H5Dclose(d);
    if (rank != 1 || st < 0) {
        free(*data);
        *data = NULL;
        tc_err_set(err, TC_EINPUT, "dataset %s: not a readable 1-D array", name);
        return TC_EINPUT;
    }
    *n = (int64_t)dim;
    return TC_OK;
}

int tc_h5in_strings(hid_t file, const char *name, char ***strs, int64_t *n, tc_err *err)
{
    *strs = NULL;
    *n = 0;
    if (!tc_h5in_exists(file, name)) {
        tc_err_set(err, TC_EINPUT, "missing dataset %s", name);
        return TC_EINPUT;
    }
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT), sp = H5Dget_space(d);
    hsize_t dim = 0;
    if (H5Sget_simple_extent_ndims(sp) != 1) { /* a 2-D set would overrun `raw` */
        H5Sclose(sp);
        H5Dclose(d);
        tc_err_set(err, TC_EINPUT, "dataset %s: not a 1-D array of strings", name);
        return TC_EINPUT;
    }
    H5Sget_simple_extent_dims(sp, &dim, NULL);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    char **raw = tc_xcalloc((size_t)dim + 1, sizeof *raw);
    herr_t st = dim ? H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) : 0;
    *strs = tc_xcalloc((size_t)dim + 1, sizeof **strs);
    for (hsize_t i = 0; i < dim; i++) {
        (*strs)[i] = tc_xstrdup(st >= 0 && raw[i] ? raw[i] : "");
        if (st >= 0 && raw[i]) H5free_memory(raw[i]);
    }
    free(raw);
    H5Tclose(t);
    H5Sclose(sp);
    H5Dclose(d);
    *n = (int64_t)dim;
    if (st < 0) {
        tc_err_set(err, TC_EINPUT, "dataset %s: unreadable strings", name);
        return TC_EINPUT;
    }
    return TC_OK;
}

void tc_h5in_free_strings(char **strs, int64_t n)
{
    for (int64_t i = 0; i < n; i++) free(strs[i]);
    free(strs);
}
