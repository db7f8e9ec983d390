/* Sweep definition: the `sweep:` section expanded into points (grid, zip,
 * explicit points) and replicates, each point's scenario loaded from the one
 * parsed file. Running is in sweep_run.c, the journal in journal.c, merging in
 * merge.c. */
#include "drive/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/limits.h"
#include "base/mem.h"
#include "base/version.h"
#include "drive/run.h"
#include "input/schema.h"
#include "input/ytree.h"

/* ------------------------------------------------------------------ definition */

/* A node as flow YAML that parses back to the same node. */
static void emit(FILE *f, const tc_ynode *n)
{
    if (n->kind == TC_Y_SCALAR) {
        if (n->plain && *n->value) {
            fputs(n->value, f);
            return;
        }
        fputc('"', f);
        for (const char *s = n->value; *s; s++) {
            if (*s == '"' || *s == '\\') fputc('\\', f);
            if (*s == '\n') fputs("\\n", f);
            else fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputc(n->kind == TC_Y_SEQ ? '[' : '{', f);
        for (int i = 0; i < n->n; i++) {
            if (i) fputs(", ", f);
            if (n->kind == TC_Y_MAP) fprintf(f, "%s: ", n->keys[i]);
            emit(f, n->items[i]);
        }
        fputc(n->kind == TC_Y_SEQ ? ']' : '}', f);
    }
}

static char *emit_str(const tc_ynode *n)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    emit(f, n);
    fclose(f);
    return s;
}

static int add_key(tc_sweep *sw, const char *key, const tc_ynode *at, tc_err *err)
{
    for (int k = 0; k < sw->K; k++)
        if (!strcmp(sw->keys[k], key)) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: sweep: key '%s' is swept twice", at->file,
                       at->line, at->col, key);
            return -1;
        }
    sw->keys = tc_xrealloc(sw->keys, (size_t)(sw->K + 1) * sizeof *sw->keys);
    sw->keys[sw->K] = tc_xstrdup(key);
    return sw->K++;
}

/* Fill sw->keys, sw->P and sw->values from grid/zip or points. */
static int expand(tc_sweep *sw, const tc_ynode *s, tc_err *err)
{
    int rc = TC_OK;
    const tc_ynode *grid = tc_ytree_get(s, "grid"), *zip = tc_ytree_get(s, "zip"),
                   *points = tc_ytree_get(s, "points");
    if (points && (grid || zip))
        return tc_schema_bad(err, points, "sweep.points", "either points, or grid and zip, not both");
    if (points) {
        if (points->kind != TC_Y_SEQ || points->n == 0)
            return tc_schema_bad(err, points, "sweep.points", "a non-empty list of mappings key: value");
        sw->P = points->n;
        for (int i = 0; i < points->n; i++) {
            const tc_ynode *pt = points->items[i];
            if (pt->kind != TC_Y_MAP || pt->n == 0)
                return tc_schema_bad(err, pt, "sweep.points", "a mapping of scenario keys to values");
            for (int j = 0; j < pt->n; j++) {
                int k;
                for (k = 0; k < sw->K && strcmp(sw->keys[k], pt->keys[j]); k++) {
                }
                if (k == sw->K) {
                    add_key(sw, pt->keys[j], pt, err);
                    sw->values = tc_xrealloc(sw->values, (size_t)sw->K * sizeof *sw->values);
                    sw->values[k] = tc_xcalloc((size_t)sw->P, sizeof **sw->values);
                }
                sw->values[k][i] = emit_str(pt->items[j]);
            }
        }
        for (int k = 0; k < sw->K; k++)
            for (int64_t p = 0; p < sw->P; p++)
                if (!sw->values[k][p]) {
                    tc_err_set(err, TC_EINPUT, "%s:%d:%d: sweep.points.%lld: missing key '%s' "
                               "(every point must give every key)", points->items[p]->file,
                               points->items[p]->line, points->items[p]->col, (long long)p,
                               sw->keys[k]);
                    return TC_EINPUT;
                }
        return TC_OK;
    }
    /* dimensions: each grid key, then the zip group as one */
    int ndim = 0, dims[64], dim_of_key[64];
    if (grid) {
        if (grid->kind != TC_Y_MAP) return tc_schema_bad(err, grid, "sweep.grid", "a mapping key: [values]");
        for (int i = 0; i < grid->n; i++) {
            const tc_ynode *v = grid->items[i];
            if (v->kind != TC_Y_SEQ || v->n == 0 || ndim >= 63) {
                char key[200];
                snprintf(key, sizeof key, "sweep.grid.%s", grid->keys[i]);
                return tc_schema_bad(err, v, key, "a non-empty list of values");
            }
            int k = add_key(sw, grid->keys[i], v, err);
            if (k < 0) return TC_EINPUT;
            dim_of_key[k] = ndim;
            dims[ndim++] = v->n;
        }
    }
    if (zip) {
        if (zip->kind != TC_Y_MAP || zip->n == 0)
            return tc_schema_bad(err, zip, "sweep.zip", "a mapping key: [values], lists of equal length");
        int len = -1;
        for (int i = 0; i < zip->n; i++) {
            const tc_ynode *v = zip->items[i];
            char key[200];
            snprintf(key, sizeof key, "sweep.zip.%s", zip->keys[i]);
            if (v->kind != TC_Y_SEQ || v->n == 0) return tc_schema_bad(err, v, key, "a non-empty list of values");
            if (len >= 0 && v->n != len) {
                char msg[96];
                snprintf(msg, sizeof msg, "a list of %d values, as long as the other zip lists", len);
                return tc_schema_bad(err, v, key, msg);
            }
            len = v->n;
            int k = add_key(sw, zip->keys[i], v, err);
            if (k < 0 || k >= 64) return TC_EINPUT;
            dim_of_key[k] = ndim;
        }
        dims[ndim++] = len;
    }
    sw->P = 1;
    for (int d = 0; d < ndim; d++) {
        sw->P *= dims[d];
        if (sw->P > 10000000) return tc_schema_bad(err, s, "sweep", "at most 10,000,000 points");
    }
    /* every point holds its scenario, its values and (once run) its resolved text */
    char what[96];
    snprintf(what, sizeof what, "the sweep's %lld points (%s:%d:%d)", (long long)sw->P, s->file,
             s->line, s->col);
    rc = tc_mem_check((double)sw->P * ((double)sizeof(tc_scenario) + 96.0 * sw->K + 4096), what,
                      err);
    if (rc) return rc;
    sw->values = tc_xcalloc((size_t)sw->K + 1, sizeof *sw->values);
    for (int k = 0; k < sw->K; k++) sw->values[k] = tc_xcalloc((size_t)sw->P, sizeof **sw->values);
    for (int64_t p = 0; p < sw->P; p++) {
        /* mixed radix, the last dimension fastest */
        int idx[64];
        int64_t q = p;
        for (int d = ndim - 1; d >= 0; d--) {
            idx[d] = (int)(q % dims[d]);
            q /= dims[d];
        }
        for (int k = 0; k < sw->K; k++) {
            const tc_ynode *lists = tc_ytree_index(grid, sw->keys[k]) >= 0 ? grid : zip;
            const tc_ynode *v = tc_ytree_get(lists, sw->keys[k]);
            sw->values[k][p] = emit_str(v->items[idx[dim_of_key[k]]]);
        }
    }
    return rc;
}

static int is_number(const char *s)
{
    char *end;
    if (!*s) return 0;
    double v = strtod(s, &end);
    return !*end && isfinite(v);
}

int tc_sweep_load(tc_sweep *sw, const char *path, const char *const *sets, int nsets,
                  tc_err *err)
{
    int rc = TC_OK;
    char *text = NULL;
    tc_ynode *root = NULL, *swept = NULL;
    int si = -1;
    static const char *const keys[] = {"replicates", "grid", "zip", "points", "series", "paired",
                                       NULL};

    memset(sw, 0, sizeof *sw);
    sw->path = tc_xstrdup(path);
    sw->R = 1;
    sw->series = 1;
    TC_TRY(tc_ytree_read_file(path, &text, err));
    TC_TRY(tc_ytree_parse(sw->path, text, &root, err)); /* sw->path outlives the points */
    for (int i = 0; i < nsets; i++) TC_TRY(tc_ytree_override(root, sets[i], err));
    const tc_ynode *s = tc_ytree_get(root, "sweep");
    if (s) {
        TC_TRY(tc_schema_want_map(err, s, "sweep"));
        snprintf(sw->where, sizeof sw->where, "%s:%d:%d", s->file, s->line, s->col);
        TC_TRY(tc_schema_only_keys(err, s, "sweep", keys));
        TC_TRY(tc_schema_get_int(err, s, "sweep", "replicates", 0, 1, 1000000, &sw->R));
        TC_TRY(tc_schema_get_bool(err, s, "sweep", "series", &sw->series));
        TC_TRY(tc_schema_get_bool(err, s, "sweep", "paired", &sw->paired));
        TC_TRY(expand(sw, s, err));
    } else {
        sw->P = 1;
        snprintf(sw->where, sizeof sw->where, "%s", path);
    }
    if (sw->P * sw->R > TC_MAX_RUNS)
        TC_FAIL(TC_EINPUT, "%s: sweep: %lld runs: at most 100,000,000", path, (long long)(sw->P * sw->R));
    sw->numeric = tc_xcalloc((size_t)sw->K + 1, sizeof *sw->numeric);
    for (int k = 0; k < sw->K; k++) {
        sw->numeric[k] = 1;
        for (int64_t p = 0; p < sw->P; p++) sw->numeric[k] &= is_number(sw->values[k][p]);
    }
    /* every point: the file, the command-line overrides, then the point's values,
     * applied to a copy of the one parsed tree */
    sw->sc = tc_xcalloc((size_t)sw->P, sizeof *sw->sc);
    sw->params_text = tc_xcalloc((size_t)sw->P, sizeof *sw->params_text);
    /* the sweep section, whose lists grow with the points, is left out of the
     * copies: the scenario keeps no more of it than its key */
    si = tc_ytree_index(root, "sweep");
    if (si >= 0) {
        swept = root->items[si];
        root->items[si] = tc_xcalloc(1, sizeof *swept);
        *root->items[si] = (tc_ynode){.kind = TC_Y_MAP, .file = swept->file,
                                      .line = swept->line, .col = swept->col};
    }
    for (int64_t p = 0; p < sw->P; p++) {
        char *pt = NULL, *set = NULL;
        size_t len = 0, cap = 0;
        FILE *f = open_memstream(&pt, &len);
        tc_ynode *tree = tc_ytree_copy(root);
        tc_err inner = {0};
        rc = TC_OK;
        for (int k = 0; k < sw->K; k++) {
            size_t n = strlen(sw->keys[k]) + strlen(sw->values[k][p]) + 2;
            if (n > cap) set = tc_xrealloc(set, cap = n);
            snprintf(set, n, "%s=%s", sw->keys[k], sw->values[k][p]);
            fprintf(f, "%s%s", k ? "; " : "", set);
            if (!rc) rc = tc_ytree_override(tree, set, &inner);
        }
        fclose(f);
        free(set);
        sw->params_text[p] = pt;
        /* only point 0 keeps the file's text, which is written once; memory then
         * grows with the points by the resolved values alone */
        if (!rc) rc = tc_scenario_from_tree(&sw->sc[p], path, p ? NULL : text, tree, &inner);
        tc_ytree_free(tree);
        if (rc) {
            for (int64_t q = 0; q < p; q++) tc_scenario_destroy(&sw->sc[q]);
            free(sw->sc);
            sw->sc = NULL;
            TC_FAIL(TC_EINPUT, "%s: sweep point %lld (%s): %s", sw->where, (long long)p, pt,
                    inner.msg);
        }
    }
    for (int64_t p = 1; p < sw->P; p++)
        if (sw->sc[p].output.exposures_off != sw->sc[0].output.exposures_off)
            TC_FAIL(TC_EINPUT, "%s: sweep point %lld (%s): output.exposures: expected the same "
                    "value at every point (it sets the file's layout)", sw->where, (long long)p,
                    sw->params_text[p]);
    uint64_t h = TC_FNV_OFFSET;
    h = tc_fnv1a(h, text, strlen(text) + 1);
    for (int i = 0; i < nsets; i++) h = tc_fnv1a(h, sets[i], strlen(sets[i]) + 1);
    h = tc_fnv1a(h, TC_VERSION, sizeof TC_VERSION);
    sw->hash = h;
cleanup:
    if (swept) {
        tc_ytree_free(root->items[si]);
        root->items[si] = swept;
    }
    free(text);
    tc_ytree_free(root);
    if (rc) tc_sweep_destroy(sw);
    return rc;
}

uint64_t tc_sweep_run_key(const tc_sweep *sw, int64_t p, int64_t r)
{
    return tc_run_key_at(sw->sc[p].seed, sw->paired ? 0 : p, r);
}

void tc_sweep_lane(const tc_sweep *sw, int64_t p, int64_t r, uint64_t *lane_key, int *lane)
{
    tc_run_lane(sw->sc[p].seed, sw->paired ? 0 : p, r, lane_key, lane);
}

void tc_sweep_destroy(tc_sweep *sw)
{
    if (!sw) return;
    for (int k = 0; k < sw->K; k++) {
        if (sw->values)
            for (int64_t p = 0; p < sw->P; p++) free(sw->values[k][p]);
        if (sw->values) free(sw->values[k]);
        free(sw->keys[k]);
    }
    free(sw->values);
    free(sw->keys);
    free(sw->numeric);
    if (sw->sc)
        for (int64_t p = 0; p < sw->P; p++) tc_scenario_destroy(&sw->sc[p]);
    free(sw->sc);
    if (sw->params_text)
        for (int64_t p = 0; p < sw->P; p++) free(sw->params_text[p]);
    free(sw->params_text);
    free(sw->path);
    memset(sw, 0, sizeof *sw);
}

