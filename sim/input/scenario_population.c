/* The population section of a scenario: humans (delays, reading sessions, time
 * zones, susceptibility) and bots (share, placement, infiltration, behaviour
 * groups), with its dump. */
#include "input/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/datetime.h"
#include "input/scenario_parts.h"

int tc_scenario_get_by_community(tc_err *err, const tc_ynode *map, const char *path,
                            const char *key, double lo, double hi, int offset,
                            tc_named_value **out, int *nout)
{
    char full[160];
    const tc_ynode *n;
    int rc = tc_schema_get_node(err, map, path, key, 0, "", &n, full, sizeof full);
    if (rc || !n) return rc;
    if (n->kind != TC_Y_MAP || n->n > TC_MAX_COMMUNITIES)
        return tc_schema_bad(err, n, full, "a mapping of community names to values");
    *out = tc_xcalloc((size_t)n->n + 1, sizeof **out);
    *nout = n->n;
    for (int i = 0; i < n->n; i++) {
        tc_named_value *x = &(*out)[i];
        const tc_ynode *v = n->items[i];
        char k2[240], expect[128];
        snprintf(k2, sizeof k2, "%s.%s", full, n->keys[i]);
        if (strlen(n->keys[i]) >= TC_NAME_MAX) return tc_schema_bad(err, v, k2, "a community name");
        snprintf(x->name, sizeof x->name, "%s", n->keys[i]);
        tc_schema_key_where(n, i, &x->at);
        if (offset) {
            snprintf(expect, sizeof expect, "a UTC offset such as +2h, -4h or +5h30m");
            const char *s = v->kind == TC_Y_SCALAR ? v->value : "";
            int sign = 1;
            int64_t ms;
            if (*s == '+' || *s == '-') sign = *s++ == '-' ? -1 : 1;
            if (v->kind != TC_Y_SCALAR || tc_duration_parse(s, &ms) || ms > 14 * 3600000)
                return tc_schema_bad(err, v, k2, expect);
            x->v = sign * ms / 1000.0;
        } else {
            TC_TRY(tc_schema_get_real(err, n, full, n->keys[i], 1, lo, hi, &x->v));
        }
    }
cleanup:
    return rc;
}

static int load_groups(tc_err *err, tc_scenario *sc, const tc_ynode *b)
{
    int rc = TC_OK;
    const tc_ynode *gl = tc_ytree_get(b, "groups");
    static const char *const gkeys[] = {"name", "share", "repeat", "posts_per_hour", "ring",
                                        "active_from", "mentions", NULL};
    static const char *const rkeys[] = {"count", "interval", NULL};
    static const char *const mkeys[] = {"accounts", "probability", NULL};
    if (!gl) {
        sc->bots.ngroups = 1;
        snprintf(sc->bots.group[0].name, TC_NAME_MAX, "amplifiers");
        sc->bots.group[0].share = 1.0;
        sc->bots.group[0].active_from_s = -1;
        return TC_OK;
    }
    sc->bots.groups_at = (tc_where){gl->file, gl->line, gl->col};
    if (gl->kind != TC_Y_SEQ || gl->n < 1 || gl->n > TC_MAX_GROUPS)
        return tc_schema_bad(err, gl, "population.bots.groups", "a list of 1 to 16 bot groups");
    sc->bots.ngroups = gl->n;
    double sum = 0;
    for (int i = 0; i < gl->n; i++) {
        char path[64];
        snprintf(path, sizeof path, "population.bots.groups.%d", i);
        const tc_ynode *e = gl->items[i];
        tc_bot_group *g = &sc->bots.group[i];
        TC_TRY(tc_schema_want_map(err, e, path));
        TC_TRY(tc_schema_only_keys(err, e, path, gkeys));
        TC_TRY(tc_schema_get_str(err, e, path, "name", 1, g->name, TC_NAME_MAX, NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->bots.group[j].name, g->name)) {
                char full[96];
                snprintf(full, sizeof full, "%s.name", path);
                return tc_schema_bad(err, tc_ytree_get(e, "name"), full,
                                     "a group name not used before");
            }
        g->share = 1.0 / gl->n;
        TC_TRY(tc_schema_get_real(err, e, path, "share", gl->n > 1, 0.0, 1.0, &g->share));
        sum += g->share;
        const tc_ynode *r = tc_ytree_get(e, "repeat");
        if (r) {
            char rp[96];
            int64_t ms = 600000;
            snprintf(rp, sizeof rp, "%s.repeat", path);
            TC_TRY(tc_schema_want_map(err, r, rp));
            TC_TRY(tc_schema_only_keys(err, r, rp, rkeys));
            TC_TRY(tc_schema_get_int(err, r, rp, "count", 1, 0, 1000000, &g->repeat_count));
            TC_TRY(tc_schema_get_duration(err, r, rp, "interval", 0, 1000, &ms));
            g->repeat_interval_s = ms / 1000.0;
        }
        TC_TRY(tc_schema_get_real(err, e, path, "posts_per_hour", 0, 0.0, 3600.0,
                                  &g->posts_per_hour));
        TC_TRY(tc_schema_get_int(err, e, path, "ring", 0, 0, 1000, &g->ring));
        if (g->ring == 1) {
            char full[96];
            snprintf(full, sizeof full, "%s.ring", path);
            return tc_schema_bad(err, tc_ytree_get(e, "ring"), full,
                                 "0 (no rings) or a ring size of 2 to 1000");
        }
        g->active_from_s = -1;
        TC_TRY(tc_scenario_get_when(err, e, path, "active_from", 0, sc, &g->active_from_s));
        const tc_ynode *m = tc_ytree_get(e, "mentions");
        if (m) {
            char mp[96];
            snprintf(mp, sizeof mp, "%s.mentions", path);
            TC_TRY(tc_schema_want_map(err, m, mp));
            TC_TRY(tc_schema_only_keys(err, m, mp, mkeys));
            const tc_ynode *a = tc_ytree_get(m, "accounts");
            char ap[120];
            snprintf(ap, sizeof ap, "%s.accounts", mp);
            if (!a) return tc_schema_missing(err, m, mp, "accounts", "a list of named accounts");
            if (a->kind != TC_Y_SEQ || a->n < 1 || a->n > TC_MAX_MENTIONS)
                return tc_schema_bad(err, a, ap, "a list of 1 to 8 named accounts");
            g->nmentions = a->n;
            for (int j = 0; j < a->n; j++) {
                const tc_ynode *x = a->items[j];
                if (x->kind != TC_Y_SCALAR || strlen(x->value) >= TC_NAME_MAX)
                    return tc_schema_bad(err, x, ap,
                                         "the name of an account listed under 'accounts'");
                snprintf(g->mentions[j], TC_NAME_MAX, "%s", x->value);
                g->mentions_at[j] = (tc_where){x->file, x->line, x->col};
            }
            TC_TRY(tc_schema_get_real(err, m, mp, "probability", 1, 0.0, 1.0, &g->mention_p));
        }
    }
    TC_TRY(tc_scenario_check_shares(err, gl, "population.bots.groups", sum));
cleanup:
    return rc;
}

/* A typical day of reading, by local hour: quiet from 2 to 6, busiest in the
 * evening. Relative weights; only their shape matters. */
static const double default_rhythm[24] = {0.55, 0.35, 0.22, 0.14, 0.10, 0.10, 0.17, 0.35,
                                          0.55, 0.70, 0.78, 0.82, 0.88, 0.88, 0.85, 0.85,
                                          0.88, 0.92, 0.95, 1.00, 1.00, 1.00, 0.92, 0.78};

int tc_scenario_load_population(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *p = tc_ytree_get(root, "population");
    static const char *const keys[] = {"humans", "bots", NULL};
    static const char *const hkeys[] = {"delay", "sessions", "utc_offset", "susceptibility",
                                        NULL};
    static const char *const skeys[] = {"per_day",    "rhythm", "attention", "background",
                                        "ranking",    "window", "engagement", NULL};
    static const char *const bkeys[] = {"fraction", "placement", "community", "delay",
                                        "infiltration", "groups", NULL};
    static const char *const ikeys[] = {"follows", "follow_back", NULL};
    static const char *const hdkeys[] = {"median", "sigma", NULL};
    static const char *const bdkeys[] = {"min", "max", NULL};

    sc->humans.delay_median_s = 70 * 60;
    sc->humans.delay_sigma = 2.5;
    sc->humans.per_day = 12;
    sc->humans.window_s = 86400;
    sc->humans.engagement = 10;
    memcpy(sc->humans.rhythm, default_rhythm, sizeof default_rhythm);
    sc->bots.fraction = 0;
    sc->bots.placement = TC_PLACE_RANDOM;
    sc->bots.delay_min_s = 2;
    sc->bots.delay_max_s = 10;
    const tc_ynode *h = p ? tc_ytree_get(p, "humans") : NULL;
    const tc_ynode *b = p ? tc_ytree_get(p, "bots") : NULL;
    if (p) {
        TC_TRY(tc_schema_want_map(err, p, "population"));
        TC_TRY(tc_schema_only_keys(err, p, "population", keys));
    }
    if (h) {
        TC_TRY(tc_schema_want_map(err, h, "population.humans"));
        TC_TRY(tc_schema_only_keys(err, h, "population.humans", hkeys));
        const tc_ynode *d = tc_ytree_get(h, "delay");
        if (d) {
            int64_t ms = 0;
            TC_TRY(tc_schema_want_map(err, d, "population.humans.delay"));
            TC_TRY(tc_schema_only_keys(err, d, "population.humans.delay", hdkeys));
            if (tc_ytree_get(d, "median")) {
                TC_TRY(tc_schema_get_duration(err, d, "population.humans.delay", "median", 1, 1,
                                              &ms));
                sc->humans.delay_median_s = ms / 1000.0;
            }
            TC_TRY(tc_schema_get_real(err, d, "population.humans.delay", "sigma", 0, 0.0, 10.0,
                                      &sc->humans.delay_sigma));
        }
        const tc_ynode *s = tc_ytree_get(h, "sessions");
        if (s) {
            const char *sp = "population.humans.sessions";
            TC_TRY(tc_schema_want_map(err, s, sp));
            TC_TRY(tc_schema_only_keys(err, s, sp, skeys));
            sc->humans.sessions = 1;
            TC_TRY(tc_schema_get_real(err, s, sp, "per_day", 0, 0.01, 10000.0,
                                      &sc->humans.per_day));
            TC_TRY(tc_schema_get_int(err, s, sp, "attention", 0, 0, 1000000,
                                     &sc->humans.attention));
            TC_TRY(tc_schema_get_real(err, s, sp, "background", 0, 0.0, 1000.0,
                                      &sc->humans.background));
            TC_TRY(tc_schema_get_choice(err, s, sp, "ranking", 0, tc_ranking_names,
                                        &sc->humans.ranking));
            int64_t wms = 86400000;
            TC_TRY(tc_schema_get_duration(err, s, sp, "window", 0, 1000, &wms));
            sc->humans.window_s = wms / 1000.0;
            TC_TRY(tc_schema_get_real(err, s, sp, "engagement", 0, 1e-6, 1e12,
                                      &sc->humans.engagement));
            static const char *const feed[] = {"background", "ranking", "window", "engagement"};
            for (int i = 0; i < 4; i++)
                if (tc_ytree_get(s, feed[i]) && !sc->humans.attention) {
                    char full[96];
                    snprintf(full, sizeof full, "%s.%s", sp, feed[i]);
                    return tc_schema_bad(err, tc_ytree_get(s, feed[i]), full,
                                         "attention as well (a feed that competes needs a "
                                         "session that reads only so many items)");
                }
            const tc_ynode *r = tc_ytree_get(s, "rhythm");
            if (r) {
                const char *rp = "population.humans.sessions.rhythm";
                if (r->kind != TC_Y_SEQ || r->n != 24)
                    return tc_schema_bad(err, r, rp,
                                         "a list of 24 weights, one per local hour from 0h");
                double sum = 0;
                for (int i = 0; i < 24; i++) {
                    const tc_ynode *x = r->items[i];
                    char *end;
                    double v = x->kind == TC_Y_SCALAR ? strtod(x->value, &end) : NAN;
                    if (x->kind != TC_Y_SCALAR || !x->plain || end == x->value || *end ||
                        !isfinite(v) || v < 0 || v > 1e6)
                        return tc_schema_bad(err, x, rp, "a weight in [0, 1e6]");
                    sc->humans.rhythm[i] = v;
                    sum += v;
                }
                if (sum <= 0) return tc_schema_bad(err, r, rp, "weights not all zero");
            }
        }
        TC_TRY(tc_scenario_get_by_community(err, h, "population.humans", "utc_offset", 0, 0, 1,
                                &sc->humans.tz, &sc->humans.ntz));
        TC_TRY(tc_scenario_get_by_community(err, h, "population.humans", "susceptibility", 0.0, 1000.0, 0,
                                &sc->humans.susc, &sc->humans.nsusc));
    }
    if (b) {
        int k = 0;
        TC_TRY(tc_schema_want_map(err, b, "population.bots"));
        TC_TRY(tc_schema_only_keys(err, b, "population.bots", bkeys));
        TC_TRY(tc_schema_get_real(err, b, "population.bots", "fraction", 0, 0.0, 0.99,
                                  &sc->bots.fraction));
        sc->bots.fraction_at = tc_schema_where_of(b, "fraction");
        TC_TRY(tc_schema_get_choice(err, b, "population.bots", "placement", 0, tc_placement_names,
                                    &k));
        sc->bots.placement = (tc_placement)k;
        TC_TRY(tc_schema_get_str(err, b, "population.bots", "community", k == TC_PLACE_COMMUNITY,
                                 sc->bots.community, TC_NAME_MAX, &sc->bots.community_at));
        const tc_ynode *d = tc_ytree_get(b, "delay");
        if (d) {
            int64_t lo = 2000, hi = 10000;
            TC_TRY(tc_schema_want_map(err, d, "population.bots.delay"));
            TC_TRY(tc_schema_only_keys(err, d, "population.bots.delay", bdkeys));
            TC_TRY(tc_schema_get_duration(err, d, "population.bots.delay", "min", 0, 0, &lo));
            TC_TRY(tc_schema_get_duration(err, d, "population.bots.delay", "max", 0, 0, &hi));
            if (hi < lo)
                return tc_schema_bad(err, tc_ytree_get(d, "max") ? tc_ytree_get(d, "max") : d,
                                     "population.bots.delay.max", "a duration not below min");
            sc->bots.delay_min_s = lo / 1000.0;
            sc->bots.delay_max_s = hi / 1000.0;
        }
        const tc_ynode *in = tc_ytree_get(b, "infiltration");
        if (in) {
            const char *ip = "population.bots.infiltration";
            TC_TRY(tc_schema_want_map(err, in, ip));
            TC_TRY(tc_schema_only_keys(err, in, ip, ikeys));
            TC_TRY(tc_schema_get_int(err, in, ip, "follows", 1, 0, 100000, &sc->bots.follows));
            TC_TRY(tc_schema_get_real(err, in, ip, "follow_back", 1, 0.0, 1.0,
                                      &sc->bots.follow_back));
        }
    }
    TC_TRY(load_groups(err, sc, b ? b : root));
cleanup:
    return rc;
}

void tc_scenario_dump_population(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "population:\n  humans:\n    delay: {median: %.17gs, sigma: %.17g}\n",
            sc->humans.delay_median_s, sc->humans.delay_sigma);
    if (sc->humans.sessions) {
        fprintf(f, "    sessions:\n      per_day: %.17g\n      attention: %lld\n      rhythm: [",
                sc->humans.per_day, (long long)sc->humans.attention);
        for (int i = 0; i < 24; i++) fprintf(f, "%s%.17g", i ? ", " : "", sc->humans.rhythm[i]);
        fprintf(f, "]\n");
        if (sc->humans.background > 0 || sc->humans.ranking != TC_RANK_CHRONOLOGICAL)
            fprintf(f, "      background: %.17g\n      ranking: %s\n      window: %.17gs\n"
                       "      engagement: %.17g\n",
                    sc->humans.background, tc_ranking_names[sc->humans.ranking],
                    sc->humans.window_s, sc->humans.engagement);
    }
    if (sc->humans.ntz) {
        fprintf(f, "    utc_offset:\n");
        for (int i = 0; i < sc->humans.ntz; i++) {
            double v = sc->humans.tz[i].v;
            fprintf(f, "      ");
            tc_scenario_dump_str(f, sc->humans.tz[i].name);
            fprintf(f, ": %s%.17gs\n", v < 0 ? "-" : "+", fabs(v));
        }
    }
    if (sc->humans.nsusc) {
        fprintf(f, "    susceptibility:\n");
        for (int i = 0; i < sc->humans.nsusc; i++) {
            fprintf(f, "      ");
            tc_scenario_dump_str(f, sc->humans.susc[i].name);
            fprintf(f, ": %.17g\n", sc->humans.susc[i].v);
        }
    }
    fprintf(f, "  bots:\n    fraction: %.17g\n    placement: %s\n", sc->bots.fraction,
            tc_placement_names[sc->bots.placement]);
    if (sc->bots.placement == TC_PLACE_COMMUNITY) {
        fprintf(f, "    community: ");
        tc_scenario_dump_str(f, sc->bots.community);
        fputc('\n', f);
    }
    fprintf(f, "    delay: {min: %.17gs, max: %.17gs}\n", sc->bots.delay_min_s,
            sc->bots.delay_max_s);
    if (sc->bots.follows)
        fprintf(f, "    infiltration: {follows: %lld, follow_back: %.17g}\n",
                (long long)sc->bots.follows, sc->bots.follow_back);
    fprintf(f, "    groups:\n");
    for (int g = 0; g < sc->bots.ngroups; g++) {
        const tc_bot_group *x = &sc->bots.group[g];
        fprintf(f, "      - name: ");
        tc_scenario_dump_str(f, x->name);
        fprintf(f, "\n        share: %.17g\n", x->share);
        if (x->repeat_count)
            fprintf(f, "        repeat: {count: %lld, interval: %.17gs}\n",
                    (long long)x->repeat_count, x->repeat_interval_s);
        if (x->posts_per_hour > 0) fprintf(f, "        posts_per_hour: %.17g\n", x->posts_per_hour);
        if (x->ring) fprintf(f, "        ring: %lld\n", (long long)x->ring);
        if (x->active_from_s >= 0) fprintf(f, "        active_from: %.3fs\n", x->active_from_s);
        if (x->nmentions) {
            fprintf(f, "        mentions: {accounts: [");
            for (int j = 0; j < x->nmentions; j++) {
                if (j) fprintf(f, ", ");
                tc_scenario_dump_str(f, x->mentions[j]);
            }
            fprintf(f, "], probability: %.17g}\n", x->mention_p);
        }
    }
}

