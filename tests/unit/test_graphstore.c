/* The graph store: text -> store -> CSR equals the igraph path (both directions);
 * communities round trip; the bytes depend only on the graph (not on how the
 * entries were appended); a scenario on a store builds the world it builds on the
 * text file; and every kind of bad store (hand-made through the HDF5 API, cut
 * short, damaged) is refused with a message naming the file and the dataset. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world/world.h"
#include "graph/edgestream.h"
#include "graph/graph.h"
#include "graph/graphstore.h"
#include "graph/net.h"
#include "tc_test.h"

static char dir[] = "/tmp/tc_test_graphstoreXXXXXX";

static const char *at(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    fputs(text, f);
    fclose(f);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static int same_net(const tc_net *a, const tc_net *b)
{
    return a->n == b->n && a->m == b->m && a->self_loops_dropped == b->self_loops_dropped &&
           a->duplicates_dropped == b->duplicates_dropped &&
           !memcmp(a->off, b->off, ((size_t)a->n + 1) * sizeof *a->off) &&
           !memcmp(a->dst, b->dst, (size_t)a->m * sizeof *a->dst) &&
           tc_net_hash(a) == tc_net_hash(b);
}

static int same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g;
    while (same) {
        int x = fgetc(f), y = fgetc(g);
        if (x != y) same = 0;
        if (x == EOF || y == EOF) break;
    }
    if (f) fclose(f);
    if (g) fclose(g);
    return same;
}

/* A random edge-list text over ids below `ids`. */
static char *random_text(int lines, int ids)
{
    char *s = malloc((size_t)lines * 32 + 64), *p = s;
    p += sprintf(p, "# random\n");
    for (int i = 0; i < lines; i++) p += sprintf(p, "%u %u\n", rnd((uint32_t)ids), rnd((uint32_t)ids));
    return s;
}

/* ------------------------------------------------------------------ hand-made stores */

/* What write_raw puts in a store made through the HDF5 API (no seal). */
typedef struct {
    const char *kind;         /* NULL: no attribute */
    int no_group, version;
    int64_t n, m;
    int n_as_text;
    const char *hash;         /* NULL: none */
    int off_mode;             /* 0 int64, 1 float, 2 two-dimensional, 3 absent, 4 a group */
    const int64_t *off;
    int64_t noff;
    int dst_mode;             /* 0 int32, 1 int64 values, 3 absent, 5 soft link */
    const int64_t *dst;
    int64_t ndst;
    int comm_mode;            /* 0 none, 1 community + names, 2 community only, 3 names only */
    const int32_t *comm;
    const char *const *names;
    int nnames, fixed_names;
} raw;

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

static void attr_i64(hid_t loc, const char *name, int64_t v)
{
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &v);
    H5Aclose(a);
    H5Sclose(sp);
}

static void ds(hid_t g, const char *name, hid_t ftype, hid_t mtype, int rank, hsize_t len,
               const void *data)
{
    hsize_t dims[2] = {rank == 2 ? len / 2 : len, 2};
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (len) H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Sclose(sp);
}

static void write_raw(const char *path, const raw *r)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (r->kind) attr_str(f, "kind", r->kind);
    if (r->no_group) {
        H5Fclose(f);
        return;
    }
    hid_t g = H5Gcreate2(f, "graph", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attr_i64(g, "format_version", r->version);
    if (r->n_as_text) attr_str(g, "n", "four");
    else attr_i64(g, "n", r->n);
    attr_i64(g, "m", r->m);
    if (r->hash) attr_str(g, "hash", r->hash);
    double *offd = malloc((size_t)(r->noff + 1) * sizeof *offd);
    for (int64_t i = 0; i < r->noff; i++) offd[i] = (double)r->off[i];
    switch (r->off_mode) {
    case 0: ds(g, "off", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, (hsize_t)r->noff, r->off); break;
    case 1: ds(g, "off", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, (hsize_t)r->noff, offd); break;
    case 2: ds(g, "off", H5T_STD_I64LE, H5T_NATIVE_INT64, 2, (hsize_t)r->noff, r->off); break;
    case 4: H5Gclose(H5Gcreate2(g, "off", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)); break;
    default: break;
    }
    free(offd);
    int32_t *d32 = malloc((size_t)(r->ndst + 1) * sizeof *d32);
    for (int64_t i = 0; i < r->ndst; i++) d32[i] = (int32_t)r->dst[i];
    switch (r->dst_mode) {
    case 0: ds(g, "dst", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, (hsize_t)r->ndst, d32); break;
    case 1: ds(g, "dst", H5T_STD_I64LE, H5T_NATIVE_INT64, 1, (hsize_t)r->ndst, r->dst); break;
    case 5: H5Lcreate_soft("/graph/off", g, "dst", H5P_DEFAULT, H5P_DEFAULT); break;
    default: break;
    }
    free(d32);
    if (r->comm_mode == 1 || r->comm_mode == 2)
        ds(g, "community", H5T_STD_I32LE, H5T_NATIVE_INT32, 1, (hsize_t)r->n, r->comm);
    if (r->comm_mode == 1 || r->comm_mode == 3) {
        hid_t t = H5Tcopy(H5T_C_S1);
        hsize_t nn = (hsize_t)r->nnames;
        if (r->fixed_names) {
            H5Tset_size(t, 16);
            char *buf = calloc((size_t)r->nnames, 16);
            for (int i = 0; i < r->nnames; i++) strncpy(buf + 16 * i, r->names[i], 16);
            hid_t sp = H5Screate_simple(1, &nn, NULL);
            hid_t d = H5Dcreate2(g, "community_names", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
            H5Dclose(d);
            H5Sclose(sp);
            free(buf);
        } else {
            H5Tset_size(t, H5T_VARIABLE);
            hid_t sp = H5Screate_simple(1, &nn, NULL);
            hid_t d = H5Dcreate2(g, "community_names", t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
            H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, r->names);
            H5Dclose(d);
            H5Sclose(sp);
        }
        H5Tclose(t);
    }
    H5Gclose(g);
    H5Fclose(f);
}

/* A valid 4-account graph: audience(0) = {1, 2}, audience(1) = {2}, (2) = {}, (3) = {0, 2}. */
static const int64_t good_off[] = {0, 2, 3, 3, 5};
static const int64_t good_dst[] = {1, 2, 2, 0, 2};
static const int32_t good_comm[] = {0, 1, 1, 0};
static const char *const good_names[] = {"left", "right"};

static raw good_raw(void)
{
    return (raw){.kind = "graph", .version = 1, .n = 4, .m = 5, .off = good_off, .noff = 5,
                 .dst = good_dst, .ndst = 5, .comm_mode = 1, .comm = good_comm,
                 .names = good_names, .nnames = 2};
}

/* Read the store at path: expect rc and, on failure, `needle` and the file in the message. */
static void expect_read(const char *path, int want, const char *needle, const char *what)
{
    tc_net net;
    tc_graphstore_info info;
    tc_err err = {0};
    int rc = tc_graphstore_read(path, &net, &info, &err);
    CHECK(rc == want, "%s: rc %d, want %d (%s)", what, rc, want, err.msg);
    if (rc && needle)
        CHECK(strstr(err.msg, needle) && strstr(err.msg, path), "%s: message '%s' lacks '%s'",
              what, err.msg, needle);
    if (!rc) {
        tc_net_destroy(&net);
        tc_graphstore_info_destroy(&info);
    }
}

static void bad_stores(void)
{
    const char *p = at("bad.h5");
    raw r = good_raw();
    write_raw(p, &r);
    expect_read(p, 0, NULL, "hand-made valid store");
    {
        tc_net net;
        tc_graphstore_info info;
        tc_err err = {0};
        r.fixed_names = 1;
        write_raw(p, &r);
        CHECK(tc_graphstore_read(p, &net, &info, &err) == 0, "fixed-length names: %s", err.msg);
        CHECK(info.ncomm == 2 && !strcmp(info.comm_names[1], "right") && info.comm[3] == 0,
              "communities read back");
        CHECK(net.m == 5 && net.dst[3] == 0 && !info.has_hash, "arrays read back");
        tc_net_destroy(&net);
        tc_graphstore_info_destroy(&info);
    }
    int64_t off[5], dst[5];
    int32_t comm[4];
#define CASE(what, needle, ...)            \
    do {                                   \
        r = good_raw();                    \
        memcpy(off, good_off, sizeof off); \
        memcpy(dst, good_dst, sizeof dst); \
        memcpy(comm, good_comm, sizeof comm); \
        r.off = off;                       \
        r.dst = dst;                       \
        r.comm = comm;                     \
        __VA_ARGS__;                       \
        write_raw(p, &r);                  \
        expect_read(p, TC_EINPUT, needle, what); \
    } while (0)
    CASE("no kind", "not a graph store", r.kind = NULL);
    CASE("a run file", "a tagcascade 'run' file", r.kind = "run");
    CASE("no /graph", "/graph: missing", r.no_group = 1);
    CASE("format_version 2", "format_version 2", r.version = 2);
    CASE("n as text", "attribute n", r.n_as_text = 1);
    CASE("n = 0", "attribute n", r.n = 0);
    CASE("m above n(n-1)", "attribute m", r.m = 13);
    CASE("m not the length of dst", "/graph/off: ends at 5; expected m = 4", r.m = 4);
    CASE("off missing", "/graph/off: missing", r.off_mode = 3);
    CASE("off of floats", "/graph/off: expected a one-dimensional array", r.off_mode = 1);
    CASE("off 2-D", "/graph/off: expected a one-dimensional array", r.off_mode = 2; r.noff = 4);
    CASE("off a group", "/graph/off: not a dataset", r.off_mode = 4);
    CASE("off too short", "/graph/off: expected a one-dimensional array of 5", r.noff = 4);
    CASE("off not from 0", "/graph/off: starts at 1", off[0] = 1);
    CASE("off not monotone", "/graph/off: not monotone", off[2] = 1);
    CASE("off past m", "/graph/off: ends at 6", off[4] = 6);
    CASE("dst missing", "/graph/dst: missing", r.dst_mode = 3);
    CASE("dst a soft link", "/graph/dst: not a dataset", r.dst_mode = 5);
    CASE("dst too long", "/graph/dst: expected a one-dimensional array of 5", r.ndst = 4);
    CASE("dst id too large", "/graph/dst: entry 1 (audience of account 0) is 4, outside",
         dst[1] = 4);
    CASE("dst negative", "/graph/dst: entry 4", dst[4] = -1);
    CASE("dst beyond int32", "outside the accounts", r.dst_mode = 1; dst[2] = INT64_C(1) << 40);
    CASE("dst self-loop", "/graph/dst: entry 2: account 1 in its own audience", dst[2] = 1);
    CASE("dst unsorted", "/graph/dst: entry 1: the audience of account 0 is not sorted",
         dst[0] = 2; dst[1] = 1);
    CASE("dst repeated", "not sorted, or repeats 1", dst[1] = 1);
    CASE("hash wrong", "/graph: the arrays hash to", r.hash = "0123456789abcdef");
    CASE("hash not hex", "attribute hash: expected 16 hex digits", r.hash = "xyz");
    CASE("community without names", "/graph/community_names: missing", r.comm_mode = 2);
    CASE("names without community", "/graph/community: missing", r.comm_mode = 3);
    CASE("community out of range", "/graph/community: account 2 is in community 2", comm[2] = 2);
    CASE("community negative", "/graph/community: account 0 is in community -1", comm[0] = -1);
    static const char *const twice[] = {"a", "a"}, *const empty[] = {"a", ""};
    static const char *const longname[] = {
        "a", "0123456789012345678901234567890123456789012345678901234567890123"};
    CASE("names repeated", "/graph/community_names: 'a' given twice", r.names = twice);
    CASE("empty name", "/graph/community_names: name 1 has 0 bytes", r.names = empty);
    CASE("name too long", "/graph/community_names: name 1 has 64 bytes", r.names = longname);
#undef CASE
    /* not HDF5 at all, empty, missing */
    write_text("notes.h5", "0 1\n1 2\n");
    expect_read(at("notes.h5"), TC_EINPUT, "not a graph store", "a text file");
    write_text("empty.h5", "");
    expect_read(at("empty.h5"), TC_EINPUT, "not a graph store", "an empty file");
    expect_read(at("nosuch.h5"), TC_EINPUT, "cannot open", "a missing file");
}

/* A sealed store cut short or damaged anywhere is refused before HDF5 reads it. */
static void damaged_stores(void)
{
    char *text = random_text(3000, 400);
    write_text("d.txt", text);
    free(text);
    tc_net net;
    tc_err err = {0};
    CHECK(tc_edgestream_load(&net, at("d.txt"), TC_DIR_FOLLOWS, &err) == 0, "%s", err.msg);
    tc_graphstore_meta meta = {.source = "d.txt", .source_format = "edgelist"};
    CHECK(tc_graphstore_write(at("d.h5"), &net, &meta, &err) == 0, "%s", err.msg);
    tc_net_destroy(&net);
    FILE *f = fopen(at("d.h5"), "rb");
    char *bytes = malloc(1 << 22);
    size_t len = fread(bytes, 1, 1 << 22, f);
    fclose(f);
    const char *p = at("damaged.h5");
    for (int i = 0; i < 40; i++) {
        size_t cut = i == 0 ? 0 : i == 1 ? 100 : i == 2 ? len - 1 : 1 + rnd((uint32_t)len - 1);
        f = fopen(p, "wb");
        fwrite(bytes, 1, cut, f);
        fclose(f);
        expect_read(p, TC_EINPUT, cut < 30 ? "not a graph store" : "damaged store", "cut short");
    }
    for (int i = 0; i < 60; i++) {
        size_t pos = i < 20 ? (size_t)i * 25 : 512 + rnd((uint32_t)(len - 512));
        bytes[pos] ^= 0x5a;
        f = fopen(p, "wb");
        fwrite(bytes, 1, len, f);
        fclose(f);
        bytes[pos] ^= 0x5a;
        /* the header's blank padding is not part of the graph */
        if (pos >= 512 || pos < 50) {
            char what[64];
            snprintf(what, sizeof what, "byte %zu damaged", pos);
            expect_read(p, TC_EINPUT, pos < 23 ? "not a graph store" : "damaged store", what);
        }
    }
    free(bytes);
}

/* ------------------------------------------------------------------ scenarios */

static int world_of(const char *graph_yaml, const char *extra, tc_world *w, tc_err *err)
{
    char text[2048];
    snprintf(text, sizeof text,
             "seed: 5\ntime: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
             "graph: %s\nmodel: {name: ic}\n%s", graph_yaml, extra);
    write_text("s.yaml", text);
    tc_scenario sc;
    int rc = tc_scenario_load(&sc, at("s.yaml"), NULL, 0, err);
    if (rc) return rc;
    rc = tc_world_build(w, &sc, err);
    tc_scenario_destroy(&sc);
    return rc;
}

static int same_world(const tc_world *a, const tc_world *b)
{
    return same_net(&a->net, &b->net) && a->nbase == b->nbase && a->ncomm == b->ncomm &&
           !memcmp(a->comm, b->comm, (size_t)a->net.n * sizeof *a->comm) &&
           !memcmp(a->comm_names, b->comm_names, (size_t)a->ncomm * TC_NAME_MAX) &&
           a->pop.nbots == b->pop.nbots &&
           !memcmp(a->pop.cls, b->pop.cls, (size_t)a->net.n);
}

static void scenarios(void)
{
    char *text = random_text(4000, 700);
    write_text("w.txt", text);
    free(text);
    tc_err err = {0};
    tc_net net;
    tc_graphstore_meta meta = {.source = "w.txt", .source_format = "edgelist"};
    for (int flows = 0; flows < 2; flows++) {
        CHECK(tc_edgestream_load(&net, at("w.txt"), flows ? TC_DIR_FLOWS : TC_DIR_FOLLOWS,
                                 &err) == 0, "%s", err.msg);
        CHECK(tc_graphstore_write(at(flows ? "w_flows.h5" : "w.h5"), &net, &meta, &err) == 0,
              "%s", err.msg);
        tc_net_destroy(&net);
    }
    static const char *const extras[] = {
        "",
        "population: {bots: {fraction: 0.1, placement: followers}}\n"
        "accounts: [{name: h, community: all, followers: 30, following: 4}]\n",
    };
    for (int flows = 0; flows < 2; flows++)
        for (int x = 0; x < 2; x++) {
            tc_world a, b;
            char g1[256], g2[256];
            snprintf(g1, sizeof g1, "{file: w.txt, format: edgelist, direction: %s}",
                     flows ? "flows" : "follows");
            snprintf(g2, sizeof g2, "{file: %s, format: store}", flows ? "w_flows.h5" : "w.h5");
            int rc1 = world_of(g1, extras[x], &a, &err);
            CHECK(rc1 == 0, "%s", err.msg);
            int rc2 = world_of(g2, extras[x], &b, &err);
            CHECK(rc2 == 0, "%s", err.msg);
            if (!rc1 && !rc2)
                CHECK(same_world(&a, &b), "store and text worlds differ (flows %d, extra %d)",
                      flows, x);
            if (!rc1) tc_world_destroy(&a);
            if (!rc2) tc_world_destroy(&b);
        }
    /* shares over the ids, as for the text file */
    {
        tc_world a, b;
        const char *comms = ", communities: [{name: x, share: 0.3}, {name: y, share: 0.7}]}";
        char g1[256], g2[256];
        snprintf(g1, sizeof g1, "{file: w.txt, format: edgelist, direction: follows%s", comms);
        snprintf(g2, sizeof g2, "{file: w.h5, format: store%s", comms);
        const char *acc = "accounts: [{name: h, community: y, followers: 50, in_community: 0.5}]\n";
        int rc1 = world_of(g1, acc, &a, &err), rc2 = world_of(g2, acc, &b, &err);
        CHECK(!rc1 && !rc2 && same_world(&a, &b), "shares on a store: %s", err.msg);
        if (!rc1) tc_world_destroy(&a);
        if (!rc2) tc_world_destroy(&b);
    }
    /* the store's own communities, with a named account in one of them */
    {
        CHECK(tc_edgestream_load(&net, at("w.txt"), TC_DIR_FOLLOWS, &err) == 0, "%s", err.msg);
        uint16_t *comm = malloc((size_t)net.n * sizeof *comm);
        for (int32_t v = 0; v < net.n; v++) comm[v] = (uint16_t)(v % 3);
        char names[3][TC_NAME_MAX] = {"alpha", "beta", "gamma"};
        tc_graphstore_meta cm = {.source = "w.txt", .source_format = "edgelist", .ncomm = 3,
                                 .comm = comm, .comm_names = (const char(*)[TC_NAME_MAX])names};
        CHECK(tc_graphstore_write(at("wc.h5"), &net, &cm, &err) == 0, "%s", err.msg);
        tc_world w;
        int rc = world_of("{file: wc.h5, format: store}",
                          "population: {bots: {fraction: 0.2, placement: community, "
                          "community: gamma}}\naccounts: [{name: h, community: beta, "
                          "followers: 10}]\n", &w, &err);
        CHECK(rc == 0, "%s", err.msg);
        if (!rc) {
            int ok = w.ncomm == 3 && !strcmp(w.comm_names[2], "gamma") && w.comm[net.n] == 1;
            for (int32_t v = 0; v < net.n; v++) {
                ok &= w.comm[v] == comm[v];
                if (w.pop.cls[v] == 1) ok &= comm[v] == 2; /* bots only in gamma */
            }
            CHECK(ok && w.pop.nbots > 0, "store communities: %d, bots %lld", w.ncomm,
                  (long long)w.pop.nbots);
            tc_world_destroy(&w);
        }
        rc = world_of("{file: wc.h5, format: store}",
                      "accounts: [{name: h, community: all, followers: 10}]\n", &w, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, "unknown community 'all'") &&
                  strstr(err.msg, "alpha, beta, gamma"), "unknown store community: %s", err.msg);
        if (!rc) tc_world_destroy(&w);
        free(comm);
        tc_net_destroy(&net);
    }
    /* follow-backs on a store: with reciprocity 1 every follow is returned */
    {
        tc_world w;
        int rc = world_of("{file: w.h5, format: store, reciprocity: 1}", "", &w, &err);
        CHECK(rc == 0, "%s", err.msg);
        if (!rc) {
            int sym = 1;
            for (int32_t u = 0; u < w.net.n && sym; u++)
                for (int64_t i = w.net.off[u]; i < w.net.off[u + 1]; i++) {
                    int32_t v = w.net.dst[i];
                    int found = 0;
                    for (int64_t j = w.net.off[v]; j < w.net.off[v + 1]; j++) found |= w.net.dst[j] == u;
                    sym &= found;
                }
            CHECK(sym, "reciprocity 1 on a store: audiences not symmetric");
            tc_world_destroy(&w);
        }
        rc = world_of("{file: w.h5, format: store, direction: follows}", "", &w, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, "graph.direction: expected no direction next "
                                        "to format: store"), "direction next to store: %s",
              err.msg);
    }
}

int main(void)
{
    tc_lib_errors_off();
    if (!mkdtemp(dir)) return 1;
    tc_err err = {0};

    /* text -> store -> CSR: the igraph path's net, both directions */
    for (int i = 0; i < 30; i++) {
        char *text = random_text(1 + (int)rnd(3000), 2 + (int)rnd(500));
        write_text("r.txt", text);
        free(text);
        for (int flows = 0; flows < 2; flows++) {
            char yaml[512];
            snprintf(yaml, sizeof yaml, "time: {start: 2017-05-05T20:00:00Z, duration: 1h}\n"
                     "graph: {file: r.txt, format: edgelist, direction: %s}\nmodel: {name: ic}\n",
                     flows ? "flows" : "follows");
            write_text("r.yaml", yaml);
            tc_scenario sc;
            tc_edges g;
            tc_net ref, net, back;
            tc_graphstore_info info;
            CHECK(tc_scenario_load(&sc, at("r.yaml"), NULL, 0, &err) == 0, "%s", err.msg);
            CHECK(tc_graph_build(&g, &sc, 1, &err) == 0, "%s", err.msg);
            CHECK(tc_net_from_edges(&ref, g.n, g.m, g.src, g.dst, &err) == 0, "%s", err.msg);
            CHECK(tc_edgestream_load(&net, at("r.txt"), flows ? TC_DIR_FLOWS : TC_DIR_FOLLOWS,
                                     &err) == 0, "%s", err.msg);
            tc_graphstore_meta meta = {.source = "r.txt", .source_format = "edgelist",
                                       .direction = flows ? "flows" : "follows"};
            CHECK(tc_graphstore_write(at("r.h5"), &net, &meta, &err) == 0, "%s", err.msg);
            CHECK(tc_graphstore_read(at("r.h5"), &back, &info, &err) == 0, "%s", err.msg);
            CHECK(same_net(&ref, &back) && info.has_hash && info.hash == tc_net_hash(&ref) &&
                      info.ncomm == 0 && !strcmp(info.direction, flows ? "flows" : "follows"),
                  "file %d (%s): store differs from the igraph path", i, flows ? "flows" : "follows");
            tc_net_destroy(&ref);
            tc_net_destroy(&net);
            tc_net_destroy(&back);
            tc_graphstore_info_destroy(&info);
            tc_graph_destroy(&g);
            tc_scenario_destroy(&sc);
        }
    }

    /* the bytes of a store depend on the graph only: written at once or appended
     * in pieces of any size, across several chunks */
    {
        int32_t n = 60000;
        int64_t m = 0;
        int32_t *src = malloc(700000 * sizeof *src), *dst = malloc(700000 * sizeof *dst);
        for (int64_t e = 0; e < 700000; e++) {
            src[e] = (int32_t)rnd((uint32_t)n);
            dst[e] = (int32_t)rnd((uint32_t)n);
            m++;
        }
        tc_net net;
        tc_net_from_edges(&net, n, m, src, dst, &err);
        CHECK(net.m > (1 << 19), "enough entries for several chunks: %lld", (long long)net.m);
        CHECK(tc_graphstore_write(at("a.h5"), &net, NULL, &err) == 0, "%s", err.msg);
        tc_graphstore_out o;
        CHECK(tc_graphstore_create(&o, at("b.h5"), &err) == 0, "%s", err.msg);
        for (int64_t i = 0; i < net.m;) {
            int64_t k = 1 + rnd(i % 3 ? 5000 : 400000);
            if (k > net.m - i) k = net.m - i;
            tc_graphstore_append(&o, net.dst + i, k, &err);
            i += k;
        }
        CHECK(tc_graphstore_finish(&o, net.n, net.off, net.self_loops_dropped,
                                   net.duplicates_dropped, NULL, NULL, &err) == 0, "%s", err.msg);
        tc_graphstore_out_destroy(&o);
        CHECK(same_file(at("a.h5"), at("b.h5")), "appended in pieces: other bytes");
        char leftover[300];
        snprintf(leftover, sizeof leftover, "%s.tmp%ld", at("b.h5"), (long)getpid());
        CHECK(access(leftover, F_OK) != 0, "no temporary file left");
        tc_net back;
        tc_graphstore_info info;
        CHECK(tc_graphstore_read(at("b.h5"), &back, &info, &err) == 0, "%s", err.msg);
        CHECK(same_net(&net, &back), "large store read back");
        tc_net_destroy(&back);
        tc_graphstore_info_destroy(&info);
        /* an abandoned store leaves nothing */
        CHECK(tc_graphstore_create(&o, at("c.h5"), &err) == 0, "%s", err.msg);
        tc_graphstore_append(&o, net.dst, 1000, &err);
        char tmp[300];
        snprintf(tmp, sizeof tmp, "%s", o.tmp);
        tc_graphstore_out_destroy(&o);
        CHECK(access(tmp, F_OK) != 0 && access(at("c.h5"), F_OK) != 0, "abandoned store left files");
        tc_net_destroy(&net);
        free(src);
        free(dst);
    }

    bad_stores();
    damaged_stores();
    scenarios();
    /* every identifier opened while reading, writing or failing was closed */
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    CHECK(open_ids == 0, "%zd HDF5 objects left open", open_ids);

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return tc_test_done("graphstore");
}
