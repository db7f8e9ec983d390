/* A synthetic follower graph with heavy-tailed follower and followee counts: a
 * directed Chung-Lu graph, optionally with communities (a block Chung-Lu), drawn
 * straight into a graph store. Equations in docs/graphstore.md. Every draw comes
 * from Philox streams keyed by (seed, account), so the same options give a
 * byte-identical store on any number of OpenMP threads. */
#ifndef TC_SIM_CHUNGLU_H
#define TC_SIM_CHUNGLU_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "base/err.h"

typedef struct tc_chunglu {
    int64_t n;          /* accounts, 2 .. INT32_MAX - 1,000,000 */
    double mean_degree; /* D: follows per account, as a target (0, n - 1] */
    double gamma_in;    /* follower counts: P(k) ~ k^-gamma_in, (2, 10] */
    double gamma_out;   /* followee counts: P(k) ~ k^-gamma_out, (2, 10] */
    int communities;    /* K, 1 .. min(1024, n): consecutive id ranges c0 .. c(K-1) */
    double mixing;      /* mu in [0, 1]: expected share of an account's followers from
                           other communities (0 when K = 1) */
    uint64_t seed;
} tc_chunglu;

/* The model's weights, communities and candidate orders. */
typedef struct tc_chunglu_model {
    tc_chunglu p;
    int32_t n;
    int K;
    uint64_t key;                 /* tc_rng_derive(seed, 0, 0) */
    double *w_in, *w_out;         /* [n]: follower and followee weights */
    uint16_t *comm;               /* [n] */
    int64_t *first;               /* [K + 1]: community c = ids first[c] .. first[c+1]-1 */
    double *W;                    /* [K]: total weight of a community (in = out) */
    double W_all;
    double scale;                 /* s of the calibration (docs/graphstore.md) */
    int32_t *own_id;              /* [n]: each community's range sorted by w_out, largest first */
    double *own_w;
    int32_t *all_id;              /* [n]: all accounts by w_out (K > 1 and mixing > 0) */
    double *all_w;
} tc_chunglu_model;

/* Weights and orders for `p`: O(n log n), about 50 bytes per account, OpenMP.
 * TC_EINPUT for options out of range (named as the command's options). */
int tc_chunglu_model_init(tc_chunglu_model *m, const tc_chunglu *p, tc_err *err);
void tc_chunglu_model_destroy(tc_chunglu_model *m);

/* The probability that v follows u (v is in u's audience); 0 for v == u. */
double tc_chunglu_prob(const tc_chunglu_model *m, int32_t u, int32_t v);

/* Draw u's audience, appended sorted at (*buf)[at ..] (grown as needed); returns
 * its size. `r` is a tc_rng_philox generator, repositioned here; the draw is a
 * pure function of (seed, u). O(1 + audience size) expected. */
int64_t tc_chunglu_audience(const tc_chunglu_model *m, int32_t u, gsl_rng *r, int32_t **buf,
                            int64_t *cap, int64_t at);

/* The audiences of nb blocks of `rows` accounts from account `first` on (the
 * last clipped to the model's n), drawn on threads, a block each: block i's
 * audiences one after another in bufs[i] (grown as needed, capacity caps[i]),
 * lens[i] entries in all, and sizes[u - first] the size of u's. The same for
 * any thread count. */
void tc_chunglu_audience_blocks(const tc_chunglu_model *m, int64_t first, int64_t rows, int nb,
                                int32_t **bufs, int64_t *caps, int64_t *lens, int64_t *sizes);

/* Generate the graph into the store `path` (atomically), audiences drawn in
 * parallel over blocks of accounts and written in order: memory O(n) plus a
 * batch of audiences, never the whole graph. *m_out receives the follows drawn.
 * TC_EINPUT for bad options or too little memory, TC_ERUNTIME if the store
 * cannot be written. */
int tc_chunglu_write(const char *path, const tc_chunglu *p, int64_t *m_out, tc_err *err);

#endif
