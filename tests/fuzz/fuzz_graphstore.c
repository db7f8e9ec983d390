/* Fuzz target: graph stores that are wrong in every way the reader must notice,
 * read through tc_graphstore_read and a scenario with format: store.
 *
 * HDF5's own parser is not the target (it trusts a file's metadata, and a
 * damaged tagcascade store never reaches it: the seal is checked first), so the
 * input describes a store that is then written through the HDF5 API:
 *   byte 0      mode; 0xff: the rest is written as the file itself, unless it
 *               starts with HDF5's signature (this exercises the seal check)
 *   byte 0      otherwise flags: 1 kind "graph" (else "run"), 2 format_version 2,
 *               4 communities, 8 names of fixed length, 16 off as int32,
 *               32 dst as int64, 64 a hash attribute, 128 m as the input says
 *   byte 1      n = 1 + byte % 48;  byte 2: communities C = byte % 5
 *   then        per account an offset step (byte % 6; 255: -1), then the ids
 *               (byte % (n + 2) - 1), the community of each account
 *               (byte % (C + 1)), a name byte per community (0: empty, 1: the
 *               name before it, 2: 70 bytes, else "c<i>"), then m and the
 *               scenario variant
 *   libFuzzer: make fuzz            replay: tests/cli/test_fuzz_regressions.sh */
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "world/world.h"
#include "graph/graphstore.h"
#include "input/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char store_path[256];

static void remove_store(void) { unlink(store_path); }

static void setup(void)
{
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                              access("/dev/shm", W_OK) == 0
                          ? "/dev/shm"
                          : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(store_path, sizeof store_path, "%s/tcfuzz-store-%ld.h5", dir, (long)getpid());
    tc_lib_errors_off();
    atexit(remove_store);
}

typedef struct {
    const uint8_t *p;
    size_t n, i;
} input;

static unsigned next(input *in) { return in->i < in->n ? in->p[in->i++] : 0; }

static void attr_i64(hid_t loc, const char *name, int64_t v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Sclose(sp);
}

static void attr_str(hid_t loc, const char *name, const char *v)
{
    hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &v);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

static void array(hid_t g, const char *name, hid_t ftype, hid_t mtype, hsize_t len,
                  const void *v)
{
    hid_t sp = H5Screate_simple(1, &len, NULL);
    hid_t d = H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (len) H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Sclose(sp);
}

/* Write the store the input describes; returns the number of communities named. */
static int write_store(input *in, int *variant, char *comm0, size_t comm0_len)
{
    unsigned flags = next(in);
    int64_t n = 1 + next(in) % 48, C = next(in) % 5;
    int64_t off[50], dst[50 * 8], m = 0;
    int32_t off32[50], comm[48];
    off[0] = 0;
    for (int64_t u = 0; u < n; u++) {
        unsigned b = next(in);
        off[u + 1] = off[u] + (b == 255 ? -1 : (int64_t)(b % 6));
        off32[u] = (int32_t)off[u];
    }
    off32[n] = (int32_t)off[n];
    int64_t ndst = off[n] < 0 ? 0 : off[n] > 50 * 8 ? 50 * 8 : off[n];
    for (int64_t i = 0; i < ndst; i++) dst[i] = (int64_t)(next(in) % (unsigned)(n + 2)) - 1;
    for (int64_t v = 0; v < n; v++) comm[v] = (int32_t)(next(in) % (unsigned)(C + 1));
    char names[5][80];
    const char *np[5];
    for (int c = 0; c < C; c++) {
        unsigned b = next(in);
        if (b == 0) names[c][0] = '\0';
        else if (b == 1 && c > 0) strcpy(names[c], names[c - 1]);
        else if (b == 2) memset(names[c], 'x', 70), names[c][70] = '\0';
        else snprintf(names[c], sizeof names[c], "c%d", c);
        np[c] = names[c];
    }
    m = flags & 128 ? (int64_t)next(in) - 1 : ndst;
    *variant = (int)(next(in) % 3);
    snprintf(comm0, comm0_len, "%s", C && (flags & 4) ? names[0] : "all");

    hid_t f = H5Fcreate(store_path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) abort(); /* the harness itself cannot work */
    attr_str(f, "kind", flags & 1 ? "graph" : "run");
    hid_t g = H5Gcreate2(f, "graph", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_i64(g, "format_version", flags & 2 ? 2 : 1);
    attr_i64(g, "n", n);
    attr_i64(g, "m", m);
    if (flags & 64) attr_str(g, "hash", in->i % 2 ? "0123456789abcdef" : "nothex");
    if (flags & 16) array(g, "off", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)n + 1, off32);
    else array(g, "off", H5T_STD_I64LE, H5T_NATIVE_INT64, (hsize_t)n + 1, off);
    if (flags & 32) array(g, "dst", H5T_STD_I64LE, H5T_NATIVE_INT64, (hsize_t)ndst, dst);
    else {
        int32_t d32[50 * 8];
        for (int64_t i = 0; i < ndst; i++) d32[i] = (int32_t)dst[i];
        array(g, "dst", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)ndst, d32);
    }
    if ((flags & 4) && C > 0) {
        array(g, "community", H5T_STD_I32LE, H5T_NATIVE_INT32, (hsize_t)n, comm);
        hid_t t = H5Tcopy(H5T_C_S1);
        hsize_t nc = (hsize_t)C;
        hid_t sp = H5Screate_simple(1, &nc, NULL);
        if (flags & 8) {
            char fixed[5][16];
            memset(fixed, 0, sizeof fixed);
            for (int c = 0; c < C; c++) strncpy(fixed[c], names[c], 16);
            H5Tset_size(t, 16);
            hid_t d = H5Dcreate2(g, "community_names", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, fixed);
            H5Dclose(d);
        } else {
            H5Tset_size(t, H5T_VARIABLE);
            hid_t d = H5Dcreate2(g, "community_names", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, np);
            H5Dclose(d);
        }
        H5Sclose(sp);
        H5Tclose(t);
    }
    H5Gclose(g);
    if (H5Fclose(f) < 0) abort();
    return (int)C;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t hdf5_sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    if (!store_path[0]) setup();
    if (size < 1) return 0;
    int variant = 0;
    char comm0[80] = "all";
    if (data[0] == 0xff) {
        if (size - 1 >= 8 && !memcmp(data + 1, hdf5_sig, 8)) return 0;
        FILE *f = fopen(store_path, "wb");
        if (!f) abort();
        if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) abort();
        if (fclose(f)) abort();
    } else {
        input in = {data, size, 0};
        write_store(&in, &variant, comm0, sizeof comm0);
    }

    tc_net net;
    tc_graphstore_info info;
    tc_err err = {0};
    if (tc_graphstore_read(store_path, &net, &info, &err) == TC_OK) {
        tc_net_destroy(&net);
        tc_graphstore_info_destroy(&info);
    }
    static const char *const variants[] = {
        "",
        "  reciprocity: 0.5\n"
        "population: {bots: {fraction: 0.3, placement: followers}}\n",
        "population: {bots: {fraction: 0.2, placement: random}}\n"
        "accounts:\n  - {name: hub, community: '%s', followers: 1, following: 1}\n",
    };
    char extra[256], text[1024];
    snprintf(extra, sizeof extra, variants[variant], comm0);
    snprintf(text, sizeof text,
             "seed: 3\ntime: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
             "graph:\n  file: '%s'\n  format: store\n%smodel: {name: ic}\n",
             store_path, extra);
    tc_scenario sc;
    if (tc_scenario_parse(&sc, "fuzz-store.yaml", text, NULL, 0, &err) == TC_OK) {
        tc_world w;
        if (tc_world_build(&w, &sc, &err) == TC_OK) tc_world_destroy(&w);
    }
    tc_scenario_destroy(&sc);
    return 0;
}
