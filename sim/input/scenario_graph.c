/* The graph and accounts sections of a scenario: which graph to build or read,
 * and the named accounts placed in it; each loader beside the dump that writes
 * its section back. */
#include "input/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/path.h"
#include "input/scenario_parts.h"

static int load_communities(tc_err *err, tc_scenario *sc, const tc_ynode *g)
{
    const tc_ynode *c = tc_ytree_get(g, "communities");
    static const char *const keys[] = {"name", "share", NULL};
    int rc = TC_OK;
    if (!c) {
        sc->graph.ncomm = 1;
        sc->graph.comm = tc_xcalloc(1, sizeof *sc->graph.comm);
        strcpy(sc->graph.comm[0].name, "all");
        sc->graph.comm[0].share = 1.0;
        return TC_OK;
    }
    if (c->kind != TC_Y_SEQ || c->n == 0 || c->n > TC_MAX_COMMUNITIES)
        return tc_schema_bad(err, c, "graph.communities",
                             "a list of 1 to 1024 mappings with name and share");
    sc->graph.ncomm = c->n;
    sc->graph.comm = tc_xcalloc((size_t)c->n, sizeof *sc->graph.comm);
    double sum = 0;
    for (int i = 0; i < c->n; i++) {
        char path[64];
        snprintf(path, sizeof path, "graph.communities.%d", i);
        const tc_ynode *e = c->items[i];
        TC_TRY(tc_schema_want_map(err, e, path));
        TC_TRY(tc_schema_only_keys(err, e, path, keys));
        TC_TRY(tc_schema_get_str(err, e, path, "name", 1, sc->graph.comm[i].name, TC_NAME_MAX,
                                 NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->graph.comm[j].name, sc->graph.comm[i].name))
            {
                char full[80];
                snprintf(full, sizeof full, "%s.name", path);
                return tc_schema_bad(err, tc_ytree_get(e, "name"), full,
                                     "a community name not used before");
            }
        sc->graph.comm[i].share = 1.0 / c->n;
        TC_TRY(tc_schema_get_real(err, e, path, "share", c->n > 1, 1e-9, 1.0,
                                  &sc->graph.comm[i].share));
        sum += sc->graph.comm[i].share;
    }
    TC_TRY(tc_scenario_check_shares(err, c, "graph.communities", sum));
cleanup:
    return rc;
}

static char *resolve_path(const char *scenario_path, const char *file)
{
    if (file[0] == '/') return tc_xstrdup(file);
    const char *slash = strrchr(scenario_path, '/');
    if (!slash) return tc_xstrdup(file);
    size_t dl = (size_t)(slash - scenario_path) + 1, fl = strlen(file);
    char *out = tc_xmalloc(dl + fl + 1);
    memcpy(out, scenario_path, dl);
    memcpy(out + dl, file, fl + 1);
    return out;
}

/* graph.generator and its own options; another generator's options, and file
 * options, are refused. */
static int load_generator(tc_err *err, tc_scenario *sc, const tc_ynode *g)
{
    int rc = TC_OK, k;
    static const char *const file_keys[] = {"format", "direction", "community_attribute"};
    static const char *const own[][4] = {
        [TC_GEN_BA] = {"m", "power", "mixing", NULL},
        [TC_GEN_ER] = {"edges", "mixing", NULL},
        [TC_GEN_SBM] = {"p_in", "p_out", NULL},
        [TC_GEN_FF] = {"fw_prob", "bw_factor", "ambs", "mixing"},
        [TC_GEN_CHUNGLU] = {"mean_degree", "gamma_in", "gamma_out", "mixing"},
    };
    static const char *const gen_only[] = {"m", "power", "edges", "p_in", "p_out",
                                           "fw_prob", "bw_factor", "ambs", "mixing",
                                           "mean_degree", "gamma_in", "gamma_out"};
    enum { NGEN_ONLY = sizeof gen_only / sizeof *gen_only };
    TC_TRY(tc_schema_get_choice(err, g, "graph", "generator", 1, tc_generator_names + 1, &k));
    sc->graph.generator = (tc_generator)(k + 1);
    TC_TRY(tc_schema_get_int(err, g, "graph", "n", 1, 2, INT32_MAX - 1000000, &sc->graph.n));
    for (int i = 0; i < 3; i++)
        if (tc_ytree_get(g, file_keys[i])) {
            char full[64];
            snprintf(full, sizeof full, "graph.%s", file_keys[i]);
            return tc_schema_bad(err, tc_ytree_get(g, file_keys[i]), full,
                                 "no file option next to 'generator'");
        }
    for (int i = 0; i < NGEN_ONLY; i++) {
        const tc_ynode *x = tc_ytree_get(g, gen_only[i]);
        if (!x) continue;
        int ok = 0;
        for (int j = 0; j < 4 && own[sc->graph.generator][j]; j++)
            ok |= !strcmp(own[sc->graph.generator][j], gen_only[i]);
        if (!ok) {
            char full[64], expect[128];
            snprintf(full, sizeof full, "graph.%s", gen_only[i]);
            snprintf(expect, sizeof expect, "no '%s' with generator %s (%s)", gen_only[i],
                     tc_generator_names[sc->graph.generator],
                     !strcmp(gen_only[i], "mixing") ? "its blocks mix through p_out"
                                                    : "it belongs to another generator");
            return tc_schema_bad(err, x, full, expect);
        }
    }
    switch (sc->graph.generator) {
    case TC_GEN_BA:
        TC_TRY(tc_schema_get_int(err, g, "graph", "m", 0, 1, 100000, &sc->graph.m));
        TC_TRY(tc_schema_get_real(err, g, "graph", "power", 0, 0.0, 10.0, &sc->graph.power));
        break;
    case TC_GEN_ER:
        TC_TRY(tc_schema_get_int(err, g, "graph", "edges", 1, 0, INT64_C(1) << 40,
                                 &sc->graph.edges));
        break;
    case TC_GEN_SBM:
        TC_TRY(tc_schema_get_real(err, g, "graph", "p_in", 0, 0.0, 1.0, &sc->graph.p_in));
        TC_TRY(tc_schema_get_real(err, g, "graph", "p_out", 0, 0.0, 1.0, &sc->graph.p_out));
        break;
    case TC_GEN_FF:
        TC_TRY(tc_schema_get_real(err, g, "graph", "fw_prob", 0, 0.0, 0.99,
                                  &sc->graph.fw_prob));
        TC_TRY(tc_schema_get_real(err, g, "graph", "bw_factor", 0, 0.0, 10.0,
                                  &sc->graph.bw_factor));
        TC_TRY(tc_schema_get_int(err, g, "graph", "ambs", 0, 1, 1000, &sc->graph.ambs));
        break;
    case TC_GEN_CHUNGLU:
        TC_TRY(tc_schema_get_real(err, g, "graph", "mean_degree", 0, 0.01, 100000.0,
                                  &sc->graph.mean_degree));
        TC_TRY(tc_schema_get_real(err, g, "graph", "gamma_in", 0, 2.01, 10.0,
                                  &sc->graph.gamma_in));
        TC_TRY(tc_schema_get_real(err, g, "graph", "gamma_out", 0, 2.01, 10.0,
                                  &sc->graph.gamma_out));
        break;
    default: break;
    }
cleanup:
    return rc;
}

/* graph.file, its format and orientation; generator options are refused. */
static int load_file(tc_err *err, tc_scenario *sc, const tc_ynode *g, const tc_ynode *file)
{
    int rc = TC_OK, k = 0;
    char buf[4096];
    static const char *const gen_keys[] = {"n", "m", "power", "edges", "p_in", "p_out",
                                           "fw_prob", "bw_factor", "ambs", "mixing",
                                           "mean_degree", "gamma_in", "gamma_out"};
    TC_TRY(tc_schema_get_str(err, g, "graph", "file", 1, buf, sizeof buf, NULL));
    sc->graph.file = resolve_path(sc->path, buf);
    /* a regular file: a FIFO or a device would block or never end */
    tc_err perr;
    FILE *f = tc_path_open_input(sc->graph.file, "graph file", &perr);
    if (!f) {
        tc_err_set(err, TC_EINPUT, "%s:%d:%d: graph.file: %s", file->file, file->line,
                   file->col, perr.msg);
        return TC_EINPUT;
    }
    fclose(f);
    TC_TRY(tc_schema_get_choice(err, g, "graph", "format", 1, tc_format_names, &k));
    sc->graph.format = (tc_format)k;
    k = 0;
    if (sc->graph.format == TC_FMT_STORE) {
        /* a store holds audiences already; without a list of communities its own
         * (if any) are used */
        if (tc_ytree_get(g, "direction"))
            return tc_schema_bad(err, tc_ytree_get(g, "direction"), "graph.direction",
                                 "no direction next to format: store (a store is already "
                                 "oriented)");
        k = TC_DIR_FLOWS;
        if (!tc_ytree_get(g, "communities")) sc->graph.ncomm = 0;
    } else {
        TC_TRY(tc_schema_get_choice(err, g, "graph", "direction", 1, tc_direction_names, &k));
    }
    sc->graph.direction = (tc_direction)k;
    TC_TRY(tc_schema_get_str(err, g, "graph", "community_attribute", 0,
                             sc->graph.community_attribute, TC_NAME_MAX, NULL));
    const tc_ynode *ca = tc_ytree_get(g, "community_attribute");
    if (ca && sc->graph.format != TC_FMT_GRAPHML && sc->graph.format != TC_FMT_GML)
        return tc_schema_bad(err, ca, "graph.community_attribute",
                             "no community_attribute: only graphml and gml files carry one");
    if (ca && tc_ytree_get(g, "communities"))
        return tc_schema_bad(err, tc_ytree_get(g, "communities"), "graph.communities",
                             "no list next to community_attribute (names come from the file)");
    for (size_t i = 0; i < sizeof gen_keys / sizeof *gen_keys; i++)
        if (tc_ytree_get(g, gen_keys[i])) {
            char full[64];
            snprintf(full, sizeof full, "graph.%s", gen_keys[i]);
            return tc_schema_bad(err, tc_ytree_get(g, gen_keys[i]), full,
                                 "no generator option next to 'file'");
        }
cleanup:
    return rc;
}

int tc_scenario_load_graph(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *g = tc_ytree_get(root, "graph");
    static const char *const keys[] = {
        "generator", "n", "m", "power", "edges", "p_in", "p_out", "fw_prob", "bw_factor",
        "ambs", "mean_degree", "gamma_in", "gamma_out", "file", "format", "direction", "community_attribute", "communities",
        "mixing", "reciprocity", NULL};
    if (!g)
        return tc_schema_missing(err, root, "", "graph", "a mapping with a generator or a file");
    TC_TRY(tc_schema_want_map(err, g, "graph"));
    TC_TRY(tc_schema_only_keys(err, g, "graph", keys));
    sc->graph.at = tc_schema_where_of(g, "n");

    const tc_ynode *gen = tc_ytree_get(g, "generator"), *file = tc_ytree_get(g, "file");
    if (!gen == !file)
        return tc_schema_bad(err, g, "graph", "exactly one of 'generator' or 'file'");
    sc->graph.m = 5;
    sc->graph.power = 1.0;
    sc->graph.p_in = 0.001;
    sc->graph.p_out = 0.0001;
    sc->graph.fw_prob = 0.37;
    sc->graph.bw_factor = 0.32 / 0.37;
    sc->graph.ambs = 1;
    sc->graph.mean_degree = 10.0;
    sc->graph.gamma_in = 2.2;
    sc->graph.gamma_out = 2.5;
    TC_TRY(load_communities(err, sc, g));
    TC_TRY(tc_schema_get_real(err, g, "graph", "mixing", 0, 0.0, 1.0, &sc->graph.mixing));
    TC_TRY(tc_schema_get_real(err, g, "graph", "reciprocity", 0, 0.0, 1.0,
                              &sc->graph.reciprocity));
    TC_TRY(gen ? load_generator(err, sc, g) : load_file(err, sc, g, file));
cleanup:
    return rc;
}

void tc_scenario_dump_graph(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "graph:\n");
    if (sc->graph.generator != TC_GEN_NONE) {
        fprintf(f, "  generator: %s\n  n: %lld\n", tc_generator_names[sc->graph.generator],
                (long long)sc->graph.n);
        switch (sc->graph.generator) {
        case TC_GEN_BA:
            fprintf(f, "  m: %lld\n  power: %.17g\n", (long long)sc->graph.m, sc->graph.power);
            break;
        case TC_GEN_ER: fprintf(f, "  edges: %lld\n", (long long)sc->graph.edges); break;
        case TC_GEN_SBM:
            fprintf(f, "  p_in: %.17g\n  p_out: %.17g\n", sc->graph.p_in, sc->graph.p_out);
            break;
        case TC_GEN_FF:
            fprintf(f, "  fw_prob: %.17g\n  bw_factor: %.17g\n  ambs: %lld\n",
                    sc->graph.fw_prob, sc->graph.bw_factor, (long long)sc->graph.ambs);
            break;
        case TC_GEN_CHUNGLU:
            fprintf(f, "  mean_degree: %.17g\n  gamma_in: %.17g\n  gamma_out: %.17g\n",
                    sc->graph.mean_degree, sc->graph.gamma_in, sc->graph.gamma_out);
            break;
        default: break;
        }
        /* an SBM's blocks mix through p_out: the loader refuses a mixing beside it */
        if (sc->graph.generator != TC_GEN_SBM)
            fprintf(f, "  mixing: %.17g\n", sc->graph.mixing);
    } else {
        fprintf(f, "  file: ");
        tc_scenario_dump_str(f, sc->graph.file);
        fprintf(f, "\n  format: %s\n", tc_format_names[sc->graph.format]);
        if (sc->graph.format != TC_FMT_STORE)
            fprintf(f, "  direction: %s\n", tc_direction_names[sc->graph.direction]);
        if (sc->graph.community_attribute[0])
            fprintf(f, "  community_attribute: %s\n", sc->graph.community_attribute);
    }
    fprintf(f, "  reciprocity: %.17g\n", sc->graph.reciprocity);
    if (!sc->graph.community_attribute[0] && sc->graph.ncomm == 0) {
        fprintf(f, "  # communities: those of the store\n");
    } else if (!sc->graph.community_attribute[0]) {
        fprintf(f, "  communities:\n");
        for (int i = 0; i < sc->graph.ncomm; i++) {
            fprintf(f, "    - {name: ");
            tc_scenario_dump_str(f, sc->graph.comm[i].name);
            fprintf(f, ", share: %.17g}\n", sc->graph.comm[i].share);
        }
    }
}

int tc_scenario_load_accounts(tc_err *err, tc_scenario *sc, const tc_ynode *root)
{
    int rc = TC_OK;
    const tc_ynode *a = tc_ytree_get(root, "accounts");
    static const char *const keys[] = {"name", "id", "community", "followers", "in_community",
                                       "following", NULL};
    static const char *const not_with_id[] = {"community", "followers", "in_community",
                                              "following", NULL};
    if (!a) return TC_OK;
    if (a->kind != TC_Y_SEQ || a->n > 10000)
        return tc_schema_bad(err, a, "accounts", "a list of at most 10000 named accounts");
    sc->nhubs = a->n;
    sc->hubs = tc_xcalloc((size_t)a->n + 1, sizeof *sc->hubs);
    for (int i = 0; i < a->n; i++) {
        char path[48], full[64];
        snprintf(path, sizeof path, "accounts.%d", i);
        const tc_ynode *e = a->items[i];
        tc_hub_spec *h = &sc->hubs[i];
        TC_TRY(tc_schema_want_map(err, e, path));
        TC_TRY(tc_schema_only_keys(err, e, path, keys));
        TC_TRY(tc_schema_get_str(err, e, path, "name", 1, h->name, TC_NAME_MAX, NULL));
        for (int j = 0; j < i; j++)
            if (!strcmp(sc->hubs[j].name, h->name)) {
                snprintf(full, sizeof full, "%s.name", path);
                return tc_schema_bad(err, tc_ytree_get(e, "name"), full,
                                     "an account name not used before");
            }
        h->id = -1;
        if (tc_ytree_get(e, "id")) {
            /* an account of the graph: it keeps its follows and its class */
            TC_TRY(tc_schema_get_int(err, e, path, "id", 1, 0, INT32_MAX - 1, &h->id));
            h->id_at = tc_schema_where_of(e, "id");
            for (int k = 0; not_with_id[k]; k++)
                if (tc_ytree_get(e, not_with_id[k])) {
                    char expect[160];
                    snprintf(full, sizeof full, "%s.%s", path, not_with_id[k]);
                    snprintf(expect, sizeof expect, "no '%s' beside 'id' (an account of the "
                             "graph keeps its own community and follows)", not_with_id[k]);
                    return tc_schema_bad(err, tc_ytree_get(e, not_with_id[k]), full, expect);
                }
            for (int j = 0; j < i; j++)
                if (sc->hubs[j].id == h->id) {
                    snprintf(full, sizeof full, "%s.id", path);
                    return tc_schema_bad(err, tc_ytree_get(e, "id"), full,
                                         "an account id not named before");
                }
            continue;
        }
        sc->nnew++;
        TC_TRY(tc_schema_get_str(err, e, path, "community", 1, h->community, TC_NAME_MAX,
                                 &h->community_at));
        TC_TRY(tc_schema_get_int(err, e, path, "followers", 1, 0, INT32_MAX - 1, &h->followers));
        h->followers_at = tc_schema_where_of(e, "followers");
        TC_TRY(tc_schema_get_int(err, e, path, "following", 0, 0, INT32_MAX - 1, &h->following));
        h->in_community = 1.0;
        TC_TRY(tc_schema_get_real(err, e, path, "in_community", 0, 0.0, 1.0, &h->in_community));
    }
cleanup:
    return rc;
}

void tc_scenario_dump_accounts(const tc_scenario *sc, FILE *f)
{
    fprintf(f, "accounts:%s\n", sc->nhubs ? "" : " []");
    for (int i = 0; i < sc->nhubs; i++) {
        fprintf(f, "  - {name: ");
        tc_scenario_dump_str(f, sc->hubs[i].name);
        if (sc->hubs[i].id >= 0) {
            fprintf(f, ", id: %lld}\n", (long long)sc->hubs[i].id);
            continue;
        }
        fprintf(f, ", community: ");
        tc_scenario_dump_str(f, sc->hubs[i].community);
        fprintf(f, ", followers: %lld, in_community: %.17g, following: %lld}\n",
                (long long)sc->hubs[i].followers, sc->hubs[i].in_community,
                (long long)sc->hubs[i].following);
    }
}
