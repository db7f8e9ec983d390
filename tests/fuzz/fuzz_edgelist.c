/* Fuzz target: the input as a graph file read through a scenario
 * (tc_scenario_parse + tc_world_build), igraph's readers and graph.c after them.
 *
 * Input layout: one selector byte, then the file's bytes. The selector picks
 *   format    = s % 5        edgelist, ncol, graphml, gml, pajek
 *   direction = (s / 5) % 2  follows, flows
 *   variant   = (s / 10) % 4 plain; two communities + a named account + bots;
 *                            community_attribute "c" + bots in community "1";
 *                            reciprocity + bots on the most followed
 *   gzip      = (s / 40) % 2 the file is written gzip-compressed (edge lists
 *                            are read through zlib then)
 * An edge list written plain is also read through igraph's path (tc_graph_build
 * + tc_net_from_edges): the streamed net, communities and error message must be
 * the same, or the target aborts.
 *
 *   libFuzzer: make fuzz            replay: tests/cli/test_fuzz_regressions.sh */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/err.h"
#include "world/world.h"
#include "graph/graph.h"
#include "input/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char graph_path[256];

static void remove_graph(void) { unlink(graph_path); }

static void setup(void)
{
    struct stat st;
    const char *dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
                              access("/dev/shm", W_OK) == 0
                          ? "/dev/shm"
                          : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    snprintf(graph_path, sizeof graph_path, "%s/tcfuzz-graph-%ld", dir, (long)getpid());
    tc_lib_errors_off();
    atexit(remove_graph);
}

/* Edge lists and Pajek files name accounts by number and a graph has as many
 * accounts as its largest number: a file "0 20000000" asks for twenty million
 * accounts, a valid (if large) request that the program honours when the memory
 * is there, and that would only hit the fuzzer's memory limit. Such inputs are
 * skipped: in an edge list, any number from 100001 to 2,000,000,000 (larger ids
 * are refused by graph.c itself, which is worth fuzzing); in a Pajek file, any
 * number above 100000 or written with an exponent or a fraction. */
#define SMALL_ID 100000ULL
#define EDGELIST_MAX_ID 2000000000ULL /* sim/graph.c: TC_EDGELIST_MAX_ID */

static int asks_for_huge_graph(const uint8_t *p, size_t n, int edgelist)
{
    for (size_t i = 0; i < n;) {
        if (!isdigit(p[i])) {
            i++;
            continue;
        }
        unsigned long long v = 0;
        size_t j = i;
        for (; j < n && isdigit(p[j]); j++)
            if (v <= EDGELIST_MAX_ID) v = v * 10 + (unsigned)(p[j] - '0');
        if (v > SMALL_ID && (!edgelist || v <= EDGELIST_MAX_ID)) return 1;
        if (!edgelist && j < n && (p[j] == 'e' || p[j] == 'E' || p[j] == '.')) return 1;
        i = j;
    }
    return 0;
}

/* The edge list read through igraph must give what the stream gave. A world
 * that failed may have failed after its graph (population, timeline): then the
 * graph part alone is built again to compare. */
static void same_as_igraph(const tc_scenario *sc, int rc, const tc_world *w)
{
    tc_world own;
    tc_err e1 = {0}, e2 = {0};
    tc_edges g;
    tc_net ref;
    memset(&ref, 0, sizeof ref);
    int rc1 = rc == TC_OK ? TC_OK : tc_world_build_graph(&own, sc, &e1);
    const tc_world *x = rc == TC_OK ? w : &own;
    int rc2 = tc_graph_build(&g, sc, tc_world_key(sc->seed), &e2);
    int have_g = rc2 == TC_OK;
    if (!rc2) rc2 = tc_net_from_edges(&ref, g.n, g.m, g.src, g.dst, &e2);
    if (rc1 != rc2 || (rc1 && strcmp(e1.msg, e2.msg))) {
        fprintf(stderr, "streamed and igraph paths differ: rc %d '%s', rc %d '%s'\n", rc1,
                e1.msg, rc2, e2.msg);
        abort();
    }
    if (!rc1 && (x->net.n != ref.n || x->net.m != ref.m ||
                 tc_net_hash(&x->net) != tc_net_hash(&ref) ||
                 x->net.self_loops_dropped != ref.self_loops_dropped ||
                 x->net.duplicates_dropped != ref.duplicates_dropped || x->ncomm != g.ncomm ||
                 memcmp(x->comm, g.comm, (size_t)ref.n * sizeof *g.comm))) {
        fprintf(stderr, "streamed and igraph nets differ\n");
        abort();
    }
    tc_net_destroy(&ref);
    if (have_g) tc_graph_destroy(&g);
    if (rc != TC_OK && rc1 == TC_OK) tc_world_destroy(&own);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const formats[] = {"edgelist", "ncol", "graphml", "gml", "pajek"};
    static const char *const directions[] = {"follows", "flows"};
    static const char *const variants[] = {
        "",
        "  communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]\n"
        "population: {bots: {fraction: 0.2, placement: random}}\n"
        "accounts:\n"
        "  - {name: src, community: b, followers: 1, following: 1, in_community: 0.5}\n",
        "  community_attribute: c\n"
        "population: {bots: {fraction: 0.1, placement: community, community: '1'}}\n",
        "  reciprocity: 0.5\n"
        "population: {bots: {fraction: 0.3, placement: followers}}\n",
    };
    if (!graph_path[0]) setup();
    if (size < 1) return 0;
    unsigned sel = data[0];
    int fmt = (int)(sel % 5), dir = (int)(sel / 5 % 2), var = (int)(sel / 10 % 4);
    int gz = (int)(sel / 40 % 2);
    data++;
    size--;
    if ((fmt == 0 || fmt == 4) && asks_for_huge_graph(data, size, fmt == 0)) return 0;

    if (gz) {
        gzFile g = gzopen(graph_path, "wb");
        if (!g) abort(); /* the harness itself cannot work */
        if (size && gzwrite(g, data, (unsigned)size) != (int)size) abort();
        if (gzclose(g) != Z_OK) abort();
    } else {
        FILE *f = fopen(graph_path, "wb");
        if (!f) abort();
        if (size && fwrite(data, 1, size, f) != size) abort();
        if (fclose(f)) abort();
    }

    char text[2048];
    snprintf(text, sizeof text,
             "seed: 7\n"
             "time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}\n"
             "graph:\n"
             "  file: '%s'\n"
             "  format: %s\n"
             "  direction: %s\n"
             "%s"
             "model: {name: ic, p: 0.5}\n",
             graph_path, formats[fmt], directions[dir], variants[var]);

    tc_scenario sc;
    tc_err err = {0};
    if (tc_scenario_parse(&sc, "fuzz-edgelist.yaml", text, NULL, 0, &err) == TC_OK) {
        tc_world w;
        tc_err werr = {0};
        int rc = tc_world_build(&w, &sc, &werr);
        if (fmt == 0 && !gz) same_as_igraph(&sc, rc, &w);
        if (rc == TC_OK) tc_world_destroy(&w);
    }
    tc_scenario_destroy(&sc);
    return 0;
}
