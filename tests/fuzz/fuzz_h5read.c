/* Fuzz target: the HDF5 readers (summary, export, merge, store open) on
 * mutated real files.
 *
 * HDF5's own parser trusts a file's metadata; a damaged sealed file never
 * reaches it (the seal is checked first), and a crafted one is read first by a
 * child process under a time limit (tc_h5read_trial, once per input, 1 s here). So a real file
 * written by tagcascade is changed through the HDF5 API, by operations the
 * input describes, then sealed again, and every reader is run on the result:
 *   byte 0      number of operations k = byte % 9 (0: the file as it is)
 *   then        k operations of 4 bytes: [op][object][a][b]
 *               object: an index into the file's datasets and groups (sorted)
 *               op % 10: 0 delete; 1 a 1-D dataset of a entries (b % 3: int32,
 *               int64, double); 2 a 2-D int64 dataset (a % 9) x (b % 9); 3 a
 *               1-D variable-length string dataset of a entries of 4b bytes;
 *               4 fixed-length strings (a entries of b + 1 bytes); 5 a scalar;
 *               6 external storage (a entries read from a side file); 7 an
 *               attribute of the object (name: the b-th of those the readers
 *               use) made an int32 array of a entries; 8 that attribute a text
 *               of 16a bytes; 9 that attribute a scalar double
 *   the rest    the file's bytes (sealed run, observed or sweep files); with
 *               k > 0 and an intact seal the operations apply; otherwise the
 *               bytes are read as they are (the seal check, and for bytes that
 *               pass as an unsealed HDF5 file the trial read, are then the target)
 *   TCFUZZ_SAVE=FILE build-fuzz/fuzz_h5read INPUT   writes that file, sealed afresh
 *   libFuzzer: make fuzz            replay: tests/cli/test_fuzz_regressions.sh */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/h5read.h"
#include "base/seal.h"
#include "drive/sweep.h"
#include "graph/graphstore.h"
#include "io/export.h"
#include "io/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[256], side[256], merged[256];

static void remove_files(void)
{
    unlink(path);
    unlink(side);
    unlink(merged);
}

static void setup(void)
{
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                              access("/dev/shm", W_OK) == 0
                          ? "/dev/shm"
                          : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(path, sizeof path, "%s/tcfuzz-h5-%ld.h5", dir, (long)getpid());
    snprintf(side, sizeof side, "%s/tcfuzz-h5-%ld.bin", dir, (long)getpid());
    snprintf(merged, sizeof merged, "%s/tcfuzz-h5-%ld-merged.h5", dir, (long)getpid());
    FILE *f = fopen(side, "wb");
    for (int i = 0; f && i < 4096; i++) fputc("SIDE-FILE"[i % 9], f);
    if (f) fclose(f);
    tc_lib_errors_off();
    atexit(remove_files);
}

/* The attributes the readers look for, by name. */
static const char *const attr_names[] = {
    "schema_version", "kind", "name", "model", "start", "version", "seed", "threads",
    "graph_n", "graph_m", "bots", "utc_offset_s", "wall_time_s", "interval_s", "dt_s",
    "n_intervals", "states", "source", "files", "malformed_lines", "points", "replicates",
    "columns", "scenario", "n", "m"};
#define NATTR (sizeof attr_names / sizeof attr_names[0])

typedef struct {
    char names[256][128];
    int n;
} objlist;

static herr_t visit(hid_t o, const char *name, const H5O_info_t *info, void *ctx)
{
    (void)o;
    objlist *l = ctx;
    if (l->n < 256 && strlen(name) < 126 && (info->type == H5O_TYPE_DATASET ||
                                             info->type == H5O_TYPE_GROUP)) {
        snprintf(l->names[l->n], sizeof l->names[0], "/%s", name[0] == '.' ? "" : name);
        l->n++;
    }
    return 0;
}

static int cmp_name(const void *a, const void *b) { return strcmp(a, b); }

static void put(hid_t f, const char *name, hid_t type, hid_t space, hid_t dcpl, const void *buf)
{
    H5Ldelete(f, name, H5P_DEFAULT);
    hid_t d = H5Dcreate2(f, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d >= 0 && buf) H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    if (d >= 0) H5Dclose(d);
}

static void apply(hid_t f, const objlist *l, const uint8_t *op)
{
    const char *name = l->names[op[1] % l->n];
    unsigned a = op[2], b = op[3];
    hsize_t dims[2] = {a, b % 9};
    static char text[4096];
    memset(text, 'x', sizeof text);
    text[sizeof text - 1] = '\0';
    if (!strcmp(name, "/") && op[0] % 10 < 7) return; /* the root stays a group */
    switch (op[0] % 10) {
    case 0: H5Ldelete(f, name, H5P_DEFAULT); break;
    case 1: {
        hid_t types[3] = {H5T_NATIVE_INT32, H5T_NATIVE_INT64, H5T_NATIVE_DOUBLE};
        hid_t sp = H5Screate_simple(1, dims, NULL);
        void *buf = calloc(a + 1, 8);
        put(f, name, types[b % 3], sp, H5P_DEFAULT, buf);
        free(buf);
        H5Sclose(sp);
        break;
    }
    case 2: {
        dims[0] = a % 9;
        hid_t sp = H5Screate_simple(2, dims, NULL);
        int64_t buf[81] = {0};
        put(f, name, H5T_NATIVE_INT64, sp, H5P_DEFAULT, buf);
        H5Sclose(sp);
        break;
    }
    case 3:
    case 4: {
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, op[0] % 10 == 3 ? H5T_VARIABLE : b + 1);
        hid_t sp = H5Screate_simple(1, dims, NULL);
        if (op[0] % 10 == 3) {
            const char **v = calloc(a + 1, sizeof *v);
            text[4 * b < sizeof text ? 4 * b : sizeof text - 1] = '\0';
            for (unsigned i = 0; i < a; i++) v[i] = text;
            put(f, name, t, sp, H5P_DEFAULT, v);
            free(v);
        } else {
            char *v = calloc(a + 1, b + 1);
            memset(v, 'y', (size_t)a * (b + 1));
            put(f, name, t, sp, H5P_DEFAULT, v);
            free(v);
        }
        H5Sclose(sp);
        H5Tclose(t);
        break;
    }
    case 5: {
        hid_t sp = H5Screate(H5S_SCALAR);
        double v = a;
        put(f, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, &v);
        H5Sclose(sp);
        break;
    }
    case 6: {
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_external(dcpl, side, 0, (hsize_t)a * 8 + 8);
        hid_t sp = H5Screate_simple(1, dims, NULL);
        put(f, name, H5T_NATIVE_INT64, sp, dcpl, NULL);
        H5Sclose(sp);
        H5Pclose(dcpl);
        break;
    }
    default: { /* an attribute of the object */
        const char *an = attr_names[b % NATTR];
        H5Adelete_by_name(f, name, an, H5P_DEFAULT);
        hid_t sp, t = -1, at;
        if (op[0] % 10 == 7) {
            hsize_t n = a;
            sp = H5Screate_simple(1, &n, NULL);
            int32_t *v = calloc(a + 1, sizeof *v);
            at = H5Acreate_by_name(f, name, an, H5T_NATIVE_INT32, sp, H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT);
            if (at >= 0) H5Awrite(at, H5T_NATIVE_INT32, v), H5Aclose(at);
            free(v);
        } else if (op[0] % 10 == 8) {
            sp = H5Screate(H5S_SCALAR);
            t = H5Tcopy(H5T_C_S1);
            H5Tset_size(t, H5T_VARIABLE);
            const char *v = text + sizeof text - 1 - (16 * a < sizeof text - 1 ? 16 * a : 0);
            at = H5Acreate_by_name(f, name, an, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            if (at >= 0) H5Awrite(at, t, &v), H5Aclose(at);
        } else {
            sp = H5Screate(H5S_SCALAR);
            double v = -1e300 * a;
            at = H5Acreate_by_name(f, name, an, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT);
            if (at >= 0) H5Awrite(at, H5T_NATIVE_DOUBLE, &v), H5Aclose(at);
        }
        if (t >= 0) H5Tclose(t);
        H5Sclose(sp);
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size < 1) return 0;
    size_t k = data[0] % 9, head = 1 + 4 * k;
    if (size < head) return 0;
    FILE *out = fopen(path, "wb");
    if (!out) return 0;
    fwrite(data + head, 1, size - head, out);
    fclose(out);
    tc_err err;
    int sealed = 0;
    if (k && tc_seal_check(path, "file", &sealed, &err) == TC_OK && sealed == 1) {
        hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        if (f >= 0) {
            static objlist l;
            l.n = 0;
            H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, visit, &l);
            qsort(l.names, (size_t)l.n, sizeof l.names[0], cmp_name);
            for (size_t i = 0; i < k && l.n > 0; i++) apply(f, &l, data + 1 + 4 * i);
            H5Fclose(f);
            tc_seal_write(path, path, "run", &err); /* sealed again: the readers get past it */
        }
    }
    /* TCFUZZ_SAVE=FILE keeps the file the trial read gets, sealed afresh (an
     * artifact made a file the commands read past the seal, for
     * tests/cli/test_hostile.sh) */
    const char *save = getenv("TCFUZZ_SAVE");
    if (save) {
        FILE *in = fopen(path, "rb"), *to = fopen(save, "wb");
        char buf[65536];
        size_t n;
        while (in && to && (n = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, n, to);
        if (in) fclose(in);
        if (to) fclose(to);
        tc_seal_write(save, save, "run", &err);
    }
    /* the trial read once, limited to 1 s (a file on which HDF5 loops is refused
     * there), then the readers without theirs: one fork per input, not six */
    setenv("TC_HDF5_TRIAL_SECONDS", "1", 1);
    int trial = tc_h5read_trial(path, &err);
    setenv("TC_HDF5_TRIAL_SECONDS", "0", 1);
    if (trial != TC_OK) {
        unlink(path);
        return 0;
    }
    FILE *null = fopen("/dev/null", "w");
    tc_report_summary(path, null, 50, &err);
    for (int fmt = 0; fmt < 3; fmt++) {
        tc_export_opts eo = {.format = (tc_export_format)fmt};
        tc_export_cascade(path, data[0] & 3, &eo, null, &err);
    }
    fclose(null);
    const char *one[1] = {path};
    tc_sweep_merge(one, 1, merged, "fuzz", &err);
    unlink(merged);
    tc_net net;
    tc_graphstore_info info;
    if (tc_graphstore_read(path, &net, &info, &err) == TC_OK) {
        tc_net_destroy(&net);
        tc_graphstore_info_destroy(&info);
    }
    /* every identifier the readers opened, they closed */
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) abort();
    return 0;
}
