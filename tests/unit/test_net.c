/* The audience CSR: hand-made edges with self-loops and duplicates, and the same
 * small graph read from files in both direction conventions and in each format;
 * a CSR of 2 M edges built on 2 threads against a sort of its edges; what
 * tc_touch_pages writes, and when. */
#include <igraph.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "world/world.h"
#include "graph/net.h"
#include "tc_test.h"

static char dir[] = "/tmp/tc_test_netXXXXXX";

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Audience of u as a string "a b c". */
static void audience(const tc_net *net, int32_t u, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int64_t i = net->off[u]; i < net->off[u + 1]; i++) {
        char x[16];
        snprintf(x, sizeof x, "%s%d", i > net->off[u] ? " " : "", net->dst[i]);
        strncat(buf, x, n - strlen(buf) - 1);
    }
}

static int load_world(const char *graph_yaml, tc_world *w, tc_scenario *sc, tc_err *err)
{
    char text[2048], path[256];
    snprintf(text, sizeof text,
             "time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
             "graph: %s\nmodel: {name: ic}\n", graph_yaml);
    write_file("s.yaml", text);
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    int rc = tc_scenario_load(sc, path, NULL, 0, err);
    if (rc) return rc;
    rc = tc_world_build(w, sc, err);
    if (rc) tc_scenario_destroy(sc);
    return rc;
}

int main(void)
{
    tc_lib_errors_off();
    tc_err err = {0};
    char buf[256];

    /* direct: 0->1, 0->2, 0->2 (duplicate), 1->1 (self-loop), 2->0, 3->0 */
    int32_t src[] = {0, 0, 0, 1, 2, 3}, dst[] = {2, 1, 2, 1, 0, 0};
    tc_net net;
    CHECK(tc_net_from_edges(&net, 4, 6, src, dst, &err) == 0, "%s", err.msg);
    CHECK(net.m == 4, "m = %lld", (long long)net.m);
    audience(&net, 0, buf, sizeof buf);
    CHECK(!strcmp(buf, "1 2"), "audience(0) = '%s'", buf);
    audience(&net, 1, buf, sizeof buf);
    CHECK(!strcmp(buf, ""), "audience(1) = '%s'", buf);
    audience(&net, 3, buf, sizeof buf);
    CHECK(!strcmp(buf, "0"), "audience(3) = '%s'", buf);
    CHECK(net.self_loops_dropped == 1 && net.duplicates_dropped == 1, "dropped %lld %lld",
          (long long)net.self_loops_dropped, (long long)net.duplicates_dropped);
    uint64_t h = tc_net_hash(&net);
    tc_net_destroy(&net);
    int32_t src2[] = {3, 2, 0, 0}, dst2[] = {0, 0, 1, 2};
    CHECK(tc_net_from_edges(&net, 4, 4, src2, dst2, &err) == 0, "%s", err.msg);
    CHECK(tc_net_hash(&net) == h, "the same graph in another order hashes the same");
    tc_net_destroy(&net);
    int32_t bad[] = {0}, bad2[] = {9};
    CHECK(tc_net_from_edges(&net, 4, 1, bad, bad2, &err) == TC_EINPUT, "id out of range");
    CHECK(strstr(err.msg, "outside [0, 4)") != NULL, "message: %s", err.msg);

    /* files: "A B" with follows means A follows B, so B's posts reach A */
    if (!mkdtemp(dir)) return 1;
    write_file("g.txt", "# a SNAP-style comment\n0 1\n0 2 # trailing comment\n1 2\n\n3 2\n");
    tc_world w;
    tc_scenario sc;
    const char *formats[][2] = {
        {"g.txt", "edgelist"},
        {"g.ncol", "ncol"},
        {"g.net", "pajek"},
        {"g.gml", "gml"},
        {"g.graphml", "graphml"},
    };
    write_file("g.ncol", "0 1\n0 2\n1 2\n3 2\n");
    write_file("g.net", "*Vertices 4\n*Arcs\n1 2\n1 3\n2 3\n4 3\n");
    write_file("g.gml", "graph [ directed 1 node [ id 0 ] node [ id 1 ] node [ id 2 ] "
                        "node [ id 3 ] edge [ source 0 target 1 ] edge [ source 0 target 2 ] "
                        "edge [ source 1 target 2 ] edge [ source 3 target 2 ] ]\n");
    write_file("g.graphml",
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
               "<key id=\"c\" for=\"node\" attr.name=\"community\" attr.type=\"string\"/>\n"
               "<graph edgedefault=\"directed\">\n"
               "<node id=\"n0\"><data key=\"c\">fr</data></node>\n"
               "<node id=\"n1\"><data key=\"c\">us</data></node>\n"
               "<node id=\"n2\"><data key=\"c\">fr</data></node>\n"
               "<node id=\"n3\"><data key=\"c\">us</data></node>\n"
               "<edge source=\"n0\" target=\"n1\"/><edge source=\"n0\" target=\"n2\"/>\n"
               "<edge source=\"n1\" target=\"n2\"/><edge source=\"n3\" target=\"n2\"/>\n"
               "</graph></graphml>\n");
    for (int f = 0; f < 5; f++) {
        for (int flows = 0; flows < 2; flows++) {
            char g[256];
            snprintf(g, sizeof g, "{file: %s, format: %s, direction: %s}", formats[f][0],
                     formats[f][1], flows ? "flows" : "follows");
            int rc = load_world(g, &w, &sc, &err);
            CHECK(rc == 0, "%s: %s", g, err.msg);
            if (rc) continue;
            CHECK(w.net.n == 4 && w.net.m == 4, "%s: n=%d m=%lld", g, w.net.n,
                  (long long)w.net.m);
            /* ncol names vertices in order of appearance: 0,1,2,3 here too */
            static const char *follows[] = {"", "0", "0 1 3", ""};
            static const char *flowsa[] = {"1 2", "2", "", "2"};
            for (int u = 0; u < 4; u++) {
                audience(&w.net, u, buf, sizeof buf);
                const char *want = flows ? flowsa[u] : follows[u];
                CHECK(!strcmp(buf, want), "%s: audience(%d) = '%s', want '%s'", g, u, buf, want);
            }
            tc_world_destroy(&w);
            tc_scenario_destroy(&sc);
        }
    }

    /* communities from a GraphML attribute, numbered by first appearance */
    int rc = load_world("{file: g.graphml, format: graphml, direction: follows, "
                        "community_attribute: community}", &w, &sc, &err);
    CHECK(rc == 0, "%s", err.msg);
    if (!rc) {
        CHECK(w.pop.ncomm == 2 && !strcmp(w.pop.comm_names[0], "fr") &&
                  !strcmp(w.pop.comm_names[1], "us"), "communities %d", w.pop.ncomm);
        CHECK(w.pop.comm[0] == 0 && w.pop.comm[1] == 1 && w.pop.comm[2] == 0 &&
                  w.pop.comm[3] == 1, "membership");
        tc_world_destroy(&w);
        tc_scenario_destroy(&sc);
    }

    /* a malformed edge list fails as bad input, naming the file */
    write_file("bad.txt", "0 1\n2 x\n");
    rc = load_world("{file: bad.txt, format: edgelist, direction: follows}", &w, &sc, &err);
    CHECK(rc == TC_EINPUT, "rc %d", rc);
    CHECK(strstr(err.msg, "bad.txt") != NULL, "message: %s", err.msg);

    /* hubs get exactly the follower count asked for, from their community first */
    rc = load_world("{generator: er, n: 1000, edges: 3000, communities: [{name: a, share: 0.3},"
                    " {name: b, share: 0.7}]}\naccounts: [{name: h, community: a, followers: 400,"
                    " in_community: 0.5}]", &w, &sc, &err);
    CHECK(rc == 0, "%s", err.msg);
    if (!rc) {
        int32_t hub = w.pop.hub_id[0];
        CHECK(hub == 1000, "hub id %d", hub);
        CHECK(tc_net_degree(&w.net, hub) == 400, "hub followers %lld",
              (long long)tc_net_degree(&w.net, hub));
        int in = 0;
        for (int64_t i = w.net.off[hub]; i < w.net.off[hub + 1]; i++)
            in += w.pop.comm[w.net.dst[i]] == 0;
        CHECK(in == 200, "followers in its community: %d", in);
        tc_world_destroy(&w);
        tc_scenario_destroy(&sc);
    }

    /* tc_touch_pages: a zero at every 4 KB of a block of 4 MB or more on 2
     * threads, and nothing else; nothing on 1 thread, below 4 MB, or inside a
     * parallel region */
    {
        size_t sz = ((size_t)6 << 20) + 123;
        unsigned char *p = malloc(sz);
        size_t wrong = 0;
        memset(p, 0xab, sz);
        omp_set_num_threads(2);
        tc_touch_pages(p, sz);
        for (size_t i = 0; i < sz; i++) wrong += p[i] != (i % 4096 ? 0xab : 0);
        CHECK(wrong == 0, "%zu bytes not as written on 2 threads", wrong);
        memset(p, 0xab, sz);
        omp_set_num_threads(1);
        tc_touch_pages(p, sz);
        omp_set_num_threads(2);
        tc_touch_pages(p, ((size_t)4 << 20) - 1);
#pragma omp parallel num_threads(2)
        {
#pragma omp single
            tc_touch_pages(p, sz);
        }
        wrong = 0;
        for (size_t i = 0; i < sz; i++) wrong += p[i] != 0xab;
        CHECK(wrong == 0, "%zu bytes written where nothing should be", wrong);
        free(p);
    }

    /* 2 M edges among 100,000 accounts (8 MB of audiences, touched on 2
     * threads before the scattered fill): each audience is the sorted set of
     * its edges' ends, self-loops and repeats left out */
    {
        int32_t nn = 100000;
        int64_t mm = 2000000;
        int32_t *es = malloc((size_t)mm * sizeof *es), *ed = malloc((size_t)mm * sizeof *ed);
        uint64_t x = 88172645463325252ull, *key = malloc((size_t)mm * sizeof *key);
        for (int64_t e = 0; e < mm; e++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            es[e] = (int32_t)(x % (uint64_t)nn);
            ed[e] = (int32_t)((x >> 32) % 997 + (uint64_t)es[e] * 7) % nn;
            key[e] = (uint64_t)es[e] << 32 | (uint32_t)ed[e];
        }
        omp_set_num_threads(2);
        tc_net big;
        CHECK(tc_net_from_edges(&big, nn, mm, es, ed, &err) == 0, "%s", err.msg);
        qsort(key, (size_t)mm, sizeof *key, cmp_u64);
        int64_t k = 0, wrong = 0;
        for (int64_t e = 0; e < mm; e++) {
            if (e && key[e] == key[e - 1]) continue;
            int32_t a = (int32_t)(key[e] >> 32), b = (int32_t)(uint32_t)key[e];
            if (a == b) continue;
            wrong += k >= big.m || big.dst[k] != b || k < big.off[a] || k >= big.off[a + 1];
            k++;
        }
        CHECK(wrong == 0 && k == big.m, "%lld entries differ; %lld kept against m = %lld",
              (long long)wrong, (long long)k, (long long)big.m);
        tc_net_destroy(&big);
        free(key);
        free(es);
        free(ed);
    }

    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return tc_test_done("net");
}
