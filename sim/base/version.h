/* The program version and the output layout's version, stored in every file
 * the program writes (docs/hdf5.md). */
#ifndef TC_SIM_VERSION_H
#define TC_SIM_VERSION_H

#define TC_VERSION "0.2.0"

/* The layout version of run, sweep, observed and fit files. It changes when a
 * dataset or attribute changes meaning, type or goes away; a dataset added
 * beside the others (old readers pass it by) keeps it. 2: units and
 * descriptions, dimension scales, CF time units, /cascade/events/class an
 * enumeration (docs/hdf5.md, "Schema versions"). Readers take every version
 * from TC_SCHEMA_OLDEST to TC_SCHEMA_VERSION. */
#define TC_SCHEMA_VERSION 2
#define TC_SCHEMA_OLDEST 1

/* The layout version of graph stores (docs/graphstore.md). */
#define TC_STORE_SCHEMA_VERSION 1

#endif
