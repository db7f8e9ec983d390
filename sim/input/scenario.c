/* The scenario as a whole: its sections loaded in order (graph, population and
 * events each in their own file, input/scenario_*.c; time, model, platform, output
 * and engine here), released, hashed and written back. */
#include "input/scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "input/scenario_parts.h"
#include "input/ytree.h"

/* ------------------------------------------------------------------ names */

const char *const tc_generator_names[] = {"", "ba", "er", "sbm", "forest_fire", "chung_lu", NULL};
const char *const tc_format_names[] = {"edgelist", "ncol", "graphml", "gml", "pajek", "store",
                                       NULL};
const char *const tc_placement_names[] = {"random", "followers", "community", NULL};
const char *const tc_event_kind_names[] = {"post",   "silence", "damping", "takedown",
                                           "debunk", "bot_wave", "press", NULL};
const char *const tc_who_names[] = {"all", "people", "humans", "bots", "hubs", NULL};
const char *const tc_fast_mode_names[] = {"auto", "off", NULL};
const char *const tc_batch_mode_names[] = {"auto", "true", "false", NULL};

void tc_scenario_dump_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        if (*s == '\n') fputs("\\n", f);
        else fputc(*s, f);
    }
    fputc('"', f);
}

int tc_scenario_check_shares(tc_err *err, const tc_ynode *list, const char *key, double sum)
{
    char msg[96];
    if (fabs(sum - 1.0) <= 1e-6) return TC_OK;
    snprintf(msg, sizeof msg, "shares that add up to 1 (they add up to %g)", sum);
    return tc_schema_bad(err, list, key, msg);
}

/* ------------------------------------------------------------------ small sections */

static int load_time(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *t = tc_ytree_get(root, "time");
    static const char *const keys[] = {"start", "duration", "dt", "output_interval", NULL};
    if (!t) return tc_schema_missing(err, root, "", "time", "a mapping with start and duration");
    TC_TRY(tc_schema_want_map(err, t, "time"));
    TC_TRY(tc_schema_only_keys(err, t, "time", keys));
    const tc_ynode *s = tc_ytree_get(t, "start");
    if (!s) return tc_schema_missing(err, t, "time", "start", "an ISO 8601 date-time with offset");
    if (s->kind != TC_Y_SCALAR ||
        tc_datetime_parse(s->value, &sc->time.start_epoch, &sc->time.utc_offset_s))
        return tc_schema_bad(err, s, "time.start", "an ISO 8601 date-time with UTC offset, "
                             "e.g. 2017-05-05T20:00:00+02:00");
    tc_datetime_format(sc->time.start_epoch, sc->time.utc_offset_s, sc->time.start_iso,
                       sizeof sc->time.start_iso);
    sc->time.dt_ms = 1000;
    sc->time.interval_ms = 60000;
    TC_TRY(tc_schema_get_duration(err, t, "time", "duration", 1, 1, &sc->time.duration_ms));
    TC_TRY(tc_schema_get_duration(err, t, "time", "dt", 0, 1, &sc->time.dt_ms));
    TC_TRY(tc_schema_get_duration(err, t, "time", "output_interval", 0, 1, &sc->time.interval_ms));
    const tc_ynode *iv = tc_ytree_get(t, "output_interval");
    if (sc->time.interval_ms % sc->time.dt_ms) {
        char expect[128];
        if (iv) {
            snprintf(expect, sizeof expect, "a whole multiple of time.dt (%gs)",
                     sc->time.dt_ms / 1000.0);
            return tc_schema_bad(err, iv, "time.output_interval", expect);
        }
        snprintf(expect, sizeof expect,
                 "a step that divides time.output_interval (default 1m; set it too)");
        return tc_schema_bad(err, tc_ytree_get(t, "dt"), "time.dt", expect);
    }
    if (sc->time.duration_ms / sc->time.interval_ms > 50000000)
        return tc_schema_bad(err, tc_ytree_get(t, "duration"), "time.duration",
                             "at most 50,000,000 output intervals");
cleanup:
    return rc;
}

static void dump_time(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "time:\n  start: %s\n  duration: %.3fs\n  dt: %.3fs\n  output_interval: %.3fs\n",
            sc->time.start_iso, sc->time.duration_ms / 1000.0, sc->time.dt_ms / 1000.0,
            sc->time.interval_ms / 1000.0);
}

int tc_scenario_get_when(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                    int required, const tc_scenario *sc, double *out_s)
{
    char full[160];
    const char *expect = "an ISO 8601 date-time with offset or a duration after time.start";
    const tc_ynode *n;
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    int64_t epoch, ms;
    int off;
    if (n->kind != TC_Y_SCALAR) return tc_schema_bad(err, n, full, expect);
    if (tc_datetime_parse(n->value, &epoch, &off) == 0)
        ms = (epoch - sc->time.start_epoch) * 1000;
    else if (tc_duration_parse(n->value, &ms) != 0)
        return tc_schema_bad(err, n, full, expect);
    if (ms < 0 || ms >= sc->time.duration_ms) {
        char msg[160], a[40], b[40];
        tc_datetime_format(sc->time.start_epoch, sc->time.utc_offset_s, a, sizeof a);
        tc_datetime_format(sc->time.start_epoch + sc->time.duration_ms / 1000,
                           sc->time.utc_offset_s, b, sizeof b);
        snprintf(msg, sizeof msg, "a time within the run, from %s to before %s", a, b);
        return tc_schema_bad(err, n, full, msg);
    }
    *out_s = ms / 1000.0;
    return TC_OK;
}

static int load_model(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *m = tc_ytree_get(root, "model");
    char name[TC_NAME_MAX] = "";
    const char *allowed[TC_MODEL_MAXPARAMS + 2];
    if (!m) return tc_schema_missing(err, root, "", "model", "a mapping with the rule's name");
    TC_TRY(tc_schema_want_map(err, m, "model"));
    TC_TRY(tc_schema_get_str(err, m, "model", "name", 1, name, sizeof name, NULL));
    sc->model = tc_model_find(name);
    if (!sc->model) {
        char list[512] = "";
        for (int i = 0; tc_model_table[i]; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, tc_model_table[i]->name, sizeof list - strlen(list) - 1);
        }
        char expect[600];
        snprintf(expect, sizeof expect, "one of the rules: %s", list);
        return tc_schema_bad(err, tc_ytree_get(m, "name"), "model.name", expect);
    }
    allowed[0] = "name";
    for (int i = 0; i < sc->model->nparams; i++) allowed[i + 1] = sc->model->params[i].name;
    allowed[sc->model->nparams + 1] = NULL;
    TC_TRY(tc_schema_only_keys(err, m, "model", allowed));
    for (int i = 0; i < sc->model->nparams; i++) {
        const tc_param_spec *ps = &sc->model->params[i];
        sc->mpar[i] = ps->def;
        if (ps->kind == TC_PARAM_INT) {
            int64_t v = (int64_t)ps->def;
            TC_TRY(tc_schema_get_int(err, m, "model", ps->name, 0, (int64_t)ps->min,
                                     (int64_t)ps->max, &v));
            sc->mpar[i] = (double)v;
        } else {
            TC_TRY(tc_schema_get_real(err, m, "model", ps->name, 0, ps->min, ps->max,
                                      &sc->mpar[i]));
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

static void dump_model(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "model:\n  name: %s\n", sc->model->name);
    for (int i = 0; i < sc->model->nparams; i++)
        fprintf(f, "  %s: %.17g\n", sc->model->params[i].name, sc->mpar[i]);
}

/* platform: what the platform does on its own (trending topics). */
static int load_platform(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *p = tc_ytree_get(root, "platform");
    static const char *const keys[] = {"trending", NULL};
    static const char *const tkeys[] = {"window", "every", "threshold", "probability", NULL};
    if (!p) return TC_OK;
    TC_TRY(tc_schema_want_map(err, p, "platform"));
    TC_TRY(tc_schema_only_keys(err, p, "platform", keys));
    const tc_ynode *t = tc_ytree_get(p, "trending");
    if (!t) return TC_OK;
    const char *tp = "platform.trending";
    TC_TRY(tc_schema_want_map(err, t, tp));
    TC_TRY(tc_schema_only_keys(err, t, tp, tkeys));
    int64_t win = 3600000, every = 60000;
    TC_TRY(tc_schema_get_duration(err, t, tp, "window", 0, 1000, &win));
    TC_TRY(tc_schema_get_duration(err, t, tp, "every", 0, 1000, &every));
    if (every % sc->time.dt_ms)
        return tc_schema_bad(err, tc_ytree_get(t, "every"), "platform.trending.every",
                             "a whole multiple of time.dt");
    if (win % every)
        return tc_schema_bad(err, tc_ytree_get(t, "window") ? tc_ytree_get(t, "window") : t,
                             "platform.trending.window",
                             "a whole multiple of platform.trending.every (default 1m)");
    if (win / every > 10000)
        return tc_schema_bad(err, tc_ytree_get(t, "window"), "platform.trending.window",
                             "at most 10,000 times platform.trending.every");
    TC_TRY(tc_schema_get_real(err, t, tp, "threshold", 1, 1.0, 1e15, &sc->trending.threshold));
    TC_TRY(tc_schema_get_real(err, t, tp, "probability", 1, 0.0, 1.0, &sc->trending.probability));
    if (!sc->humans.sessions)
        return tc_schema_bad(err, t, tp, "population.humans.sessions as well (a trend is "
                             "seen in a reading session)");
    sc->trending.on = 1;
    sc->trending.window_s = win / 1000.0;
    sc->trending.every_s = every / 1000.0;
cleanup:
    return rc;
}

static void dump_platform(const tc_scenario *sc, FILE *f)
{
    if (sc->trending.on)
        fprintf(f, "platform:\n  trending: {window: %.17gs, every: %.17gs, threshold: %.17g, "
                   "probability: %.17g}\n",
                sc->trending.window_s, sc->trending.every_s, sc->trending.threshold,
                sc->trending.probability);
}

static int load_output(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *o = tc_ytree_get(root, "output");
    static const char *const keys[] = {"path", "cascade", "exposures", NULL};
    char buf[4096];
    snprintf(buf, sizeof buf, "%s.h5", sc->name);
    if (o) {
        TC_TRY(tc_schema_want_map(err, o, "output"));
        TC_TRY(tc_schema_only_keys(err, o, "output", keys));
        TC_TRY(tc_schema_get_str(err, o, "output", "path", 0, buf, sizeof buf, NULL));
        TC_TRY(tc_schema_get_bool(err, o, "output", "cascade", &sc->output.cascade));
        int exposures = 1;
        TC_TRY(tc_schema_get_bool(err, o, "output", "exposures", &exposures));
        sc->output.exposures_off = !exposures;
    }
    sc->output.path = tc_xstrdup(buf);
cleanup:
    return rc;
}

static void dump_output(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "output:\n  path: ");
    tc_scenario_dump_str(f, sc->output.path);
    fprintf(f, "\n  cascade: %s\n", sc->output.cascade ? "true" : "false");
    /* written only when off, so that the scenarios before the key keep their
     * resolved text, and hash */
    if (sc->output.exposures_off) fprintf(f, "  exposures: false\n");
}

/* engine: how the engine works, not what it simulates. */
static int load_engine(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *g = tc_ytree_get(root, "engine");
    static const char *const keys[] = {"fast_path", "batch", NULL};
    int mode = TC_FAST_AUTO, batch = TC_BATCH_AUTO;
    if (!g) return TC_OK;
    TC_TRY(tc_schema_want_map(err, g, "engine"));
    TC_TRY(tc_schema_only_keys(err, g, "engine", keys));
    TC_TRY(tc_schema_get_choice(err, g, "engine", "fast_path", 0, tc_fast_mode_names, &mode));
    TC_TRY(tc_schema_get_choice(err, g, "engine", "batch", 0, tc_batch_mode_names, &batch));
    sc->engine.fast_path = (tc_fast_mode)mode;
    sc->engine.batch = (tc_batch_mode)batch;
cleanup:
    return rc;
}

static void dump_engine(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "engine:\n  fast_path: %s\n", tc_fast_mode_names[sc->engine.fast_path]);
    if (sc->engine.batch != TC_BATCH_AUTO)
        fprintf(f, "  batch: %s\n", tc_batch_mode_names[sc->engine.batch]);
}

/* A step rule (engine/stepper.c) plays synchronous steps: only timeline posts
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
    static const char *const kinds[] = {"silence", "damping", "takedown", "debunk", "bot_wave",
                                        "press"};
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
    TC_TRY(refuse_for_step(err, sc, root, "own_posts", "own_posts"));
    TC_TRY(refuse_for_step(err, sc, root, "appeal", "appeal"));
    TC_TRY(refuse_for_step(err, sc, tc_ytree_get(tc_ytree_get(root, "population"), "humans"),
                           "sessions", "population.humans.sessions"));
cleanup:
    return rc;
}

/* ------------------------------------------------------------------ the whole */

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
                                       "sweep", "fit", "engine", "own_posts", "appeal",
                                       "classroom", NULL};

    memset(sc, 0, sizeof *sc);
    sc->path = tc_xstrdup(path);
    sc->seed = 1;
    sc->text = text ? tc_xstrdup(text) : NULL;
    if (root->kind != TC_Y_MAP) {
        rc = tc_schema_bad(err, root, "(top level)", "a mapping of keys (name, time, graph, ...)");
        goto cleanup;
    }
    TC_TRY(tc_schema_only_keys(err, root, "", keys));
    if (tc_ytree_get(root, "sweep")) sc->sweep_at = tc_schema_where_of(root, "sweep");
    if (tc_ytree_get(root, "fit")) sc->fit_at = tc_schema_where_of(root, "fit");
    if (tc_ytree_get(root, "classroom")) sc->classroom_at = tc_schema_where_of(root, "classroom");
    default_name(sc);
    TC_TRY(tc_schema_get_str(err, root, "", "name", 0, sc->name, sizeof sc->name, NULL));
    TC_TRY(tc_schema_get_u64(err, root, "", "seed", &sc->seed));
    TC_TRY(load_time(err, sc, root));
    TC_TRY(tc_scenario_load_graph(err, sc, root));
    TC_TRY(tc_scenario_load_population(err, sc, root));
    TC_TRY(tc_scenario_load_reading(err, sc, root));
    TC_TRY(tc_scenario_load_accounts(err, sc, root));
    TC_TRY(load_model(err, sc, root));
    TC_TRY(tc_scenario_load_events(err, sc, root));
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
    free(sc->own_posts.comm);
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
            for (size_t i = 0; i <= n; i++)
                h = (h ^ (unsigned char)(i < n ? line[i] : '\n')) * 0x100000001b3ULL;
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return h;
}

/* ------------------------------------------------------------------ the whole dump */

void tc_scenario_dump(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "name: ");
    tc_scenario_dump_str(f, sc->name);
    fprintf(f, "\nseed: %llu\n", (unsigned long long)sc->seed);
    dump_time(sc, f);
    tc_scenario_dump_graph(sc, f);
    tc_scenario_dump_population(sc, f);
    tc_scenario_dump_reading(sc, f);
    tc_scenario_dump_accounts(sc, f);
    dump_model(sc, f);
    tc_scenario_dump_events(sc, f);
    dump_platform(sc, f);
    dump_output(sc, f);
    dump_engine(sc, f);
}
