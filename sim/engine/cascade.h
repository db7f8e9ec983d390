/* The shape of one cascade tree: size, depth, breadth, structural virality (Goel
 * et al. 2016, in linear time), time to reach 10/100/1,000 reshares, and the part
 * bots played. Simulated and imported cascades both go through this one function. */
#ifndef TC_SIM_CASCADE_H
#define TC_SIM_CASCADE_H

#include <stdint.h>

typedef struct tc_cascade_stats {
    int64_t size;               /* reshares reachable from the root (nodes - 1) */
    int32_t depth;              /* longest chain from the root */
    int64_t max_breadth;        /* most nodes at one depth >= 1 */
    double structural_virality; /* mean pairwise distance; NaN when size == 0 */
    double t_reach[3];          /* seconds to 10, 100, 1000 reshares; NaN if never */
    int64_t bot_reshares, via_bot;
    int64_t unreachable;        /* nodes not connected to the root (ignored) */
} tc_cascade_stats;

/* Reshare counts whose time t_reach records; the last is the largest. */
#define TC_CASCADE_REACH_MAX 1000
extern const int64_t tc_cascade_reach_marks[3];

/* The reach times of one cascade, gathered one reshare at a time in any order:
 * the TC_CASCADE_REACH_MAX smallest times seen, kept in a max-heap, so that n
 * reshares cost O(n log TC_CASCADE_REACH_MAX) and no copy of their times. Set
 * m = 0 to start; 8 KB, for the stack or a workspace reused across cascades. */
typedef struct tc_cascade_reach {
    int64_t m;                           /* times kept */
    double low[TC_CASCADE_REACH_MAX];    /* the heap: low[0] the largest kept */
} tc_cascade_reach;

/* Keep t among the smallest: the slow half of tc_cascade_reach_add, for a time
 * that belongs there. O(log TC_CASCADE_REACH_MAX). */
void tc_cascade_reach_keep(tc_cascade_reach *h, double t);

/* Count one reshare at time t. O(1) when t is not among the smallest so far. */
static inline void tc_cascade_reach_add(tc_cascade_reach *h, double t)
{
    if (h->m < TC_CASCADE_REACH_MAX || t < h->low[0]) tc_cascade_reach_keep(h, t);
}

/* Set out->t_reach[k] to the time of the tc_cascade_reach_marks[k]-th reshare
 * minus t0, for the marks that the reshares added reach; the others are left
 * as they are (NaN from tc_cascade_tree_stats). Sorts h->low. Subtracting after
 * the selection gives the same doubles as subtracting t0 from every time
 * before it: rounding x - t0 never reverses the order of two times. */
void tc_cascade_reach_end(tc_cascade_reach *h, double t0, tc_cascade_stats *out);

/* Statistics of the tree of n nodes where node 0 is the root, parent[0] = -1, and
 * parent[i] is node i's parent (or -1 / out of range when unknown: the node is
 * then unreachable). t[i]: seconds after the root (t may be NULL: t_reach NaN).
 * bot[i] nonzero for bot nodes (may be NULL). depth_out[i] (may be NULL) receives
 * each node's depth, -1 when unreachable. Nodes on a cycle are unreachable.
 * Time O(n log n) (for the reach times; O(n) without t), memory O(n). */
void tc_cascade_tree_stats(int64_t n, const int64_t *parent, const double *t,
                           const uint8_t *bot, tc_cascade_stats *out, int32_t *depth_out);

#endif
