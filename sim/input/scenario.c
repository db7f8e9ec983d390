/* Scenario loading: a declared schema walked over the YAML tree. Each getter names
 * the dotted key and the node's position when a value is missing, mistyped or out
 * of range; unknown keys get a "did you mean". */
#include "input/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "base/path.h"
#include "input/ytree.h"

/* ------------------------------------------------------------------ schema walking */

static const char *describe(const tc_ynode *n, char *buf, size_t len)
{
    if (n->kind == TC_Y_SCALAR) snprintf(buf, len, "\"%.60s\"", n->value);
    else snprintf(buf, len, "%s", tc_ytree_kind_name(n->kind));
    return buf;
}

/* Position of key i of map: where the key was written in the same file, else
 * where its value came from (an override). */
static void key_where(const tc_ynode *map, int i, tc_where *w)
{
    const tc_ynode *v = map->items[i];
    if (v->file == map->file) {
        w->file = map->file;
        w->line = map->key_line[i];
        w->col = map->key_col[i];
    } else {
        w->file = v->file;
        w->line = v->line;
        w->col = v->col;
    }
}

/* Position of map[key] if present, else of the map itself. */
static tc_where where_of(const tc_ynode *map, const char *key)
{
    const tc_ynode *n = tc_ytree_get(map, key);
    if (!n) n = map;
    return (tc_where){n->file, n->line, n->col};
}

static int bad(tc_err *err, const tc_ynode *n, const char *key, const char *expect)
{
    char buf[96];
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: expected %s, got %s", n->file, n->line,
               n->col, key, expect, describe(n, buf, sizeof buf));
    return TC_EINPUT;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), prev[64], cur[64];
    if (la >= 63 || lb >= 63) return 99;
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < c) c = prev[j] + 1;
            if (cur[j - 1] + 1 < c) c = cur[j - 1] + 1;
            cur[j] = c;
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

/* Fail on any key of `map` not in `allowed` (NULL-terminated), suggesting the
 * closest allowed key. `path` is the dotted prefix ("" at top level). */
static int only_keys(tc_err *err, const tc_ynode *map, const char *path,
                     const char *const *allowed)
{
    for (int i = 0; i < map->n; i++) {
        int ok = 0;
        for (int j = 0; allowed[j]; j++)
            if (strcmp(map->keys[i], allowed[j]) == 0) ok = 1;
        if (ok) continue;
        const char *best = NULL;
        size_t bd = 3;
        for (int j = 0; allowed[j]; j++) {
            size_t d = edit_distance(map->keys[i], allowed[j]);
            if (d < bd) bd = d, best = allowed[j];
        }
        char list[512] = "";
        for (int j = 0; allowed[j]; j++) {
            strncat(list, j ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, allowed[j], sizeof list - strlen(list) - 1);
        }
        tc_where w;
        key_where(map, i, &w);
        if (best)
            tc_err_set(err, TC_EINPUT,
                       "%s:%d:%d: unknown key '%s%s%s' (did you mean '%s%s%s'?); allowed: %s",
                       w.file, w.line, w.col, path, *path ? "." : "", map->keys[i], path,
                       *path ? "." : "", best, list);
        else
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: unknown key '%s%s%s'; allowed: %s",
                       w.file, w.line, w.col, path, *path ? "." : "", map->keys[i], list);
        return TC_EINPUT;
    }
    return TC_OK;
}

static void join(char *out, size_t n, const char *path, const char *key)
{
    snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
}

static int missing(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                   const char *expect)
{
    char full[160];
    join(full, sizeof full, path, key);
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: missing key '%s' (%s)", map->file, map->line,
               map->col, full, expect);
    return TC_EINPUT;
}

static int want_map(tc_err *err, const tc_ynode *n, const char *key)
{
    return n->kind == TC_Y_MAP ? TC_OK : bad(err, n, key, "a mapping of keys");
}

/* Getters: *found is set to 1 when the key is present. When absent and `required`,
 * fail naming the key; otherwise leave *out at its default. */
static int get_node(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                    int required, const char *expect, const tc_ynode **out, char *full,
                    size_t fn)
{
    join(full, fn, path, key);
    *out = tc_ytree_get(map, key);
    if (!*out && required) return missing(err, map, path, key, expect);
    return TC_OK;
}

static int get_real(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                    int required, double lo, double hi, double *out)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "a number in [%g, %g]", lo, hi);
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    double v = n->kind == TC_Y_SCALAR ? strtod(n->value, &end) : NAN;
    if (n->kind != TC_Y_SCALAR || !n->plain || end == n->value || *end || errno ||
        !isfinite(v) || v < lo || v > hi)
        return bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

static int get_int(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                   int required, int64_t lo, int64_t hi, int64_t *out)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "an integer in [%lld, %lld]", (long long)lo,
             (long long)hi);
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    long long v = n->kind == TC_Y_SCALAR ? strtoll(n->value, &end, 10) : 0;
    if (n->kind != TC_Y_SCALAR || !n->plain || end == n->value || *end || errno ||
        v < lo || v > hi)
        return bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

static int get_u64(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                   uint64_t *out)
{
    char full[160];
    const char *expect = "an integer in [0, 18446744073709551615]";
    const tc_ynode *n;
    int rc = get_node(err, map, path, key, 0, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    unsigned long long v = n->kind == TC_Y_SCALAR ? strtoull(n->value, &end, 10) : 0;
    if (n->kind != TC_Y_SCALAR || !n->plain || !isdigit((unsigned char)n->value[0]) ||
        *end || errno)
        return bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

static int get_str(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                   int required, char *out, size_t len, tc_where *at)
{
    char full[160], expect[64];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "a text of at most %zu characters", len - 1);
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind != TC_Y_SCALAR || strlen(n->value) >= len || !n->value[0])
        return bad(err, n, full, expect);
    snprintf(out, len, "%s", n->value);
    if (at) *at = (tc_where){n->file, n->line, n->col};
    return TC_OK;
}

static int get_bool(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                    int *out)
{
    char full[160];
    const tc_ynode *n;
    int rc = get_node(err, map, path, key, 0, "", &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind == TC_Y_SCALAR && n->plain &&
        (!strcmp(n->value, "true") || !strcmp(n->value, "yes"))) *out = 1;
    else if (n->kind == TC_Y_SCALAR && n->plain &&
             (!strcmp(n->value, "false") || !strcmp(n->value, "no"))) *out = 0;
    else return bad(err, n, full, "true or false");
    return TC_OK;
}

static int get_choice(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      int required, const char *const *names, int *out)
{
    char full[160], expect[256] = "one of ";
    const tc_ynode *n;
    for (int i = 0; names[i]; i++) {
        strncat(expect, i ? ", " : "", sizeof expect - strlen(expect) - 1);
        strncat(expect, names[i], sizeof expect - strlen(expect) - 1);
    }
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind == TC_Y_SCALAR)
        for (int i = 0; names[i]; i++)
            if (strcmp(n->value, names[i]) == 0) {
                *out = i;
                return TC_OK;
            }
    return bad(err, n, full, expect);
}

static int get_duration(tc_err *err, const tc_ynode *map, const char *path,
                        const char *key, int required, int64_t lo_ms, int64_t *out_ms)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect,
             "a duration such as 90s, 15m, 2h, 1d or 1h30m (at least %gs)", lo_ms / 1000.0);
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    int64_t v;
    if (n->kind != TC_Y_SCALAR || tc_duration_parse(n->value, &v) || v < lo_ms)
        return bad(err, n, full, expect);
    *out_ms = v;
    return TC_OK;
}

/* ------------------------------------------------------------------ sections */

static int load_time(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *t = tc_ytree_get(root, "time");
    static const char *const keys[] = {"start", "duration", "dt", "output_interval", NULL};
    if (!t) return missing(err, root, "", "time", "a mapping with start and duration");
    TC_TRY(want_map(err, t, "time"));
    TC_TRY(only_keys(err, t, "time", keys));
    const tc_ynode *s = tc_ytree_get(t, "start");
    if (!s) return missing(err, t, "time", "start", "an ISO 8601 date-time with offset");
    if (s->kind != TC_Y_SCALAR ||
        tc_datetime_parse(s->value, &sc->time.start_epoch, &sc->time.utc_offset_s))
        return bad(err, s, "time.start",
                   "an ISO 8601 date-time with UTC offset, e.g. 2017-05-05T20:00:00+02:00");
    tc_datetime_format(sc->time.start_epoch, sc->time.utc_offset_s, sc->time.start_iso,
                       sizeof sc->time.start_iso);
    sc->time.dt_ms = 1000;
    sc->time.interval_ms = 60000;
    TC_TRY(get_duration(err, t, "time", "duration", 1, 1, &sc->time.duration_ms));
    TC_TRY(get_duration(err, t, "time", "dt", 0, 1, &sc->time.dt_ms));
    TC_TRY(get_duration(err, t, "time", "output_interval", 0, 1, &sc->time.interval_ms));
    const tc_ynode *iv = tc_ytree_get(t, "output_interval");
    if (sc->time.interval_ms % sc->time.dt_ms) {
        char expect[128];
        if (iv) {
            snprintf(expect, sizeof expect, "a whole multiple of time.dt (%gs)",
                     sc->time.dt_ms / 1000.0);
            return bad(err, iv, "time.output_interval", expect);
        }
        snprintf(expect, sizeof expect,
                 "a step that divides time.output_interval (default 1m; set it too)");
        return bad(err, tc_ytree_get(t, "dt"), "time.dt", expect);
    }
    if (sc->time.duration_ms / sc->time.interval_ms > 50000000)
        return bad(err, tc_ytree_get(t, "duration"), "time.duration",
                   "at most 50,000,000 output intervals");
cleanup:
    return rc;
}

static int load_communities(tc_err *err, tc_scenario *sc, const tc_ynode *g)
{
    const tc_ynode *c = tc_ytree_get(g, "communities");
    static const char *const keys[] = {"name", "share", NULL};
    int rc = TC_OK;
    if (!c) {
        sc->graph.ncomm = 1;
        sc->graph.comm = tc_xcalloc(1, sizeof *sc->graph.comm);
        strcpy(sc->graph.comm[0].name, "all");
        sc->graph.comm[0].share = 1.0;
        return TC_OK;
    }
    if (c->kind != TC_Y_SEQ || c->n == 0 || c->n > TC_MAX_COMMUNITIES)
        return bad(err, c, "graph.communities",
                   "a list of 1 to 1024 mappings with name and share");
    sc->graph.ncomm = c->n;
    sc->graph.comm = tc_xcalloc((size_t)c->n, sizeof *sc->graph.comm);
    double sum = 0;
    for (int i = 0; i < c->n; i++) {
        char path[64];
        snprintf(path, sizeof path, "graph.communities.%d", i);
        const tc_ynode *e = c->items[i];
        TC_TRY(want_map(err, e, path));
        TC_TRY(only_keys(err, e, path, keys));
        TC_TRY(get_str(err, e, path, "name", 1, sc->graph.comm[i].name, TC_NAME_MAX, NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->graph.comm[j].name, sc->graph.comm[i].name))
            {
                char full[80];
                snprintf(full, sizeof full, "%s.name", path);
                return bad(err, tc_ytree_get(e, "name"), full, "a community name not used before");
            }
        sc->graph.comm[i].share = 1.0 / c->n;
        TC_TRY(get_real(err, e, path, "share", c->n > 1, 1e-9, 1.0, &sc->graph.comm[i].share));
        sum += sc->graph.comm[i].share;
    }
    if (fabs(sum - 1.0) > 1e-6) {
        char msg[96];
        snprintf(msg, sizeof msg, "shares that add up to 1 (they add up to %g)", sum);
        return bad(err, c, "graph.communities", msg);
    }
cleanup:
    return rc;
}

static char *resolve_path(const char *scenario_path, const char *file)
{
    if (file[0] == '/') return tc_xstrdup(file);
    const char *slash = strrchr(scenario_path, '/');
    if (!slash) return tc_xstrdup(file);
    size_t dl = (size_t)(slash - scenario_path) + 1, fl = strlen(file);
    char *out = tc_xmalloc(dl + fl + 1);
    memcpy(out, scenario_path, dl);
    memcpy(out + dl, file, fl + 1);
    return out;
}

static int load_graph(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *g = tc_ytree_get(root, "graph");
    static const char *const keys[] = {
        "generator", "n", "m", "power", "edges", "p_in", "p_out", "fw_prob", "bw_factor",
        "ambs", "file", "format", "direction", "community_attribute", "communities",
        "mixing", "reciprocity", NULL};
    static const char *const gens[] = {"ba", "er", "sbm", "forest_fire", NULL};
    static const char *const fmts[] = {"edgelist", "ncol", "graphml", "gml", "pajek", "store",
                                       NULL};
    static const char *const dirs[] = {"follows", "flows", NULL};
    if (!g) return missing(err, root, "", "graph", "a mapping with a generator or a file");
    TC_TRY(want_map(err, g, "graph"));
    TC_TRY(only_keys(err, g, "graph", keys));
    sc->graph.at = where_of(g, "n");

    const tc_ynode *gen = tc_ytree_get(g, "generator"), *file = tc_ytree_get(g, "file");
    if (!gen == !file)
        return bad(err, g, "graph", "exactly one of 'generator' or 'file'");
    sc->graph.m = 5;
    sc->graph.power = 1.0;
    sc->graph.p_in = 0.001;
    sc->graph.p_out = 0.0001;
    sc->graph.fw_prob = 0.37;
    sc->graph.bw_factor = 0.32 / 0.37;
    sc->graph.ambs = 1;
    TC_TRY(load_communities(err, sc, g));
    TC_TRY(get_real(err, g, "graph", "mixing", 0, 0.0, 1.0, &sc->graph.mixing));
    TC_TRY(get_real(err, g, "graph", "reciprocity", 0, 0.0, 1.0, &sc->graph.reciprocity));
    if (gen) {
        int k;
        TC_TRY(get_choice(err, g, "graph", "generator", 1, gens, &k));
        sc->graph.generator = (tc_generator)(k + 1);
        TC_TRY(get_int(err, g, "graph", "n", 1, 2, INT32_MAX - 1000000, &sc->graph.n));
        static const char *const file_keys[] = {"format", "direction", "community_attribute"};
        for (int i = 0; i < 3; i++)
            if (tc_ytree_get(g, file_keys[i])) {
                char full[64];
                snprintf(full, sizeof full, "graph.%s", file_keys[i]);
                return bad(err, tc_ytree_get(g, file_keys[i]), full,
                           "no file option next to 'generator'");
            }
        /* each generator's own options; another generator's are refused */
        static const char *const own[][4] = {
            [TC_GEN_BA] = {"m", "power", "mixing", NULL},
            [TC_GEN_ER] = {"edges", "mixing", NULL},
            [TC_GEN_SBM] = {"p_in", "p_out", NULL},
            [TC_GEN_FF] = {"fw_prob", "bw_factor", "ambs", "mixing"},
        };
        static const char *const gen_only[] = {"m", "power", "edges", "p_in", "p_out",
                                               "fw_prob", "bw_factor", "ambs", "mixing"};
        for (int i = 0; i < 9; i++) {
            const tc_ynode *x = tc_ytree_get(g, gen_only[i]);
            if (!x) continue;
            int ok = 0;
            for (int j = 0; j < 4 && own[sc->graph.generator][j]; j++)
                ok |= !strcmp(own[sc->graph.generator][j], gen_only[i]);
            if (!ok) {
                char full[64], expect[128];
                snprintf(full, sizeof full, "graph.%s", gen_only[i]);
                snprintf(expect, sizeof expect, "no '%s' with generator %s (%s)", gen_only[i],
                         gens[k],
                         !strcmp(gen_only[i], "mixing") ? "its blocks mix through p_out"
                                                        : "it belongs to another generator");
                return bad(err, x, full, expect);
            }
        }
        switch (sc->graph.generator) {
        case TC_GEN_BA:
            TC_TRY(get_int(err, g, "graph", "m", 0, 1, 100000, &sc->graph.m));
            TC_TRY(get_real(err, g, "graph", "power", 0, 0.0, 10.0, &sc->graph.power));
            break;
        case TC_GEN_ER:
            TC_TRY(get_int(err, g, "graph", "edges", 1, 0, INT64_C(1) << 40,
                           &sc->graph.edges));
            break;
        case TC_GEN_SBM:
            TC_TRY(get_real(err, g, "graph", "p_in", 0, 0.0, 1.0, &sc->graph.p_in));
            TC_TRY(get_real(err, g, "graph", "p_out", 0, 0.0, 1.0, &sc->graph.p_out));
            break;
        case TC_GEN_FF:
            TC_TRY(get_real(err, g, "graph", "fw_prob", 0, 0.0, 0.99, &sc->graph.fw_prob));
            TC_TRY(get_real(err, g, "graph", "bw_factor", 0, 0.0, 10.0, &sc->graph.bw_factor));
            TC_TRY(get_int(err, g, "graph", "ambs", 0, 1, 1000, &sc->graph.ambs));
            break;
        default: break;
        }
    } else {
        char buf[4096];
        int k = 0;
        TC_TRY(get_str(err, g, "graph", "file", 1, buf, sizeof buf, NULL));
        sc->graph.file = resolve_path(sc->path, buf);
        /* a regular file: a FIFO or a device would block or never end */
        tc_err perr;
        FILE *f = tc_path_open_input(sc->graph.file, "graph file", &perr);
        if (!f) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: graph.file: %s", file->file, file->line,
                       file->col, perr.msg);
            return TC_EINPUT;
        }
        fclose(f);
        TC_TRY(get_choice(err, g, "graph", "format", 1, fmts, &k));
        sc->graph.format = (tc_format)k;
        k = 0;
        if (sc->graph.format == TC_FMT_STORE) {
            /* a store holds audiences already; without a list of communities its
             * own (if any) are used */
            if (tc_ytree_get(g, "direction"))
                return bad(err, tc_ytree_get(g, "direction"), "graph.direction",
                           "no direction next to format: store (a store is already oriented)");
            k = TC_DIR_FLOWS;
            if (!tc_ytree_get(g, "communities")) sc->graph.ncomm = 0;
        } else {
            TC_TRY(get_choice(err, g, "graph", "direction", 1, dirs, &k));
        }
        sc->graph.direction = (tc_direction)k;
        TC_TRY(get_str(err, g, "graph", "community_attribute", 0,
                       sc->graph.community_attribute, TC_NAME_MAX, NULL));
        const tc_ynode *ca = tc_ytree_get(g, "community_attribute");
        if (ca && sc->graph.format != TC_FMT_GRAPHML && sc->graph.format != TC_FMT_GML)
            return bad(err, ca, "graph.community_attribute",
                       "no community_attribute: only graphml and gml files carry one");
        if (ca && tc_ytree_get(g, "communities"))
            return bad(err, tc_ytree_get(g, "communities"), "graph.communities",
                       "no list next to community_attribute (names come from the file)");
        static const char *const gen_keys[] = {"n", "m", "power", "edges", "p_in", "p_out",
                                               "fw_prob", "bw_factor", "ambs", "mixing"};
        for (int i = 0; i < 10; i++)
            if (tc_ytree_get(g, gen_keys[i])) {
                char full[64];
                snprintf(full, sizeof full, "graph.%s", gen_keys[i]);
                return bad(err, tc_ytree_get(g, gen_keys[i]), full,
                           "no generator option next to 'file'");
            }
    }
cleanup:
    return rc;
}

/* A time in the run: an ISO date-time or a duration after time.start, in
 * [0, duration). */
static int get_when(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                    int required, const tc_scenario *sc, double *out_s)
{
    char full[160];
    const char *expect = "an ISO 8601 date-time with offset or a duration after time.start";
    const tc_ynode *n;
    int rc = get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    int64_t epoch, ms;
    int off;
    if (n->kind != TC_Y_SCALAR) return bad(err, n, full, expect);
    if (tc_datetime_parse(n->value, &epoch, &off) == 0)
        ms = (epoch - sc->time.start_epoch) * 1000;
    else if (tc_duration_parse(n->value, &ms) != 0)
        return bad(err, n, full, expect);
    if (ms < 0 || ms >= sc->time.duration_ms) {
        char msg[160], a[40], b[40];
        tc_datetime_format(sc->time.start_epoch, sc->time.utc_offset_s, a, sizeof a);
        tc_datetime_format(sc->time.start_epoch + sc->time.duration_ms / 1000,
                           sc->time.utc_offset_s, b, sizeof b);
        snprintf(msg, sizeof msg, "a time within the run, from %s to before %s", a, b);
        return bad(err, n, full, msg);
    }
    *out_s = ms / 1000.0;
    return TC_OK;
}

/* A mapping community name -> number in [lo, hi]; `offset` reads signed durations
 * ("-4h", "+5h30m") as seconds instead. */
static int get_by_community(tc_err *err, const tc_ynode *map, const char *path,
                            const char *key, double lo, double hi, int offset,
                            tc_named_value **out, int *nout)
{
    char full[160];
    const tc_ynode *n;
    int rc = get_node(err, map, path, key, 0, "", &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind != TC_Y_MAP || n->n > TC_MAX_COMMUNITIES)
        return bad(err, n, full, "a mapping of community names to values");
    *out = tc_xcalloc((size_t)n->n + 1, sizeof **out);
    *nout = n->n;
    for (int i = 0; i < n->n; i++) {
        tc_named_value *x = &(*out)[i];
        const tc_ynode *v = n->items[i];
        char k2[240], expect[128];
        snprintf(k2, sizeof k2, "%s.%s", full, n->keys[i]);
        if (strlen(n->keys[i]) >= TC_NAME_MAX) return bad(err, v, k2, "a community name");
        snprintf(x->name, sizeof x->name, "%s", n->keys[i]);
        key_where(n, i, &x->at);
        if (offset) {
            snprintf(expect, sizeof expect, "a UTC offset such as +2h, -4h or +5h30m");
            const char *s = v->kind == TC_Y_SCALAR ? v->value : "";
            int sign = 1;
            int64_t ms;
            if (*s == '+' || *s == '-') sign = *s++ == '-' ? -1 : 1;
            if (v->kind != TC_Y_SCALAR || tc_duration_parse(s, &ms) || ms > 14 * 3600000)
                return bad(err, v, k2, expect);
            x->v = sign * ms / 1000.0;
        } else {
            TC_TRY(get_real(err, n, full, n->keys[i], 1, lo, hi, &x->v));
        }
    }
cleanup:
    return rc;
}

static const char *const who_names[] = {"all", "people", "humans", "bots", "hubs", NULL};

static int load_groups(tc_err *err, tc_scenario *sc, const tc_ynode *b)
{
    int rc = TC_OK;
    const tc_ynode *gl = tc_ytree_get(b, "groups");
    static const char *const gkeys[] = {"name", "share", "repeat", "posts_per_hour", "ring",
                                        "active_from", "mentions", NULL};
    static const char *const rkeys[] = {"count", "interval", NULL};
    static const char *const mkeys[] = {"accounts", "probability", NULL};
    if (!gl) {
        sc->bots.ngroups = 1;
        snprintf(sc->bots.group[0].name, TC_NAME_MAX, "amplifiers");
        sc->bots.group[0].share = 1.0;
        sc->bots.group[0].active_from_s = -1;
        return TC_OK;
    }
    sc->bots.groups_at = (tc_where){gl->file, gl->line, gl->col};
    if (gl->kind != TC_Y_SEQ || gl->n < 1 || gl->n > TC_MAX_GROUPS)
        return bad(err, gl, "population.bots.groups", "a list of 1 to 16 bot groups");
    sc->bots.ngroups = gl->n;
    double sum = 0;
    for (int i = 0; i < gl->n; i++) {
        char path[64];
        snprintf(path, sizeof path, "population.bots.groups.%d", i);
        const tc_ynode *e = gl->items[i];
        tc_bot_group *g = &sc->bots.group[i];
        TC_TRY(want_map(err, e, path));
        TC_TRY(only_keys(err, e, path, gkeys));
        TC_TRY(get_str(err, e, path, "name", 1, g->name, TC_NAME_MAX, NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->bots.group[j].name, g->name)) {
                char full[96];
                snprintf(full, sizeof full, "%s.name", path);
                return bad(err, tc_ytree_get(e, "name"), full, "a group name not used before");
            }
        g->share = 1.0 / gl->n;
        TC_TRY(get_real(err, e, path, "share", gl->n > 1, 0.0, 1.0, &g->share));
        sum += g->share;
        const tc_ynode *r = tc_ytree_get(e, "repeat");
        if (r) {
            char rp[96];
            int64_t ms = 600000;
            snprintf(rp, sizeof rp, "%s.repeat", path);
            TC_TRY(want_map(err, r, rp));
            TC_TRY(only_keys(err, r, rp, rkeys));
            TC_TRY(get_int(err, r, rp, "count", 1, 0, 1000000, &g->repeat_count));
            TC_TRY(get_duration(err, r, rp, "interval", 0, 1000, &ms));
            g->repeat_interval_s = ms / 1000.0;
        }
        TC_TRY(get_real(err, e, path, "posts_per_hour", 0, 0.0, 3600.0, &g->posts_per_hour));
        TC_TRY(get_int(err, e, path, "ring", 0, 0, 1000, &g->ring));
        if (g->ring == 1) {
            char full[96];
            snprintf(full, sizeof full, "%s.ring", path);
            return bad(err, tc_ytree_get(e, "ring"), full, "0 (no rings) or a ring size of 2 to 1000");
        }
        g->active_from_s = -1;
        TC_TRY(get_when(err, e, path, "active_from", 0, sc, &g->active_from_s));
        const tc_ynode *m = tc_ytree_get(e, "mentions");
        if (m) {
            char mp[96];
            snprintf(mp, sizeof mp, "%s.mentions", path);
            TC_TRY(want_map(err, m, mp));
            TC_TRY(only_keys(err, m, mp, mkeys));
            const tc_ynode *a = tc_ytree_get(m, "accounts");
            char ap[120];
            snprintf(ap, sizeof ap, "%s.accounts", mp);
            if (!a) return missing(err, m, mp, "accounts", "a list of named accounts");
            if (a->kind != TC_Y_SEQ || a->n < 1 || a->n > TC_MAX_MENTIONS)
                return bad(err, a, ap, "a list of 1 to 8 named accounts");
            g->nmentions = a->n;
            for (int j = 0; j < a->n; j++) {
                const tc_ynode *x = a->items[j];
                if (x->kind != TC_Y_SCALAR || strlen(x->value) >= TC_NAME_MAX)
                    return bad(err, x, ap, "the name of an account listed under 'accounts'");
                snprintf(g->mentions[j], TC_NAME_MAX, "%s", x->value);
                g->mentions_at[j] = (tc_where){x->file, x->line, x->col};
            }
            TC_TRY(get_real(err, m, mp, "probability", 1, 0.0, 1.0, &g->mention_p));
        }
    }
    if (fabs(sum - 1.0) > 1e-6) {
        char msg[96];
        snprintf(msg, sizeof msg, "shares that add up to 1 (they add up to %g)", sum);
        return bad(err, gl, "population.bots.groups", msg);
    }
cleanup:
    return rc;
}

/* A typical day of reading, by local hour: quiet from 2 to 6, busiest in the
 * evening. Relative weights; only their shape matters. */
static const double default_rhythm[24] = {0.55, 0.35, 0.22, 0.14, 0.10, 0.10, 0.17, 0.35,
                                          0.55, 0.70, 0.78, 0.82, 0.88, 0.88, 0.85, 0.85,
                                          0.88, 0.92, 0.95, 1.00, 1.00, 1.00, 0.92, 0.78};

static int load_population(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *p = tc_ytree_get(root, "population");
    static const char *const keys[] = {"humans", "bots", NULL};
    static const char *const hkeys[] = {"delay", "sessions", "utc_offset", "susceptibility",
                                        NULL};
    static const char *const skeys[] = {"per_day", "rhythm", "attention", NULL};
    static const char *const bkeys[] = {"fraction", "placement", "community", "delay",
                                        "infiltration", "groups", NULL};
    static const char *const ikeys[] = {"follows", "follow_back", NULL};
    static const char *const hdkeys[] = {"median", "sigma", NULL};
    static const char *const bdkeys[] = {"min", "max", NULL};
    static const char *const places[] = {"random", "followers", "community", NULL};

    sc->humans.delay_median_s = 70 * 60;
    sc->humans.delay_sigma = 2.5;
    sc->humans.per_day = 12;
    memcpy(sc->humans.rhythm, default_rhythm, sizeof default_rhythm);
    sc->bots.fraction = 0;
    sc->bots.placement = TC_PLACE_RANDOM;
    sc->bots.delay_min_s = 2;
    sc->bots.delay_max_s = 10;
    const tc_ynode *h = p ? tc_ytree_get(p, "humans") : NULL;
    const tc_ynode *b = p ? tc_ytree_get(p, "bots") : NULL;
    if (p) {
        TC_TRY(want_map(err, p, "population"));
        TC_TRY(only_keys(err, p, "population", keys));
    }
    if (h) {
        TC_TRY(want_map(err, h, "population.humans"));
        TC_TRY(only_keys(err, h, "population.humans", hkeys));
        const tc_ynode *d = tc_ytree_get(h, "delay");
        if (d) {
            int64_t ms = 0;
            TC_TRY(want_map(err, d, "population.humans.delay"));
            TC_TRY(only_keys(err, d, "population.humans.delay", hdkeys));
            if (tc_ytree_get(d, "median")) {
                TC_TRY(get_duration(err, d, "population.humans.delay", "median", 1, 1, &ms));
                sc->humans.delay_median_s = ms / 1000.0;
            }
            TC_TRY(get_real(err, d, "population.humans.delay", "sigma", 0, 0.0, 10.0,
                            &sc->humans.delay_sigma));
        }
        const tc_ynode *s = tc_ytree_get(h, "sessions");
        if (s) {
            const char *sp = "population.humans.sessions";
            TC_TRY(want_map(err, s, sp));
            TC_TRY(only_keys(err, s, sp, skeys));
            sc->humans.sessions = 1;
            TC_TRY(get_real(err, s, sp, "per_day", 0, 0.01, 10000.0, &sc->humans.per_day));
            TC_TRY(get_int(err, s, sp, "attention", 0, 0, 1000000, &sc->humans.attention));
            const tc_ynode *r = tc_ytree_get(s, "rhythm");
            if (r) {
                const char *rp = "population.humans.sessions.rhythm";
                if (r->kind != TC_Y_SEQ || r->n != 24)
                    return bad(err, r, rp, "a list of 24 weights, one per local hour from 0h");
                double sum = 0;
                for (int i = 0; i < 24; i++) {
                    const tc_ynode *x = r->items[i];
                    char *end;
                    double v = x->kind == TC_Y_SCALAR ? strtod(x->value, &end) : NAN;
                    if (x->kind != TC_Y_SCALAR || !x->plain || end == x->value || *end ||
                        !isfinite(v) || v < 0 || v > 1e6)
                        return bad(err, x, rp, "a weight in [0, 1e6]");
                    sc->humans.rhythm[i] = v;
                    sum += v;
                }
                if (sum <= 0) return bad(err, r, rp, "weights not all zero");
            }
        }
        TC_TRY(get_by_community(err, h, "population.humans", "utc_offset", 0, 0, 1,
                                &sc->humans.tz, &sc->humans.ntz));
        TC_TRY(get_by_community(err, h, "population.humans", "susceptibility", 0.0, 1000.0, 0,
                                &sc->humans.susc, &sc->humans.nsusc));
    }
    if (b) {
        int k = 0;
        TC_TRY(want_map(err, b, "population.bots"));
        TC_TRY(only_keys(err, b, "population.bots", bkeys));
        TC_TRY(get_real(err, b, "population.bots", "fraction", 0, 0.0, 0.99,
                        &sc->bots.fraction));
        sc->bots.fraction_at = where_of(b, "fraction");
        TC_TRY(get_choice(err, b, "population.bots", "placement", 0, places, &k));
        sc->bots.placement = (tc_placement)k;
        TC_TRY(get_str(err, b, "population.bots", "community", k == TC_PLACE_COMMUNITY,
                       sc->bots.community, TC_NAME_MAX, &sc->bots.community_at));
        const tc_ynode *d = tc_ytree_get(b, "delay");
        if (d) {
            int64_t lo = 2000, hi = 10000;
            TC_TRY(want_map(err, d, "population.bots.delay"));
            TC_TRY(only_keys(err, d, "population.bots.delay", bdkeys));
            TC_TRY(get_duration(err, d, "population.bots.delay", "min", 0, 0, &lo));
            TC_TRY(get_duration(err, d, "population.bots.delay", "max", 0, 0, &hi));
            if (hi < lo)
                return bad(err, tc_ytree_get(d, "max") ? tc_ytree_get(d, "max") : d,
                           "population.bots.delay.max", "a duration not below min");
            sc->bots.delay_min_s = lo / 1000.0;
            sc->bots.delay_max_s = hi / 1000.0;
        }
        const tc_ynode *in = tc_ytree_get(b, "infiltration");
        if (in) {
            const char *ip = "population.bots.infiltration";
            TC_TRY(want_map(err, in, ip));
            TC_TRY(only_keys(err, in, ip, ikeys));
            TC_TRY(get_int(err, in, ip, "follows", 1, 0, 100000, &sc->bots.follows));
            TC_TRY(get_real(err, in, ip, "follow_back", 1, 0.0, 1.0, &sc->bots.follow_back));
        }
    }
    TC_TRY(load_groups(err, sc, b ? b : root));
cleanup:
    return rc;
}

/* platform: what the platform does on its own (trending topics). */
static int load_platform(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *p = tc_ytree_get(root, "platform");
    static const char *const keys[] = {"trending", NULL};
    static const char *const tkeys[] = {"window", "every", "threshold", "probability", NULL};
    if (!p) return TC_OK;
    TC_TRY(want_map(err, p, "platform"));
    TC_TRY(only_keys(err, p, "platform", keys));
    const tc_ynode *t = tc_ytree_get(p, "trending");
    if (!t) return TC_OK;
    const char *tp = "platform.trending";
    TC_TRY(want_map(err, t, tp));
    TC_TRY(only_keys(err, t, tp, tkeys));
    int64_t win = 3600000, every = 60000;
    TC_TRY(get_duration(err, t, tp, "window", 0, 1000, &win));
    TC_TRY(get_duration(err, t, tp, "every", 0, 1000, &every));
    if (every % sc->time.dt_ms)
        return bad(err, tc_ytree_get(t, "every"), "platform.trending.every",
                   "a whole multiple of time.dt");
    if (win % every)
        return bad(err, tc_ytree_get(t, "window") ? tc_ytree_get(t, "window") : t,
                   "platform.trending.window", "a whole multiple of platform.trending.every (default 1m)");
    if (win / every > 10000)
        return bad(err, tc_ytree_get(t, "window"), "platform.trending.window",
                   "at most 10,000 times platform.trending.every");
    TC_TRY(get_real(err, t, tp, "threshold", 1, 1.0, 1e15, &sc->trending.threshold));
    TC_TRY(get_real(err, t, tp, "probability", 1, 0.0, 1.0, &sc->trending.probability));
    if (!sc->humans.sessions)
        return bad(err, t, tp, "population.humans.sessions as well (a trend is seen in a reading session)");
    sc->trending.on = 1;
    sc->trending.window_s = win / 1000.0;
    sc->trending.every_s = every / 1000.0;
cleanup:
    return rc;
}

static int load_accounts(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *a = tc_ytree_get(root, "accounts");
    static const char *const keys[] = {"name", "id", "community", "followers", "in_community",
                                       "following", NULL};
    static const char *const not_with_id[] = {"community", "followers", "in_community",
                                              "following", NULL};
    if (!a) return TC_OK;
    if (a->kind != TC_Y_SEQ || a->n > 10000)
        return bad(err, a, "accounts", "a list of at most 10000 named accounts");
    sc->nhubs = a->n;
    sc->hubs = tc_xcalloc((size_t)a->n + 1, sizeof *sc->hubs);
    for (int i = 0; i < a->n; i++) {
        char path[48], full[64];
        snprintf(path, sizeof path, "accounts.%d", i);
        const tc_ynode *e = a->items[i];
        tc_hub_spec *h = &sc->hubs[i];
        TC_TRY(want_map(err, e, path));
        TC_TRY(only_keys(err, e, path, keys));
        TC_TRY(get_str(err, e, path, "name", 1, h->name, TC_NAME_MAX, NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->hubs[j].name, h->name)) {
                snprintf(full, sizeof full, "%s.name", path);
                return bad(err, tc_ytree_get(e, "name"), full, "an account name not used before");
            }
        h->id = -1;
        if (tc_ytree_get(e, "id")) {
            /* an account of the graph: it keeps its follows and its class */
            TC_TRY(get_int(err, e, path, "id", 1, 0, INT32_MAX - 1, &h->id));
            h->id_at = where_of(e, "id");
            for (int k = 0; not_with_id[k]; k++)
                if (tc_ytree_get(e, not_with_id[k])) {
                    char expect[160];
                    snprintf(full, sizeof full, "%s.%s", path, not_with_id[k]);
                    snprintf(expect, sizeof expect, "no '%s' beside 'id' (an account of the "
                             "graph keeps its own community and follows)", not_with_id[k]);
                    return bad(err, tc_ytree_get(e, not_with_id[k]), full, expect);
                }
            for (int j = 0; j < i; j++)
                if (sc->hubs[j].id == h->id) {
                    snprintf(full, sizeof full, "%s.id", path);
                    return bad(err, tc_ytree_get(e, "id"), full,
                               "an account id not named before");
                }
            continue;
        }
        sc->nnew++;
        TC_TRY(get_str(err, e, path, "community", 1, h->community, TC_NAME_MAX,
                       &h->community_at));
        TC_TRY(get_int(err, e, path, "followers", 1, 0, INT32_MAX - 1, &h->followers));
        h->followers_at = where_of(e, "followers");
        TC_TRY(get_int(err, e, path, "following", 0, 0, INT32_MAX - 1, &h->following));
        h->in_community = 1.0;
        TC_TRY(get_real(err, e, path, "in_community", 0, 0.0, 1.0, &h->in_community));
    }
cleanup:
    return rc;
}

static int load_model(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *m = tc_ytree_get(root, "model");
    char name[TC_NAME_MAX] = "";
    const char *allowed[TC_MODEL_MAXPARAMS + 2];
    if (!m) return missing(err, root, "", "model", "a mapping with the rule's name");
    TC_TRY(want_map(err, m, "model"));
    TC_TRY(get_str(err, m, "model", "name", 1, name, sizeof name, NULL));
    sc->model = tc_model_find(name);
    if (!sc->model) {
        char list[512] = "";
        for (int i = 0; tc_model_table[i]; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, tc_model_table[i]->name, sizeof list - strlen(list) - 1);
        }
        char expect[600];
        snprintf(expect, sizeof expect, "one of the rules: %s", list);
        return bad(err, tc_ytree_get(m, "name"), "model.name", expect);
    }
    allowed[0] = "name";
    for (int i = 0; i < sc->model->nparams; i++) allowed[i + 1] = sc->model->params[i].name;
    allowed[sc->model->nparams + 1] = NULL;
    TC_TRY(only_keys(err, m, "model", allowed));
    for (int i = 0; i < sc->model->nparams; i++) {
        const tc_param_spec *ps = &sc->model->params[i];
        sc->mpar[i] = ps->def;
        if (ps->kind == TC_PARAM_INT) {
            int64_t v = (int64_t)ps->def;
            TC_TRY(get_int(err, m, "model", ps->name, 0, (int64_t)ps->min, (int64_t)ps->max, &v));
            sc->mpar[i] = (double)v;
        } else {
            TC_TRY(get_real(err, m, "model", ps->name, 0, ps->min, ps->max, &sc->mpar[i]));
        }
    }
    if (sc->model->check) {
        const char *msg = sc->model->check(sc->mpar);
        if (msg) {
            tc_err_set(err, TC_EINPUT, "%s:%d:%d: model: %s", m->file, m->line, m->col, msg);
            return TC_EINPUT;
        }
    }
    if (sc->model->engine == TC_RULE_EVENT && sc->model->delay && sc->humans.sessions) {
        /* reading sessions decide when a person reshares; such a rule decides that */
        const tc_ynode *s = tc_ytree_get(tc_ytree_get(tc_ytree_get(root, "population"), "humans"),
                                         "sessions");
        tc_err_set(err, TC_EINPUT,
                   "%s:%d:%d: population.humans.sessions: not with model '%s', which draws "
                   "its own reshare delays; remove the sessions or choose another rule",
                   s->file, s->line, s->col, sc->model->name);
        return TC_EINPUT;
    }
cleanup:
    return rc;
}

static int hub_known(const tc_scenario *sc, const char *name)
{
    for (int j = 0; j < sc->nhubs; j++)
        if (!strcmp(sc->hubs[j].name, name)) return 1;
    return 0;
}

static int bad_at(tc_err *err, tc_where w, const char *key, const char *expect, const char *got)
{
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: expected %s, got \"%s\"", w.file, w.line, w.col,
               key, expect, got);
    return TC_EINPUT;
}

/* whom: who (a class), community, and for silence a list of named accounts. */
static int load_whom(tc_err *err, tc_scenario *sc, const tc_ynode *m, const char *path,
                     tc_event_spec *x, int accounts_ok)
{
    int rc = TC_OK;
    int k = x->who;
    TC_TRY(get_choice(err, m, path, "who", 0, who_names, &k));
    x->who = (tc_who)k;
    TC_TRY(get_str(err, m, path, "community", 0, x->community, TC_NAME_MAX, &x->community_at));
    const tc_ynode *a = tc_ytree_get(m, "accounts");
    if (a && accounts_ok) {
        char ap[96];
        snprintf(ap, sizeof ap, "%s.accounts", path);
        if (a->kind != TC_Y_SEQ || a->n < 1 || a->n > TC_MAX_TARGETS)
            return bad(err, a, ap, "a list of 1 to 64 named accounts");
        if (tc_ytree_get(m, "who") || tc_ytree_get(m, "community"))
            return bad(err, a, ap, "either accounts or who/community, not both");
        x->naccounts = a->n;
        x->accounts = tc_xcalloc((size_t)a->n, sizeof *x->accounts);
        x->accounts_at = tc_xcalloc((size_t)a->n, sizeof *x->accounts_at);
        for (int j = 0; j < a->n; j++) {
            const tc_ynode *v = a->items[j];
            if (v->kind != TC_Y_SCALAR || strlen(v->value) >= TC_NAME_MAX ||
                !hub_known(sc, v->value))
                return bad(err, v, ap, "the name of an account listed under 'accounts'");
            snprintf(x->accounts[j], TC_NAME_MAX, "%s", v->value);
            x->accounts_at[j] = (tc_where){v->file, v->line, v->col};
        }
    }
cleanup:
    return rc;
}

static int load_events(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *ev = tc_ytree_get(root, "events");
    static const char *const keys[] = {"at", "until", "label", "post", "silence", "damping",
                                       "takedown", "debunk", "bot_wave", NULL};
    static const char *const kinds[] = {"post", "silence", "damping", "takedown", "debunk",
                                        "bot_wave"};
    static const char *const silence_keys[] = {"who", "community", "accounts", NULL};
    static const char *const damping_keys[] = {"factor", "who", "community", NULL};
    static const char *const takedown_keys[] = {"recall", "false_positive_rate", NULL};
    static const char *const debunk_keys[] = {"reach", "who", "community", NULL};
    /* bot mentions name accounts listed after the population block */
    for (int g = 0; g < sc->bots.ngroups; g++)
        for (int j = 0; j < sc->bots.group[g].nmentions; j++)
            if (!hub_known(sc, sc->bots.group[g].mentions[j])) {
                char full[96];
                snprintf(full, sizeof full, "population.bots.groups.%d.mentions.accounts", g);
                return bad_at(err, sc->bots.group[g].mentions_at[j], full,
                              "the name of an account listed under 'accounts'",
                              sc->bots.group[g].mentions[j]);
            }
    if (!ev) return TC_OK;
    if (ev->kind != TC_Y_SEQ) return bad(err, ev, "events", "a list of events");
    sc->nevents = ev->n;
    sc->events = tc_xcalloc((size_t)ev->n + 1, sizeof *sc->events);
    for (int i = 0; i < ev->n; i++) sc->events[i].label = tc_xstrdup("");
    for (int i = 0; i < ev->n; i++) {
        char path[48], kp[80];
        snprintf(path, sizeof path, "events.%d", i);
        const tc_ynode *e = ev->items[i];
        tc_event_spec *x = &sc->events[i];
        TC_TRY(want_map(err, e, path));
        TC_TRY(only_keys(err, e, path, keys));
        TC_TRY(get_when(err, e, path, "at", 1, sc, &x->t));
        int nk = 0;
        for (int k = 0; k < 6; k++)
            if (tc_ytree_get(e, kinds[k])) {
                nk++;
                x->kind = (tc_event_kind)k;
            }
        if (nk != 1)
            return bad(err, e, path,
                       "exactly one of post, silence, damping, takedown, debunk, bot_wave");
        snprintf(kp, sizeof kp, "%s.%s", path, kinds[x->kind]);
        const tc_ynode *body = tc_ytree_get(e, kinds[x->kind]);
        x->until = INFINITY;
        if (tc_ytree_get(e, "until")) {
            char up[64];
            snprintf(up, sizeof up, "%s.until", path);
            if (x->kind != TC_EV_SILENCE && x->kind != TC_EV_DAMPING)
                return bad(err, tc_ytree_get(e, "until"), up,
                           "no 'until': only silence and damping last");
            TC_TRY(get_when(err, e, path, "until", 1, sc, &x->until));
            if (x->until <= x->t)
                return bad(err, tc_ytree_get(e, "until"), up, "a time after 'at'");
        }
        switch (x->kind) {
        case TC_EV_POST:
        case TC_EV_BOT_WAVE:
            TC_TRY(get_str(err, e, path, kinds[x->kind], 1, x->account, TC_NAME_MAX,
                           &x->account_at));
            if (x->kind == TC_EV_POST && !hub_known(sc, x->account))
                return bad(err, body, kp, "the name of an account listed under 'accounts'");
            if (x->kind == TC_EV_BOT_WAVE) {
                int found = 0;
                for (int g = 0; g < sc->bots.ngroups; g++)
                    found |= !strcmp(sc->bots.group[g].name, x->account);
                if (!found)
                    return bad(err, body, kp, "the name of a group under population.bots.groups");
            }
            break;
        case TC_EV_SILENCE:
            x->who = TC_WHO_ALL;
            TC_TRY(want_map(err, body, kp));
            TC_TRY(only_keys(err, body, kp, silence_keys));
            TC_TRY(load_whom(err, sc, body, kp, x, 1));
            break;
        case TC_EV_DAMPING:
            x->who = TC_WHO_PEOPLE;
            TC_TRY(want_map(err, body, kp));
            TC_TRY(only_keys(err, body, kp, damping_keys));
            TC_TRY(get_real(err, body, kp, "factor", 1, 0.0, 1.0, &x->factor));
            TC_TRY(load_whom(err, sc, body, kp, x, 0));
            break;
        case TC_EV_TAKEDOWN:
            TC_TRY(want_map(err, body, kp));
            TC_TRY(only_keys(err, body, kp, takedown_keys));
            TC_TRY(get_real(err, body, kp, "recall", 1, 0.0, 1.0, &x->recall));
            TC_TRY(get_real(err, body, kp, "false_positive_rate", 0, 0.0, 1.0, &x->fpr));
            break;
        case TC_EV_DEBUNK:
            x->who = TC_WHO_PEOPLE;
            TC_TRY(want_map(err, body, kp));
            TC_TRY(only_keys(err, body, kp, debunk_keys));
            TC_TRY(get_real(err, body, kp, "reach", 1, 0.0, 1.0, &x->reach));
            TC_TRY(load_whom(err, sc, body, kp, x, 0));
            break;
        }
        const tc_ynode *lab = tc_ytree_get(e, "label");
        if (lab) {
            if (lab->kind != TC_Y_SCALAR) {
                char full[64];
                snprintf(full, sizeof full, "%s.label", path);
                return bad(err, lab, full, "a text");
            }
            free(x->label);
            x->label = tc_xstrdup(lab->value);
        }
    }
    /* stable insertion sort by time: the file's order breaks ties */
    for (int i = 1; i < sc->nevents; i++) {
        tc_event_spec x = sc->events[i];
        int j = i - 1;
        while (j >= 0 && sc->events[j].t > x.t) {
            sc->events[j + 1] = sc->events[j];
            j--;
        }
        sc->events[j + 1] = x;
    }
cleanup:
    return rc;
}

static int load_output(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *o = tc_ytree_get(root, "output");
    static const char *const keys[] = {"path", "cascade", NULL};
    char buf[4096];
    snprintf(buf, sizeof buf, "%s.h5", sc->name);
    if (o) {
        TC_TRY(want_map(err, o, "output"));
        TC_TRY(only_keys(err, o, "output", keys));
        TC_TRY(get_str(err, o, "output", "path", 0, buf, sizeof buf, NULL));
        TC_TRY(get_bool(err, o, "output", "cascade", &sc->output.cascade));
    }
    sc->output.path = tc_xstrdup(buf);
cleanup:
    return rc;
}

/* engine: how the engine works, not what it simulates. */
static int load_engine(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *g = tc_ytree_get(root, "engine");
    static const char *const keys[] = {"fast_path", NULL};
    static const char *const modes[] = {"auto", "off", NULL};
    int mode = TC_FAST_AUTO;
    if (!g) return TC_OK;
    TC_TRY(want_map(err, g, "engine"));
    TC_TRY(only_keys(err, g, "engine", keys));
    TC_TRY(get_choice(err, g, "engine", "fast_path", 0, modes, &mode));
    sc->engine.fast_path = (tc_fast_mode)mode;
cleanup:
    return rc;
}

/* A step rule (sim/stepper.c) plays synchronous steps: only timeline posts
 * apply; interventions, sessions and trending belong to the event engine. The
 * error points at the key that asks for them. */
static int refuse_for_step(tc_err *err, const tc_scenario *sc, const tc_ynode *map,
                           const char *key, const char *path)
{
    int i = tc_ytree_index(map, key);
    if (i < 0) return TC_OK;
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: model %s runs in synchronous steps; %s is for "
               "event rules", map->items[i]->file, map->key_line[i], map->key_col[i], path,
               sc->model->name, path);
    return TC_EINPUT;
}

static int check_step_rule(tc_err *err, const tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    static const char *const kinds[] = {"silence", "damping", "takedown", "debunk", "bot_wave"};
    if (sc->model->engine != TC_RULE_STEP) return TC_OK;
    const tc_ynode *ev = tc_ytree_get(root, "events");
    for (int i = 0; ev && ev->kind == TC_Y_SEQ && i < ev->n; i++)
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            char path[64];
            snprintf(path, sizeof path, "events.%d.%s", i, kinds[k]);
            TC_TRY(refuse_for_step(err, sc, ev->items[i], kinds[k], path));
        }
    TC_TRY(refuse_for_step(err, sc, tc_ytree_get(root, "platform"), "trending",
                           "platform.trending"));
    TC_TRY(refuse_for_step(err, sc, tc_ytree_get(tc_ytree_get(root, "population"), "humans"),
                           "sessions", "population.humans.sessions"));
cleanup:
    return rc;
}

static void default_name(tc_scenario *sc)
{
    const char *base = strrchr(sc->path, '/');
    base = base ? base + 1 : sc->path;
    snprintf(sc->name, sizeof sc->name, "%s", base);
    char *dot = strrchr(sc->name, '.');
    if (dot && dot != sc->name) *dot = '\0';
}

int tc_scenario_load(tc_scenario *sc, const char *path, const char *const *sets,
                     int nsets, tc_err *err)
{
    char *text = NULL;
    int rc0 = tc_ytree_read_file(path, &text, err);
    if (rc0) {
        memset(sc, 0, sizeof *sc);
        return rc0;
    }
    rc0 = tc_scenario_parse(sc, path, text, sets, nsets, err);
    free(text);
    return rc0;
}

int tc_scenario_parse(tc_scenario *sc, const char *path, const char *text,
                      const char *const *sets, int nsets, tc_err *err)
{
    int rc = TC_OK;
    tc_ynode *root = NULL;
    char *name = tc_xstrdup(path); /* the tree's file name, handed to *sc below */

    memset(sc, 0, sizeof *sc);
    TC_TRY(tc_ytree_parse(name, text, &root, err));
    for (int i = 0; i < nsets; i++) TC_TRY(tc_ytree_override(root, sets[i], err));
    TC_TRY(tc_scenario_from_tree(sc, path, text, root, err));
    free(sc->path);
    sc->path = name;
    name = NULL;
cleanup:
    tc_ytree_free(root);
    free(name);
    return rc;
}

int tc_scenario_from_tree(tc_scenario *sc, const char *path, const char *text,
                          const tc_ynode *root, tc_err *err)
{
    int rc = TC_OK;
    static const char *const keys[] = {"name", "seed", "time", "graph", "population",
                                       "accounts", "model", "events", "platform", "output",
                                       "sweep", "engine", NULL};

    memset(sc, 0, sizeof *sc);
    sc->path = tc_xstrdup(path);
    sc->seed = 1;
    sc->text = text ? tc_xstrdup(text) : NULL;
    if (root->kind != TC_Y_MAP) {
        rc = bad(err, root, "(top level)", "a mapping of keys (name, time, graph, ...)");
        goto cleanup;
    }
    TC_TRY(only_keys(err, root, "", keys));
    default_name(sc);
    TC_TRY(get_str(err, root, "", "name", 0, sc->name, sizeof sc->name, NULL));
    TC_TRY(get_u64(err, root, "", "seed", &sc->seed));
    TC_TRY(load_time(err, sc, root));
    TC_TRY(load_graph(err, sc, root));
    TC_TRY(load_population(err, sc, root));
    TC_TRY(load_accounts(err, sc, root));
    TC_TRY(load_model(err, sc, root));
    TC_TRY(load_events(err, sc, root));
    TC_TRY(load_platform(err, sc, root));
    TC_TRY(check_step_rule(err, sc, root));
    TC_TRY(load_output(err, sc, root));
    TC_TRY(load_engine(err, sc, root));
cleanup:
    if (rc) tc_scenario_destroy(sc);
    return rc;
}

void tc_scenario_destroy(tc_scenario *sc)
{
    if (!sc) return;
    for (int i = 0; i < sc->nevents; i++) {
        free(sc->events[i].label);
        free(sc->events[i].accounts);
        free(sc->events[i].accounts_at);
    }
    free(sc->humans.tz);
    free(sc->humans.susc);
    free(sc->events);
    free(sc->hubs);
    free(sc->graph.comm);
    free(sc->graph.file);
    free(sc->output.path);
    free(sc->text);
    free(sc->path);
    memset(sc, 0, sizeof *sc);
}

/* ------------------------------------------------------------------ signatures */

uint64_t tc_scenario_graph_signature(const tc_scenario *sc)
{
    /* the resolved text of what shapes the graph: the seed line, the graph block
     * and the accounts block, as tc_scenario_dump writes them */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tc_scenario_dump(sc, f);
    fclose(f);
    uint64_t h = 0xcbf29ce484222325ULL;
    int keep = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        if (line[0] != ' ' && line[0] != '-')
            keep = !strncmp(line, "seed:", 5) || !strncmp(line, "graph:", 6) ||
                   !strncmp(line, "accounts:", 9);
        if (keep)
            for (size_t i = 0; i <= n; i++) h = (h ^ (unsigned char)(i < n ? line[i] : '\n')) * 0x100000001b3ULL;
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return h;
}

/* ------------------------------------------------------------------ resolved dump */

static void dump_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if (*s == '\n') fputs("\\n", f);
        else fputc(*s, f);
    }
    fputc('"', f);
}

void tc_scenario_dump(const tc_scenario *sc, FILE *f)
{
    static const char *const gens[] = {"", "ba", "er", "sbm", "forest_fire"};
    static const char *const fmts[] = {"edgelist", "ncol", "graphml", "gml", "pajek", "store"};
    static const char *const places[] = {"random", "followers", "community"};
    fprintf(f, "name: ");
    dump_str(f, sc->name);
    fprintf(f, "\nseed: %llu\n", (unsigned long long)sc->seed);
    fprintf(f, "time:\n  start: %s\n  duration: %.3fs\n  dt: %.3fs\n  output_interval: %.3fs\n",
            sc->time.start_iso, sc->time.duration_ms / 1000.0, sc->time.dt_ms / 1000.0,
            sc->time.interval_ms / 1000.0);
    fprintf(f, "graph:\n");
    if (sc->graph.generator != TC_GEN_NONE) {
        fprintf(f, "  generator: %s\n  n: %lld\n", gens[sc->graph.generator],
                (long long)sc->graph.n);
        switch (sc->graph.generator) {
        case TC_GEN_BA:
            fprintf(f, "  m: %lld\n  power: %.17g\n", (long long)sc->graph.m, sc->graph.power);
            break;
        case TC_GEN_ER: fprintf(f, "  edges: %lld\n", (long long)sc->graph.edges); break;
        case TC_GEN_SBM:
            fprintf(f, "  p_in: %.17g\n  p_out: %.17g\n", sc->graph.p_in, sc->graph.p_out);
            break;
        case TC_GEN_FF:
            fprintf(f, "  fw_prob: %.17g\n  bw_factor: %.17g\n  ambs: %lld\n",
                    sc->graph.fw_prob, sc->graph.bw_factor, (long long)sc->graph.ambs);
            break;
        default: break;
        }
        fprintf(f, "  mixing: %.17g\n", sc->graph.mixing);
    } else {
        fprintf(f, "  file: ");
        dump_str(f, sc->graph.file);
        fprintf(f, "\n  format: %s\n", fmts[sc->graph.format]);
        if (sc->graph.format != TC_FMT_STORE)
            fprintf(f, "  direction: %s\n",
                    sc->graph.direction == TC_DIR_FOLLOWS ? "follows" : "flows");
        if (sc->graph.community_attribute[0])
            fprintf(f, "  community_attribute: %s\n", sc->graph.community_attribute);
    }
    fprintf(f, "  reciprocity: %.17g\n", sc->graph.reciprocity);
    if (!sc->graph.community_attribute[0] && sc->graph.ncomm == 0) {
        fprintf(f, "  # communities: those of the store\n");
    } else if (!sc->graph.community_attribute[0]) {
        fprintf(f, "  communities:\n");
        for (int i = 0; i < sc->graph.ncomm; i++) {
            fprintf(f, "    - {name: ");
            dump_str(f, sc->graph.comm[i].name);
            fprintf(f, ", share: %.17g}\n", sc->graph.comm[i].share);
        }
    }
    fprintf(f, "population:\n  humans:\n    delay: {median: %.17gs, sigma: %.17g}\n",
            sc->humans.delay_median_s, sc->humans.delay_sigma);
    if (sc->humans.sessions) {
        fprintf(f, "    sessions:\n      per_day: %.17g\n      attention: %lld\n      rhythm: [",
                sc->humans.per_day, (long long)sc->humans.attention);
        for (int i = 0; i < 24; i++) fprintf(f, "%s%.17g", i ? ", " : "", sc->humans.rhythm[i]);
        fprintf(f, "]\n");
    }
    if (sc->humans.ntz) {
        fprintf(f, "    utc_offset:\n");
        for (int i = 0; i < sc->humans.ntz; i++) {
            double v = sc->humans.tz[i].v;
            fprintf(f, "      ");
            dump_str(f, sc->humans.tz[i].name);
            fprintf(f, ": %s%.17gs\n", v < 0 ? "-" : "+", fabs(v));
        }
    }
    if (sc->humans.nsusc) {
        fprintf(f, "    susceptibility:\n");
        for (int i = 0; i < sc->humans.nsusc; i++) {
            fprintf(f, "      ");
            dump_str(f, sc->humans.susc[i].name);
            fprintf(f, ": %.17g\n", sc->humans.susc[i].v);
        }
    }
    fprintf(f, "  bots:\n    fraction: %.17g\n    placement: %s\n", sc->bots.fraction,
            places[sc->bots.placement]);
    if (sc->bots.placement == TC_PLACE_COMMUNITY) {
        fprintf(f, "    community: ");
        dump_str(f, sc->bots.community);
        fputc('\n', f);
    }
    fprintf(f, "    delay: {min: %.17gs, max: %.17gs}\n", sc->bots.delay_min_s,
            sc->bots.delay_max_s);
    if (sc->bots.follows)
        fprintf(f, "    infiltration: {follows: %lld, follow_back: %.17g}\n",
                (long long)sc->bots.follows, sc->bots.follow_back);
    fprintf(f, "    groups:\n");
    for (int g = 0; g < sc->bots.ngroups; g++) {
        const tc_bot_group *x = &sc->bots.group[g];
        fprintf(f, "      - name: ");
        dump_str(f, x->name);
        fprintf(f, "\n        share: %.17g\n", x->share);
        if (x->repeat_count)
            fprintf(f, "        repeat: {count: %lld, interval: %.17gs}\n",
                    (long long)x->repeat_count, x->repeat_interval_s);
        if (x->posts_per_hour > 0) fprintf(f, "        posts_per_hour: %.17g\n", x->posts_per_hour);
        if (x->ring) fprintf(f, "        ring: %lld\n", (long long)x->ring);
        if (x->active_from_s >= 0) fprintf(f, "        active_from: %.3fs\n", x->active_from_s);
        if (x->nmentions) {
            fprintf(f, "        mentions: {accounts: [");
            for (int j = 0; j < x->nmentions; j++) {
                if (j) fprintf(f, ", ");
                dump_str(f, x->mentions[j]);
            }
            fprintf(f, "], probability: %.17g}\n", x->mention_p);
        }
    }
    fprintf(f, "accounts:%s\n", sc->nhubs ? "" : " []");
    for (int i = 0; i < sc->nhubs; i++) {
        fprintf(f, "  - {name: ");
        dump_str(f, sc->hubs[i].name);
        if (sc->hubs[i].id >= 0) {
            fprintf(f, ", id: %lld}\n", (long long)sc->hubs[i].id);
            continue;
        }
        fprintf(f, ", community: ");
        dump_str(f, sc->hubs[i].community);
        fprintf(f, ", followers: %lld, in_community: %.17g, following: %lld}\n",
                (long long)sc->hubs[i].followers, sc->hubs[i].in_community,
                (long long)sc->hubs[i].following);
    }
    fprintf(f, "model:\n  name: %s\n", sc->model->name);
    for (int i = 0; i < sc->model->nparams; i++)
        fprintf(f, "  %s: %.17g\n", sc->model->params[i].name, sc->mpar[i]);
    static const char *const kinds[] = {"post", "silence", "damping", "takedown", "debunk",
                                        "bot_wave"};
    fprintf(f, "events:%s\n", sc->nevents ? "" : " []");
    for (int i = 0; i < sc->nevents; i++) {
        const tc_event_spec *x = &sc->events[i];
        char at[40];
        tc_datetime_format(sc->time.start_epoch + (int64_t)floor(x->t), sc->time.utc_offset_s,
                           at, sizeof at);
        fprintf(f, "  - {at: %.3fs, ", x->t);
        if (isfinite(x->until)) fprintf(f, "until: %.3fs, ", x->until);
        fprintf(f, "%s: ", kinds[x->kind]);
        switch (x->kind) {
        case TC_EV_POST:
        case TC_EV_BOT_WAVE: dump_str(f, x->account); break;
        case TC_EV_TAKEDOWN:
            fprintf(f, "{recall: %.17g, false_positive_rate: %.17g}", x->recall, x->fpr);
            break;
        default:
            fprintf(f, "{");
            if (x->kind == TC_EV_DAMPING) fprintf(f, "factor: %.17g, ", x->factor);
            if (x->kind == TC_EV_DEBUNK) fprintf(f, "reach: %.17g, ", x->reach);
            if (x->naccounts) {
                fprintf(f, "accounts: [");
                for (int j = 0; j < x->naccounts; j++) {
                    if (j) fprintf(f, ", ");
                    dump_str(f, x->accounts[j]);
                }
                fprintf(f, "]");
            } else {
                fprintf(f, "who: %s", who_names[x->who]);
                if (x->community[0]) {
                    fprintf(f, ", community: ");
                    dump_str(f, x->community);
                }
            }
            fprintf(f, "}");
        }
        fprintf(f, ", label: ");
        dump_str(f, x->label);
        fprintf(f, "}   # %s\n", at);
    }
    if (sc->trending.on)
        fprintf(f, "platform:\n  trending: {window: %.17gs, every: %.17gs, threshold: %.17g, "
                   "probability: %.17g}\n",
                sc->trending.window_s, sc->trending.every_s, sc->trending.threshold,
                sc->trending.probability);
    fprintf(f, "output:\n  path: ");
    dump_str(f, sc->output.path);
    fprintf(f, "\n  cascade: %s\n", sc->output.cascade ? "true" : "false");
    fprintf(f, "engine:\n  fast_path: %s\n", sc->engine.fast_path == TC_FAST_OFF ? "off" : "auto");
}
