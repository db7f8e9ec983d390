/* The checked HDF5 reading layer on hostile files it makes itself: external
 * storage, virtual datasets, external and soft links refused; shapes, classes,
 * lengths and ranges checked against the destination; a FIFO refused at once;
 * a sealed file with a changed byte refused before HDF5 parses it. Every
 * identifier opened is closed. */
#include <fcntl.h>
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
#include "tc_test.h"

static char dir[256];

static const char *at(const char *name)
{
    static char buf[8][400];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put_i64(hid_t loc, const char *name, int rank, const hsize_t *dims, const int64_t *v)
{
    hid_t sp = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Sclose(sp);
}

static void put_attr_str(hid_t loc, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &v);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

static void put_attr_i32s(hid_t loc, const char *name, int n, int32_t v)
{
    hsize_t dim = (hsize_t)n;
    int32_t *x = calloc((size_t)n, sizeof *x);
    for (int i = 0; i < n; i++) x[i] = v;
    hid_t sp = H5Screate_simple(1, &dim, NULL);
    hid_t a = H5Acreate2(loc, name, H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT32, x);
    H5Aclose(a);
    H5Sclose(sp);
    free(x);
}

/* A file holding every kind of trap, next to a secret it must never read. */
static void make_hostile(const char *path)
{
    FILE *s = fopen(at("secret.bin"), "wb");
    fputs("SECRET-BYTES-SECRET-BYTES-SECRET", s);
    fclose(s);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t four = 4, two[2] = {2, 3}, big = 5000;
    int64_t v[6] = {1, 2, 3, 4, 5, 6};
    put_i64(f, "good", 1, &four, v);
    put_i64(f, "matrix", 2, two, v);
    int64_t one = (int64_t)1 << 40;
    put_i64(f, "huge_value", 0, NULL, &one);
    double dv = 2.5;
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t d = H5Dcreate2(f, "real", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &dv);
    H5Dclose(d);
    H5Sclose(sp);
    /* external storage: the data are the bytes of secret.bin */
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(dcpl, at("secret.bin"), 0, 32);
    sp = H5Screate_simple(1, &four, NULL);
    d = H5Dcreate2(f, "external", H5T_STD_I64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(sp);
    H5Pclose(dcpl);
    /* a virtual dataset mapping another file's dataset */
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t vsp = H5Screate_simple(1, &four, NULL), ssp = H5Screate_simple(1, &four, NULL);
    H5Pset_virtual(dcpl, vsp, at("other.h5"), "/good", ssp);
    d = H5Dcreate2(f, "virtual", H5T_STD_I64LE, vsp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(vsp);
    H5Sclose(ssp);
    H5Pclose(dcpl);
    H5Lcreate_external(at("other.h5"), "/good", f, "elink", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_soft("/good", f, "slink", H5P_DEFAULT, H5P_DEFAULT);
    /* a long 1-D array where a short one is expected, and 5000 entries */
    int64_t *w = calloc(5000, sizeof *w);
    put_i64(f, "long", 1, &big, w);
    free(w);
    put_attr_str(f, "kind", "run");
    char longtext[3000];
    memset(longtext, 'x', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = '\0';
    put_attr_str(f, "long_text", longtext);
    put_attr_i32s(f, "scalar_as_array", 4000, 2);
    put_attr_i32s(f, "one_element", 1, 7);
    H5Fclose(f);
    /* other.h5, the target of the links */
    f = H5Fcreate(at("other.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    put_i64(f, "good", 1, &four, v);
    H5Fclose(f);
}

static int has(const tc_err *e, const char *needle)
{
    return strstr(e->msg, needle) != NULL;
}

int main(void)
{
    tc_lib_errors_off();
    snprintf(dir, sizeof dir, "/tmp/tc_h5read_%ld", (long)getpid());
    mkdir(dir, 0700);
    make_hostile(at("h.h5"));
    tc_err err = {0};
    tc_h5file f;
    CHECK(tc_h5read_open(&f, at("h.h5"), "file", &err) == 0, "%s", err.msg);

    int64_t *data = NULL, dims[2];
    CHECK(tc_h5read_array(&f, "/good", H5T_NATIVE_INT64, 1, (int64_t[]){4}, -1, (void **)&data,
                          dims, &err) == 0 && data && data[3] == 4 && dims[0] == 4, "%s", err.msg);
    free(data);
    /* refused: they would read other files */
    CHECK(tc_h5read_array(&f, "/external", H5T_NATIVE_INT64, 1, NULL, -1, (void **)&data, NULL,
                          &err) == TC_EINPUT && has(&err, "external storage") && !data, "%s", err.msg);
    CHECK(has(&err, "h.h5") && has(&err, "/external"), "names file and object: %s", err.msg);
    CHECK(tc_h5read_array(&f, "/virtual", H5T_NATIVE_INT64, 1, NULL, -1, (void **)&data, NULL,
                          &err) == TC_EINPUT && has(&err, "virtual"), "%s", err.msg);
    CHECK(tc_h5read_array(&f, "/elink", H5T_NATIVE_INT64, 1, NULL, -1, (void **)&data, NULL,
                          &err) == TC_EINPUT && has(&err, "external link"), "%s", err.msg);
    CHECK(tc_h5read_exists(&f, "/slink") == -1, "a soft link is not followed");
    /* shapes against the destination */
    CHECK(tc_h5read_array(&f, "/long", H5T_NATIVE_INT64, 1, (int64_t[]){10}, -1, (void **)&data,
                          NULL, &err) == TC_EINPUT && has(&err, "5000 entries; expected 10"),
          "%s", err.msg);
    CHECK(tc_h5read_array(&f, "/long", H5T_NATIVE_INT64, 1, NULL, 100, (void **)&data, NULL,
                          &err) == TC_EINPUT && has(&err, "at most 100"), "%s", err.msg);
    CHECK(tc_h5read_array(&f, "/matrix", H5T_NATIVE_INT64, 1, NULL, -1, (void **)&data, NULL,
                          &err) == TC_EINPUT && has(&err, "1 dimension, got 2"), "%s", err.msg);
    int64_t buf[6];
    CHECK(tc_h5read_into(&f, "/matrix", H5T_NATIVE_INT64, 2, (int64_t[]){2, 3}, buf, &err) == 0 &&
          buf[5] == 6, "%s", err.msg);
    CHECK(tc_h5read_into(&f, "/long", H5T_NATIVE_INT64, 1, (int64_t[]){6}, buf, &err) ==
          TC_EINPUT, "a long dataset into a short buffer");
    /* numbers */
    int32_t i32 = 0;
    int64_t i64 = 0;
    double x = 0;
    CHECK(tc_h5read_num(&f, NULL, "/huge_value", H5T_NATIVE_INT32, &i32, NULL, &err) ==
          TC_EINPUT && has(&err, "outside the range"), "2^40 into int32: %s", err.msg);
    CHECK(tc_h5read_num(&f, NULL, "/huge_value", H5T_NATIVE_INT64, &i64, NULL, &err) == 0 &&
          i64 == (int64_t)1 << 40, "%s", err.msg);
    CHECK(tc_h5read_num(&f, NULL, "/real", H5T_NATIVE_INT64, &i64, NULL, &err) == TC_EINPUT &&
          has(&err, "expected one of integers"), "a float read as an integer: %s", err.msg);
    CHECK(tc_h5read_num(&f, NULL, "/huge_value", H5T_NATIVE_DOUBLE, &x, NULL, &err) == 0 &&
          x == 1099511627776.0, "%s", err.msg);
    CHECK(tc_h5read_num(&f, "/", "scalar_as_array", H5T_NATIVE_INT32, &i32, NULL, &err) ==
          TC_EINPUT && has(&err, "got 4000"), "an array where one number is expected: %s", err.msg);
    CHECK(tc_h5read_num(&f, "/", "one_element", H5T_NATIVE_INT32, &i32, NULL, &err) == 0 &&
          i32 == 7, "%s", err.msg);
    int found = 1;
    CHECK(tc_h5read_num(&f, "/", "absent", H5T_NATIVE_INT32, &i32, &found, &err) == 0 && !found,
          "a missing attribute, asked with found");
    CHECK(tc_h5read_num(&f, "/", "absent", H5T_NATIVE_INT32, &i32, NULL, &err) == TC_EINPUT &&
          has(&err, "missing attribute absent"), "%s", err.msg);
    /* strings are bounded, not cut */
    char s[64];
    CHECK(tc_h5read_str(&f, "/", "kind", s, sizeof s, NULL, &err) == 0 && !strcmp(s, "run"),
          "%s", err.msg);
    CHECK(tc_h5read_str(&f, "/", "long_text", s, sizeof s, NULL, &err) == TC_EINPUT &&
          has(&err, "2999 bytes; expected at most 63"), "%s", err.msg);
    CHECK(tc_h5read_str(&f, "/", "one_element", s, sizeof s, NULL, &err) == TC_EINPUT,
          "a number read as a string");
    tc_h5read_close(&f);

    /* a FIFO is refused at once, before anything opens it */
    mkfifo(at("fifo.h5"), 0600);
    CHECK(tc_h5read_open(&f, at("fifo.h5"), "file", &err) == TC_EINPUT && has(&err, "a FIFO") &&
          has(&err, "expected a regular file"), "%s", err.msg);
    CHECK(tc_h5read_open(&f, dir, "file", &err) == TC_EINPUT && has(&err, "a folder"), "%s",
          err.msg);

    /* a sealed file: one changed byte anywhere after the seal is refused by the seal */
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    H5Pset_userblock(fcpl, TC_SEAL_BYTES);
    hid_t h = H5Fcreate(at("sealed.h5"), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    H5Pclose(fcpl);
    hsize_t four = 4;
    put_i64(h, "good", 1, &four, (int64_t[]){1, 2, 3, 4});
    H5Fclose(h);
    CHECK(tc_seal_write(at("sealed.h5"), "sealed.h5", "run", &err) == 0, "%s", err.msg);
    CHECK(tc_h5read_open(&f, at("sealed.h5"), "file", &err) == 0 && f.sealed == 1, "%s", err.msg);
    tc_h5read_close(&f);
    struct stat st;
    stat(at("sealed.h5"), &st);
    int refused = 0, tries = 0;
    for (off_t pos = TC_SEAL_BYTES; pos < st.st_size; pos += st.st_size / 40 + 1, tries++) {
        int fd = open(at("sealed.h5"), O_RDWR);
        unsigned char c;
        pread(fd, &c, 1, pos);
        c ^= 0x5a;
        pwrite(fd, &c, 1, pos);
        if (tc_h5read_open(&f, at("sealed.h5"), "file", &err) == TC_EINPUT &&
            has(&err, "damaged file: its checksum"))
            refused++;
        else
            tc_h5read_close(&f);
        c ^= 0x5a;
        pwrite(fd, &c, 1, pos);
        close(fd);
    }
    CHECK(refused == tries && tries > 30, "%d of %d changed bytes refused", refused, tries);
    CHECK(truncate(at("sealed.h5"), st.st_size - 100) == 0, "cut");
    CHECK(tc_h5read_open(&f, at("sealed.h5"), "file", &err) == TC_EINPUT &&
          has(&err, "cut short"), "%s", err.msg);

    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    CHECK(open_ids == 0, "%zd HDF5 objects left open", open_ids);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return tc_test_done("h5read");
}
