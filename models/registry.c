/* The table of adoption rules. Adding a rule: one new file, one row here. */
#include "model.h"

#include <stddef.h>
#include <string.h>

extern const tc_model_type tc_model_ic;
extern const tc_model_type tc_model_lt, tc_model_complex, tc_model_hawkes;
/* step rules (synchronous steps, sim/stepper.c) */
extern const tc_model_type tc_model_sir, tc_model_sis, tc_model_maki_thompson,
    tc_model_daley_kendall, tc_model_seiz;

const tc_model_type *const tc_model_table[] = {
    &tc_model_ic,
    &tc_model_lt,
    &tc_model_complex,
    &tc_model_hawkes,
    /* step rules */
    &tc_model_sir,
    &tc_model_sis,
    &tc_model_maki_thompson,
    &tc_model_daley_kendall,
    &tc_model_seiz,
    NULL,
};

const tc_model_type *tc_model_find(const char *name)
{
    for (int i = 0; tc_model_table[i]; i++)
        if (strcmp(tc_model_table[i]->name, name) == 0) return tc_model_table[i];
    return NULL;
}

int tc_model_param_index(const tc_model_type *m, const char *name)
{
    for (int i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0) return i;
    return -1;
}
