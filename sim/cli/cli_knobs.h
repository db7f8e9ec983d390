/* The teachable knobs of a scenario, declared in its `classroom:` section: for
 * `tagcascade serve`, each knob names the scenario key it sets, its range and
 * step; its default is the value the scenario itself holds. */
#ifndef TC_CLI_KNOBS_H
#define TC_CLI_KNOBS_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "input/scenario.h"

#define TC_KNOBS_MAX 16

/* number: the key's value itself; time: an event's `at`, in hours after the
 * scenario's start; toggle: 0 (the key gets `off`) or 1 (it gets `on`) */
typedef enum { TC_KNOB_NUMBER, TC_KNOB_TIME, TC_KNOB_TOGGLE } tc_knob_kind;

typedef struct tc_knob {
    char id[32];          /* the name in the API: [a-z0-9_], unique */
    char label[160];
    char key[160];        /* the scenario key it sets, as --set writes it */
    tc_knob_kind kind;
    double min, max, step, def;  /* toggle: 0, 1, 1 and the default state */
    double off, on;              /* toggle: the key's two values */
    int percent;                 /* shown as a percentage (a share in [0, 1]) */
} tc_knob;

typedef struct tc_knobs {
    char title[160];
    int n;
    tc_knob k[TC_KNOBS_MAX];
} tc_knobs;

/* Read the `classroom:` section of the scenario text `text` (file `path`),
 * whose resolved form is `sc`. Every knob is checked: known kind, a key that
 * the file holds (its value is the default) and that is not a graph key (the
 * server builds the graph once), min < max, 0 < step, the default in range.
 * Returns TC_OK, or TC_EINPUT with "file:line:col: classroom.knobs.N.key: ...". */
int tc_knobs_load(tc_knobs *kb, const char *path, const char *text, const tc_scenario *sc,
                  tc_err *err);

/* Parse `text` as a value of knob i into *v: a number within the knob's range
 * (toggle: 0/1, on/off, true/false). Returns 0, or -1 with a one-line reason
 * in msg[n] ("bots: expected a number in [0, 0.4], got 0.9"). */
int tc_knobs_value(const tc_knobs *kb, int i, const char *text, double *v, char *msg,
                   size_t n);

/* The --set assignment of knob i at value v ("population.bots.fraction=0.2"),
 * into buf[n]. */
void tc_knobs_assignment(const tc_knobs *kb, int i, double v, char *buf, size_t n);

/* The knobs as a JSON object {"title": ..., "knobs": [...]} on f. */
void tc_knobs_json(const tc_knobs *kb, FILE *f);

/* A JSON string literal of s (quotes included) on f. */
void tc_json_str(FILE *f, const char *s);

/* A JSON number: %.*g of x, or null when x is not finite. */
void tc_json_num(FILE *f, double x);

#endif
