/* Durations ("1h30m") and ISO 8601 date-times with a UTC offset, to and from
 * the integers the simulator counts in. */
#include "base/datetime.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tc_duration_parse(const char *s, int64_t *ms)
{
    double total = 0;
    const char *p = s;
    int parts = 0;

    while (isspace((unsigned char)*p)) p++;
    if (*p == '+') p++;
    if (!*p) return -1;
    while (*p) {
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)*p) && *p != '.') return -1;
        double v = strtod(p, &end);
        if (end == p || errno || !isfinite(v) || v < 0) return -1;
        p = end;
        double unit;
        if (strncmp(p, "ms", 2) == 0) unit = 0.001, p += 2;
        else if (*p == 's') unit = 1, p++;
        else if (*p == 'm') unit = 60, p++;
        else if (*p == 'h') unit = 3600, p++;
        else if (*p == 'd') unit = 86400, p++;
        else if (*p == '\0' && parts == 0) unit = 1; /* bare number: seconds */
        else return -1;
        total += v * unit;
        parts++;
        while (isspace((unsigned char)*p)) p++;
    }
    double m = total * 1000.0;
    if (m > 9.0e15 || fabs(m - llround(m)) > 1e-6) return -1;
    *ms = llround(m);
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int tc_datetime_parse(const char *s, int64_t *epoch, int *offset_s)
{
    int Y, M, D, h, mi, se = 0, oh, om;
    const char *p = s;
    if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' ||
        digits(&p, 2, &D) || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi)) return -1;
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &se)) return -1;
    }
    int off;
    if (*p == 'Z' || *p == 'z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        p++;
        if (digits(&p, 2, &oh)) return -1;
        if (*p == ':') p++;
        if (digits(&p, 2, &om)) return -1;
        if (oh > 14 || om > 59) return -1;
        off = sign * (oh * 3600 + om * 60);
    } else {
        return -1; /* an offset is required: local time is ambiguous */
    }
    if (*p) return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || mi > 59 || se > 60)
        return -1;
    if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0)) return -1;
    *epoch = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + mi * 60 +
             se - off;
    *offset_s = off;
    return 0;
}

void tc_datetime_format(int64_t epoch, int offset_s, char *buf, size_t n)
{
    int64_t local = epoch + offset_s;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t sec = local - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    int a = abs(offset_s);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
             offset_s < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}
