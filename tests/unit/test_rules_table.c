/* Shared checks for every rule of the table, present and future, using only
 * what the table declares:
 *   (a) one scenario per rule with its default parameters (a 6,000-account
 *       graph, bots, a named account followed by 5,000 posting once) gives
 *       byte-identical series, summary and cascade log on 1, 2 and 3 threads;
 *       event rules without their own delay also with reading sessions;
 *   (b) without posts nothing happens: no posts, reshares or adopters;
 *   (c) the declaration is whole: name, summary, reference, parameters with
 *       defaults inside their ranges that pass the rule's own check, the ops
 *       its engine needs, and `tagcascade models` lists the rule and every
 *       parameter. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drive/run.h"
#include "world/world.h"
#include "io/modelinfo.h"
#include "tc_test.h"

/* The scenario for rule m: step rules advance in steps of a minute. */
static char *scenario(const tc_model_type *m, int sessions, int post)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int step = m->engine == TC_RULE_STEP;
    fprintf(f,
            "name: table_%s\n"
            "seed: 17\n"
            "time: {start: 2017-05-05T20:00:00+02:00, duration: 6h, dt: %s, "
            "output_interval: 10m}\n"
            "graph: {generator: ba, n: 6000, m: 3, reciprocity: 0.3}\n"
            "population:\n"
            "  bots: {fraction: 0.05}\n",
            m->name, step ? "60s" : "1s");
    if (sessions) fprintf(f, "  humans: {sessions: {per_day: 24, attention: 50}}\n");
    fprintf(f,
            "accounts:\n"
            "  - {name: src, community: all, followers: 5000}\n"
            "model: {name: %s}\n"
            "events:%s\n"
            "output: {cascade: true}\n",
            m->name, post ? "\n  - {at: 5m, post: src}" : " []");
    fclose(f);
    return text;
}

/* Everything a run writes, as text; sets *reshares and *reach. */
static char *render(const char *text, int threads, int64_t *reshares, int64_t *reach,
                    int64_t *posts)
{
    tc_err err = {0};
    tc_scenario sc;
    tc_world w;
    tc_engine *e = NULL;
    tc_recorder rec;
    tc_summary s;
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    *reshares = *reach = *posts = -1;
    if (tc_scenario_parse(&sc, "table.yaml", text, NULL, 0, &err)) {
        fprintf(f, "error: %s\n", err.msg);
        fclose(f);
        return out;
    }
    if (tc_world_build(&w, &sc, &err)) {
        fprintf(f, "error: %s\n", err.msg);
        tc_scenario_destroy(&sc);
        fclose(f);
        return out;
    }
    if (tc_run_simulate(&w, &sc, tc_run_key(sc.seed, 0), threads, &e, &rec, &s, NULL, NULL,
                        &err)) {
        fprintf(f, "error: %s\n", err.msg);
    } else {
        for (int64_t i = 0; i < rec.T; i++) {
            fprintf(f, "%lld:", (long long)i);
            for (int k = 0; k < TC_NCOUNTERS; k++) {
                for (int c = 0; c < 2; c++)
                    fprintf(f, " %lld", (long long)rec.by_class[((int64_t)k * rec.T + i) * 2 + c]);
                for (int c = 0; c < rec.ncomm; c++)
                    fprintf(f, " %lld",
                            (long long)rec.by_comm[((int64_t)k * rec.T + i) * rec.ncomm + c]);
            }
            fprintf(f, "\n");
        }
        tc_adoption *ev;
        int64_t n;
        tc_outcome_cascade(tc_engine_outcome(e), &ev, &n);
        for (int64_t i = 0; i < n; i++)
            fprintf(f, "%a %d %d %d %d\n", ev[i].t, ev[i].account, ev[i].parent, ev[i].root,
                    ev[i].depth);
        free(ev);
        fprintf(f, "reach %lld %lld %lld exposed %lld posts %lld reshares %lld %lld peak %lld %a "
                   "depth %lld breadth %lld cascades %lld largest %lld sv %a\n",
                (long long)s.reach, (long long)s.reach_human, (long long)s.reach_bot,
                (long long)s.exposed, (long long)s.posts, (long long)s.reshares_human,
                (long long)s.reshares_bot, (long long)s.peak_volume, s.peak_t,
                (long long)s.max_depth, (long long)s.max_breadth, (long long)s.cascades,
                (long long)s.largest_size, s.largest_sv);
        for (int32_t r = 0; r < s.nroots; r++)
            fprintf(f, "root %d: %lld %d %lld %a\n", r, (long long)s.root[r].size,
                    s.root[r].depth, (long long)s.root[r].max_breadth,
                    s.root[r].structural_virality);
        *reshares = s.reshares;
        *reach = s.reach;
        *posts = s.posts;
        tc_summary_destroy(&s);
    }
    tc_engine_free(e);
    tc_recorder_destroy(&rec);
    tc_world_destroy(&w);
    tc_scenario_destroy(&sc);
    fclose(f);
    return out;
}

static void check_declaration(const tc_model_type *m)
{
    const char *name = m->name ? m->name : "(no name)";
    CHECK(m->name && *m->name, "a rule without a name");
    CHECK(m->summary && *m->summary, "%s: no summary", name);
    CHECK(m->reference && *m->reference, "%s: no reference", name);
    CHECK(m->nparams >= 0 && m->nparams <= TC_MODEL_MAXPARAMS && (m->params || !m->nparams),
          "%s: %d parameters", name, m->nparams);
    CHECK(tc_model_find(name) == m, "%s: not found by its name", name);
    double par[TC_MODEL_MAXPARAMS];
    for (int i = 0; i < m->nparams && i < TC_MODEL_MAXPARAMS; i++) {
        const tc_param_spec *p = &m->params[i];
        CHECK(p->name && *p->name && p->help && *p->help && p->unit, "%s: parameter %d undocumented",
              name, i);
        CHECK(p->min <= p->def && p->def <= p->max, "%s.%s: default %g outside [%g, %g]", name,
              p->name, p->def, p->min, p->max);
        CHECK(p->kind != TC_PARAM_INT ||
                  (p->def == floor(p->def) && p->min == floor(p->min) && p->max == floor(p->max)),
              "%s.%s: integer parameter with fractional default or range", name, p->name);
        CHECK(tc_model_param_index(m, p->name) == i, "%s.%s: name used twice", name, p->name);
        CHECK(strcmp(p->name, "name") != 0, "%s: a parameter called 'name'", name);
        par[i] = p->def;
    }
    const char *msg = m->check ? m->check(par) : NULL;
    CHECK(msg == NULL, "%s: its own check refuses the defaults: %s", name, msg);
    if (m->engine == TC_RULE_EVENT) {
        CHECK(m->adopt_prob != NULL, "%s: event rule without adopt_prob", name);
    } else {
        CHECK(m->engine == TC_RULE_STEP, "%s: unknown engine %d", name, (int)m->engine);
        CHECK(m->transition != NULL, "%s: step rule without transition", name);
        CHECK(m->nstates >= 2 && m->nstates <= TC_STEP_MAXSTATES && m->state_names,
              "%s: %d states", name, m->nstates);
        for (int k = 0; k < m->nstates && m->state_names; k++)
            CHECK(m->state_names[k] && *m->state_names[k], "%s: state %d unnamed", name, k);
        CHECK(m->seed_state < m->nstates, "%s: seed state %d", name, m->seed_state);
        CHECK(m->adopt_mask != 0, "%s: no state counts as adoption", name);
    }

    /* the listing of this rule names it and every parameter */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    tc_modelinfo_print(f, m);
    fclose(f);
    CHECK(strncmp(text, name, strlen(name)) == 0, "%s: listing starts '%.40s'", name, text);
    for (int i = 0; i < m->nparams; i++) {
        char word[80];
        snprintf(word, sizeof word, "    %s ", m->params[i].name);
        CHECK(strstr(text, word) != NULL, "%s: listing lacks parameter %s", name,
              m->params[i].name);
    }
    for (int k = 0; m->engine == TC_RULE_STEP && k < m->nstates && m->state_names; k++)
        CHECK(strstr(text, m->state_names[k]) != NULL, "%s: listing lacks state %s", name,
              m->state_names[k]);
    free(text);
}

static void check_runs(const tc_model_type *m)
{
    for (int sessions = 0; sessions < 2; sessions++) {
        if (sessions && (m->engine != TC_RULE_EVENT || m->delay)) continue;
        char *text = scenario(m, sessions, 1);
        int64_t r1, a1, p1, r, a, p;
        char *one = render(text, 1, &r1, &a1, &p1);
        CHECK(strncmp(one, "error", 5) != 0, "%s: %s", m->name, one);
        CHECK(p1 == 1 && a1 >= 1, "%s: %lld posts, reach %lld: the seed post is missing",
              m->name, (long long)p1, (long long)a1);
        for (int th = 2; th <= 3; th++) {
            char *many = render(text, th, &r, &a, &p);
            CHECK(strcmp(one, many) == 0, "%s%s: output differs between 1 and %d threads",
                  m->name, sessions ? " with sessions" : "", th);
            free(many);
        }
        printf("# %s%s: %lld reshares, reach %lld\n", m->name, sessions ? " (sessions)" : "",
               (long long)r1, (long long)a1);
        free(one);
        free(text);

        text = scenario(m, sessions, 0);
        one = render(text, 2, &r, &a, &p);
        CHECK(strncmp(one, "error", 5) != 0, "%s without posts: %s", m->name, one);
        CHECK(r == 0 && a == 0 && p == 0, "%s%s without posts: %lld posts, %lld reshares, "
              "reach %lld", m->name, sessions ? " with sessions" : "", (long long)p,
              (long long)r, (long long)a);
        free(one);
        free(text);
    }
}

int main(void)
{
    tc_lib_errors_off();
    int n = 0;
    for (; tc_model_table[n]; n++) check_declaration(tc_model_table[n]);
    CHECK(n >= 1, "an empty table");

    /* the whole listing names every rule */
    char *all = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&all, &len);
    for (int i = 0; i < n; i++) tc_modelinfo_print(f, tc_model_table[i]);
    fclose(f);
    for (int i = 0; i < n; i++) {
        char head[80];
        snprintf(head, sizeof head, "%s (", tc_model_table[i]->name);
        CHECK(strstr(all, head) != NULL, "listing lacks rule %s", tc_model_table[i]->name);
    }
    free(all);

    for (int i = 0; i < n; i++) check_runs(tc_model_table[i]);
    return tc_test_done("rules_table");
}
