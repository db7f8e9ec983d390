/* A YAML document as a small tree that remembers, for every node and key, the file,
 * line and column it came from, so that every later error can point at the text.
 * Built with libyaml's event parser; also holds `--set key=value` overrides. */
#ifndef TC_SIM_YTREE_H
#define TC_SIM_YTREE_H

#include "base/err.h"

typedef enum { TC_Y_SCALAR, TC_Y_SEQ, TC_Y_MAP } tc_ykind;

typedef struct tc_ynode {
    tc_ykind kind;
    const char *file;          /* borrowed: outlives the tree (a path or "--set") */
    int line, col;             /* 1-based position of the node's first character */
    char *value;               /* scalar text (TC_Y_SCALAR only) */
    int plain;                 /* scalar was unquoted (so `1` may be a number) */
    int n, cap;                /* number of items or key/value pairs */
    struct tc_ynode **items;   /* sequence items, or mapping values */
    char **keys;               /* mapping keys (TC_Y_MAP only) */
    int *key_line, *key_col;   /* mapping key positions */
} tc_ynode;

/* Parse the YAML text `text` (NUL-terminated) named `file` into *root (owned by
 * the caller, free with tc_ytree_free). An empty document gives an empty mapping.
 * Syntax errors, duplicate keys, non-scalar keys, anchors/aliases and multiple
 * documents fail with TC_EINPUT and "file:line:col: ...". */
int tc_ytree_parse(const char *file, const char *text, tc_ynode **root, tc_err *err);

/* Read a whole file into a NUL-terminated buffer (owned by the caller). Fails
 * with TC_EINPUT naming the file if it cannot be read. */
int tc_ytree_read_file(const char *path, char **text, tc_err *err);

void tc_ytree_free(tc_ynode *node);

/* A deep copy of `node` (file names stay borrowed), free with tc_ytree_free. */
tc_ynode *tc_ytree_copy(const tc_ynode *node);

/* Value of `key` in mapping `map`, or NULL (also when map is NULL or not a map). */
tc_ynode *tc_ytree_get(const tc_ynode *map, const char *key);

/* Index of `key` in `map`, or -1. */
int tc_ytree_index(const tc_ynode *map, const char *key);

/* Apply one override "a.b.c=value": the value is parsed as YAML (so lists and
 * numbers work) and replaces or creates the node at the dotted path; a numeric path
 * part indexes a sequence. Fails with TC_EINPUT naming the override. */
int tc_ytree_override(tc_ynode *root, const char *assignment, tc_err *err);

/* Human-readable name of a node kind ("a scalar", "a list", "a mapping"). */
const char *tc_ytree_kind_name(tc_ykind kind);

#endif
