/* Progress on standard error: a bar on a terminal, plain lines in batch logs. */
#include "base/meter.h"

#include <stdio.h>
#include <unistd.h>

#include "base/clock.h"

const char *const tc_meter_mode_names[] = {"auto", "bar", "lines", "none", NULL};

void tc_meter_start(tc_meter *m, tc_meter_mode mode)
{
    if (mode == TC_METER_AUTO) mode = isatty(2) ? TC_METER_BAR : TC_METER_LINES;
    *m = (tc_meter){.mode = mode, .t0 = tc_clock_now(), .tenth = -1};
    m->last = m->t0;
}

/* "12 s", "3 min", "2.5 h": the time left, readable at a glance */
static void span(char *buf, size_t n, double s)
{
    if (s < 120) snprintf(buf, n, "%.0f s", s);
    else if (s < 7200) snprintf(buf, n, "%.0f min", s / 60);
    else snprintf(buf, n, "%.1f h", s / 3600);
}

static void print(tc_meter *m, double frac, const char *what, double now, int final)
{
    double el = now - m->t0;
    char left[40] = "";
    if (!final && frac < 1) {
        char t[32] = "?";
        if (frac > 0) span(t, sizeof t, el * (1 - frac) / frac);
        snprintf(left, sizeof left, ", left %s", t);
    }
    int pct = (int)(frac * 100 + 1e-9);
    if (m->mode == TC_METER_BAR) {
        int w = 30, k = (int)(frac * w + 1e-9);
        fprintf(stderr, "\r[%.*s%*s] %3d%%  %s  %.0f s%s ", k, "##############################",
                w - k, "", pct, what, el, left);
        if (final) fputc('\n', stderr);
        m->drawn = !final;
    } else {
        fprintf(stderr, "tagcascade: %3d%%  %s  %.0f s%s\n", pct, what, el, left);
    }
    fflush(stderr);
    m->last = now;
}

int tc_meter_due(const tc_meter *m, double frac)
{
    if (m->mode == TC_METER_NONE) return 0;
    double now = tc_clock_now();
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    if (m->mode == TC_METER_BAR) return now - m->last >= 0.2;
    return (int)(frac * 10 + 1e-9) > m->tenth || now - m->last >= 60;
}

void tc_meter_show(tc_meter *m, double frac, const char *what)
{
    if (!tc_meter_due(m, frac)) return;
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    if (m->mode == TC_METER_LINES) m->tenth = (int)(frac * 10 + 1e-9);
    print(m, frac, what, tc_clock_now(), 0);
}

void tc_meter_end(tc_meter *m, double frac, const char *what)
{
    if (m->mode == TC_METER_NONE) return;
    if (frac < 0) frac = 0;
    if (frac > 1) frac = 1;
    int tenth = (int)(frac * 10 + 1e-9);
    if (m->mode == TC_METER_LINES && tenth == m->tenth && tenth == 10) return;
    m->tenth = tenth;
    print(m, frac, what, tc_clock_now(), 1);
}
