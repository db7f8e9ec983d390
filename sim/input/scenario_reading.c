/* What an account does with what it reads, beyond the rule: own_posts (an
 * adopter writes a post of its own) and appeal (interest fades with an item's
 * age and with the hashtag items already read), with their dumps. */
#include "input/scenario.h"

#include <math.h>
#include <string.h>

#include "input/scenario_parts.h"

const char *const tc_ranking_names[] = {"chronological", "engagement", NULL};
const char *const tc_appeal_names[] = {"none", "power_law", "stretched_exp", NULL};
static const char *const mode_names[] = {"instead", "besides", NULL};
static const char *const age_names[] = {"root", "post", NULL};
static const char *const appeal_who_names[] = {"people", "all", NULL};

static int load_own_posts(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const char *path = "own_posts";
    const tc_ynode *o = tc_ytree_get(root, path);
    static const char *const keys[] = {"people", "bots", "mode", NULL};
    if (!o) return TC_OK;
    TC_TRY(tc_schema_want_map(err, o, path));
    TC_TRY(tc_schema_only_keys(err, o, path, keys));
    const tc_ynode *p = tc_ytree_get(o, "people");
    if (p && p->kind == TC_Y_MAP)
        TC_TRY(tc_scenario_get_by_community(err, o, path, "people", 0.0, 1.0, 0,
                                            &sc->own_posts.comm, &sc->own_posts.ncomm));
    else
        TC_TRY(tc_schema_get_real(err, o, path, "people", 0, 0.0, 1.0, &sc->own_posts.people));
    TC_TRY(tc_schema_get_real(err, o, path, "bots", 0, 0.0, 1.0, &sc->own_posts.bots));
    TC_TRY(tc_schema_get_choice(err, o, path, "mode", 0, mode_names, &sc->own_posts.besides));
    sc->own_posts.on = sc->own_posts.people > 0 || sc->own_posts.bots > 0;
    for (int i = 0; i < sc->own_posts.ncomm; i++)
        if (sc->own_posts.comm[i].v > 0) sc->own_posts.on = 1;
cleanup:
    return rc;
}

static int load_appeal(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const char *path = "appeal";
    const tc_ynode *a = tc_ytree_get(root, path);
    static const char *const keys[] = {"kernel", "tau", "exponent", "beta", "age", "fatigue",
                                       "who", NULL};
    sc->appeal.tau_s = 3600;
    sc->appeal.exponent = 1.0;
    sc->appeal.beta = 0.4;
    if (!a) return TC_OK;
    TC_TRY(tc_schema_want_map(err, a, path));
    TC_TRY(tc_schema_only_keys(err, a, path, keys));
    TC_TRY(tc_schema_get_choice(err, a, path, "kernel", 1, tc_appeal_names, &sc->appeal.kernel));
    int64_t ms = 3600000;
    TC_TRY(tc_schema_get_duration(err, a, path, "tau", 0, 1000, &ms));
    sc->appeal.tau_s = ms / 1000.0;
    TC_TRY(tc_schema_get_real(err, a, path, "exponent", 0, 0.01, 20.0, &sc->appeal.exponent));
    TC_TRY(tc_schema_get_real(err, a, path, "beta", 0, 0.01, 5.0, &sc->appeal.beta));
    TC_TRY(tc_schema_get_choice(err, a, path, "age", 0, age_names, &sc->appeal.age_post));
    TC_TRY(tc_schema_get_real(err, a, path, "fatigue", 0, 0.0, 10.0, &sc->appeal.fatigue));
    TC_TRY(tc_schema_get_choice(err, a, path, "who", 0, appeal_who_names, &sc->appeal.everyone));
    /* a parameter of the other kernel is a mistake worth naming */
    static const struct {
        const char *key;
        int kernel;
    } own[] = {{"exponent", TC_APPEAL_POWER_LAW}, {"beta", TC_APPEAL_STRETCHED_EXP}};
    for (int i = 0; i < 2; i++)
        if (tc_ytree_get(a, own[i].key) && sc->appeal.kernel != own[i].kernel) {
            char full[64], expect[96];
            snprintf(full, sizeof full, "appeal.%s", own[i].key);
            snprintf(expect, sizeof expect, "no %s unless kernel is %s", own[i].key,
                     tc_appeal_names[own[i].kernel]);
            return tc_schema_bad(err, tc_ytree_get(a, own[i].key), full, expect);
        }
    if (sc->appeal.fatigue > 0 && !sc->humans.sessions)
        return tc_schema_bad(err, tc_ytree_get(a, "fatigue"), "appeal.fatigue",
                             "population.humans.sessions as well (fatigue counts the hashtag "
                             "items a person has read)");
cleanup:
    return rc;
}

int tc_scenario_load_reading(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    TC_TRY(load_own_posts(err, sc, root));
    TC_TRY(load_appeal(err, sc, root));
cleanup:
    return rc;
}

void tc_scenario_dump_reading(const tc_scenario *sc, FILE *f)
{
    if (sc->own_posts.on) {
        fprintf(f, "own_posts:\n");
        if (sc->own_posts.ncomm) {
            fprintf(f, "  people:\n");
            for (int i = 0; i < sc->own_posts.ncomm; i++) {
                fprintf(f, "    ");
                tc_scenario_dump_str(f, sc->own_posts.comm[i].name);
                fprintf(f, ": %.17g\n", sc->own_posts.comm[i].v);
            }
        } else {
            fprintf(f, "  people: %.17g\n", sc->own_posts.people);
        }
        fprintf(f, "  bots: %.17g\n  mode: %s\n", sc->own_posts.bots,
                mode_names[sc->own_posts.besides]);
    }
    if (sc->appeal.kernel != TC_APPEAL_NONE || sc->appeal.fatigue > 0) {
        fprintf(f, "appeal:\n  kernel: %s\n  tau: %.17gs\n", tc_appeal_names[sc->appeal.kernel],
                sc->appeal.tau_s);
        if (sc->appeal.kernel == TC_APPEAL_POWER_LAW)
            fprintf(f, "  exponent: %.17g\n", sc->appeal.exponent);
        else if (sc->appeal.kernel == TC_APPEAL_STRETCHED_EXP)
            fprintf(f, "  beta: %.17g\n", sc->appeal.beta);
        fprintf(f, "  age: %s\n  fatigue: %.17g\n  who: %s\n", age_names[sc->appeal.age_post],
                sc->appeal.fatigue, appeal_who_names[sc->appeal.everyone]);
    }
}
