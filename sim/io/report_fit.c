/* `tagcascade summary FIT.h5`: the generations of a fit and the posterior of
 * each parameter (weighted mean, median and 90 % interval of the last
 * generation). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/h5read.h"
#include "base/mem.h"
#include "io/h5in.h"
#include "io/report.h"

typedef struct {
    double v, w;
} vw;

static int cmp_vw(const void *a, const void *b)
{
    double x = ((const vw *)a)->v, y = ((const vw *)b)->v;
    return (x > y) - (x < y);
}

/* Weighted quantile q of sorted pairs: the smallest value whose cumulative
 * weight reaches q (of the total). */
static double wquantile(const vw *s, int64_t n, double q)
{
    double tot = 0, c = 0;
    for (int64_t i = 0; i < n; i++) tot += s[i].w;
    for (int64_t i = 0; i < n; i++) {
        c += s[i].w;
        if (c >= q * tot) return s[i].v;
    }
    return s[n - 1].v;
}

int tc_report_fit(hid_t file, const char *path, FILE *out, tc_err *err)
{
    int rc = TC_OK;
    char fname[1024], why[512] = "", name[256] = "";
    tc_h5file f = {.id = file, .path = fname};
    snprintf(fname, sizeof fname, "%s", path);
    char **keys = NULL, **priors = NULL;
    int64_t K = 0, K2 = 0, G = 0, dims[3] = {0};
    double *theta = NULL, *w = NULL, *eps = NULL, *ess = NULL, *acc = NULL;
    int64_t *sims = NULL;
    vw *s = NULL;
    TC_TRY(tc_h5read_str(&f, "/meta", "name", name, sizeof name, NULL, err));
    TC_TRY(tc_h5read_str(&f, "/fit", "stop_reason", why, sizeof why, NULL, err));
    TC_TRY(tc_h5in_strings(file, "/fit/parameters", &keys, &K, err));
    TC_TRY(tc_h5in_strings(file, "/fit/priors", &priors, &K2, err));
    TC_TRY(tc_h5in_array(file, "/fit/epsilon", H5T_NATIVE_DOUBLE, (void **)&eps, &G, err));
    int64_t n;
    TC_TRY(tc_h5in_array(file, "/fit/ess", H5T_NATIVE_DOUBLE, (void **)&ess, &n, err));
    if (n != G) TC_FAIL(TC_EINPUT, "%s: /fit/ess has %lld rows, epsilon %lld", path, (long long)n, (long long)G);
    TC_TRY(tc_h5in_array(file, "/fit/acceptance", H5T_NATIVE_DOUBLE, (void **)&acc, &n, err));
    if (n != G) TC_FAIL(TC_EINPUT, "%s: /fit/acceptance has %lld rows, epsilon %lld", path, (long long)n, (long long)G);
    TC_TRY(tc_h5in_array(file, "/fit/simulations", H5T_NATIVE_INT64, (void **)&sims, &n, err));
    if (n != G) TC_FAIL(TC_EINPUT, "%s: /fit/simulations has %lld rows, epsilon %lld", path, (long long)n, (long long)G);
    if (K2 != K || K < 1 || G < 1)
        TC_FAIL(TC_EINPUT, "%s: a fit file with %lld parameters, %lld priors and %lld generations",
                path, (long long)K, (long long)K2, (long long)G);
    int64_t want3[3] = {G, -1, K};
    TC_TRY(tc_h5read_array(&f, "/fit/theta", H5T_NATIVE_DOUBLE, 3, want3, -1, (void **)&theta, dims, err));
    int64_t N = dims[1], want2[2] = {G, N};
    TC_TRY(tc_h5read_array(&f, "/fit/weight", H5T_NATIVE_DOUBLE, 2, want2, -1, (void **)&w, NULL, err));
    if (N < 1) TC_FAIL(TC_EINPUT, "%s: /fit/theta holds no particles", path);

    fprintf(out, "fit of '%s' (%s): %lld generations of %lld particles; stopped: %s\n\n", name,
            path, (long long)G, (long long)N, why);
    fprintf(out, "%4s %12s %10s %8s %11s\n", "gen", "epsilon", "acceptance", "ESS", "simulations");
    int64_t total = 0;
    for (int64_t g = 0; g < G; g++) {
        total += sims[g];
        fprintf(out, "%4lld %12.5g %10.4f %8.1f %11lld\n", (long long)g, eps[g], acc[g], ess[g],
                (long long)sims[g]);
    }
    fprintf(out, "%4s %12s %10s %8s %11lld\n\n", "all", "", "", "", (long long)total);
    fprintf(out, "posterior (generation %lld, weighted):\n", (long long)(G - 1));
    fprintf(out, "%-36s %12s %12s %12s %12s  %s\n", "parameter", "mean", "median", "5 %", "95 %",
            "prior");
    s = tc_xmalloc((size_t)N * sizeof *s);
    const double *th = theta + (G - 1) * N * K, *ww = w + (G - 1) * N;
    for (int64_t k = 0; k < K; k++) {
        double mean = 0, tw = 0;
        for (int64_t i = 0; i < N; i++) {
            s[i] = (vw){th[i * K + k], ww[i]};
            mean += ww[i] * th[i * K + k];
            tw += ww[i];
        }
        qsort(s, (size_t)N, sizeof *s, cmp_vw);
        fprintf(out, "%-36s %12.5g %12.5g %12.5g %12.5g  %s\n", keys[k], tw > 0 ? mean / tw : NAN,
                wquantile(s, N, 0.5), wquantile(s, N, 0.05), wquantile(s, N, 0.95), priors[k]);
    }
cleanup:
    if (keys) tc_h5in_free_strings(keys, K);
    if (priors) tc_h5in_free_strings(priors, K2);
    free(theta);
    free(w);
    free(eps);
    free(ess);
    free(acc);
    free(sims);
    free(s);
    return rc;
}
