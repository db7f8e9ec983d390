/* The schema toolkit (input/schema.h): typed getters over the YAML tree, and the
 * unknown-key check with its "did you mean". */
#include "input/schema.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"

static const char *describe(const tc_ynode *n, char *buf, size_t len)
{
    if (n->kind == TC_Y_SCALAR) snprintf(buf, len, "\"%.60s\"", n->value);
    else snprintf(buf, len, "%s", tc_ytree_kind_name(n->kind));
    return buf;
}

/* Position of key i of map: where the key was written in the same file, else
 * where its value came from (an override). */
void tc_schema_key_where(const tc_ynode *map, int i, tc_where *w)
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
tc_where tc_schema_where_of(const tc_ynode *map, const char *key)
{
    const tc_ynode *n = tc_ytree_get(map, key);
    if (!n) n = map;
    return (tc_where){n->file, n->line, n->col};
}

int tc_schema_bad(tc_err *err, const tc_ynode *n, const char *key, const char *expect)
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
int tc_schema_only_keys(tc_err *err, const tc_ynode *map, const char *path,
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
        tc_schema_key_where(map, i, &w);
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

void tc_schema_join(char *out, size_t n, const char *path, const char *key)
{
    snprintf(out, n, "%s%s%s", path, *path ? "." : "", key);
}

int tc_schema_missing(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      const char *expect)
{
    char full[160];
    tc_schema_join(full, sizeof full, path, key);
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: missing key '%s' (%s)", map->file, map->line,
               map->col, full, expect);
    return TC_EINPUT;
}

int tc_schema_want_map(tc_err *err, const tc_ynode *n, const char *key)
{
    return n->kind == TC_Y_MAP ? TC_OK : tc_schema_bad(err, n, key, "a mapping of keys");
}

/* Getters: *found is set to 1 when the key is present. When absent and `required`,
 * fail naming the key; otherwise leave *out at its default. */
int tc_schema_get_node(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int required, const char *expect, const tc_ynode **out, char *full,
                       size_t fn)
{
    tc_schema_join(full, fn, path, key);
    *out = tc_ytree_get(map, key);
    if (!*out && required) return tc_schema_missing(err, map, path, key, expect);
    return TC_OK;
}

int tc_schema_get_real(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int required, double lo, double hi, double *out)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "a number in [%g, %g]", lo, hi);
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    double v = n->kind == TC_Y_SCALAR ? strtod(n->value, &end) : NAN;
    if (n->kind != TC_Y_SCALAR || !n->plain || end == n->value || *end || errno ||
        !isfinite(v) || v < lo || v > hi)
        return tc_schema_bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

int tc_schema_get_int(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      int required, int64_t lo, int64_t hi, int64_t *out)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "an integer in [%lld, %lld]", (long long)lo,
             (long long)hi);
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    long long v = n->kind == TC_Y_SCALAR ? strtoll(n->value, &end, 10) : 0;
    if (n->kind != TC_Y_SCALAR || !n->plain || end == n->value || *end || errno ||
        v < lo || v > hi)
        return tc_schema_bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

int tc_schema_get_u64(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      uint64_t *out)
{
    char full[160];
    const char *expect = "an integer in [0, 18446744073709551615]";
    const tc_ynode *n;
    int rc = tc_schema_get_node(err, map, path, key, 0, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    char *end;
    errno = 0;
    unsigned long long v = n->kind == TC_Y_SCALAR ? strtoull(n->value, &end, 10) : 0;
    if (n->kind != TC_Y_SCALAR || !n->plain || !isdigit((unsigned char)n->value[0]) ||
        *end || errno)
        return tc_schema_bad(err, n, full, expect);
    *out = v;
    return TC_OK;
}

int tc_schema_get_str(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      int required, char *out, size_t len, tc_where *at)
{
    char full[160], expect[64];
    const tc_ynode *n;
    snprintf(expect, sizeof expect, "a text of at most %zu characters", len - 1);
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind != TC_Y_SCALAR || strlen(n->value) >= len || !n->value[0])
        return tc_schema_bad(err, n, full, expect);
    snprintf(out, len, "%s", n->value);
    if (at) *at = (tc_where){n->file, n->line, n->col};
    return TC_OK;
}

int tc_schema_get_bool(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int *out)
{
    char full[160];
    const tc_ynode *n;
    int rc = tc_schema_get_node(err, map, path, key, 0, "", &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind == TC_Y_SCALAR && n->plain &&
        (!strcmp(n->value, "true") || !strcmp(n->value, "yes"))) *out = 1;
    else if (n->kind == TC_Y_SCALAR && n->plain &&
             (!strcmp(n->value, "false") || !strcmp(n->value, "no"))) *out = 0;
    else return tc_schema_bad(err, n, full, "true or false");
    return TC_OK;
}

int tc_schema_get_choice(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                         int required, const char *const *names, int *out)
{
    char full[160], expect[256] = "one of ";
    const tc_ynode *n;
    for (int i = 0; names[i]; i++) {
        strncat(expect, i ? ", " : "", sizeof expect - strlen(expect) - 1);
        strncat(expect, names[i], sizeof expect - strlen(expect) - 1);
    }
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind == TC_Y_SCALAR)
        for (int i = 0; names[i]; i++)
            if (strcmp(n->value, names[i]) == 0) {
                *out = i;
                return TC_OK;
            }
    return tc_schema_bad(err, n, full, expect);
}

int tc_schema_get_duration(tc_err *err, const tc_ynode *map, const char *path,
                           const char *key, int required, int64_t lo_ms, int64_t *out_ms)
{
    char full[160], expect[128];
    const tc_ynode *n;
    snprintf(expect, sizeof expect,
             "a duration such as 90s, 15m, 2h, 1d or 1h30m (at least %gs)", lo_ms / 1000.0);
    int rc = tc_schema_get_node(err, map, path, key, required, expect, &n, full, sizeof full);
    if (rc || !n) return rc;
    int64_t v;
    if (n->kind != TC_Y_SCALAR || tc_duration_parse(n->value, &v) || v < lo_ms)
        return tc_schema_bad(err, n, full, expect);
    *out_ms = v;
    return TC_OK;
}

int tc_schema_bad_at(tc_err *err, tc_where w, const char *key, const char *expect, const char *got)
{
    tc_err_set(err, TC_EINPUT, "%s:%d:%d: %s: expected %s, got \"%s\"", w.file, w.line, w.col,
               key, expect, got);
    return TC_EINPUT;
}

