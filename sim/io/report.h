/* Human-readable views of output files: `tagcascade summary` (a run's or an
 * observed file's outcome and cascade table, a sweep's or a fit's summary).
 * Exports to GraphML, GEXF and CSV are in io/export.h. */
#ifndef TC_SIM_REPORT_H
#define TC_SIM_REPORT_H

#include <hdf5.h>
#include <stdio.h>

#include "base/err.h"

/* Print the summary of `path` to f; at most `top` cascades, largest first. */
int tc_report_summary(const char *path, FILE *f, int top, tc_err *err);

/* The summary of a fit file (kind "fit") open as `file` (report_fit.c). */
int tc_report_fit(hid_t file, const char *path, FILE *f, tc_err *err);

/* The summary of a sweep file open as `file` (report_sweep.c): each point's
 * mean metrics, and for a paired sweep the paired differences from point 0. */
int tc_report_sweep(hid_t file, const char *path, FILE *f, tc_err *err);

#endif
