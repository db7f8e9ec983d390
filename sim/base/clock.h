/* The time now, for wall-time measurements (progress, timings in /meta). */
#ifndef TC_SIM_CLOCK_H
#define TC_SIM_CLOCK_H

/* Seconds on a monotonic clock since an arbitrary origin: only differences
 * between two calls mean anything. */
double tc_clock_now(void);

#endif
