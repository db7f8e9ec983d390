/* Engines kept from run to run (tc_engine_reuse through tc_run_simulate_reuse):
 * a run played in an engine that has played other runs before it writes the
 * same series, summary, cascade log, per-account outcome and work counts, byte
 * for byte, as the same run on a fresh engine. The runs before it are of other
 * rules and engines (the event engine with and without reading sessions, the
 * fast path, trending, rings, takedowns and fading appeal; the step engine with
 * rules of one and of several pushing states; the lanes path), of another
 * number of accounts (the engine is then made anew), and some of them are
 * stopped halfway. On 1 and 2 threads inside the run. */
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "drive/run.h"
#include "tc_test.h"
#include "world/world.h"

/* Three communities and 3,003 accounts in every scenario but the small one, so
 * that one engine serves them all. */
#define COMM                                                           \
    "communities: [{name: us, share: 0.35}, {name: fr, share: 0.25}, " \
    "{name: fm, share: 0.4}], mixing: 0.1"
#define START "time: {start: \"2017-05-05T20:00:00+02:00\", "

/* The fast path: no reading sessions; bots in rings, repeating, posting and
 * mentioning; silence, damping, a debunk and a takedown. */
#define FAST(N, SEED)                                                                    \
    "name: fast\nseed: " SEED "\n" START "duration: 6h, output_interval: 10m}\n"         \
    "graph: {generator: ba, n: " N ", m: 3, reciprocity: 0.3, " COMM "}\n"               \
    "population:\n"                                                                      \
    "  humans: {delay: {median: 3m, sigma: 1}, susceptibility: {us: 1.2, fr: 0.8, fm: "  \
    "0.5}}\n"                                                                            \
    "  bots:\n"                                                                          \
    "    fraction: 0.1\n"                                                                \
    "    delay: {min: 5s, max: 2m}\n"                                                    \
    "    groups:\n"                                                                      \
    "      - {name: plain, share: 0.5, mentions: {accounts: [hub], probability: 0.1}}\n" \
    "      - {name: repeaters, share: 0.2, repeat: {count: 4, interval: 20m}, "          \
    "active_from: 30m}\n"                                                                \
    "      - {name: hyper, share: 0.01, posts_per_hour: 30, active_from: 1h}\n"          \
    "      - {name: rings, share: 0.29, ring: 5}\n"                                      \
    "accounts:\n"                                                                        \
    "  - {name: hub, community: us, followers: 600}\n"                                   \
    "  - {name: other, community: fr, followers: 200}\n"                                 \
    "model: {name: ic, p: 0.08, p_bot: 0.3, p_hub: 0.2}\n"                               \
    "events:\n"                                                                          \
    "  - {at: 5m, post: hub}\n"                                                          \
    "  - {at: 40m, post: other}\n"                                                       \
    "  - {at: 1h, silence: {accounts: [other]}, until: 3h}\n"                            \
    "  - {at: 1h30m, damping: {factor: 0.5, who: people, community: fr}}\n"              \
    "  - {at: 2h, debunk: {reach: 0.3, community: us}}\n"                                \
    "  - {at: 2h30m, takedown: {recall: 0.5, false_positive_rate: 0.01}}\n"              \
    "  - {at: 3h, post: hub}\n"                                                          \
    "output: {cascade: true}\n"

static const char *const fast_text = FAST("3001", "11");
static const char *const fast2_text = FAST("3001", "21"); /* other rings, other bots */
static const char *const small_text = FAST("2000", "11");

/* A rule that counts distinct accounts seen, read in sessions with background
 * items and fatigue, on a platform where the tag trends. */
static const char *const count_text =
    "name: count\nseed: 12\n" START "duration: 12h, output_interval: 10m}\n"
    "graph: {generator: ba, n: 3002, m: 4, reciprocity: 0.3, " COMM "}\n"
    "population:\n"
    "  humans:\n"
    "    delay: {median: 5m, sigma: 1.2}\n"
    "    sessions: {per_day: 24, attention: 30, background: 0.5}\n"
    "  bots: {fraction: 0.05, delay: {min: 5s, max: 1m}}\n"
    "platform:\n"
    "  trending: {window: 1h, threshold: 40, probability: 0.05}\n"
    "appeal: {kernel: power_law, tau: 1h, exponent: 0.8, age: root, fatigue: 0.3}\n"
    "accounts:\n"
    "  - {name: hub, community: us, followers: 1500}\n"
    "model: {name: complex, k: 2}\n"
    "events:\n"
    "  - {at: 5m, post: hub}\n"
    "  - {at: 20m, post: hub}\n"
    "output: {cascade: true}\n";

/* Step rules: SIR pushes from one state, SEIZ from two. */
#define STEP(RULE, SEED)                                                                      \
    "name: " RULE "\nseed: " SEED "\n" START "duration: 6h, dt: 60s, output_interval: 10m}\n" \
    "graph: {generator: ba, n: 3002, m: 3, reciprocity: 0.3, " COMM "}\n"                     \
    "population: {bots: {fraction: 0.05}}\n"                                                  \
    "accounts:\n"                                                                             \
    "  - {name: hub, community: us, followers: 1500}\n"                                       \
    "model: {name: " RULE "}\n"                                                               \
    "events:\n"                                                                               \
    "  - {at: 5m, post: hub}\n"                                                               \
    "output: {cascade: true}\n"

/* Fixed delays and posts only: the lanes path. */
static const char *const lanes_text =
    "name: lanes\nseed: 15\n" START "duration: 2h, output_interval: 5m}\n"
    "graph: {generator: ba, n: 3002, m: 3, reciprocity: 0.3, " COMM "}\n"
    "population:\n"
    "  humans: {delay: {median: 2m, sigma: 0}}\n"
    "  bots: {fraction: 0.1, delay: {min: 2m, max: 2m}}\n"
    "accounts:\n"
    "  - {name: a, community: us, followers: 300}\n"
    "model: {name: ic, p: 0.12, p_bot: 0.4, p_hub: 0.3}\n"
    "events:\n"
    "  - {at: 5m, post: a}\n"
    "  - {at: 40m, post: a}\n"
    "output: {cascade: true}\n";

/* The replay, small: own posts, fading appeal, press coverage, bot waves, and
 * background items in the feeds (per followee: another net's counts would
 * show). */
static const char *const replay_sets[] = {
    "graph.n=3000", "accounts.0.followers=150", "accounts.1.followers=1200",
    "accounts.2.followers=100", "platform.trending.threshold=100",
    "population.humans.sessions.background=0.2"};

enum { REPLAY, FAST, FAST2, COUNT, SIR, SEIZ, LANES, SMALL, NSCEN, NKEYS = 2, MAXT = 2 };

static const char *const scen_name[NSCEN] = {"replay", "fast", "fast2", "count",
                                             "sir",    "seiz", "lanes", "small"};

static tc_scenario sc[NSCEN];
static tc_world w[NSCEN];
static char *fresh[NSCEN][NKEYS][MAXT + 1];

static uint64_t hash(uint64_t h, const void *p, size_t n) { return tc_fnv1a(h, p, n); }

/* Everything a run leaves, as text: a line per part, the arrays by their hash. */
static char *render(const tc_engine *e, const tc_recorder *rec, const tc_summary *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    size_t T = (size_t)rec->T;
    fprintf(f, "by_class %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, rec->by_class,
                                     TC_NCOUNTERS * T * 2 * sizeof *rec->by_class));
    fprintf(f, "by_comm %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, rec->by_comm,
                                     TC_NCOUNTERS * T * (size_t)rec->ncomm * sizeof *rec->by_comm));
    if (rec->trending)
        fprintf(f, "trending %016llx\n",
                (unsigned long long)hash(TC_FNV_OFFSET, rec->trending, T));
    if (rec->active_bots)
        fprintf(f, "active_bots %016llx\n",
                (unsigned long long)hash(TC_FNV_OFFSET, rec->active_bots,
                                         T * sizeof *rec->active_bots));
    if (rec->compartments)
        fprintf(f, "compartments %d %016llx\n", rec->nstates,
                (unsigned long long)hash(TC_FNV_OFFSET, rec->compartments,
                                         T * (size_t)rec->nstates * sizeof *rec->compartments));
    const tc_outcome *o = tc_engine_outcome(e);
    size_t n = (size_t)tc_outcome_accounts(o);
    fprintf(f, "accounts %zu\n", n);
    fprintf(f, "adopt_t %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, tc_outcome_adopt_t(o), n * sizeof(double)));
    fprintf(f, "parent %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, tc_outcome_parent(o), n * sizeof(int32_t)));
    fprintf(f, "root %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, tc_outcome_root(o), n * sizeof(int32_t)));
    fprintf(f, "depth %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, tc_outcome_depth(o), n * sizeof(int32_t)));
    fprintf(f, "exposed %016llx\n",
            (unsigned long long)hash(TC_FNV_OFFSET, tc_outcome_exposed(o), n));
    int32_t nroots;
    const tc_root *roots = tc_outcome_roots(o, &nroots);
    for (int32_t r = 0; r < nroots; r++)
        fprintf(f, "root %d: %a %d %d\n", r, roots[r].t, roots[r].author, roots[r].event);
    tc_adoption *log;
    int64_t nlog;
    tc_outcome_cascade(o, &log, &nlog);
    uint64_t h = TC_FNV_OFFSET;
    for (int64_t i = 0; i < nlog; i++) {
        h = hash(h, &log[i].t, sizeof log[i].t);
        h = hash(h, &log[i].account, sizeof log[i].account);
        h = hash(h, &log[i].parent, sizeof log[i].parent);
        h = hash(h, &log[i].root, sizeof log[i].root);
        h = hash(h, &log[i].depth, sizeof log[i].depth);
    }
    free(log);
    fprintf(f, "log %lld %016llx\n", (long long)nlog, (unsigned long long)h);
    fprintf(f,
            "reach %lld %lld %lld exposed %lld %lld %lld posts %lld reshares %lld %lld %lld "
            "volume %lld peak %lld %a own %lld %lld %lld shares %a %a depth %lld breadth %lld\n",
            (long long)s->reach, (long long)s->reach_human, (long long)s->reach_bot,
            (long long)s->exposed, (long long)s->exposed_human, (long long)s->exposed_bot,
            (long long)s->posts, (long long)s->reshares, (long long)s->reshares_human,
            (long long)s->reshares_bot, (long long)s->volume, (long long)s->peak_volume,
            s->peak_t, (long long)s->own_posts, (long long)s->own_posts_human,
            (long long)s->own_posts_bot, s->bot_share_volume, s->bot_share_accounts,
            (long long)s->max_depth, (long long)s->max_breadth);
    fprintf(f, "cascades %lld largest %lld %a mean %a\n", (long long)s->cascades,
            (long long)s->largest_size, s->largest_sv, s->mean_sv);
    for (int32_t r = 0; r < s->nroots; r++) {
        const tc_cascade_stats *c = &s->root[r];
        fprintf(f, "cascade %d: %lld %d %lld %a %a %a %a %lld %lld %lld\n", r,
                (long long)c->size, c->depth, (long long)c->max_breadth,
                c->structural_virality, c->t_reach[0], c->t_reach[1], c->t_reach[2],
                (long long)c->bot_reshares, (long long)c->via_bot, (long long)c->unreachable);
    }
    fprintf(f, "platform %lld %lld %lld %lld %a %a\n", (long long)s->repeats,
            (long long)s->removed_bots, (long long)s->removed_humans, (long long)s->immunised,
            s->trending_s, s->first_trending_t);
    tc_work wk;
    tc_engine_work(e, &wk);
    fprintf(f, "work %s %lld %lld %lld\n", wk.engine, (long long)wk.examined,
            (long long)wk.candidates, (long long)wk.threaded_plays);
    fclose(f);
    return text;
}

/* Stop a run after *ctx more steps. */
static int stop_after(void *ctx, const tc_engine *e)
{
    (void)e;
    int *left = ctx;
    return --*left <= 0;
}

/* Run (i, key k) on `threads` threads in *e (NULL: a fresh engine, freed
 * after), stopped after `stop` steps if stop > 0. The rendering, or NULL when
 * stopped. */
static char *play(int i, int k, int threads, tc_engine **e, int stop)
{
    tc_engine *own = NULL, **ep = e ? e : &own;
    tc_recorder rec;
    tc_summary s;
    tc_err err = {0};
    memset(&s, 0, sizeof s);
    uint64_t key = tc_run_key(sc[i].seed, (uint32_t)k);
    int left = stop;
    int rc = tc_run_simulate_reuse(&w[i], &sc[i], key, key, 0, threads, ep, &rec, &s,
                                   stop > 0 ? stop_after : NULL, &left, &err);
    char *text = NULL;
    if (stop > 0)
        CHECK(rc == TC_ERUNTIME, "%s: a run stopped after %d steps: rc %d", scen_name[i], stop,
              rc);
    else if (rc == TC_OK)
        text = render(*ep, &rec, &s);
    else
        CHECK(0, "%s: %s", scen_name[i], err.msg);
    tc_summary_destroy(&s);
    tc_recorder_destroy(&rec);
    if (!e) tc_engine_free(own);
    return text;
}

/* The first line where a and b differ, for the message. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
    while (*a && *a == *b) {
        const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
        if (!na || !nb || na - a != nb - b || memcmp(a, b, (size_t)(na - a))) break;
        a = na + 1;
        b = nb + 1;
    }
    int la = (int)strcspn(a, "\n"), lb = (int)strcspn(b, "\n");
    snprintf(out, size, "fresh \"%.*s\", reused \"%.*s\"", la, a, lb, b);
}

/* A run in the sequence one engine plays: scenario, key, steps before it is
 * stopped (0: played to the end and compared). */
typedef struct {
    int scen, key, stop;
} turn;

static const turn order[] = {
    {REPLAY, 0, 0}, {FAST, 0, 0},     {FAST2, 0, 0},   {FAST, 1, 0},   {FAST2, 0, 150},
    {FAST, 0, 0},   {COUNT, 0, 0},    {COUNT, 1, 0},   {COUNT, 0, 300}, {COUNT, 0, 0},
    {REPLAY, 1, 0}, {REPLAY, 0, 500}, {COUNT, 1, 0},   {SIR, 0, 0},    {SIR, 1, 0},
    {SIR, 0, 40},   {SIR, 1, 0},      {SEIZ, 0, 0},    {SIR, 0, 0},    {SEIZ, 1, 40},
    {SEIZ, 1, 0},   {LANES, 0, 0},    {FAST, 1, 200},  {LANES, 1, 0},  {SMALL, 0, 0},
    {FAST2, 0, 0},  {SMALL, 0, 100},  {REPLAY, 0, 0},  {LANES, 0, 3},  {FAST, 1, 0},
    {SEIZ, 0, 0},   {FAST, 0, 0},
};

/* The turns in one engine, forwards or backwards (each run then follows other
 * runs), each run played to its end compared with the run on a fresh engine. */
static void play_order(int threads, int backwards)
{
    int nt = (int)(sizeof order / sizeof order[0]);
    tc_engine *e = NULL;
    for (int j = 0; j < nt; j++) {
        const turn *u = &order[backwards ? nt - 1 - j : j];
        char *got = play(u->scen, u->key, threads, &e, u->stop);
        if (u->stop > 0) continue;
        const char *want = fresh[u->scen][u->key][threads];
        if (got && want) {
            char diff[600];
            first_difference(want, got, diff, sizeof diff);
            CHECK(!strcmp(want, got), "%s key %d on %d thread%s, turn %d%s: %s",
                  scen_name[u->scen], u->key, threads, threads == 1 ? "" : "s", j,
                  backwards ? " backwards" : "", diff);
        }
        free(got);
    }
    tc_engine_free(e);
}

int main(void)
{
    const char *text[NSCEN] = {NULL,       fast_text,         fast2_text,
                               count_text, STEP("sir", "13"), STEP("seiz", "14"),
                               lanes_text, small_text};
    for (int i = 0; i < NSCEN; i++) {
        tc_err err = {0};
        int rc = i == REPLAY ? tc_scenario_load(&sc[i], "scenarios/macronleaks.yaml", replay_sets,
                                                (int)(sizeof replay_sets / sizeof *replay_sets),
                                                &err)
                             : tc_scenario_parse(&sc[i], scen_name[i], text[i], NULL, 0, &err);
        if (rc || tc_world_build(&w[i], &sc[i], &err)) {
            printf("not ok - %s: %s\n", scen_name[i], err.msg);
            return 1;
        }
    }
    /* what the runs are meant to exercise is there */
    CHECK(w[REPLAY].net.n == w[FAST].net.n && w[FAST].net.n == w[LANES].net.n &&
              w[SMALL].net.n != w[FAST].net.n,
          "accounts %d %d %d %d", w[REPLAY].net.n, w[FAST].net.n, w[LANES].net.n, w[SMALL].net.n);
    for (int i = 0; i < NSCEN; i++)
        for (int k = 0; k < NKEYS; k++)
            for (int t = 1; t <= MAXT; t++) fresh[i][k][t] = play(i, k, t, NULL, 0);
    CHECK(fresh[LANES][0][1] && strstr(fresh[LANES][0][1], "work lanes"), "the lanes path");
    CHECK(fresh[SIR][0][1] && strstr(fresh[SIR][0][1], "work step"), "the step engine");
    CHECK(fresh[COUNT][0][1] && !strstr(fresh[COUNT][0][1], "platform 0 0 0 0 0x0p+0"),
          "the tag trends");
    CHECK(fresh[FAST][0][1] && strstr(fresh[FAST][0][1], "work event") &&
              !strstr(fresh[FAST][0][1], "work event 0 0 "),
          "the fast path draws candidates");
    for (int t = 1; t <= MAXT; t++) {
        play_order(t, 0);
        play_order(t, 1);
    }
    for (int i = 0; i < NSCEN; i++) {
        for (int k = 0; k < NKEYS; k++)
            for (int t = 1; t <= MAXT; t++) free(fresh[i][k][t]);
        tc_world_destroy(&w[i]);
        tc_scenario_destroy(&sc[i]);
    }
    return tc_test_done("test_reuse");
}
