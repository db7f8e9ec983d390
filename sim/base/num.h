/* Whole numbers from text (command-line options, fields of input files), read
 * strictly: digits only (a sign where allowed), no empty text, no trailing
 * characters, and a value outside the range given is an error, never wrapped
 * or clamped. */
#ifndef TC_SIM_NUM_H
#define TC_SIM_NUM_H

#include <stdint.h>

#include "base/err.h"

/* Parse `s` as a decimal integer in [lo, hi] into *v. TC_OK, or TC_EINPUT with
 * a message naming `what` (e.g. "--threads"), the range and the text given. */
int tc_num_i64(const char *s, int64_t lo, int64_t hi, const char *what, int64_t *v, tc_err *err);

/* The same for an unsigned 64-bit value in [0, hi] (no sign at all). */
int tc_num_u64(const char *s, uint64_t hi, const char *what, uint64_t *v, tc_err *err);

#endif
