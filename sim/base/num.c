/* Strict whole numbers: every character checked, overflow detected digit by digit. */
#include "base/num.h"

#include <inttypes.h>

/* The digits of s (after an optional sign when `sign_ok`) into *mag; 0 if s is
 * not a number, -1 if it exceeds UINT64_MAX. *neg is set for a leading '-'. */
static int digits(const char *s, int sign_ok, uint64_t *mag, int *neg)
{
    *neg = 0;
    *mag = 0;
    if (sign_ok && (*s == '-' || *s == '+')) *neg = *s++ == '-';
    if (!*s) return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        uint64_t d = (uint64_t)(*s - '0');
        if (*mag > (UINT64_MAX - d) / 10) return -1;
        *mag = *mag * 10 + d;
    }
    return 1;
}

int tc_num_i64(const char *s, int64_t lo, int64_t hi, const char *what, int64_t *v, tc_err *err)
{
    uint64_t mag;
    int neg, ok = digits(s ? s : "", 1, &mag, &neg);
    if (ok == 1) {
        int fits = neg ? mag <= (uint64_t)INT64_MAX + 1 : mag <= (uint64_t)INT64_MAX;
        int64_t x = !fits ? 0 : neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag)
                                    : (int64_t)mag;
        if (fits && x >= lo && x <= hi) {
            *v = x;
            return TC_OK;
        }
    }
    tc_err_set(err, TC_EINPUT, "%s: expected a whole number from %" PRId64 " to %" PRId64
               ", got '%s'%s", what, lo, hi, s ? s : "", ok != 0 ? " (out of range)" : "");
    return TC_EINPUT;
}

int tc_num_u64(const char *s, uint64_t hi, const char *what, uint64_t *v, tc_err *err)
{
    uint64_t mag;
    int neg, ok = digits(s ? s : "", 0, &mag, &neg);
    if (ok == 1 && mag <= hi) {
        *v = mag;
        return TC_OK;
    }
    tc_err_set(err, TC_EINPUT, "%s: expected a whole number from 0 to %" PRIu64 ", got '%s'%s",
               what, hi, s ? s : "", ok != 0 ? " (out of range)" : "");
    return TC_EINPUT;
}
