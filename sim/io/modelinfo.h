/* What `tagcascade models` prints about an adoption rule: its engine, summary,
 * reference, declared parameters and, for a step rule, its states. */
#ifndef TC_SIM_MODELINFO_H
#define TC_SIM_MODELINFO_H

#include <stdio.h>

#include "model.h"

/* Describe rule `m` to `f`: a header line "NAME (event rule|step rule)", then
 * indented lines: summary, reference, one line per parameter (name, type,
 * range, default, unit, help) and, for a step rule, its states with their
 * roles. Plain text, one rule per block, a blank line after it. */
void tc_modelinfo_print(FILE *f, const tc_model_type *m);

#endif
