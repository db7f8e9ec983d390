/* The text of `tagcascade models`, taken from the rule table alone, so that a
 * new rule is listed with nothing more than its row. */
#include "io/modelinfo.h"

void tc_modelinfo_print(FILE *f, const tc_model_type *m)
{
    int step = m->engine == TC_RULE_STEP;
    fprintf(f, "%s (%s rule)\n", m->name, step ? "step" : "event");
    fprintf(f, "  %s\n", m->summary);
    fprintf(f, "  reference: %s\n", m->reference);
    if (m->nparams == 0) fprintf(f, "  parameters: none\n");
    else fprintf(f, "  parameters:\n");
    for (int j = 0; j < m->nparams; j++) {
        const tc_param_spec *p = &m->params[j];
        fprintf(f, "    %-10s %s in [%.10g, %.10g], default %.10g%s%s: %s\n", p->name,
                p->kind == TC_PARAM_INT ? "integer" : "number", p->min, p->max, p->def,
                p->unit && *p->unit ? " " : "", p->unit ? p->unit : "", p->help);
    }
    if (step) {
        fprintf(f, "  states:\n");
        for (int k = 0; k < m->nstates; k++) {
            unsigned bit = 1u << k;
            char roles[128];
            snprintf(roles, sizeof roles, "%s%s%s%s%s", k == 0 ? ", start" : "",
                     k == m->seed_state ? ", seed" : "",
                     m->push_mask & bit ? ", reaches followers" : "",
                     m->adopt_mask & bit ? ", counts as adoption" : "",
                     m->live_mask & bit ? ", changes alone" : "");
            fprintf(f, "    %s%s%s\n", m->state_names[k], *roles ? ":" : "",
                    *roles ? roles + 1 : "");
        }
    }
    fprintf(f, "\n");
}
