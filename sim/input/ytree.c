/* libyaml events -> tc_ynode tree, with positions, duplicate-key checks, overrides. */
#include "input/ytree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/path.h"

static tc_ynode *node_new(tc_ykind kind, const char *file, const yaml_mark_t *m)
{
    tc_ynode *n = tc_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->file = file;
    n->line = m ? (int)m->line + 1 : 0;
    n->col = m ? (int)m->column + 1 : 0;
    return n;
}

static void node_push(tc_ynode *n, char *key, int kl, int kc, tc_ynode *child)
{
    if (n->n == n->cap) {
        n->cap = (int)tc_grow_cap(n->cap, (int64_t)n->n + 1, 4);
        n->items = tc_xrealloc(n->items, (size_t)n->cap * sizeof *n->items);
        if (n->kind == TC_Y_MAP) {
            n->keys = tc_xrealloc(n->keys, (size_t)n->cap * sizeof *n->keys);
            n->key_line = tc_xrealloc(n->key_line, (size_t)n->cap * sizeof(int));
            n->key_col = tc_xrealloc(n->key_col, (size_t)n->cap * sizeof(int));
        }
    }
    n->items[n->n] = child;
    if (n->kind == TC_Y_MAP) {
        n->keys[n->n] = key;
        n->key_line[n->n] = kl;
        n->key_col[n->n] = kc;
    }
    n->n++;
}

void tc_ytree_free(tc_ynode *n)
{
    if (!n) return;
    for (int i = 0; i < n->n; i++) {
        tc_ytree_free(n->items[i]);
        if (n->keys) free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->key_line);
    free(n->key_col);
    free(n->value);
    free(n);
}

tc_ynode *tc_ytree_copy(const tc_ynode *n)
{
    if (!n) return NULL;
    tc_ynode *c = tc_xcalloc(1, sizeof *c);
    c->kind = n->kind;
    c->file = n->file;
    c->line = n->line;
    c->col = n->col;
    c->plain = n->plain;
    c->value = n->value ? tc_xstrdup(n->value) : NULL;
    for (int i = 0; i < n->n; i++)
        node_push(c, n->keys ? tc_xstrdup(n->keys[i]) : NULL, n->key_line ? n->key_line[i] : 0,
                  n->key_col ? n->key_col[i] : 0, tc_ytree_copy(n->items[i]));
    return c;
}

const char *tc_ytree_kind_name(tc_ykind kind)
{
    switch (kind) {
    case TC_Y_SCALAR: return "a scalar";
    case TC_Y_SEQ: return "a list";
    default: return "a mapping";
    }
}

typedef struct {
    yaml_parser_t parser;
    const char *file;
    tc_err *err;
} reader;

static int next_event(reader *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->parser, ev)) return TC_OK;
    const yaml_mark_t *m = r->parser.problem_mark.line || r->parser.problem_mark.column
                               ? &r->parser.problem_mark
                               : &r->parser.context_mark;
    tc_err_set(r->err, TC_EINPUT, "%s:%zu:%zu: invalid YAML: %s%s%s", r->file,
               m->line + 1, m->column + 1,
               r->parser.problem ? r->parser.problem : "syntax error",
               r->parser.context ? " " : "",
               r->parser.context ? r->parser.context : "");
    return TC_EINPUT;
}

/* Build the node that starts with event `ev` (already read); consumes through its
 * end event. */
static int build(reader *r, yaml_event_t *ev, tc_ynode **out, int depth)
{
    tc_err *err = r->err;
    int rc = TC_OK;
    tc_ynode *n = NULL;
    yaml_event_t e = {0};
    const yaml_mark_t *m = &ev->start_mark;

    if (depth > 64) {
        tc_err_set(err, TC_EINPUT, "%s:%zu:%zu: nesting deeper than 64 levels",
                   r->file, m->line + 1, m->column + 1);
        return TC_EINPUT;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        tc_err_set(err, TC_EINPUT,
                   "%s:%zu:%zu: YAML aliases (*name) are not supported; write the "
                   "value out", r->file, m->line + 1, m->column + 1);
        return TC_EINPUT;
    case YAML_SCALAR_EVENT:
        n = node_new(TC_Y_SCALAR, r->file, m);
        n->value = tc_xmalloc(ev->data.scalar.length + 1);
        memcpy(n->value, ev->data.scalar.value, ev->data.scalar.length);
        n->value[ev->data.scalar.length] = '\0';
        if (strlen(n->value) != ev->data.scalar.length) {
            tc_ytree_free(n);
            tc_err_set(err, TC_EINPUT, "%s:%zu:%zu: a NUL character inside a value",
                       r->file, m->line + 1, m->column + 1);
            return TC_EINPUT;
        }
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        break;
    case YAML_SEQUENCE_START_EVENT:
        n = node_new(TC_Y_SEQ, r->file, m);
        for (;;) {
            TC_TRY(next_event(r, &e));
            if (e.type == YAML_SEQUENCE_END_EVENT) break;
            tc_ynode *child = NULL;
            rc = build(r, &e, &child, depth + 1);
            yaml_event_delete(&e);
            if (rc) goto cleanup;
            node_push(n, NULL, 0, 0, child);
        }
        break;
    case YAML_MAPPING_START_EVENT:
        n = node_new(TC_Y_MAP, r->file, m);
        for (;;) {
            TC_TRY(next_event(r, &e));
            if (e.type == YAML_MAPPING_END_EVENT) break;
            const yaml_mark_t km = e.start_mark;
            if (e.type != YAML_SCALAR_EVENT)
                TC_FAIL(TC_EINPUT, "%s:%zu:%zu: a mapping key must be a plain word",
                        r->file, km.line + 1, km.column + 1);
            char *key = tc_xstrdup((const char *)e.data.scalar.value);
            yaml_event_delete(&e);
            if (tc_ytree_index(n, key) >= 0) {
                int prev = tc_ytree_index(n, key);
                tc_err_set(err, TC_EINPUT,
                           "%s:%zu:%zu: duplicate key '%s' (first given at line %d)",
                           r->file, km.line + 1, km.column + 1, key,
                           n->key_line[prev]);
                free(key);
                rc = TC_EINPUT;
                goto cleanup;
            }
            if ((rc = next_event(r, &e)) != TC_OK) {
                free(key);
                goto cleanup;
            }
            tc_ynode *child = NULL;
            rc = build(r, &e, &child, depth + 1);
            yaml_event_delete(&e);
            if (rc) {
                free(key);
                goto cleanup;
            }
            node_push(n, key, (int)km.line + 1, (int)km.column + 1, child);
        }
        break;
    default:
        tc_err_set(err, TC_EINPUT, "%s:%zu:%zu: unexpected YAML structure", r->file,
                   m->line + 1, m->column + 1);
        return TC_EINPUT;
    }
    yaml_event_delete(&e);
    *out = n;
    return TC_OK;
cleanup:
    yaml_event_delete(&e);
    tc_ytree_free(n);
    return rc;
}

int tc_ytree_parse(const char *file, const char *text, tc_ynode **root, tc_err *err)
{
    int rc = TC_OK;
    reader r = {.file = file, .err = err};
    yaml_event_t e = {0};
    tc_ynode *doc = NULL;

    *root = NULL;
    if (!yaml_parser_initialize(&r.parser)) {
        tc_err_set(err, TC_ERUNTIME, "cannot initialise the YAML parser");
        return TC_ERUNTIME;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)text, strlen(text));
    for (;;) {
        TC_TRY(next_event(&r, &e));
        yaml_event_type_t t = e.type;
        if (t == YAML_STREAM_END_EVENT) break;
        if (t == YAML_DOCUMENT_START_EVENT && doc) {
            TC_FAIL(TC_EINPUT, "%s:%zu:%zu: more than one YAML document in the file",
                    file, e.start_mark.line + 1, e.start_mark.column + 1);
        }
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT ||
            t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
            TC_TRY(build(&r, &e, &doc, 0));
        }
        yaml_event_delete(&e);
    }
    if (!doc) {
        yaml_mark_t m = {0};
        doc = node_new(TC_Y_MAP, file, &m);
        doc->line = doc->col = 1;
    }
    *root = doc;
    doc = NULL;
cleanup:
    yaml_event_delete(&e);
    yaml_parser_delete(&r.parser);
    tc_ytree_free(doc);
    return rc;
}

int tc_ytree_read_file(const char *path, char **text, tc_err *err)
{
    int rc = TC_OK;
    FILE *f = tc_path_open_input(path, "scenario file", err); /* not a FIFO or a device */
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f) return TC_EINPUT;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? 2 * cap : 65536;
            buf = tc_xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    if (ferror(f)) TC_FAIL(TC_EINPUT, "%s: cannot read: %s", path, strerror(errno));
    buf[len] = '\0';
    if (strlen(buf) != len)
        TC_FAIL(TC_EINPUT, "%s: contains a NUL byte: not a text file", path);
    *text = buf;
    buf = NULL;
cleanup:
    if (f) fclose(f);
    free(buf);
    return rc;
}

int tc_ytree_index(const tc_ynode *map, const char *key)
{
    if (!map || map->kind != TC_Y_MAP) return -1;
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->keys[i], key) == 0) return i;
    return -1;
}

tc_ynode *tc_ytree_get(const tc_ynode *map, const char *key)
{
    int i = tc_ytree_index(map, key);
    return i < 0 ? NULL : map->items[i];
}

static int is_index(const char *s, long *out)
{
    char *end;
    if (!*s) return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    *out = strtol(s, &end, 10);
    return 1;
}

/* Columns of a --set value count from the start of the whole assignment. */
static void shift_cols(tc_ynode *n, int d)
{
    n->col += d;
    for (int i = 0; i < n->n; i++) {
        if (n->key_col) n->key_col[i] += d;
        shift_cols(n->items[i], d);
    }
}

int tc_ytree_override(tc_ynode *root, const char *assignment, tc_err *err)
{
    static const char origin[] = "--set";
    int rc = TC_OK;
    char *path = tc_xstrdup(assignment);
    tc_ynode *val = NULL;
    char *eq = strchr(path, '=');

    if (!eq || eq == path)
        TC_FAIL(TC_EINPUT, "--set %s: expected KEY=VALUE, e.g. --set seed=7", assignment);
    *eq = '\0';
    if ((rc = tc_ytree_parse(origin, eq + 1, &val, err)) != TC_OK) {
        /* the parser counted columns from the value: report them in the assignment */
        char *colon = strstr(err->msg, "--set:1:");
        if (colon) {
            int c = atoi(colon + 8) + (int)(eq - path) + 1;
            char rest[1400];
            const char *after = strchr(colon + 8, ':');
            snprintf(rest, sizeof rest, "%s", after ? after : "");
            snprintf(err->msg, sizeof err->msg, "--set:1:%d%s (in --set %s)", c, rest, assignment);
        }
        goto cleanup;
    }
    if (val->kind == TC_Y_MAP && val->n == 0 && eq[1] == '\0') {
        /* "key=" sets an empty string, not an empty mapping */
        tc_ytree_free(val);
        yaml_mark_t m = {0};
        val = node_new(TC_Y_SCALAR, origin, &m);
        val->value = tc_xstrdup("");
    }
    if (val->line == 0) val->col = 1; /* the "key=" placeholder */
    val->line = 1;
    shift_cols(val, (int)(eq - path) + 1);

    tc_ynode *cur = root;
    char *part = path;
    for (;;) {
        char *dot = strchr(part, '.');
        if (dot) *dot = '\0';
        if (!*part) TC_FAIL(TC_EINPUT, "--set %s: empty part in the key", assignment);
        long idx;
        if (cur->kind == TC_Y_SEQ) {
            if (!is_index(part, &idx) || idx >= cur->n)
                TC_FAIL(TC_EINPUT, "--set %s: '%s' must be an index below %d of a list",
                        assignment, part, cur->n);
            if (!dot) {
                tc_ytree_free(cur->items[idx]);
                cur->items[idx] = val;
                val = NULL;
                break;
            }
            cur = cur->items[idx];
        } else if (cur->kind == TC_Y_MAP) {
            int i = tc_ytree_index(cur, part);
            if (!dot) {
                if (i >= 0) {
                    tc_ytree_free(cur->items[i]);
                    cur->items[i] = val;
                } else {
                    node_push(cur, tc_xstrdup(part), 1, 1, val);
                }
                val = NULL;
                break;
            }
            if (i < 0) {
                yaml_mark_t m = {0};
                tc_ynode *child = node_new(TC_Y_MAP, origin, &m);
                child->line = 1;
                child->col = 1;
                node_push(cur, tc_xstrdup(part), 1, 1, child);
                i = cur->n - 1;
            }
            cur = cur->items[i];
        } else {
            TC_FAIL(TC_EINPUT, "--set %s: '%s' is inside a scalar value", assignment, part);
        }
        part = dot + 1;
    }
cleanup:
    tc_ytree_free(val);
    free(path);
    return rc;
}
