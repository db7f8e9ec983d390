/* The graph store: a graph's audience CSR in HDF5 (layout in docs/graphstore.md),
 * written under a temporary name and renamed when complete, and read back with
 * every invariant checked, so that a damaged, cut short or hand-made file gives a
 * message naming the file and the dataset, never a crash or a wrong graph. */
#ifndef TC_SIM_GRAPHSTORE_H
#define TC_SIM_GRAPHSTORE_H

#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/outfile.h"
#include "base/limits.h"
#include "graph/net.h"

/* /graph's format_version attribute: what this program writes and reads. */
#define TC_GRAPHSTORE_VERSION 1

/* Where a graph came from, written as attributes; and its communities. */
typedef struct tc_graphstore_meta {
    const char *source;        /* the file converted, or the generator and its options */
    const char *source_format; /* edgelist, ncol, graphml, gml, pajek, chung-lu */
    const char *direction;     /* how the file was read (follows, flows); NULL if none */
    int ncomm;                 /* communities stored; 0: none */
    const uint16_t *comm;      /* [n]: community of each account */
    const char (*comm_names)[TC_NAME_MAX];
} tc_graphstore_meta;

/* A store being written: the audiences (dst) are appended in CSR order, one
 * HDF5 chunk at a time, so the bytes of the file depend only on the graph, not
 * on how the entries were handed over; the offsets and the rest come last. */
typedef struct tc_graphstore_out {
    char *path, *tmp;   /* tmp: out.tmp, the temporary file */
    tc_outfile out;
    hid_t file, group, dst;
    int32_t *stage;          /* entries of the chunk being filled */
    int64_t nstage, written; /* staged; already in the file */
    int failed, done;
} tc_graphstore_out;

/* Create `path`'s temporary file (`path`.tmp<pid>) with an empty store.
 * TC_ERUNTIME if it cannot be created. Release with tc_graphstore_out_destroy. */
int tc_graphstore_create(tc_graphstore_out *o, const char *path, tc_err *err);

/* Append k audience entries (account ids), in CSR order. */
int tc_graphstore_append(tc_graphstore_out *o, const int32_t *dst, int64_t k, tc_err *err);

/* Write the offsets off[n+1] (off[n] must equal the entries appended), the
 * counts dropped while the graph was made, the communities and the provenance;
 * close and rename into place. `hash` is tc_net_hash of the graph, or NULL to
 * compute it by reading the entries back from the file (one chunk at a time).
 * TC_ERUNTIME on a write failure (disk full), leaving nothing behind. */
int tc_graphstore_finish(tc_graphstore_out *o, int32_t n, const int64_t *off,
                         int64_t self_loops, int64_t duplicates, const uint64_t *hash,
                         const tc_graphstore_meta *meta, tc_err *err);

/* Close; unless finished, remove the temporary file. Accepts a zeroed struct. */
void tc_graphstore_out_destroy(tc_graphstore_out *o);

/* The whole of a net in memory: create, append, finish. */
int tc_graphstore_write(const char *path, const tc_net *net, const tc_graphstore_meta *meta,
                        tc_err *err);

/* What a store says about itself besides the CSR. */
typedef struct tc_graphstore_info {
    int ncomm;                       /* 0 if the store has no communities */
    uint16_t *comm;                  /* [n] or NULL */
    char (*comm_names)[TC_NAME_MAX]; /* [ncomm] */
    uint64_t hash;                   /* tc_net_hash, checked against the arrays */
    int has_hash;                    /* the store carried a hash attribute */
    char source[1024], source_format[64], direction[16];
} tc_graphstore_info;

/* Read and check the store at `path` into a frozen net (self-loop and duplicate
 * counts from the store). Checked: the root `kind` is "graph", /graph's
 * format_version, n and m, every dataset's presence, class and shape, offsets
 * starting at 0, monotone and ending at m, audiences sorted without repeats,
 * self-loops or ids outside [0, n), the hash, the communities (ids in range,
 * names unique, 1-63 bytes). Anything else: TC_EINPUT with a message
 * "path: /graph/dataset: …". A graph too big for the memory available is refused
 * before its arrays are read. O(n + m). */
int tc_graphstore_read(const char *path, tc_net *net, tc_graphstore_info *info, tc_err *err);

void tc_graphstore_info_destroy(tc_graphstore_info *info);

/* `tagcascade graph info`: read (and so check) the store, print its size,
 * follower and followee counts (mean, largest), communities and hash. */
int tc_graphstore_print(const char *path, FILE *out, tc_err *err);

#endif
