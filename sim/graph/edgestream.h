/* Text edge lists, plain or gzip (told apart by their first two bytes), read
 * straight into the audience CSR in two passes over the file: the first checks
 * every line and counts each account's audience, the second fills the CSR in
 * place. The peak memory is the CSR itself plus a 1 MB read buffer: no igraph
 * graph (~32 bytes per edge) and no list of pairs. The language, the messages
 * and the resulting net are those of the igraph edge-list path of graph.c. */
#ifndef TC_SIM_EDGESTREAM_H
#define TC_SIM_EDGESTREAM_H

#include <stdint.h>

#include "base/err.h"
#include "base/limits.h"
#include "graph/net.h"

/* Largest account id accepted in an edge list (ids make the account count);
 * the same limit as graph.c's. */
#define TC_EDGESTREAM_MAX_ID 2000000000LL

typedef struct tc_edgestream {
    char *path;
    tc_direction direction;
    double reciprocity;  /* follow-back probability of each line (0: none) */
    uint64_t key;        /* Philox key of the follow-back draws */
    int gzip;            /* the file is gzip-compressed */
    int32_t n;           /* accounts: the largest id + 1 (0 when no line has ids) */
    int64_t pairs;       /* lines with two ids */
    int64_t edges;       /* pairs plus the follow-backs drawn, less the repeats dropped
                            while reading: the entries the CSR is given */
    int64_t repeats;     /* edges dropped while reading as repeats of a recent one */
    uint64_t check;      /* hash of the sequence of pairs: a file that changes
                            between the passes is noticed */
    int64_t *deg;        /* [cap]: edges per source account; becomes the CSR's off */
    int64_t cap;
} tc_edgestream;

/* First pass over `path`. A line holds nothing or two ids ("A B"); `#` starts a
 * comment up to the end of the line; ids are separated by spaces, tabs or CRs.
 * With `follows`, "A B" means A follows B: B's posts reach A; with `flows`, A's
 * posts reach B. Line e (counting the lines with two ids from 0) is also
 * returned (follow-back) when tc_rng_u01(key, TC_P_RECIPROCITY, e, e >> 32) <
 * reciprocity: the draws of graph.c. Errors (TC_EINPUT): "path: cannot open",
 * "path:L:C: expected an account id: …, got "…"", "path:L:C: expected two
 * account ids on a line, got …", a damaged or truncated gzip stream. O(bytes).
 * `s` is released with tc_edgestream_destroy, also after a failure. */
int tc_edgestream_scan(tc_edgestream *s, const char *path, tc_direction direction,
                       double reciprocity, uint64_t key, tc_err *err);

/* Second pass: `net` becomes the frozen CSR of the file's edges on n >= s->n
 * accounts, plus k more edges src[i] -> dst[i] (the named accounts' follows).
 * s->deg is handed over to net->off. TC_ERUNTIME if the file changed since the
 * scan; TC_EINPUT if an added edge names an account outside [0, n). */
int tc_edgestream_fill(tc_edgestream *s, tc_net *net, int32_t n, int64_t k,
                       const int32_t *src, const int32_t *dst, tc_err *err);

void tc_edgestream_destroy(tc_edgestream *s);

/* Peak bytes of streaming a graph of `accounts` and `edges`, counting what a run
 * adds on top (population, engine): for tc_graph_check_bytes. */
double tc_edgestream_bytes(double accounts, double edges);

/* scan, memory check and fill for a file alone: `net` is its CSR (TC_EINPUT
 * "path: the graph has no accounts" when no line has ids). */
int tc_edgestream_load(tc_net *net, const char *path, tc_direction direction, tc_err *err);

#endif
