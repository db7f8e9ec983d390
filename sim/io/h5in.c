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
    if (version < TC_SCHEMA_OLDEST || version > TC_SCHEMA_VERSION)
        TC_FAIL(TC_EINPUT, "%s: schema_version %lld; this program reads %d to %d", path,
                (long long)version, TC_SCHEMA_OLDEST, TC_SCHEMA_VERSION);
    TC_TRY(tc_h5read_str(&hf, "/", "kind", kind, n, NULL, err));
    if (!strcmp(kind, "graph"))
        TC_FAIL(TC_EINPUT, "%s: a graph store, not the output of a run or sweep "
                "(`tagcascade graph info %s` describes it)", path, path);
cleanup:
    if (rc && *file >= 0) H5Fclose(*file);
    if (rc) *file = -1;
    return rc;
}

/* The checked layer's view of an open file: its name for messages. */
static tc_h5file view(hid_t file, char *name, size_t n)
{
    if (H5Fget_name(file, name, n) < 0) snprintf(name, n, "?");
    return (tc_h5file){.id = file, .path = name};
}

int tc_h5in_exists(hid_t file, const char *name)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    return tc_h5read_exists(&f, name) == 1;
}

int tc_h5in_i64(hid_t file, const char *attr_of, const char *name, int64_t *v, tc_err *err)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    return tc_h5read_num(&f, attr_of, name, H5T_NATIVE_INT64, v, NULL, err);
}

int tc_h5in_f64(hid_t file, const char *attr_of, const char *name, double *v, tc_err *err)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    return tc_h5read_num(&f, attr_of, name, H5T_NATIVE_DOUBLE, v, NULL, err);
}

int tc_h5in_str(hid_t file, const char *attr_of, const char *name, char *buf, size_t n,
                tc_err *err)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    return tc_h5read_str(&f, attr_of, name, buf, n, NULL, err);
}

int tc_h5in_array(hid_t file, const char *name, hid_t mtype, void **data, int64_t *n,
                  tc_err *err)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    *n = 0;
    return tc_h5read_array(&f, name, mtype, 1, NULL, -1, data, n, err);
}

int tc_h5in_strings(hid_t file, const char *name, char ***strs, int64_t *n, tc_err *err)
{
    char path[1024];
    tc_h5file f = view(file, path, sizeof path);
    return tc_h5read_strings(&f, name, -1, TC_H5IN_TEXT_MAX, strs, n, err);
}

void tc_h5in_free_strings(char **strs, int64_t n)
{
    tc_h5read_free_strings(strs, n);
}
