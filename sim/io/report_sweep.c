/* `tagcascade summary SWEEP.h5`: each point's swept values and the mean of
 * its main metrics over the replicates done; for a paired sweep (common random
 * numbers) each later point's paired difference from point 0, replicate by
 * replicate, with a 95 % interval of its mean. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/mem.h"
#include "io/report.h"
#include "io/sweepfile.h"

static const char *const shown[] = {"reach",        "reach_human", "volume", "bot_share_volume",
                                    "peak_t",       "largest_size"};
enum { NSHOWN = sizeof shown / sizeof shown[0] };

static double scale_of(const char *m) { return !strcmp(m, "peak_t") ? 1 / 3600.0 : 1.0; }

int tc_report_sweep(hid_t file, const char *path, FILE *out, tc_err *err)
{
    int rc = TC_OK;
    char fname[1024], hash[64];
    snprintf(fname, sizeof fname, "%s", path);
    tc_h5file f = {.id = file, .path = fname};
    tc_sweep_back b;
    int have_b = 0;
    int64_t P, R, M = -1;
    double *sum = NULL;
    uint8_t *done = NULL;
    memset(&b, 0, sizeof b);
    TC_TRY(tc_sweepfile_shape(&f, hash, sizeof hash, &P, &R, err));
    TC_TRY(tc_sweepfile_results(&f, P, R, &M, &sum, &done, err));
    TC_TRY(tc_sweepfile_read(&f, P, R, hash, &b, err));
    have_b = 1;
    if (b.nmetrics != M)
        TC_FAIL(TC_EINPUT, "%s: /sweep/metrics names %lld metrics, /sweep/summary holds %lld", path,
                (long long)b.nmetrics, (long long)M);
    int col[NSHOWN];
    for (int i = 0; i < NSHOWN; i++) {
        col[i] = -1;
        for (int64_t m = 0; m < M; m++)
            if (!strcmp(b.metrics[m], shown[i])) col[i] = (int)m;
    }
    int64_t ndone = 0;
    for (int64_t i = 0; i < P * R; i++) ndone += done[i] != 0;
    int paired = b.d.paired;
    fprintf(out, "sweep '%s' (%s): %lld point%s x %lld replicate%s, %lld of %lld runs done%s\n\n",
            b.name, path, (long long)P, P == 1 ? "" : "s", (long long)R, R == 1 ? "" : "s",
            (long long)ndone, (long long)(P * R),
            paired ? "; paired: every point's replicate r ran under the same key" : "");
    fprintf(out, "mean over the replicates done (peak_t in hours):\n%5s %5s", "point", "runs");
    for (int i = 0; i < NSHOWN; i++) fprintf(out, " %16s", shown[i]);
    fprintf(out, "  values\n");
    for (int64_t p = 0; p < P; p++) {
        int64_t n = 0;
        for (int64_t r = 0; r < R; r++) n += done[p * R + r] != 0;
        fprintf(out, "%5lld %5lld", (long long)p, (long long)n);
        for (int i = 0; i < NSHOWN; i++) {
            double s = 0;
            for (int64_t r = 0; r < R; r++)
                if (done[p * R + r] && col[i] >= 0) s += sum[(p * R + r) * M + col[i]];
            if (n && col[i] >= 0) fprintf(out, " %16.6g", s / (double)n * scale_of(shown[i]));
            else fprintf(out, " %16s", "-");
        }
        fprintf(out, "  %s\n", b.params_text[p][0] ? b.params_text[p] : "(the scenario as written)");
    }
    if (!paired || P < 2) goto cleanup;
    fprintf(out, "\npaired differences from point 0, replicate by replicate: mean [95 %% interval "
                 "of the mean] (replicates with both runs done)\n%5s %5s", "point", "pairs");
    for (int i = 0; i < NSHOWN; i++) fprintf(out, " %28s", shown[i]);
    fputc('\n', out);
    for (int64_t p = 1; p < P; p++) {
        int64_t n = 0;
        for (int64_t r = 0; r < R; r++) n += done[p * R + r] && done[r];
        fprintf(out, "%5lld %5lld", (long long)p, (long long)n);
        for (int i = 0; i < NSHOWN; i++) {
            char cell[64] = "-";
            if (col[i] >= 0 && n > 0) {
                double s = 0, s2 = 0, k = scale_of(shown[i]);
                for (int64_t r = 0; r < R; r++) {
                    if (!(done[p * R + r] && done[r])) continue;
                    double d = (sum[(p * R + r) * M + col[i]] - sum[r * M + col[i]]) * k;
                    s += d;
                    s2 += d * d;
                }
                double mean = s / (double)n;
                if (n > 1) {
                    double var = (s2 - s * mean) / (double)(n - 1);
                    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) *
                                  sqrt(var > 0 ? var : 0) / sqrt((double)n);
                    snprintf(cell, sizeof cell, "%.4g [%.4g, %.4g]", mean, mean - half, mean + half);
                } else {
                    snprintf(cell, sizeof cell, "%.4g", mean);
                }
            }
            fprintf(out, " %28s", cell);
        }
        fprintf(out, "  %s\n", b.params_text[p]);
    }
cleanup:
    if (have_b) tc_sweepfile_release(&b);
    free(sum);
    free(done);
    return rc;
}
