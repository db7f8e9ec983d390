/* The program version and the output layout's version, stored in every file
 * the program writes (docs/hdf5.md). */
#ifndef TC_SIM_VERSION_H
#define TC_SIM_VERSION_H

#define TC_VERSION "0.1.0"

/* The layout version of run, sweep, observed and graph store files. It changes
 * when a dataset or attribute changes meaning or goes away; a dataset added
 * beside the others (old readers pass it by) keeps it. */
#define TC_SCHEMA_VERSION 1

#endif
