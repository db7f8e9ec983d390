/* The `classroom:` section of a scenario: the knobs `tagcascade serve` shows,
 * read and checked here (the scenario loader only lets the section through),
 * a request's values checked against them and turned into --set assignments. */
#include "cli/cli_knobs.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "input/schema.h"
#include "input/ytree.h"

static const char *const kind_names[] = {"number", "time", "toggle", NULL};

/* The node at a dotted key ("events.9.at"): mappings by key, lists by index;
 * NULL when the file does not hold it. */
static const tc_ynode *node_at(const tc_ynode *root, const char *key)
{
    char part[160];
    const tc_ynode *n = root;
    for (const char *s = key; n && *s;) {
        size_t len = strcspn(s, ".");
        if (len >= sizeof part) return NULL;
        memcpy(part, s, len);
        part[len] = '\0';
        s += len + (s[len] == '.');
        if (n->kind == TC_Y_MAP) {
            n = tc_ytree_get(n, part);
        } else if (n->kind == TC_Y_SEQ) {
            char *end;
            long i = strtol(part, &end, 10);
            n = (*part && !*end && i >= 0 && i < n->n) ? n->items[i] : NULL;
        } else {
            return NULL;
        }
    }
    return n;
}

/* A whole number text as a double; -1 when it is not one. */
static int number_of(const char *s, double *v)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s)) return -1;
    *v = strtod(s, &end);
    return (*end || !isfinite(*v)) ? -1 : 0;
}

/* An event time as written in the file (a duration, or a date-time within the
 * run) as hours after the start. */
static int hours_of(const char *s, const tc_scenario *sc, double *h)
{
    int64_t ms, epoch;
    int off;
    if (!tc_duration_parse(s, &ms)) {
        *h = ms / 3.6e6;
        return 0;
    }
    if (!tc_datetime_parse(s, &epoch, &off)) {
        *h = (double)(epoch - sc->time.start_epoch) / 3600.0;
        return 0;
    }
    return -1;
}

static int load_knob(tc_err *err, const tc_ynode *m, const char *path, const tc_ynode *root,
                     const tc_scenario *sc, tc_knob *k)
{
    static const char *const keys[] = {"id", "kind", "key", "label", "min", "max", "step",
                                       "off", "on", "percent", NULL};
    int rc = TC_OK, kind = TC_KNOB_NUMBER;
    char full[256];
    tc_where at;
    TC_TRY(tc_schema_want_map(err, m, path));
    TC_TRY(tc_schema_only_keys(err, m, path, keys));
    TC_TRY(tc_schema_get_str(err, m, path, "id", 1, k->id, sizeof k->id, &at));
    for (const char *c = k->id; *c; c++)
        if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_') {
            tc_schema_join(full, sizeof full, path, "id");
            return tc_schema_bad_at(err, at, full, "a name of a-z, 0-9 and _", k->id);
        }
    TC_TRY(tc_schema_get_choice(err, m, path, "kind", 1, kind_names, &kind));
    k->kind = (tc_knob_kind)kind;
    TC_TRY(tc_schema_get_str(err, m, path, "key", 1, k->key, sizeof k->key, &at));
    TC_TRY(tc_schema_get_str(err, m, path, "label", 1, k->label, sizeof k->label, NULL));
    TC_TRY(tc_schema_get_bool(err, m, path, "percent", &k->percent));
    tc_schema_join(full, sizeof full, path, "key");
    /* the server builds the graph once: a knob may change the people and the
     * timeline, never what tc_scenario_graph_signature covers */
    if (!strncmp(k->key, "graph.", 6) || !strncmp(k->key, "accounts", 8) ||
        !strcmp(k->key, "seed") || !strcmp(k->key, "graph"))
        return tc_schema_bad_at(err, at, full, "a key outside graph, accounts and seed (the "
                                "graph is built once)", k->key);
    const tc_ynode *cur = node_at(root, k->key);
    if (!cur || cur->kind != TC_Y_SCALAR)
        return tc_schema_bad_at(err, at, full, "a key whose value the scenario file holds "
                                "(its default)", k->key);
    if (k->kind == TC_KNOB_TOGGLE) {
        TC_TRY(tc_schema_get_real(err, m, path, "off", 1, -INFINITY, INFINITY, &k->off));
        TC_TRY(tc_schema_get_real(err, m, path, "on", 1, -INFINITY, INFINITY, &k->on));
        double v;
        if (number_of(cur->value, &v) || (v != k->off && v != k->on))
            return tc_schema_bad_at(err, at, full, "a key whose value in the file is the "
                                    "knob's `off` or `on`", cur->value);
        k->min = 0, k->max = 1, k->step = 1, k->def = v == k->on;
        return TC_OK;
    }
    if (k->kind == TC_KNOB_TIME) {
        int64_t lo = 0, hi = 0, step = 0;
        TC_TRY(tc_schema_get_duration(err, m, path, "min", 1, 0, &lo));
        TC_TRY(tc_schema_get_duration(err, m, path, "max", 1, 0, &hi));
        TC_TRY(tc_schema_get_duration(err, m, path, "step", 1, 1000, &step));
        k->min = lo / 3.6e6, k->max = hi / 3.6e6, k->step = step / 3.6e6;
        if (hours_of(cur->value, sc, &k->def))
            return tc_schema_bad_at(err, at, full, "an event time (a duration or a date-time)",
                                    cur->value);
    } else {
        TC_TRY(tc_schema_get_real(err, m, path, "min", 1, -INFINITY, INFINITY, &k->min));
        TC_TRY(tc_schema_get_real(err, m, path, "max", 1, -INFINITY, INFINITY, &k->max));
        TC_TRY(tc_schema_get_real(err, m, path, "step", 1, 0, INFINITY, &k->step));
        if (number_of(cur->value, &k->def))
            return tc_schema_bad_at(err, at, full, "a key holding a number", cur->value);
    }
    if (!(k->min < k->max) || !(k->step > 0) || k->step > k->max - k->min) {
        tc_schema_join(full, sizeof full, path, "step");
        return tc_schema_bad_at(err, tc_schema_where_of(m, "max"), full,
                                "min < max and 0 < step <= max - min", "another range");
    }
    if (k->def < k->min || k->def > k->max) {
        char got[64], want[128];
        snprintf(got, sizeof got, "%g", k->def);
        snprintf(want, sizeof want, "a default (the scenario's value of %s) within [%g, %g]",
                 k->key, k->min, k->max);
        return tc_schema_bad_at(err, at, full, want, got);
    }
cleanup:
    return rc;
}

int tc_knobs_load(tc_knobs *kb, const char *path, const char *text, const tc_scenario *sc,
                  tc_err *err)
{
    int rc = TC_OK;
    tc_ynode *root = NULL;
    const tc_ynode *cls, *list;
    char full[64];
    memset(kb, 0, sizeof *kb);
    TC_TRY(tc_ytree_parse(path, text, &root, err));
    TC_TRY(tc_schema_get_node(err, root, "", "classroom", 1, "a mapping with knobs", &cls,
                              full, sizeof full));
    TC_TRY(tc_schema_want_map(err, cls, "classroom"));
    static const char *const keys[] = {"title", "knobs", NULL};
    TC_TRY(tc_schema_only_keys(err, cls, "classroom", keys));
    snprintf(kb->title, sizeof kb->title, "%s", sc->name);
    TC_TRY(tc_schema_get_str(err, cls, "classroom", "title", 0, kb->title, sizeof kb->title,
                             NULL));
    TC_TRY(tc_schema_get_node(err, cls, "classroom", "knobs", 1, "a list of knobs", &list, full,
                              sizeof full));
    if (list->kind != TC_Y_SEQ || list->n < 1 || list->n > TC_KNOBS_MAX) {
        char want[64];
        snprintf(want, sizeof want, "a list of 1 to %d knobs", TC_KNOBS_MAX);
        TC_TRY(tc_schema_bad(err, list, "classroom.knobs", want));
    }
    for (int i = 0; i < list->n; i++) {
        char p[48];
        snprintf(p, sizeof p, "classroom.knobs.%d", i);
        TC_TRY(load_knob(err, list->items[i], p, root, sc, &kb->k[i]));
        for (int j = 0; j < i; j++)
            if (!strcmp(kb->k[j].id, kb->k[i].id)) {
                snprintf(full, sizeof full, "%s.id", p);
                TC_TRY(tc_schema_bad_at(err, tc_schema_where_of(list->items[i], "id"), full,
                                        "an id no other knob has", kb->k[i].id));
            }
        kb->n = i + 1;
    }
cleanup:
    tc_ytree_free(root);
    return rc;
}

int tc_knobs_value(const tc_knobs *kb, int i, const char *text, double *v, char *msg, size_t n)
{
    const tc_knob *k = &kb->k[i];
    if (k->kind == TC_KNOB_TOGGLE) {
        if (!strcmp(text, "1") || !strcmp(text, "on") || !strcmp(text, "true")) *v = 1;
        else if (!strcmp(text, "0") || !strcmp(text, "off") || !strcmp(text, "false")) *v = 0;
        else {
            snprintf(msg, n, "%s: expected on or off (1 or 0), got '%.40s'", k->id, text);
            return -1;
        }
        return 0;
    }
    if (number_of(text, v) || *v < k->min || *v > k->max) {
        snprintf(msg, n, "%s: expected a number in [%g, %g]%s, got '%.40s'", k->id, k->min,
                 k->max, k->kind == TC_KNOB_TIME ? " (hours after the start)" : "", text);
        return -1;
    }
    return 0;
}

void tc_knobs_assignment(const tc_knobs *kb, int i, double v, char *buf, size_t n)
{
    const tc_knob *k = &kb->k[i];
    if (k->kind == TC_KNOB_TOGGLE) snprintf(buf, n, "%s=%.17g", k->key, v ? k->on : k->off);
    else if (k->kind == TC_KNOB_TIME) snprintf(buf, n, "%s=%.0fms", k->key, round(v * 3.6e6));
    else snprintf(buf, n, "%s=%.17g", k->key, v);
}

void tc_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

void tc_json_num(FILE *f, double x)
{
    if (isfinite(x)) fprintf(f, "%.10g", x);
    else fputs("null", f);
}

void tc_knobs_json(const tc_knobs *kb, FILE *f)
{
    fputs("{\"title\":", f);
    tc_json_str(f, kb->title);
    fputs(",\"knobs\":[", f);
    for (int i = 0; i < kb->n; i++) {
        const tc_knob *k = &kb->k[i];
        fputs(i ? ",{\"id\":" : "{\"id\":", f);
        tc_json_str(f, k->id);
        fprintf(f, ",\"kind\":\"%s\",\"label\":", kind_names[k->kind]);
        tc_json_str(f, k->label);
        fputs(",\"key\":", f);
        tc_json_str(f, k->key);
        fputs(",\"min\":", f);
        tc_json_num(f, k->min);
        fputs(",\"max\":", f);
        tc_json_num(f, k->max);
        fputs(",\"step\":", f);
        tc_json_num(f, k->step);
        fputs(",\"default\":", f);
        tc_json_num(f, k->def);
        fprintf(f, ",\"percent\":%s}", k->percent ? "true" : "false");
    }
    fputs("]}", f);
}
