/* The units and description attributes of the datasets the writer makes
 * (docs/hdf5.md, "Units and descriptions"). */
#ifndef TC_SIM_H5DOC_H
#define TC_SIM_H5DOC_H

#include <stddef.h>

/* The units and description of dataset `path` (absolute, e.g.
 * "/series/posts_human") in a file of `kind` ("run", "sweep", "observed",
 * "volume" or "fit"): 1 and *units, desc[n] set; 0 when the table has no row. */
int tc_h5doc_lookup(const char *kind, const char *path, const char **units, char *desc,
                    size_t n);

#endif
