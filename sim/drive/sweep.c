/* Sweep definition, journal, execution and merging.
 *
 * Journal: one file per process (OUT.journal.<rank>), a 64-byte header naming the
 * sweep, then fixed-size records, each a finished run: point, replicate, its
 * metrics and (optionally) its series, and a checksum. Records are appended with
 * one write each, so a killed process leaves at most one partial record, which
 * readers recognise (wrong size or checksum) and drop. */
#include "drive/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef TC_MPI
#include <mpi.h>
#endif

#include "base/clock.h"
#include "base/mem.h"
#include "base/path.h"
#include "base/version.h"
#include "drive/run.h"
#include "world/world.h"
#include "input/ytree.h"
#include "io/h5in.h"
#include "io/h5out.h"
#include "io/sweepfile.h"

const char *const tc_sweep_metrics[] = {
    "reach",          "reach_human",       "reach_bot",      "exposed",
    "exposed_human",  "exposed_bot",       "posts",          "reshares",
    "reshares_human", "reshares_bot",      "volume",         "peak_volume",
    "peak_t",         "bot_share_volume",  "bot_share_accounts", "max_depth",
    "max_breadth",    "cascades",          "largest_size",   "largest_structural_virality",
    "mean_structural_virality",            "edges_examined"};
const int tc_sweep_nmetrics = (int)(sizeof tc_sweep_metrics / sizeof tc_sweep_metrics[0]);

static void metrics_of(const tc_summary *s, int64_t examined, double *m)
{
    double v[] = {(double)s->reach,          (double)s->reach_human,   (double)s->reach_bot,
                  (double)s->exposed,        (double)s->exposed_human, (double)s->exposed_bot,
                  (double)s->posts,          (double)s->reshares,      (double)s->reshares_human,
                  (double)s->reshares_bot,   (double)s->volume,        (double)s->peak_volume,
                  s->peak_t,                 s->bot_share_volume,      s->bot_share_accounts,
                  (double)s->max_depth,      (double)s->max_breadth,   (double)s->cascades,
                  (double)s->largest_size,   s->largest_sv,            s->mean_sv,
                  (double)examined};
    memcpy(m, v, sizeof v);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

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

static int bad_node(tc_err *err, const tc_ynode *n, const char *key, const char *expect)
{
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: expected %s", n->file, n->line, n->col, key, expect);
    return TC_EINPUT;
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
        return bad_node(err, points, "sweep.points", "either points, or grid and zip, not both");
    if (points) {
        if (points->kind != TC_Y_SEQ || points->n == 0)
            return bad_node(err, points, "sweep.points", "a non-empty list of mappings key: value");
        sw->P = points->n;
        for (int i = 0; i < points->n; i++) {
            const tc_ynode *pt = points->items[i];
            if (pt->kind != TC_Y_MAP || pt->n == 0)
                return bad_node(err, pt, "sweep.points", "a mapping of scenario keys to values");
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
        if (grid->kind != TC_Y_MAP) return bad_node(err, grid, "sweep.grid", "a mapping key: [values]");
        for (int i = 0; i < grid->n; i++) {
            const tc_ynode *v = grid->items[i];
            if (v->kind != TC_Y_SEQ || v->n == 0 || ndim >= 63) {
                char key[200];
                snprintf(key, sizeof key, "sweep.grid.%s", grid->keys[i]);
                return bad_node(err, v, key, "a non-empty list of values");
            }
            int k = add_key(sw, grid->keys[i], v, err);
            if (k < 0) return TC_EINPUT;
            dim_of_key[k] = ndim;
            dims[ndim++] = v->n;
        }
    }
    if (zip) {
        if (zip->kind != TC_Y_MAP || zip->n == 0)
            return bad_node(err, zip, "sweep.zip", "a mapping key: [values], lists of equal length");
        int len = -1;
        for (int i = 0; i < zip->n; i++) {
            const tc_ynode *v = zip->items[i];
            char key[200];
            snprintf(key, sizeof key, "sweep.zip.%s", zip->keys[i]);
            if (v->kind != TC_Y_SEQ || v->n == 0) return bad_node(err, v, key, "a non-empty list of values");
            if (len >= 0 && v->n != len) {
                char msg[96];
                snprintf(msg, sizeof msg, "a list of %d values, as long as the other zip lists", len);
                return bad_node(err, v, key, msg);
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
        if (sw->P > 10000000) return bad_node(err, s, "sweep", "at most 10,000,000 points");
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
    static const char *const keys[] = {"replicates", "grid", "zip", "points", "series", NULL};

    memset(sw, 0, sizeof *sw);
    sw->path = tc_xstrdup(path);
    sw->R = 1;
    sw->series = 1;
    TC_TRY(tc_ytree_read_file(path, &text, err));
    TC_TRY(tc_ytree_parse(sw->path, text, &root, err)); /* sw->path outlives the points */
    for (int i = 0; i < nsets; i++) TC_TRY(tc_ytree_override(root, sets[i], err));
    const tc_ynode *s = tc_ytree_get(root, "sweep");
    if (s) {
        if (s->kind != TC_Y_MAP) TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep: expected a mapping", s->file, s->line, s->col);
        snprintf(sw->where, sizeof sw->where, "%s:%d:%d", s->file, s->line, s->col);
        for (int i = 0; i < s->n; i++) {
            int ok = 0;
            for (int j = 0; keys[j]; j++) ok |= !strcmp(s->keys[i], keys[j]);
            if (!ok)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: unknown key 'sweep.%s'; allowed: replicates, grid, "
                        "zip, points, series", s->items[i]->file, s->items[i]->line,
                        s->items[i]->col, s->keys[i]);
        }
        const tc_ynode *r = tc_ytree_get(s, "replicates");
        if (r) {
            char *end;
            long v = r->kind == TC_Y_SCALAR ? strtol(r->value, &end, 10) : 0;
            if (r->kind != TC_Y_SCALAR || *end || v < 1 || v > 1000000)
                TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep.replicates: expected an integer in [1, 1000000], "
                        "got \"%.40s\"", r->file, r->line, r->col, r->kind == TC_Y_SCALAR ? r->value : "a list");
            sw->R = v;
        }
        const tc_ynode *se = tc_ytree_get(s, "series");
        if (se) {
            if (se->kind == TC_Y_SCALAR && !strcmp(se->value, "true")) sw->series = 1;
            else if (se->kind == TC_Y_SCALAR && !strcmp(se->value, "false")) sw->series = 0;
            else TC_FAIL(TC_EINPUT, "%s:%d:%d: sweep.series: expected true or false", se->file, se->line, se->col);
        }
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
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, text, strlen(text) + 1);
    for (int i = 0; i < nsets; i++) h = fnv(h, sets[i], strlen(sets[i]) + 1);
    h = fnv(h, TC_VERSION, sizeof TC_VERSION);
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

/* ------------------------------------------------------------------ journal */

typedef struct {
    char magic[8];
    uint64_t hash;
    int64_t P, R, M, T, C, series;
} jheader;

#define JTAG 0x314e5552u /* "RUN1" */

typedef struct {
    int64_t P, R, M, T, C, NS; /* NS: series int64 values per run (0 without series) */
    size_t recsize;
} jshape;

static void shape_of(jshape *s, const tc_sweep *sw)
{
    const tc_scenario *sc = &sw->sc[0];
    s->P = sw->P;
    s->R = sw->R;
    s->M = tc_sweep_nmetrics;
    s->T = (sc->time.duration_ms + sc->time.interval_ms - 1) / sc->time.interval_ms;
    s->C = 0; /* set once the graph is known */
    s->NS = 0;
    s->recsize = 0;
}

static void shape_finish(jshape *s, int series)
{
    s->NS = series ? (int64_t)TC_NCOUNTERS * s->T * (2 + s->C) : 0;
    s->recsize = 8 + 16 + 8 * (size_t)s->M + 8 * (size_t)s->NS + 8;
}

typedef struct {
    int nfiles;
    char **path;
    int *fd;
    int64_t *file_of;   /* [P*R] index of the journal holding the run, -1 */
    int64_t *offset_of; /* [P*R] */
    int64_t ndone;
} jindex;

static void jindex_free(jindex *ix)
{
    for (int i = 0; i < ix->nfiles; i++) {
        if (ix->fd[i] >= 0) close(ix->fd[i]);
        free(ix->path[i]);
    }
    free(ix->path);
    free(ix->fd);
    free(ix->file_of);
    free(ix->offset_of);
    memset(ix, 0, sizeof *ix);
}

static int read_full(int fd, void *buf, size_t n, off_t at)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, (char *)buf + got, n - got, at + (off_t)got);
        if (k <= 0) return -1;
        got += (size_t)k;
    }
    return 0;
}

/* Index every journal OUT.journal.* : which run is where. Checks that each belongs
 * to this sweep. *valid_end receives, per file, the end of its last whole record. */
static int jindex_build(jindex *ix, const char *out, uint64_t hash, const jshape *s,
                        int64_t **valid_end, tc_err *err)
{
    int rc = TC_OK;
    glob_t g;
    char pattern[4200];
    memset(ix, 0, sizeof *ix);
    snprintf(pattern, sizeof pattern, "%s.journal.*", out);
    ix->file_of = tc_xmalloc((size_t)(s->P * s->R) * sizeof *ix->file_of);
    ix->offset_of = tc_xmalloc((size_t)(s->P * s->R) * sizeof *ix->offset_of);
    for (int64_t i = 0; i < s->P * s->R; i++) ix->file_of[i] = -1;
    int gr = glob(pattern, 0, NULL, &g);
    size_t nf = gr == 0 ? g.gl_pathc : 0;
    ix->path = tc_xcalloc(nf + 1, sizeof *ix->path);
    ix->fd = tc_xcalloc(nf + 1, sizeof *ix->fd);
    *valid_end = tc_xcalloc(nf + 1, sizeof **valid_end);
    char *rec = tc_xmalloc(s->recsize);
    for (size_t i = 0; i < nf; i++) {
        const char *p = g.gl_pathv[i];
        /* never through a link, only a regular file of this user's */
        int fd = tc_path_open_private(p, O_RDONLY, 0, err);
        if (fd < 0) TC_TRY(TC_EINPUT); /* err says why */
        ix->path[ix->nfiles] = tc_xstrdup(p);
        ix->fd[ix->nfiles] = fd;
        int me = ix->nfiles++;
        jheader h;
        if (fd < 0 || read_full(fd, &h, sizeof h, 0)) {
            (*valid_end)[me] = 0; /* empty or unreadable: nothing in it */
            continue;
        }
        if (memcmp(h.magic, "TCSWJRN1", 8) || h.hash != hash || h.P != s->P || h.R != s->R ||
            h.M != s->M || h.T != s->T || h.C != s->C || h.series != (s->NS > 0))
            TC_FAIL(TC_EINPUT, "%s: this journal belongs to another sweep (the scenario, its "
                    "overrides or the program changed); move it away to start afresh", p);
        off_t at = sizeof h;
        for (;;) {
            if (read_full(fd, rec, s->recsize, at)) break;
            uint32_t tag;
            int64_t pr[2];
            uint64_t sum;
            memcpy(&tag, rec, 4);
            memcpy(pr, rec + 8, 16);
            memcpy(&sum, rec + s->recsize - 8, 8);
            if (tag != JTAG || fnv(0xcbf29ce484222325ULL, rec + 8, s->recsize - 16) != sum ||
                pr[0] < 0 || pr[0] >= s->P || pr[1] < 0 || pr[1] >= s->R)
                break;
            int64_t run = pr[0] * s->R + pr[1];
            if (ix->file_of[run] < 0) {
                ix->file_of[run] = me;
                ix->offset_of[run] = at;
                ix->ndone++;
            }
            at += (off_t)s->recsize;
        }
        (*valid_end)[me] = at;
    }
cleanup:
    free(rec);
    if (gr == 0) globfree(&g);
    return rc;
}

typedef struct {
    jindex *ix;
    const jshape *s;
    char *rec;
} jreader;

static int journal_record(void *vctx, int64_t p, int64_t r, double *metrics, int64_t *series,
                          tc_err *err)
{
    jreader *j = vctx;
    int64_t run = p * j->s->R + r, f = j->ix->file_of[run];
    if (f < 0) return 0;
    errno = 0;
    if (read_full(j->ix->fd[f], j->rec, j->s->recsize, (off_t)j->ix->offset_of[run])) {
        tc_err_set(err, TC_ERUNTIME, "%s: cannot read run %lld/%lld back: %s", j->ix->path[f],
                   (long long)p, (long long)r, errno ? strerror(errno) : "cut short");
        return -1;
    }
    memcpy(metrics, j->rec + 24, 8 * (size_t)j->s->M);
    if (series) memcpy(series, j->rec + 24 + 8 * j->s->M, 8 * (size_t)j->s->NS);
    return 1;
}

/* ------------------------------------------------------------------ execution */

typedef struct {
    int built, remaining;
    tc_population pop;
    tc_timeline tl;
} people;

typedef struct {
    const tc_sweep *sw;
    const tc_sweep_opts *o;
    jshape s;
    int jfd;                  /* this process's journal */
    int64_t *todo;            /* run indices still to do, ordered by graph group */
    int64_t ntodo;
    int64_t finished;
    double t0;
    int rank, nranks;
    int failed;
    tc_err ferr;
} runner;

static int stop_progress(void *ctx, const tc_engine *e)
{
    (void)e;
    const volatile sig_atomic_t *stop = ctx;
    return stop && *stop;
}

static uint64_t run_key_of(const tc_sweep *sw, int64_t p, int64_t r)
{
    return tc_run_key_at(sw->sc[p].seed, p, r);
}

/* Append one finished run to the journal: a single write of a whole record. */
static int journal_append(runner *ru, int64_t p, int64_t r, const double *m,
                          const tc_recorder *rec)
{
    const jshape *s = &ru->s;
    char *buf = tc_xcalloc(1, s->recsize);
    uint32_t tag = JTAG;
    int64_t pr[2] = {p, r};
    memcpy(buf, &tag, 4);
    memcpy(buf + 8, pr, 16);
    memcpy(buf + 24, m, 8 * (size_t)s->M);
    if (s->NS) {
        size_t nc = 8 * (size_t)(TC_NCOUNTERS * s->T * 2);
        memcpy(buf + 24 + 8 * s->M, rec->by_class, nc);
        memcpy(buf + 24 + 8 * s->M + nc, rec->by_comm, 8 * (size_t)(TC_NCOUNTERS * s->T * s->C));
    }
    uint64_t sum = fnv(0xcbf29ce484222325ULL, buf + 8, s->recsize - 16);
    memcpy(buf + s->recsize - 8, &sum, 8);
    size_t done = 0;
    while (done < s->recsize) {
        ssize_t k = write(ru->jfd, buf + done, s->recsize - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        done += (size_t)k;
    }
    free(buf);
    return done == s->recsize ? TC_OK : TC_ERUNTIME;
}

/* The next run index for this process, or -1: a counter shared by all threads
 * (and, with MPI, by all ranks through a one-sided fetch-and-add on rank 0). */
typedef struct {
    int64_t next;
#ifdef TC_MPI
    MPI_Win win;
    int64_t *base;
#endif
} counter;

static int64_t counter_take(counter *c, runner *ru)
{
    int64_t k;
#ifdef TC_MPI
    if (ru->nranks > 1) {
        int64_t one = 1;
#pragma omp critical(tc_mpi)
        {
            MPI_Fetch_and_op(&one, &k, MPI_INT64_T, 0, 0, MPI_SUM, c->win);
            MPI_Win_flush(0, c->win);
        }
        return k;
    }
#endif
    (void)ru;
#pragma omp atomic capture
    k = c->next++;
    return k;
}

/* Runs todo[lo..hi) (one graph group) on this process's threads. */
static void run_group(runner *ru, const tc_world *gw, people *ppl, int64_t lo, int64_t hi,
                      counter *ctr)
{
    const tc_sweep *sw = ru->sw;
    omp_lock_t lock;
    omp_init_lock(&lock);
#pragma omp parallel num_threads(ru->o->threads)
    {
        for (;;) {
            if (ru->failed || (ru->o->stop && *ru->o->stop)) break;
            int64_t k = lo + counter_take(ctr, ru);
            if (k >= hi) break;
            int64_t run = ru->todo[k], p = run / sw->R, r = run % sw->R;
            tc_err err = {0};
            int rc = TC_OK;
            /* the point's population and timeline: built by the first thread that
             * needs them, freed by the last that used them */
            omp_set_lock(&lock);
            if (!ppl[p].built) {
                rc = tc_world_build_people(gw, &sw->sc[p], &ppl[p].pop, &ppl[p].tl, &err);
                ppl[p].built = rc == TC_OK;
            }
            omp_unset_lock(&lock);
            if (rc) {
#pragma omp critical(tc_journal)
                if (!ru->failed) {
                    ru->failed = rc;
                    ru->ferr = err;
                }
                break;
            }
            tc_world w = *gw; /* shallow: the shared graph, this point's people */
            w.pop = ppl[p].pop;
            w.tl = ppl[p].tl;
            tc_engine *e = NULL;
            tc_recorder rec;
            tc_summary sum;
            memset(&rec, 0, sizeof rec);
            memset(&sum, 0, sizeof sum);
            rc = tc_run_simulate(&w, &sw->sc[p], run_key_of(sw, p, r), 1, &e, &rec, &sum,
                                 stop_progress, (void *)ru->o->stop, &err);
            if (rc == TC_OK) {
                double m[64];
                tc_work work;
                tc_engine_work(e, &work);
                metrics_of(&sum, work.examined, m);
#pragma omp critical(tc_journal)
                {
                    if (journal_append(ru, p, r, m, &rec) != TC_OK && !ru->failed) {
                        ru->failed = TC_ERUNTIME;
                        tc_err_set(&ru->ferr, TC_ERUNTIME, "%s: cannot append to the journal "
                                   "(disk full?)", ru->o->out);
                    }
                    ru->finished++;
                    if (!ru->o->quiet && isatty(2) && ru->rank == 0)
                        fprintf(stderr, "\r  %lld runs done (%.0f s)", (long long)ru->finished,
                                tc_clock_now() - ru->t0);
                }
            }
            tc_summary_destroy(&sum);
            tc_engine_free(e);
            tc_recorder_destroy(&rec);
            omp_set_lock(&lock);
            if (--ppl[p].remaining == 0 && ppl[p].built) {
                tc_timeline_destroy(&ppl[p].tl);
                tc_population_destroy(&ppl[p].pop);
                ppl[p].built = 0;
            }
            omp_unset_lock(&lock);
            if (rc && rc != TC_ERUNTIME) {
#pragma omp critical(tc_journal)
                if (!ru->failed) {
                    ru->failed = rc;
                    ru->ferr = err;
                }
            }
        }
    }
    omp_destroy_lock(&lock);
}

typedef struct {
    uint64_t sig;
    int64_t run;
} sig_run;

static int cmp_sig_run(const void *a, const void *b)
{
    const sig_run *x = a, *y = b;
    if (x->sig != y->sig) return x->sig < y->sig ? -1 : 1;
    return (x->run > y->run) - (x->run < y->run);
}

static void sweep_file_desc(tc_sweep_file *d, const tc_sweep *sw, const tc_world *gw,
                            const jshape *s, char **resolved, uint64_t *keys, const char *command,
                            int threads, int ranks, double wall, char *base_resolved)
{
    const tc_scenario *sc = &sw->sc[0];
    memset(d, 0, sizeof *d);
    d->name = sc->name;
    d->scenario_text = sc->text;
    d->resolved_base = base_resolved;
    d->start_iso = sc->time.start_iso;
    d->model = sc->model->name;
    d->command = command;
    d->seed = sc->seed;
    d->sweep_hash = sw->hash;
    d->utc_offset_s = sc->time.utc_offset_s;
    d->threads = threads;
    d->ranks = ranks;
    d->dt_s = sc->time.dt_ms / 1000.0;
    d->interval_s = sc->time.interval_ms / 1000.0;
    d->duration_s = sc->time.duration_ms / 1000.0;
    d->wall_s = wall;
    d->P = s->P;
    d->R = s->R;
    d->T = s->T;
    d->C = (int)s->C;
    d->comm_names = (const char(*)[TC_NAME_MAX])gw->comm_names;
    d->series = s->NS > 0;
    d->K = sw->K;
    d->keys = sw->keys;
    d->values = sw->values;
    d->numeric = sw->numeric;
    d->params_text = sw->params_text;
    d->resolved = resolved;
    d->M = (int)s->M;
    d->metrics = tc_sweep_metrics;
    d->run_key = keys;
}

static char *dump_of(const tc_scenario *sc)
{
    char *t = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&t, &n);
    tc_scenario_dump(sc, f);
    fclose(f);
    return t;
}

int tc_sweep_run(const tc_sweep *sw, const tc_sweep_opts *o, tc_err *err)
{
    int rc = TC_OK;
    runner ru;
    jindex ix;
    int64_t *valid_end = NULL;
    tc_world gw;
    int have_gw = 0;
    people *ppl = NULL;
    sig_run *order = NULL;
    char **resolved = NULL;
    uint64_t *keys = NULL;
    char *base_resolved = NULL;
    counter ctr = {0};
    memset(&ru, 0, sizeof ru);
    memset(&ix, 0, sizeof ix);
    memset(&gw, 0, sizeof gw);
    ru.sw = sw;
    ru.o = o;
    ru.jfd = -1;
    ru.t0 = tc_clock_now();
    ru.nranks = 1;
#ifdef TC_MPI
    MPI_Comm_rank(MPI_COMM_WORLD, &ru.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ru.nranks);
#endif
    shape_of(&ru.s, sw);

    /* the runs of this shard, grouped by graph so that each graph is built once */
    int64_t N = sw->P * sw->R;
    order = tc_xmalloc((size_t)N * sizeof *order);
    uint64_t *sig = tc_xmalloc((size_t)sw->P * sizeof *sig);
    for (int64_t p = 0; p < sw->P; p++) sig[p] = tc_scenario_graph_signature(&sw->sc[p]);
    int64_t n = 0;
    for (int64_t run = 0; run < N; run++)
        if (run % o->shard_n == o->shard_i) order[n++] = (sig_run){sig[run / sw->R], run};
    free(sig);
    /* runs of one graph together (groups ordered by signature), by run index within */
    qsort(order, (size_t)n, sizeof *order, cmp_sig_run);

    /* the graph of the first group tells the number of communities (all graphs
     * of a sweep must agree on it: the series have one column per community) */
    if (!o->quiet && ru.rank == 0) {
        fprintf(stderr, "tagcascade: sweep '%s': %lld point%s x %lld replicate%s = %lld run%s",
                sw->sc[0].name, (long long)sw->P, sw->P == 1 ? "" : "s", (long long)sw->R,
                sw->R == 1 ? "" : "s", (long long)N, N == 1 ? "" : "s");
        if (o->shard_n > 1)
            fprintf(stderr, "; shard %d/%d: the %lld runs whose index leaves %d divided by %d",
                    o->shard_i, o->shard_n, (long long)n, o->shard_i, o->shard_n);
        fputc('\n', stderr);
    }
    TC_TRY(tc_world_build_graph(&gw, &sw->sc[n ? order[0].run / sw->R : 0], err));
    have_gw = 1;
    uint64_t gw_sig = n ? order[0].sig : 0;
    ru.s.C = gw.ncomm;
    shape_finish(&ru.s, sw->series);

    /* journals: resume from them, or refuse to overwrite them */
    TC_TRY(jindex_build(&ix, o->out, sw->hash, &ru.s, &valid_end, err));
#ifdef TC_MPI
    /* every rank sees the journals as they were before any rank writes */
    MPI_Barrier(MPI_COMM_WORLD);
#endif
    if (ix.nfiles && !o->resume)
        TC_FAIL(TC_EINPUT, "%s exists: a sweep into %s was interrupted; add --resume to finish "
                "it, or remove the journal", ix.path[0], o->out);
    int64_t m = 0;
    for (int64_t k = 0; k < n; k++)
        if (ix.file_of[order[k].run] < 0) order[m++] = order[k];
    ru.ntodo = m;
    ru.todo = tc_xmalloc((size_t)(m ? m : 1) * sizeof *ru.todo);
    for (int64_t k = 0; k < m; k++) ru.todo[k] = order[k].run;
    if (!o->quiet && ru.rank == 0 && ix.ndone)
        fprintf(stderr, "tagcascade: resuming: %lld runs already in the journal, %lld to go\n",
                (long long)ix.ndone, (long long)m);

    /* this process's journal: append after its last whole record */
    {
        char jp[4200];
        snprintf(jp, sizeof jp, "%s.journal.%d", o->out, ru.rank);
        ru.jfd = tc_path_open_private(jp, O_WRONLY | O_CREAT, 0644, err);
        if (ru.jfd < 0) TC_TRY(TC_EINPUT); /* a link, not a file, or another user's: err says */
        off_t end = 0;
        for (int i = 0; i < ix.nfiles; i++)
            if (!strcmp(ix.path[i], jp)) end = (off_t)valid_end[i];
        if (end < (off_t)sizeof(jheader)) {
            jheader h = {.hash = sw->hash, .P = ru.s.P, .R = ru.s.R, .M = ru.s.M, .T = ru.s.T,
                         .C = ru.s.C, .series = ru.s.NS > 0};
            memcpy(h.magic, "TCSWJRN1", 8);
            if (ftruncate(ru.jfd, 0) || pwrite(ru.jfd, &h, sizeof h, 0) != (ssize_t)sizeof h)
                TC_FAIL(TC_ERUNTIME, "%s: cannot write the journal", jp);
            end = sizeof h;
        } else if (ftruncate(ru.jfd, end)) {
            TC_FAIL(TC_ERUNTIME, "%s: cannot trim the journal's partial record", jp);
        }
        lseek(ru.jfd, end, SEEK_SET);
    }

    /* group by group: a graph is built once and shared by the runs of its points */
    ppl = tc_xcalloc((size_t)sw->P, sizeof *ppl);
    for (int64_t k = 0; k < m; k++) ppl[ru.todo[k] / sw->R].remaining++;
#ifdef TC_MPI
    if (ru.nranks > 1)
        MPI_Win_allocate(ru.rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0, sizeof(int64_t),
                         MPI_INFO_NULL, MPI_COMM_WORLD, &ctr.base, &ctr.win);
#endif
    for (int64_t lo = 0; lo < m;) {
        int64_t hi = lo;
        while (hi < m && order[hi].sig == order[lo].sig) hi++;
        if (order[lo].sig != gw_sig) {
            tc_world_destroy(&gw);
            have_gw = 0;
            TC_TRY(tc_world_build_graph(&gw, &sw->sc[order[lo].run / sw->R], err));
            have_gw = 1;
            gw_sig = order[lo].sig;
            if (gw.ncomm != ru.s.C)
                TC_FAIL(TC_EINPUT, "%s: sweep: the points' graphs have different numbers of "
                        "communities (%d and %lld); the series need one column per community",
                        sw->path, gw.ncomm, (long long)ru.s.C);
        }
        ctr.next = 0;
#ifdef TC_MPI
        if (ru.nranks > 1) {
            if (ru.rank == 0) *ctr.base = 0;
            MPI_Barrier(MPI_COMM_WORLD);
            MPI_Win_lock_all(0, ctr.win);
        }
#endif
        run_group(&ru, &gw, ppl, lo, hi, &ctr);
#ifdef TC_MPI
        if (ru.nranks > 1) {
            MPI_Win_unlock_all(ctr.win);
            MPI_Barrier(MPI_COMM_WORLD);
        }
#endif
        if (ru.failed || (o->stop && *o->stop)) break;
        lo = hi;
    }
#ifdef TC_MPI
    if (ru.nranks > 1) MPI_Win_free(&ctr.win);
#endif
    if (!o->quiet && isatty(2) && ru.rank == 0) fprintf(stderr, "\n");
    if (ru.failed) {
        *err = ru.ferr;
        rc = ru.failed;
        goto cleanup;
    }
    if (o->stop && *o->stop)
        TC_FAIL(TC_ERUNTIME, "interrupted: %lld runs finished are in %s.journal.*; run the same "
                "command with --resume to finish", (long long)(ix.ndone + ru.finished), o->out);
    close(ru.jfd);
    ru.jfd = -1;
    int local = TC_OK;
#ifdef TC_MPI
    /* every rank's runs are in its journal; rank 0 writes the file */
    MPI_Barrier(MPI_COMM_WORLD);
    if (ru.rank != 0) goto cleanup;
#endif
    (void)local;

    /* the file, from every journal */
    jindex_free(&ix);
    free(valid_end);
    valid_end = NULL;
    TC_TRY(jindex_build(&ix, o->out, sw->hash, &ru.s, &valid_end, err));
    {
        int64_t want = 0;
        for (int64_t run = 0; run < N; run++) want += run % o->shard_n == o->shard_i;
        int64_t have = 0;
        for (int64_t run = 0; run < N; run++)
            have += run % o->shard_n == o->shard_i && ix.file_of[run] >= 0;
        if (have != want)
            TC_FAIL(TC_ERUNTIME, "%s: %lld of %lld runs are in the journals", o->out,
                    (long long)have, (long long)want);
        /* a shard's file holds its own runs only */
        for (int64_t run = 0; run < N; run++)
            if (run % o->shard_n != o->shard_i) ix.file_of[run] = -1;
    }
    resolved = tc_xcalloc((size_t)sw->P, sizeof *resolved);
    for (int64_t p = 0; p < sw->P; p++) resolved[p] = dump_of(&sw->sc[p]);
    keys = tc_xmalloc((size_t)N * sizeof *keys);
    for (int64_t run = 0; run < N; run++) keys[run] = run_key_of(sw, run / sw->R, run % sw->R);
    base_resolved = dump_of(&sw->sc[0]);
    tc_sweep_file d;
    sweep_file_desc(&d, sw, &gw, &ru.s, resolved, keys, o->command, o->threads, ru.nranks,
                    tc_clock_now() - ru.t0, base_resolved);
    jreader jr = {&ix, &ru.s, tc_xmalloc(ru.s.recsize)};
    rc = tc_h5out_write_sweep(o->out, &d, journal_record, &jr, err);
    free(jr.rec);
    if (rc) goto cleanup;
    for (int i = 0; i < ix.nfiles; i++) unlink(ix.path[i]);
    if (!o->quiet)
        fprintf(stderr, "tagcascade: %lld runs in %.1f s on %d thread%s x %d rank%s\n",
                (long long)(ix.ndone), tc_clock_now() - ru.t0, o->threads, o->threads == 1 ? "" : "s",
                ru.nranks, ru.nranks == 1 ? "" : "s");
cleanup:
    if (ru.jfd >= 0) close(ru.jfd);
    if (ppl)
        for (int64_t p = 0; p < sw->P; p++)
            if (ppl[p].built) {
                tc_timeline_destroy(&ppl[p].tl);
                tc_population_destroy(&ppl[p].pop);
            }
    free(ppl);
    if (have_gw) tc_world_destroy(&gw);
    if (resolved)
        for (int64_t p = 0; p < sw->P; p++) free(resolved[p]);
    free(resolved);
    free(keys);
    free(base_resolved);
    free(ru.todo);
    free(order);
    free(valid_end);
    jindex_free(&ix);
    return rc;
}

/* ------------------------------------------------------------------ merge */

typedef struct {
    int n;
    tc_h5file *f;
    int64_t P, R, M, T, C;
    int *owner;       /* [P*R] shard holding the run, -1 */
    double **summary; /* per shard [P*R*M] */
} merger;

static int shard_record(void *vctx, int64_t p, int64_t r, double *metrics, int64_t *series,
                        tc_err *err)
{
    merger *mg = vctx;
    int64_t run = p * mg->R + r;
    int s = mg->owner[run];
    if (s < 0) return 0;
    memcpy(metrics, mg->summary[s] + run * mg->M, 8 * (size_t)mg->M);
    if (!series) return 1;
    return tc_sweepfile_series(&mg->f[s], p, r, mg->T, mg->C, series, err) ? -1 : 1;
}

/* Open the shards, check that they are of one sweep, read their results and
 * note which shard holds each run. */
static int merge_open(merger *mg, const char *const *paths, char *hash0, size_t hn,
                      tc_err *err)
{
    int rc = TC_OK;
    char kind[32], hash[256];
    uint8_t *done = NULL;
    mg->M = -1;
    for (int i = 0; i < mg->n; i++) {
        int64_t P, R;
        hid_t id;
        TC_TRY(tc_h5in_open(paths[i], &id, kind, sizeof kind, err));
        mg->f[i] = (tc_h5file){.id = id, .path = paths[i]};
        if (strcmp(kind, "sweep")) TC_FAIL(TC_EINPUT, "%s: a %s file, not a sweep shard", paths[i], kind);
        TC_TRY(tc_sweepfile_shape(&mg->f[i], hash, sizeof hash, &P, &R, err));
        if (i == 0) {
            snprintf(hash0, hn, "%s", hash);
            mg->P = P;
            mg->R = R;
            TC_TRY(tc_mem_check((double)(P * R) * (sizeof *mg->owner + 1), "the merge's run table", err));
            mg->owner = tc_xmalloc((size_t)(P * R) * sizeof *mg->owner);
            for (int64_t k = 0; k < P * R; k++) mg->owner[k] = -1;
        } else if (strcmp(hash, hash0) || P != mg->P || R != mg->R) {
            TC_FAIL(TC_EINPUT, "%s: belongs to another sweep than %s (sweep_hash %s, not %s)",
                    paths[i], paths[0], hash, hash0);
        }
        /* every shard has the first one's metrics: M is fixed by the first */
        TC_TRY(tc_sweepfile_results(&mg->f[i], P, R, &mg->M, &mg->summary[i], &done, err));
        for (int64_t k = 0; k < P * R; k++)
            if (done[k] && mg->owner[k] < 0) mg->owner[k] = i;
        free(done);
        done = NULL;
    }
    int64_t missing = 0, first_missing = -1;
    for (int64_t k = 0; k < mg->P * mg->R; k++)
        if (mg->owner[k] < 0) {
            if (first_missing < 0) first_missing = k;
            missing++;
        }
    if (missing)
        TC_FAIL(TC_EINPUT, "merge: %lld runs are in no shard (the first: point %lld, replicate "
                "%lld); give every shard of the sweep", (long long)missing,
                (long long)(first_missing / mg->R), (long long)(first_missing % mg->R));
cleanup:
    free(done);
    return rc;
}

int tc_sweep_merge(const char *const *paths, int n, const char *out, const char *command,
                   tc_err *err)
{
    int rc = TC_OK;
    merger mg;
    char hash0[256] = "";
    tc_sweep_back b;
    memset(&b, 0, sizeof b);
    memset(&mg, 0, sizeof mg);

    if (n < 1) TC_FAIL(TC_EINPUT, "merge: no shard files given");
    mg.n = n;
    mg.f = tc_xcalloc((size_t)n, sizeof *mg.f);
    for (int i = 0; i < n; i++) mg.f[i].id = -1;
    mg.summary = tc_xcalloc((size_t)n, sizeof *mg.summary);
    TC_TRY(tc_h5out_check_dest(out, err));
    TC_TRY(merge_open(&mg, paths, hash0, sizeof hash0, err));
    /* the sweep's description, from the first shard */
    TC_TRY(tc_sweepfile_read(&mg.f[0], mg.P, mg.R, hash0, &b, err));
    if (b.nmetrics != mg.M)
        TC_FAIL(TC_EINPUT, "%s: /sweep/metrics and /sweep/summary disagree", paths[0]);
    b.d.command = command;
    b.d.ranks = n;
    for (int i = 0; i < n; i++) {
        double w;
        TC_TRY(tc_h5read_num(&mg.f[i], "/meta", "wall_time_s", H5T_NATIVE_DOUBLE, &w, NULL, err));
        b.d.wall_s += w;
    }
    mg.T = b.d.T;
    mg.C = b.d.C;
    if (b.d.series)
        TC_TRY(tc_mem_check((double)TC_NCOUNTERS * (double)mg.T * (2.0 + mg.C) * 16,
                            "a run's series", err));
    rc = tc_h5out_write_sweep(out, &b.d, shard_record, &mg, err);
cleanup:
    for (int i = 0; i < mg.n; i++) {
        if (mg.f[i].id >= 0) H5Fclose(mg.f[i].id);
        free(mg.summary[i]);
    }
    free(mg.f);
    free(mg.summary);
    free(mg.owner);
    tc_sweepfile_release(&b);
    return rc;
}
