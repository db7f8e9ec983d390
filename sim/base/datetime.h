/* Durations and ISO 8601 date-times, as scenario files and outputs write them. */
#ifndef TC_SIM_DATETIME_H
#define TC_SIM_DATETIME_H

#include <stddef.h>
#include <stdint.h>

/* Parse a duration "90s", "15m", "2h", "1d", "1h30m", "250ms", or a bare number of
 * seconds, into milliseconds. Returns 0 on success, -1 if malformed or negative. */
int tc_duration_parse(const char *s, int64_t *ms);

/* Parse an ISO 8601 date-time "YYYY-MM-DDTHH:MM:SS(Z|+HH:MM|-HH:MM)" (a space may
 * replace T; seconds optional). Returns 0 and the UTC epoch and offset, or -1. */
int tc_datetime_parse(const char *s, int64_t *epoch, int *offset_s);

/* Format epoch as ISO 8601 in the given offset, e.g. 2017-05-05T20:49:00+02:00. */
void tc_datetime_format(int64_t epoch, int offset_s, char *buf, size_t n);

#endif
