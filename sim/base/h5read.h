/* The checked HDF5 reading layer that every reader goes through (graph stores,
 * run, sweep, shard and observed files): before any read, the shape, type
 * class and size of a dataset or attribute are checked against where it goes;
 * objects are reached through hard links only (no external links), datasets
 * with external storage or a virtual layout are refused (they would read other
 * files), strings are bounded, large reads pass the memory check, and every
 * message names the file and the object. Every hid_t it opens it closes. */
#ifndef TC_SIM_H5READ_H
#define TC_SIM_H5READ_H

#include <hdf5.h>
#include <stdint.h>

#include "base/err.h"

#define TC_H5_MAXRANK 4

/* A file open for checked reads. */
typedef struct tc_h5file {
    hid_t id;
    const char *path;  /* borrowed: for messages */
    int sealed;        /* 1: its seal was checked (base/seal.h) */
} tc_h5file;

/* Open `path` read-only: a regular file (not a FIFO, a device or a folder),
 * its seal checked when it has one, its HDF5 structures read once by a trial
 * (tc_h5read_trial), then HDF5. `noun` names what is expected in messages
 * ("store", "file"). TC_EINPUT naming the path otherwise. */
int tc_h5read_open(tc_h5file *f, const char *path, const char *noun, tc_err *err);

/* HDF5 trusts a file's metadata, and a crafted structure can make it loop or
 * crash before any check of ours sees a byte (HDF5 1.10 loops in H5HG_read on a
 * crafted global heap); a seal proves only that the file is whole, not who made
 * it. So a child process first opens `path` and reads every attribute and every
 * variable-length dataset, under a time limit of 20 s plus 1 s per 50 MB
 * (TC_HDF5_TRIAL_SECONDS overrides it; 0 turns the trial off, for files one
 * trusts). TC_EINPUT naming the file when the child
 * runs out of time or is killed by a signal; TC_OK otherwise, also when HDF5
 * cannot open the file (the caller's open then says so). O(metadata and
 * variable-length data), in a copy of the process that writes nothing. */
int tc_h5read_trial(const char *path, tc_err *err);
void tc_h5read_close(tc_h5file *f);

/* 1 when the object `name` (an absolute path) exists and every link on the way
 * is a hard link inside the file; 0 when it is missing; -1 when a link on the
 * way is soft or external (not followed). */
int tc_h5read_exists(const tc_h5file *f, const char *name);

/* The shape of a dataset: rank (0 for a scalar), dimensions, element count,
 * type class and size, and whether it is a variable-length string. */
typedef struct tc_h5shape {
    int rank;
    int64_t dim[TC_H5_MAXRANK];
    int64_t count;
    H5T_class_t cls;
    size_t size;
    int varstr;
} tc_h5shape;

/* Open dataset `name` after the checks above: hard links only, no external
 * storage, no virtual layout, a simple or scalar dataspace of rank at most
 * TC_H5_MAXRANK. *d must be closed by the caller (H5Dclose). */
int tc_h5read_dataset(const tc_h5file *f, const char *name, hid_t *d, tc_h5shape *shape,
                      tc_err *err);

/* TC_OK when the open dataset `d` keeps its data in the file itself; TC_EINPUT
 * naming `path` and `name` for external storage or a virtual layout. For
 * readers that open datasets themselves (relative to a group). */
int tc_h5read_check_layout(hid_t d, const char *path, const char *name, tc_err *err);

/* A whole numeric dataset of rank `rank` read into a malloc'd array of the
 * memory type `mtype` (H5T_NATIVE_INT32, _INT64, _UINT8, _DOUBLE, ...). `want`
 * (NULL: any) gives the expected dimensions, -1 for any; the element count is
 * at most `max_count` and passes the memory check. The file's type class must
 * be the memory type's (integers may be read as floating point). *data gets
 * at least one byte even for an empty dataset; dims (may be NULL) gets the
 * dimensions. TC_EINPUT naming file and dataset otherwise. */
int tc_h5read_array(const tc_h5file *f, const char *name, hid_t mtype, int rank,
                    const int64_t *want, int64_t max_count, void **data, int64_t *dims,
                    tc_err *err);

/* The same into a buffer of the caller's, of exactly the dimensions `want`
 * (rank entries, none -1). */
int tc_h5read_into(const tc_h5file *f, const char *name, hid_t mtype, int rank,
                   const int64_t *want, void *buf, tc_err *err);

/* One number: a dataset (attr_of NULL) or the attribute `name` of the object
 * `attr_of`, scalar or of one element, of a numeric class compatible with
 * `mtype` (as tc_h5read_array). *found (may be NULL) is 0 and TC_OK returned
 * for a missing one when found is given; without it, missing is an error. */
int tc_h5read_num(const tc_h5file *f, const char *attr_of, const char *name, hid_t mtype,
                  void *v, int *found, tc_err *err);

/* One string (fixed or variable length, scalar or of one element), into
 * buf[n]: longer than n - 1 bytes is an error, not a cut. Missing as for
 * tc_h5read_num. */
int tc_h5read_str(const tc_h5file *f, const char *attr_of, const char *name, char *buf,
                  size_t n, int *found, tc_err *err);

/* The same of any length up to `max` bytes, into *text (malloc'd; NULL when
 * missing and `found` is given). */
int tc_h5read_text(const tc_h5file *f, const char *attr_of, const char *name, size_t max,
                   char **text, int *found, tc_err *err);

/* A 1-D string dataset of at most max_count entries of at most maxlen bytes
 * each: *strs[*n] malloc'd, free with tc_h5read_free_strings. */
int tc_h5read_strings(const tc_h5file *f, const char *name, int64_t max_count, size_t maxlen,
                      char ***strs, int64_t *n, tc_err *err);
void tc_h5read_free_strings(char **strs, int64_t n);

#endif
