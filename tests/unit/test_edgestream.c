/* The streamed edge-list path against the igraph one: random files (comments,
 * blank lines, tabs, CRs, self-loops, repeats, a last line without newline) read
 * through a scenario both ways, with and without follow-backs and named
 * accounts, in both directions, must give the same net (arrays, counts, hash),
 * the same communities, and for malformed lines the same message. Also: gzip
 * input equals plain input, edges added to a frozen CSR equal a CSR built from
 * all the edges, and a file changed between the two passes is noticed. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "world/world.h"
#include "graph/edgestream.h"
#include "graph/graph.h"
#include "graph/net.h"
#include "tc_test.h"

static char dir[] = "/tmp/tc_test_edgestreamXXXXXX";

static void path_of(const char *name, char *out, size_t n) { snprintf(out, n, "%s/%s", dir, name); }

static void write_file(const char *name, const char *text, size_t len, int gz)
{
    char path[256];
    path_of(name, path, sizeof path);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        if (len) gzwrite(f, text, (unsigned)len);
        gzclose(f);
        return;
    }
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
}

/* A small deterministic generator for the test's own choices. */
static uint64_t rng_state = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* A random edge list of up to `lines` lines over ids below `ids`; `bad` plants
 * one malformed line. */
static char *random_edgelist(int lines, int ids, int bad, size_t *len)
{
    size_t cap = (size_t)lines * 64 + 256, n = 0;
    char *s = malloc(cap);
    static const char *const seps[] = {" ", "  ", "\t", " \t "};
    int bad_line = bad ? (int)rnd((uint32_t)lines) : -1;
    for (int i = 0; i < lines; i++) {
        int kind = (int)rnd(20);
        if (i == bad_line) {
            static const char *const bads[] = {"7", "1 2 3", "x 1", "1 2x", "3000000000 1",
                                               "12#3 4", "-1 2", "1\v2"};
            n += (size_t)sprintf(s + n, "%s\n", bads[rnd(8)]);
            continue;
        }
        if (kind == 0) n += (size_t)sprintf(s + n, "# comment %d\n", i);
        else if (kind == 1) n += (size_t)sprintf(s + n, "\n");
        else if (kind == 2) n += (size_t)sprintf(s + n, "   \r\n");
        else {
            int a = (int)rnd((uint32_t)ids), b = kind == 3 ? a : (int)rnd((uint32_t)ids);
            n += (size_t)sprintf(s + n, "%s%s%0*d%s%d%s%s", rnd(4) ? "" : " ",
                                 rnd(8) ? "" : "0", 1, a, seps[rnd(4)], b,
                                 rnd(5) ? "" : " # trailing", rnd(6) ? "" : "\r");
            n += (size_t)sprintf(s + n, "\n");
        }
    }
    if (n && rnd(2)) n--; /* drop the last newline */
    *len = n;
    return s;
}

static int same_net(const tc_net *a, const tc_net *b)
{
    if (a->n != b->n || a->m != b->m || a->self_loops_dropped != b->self_loops_dropped ||
        a->duplicates_dropped != b->duplicates_dropped)
        return 0;
    return !memcmp(a->off, b->off, ((size_t)a->n + 1) * sizeof *a->off) &&
           !memcmp(a->dst, b->dst, (size_t)a->m * sizeof *a->dst) &&
           tc_net_hash(a) == tc_net_hash(b);
}

/* The scenario text with the graph file `file` and the given extras. */
static int load_scenario(tc_scenario *sc, const char *file, int flows, double recip, int hubs,
                         int comms, tc_err *err)
{
    char text[2048], path[256];
    snprintf(text, sizeof text,
             "seed: 11\n"
             "time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
             "graph:\n  file: %s\n  format: edgelist\n  direction: %s\n  reciprocity: %g\n%s"
             "model: {name: ic}\n%s",
             file, flows ? "flows" : "follows", recip,
             comms ? "  communities: [{name: a, share: 0.4}, {name: b, share: 0.6}]\n" : "",
             hubs ? (comms ? "accounts: [{name: h, community: b, followers: 5, following: 2, "
                             "in_community: 0.5}, {name: k, community: a, followers: 3}]\n"
                           : "accounts: [{name: h, community: all, followers: 5, following: 2}]\n")
                  : "");
    path_of("s.yaml", path, sizeof path);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return tc_scenario_load(sc, path, NULL, 0, err);
}

/* Build the scenario's graph both ways and compare. Returns 1 if both failed. */
static int compare_paths(const char *file, int flows, double recip, int hubs, int comms,
                         const char *what)
{
    tc_err e1 = {0}, e2 = {0};
    tc_scenario sc;
    if (load_scenario(&sc, file, flows, recip, hubs, comms, &e1)) {
        CHECK(0, "%s: scenario: %s", what, e1.msg);
        return 0;
    }
    tc_world w;
    int rc1 = tc_world_build_graph(&w, &sc, &e1);
    tc_edges g;
    tc_net ref;
    memset(&ref, 0, sizeof ref);
    int rc2 = tc_graph_build(&g, &sc, tc_world_key(sc.seed), &e2);
    if (!rc2) rc2 = tc_net_from_edges(&ref, g.n, g.m, g.src, g.dst, &e2);
    CHECK(rc1 == rc2, "%s: streamed rc %d (%s), igraph rc %d (%s)", what, rc1, e1.msg, rc2,
          e2.msg);
    if (rc1 && rc2) CHECK(!strcmp(e1.msg, e2.msg), "%s: messages differ:\n  %s\n  %s", what,
                          e1.msg, e2.msg);
    if (!rc1 && !rc2) {
        CHECK(same_net(&w.net, &ref), "%s: nets differ (n %d/%d, m %lld/%lld, hash %016llx/%016llx)",
              what, w.net.n, ref.n, (long long)w.net.m, (long long)ref.m,
              (unsigned long long)tc_net_hash(&w.net), (unsigned long long)tc_net_hash(&ref));
        CHECK(w.nbase == g.nbase && w.ncomm == g.ncomm &&
                  !memcmp(w.comm, g.comm, (size_t)w.net.n * sizeof *w.comm) &&
                  !memcmp(w.comm_names, g.comm_names, (size_t)w.ncomm * TC_NAME_MAX),
              "%s: communities differ", what);
    }
    if (!rc1) tc_world_destroy(&w);
    if (!rc2) tc_graph_destroy(&g);
    tc_net_destroy(&ref);
    tc_scenario_destroy(&sc);
    return rc1 && rc2;
}

int main(void)
{
    tc_lib_errors_off();
    if (!mkdtemp(dir)) return 1;
    char path[256], gzpath[256];
    int failures = 0, cases = 0;

    /* random files through a scenario, both ways */
    for (int i = 0; i < 240; i++) {
        size_t len;
        int bad = i % 6 == 5;
        char *text = random_edgelist(1 + (int)rnd(120), 2 + (int)rnd(60), bad, &len);
        write_file("g.txt", text, len, 0);
        char what[64];
        snprintf(what, sizeof what, "file %d", i);
        int flows = i & 1, hubs = (i >> 1) & 1, comms = (i >> 2) & 1;
        double recip = (i >> 3) & 1 ? 0.4 : 0.0;
        failures += compare_paths("g.txt", flows, recip, hubs, comms, what);
        cases++;
        free(text);
    }
    CHECK(failures >= 30 && failures < cases, "%d of %d cases failed on both paths: the "
          "malformed files must fail, the others load", failures, cases);

    /* the error cases of tests/cli/test_errors.sh, and an empty graph */
    static const char *const bad[][2] = {
        {"0 1\n1 2\n2 x7\n", "g.txt:3:3: expected an account id: a whole number from 0 to "
                             "2,000,000,000, got \"x7\""},
        {"# big\n0 1\n1 3000000000\n", "g.txt:3:3: expected an account id"},
        {"0 1 2\n", "g.txt:1:5: expected two account ids on a line, got \"2\""},
        {"0 1\n5", "g.txt:2:2: expected two account ids on a line, got one"},
        {"# only a comment\n\n", "g.txt: the graph has no accounts"},
    };
    for (int i = 0; i < 5; i++) {
        write_file("g.txt", bad[i][0], strlen(bad[i][0]), 0);
        tc_scenario sc;
        tc_world w;
        tc_err err = {0};
        CHECK(load_scenario(&sc, "g.txt", 0, 0, 0, 0, &err) == 0, "%s", err.msg);
        int rc = tc_world_build_graph(&w, &sc, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, bad[i][1]), "bad file %d: rc %d, '%s'", i, rc,
              err.msg);
        if (!rc) tc_world_destroy(&w);
        tc_scenario_destroy(&sc);
        compare_paths("g.txt", 0, 0, 0, 0, "bad file");
    }

    /* gzip input gives the net of the plain file */
    for (int i = 0; i < 20; i++) {
        size_t len;
        char *text = random_edgelist(50 + (int)rnd(2000), 2 + (int)rnd(500), 0, &len);
        write_file("p.txt", text, len, 0);
        write_file("p.txt.gz", text, len, 1);
        path_of("p.txt", path, sizeof path);
        path_of("p.txt.gz", gzpath, sizeof gzpath);
        tc_net a, b;
        tc_err err = {0};
        int rc1 = tc_edgestream_load(&a, path, i & 1 ? TC_DIR_FLOWS : TC_DIR_FOLLOWS, &err);
        int rc2 = tc_edgestream_load(&b, gzpath, i & 1 ? TC_DIR_FLOWS : TC_DIR_FOLLOWS, &err);
        CHECK(rc1 == rc2, "gzip %d: rc %d and %d (%s)", i, rc1, rc2, err.msg);
        if (!rc1 && !rc2) CHECK(same_net(&a, &b) && a.m > 0, "gzip %d: nets differ", i);
        tc_net_destroy(&a);
        tc_net_destroy(&b);
        free(text);
    }
    /* a gzip file cut short, and one damaged inside, are refused */
    {
        size_t len;
        char *text = random_edgelist(5000, 1000, 0, &len);
        write_file("p.txt.gz", text, len, 1);
        path_of("p.txt.gz", gzpath, sizeof gzpath);
        FILE *f = fopen(gzpath, "rb");
        char *z = malloc(1 << 20);
        size_t zl = fread(z, 1, 1 << 20, f);
        fclose(f);
        tc_net a;
        tc_err err = {0};
        f = fopen(gzpath, "wb");
        fwrite(z, 1, zl / 2, f);
        fclose(f);
        int rc = tc_edgestream_load(&a, gzpath, TC_DIR_FOLLOWS, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, "truncated"), "cut gzip: rc %d '%s'", rc, err.msg);
        z[zl / 2] ^= 0x55;
        z[zl / 2 + 1] ^= 0xaa;
        f = fopen(gzpath, "wb");
        fwrite(z, 1, zl, f);
        fclose(f);
        rc = tc_edgestream_load(&a, gzpath, TC_DIR_FOLLOWS, &err);
        CHECK(rc == TC_EINPUT && strstr(err.msg, "p.txt.gz"), "damaged gzip: rc %d '%s'", rc,
              err.msg);
        free(z);
        free(text);
    }

    /* a file that changes between the two passes */
    {
        write_file("c.txt", "0 1\n1 2\n2 0\n", 12, 0);
        path_of("c.txt", path, sizeof path);
        tc_edgestream s;
        tc_net net;
        tc_err err = {0};
        CHECK(tc_edgestream_scan(&s, path, TC_DIR_FOLLOWS, 0, 0, &err) == 0, "%s", err.msg);
        write_file("c.txt", "0 1\n1 2\n2 1\n", 12, 0);
        int rc = tc_edgestream_fill(&s, &net, s.n, 0, NULL, NULL, &err);
        CHECK(rc == TC_ERUNTIME && strstr(err.msg, "changed"), "changed file: rc %d '%s'", rc,
              err.msg);
        tc_edgestream_destroy(&s);
        CHECK(tc_edgestream_scan(&s, path, TC_DIR_FOLLOWS, 0, 0, &err) == 0, "%s", err.msg);
        write_file("c.txt", "0 1\n1 2\n2 1\n0 2\n0 2\n0 2\n", 24, 0);
        rc = tc_edgestream_fill(&s, &net, s.n, 0, NULL, NULL, &err);
        CHECK(rc == TC_ERUNTIME, "grown file: rc %d '%s'", rc, err.msg);
        tc_edgestream_destroy(&s);
    }

    /* edges added to a frozen CSR: the CSR of all the edges */
    for (int i = 0; i < 200; i++) {
        int32_t n0 = 1 + (int32_t)rnd(40), n = n0 + (int32_t)rnd(5);
        int64_t m0 = rnd(200), k = rnd(60);
        int32_t *src = malloc((size_t)(m0 + k + 1) * sizeof *src);
        int32_t *dst = malloc((size_t)(m0 + k + 1) * sizeof *dst);
        for (int64_t e = 0; e < m0 + k; e++) {
            int32_t lim = e < m0 ? n0 : n;
            src[e] = (int32_t)rnd((uint32_t)lim);
            dst[e] = (int32_t)rnd((uint32_t)lim);
        }
        tc_net a, b;
        tc_err err = {0};
        tc_net_from_edges(&a, n0, m0, src, dst, &err);
        CHECK(tc_net_add_edges(&a, n, k, src + m0, dst + m0, &err) == 0, "%s", err.msg);
        tc_net_from_edges(&b, n, m0 + k, src, dst, &err);
        CHECK(same_net(&a, &b), "add_edges %d: differs from one build", i);
        tc_net_destroy(&a);
        tc_net_destroy(&b);
        free(src);
        free(dst);
    }

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return tc_test_done("edgestream");
}
