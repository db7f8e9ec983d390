/* Counter-based random streams: Random123's Philox4x32-10 wrapped as a gsl_rng_type,
 * positioned per decision so that every draw is a pure function of
 * (run key, purpose, a, b) and never of the thread or the order of events. */
#ifndef TC_SIM_RNG_H
#define TC_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* What a draw decides. Each purpose owns its own streams, so adding a new kind of
 * decision never shifts the draws of an existing one. Values are part of the
 * output's definition: never renumber, only append. */
enum tc_purpose {
    TC_P_GRAPH = 1,     /* graph post-processing: a = edge index low, b = step */
    TC_P_HUB = 2,       /* hub follower choice: a = hub index */
    TC_P_BOTS = 3,      /* bot placement: a = account */
    TC_P_ADOPT = 4,     /* does account a adopt post b = author << 32 | seq */
    TC_P_DELAY = 5,     /* response delay of account a to post b */
    TC_P_IGRAPH = 6,    /* seed for igraph's own generator */
    TC_P_MIXING = 7,    /* cross-community rewiring: a = edge index */
    TC_P_RECIPROCITY = 8, /* follow-back: a = edge index */
    TC_P_GROUPS = 9,    /* bot group and ring order: a = account */
    TC_P_INFILTRATE = 10, /* bot a's follows of humans: b = follow index */
    TC_P_SESSION = 11,  /* reading sessions of account a in local hour b */
    TC_P_TREND = 12,    /* account a's next sighting of the trend after b (bits of t);
                           engine.fast_path off: does a see it in its session at b */
    TC_P_TREND_ADOPT = 13, /* does account a adopt the trending post it saw at b */
    TC_P_REPOST = 14,   /* bot a's repost number b: Poisson gap */
    TC_P_MENTION = 15,  /* bot a's post b mentions named account j: b = seq << 8 | j */
    TC_P_TAKEDOWN = 16, /* account a removed by timeline event b */
    TC_P_DEBUNK = 17,   /* account a immunised by timeline event b */
    TC_P_GEN_WEIGHT = 18, /* synthetic graph: weights of account a (b = 0 followers,
                             1 followees) */
    TC_P_GEN_EDGES = 19,  /* synthetic graph: the followers of account a
                             (b = pass | segment << 1) */
    TC_P_STEP = 20,       /* step rules: account a's transition in step b */
    TC_P_THETA = 24,      /* an event rule's per-account uniform (a threshold):
                             a = account, b = 0 */
    TC_P_FAST_GAP = 28,   /* fast path: the gaps between candidates in block j of the
                             audience of post (a = author, seq): b = seq << 32 | j */
    TC_P_FAST_THIN = 29,  /* fast path: does candidate a keep post b = author << 32 | seq */
    TC_P_OWN = 30,        /* does adopter a write a post of its own (b = 0) */
    TC_P_FEED = 31,       /* background items ahead in account a's session at b (bits of t) */
    TC_P_FIT = 32,        /* fit: proposal b of generation a (ancestor, perturbation, prior) */
    TC_P_FIT_PRED = 33,   /* fit: the posterior predictive's draw b (a = 0) */
    TC_P_LIVE = 34,       /* lanes path: the gaps between the takers of post (author,
                             seq) in block j of its audience, in lane b: its own
                             Philox counter (engine/lanes.c, not tc_rng_seek) */
    TC_P_PRESS = 38,      /* account a's k-th sighting of press event e's news, its gap:
                             b = e << 32 | k; engine.fast_path off: does a's k-th
                             session under e show the news */
    TC_P_PRESS_ADOPT = 39, /* does account a adopt the post the news showed: b as above */
    TC_P_CONTACT = 40,    /* step engine, contacts skipped ahead: the gaps between the
                             contacts that take in block j of account a's audience in
                             step b: its own Philox counter (engine/stepper.c) */
    TC_P_LOOK = 41        /* engine.fast_path off: account a's sessions for the trend
                             (source 0) or press event i (source i + 1) in local hour
                             H: b = source << 32 | H */
};

/* Philox4x32-10 as a GSL generator. Its state is {counter, key, 4 buffered words}.
 * gsl_rng_set(r, s) sets the 64-bit key to s and the counter to 0.
 * get() returns 32-bit words; get_double() returns a 53-bit double in (0,1),
 * never 0 or 1, so log(u) is always finite. */
extern const gsl_rng_type *const tc_rng_philox;

/* A tc_rng_philox generator whose struct and state each sit on cache lines of
 * their own, for one thread among several: generators allocated one after the
 * other would otherwise share lines, and every draw would pull the line away
 * from the other thread. Freed by gsl_rng_free. Aborts when out of memory. */
gsl_rng *tc_rng_alloc_own_line(void);

/* Position `r` (which must be of type tc_rng_philox) at the start of the stream
 * (purpose, a, b) under `key`: counter = {a, b low, b high, purpose << 24 | block}.
 * purpose < 256; b uses all 64 bits. O(1), no allocation. Each stream holds 2^24
 * blocks of four 32-bit words. */
void tc_rng_seek(gsl_rng *r, uint64_t key, uint32_t purpose, uint32_t a,
                 uint64_t b);

/* One uniform double in (0,1) from the first block of stream (purpose, a, b):
 * the same value the first gsl_rng_uniform_pos() after tc_rng_seek gives.
 * For hot loops; no generator object needed. */
double tc_rng_u01(uint64_t key, uint32_t purpose, uint32_t a, uint64_t b);

/* Raw Philox4x32-10 block, for known-answer tests. */
void tc_rng_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* A 64-bit key derived from a seed and up to two indices (run, replicate…), by
 * one Philox block: distinct inputs give unrelated keys. */
uint64_t tc_rng_derive(uint64_t seed, uint32_t i, uint32_t j);

#endif
