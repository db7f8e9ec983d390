/* Observed volume curves (io/volume.h): two CSV shapes read strictly, each
 * error at its file, line and column; the observed file written through the
 * HDF5 writer (io/h5out.h) and read back through the checked readers. */
#include "io/volume.h"

#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/datetime.h"
#include "base/path.h"
#include "io/h5in.h"
#include "io/h5out.h"

#define DEFAULT_BIN_MS 3600000LL
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds: the times read */
#define EPOCH_MIN (-62135596800LL)
#define EPOCH_MAX 253402300799LL
#define HEADERS "time[,class] (one row per post) or start,count[,human,bot] (one row per bin)"
#define TIME_FORMS \
    "a time (ISO 8601 with an offset, e.g. 2017-05-05T20:49:00+02:00, or Unix seconds)"

void tc_volume_width_text(double s, char *buf, size_t n)
{
    if (!(s >= 1) || s > 1e12 || s != floor(s)) {
        snprintf(buf, n, "%gs", s);
        return;
    }
    int64_t v = (int64_t)s;
    static const struct { int64_t s; char u; } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'},
                                                          {1, 's'}};
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4 && used + 1 < n; i++) {
        if (v < units[i].s) continue;
        int w = snprintf(buf + used, n - used, "%lld%c", (long long)(v / units[i].s), units[i].u);
        if (w < 0) break;
        used += (size_t)w < n - used ? (size_t)w : n - used - 1;
        v %= units[i].s;
    }
}

/* ------------------------------------------------------------------ lines */

typedef struct {
    FILE *f;
    const char *path;
    char *buf;        /* TC_VOLUME_LINE_MAX + 2 bytes */
    size_t len;
    int64_t lineno;
    int eof;
} reader;

/* `s` for a message: at most 40 characters, control bytes and bytes that are
 * not UTF-8 written \xNN, "..." when cut. */
static const char *show(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    int chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && o + 8 < n) {
        if (chars == 40) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        int len = 0;
        if (*p >= 0xC2 && *p <= 0xDF) len = 2;
        else if (*p >= 0xE0 && *p <= 0xEF) len = 3;
        else if (*p >= 0xF0 && *p <= 0xF4) len = 4;
        for (int k = 1; k < len; k++)
            if ((p[k] & 0xC0) != 0x80) len = 0;
        if (len) {
            memcpy(buf + o, p, (size_t)len);
            o += (size_t)len;
            p += len;
        } else if (*p < 0x20 || *p >= 0x7F) {
            o += (size_t)snprintf(buf + o, n - o, "\\x%02X", *p);
            p++;
        } else {
            buf[o++] = (char)*p++;
        }
        chars++;
    }
    buf[o] = '\0';
    return buf;
}

/* 1-based character column of `at` in the current line (UTF-8 characters). */
static int column(const reader *r, const char *at)
{
    int col = 1;
    for (const char *p = r->buf; p < at; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) col++;
    return col;
}

/* "FILE:LINE:COL: message" (the line being read), TC_EINPUT. */
static int fail_at(tc_err *err, const reader *r, int64_t line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_at(tc_err *err, const reader *r, int64_t line, int col, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tc_err_set(err, TC_EINPUT, "%s:%lld:%d: %s", r->path, (long long)line, col, msg);
    return TC_EINPUT;
}

/* The next line into r->buf, without its line end (\n or \r\n) and, on the
 * first line, without a UTF-8 byte order mark: 1, or 0 at the end of the file,
 * or TC_EINPUT (negated) for a line too long, a NUL byte or a read error. */
static int next_line(reader *r, tc_err *err)
{
    int c = EOF;
    size_t n = 0;
    if (r->eof) return 0;
    while ((c = getc_unlocked(r->f)) != EOF && c != '\n') {
        if (n > TC_VOLUME_LINE_MAX) { /* room for one \r more than the limit */
            char sh[200];
            r->buf[64] = '\0';
            return -fail_at(err, r, r->lineno + 1, 1,
                            "expected a line of at most %d bytes, got a longer one ('%s')",
                            TC_VOLUME_LINE_MAX, show(r->buf, sh, sizeof sh));
        }
        r->buf[n++] = (char)c;
    }
    if (c == EOF) {
        if (ferror(r->f)) {
            tc_err_set(err, TC_EINPUT, "%s: reading failed after line %lld", r->path,
                       (long long)r->lineno);
            return -TC_EINPUT;
        }
        r->eof = 1;
        if (n == 0) return 0;
    }
    r->lineno++;
    if (n && r->buf[n - 1] == '\r') n--;
    if (n > TC_VOLUME_LINE_MAX) {
        char sh[200];
        r->buf[64] = '\0';
        return -fail_at(err, r, r->lineno, 1,
                        "expected a line of at most %d bytes, got a longer one ('%s')",
                        TC_VOLUME_LINE_MAX, show(r->buf, sh, sizeof sh));
    }
    r->buf[n] = '\0';
    if (r->lineno == 1 && n >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3)) {
        memmove(r->buf, r->buf + 3, n - 2);
        n -= 3;
    }
    r->len = n;
    const char *nul = memchr(r->buf, '\0', n);
    if (nul)
        return -fail_at(err, r, r->lineno, column(r, nul),
                        "expected text, got a NUL byte (a binary file?)");
    return 1;
}

static int blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

/* A field trimmed of blanks and of one pair of enclosing double quotes. */
static char *trim(char *s)
{
    s += strspn(s, " \t");
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        s++;
    }
    return s;
}

/* Split `line` at commas into at most `max` trimmed fields f[0 .. max); returns
 * their count, or max + 1 when there are more: f[max] then points at the
 * comma too many (cut to '\0'), the rest of the line after it left whole. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        f[n++] = trim(p);
        if (!c) return n;
        if (n == max) {
            f[max] = c;
            return max + 1;
        }
        p = c + 1;
    }
}

/* ------------------------------------------------------------------ values */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if (a % b && (a < 0) != (b < 0)) q--;
    return q;
}

/* Unix seconds, integer or decimal: 1 and *ms (floored to the millisecond)
 * when `s` has that form, 0 when it has not, -1 when it has but lies outside
 * the years 1 to 9999. */
static int unix_ms(const char *s, int64_t *ms)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    size_t ni = strspn(p, "0123456789");
    const char *q = p + ni;
    size_t nf = 0;
    if (*q == '.') nf = strspn(q + 1, "0123456789");
    if (ni + nf == 0 || (*q && !(*q == '.' && q[1 + nf] == '\0'))) return 0;
    while (ni > 1 && *p == '0') p++, ni--;
    if (ni > 13) return -1;
    int64_t sec = 0, frac = 0;
    for (size_t i = 0; i < ni; i++) sec = sec * 10 + (p[i] - '0');
    int rest = 0;
    for (size_t i = 0; i < nf; i++) {
        int d = q[1 + i] - '0';
        if (i < 3) frac = frac * 10 + d;
        else rest |= d != 0;
    }
    for (size_t i = nf; i < 3; i++) frac *= 10;
    if (sec > EPOCH_MAX + 1 || (neg && sec > -EPOCH_MIN)) return -1;
    int64_t v = sec * 1000 + frac;
    if (neg) v = -v - (rest ? 1 : 0);
    if (v > EPOCH_MAX * 1000 + 999 || v < EPOCH_MIN * 1000) return -1;
    *ms = v;
    return 1;
}

/* A time field: UTC epoch milliseconds *ms; *zoned = 1 and *off its offset
 * when it was written as a date-time (with an offset, or naive in --tz). */
static int parse_time(const reader *r, const char *s, int col, const tc_volume_opts *o,
                      const char *what, int64_t *ms, int *off, int *zoned, tc_err *err)
{
    char sh[200];
    *zoned = 0;
    *off = 0;
    if (!*s)
        return fail_at(err, r, r->lineno, col, "expected %s as the %s, got ''", TIME_FORMS, what);
    int u = unix_ms(s, ms);
    if (u < 0)
        return fail_at(err, r, r->lineno, col,
                       "expected Unix seconds from %lld to %lld (the years 1 to 9999; "
                       "milliseconds must be divided by 1000), got '%s'",
                       (long long)EPOCH_MIN, (long long)EPOCH_MAX, show(s, sh, sizeof sh));
    if (u > 0) {
        if (o->have_tz) *off = o->tz_offset_s;
        return TC_OK;
    }
    /* a date-time; a fraction of a second after the seconds is kept to the ms */
    char copy[64];
    size_t n = strlen(s);
    int64_t frac = 0;
    if (n < 16 || n >= sizeof copy - 2) goto bad;
    memcpy(copy, s, n + 1);
    if (n > 20 && copy[16] == ':' && copy[19] == '.') {
        size_t nf = strspn(copy + 20, "0123456789");
        if (nf == 0) goto bad;
        for (size_t i = 0; i < 3; i++) frac = frac * 10 + (i < nf ? copy[20 + i] - '0' : 0);
        memmove(copy + 19, copy + 20 + nf, n - 20 - nf + 1);
    }
    int64_t ep;
    int of;
    if (tc_datetime_parse(copy, &ep, &of) == 0) {
        *off = of;
    } else {
        size_t m = strlen(copy);
        copy[m] = 'Z';
        copy[m + 1] = '\0';
        if (tc_datetime_parse(copy, &ep, &of) != 0) goto bad;
        if (!o->have_tz)
            return fail_at(err, r, r->lineno, col,
                           "expected a time with a UTC offset, got '%s' without one: a time zone "
                           "is needed (--tz +02:00 or an offset in the time, e.g. "
                           "2017-05-05T20:49:00+02:00)", show(s, sh, sizeof sh));
        ep -= o->tz_offset_s;
        *off = o->tz_offset_s;
    }
    if (ep < EPOCH_MIN || ep > EPOCH_MAX) goto bad;
    *zoned = 1;
    *ms = ep * 1000 + frac;
    return TC_OK;
bad:
    return fail_at(err, r, r->lineno, col, "expected %s as the %s, got '%s'", TIME_FORMS, what,
                   show(s, sh, sizeof sh));
}

/* A count: a finite number >= 0 (digits, a decimal point, an exponent). */
static int parse_count(const reader *r, const char *s, int col, const char *what, double *v,
                       tc_err *err)
{
    char sh[200];
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    size_t ni = strspn(p, "0123456789");
    p += ni;
    size_t nf = 0;
    if (*p == '.') {
        nf = strspn(p + 1, "0123456789");
        p += 1 + nf;
    }
    int ok = ni + nf > 0;
    if (ok && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-') p++;
        size_t ne = strspn(p, "0123456789");
        ok = ne > 0;
        p += ne;
    }
    if (!ok || *p)
        return fail_at(err, r, r->lineno, col, "expected the %s, a number >= 0, got '%s'", what,
                       show(s, sh, sizeof sh));
    double x = strtod(s, NULL);
    if (!isfinite(x))
        return fail_at(err, r, r->lineno, col, "expected the %s, a finite number >= 0, got '%s'",
                       what, show(s, sh, sizeof sh));
    if (x < 0)
        return fail_at(err, r, r->lineno, col, "expected the %s, a number >= 0, got '%s'", what,
                       show(s, sh, sizeof sh));
    *v = x == 0 ? 0 : x; /* -0 is 0 */
    return TC_OK;
}

/* ------------------------------------------------------------------ timestamps */

/* The bins on one side of the first post's bin: [0] totals, [1] people, [2] bots. */
typedef struct {
    double *a[3];
    int64_t cap;
} side;

static void side_need(side *s, int64_t i, int k)
{
    if (i < s->cap) return;
    int64_t nc = tc_grow_cap(s->cap, i + 1, 1024);
    for (int j = 0; j < k; j++) {
        s->a[j] = tc_xrealloc(s->a[j], (size_t)nc * sizeof(double));
        memset(s->a[j] + s->cap, 0, (size_t)(nc - s->cap) * sizeof(double));
    }
    s->cap = nc;
}

static void side_free(side *s)
{
    for (int j = 0; j < 3; j++) free(s->a[j]);
}

static int read_posts(tc_volume *v, reader *r, int nf, const tc_volume_opts *o, tc_err *err)
{
    int rc = TC_OK, got;
    int64_t bin_ms = o->bin_ms ? o->bin_ms : DEFAULT_BIN_MS;
    side pos, neg;
    memset(&pos, 0, sizeof pos);
    memset(&neg, 0, sizeof neg);
    int64_t base = 0, lo = 0, hi = 0, rows = 0;
    int have_off = 0, k = nf == 2 ? 3 : 1;
    const char *header = nf == 2 ? "time,class" : "time";
    char sh[200], w[32];
    tc_volume_width_text((double)bin_ms / 1000, w, sizeof w);
    while ((got = next_line(r, err)) > 0) {
        if (blank(r->buf)) continue;
        if (++rows > TC_VOLUME_MAX_ROWS) {
            rc = fail_at(err, r, r->lineno, 1, "expected at most %lld rows, got more",
                         TC_VOLUME_MAX_ROWS);
            goto cleanup;
        }
        char *f[3];
        int n = split(r->buf, f, nf);
        if (n > nf) {
            rc = fail_at(err, r, r->lineno, column(r, f[nf]),
                         "expected the end of the row after %d field%s (%s), got ',%s'", nf,
                         nf > 1 ? "s" : "", header, show(f[nf] + 1, sh, sizeof sh));
            goto cleanup;
        }
        if (n < nf) {
            rc = fail_at(err, r, r->lineno, column(r, r->buf + r->len),
                         "expected %d fields (%s), got %d: the class (human or bot) is missing",
                         nf, header, n);
            goto cleanup;
        }
        int64_t ms;
        int off, zoned;
        TC_TRY(parse_time(r, f[0], column(r, f[0]), o, "post's time", &ms, &off, &zoned, err));
        int cls = 0;
        if (nf == 2) {
            if (!strcasecmp(f[1], "human")) cls = 1;
            else if (!strcasecmp(f[1], "bot")) cls = 2;
            else {
                rc = fail_at(err, r, r->lineno, column(r, f[1]),
                             "expected the class human or bot, got '%s'",
                             show(f[1], sh, sizeof sh));
                goto cleanup;
            }
        }
        if (!have_off && zoned) {
            v->offset_s = off;
            have_off = 1;
        }
        int64_t b = floor_div(ms, bin_ms);
        if (rows == 1) base = b;
        int64_t rel = b - base;
        int64_t nlo = rel < lo ? rel : lo, nhi = rel > hi ? rel : hi;
        if (nhi - nlo + 1 > TC_VOLUME_MAX_BINS) {
            rc = fail_at(err, r, r->lineno, column(r, f[0]),
                         "expected posts within %lld bins of %s of each other (a wider --bin?), "
                         "got '%s', %lld bins from the %s post",
                         TC_VOLUME_MAX_BINS, w, show(f[0], sh, sizeof sh),
                         (long long)(rel < lo ? hi - rel : rel - lo),
                         rel < lo ? "latest" : "earliest");
            goto cleanup;
        }
        lo = nlo;
        hi = nhi;
        side *s = rel >= 0 ? &pos : &neg;
        int64_t i = rel >= 0 ? rel : -rel - 1;
        side_need(s, i, k);
        s->a[0][i] += 1;
        if (cls) s->a[cls][i] += 1;
    }
    if (got < 0) TC_TRY(-got);
    if (rows == 0) {
        rc = fail_at(err, r, r->lineno + 1, 1,
                     "expected rows after the header %s, got none (a header only)", header);
        goto cleanup;
    }
    if (!have_off && o->have_tz) v->offset_s = o->tz_offset_s;
    v->B = hi - lo + 1;
    v->bin_s = (double)bin_ms / 1000;
    v->start = (base + lo) * (bin_ms / 1000);
    v->rows = rows;
    double **dst[3] = {&v->total, &v->human, &v->bot};
    for (int j = 0; j < k; j++) {
        double *a = tc_xmalloc((size_t)v->B * sizeof *a);
        for (int64_t b = 0; b < v->B; b++) {
            int64_t rel = lo + b;
            if (rel >= 0) a[b] = rel < pos.cap ? pos.a[j][rel] : 0;
            else a[b] = -rel - 1 < neg.cap ? neg.a[j][-rel - 1] : 0;
        }
        *dst[j] = a;
    }
cleanup:
    side_free(&pos);
    side_free(&neg);
    return rc;
}

/* ------------------------------------------------------------------ bins */

static int read_bins(tc_volume *v, reader *r, int nf, const tc_volume_opts *o, tc_err *err)
{
    int rc = TC_OK, got;
    const char *header = nf == 4 ? "start,count,human,bot" : "start,count";
    int64_t rows = 0, cap = 0, first = 0, prev = 0, width = 0, prev_line = 0;
    int64_t line2 = 0;
    int have_off = 0;
    char sh[200], w1[32], w2[32];
    while ((got = next_line(r, err)) > 0) {
        if (blank(r->buf)) continue;
        if (++rows > TC_VOLUME_MAX_BINS) {
            rc = fail_at(err, r, r->lineno, 1, "expected at most %lld bins (rows), got more",
                         TC_VOLUME_MAX_BINS);
            goto cleanup;
        }
        char *f[5];
        int n = split(r->buf, f, nf);
        if (n > nf) {
            rc = fail_at(err, r, r->lineno, column(r, f[nf]),
                         "expected the end of the row after %d fields (%s), got ',%s'", nf, header,
                         show(f[nf] + 1, sh, sizeof sh));
            goto cleanup;
        }
        if (n < nf) {
            rc = fail_at(err, r, r->lineno, column(r, r->buf + r->len),
                         "expected %d fields (%s), got %d", nf, header, n);
            goto cleanup;
        }
        int64_t ms;
        int off, zoned;
        int scol = column(r, f[0]);
        TC_TRY(parse_time(r, f[0], scol, o, "bin's start", &ms, &off, &zoned, err));
        if (ms % 1000) {
            rc = fail_at(err, r, r->lineno, scol,
                         "expected a bin start on a whole second, got '%s'",
                         show(f[0], sh, sizeof sh));
            goto cleanup;
        }
        int64_t sec = ms / 1000;
        if (!have_off && zoned) {
            v->offset_s = off;
            have_off = 1;
        }
        if (rows == 1) {
            first = sec;
        } else {
            int64_t d = sec - prev;
            if (d <= 0) {
                rc = fail_at(err, r, r->lineno, scol,
                             "expected a bin start after the previous one (line %lld), got '%s'",
                             (long long)prev_line, show(f[0], sh, sizeof sh));
                goto cleanup;
            }
            tc_volume_width_text((double)d, w2, sizeof w2);
            if (rows == 2) {
                if (o->bin_ms && d * 1000 != o->bin_ms) {
                    tc_volume_width_text((double)o->bin_ms / 1000, w1, sizeof w1);
                    rc = fail_at(err, r, r->lineno, scol,
                                 "expected a bin start %s after the previous one (--bin %s), "
                                 "got '%s', %s after it", w1, w1, show(f[0], sh, sizeof sh), w2);
                    goto cleanup;
                }
                if (d > TC_VOLUME_BIN_MAX_S) {
                    rc = fail_at(err, r, r->lineno, scol,
                                 "expected bins of at most 366d, got '%s', %s after the previous "
                                 "start", show(f[0], sh, sizeof sh), w2);
                    goto cleanup;
                }
                width = d;
                line2 = r->lineno;
            } else if (d != width) {
                tc_volume_width_text((double)width, w1, sizeof w1);
                rc = fail_at(err, r, r->lineno, scol,
                             "expected bins evenly spaced by %s (the first two starts, lines "
                             "%lld and %lld), got '%s', %s after the previous one (a bin without "
                             "posts needs its row, with count 0)",
                             w1, (long long)(line2 > 0 ? line2 - 1 : 0), (long long)line2,
                             show(f[0], sh, sizeof sh), w2);
                goto cleanup;
            }
        }
        prev = sec;
        prev_line = r->lineno;
        if (rows > cap) {
            int64_t nc = tc_grow_cap(cap, rows, 1024);
            v->total = tc_xrealloc(v->total, (size_t)nc * sizeof(double));
            if (nf == 4) {
                v->human = tc_xrealloc(v->human, (size_t)nc * sizeof(double));
                v->bot = tc_xrealloc(v->bot, (size_t)nc * sizeof(double));
            }
            cap = nc;
        }
        int64_t i = rows - 1;
        TC_TRY(parse_count(r, f[1], column(r, f[1]), "count", &v->total[i], err));
        if (nf == 4) {
            TC_TRY(parse_count(r, f[2], column(r, f[2]), "human count", &v->human[i], err));
            TC_TRY(parse_count(r, f[3], column(r, f[3]), "bot count", &v->bot[i], err));
            double c = v->total[i], h = v->human[i], b = v->bot[i];
            if (h + b > c * (1 + 1e-12) + 1e-9) {
                rc = fail_at(err, r, r->lineno, column(r, f[2]),
                             "expected human + bot at most the count %.15g, got '%s' + '%s'", c,
                             f[2], f[3]);
                goto cleanup;
            }
        }
    }
    if (got < 0) TC_TRY(-got);
    if (rows == 0) {
        rc = fail_at(err, r, r->lineno + 1, 1,
                     "expected rows after the header %s, got none (a header only)", header);
        goto cleanup;
    }
    if (rows == 1) {
        if (!o->bin_ms) {
            rc = fail_at(err, r, prev_line, 1,
                         "expected at least two rows to infer the bin width from their starts, "
                         "got one: give the width with --bin");
            goto cleanup;
        }
        width = o->bin_ms / 1000;
    }
    if (!have_off && o->have_tz) v->offset_s = o->tz_offset_s;
    v->start = first;
    v->bin_s = (double)width;
    v->B = rows;
    v->rows = rows;
cleanup:
    return rc;
}

/* ------------------------------------------------------------------ CSV */

int tc_volume_read_csv(tc_volume *v, const char *path, const tc_volume_opts *o, tc_err *err)
{
    int rc = TC_OK, got;
    tc_volume_opts none = {0};
    reader r = {.path = path};
    memset(v, 0, sizeof *v);
    if (!o) o = &none;
    if (o->bin_ms &&
        (o->bin_ms < 1000 || o->bin_ms % 1000 || o->bin_ms / 1000 > TC_VOLUME_BIN_MAX_S))
        TC_FAIL(TC_EINPUT, "%s: bin width of %lld ms: expected whole seconds from 1s to 366d",
                path, (long long)o->bin_ms);
    if (o->have_tz && (o->tz_offset_s < -18 * 3600 || o->tz_offset_s > 18 * 3600))
        TC_FAIL(TC_EINPUT, "%s: time zone offset of %d s: expected at most 18 h either way", path,
                o->tz_offset_s);
    r.f = tc_path_open_input(path, "CSV file", err);
    if (!r.f) TC_TRY(TC_EINPUT); /* err says why */
    r.buf = tc_xmalloc(TC_VOLUME_LINE_MAX + 2);
    /* the header: the first line that is not blank */
    while ((got = next_line(&r, err)) > 0 && blank(r.buf)) {}
    if (got < 0) TC_TRY(-got);
    if (got == 0)
        TC_FAIL(TC_EINPUT, "%s:1:1: empty file: expected the header " HEADERS, path);
    {
        char raw[200], *f[5];
        show(r.buf, raw, sizeof raw);
        int n = split(r.buf, f, 4);
        char joined[128] = "";
        for (int i = 0; i < n && i < 4; i++) {
            if (strlen(joined) + strlen(f[i]) + 2 > sizeof joined) break;
            if (i) strcat(joined, ",");
            strcat(joined, f[i]);
        }
        if (n > 4) joined[0] = '\0';
        if (!strcmp(joined, "time") || !strcmp(joined, "time,class"))
            TC_TRY(read_posts(v, &r, n, o, err));
        else if (!strcmp(joined, "start,count") || !strcmp(joined, "start,count,human,bot"))
            TC_TRY(read_bins(v, &r, n, o, err));
        else if (!strcmp(joined, "start,count,human") || !strcmp(joined, "start,count,bot"))
            TC_FAIL(TC_EINPUT, "%s:%lld:1: expected both columns human and bot or neither, got the "
                    "header '%s'", path, (long long)r.lineno, raw);
        else
            TC_FAIL(TC_EINPUT, "%s:%lld:1: expected the header " HEADERS ", got '%s'", path,
                    (long long)r.lineno, raw);
    }
cleanup:
    if (r.f) fclose(r.f);
    free(r.buf);
    if (rc) tc_volume_destroy(v);
    return rc;
}

/* ------------------------------------------------------------------ HDF5 */

int tc_volume_write(const char *path, const tc_volume *v, const char *source_path,
                    const char *command, tc_err *err)
{
    if (v->B < 0 || !(v->bin_s > 0) || (v->B > 0 && !v->total) || !v->human != !v->bot) {
        tc_err_set(err, TC_ERUNTIME, "%s: nothing to write: the volume curve is incomplete", path);
        return TC_ERUNTIME;
    }
    return tc_h5out_write_volume(path, v, source_path, command, err);
}

static int read_series(hid_t f, const char *path, const char *name, int64_t B, double **x,
                       tc_err *err)
{
    int64_t n = 0;
    void *data = NULL;
    int rc = tc_h5in_array(f, name, H5T_NATIVE_DOUBLE, &data, &n, err);
    if (rc) return rc;
    *x = data;
    if (n != B) {
        tc_err_set(err, TC_EINPUT, "%s: %s has %lld rows, /series/t %lld: expected the same",
                   path, name, (long long)n, (long long)B);
        return TC_EINPUT;
    }
    if (!strcmp(name, "/series/t")) return TC_OK;
    for (int64_t i = 0; i < n; i++)
        if (!isfinite((*x)[i]) || (*x)[i] < 0) {
            tc_err_set(err, TC_EINPUT, "%s: %s[%lld]: expected a finite count >= 0, got %g", path,
                       name, (long long)i, (*x)[i]);
            return TC_EINPUT;
        }
    return TC_OK;
}

int tc_volume_read_h5(tc_volume *v, const char *path, tc_err *err)
{
    int rc = TC_OK;
    hid_t f = -1;
    char kind[32], src[64], start[64];
    double *t = NULL;
    int64_t off = 0, B = 0, rows = 0;
    memset(v, 0, sizeof *v);
    TC_TRY(tc_h5in_open(path, &f, kind, sizeof kind, err));
    {
        tc_err quiet;
        if (strcmp(kind, "observed") || !tc_h5in_exists(f, "/meta") ||
            tc_h5in_str(f, "/meta", "source", src, sizeof src, &quiet) || strcmp(src, "volume"))
            TC_FAIL(TC_EINPUT, "%s: not an observed volume file (import it with tagcascade import "
                    "--format volume)", path);
    }
    TC_TRY(tc_h5in_f64(f, "/meta", "bin_s", &v->bin_s, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "utc_offset_s", &off, err));
    TC_TRY(tc_h5in_i64(f, "/meta", "rows", &rows, err));
    TC_TRY(tc_h5in_str(f, "/meta", "start_utc", start, sizeof start, err));
    if (!(v->bin_s >= 1) || !isfinite(v->bin_s) || v->bin_s > (double)TC_VOLUME_BIN_MAX_S)
        TC_FAIL(TC_EINPUT, "%s: /meta bin_s: expected a bin width from 1 s to 366 days, got %g",
                path, v->bin_s);
    if (off < -18 * 3600 || off > 18 * 3600)
        TC_FAIL(TC_EINPUT, "%s: /meta utc_offset_s: expected at most 18 h either way, got %lld",
                path, (long long)off);
    {
        int o2;
        if (tc_datetime_parse(start, &v->start, &o2))
            TC_FAIL(TC_EINPUT, "%s: /meta start_utc: expected an ISO 8601 time, got '%.40s'", path,
                    start);
    }
    v->offset_s = (int)off;
    v->rows = rows;
    {
        void *data = NULL;
        rc = tc_h5in_array(f, "/series/t", H5T_NATIVE_DOUBLE, &data, &B, err);
        t = data;
        if (rc) goto cleanup;
    }
    if (B > TC_VOLUME_MAX_BINS)
        TC_FAIL(TC_EINPUT, "%s: /series/t: %lld bins, expected at most %lld", path, (long long)B,
                TC_VOLUME_MAX_BINS);
    for (int64_t i = 0; i < B; i++) {
        double want = (double)i * v->bin_s;
        if (!(fabs(t[i] - want) <= 1e-9 * (want > 1 ? want : 1)))
            TC_FAIL(TC_EINPUT, "%s: /series/t[%lld] = %g: expected %lld × bin_s = %g", path,
                    (long long)i, t[i], (long long)i, want);
    }
    TC_TRY(read_series(f, path, "/series/volume", B, &v->total, err));
    int hh = tc_h5in_exists(f, "/series/volume_human");
    int hb = tc_h5in_exists(f, "/series/volume_bot");
    if (hh != hb)
        TC_FAIL(TC_EINPUT, "%s: /series/%s without /series/%s: expected both or neither", path,
                hh ? "volume_human" : "volume_bot", hh ? "volume_bot" : "volume_human");
    if (hh) {
        TC_TRY(read_series(f, path, "/series/volume_human", B, &v->human, err));
        TC_TRY(read_series(f, path, "/series/volume_bot", B, &v->bot, err));
    }
    v->B = B;
cleanup:
    free(t);
    if (f >= 0) H5Fclose(f);
    if (rc) tc_volume_destroy(v);
    return rc;
}

int tc_volume_print(const char *path, FILE *out, tc_err *err)
{
    int rc = TC_OK;
    tc_volume v;
    hid_t f = -1;
    char input[4096] = "?", kind[32], s0[48], s1[48], sp[48], w[32];
    TC_TRY(tc_volume_read_h5(&v, path, err));
    tc_err quiet;
    if (tc_h5in_open(path, &f, kind, sizeof kind, &quiet) == TC_OK) {
        if (tc_h5in_str(f, "/meta", "input", input, sizeof input, &quiet)) strcpy(input, "?");
        H5Fclose(f);
    }
    double total = 0, humans = 0, bots = 0, peak = -1;
    int64_t at = 0;
    for (int64_t b = 0; b < v.B; b++) {
        total += v.total[b];
        if (v.total[b] > peak) peak = v.total[b], at = b;
        if (v.human) humans += v.human[b], bots += v.bot[b];
    }
    tc_volume_width_text(v.bin_s, w, sizeof w);
    tc_datetime_format(v.start, v.offset_s, s0, sizeof s0);
    int64_t end = v.start + (int64_t)llround(v.bin_s * (double)v.B);
    int64_t peak_at = v.start + (int64_t)llround(v.bin_s * (double)at);
    tc_datetime_format(end, v.offset_s, s1, sizeof s1);
    tc_datetime_format(peak_at, v.offset_s, sp, sizeof sp);
    fprintf(out, "observed volume from %s (%s)\n", input, path);
    fprintf(out, "  %lld rows; %lld bins of %s from %s to %s\n", (long long)v.rows,
            (long long)v.B, w, s0, s1);
    fprintf(out, "  posts: %.15g", total);
    if (v.human) fprintf(out, " (people %.15g, bots %.15g)", humans, bots);
    fprintf(out, "\n");
    if (v.B > 0) fprintf(out, "  peak: %.15g posts in the bin from %s (bin %lld)\n", peak, sp,
                         (long long)at);
cleanup:
    tc_volume_destroy(&v);
    return rc;
}

void tc_volume_destroy(tc_volume *v)
{
    if (!v) return;
    free(v->total);
    free(v->human);
    free(v->bot);
    memset(v, 0, sizeof *v);
}
