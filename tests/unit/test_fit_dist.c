/* The fit's distances and priors (drive/fit.h): the two-sample KS statistic and
 * the Wasserstein-1 distance against values scipy gives for the same samples,
 * their edge cases (empty samples, ties, identical samples), and every prior's
 * density integrating to 1 over its support and vanishing outside it. */
#include <math.h>

#include "drive/fit.h"
#include "tc_test.h"

static double integral(const tc_fit_param *p, double lo, double hi)
{
    /* Simpson on 200,000 intervals */
    int n = 200000;
    double h = (hi - lo) / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double f = exp(tc_fit_log_prior(p, lo + i * h));
        s += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return s * h / 3;
}

int main(void)
{
    /* scipy.stats.ks_2samp(a, b).statistic = 0.3, wasserstein_distance = 0.26 */
    double a[] = {0.1, 0.4, 0.4, 0.9, 1.5}, b[] = {0.2, 0.4, 1.0, 2.0};
    double ks = tc_fit_ks(a, 5, b, 4), w = tc_fit_wasserstein(a, 5, b, 4);
    CHECK(fabs(ks - 0.3) < 1e-12, "ks %.17g", ks);
    CHECK(fabs(w - 0.26) < 1e-12, "wasserstein %.17g", w);
    CHECK(tc_fit_ks(b, 4, a, 5) == ks && fabs(tc_fit_wasserstein(b, 4, a, 5) - w) < 1e-12,
          "symmetric");
    CHECK(tc_fit_ks(a, 5, a, 5) == 0 && tc_fit_wasserstein(a, 5, a, 5) == 0, "identical samples");
    /* disjoint samples: KS 1, Wasserstein the shift */
    double c[] = {10.1, 10.4, 10.4, 10.9, 11.5};
    CHECK(tc_fit_ks(a, 5, c, 5) == 1, "disjoint ks %g", tc_fit_ks(a, 5, c, 5));
    CHECK(fabs(tc_fit_wasserstein(a, 5, c, 5) - 10) < 1e-12, "shift %.17g",
          tc_fit_wasserstein(a, 5, c, 5));
    /* an empty simulated sample: KS 1; Wasserstein to a point mass at 0 = the mean */
    CHECK(tc_fit_ks(NULL, 0, a, 5) == 1 && tc_fit_ks(NULL, 0, NULL, 0) == 0, "empty ks");
    CHECK(fabs(tc_fit_wasserstein(NULL, 0, a, 5) - 0.66) < 1e-12, "empty wasserstein %.17g",
          tc_fit_wasserstein(NULL, 0, a, 5));

    /* priors: densities integrate to 1, and are 0 outside the support */
    tc_fit_param u = {.prior = TC_PRIOR_UNIFORM, .lo = 0.02, .hi = 0.25};
    tc_fit_param lu = {.prior = TC_PRIOR_LOG_UNIFORM, .lo = 0.01, .hi = 0.2};
    tc_fit_param n = {.prior = TC_PRIOR_NORMAL, .lo = -INFINITY, .hi = INFINITY, .mean = 3, .sd = 2};
    tc_fit_param tn = {.prior = TC_PRIOR_TRUNC_NORMAL, .lo = 0, .hi = 1, .mean = 0.9, .sd = 0.3};
    CHECK(fabs(integral(&u, 0.02, 0.25) - 1) < 1e-9, "uniform %.12g", integral(&u, 0.02, 0.25));
    CHECK(fabs(integral(&lu, 0.01, 0.2) - 1) < 1e-7, "log_uniform %.12g", integral(&lu, 0.01, 0.2));
    CHECK(fabs(integral(&n, -17, 23) - 1) < 1e-9, "normal %.12g", integral(&n, -17, 23));
    CHECK(fabs(integral(&tn, 0, 1) - 1) < 1e-9, "truncated normal %.12g", integral(&tn, 0, 1));
    CHECK(isinf(tc_fit_log_prior(&u, 0.3)) && isinf(tc_fit_log_prior(&lu, 0.005)) &&
              isinf(tc_fit_log_prior(&tn, -0.01)) && isinf(tc_fit_log_prior(&tn, 1.01)),
          "outside the support");
    CHECK(!isinf(tc_fit_log_prior(&u, 0.02)) && !isinf(tc_fit_log_prior(&u, 0.25)), "the ends are in");
    return tc_test_done("test_fit_dist");
}
