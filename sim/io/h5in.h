/* Reading tagcascade HDF5 files back (for `summary`, `export` and `merge`): open
 * with the seal and a schema check, and small typed readers over the checked
 * layer (base/h5read.h) that fail naming the file and the dataset, checking
 * every shape, class and length before a read. */
#ifndef TC_SIM_H5IN_H
#define TC_SIM_H5IN_H

#include <hdf5.h>
#include <stdint.h>

#include "base/err.h"

/* Open `path` read-only; check schema_version and copy the root `kind` attribute
 * ("run", "observed", …) into kind[n]. TC_EINPUT if not a tagcascade file. */
int tc_h5in_open(const char *path, hid_t *file, char *kind, size_t n, tc_err *err);

/* 1 if the object at `name` exists, else 0. */
int tc_h5in_exists(hid_t file, const char *name);

/* Scalar datasets or attributes (attr_of NULL: dataset `name`; else attribute
 * `name` of object attr_of), scalar or of one element. Missing, of another
 * class, or (strings) longer than n - 1 bytes: TC_EINPUT naming it. */
int tc_h5in_i64(hid_t file, const char *attr_of, const char *name, int64_t *v, tc_err *err);
int tc_h5in_f64(hid_t file, const char *attr_of, const char *name, double *v, tc_err *err);
int tc_h5in_str(hid_t file, const char *attr_of, const char *name, char *buf, size_t n,
                tc_err *err);

/* A whole 1-D dataset converted to the given memory type (H5T_NATIVE_INT32,
 * H5T_NATIVE_INT64, H5T_NATIVE_DOUBLE): *data malloc'd, *n rows. */
int tc_h5in_array(hid_t file, const char *name, hid_t mtype, void **data, int64_t *n,
                  tc_err *err);

/* Longest entry of a string dataset read by tc_h5in_strings. */
#define TC_H5IN_TEXT_MAX (1 << 16)

/* A 1-D string dataset: *strs[*n] malloc'd (free with tc_h5in_free_strings),
 * each entry at most TC_H5IN_TEXT_MAX bytes. */
int tc_h5in_strings(hid_t file, const char *name, char ***strs, int64_t *n, tc_err *err);
void tc_h5in_free_strings(char **strs, int64_t n);

#endif
