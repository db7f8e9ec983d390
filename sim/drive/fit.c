/* The fit section: parameters and their priors, targets and their distances,
 * the sampler's settings, and the observed data they are compared with. The
 * sampler itself is in fit_run.c. */
#include "drive/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "base/datetime.h"
#include "base/hash.h"
#include "base/mem.h"
#include "base/rng.h"
#include "base/version.h"
#include "input/schema.h"
#include "input/ytree.h"
#include "io/h5in.h"

static const char *const prior_names[] = {"uniform", "log_uniform", "normal", "truncated_normal",
                                          NULL};
static const char *const target_names[] = {"volume", "cascade_size", "cascade_depth",
                                           "structural_virality", NULL};
static const char *const distance_names[] = {"rmse_log", "ks", "wasserstein", "rmse_sqrt", NULL};

double tc_fit_log_prior(const tc_fit_param *p, double x)
{
    if (!(x >= p->lo && x <= p->hi)) return -INFINITY;
    switch (p->prior) {
    case TC_PRIOR_UNIFORM: return -log(p->hi - p->lo);
    case TC_PRIOR_LOG_UNIFORM: return -log(x) - log(log(p->hi / p->lo));
    case TC_PRIOR_NORMAL: {
        double z = (x - p->mean) / p->sd;
        return -0.5 * z * z - log(p->sd) - 0.5 * log(2 * M_PI);
    }
    case TC_PRIOR_TRUNC_NORMAL: {
        double z = (x - p->mean) / p->sd;
        double mass = gsl_cdf_ugaussian_P((p->hi - p->mean) / p->sd) -
                      gsl_cdf_ugaussian_P((p->lo - p->mean) / p->sd);
        return -0.5 * z * z - log(p->sd) - 0.5 * log(2 * M_PI) - log(mass);
    }
    }
    return -INFINITY;
}

double tc_fit_ks(const double *a, int64_t na, const double *b, int64_t nb)
{
    if (na == 0 || nb == 0) return na == nb ? 0.0 : 1.0;
    int64_t i = 0, j = 0;
    double d = 0;
    while (i < na && j < nb) {
        double x = a[i] <= b[j] ? a[i] : b[j];
        while (i < na && a[i] <= x) i++;
        while (j < nb && b[j] <= x) j++;
        double g = fabs((double)i / na - (double)j / nb);
        if (g > d) d = g;
    }
    return d;
}

double tc_fit_wasserstein(const double *a, int64_t na, const double *b, int64_t nb)
{
    /* the area between the two step CDFs; an empty sample stands for a point
     * mass at 0 */
    static const double zero = 0.0;
    if (na == 0) a = &zero, na = 1;
    if (nb == 0) b = &zero, nb = 1;
    int64_t i = 0, j = 0;
    double x = a[0] < b[0] ? a[0] : b[0], area = 0;
    while (i < na || j < nb) {
        double next = i < na && (j >= nb || a[i] <= b[j]) ? a[i] : b[j];
        area += fabs((double)i / na - (double)j / nb) * (next - x);
        x = next;
        while (i < na && a[i] <= x) i++;
        while (j < nb && b[j] <= x) j++;
    }
    return area;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ parameters */

/* Load the scenario with one override key=value; TC_OK if it validates. */
static int try_value(const tc_fit *f, const char *key, double v, tc_err *inner)
{
    char set[300];
    snprintf(set, sizeof set, "%s=%.15g", key, v);
    tc_ynode *tree = tc_ytree_copy(f->root);
    tc_scenario sc;
    int rc = tc_ytree_override(tree, set, inner);
    if (!rc) rc = tc_scenario_from_tree(&sc, f->path, NULL, tree, inner);
    if (!rc) tc_scenario_destroy(&sc);
    tc_ytree_free(tree);
    /* the override is ours, not the user's: its position says nothing */
    if (rc && !strncmp(inner->msg, "--set:", 6)) {
        const char *p = strstr(inner->msg, ": ");
        if (p) memmove(inner->msg, p + 2, strlen(p + 2) + 1);
    }
    return rc;
}

/* Does `key` name a value of the scenario? Its dotted path must lead to a scalar. */
static const tc_ynode *key_node(const tc_ynode *root, const char *key)
{
    char buf[200];
    snprintf(buf, sizeof buf, "%s", key);
    const tc_ynode *n = root;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part;
         part = strtok_r(NULL, ".", &save)) {
        if (!n) return NULL;
        if (n->kind == TC_Y_MAP) n = tc_ytree_get(n, part);
        else if (n->kind == TC_Y_SEQ) {
            char *end;
            long i = strtol(part, &end, 10);
            if (*end || i < 0 || i >= n->n) return NULL;
            n = n->items[i];
        } else return NULL;
    }
    return n && n->kind == TC_Y_SCALAR ? n : NULL;
}

static int load_param(tc_fit *f, tc_fit_param *p, const char *key, const tc_ynode *spec,
                      tc_err *err)
{
    int rc = TC_OK;
    char path[260];
    static const char *const keys[] = {"prior", "min", "max", "mean", "sd", "integer", NULL};
    snprintf(path, sizeof path, "fit.parameters.%s", key);
    if (strlen(key) >= sizeof p->key)
        return tc_schema_bad(err, spec, path, "a scenario key shorter than 200 characters");
    snprintf(p->key, sizeof p->key, "%s", key);
    TC_TRY(tc_schema_want_map(err, spec, path));
    TC_TRY(tc_schema_only_keys(err, spec, path, keys));
    int kind = 0;
    TC_TRY(tc_schema_get_choice(err, spec, path, "prior", 1, prior_names, &kind));
    p->prior = (tc_prior)kind;
    p->lo = -INFINITY;
    p->hi = INFINITY;
    int bounded = p->prior != TC_PRIOR_NORMAL;
    TC_TRY(tc_schema_get_real(err, spec, path, "min", bounded, -1e300, 1e300, &p->lo));
    TC_TRY(tc_schema_get_real(err, spec, path, "max", bounded, -1e300, 1e300, &p->hi));
    if (!bounded && (tc_ytree_get(spec, "min") || tc_ytree_get(spec, "max")))
        return tc_schema_bad(err, tc_ytree_get(spec, "min") ? tc_ytree_get(spec, "min")
                                                             : tc_ytree_get(spec, "max"),
                             path, "no min or max with prior normal (truncated_normal has them)");
    if (p->prior == TC_PRIOR_NORMAL || p->prior == TC_PRIOR_TRUNC_NORMAL) {
        TC_TRY(tc_schema_get_real(err, spec, path, "mean", 1, -1e300, 1e300, &p->mean));
        TC_TRY(tc_schema_get_real(err, spec, path, "sd", 1, 1e-300, 1e300, &p->sd));
    } else if (tc_ytree_get(spec, "mean") || tc_ytree_get(spec, "sd")) {
        return tc_schema_bad(err, tc_ytree_get(spec, "mean") ? tc_ytree_get(spec, "mean")
                                                              : tc_ytree_get(spec, "sd"),
                             path, "mean and sd only with prior normal or truncated_normal");
    }
    TC_TRY(tc_schema_get_bool(err, spec, path, "integer", &p->integer));
    if (bounded && !(p->lo < p->hi))
        return tc_schema_bad(err, tc_ytree_get(spec, "max"), path, "max greater than min");
    if (p->prior == TC_PRIOR_LOG_UNIFORM && !(p->lo > 0))
        return tc_schema_bad(err, tc_ytree_get(spec, "min"), path,
                             "min > 0 with prior log_uniform");
    switch (p->prior) {
    case TC_PRIOR_UNIFORM: snprintf(p->text, sizeof p->text, "uniform(%g, %g)", p->lo, p->hi); break;
    case TC_PRIOR_LOG_UNIFORM:
        snprintf(p->text, sizeof p->text, "log_uniform(%g, %g)", p->lo, p->hi);
        break;
    case TC_PRIOR_NORMAL: snprintf(p->text, sizeof p->text, "normal(%g, %g)", p->mean, p->sd); break;
    case TC_PRIOR_TRUNC_NORMAL:
        snprintf(p->text, sizeof p->text, "truncated_normal(%g, %g, %g, %g)", p->mean, p->sd,
                 p->lo, p->hi);
        break;
    }
    if (p->integer) {
        size_t l = strlen(p->text);
        snprintf(p->text + l, sizeof p->text - l, ", whole numbers");
    }
    /* the key: a value of the scenario (the key checker's message when not) */
    if (!key_node(f->root, key)) {
        tc_err inner = {0};
        if (try_value(f, key, bounded ? p->lo : p->mean, &inner) != TC_OK) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: '%s' is not a key this scenario accepts: %s",
                       spec->file, spec->line, spec->col, path, key, inner.msg);
            return TC_EINPUT;
        }
    }
    /* the prior's support inside the key's declared range: the scenario must load
     * at both ends (a normal prior: far out on both sides) */
    double ends[2] = {bounded ? p->lo : -1e300, bounded ? p->hi : 1e300};
    for (int e = 0; e < 2; e++) {
        tc_err inner = {0};
        double v = p->integer ? round(ends[e]) : ends[e];
        if (try_value(f, key, v, &inner) != TC_OK) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: the prior %s reaches %s = %g, which the "
                       "scenario refuses (%s)%s", spec->file, spec->line, spec->col, path, p->text,
                       key, v, inner.msg,
                       bounded ? "" : "; a normal prior is for unbounded keys: use truncated_normal");
            return TC_EINPUT;
        }
    }
    if (!p->integer && bounded) {
        tc_err inner = {0};
        double mid = p->lo + 0.37 * (p->hi - p->lo);
        if (try_value(f, key, mid, &inner) != TC_OK) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: the scenario refuses %s = %.15g inside the "
                       "prior (%s); add integer: true if the key takes whole numbers", spec->file,
                       spec->line, spec->col, path, key, mid, inner.msg);
            return TC_EINPUT;
        }
    }
cleanup:
    return rc;
}

/* ------------------------------------------------------------------ targets */

static int load_target(tc_fit *f, int kind, const tc_ynode *spec, tc_err *err)
{
    int rc = TC_OK;
    char path[80];
    snprintf(path, sizeof path, "fit.targets.%s", target_names[kind]);
    static const char *const vkeys[] = {"distance", "weight", "scale", "by_class", NULL};
    static const char *const ckeys[] = {"distance", "weight", "min_size", NULL};
    static const char *const scales[] = {"fixed", "free", NULL};
    tc_fit_target *t = &f->target[f->ntargets];
    memset(t, 0, sizeof *t);
    t->kind = (tc_target_kind)kind;
    t->weight = 1;
    t->distance = kind == TC_TARGET_VOLUME ? TC_DIST_RMSE_LOG : TC_DIST_KS;
    t->min_size = 1;
    if (spec->kind == TC_Y_SCALAR && !strcmp(spec->value, "true")) {
        f->ntargets++;
        return TC_OK;
    }
    TC_TRY(tc_schema_want_map(err, spec, path));
    TC_TRY(tc_schema_only_keys(err, spec, path, kind == TC_TARGET_VOLUME ? vkeys : ckeys));
    int d = t->distance;
    TC_TRY(tc_schema_get_choice(err, spec, path, "distance", 0, distance_names, &d));
    t->distance = (tc_distance)d;
    int curve = t->distance == TC_DIST_RMSE_LOG || t->distance == TC_DIST_RMSE_SQRT;
    if ((kind == TC_TARGET_VOLUME) != curve)
        return tc_schema_bad(err, tc_ytree_get(spec, "distance"), path,
                             kind == TC_TARGET_VOLUME ? "rmse_log or rmse_sqrt for the volume curve"
                                                      : "ks or wasserstein for a distribution");
    TC_TRY(tc_schema_get_real(err, spec, path, "weight", 0, 0, 1e12, &t->weight));
    if (kind == TC_TARGET_VOLUME) {
        int sc = 0;
        TC_TRY(tc_schema_get_choice(err, spec, path, "scale", 0, scales, &sc));
        t->free_scale = sc;
        TC_TRY(tc_schema_get_bool(err, spec, path, "by_class", &t->by_class));
    } else {
        TC_TRY(tc_schema_get_int(err, spec, path, "min_size", 0, 0, INT64_MAX, &t->min_size));
    }
    f->ntargets++;
cleanup:
    return rc;
}

/* The observed file's path, relative to the scenario's folder unless absolute. */
static void resolve(char *out, size_t n, const char *scenario, const char *file)
{
    const char *slash = strrchr(scenario, '/');
    if (file[0] == '/' || !slash) snprintf(out, n, "%s", file);
    else snprintf(out, n, "%.*s/%s", (int)(slash - scenario), scenario, file);
}

static int load_observed(tc_fit *f, const tc_ynode *obs, tc_err *err)
{
    int rc = TC_OK;
    static const char *const keys[] = {"volume", "cascades", "bin", "tz", NULL};
    char name[4096];
    tc_where at;
    hid_t h = -1;
    double *vals = NULL;
    TC_TRY(tc_schema_want_map(err, obs, "fit.observed"));
    TC_TRY(tc_schema_only_keys(err, obs, "fit.observed", keys));
    int want_volume = 0, want_casc = 0;
    for (int i = 0; i < f->ntargets; i++) {
        if (f->target[i].kind == TC_TARGET_VOLUME) want_volume = 1;
        else want_casc = 1;
    }
    if (want_volume) {
        TC_TRY(tc_schema_get_str(err, obs, "fit.observed", "volume", 1, name, sizeof name, &at));
        resolve(f->observed_volume, sizeof f->observed_volume, f->path, name);
        size_t l = strlen(name);
        if (l > 4 && !strcmp(name + l - 4, ".csv")) {
            tc_volume_opts vo = {0};
            char tz[16] = "";
            TC_TRY(tc_schema_get_duration(err, obs, "fit.observed", "bin", 0, 1000, &vo.bin_ms));
            TC_TRY(tc_schema_get_str(err, obs, "fit.observed", "tz", 0, tz, sizeof tz, NULL));
            if (*tz) {
                int64_t ep;
                char probe[48];
                snprintf(probe, sizeof probe, "2000-01-01T00:00:00%s", tz);
                if (tc_datetime_parse(probe, &ep, &vo.tz_offset_s))
                    return tc_schema_bad(err, tc_ytree_get(obs, "tz"), "fit.observed.tz",
                                         "a UTC offset: Z, +HH:MM or -HH:MM");
                vo.have_tz = 1;
            }
            TC_TRY(tc_volume_read_csv(&f->obs, f->observed_volume, &vo, err));
        } else {
            if (tc_ytree_get(obs, "bin") || tc_ytree_get(obs, "tz"))
                return tc_schema_bad(err, tc_ytree_get(obs, "bin") ? tc_ytree_get(obs, "bin")
                                                                   : tc_ytree_get(obs, "tz"),
                                     "fit.observed", "bin and tz only with a .csv volume file");
            TC_TRY(tc_volume_read_h5(&f->obs, f->observed_volume, err));
        }
        if (f->obs.B <= 0)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.observed.volume: %s holds no bins", at.file,
                    at.line, at.col, f->observed_volume);
        /* the observed window inside the scenario's time, on its output intervals */
        double iv = f->base.time.interval_ms / 1000.0;
        double off = (double)(f->obs.start - f->base.time.start_epoch);
        double per = f->obs.bin_s / iv, first = off / iv;
        double end = off + f->obs.bin_s * (double)f->obs.B;
        char s0[48], s1[48];
        tc_datetime_format(f->obs.start, f->base.time.utc_offset_s, s0, sizeof s0);
        tc_datetime_format((int64_t)(f->obs.start + f->obs.bin_s * (double)f->obs.B),
                           f->base.time.utc_offset_s, s1, sizeof s1);
        if (off < 0 || end > f->base.time.duration_ms / 1000.0 + 1e-6)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.observed.volume: the observed window %s to %s lies "
                    "outside the scenario's time (%s for %g h): move time.start or lengthen "
                    "time.duration", at.file, at.line, at.col, s0, s1, f->base.time.start_iso,
                    f->base.time.duration_ms / 3600000.0);
        if (fabs(per - round(per)) > 1e-9 || round(per) < 1 || fabs(first - round(first)) > 1e-9)
            TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.observed.volume: bins of %g s from %s do not fall on "
                    "the scenario's output intervals (%g s from %s): expected whole intervals",
                    at.file, at.line, at.col, f->obs.bin_s, s0, iv, f->base.time.start_iso);
        f->iv0 = (int64_t)round(first);
        f->per_bin = (int64_t)round(per);
        for (int i = 0; i < f->ntargets; i++)
            if (f->target[i].kind == TC_TARGET_VOLUME && f->target[i].by_class && !f->obs.human)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.targets.volume.by_class: %s has no human and "
                        "bot columns", at.file, at.line, at.col, f->observed_volume);
    } else if (tc_ytree_get(obs, "volume")) {
        return tc_schema_bad(err, tc_ytree_get(obs, "volume"), "fit.observed.volume",
                             "no volume file without a volume target");
    }
    if (want_casc) {
        TC_TRY(tc_schema_get_str(err, obs, "fit.observed", "cascades", 1, name, sizeof name, &at));
        resolve(f->observed_cascades, sizeof f->observed_cascades, f->path, name);
        char kind[32];
        TC_TRY(tc_h5in_open(f->observed_cascades, &h, kind, sizeof kind, err));
        if (strcmp(kind, "observed") || !tc_h5in_exists(h, "/summary/roots/size"))
            TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.observed.cascades: %s is not an observed cascade "
                    "file (tagcascade import --format twitter1516|csv writes one)", at.file,
                    at.line, at.col, f->observed_cascades);
        static const char *const cols[] = {NULL, "/summary/roots/size", "/summary/roots/depth",
                                           "/summary/roots/structural_virality"};
        int64_t nsize = 0;
        double *size = NULL;
        TC_TRY(tc_h5in_array(h, cols[1], H5T_NATIVE_DOUBLE, (void **)&size, &nsize, err));
        for (int i = 0; i < f->ntargets; i++) {
            tc_fit_target *t = &f->target[i];
            if (t->kind == TC_TARGET_VOLUME) continue;
            int64_t n = 0, k = 0;
            rc = tc_h5in_array(h, cols[t->kind], H5T_NATIVE_DOUBLE, (void **)&vals, &n, err);
            if (!rc && n != nsize)
                tc_err_set(err, rc = TC_EINPUT, "%s: %s has %lld rows, size %lld",
                           f->observed_cascades, cols[t->kind], (long long)n, (long long)nsize);
            if (rc) {
                free(size);
                goto cleanup;
            }
            double *s = tc_xmalloc((size_t)(n + 1) * sizeof *s);
            for (int64_t j = 0; j < n; j++)
                if (size[j] >= (double)t->min_size && size[j] >= 1 && isfinite(vals[j]))
                    s[k++] = vals[j];
            qsort(s, (size_t)k, sizeof *s, cmp_double);
            free(vals);
            vals = NULL;
            if (k == 0) {
                free(s);
                free(size);
                TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.targets.%s: %s has no cascade with at least "
                        "%lld reshares", at.file, at.line, at.col, target_names[t->kind],
                        f->observed_cascades, (long long)(t->min_size > 1 ? t->min_size : 1));
            }
            free(f->obs_sample[t->kind]);
            f->obs_sample[t->kind] = s;
            f->nobs[t->kind] = k;
        }
        free(size);
    } else if (tc_ytree_get(obs, "cascades")) {
        return tc_schema_bad(err, tc_ytree_get(obs, "cascades"), "fit.observed.cascades",
                             "no cascade file without a cascade target");
    }
cleanup:
    free(vals);
    if (h >= 0) H5Fclose(h);
    return rc;
}

static int load_algorithm(tc_fit *f, const tc_ynode *a, tc_err *err)
{
    int rc = TC_OK;
    static const char *const keys[] = {"particles", "quantile", "generations", "min_epsilon",
                                       "min_acceptance", "max_simulations", "predictive", NULL};
    f->particles = 200;
    f->quantile = 0.5;
    f->max_generations = 10;
    f->min_epsilon = 0;
    f->min_acceptance = 0.02;
    f->max_simulations = 100000;
    f->predictive = 100;
    if (!a) return TC_OK;
    TC_TRY(tc_schema_want_map(err, a, "fit.algorithm"));
    TC_TRY(tc_schema_only_keys(err, a, "fit.algorithm", keys));
    TC_TRY(tc_schema_get_int(err, a, "fit.algorithm", "particles", 0, 2, 1000000, &f->particles));
    TC_TRY(tc_schema_get_real(err, a, "fit.algorithm", "quantile", 0, 0.01, 0.99, &f->quantile));
    TC_TRY(tc_schema_get_int(err, a, "fit.algorithm", "generations", 0, 1, 1000,
                             &f->max_generations));
    TC_TRY(tc_schema_get_real(err, a, "fit.algorithm", "min_epsilon", 0, 0, 1e300, &f->min_epsilon));
    TC_TRY(tc_schema_get_real(err, a, "fit.algorithm", "min_acceptance", 0, 0, 1,
                              &f->min_acceptance));
    TC_TRY(tc_schema_get_int(err, a, "fit.algorithm", "max_simulations", 0, 1, 1000000000000LL,
                             &f->max_simulations));
    TC_TRY(tc_schema_get_int(err, a, "fit.algorithm", "predictive", 0, 0, 100000, &f->predictive));
    if (f->max_simulations < f->particles)
        return tc_schema_bad(err, tc_ytree_get(a, "max_simulations"), "fit.algorithm.max_simulations",
                             "at least as many simulations as particles");
cleanup:
    return rc;
}

int tc_fit_load(tc_fit *f, const char *path, const char *const *sets, int nsets, tc_err *err)
{
    int rc = TC_OK;
    static const char *const keys[] = {"parameters", "targets", "observed", "algorithm", NULL};
    tc_ynode *fit = NULL;
    memset(f, 0, sizeof *f);
    f->path = tc_xstrdup(path);
    TC_TRY(tc_ytree_read_file(path, &f->text, err));
    TC_TRY(tc_ytree_parse(f->path, f->text, &f->root, err));
    for (int i = 0; i < nsets; i++) TC_TRY(tc_ytree_override(f->root, sets[i], err));
    int fi = tc_ytree_index(f->root, "fit");
    if (fi < 0) TC_FAIL(TC_EINPUT, "%s: no fit section (docs/fit.md: parameters, targets, observed)",
                        path);
    /* the fit section is taken out of the tree every particle's scenario is made from */
    fit = f->root->items[fi];
    snprintf(f->where, sizeof f->where, "%s:%d:%d", fit->file, fit->line, fit->col);
    f->root->items[fi] = tc_xcalloc(1, sizeof *fit);
    *f->root->items[fi] = (tc_ynode){.kind = TC_Y_MAP, .file = fit->file, .line = fit->line,
                                     .col = fit->col};
    TC_TRY(tc_scenario_from_tree(&f->base, path, f->text, f->root, err));
    if (f->base.sweep_at.file)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: a scenario with a sweep section cannot be fitted: remove "
                "one of sweep and fit", f->base.sweep_at.file, f->base.sweep_at.line,
                f->base.sweep_at.col);
    f->graph_sig = tc_scenario_graph_signature(&f->base);
    f->seed = f->base.seed;
    f->key = tc_rng_derive(f->seed, 0x666974, 0);
    TC_TRY(tc_schema_want_map(err, fit, "fit"));
    TC_TRY(tc_schema_only_keys(err, fit, "fit", keys));
    const tc_ynode *params = NULL, *targets = NULL, *obs = NULL;
    char full[64];
    TC_TRY(tc_schema_get_node(err, fit, "fit", "parameters", 1, "a mapping key: {prior: ...}",
                              &params, full, sizeof full));
    TC_TRY(tc_schema_want_map(err, params, "fit.parameters"));
    if (params->n == 0 || params->n > 64)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.parameters: expected 1 to 64 parameters, got %d",
                params->file, params->line, params->col, params->n);
    f->K = params->n;
    f->par = tc_xcalloc((size_t)f->K, sizeof *f->par);
    TC_TRY(tc_schema_get_node(err, fit, "fit", "targets", 1,
                              "a mapping of volume, cascade_size, cascade_depth, structural_virality",
                              &targets, full, sizeof full));
    if (targets->kind == TC_Y_SCALAR && !*targets->value)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.targets: expected at least one target (volume, "
                "cascade_size, cascade_depth, structural_virality), got none", targets->file,
                targets->line, targets->col);
    TC_TRY(tc_schema_want_map(err, targets, "fit.targets"));
    TC_TRY(tc_schema_only_keys(err, targets, "fit.targets", target_names));
    if (targets->n == 0)
        TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.targets: expected at least one target (volume, "
                "cascade_size, cascade_depth, structural_virality), got none", targets->file,
                targets->line, targets->col);
    for (int i = 0; i < targets->n; i++) {
        int k;
        for (k = 0; strcmp(target_names[k], targets->keys[i]); k++) {
        }
        TC_TRY(load_target(f, k, targets->items[i], err));
    }
    TC_TRY(tc_schema_get_node(err, fit, "fit", "observed", 1, "a mapping {volume: FILE, cascades: FILE}",
                              &obs, full, sizeof full));
    TC_TRY(load_observed(f, obs, err));
    TC_TRY(load_algorithm(f, tc_ytree_get(fit, "algorithm"), err));
    for (int i = 0; i < params->n; i++) {
        for (int j = 0; j < i; j++)
            if (!strcmp(params->keys[i], params->keys[j]))
                TC_FAIL(TC_EINPUT, "%s:%d:%d: fit.parameters: '%s' twice", params->file,
                        params->key_line[i], params->key_col[i], params->keys[i]);
        TC_TRY(load_param(f, &f->par[i], params->keys[i], params->items[i], err));
    }
    uint64_t h = TC_FNV_OFFSET;
    h = tc_fnv1a(h, f->text, strlen(f->text) + 1);
    for (int i = 0; i < nsets; i++) h = tc_fnv1a(h, sets[i], strlen(sets[i]) + 1);
    h = tc_fnv1a(h, TC_VERSION, sizeof TC_VERSION);
    f->hash = h;
cleanup:
    tc_ytree_free(fit);
    if (rc) tc_fit_destroy(f);
    return rc;
}

void tc_fit_destroy(tc_fit *f)
{
    if (!f) return;
    if (f->base.path) tc_scenario_destroy(&f->base);
    tc_ytree_free(f->root);
    tc_volume_destroy(&f->obs);
    for (int k = 0; k < TC_NTARGETS; k++) free(f->obs_sample[k]);
    free(f->par);
    free(f->text);
    free(f->path);
    memset(f, 0, sizeof *f);
}
