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

/* Reshare counts whose time t_reach records. */
extern const int64_t tc_cascade_reach_marks[3];

/* Statistics of the tree of n nodes where node 0 is the root, parent[0] = -1, and
 * parent[i] is node i's parent (or -1 / out of range when unknown: the node is
 * then unreachable). t[i]: seconds after the root (t may be NULL: t_reach NaN).
 * bot[i] nonzero for bot nodes (may be NULL). depth_out[i] (may be NULL) receives
 * each node's depth, -1 when unreachable. Nodes on a cycle are unreachable.
 * Time O(n log n) (for the reach times; O(n) without t), memory O(n). */
void tc_cascade_tree_stats(int64_t n, const int64_t *parent, const double *t,
                           const uint8_t *bot, tc_cascade_stats *out, int32_t *depth_out);

#endif
