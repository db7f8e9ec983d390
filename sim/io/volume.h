/* Observed volume curves: how many posts carried the hashtag in each bin of
 * time, read from CSV (post timestamps, or bin starts and counts) into an
 * observed file's /series, and read back from that file for `fit`. */
#ifndef TC_SIM_VOLUME_H
#define TC_SIM_VOLUME_H

#include <stdint.h>
#include <stdio.h>

#include "base/err.h"

/* Limits of a CSV file: longest line (bytes), most data rows, most bins. */
#define TC_VOLUME_LINE_MAX 65536
#define TC_VOLUME_MAX_ROWS 100000000LL
#define TC_VOLUME_MAX_BINS 10000000LL
/* Bin widths: whole seconds from 1 s to 366 days. */
#define TC_VOLUME_BIN_MAX_S (366LL * 86400)

typedef struct tc_volume {
    int64_t start;     /* UTC epoch seconds at which bin 0 starts */
    int offset_s;      /* the time zone the data was given in (for display) */
    double bin_s;      /* bin width, seconds */
    int64_t B;         /* bins */
    double *total;     /* [B] posts in each bin */
    double *human;     /* [B] or NULL: the posts of people, when the data says */
    double *bot;       /* [B] or NULL: the posts of bots, when the data says */
    int64_t rows;      /* CSV data rows read */
    /* offset_s is the offset of the first time written as a date-time (with its
     * own offset, or naive in --tz), else --tz, else 0 */
} tc_volume;

typedef struct tc_volume_opts {
    int64_t bin_ms;    /* bin width for timestamp files (0: one hour); bin files:
                          0 = inferred from the starts, else checked against them;
                          whole seconds from 1 s to 366 days */
    int have_tz;       /* 1: timestamps without an offset are in tz_offset_s */
    int tz_offset_s;
} tc_volume_opts;

/* Read a CSV file of one of two shapes, told apart by the header:
 *   time[,class]               one row per post; time ISO 8601 with an offset
 *                              (or naive, with opts->have_tz) or Unix seconds;
 *                              class human|bot, optional
 *   start,count[,human,bot]    one row per bin, starts evenly spaced and rising
 * TC_EINPUT naming the file, line and column on anything malformed, an empty
 * file, or a naive time without --tz. Timestamps: bins of opts->bin_ms from the
 * first post's time floored to the bin width (in UTC) up to the last post's bin.
 * Bins: the width inferred from the first two starts (or opts->bin_ms, which
 * they must match; one row needs it); starts on whole seconds; counts finite
 * and >= 0, human + bot at most count. Lines of at most TC_VOLUME_LINE_MAX
 * bytes, at most TC_VOLUME_MAX_ROWS rows and TC_VOLUME_MAX_BINS bins. */
int tc_volume_read_csv(tc_volume *v, const char *path, const tc_volume_opts *o, tc_err *err);

/* Read an observed volume file written by tc_volume_write (kind "observed",
 * /meta source "volume"). TC_EINPUT naming the file and dataset otherwise. */
int tc_volume_read_h5(tc_volume *v, const char *path, tc_err *err);

/* Write `v` atomically as an observed file (docs/hdf5.md, "Observed volume"). */
int tc_volume_write(const char *path, const tc_volume *v, const char *source_path,
                    const char *command, tc_err *err);

/* Print a short summary of an observed volume file (for `tagcascade summary`):
 * the CSV it came from, start, bin width, bins, total posts, the peak bin and
 * its start, people's and bots' totals when present. TC_EINPUT as
 * tc_volume_read_h5. */
int tc_volume_print(const char *path, FILE *out, tc_err *err);

/* A bin width in seconds as text: "1h", "15m", "1h30m", "1d", "90s" → "1m30s". */
void tc_volume_width_text(double s, char *buf, size_t n);

/* Free the arrays and zero `v` (a zeroed or destroyed `v` is fine). */
void tc_volume_destroy(tc_volume *v);

#endif
