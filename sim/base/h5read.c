/* Checked HDF5 reads: links, layouts, shapes, classes and sizes checked before
 * a byte is read into a buffer; messages name the file and the object. */
#include "base/h5read.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/path.h"
#include "base/seal.h"

#if defined(__SANITIZE_ADDRESS__)
#define TRIAL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRIAL_SANITIZED 1
#endif
#endif
#ifdef TRIAL_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

/* Longest fixed-length string element accepted at all (bounded again by the
 * destination). */
#define STR_ELEM_MAX (1 << 20)

/* ------------------------------------------------------------------ the trial read */

#ifdef TRIAL_SANITIZED
/* Under a sanitizer a report in the child is the trial's answer (HDF5 went
 * wrong on the file), not a finding: the child leaves with a status of its own
 * before any other death callback (a fuzzer's crash dump) runs. */
static void trial_died(void)
{
    syscall(SYS_exit_group, 125);
}
#endif

/* Largest attribute or dataset the trial reads whole; larger ones are left to
 * the checked reads, which bound what they read. */
#define TRIAL_MAX_BYTES ((size_t)256 << 20)

/* Read a value of file type `ft` and dataspace `sp` through its native type,
 * and release what HDF5 allocated for variable-length parts. */
static void trial_value(hid_t obj, int is_attr, hid_t ft, hid_t sp)
{
    hid_t mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    size_t es = mt >= 0 ? H5Tget_size(mt) : 0;
    if (mt >= 0 && np >= 0 && es > 0 && (size_t)np <= TRIAL_MAX_BYTES / es) {
        void *buf = calloc((size_t)np + 1, es);
        herr_t st = !buf ? -1
                    : is_attr ? H5Aread(obj, mt, buf)
                              : H5Dread(obj, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        if (st >= 0 && (H5Tdetect_class(mt, H5T_VLEN) > 0 || H5Tis_variable_str(mt) > 0))
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
        free(buf);
    }
    if (mt >= 0) H5Tclose(mt);
}

static herr_t trial_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
    (void)info, (void)data;
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return 0;
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    if (t >= 0 && sp >= 0) trial_value(a, 1, t, sp);
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return 0;
}

/* Every object: its attributes; a dataset's data when it has variable-length
 * parts (they live in the global heap, where the loop was found). */
static herr_t trial_object(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    (void)data;
    hid_t o = H5Oopen(root, name, H5P_DEFAULT);
    if (o < 0) return 0;
    H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, trial_attr, NULL);
    if (info->type == H5O_TYPE_DATASET) {
        hid_t t = H5Dget_type(o), sp = H5Dget_space(o);
        if (t >= 0 && sp >= 0 && (H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tis_variable_str(t) > 0))
            trial_value(o, 0, t, sp);
        if (sp >= 0) H5Sclose(sp);
        if (t >= 0) H5Tclose(t);
    }
    H5Oclose(o);
    return 0;
}

static int trial_seconds(const char *path)
{
    const char *env = getenv("TC_HDF5_TRIAL_SECONDS");
    char *end;
    long v = env ? strtol(env, &end, 10) : 0;
    if (env && *env && !*end && v >= 0 && v <= 86400) return (int)v; /* 0: no trial */
    struct stat st;
    long long mb = stat(path, &st) == 0 ? (long long)st.st_size >> 20 : 0;
    return 20 + (int)(mb / 50 < 86400 ? mb / 50 : 86400);
}

int tc_h5read_trial(const char *path, tc_err *err)
{
    int limit = trial_seconds(path), st = 0;
    if (limit == 0) return TC_OK;
    fflush(NULL); /* the child must not write the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0) return TC_OK; /* no trial: the checked reads alone */
    if (pid == 0) {
        /* the child: never outlives its parent, never runs the parent's signal
         * handlers or exit handlers (they would remove the parent's outputs) */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGALRM, SIG_DFL);
        /* a fault in HDF5 kills the child by its signal, past any handler a
         * sanitizer or debugger installed: that is the answer, not a report */
        signal(SIGSEGV, SIG_DFL);
        signal(SIGBUS, SIG_DFL);
        signal(SIGFPE, SIG_DFL);
        signal(SIGILL, SIG_DFL);
        signal(SIGABRT, SIG_DFL);
#ifdef TRIAL_SANITIZED
        __sanitizer_set_death_callback(trial_died);
#endif
        /* HDF5's error stack (and any report) on a bad file says nothing the
         * parent's message does not: the child writes nowhere */
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            close(null);
        }
        alarm((unsigned)limit);
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (f >= 0) {
            H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, trial_attr, NULL);
            H5Ovisit(f, H5_INDEX_NAME, H5_ITER_NATIVE, trial_object, NULL);
            H5Fclose(f);
        }
        /* straight to the kernel: not even a sanitizer's exit hooks (a leak
         * scan of the copied heap) run in the child */
        syscall(SYS_exit_group, 0);
        _exit(0);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return TC_OK;
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM) {
        tc_err_set(err, TC_EINPUT, "%s: HDF5 did not get through the file's own structures in "
                   "%d s (crafted or damaged HDF5 metadata); refusing to read it", path, limit);
        return TC_EINPUT;
    }
    if (WIFSIGNALED(st)) {
        tc_err_set(err, TC_EINPUT, "%s: HDF5 failed on the file's own structures (signal %d: "
                   "crafted or damaged HDF5 metadata); refusing to read it", path,
                   WTERMSIG(st));
        return TC_EINPUT;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
        tc_err_set(err, TC_EINPUT, "%s: HDF5 failed on the file's own structures (the trial "
                   "read exited with status %d: crafted or damaged HDF5 metadata); refusing "
                   "to read it", path, WEXITSTATUS(st));
        return TC_EINPUT;
    }
    return TC_OK;
}

/* ------------------------------------------------------------------ files */

int tc_h5read_open(tc_h5file *f, const char *path, const char *noun, tc_err *err)
{
    int rc = TC_OK;
    f->id = -1;
    f->path = path;
    f->sealed = 0;
    TC_TRY(tc_path_check_input(path, noun, err));
    TC_TRY(tc_seal_check(path, noun, &f->sealed, err));
    TC_TRY(tc_h5read_trial(path, err));
    f->id = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f->id < 0)
        TC_FAIL(TC_EINPUT, "%s: cannot open as HDF5 (not an HDF5 file, or a damaged or cut short "
                "one)", path);
cleanup:
    return rc;
}

void tc_h5read_close(tc_h5file *f)
{
    if (f && f->id >= 0) H5Fclose(f->id);
    if (f) f->id = -1;
}

int tc_h5read_exists(const tc_h5file *f, const char *name)
{
    if (!strcmp(name, "/")) return 1;
    size_t len = strlen(name);
    if (len == 0 || len >= 1024 || name[0] != '/') return 0;
    char buf[1024];
    memcpy(buf, name, len + 1);
    /* each prefix in turn: H5Lexists fails on a missing intermediate group, and
     * every link on the way must stay inside the file */
    for (char *p = buf + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0') continue;
        *p = '\0';
        if (H5Lexists(f->id, buf, H5P_DEFAULT) <= 0) return 0;
        H5L_info_t li;
        if (H5Lget_info(f->id, buf, &li, H5P_DEFAULT) < 0) return 0;
        if (li.type != H5L_TYPE_HARD) return -1;
        *p = c;
        if (!c) return 1;
    }
}

static int missing(const tc_h5file *f, const char *what, const char *name, int how, tc_err *err)
{
    if (how < 0)
        tc_err_set(err, TC_EINPUT, "%s: %s: reached through a soft or external link; refusing "
                   "to follow it", f->path, name);
    else
        tc_err_set(err, TC_EINPUT, "%s: missing %s %s", f->path, what, name);
    return TC_EINPUT;
}

/* Shape of a dataspace and type; 0 when unusable (not simple or scalar, rank too high). */
static int shape_of(hid_t sp, hid_t t, tc_h5shape *s)
{
    memset(s, 0, sizeof *s);
    if (sp < 0 || t < 0) return 0;
    H5S_class_t sc = H5Sget_simple_extent_type(sp);
    if (sc != H5S_SIMPLE && sc != H5S_SCALAR) return 0;
    int rank = H5Sget_simple_extent_ndims(sp);
    if (rank < 0 || rank > TC_H5_MAXRANK) return 0;
    hsize_t d[TC_H5_MAXRANK] = {0};
    if (rank > 0 && H5Sget_simple_extent_dims(sp, d, NULL) != rank) return 0;
    s->rank = rank;
    s->count = 1;
    for (int i = 0; i < rank; i++) {
        if (d[i] > (hsize_t)INT64_MAX / 2) return 0;
        s->dim[i] = (int64_t)d[i];
        if (s->dim[i] && s->count > INT64_MAX / s->dim[i]) return 0;
        s->count *= s->dim[i];
    }
    s->cls = H5Tget_class(t);
    s->size = H5Tget_size(t);
    s->varstr = s->cls == H5T_STRING && H5Tis_variable_str(t) > 0;
    return 1;
}

int tc_h5read_check_layout(hid_t d, const char *path, const char *name, tc_err *err)
{
    int rc = TC_OK;
    hid_t dcpl = H5Dget_create_plist(d);
    if (dcpl < 0) TC_FAIL(TC_EINPUT, "%s: %s: cannot be examined (damaged?)", path, name);
    if (H5Pget_external_count(dcpl) != 0)
        TC_FAIL(TC_EINPUT, "%s: %s: its data is stored in other files (external storage); "
                "refusing to read them", path, name);
    if (H5Pget_layout(dcpl) == H5D_VIRTUAL)
        TC_FAIL(TC_EINPUT, "%s: %s: a virtual dataset (its data is in other files); refusing "
                "to read it", path, name);
cleanup:
    if (dcpl >= 0) H5Pclose(dcpl);
    return rc;
}

int tc_h5read_dataset(const tc_h5file *f, const char *name, hid_t *d, tc_h5shape *shape,
                      tc_err *err)
{
    int rc = TC_OK;
    hid_t sp = -1, t = -1;
    *d = -1;
    int how = tc_h5read_exists(f, name);
    if (how != 1) return missing(f, "dataset", name, how, err);
    H5O_info_t oi;
    if (H5Oget_info_by_name(f->id, name, &oi, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET)
        TC_FAIL(TC_EINPUT, "%s: %s: not a dataset", f->path, name);
    *d = H5Dopen2(f->id, name, H5P_DEFAULT);
    if (*d < 0) TC_FAIL(TC_EINPUT, "%s: %s: cannot be opened (damaged?)", f->path, name);
    TC_TRY(tc_h5read_check_layout(*d, f->path, name, err));
    sp = H5Dget_space(*d);
    t = H5Dget_type(*d);
    tc_h5shape s;
    if (!shape_of(sp, t, &s))
        TC_FAIL(TC_EINPUT, "%s: %s: expected an array of at most %d dimensions", f->path, name,
                TC_H5_MAXRANK);
    if (shape) *shape = s;
cleanup:
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (rc && *d >= 0) {
        H5Dclose(*d);
        *d = -1;
    }
    return rc;
}

/* Can numbers of class `have` be read into the memory type `mtype`? */
static int numeric_ok(H5T_class_t have, hid_t mtype)
{
    H5T_class_t want = H5Tget_class(mtype);
    if (have == H5T_INTEGER) return want == H5T_INTEGER || want == H5T_FLOAT;
    return have == H5T_FLOAT && want == H5T_FLOAT;
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_INTEGER: return "integers";
    case H5T_FLOAT: return "floating-point numbers";
    case H5T_STRING: return "strings";
    case H5T_COMPOUND: return "compound records";
    case H5T_ENUM: return "enumerated values";
    default: return "values of another type";
    }
}

/* A value that does not fit the memory type is an error, not a clamp. */
static H5T_conv_ret_t refuse_overflow(H5T_conv_except_t except, hid_t src, hid_t dst,
                                      void *s, void *dbuf, void *user)
{
    (void)src; (void)dst; (void)s; (void)dbuf;
    if (except == H5T_CONV_EXCEPT_RANGE_HI || except == H5T_CONV_EXCEPT_RANGE_LOW ||
        except == H5T_CONV_EXCEPT_NAN) {
        *(int *)user = 1;
        return H5T_CONV_ABORT;
    }
    return H5T_CONV_UNHANDLED;
}

static int read_checked(const tc_h5file *f, const char *name, hid_t mtype, int rank,
                        const int64_t *want, int64_t max_count, void **data, void *into,
                        int64_t *dims, tc_err *err)
{
    int rc = TC_OK;
    hid_t d = -1, dxpl = -1, enum_mt = -1;
    tc_h5shape s;
    TC_TRY(tc_h5read_dataset(f, name, &d, &s, err));
    if (s.cls == H5T_ENUM && H5Tget_class(mtype) == H5T_INTEGER) {
        /* an enumeration read as its codes: through the file type's native
         * form, whose base must be the integer asked for */
        hid_t ft = H5Dget_type(d), base = ft >= 0 ? H5Tget_super(ft) : -1;
        int same = base >= 0 && H5Tget_size(base) == H5Tget_size(mtype) &&
                   H5Tget_sign(base) == H5Tget_sign(mtype);
        if (same) enum_mt = H5Tget_native_type(ft, H5T_DIR_DEFAULT);
        if (base >= 0) H5Tclose(base);
        if (ft >= 0) H5Tclose(ft);
        if (enum_mt < 0)
            TC_FAIL(TC_EINPUT, "%s: %s: expected %s, got enumerated values of another size",
                    f->path, name, class_name(H5T_INTEGER));
    } else if (!numeric_ok(s.cls, mtype))
        TC_FAIL(TC_EINPUT, "%s: %s: expected %s, got %s", f->path, name,
                class_name(H5Tget_class(mtype)), class_name(s.cls));
    if (s.rank != rank)
        TC_FAIL(TC_EINPUT, "%s: %s: expected an array of %d dimension%s, got %d", f->path, name,
                rank, rank == 1 ? "" : "s", s.rank);
    for (int i = 0; i < rank; i++)
        if (want && want[i] >= 0 && s.dim[i] != want[i])
            TC_FAIL(TC_EINPUT, "%s: %s: dimension %d has %lld entries; expected %lld", f->path,
                    name, i + 1, (long long)s.dim[i], (long long)want[i]);
    if (max_count >= 0 && s.count > max_count)
        TC_FAIL(TC_EINPUT, "%s: %s: %lld entries; expected at most %lld", f->path, name,
                (long long)s.count, (long long)max_count);
    size_t esize = H5Tget_size(mtype);
    if (data) {
        char what[1200];
        snprintf(what, sizeof what, "%s: %s", f->path, name);
        TC_TRY(tc_mem_check((double)s.count * (double)esize, what, err));
        *data = tc_xmalloc(s.count ? (size_t)s.count * esize : 1);
        into = *data;
    }
    if (dims)
        for (int i = 0; i < rank; i++) dims[i] = s.dim[i];
    int overflow = 0;
    dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_type_conv_cb(dxpl, refuse_overflow, &overflow);
    if (s.count > 0 && H5Dread(d, enum_mt >= 0 ? enum_mt : mtype, H5S_ALL, H5S_ALL, dxpl, into) < 0) {
        if (overflow)
            TC_FAIL(TC_EINPUT, "%s: %s: holds a value outside the range expected", f->path, name);
        TC_FAIL(TC_EINPUT, "%s: %s: cannot be read: damaged data (a checksum or the "
                "decompression failed)", f->path, name);
    }
cleanup:
    if (enum_mt >= 0) H5Tclose(enum_mt);
    if (dxpl >= 0) H5Pclose(dxpl);
    if (d >= 0) H5Dclose(d);
    if (rc && data) {
        free(*data);
        *data = NULL;
    }
    return rc;
}

int tc_h5read_array(const tc_h5file *f, const char *name, hid_t mtype, int rank,
                    const int64_t *want, int64_t max_count, void **data, int64_t *dims,
                    tc_err *err)
{
    *data = NULL;
    return read_checked(f, name, mtype, rank, want, max_count, data, NULL, dims, err);
}

int tc_h5read_into(const tc_h5file *f, const char *name, hid_t mtype, int rank,
                   const int64_t *want, void *buf, tc_err *err)
{
    for (int i = 0; i < rank; i++)
        if (want[i] < 0) {
            tc_err_set(err, TC_ERUNTIME, "%s: %s: no dimensions given for the read", f->path,
                       name);
            return TC_ERUNTIME;
        }
    return read_checked(f, name, mtype, rank, want, -1, NULL, buf, NULL, err);
}

/* Open the attribute `name` of `attr_of` (or the dataset `name`), with its
 * shape; *a < 0 and TC_OK when missing and `found` is given. *is_attr says
 * which was opened. */
static int open_value(const tc_h5file *f, const char *attr_of, const char *name, hid_t *a,
                      int *is_attr, tc_h5shape *s, int *found, tc_err *err)
{
    int rc = TC_OK;
    hid_t sp = -1, t = -1;
    *a = -1;
    *is_attr = attr_of != NULL;
    if (found) *found = 0;
    if (attr_of) {
        int how = tc_h5read_exists(f, attr_of);
        if (how < 0) return missing(f, "object", attr_of, how, err);
        if (how == 0 || H5Aexists_by_name(f->id, attr_of, name, H5P_DEFAULT) <= 0) {
            if (found) return TC_OK;
            TC_FAIL(TC_EINPUT, "%s: missing attribute %s of %s", f->path, name, attr_of);
        }
        *a = H5Aopen_by_name(f->id, attr_of, name, H5P_DEFAULT, H5P_DEFAULT);
        if (*a < 0) TC_FAIL(TC_EINPUT, "%s: attribute %s of %s: cannot be opened", f->path,
                            name, attr_of);
        sp = H5Aget_space(*a);
        t = H5Aget_type(*a);
        if (!shape_of(sp, t, s))
            TC_FAIL(TC_EINPUT, "%s: attribute %s of %s: expected a single value", f->path, name,
                    attr_of);
    } else {
        int how = tc_h5read_exists(f, name);
        if (how == 0 && found) return TC_OK;
        TC_TRY(tc_h5read_dataset(f, name, a, s, err));
    }
    if (found) *found = 1;
cleanup:
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (rc && *a >= 0) {
        if (*is_attr) H5Aclose(*a);
        else H5Dclose(*a);
        *a = -1;
    }
    return rc;
}

static void close_value(hid_t a, int is_attr)
{
    if (a < 0) return;
    if (is_attr) H5Aclose(a);
    else H5Dclose(a);
}

/* "attribute X of Y" or "X", for messages */
static void value_name(char *buf, size_t n, const char *attr_of, const char *name)
{
    if (attr_of) snprintf(buf, n, "attribute %s of %s", name, attr_of);
    else snprintf(buf, n, "%s", name);
}

int tc_h5read_num(const tc_h5file *f, const char *attr_of, const char *name, hid_t mtype,
                  void *v, int *found, tc_err *err)
{
    int rc = TC_OK, is_attr = 0;
    hid_t a = -1, dxpl = -1;
    tc_h5shape s;
    char what[1100];
    value_name(what, sizeof what, attr_of, name);
    TC_TRY(open_value(f, attr_of, name, &a, &is_attr, &s, found, err));
    if (a < 0) goto cleanup; /* missing, and the caller asked to be told */
    if (!numeric_ok(s.cls, mtype) || s.count != 1)
        TC_FAIL(TC_EINPUT, "%s: %s: expected one of %s, got %lld %s", f->path, what,
                class_name(H5Tget_class(mtype)), (long long)s.count, class_name(s.cls));
    int overflow = 0;
    /* read in the file's own type (native form), then convert with the overflow
     * check: attributes take no transfer list, so both go the same way */
    unsigned char raw[32] = {0};
    hid_t ft = is_attr ? H5Aget_type(a) : H5Dget_type(a);
    hid_t nt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : -1;
    herr_t st = -1;
    if (nt >= 0 && H5Tget_size(nt) <= sizeof raw && H5Tget_size(mtype) <= sizeof raw)
        st = is_attr ? H5Aread(a, nt, raw) : H5Dread(a, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw);
    dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_type_conv_cb(dxpl, refuse_overflow, &overflow);
    if (st >= 0) st = H5Tconvert(nt, mtype, 1, raw, NULL, dxpl);
    if (st >= 0) memcpy(v, raw, H5Tget_size(mtype));
    if (nt >= 0) H5Tclose(nt);
    if (ft >= 0) H5Tclose(ft);
    if (st < 0)
        TC_FAIL(TC_EINPUT, "%s: %s: %s", f->path, what,
                overflow ? "outside the range expected" : "cannot be read (damaged?)");
cleanup:
    if (dxpl >= 0) H5Pclose(dxpl);
    close_value(a, is_attr);
    return rc;
}

/* One string of at most max bytes into *out (malloc'd, NUL-terminated; NULL
 * when missing and `found` is given). */
static int read_text(const tc_h5file *f, const char *attr_of, const char *name, size_t max,
                     char **out, int *found, tc_err *err)
{
    int rc = TC_OK, is_attr = 0;
    hid_t a = -1, ft = -1, mt = -1;
    char *vs = NULL, *text = NULL;
    tc_h5shape s;
    char what[1100];
    value_name(what, sizeof what, attr_of, name);
    *out = NULL;
    TC_TRY(open_value(f, attr_of, name, &a, &is_attr, &s, found, err));
    if (a < 0) goto cleanup;
    if (s.cls != H5T_STRING || s.count != 1)
        TC_FAIL(TC_EINPUT, "%s: %s: expected one string, got %lld %s", f->path, what,
                (long long)s.count, class_name(s.cls));
    ft = is_attr ? H5Aget_type(a) : H5Dget_type(a);
    herr_t st;
    size_t len;
    if (s.varstr) {
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        st = is_attr ? H5Aread(a, mt, &vs) : H5Dread(a, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &vs);
        if (st < 0) TC_FAIL(TC_EINPUT, "%s: %s: cannot be read (damaged?)", f->path, what);
        len = vs ? strlen(vs) : 0;
        if (len > max)
            TC_FAIL(TC_EINPUT, "%s: %s: a text of %zu bytes; expected at most %zu", f->path, what,
                    len, max);
        text = tc_xmalloc(len + 1);
        memcpy(text, vs ? vs : "", len + 1);
    } else {
        if (s.size == 0 || s.size > STR_ELEM_MAX)
            TC_FAIL(TC_EINPUT, "%s: %s: a text of %zu bytes; expected at most %zu", f->path, what,
                    s.size, max);
        mt = H5Tcopy(ft);
        text = tc_xcalloc(s.size + 1, 1);
        st = is_attr ? H5Aread(a, mt, text) : H5Dread(a, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, text);
        if (st < 0) TC_FAIL(TC_EINPUT, "%s: %s: cannot be read (damaged?)", f->path, what);
        len = strnlen(text, s.size);
        if (len > max)
            TC_FAIL(TC_EINPUT, "%s: %s: a text of %zu bytes; expected at most %zu", f->path, what,
                    len, max);
        text[len] = '\0';
    }
    *out = text;
    text = NULL;
cleanup:
    if (vs) H5free_memory(vs);
    free(text);
    if (mt >= 0) H5Tclose(mt);
    if (ft >= 0) H5Tclose(ft);
    close_value(a, is_attr);
    return rc;
}

int tc_h5read_str(const tc_h5file *f, const char *attr_of, const char *name, char *buf,
                  size_t n, int *found, tc_err *err)
{
    char *text = NULL;
    if (n) buf[0] = '\0';
    int rc = read_text(f, attr_of, name, n ? n - 1 : 0, &text, found, err);
    if (rc == TC_OK && text) memcpy(buf, text, strlen(text) + 1);
    free(text);
    return rc;
}

int tc_h5read_text(const tc_h5file *f, const char *attr_of, const char *name, size_t max,
                   char **text, int *found, tc_err *err)
{
    return read_text(f, attr_of, name, max, text, found, err);
}

int tc_h5read_strings(const tc_h5file *f, const char *name, int64_t max_count, size_t maxlen,
                      char ***strs, int64_t *n, tc_err *err)
{
    int rc = TC_OK;
    hid_t d = -1, ft = -1, mt = -1, sp = -1;
    char **raw = NULL, *fixed = NULL;
    tc_h5shape s;
    *strs = NULL;
    *n = 0;
    TC_TRY(tc_h5read_dataset(f, name, &d, &s, err));
    if (s.cls != H5T_STRING || s.rank != 1)
        TC_FAIL(TC_EINPUT, "%s: %s: expected a one-dimensional array of strings", f->path, name);
    if (max_count >= 0 && s.count > max_count)
        TC_FAIL(TC_EINPUT, "%s: %s: %lld strings; expected at most %lld", f->path, name,
                (long long)s.count, (long long)max_count);
    char what[1100];
    snprintf(what, sizeof what, "%s: %s", f->path, name);
    /* pointers and copies; variable-length texts are counted at a typical 32 bytes
     * (their lengths are known only once read; each is bounded by maxlen then) */
    TC_TRY(tc_mem_check((double)s.count * (s.varstr ? 16.0 + 2 * 32.0 : 16.0 + 2.0 * (double)s.size),
                        what, err));
    ft = H5Dget_type(d);
    sp = H5Dget_space(d);
    *strs = tc_xcalloc((size_t)s.count + 1, sizeof **strs);
    if (s.varstr) {
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        raw = tc_xcalloc((size_t)s.count + 1, sizeof *raw);
        if (s.count && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0)
            TC_FAIL(TC_EINPUT, "%s: %s: unreadable strings (damaged?)", f->path, name);
    } else {
        if (s.size == 0 || s.size > STR_ELEM_MAX)
            TC_FAIL(TC_EINPUT, "%s: %s: strings of %zu bytes; expected at most %zu", f->path,
                    name, s.size, maxlen);
        mt = H5Tcopy(ft);
        fixed = tc_xcalloc((size_t)s.count + 1, s.size);
        if (s.count && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed) < 0)
            TC_FAIL(TC_EINPUT, "%s: %s: unreadable strings (damaged?)", f->path, name);
    }
    for (int64_t i = 0; i < s.count; i++) {
        const char *x = s.varstr ? raw[i] : fixed + (size_t)i * s.size;
        size_t len = x ? (s.varstr ? strlen(x) : strnlen(x, s.size)) : 0;
        if (len > maxlen)
            TC_FAIL(TC_EINPUT, "%s: %s: entry %lld is a text of %zu bytes; expected at most %zu",
                    f->path, name, (long long)i, len, maxlen);
        (*strs)[i] = tc_xmalloc(len + 1);
        memcpy((*strs)[i], x ? x : "", len);
        (*strs)[i][len] = '\0';
        *n = i + 1;
    }
cleanup:
    if (raw) {
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, raw);
        free(raw);
    }
    free(fixed);
    if (mt >= 0) H5Tclose(mt);
    if (ft >= 0) H5Tclose(ft);
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    if (rc) {
        tc_h5read_free_strings(*strs, *n);
        *strs = NULL;
        *n = 0;
    }
    return rc;
}

void tc_h5read_free_strings(char **strs, int64_t n)
{
    if (!strs) return;
    for (int64_t i = 0; i < n; i++) free(strs[i]);
    free(strs);
}
