/* The events section of a scenario: posts and interventions at given times, and
 * whom each applies to, with its dump. */
#include "input/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "input/scenario_parts.h"

static int hub_known(const tc_scenario *sc, const char *name)
{
    for (int j = 0; j < sc->nhubs; j++)
        if (!strcmp(sc->hubs[j].name, name)) return 1;
    return 0;
}

/* whom: who (a class), community, and for silence a list of named accounts. */
static int load_whom(tc_err *err, tc_scenario *sc, const tc_ynode *m, const char *path,
                     tc_event_spec *x, int accounts_ok)
{
    int rc = TC_OK;
    int k = x->who;
    TC_TRY(tc_schema_get_choice(err, m, path, "who", 0, tc_who_names, &k));
    x->who = (tc_who)k;
    TC_TRY(tc_schema_get_str(err, m, path, "community", 0, x->community, TC_NAME_MAX,
                             &x->community_at));
    const tc_ynode *a = tc_ytree_get(m, "accounts");
    if (a && accounts_ok) {
        char ap[96];
        snprintf(ap, sizeof ap, "%s.accounts", path);
        if (a->kind != TC_Y_SEQ || a->n < 1 || a->n > TC_MAX_TARGETS)
            return tc_schema_bad(err, a, ap, "a list of 1 to 64 named accounts");
        if (tc_ytree_get(m, "who") || tc_ytree_get(m, "community"))
            return tc_schema_bad(err, a, ap, "either accounts or who/community, not both");
        x->naccounts = a->n;
        x->accounts = tc_xcalloc((size_t)a->n, sizeof *x->accounts);
        x->accounts_at = tc_xcalloc((size_t)a->n, sizeof *x->accounts_at);
        for (int j = 0; j < a->n; j++) {
            const tc_ynode *v = a->items[j];
            if (v->kind != TC_Y_SCALAR || strlen(v->value) >= TC_NAME_MAX ||
                !hub_known(sc, v->value))
                return tc_schema_bad(err, v, ap, "the name of an account listed under 'accounts'");
            snprintf(x->accounts[j], TC_NAME_MAX, "%s", v->value);
            x->accounts_at[j] = (tc_where){v->file, v->line, v->col};
        }
    }
cleanup:
    return rc;
}

/* What event x does: its body, the mapping (or account name) under its kind. */
static int load_body(tc_err *err, tc_scenario *sc, const tc_ynode *e, const char *path,
                     tc_event_spec *x)
{
    int rc = TC_OK;
    static const char *const silence_keys[] = {"who", "community", "accounts", NULL};
    static const char *const damping_keys[] = {"factor", "who", "community", NULL};
    static const char *const takedown_keys[] = {"recall", "false_positive_rate", NULL};
    static const char *const debunk_keys[] = {"reach", "who", "community", NULL};
    static const char *const press_keys[] = {"probability", "who", "community", NULL};
    const char *kind = tc_event_kind_names[x->kind];
    const tc_ynode *body = tc_ytree_get(e, kind);
    char kp[80];
    snprintf(kp, sizeof kp, "%s.%s", path, kind);
    switch (x->kind) {
    case TC_EV_POST:
    case TC_EV_BOT_WAVE:
        TC_TRY(tc_schema_get_str(err, e, path, kind, 1, x->account, TC_NAME_MAX,
                                 &x->account_at));
        if (x->kind == TC_EV_POST && !hub_known(sc, x->account))
            return tc_schema_bad(err, body, kp, "the name of an account listed under 'accounts'");
        if (x->kind == TC_EV_BOT_WAVE) {
            int found = 0;
            for (int g = 0; g < sc->bots.ngroups; g++)
                found |= !strcmp(sc->bots.group[g].name, x->account);
            if (!found)
                return tc_schema_bad(err, body, kp,
                                     "the name of a group under population.bots.groups");
        }
        break;
    case TC_EV_SILENCE:
        x->who = TC_WHO_ALL;
        TC_TRY(tc_schema_want_map(err, body, kp));
        TC_TRY(tc_schema_only_keys(err, body, kp, silence_keys));
        TC_TRY(load_whom(err, sc, body, kp, x, 1));
        break;
    case TC_EV_DAMPING:
        x->who = TC_WHO_PEOPLE;
        TC_TRY(tc_schema_want_map(err, body, kp));
        TC_TRY(tc_schema_only_keys(err, body, kp, damping_keys));
        TC_TRY(tc_schema_get_real(err, body, kp, "factor", 1, 0.0, 1.0, &x->factor));
        TC_TRY(load_whom(err, sc, body, kp, x, 0));
        break;
    case TC_EV_TAKEDOWN:
        TC_TRY(tc_schema_want_map(err, body, kp));
        TC_TRY(tc_schema_only_keys(err, body, kp, takedown_keys));
        TC_TRY(tc_schema_get_real(err, body, kp, "recall", 1, 0.0, 1.0, &x->recall));
        TC_TRY(tc_schema_get_real(err, body, kp, "false_positive_rate", 0, 0.0, 1.0, &x->fpr));
        break;
    case TC_EV_DEBUNK:
        x->who = TC_WHO_PEOPLE;
        TC_TRY(tc_schema_want_map(err, body, kp));
        TC_TRY(tc_schema_only_keys(err, body, kp, debunk_keys));
        TC_TRY(tc_schema_get_real(err, body, kp, "reach", 1, 0.0, 1.0, &x->reach));
        TC_TRY(load_whom(err, sc, body, kp, x, 0));
        break;
    case TC_EV_PRESS:
        x->who = TC_WHO_PEOPLE;
        TC_TRY(tc_schema_want_map(err, body, kp));
        TC_TRY(tc_schema_only_keys(err, body, kp, press_keys));
        TC_TRY(tc_schema_get_real(err, body, kp, "probability", 1, 0.0, 1.0, &x->probability));
        TC_TRY(load_whom(err, sc, body, kp, x, 0));
        if (x->who == TC_WHO_BOTS)
            return tc_schema_bad(err, tc_ytree_get(body, "who"), kp,
                                 "who: all, people, humans or hubs (bots read no sessions)");
        if (!sc->humans.sessions)
            return tc_schema_bad(err, body, kp, "population.humans.sessions as well (the "
                                 "news is seen in a reading session)");
        break;
    }
cleanup:
    return rc;
}

/* One event: when (at, until), which kind, its body, its label. */
static int load_event(tc_err *err, tc_scenario *sc, const tc_ynode *e, const char *path,
                      tc_event_spec *x)
{
    int rc = TC_OK, nk = 0;
    static const char *const keys[] = {"at", "until", "label", "post", "silence", "damping",
                                       "takedown", "debunk", "bot_wave", "press", NULL};
    TC_TRY(tc_schema_want_map(err, e, path));
    TC_TRY(tc_schema_only_keys(err, e, path, keys));
    TC_TRY(tc_scenario_get_when(err, e, path, "at", 1, sc, &x->t));
    for (int k = 0; tc_event_kind_names[k]; k++)
        if (tc_ytree_get(e, tc_event_kind_names[k])) {
            nk++;
            x->kind = (tc_event_kind)k;
        }
    if (nk != 1)
        return tc_schema_bad(err, e, path,
                             "exactly one of post, silence, damping, takedown, debunk, bot_wave, "
                             "press");
    x->until = INFINITY;
    if (tc_ytree_get(e, "until")) {
        char up[64];
        snprintf(up, sizeof up, "%s.until", path);
        if (x->kind != TC_EV_SILENCE && x->kind != TC_EV_DAMPING && x->kind != TC_EV_PRESS)
            return tc_schema_bad(err, tc_ytree_get(e, "until"), up,
                                 "no 'until': only silence, damping and press last");
        TC_TRY(tc_scenario_get_when(err, e, path, "until", 1, sc, &x->until));
        if (x->until <= x->t)
            return tc_schema_bad(err, tc_ytree_get(e, "until"), up, "a time after 'at'");
    }
    TC_TRY(load_body(err, sc, e, path, x));
    const tc_ynode *lab = tc_ytree_get(e, "label");
    if (lab) {
        if (lab->kind != TC_Y_SCALAR) {
            char full[64];
            snprintf(full, sizeof full, "%s.label", path);
            return tc_schema_bad(err, lab, full, "a text");
        }
        free(x->label);
        x->label = tc_xstrdup(lab->value);
    }
cleanup:
    return rc;
}

int tc_scenario_load_events(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *ev = tc_ytree_get(root, "events");
    /* bot mentions name accounts listed after the population block */
    for (int g = 0; g < sc->bots.ngroups; g++)
        for (int j = 0; j < sc->bots.group[g].nmentions; j++)
            if (!hub_known(sc, sc->bots.group[g].mentions[j])) {
                char full[96];
                snprintf(full, sizeof full, "population.bots.groups.%d.mentions.accounts", g);
                return tc_schema_bad_at(err, sc->bots.group[g].mentions_at[j], full,
                                        "the name of an account listed under 'accounts'",
                                        sc->bots.group[g].mentions[j]);
            }
    if (!ev) return TC_OK;
    if (ev->kind != TC_Y_SEQ) return tc_schema_bad(err, ev, "events", "a list of events");
    sc->nevents = ev->n;
    sc->events = tc_xcalloc((size_t)ev->n + 1, sizeof *sc->events);
    for (int i = 0; i < ev->n; i++) sc->events[i].label = tc_xstrdup("");
    for (int i = 0; i < ev->n; i++) {
        char path[48];
        snprintf(path, sizeof path, "events.%d", i);
        TC_TRY(load_event(err, sc, ev->items[i], path, &sc->events[i]));
    }
    /* stable insertion sort by time: the file's order breaks ties */
    for (int i = 1; i < sc->nevents; i++) {
        tc_event_spec x = sc->events[i];
        int j = i - 1;
        while (j >= 0 && sc->events[j].t > x.t) {
            sc->events[j + 1] = sc->events[j];
            j--;
        }
        sc->events[j + 1] = x;
    }
cleanup:
    return rc;
}

void tc_scenario_dump_events(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "events:%s\n", sc->nevents ? "" : " []");
    for (int i = 0; i < sc->nevents; i++) {
        const tc_event_spec *x = &sc->events[i];
        char at[40];
        tc_datetime_format(sc->time.start_epoch + (int64_t)floor(x->t), sc->time.utc_offset_s,
                           at, sizeof at);
        fprintf(f, "  - {at: %.3fs, ", x->t);
        if (isfinite(x->until)) fprintf(f, "until: %.3fs, ", x->until);
        fprintf(f, "%s: ", tc_event_kind_names[x->kind]);
        switch (x->kind) {
        case TC_EV_POST:
        case TC_EV_BOT_WAVE: tc_scenario_dump_str(f, x->account); break;
        case TC_EV_TAKEDOWN:
            fprintf(f, "{recall: %.17g, false_positive_rate: %.17g}", x->recall, x->fpr);
            break;
        default:
            fprintf(f, "{");
            if (x->kind == TC_EV_DAMPING) fprintf(f, "factor: %.17g, ", x->factor);
            if (x->kind == TC_EV_DEBUNK) fprintf(f, "reach: %.17g, ", x->reach);
            if (x->kind == TC_EV_PRESS) fprintf(f, "probability: %.17g, ", x->probability);
            if (x->naccounts) {
                fprintf(f, "accounts: [");
                for (int j = 0; j < x->naccounts; j++) {
                    if (j) fprintf(f, ", ");
                    tc_scenario_dump_str(f, x->accounts[j]);
                }
                fprintf(f, "]");
            } else {
                fprintf(f, "who: %s", tc_who_names[x->who]);
                if (x->community[0]) {
                    fprintf(f, ", community: ");
                    tc_scenario_dump_str(f, x->community);
                }
            }
            fprintf(f, "}");
        }
        fprintf(f, ", label: ");
        tc_scenario_dump_str(f, x->label);
        fprintf(f, "}   # %s\n", at);
    }
}

