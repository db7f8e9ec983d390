/* Reading a scenario-like YAML tree against a declared schema: getters that check
 * a key's type and range and name file:line:column and the dotted key when they
 * fail, and a key checker that refuses unknown keys with a "did you mean". Used by
 * the scenario loader and the sweep section alike. */
#ifndef TC_SIM_SCHEMA_H
#define TC_SIM_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "input/ytree.h"

/* Every function below returns TC_OK or TC_EINPUT with `err` set. `path` is the
 * dotted prefix of the map ("" at the top level), `key` the key inside it; the
 * messages name "path.key". */

/* Fail on any key of `map` not in `allowed` (NULL-terminated), suggesting the
 * closest allowed key (edit distance at most 2) and listing them all. */
int tc_schema_only_keys(tc_err *err, const tc_ynode *map, const char *path,
                        const char *const *allowed);

/* "file:line:col: key: expected <expect>, got <what n is>", at n. */
int tc_schema_bad(tc_err *err, const tc_ynode *n, const char *key, const char *expect);

/* The same at a position kept from loading, for a value `got` checked later. */
int tc_schema_bad_at(tc_err *err, tc_where w, const char *key, const char *expect,
                     const char *got);

/* "missing key 'path.key' (<expect>)", at the map. */
int tc_schema_missing(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      const char *expect);

/* TC_OK when n is a mapping; else a message for `key`. */
int tc_schema_want_map(tc_err *err, const tc_ynode *n, const char *key);

/* Position of key i of map: where the key was written in the same file, else where
 * its value came from (a --set override). */
void tc_schema_key_where(const tc_ynode *map, int i, tc_where *w);

/* Position of map[key] if present, else of the map itself. */
tc_where tc_schema_where_of(const tc_ynode *map, const char *key);

/* out = "path.key" (or "key" at the top level). */
void tc_schema_join(char *out, size_t n, const char *path, const char *key);

/* Getters. When the key is absent and `required`, fail naming it; when absent and
 * optional, leave *out as it is (its default). get_node finds map[key] (NULL when
 * absent and optional) and writes the dotted key to full[fn]. */
int tc_schema_get_node(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int required, const char *expect, const tc_ynode **out, char *full,
                       size_t fn);
/* a plain number in [lo, hi] */
int tc_schema_get_real(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int required, double lo, double hi, double *out);
/* a plain integer in [lo, hi] */
int tc_schema_get_int(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      int required, int64_t lo, int64_t hi, int64_t *out);
/* an unsigned 64-bit integer (optional) */
int tc_schema_get_u64(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      uint64_t *out);
/* a non-empty text shorter than len; *at (if not NULL) gets its position */
int tc_schema_get_str(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                      int required, char *out, size_t len, tc_where *at);
/* true/yes or false/no (optional) */
int tc_schema_get_bool(tc_err *err, const tc_ynode *map, const char *path, const char *key,
                       int *out);
/* one of names[] (NULL-terminated): *out is its index */
int tc_schema_get_choice(tc_err *err, const tc_ynode *map, const char *path,
                         const char *key, int required, const char *const *names, int *out);
/* a duration (base/datetime.h) of at least lo_ms, in milliseconds */
int tc_schema_get_duration(tc_err *err, const tc_ynode *map, const char *path,
                           const char *key, int required, int64_t lo_ms, int64_t *out_ms);

#endif
