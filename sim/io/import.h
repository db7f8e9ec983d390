/* Observed cascades read from files (Twitter15/16 propagation trees, or CSV rows
 * time,account,parent) into the same cascade statistics and event table as a
 * simulated run, with the data's quirks counted rather than crashed on. */
#ifndef TC_SIM_IMPORT_H
#define TC_SIM_IMPORT_H

#include <stdint.h>

#include "base/err.h"
#include "engine/cascade.h"

typedef enum { TC_SRC_TWITTER1516, TC_SRC_CSV } tc_source;

typedef struct tc_observed {
    tc_source source;
    int32_t naccounts;
    char **names;             /* [naccounts] original account identifiers */
    int32_t ncasc;
    int32_t *author;          /* [ncasc] account id of the root */
    char **label, **veracity; /* [ncasc] source post id (or file name); label or "" */
    tc_cascade_stats *stats;  /* [ncasc] */
    int64_t nev;              /* events: one per reachable reshare */
    double *t;
    int32_t *account, *parent, *root, *depth;
    /* quirks met */
    int64_t files, malformed_lines, duplicate_edges, negative_delays, multi_parent_children,
        unreachable_nodes, empty_cascades;
    int64_t cap_casc, cap_ev, cap_acc;
} tc_observed;

/* Read Twitter15/16 tree files. Each path is a tree file or a folder searched
 * recursively for tree/<id>.txt; labels come from label.txt beside the tree/
 * folder. Cascades are ordered by file path. TC_EINPUT if a path cannot be read
 * or no tree file is found. */
int tc_import_twitter1516(tc_observed *o, const char *const *paths, int n, tc_err *err);

/* Read CSV files with the header "time,account,parent" (seconds; empty parent =
 * a root). TC_EINPUT with file:line on a malformed header or unreadable file. */
int tc_import_csv(tc_observed *o, const char *const *paths, int n, tc_err *err);

void tc_observed_destroy(tc_observed *o);

#endif
